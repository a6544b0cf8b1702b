/*
 * Canonical chat records: the one reader of `{"id":..., "messages":[{"role","content"}, ...]}`
 * for clean, dedup and tokenize (docs/chat.md has the format and the reject rules).
 *
 * chat_parse() takes a line already validated as one JSON object (record_parse does that) and
 * finds each message's role and the raw byte range of its content; nothing is copied or decoded
 * until asked. chat_joined_text() is the text quality filters and dedup see; chat_write() puts
 * the record back with contents (and top-level fields) replaced, every other byte unchanged.
 */
#ifndef GRIST_CHAT_H
#define GRIST_CHAT_H

#include <stddef.h>

#include "buf.h"
#include "json.h"
#include "record.h"

enum chat_role { CHAT_ROLE_SYSTEM, CHAT_ROLE_USER, CHAT_ROLE_ASSISTANT, CHAT_ROLE_TOOL };

/* Why a record is not a valid chat record; chat_reject_rule() gives the --rejects rule name. */
enum chat_status {
	CHAT_OK = 0,
	CHAT_NO_MESSAGES,        /* "no_messages": no top-level "messages" member */
	CHAT_MESSAGES_NOT_ARRAY, /* "invalid_messages": "messages" is not an array */
	CHAT_EMPTY,              /* "empty_conversation": "messages" is [] */
	CHAT_MESSAGE_NOT_OBJECT, /* "invalid_message": an element is not an object */
	CHAT_UNKNOWN_ROLE,       /* "unknown_role": role missing, not a string, or not one of four */
	CHAT_CONTENT_NOT_STRING, /* "content_not_string": content missing, null, array, ... */
	CHAT_NO_ASSISTANT,       /* "no_assistant_turn": no message with role assistant */
};

struct chat_message {
	enum chat_role role;
	const char *obj;          /* the raw message object, braces included */
	size_t obj_len;
	const char *content;      /* raw content string body: the bytes between the quotes */
	size_t content_len;
};

struct chat {
	const char *line;         /* the record object given to chat_parse */
	size_t len;
	struct json_member messages; /* the top-level "messages" member (last one if repeated) */
	struct chat_message *msg;
	size_t n, cap;
	size_t bad_index;         /* the message at fault when chat_parse fails on one (0-based) */
};

void chat_init(struct chat *c);
void chat_release(struct chat *c);

/*
 * Parse the record object line[0..len), which must be valid JSON (json_validate). Duplicate
 * keys: the last "messages" / "role" / "content" wins, as in record_parse. Returns CHAT_OK or
 * the first problem found, in the order of enum chat_status (messages in order).
 */
enum chat_status chat_parse(struct chat *c, const char *line, size_t len);
/* Convenience: chat_parse on a parsed record's object. */
static inline enum chat_status chat_parse_record(struct chat *c, const struct record *r)
{
	return chat_parse(c, r->line, r->len);
}

const char *chat_reject_rule(enum chat_status s);
const char *chat_role_name(enum chat_role r);

/* Append message i's decoded content (UTF-8; may hold NUL bytes from \u0000). */
void chat_content(const struct chat *c, size_t i, struct buf *out);

/* The size of a conversation: the decoded bytes of all its contents (what --max-doc-bytes
 * limits for a chat record). */
uint64_t chat_content_bytes(const struct chat *c);

/*
 * Append the joined text: for every message, "<|" ROLE "|>\n" + decoded content + "\n".
 * Identical conversations give identical text (exact dedup); conversations differing in one
 * reply share every other line and its shingles (MinHash). Role tags keep "who said it" in
 * the text, so the same words from a different speaker are not the same conversation.
 */
void chat_joined_text(const struct chat *c, struct buf *out);

/*
 * Write the record back with message i's content replaced by texts[i] (decoded UTF-8, JSON
 * encoded here) for every i where texts[i].p is not NULL, and the top-level fields set as
 * record_write_fields does (replaced in place, appended when absent). All other bytes pass
 * through unchanged. texts may be NULL (keep every content). No newline.
 */
struct chat_text {
	const char *p;
	size_t len;
};
void chat_write(struct buf *out, const struct chat *c, const struct chat_text *texts,
		const struct field_value *fields, int nfields);

#endif
