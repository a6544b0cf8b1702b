/* Unit tests for lib/json: validation, member iteration, string decode/encode, UTF-8. */
#include <stdlib.h>

#include "harness.h"
#include "lib/json.h"

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

/* json_string_encode_repaired: valid UTF-8 as json_string_encode; invalid bytes become U+FFFD
 * per maximal ill-formed subpart (counted), never raw bytes in the JSON. */
TEST(string_encode_repaired)
{
	struct buf b = BUF_INIT;
	CHECK(json_string_encode_repaired(&b, "a\"\xc3\xa9\n", 5) == 0);
	CHECK_STR(b.data, "\"a\\\"\xc3\xa9\\n\"");
	buf_reset(&b);
	/* \xff, a truncated 3-byte sequence (one subpart), an encoded surrogate (three) */
	CHECK(json_string_encode_repaired(&b, "x\xffy\xe2\x82z\xed\xa0\x80", 9) == 5);
	CHECK_STR(b.data, "\"x\xef\xbf\xbdy\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	buf_release(&b);
}

int main(void)
{
	RUN(validate_accepts_and_rejects);
	RUN(member_iteration);
	RUN(string_decode);
	RUN(string_encode_round_trip);
	RUN(string_encode_repaired);
	return HARNESS_SUMMARY();
}
