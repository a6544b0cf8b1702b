/*
 * UTF-8 (RFC 3629): the one decoder, encoder, validator and repairer in grist.
 *
 * Well-formed means the RFC 3629 table: no overlong forms, no encoded surrogates (U+D800..DFFF),
 * nothing above U+10FFFF. Repair replaces each *maximal ill-formed subpart* with U+FFFD, as
 * Unicode recommends and as Python and WHATWG decoders do, so replacement counts agree with
 * other tools. The per-character helpers are inline because tokenize and clean call them once
 * per character in their hot loops.
 */
#ifndef GRIST_UTF8_H
#define GRIST_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct buf;

#define UTF8_REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */
#define UTF8_MAX 4                      /* bytes in the longest sequence */

/* Writes cp (< 0x110000) to o (room for UTF8_MAX bytes); returns the bytes written. No check:
 * a surrogate is encoded as the three bytes it would take. */
static inline size_t utf8_encode(uint32_t cp, unsigned char *o)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Decodes the well-formed sequence at s (n > 0 bytes left) into *cp and returns its length, or
 * returns 0 if the bytes there are not a well-formed sequence (*cp untouched). */
static inline size_t utf8_decode(const unsigned char *s, size_t n, int32_t *cp)
{
	unsigned char b = s[0];
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need;
	int32_t c;
	if (b >= 0xC2 && b <= 0xDF) {
		need = 2;
		c = b & 0x1F;
	} else if (b >= 0xE0 && b <= 0xEF) {
		need = 3;
		c = b & 0x0F;
		if (b == 0xE0)
			lo = 0xA0; /* overlong */
		else if (b == 0xED)
			hi = 0x9F; /* surrogate */
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 4;
		c = b & 0x07;
		if (b == 0xF0)
			lo = 0x90; /* overlong */
		else if (b == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	c = (c << 6) | (s[1] & 0x3F);
	for (size_t k = 2; k < need; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[k] & 0x3F);
	}
	*cp = c;
	return need;
}

/* Length of the sequence that lead byte b starts, for text already known to be well-formed. */
static inline size_t utf8_lead_len(unsigned char b)
{
	return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

/* Whether b is a continuation byte (10xxxxxx), i.e. not the first byte of a character. */
static inline int utf8_is_cont(unsigned char b)
{
	return (b & 0xC0) == 0x80;
}

/* The number of characters in s[0..n): the bytes that are not continuation bytes (each byte of
 * ill-formed text that is not a continuation byte counts as one). Eight bytes at a time: a
 * continuation byte has bit 7 set and bit 6 clear, and the per-byte flags are summed with a
 * multiply (no popcount instruction needed). */
static inline size_t utf8_count(const unsigned char *s, size_t n)
{
	size_t cont = 0, i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		uint64_t t = (w & ~(w << 1) & 0x8080808080808080ull) >> 7;
		cont += (size_t)((t * 0x0101010101010101ull) >> 56);
	}
	for (; i < n; i++)
		cont += utf8_is_cont(s[i]);
	return n - cont;
}

/* The offset of the character after the one at s[i] (i < n): past s[i] and the continuation
 * bytes (10xxxxxx) that follow it, at most n. In ill-formed text it stops at the next byte
 * that is not a continuation byte, so a loop over it always advances. */
static inline size_t utf8_next(const unsigned char *s, size_t n, size_t i)
{
	i++;
	while (i < n && utf8_is_cont(s[i]))
		i++;
	return i;
}

/* The offset of the character before s[i] (0 < i): back over continuation bytes to the byte
 * that starts it, at least `lo` (a lower bound, e.g. the start of the text). */
static inline size_t utf8_prev(const unsigned char *s, size_t lo, size_t i)
{
	do
		i--;
	while (i > lo && utf8_is_cont(s[i]));
	return i;
}

/* Decodes the sequence at s in text already known to be well-formed (no checks, no bounds):
 * the tokenizer's per-character step after the whole text was validated once. */
static inline uint32_t utf8_decode_valid(const unsigned char *s, size_t *len)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c < 0xE0) {
		*len = 2;
		return (uint32_t)(c & 0x1F) << 6 | (s[1] & 0x3F);
	}
	if (c < 0xF0) {
		*len = 3;
		return (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	}
	*len = 4;
	return (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 | (uint32_t)(s[2] & 0x3F) << 6 |
	       (s[3] & 0x3F);
}

/* Bytes of s[0..n) that are well-formed UTF-8 from the start: n if all are, else the offset of
 * the first ill-formed sequence. ASCII is checked eight bytes at a time. */
size_t utf8_valid_prefix(const char *s, size_t n);

/* Length (>= 1) of the maximal ill-formed subpart at s (n > 0): the bytes a decoder accepts
 * before it sees that the sequence cannot be completed; they become one U+FFFD. */
size_t utf8_invalid_len(const unsigned char *s, size_t n);

/* Appends s[0..n) to out with each maximal ill-formed subpart replaced by U+FFFD; returns the
 * number of replacements. */
size_t utf8_repair(struct buf *out, const char *s, size_t n);

#endif
