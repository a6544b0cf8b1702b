/* MinHash signatures, band keys and b-bit verification; see minhash.h for the scheme. */
#include "dedup/minhash.h"

#include <math.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "dedup/dedup_norm.h"
#include "lib/le.h"
#include "lib/splitmix.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

int minhash_params_check(const struct minhash_params *p, struct buf *err)
{
	if (p->ngram < 1 || p->ngram > 1000) {
		buf_addf(err, "--ngram must be between 1 and 1000 (got %d)", p->ngram);
		return -1;
	}
	if (p->char_ngrams < 0 || p->char_ngrams > 1000) {
		buf_addf(err, "--char-ngrams must be between 1 and 1000 (got %d)", p->char_ngrams);
		return -1;
	}
	if (p->bands < 1 || p->rows < 1 || p->bands * p->rows > MINHASH_MAX_K) {
		buf_addf(err, "--bands x --rows must be between 1 and %d (got %d x %d)",
			 MINHASH_MAX_K, p->bands, p->rows);
		return -1;
	}
	return 0;
}

void minhash_scratch_init(struct minhash_scratch *s)
{
	memset(s, 0, sizeof(*s));
	buf_init(&s->norm, 0);
}

void minhash_scratch_release(struct minhash_scratch *s)
{
	buf_release(&s->norm);
	free(s->starts);
	free(s->stamp);
	free(s->raw);
	free(s->hashes);
	memset(s, 0, sizeof(*s));
	buf_init(&s->norm, 0);
}

static inline uint32_t range32(uint32_t x, uint32_t n)
{
	return (uint32_t)(((uint64_t)x * n) >> 32);
}

/* Offsets where shingle units begin: words (after single spaces) or code points. */
static void find_units(const struct minhash_params *p, struct minhash_scratch *s,
		       const char *norm, size_t len)
{
	s->nstarts = 0;
	if (!len)
		return;
	if (p->char_ngrams > 0) {
		ALLOC_GROW(s->starts, len + 1, s->alloc_starts);
		for (size_t i = 0; i < len; i++)
			if (!utf8_is_cont((unsigned char)norm[i]))
				s->starts[s->nstarts++] = i;
		return;
	}
	/* Single spaces separate words, so there are at most len / 2 + 1 of them. */
	ALLOC_GROW(s->starts, len / 2 + 2, s->alloc_starts);
	size_t *st = s->starts;
	size_t n = 1;
	st[0] = 0;
	for (size_t i = 0; i < len; i++) {
		st[n] = i + 1;
		n += norm[i] == ' ';
	}
	s->nstarts = n;
}

/*
 * Fill the bins round by round (fast similarity sketching). Round 1 is the pass over the
 * shingles that already happened: bin from h's high bits, value h's low 32 bits. Round r >= 2
 * gives every shingle a new pseudo-random (bin, value) from splitmix64(h + r * golden); all its
 * values rank after every value of earlier rounds, so only bins still empty take them, and a bin
 * keeps the smallest value of the first round that reached it. Rounds stop when every bin has
 * a value: after about one extra round for a 300-shingle document, after about k ln k / n
 * rounds for n shingles when n is small. For each bin, the shingle that wins is a uniformly
 * random member of the document, independently enough across bins that two documents agree
 * in a bin with probability equal to their Jaccard similarity, with the variance of k
 * independent permutations (Dahlgaard, Knudsen and Thorup, FOCS 2017).
 */
static void fill_rounds(struct minhash_scratch *s, int k, const uint64_t *h, size_t n)
{
	uint32_t *raw = s->raw, *stamp = s->stamp;
	size_t empty = 0;
	for (int i = 0; i < k; i++)
		empty += !stamp[i];
	for (uint32_t r = 2; empty; r++) {
		const uint64_t step = (uint64_t)r * SPLITMIX64_GAMMA;
		for (size_t j = 0; j < n; j++) {
			uint64_t m = splitmix64(h[j] + step);
			uint32_t bin = range32((uint32_t)(m >> 32), (uint32_t)k);
			uint32_t v = (uint32_t)m;
			if (!stamp[bin]) {
				stamp[bin] = r;
				raw[bin] = v;
				empty--;
			} else if (stamp[bin] == r && v < raw[bin]) {
				raw[bin] = v;
			}
		}
	}
}

size_t minhash_signature_normalized(const struct minhash_params *p, struct minhash_scratch *s,
				    const char *norm, size_t len, uint32_t *sig)
{
	const int k = minhash_k(p);
	if (s->k != k) {
		s->stamp = xrealloc(s->stamp, (size_t)k * sizeof(*s->stamp));
		s->raw = xrealloc(s->raw, (size_t)k * sizeof(*s->raw));
		s->k = k;
	}
	uint32_t *raw = s->raw, *stamp = s->stamp;
	for (int i = 0; i < k; i++) {
		raw[i] = UINT32_MAX;
		stamp[i] = 0;
	}

	find_units(p, s, norm, len);
	const size_t n = p->char_ngrams > 0 ? (size_t)p->char_ngrams : (size_t)p->ngram;
	const int words = p->char_ngrams <= 0;
	size_t nshingles = s->nstarts <= n ? 1 : s->nstarts - n + 1;
	ALLOC_GROW(s->hashes, nshingles, s->alloc_hashes);
	uint64_t *hs = s->hashes;

	if (s->nstarts <= n) {
		/* Shorter than (or exactly) one shingle: the whole text is the one shingle. */
		hs[0] = XXH3_64bits(norm, len);
	} else {
		const size_t *st = s->starts;
		for (size_t i = 0; i < nshingles; i++) {
			size_t a = st[i];
			/* End: the unit after the shingle's last one (minus its separating space). */
			size_t b = i + n < s->nstarts ? st[i + n] - (size_t)words : len;
			hs[i] = XXH3_64bits(norm + a, b - a);
		}
	}
	/* Round 1, with no data-dependent branches (stamps are 0 or 1 here). */
	for (size_t i = 0; i < nshingles; i++) {
		uint64_t h = hs[i];
		uint32_t bin = range32((uint32_t)(h >> 32), (uint32_t)k);
		uint32_t v = (uint32_t)h;
		stamp[bin] = 1;
		raw[bin] = v < raw[bin] ? v : raw[bin];
	}
	fill_rounds(s, k, hs, nshingles);
	memcpy(sig, raw, (size_t)k * sizeof(*sig));
	return nshingles;
}

size_t minhash_signature(const struct minhash_params *p, struct minhash_scratch *s,
			 const char *text, size_t len, uint32_t *sig)
{
	dedup_normalize(text, len, &s->norm);
	return minhash_signature_normalized(p, s, s->norm.data, s->norm.len, sig);
}

void minhash_band_keys(const struct minhash_params *p, const uint32_t *sig, uint32_t *keys)
{
	uint8_t tmp[MINHASH_MAX_K * 4];
	for (int b = 0; b < p->bands; b++) {
		const uint32_t *v = sig + (size_t)b * p->rows;
		/* Little-endian bytes, so intermediate files mean the same on every machine. */
		for (int r = 0; r < p->rows; r++) {
			le_put32(tmp + 4 * r, v[r]);
		}
		keys[b] = (uint32_t)XXH3_64bits_withSeed(tmp, (size_t)p->rows * 4, (uint64_t)b);
	}
}

void minhash_bbit(int k, const uint32_t *sig, uint8_t *out)
{
	for (int i = 0; i < k; i++)
		out[i] = (uint8_t)sig[i];
}

int minhash_bbit_matches(const uint8_t *a, const uint8_t *b, int k)
{
	/* Eight bytes at a time: count the zero bytes of a ^ b. */
	const uint64_t lo7 = 0x7F7F7F7F7F7F7F7FULL;
	int m = 0, i = 0;
	for (; i + 8 <= k; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		x ^= y;
		uint64_t t = ~(((x & lo7) + lo7) | x | lo7); /* high bit set where a byte is 0 */
		m += __builtin_popcountll(t);
	}
	for (; i < k; i++)
		m += a[i] == b[i];
	return m;
}

double minhash_bbit_estimate(int m, int k)
{
	const double c = 1.0 / 256.0;
	double e = ((double)m / k - c) / (1.0 - c);
	return e < 0 ? 0 : e;
}

int minhash_verify_min_matches(double threshold, int k)
{
	if (threshold <= 0)
		return 0;
	for (int m = 0; m <= k; m++)
		if (minhash_bbit_estimate(m, k) >= threshold - 1e-12)
			return m;
	return k + 1; /* threshold > 1: nothing verifies */
}

double minhash_estimate32(const uint32_t *a, const uint32_t *b, int k)
{
	int m = 0;
	for (int i = 0; i < k; i++)
		m += a[i] == b[i];
	return (double)m / k;
}
