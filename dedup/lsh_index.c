/* Single-process LSH index; see lsh_index.h. */
#include "dedup/lsh_index.h"

#include <stdlib.h>
#include <string.h>

#include "dedup/minhash.h"
#include "lib/xalloc.h"

#define CHUNK_SHIFT 16
#define CHUNK_RECS (1u << CHUNK_SHIFT)
#define INITIAL_SLOTS 1024
/* Grow by 1.5x past 85% full: slots stay 57%..85% used (about 9.4 B per band per document). */
#define MAX_LOAD_NUM 85
#define MAX_LOAD_DEN 100

void lsh_index_init(struct lsh_index *ix, int bands, int rows, int min_matches)
{
	memset(ix, 0, sizeof(*ix));
	ix->bands = bands;
	ix->rows = rows;
	ix->k = bands * rows;
	ix->min_matches = min_matches;
	ix->tab = xcalloc((size_t)bands, sizeof(*ix->tab));
	for (int b = 0; b < bands; b++) {
		ix->tab[b].size = INITIAL_SLOTS;
		ix->tab[b].slots = xcalloc(INITIAL_SLOTS, sizeof(uint64_t));
	}
}

void lsh_index_release(struct lsh_index *ix)
{
	for (int b = 0; b < ix->bands; b++)
		free(ix->tab[b].slots);
	free(ix->tab);
	for (size_t i = 0; i < ix->nchunks; i++)
		free(ix->chunks[i]);
	free(ix->chunks);
	memset(ix, 0, sizeof(*ix));
}

static inline size_t rec_size(const struct lsh_index *ix)
{
	return (size_t)ix->k + 4;
}

static inline const uint8_t *rec_at(const struct lsh_index *ix, uint32_t sidx)
{
	return ix->chunks[sidx >> CHUNK_SHIFT] + (size_t)(sidx & (CHUNK_RECS - 1)) * rec_size(ix);
}

static inline uint32_t rec_doc(const struct lsh_index *ix, const uint8_t *rec)
{
	uint32_t d;
	memcpy(&d, rec + ix->k, 4);
	return d;
}

static inline size_t home_slot(uint32_t key, size_t size)
{
	/* Keys are already uniform hashes: multiply-shift maps them onto [0, size). */
	return (size_t)(((uint64_t)key * size) >> 32);
}

static void table_put(struct lsh_band_table *t, uint64_t slot)
{
	size_t i = home_slot((uint32_t)(slot >> 32), t->size);
	while (t->slots[i])
		if (++i == t->size)
			i = 0;
	t->slots[i] = slot;
	t->used++;
}

static void table_grow(struct lsh_band_table *t)
{
	struct lsh_band_table n = { NULL, t->size + t->size / 2, 0 };
	n.slots = xcalloc(n.size, sizeof(uint64_t));
	for (size_t i = 0; i < t->size; i++)
		if (t->slots[i])
			table_put(&n, t->slots[i]);
	free(t->slots);
	*t = n;
}

static uint32_t store(struct lsh_index *ix, const uint8_t *bsig, uint32_t doc)
{
	uint32_t sidx = ix->nstored++;
	if ((sidx >> CHUNK_SHIFT) >= ix->nchunks) {
		ALLOC_GROW(ix->chunks, ix->nchunks + 1, ix->alloc_chunks);
		ix->chunks[ix->nchunks++] = xmalloc(CHUNK_RECS * rec_size(ix));
	}
	uint8_t *rec = ix->chunks[sidx >> CHUNK_SHIFT] + (size_t)(sidx & (CHUNK_RECS - 1)) * rec_size(ix);
	memcpy(rec, bsig, (size_t)ix->k);
	memcpy(rec + ix->k, &doc, 4);
	return sidx;
}

int64_t lsh_index_add(struct lsh_index *ix, const uint32_t *keys, const uint8_t *bsig)
{
	if (ix->ndocs == UINT32_MAX || ix->nstored == UINT32_MAX)
		return -2;
	const uint32_t doc = ix->ndocs++;
	int64_t best = -1;
	int64_t twin = -1; /* storage index of an identical stored document, while it stays one */
	const int k = ix->k;

	for (int b = 0; b < ix->bands; b++) {
		const struct lsh_band_table *t = &ix->tab[b];
		const uint32_t key = keys[b];
		int twin_seen = 0;
		size_t i = home_slot(key, t->size);
		uint64_t s;
		while ((s = t->slots[i]) != 0) {
			if ((uint32_t)(s >> 32) == key) {
				uint32_t sidx = (uint32_t)s - 1;
				const uint8_t *rec = rec_at(ix, sidx);
				uint32_t other = rec_doc(ix, rec);
				if (b == 0 && twin < 0 && !memcmp(rec, bsig, (size_t)k))
					twin = sidx;
				if ((int64_t)sidx == twin)
					twin_seen = 1;
				if ((best < 0 || other < best) &&
				    minhash_bbit_band_equal(rec, bsig, b, ix->rows) &&
				    (!ix->min_matches ||
				     minhash_bbit_matches(rec, bsig, k) >= ix->min_matches))
					best = other;
			}
			if (++i == t->size)
				i = 0;
		}
		if (!twin_seen)
			twin = -1;
	}
	if (twin >= 0) {
		ix->stored_skipped++;
		return best;
	}
	uint32_t sidx = store(ix, bsig, doc);
	for (int b = 0; b < ix->bands; b++) {
		struct lsh_band_table *t = &ix->tab[b];
		if ((t->used + 1) * MAX_LOAD_DEN > t->size * MAX_LOAD_NUM)
			table_grow(t);
		table_put(t, (uint64_t)keys[b] << 32 | ((uint64_t)sidx + 1));
	}
	return best;
}

size_t lsh_index_bytes(const struct lsh_index *ix)
{
	size_t n = (size_t)ix->nchunks * CHUNK_RECS * rec_size(ix) +
		   ix->alloc_chunks * sizeof(*ix->chunks);
	for (int b = 0; b < ix->bands; b++)
		n += ix->tab[b].size * sizeof(uint64_t);
	return n;
}
