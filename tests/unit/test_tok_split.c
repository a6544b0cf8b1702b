/*
 * The hand-written pre-splitters (gpt2, cl100k, o200k) against PCRE2, their oracle: the parity corpus,
 * documents built from the characters where the pattern's alternatives meet (apostrophes and
 * contraction letters, long s, CR/LF, Unicode white space, digits, marks, punctuation), and a
 * seeded fuzz loop of random strings over a wider alphabet. GRIST_FUZZ_ITERS sets the fuzz
 * length (default 20000). A difference prints the input in hex and both splits. Every input
 * goes through both the per-piece splitters and the batch loop (tok_split_batch, with its
 * ASCII bit planes), and the batch loop is tried again at every offset from its 64-byte
 * windows' edges and with the planes built by AVX2, SSE2 and the byte loop.
 */
#include <stdlib.h>

#include "tests/unit/harness.h"
#include "tokenize/tok_pretok.h"
#include "tokenize/tok_split_planes.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static pcre2_code *re;
static size_t (*split)(const unsigned char *, size_t);
static int split_kind; /* TOK_FAST_* for tok_split_batch */
static const char *split_name;
static pcre2_match_data *md;
static int shown;

/* Compare the two splits of s; returns 1 if equal. */
static int same_split(const char *s, size_t n)
{
	size_t off = 0;
	while (off < n) {
		int rc = pcre2_match(re, (PCRE2_SPTR)s, n, off, 0, md, NULL);
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		size_t fast = split((const unsigned char *)s + off, n - off);
		if (rc < 0 || ov[0] != off || ov[1] - off != fast) {
			if (shown++ < 5) {
				fprintf(stderr, "%s: split differs at byte %zu: pcre2 [%zu,%zu) fast [%zu,%zu) in:", split_name, off,
					rc < 0 ? 0 : (size_t)ov[0], rc < 0 ? 0 : (size_t)ov[1], off, off + fast);
				for (size_t i = 0; i < n && i < 200; i++)
					fprintf(stderr, " %02x", (unsigned char)s[i]);
				fprintf(stderr, "\n");
			}
			return 0;
		}
		off += fast;
	}
	return 1;
}

/* The same through tok_split_batch, `max` pieces per call; s[0..n) is all the buffer holds. */
static int same_batch(const char *s, size_t n, size_t max)
{
	size_t ends[256], off = 0, start = 0, m;
	while ((m = tok_split_batch(split_kind, s, n, &off, ends, max)) > 0) {
		for (size_t k = 0; k < m; start = ends[k++]) {
			int rc = pcre2_match(re, (PCRE2_SPTR)s, n, start, 0, md, NULL);
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
			if (rc < 0 || ov[0] != start || ov[1] != ends[k] || m > max) {
				if (shown++ < 5) {
					fprintf(stderr, "%s: batch split differs at byte %zu: pcre2 [%zu,%zu) batch [%zu,%zu) in:",
						split_name, start, rc < 0 ? 0 : (size_t)ov[0], rc < 0 ? 0 : (size_t)ov[1], start,
						ends[k]);
					for (size_t i = 0; i < n && i < 200; i++)
						fprintf(stderr, " %02x", (unsigned char)s[i]);
					fprintf(stderr, "\n");
				}
				return 0;
			}
		}
	}
	return start == n && off == n;
}

/* Both paths: the per-piece splitter, and batches of 256 and of 3 pieces in a buffer of exactly
 * n bytes (so that reading past the text shows under ASan). */
static int same_both(const char *s, size_t n)
{
	char *copy = malloc(n ? n : 1);
	memcpy(copy, s, n);
	int ok = same_split(s, n) && same_batch(copy, n, 256) && same_batch(copy, n, 3);
	free(copy);
	return ok;
}

TEST(corpus)
{
	FILE *f = fopen("tests/fixtures/tokenize/corpus.jsonl", "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	/* The raw JSON lines are valid UTF-8 text too (escapes and all): split them whole. */
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int bad = 0;
	while ((n = getline(&line, &cap, f)) > 0)
		bad += !same_both(line, (size_t)n);
	free(line);
	fclose(f);
	CHECK(bad == 0);
}

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *const pieces[] = {
	"'", "'", "s", "S", "t", "T", "re", "RE", "rE", "ve", "VE", "m", "M", "ll", "LL", "lL", "d", "D",
	"\xc5\xbf", /* long s */ "\xe2\x84\xaa", /* Kelvin */ " ", " ", " ", "  ", "\t", "\r", "\n", "\r\n",
	"\xc2\xa0", "\xe3\x80\x80", "\xc2\x85", "\xe1\xa0\x8e", "\xef\xbb\xbf", "\xe2\x80\xa8", "\x0b", "\x0c",
	"a", "b", "Z", "\xc3\xa9", "\xd0\x96", "\xe4\xb8\xad", "\xd8\xb9", "0", "1", "9", "\xd9\xa3",
	"\xe2\x85\xab", "\xc2\xbd", "\xcc\x81", "\xe0\xa4\xbe", "A", "Q", "\xc3\x89", "\xc7\x85" /* Lt */,
	"\xca\xb0" /* Lm */, "\xe3\x81\x82" /* Lo */, "\xd0\x94", "/", "//", ".", ",", "!", "-", "/", "\"", "#", "$",
	"\xf0\x9f\x99\x82", "\xe2\x80\x8d", "\xef\xb8\x8f", "\xf0\x9f\x8f\xbd", "_", "\\", "(", "\x01", "\x7f",
};
#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

TEST(edge_alphabet)
{
	char s[512];
	int bad = 0;
	for (int iter = 0; iter < 20000 && bad < 3; iter++) {
		size_t n = 0, len = 1 + rnd(12);
		for (size_t i = 0; i < len; i++) {
			const char *p = pieces[rnd(NPIECES)];
			size_t k = strlen(p);
			memcpy(s + n, p, k);
			n += k;
		}
		bad += !same_both(s, n);
	}
	CHECK(bad == 0);
}

/* Runs of ASCII letters and digits of every length around the splitter's eight-byte steps,
 * with case changes (o200k), digits, marks, non-ASCII letters and boundary bytes ('@', '[',
 * '`', '{', '/', ':') at every offset in them. */
TEST(ascii_runs)
{
	static const char *const alpha[] = {
		"a", "z", "A", "Z", "m", "Q", "0", "9", "@", "[", "`", "{", "/", ":", " ", "'",
		"\xc3\xa9", "\xc3\x89", "\xd0\x96", "\xcc\x81", "\xe4\xb8\xad", "\xd9\xa3", "\xc2\xb2",
	};
	char s[128];
	int bad = 0;
	for (int iter = 0; iter < 20000 && bad < 3; iter++) {
		size_t n = 0, len = 1 + rnd(24), odd = rnd(len + 1);
		unsigned lettercase = rnd(3);
		for (size_t i = 0; i < len; i++) {
			if (i == odd || rnd(16) == 0) {
				const char *p = alpha[rnd(sizeof(alpha) / sizeof(alpha[0]))];
				memcpy(s + n, p, strlen(p));
				n += strlen(p);
			} else {
				/* mostly one kind per string: lower, upper, or mixed letters and digits */
				unsigned k = lettercase == 2 ? rnd(3) : lettercase;
				s[n++] = (char)(k == 0 ? 'a' + rnd(26) : k == 1 ? 'A' + rnd(26) : '0' + rnd(10));
			}
		}
		bad += !same_both(s, n);
	}
	CHECK(bad == 0);
}

static size_t put_cp(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

TEST(fuzz)
{
	const char *env = getenv("GRIST_FUZZ_ITERS");
	long iters = env ? atol(env) : 20000;
	char s[4 * 300];
	int bad = 0;
	for (long iter = 0; iter < iters && bad < 3; iter++) {
		size_t n = 0, len = 1 + rnd(60);
		for (size_t i = 0; i < len; i++) {
			uint32_t cp;
			switch (rnd(6)) {
			case 0: cp = 0x20 + rnd(0x5F); break;            /* ASCII */
			case 1: cp = rnd(0x20) + (rnd(2) ? 0 : 0x80); break; /* controls, C1 */
			case 2: cp = rnd(0x3000); break;                 /* BMP low */
			case 3: cp = 0x3000 + rnd(0xD000 - 0x3000); break; /* CJK and more */
			case 4: cp = 0xE000 + rnd(0x10FFFF - 0xE000); break; /* up to the end */
			default: {
				const char *p = pieces[rnd(NPIECES)];
				size_t k = strlen(p);
				memcpy(s + n, p, k);
				n += k;
				continue;
			}
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 'x';
			n += put_cp(s + n, cp);
		}
		bad += !same_both(s, n);
	}
	CHECK(bad == 0);
}

/*
 * The batch loop's windows start at a piece and hold 64 bytes: an input of `lead` bytes of one
 * filler, then a short string of the edge alphabet, puts the interesting bytes at every offset
 * from a window's start and end (lead 0..150). Each input sits at the end of an allocation at
 * every memory alignment 0..15, and both plane builders are used.
 */
TEST(block_edges)
{
	static const char *const fillers[] = {
		"a", "Z", "0", " ", ".", "\n", "ab ", "Ab.", "x1 ", " \r\n", "a'", "\xd0\x96", "\xe4\xb8\xad", "  a",
	};
	char s[600];
	int bad = 0;
	for (int simd = 0; simd <= tok_split_simd_max(); simd++) {
		tok_split_simd = simd;
		for (size_t lead = 0; lead <= 150 && bad < 3; lead++) {
			for (int rep = 0; rep < 6 && bad < 3; rep++) {
				const char *f = fillers[rnd(sizeof(fillers) / sizeof(fillers[0]))];
				size_t n = 0, fl = strlen(f);
				while (n < lead) {
					memcpy(s + n, f, fl);
					n += fl;
				}
				n = lead; /* (may cut a filler character: then PCRE2 gets invalid UTF-8) */
				if (fl > 1 && (unsigned char)f[0] >= 0x80)
					n -= lead % fl;
				for (size_t k = 0, len = 1 + rnd(8); k < len; k++) {
					const char *p = pieces[rnd(NPIECES)];
					memcpy(s + n, p, strlen(p));
					n += strlen(p);
				}
				size_t align = (lead + (size_t)rep) % 16;
				char *buf = malloc(n + align);
				memcpy(buf + align, s, n);
				int ok = same_batch(buf + align, n, 256) && same_batch(buf + align, n, 1);
				free(buf);
				bad += !ok;
			}
		}
	}
	tok_split_simd = -1;
	CHECK(bad == 0);
}

/* The plane builders agree on every byte value at every position of a block and at every
 * block length, and their ASCII classes are PCRE2's: \p{L}, \p{N}, \s as the splitter has them. */
TEST(planes)
{
	struct buf err = BUF_INIT;
	pcre2_code *cls[3] = { tok_regex_compile("\\p{L}", &err), tok_regex_compile("\\p{N}", &err),
			       tok_regex_compile("\\s", &err) };
	const int plane[3] = { TOK_PL_L, TOK_PL_N, TOK_PL_W };
	unsigned char b[64];
	int bad = 0;
	for (unsigned c = 0; c < 256; c++) {
		for (unsigned j = 0; j < 64; j++)
			b[j] = (unsigned char)(c + j * 37);
		for (size_t len = 0; len <= 64; len++) {
			uint64_t p1[TOK_PL_COUNT], p0[TOK_PL_COUNT];
			tok_split_simd = 0;
			tok_split_planes(b, len, p0, TOK_PLANES_ALL);
			for (int simd = 1; simd <= tok_split_simd_max(); simd++) {
				tok_split_simd = simd;
				tok_split_planes(b, len, p1, TOK_PLANES_ALL);
				for (int k = 0; k < TOK_PL_COUNT; k++) {
					uint64_t past = len < 64 ? ~0ULL << len : 0;
					bad += p1[k] != p0[k] || (p1[k] & past);
				}
			}
			memcpy(p1, p0, sizeof(p1));
			if (len != 64)
				continue;
			for (unsigned j = 0; j < 64; j++) { /* byte b[j], each value once over c */
				unsigned char ch = b[j];
				int ascii = ch < 0x80;
				bad += (int)(p1[TOK_PL_A] >> j & 1) != ascii;
				for (int r = 0; r < 3 && ascii; r++) {
					int m = pcre2_match(cls[r], &ch, 1, 0, 0, md, NULL) > 0;
					bad += (int)(p1[plane[r]] >> j & 1) != m;
				}
				int punct = ascii && !(p1[TOK_PL_L] >> j & 1) && !(p1[TOK_PL_N] >> j & 1) && !(p1[TOK_PL_W] >> j & 1);
				bad += (int)(p1[TOK_PL_P] >> j & 1) != punct;
				bad += (int)(p1[TOK_PL_LO] >> j & 1) != (ch >= 'a' && ch <= 'z');
				bad += (int)(p1[TOK_PL_UP] >> j & 1) != (ch >= 'A' && ch <= 'Z');
				bad += (int)(p1[TOK_PL_NL] >> j & 1) != (ch == '\r' || ch == '\n');
				bad += (int)(p1[TOK_PL_SL] >> j & 1) != (ch == '/');
				bad += (int)(p1[TOK_PL_SP] >> j & 1) != (ch == ' ');
				bad += (int)(p1[TOK_PL_Q] >> j & 1) != (ch == '\'');
			}
		}
	}
	tok_split_simd = -1;
	for (int r = 0; r < 3; r++)
		tok_regex_free(cls[r]);
	buf_release(&err);
	CHECK(bad == 0);
}

int main(void)
{
	static const struct {
		const char *name, *pattern;
		size_t (*fn)(const unsigned char *, size_t);
		int kind;
	} kinds[] = {
		{ "cl100k", tok_pattern_cl100k, tok_split_cl100k, TOK_FAST_CL100K },
		{ "o200k", tok_pattern_o200k, tok_split_o200k, TOK_FAST_O200K },
		{ "gpt2", tok_pattern_gpt2, tok_split_gpt2, TOK_FAST_GPT2 },
	};
	struct buf err = BUF_INIT;
	md = pcre2_match_data_create(4, NULL);
	tok_split_init();
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		re = tok_regex_compile(kinds[i].pattern, &err);
		split = kinds[i].fn;
		split_kind = kinds[i].kind;
		split_name = kinds[i].name;
		shown = 0;
		CHECK(re != NULL);
		if (!re)
			continue;
		RUN(corpus);
		RUN(edge_alphabet);
		RUN(ascii_runs);
		RUN(fuzz);
		RUN(block_edges);
		tok_regex_free(re);
	}
	RUN(planes);
	pcre2_match_data_free(md);
	buf_release(&err);
	return HARNESS_SUMMARY();
}
