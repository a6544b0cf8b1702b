/*
 * The Parquet writer: JSONL records in, a Parquet file out (see pq_write.h for the schema
 * rules). Without --schema the records are spooled to an unlinked temporary file while their
 * field types are inferred, so the schema fits every record; the file is written at the end,
 * one row group per ~row_group_bytes of values, and its footer last.
 */
#include "parquet/pq_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "lib/json.h"
#include "lib/le.h"
#include "lib/source.h"
#include "lib/xalloc.h"
#include "parquet/pq_meta.h"
#include "parquet/pq_thrift.h"
#include "parquet/pq_write_int.h"

#define ZSTD_LEVEL 3
#define SPOOL_CHUNK ((size_t)8 << 20)

struct pq_writer {
	char *path;
	uint64_t rg_bytes;
	int fixed;            /* schema from --schema: no spool, rows filled as they come */
	FILE *spool;
	struct buf carry;     /* a partial line */
	struct wcol *cols;
	size_t ncols, cols_cap;
	uint32_t *slots;      /* name hash -> column index + 1 */
	size_t nslots;
	uint64_t rows, rg_rows, rg_value_bytes;
	int64_t rg_first_row;
	/* output */
	pq_sink_fn sink;
	void *ctx;
	int64_t offset;
	struct buf chunk;
	int64_t *rg_nrows;    /* rows per row group written */
	size_t nrg, rg_cap;
	struct buf key;       /* scratch */
};

static const char *const kind_names[] = { "none", "boolean", "int64", "double", "string", "json" };

/* ---- columns by name ---- */

static void rehash(struct pq_writer *w)
{
	free(w->slots);
	w->nslots = 64;
	while (w->nslots < w->ncols * 4)
		w->nslots *= 2;
	w->slots = xcalloc(w->nslots, sizeof(uint32_t));
	for (size_t i = 0; i < w->ncols; i++) {
		size_t h = (size_t)XXH3_64bits(w->cols[i].name, strlen(w->cols[i].name)) & (w->nslots - 1);
		while (w->slots[h])
			h = (h + 1) & (w->nslots - 1);
		w->slots[h] = (uint32_t)i + 1;
	}
}

/* The column named key[0..n) (decoded), created if `create`; -1 if absent. */
static long column(struct pq_writer *w, const char *key, size_t n, int create)
{
	if (w->nslots) {
		size_t h = (size_t)XXH3_64bits(key, n) & (w->nslots - 1);
		for (uint32_t s; (s = w->slots[h]); h = (h + 1) & (w->nslots - 1)) {
			const char *nm = w->cols[s - 1].name;
			if (strlen(nm) == n && !memcmp(nm, key, n))
				return (long)s - 1;
		}
	}
	if (!create)
		return -1;
	ALLOC_GROW(w->cols, w->ncols + 1, w->cols_cap);
	struct wcol *c = &w->cols[w->ncols++];
	memset(c, 0, sizeof(*c));
	c->name = xmemdup(key, n);
	c->data = (struct buf)BUF_INIT;
	rehash(w);
	return (long)w->ncols - 1;
}

/* A member's key, decoded into w->key. */
static void member_key(struct pq_writer *w, const struct json_member *m)
{
	buf_reset(&w->key);
	if (memchr(m->key, '\\', m->key_len))
		json_string_decode(&w->key, m->key, m->key_len);
	else
		buf_add(&w->key, m->key, m->key_len);
}

static int is_int(const char *p, size_t n, int64_t *out)
{
	char tmp[32];
	if (n == 0 || n >= sizeof(tmp))
		return 0;
	for (size_t i = p[0] == '-'; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	errno = 0;
	long long v = strtoll(tmp, NULL, 10);
	if (errno)
		return 0;
	*out = v;
	return 1;
}

static int kind_of(const struct json_member *m)
{
	int64_t v;
	switch (m->type) {
	case JV_STRING: return WK_STR;
	case JV_NUMBER: return is_int(m->val, m->val_len, &v) ? WK_INT : WK_DBL;
	case JV_TRUE: case JV_FALSE: return WK_BOOL;
	case JV_NULL: return WK_NONE;
	default: return WK_JSON;
	}
}

/* The type that holds both: int and double widen to double, anything else mixed is JSON. */
static int widen(int a, int b)
{
	if (a == b || b == WK_NONE)
		return a;
	if (a == WK_NONE)
		return b;
	if ((a == WK_INT && b == WK_DBL) || (a == WK_DBL && b == WK_INT))
		return WK_DBL;
	return WK_JSON;
}

static void infer(struct pq_writer *w, const char *line, size_t len)
{
	size_t pos = 0;
	struct json_member m;
	while (json_object_next(line, len, &pos, &m)) {
		member_key(w, &m);
		long c = column(w, w->key.data, w->key.len, 1);
		w->cols[c].kind = widen(w->cols[c].kind, kind_of(&m));
	}
}

/* ---- rows ---- */

static void value(struct wcol *c, const struct json_member *m)
{
	if (c->nv == c->vcap) {
		c->vcap = alloc_nr(c->vcap, c->nv + 1);
		if (c->kind == WK_INT)
			c->iv = xrealloc(c->iv, c->vcap * sizeof(*c->iv));
		else if (c->kind == WK_DBL)
			c->dv = xrealloc(c->dv, c->vcap * sizeof(*c->dv));
		else if (c->kind == WK_BOOL)
			c->bv = xrealloc(c->bv, c->vcap);
		else
			c->len = xrealloc(c->len, c->vcap * sizeof(*c->len));
	}
	size_t before = c->data.len;
	switch (c->kind) {
	case WK_INT:
		is_int(m->val, m->val_len, &c->iv[c->nv]);
		break;
	case WK_DBL: {
		char tmp[64];
		size_t n = m->val_len < sizeof(tmp) - 1 ? m->val_len : sizeof(tmp) - 1;
		memcpy(tmp, m->val, n);
		tmp[n] = '\0';
		c->dv[c->nv] = strtod(tmp, NULL);
		break;
	}
	case WK_BOOL:
		c->bv[c->nv] = m->type == JV_TRUE;
		break;
	case WK_STR:
		if (memchr(m->val, '\\', m->val_len))
			json_string_decode(&c->data, m->val + 1, m->val_len - 2);
		else
			buf_add(&c->data, m->val + 1, m->val_len - 2);
		c->len[c->nv] = (uint32_t)(c->data.len - before);
		break;
	default:
		buf_add(&c->data, m->val, m->val_len);
		c->len[c->nv] = (uint32_t)m->val_len;
		break;
	}
	c->nv++;
	c->def[c->nrows - 1] = 1;
}

static int flush_rowgroup(struct pq_writer *w);

/* One record into the columns; -1 with a message when a value does not fit the schema. */
static int add_row(struct pq_writer *w, const char *line, size_t len, struct buf *err)
{
	for (size_t i = 0; i < w->ncols; i++) {
		struct wcol *c = &w->cols[i];
		ALLOC_GROW(c->def, c->nrows + 1, c->rcap);
		c->def[c->nrows++] = 0;
	}
	size_t pos = 0, before = 0;
	struct json_member m;
	while (json_object_next(line, len, &pos, &m)) {
		if (m.type == JV_NULL)
			continue;
		member_key(w, &m);
		long ci = column(w, w->key.data, w->key.len, 0);
		if (ci < 0) {
			buf_addf(err, "record %llu: field '%s' is not in the --schema",
				 (unsigned long long)w->rows + 1, w->key.data);
			return -1;
		}
		struct wcol *c = &w->cols[ci];
		if (c->def[c->nrows - 1])
			continue; /* a repeated key: the first wins */
		int k = kind_of(&m);
		if (widen(c->kind, k) != c->kind) {
			buf_addf(err, "record %llu: field '%s' holds a %s, not the schema's %s",
				 (unsigned long long)w->rows + 1, w->key.data, kind_names[k],
				 kind_names[c->kind]);
			return -1;
		}
		before += m.val_len + 4;
		value(c, &m);
	}
	w->rows++;
	w->rg_rows++;
	w->rg_value_bytes += before + w->ncols;
	if (w->rg_value_bytes >= w->rg_bytes)
		return flush_rowgroup(w);
	return 0;
}

/* ---- output ---- */

static void out(struct pq_writer *w, const void *p, size_t n)
{
	if (w->offset == 0) {
		w->sink(w->ctx, "PAR1", 4);
		w->offset = 4;
	}
	w->sink(w->ctx, p, n);
	w->offset += (int64_t)n;
}

static int flush_rowgroup(struct pq_writer *w)
{
	if (!w->rg_rows)
		return 0;
	out(w, "", 0); /* the leading PAR1, before any offset is taken */
	for (size_t i = 0; i < w->ncols; i++) {
		buf_reset(&w->chunk);
		pq_write_chunk(&w->cols[i], w->offset, ZSTD_LEVEL, &w->chunk);
		out(w, w->chunk.data, w->chunk.len);
		pq_wcol_reset(&w->cols[i]);
	}
	ALLOC_GROW(w->rg_nrows, w->nrg + 1, w->rg_cap);
	w->rg_nrows[w->nrg++] = (int64_t)w->rg_rows;
	w->rg_rows = 0;
	w->rg_value_bytes = 0;
	return 0;
}

static int parse_schema(struct pq_writer *w, const char *path, struct buf *err)
{
	struct buf text = BUF_INIT, e = BUF_INIT;
	if (source_read_file(path, &text, UINT64_MAX, &e) < 0) {
		buf_addf(err, "--schema: %s", e.data);
		buf_release(&text);
		buf_release(&e);
		return -1;
	}
	buf_release(&e);
	buf_grow(&text, JSON_PADDING);
	memset(text.data + text.len, ' ', JSON_PADDING);
	struct json_validator *v = json_validator_new();
	struct buf why = BUF_INIT;
	size_t at = 0;
	int rc = 0;
	if (json_validate(v, text.data, text.len, &why, &at) < 0) {
		buf_addf(err, "--schema %s: not a JSON object (byte %zu: %s)", path, at, why.data);
		rc = -1;
	}
	size_t pos = 0;
	struct json_member m;
	while (rc == 0 && json_object_next(text.data, text.len, &pos, &m)) {
		member_key(w, &m);
		long c = column(w, w->key.data, w->key.len, 1);
		int k = WK_NONE;
		for (int i = WK_BOOL; i <= WK_JSON; i++)
			if (m.type == JV_STRING && m.val_len == strlen(kind_names[i]) + 2 &&
			    !memcmp(m.val + 1, kind_names[i], m.val_len - 2))
				k = i;
		if (k == WK_NONE) {
			buf_addf(err, "--schema %s: field '%s' has no type string, json, int64, "
				 "double or boolean", path, w->key.data);
			rc = -1;
		}
		w->cols[c].kind = k;
	}
	json_validator_free(v);
	buf_release(&why);
	buf_release(&text);
	return rc;
}

struct pq_writer *pq_writer_new(const char *path, uint64_t row_group_bytes,
				const char *schema_path, pq_sink_fn sink, void *ctx, struct buf *err)
{
	struct pq_writer *w = xcalloc(1, sizeof(*w));
	w->sink = sink;
	w->ctx = ctx;
	w->path = xstrdup(path);
	w->rg_bytes = row_group_bytes ? row_group_bytes : PQ_DEFAULT_ROW_GROUP_BYTES;
	w->carry = w->chunk = w->key = (struct buf)BUF_INIT;
	if (schema_path) {
		w->fixed = 1;
		if (parse_schema(w, schema_path, err) < 0) {
			pq_writer_free(w);
			return NULL;
		}
		return w;
	}
	/* The spool lives beside the output (same file system), unlinked at once. */
	struct buf tmpl = BUF_INIT;
	const char *slash = strrchr(path, '/');
	if (slash)
		buf_add(&tmpl, path, (size_t)(slash - path) + 1);
	buf_addstr(&tmpl, ".grist-parquet-spool.XXXXXX");
	int fd = mkstemp(tmpl.data);
	if (fd >= 0) {
		unlink(tmpl.data);
		w->spool = fdopen(fd, "w+b");
	}
	if (!w->spool) {
		buf_addf(err, "cannot create a spool file beside %s: %s", path, strerror(errno));
		buf_release(&tmpl);
		pq_writer_free(w);
		return NULL;
	}
	buf_release(&tmpl);
	return w;
}

/* Feed whole lines of p[0..n) (plus the carry) to fn. */
static int lines(struct pq_writer *w, const char *p, size_t n,
		 int (*fn)(struct pq_writer *, const char *, size_t, struct buf *), struct buf *err)
{
	const char *end = p + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			buf_add(&w->carry, p, (size_t)(end - p));
			break;
		}
		const char *l = p;
		size_t len = (size_t)(nl - p);
		if (w->carry.len) {
			buf_add(&w->carry, p, len);
			l = w->carry.data;
			len = w->carry.len;
		}
		int rc = len ? fn(w, l, len, err) : 0;
		buf_reset(&w->carry);
		if (rc < 0)
			return -1;
		p = nl + 1;
	}
	return 0;
}

static int spool_line(struct pq_writer *w, const char *l, size_t len, struct buf *err)
{
	infer(w, l, len);
	if (fwrite(l, 1, len, w->spool) != len || putc('\n', w->spool) == EOF) {
		buf_addf(err, "write error on the spool of %s: %s", w->path, strerror(errno));
		return -1;
	}
	return 0;
}

int pq_writer_write(struct pq_writer *w, const void *p, size_t n, struct buf *err)
{
	return lines(w, p, n, w->fixed ? add_row : spool_line, err);
}

static void write_schema(struct twriter *t, struct pq_writer *w)
{
	tw_list(t, 2, TC_STRUCT, w->ncols + 1);
	tw_struct_begin(t, 0);
	tw_binary(t, 4, "schema", 6);
	tw_i32(t, 5, (int32_t)w->ncols);
	tw_struct_end(t);
	for (size_t i = 0; i < w->ncols; i++) {
		const struct wcol *c = &w->cols[i];
		static const int types[] = { PQ_BYTE_ARRAY, PQ_BOOLEAN, PQ_INT64, PQ_DOUBLE,
					     PQ_BYTE_ARRAY, PQ_BYTE_ARRAY };
		tw_struct_begin(t, 0);
		tw_i32(t, 1, types[c->kind]);
		tw_i32(t, 3, PQ_OPTIONAL);
		tw_binary(t, 4, c->name, strlen(c->name));
		if (c->kind == WK_STR || c->kind == WK_JSON || c->kind == WK_NONE) {
			int json = c->kind == WK_JSON;
			tw_i32(t, 6, json ? 19 : 0);    /* converted type JSON / UTF8 */
			tw_struct_begin(t, 10);         /* LogicalType */
			tw_struct_begin(t, json ? 12 : 1);
			tw_struct_end(t);
			tw_struct_end(t);
		}
		tw_struct_end(t);
	}
}

static void write_chunk_meta(struct twriter *t, const struct wcol *c, const struct wchunk *ch)
{
	static const int types[] = { PQ_BYTE_ARRAY, PQ_BOOLEAN, PQ_INT64, PQ_DOUBLE, PQ_BYTE_ARRAY,
				     PQ_BYTE_ARRAY };
	tw_struct_begin(t, 0);
	tw_i64(t, 2, ch->start);
	tw_struct_begin(t, 3);
	tw_i32(t, 1, types[c->kind]);
	tw_list(t, 2, TC_I32, ch->has_dict ? 3 : 2);
	tw_elem_i32(t, PQ_PLAIN);
	tw_elem_i32(t, PQ_RLE);
	if (ch->has_dict)
		tw_elem_i32(t, PQ_RLE_DICTIONARY);
	tw_list(t, 3, TC_BINARY, 1);
	tw_elem_binary(t, c->name, strlen(c->name));
	tw_i32(t, 4, PQ_ZSTD);
	tw_i64(t, 5, ch->num_values);
	tw_i64(t, 6, ch->uncomp);
	tw_i64(t, 7, ch->comp);
	tw_i64(t, 9, ch->data_off);
	if (ch->has_dict)
		tw_i64(t, 11, ch->dict_off);
	tw_struct_begin(t, 12); /* Statistics */
	tw_i64(t, 3, ch->nulls);
	if (ch->has_minmax) {
		tw_binary(t, 5, ch->max.data, ch->max.len);
		tw_binary(t, 6, ch->min.data, ch->min.len);
	}
	tw_struct_end(t);
	tw_struct_end(t);
	tw_struct_end(t);
}

static void write_footer(struct pq_writer *w)
{
	struct buf f = BUF_INIT;
	struct twriter t;
	tw_init(&t, &f);
	tw_i32(&t, 1, 1);
	write_schema(&t, w);
	tw_i64(&t, 3, (int64_t)w->rows);
	tw_list(&t, 4, TC_STRUCT, w->nrg);
	for (size_t g = 0; g < w->nrg; g++) {
		tw_struct_begin(&t, 0);
		tw_list(&t, 1, TC_STRUCT, w->ncols);
		int64_t comp = 0, uncomp = 0;
		for (size_t i = 0; i < w->ncols; i++) {
			write_chunk_meta(&t, &w->cols[i], &w->cols[i].chunks[g]);
			comp += w->cols[i].chunks[g].comp;
			uncomp += w->cols[i].chunks[g].uncomp;
		}
		tw_i64(&t, 2, uncomp);
		tw_i64(&t, 3, w->rg_nrows[g]);
		tw_i64(&t, 5, w->cols[0].chunks[g].start);
		tw_i64(&t, 6, comp);
		tw_struct_end(&t);
	}
	const char *by = "grist " GRIST_VERSION;
	tw_binary(&t, 6, by, strlen(by));
	tw_list(&t, 7, TC_STRUCT, w->ncols); /* ColumnOrder: TypeDefinedOrder for each */
	for (size_t i = 0; i < w->ncols; i++) {
		tw_struct_begin(&t, 0);
		tw_struct_begin(&t, 1);
		tw_struct_end(&t);
		tw_struct_end(&t);
	}
	buf_addch(&f, 0);
	out(w, f.data, f.len);
	uint8_t tail[8] = { 0, 0, 0, 0, 'P', 'A', 'R', '1' };
	le_put32(tail, (uint32_t)f.len);
	out(w, tail, 8);
	buf_release(&f);
}

int pq_writer_finish(struct pq_writer *w, struct buf *err)
{
	int rc = 0;
	if (w->carry.len) /* a last line without its newline */
		rc = lines(w, "\n", 1, w->fixed ? add_row : spool_line, err);
	if (rc == 0 && !w->ncols) { /* no records: one string column, no rows */
		long c = column(w, "text", 4, 1);
		w->cols[c].kind = WK_STR;
	}
	if (rc == 0 && w->fixed) {
		rc = flush_rowgroup(w);
	} else if (rc == 0) {
		for (size_t i = 0; i < w->ncols; i++)
			if (w->cols[i].kind == WK_NONE)
				w->cols[i].kind = WK_STR; /* only nulls: a string column */
		rewind(w->spool);
		char *blk = xmalloc(SPOOL_CHUNK);
		size_t n;
		while (rc == 0 && (n = fread(blk, 1, SPOOL_CHUNK, w->spool)) > 0)
			rc = lines(w, blk, n, add_row, err);
		if (rc == 0 && ferror(w->spool)) {
			buf_addf(err, "read error on the spool of %s", w->path);
			rc = -1;
		}
		free(blk);
		if (rc == 0)
			rc = flush_rowgroup(w);
	}
	if (rc == 0)
		write_footer(w);
	pq_writer_free(w);
	return rc;
}

void pq_writer_free(struct pq_writer *w)
{
	if (!w)
		return;
	if (w->spool)
		fclose(w->spool);
	for (size_t i = 0; i < w->ncols; i++) {
		struct wcol *c = &w->cols[i];
		free(c->name);
		free(c->def);
		free(c->iv);
		free(c->dv);
		free(c->bv);
		free(c->len);
		buf_release(&c->data);
		for (size_t k = 0; k < c->nchunks; k++) {
			buf_release(&c->chunks[k].min);
			buf_release(&c->chunks[k].max);
		}
		free(c->chunks);
	}
	free(w->cols);
	free(w->slots);
	free(w->rg_nrows);
	buf_release(&w->carry);
	buf_release(&w->chunk);
	buf_release(&w->key);
	free(w->path);
	free(w);
}
