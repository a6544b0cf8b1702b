/*
 * HF tokenizers' Precompiled normalizer: SentencePiece's precompiled_charsmap (T5, ALBERT,
 * XLNet, mT5, XLM-R conversions), read and applied as tokenizers 0.23 (spm_precompiled) does.
 *
 * The blob (base64 in tokenizer.json) is: u32 LE trie size in bytes, the trie as that many / 4
 * u32 LE units (a Darts-clone double array over UTF-8 bytes), then the replacement strings,
 * each ended by a NUL. A unit holds: bit 8 "has a leaf", bit 9 and bits 10.. the offset to the
 * children (shifted by 8 when bit 9 is set), the label in bits 0-7 and 31; a leaf unit's value
 * (bits 0-30) is the byte offset of the replacement.
 *
 * Applying it: the text is cut into extended grapheme clusters (utf8proc); a cluster shorter
 * than 6 bytes is looked up whole; otherwise, or when that finds nothing, each character is
 * looked up on its own. A lookup walks the trie along the key and takes the replacement of the
 * FIRST (shortest) prefix that has a leaf, even when the key goes on: tokenizers does exactly
 * that, so a cluster whose first character has a replacement is replaced by it alone.
 */
#include "tokenize/tok_norm_precompiled.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lib/le.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

struct tok_precompiled {
	uint32_t *unit;
	size_t n_units;
	const char *norm; /* the replacement strings (inside the caller's blob) */
	size_t norm_len;
};

static inline int has_leaf(uint32_t u) { return (u >> 8) & 1; }
static inline uint32_t leaf_value(uint32_t u) { return u & 0x7FFFFFFFu; }
static inline uint32_t label(uint32_t u) { return u & (0x80000000u | 0xFFu); }
static inline size_t offset(uint32_t u) { return (size_t)(u >> 10) << ((u & (1u << 9)) >> 6); }

/* Does a replacement start at `at` (tokenizers slices the strings there: it must be inside
 * them, or at their very end, and at a character boundary)? */
static int value_ok(const struct tok_precompiled *pc, uint32_t at)
{
	if (at > pc->norm_len)
		return 0;
	return at == pc->norm_len || !utf8_is_cont((unsigned char)pc->norm[at]);
}

/*
 * Every node a key can reach: its 255 children's slots inside the array, its leaf inside the
 * array and pointing at a replacement. A file where a lookup would read outside them is one
 * tokenizers fails on (a panic) when such text comes; grist refuses it at load instead.
 */
static int check_trie(const struct tok_precompiled *pc, struct buf *err)
{
	size_t n = pc->n_units;
	unsigned char *seen = xcalloc(n / 8 + 1, 1);
	size_t *stack = xmalloc(n * sizeof(size_t)), top = 0;
	int rc = 0;
	stack[top++] = offset(pc->unit[0]);
	while (top && !rc) {
		size_t base = stack[--top];
		for (unsigned c = 1; c < 256 && !rc; c++) {
			size_t pos = base ^ c;
			if (pos >= n) {
				buf_addf(err, "the trie reads unit %zu of %zu", pos, n);
				rc = -1;
				break;
			}
			uint32_t u = pc->unit[pos];
			if (label(u) != c)
				continue;
			size_t child = pos ^ offset(u);
			if (child >= n) {
				buf_addf(err, "the trie reads unit %zu of %zu", child, n);
				rc = -1;
				break;
			}
			if (has_leaf(u) && !value_ok(pc, leaf_value(pc->unit[child]))) {
				buf_addf(err, "a replacement starts at byte %u of %zu, not at a character",
					 leaf_value(pc->unit[child]), pc->norm_len);
				rc = -1;
				break;
			}
			if (seen[child / 8] & (1u << (child % 8)))
				continue;
			seen[child / 8] |= (unsigned char)(1u << (child % 8));
			stack[top++] = child;
		}
	}
	free(seen);
	free(stack);
	return rc;
}

int tok_precompiled_new(const unsigned char *blob, size_t len, struct tok_precompiled **out,
			struct buf *err)
{
	*out = NULL;
	if (len < 4) {
		buf_addstr(err, "shorter than its 4-byte trie size");
		return -1;
	}
	size_t units = le_get32(blob) / 4;
	if (units > (len - 4) / 4) {
		buf_addf(err, "its trie of %zu units is longer than the %zu bytes after it", units, len - 4);
		return -1;
	}
	struct tok_precompiled *pc = xcalloc(1, sizeof(*pc));
	pc->n_units = units;
	pc->unit = xmalloc((units + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < units; i++)
		pc->unit[i] = le_get32(blob + 4 + 4 * i);
	pc->norm = (const char *)blob + 4 + 4 * units;
	pc->norm_len = len - 4 - 4 * units;
	if (utf8_valid_prefix(pc->norm, pc->norm_len) != pc->norm_len) {
		buf_addstr(err, "its replacement strings are not valid UTF-8");
		tok_precompiled_free(pc);
		return -1;
	}
	if (!units) {
		buf_addstr(err, "its trie is empty");
		tok_precompiled_free(pc);
		return -2;
	}
	if (check_trie(pc, err)) {
		tok_precompiled_free(pc);
		return -2;
	}
	*out = pc;
	return 0;
}

void tok_precompiled_free(struct tok_precompiled *pc)
{
	if (!pc)
		return;
	free(pc->unit);
	free(pc);
}

/* The replacement of the shortest prefix of key[0..n) with one (a NUL byte ends the key);
 * NULL if none. */
static const char *transform(const struct tok_precompiled *pc, const unsigned char *key, size_t n,
			     size_t *out_len)
{
	const uint32_t *a = pc->unit;
	size_t pos = offset(a[0]);
	for (size_t i = 0; i < n && key[i]; i++) {
		pos ^= key[i];
		uint32_t u = a[pos];
		if (label(u) != key[i])
			return NULL;
		pos ^= offset(u);
		if (has_leaf(u)) {
			uint32_t at = leaf_value(a[pos]);
			const char *end = memchr(pc->norm + at, 0, pc->norm_len - at);
			*out_len = end ? (size_t)(end - (pc->norm + at)) : pc->norm_len - at;
			return pc->norm + at;
		}
	}
	return NULL;
}

static size_t cp_at(const char *s, size_t n, size_t i, int32_t *cp)
{
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), cp);
	if (k <= 0) {
		*cp = -1;
		return 1;
	}
	return (size_t)k;
}

void tok_precompiled_apply(const struct tok_precompiled *pc, const char *s, size_t n, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len;
	const char *rep;
	for (size_t i = 0; i < n;) {
		/* the extended grapheme cluster s[i..j) */
		int32_t c1, c2, state = 0;
		size_t j = i + cp_at(s, n, i, &c1);
		while (j < n) {
			size_t k = cp_at(s, n, j, &c2);
			if (utf8proc_grapheme_break_stateful(c1, c2, &state))
				break;
			c1 = c2;
			j += k;
		}
		if (j - i < 6 && (rep = transform(pc, u + i, j - i, &len))) {
			buf_add(out, rep, len);
			i = j;
			continue;
		}
		while (i < j) {
			size_t k = utf8_lead_len(u[i]);
			if (k > j - i || !k)
				k = 1;
			if ((rep = transform(pc, u + i, k, &len)))
				buf_add(out, rep, len);
			else
				buf_add(out, s + i, k);
			i += k;
		}
	}
}
