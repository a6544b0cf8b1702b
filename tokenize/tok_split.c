/*
 * Hand-written pre-splitters for the gpt2, cl100k and o200k patterns. cl100k's (docs/design.md
 * section 6):
 *
 *   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|
 *   \s*[\r\n]+|\s+(?!\S)|\s+
 *
 * Every character starts a match of some alternative, so the text is cut into consecutive
 * pieces; at each position the alternatives are tried in order, as the backtracking engines do
 * (leftmost-first). What the backtracking amounts to for each alternative is worked out in the
 * comments below. Character classes come from PCRE2 itself (each block of 256 code points is
 * classified by matching the class regexes over it), and \s is Unicode White_Space as in tok_pretok.c, so
 * the splitter agrees with the PCRE2 path by construction of its classes; tests/unit/
 * test_tok_split.c checks the cutting logic against PCRE2 on the corpus and random text.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenize/tok_pretok.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "lib/utf8.h"
#include "lib/xalloc.h"

enum { C_L = 1, C_N = 2, C_WS = 4, C_CRLF = 8, C_U = 16, C_W = 32 };

/* The splitters run once per piece (every 5 bytes of text): their helpers are forced inline
 * into the loops of tok_split_batch, where a call would cost more than most pieces. */
#define SPLIT_INLINE static inline __attribute__((always_inline))
/* C_U: [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], C_W: [\p{Ll}\p{Lm}\p{Lo}\p{M}] (o200k's classes) */

/*
 * One class byte per code point, filled lazily by blocks of 256 code points: a block is
 * classified by running the class regexes over its characters the first time the splitter
 * meets one of them (matching all 1.1M code points at start-up would cost ~0.1 s).
 */
static uint8_t *cls_table;
static unsigned char block_ready[0x1100];
static pthread_mutex_t block_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t cls_once = PTHREAD_ONCE_INIT;
static pcre2_code *cls_re[5];
static pcre2_match_data *cls_md;
static const uint8_t cls_bits[5] = { C_L, C_N, C_WS, C_U, C_W };
static const char *const cls_patterns[5] = {
	"\\p{L}+", "\\p{N}+",
	"\\s+", /* rewritten to White_Space by tok_regex_compile */
	"[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+", "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+",
};

static void build_classes(void)
{
	struct buf err = BUF_INIT;
	cls_table = xcalloc(0x110000, 1);
	for (int i = 0; i < 5; i++)
		cls_re[i] = tok_regex_compile(cls_patterns[i], &err); /* fixed patterns: cannot fail */
	cls_md = pcre2_match_data_create(2, NULL);
	buf_release(&err);
}

/* Classify code points [block * 256, block * 256 + 256). */
static __attribute__((noinline)) void build_block(uint32_t block)
{
	pthread_mutex_lock(&block_lock);
	if (!__atomic_load_n(&block_ready[block], __ATOMIC_ACQUIRE)) {
		unsigned char str[256 * 4];
		uint32_t cps[256];
		size_t offs[257], len = 0, n = 0;
		for (uint32_t cp = block << 8; cp < (block + 1) << 8; cp++) {
			if (cp >= 0xD800 && cp <= 0xDFFF)
				continue;
			offs[n] = len;
			cps[n++] = cp;
			len += utf8_encode(cp, str + len);
		}
		offs[n] = len;
		for (int r = 0; r < 5; r++) {
			size_t off = 0, k = 0;
			while (off < len && pcre2_match(cls_re[r], str, len, off, PCRE2_NO_UTF_CHECK, cls_md, NULL) > 0) {
				PCRE2_SIZE *ov = pcre2_get_ovector_pointer(cls_md);
				while (k < n && offs[k] < ov[0])
					k++;
				for (; k < n && offs[k] < ov[1]; k++)
					cls_table[cps[k]] |= cls_bits[r];
				off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
			}
		}
		if (block == 0) {
			cls_table['\r'] |= C_CRLF;
			cls_table['\n'] |= C_CRLF;
		}
		__atomic_store_n(&block_ready[block], 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&block_lock);
}

/* The blocks of U+0000..U+07FF (every one- and two-byte sequence) are built at once, so the
 * lookups of those characters need no readiness check (cls_next). */
void tok_split_init(void)
{
	pthread_once(&cls_once, build_classes);
	for (uint32_t block = 0; block < 8; block++)
		build_block(block);
}

SPLIT_INLINE unsigned cls_of(uint32_t cp)
{
	if (!__atomic_load_n(&block_ready[cp >> 8], __ATOMIC_ACQUIRE))
		build_block(cp >> 8);
	return cls_table[cp];
}

/* The class of the character at s[i] (i < n), and its length, by its lead byte: ASCII and
 * two-byte sequences straight from the table (their blocks are always ready), longer ones
 * decoded. */
SPLIT_INLINE unsigned cls_next(const unsigned char *s, size_t i, size_t *k)
{
	unsigned c = s[i];
	if (c < 0x80) {
		*k = 1;
		return cls_table[c];
	}
	if (c < 0xE0) {
		*k = 2;
		return cls_table[(c & 0x1F) << 6 | (s[i + 1] & 0x3F)];
	}
	return cls_of(utf8_decode_valid(s + i, k));
}

SPLIT_INLINE unsigned cls_at(const unsigned char *s, size_t n, size_t i, size_t *k)
{
	if (i >= n) {
		*k = 0;
		return 0;
	}
	return cls_next(s, i, k);
}

#define SWAR_ONES 0x0101010101010101ULL
#define SWAR_HIGH 0x8080808080808080ULL

/* The high bit of each byte of w that is an ASCII byte in [lo, hi] (0 < lo <= hi < 0x7F):
 * with the high bits cleared no byte's sum carries into the next one. */
SPLIT_INLINE uint64_t swar_range(uint64_t w, uint64_t x, unsigned lo, unsigned hi)
{
	uint64_t ge = x + SWAR_ONES * (0x80 - lo), gt = x + SWAR_ONES * (0x7F - hi);
	return ge & ~gt & ~w & SWAR_HIGH;
}

/* The bytes of w (eight text bytes) in class `want` (C_L, C_N, C_U or C_W) as far as ASCII
 * decides it: the high bit of each ASCII byte of the class. */
SPLIT_INLINE uint64_t swar_class(uint64_t w, unsigned want)
{
	uint64_t x = w & ~SWAR_HIGH;
	switch (want) {
	case C_L:
		return swar_range(w, x | SWAR_ONES * 0x20, 'a', 'z');
	case C_W:
		return swar_range(w, x, 'a', 'z');
	case C_U:
		return swar_range(w, x, 'A', 'Z');
	default: /* C_N */
		return swar_range(w, x, '0', '9');
	}
}

/* Ends of runs: first index >= i whose class lacks `want` (one of C_L, C_N, C_U, C_W).
 * ASCII is taken eight bytes at a time while eight bytes are left. */
SPLIT_INLINE size_t run_of(const unsigned char *s, size_t n, size_t i, unsigned want)
{
	while (i < n) {
		if (i + 8 <= n && (want == C_L || want == C_W || want == C_U || want == C_N)) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			uint64_t stop = ~swar_class(w, want) & SWAR_HIGH;
			if (!stop) {
				i += 8;
				continue;
			}
			i += (size_t)__builtin_ctzll(stop) >> 3;
			if (s[i] < 0x80)
				return i;
		}
		size_t k;
		if (!(cls_next(s, i, &k) & want))
			return i;
		i += k;
	}
	return n;
}

/* Run of characters outside the classes in `avoid` (punctuation and symbols: not WS, L, N). */
SPLIT_INLINE size_t run_not(const unsigned char *s, size_t n, size_t i, unsigned avoid)
{
	while (i < n) {
		size_t k;
		if (cls_next(s, i, &k) & avoid)
			return i;
		i += k;
	}
	return n;
}

SPLIT_INLINE int lower_is(unsigned char c, char want)
{
	return (c | 0x20) == want;
}

/* (?i:'s|'t|'re|'ve|'m|'ll|'d) at s[0] == '\'': match length or 0. Caseless 's' also matches
 * U+017F LATIN SMALL LETTER LONG S (Unicode case folding); no other letter here has a fold. */
static __attribute__((noinline)) size_t contraction(const unsigned char *s, size_t n)
{
	if (n < 2)
		return 0;
	unsigned char c = s[1];
	if (lower_is(c, 's') || lower_is(c, 't') || lower_is(c, 'm') || lower_is(c, 'd'))
		return 2;
	if (c == 0xC5 && n >= 3 && s[2] == 0xBF)
		return 3;
	if (n >= 3 && ((lower_is(c, 'r') && lower_is(s[2], 'e')) || (lower_is(c, 'v') && lower_is(s[2], 'e')) ||
		       (lower_is(c, 'l') && lower_is(s[2], 'l'))))
		return 3;
	return 0;
}

/* Length of the white-space run at s[0] and the start of its last character; the index of its
 * last CR or LF (SIZE_MAX if none). */
SPLIT_INLINE size_t ws_run(const unsigned char *s, size_t n, size_t *last, size_t *last_crlf)
{
	size_t j = 0;
	*last = 0;
	*last_crlf = SIZE_MAX;
	while (j < n) {
		size_t k;
		unsigned c = cls_next(s, j, &k);
		if (!(c & C_WS))
			break;
		if (c & C_CRLF)
			*last_crlf = j;
		*last = j;
		j += k;
	}
	return j;
}

SPLIT_INLINE size_t split_cl100k(const unsigned char *s, size_t n)
{
	size_t k0, k1;
	unsigned c0 = cls_next(s, 0, &k0);
	/* 2. [^\r\n\p{L}\p{N}]?\p{L}+ : a letter run starting here, or with the optional character
	 *    if a letter follows it; (1. contractions start with '\'', tried first) */
	if (c0 & C_L)
		return run_of(s, n, k0, C_L);
	if (s[0] == '\'') {
		size_t m = contraction(s, n);
		if (m)
			return m;
	}
	if (!(c0 & (C_CRLF | C_N)) && k0 < n) {
		unsigned c1 = cls_next(s, k0, &k1);
		if (c1 & C_L)
			return run_of(s, n, k0 + k1, C_L);
	}
	/* 3. \p{N}{1,3} */
	if (c0 & C_N) {
		size_t i = k0;
		for (int d = 1; d < 3 && i < n; d++) {
			size_t k;
			if (!(cls_next(s, i, &k) & C_N))
				break;
			i += k;
		}
		return i;
	}
	/* 4. ' ?[^\s\p{L}\p{N}]+[\r\n]*' */
	{
		size_t start = 0;
		if (s[0] == ' ' && n > 1 && !(cls_next(s, 1, &k1) & (C_WS | C_L | C_N)))
			start = 1;
		if (start || !(c0 & (C_WS | C_L | C_N))) {
			size_t i = run_not(s, n, start, C_WS | C_L | C_N);
			while (i < n && (s[i] == '\r' || s[i] == '\n'))
				i++;
			return i;
		}
	}
	/* Here s[0] is white space. */
	size_t prev, last_crlf, j = ws_run(s, n, &prev, &last_crlf);
	/* 5. \s*[\r\n]+ : up to and including the run's last CR or LF */
	if (last_crlf != SIZE_MAX)
		return last_crlf + 1;
	/* 6. \s+(?!\S) : the whole run at the end of the text, else all but its last character
	 *    (when that leaves at least one) */
	if (j == n)
		return j;
	if (prev > 0)
		return prev;
	/* 7. \s+ */
	return j;
}

size_t tok_split_cl100k(const unsigned char *s, size_t n)
{
	return split_cl100k(s, n);
}

/*
 * GPT-2: 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 * (contractions are case-sensitive here).
 */
SPLIT_INLINE size_t split_gpt2(const unsigned char *s, size_t n)
{
	size_t k0, k1;
	if (s[0] == '\'' && n >= 2) {
		unsigned char c = s[1];
		if (c == 's' || c == 't' || c == 'm' || c == 'd')
			return 2;
		if (n >= 3 && ((c == 'r' && s[2] == 'e') || (c == 'v' && s[2] == 'e') || (c == 'l' && s[2] == 'l')))
			return 3;
	}
	unsigned c0 = cls_at(s, n, 0, &k0);
	unsigned c1 = s[0] == ' ' ? cls_at(s, n, 1, &k1) : 0;
	if (s[0] == ' ' && (c1 & C_L))
		return run_of(s, n, 1, C_L);
	if (c0 & C_L)
		return run_of(s, n, k0, C_L);
	if (s[0] == ' ' && (c1 & C_N))
		return run_of(s, n, 1, C_N);
	if (c0 & C_N)
		return run_of(s, n, k0, C_N);
	if (s[0] == ' ' && n > 1 && !(c1 & (C_WS | C_L | C_N)))
		return run_not(s, n, 1, C_WS | C_L | C_N);
	if (!(c0 & (C_WS | C_L | C_N)))
		return run_not(s, n, k0, C_WS | C_L | C_N);
	size_t last, last_crlf, j = ws_run(s, n, &last, &last_crlf);
	if (j == n)
		return j;
	return last > 0 ? last : j;
}

size_t tok_split_gpt2(const unsigned char *s, size_t n)
{
	return split_gpt2(s, n);
}

/* o200k, the letter alternatives from position i:
 *   [U]*[W]+C?  (alt 1) and [U]+[W]*C?  (alt 2), C the optional caseless contraction.
 * Returns the end, or 0 when the alternative does not match at i. */
SPLIT_INLINE size_t o200k_alt1(const unsigned char *s, size_t n, size_t i)
{
	/* U* takes the U run [i, b); W+ needs a W at b (then the W run), else backtracking
	 * gives U* back to the last W inside the run, and W+ is that one character. */
	size_t b = run_of(s, n, i, C_U), k, end = 0;
	if (cls_at(s, n, b, &k) & C_W) {
		end = run_of(s, n, b, C_W);
	} else {
		for (size_t j = i; j < b; j += k) {
			if (cls_at(s, n, j, &k) & C_W)
				end = j + k;
		}
		if (!end)
			return 0;
	}
	if (end < n && s[end] == '\'')
		end += contraction(s + end, n - end);
	return end;
}

SPLIT_INLINE size_t o200k_alt2(const unsigned char *s, size_t n, size_t i)
{
	size_t k;
	if (!(cls_at(s, n, i, &k) & C_U))
		return 0;
	size_t end = run_of(s, n, run_of(s, n, i, C_U), C_W);
	if (end < n && s[end] == '\'')
		end += contraction(s + end, n - end);
	return end;
}

/*
 * o200k: [^\r\n\p{L}\p{N}]?[U]*[W]+C?|[^\r\n\p{L}\p{N}]?[U]+[W]*C?|\p{N}{1,3}|
 *        ' ?[^\s\p{L}\p{N}]+[\r\n/]*'|\s*[\r\n]+|\s+(?!\S)|\s+
 * with U = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], W = [\p{Ll}\p{Lm}\p{Lo}\p{M}]. Marks are in P
 * (the optional first character) and in U and W, so each letter alternative is tried with the
 * first character as P, then without.
 */
SPLIT_INLINE size_t split_o200k(const unsigned char *s, size_t n)
{
	size_t k0, k1, e;
	unsigned c0 = cls_next(s, 0, &k0);
	int p_ok = !(c0 & (C_CRLF | C_L | C_N));
	/* The common case: an ASCII lower-case letter first, or after the P character. It is no U,
	 * so alternative 1 from there is its W run and the contraction. */
	size_t w = (unsigned)(s[0] - 'a') < 26 ? 1 : p_ok && k0 < n && (unsigned)(s[k0] - 'a') < 26 ? k0 + 1 : 0;
	if (w) {
		e = run_of(s, n, w, C_W);
		if (e < n && s[e] == '\'')
			e += contraction(s + e, n - e);
		return e;
	}
	/* the letter alternatives need a U or W character first, or after the P character */
	if ((c0 & (C_U | C_W)) || (p_ok && (cls_at(s, n, k0, &k1) & (C_U | C_W)))) {
		if (p_ok && k0 < n && (e = o200k_alt1(s, n, k0)))
			return e;
		if ((e = o200k_alt1(s, n, 0)))
			return e;
		if (p_ok && k0 < n && (e = o200k_alt2(s, n, k0)))
			return e;
		if ((e = o200k_alt2(s, n, 0)))
			return e;
	}
	if (c0 & C_N) {
		size_t i = k0;
		for (int d = 1; d < 3 && i < n; d++) {
			size_t k;
			if (!(cls_at(s, n, i, &k) & C_N))
				break;
			i += k;
		}
		return i;
	}
	{
		size_t start = 0;
		if (s[0] == ' ') {
			unsigned c1 = cls_at(s, n, 1, &k1);
			if (k1 && !(c1 & (C_WS | C_L | C_N)))
				start = 1;
		}
		if (start || !(c0 & (C_WS | C_L | C_N))) {
			size_t i = run_not(s, n, start, C_WS | C_L | C_N);
			while (i < n && (s[i] == '\r' || s[i] == '\n' || s[i] == '/'))
				i++;
			return i;
		}
	}
	size_t last, last_crlf, j = ws_run(s, n, &last, &last_crlf);
	if (last_crlf != SIZE_MAX)
		return last_crlf + 1;
	if (j == n)
		return j;
	return last > 0 ? last : j;
}

size_t tok_split_o200k(const unsigned char *s, size_t n)
{
	return split_o200k(s, n);
}

/* Cuts text into pieces with splitter `fast` (TOK_FAST_*), each handed to fn. */
void tok_split_each(int fast, const char *text, size_t len, tok_piece_fn fn, void *ctx)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t off = 0, n;
	switch (fast) {
	case TOK_FAST_CL100K:
		for (; off < len; off += n)
			fn(ctx, text + off, n = split_cl100k(s + off, len - off));
		break;
	case TOK_FAST_O200K:
		for (; off < len; off += n)
			fn(ctx, text + off, n = split_o200k(s + off, len - off));
		break;
	default:
		for (; off < len; off += n)
			fn(ctx, text + off, n = split_gpt2(s + off, len - off));
		break;
	}
}

size_t tok_split_batch(int fast, const char *text, size_t len, size_t *off, size_t *ends, size_t max)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = *off, m = 0;
	switch (fast) {
	case TOK_FAST_CL100K:
		for (; i < len && m < max; m++)
			ends[m] = i += split_cl100k(s + i, len - i);
		break;
	case TOK_FAST_O200K:
		for (; i < len && m < max; m++)
			ends[m] = i += split_o200k(s + i, len - i);
		break;
	default:
		for (; i < len && m < max; m++)
			ends[m] = i += split_gpt2(s + i, len - i);
		break;
	}
	*off = i;
	return m;
}
