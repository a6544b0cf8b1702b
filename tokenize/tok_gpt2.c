/* GPT-2's original files: encoder.json (byte-level spelling -> id) + vocab.bpe beside it. */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lib/xalloc.h"
#include "tokenize/tok_vocab_int.h"

/* <|endoftext|> is an ordinary vocab entry in GPT-2's file; treat it as the special token. */
static void mark_eot(struct tok_vocab *v)
{
	if (v->eot_id == TOK_NONE || v->is_special[v->eot_id])
		return;
	v->is_special[v->eot_id] = 1;
	v->specials = xrealloc(v->specials, (v->n_specials + 1) * sizeof(*v->specials));
	memset(&v->specials[v->n_specials], 0, sizeof(*v->specials));
	v->specials[v->n_specials].text = xstrdup("<|endoftext|>");
	v->specials[v->n_specials].len = 13;
	v->specials[v->n_specials].id = v->eot_id;
	v->n_specials++;
}

static int read_merges(struct tok_vocab *v, json_t *vocab, const char *bpe_path, struct buf *bpe,
		       struct buf *err)
{
	struct buf tmp = BUF_INIT, where = BUF_INIT;
	uint32_t rank = 0;
	size_t lineno = 0;
	int rc = -1;
	tok_pairmap_init(&v->pairs, 65536);
	for (size_t pos = 0; pos < bpe->len;) {
		char *line = bpe->data + pos;
		char *nl = memchr(line, '\n', bpe->len - pos);
		size_t len = nl ? (size_t)(nl - line) : bpe->len - pos;
		pos += len + (nl ? 1 : 0);
		lineno++;
		if (len && line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		if (!len || (lineno == 1 && !strncmp(line, "#version", 8)))
			continue;
		char *sp = strchr(line, ' ');
		buf_reset(&where);
		buf_addf(&where, "line %zu", lineno);
		if (!sp || strchr(sp + 1, ' ')) {
			buf_addf(err, "%s:%zu: a merge line is two tokens separated by one space", bpe_path, lineno);
			goto out;
		}
		*sp = '\0';
		if (tok_add_merge(v, vocab, line, sp + 1, rank++, bpe_path, where.data, NULL, &tmp, err))
			goto out;
	}
	rc = 0;
out:
	buf_release(&tmp);
	buf_release(&where);
	return rc;
}

int tok_load_gpt2(struct tok_vocab *v, const char *path, const char *data, size_t len,
		  struct buf *err, int *unsupported)
{
	struct tok_builder b = { BUF_INIT, NULL, 0, 0, path, 1 };
	struct buf bpe = BUF_INIT, bpe_path = BUF_INIT;
	json_t *vocab = NULL;
	json_error_t je;
	int rc = -1;
	v->file_hash = XXH3_64bits(data, len);
	vocab = json_loadb(data, len, JSON_ALLOW_NUL, &je);
	if (!json_is_object(vocab)) {
		buf_addf(err, "%s:%d: %s", path, je.line, vocab ? "not a JSON object" : je.text);
		goto out;
	}
	const char *slash = strrchr(path, '/');
	if (slash)
		buf_add(&bpe_path, path, (size_t)(slash - path + 1));
	buf_addstr(&bpe_path, "vocab.bpe");
	if (tok_read_file(bpe_path.data, &bpe, err))
		goto out;
	if (tok_add_json_vocab(&b, vocab, 1, err))
		goto out;
	if (tok_build_tables(v, &b, err, unsupported))
		goto out;
	mark_eot(v);
	buf_addch(&bpe, '\0');
	bpe.len--;
	if (read_merges(v, vocab, bpe_path.data, &bpe, err))
		goto out;
	v->whole_piece = 0;
	v->byte_level = 1;
	tok_vocab_add_step(v, TOK_STEP_SPLIT, tok_pattern_gpt2, TOK_SPLIT_MATCHES);
	v->format = TOK_FMT_GPT2;
	v->name = xstrdup("gpt2-encoder.json");
	rc = 0;
out:
	json_decref(vocab);
	tok_builder_release(&b);
	buf_release(&bpe);
	buf_release(&bpe_path);
	return rc;
}
