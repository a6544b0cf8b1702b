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
#include "tokenize/tok_split_planes.h"

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
 * ASCII is taken eight bytes at a time while eight bytes are left (from an ASCII byte: in
 * other scripts the eight bytes would stop at once, character after character). */
SPLIT_INLINE size_t run_of(const unsigned char *s, size_t n, size_t i, unsigned want)
{
	while (i < n) {
		if (s[i] < 0x80 && i + 8 <= n && (want == C_L || want == C_W || want == C_U || want == C_N)) {
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

__attribute__((noinline)) size_t tok_split_cl100k(const unsigned char *s, size_t n)
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

__attribute__((noinline)) size_t tok_split_gpt2(const unsigned char *s, size_t n)
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

__attribute__((noinline)) size_t tok_split_o200k(const unsigned char *s, size_t n)
{
	return split_o200k(s, n);
}

/*
 * The ASCII fast path of the batch loop. Bit planes of the ASCII classes of the 64 bytes from a
 * window's base (tok_split_planes.h) give the end of a letter, digit, punctuation or
 * white-space run with one count of trailing zeros; the window moves on (its planes rebuilt at
 * the current piece) when a piece starts near its end or runs out of it. A piece is decided
 * here only when every byte its decision looks at is ASCII and inside the window: its own bytes
 * and the byte that ends its run (a non-ASCII byte there could be a letter, mark, digit or
 * white space that continues it). Everything else goes through the per-character splitters
 * above, so both agree with PCRE2 by construction of the latter.
 */
struct split_win {
	const unsigned char *text;
	size_t len, base; /* the planes describe text[base, base + 64) */
	uint64_t pl[TOK_PL_COUNT];
	/* The most common piece, a letter run with the optional character before it: where
	 * one starts (`word`), and the plane of its run (`run`). */
	uint64_t word, run;
};

/* Fast-path results besides a piece length: 0, the per-character path decides; WIN_END, the
 * piece reached the window's end (move the window to the piece and try again). */
#define WIN_END SIZE_MAX
#define NOT_PUNCT (SIZE_MAX - 1) /* fast_punct: s[0] starts no punctuation piece */

static __attribute__((noinline)) void win_move(struct split_win *w, size_t i, int fast)
{
	size_t left = w->len - i;
	uint64_t *pl = w->pl;
	w->base = i;
	tok_split_planes(w->text + i, left < 64 ? left : 64, pl,
			 fast == TOK_FAST_CL100K ? TOK_PLANES_CL100K : fast == TOK_FAST_O200K ? TOK_PLANES_O200K : TOK_PLANES_GPT2);
	/* [^\r\n\p{L}\p{N}] before a run: cl100k without the apostrophe (its contractions come
	 * first), o200k's run of lower case (the upper-case ones take fast_o200k), gpt2's space */
	uint64_t opt = pl[TOK_PL_A] & ~(pl[TOK_PL_L] | pl[TOK_PL_N] | pl[TOK_PL_NL]);
	if (fast == TOK_FAST_CL100K) {
		w->run = pl[TOK_PL_L];
		opt &= ~pl[TOK_PL_Q];
	} else if (fast == TOK_FAST_O200K) {
		w->run = pl[TOK_PL_LO];
	} else {
		w->run = pl[TOK_PL_L];
		opt = pl[TOK_PL_SP];
	}
	w->word = w->run | (opt & w->run >> 1);
}

SPLIT_INLINE unsigned bit(uint64_t x, unsigned j)
{
	return (unsigned)(x >> j) & 1;
}

/* The first clear bit of x at or after bit j (j < 64), 64 if none. */
SPLIT_INLINE unsigned run_end(uint64_t x, unsigned j)
{
	uint64_t stop = ~x & (~0ULL << j);
	return stop ? (unsigned)__builtin_ctzll(stop) : 64;
}

/* The piece [sh, e) of a run that ends at bit e: decided when the byte there is ASCII (so
 * outside the run's class). */
SPLIT_INLINE size_t run_piece(uint64_t a, unsigned sh, unsigned e)
{
	return e == 64 ? WIN_END : bit(a, e) ? e - sh : 0;
}

/* The white-space alternatives of cl100k and o200k (\s*[\r\n]+|\s+(?!\S)|\s+) at a white-space
 * byte; gpt2 (crlf 0) has only the last two. */
SPLIT_INLINE size_t fast_ws(const struct split_win *w, unsigned sh, uint64_t a, int crlf)
{
	unsigned e = run_end(w->pl[TOK_PL_W], sh);
	if (e == 64 || !bit(a, e))
		return e == 64 ? WIN_END : 0;
	uint64_t cr = crlf ? w->pl[TOK_PL_NL] & (((1ULL << e) - 1) ^ ((1ULL << sh) - 1)) : 0;
	if (cr)
		return 64 - (unsigned)__builtin_clzll(cr) - sh;
	return e - sh > 1 ? e - sh - 1 : 1; /* all but the last character, when that leaves one */
}

/* ' ?[^\s\p{L}\p{N}]+' and the trailing run of `tail` bytes ([\r\n]* or [\r\n/]*), when s[0]
 * starts it; NOT_PUNCT when it does not. */
SPLIT_INLINE size_t fast_punct(const struct split_win *w, unsigned sh, uint64_t a, const unsigned char *s,
			       uint64_t tail)
{
	uint64_t p = w->pl[TOK_PL_P];
	unsigned j = sh + !bit(p, sh);
	if (!bit(p, j) || (j > sh && s[0] != ' '))
		return NOT_PUNCT;
	unsigned e = run_end(p, j);
	if (e == 64 || !bit(a, e))
		return e == 64 ? WIN_END : 0;
	e = run_end(tail, e);
	return e == 64 ? WIN_END : e - sh;
}

SPLIT_INLINE size_t fast_cl100k(const struct split_win *w, unsigned sh, const unsigned char *s, size_t n)
{
	uint64_t a = w->pl[TOK_PL_A], l = w->pl[TOK_PL_L], d = w->pl[TOK_PL_N];
	if (bit(l, sh))
		return run_piece(a, sh, run_end(l, sh));
	if (!bit(a, sh))
		return 0;
	if (s[0] == '\'') {
		size_t m = contraction(s, n);
		if (m)
			return m;
	}
	if (!bit(w->pl[TOK_PL_NL] | d, sh)) { /* [^\r\n\p{L}\p{N}]?\p{L}+ */
		if (!bit(a, sh + 1))
			return 0;
		if (bit(l, sh + 1))
			return run_piece(a, sh, run_end(l, sh + 1));
	}
	if (bit(d, sh)) { /* \p{N}{1,3} */
		unsigned e = run_end(d, sh);
		return e - sh >= 3 ? 3 : run_piece(a, sh, e);
	}
	size_t p = fast_punct(w, sh, a, s, w->pl[TOK_PL_NL]);
	return p != NOT_PUNCT ? p : fast_ws(w, sh, a, 1);
}

SPLIT_INLINE size_t fast_o200k(const struct split_win *w, unsigned sh, const unsigned char *s, size_t n)
{
	uint64_t a = w->pl[TOK_PL_A], l = w->pl[TOK_PL_L], d = w->pl[TOK_PL_N];
	if (!bit(a, sh))
		return 0;
	unsigned j = sh;
	if (!bit(l, sh)) { /* the optional [^\r\n\p{L}\p{N}] first */
		j = 64;
		if (!bit(w->pl[TOK_PL_NL] | d, sh)) {
			if (!bit(a, sh + 1))
				return 0;
			j = bit(l, sh + 1) ? sh + 1 : 64;
		}
	}
	if (j < 64) {
		/* ASCII has no character in both U and W: [U]*[W]+ is the upper-case run and the
		 * lower-case run after it, [U]+[W]* the upper-case run alone when no W follows. */
		unsigned b = run_end(w->pl[TOK_PL_UP], j), e = b;
		if (b == 64 || !bit(a, b))
			return b == 64 ? WIN_END : 0;
		if (bit(w->pl[TOK_PL_LO], b)) {
			e = run_end(w->pl[TOK_PL_LO], b);
			if (e == 64 || !bit(a, e))
				return e == 64 ? WIN_END : 0;
		}
		size_t len = e - sh;
		if (len < n && s[len] == '\'')
			len += contraction(s + len, n - len);
		return len;
	}
	if (bit(d, sh)) {
		unsigned e = run_end(d, sh);
		return e - sh >= 3 ? 3 : run_piece(a, sh, e);
	}
	size_t p = fast_punct(w, sh, a, s, w->pl[TOK_PL_NL] | w->pl[TOK_PL_SL]);
	return p != NOT_PUNCT ? p : fast_ws(w, sh, a, 1);
}

SPLIT_INLINE size_t fast_gpt2(const struct split_win *w, unsigned sh, const unsigned char *s)
{
	uint64_t a = w->pl[TOK_PL_A];
	if (!bit(a, sh) || s[0] == '\'')
		return 0; /* (contractions: the per-character splitter) */
	uint64_t l = w->pl[TOK_PL_L], d = w->pl[TOK_PL_N], p = w->pl[TOK_PL_P];
	unsigned j = sh;
	if (s[0] == ' ') { /* ' ?' before a letter, digit or punctuation run */
		if (!bit(a, sh + 1))
			return 0;
		j += bit(l | d | p, sh + 1);
	}
	uint64_t x = bit(l, j) ? l : bit(d, j) ? d : bit(p, j) ? p : 0;
	if (x)
		return run_piece(a, sh, run_end(x, j));
	return fast_ws(w, sh, a, 0);
}

/* A letter run at bit sh of the window (w->word): its length, or 0 or WIN_END. o200k's
 * lower-case run may end in a contraction. */
SPLIT_INLINE size_t fast_word(const struct split_win *w, unsigned sh, int fast)
{
	unsigned e = run_end(w->run, sh + !bit(w->run, sh));
	size_t len = run_piece(w->pl[TOK_PL_A], sh, e);
	if (fast == TOK_FAST_O200K && len && len != WIN_END && w->text[w->base + e] == '\'')
		len += contraction(w->text + w->base + e, w->len - w->base - e);
	return len;
}

/* Pieces of text from *off, up to max of them, with the ASCII fast path first: all the pieces
 * it decides in a window one after the other, then a piece of the per-character path or a
 * move of the window. */
SPLIT_INLINE size_t split_batch(int fast, const char *text, size_t len, size_t *off, size_t *ends, size_t max)
{
	const unsigned char *s = (const unsigned char *)text;
	struct split_win w = { s, len, 0, { 0 }, 0, 0 };
	size_t i = *off, m = 0;
	if (i < len)
		win_move(&w, i, fast);
	while (i < len && m < max) {
		/* (a piece start at most 61 bytes in: the fast paths look two bytes ahead) */
		if (i - w.base > 61)
			win_move(&w, i, fast);
		const size_t base = w.base;
		unsigned sh = (unsigned)(i - base);
		size_t e;
		for (;;) {
			e = bit(w.word, sh) ? fast_word(&w, sh, fast)
			  : fast == TOK_FAST_CL100K ? fast_cl100k(&w, sh, s + base + sh, len - base - sh)
			  : fast == TOK_FAST_O200K ? fast_o200k(&w, sh, s + base + sh, len - base - sh)
			  : fast_gpt2(&w, sh, s + base + sh);
			if (e == 0 || e == WIN_END)
				break;
			sh += (unsigned)e;
			ends[m++] = base + sh;
			if (sh > 61 || m >= max)
				break;
		}
		i = base + sh;
		if (i >= len || m >= max || sh > 61)
			continue;
		if (e == WIN_END && sh) { /* the piece again from a window that starts with it */
			win_move(&w, i, fast);
			continue;
		}
		/* (not inline: keeps the fast loop's registers) */
		e = fast == TOK_FAST_CL100K ? tok_split_cl100k(s + i, len - i)
		  : fast == TOK_FAST_O200K ? tok_split_o200k(s + i, len - i)
		  : tok_split_gpt2(s + i, len - i);
		ends[m++] = i += e;
	}
	*off = i;
	return m;
}

size_t tok_split_batch(int fast, const char *text, size_t len, size_t *off, size_t *ends, size_t max)
{
	switch (fast) {
	case TOK_FAST_CL100K:
		return split_batch(TOK_FAST_CL100K, text, len, off, ends, max);
	case TOK_FAST_O200K:
		return split_batch(TOK_FAST_O200K, text, len, off, ends, max);
	default:
		return split_batch(TOK_FAST_GPT2, text, len, off, ends, max);
	}
}

/* Cuts text into pieces with splitter `fast` (TOK_FAST_*), each handed to fn. */
void tok_split_each(int fast, const char *text, size_t len, tok_piece_fn fn, void *ctx)
{
	size_t ends[256], off = 0, m;
	for (size_t start = 0; (m = tok_split_batch(fast, text, len, &off, ends, 256)); start = off) {
		for (size_t k = 0; k < m; start = ends[k++])
			fn(ctx, text + start, ends[k] - start);
	}
}
