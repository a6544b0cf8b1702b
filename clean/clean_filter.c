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

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "clean/clean_unicode.h"
#include "lib/utf8.h"
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
	size_t latin1 = 0, letters = 0, i = 0;
#ifdef __SSE2__
	/* 16 bytes per step: matches subtract 1 from byte counters, summed every 255 steps */
	const __m128i zero = _mm_setzero_si128();
	while (i + 16 <= n) {
		__m128i al = zero, l1 = zero;
		for (int r = 0; r < 255 && i + 16 <= n; r++, i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			__m128i y = _mm_or_si128(x, _mm_set1_epi8(0x20));
			/* signed compares: bytes >= 0x80 are negative, so never ASCII letters */
			__m128i ascii = _mm_and_si128(_mm_cmpgt_epi8(y, _mm_set1_epi8(0x60)),
						      _mm_cmplt_epi8(y, _mm_set1_epi8(0x7B)));
			__m128i lead = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8((char)0xBF)),
						     _mm_cmplt_epi8(x, zero));
			al = _mm_sub_epi8(al, _mm_or_si128(ascii, lead));
			l1 = _mm_sub_epi8(l1, _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC3)));
		}
		__m128i sa = _mm_sad_epu8(al, zero), sl = _mm_sad_epu8(l1, zero);
		letters += (size_t)_mm_cvtsi128_si32(sa) + (size_t)_mm_extract_epi16(sa, 4);
		latin1 += (size_t)_mm_cvtsi128_si32(sl) + (size_t)_mm_extract_epi16(sl, 4);
	}
#endif
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80)
			letters += (unsigned)((c | 0x20) - 'a') < 26u;
		else if (c >= 0xC0)
			letters++, latin1 += c == 0xC3;
	}
	return letters >= 40 ? (double)latin1 / (double)letters : 0;
}

/*
 * Mis-decoded text whose characters stay in plausible ranges (Latin text in cp1252 read as
 * cp1251: "lкer", "Cantidб"; characters lost to '?' by an encoder: "Koli?ina"; Polish cp1250
 * read as cp1252: "za¿ó³æ"; UTF-8 read as cp1252 next to correct text, which repair leaves:
 * "manipulaciÃ³n", "donâ€™t") breaks words in ways real words never are. A word is broken when
 * it has a Latin letter next to a Cyrillic or Greek one (μ, the micro sign, excepted: "μs"), a
 * run of '?', U+FFFD or Latin-1 signs U+00A1..U+00BF between two letters (not ´ or ·, which Dutch,
 * Turkish and Catalan put there, nor in a word with '/' or '=', a URL's query), "Ã" or "Â"
 * followed by what cp1252 makes of a UTF-8 continuation byte, or "â€". The threshold and
 * what it was measured on: docs/clean.md (mojibake.max_broken_words).
 */
enum { BW_NONE, BW_LATIN, BW_GREEK, BW_CYRILLIC, BW_OTHER };

static int bw_class(int32_t c)
{
	if (c < 0x80)
		return ((unsigned)((c | 0x20) - 'a') < 26u) ? BW_LATIN : BW_NONE;
	if (c < 0xC0)
		return BW_NONE;
	if (c < 0x250)
		return c == 0xD7 || c == 0xF7 ? BW_NONE : BW_LATIN;
	if (c >= 0x370 && c < 0x400)
		return c == 0x3BC ? BW_OTHER : BW_GREEK;
	if (c >= 0x400 && c < 0x530)
		return BW_CYRILLIC;
	if (c >= 0x1E00 && c < 0x1F00)
		return BW_LATIN;
	if (c >= 0x1F00 && c < 0x2000)
		return BW_GREEK;
	return (c >= 0x2000 && c < 0x3040) || c == 0xFFFD ? BW_NONE : BW_OTHER;
}

static int bw_mixed(int a, int b)
{
	return (a == BW_LATIN && (b == BW_GREEK || b == BW_CYRILLIC)) ||
	       (b == BW_LATIN && (a == BW_GREEK || a == BW_CYRILLIC));
}

static int bw_sign(int32_t c)
{
	return c == '?' || c == 0xFFFD || (c >= 0xA1 && c < 0xC0 && c != 0xB4 && c != 0xB7);
}

/* What cp1252 makes of the bytes 0x80..0x9F (Œ œ Š š Ÿ Ž ž ƒ ˆ ˜, dashes, quotes, € ™). */
static int cp1252_high(int32_t c)
{
	return (c >= 0x80 && c < 0xC0) || c == 0x152 || c == 0x153 || c == 0x160 || c == 0x161 ||
	       c == 0x178 || c == 0x17D || c == 0x17E || c == 0x192 || c == 0x2C6 || c == 0x2DC ||
	       (c >= 0x2013 && c <= 0x203A) || c == 0x20AC || c == 0x2122;
}

/* Is the word w[0, n) broken? Decodes at most until it knows. */
static int broken_word(const unsigned char *w, size_t n, int *has_letter)
{
	int32_t prev = -1;
	int cls = BW_NONE, signs = 0; /* signs: a run of signs follows a letter */
	int query = memchr(w, '/', n) || memchr(w, '=', n);
	for (size_t i = 0; i < n;) {
		int32_t c;
		size_t l = w[i] < 0x80 ? (c = w[i], 1) : utf8_decode(w + i, n - i, &c);
		if (!l)
			l = 1, c = 0xFFFD;
		i += l;
		int k = bw_class(c);
		*has_letter |= k != BW_NONE;
		if (bw_mixed(cls, k) || (k != BW_NONE && signs) ||
		    ((prev == 0xC3 || prev == 0xC2) && cp1252_high(c)) || (prev == 0xE2 && c == 0x20AC))
			return 1;
		signs = k == BW_NONE && !query && bw_sign(c) && (signs || cls != BW_NONE);
		prev = c, cls = k;
	}
	return 0;
}

/* Can a word be broken at all? Byte classes that over-approximate what broken_word() looks
 * for: a sign or mis-decoded lead ('?', U+00A1..U+00FF, U+FFFD), or a Latin letter together
 * with a Greek or Cyrillic one. Words of one script (a Russian word, a Chinese one) are passed
 * without decoding. 0xE1 and 0xEF lead both what is looked for (U+1E00..U+1FFF, U+FFFD) and
 * whole scripts that are not (Georgian, Khmer, Myanmar; CJK's full-width punctuation): their
 * next bytes decide (BQ_LOOK), so that such words are not all decoded. */
enum { BQ_LATIN = 1, BQ_GRC = 2, BQ_SIGN = 4, BQ_SPACE = 8, BQ_LOOK = 16 };
static unsigned char bq_class[256];

static void bq_init(void)
{
	for (int c = 'a'; c <= 'z'; c++)
		bq_class[c] = bq_class[c - 32] = BQ_LATIN;
	bq_class['?'] = BQ_SIGN;
	bq_class[0xC2] = bq_class[0xC3] = BQ_SIGN | BQ_LATIN; /* U+0080..U+00FF */
	for (int c = 0xC4; c <= 0xC9; c++)                   /* U+0100..U+027F */
		bq_class[c] = BQ_LATIN;
	for (int c = 0xCD; c <= 0xD4; c++) /* U+0340..U+053F: Greek, Cyrillic */
		bq_class[c] = BQ_GRC;
	bq_class[0xE1] = bq_class[0xEF] = BQ_LOOK;
	bq_class[' '] = bq_class['\n'] = bq_class['\t'] = bq_class['\r'] = bq_class['\f'] = BQ_SPACE;
}

/* The class of the character led by 0xE1 or 0xEF at u[i]: U+1E00..U+1EFF is Latin,
 * U+1F00..U+1FFF Greek, U+FFFD a sign; an invalid sequence is a sign too (broken_word()
 * reads it as U+FFFD). */
static unsigned bq_look(const unsigned char *u, size_t i, size_t n)
{
	if (i + 2 >= n || (u[i + 1] & 0xC0) != 0x80 || (u[i + 2] & 0xC0) != 0x80)
		return BQ_SIGN;
	if (u[i] == 0xEF)
		return u[i + 1] == 0xBF && u[i + 2] == 0xBD ? BQ_SIGN : 0;
	return u[i + 1] < 0xB8 ? 0 : u[i + 1] < 0xBC ? BQ_LATIN : BQ_GRC;
}

/* The end of the word starting at a (at white space or n); *maybe says whether it can be
 * broken. One pass: the classes of its bytes are collected while its end is looked for. */
static size_t bq_word(const unsigned char *u, size_t a, size_t n, int *maybe)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, bq_init);
	unsigned k = 0;
	size_t e = a;
	for (; e < n; e++) {
		unsigned c = bq_class[u[e]];
		if (c & (BQ_SPACE | BQ_LOOK)) {
			if (c & BQ_SPACE)
				break;
			c = bq_look(u, e, n);
		}
		k |= c;
	}
	*maybe = (k & BQ_SIGN) || (k & (BQ_LATIN | BQ_GRC)) == (BQ_LATIN | BQ_GRC);
	return e;
}

static int bw_space(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}

int clean_broken_simd = 1;

#ifdef __SSE2__
/* Where in u[i, i + 16) a byte could make its word broken (u[i + 17] must exist): a word can
 * only be broken with a sign or a Greek/Cyrillic letter in it (bq_word()'s maybe), so the
 * bytes looked for are '?', 0xC2/0xC3 (U+0080..U+00FF), 0xCD..0xD4 (Greek, Cyrillic), 0xE1
 * unless a valid U+1000..U+1EFF follows (Georgian, Khmer, Myanmar, Latin Extended Additional)
 * and 0xEF unless a valid U+F000..U+FFBF follows (CJK full-width punctuation). A superset of
 * what bq_word() reports, so Chinese, Arabic or Hindi words without such a byte are passed
 * 16 bytes a step instead of a byte at a time. */
static unsigned bw_candidates(const unsigned char *p)
{
	const __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m = _mm_cmpeq_epi8(x0, _mm_set1_epi8('?'));
	unsigned high = (unsigned)_mm_movemask_epi8(x0);
	if (!high) /* ASCII (English text): only '?' */
		return (unsigned)_mm_movemask_epi8(m);
	const __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
	const __m128i x2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 2));
	const __m128i zero = _mm_setzero_si128();
	m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_and_si128(x0, _mm_set1_epi8((char)0xFE)),
					   _mm_set1_epi8((char)0xC2)));
	__m128i grc = _mm_sub_epi8(x0, _mm_set1_epi8((char)0xCD));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_subs_epu8(grc, _mm_set1_epi8(7)), zero));
	__m128i t1 = _mm_sub_epi8(x1, _mm_set1_epi8((char)0x80));
	__m128i cont2 = _mm_cmpeq_epi8(_mm_and_si128(x2, _mm_set1_epi8((char)0xC0)),
				       _mm_set1_epi8((char)0x80));
	__m128i e1_ok = _mm_and_si128(_mm_cmpeq_epi8(_mm_subs_epu8(t1, _mm_set1_epi8(0x3B)), zero), cont2);
	__m128i ef_ok = _mm_and_si128(_mm_cmpeq_epi8(_mm_subs_epu8(t1, _mm_set1_epi8(0x3E)), zero), cont2);
	m = _mm_or_si128(m, _mm_andnot_si128(e1_ok, _mm_cmpeq_epi8(x0, _mm_set1_epi8((char)0xE1))));
	m = _mm_or_si128(m, _mm_andnot_si128(ef_ok, _mm_cmpeq_epi8(x0, _mm_set1_epi8((char)0xEF))));
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* Only a word with a non-ASCII byte or a '?' can be broken: those are checked where they are
 * found, and the words are counted only in a document with two broken ones. */
double clean_broken_word_fraction(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t broken = 0;
	for (size_t i = 0; i < n;) {
#ifdef __SSE2__
		/* 16 bytes at a time while none can make its word broken */
		while (clean_broken_simd && i + 18 <= n) {
			unsigned m = bw_candidates(u + i);
			if (m) {
				i += (unsigned)__builtin_ctz(m);
				break;
			}
			i += 16;
		}
#endif
		/* 8 bytes at a time while none is non-ASCII or '?' */
		for (uint64_t w, q = 0x3F3F3F3F3F3F3F3Full; i + 8 <= n; i += 8) {
			memcpy(&w, u + i, 8);
			uint64_t x = w ^ q;
			if ((w | ((x - 0x0101010101010101ull) & ~x)) & 0x8080808080808080ull)
				break;
		}
		while (i < n && u[i] < 0x80 && u[i] != '?')
			i++;
		if (i == n)
			break;
		size_t a = i;
		while (a > 0 && !bw_space(u[a - 1]))
			a--;
		int maybe, letter = 0;
		size_t e = bq_word(u, a, n, &maybe);
		broken += maybe && broken_word(u + a, e - a, &letter);
		i = e;
	}
	/* one broken word is a slip (a homoglyph typed by hand), not a mis-decoded text */
	if (broken < 2)
		return 0;
	size_t words = 0;
	for (size_t i = 0; i < n;) {
		while (i < n && bw_space(u[i]))
			i++;
		size_t e = i;
		while (e < n && !bw_space(u[e]))
			e++;
		int letter = 0; /* a broken word has shown a letter before it stops */
		if (e > i)
			broken_word(u + i, e - i, &letter);
		words += (size_t)letter;
		i = e;
	}
	return words >= 20 ? (double)broken / (double)words : 0;
}

static int filter_length(const struct clean_filter_config *cfg, const char *s, size_t n,
			 struct clean_verdict *v)
{
	if (!cfg->off[CP_MOJIBAKE_LATIN1]) {
		double r = latin1_fraction(s, n);
		if (r > cfg->v[CP_MOJIBAKE_LATIN1])
			REJECT(CP_MOJIBAKE_LATIN1, r);
	}
	if (!cfg->off[CP_MOJIBAKE_BROKEN_WORDS]) {
		double r = clean_broken_word_fraction(s, n);
		if (r > cfg->v[CP_MOJIBAKE_BROKEN_WORDS])
			REJECT(CP_MOJIBAKE_BROKEN_WORDS, r);
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

/*
 * Text of a language with letters beyond Latin-1 (Czech, Polish, Hungarian, Croatian, Turkish...)
 * written in its legacy code page (cp1250, cp1254) and read as cp1252 keeps every character a
 * plausible Latin-1 letter: "svìtla v barvì" for "světla v barvě", "baðlanmak" for "bağlanmak".
 * Neither check above sees it, but the language is still recognisable (CLD2 names it), and the
 * letters are not that language's: the share of accented Latin letters (U+00C0..U+024F; not
 * x or / signs) outside the language's alphabet. Real text has few (foreign names); measured in
 * docs/clean.md. Only documents with at least 20 such letters are measured.
 */
static double foreign_letter_fraction(const struct clean_filter_config *lc, const char *s,
				      size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t accented = 0, foreign = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char b = u[i];
		if (b < 0xC3 || b > 0xC9 || (u[i + 1] & 0xC0) != 0x80)
			continue;
		uint32_t cp = ((uint32_t)(b & 0x1F) << 6) | (u[i + 1] & 0x3F);
		i++;
		if (cp < 0xC0 || cp >= 0x250 || cp == 0xD7 || cp == 0xF7)
			continue;
		accented++;
		foreign += !(lc->letters[(cp - 0xC0) >> 6] >> ((cp - 0xC0) & 63) & 1);
	}
	return accented >= 20 ? (double)foreign / (double)accented : 0;
}

/* The last check, on a document every other rule kept (its language is known by then). */
static int filter_foreign_letters(const struct clean_filter_config *cfg,
				  struct clean_filter_ctx *ctx, const char *s, size_t n,
				  struct clean_verdict *v)
{
	if (cfg->off[CP_MOJIBAKE_FOREIGN_LETTERS] || !memchr(s, 0xC3, n))
		return 1; /* cp1252's reading of a legacy code page always has Latin-1 letters */
	const struct clean_filter_config *lc = clean_filter_lang(ctx);
	clean_lang_letters(lc);
	if (!lc->latin_ext)
		return 1;
	double r = foreign_letter_fraction(lc, s, n);
	if (r > cfg->v[CP_MOJIBAKE_FOREIGN_LETTERS])
		REJECT(CP_MOJIBAKE_FOREIGN_LETTERS, r);
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
	ctx->nsegw = 0;
	ctx->base = cfg;
	ctx->lcfg = NULL;
	ctx->lr = lr;
	int ok = 1;
	for (int k = 0; ok && k < cfg->norder; k++) {
		ctx->next_filter = k + 1 < cfg->norder ? cfg->order[k + 1] : -1;
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
	for (int k = 0; ok && k < cfg->norder; k++)
		if (cfg->order[k] == CLEAN_F_LENGTH) /* the mis-decoding checks belong to length */
			ok = filter_foreign_letters(cfg, ctx, *text, *len, v);
	v->lang = ctx->lcfg;
	return ok;
}

int clean_filter_run(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
		     const char **text, size_t *len, struct clean_verdict *v)
{
	return clean_filter_run_lang(cfg, ctx, text, len, v, NULL);
}
