/*
 * One unit of a run: the command lines it is made of, its state (marker files), and running it.
 *
 * Run directory layout (docs/run.md):
 *   shards/             the shards, their document indexes and the one manifest
 *   records/, streams/  per-task outputs when the pipeline ends before shard / tokenize
 *   stats/TASK.STAGE.json, logs/TASK.STAGE.log, rejects/TASK.STAGE.jsonl
 *   work/               intermediates: task inputs lists, records before dedup, token streams,
 *                       dedup's files, and markers/PHASE.UNIT.{done,failed}
 * A unit's last stage writes its output under a temporary name; only when every process of the
 * unit exited 0 is it renamed into place and the .done marker (the unit's hash) written. A
 * unit that failed leaves a .failed marker naming the stage, the exit status, the first error
 * line and the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/atomic.h"
#include "lib/xalloc.h"
#include "run/run_int.h"

static void sv_push(struct run_strvec *s, const char *x)
{
	ALLOC_GROW(s->v, s->n + 2, s->alloc);
	s->v[s->n++] = xstrdup(x);
	s->v[s->n] = NULL;
}

__attribute__((format(printf, 2, 3))) static void sv_pushf(struct run_strvec *s, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	ALLOC_GROW(s->v, s->n + 2, s->alloc);
	s->v[s->n++] = buf_detach(&b, NULL);
	s->v[s->n] = NULL;
}

static void sv_release(struct run_strvec *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

struct unit_cmd {
	struct run_proc procs[8];
	size_t nprocs; /* procs joined by pipes */
	struct run_proc after; /* run after the chain succeeded (dedup sign), if after.argv.n */
	char *out_tmp, *out_final; /* the chain's output, renamed on success (NULL: none) */
	char *inputs_list;         /* task input list to write first (NULL: none) */
	int clear_shards;
};

void run_path(struct buf *out, const struct run_plan *p, const char *fmt, ...)
{
	va_list ap;
	buf_addstr(out, p->output);
	buf_addch(out, '/');
	va_start(ap, fmt);
	buf_vaddf(out, fmt, ap);
	va_end(ap);
}

static char *path_of(const struct run_plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static char *path_of(const struct run_plan *p, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	buf_addstr(&b, p->output);
	buf_addch(&b, '/');
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b, NULL);
}

static int is_record_option(const char *a, int *takes_value)
{
	static const char *opts[] = { "--text-field", "--id-field", "--on-missing", "--on-invalid",
				      "--max-doc-bytes" };
	for (size_t i = 0; i < sizeof(opts) / sizeof(*opts); i++) {
		size_t n = strlen(opts[i]);
		if (!strncmp(a, opts[i], n) && (a[n] == '\0' || a[n] == '=')) {
			*takes_value = a[n] == '\0';
			return 1;
		}
	}
	return 0;
}

/* Where a per-task chain ending at stage `end` (exclusive) puts its output. */
static void chain_output(const struct run_plan *p, size_t task, int ends_before_dedup,
			 struct unit_cmd *c)
{
	if (ends_before_dedup)
		c->out_final = path_of(p, "work/" RUN_TASK_FMT "/records.jsonl", task);
	else if (p->shard_at >= 0)
		c->out_final = path_of(p, "work/" RUN_TASK_FMT "/tokens.tok", task);
	else if (p->tokenize_at >= 0)
		c->out_final = path_of(p, "streams/" RUN_TASK_FMT ".tok", task);
	else
		c->out_final = path_of(p, "records/" RUN_TASK_FMT ".jsonl", task);
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s.partial", c->out_final);
	c->out_tmp = buf_detach(&b, NULL);
}

static void stage_proc(const struct run_plan *p, size_t task, const struct run_stage *s,
		       const char *stat_name, struct run_proc *pr)
{
	sv_push(&pr->argv, "grist");
	sv_push(&pr->argv, s->name);
	for (size_t k = 0; k < s->nargs; k++)
		sv_push(&pr->argv, s->args[k]);
	sv_pushf(&pr->argv, "--stats=%s/stats/" RUN_TASK_FMT ".%s.json", p->output, task, stat_name);
	if (p->keep_rejects)
		sv_pushf(&pr->argv, "--rejects=%s/rejects/" RUN_TASK_FMT ".%s.jsonl", p->output, task,
			 stat_name);
	if (p->progress)
		sv_push(&pr->argv, "--progress");
	pr->log = path_of(p, "logs/" RUN_TASK_FMT ".%s.log", task, stat_name);
	pr->stage = s->name;
}

/* The stages [from, to) of task `task` as one chain; `first` is the first process slot. */
static void chain_stages(const struct run_plan *p, size_t task, size_t from, size_t to,
			 struct unit_cmd *c)
{
	for (size_t k = from; k < to; k++) {
		struct run_proc *pr = &c->procs[c->nprocs++];
		stage_proc(p, task, &p->stages[k], p->stages[k].name, pr);
		if (k == 0) {
			const struct run_task *t = &p->tasks[task];
			if (!strcmp(p->stages[0].name, "ingest")) {
				c->inputs_list = path_of(p, "work/" RUN_TASK_FMT "/inputs.txt", task);
				sv_pushf(&pr->argv, "--files-from=%s", c->inputs_list);
			} else {
				sv_push(&pr->argv, "--");
				for (size_t f = t->first; f < t->first + t->n; f++)
					sv_push(&pr->argv, p->inputs[f].path);
			}
		}
	}
}

static void unit_task(const struct run_plan *p, size_t i, struct unit_cmd *c)
{
	size_t end = p->dedup_at >= 0   ? (size_t)p->dedup_at
		     : p->shard_at >= 0 ? (size_t)p->shard_at
					: p->nstages;
	chain_stages(p, i, 0, end, c);
	chain_output(p, i, p->dedup_at >= 0, c);
	if (p->dedup_at < 0)
		return;
	const struct run_stage *d = &p->stages[p->dedup_at];
	struct run_proc *pr = &c->after;
	sv_push(&pr->argv, "grist");
	sv_push(&pr->argv, "dedup");
	sv_push(&pr->argv, "sign");
	sv_pushf(&pr->argv, "--task=%zu", i);
	for (size_t k = 0; k < d->nargs; k++)
		sv_push(&pr->argv, d->args[k]);
	sv_pushf(&pr->argv, "-o%s/work/dedup/dd", p->output);
	sv_push(&pr->argv, c->out_final);
	pr->log = path_of(p, "logs/" RUN_TASK_FMT ".dedup-sign.log", i);
	pr->stage = "dedup sign";
}

static void unit_filter(const struct run_plan *p, size_t i, struct unit_cmd *c)
{
	const struct run_stage *d = &p->stages[p->dedup_at];
	struct run_proc *pr = &c->procs[c->nprocs++];
	sv_push(&pr->argv, "grist");
	sv_push(&pr->argv, "dedup");
	sv_push(&pr->argv, "filter");
	sv_pushf(&pr->argv, "--task=%zu", i);
	for (size_t k = 0; k < d->nargs; k++) {
		int takes;
		if (!is_record_option(d->args[k], &takes))
			continue;
		sv_push(&pr->argv, d->args[k]);
		if (takes && k + 1 < d->nargs)
			sv_push(&pr->argv, d->args[++k]);
	}
	sv_pushf(&pr->argv, "--stats=%s/stats/" RUN_TASK_FMT ".dedup.json", p->output, i);
	if (p->keep_rejects)
		sv_pushf(&pr->argv, "--rejects=%s/rejects/" RUN_TASK_FMT ".dedup.jsonl", p->output, i);
	sv_pushf(&pr->argv, "%s/work/dedup/dd", p->output);
	sv_pushf(&pr->argv, "%s/work/" RUN_TASK_FMT "/records.jsonl", p->output, i);
	pr->log = path_of(p, "logs/" RUN_TASK_FMT ".dedup.log", i);
	pr->stage = "dedup filter";
	size_t end = p->shard_at >= 0 ? (size_t)p->shard_at : p->nstages;
	chain_stages(p, i, (size_t)p->dedup_at + 1, end, c);
	chain_output(p, i, 0, c);
}

static void unit_single(const struct run_plan *p, const struct run_phase *ph, size_t i,
			struct unit_cmd *c)
{
	struct run_proc *pr = &c->procs[c->nprocs++];
	sv_push(&pr->argv, "grist");
	if (ph->kind == RUN_PHASE_MATCH) {
		sv_push(&pr->argv, "dedup");
		sv_push(&pr->argv, "match");
		sv_pushf(&pr->argv, "--band=%zu", i);
		sv_pushf(&pr->argv, "--tasks=%zu", p->ntasks);
		sv_pushf(&pr->argv, "%s/work/dedup/dd", p->output);
		pr->log = path_of(p, "logs/match%04zu.dedup-match.log", i);
		pr->stage = "dedup match";
	} else if (ph->kind == RUN_PHASE_CLUSTER) {
		sv_push(&pr->argv, "dedup");
		sv_push(&pr->argv, "cluster");
		sv_pushf(&pr->argv, "--tasks=%zu", p->ntasks);
		sv_pushf(&pr->argv, "--stats=%s/stats/dedup-cluster.json", p->output);
		sv_pushf(&pr->argv, "%s/work/dedup/dd", p->output);
		pr->log = path_of(p, "logs/dedup-cluster.log");
		pr->stage = "dedup cluster";
	} else {
		const struct run_stage *s = &p->stages[p->shard_at];
		sv_push(&pr->argv, "shard");
		for (size_t k = 0; k < s->nargs; k++)
			sv_push(&pr->argv, s->args[k]);
		sv_pushf(&pr->argv, "--stats=%s/stats/shard.json", p->output);
		sv_pushf(&pr->argv, "-o%s/shards/%s", p->output, p->prefix);
		sv_push(&pr->argv, "--");
		const struct run_phase *last = run_plan_phase(p, p->dedup_at >= 0 ? "filter" : "task");
		for (size_t t = 0; t < last->units; t++)
			sv_pushf(&pr->argv, "%s/work/" RUN_TASK_FMT "/tokens.tok", p->output, t);
		pr->log = path_of(p, "logs/shard.log");
		pr->stage = "shard";
		c->clear_shards = 1;
	}
}

static void unit_build(const struct run_plan *p, const struct run_phase *ph, size_t i,
		       struct unit_cmd *c)
{
	memset(c, 0, sizeof(*c));
	if (ph->kind == RUN_PHASE_TASK)
		unit_task(p, i, c);
	else if (ph->kind == RUN_PHASE_FILTER)
		unit_filter(p, i, c);
	else
		unit_single(p, ph, i, c);
	/* the chain's last process writes the unit's output (-o before any `--`) */
	if (c->out_tmp) {
		struct run_strvec *v = &c->procs[c->nprocs - 1].argv;
		size_t at = 0;
		while (at < v->n && strcmp(v->v[at], "--"))
			at++;
		sv_pushf(v, "-o%s", c->out_tmp);
		char *o = v->v[v->n - 1];
		memmove(&v->v[at + 1], &v->v[at], (v->n - 1 - at) * sizeof(char *));
		v->v[at] = o;
	}
}

static void unit_release(struct unit_cmd *c)
{
	for (size_t k = 0; k < c->nprocs; k++) {
		sv_release(&c->procs[k].argv);
		free(c->procs[k].log);
	}
	sv_release(&c->after.argv);
	free(c->after.log);
	free(c->out_tmp);
	free(c->out_final);
	free(c->inputs_list);
}

static void describe_proc(const struct run_proc *pr, struct buf *out)
{
	for (size_t k = 0; k < pr->argv.n; k++) {
		const char *a = pr->argv.v[k];
		int plain = a[0] && !strpbrk(a, " \t\n'\"\\|&;<>()$`*?[]{}");
		buf_addstr(out, k ? " " : "");
		if (plain) {
			buf_addstr(out, a);
			continue;
		}
		buf_addch(out, '\'');
		for (const char *q = a; *q; q++)
			buf_addstr(out, *q == '\'' ? "'\\''" : (char[]){ *q, 0 });
		buf_addch(out, '\'');
	}
}

void run_unit_describe(const struct run_plan *p, const struct run_phase *ph, size_t i,
		       struct buf *out)
{
	struct unit_cmd c;
	unit_build(p, ph, i, &c);
	buf_addstr(out, "    ");
	for (size_t k = 0; k < c.nprocs; k++) {
		buf_addstr(out, k ? " | " : "");
		describe_proc(&c.procs[k], out);
	}
	buf_addch(out, '\n');
	if (c.after.argv.n) {
		buf_addstr(out, "    then ");
		describe_proc(&c.after, out);
		buf_addch(out, '\n');
	}
	unit_release(&c);
}

static char *marker(const struct run_plan *p, const struct run_phase *ph, size_t i,
		    const char *what)
{
	return path_of(p, "work/markers/%s.%04zu.%s", ph->name, i, what);
}

static int read_small(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char tmp[4096];
	size_t n = fread(tmp, 1, sizeof(tmp) - 1, f);
	fclose(f);
	buf_add(out, tmp, n);
	return 0;
}

enum run_unit_state run_unit_state(const struct run_plan *p, const struct run_phase *ph, size_t i,
				   struct buf *failure)
{
	char *done = marker(p, ph, i, "done");
	char *failed = marker(p, ph, i, "failed");
	struct buf b = BUF_INIT;
	enum run_unit_state s = RUN_UNIT_MISSING;
	if (read_small(done, &b) == 0) {
		unsigned long long h = strtoull(b.data, NULL, 16);
		s = h == ph->hash[i] ? RUN_UNIT_DONE : RUN_UNIT_STALE;
	} else if (read_small(failed, failure) == 0) {
		s = RUN_UNIT_FAILED;
	}
	buf_release(&b);
	free(done);
	free(failed);
	return s;
}

static int mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0777) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

static int prepare_dirs(const struct run_plan *p, size_t task, struct buf *err)
{
	static const char *dirs[] = { "shards", "stats", "logs", "rejects", "work/markers",
				      "work/dedup", "records", "streams" };
	struct buf d = BUF_INIT;
	int rc = 0;
	for (size_t k = 0; k < sizeof(dirs) / sizeof(*dirs) + 1 && !rc; k++) {
		buf_reset(&d);
		if (k < sizeof(dirs) / sizeof(*dirs))
			run_path(&d, p, "%s", dirs[k]);
		else
			run_path(&d, p, "work/" RUN_TASK_FMT, task);
		if (mkdirs(d.data)) {
			buf_addf(err, "cannot create %s: %s", d.data, strerror(errno));
			rc = -1;
		}
	}
	buf_release(&d);
	return rc;
}

static int write_inputs_list(const struct run_plan *p, size_t task, const char *path,
			     struct buf *err)
{
	struct buf b = BUF_INIT;
	const struct run_task *t = &p->tasks[task];
	for (size_t f = t->first; f < t->first + t->n; f++)
		buf_addf(&b, "%s\n", p->inputs[f].path);
	int rc = atomic_write_file(path, b.data, b.len, err);
	buf_release(&b);
	return rc;
}

/* Remove the files of shards/ (an earlier shard phase's output) before shard runs again. */
static void clear_shards(const struct run_plan *p)
{
	struct buf b = BUF_INIT;
	run_path(&b, p, "shards");
	run_clear_dir(b.data);
	buf_release(&b);
}

void run_unpublish_stale(const struct run_plan *p)
{
	const struct run_phase *ph = run_plan_phase(p, "shard");
	struct buf f = BUF_INIT;
	if (ph && run_unit_state(p, ph, 0, &f) != RUN_UNIT_DONE) {
		char *done = marker(p, ph, 0, "done");
		unlink(done);
		free(done);
		clear_shards(p);
	}
	buf_release(&f);
}

int run_unit_exec(const struct run_plan *p, const struct run_phase *ph, size_t i,
		  const char *grist_exe, struct buf *err)
{
	struct unit_cmd c;
	char *done = marker(p, ph, i, "done");
	char *failed = marker(p, ph, i, "failed");
	unlink(done);
	unlink(failed);
	size_t task = ph->kind == RUN_PHASE_TASK || ph->kind == RUN_PHASE_FILTER ? i : 0;
	int rc = prepare_dirs(p, task, err) ? 3 : 0;
	unit_build(p, ph, i, &c);
	if (!rc && c.inputs_list && write_inputs_list(p, i, c.inputs_list, err))
		rc = 3;
	if (!rc && c.clear_shards)
		clear_shards(p);
	struct run_failure fail = { 0 };
	if (!rc)
		rc = run_exec_chain(grist_exe, p->cwd, c.procs, c.nprocs, &fail);
	if (!rc && c.out_tmp && rename(c.out_tmp, c.out_final) < 0) {
		buf_addf(&fail.line, "cannot rename %s: %s", c.out_tmp, strerror(errno));
		fail.stage = "grist run";
		rc = 3;
	}
	if (!rc && c.after.argv.n)
		rc = run_exec_chain(grist_exe, p->cwd, &c.after, 1, &fail);
	struct buf m = BUF_INIT;
	if (!rc) {
		buf_addf(&m, "%016llx\n", (unsigned long long)ph->hash[i]);
		if (atomic_write_file(done, m.data, m.len, err))
			rc = 3;
	} else {
		if (c.out_tmp)
			unlink(c.out_tmp);
		if (!err->len)
			buf_addf(err, "%s %zu failed at %s (exit %d): %s (log: %s)", ph->name, i,
				 fail.stage ? fail.stage : "setup", rc,
				 fail.line.len ? fail.line.data : "no message",
				 fail.log ? fail.log : "none");
		buf_addf(&m, "%s\n", err->data);
		struct buf ignore = BUF_INIT;
		atomic_write_file(failed, m.data, m.len, &ignore);
		buf_release(&ignore);
	}
	buf_release(&m);
	buf_release(&fail.line);
	unit_release(&c);
	free(done);
	free(failed);
	return rc;
}
