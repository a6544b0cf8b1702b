/*
 * Vocabulary loading: what every format shares (see tok_vocab.h, tok_vocab_int.h): finding the
 * file, the id tables and their checks, GPT-2's byte alphabet. One file per format:
 * tok_tiktoken.c, tok_hf.c (+ tok_hf_pipeline.c), tok_gpt2.c.
 *
 * Every loader collects (bytes, id, kind) entries and merges given as token strings; one
 * finishing step builds the tables and checks them: an id used twice or far beyond the number
 * of entries, the same bytes under two ids, a merge naming an unknown token, a missing single
 * byte. Anything the format allows but grist does not implement is refused as
 * "unsupported: ...", never encoded differently.
 */
#include "tokenize/tok_vocab_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/source.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

const char tok_pattern_gpt2[] =
	"'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const char tok_pattern_cl100k[] =
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
	"\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const char tok_pattern_o200k[] =
	"[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
	"(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
	"[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|"
	"\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const char *tok_pattern_by_name(const char *name)
{
	if (!strcmp(name, "gpt2") || !strcmp(name, "r50k_base") || !strcmp(name, "p50k_base"))
		return tok_pattern_gpt2;
	if (!strcmp(name, "cl100k") || !strcmp(name, "cl100k_base"))
		return tok_pattern_cl100k;
	if (!strcmp(name, "o200k") || !strcmp(name, "o200k_base"))
		return tok_pattern_o200k;
	return NULL;
}

uint32_t tok_byte_to_cp(unsigned b)
{
	static uint32_t table[256];
	static int ready;
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		uint32_t t[256], n = 0;
		for (unsigned i = 0; i < 256; i++) {
			if ((i >= 0x21 && i <= 0x7E) || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE))
				t[i] = i;
			else
				t[i] = 256 + n++;
		}
		memcpy(table, t, sizeof(t));
		__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	}
	return table[b & 0xff];
}

/* Code point -> byte for GPT-2's alphabet, or -1. */
static int cp_to_byte(uint32_t cp)
{
	static int16_t rev[324];
	static int ready;
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		int16_t r[324];
		for (int i = 0; i < 324; i++)
			r[i] = -1;
		for (unsigned b = 0; b < 256; b++)
			r[tok_byte_to_cp(b)] = (int16_t)b;
		memcpy(rev, r, sizeof(r));
		__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	}
	return cp < 324 ? rev[cp] : -1;
}

/* ---- building ---- */

void tok_builder_add(struct tok_builder *b, const void *p, size_t len, uint32_t id, int kind)
{
	ALLOC_GROW(b->e, b->n + 1, b->alloc);
	b->e[b->n].off = (uint32_t)b->blob.len;
	b->e[b->n].len = (uint32_t)len;
	b->e[b->n].id = id;
	b->e[b->n].kind = kind;
	b->n++;
	buf_add(&b->blob, p, len);
}

void tok_builder_release(struct tok_builder *b)
{
	buf_release(&b->blob);
	free(b->e);
}

void tok_add_shown(struct buf *err, const char *p, size_t n)
{
	buf_addch(err, '\'');
	for (size_t i = 0; i < n && i < 60; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf_addch(err, (char)c);
		else
			buf_addf(err, "\\x%02x", c);
	}
	if (n > 60)
		buf_addstr(err, "...");
	buf_addch(err, '\'');
}

int tok_unsupported(int *unsupported, struct buf *err, const char *file, const char *what,
		    const char *detail)
{
	buf_addf(err, "%s: unsupported: %s%s%s", file, what, detail ? " " : "", detail ? detail : "");
	*unsupported = 1;
	return -1;
}

/*
 * The highest id, refusing ids far beyond the number of entries: the id tables are indexed by
 * id, so one id of 2^31 in a 4 KB file would allocate gigabytes. Real vocabularies have small
 * gaps (cl100k_base has no 100256), never one larger than the vocabulary itself.
 */
static int max_id_of(const struct tok_builder *b, uint32_t *max_id, struct buf *err)
{
	uint64_t limit = 2 * (uint64_t)b->n + 1024;
	if (!b->n) {
		buf_addf(err, "%s: empty vocabulary", b->file);
		return -1;
	}
	*max_id = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->e[i].id >= limit) {
			buf_addf(err, "%s: token ", b->file);
			tok_add_shown(err, b->blob.data + b->e[i].off, b->e[i].len);
			buf_addf(err, " has id %u, beyond 2 x %zu entries + 1024 (ids must be nearly dense)",
				 b->e[i].id, b->n);
			return -1;
		}
		if (b->e[i].id > *max_id)
			*max_id = b->e[i].id;
	}
	return 0;
}

/* Id -> bytes tables; an id listed twice is an error unless an added token repeats a vocab
 * entry (HF lists added tokens that are also in the model's vocab). */
static int fill_ids(struct tok_vocab *v, struct tok_builder *b, size_t *n_merge, size_t *n_spec,
		    struct buf *err)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct tok_entry *e = &b->e[i];
		if (v->tok_len[e->id] != TOK_NONE) {
			if (v->tok_len[e->id] == e->len &&
			    !memcmp(b->blob.data + v->tok_off[e->id], b->blob.data + e->off, e->len) &&
			    e->kind == TOK_ENTRY_ADDED) {
				if (!v->is_special[e->id])
					(*n_spec)++;
				v->is_special[e->id] = 1;
				continue;
			}
			buf_addf(err, "%s: id %u used by both ", b->file, e->id);
			tok_add_shown(err, b->blob.data + v->tok_off[e->id], v->tok_len[e->id]);
			buf_addstr(err, " and ");
			tok_add_shown(err, b->blob.data + e->off, e->len);
			return -1;
		}
		v->tok_off[e->id] = e->off;
		v->tok_len[e->id] = e->len;
		if (e->kind == TOK_ENTRY_ADDED) {
			v->is_special[e->id] = 1;
			(*n_spec)++;
		}
		if (e->kind == TOK_ENTRY_MERGEABLE)
			(*n_merge)++;
	}
	return 0;
}

int tok_build_tables(struct tok_vocab *v, struct tok_builder *b, struct buf *err, int *unsupported)
{
	uint32_t max_id;
	if (max_id_of(b, &max_id, err))
		return -1;
	v->n_ids = max_id + 1;
	v->tok_off = xmalloc(v->n_ids * sizeof(uint32_t));
	v->tok_len = xmalloc(v->n_ids * sizeof(uint32_t));
	v->is_special = xcalloc(v->n_ids, 1);
	for (uint32_t i = 0; i < v->n_ids; i++)
		v->tok_len[i] = TOK_NONE;
	size_t n_merge = 0, n_spec = 0;
	if (fill_ids(v, b, &n_merge, &n_spec, err))
		return -1;
	v->blob = buf_detach(&b->blob, NULL);
	tok_strmap_init(&v->map, n_merge, v->blob);
	for (size_t i = 0; i < b->n; i++) {
		const struct tok_entry *e = &b->e[i];
		if (e->kind != TOK_ENTRY_MERGEABLE)
			continue;
		uint32_t old = tok_strmap_put(&v->map, e->off, e->len, e->id);
		if (old != TOK_NONE && old != e->id) {
			buf_addf(err, "%s: token ", b->file);
			tok_add_shown(err, v->blob + e->off, e->len);
			buf_addf(err, " has two ids, %u and %u", old, e->id);
			return -1;
		}
	}
	for (unsigned c = 0; c < 256; c++) {
		char ch = (char)c;
		v->byte_id[c] = tok_strmap_get(&v->map, &ch, 1);
		if (v->byte_id[c] == TOK_NONE && b->need_bytes) {
			buf_addf(err, "%s: unsupported: vocabulary lacks the single byte 0x%02x "
				      "(not a byte-level BPE vocabulary)", b->file, c);
			*unsupported = 1;
			return -1;
		}
	}
	v->specials = xcalloc(n_spec + 1, sizeof(*v->specials));
	for (uint32_t id = 0; id < v->n_ids; id++) {
		if (!v->is_special[id])
			continue;
		struct tok_special *s = &v->specials[v->n_specials++];
		s->text = xmemdup(v->blob + v->tok_off[id], v->tok_len[id]);
		s->len = v->tok_len[id];
		s->id = id;
	}
	v->eot_id = tok_vocab_find(v, "<|endoftext|>", 13);
	return 0;
}

uint32_t tok_vocab_find(const struct tok_vocab *v, const char *text, size_t len)
{
	for (size_t i = 0; i < v->n_specials; i++)
		if (v->specials[i].len == len && !memcmp(v->specials[i].text, text, len))
			return v->specials[i].id;
	return tok_strmap_get(&v->map, text, (uint32_t)len);
}

const char *tok_vocab_bytes(const struct tok_vocab *v, uint32_t id, size_t *len)
{
	if (id >= v->n_ids || v->tok_len[id] == TOK_NONE) {
		*len = 0;
		return NULL;
	}
	*len = v->tok_len[id];
	return v->blob + v->tok_off[id];
}

void tok_vocab_add_step(struct tok_vocab *v, enum tok_step_kind kind, const char *pattern, int mode)
{
	v->steps = xrealloc(v->steps, (v->n_steps + 1) * sizeof(*v->steps));
	memset(&v->steps[v->n_steps], 0, sizeof(*v->steps));
	v->steps[v->n_steps].kind = kind;
	v->steps[v->n_steps].pattern = pattern ? xstrdup(pattern) : NULL;
	v->steps[v->n_steps].mode = mode;
	v->n_steps++;
}

int tok_bytelevel_decode(const char *s, size_t n, struct buf *out)
{
	buf_reset(out);
	for (size_t i = 0; i < n;) {
		/* Three bytes or more are never in the alphabet (< U+0144), so only decodable one-
		 * and two-byte characters map to bytes. */
		int32_t cp;
		size_t k = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		int byte = k && k <= 2 ? cp_to_byte((uint32_t)cp) : -1;
		if (byte < 0) {
			buf_reset(out);
			buf_add(out, s, n);
			return -1;
		}
		buf_addch(out, (char)byte);
		i += k;
	}
	return 0;
}

int tok_add_json_vocab(struct tok_builder *b, json_t *vocab, int byte_level, struct buf *err)
{
	struct buf tmp = BUF_INIT;
	const char *key;
	json_t *val;
	json_object_foreach(vocab, key, val) {
		if (!json_is_integer(val) || json_integer_value(val) < 0 ||
		    json_integer_value(val) >= (json_int_t)TOK_NONE) {
			buf_addf(err, "%s: vocab entry '%s': id is not a non-negative integer", b->file, key);
			buf_release(&tmp);
			return -1;
		}
		int kind = TOK_ENTRY_MERGEABLE;
		if (byte_level) {
			if (tok_bytelevel_decode(key, strlen(key), &tmp))
				kind = TOK_ENTRY_OTHER;
		} else {
			buf_reset(&tmp);
			buf_addstr(&tmp, key);
		}
		tok_builder_add(b, tmp.data, tmp.len, (uint32_t)json_integer_value(val), kind);
	}
	buf_release(&tmp);
	return 0;
}

static uint32_t vocab_id(json_t *vocab, const char *s)
{
	json_t *v = json_object_get(vocab, s);
	return json_is_integer(v) ? (uint32_t)json_integer_value(v) : TOK_NONE;
}

int tok_add_merge(struct tok_vocab *v, json_t *vocab, const char *a, const char *bb, uint32_t rank,
		  const char *file, const char *where, const char *prefix, struct buf *tmp,
		  struct buf *err)
{
	uint32_t ia = vocab_id(vocab, a), ib = vocab_id(vocab, bb);
	if (ia == TOK_NONE || ib == TOK_NONE) {
		buf_addf(err, "%s: %s: merge names unknown token '%s'", file, where,
			 ia == TOK_NONE ? a : bb);
		return -1;
	}
	buf_reset(tmp);
	buf_addstr(tmp, a);
	/* With a continuing_subword_prefix the merged token keeps only the left one's prefix. */
	size_t skip = prefix && !strncmp(bb, prefix, strlen(prefix)) ? strlen(prefix) : 0;
	buf_addstr(tmp, bb + skip);
	uint32_t im = vocab_id(vocab, tmp->data);
	if (im == TOK_NONE) {
		buf_addf(err, "%s: %s: merge result '%s' is not in the vocabulary", file, where, tmp->data);
		return -1;
	}
	tok_pairmap_set(&v->pairs, ia, ib, rank, im);
	return 0;
}

int tok_read_file(const char *path, struct buf *out, struct buf *err)
{
	struct stat st;
	if (!stat(path, &st) && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size < ((off_t)1 << 32))
		buf_grow(out, (size_t)st.st_size + (1 << 16)); /* read in place, no regrowing */
	return source_read_file(path, out, (uint64_t)1 << 32, err) < 0 ? -1 : 0;
}

/* ---- finding and dispatching ---- */

static const char not_tokenizer[] =
	"not a tokenizer file (expected NAME.tiktoken, a HuggingFace tokenizer.json, encoder.json "
	"with vocab.bpe beside it, or a model directory holding tokenizer.json)";

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

/* Does the first non-empty line look like "BASE64 RANK"? */
static int looks_tiktoken(const char *d, size_t n)
{
	size_t i = 0;
	while (i < n && (d[i] == '\n' || d[i] == '\r'))
		i++;
	size_t b64 = 0, digits = 0;
	while (i < n && (isalnum((unsigned char)d[i]) || d[i] == '+' || d[i] == '/' || d[i] == '='))
		i++, b64++;
	if (!b64 || i >= n || d[i++] != ' ')
		return 0;
	while (i < n && isdigit((unsigned char)d[i]))
		i++, digits++;
	return digits && (i == n || d[i] == '\n' || d[i] == '\r');
}

static int load_by_name(struct tok_vocab *v, const char *path, const char *data, size_t len,
			const char *pattern, struct buf *err, int *unsupported)
{
	const char *base = base_name(path);
	if (ends_with(base, ".tiktoken"))
		return tok_load_tiktoken(v, path, data, len, pattern, err, unsupported);
	if (!strcmp(base, "encoder.json"))
		return tok_load_gpt2(v, path, data, len, err, unsupported);
	if (ends_with(base, ".json"))
		return tok_load_hf(v, path, data, len, err, unsupported);
	if (looks_tiktoken(data, len))
		return tok_load_tiktoken(v, path, data, len, pattern, err, unsupported);
	buf_addf(err, "%s: %s", path, not_tokenizer);
	return -1;
}

static int finish_load(struct tok_vocab *v, int rc, const char *path, const char *pattern,
		       struct buf *err)
{
	if (!rc && pattern && v->format != TOK_FMT_TIKTOKEN) {
		buf_addf(err, "%s: --pattern applies to .tiktoken files only", path);
		rc = -1;
	}
	if (rc)
		tok_vocab_free(v);
	return rc;
}

int tok_vocab_load_mem(struct tok_vocab *v, const char *name, const char *data, size_t len,
		       const char *pattern, struct buf *err, int *unsupported)
{
	memset(v, 0, sizeof(*v));
	v->eot_id = TOK_NONE;
	v->unk_id = TOK_NONE;
	*unsupported = 0;
	v->path = xstrdup(name);
	int rc = load_by_name(v, name, data, len, pattern, err, unsupported);
	return finish_load(v, rc, name, pattern, err);
}

/* spec -> the file to read: a file, DIR/tokenizer.json, or NAME.tiktoken on the search path. */
static int resolve(const char *spec, const char *search_path, struct buf *path, struct buf *err)
{
	struct stat st;
	if (!stat(spec, &st) && S_ISREG(st.st_mode)) {
		buf_addstr(path, spec);
		return 0;
	}
	if (!stat(spec, &st) && S_ISDIR(st.st_mode)) {
		buf_addf(path, "%s%stokenizer.json", spec, ends_with(spec, "/") ? "" : "/");
		if (!stat(path->data, &st))
			return 0;
		buf_addf(err, "%s: a directory without tokenizer.json (%s)", spec, not_tokenizer);
		return -1;
	}
	if (!strchr(spec, '/') && search_path) {
		for (const char *p = search_path; *p;) {
			const char *colon = strchr(p, ':');
			size_t n = colon ? (size_t)(colon - p) : strlen(p);
			buf_reset(path);
			if (n) {
				buf_add(path, p, n);
				buf_addf(path, "/%s.tiktoken", spec);
				if (!stat(path->data, &st))
					return 0;
			}
			buf_reset(path);
			p += n + (colon ? 1 : 0);
		}
	}
	buf_addf(err, "%s: no such vocabulary file or name%s%s%s", spec,
		 search_path ? " (searched " : "", search_path ? search_path : "",
		 search_path ? "; `make vocabs` makes gpt2, cl100k_base, o200k_base and "
			       "`make install` installs them)" : "");
	return -1;
}

/*
 * A plain .tiktoken file mapped instead of read: its pages come from the page cache, many per
 * fault, where reading copies 3.6 MB (o200k_base) into fresh pages. Returns the mapping, or
 * NULL when the file is not a plain .tiktoken (compressed, empty, unreadable: read it).
 */
static const char *map_tiktoken(const char *path, size_t *len)
{
	if (!ends_with(path, ".tiktoken"))
		return NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	void *p = MAP_FAILED;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 && st.st_size < ((off_t)1 << 32))
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	if (!looks_tiktoken(p, *len < 4096 ? *len : 4096)) {
		munmap(p, *len);
		return NULL;
	}
	return p;
}

int tok_vocab_load(struct tok_vocab *v, const char *spec, const char *search_path,
		   const char *pattern, struct buf *err, int *unsupported)
{
	struct buf path = BUF_INIT, data = BUF_INIT;
	memset(v, 0, sizeof(*v));
	v->eot_id = TOK_NONE;
	v->unk_id = TOK_NONE;
	*unsupported = 0;
	int rc = resolve(spec, search_path, &path, err);
	size_t len = 0;
	const char *mapped = rc ? NULL : map_tiktoken(path.data, &len);
	if (!rc && !mapped && !(rc = tok_read_file(path.data, &data, err)))
		len = data.len;
	if (!rc) {
		v->path = xstrdup(path.data);
		rc = load_by_name(v, path.data, mapped ? mapped : data.data, len, pattern, err, unsupported);
		rc = finish_load(v, rc, path.data, pattern, err);
	}
	if (mapped)
		munmap((void *)mapped, len);
	buf_release(&path);
	buf_release(&data);
	return rc;
}

void tok_vocab_free(struct tok_vocab *v)
{
	free(v->name);
	free(v->path);
	free(v->tok_off);
	free(v->tok_len);
	free(v->blob);
	free(v->is_special);
	free(v->pair2);
	tok_strmap_free(&v->map);
	tok_pairmap_free(&v->pairs);
	for (size_t i = 0; i < v->n_specials; i++) {
		free(v->specials[i].text);
		free(v->specials[i].match);
	}
	free(v->specials);
	for (size_t i = 0; i < v->n_steps; i++)
		free(v->steps[i].pattern);
	free(v->steps);
	for (size_t i = 0; i < v->n_norms; i++) {
		free(v->norms[i].a);
		free(v->norms[i].b);
	}
	free(v->norms);
	for (size_t i = 0; i < v->n_decs; i++) {
		free(v->decs[i].a);
		free(v->decs[i].b);
	}
	free(v->decs);
	free(v->bos_ids);
	free(v->eos_ids);
	free(v->post_unsupported);
	free(v->dec_unsupported);
	free(v->special_unsupported);
	free(v->wp_prefix);
	free(v->eow_suffix);
	free(v->uni_score);
	memset(v, 0, sizeof(*v));
	v->eot_id = TOK_NONE;
	v->unk_id = TOK_NONE;
}
