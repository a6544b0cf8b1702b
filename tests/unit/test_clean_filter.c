/*
 * Unit tests for clean's quality filters: every rule with a document just inside and just
 * outside its threshold (the documents are built so the measured value lands exactly on the
 * threshold, then one unit past it), the reported value, the on/off switches, config parsing,
 * and the no-space-script exemption (a clean Chinese and a clean Japanese document survive the
 * default set).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

#include "clean/clean_filter.h"
#include "clean/clean_filter_int.h"

static struct clean_filter_ctx *ctx;

/* Runs cfg on text; returns the rule that rejected it or NULL. */
static const char *run(const struct clean_filter_config *cfg, const char *text, size_t len,
		       double *value)
{
	struct clean_verdict v;
	int keep = clean_filter_run(cfg, ctx, &text, &len, &v);
	if (value)
		*value = v.value;
	return keep ? NULL : v.rule;
}

static const char *runs(const struct clean_filter_config *cfg, const struct buf *b, double *value)
{
	return run(cfg, b->data, b->len, value);
}

/* cfg with only filter f, and (when p >= 0) only rule p of it switched on. */
static void only(struct clean_filter_config *cfg, int f, int p, int first, int last)
{
	clean_filter_config_init(cfg);
	cfg->order[0] = f;
	cfg->norder = 1;
	if (p >= 0)
		for (int k = first; k <= last; k++)
			cfg->off[k] = k != p;
}

static int rule_is(const char *got, const char *want)
{
	if (!got || !want)
		return got == want;
	return !strcmp(got, want);
}

#define EXPECT_KEEP(cfg, b) CHECK(runs((cfg), (b), NULL) == NULL)
#define EXPECT_REJECT(cfg, b, rule, val)                                              \
	do {                                                                          \
		double v_;                                                            \
		const char *r_ = runs((cfg), (b), &v_);                               \
		CHECK(rule_is(r_, (rule)));                                           \
		if (!rule_is(r_, (rule)) || v_ < (val) - 1e-9 || v_ > (val) + 1e-9)   \
			fprintf(stderr, "  got %s = %g, want %s = %g\n",              \
				r_ ? r_ : "(kept)", v_, (rule), (double)(val));       \
		CHECK(v_ > (val) - 1e-9 && v_ < (val) + 1e-9);                        \
	} while (0)

/* n words: "the and" then copies of w (each followed by a space). */
static void words_doc(struct buf *b, int n, const char *w)
{
	buf_reset(b);
	buf_addstr(b, "the and");
	for (int i = 2; i < n; i++)
		buf_addf(b, " %s", w);
}

TEST(gopher_quality_rules)
{
	struct clean_filter_config cfg;
	struct buf b = BUF_INIT;
	only(&cfg, CLEAN_F_GOPHER_QUALITY, -1, 0, 0);

	/* min_words: 50 inside, 49 outside; pure-symbol tokens do not count */
	words_doc(&b, 50, "alpha");
	EXPECT_KEEP(&cfg, &b);
	words_doc(&b, 49, "alpha");
	buf_addstr(&b, " \xE2\x80\x94 -- ***");
	EXPECT_REJECT(&cfg, &b, "gopher.min_words", 49);

	/* max_words (set to 60 from a "command line" value) */
	struct buf err = BUF_INIT;
	CHECK(clean_filter_config_set(&cfg, "gopher-max-words", "60", &err) == 0);
	words_doc(&b, 60, "alpha");
	EXPECT_KEEP(&cfg, &b);
	words_doc(&b, 61, "alpha");
	EXPECT_REJECT(&cfg, &b, "gopher.max_words", 61);
	only(&cfg, CLEAN_F_GOPHER_QUALITY, -1, 0, 0);

	/* mean word length: 3 inside; one 2-letter core ("ab." strips its period) -> 2.98 */
	words_doc(&b, 50, "abc");
	EXPECT_KEEP(&cfg, &b);
	buf_addstr(&b, " ab.");
	words_doc(&b, 49, "abc");
	buf_addstr(&b, " ab.");
	EXPECT_REJECT(&cfg, &b, "gopher.min_mean_word_length", 149.0 / 50);
	/* 10 inside, 10.02 outside (stop words are 3 long, so balance with 17-letter words) */
	buf_reset(&b);
	buf_addstr(&b, "the and abcdefghijklmnopq abcdefghijklmnopq");
	for (int i = 4; i < 50; i++)
		buf_addstr(&b, " abcdefghij");
	EXPECT_KEEP(&cfg, &b);
	buf_addch(&b, 'k');
	EXPECT_REJECT(&cfg, &b, "gopher.max_mean_word_length", 501.0 / 50);

	/* '#' per word: 5/50 inside, 6/50 outside */
	words_doc(&b, 50, "alpha");
	buf_addstr(&b, " #x #x #x #x #x");
	words_doc(&b, 45, "alpha");
	buf_addstr(&b, " #x #x #x #x #x");
	EXPECT_KEEP(&cfg, &b);
	buf_addstr(&b, "#");
	EXPECT_REJECT(&cfg, &b, "gopher.max_hash_ratio", 6.0 / 50);

	/* ellipsis per word: "..." and U+2026, 5/50 inside, 6/50 outside (not at line ends) */
	words_doc(&b, 46, "alpha");
	buf_addstr(&b, " x...y x\xE2\x80\xA6y x...y z");
	CHECK(runs(&cfg, &b, NULL) == NULL);
	words_doc(&b, 44, "alpha");
	buf_addstr(&b, " a...b a...b a...b a\xE2\x80\xA6" "b a...b end");
	EXPECT_KEEP(&cfg, &b);
	words_doc(&b, 44, "alpha");
	buf_addstr(&b, " a...b a...b a...b a\xE2\x80\xA6" "b a......b end");
	EXPECT_REJECT(&cfg, &b, "gopher.max_ellipsis_ratio", 6.0 / 50);

	/* bullet lines: 9/10 inside, 10/10 outside */
	buf_reset(&b);
	buf_addstr(&b, "the and alpha alpha alpha alpha\n");
	for (int i = 1; i < 10; i++)
		buf_addf(&b, "%s alpha alpha alpha alpha alpha\n", i % 2 ? "-" : "  \xE2\x80\xA2");
	EXPECT_KEEP(&cfg, &b);
	b.data[0] = '-';
	EXPECT_REJECT(&cfg, &b, "gopher.max_bullet_lines", 1.0);

	/* lines ending in an ellipsis: 3/10 inside, 4/10 outside */
	buf_reset(&b);
	buf_addstr(&b, "the and alpha alpha alpha alpha\n");
	for (int i = 1; i < 10; i++)
		buf_addf(&b, "alpha alpha alpha alpha alpha%s\n", i <= 3 ? "..." : ".");
	EXPECT_KEEP(&cfg, &b);
	buf_reset(&b);
	buf_addstr(&b, "the and alpha alpha alpha alpha\n");
	for (int i = 1; i < 10; i++)
		buf_addf(&b, "alpha alpha alpha alpha alpha%s \n", i <= 4 ? "\xE2\x80\xA6" : ".");
	EXPECT_REJECT(&cfg, &b, "gopher.max_ellipsis_lines", 0.4);

	/* words with a letter: 40/50 inside, 39/50 outside */
	words_doc(&b, 40, "alpha");
	for (int i = 0; i < 10; i++)
		buf_addstr(&b, " 1234");
	EXPECT_KEEP(&cfg, &b);
	words_doc(&b, 39, "alpha");
	for (int i = 0; i < 11; i++)
		buf_addstr(&b, " 1234");
	EXPECT_REJECT(&cfg, &b, "gopher.min_alpha_words", 39.0 / 50);

	/* stop words: 2 inside (case and punctuation ignored), 1 outside */
	buf_reset(&b);
	buf_addstr(&b, "The, (and)");
	for (int i = 2; i < 50; i++)
		buf_addstr(&b, " alpha");
	EXPECT_KEEP(&cfg, &b);
	buf_reset(&b);
	buf_addstr(&b, "The theme");
	for (int i = 2; i < 50; i++)
		buf_addstr(&b, " alpha");
	EXPECT_REJECT(&cfg, &b, "gopher.min_stop_words", 1);
	/* ... and "off" turns the rule off */
	CHECK(clean_filter_config_set(&cfg, "gopher.min_stop_words", "off", &err) == 0);
	EXPECT_KEEP(&cfg, &b);
	buf_release(&b);
	buf_release(&err);
}

/* k copies of a phrase of g two-letter words, separated by unique filler words whose lengths
 * make the text exactly `total` characters long. */
static void phrase_doc(struct buf *b, int g, int k, size_t total)
{
	static const char *const two[] = { "ab", "cd", "ef", "gh", "ij", "kl", "mn", "op", "qr", "st" };
	size_t fixed = (size_t)k * (size_t)(3 * g - 1) + (size_t)(k - 1) * 2; /* phrases + spaces */
	size_t fill = total - fixed, nf = (size_t)(k - 1);
	buf_reset(b);
	for (int r = 0; r < k; r++) {
		for (int w = 0; w < g; w++)
			buf_addf(b, "%s%s", w ? " " : "", two[w]);
		if (r == k - 1)
			break;
		size_t len = fill / nf + ((size_t)r < fill % nf);
		buf_addch(b, ' ');
		/* unique filler: "u<r in base 26>" padded with 'x' */
		char tag[8];
		int t = snprintf(tag, sizeof(tag), "U%c%c", 'A' + r / 26, 'A' + r % 26);
		buf_add(b, tag, (size_t)t < len ? (size_t)t : len);
		for (size_t c = (size_t)t; c < len; c++)
			buf_addch(b, 'x');
		buf_addch(b, ' ');
	}
	CHECK(b->len == total);
}

TEST(gopher_repetition_rules)
{
	struct clean_filter_config cfg;
	struct buf b = BUF_INIT;
	const int F = CP_R_DUP_PARA_FRAC, L = CP_R_DUP_10GRAM;

	/* duplicate paragraphs: 3/10 inside, 4/13 outside */
	only(&cfg, CLEAN_F_GOPHER_REP, CP_R_DUP_PARA_FRAC, F, L);
	buf_reset(&b);
	for (int i = 0; i < 10; i++)
		buf_addf(&b, "\n\nparagraph %d\nsame line", i < 7 ? i : 0);
	EXPECT_KEEP(&cfg, &b);
	buf_reset(&b);
	for (int i = 0; i < 13; i++)
		buf_addf(&b, "paragraph %d\n\n\n", i < 9 ? i : 1);
	EXPECT_REJECT(&cfg, &b, "gopher_rep.dup_para_frac", 4.0 / 13);

	/* characters in duplicate paragraphs: 20/100 inside, 20/99 outside */
	only(&cfg, CLEAN_F_GOPHER_REP, CP_R_DUP_PARA_CHAR_FRAC, F, L);
	buf_reset(&b);
	buf_addstr(&b, "AAAAAAAAAAAAAAAAAAAA\n\n");
	for (int i = 0; i < 56; i++)
		buf_addch(&b, 'u');
	buf_addstr(&b, "\n\nAAAAAAAAAAAAAAAAAAAA");
	EXPECT_KEEP(&cfg, &b);
	memmove(b.data + 23, b.data + 24, b.len - 24);
	buf_setlen(&b, b.len - 1);
	EXPECT_REJECT(&cfg, &b, "gopher_rep.dup_para_char_frac", 20.0 / 99);

	/* duplicate lines: 3/10 inside, 4/13 outside */
	only(&cfg, CLEAN_F_GOPHER_REP, CP_R_DUP_LINE_FRAC, F, L);
	buf_reset(&b);
	for (int i = 0; i < 10; i++)
		buf_addf(&b, "line %d\n", i < 7 ? i : 2);
	b.len--; /* no trailing empty piece */
	b.data[b.len] = '\0';
	EXPECT_KEEP(&cfg, &b);
	buf_reset(&b);
	for (int i = 0; i < 13; i++)
		buf_addf(&b, "line %d\n\n", i < 9 ? i : 2);
	b.len -= 2;
	b.data[b.len] = '\0';
	EXPECT_REJECT(&cfg, &b, "gopher_rep.dup_line_frac", 4.0 / 13);

	/* characters in duplicate lines: 20/100 inside, 20/99 outside */
	only(&cfg, CLEAN_F_GOPHER_REP, CP_R_DUP_LINE_CHAR_FRAC, F, L);
	buf_reset(&b);
	buf_addstr(&b, "AAAAAAAAAAAAAAAAAAAA\n");
	for (int i = 0; i < 58; i++)
		buf_addch(&b, 'u');
	buf_addstr(&b, "\nAAAAAAAAAAAAAAAAAAAA");
	EXPECT_KEEP(&cfg, &b);
	memmove(b.data + 22, b.data + 23, b.len - 23);
	buf_setlen(&b, b.len - 1);
	EXPECT_REJECT(&cfg, &b, "gopher_rep.dup_line_char_frac", 20.0 / 99);

	/* most frequent 2/3/4-gram: k * chars / total exactly at the threshold, then one less */
	static const struct { int g, k; size_t total; double frac; const char *rule; } top[] = {
		{ 2, 4, 100, 0.20, "gopher_rep.top_2gram" },
		{ 3, 9, 400, 0.18, "gopher_rep.top_3gram" },
		{ 4, 4, 275, 0.16, "gopher_rep.top_4gram" },
	};
	for (int t = 0; t < 3; t++) {
		only(&cfg, CLEAN_F_GOPHER_REP, CP_R_TOP_2GRAM + t, F, L);
		phrase_doc(&b, top[t].g, top[t].k, top[t].total);
		EXPECT_KEEP(&cfg, &b);
		phrase_doc(&b, top[t].g, top[t].k, top[t].total - 1);
		EXPECT_REJECT(&cfg, &b, top[t].rule,
			      (double)(top[t].k * (3 * top[t].g - 1)) / (double)(top[t].total - 1));
	}

	/* characters in duplicated 5..10-grams: (k-1) * chars / total */
	static const struct { int g, k; size_t total; } dup[] = {
		{ 5, 4, 280 }, { 6, 8, 850 }, { 7, 14, 2000 }, { 8, 4, 575 }, { 9, 12, 2600 },
		{ 10, 2, 290 },
	};
	for (int t = 0; t < 6; t++) {
		char rule[32];
		snprintf(rule, sizeof(rule), "gopher_rep.dup_%dgram", dup[t].g);
		only(&cfg, CLEAN_F_GOPHER_REP, CP_R_DUP_5GRAM + t, F, L);
		phrase_doc(&b, dup[t].g, dup[t].k, dup[t].total);
		EXPECT_KEEP(&cfg, &b);
		phrase_doc(&b, dup[t].g, dup[t].k, dup[t].total - 1);
		EXPECT_REJECT(&cfg, &b, rule,
			      (double)((dup[t].k - 1) * (3 * dup[t].g - 1)) / (double)(dup[t].total - 1));
	}
	buf_release(&b);
}

/* Runs only C4 and returns the kept text (or NULL and the rule). */
static const char *c4_text(const struct clean_filter_config *cfg, const char *in, size_t *len,
			   const char **rule)
{
	struct clean_verdict v;
	const char *t = in;
	*len = strlen(in);
	int keep = clean_filter_run(cfg, ctx, &t, len, &v);
	*rule = v.rule;
	return keep ? t : NULL;
}

#define C4_GIVES(cfg, in, out)                                                       \
	do {                                                                         \
		size_t l_;                                                           \
		const char *r_;                                                      \
		const char *t_ = c4_text((cfg), (in), &l_, &r_);                     \
		CHECK(t_ != NULL);                                                   \
		if (t_)                                                              \
			CHECK_EQ_MEM(t_, l_, (out), strlen(out));                    \
		else                                                                 \
			fprintf(stderr, "  rejected by %s\n", r_);                   \
	} while (0)

TEST(c4_rules)
{
	struct clean_filter_config cfg;
	only(&cfg, CLEAN_F_C4, -1, 0, 0);
	CHECK(clean_filter_config_set(&cfg, "c4.min_sentences", "1", &(struct buf)BUF_INIT) == 0);
	/* lines of 3 words stay, 2 words go; lines are stripped and joined by one newline */
	C4_GIVES(&cfg, "  one two three.  \n\nfour five\nsix seven eight", "one two three.\nsix seven eight");
	/* a 1000-character word stays, 1001 goes */
	struct buf b = BUF_INIT;
	buf_addstr(&b, "a b ");
	for (int i = 0; i < 1000; i++)
		buf_addch(&b, 'w');
	buf_addstr(&b, "\nkeep this line");
	C4_GIVES(&cfg, b.data, b.data);
	buf_reset(&b);
	buf_addstr(&b, "a b ");
	for (int i = 0; i < 1001; i++)
		buf_addch(&b, 'w');
	buf_addstr(&b, "\nkeep this line");
	C4_GIVES(&cfg, b.data, "keep this line");
	/* citations, javascript, policy boilerplate */
	C4_GIVES(&cfg, "a cited fact[12] here[edit] and[citation needed] done [x]",
		 "a cited fact here and done [x]");
	C4_GIVES(&cfg, "Please enable JavaScript now\nthis site Uses Cookies, ok\nreal text here",
		 "real text here");
	/* document-level: lorem ipsum, curly bracket */
	size_t l;
	const char *r;
	CHECK(c4_text(&cfg, "some words here\nLorem Ipsum dolor sit", &l, &r) == NULL);
	CHECK(rule_is(r, "c4.lorem_ipsum"));
	CHECK(c4_text(&cfg, "some words here\nint main() { return 0; }", &l, &r) == NULL);
	CHECK(rule_is(r, "c4.curly_bracket"));
	/* ... unless the line holding them was dropped first (too few words) */
	C4_GIVES(&cfg, "some words here\n{x}", "some words here");
	/* terminal punctuation (off by default, as FineWeb ran C4) */
	C4_GIVES(&cfg, "no end mark here\nends with period.", "no end mark here\nends with period.");
	CHECK(clean_filter_config_set(&cfg, "c4.terminal_punct", "on", &(struct buf)BUF_INIT) == 0);
	C4_GIVES(&cfg, "no end mark here\nends with period.\nhe says \"quoted\"\nit fades out...\nis it really?",
		 "ends with period.\nhe says \"quoted\"\nis it really?");

	/* sentences: 5 inside, 4 outside (default) */
	only(&cfg, CLEAN_F_C4, -1, 0, 0);
	C4_GIVES(&cfg, "One is here. Two is here! Three is here?\nFour is here... Five is here",
		 "One is here. Two is here! Three is here?\nFour is here... Five is here");
	CHECK(c4_text(&cfg, "One is here. Two is here! Three is here?\nFour is here.", &l, &r) == NULL);
	CHECK(rule_is(r, "c4.min_sentences"));
	double v;
	buf_reset(&b);
	buf_addstr(&b, "One is here. Two is here! Three is here?\nFour is here.");
	EXPECT_REJECT(&cfg, &b, "c4.min_sentences", 4);
	/* Google's variant: 5 words per line, 3 sentences */
	struct buf err = BUF_INIT;
	CHECK(clean_filter_config_set(&cfg, "c4.variant", "google", &err) == 0);
	C4_GIVES(&cfg, "One is here now. Two is here now! Three.\nfour words only here",
		 "One is here now. Two is here now! Three.");
	buf_reset(&b);
	buf_addstr(&b, "One is here now ok. Two is here now ok!\nfour words only here");
	EXPECT_REJECT(&cfg, &b, "c4.min_sentences", 2);
	(void)v;
	CHECK(clean_filter_config_set(&cfg, "c4.variant", "bogus", &err) < 0);
	buf_release(&err);
	buf_release(&b);
}

TEST(fineweb_rules)
{
	struct clean_filter_config cfg;
	struct buf b = BUF_INIT;
	only(&cfg, CLEAN_F_FINEWEB, -1, 0, 0);

	/* lines ending in terminal punctuation: 3/25 inside, 3/26 outside */
	for (int n = 25; n <= 26; n++) {
		buf_reset(&b);
		for (int i = 0; i < n; i++)
			buf_addf(&b, "this is line number %03d of the text%s\n", i, i < 3 ? "." : "");
		if (n == 25)
			EXPECT_KEEP(&cfg, &b);
		else
			EXPECT_REJECT(&cfg, &b, "fineweb.min_line_punct", 3.0 / 26);
	}

	/* short lines (<= 30 characters): 67/100 inside, 68/100 outside */
	for (int shortn = 67; shortn <= 68; shortn++) {
		buf_reset(&b);
		for (int i = 0; i < 100; i++)
			/* 30 characters, or 31 */
			buf_addf(&b, "%s line %03d is here oh oka.\n", i < shortn ? "short" : "long!!", i);
		if (shortn == 67)
			EXPECT_KEEP(&cfg, &b);
		else
			EXPECT_REJECT(&cfg, &b, "fineweb.max_short_lines", 0.68);
	}

	/* characters in duplicate lines: 10/1000 inside, 10/999 outside (newlines not counted) */
	for (int cut = 0; cut <= 1; cut++) {
		buf_reset(&b);
		buf_addstr(&b, "dup lines.\n");
		buf_addstr(&b, "dup lines.\n");
		/* 1000 - 20 = 980 characters of unique lines: 14 of 70 */
		for (int i = 0; i < 14; i++) {
			buf_addf(&b, "unique line %02d", i);
			for (int c = 14; c < 69 - (cut && i == 13); c++)
				buf_addch(&b, c == 20 || c == 40 ? ' ' : 'q');
			buf_addstr(&b, ".\n");
		}
		if (!cut)
			EXPECT_KEEP(&cfg, &b);
		else
			EXPECT_REJECT(&cfg, &b, "fineweb.max_dup_line_chars", 10.0 / 999);
	}

	/* newlines per word: 9/30 inside, 9/29 outside */
	for (int words = 30; words >= 29; words--) {
		buf_reset(&b);
		for (int i = 0; i < 30; i++) {
			if (i == words)
				break;
			buf_addf(&b, "wordnumber%02d%s", i, i % 3 == 2 ? ".\n" : " ");
		}
		if (b.data[b.len - 1] == '\n')
			buf_setlen(&b, b.len - 1);
		if (words == 30)
			EXPECT_KEEP(&cfg, &b);
		else
			EXPECT_REJECT(&cfg, &b, "fineweb.max_newline_per_word", 9.0 / 29);
	}
	buf_release(&b);
}

TEST(length_rules)
{
	struct clean_filter_config cfg;
	struct buf b = BUF_INIT, err = BUF_INIT;
	only(&cfg, CLEAN_F_LENGTH, -1, 0, 0);
	EXPECT_REJECT(&cfg, &b, "length.min_chars", 0);
	buf_addstr(&b, "\xC3\xA9t\xC3\xA9 123456"); /* 10 characters, 12 bytes */
	EXPECT_KEEP(&cfg, &b);
	CHECK(clean_filter_config_set(&cfg, "length.max_chars", "10", &err) == 0);
	EXPECT_KEEP(&cfg, &b);
	buf_addch(&b, '7');
	EXPECT_REJECT(&cfg, &b, "length.max_chars", 11);
	CHECK(clean_filter_config_set(&cfg, "length.min_chars", "12", &err) == 0);
	CHECK(clean_filter_config_set(&cfg, "length.max_chars", "off", &err) == 0);
	EXPECT_REJECT(&cfg, &b, "length.min_chars", 11);
	/* Russian in cp1251 read as cp1252: every letter in U+00C0..U+00FF */
	clean_filter_config_init(&cfg);
	only(&cfg, CLEAN_F_LENGTH, -1, 0, 0);
	buf_reset(&b);
	for (int i = 0; i < 8; i++)
		buf_addstr(&b, "\xC3\x8F\xC3\xB0\xC3\xA8\xC3\xA2\xC3\xA5\xC3\xB2 "); /* Ïðèâåò */
	EXPECT_REJECT(&cfg, &b, "mojibake.max_latin1_letters", 1);
	buf_reset(&b); /* French prose keeps far below 0.3 */
	for (int i = 0; i < 4; i++)
		buf_addstr(&b, "L'\xC3\xA9t\xC3\xA9 dernier, nous sommes all\xC3\xA9s \xC3\xA0 la mer. ");
	EXPECT_KEEP(&cfg, &b);
	buf_release(&b);
	buf_release(&err);
}

/* 20 words, k of them w and the rest "word" */
static double broken_share(const char *w, int k)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < 20; i++)
		buf_addf(&b, "%s ", i < k ? w : "word");
	double r = clean_broken_word_fraction(b.data, b.len);
	buf_release(&b);
	return r;
}

TEST(broken_words)
{
	/* each kind of break, twice in 20 words: 0.1 */
	static const char *const broken[] = {
		"l\xD0\xBA" "er",        /* lкer: Latin next to Cyrillic (cp1252 read as cp1251) */
		"\xD0\xBA" "a",        /* кa */
		"\xCE\xB1" "x",          /* αx: Greek */
		"Koli?ina",              /* a character lost to '?' */
		"ab\xEF\xBF\xBD" "cd", /* U+FFFD between letters */
		"za\xC2\xBF\xC3\xB3\xC2\xB3\xC3\xA6", /* za¿ó³æ: Polish cp1250 read as cp1252 */
		"\xC3\x92\xC2\xB2\xC2\xBF\xC3\x89", /* Ò²¿É: a run of signs */
		"manipulaci\xC3\x83\xC2\xB3n", /* manipulaciÃ³n: UTF-8 read as cp1252 */
		"don\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2t", /* donâ€™t */
		"S\xC3\x83\xC5\x93o",  /* SÃœo: Ã and cp1252's 0x9C */
		"a\xE1\xBC\x80",        /* aἀ: Latin next to Greek Extended (lead 0xE1) */
		"\xE1\xB8\x80\xD0\xBA", /* Ḁк: Latin Extended Additional next to Cyrillic */
	};
	for (size_t i = 0; i < sizeof(broken) / sizeof(*broken); i++) {
		double r = broken_share(broken[i], 2);
		if (r < 0.1 - 1e-9 || r > 0.1 + 1e-9)
			fprintf(stderr, "  %s: %g\n", broken[i], r);
		CHECK(r > 0.1 - 1e-9 && r < 0.1 + 1e-9);
	}
	/* not broken: real words of many languages, URLs, numbers and units */
	static const char *const fine[] = {
		"caf\xC3\xA9",          /* café */
		"\xD0\xB4\xD0\xBE\xD0\xBC", /* дом */
		"IT-\xD0\xBA\xD0\xBE\xD0\xBC\xD0\xBF\xD0\xB0\xD0\xBD\xD0\xB8\xD1\x8F", /* IT-компания */
		"10\xCE\xBCs",          /* 10μs: the micro sign is no Greek word */
		"\xCE\xBCs",
		"col\xC2\xB7lecci\xC3\xB3", /* col·lecció (Catalan) */
		"commando\xC2\xB4s",    /* commando´s (Dutch) */
		"https://x.org/a.cgi?id=5",
		"why?",
		"\xC2\xBF" "Qu\xC3\xA9", /* ¿Qué */
		"S\xC3\x83O",           /* SÃO (Portuguese) */
		"20\xC2\xB0" "C", "km\xC2\xB2",
		"\xE4\xBD\xA0\xE5\xA5\xBD", /* 你好 */
		"\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x81", /* 你好！: full-width, lead 0xEF, no U+FFFD */
		"\xE1\x83\x90\xE1\x83\x91" "a",   /* აბa: Georgian (lead 0xE1) next to Latin */
	};
	for (size_t i = 0; i < sizeof(fine) / sizeof(*fine); i++) {
		double r = broken_share(fine[i], 20);
		if (r != 0)
			fprintf(stderr, "  %s: %g\n", fine[i], r);
		CHECK(r == 0);
	}
	/* one broken word is a slip; fewer than 20 words are not measured */
	CHECK(broken_share("Koli?ina", 1) == 0);
	CHECK(clean_broken_word_fraction("Koli?ina Koli?ina", 17) == 0);
	/* the rule: above 0.03 of the words */
	struct clean_filter_config cfg;
	struct buf b = BUF_INIT;
	only(&cfg, CLEAN_F_LENGTH, -1, 0, 0);
	for (int i = 0; i < 10; i++)
		buf_addstr(&b, "Cantid\xD0\xB1" " de lluz azul nel color. ");
	EXPECT_REJECT(&cfg, &b, "mojibake.max_broken_words", 10.0 / 60);
	buf_release(&b);
}

static const char english[] =
	"The river runs through the middle of the old town, and most of the bridges were built "
	"in the eighteenth century.\n"
	"Visitors often walk along the eastern bank to see the market, which opens early on "
	"Saturday mornings.\n"
	"Local farmers bring vegetables, cheese and bread that they have made during the week.\n"
	"In the afternoon the square fills with musicians, and children play near the fountain "
	"with their parents.\n"
	"The museum on the hill holds paintings of the valley as it looked two hundred years ago.\n"
	"Many people come back every summer because the town is quiet and the food is good.\n"
	"If you stay for a few days, take the train to the lake, which is only an hour away.\n";

/* Chinese: a short description of a town and its tea (written for this test). */
static const char chinese[] =
	"这座小城位于山谷之中，四周都是茶园，每年春天都会吸引很多游客前来参观和品茶。\n"
	"当地的茶农大多在清晨上山采茶，他们说早上的茶叶最嫩，泡出来的茶香气也最浓。\n"
	"城里有一条老街，街上有很多茶馆和小吃店，人们喜欢坐在窗边一边喝茶一边聊天。\n"
	"到了傍晚，河边的灯笼一盏一盏亮起来，孩子们在桥上跑来跑去，老人们在树下下棋。\n"
	"如果你有时间，可以在这里住几天，跟着茶农学习怎样炒茶，也可以去附近的古寺走一走。\n";

/* Japanese: the same kind of text. */
static const char japanese[] =
	"この町は山のふもとにあり、春になると桜の花が川沿いに咲いて、多くの人が散歩に訪れます。\n"
	"駅の近くには古い商店街があり、地元の人たちが毎朝野菜や魚を買いに集まってきます。\n"
	"町の図書館は明治時代の建物を使っていて、週末には子どもたちのための読み聞かせ会が開かれます。\n"
	"夏には大きな花火大会があり、遠くの町からも電車に乗って見物に来る人がたくさんいます。\n"
	"もし時間があれば、近くの温泉に泊まって、地元の料理をゆっくり味わってみてください。\n";

static const struct clean_filter_config *lang_of(void *arg)
{
	return arg;
}

TEST(default_set_and_scripts)
{
	struct clean_filter_config cfg;
	clean_filter_config_init(&cfg);
	double v;
	const char *r = run(&cfg, english, strlen(english), &v);
	CHECK(r == NULL);
	if (r)
		fprintf(stderr, "  english rejected by %s = %g\n", r, v);
	/* Chinese and Japanese are measured with ICU words and their own languages' parameters
	 * (with English's, the Chinese mean word length of ICU words is far below 3). */
	struct clean_langset ls;
	struct buf err = BUF_INIT;
	CHECK(clean_langset_build(&ls, &cfg, &err) == 0);
	CHECK(run(&cfg, chinese, strlen(chinese), NULL) != NULL);
	static const char *const docs[][2] = { { "zh", chinese }, { "ja", japanese } };
	for (int k = 0; k < 2; k++) {
		struct clean_lang_resolver lr = { lang_of, (void *)clean_langset_get(&ls, docs[k][0]), 0 };
		struct clean_verdict vd;
		const char *t = docs[k][1];
		size_t n = strlen(t);
		int keep = clean_filter_run_lang(&cfg, ctx, &t, &n, &vd, &lr);
		CHECK(keep && vd.nospace && !vd.skipped);
		if (!keep)
			fprintf(stderr, "  %s rejected by %s = %g\n", docs[k][0], vd.rule, vd.value);
	}
	clean_langset_free(&ls);
	/* Language-independent rules still apply: a Chinese document of repeated lines fails. */
	clean_filter_config_init(&cfg);
	struct buf b = BUF_INIT;
	for (int i = 0; i < 4; i++)
		buf_addstr(&b, "这座小城位于山谷之中，四周都是茶园，每年春天都会吸引很多游客前来参观和品茶。\n");
	r = run(&cfg, b.data, b.len, NULL);
	CHECK(r && !strncmp(r, "gopher_rep.dup_", 15));
	buf_release(&b);
	buf_release(&err);
}

TEST(config_parsing)
{
	struct clean_filter_config cfg;
	struct buf err = BUF_INIT;
	clean_filter_config_init(&cfg);
	CHECK(cfg.norder == 5 && cfg.order[1] == CLEAN_F_GOPHER_REP && cfg.order[4] == CLEAN_F_FINEWEB);
	CHECK(clean_filter_config_set_order(&cfg, "fineweb,c4", &err) == 0);
	CHECK(cfg.norder == 2 && cfg.order[0] == CLEAN_F_FINEWEB && cfg.order[1] == CLEAN_F_C4);
	CHECK(clean_filter_config_set_order(&cfg, "gopher,c4,fineweb", &err) == 0);
	CHECK(cfg.norder == 4 && cfg.order[0] == CLEAN_F_GOPHER_REP && cfg.order[1] == CLEAN_F_GOPHER_QUALITY);
	CHECK(clean_filter_config_set_order(&cfg, "none", &err) == 0 && cfg.norder == 0);
	CHECK(clean_filter_config_set_order(&cfg, "c4,bogus", &err) < 0);
	CHECK(strstr(err.data, "bogus") != NULL);
	buf_reset(&err);
	CHECK(clean_filter_config_set(&cfg, "gopher.min_words", "-3", &err) < 0);
	CHECK(clean_filter_config_set(&cfg, "gopher.min_words", "12x", &err) < 0);
	CHECK(clean_filter_config_set(&cfg, "no.such", "1", &err) < 0);
	CHECK(clean_param_lookup("GOPHER_REP-dup-5gram") == CP_R_DUP_5GRAM);

	char path[] = "/tmp/grist-clean-cfg-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("# filters\nfilters = gopher_quality, c4\n\ngopher.min_words = 7  # fewer\n"
	      "c4-variant = google\nfineweb.max_short_lines=off\n", f);
	fclose(f);
	clean_filter_config_init(&cfg);
	CHECK(clean_filter_config_load(&cfg, path, &err) == 0);
	CHECK(cfg.norder == 2 && cfg.order[0] == CLEAN_F_GOPHER_QUALITY);
	CHECK(cfg.v[CP_G_MIN_WORDS] == 7 && cfg.v[CP_C4_MIN_WORDS_PER_LINE] == 5);
	CHECK(cfg.off[CP_F_MAX_SHORT_LINES] == 1);
	f = fopen(path, "w");
	fputs("gopher.min_words = 7\nbad line\n", f);
	fclose(f);
	buf_reset(&err);
	CHECK(clean_filter_config_load(&cfg, path, &err) < 0);
	CHECK(strstr(err.data, ":2:") != NULL);
	remove(path);
	buf_release(&err);
}

/* clean_sentence_mark decodes; the marks list is the definition: every code point (and a
 * cut or invalid sequence) must give what comparing bytes with each mark gives. */
TEST(sentence_marks)
{
	size_t bad = 0;
	for (uint32_t cp = 0x80; cp < 0x110000; cp++) {
		if (cp >= 0xD800 && cp < 0xE000)
			continue;
		unsigned char u[8] = { 0 };
		size_t l = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (l == 2) {
			u[0] = (unsigned char)(0xC0 | cp >> 6);
		} else if (l == 3) {
			u[0] = (unsigned char)(0xE0 | cp >> 12);
			u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		} else {
			u[0] = (unsigned char)(0xF0 | cp >> 18);
			u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
			u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		}
		u[l - 1] = (unsigned char)(0x80 | (cp & 0x3F));
		u[l] = 'x';
		for (size_t n = 1; n <= l + 1; n++) { /* cut short, whole, and followed by a byte */
			size_t want = 0;
			for (size_t k = 0; clean_script_marks[k] && !want; k++) {
				size_t ml = strlen(clean_script_marks[k]);
				if (n >= ml && !memcmp(u, clean_script_marks[k], ml))
					want = ml;
			}
			bad += clean_sentence_mark(u, n) != want;
		}
		/* FineWeb's line end: a line ending in this character ends in punctuation if the
		 * character is one of the marks or … ” ’ » */
		static const char *const multi[] = { "\u2026", "\u201D", "\u2019", "\u00BB" };
		char line[8] = "a";
		memcpy(line + 1, u, l);
		int want = 0;
		for (size_t k = 0; clean_script_marks[k]; k++)
			want |= strlen(clean_script_marks[k]) == l && !memcmp(u, clean_script_marks[k], l);
		for (size_t k = 0; k < 4; k++)
			want |= strlen(multi[k]) == l && !memcmp(u, multi[k], l);
		bad += clean_ends_terminal(line, l + 1, "") != want;
	}
	CHECK(bad == 0);
	/* a mark's last byte replaced: no longer a mark */
	CHECK(clean_sentence_mark((const unsigned char *)"\xE3\x80\x82", 3) == 3);
	CHECK(clean_sentence_mark((const unsigned char *)"\xE3\x80\x41", 3) == 0);
	CHECK(clean_sentence_mark((const unsigned char *)"\xD8\x9F", 2) == 2);
}

int main(void)
{
	ctx = clean_filter_ctx_new();
	RUN(gopher_quality_rules);
	RUN(gopher_repetition_rules);
	RUN(c4_rules);
	RUN(fineweb_rules);
	RUN(length_rules);
	RUN(broken_words);
	RUN(sentence_marks);
	RUN(default_set_and_scripts);
	RUN(config_parsing);
	clean_filter_ctx_free(ctx);
	return HARNESS_SUMMARY();
}
