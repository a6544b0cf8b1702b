/* The encoder's per-thread piece cache (see tok_cache.h). */
#include "tokenize/tok_cache.h"

#include <stdlib.h>

#include "lib/xalloc.h"

#define LONG_ENTRIES (1u << 15) /* emptied when this many long pieces are held */

void tok_cache_init(struct tok_cache *c)
{
	memset(c, 0, sizeof(*c));
	c->memo = xcalloc((size_t)1 << TOK_PAIR_MEMO_BITS, sizeof(*c->memo));
	size_t bsize = ((size_t)1 << TOK_CACHE_SHORT_BITS) * sizeof(*c->buckets);
	c->buckets = tok_table_alloc(bsize); /* 4 MB read at random: huge pages */
	memset(c->buckets, 0, bsize);
	c->slots = xcalloc(LONG_ENTRIES * 2, sizeof(*c->slots));
	c->mask = LONG_ENTRIES * 2 - 1;
	c->gen = 1;
	buf_init(&c->keys, 1 << 16);
}

void tok_cache_free(struct tok_cache *c)
{
	free(c->memo);
	free(c->buckets);
	free(c->slots);
	buf_release(&c->keys);
	free(c->ids);
	memset(c, 0, sizeof(*c));
}

const uint32_t *tok_cache_long_get(const struct tok_cache *c, const char *p, size_t n, uint32_t hash,
				   size_t *nids)
{
	for (size_t i = hash & c->mask;; i = (i + 1) & c->mask) {
		const struct tok_cache_long_slot *s = &c->slots[i];
		if (s->gen != c->gen)
			return NULL;
		if (s->hash == hash && s->key_len == n && !memcmp(c->keys.data + s->key_off, p, n)) {
			*nids = s->ids_n;
			return c->ids + s->ids_off;
		}
	}
}

void tok_cache_long_put(struct tok_cache *c, const char *p, size_t n, uint32_t hash, const uint32_t *ids,
			size_t nids)
{
	if (c->count >= LONG_ENTRIES) {
		if (++c->gen == 0) {
			memset(c->slots, 0, (c->mask + 1) * sizeof(*c->slots));
			c->gen = 1;
		}
		c->count = 0;
		buf_reset(&c->keys);
		c->ids_n = 0;
	}
	size_t i = hash & c->mask;
	while (c->slots[i].gen == c->gen)
		i = (i + 1) & c->mask;
	struct tok_cache_long_slot *s = &c->slots[i];
	s->hash = hash;
	s->gen = c->gen;
	s->key_off = (uint32_t)c->keys.len;
	s->key_len = (uint8_t)n;
	buf_add(&c->keys, p, n);
	s->ids_off = (uint32_t)c->ids_n;
	s->ids_n = (uint8_t)nids;
	if (nids) {
		ALLOC_GROW(c->ids, c->ids_n + nids, c->ids_alloc);
		memcpy(c->ids + c->ids_n, ids, nids * sizeof(uint32_t));
		c->ids_n += nids;
	}
	c->count++;
}
