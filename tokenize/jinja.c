/* Entry points of the Jinja interpreter (tokenize/jinja.h). */
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "tokenize/jinja_int.h"

void jinja_error_init(struct jinja_error *e)
{
	memset(e, 0, sizeof(*e));
	buf_init(&e->msg, 0);
}

void jinja_error_release(struct jinja_error *e)
{
	buf_release(&e->msg);
}

struct jinja_template *jinja_parse(const char *src, size_t len, struct jinja_error *err)
{
	struct jinja_template *t = xcalloc(1, sizeof(*t));
	struct jtokens toks = { 0 };
	jmp_buf jb;
	err->code = JINJA_OK;
	if (setjmp(jb)) {
		free(toks.v);
		jinja_template_free(t);
		return NULL;
	}
	jinja_lex(src, len, &t->arena, &toks, err, &jb);
	jinja_parse_tokens(t, &toks, err, &jb);
	free(toks.v);
	return t;
}

void jinja_template_free(struct jinja_template *t)
{
	if (!t)
		return;
	jarena_free(&t->arena);
	free(t);
}

struct jinja_ctx *jinja_ctx_new(void)
{
	return xcalloc(1, sizeof(struct jinja_ctx));
}

void jinja_ctx_free(struct jinja_ctx *cx)
{
	if (!cx)
		return;
	jarena_free(&cx->arena);
	free(cx);
}

void jinja_output_release(struct jinja_output *o)
{
	buf_release(&o->text);
	free(o->tag);
	o->tag = NULL;
	o->tag_cap = 0;
}
