/*
 * Text analysis for the quality filters (see clean_textstats.h): character classes, counting
 * helpers, the script test, and the one pass over a document's words.
 *
 * Words are runs of non-white-space (Unicode White_Space); a word's length for the mean
 * excludes leading and trailing punctuation; a "symbol" word has only punctuation and symbol
 * characters (P*, S*); lengths are in code points, like Python's len(). ASCII words take a
 * fast path (one table lookup per byte); others are decoded.
 */
#include "clean/clean_textstats.h"

#include <pthread.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "clean/clean_filter.h"
#include "clean/clean_lang.h"
#include "clean/clean_segment.h"
#include "clean/clean_unicode.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

unsigned char clean_ascii_class[128];
unsigned char clean_byte_class[256];

static int is_space_cp(int32_t cp);

/* What a word scan needs of a character beyond ASCII, looked up once per code point of the
 * Basic Multilingual Plane at start-up instead of asking utf8proc per character. */
enum { K_SPACE = 1, K_LETTER = 2, K_PUNCT = 4, K_NOSPACE = 8 };
static unsigned char bmp_class[0x10000];

static unsigned cp_class_slow(int32_t cp)
{
	if (is_space_cp(cp))
		return K_SPACE;
	utf8proc_category_t cat = utf8proc_category(cp);
	if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO)
		return K_LETTER | (clean_is_nospace_cp(cp) ? K_NOSPACE : 0);
	return cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_SO ? K_PUNCT : 0;
}

static inline unsigned cp_class(int32_t cp)
{
	return cp < 0x10000 ? bmp_class[cp] : cp_class_slow(cp);
}

static void init_ascii_class(void)
{
	for (int32_t cp = 0x80; cp < 0x10000; cp++)
		bmp_class[cp] = (unsigned char)cp_class_slow(cp);
	for (int c = 0; c < 128; c++) {
		unsigned char k = 0;
		if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F))
			k = C_SPACE;
		else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			k = C_ALPHA;
		else if (c > ' ' && c < 0x7F && !(c >= '0' && c <= '9'))
			k = C_PUNCT;
		clean_ascii_class[c] = k;
		clean_byte_class[c] = k;
	}
	for (int c = 128; c < 256; c++)
		clean_byte_class[c] = C_HIGH;
}

struct clean_filter_ctx *clean_filter_ctx_new(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, init_ascii_class);
	struct clean_filter_ctx *ctx = xcalloc(1, sizeof(*ctx));
	buf_init(&ctx->c4out[0], 0);
	buf_init(&ctx->c4out[1], 0);
	return ctx;
}

void clean_filter_ctx_free(struct clean_filter_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->pre);
	free(ctx->tab);
	free(ctx->cpre);
	free(ctx->wc);
	free(ctx->segw);
	clean_segmenter_free(ctx->seg);
	buf_release(&ctx->c4out[0]);
	buf_release(&ctx->c4out[1]);
	free(ctx);
}

/* ---- character classes ---------------------------------------------------------------- */

static int is_space_cp(int32_t cp)
{
	if (cp < 128)
		return clean_ascii_class[cp] & C_SPACE;
	if (cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000)
		return 1;
	return 0;
}

/* Occurrences of byte c, 8 bytes at a time (exact per-byte zero test, summed by a multiply). */
size_t clean_count_byte(const char *s, size_t n, char c)
{
	const uint64_t ones = 0x0101010101010101ull, low7 = 0x7F7F7F7F7F7F7F7Full;
	size_t k = 0, i = 0;
#ifdef __SSE2__
	/* 16 bytes per step: matches subtract 1 from byte counters, summed every 255 steps */
	const __m128i cv = _mm_set1_epi8(c), zero = _mm_setzero_si128();
	while (i + 16 <= n) {
		__m128i acc = zero;
		for (int r = 0; r < 255 && i + 16 <= n; r++, i += 16)
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), cv));
		__m128i sums = _mm_sad_epu8(acc, zero);
		k += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_extract_epi16(sums, 4);
	}
#endif
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		w ^= (unsigned char)c * ones;
		uint64_t z = ~(((w & low7) + low7) | w | low7); /* 0x80 where the byte is zero */
		k += (size_t)(((z >> 7) * ones) >> 56);
	}
	for (; i < n; i++)
		k += s[i] == c;
	return k;
}

/* Code points in valid UTF-8 (lib/utf8.h's count, eight bytes at a time). */
size_t clean_count_chars(const char *s, size_t n)
{
	return utf8_count((const unsigned char *)s, n);
}

/* Gopher's stop words: the, be, to, of, and, that, have, with. A word of 2-4 ASCII letters is
 * packed into a 32-bit value (lowercased) and compared with the packed stop words. */
#define PACK(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
static inline int is_stop_word(const char *s, size_t n)
{
	if (n < 2 || n > 4)
		return 0;
	switch (s[0] | 0x20) { /* first letters of the stop words */
	case 't': case 'b': case 'o': case 'a': case 'h': case 'w':
		break;
	default:
		return 0;
	}
	uint32_t w = 0;
	for (size_t i = 0; i < n; i++)
		w |= (uint32_t)((unsigned char)s[i] | 0x20) << (8 * i);
	switch (n) {
	case 2:
		return w == PACK('b', 'e', 0, 0) || w == PACK('t', 'o', 0, 0) || w == PACK('o', 'f', 0, 0);
	case 3:
		return w == PACK('t', 'h', 'e', 0) || w == PACK('a', 'n', 'd', 0);
	default:
		return w == PACK('t', 'h', 'a', 't') || w == PACK('h', 'a', 'v', 'e') ||
		       w == PACK('w', 'i', 't', 'h');
	}
}
#undef PACK

/* ---- analysis: the words of the current text ------------------------------------------- */

/* A quick 64-bit hash for words (short strings): 8 bytes at a time, multiply and fold. Words are
 * only compared through their n-grams' hashes, so a collision merely merges two n-grams. */
static inline uint64_t word_hash(const char *p, size_t n, const char *end)
{
	if (n <= 7) {
		/* (bytes, length) fits in 64 bits: an odd multiply and a shift keep it collision-free */
		uint64_t w = 0;
		if (end - p >= 8) {
			memcpy(&w, p, 8);
			w &= ~0ull >> (64 - 8 * n);
		} else {
			for (size_t k = 0; k < n; k++)
				w |= (uint64_t)(unsigned char)p[k] << (8 * k);
		}
		w ^= (uint64_t)n << 56;
		w *= 0x9E3779B97F4A7C15ull;
		return w ^ (w >> 31);
	}
	uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xC2B2AE3D27D4EB4Full);
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDull;
		h ^= h >> 32;
		p += 8;
		n -= 8;
	}
	if (n) { /* the same value whether or not 8 bytes are readable here */
		uint64_t w = 0;
		if (end - p >= 8) {
			memcpy(&w, p, 8);
			w &= ~0ull >> (64 - 8 * n);
		} else {
			for (size_t k = 0; k < n; k++)
				w |= (uint64_t)(unsigned char)p[k] << (8 * k);
		}
		h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
	}
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 32);
}

/* The slow path for a word holding non-ASCII bytes: decode, stop at Unicode white space (or at
 * n). Sets the word's characters, flags and core (in characters and in bytes). */
static size_t scan_word_unicode(const unsigned char *u, size_t i, size_t n, struct word *w,
				size_t *letters, size_t *nsletters)
{
	uint32_t lead_punct = 0, trail_punct = 0;
	size_t core_b = i, core_e = i;
	int seen_core = 0;
	w->symbol = 1;
	while (i < n) {
		unsigned char b = u[i];
		size_t at = i;
		int punct;
		if (b < 0x80) {
			unsigned char k = clean_ascii_class[b];
			if (k & C_SPACE)
				break;
			if (k & C_ALPHA)
				w->alpha = 1; /* ASCII letters are counted separately, see analyze() */
			punct = (k & C_PUNCT) != 0;
			i++;
		} else {
			int32_t cp;
			size_t l = utf8_decode(u + i, n - i, &cp);
			if (!l) {
				i++;
				punct = 0;
			} else {
				unsigned k = cp_class(cp);
				if (k & K_SPACE)
					break;
				i += l;
				if (k & K_LETTER) {
					w->alpha = 1;
					(*letters)++;
					*nsletters += (k & K_NOSPACE) != 0;
				}
				punct = (k & K_PUNCT) != 0;
			}
		}
		w->nchars++;
		if (!punct) {
			if (!seen_core)
				core_b = at;
			w->symbol = 0;
			seen_core = 1;
			trail_punct = 0;
			core_e = i;
		} else if (!seen_core) {
			lead_punct++;
		} else {
			trail_punct++;
		}
	}
	w->core = w->symbol ? 0 : w->nchars - lead_punct - trail_punct;
	w->coff = (uint32_t)core_b;
	w->clen = w->symbol ? 0 : (uint32_t)(core_e - core_b);
	return i;
}

/*
 * Splits the text into words and records, per word, what the rules need; also the prefix sums
 * the n-gram rules use: pre[i] = rolling hash of the hashes of words [0, i), cpre[i] = their
 * characters. The loop keeps the arrays in locals: stores through them could otherwise alias
 * ctx and force reloads.
 */
/* Running totals of an analysis. */
struct acc {
	size_t nw, nonsym, core_sum, alpha_words, stop_words, max_word, cap;
	uint64_t h;
	uint32_t c;
	uint64_t *pre;
	uint32_t *cpre;
	struct clean_wcore *wc;
	struct clean_filter_ctx *ctx;
};

/* Room for more words: the arrays grow with the words found, not with the worst case of one
 * word per two bytes, so memory follows the text's real word count. */
static void __attribute__((noinline)) acc_grow(struct acc *a)
{
	struct clean_filter_ctx *ctx = a->ctx;
	size_t cap = ctx->aw * 2 + 1024;
	ctx->pre = xrealloc(ctx->pre, (cap + 1) * sizeof(*ctx->pre));
	ctx->cpre = xrealloc(ctx->cpre, (cap + 1) * sizeof(*ctx->cpre));
	ctx->wc = xrealloc(ctx->wc, cap * sizeof(*ctx->wc));
	ctx->aw = cap;
	a->pre = ctx->pre;
	a->cpre = ctx->cpre;
	a->wc = ctx->wc;
	a->cap = cap;
}

static inline __attribute__((always_inline)) void add_word(struct acc *a, const struct word *w,
							  const char *s, const char *end)
{
	uint64_t hash = word_hash(s + w->off, w->len, end);
	if (a->nw >= a->cap)
		acc_grow(a);
	if (w->nchars > a->max_word)
		a->max_word = w->nchars;
	a->wc[a->nw] = (struct clean_wcore){ w->coff, w->clen };
	a->nw++;
	a->nonsym += !w->symbol;
	a->core_sum += w->core;
	a->alpha_words += w->alpha;
	a->stop_words += w->stop;
	a->h = a->h * CLEAN_NG_MUL + hash;
	a->c += w->nchars;
	a->pre[a->nw] = a->h;
	a->cpre[a->nw] = a->c;
}

int clean_textstats_simd = 1;

#ifdef __SSE2__
/*
 * Bit masks over 64 bytes: white space, punctuation, letters and bytes >= 0x80, matching
 * clean_ascii_class (signed compares leave bytes >= 0x80 out of every class but `high`).
 */
static inline void block_masks(const unsigned char *p, uint64_t *ws, uint64_t *punct,
			       uint64_t *alpha, uint64_t *high)
{
	*ws = *punct = *alpha = *high = 0;
	for (int k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		__m128i sp = _mm_or_si128(
			_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
			_mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(8)),
						   _mm_cmplt_epi8(x, _mm_set1_epi8(14))),
				     _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x1B)),
						   _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)))));
		__m128i y = _mm_or_si128(x, _mm_set1_epi8(0x20));
		__m128i al = _mm_and_si128(_mm_cmpgt_epi8(y, _mm_set1_epi8(0x60)),
					   _mm_cmplt_epi8(y, _mm_set1_epi8(0x7B)));
		__m128i dg = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x2F)),
					   _mm_cmplt_epi8(x, _mm_set1_epi8(0x3A)));
		__m128i pr = _mm_andnot_si128(_mm_or_si128(al, dg),
					      _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x20)),
							    _mm_cmplt_epi8(x, _mm_set1_epi8(0x7F))));
		int sh = 16 * k;
		*ws |= (uint64_t)(unsigned)_mm_movemask_epi8(sp) << sh;
		*punct |= (uint64_t)(unsigned)_mm_movemask_epi8(pr) << sh;
		*alpha |= (uint64_t)(unsigned)_mm_movemask_epi8(al) << sh;
		*high |= (uint64_t)(unsigned)_mm_movemask_epi8(x) << sh;
	}
}

/*
 * The words lying wholly inside the ASCII block s[i, i + 64): returns the bytes consumed (up
 * to the start of a word that runs past the block, or 64).
 */
static size_t analyze_block(struct acc *a, const char *s, size_t i, const char *end,
			    uint64_t ws, uint64_t punct, uint64_t alpha)
{
	unsigned p = 0;
	while (p < 64) {
		uint64_t m = ~ws >> p;
		if (!m)
			return 64;
		p += (unsigned)__builtin_ctzll(m);
		uint64_t e = ws >> p;
		if (!e)
			return p; /* this word continues past the block */
		unsigned len = (unsigned)__builtin_ctzll(e);
		uint64_t wm = ((1ull << len) - 1) << p;
		uint64_t core_m = wm & ~punct;
		struct word w = { .off = (uint32_t)(i + p), .coff = (uint32_t)(i + p), .len = len,
				  .nchars = len };
		w.alpha = (alpha & wm) != 0;
		w.symbol = core_m == 0;
		if (!w.symbol) {
			unsigned lead = (unsigned)__builtin_ctzll(core_m);
			unsigned last = 63u - (unsigned)__builtin_clzll(core_m);
			w.core = last - lead + 1;
			w.coff = (uint32_t)(i + lead);
			w.clen = w.core;
			if (w.core >= 2 && w.core <= 4)
				w.stop = (unsigned char)is_stop_word(s + i + lead, w.core);
		}
		add_word(a, &w, s, end);
		p += len;
	}
	return 64;
}
#endif

/* English's stop words are ASCII: the word [b, e) without ASCII punctuation at its ends. */
static int ascii_stop(const unsigned char *u, size_t b, size_t e)
{
	while (b < e && u[b] < 0x80 && (clean_ascii_class[u[b]] & C_PUNCT))
		b++;
	while (e > b && u[e - 1] < 0x80 && (clean_ascii_class[u[e - 1]] & C_PUNCT))
		e--;
	return is_stop_word((const char *)u + b, e - b);
}

/* Adds the ICU pieces of the word s[b, e) (which holds letters of a script without spaces);
 * returns 0 (nothing added) when ICU is not available. */
static int add_segmented(struct clean_filter_ctx *ctx, struct acc *a, const char *s, size_t b,
			 size_t e, size_t n, size_t *nchars)
{
	if (!ctx->seg && !ctx->seg_failed) {
		ctx->seg = clean_segmenter_new();
		ctx->seg_failed = !ctx->seg;
	}
	if (!ctx->seg)
		return 0;
	const uint32_t *ends;
	size_t k = clean_segment(ctx->seg, s + b, e - b, &ends);
	const unsigned char *u = (const unsigned char *)s;
	size_t from = b, letters = 0, nsletters = 0;
	uint32_t longest = 0;
	for (size_t p = 0; p < k; p++) {
		size_t to = b + ends[p];
		struct word w = { .off = (uint32_t)from };
		scan_word_unicode(u, from, to, &w, &letters, &nsletters);
		w.len = (uint32_t)(to - from);
		if (!w.symbol && w.core >= 2 && w.core <= 4)
			w.stop = (unsigned char)ascii_stop(u, from, to);
		*nchars += w.nchars;
		longest = w.nchars > longest ? w.nchars : longest;
		add_word(a, &w, s, s + n);
		from = to;
	}
	ALLOC_GROW(ctx->segw, ctx->nsegw + 1, ctx->asegw);
	ctx->segw[ctx->nsegw++] = (struct clean_segword){ (uint32_t)b, (uint32_t)(e - b),
							  (uint32_t)k, longest };
	return 1;
}

/* Room for the per-word arrays: a typical word length's worth; add_word grows them. */
static void analysis_reserve(struct clean_filter_ctx *ctx, size_t n)
{
	size_t cap = n / 6 + 64;
	if (cap <= ctx->aw)
		return;
	free(ctx->pre);
	free(ctx->cpre);
	free(ctx->wc);
	ctx->aw = cap;
	ctx->pre = xmalloc((cap + 1) * sizeof(*ctx->pre));
	ctx->cpre = xmalloc((cap + 1) * sizeof(*ctx->cpre));
	ctx->wc = xmalloc(cap * sizeof(*ctx->wc));
}

/* Skips white space (ASCII and Unicode) from i, counting its characters. */
static inline size_t skip_space(const unsigned char *u, size_t i, size_t n, size_t *nchars,
				int *high)
{
	while (i < n) {
		if (u[i] < 0x80) {
			if (!(clean_ascii_class[u[i]] & C_SPACE))
				break;
			i++;
			(*nchars)++;
			continue;
		}
		*high = 1;
		int32_t cp;
		size_t l = utf8_decode(u + i, n - i, &cp);
		if (!l || !(cp_class(cp) & K_SPACE))
			break;
		i += l;
		(*nchars)++;
	}
	return i;
}

/* The word at i if it is all ASCII, classified with one table lookup per byte: fills w and
 * returns its end, or 0 when it holds a non-ASCII byte. */
static inline size_t ascii_word(const char *s, size_t i, size_t n, struct word *w)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned orf = 0;
	size_t j = i, core_end = i;
	while (j < n) {
		unsigned k = clean_byte_class[u[j]];
		if (k & C_SPACE)
			break;
		orf |= k;
		j++;
		core_end = (k & C_PUNCT) ? core_end : j;
	}
	if (orf & C_HIGH)
		return 0;
	w->nchars = (uint32_t)(j - i);
	w->coff = (uint32_t)i; /* a symbol word's "core" starts where it does */
	w->alpha = (orf & C_ALPHA) != 0;
	w->symbol = core_end == i; /* no byte that is not punctuation */
	if (!w->symbol) {
		size_t b = i, e = core_end;
		while (clean_ascii_class[u[b]] & C_PUNCT)
			b++;
		w->core = (uint32_t)(e - b);
		w->coff = (uint32_t)b;
		w->clen = w->core;
		if (w->core >= 2 && w->core <= 4)
			w->stop = (unsigned char)is_stop_word(s + b, e - b);
	}
	return j;
}

static void analysis_store(struct clean_filter_ctx *ctx, const struct acc *a, const char *s,
			   size_t n, size_t nchars, int high, int segmented)
{
	ctx->nw = a->nw;
	ctx->nonsym = a->nonsym;
	ctx->core_sum = a->core_sum;
	ctx->alpha_words = a->alpha_words;
	ctx->stop_words = a->stop_words;
	ctx->nchars = nchars;
	ctx->max_word = a->max_word;
	ctx->has_high = high;
	ctx->has_crff = memchr(s, '\r', n) || memchr(s, '\f', n);
	ctx->nospace = segmented;
	ctx->atext = s;
	ctx->alen = n;
	ctx->segtext = s;
	ctx->seglen = n;
	ctx->analyzed = 1;
}

void clean_text_analyze(struct clean_filter_ctx *ctx, const char *s, size_t n)
{
	if (ctx->analyzed == 1 && ctx->atext == s && ctx->alen == n)
		return;
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, nchars = 0, letters = 0, nsletters = 0;
	analysis_reserve(ctx, n);
	struct acc a = { .pre = ctx->pre, .cpre = ctx->cpre, .wc = ctx->wc, .cap = ctx->aw,
			 .ctx = ctx };
	int high = 0, segmented = 0;
	size_t scalar_until = 0; /* a block here held non-ASCII bytes: no block mode before this */
	a.pre[0] = 0;
	a.cpre[0] = 0;
	ctx->nsegw = 0;
	while (i < n) {
#ifdef __SSE2__
		/* ASCII blocks of 64 bytes: words found with bit masks */
		if (clean_textstats_simd && i >= scalar_until && n - i >= 64) {
			uint64_t ws, punct, alpha, hi;
			block_masks(u + i, &ws, &punct, &alpha, &hi);
			if (!hi) {
				size_t used = analyze_block(&a, s, i, s + n, ws, punct, alpha);
				if (used) {
					nchars += used; /* ASCII: one character per byte */
					i += used;
					continue;
				}
			} else {
				high = 1;
				scalar_until = i + 64;
			}
		}
#endif
		i = skip_space(u, i, n, &nchars, &high);
		if (i >= n)
			break;
		struct word w = { .off = (uint32_t)i };
		size_t j = ascii_word(s, i, n, &w);
		if (j) {
			i = j;
		} else {
			high = 1;
			size_t ns0 = nsletters, start = i;
			i = scan_word_unicode(u, i, n, &w, &letters, &nsletters);
			if (nsletters != ns0 && add_segmented(ctx, &a, s, start, i, n, &nchars)) {
				segmented = 1;
				continue;
			}
			if (!w.symbol && w.core >= 2 && w.core <= 4)
				w.stop = (unsigned char)ascii_stop(u, w.off, i);
		}
		w.len = (uint32_t)(i - w.off);
		nchars += w.nchars;
		add_word(&a, &w, s, s + n);
	}
	analysis_store(ctx, &a, s, n, nchars, high, segmented);
}

size_t clean_count_stop_words(const struct clean_filter_ctx *ctx, const void *set, size_t limit)
{
	char low[128];
	size_t k = 0;
	for (size_t i = 0; i < ctx->nw && k < limit; i++) {
		const struct clean_wcore *c = &ctx->wc[i];
		if (!c->len || c->len > 64)
			continue;
		size_t l = clean_lang_lower(ctx->atext + c->off, c->len, low, sizeof(low));
		k += l && clean_stopset_has(set, low, l);
	}
	return k;
}

/* The analysis' record of the word s[0, n) if ICU split exactly that word, else NULL. */
static const struct clean_segword *segmented_word(const struct clean_filter_ctx *ctx,
						  const char *s, size_t n)
{
	if (!ctx->nsegw || s < ctx->segtext || s >= ctx->segtext + ctx->seglen)
		return NULL;
	uint32_t off = (uint32_t)(s - ctx->segtext);
	size_t lo = 0, hi = ctx->nsegw;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ctx->segw[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ctx->nsegw && ctx->segw[lo].off == off && ctx->segw[lo].len == n)
		return &ctx->segw[lo];
	return NULL;
}

size_t clean_line_words(struct clean_filter_ctx *ctx, const char *s, size_t n, size_t limit,
			size_t *longest)
{
	size_t w = 0, lg = 0;
	for (size_t i = 0; i < n && w < limit;) {
		while (i < n && clean_is_ws_byte((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		size_t b = i;
		while (i < n && !clean_is_ws_byte((unsigned char)s[i]))
			i++;
		/* ICU's pieces of the same bytes are the same: the analysis has them already */
		const struct clean_segword *sw = segmented_word(ctx, s + b, i - b);
		if (sw) {
			w += sw->pieces;
			lg = sw->longest > lg ? sw->longest : lg;
			continue;
		}
		if (!ctx->seg && !ctx->seg_failed) {
			ctx->seg = clean_segmenter_new();
			ctx->seg_failed = !ctx->seg;
		}
		if (ctx->seg && clean_has_nospace(s + b, i - b)) {
			const uint32_t *ends;
			size_t k = clean_segment(ctx->seg, s + b, i - b, &ends);
			w += k;
			for (size_t p = 0, from = 0; longest && p < k; from = ends[p], p++) {
				size_t c = clean_count_chars(s + b + from, ends[p] - from);
				lg = c > lg ? c : lg;
			}
		} else {
			w++;
			if (longest) {
				size_t c = clean_count_chars(s + b, i - b);
				lg = c > lg ? c : lg;
			}
		}
	}
	if (longest)
		*longest = lg;
	return w;
}
