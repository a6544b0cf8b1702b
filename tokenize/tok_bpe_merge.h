/*
 * The BPE merge loop of tok_bpe.c: given a piece's initial symbols (bytes, characters or HF
 * affixed characters as token ids), merges the adjacent pair of lowest rank, leftmost first,
 * until no pair has a rank, exactly as tiktoken and HuggingFace tokenizers do.
 *
 * Two implementations with the same result (tests/unit/test_tok_bpe.c checks both against a
 * plain reference on random vocabularies):
 *   - an array scan for pieces of up to TOK_BPE_SCAN_MAX symbols (nearly all of them): each
 *     merge looks for the least rank and moves the symbols after the merged pair down;
 *   - a binary heap over a linked list for longer pieces (CJK or Thai runs, long numbers or
 *     identifiers, a document without spaces), so a piece of n symbols costs O(n log n), not
 *     the scan's O(n^2).
 * A pair's rank is the id of its bytes for tiktoken files (bytes_rank, as tiktoken computes
 * it: a two-byte table, then the thread's memo, then the vocabulary map), else its merge rank.
 */
#ifndef GRIST_TOK_BPE_MERGE_H
#define GRIST_TOK_BPE_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "tokenize/tok_bpe.h"
#include "tokenize/tok_cache.h"

#define TOK_BPE_SCAN_MAX 48 /* symbols: the scan up to this many, the heap above */

/* One merge loop's inputs: the vocabulary, the piece (p[0..len)), and the thread's memo of
 * pair ranks (tok_cache.h; NULL: none). */
struct tok_bpe_run {
	const struct tok_vocab *v;
	const char *p;
	uint32_t len;
	struct tok_cache *memo;
};

/* A symbol: its token id and the offset in p of its first byte (read for bytes_rank
 * vocabularies only); rank and merged are the loops' own. */
struct tok_bpe_sym {
	uint32_t id, off, rank, merged;
};

/*
 * Merges the m >= 1 symbols y[0..m) (y[m].off = len; y is overwritten) and appends the
 * resulting ids to out. force: 0 picks by m, 1 the scan, 2 the heap (tests).
 */
void tok_bpe_merge(const struct tok_bpe_run *r, struct tok_bpe_sym *y, size_t m, int force,
		   struct tok_ids *out);

#endif
