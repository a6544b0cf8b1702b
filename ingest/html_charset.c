/*
 * The character encoding of an HTML document, and its text as UTF-8 (docs/ingest.md, "HTML
 * encodings"). The order is the one browsers use, short of their frequency detectors:
 *   1. a charset declared outside the document (the HTTP Content-Type of a WARC response);
 *   2. valid UTF-8 is UTF-8 (a pure-ASCII page declaring Latin-1 reads the same either way);
 *   3. a charset declared inside: <meta charset=...> or <meta http-equiv content="...;
 *      charset=...">, looked for in the first 4 KiB as the HTML standard's prescan does;
 *   4. guessed ("detection", counted by the caller): UTF-8 with a few broken bytes (at least as
 *      many well-formed multi-byte sequences as stray high bytes) is repaired with U+FFFD;
 *      else the legacy encoding of the page's <html lang> (zh: GB18030, zh-TW/HK: Big5, ja:
 *      Shift_JIS then EUC-JP, ko: CP949, Cyrillic languages: windows-1251, Central European:
 *      windows-1250, ...) when the bytes decode without error in it; else windows-1252.
 * Labels map as the HTML standard says (latin1 and ASCII are windows-1252, GB2312 and GBK read
 * as GB18030, EUC-KR as CP949). Decoding is iconv's; undecodable bytes become U+FFFD.
 */
#include "ingest/html_charset.h"

#include "lib/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

static int is_utf8_label(const char *s)
{
	return !strcasecmp(s, "utf-8") || !strcasecmp(s, "utf8") || !strcasecmp(s, "unicode-1-1-utf-8");
}

/* The iconv name for an encoding label (HTML standard's aliases for the common ones). */
static const char *iconv_name(const char *label)
{
	static const struct {
		const char *label, *name;
	} alias[] = {
		{ "iso-8859-1", "WINDOWS-1252" }, { "iso8859-1", "WINDOWS-1252" },
		{ "latin1", "WINDOWS-1252" },     { "l1", "WINDOWS-1252" },
		{ "us-ascii", "WINDOWS-1252" },   { "ascii", "WINDOWS-1252" },
		{ "gb2312", "GB18030" },          { "gbk", "GB18030" },
		{ "x-gbk", "GB18030" },           { "gb_2312-80", "GB18030" },
		{ "euc-kr", "CP949" },            { "ks_c_5601-1987", "CP949" },
		{ "shift_jis", "CP932" },         { "sjis", "CP932" },
		{ "x-sjis", "CP932" },            { "windows-31j", "CP932" },
		{ "iso-8859-9", "WINDOWS-1254" }, { "tis-620", "CP874" },
	};
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (!strcasecmp(label, alias[i].label))
			return alias[i].name;
	return label;
}

/*
 * Convert p[0..n) from `enc` to UTF-8 into out (reset first). Returns the number of
 * undecodable bytes (each became U+FFFD), or -1 when iconv does not know enc.
 */
static long decode(struct buf *out, const char *p, size_t n, const char *enc)
{
	iconv_t cd = iconv_open("UTF-8", iconv_name(enc));
	if (cd == (iconv_t)-1)
		return -1;
	buf_reset(out);
	long bad = 0;
	char *in = (char *)p;
	size_t inleft = n;
	while (inleft > 0) {
		buf_grow(out, inleft * 2 + 16);
		char *o = out->data + out->len;
		size_t oleft = buf_avail(out);
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		buf_setlen(out, (size_t)(o - out->data));
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		/* EILSEQ or EINVAL (truncated at the end): one byte becomes U+FFFD. */
		buf_add(out, "\xEF\xBF\xBD", 3);
		in++;
		inleft--;
		bad++;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	return bad;
}

/* Case-insensitive search for needle in p[0..n). */
static const char *find_ci(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (!strncasecmp(p + i, needle, k))
			return p + i;
	return NULL;
}

/* The label after "charset" (optional spaces, '=', optional quote) at s, into out. */
static int label_at(const char *s, const char *end, char *out, size_t outsz)
{
	s += 7;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s >= end || *s != '=')
		return 0;
	s++;
	while (s < end && (*s == ' ' || *s == '\t' || *s == '"' || *s == '\''))
		s++;
	size_t k = 0;
	while (s < end && k + 1 < outsz && (isalnum((unsigned char)*s) || strchr("-_.:", *s)))
		out[k++] = *s++;
	out[k] = '\0';
	return k > 0;
}

/* <meta ... charset=LABEL ...> in the first 4 KiB. */
static int meta_charset(const char *p, size_t n, char *out, size_t outsz)
{
	size_t lim = n < 4096 ? n : 4096;
	const char *s = p, *end = p + lim;
	while ((s = find_ci(s, (size_t)(end - s), "<meta")) != NULL) {
		const char *gt = memchr(s, '>', (size_t)(end - s));
		const char *tag_end = gt ? gt : end;
		const char *c = find_ci(s, (size_t)(tag_end - s), "charset");
		if (c && label_at(c, tag_end, out, outsz))
			return 1;
		s += 5;
	}
	return 0;
}

/* The value of <html lang=...> (first 4 KiB), lowercased, into out. */
static void html_lang_hint(const char *p, size_t n, char *out, size_t outsz)
{
	out[0] = '\0';
	size_t lim = n < 4096 ? n : 4096;
	const char *s = find_ci(p, lim, "<html");
	if (!s)
		return;
	const char *end = memchr(s, '>', lim - (size_t)(s - p));
	const char *l = end ? find_ci(s, (size_t)(end - s), "lang") : NULL;
	if (!l)
		return;
	l += 4;
	while (l < end && (*l == ' ' || *l == '=' || *l == '"' || *l == '\''))
		l++;
	size_t k = 0;
	while (l < end && k + 1 < outsz && (isalnum((unsigned char)*l) || *l == '-' || *l == '_'))
		out[k++] = (char)tolower((unsigned char)*l++);
	out[k] = '\0';
}

/* Legacy encodings to try for a language tag, best first (NULL-terminated). */
static const char *const *lang_encodings(const char *lang)
{
	static const char *const zh[] = { "GB18030", "BIG5", NULL };
	static const char *const zh_tw[] = { "BIG5", "GB18030", NULL };
	static const char *const ja[] = { "CP932", "EUC-JP", NULL };
	static const char *const ko[] = { "CP949", NULL };
	static const char *const cyr[] = { "WINDOWS-1251", "KOI8-R", NULL };
	static const char *const ce[] = { "WINDOWS-1250", NULL };
	static const char *const el[] = { "WINDOWS-1253", NULL };
	static const char *const tr[] = { "WINDOWS-1254", NULL };
	static const char *const he[] = { "WINDOWS-1255", NULL };
	static const char *const ar[] = { "WINDOWS-1256", NULL };
	static const char *const bal[] = { "WINDOWS-1257", NULL };
	static const char *const vi[] = { "WINDOWS-1258", NULL };
	static const char *const th[] = { "CP874", NULL };
	static const struct {
		const char *prefix;
		const char *const *enc;
	} tbl[] = {
		{ "zh-tw", zh_tw }, { "zh-hk", zh_tw }, { "zh-hant", zh_tw }, { "zh", zh },
		{ "ja", ja },       { "ko", ko },       { "ru", cyr },        { "uk", cyr },
		{ "bg", cyr },      { "be", cyr },      { "sr", cyr },        { "mk", cyr },
		{ "pl", ce },       { "cs", ce },       { "sk", ce },         { "hu", ce },
		{ "sl", ce },       { "hr", ce },       { "ro", ce },         { "bs", ce },
		{ "el", el },       { "tr", tr },       { "he", he },         { "ar", ar },
		{ "fa", ar },       { "lt", bal },      { "lv", bal },        { "et", bal },
		{ "vi", vi },       { "th", th },
	};
	for (size_t i = 0; i < sizeof(tbl) / sizeof(tbl[0]); i++) {
		size_t k = strlen(tbl[i].prefix);
		if (!strncmp(lang, tbl[i].prefix, k) && (lang[k] == '\0' || lang[k] == '-' || lang[k] == '_'))
			return tbl[i].enc;
	}
	return NULL;
}

/* Multi-byte UTF-8 sequences that are well-formed (lib/utf8.h: no overlongs, no surrogates,
 * nothing above U+10FFFF), and bytes >= 0x80 that are not part of one: evidence for "UTF-8 with
 * a few broken bytes" against "a legacy 8-bit encoding". */
static void utf8_evidence(const unsigned char *p, size_t n, size_t *good, size_t *bad)
{
	*good = *bad = 0;
	for (size_t i = 0; i < n;) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		int32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);
		if (k) {
			(*good)++;
			i += k;
		} else {
			k = utf8_invalid_len(p + i, n - i);
			*bad += k;
			i += k;
		}
	}
}

static void use(struct buf *fixed, const char **p, size_t *n)
{
	*p = fixed->data;
	*n = fixed->len;
}

int html_decode(struct buf *fixed, const char **p, size_t *n, const char *charset)
{
	if (charset && *charset && !is_utf8_label(charset) && decode(fixed, *p, *n, charset) >= 0) {
		use(fixed, p, n);
		return 0;
	}
	if (utf8_valid_prefix(*p, *n) == *n)
		return 0;
	char label[64];
	int declared_utf8 = charset && is_utf8_label(charset);
	if (!declared_utf8 && meta_charset(*p, *n, label, sizeof(label))) {
		if (is_utf8_label(label))
			declared_utf8 = 1;
		else if (decode(fixed, *p, *n, label) >= 0) {
			use(fixed, p, n);
			return 0;
		}
	}
	size_t good, bad;
	utf8_evidence((const unsigned char *)*p, *n, &good, &bad);
	if (declared_utf8 || (good > 0 && good >= bad)) {
		buf_reset(fixed);
		utf8_repair(fixed, *p, *n);
		use(fixed, p, n);
		return !declared_utf8;
	}
	char lang[32];
	html_lang_hint(*p, *n, lang, sizeof(lang));
	const char *const *cand = lang_encodings(lang);
	for (size_t i = 0; cand && cand[i]; i++)
		if (decode(fixed, *p, *n, cand[i]) == 0) {
			use(fixed, p, n);
			return 1;
		}
	if (decode(fixed, *p, *n, "WINDOWS-1252") < 0)
		utf8_repair(fixed, *p, *n);
	use(fixed, p, n);
	return 1;
}
