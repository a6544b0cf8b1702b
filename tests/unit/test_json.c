/* Unit tests for lib/json: validation, member iteration, string decode/encode, UTF-8. */
#include <stdlib.h>

#include "harness.h"
#include "lib/json.h"
#include "lib/utf8.h"

/* Copy into a padded buffer as json_validate requires. */
static int validate(struct json_validator *v, const char *s, size_t *off, struct buf *why)
{
	size_t n = strlen(s);
	char *p = calloc(1, n + JSON_PADDING);
	memcpy(p, s, n);
	buf_reset(why);
	int rc = json_validate(v, p, n, why, off);
	free(p);
	return rc;
}

TEST(validate_accepts_and_rejects)
{
	struct json_validator *v = json_validator_new();
	struct buf why = BUF_INIT;
	size_t off;
	const char *good[] = { "{}", "{\"a\":[1,-2.5e-3,true,false,null,{\"b\":\"\\u0000\"}]}",
			       "{\"s\":\"\\ud83d\\ude00 \\\" \\\\ \\/ \\b\\f\\n\\r\\t\"}",
			       /* valid numbers of any size pass through */
			       "{\"big\":123456789012345678901234567890,\"e\":1e400,\"m\":-0.5E-7}" };
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		CHECK(validate(v, good[i], &off, &why) == 0);
	const char *bad[] = { "{", "{\"a\":tru}", "{\"a\":01}", "{\"a\":\"x\\q\"}", "{\"a\":1,}",
			      "{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}", "{} x", "{\"a\" 1}", "",
			      "[]", "1", "\"s\"", "{\"a\":1.}", "{\"a\":-}", "{\"a\":[1,]}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int rc = validate(v, bad[i], &off, &why);
		CHECK(rc == -1);
		CHECK(why.len > 0);
	}
	validate(v, "{\"a\":tru}", &off, &why);
	CHECK(off >= 5 && off <= 9);
	buf_release(&why);
	json_validator_free(v);
}

TEST(member_iteration)
{
	const char *s = " { \"a\" : 1 , \"t\\u0065xt\":\"x\\\"}\" ,\"o\":{\"k\":[1,\"]\"]},\"n\":null}";
	size_t pos = 0;
	struct json_member m;
	CHECK(json_object_next(s, strlen(s), &pos, &m) == 1);
	CHECK_EQ_MEM(m.key, m.key_len, "a", 1);
	CHECK_EQ_MEM(m.val, m.val_len, "1", 1);
	CHECK(m.type == JV_NUMBER);
	CHECK(json_object_next(s, strlen(s), &pos, &m) == 1);
	CHECK(json_key_equals(&m, "text"));
	CHECK(m.type == JV_STRING);
	CHECK_EQ_MEM(m.val, m.val_len, "\"x\\\"}\"", 6);
	CHECK(json_object_next(s, strlen(s), &pos, &m) == 1);
	CHECK(m.type == JV_OBJECT);
	CHECK_EQ_MEM(m.val, m.val_len, "{\"k\":[1,\"]\"]}", 13);
	CHECK(json_object_next(s, strlen(s), &pos, &m) == 1);
	CHECK(m.type == JV_NULL);
	CHECK(json_object_next(s, strlen(s), &pos, &m) == 0);
	pos = 0;
	CHECK(json_object_next("[1]", 3, &pos, &m) == 0);
}

TEST(string_decode)
{
	struct buf b = BUF_INIT;
	const char *raw = "a\\u0000b\\n\\u00e9\\ud83d\\ude00\\\\\\\"\\/\\ud800x";
	json_string_decode(&b, raw, strlen(raw));
	const char want[] = "a\0b\n\xc3\xa9\xf0\x9f\x98\x80\\\"/\xef\xbf\xbdx";
	CHECK_EQ_MEM(b.data, b.len, want, sizeof(want) - 1);
	CHECK(json_string_decoded_len(raw, strlen(raw)) == sizeof(want) - 1);
	buf_release(&b);
}

TEST(string_encode_round_trip)
{
	struct buf enc = BUF_INIT, dec = BUF_INIT;
	char all[300];
	size_t n = 0;
	for (int c = 0; c < 128; c++)
		all[n++] = (char)c;
	memcpy(all + n, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
	n += 9;
	json_string_encode(&enc, all, n);
	CHECK(enc.data[0] == '"' && enc.data[enc.len - 1] == '"');
	/* No raw control bytes in the encoding. */
	for (size_t i = 0; i < enc.len; i++)
		CHECK((unsigned char)enc.data[i] >= 0x20);
	json_string_decode(&dec, enc.data + 1, enc.len - 2);
	CHECK_EQ_MEM(dec.data, dec.len, all, n);
	struct json_validator *v = json_validator_new();
	struct buf why = BUF_INIT;
	size_t off;
	struct buf obj = BUF_INIT;
	buf_addf(&obj, "{\"k\":%s}", enc.data);
	CHECK(validate(v, obj.data, &off, &why) == 0);
	buf_release(&obj);
	json_validator_free(v);
	buf_release(&why);
	buf_release(&enc);
	buf_release(&dec);
}

/* json_string_encode_repair: valid UTF-8 as json_string_encode; invalid bytes become U+FFFD
 * per maximal ill-formed subpart, never raw bytes in the JSON. */
TEST(string_encode_repaired_subparts)
{
	struct buf b = BUF_INIT;
	json_string_encode_repair(&b, "a\"\xc3\xa9\n", 5);
	CHECK_STR(b.data, "\"a\\\"\xc3\xa9\\n\"");
	buf_reset(&b);
	/* \xff, a truncated 3-byte sequence (one subpart), an encoded surrogate (three) */
	json_string_encode_repair(&b, "x\xffy\xe2\x82z\xed\xa0\x80", 9);
	CHECK_STR(b.data, "\"x\xef\xbf\xbdy\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	buf_release(&b);
}

/* The byte-at-a-time encoder the SWAR loops replaced: the reference they must equal. */
static void reference_encode(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	buf_addch(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
			: c == '\t' ? "\\t" : c == '\r' ? "\\r" : c == '\b' ? "\\b" : c == '\f' ? "\\f"
			: NULL;
		if (e)
			buf_addstr(out, e);
		else if (c < 0x20)
			buf_addf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
		else
			buf_addch(out, (char)c);
	}
	buf_addch(out, '"');
}

/* Random strings over an alphabet rich in what matters (escapes, UTF-8 lead and continuation
 * bytes, invalid bytes), at every length and alignment: both encoders equal the reference. */
TEST(string_encode_fast_paths)
{
	static const unsigned char alpha[] = { 'a', 'Z', ' ', '"', '\\', '\n', 0, 0x1f, 0x7f, 0x80,
					       0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xed, 0xa0, 0xf0,
					       0x9f, 0x98, 0xf4, 0x90, 0xff, 0xc0 };
	uint64_t x = 88172645463325252ULL;
	char s[80];
	struct buf got = BUF_INIT, want = BUF_INIT, fixed = BUF_INIT;
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = (size_t)iter % 70, plain = (size_t)(iter / 70) % 3;
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* long plain stretches too, so that the 8-byte loops run */
			s[i] = plain && x % 8 ? 'a' + (char)(x % 26) : (char)alpha[x % sizeof(alpha)];
		}
		buf_reset(&got), buf_reset(&want), buf_reset(&fixed);
		buf_addstr(&got, "<");
		buf_addstr(&want, "<");
		json_string_encode(&got, s, n);
		reference_encode(&want, s, n);
		CHECK_EQ_MEM(got.data, got.len, want.data, want.len);
		buf_reset(&got), buf_reset(&want);
		json_string_encode_repair(&got, s, n);
		utf8_repair(&fixed, s, n);
		reference_encode(&want, fixed.data, fixed.len);
		CHECK_EQ_MEM(got.data, got.len, want.data, want.len);
	}
	buf_release(&got);
	buf_release(&want);
	buf_release(&fixed);
}

int main(void)
{
	RUN(validate_accepts_and_rejects);
	RUN(member_iteration);
	RUN(string_decode);
	RUN(string_encode_round_trip);
	RUN(string_encode_repaired_subparts);
	RUN(string_encode_fast_paths);
	return HARNESS_SUMMARY();
}
