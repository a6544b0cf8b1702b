/* Unit tests for lib/utf8: the one UTF-8 decoder, encoder, validator and repairer. */
#include "harness.h"
#include "lib/buf.h"
#include "lib/utf8.h"

/* The RFC 3629 definition, written out independently of lib/utf8: is s[0..n) exactly one
 * well-formed sequence, and which code point? */
static int ref_one(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t need = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 :
		      (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (!need || need != n)
		return 0;
	uint32_t c = need == 1 ? s[0] : s[0] & (0x7F >> need);
	for (size_t k = 1; k < need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3F);
	}
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (c < min[need] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return 1;
}

TEST(encode_decode_every_scalar)
{
	unsigned char b[UTF8_MAX + 4] = { 0 };
	for (uint32_t cp = 0; cp < 0x110000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		size_t n = utf8_encode(cp, b);
		size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		uint32_t ref = 0;
		int32_t got = -1;
		size_t vlen = 0;
		if (n != want || !ref_one(b, n, &ref) || ref != cp || utf8_decode(b, n, &got) != n ||
		    got != (int32_t)cp || utf8_decode_valid(b, &vlen) != cp || vlen != n ||
		    utf8_lead_len(b[0]) != n || utf8_valid_prefix((char *)b, n) != n) {
			CHECK(!"round trip");
			break;
		}
		/* Cut short, the sequence is ill-formed and is one replacement. */
		if (n > 1 && (utf8_decode(b, n - 1, &got) != 0 || utf8_invalid_len(b, n - 1) != n - 1))
			CHECK(!"truncated");
	}
}

/* Every two- and three-byte string (and every four-byte one with a lead F0..F7 and a
 * continuation-range third and fourth byte) is accepted exactly when the definition says so. */
TEST(decode_agrees_with_definition)
{
	unsigned char b[4];
	size_t bad = 0;
	for (unsigned x = 0; x < 0x10000; x++) {
		b[0] = (unsigned char)(x >> 8), b[1] = (unsigned char)x;
		uint32_t ref;
		int32_t got;
		size_t k = utf8_decode(b, 2, &got);
		int ok1 = b[0] < 0x80, ok2 = ref_one(b, 2, &ref);
		bad += ok1 ? k != 1 : ok2 ? (k != 2 || got != (int32_t)ref) : k != 0;
	}
	for (unsigned x = 0xE00000; x < 0xF00000; x++) {
		b[0] = (unsigned char)(x >> 16), b[1] = (unsigned char)(x >> 8), b[2] = (unsigned char)x;
		uint32_t ref;
		int32_t got;
		size_t k = utf8_decode(b, 3, &got);
		int ok = ref_one(b, 3, &ref);
		bad += ok ? (k != 3 || got != (int32_t)ref) : k != 0;
	}
	for (unsigned lead = 0xF0; lead < 0xF8; lead++)
		for (unsigned x = 0; x < 0x10000; x++) {
			b[0] = (unsigned char)lead, b[1] = (unsigned char)(x >> 8);
			b[2] = (unsigned char)(0x80 | (x & 0x3F)), b[3] = (unsigned char)(0x80 | ((x >> 6) & 0x3F));
			uint32_t ref;
			int32_t got;
			size_t k = utf8_decode(b, 4, &got);
			int ok = ref_one(b, 4, &ref);
			bad += ok ? (k != 4 || got != (int32_t)ref) : k != 0;
		}
	CHECK(bad == 0);
}

TEST(valid_prefix)
{
	CHECK(utf8_valid_prefix("", 0) == 0);
	CHECK(utf8_valid_prefix("abc", 3) == 3);
	CHECK(utf8_valid_prefix("abc\xc3\xa9", 5) == 5);
	CHECK(utf8_valid_prefix("a\xc3", 2) == 1);
	CHECK(utf8_valid_prefix("ab\xc0\x80", 4) == 2);         /* overlong */
	CHECK(utf8_valid_prefix("\xc0\xaf", 2) == 0);           /* overlong */
	CHECK(utf8_valid_prefix("\xe0\x80\xaf", 3) == 0);       /* overlong */
	CHECK(utf8_valid_prefix("\xf0\x80\x80\xaf", 4) == 0);   /* overlong */
	CHECK(utf8_valid_prefix("ab\xed\xa0\x80", 5) == 2);     /* surrogate */
	CHECK(utf8_valid_prefix("\xf4\x90\x80\x80", 4) == 0);   /* > U+10FFFF */
	CHECK(utf8_valid_prefix("\xf5\x80\x80\x80", 4) == 0);   /* no such lead */
	CHECK(utf8_valid_prefix("abc\x80", 4) == 3);            /* stray continuation */
	CHECK(utf8_valid_prefix("12345678\xe2\x82", 10) == 8);  /* truncated after the fast path */
	CHECK(utf8_valid_prefix("\xf0\x9f\x99\x82xxxxxxxxx", 13) == 13);
	CHECK(utf8_valid_prefix("0123456789abcdef\xff", 17) == 16);
}

/* Replacement per maximal subpart: the counts Python's bytes.decode(errors="replace") gives. */
TEST(repair_maximal_subparts)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
		size_t fixed;
	} cases[] = {
		{ "a\xe2\x82" "b\xff\xc3x", 7, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbdx", 3 },
		{ "clean \xe2\x82\xac", 9, "clean \xe2\x82\xac", 0 },
		{ "\xf0\x9f\x99", 3, "\xef\xbf\xbd", 1 },                 /* truncated 4-byte: one */
		{ "\xed\xa0\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3 }, /* surrogate: three */
		{ "\xe0\x80\x80", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 3 }, /* overlong: three */
		{ "\xf4\x90\x80\x80", 4, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 4 },
		{ "\xc3\xc3\xa9", 3, "\xef\xbf\xbd\xc3\xa9", 1 },
		{ "\x80\x80", 2, "\xef\xbf\xbd\xef\xbf\xbd", 2 },
	};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		CHECK(utf8_repair(&b, cases[i].in, cases[i].len) == cases[i].fixed);
		CHECK_STR(b.data, cases[i].out);
		CHECK(utf8_valid_prefix(b.data, b.len) == b.len);
	}
	CHECK(utf8_invalid_len((const unsigned char *)"\xe2\x82x", 3) == 2);
	CHECK(utf8_invalid_len((const unsigned char *)"\xff", 1) == 1);
	CHECK(utf8_invalid_len((const unsigned char *)"\xe0\x80", 2) == 1);
	buf_release(&b);
}

/* utf8_next and utf8_prev step over whole characters: around every scalar's encoding, and in
 * ill-formed and cut-short text without leaving [lo, n]. */
TEST(next_prev)
{
	unsigned char b[UTF8_MAX + 2];
	size_t bad = 0;
	for (uint32_t cp = 0; cp < 0x110000; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		b[0] = 'x';
		size_t n = utf8_encode(cp, b + 1);
		b[n + 1] = 'y';
		bad += utf8_next(b, n + 2, 0) != 1 || utf8_next(b, n + 2, 1) != n + 1 ||
		       utf8_next(b, n + 2, n + 1) != n + 2 || utf8_next(b, n + 1, 1) != n + 1 ||
		       utf8_prev(b, 0, n + 2) != n + 1 || utf8_prev(b, 0, n + 1) != 1 ||
		       utf8_prev(b, 0, 1) != 0;
	}
	CHECK(bad == 0);
	const unsigned char *s = (const unsigned char *)"\x80\x80" "a\xe2\x82";
	CHECK(utf8_next(s, 5, 0) == 2);  /* stray continuation bytes: to the next other byte */
	CHECK(utf8_next(s, 5, 2) == 3);
	CHECK(utf8_next(s, 5, 3) == 5);  /* cut short: stops at n */
	CHECK(utf8_next(s, 4, 3) == 4);
	CHECK(utf8_prev(s, 0, 2) == 0);  /* never below lo */
	CHECK(utf8_prev(s, 1, 2) == 1);
	CHECK(utf8_prev(s, 0, 5) == 3);
}

TEST(cont_count)
{
	/* Every byte: a continuation byte is exactly 10xxxxxx (RFC 3629's tail bytes). */
	size_t bad = 0;
	for (unsigned b = 0; b < 256; b++)
		bad += utf8_is_cont((unsigned char)b) != (b >= 0x80 && b <= 0xBF);
	CHECK(bad == 0);
	/* The count of characters equals the number of code points encoded, for every scalar. */
	unsigned char buf[UTF8_MAX * 3];
	bad = 0;
	for (uint32_t cp = 0; cp < 0x110000; cp += 7) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		size_t n = utf8_encode(cp, buf);
		n += utf8_encode(0x10FFFF - cp, buf + n);
		buf[n++] = 'z';
		bad += utf8_count(buf, n) != 3;
	}
	CHECK(bad == 0);
	/* The eight-bytes-at-a-time loop against a byte-by-byte count, at every start offset and
	 * length of a text mixing 1- to 4-byte characters and stray bytes. */
	unsigned char big[512];
	size_t nb = 0;
	for (uint32_t cp = 0x20; nb + UTF8_MAX + 1 < sizeof big; cp = cp * 3 + 0x1F) {
		if (cp >= 0x110000)
			cp %= 0x10FF;
		if (cp >= 0xD800 && cp <= 0xDFFF)
			cp = 0x41;
		nb += utf8_encode(cp, big + nb);
		if (nb % 5 == 0)
			big[nb++] = 0x80;
	}
	bad = 0;
	for (size_t a = 0; a < 16; a++)
		for (size_t n = 0; a + n <= nb; n++) {
			size_t k = 0;
			for (size_t i = a; i < a + n; i++)
				k += (big[i] & 0xC0) != 0x80;
			bad += utf8_count(big + a, n) != k;
		}
	CHECK(bad == 0);
	/* Ill-formed text: each byte that is not a continuation byte counts once. */
	CHECK(utf8_count((const unsigned char *)"\x80\xc3\xa9\xff" "a", 5) == 3);
	CHECK(utf8_count((const unsigned char *)"", 0) == 0);
}

int main(void)
{
	RUN(encode_decode_every_scalar);
	RUN(decode_agrees_with_definition);
	RUN(valid_prefix);
	RUN(repair_maximal_subparts);
	RUN(next_prev);
	RUN(cont_count);
	return HARNESS_SUMMARY();
}
