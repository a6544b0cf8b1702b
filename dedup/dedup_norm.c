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

#include "lib/die.h"
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

/* ---- any subset of the folds (--fold; --exact's default of none) ---- */

static int is_white_space(utf8proc_int32_t c)
{
	if (c < 0x80)
		return c == ' ' || (c >= 0x09 && c <= 0x0d);
	if (c == 0x85)
		return 1;
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_ZS || k == UTF8PROC_CATEGORY_ZL || k == UTF8PROC_CATEGORY_ZP;
}

struct fold_out {
	struct buf *b;
	unsigned fold;
	int space; /* output empty or ending in a space */
};

static void fold_space(struct fold_out *o)
{
	if (!o->space)
		buf_addch(o->b, ' ');
	o->space = 1;
}

/* One code point of the (already composed or decomposed, case-folded) text. */
static void fold_cp(struct fold_out *o, utf8proc_int32_t c)
{
	if (is_white_space(c)) {
		fold_space(o);
		return;
	}
	if (o->fold & DEDUP_FOLD_PUNCT) {
		enum cp_class k = classify(c);
		if (k == CP_DROP && utf8proc_category(c) == UTF8PROC_CATEGORY_CF)
			return;
		if (k == CP_SPACE) {
			fold_space(o);
			return;
		}
	}
	if ((o->fold & DEDUP_FOLD_DIGITS) && is_digit_cp(c))
		c = '0';
	else if ((o->fold & DEDUP_FOLD_CASE) && c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	unsigned char tmp[4];
	buf_add(o->b, tmp, (size_t)utf8proc_encode_char(c, tmp));
	o->space = 0;
}

/*
 * A stretch of non-ASCII text (with the ASCII character before it, which may be the base of a
 * combining mark) through utf8proc: NFC, or NFD without marks under accents; case folding under
 * case. ASCII never composes with what follows it, so stretches can end before the next ASCII
 * byte. Invalid bytes split stretches and are handled by the caller.
 */
static void fold_stretch(struct fold_out *o, const unsigned char *p, size_t n)
{
	utf8proc_option_t opt = UTF8PROC_STABLE;
	opt |= (o->fold & DEDUP_FOLD_ACCENTS) ? UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK
					      : UTF8PROC_COMPOSE;
	if (o->fold & DEDUP_FOLD_CASE)
		opt |= UTF8PROC_CASEFOLD;
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t len = utf8proc_map(p, (utf8proc_ssize_t)n, &m, opt);
	if (len < 0) /* only out of memory: the input is valid */
		die(GRIST_EXIT_INTERNAL, "out of memory");
	for (utf8proc_ssize_t i = 0; i < len;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t used = utf8proc_iterate(m + i, len - i, &c);
		if (used <= 0)
			break;
		i += used;
		fold_cp(o, c);
	}
	free(m);
}

/* Length of the valid UTF-8 prefix of p[0..n). */
static size_t valid_prefix(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t used = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &c);
		if (used <= 0)
			break;
		i += (size_t)used;
	}
	return i;
}

void dedup_normalize_general(const char *text, size_t len, unsigned fold, struct buf *out)
{
	pthread_once(&tables_once, tables_init); /* classify() reads ascii_map */
	buf_reset(out);
	struct fold_out o = { out, fold, 1 };
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0;
	while (i < len) {
		if (p[i] < 0x80 && (i + 1 == len || p[i + 1] < 0x80)) {
			fold_cp(&o, p[i++]);
			continue;
		}
		size_t start = i, end = i + (p[i] < 0x80);
		while (end < len && p[end] >= 0x80)
			end++;
		/* [start, end): an optional ASCII base, then non-ASCII bytes. */
		while (start < end) {
			size_t v = valid_prefix(p + start, end - start);
			if (v)
				fold_stretch(&o, p + start, v);
			start += v;
			if (start < end) { /* one invalid byte */
				if (fold & DEDUP_FOLD_PUNCT) {
					fold_space(&o);
				} else {
					buf_addch(out, (char)p[start]);
					o.space = 0;
				}
				start++;
			}
		}
		i = end;
	}
	if (out->len && out->data[out->len - 1] == ' ')
		buf_setlen(out, out->len - 1);
}

void dedup_normalize_fold(const char *text, size_t len, unsigned fold, struct buf *out)
{
	if (fold == DEDUP_FOLD_ALL)
		dedup_normalize(text, len, out);
	else
		dedup_normalize_general(text, len, fold, out);
}

static const char *const fold_names[] = { "case", "digits", "punct", "accents" };

int dedup_fold_parse(const char *s, const char **bad)
{
	if (!strcmp(s, "all"))
		return DEDUP_FOLD_ALL;
	if (!strcmp(s, "none"))
		return 0;
	int fold = 0;
	const char *p = s;
	for (;;) {
		size_t n = strcspn(p, ",");
		int bit = -1;
		for (int k = 0; k < 4; k++)
			if (n == strlen(fold_names[k]) && !strncmp(p, fold_names[k], n))
				bit = 1 << k;
		if (bit < 0) {
			*bad = p;
			return -1;
		}
		fold |= bit;
		if (!p[n])
			return fold;
		p += n + 1;
	}
}

void dedup_fold_name(unsigned fold, struct buf *out)
{
	int first = 1;
	for (int k = 0; k < 4; k++)
		if (fold & (1u << k)) {
			buf_addf(out, "%s%s", first ? "" : ",", fold_names[k]);
			first = 0;
		}
	if (first)
		buf_addstr(out, "none");
}
