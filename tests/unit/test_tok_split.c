/*
 * The hand-written pre-splitters (gpt2, cl100k, o200k) against PCRE2, their oracle: the parity corpus,
 * documents built from the characters where the pattern's alternatives meet (apostrophes and
 * contraction letters, long s, CR/LF, Unicode white space, digits, marks, punctuation), and a
 * seeded fuzz loop of random strings over a wider alphabet. GRIST_FUZZ_ITERS sets the fuzz
 * length (default 20000). A difference prints the input in hex and both splits.
 */
#include <stdlib.h>

#include "tests/unit/harness.h"
#include "tokenize/tok_pretok.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static pcre2_code *re;
static size_t (*split)(const unsigned char *, size_t);
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
		bad += !same_split(line, (size_t)n);
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
		bad += !same_split(s, n);
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
		bad += !same_split(s, n);
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
		bad += !same_split(s, n);
	}
	CHECK(bad == 0);
}

int main(void)
{
	static const struct {
		const char *name, *pattern;
		size_t (*fn)(const unsigned char *, size_t);
	} kinds[] = {
		{ "cl100k", tok_pattern_cl100k, tok_split_cl100k },
		{ "o200k", tok_pattern_o200k, tok_split_o200k },
		{ "gpt2", tok_pattern_gpt2, tok_split_gpt2 },
	};
	struct buf err = BUF_INIT;
	md = pcre2_match_data_create(4, NULL);
	tok_split_init();
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		re = tok_regex_compile(kinds[i].pattern, &err);
		split = kinds[i].fn;
		split_name = kinds[i].name;
		shown = 0;
		CHECK(re != NULL);
		if (!re)
			continue;
		RUN(corpus);
		RUN(edge_alphabet);
		RUN(ascii_runs);
		RUN(fuzz);
		tok_regex_free(re);
	}
	pcre2_match_data_free(md);
	buf_release(&err);
	return HARNESS_SUMMARY();
}
