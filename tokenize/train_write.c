/*
 * Writing a trained vocabulary: HuggingFace tokenizer.json (with jansson) and .tiktoken.
 *
 * tokenizer.json: a BPE model over GPT-2's byte-to-unicode alphabet; the pre-tokenizer is
 * Sequence[Split(pattern, Isolated), ByteLevel(add_prefix_space false, use_regex false)], the
 * decoder ByteLevel, merges as "a b" strings in order, and the special tokens only under
 * added_tokens with the ids after the vocabulary (the ids HuggingFace assigns them).
 * .tiktoken: "base64(bytes) id" per non-special token, in id order (docs/design.md section 6).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base64.h"
#include "tokenize/train.h"

static json_t *str_n(const char *s, size_t n)
{
	return json_stringn(s, n);
}

static void spell_token(const struct train_result *r, uint32_t id, struct buf *out)
{
	buf_reset(out);
	train_spell(out, r->tok_bytes + r->tok_off[id], r->tok_len[id]);
}

/* added_tokens: the special tokens, with the ids after the vocabulary. NULL when one is not
 * valid UTF-8. */
static json_t *hf_added_tokens(const struct train_result *r, const char *const *specials,
			       uint32_t nspecials, struct buf *err)
{
	json_t *added = json_array();
	for (uint32_t i = 0; i < nspecials; i++) {
		json_t *s = json_string(specials[i]);
		if (!s) {
			buf_addf(err, "special token %u is not valid UTF-8", i + 1);
			json_decref(added);
			return NULL;
		}
		json_t *a = json_object();
		json_object_set_new(a, "id", json_integer((json_int_t)r->ntokens + i));
		json_object_set_new(a, "content", s);
		json_object_set_new(a, "single_word", json_false());
		json_object_set_new(a, "lstrip", json_false());
		json_object_set_new(a, "rstrip", json_false());
		json_object_set_new(a, "normalized", json_false());
		json_object_set_new(a, "special", json_true());
		json_array_append_new(added, a);
	}
	return added;
}

/* {"type":"ByteLevel", add_prefix_space, trim_offsets, use_regex} */
static json_t *hf_byte_level(int add_prefix_space, int use_regex)
{
	json_t *bl = json_object();
	json_object_set_new(bl, "type", json_string("ByteLevel"));
	json_object_set_new(bl, "add_prefix_space", json_boolean(add_prefix_space));
	json_object_set_new(bl, "trim_offsets", json_true());
	json_object_set_new(bl, "use_regex", json_boolean(use_regex));
	return bl;
}

/* Sequence[Split(regex, Isolated), ByteLevel]; NULL when the regex is not valid UTF-8. */
static json_t *hf_pre_tokenizer(const char *regex, struct buf *err)
{
	json_t *re = json_string(regex);
	if (!re) {
		buf_addstr(err, "the pattern is not valid UTF-8");
		return NULL;
	}
	json_t *split = json_object();
	json_object_set_new(split, "type", json_string("Split"));
	json_t *pat = json_object();
	json_object_set_new(pat, "Regex", re);
	json_object_set_new(split, "pattern", pat);
	json_object_set_new(split, "behavior", json_string("Isolated"));
	json_object_set_new(split, "invert", json_false());
	json_t *seq = json_array();
	json_array_append_new(seq, split);
	json_array_append_new(seq, hf_byte_level(0, 0));
	json_t *pre = json_object();
	json_object_set_new(pre, "type", json_string("Sequence"));
	json_object_set_new(pre, "pretokenizers", seq);
	return pre;
}

/* The BPE model: vocab by byte-level spelling, merges as "left right". */
static json_t *hf_model(const struct train_result *r)
{
	json_t *model = json_object();
	json_object_set_new(model, "type", json_string("BPE"));
	json_object_set_new(model, "dropout", json_null());
	json_object_set_new(model, "unk_token", json_null());
	json_object_set_new(model, "continuing_subword_prefix", json_null());
	json_object_set_new(model, "end_of_word_suffix", json_null());
	json_object_set_new(model, "fuse_unk", json_false());
	json_object_set_new(model, "byte_fallback", json_false());
	json_object_set_new(model, "ignore_merges", json_false());
	json_t *vocab = json_object();
	struct buf sp = BUF_INIT, m = BUF_INIT;
	for (uint32_t i = 0; i < r->ntokens; i++) {
		spell_token(r, i, &sp);
		json_object_setn_new(vocab, sp.data, sp.len, json_integer(i));
	}
	json_object_set_new(model, "vocab", vocab);
	json_t *merges = json_array();
	for (uint32_t i = 0; i < r->nmerges; i++) {
		buf_reset(&m);
		spell_token(r, r->merges[i].left, &sp);
		buf_add(&m, sp.data, sp.len);
		buf_addch(&m, ' ');
		spell_token(r, r->merges[i].right, &sp);
		buf_add(&m, sp.data, sp.len);
		json_array_append_new(merges, str_n(m.data, m.len));
	}
	json_object_set_new(model, "merges", merges);
	buf_release(&sp);
	buf_release(&m);
	return model;
}

int train_write_hf(const struct train_result *r, const char *regex, const char *const *specials,
		   uint32_t nspecials, struct buf *out, struct buf *err)
{
	json_t *added = hf_added_tokens(r, specials, nspecials, err);
	json_t *pre = added ? hf_pre_tokenizer(regex, err) : NULL;
	if (!pre) {
		json_decref(added);
		return -1;
	}
	json_t *root = json_object();
	json_object_set_new(root, "version", json_string("1.0"));
	json_object_set_new(root, "truncation", json_null());
	json_object_set_new(root, "padding", json_null());
	json_object_set_new(root, "added_tokens", added);
	json_object_set_new(root, "normalizer", json_null());
	json_object_set_new(root, "pre_tokenizer", pre);
	json_object_set_new(root, "post_processor", json_null());
	json_object_set_new(root, "decoder", hf_byte_level(1, 1));
	json_object_set_new(root, "model", hf_model(r));
	char *s = json_dumps(root, JSON_INDENT(2));
	json_decref(root);
	if (!s) {
		buf_addstr(err, "cannot serialize tokenizer.json");
		return -1;
	}
	buf_addstr(out, s);
	buf_addch(out, '\n');
	free(s);
	return 0;
}

void train_write_tiktoken(const struct train_result *r, struct buf *out)
{
	for (uint32_t i = 0; i < r->ntokens; i++) {
		base64_encode(out, r->tok_bytes + r->tok_off[i], r->tok_len[i]);
		buf_addf(out, " %u\n", i);
	}
}
