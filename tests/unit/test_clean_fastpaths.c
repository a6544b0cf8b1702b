/*
 * Differential tests for the filters' shortcuts, on random documents:
 *   - the Gopher n-gram rules (pruned by bounds, hashed n-grams) against a naive reference
 *     that joins words into strings and counts them, as datatrove does;
 *   - C4 followed by FineWeb in one run (C4 hands FineWeb derived word counts) against C4 and
 *     FineWeb run separately (FineWeb then analyses C4's output from scratch);
 *   - the SSE2 phrase-anchor scan against C4 run on the same text with every letter case
 *     flipped (the rules are case-insensitive, so verdicts must agree).
 */
#include "harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean/clean_filter.h"
#include "clean/clean_textstats.h"

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char *const vocab[] = {
	"the", "of", "and", "to", "river", "town", "market", "bread", "music", "lake", "a",
	"Lorem", "ipsum", "JavaScript", "cookies", "use", "privacy", "policy", "terms", "[1]",
	"[edit]", "x", "supercalifragilistic", "...", "\xE2\x80\xA6", "caf\xC3\xA9", "\xE4\xB8\xAD\xE6\x96\x87",
	"end.", "why?", "yes!", "\"quoted\"", "-", "\xE2\x80\xA2", "#tag", "123",
	/* words ICU splits (Thai, Japanese, Chinese with a citation), Unicode white space inside
	 * a word of ASCII white space (ideographic space, em space), a mark-only Thai word */
	"\xE0\xB8\xA0\xE0\xB8\xB2\xE0\xB8\xA9\xE0\xB8\xB2\xE0\xB9\x84\xE0\xB8\x97\xE0\xB8\xA2",
	"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE6\x96\x87\xE7\xAB\xA0\xE3\x81\xA7\xE3\x81\x99\xE3\x80\x82",
	"\xE4\xB8\xAD\xE6\x96\x87[2]", "a\xE3\x80\x80" "b", "x\xE2\x80\x83\xE4\xB8\xAD", "\xE0\xB9\x91\xE0\xB9\x92",
};
#define NV (sizeof(vocab) / sizeof(*vocab))

/* mode 0: every word and space kind; 1: a few ASCII words (repetitive); 2: ASCII only */
static void random_doc(struct buf *b, int mode)
{
	static const uint32_t ascii_words[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
					   16, 17, 18, 19, 20, 21, 22, 23, 27, 28, 29, 30, 31, 33, 34 };
	buf_reset(b);
	int lines = 1 + (int)rnd(30);
	for (int l = 0; l < lines; l++) {
		int words = (int)rnd(20);
		for (int w = 0; w < words; w++) {
			const char *sp = w == 0 ? "" : mode == 0 && rnd(50) == 0 ? "\xC2\xA0"
						     : rnd(60) == 0 ? "\t" : " ";
			buf_addstr(b, sp);
			buf_addstr(b, vocab[mode == 1 ? rnd(12) : mode == 2 ? ascii_words[rnd(31)] : rnd(NV)]);
		}
		buf_addstr(b, rnd(10) == 0 ? "\n\n" : rnd(40) == 0 ? "\r" : rnd(40) == 0 ? "\f" : "\n");
		if (rnd(8) == 0 && l > 2) { /* repeat an earlier stretch */
			size_t from = rnd((uint32_t)b->len), len = rnd(200);
			if (from + len > b->len)
				len = b->len - from;
			/* keep UTF-8 whole: move to character starts */
			while (from < b->len && ((unsigned char)b->data[from] & 0xC0) == 0x80)
				from++, len = len ? len - 1 : 0;
			while (from + len < b->len && ((unsigned char)b->data[from + len] & 0xC0) == 0x80)
				len++;
			struct buf tmp = BUF_INIT;
			buf_add(&tmp, b->data + from, len);
			buf_add(b, tmp.data, tmp.len);
			buf_release(&tmp);
		}
	}
}

/* ---- naive Gopher n-gram reference (whitespace words; ASCII-only documents) ------------------- */

struct sv { char **s; size_t n, a; };

static void words_of(const char *t, size_t n, struct sv *w)
{
	w->n = 0;
	for (size_t i = 0; i < n;) {
		while (i < n && (t[i] == ' ' || (t[i] >= '\t' && t[i] <= '\r')))
			i++;
		if (i >= n)
			break;
		size_t st = i;
		while (i < n && !(t[i] == ' ' || (t[i] >= '\t' && t[i] <= '\r')))
			i++;
		if (w->n == w->a) {
			w->a = w->a ? 2 * w->a : 64;
			w->s = realloc(w->s, w->a * sizeof(char *));
		}
		char *x = malloc(i - st + 1);
		memcpy(x, t + st, i - st);
		x[i - st] = 0;
		w->s[w->n++] = x;
	}
}

static char *join(struct sv *w, size_t i, size_t g)
{
	size_t len = 0;
	for (size_t k = 0; k < g; k++)
		len += strlen(w->s[i + k]) + 1;
	char *r = malloc(len), *p = r;
	for (size_t k = 0; k < g; k++)
		p += sprintf(p, "%s%s", k ? " " : "", w->s[i + k]);
	return r;
}

/* First failing n-gram rule (top 2..4, dup 5..10) with default thresholds, or NULL. */
static const char *naive_ngrams(const char *t, size_t n, double *value)
{
	static const double top_thr[] = { 0.20, 0.18, 0.16 };
	static const double dup_thr[] = { 0.15, 0.14, 0.13, 0.12, 0.11, 0.10 };
	static char rule[32];
	struct sv w = { 0 };
	words_of(t, n, &w);
	double total = (double)n; /* ASCII: characters = bytes */
	const char *res = NULL;
	for (size_t g = 2; g <= 4 && !res && w.n >= g; g++) {
		size_t m = w.n - g + 1, best = 0, bestlen = 0;
		char **grams = malloc(m * sizeof(char *));
		for (size_t i = 0; i < m; i++)
			grams[i] = join(&w, i, g);
		for (size_t i = 0; i < m; i++) { /* count, ties to the first */
			size_t c = 0;
			for (size_t j = 0; j < m; j++)
				c += !strcmp(grams[i], grams[j]);
			if (c > best) {
				best = c;
				bestlen = strlen(grams[i]);
			}
		}
		double f = (double)(best * bestlen) / total;
		if (f > top_thr[g - 2]) {
			snprintf(rule, sizeof(rule), "gopher_rep.top_%zugram", g);
			*value = f;
			res = rule;
		}
		for (size_t i = 0; i < m; i++)
			free(grams[i]);
		free(grams);
	}
	for (size_t g = 5; g <= 10 && !res && w.n >= g; g++) {
		size_t m = w.n - g + 1, nseen = 0, rep = 0;
		char **seen = malloc(m * sizeof(char *));
		for (size_t i = 0; i < m;) {
			char *x = join(&w, i, g);
			int dup = 0;
			for (size_t j = 0; j < nseen && !dup; j++)
				dup = !strcmp(seen[j], x);
			if (dup) {
				rep += strlen(x);
				free(x);
				i += g;
			} else {
				seen[nseen++] = x;
				i++;
			}
		}
		double f = (double)rep / total;
		if (f > dup_thr[g - 5]) {
			snprintf(rule, sizeof(rule), "gopher_rep.dup_%zugram", g);
			*value = f;
			res = rule;
		}
		for (size_t j = 0; j < nseen; j++)
			free(seen[j]);
		free(seen);
	}
	for (size_t i = 0; i < w.n; i++)
		free(w.s[i]);
	free(w.s);
	return res;
}

static int is_ascii(const struct buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if ((unsigned char)b->data[i] >= 0x80)
			return 0;
	return 1;
}

TEST(ngram_rules_match_naive_reference)
{
	struct clean_filter_ctx *ctx = clean_filter_ctx_new();
	struct clean_filter_config cfg;
	clean_filter_config_init(&cfg);
	cfg.order[0] = CLEAN_F_GOPHER_REP;
	cfg.norder = 1;
	for (int p = CP_R_DUP_PARA_FRAC; p <= CP_R_DUP_LINE_CHAR_FRAC; p++)
		cfg.off[p] = 1;
	struct buf b = BUF_INIT;
	int compared = 0, fired = 0, bad = 0;
	for (int iter = 0; iter < 3000 && compared < 800; iter++) {
		random_doc(&b, 1 + iter % 2);
		if (!is_ascii(&b))
			continue;
		compared++;
		double want_v = 0;
		const char *want = naive_ngrams(b.data, b.len, &want_v);
		const char *t = b.data;
		size_t n = b.len;
		struct clean_verdict v;
		int keep = clean_filter_run(&cfg, ctx, &t, &n, &v);
		const char *got = keep ? NULL : v.rule;
		fired += want != NULL;
		if ((got == NULL) != (want == NULL) || (got && (strcmp(got, want) || v.value != want_v))) {
			if (bad++ < 3)
				fprintf(stderr, "doc %d: got %s %g, naive %s %g\n", iter, got ? got : "keep",
					v.value, want ? want : "keep", want_v);
		}
	}
	printf("n-gram rules: %d documents compared, %d rejected by the reference, %d differ\n",
	       compared, fired, bad);
	CHECK(compared > 500 && fired > 50 && fired < compared);
	CHECK(bad == 0);
	buf_release(&b);
	clean_filter_ctx_free(ctx);
}

static int same_verdict(int k1, const struct clean_verdict *a, const char *ta, size_t la, int k2,
			const struct clean_verdict *b, const char *tb, size_t lb)
{
	if (k1 != k2)
		return 0;
	if (!k1)
		return !strcmp(a->rule, b->rule) && a->value == b->value;
	return la == lb && !memcmp(ta, tb, la);
}

TEST(c4_then_fineweb_equals_separate_runs)
{
	struct clean_filter_ctx *one = clean_filter_ctx_new(), *two = clean_filter_ctx_new();
	struct clean_filter_config both, c4, fw, rep_c4_fw, rep;
	clean_filter_config_init(&both);
	both.order[0] = CLEAN_F_C4;
	both.order[1] = CLEAN_F_FINEWEB;
	both.norder = 2;
	c4 = both;
	c4.norder = 1;
	fw = both;
	fw.order[0] = CLEAN_F_FINEWEB;
	fw.norder = 1;
	/* analysis made by Gopher repetition first, then C4 derives from it */
	rep_c4_fw = both;
	rep_c4_fw.order[0] = CLEAN_F_GOPHER_REP;
	rep_c4_fw.order[1] = CLEAN_F_C4;
	rep_c4_fw.order[2] = CLEAN_F_FINEWEB;
	rep_c4_fw.norder = 3;
	rep = rep_c4_fw;
	rep.norder = 1;
	for (struct clean_filter_config *c = &both; c; c = c == &both ? &c4 : c == &c4 ? &fw : c == &fw ? &rep_c4_fw : c == &rep_c4_fw ? &rep : NULL) {
		c->v[CP_C4_MIN_SENTENCES] = 1; /* let most documents through C4 */
		c->v[CP_F_MAX_DUP_LINE_CHARS] = 0.5;
		c->off[CP_F_MIN_LINE_PUNCT] = c->off[CP_F_MAX_SHORT_LINES] = 1;
		c->v[CP_F_MAX_NEWLINE_PER_WORD] = 0.12;
		c->v[CP_C4_MAX_WORD_LEN] = 12; /* exercise the long-word line drop */
		for (int p = CP_R_DUP_PARA_FRAC; p <= CP_R_DUP_10GRAM; p++)
			c->off[p] = 1;
	}
	struct buf b = BUF_INIT, mid = BUF_INIT;
	int bad = 0, kept = 0, nl_rule = 0;
	for (int iter = 0; iter < 3000; iter++) {
		random_doc(&b, iter % 3); /* ASCII documents take the derived-count path */
		for (int pass = 0; pass < 2; pass++) {
			const struct clean_filter_config *whole = pass ? &rep_c4_fw : &both;
			struct clean_verdict va, vb;
			const char *ta = b.data, *tb = b.data;
			size_t la = b.len, lb = b.len;
			int ka = clean_filter_run(whole, one, &ta, &la, &va);
			int kb = 1;
			if (pass)
				kb = clean_filter_run(&rep, two, &tb, &lb, &vb);
			if (kb)
				kb = clean_filter_run(&c4, two, &tb, &lb, &vb);
			if (kb) {
				buf_reset(&mid);
				buf_add(&mid, tb, lb);
				tb = mid.data;
				lb = mid.len;
				kb = clean_filter_run(&fw, two, &tb, &lb, &vb);
			}
			kept += ka;
			nl_rule += !ka && !strcmp(va.rule, "fineweb.max_newline_per_word");
			if (!same_verdict(ka, &va, ta, la, kb, &vb, tb, lb) && bad++ < 3)
				fprintf(stderr, "doc %d pass %d: one run %s %.17g, separate %s %.17g\n", iter,
					pass, ka ? "keep" : va.rule, va.value, kb ? "keep" : vb.rule, vb.value);
		}
	}
	printf("C4+FineWeb: 6000 runs, %d kept, %d rejected for newlines per word, %d differ\n",
	       kept, nl_rule, bad);
	CHECK(kept > 100 && nl_rule > 20);
	CHECK(bad == 0);
	buf_release(&b);
	buf_release(&mid);
	clean_filter_ctx_free(one);
	clean_filter_ctx_free(two);
}

TEST(phrase_scan_ignores_case)
{
	struct clean_filter_ctx *ctx = clean_filter_ctx_new();
	struct clean_filter_config cfg;
	clean_filter_config_init(&cfg);
	cfg.order[0] = CLEAN_F_C4;
	cfg.norder = 1;
	cfg.v[CP_C4_MIN_SENTENCES] = 0;
	cfg.off[CP_C4_CITATIONS] = 1; /* "[edit]" is matched case-sensitively, as in C4 */
	struct buf b = BUF_INIT, flip = BUF_INIT, keep1 = BUF_INIT;
	int bad = 0, phrase_hits = 0;
	for (int iter = 0; iter < 2000; iter++) {
		random_doc(&b, 0);
		buf_reset(&flip);
		for (size_t i = 0; i < b.len; i++) {
			char c = b.data[i];
			buf_addch(&flip, (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ? (char)(c ^ 0x20) : c);
		}
		struct clean_verdict v1, v2;
		const char *t1 = b.data, *t2 = flip.data;
		size_t l1 = b.len, l2 = flip.len;
		int k1 = clean_filter_run(&cfg, ctx, &t1, &l1, &v1);
		if (k1) {
			buf_reset(&keep1);
			buf_add(&keep1, t1, l1);
		}
		int k2 = clean_filter_run(&cfg, ctx, &t2, &l2, &v2);
		phrase_hits += !k1 && !strcmp(v1.rule, "c4.lorem_ipsum");
		/* kept texts differ only by case, so compare lengths and line counts */
		if (k1 != k2 || (!k1 && strcmp(v1.rule, v2.rule)) || (k1 && keep1.len != l2))
			bad++;
	}
	CHECK(phrase_hits > 10);
	CHECK(bad == 0);
	buf_release(&b);
	buf_release(&flip);
	buf_release(&keep1);
	clean_filter_ctx_free(ctx);
}

/* The 64-byte block path of the analysis gives what the byte-at-a-time path gives. */
TEST(block_analysis_equals_scalar)
{
	struct clean_filter_ctx *a = clean_filter_ctx_new(), *b = clean_filter_ctx_new();
	struct buf doc = BUF_INIT;
	int bad = 0;
	for (int iter = 0; iter < 3000; iter++) {
		random_doc(&doc, iter % 3);
		if (iter % 5 == 0) /* long words and runs of punctuation across block edges */
			for (int k = 0; k < 3; k++)
				buf_addstr(&doc, " ((supercalifragilisticexpialidocious-and-more-words-joined-by-dashes!!)) ...,; -- \"the\"");
		clean_textstats_simd = 1;
		clean_text_analyze(a, doc.data, doc.len);
		clean_textstats_simd = 0;
		clean_text_analyze(b, doc.data, doc.len);
		clean_textstats_simd = 1;
		int same = a->nw == b->nw && a->nonsym == b->nonsym && a->core_sum == b->core_sum &&
			   a->alpha_words == b->alpha_words && a->stop_words == b->stop_words &&
			   a->nchars == b->nchars && a->max_word == b->max_word &&
			   a->nospace == b->nospace && a->has_high == b->has_high &&
			   !memcmp(a->pre, b->pre, (a->nw + 1) * sizeof(*a->pre)) &&
			   !memcmp(a->cpre, b->cpre, (a->nw + 1) * sizeof(*a->cpre)) &&
			   !memcmp(a->wc, b->wc, a->nw * sizeof(*a->wc));
		if (!same && bad++ < 3)
			fprintf(stderr, "doc %d: block and scalar analyses differ (nw %zu/%zu, stop %zu/%zu)\n",
				iter, a->nw, b->nw, a->stop_words, b->stop_words);
		/* force a fresh analysis next time even if the buffer address repeats */
		a->analyzed = b->analyzed = 0;
	}
	CHECK(bad == 0);
	buf_release(&doc);
	clean_filter_ctx_free(a);
	clean_filter_ctx_free(b);
}

/* C4's per-line word counts (and longest words) taken from the analysis' ICU pieces equal
 * those ICU gives when asked again. */
TEST(line_words_reuse_analysis)
{
	struct clean_filter_ctx *ctx = clean_filter_ctx_new();
	struct buf doc = BUF_INIT;
	int bad = 0, seg_docs = 0, reused = 0;
	for (int iter = 0; iter < 2000; iter++) {
		random_doc(&doc, 0);
		ctx->analyzed = 0;
		clean_text_analyze(ctx, doc.data, doc.len);
		if (!ctx->nsegw)
			continue;
		seg_docs++;
		size_t nsegw = ctx->nsegw;
		for (size_t i = 0; i <= doc.len;) {
			const char *nl = memchr(doc.data + i, '\n', doc.len - i);
			size_t e = nl ? (size_t)(nl - doc.data) : doc.len;
			size_t lg1 = 0, lg2 = 0;
			ctx->nsegw = nsegw;
			size_t w1 = clean_line_words(ctx, doc.data + i, e - i, SIZE_MAX, &lg1);
			ctx->nsegw = 0; /* no record: ICU again */
			size_t w2 = clean_line_words(ctx, doc.data + i, e - i, SIZE_MAX, &lg2);
			reused += w1 != 0;
			if ((w1 != w2 || lg1 != lg2) && bad++ < 3)
				fprintf(stderr, "doc %d line at %zu: %zu words (longest %zu) from the "
					"analysis, %zu (%zu) from ICU\n", iter, i, w1, lg1, w2, lg2);
			i = e + 1;
		}
	}
	printf("line words: %d documents with ICU words, %d lines, %d differ\n", seg_docs, reused, bad);
	CHECK(seg_docs > 100);
	CHECK(bad == 0);
	buf_release(&doc);
	clean_filter_ctx_free(ctx);
}

/* The 16-byte candidate scan of the mis-decoding word check finds every word the plain path
 * (every word with a non-ASCII byte or '?') finds broken: random documents of broken and
 * correct words of many scripts, truncated and invalid sequences, 0xE1/0xEF at every offset
 * of a 16-byte step and at the very end. */
TEST(broken_word_scan_equals_plain)
{
	static const char *const pieces[] = {
		"word", "l\xD0\xBA" "er", "Koli?ina", "za\xC2\xBF\xC3\xB3\xC2\xB3\xC3\xA6", "don\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2t",
		"\xD0\xBF\xD1\x80\xD0\xB8", "\xE4\xB8\xAD\xE6\x96\x87", "\xEF\xBC\x8C", "\xEF\xBF\xBD", "a\xEF\xBF\xBD" "b",
		"\xE1\x83\x90", "\xE1\xBA\xA1", "\xE1\xBC\x80", "x\xE1\xBC\x80", "\xE1\x80", "\xEF\xBF", "\xEF",
		"\xE1", "\xCE\xB1\xCE\xB2", "a\xCE\xB1", "10\xCE\xBCs", "caf\xC3\xA9", "http://x/?a=b", "?",
		"\xD8\xB9\xD8\xB1\xD8\xA8", "\xE0\xA4\xB9\xE0\xA4\xBF", "\xE1\x80\x41", "\xEF\xBC\x41", "b?",
	};
	struct buf doc = BUF_INIT;
	int bad = 0, nonzero = 0;
	for (int iter = 0; iter < 20000; iter++) {
		buf_reset(&doc);
		int words = 18 + (int)rnd(30);
		for (int w = 0; w < words; w++) {
			if (w)
				buf_addstr(&doc, rnd(8) ? " " : "\n");
			int parts = 1 + (int)rnd(3);
			for (int k = 0; k < parts; k++)
				buf_addstr(&doc, pieces[rnd(iter % 2 ? 8 : sizeof(pieces) / sizeof(*pieces))]);
		}
		clean_broken_simd = 1;
		double fast = clean_broken_word_fraction(doc.data, doc.len);
		clean_broken_simd = 0;
		double plain = clean_broken_word_fraction(doc.data, doc.len);
		clean_broken_simd = 1;
		nonzero += fast > 0;
		if (fast != plain && bad++ < 3)
			fprintf(stderr, "doc %d: broken words %g (16-byte scan) and %g (plain)\n", iter, fast, plain);
	}
	printf("broken words: %d of 20000 documents measured above 0\n", nonzero);
	CHECK(nonzero > 2000);
	CHECK(bad == 0);
	buf_release(&doc);
}

/* C4's sentence count with its 16-byte skip gives the plain count: every document is counted
 * to the end (a minimum of 1000 sentences), with marks of other scripts, runs of . ! ? and
 * lines ending in them at every offset. */
TEST(sentence_skip_equals_plain)
{
	static const char *const extra[] = { "a.b", "x...", "?!", "\xE3\x80\x82", "\xE0\xA5\xA4",
					     "\xD5\xA3", "\xE1\x81\x8B", "end.\t", "\xD0\xB4\xD0\xB0." };
	struct clean_filter_ctx *ctx = clean_filter_ctx_new();
	struct clean_filter_config c4;
	clean_filter_config_init(&c4);
	c4.order[0] = CLEAN_F_C4;
	c4.norder = 1;
	c4.v[CP_C4_MIN_SENTENCES] = 1000;
	c4.off[CP_C4_MIN_WORDS_PER_LINE] = 1;
	struct buf b = BUF_INIT;
	int bad = 0, counted = 0;
	for (int iter = 0; iter < 3000; iter++) {
		random_doc(&b, iter % 3);
		for (int k = (int)rnd(40); k > 0; k--) {
			buf_addstr(&b, rnd(3) ? " " : "\n");
			buf_addstr(&b, extra[rnd(sizeof(extra) / sizeof(*extra))]);
		}
		struct clean_verdict va, vb;
		const char *ta = b.data, *tb = b.data;
		size_t la = b.len, lb = b.len;
		clean_c4_sentence_simd = 1;
		int ka = clean_filter_run(&c4, ctx, &ta, &la, &va);
		clean_c4_sentence_simd = 0;
		int kb = clean_filter_run(&c4, ctx, &tb, &lb, &vb);
		clean_c4_sentence_simd = 1;
		int sent = !ka && !strcmp(va.rule, "c4.min_sentences");
		counted += sent && va.value > 5;
		if ((ka != kb || (!ka && (strcmp(va.rule, vb.rule) || va.value != vb.value))) && bad++ < 3)
			fprintf(stderr, "doc %d: %s %g (skip) and %s %g (plain)\n", iter,
				ka ? "keep" : va.rule, ka ? 0 : va.value, kb ? "keep" : vb.rule, kb ? 0 : vb.value);
	}
	printf("sentences: %d of 3000 documents counted above 5\n", counted);
	CHECK(counted > 1000);
	CHECK(bad == 0);
	buf_release(&b);
	clean_filter_ctx_free(ctx);
}

int main(void)
{
	RUN(sentence_skip_equals_plain);
	RUN(broken_word_scan_equals_plain);
	RUN(block_analysis_equals_scalar);
	RUN(ngram_rules_match_naive_reference);
	RUN(c4_then_fineweb_equals_separate_runs);
	RUN(phrase_scan_ignores_case);
	RUN(line_words_reuse_analysis);
	return HARNESS_SUMMARY();
}
