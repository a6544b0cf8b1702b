/*
 * Text analysis shared by clean's quality filters (internal to clean/): character classes, the
 * per-thread filter context, and one pass over a document that collects what the word-based
 * rules need (word count, sums of per-word flags, prefix hashes and lengths for n-grams).
 */
#ifndef GRIST_CLEAN_TEXTSTATS_H
#define GRIST_CLEAN_TEXTSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/* One word, while it is being scanned. */
struct word {
	uint32_t off, len;  /* bytes in the text */
	uint32_t coff, clen; /* bytes of the core: the word without leading/trailing punctuation */
	uint32_t nchars;    /* code points */
	uint32_t core;      /* code points without leading/trailing punctuation */
	uint64_t hash;
	unsigned char alpha, symbol, stop;
};

struct slot {
	uint64_t key;
	uint32_t count, first;
	uint32_t gen; /* the slot is in use only if gen is the table's current generation */
};

/* Where a word's core lies (stop words of languages other than English are counted from it);
 * a word without one (all punctuation and symbols) has len 0 and off at its start, so every
 * word's off lies inside the word (C4 counts a line's words by it). */
struct clean_wcore {
	uint32_t off, len;
};

/* A white-space word of the analysed text that ICU split: where it is, into how many pieces,
 * and the longest piece in characters (C4's per-line counts reuse them). */
struct clean_segword {
	uint32_t off, len, pieces, longest;
};

struct clean_filter_config;
struct clean_lang_resolver;
struct clean_segmenter;

struct clean_filter_ctx {
	size_t nw, aw;         /* words; capacity of pre, cpre and wc (in words) */
	size_t nonsym, core_sum, alpha_words, stop_words; /* sums over the words (Gopher quality) */
	uint64_t *pre; /* rolling prefix hashes of the word hashes, nw + 1 */
	struct slot *tab;
	size_t tabcap, tabmask; /* allocated slots; the slots in use now, minus one */
	uint32_t gen;           /* bumped by every reset, so slots never need clearing */
	uint32_t *cpre;         /* prefix sums of word lengths in characters, nw + 1 */
	struct clean_wcore *wc; /* each word's core, nw */
	struct clean_segmenter *seg; /* ICU, opened at the first word that needs it */
	int seg_failed;
	struct clean_segword *segw; /* the words ICU split in the last analysis, in text order */
	size_t nsegw, asegw;
	const char *segtext; /* the text of that analysis (atext may have moved on to C4's) */
	size_t seglen;
	/* the language: lcfg once resolved (by lr, at the first rule that depends on it) */
	const struct clean_filter_config *base, *lcfg;
	const struct clean_lang_resolver *lr;
	int next_filter; /* the filter after the running one in the order (CLEAN_F_*), or -1 */
	struct buf c4out[2];
	int c4cur;
	/* analysis of (atext, alen) */
	const char *atext;
	size_t alen, nchars, max_word; /* max_word: longest word in characters */
	int has_high, has_crff; /* bytes >= 0x80; \r or \f (only valid with analyzed == 1) */
	int analyzed;
	int nospace; /* some words were split by ICU (scripts without spaces) */
};

enum { C_ALPHA = 1, C_SPACE = 2, C_PUNCT = 4, C_HIGH = 8 };
extern unsigned char clean_ascii_class[128];
extern unsigned char clean_byte_class[256]; /* ascii_class, and C_HIGH for bytes >= 0x80 */

static inline int clean_is_ws_byte(unsigned char c)
{
	return c < 0x80 && (clean_ascii_class[c] & C_SPACE);
}

/* The n-gram rolling hash multiplier: pre[i + 1] = pre[i] * CLEAN_NG_MUL + hash(word i). */
#define CLEAN_NG_MUL (0x100000001B3ull * 0x9E3779B97F4A7C15ull | 1)

/* Analyses (s, n) into ctx unless ctx already holds this text's full analysis. */
void clean_text_analyze(struct clean_filter_ctx *ctx, const char *s, size_t n);
/* Stop words of the analysed text (ctx->atext) found in set (a struct clean_stopset), counting
 * no further than limit (the rule needs only to know whether there are enough). */
size_t clean_count_stop_words(const struct clean_filter_ctx *ctx, const void *set, size_t limit);
/* Words of one line as the analysis counts them (ICU pieces for scripts without spaces),
 * counting no further than limit; *longest gets the longest word's characters if not NULL. */
size_t clean_line_words(struct clean_filter_ctx *ctx, const char *s, size_t n, size_t limit,
			size_t *longest);
/* 0 makes clean_text_analyze use only its byte-at-a-time path (for tests comparing the two). */
extern int clean_textstats_simd;
size_t clean_count_chars(const char *s, size_t n);      /* code points of valid UTF-8 */
size_t clean_count_byte(const char *s, size_t n, char c);

#endif
