/*
 * The quality filters (rules and defaults in clean_filter.h and DESIGN.md section 8).
 *
 * Definitions follow the published pipelines as FineWeb ran them (datatrove's Gopher, C4 and
 * FineWeb filters), with these stated choices:
 *   - words are runs of non-whitespace (Unicode White_Space); a word's length for the mean
 *     excludes leading and trailing punctuation; stop words match case-insensitively after
 *     stripping punctuation; a "symbol" word has only punctuation and symbol characters (P*, S*);
 *   - lengths and fractions of text are in code points, like Python's len();
 *   - n-grams are words joined by one space, compared by a 64-bit XXH3 of their word hashes;
 *   - sentences (C4) end at a run of . ! ? followed by white space or the end of the line, and
 *     text after the last terminator counts as one more sentence.
 * One pass collects the words of the current text; filters reuse it until C4 rewrites the text.
 */
#include "clean/clean_filter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "clean/clean_unicode.h"
#include "lib/xalloc.h"

struct word {
	uint32_t off, len;  /* bytes in the text */
	uint32_t nchars;    /* code points */
	uint32_t core;      /* code points without leading/trailing punctuation */
	uint64_t hash;
	unsigned char alpha, symbol, stop;
};

struct slot {
	uint64_t key; /* 0: empty */
	uint32_t count, first;
};

struct clean_filter_ctx {
	struct word *w;
	size_t nw, aw;
	uint64_t *pre; /* rolling prefix hashes of the word hashes, nw + 1 */
	size_t apre;
	struct slot *tab;
	size_t tabcap;
	struct buf c4out[2];
	int c4cur;
	/* analysis of (atext, alen) */
	const char *atext;
	size_t alen, nchars;
	int analyzed, nospace;
};

enum { C_SPACE = 1, C_ALPHA = 2, C_PUNCT = 4 };
static unsigned char ascii_class[128];

static void init_ascii_class(void)
{
	for (int c = 0; c < 128; c++) {
		unsigned char k = 0;
		if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F))
			k = C_SPACE;
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			k = C_ALPHA;
		else if (c > ' ' && c < 0x7F && !(c >= '0' && c <= '9'))
			k = C_PUNCT;
		ascii_class[c] = k;
	}
}

struct clean_filter_ctx *clean_filter_ctx_new(void)
{
	if (!ascii_class[' '])
		init_ascii_class(); /* idempotent: every thread writes the same bytes */
	struct clean_filter_ctx *ctx = xcalloc(1, sizeof(*ctx));
	buf_init(&ctx->c4out[0], 0);
	buf_init(&ctx->c4out[1], 0);
	return ctx;
}

void clean_filter_ctx_free(struct clean_filter_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->w);
	free(ctx->pre);
	free(ctx->tab);
	buf_release(&ctx->c4out[0]);
	buf_release(&ctx->c4out[1]);
	free(ctx);
}

/* ---- character classes ---------------------------------------------------------------- */

static int is_space_cp(int32_t cp)
{
	if (cp < 128)
		return ascii_class[cp] & C_SPACE;
	if (cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000)
		return 1;
	return 0;
}

static int nospace_script(int32_t cp)
{
	return (cp >= 0x0E00 && cp <= 0x0EFF) ||   /* Thai, Lao */
	       (cp >= 0x1000 && cp <= 0x109F) ||   /* Myanmar */
	       (cp >= 0x1780 && cp <= 0x17FF) ||   /* Khmer */
	       (cp >= 0x19E0 && cp <= 0x19FF) ||   /* Khmer symbols */
	       (cp >= 0x3040 && cp <= 0x30FF) ||   /* Hiragana, Katakana */
	       (cp >= 0x31F0 && cp <= 0x31FF) ||   /* Katakana phonetic extensions */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||   /* CJK extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK unified ideographs */
	       (cp >= 0xA9E0 && cp <= 0xA9FF) ||   /* Myanmar extended-B */
	       (cp >= 0xAA60 && cp <= 0xAA7F) ||   /* Myanmar extended-A */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* CJK compatibility ideographs */
	       (cp >= 0xFF66 && cp <= 0xFF9F) ||   /* half-width Katakana */
	       (cp >= 0x1B000 && cp <= 0x1B16F) || /* Kana supplement/extended */
	       (cp >= 0x20000 && cp <= 0x3FFFF);   /* CJK extensions B.. */
}

static int is_ws_byte(unsigned char c)
{
	return c < 0x80 && (ascii_class[c] & C_SPACE);
}

static size_t count_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static const char *const stop_words[] = { "the", "be", "to", "of", "and", "that", "have", "with" };

static int is_stop_word(const char *s, size_t n)
{
	if (n < 2 || n > 4)
		return 0;
	char low[4];
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	for (size_t k = 0; k < sizeof(stop_words) / sizeof(*stop_words); k++)
		if (strlen(stop_words[k]) == n && !memcmp(low, stop_words[k], n))
			return 1;
	return 0;
}

int clean_is_nospace_script(const char *s, size_t n, double min_fraction)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t letters = 0, nospace = 0;
	for (size_t i = 0; i < n;) {
		if (u[i] < 0x80) {
			letters += (unsigned)((u[i] | 0x20) - 'a') < 26u;
			i++;
			continue;
		}
		int32_t cp;
		size_t l = clean_utf8_decode(u + i, n - i, &cp);
		if (!l) {
			i++;
			continue;
		}
		i += l;
		utf8proc_category_t cat = utf8proc_category(cp);
		if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
			letters++;
			nospace += nospace_script(cp);
		}
	}
	return letters && (double)nospace / (double)letters > min_fraction;
}

/* ---- analysis: the words of the current text ------------------------------------------- */

static void analyze(struct clean_filter_ctx *ctx, const struct clean_filter_config *cfg,
		    const char *s, size_t n)
{
	if (ctx->analyzed && ctx->atext == s && ctx->alen == n)
		return;
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, nchars = 0, letters = 0, nsletters = 0;
	ctx->nw = 0;
	while (i < n) {
		/* skip white space */
		while (i < n) {
			if (u[i] < 0x80) {
				if (!(ascii_class[u[i]] & C_SPACE))
					break;
				i++;
				nchars++;
				continue;
			}
			int32_t cp;
			size_t l = clean_utf8_decode(u + i, n - i, &cp);
			if (l && is_space_cp(cp)) {
				i += l;
				nchars++;
				continue;
			}
			break;
		}
		if (i >= n)
			break;
		struct word w = { .off = (uint32_t)i, .symbol = 1 };
		uint32_t lead_punct = 0, trail_punct = 0;
		int seen_core = 0;
		while (i < n) {
			unsigned char b = u[i];
			int punct;
			if (b < 0x80) {
				unsigned char k = ascii_class[b];
				if (k & C_SPACE)
					break;
				if (k & C_ALPHA) {
					w.alpha = 1;
					letters++;
				}
				punct = (k & C_PUNCT) != 0;
				i++;
			} else {
				int32_t cp;
				size_t l = clean_utf8_decode(u + i, n - i, &cp);
				if (!l) {
					i++;
					punct = 0;
				} else {
					if (is_space_cp(cp))
						break;
					i += l;
					utf8proc_category_t cat = utf8proc_category(cp);
					if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) {
						w.alpha = 1;
						letters++;
						nsletters += nospace_script(cp);
					}
					punct = cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_SO;
				}
			}
			w.nchars++;
			if (!punct) {
				w.symbol = 0;
				seen_core = 1;
				trail_punct = 0;
			} else if (!seen_core) {
				lead_punct++;
			} else {
				trail_punct++;
			}
		}
		w.len = (uint32_t)(i - w.off);
		nchars += w.nchars;
		w.core = w.symbol ? 0 : w.nchars - lead_punct - trail_punct;
		if (!w.symbol && w.core >= 2 && w.core <= 4) {
			/* strip punctuation for the stop-word test (ASCII only: stop words are ASCII) */
			size_t a = w.off, e = w.off + w.len;
			while (a < e && u[a] < 0x80 && (ascii_class[u[a]] & C_PUNCT))
				a++;
			while (e > a && u[e - 1] < 0x80 && (ascii_class[u[e - 1]] & C_PUNCT))
				e--;
			w.stop = (unsigned char)is_stop_word(s + a, e - a);
		}
		w.hash = XXH3_64bits(s + w.off, w.len);
		ALLOC_GROW(ctx->w, ctx->nw + 1, ctx->aw);
		ctx->w[ctx->nw++] = w;
	}
	ctx->nchars = nchars;
	ctx->nospace = letters && (double)nsletters / (double)letters > cfg->v[CP_NOSPACE_MIN_LETTERS];
	ctx->atext = s;
	ctx->alen = n;
	ctx->analyzed = 1;
}

/* ---- a small hash table of 64-bit keys ------------------------------------------------- */

static void tab_reset(struct clean_filter_ctx *ctx, size_t n)
{
	size_t cap = 64;
	while (cap < n * 2)
		cap <<= 1;
	if (cap > ctx->tabcap) {
		free(ctx->tab);
		ctx->tab = xmalloc(cap * sizeof(*ctx->tab));
		ctx->tabcap = cap;
	}
	memset(ctx->tab, 0, ctx->tabcap * sizeof(*ctx->tab));
}

/* Finds or inserts key; *fresh tells which. The table never fills: callers size it for all. */
static struct slot *tab_get(struct clean_filter_ctx *ctx, uint64_t key, uint32_t idx, int *fresh)
{
	if (!key)
		key = 1;
	size_t mask = ctx->tabcap - 1, h = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & mask;
	for (;; h = (h + 1) & mask) {
		struct slot *sl = &ctx->tab[h];
		if (sl->key == key) {
			*fresh = 0;
			return sl;
		}
		if (!sl->key) {
			sl->key = key;
			sl->first = idx;
			sl->count = 0;
			*fresh = 1;
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
		while (a < e && is_ws_byte((unsigned char)s[a]))
			a++;
		while (e > a && is_ws_byte((unsigned char)s[e - 1]))
			e--;
	}
	size_t pieces = 1;
	for (size_t i = a; i < e; i++)
		pieces += s[i] == '\n';
	tab_reset(ctx, pieces);
	size_t start = a, i = a;
	for (;;) {
		/* find the next separator run of length >= minrun */
		size_t run_start = e, run_end = e;
		for (i = start; i < e; i++) {
			if (s[i] != '\n')
				continue;
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
			d.dup_chars += count_chars(s + start, run_start - start);
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
	size_t c = count_chars(s, n);
	if ((double)c < cfg->v[CP_MIN_CHARS])
		REJECT(CP_MIN_CHARS, (double)c);
	if ((double)c > cfg->v[CP_MAX_CHARS])
		REJECT(CP_MAX_CHARS, (double)c);
	return 1;
}

/* ---- Gopher repetition ------------------------------------------------------------------ */

static const uint64_t NG_MUL = 0x100000001B3ull * 0x9E3779B97F4A7C15ull | 1;

/* pre[i] = hash of words [0, i); an n-gram's key is pre[i+n] - pre[i] * mul^n (mod 2^64). */
static void prefix_hashes(struct clean_filter_ctx *ctx)
{
	ALLOC_GROW(ctx->pre, ctx->nw + 1, ctx->apre);
	ctx->pre[0] = 0;
	for (size_t i = 0; i < ctx->nw; i++)
		ctx->pre[i + 1] = ctx->pre[i] * NG_MUL + ctx->w[i].hash;
}

static uint64_t mul_pow(size_t n)
{
	uint64_t r = 1;
	while (n--)
		r *= NG_MUL;
	return r;
}

static inline uint64_t ngram_key(const struct clean_filter_ctx *ctx, size_t i, size_t n,
				 uint64_t pw)
{
	uint64_t k = ctx->pre[i + n] - ctx->pre[i] * pw;
	return k ^ (k >> 29) ^ n;
}

static size_t ngram_chars(const struct clean_filter_ctx *ctx, size_t i, size_t n)
{
	size_t c = n - 1;
	for (size_t k = 0; k < n; k++)
		c += ctx->w[i + k].nchars;
	return c;
}

static int filter_gopher_rep(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			     const char *s, size_t n, struct clean_verdict *v)
{
	analyze(ctx, cfg, s, n);
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
	prefix_hashes(ctx);
	for (size_t g = 2; g <= 4; g++) {
		int p = CP_R_TOP_2GRAM + (int)(g - 2);
		if (cfg->off[p] || nw < g)
			continue;
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
		double frac = (double)(ngram_chars(ctx, best->first, g) * best->count) / total;
		if (frac > cfg->v[p])
			REJECT(p, frac);
	}
	for (size_t g = 5; g <= 10; g++) {
		int p = CP_R_DUP_5GRAM + (int)(g - 5);
		if (cfg->off[p] || nw < g)
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

static size_t count_substr(const char *s, size_t n, const char *pat, size_t pl)
{
	size_t c = 0;
	const char *p = s, *e = s + n;
	while ((p = memmem(p, (size_t)(e - p), pat, pl))) {
		c++;
		p += pl;
	}
	return c;
}

static int is_line_break(char c)
{
	return c == '\n' || c == '\r' || c == '\f';
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
	analyze(ctx, cfg, s, n);
	size_t nw = ctx->nw, nonsym = 0, core = 0, alpha = 0, stop = 0;
	for (size_t i = 0; i < nw; i++) {
		const struct word *w = &ctx->w[i];
		if (!w->symbol) {
			nonsym++;
			core += w->core;
		}
		alpha += w->alpha;
		stop += w->stop;
	}
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
			double r = (double)count_substr(s, n, "#", 1) / (double)nw;
			if (r > cfg->v[CP_G_MAX_HASH_RATIO])
				REJECT(CP_G_MAX_HASH_RATIO, r);
			r = (double)(count_substr(s, n, "...", 3) + count_substr(s, n, "\xE2\x80\xA6", 3)) /
			    (double)nw;
			if (r > cfg->v[CP_G_MAX_ELLIPSIS_RATIO])
				REJECT(CP_G_MAX_ELLIPSIS_RATIO, r);
		}
	}
	/* lines as str.splitlines(): no trailing empty line */
	size_t lines = 0, bullets = 0, ellipsis = 0;
	for (size_t i = 0; i < n;) {
		size_t e = i;
		while (e < n && !is_line_break(s[e]))
			e++;
		size_t a = i, z = e;
		while (a < z && is_ws_byte((unsigned char)s[a]))
			a++;
		while (z > a && is_ws_byte((unsigned char)s[z - 1]))
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

static const char *const policy_phrases[] = {
	"terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies",
	"use cookies",
};

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

static size_t count_sentences(const char *s, size_t n)
{
	size_t c = 0;
	int content = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '.' || ch == '!' || ch == '?') {
			size_t j = i;
			while (j + 1 < n && (s[j + 1] == '.' || s[j + 1] == '!' || s[j + 1] == '?'))
				j++;
			if (content && (j + 1 >= n || is_ws_byte((unsigned char)s[j + 1]))) {
				c++;
				content = 0;
			}
			i = j;
		} else if (!is_ws_byte((unsigned char)ch)) {
			content = 1;
		}
	}
	return c + (size_t)content;
}

static int filter_c4(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
		     const char **text, size_t *len, struct clean_verdict *v)
{
	const char *s = *text;
	size_t n = *len;
	analyze(ctx, cfg, s, n); /* for the script exemption */
	int nospace = ctx->nospace;
	struct buf *out = &ctx->c4out[ctx->c4cur ^= 1];
	struct buf line = BUF_INIT;
	size_t sentences = 0;
	int wrote_any = 0;
	buf_reset(out);
	for (size_t i = 0; i <= n;) {
		size_t e = i;
		while (e < n && !is_line_break(s[e]))
			e++;
		size_t a = i, z = e;
		i = e + (e < n && s[e] == '\r' && e + 1 < n && s[e + 1] == '\n' ? 2 : 1);
		while (a < z && is_ws_byte((unsigned char)s[a]))
			a++;
		while (z > a && is_ws_byte((unsigned char)s[z - 1]))
			z--;
		/* words of the stripped line, and its longest word */
		size_t words = 0, longest = 0;
		for (size_t k = a; k < z;) {
			while (k < z && is_ws_byte((unsigned char)s[k]))
				k++;
			if (k >= z)
				break;
			size_t ws = k;
			while (k < z && !is_ws_byte((unsigned char)s[k]))
				k++;
			words++;
			size_t wc = count_chars(s + ws, k - ws);
			if (wc > longest)
				longest = wc;
		}
		if (!nospace && !cfg->off[CP_C4_MAX_WORD_LEN] &&
		    (double)longest > cfg->v[CP_C4_MAX_WORD_LEN])
			continue;
		buf_reset(&line);
		if (cfg->v[CP_C4_CITATIONS] && !cfg->off[CP_C4_CITATIONS])
			remove_citations(s + a, z - a, &line);
		else
			buf_add(&line, s + a, z - a);
		const char *l = line.data;
		size_t ll = line.len;
		if (!nospace && cfg->v[CP_C4_TERMINAL_PUNCT] && !cfg->off[CP_C4_TERMINAL_PUNCT]) {
			char last = ll ? l[ll - 1] : 0;
			int term = last == '.' || last == '?' || last == '!' || last == '"' || last == '\'';
			if (!term || ends_with(l, ll, "...") || ends_with(l, ll, "\xE2\x80\xA6"))
				continue;
		}
		if (!nospace && !cfg->off[CP_C4_MIN_WORDS_PER_LINE] &&
		    (double)words < cfg->v[CP_C4_MIN_WORDS_PER_LINE])
			continue;
		if (!ll)
			continue; /* with every line rule off, still no empty lines (as .strip() would) */
		if (cfg->v[CP_C4_LOREM_IPSUM] && !cfg->off[CP_C4_LOREM_IPSUM] &&
		    contains_ci(l, ll, "lorem ipsum")) {
			buf_release(&line);
			REJECT(CP_C4_LOREM_IPSUM, 1);
		}
		if (cfg->v[CP_C4_JAVASCRIPT] && !cfg->off[CP_C4_JAVASCRIPT] &&
		    contains_ci(l, ll, "javascript"))
			continue;
		if (cfg->v[CP_C4_CURLY_BRACKET] && !cfg->off[CP_C4_CURLY_BRACKET] &&
		    memchr(l, '{', ll)) {
			buf_release(&line);
			REJECT(CP_C4_CURLY_BRACKET, 1);
		}
		if (cfg->v[CP_C4_POLICY] && !cfg->off[CP_C4_POLICY]) {
			int hit = 0;
			for (size_t k = 0; k < sizeof(policy_phrases) / sizeof(*policy_phrases); k++)
				hit |= contains_ci(l, ll, policy_phrases[k]);
			if (hit)
				continue;
		}
		sentences += count_sentences(l, ll);
		if (wrote_any)
			buf_addch(out, '\n');
		buf_add(out, l, ll);
		wrote_any = 1;
	}
	buf_release(&line);
	if (!nospace && (double)sentences < cfg->v[CP_C4_MIN_SENTENCES])
		REJECT(CP_C4_MIN_SENTENCES, (double)sentences);
	if (!out->len) {
		v->rule = "c4.empty";
		v->value = 0;
		return 0;
	}
	if (out->len != n || memcmp(out->data, s, n)) {
		*text = out->data;
		*len = out->len;
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
	analyze(ctx, cfg, s, n);
	/* lines: split("\n") minus those that are blank after strip() */
	size_t lines = 0, punct = 0, shortl = 0, newlines = 0, pieces = 1;
	for (size_t i = 0; i < n; i++)
		pieces += s[i] == '\n';
	tab_reset(ctx, pieces);
	size_t dup_chars = 0;
	for (size_t i = 0; i <= n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		size_t a = i;
		while (a < e && is_ws_byte((unsigned char)s[a]))
			a++;
		if (a < e) {
			lines++;
			punct += ends_terminal(s + i, e - i);
			size_t c = count_chars(s + i, e - i);
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
