/*
 * Quality filters for `grist clean`: Gopher quality, Gopher repetition, C4, FineWeb and length,
 * with the published defaults (docs/design.md section 8). Every threshold is a named parameter
 * ("gopher.min_words"); the same name is the rule reported for a rejected document, is accepted
 * on the command line (--gopher.min_words=40 or --gopher-min-words 40) and in a config file
 * ("gopher.min_words = 40"), and the value "off" disables that one rule.
 *
 * Language-dependent rules (clean_lang_param()) take the document's language's values: a config
 * per language (struct clean_langset) is built from the global one, the table in
 * clean_langtab.c and the [lang.xx] sections of a config file. A rule a language has no value
 * for is not applied to it (counted in clean_verdict.skipped), never judged by English's.
 * Words of scripts without spaces come from ICU's word break iterator (clean_segment.h).
 *
 * A config is built once and then only read; a context holds one thread's scratch memory.
 */
#ifndef GRIST_CLEAN_FILTER_H
#define GRIST_CLEAN_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

enum clean_param {
	/* length (and the mis-encoding check, which is as cheap) */
	CP_MIN_CHARS, CP_MAX_CHARS, CP_MOJIBAKE_LATIN1, CP_MOJIBAKE_BROKEN_WORDS,
	CP_MOJIBAKE_FOREIGN_LETTERS,
	/* Gopher quality */
	CP_G_MIN_WORDS, CP_G_MAX_WORDS, CP_G_MIN_MEAN_WORD_LEN, CP_G_MAX_MEAN_WORD_LEN,
	CP_G_MAX_HASH_RATIO, CP_G_MAX_ELLIPSIS_RATIO, CP_G_MAX_BULLET_LINES,
	CP_G_MAX_ELLIPSIS_LINES, CP_G_MIN_ALPHA_WORDS, CP_G_MIN_STOP_WORDS,
	/* Gopher repetition */
	CP_R_DUP_PARA_FRAC, CP_R_DUP_PARA_CHAR_FRAC, CP_R_DUP_LINE_FRAC, CP_R_DUP_LINE_CHAR_FRAC,
	CP_R_TOP_2GRAM, CP_R_TOP_3GRAM, CP_R_TOP_4GRAM,
	CP_R_DUP_5GRAM, CP_R_DUP_6GRAM, CP_R_DUP_7GRAM, CP_R_DUP_8GRAM, CP_R_DUP_9GRAM,
	CP_R_DUP_10GRAM,
	/* C4 */
	CP_C4_MAX_WORD_LEN, CP_C4_CITATIONS, CP_C4_TERMINAL_PUNCT, CP_C4_MIN_WORDS_PER_LINE,
	CP_C4_LOREM_IPSUM, CP_C4_JAVASCRIPT, CP_C4_CURLY_BRACKET, CP_C4_POLICY, CP_C4_MIN_SENTENCES,
	CP_C4_MAX_LIST_WORDS,
	/* FineWeb */
	CP_F_MIN_LINE_PUNCT, CP_F_MAX_SHORT_LINES, CP_F_SHORT_LINE_LEN, CP_F_MAX_DUP_LINE_CHARS,
	CP_F_MAX_NEWLINE_PER_WORD,
	CP_COUNT
};

enum clean_filter_kind {
	CLEAN_F_LENGTH,
	CLEAN_F_GOPHER_REP,
	CLEAN_F_GOPHER_QUALITY,
	CLEAN_F_C4,
	CLEAN_F_FINEWEB,
	CLEAN_F_COUNT
};

struct clean_param_info {
	const char *name;   /* "gopher.min_words": also the reject rule */
	double def;         /* default value */
	int def_off;        /* 1: off unless set */
	const char *help;
};
extern const struct clean_param_info clean_params[CP_COUNT];
extern const char *const clean_filter_names[CLEAN_F_COUNT];

struct clean_stopset;

/* One setting of a [lang.xx] section: param is a parameter index, or -1 for stop_words. */
struct clean_lang_override {
	char code[16];
	int param;
	char *value;
};

struct clean_filter_config {
	double v[CP_COUNT];
	unsigned char off[CP_COUNT]; /* disabled by the user */
	unsigned char na[CP_COUNT];  /* no value for this config's language: not applied, counted */
	unsigned char set[CP_COUNT]; /* given on the command line or in --config (global) */
	int order[16];  /* filters to run, in order */
	int norder;
	/* per language (a struct clean_langset's configs); empty in the global config */
	char lang[16];
	const struct clean_stopset *stop; /* NULL: this language has no stop-word list */
	int stop_gopher; /* the list is Gopher's English eight, counted during the analysis */
	char extra_term[8]; /* ASCII marks that also end a line here (Greek ';', Armenian ':') */
	/* The language's letters in U+00C0..U+024F (CLDR's standard exemplars through ICU, both
	 * cases), bit cp - 0xC0; latin_ext: some are beyond Latin-1 (U+0100 on), so text of this
	 * language in its legacy code page read as cp1252 loses them (mojibake.max_foreign_letters) */
	uint64_t letters[7];
	int latin_ext;
	int letters_ready; /* letters and latin_ext are filled at first use (clean_lang_letters) */
	int any_c4_terminal; /* some language turns c4.terminal_punct on */
	int any_lang_ngram;  /* some language has its own gopher_rep n-gram thresholds in [lang] */
	/* global config only: the [lang.xx] settings, applied by clean_langset_build */
	struct clean_lang_override *over;
	size_t nover, aover;
};

/* Defaults: docs/design.md section 8; set length, gopher_rep, gopher_quality, c4, fineweb. */
void clean_filter_config_init(struct clean_filter_config *cfg);
void clean_filter_config_release(struct clean_filter_config *cfg); /* frees the overrides */

/* Does this parameter depend on the language (its value comes from the language table; a
 * language without one does not apply the rule)? */
int clean_param_is_lang(int p);
/* May a language have its own value ([lang.xx], the table): the language-dependent ones, and
 * those whose global value applies unless the language has its own (the n-gram thresholds of
 * languages segmented by ICU, the short-line length of CJK scripts)? */
int clean_param_per_lang(int p);

/*
 * Sets one parameter by name ("gopher.min_words", "gopher-min-words", ...): a number, or
 * on/off/true/false/yes/no. "variant" names a preset: c4.variant=google sets 5 words per line
 * and 3 sentences, c4.variant=c4 the 3/5 defaults. Returns 0, or -1 with a message in err.
 */
int clean_filter_config_set(struct clean_filter_config *cfg, const char *name, const char *value,
			    struct buf *err);

/* Index of a parameter from any of its spellings, or -1. */
int clean_param_lookup(const char *name);

/* "--filters LIST": comma-separated names in order; "default", "none", "gopher" (= rep then
 * quality). Returns 0 or -1 with a message. */
int clean_filter_config_set_order(struct clean_filter_config *cfg, const char *list,
				  struct buf *err);

/* Reads "name = value" lines ('#' comments, blank lines; "filters = a,b" sets the order). A
 * "[lang.xx]" line starts a section whose settings apply to language xx only: its
 * language-dependent parameters and "stop_words = w1 w2 ..."; "[global]" ends it.
 * Unknown keys are errors, with file and line in the message. Returns 0 or -1. */
int clean_filter_config_load(struct clean_filter_config *cfg, const char *path, struct buf *err);

/* The configs of every language, built from a global config. */
struct clean_langset {
	struct clean_filter_config *cfg; /* sorted by lang */
	size_t n;
	struct clean_filter_config un;  /* unknown language, and languages with no table entry */
	struct clean_stopset **owned;
	size_t nowned;
};
int clean_langset_build(struct clean_langset *ls, struct clean_filter_config *global,
			struct buf *err);
/* The config for a language code ("un" and codes without an entry get ls->un). */
const struct clean_filter_config *clean_langset_get(const struct clean_langset *ls,
						    const char *code);
void clean_langset_free(struct clean_langset *ls);

/* Fills lc's letters and latin_ext from ICU the first time they are needed (thread-safe; a
 * config built by clean_langset_build): reading CLDR's data for every language at start-up
 * would cost more than most runs spend on the rule. */
void clean_lang_letters(const struct clean_filter_config *lc);

/* Finds the document's language config the first time a rule needs it. */
struct clean_lang_resolver {
	const struct clean_filter_config *(*resolve)(void *arg);
	void *arg;
	/* resolving identifies the language (CLD2): then the cheap language-independent rules
	 * that follow the first language-dependent one run before it, so that a document they
	 * reject is never identified (docs/clean.md, "Speed") */
	int identifies;
};

struct clean_filter_ctx;
struct clean_filter_ctx *clean_filter_ctx_new(void);
void clean_filter_ctx_free(struct clean_filter_ctx *ctx);

struct clean_verdict {
	const char *rule; /* NULL when the document is kept */
	double value;     /* the measured value that broke the rule */
	int nospace;      /* some words came from ICU's segmentation (scripts without spaces) */
	uint64_t skipped; /* bit p: rule p was reached but not applied (no value for the language) */
	const struct clean_filter_config *lang; /* the language's config, if it was resolved */
};

/*
 * Runs cfg's filters in order over text (valid UTF-8). Returns 1 to keep, 0 to drop (with
 * v->rule and v->value set). C4 may rewrite the text (lines dropped, citations removed): then
 * *text and *len point into memory owned by ctx, valid until the next call. Language-dependent
 * rules use cfg itself (clean_filter_run) or the config lr returns, asked for only when the
 * first such rule is reached (clean_filter_run_lang): documents rejected before it need no
 * language identification.
 */
int clean_filter_run(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
		     const char **text, size_t *len, struct clean_verdict *v);
int clean_filter_run_lang(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			  const char **text, size_t *len, struct clean_verdict *v,
			  const struct clean_lang_resolver *lr);

/* Share of a document's words (with a letter) that only mis-decoding makes (exported for
 * tests; docs/clean.md, mojibake.max_broken_words); 0 below 20 such words. */
double clean_broken_word_fraction(const char *s, size_t n);
/* 0 makes clean_broken_word_fraction look at every word with a non-ASCII byte or a '?' (the
 * plain path, for tests comparing the two). */
extern int clean_broken_simd;
/* 0 makes C4's sentence count look at every byte (the plain path, for tests). */
extern int clean_c4_sentence_simd;

#endif
