/* Matching added tokens in text (see tok_special.h). */
#include "tokenize/tok_special.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lib/utf8.h"
#include "lib/xalloc.h"

int tok_special_any(const struct tok_vocab *v, int normalized)
{
	for (size_t k = 0; k < v->n_specials; k++)
		if (v->specials[k].normalized == normalized)
			return 1;
	return 0;
}

static uint32_t match_len(const struct tok_special *s)
{
	return s->match ? s->match_len : s->len;
}

/* Where special k next occurs at or after `from`, or SIZE_MAX. */
static size_t search(const struct tok_vocab *v, size_t k, const char *text, size_t len, size_t from)
{
	const struct tok_special *s = &v->specials[k];
	const char *t = s->match ? s->match : s->text;
	uint32_t tl = s->match ? s->match_len : s->len;
	if (!tl || from > len || tl > len - from)
		return SIZE_MAX;
	const char *hit = memmem(text + from, len - from, t, tl);
	return hit ? (size_t)(hit - text) : SIZE_MAX;
}

/*
 * Earliest special token at or after `from`: leftmost, then longest. Returns its index or -1.
 * next[k] caches where special k next occurs (SIZE_MAX: nowhere), so each special's text is
 * searched about once over the document, not once per special token found.
 */
static long find_special(const struct tok_vocab *v, int normalized, const char *text, size_t len,
			 size_t from, size_t *next, size_t *at)
{
	long best = -1;
	size_t best_at = len;
	for (size_t k = 0; k < v->n_specials; k++) {
		if (v->specials[k].normalized != normalized)
			continue;
		if (next[k] != SIZE_MAX && next[k] < from)
			next[k] = search(v, k, text, len, from);
		if (next[k] == SIZE_MAX)
			continue;
		if (next[k] < best_at || (next[k] == best_at && match_len(&v->specials[k]) > match_len(&v->specials[best])))
			best = (long)k, best_at = next[k];
	}
	*at = best_at;
	return best;
}

static int32_t cp_at(const char *s, size_t n, size_t i, size_t *k)
{
	int32_t c;
	utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
	*k = r > 0 ? (size_t)r : 1;
	return r > 0 ? c : -1;
}

static size_t cp_before(const char *s, size_t i)
{
	return utf8_prev((const unsigned char *)s, 0, i);
}

static int is_white_space(int32_t c)
{
	return (c >= 9 && c <= 13) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x3000;
}

/* Regex \w as Rust's regex crate has it: alphabetic, marks, decimal digits, connectors. */
static int is_word(int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_PC:
		return 1;
	default:
		return c == 0x200C || c == 0x200D;
	}
}

static int single_word_ok(const char *text, size_t len, size_t start, size_t stop)
{
	size_t k;
	if (start > 0 && is_word(cp_at(text, len, cp_before(text, start), &k)))
		return 0;
	if (stop < len && is_word(cp_at(text, len, stop, &k)))
		return 0;
	return 1;
}

int tok_special_split(const struct tok_vocab *v, int normalized, const char *text, size_t len,
		      tok_gap_fn gap, tok_id_fn tok, void *ctx, struct buf *err)
{
	size_t *next = xmalloc((v->n_specials + 1) * sizeof(size_t));
	size_t from = 0, prev_stop = 0, at;
	int rc = 0;
	long k;
	for (size_t i = 0; i < v->n_specials; i++)
		next[i] = v->specials[i].normalized == normalized ? search(v, i, text, len, 0) : SIZE_MAX;
	while ((k = find_special(v, normalized, text, len, from, next, &at)) >= 0) {
		const struct tok_special *s = &v->specials[k];
		size_t start = at, stop = at + match_len(s), n;
		/* The search goes on after the match itself, not after the white space rstrip takes
		 * (tokenizers' Aho-Corasick iterator): a token made of white space can match inside
		 * it, and is then a token of its own with no text between. */
		from = stop;
		if (s->single_word && !single_word_ok(text, len, start, stop))
			continue;
		while (s->lstrip && start > prev_stop &&
		       is_white_space(cp_at(text, len, cp_before(text, start), &n)))
			start = cp_before(text, start);
		while (s->rstrip && stop < len && is_white_space(cp_at(text, len, stop, &n)))
			stop += n;
		if (start > prev_stop && (rc = gap(ctx, text + prev_stop, start - prev_stop, err)))
			break;
		tok(ctx, s->id);
		prev_stop = stop;
	}
	/* the text after the last token; an empty text is one empty piece, as in tokenizers */
	if (!rc && (prev_stop != len || !len))
		rc = gap(ctx, text + prev_stop, len - prev_stop, err);
	free(next);
	return rc;
}
