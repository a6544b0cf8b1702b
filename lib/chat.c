/* Canonical chat records (lib/chat.h, docs/chat.md): parse, joined text, write back. */
#include "chat.h"

#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "xalloc.h"

void chat_init(struct chat *c)
{
	memset(c, 0, sizeof(*c));
}

void chat_release(struct chat *c)
{
	free(c->msg);
	memset(c, 0, sizeof(*c));
}

static const char *const role_names[] = { "system", "user", "assistant", "tool" };

const char *chat_role_name(enum chat_role r)
{
	return role_names[r];
}

const char *chat_reject_rule(enum chat_status s)
{
	switch (s) {
	case CHAT_OK: return "ok";
	case CHAT_NO_MESSAGES: return "no_messages";
	case CHAT_MESSAGES_NOT_ARRAY: return "invalid_messages";
	case CHAT_EMPTY: return "empty_conversation";
	case CHAT_MESSAGE_NOT_OBJECT: return "invalid_message";
	case CHAT_UNKNOWN_ROLE: return "unknown_role";
	case CHAT_CONTENT_NOT_STRING: return "content_not_string";
	case CHAT_NO_ASSISTANT: return "no_assistant_turn";
	}
	return "invalid_chat";
}

/* The role named by a raw JSON string value (quotes included), or -1. */
static int role_of(const struct json_member *m)
{
	if (m->type != JV_STRING)
		return -1;
	const char *p = m->val + 1;
	size_t n = m->val_len - 2;
	struct buf dec = BUF_INIT;
	if (memchr(p, '\\', n)) {
		json_string_decode(&dec, p, n);
		p = dec.data;
		n = dec.len;
	}
	int r = -1;
	for (int k = 0; k < 4; k++)
		if (strlen(role_names[k]) == n && !memcmp(role_names[k], p, n))
			r = k;
	buf_release(&dec);
	return r;
}

/* Fill c->msg[i] from one element of the messages array. */
static enum chat_status parse_message(struct chat_message *cm, const struct json_member *el)
{
	if (el->type != JV_OBJECT)
		return CHAT_MESSAGE_NOT_OBJECT;
	struct json_member m, role = { 0 }, content = { 0 };
	int has_role = 0, has_content = 0;
	size_t pos = 0;
	while (json_object_next(el->val, el->val_len, &pos, &m)) {
		if (json_key_equals(&m, "role")) {
			role = m;
			has_role = 1;
		} else if (json_key_equals(&m, "content")) {
			content = m;
			has_content = 1;
		}
	}
	int r = has_role ? role_of(&role) : -1;
	if (r < 0)
		return CHAT_UNKNOWN_ROLE;
	if (!has_content || content.type != JV_STRING)
		return CHAT_CONTENT_NOT_STRING;
	cm->role = (enum chat_role)r;
	cm->obj = el->val;
	cm->obj_len = el->val_len;
	cm->content = content.val + 1;
	cm->content_len = content.val_len - 2;
	return CHAT_OK;
}

enum chat_status chat_parse(struct chat *c, const char *line, size_t len)
{
	c->line = line;
	c->len = len;
	c->n = 0;
	c->bad_index = 0;
	memset(&c->messages, 0, sizeof(c->messages));
	int found = 0;
	size_t pos = 0;
	struct json_member m;
	while (json_object_next(line, len, &pos, &m))
		if (json_key_equals(&m, "messages")) {
			c->messages = m;
			found = 1;
		}
	if (!found)
		return CHAT_NO_MESSAGES;
	if (c->messages.type != JV_ARRAY)
		return CHAT_MESSAGES_NOT_ARRAY;
	int has_assistant = 0;
	pos = 0;
	while (json_array_next(c->messages.val, c->messages.val_len, &pos, &m)) {
		ALLOC_GROW(c->msg, c->n + 1, c->cap);
		enum chat_status s = parse_message(&c->msg[c->n], &m);
		if (s != CHAT_OK) {
			c->bad_index = c->n;
			return s;
		}
		has_assistant |= c->msg[c->n].role == CHAT_ROLE_ASSISTANT;
		c->n++;
	}
	if (!c->n)
		return CHAT_EMPTY;
	return has_assistant ? CHAT_OK : CHAT_NO_ASSISTANT;
}

void chat_content(const struct chat *c, size_t i, struct buf *out)
{
	json_string_decode(out, c->msg[i].content, c->msg[i].content_len);
}

uint64_t chat_content_bytes(const struct chat *c)
{
	uint64_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += memchr(c->msg[i].content, '\\', c->msg[i].content_len)
			     ? json_string_decoded_len(c->msg[i].content, c->msg[i].content_len)
			     : c->msg[i].content_len;
	return n;
}

void chat_joined_text(const struct chat *c, struct buf *out)
{
	for (size_t i = 0; i < c->n; i++) {
		buf_addstr(out, "<|");
		buf_addstr(out, role_names[c->msg[i].role]);
		buf_addstr(out, "|>\n");
		chat_content(c, i, out);
		buf_addch(out, '\n');
	}
}

/* Splice the new contents into the messages array value; returns the new `last`. */
static size_t write_contents(struct buf *out, const struct chat *c, const struct chat_text *texts,
			     size_t last)
{
	for (size_t i = 0; i < c->n; i++) {
		if (!texts[i].p)
			continue;
		size_t q = (size_t)(c->msg[i].content - 1 - c->line); /* opening quote */
		buf_add(out, c->line + last, q - last);
		json_string_encode(out, texts[i].p, texts[i].len);
		last = q + c->msg[i].content_len + 2;
	}
	return last;
}

void chat_write(struct buf *out, const struct chat *c, const struct chat_text *texts,
		const struct field_value *fields, int nfields)
{
	enum { MAX_FIELDS = 16 };
	int seen[MAX_FIELDS] = { 0 };
	if (nfields > MAX_FIELDS)
		BUG("chat_write: too many fields");
	size_t brace = c->len;
	while (brace > 0 && c->line[brace - 1] != '}')
		brace--;
	brace--;
	size_t last = 0, pos = 0;
	int members = 0;
	struct json_member m;
	while (json_object_next(c->line, c->len, &pos, &m)) {
		members++;
		if (texts && m.val == c->messages.val) {
			last = write_contents(out, c, texts, last);
			continue;
		}
		for (int k = 0; k < nfields; k++)
			if (json_key_equals(&m, fields[k].name)) {
				size_t vstart = (size_t)(m.val - c->line);
				buf_add(out, c->line + last, vstart - last);
				buf_addstr(out, fields[k].json);
				last = vstart + m.val_len;
				seen[k] = 1;
				break;
			}
	}
	buf_add(out, c->line + last, brace - last);
	for (int k = 0; k < nfields; k++) {
		if (seen[k])
			continue;
		if (members++)
			buf_addch(out, ',');
		json_string_encode(out, fields[k].name, strlen(fields[k].name));
		buf_addch(out, ':');
		buf_addstr(out, fields[k].json);
	}
	buf_add(out, c->line + brace, c->len - brace);
}
