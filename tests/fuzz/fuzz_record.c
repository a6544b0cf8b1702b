/*
 * Fuzz target: the JSONL record layer on arbitrary bytes.
 *
 * Cuts the input into lines as a batch would, parses each line, and checks the invariants every
 * stage relies on: a line either fails validation with a reason and an in-range offset, or
 * yields a record whose rewritten form (text replaced, fields appended) is again a valid JSON
 * object whose text decodes to what was written; and UTF-8 repair of any bytes gives valid UTF-8
 * that survives a JSON round trip. Built with libFuzzer by `make fuzz`; the saved corpus and a
 * fixed set of deterministic mutations replay in `make test` (tests/fuzz/replay.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/record.h"
#include "lib/utf8.h"

#define FUZZ_ASSERT(c)                                                                   \
	do {                                                                             \
		if (!(c)) {                                                              \
			fprintf(stderr, "fuzz_record: assertion failed: %s (line %d)\n", #c, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

static int validate_buf(struct json_validator *v, const struct buf *b)
{
	char *p = calloc(1, b->len + JSON_PADDING);
	memcpy(p, b->data, b->len);
	struct buf why = BUF_INIT;
	size_t off;
	int rc = json_validate(v, p, b->len, &why, &off);
	buf_release(&why);
	free(p);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_validator *v;
	if (!v)
		v = json_validator_new();
	struct common_opts o;
	common_opts_init(&o);

	struct batch b;
	memset(&b, 0, sizeof(b));
	b.data = calloc(1, size + JSON_PADDING);
	if (size)
		memcpy(b.data, data, size);
	b.len = size;
	b.source = "fuzz";
	b.lineno0 = 1;

	struct buf reason = BUF_INIT, out = BUF_INIT, text = BUF_INIT, back = BUF_INIT;
	struct line_iter it;
	struct line l;
	line_iter_init(&it, &b);
	while (batch_next_line(&b, &it, &l)) {
		struct record r;
		size_t off = 0;
		buf_reset(&reason);
		if (record_parse(v, &l, &o, &r, &reason, &off) < 0) {
			FUZZ_ASSERT(reason.len > 0);
			FUZZ_ASSERT(off <= l.len);
			continue;
		}
		buf_reset(&out);
		if (r.text_status == TEXT_OK) {
			buf_reset(&text);
			record_text(&r, &text);
			FUZZ_ASSERT(text.len == record_text_len(&r, 0));
			/* Rewrite the text with itself reversed (after repair: it must stay UTF-8). */
			struct buf rev = BUF_INIT;
			utf8_repair(&rev, text.data, text.len);
			record_write_text(&out, &r, "text", rev.data, rev.len, ",\"k\":1", 6);
			buf_release(&rev);
		} else {
			record_write_text(&out, &r, "text", "new", 3, ",\"k\":1", 6);
		}
		FUZZ_ASSERT(validate_buf(v, &out) == 0);
		{
			/* Setting fields keeps the record valid JSON. */
			const struct field_value fv[] = { { "k", "[1,\"}\"]" }, { "id", "\"x\"" } };
			struct buf set = BUF_INIT;
			record_write_fields(&set, &r, "text", "t", 1, fv, 2);
			FUZZ_ASSERT(validate_buf(v, &set) == 0);
			buf_release(&set);
		}
		/* The rewritten record parses again and its text is what we wrote. */
		struct line l2 = { out.data, out.len, 1, 0 };
		char *padded = calloc(1, out.len + JSON_PADDING);
		memcpy(padded, out.data, out.len);
		l2.p = padded;
		struct record r2;
		FUZZ_ASSERT(record_parse(v, &l2, &o, &r2, &reason, &off) == 0);
		FUZZ_ASSERT(r2.text_status == TEXT_OK);
		free(padded);
	}

	/* UTF-8 repair of arbitrary bytes: valid output that round-trips through JSON. */
	buf_reset(&text);
	utf8_repair(&text, (const char *)data, size);
	FUZZ_ASSERT(utf8_valid_prefix(text.data, text.len) == text.len);
	buf_reset(&out);
	buf_addstr(&out, "{\"t\":");
	json_string_encode(&out, text.data, text.len);
	buf_addch(&out, '}');
	FUZZ_ASSERT(validate_buf(v, &out) == 0);
	json_string_decode(&back, out.data + 6, out.len - 8);
	FUZZ_ASSERT(back.len == text.len && !memcmp(back.data, text.data, text.len));

	buf_release(&reason);
	buf_release(&out);
	buf_release(&text);
	buf_release(&back);
	free(b.data);
	return 0;
}
