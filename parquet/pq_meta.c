/*
 * Decoding the Parquet footer and page headers (parquet.thrift field numbers in comments).
 * Unknown fields are skipped, as Thrift requires, so files from newer writers still read.
 */
#include "parquet/pq_meta.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "parquet/pq_thrift.h"

/* A schema element as stored (flat, depth-first). */
struct elem {
	int type, repetition, nchildren, converted;
	int32_t type_length, scale, precision;
	const uint8_t *name;
	size_t name_len;
	int logical, unit, utc, bit_width, is_signed;
	int32_t l_scale, l_precision;
};

static void parse_time_unit(struct treader *t, int *unit)
{
	int16_t last = 0, id;
	int ft;
	tr_struct_begin(t);
	while (tr_field(t, &last, &id, &ft)) {
		if (ft == TC_STRUCT && id >= 1 && id <= 3)
			*unit = id - 1; /* 1 MILLIS, 2 MICROS, 3 NANOS */
		tr_skip(t, ft);
	}
	tr_struct_end(t);
}

/* LogicalType (a union: one field set). */
static void parse_logical(struct treader *t, struct elem *e)
{
	int16_t last = 0, id;
	int ft;
	tr_struct_begin(t);
	while (tr_field(t, &last, &id, &ft)) {
		if (ft != TC_STRUCT) {
			tr_skip(t, ft);
			continue;
		}
		static const int map[] = { 0, PQL_STRING, PQL_MAP, PQL_LIST, PQL_ENUM, PQL_DECIMAL,
					   PQL_DATE, PQL_TIME, PQL_TIMESTAMP, 0, PQL_INT, PQL_NULL,
					   PQL_JSON, PQL_BSON, PQL_UUID, PQL_FLOAT16 };
		e->logical = id > 0 && id < (int)(sizeof(map) / sizeof(map[0])) ? map[id] : PQL_NONE;
		int16_t l2 = 0, id2;
		int ft2;
		tr_struct_begin(t);
		while (tr_field(t, &l2, &id2, &ft2)) {
			if (e->logical == PQL_DECIMAL && id2 == 1 && ft2 == TC_I32)
				e->l_scale = tr_i32(t);
			else if (e->logical == PQL_DECIMAL && id2 == 2 && ft2 == TC_I32)
				e->l_precision = tr_i32(t);
			else if ((e->logical == PQL_TIME || e->logical == PQL_TIMESTAMP) && id2 == 1 &&
				 (ft2 == TC_TRUE || ft2 == TC_FALSE))
				e->utc = tr_bool(t, ft2);
			else if ((e->logical == PQL_TIME || e->logical == PQL_TIMESTAMP) && id2 == 2 &&
				 ft2 == TC_STRUCT)
				parse_time_unit(t, &e->unit);
			else if (e->logical == PQL_INT && id2 == 1 && ft2 == TC_I8) {
				if (t->p < t->end)
					e->bit_width = (int8_t)*t->p++;
			} else if (e->logical == PQL_INT && id2 == 2 && (ft2 == TC_TRUE || ft2 == TC_FALSE))
				e->is_signed = tr_bool(t, ft2);
			else
				tr_skip(t, ft2);
		}
		tr_struct_end(t);
	}
	tr_struct_end(t);
}

static void parse_elem(struct treader *t, struct elem *e)
{
	memset(e, 0, sizeof(*e));
	e->type = PQ_GROUP;
	e->converted = -1;
	e->is_signed = 1;
	int16_t last = 0, id;
	int ft;
	tr_struct_begin(t);
	while (tr_field(t, &last, &id, &ft)) {
		if (id == 1 && ft == TC_I32)
			e->type = tr_i32(t);
		else if (id == 2 && ft == TC_I32)
			e->type_length = tr_i32(t);
		else if (id == 3 && ft == TC_I32)
			e->repetition = tr_i32(t);
		else if (id == 4 && ft == TC_BINARY)
			e->name = tr_binary(t, &e->name_len);
		else if (id == 5 && ft == TC_I32)
			e->nchildren = tr_i32(t);
		else if (id == 6 && ft == TC_I32)
			e->converted = tr_i32(t);
		else if (id == 7 && ft == TC_I32)
			e->scale = tr_i32(t);
		else if (id == 8 && ft == TC_I32)
			e->precision = tr_i32(t);
		else if (id == 10 && ft == TC_STRUCT)
			parse_logical(t, e);
		else
			tr_skip(t, ft);
	}
	tr_struct_end(t);
}

/* The legacy ConvertedType, where no LogicalType was given. */
static void apply_converted(struct pq_node *n, const struct elem *e)
{
	switch (e->converted) {
	case 0: n->logical = PQL_STRING; break;
	case 1: case 2: n->logical = PQL_MAP; break;
	case 3: n->logical = PQL_LIST; break;
	case 4: n->logical = PQL_ENUM; break;
	case 5: n->logical = PQL_DECIMAL; break;
	case 6: n->logical = PQL_DATE; break;
	case 7: case 8:
		n->logical = PQL_TIME;
		n->unit = e->converted - 7;
		n->utc = 1;
		break;
	case 9: case 10:
		n->logical = PQL_TIMESTAMP;
		n->unit = e->converted - 9;
		n->utc = 1;
		break;
	case 11: case 12: case 13: case 14:
		n->logical = PQL_INT;
		n->bit_width = 8 << (e->converted - 11);
		n->is_signed = 0;
		break;
	case 15: case 16: case 17: case 18:
		n->logical = PQL_INT;
		n->bit_width = 8 << (e->converted - 15);
		n->is_signed = 1;
		break;
	case 19: n->logical = PQL_JSON; break;
	case 20: n->logical = PQL_BSON; break;
	case 21: n->logical = PQL_INTERVAL; break;
	default: break;
	}
}

/* Build nodes[*next...] from elems (depth-first), returns the node index or -1. */
static int build_node(struct pq_meta *m, const struct elem *el, int nel, int *next, int parent,
		      int depth, struct buf *err)
{
	if (*next >= nel) {
		buf_addstr(err, "schema has fewer elements than its num_children say");
		return -1;
	}
	if (depth > PQ_MAX_SCHEMA_DEPTH) {
		buf_addstr(err, "schema nested too deep");
		return -1;
	}
	int idx = (*next)++;
	const struct elem *e = &el[idx];
	struct pq_node *n = &m->nodes[idx];
	n->name = xmemdup(e->name ? (const char *)e->name : "", e->name_len);
	n->parent = parent;
	n->leaf = -1;
	n->type_length = e->type_length;
	n->repetition = parent < 0 ? PQ_REQUIRED : e->repetition;
	if (n->repetition < 0 || n->repetition > 2) {
		buf_addf(err, "schema element '%s' has a bad repetition type", n->name);
		return -1;
	}
	n->scale = e->scale;
	n->precision = e->precision;
	n->is_signed = 1;
	if (e->logical) {
		n->logical = e->logical;
		n->unit = e->unit;
		n->utc = e->utc;
		n->bit_width = e->bit_width;
		n->is_signed = e->is_signed;
		if (e->logical == PQL_DECIMAL) {
			n->scale = e->l_scale;
			n->precision = e->l_precision;
		}
	} else {
		apply_converted(n, e);
	}
	const struct pq_node *p = parent >= 0 ? &m->nodes[parent] : NULL;
	n->max_def = (p ? p->max_def : 0) + (n->repetition != PQ_REQUIRED);
	n->max_rep = (p ? p->max_rep : 0) + (n->repetition == PQ_REPEATED);
	if (parent < 0 || e->nchildren > 0) {
		n->type = PQ_GROUP;
		if (e->nchildren < 0 || e->nchildren > nel) {
			buf_addf(err, "schema element '%s' has a bad child count", n->name);
			return -1;
		}
		if (e->nchildren == 0) {
			buf_addf(err, "group '%s' has no columns", n->name);
			return -1;
		}
		n->nchildren = e->nchildren;
		n->children = xcalloc((size_t)e->nchildren + 1, sizeof(int));
		for (int i = 0; i < e->nchildren; i++) {
			int c = build_node(m, el, nel, next, idx, depth + 1, err);
			if (c < 0)
				return -1;
			m->nodes[idx].children[i] = c;
		}
		m->nodes[idx].leaf_lo = m->nodes[m->nodes[idx].children[0]].leaf_lo;
		m->nodes[idx].leaf_hi = m->nodes[m->nodes[idx].children[e->nchildren - 1]].leaf_hi;
		return idx;
	}
	if (e->type < PQ_BOOLEAN || e->type > PQ_FLBA) {
		buf_addf(err, "schema element '%s' has an unknown physical type %d", n->name, e->type);
		return -1;
	}
	n->type = e->type;
	if (n->type == PQ_FLBA && (n->type_length <= 0 || n->type_length > (1 << 20))) {
		buf_addf(err, "column '%s' has a bad fixed length %d", n->name, (int)n->type_length);
		return -1;
	}
	if (n->type == PQ_INT96)
		n->type_length = 12;
	n->leaf = n->leaf_lo = n->leaf_hi = m->nleaves;
	m->leaves = xrealloc(m->leaves, (size_t)(m->nleaves + 1) * sizeof(int));
	m->leaves[m->nleaves++] = idx;
	return idx;
}

static int parse_schema(struct treader *t, struct pq_meta *m, struct buf *err)
{
	int et;
	size_t n = tr_list(t, &et);
	if (t->err)
		return 0;
	if (et != TC_STRUCT || n == 0) {
		buf_addstr(err, "schema is empty or not a list of elements");
		return -1;
	}
	struct elem *el = xcalloc(n, sizeof(*el));
	for (size_t i = 0; i < n && !t->err; i++)
		parse_elem(t, &el[i]);
	int rc = 0;
	if (!t->err) {
		m->nodes = xcalloc(n, sizeof(*m->nodes));
		m->nnodes = (int)n;
		int next = 0;
		if (build_node(m, el, (int)n, &next, -1, 0, err) < 0)
			rc = -1;
		else if (next != (int)n) {
			buf_addstr(err, "schema has more elements than its root's children");
			rc = -1;
		} else if (m->nleaves == 0) {
			buf_addstr(err, "schema has no columns");
			rc = -1;
		}
	}
	free(el);
	return rc;
}

static int parse_column_meta(struct treader *t, struct pq_chunk_meta *c, int *type,
			     int64_t *dict_off, int64_t *data_off)
{
	int16_t last = 0, id;
	int ft;
	tr_struct_begin(t);
	while (tr_field(t, &last, &id, &ft)) {
		if (id == 1 && ft == TC_I32)
			*type = tr_i32(t);
		else if (id == 4 && ft == TC_I32)
			c->codec = tr_i32(t);
		else if (id == 5 && ft == TC_I64)
			c->num_values = tr_i64(t);
		else if (id == 7 && ft == TC_I64)
			c->length = tr_i64(t);
		else if (id == 9 && ft == TC_I64)
			*data_off = tr_i64(t);
		else if (id == 11 && ft == TC_I64)
			*dict_off = tr_i64(t);
		else
			tr_skip(t, ft);
	}
	tr_struct_end(t);
	return 0;
}

static int parse_chunk(struct treader *t, struct pq_meta *m, int col, struct pq_chunk_meta *c,
		       uint64_t file_size, struct buf *err)
{
	int16_t last = 0, id;
	int ft, type = -1, has_meta = 0;
	int64_t dict_off = -1, data_off = -1;
	tr_struct_begin(t);
	while (tr_field(t, &last, &id, &ft)) {
		if (id == 1 && ft == TC_BINARY) {
			buf_addstr(err, "column chunks in other files (file_path) are not supported");
			return -1;
		}
		if (id == 3 && ft == TC_STRUCT) {
			parse_column_meta(t, c, &type, &dict_off, &data_off);
			has_meta = 1;
		} else if (id == 8 || id == 9) {
			buf_addstr(err, "encrypted columns are not supported");
			return -1;
		} else {
			tr_skip(t, ft);
		}
	}
	tr_struct_end(t);
	if (t->err)
		return 0;
	const struct pq_node *n = &m->nodes[m->leaves[col]];
	if (!has_meta || type != n->type) {
		buf_addf(err, "column chunk of '%s' lacks metadata or has the wrong type", n->name);
		return -1;
	}
	/* Some writers put 0 for "no dictionary page"; a dictionary comes before the data. */
	c->start = dict_off > 0 && dict_off < data_off ? dict_off : data_off;
	if (c->start < 4 || c->length < 0 || (uint64_t)c->start > file_size ||
	    (uint64_t)c->length > file_size - (uint64_t)c->start || c->num_values < 0) {
		buf_addf(err, "column chunk of '%s' lies outside the file (offset %lld, %lld bytes)",
			 n->name, (long long)c->start, (long long)c->length);
		return -1;
	}
	return 0;
}

static int parse_rowgroup(struct treader *t, struct pq_meta *m, struct pq_rowgroup_meta *rg,
			  uint64_t file_size, struct buf *err)
{
	int16_t last = 0, id;
	int ft, seen_cols = 0;
	rg->num_rows = -1;
	tr_struct_begin(t);
	while (tr_field(t, &last, &id, &ft)) {
		if (id == 1 && ft == TC_LIST) {
			int et;
			size_t n = tr_list(t, &et);
			if (t->err)
				break;
			if (et != TC_STRUCT || n != (size_t)m->nleaves || seen_cols) {
				buf_addf(err, "row group has %zu column chunks for %d columns", n, m->nleaves);
				return -1;
			}
			seen_cols = 1;
			rg->cols = xcalloc(n, sizeof(*rg->cols));
			for (size_t i = 0; i < n && !t->err; i++)
				if (parse_chunk(t, m, (int)i, &rg->cols[i], file_size, err) < 0)
					return -1;
		} else if (id == 3 && ft == TC_I64) {
			rg->num_rows = tr_i64(t);
		} else {
			tr_skip(t, ft);
		}
	}
	tr_struct_end(t);
	if (!t->err && (!seen_cols || rg->num_rows < 0)) {
		buf_addstr(err, "row group lacks its columns or row count");
		return -1;
	}
	return 0;
}

static int parse_rowgroups(struct treader *t, struct pq_meta *m, uint64_t file_size,
			   struct buf *err)
{
	int et;
	size_t n = tr_list(t, &et);
	if (t->err)
		return 0;
	if (et != TC_STRUCT || n > INT32_MAX) {
		buf_addstr(err, "row groups are not a list of structs");
		return -1;
	}
	m->rgs = xcalloc(n ? n : 1, sizeof(*m->rgs));
	int64_t rows = 0;
	for (size_t i = 0; i < n && !t->err; i++) {
		m->nrg = (int)i + 1;
		if (parse_rowgroup(t, m, &m->rgs[i], file_size, err) < 0)
			return -1;
		m->rgs[i].first_row = rows;
		if (m->rgs[i].num_rows > INT64_MAX / 2 - rows) {
			buf_addstr(err, "row counts overflow");
			return -1;
		}
		rows += m->rgs[i].num_rows;
	}
	return 0;
}

int pq_meta_parse(struct pq_meta *m, const void *p, size_t n, uint64_t file_size, struct buf *err)
{
	memset(m, 0, sizeof(*m));
	struct treader t;
	tr_init(&t, p, n);
	int16_t last = 0, id;
	int ft, have_schema = 0, have_rgs = 0;
	tr_struct_begin(&t);
	while (tr_field(&t, &last, &id, &ft)) {
		if (id == 2 && ft == TC_LIST && !have_schema) {
			if (parse_schema(&t, m, err) < 0)
				return -1;
			have_schema = 1;
		} else if (id == 3 && ft == TC_I64) {
			m->num_rows = tr_i64(&t);
		} else if (id == 4 && ft == TC_LIST && have_schema && !have_rgs) {
			if (parse_rowgroups(&t, m, file_size, err) < 0)
				return -1;
			have_rgs = 1;
		} else if (id == 6 && ft == TC_BINARY) {
			size_t len;
			const uint8_t *s = tr_binary(&t, &len);
			free(m->created_by);
			m->created_by = xmemdup(s, len);
		} else {
			tr_skip(&t, ft);
		}
	}
	if (t.err) {
		buf_addf(err, "bad footer at footer byte %zu: %s", t.err_at, t.err);
		return -1;
	}
	if (!have_schema) {
		buf_addstr(err, "footer has no schema");
		return -1;
	}
	if (!m->rgs)
		m->rgs = xcalloc(1, sizeof(*m->rgs));
	return 0;
}

void pq_meta_release(struct pq_meta *m)
{
	for (int i = 0; i < m->nnodes; i++) {
		free(m->nodes[i].name);
		free(m->nodes[i].children);
	}
	free(m->nodes);
	free(m->leaves);
	for (int i = 0; i < m->nrg; i++)
		free(m->rgs[i].cols);
	free(m->rgs);
	free(m->created_by);
	memset(m, 0, sizeof(*m));
}

static void parse_data_header(struct treader *t, struct pq_page_header *h, int v2)
{
	int16_t last = 0, id;
	int ft;
	tr_struct_begin(t);
	while (tr_field(t, &last, &id, &ft)) {
		if (id == 1 && ft == TC_I32)
			h->num_values = tr_i32(t);
		else if (!v2 && id == 2 && ft == TC_I32)
			h->encoding = tr_i32(t);
		else if (!v2 && id == 3 && ft == TC_I32)
			h->def_encoding = tr_i32(t);
		else if (!v2 && id == 4 && ft == TC_I32)
			h->rep_encoding = tr_i32(t);
		else if (v2 && id == 2 && ft == TC_I32)
			h->num_nulls = tr_i32(t);
		else if (v2 && id == 3 && ft == TC_I32)
			h->num_rows = tr_i32(t);
		else if (v2 && id == 4 && ft == TC_I32)
			h->encoding = tr_i32(t);
		else if (v2 && id == 5 && ft == TC_I32)
			h->def_len = tr_i32(t);
		else if (v2 && id == 6 && ft == TC_I32)
			h->rep_len = tr_i32(t);
		else if (v2 && id == 7 && (ft == TC_TRUE || ft == TC_FALSE))
			h->is_compressed = tr_bool(t, ft);
		else
			tr_skip(t, ft);
	}
	tr_struct_end(t);
}

int pq_page_header_parse(struct pq_page_header *h, const void *p, size_t n, size_t *hlen,
			 const char **err)
{
	memset(h, 0, sizeof(*h));
	h->type = -1;
	h->uncompressed_size = h->compressed_size = -1;
	h->is_compressed = 1;
	h->def_encoding = h->rep_encoding = PQ_RLE;
	struct treader t;
	tr_init(&t, p, n);
	int16_t last = 0, id;
	int ft;
	tr_struct_begin(&t);
	while (tr_field(&t, &last, &id, &ft)) {
		if (id == 1 && ft == TC_I32)
			h->type = tr_i32(&t);
		else if (id == 2 && ft == TC_I32)
			h->uncompressed_size = tr_i32(&t);
		else if (id == 3 && ft == TC_I32)
			h->compressed_size = tr_i32(&t);
		else if (id == 4 && ft == TC_I32) {
			h->has_crc = 1;
			h->crc = (uint32_t)tr_i32(&t);
		} else if ((id == 5 || id == 7) && ft == TC_STRUCT)
			parse_data_header(&t, h, 0);
		else if (id == 8 && ft == TC_STRUCT)
			parse_data_header(&t, h, 1);
		else
			tr_skip(&t, ft);
	}
	if (t.err) {
		*err = t.err;
		return -1;
	}
	if (h->type < 0 || h->compressed_size < 0 || h->uncompressed_size < 0 || h->num_values < 0 ||
	    h->def_len < 0 || h->rep_len < 0) {
		*err = "page header lacks its type or sizes, or has negative ones";
		return -1;
	}
	*hlen = tr_offset(&t);
	return 0;
}
