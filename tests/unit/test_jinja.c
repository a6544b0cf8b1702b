/* Unit tests for the Jinja interpreter's message tags (tokenize/jinja.h): every output byte
 * that came from a message's content carries 1 + the message index, through trim, slices,
 * split, concatenation and repetition; template bytes carry 0. */
#include <stdlib.h>

#include "harness.h"
#include "lib/chat.h"
#include "tokenize/jinja.h"

static const char conv[] = "{\"messages\":[{\"role\":\"user\",\"content\":\"  ab cd  \"},"
			   "{\"role\":\"assistant\",\"content\":\"xyz\"}]}";

/* Render tpl; returns the text and a string of tag digits ('0', '1', '2') per byte. */
static void render(const char *tpl, struct buf *text, struct buf *tags, int *rc)
{
	struct chat c;
	chat_init(&c);
	size_t n = strlen(conv);
	char *line = calloc(1, n + JSON_PADDING);
	memcpy(line, conv, n);
	CHECK(chat_parse(&c, line, n) == CHAT_OK);
	struct jinja_error err;
	jinja_error_init(&err);
	struct jinja_template *t = jinja_parse(tpl, strlen(tpl), &err);
	CHECK(t != NULL);
	struct jinja_ctx *cx = jinja_ctx_new();
	struct jinja_output out = { BUF_INIT, NULL, 0 };
	*rc = t ? jinja_render(cx, t, &c, NULL, 0, &out, &err) : -1;
	buf_reset(text);
	buf_reset(tags);
	if (*rc == 0) {
		buf_add(text, out.text.data, out.text.len);
		for (size_t i = 0; i < out.text.len; i++)
			buf_addch(tags, (char)('0' + out.tag[i]));
	}
	jinja_output_release(&out);
	jinja_ctx_free(cx);
	jinja_template_free(t);
	jinja_error_release(&err);
	chat_release(&c);
	free(line);
}

TEST(tags_follow_content)
{
	static const struct { const char *tpl, *text, *tags; } cases[] = {
		{ "{% for m in messages %}[{{ m.content }}]{% endfor %}", "[  ab cd  ][xyz]", "0111111111002220" },
		{ "{% for m in messages %}<{{ m.content | trim }}>{% endfor %}", "<ab cd><xyz>", "011111002220" },
		{ "{{ messages[0].content.split()[1] + '!' }}", "cd!", "110" },
		{ "{{ messages[1].content[1:] * 2 }}", "yzyz", "2222" },
		{ "{{ messages[1]['content'] ~ messages[0].role }}", "xyzuser", "2220000" },
		{ "{{ messages[1].content.upper() }}", "XYZ", "222" },
		{ "{{ messages[1].content | tojson }}", "\"xyz\"", "00000" },
		{ "{{ messages | length }}{{ messages[0].content.strip()[:2] }}", "2ab", "011" },
	};
	struct buf text = BUF_INIT, tags = BUF_INIT;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int rc;
		render(cases[k].tpl, &text, &tags, &rc);
		CHECK(rc == 0);
		CHECK_STR(text.data, cases[k].text);
		CHECK_STR(tags.data, cases[k].tags);
	}
	buf_release(&text);
	buf_release(&tags);
}

TEST(errors_have_positions)
{
	struct jinja_error err;
	jinja_error_init(&err);
	const char *bad = "ok\n  {{ 1 + }}";
	CHECK(jinja_parse(bad, strlen(bad), &err) == NULL);
	CHECK(err.code == JINJA_ERR_SYNTAX);
	CHECK(err.line == 2 && err.col == 10);
	const char *unsup = "{% macro x() %}{% endmacro %}";
	CHECK(jinja_parse(unsup, strlen(unsup), &err) == NULL);
	CHECK(err.code == JINJA_ERR_UNSUPPORTED);
	CHECK(strstr(err.msg.data, "macro") != NULL);
	jinja_error_release(&err);
}

/* String literal escapes, with the bytes Python's jinja2 3.1.6 renders for the same template
 * (UTF-8 of each code point); a lone surrogate, which UTF-8 cannot carry, is U+FFFD. */
TEST(string_escapes)
{
	struct buf text = BUF_INIT, tags = BUF_INIT;
	int rc;
	render("{{ '\\x41\\u00e9\\u4e2d\\x7e\\u0800\\u07ff' }}", &text, &tags, &rc);
	CHECK(rc == 0);
	CHECK_STR(text.data, "A\xc3\xa9\xe4\xb8\xad~\xe0\xa0\x80\xdf\xbf");
	render("{{ '[\\ud800]' }}", &text, &tags, &rc);
	CHECK(rc == 0);
	CHECK_STR(text.data, "[\xef\xbf\xbd]");
	buf_release(&text);
	buf_release(&tags);
}

int main(void)
{
	RUN(tags_follow_content);
	RUN(errors_have_positions);
	RUN(string_escapes);
	return HARNESS_SUMMARY();
}
