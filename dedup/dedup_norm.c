/*
 * Normalization for hashing; see dedup_norm.h for the rules.
 *
 * Speed: ASCII goes through a 128-entry table without branches on the output; other
 * Basic-Multilingual-Plane code points go through a 64K-entry table built once (utf8proc's
 * answer for each, pre-encoded), so utf8proc runs per character only outside the BMP.
 */
#include "dedup/dedup_norm.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "lib/xalloc.h"

/* ASCII map: ' ' for every byte that becomes a space. */
static unsigned char ascii_map[128];

/* What a code point becomes. */
enum cp_class { CP_KEEP, CP_SPACE, CP_DROP, CP_SLOW };

/* BMP table entry: byte 0 = class << 4 | output length; bytes 1..7 = UTF-8 output. */
static uint8_t (*bmp)[8];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static enum cp_class classify(utf8proc_int32_t cp)
{
	if (cp < 0x80)
		return ascii_map[cp] == ' ' ? CP_SPACE : CP_KEEP;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_CF:
	case UTF8PROC_CATEGORY_MN: /* marks left over (none after STRIPMARK, but be safe) */
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return CP_DROP;
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
	case UTF8PROC_CATEGORY_CC:
	case UTF8PROC_CATEGORY_CS:
	case UTF8PROC_CATEGORY_PC:
	case UTF8PROC_CATEGORY_PD:
	case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE:
	case UTF8PROC_CATEGORY_PI:
	case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO:
	case UTF8PROC_CATEGORY_SM:
	case UTF8PROC_CATEGORY_SC:
	case UTF8PROC_CATEGORY_SK:
		return CP_SPACE;
	default:
		return CP_KEEP;
	}
}

static inline int is_digit_cp(utf8proc_int32_t c)
{
	return c < 0x80 ? (c >= '0' && c <= '9') : utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
}

/*
 * The general path for one code point: decompose (NFD), case-fold, strip marks, classify each
 * resulting code point. Appends to o at *n; *space says whether the output ends in a space (or
 * is empty), so runs collapse. The caller guarantees room for 5 * 32 bytes.
 */
static void slow_cp(utf8proc_int32_t cp, unsigned char *o, size_t *n, int *space)
{
	utf8proc_int32_t dec[32];
	utf8proc_ssize_t nd = utf8proc_decompose_char(
		cp, dec, 32, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK, NULL);
	if (nd < 0 || nd > 32) {
		dec[0] = ' ';
		nd = 1;
	}
	for (utf8proc_ssize_t i = 0; i < nd; i++) {
		utf8proc_int32_t c = dec[i];
		enum cp_class k = classify(c);
		if (k == CP_DROP)
			continue;
		if (k == CP_SPACE) {
			if (!*space)
				o[(*n)++] = ' ';
			*space = 1;
			continue;
		}
		if (c < 0x80)
			o[(*n)++] = ascii_map[c];
		else if (is_digit_cp(c))
			o[(*n)++] = '0';
		else
			*n += (size_t)utf8proc_encode_char(c, o + *n);
		*space = 0;
	}
}

static void tables_init(void)
{
	for (int c = 0; c < 128; c++) {
		unsigned char m = ' ';
		if (c >= 'a' && c <= 'z')
			m = (unsigned char)c;
		else if (c >= 'A' && c <= 'Z')
			m = (unsigned char)(c - 'A' + 'a');
		else if (c >= '0' && c <= '9')
			m = '0';
		ascii_map[c] = m;
	}
	bmp = xcalloc(0x10000, sizeof(*bmp));
	for (utf8proc_int32_t cp = 0x80; cp < 0x10000; cp++) {
		unsigned char tmp[5 * 32 + 8];
		size_t n = 0;
		int space = 0;
		slow_cp(cp, tmp, &n, &space);
		uint8_t *e = bmp[cp];
		/* Cacheable: nothing (drop), exactly one space, or only kept bytes (<= 7). */
		if (n == 0)
			e[0] = CP_DROP << 4;
		else if (n == 1 && tmp[0] == ' ')
			e[0] = CP_SPACE << 4;
		else if (n <= 7 && !memchr(tmp, ' ', n)) {
			e[0] = (uint8_t)(CP_KEEP << 4 | n);
			memcpy(e + 1, tmp, n);
		} else {
			e[0] = CP_SLOW << 4;
		}
	}
}

void dedup_normalize(const char *text, size_t len, struct buf *out)
{
	pthread_once(&tables_once, tables_init);
	buf_reset(out);
	/* ASCII writes at most one byte per input byte; the other paths check room themselves. */
	buf_grow(out, len + 8);
	unsigned char *o = (unsigned char *)out->data;
	size_t n = 0, cap = out->cap - 1;
	int space = 1; /* output is empty or ends in a space: a further space is not written */
	const unsigned char *p = (const unsigned char *)text, *end = p + len;

	while (p < end) {
		if (*p < 0x80) {
			while (p < end && *p < 0x80) {
				unsigned char m = ascii_map[*p++];
				o[n] = m;
				n += !(m == ' ' && space);
				space = m == ' ';
			}
			continue;
		}
		/* Room for the worst case of one code point plus the rest at 1:1. */
		size_t need = n + 5 * 32 + 8 + (size_t)(end - p);
		if (need > cap) {
			buf_setlen(out, n);
			buf_grow(out, need - n + (cap >> 1));
			o = (unsigned char *)out->data;
			cap = out->cap - 1;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t used = utf8proc_iterate(p, end - p, &cp);
		if (used <= 0) {
			p++;
			if (!space)
				o[n++] = ' ';
			space = 1;
			continue;
		}
		p += used;
		if (cp < 0x10000) {
			const uint8_t *e = bmp[cp];
			switch (e[0] >> 4) {
			case CP_KEEP:
				memcpy(o + n, e + 1, 8 - 1);
				n += e[0] & 15;
				space = 0;
				continue;
			case CP_SPACE:
				if (!space)
					o[n++] = ' ';
				space = 1;
				continue;
			case CP_DROP:
				continue;
			default:
				break;
			}
		}
		slow_cp(cp, o, &n, &space);
	}
	if (n && o[n - 1] == ' ')
		n--;
	buf_setlen(out, n);
}
