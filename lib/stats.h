/*
 * Counters, the --stats JSON file, the one-line summary and the progress line.
 *
 * One schema for every stage (README "Stats"), so a run report can be drawn from stats files
 * alone:
 *   {"schema":1,"stage":"ingest","version":"...","argv":[...],"options":{...},
 *    "records_in":N,"records_out":N,"bytes_in":N,"bytes_out":N,"rejected":N,
 *    "rejects":{"rule":N,...},"elapsed_s":F,
 *    "text_bytes_hist":{"0":N,"1":N,"2":N,...},  // log2 buckets of output text length
 *    "stage_stats":{...}}                          // stage-specific figures
 * Workers count into their own struct counts; the ordered emitter merges them.
 */
#ifndef GRIST_STATS_H
#define GRIST_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "atomic.h"
#include "buf.h"

#define STATS_MAX_RULES 64
#define STATS_HIST_BUCKETS 40

/* What a counted rule is: where the stats file and the summary line put it. */
enum rule_kind {
	RULE_REJECT, /* "rejects": records dropped (counts_reject, counts_add_rule) */
	RULE_SKIP,   /* "skipped": left out by the user's selection (counts_skip) */
	RULE_NOTE,   /* "notes": kept after a repair worth counting (counts_note) */
	RULE_KINDS
};

struct rule_count {
	const char *rule; /* a string with static storage: counts compare pointers first */
	uint64_t n;
	enum rule_kind kind;
};

struct counts {
	uint64_t records_in, records_out, bytes_in, bytes_out, rejected;
	const char *last_rule; /* the rule of the latest counts_reject (per-source counting) */
	uint64_t hist[STATS_HIST_BUCKETS]; /* bucket k: text length in [2^(k-1), 2^k), 0 for empty */
	int nrules;
	struct rule_count rules[STATS_MAX_RULES];
};

void counts_reset(struct counts *c);
void counts_reject(struct counts *c, const char *rule);
void counts_add_rule(struct counts *c, const char *rule, uint64_t n);
/*
 * Records left out by the user's selection, not for a fault of theirs (WARC record types or
 * HTTP statuses not selected, a CDX index beside a WARC): counted under "skipped" in the stats
 * and apart from the rejects in the summary line; not in records_in, never in --rejects.
 */
void counts_skip(struct counts *c, const char *rule, uint64_t n);
/* Records repaired or filled in, worth counting (a body declared gzip that was not, a missing
 * text written as "" under --on-missing empty): "notes". A later rule may still drop them. */
void counts_note(struct counts *c, const char *rule, uint64_t n);
void counts_text_length(struct counts *c, uint64_t len);
void counts_merge(struct counts *into, const struct counts *from);
uint64_t counts_rule(const struct counts *c, const char *rule);

/*
 * Per-source figures: a source is the top-level input file a record came from (its "source"
 * member up to the first '!': "t.tar!a.jsonl" is "t.tar"). With --stats, every stage that reads
 * records with stage_check_record() inside batch_each_line() counts, per source, the records in
 * and out and the rejects by rule (the deltas of the batch's counts around each line), and the
 * stats file carries them as
 *   "sources":{PATH:{"records_in":N,"records_out":N,"rejected":N,"rejects":{"rule":N,...}},...}
 * sorted by path. A stage that decides a record's fate elsewhere (dedup, after its scan) counts
 * only its records in.
 */
struct source_table;
extern int stats_by_source; /* set by stage_run_init when --stats is given */
struct source_table *source_table_new(void);
void source_table_free(struct source_table *t);
void source_table_clear(struct source_table *t);
/* Count one line of the source whose JSON string is v[0..n) (quotes included): in and out
 * records, and a reject of `rule` (NULL: none). */
void source_table_add(struct source_table *t, const char *v, size_t n, uint64_t in, uint64_t out,
		      const char *rule);
void source_table_merge(struct source_table *into, const struct source_table *from);
/* ,"sources":{...} as above. */
void source_table_render(const struct source_table *t, struct buf *out);

struct stats {
	const char *stage;
	struct counts c;
	struct source_table *sources; /* NULL: not counted */
	struct buf argv_json;    /* JSON array */
	struct buf options_json; /* members of the "options" object: "k":v,... */
	struct buf stage_json;   /* members of "stage_stats" */
	double t0;
	/* progress line */
	int progress;
	double last_progress;
	uint64_t total_input; /* bytes, 0 if unknown */
	uint64_t input_base;  /* source_input_bytes() before this stage's inputs (files read first) */
};

double stats_now(void);
void stats_init(struct stats *s, const char *stage, int argc, char **argv);
void stats_release(struct stats *s);
void stats_option_str(struct stats *s, const char *key, const char *val);
void stats_option_num(struct stats *s, const char *key, double val);
/* Render the stats object (no newline). */
void stats_render(const struct stats *s, struct buf *out);
/* Write --stats FILE atomically, as one member of a set of outputs published together (set
 * NULL: at once); -1 with a message on failure. */
int stats_write_into(const struct stats *s, const char *path, struct atomic_set *set,
		     struct buf *err);
/* The one-line summary: "grist ingest: 1000 records in, 998 out, 2 rejected (...), 12.3 MB in 0.05 s". */
void stats_summary(const struct stats *s, FILE *f);
/* Redraw the progress line if enabled and ~0.5 s have passed. bytes_done (decoded) gives the
 * speed; the percent of total_input is of the input files' bytes read (source_input_bytes(),
 * compressed bytes for compressed files), or of bytes_done for a stage that reads its inputs
 * otherwise. */
void stats_progress(struct stats *s, uint64_t bytes_done, int final);

#endif
