/*
 * MinHash signatures for near-duplicate detection (docs/dedup.md).
 *
 * Shingles: word n-grams of the normalized text (dedup_norm.h; default n = 5), or with
 * char_ngrams > 0 character n-grams (n code points, spaces included). A document with fewer
 * words (code points) than one shingle is hashed whole, as a single shingle; an empty document
 * is the one shingle "". Each shingle is the byte range of the normalized text it covers,
 * hashed with XXH3-64.
 *
 * Permutation scheme: fast similarity sketching (Dahlgaard, Knudsen, Thorup, FOCS 2017), a
 * one-permutation scheme that keeps the variance of k independent permutations. The XXH3-64
 * value h of a shingle is its first (bin, value) draw: the high 32 bits pick one of the
 * k = bands x rows bins (multiply-shift range reduction), the low 32 bits are the value, and
 * each bin keeps its minimum. Bins left empty are filled in further rounds, each giving every
 * shingle a fresh (bin, value) from splitmix64 of h and the round number, values of a later
 * round ranking after all earlier ones (see fill_rounds() in minhash.c). Two documents agree in
 * a bin with probability equal to their Jaccard similarity. About one hash per shingle instead
 * of k, which is what makes >= 150 MB/s per core possible; unlike densified one-permutation
 * hashing, short documents do not get copies of a few values in many bins.
 *
 * LSH: band b's key is the low 32 bits of XXH3-64 (seed b) of the rows' 32-bit values (little-
 * endian). Two documents are a band-b candidate when their band keys are equal AND the b-bit
 * values of the band's rows are equal (the second check makes a chance 32-bit key collision
 * irrelevant; a real band match always passes it).
 *
 * Verification data: the low 8 bits of each value (b-bit minhash, one byte per value). Two
 * values agree by chance with probability 1/256, so the Jaccard estimate is
 * (m/k - 1/256) / (1 - 1/256) for m agreeing bytes; verify() compares m against an integer
 * threshold so every mode decides identically.
 *
 * All functions are thread-safe; per-thread scratch memory lives in struct minhash_scratch.
 */
#ifndef GRIST_DEDUP_MINHASH_H
#define GRIST_DEDUP_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define MINHASH_MAX_K 1024

struct minhash_params {
	int ngram;       /* words per shingle (word mode) */
	int char_ngrams; /* > 0: code points per shingle, character mode */
	int bands, rows; /* k = bands * rows values */
};

#define MINHASH_PARAMS_DEFAULT { 5, 0, 14, 8 }

static inline int minhash_k(const struct minhash_params *p)
{
	return p->bands * p->rows;
}

/* Checks ranges; returns 0, or -1 with a message in err. */
int minhash_params_check(const struct minhash_params *p, struct buf *err);

struct minhash_scratch {
	struct buf norm;   /* normalized text */
	size_t *starts;    /* word or code-point start offsets into norm (a text may pass 4 GiB) */
	size_t nstarts, alloc_starts;
	uint32_t *stamp;   /* per bin: the round that filled it, 0 = empty */
	uint32_t *raw;     /* per bin: the minimum value of that round */
	uint64_t *hashes;  /* XXH3-64 of each shingle */
	size_t alloc_hashes;
	int k;
};

void minhash_scratch_init(struct minhash_scratch *s);
void minhash_scratch_release(struct minhash_scratch *s);

/*
 * The k values of text[0..len) into sig[0..k). Returns the number of shingles hashed (>= 1).
 * The text is normalized first (into s->norm, which the caller may read afterwards).
 */
size_t minhash_signature(const struct minhash_params *p, struct minhash_scratch *s,
			 const char *text, size_t len, uint32_t *sig);

/* Signature of already-normalized text (dedup_norm.h output). */
size_t minhash_signature_normalized(const struct minhash_params *p, struct minhash_scratch *s,
				    const char *norm, size_t len, uint32_t *sig);

/* Band keys: keys[b] for b in [0, bands). */
void minhash_band_keys(const struct minhash_params *p, const uint32_t *sig, uint32_t *keys);

/* b-bit verification data: out[i] = low 8 bits of sig[i]. */
void minhash_bbit(int k, const uint32_t *sig, uint8_t *out);

/* Agreeing bytes of two b-bit signatures. */
int minhash_bbit_matches(const uint8_t *a, const uint8_t *b, int k);

/* Band rows of two b-bit signatures agree (the second half of the candidate test). */
static inline int minhash_bbit_band_equal(const uint8_t *a, const uint8_t *b, int band, int rows)
{
	for (int i = band * rows; i < (band + 1) * rows; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* Jaccard estimate from m agreeing bytes out of k, corrected for chance agreement. */
double minhash_bbit_estimate(int m, int k);

/*
 * Smallest m whose estimate reaches threshold (so verify(a,b) is matches >= m); 0 when
 * threshold <= 0 (no verification).
 */
int minhash_verify_min_matches(double threshold, int k);

/* Exact Jaccard of two signatures' 32-bit values (tests and benchmarks). */
double minhash_estimate32(const uint32_t *a, const uint32_t *b, int k);

#endif
