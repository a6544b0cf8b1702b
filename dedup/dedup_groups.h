/*
 * Duplicate groups for the stats. Every removed document d has one parent: the earliest
 * earlier document it duplicates (dedup_groups_add(d, parent), in increasing d). A group is a
 * kept document plus everything removed, directly or through other removed documents, as its
 * duplicate: the trees of that parent forest. No union-find over the whole candidate graph is
 * needed, and the single-process and sharded modes report the same groups.
 * Memory: about 40 bytes per removed document.
 */
#ifndef GRIST_DEDUP_GROUPS_H
#define GRIST_DEDUP_GROUPS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct u64_map {
	uint64_t *keys, *vals; /* key + 1 stored; 0 = empty */
	size_t size, used;
};

struct dedup_groups {
	struct u64_map root_of; /* removed document -> its group's kept document */
	struct u64_map size_of; /* kept document -> removed members */
	uint64_t removed;
};

void dedup_groups_init(struct dedup_groups *g);
void dedup_groups_release(struct dedup_groups *g);
void dedup_groups_add(struct dedup_groups *g, uint64_t doc, uint64_t parent);
/* Appends a JSON object: groups, largest, histogram of group sizes by powers of two. */
void dedup_groups_json(const struct dedup_groups *g, struct buf *out);
size_t dedup_groups_bytes(const struct dedup_groups *g);

#endif
