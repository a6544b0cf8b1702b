/*
 * The options every stage shares, parsed the same way everywhere (docs/style.md, practice 6):
 *   -o FILE  -q  --stats FILE  --rejects FILE  --progress  -j N  -h/--help  --version
 * and, for stages that read records:
 *   --text-field NAME  --id-field NAME  --on-missing=skip|empty|error  --on-invalid=skip|error
 *   --max-doc-bytes N
 * A stage puts COMMON_LONG_OPTIONS (and RECORD_LONG_OPTIONS) in its getopt_long table and
 * COMMON_SHORT_OPTIONS in its short-option string, and parses with opts_parse() and its own
 * STAGE_opt(ctx, c, arg) for the rest (docs/style.md, practice 10).
 */
#ifndef GRIST_OPTS_H
#define GRIST_OPTS_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

/* --on-missing. ON_MISSING_ANY is no option: a caller that does not read the text field (ingest
 * --chat's layouts) gets RECORD_EMPTY for a record without one, counted nowhere. */
enum on_missing { ON_MISSING_SKIP, ON_MISSING_EMPTY, ON_MISSING_ERROR, ON_MISSING_ANY };
enum on_invalid { ON_INVALID_SKIP, ON_INVALID_ERROR };

struct common_opts {
	const char *output;       /* -o, NULL = stdout */
	int quiet;                /* -q */
	const char *stats_path;   /* --stats */
	const char *rejects_path; /* --rejects */
	int progress;             /* --progress, or stderr is a terminal */
	int jobs;                 /* -j */
	const char *text_field;   /* --text-field, default "text" */
	const char *id_field;     /* --id-field, default "id" */
	enum on_missing on_missing;
	enum on_invalid on_invalid;
	uint64_t max_doc_bytes;   /* --max-doc-bytes, default 256 MiB */
};

enum {
	OPT_STATS = 1000,
	OPT_REJECTS,
	OPT_PROGRESS,
	OPT_VERSION,
	OPT_TEXT_FIELD,
	OPT_ID_FIELD,
	OPT_ON_MISSING,
	OPT_ON_INVALID,
	OPT_MAX_DOC_BYTES,
	OPT_ROW_GROUP_BYTES,
	OPT_SCHEMA,
	OPT_PARQUET_LEVEL,
	OPT_STAGE_BASE = 1100 /* stages number their own long-only options from here */
};

#define COMMON_SHORT_OPTIONS "o:qj:h"
#define COMMON_LONG_OPTIONS                                               \
	{ "output", required_argument, 0, 'o' },                          \
	{ "quiet", no_argument, 0, 'q' },                                 \
	{ "jobs", required_argument, 0, 'j' },                            \
	{ "help", no_argument, 0, 'h' },                                  \
	{ "stats", required_argument, 0, OPT_STATS },                     \
	{ "rejects", required_argument, 0, OPT_REJECTS },                 \
	{ "progress", no_argument, 0, OPT_PROGRESS },                     \
	{ "version", no_argument, 0, OPT_VERSION },                       \
	{ "row-group-bytes", required_argument, 0, OPT_ROW_GROUP_BYTES }, \
	{ "schema", required_argument, 0, OPT_SCHEMA },                   \
	{ "parquet-level", required_argument, 0, OPT_PARQUET_LEVEL }
#define RECORD_LONG_OPTIONS                                               \
	{ "text-field", required_argument, 0, OPT_TEXT_FIELD },           \
	{ "id-field", required_argument, 0, OPT_ID_FIELD },               \
	{ "on-missing", required_argument, 0, OPT_ON_MISSING },           \
	{ "on-invalid", required_argument, 0, OPT_ON_INVALID },           \
	{ "max-doc-bytes", required_argument, 0, OPT_MAX_DOC_BYTES }

void common_opts_init(struct common_opts *o);
/*
 * Handle one getopt_long result (opts_parse calls it). Returns 1 if it was a common option; 0
 * if not. Bad values die with a usage error (exit 2) naming the option. 'h' prints usage to
 * stdout and exits 0; --version prints the version and exits 0.
 */
int common_opt(struct common_opts *o, int c, const char *arg, void (*usage)(FILE *));
/* After parsing: turns progress on when stderr is a terminal, checks -j. */
void common_opts_finish(struct common_opts *o);
/*
 * A stage's whole option loop: getopt_long over argv with shortopts and longopts, each result
 * offered to stage_opt(ctx, c, optarg) first, which returns 1 when it took c (so a stage may
 * take over a shared option: shard refuses -j; NULL for a command with no options of its own),
 * and then to common_opt(); an unknown option, or one missing its value, is opts_bad_option();
 * a result nobody took prints usage to stderr and returns GRIST_EXIT_USAGE (2). After the last
 * option: common_opts_finish(). Returns 0 (optind is then the first operand).
 */
int opts_parse(struct common_opts *co, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, void (*usage)(FILE *),
	       int (*stage_opt)(void *ctx, int c, const char *arg), void *ctx);
/* Help text for the shared options, with defaults. */
void common_opts_help(FILE *f, int record_options);

/*
 * The one number syntax of the command line (lib/opts_num.c; README "Numbers in options").
 *   count    whole number, optional k/M/G in any case = 10^3/10^6/10^9: 30k = 30000
 *   size     bytes, optional K/M/G/T, KB/MB/.., KiB/MiB/GiB/TiB, all powers of 1024: 64K = 65536
 *   decimal  plain decimal (fractions, thresholds): 0.5, .25, -1; no exponent, inf, nan or hex
 *   seed     decimal integer 0..2^64-1; leading zeros stay decimal (010 = 10)
 * opts_parse_* return 0, or -1 on a bad value or overflow. The opts_* forms are for option
 * parsing in cmd_* code: they range-check and die with a usage error (exit 2) naming opt.
 */
int opts_parse_count(const char *s, uint64_t *out);
int opts_parse_size(const char *s, uint64_t *out);
int opts_parse_decimal(const char *s, double *out);
int opts_parse_seed(const char *s, uint64_t *out);
uint64_t opts_count(const char *opt, const char *s, uint64_t lo, uint64_t hi);
uint64_t opts_size(const char *opt, const char *s, uint64_t lo, uint64_t hi);
double opts_decimal(const char *opt, const char *s, double lo, double hi);
uint64_t opts_seed(const char *opt, const char *s);
/* --batch-bytes N: a size from 1K to 1G. */
size_t opts_batch_bytes(const char *arg);

/*
 * Bad command lines (lib/opts_bad.c). opts_bad_option() reports the option getopt_long just
 * refused (unknown, ambiguous, or missing its value) in one line, with a "did you mean" taken
 * from the command's longopts table, points to --help and exits 2; opts_parse() calls it with
 * the argv, shortopts and longopts it parsed. grist.c sets opterr to 0. opts_closest() returns
 * the candidate within a typo or two of word (Levenshtein distance), or NULL.
 */
__attribute__((noreturn)) void opts_bad_option(char **argv, const char *shortopts,
					       const struct option *longopts);
const char *opts_closest(const char *word, const char *const *cands, size_t n);
size_t opts_edit_distance(const char *a, const char *b);

#endif
