/*
 * grist ingest --chat: the common fine-tuning layouts -> the canonical chat record
 * {"id", ..., "messages":[{"role","content"}, ...]} (docs/chat.md), one record at a time.
 *
 * A record's layout is chosen by its members, first match wins:
 *   messages      OpenAI: kept as it is (roles system, user, assistant, tool);
 *   conversations ShareGPT: each turn {"from","value",...} becomes {"role","content",...}
 *                 (from human -> user, gpt -> assistant, any other value is the role itself);
 *   instruction   Alpaca (with output; input appended after "\n\n" when non-empty) or Dolly
 *                 (with response; context in the place of input);
 *   prompt        prompt / completion;
 *   (else)        unrecognized_layout.
 * Alpaca, Dolly and prompt/completion records may carry a string `system` (a system message
 * first). Contents are the raw JSON string bodies, copied byte for byte (escapes included).
 *
 * The candidate record is written first, then checked by lib/chat.c's reader, so the reject
 * rules (and their order) are exactly the ones clean, dedup and tokenize apply: a turn without
 * a usable role is written without one (unknown_role), a value that is not a string is
 * written as it is (content_not_string), and so on. The record's other members stay, in order;
 * `messages` takes the place of the first member the layout used; the text field (--text-field)
 * is dropped, since a chat record has none; `id` (SOURCE:N) comes first when the record has
 * none, `source` is appended when absent.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest_int.h"
#include "lib/chat.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

const char *const ingest_rule_layout = "unrecognized_layout";

enum key {
	K_MESSAGES, K_CONVERSATIONS, K_INSTRUCTION, K_INPUT, K_OUTPUT, K_CONTEXT, K_RESPONSE,
	K_PROMPT, K_COMPLETION, K_SYSTEM, K_N
};
static const char *const key_names[K_N] = {
	"messages", "conversations", "instruction", "input", "output", "context", "response",
	"prompt", "completion", "system",
};

static const size_t key_len[K_N] = { 8, 13, 11, 5, 6, 7, 8, 6, 10, 6 };

enum layout { L_NONE, L_OPENAI, L_SHAREGPT, L_ALPACA, L_DOLLY, L_PROMPT };

struct ingest_chat {
	struct common_opts o; /* the run's, with --on-missing empty: no text field is needed */
	struct chat chat;
	struct buf msgs, rec, where, tmp;
	int has[K_N];
	struct json_member m[K_N];
	unsigned consumed; /* bit per key the layout uses */
};

struct ingest_chat *ingest_chat_new(const struct common_opts *o)
{
	for (int k = 0; k < K_N; k++)
		if (strlen(key_names[k]) != key_len[k])
			BUG("ingest_chat: key_len does not match key_names");
	struct ingest_chat *c = xcalloc(1, sizeof(*c));
	c->o = *o;
	c->o.on_missing = ON_MISSING_ANY; /* the layouts read other fields */
	chat_init(&c->chat);
	buf_init(&c->msgs, 0);
	buf_init(&c->rec, 0);
	buf_init(&c->where, 0);
	buf_init(&c->tmp, 0);
	return c;
}

void ingest_chat_free(struct ingest_chat *c)
{
	if (!c)
		return;
	chat_release(&c->chat);
	buf_release(&c->msgs);
	buf_release(&c->rec);
	buf_release(&c->where);
	buf_release(&c->tmp);
	free(c);
}

/* Which of key_names a member's key is (K_N: none); the key is decoded only if escaped. */
static enum key key_index(struct ingest_chat *c, const struct json_member *m)
{
	const char *k = m->key;
	size_t n = m->key_len;
	if (memchr(k, '\\', n)) {
		buf_reset(&c->tmp);
		json_string_decode(&c->tmp, k, n);
		k = c->tmp.data;
		n = c->tmp.len;
	}
	for (int i = 0; i < K_N; i++)
		if (key_len[i] == n && !memcmp(key_names[i], k, n))
			return (enum key)i;
	return K_N;
}

static int is_string(const struct ingest_chat *c, enum key k)
{
	return c->has[k] && c->m[k].type == JV_STRING;
}

/* ,{"role":"ROLE","content":VALUE} with VALUE the member's raw value (a string or not). */
static void put_message(struct buf *o, const char *role, const struct json_member *content)
{
	if (o->len > 1)
		buf_addch(o, ',');
	buf_addf(o, "{\"role\":\"%s\",\"content\":", role);
	buf_add(o, content->val, content->val_len);
	buf_addch(o, '}');
}

/* A string member's raw body (between the quotes). */
static void body(const struct json_member *m, const char **p, size_t *n)
{
	*p = m->val + 1;
	*n = m->val_len - 2;
}

/*
 * Alpaca / Dolly / prompt-completion: [system], user, assistant. `where` gets, per message,
 * the input member it came from (for the rejects' value).
 */
static void fields_layout(struct ingest_chat *c, enum key user, enum key extra, enum key asst,
			  const char **where)
{
	struct buf *o = &c->msgs;
	int n = 0;
	if (c->has[K_SYSTEM]) {
		put_message(o, "system", &c->m[K_SYSTEM]);
		where[n++] = "system";
		c->consumed |= 1u << K_SYSTEM;
	}
	c->consumed |= 1u << user;
	int has_extra = extra != K_N && c->has[extra];
	if (has_extra)
		c->consumed |= 1u << extra;
	if (!is_string(c, user)) {
		put_message(o, "user", &c->m[user]); /* content_not_string */
		where[n++] = key_names[user];
	} else if (has_extra && !is_string(c, extra)) {
		put_message(o, "user", &c->m[extra]); /* content_not_string */
		where[n++] = key_names[extra];
	} else if (!has_extra || c->m[extra].val_len == 2) {
		put_message(o, "user", &c->m[user]);
		where[n++] = key_names[user];
	} else {
		/* instruction + "\n\n" + input, as raw bodies: no decoding, nothing trimmed */
		const char *p1, *p2;
		size_t n1, n2;
		body(&c->m[user], &p1, &n1);
		body(&c->m[extra], &p2, &n2);
		if (o->len > 1)
			buf_addch(o, ',');
		buf_addstr(o, "{\"role\":\"user\",\"content\":\"");
		buf_add(o, p1, n1);
		buf_addstr(o, "\\n\\n");
		buf_add(o, p2, n2);
		buf_addstr(o, "\"}");
		where[n++] = key_names[user];
	}
	if (c->has[asst]) {
		c->consumed |= 1u << asst;
		put_message(o, "assistant", &c->m[asst]);
		where[n++] = key_names[asst];
	}
}

/* Does a raw JSON string value (quotes included) equal s? */
static int raw_string_is(struct ingest_chat *c, const struct json_member *m, const char *s)
{
	const char *p = m->val + 1;
	size_t n = m->val_len - 2;
	if (memchr(p, '\\', n)) {
		buf_reset(&c->tmp);
		json_string_decode(&c->tmp, p, n);
		p = c->tmp.data;
		n = c->tmp.len;
	}
	return strlen(s) == n && !memcmp(s, p, n);
}

/* ShareGPT: every turn {"from","value",...} -> {"role","content",...}; other values as they are. */
static void sharegpt_layout(struct ingest_chat *c)
{
	const struct json_member *conv = &c->m[K_CONVERSATIONS];
	struct buf *o = &c->msgs;
	c->consumed |= 1u << K_CONVERSATIONS;
	if (conv->type != JV_ARRAY) {
		buf_reset(o);
		buf_add(o, conv->val, conv->val_len); /* invalid_messages */
		return;
	}
	size_t pos = 0;
	struct json_member t;
	if (c->has[K_SYSTEM]) {
		put_message(o, "system", &c->m[K_SYSTEM]);
		c->consumed |= 1u << K_SYSTEM;
	}
	while (json_array_next(conv->val, conv->val_len, &pos, &t)) {
		if (o->len > 1)
			buf_addch(o, ',');
		if (t.type != JV_OBJECT) {
			buf_add(o, t.val, t.val_len); /* invalid_message */
			continue;
		}
		struct json_member m, from = { 0 }, value = { 0 };
		int has_from = 0, has_value = 0;
		size_t mp = 0;
		while (json_object_next(t.val, t.val_len, &mp, &m)) {
			if (json_key_equals(&m, "from")) {
				from = m;
				has_from = 1;
			} else if (json_key_equals(&m, "value")) {
				value = m;
				has_value = 1;
			}
		}
		buf_addch(o, '{');
		int members = 0;
		if (has_from) {
			buf_addstr(o, "\"role\":");
			if (from.type == JV_STRING && raw_string_is(c, &from, "human"))
				buf_addstr(o, "\"user\"");
			else if (from.type == JV_STRING && raw_string_is(c, &from, "gpt"))
				buf_addstr(o, "\"assistant\"");
			else
				buf_add(o, from.val, from.val_len); /* checked by chat_parse */
			members++;
		}
		if (has_value) {
			buf_addstr(o, members++ ? ",\"content\":" : "\"content\":");
			buf_add(o, value.val, value.val_len);
		}
		mp = 0;
		while (json_object_next(t.val, t.val_len, &mp, &m)) {
			if (json_key_equals(&m, "from") || json_key_equals(&m, "value") ||
			    json_key_equals(&m, "role") || json_key_equals(&m, "content"))
				continue;
			if (members++)
				buf_addch(o, ',');
			buf_addch(o, '"');
			buf_add(o, m.key, m.key_len);
			buf_addstr(o, "\":");
			buf_add(o, m.val, m.val_len);
		}
		buf_addch(o, '}');
	}
}

/* The output record: id first when absent, members in order with `messages` in place of the
 * first consumed one, the text field dropped, source appended when absent. */
static void write_record(struct ingest_chat *c, const struct record *r, const char *source,
			 uint64_t n)
{
	struct buf *o = &c->rec;
	buf_reset(o);
	buf_addch(o, '{');
	int members = 0;
	if (!r->has_id) {
		json_string_encode(o, c->o.id_field, strlen(c->o.id_field));
		buf_addch(o, ':');
		record_position_json(o, source, n);
		members++;
	}
	int placed = 0;
	size_t pos = 0;
	struct json_member m;
	while (json_object_next(r->line, r->len, &pos, &m)) {
		enum key k = key_index(c, &m);
		int used = k != K_N && (c->consumed & (1u << k));
		if (used && placed)
			continue;
		if (!used && json_key_equals(&m, c->o.text_field))
			continue;
		if (members++)
			buf_addch(o, ',');
		if (used) {
			buf_addstr(o, "\"messages\":");
			buf_add(o, c->msgs.data, c->msgs.len);
			placed = 1;
			continue;
		}
		buf_addch(o, '"');
		buf_add(o, m.key, m.key_len);
		buf_addstr(o, "\":");
		buf_add(o, m.val, m.val_len);
	}
	if (!r->has_source) {
		buf_addstr(o, members ? ",\"source\":" : "\"source\":");
		json_string_encode_repair(o, source, strlen(source));
	}
	buf_addch(o, '}');
}

static enum layout find_layout(struct ingest_chat *c, const struct record *r)
{
	memset(c->has, 0, sizeof(c->has));
	size_t pos = 0;
	struct json_member m;
	while (json_object_next(r->line, r->len, &pos, &m)) {
		enum key k = key_index(c, &m);
		if (k != K_N) {
			c->m[k] = m;
			c->has[k] = 1;
		}
	}
	if (c->has[K_MESSAGES])
		return L_OPENAI;
	if (c->has[K_CONVERSATIONS])
		return L_SHAREGPT;
	if (c->has[K_INSTRUCTION])
		return c->has[K_RESPONSE] && !c->has[K_OUTPUT] ? L_DOLLY : L_ALPACA;
	if (c->has[K_PROMPT])
		return L_PROMPT;
	return L_NONE;
}

static void reject(struct batch *b, const char *rule, const char *value_json, const struct line *l,
		   const struct record *r)
{
	counts_reject(&b->counts, rule);
	reject_write(&b->rejects, "ingest", rule, value_json, b->source, l->lineno, r->line, r->len,
		     0, NULL);
}

int ingest_chat_line(struct ingest_chat *c, struct record_check *check, struct batch *b,
		     const struct line *l)
{
	struct record r;
	switch (stage_check_record(b, &c->o, l, &r, check)) {
	case RECORD_STOP:
		return -1;
	case RECORD_DROP:
		stage_reject(b, "ingest", l, &r, check);
		return 0;
	default:
		break;
	}
	c->consumed = 0;
	buf_reset(&c->msgs);
	buf_addch(&c->msgs, '[');
	const char *where[4] = { 0 };
	enum layout lay = find_layout(c, &r);
	switch (lay) {
	case L_NONE:
		reject(b, ingest_rule_layout, NULL, l, &r);
		return 0;
	case L_OPENAI:
		c->consumed = 1u << K_MESSAGES;
		buf_reset(&c->msgs);
		buf_add(&c->msgs, c->m[K_MESSAGES].val, c->m[K_MESSAGES].val_len);
		break;
	case L_SHAREGPT:
		sharegpt_layout(c);
		break;
	case L_ALPACA:
		fields_layout(c, K_INSTRUCTION, K_INPUT, K_OUTPUT, where);
		break;
	case L_DOLLY:
		fields_layout(c, K_INSTRUCTION, K_CONTEXT, K_RESPONSE, where);
		break;
	case L_PROMPT:
		fields_layout(c, K_PROMPT, K_N, K_COMPLETION, where);
		break;
	}
	if (lay == L_SHAREGPT && c->m[K_CONVERSATIONS].type == JV_ARRAY)
		buf_addch(&c->msgs, ']');
	else if (lay != L_OPENAI && lay != L_SHAREGPT)
		buf_addch(&c->msgs, ']');
	write_record(c, &r, b->source, l->lineno);
	enum chat_status s = chat_parse(&c->chat, c->rec.data, c->rec.len);
	if (s != CHAT_OK) {
		buf_reset(&c->where);
		if (s == CHAT_MESSAGE_NOT_OBJECT || s == CHAT_UNKNOWN_ROLE ||
		    s == CHAT_CONTENT_NOT_STRING) {
			size_t i = c->chat.bad_index;
			buf_reset(&c->tmp);
			if (lay == L_OPENAI || lay == L_SHAREGPT)
				buf_addf(&c->tmp, "%s[%zu]", key_names[lay == L_OPENAI ? K_MESSAGES
									: K_CONVERSATIONS], i);
			else
				buf_addstr(&c->tmp, i < 4 && where[i] ? where[i] : "?");
			json_string_encode(&c->where, c->tmp.data, c->tmp.len);
		}
		reject(b, chat_reject_rule(s), c->where.len ? c->where.data : NULL, l, &r);
		return 0;
	}
	uint64_t text = 0;
	for (size_t i = 0; i < c->chat.n; i++)
		text += json_string_decoded_len(c->chat.msg[i].content, c->chat.msg[i].content_len);
	if (text > c->o.max_doc_bytes) {
		char v[32];
		snprintf(v, sizeof(v), "%llu", (unsigned long long)text);
		reject(b, "max_doc_bytes", v, l, &r);
		return 0;
	}
	counts_text_length(&b->counts, text);
	buf_add(&b->out, c->rec.data, c->rec.len);
	buf_addch(&b->out, '\n');
	b->counts.records_out++;
	return 0;
}
