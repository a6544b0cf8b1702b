/*
 * NFC / NFKC normalization with a quick-check fast path.
 *
 * utf8proc_map decodes, decomposes, reorders and recomposes every character and runs at about
 * 28 MB/s here (docs/design.md section 9). Almost all text is already normalized, so we only send
 * utf8proc the stretches that might change. A character is "stable" for a form when
 *   - its canonical combining class is 0,
 *   - normalizing it alone gives itself, and
 *   - it never appears after the first position of a canonical decomposition (so it cannot
 *     compose with a preceding character: Hangul medial/final jamo and a few vowel signs).
 * Such a character is a normalization boundary (nothing before it interacts with it or with
 * anything after it), so NFC(text) is the concatenation of the stable characters as they are and
 * of NFC(segment) for each segment running from the last stable character before an unstable one
 * up to the next stable character. This is the quick-check idea of UAX #15 section 9, with the
 * "Maybe" answers folded into "No"; the table is derived from utf8proc itself at first use, so it
 * always matches the library's Unicode version.
 */
#include "clean/clean_unicode.h"
#include "lib/utf8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#define NCP 0x110000
static unsigned char stable_nfc[NCP / 8], stable_nfkc[NCP / 8];

static inline int bit(const unsigned char *set, int32_t cp)
{
	return set[cp >> 3] >> (cp & 7) & 1;
}

static inline void set_bit(unsigned char *set, int32_t cp)
{
	set[cp >> 3] |= (unsigned char)(1u << (cp & 7));
}

static inline void clear_bit(unsigned char *set, int32_t cp)
{
	set[cp >> 3] &= (unsigned char)~(1u << (cp & 7));
}

static const utf8proc_option_t form_options[] = {
	[CLEAN_NORM_NONE] = 0,
	[CLEAN_NORM_NFC] = UTF8PROC_STABLE | UTF8PROC_COMPOSE,
	[CLEAN_NORM_NFKC] = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
};

/* Does normalizing cp alone give cp? */
static int maps_to_itself(int32_t cp, utf8proc_option_t opt)
{
	utf8proc_uint8_t enc[4], *res = NULL;
	size_t l = utf8_encode(cp, enc);
	utf8proc_ssize_t r = utf8proc_map(enc, (utf8proc_ssize_t)l, &res, opt);
	int same = r == (utf8proc_ssize_t)l && !memcmp(res, enc, l);
	free(res);
	return same;
}

/* Above the first four planes Unicode has only tags, variation selectors and private use:
 * combining class 0, no decompositions (tests/unit/test_clean_unicode.c checks this against
 * utf8proc), so those characters stay stable without a look; the start-up scan covers a
 * third of the code space. */
#define NCP_SCANNED 0x40000

/* Characters after the first position of a canonical decomposition may compose with what
 * precedes them. Hangul V and T jamo compose algorithmically. */
static unsigned char second[NCP / 8];
static pthread_once_t second_once = PTHREAD_ONCE_INIT;

static void build_second(void)
{
	for (int32_t cp = 0; cp < NCP_SCANNED; cp++) {
		const utf8proc_property_t *p = utf8proc_get_property(cp);
		if (p->decomp_seqindex == UINT16_MAX || p->decomp_type != 0)
			continue;
		utf8proc_int32_t d[8];
		utf8proc_ssize_t k = utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE, NULL);
		for (utf8proc_ssize_t i = 1; i < k && i < 8; i++)
			set_bit(second, d[i]);
	}
	for (int32_t cp = 0x1161; cp <= 0x1175; cp++)
		set_bit(second, cp);
	for (int32_t cp = 0x11A8; cp <= 0x11C2; cp++)
		set_bit(second, cp);
}

/* One form's table, built the first time that form is used: a run normalizes to one form,
 * and asking utf8proc about every decomposable character costs ~7 M instructions a form. */
static void build_table(unsigned char *stable, utf8proc_option_t opt)
{
	pthread_once(&second_once, build_second);
	memset(stable, 0xFF, NCP / 8);
	for (int32_t cp = 0x80; cp < NCP_SCANNED; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue; /* never decoded from valid UTF-8 */
		const utf8proc_property_t *p = utf8proc_get_property(cp);
		if (p->combining_class != 0 || bit(second, cp)) {
			clear_bit(stable, cp);
			continue;
		}
		int hangul = cp >= 0xAC00 && cp <= 0xD7A3; /* composed syllables map to themselves */
		if (p->decomp_seqindex == UINT16_MAX || hangul)
			continue;
		if (!maps_to_itself(cp, opt))
			clear_bit(stable, cp);
	}
}

static pthread_once_t nfc_once = PTHREAD_ONCE_INIT, nfkc_once = PTHREAD_ONCE_INIT;

static void build_nfc(void)
{
	build_table(stable_nfc, form_options[CLEAN_NORM_NFC]);
}

static void build_nfkc(void)
{
	build_table(stable_nfkc, form_options[CLEAN_NORM_NFKC]);
}

int clean_norm_parse(const char *name)
{
	if (!strcasecmp(name, "nfc"))
		return CLEAN_NORM_NFC;
	if (!strcasecmp(name, "nfkc"))
		return CLEAN_NORM_NFKC;
	if (!strcasecmp(name, "none"))
		return CLEAN_NORM_NONE;
	return -1;
}

static int map_into(const char *s, size_t n, utf8proc_option_t opt, struct buf *out)
{
	utf8proc_uint8_t *res = NULL;
	utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &res, opt);
	if (r < 0) {
		free(res);
		return -1;
	}
	buf_add(out, res, (size_t)r);
	free(res);
	return 0;
}

int clean_normalize_slow(const char *s, size_t n, enum clean_norm_form form, struct buf *out)
{
	if (form == CLEAN_NORM_NONE) {
		buf_add(out, s, n);
		return 0;
	}
	return map_into(s, n, form_options[form], out);
}

int clean_normalize(const char *s, size_t n, enum clean_norm_form form, struct buf *out)
{
	if (form == CLEAN_NORM_NONE)
		return 0;
	const unsigned char *stable = form == CLEAN_NORM_NFKC ? stable_nfkc : stable_nfc;
	pthread_once(form == CLEAN_NORM_NFKC ? &nfkc_once : &nfc_once,
		     form == CLEAN_NORM_NFKC ? build_nfkc : build_nfc);
	const unsigned char *u = (const unsigned char *)s;
	utf8proc_option_t opt = form_options[form];
	size_t i = 0, done = 0, last = 0; /* `last`: start of the last stable character */
	int wrote = 0;

	while (i < n) {
		/* ASCII is always stable; skip it eight bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, u + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
			last = i - 1;
		}
		if (i >= n)
			break;
		if (u[i] < 0x80) {
			last = i++;
			continue;
		}
		int32_t cp;
		size_t l = utf8_decode(u + i, n - i, &cp);
		if (!l) { /* ill-formed byte: copied, and a boundary utf8proc never sees */
			last = ++i;
			continue;
		}
		if (bit(stable, cp)) {
			last = i;
			i += l;
			continue;
		}
		/* Unstable: the segment runs from `last` to the next stable character. */
		size_t j = i + l;
		while (j < n) {
			if (u[j] < 0x80)
				break;
			size_t l2 = utf8_decode(u + j, n - j, &cp);
			if (!l2 || bit(stable, cp))
				break;
			j += l2;
		}
		if (last < done) /* the segment cannot reach back into already-written text */
			last = done;
		if (!wrote) {
			buf_grow(out, n + 16);
			wrote = 1;
		}
		buf_add(out, s + done, last - done);
		if (map_into(s + last, j - last, opt, out) < 0)
			return -1;
		done = i = last = j;
	}
	if (!wrote)
		return 0;
	buf_add(out, s + done, n - done);
	return 1;
}
