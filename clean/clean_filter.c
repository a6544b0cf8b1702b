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
 * rewrites the text. Shortcuts (n-gram bounds, C4's anchor scan and derived word counts) are
 * checked against plain implementations in tests/unit/test_clean_fastpaths.c.
 */
#include "clean/clean_filter.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "clean/clean_textstats.h"
#include "clean/clean_unicode.h"
#include "lib/xalloc.h"

/* ---- a small hash table of 64-bit keys ------------------------------------------------- */

static void tab_reset(struct clean_filter_ctx *ctx, size_t n)
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
static struct slot *tab_get(struct clean_filter_ctx *ctx, uint64_t key, uint32_t idx, int *fresh)
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

/* Duplicate elements and their characters, as datatrove's find_duplicates(). */
struct dups {
	size_t n, dup, dup_chars;
};

/* Pieces of text separated by runs of "\n" of at least `minrun`; with `strip`, the text's outer
 * white space is removed first (paragraphs: re.split(r"\n{2,}", text.strip())). */
static struct dups find_dup_pieces(struct clean_filter_ctx *ctx, const char *s, size_t n,
				   size_t minrun, int strip)
{
	struct dups d = { 0, 0, 0 };
	size_t a = 0, e = n;
	if (strip) {
		while (a < e && clean_is_ws_byte((unsigned char)s[a]))
			a++;
		while (e > a && clean_is_ws_byte((unsigned char)s[e - 1]))
			e--;
	}
	size_t pieces = 1 + clean_count_byte(s + a, e - a, '\n');
	tab_reset(ctx, pieces);
	size_t start = a, i = a;
	for (;;) {
		/* find the next separator run of length >= minrun */
		size_t run_start = e, run_end = e;
		for (i = start; i < e; i++) {
			const char *nl = memchr(s + i, '\n', e - i);
			if (!nl)
				break;
			i = (size_t)(nl - s);
			size_t j = i;
			while (j < e && s[j] == '\n')
				j++;
			if (j - i >= minrun) {
				run_start = i;
				run_end = j;
				break;
			}
			i = j - 1;
		}
		int fresh;
		tab_get(ctx, XXH3_64bits(s + start, run_start - start), 0, &fresh);
		d.n++;
		if (!fresh) {
			d.dup++;
			d.dup_chars += clean_count_chars(s + start, run_start - start);
		}
		if (run_start >= e)
			break;
		start = run_end;
	}
	return d;
}

#define REJECT(p, val)                                   \
	do {                                             \
		if (!cfg->off[p]) {                      \
			v->rule = clean_params[p].name;  \
			v->value = (val);                \
			return 0;                        \
		}                                        \
	} while (0)

/* ---- length --------------------------------------------------------------------------- */

static int filter_length(const struct clean_filter_config *cfg, const char *s, size_t n,
			 struct clean_verdict *v)
{
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

/* ---- Gopher repetition ------------------------------------------------------------------ */

static uint64_t mul_pow(size_t n)
{
	uint64_t r = 1;
	while (n--)
		r *= CLEAN_NG_MUL;
	return r;
}

static inline uint64_t ngram_key(const struct clean_filter_ctx *ctx, size_t i, size_t n,
				 uint64_t pw)
{
	uint64_t k = ctx->pre[i + n] - ctx->pre[i] * pw;
	return k ^ (k >> 29) ^ n;
}

/* Characters of the n words from i joined by single spaces (needs ctx->cpre). */
static size_t ngram_chars(const struct clean_filter_ctx *ctx, size_t i, size_t n)
{
	return ctx->cpre[i + n] - ctx->cpre[i] + n - 1;
}

static int filter_gopher_rep(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			     const char *s, size_t n, struct clean_verdict *v)
{
	clean_text_analyze(ctx, cfg->v[CP_NOSPACE_MIN_LETTERS], s, n);
	double total = (double)(ctx->nchars ? ctx->nchars : 1);
	struct dups d = find_dup_pieces(ctx, s, n, 2, 1);
	if (d.n && (double)d.dup / (double)d.n > cfg->v[CP_R_DUP_PARA_FRAC])
		REJECT(CP_R_DUP_PARA_FRAC, (double)d.dup / (double)d.n);
	if ((double)d.dup_chars / total > cfg->v[CP_R_DUP_PARA_CHAR_FRAC])
		REJECT(CP_R_DUP_PARA_CHAR_FRAC, (double)d.dup_chars / total);
	d = find_dup_pieces(ctx, s, n, 1, 0);
	if (d.n && (double)d.dup / (double)d.n > cfg->v[CP_R_DUP_LINE_FRAC])
		REJECT(CP_R_DUP_LINE_FRAC, (double)d.dup / (double)d.n);
	if ((double)d.dup_chars / total > cfg->v[CP_R_DUP_LINE_CHAR_FRAC])
		REJECT(CP_R_DUP_LINE_CHAR_FRAC, (double)d.dup_chars / total);
	if (ctx->nospace)
		return 1;

	size_t nw = ctx->nw;

	/*
	 * Most frequent 2/3/4-gram. The 2-gram pass counts everything; a g-gram occurs at most as
	 * often as the most frequent (g-1)-gram, so max count x longest g-gram bounds its fraction
	 * and the g pass runs only when that bound reaches the threshold.
	 */
	uint32_t prev_max = UINT32_MAX;
	for (size_t g = 2; g <= 4; g++) {
		int p = CP_R_TOP_2GRAM + (int)(g - 2);
		if (nw < g)
			break;
		if (prev_max != UINT32_MAX) {
			/* first the cheap bound (g longest words), then the exact longest g-gram */
			if (cfg->off[p] ||
			    (double)(prev_max * (g * ctx->max_word + g - 1)) / total <= cfg->v[p])
				continue;
			size_t longest = 0;
			for (size_t i = 0; i + g <= nw; i++) {
				size_t c = ctx->cpre[i + g] - ctx->cpre[i];
				if (c > longest)
					longest = c;
			}
			if ((double)(prev_max * (longest + g - 1)) / total <= cfg->v[p] || cfg->off[p])
				continue; /* cannot fire; prev_max still bounds the next g */
		}
		uint64_t pw = mul_pow(g);
		tab_reset(ctx, nw);
		struct slot *best = NULL;
		for (size_t i = 0; i + g <= nw; i++) {
			int fresh;
			struct slot *sl = tab_get(ctx, ngram_key(ctx, i, g, pw), (uint32_t)i, &fresh);
			sl->count++;
			/* most frequent, ties to the first seen (Counter.most_common) */
			if (!best || sl->count > best->count ||
			    (sl->count == best->count && sl->first < best->first))
				best = sl;
		}
		prev_max = best->count;
		double frac = (double)(ngram_chars(ctx, best->first, g) * best->count) / total;
		if (frac > cfg->v[p])
			REJECT(p, frac);
	}

	/*
	 * Characters in duplicated 5..10-grams (datatrove's find_all_duplicate: scan, count a
	 * g-gram seen before and jump past it). Every word such a g-gram covers lies in a 5-gram
	 * window that occurred earlier, and counted g-grams do not overlap, so the characters of
	 * words in repeated 5-gram windows (plus one space each) bound every g's value: one pass
	 * computes it, and only the g whose threshold it reaches are computed exactly.
	 */
	if (nw < 5)
		return 1;
	size_t bound = 0, covered_until = 0;
	uint64_t pw5 = mul_pow(5);
	tab_reset(ctx, nw);
	for (size_t i = 0; i + 5 <= nw; i++) {
		int fresh;
		tab_get(ctx, ngram_key(ctx, i, 5, pw5), (uint32_t)i, &fresh);
		if (fresh)
			continue;
		size_t from = i > covered_until ? i : covered_until;
		bound += ctx->cpre[i + 5] - ctx->cpre[from] + (i + 5 - from);
		covered_until = i + 5;
	}
	for (size_t g = 5; g <= 10; g++) {
		int p = CP_R_DUP_5GRAM + (int)(g - 5);
		if (cfg->off[p] || nw < g || (double)bound / total <= cfg->v[p])
			continue;
		uint64_t pw = mul_pow(g);
		tab_reset(ctx, nw);
		size_t rep = 0;
		for (size_t i = 0; i + g <= nw;) {
			int fresh;
			tab_get(ctx, ngram_key(ctx, i, g, pw), (uint32_t)i, &fresh);
			if (!fresh) {
				rep += ngram_chars(ctx, i, g);
				i += g;
			} else {
				i++;
			}
		}
		if ((double)rep / total > cfg->v[p])
			REJECT(p, (double)rep / total);
	}
	return 1;
}

/* ---- Gopher quality ----------------------------------------------------------------------- */

/* Non-overlapping "..." (as str.count): find each '.', look at the next two. */
static size_t count_dots(const char *s, size_t n)
{
	size_t c = 0;
	const char *p = s, *e = s + n;
	while ((p = memchr(p, '.', (size_t)(e - p)))) {
		if (e - p >= 3 && p[1] == '.' && p[2] == '.') {
			c++;
			p += 3;
		} else {
			p++;
		}
	}
	return c;
}

/* U+2026 (E2 80 A6): find each 0xE2, which is rare in most text, and look at the next two. */
static size_t count_ellipsis_chars(const char *s, size_t n)
{
	size_t c = 0;
	const char *p = s, *e = s + n;
	while ((p = memchr(p, 0xE2, (size_t)(e - p)))) {
		if (e - p >= 3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xA6) {
			c++;
			p += 3;
		} else {
			p++;
		}
	}
	return c;
}

static int is_line_break(char c)
{
	return c == '\n' || c == '\r' || c == '\f';
}

/* End of the line starting at i (str.splitlines() breaks: \n, \r, \f). `only_nl` says the text
 * has no \r or \f, so memchr can find the end. */
static size_t line_end(const char *s, size_t i, size_t n, int only_nl)
{
	if (only_nl) {
		const char *nl = memchr(s + i, '\n', n - i);
		return nl ? (size_t)(nl - s) : n;
	}
	while (i < n && !is_line_break(s[i]))
		i++;
	return i;
}

static int only_newlines(const char *s, size_t n)
{
	return !memchr(s, '\r', n) && !memchr(s, '\f', n);
}

static int ends_with(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);
	return n >= l && !memcmp(s + n - l, suf, l);
}

static int filter_gopher_quality(const struct clean_filter_config *cfg,
				 struct clean_filter_ctx *ctx, const char *s, size_t n,
				 struct clean_verdict *v)
{
	clean_text_analyze(ctx, cfg->v[CP_NOSPACE_MIN_LETTERS], s, n);
	size_t nw = ctx->nw, nonsym = ctx->nonsym, core = ctx->core_sum, alpha = ctx->alpha_words,
	       stop = ctx->stop_words;
	if (!ctx->nospace) {
		if ((double)nonsym < cfg->v[CP_G_MIN_WORDS])
			REJECT(CP_G_MIN_WORDS, (double)nonsym);
		if ((double)nonsym > cfg->v[CP_G_MAX_WORDS])
			REJECT(CP_G_MAX_WORDS, (double)nonsym);
		double mean = nonsym ? (double)core / (double)nonsym : 0;
		if (mean < cfg->v[CP_G_MIN_MEAN_WORD_LEN])
			REJECT(CP_G_MIN_MEAN_WORD_LEN, mean);
		if (mean > cfg->v[CP_G_MAX_MEAN_WORD_LEN])
			REJECT(CP_G_MAX_MEAN_WORD_LEN, mean);
		if (nw) {
			double r = (double)clean_count_byte(s, n, '#') / (double)nw;
			if (r > cfg->v[CP_G_MAX_HASH_RATIO])
				REJECT(CP_G_MAX_HASH_RATIO, r);
			r = (double)(count_dots(s, n) +
				     (ctx->has_high ? count_ellipsis_chars(s, n) : 0)) /
			    (double)nw;
			if (r > cfg->v[CP_G_MAX_ELLIPSIS_RATIO])
				REJECT(CP_G_MAX_ELLIPSIS_RATIO, r);
		}
	}
	/* lines as str.splitlines(): no trailing empty line */
	size_t lines = 0, bullets = 0, ellipsis = 0;
	int only_nl = only_newlines(s, n);
	for (size_t i = 0; i < n;) {
		size_t e = line_end(s, i, n, only_nl);
		size_t a = i, z = e;
		while (a < z && clean_is_ws_byte((unsigned char)s[a]))
			a++;
		while (z > a && clean_is_ws_byte((unsigned char)s[z - 1]))
			z--;
		lines++;
		if ((z > a && s[a] == '-') || (z - a >= 3 && !memcmp(s + a, "\xE2\x80\xA2", 3)))
			bullets++;
		if (ends_with(s + a, z - a, "...") || ends_with(s + a, z - a, "\xE2\x80\xA6"))
			ellipsis++;
		i = e + (e < n && s[e] == '\r' && e + 1 < n && s[e + 1] == '\n' ? 2 : 1);
	}
	if (lines) {
		double r = (double)bullets / (double)lines;
		if (r > cfg->v[CP_G_MAX_BULLET_LINES])
			REJECT(CP_G_MAX_BULLET_LINES, r);
		r = (double)ellipsis / (double)lines;
		if (r > cfg->v[CP_G_MAX_ELLIPSIS_LINES])
			REJECT(CP_G_MAX_ELLIPSIS_LINES, r);
	}
	if (!ctx->nospace) {
		double r = nw ? (double)alpha / (double)nw : 0;
		if (r < cfg->v[CP_G_MIN_ALPHA_WORDS])
			REJECT(CP_G_MIN_ALPHA_WORDS, r);
		if ((double)stop < cfg->v[CP_G_MIN_STOP_WORDS])
			REJECT(CP_G_MIN_STOP_WORDS, (double)stop);
	}
	return 1;
}

/* ---- C4 -------------------------------------------------------------------------------------- */

/* ASCII-lowercase substring search (the patterns are ASCII and lowercase). */
static int contains_ci(const char *s, size_t n, const char *pat)
{
	size_t l = strlen(pat);
	for (size_t i = 0; i + l <= n; i++) {
		if ((s[i] | 0x20) != pat[0])
			continue;
		size_t k = 1;
		while (k < l && (pat[k] == ' ' ? s[i + k] == ' ' : (s[i + k] | 0x20) == pat[k]))
			k++;
		if (k == l)
			return 1;
	}
	return 0;
}

/* Removes [digits], [edit], [citation needed] from line into out. */
static void remove_citations(const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	while (i < n) {
		const char *p = memchr(s + i, '[', n - i);
		if (!p) {
			buf_add(out, s + i, n - i);
			return;
		}
		size_t j = (size_t)(p - s);
		buf_add(out, s + i, j - i);
		size_t k = j + 1;
		while (k < n && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k < n && s[k] == ']') {
			i = k + 1;
		} else if (n - j >= 6 && !memcmp(s + j, "[edit]", 6)) {
			i = j + 6;
		} else if (n - j >= 17 && !memcmp(s + j, "[citation needed]", 17)) {
			i = j + 17;
		} else {
			buf_addch(out, '[');
			i = j + 1;
		}
	}
}

/* Words (runs of non-white-space) in s, counting no further than limit. */
static size_t count_words(const char *s, size_t n, size_t limit)
{
	size_t w = 0;
	int in = 0;
	for (size_t i = 0; i < n && w < limit; i++) {
		int sp = clean_is_ws_byte((unsigned char)s[i]);
		w += !sp && !in;
		in = !sp;
	}
	return w;
}

/* Sentences in s, counting no further than limit. */
static size_t count_sentences(const char *s, size_t n, size_t limit)
{
	size_t c = 0;
	int content = 0;
	for (size_t i = 0; i < n && c < limit; i++) {
		char ch = s[i];
		if (ch == '.' || ch == '!' || ch == '?') {
			size_t j = i;
			while (j + 1 < n && (s[j + 1] == '.' || s[j + 1] == '!' || s[j + 1] == '?'))
				j++;
			if (content && (j + 1 >= n || clean_is_ws_byte((unsigned char)s[j + 1]))) {
				c++;
				content = 0;
			}
			i = j;
		} else if (!clean_is_ws_byte((unsigned char)ch)) {
			content = 1;
		}
	}
	return c + (size_t)content;
}

/*
 * Which of the C4 phrase anchors ("lorem ipsum", "javascript", "terms of use", "privacy policy",
 * "cookie") occur anywhere in s, ignoring ASCII case: bit k for anchors[k]. Almost no document
 * has any, so this is a filter in front of the per-line checks: each anchor is found through
 * a rare pair of its letters, 16 positions at a time with SSE2 (case folded by OR 0x20, which
 * maps only A-Z onto letters), and every candidate is verified in full.
 */
static const struct {
	const char *text;
	unsigned char len, at; /* the pair is text[at], text[at + 1] */
} anchors[] = {
	{ "lorem ipsum", 11, 7 }, { "javascript", 10, 0 }, { "terms of use", 12, 3 },
	{ "privacy policy", 14, 5 }, { "cookie", 6, 2 },
};
#define NANCHORS (sizeof(anchors) / sizeof(*anchors))

static int anchor_at(const char *s, size_t n, size_t q, unsigned k)
{
	size_t l = anchors[k].len;
	if (q + l > n)
		return 0;
	for (size_t i = 0; i < l; i++)
		if (((unsigned char)s[q + i] | 0x20) != (unsigned char)anchors[k].text[i])
			return 0;
	return 1;
}

/* A pair of anchor k's letters starts at p: is the whole anchor there? */
static unsigned check_pair(const char *s, size_t n, size_t p, unsigned k)
{
	return p >= anchors[k].at && anchor_at(s, n, p - anchors[k].at, k) ? 1u << k : 0;
}

static unsigned find_anchors(const char *s, size_t n)
{
	unsigned found = 0;
	size_t i = 0;
#ifdef __SSE2__
	const __m128i fold = _mm_set1_epi8(0x20);
	__m128i c1[NANCHORS], c2[NANCHORS];
	for (unsigned k = 0; k < NANCHORS; k++) {
		c1[k] = _mm_set1_epi8(anchors[k].text[anchors[k].at]);
		c2[k] = _mm_set1_epi8(anchors[k].text[anchors[k].at + 1]);
	}
	for (; i + 17 <= n; i += 16) {
		__m128i a = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), fold);
		__m128i b = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i + 1)), fold);
		unsigned m[NANCHORS], any = 0;
		for (unsigned k = 0; k < NANCHORS; k++) {
			m[k] = (unsigned)_mm_movemask_epi8(
				_mm_and_si128(_mm_cmpeq_epi8(a, c1[k]), _mm_cmpeq_epi8(b, c2[k])));
			any |= m[k];
		}
		if (!any)
			continue;
		for (unsigned k = 0; k < NANCHORS; k++)
			for (unsigned bits = m[k]; bits; bits &= bits - 1)
				found |= check_pair(s, n, i + (unsigned)__builtin_ctz(bits), k);
	}
#endif
	for (; i + 1 < n; i++)
		for (unsigned k = 0; k < NANCHORS; k++)
			if (((unsigned char)s[i] | 0x20) == (unsigned char)anchors[k].text[anchors[k].at] &&
			    ((unsigned char)s[i + 1] | 0x20) == (unsigned char)anchors[k].text[anchors[k].at + 1])
				found |= check_pair(s, n, i, k);
	return found;
}

static int filter_c4(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
		     const char **text, size_t *len, struct clean_verdict *v)
{
	const char *s = *text;
	size_t n = *len;
	clean_text_analyze(ctx, cfg->v[CP_NOSPACE_MIN_LETTERS], s, n); /* for the script exemption */
	int nospace = ctx->nospace;
	/* The phrase rules look at every line; first ask whether the document holds any phrase at
	 * all (case-folded copy + memmem), which it almost never does. */
	int curly = memchr(s, '{', n) != NULL, brackets = memchr(s, '[', n) != NULL;
	/* anchors: one per phrase rule; a bit set means the document holds it somewhere */
	enum { A_LOREM = 1, A_JS = 2, A_TERMS = 4, A_PRIVACY = 8, A_COOKIE = 16 };
	unsigned found = find_anchors(s, n);
	struct buf *out = &ctx->c4out[ctx->c4cur ^= 1];
	struct buf line = BUF_INIT;
	size_t sentences = 0;
	int wrote_any = 0;
	buf_reset(out);
	int analyzed = ctx->analyzed == 1 && ctx->atext == s && ctx->alen == n;
	int only_nl = analyzed ? !ctx->has_crff : only_newlines(s, n);
	/* FineWeb wants the word count of the result. When the analysis of this text is at hand
	 * and it has no Unicode white space, that is the analysis' count minus the words of the
	 * dropped lines, so kept lines need their words counted only up to the per-line minimum. */
	int derive = analyzed && (!ctx->has_high || (!memchr(s, 0xC2, n) && !memchr(s, 0xE1, n) &&
						     !memchr(s, 0xE2, n) && !memchr(s, 0xE3, n)));
	size_t out_words = 0, dropped_words = 0;
	double min_words = cfg->v[CP_C4_MIN_WORDS_PER_LINE];
	int check_words = !nospace && !cfg->off[CP_C4_MIN_WORDS_PER_LINE];
	size_t word_limit = !derive ? SIZE_MAX
			    : check_words ? (size_t)min_words + 1 : 0;
	int check_long = !nospace && !cfg->off[CP_C4_MAX_WORD_LEN] &&
			 !(derive && (double)ctx->max_word <= cfg->v[CP_C4_MAX_WORD_LEN]);
	int count_sent = !nospace && !cfg->off[CP_C4_MIN_SENTENCES];
	double min_sent = cfg->v[CP_C4_MIN_SENTENCES];
	for (size_t i = 0; i <= n;) {
		size_t e = line_end(s, i, n, only_nl);
		size_t a = i, z = e;
		i = e + (e < n && s[e] == '\r' && e + 1 < n && s[e + 1] == '\n' ? 2 : 1);
		while (a < z && clean_is_ws_byte((unsigned char)s[a]))
			a++;
		while (z > a && clean_is_ws_byte((unsigned char)s[z - 1]))
			z--;
		size_t ll = z - a, words;
		int exact;
		const char *l = s + a;
		/* a word longer than the limit needs a line at least that many bytes long */
		if (check_long && (double)ll > cfg->v[CP_C4_MAX_WORD_LEN]) {
			size_t longest = 0;
			words = 0;
			for (size_t k = 0; k < ll;) {
				while (k < ll && clean_is_ws_byte((unsigned char)l[k]))
					k++;
				if (k >= ll)
					break;
				size_t ws = k;
				while (k < ll && !clean_is_ws_byte((unsigned char)l[k]))
					k++;
				words++;
				if (k - ws > longest) {
					size_t wc = clean_count_chars(l + ws, k - ws);
					if (wc > longest)
						longest = wc;
				}
			}
			if ((double)longest > cfg->v[CP_C4_MAX_WORD_LEN]) {
				dropped_words += words;
				continue;
			}
			exact = 1;
		} else {
			words = count_words(l, ll, word_limit);
			exact = words < word_limit;
		}
#define DROP_LINE()                                                             \
	{                                                                       \
		dropped_words += exact ? words : count_words(s + a, z - a, SIZE_MAX); \
		continue;                                                       \
	}
		if (check_words && (double)words < min_words)
			DROP_LINE();
		if (brackets && cfg->v[CP_C4_CITATIONS] && !cfg->off[CP_C4_CITATIONS] &&
		    memchr(l, '[', ll)) {
			buf_reset(&line);
			remove_citations(l, ll, &line);
			if (line.len != ll) {
				/* the words change: account as dropping the old line, adding the new */
				dropped_words += exact ? words : count_words(l, ll, SIZE_MAX);
				l = line.data;
				ll = line.len;
				words = count_words(l, ll, SIZE_MAX);
				dropped_words -= words;
				exact = 1;
			}
		}
		if (!nospace && cfg->v[CP_C4_TERMINAL_PUNCT] && !cfg->off[CP_C4_TERMINAL_PUNCT]) {
			char last = ll ? l[ll - 1] : 0;
			int term = last == '.' || last == '?' || last == '!' || last == '"' || last == '\'';
			if (!term || ends_with(l, ll, "...") || ends_with(l, ll, "\xE2\x80\xA6"))
				DROP_LINE();
		}
		if (!ll)
			continue; /* with every line rule off, still no empty lines (as .strip() would) */
#define HAS(bit, phrase) ((found & (bit)) && contains_ci(l, ll, phrase))
		if (cfg->v[CP_C4_LOREM_IPSUM] && !cfg->off[CP_C4_LOREM_IPSUM] &&
		    HAS(A_LOREM, "lorem ipsum")) {
			buf_release(&line);
			REJECT(CP_C4_LOREM_IPSUM, 1);
		}
		if (cfg->v[CP_C4_JAVASCRIPT] && !cfg->off[CP_C4_JAVASCRIPT] && HAS(A_JS, "javascript"))
			DROP_LINE();
		if (curly && cfg->v[CP_C4_CURLY_BRACKET] && !cfg->off[CP_C4_CURLY_BRACKET] &&
		    memchr(l, '{', ll)) {
			buf_release(&line);
			REJECT(CP_C4_CURLY_BRACKET, 1);
		}
		if ((found & (A_TERMS | A_PRIVACY | A_COOKIE)) && cfg->v[CP_C4_POLICY] &&
		    !cfg->off[CP_C4_POLICY]) {
			if (HAS(A_TERMS, "terms of use") || HAS(A_PRIVACY, "privacy policy") ||
			    HAS(A_COOKIE, "cookie policy") || HAS(A_COOKIE, "uses cookies") ||
			    HAS(A_COOKIE, "use of cookies") || HAS(A_COOKIE, "use cookies"))
				DROP_LINE();
		}
#undef HAS
#undef DROP_LINE
		/* sentences matter only until there are enough */
		if (count_sent && (double)sentences < min_sent)
			sentences += count_sentences(l, ll, (size_t)(min_sent - (double)sentences) + 1);
		if (!derive)
			out_words += words;
		if (wrote_any)
			buf_addch(out, '\n');
		buf_add(out, l, ll);
		wrote_any = 1;
	}
	if (derive)
		out_words = ctx->nw - dropped_words;
	buf_release(&line);
	if (count_sent && (double)sentences < min_sent)
		REJECT(CP_C4_MIN_SENTENCES, (double)sentences);
	if (!out->len) {
		v->rule = "c4.empty";
		v->value = 0;
		return 0;
	}
	if (out->len != n || memcmp(out->data, s, n)) {
		*text = out->data;
		*len = out->len;
		/* What FineWeb needs of the new text, without a second full analysis. Words here are
		 * split on ASCII white space, the analysis also splits on Unicode spaces: when the
		 * text has non-ASCII bytes, leave it to a full analysis. */
		if (derive) {
			ctx->atext = out->data;
			ctx->alen = out->len;
			ctx->nw = out_words;
			ctx->nchars = clean_count_chars(out->data, out->len);
			ctx->analyzed = 2;
		}
	}
	return 1;
}

/* ---- FineWeb ---------------------------------------------------------------------------------- */

static int ends_terminal(const char *s, size_t n)
{
	static const char *const multi[] = {
		"\xE2\x80\xA6", "\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F", "\xEF\xBC\x8E",
		"\xE0\xA5\xA4", "\xD8\x9F", "\xDB\x94", "\xE2\x80\x9D", "\xE2\x80\x99", "\xC2\xBB",
	};
	if (!n)
		return 0;
	char c = s[n - 1];
	if (c == '.' || c == '?' || c == '!' || c == '"' || c == '\'')
		return 1;
	if (!(c & 0x80))
		return 0;
	for (size_t k = 0; k < sizeof(multi) / sizeof(*multi); k++)
		if (ends_with(s, n, multi[k]))
			return 1;
	return 0;
}

static int filter_fineweb(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			  const char *s, size_t n, struct clean_verdict *v)
{
	/* needs only the word count, characters and script: C4 may have left them (analyzed 2) */
	if (!(ctx->analyzed && ctx->atext == s && ctx->alen == n))
		clean_text_analyze(ctx, cfg->v[CP_NOSPACE_MIN_LETTERS], s, n);
	/* lines: split("\n") minus those that are blank after strip() */
	size_t lines = 0, punct = 0, shortl = 0, newlines = 0, pieces = 1 + clean_count_byte(s, n, '\n');
	tab_reset(ctx, pieces);
	size_t dup_chars = 0;
	for (size_t i = 0; i <= n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		size_t a = i;
		while (a < e && clean_is_ws_byte((unsigned char)s[a]))
			a++;
		if (a < e) {
			lines++;
			punct += ends_terminal(s + i, e - i);
			size_t c = clean_count_chars(s + i, e - i);
			shortl += (double)c <= cfg->v[CP_F_SHORT_LINE_LEN];
			int fresh;
			tab_get(ctx, XXH3_64bits(s + i, e - i), 0, &fresh);
			if (!fresh)
				dup_chars += c;
		}
		if (!nl)
			break;
		newlines++;
		i = e + 1;
	}
	if (!lines) {
		v->rule = "fineweb.empty";
		v->value = 0;
		return 0;
	}
	double r = (double)punct / (double)lines;
	if (!ctx->nospace && r < cfg->v[CP_F_MIN_LINE_PUNCT])
		REJECT(CP_F_MIN_LINE_PUNCT, r);
	r = (double)shortl / (double)lines;
	if (r > cfg->v[CP_F_MAX_SHORT_LINES])
		REJECT(CP_F_MAX_SHORT_LINES, r);
	size_t nonnl = ctx->nchars - newlines;
	r = nonnl ? (double)dup_chars / (double)nonnl : 0;
	if (r > cfg->v[CP_F_MAX_DUP_LINE_CHARS])
		REJECT(CP_F_MAX_DUP_LINE_CHARS, r);
	if (!ctx->nospace && ctx->nw) {
		r = (double)newlines / (double)ctx->nw;
		if (r > cfg->v[CP_F_MAX_NEWLINE_PER_WORD])
			REJECT(CP_F_MAX_NEWLINE_PER_WORD, r);
	}
	return 1;
}

/* ---- driver ----------------------------------------------------------------------------------- */

int clean_filter_run(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
		     const char **text, size_t *len, struct clean_verdict *v)
{
	v->rule = NULL;
	v->value = 0;
	v->nospace = 0;
	ctx->analyzed = 0;
	for (int k = 0; k < cfg->norder; k++) {
		int ok = 1;
		switch (cfg->order[k]) {
		case CLEAN_F_LENGTH:
			ok = filter_length(cfg, *text, *len, v);
			break;
		case CLEAN_F_GOPHER_REP:
			ok = filter_gopher_rep(cfg, ctx, *text, *len, v);
			break;
		case CLEAN_F_GOPHER_QUALITY:
			ok = filter_gopher_quality(cfg, ctx, *text, *len, v);
			break;
		case CLEAN_F_C4:
			ok = filter_c4(cfg, ctx, text, len, v);
			break;
		case CLEAN_F_FINEWEB:
			ok = filter_fineweb(cfg, ctx, *text, *len, v);
			break;
		}
		if (ctx->analyzed)
			v->nospace = ctx->nospace;
		if (!ok)
			return 0;
	}
	return 1;
}
