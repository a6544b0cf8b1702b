/*
 * Row assembly from definition/repetition levels (see pq_rows.h).
 *
 * Every leaf column has a cursor. All leaves under a node stand at the same "slot" when the
 * node is written: the first leaf's definition level says whether the node is there (a level
 * below the node's own means null, or an empty list for a repeated node, and then every leaf
 * under it has exactly one entry for that slot, which is skipped); the first leaf's next
 * repetition level says whether a list goes on. Each step moves the first leaf's cursor, and
 * every read is bounds-checked, so inconsistent levels give wrong values, never a crash.
 */
#include "parquet/pq_rows.h"

#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/xalloc.h"

static void column_path(struct buf *out, const struct pq_meta *m, int node)
{
	if (m->nodes[node].parent > 0) {
		column_path(out, m, m->nodes[node].parent);
		buf_addch(out, '.');
	}
	buf_addstr(out, m->nodes[node].name);
}

/* Start column l's cursors past its first `skip` entries. */
static void skip_entries(struct pq_rowgroup *g, int l, int64_t skip)
{
	const struct pq_column *c = &g->cols[l];
	size_t n = (size_t)skip < c->nlev ? (size_t)skip : c->nlev, v = n;
	if (c->def) {
		v = 0;
		for (size_t i = 0; i < n; i++)
			v += c->def[i] == c->leaf->max_def;
	}
	g->lev[l] = n;
	g->val[l] = v;
}

int pq_rowgroup_decode_slice(struct pq_rowgroup *g, const struct pq_meta *m, int rg,
			     const struct pq_slice_col *cols, int64_t nrows, struct buf *err)
{
	memset(g, 0, sizeof(*g));
	g->m = m;
	g->cols = xcalloc((size_t)m->nleaves, sizeof(*g->cols));
	g->lev = xcalloc((size_t)m->nleaves, sizeof(size_t));
	g->val = xcalloc((size_t)m->nleaves, sizeof(size_t));
	const struct pq_rowgroup_meta *r = &m->rgs[rg];
	int exact = nrows == r->num_rows;
	g->nrows = nrows;
	int rc = 0;
	/* every projected column is decoded, even after a damaged one: the rows kept are those
	 * before the damage in all of them, and the first error is the one reported */
	for (int l = 0; l < m->nleaves; l++) {
		if (!cols[l].nparts)
			continue;
		const struct pq_node *leaf = &m->nodes[m->leaves[l]];
		struct buf why = BUF_INIT;
		int bad = pq_column_decode_parts(&g->cols[l], leaf, r->cols[l].codec, cols[l].part,
						 cols[l].nparts, cols[l].values, &why) < 0;
		int64_t have = g->cols[l].rows_done - cols[l].skip;
		if (!bad && (exact ? have != nrows : have < nrows)) {
			buf_addf(&why, "column chunk has %lld rows, its row group %lld",
				 (long long)g->cols[l].rows_done, (long long)r->num_rows);
			bad = 1;
		}
		if (bad && rc == 0) {
			buf_addstr(err, "column '");
			column_path(err, m, m->leaves[l]);
			buf_addf(err, "': %s", why.data);
			rc = -1;
		}
		if (have < g->nrows)
			g->nrows = have < 0 ? 0 : have;
		skip_entries(g, l, cols[l].skip);
		buf_release(&why);
	}
	return rc;
}

int pq_rowgroup_decode(struct pq_rowgroup *g, const struct pq_meta *m, int rg,
		       const uint8_t *const *raw, const size_t *rawlen, const uint64_t *file_off,
		       struct buf *err)
{
	struct pq_slice_col *cols = xcalloc((size_t)m->nleaves, sizeof(*cols));
	for (int l = 0; l < m->nleaves; l++) {
		if (!raw[l])
			continue;
		cols[l].part[0] = (struct pq_part){ raw[l], rawlen[l], file_off[l] };
		cols[l].nparts = 1;
		cols[l].values = m->rgs[rg].cols[l].num_values;
	}
	int rc = pq_rowgroup_decode_slice(g, m, rg, cols, m->rgs[rg].num_rows, err);
	free(cols);
	return rc;
}

void pq_rowgroup_release(struct pq_rowgroup *g)
{
	if (g->cols)
		for (int l = 0; l < g->m->nleaves; l++)
			pq_column_release(&g->cols[l]);
	free(g->cols);
	free(g->lev);
	free(g->val);
	memset(g, 0, sizeof(*g));
}

/* ---- shape ---- */

static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !memcmp(p, name, n))
			return 1;
		p += len + (e != NULL);
	}
	return 0;
}

int pq_row_shape_init(struct pq_row_shape *s, const struct pq_meta *m, const char *columns,
		      const char *text_field, int empty_text, struct buf *err)
{
	memset(s, 0, sizeof(*s));
	const struct pq_node *root = &m->nodes[0];
	s->top = xcalloc((size_t)root->nchildren, sizeof(int));
	s->keys = xcalloc((size_t)root->nchildren, sizeof(struct buf));
	s->text = -1;
	s->empty_text = empty_text;
	for (int i = 0; i < root->nchildren; i++) {
		const struct pq_node *n = &m->nodes[root->children[i]];
		int is_text = !strcmp(n->name, text_field);
		if (columns && !is_text && !in_list(columns, n->name))
			continue;
		if (is_text && s->text < 0)
			s->text = s->ntop;
		buf_init(&s->keys[s->ntop], 0);
		pq_json_string(&s->keys[s->ntop], n->name, strlen(n->name));
		buf_addch(&s->keys[s->ntop], ':');
		s->top[s->ntop++] = root->children[i];
	}
	if (columns) { /* every name asked for must exist */
		for (const char *p = columns; *p;) {
			const char *e = strchr(p, ',');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			int found = 0;
			for (int i = 0; i < root->nchildren && !found; i++) {
				const char *nm = m->nodes[root->children[i]].name;
				found = strlen(nm) == len && !memcmp(nm, p, len);
			}
			if (!found && len) {
				buf_addf(err, "--columns: no column '%.*s'", (int)len, p);
				return -1;
			}
			p += len + (e != NULL);
		}
	}
	return 0;
}

void pq_row_shape_release(struct pq_row_shape *s)
{
	for (int i = 0; i < s->ntop; i++)
		buf_release(&s->keys[i]);
	free(s->keys);
	free(s->top);
	memset(s, 0, sizeof(*s));
}

int pq_row_shape_reads(const struct pq_row_shape *s, const struct pq_meta *m, int leaf)
{
	for (int i = 0; i < s->ntop; i++) {
		const struct pq_node *n = &m->nodes[s->top[i]];
		if (leaf >= n->leaf_lo && leaf <= n->leaf_hi)
			return 1;
	}
	return 0;
}

/* ---- assembly ---- */

static int cur_def(const struct pq_rowgroup *g, int leaf)
{
	const struct pq_column *c = &g->cols[leaf];
	size_t i = g->lev[leaf];
	if (!c->leaf || (i >= c->nlev && c->leaf->max_def))
		return 0;
	return c->def ? c->def[i] : c->leaf->max_def;
}

/* Repetition level of the first leaf's next entry; -1 at the end. */
static int next_rep(const struct pq_rowgroup *g, int leaf)
{
	const struct pq_column *c = &g->cols[leaf];
	size_t i = g->lev[leaf];
	if (i >= c->nlev)
		return -1;
	return c->rep ? c->rep[i] : 0;
}

static void skip_slot(struct pq_rowgroup *g, const struct pq_node *n)
{
	for (int l = n->leaf_lo; l <= n->leaf_hi; l++)
		g->lev[l]++;
}

static void emit_node(struct pq_rowgroup *g, int node, struct buf *out);
static void emit_content(struct pq_rowgroup *g, int node, struct buf *out);

/* The element of a LIST-annotated group's repeated child (LogicalTypes.md compatibility rules). */
static int list_element(const struct pq_meta *m, int rep)
{
	const struct pq_node *r = &m->nodes[rep];
	if (r->type != PQ_GROUP || r->nchildren != 1 || !strcmp(r->name, "array"))
		return rep;
	const struct pq_node *p = &m->nodes[r->parent];
	size_t pl = strlen(p->name);
	if (strlen(r->name) == pl + 6 && !strncmp(r->name, p->name, pl) && !strcmp(r->name + pl, "_tuple"))
		return rep;
	return r->children[0];
}

/* A repeated node's values at this slot: an array, or an object for a MAP's key_value. */
static void emit_repeated(struct pq_rowgroup *g, int rep, int elem, int is_map, struct buf *out)
{
	const struct pq_meta *m = g->m;
	const struct pq_node *r = &m->nodes[rep];
	int first = r->leaf_lo;
	if (cur_def(g, first) < r->max_def) {
		skip_slot(g, r);
		buf_addstr(out, is_map ? "{}" : "[]");
		return;
	}
	buf_addch(out, is_map ? '{' : '[');
	for (int k = 0;; k++) {
		if (k)
			buf_addch(out, ',');
		if (is_map) {
			int key = r->children[0];
			const struct pq_node *kn = &m->nodes[key];
			if (kn->type != PQ_GROUP && pq_is_string(kn)) {
				emit_node(g, key, out);
			} else {
				struct buf tmp = BUF_INIT;
				emit_node(g, key, &tmp);
				json_string_encode(out, tmp.data, tmp.len);
				buf_release(&tmp);
			}
			buf_addch(out, ':');
			for (int c = 1; c < r->nchildren; c++) /* value (and anything after it) */
				if (c == 1)
					emit_node(g, r->children[c], out);
				else
					skip_slot(g, &m->nodes[r->children[c]]);
			if (r->nchildren < 2)
				buf_addstr(out, "null");
		} else if (elem == rep) {
			emit_content(g, rep, out);
		} else {
			emit_node(g, elem, out);
		}
		if (next_rep(g, first) != r->max_rep)
			break;
	}
	buf_addch(out, is_map ? '}' : ']');
}

static void emit_leaf(struct pq_rowgroup *g, const struct pq_node *n, struct buf *out)
{
	int l = n->leaf;
	const struct pq_column *c = &g->cols[l];
	if (g->val[l] < c->vals.n)
		pq_json_value(out, c, g->val[l]++);
	else
		buf_addstr(out, "null");
	g->lev[l]++;
}

/* The node is present at this slot: write its value. */
static void emit_content(struct pq_rowgroup *g, int node, struct buf *out)
{
	const struct pq_meta *m = g->m;
	const struct pq_node *n = &m->nodes[node];
	if (n->type != PQ_GROUP) {
		emit_leaf(g, n, out);
		return;
	}
	const struct pq_node *c0 = &m->nodes[n->children[0]];
	if ((n->logical == PQL_LIST || n->logical == PQL_MAP) && n->nchildren == 1 &&
	    c0->repetition == PQ_REPEATED) {
		int is_map = n->logical == PQL_MAP && c0->type == PQ_GROUP;
		emit_repeated(g, n->children[0], is_map ? -1 : list_element(m, n->children[0]),
			      is_map, out);
		return;
	}
	buf_addch(out, '{');
	for (int i = 0; i < n->nchildren; i++) {
		const struct pq_node *c = &m->nodes[n->children[i]];
		if (i)
			buf_addch(out, ',');
		pq_json_string(out, c->name, strlen(c->name));
		buf_addch(out, ':');
		emit_node(g, n->children[i], out);
	}
	buf_addch(out, '}');
}

/* A node whose parent is present: null, an array (repeated), or its value. */
static void emit_node(struct pq_rowgroup *g, int node, struct buf *out)
{
	const struct pq_node *n = &g->m->nodes[node];
	if (n->repetition == PQ_REPEATED) {
		emit_repeated(g, node, node, 0, out);
		return;
	}
	if (n->repetition == PQ_OPTIONAL && cur_def(g, n->leaf_lo) < n->max_def) {
		skip_slot(g, n);
		buf_addstr(out, "null");
		return;
	}
	emit_content(g, node, out);
}

enum pq_text_status pq_row_members(struct pq_rowgroup *g, const struct pq_row_shape *s,
				   struct buf *out, const char **text, size_t *text_len)
{
	const struct pq_meta *m = g->m;
	enum pq_text_status ts = PQ_TEXT_NULL;
	int first = 1;
	for (int i = 0; i < s->ntop; i++) {
		int node = s->top[i];
		const struct pq_node *n = &m->nodes[node];
		int present = n->repetition != PQ_OPTIONAL || cur_def(g, n->leaf_lo) >= n->max_def;
		if (i == s->text) {
			int is_str = n->type == PQ_BYTE_ARRAY && n->repetition != PQ_REPEATED &&
				     (pq_is_string(n) || n->logical == PQL_NONE);
			ts = !present ? PQ_TEXT_NULL : is_str ? PQ_TEXT_OK : PQ_TEXT_NOT_STRING;
			if (ts != PQ_TEXT_OK && s->empty_text) {
				if (present) { /* the value is dropped: move its cursors on */
					struct buf tmp = BUF_INIT;
					emit_node(g, node, &tmp);
					buf_release(&tmp);
				} else {
					skip_slot(g, n);
				}
				if (!first)
					buf_addch(out, ',');
				buf_add(out, s->keys[i].data, s->keys[i].len);
				buf_addstr(out, "\"\"");
				first = 0;
				continue;
			}
			if (ts == PQ_TEXT_OK) {
				int l = n->leaf;
				const struct pq_column *c = &g->cols[l];
				if (g->val[l] < c->vals.n) {
					const struct pq_bytes *b = &c->vals.ba[g->val[l]++];
					*text = b->p;
					*text_len = b->n;
					if (!first)
						buf_addch(out, ',');
					buf_add(out, s->keys[i].data, s->keys[i].len);
					pq_json_string(out, b->p, b->n);
					g->lev[l]++;
					first = 0;
					continue;
				}
				ts = PQ_TEXT_NULL;
			}
		}
		if (!present && n->repetition == PQ_OPTIONAL) {
			skip_slot(g, n);
			continue;
		}
		if (!first)
			buf_addch(out, ',');
		buf_add(out, s->keys[i].data, s->keys[i].len);
		emit_node(g, node, out);
		first = 0;
	}
	return ts;
}
