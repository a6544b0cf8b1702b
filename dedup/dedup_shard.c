/*
 * The sharded dedup: four plain commands a scheduler runs as many tasks (docs/dedup.md,
 * "Sharded mode"). Every file carries its task index in its name and a header + checksum (ddfile.h).
 *
 *   sign    --task T -o PREFIX INPUT     one task per input shard, T = 0, 1, ... in input order
 *           -> PREFIX_T_sigs.dd, PREFIX_T_ids.dd, PREFIX_T_band<B>.dd for every band B
 *   match   --band B --tasks N PREFIX    one task per band
 *           -> PREFIX_B_pairs.dd: for each document with an earlier band-B candidate that
 *              verifies, the earliest such one
 *   cluster --tasks N PREFIX             one task
 *           -> PREFIX_T_remove.dd for every T: removed documents with their duplicate_of id
 *              (the minimum over bands), and the group sizes in --stats
 *   filter  --task T PREFIX INPUT        one task per input shard -> records, like grist dedup
 *
 * The result equals the single-process one on the same inputs given in task order: both
 * compute, for every document, the earliest earlier document that shares a band key, has equal
 * b-bit band rows and verifies (lsh_index.h). This file holds the options, sign and filter;
 * dedup_merge.c holds match and cluster.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dedup/ddfile.h"
#include "dedup/dedup_cmd.h"
#include "dedup/dedup_groups.h"
#include "dedup/dedup_shard.h"
#include "lib/die.h"
#include "lib/le.h"
#include "lib/xalloc.h"

enum {
	OPT_SH_TASK = OPT_DD_SHARDED_BASE,
	OPT_SH_TASKS,
	OPT_SH_BAND,
};

static const char *const rule_near = "near_duplicate";
static const char *const rule_exact = "exact_duplicate";

static void sharded_usage(FILE *f)
{
	fprintf(f,
		"usage: grist dedup sign    --task T -o PREFIX [OPTIONS] INPUT\n"
		"       grist dedup match   --band B --tasks N PREFIX\n"
		"       grist dedup cluster --tasks N [--stats FILE] PREFIX\n"
		"       grist dedup filter  --task T [OPTIONS] PREFIX INPUT\n\n"
		"Sharded near-duplicate removal in four steps, each a plain command that a\n"
		"scheduler can run as many tasks (one per input shard, per band, one, per shard).\n"
		"Input shards are numbered 0..N-1 in input order; the kept set equals what\n"
		"`grist dedup` keeps for the shards concatenated in that order. sign and filter must\n"
		"get the same record options (--text-field, --on-missing, ...); filter checks the\n"
		"document count. Files: PREFIX_<task>_<what>.dd, each with a header and checksum.\n\n"
		"Step options:\n"
		"  --task T              input shard number (sign, filter)\n"
		"  --tasks N             number of input shards (match, cluster)\n"
		"  --band B              band this match task merges (0..bands-1)\n\n");
	dd_usage_options(f);
	common_opts_help(f, 1);
	fprintf(f, "\nExamples (two input shards, 14 bands):\n"
		   "  grist dedup sign --task 0 -o w/d a.jsonl; grist dedup sign --task 1 -o w/d b.jsonl\n"
		   "  for b in $(seq 0 13); do grist dedup match --band $b --tasks 2 w/d; done\n"
		   "  grist dedup cluster --tasks 2 w/d\n"
		   "  grist dedup filter --task 0 -o a.kept.jsonl w/d a.jsonl   # and --task 1 for b.jsonl\n");
}

/* One option of a sharded step: a step option, else a dedup option. */
static int sh_opt(void *ctx, int c, const char *arg)
{
	struct sh_opts *o = ctx;
	switch (c) {
	case OPT_SH_TASK: o->task = (int)opts_count("--task", arg, 0, 0xFFFFFF); return 1;
	case OPT_SH_TASKS: o->tasks = (int)opts_count("--tasks", arg, 1, 0x1000000); return 1;
	case OPT_SH_BAND: o->band = (int)opts_count("--band", arg, 0, MINHASH_MAX_K - 1); return 1;
	}
	return dd_option(&o->cfg, &o->x, c, arg);
}

static void parse(struct sh_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		RECORD_LONG_OPTIONS,
		DD_LONG_OPTIONS,
		{ "task", required_argument, 0, OPT_SH_TASK },
		{ "tasks", required_argument, 0, OPT_SH_TASKS },
		{ "band", required_argument, 0, OPT_SH_BAND },
		{ 0, 0, 0, 0 },
	};
	memset(o, 0, sizeof(*o));
	dd_config_init(&o->cfg);
	o->task = o->tasks = o->band = -1;
	optind = 1;
	int rc = opts_parse(&o->cfg.co, argc, argv, COMMON_SHORT_OPTIONS, longopts, sharded_usage,
			    sh_opt, o);
	if (rc)
		exit(rc);
}

void dd_need(long v, const char *opt, const char *cmd)
{
	if (v < 0)
		die(GRIST_EXIT_USAGE, "dedup %s needs %s", cmd, opt);
}

void dd_die_err(struct buf *err)
{
	die(GRIST_EXIT_IO, "%s", err->data);
}

/*
 * The parameters every file of a run carries. --exact runs through the same steps as a
 * signature of 16 bytes (the XXH3-128 of the normalized text) in one band of 16 rows: the band
 * key is its low 32 bits, "band rows equal" is then "hashes equal", with no verification and
 * no bucket cap, which is exactly the single-process exact rule.
 */
static struct ddfile_header params_header(const struct dd_config *cfg, uint32_t kind, long task,
					  long band, uint32_t rec_size)
{
	const int exact = cfg->mode == DD_EXACT;
	struct ddfile_header h = {
		.kind = kind, .task = (uint32_t)task, .band = (uint32_t)band,
		.bands = exact ? 1 : (uint32_t)cfg->mp.bands, .rows = exact ? 16 : (uint32_t)cfg->mp.rows,
		.ngram = exact ? 0 : (uint32_t)cfg->mp.ngram, .verify_m = exact ? 0 : (uint32_t)cfg->verify_m,
		.rec_size = rec_size, .char_ngrams = exact ? 0 : cfg->mp.char_ngrams,
		.bucket_cap = exact ? 0 : cfg->bucket_cap, .exact = (uint32_t)exact,
		.fold = cfg->fold,
	};
	return h;
}

void dd_open_checked(struct ddfile *f, const char *prefix, long task, const char *what,
		     uint32_t kind)
{
	struct buf name = BUF_INIT, err = BUF_INIT;
	ddfile_name(&name, prefix, (uint32_t)task, what);
	int rc = ddfile_open(f, name.data, kind, &err);
	if (rc < 0)
		die(rc == -GRIST_EXIT_IO ? GRIST_EXIT_IO : GRIST_EXIT_DATA, "%s", err.data);
	if (f->h.task != (uint32_t)task)
		die(GRIST_EXIT_DATA, "%s: made by task %u, expected %ld", name.data, f->h.task, task);
	buf_release(&name);
	buf_release(&err);
}

/* ---- sign ---- */

struct band_rec {
	uint32_t key, doc;
};

struct signer {
	struct sh_opts *o;
	struct stage_run run;
	struct ddfile_writer sigs, ids;
	uint64_t *id_off;
	size_t nid_alloc;
	struct band_rec **band;
	size_t nband_alloc;
	uint32_t ndocs;
	struct buf err;
};

static void sign_emit(void *self, struct batch *b)
{
	struct signer *s = self;
	struct dd_batch *db = b->user;
	const int exact = s->o->cfg.mode == DD_EXACT;
	const int bands = exact ? 1 : s->o->cfg.mp.bands, k = exact ? 16 : minhash_k(&s->o->cfg.mp);
	for (size_t i = 0; db && i < db->n; i++) {
		const struct dd_item *it = &db->items[i];
		if (it->kind != DD_ITEM_DOC)
			continue;
		uint8_t h16[16];
		uint32_t key16;
		const uint8_t *sig = exact ? h16 : db->bsigs + it->sig * (size_t)k;
		const uint32_t *keys = exact ? &key16 : db->keys + it->sig * (size_t)bands;
		if (exact) {
			le_put64(h16, it->hlo);
			le_put64(h16 + 8, it->hhi);
			key16 = (uint32_t)it->hlo;
		}
		if (s->ndocs == UINT32_MAX)
			die(GRIST_EXIT_UNSUPPORTED, "more than %u documents in one shard: split it",
			    UINT32_MAX - 1);
		uint32_t doc = s->ndocs++;
		if (ddfile_write(&s->sigs, sig, (size_t)k, &s->err) < 0 ||
		    ddfile_write(&s->ids, db->ids.data + it->id_off, it->id_len, &s->err) < 0)
			dd_die_err(&s->err);
		ALLOC_GROW(s->id_off, (size_t)doc + 2, s->nid_alloc);
		s->id_off[doc + 1] = s->id_off[doc] + it->id_len;
		if (doc >= s->nband_alloc) {
			size_t n = alloc_nr(s->nband_alloc, (size_t)doc + 1);
			for (int bd = 0; bd < bands; bd++)
				s->band[bd] = xrealloc(s->band[bd], n * sizeof(struct band_rec));
			s->nband_alloc = n;
		}
		for (int bd = 0; bd < bands; bd++)
			s->band[bd][doc] = (struct band_rec){ keys[bd], doc };
		b->counts.records_out++;
	}
	/* Nothing goes to stdout; counts and warnings still do. */
	buf_reset(&b->out);
	buf_reset(&b->rejects);
	stage_emit(&s->run, b);
}

static int cmp_band_rec(const void *a, const void *b)
{
	const struct band_rec *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* sign's options: the task, -o PREFIX and one input; no --rejects (sign removes nothing). */
static void sign_validate(struct sh_opts *o, int argc)
{
	dd_need(o->task, "--task", "sign");
	if (!o->cfg.co.output)
		die(GRIST_EXIT_USAGE, "dedup sign needs -o PREFIX");
	if (optind != argc - 1)
		die(GRIST_EXIT_USAGE, "dedup sign takes one input shard (got %d)", argc - optind);
	struct decontam against;
	o->x.against = NULL; /* decontamination happens in filter */
	dd_config_finish(&o->cfg, &o->x, &against);
	if (o->cfg.co.rejects_path) /* it was accepted and ignored */
		die(GRIST_EXIT_USAGE, "--rejects applies to dedup filter, which removes the records; "
		    "dedup sign removes nothing");
	o->prefix = o->cfg.co.output;
	o->cfg.co.output = NULL;
}

/* The signer, with PREFIX_T_sigs.dd and PREFIX_T_ids.dd created under temporary names. */
static struct signer *signer_new(struct sh_opts *o, int bands, int k)
{
	struct signer *s = xcalloc(1, sizeof(*s));
	s->o = o;
	buf_init(&s->err, 0);
	s->band = xcalloc((size_t)bands, sizeof(*s->band));
	ALLOC_GROW(s->id_off, 1, s->nid_alloc);
	s->id_off[0] = 0;
	struct buf name = BUF_INIT;
	struct ddfile_header h = params_header(&o->cfg, DD_KIND_SIGS, o->task, 0, (uint32_t)k);
	ddfile_name(&name, o->prefix, (uint32_t)o->task, "sigs");
	if (ddfile_create(&s->sigs, name.data, &h, &s->err) < 0)
		dd_die_err(&s->err);
	buf_reset(&name);
	h = params_header(&o->cfg, DD_KIND_IDS, o->task, 0, 0);
	ddfile_name(&name, o->prefix, (uint32_t)o->task, "ids");
	if (ddfile_create(&s->ids, name.data, &h, &s->err) < 0)
		dd_die_err(&s->err);
	buf_release(&name);
	return s;
}

/* Every band's (key, doc) records sorted, one PREFIX_T_band<B>.dd each, into the run's set. */
static void sign_write_bands(struct signer *s, int bands)
{
	struct sh_opts *o = s->o;
	struct buf name = BUF_INIT;
	uint8_t *rec = xmalloc((size_t)s->ndocs * 8 + 1);
	for (int bd = 0; bd < bands; bd++) {
		if (s->ndocs) /* an empty shard has no band array (qsort(NULL, 0) is undefined) */
			qsort(s->band[bd], s->ndocs, sizeof(struct band_rec), cmp_band_rec);
		for (uint32_t d = 0; d < s->ndocs; d++) {
			le_put32(rec + 8 * (size_t)d, s->band[bd][d].key);
			le_put32(rec + 8 * (size_t)d + 4, s->band[bd][d].doc);
		}
		free(s->band[bd]);
		s->band[bd] = NULL;
		struct ddfile_writer w;
		char what[32];
		snprintf(what, sizeof(what), "band%d", bd);
		buf_reset(&name);
		ddfile_name(&name, o->prefix, (uint32_t)o->task, what);
		struct ddfile_header h = params_header(&o->cfg, DD_KIND_BAND, o->task, bd, 8);
		if (ddfile_create(&w, name.data, &h, &s->err) < 0 ||
		    ddfile_write(&w, rec, (size_t)s->ndocs * 8, &s->err) < 0 ||
		    ddfile_close_into(&w, s->ndocs, &s->run.set, &s->err) < 0)
			dd_die_err(&s->err);
	}
	free(rec);
	buf_release(&name);
}

/* After the scan: the ids' offsets after their bytes, the files completed under their
 * temporary names; stage_run_finish publishes them together with --stats. */
static void sign_finish_files(struct signer *s, int bands)
{
	for (uint32_t d = 0; d <= s->ndocs; d++) {
		uint8_t v[8];
		le_put64(v, s->id_off[d]);
		if (ddfile_write(&s->ids, v, 8, &s->err) < 0)
			dd_die_err(&s->err);
	}
	if (ddfile_close_into(&s->ids, s->ndocs, &s->run.set, &s->err) < 0 ||
	    ddfile_close_into(&s->sigs, s->ndocs, &s->run.set, &s->err) < 0)
		dd_die_err(&s->err);
	sign_write_bands(s, bands);
}

static int dd_sign(struct sh_opts *o, int argc, char **argv)
{
	sign_validate(o, argc);
	const int exact = o->cfg.mode == DD_EXACT;
	const int bands = exact ? 1 : o->cfg.mp.bands, k = exact ? 16 : minhash_k(&o->cfg.mp);
	struct signer *s = signer_new(o, bands, k);
	stage_run_init(&s->run, "dedup-sign", &o->cfg.co, argc + 1, argv - 1); /* argv[-1] is "dedup" */
	dd_stats_options(&s->run.stats, &o->cfg, &o->x);
	stats_option_num(&s->run.stats, "task", (double)o->task);
	struct dd_scan_shared sh = { &o->cfg, sign_emit, s };
	struct par_config pc = {
		.jobs = o->cfg.co.jobs, .work = dd_work, .emit = dd_emit, .shared = &sh,
		.thread_new = dd_thread_new, .thread_free = dd_thread_free,
	};
	struct par *par = par_new(&pc);
	struct name_list names = { 0 };
	stage_read_inputs(&s->run, par, argc, argv, optind, o->cfg.batch_bytes, 0, &names);
	par_finish(par);
	sign_finish_files(s, bands);
	buf_addf(&s->run.stats.stage_json, "\"documents\":%u", s->ndocs);
	int rc = stage_run_finish(&s->run);
	name_list_release(&names);
	free(s->band);
	free(s->id_off);
	buf_release(&s->err);
	free(s);
	return rc;
}

/* ---- filter ---- */

struct filterer {
	struct sh_opts *o;
	struct stage_run run;
	struct ddfile rm;
	const uint8_t *p, *end; /* next removal entry */
	uint64_t expected, ndocs, contaminated;
};

static void filter_emit(void *self, struct batch *b)
{
	struct filterer *f = self;
	struct dd_batch *db = b->user;
	for (size_t i = 0; db && i < db->n; i++) {
		const struct dd_item *it = &db->items[i];
		if (it->kind == DD_ITEM_REJECTED) {
			buf_add(&b->rejects, db->rejs.data + it->rej_off, it->rej_len);
			continue;
		}
		uint64_t doc = f->ndocs++;
		const uint8_t *dup = NULL;
		uint32_t duplen = 0;
		if (f->p < f->end && le_get32(f->p) == doc) {
			duplen = le_get32(f->p + 4);
			dup = f->p + 8;
			f->p += 8 + duplen;
		}
		if (it->contaminated) {
			f->contaminated++;
			dd_write_contaminated(b, db, it);
		} else if (dup) {
			dd_write_reject(b, it, f->rm.h.exact ? rule_exact : rule_near, NULL,
					(const char *)dup, duplen);
		} else {
			dd_write_kept(b, db, it);
		}
	}
	stage_emit(&f->run, b);
}

static int dd_filter(struct sh_opts *o, int argc, char **argv)
{
	dd_need(o->task, "--task", "filter");
	if (optind != argc - 2)
		die(GRIST_EXIT_USAGE, "dedup filter takes PREFIX and one input shard");
	const char *prefix = argv[optind];
	struct decontam against;
	o->cfg.want_sigs = 0;
	dd_config_finish(&o->cfg, &o->x, &against);
	struct filterer *f = xcalloc(1, sizeof(*f));
	f->o = o;
	dd_open_checked(&f->rm, prefix, o->task, "remove", DD_KIND_REMOVE);
	if (f->rm.payload_len < 8)
		die(GRIST_EXIT_DATA, "%s: damaged removal list", f->rm.path);
	f->expected = le_get64(f->rm.payload);
	f->p = f->rm.payload + 8;
	f->end = f->rm.payload + f->rm.payload_len;

	stage_run_init(&f->run, "dedup", &o->cfg.co, argc + 1, argv - 1);
	dd_stats_options(&f->run.stats, &o->cfg, &o->x);
	stats_option_num(&f->run.stats, "task", (double)o->task);
	struct dd_scan_shared sh = { &o->cfg, filter_emit, f };
	struct par_config pc = {
		.jobs = o->cfg.co.jobs, .work = dd_work, .emit = dd_emit, .shared = &sh,
		.thread_new = dd_thread_new, .thread_free = dd_thread_free,
	};
	struct par *par = par_new(&pc);
	struct name_list names = { 0 };
	stage_read_inputs(&f->run, par, argc, argv, optind + 1, o->cfg.batch_bytes, 0, &names);
	par_finish(par);
	if (f->ndocs != f->expected || f->p != f->end)
		die(GRIST_EXIT_DATA, "%s has %llu documents but sign saw %llu: the input or the record "
		    "options (--text-field, --on-missing, ...) differ from the sign step",
		    argv[optind + 1], (unsigned long long)f->ndocs, (unsigned long long)f->expected);
	buf_addf(&f->run.stats.stage_json, "\"documents\":%llu,\"contaminated\":%llu",
		 (unsigned long long)f->ndocs, (unsigned long long)f->contaminated);
	int rc = stage_run_finish(&f->run);
	name_list_release(&names);
	ddfile_close(&f->rm);
	if (o->cfg.against)
		decontam_release(&against);
	free(f);
	return rc;
}

int dd_sharded(int argc, char **argv)
{
	struct sh_opts *o = xcalloc(1, sizeof(*o));
	const char *cmd = argv[0];
	parse(o, argc, argv);
	int rc;
	if (!strcmp(cmd, "sign"))
		rc = dd_sign(o, argc, argv);
	else if (!strcmp(cmd, "match"))
		rc = dd_match(o, argc, argv);
	else if (!strcmp(cmd, "cluster"))
		rc = dd_cluster(o, argc, argv);
	else
		rc = dd_filter(o, argc, argv);
	free(o);
	return rc;
}
