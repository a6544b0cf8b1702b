/*
 * Bit planes of ASCII classes for the hand-written splitters (tok_split.c): for a 64-byte block
 * of text, one 64-bit word per class, bit j describing byte j of the block. The splitters find
 * the end of an ASCII piece with a count of trailing zeros instead of a loop over its bytes;
 * anything that is not ASCII has no bit in any plane but is left to the per-character path.
 */
#ifndef GRIST_TOK_SPLIT_PLANES_H
#define GRIST_TOK_SPLIT_PLANES_H

#include <stddef.h>
#include <stdint.h>

enum {
	TOK_PL_A,   /* an ASCII byte inside the text (bytes past its end have no bit anywhere) */
	TOK_PL_LO,  /* a-z */
	TOK_PL_UP,  /* A-Z */
	TOK_PL_L,   /* LO | UP */
	TOK_PL_N,   /* 0-9 */
	TOK_PL_W,   /* ASCII White_Space: \t \n \v \f \r and space */
	TOK_PL_P,   /* the other ASCII bytes: [^\s\p{L}\p{N}] */
	TOK_PL_NL,  /* \r \n */
	TOK_PL_SL,  /* '/' */
	TOK_PL_SP,  /* ' ' */
	TOK_PL_Q,   /* '\'' */
	TOK_PL_COUNT
};

#define TOK_PL_BIT(k) (1u << (k))
/* The planes each splitter reads (A, L, N, W and P always); the others are left 0. */
#define TOK_PLANES_BASE (TOK_PL_BIT(TOK_PL_A) | TOK_PL_BIT(TOK_PL_L) | TOK_PL_BIT(TOK_PL_N) | \
			 TOK_PL_BIT(TOK_PL_W) | TOK_PL_BIT(TOK_PL_P))
#define TOK_PLANES_CL100K (TOK_PLANES_BASE | TOK_PL_BIT(TOK_PL_NL) | TOK_PL_BIT(TOK_PL_Q))
#define TOK_PLANES_O200K (TOK_PLANES_BASE | TOK_PL_BIT(TOK_PL_LO) | TOK_PL_BIT(TOK_PL_UP) | \
			  TOK_PL_BIT(TOK_PL_NL) | TOK_PL_BIT(TOK_PL_SL))
#define TOK_PLANES_GPT2 (TOK_PLANES_BASE | TOK_PL_BIT(TOK_PL_SP))
#define TOK_PLANES_ALL ((1u << TOK_PL_COUNT) - 1)

/* The planes in `want` (TOK_PLANES_*) of text[0..len) (len <= 64: a block at the end of the
 * text, read no further); the other planes are 0. */
void tok_split_planes(const unsigned char *text, size_t len, uint64_t planes[TOK_PL_COUNT], unsigned want);

/* Which builder: -1 (the default) picks the best at the first call; 2 AVX2 (x86-64 CPUs that
 * have it), 1 SSE2 (x86-64), 0 the portable byte loop. Tests set it to try each. */
extern int tok_split_simd;
/* The highest tok_split_simd this build and CPU can run. */
int tok_split_simd_max(void);

#endif
