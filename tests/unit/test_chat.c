/* Unit tests for lib/chat (canonical chat records) and json_array_next. */
#include <stdlib.h>

#include "harness.h"
#include "lib/chat.h"

/* Validate s (as record_parse would) and parse it as a chat record. */
static enum chat_status parse(struct chat *c, const char *s, char **keep)
{
	size_t n = strlen(s);
	char *p = calloc(1, n + JSON_PADDING);
	memcpy(p, s, n);
	struct json_validator *v = json_validator_new();
	struct buf why = BUF_INIT;
	size_t off;
	int rc = json_validate(v, p, n, &why, &off);
	CHECK(rc == 0);
	json_validator_free(v);
	buf_release(&why);
	*keep = p;
	return chat_parse(c, p, n);
}

static int is_valid_json(const char *s, size_t n)
{
	char *p = calloc(1, n + JSON_PADDING);
	memcpy(p, s, n);
	struct json_validator *v = json_validator_new();
	struct buf why = BUF_INIT;
	size_t off;
	int rc = json_validate(v, p, n, &why, &off);
	json_validator_free(v);
	buf_release(&why);
	free(p);
	return rc == 0;
}

TEST(array_next)
{
	const char *a = " [1, \"x]\" ,{\"a\":[2,3]},[ ],null ] ";
	const char *want[] = { "1", "\"x]\"", "{\"a\":[2,3]}", "[ ]", "null" };
	size_t pos = 0, k = 0;
	struct json_member m;
	while (json_array_next(a, strlen(a), &pos, &m)) {
		CHECK(k < 5);
		if (k >= 5)
			break;
		CHECK_EQ_MEM(m.val, m.val_len, want[k], strlen(want[k]));
		k++;
	}
	CHECK(k == 5);
	pos = 0;
	CHECK(!json_array_next("[ ]", 3, &pos, &m));
	pos = 0;
	CHECK(!json_array_next("{}", 2, &pos, &m));
}

TEST(parse_ok)
{
	struct chat c;
	char *p;
	chat_init(&c);
	const char *s = "{\"id\":\"a\",\"messages\":[{\"role\":\"system\",\"content\":\"\"},"
			"{\"content\":\"Hi \\\"you\\\"\\n\\u00e9\",\"role\":\"user\",\"name\":\"x\"},"
			"{\"role\":\"assist\\u0061nt\",\"content\":\"[ok] }\"},"
			"{\"role\":\"tool\",\"content\":\"42\"}],\"n\":1}";
	CHECK(parse(&c, s, &p) == CHAT_OK);
	CHECK(c.n == 4);
	CHECK(c.msg[0].role == CHAT_ROLE_SYSTEM);
	CHECK(c.msg[1].role == CHAT_ROLE_USER);
	CHECK(c.msg[2].role == CHAT_ROLE_ASSISTANT);
	CHECK(c.msg[3].role == CHAT_ROLE_TOOL);
	struct buf b = BUF_INIT;
	chat_content(&c, 1, &b);
	CHECK_STR(b.data, "Hi \"you\"\n\xc3\xa9");
	buf_reset(&b);
	chat_content(&c, 0, &b);
	CHECK(b.len == 0);
	CHECK(c.msg[1].obj[0] == '{' && c.msg[1].obj[c.msg[1].obj_len - 1] == '}');
	buf_reset(&b);
	chat_joined_text(&c, &b);
	CHECK_STR(b.data, "<|system|>\n\n<|user|>\nHi \"you\"\n\xc3\xa9\n<|assistant|>\n[ok] }\n"
			  "<|tool|>\n42\n");
	buf_release(&b);
	free(p);
	chat_release(&c);
}

TEST(reject_rules)
{
	static const struct {
		const char *rec;
		enum chat_status want;
		const char *rule;
		size_t bad;
	} cases[] = {
		{ "{\"text\":\"x\"}", CHAT_NO_MESSAGES, "no_messages", 0 },
		{ "{\"messages\":\"hi\"}", CHAT_MESSAGES_NOT_ARRAY, "invalid_messages", 0 },
		{ "{\"messages\":null}", CHAT_MESSAGES_NOT_ARRAY, "invalid_messages", 0 },
		{ "{\"messages\":[ ]}", CHAT_EMPTY, "empty_conversation", 0 },
		{ "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},3]}", CHAT_MESSAGE_NOT_OBJECT,
		  "invalid_message", 1 },
		{ "{\"messages\":[{\"role\":\"bot\",\"content\":\"a\"}]}", CHAT_UNKNOWN_ROLE,
		  "unknown_role", 0 },
		{ "{\"messages\":[{\"role\":\"User\",\"content\":\"a\"}]}", CHAT_UNKNOWN_ROLE,
		  "unknown_role", 0 },
		{ "{\"messages\":[{\"content\":\"a\"}]}", CHAT_UNKNOWN_ROLE, "unknown_role", 0 },
		{ "{\"messages\":[{\"role\":1,\"content\":\"a\"}]}", CHAT_UNKNOWN_ROLE, "unknown_role", 0 },
		{ "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\"}]}",
		  CHAT_CONTENT_NOT_STRING, "content_not_string", 1 },
		{ "{\"messages\":[{\"role\":\"assistant\",\"content\":null}]}", CHAT_CONTENT_NOT_STRING,
		  "content_not_string", 0 },
		{ "{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\"}]}]}",
		  CHAT_CONTENT_NOT_STRING, "content_not_string", 0 },
		{ "{\"messages\":[{\"role\":\"system\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"b\"}]}",
		  CHAT_NO_ASSISTANT, "no_assistant_turn", 0 },
		/* the last duplicate wins */
		{ "{\"messages\":[],\"messages\":[{\"role\":\"assistant\",\"content\":\"\"}]}", CHAT_OK, "ok", 0 },
		{ "{\"messages\":[{\"role\":\"assistant\",\"content\":\"\"}],\"messages\":[]}", CHAT_EMPTY,
		  "empty_conversation", 0 },
		{ "{\"messages\":[{\"role\":\"user\",\"role\":\"assistant\",\"content\":1,\"content\":\"\"}]}",
		  CHAT_OK, "ok", 0 },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct chat c;
		char *p;
		chat_init(&c);
		enum chat_status s = parse(&c, cases[k].rec, &p);
		if (s != cases[k].want)
			fprintf(stderr, "case %zu: got %s\n", k, chat_reject_rule(s));
		CHECK(s == cases[k].want);
		CHECK_STR(chat_reject_rule(s), cases[k].rule);
		if (s != CHAT_OK && s != CHAT_NO_ASSISTANT)
			CHECK(c.bad_index == cases[k].bad);
		free(p);
		chat_release(&c);
	}
}

TEST(joined_text_dedup_shape)
{
	const char *a = "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"one\"}]}";
	const char *a2 = "{ \"id\" : 7, \"messages\" : [ {\"content\":\"q\", \"role\":\"user\"} ,"
			 "{\"role\":\"assistant\",\"content\":\"o\\u006ee\"} ] }";
	const char *b = "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"two\"}]}";
	const char *swapped = "{\"messages\":[{\"role\":\"assistant\",\"content\":\"q\"},{\"role\":\"user\",\"content\":\"one\"}]}";
	struct buf ta = BUF_INIT, ta2 = BUF_INIT, tb = BUF_INIT, ts = BUF_INIT;
	struct chat c;
	char *p;
	chat_init(&c);
	CHECK(parse(&c, a, &p) == CHAT_OK);
	chat_joined_text(&c, &ta);
	free(p);
	CHECK(parse(&c, a2, &p) == CHAT_OK);
	chat_joined_text(&c, &ta2);
	free(p);
	CHECK(parse(&c, b, &p) == CHAT_OK);
	chat_joined_text(&c, &tb);
	free(p);
	CHECK(parse(&c, swapped, &p) == CHAT_OK);
	chat_joined_text(&c, &ts);
	free(p);
	CHECK_EQ_MEM(ta.data, ta.len, ta2.data, ta2.len); /* same conversation: exact duplicate */
	CHECK(ta.len != tb.len || memcmp(ta.data, tb.data, ta.len));
	CHECK(!memcmp(ta.data, tb.data, strlen("<|user|>\nq\n<|assistant|>\n")));
	CHECK(ta.len != ts.len || memcmp(ta.data, ts.data, ta.len)); /* roles matter */
	buf_release(&ta);
	buf_release(&ta2);
	buf_release(&tb);
	buf_release(&ts);
	chat_release(&c);
}

TEST(write_back)
{
	const char *s = "{ \"id\":\"x\", \"messages\" : [ {\"role\":\"user\", \"content\" : \"a\\u0062c\"},"
			"\n{\"role\":\"assistant\",\"content\":\"keep\\/me\",\"w\":[1]} ], \"lang\":\"xx\" }";
	struct chat c;
	char *p;
	chat_init(&c);
	CHECK(parse(&c, s, &p) == CHAT_OK);
	struct buf out = BUF_INIT;
	/* nothing replaced: byte for byte */
	chat_write(&out, &c, NULL, NULL, 0);
	CHECK_STR(out.data, s);
	buf_reset(&out);
	struct chat_text t[2] = { { "new \"q\"\n\x01", 9 }, { NULL, 0 } };
	struct field_value f[2] = { { "lang", "\"en\"" }, { "score", "0.5" } };
	chat_write(&out, &c, t, f, 2);
	CHECK_STR(out.data, "{ \"id\":\"x\", \"messages\" : [ {\"role\":\"user\", \"content\" : "
			    "\"new \\\"q\\\"\\n\\u0001\"},\n{\"role\":\"assistant\",\"content\":\"keep\\/me\","
			    "\"w\":[1]} ], \"lang\":\"en\" ,\"score\":0.5}");
	CHECK(is_valid_json(out.data, out.len));
	/* the written record reads back with the new content */
	char *q;
	struct chat c2;
	chat_init(&c2);
	CHECK(parse(&c2, out.data, &q) == CHAT_OK);
	struct buf d = BUF_INIT;
	chat_content(&c2, 0, &d);
	CHECK_EQ_MEM(d.data, d.len, t[0].p, t[0].len);
	buf_reset(&d);
	chat_content(&c2, 1, &d);
	CHECK_STR(d.data, "keep/me");
	/* replace both, including with empty text */
	buf_reset(&out);
	struct chat_text t2[2] = { { "", 0 }, { "\xe2\x82\xac", 3 } };
	chat_write(&out, &c, t2, NULL, 0);
	CHECK_STR(out.data, "{ \"id\":\"x\", \"messages\" : [ {\"role\":\"user\", \"content\" : \"\"},"
			    "\n{\"role\":\"assistant\",\"content\":\"\xe2\x82\xac\",\"w\":[1]} ], \"lang\":\"xx\" }");
	buf_release(&d);
	buf_release(&out);
	free(p);
	free(q);
	chat_release(&c);
	chat_release(&c2);
}

/* Only the last "messages" member is rewritten; an earlier duplicate passes through. */
TEST(write_back_duplicate_messages)
{
	const char *s = "{\"messages\":[{\"role\":\"user\",\"content\":\"old\"}],"
			"\"messages\":[{\"role\":\"assistant\",\"content\":\"a\"}]}";
	struct chat c;
	char *p;
	chat_init(&c);
	CHECK(parse(&c, s, &p) == CHAT_OK);
	struct buf out = BUF_INIT;
	struct chat_text t[1] = { { "b", 1 } };
	chat_write(&out, &c, t, NULL, 0);
	CHECK_STR(out.data, "{\"messages\":[{\"role\":\"user\",\"content\":\"old\"}],"
			    "\"messages\":[{\"role\":\"assistant\",\"content\":\"b\"}]}");
	buf_release(&out);
	free(p);
	chat_release(&c);
}

int main(void)
{
	RUN(array_next);
	RUN(parse_ok);
	RUN(reject_rules);
	RUN(joined_text_dedup_shape);
	RUN(write_back);
	RUN(write_back_duplicate_messages);
	return HARNESS_SUMMARY();
}
