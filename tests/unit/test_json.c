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

/*
 * Defects and valid sequences at every offset from 0 to 140 within a string (so across the
 * 64-byte blocks of simdjson's stage 1 and the 32/64-byte steps of its string unescaping),
 * numbers at block edges and nesting at the depth limit, under every simdjson kernel this CPU
 * runs: the verdicts are fixed and must not depend on the kernel libsimdjson picks.
 */
struct vcase {
	const char *in; /* inserted after k bytes of padding inside a string, or as a number */
	int ok;
};

static int validate_padded(struct json_validator *v, const char *pre, size_t k, const char *in,
			   const char *post, struct buf *why)
{
	struct buf line = BUF_INIT;
	size_t off;
	buf_addstr(&line, pre);
	for (size_t i = 0; i < k; i++)
		buf_addch(&line, 'a' + (char)(i % 26));
	buf_addstr(&line, in);
	buf_addstr(&line, post);
	int rc = validate(v, line.data, &off, why);
	buf_release(&line);
	return rc;
}

/* An object holding depth - 1 nested arrays, the innermost holding `inner` (nothing or one
 * value). */
static int validate_nested(struct json_validator *v, int depth, const char *inner,
			   struct buf *why)
{
	struct buf line = BUF_INIT;
	size_t off;
	buf_addstr(&line, "{\"a\":");
	for (int i = 1; i < depth; i++)
		buf_addch(&line, '[');
	buf_addstr(&line, inner);
	for (int i = 1; i < depth; i++)
		buf_addch(&line, ']');
	buf_addstr(&line, "}");
	int rc = validate(v, line.data, &off, why);
	buf_release(&line);
	return rc;
}

static void kernel_cases(const char *kernel)
{
	static const struct vcase in_string[] = {
		{ "\xff", 0 }, { "\xc0\xaf", 0 }, { "\xed\xa0\x80", 0 }, { "\xe2\x82", 0 },
		{ "\xf4\x90\x80\x80", 0 }, { "\x80", 0 }, { "\x01", 0 }, { "\x1f", 0 },
		{ "\\q", 0 }, { "\\u12G4", 0 }, { "\\u12", 0 }, { "\\", 0 },
		{ "\xe2\x82\xac", 1 }, { "\xf0\x9f\x98\x80", 1 }, { "\xc3\xa9", 1 },
		{ "\\ud83d\\ude00", 1 }, { "\\\"", 1 }, { "\\\\", 1 }, { "\\u00e9", 1 },
		{ "\x7f", 1 },
	};
	static const struct vcase numbers[] = {
		{ "-0.5E-7", 1 }, { "123456789012345678901234567890", 1 }, { "1e400", 1 },
		{ "0", 1 }, { "01", 0 }, { "1.", 0 }, { "-", 0 }, { "1e", 0 }, { ".5", 0 },
		{ "+1", 0 }, { "0x1", 0 }, { "1e+", 0 }, { "--1", 0 },
	};
	struct json_validator *v = json_validator_new();
	struct buf why = BUF_INIT;
	for (size_t k = 0; k <= 140; k++) {
		for (size_t i = 0; i < sizeof(in_string) / sizeof(*in_string); i++) {
			int rc = validate_padded(v, "{\"s\":\"", k, in_string[i].in, "z\"}", &why);
			if (rc != (in_string[i].ok ? 0 : -1))
				fprintf(stderr, "%s: string case %zu at %zu: rc %d\n", kernel, i, k, rc);
			CHECK(rc == (in_string[i].ok ? 0 : -1));
		}
		for (size_t i = 0; i < sizeof(numbers) / sizeof(*numbers); i++) {
			/* the number ends at byte 7 + k: the padding string shifts it across blocks */
			struct buf tail = BUF_INIT;
			buf_addstr(&tail, numbers[i].in);
			buf_addstr(&tail, "}");
			int rc = validate_padded(v, "{\"s\":\"", k, "\",\"n\":", tail.data, &why);
			buf_release(&tail);
			CHECK(rc == (numbers[i].ok ? 0 : -1));
		}
		CHECK(validate_padded(v, "{\"s\":\"", k, "\"}", " ", &why) == 0);
		CHECK(validate_padded(v, "{\"s\":\"", k, "\"}", " x", &why) == -1);
		CHECK(validate_padded(v, "{\"s\":\"", k, "\"", "", &why) == -1);
	}
	/* A value counts as a level: 1000 containers pass when the innermost is empty, 999 when
	 * it holds a value. */
	CHECK(validate_nested(v, JSON_MAX_DEPTH, "", &why) == 0);
	CHECK(validate_nested(v, JSON_MAX_DEPTH + 1, "", &why) == -1);
	CHECK(validate_nested(v, JSON_MAX_DEPTH - 1, "0", &why) == 0);
	CHECK(validate_nested(v, JSON_MAX_DEPTH, "0", &why) == -1);
	CHECK(validate_nested(v, JSON_MAX_DEPTH - 1, "\"\xff\"", &why) == -1);
	buf_release(&why);
	json_validator_free(v);
}

TEST(validate_same_on_every_kernel)
{
	static const char *const kernels[] = { "fallback", "westmere", "haswell", "icelake" };
	const char *best = json_validate_kernel();
	char best_name[32];
	snprintf(best_name, sizeof best_name, "%s", best);
	int ran = 0;
	for (size_t i = 0; i < sizeof(kernels) / sizeof(*kernels); i++) {
		if (json_validate_use_kernel(kernels[i]) < 0)
			continue;
		CHECK_STR(json_validate_kernel(), kernels[i]);
		kernel_cases(kernels[i]);
		ran++;
	}
	CHECK(ran >= 1);
	CHECK(json_validate_use_kernel("no-such-kernel") == -1);
	CHECK(json_validate_use_kernel(best_name) == 0);
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
	RUN(validate_same_on_every_kernel);
	RUN(member_iteration);
	RUN(string_decode);
	RUN(string_encode_round_trip);
	RUN(string_encode_repaired_subparts);
	RUN(string_encode_fast_paths);
	return HARNESS_SUMMARY();
}
