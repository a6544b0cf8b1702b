/*
 * Chat templates in tokenize: load a template, render a record, tokenize the rendering as a
 * whole and mark the loss mask (docs/chat-templates.md).
 *
 * Tokenizing: the rendered text is cut only at added tokens the template itself wrote (bytes not
 * from any message content); each piece between them is encoded with special-token text treated
 * as plain text. With --content-specials parse, added-token text inside content is cut too,
 * which is what HuggingFace does when it tokenizes the rendered string.
 *
 * Masking: each token covers a byte range of the rendering (byte-level BPE ids spell their
 * bytes exactly). Mask 1 iff a byte of the range came from a selected assistant message's
 * content, or the token is a template-written added token whose preceding byte did (the end of
 * turn right after the reply).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/die.h"
#include "lib/source.h"
#include "lib/xalloc.h"
#include "tokenize/chat_tok.h"
#include "tokenize/chat_tpl_builtin.h"
#include "tokenize/tok_vocab.h"

const char chat_tpl_builtin_names[] = "chatml, llama3, mistral, gemma, phi3";

static int read_file(const char *path, struct buf *out, struct buf *err)
{
	struct source src;
	if (source_open_file(&src, path, err) < 0)
		return -1;
	int rc = source_read_all(&src, out, 64u << 20, err);
	source_close(&src);
	return rc < 0 ? -1 : 0;
}

/* bos_token / eos_token of a tokenizer_config.json: a string or an AddedToken {"content": ...}. */
static char *config_token(json_t *root, const char *key)
{
	json_t *v = json_object_get(root, key);
	if (json_is_object(v))
		v = json_object_get(v, "content");
	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static int load_config(struct chat_tpl *ct, const char *path, const char *text, size_t len,
		       int want_template, struct buf *err, int *code)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, &je);
	if (!json_is_object(root)) {
		buf_addf(err, "%s: not a JSON object (line %d column %d: %s)", path, je.line, je.column, je.text);
		json_decref(root);
		*code = GRIST_EXIT_USAGE;
		return -1;
	}
	ct->bos = config_token(root, "bos_token");
	ct->eos = config_token(root, "eos_token");
	if (want_template) {
		json_t *t = json_object_get(root, "chat_template");
		if (json_is_array(t)) { /* named templates: [{"name": ..., "template": ...}] */
			json_t *pick = NULL, *e;
			size_t i;
			json_array_foreach(t, i, e)
				if (json_is_string(json_object_get(e, "name")) &&
				    !strcmp(json_string_value(json_object_get(e, "name")), "default"))
					pick = json_object_get(e, "template");
			t = pick;
		}
		if (!json_is_string(t)) {
			buf_addf(err, "%s: no chat_template string", path);
			json_decref(root);
			*code = GRIST_EXIT_USAGE;
			return -1;
		}
		ct->source = xstrdup(json_string_value(t));
	}
	json_decref(root);
	return 0;
}

/* tokenizer_config.json beside the tokenizer file, if any: its BOS/EOS for a .jinja template. */
static void sibling_config(struct chat_tpl *ct, const char *tokenizer_path)
{
	if (!tokenizer_path || !strchr(tokenizer_path, '/'))
		return;
	struct buf p = BUF_INIT, text = BUF_INIT, err = BUF_INIT;
	buf_add(&p, tokenizer_path, (size_t)(strrchr(tokenizer_path, '/') - tokenizer_path + 1));
	buf_addstr(&p, "tokenizer_config.json");
	int code;
	if (!read_file(p.data, &text, &err))
		load_config(ct, p.data, text.data, text.len, 0, &err, &code);
	buf_release(&p);
	buf_release(&text);
	buf_release(&err);
}

int chat_tpl_load(struct chat_tpl *ct, const char *spec, const char *tokenizer_path,
		  struct buf *err, int *code)
{
	const struct chat_builtin *b = chat_builtin_find(spec);
	ct->name = xstrdup(spec);
	if (b) {
		ct->source = xstrdup(b->source);
		ct->bos = b->bos ? xstrdup(b->bos) : NULL;
		ct->eos = b->eos ? xstrdup(b->eos) : NULL;
	} else {
		struct buf text = BUF_INIT;
		if (!strchr(spec, '/') && !strchr(spec, '.')) {
			buf_addf(err, "--chat-template: '%s' is neither a built-in template (%s) nor a file",
				 spec, chat_tpl_builtin_names);
			*code = GRIST_EXIT_USAGE;
			return -1;
		}
		if (read_file(spec, &text, err)) {
			buf_release(&text);
			*code = GRIST_EXIT_IO;
			return -1;
		}
		size_t n = strlen(spec);
		int rc = 0;
		if (n >= 5 && !strcmp(spec + n - 5, ".json")) {
			rc = load_config(ct, spec, text.data, text.len, 1, err, code);
		} else {
			ct->source = buf_detach(&text, NULL);
			sibling_config(ct, tokenizer_path);
		}
		buf_release(&text);
		if (rc)
			return -1;
	}
	if (ct->bos)
		ct->vars[ct->nvars++] = (struct jinja_var){ "bos_token", ct->bos };
	if (ct->eos)
		ct->vars[ct->nvars++] = (struct jinja_var){ "eos_token", ct->eos };
	struct jinja_error je;
	jinja_error_init(&je);
	ct->t = jinja_parse(ct->source, strlen(ct->source), &je);
	if (!ct->t) {
		buf_addf(err, "%s: line %u column %u: %s", ct->name, je.line, je.col, je.msg.data);
		*code = je.code == JINJA_ERR_UNSUPPORTED ? GRIST_EXIT_UNSUPPORTED : GRIST_EXIT_USAGE;
		jinja_error_release(&je);
		return -1;
	}
	jinja_error_release(&je);
	return 0;
}

void chat_tpl_free(struct chat_tpl *ct)
{
	jinja_template_free(ct->t);
	free(ct->name);
	free(ct->source);
	free(ct->bos);
	free(ct->eos);
	free(ct->first_special);
	free(ct->next_special);
	memset(ct, 0, sizeof(*ct));
}

static int check_token(const struct tok_vocab *v, const char *tpl, const char *tok, struct buf *err)
{
	if (tok_vocab_find(v, tok, strlen(tok)) != TOK_NONE)
		return 0;
	buf_addf(err, "chat template %s writes the token '%s', which is not in the vocabulary %s",
		 tpl, tok, v->path ? v->path : v->name);
	return -1;
}

/* Token-like string literals of a template file: "<|...|>" or "<｜...｜>" without spaces. */
static int check_literal_tokens(const struct chat_tpl *ct, const struct tok_vocab *v, struct buf *err)
{
	static const char *const open[] = { "<|", "<\xef\xbd\x9c" }, *const close[] = { "|>", "\xef\xbd\x9c>" };
	for (int k = 0; k < 2; k++) {
		const char *p = ct->source;
		while ((p = strstr(p, open[k]))) {
			const char *e = strstr(p + strlen(open[k]), close[k]);
			if (!e)
				break;
			size_t n = (size_t)(e - p) + strlen(close[k]);
			if (n <= 64 && !memchr(p, ' ', n) && !memchr(p, '\n', n) && !memchr(p, '\'', n) &&
			    !memchr(p, '"', n) && tok_vocab_find(v, p, n) == TOK_NONE) {
				buf_addf(err, "chat template %s writes the token '%.*s', which is not in the vocabulary %s",
					 ct->name, (int)n, p, v->path ? v->path : v->name);
				return -1;
			}
			p += strlen(open[k]);
		}
	}
	return 0;
}

int chat_tpl_bind(struct chat_tpl *ct, const struct tok_vocab *v, struct buf *err)
{
	ct->vocab = v;
	const struct chat_builtin *b = chat_builtin_find(ct->name);
	if (b) {
		for (const char *const *t = b->tokens; *t; t++)
			if (check_token(v, ct->name, *t, err))
				return -1;
	} else if (check_literal_tokens(ct, v, err)) {
		return -1;
	}
	if ((ct->bos && strstr(ct->source, "bos_token") && check_token(v, ct->name, ct->bos, err)) ||
	    (ct->eos && strstr(ct->source, "eos_token") && check_token(v, ct->name, ct->eos, err)))
		return -1;
	/* Index the added tokens by first byte, longest first, for the cut. */
	ct->first_special = xcalloc(256, sizeof(uint32_t));
	ct->next_special = xcalloc(v->n_specials + 1, sizeof(uint32_t));
	for (size_t i = 0; i < v->n_specials; i++) {
		if (!v->specials[i].len)
			continue;
		uint32_t *link = &ct->first_special[(unsigned char)v->specials[i].text[0]];
		while (*link && v->specials[*link - 1].len >= v->specials[i].len)
			link = &ct->next_special[*link - 1];
		ct->next_special[i] = *link;
		*link = (uint32_t)i + 1;
	}
	return 0;
}

void chat_work_init(struct chat_work *w)
{
	memset(w, 0, sizeof(*w));
	w->cx = jinja_ctx_new();
	jinja_error_init(&w->err);
	chat_init(&w->chat);
	buf_init(&w->out.text, 0);
	buf_init(&w->seg, 0);
}

void chat_work_release(struct chat_work *w)
{
	jinja_ctx_free(w->cx);
	jinja_output_release(&w->out);
	jinja_error_release(&w->err);
	chat_release(&w->chat);
	buf_release(&w->seg);
}

/* Does a byte with this tag count for the loss? */
static int selected(const struct chat_tpl *ct, const struct chat_work *w, uint32_t tag)
{
	if (!tag || tag > w->chat.n || w->chat.msg[tag - 1].role != CHAT_ROLE_ASSISTANT)
		return 0;
	return ct->train_on != CHAT_TRAIN_LAST || (int32_t)tag - 1 == w->sel_last;
}

static int any_selected(const struct chat_tpl *ct, const struct chat_work *w, size_t a, size_t b)
{
	if (ct->train_on == CHAT_TRAIN_ALL)
		return 1;
	for (size_t i = a; i < b; i++)
		if (selected(ct, w, w->out.tag[i]))
			return 1;
	return 0;
}

/* The longest added token at byte i that may be cut there: 1 + its index, or 0. */
static uint32_t special_at(const struct chat_tpl *ct, const struct chat_work *w, size_t i)
{
	const char *text = w->out.text.data;
	size_t n = w->out.text.len;
	for (uint32_t k = ct->first_special[(unsigned char)text[i]]; k; k = ct->next_special[k - 1]) {
		const struct tok_special *s = &ct->vocab->specials[k - 1];
		if (s->len > n - i || memcmp(text + i, s->text, s->len))
			continue;
		int from_template = 1;
		for (size_t j = i; j < i + s->len && from_template; j++)
			from_template = !w->out.tag[j];
		if (from_template || ct->content_specials)
			return k;
	}
	return 0;
}

/* Encode text[a, b) as plain text and mask its tokens. -1: encoding error (msg set), -2: the
 * ids do not spell the bytes (a normalizing tokenizer). */
static int encode_piece(const struct chat_tpl *ct, struct chat_work *w, struct tok_state *st,
			size_t a, size_t b, struct tok_ids *ids, struct buf *mask, struct buf *msg)
{
	if (a == b)
		return 0;
	size_t first = ids->n;
	if (tok_encode(st, w->out.text.data + a, b - a, 0, ids, msg))
		return -1;
	size_t pos = a;
	for (size_t k = first; k < ids->n; k++) {
		size_t len = ct->vocab->tok_len[ids->v[k]];
		if (pos + len > b)
			return -2;
		buf_addch(mask, (char)any_selected(ct, w, pos, pos + len));
		pos += len;
	}
	return pos == b ? 0 : -2;
}

static enum chat_result tokenize_rendered(const struct chat_tpl *ct, struct chat_work *w,
					  struct tok_state *st, struct tok_ids *ids, struct buf *mask,
					  const char **rule, struct buf *msg, int *exit_code)
{
	size_t n = w->out.text.len, seg = 0;
	int rc = 0;
	for (size_t i = 0; i < n && !rc;) {
		uint32_t k = ct->first_special[(unsigned char)w->out.text.data[i]] ? special_at(ct, w, i) : 0;
		if (!k) {
			i++;
			continue;
		}
		const struct tok_special *s = &ct->vocab->specials[k - 1];
		rc = encode_piece(ct, w, st, seg, i, ids, mask, msg);
		tok_ids_push(ids, s->id);
		int m = any_selected(ct, w, i, i + s->len) ||
			(i > 0 && !w->out.tag[i] && selected(ct, w, w->out.tag[i - 1]));
		buf_addch(mask, (char)m);
		i += s->len;
		seg = i;
	}
	if (!rc)
		rc = encode_piece(ct, w, st, seg, n, ids, mask, msg);
	if (rc == -1) {
		*rule = "invalid_utf8";
		return CHAT_TOK_REJECT;
	}
	if (rc == -2) {
		buf_reset(msg);
		buf_addf(msg, "unsupported: the tokenizer %s does not spell its tokens' bytes exactly "
			 "(a normalizer?); loss masks need byte-exact tokens", ct->vocab->name);
		*exit_code = GRIST_EXIT_UNSUPPORTED;
		return CHAT_TOK_FATAL;
	}
	return CHAT_TOK_OK;
}

enum chat_result chat_tok_record(const struct chat_tpl *ct, struct chat_work *w,
				 struct tok_state *st, const char *line, size_t len,
				 struct tok_ids *ids, struct buf *mask, const char **rule,
				 struct buf *msg, int *exit_code)
{
	enum chat_status s = chat_parse(&w->chat, line, len);
	if (s != CHAT_OK) {
		*rule = chat_reject_rule(s);
		if (s != CHAT_NO_MESSAGES && s != CHAT_NO_ASSISTANT && s != CHAT_MESSAGES_NOT_ARRAY &&
		    s != CHAT_EMPTY)
			buf_addf(msg, "messages[%zu]", w->chat.bad_index);
		return CHAT_TOK_REJECT;
	}
	w->sel_last = -1;
	for (size_t i = 0; i < w->chat.n; i++)
		if (w->chat.msg[i].role == CHAT_ROLE_ASSISTANT)
			w->sel_last = (int32_t)i;
	if (jinja_render(w->cx, ct->t, &w->chat, ct->vars, ct->nvars, &w->out, &w->err)) {
		buf_addf(msg, "%s: line %u: %s", ct->name, w->err.line, w->err.msg.data);
		if (w->err.code == JINJA_ERR_UNSUPPORTED) {
			*exit_code = GRIST_EXIT_UNSUPPORTED;
			return CHAT_TOK_FATAL;
		}
		*rule = "template_error";
		return CHAT_TOK_REJECT;
	}
	ids->n = 0;
	buf_reset(mask);
	if (!st)
		return CHAT_TOK_OK;
	return tokenize_rendered(ct, w, st, ids, mask, rule, msg, exit_code);
}

void chat_mask_json(struct buf *out, const struct buf *mask, int has_eot, int eot_first)
{
	buf_addstr(out, ",\"mask\":[");
	if (has_eot && eot_first)
		buf_addstr(out, mask->len ? "0," : "0");
	for (size_t i = 0; i < mask->len; i++) {
		if (i)
			buf_addch(out, ',');
		buf_addch(out, mask->data[i] ? '1' : '0');
	}
	if (has_eot && !eot_first)
		buf_addstr(out, mask->len ? ",0" : "0");
	buf_addch(out, ']');
}
