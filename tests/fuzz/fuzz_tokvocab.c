/*
 * Fuzz target: loading a vocabulary from arbitrary bytes (tokenize/tok_vocab.h), as a
 * tokenizer.json when the first byte is even, else as a .tiktoken file (with the gpt2 pattern).
 *
 * Checks that a load either fails with a message naming the file, or gives tables that hold
 * together: ids within n_ids and bounded by the number of entries (no giant allocation from one
 * huge id), every special token's id mapped to its text; and that the loaded vocabulary encodes
 * a short multilingual text and decodes what it produced without crashing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tokenize/tok_bpe.h"

#define FUZZ_ASSERT(c)                                                                        \
	do {                                                                                  \
		if (!(c)) {                                                                   \
			fprintf(stderr, "fuzz_tokvocab: assertion failed: %s (line %d)\n", #c,  \
				__LINE__);                                                    \
			abort();                                                              \
		}                                                                             \
	} while (0)

static void exercise(const struct tok_vocab *v)
{
	static const char text[] = "Hello world 123 <|endoftext|> héllo Привет 你好 ▁x\n\t  !!";
	struct tok_encoder enc;
	struct buf err = BUF_INIT, out = BUF_INIT;
	if (tok_encoder_init(&enc, v, 1, &err)) { /* e.g. a bad regex in a Split */
		FUZZ_ASSERT(err.len > 0);
		buf_release(&err);
		return;
	}
	struct tok_state *st = tok_state_new(&enc);
	for (int allow = 0; allow < 2; allow++) {
		struct tok_ids ids = { 0 };
		buf_reset(&err);
		if (!tok_encode(st, text, sizeof(text) - 1, allow, &ids, &err)) {
			for (size_t i = 0; i < ids.n; i++)
				FUZZ_ASSERT(ids.v[i] < v->n_ids);
			buf_reset(&out);
			buf_reset(&err);
			(void)tok_decode(v, ids.v, ids.n, &out, &err);
		}
		tok_ids_release(&ids);
	}
	tok_state_free(st);
	tok_encoder_free(&enc);
	buf_release(&err);
	buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	int hf = !(data[0] & 1);
	const char *name = hf ? "fuzz/tokenizer.json" : "fuzz/x.tiktoken";
	struct tok_vocab v;
	struct buf err = BUF_INIT;
	int unsupported = 0;
	int rc = tok_vocab_load_mem(&v, name, (const char *)data + 1, size - 1, hf ? NULL : "gpt2",
				    &err, &unsupported);
	if (rc) {
		FUZZ_ASSERT(!strncmp(err.data, "fuzz/", 5));
		buf_release(&err);
		return 0;
	}
	FUZZ_ASSERT(v.n_ids > 0 && v.n_ids <= 2 * (size + 1) + 1024);
	for (size_t i = 0; i < v.n_specials; i++) {
		size_t len;
		const char *p = tok_vocab_bytes(&v, v.specials[i].id, &len);
		FUZZ_ASSERT(p && len == v.specials[i].len && !memcmp(p, v.specials[i].text, len));
	}
	if (size < 4096)
		exercise(&v);
	tok_vocab_free(&v);
	buf_release(&err);
	return 0;
}
