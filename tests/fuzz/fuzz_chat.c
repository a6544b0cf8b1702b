/*
 * Fuzz target: the chat record reader (lib/chat.c) on arbitrary lines.
 *
 * Every line that is valid JSON is parsed as a chat record; a valid one is written back with
 * every content replaced (odd messages) or kept (even ones) and a field set, and the result must
 * be valid JSON that parses again to the same roles and the new contents. Invalid ones must name
 * a rule and an in-range message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/chat.h"
#include "lib/json.h"

#define FUZZ_ASSERT(c)                                                                   \
	do {                                                                             \
		if (!(c)) {                                                              \
			fprintf(stderr, "fuzz_chat: assertion failed: %s (line %d)\n", #c, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

static char *padded_copy(const char *p, size_t n)
{
	char *q = calloc(1, n + JSON_PADDING);
	memcpy(q, p, n);
	return q;
}

static void check_line(struct json_validator *v, const char *p, size_t n)
{
	struct buf why = BUF_INIT, out = BUF_INIT, joined = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	size_t off;
	char *line = padded_copy(p, n);
	struct chat c, c2;
	chat_init(&c);
	chat_init(&c2);
	if (json_validate(v, line, n, &why, &off) < 0)
		goto done;
	enum chat_status s = chat_parse(&c, line, n);
	FUZZ_ASSERT(strcmp(chat_reject_rule(s), "invalid_chat"));
	if (s != CHAT_OK && s != CHAT_NO_ASSISTANT) {
		FUZZ_ASSERT(c.bad_index <= c.n);
		goto done;
	}
	chat_joined_text(&c, &joined);
	struct chat_text *t = calloc(c.n + 1, sizeof(*t));
	for (size_t i = 1; i < c.n; i += 2) {
		t[i].p = "r\"\\\n\xc3\xa9";
		t[i].len = 6;
	}
	const struct field_value fv[] = { { "lang", "\"en\"" } };
	chat_write(&out, &c, t, fv, 1);
	char *line2 = padded_copy(out.data, out.len);
	FUZZ_ASSERT(json_validate(v, line2, out.len, &why, &off) == 0);
	FUZZ_ASSERT(chat_parse(&c2, line2, out.len) == s);
	FUZZ_ASSERT(c2.n == c.n);
	for (size_t i = 0; i < c.n; i++) {
		FUZZ_ASSERT(c2.msg[i].role == c.msg[i].role);
		buf_reset(&a);
		buf_reset(&b);
		chat_content(&c2, i, &a);
		if (t[i].p)
			buf_add(&b, t[i].p, t[i].len);
		else
			chat_content(&c, i, &b);
		FUZZ_ASSERT(a.len == b.len && !memcmp(a.data, b.data, a.len));
	}
	free(line2);
	free(t);
done:
	chat_release(&c);
	chat_release(&c2);
	free(line);
	buf_release(&why);
	buf_release(&out);
	buf_release(&joined);
	buf_release(&a);
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_validator *v;
	if (!v)
		v = json_validator_new();
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		check_line(v, p, n);
		p += n + 1;
	}
	return 0;
}
