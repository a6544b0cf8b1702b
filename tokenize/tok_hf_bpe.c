/*
 * HF BPE's merge_word for the files the plain character path (tok_bpe.c) does not cover:
 * a continuing_subword_prefix before every character but the first, an end_of_word_suffix
 * after the last, and the order tokenizers gives an unknown token followed by byte-fallback
 * characters (see below). Not byte-level (tok_hf.c refuses affixes with ByteLevel).
 */
#include <string.h>

#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/tok_hf.h"

size_t tok_hf_word_max(const struct tok_vocab *v, size_t n)
{
	return n * (1 + v->wp_prefix_len) + v->eow_suffix_len + 1;
}

/*
 * Each character (with the prefix and suffix it gets) is its token; else, with byte_fallback,
 * the <0xNN> tokens of those bytes, prefix and suffix included, when all exist; else the
 * unknown token. As tokenizers does it, the unknown token is held back until the next
 * character that has a token (or the end): byte-fallback tokens in between come before it;
 * with fuse_unk a run of unknown characters is one unknown token.
 */
size_t tok_hf_word_symbols(const struct tok_vocab *v, const char *p, size_t n, uint32_t *ids)
{
	struct buf s = BUF_INIT;
	size_t m = 0;
	int pending = 0;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_lead_len((unsigned char)p[i]);
		if (k > n - i)
			k = n - i;
		buf_reset(&s);
		if (i)
			buf_add(&s, v->wp_prefix, v->wp_prefix_len);
		buf_add(&s, p + i, k);
		if (i + k == n)
			buf_add(&s, v->eow_suffix, v->eow_suffix_len);
		i += k;
		uint32_t id = s.len <= UINT32_MAX ? tok_strmap_get(&v->map, s.data, (uint32_t)s.len) : TOK_NONE;
		if (id != TOK_NONE) {
			if (pending)
				ids[m++] = v->unk_id;
			pending = 0;
			ids[m++] = id;
			continue;
		}
		size_t j = 0;
		while (v->byte_fallback && j < s.len && v->fallback_id[(unsigned char)s.data[j]] != TOK_NONE)
			j++;
		if (v->byte_fallback && j == s.len) {
			for (j = 0; j < s.len; j++)
				ids[m++] = v->fallback_id[(unsigned char)s.data[j]];
			continue;
		}
		if (v->unk_id == TOK_NONE)
			continue;
		if (pending && !v->fuse_unk)
			ids[m++] = v->unk_id;
		pending = 1;
	}
	if (pending)
		ids[m++] = v->unk_id;
	buf_release(&s);
	return m;
}
