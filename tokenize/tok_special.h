/*
 * Added / special tokens found in a text as HuggingFace tokenizers finds them with its default
 * split_special_tokens=false (tiktoken's encode(allowed_special="all") is the same for its
 * flagless specials): leftmost, then longest, non-overlapping; `lstrip` / `rstrip` take the
 * white space beside a match into it; `single_word` skips a match touching a word character.
 * HF matches tokens with normalized=false on the raw text and those with normalized=true on
 * each normalized segment between them: `normalized` selects which set a call matches.
 */
#ifndef GRIST_TOK_SPECIAL_H
#define GRIST_TOK_SPECIAL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "tokenize/tok_vocab.h"

/* Text between tokens (possibly empty); returns 0 or -1 with err set. */
typedef int (*tok_gap_fn)(void *ctx, const char *text, size_t len, struct buf *err);
typedef void (*tok_id_fn)(void *ctx, uint32_t id);

int tok_special_split(const struct tok_vocab *v, int normalized, const char *text, size_t len,
		      tok_gap_fn gap, tok_id_fn tok, void *ctx, struct buf *err);

/* Does the vocabulary have added tokens with normalized = (flag)? */
int tok_special_any(const struct tok_vocab *v, int normalized);

#endif
