/*
 * Open-addressing hash tables used by the tokenizer: byte strings -> id (the vocabulary) and
 * id pairs -> merge (the merge table). Both are built once at load time and then only read,
 * so threads share them without locks. Keys of the string map are offsets into the
 * vocabulary's blob. Lookups are inline: the merge loop makes one per pair.
 */
#ifndef GRIST_TOK_MAP_H
#define GRIST_TOK_MAP_H

#include <stddef.h>
#include <stdint.h>

#define TOK_NONE UINT32_MAX

/* Loads 1 <= n <= 16 bytes into two words, zero-padded, without reading a byte outside
 * p[0..n) (overlapping loads). */
static inline void tok_load16(const void *src, size_t n, uint64_t *k0, uint64_t *k1)
{
	const unsigned char *p = src;
	uint64_t a, b = 0;
	if (n >= 8) {
		__builtin_memcpy(&a, p, 8);
		if (n > 8) {
			__builtin_memcpy(&b, p + n - 8, 8);
			b >>= 8 * (16 - n);
		}
	} else if (n >= 4) {
		uint32_t lo, hi;
		__builtin_memcpy(&lo, p, 4);
		__builtin_memcpy(&hi, p + n - 4, 4);
		a = lo | (uint64_t)hi << (8 * (n - 4));
	} else {
		a = p[0] | (uint64_t)p[n / 2] << (8 * (n / 2)) | (uint64_t)p[n - 1] << (8 * (n - 1));
	}
	*k0 = a;
	*k1 = b;
}

static inline uint64_t tok_mix(uint64_t h, uint64_t a, uint64_t b)
{
	h = (h ^ a) * 0x9E3779B97F4A7C15ULL;
	h = (h ^ (h >> 29) ^ b) * 0xBF58476D1CE4E5B9ULL;
	return h ^ (h >> 32);
}

/* A fast hash of a byte string for the in-memory tables (never stored: it may change). */
static inline uint64_t tok_hash_bytes(const void *src, size_t n)
{
	const unsigned char *p = src;
	uint64_t h = n, a, b;
	for (; n > 16; p += 16, n -= 16) {
		__builtin_memcpy(&a, p, 8);
		__builtin_memcpy(&b, p + 8, 8);
		h = tok_mix(h, a, b);
	}
	if (!n)
		return tok_mix(h, 0, 0);
	tok_load16(p, n, &a, &b);
	return tok_mix(h, a, b);
}

/* size bytes (uninitialized, freed with free()), on transparent huge pages from 2 MiB up where
 * the kernel offers them: fewer page faults and TLB misses over a large table. */
void *tok_table_alloc(size_t size);

/* Byte string -> id. Slots hold offsets into one key buffer (`base`, the vocabulary's blob):
 * 16 bytes each, so a probe reads one slot. */
struct tok_strmap_slot {
	uint32_t hash; /* the high half of tok_hash_bytes */
	uint32_t id;   /* TOK_NONE: empty slot */
	uint32_t off, len;
};

struct tok_strmap {
	struct tok_strmap_slot *slots;
	const char *base;
	size_t mask;   /* capacity - 1 (power of two) */
	size_t count;
};

/* Room for `expected` keys, all in base[]. */
void tok_strmap_init(struct tok_strmap *m, size_t expected, const char *base);
void tok_strmap_free(struct tok_strmap *m);
/* Adds base[off..off+len) -> id. Returns the existing id if that key is already present (and
 * stores nothing), else TOK_NONE. */
uint32_t tok_strmap_put(struct tok_strmap *m, uint32_t off, uint32_t len, uint32_t id);

static inline uint32_t tok_strmap_get_h(const struct tok_strmap *m, const char *key, uint32_t len,
					uint64_t h)
{
	uint32_t hh = (uint32_t)(h >> 32);
	for (size_t i = (size_t)h & m->mask;; i = (i + 1) & m->mask) {
		const struct tok_strmap_slot *s = &m->slots[i];
		if (s->id == TOK_NONE)
			return TOK_NONE;
		if (s->hash == hh && s->len == len && !__builtin_memcmp(m->base + s->off, key, len))
			return s->id;
	}
}

/* The same for a key of 1 to 16 bytes given as tok_load16's two words and its hash
 * (tok_mix(len, k0, k1), which is tok_hash_bytes), compared as words instead of by memcmp. */
static inline uint32_t tok_strmap_get_words(const struct tok_strmap *m, uint64_t k0, uint64_t k1,
					    uint32_t len, uint64_t h)
{
	uint64_t s0, s1;
	uint32_t hh = (uint32_t)(h >> 32);
	for (size_t i = (size_t)h & m->mask;; i = (i + 1) & m->mask) {
		const struct tok_strmap_slot *s = &m->slots[i];
		if (s->id == TOK_NONE)
			return TOK_NONE;
		if (s->hash == hh && s->len == len) {
			tok_load16(m->base + s->off, len, &s0, &s1);
			if (s0 == k0 && s1 == k1)
				return s->id;
		}
	}
}

/* The same from the key's bytes. */
static inline uint32_t tok_strmap_get_short(const struct tok_strmap *m, const char *key, uint32_t len)
{
	uint64_t k0, k1;
	tok_load16(key, len, &k0, &k1);
	return tok_strmap_get_words(m, k0, k1, len, tok_mix(len, k0, k1));
}

static inline uint32_t tok_strmap_get(const struct tok_strmap *m, const char *key, uint32_t len)
{
	if (!m->slots)
		return TOK_NONE;
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
