/*
 * Internal to `grist clean` (clean.c, clean_opts.c, clean_stats.c): the run's shared state, a
 * worker thread's state, and the functions the three files share.
 */
#ifndef GRIST_CLEAN_INT_H
#define GRIST_CLEAN_INT_H

#include <pthread.h>
#include <stdint.h>

#include "clean/clean_filter.h"
#include "clean/clean_langid.h"
#include "clean/clean_redact.h"
#include "clean/clean_unicode.h"
#include "lib/chat.h"
#include "lib/opts.h"
#include "lib/record.h"
#include "lib/source.h"
#include "lib/stage.h"

#define CLEAN_MAX_LANGS 64

/* How documents get their language. */
enum clean_lang_mode {
	CLEAN_LANGID_ON,  /* CLD2, when the first language-dependent rule needs it (or to write lang) */
	CLEAN_LANGID_ALL, /* CLD2 on every document before the filters (complete per-language stats) */
	CLEAN_LANGID_OFF, /* the record's `lang` field (missing: unknown) */
};

/* Per-language figures: records_in, records_out and rejects by rule of the documents of one
 * language ("" holds the documents rejected before their language was looked up). */
struct clean_lang_stat {
	char code[16];
	struct counts c;
};
struct clean_lang_stats {
	struct clean_lang_stat *v;
	size_t n, alloc;
};
void clean_lang_stats_add(struct clean_lang_stats *ls, const char *code, const char *rule);
void clean_lang_stats_merge(struct clean_lang_stats *into, const struct clean_lang_stats *from);
void clean_lang_stats_release(struct clean_lang_stats *ls);

struct clean {
	struct common_opts co;
	int repair;
	enum clean_norm_form norm;
	struct clean_filter_config fcfg;
	struct clean_langset langset;
	int filters_given; /* --filters on the command line */
	struct clean_redact *redact;
	/* --url-blocklist: sorted lowercase domains */
	char **domains;
	size_t ndomains, adomains;
	const char *url_field;
	/* language */
	enum clean_lang_mode lang_mode;
	int lang_any; /* no --lang list: every language is kept */
	char langs[CLEAN_MAX_LANGS][16];
	int nlangs;
	double lang_min_score;
	double lang_rules_min_score; /* below it the language rules treat the document as un */
	size_t lang_sample;
	size_t batch_bytes;
	struct stage_run run;
	struct name_list names;
	/* figures summed from the threads when they finish */
	pthread_mutex_t lock;
	struct clean_repair_stats repair_stats;
	uint64_t normalized, redacted[CLEAN_REDACT_MAX], lines_dropped, nospace_docs;
	uint64_t low_confidence;
	uint64_t skipped[CP_COUNT];
	struct clean_lang_stats lstats;
};

struct clean_thread {
	struct clean *cl;
	struct clean_filter_ctx *fctx;
	struct clean_redact_thread *rt;
	struct record_check check;
	struct buf text, a, b, reason, extra, val, url;
	/* chat records: the parsed conversation, new contents (offsets into ctext), joined text */
	struct chat chat;
	struct buf ctext, joined;
	struct chat_text *texts;
	size_t *toff;
	size_t texts_alloc, toff_alloc;
	struct clean_repair_stats repair_stats;
	uint64_t normalized, redacted[CLEAN_REDACT_MAX], lines_dropped, nospace_docs;
	uint64_t low_confidence;
	uint64_t skipped[CP_COUNT];
	struct clean_lang_stats lstats;
};

/* clean_opts.c */
void clean_usage(FILE *f);
/* Parses argv into cl (dies with a usage error on a bad value); returns optind, or -1 after
 * printing the help for an unknown option. */
int clean_parse_options(struct clean *cl, int argc, char **argv);
void clean_load_blocklist(struct clean *cl, const char *path);
const char *clean_url_blocked(const struct clean *cl, struct buf *url);

/* clean_stats.c */
void clean_thread_stats_merge(struct clean *cl, struct clean_thread *t);
void clean_stats_options(struct clean *cl);
void clean_stage_stats_json(struct clean *cl);

#endif
