/*
 * FineWeb's own filter (Penedo et al. 2024) and the terminal punctuation of every script that
 * it and C4 use.
 */
#include "clean/clean_filter_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lib/utf8.h"

/* ---- FineWeb ---------------------------------------------------------------------------------- */

/* Sentence-final marks of scripts other than Latin: CJK full stops and full-width ! ? .,
 * Devanagari (and Bengali, Gurmukhi...) danda and double danda, Arabic question mark, Urdu full
 * stop, Myanmar section mark, Ethiopic full stop and question mark, Armenian full stop,
 * question and exclamation marks, Tibetan shad, Khmer khan and bariyoosan, Sinhala kunddaliya,
 * double ! and ? marks. A line or sentence ending in one of them is terminated, whatever the
 * language: they do not occur at the end of a line of another script's prose. */
const char *const clean_script_marks[] = {
	"\u3002", "\uFF01", "\uFF1F", "\uFF0E", "\uFF61", "\u0964", "\u0965", "\u061F", "\u06D4",
	"\u104B", "\u1362", "\u1367", "\u0589", "\u055E", "\u055C", "\u0F0D", "\u17D4", "\u17D5",
	"\u0DF4", "\u203C", "\u2047", "\u2048", "\u2049", NULL
};
#define script_marks clean_script_marks

/* Called at every lead byte of CJK and Indic text by C4's sentence count: the character is
 * decoded and compared with the marks' code points (clean_script_marks, checked against it in
 * tests/unit/test_clean_filter.c) instead of comparing bytes with each mark in turn. */
size_t clean_sentence_mark(const unsigned char *s, size_t n)
{
	unsigned b = n ? s[0] : 0;
	if (b >= 0xD5 && b < 0xE0) { /* two bytes: Armenian, Arabic */
		if (n < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		switch ((b & 0x1F) << 6 | (s[1] & 0x3F)) {
		case 0x55C: case 0x55E: case 0x589: case 0x61F: case 0x6D4:
			return 2;
		}
		return 0;
	}
	/* three bytes, leads E0..E3 and EF (CJK ideographs, E4..E9, are never marks) */
	if ((b < 0xE0 || b > 0xE3) && b != 0xEF)
		return 0;
	if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (b == 0xE0 && s[1] < 0xA0))
		return 0; /* not a (shortest) three-byte character */
	switch ((b & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F)) {
	case 0x964: case 0x965: case 0xDF4: case 0xF0D: case 0x104B: case 0x1362: case 0x1367:
	case 0x17D4: case 0x17D5: case 0x203C: case 0x2047: case 0x2048: case 0x2049: case 0x3002:
	case 0xFF01: case 0xFF0E: case 0xFF1F: case 0xFF61:
		return 3;
	}
	return 0;
}

/* FineWeb's terminal punctuation (. ? ! " ' … ” ’ »), every script's marks above, and the
 * ASCII marks a language uses for its own (extra: Greek ';', Armenian ':'). */
int clean_ends_terminal(const char *s, size_t n, const char *extra)
{
	if (!n)
		return 0;
	char c = s[n - 1];
	if (c == '.' || c == '?' || c == '!' || c == '"' || c == '\'' || (c && strchr(extra, c)))
		return 1;
	if (!(c & 0x80))
		return 0;
	/* The line's last character, from its lead byte: a mark's encoding that ends the line
	 * starts at that byte (its other bytes are continuation bytes), so comparing it with the
	 * marks is comparing the line's end with each of them. */
	size_t k = 1;
	while (k < n && k < 4 && utf8_is_cont((unsigned char)s[n - k]))
		k++;
	const unsigned char *u = (const unsigned char *)s + n - k;
	if (clean_sentence_mark(u, k) == k)
		return 1;
	int32_t cp;
	return utf8_decode(u, k, &cp) == k &&
	       (cp == 0x2026 || cp == 0x201D || cp == 0x2019 || cp == 0xBB); /* … ” ’ » */
}

int clean_filter_fineweb(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			 const char *s, size_t n, struct clean_verdict *v)
{
	/* needs only the word count and characters: C4 may have left them (analyzed 2) */
	if (!(ctx->analyzed && ctx->atext == s && ctx->alen == n))
		clean_text_analyze(ctx, s, n);
	/* the language's terminal marks, line-punctuation threshold and short-line length */
	const struct clean_filter_config *lc = clean_filter_lang(ctx);
	/* lines: split("\n") minus those that are blank after strip() */
	size_t lines = 0, punct = 0, shortl = 0, newlines = 0, pieces = 1 + clean_count_byte(s, n, '\n');
	clean_tab_reset(ctx, pieces);
	size_t dup_chars = 0;
	for (size_t i = 0; i <= n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		size_t a = i;
		while (a < e && clean_is_ws_byte((unsigned char)s[a]))
			a++;
		if (a < e) {
			lines++;
			punct += clean_ends_terminal(s + i, e - i, lc->extra_term);
			/* a character is 1-4 bytes: only lines between short_len and 4 x short_len
			 * bytes need their characters counted to tell, and duplicates */
			double short_len = lc->v[CP_F_SHORT_LINE_LEN], bytes = (double)(e - i);
			size_t c = SIZE_MAX;
			if (bytes <= short_len)
				shortl++;
			else if (!(bytes > 4 * short_len))
				shortl += (double)(c = clean_count_chars(s + i, e - i)) <= short_len;
			int fresh;
			clean_tab_get(ctx, XXH3_64bits(s + i, e - i), 0, &fresh);
			if (!fresh)
				dup_chars += c != SIZE_MAX ? c : clean_count_chars(s + i, e - i);
		}
		if (!nl)
			break;
		newlines++;
		i = e + 1;
	}
	if (!lines) {
		v->rule = "fineweb.empty";
		v->value = 0;
		return 0;
	}
	double r = (double)punct / (double)lines;
	if (clean_lang_rule(lc, v, CP_F_MIN_LINE_PUNCT) && r < lc->v[CP_F_MIN_LINE_PUNCT]) {
		v->rule = clean_params[CP_F_MIN_LINE_PUNCT].name;
		v->value = r;
		return 0;
	}
	r = (double)shortl / (double)lines;
	if (r > cfg->v[CP_F_MAX_SHORT_LINES])
		REJECT(CP_F_MAX_SHORT_LINES, r);
	size_t nonnl = ctx->nchars - newlines;
	r = nonnl ? (double)dup_chars / (double)nonnl : 0;
	if (r > cfg->v[CP_F_MAX_DUP_LINE_CHARS])
		REJECT(CP_F_MAX_DUP_LINE_CHARS, r);
	if (ctx->nw) {
		r = (double)newlines / (double)ctx->nw;
		if (r > cfg->v[CP_F_MAX_NEWLINE_PER_WORD])
			REJECT(CP_F_MAX_NEWLINE_PER_WORD, r);
	}
	return 1;
}
