/* Exact dedup index; see exact_index.h. */
#include "dedup/exact_index.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

void exact_index_init(struct exact_index *ix)
{
	ix->size = 1024;
	ix->used = 0;
	ix->ndocs = 0;
	ix->slots = xcalloc(ix->size, sizeof(*ix->slots));
}

void exact_index_release(struct exact_index *ix)
{
	free(ix->slots);
	memset(ix, 0, sizeof(*ix));
}

static struct exact_slot *find(struct exact_slot *slots, size_t size, uint64_t lo, uint64_t hi)
{
	size_t i = (size_t)lo & (size - 1);
	while (slots[i].doc1 && (slots[i].lo != lo || slots[i].hi != hi))
		i = (i + 1) & (size - 1);
	return &slots[i];
}

int64_t exact_index_add(struct exact_index *ix, uint64_t lo, uint64_t hi)
{
	uint64_t doc = ix->ndocs++;
	struct exact_slot *s = find(ix->slots, ix->size, lo, hi);
	if (s->doc1)
		return (int64_t)(s->doc1 - 1);
	s->lo = lo;
	s->hi = hi;
	s->doc1 = doc + 1;
	if (++ix->used * 4 > ix->size * 3) {
		size_t nsize = ix->size * 2;
		struct exact_slot *n = xcalloc(nsize, sizeof(*n));
		for (size_t i = 0; i < ix->size; i++)
			if (ix->slots[i].doc1)
				*find(n, nsize, ix->slots[i].lo, ix->slots[i].hi) = ix->slots[i];
		free(ix->slots);
		ix->slots = n;
		ix->size = nsize;
	}
	return -1;
}

size_t exact_index_bytes(const struct exact_index *ix)
{
	return ix->size * sizeof(*ix->slots);
}
