/* Duplicate groups for the stats; see dedup_groups.h. */
#include "dedup/dedup_groups.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static uint64_t *map_slot(struct u64_map *m, uint64_t key)
{
	if (!m->size) {
		m->size = 256;
		m->keys = xcalloc(m->size, sizeof(uint64_t));
		m->vals = xcalloc(m->size, sizeof(uint64_t));
	}
	size_t i = (size_t)mix64(key) & (m->size - 1);
	while (m->keys[i] && m->keys[i] != key + 1)
		i = (i + 1) & (m->size - 1);
	return &m->keys[i];
}

static int map_get(struct u64_map *m, uint64_t key, uint64_t *val)
{
	if (!m->size)
		return 0;
	uint64_t *k = map_slot(m, key);
	if (!*k)
		return 0;
	*val = m->vals[k - m->keys];
	return 1;
}

static void map_put(struct u64_map *m, uint64_t key, uint64_t val);

static void map_grow(struct u64_map *m)
{
	struct u64_map old = *m;
	m->size = old.size * 2;
	m->used = 0;
	m->keys = xcalloc(m->size, sizeof(uint64_t));
	m->vals = xcalloc(m->size, sizeof(uint64_t));
	for (size_t i = 0; i < old.size; i++)
		if (old.keys[i])
			map_put(m, old.keys[i] - 1, old.vals[i]);
	free(old.keys);
	free(old.vals);
}

static void map_put(struct u64_map *m, uint64_t key, uint64_t val)
{
	uint64_t *k = map_slot(m, key);
	if (!*k) {
		*k = key + 1;
		m->used++;
	}
	m->vals[k - m->keys] = val;
	if (m->used * 4 > m->size * 3)
		map_grow(m);
}

void dedup_groups_init(struct dedup_groups *g)
{
	memset(g, 0, sizeof(*g));
}

void dedup_groups_release(struct dedup_groups *g)
{
	free(g->root_of.keys);
	free(g->root_of.vals);
	free(g->size_of.keys);
	free(g->size_of.vals);
	memset(g, 0, sizeof(*g));
}

void dedup_groups_add(struct dedup_groups *g, uint64_t doc, uint64_t parent)
{
	uint64_t root = parent, n = 0;
	map_get(&g->root_of, parent, &root);
	map_put(&g->root_of, doc, root);
	map_get(&g->size_of, root, &n);
	map_put(&g->size_of, root, n + 1);
	g->removed++;
}

void dedup_groups_json(const struct dedup_groups *g, struct buf *out)
{
	uint64_t hist[65] = { 0 }, largest = 0, groups = 0;
	for (size_t i = 0; i < g->size_of.size; i++) {
		if (!g->size_of.keys[i])
			continue;
		uint64_t size = g->size_of.vals[i] + 1; /* the kept document counts */
		groups++;
		if (size > largest)
			largest = size;
		int bucket = 63 - __builtin_clzll(size); /* 2-3 -> 1, 4-7 -> 2, ... */
		hist[bucket]++;
	}
	buf_addf(out, "{\"groups\":%llu,\"removed\":%llu,\"largest\":%llu,\"sizes\":{",
		 (unsigned long long)groups, (unsigned long long)g->removed,
		 (unsigned long long)largest);
	int first = 1;
	for (int b = 1; b < 64; b++) {
		if (!hist[b])
			continue;
		buf_addf(out, "%s\"%llu-%llu\":%llu", first ? "" : ",", 1ULL << b,
			 (2ULL << b) - 1, (unsigned long long)hist[b]);
		first = 0;
	}
	buf_addstr(out, "}}");
}

size_t dedup_groups_bytes(const struct dedup_groups *g)
{
	return (g->root_of.size + g->size_of.size) * 2 * sizeof(uint64_t);
}
