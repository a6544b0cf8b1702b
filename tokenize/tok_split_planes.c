/*
 * ASCII class planes of a 64-byte block (tok_split_planes.h): on x86-64 32 bytes per AVX2
 * compare where the CPU has AVX2 (asked once at run time), else 16 per SSE2 compare (baseline
 * there); a byte loop elsewhere. The classes are fixed ASCII ranges; tests/unit/
 * test_tok_split.c checks every version on every byte value against each other and PCRE2.
 */
#include "tokenize/tok_split_planes.h"

#include <string.h>

#if defined(__SSE2__) && defined(__x86_64__)
#define PLANES_X86 1
#include <immintrin.h>
#endif

int tok_split_simd = -1;

/* The class bits of one byte, as the SSE2 compares compute them. */
static unsigned byte_classes(unsigned c)
{
	unsigned m = 0;
	if (c >= 0x80)
		return 0;
	m |= 1u << TOK_PL_A;
	if (c >= 'a' && c <= 'z')
		m |= 1u << TOK_PL_LO | 1u << TOK_PL_L;
	if (c >= 'A' && c <= 'Z')
		m |= 1u << TOK_PL_UP | 1u << TOK_PL_L;
	if (c >= '0' && c <= '9')
		m |= 1u << TOK_PL_N;
	if (c == ' ' || (c >= '\t' && c <= '\r'))
		m |= 1u << TOK_PL_W;
	if (!(m & (1u << TOK_PL_L | 1u << TOK_PL_N | 1u << TOK_PL_W)))
		m |= 1u << TOK_PL_P;
	if (c == '\r' || c == '\n')
		m |= 1u << TOK_PL_NL;
	if (c == '/')
		m |= 1u << TOK_PL_SL;
	if (c == ' ')
		m |= 1u << TOK_PL_SP;
	if (c == '\'')
		m |= 1u << TOK_PL_Q;
	return m;
}

static void planes_bytes(const unsigned char *b, uint64_t pl[TOK_PL_COUNT], unsigned want)
{
	memset(pl, 0, TOK_PL_COUNT * sizeof(pl[0]));
	for (unsigned j = 0; j < 64; j++) {
		unsigned m = byte_classes(b[j]) & want;
		for (int k = 0; k < TOK_PL_COUNT; k++)
			pl[k] |= (uint64_t)(m >> k & 1) << j;
	}
}

#ifdef PLANES_X86
/* Bytes of v in [lo, lo + count): shifted so the range starts at -128, one signed compare. */
static inline __m128i in_range(__m128i v, int lo, int count)
{
	__m128i t = _mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - lo)));
	return _mm_cmplt_epi8(t, _mm_set1_epi8((char)(-128 + count)));
}

#define WANT(k) (want >> (k) & 1)

static inline __attribute__((always_inline)) void store_planes(uint64_t pl[TOK_PL_COUNT], uint64_t hi, uint64_t lo,
								uint64_t up, uint64_t l, uint64_t n, uint64_t w,
								uint64_t nl, uint64_t sl, uint64_t sp, uint64_t q)
{
	pl[TOK_PL_A] = ~hi;
	pl[TOK_PL_LO] = lo;
	pl[TOK_PL_UP] = up;
	pl[TOK_PL_L] = l;
	pl[TOK_PL_N] = n;
	pl[TOK_PL_W] = w;
	pl[TOK_PL_P] = ~hi & ~(l | n | w);
	pl[TOK_PL_NL] = nl;
	pl[TOK_PL_SL] = sl;
	pl[TOK_PL_SP] = sp;
	pl[TOK_PL_Q] = q;
}
#define MASK(x) ((uint64_t)(unsigned)_mm_movemask_epi8(x) << j)

/* Only the planes in `want` (a constant where it is inlined), the rest 0. */
static inline __attribute__((always_inline)) void planes_sse2(const unsigned char *b, uint64_t pl[TOK_PL_COUNT],
							      unsigned want)
{
	uint64_t hi = 0, lo = 0, up = 0, l = 0, n = 0, w = 0, nl = 0, sl = 0, sp = 0, q = 0;
	for (unsigned j = 0; j < 64; j += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + j));
		__m128i space = _mm_cmpeq_epi8(v, _mm_set1_epi8(' '));
		hi |= MASK(v);
		if (WANT(TOK_PL_LO))
			lo |= MASK(in_range(v, 'a', 26));
		if (WANT(TOK_PL_UP))
			up |= MASK(in_range(v, 'A', 26));
		if (!WANT(TOK_PL_LO)) /* cl100k, gpt2: both cases at once */
			l |= MASK(in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 26));
		n |= MASK(in_range(v, '0', 10));
		w |= MASK(_mm_or_si128(in_range(v, '\t', 5), space));
		if (WANT(TOK_PL_NL))
			nl |= MASK(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\r')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))));
		if (WANT(TOK_PL_SL))
			sl |= MASK(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')));
		if (WANT(TOK_PL_SP))
			sp |= MASK(space);
		if (WANT(TOK_PL_Q))
			q |= MASK(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
	}
	if (WANT(TOK_PL_LO))
		l = lo | up;
	store_planes(pl, hi, lo, up, l, n, w, nl, sl, sp, q);
}

#define AVX2 __attribute__((target("avx2")))
#define MASK32(x) ((uint64_t)(uint32_t)_mm256_movemask_epi8(x) << j)

static inline AVX2 __attribute__((always_inline)) __m256i in_range32(__m256i v, int lo, int count)
{
	__m256i t = _mm256_add_epi8(v, _mm256_set1_epi8((char)(0x80 - lo)));
	return _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(-128 + count)), t);
}

/* planes_sse2 32 bytes at a time (x86-64 CPUs since 2013; chosen at run time). */
static inline AVX2 __attribute__((always_inline)) void planes_avx2(const unsigned char *b, uint64_t pl[TOK_PL_COUNT],
								     unsigned want)
{
	uint64_t hi = 0, lo = 0, up = 0, l = 0, n = 0, w = 0, nl = 0, sl = 0, sp = 0, q = 0;
	for (unsigned j = 0; j < 64; j += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(b + j));
		__m256i space = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(' '));
		hi |= MASK32(v);
		if (WANT(TOK_PL_LO))
			lo |= MASK32(in_range32(v, 'a', 26));
		if (WANT(TOK_PL_UP))
			up |= MASK32(in_range32(v, 'A', 26));
		if (!WANT(TOK_PL_LO))
			l |= MASK32(in_range32(_mm256_or_si256(v, _mm256_set1_epi8(0x20)), 'a', 26));
		n |= MASK32(in_range32(v, '0', 10));
		w |= MASK32(_mm256_or_si256(in_range32(v, '\t', 5), space));
		if (WANT(TOK_PL_NL))
			nl |= MASK32(_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\r')),
						     _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n'))));
		if (WANT(TOK_PL_SL))
			sl |= MASK32(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('/')));
		if (WANT(TOK_PL_SP))
			sp |= MASK32(space);
		if (WANT(TOK_PL_Q))
			q |= MASK32(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\'')));
	}
	if (WANT(TOK_PL_LO))
		l = lo | up;
	store_planes(pl, hi, lo, up, l, n, w, nl, sl, sp, q);
}

static AVX2 void planes_simd_avx2(const unsigned char *b, uint64_t pl[TOK_PL_COUNT], unsigned want)
{
	switch (want) {
	case TOK_PLANES_CL100K:
		planes_avx2(b, pl, TOK_PLANES_CL100K);
		break;
	case TOK_PLANES_O200K:
		planes_avx2(b, pl, TOK_PLANES_O200K);
		break;
	case TOK_PLANES_GPT2:
		planes_avx2(b, pl, TOK_PLANES_GPT2);
		break;
	default:
		planes_avx2(b, pl, TOK_PLANES_ALL);
		break;
	}
}

static void planes_simd(const unsigned char *b, uint64_t pl[TOK_PL_COUNT], unsigned want)
{
	switch (want) {
	case TOK_PLANES_CL100K:
		planes_sse2(b, pl, TOK_PLANES_CL100K);
		break;
	case TOK_PLANES_O200K:
		planes_sse2(b, pl, TOK_PLANES_O200K);
		break;
	case TOK_PLANES_GPT2:
		planes_sse2(b, pl, TOK_PLANES_GPT2);
		break;
	default:
		planes_sse2(b, pl, TOK_PLANES_ALL);
		break;
	}
}
#endif

void tok_split_planes(const unsigned char *text, size_t len, uint64_t pl[TOK_PL_COUNT], unsigned want)
{
	unsigned char pad[64];
	const unsigned char *b = text;
	if (len < 64) { /* the text's last block: zero bytes after it, then no bits there */
		memset(pad, 0, sizeof(pad));
		memcpy(pad, text, len);
		b = pad;
	}
#ifdef PLANES_X86
	if (tok_split_simd < 0)
		tok_split_simd = tok_split_simd_max();
	if (tok_split_simd == 2)
		planes_simd_avx2(b, pl, want);
	else if (tok_split_simd == 1)
		planes_simd(b, pl, want);
	else
#endif
		planes_bytes(b, pl, want);
	if (len < 64) {
		uint64_t in = (1ULL << len) - 1;
		for (int k = 0; k < TOK_PL_COUNT; k++)
			pl[k] &= in;
	}
}

int tok_split_simd_max(void)
{
#ifdef PLANES_X86
	return __builtin_cpu_supports("avx2") ? 2 : 1;
#else
	return 0;
#endif
}
