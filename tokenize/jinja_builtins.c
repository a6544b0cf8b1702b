/*
 * Jinja builtins used by chat templates: filters, tests, string and dict methods, global
 * functions, attribute and item access. Python semantics (transformers renders with Python
 * Jinja); strings keep their message tags through every operation that returns a part of them
 * (strip, split, slicing), and through case changes of a uniformly tagged string.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/jinja_int.h"

static const char *const filter_names[] = {
	"trim", "length", "count", "tojson", "upper", "lower", "title", "capitalize", "first",
	"last", "join", "default", "d", "list", "string", "int", "float", "abs", "reverse",
	"replace", "items", "selectattr", "rejectattr", "map", "safe", NULL,
};
static const char *const test_names[] = {
	"defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "true",
	"false", "mapping", "iterable", "sequence", "callable", "odd", "even", "divisibleby",
	"eq", "equalto", "ne", "lt", "gt", "le", "ge", "in", "lower", "upper", "sameas", NULL,
};

static int name_is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(name, s, len);
}

static int known(const char *const *list, const char *name, size_t len)
{
	for (; *list; list++)
		if (name_is(name, len, *list))
			return 1;
	return 0;
}

int jinja_filter_known(const char *name, size_t len)
{
	return known(filter_names, name, len);
}

int jinja_test_known(const char *name, size_t len)
{
	return known(test_names, name, len);
}

/* ---- string helpers ---- */

/* Python's str.isspace() code points. */
static int py_space(int32_t cp)
{
	return (cp >= 9 && cp <= 13) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 || cp == 0xa0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* Decode the code point at s[i]; sets *n to its length (invalid bytes: one byte, U+FFFD). */
static int32_t cp_at(const char *s, size_t len, size_t i, size_t *n)
{
	int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
	if (k <= 0) {
		*n = 1;
		return 0xFFFD;
	}
	*n = (size_t)k;
	return cp;
}

static int cp_in(int32_t cp, const struct jstr *chars)
{
	for (size_t i = 0, n; i < chars->len; i += n)
		if (cp_at(chars->p, chars->len, i, &n) == cp)
			return 1;
	return 0;
}

static int strip_match(int32_t cp, const struct jstr *chars)
{
	return chars ? cp_in(cp, chars) : py_space(cp);
}

/* which: 1 left, 2 right, 3 both. chars NULL: whitespace. */
static struct jval do_strip(struct jinja_ctx *cx, const struct jstr *s, const struct jstr *chars, int which)
{
	size_t a = 0, b = s->len, n;
	if (which & 1)
		while (a < b && strip_match(cp_at(s->p, s->len, a, &n), chars))
			a += n;
	if (which & 2)
		while (b > a) {
			size_t k = utf8_prev((const unsigned char *)s->p, a, b);
			if (!strip_match(cp_at(s->p, s->len, k, &n), chars))
				break;
			b = k;
		}
	return jv_substr(cx, s, a, b);
}

static size_t cp_count(const struct jstr *s)
{
	return utf8_count((const unsigned char *)s->p, s->len);
}

/* mode: 0 upper, 1 lower, 2 title, 3 capitalize */
static struct jval do_case(struct jinja_ctx *cx, const struct jstr *s, int mode)
{
	struct buf b = BUF_INIT;
	int prev_cased = 0;
	for (size_t i = 0, n; i < s->len; i += n) {
		int32_t cp = cp_at(s->p, s->len, i, &n), o;
		int up = mode == 0 || (mode == 2 && !prev_cased) || (mode == 3 && i == 0);
		o = up ? utf8proc_toupper(cp) : utf8proc_tolower(cp);
		if (mode == 2)
			prev_cased = utf8proc_tolower(cp) != cp || utf8proc_toupper(cp) != cp;
		utf8proc_uint8_t tmp[4];
		utf8proc_ssize_t k = utf8proc_encode_char(o, tmp);
		buf_add(&b, tmp, (size_t)k);
	}
	struct jval r = jv_derived(cx, s, jarena_strdup(&cx->arena, b.data, b.len), b.len);
	buf_release(&b);
	return r;
}

static struct jval do_replace(struct jinja_ctx *cx, const struct jstr *s, const struct jstr *old,
			      const struct jstr *new, int64_t count)
{
	struct buf b = BUF_INIT;
	size_t i = 0;
	int64_t done = 0;
	if (!old->len)
		jx_fail(cx, JINJA_ERR_UNSUPPORTED, "unsupported: replace of an empty string");
	while (i < s->len && (count < 0 || done < count)) {
		const char *f = memmem(s->p + i, s->len - i, old->p, old->len);
		if (!f)
			break;
		buf_add(&b, s->p + i, (size_t)(f - s->p) - i);
		buf_add(&b, new->p, new->len);
		i = (size_t)(f - s->p) + old->len;
		done++;
	}
	buf_add(&b, s->p + i, s->len - i);
	struct jval r = done ? jv_derived(cx, s, jarena_strdup(&cx->arena, b.data, b.len), b.len)
			     : jv_str(cx, s->p, s->len, s->tag);
	buf_release(&b);
	return r;
}

static struct jval do_split(struct jinja_ctx *cx, const struct jstr *s, const struct jstr *sep, int64_t max)
{
	struct jval l = jv_list(cx);
	size_t i = 0, n;
	if (!sep) { /* runs of whitespace, no empty parts */
		for (;;) {
			while (i < s->len && py_space(cp_at(s->p, s->len, i, &n)))
				i += n;
			if (i >= s->len)
				break;
			size_t j = i;
			if (max >= 0 && (int64_t)l.u.l->n == max) {
				size_t e = s->len;
				while (e > i) {
					size_t k = utf8_prev((const unsigned char *)s->p, i, e);
					if (!py_space(cp_at(s->p, s->len, k, &n)))
						break;
					e = k;
				}
				jarr_push(cx, l.u.l, jv_substr(cx, s, i, e));
				break;
			}
			while (j < s->len && !py_space(cp_at(s->p, s->len, j, &n)))
				j += n;
			jarr_push(cx, l.u.l, jv_substr(cx, s, i, j));
			i = j;
		}
		return l;
	}
	if (!sep->len)
		jx_fail(cx, JINJA_ERR_RUNTIME, "split: empty separator");
	for (;;) {
		const char *f = max >= 0 && (int64_t)l.u.l->n == max ? NULL
			       : memmem(s->p + i, s->len - i, sep->p, sep->len);
		if (!f) {
			jarr_push(cx, l.u.l, jv_substr(cx, s, i, s->len));
			return l;
		}
		size_t e = (size_t)(f - s->p);
		jarr_push(cx, l.u.l, jv_substr(cx, s, i, e));
		i = e + sep->len;
	}
}

static struct jval do_join(struct jinja_ctx *cx, struct jval items, const struct jstr *sep)
{
	if (items.k != JK_LIST)
		jx_fail(cx, JINJA_ERR_RUNTIME, "join needs a list, not %s", jv_kind_name(items));
	struct jval r = jv_cstr(cx, "");
	for (size_t i = 0; i < items.u.l->n; i++) {
		if (i)
			r = jv_concat(cx, r.u.s, sep);
		r = jv_concat(cx, r.u.s, jv_to_str(cx, items.u.l->v[i]));
	}
	return r;
}

/* ---- argument helpers ---- */
static struct jval arg(struct jval *args, size_t nargs, const char **kw, size_t nkw, size_t pos,
		       const char *name, struct jval dflt)
{
	size_t npos = nargs - nkw;
	if (pos < npos)
		return args[pos];
	for (size_t k = 0; k < nkw; k++)
		if (!strcmp(kw[k], name))
			return args[npos + k];
	return dflt;
}

static const struct jstr *str_arg(struct jinja_ctx *cx, struct jval v, const char *what)
{
	if (v.k != JK_STR)
		jx_fail(cx, JINJA_ERR_RUNTIME, "%s must be a string, not %s", what, jv_kind_name(v));
	return v.u.s;
}

static int64_t int_arg(struct jinja_ctx *cx, struct jval v, const char *what)
{
	if (v.k == JK_INT)
		return v.u.i;
	if (v.k == JK_BOOL)
		return v.u.b;
	jx_fail(cx, JINJA_ERR_RUNTIME, "%s must be an integer, not %s", what, jv_kind_name(v));
}

static int starts_or_ends(struct jinja_ctx *cx, const struct jstr *s, struct jval what, int end)
{
	if (what.k == JK_LIST) {
		for (size_t i = 0; i < what.u.l->n; i++)
			if (starts_or_ends(cx, s, what.u.l->v[i], end))
				return 1;
		return 0;
	}
	const struct jstr *p = str_arg(cx, what, end ? "endswith argument" : "startswith argument");
	if (p->len > s->len)
		return 0;
	return !memcmp(end ? s->p + s->len - p->len : s->p, p->p, p->len);
}

static struct jval str_method(struct jinja_ctx *cx, const struct jstr *s, const char *name,
			      struct jval *args, size_t nargs, const char **kw, size_t nkw)
{
	struct jval a0 = arg(args, nargs, kw, nkw, 0, "", jv_none);
	if (!strcmp(name, "strip") || !strcmp(name, "lstrip") || !strcmp(name, "rstrip")) {
		const struct jstr *chars = a0.k == JK_NONE ? NULL : str_arg(cx, a0, "strip characters");
		return do_strip(cx, s, chars, name[0] == 'l' ? 1 : name[0] == 'r' ? 2 : 3);
	}
	if (!strcmp(name, "startswith") || !strcmp(name, "endswith"))
		return jv_bool(starts_or_ends(cx, s, a0, name[0] == 'e'));
	if (!strcmp(name, "split")) {
		struct jval sep = arg(args, nargs, kw, nkw, 0, "sep", jv_none);
		struct jval max = arg(args, nargs, kw, nkw, 1, "maxsplit", jv_int(-1));
		return do_split(cx, s, sep.k == JK_NONE ? NULL : str_arg(cx, sep, "separator"),
				int_arg(cx, max, "maxsplit"));
	}
	if (!strcmp(name, "upper")) return do_case(cx, s, 0);
	if (!strcmp(name, "lower")) return do_case(cx, s, 1);
	if (!strcmp(name, "title")) return do_case(cx, s, 2);
	if (!strcmp(name, "capitalize")) return do_case(cx, s, 3);
	if (!strcmp(name, "replace"))
		return do_replace(cx, s, str_arg(cx, a0, "replace argument"),
				  str_arg(cx, arg(args, nargs, kw, nkw, 1, "new", jv_none), "replace argument"),
				  int_arg(cx, arg(args, nargs, kw, nkw, 2, "count", jv_int(-1)), "count"));
	if (!strcmp(name, "join"))
		return do_join(cx, a0, s);
	if (!strcmp(name, "find") || !strcmp(name, "count")) {
		const struct jstr *sub = str_arg(cx, a0, "argument");
		if (name[0] == 'f') {
			const char *f = sub->len ? memmem(s->p, s->len, sub->p, sub->len) : s->p;
			struct jstr pre = { s->p, f ? (size_t)(f - s->p) : 0, NULL };
			return jv_int(f ? (int64_t)cp_count(&pre) : -1);
		}
		int64_t k = 0;
		for (const char *p = s->p, *e = s->p + s->len; sub->len && (p = memmem(p, (size_t)(e - p), sub->p, sub->len)); p += sub->len)
			k++;
		return jv_int(sub->len ? k : (int64_t)cp_count(s) + 1);
	}
	jx_fail(cx, JINJA_ERR_UNSUPPORTED, "unsupported: string method '%s'", name);
}

static struct jval pairs(struct jinja_ctx *cx, const struct jdict *d)
{
	struct jval l = jv_list(cx);
	for (size_t i = 0; i < d->n; i++) {
		struct jval p = jv_list(cx);
		jarr_push(cx, p.u.l, jv_str(cx, d->key[i]->p, d->key[i]->len, d->key[i]->tag));
		jarr_push(cx, p.u.l, d->val[i]);
		jarr_push(cx, l.u.l, p);
	}
	return l;
}

struct jval jx_method(struct jinja_ctx *cx, const struct jbound *m, struct jval *args, size_t nargs,
		      const char **kw, size_t nkw)
{
	if (m->self.k == JK_STR)
		return str_method(cx, m->self.u.s, m->name, args, nargs, kw, nkw);
	const struct jdict *d = m->self.u.d;
	if (!strcmp(m->name, "items"))
		return pairs(cx, d);
	if (!strcmp(m->name, "keys") || !strcmp(m->name, "values")) {
		struct jval l = jv_list(cx);
		for (size_t i = 0; i < d->n; i++)
			jarr_push(cx, l.u.l, m->name[0] == 'k' ? jv_str(cx, d->key[i]->p, d->key[i]->len, d->key[i]->tag)
							       : d->val[i]);
		return l;
	}
	/* get */
	struct jval k = arg(args, nargs, kw, nkw, 0, "key", jv_none);
	struct jval *v = k.k == JK_STR ? jdict_get(d, k.u.s->p, k.u.s->len) : NULL;
	return v ? *v : arg(args, nargs, kw, nkw, 1, "default", jv_none);
}

static const char *const str_methods[] = {
	"strip", "lstrip", "rstrip", "startswith", "endswith", "split", "upper", "lower", "title",
	"capitalize", "replace", "join", "find", "count", NULL,
};
static const char *const py_str_methods[] = {
	"format", "format_map", "zfill", "center", "ljust", "rjust", "partition", "rpartition",
	"rsplit", "splitlines", "isdigit", "isalpha", "isspace", "islower", "isupper", "istitle",
	"isalnum", "isnumeric", "isdecimal", "isidentifier", "isprintable", "isascii", "casefold",
	"swapcase", "encode", "expandtabs", "index", "rindex", "rfind", "removeprefix",
	"removesuffix", "translate", "maketrans", NULL,
};
static const char *const dict_methods[] = { "items", "keys", "values", "get", NULL };

static struct jval bound(struct jinja_ctx *cx, struct jval self, const char *name, size_t len)
{
	struct jbound *b = jarena_alloc(&cx->arena, sizeof(*b));
	b->self = self;
	b->name = jarena_strdup(&cx->arena, name, len);
	struct jval v = { JK_METHOD, { .m = b } };
	return v;
}

struct jval jx_getattr(struct jinja_ctx *cx, struct jval v, const char *name, size_t len)
{
	switch (v.k) {
	case JK_UNDEF:
		jx_fail(cx, JINJA_ERR_RUNTIME, "undefined value has no attribute '%.*s'", (int)len, name);
	case JK_DICT: {
		if (!v.u.d->is_namespace && known(dict_methods, name, len))
			return bound(cx, v, name, len);
		struct jval *x = jdict_get(v.u.d, name, len);
		return x ? *x : jv_undef;
	}
	case JK_STR:
		if (known(str_methods, name, len))
			return bound(cx, v, name, len);
		/* A real Python string method grist lacks must not quietly become undefined. */
		if (known(py_str_methods, name, len))
			jx_fail(cx, JINJA_ERR_UNSUPPORTED, "unsupported: string method '%.*s'", (int)len, name);
		return jv_undef;
	default:
		return jv_undef;
	}
}

struct jval jx_getitem(struct jinja_ctx *cx, struct jval v, struct jval key)
{
	if (v.k == JK_UNDEF)
		jx_fail(cx, JINJA_ERR_RUNTIME, "undefined value is not subscriptable");
	if (v.k == JK_DICT) {
		if (key.k != JK_STR)
			return jv_undef;
		struct jval *x = jdict_get(v.u.d, key.u.s->p, key.u.s->len);
		return x ? *x : jv_undef;
	}
	if ((v.k == JK_LIST || v.k == JK_STR) && (key.k == JK_INT || key.k == JK_BOOL)) {
		int64_t i = key.k == JK_INT ? key.u.i : key.u.b;
		if (v.k == JK_LIST) {
			int64_t n = (int64_t)v.u.l->n;
			if (i < 0)
				i += n;
			return i >= 0 && i < n ? v.u.l->v[i] : jv_undef;
		}
		const struct jstr *s = v.u.s;
		int64_t n = (int64_t)cp_count(s);
		if (i < 0)
			i += n;
		if (i < 0 || i >= n)
			return jv_undef;
		size_t b = 0, k = 0, len;
		for (; (int64_t)k < i; k++)
			cp_at(s->p, s->len, b, &len), b += len;
		cp_at(s->p, s->len, b, &len);
		return jv_substr(cx, s, b, b + len);
	}
	return jv_undef; /* Jinja: a failed subscript is undefined */
}

/* ---- filters ---- */

static size_t length_of(struct jinja_ctx *cx, struct jval v)
{
	switch (v.k) {
	case JK_STR: return cp_count(v.u.s);
	case JK_LIST: return v.u.l->n;
	case JK_DICT: return v.u.d->n;
	case JK_UNDEF: return 0;
	default: jx_fail(cx, JINJA_ERR_RUNTIME, "object of type %s has no length", jv_kind_name(v));
	}
}

static struct jval as_list(struct jinja_ctx *cx, struct jval v)
{
	if (v.k == JK_LIST)
		return v;
	struct jval l = jv_list(cx);
	if (v.k == JK_DICT) {
		for (size_t i = 0; i < v.u.d->n; i++)
			jarr_push(cx, l.u.l, jv_str(cx, v.u.d->key[i]->p, v.u.d->key[i]->len, v.u.d->key[i]->tag));
	} else if (v.k == JK_STR) {
		for (size_t i = 0, n; i < v.u.s->len; i += n) {
			cp_at(v.u.s->p, v.u.s->len, i, &n);
			jarr_push(cx, l.u.l, jv_substr(cx, v.u.s, i, i + n));
		}
	} else if (v.k != JK_UNDEF) {
		jx_fail(cx, JINJA_ERR_RUNTIME, "%s is not iterable", jv_kind_name(v));
	}
	return l;
}

static struct jval attr_path(struct jinja_ctx *cx, struct jval v, const struct jstr *path)
{
	size_t i = 0;
	while (i <= path->len) {
		const char *dot = memchr(path->p + i, '.', path->len - i);
		size_t e = dot ? (size_t)(dot - path->p) : path->len;
		if (v.k == JK_UNDEF)
			return v;
		v = jx_getattr(cx, v, path->p + i, e - i);
		i = e + 1;
	}
	return v;
}

/* selectattr / rejectattr (attribute, [test, [arg]]). */
static struct jval select_attr(struct jinja_ctx *cx, const struct jnode *n, struct jval v,
			       struct jval *args, size_t nargs, int reject)
{
	struct jval items = as_list(cx, v), out = jv_list(cx);
	if (!nargs)
		jx_fail(cx, JINJA_ERR_RUNTIME, "%s needs an attribute name", n->s);
	const struct jstr *attr = str_arg(cx, args[0], "attribute name");
	struct jnode test = *n;
	if (nargs >= 2) {
		const struct jstr *tn = str_arg(cx, args[1], "test name");
		if (!jinja_test_known(tn->p, tn->len))
			jx_fail(cx, JINJA_ERR_UNSUPPORTED, "unsupported: test '%.*s'", (int)tn->len, tn->p);
		test.s = jarena_strdup(&cx->arena, tn->p, tn->len);
		test.slen = tn->len;
	}
	for (size_t i = 0; i < items.u.l->n; i++) {
		struct jval x = attr_path(cx, items.u.l->v[i], attr);
		int ok = nargs >= 2 ? jx_test(cx, &test, x, args + 2, nargs - 2) : jv_truthy(x);
		if (ok != reject)
			jarr_push(cx, out.u.l, items.u.l->v[i]);
	}
	return out;
}

static struct jval to_number(struct jinja_ctx *cx, struct jval v, int want_int, struct jval dflt)
{
	if (v.k == JK_INT || v.k == JK_BOOL)
		return want_int ? jv_int(v.k == JK_INT ? v.u.i : v.u.b) : jv_float(v.k == JK_INT ? (double)v.u.i : v.u.b);
	if (v.k == JK_FLOAT)
		return want_int ? jv_int((int64_t)v.u.f) : v;
	if (v.k == JK_STR) {
		char *t = jarena_strdup(&cx->arena, v.u.s->p, v.u.s->len), *e;
		if (want_int) {
			long long x = strtoll(t, &e, 10);
			if (e != t && !*e)
				return jv_int(x);
		} else {
			double x = strtod(t, &e);
			if (e != t && !*e)
				return jv_float(x);
		}
	}
	return dflt;
}

/* A filter call's arguments, positional then keyword (kw names the last nkw). */
struct fargs {
	struct jval *args;
	size_t nargs;
	const char **kw;
	size_t nkw;
};
#define FARG(pos, name, dflt) arg(a->args, a->nargs, a->kw, a->nkw, (pos), (name), (dflt))

/* The filters over strings: 1 with the result in *r when f is one of them. */
static int str_filter(struct jinja_ctx *cx, const char *f, struct jval v, const struct fargs *a,
		      struct jval *r)
{
	if (!strcmp(f, "trim")) {
		struct jval chars = FARG(0, "chars", jv_none);
		*r = do_strip(cx, jv_to_str(cx, v), chars.k == JK_NONE ? NULL : str_arg(cx, chars, "trim characters"), 3);
	} else if (!strcmp(f, "tojson")) {
		struct jval ind = FARG(0, "indent", jv_none);
		struct buf b = BUF_INIT;
		jv_tojson(cx, v, &b, ind.k == JK_NONE ? -1 : (int)int_arg(cx, ind, "indent"), 0);
		*r = jv_str(cx, jarena_strdup(&cx->arena, b.data, b.len), b.len, NULL);
		buf_release(&b);
	} else if (!strcmp(f, "upper")) {
		*r = do_case(cx, jv_to_str(cx, v), 0);
	} else if (!strcmp(f, "lower")) {
		*r = do_case(cx, jv_to_str(cx, v), 1);
	} else if (!strcmp(f, "title")) {
		*r = do_case(cx, jv_to_str(cx, v), 2);
	} else if (!strcmp(f, "capitalize")) {
		/* Jinja's capitalize: first character upper, the rest lower */
		struct jval low = do_case(cx, jv_to_str(cx, v), 1);
		*r = do_case(cx, low.u.s, 3);
	} else if (!strcmp(f, "string")) {
		const struct jstr *s = jv_to_str(cx, v);
		*r = jv_str(cx, s->p, s->len, s->tag);
	} else if (!strcmp(f, "replace")) {
		*r = do_replace(cx, jv_to_str(cx, v), str_arg(cx, FARG(0, "", jv_none), "replace argument"),
				str_arg(cx, FARG(1, "new", jv_none), "replace argument"),
				int_arg(cx, FARG(2, "count", jv_int(-1)), "count"));
	} else {
		return 0;
	}
	return 1;
}

/* attribute= of each item of l, as a list. */
static struct jval map_attr(struct jinja_ctx *cx, struct jval l, struct jval attr)
{
	struct jval m = jv_list(cx);
	for (size_t i = 0; i < l.u.l->n; i++)
		jarr_push(cx, m.u.l, attr_path(cx, l.u.l->v[i], str_arg(cx, attr, "attribute")));
	return m;
}

/* The filters over lists (and dicts' items): 1 with the result in *r when f is one of them. */
static int list_filter(struct jinja_ctx *cx, const struct jnode *n, struct jval v,
		       const struct fargs *a, struct jval *r)
{
	const char *f = n->s;
	if (!strcmp(f, "length") || !strcmp(f, "count")) {
		*r = jv_int((int64_t)length_of(cx, v));
	} else if (!strcmp(f, "first") || !strcmp(f, "last")) {
		struct jval l = as_list(cx, v);
		*r = !l.u.l->n ? jv_undef : l.u.l->v[f[0] == 'f' ? 0 : l.u.l->n - 1];
	} else if (!strcmp(f, "join")) {
		struct jval attr = FARG(1, "attribute", jv_none);
		struct jval l = as_list(cx, v);
		if (attr.k != JK_NONE)
			l = map_attr(cx, l, attr);
		struct jval sep = FARG(0, "d", jv_cstr(cx, ""));
		*r = do_join(cx, l, str_arg(cx, sep, "join separator"));
	} else if (!strcmp(f, "list")) {
		*r = as_list(cx, v);
	} else if (!strcmp(f, "reverse")) {
		if (v.k == JK_STR)
			jx_fail(cx, JINJA_ERR_UNSUPPORTED, "unsupported: reverse of a string");
		struct jval l = as_list(cx, v);
		*r = jv_list(cx);
		for (size_t i = l.u.l->n; i-- > 0;)
			jarr_push(cx, r->u.l, l.u.l->v[i]);
	} else if (!strcmp(f, "items")) {
		if (v.k != JK_UNDEF && v.k != JK_DICT)
			jx_fail(cx, JINJA_ERR_RUNTIME, "items of %s", jv_kind_name(v));
		*r = v.k == JK_UNDEF ? jv_list(cx) : pairs(cx, v.u.d);
	} else if (!strcmp(f, "selectattr") || !strcmp(f, "rejectattr")) {
		*r = select_attr(cx, n, v, a->args, a->nargs, f[0] == 'r');
	} else if (!strcmp(f, "map")) {
		struct jval attr = FARG(99, "attribute", jv_none);
		if (attr.k == JK_NONE)
			jx_fail(cx, JINJA_ERR_UNSUPPORTED, "unsupported: map without attribute=");
		*r = map_attr(cx, as_list(cx, v), attr);
	} else {
		return 0;
	}
	return 1;
}

/* default, int, float, abs: 1 with the result in *r when f is one of them. */
static int value_filter(struct jinja_ctx *cx, const char *f, struct jval v, const struct fargs *a,
			struct jval *r)
{
	struct jval a0 = FARG(0, "", jv_none);
	if (!strcmp(f, "default") || !strcmp(f, "d")) {
		struct jval dflt = FARG(0, "default_value", jv_cstr(cx, ""));
		int boolean = jv_truthy(FARG(1, "boolean", jv_bool(0)));
		*r = v.k == JK_UNDEF || (boolean && !jv_truthy(v)) ? dflt : v;
	} else if (!strcmp(f, "int")) {
		*r = to_number(cx, v, 1, a->nargs ? a0 : jv_int(0));
	} else if (!strcmp(f, "float")) {
		*r = to_number(cx, v, 0, a->nargs ? a0 : jv_float(0));
	} else if (!strcmp(f, "abs")) {
		if (v.k == JK_INT)
			*r = jv_int(v.u.i < 0 ? -v.u.i : v.u.i);
		else if (v.k == JK_FLOAT)
			*r = jv_float(v.u.f < 0 ? -v.u.f : v.u.f);
		else
			jx_fail(cx, JINJA_ERR_RUNTIME, "abs of %s", jv_kind_name(v));
	} else {
		return 0;
	}
	return 1;
}
#undef FARG

struct jval jx_filter(struct jinja_ctx *cx, const struct jnode *n, struct jval v, struct jval *args,
		      size_t nargs, const char **kw, size_t nkw)
{
	const struct fargs a = { args, nargs, kw, nkw };
	struct jval r;
	if (str_filter(cx, n->s, v, &a, &r) || list_filter(cx, n, v, &a, &r) ||
	    value_filter(cx, n->s, v, &a, &r))
		return r;
	return v; /* safe */
}

/* ---- tests ---- */
int jx_test(struct jinja_ctx *cx, const struct jnode *n, struct jval v, struct jval *args, size_t nargs)
{
	const char *t = n->s;
	struct jval a = nargs ? args[0] : jv_undef;
	if (!strcmp(t, "defined")) return v.k != JK_UNDEF;
	if (!strcmp(t, "undefined")) return v.k == JK_UNDEF;
	if (!strcmp(t, "none")) return v.k == JK_NONE;
	if (!strcmp(t, "string")) return v.k == JK_STR;
	if (!strcmp(t, "number")) return v.k == JK_INT || v.k == JK_FLOAT;
	if (!strcmp(t, "integer")) return v.k == JK_INT;
	if (!strcmp(t, "float")) return v.k == JK_FLOAT;
	if (!strcmp(t, "boolean")) return v.k == JK_BOOL;
	if (!strcmp(t, "true")) return v.k == JK_BOOL && v.u.b;
	if (!strcmp(t, "false")) return v.k == JK_BOOL && !v.u.b;
	if (!strcmp(t, "mapping")) return v.k == JK_DICT;
	if (!strcmp(t, "iterable")) return v.k == JK_LIST || v.k == JK_DICT || v.k == JK_STR;
	if (!strcmp(t, "sequence")) return v.k == JK_LIST || v.k == JK_DICT || v.k == JK_STR;
	if (!strcmp(t, "callable")) return v.k == JK_FUNC || v.k == JK_METHOD;
	if (!strcmp(t, "odd") || !strcmp(t, "even")) {
		int64_t x = int_arg(cx, v, "odd/even operand");
		return (x % 2 != 0) == (t[0] == 'o');
	}
	if (!strcmp(t, "divisibleby")) {
		int64_t d = int_arg(cx, a, "divisibleby argument");
		if (!d)
			jx_fail(cx, JINJA_ERR_RUNTIME, "divisibleby 0");
		return int_arg(cx, v, "divisibleby operand") % d == 0;
	}
	if (!strcmp(t, "eq") || !strcmp(t, "equalto") || !strcmp(t, "sameas")) return jv_equal(v, a);
	if (!strcmp(t, "ne")) return !jv_equal(v, a);
	if (!strcmp(t, "lower") || !strcmp(t, "upper")) {
		if (v.k != JK_STR)
			return 0;
		struct jval c = do_case(cx, v.u.s, t[0] == 'l' ? 1 : 0);
		return c.u.s->len == v.u.s->len && !memcmp(c.u.s->p, v.u.s->p, v.u.s->len);
	}
	if (!strcmp(t, "in")) {
		if (a.k == JK_STR && v.k == JK_STR)
			return memmem(a.u.s->p, a.u.s->len, v.u.s->p, v.u.s->len) != NULL || !v.u.s->len;
		if (a.k == JK_LIST) {
			for (size_t i = 0; i < a.u.l->n; i++)
				if (jv_equal(a.u.l->v[i], v))
					return 1;
			return 0;
		}
		return a.k == JK_DICT && v.k == JK_STR && jdict_get(a.u.d, v.u.s->p, v.u.s->len);
	}
	/* lt gt le ge */
	if (!(v.k == JK_INT || v.k == JK_FLOAT) || !(a.k == JK_INT || a.k == JK_FLOAT))
		jx_fail(cx, JINJA_ERR_RUNTIME, "test '%s' needs numbers", t);
	double x = v.k == JK_INT ? (double)v.u.i : v.u.f, y = a.k == JK_INT ? (double)a.u.i : a.u.f;
	if (!strcmp(t, "lt")) return x < y;
	if (!strcmp(t, "gt")) return x > y;
	if (!strcmp(t, "le")) return x <= y;
	return x >= y;
}

/* ---- global functions ---- */
struct jval jx_call_func(struct jinja_ctx *cx, int fn, struct jval *args, size_t nargs,
			 const char **kw, size_t nkw)
{
	if (fn == JF_RAISE) {
		const struct jstr *m = nargs ? jv_to_str(cx, args[0]) : jstr_make(cx, "", 0, NULL);
		jx_fail(cx, JINJA_ERR_RUNTIME, "template raised: %.*s", (int)m->len, m->p);
	}
	if (fn == JF_NAMESPACE) {
		struct jval ns = jv_dict(cx);
		ns.u.d->is_namespace = 1;
		size_t npos = nargs - nkw;
		for (size_t i = 0; i < npos; i++) {
			if (args[i].k != JK_DICT)
				jx_fail(cx, JINJA_ERR_RUNTIME, "namespace() takes a dict or keywords");
			for (size_t k = 0; k < args[i].u.d->n; k++)
				jdict_set(cx, ns.u.d, args[i].u.d->key[k], args[i].u.d->val[k]);
		}
		for (size_t k = 0; k < nkw; k++)
			jdict_set_c(cx, ns.u.d, kw[k], args[npos + k]);
		return ns;
	}
	/* range */
	if (nkw || !nargs || nargs > 3)
		jx_fail(cx, JINJA_ERR_RUNTIME, "range takes 1 to 3 integer arguments");
	int64_t a = 0, b, step = 1;
	if (nargs == 1) {
		b = int_arg(cx, args[0], "range stop");
	} else {
		a = int_arg(cx, args[0], "range start");
		b = int_arg(cx, args[1], "range stop");
		if (nargs == 3)
			step = int_arg(cx, args[2], "range step");
	}
	if (!step)
		jx_fail(cx, JINJA_ERR_RUNTIME, "range step cannot be zero");
	struct jval l = jv_list(cx);
	for (int64_t i = a; step > 0 ? i < b : i > b; i += step) {
		if (l.u.l->n == 10000000)
			jx_fail(cx, JINJA_ERR_RUNTIME, "range of more than 10000000 numbers");
		jarr_push(cx, l.u.l, jv_int(i));
	}
	return l;
}
