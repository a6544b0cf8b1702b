/*
 * Internal to clean's quality filters (clean_filter*.c): the small hash table, line helpers,
 * the rule macros and the filters' entry points. One file per filter family:
 * clean_filter_gopher.c (repetition and quality), clean_filter_c4.c, clean_filter_fineweb.c;
 * clean_filter.c has the table, the language lookup, the length rule and the driver.
 */
#ifndef GRIST_CLEAN_FILTER_INT_H
#define GRIST_CLEAN_FILTER_INT_H

#include <stdint.h>
#include <string.h>

#include "clean/clean_filter.h"
#include "clean/clean_textstats.h"

void clean_tab_reset(struct clean_filter_ctx *ctx, size_t n);

/* Finds or inserts key; *fresh tells which. The table never fills: callers size it for all.
 * Inline: the n-gram rules call it once per word position. */
static inline struct slot *clean_tab_get(struct clean_filter_ctx *ctx, uint64_t key, uint32_t idx,
					 int *fresh)
{
	size_t mask = ctx->tabmask, h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & mask;
	uint32_t gen = ctx->gen;
	for (;; h = (h + 1) & mask) {
		struct slot *sl = &ctx->tab[h];
		if (sl->gen != gen) {
			sl->gen = gen;
			sl->key = key;
			sl->first = idx;
			sl->count = 0;
			*fresh = 1;
			return sl;
		}
		if (sl->key == key) {
			*fresh = 0;
			return sl;
		}
	}
}

/* The document's language's config: resolved the first time a rule asks. */
const struct clean_filter_config *clean_filter_lang(struct clean_filter_ctx *ctx);

/* Rejects with parameter p's name as the rule unless the user turned p off. */
#define REJECT(p, val)                                   \
	do {                                             \
		if (!cfg->off[p]) {                      \
			v->rule = clean_params[p].name;  \
			v->value = (val);                \
			return 0;                        \
		}                                        \
	} while (0)

/* Is language-dependent rule p applied under the language config lc? A rule the language has
 * no value for is noted in v->skipped. */
static inline int clean_lang_rule(const struct clean_filter_config *lc, struct clean_verdict *v,
				  int p)
{
	if (lc->off[p])
		return 0;
	if (lc->na[p]) {
		v->skipped |= 1ull << p;
		return 0;
	}
	return 1;
}

static inline int clean_is_line_break(char c)
{
	return c == '\n' || c == '\r' || c == '\f';
}

/* End of the line starting at i (str.splitlines() breaks: \n, \r, \f). `only_nl` says the text
 * has no \r or \f, so memchr can find the end. */
static inline size_t clean_line_end(const char *s, size_t i, size_t n, int only_nl)
{
	if (only_nl) {
		const char *nl = memchr(s + i, '\n', n - i);
		return nl ? (size_t)(nl - s) : n;
	}
	while (i < n && !clean_is_line_break(s[i]))
		i++;
	return i;
}

static inline int clean_only_newlines(const char *s, size_t n)
{
	return !memchr(s, '\r', n) && !memchr(s, '\f', n);
}

static inline int clean_ends_with(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);
	return n >= l && !memcmp(s + n - l, suf, l);
}

/* Does the line s[0, n) end in terminal punctuation (any script's, or one of the ASCII marks
 * in extra)? */
int clean_ends_terminal(const char *s, size_t n, const char *extra);
/* Length of a sentence-final mark of a script other than Latin at s (。 ！ ？ । ။ ። ...), or 0. */
size_t clean_sentence_mark(const unsigned char *s, size_t n);
/* Those marks, NULL-terminated. */
extern const char *const clean_script_marks[];
/* Does the line end in an ellipsis ("...", U+2026, U+22EF, U+2025)? */
int clean_ends_ellipsis(const char *s, size_t n);

int clean_filter_gopher_rep(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			    const char *s, size_t n, struct clean_verdict *v);
int clean_filter_gopher_quality(const struct clean_filter_config *cfg,
				struct clean_filter_ctx *ctx, const char *s, size_t n,
				struct clean_verdict *v);
int clean_filter_c4(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
		    const char **text, size_t *len, struct clean_verdict *v);
/* C4's document rejects (lorem_ipsum, curly_bracket) on s[0, n) when they cannot depend on
 * the language (no language turns c4.terminal_punct on, which would drop lines before them):
 * 0 (v set) if C4 will reject the document, 1 if it may not. Writes nothing. */
int clean_filter_c4_screen(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			   const char *s, size_t n, struct clean_verdict *v);
int clean_filter_fineweb(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			 const char *s, size_t n, struct clean_verdict *v);

#endif
