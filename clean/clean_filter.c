/*
 * The quality filters (rules and defaults in clean_filter.h and docs/design.md section 8).
 *
 * Definitions follow the published pipelines as FineWeb ran them (datatrove's Gopher, C4 and
 * FineWeb filters), with these stated choices:
 *   - words are runs of non-whitespace (Unicode White_Space); a word's length for the mean
 *     excludes leading and trailing punctuation; stop words match case-insensitively after
 *     stripping punctuation; a "symbol" word has only punctuation and symbol characters (P*, S*);
 *   - lengths and fractions of text are in code points, like Python's len();
 *   - n-grams are words joined by one space, compared by a 64-bit rolling hash of word hashes;
 *   - sentences (C4) end at a run of . ! ? followed by white space or the end of the line, and
 *     text after the last terminator counts as one more sentence.
 * One pass (clean_textstats.c) collects the words of the current text; filters reuse it until C4
 * rewrites the text. This file: the hash table the filters share, the language lookup, the
 * length rule and the driver; the filter families are in clean_filter_gopher.c, _c4.c and
 * _fineweb.c. Shortcuts (n-gram bounds, C4's anchor scan and derived word counts) are
 * checked against plain implementations in tests/unit/test_clean_fastpaths.c.
 */
#include "clean/clean_filter_int.h"

#include <stdlib.h>
#include <string.h>

#include "clean/clean_unicode.h"
#include "lib/xalloc.h"

/* ---- a small hash table of 64-bit keys ------------------------------------------------- */

void clean_tab_reset(struct clean_filter_ctx *ctx, size_t n)
{
	size_t cap = 64;
	while (cap < n * 2)
		cap <<= 1;
	if (cap > ctx->tabcap) {
		free(ctx->tab);
		ctx->tab = xcalloc(cap, sizeof(*ctx->tab));
		ctx->tabcap = cap;
		ctx->gen = 0;
	}
	/* only the part this use needs: a huge document must not slow every later one down */
	ctx->tabmask = cap - 1;
	if (++ctx->gen == 0) { /* wrapped: clear once */
		memset(ctx->tab, 0, ctx->tabcap * sizeof(*ctx->tab));
		ctx->gen = 1;
	}
}

/* Finds or inserts key; *fresh tells which. The table never fills: callers size it for all. */
struct slot *clean_tab_get(struct clean_filter_ctx *ctx, uint64_t key, uint32_t idx, int *fresh)
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

/* ---- length --------------------------------------------------------------------------- */

/*
 * Text in a legacy code page (cp1251, cp1253, cp1256, GBK, Shift-JIS, ...) read as Latin-1 or
 * cp1252 becomes runs of U+00C0..U+00FF ("Ïðèâåò"). Real text of any language has few of them:
 * 21% of the letters at most in the multilingual corpus (Czech), against 34-97% in such
 * mis-encoded text. No language can be identified in it, so without this language-independent
 * check it would meet only the other language-independent rules. Measured over ASCII letters
 * and non-ASCII characters; only documents holding a 0xC3 byte and at least 40 such
 * characters are measured (in "été" two letters of three are in that range).
 */
static double latin1_fraction(const char *s, size_t n)
{
	if (!memchr(s, 0xC3, n))
		return 0;
	size_t latin1 = 0, letters = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80)
			letters += (unsigned)((c | 0x20) - 'a') < 26u;
		else if (c >= 0xC0)
			letters++, latin1 += c == 0xC3;
	}
	return letters >= 40 ? (double)latin1 / (double)letters : 0;
}

static int filter_length(const struct clean_filter_config *cfg, const char *s, size_t n,
			 struct clean_verdict *v)
{
	if (!cfg->off[CP_MOJIBAKE_LATIN1]) {
		double r = latin1_fraction(s, n);
		if (r > cfg->v[CP_MOJIBAKE_LATIN1])
			REJECT(CP_MOJIBAKE_LATIN1, r);
	}
	/* a character is 1-4 bytes: without an upper limit, n >= 4 * min passes uncounted */
	if ((cfg->off[CP_MAX_CHARS]) && (cfg->off[CP_MIN_CHARS] || (double)n >= 4 * cfg->v[CP_MIN_CHARS]))
		return 1;
	size_t c = clean_count_chars(s, n);
	if ((double)c < cfg->v[CP_MIN_CHARS])
		REJECT(CP_MIN_CHARS, (double)c);
	if ((double)c > cfg->v[CP_MAX_CHARS])
		REJECT(CP_MAX_CHARS, (double)c);
	return 1;
}

/* ---- language and driver ---------------------------------------------------------------- */

const struct clean_filter_config *clean_filter_lang(struct clean_filter_ctx *ctx)
{
	if (!ctx->lcfg)
		ctx->lcfg = ctx->lr ? ctx->lr->resolve(ctx->lr->arg) : ctx->base;
	return ctx->lcfg;
}

int clean_filter_run_lang(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			  const char **text, size_t *len, struct clean_verdict *v,
			  const struct clean_lang_resolver *lr)
{
	v->rule = NULL;
	v->value = 0;
	v->nospace = 0;
	v->skipped = 0;
	v->lang = NULL;
	ctx->analyzed = 0;
	ctx->base = cfg;
	ctx->lcfg = NULL;
	ctx->lr = lr;
	int ok = 1;
	for (int k = 0; ok && k < cfg->norder; k++) {
		switch (cfg->order[k]) {
		case CLEAN_F_LENGTH:
			ok = filter_length(cfg, *text, *len, v);
			break;
		case CLEAN_F_GOPHER_REP:
			ok = clean_filter_gopher_rep(cfg, ctx, *text, *len, v);
			break;
		case CLEAN_F_GOPHER_QUALITY:
			ok = clean_filter_gopher_quality(cfg, ctx, *text, *len, v);
			break;
		case CLEAN_F_C4:
			ok = clean_filter_c4(cfg, ctx, text, len, v);
			break;
		case CLEAN_F_FINEWEB:
			ok = clean_filter_fineweb(cfg, ctx, *text, *len, v);
			break;
		}
		if (ctx->analyzed)
			v->nospace = ctx->nospace;
	}
	v->lang = ctx->lcfg;
	return ok;
}

int clean_filter_run(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
		     const char **text, size_t *len, struct clean_verdict *v)
{
	return clean_filter_run_lang(cfg, ctx, text, len, v, NULL);
}
