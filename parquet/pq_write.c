/*
 * The Parquet writer: JSONL records in, a Parquet file out (see pq_write.h for the schema
 * rules). Records go into the current row group as they come, and a row group is written when
 * its values reach ~row_group_bytes: only it is held in memory, nothing is spooled, each line
 * is parsed once.
 *
 * Without --schema the types are inferred as the records come, and widened (widen()) when a
 * value does not fit: the values of the current row group are converted in memory
 * (pq_wcol_convert); a column's chunks in row groups already written under a narrower type are
 * read back from the file at the end, converted and written again after the last row group,
 * the footer pointing at the new ones (the old bytes stay in the file, unreferenced). A column
 * first seen late gets its all-null chunks for the earlier row groups there too. A chunk of
 * nulls only needs no conversion: its pages hold levels and no values, valid for any type.
 */
#include "parquet/pq_write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lib/json.h"
#include "lib/le.h"
#include "lib/source.h"
#include "lib/xalloc.h"
#include "parquet/pq_codec.h"
#include "parquet/pq_column.h"
#include "parquet/pq_meta.h"
#include "parquet/pq_thrift.h"
#include "parquet/pq_write_int.h"


struct pq_writer {
	char *path;
	uint64_t rg_bytes;
	int fixed;            /* schema from --schema: a misfit is an error, not a widening */
	struct buf carry;     /* a partial line */
	struct wcol *cols;
	size_t ncols, cols_cap;
	uint32_t *slots;      /* name hash -> column index + 1 */
	size_t nslots;
	size_t *order;        /* the last record's members' columns, in its order */
	size_t norder, order_cap;
	uint64_t rows, rg_rows, rg_value_bytes;
	int in_row;           /* add_row has opened a row in every column */
	int level;            /* zstd */
	/* output */
	pq_sink_fn sink;
	pq_readback_fn readback;
	void *ctx;
	int64_t offset;
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
		size_t h = (size_t)XXH3_64bits(w->cols[i].name, w->cols[i].name_len) & (w->nslots - 1);
		while (w->slots[h])
			h = (h + 1) & (w->nslots - 1);
		w->slots[h] = (uint32_t)i + 1;
	}
}

/* A new column (name decoded); its rows so far, and the row groups written, are nulls. */
static long new_column(struct pq_writer *w, const char *key, size_t n)
{
	ALLOC_GROW(w->cols, w->ncols + 1, w->cols_cap);
	struct wcol *c = &w->cols[w->ncols++];
	memset(c, 0, sizeof(*c));
	c->name = xmemdup(key, n);
	c->name_len = n;
	c->data = (struct buf)BUF_INIT;
	ALLOC_GROW(c->chunks, w->nrg, c->chunks_cap);
	for (size_t g = 0; g < w->nrg; g++) {
		struct wchunk *ch = &c->chunks[c->nchunks++];
		memset(ch, 0, sizeof(*ch));
		ch->min = ch->max = (struct buf)BUF_INIT;
		ch->missing = 1;
		ch->num_values = w->rg_nrows[g];
	}
	/* the current record's row too, while add_row has it open */
	size_t rows = (size_t)w->rg_rows + (size_t)w->in_row;
	ALLOC_GROW(c->def, rows, c->rcap);
	if (rows)
		memset(c->def, 0, rows);
	c->nrows = rows;
	rehash(w);
	return (long)w->ncols - 1;
}

/* The column named key[0..n) (decoded), created if `create`; -1 if absent. */
static long column(struct pq_writer *w, const char *key, size_t n, int create)
{
	if (w->nslots) {
		size_t h = (size_t)XXH3_64bits(key, n) & (w->nslots - 1);
		for (uint32_t s; (s = w->slots[h]); h = (h + 1) & (w->nslots - 1)) {
			const struct wcol *c = &w->cols[s - 1];
			if (c->name_len == n && !memcmp(c->name, key, n))
				return (long)s - 1;
		}
	}
	return create ? new_column(w, key, n) : -1;
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

/* ---- rows ---- */

/*
 * A column whose strings pass 4 MiB gets room for the whole row group at once, on transparent
 * huge pages (pq_huge_pages): its bytes are written once and read once, and on 4 KiB pages the
 * first touch of each (a fault, zeroing) cost a third of the writer's time (docs/parquet.md,
 * "Speed"). Values count at least their bytes towards --row-group-bytes, so the room suffices
 * but for the last record (up to 512 MiB: a --row-group-bytes of 1T must not ask for 1T).
 */
#define BIG_COLUMN ((size_t)4 << 20)
#define BIG_RESERVE ((size_t)512 << 20)

static void reserve_big(struct pq_writer *w, struct wcol *c)
{
	if (c->advised || c->data.len < BIG_COLUMN)
		return;
	size_t want = (size_t)w->rg_bytes + ((size_t)w->rg_bytes >> 4);
	if (want > BIG_RESERVE) /* bigger row groups grow as they fill (and keep the advice) */
		want = BIG_RESERVE;
	if (want > c->data.len)
		buf_grow(&c->data, want - c->data.len);
	pq_huge_pages(c->data.data, c->data.cap);
	c->advised = 1;
}

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

/*
 * The column of a record's i-th member: the one the last record had there when the key is the
 * same (records mostly repeat their keys in one order), else by name (created if `create`).
 * -1 when absent.
 */
static long member_column(struct pq_writer *w, const struct json_member *m, size_t i, int create)
{
	if (i < w->norder && w->order[i] != SIZE_MAX) {
		const struct wcol *c = &w->cols[w->order[i]];
		if (c->name_len == m->key_len && !memcmp(c->name, m->key, m->key_len) &&
		    !memchr(m->key, '\\', m->key_len))
			return (long)w->order[i];
	}
	member_key(w, m);
	long ci = column(w, w->key.data, w->key.len, create);
	if (ci >= 0) {
		ALLOC_GROW(w->order, i + 1, w->order_cap);
		while (w->norder <= i)
			w->order[w->norder++] = SIZE_MAX;
		w->order[i] = (size_t)ci;
	}
	return ci;
}

/* One record into the columns; -1 with a message when a value does not fit the --schema. */
static int add_row(struct pq_writer *w, const char *line, size_t len, struct buf *err)
{
	for (size_t i = 0; i < w->ncols; i++) {
		struct wcol *c = &w->cols[i];
		ALLOC_GROW(c->def, c->nrows + 1, c->rcap);
		c->def[c->nrows++] = 0;
	}
	w->in_row = 1;
	size_t pos = 0, before = 0;
	struct json_member m;
	for (size_t i = 0; json_object_next(line, len, &pos, &m); i++) {
		long ci = member_column(w, &m, i, !w->fixed);
		if (m.type == JV_NULL)
			continue;
		if (ci < 0) {
			buf_addf(err, "record %llu: field '%s' is not in the --schema",
				 (unsigned long long)w->rows + 1, w->key.data);
			return -1;
		}
		struct wcol *c = &w->cols[ci];
		if (c->def[c->nrows - 1])
			continue; /* a repeated key: the first wins */
		int k = kind_of(&m), wide = widen(c->kind, k);
		if (wide != c->kind && w->fixed) {
			buf_addf(err, "record %llu: field '%s' holds a %s, not the schema's %s",
				 (unsigned long long)w->rows + 1, c->name, kind_names[k],
				 kind_names[c->kind]);
			return -1;
		}
		pq_wcol_convert(c, wide);
		before += m.val_len + 4;
		value(c, &m);
		reserve_big(w, c);
	}
	w->in_row = 0;
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

static void emit_out(void *ctx, const void *p, size_t n)
{
	out(ctx, p, n);
}

static int flush_rowgroup(struct pq_writer *w)
{
	if (!w->rg_rows)
		return 0;
	out(w, "", 0); /* the leading PAR1, before any offset is taken */
	for (size_t i = 0; i < w->ncols; i++) {
		pq_write_chunk(&w->cols[i], w->offset, w->level, emit_out, w);
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
				const char *schema_path, int zstd_level, pq_sink_fn sink,
				pq_readback_fn readback, void *ctx, struct buf *err)
{
	struct pq_writer *w = xcalloc(1, sizeof(*w));
	w->sink = sink;
	w->readback = readback;
	w->ctx = ctx;
	w->path = xstrdup(path);
	w->rg_bytes = row_group_bytes ? row_group_bytes : PQ_DEFAULT_ROW_GROUP_BYTES;
	w->level = zstd_level ? zstd_level : PQ_DEFAULT_ZSTD_LEVEL;
	w->carry = w->key = (struct buf)BUF_INIT;
	if (schema_path) {
		w->fixed = 1;
		if (parse_schema(w, schema_path, err) < 0) {
			pq_writer_free(w);
			return NULL;
		}
	}
	return w;
}

/* Feed whole lines of p[0..n) (plus the carry) to add_row. */
static int lines(struct pq_writer *w, const char *p, size_t n, struct buf *err)
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
		int rc = len ? add_row(w, l, len, err) : 0;
		buf_reset(&w->carry);
		if (rc < 0)
			return -1;
		p = nl + 1;
	}
	return 0;
}

int pq_writer_write(struct pq_writer *w, const void *p, size_t n, struct buf *err)
{
	return lines(w, p, n, err);
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
		tw_binary(t, 4, c->name, c->name_len);
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
	tw_elem_binary(t, c->name, c->name_len);
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
		int64_t comp = 0, uncomp = 0, first = INT64_MAX;
		for (size_t i = 0; i < w->ncols; i++) {
			if (w->cols[i].chunks[g].start < first)
				first = w->cols[i].chunks[g].start; /* chunks written again are after the others */
			write_chunk_meta(&t, &w->cols[i], &w->cols[i].chunks[g]);
			comp += w->cols[i].chunks[g].comp;
			uncomp += w->cols[i].chunks[g].uncomp;
		}
		tw_i64(&t, 2, uncomp);
		tw_i64(&t, 3, w->rg_nrows[g]);
		tw_i64(&t, 5, first);
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

/* Chunk ch of column c, read back from the file, into t (of the chunk's type). */
static int reread_chunk(struct pq_writer *w, const struct wcol *c, const struct wchunk *ch,
			struct wcol *t, struct buf *err)
{
	static const int types[] = { PQ_BYTE_ARRAY, PQ_BOOLEAN, PQ_INT64, PQ_DOUBLE,
				     PQ_BYTE_ARRAY, PQ_BYTE_ARRAY };
	size_t n = (size_t)ch->comp;
	uint8_t *raw = xmalloc(n ? n : 1);
	if (!w->readback || w->readback(w->ctx, ch->start, raw, n) < 0) {
		buf_addf(err, "column '%s' became %s after row groups holding it as %s were written, "
			 "and the output cannot be read back to convert them (give the types with --schema)",
			 c->name, kind_names[c->kind], kind_names[ch->kind]);
		free(raw);
		return -1;
	}
	struct pq_node leaf = { .type = types[ch->kind], .repetition = PQ_OPTIONAL, .max_def = 1,
				.parent = 0, .leaf = 0 };
	struct pq_column col;
	memset(&col, 0, sizeof(col));
	struct buf e = BUF_INIT;
	int rc = pq_column_decode(&col, &leaf, PQ_ZSTD, raw, n, (uint64_t)ch->start,
				  ch->num_values, &e);
	if (rc < 0) {
		buf_addf(err, "column '%s': reading back a chunk written before: %s", c->name, e.data);
	} else {
		t->kind = ch->kind;
		t->nrows = t->rcap = col.nlev;
		t->def = xcalloc(col.nlev ? col.nlev : 1, 1);
		if (col.nlev)
			memcpy(t->def, col.def, col.nlev);
		t->nv = t->vcap = col.vals.n;
		size_t width = ch->kind == WK_BOOL ? 1 : 8, nv = t->nv ? t->nv : 1;
		void *fixed = ch->kind == WK_STR || ch->kind == WK_JSON ? NULL : xmalloc(nv * width);
		if (fixed && t->nv)
			memcpy(fixed, col.vals.fixed, t->nv * width);
		if (ch->kind == WK_INT) {
			t->iv = fixed;
		} else if (ch->kind == WK_DBL) {
			t->dv = fixed;
		} else if (ch->kind == WK_BOOL) {
			t->bv = fixed;
		} else {
			t->len = xmalloc(nv * sizeof(uint32_t));
			for (size_t i = 0; i < t->nv; i++) {
				buf_add(&t->data, col.vals.ba[i].p, col.vals.ba[i].n);
				t->len[i] = col.vals.ba[i].n;
			}
		}
	}
	pq_column_release(&col);
	buf_release(&e);
	free(raw);
	return rc;
}

/*
 * After the last row group: write the chunks the final schema needs instead of what was
 * written (a column's row groups before it existed, and values held as a narrower type), at
 * the end of the file; the footer will point at them.
 */
static int fix_chunks(struct pq_writer *w, struct buf *err)
{
	out(w, "", 0); /* the leading PAR1, before any offset is taken */
	for (size_t i = 0; i < w->ncols; i++) {
		struct wcol *c = &w->cols[i];
		if (c->kind == WK_NONE)
			c->kind = WK_STR; /* only nulls: a string column */
		for (size_t g = 0; g < c->nchunks; g++) {
			struct wchunk *ch = &c->chunks[g];
			if (!ch->missing && (ch->kind == c->kind || ch->kind == WK_NONE))
				continue;
			struct wcol t;
			memset(&t, 0, sizeof(t));
			t.name = c->name;
			t.name_len = c->name_len;
			t.data = (struct buf)BUF_INIT;
			if (ch->missing) {
				t.kind = c->kind;
				t.nrows = t.rcap = (size_t)ch->num_values;
				t.def = xcalloc(t.nrows ? t.nrows : 1, 1);
			} else if (reread_chunk(w, c, ch, &t, err) < 0) {
				t.name = NULL;
				pq_wcol_release(&t);
				return -1;
			}
			pq_wcol_convert(&t, c->kind);
			pq_write_chunk(&t, w->offset, w->level, emit_out, w);
			buf_release(&ch->min);
			buf_release(&ch->max);
			*ch = t.chunks[0];
			t.nchunks = 0;
			t.name = NULL;
			pq_wcol_release(&t);
		}
	}
	return 0;
}

int pq_writer_finish(struct pq_writer *w, struct buf *err)
{
	int rc = 0;
	if (w->carry.len) /* a last line without its newline */
		rc = lines(w, "\n", 1, err);
	if (rc == 0 && !w->ncols) { /* no records: one string column, no rows */
		long c = column(w, "text", 4, 1);
		w->cols[c].kind = WK_STR;
	}
	if (rc == 0)
		rc = flush_rowgroup(w);
	if (rc == 0)
		rc = fix_chunks(w, err);
	if (rc == 0)
		write_footer(w);
	pq_writer_free(w);
	return rc;
}

void pq_writer_free(struct pq_writer *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->ncols; i++)
		pq_wcol_release(&w->cols[i]);
	free(w->cols);
	free(w->slots);
	free(w->order);
	free(w->rg_nrows);
	buf_release(&w->carry);
	buf_release(&w->key);
	free(w->path);
	free(w);
}
