/*
 * `grist tokenize --chat-template`: render each chat record with a template (built-in or from a
 * file, tokenize/jinja.h), tokenize the rendered conversation as a whole, and compute the loss
 * mask from the bytes each token covers (docs/chat-templates.md).
 */
#ifndef GRIST_CHAT_TOK_H
#define GRIST_CHAT_TOK_H

#include <stdint.h>

#include "lib/buf.h"
#include "lib/chat.h"
#include "tokenize/jinja.h"
#include "tokenize/tok_bpe.h"

enum chat_train_on { CHAT_TRAIN_ASSISTANT, CHAT_TRAIN_ALL, CHAT_TRAIN_LAST };

struct chat_tpl {
	struct jinja_template *t;
	char *name;              /* built-in name or the file path */
	char *source;            /* template text */
	char *bos, *eos;         /* NULL when the template/config gives none */
	struct jinja_var vars[2];
	size_t nvars;
	enum chat_train_on train_on;
	int content_specials;    /* 1: special-token text inside content becomes ids (HF) */
	const struct tok_vocab *vocab;
	uint32_t *first_special; /* byte -> 1 + index of the first special starting with it */
	uint32_t *next_special;  /* special index -> 1 + next with the same first byte, longest first */
};

/*
 * Load a built-in template by name (chatml, llama3, mistral, gemma, phi3) or a file
 * (tokenizer_config.json or a Jinja file). `tokenizer_path` (may be NULL) is where -t points:
 * a .jinja template takes bos_token/eos_token from a tokenizer_config.json beside it.
 * Returns 0, or -1 with err set and *exit_code (2 usage/syntax, 3 I/O, 5 unsupported).
 */
int chat_tpl_load(struct chat_tpl *ct, const char *spec, const char *tokenizer_path,
		  struct buf *err, int *exit_code);
/* Check that the template's tokens are in the vocabulary and index its added tokens. */
int chat_tpl_bind(struct chat_tpl *ct, const struct tok_vocab *v, struct buf *err);
void chat_tpl_free(struct chat_tpl *ct);
/* The names of the built-in templates, for --help. */
extern const char chat_tpl_builtin_names[];

struct chat_work {
	struct jinja_ctx *cx;
	struct jinja_output out;
	struct jinja_error err;
	struct chat chat;
	struct buf seg;
	int32_t sel_last;        /* the message index --train-on last selects */
};
void chat_work_init(struct chat_work *w);
void chat_work_release(struct chat_work *w);

enum chat_result { CHAT_TOK_OK, CHAT_TOK_REJECT, CHAT_TOK_FATAL };

/*
 * Render the record line[0..len) (valid JSON) and, unless st is NULL (render only), tokenize
 * it into ids with one mask byte per id. CHAT_TOK_REJECT: *rule names the reject rule and msg
 * says why; CHAT_TOK_FATAL: msg is the error, *exit_code the exit status.
 */
enum chat_result chat_tok_record(const struct chat_tpl *ct, struct chat_work *w,
				 struct tok_state *st, const char *line, size_t len,
				 struct tok_ids *ids, struct buf *mask, const char **rule,
				 struct buf *msg, int *exit_code);

/* ,"mask":[...] for --to jsonl (one 0 for an end-of-text id added before or after). */
void chat_mask_json(struct buf *out, const struct buf *mask, int has_eot, int eot_first);

#endif
