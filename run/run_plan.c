/*
 * The plan of a run: inputs expanded (globs, directories walked as `grist ingest` walks them)
 * and split into tasks by bytes, the pipeline line checked, and the phases with a hash per unit
 * (run.h says what the hashes cover). Planning reads nothing but the pipeline file and the
 * inputs' metadata, so every Slurm array task re-plans to the same result.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "ingest/ingest_int.h"
#include "lib/xalloc.h"
#include "run/run_int.h"

#ifndef GRIST_VERSION
#define GRIST_VERSION "0.1.0"
#endif

static int has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int add_input(struct run_plan *p, size_t *alloc, const char *path, struct buf *err)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		buf_addf(err, "input %s: %s", path, strerror(errno));
		return -1;
	}
	ALLOC_GROW(p->inputs, p->ninputs + 1, *alloc);
	struct run_input *in = &p->inputs[p->ninputs++];
	in->path = xstrdup(path);
	in->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	in->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	return 0;
}

/* One `inputs:` entry: a glob (sorted, must match), a directory (walked), or a path. */
static int expand_input(struct run_plan *p, size_t *alloc, const char *entry, struct buf *err)
{
	char **paths;
	size_t npaths;
	glob_t g = { 0 };
	if (has_glob(entry)) {
		int rc = glob(entry, 0, NULL, &g);
		if (rc == GLOB_NOMATCH) {
			buf_addf(err, "input %s matches no file", entry);
			return -1;
		}
		if (rc) {
			buf_addf(err, "input %s: cannot expand the pattern", entry);
			globfree(&g);
			return -1;
		}
		paths = g.gl_pathv;
		npaths = g.gl_pathc;
	} else {
		paths = (char **)&entry;
		npaths = 1;
	}
	int rc = 0;
	for (size_t i = 0; i < npaths && !rc; i++) {
		struct path_list l = { 0 };
		rc = walk_path(&l, paths[i], err);
		for (size_t k = 0; k < l.n && !rc; k++)
			rc = add_input(p, alloc, l.v[k], err);
		if (!rc && l.n == 0) {
			buf_addf(err, "input %s holds no files", paths[i]);
			rc = -1;
		}
		path_list_release(&l);
	}
	if (has_glob(entry))
		globfree(&g);
	return rc;
}

/*
 * Tasks by bytes: file i goes to task floor(mid_i * N / total), where mid_i is the byte
 * position of the middle of file i in the concatenated input. The assignment is monotone (order
 * is kept, each file whole in one task) and balanced to within one file; tasks left empty by a
 * large file are dropped, so a run may have fewer tasks than asked (--print says so).
 */
static void make_tasks(struct run_plan *p)
{
	uint64_t total = 0;
	for (size_t i = 0; i < p->ninputs; i++)
		total += p->inputs[i].size;
	size_t want = (size_t)p->tasks_wanted;
	if (want > p->ninputs)
		want = p->ninputs;
	p->tasks = xcalloc(want ? want : 1, sizeof(*p->tasks));
	uint64_t pos = 0;
	size_t last = (size_t)-1;
	for (size_t i = 0; i < p->ninputs; i++) {
		uint64_t sz = p->inputs[i].size;
		size_t t = total ? (size_t)((pos + sz / 2) * (unsigned __int128)want / total) : i * want / p->ninputs;
		if (t >= want)
			t = want - 1;
		if (t != last) {
			p->tasks[p->ntasks].first = i;
			p->ntasks++;
			last = t;
		}
		struct run_task *tk = &p->tasks[p->ntasks - 1];
		tk->n++;
		tk->bytes += sz;
		pos += sz;
	}
}

static int find_stage(const struct run_plan *p, const char *name)
{
	int at = -1;
	for (size_t i = 0; i < p->nstages; i++)
		if (!strcmp(p->stages[i].name, name))
			at = (int)i;
	return at;
}

/* dedup --bands as the stage itself reads it (the one count syntax, lib/opts_num.c); 0 when
 * the value is not a count, which the range check below reports. */
static int plan_bands(const char *v)
{
	uint64_t n;
	return opts_parse_count(v, &n) < 0 || n > 1000 ? 0 : (int)n;
}

static int check_layout(struct run_plan *p, struct buf *err)
{
	static const char *known[] = { "ingest", "clean", "dedup", "tokenize", "shard" };
	for (size_t i = 0; i < p->nstages; i++) {
		const struct run_stage *s = &p->stages[i];
		int ok = 0;
		for (size_t k = 0; k < sizeof(known) / sizeof(*known); k++)
			ok |= !strcmp(s->name, known[k]);
		if (!ok) {
			buf_addf(err, "pipeline stage %zu: `%s` is not a grist stage (ingest, clean, "
				      "dedup, tokenize, shard)", i + 1, s->name);
			return -1;
		}
		for (size_t k = 0; k < i; k++)
			if (!strcmp(p->stages[k].name, s->name)) {
				buf_addf(err, "pipeline: `%s` appears twice", s->name);
				return -1;
			}
		if (run_stage_check(s, i, p->nstages, err))
			return -1;
	}
	p->dedup_at = find_stage(p, "dedup");
	p->tokenize_at = find_stage(p, "tokenize");
	p->shard_at = find_stage(p, "shard");
	if (p->shard_at >= 0 && (p->shard_at != (int)p->nstages - 1 ||
				 p->tokenize_at != p->shard_at - 1)) {
		buf_addstr(err, "pipeline: `shard` must be the last stage, right after `tokenize`");
		return -1;
	}
	if (p->tokenize_at >= 0 && p->tokenize_at < (int)p->nstages - 1 && p->shard_at < 0) {
		buf_addstr(err, "pipeline: after `tokenize` only `shard` can follow");
		return -1;
	}
	if (p->dedup_at >= 0 && p->tokenize_at >= 0 && p->dedup_at > p->tokenize_at) {
		buf_addstr(err, "pipeline: `dedup` reads records, so it must come before `tokenize`");
		return -1;
	}
	p->bands = 0;
	if (p->dedup_at >= 0) {
		const struct run_stage *d = &p->stages[p->dedup_at];
		p->bands = 14;
		for (size_t k = 0; k < d->nargs; k++) {
			const char *a = d->args[k];
			if (!strcmp(a, "--exact"))
				p->bands = -1;
			else if (p->bands > 0 && !strcmp(a, "--bands") && k + 1 < d->nargs)
				p->bands = plan_bands(d->args[k + 1]);
			else if (p->bands > 0 && !strncmp(a, "--bands=", 8))
				p->bands = plan_bands(a + 8);
		}
		if (p->bands < 0)
			p->bands = 1; /* exact dedup is one band of whole-text hashes */
		if (p->bands < 1 || p->bands > 1000) {
			buf_addstr(err, "pipeline: dedup --bands must be from 1 to 1000");
			return -1;
		}
	}
	return 0;
}

static uint64_t hash_buf(const struct buf *b)
{
	return XXH3_64bits(b->data, b->len);
}

static void add_field(struct buf *b, const char *s)
{
	buf_addstr(b, s);
	buf_addch(b, '\0');
}

/*
 * What every unit hash starts with: the format, grist's version, the run-wide settings, the
 * unit's phase and number, and the stages the unit runs (name and words), so a change to one
 * stage's options reruns the units that run it and those after them, and nothing before.
 */
static void base_fields(const struct run_plan *p, struct buf *b, const char *phase, size_t unit,
			int from, int to)
{
	buf_reset(b);
	add_field(b, "grist-run-1");
	add_field(b, GRIST_VERSION);
	add_field(b, p->prefix);
	buf_addf(b, "%d|%zu|%s|%zu", p->keep_rejects, p->ntasks, phase, unit);
	buf_addch(b, '\0');
	for (int k = from; k < to; k++) {
		add_field(b, p->stages[k].name);
		for (size_t a = 0; a < p->stages[k].nargs; a++)
			add_field(b, p->stages[k].args[a]);
		buf_addch(b, '\n');
	}
}

static struct run_phase *add_phase(struct run_plan *p, enum run_phase_kind kind, const char *name,
				   size_t units)
{
	struct run_phase *ph = &p->phases[p->nphases++];
	ph->kind = kind;
	ph->name = name;
	ph->units = units;
	ph->hash = xcalloc(units, sizeof(uint64_t));
	return ph;
}

static void make_phases(struct run_plan *p)
{
	struct buf b = BUF_INIT;
	int n = (int)p->nstages;
	int dd = p->dedup_at, sh = p->shard_at >= 0 ? p->shard_at : n;
	struct run_phase *task = add_phase(p, RUN_PHASE_TASK, "task", p->ntasks);
	for (size_t i = 0; i < p->ntasks; i++) {
		/* with dedup, a task unit runs the stages before it and `dedup sign` */
		base_fields(p, &b, "task", i, 0, dd >= 0 ? dd + 1 : sh);
		const struct run_task *t = &p->tasks[i];
		for (size_t k = t->first; k < t->first + t->n; k++) {
			add_field(&b, p->inputs[k].path);
			buf_addf(&b, "%llu|%lld", (unsigned long long)p->inputs[k].size,
				 (long long)p->inputs[k].mtime_ns);
			buf_addch(&b, '\0');
		}
		task->hash[i] = hash_buf(&b);
	}
	struct run_phase *last = task;
	if (p->dedup_at >= 0) {
		struct run_phase *match = add_phase(p, RUN_PHASE_MATCH, "match", (size_t)p->bands);
		for (size_t i = 0; i < match->units; i++) {
			base_fields(p, &b, "match", i, dd, dd + 1);
			buf_add(&b, task->hash, task->units * sizeof(uint64_t));
			match->hash[i] = hash_buf(&b);
		}
		struct run_phase *cluster = add_phase(p, RUN_PHASE_CLUSTER, "cluster", 1);
		base_fields(p, &b, "cluster", 0, dd, dd + 1);
		buf_add(&b, match->hash, match->units * sizeof(uint64_t));
		cluster->hash[0] = hash_buf(&b);
		struct run_phase *filter = add_phase(p, RUN_PHASE_FILTER, "filter", p->ntasks);
		for (size_t i = 0; i < p->ntasks; i++) {
			base_fields(p, &b, "filter", i, dd, sh);
			buf_add(&b, &cluster->hash[0], sizeof(uint64_t));
			buf_add(&b, &task->hash[i], sizeof(uint64_t));
			filter->hash[i] = hash_buf(&b);
		}
		last = filter;
	}
	if (p->shard_at >= 0) {
		struct run_phase *shard = add_phase(p, RUN_PHASE_SHARD, "shard", 1);
		base_fields(p, &b, "shard", 0, sh, n);
		buf_add(&b, last->hash, last->units * sizeof(uint64_t));
		shard->hash[0] = hash_buf(&b);
	}
	buf_reset(&b);
	for (size_t k = 0; k < p->nphases; k++)
		buf_add(&b, p->phases[k].hash, p->phases[k].units * sizeof(uint64_t));
	p->hash = hash_buf(&b);
	buf_release(&b);
}

static int absolute_output(struct run_plan *p, const char *out)
{
	if (out[0] == '/') {
		p->output = xstrdup(out);
	} else {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s/%s", p->cwd, out);
		p->output = buf_detach(&b, NULL);
	}
	size_t n = strlen(p->output);
	while (n > 1 && p->output[n - 1] == '/')
		p->output[--n] = '\0';
	return 0;
}

static int from_raw(struct run_plan *p, struct run_raw *raw, struct buf *err)
{
	if (!raw->ninputs || !raw->output || !raw->pipeline) {
		buf_addf(err, "%s: needs the keys %s%s%s", p->file, raw->ninputs ? "" : "inputs ",
			 raw->output ? "" : "output ", raw->pipeline ? "" : "pipeline");
		return -1;
	}
	p->pipeline = raw->pipeline;
	raw->pipeline = NULL;
	p->prefix = raw->prefix ? raw->prefix : xstrdup("data");
	raw->prefix = NULL;
	if (!p->prefix[0] || strchr(p->prefix, '/')) {
		buf_addf(err, "%s: `prefix` is a file-name prefix, without '/'", p->file);
		return -1;
	}
	p->tasks_wanted = raw->tasks ? raw->tasks : 1;
	p->jobs = raw->jobs ? raw->jobs : 1;
	p->keep_rejects = raw->rejects;
	p->slurm = raw->slurm;
	p->nslurm = raw->nslurm;
	raw->slurm = NULL;
	absolute_output(p, raw->output);
	if (run_pipeline_parse(p->pipeline, &p->stages, &p->nstages, err) || check_layout(p, err)) {
		char *msg = buf_detach(err, NULL);
		buf_addf(err, "%s: %s", p->file, msg);
		free(msg);
		return -1;
	}
	size_t alloc = 0;
	for (size_t i = 0; i < raw->ninputs; i++)
		if (expand_input(p, &alloc, raw->inputs[i], err))
			return -1;
	make_tasks(p);
	make_phases(p);
	return 0;
}

int run_plan_load(struct run_plan *p, const char *file, struct buf *err, int *code)
{
	memset(p, 0, sizeof(*p));
	p->file = xstrdup(file);
	p->cwd = getcwd(NULL, 0);
	if (!p->cwd) {
		buf_addf(err, "cannot get the current directory: %s", strerror(errno));
		*code = 3;
		return -1;
	}
	struct run_raw raw = { 0 };
	raw.rejects = 1;
	if (run_yaml_read(file, &raw, err, code)) {
		run_raw_release(&raw);
		return -1;
	}
	*code = 2;
	int rc = from_raw(p, &raw, err);
	run_raw_release(&raw);
	for (size_t i = 0; i < raw.nslurm && raw.slurm; i++) {
		free(raw.slurm[i].key);
		free(raw.slurm[i].value);
	}
	free(raw.slurm);
	return rc;
}

void run_plan_release(struct run_plan *p)
{
	free(p->file);
	free(p->cwd);
	free(p->output);
	free(p->pipeline);
	free(p->prefix);
	for (size_t i = 0; i < p->ninputs; i++)
		free(p->inputs[i].path);
	free(p->inputs);
	free(p->tasks);
	run_stages_release(p->stages, p->nstages);
	for (size_t i = 0; i < p->nslurm; i++) {
		free(p->slurm[i].key);
		free(p->slurm[i].value);
	}
	free(p->slurm);
	for (size_t i = 0; i < p->nphases; i++)
		free(p->phases[i].hash);
	memset(p, 0, sizeof(*p));
}

const struct run_phase *run_plan_phase(const struct run_plan *p, const char *name)
{
	for (size_t i = 0; i < p->nphases; i++)
		if (!strcmp(p->phases[i].name, name))
			return &p->phases[i];
	return NULL;
}

void run_plan_print(const struct run_plan *p, struct buf *out)
{
	uint64_t total = 0;
	for (size_t i = 0; i < p->ninputs; i++)
		total += p->inputs[i].size;
	buf_addf(out, "plan %016llx: %zu input files, %llu bytes, %zu tasks (asked %d)\n",
		 (unsigned long long)p->hash, p->ninputs, (unsigned long long)total, p->ntasks,
		 p->tasks_wanted);
	buf_addf(out, "run directory: %s\n", p->output);
	for (size_t i = 0; i < p->ntasks; i++) {
		const struct run_task *t = &p->tasks[i];
		buf_addf(out, RUN_TASK_FMT ": %zu files, %llu bytes: %s%s\n", i, t->n,
			 (unsigned long long)t->bytes, p->inputs[t->first].path,
			 t->n > 1 ? " ..." : "");
	}
	for (size_t k = 0; k < p->nphases; k++) {
		const struct run_phase *ph = &p->phases[k];
		buf_addf(out, "phase %s: %zu unit%s\n", ph->name, ph->units, ph->units == 1 ? "" : "s");
		for (size_t i = 0; i < ph->units; i++) {
			struct buf state = BUF_INIT;
			enum run_unit_state s = run_unit_state(p, ph, i, &state);
			static const char *names[] = { "to run", "done", "failed", "stale" };
			buf_addf(out, "  %s %zu [%s]\n", ph->name, i, names[s]);
			run_unit_describe(p, ph, i, out);
			buf_release(&state);
		}
	}
}
