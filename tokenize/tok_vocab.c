/*
 * Vocabulary loading for byte-level BPE (see tok_vocab.h; formats in docs/design.md section 6).
 *
 * Every loader collects (bytes, id, kind) entries and merges given as token strings; one
 * finishing step builds the tables and checks them: an id used twice, the same bytes under two
 * ids, a merge naming an unknown token, a missing single byte. Anything the format allows but
 * grist does not implement is refused as "unsupported: ...", never encoded differently.
 */
#include "tokenize/tok_vocab.h"

#include <errno.h>
#include <jansson.h>
#include <xxhash.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int tok_base64_decode(const char *s, size_t n, struct buf *out)
{
	if (n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)s[i + k];
			if (c == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad)
				return -1;
			v[k] = b64val(c);
			if (v[k] < 0)
				return -1;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		buf_addch(out, (char)(w >> 16));
		if (pad < 2)
			buf_addch(out, (char)(w >> 8));
		if (pad < 1)
			buf_addch(out, (char)w);
	}
	return 0;
}

/* ---- building ---- */

struct entry {
	uint32_t off, len, id;
	int kind; /* 0 mergeable, 1 special/added (matched as text only with --allow-special), 2 other */
};

struct builder {
	struct buf blob;
	struct entry *e;
	size_t n, alloc;
	const char *file; /* for messages */
};

static void add_entry(struct builder *b, const void *p, size_t len, uint32_t id, int kind)
{
	ALLOC_GROW(b->e, b->n + 1, b->alloc);
	b->e[b->n].off = (uint32_t)b->blob.len;
	b->e[b->n].len = (uint32_t)len;
	b->e[b->n].id = id;
	b->e[b->n].kind = kind;
	b->n++;
	buf_add(&b->blob, p, len);
}

static void builder_release(struct builder *b)
{
	buf_release(&b->blob);
	free(b->e);
}

/* Show a token's bytes in a message: printable ASCII as is, the rest as \xNN. */
static void add_shown(struct buf *err, const char *p, size_t n)
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

/* Builds id tables and the mergeable map. Returns 0 or -1 (err set). */
static int build_tables(struct tok_vocab *v, struct builder *b, struct buf *err, int *unsupported)
{
	uint32_t max_id = 0;
	int any = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (b->e[i].id == TOK_NONE) {
			buf_addf(err, "%s: id too large", b->file);
			return -1;
		}
		if (!any || b->e[i].id > max_id)
			max_id = b->e[i].id;
		any = 1;
	}
	if (!any) {
		buf_addf(err, "%s: empty vocabulary", b->file);
		return -1;
	}
	v->n_ids = max_id + 1;
	v->tok_off = xmalloc(v->n_ids * sizeof(uint32_t));
	v->tok_len = xmalloc(v->n_ids * sizeof(uint32_t));
	v->is_special = xcalloc(v->n_ids, 1);
	for (uint32_t i = 0; i < v->n_ids; i++)
		v->tok_len[i] = TOK_NONE;
	size_t n_merge = 0, n_spec = 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct entry *e = &b->e[i];
		if (v->tok_len[e->id] != TOK_NONE) {
			/* The same token listed twice (an HF added token that is also in the vocab). */
			if (v->tok_len[e->id] == e->len &&
			    !memcmp(b->blob.data + v->tok_off[e->id], b->blob.data + e->off, e->len) &&
			    e->kind != 0) {
				v->is_special[e->id] = 1;
				n_spec++;
				continue;
			}
			buf_addf(err, "%s: id %u used by both ", b->file, e->id);
			add_shown(err, b->blob.data + v->tok_off[e->id], v->tok_len[e->id]);
			buf_addstr(err, " and ");
			add_shown(err, b->blob.data + e->off, e->len);
			return -1;
		}
		v->tok_off[e->id] = e->off;
		v->tok_len[e->id] = e->len;
		if (e->kind == 1) {
			v->is_special[e->id] = 1;
			n_spec++;
		}
		if (e->kind == 0)
			n_merge++;
	}
	v->blob = buf_detach(&b->blob, NULL);
	tok_strmap_init(&v->map, n_merge);
	for (size_t i = 0; i < b->n; i++) {
		const struct entry *e = &b->e[i];
		if (e->kind != 0)
			continue;
		uint32_t old = tok_strmap_put(&v->map, v->blob + e->off, e->len, e->id);
		if (old != TOK_NONE && old != e->id) {
			buf_addf(err, "%s: token ", b->file);
			add_shown(err, v->blob + e->off, e->len);
			buf_addf(err, " has two ids, %u and %u", old, e->id);
			return -1;
		}
	}
	for (unsigned c = 0; c < 256; c++) {
		char ch = (char)c;
		v->byte_id[c] = tok_strmap_get(&v->map, &ch, 1);
		if (v->byte_id[c] == TOK_NONE) {
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

/* tiktoken: every split of a token into two tokens is a merge whose rank is the token's id. */
static void derive_pairs(struct tok_vocab *v)
{
	tok_pairmap_init(&v->pairs, v->map.count * 2);
	for (size_t s = 0; s <= v->map.mask; s++) {
		const struct tok_strmap_slot *sl = &v->map.slots[s];
		if (sl->id == TOK_NONE || sl->len < 2)
			continue;
		for (uint32_t k = 1; k < sl->len; k++) {
			uint32_t l = tok_strmap_get(&v->map, sl->key, k);
			if (l == TOK_NONE)
				continue;
			uint32_t r = tok_strmap_get(&v->map, sl->key + k, sl->len - k);
			if (r == TOK_NONE)
				continue;
			tok_pairmap_set(&v->pairs, l, r, sl->id, sl->id);
		}
	}
}

static void add_step(struct tok_vocab *v, enum tok_step_kind kind, const char *pattern, int mode)
{
	v->steps = xrealloc(v->steps, (v->n_steps + 1) * sizeof(*v->steps));
	v->steps[v->n_steps].kind = kind;
	v->steps[v->n_steps].pattern = pattern ? xstrdup(pattern) : NULL;
	v->steps[v->n_steps].mode = mode;
	v->n_steps++;
}

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

/* ---- .tiktoken ---- */

static int load_tiktoken(struct tok_vocab *v, const char *path, const char *pattern,
			 struct buf *err, int *unsupported)
{
	struct buf text = BUF_INIT, tok = BUF_INIT, side = BUF_INIT;
	struct builder b = { BUF_INIT, NULL, 0, 0, path };
	int rc = -1;
	json_t *meta = NULL;
	if (source_read_file(path, &text, UINT64_MAX, err))
		goto out;
	v->file_hash = XXH3_64bits(text.data, text.len);
	size_t lineno = 0;
	for (size_t pos = 0; pos < text.len;) {
		const char *line = text.data + pos;
		const char *nl = memchr(line, '\n', text.len - pos);
		size_t len = nl ? (size_t)(nl - line) : text.len - pos;
		pos += len + (nl ? 1 : 0);
		lineno++;
		if (len && line[len - 1] == '\r')
			len--;
		if (!len)
			continue;
		const char *sp = memchr(line, ' ', len);
		char *end;
		unsigned long rank = 0;
		buf_reset(&tok);
		if (!sp || sp == line || tok_base64_decode(line, (size_t)(sp - line), &tok) || !tok.len) {
			buf_addf(err, "%s:%zu: bad base64 token", path, lineno);
			goto out;
		}
		errno = 0;
		rank = strtoul(sp + 1, &end, 10);
		if (errno || end != line + len || end == sp + 1 || rank >= TOK_NONE) {
			buf_addf(err, "%s:%zu: bad rank", path, lineno);
			goto out;
		}
		add_entry(&b, tok.data, tok.len, (uint32_t)rank, 0);
	}
	/* Pattern and special tokens: sidecar <file>.json from `make vocabs`, else known names. */
	char stem[256];
	snprintf(stem, sizeof(stem), "%s", base_name(path));
	if (ends_with(stem, ".tiktoken"))
		stem[strlen(stem) - 9] = '\0';
	buf_addf(&side, "%s.json", path);
	struct stat st;
	if (!stat(side.data, &st)) {
		json_error_t je;
		meta = json_load_file(side.data, JSON_ALLOW_NUL, &je);
		if (!meta) {
			buf_addf(err, "%s:%d: %s", side.data, je.line, je.text);
			goto out;
		}
		const char *key;
		json_t *val;
		json_object_foreach(json_object_get(meta, "special_tokens"), key, val) {
			if (!json_is_integer(val) || json_integer_value(val) < 0) {
				buf_addf(err, "%s: special token %s: id is not a non-negative integer", side.data, key);
				goto out;
			}
			add_entry(&b, key, strlen(key), (uint32_t)json_integer_value(val), 1);
		}
		if (!pattern)
			pattern = json_string_value(json_object_get(meta, "pat_str"));
	}
	if (pattern && tok_pattern_by_name(pattern))
		pattern = tok_pattern_by_name(pattern);
	if (!pattern)
		pattern = tok_pattern_by_name(stem);
	if (!pattern) {
		buf_addf(err, "%s: no pre-tokenization pattern known for '%s' (give --pattern)", path, stem);
		goto out;
	}
	if (build_tables(v, &b, err, unsupported))
		goto out;
	derive_pairs(v);
	v->whole_piece = 1;
	add_step(v, TOK_STEP_SPLIT, pattern, TOK_SPLIT_MATCHES);
	v->name = xstrdup(stem);
	v->format = TOK_FMT_TIKTOKEN;
	rc = 0;
out:
	json_decref(meta);
	builder_release(&b);
	buf_release(&text);
	buf_release(&tok);
	buf_release(&side);
	return rc;
}

/* ---- HuggingFace tokenizer.json and GPT-2 encoder.json ---- */

/* Decodes a byte-level spelling into bytes; returns 0, or -1 if a character is outside
 * GPT-2's alphabet (then out holds the raw UTF-8). */
static int bytelevel_decode(const char *s, size_t n, struct buf *out)
{
	buf_reset(out);
	for (size_t i = 0; i < n;) {
		/* jansson hands over valid UTF-8; three bytes or more are never in the alphabet
		 * (< U+0144), so only decodable one- and two-byte characters map to bytes. */
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

/* vocab object (byte-level string -> id) into the builder. */
static int add_bytelevel_vocab(struct builder *b, json_t *vocab, struct buf *err)
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
		int bl = bytelevel_decode(key, strlen(key), &tmp);
		add_entry(b, tmp.data, tmp.len, (uint32_t)json_integer_value(val), bl ? 2 : 0);
	}
	buf_release(&tmp);
	return 0;
}

static uint32_t vocab_id(json_t *vocab, const char *s)
{
	json_t *v = json_object_get(vocab, s);
	return json_is_integer(v) ? (uint32_t)json_integer_value(v) : TOK_NONE;
}

/* One merge (a, b) with rank `rank`; `where` names the entry in messages. */
static int add_merge(struct tok_vocab *v, json_t *vocab, const char *a, const char *bb,
		     uint32_t rank, const char *file, const char *where, struct buf *tmp,
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
	buf_addstr(tmp, bb);
	uint32_t im = vocab_id(vocab, tmp->data);
	if (im == TOK_NONE) {
		buf_addf(err, "%s: %s: merge result '%s' is not in the vocabulary", file, where, tmp->data);
		return -1;
	}
	tok_pairmap_set(&v->pairs, ia, ib, rank, im);
	return 0;
}

static int unsupported_err(int *unsupported, struct buf *err, const char *file, const char *what,
			   const char *detail)
{
	buf_addf(err, "%s: unsupported: %s%s%s", file, what, detail ? " " : "", detail ? detail : "");
	*unsupported = 1;
	return -1;
}

static int is_null_or_absent(json_t *j)
{
	return !j || json_is_null(j);
}

/* Split pattern {"Regex": "..."} or {"String": "..."} -> PCRE2 pattern in out. */
static int split_pattern(json_t *pat, struct buf *out)
{
	const char *re = json_string_value(json_object_get(pat, "Regex"));
	if (re) {
		buf_addstr(out, re);
		return 0;
	}
	const char *lit = json_string_value(json_object_get(pat, "String"));
	if (!lit)
		return -1;
	for (const unsigned char *p = (const unsigned char *)lit; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p >= 0x80)
			buf_addch(out, (char)*p);
		else
			buf_addf(out, "\\x%02x", *p);
	}
	return 0;
}

static int hf_pre_tokenizer(struct tok_vocab *v, json_t *pt, const char *file, struct buf *err,
			    int *unsupported, int last, int *saw_bytelevel)
{
	const char *type = json_string_value(json_object_get(pt, "type"));
	if (!type)
		return unsupported_err(unsupported, err, file, "pre_tokenizer without a type", NULL);
	if (*saw_bytelevel)
		return unsupported_err(unsupported, err, file, "pre_tokenizer after ByteLevel:", type);
	if (!strcmp(type, "Sequence")) {
		json_t *list = json_object_get(pt, "pretokenizers");
		size_t n = json_array_size(list);
		for (size_t i = 0; i < n; i++)
			if (hf_pre_tokenizer(v, json_array_get(list, i), file, err, unsupported,
					     last && i + 1 == n, saw_bytelevel))
				return -1;
		return 0;
	}
	if (!strcmp(type, "ByteLevel")) {
		json_t *aps = json_object_get(pt, "add_prefix_space");
		json_t *ur = json_object_get(pt, "use_regex");
		*saw_bytelevel = 1;
		if (json_is_true(aps))
			add_step(v, TOK_STEP_PREFIX_SPACE, NULL, 0);
		if (!ur || json_is_true(ur))
			add_step(v, TOK_STEP_SPLIT, tok_pattern_gpt2, TOK_SPLIT_ISOLATED);
		return 0;
	}
	if (!strcmp(type, "Split")) {
		struct buf pat = BUF_INIT;
		const char *behavior = json_string_value(json_object_get(pt, "behavior"));
		int remove = 0;
		if (split_pattern(json_object_get(pt, "pattern"), &pat)) {
			buf_release(&pat);
			return unsupported_err(unsupported, err, file, "Split pattern that is neither Regex nor String", NULL);
		}
		if (json_is_true(json_object_get(pt, "invert"))) {
			buf_release(&pat);
			return unsupported_err(unsupported, err, file, "Split with invert", NULL);
		}
		if (behavior && !strcmp(behavior, "Removed"))
			remove = 1;
		else if (!behavior || strcmp(behavior, "Isolated")) {
			buf_release(&pat);
			return unsupported_err(unsupported, err, file, "Split behavior",
					       behavior ? behavior : "(missing)");
		}
		add_step(v, TOK_STEP_SPLIT, pat.data, remove ? TOK_SPLIT_GAPS : TOK_SPLIT_ISOLATED);
		buf_release(&pat);
		return 0;
	}
	return unsupported_err(unsupported, err, file, "pre_tokenizer", type);
}

static int load_hf(struct tok_vocab *v, const char *path, struct buf *err, int *unsupported)
{
	struct builder b = { BUF_INIT, NULL, 0, 0, path };
	struct buf raw = BUF_INIT, tmp = BUF_INIT, where = BUF_INIT;
	json_t *root = NULL;
	json_error_t je;
	int rc = -1;
	if (source_read_file(path, &raw, UINT64_MAX, err))
		goto out;
	v->file_hash = XXH3_64bits(raw.data, raw.len);
	root = json_loadb(raw.data, raw.len, JSON_ALLOW_NUL, &je);
	if (!root) {
		buf_addf(err, "%s:%d: invalid JSON: %s", path, je.line, je.text);
		goto out;
	}
	json_t *model = json_object_get(root, "model");
	if (!json_is_object(model)) {
		buf_addf(err, "%s: missing model", path);
		goto out;
	}
	const char *type = json_string_value(json_object_get(model, "type"));
	if (type && strcmp(type, "BPE")) {
		unsupported_err(unsupported, err, path, "model type", type);
		goto out;
	}
	json_t *vocab = json_object_get(model, "vocab");
	json_t *merges = json_object_get(model, "merges");
	if (!json_is_object(vocab) || !json_is_array(merges)) {
		buf_addf(err, "%s: model has no %s", path, !json_is_object(vocab) ? "vocab object" : "merges array");
		goto out;
	}
	if (json_is_true(json_object_get(model, "byte_fallback"))) {
		unsupported_err(unsupported, err, path, "byte_fallback models", NULL);
		goto out;
	}
	if (!is_null_or_absent(json_object_get(model, "dropout")) &&
	    json_real_value(json_object_get(model, "dropout")) != 0.0) {
		unsupported_err(unsupported, err, path, "BPE dropout", NULL);
		goto out;
	}
	static const char *const affixes[] = { "continuing_subword_prefix", "end_of_word_suffix" };
	for (int i = 0; i < 2; i++) {
		const char *s = json_string_value(json_object_get(model, affixes[i]));
		if (s && *s) {
			unsupported_err(unsupported, err, path, affixes[i], s);
			goto out;
		}
	}
	json_t *norm = json_object_get(root, "normalizer");
	if (!is_null_or_absent(norm)) {
		const char *nt = json_string_value(json_object_get(norm, "type"));
		unsupported_err(unsupported, err, path, "normalizer", nt ? nt : "(untyped)");
		goto out;
	}
	json_t *pt = json_object_get(root, "pre_tokenizer");
	int saw_bytelevel = 0;
	if (is_null_or_absent(pt)) {
		unsupported_err(unsupported, err, path, "tokenizer without a ByteLevel pre_tokenizer", NULL);
		goto out;
	}
	if (hf_pre_tokenizer(v, pt, path, err, unsupported, 1, &saw_bytelevel))
		goto out;
	if (!saw_bytelevel) {
		unsupported_err(unsupported, err, path, "tokenizer without a ByteLevel pre_tokenizer", NULL);
		goto out;
	}
	if (add_bytelevel_vocab(&b, vocab, err))
		goto out;
	json_t *added = json_object_get(root, "added_tokens");
	size_t i, n_new = 0;
	json_t *at;
	json_array_foreach(added, i, at) {
		const char *content = json_string_value(json_object_get(at, "content"));
		json_t *id = json_object_get(at, "id");
		if (!content || !json_is_integer(id) || json_integer_value(id) < 0) {
			buf_addf(err, "%s: added_tokens[%zu]: needs content and a non-negative id", path, i);
			goto out;
		}
		/* HuggingFace gives an added token the id of the same string in the model's vocab,
		 * else the next id after the vocab and the added tokens so far, whatever the file
		 * says; refuse a file whose ids it would not honour. */
		json_int_t want = json_is_integer(json_object_get(vocab, content))
				  ? json_integer_value(json_object_get(vocab, content))
				  : (json_int_t)(json_object_size(vocab) + n_new++);
		if (want != json_integer_value(id)) {
			buf_addf(err, "%s: unsupported: added_tokens[%zu] '%s' has id %lld, but HuggingFace "
				      "tokenizers assigns it %lld (added ids must follow the vocab without gaps)",
				 path, i, content, (long long)json_integer_value(id), (long long)want);
			*unsupported = 1;
			goto out;
		}
		static const char *const flags[] = { "lstrip", "rstrip", "single_word" };
		for (int f = 0; f < 3 && !v->special_unsupported; f++) {
			if (json_is_true(json_object_get(at, flags[f]))) {
				struct buf why = BUF_INIT;
				buf_addf(&why, "added token '%s' with %s", content, flags[f]);
				v->special_unsupported = buf_detach(&why, NULL);
			}
		}
		add_entry(&b, content, strlen(content), (uint32_t)json_integer_value(id), 1);
	}
	if (build_tables(v, &b, err, unsupported))
		goto out;
	tok_pairmap_init(&v->pairs, json_array_size(merges));
	json_t *m;
	json_array_foreach(merges, i, m) {
		buf_reset(&where);
		buf_addf(&where, "merges[%zu]", i);
		const char *a = NULL, *bb = NULL;
		char *split = NULL;
		if (json_is_string(m)) {
			split = xstrdup(json_string_value(m));
			char *sp = strchr(split, ' ');
			if (sp && !strchr(sp + 1, ' ')) {
				*sp = '\0';
				a = split;
				bb = sp + 1;
			}
		} else if (json_is_array(m) && json_array_size(m) == 2) {
			a = json_string_value(json_array_get(m, 0));
			bb = json_string_value(json_array_get(m, 1));
		}
		if (!a || !bb) {
			free(split);
			buf_addf(err, "%s: %s: a merge is \"a b\" or [\"a\", \"b\"]", path, where.data);
			goto out;
		}
		int bad = add_merge(v, vocab, a, bb, (uint32_t)i, path, where.data, &tmp, err);
		free(split);
		if (bad)
			goto out;
	}
	v->whole_piece = json_is_true(json_object_get(model, "ignore_merges"));
	v->format = TOK_FMT_HF;
	v->name = xstrdup(base_name(path));
	rc = 0;
out:
	json_decref(root);
	builder_release(&b);
	buf_release(&raw);
	buf_release(&tmp);
	buf_release(&where);
	return rc;
}

/* GPT-2's encoder.json + vocab.bpe (beside it). */
static int load_gpt2(struct tok_vocab *v, const char *path, struct buf *err, int *unsupported)
{
	struct builder b = { BUF_INIT, NULL, 0, 0, path };
	struct buf raw = BUF_INIT, bpe = BUF_INIT, bpe_path = BUF_INIT, tmp = BUF_INIT, where = BUF_INIT;
	json_t *vocab = NULL;
	json_error_t je;
	int rc = -1;
	if (source_read_file(path, &raw, UINT64_MAX, err))
		goto out;
	v->file_hash = XXH3_64bits(raw.data, raw.len);
	vocab = json_loadb(raw.data, raw.len, JSON_ALLOW_NUL, &je);
	if (!json_is_object(vocab)) {
		buf_addf(err, "%s:%d: %s", path, je.line, vocab ? "not a JSON object" : je.text);
		goto out;
	}
	const char *slash = strrchr(path, '/');
	if (slash)
		buf_add(&bpe_path, path, (size_t)(slash - path + 1));
	buf_addstr(&bpe_path, "vocab.bpe");
	if (source_read_file(bpe_path.data, &bpe, UINT64_MAX, err))
		goto out;
	if (add_bytelevel_vocab(&b, vocab, err))
		goto out;
	if (build_tables(v, &b, err, unsupported))
		goto out;
	/* <|endoftext|> is an ordinary vocab entry in GPT-2's file; treat it as the special token. */
	if (v->eot_id != TOK_NONE && !v->is_special[v->eot_id]) {
		v->is_special[v->eot_id] = 1;
		v->specials = xrealloc(v->specials, (v->n_specials + 1) * sizeof(*v->specials));
		v->specials[v->n_specials].text = xstrdup("<|endoftext|>");
		v->specials[v->n_specials].len = 13;
		v->specials[v->n_specials].id = v->eot_id;
		v->n_specials++;
	}
	tok_pairmap_init(&v->pairs, 65536);
	uint32_t rank = 0;
	size_t lineno = 0;
	for (size_t pos = 0; pos < bpe.len;) {
		char *line = bpe.data + pos;
		char *nl = memchr(line, '\n', bpe.len - pos);
		size_t len = nl ? (size_t)(nl - line) : bpe.len - pos;
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
			buf_addf(err, "%s:%zu: a merge line is two tokens separated by one space", bpe_path.data, lineno);
			goto out;
		}
		*sp = '\0';
		if (add_merge(v, vocab, line, sp + 1, rank++, bpe_path.data, where.data, &tmp, err))
			goto out;
	}
	v->whole_piece = 0;
	add_step(v, TOK_STEP_SPLIT, tok_pattern_gpt2, TOK_SPLIT_MATCHES);
	v->format = TOK_FMT_GPT2;
	v->name = xstrdup("gpt2-encoder.json");
	rc = 0;
out:
	json_decref(vocab);
	builder_release(&b);
	buf_release(&raw);
	buf_release(&bpe);
	buf_release(&bpe_path);
	buf_release(&tmp);
	buf_release(&where);
	return rc;
}

int tok_vocab_load(struct tok_vocab *v, const char *spec, const char *search_path,
		   const char *pattern, struct buf *err, int *unsupported)
{
	struct buf path = BUF_INIT;
	struct stat st;
	int rc;
	memset(v, 0, sizeof(*v));
	v->eot_id = TOK_NONE;
	*unsupported = 0;
	if (!stat(spec, &st) && S_ISREG(st.st_mode)) {
		buf_addstr(&path, spec);
	} else if (!strchr(spec, '/') && search_path) {
		const char *p = search_path;
		while (*p) {
			const char *colon = strchr(p, ':');
			size_t n = colon ? (size_t)(colon - p) : strlen(p);
			buf_reset(&path);
			if (n) {
				buf_add(&path, p, n);
				buf_addf(&path, "/%s.tiktoken", spec);
				if (!stat(path.data, &st))
					break;
			}
			buf_reset(&path);
			p += n + (colon ? 1 : 0);
		}
	}
	if (!path.len) {
		buf_addf(err, "%s: no such vocabulary file or name%s%s%s", spec,
			 search_path ? " (searched " : "", search_path ? search_path : "",
			 search_path ? "; `make vocabs` installs gpt2, cl100k_base, o200k_base)" : "");
		buf_release(&path);
		return -1;
	}
	v->path = xstrdup(path.data);
	const char *base = base_name(path.data);
	if (ends_with(base, ".tiktoken"))
		rc = load_tiktoken(v, path.data, pattern, err, unsupported);
	else if (!strcmp(base, "encoder.json"))
		rc = load_gpt2(v, path.data, err, unsupported);
	else if (ends_with(base, ".json"))
		rc = load_hf(v, path.data, err, unsupported);
	else
		rc = load_tiktoken(v, path.data, pattern, err, unsupported);
	if (!rc && pattern && v->format != TOK_FMT_TIKTOKEN) {
		buf_addf(err, "%s: --pattern applies to .tiktoken files only", path.data);
		rc = -1;
	}
	buf_release(&path);
	if (rc)
		tok_vocab_free(v);
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
	tok_strmap_free(&v->map);
	tok_pairmap_free(&v->pairs);
	for (size_t i = 0; i < v->n_specials; i++)
		free(v->specials[i].text);
	free(v->specials);
	for (size_t i = 0; i < v->n_steps; i++)
		free(v->steps[i].pattern);
	free(v->steps);
	free(v->special_unsupported);
	memset(v, 0, sizeof(*v));
	v->eot_id = TOK_NONE;
}
