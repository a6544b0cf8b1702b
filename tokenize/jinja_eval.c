/*
 * Jinja evaluator: runs a parsed template against a conversation. Scoping follows Jinja (and
 * @huggingface/jinja): a for loop opens one scope for all its iterations, so `set` inside a loop
 * does not leak out (hence templates use namespace()), while `if` opens none.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/jinja_int.h"

#define MAX_DEPTH 200
/* A template is a small program: bounds that turn a runaway one (nested loops over range(10**6),
 * doubling strings) into an error for that conversation instead of a hang or OOM. */
#define MAX_STEPS 5000000
#define MAX_ARENA ((size_t)1 << 30)
#define MAX_STRING (64 << 20)
#define MAX_OUTPUT (256 << 20)

static struct jval eval(struct jinja_ctx *cx, struct jscope *sc, const struct jnode *n);

/* Beyond the budget the template, not the conversation, is the problem: stop the run. */
static void budget(struct jinja_ctx *cx)
{
	if (++cx->steps > MAX_STEPS || cx->arena.total > MAX_ARENA)
		jx_fail(cx, JINJA_ERR_UNSUPPORTED,
			"unsupported: template evaluation beyond %d steps or 1 GB for one conversation",
			MAX_STEPS);
}
static void exec_body(struct jinja_ctx *cx, struct jscope *sc, const struct jnodes *body);

static struct jval lookup(struct jscope *sc, const char *name, size_t len)
{
	for (; sc; sc = sc->parent) {
		struct jval *v = jdict_get(&sc->vars, name, len);
		if (v)
			return *v;
	}
	return jv_undef;
}

static void emit(struct jinja_ctx *cx, const struct jstr *s)
{
	struct jinja_output *o = cx->out;
	if (!s->len)
		return;
	size_t at = o->text.len;
	if (at + s->len > MAX_OUTPUT)
		jx_fail(cx, JINJA_ERR_RUNTIME, "rendering longer than %d MB", MAX_OUTPUT >> 20);
	buf_add(&o->text, s->p, s->len);
	if (o->tag_cap < o->text.len) {
		o->tag_cap = alloc_nr(o->tag_cap, o->text.len);
		o->tag = xrealloc(o->tag, o->tag_cap * sizeof(uint32_t));
	}
	if (s->tag)
		memcpy(o->tag + at, s->tag, s->len * sizeof(uint32_t));
	else
		memset(o->tag + at, 0, s->len * sizeof(uint32_t));
}

static int64_t as_int(struct jinja_ctx *cx, struct jval v, const char *what)
{
	if (v.k == JK_INT)
		return v.u.i;
	if (v.k == JK_BOOL)
		return v.u.b;
	jx_fail(cx, JINJA_ERR_RUNTIME, "%s must be an integer, not %s", what, jv_kind_name(v));
}

static int is_number(struct jval v)
{
	return v.k == JK_INT || v.k == JK_FLOAT || v.k == JK_BOOL;
}

static double as_double(struct jval v)
{
	return v.k == JK_FLOAT ? v.u.f : v.k == JK_INT ? (double)v.u.i : v.u.b;
}

static int compare(struct jinja_ctx *cx, enum jop op, struct jval a, struct jval b)
{
	int c;
	if (is_number(a) && is_number(b)) {
		double x = as_double(a), y = as_double(b);
		c = x < y ? -1 : x > y;
	} else if (a.k == JK_STR && b.k == JK_STR) {
		size_t n = a.u.s->len < b.u.s->len ? a.u.s->len : b.u.s->len;
		c = memcmp(a.u.s->p, b.u.s->p, n);
		if (!c)
			c = a.u.s->len < b.u.s->len ? -1 : a.u.s->len > b.u.s->len;
	} else {
		jx_fail(cx, JINJA_ERR_RUNTIME, "cannot order %s and %s", jv_kind_name(a), jv_kind_name(b));
	}
	switch (op) {
	case JOP_LT: return c < 0;
	case JOP_GT: return c > 0;
	case JOP_LE: return c <= 0;
	default: return c >= 0;
	}
}

static int contains(struct jinja_ctx *cx, struct jval hay, struct jval needle)
{
	switch (hay.k) {
	case JK_STR:
		if (needle.k != JK_STR)
			jx_fail(cx, JINJA_ERR_RUNTIME, "'in <string>' requires a string, not %s", jv_kind_name(needle));
		return !needle.u.s->len ||
		       memmem(hay.u.s->p, hay.u.s->len, needle.u.s->p, needle.u.s->len) != NULL;
	case JK_LIST:
		for (size_t i = 0; i < hay.u.l->n; i++)
			if (jv_equal(hay.u.l->v[i], needle))
				return 1;
		return 0;
	case JK_DICT:
		return needle.k == JK_STR && jdict_get(hay.u.d, needle.u.s->p, needle.u.s->len) != NULL;
	default:
		jx_fail(cx, JINJA_ERR_RUNTIME, "'in' needs a string, list or dict, not %s", jv_kind_name(hay));
	}
}

static struct jval arith(struct jinja_ctx *cx, enum jop op, struct jval a, struct jval b)
{
	if (op == JOP_ADD && a.k == JK_STR && b.k == JK_STR)
		return jv_concat(cx, a.u.s, b.u.s);
	if (op == JOP_ADD && a.k == JK_LIST && b.k == JK_LIST) {
		struct jval l = jv_list(cx);
		for (size_t i = 0; i < a.u.l->n; i++)
			jarr_push(cx, l.u.l, a.u.l->v[i]);
		for (size_t i = 0; i < b.u.l->n; i++)
			jarr_push(cx, l.u.l, b.u.l->v[i]);
		return l;
	}
	if (op == JOP_MUL && a.k == JK_STR && (b.k == JK_INT || b.k == JK_BOOL)) {
		int64_t k = as_int(cx, b, "repeat count");
		size_t n = a.u.s->len;
		if (k <= 0 || !n)
			return jv_cstr(cx, "");
		if ((uint64_t)k > MAX_STRING / n)
			jx_fail(cx, JINJA_ERR_RUNTIME, "string repetition longer than %d MB", MAX_STRING >> 20);
		char *p = jarena_alloc(&cx->arena, n * (size_t)k + 1);
		uint32_t *tag = a.u.s->tag ? jarena_alloc(&cx->arena, n * (size_t)k * sizeof(uint32_t)) : NULL;
		for (int64_t i = 0; i < k; i++) {
			memcpy(p + (size_t)i * n, a.u.s->p, n);
			if (tag)
				memcpy(tag + (size_t)i * n, a.u.s->tag, n * sizeof(uint32_t));
		}
		return jv_str(cx, p, n * (size_t)k, tag);
	}
	if (!is_number(a) || !is_number(b))
		jx_fail(cx, JINJA_ERR_RUNTIME, "unsupported operand types: %s and %s", jv_kind_name(a),
			jv_kind_name(b));
	int ints = a.k != JK_FLOAT && b.k != JK_FLOAT;
	double x = as_double(a), y = as_double(b);
	if ((op == JOP_DIV || op == JOP_FLOORDIV || op == JOP_MOD) && y == 0)
		jx_fail(cx, JINJA_ERR_RUNTIME, "division by zero");
	if (ints) {
		int64_t i = (int64_t)x, j = (int64_t)y;
		switch (op) {
		case JOP_ADD: return jv_int(i + j);
		case JOP_SUB: return jv_int(i - j);
		case JOP_MUL: return jv_int(i * j);
		case JOP_FLOORDIV: { int64_t q = i / j; if ((i % j) && ((i < 0) != (j < 0))) q--; return jv_int(q); }
		case JOP_MOD: { int64_t r = i % j; if (r && ((r < 0) != (j < 0))) r += j; return jv_int(r); }
		case JOP_POW: if (j >= 0) { int64_t r = 1; for (int64_t k = 0; k < j && k < 64; k++) r *= i; return jv_int(r); } break;
		default: break;
		}
	}
	switch (op) {
	case JOP_ADD: return jv_float(x + y);
	case JOP_SUB: return jv_float(x - y);
	case JOP_MUL: return jv_float(x * y);
	case JOP_DIV: return jv_float(x / y);
	case JOP_FLOORDIV: return jv_float(floor(x / y));
	case JOP_MOD: { double r = fmod(x, y); if (r != 0 && ((r < 0) != (y < 0))) r += y; return jv_float(r); }
	default: return jv_float(pow(x, y));
	}
}

static struct jval eval_binop(struct jinja_ctx *cx, struct jscope *sc, const struct jnode *n)
{
	struct jval a = eval(cx, sc, n->a), b = eval(cx, sc, n->b);
	cx->at = n;
	switch ((enum jop)n->i) {
	case JOP_EQ: return jv_bool(jv_equal(a, b));
	case JOP_NE: return jv_bool(!jv_equal(a, b));
	case JOP_LT: case JOP_GT: case JOP_LE: case JOP_GE: return jv_bool(compare(cx, (enum jop)n->i, a, b));
	case JOP_IN: return jv_bool(contains(cx, b, a));
	case JOP_NOTIN: return jv_bool(!contains(cx, b, a));
	case JOP_CONCAT: return jv_concat(cx, jv_to_str(cx, a), jv_to_str(cx, b));
	default: return arith(cx, (enum jop)n->i, a, b);
	}
}

/* Python slicing of a list or string (byte offsets of code points for strings). */
static struct jval eval_slice(struct jinja_ctx *cx, struct jscope *sc, const struct jnode *n)
{
	struct jval obj = eval(cx, sc, n->obj);
	struct jval a = n->a ? eval(cx, sc, n->a) : jv_none, b = n->b ? eval(cx, sc, n->b) : jv_none;
	struct jval c = n->c ? eval(cx, sc, n->c) : jv_none;
	cx->at = n;
	int64_t step = c.k == JK_NONE ? 1 : as_int(cx, c, "slice step");
	if (step == 0)
		jx_fail(cx, JINJA_ERR_RUNTIME, "slice step cannot be zero");
	if (obj.k == JK_STR) {
		if (step != 1)
			jx_fail(cx, JINJA_ERR_UNSUPPORTED, "unsupported: string slice with a step");
		/* code point positions -> byte offsets */
		const struct jstr *s = obj.u.s;
		size_t ncp = utf8_count((const unsigned char *)s->p, s->len);
		int64_t lo = a.k == JK_NONE ? 0 : as_int(cx, a, "slice start");
		int64_t hi = b.k == JK_NONE ? (int64_t)ncp : as_int(cx, b, "slice stop");
		if (lo < 0) lo += (int64_t)ncp;
		if (hi < 0) hi += (int64_t)ncp;
		lo = lo < 0 ? 0 : lo > (int64_t)ncp ? (int64_t)ncp : lo;
		hi = hi < 0 ? 0 : hi > (int64_t)ncp ? (int64_t)ncp : hi;
		size_t bl = 0, bh = 0, k = 0;
		for (size_t i = 0; i <= s->len; i++) {
			if (i == s->len || !utf8_is_cont((unsigned char)s->p[i])) {
				if ((int64_t)k == lo) bl = i;
				if ((int64_t)k == hi) bh = i;
				k++;
			}
		}
		return jv_substr(cx, s, bl, bh);
	}
	if (obj.k != JK_LIST)
		jx_fail(cx, JINJA_ERR_RUNTIME, "cannot slice %s", jv_kind_name(obj));
	int64_t len = (int64_t)obj.u.l->n;
	int64_t lo, hi;
	if (step > 0) {
		lo = a.k == JK_NONE ? 0 : as_int(cx, a, "slice start");
		hi = b.k == JK_NONE ? len : as_int(cx, b, "slice stop");
		if (lo < 0) lo += len;
		if (hi < 0) hi += len;
		lo = lo < 0 ? 0 : lo > len ? len : lo;
		hi = hi < 0 ? 0 : hi > len ? len : hi;
	} else {
		lo = a.k == JK_NONE ? len - 1 : as_int(cx, a, "slice start");
		hi = b.k == JK_NONE ? -1 : as_int(cx, b, "slice stop");
		if (a.k != JK_NONE && lo < 0) lo += len;
		if (b.k != JK_NONE && hi < 0) hi += len;
		lo = lo < -1 ? -1 : lo > len - 1 ? len - 1 : lo;
		if (b.k != JK_NONE)
			hi = hi < -1 ? -1 : hi > len - 1 ? len - 1 : hi;
	}
	struct jval r = jv_list(cx);
	for (int64_t i = lo; step > 0 ? i < hi : i > hi; i += step)
		jarr_push(cx, r.u.l, obj.u.l->v[i]);
	return r;
}

/* Evaluate args of a call/filter/test node into an arena array. */
static struct jval *eval_args(struct jinja_ctx *cx, struct jscope *sc, const struct jnode *n)
{
	struct jval *v = jarena_alloc(&cx->arena, (n->args.n + 1) * sizeof(*v));
	for (size_t i = 0; i < n->args.n; i++)
		v[i] = eval(cx, sc, n->args.v[i]);
	return v;
}

static struct jval eval_call(struct jinja_ctx *cx, struct jscope *sc, const struct jnode *n)
{
	struct jval f = eval(cx, sc, n->obj);
	struct jval *args = eval_args(cx, sc, n);
	cx->at = n;
	if (f.k == JK_FUNC)
		return jx_call_func(cx, f.u.fn, args, n->args.n, n->kwnames, n->nkw);
	if (f.k == JK_METHOD)
		return jx_method(cx, f.u.m, args, n->args.n, n->kwnames, n->nkw);
	if (f.k == JK_UNDEF && n->obj->kind == JN_NAME)
		jx_fail(cx, JINJA_ERR_UNSUPPORTED, "unsupported: function '%s'", n->obj->s);
	jx_fail(cx, JINJA_ERR_RUNTIME, "%s is not callable", jv_kind_name(f));
}

static struct jval eval_literal_coll(struct jinja_ctx *cx, struct jscope *sc, const struct jnode *n)
{
	if (n->kind == JN_LIST) {
		struct jval l = jv_list(cx);
		for (size_t i = 0; i < n->args.n; i++)
			jarr_push(cx, l.u.l, eval(cx, sc, n->args.v[i]));
		return l;
	}
	struct jval d = jv_dict(cx);
	for (size_t i = 0; i + 1 < n->args.n; i += 2) {
		struct jval k = eval(cx, sc, n->args.v[i]);
		cx->at = n;
		if (k.k != JK_STR)
			jx_fail(cx, JINJA_ERR_UNSUPPORTED, "unsupported: dict key of type %s", jv_kind_name(k));
		jdict_set(cx, d.u.d, k.u.s, eval(cx, sc, n->args.v[i + 1]));
	}
	return d;
}

static struct jval eval(struct jinja_ctx *cx, struct jscope *sc, const struct jnode *n)
{
	cx->at = n;
	budget(cx);
	switch (n->kind) {
	case JN_STR: return jv_str(cx, n->s, n->slen, NULL);
	case JN_INT: return jv_int(n->i);
	case JN_FLOAT: return jv_float(n->f);
	case JN_BOOL: return jv_bool((int)n->i);
	case JN_NONE: return jv_none;
	case JN_LIST: case JN_DICT: return eval_literal_coll(cx, sc, n);
	case JN_NAME: return lookup(sc, n->s, n->slen);
	case JN_ATTR: {
		struct jval o = eval(cx, sc, n->obj);
		cx->at = n;
		return jx_getattr(cx, o, n->s, n->slen);
	}
	case JN_INDEX: {
		struct jval o = eval(cx, sc, n->obj), k = eval(cx, sc, n->a);
		cx->at = n;
		return jx_getitem(cx, o, k);
	}
	case JN_SLICE: return eval_slice(cx, sc, n);
	case JN_CALL: return eval_call(cx, sc, n);
	case JN_FILTER: {
		struct jval o = eval(cx, sc, n->obj);
		struct jval *args = eval_args(cx, sc, n);
		cx->at = n;
		return jx_filter(cx, n, o, args, n->args.n, n->kwnames, n->nkw);
	}
	case JN_TEST: {
		struct jval o = eval(cx, sc, n->obj);
		struct jval *args = eval_args(cx, sc, n);
		cx->at = n;
		int r = jx_test(cx, n, o, args, n->args.n);
		return jv_bool(n->i ? !r : r);
	}
	case JN_NEG: case JN_POS: {
		struct jval a = eval(cx, sc, n->a);
		cx->at = n;
		if (!is_number(a))
			jx_fail(cx, JINJA_ERR_RUNTIME, "bad operand type for unary %c: %s",
				n->kind == JN_NEG ? '-' : '+', jv_kind_name(a));
		if (n->kind == JN_POS)
			return a.k == JK_BOOL ? jv_int(a.u.b) : a;
		return a.k == JK_FLOAT ? jv_float(-a.u.f) : jv_int(-as_int(cx, a, "operand"));
	}
	case JN_NOT: return jv_bool(!jv_truthy(eval(cx, sc, n->a)));
	case JN_AND: {
		struct jval a = eval(cx, sc, n->a);
		return jv_truthy(a) ? eval(cx, sc, n->b) : a;
	}
	case JN_OR: {
		struct jval a = eval(cx, sc, n->a);
		return jv_truthy(a) ? a : eval(cx, sc, n->b);
	}
	case JN_BINOP: return eval_binop(cx, sc, n);
	case JN_COND:
		if (jv_truthy(eval(cx, sc, n->a)))
			return eval(cx, sc, n->b);
		return n->c ? eval(cx, sc, n->c) : jv_undef;
	default:
		jx_fail(cx, JINJA_ERR_UNSUPPORTED, "unsupported: expression node %d", (int)n->kind);
	}
}

static struct jscope *scope_new(struct jinja_ctx *cx, struct jscope *parent)
{
	struct jscope *s = jarena_alloc(&cx->arena, sizeof(*s));
	s->parent = parent;
	return s;
}

static void set_stmt(struct jinja_ctx *cx, struct jscope *sc, const struct jnode *n)
{
	struct jval v = eval(cx, sc, n->obj);
	cx->at = n;
	const char *name = n->target[0];
	if (!n->s) {
		jdict_set(cx, &sc->vars, jstr_make(cx, name, strlen(name), NULL), v);
		return;
	}
	struct jval ns = lookup(sc, name, strlen(name));
	if (ns.k != JK_DICT || !ns.u.d->is_namespace)
		jx_fail(cx, JINJA_ERR_RUNTIME, "cannot assign attribute '%s' on %s (not a namespace)", n->s,
			jv_kind_name(ns));
	jdict_set(cx, ns.u.d, jstr_make(cx, n->s, strlen(n->s), NULL), v);
}

/* The items a for loop walks: a list's elements, a dict's keys, a string's characters. */
static struct jarr *iter_items(struct jinja_ctx *cx, struct jval it)
{
	if (it.k == JK_LIST)
		return it.u.l;
	struct jval l = jv_list(cx);
	if (it.k == JK_DICT) {
		for (size_t i = 0; i < it.u.d->n; i++)
			jarr_push(cx, l.u.l, jv_str(cx, it.u.d->key[i]->p, it.u.d->key[i]->len, it.u.d->key[i]->tag));
	} else if (it.k == JK_STR) {
		const struct jstr *s = it.u.s;
		for (size_t i = 0; i < s->len;) {
			size_t j = utf8_next((const unsigned char *)s->p, s->len, i);
			jarr_push(cx, l.u.l, jv_substr(cx, s, i, j));
			i = j;
		}
	} else if (it.k != JK_UNDEF) {
		jx_fail(cx, JINJA_ERR_RUNTIME, "%s is not iterable", jv_kind_name(it));
	}
	return l.u.l;
}

static void bind_targets(struct jinja_ctx *cx, struct jscope *sc, const struct jnode *n, struct jval v)
{
	if (n->ntarget == 1) {
		jdict_set_c(cx, &sc->vars, n->target[0], v);
		return;
	}
	if (v.k != JK_LIST || v.u.l->n != 2)
		jx_fail(cx, JINJA_ERR_RUNTIME, "cannot unpack %s into two loop variables", jv_kind_name(v));
	for (int k = 0; k < 2; k++)
		jdict_set_c(cx, &sc->vars, n->target[k], v.u.l->v[k]);
}

static void for_stmt(struct jinja_ctx *cx, struct jscope *sc, const struct jnode *n)
{
	struct jval it = eval(cx, sc, n->a);
	cx->at = n;
	struct jarr *all = iter_items(cx, it), *items = all;
	struct jscope *ls = scope_new(cx, sc);
	if (n->b) {
		struct jval kept = jv_list(cx);
		for (size_t i = 0; i < all->n; i++) {
			bind_targets(cx, ls, n, all->v[i]);
			if (jv_truthy(eval(cx, ls, n->b)))
				jarr_push(cx, kept.u.l, all->v[i]);
		}
		items = kept.u.l;
	}
	size_t len = items->n;
	struct jval loop = jv_dict(cx);
	for (size_t i = 0; i < len; i++) {
		budget(cx);
		/* One loop object per for statement, updated in place: a loop over many items must
		 * not allocate per iteration. */
		struct jdict *d = loop.u.d;
		jdict_set_c(cx, d, "index0", jv_int((int64_t)i));
		jdict_set_c(cx, d, "index", jv_int((int64_t)i + 1));
		jdict_set_c(cx, d, "revindex0", jv_int((int64_t)(len - i - 1)));
		jdict_set_c(cx, d, "revindex", jv_int((int64_t)(len - i)));
		jdict_set_c(cx, d, "first", jv_bool(i == 0));
		jdict_set_c(cx, d, "last", jv_bool(i + 1 == len));
		jdict_set_c(cx, d, "length", jv_int((int64_t)len));
		jdict_set_c(cx, d, "previtem", i ? items->v[i - 1] : jv_undef);
		jdict_set_c(cx, d, "nextitem", i + 1 < len ? items->v[i + 1] : jv_undef);
		jdict_set_c(cx, &ls->vars, "loop", loop);
		bind_targets(cx, ls, n, items->v[i]);
		exec_body(cx, ls, &n->body);
		if (cx->loop_ctl == 1) {
			cx->loop_ctl = 0;
			break;
		}
		cx->loop_ctl = 0;
	}
	if (!len)
		exec_body(cx, ls, &n->orelse);
}

static void exec_body(struct jinja_ctx *cx, struct jscope *sc, const struct jnodes *body)
{
	if (++cx->depth > MAX_DEPTH)
		jx_fail(cx, JINJA_ERR_RUNTIME, "template nesting deeper than %d", MAX_DEPTH);
	for (size_t i = 0; i < body->n && !cx->loop_ctl; i++) {
		const struct jnode *n = body->v[i];
		cx->at = n;
		switch (n->kind) {
		case JN_TEXT:
			if (n->slen)
				emit(cx, jstr_make(cx, n->s, n->slen, NULL));
			break;
		case JN_OUTPUT:
			emit(cx, jv_to_str(cx, eval(cx, sc, n->a)));
			break;
		case JN_IF:
			exec_body(cx, sc, jv_truthy(eval(cx, sc, n->a)) ? &n->body : &n->orelse);
			break;
		case JN_FOR:
			for_stmt(cx, sc, n);
			break;
		case JN_SET:
			set_stmt(cx, sc, n);
			break;
		case JN_BREAK:
			cx->loop_ctl = 1;
			break;
		case JN_CONTINUE:
			cx->loop_ctl = 2;
			break;
		default:
			jx_fail(cx, JINJA_ERR_UNSUPPORTED, "unsupported: statement node %d", (int)n->kind);
		}
	}
	cx->depth--;
}

/* The message list: role and content always, other members converted from their JSON. */
static struct jval messages_value(struct jinja_ctx *cx, const struct chat *c)
{
	struct jval msgs = jv_list(cx);
	struct buf content = BUF_INIT;
	for (size_t i = 0; i < c->n; i++) {
		const struct chat_message *m = &c->msg[i];
		struct jval d = jv_dict(cx);
		size_t pos = 0;
		struct json_member mem;
		while (json_object_next(m->obj, m->obj_len, &pos, &mem)) {
			if (json_key_equals(&mem, "role") || json_key_equals(&mem, "content"))
				continue;
			struct buf k = BUF_INIT;
			json_string_decode(&k, mem.key, mem.key_len);
			jdict_set(cx, d.u.d, jstr_make(cx, jarena_strdup(&cx->arena, k.data, k.len), k.len, NULL),
				  jv_from_json(cx, mem.val, mem.val_len));
			buf_release(&k);
		}
		jdict_set_c(cx, d.u.d, "role", jv_cstr(cx, chat_role_name(m->role)));
		buf_reset(&content);
		chat_content(c, i, &content);
		uint32_t *tag = jarena_alloc(&cx->arena, (content.len + 1) * sizeof(uint32_t));
		for (size_t k = 0; k < content.len; k++)
			tag[k] = (uint32_t)i + 1;
		jdict_set_c(cx, d.u.d, "content",
			    jv_str(cx, jarena_strdup(&cx->arena, content.data, content.len), content.len, tag));
		jarr_push(cx, msgs.u.l, d);
	}
	buf_release(&content);
	return msgs;
}

int jinja_render(struct jinja_ctx *cx, const struct jinja_template *t, const struct chat *c,
		 const struct jinja_var *vars, size_t nvars, struct jinja_output *out,
		 struct jinja_error *err)
{
	jarena_reset(&cx->arena);
	cx->err = err;
	cx->out = out;
	cx->at = NULL;
	cx->loop_ctl = 0;
	cx->depth = 0;
	cx->steps = 0;
	buf_reset(&out->text);
	if (setjmp(cx->jb))
		return -1;
	struct jscope *root = scope_new(cx, NULL);
	struct jval fn = { JK_FUNC, { .fn = JF_RAISE } };
	jdict_set_c(cx, &root->vars, "raise_exception", fn);
	fn.u.fn = JF_NAMESPACE;
	jdict_set_c(cx, &root->vars, "namespace", fn);
	fn.u.fn = JF_RANGE;
	jdict_set_c(cx, &root->vars, "range", fn);
	jdict_set_c(cx, &root->vars, "add_generation_prompt", jv_bool(0));
	for (size_t i = 0; i < nvars; i++)
		jdict_set_c(cx, &root->vars, vars[i].name, jv_cstr(cx, vars[i].value));
	jdict_set_c(cx, &root->vars, "messages", messages_value(cx, c));
	exec_body(cx, scope_new(cx, root), &t->body);
	return 0;
}
