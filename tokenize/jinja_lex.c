/*
 * Jinja lexer: transformers' preprocessing (trailing newline, lstrip_blocks, trim_blocks), then
 * text / tag / expression tokens with `-` whitespace control, as @huggingface/jinja and Python
 * Jinja (as configured by transformers' apply_chat_template) read chat templates.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hex.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/jinja_int.h"

/* The preprocessed text and, for each of its bytes, the offset in the original source. */
struct pre {
	char *s;
	uint32_t *orig;
	size_t n;
};

static void pre_keep(struct pre *to, const struct pre *from, size_t i)
{
	to->s[to->n] = from->s[i];
	to->orig[to->n++] = from->orig[i];
}

static void pre_alloc(struct pre *p, size_t n)
{
	p->s = xmalloc(n + 1);
	p->orig = xmalloc((n + 1) * sizeof(uint32_t));
	p->n = 0;
}

static void pre_free(struct pre *p)
{
	free(p->s);
	free(p->orig);
}

/* lstrip_blocks: spaces/tabs at a line start before "{%", "{#" or "{-" are dropped. */
static void lstrip_blocks(struct pre *to, const struct pre *from)
{
	pre_alloc(to, from->n);
	size_t i = 0;
	while (i < from->n) {
		if (i == 0 || from->s[i - 1] == '\n') {
			size_t j = i;
			while (j < from->n && (from->s[j] == ' ' || from->s[j] == '\t'))
				j++;
			if (j + 1 < from->n && from->s[j] == '{' &&
			    (from->s[j + 1] == '#' || from->s[j + 1] == '%' || from->s[j + 1] == '-'))
				i = j;
		}
		pre_keep(to, from, i++);
	}
}

/* trim_blocks: the newline right after "%}", "#}" or "-}" is dropped. */
static void trim_blocks(struct pre *to, const struct pre *from)
{
	pre_alloc(to, from->n);
	for (size_t i = 0; i < from->n; i++) {
		pre_keep(to, from, i);
		if (from->s[i] == '}' && i > 0 && i + 1 < from->n && from->s[i + 1] == '\n' &&
		    (from->s[i - 1] == '#' || from->s[i - 1] == '%' || from->s[i - 1] == '-') &&
		    to->n >= 2)
			i++;
	}
}

struct lexer {
	const char *src;   /* original, for line/column */
	size_t src_len;
	struct pre p;
	size_t pos;
	size_t line_off;   /* line/column cursor over the original source */
	unsigned line, col;
	struct jarena *a;
	struct jtokens *out;
	struct jinja_error *err;
	jmp_buf *jb;
	int curly;
};

static void where(struct lexer *L, size_t pre_pos, unsigned *line, unsigned *col)
{
	size_t off = pre_pos < L->p.n ? L->p.orig[pre_pos] : L->src_len;
	if (off < L->line_off) { /* positions only move forward, except for errors: rescan */
		L->line_off = 0;
		L->line = 1;
		L->col = 1;
	}
	for (; L->line_off < off; L->line_off++) {
		if (L->src[L->line_off] == '\n') {
			L->line++;
			L->col = 1;
		} else if (!utf8_is_cont((unsigned char)L->src[L->line_off])) {
			L->col++;
		}
	}
	*line = L->line;
	*col = L->col;
}

__attribute__((noreturn, format(printf, 3, 4)))
static void lex_fail(struct lexer *L, size_t at, const char *fmt, ...)
{
	va_list ap;
	L->err->code = JINJA_ERR_SYNTAX;
	where(L, at, &L->err->line, &L->err->col);
	buf_reset(&L->err->msg);
	va_start(ap, fmt);
	buf_vaddf(&L->err->msg, fmt, ap);
	va_end(ap);
	longjmp(*L->jb, 1);
}

static struct jtoken *push(struct lexer *L, enum jtok_type t, size_t at, const char *p, size_t n)
{
	ALLOC_GROW(L->out->v, L->out->n + 1, L->out->cap);
	struct jtoken *k = &L->out->v[L->out->n++];
	memset(k, 0, sizeof(*k));
	k->type = t;
	k->p = p;
	k->len = n;
	where(L, at, &k->line, &k->col);
	return k;
}

static enum jtok_type last_type(const struct lexer *L)
{
	return L->out->n ? L->out->v[L->out->n - 1].type : JT_EOF;
}

static int is_ws(unsigned char c)
{
	return c == ' ' || (c >= 9 && c <= 13);
}

/* `{%-`, `{{-`, `{#-`: the text before loses its trailing whitespace. */
static void strip_trailing(struct lexer *L)
{
	if (!L->out->n || L->out->v[L->out->n - 1].type != JT_TEXT)
		return;
	struct jtoken *t = &L->out->v[L->out->n - 1];
	while (t->len && is_ws((unsigned char)t->p[t->len - 1]))
		t->len--;
	if (!t->len)
		L->out->n--;
}

static void skip_leading(struct lexer *L)
{
	while (L->pos < L->p.n && is_ws((unsigned char)L->p.s[L->pos]))
		L->pos++;
}

/* A \x or \u escape's code point; a lone surrogate, which UTF-8
 * cannot carry, becomes U+FFFD. */
static void put_cp(struct buf *b, unsigned cp)
{
	unsigned char enc[UTF8_MAX];
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	buf_add(b, enc, utf8_encode(cp, enc));
}

static void lex_string(struct lexer *L)
{
	size_t start = L->pos;
	char q = L->p.s[L->pos++];
	struct buf s = BUF_INIT;
	for (;;) {
		if (L->pos >= L->p.n) {
			buf_release(&s);
			lex_fail(L, start, "unterminated string literal");
		}
		char c = L->p.s[L->pos++];
		if (c == q)
			break;
		if (c != '\\') {
			buf_addch(&s, c);
			continue;
		}
		if (L->pos >= L->p.n)
			continue; /* reported as unterminated on the next turn */
		char e = L->p.s[L->pos++];
		const char *simple = strchr("ntrbfv'\"\\", e);
		if (simple && e) {
			static const char map[] = "\n\t\r\b\f\v'\"\\";
			buf_addch(&s, map[simple - "ntrbfv'\"\\"]);
		} else if (e == 'x' || e == 'u') {
			int nh = e == 'x' ? 2 : 4;
			unsigned cp = 0;
			for (int k = 0; k < nh; k++) {
				int h = L->pos < L->p.n ? hex_digit(L->p.s[L->pos]) : -1;
				if (h < 0) {
					buf_release(&s);
					lex_fail(L, L->pos, "invalid \\%c escape in a string literal", e);
				}
				cp = cp * 16 + (unsigned)h;
				L->pos++;
			}
			put_cp(&s, cp);
		} else {
			buf_release(&s);
			lex_fail(L, L->pos - 2, "unknown escape \\%c in a string literal", e);
		}
	}
	struct jtoken *t = push(L, JT_STRING, start, NULL, 0);
	t->p = jarena_strdup(L->a, s.data, s.len);
	t->len = s.len;
	buf_release(&s);
}

static void lex_number(struct lexer *L)
{
	size_t start = L->pos;
	while (L->pos < L->p.n && L->p.s[L->pos] >= '0' && L->p.s[L->pos] <= '9')
		L->pos++;
	int is_float = 0;
	if (last_type(L) != JT_OP || L->out->v[L->out->n - 1].p[0] != '.') {
		if (L->pos + 1 < L->p.n && L->p.s[L->pos] == '.' && L->p.s[L->pos + 1] >= '0' &&
		    L->p.s[L->pos + 1] <= '9') {
			is_float = 1;
			L->pos++;
			while (L->pos < L->p.n && L->p.s[L->pos] >= '0' && L->p.s[L->pos] <= '9')
				L->pos++;
		}
	}
	char *tmp = jarena_strdup(L->a, L->p.s + start, L->pos - start);
	struct jtoken *t = push(L, is_float ? JT_FLOAT : JT_INT, start, tmp, L->pos - start);
	if (is_float)
		t->f = strtod(tmp, NULL);
	else
		t->i = strtoll(tmp, NULL, 10); /* saturates on overflow, as no template needs more */
}

static int is_word(unsigned char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static const char *const ops[] = {
	"**", "//", "<=", ">=", "==", "!=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|",
	"<", ">", "+", "-", "~", "*", "/", "%", "=", NULL,
};

/* One token inside {{ }} or {% %}; returns 0 at the closing delimiter. */
static int lex_inner(struct lexer *L, size_t open_at)
{
	skip_leading(L);
	if (L->pos >= L->p.n)
		lex_fail(L, open_at, "unclosed tag: end of template inside it");
	const char *s = L->p.s + L->pos;
	size_t left = L->p.n - L->pos;
	int dash = s[0] == '-' && left >= 3 && s[2] == '}';
	if ((dash && s[1] == '%') || (left >= 2 && s[0] == '%' && s[1] == '}')) {
		push(L, JT_CLOSE_STMT, L->pos, NULL, 0);
		L->pos += dash ? 3 : 2;
		if (dash)
			skip_leading(L);
		return 0;
	}
	if (L->curly == 0 && ((dash && s[1] == '}') || (left >= 2 && s[0] == '}' && s[1] == '}'))) {
		push(L, JT_CLOSE_EXPR, L->pos, NULL, 0);
		L->pos += dash ? 3 : 2;
		if (dash)
			skip_leading(L);
		return 0;
	}
	unsigned char c = (unsigned char)s[0];
	if (c == '\'' || c == '"') {
		lex_string(L);
		return 1;
	}
	if (c >= '0' && c <= '9') {
		lex_number(L);
		return 1;
	}
	if (is_word(c) && !(c >= '0' && c <= '9')) {
		size_t k = 1;
		while (k < left && is_word((unsigned char)s[k]))
			k++;
		push(L, JT_NAME, L->pos, s, k);
		L->pos += k;
		return 1;
	}
	for (int k = 0; ops[k]; k++) {
		size_t n = strlen(ops[k]);
		if (n <= left && !memcmp(s, ops[k], n)) {
			push(L, JT_OP, L->pos, ops[k], n);
			L->pos += n;
			if (c == '{')
				L->curly++;
			else if (c == '}')
				L->curly--;
			return 1;
		}
	}
	lex_fail(L, L->pos, "unexpected character '%c'", c >= 32 && c < 127 ? c : '?');
}

static void lex_comment(struct lexer *L)
{
	size_t at = L->pos;
	L->pos += 2;
	if (L->pos < L->p.n && L->p.s[L->pos] == '-') {
		strip_trailing(L);
		L->pos++;
	}
	const char *end = memmem(L->p.s + L->pos, L->p.n - L->pos, "#}", 2);
	if (!end)
		lex_fail(L, at, "unclosed comment");
	size_t e = (size_t)(end - L->p.s);
	L->pos = e + 2;
	if (e > 0 && L->p.s[e - 1] == '-')
		skip_leading(L);
}

static void lex_main(struct lexer *L)
{
	while (L->pos < L->p.n) {
		const char *s = L->p.s + L->pos;
		size_t left = L->p.n - L->pos;
		if (left >= 2 && s[0] == '{' && s[1] == '#') {
			lex_comment(L);
			continue;
		}
		if (left >= 2 && s[0] == '{' && (s[1] == '%' || s[1] == '{')) {
			size_t at = L->pos;
			int dash = left >= 3 && s[2] == '-';
			if (dash)
				strip_trailing(L);
			push(L, s[1] == '%' ? JT_OPEN_STMT : JT_OPEN_EXPR, at, NULL, 0);
			L->pos += dash ? 3 : 2;
			L->curly = 0;
			while (lex_inner(L, at))
				;
			continue;
		}
		/* Text up to the next "{%", "{{" or "{#". */
		size_t e = L->pos;
		for (;;) {
			const char *b = memchr(L->p.s + e, '{', L->p.n - e);
			if (!b) {
				e = L->p.n;
				break;
			}
			e = (size_t)(b - L->p.s);
			if (e + 1 < L->p.n && (b[1] == '%' || b[1] == '{' || b[1] == '#'))
				break;
			e++;
		}
		push(L, JT_TEXT, L->pos, L->p.s + L->pos, e - L->pos);
		L->pos = e;
	}
	push(L, JT_EOF, L->p.n, NULL, 0);
}

/*
 * The text tokens point into the preprocessed copy, which must outlive them: it is returned
 * through the arena (copied once).
 */
void jinja_lex(const char *src, size_t len, struct jarena *a, struct jtokens *out,
	       struct jinja_error *err, jmp_buf *jb)
{
	struct pre p0, p1, p2;
	pre_alloc(&p0, len);
	memcpy(p0.s, src, len);
	for (size_t i = 0; i < len; i++)
		p0.orig[i] = (uint32_t)i;
	p0.n = len;
	if (p0.n && p0.s[p0.n - 1] == '\n')
		p0.n--;
	lstrip_blocks(&p1, &p0);
	trim_blocks(&p2, &p1);
	pre_free(&p0);
	pre_free(&p1);
	struct lexer L = { .src = src, .src_len = len, .line = 1, .col = 1, .a = a, .out = out,
			   .err = err };
	L.p.n = p2.n;
	L.p.s = jarena_alloc(a, p2.n + 1);
	memcpy(L.p.s, p2.s, p2.n);
	L.p.orig = jarena_alloc(a, (p2.n + 1) * sizeof(uint32_t));
	memcpy(L.p.orig, p2.orig, p2.n * sizeof(uint32_t));
	pre_free(&p2);
	L.jb = jb;
	lex_main(&L);
}
