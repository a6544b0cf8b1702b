/* MinHash signatures, band keys and b-bit verification; see minhash.h for the scheme. */
#include "dedup/minhash.h"

#include <math.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "dedup/dedup_norm.h"
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
	free(s->filled);
	free(s->raw);
	memset(s, 0, sizeof(*s));
	buf_init(&s->norm, 0);
}

static inline uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
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
			if (((unsigned char)norm[i] & 0xC0) != 0x80)
				s->starts[s->nstarts++] = (uint32_t)i;
		return;
	}
	/* Single spaces separate words, so there are at most len / 2 + 1 of them. */
	ALLOC_GROW(s->starts, len / 2 + 2, s->alloc_starts);
	uint32_t *st = s->starts;
	size_t n = 1;
	st[0] = 0;
	for (size_t i = 0; i < len; i++) {
		st[n] = (uint32_t)i + 1;
		n += norm[i] == ' ';
	}
	s->nstarts = n;
}

static void densify(struct minhash_scratch *s, int k, size_t nfilled, uint32_t *sig)
{
	const uint32_t *raw = s->raw;
	const uint8_t *filled = s->filled;
	if (nfilled == (size_t)k) {
		memcpy(sig, raw, (size_t)k * sizeof(*sig));
		return;
	}
	if (nfilled == 1) {
		uint32_t v = 0;
		for (int j = 0; j < k; j++)
			if (filled[j])
				v = raw[j];
		for (int i = 0; i < k; i++)
			sig[i] = v;
		return;
	}
	for (int i = 0; i < k; i++) {
		if (filled[i]) {
			sig[i] = raw[i];
			continue;
		}
		/* The probe sequence of bin i is the same for every document (fixed seed). */
		uint32_t t;
		for (t = 1; t < 1u << 20; t++) {
			uint64_t r = splitmix64(((uint64_t)(uint32_t)i << 32) | t);
			uint32_t j = range32((uint32_t)r, (uint32_t)k);
			if (filled[j]) {
				sig[i] = raw[j];
				break;
			}
		}
		if (t == 1u << 20) { /* practically unreachable; stay deterministic anyway */
			int j = i;
			while (!filled[j])
				j = (j + 1) % k;
			sig[i] = raw[j];
		}
	}
}

size_t minhash_signature_normalized(const struct minhash_params *p, struct minhash_scratch *s,
				    const char *norm, size_t len, uint32_t *sig)
{
	const int k = minhash_k(p);
	if (s->k != k) {
		s->filled = xrealloc(s->filled, (size_t)k);
		s->raw = xrealloc(s->raw, (size_t)k * sizeof(*s->raw));
		s->k = k;
	}
	memset(s->filled, 0, (size_t)k);
	for (int i = 0; i < k; i++)
		s->raw[i] = UINT32_MAX;
	uint32_t *raw = s->raw;
	uint8_t *filled = s->filled;
	size_t nfilled = 0;

	find_units(p, s, norm, len);
	const size_t n = p->char_ngrams > 0 ? (size_t)p->char_ngrams : (size_t)p->ngram;
	const int words = p->char_ngrams <= 0;
	size_t nshingles;

	if (s->nstarts <= n) {
		/* Shorter than (or exactly) one shingle: the whole text is the one shingle. */
		uint64_t h = XXH3_64bits(norm, len);
		uint32_t bin = range32((uint32_t)(h >> 32), (uint32_t)k);
		raw[bin] = (uint32_t)h;
		filled[bin] = 1;
		nfilled = 1;
		nshingles = 1;
	} else {
		nshingles = s->nstarts - n + 1;
		const uint32_t *st = s->starts;
		for (size_t i = 0; i < nshingles; i++) {
			size_t a = st[i];
			/* End: the unit after the shingle's last one (minus its separating space). */
			size_t b = i + n < s->nstarts ? st[i + n] - (size_t)words : len;
			uint64_t h = XXH3_64bits(norm + a, b - a);
			uint32_t bin = range32((uint32_t)(h >> 32), (uint32_t)k);
			uint32_t v = (uint32_t)h;
			/* No data-dependent branches: bins start at UINT32_MAX, minimum by cmov. */
			filled[bin] = 1;
			raw[bin] = v < raw[bin] ? v : raw[bin];
		}
		for (int i = 0; i < k; i++)
			nfilled += filled[i];
	}
	densify(s, k, nfilled, sig);
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
			tmp[4 * r] = (uint8_t)v[r];
			tmp[4 * r + 1] = (uint8_t)(v[r] >> 8);
			tmp[4 * r + 2] = (uint8_t)(v[r] >> 16);
			tmp[4 * r + 3] = (uint8_t)(v[r] >> 24);
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
	int m = 0;
	for (int i = 0; i < k; i++)
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
