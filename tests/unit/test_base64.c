/* Unit tests for lib/base64.h: RFC 4648's test vectors (section 10), round trips of every byte
 * value at every length mod 3, and the inputs the decoder must refuse. */
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
		"Zg==Zm8=", /* a pad before the end */
		"Zm9!",     /* not in the alphabet */
		"Zm9-",     /* the URL-safe alphabet is not this one */
		"Zm 9v",    /* white space */
	};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&b);
		CHECK(base64_decode(bad[i], strlen(bad[i]), &b) < 0);
	}
	buf_release(&b);
}

int main(void)
{
	RUN(rfc4648_vectors);
	RUN(round_trip);
	RUN(decode_refuses);
	return HARNESS_SUMMARY();
}
