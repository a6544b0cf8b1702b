/*
 * Internals of the Jinja interpreter (tokenize/jinja.h): arena, tokens, syntax tree, values.
 *
 * Errors inside the lexer, parser and evaluator unwind with longjmp to the public entry point:
 * every allocation made on the way lives in an arena (the template's or the render's), so
 * nothing leaks and no error path has to free partial structures.
 */
#ifndef GRIST_JINJA_INT_H
#define GRIST_JINJA_INT_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

#include "tokenize/jinja.h"

/* ---- arena ---- */
struct jarena {
	struct jchunk *head;
	size_t used, cap; /* within head */
	size_t total;     /* bytes in all chunks */
};
void *jarena_alloc(struct jarena *a, size_t n);   /* zeroed, 16-aligned; dies on OOM */
char *jarena_strdup(struct jarena *a, const char *p, size_t n); /* NUL-terminated copy */
void jarena_reset(struct jarena *a);              /* keeps the first chunk */
void jarena_free(struct jarena *a);

/* ---- lexer ---- */
enum jtok_type {
	JT_EOF, JT_TEXT, JT_OPEN_STMT, JT_CLOSE_STMT, JT_OPEN_EXPR, JT_CLOSE_EXPR,
	JT_NAME, JT_STRING, JT_INT, JT_FLOAT, JT_OP,
};

struct jtoken {
	enum jtok_type type;
	const char *p;   /* TEXT, NAME, STRING (decoded, in the arena), OP */
	size_t len;
	int64_t i;
	double f;
	unsigned line, col;
};

struct jtokens {
	struct jtoken *v;
	size_t n, cap;
};

/* Tokenize (after transformers' preprocessing). Errors: longjmp through *jb with err set. */
void jinja_lex(const char *src, size_t len, struct jarena *a, struct jtokens *out,
	       struct jinja_error *err, jmp_buf *jb);

/* ---- syntax tree ---- */
enum jn_kind {
	/* statements */
	JN_TEXT, JN_OUTPUT, JN_IF, JN_FOR, JN_SET, JN_BREAK, JN_CONTINUE,
	/* expressions */
	JN_STR, JN_INT, JN_FLOAT, JN_BOOL, JN_NONE, JN_LIST, JN_DICT, JN_NAME, JN_ATTR, JN_INDEX,
	JN_SLICE, JN_CALL, JN_FILTER, JN_TEST, JN_NEG, JN_POS, JN_NOT, JN_AND, JN_OR, JN_BINOP,
	JN_COND,
};

enum jop {
	JOP_ADD, JOP_SUB, JOP_MUL, JOP_DIV, JOP_FLOORDIV, JOP_MOD, JOP_POW, JOP_CONCAT,
	JOP_EQ, JOP_NE, JOP_LT, JOP_GT, JOP_LE, JOP_GE, JOP_IN, JOP_NOTIN,
};

struct jnodes {
	struct jnode **v;
	size_t n, cap;
};

struct jnode {
	enum jn_kind kind;
	unsigned line, col;
	const char *s;       /* TEXT/STR bytes, NAME, ATTR/FILTER/TEST name, SET attribute */
	size_t slen;
	int64_t i;           /* INT, BOOL; BINOP: enum jop; TEST: negated */
	double f;
	struct jnode *a, *b, *c; /* operands; IF: a = condition; FOR: a = iterable, b = filter;
				   SLICE: obj in kids? no: a=start b=stop c=step, obj in `obj` */
	struct jnode *obj;   /* ATTR/INDEX/SLICE/CALL/FILTER/TEST subject; SET: value */
	struct jnodes args;  /* LIST/CALL/FILTER/TEST args; DICT: keys, values alternating */
	const char **kwnames; /* CALL/FILTER: names of the trailing kwargs in args */
	size_t nkw;
	struct jnodes body, orelse; /* IF/FOR */
	const char *target[2];      /* FOR loop variables (one or two), SET name */
	size_t ntarget;
};

struct jinja_template {
	struct jarena arena;
	struct jnodes body;
	char *src;           /* the preprocessed text TEXT nodes point into */
};

void jnodes_push(struct jnodes *l, struct jnode *n, struct jarena *a);

/* Parse tokens into t->body; errors by longjmp. */
void jinja_parse_tokens(struct jinja_template *t, const struct jtokens *toks,
			struct jinja_error *err, jmp_buf *jb);

/* ---- values ---- */
enum jk { JK_UNDEF, JK_NONE, JK_BOOL, JK_INT, JK_FLOAT, JK_STR, JK_LIST, JK_DICT, JK_FUNC, JK_METHOD };

struct jstr {
	const char *p;
	size_t len;
	const uint32_t *tag; /* NULL: no byte came from a message (all 0) */
};

struct jval {
	enum jk k;
	union {
		int b;
		int64_t i;
		double f;
		const struct jstr *s;
		struct jarr *l;
		struct jdict *d;
		int fn;               /* JK_FUNC: enum jfunc */
		struct jbound *m;     /* JK_METHOD */
	} u;
};

struct jarr {
	struct jval *v;
	size_t n, cap;
};

struct jdict {
	const struct jstr **key;
	struct jval *val;
	size_t n, cap;
	int is_namespace;
};

struct jbound {
	struct jval self;
	const char *name;
};

enum jfunc { JF_RAISE, JF_NAMESPACE, JF_RANGE };

/* Scope: variables of one frame; lookups walk to the parent. */
struct jscope {
	struct jscope *parent;
	struct jdict vars;
};

struct jinja_ctx {
	struct jarena arena;
	jmp_buf jb;
	struct jinja_error *err;
	struct jinja_output *out;
	const struct jnode *at; /* the node being evaluated (for error positions) */
	int loop_ctl;           /* 1 break, 2 continue pending */
	unsigned depth;
	uint64_t steps;         /* evaluation budget used by this render */
};

/* Errors: never return. */
__attribute__((noreturn, format(printf, 3, 4)))
void jx_fail(struct jinja_ctx *cx, enum jinja_err code, const char *fmt, ...);

/* Values (jinja_value.c). */
extern const struct jval jv_undef, jv_none;
struct jval jv_bool(int b);
struct jval jv_int(int64_t i);
struct jval jv_float(double f);
struct jval jv_str(struct jinja_ctx *cx, const char *p, size_t len, const uint32_t *tag);
struct jval jv_cstr(struct jinja_ctx *cx, const char *s);
struct jval jv_list(struct jinja_ctx *cx);
void jarr_push(struct jinja_ctx *cx, struct jarr *l, struct jval v);
struct jval jv_dict(struct jinja_ctx *cx);
void jdict_set(struct jinja_ctx *cx, struct jdict *d, const struct jstr *k, struct jval v);
void jdict_set_c(struct jinja_ctx *cx, struct jdict *d, const char *k, struct jval v);
/* NULL if absent. */
struct jval *jdict_get(const struct jdict *d, const char *k, size_t klen);
const struct jstr *jstr_make(struct jinja_ctx *cx, const char *p, size_t len, const uint32_t *tag);
/* Substring [a, b) of s, tags kept. */
struct jval jv_substr(struct jinja_ctx *cx, const struct jstr *s, size_t a, size_t b);
/* A new string from s's bytes transformed to (p, len): tagged like s when s is uniformly tagged. */
struct jval jv_derived(struct jinja_ctx *cx, const struct jstr *s, const char *p, size_t len);
struct jval jv_concat(struct jinja_ctx *cx, const struct jstr *a, const struct jstr *b);
int jv_truthy(struct jval v);
int jv_equal(struct jval a, struct jval b);
const char *jv_kind_name(struct jval v);
/* str(v) as Python/Jinja print it (tags kept for strings). */
const struct jstr *jv_to_str(struct jinja_ctx *cx, struct jval v);
/* json.dumps(v, ensure_ascii=False) with transformers' tojson defaults. */
void jv_tojson(struct jinja_ctx *cx, struct jval v, struct buf *out, int indent, int level);
/* JSON text (validated) -> value; strings get the tag if tag != 0. */
struct jval jv_from_json(struct jinja_ctx *cx, const char *p, size_t n);

/* Builtins (jinja_builtins.c). */
struct jval jx_filter(struct jinja_ctx *cx, const struct jnode *n, struct jval v, struct jval *args,
		      size_t nargs, const char **kw, size_t nkw);
int jx_test(struct jinja_ctx *cx, const struct jnode *n, struct jval v, struct jval *args, size_t nargs);
struct jval jx_method(struct jinja_ctx *cx, const struct jbound *m, struct jval *args, size_t nargs,
		      const char **kw, size_t nkw);
struct jval jx_call_func(struct jinja_ctx *cx, int fn, struct jval *args, size_t nargs,
			 const char **kw, size_t nkw);
/* Known at parse time: is this filter / test name implemented? */
int jinja_filter_known(const char *name, size_t len);
int jinja_test_known(const char *name, size_t len);
/* The attribute of a value (dict key, string/dict method, loop field): undefined if absent. */
struct jval jx_getattr(struct jinja_ctx *cx, struct jval v, const char *name, size_t len);
struct jval jx_getitem(struct jinja_ctx *cx, struct jval v, struct jval key);

#endif
