/*
 * The single-process LSH index (DESIGN.md section 7): band tables holding every earlier
 * document, and the b-bit signatures used to confirm band matches and to verify candidates.
 *
 * lsh_index_add() answers "what is the earliest earlier document this one is a (verified)
 * candidate duplicate of?" and then adds the document. The answer is exactly the one the
 * sharded match + cluster steps compute: minimum over bands of the earliest earlier document
 * whose band key is equal, whose b-bit band rows are equal and (when verifying) whose
 * signature agrees in at least min_matches bytes.
 *
 * Memory per document: one 8-byte slot (32-bit band key, 32-bit storage index) per band in
 * open-addressing tables kept between 57% and 85% full, plus k + 4 bytes of stored signature
 * and document number. A document whose b-bit signature and band keys equal those of a stored
 * document is not stored again: every later decision comes out the same with either copy, so
 * a million exact copies cost one entry, not a million-long probe chain.
 *
 * Not thread-safe (one writer); the signatures it is fed can be computed on many threads.
 */
#ifndef GRIST_DEDUP_LSH_INDEX_H
#define GRIST_DEDUP_LSH_INDEX_H

#include <stddef.h>
#include <stdint.h>

struct lsh_band_table {
	uint64_t *slots; /* 0 = empty; else key << 32 | (storage index + 1) */
	size_t size, used;
};

struct lsh_index {
	int bands, rows, k;
	int min_matches;        /* verification threshold in agreeing bytes; 0 = none */
	struct lsh_band_table *tab;
	uint8_t **chunks;       /* stored records: k bytes of b-bit signature + u32 doc number */
	size_t nchunks, alloc_chunks;
	uint32_t nstored;
	uint32_t ndocs;         /* documents added so far (numbers 0..ndocs-1) */
	uint64_t stored_skipped; /* documents not stored because an identical one was */
};

void lsh_index_init(struct lsh_index *ix, int bands, int rows, int min_matches);
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
