/* Unit tests for lib/base64.h: RFC 4648's test vectors (section 10), round trips of every byte
 * value at every length mod 3, and the inputs the decoder must refuse. */
#include <stdint.h>

#include "harness.h"
#include "lib/base64.h"
#include "lib/buf.h"

static const char *const vectors[][2] = {
	{ "", "" },          { "f", "Zg==" },         { "fo", "Zm8=" },         { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
};

TEST(rfc4648_vectors)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		buf_reset(&b);
		base64_encode(&b, vectors[i][0], strlen(vectors[i][0]));
		CHECK_EQ_MEM(b.data, b.len, vectors[i][1], strlen(vectors[i][1]));
		buf_reset(&b);
		CHECK(base64_decode(vectors[i][1], strlen(vectors[i][1]), &b) == 0);
		CHECK_EQ_MEM(b.data, b.len, vectors[i][0], strlen(vectors[i][0]));
	}
	/* the two characters past the letters and digits, and appending to what is there */
	buf_reset(&b);
	buf_addstr(&b, "x:");
	base64_encode(&b, "\xfb\xff\xbf", 3);
	CHECK_STR(b.data, "x:+/+/");
	buf_release(&b);
}

TEST(round_trip)
{
	unsigned char raw[256];
	for (int i = 0; i < 256; i++)
		raw[i] = (unsigned char)(255 - i);
	struct buf enc = BUF_INIT, dec = BUF_INIT;
	for (size_t n = 0; n <= sizeof(raw); n++) {
		buf_reset(&enc);
		buf_reset(&dec);
		base64_encode(&enc, raw, n);
		CHECK(enc.len == (n + 2) / 3 * 4);
		CHECK(base64_decode(enc.data, enc.len, &dec) == 0);
		CHECK_EQ_MEM(dec.data, dec.len, raw, n);
	}
	buf_release(&enc);
	buf_release(&dec);
}

TEST(decode_refuses)
{
	static const char *const bad[] = {
		"Zg=",      /* not a multiple of 4 */
		"Zg",       /* unpadded */
		"Z===",     /* three pads */
		"Zg=a",     /* data after a pad */
		"I=Q=",     /* a pad inside the last group */
		"Zg==Zm8=", /* a pad before the end */
		"Zm9!",     /* not in the alphabet */
		"Zm9-",     /* the URL-safe alphabet is not this one */
		"Zm 9v",    /* white space */
	};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&b);
		buf_addstr(&b, "kept");
		CHECK(base64_decode(bad[i], strlen(bad[i]), &b) < 0);
		CHECK_STR(b.data, "kept"); /* out unchanged */
	}
	buf_release(&b);
}

/* The decoding table: each of the 256 byte values in each position of a group, against the
 * alphabet of RFC 4648 section 4 (Table 1). */
TEST(decode_every_byte)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct buf b = BUF_INIT;
	for (int c = 0; c < 256; c++) {
		const char *at = c ? memchr(alphabet, c, 64) : NULL;
		for (int pos = 0; pos < 4; pos++) {
			char g[4] = { 'A', 'A', 'A', 'A' };
			g[pos] = (char)c;
			buf_reset(&b);
			int rc = base64_decode(g, 4, &b);
			if (c == '=') { /* a pad: only at the end ("AAA="), "AA=A" is refused */
				CHECK(pos == 3 ? rc == 0 && b.len == 2 : rc < 0);
				continue;
			}
			CHECK((rc == 0) == (at != NULL));
			if (!at || rc)
				continue;
			uint32_t v = (uint32_t)(at - alphabet) << (6 * (3 - pos));
			char want[3] = { (char)(v >> 16), (char)(v >> 8), (char)v };
			CHECK_EQ_MEM(b.data, b.len, want, 3);
		}
	}
	buf_release(&b);
}

int main(void)
{
	RUN(rfc4648_vectors);
	RUN(round_trip);
	RUN(decode_refuses);
	RUN(decode_every_byte);
	return HARNESS_SUMMARY();
}
