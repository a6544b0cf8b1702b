/* Hand-written parts of lib/json.h: member iteration over validated lines, string escaping,
 * UTF-8 checks. Validation itself is simdjson's (json_validate.cpp). */
#include "json.h"

#include "lib/hex.h"
#include "lib/utf8.h"

#include <string.h>

static size_t skip_ws(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* s[i] is the opening quote; returns the index just past the closing quote. */
static size_t skip_string(const char *s, size_t len, size_t i)
{
	i++;
	for (;;) {
		const char *q = memchr(s + i, '"', len - i);
		if (!q)
			return len;
		size_t j = (size_t)(q - s);
		size_t bs = 0;
		while (j - bs > i && s[j - bs - 1] == '\\')
			bs++;
		if (!(bs & 1))
			return j + 1;
		i = j + 1;
	}
}

static size_t skip_value(const char *s, size_t len, size_t i)
{
	if (s[i] == '"')
		return skip_string(s, len, i);
	if (s[i] == '{' || s[i] == '[') {
		int depth = 0;
		while (i < len) {
			char c = s[i];
			if (c == '"') {
				i = skip_string(s, len, i);
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if (c == '}' || c == ']') {
				if (--depth == 0)
					return i + 1;
			}
			i++;
		}
		return len;
	}
	while (i < len && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' &&
	       s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
		i++;
	return i;
}

static enum jval_type type_of(char c)
{
	switch (c) {
	case '"': return JV_STRING;
	case '{': return JV_OBJECT;
	case '[': return JV_ARRAY;
	case 't': return JV_TRUE;
	case 'f': return JV_FALSE;
	case 'n': return JV_NULL;
	default: return JV_NUMBER;
	}
}

int json_object_next(const char *s, size_t len, size_t *pos, struct json_member *m)
{
	size_t i = *pos;
	if (i == 0) {
		i = skip_ws(s, len, 0);
		if (i >= len || s[i] != '{')
			return 0;
		i++;
	}
	i = skip_ws(s, len, i);
	if (i < len && s[i] == ',')
		i = skip_ws(s, len, i + 1);
	if (i >= len || s[i] != '"')
		return 0;
	size_t kend = skip_string(s, len, i);
	m->key = s + i + 1;
	m->key_len = kend - i - 2;
	i = skip_ws(s, len, kend);
	i = skip_ws(s, len, i + 1); /* the colon */
	size_t vend = skip_value(s, len, i);
	m->val = s + i;
	m->val_len = vend - i;
	m->type = type_of(s[i]);
	*pos = vend;
	return 1;
}

int json_array_next(const char *s, size_t len, size_t *pos, struct json_member *m)
{
	size_t i = *pos;
	if (i == 0) {
		i = skip_ws(s, len, 0);
		if (i >= len || s[i] != '[')
			return 0;
		i++;
	}
	i = skip_ws(s, len, i);
	if (i < len && s[i] == ',')
		i = skip_ws(s, len, i + 1);
	if (i >= len || s[i] == ']')
		return 0;
	size_t vend = skip_value(s, len, i);
	m->key = NULL;
	m->key_len = 0;
	m->val = s + i;
	m->val_len = vend - i;
	m->type = type_of(s[i]);
	*pos = vend;
	return 1;
}

int json_key_equals(const struct json_member *m, const char *name)
{
	size_t n = strlen(name);
	if (!memchr(m->key, '\\', m->key_len))
		return m->key_len == n && !memcmp(m->key, name, n);
	struct buf k = BUF_INIT;
	json_string_decode(&k, m->key, m->key_len);
	int eq = k.len == n && !memcmp(k.data, name, n);
	buf_release(&k);
	return eq;
}

static unsigned read_hex4(const char *p)
{
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		int h = hex_digit(p[k]);
		v = (v << 4) | (unsigned)(h < 0 ? 0 : h);
	}
	return v;
}

/* Decode one escape at raw[i] == '\\'; writes to o, returns bytes written, advances *i. */
static size_t decode_escape(const char *raw, size_t n, size_t *i, char *o)
{
	size_t k = *i;
	if (k + 1 >= n) {
		*i = n;
		return 0;
	}
	char c = raw[k + 1];
	*i = k + 2;
	switch (c) {
	case 'n': o[0] = '\n'; return 1;
	case 't': o[0] = '\t'; return 1;
	case 'r': o[0] = '\r'; return 1;
	case 'b': o[0] = '\b'; return 1;
	case 'f': o[0] = '\f'; return 1;
	case 'u': break;
	default: o[0] = c; return 1; /* \" \\ \/ */
	}
	if (k + 6 > n) {
		*i = n;
		return 0;
	}
	unsigned cp = read_hex4(raw + k + 2);
	*i = k + 6;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (k + 12 <= n && raw[k + 6] == '\\' && raw[k + 7] == 'u') {
			unsigned lo = read_hex4(raw + k + 8);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				*i = k + 12;
				return utf8_encode(0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00), (unsigned char *)o);
			}
		}
		cp = 0xFFFD;
	} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
		cp = 0xFFFD;
	}
	return utf8_encode(cp, (unsigned char *)o);
}

void json_string_decode(struct buf *out, const char *raw, size_t n)
{
	buf_grow(out, n);
	size_t i = 0;
	while (i < n) {
		const char *bs = memchr(raw + i, '\\', n - i);
		size_t run = bs ? (size_t)(bs - raw) - i : n - i;
		memcpy(out->data + out->len, raw + i, run);
		out->len += run;
		i += run;
		if (!bs)
			break;
		out->len += decode_escape(raw, n, &i, out->data + out->len);
	}
	out->data[out->len] = '\0';
}

size_t json_string_decoded_len(const char *raw, size_t n)
{
	size_t i = 0, total = 0;
	char tmp[4];
	while (i < n) {
		const char *bs = memchr(raw + i, '\\', n - i);
		size_t run = bs ? (size_t)(bs - raw) - i : n - i;
		total += run;
		i += run;
		if (!bs)
			break;
		total += decode_escape(raw, n, &i, tmp);
	}
	return total;
}

/* Bytes that need escaping in a JSON string. */
static const unsigned char needs_escape[256] = {
	[0 ... 0x1F] = 1, ['"'] = 1, ['\\'] = 1,
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Is any byte of w below 0x20, '"' or '\\' (SWAR: "has a zero byte" on w, w ^ '"'...,
 * exact for the question "any", which is all the loops below ask)? */
static inline uint64_t swar_escapes(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
	return (((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) | ((b - ONES) & ~b)) & HIGHS;
}

/* The escape of byte c (needs_escape[c]) at o; returns its length. */
static size_t escape_byte(unsigned char c, char *o)
{
	static const char hex[] = "0123456789abcdef";
	o[0] = '\\';
	switch (c) {
	case '"': o[1] = '"'; return 2;
	case '\\': o[1] = '\\'; return 2;
	case '\n': o[1] = 'n'; return 2;
	case '\t': o[1] = 't'; return 2;
	case '\r': o[1] = 'r'; return 2;
	case '\b': o[1] = 'b'; return 2;
	case '\f': o[1] = 'f'; return 2;
	default:
		memcpy(o + 1, "u00", 3);
		o[4] = hex[c >> 4];
		o[5] = hex[c & 15];
		return 6;
	}
}

/* Runs of bytes that need nothing are found 8 at a time and copied whole. */
void json_string_encode(struct buf *out, const char *s, size_t n)
{
	buf_grow(out, n + 2);
	out->data[out->len++] = '"';
	size_t i = 0, run = 0;
	while (i < n) {
		uint64_t w;
		while (i + 8 <= n && (memcpy(&w, s + i, 8), !swar_escapes(w)))
			i += 8;
		while (i < n && !needs_escape[(unsigned char)s[i]])
			i++;
		if (i == n)
			break;
		buf_add(out, s + run, i - run);
		buf_grow(out, 6);
		out->len += escape_byte((unsigned char)s[i++], out->data + out->len);
		run = i;
	}
	buf_add(out, s + run, i - run);
	buf_addch(out, '"');
}

void json_string_encode_repair(struct buf *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	buf_grow(out, n + 2);
	out->data[out->len++] = '"';
	size_t i = 0, run = 0;
	while (i < n) {
		uint64_t w;
		while (i + 8 <= n && (memcpy(&w, s + i, 8), !((w & HIGHS) | swar_escapes(w))))
			i += 8;
		while (i < n && u[i] < 0x80 && !needs_escape[u[i]])
			i++;
		if (i == n)
			break;
		if (u[i] >= 0x80) {
			int32_t cp;
			size_t k = utf8_decode(u + i, n - i, &cp);
			if (k) { /* well-formed: stays in the run */
				i += k;
				continue;
			}
			buf_add(out, s + run, i - run);
			buf_add(out, UTF8_REPLACEMENT, 3);
			i += utf8_invalid_len(u + i, n - i);
		} else {
			buf_add(out, s + run, i - run);
			buf_grow(out, 6);
			out->len += escape_byte(u[i++], out->data + out->len);
		}
		run = i;
	}
	buf_add(out, s + run, i - run);
	buf_addch(out, '"');
}
