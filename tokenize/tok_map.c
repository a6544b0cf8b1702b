/* Hash tables for the tokenizer (see tok_map.h). */
#include "tokenize/tok_map.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/xalloc.h"

#define HUGE_PAGE ((size_t)2 << 20)

static size_t cap_for(size_t expected)
{
	size_t cap = 16;
	while (cap < expected * 2 + 2)
		cap <<= 1;
	return cap;
}

/* A table of `size` bytes; from 2 MiB up on transparent huge pages where the kernel offers them
 * on request (madvise mode): filling 8 MB of slots then costs 4 page faults instead of 2048. */
void *tok_table_alloc(size_t size)
{
#ifdef MADV_HUGEPAGE
	if (size >= HUGE_PAGE) {
		void *p = NULL;
		if (!posix_memalign(&p, HUGE_PAGE, size)) {
			madvise(p, size, MADV_HUGEPAGE);
			return p;
		}
	}
#endif
	return xmalloc(size);
}

void tok_strmap_init(struct tok_strmap *m, size_t expected, const char *base)
{
	size_t cap = cap_for(expected);
	m->slots = tok_table_alloc(cap * sizeof(*m->slots));
	memset(m->slots, 0xFF, cap * sizeof(*m->slots)); /* id TOK_NONE: empty */
	m->base = base;
	m->mask = cap - 1;
	m->count = 0;
}

void tok_strmap_free(struct tok_strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static void strmap_rehash(struct tok_strmap *m)
{
	struct tok_strmap old = *m;
	tok_strmap_init(m, old.mask + 1, old.base);
	for (size_t i = 0; i <= old.mask; i++)
		if (old.slots[i].id != TOK_NONE)
			tok_strmap_put(m, old.slots[i].off, old.slots[i].len, old.slots[i].id);
	free(old.slots);
}

uint32_t tok_strmap_put(struct tok_strmap *m, uint32_t off, uint32_t len, uint32_t id)
{
	if ((m->count + 1) * 2 > m->mask + 1)
		strmap_rehash(m);
	const char *key = m->base + off;
	uint64_t h = tok_hash_bytes(key, len);
	uint32_t hh = (uint32_t)(h >> 32);
	for (size_t i = (size_t)h & m->mask;; i = (i + 1) & m->mask) {
		struct tok_strmap_slot *s = &m->slots[i];
		if (s->id == TOK_NONE) {
			*s = (struct tok_strmap_slot){ hh, id, off, len };
			m->count++;
			return TOK_NONE;
		}
		if (s->hash == hh && s->len == len && !memcmp(m->base + s->off, key, len))
			return s->id;
	}
}

void tok_pairmap_init(struct tok_pairmap *m, size_t expected)
{
	size_t cap = cap_for(expected);
	m->slots = xmalloc(cap * sizeof(*m->slots));
	for (size_t i = 0; i < cap; i++)
		m->slots[i].key = UINT64_MAX;
	m->mask = cap - 1;
	m->count = 0;
}

void tok_pairmap_free(struct tok_pairmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static void pairmap_rehash(struct tok_pairmap *m)
{
	struct tok_pairmap old = *m;
	tok_pairmap_init(m, old.mask + 1);
	for (size_t i = 0; i <= old.mask; i++)
		if (old.slots[i].key != UINT64_MAX)
			tok_pairmap_set(m, (uint32_t)(old.slots[i].key >> 32),
					(uint32_t)old.slots[i].key, old.slots[i].rank, old.slots[i].id);
	free(old.slots);
}

void tok_pairmap_set(struct tok_pairmap *m, uint32_t left, uint32_t right, uint32_t rank, uint32_t id)
{
	if ((m->count + 1) * 2 > m->mask + 1)
		pairmap_rehash(m);
	uint64_t k = (uint64_t)left << 32 | right;
	size_t i = (size_t)tok_pair_hash(k) & m->mask;
	for (;;) {
		struct tok_pair_slot *s = &m->slots[i];
		if (s->key == UINT64_MAX) {
			s->key = k;
			m->count++;
			break;
		}
		if (s->key == k)
			break;
		i = (i + 1) & m->mask;
	}
	m->slots[i].rank = rank;
	m->slots[i].id = id;
}
