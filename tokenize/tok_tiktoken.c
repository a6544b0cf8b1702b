/*
 * tiktoken `.tiktoken` files: `base64(bytes) rank` lines, rank = id = merge priority. The
 * pattern and special tokens come from a sidecar `FILE.json` ({"pat_str", "special_tokens"},
 * written by `make vocabs`), else from --pattern or a known file name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "lib/base64.h"
#include "lib/xalloc.h"
#include "tokenize/tok_vocab_int.h"

/* The two-byte tokens in a table: the merge loop's first pairs are looked up there. */
static void two_byte_table(struct tok_vocab *v)
{
	v->pair2 = xmalloc(65536 * sizeof(uint32_t));
	memset(v->pair2, 0xFF, 65536 * sizeof(uint32_t));
	for (uint32_t id = 0; id < v->n_ids; id++) {
		if (v->tok_len[id] != 2 || v->is_special[id])
			continue;
		const unsigned char *t = (const unsigned char *)v->blob + v->tok_off[id];
		v->pair2[t[0] << 8 | t[1]] = id;
	}
}

/* One "BASE64 RANK" line: the token's bytes appended to the builder's blob, its entry added. */
static int parse_line(struct tok_builder *b, const char *line, size_t len, const char *path, size_t lineno,
		      struct buf *err)
{
	const char *sp = memchr(line, ' ', len);
	size_t off = b->blob.len;
	if (!sp || sp == line || base64_decode(line, (size_t)(sp - line), &b->blob) || b->blob.len == off) {
		buf_addf(err, "%s:%zu: bad base64 token", path, lineno);
		return -1;
	}
	/* (one test per digit: 200,000 ranks for o200k_base) */
	uint64_t rank = 0;
	const char *p = sp + 1, *end = line + len;
	for (; p < end; p++) {
		unsigned d = (unsigned)(unsigned char)*p - '0';
		if (d > 9 || (rank = rank * 10 + d) >= TOK_NONE)
			break;
	}
	if (p != end || end == sp + 1) {
		buf_addf(err, "%s:%zu: bad rank", path, lineno);
		return -1;
	}
	ALLOC_GROW(b->e, b->n + 1, b->alloc);
	b->e[b->n++] = (struct tok_entry){ (uint32_t)off, (uint32_t)(b->blob.len - off), (uint32_t)rank,
					   TOK_ENTRY_MERGEABLE };
	return 0;
}

static int parse_lines(struct tok_builder *b, const char *path, const char *data, size_t size,
		       struct buf *err)
{
	size_t lineno = 0;
	buf_grow(&b->blob, size / 4 * 3); /* the decoded tokens are smaller than the file */
	/* Room for every line at once (a line has 6 bytes at least, "AA== 0\n"): no copies while
	 * the array grows; the pages never used are never touched. */
	ALLOC_GROW(b->e, size / 6 + 1, b->alloc);
	for (size_t pos = 0; pos < size;) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - line) : size - pos;
		pos += len + (nl ? 1 : 0);
		lineno++;
		if (len && line[len - 1] == '\r')
			len--;
		if (len && parse_line(b, line, len, path, lineno, err))
			return -1;
	}
	return 0;
}

/* Special tokens and pattern from the sidecar PATH.json, if there is one. */
static int read_sidecar(struct tok_builder *b, const char *path, const char **pattern,
			json_t **meta, struct buf *err)
{
	struct buf side = BUF_INIT;
	struct stat st;
	int rc = 0;
	buf_addf(&side, "%s.json", path);
	if (stat(side.data, &st))
		goto out;
	json_error_t je;
	*meta = json_load_file(side.data, JSON_ALLOW_NUL, &je);
	if (!*meta) {
		buf_addf(err, "%s:%d: %s", side.data, je.line, je.text);
		rc = -1;
		goto out;
	}
	const char *key;
	json_t *val;
	json_object_foreach(json_object_get(*meta, "special_tokens"), key, val) {
		if (!json_is_integer(val) || json_integer_value(val) < 0 ||
		    json_integer_value(val) >= (json_int_t)TOK_NONE) {
			buf_addf(err, "%s: special token %s: id is not a non-negative integer", side.data, key);
			rc = -1;
			goto out;
		}
		tok_builder_add(b, key, strlen(key), (uint32_t)json_integer_value(val), TOK_ENTRY_ADDED);
	}
	if (!*pattern)
		*pattern = json_string_value(json_object_get(*meta, "pat_str"));
out:
	buf_release(&side);
	return rc;
}

int tok_load_tiktoken(struct tok_vocab *v, const char *path, const char *data, size_t len,
		      const char *pattern, struct buf *err, int *unsupported)
{
	struct tok_builder b = { BUF_INIT, NULL, 0, 0, path, 1 };
	int rc = -1;
	json_t *meta = NULL;
	v->file_hash = XXH3_64bits(data, len);
	if (parse_lines(&b, path, data, len, err))
		goto out;
	char stem[256];
	const char *slash = strrchr(path, '/');
	snprintf(stem, sizeof(stem), "%s", slash ? slash + 1 : path);
	size_t sl = strlen(stem);
	if (sl > 9 && !strcmp(stem + sl - 9, ".tiktoken"))
		stem[sl - 9] = '\0';
	if (read_sidecar(&b, path, &pattern, &meta, err))
		goto out;
	if (tok_build_tables(v, &b, err, unsupported))
		goto out;
	if (pattern && tok_pattern_by_name(pattern))
		pattern = tok_pattern_by_name(pattern);
	if (!pattern)
		pattern = tok_pattern_by_name(stem);
	if (!pattern) {
		buf_addf(err, "%s: no pre-tokenization pattern known for '%s' (give --pattern)", path, stem);
		goto out;
	}
	v->whole_piece = 1;
	v->bytes_rank = 1;
	two_byte_table(v);
	v->byte_level = 1;
	tok_vocab_add_step(v, TOK_STEP_SPLIT, pattern, TOK_SPLIT_MATCHES);
	v->name = xstrdup(stem);
	v->format = TOK_FMT_TIKTOKEN;
	rc = 0;
out:
	json_decref(meta);
	tok_builder_release(&b);
	return rc;
}
