/*
 * HF tokenizers' normalizers (tok_vocab.h, struct tok_norm) applied to a text segment:
 * Unicode normalization forms with utf8proc, lowercase as Rust's str::to_lowercase, strip,
 * strip accents, replace (string or regex), prepend.
 */
#ifndef GRIST_TOK_NORM_H
#define GRIST_TOK_NORM_H

#include <stddef.h>

#include "lib/buf.h"
#include "tokenize/tok_vocab.h"

struct tok_normalizer {
	const struct tok_vocab *v;
	void **re; /* per step: pcre2_code_8 * for TOK_NORM_REPLACE_RE, struct tok_precompiled *
		    * for TOK_NORM_PRECOMPILED, else NULL */
};

int tok_norm_init(struct tok_normalizer *n, const struct tok_vocab *v, struct buf *err);
void tok_norm_free(struct tok_normalizer *n);

/*
 * Normalizes text[0..len) (valid UTF-8) into out; tmp is scratch. Returns 0, or -1 with err
 * set. With no steps, out is a copy of the text.
 */
int tok_norm_apply(const struct tok_normalizer *n, const char *text, size_t len, struct buf *out,
		   struct buf *tmp, struct buf *err);

#endif
