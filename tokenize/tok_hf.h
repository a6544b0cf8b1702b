/*
 * The parts of a HuggingFace tokenizer.json around its model (tok_hf_pipeline.c), read into a
 * struct tok_vocab. Internal to the tokenize module.
 */
#ifndef GRIST_TOK_HF_H
#define GRIST_TOK_HF_H

#include "tokenize/tok_vocab_int.h"

/* Each returns 0, or -1 with err naming the component and its JSON path ("unsupported: ..."
 * with *unsupported set for what grist does not implement). */
int tok_hf_normalizer(struct tok_vocab *v, json_t *n, const char *jpath, const char *file,
		      struct buf *err, int *unsupported);
/* Sets v->byte_level when the pre-tokenizer has a ByteLevel step. */
int tok_hf_pre_tokenizer(struct tok_vocab *v, json_t *pt, const char *file, struct buf *err,
			 int *unsupported);
/* These never fail the load: what grist cannot do is kept in v->post_unsupported /
 * v->dec_unsupported and refused only when --add-special / --decode asks for it. */
void tok_hf_post_processor(struct tok_vocab *v, json_t *pp);
void tok_hf_decoder(struct tok_vocab *v, json_t *d);
/* After the tables: added-token matching grist cannot reproduce -> v->special_unsupported. */
void tok_hf_check_specials(struct tok_vocab *v);

/* tok_hf_bpe.c: the BPE symbols of a piece when v->hf_word is set (prefix, suffix, unknown
 * tokens held back); ids must have room for tok_hf_word_max(v, n). Returns the count. */
size_t tok_hf_word_max(const struct tok_vocab *v, size_t n);
size_t tok_hf_word_symbols(const struct tok_vocab *v, const char *p, size_t n, uint32_t *ids);

/* tok_hf_scripts.c, HF UnicodeScripts: where the first piece of s[0..n) starts (n: none), and
 * where the piece starting at `start` ends. */
size_t tok_hf_scripts_start(const char *s, size_t n);
size_t tok_hf_scripts_end(const char *s, size_t n, size_t start);
/* HF FixedLength: the end of the piece of `chars` characters starting at `start`. */
size_t tok_hf_fixed_end(const char *s, size_t n, size_t start, size_t chars);

#endif
