/* Option parsing and output helpers shared by the single-process and sharded dedup commands. */
#ifndef GRIST_DEDUP_CMD_H
#define GRIST_DEDUP_CMD_H

#include <stdio.h>

#include "dedup/dedup_scan.h"

enum {
	OPT_DD_MINHASH = OPT_STAGE_BASE,
	OPT_DD_EXACT,
	OPT_DD_NGRAM,
	OPT_DD_CHAR,
	OPT_DD_BANDS,
	OPT_DD_ROWS,
	OPT_DD_VERIFY,
	OPT_DD_AGAINST,
	OPT_DD_AGAINST_NGRAM,
	OPT_DD_AGAINST_FIELD,
	OPT_DD_BATCH,
	OPT_DD_BUCKET_CAP,
	OPT_DD_FOLD,
	OPT_DD_SHARDED_BASE = OPT_STAGE_BASE + 50
};

#define DD_LONG_OPTIONS                                                        \
	{ "minhash", no_argument, 0, OPT_DD_MINHASH },                         \
	{ "exact", no_argument, 0, OPT_DD_EXACT },                             \
	{ "ngram", required_argument, 0, OPT_DD_NGRAM },                       \
	{ "char-ngrams", required_argument, 0, OPT_DD_CHAR },                  \
	{ "bands", required_argument, 0, OPT_DD_BANDS },                       \
	{ "rows", required_argument, 0, OPT_DD_ROWS },                         \
	{ "verify", required_argument, 0, OPT_DD_VERIFY },                     \
	{ "against", required_argument, 0, OPT_DD_AGAINST },                   \
	{ "against-ngram", required_argument, 0, OPT_DD_AGAINST_NGRAM },       \
	{ "against-field", required_argument, 0, OPT_DD_AGAINST_FIELD },       \
	{ "batch-bytes", required_argument, 0, OPT_DD_BATCH },                 \
	{ "bucket-cap", required_argument, 0, OPT_DD_BUCKET_CAP },             \
	{ "fold", required_argument, 0, OPT_DD_FOLD }

struct dd_extra {
	const char *against, *against_field;
	int against_ngram;
};

void dd_config_init(struct dd_config *cfg);
/* 1 if c was a dedup option. Bad values die with a usage error. */
int dd_option(struct dd_config *cfg, struct dd_extra *x, int c, const char *arg);
/* Check parameters, compute the verification count, load --against into `against`. */
void dd_config_finish(struct dd_config *cfg, struct dd_extra *x, struct decontam *against);
void dd_stats_options(struct stats *s, const struct dd_config *cfg, const struct dd_extra *x);
void dd_usage_options(FILE *f);

/* Emit helpers: a kept record, a removed one (dup_id may be NULL), a contaminated one. */
void dd_write_kept(struct batch *b, const struct dd_batch *db, const struct dd_item *it);
void dd_write_reject(struct batch *b, const struct dd_item *it, const char *rule,
		     const char *value_json, const char *dup_id, size_t dup_len);
void dd_write_contaminated(struct batch *b, const struct dd_batch *db, const struct dd_item *it);

/* grist dedup sign|match|cluster|filter (argv[0] is the subcommand). */
int dd_sharded(int argc, char **argv);

#endif
