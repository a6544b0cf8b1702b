/*
 * grist dedup: exact and MinHash near-duplicate removal (docs/dedup.md).
 *
 * The rule: a document is removed if and only if it is a (verified) candidate duplicate of
 * some earlier document in input order; `duplicate_of` names the earliest such document.
 * This file is the single-process, streaming mode and the option parsing shared with the
 * sharded subcommands (dedup_shard.c: sign, match, cluster, filter).
 */
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "dedup/dedup_cmd.h"
#include "dedup/dedup_groups.h"
#include "dedup/dedup_norm.h"
#include "dedup/exact_index.h"
#include "dedup/idstore.h"
#include "dedup/lsh_index.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/xalloc.h"

/*
 * Default --verify. With 112 values the estimate's standard deviation is about 0.04 near
 * J = 0.75: verifying at 0.75 keeps about 90% of pairs at exactly J = 0.8 (and nearly all
 * above), while a pair at J = 0.65 passes with probability ~1% (and must also have become a
 * 14 x 8 band candidate first, ~30%). docs/dedup.md has the measured curve.
 */
#define DEFAULT_VERIFY 0.75

static const char *const rule_near = "near_duplicate";
static const char *const rule_exact = "exact_duplicate";
static const char *const rule_contaminated = "contaminated";

void dd_usage_options(FILE *f)
{
	fprintf(f,
		"Dedup options:\n"
		"  --minhash             near-duplicates by MinHash + LSH (default)\n"
		"  --exact               exact duplicates: the same text after NFC and whitespace\n"
		"                        normalization (XXH3-128); nothing else is folded\n"
		"  --fold LIST           what the hash ignores besides whitespace runs, any of\n"
		"                        case,digits,punct,accents, or all, or none (default: all\n"
		"                        for MinHash: case folded, digits to 0, punctuation and\n"
		"                        symbols to spaces, accents removed; none for --exact)\n"
		"  --ngram N             words per shingle (default: 5)\n"
		"  --char-ngrams N       shingles of N characters instead of words (default: off)\n"
		"  --bands B             LSH bands (default: 14)\n"
		"  --rows R              values per band (default: 8; B x R values in all)\n"
		"  --verify T            a candidate pair counts only if its Jaccard estimated from\n"
		"                        the signatures is >= T; 0 turns verification off\n"
		"                        (default: %.2f)\n"
		"  --bucket-cap N        per band, only the first N documents with the same band\n"
		"                        key are compared against (bounds work on boilerplate;\n"
		"                        0 = no limit) (default: %d)\n"
		"  --against FILE        remove documents sharing a word n-gram with FILE (JSONL:\n"
		"                        each record's --against-field; else the whole text)\n"
		"  --against-ngram N     n-gram size for --against (default: 13)\n"
		"  --against-field NAME  field of --against JSONL records (default: text)\n"
		"  --batch-bytes N       bytes of input per work batch (default: 1M)\n",
		DEFAULT_VERIFY, LSH_DEFAULT_BUCKET_CAP);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: grist dedup [OPTIONS] [FILE...|-]\n"
		"       grist dedup sign|match|cluster|filter ...   (sharded mode; see --help of each)\n\n"
		"Remove duplicate and near-duplicate documents from JSONL records. A document is\n"
		"removed if and only if it is a (verified) candidate duplicate of an earlier one in\n"
		"input order; removed records go to --rejects with \"duplicate_of\".\n\n");
	dd_usage_options(f);
	common_opts_help(f, 1);
	fprintf(f, "\nExamples:\n"
		   "  grist ingest data/ | grist clean | grist dedup > unique.jsonl\n"
		   "  grist dedup --exact --rejects dups.jsonl in.jsonl -o out.jsonl\n"
		   "  grist dedup sign --task 0 -o work/w part0.jsonl   # sharded: see grist dedup sign --help\n");
}

void dd_config_init(struct dd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	common_opts_init(&cfg->co);
	cfg->mode = DD_MINHASH;
	struct minhash_params mp = MINHASH_PARAMS_DEFAULT;
	cfg->mp = mp;
	cfg->verify = DEFAULT_VERIFY;
	cfg->bucket_cap = LSH_DEFAULT_BUCKET_CAP;
	cfg->batch_bytes = 1u << 20;
	cfg->want_sigs = 1;
}

int dd_option(struct dd_config *cfg, struct dd_extra *x, int c, const char *arg)
{
	switch (c) {
	case OPT_DD_MINHASH: cfg->mode = DD_MINHASH; return 1;
	case OPT_DD_EXACT: cfg->mode = DD_EXACT; return 1;
	case OPT_DD_NGRAM: cfg->mp.ngram = (int)opts_count("--ngram", arg, 1, 1000); return 1;
	case OPT_DD_CHAR: cfg->mp.char_ngrams = (int)opts_count("--char-ngrams", arg, 1, 1000); return 1;
	case OPT_DD_BANDS: cfg->mp.bands = (int)opts_count("--bands", arg, 1, MINHASH_MAX_K); return 1;
	case OPT_DD_ROWS: cfg->mp.rows = (int)opts_count("--rows", arg, 1, MINHASH_MAX_K); return 1;
	case OPT_DD_VERIFY: cfg->verify = opts_decimal("--verify", arg, 0, 1); return 1;
	case OPT_DD_BUCKET_CAP: cfg->bucket_cap = (uint32_t)opts_count("--bucket-cap", arg, 0, 1000000000); return 1;
	case OPT_DD_AGAINST: x->against = arg; return 1;
	case OPT_DD_AGAINST_NGRAM: x->against_ngram = (int)opts_count("--against-ngram", arg, 1, 63); return 1;
	case OPT_DD_AGAINST_FIELD: x->against_field = arg; return 1;
	case OPT_DD_BATCH: cfg->batch_bytes = opts_batch_bytes(arg); return 1;
	case OPT_DD_FOLD: {
		const char *bad = NULL;
		int f = dedup_fold_parse(arg, &bad);
		if (f < 0)
			die(GRIST_EXIT_USAGE, "--fold: unknown fold '%.*s' (case, digits, punct, accents, "
			    "all or none)", (int)strcspn(bad, ","), bad);
		cfg->fold = (unsigned)f;
		cfg->fold_given = 1;
		return 1;
	}
	}
	return 0;
}

void dd_config_finish(struct dd_config *cfg, struct dd_extra *x, struct decontam *against)
{
	struct buf err = BUF_INIT;
	if (minhash_params_check(&cfg->mp, &err) < 0)
		die(GRIST_EXIT_USAGE, "%s", err.data);
	buf_release(&err);
	cfg->verify_m = minhash_verify_min_matches(cfg->verify, minhash_k(&cfg->mp));
	if (cfg->mode == DD_EXACT)
		cfg->want_sigs = 0;
	if (!cfg->fold_given)
		cfg->fold = cfg->mode == DD_EXACT ? 0 : DEDUP_FOLD_ALL;
	if (x->against) {
		decontam_init(against, x->against_ngram ? x->against_ngram : 13);
		dd_load_against(against, x->against, x->against_field ? x->against_field : "text");
		cfg->against = against;
	}
}

void dd_stats_options(struct stats *s, const struct dd_config *cfg, const struct dd_extra *x)
{
	stats_option_str(s, "mode", cfg->mode == DD_EXACT ? "exact" : "minhash");
	struct buf fold = BUF_INIT;
	dedup_fold_name(cfg->fold, &fold);
	stats_option_str(s, "fold", fold.data);
	buf_release(&fold);
	if (cfg->mode == DD_MINHASH) {
		stats_option_num(s, "ngram", cfg->mp.ngram);
		stats_option_num(s, "char_ngrams", cfg->mp.char_ngrams);
		stats_option_num(s, "bands", cfg->mp.bands);
		stats_option_num(s, "rows", cfg->mp.rows);
		stats_option_num(s, "verify", cfg->verify);
		stats_option_num(s, "bucket_cap", cfg->bucket_cap);
	}
	if (x->against) {
		stats_option_str(s, "against", x->against);
		stats_option_num(s, "against_ngram", cfg->against->n);
	}
}

void dd_write_reject(struct batch *b, const struct dd_item *it, const char *rule,
		     const char *value_json, const char *dup_id, size_t dup_len)
{
	struct buf extra = BUF_INIT;
	if (dup_id) {
		buf_addstr(&extra, ",\"duplicate_of\":");
		json_string_encode(&extra, dup_id, dup_len);
	}
	reject_write(&b->rejects, "dedup", rule, value_json, b->source, it->lineno,
		     b->data + it->rec_off, it->rec_len, 0, dup_id ? extra.data : NULL);
	counts_reject(&b->counts, rule);
	buf_release(&extra);
}

void dd_write_contaminated(struct batch *b, const struct dd_batch *db, const struct dd_item *it)
{
	struct buf v = BUF_INIT;
	json_string_encode(&v, db->ids.data + it->match_off, it->match_len);
	dd_write_reject(b, it, rule_contaminated, v.data, NULL, 0);
	buf_release(&v);
}

void dd_write_kept(struct batch *b, const struct dd_batch *db, const struct dd_item *it)
{
	if (it->out_len)
		buf_add(&b->out, db->outs.data + it->out_off, it->out_len);
	else
		buf_add(&b->out, b->data + it->rec_off, it->rec_len);
	buf_addch(&b->out, '\n');
	b->counts.records_out++;
	counts_text_length(&b->counts, it->text_len);
}

/* ---- single-process mode ---- */

struct single {
	struct dd_config cfg;
	struct dd_extra x;
	struct stage_run run;
	struct lsh_index lsh;
	struct exact_index exact;
	struct idstore ids;
	struct dedup_groups groups;
	uint64_t ndocs, contaminated;
	struct buf dup, err;
};

static void single_emit(void *self, struct batch *b)
{
	struct single *s = self;
	struct dd_batch *db = b->user;
	const int bands = s->cfg.mp.bands, k = minhash_k(&s->cfg.mp);
	for (size_t i = 0; db && i < db->n; i++) {
		const struct dd_item *it = &db->items[i];
		if (it->kind == DD_ITEM_REJECTED) {
			buf_add(&b->rejects, db->rejs.data + it->rej_off, it->rej_len);
			continue;
		}
		uint64_t doc = s->ndocs++;
		if (idstore_add(&s->ids, db->ids.data + it->id_off, it->id_len, &s->err) < 0)
			die(GRIST_EXIT_IO, "%s", s->err.data);
		int64_t e;
		if (s->cfg.mode == DD_EXACT) {
			e = exact_index_add(&s->exact, it->hlo, it->hhi);
		} else {
			e = lsh_index_add(&s->lsh, db->keys + it->sig * (size_t)bands,
					  db->bsigs + it->sig * (size_t)k);
			if (e == -2)
				die(GRIST_EXIT_UNSUPPORTED, "more than %u documents: use the sharded mode "
				    "(grist dedup sign|match|cluster|filter)", UINT32_MAX - 1);
		}
		if (e >= 0)
			dedup_groups_add(&s->groups, doc, (uint64_t)e);
		if (it->contaminated) {
			s->contaminated++;
			dd_write_contaminated(b, db, it);
		} else if (e >= 0) {
			if (idstore_get(&s->ids, (size_t)e, &s->dup, &s->err) < 0)
				die(GRIST_EXIT_IO, "%s", s->err.data);
			dd_write_reject(b, it, s->cfg.mode == DD_EXACT ? rule_exact : rule_near, NULL,
					s->dup.data, s->dup.len);
		} else {
			dd_write_kept(b, db, it);
		}
	}
	stage_emit(&s->run, b);
}

static void single_stats(struct single *s)
{
	struct buf *j = &s->run.stats.stage_json;
	size_t index = s->cfg.mode == DD_EXACT ? exact_index_bytes(&s->exact) : lsh_index_bytes(&s->lsh);
	size_t ids = s->ids.n * sizeof(uint64_t);
	size_t groups = dedup_groups_bytes(&s->groups);
	buf_addf(j, "\"documents\":%llu,\"contaminated\":%llu,\"index_bytes\":%zu,"
		 "\"id_offset_bytes\":%zu,\"group_bytes\":%zu,\"bytes_per_doc\":%.1f,",
		 (unsigned long long)s->ndocs, (unsigned long long)s->contaminated, index, ids,
		 groups, s->ndocs ? (double)(index + ids + groups) / (double)s->ndocs : 0.0);
	if (s->cfg.mode == DD_MINHASH)
		buf_addf(j, "\"capped_band_entries\":%llu,\"verify_min_matches\":%d,",
			 (unsigned long long)s->lsh.capped, s->cfg.verify_m);
	buf_addstr(j, "\"groups\":");
	dedup_groups_json(&s->groups, j);
}

static int single_opt(void *ctx, int c, const char *arg)
{
	struct single *s = ctx;
	return dd_option(&s->cfg, &s->x, c, arg);
}

int cmd_dedup(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "sign") || !strcmp(argv[1], "match") ||
			  !strcmp(argv[1], "cluster") || !strcmp(argv[1], "filter")))
		return dd_sharded(argc - 1, argv + 1);
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		RECORD_LONG_OPTIONS,
		DD_LONG_OPTIONS,
		{ 0, 0, 0, 0 },
	};
	struct single *s = xcalloc(1, sizeof(*s));
	struct decontam against;
	dd_config_init(&s->cfg);
	int rc = opts_parse(&s->cfg.co, argc, argv, COMMON_SHORT_OPTIONS, longopts, usage, single_opt, s);
	if (rc) {
		free(s);
		return rc;
	}
	dd_config_finish(&s->cfg, &s->x, &against);
	buf_init(&s->dup, 0);
	buf_init(&s->err, 0);
	if (idstore_init(&s->ids, &s->err) < 0)
		die(GRIST_EXIT_IO, "%s", s->err.data);
	if (s->cfg.mode == DD_EXACT)
		exact_index_init(&s->exact);
	else
		lsh_index_init(&s->lsh, s->cfg.mp.bands, s->cfg.mp.rows, s->cfg.verify_m,
			       s->cfg.bucket_cap);
	dedup_groups_init(&s->groups);

	stage_run_init(&s->run, "dedup", &s->cfg.co, argc, argv);
	dd_stats_options(&s->run.stats, &s->cfg, &s->x);
	struct dd_scan_shared sh = { &s->cfg, single_emit, s };
	struct par_config pc = {
		.jobs = s->cfg.co.jobs, .work = dd_work, .emit = dd_emit, .shared = &sh,
		.thread_new = dd_thread_new, .thread_free = dd_thread_free,
	};
	struct par *par = par_new(&pc);
	struct name_list names = { 0 };
	stage_read_inputs(&s->run, par, argc, argv, optind, s->cfg.batch_bytes, 0, &names);
	par_finish(par);
	single_stats(s);
	rc = stage_run_finish(&s->run);

	name_list_release(&names);
	if (s->cfg.mode == DD_EXACT)
		exact_index_release(&s->exact);
	else
		lsh_index_release(&s->lsh);
	idstore_release(&s->ids);
	dedup_groups_release(&s->groups);
	if (s->cfg.against)
		decontam_release(&against);
	buf_release(&s->dup);
	buf_release(&s->err);
	free(s);
	return rc;
}
