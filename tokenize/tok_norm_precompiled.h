/*
 * HF tokenizers' Precompiled normalizer (SentencePiece's precompiled_charsmap), see
 * tok_norm_precompiled.c for the format and the rules.
 */
#ifndef GRIST_TOK_NORM_PRECOMPILED_H
#define GRIST_TOK_NORM_PRECOMPILED_H

#include <stddef.h>

#include "lib/buf.h"

struct tok_precompiled;

/* Reads a decoded charsmap (blob stays owned by the caller and must outlive the result).
 * Returns 0; -1 with err saying why tokenizers refuses it too (it does not parse); -2 with err
 * saying why tokenizers would fail on some text (a lookup outside the trie or the strings). */
int tok_precompiled_new(const unsigned char *blob, size_t len, struct tok_precompiled **out,
			struct buf *err);
void tok_precompiled_free(struct tok_precompiled *pc);
/* Appends the normalized form of s[0..n) (valid UTF-8) to out. */
void tok_precompiled_apply(const struct tok_precompiled *pc, const char *s, size_t n, struct buf *out);

#endif
