/*
 * The single-process LSH index (docs/dedup.md): band tables over earlier documents, and
 * the b-bit signatures used to confirm band matches and to verify candidates.
 *
 * lsh_index_add() answers "what is the earliest earlier document this one is a (verified)
 * candidate duplicate of?" and then adds the document. The answer is exactly the one the
 * sharded match + cluster steps compute: the minimum over bands of the earliest *eligible*
 * earlier document whose band key is equal, whose b-bit band rows are equal and (when
 * verifying) whose signature agrees in at least min_matches bytes. Eligible: the first
 * `bucket_cap` documents (in input order) with that band key; later ones are compared against
 * them but not added to that band's bucket. Without the cap, a bucket of boilerplate (a
 * template shared by 100,000 pages, each differing elsewhere) makes every lookup scan and
 * verify against all of it: quadratic. Copies of a document find the original among the first
 * members, so they are still all removed.
 *
 * Memory per document: one 8-byte slot (32-bit band key, 32-bit document number) per band in
 * Robin Hood open-addressing tables kept 72%-90% full (about 9.9 B per band on average), plus k bytes of
 * b-bit signature. Not thread-safe (one writer); signatures can be computed on many threads.
 */
#ifndef GRIST_DEDUP_LSH_INDEX_H
#define GRIST_DEDUP_LSH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#define LSH_DEFAULT_BUCKET_CAP 32

struct lsh_band_table {
	uint64_t *slots; /* 0 = empty; else key << 32 | (document number + 1) */
	size_t size, used;
};

struct lsh_index {
	int bands, rows, k;
	int min_matches;        /* verification threshold in agreeing bytes; 0 = none */
	uint32_t bucket_cap;    /* 0 = unlimited */
	struct lsh_band_table *tab;
	uint8_t **chunks;       /* b-bit signatures, k bytes per document */
	size_t nchunks, alloc_chunks;
	uint32_t ndocs;         /* documents added so far (numbers 0..ndocs-1) */
	uint64_t capped;        /* (document, band) entries left out of a full bucket */
};

void lsh_index_init(struct lsh_index *ix, int bands, int rows, int min_matches,
		    uint32_t bucket_cap);
void lsh_index_release(struct lsh_index *ix);

/*
 * Look document number ix->ndocs up, then add it. keys: its band keys; bsig: its b-bit
 * signature (k bytes). Returns the earliest matching earlier document number, or -1.
 * Returns -2 when the index is full (2^32 - 1 documents); the caller reports it.
 */
int64_t lsh_index_add(struct lsh_index *ix, const uint32_t *keys, const uint8_t *bsig);

/* Bytes currently allocated by the index. */
size_t lsh_index_bytes(const struct lsh_index *ix);

#endif
