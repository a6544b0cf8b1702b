/*
 * Pre-tokenization: the steps of a vocabulary (regex splits, HF's prefix space) applied to a
 * text, handing each final piece to a callback. Regexes are PCRE2 in UTF + UCP mode with JIT;
 * `\s` and `\S` are rewritten to Unicode White_Space, which is what the reference engines
 * (Rust's regex in tiktoken, Oniguruma in HuggingFace tokenizers) mean by them, while PCRE2's own
 * `\s` also matches U+180E. Known patterns (gpt2, cl100k, o200k) may use hand-written splitters,
 * proven equal to PCRE2 by tests/unit/test_tok_split.c.
 */
#ifndef GRIST_TOK_PRETOK_H
#define GRIST_TOK_PRETOK_H

#include <stddef.h>

#include "lib/buf.h"
#include "tokenize/tok_vocab.h"

struct tok_pretok_step {
	enum tok_step_kind kind;
	int mode;
	int invert;
	void *re;      /* pcre2_code_8 * */
	int fast;      /* TOK_FAST_* hand-written splitter, 0 for PCRE2 */
	const char *rep; /* METASPACE: the replacement (UTF-8), its length, split */
	size_t rep_len;
	int split;
};

enum { TOK_FAST_NONE = 0, TOK_FAST_CL100K = 1, TOK_FAST_O200K = 2, TOK_FAST_GPT2 = 3 };

struct tok_pretok {
	struct tok_pretok_step *steps;
	size_t n_steps;
};

/* Per-thread matching state. */
struct tok_pretok_state {
	void *md;      /* pcre2_match_data_8 * */
	void *mctx;    /* pcre2_match_context_8 * */
	void *jstack;  /* pcre2_jit_stack_8 * */
	struct buf *scratch; /* one per step (prefix-space copies) */
	size_t n_scratch;
	/* Set by the caller before tok_pretok_run: the start of the text when it begins at offset
	 * 0 of the document (HF's offsets_original().0 == 0, Metaspace prepend_scheme "first"),
	 * else NULL. */
	const char *doc_start;
	/* Optional, set by the caller: where a hand-written splitter that is the last step hands
	 * its pieces, a batch at a time, instead of one call of tok_piece_fn per piece. text[0..len)
	 * is the text that step splits (the caller's, or a copy an earlier step made); piece i is
	 * text[i ? ends[i - 1] : start .. ends[i]). */
	void (*pieces_fn)(void *ctx, const char *text, size_t len, size_t start, const size_t *ends, size_t n);
};

/* use_fast: allow the hand-written splitter for known patterns. */
int tok_pretok_init(struct tok_pretok *p, const struct tok_vocab *v, int use_fast, struct buf *err);
void tok_pretok_free(struct tok_pretok *p);
void tok_pretok_state_init(struct tok_pretok_state *st, const struct tok_pretok *p);
void tok_pretok_state_free(struct tok_pretok_state *st);

typedef void (*tok_piece_fn)(void *ctx, const char *piece, size_t len);

/* text must be valid UTF-8 (see utf8_valid_prefix in lib/utf8.h). Returns 0, or -1 with err set on a regex error. */
int tok_pretok_run(const struct tok_pretok *p, struct tok_pretok_state *st, const char *text,
		   size_t len, tok_piece_fn fn, void *ctx, struct buf *err);

/* Compiles a pattern as the pre-tokenizer does (for tests). Returns a pcre2_code_8 * or NULL. */
void *tok_regex_compile(const char *pattern, struct buf *err);
void tok_regex_free(void *re);

/* The hand-written cl100k splitter: length of the piece starting at s[0] (n > 0, valid
 * UTF-8). tok_split_init() must have run (tok_pretok_init does it when it selects the splitter). */
void tok_split_init(void);
size_t tok_split_cl100k(const unsigned char *s, size_t n);
size_t tok_split_o200k(const unsigned char *s, size_t n);
size_t tok_split_gpt2(const unsigned char *s, size_t n);
/* The whole text through splitter `fast` (TOK_FAST_*), each piece handed to fn. */
void tok_split_each(int fast, const char *text, size_t len, tok_piece_fn fn, void *ctx);
/* The next pieces of text from offset *off with splitter `fast`: their ends (offsets into
 * text, increasing), at most max of them; *off moves to the last end. Returns the count (0
 * when *off == len). Piece i is text[i ? ends[i - 1] : old *off .. ends[i]). */
size_t tok_split_batch(int fast, const char *text, size_t len, size_t *off, size_t *ends, size_t max);

#endif
