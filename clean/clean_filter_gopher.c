/*
 * Gopher's repetition and quality filters (Rae et al. 2021, appendix A), as datatrove runs them
 * (definitions in clean_filter.c's header comment).
 */
#include "clean/clean_filter_int.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* Duplicate elements and their characters, as datatrove's find_duplicates(). */
struct dups {
	size_t n, dup, dup_chars;
};

/* Does s[0, n) hold "\n\n"? (memchr per line: glibc's memmem costs more on a two-byte needle.) */
static int has_blank_line(const char *s, size_t n)
{
	const char *p = s, *e = s + n;
	while ((p = memchr(p, '\n', (size_t)(e - p))) && p + 1 < e) {
		if (p[1] == '\n')
			return 1;
		p += 2;
	}
	return 0;
}

/* Pieces of text separated by runs of "\n" of at least `minrun`; with `strip`, the text's outer
 * white space is removed first (paragraphs: re.split(r"\n{2,}", text.strip())). `nl`: the
 * text's newlines, counted once for both uses. */
static struct dups find_dup_pieces(struct clean_filter_ctx *ctx, const char *s, size_t n,
				   size_t minrun, int strip, size_t nl)
{
	struct dups d = { 0, 0, 0 };
	size_t a = 0, e = n;
	if (strip) {
		while (a < e && clean_is_ws_byte((unsigned char)s[a]))
			a++;
		while (e > a && clean_is_ws_byte((unsigned char)s[e - 1]))
			e--;
	}
	/* the newlines of the stripped text: those in the white space stripped are not */
	for (size_t k = 0; k < a; k++)
		nl -= s[k] == '\n';
	for (size_t k = e; k < n; k++)
		nl -= s[k] == '\n';
	size_t pieces = 1 + nl;
	/* one piece has no duplicate: not worth hashing the whole text */
	if (pieces == 1 || (minrun == 2 && !has_blank_line(s + a, e - a))) {
		d.n = 1;
		return d;
	}
	clean_tab_reset(ctx, pieces);
	size_t start = a, i = a;
	for (;;) {
		/* find the next separator run of length >= minrun */
		size_t run_start = e, run_end = e;
		for (i = start; i < e; i++) {
			const char *p = memchr(s + i, '\n', e - i);
			if (!p)
				break;
			i = (size_t)(p - s);
			size_t j = i;
			while (j < e && s[j] == '\n')
				j++;
			if (j - i >= minrun) {
				run_start = i;
				run_end = j;
				break;
			}
			i = j - 1;
		}
		int fresh;
		clean_tab_get(ctx, XXH3_64bits(s + start, run_start - start), 0, &fresh);
		d.n++;
		if (!fresh) {
			d.dup++;
			d.dup_chars += clean_count_chars(s + start, run_start - start);
		}
		if (run_start >= e)
			break;
		start = run_end;
	}
	return d;
}

/* ---- Gopher repetition ------------------------------------------------------------------ */

static uint64_t mul_pow(size_t n)
{
	uint64_t r = 1;
	while (n--)
		r *= CLEAN_NG_MUL;
	return r;
}

static inline uint64_t ngram_key(const struct clean_filter_ctx *ctx, size_t i, size_t n,
				 uint64_t pw)
{
	uint64_t k = ctx->pre[i + n] - ctx->pre[i] * pw;
	return k ^ (k >> 29) ^ n;
}

/* Characters of the n words from i joined by single spaces (needs ctx->cpre). */
static size_t ngram_chars(const struct clean_filter_ctx *ctx, size_t i, size_t n)
{
	return ctx->cpre[i + n] - ctx->cpre[i] + n - 1;
}

/* Duplicate paragraphs and lines: their share of the pieces and of the characters. */
static int dup_piece_rules(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			   const char *s, size_t n, double total, struct clean_verdict *v)
{
	size_t nl = clean_count_byte(s, n, '\n');
	struct dups d = find_dup_pieces(ctx, s, n, 2, 1, nl);
	if (d.n && (double)d.dup / (double)d.n > cfg->v[CP_R_DUP_PARA_FRAC])
		REJECT(CP_R_DUP_PARA_FRAC, (double)d.dup / (double)d.n);
	if ((double)d.dup_chars / total > cfg->v[CP_R_DUP_PARA_CHAR_FRAC])
		REJECT(CP_R_DUP_PARA_CHAR_FRAC, (double)d.dup_chars / total);
	d = find_dup_pieces(ctx, s, n, 1, 0, nl);
	if (d.n && (double)d.dup / (double)d.n > cfg->v[CP_R_DUP_LINE_FRAC])
		REJECT(CP_R_DUP_LINE_FRAC, (double)d.dup / (double)d.n);
	if ((double)d.dup_chars / total > cfg->v[CP_R_DUP_LINE_CHAR_FRAC])
		REJECT(CP_R_DUP_LINE_CHAR_FRAC, (double)d.dup_chars / total);
	return 1;
}

static int top_ngram_rules(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			   double total, struct clean_verdict *v)
{
	size_t nw = ctx->nw;
	/*
	 * Most frequent 2/3/4-gram. The 2-gram pass counts everything; a g-gram occurs at most as
	 * often as the most frequent (g-1)-gram, so max count x longest g-gram bounds its fraction
	 * and the g pass runs only when that bound reaches the threshold.
	 */
	uint32_t prev_max = UINT32_MAX;
	for (size_t g = 2; g <= 4; g++) {
		int p = CP_R_TOP_2GRAM + (int)(g - 2);
		if (nw < g)
			break;
		if (prev_max != UINT32_MAX) {
			/* first the cheap bound (g longest words), then the exact longest g-gram */
			if (cfg->off[p] ||
			    (double)(prev_max * (g * ctx->max_word + g - 1)) / total <= cfg->v[p])
				continue;
			size_t longest = 0;
			for (size_t i = 0; i + g <= nw; i++) {
				size_t c = ctx->cpre[i + g] - ctx->cpre[i];
				if (c > longest)
					longest = c;
			}
			if ((double)(prev_max * (longest + g - 1)) / total <= cfg->v[p] || cfg->off[p])
				continue; /* cannot fire; prev_max still bounds the next g */
		}
		uint64_t pw = mul_pow(g);
		clean_tab_reset(ctx, nw);
		struct slot *best = NULL;
		for (size_t i = 0; i + g <= nw; i++) {
			int fresh;
			struct slot *sl = clean_tab_get(ctx, ngram_key(ctx, i, g, pw), (uint32_t)i, &fresh);
			sl->count++;
			/* most frequent, ties to the first seen (Counter.most_common) */
			if (!best || sl->count > best->count ||
			    (sl->count == best->count && sl->first < best->first))
				best = sl;
		}
		prev_max = best->count;
		double frac = (double)(ngram_chars(ctx, best->first, g) * best->count) / total;
		if (frac > cfg->v[p])
			REJECT(p, frac);
	}

	return 1;
}

static int dup_ngram_rules(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			   double total, struct clean_verdict *v)
{
	size_t nw = ctx->nw;
	/*
	 * Characters in duplicated 5..10-grams (datatrove's find_all_duplicate: scan, count a
	 * g-gram seen before and jump past it). Every word such a g-gram covers lies in a 5-gram
	 * window that occurred earlier, and counted g-grams do not overlap, so the characters of
	 * words in repeated 5-gram windows (plus one space each) bound every g's value: one pass
	 * computes it, and only the g whose threshold it reaches are computed exactly.
	 */
	if (nw < 5)
		return 1;
	size_t bound = 0, covered_until = 0;
	uint64_t pw5 = mul_pow(5);
	clean_tab_reset(ctx, nw);
	for (size_t i = 0; i + 5 <= nw; i++) {
		int fresh;
		clean_tab_get(ctx, ngram_key(ctx, i, 5, pw5), (uint32_t)i, &fresh);
		if (fresh)
			continue;
		size_t from = i > covered_until ? i : covered_until;
		bound += ctx->cpre[i + 5] - ctx->cpre[from] + (i + 5 - from);
		covered_until = i + 5;
	}
	for (size_t g = 5; g <= 10; g++) {
		int p = CP_R_DUP_5GRAM + (int)(g - 5);
		if (cfg->off[p] || nw < g || (double)bound / total <= cfg->v[p])
			continue;
		uint64_t pw = mul_pow(g);
		clean_tab_reset(ctx, nw);
		size_t rep = 0;
		for (size_t i = 0; i + g <= nw;) {
			int fresh;
			clean_tab_get(ctx, ngram_key(ctx, i, g, pw), (uint32_t)i, &fresh);
			if (!fresh) {
				rep += ngram_chars(ctx, i, g);
				i += g;
			} else {
				i++;
			}
		}
		if ((double)rep / total > cfg->v[p])
			REJECT(p, (double)rep / total);
	}
	return 1;
}

int clean_filter_gopher_rep(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			    const char *s, size_t n, struct clean_verdict *v)
{
	clean_text_analyze(ctx, s, n);
	double total = (double)(ctx->nchars ? ctx->nchars : 1);
	if (!dup_piece_rules(cfg, ctx, s, n, total, v))
		return 0;
	/* Documents with words from ICU take their language's n-gram thresholds (as does every
	 * document when a [lang] section sets them); the others need no language here. */
	if (ctx->nospace || cfg->any_lang_ngram)
		cfg = clean_filter_lang(ctx);
	return top_ngram_rules(cfg, ctx, total, v) && dup_ngram_rules(cfg, ctx, total, v);
}

/* ---- Gopher quality ----------------------------------------------------------------------- */

/* Non-overlapping "..." (as str.count): find each '.', look at the next two. */
static size_t count_dots(const char *s, size_t n)
{
	size_t c = 0;
	const char *p = s, *e = s + n;
	while ((p = memchr(p, '.', (size_t)(e - p)))) {
		if (e - p >= 3 && p[1] == '.' && p[2] == '.') {
			c++;
			p += 3;
		} else {
			p++;
		}
	}
	return c;
}

/* U+2026 (E2 80 A6) and the midline ellipsis U+22EF (E2 8B AF) of Chinese and Japanese: find
 * each 0xE2, which is rare in most text, and look at the next two. */
static size_t count_ellipsis_chars(const char *s, size_t n)
{
	size_t c = 0;
	const char *p = s, *e = s + n;
	while ((p = memchr(p, 0xE2, (size_t)(e - p)))) {
		if (e - p >= 3 && (((unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xA6) ||
				   ((unsigned char)p[1] == 0x8B && (unsigned char)p[2] == 0xAF))) {
			c++;
			p += 3;
		} else {
			p++;
		}
	}
	return c;
}

/* Does the (stripped, non-empty) line start with a bullet: '-', or a common non-ASCII one
 * (• ‣ ◦ ▪ ▫ ● ○ ■ □ ◆ ◇ ► ▶ ➢ ✓ ✔ ・ ※)? Dashes are left out: a line starting with an
 * en or em dash is dialogue in French, Spanish or Russian prose. */
static int starts_bullet(const unsigned char *s, size_t n)
{
	static const char *const marks[] = {
		"\u2022", "\u2023", "\u25E6", "\u25AA", "\u25AB", "\u25CF", "\u25CB", "\u25A0",
		"\u25A1", "\u25C6", "\u25C7", "\u25BA", "\u25B6", "\u27A2", "\u2713", "\u2714",
		"\u30FB", "\u203B",
	};
	if (s[0] == '-')
		return 1;
	if (s[0] < 0xE2 || s[0] > 0xE3 || n < 3)
		return 0;
	for (size_t k = 0; k < sizeof(marks) / sizeof(*marks); k++)
		if (!memcmp(s, marks[k], 3))
			return 1;
	return 0;
}

int clean_ends_ellipsis(const char *s, size_t n)
{
	unsigned char last = n ? (unsigned char)s[n - 1] : 0; /* called per line: last byte first */
	if (last == '.')
		return clean_ends_with(s, n, "...");
	return last >= 0x80 && (clean_ends_with(s, n, "\u2026") || clean_ends_with(s, n, "\u22EF"));
}

/* The rules of Gopher's quality filter that need no language: # and ellipsis ratios, bullet
 * and ellipsis lines, words with a letter. */
static int gopher_quality_independent(const struct clean_filter_config *cfg,
				      struct clean_filter_ctx *ctx, const char *s, size_t n,
				      struct clean_verdict *v)
{
	size_t nw = ctx->nw, alpha = ctx->alpha_words;
	if (nw) {
		double r = (double)clean_count_byte(s, n, '#') / (double)nw;
		if (r > cfg->v[CP_G_MAX_HASH_RATIO])
			REJECT(CP_G_MAX_HASH_RATIO, r);
		r = (double)(count_dots(s, n) + (ctx->has_high ? count_ellipsis_chars(s, n) : 0)) /
		    (double)nw;
		if (r > cfg->v[CP_G_MAX_ELLIPSIS_RATIO])
			REJECT(CP_G_MAX_ELLIPSIS_RATIO, r);
	}
	/* lines as str.splitlines(): no trailing empty line */
	size_t lines = 0, bullets = 0, ellipsis = 0;
	int only_nl = clean_only_newlines(s, n);
	for (size_t i = 0; i < n;) {
		size_t e = clean_line_end(s, i, n, only_nl);
		size_t a = i, z = e;
		while (a < z && clean_is_ws_byte((unsigned char)s[a]))
			a++;
		while (z > a && clean_is_ws_byte((unsigned char)s[z - 1]))
			z--;
		lines++;
		bullets += z > a && starts_bullet((const unsigned char *)s + a, z - a);
		ellipsis += clean_ends_ellipsis(s + a, z - a);
		i = e + (e < n && s[e] == '\r' && e + 1 < n && s[e + 1] == '\n' ? 2 : 1);
	}
	if (lines) {
		double r = (double)bullets / (double)lines;
		if (r > cfg->v[CP_G_MAX_BULLET_LINES])
			REJECT(CP_G_MAX_BULLET_LINES, r);
		r = (double)ellipsis / (double)lines;
		if (r > cfg->v[CP_G_MAX_ELLIPSIS_LINES])
			REJECT(CP_G_MAX_ELLIPSIS_LINES, r);
	}
	double r = nw ? (double)alpha / (double)nw : 0;
	if (r < cfg->v[CP_G_MIN_ALPHA_WORDS])
		REJECT(CP_G_MIN_ALPHA_WORDS, r);
	return 1;
}

int clean_filter_gopher_quality(const struct clean_filter_config *cfg,
				struct clean_filter_ctx *ctx, const char *s, size_t n,
				struct clean_verdict *v)
{
	clean_text_analyze(ctx, s, n);
	size_t nonsym = ctx->nonsym, core = ctx->core_sum;
	if ((double)nonsym < cfg->v[CP_G_MIN_WORDS])
		REJECT(CP_G_MIN_WORDS, (double)nonsym);
	if ((double)nonsym > cfg->v[CP_G_MAX_WORDS])
		REJECT(CP_G_MAX_WORDS, (double)nonsym);
	/*
	 * The first language-dependent rule: the language is looked up here, not before. When
	 * that means identifying it (CLD2 costs more than all the rules of a document), the
	 * rules that need no language run first, and C4's document rejects when C4 comes next:
	 * a document they reject is never identified. Its reported rule is then theirs, where
	 * the mean word length or the stop words could have failed first.
	 */
	int early = ctx->lr && ctx->lr->identifies && !ctx->lcfg;
	if (early && (!gopher_quality_independent(cfg, ctx, s, n, v) ||
		      (ctx->next_filter == CLEAN_F_C4 && !clean_filter_c4_screen(cfg, ctx, s, n, v))))
		return 0;
	const struct clean_filter_config *lc = clean_filter_lang(ctx);
	double mean = nonsym ? (double)core / (double)nonsym : 0;
	if (clean_lang_rule(lc, v, CP_G_MIN_MEAN_WORD_LEN) && mean < lc->v[CP_G_MIN_MEAN_WORD_LEN]) {
		v->rule = clean_params[CP_G_MIN_MEAN_WORD_LEN].name;
		v->value = mean;
		return 0;
	}
	if (clean_lang_rule(lc, v, CP_G_MAX_MEAN_WORD_LEN) && mean > lc->v[CP_G_MAX_MEAN_WORD_LEN]) {
		v->rule = clean_params[CP_G_MAX_MEAN_WORD_LEN].name;
		v->value = mean;
		return 0;
	}
	if (!early && !gopher_quality_independent(cfg, ctx, s, n, v))
		return 0;
	if (!lc->stop && !lc->stop_gopher && !lc->off[CP_G_MIN_STOP_WORDS]) {
		v->skipped |= 1ull << CP_G_MIN_STOP_WORDS; /* no list for this language */
	} else if (clean_lang_rule(lc, v, CP_G_MIN_STOP_WORDS)) {
		/* counted up to the threshold: a rejected document's value is still its full count */
		double need = lc->v[CP_G_MIN_STOP_WORDS];
		size_t limit = need <= 0 ? 0 : need >= (double)SIZE_MAX ? SIZE_MAX : (size_t)need + 1;
		size_t stop = lc->stop_gopher ? ctx->stop_words
					      : clean_count_stop_words(ctx, lc->stop, limit);
		if ((double)stop < lc->v[CP_G_MIN_STOP_WORDS]) {
			v->rule = clean_params[CP_G_MIN_STOP_WORDS].name;
			v->value = (double)stop;
			return 0;
		}
	}
	return 1;
}
