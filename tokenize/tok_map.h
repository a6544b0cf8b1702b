/*
 * Open-addressing hash tables used by the tokenizer: byte strings -> id (the vocabulary) and
 * id pairs -> merge (the merge table). Both are built once at load time and then only read,
 * so threads share them without locks. Keys of the string map point into the vocabulary's blob.
 */
#ifndef GRIST_TOK_MAP_H
#define GRIST_TOK_MAP_H

#include <stddef.h>
#include <stdint.h>

#define TOK_NONE UINT32_MAX

struct tok_strmap_slot {
	uint64_t hash;
	const char *key;
	uint32_t len;
	uint32_t id;   /* TOK_NONE: empty slot */
};

struct tok_strmap {
	struct tok_strmap_slot *slots;
	size_t mask;   /* capacity - 1 (power of two) */
	size_t count;
};

void tok_strmap_init(struct tok_strmap *m, size_t expected);
void tok_strmap_free(struct tok_strmap *m);
uint64_t tok_hash_bytes(const void *p, size_t n);
/* Returns the existing id if key is already present (and stores nothing), else TOK_NONE. */
uint32_t tok_strmap_put(struct tok_strmap *m, const char *key, uint32_t len, uint32_t id);

static inline uint32_t tok_strmap_get_h(const struct tok_strmap *m, const char *key, uint32_t len,
					uint64_t h)
{
	size_t i = (size_t)h & m->mask;
	for (;;) {
		const struct tok_strmap_slot *s = &m->slots[i];
		if (s->id == TOK_NONE)
			return TOK_NONE;
		if (s->hash == h && s->len == len && !__builtin_memcmp(s->key, key, len))
			return s->id;
		i = (i + 1) & m->mask;
	}
}

static inline uint32_t tok_strmap_get(const struct tok_strmap *m, const char *key, uint32_t len)
{
	return tok_strmap_get_h(m, key, len, tok_hash_bytes(key, len));
}

/* (left id, right id) -> (rank, merged id) */
struct tok_pair_slot {
	uint64_t key;  /* left << 32 | right; UINT64_MAX: empty */
	uint32_t rank;
	uint32_t id;
};

struct tok_pairmap {
	struct tok_pair_slot *slots;
	size_t mask;
	size_t count;
};

void tok_pairmap_init(struct tok_pairmap *m, size_t expected);
void tok_pairmap_free(struct tok_pairmap *m);
/* Inserts or overwrites. */
void tok_pairmap_set(struct tok_pairmap *m, uint32_t left, uint32_t right, uint32_t rank, uint32_t id);

static inline uint64_t tok_pair_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

/* The slot for (left, right), or NULL. */
static inline const struct tok_pair_slot *tok_pairmap_get(const struct tok_pairmap *m,
							  uint32_t left, uint32_t right)
{
	uint64_t k = (uint64_t)left << 32 | right;
	size_t i = (size_t)tok_pair_hash(k) & m->mask;
	for (;;) {
		const struct tok_pair_slot *s = &m->slots[i];
		if (s->key == k)
			return s;
		if (s->key == UINT64_MAX)
			return NULL;
		i = (i + 1) & m->mask;
	}
}

#endif
