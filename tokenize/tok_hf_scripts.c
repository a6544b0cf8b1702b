/*
 * Two HF pre-tokenizers that are no regex split. FixedLength: pieces of `length` characters
 * (the last one shorter). UnicodeScripts: a piece ends where a character with a script
 * follows characters of another script; characters without one (' ', unassigned code points,
 * those tokenizers' table leaves out) never end a piece and join the piece before them, and
 * the ones before the first character with a script are dropped, as tokenizers drops them.
 * The classes (tok_hf_scripts_tab.c) are read from npm tokenizers by
 * tests/npm/make-hf-scripts.js: Hiragana, Katakana and U+30FC count as Han there.
 */
#include <stddef.h>
#include <stdint.h>

#include "lib/utf8.h"
#include "tokenize/tok_hf.h"

extern const uint32_t tok_hf_script_ranges[][3];
extern const size_t tok_hf_script_ranges_n;

/* The class of c, 0 for none. */
static uint32_t script_of(uint32_t c)
{
	size_t lo = 0, hi = tok_hf_script_ranges_n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c < tok_hf_script_ranges[mid][0])
			hi = mid;
		else if (c > tok_hf_script_ranges[mid][1])
			lo = mid + 1;
		else
			return tok_hf_script_ranges[mid][2];
	}
	return 0;
}

static uint32_t script_at(const char *s, size_t n, size_t i, size_t *k)
{
	int32_t c = -1;
	*k = utf8_decode((const unsigned char *)s + i, n - i, &c);
	if (!*k)
		*k = 1;
	return c < 0 ? 0 : script_of((uint32_t)c);
}

size_t tok_hf_fixed_end(const char *s, size_t n, size_t start, size_t chars)
{
	size_t i = start;
	for (size_t c = 0; c < chars && i < n; c++) {
		size_t k = utf8_lead_len((unsigned char)s[i]);
		i += k < n - i ? k : n - i;
	}
	return i;
}

size_t tok_hf_scripts_start(const char *s, size_t n)
{
	size_t i = 0, k;
	while (i < n && !script_at(s, n, i, &k))
		i += k;
	return i;
}

size_t tok_hf_scripts_end(const char *s, size_t n, size_t start)
{
	size_t k;
	uint32_t last = script_at(s, n, start, &k);
	for (size_t i = start + k; i < n; i += k) {
		uint32_t c = script_at(s, n, i, &k);
		if (c && c != last)
			return i;
	}
	return n;
}
