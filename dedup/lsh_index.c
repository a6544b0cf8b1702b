/* Single-process LSH index; see lsh_index.h. */
#include "dedup/lsh_index.h"

#include <stdlib.h>
#include <string.h>

#include "dedup/minhash.h"
#include "lib/xalloc.h"

#define CHUNK_SHIFT 14
#define CHUNK_DOCS (1u << CHUNK_SHIFT)
#define INITIAL_SLOTS 1024
/* Grow by 1.25x past 90% full: slots stay 72%..90% used. With Robin Hood probing a lookup
 * at 90% still reads only a few slots; memory is what limits the single process. */
#define MAX_LOAD_NUM 9
#define MAX_LOAD_DEN 10

void lsh_index_init(struct lsh_index *ix, int bands, int rows, int min_matches,
		    uint32_t bucket_cap)
{
	memset(ix, 0, sizeof(*ix));
	ix->bands = bands;
	ix->rows = rows;
	ix->k = bands * rows;
	ix->min_matches = min_matches;
	ix->bucket_cap = bucket_cap;
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

static inline const uint8_t *sig_at(const struct lsh_index *ix, uint32_t doc)
{
	return ix->chunks[doc >> CHUNK_SHIFT] + (size_t)(doc & (CHUNK_DOCS - 1)) * (size_t)ix->k;
}

static inline size_t home_slot(uint32_t key, size_t size)
{
	/* Keys are already uniform hashes: multiply-shift maps them onto [0, size). */
	return (size_t)(((uint64_t)key * size) >> 32);
}

/* Distance of the entry in slot i from its home slot. */
static inline size_t displacement(const struct lsh_band_table *t, size_t i, uint64_t slot)
{
	size_t h = home_slot((uint32_t)(slot >> 32), t->size);
	return i >= h ? i - h : i + t->size - h;
}

/*
 * Robin Hood insertion: an entry further from home takes the slot of one closer to home, so
 * displacements stay small and a lookup can stop as soon as it meets an entry closer to its
 * home than the lookup is to its own (see lsh_index_add). Entries with one key stay together.
 */
static void table_put(struct lsh_band_table *t, uint64_t slot)
{
	size_t i = home_slot((uint32_t)(slot >> 32), t->size), d = 0;
	for (;;) {
		uint64_t cur = t->slots[i];
		if (!cur) {
			t->slots[i] = slot;
			t->used++;
			return;
		}
		size_t cd = displacement(t, i, cur);
		if (cd < d) {
			t->slots[i] = slot;
			slot = cur;
			d = cd;
		}
		if (++i == t->size)
			i = 0;
		d++;
	}
}

static void table_grow(struct lsh_band_table *t)
{
	struct lsh_band_table n = { NULL, t->size + t->size / 4, 0 };
	n.slots = xcalloc(n.size, sizeof(uint64_t));
	for (size_t i = 0; i < t->size; i++)
		if (t->slots[i])
			table_put(&n, t->slots[i]);
	free(t->slots);
	*t = n;
}

int64_t lsh_index_add(struct lsh_index *ix, const uint32_t *keys, const uint8_t *bsig)
{
	if (ix->ndocs == UINT32_MAX)
		return -2;
	const uint32_t doc = ix->ndocs++;
	const int k = ix->k;
	int64_t best = -1;
	uint32_t full[MINHASH_MAX_K / 32]; /* bit b: band b's bucket for this key is full */
	memset(full, 0, sizeof(full));

	for (int b = 0; b < ix->bands; b++) {
		const struct lsh_band_table *t = &ix->tab[b];
		const uint32_t key = keys[b];
		uint32_t same = 0;
		size_t i = home_slot(key, t->size), d = 0;
		uint64_t s;
		while ((s = t->slots[i]) != 0 && displacement(t, i, s) >= d) {
			if ((uint32_t)(s >> 32) == key) {
				uint32_t other = (uint32_t)s - 1;
				same++;
				if (best < 0 || other < best) {
					const uint8_t *o = sig_at(ix, other);
					if (minhash_bbit_band_equal(o, bsig, b, ix->rows) &&
					    (!ix->min_matches ||
					     minhash_bbit_matches(o, bsig, k) >= ix->min_matches))
						best = other;
				}
			}
			if (++i == t->size)
				i = 0;
			d++;
		}
		if (ix->bucket_cap && same >= ix->bucket_cap)
			full[b / 32] |= 1u << (b % 32);
	}

	if ((doc >> CHUNK_SHIFT) >= ix->nchunks) {
		ALLOC_GROW(ix->chunks, ix->nchunks + 1, ix->alloc_chunks);
		ix->chunks[ix->nchunks++] = xmalloc((size_t)CHUNK_DOCS * (size_t)k);
	}
	memcpy(ix->chunks[doc >> CHUNK_SHIFT] + (size_t)(doc & (CHUNK_DOCS - 1)) * (size_t)k, bsig,
	       (size_t)k);
	for (int b = 0; b < ix->bands; b++) {
		if (full[b / 32] >> (b % 32) & 1) {
			ix->capped++;
			continue;
		}
		struct lsh_band_table *t = &ix->tab[b];
		if ((t->used + 1) * MAX_LOAD_DEN > t->size * MAX_LOAD_NUM)
			table_grow(t);
		table_put(t, (uint64_t)keys[b] << 32 | ((uint64_t)doc + 1));
	}
	return best;
}

size_t lsh_index_bytes(const struct lsh_index *ix)
{
	size_t n = ix->nchunks * (size_t)CHUNK_DOCS * (size_t)ix->k +
		   ix->alloc_chunks * sizeof(*ix->chunks);
	for (int b = 0; b < ix->bands; b++)
		n += ix->tab[b].size * sizeof(uint64_t);
	return n;
}
