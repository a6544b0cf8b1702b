/* UTF-8 validation and repair over whole strings (the per-character steps are in utf8.h). */
#include "lib/utf8.h"

#include "lib/buf.h"

#include <string.h>

size_t utf8_valid_prefix(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		/* ASCII fast path, 8 bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, u + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		int32_t cp;
		size_t k = utf8_decode(u + i, n - i, &cp);
		if (!k)
			return i;
		i += k;
	}
	return n;
}

size_t utf8_invalid_len(const unsigned char *u, size_t n)
{
	unsigned c = u[0], lo = 0x80, hi = 0xBF;
	size_t need;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0;
		if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 1;
	}
	size_t k = 1;
	if (k < n && u[k] >= lo && u[k] <= hi) {
		k++;
		while (k < need && k < n && (u[k] & 0xC0) == 0x80)
			k++;
	}
	return k;
}

size_t utf8_repair(struct buf *out, const char *s, size_t n)
{
	size_t fixed = 0;
	while (n) {
		size_t ok = utf8_valid_prefix(s, n);
		buf_add(out, s, ok);
		if (ok == n)
			break;
		size_t bad = utf8_invalid_len((const unsigned char *)s + ok, n - ok);
		buf_add(out, UTF8_REPLACEMENT, 3);
		fixed++;
		s += ok + bad;
		n -= ok + bad;
	}
	return fixed;
}
