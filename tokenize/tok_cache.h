/*
 * The per-thread piece cache of the encoder (tok_bpe.c): piece bytes -> ids, so that a piece
 * met again costs one lookup instead of a merge loop. It changes nothing in the output, only
 * the time; its size is fixed, so a thread's memory does not grow with the input.
 *
 * Two tables:
 *   - short pieces (at most 16 bytes) with at most 3 ids, nearly every piece of every script:
 *     the key and the ids are in the slot itself (32 bytes), two slots per 64-byte bucket, so
 *     a lookup reads one cache line. A new piece goes into the bucket's first slot and the one
 *     there moves to the second (the older one is dropped): pieces met often stay.
 *   - longer pieces (up to 128 bytes) or more ids: slots pointing into a key buffer and an id
 *     buffer, emptied at once when full.
 * A thread's cache holds TOK_CACHE_SHORT_SLOTS short pieces (4 MB); the mixed corpus of
 * bench/tokenize-corpus.js has about 10K distinct pieces per MB.
 */
#ifndef GRIST_TOK_CACHE_H
#define GRIST_TOK_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/buf.h"
#include "tokenize/tok_map.h"

#define TOK_CACHE_SHORT_KEY 16
#define TOK_CACHE_SHORT_IDS 3
#define TOK_CACHE_SHORT_BITS 16 /* buckets of two slots: 2^17 short pieces */
#define TOK_CACHE_LONG_KEY 128  /* longer pieces are not cached (fits the slot's u8 length) */

struct tok_cache_slot {
	uint64_t k0, k1;  /* the piece's bytes, zero-padded */
	uint32_t ids[TOK_CACHE_SHORT_IDS];
	uint8_t len, nids; /* len 0: empty */
	uint16_t unused;
};

struct tok_cache_bucket {
	struct tok_cache_slot s[2];
};

struct tok_cache_long_slot {
	uint32_t hash;
	uint16_t gen;           /* != cache gen: empty slot */
	uint8_t key_len, ids_n;
	uint32_t key_off, ids_off;
};

/* The memo of pair ranks for bytes_rank vocabularies (tok_vocab.h): (left id, right id) -> the
 * id of their concatenation (TOK_NONE: no token), direct-mapped, filled as the merge loop asks.
 * A pair's rank depends only on the two ids, so a remembered one is always right. */
#define TOK_PAIR_MEMO_BITS 15
struct tok_pair_memo {
	uint64_t key; /* ~(left << 32 | right), never 0 (ids are below TOK_NONE); 0: empty */
	uint32_t id;
};

struct tok_cache {
	struct tok_pair_memo *memo;
	struct tok_cache_bucket *buckets;
	struct tok_cache_long_slot *slots;
	size_t mask, count;
	uint16_t gen;
	struct buf keys;
	uint32_t *ids;
	size_t ids_n, ids_alloc;
};

void tok_cache_init(struct tok_cache *c);
void tok_cache_free(struct tok_cache *c);

/* The bucket of a short piece whose bytes tok_load16 gave as k0, k1, by its hash h =
 * tok_mix(n, k0, k1) (= tok_hash_bytes, which the vocabulary map and the long table use too). */
static inline struct tok_cache_bucket *tok_cache_bucket_h(const struct tok_cache *c, uint64_t h)
{
	return &c->buckets[(uint32_t)h >> (32 - TOK_CACHE_SHORT_BITS)];
}

/* The slot holding a short piece, or NULL. */
static inline const struct tok_cache_slot *tok_cache_find(const struct tok_cache_bucket *b, uint64_t k0,
							  uint64_t k1, size_t n)
{
	if (b->s[0].k0 == k0 && b->s[0].k1 == k1 && b->s[0].len == n)
		return &b->s[0];
	if (b->s[1].k0 == k0 && b->s[1].k1 == k1 && b->s[1].len == n)
		return &b->s[1];
	return NULL;
}

/* Stores a short piece's ids (nids <= TOK_CACHE_SHORT_IDS) in its bucket. */
static inline void tok_cache_put(struct tok_cache_bucket *b, uint64_t k0, uint64_t k1, size_t n,
				 const uint32_t *ids, size_t nids)
{
	b->s[1] = b->s[0];
	struct tok_cache_slot *s = &b->s[0];
	s->k0 = k0;
	s->k1 = k1;
	s->len = (uint8_t)n;
	s->nids = (uint8_t)nids;
	s->ids[0] = ids[0];
	s->ids[1] = nids > 1 ? ids[1] : 0;
	s->ids[2] = nids > 2 ? ids[2] : 0;
}

static inline struct tok_pair_memo *tok_pair_memo_slot(struct tok_cache *c, uint32_t left, uint32_t right)
{
	uint64_t k = ((uint64_t)left << 32 | right) * 0x9E3779B97F4A7C15ULL;
	return &c->memo[k >> (64 - TOK_PAIR_MEMO_BITS)];
}

/* Longer pieces: the ids of p[0..n) (n <= TOK_CACHE_LONG_KEY) and their count, or NULL. */
const uint32_t *tok_cache_long_get(const struct tok_cache *c, const char *p, size_t n, uint32_t hash,
				   size_t *nids);
void tok_cache_long_put(struct tok_cache *c, const char *p, size_t n, uint32_t hash, const uint32_t *ids,
			size_t nids);

#endif
