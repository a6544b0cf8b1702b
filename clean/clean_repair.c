/*
 * Unicode repair (see clean_unicode.h for the exact steps).
 *
 * The common case is clean ASCII-heavy text, so the main loop copies runs of printable ASCII in
 * bulk and only decodes at the first byte that is not. The mojibake and C1 passes run only when
 * the first pass saw a character that could start mojibake (U+00C2..U+00F4) or a C1 control.
 */
#include "clean/clean_unicode.h"

#include "lib/utf8.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>

/* An encoded surrogate ED A0..BF 80..BF: returns the surrogate value or 0. */
static int32_t encoded_surrogate(const unsigned char *s, size_t n)
{
	if (n >= 3 && s[0] == 0xED && s[1] >= 0xA0 && s[1] <= 0xBF && (s[2] & 0xC0) == 0x80)
		return 0xD000 | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	return 0;
}

/* Printable ASCII plus tab and LF: copied without a second look. */
static const unsigned char plain_ascii[256] = {
	['\t'] = 1, ['\n'] = 1,
#define R16(x) [x] = 1, [x + 1] = 1, [x + 2] = 1, [x + 3] = 1, [x + 4] = 1, [x + 5] = 1, \
	[x + 6] = 1, [x + 7] = 1, [x + 8] = 1, [x + 9] = 1, [x + 10] = 1, [x + 11] = 1, \
	[x + 12] = 1, [x + 13] = 1, [x + 14] = 1, [x + 15] = 1
	R16(0x20), R16(0x30), R16(0x40), R16(0x50), R16(0x60),
#undef R16
	[0x70] = 1, [0x71] = 1, [0x72] = 1, [0x73] = 1, [0x74] = 1, [0x75] = 1, [0x76] = 1,
	[0x77] = 1, [0x78] = 1, [0x79] = 1, [0x7A] = 1, [0x7B] = 1, [0x7C] = 1, [0x7D] = 1,
	[0x7E] = 1, /* not DEL */
};

/*
 * Length of a terminal escape sequence starting with ESC at s[0] (ECMA-48): CSI
 * (ESC [ params intermediates final), control strings (ESC ] / P / X / ^ / _ ... BEL or ESC \),
 * and ESC intermediates final. A control string with no terminator before the next newline
 * only loses its two introducing bytes, so a stray ESC never swallows the document.
 */
static size_t escape_len(const unsigned char *s, size_t n)
{
	if (n < 2)
		return 1;
	unsigned char c = s[1];
	size_t k;
	if (c == '[') {
		k = 2;
		while (k < n && s[k] >= 0x30 && s[k] <= 0x3F)
			k++;
		while (k < n && s[k] >= 0x20 && s[k] <= 0x2F)
			k++;
		if (k < n && s[k] >= 0x40 && s[k] <= 0x7E)
			k++;
		return k;
	}
	if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
		for (k = 2; k < n && s[k] != '\n'; k++) {
			if (s[k] == 0x07)
				return k + 1;
			if (s[k] == 0x1B && k + 1 < n && s[k + 1] == '\\')
				return k + 2;
		}
		return 2;
	}
	k = 1;
	while (k < n && s[k] >= 0x20 && s[k] <= 0x2F)
		k++;
	if (k < n && s[k] >= 0x30 && s[k] <= 0x7E)
		k++;
	return k;
}

/* Windows-1252 bytes 0x80..0x9F; 0 marks the five undefined bytes (Latin-1 C1 there). */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/* The byte 0x80..0xBF that character cp came from when a UTF-8 continuation byte was decoded
 * as Windows-1252 or Latin-1, or -1. */
static int cont_byte_of(int32_t cp)
{
	if (cp >= 0x80 && cp <= 0xBF)
		return cp; /* Latin-1 (C1 included: some decoders keep them) */
	if (cp < 0x100 || cp > 0x2122)
		return -1;
	for (int i = 0; i < 32; i++)
		if (cp1252_high[i] == cp)
			return 0x80 + i;
	return -1;
}

/*
 * If a mojibake sequence starts at s (a character U+00C2..U+00F4 followed by characters that
 * map back to continuation bytes forming one valid UTF-8 character), returns its byte length
 * and sets *fixed; else 0.
 */
static size_t mojibake_at(const unsigned char *s, size_t n, int32_t *fixed)
{
	int32_t lead;
	size_t l = utf8_decode(s, n, &lead);
	if (!l || lead < 0xC2 || lead > 0xF4)
		return 0;
	size_t need = lead <= 0xDF ? 2 : lead <= 0xEF ? 3 : 4;
	unsigned char bytes[4];
	bytes[0] = (unsigned char)lead;
	size_t pos = l;
	for (size_t k = 1; k < need; k++) {
		int32_t c;
		size_t cl = pos < n ? utf8_decode(s + pos, n - pos, &c) : 0;
		if (!cl)
			return 0;
		int b = cont_byte_of(c);
		if (b < 0)
			return 0;
		bytes[k] = (unsigned char)b;
		pos += cl;
	}
	if (utf8_decode(bytes, need, fixed) != need)
		return 0;
	return pos;
}

/* Pass 3: decode mojibake if every non-ASCII character is covered by a mojibake sequence. */
static int fix_mojibake(const char *s, size_t n, struct buf *out, struct clean_repair_stats *st)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, found = 0;
	int32_t fixed;
	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		size_t l = mojibake_at(u + i, n - i, &fixed);
		if (!l)
			return 0; /* a non-ASCII character that is not mojibake: leave the text alone */
		found++;
		i += l;
	}
	if (!found)
		return 0;
	for (i = 0; i < n;) {
		size_t j = i;
		while (j < n && u[j] < 0x80)
			j++;
		buf_add(out, s + i, j - i);
		if (j >= n)
			break;
		size_t l = mojibake_at(u + j, n - j, &fixed);
		unsigned char enc[4];
		buf_add(out, enc, utf8_encode(fixed, enc));
		i = j + l;
	}
	st->mojibake += found;
	st->docs_mojibake++;
	return 1;
}

/* Pass 4: drop C1 controls; an 8-bit CSI (U+009B) takes its parameters and final byte along. */
static void strip_c1(const char *s, size_t n, struct buf *out, struct clean_repair_stats *st)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		const char *p = memchr(s + i, 0xC2, n - i);
		size_t j = p ? (size_t)(p - s) : n;
		if (j + 1 < n && u[j + 1] >= 0x80 && u[j + 1] <= 0x9F) {
			buf_add(out, s + i, j - i);
			st->c1++;
			size_t k = j + 2;
			if (u[j + 1] == 0x9B) {
				while (k < n && u[k] >= 0x30 && u[k] <= 0x3F)
					k++;
				while (k < n && u[k] >= 0x20 && u[k] <= 0x2F)
					k++;
				if (k < n && u[k] >= 0x40 && u[k] <= 0x7E)
					k++;
				st->escapes++;
			}
			i = k;
		} else {
			size_t e = j < n ? j + 1 : n;
			buf_add(out, s + i, e - i);
			i = e;
		}
	}
}

static const unsigned char fffd[3] = { 0xEF, 0xBF, 0xBD };

/* End of the run of plain bytes (printable ASCII, tab, LF) from j: 16 bytes at a time (SSE2)
 * or 8 while all are, then byte by byte. */
static size_t plain_run_end(const unsigned char *u, size_t j, size_t n)
{
#ifdef __SSE2__
	for (; j + 16 <= n; j += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(u + j));
		/* signed compares: bytes >= 0x80 are negative, never plain */
		__m128i plain = _mm_or_si128(
			_mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F)),
				      _mm_cmplt_epi8(x, _mm_set1_epi8(0x7F))),
			_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\t')),
				     _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'))));
		unsigned m = (unsigned)_mm_movemask_epi8(plain);
		if (m != 0xFFFF)
			return j + (size_t)__builtin_ctz(~m);
	}
#endif
	for (; j + 8 <= n; j += 8) {
		uint64_t w, ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
		memcpy(&w, u + j, 8);
		uint64_t below_space = (w - 0x20 * ones) & ~w & high;
		uint64_t del = ((w ^ (0x7F * ones)) - ones) & ~(w ^ (0x7F * ones)) & high;
		if ((w & high) | del)
			break;
		if (below_space) { /* usually a newline: fine unless another control is here */
			int special = 0;
			for (int k = 0; k < 8; k++)
				special |= !plain_ascii[u[j + k]];
			if (special)
				break;
		}
	}
	while (j < n && plain_ascii[u[j]])
		j++;
	return j;
}

/* The ASCII control byte at u[i] (not tab or LF): CR LF becomes LF, a lone CR and form feed
 * stay, an escape sequence or another control goes. Returns the bytes consumed; *changed is set
 * when something was removed. */
static size_t repair_control(const unsigned char *u, size_t i, size_t n, struct buf *out,
			     struct clean_repair_stats *st, int *changed)
{
	unsigned char b = u[i];
	if (b == '\r' && i + 1 < n && u[i + 1] == '\n') {
		st->crlf++;
		*changed = 1;
		return 1;
	}
	if (b == '\r' || b == '\f') {
		buf_addch(out, (char)b);
		return 1;
	}
	*changed = 1;
	if (b == 0x1B) {
		st->escapes++;
		return escape_len(u + i, n - i);
	}
	st->controls++;
	return 1;
}

/* Ill-formed UTF-8 at u[i]: an encoded surrogate pair (CESU-8) becomes its character, anything
 * else U+FFFD per maximal subpart. Returns the bytes consumed. */
static size_t repair_invalid(const unsigned char *u, size_t i, size_t n, struct buf *out,
			     struct clean_repair_stats *st)
{
	int32_t hi = encoded_surrogate(u + i, n - i);
	if (hi) {
		int32_t lo = hi <= 0xDBFF ? encoded_surrogate(u + i + 3, n - i - 3) : 0;
		if (lo >= 0xDC00) {
			unsigned char enc[4];
			int32_t c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
			buf_add(out, enc, utf8_encode(c, enc));
			st->surrogate_pairs++;
			return 6;
		}
		buf_add(out, fffd, 3);
		st->invalid++;
		return 3;
	}
	buf_add(out, fffd, 3);
	st->invalid++;
	return utf8_invalid_len(u + i, n - i);
}

/* Steps 3 and 4 over cur[0, curlen): the mojibake fix, then C1 controls. When either changes
 * something, out[start..] is replaced by the result and 1 returned; else out is untouched. cur
 * may point into out. */
static int repair_second_pass(const char *cur, size_t curlen, struct buf *out, size_t start,
			      int maybe_mojibake, int has_c1, struct clean_repair_stats *st)
{
	struct buf tmp = BUF_INIT, tmp2 = BUF_INIT;
	int changed = 0;
	if (maybe_mojibake && fix_mojibake(cur, curlen, &tmp, st)) {
		changed = 1;
		has_c1 = memchr(tmp.data, 0xC2, tmp.len) != NULL;
		cur = tmp.data;
		curlen = tmp.len;
	}
	if (has_c1) {
		uint64_t before = st->c1;
		strip_c1(cur, curlen, &tmp2, st);
		if (st->c1 != before) {
			changed = 1;
			cur = tmp2.data;
			curlen = tmp2.len;
		}
	}
	if (changed) {
		buf_setlen(out, start);
		buf_add(out, cur, curlen);
	}
	buf_release(&tmp);
	buf_release(&tmp2);
	return changed;
}

/* Steps 1 and 2 without writing: the offset of the first byte they would change (n: none), and
 * whether steps 3 and 4 have something to look at. Most text needs no repair at all, so it is
 * never copied. */
static size_t repair_scan(const unsigned char *u, size_t n, int *maybe_mojibake, int *has_c1)
{
	size_t i = 0;
	while (i < n) {
		if (u[i] < 0x80) /* text in other scripts has short ASCII runs: look first */
			i = plain_ascii[u[i]] ? plain_run_end(u, i + 1, n) : i;
		if (i >= n)
			break;
		if (u[i] < 0x80) {
			if (u[i] == '\f' || (u[i] == '\r' && !(i + 1 < n && u[i + 1] == '\n'))) {
				i++; /* kept as they are (repair_control) */
				continue;
			}
			return i;
		}
		int32_t cp;
		size_t l = utf8_decode(u + i, n - i, &cp);
		if (!l)
			return i;
		if (cp <= 0x9F)
			*has_c1 = 1;
		else if (cp >= 0xC2 && cp <= 0xF4)
			*maybe_mojibake = 1;
		i += l;
	}
	return n;
}

int clean_repair(const char *s, size_t n, struct buf *out, struct clean_repair_stats *st)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = out->len, i = 0;
	int changed = 0, maybe_mojibake = 0, has_c1 = 0;

	if (repair_scan(u, n, &maybe_mojibake, &has_c1) == n)
		return (maybe_mojibake || has_c1) &&
		       repair_second_pass(s, n, out, start, maybe_mojibake, has_c1, st);
	maybe_mojibake = has_c1 = 0;
	buf_grow(out, n);
	while (i < n) {
		size_t j = plain_run_end(u, i, n);
		buf_add(out, s + i, j - i);
		i = j;
		if (i >= n)
			break;
		if (u[i] < 0x80) {
			i += repair_control(u, i, n, out, st, &changed);
			continue;
		}
		int32_t cp;
		size_t l = utf8_decode(u + i, n - i, &cp);
		if (l) {
			if (cp <= 0x9F)
				has_c1 = 1;
			else if (cp >= 0xC2 && cp <= 0xF4)
				maybe_mojibake = 1;
			buf_add(out, s + i, l);
			i += l;
			continue;
		}
		changed = 1;
		i += repair_invalid(u, i, n, out, st);
	}
	if ((maybe_mojibake || has_c1) &&
	    repair_second_pass(out->data + start, out->len - start, out, start, maybe_mojibake,
			       has_c1, st))
		changed = 1;
	return changed;
}
