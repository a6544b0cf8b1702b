/*
 * Unit tests for clean's Unicode repair and normalization.
 *
 * Normalization is checked against Unicode's own conformance file (Debian unicode-data,
 * NormalizationTest.txt, every line, NFC and NFKC invariants), then the fast path is compared
 * with plain utf8proc_map on random strings built from characters that exercise composition,
 * reordering, Hangul and compatibility mappings.
 */
#include "harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <utf8proc.h>

#include "clean/clean_unicode.h"
#include "lib/utf8.h"

static void norm(const char *s, size_t n, enum clean_norm_form f, struct buf *out)
{
	buf_reset(out);
	int r = clean_normalize(s, n, f, out);
	if (r == 0)
		buf_add(out, s, n);
}

static void repair(const char *in, size_t n, struct buf *out, struct clean_repair_stats *st)
{
	buf_reset(out);
	memset(st, 0, sizeof(*st));
	if (!clean_repair(in, n, out, st))
		buf_add(out, in, n); /* unchanged: nothing appended */
}

#define REPAIRS_TO(in, expect)                                                          \
	do {                                                                            \
		repair((in), sizeof(in) - 1, &out, &st);                                \
		CHECK_EQ_MEM(out.data, out.len, (expect), sizeof(expect) - 1);          \
	} while (0)

TEST(repair_invalid_utf8)
{
	struct buf out = BUF_INIT;
	struct clean_repair_stats st;
	REPAIRS_TO("plain text\n", "plain text\n");
	CHECK(st.invalid == 0);
	/* Unicode 15 ch. 3 table 3-8: maximal subparts, one U+FFFD each. */
	REPAIRS_TO("a\xC0\xAF" "b", "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
	CHECK(st.invalid == 2);
	REPAIRS_TO("\xE1\x80\xE2\xF0\x91\x92\xF1\xBF\x41",
		   "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "A");
	CHECK(st.invalid == 4);
	REPAIRS_TO("x\xF4\x90\x80\x80", "x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	REPAIRS_TO("end\xE2\x82", "end\xEF\xBF\xBD");
	CHECK(st.invalid == 1);
	/* A lone encoded surrogate is one unit; a CESU-8 pair becomes U+1F600. */
	REPAIRS_TO("a\xED\xA0\x80" "b", "a\xEF\xBF\xBD" "b");
	CHECK(st.invalid == 1);
	REPAIRS_TO("\xED\xA0\xBD\xED\xB8\x80", "\xF0\x9F\x98\x80");
	CHECK(st.surrogate_pairs == 1 && st.invalid == 0);
	/* Valid 4-byte characters and noncharacters are untouched. */
	REPAIRS_TO("\xF0\x9F\x98\x80\xEF\xBF\xBF", "\xF0\x9F\x98\x80\xEF\xBF\xBF");
	buf_release(&out);
}

TEST(repair_controls_and_escapes)
{
	struct buf out = BUF_INIT;
	struct clean_repair_stats st;
	REPAIRS_TO("a\tb\nc\fd\re", "a\tb\nc\fd\re");
	CHECK(st.controls == 0 && st.crlf == 0);
	REPAIRS_TO("line1\r\nline2\r\n", "line1\nline2\n");
	CHECK(st.crlf == 2);
	REPAIRS_TO("a\x01\x02\x7F" "b\x00" "c", "abc");
	CHECK(st.controls == 4);
	REPAIRS_TO("\x1B[1;31mred\x1B[0m plain", "red plain");
	CHECK(st.escapes == 2);
	REPAIRS_TO("\x1B]0;title\x07text", "text");
	REPAIRS_TO("\x1B]8;;http://x\x1B\\link", "link");
	REPAIRS_TO("\x1B(Bx\x1B" "7y\x1B", "xy");
	/* An unterminated OSC loses only its introducer. */
	REPAIRS_TO("\x1B]keep\nthis", "keep\nthis");
	/* C1 controls (U+0080..U+009F), and an 8-bit CSI with its parameters. */
	REPAIRS_TO("a\xC2\x85" "b\xC2\x9B" "1;2mc", "abc");
	CHECK(st.c1 == 2);
	/* U+00A0 and above are not C1. */
	REPAIRS_TO("\xC2\xA0\xC2\xBF", "\xC2\xA0\xC2\xBF");
	buf_release(&out);
}

TEST(repair_mojibake)
{
	struct buf out = BUF_INIT;
	struct clean_repair_stats st;
	/* UTF-8 decoded as Windows-1252 and re-encoded: "Café – it’s naïve" */
	REPAIRS_TO("Caf\xC3\x83\xC2\xA9 \xC3\xA2\xE2\x82\xAC\xE2\x80\x9C it\xC3\xA2\xE2\x82\xAC"
		   "\xE2\x84\xA2s na\xC3\x83\xC2\xAF" "ve",
		   "Caf\xC3\xA9 \xE2\x80\x93 it\xE2\x80\x99s na\xC3\xAF" "ve");
	CHECK(st.mojibake == 4 && st.docs_mojibake == 1);
	/* Latin-1 reading keeps C1 characters: "\xC3\x83\xC2\x81" = "Ã" U+0081 -> "Á". */
	REPAIRS_TO("\xC3\x83\xC2\x81rbol", "\xC3\x81rbol");
	/* Russian read as cp1252: "Ð¿Ñ€Ð¸" -> "при" */
	REPAIRS_TO("\xC3\x90\xC2\xBF\xC3\x91\xE2\x82\xAC\xC3\x90\xC2\xB8", "\xD0\xBF\xD1\x80\xD0\xB8");
	/* Correct text is left alone: accented words, quotes next to capitals, Portuguese. */
	REPAIRS_TO("Caf\xC3\xA9 \xE2\x80\x9C" "CAF\xC3\x89\xE2\x80\x9D",
		   "Caf\xC3\xA9 \xE2\x80\x9C" "CAF\xC3\x89\xE2\x80\x9D");
	CHECK(st.mojibake == 0);
	REPAIRS_TO("S\xC3\x83O PAULO, IRM\xC3\x83\xE2\x80\x9D and ma\xC3\xA7\xC3\xA3",
		   "S\xC3\x83O PAULO, IRM\xC3\x83\xE2\x80\x9D and ma\xC3\xA7\xC3\xA3");
	CHECK(st.mojibake == 0);
	REPAIRS_TO("\xC3\x89t\xC3\xA9 \xC3\xA0 Z\xC3\xBCrich", "\xC3\x89t\xC3\xA9 \xC3\xA0 Z\xC3\xBCrich");
	/* Chinese, Japanese: no candidates at all. */
	REPAIRS_TO("\xE4\xB8\xAD\xE6\x96\x87", "\xE4\xB8\xAD\xE6\x96\x87");
	buf_release(&out);
}

/* Parses "0044 0307" into UTF-8. */
static void parse_cps(const char *f, const char *e, struct buf *out)
{
	buf_reset(out);
	while (f < e) {
		char *end;
		long cp = strtol(f, &end, 16);
		if (end == f)
			break;
		unsigned char enc[4];
		buf_add(out, enc, utf8_encode((int32_t)cp, enc));
		f = end;
		while (f < e && *f == ' ')
			f++;
	}
}

TEST(normalization_conformance)
{
	const char *path = getenv("GRIST_NORMTEST");
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "bzip2 -dc %s",
		 path ? path : "/usr/share/unicode/NormalizationTest.txt.bz2");
	FILE *f = popen(cmd, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	static unsigned char in_part1[0x110000];
	struct buf c[5] = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT };
	struct buf got = BUF_INIT;
	char line[4096];
	int part = -1, cases = 0, bad = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (line[0] == '@') {
			part = atoi(line + 5);
			continue;
		}
		const char *p = line;
		for (int k = 0; k < 5; k++) {
			const char *semi = strchr(p, ';');
			if (!semi)
				break;
			parse_cps(p, semi, &c[k]);
			p = semi + 1;
		}
		if (part == 1)
			in_part1[strtol(line, NULL, 16)] = 1;
		cases++;
		/* NFC: c2 == toNFC(c1) == toNFC(c2) == toNFC(c3); c4 == toNFC(c4) == toNFC(c5) */
		for (int k = 0; k < 5; k++) {
			const struct buf *want = &c[k < 3 ? 1 : 3];
			norm(c[k].data, c[k].len, CLEAN_NORM_NFC, &got);
			if (got.len != want->len || memcmp(got.data, want->data, got.len)) {
				if (bad++ < 5)
					fprintf(stderr, "NFC mismatch: %s", line);
			}
			/* NFKC: c4 == toNFKC(c1..c5) */
			norm(c[k].data, c[k].len, CLEAN_NORM_NFKC, &got);
			if (got.len != c[3].len || memcmp(got.data, c[3].data, got.len)) {
				if (bad++ < 5)
					fprintf(stderr, "NFKC mismatch: %s", line);
			}
		}
	}
	CHECK(pclose(f) == 0);
	printf("NormalizationTest.txt: %d cases x 5 columns x 2 forms, %d mismatches\n", cases, bad);
	CHECK(cases > 18000);
	CHECK(bad == 0);
	/* Every code point not listed in part 1 is unchanged by both forms. */
	int unchanged_bad = 0;
	for (int32_t cp = 0; cp < 0x110000; cp++) {
		if ((cp >= 0xD800 && cp <= 0xDFFF) || in_part1[cp])
			continue;
		unsigned char enc[4];
		size_t l = utf8_encode(cp, enc);
		for (int form = CLEAN_NORM_NFC; form <= CLEAN_NORM_NFKC; form++) {
			norm((const char *)enc, l, (enum clean_norm_form)form, &got);
			if (got.len != l || memcmp(got.data, enc, l))
				unchanged_bad++;
		}
	}
	CHECK(unchanged_bad == 0);
	for (int k = 0; k < 5; k++)
		buf_release(&c[k]);
	buf_release(&got);
}

/* xorshift: deterministic random strings. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

TEST(fast_path_equals_utf8proc)
{
	static const int32_t pool[] = {
		'a', 'e', 'A', ' ', '.', 0x00E9, 0x0301, 0x0300, 0x0323, 0x0327, 0x0308, 0x0345,
		0x1100, 0x1161, 0x11A8, 0xAC00, 0xAC01, 0x0B47, 0x0B3E, 0x0B57, 0x0DD9, 0x0DCF,
		0x212B, 0x2126, 0x1E0A, 0x1E9B, 0xFB01, 0x3000, 0xFF01, 0x00BD, 0x2460, 0x0F73,
		0x0344, 0x4E2D, 0x3042, 0x3099, 0x304B, 0x30AB, 0xFF76, 0xFF9E, 0x05B0, 0x05B8,
		0x0915, 0x093C, 0x0958, 0x1D15E, 0x1D165, 0x2ADC, 0x0338, 0x003C, 0x226E, 0x00C5,
		0x1112, 0x1173, 0x11B6, 0xD4DB, 0x0020, 0x2000, 0x01C4, 0x1F600,
	};
	const size_t np = sizeof(pool) / sizeof(pool[0]);
	struct buf s = BUF_INIT, fast = BUF_INIT, slow = BUF_INIT;
	int bad = 0;
	for (int iter = 0; iter < 20000; iter++) {
		buf_reset(&s);
		size_t len = next_rand() % 24;
		for (size_t k = 0; k < len; k++) {
			unsigned char enc[4];
			buf_add(&s, enc, utf8_encode(pool[next_rand() % np], enc));
		}
		for (int form = CLEAN_NORM_NFC; form <= CLEAN_NORM_NFKC; form++) {
			norm(s.data, s.len, (enum clean_norm_form)form, &fast);
			buf_reset(&slow);
			clean_normalize_slow(s.data, s.len, (enum clean_norm_form)form, &slow);
			if (fast.len != slow.len || memcmp(fast.data, slow.data, fast.len))
				bad++;
		}
	}
	CHECK(bad == 0);
	/* Already-normalized text reports "unchanged" without writing. */
	buf_reset(&fast);
	CHECK(clean_normalize("caf\xC3\xA9 \xE4\xB8\xAD", 9, CLEAN_NORM_NFC, &fast) == 0);
	CHECK(fast.len == 0);
	CHECK(clean_normalize("cafe\xCC\x81", 6, CLEAN_NORM_NFC, &fast) == 1);
	CHECK_EQ_MEM(fast.data, fast.len, "caf\xC3\xA9", 5);
	/* Ill-formed bytes pass through and do not break the segments around them. */
	norm("e\xFF\xCC\x81" "e\xCC\x81", 7, CLEAN_NORM_NFC, &fast);
	CHECK_EQ_MEM(fast.data, fast.len, "e\xFF\xCC\x81\xC3\xA9", 6);
	/* NFKC changes CJK full-width punctuation; NFC does not. */
	norm("\xEF\xBC\x81", 3, CLEAN_NORM_NFKC, &fast);
	CHECK_EQ_MEM(fast.data, fast.len, "!", 1);
	norm("\xEF\xBC\x81", 3, CLEAN_NORM_NFC, &fast);
	CHECK_EQ_MEM(fast.data, fast.len, "\xEF\xBC\x81", 3);
	CHECK(clean_norm_parse("NFKC") == CLEAN_NORM_NFKC && clean_norm_parse("x") == -1);
	buf_release(&s);
	buf_release(&fast);
	buf_release(&slow);
}

/* clean_normalize.c scans only the first four planes for unstable characters at start-up:
 * everything above must have combining class 0, map to itself and never appear inside
 * another character's decomposition. */
TEST(upper_planes_stable)
{
	int bad = 0;
	for (int32_t cp = 0; cp < 0x110000; cp++) {
		const utf8proc_property_t *p = utf8proc_get_property(cp);
		if (cp >= 0x40000 && (p->combining_class != 0 || p->decomp_seqindex != UINT16_MAX ||
				      p->comb_index != UINT16_MAX)) {
			if (bad++ < 3)
				fprintf(stderr, "U+%04X has a combining class or decomposition\n", (unsigned)cp);
			continue;
		}
		if (cp < 0x40000 && p->decomp_seqindex != UINT16_MAX) {
			utf8proc_int32_t d[8];
			utf8proc_ssize_t k = utf8proc_decompose_char(cp, d, 8, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, NULL);
			for (utf8proc_ssize_t i = 0; i < k && i < 8; i++)
				if (d[i] >= 0x40000 && bad++ < 3)
					fprintf(stderr, "U+%04X decomposes to U+%04X\n", (unsigned)cp, (unsigned)d[i]);
		}
	}
	CHECK(bad == 0);
	/* and the fast path agrees with utf8proc on a sample of them */
	struct buf out = BUF_INIT;
	for (int32_t cp = 0x40000; cp < 0x110000; cp += 0x1FF) {
		unsigned char enc[8];
		size_t l = utf8_encode((uint32_t)cp, enc);
		enc[l] = 'x';
		buf_reset(&out);
		CHECK(clean_normalize((const char *)enc, l + 1, CLEAN_NORM_NFKC, &out) == 0);
	}
	buf_release(&out);
}

int main(void)
{
	RUN(repair_invalid_utf8);
	RUN(repair_controls_and_escapes);
	RUN(repair_mojibake);
	RUN(normalization_conformance);
	RUN(fast_path_equals_utf8proc);
	RUN(upper_planes_stable);
	return HARNESS_SUMMARY();
}
