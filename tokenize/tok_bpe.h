/*
 * Byte-level BPE encoding and decoding with a loaded vocabulary (tok_vocab.h).
 *
 * A text is cut at special tokens (only with allow_special), pre-tokenized into pieces
 * (tok_pretok.h), and each piece becomes ids: from the per-thread piece cache, else by
 * whole-piece lookup (tiktoken files and HF ignore_merges), else by the merge loop, which always
 * merges the adjacent pair of lowest rank, leftmost first, exactly as tiktoken and HuggingFace
 * do. Short pieces use a plain array scan; long ones a heap over a linked list, so a 1 MB piece
 * costs O(n log n), not tiktoken's O(n^2).
 */
#ifndef GRIST_TOK_BPE_H
#define GRIST_TOK_BPE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "tokenize/tok_norm.h"
#include "tokenize/tok_pretok.h"
#include "tokenize/tok_vocab.h"

struct tok_ids {
	uint32_t *v;
	size_t n, alloc;
};

void tok_ids_push(struct tok_ids *ids, uint32_t id);
void tok_ids_release(struct tok_ids *ids);

/* Shared, read-only after init. */
struct tok_encoder {
	const struct tok_vocab *vocab;
	struct tok_normalizer norm;
	struct tok_pretok pretok;
	int normalized_specials; /* added tokens matched after normalization exist */
};

int tok_encoder_init(struct tok_encoder *e, const struct tok_vocab *v, int use_fast, struct buf *err);
void tok_encoder_free(struct tok_encoder *e);

struct tok_state; /* per thread */
struct tok_state *tok_state_new(const struct tok_encoder *e);
void tok_state_free(struct tok_state *st);

/*
 * Appends the ids of text to out. Returns 0, or -1 with err set (invalid UTF-8, naming the
 * byte offset; a regex failure).
 */
int tok_encode(struct tok_state *st, const char *text, size_t len, int allow_special,
	       struct tok_ids *out, struct buf *err);

/* BPE of one pre-token piece (no cache). Exposed for tests: force 0 = automatic, 1 = array
 * scan, 2 = heap. */
void tok_bpe_piece(const struct tok_vocab *v, const char *p, size_t n, int force, struct tok_ids *out);

/*
 * Appends the text of ids to out: the tokens' bytes (tiktoken, GPT-2 files), or a
 * tokenizer.json's decoder applied as tokenizers' decode(ids, skip_special_tokens=false) does
 * (tokens joined by spaces when it has none). Returns 0 or -1 (err names the bad id and its
 * index, or the unsupported decoder). The result may be invalid UTF-8 (a sequence cut inside a
 * character); tokenizers shows U+FFFD there.
 */
int tok_decode(const struct tok_vocab *v, const uint32_t *ids, size_t n, struct buf *out, struct buf *err);

#endif
