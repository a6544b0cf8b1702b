/*
 * Exact dedup index: XXH3-128 of the normalized text -> the first document that had it.
 * 24 bytes per distinct text in an open-addressing table kept at most 75% full.
 */
#ifndef GRIST_DEDUP_EXACT_INDEX_H
#define GRIST_DEDUP_EXACT_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct exact_slot {
	uint64_t lo, hi;
	uint64_t doc1; /* document number + 1; 0 = empty */
};

struct exact_index {
	struct exact_slot *slots;
	size_t size, used;
	uint64_t ndocs;
};

void exact_index_init(struct exact_index *ix);
void exact_index_release(struct exact_index *ix);
/* Document number ix->ndocs has hash (lo, hi): returns the first earlier one with it, or -1. */
int64_t exact_index_add(struct exact_index *ix, uint64_t lo, uint64_t hi);
size_t exact_index_bytes(const struct exact_index *ix);

#endif
