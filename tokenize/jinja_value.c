/*
 * Jinja values: the arena they live in, strings that remember which message each byte came
 * from, lists, dicts, truthiness/equality as in Python, str() and tojson as transformers
 * prints them, and JSON -> value for message fields.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/xalloc.h"
#include "tokenize/jinja_int.h"

/* ---- arena ---- */
struct jchunk {
	struct jchunk *next;
	size_t cap;
	_Alignas(16) unsigned char data[];
};

void *jarena_alloc(struct jarena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!a->head || a->used + n > a->cap) {
		size_t cap = n > 60000 ? n : 60000;
		struct jchunk *c = xmalloc(sizeof(*c) + cap);
		c->cap = cap;
		c->next = a->head;
		a->head = c;
		a->used = 0;
		a->cap = cap;
		a->total += cap;
	}
	void *p = a->head->data + a->used;
	a->used += n;
	memset(p, 0, n);
	return p;
}

char *jarena_strdup(struct jarena *a, const char *p, size_t n)
{
	char *s = jarena_alloc(a, n + 1);
	if (n)
		memcpy(s, p, n);
	return s;
}

void jarena_reset(struct jarena *a)
{
	while (a->head && a->head->next) {
		struct jchunk *c = a->head;
		a->head = c->next;
		free(c);
	}
	a->used = 0;
	a->cap = a->head ? a->head->cap : 0;
	a->total = a->cap;
}

void jarena_free(struct jarena *a)
{
	while (a->head) {
		struct jchunk *c = a->head;
		a->head = c->next;
		free(c);
	}
	a->used = a->cap = a->total = 0;
}

/* ---- errors ---- */
void jx_fail(struct jinja_ctx *cx, enum jinja_err code, const char *fmt, ...)
{
	va_list ap;
	cx->err->code = code;
	cx->err->line = cx->at ? cx->at->line : 0;
	cx->err->col = cx->at ? cx->at->col : 0;
	buf_reset(&cx->err->msg);
	va_start(ap, fmt);
	buf_vaddf(&cx->err->msg, fmt, ap);
	va_end(ap);
	longjmp(cx->jb, 1);
}

/* ---- constructors ---- */
const struct jval jv_undef = { JK_UNDEF, { 0 } };
const struct jval jv_none = { JK_NONE, { 0 } };

struct jval jv_bool(int b)
{
	struct jval v = { JK_BOOL, { .b = !!b } };
	return v;
}

struct jval jv_int(int64_t i)
{
	struct jval v = { JK_INT, { .i = i } };
	return v;
}

struct jval jv_float(double f)
{
	struct jval v = { JK_FLOAT, { .f = f } };
	return v;
}

const struct jstr *jstr_make(struct jinja_ctx *cx, const char *p, size_t len, const uint32_t *tag)
{
	struct jstr *s = jarena_alloc(&cx->arena, sizeof(*s));
	s->p = p;
	s->len = len;
	s->tag = tag;
	return s;
}

struct jval jv_str(struct jinja_ctx *cx, const char *p, size_t len, const uint32_t *tag)
{
	struct jval v = { JK_STR, { .s = jstr_make(cx, p, len, tag) } };
	return v;
}

struct jval jv_cstr(struct jinja_ctx *cx, const char *s)
{
	return jv_str(cx, s, strlen(s), NULL);
}

struct jval jv_list(struct jinja_ctx *cx)
{
	struct jval v = { JK_LIST, { .l = jarena_alloc(&cx->arena, sizeof(struct jarr)) } };
	return v;
}

void jarr_push(struct jinja_ctx *cx, struct jarr *l, struct jval v)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct jval *nv = jarena_alloc(&cx->arena, cap * sizeof(*nv));
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = v;
}

struct jval jv_dict(struct jinja_ctx *cx)
{
	struct jval v = { JK_DICT, { .d = jarena_alloc(&cx->arena, sizeof(struct jdict)) } };
	return v;
}

struct jval *jdict_get(const struct jdict *d, const char *k, size_t klen)
{
	for (size_t i = d->n; i-- > 0;)
		if (d->key[i]->len == klen && !memcmp(d->key[i]->p, k, klen))
			return &d->val[i];
	return NULL;
}

void jdict_set(struct jinja_ctx *cx, struct jdict *d, const struct jstr *k, struct jval v)
{
	struct jval *old = jdict_get(d, k->p, k->len);
	if (old) {
		*old = v;
		return;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		const struct jstr **nk = jarena_alloc(&cx->arena, cap * sizeof(*nk));
		struct jval *nv = jarena_alloc(&cx->arena, cap * sizeof(*nv));
		if (d->n) {
			memcpy(nk, d->key, d->n * sizeof(*nk));
			memcpy(nv, d->val, d->n * sizeof(*nv));
		}
		d->key = nk;
		d->val = nv;
		d->cap = cap;
	}
	d->key[d->n] = k;
	d->val[d->n++] = v;
}

void jdict_set_c(struct jinja_ctx *cx, struct jdict *d, const char *k, struct jval v)
{
	struct jval *old = jdict_get(d, k, strlen(k));
	if (old) {
		*old = v;
		return;
	}
	jdict_set(cx, d, jstr_make(cx, k, strlen(k), NULL), v);
}

/* ---- strings with tags ---- */
struct jval jv_substr(struct jinja_ctx *cx, const struct jstr *s, size_t a, size_t b)
{
	if (b < a)
		b = a;
	return jv_str(cx, s->p + a, b - a, s->tag ? s->tag + a : NULL);
}

struct jval jv_derived(struct jinja_ctx *cx, const struct jstr *s, const char *p, size_t len)
{
	uint32_t t0 = s->tag && s->len ? s->tag[0] : 0;
	for (size_t i = 1; t0 && i < s->len; i++)
		if (s->tag[i] != t0)
			t0 = 0;
	uint32_t *tag = NULL;
	if (t0 && len) {
		tag = jarena_alloc(&cx->arena, len * sizeof(uint32_t));
		for (size_t i = 0; i < len; i++)
			tag[i] = t0;
	}
	return jv_str(cx, p, len, tag);
}

struct jval jv_concat(struct jinja_ctx *cx, const struct jstr *a, const struct jstr *b)
{
	if (!a->len)
		return jv_str(cx, b->p, b->len, b->tag);
	if (!b->len)
		return jv_str(cx, a->p, a->len, a->tag);
	if (a->len + b->len > (256u << 20))
		jx_fail(cx, JINJA_ERR_RUNTIME, "string longer than 256 MB");
	char *p = jarena_alloc(&cx->arena, a->len + b->len + 1);
	memcpy(p, a->p, a->len);
	memcpy(p + a->len, b->p, b->len);
	uint32_t *tag = NULL;
	if (a->tag || b->tag) {
		tag = jarena_alloc(&cx->arena, (a->len + b->len) * sizeof(uint32_t));
		if (a->tag)
			memcpy(tag, a->tag, a->len * sizeof(uint32_t));
		if (b->tag)
			memcpy(tag + a->len, b->tag, b->len * sizeof(uint32_t));
	}
	return jv_str(cx, p, a->len + b->len, tag);
}

/* ---- Python semantics ---- */
int jv_truthy(struct jval v)
{
	switch (v.k) {
	case JK_UNDEF: case JK_NONE: return 0;
	case JK_BOOL: return v.u.b;
	case JK_INT: return v.u.i != 0;
	case JK_FLOAT: return v.u.f != 0;
	case JK_STR: return v.u.s->len != 0;
	case JK_LIST: return v.u.l->n != 0;
	case JK_DICT: return v.u.d->is_namespace || v.u.d->n != 0;
	default: return 1;
	}
}

static int is_num(struct jval v)
{
	return v.k == JK_INT || v.k == JK_FLOAT || v.k == JK_BOOL;
}

static double num(struct jval v)
{
	return v.k == JK_FLOAT ? v.u.f : v.k == JK_INT ? (double)v.u.i : v.u.b;
}

int jv_equal(struct jval a, struct jval b)
{
	if (is_num(a) && is_num(b)) {
		if (a.k != JK_FLOAT && b.k != JK_FLOAT)
			return (a.k == JK_INT ? a.u.i : a.u.b) == (b.k == JK_INT ? b.u.i : b.u.b);
		return num(a) == num(b);
	}
	if (a.k != b.k)
		return 0;
	switch (a.k) {
	case JK_UNDEF: case JK_NONE: return 1;
	case JK_STR: return a.u.s->len == b.u.s->len && !memcmp(a.u.s->p, b.u.s->p, a.u.s->len);
	case JK_LIST:
		if (a.u.l->n != b.u.l->n)
			return 0;
		for (size_t i = 0; i < a.u.l->n; i++)
			if (!jv_equal(a.u.l->v[i], b.u.l->v[i]))
				return 0;
		return 1;
	case JK_DICT:
		if (a.u.d->n != b.u.d->n)
			return 0;
		for (size_t i = 0; i < a.u.d->n; i++) {
			struct jval *o = jdict_get(b.u.d, a.u.d->key[i]->p, a.u.d->key[i]->len);
			if (!o || !jv_equal(a.u.d->val[i], *o))
				return 0;
		}
		return 1;
	default: return a.u.d == b.u.d;
	}
}

const char *jv_kind_name(struct jval v)
{
	static const char *const names[] = { "undefined", "none", "boolean", "integer", "float",
					     "string", "list", "dict", "function", "method" };
	return v.k == JK_DICT && v.u.d->is_namespace ? "namespace" : names[v.k];
}

/* Python's repr of a float: the shortest text that reads back the same. */
static void add_float(struct buf *b, double f)
{
	if (isnan(f)) { buf_addstr(b, "nan"); return; }
	if (isinf(f)) { buf_addstr(b, f < 0 ? "-inf" : "inf"); return; }
	char tmp[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, f);
		if (strtod(tmp, NULL) == f)
			break;
	}
	buf_addstr(b, tmp);
	if (!strpbrk(tmp, ".eEn"))
		buf_addstr(b, ".0");
}

static void repr_str(struct buf *b, const struct jstr *s)
{
	/* Python repr: single quotes unless the text has one and no double quote. */
	int sq = memchr(s->p, '\'', s->len) != NULL, dq = memchr(s->p, '"', s->len) != NULL;
	char q = sq && !dq ? '"' : '\'';
	buf_addch(b, q);
	for (size_t i = 0; i < s->len; i++) {
		unsigned char c = (unsigned char)s->p[i];
		if (c == '\\' || c == (unsigned char)q) { buf_addch(b, '\\'); buf_addch(b, (char)c); }
		else if (c == '\n') buf_addstr(b, "\\n");
		else if (c == '\r') buf_addstr(b, "\\r");
		else if (c == '\t') buf_addstr(b, "\\t");
		else if (c < 32 || c == 127) buf_addf(b, "\\x%02x", c);
		else buf_addch(b, (char)c);
	}
	buf_addch(b, q);
}

static void repr(struct buf *b, struct jval v)
{
	switch (v.k) {
	case JK_UNDEF: break;
	case JK_NONE: buf_addstr(b, "None"); break;
	case JK_BOOL: buf_addstr(b, v.u.b ? "True" : "False"); break;
	case JK_INT: buf_addf(b, "%" PRId64, v.u.i); break;
	case JK_FLOAT: add_float(b, v.u.f); break;
	case JK_STR: repr_str(b, v.u.s); break;
	case JK_LIST:
		buf_addch(b, '[');
		for (size_t i = 0; i < v.u.l->n; i++) {
			if (i)
				buf_addstr(b, ", ");
			repr(b, v.u.l->v[i]);
		}
		buf_addch(b, ']');
		break;
	case JK_DICT:
		buf_addch(b, '{');
		for (size_t i = 0; i < v.u.d->n; i++) {
			if (i)
				buf_addstr(b, ", ");
			repr_str(b, v.u.d->key[i]);
			buf_addstr(b, ": ");
			repr(b, v.u.d->val[i]);
		}
		buf_addch(b, '}');
		break;
	default: buf_addstr(b, "<function>"); break;
	}
}

const struct jstr *jv_to_str(struct jinja_ctx *cx, struct jval v)
{
	if (v.k == JK_STR)
		return v.u.s;
	struct buf b = BUF_INIT;
	repr(&b, v);
	const struct jstr *s = jstr_make(cx, jarena_strdup(&cx->arena, b.data, b.len), b.len, NULL);
	buf_release(&b);
	return s;
}

static void newline_indent(struct buf *out, int indent, int level)
{
	buf_addch(out, '\n');
	for (int i = 0; i < indent * level; i++)
		buf_addch(out, ' ');
}

void jv_tojson(struct jinja_ctx *cx, struct jval v, struct buf *out, int indent, int level)
{
	switch (v.k) {
	case JK_UNDEF: case JK_NONE: buf_addstr(out, "null"); return;
	case JK_BOOL: buf_addstr(out, v.u.b ? "true" : "false"); return;
	case JK_INT: buf_addf(out, "%" PRId64, v.u.i); return;
	case JK_FLOAT: add_float(out, v.u.f); return;
	case JK_STR: json_string_encode(out, v.u.s->p, v.u.s->len); return;
	case JK_LIST: case JK_DICT: {
		int is_list = v.k == JK_LIST;
		size_t n = is_list ? v.u.l->n : v.u.d->n;
		buf_addch(out, is_list ? '[' : '{');
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_addstr(out, indent >= 0 ? "," : ", ");
			if (indent >= 0)
				newline_indent(out, indent, level + 1);
			if (!is_list) {
				json_string_encode(out, v.u.d->key[i]->p, v.u.d->key[i]->len);
				buf_addstr(out, ": ");
			}
			jv_tojson(cx, is_list ? v.u.l->v[i] : v.u.d->val[i], out, indent, level + 1);
		}
		if (indent >= 0 && n)
			newline_indent(out, indent, level);
		buf_addch(out, is_list ? ']' : '}');
		return;
	}
	default:
		jx_fail(cx, JINJA_ERR_RUNTIME, "tojson: a %s is not JSON serializable", jv_kind_name(v));
	}
}

struct jval jv_from_json(struct jinja_ctx *cx, const char *p, size_t n)
{
	struct json_member m;
	size_t pos = 0;
	switch (p[0]) {
	case '"': {
		struct buf s = BUF_INIT;
		json_string_decode(&s, p + 1, n - 2);
		struct jval v = jv_str(cx, jarena_strdup(&cx->arena, s.data, s.len), s.len, NULL);
		buf_release(&s);
		return v;
	}
	case 't': return jv_bool(1);
	case 'f': return jv_bool(0);
	case 'n': return jv_none;
	case '[': {
		struct jval l = jv_list(cx);
		while (json_array_next(p, n, &pos, &m))
			jarr_push(cx, l.u.l, jv_from_json(cx, m.val, m.val_len));
		return l;
	}
	case '{': {
		struct jval d = jv_dict(cx);
		while (json_object_next(p, n, &pos, &m)) {
			struct buf k = BUF_INIT;
			json_string_decode(&k, m.key, m.key_len);
			jdict_set(cx, d.u.d, jstr_make(cx, jarena_strdup(&cx->arena, k.data, k.len), k.len, NULL),
				  jv_from_json(cx, m.val, m.val_len));
			buf_release(&k);
		}
		return d;
	}
	default: {
		char *tmp = jarena_strdup(&cx->arena, p, n);
		if (!strpbrk(tmp, ".eE")) {
			char *end;
			long long x = strtoll(tmp, &end, 10);
			if (end == tmp + n)
				return jv_int(x);
		}
		return jv_float(strtod(tmp, NULL));
	}
	}
}
