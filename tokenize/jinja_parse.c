/*
 * Jinja parser: tokens -> syntax tree, with Jinja's operator precedence (parse_condexpr down to
 * parse_unary/postfix/filter in Python Jinja's parser, which this follows rule for rule).
 * Statements: if/elif/else, for (one or two targets, inline `if`, else), set (name or
 * namespace attribute), break, continue, transformers' generation tags (no-ops). Anything else
 * Jinja has is reported as unsupported with its line.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "tokenize/jinja_int.h"

struct parser {
	const struct jtokens *t;
	size_t i;
	struct jarena *a;
	struct jinja_error *err;
	jmp_buf *jb;
};

static const struct jtoken *cur(struct parser *P)
{
	return &P->t->v[P->i];
}

__attribute__((noreturn, format(printf, 4, 5)))
static void perr(struct parser *P, enum jinja_err code, const struct jtoken *at, const char *fmt, ...)
{
	va_list ap;
	P->err->code = code;
	P->err->line = at->line;
	P->err->col = at->col;
	buf_reset(&P->err->msg);
	va_start(ap, fmt);
	buf_vaddf(&P->err->msg, fmt, ap);
	va_end(ap);
	longjmp(*P->jb, 1);
}

static const char *tok_desc(const struct jtoken *t)
{
	switch (t->type) {
	case JT_EOF: return "end of template";
	case JT_TEXT: return "text";
	case JT_OPEN_STMT: return "'{%'";
	case JT_CLOSE_STMT: return "'%}'";
	case JT_OPEN_EXPR: return "'{{'";
	case JT_CLOSE_EXPR: return "'}}'";
	case JT_NAME: return "a name";
	case JT_STRING: return "a string";
	case JT_INT: case JT_FLOAT: return "a number";
	case JT_OP: return "an operator";
	}
	return "?";
}

static int is_op(const struct jtoken *t, const char *op)
{
	return t->type == JT_OP && t->len == strlen(op) && !memcmp(t->p, op, t->len);
}

static int is_name(const struct jtoken *t, const char *name)
{
	return t->type == JT_NAME && t->len == strlen(name) && !memcmp(t->p, name, t->len);
}

static void expect_op(struct parser *P, const char *op)
{
	if (!is_op(cur(P), op))
		perr(P, JINJA_ERR_SYNTAX, cur(P), "expected '%s', got %s", op, tok_desc(cur(P)));
	P->i++;
}

static void expect(struct parser *P, enum jtok_type type, const char *what)
{
	if (cur(P)->type != type)
		perr(P, JINJA_ERR_SYNTAX, cur(P), "expected %s, got %s", what, tok_desc(cur(P)));
	P->i++;
}

static struct jnode *node(struct parser *P, enum jn_kind k, const struct jtoken *at)
{
	struct jnode *n = jarena_alloc(P->a, sizeof(*n));
	n->kind = k;
	n->line = at->line;
	n->col = at->col;
	return n;
}

void jnodes_push(struct jnodes *l, struct jnode *n, struct jarena *a)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		struct jnode **v = jarena_alloc(a, cap * sizeof(*v));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = n;
}

static struct jnode *parse_expr(struct parser *P);
static struct jnode *parse_or(struct parser *P);
static struct jnode *parse_unary(struct parser *P, int with_filter);
static struct jnode *parse_primary(struct parser *P);

static struct jnode *binop(struct parser *P, const struct jtoken *at, enum jop op, struct jnode *a,
			   struct jnode *b)
{
	struct jnode *n = node(P, JN_BINOP, at);
	n->i = op;
	n->a = a;
	n->b = b;
	return n;
}

/* Call arguments after '(' up to ')': positional first, then name=value. */
static void parse_args(struct parser *P, struct jnode *n)
{
	const char *kw[32];
	size_t nkw = 0;
	while (!is_op(cur(P), ")")) {
		if (n->args.n)
			expect_op(P, ",");
		if (is_op(cur(P), ")"))
			break; /* trailing comma */
		const struct jtoken *t = cur(P);
		if (t->type == JT_NAME && is_op(&P->t->v[P->i + 1], "=")) {
			if (nkw == 32)
				perr(P, JINJA_ERR_UNSUPPORTED, t, "unsupported: more than 32 keyword arguments");
			kw[nkw++] = jarena_strdup(P->a, t->p, t->len);
			P->i += 2;
		} else if (nkw) {
			perr(P, JINJA_ERR_SYNTAX, t, "positional argument after keyword argument");
		}
		jnodes_push(&n->args, parse_expr(P), P->a);
	}
	P->i++;
	n->nkw = nkw;
	if (nkw) {
		n->kwnames = jarena_alloc(P->a, nkw * sizeof(char *));
		memcpy(n->kwnames, kw, nkw * sizeof(char *));
	}
}

static struct jnode *parse_subscript(struct parser *P, struct jnode *obj, const struct jtoken *at)
{
	struct jnode *parts[3] = { NULL, NULL, NULL };
	int k = 0, is_slice = 0;
	for (;;) {
		if (!is_op(cur(P), ":") && !is_op(cur(P), "]"))
			parts[k] = parse_expr(P);
		if (is_op(cur(P), ":")) {
			if (k == 2)
				perr(P, JINJA_ERR_SYNTAX, cur(P), "too many ':' in a slice");
			is_slice = 1;
			k++;
			P->i++;
			continue;
		}
		break;
	}
	expect_op(P, "]");
	struct jnode *n = node(P, is_slice ? JN_SLICE : JN_INDEX, at);
	n->obj = obj;
	if (!is_slice && !parts[0])
		perr(P, JINJA_ERR_SYNTAX, at, "empty subscript");
	n->a = parts[0];
	n->b = parts[1];
	n->c = parts[2];
	return n;
}

static struct jnode *parse_postfix(struct parser *P, struct jnode *n)
{
	for (;;) {
		const struct jtoken *t = cur(P);
		if (is_op(t, ".")) {
			P->i++;
			const struct jtoken *name = cur(P);
			struct jnode *m;
			if (name->type == JT_NAME) {
				m = node(P, JN_ATTR, t);
				m->s = jarena_strdup(P->a, name->p, name->len);
				m->slen = name->len;
			} else if (name->type == JT_INT) {
				m = node(P, JN_INDEX, t);
				m->a = node(P, JN_INT, name);
				m->a->i = name->i;
			} else {
				perr(P, JINJA_ERR_SYNTAX, name, "expected a name after '.', got %s", tok_desc(name));
			}
			P->i++;
			m->obj = n;
			n = m;
		} else if (is_op(t, "[")) {
			P->i++;
			n = parse_subscript(P, n, t);
		} else if (is_op(t, "(")) {
			P->i++;
			struct jnode *m = node(P, JN_CALL, t);
			m->obj = n;
			parse_args(P, m);
			n = m;
		} else {
			return n;
		}
	}
}

static struct jnode *parse_filter_expr(struct parser *P, struct jnode *n)
{
	for (;;) {
		const struct jtoken *t = cur(P);
		if (is_op(t, "|")) {
			P->i++;
			const struct jtoken *name = cur(P);
			if (name->type != JT_NAME)
				perr(P, JINJA_ERR_SYNTAX, name, "expected a filter name after '|'");
			if (!jinja_filter_known(name->p, name->len))
				perr(P, JINJA_ERR_UNSUPPORTED, name, "unsupported: filter '%.*s'",
				     (int)name->len, name->p);
			P->i++;
			struct jnode *m = node(P, JN_FILTER, name);
			m->s = jarena_strdup(P->a, name->p, name->len);
			m->slen = name->len;
			m->obj = n;
			if (is_op(cur(P), "(")) {
				P->i++;
				parse_args(P, m);
			}
			n = m;
		} else if (is_name(t, "is")) {
			P->i++;
			int neg = 0;
			if (is_name(cur(P), "not")) {
				neg = 1;
				P->i++;
			}
			const struct jtoken *name = cur(P);
			if (name->type != JT_NAME)
				perr(P, JINJA_ERR_SYNTAX, name, "expected a test name after 'is'");
			if (!jinja_test_known(name->p, name->len))
				perr(P, JINJA_ERR_UNSUPPORTED, name, "unsupported: test '%.*s'",
				     (int)name->len, name->p);
			P->i++;
			struct jnode *m = node(P, JN_TEST, name);
			m->s = jarena_strdup(P->a, name->p, name->len);
			m->slen = name->len;
			m->obj = n;
			m->i = neg;
			const struct jtoken *nx = cur(P);
			if (is_op(nx, "(")) {
				P->i++;
				parse_args(P, m);
			} else if ((nx->type == JT_NAME || nx->type == JT_STRING || nx->type == JT_INT ||
				    nx->type == JT_FLOAT || is_op(nx, "[") || is_op(nx, "{")) &&
				   !is_name(nx, "else") && !is_name(nx, "or") && !is_name(nx, "and")) {
				jnodes_push(&m->args, parse_postfix(P, parse_primary(P)), P->a);
			}
			n = m;
		} else {
			return n;
		}
	}
}

/* A name, true/false/none, string literals (adjacent ones concatenate, as in Python) or a
 * number at t; NULL when t is none of these. */
static struct jnode *parse_atom(struct parser *P, const struct jtoken *t)
{
	struct jnode *n;
	switch (t->type) {
	case JT_NAME:
		P->i++;
		if (is_name(t, "true") || is_name(t, "True") || is_name(t, "false") || is_name(t, "False")) {
			n = node(P, JN_BOOL, t);
			n->i = t->p[0] == 't' || t->p[0] == 'T';
		} else if (is_name(t, "none") || is_name(t, "None")) {
			n = node(P, JN_NONE, t);
		} else {
			n = node(P, JN_NAME, t);
			n->s = jarena_strdup(P->a, t->p, t->len);
			n->slen = t->len;
		}
		return n;
	case JT_STRING: {
		struct buf s = BUF_INIT;
		while (cur(P)->type == JT_STRING) {
			buf_add(&s, cur(P)->p, cur(P)->len);
			P->i++;
		}
		n = node(P, JN_STR, t);
		n->s = jarena_strdup(P->a, s.data, s.len);
		n->slen = s.len;
		buf_release(&s);
		return n;
	}
	case JT_INT:
		P->i++;
		n = node(P, JN_INT, t);
		n->i = t->i;
		return n;
	case JT_FLOAT:
		P->i++;
		n = node(P, JN_FLOAT, t);
		n->f = t->f;
		return n;
	default:
		return NULL;
	}
}

/* After "(": a parenthesized expression, or a tuple (a list for our purposes); () is empty. */
static struct jnode *parse_paren(struct parser *P, const struct jtoken *t)
{
	if (is_op(cur(P), ")")) {
		P->i++;
		return node(P, JN_LIST, t);
	}
	struct jnode *e = parse_expr(P);
	if (is_op(cur(P), ",")) {
		struct jnode *n = node(P, JN_LIST, t);
		jnodes_push(&n->args, e, P->a);
		while (is_op(cur(P), ",")) {
			P->i++;
			if (is_op(cur(P), ")"))
				break;
			jnodes_push(&n->args, parse_expr(P), P->a);
		}
		e = n;
	}
	expect_op(P, ")");
	return e;
}

/* After "[" or "{": the items up to `close` (a trailing comma allowed); a dict's are key: value
 * pairs, one after the other in args. */
static struct jnode *parse_items(struct parser *P, const struct jtoken *t, enum jn_kind type,
				 const char *close)
{
	struct jnode *n = node(P, type, t);
	while (!is_op(cur(P), close)) {
		if (n->args.n)
			expect_op(P, ",");
		if (is_op(cur(P), close))
			break;
		jnodes_push(&n->args, parse_expr(P), P->a);
		if (type == JN_DICT) {
			expect_op(P, ":");
			jnodes_push(&n->args, parse_expr(P), P->a);
		}
	}
	P->i++;
	return n;
}

static struct jnode *parse_primary(struct parser *P)
{
	const struct jtoken *t = cur(P);
	struct jnode *n = parse_atom(P, t);
	if (n)
		return n;
	if (is_op(t, "(")) {
		P->i++;
		return parse_paren(P, t);
	}
	if (is_op(t, "[")) {
		P->i++;
		return parse_items(P, t, JN_LIST, "]");
	}
	if (is_op(t, "{")) {
		P->i++;
		return parse_items(P, t, JN_DICT, "}");
	}
	perr(P, JINJA_ERR_SYNTAX, t, "expected an expression, got %s", tok_desc(t));
}

static struct jnode *parse_unary(struct parser *P, int with_filter)
{
	const struct jtoken *t = cur(P);
	struct jnode *n;
	if (is_op(t, "-") || is_op(t, "+")) {
		P->i++;
		n = node(P, t->p[0] == '-' ? JN_NEG : JN_POS, t);
		n->a = parse_unary(P, 0);
	} else {
		n = parse_primary(P);
	}
	n = parse_postfix(P, n);
	if (with_filter)
		n = parse_filter_expr(P, n);
	return n;
}

static struct jnode *parse_pow(struct parser *P)
{
	struct jnode *n = parse_unary(P, 1);
	while (is_op(cur(P), "**")) {
		const struct jtoken *t = cur(P);
		P->i++;
		n = binop(P, t, JOP_POW, n, parse_unary(P, 1));
	}
	return n;
}

static struct jnode *parse_math2(struct parser *P)
{
	struct jnode *n = parse_pow(P);
	for (;;) {
		const struct jtoken *t = cur(P);
		enum jop op;
		if (is_op(t, "*")) op = JOP_MUL;
		else if (is_op(t, "/")) op = JOP_DIV;
		else if (is_op(t, "//")) op = JOP_FLOORDIV;
		else if (is_op(t, "%")) op = JOP_MOD;
		else return n;
		P->i++;
		n = binop(P, t, op, n, parse_pow(P));
	}
}

static struct jnode *parse_concat(struct parser *P)
{
	struct jnode *n = parse_math2(P);
	while (is_op(cur(P), "~")) {
		const struct jtoken *t = cur(P);
		P->i++;
		n = binop(P, t, JOP_CONCAT, n, parse_math2(P));
	}
	return n;
}

static struct jnode *parse_math1(struct parser *P)
{
	struct jnode *n = parse_concat(P);
	for (;;) {
		const struct jtoken *t = cur(P);
		if (!is_op(t, "+") && !is_op(t, "-"))
			return n;
		P->i++;
		n = binop(P, t, t->p[0] == '+' ? JOP_ADD : JOP_SUB, n, parse_concat(P));
	}
}

/* Comparisons chain as in Python: a < b < c is (a < b) and (b < c). */
static struct jnode *parse_compare(struct parser *P)
{
	struct jnode *n = parse_math1(P), *left = n, *result = NULL;
	for (;;) {
		const struct jtoken *t = cur(P);
		enum jop op;
		if (is_op(t, "==")) op = JOP_EQ;
		else if (is_op(t, "!=")) op = JOP_NE;
		else if (is_op(t, "<")) op = JOP_LT;
		else if (is_op(t, ">")) op = JOP_GT;
		else if (is_op(t, "<=")) op = JOP_LE;
		else if (is_op(t, ">=")) op = JOP_GE;
		else if (is_name(t, "in")) op = JOP_IN;
		else if (is_name(t, "not") && is_name(&P->t->v[P->i + 1], "in")) {
			op = JOP_NOTIN;
			P->i++;
		} else
			break;
		P->i++;
		struct jnode *right = parse_math1(P);
		struct jnode *cmp = binop(P, t, op, left, right);
		if (result) {
			struct jnode *both = node(P, JN_AND, t);
			both->a = result;
			both->b = cmp;
			result = both;
		} else {
			result = cmp;
		}
		left = right;
	}
	return result ? result : n;
}

static struct jnode *parse_not(struct parser *P)
{
	const struct jtoken *t = cur(P);
	if (is_name(t, "not")) {
		P->i++;
		struct jnode *n = node(P, JN_NOT, t);
		n->a = parse_not(P);
		return n;
	}
	return parse_compare(P);
}

static struct jnode *parse_and(struct parser *P)
{
	struct jnode *n = parse_not(P);
	while (is_name(cur(P), "and")) {
		struct jnode *m = node(P, JN_AND, cur(P));
		P->i++;
		m->a = n;
		m->b = parse_not(P);
		n = m;
	}
	return n;
}

static struct jnode *parse_or(struct parser *P)
{
	struct jnode *n = parse_and(P);
	while (is_name(cur(P), "or")) {
		struct jnode *m = node(P, JN_OR, cur(P));
		P->i++;
		m->a = n;
		m->b = parse_and(P);
		n = m;
	}
	return n;
}

static struct jnode *parse_expr(struct parser *P)
{
	struct jnode *n = parse_or(P);
	while (is_name(cur(P), "if")) {
		struct jnode *m = node(P, JN_COND, cur(P));
		P->i++;
		m->a = parse_or(P);
		if (is_name(cur(P), "else")) {
			P->i++;
			m->c = parse_expr(P);
		}
		m->b = n;
		n = m;
	}
	return n;
}

/* ---- statements ---- */

static void close_stmt(struct parser *P)
{
	expect(P, JT_CLOSE_STMT, "'%}'");
}

static int name_in(const struct jtoken *t, const char *const *names)
{
	for (; names && *names; names++)
		if (is_name(t, *names))
			return 1;
	return 0;
}

static void parse_stmt(struct parser *P, struct jnodes *body, const struct jtoken *open);

/*
 * Nodes up to a statement whose name is one of `ends` (returned as a token, P->i on it), or to
 * the end of the template when ends is NULL. `open` is the block's opening tag, for errors.
 */
static const struct jtoken *parse_body(struct parser *P, struct jnodes *body,
				       const char *const *ends, const struct jtoken *open)
{
	for (;;) {
		const struct jtoken *t = cur(P);
		if (t->type == JT_TEXT) {
			struct jnode *n = node(P, JN_TEXT, t);
			n->s = t->p;
			n->slen = t->len;
			jnodes_push(body, n, P->a);
			P->i++;
		} else if (t->type == JT_OPEN_EXPR) {
			P->i++;
			struct jnode *n = node(P, JN_OUTPUT, t);
			n->a = parse_expr(P);
			expect(P, JT_CLOSE_EXPR, "'}}'");
			jnodes_push(body, n, P->a);
		} else if (t->type == JT_OPEN_STMT) {
			P->i++;
			if (name_in(cur(P), ends))
				return cur(P);
			parse_stmt(P, body, t);
		} else if (t->type == JT_EOF) {
			if (ends)
				perr(P, JINJA_ERR_SYNTAX, open, "block not closed: expected '{%% %s %%}' before the end of the template",
				     ends[0]);
			return NULL;
		} else {
			perr(P, JINJA_ERR_SYNTAX, t, "unexpected %s", tok_desc(t));
		}
	}
}

static void parse_if(struct parser *P, struct jnode *n, const struct jtoken *open)
{
	static const char *const ends[] = { "endif", "elif", "else", NULL };
	n->a = parse_expr(P);
	close_stmt(P);
	const struct jtoken *end = parse_body(P, &n->body, ends, open);
	P->i++;
	if (is_name(end, "elif")) {
		struct jnode *m = node(P, JN_IF, end);
		jnodes_push(&n->orelse, m, P->a);
		parse_if(P, m, open);
		return;
	}
	if (is_name(end, "else")) {
		static const char *const endif[] = { "endif", NULL };
		close_stmt(P);
		parse_body(P, &n->orelse, endif, open);
		P->i++;
	}
	close_stmt(P);
}

static const char *target_name(struct parser *P)
{
	const struct jtoken *t = cur(P);
	if (t->type != JT_NAME)
		perr(P, JINJA_ERR_SYNTAX, t, "expected a variable name, got %s", tok_desc(t));
	P->i++;
	return jarena_strdup(P->a, t->p, t->len);
}

static void parse_for(struct parser *P, struct jnode *n, const struct jtoken *open)
{
	static const char *const ends[] = { "endfor", "else", NULL };
	n->target[n->ntarget++] = target_name(P);
	if (is_op(cur(P), ",")) {
		P->i++;
		n->target[n->ntarget++] = target_name(P);
		if (is_op(cur(P), ","))
			perr(P, JINJA_ERR_UNSUPPORTED, cur(P), "unsupported: for loop with more than two targets");
	}
	if (!is_name(cur(P), "in"))
		perr(P, JINJA_ERR_SYNTAX, cur(P), "expected 'in' in a for loop, got %s", tok_desc(cur(P)));
	P->i++;
	n->a = parse_or(P); /* no conditional expression: `if` here filters the loop */
	if (is_name(cur(P), "if")) {
		P->i++;
		n->b = parse_expr(P);
	}
	if (is_name(cur(P), "recursive"))
		perr(P, JINJA_ERR_UNSUPPORTED, cur(P), "unsupported: recursive for loop");
	close_stmt(P);
	const struct jtoken *end = parse_body(P, &n->body, ends, open);
	P->i++;
	if (is_name(end, "else")) {
		static const char *const endfor[] = { "endfor", NULL };
		close_stmt(P);
		parse_body(P, &n->orelse, endfor, open);
		P->i++;
	}
	close_stmt(P);
}

static void parse_set(struct parser *P, struct jnode *n)
{
	n->target[0] = target_name(P);
	n->ntarget = 1;
	if (is_op(cur(P), ".")) {
		P->i++;
		n->s = target_name(P);
	}
	if (is_op(cur(P), ","))
		perr(P, JINJA_ERR_UNSUPPORTED, cur(P), "unsupported: set with several targets");
	if (cur(P)->type == JT_CLOSE_STMT)
		perr(P, JINJA_ERR_UNSUPPORTED, cur(P), "unsupported: block set ({%% set x %%}...{%% endset %%})");
	expect_op(P, "=");
	n->obj = parse_expr(P);
	close_stmt(P);
}

static void parse_stmt(struct parser *P, struct jnodes *body, const struct jtoken *open)
{
	static const char *const unsupported[] = {
		"macro", "call", "filter", "raw", "include", "import", "from", "extends", "block",
		"with", "autoescape", "do", NULL,
	};
	const struct jtoken *t = cur(P);
	if (t->type != JT_NAME)
		perr(P, JINJA_ERR_SYNTAX, t, "expected a statement name after '{%%', got %s", tok_desc(t));
	P->i++;
	struct jnode *n;
	if (is_name(t, "if")) {
		n = node(P, JN_IF, t);
		parse_if(P, n, open);
	} else if (is_name(t, "for")) {
		n = node(P, JN_FOR, t);
		parse_for(P, n, open);
	} else if (is_name(t, "set")) {
		n = node(P, JN_SET, t);
		parse_set(P, n);
	} else if (is_name(t, "break") || is_name(t, "continue")) {
		n = node(P, t->p[0] == 'b' ? JN_BREAK : JN_CONTINUE, t);
		close_stmt(P);
	} else if (is_name(t, "generation") || is_name(t, "endgeneration")) {
		close_stmt(P); /* transformers' assistant-mask markers: no output of their own */
		return;
	} else if (name_in(t, unsupported)) {
		perr(P, JINJA_ERR_UNSUPPORTED, t, "unsupported: '%.*s' statement", (int)t->len, t->p);
	} else {
		perr(P, JINJA_ERR_SYNTAX, t, "unknown statement '%.*s'", (int)t->len, t->p);
	}
	jnodes_push(body, n, P->a);
}

void jinja_parse_tokens(struct jinja_template *t, const struct jtokens *toks,
			struct jinja_error *err, jmp_buf *jb)
{
	struct parser P = { .t = toks, .a = &t->arena, .err = err, .jb = jb };
	const struct jtoken *end = parse_body(&P, &t->body, NULL, NULL);
	(void)end;
}
