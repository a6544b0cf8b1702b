/*
 * Fuzz target: the Jinja interpreter (tokenize/jinja_*.c) on arbitrary template text.
 *
 * Parses the input as a template; a parse failure must be a syntax or unsupported error with a
 * message and a position. A parsed template is rendered against a fixed conversation: it either
 * renders (every byte's tag naming a message of the conversation, or 0) or fails with an error
 * code and a message — never a crash, hang or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/chat.h"
#include "lib/json.h"
#include "tokenize/jinja.h"

#define FUZZ_ASSERT(c)                                                                   \
	do {                                                                             \
		if (!(c)) {                                                              \
			fprintf(stderr, "fuzz_jinja: assertion failed: %s (line %d)\n", #c, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

static const char conv[] =
	"{\"id\":\"f\",\"messages\":[{\"role\":\"system\",\"content\":\" sys \"},"
	"{\"role\":\"user\",\"content\":\"Hi <|im_end|> {{ x }}\"},"
	"{\"role\":\"assistant\",\"content\":\"\\n</think>\\n\\nHello \\u00e9\",\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":{\"a\":1}}}]},"
	"{\"role\":\"tool\",\"content\":\"42\"},{\"role\":\"assistant\",\"content\":\"\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct chat c;
	static char *line;
	static struct jinja_ctx *cx;
	if (!line) {
		size_t n = strlen(conv);
		line = calloc(1, n + JSON_PADDING);
		memcpy(line, conv, n);
		chat_init(&c);
		FUZZ_ASSERT(chat_parse(&c, line, n) == CHAT_OK);
		cx = jinja_ctx_new();
	}
	struct jinja_error err;
	jinja_error_init(&err);
	struct jinja_template *t = jinja_parse((const char *)data, size, &err);
	if (!t) {
		FUZZ_ASSERT(err.code == JINJA_ERR_SYNTAX || err.code == JINJA_ERR_UNSUPPORTED);
		FUZZ_ASSERT(err.msg.len > 0 && err.line >= 1);
		jinja_error_release(&err);
		return 0;
	}
	struct jinja_output out = { BUF_INIT, NULL, 0 };
	const struct jinja_var vars[] = { { "bos_token", "<s>" }, { "eos_token", "</s>" } };
	if (jinja_render(cx, t, &c, vars, 2, &out, &err) == 0) {
		for (size_t i = 0; i < out.text.len; i++)
			FUZZ_ASSERT(out.tag[i] <= c.n);
	} else {
		FUZZ_ASSERT(err.code == JINJA_ERR_RUNTIME || err.code == JINJA_ERR_UNSUPPORTED);
		FUZZ_ASSERT(err.msg.len > 0);
	}
	jinja_output_release(&out);
	jinja_template_free(t);
	jinja_error_release(&err);
	return 0;
}
