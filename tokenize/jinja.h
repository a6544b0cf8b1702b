/*
 * grist's interpreter of the Jinja subset that chat templates use (docs/chat-templates.md).
 *
 * Why hand-written: there is no Jinja implementation in C in Debian, and chat templates need
 * one thing a stock engine does not give: every output byte that came from a message's content
 * carries that message's index, through concatenation, slicing, trim/strip/split and the like,
 * so tokenize can build loss masks from the exact bytes of each assistant reply.
 *
 * The template is compiled the way transformers compiles chat templates (trim_blocks,
 * lstrip_blocks, loop controls, a single trailing newline dropped) and evaluated against
 * `messages`, `bos_token`, `eos_token`, `add_generation_prompt` (false) and friends. A parsed
 * template is read-only and shared by threads; each thread renders with its own jinja_ctx.
 */
#ifndef GRIST_JINJA_H
#define GRIST_JINJA_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/chat.h"

enum jinja_err {
	JINJA_OK = 0,
	JINJA_ERR_SYNTAX,      /* malformed template: exit 2, line and column */
	JINJA_ERR_UNSUPPORTED, /* a construct grist does not implement: exit 5, name and line */
	JINJA_ERR_RUNTIME,     /* raise_exception or a type error for this conversation */
};

struct jinja_error {
	enum jinja_err code;
	unsigned line, col;    /* 1-based position in the template source */
	struct buf msg;        /* what went wrong (the construct, or the raised message) */
};

struct jinja_template;

/* Parse src[0..len). Returns NULL with err set (SYNTAX or UNSUPPORTED). */
struct jinja_template *jinja_parse(const char *src, size_t len, struct jinja_error *err);
void jinja_template_free(struct jinja_template *t);

/* Named string variables given to every render (bos_token, eos_token, ...). */
struct jinja_var {
	const char *name;
	const char *value;
};

/* Rendered text; tag[i] = 1 + index of the message whose content produced byte i, or 0. */
struct jinja_output {
	struct buf text;
	uint32_t *tag;
	size_t tag_cap;
};
void jinja_output_release(struct jinja_output *o);

struct jinja_ctx; /* per thread: the arena values live in */
struct jinja_ctx *jinja_ctx_new(void);
void jinja_ctx_free(struct jinja_ctx *cx);

/*
 * Render t for the conversation c (parsed by chat_parse) with the given variables. Returns 0,
 * or -1 with err set (RUNTIME for this conversation; UNSUPPORTED when the template uses a
 * construct only evaluation reveals, such as an unknown string method).
 */
int jinja_render(struct jinja_ctx *cx, const struct jinja_template *t, const struct chat *c,
		 const struct jinja_var *vars, size_t nvars, struct jinja_output *out,
		 struct jinja_error *err);

void jinja_error_init(struct jinja_error *e);
void jinja_error_release(struct jinja_error *e);

#endif
