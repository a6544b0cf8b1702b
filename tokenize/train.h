/*
 * Byte-level BPE training (`grist tokenize train`, docs/design.md section 6), as library code:
 * nothing here prints or exits; errors come back as -1 with a message in a caller's buf.
 *
 * The pipeline:
 *   1. train_split_*     pre-tokenize text into pieces (PCRE2, UTF + UCP, JIT);
 *   2. train_pieces_*    count distinct pieces: a per-batch table in each worker, merged in
 *                        input order into one global table, pruned to --max-pieces;
 *   3. train_bpe()       learn merges from the piece counts: pair counts updated by each
 *                        merge's delta, an indexed max-heap, 64-bit counts;
 *   4. train_write_*     HuggingFace tokenizer.json and .tiktoken.
 *
 * Id layout: ids 0-255 are the single bytes (by byte value), learned tokens follow in the
 * order they were first created, special tokens come last.
 *
 * Tie-break (documented in the README): the pair with the highest count wins; among equal
 * counts, the pair whose (left, right) tokens come first in HuggingFace's id order, comparing
 * the left token first. HuggingFace's BpeTrainer numbers the byte tokens in the order of their
 * GPT-2 byte-to-unicode code points (printable bytes first, then the 68 remapped ones) and
 * learned tokens in creation order, so on the same pieces grist learns the same merges.
 */
#ifndef GRIST_TRAIN_H
#define GRIST_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/* ---- pre-tokenization ---- */

struct train_splitter;
struct train_split_state;

/* The regex for a known pattern name (gpt2, cl100k, o200k), else NULL. */
const char *train_pattern_regex(const char *name);
/* Compile a pattern name or a PCRE2 regex. NULL with a message in err if it does not compile. */
struct train_splitter *train_splitter_new(const char *name_or_regex, struct buf *err);
void train_splitter_free(struct train_splitter *s);
/* GPT-2's pattern splits ASCII by hand (PCRE2 decides near non-ASCII); 0 forces PCRE2 always. */
void train_splitter_set_fast(struct train_splitter *s, int on);
/* The regex text (for tokenizer.json). */
const char *train_splitter_regex(const struct train_splitter *s);
/* Per-thread match state. */
struct train_split_state *train_split_state_new(const struct train_splitter *s);
void train_split_state_free(struct train_split_state *st);

typedef void (*train_piece_fn)(void *ctx, const char *p, size_t n);
/*
 * Split valid UTF-8 text into pieces as HuggingFace's Split(Isolated) does: every match is a
 * piece and so is any text between matches (the known patterns match everything). Empty
 * matches produce no piece. Returns 0, or -1 with a message (a PCRE2 match error).
 */
int train_split(const struct train_splitter *s, struct train_split_state *st, const char *text,
		size_t len, train_piece_fn fn, void *ctx, struct buf *err);

/* ---- piece counting ---- */

struct train_piece {
	uint64_t count;
	uint64_t off; /* into the table's byte arena; pieces of up to 8 bytes are stored here */
	uint32_t len;
	uint32_t hash;
};

struct train_pieces {
	struct train_piece *e; /* entries, in insertion order */
	size_t n, alloc;
	uint64_t *slot;        /* open addressing: hash << 32 | (entry index + 1), 0 = empty */
	size_t nslots;         /* power of two */
	struct buf bytes;      /* the pieces' bytes */
	uint64_t total;        /* sum of counts added (including pruned ones) */
	uint64_t pruned_pieces, pruned_count; /* removed by train_pieces_prune */
	uint64_t min_kept;     /* the prune threshold reached: pieces with count below it were dropped */
};

void train_pieces_init(struct train_pieces *t);
void train_pieces_release(struct train_pieces *t);
void train_pieces_reset(struct train_pieces *t); /* empty, keeps memory */
void train_pieces_add(struct train_pieces *t, const char *p, size_t n, uint64_t count);
static inline const char *train_piece_bytes(const struct train_pieces *t, const struct train_piece *e)
{
	return e->len <= 8 ? (const char *)&e->off : t->bytes.data + e->off;
}
/* Append every entry as [u64 count][u32 len][bytes] (host order; for passing between threads). */
void train_pieces_serialize(const struct train_pieces *t, struct buf *out);
/* Add serialized entries. -1 on a malformed buffer. */
int train_pieces_add_serialized(struct train_pieces *t, const char *p, size_t n);
/*
 * Keep the table at most `max` entries: drop the pieces with the lowest counts (count < k for
 * the smallest k that leaves at most max/2 entries, so pruning is rare), in a deterministic way
 * (the result depends only on the table's contents and insertion order).
 */
void train_pieces_prune(struct train_pieces *t, size_t max);
/* Approximate bytes used. */
size_t train_pieces_memory(const struct train_pieces *t);

/* ---- BPE ---- */

struct train_params {
	uint32_t vocab_size;       /* total, including 256 bytes and the specials */
	uint32_t nspecials;
	const char *const *specials; /* their text (UTF-8), to keep learned tokens distinct */
	uint64_t min_frequency;    /* a merge needs a count >= this (and >= 1) */
	uint32_t max_token_length; /* bytes; 0 = unlimited */
	int release_pieces;        /* free the piece table once the words are built */
	/* progress: called every ~1000 merges (may be NULL) */
	void (*progress)(void *ctx, uint32_t merges, uint32_t target);
	void *progress_ctx;
};

struct train_merge {
	uint32_t left, right, id; /* id may repeat an earlier token (same bytes, other split) */
};

struct train_result {
	uint32_t ntokens;      /* non-special tokens: 256 + distinct learned ones */
	char *tok_bytes;       /* token i is tok_bytes[tok_off[i] .. tok_off[i] + tok_len[i]) */
	uint64_t *tok_off;
	uint32_t *tok_len;
	struct train_merge *merges;
	uint32_t nmerges;
	/* figures for --stats */
	uint64_t words, symbols, pairs_created;
	uint64_t last_count;   /* count of the last merge */
	size_t peak_memory;    /* approximate bytes of the merge phase's tables */
};

/*
 * Learn merges from the piece table (released once read when p->release_pieces). -1 with a
 * message on a parameter error.
 */
int train_bpe(struct train_pieces *pieces, const struct train_params *p,
	      struct train_result *r, struct buf *err);
void train_result_release(struct train_result *r);

/* GPT-2's byte-to-unicode code point of a byte, and its position in code point order. */
uint32_t train_byte_codepoint(unsigned b);
uint32_t train_byte_order(unsigned b);
/* Append the byte-level spelling (UTF-8) of bytes. */
void train_spell(struct buf *out, const char *p, size_t n);

/* ---- output ---- */

/* A HuggingFace tokenizer.json (pretty-printed, deterministic), NUL-terminated in out. */
int train_write_hf(const struct train_result *r, const char *regex, const char *const *specials,
		   uint32_t nspecials, struct buf *out, struct buf *err);
/* A .tiktoken file: "base64(bytes) id" for every non-special token, in id order. */
void train_write_tiktoken(const struct train_result *r, struct buf *out);

#endif
