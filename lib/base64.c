/* Base64, RFC 4648 section 4 (see lib/base64.h). */
#include "lib/base64.h"

#include <stdint.h>

#include "lib/buf.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(struct buf *out, const void *p_, size_t n)
{
	const unsigned char *p = p_;
	buf_grow(out, (n + 2) / 3 * 4);
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		char q[4] = { alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63],
			      alphabet[v & 63] };
		buf_add(out, q, 4);
	}
	if (i < n) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
		char q[4] = { alphabet[v >> 18], alphabet[(v >> 12) & 63],
			      i + 1 < n ? alphabet[(v >> 6) & 63] : '=', '=' };
		buf_add(out, q, 4);
	}
}

/* Alphabet character -> its 6-bit value; X (0xFF) for every other byte. */
#define X 0xFF
static const uint8_t values[256] = {
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X, 62,  X,  X,  X, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61,  X,  X,  X,  X,  X,  X,
	 X,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,  X,  X,  X,  X,  X,
	 X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
	 X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
};
#undef X

/* Four characters at c into three bytes at o, with the '=' pads the last group may end with
 * (one or two). Returns the bytes written, or -1. */
static int decode_group(const unsigned char *c, int last, char *o)
{
	int pad = last && c[3] == '=' ? (c[2] == '=' ? 2 : 1) : 0;
	uint8_t v0 = values[c[0]], v1 = values[c[1]], v2 = pad == 2 ? 0 : values[c[2]],
		v3 = pad ? 0 : values[c[3]];
	if ((v0 | v1 | v2 | v3) & 0x80)
		return -1;
	uint32_t w = (uint32_t)v0 << 18 | (uint32_t)v1 << 12 | (uint32_t)v2 << 6 | v3;
	o[0] = (char)(w >> 16);
	o[1] = (char)(w >> 8);
	o[2] = (char)w;
	return 3 - pad;
}

/* Table-driven and straight into out's memory: tokenize decodes every token of a .tiktoken
 * vocabulary with it when it loads one (200,000 for o200k_base). */
int base64_decode(const char *s, size_t n, struct buf *out)
{
	if (n % 4)
		return -1;
	buf_grow(out, n / 4 * 3);
	char *o = out->data + out->len;
	for (size_t i = 0; i < n; i += 4) {
		int k = decode_group((const unsigned char *)s + i, i + 4 == n, o);
		if (k < 0) {
			out->data[out->len] = '\0';
			return -1;
		}
		o += k;
	}
	out->len = (size_t)(o - out->data);
	out->data[out->len] = '\0';
	return 0;
}
