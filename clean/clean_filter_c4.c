/*
 * The C4 filter (Raffel et al. 2020, as AllenAI and datatrove re-implemented it): line rules,
 * citation removal, the phrase rules and the sentence count. It rewrites the text.
 */
#include "clean/clean_filter_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

/* ---- C4 -------------------------------------------------------------------------------------- */

/* ASCII-lowercase substring search (the patterns are ASCII and lowercase). */
static int contains_ci(const char *s, size_t n, const char *pat)
{
	size_t l = strlen(pat);
	for (size_t i = 0; i + l <= n; i++) {
		if ((s[i] | 0x20) != pat[0])
			continue;
		size_t k = 1;
		while (k < l && (pat[k] == ' ' ? s[i + k] == ' ' : (s[i + k] | 0x20) == pat[k]))
			k++;
		if (k == l)
			return 1;
	}
	return 0;
}

/* Removes [digits], [edit], [citation needed] from line into out. */
static void remove_citations(const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	while (i < n) {
		const char *p = memchr(s + i, '[', n - i);
		if (!p) {
			buf_add(out, s + i, n - i);
			return;
		}
		size_t j = (size_t)(p - s);
		buf_add(out, s + i, j - i);
		size_t k = j + 1;
		while (k < n && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k < n && s[k] == ']') {
			i = k + 1;
		} else if (n - j >= 6 && !memcmp(s + j, "[edit]", 6)) {
			i = j + 6;
		} else if (n - j >= 17 && !memcmp(s + j, "[citation needed]", 17)) {
			i = j + 17;
		} else {
			buf_addch(out, '[');
			i = j + 1;
		}
	}
}

/* Words (runs of non-white-space) in s, counting no further than limit. */
static size_t count_words(const char *s, size_t n, size_t limit)
{
	size_t w = 0;
	int in = 0;
	for (size_t i = 0; i < n && w < limit; i++) {
		int sp = clean_is_ws_byte((unsigned char)s[i]);
		w += !sp && !in;
		in = !sp;
	}
	return w;
}

/* The first byte from i that is '.', '!', '?' or 0xD5 and up (where sentence marks of other
 * scripts start), 16 bytes a step; near the end, where the 16-byte steps stop. Once a sentence
 * has content, no other byte changes the count. */
static size_t sentence_skip(const char *s, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'), qm = _mm_set1_epi8('?');
	const __m128i lead = _mm_set1_epi8((char)0xD5);
	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, dot), _mm_cmpeq_epi8(x, bang)),
					 _mm_or_si128(_mm_cmpeq_epi8(x, qm),
						      _mm_cmpeq_epi8(_mm_max_epu8(x, lead), x)));
		unsigned bits = (unsigned)_mm_movemask_epi8(m);
		if (bits)
			return i + (unsigned)__builtin_ctz(bits);
	}
#endif
	return i;
}

int clean_c4_sentence_simd = 1;

/* Sentences in s, counting no further than limit: a run of . ! ? before white space or the
 * line's end, or a sentence-final mark of another script (。 । ။ ...: no space follows those). */
static size_t count_sentences(const char *s, size_t n, size_t limit)
{
	size_t c = 0;
	int content = 0;
	for (size_t i = 0; i < n && c < limit; i++) {
		if (content && clean_c4_sentence_simd && (i = sentence_skip(s, i, n)) >= n)
			break;
		char ch = s[i];
		size_t m;
		if ((unsigned char)ch >= 0xD5 && (m = clean_sentence_mark((const unsigned char *)s + i, n - i))) {
			c += (size_t)content;
			content = 0;
			i += m - 1;
		} else if (ch == '.' || ch == '!' || ch == '?') {
			size_t j = i;
			while (j + 1 < n && (s[j + 1] == '.' || s[j + 1] == '!' || s[j + 1] == '?'))
				j++;
			if (content && (j + 1 >= n || clean_is_ws_byte((unsigned char)s[j + 1]))) {
				c++;
				content = 0;
			}
			i = j;
		} else if (!clean_is_ws_byte((unsigned char)ch)) {
			content = 1;
		}
	}
	return c + (size_t)content;
}

/*
 * Which of the C4 phrase anchors ("lorem ipsum", "javascript", "terms of use", "privacy policy",
 * "cookie") occur anywhere in s, ignoring ASCII case: bit k for anchors[k]. Almost no document
 * has any, so this is a filter in front of the per-line checks: each anchor is found through
 * a rare pair of its letters, 16 positions at a time with SSE2 (case folded by OR 0x20, which
 * maps only A-Z onto letters), and every candidate is verified in full.
 */
static const struct {
	const char *text;
	unsigned char len, at; /* the pair is text[at], text[at + 1] */
} anchors[] = {
	{ "lorem ipsum", 11, 7 }, { "javascript", 10, 0 }, { "terms of use", 12, 3 },
	{ "privacy policy", 14, 5 }, { "cookie", 6, 2 },
};
#define NANCHORS (sizeof(anchors) / sizeof(*anchors))

static int anchor_at(const char *s, size_t n, size_t q, unsigned k)
{
	size_t l = anchors[k].len;
	if (q + l > n)
		return 0;
	for (size_t i = 0; i < l; i++)
		if (((unsigned char)s[q + i] | 0x20) != (unsigned char)anchors[k].text[i])
			return 0;
	return 1;
}

/* A pair of anchor k's letters starts at p: is the whole anchor there? */
static unsigned check_pair(const char *s, size_t n, size_t p, unsigned k)
{
	return p >= anchors[k].at && anchor_at(s, n, p - anchors[k].at, k) ? 1u << k : 0;
}

static unsigned find_anchors(const char *s, size_t n)
{
	unsigned found = 0;
	size_t i = 0;
#ifdef __SSE2__
	const __m128i fold = _mm_set1_epi8(0x20);
	__m128i c1[NANCHORS], c2[NANCHORS];
	for (unsigned k = 0; k < NANCHORS; k++) {
		c1[k] = _mm_set1_epi8(anchors[k].text[anchors[k].at]);
		c2[k] = _mm_set1_epi8(anchors[k].text[anchors[k].at + 1]);
	}
	for (; i + 17 <= n; i += 16) {
		__m128i a = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i)), fold);
		__m128i b = _mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(s + i + 1)), fold);
		unsigned m[NANCHORS], any = 0;
		for (unsigned k = 0; k < NANCHORS; k++) {
			m[k] = (unsigned)_mm_movemask_epi8(
				_mm_and_si128(_mm_cmpeq_epi8(a, c1[k]), _mm_cmpeq_epi8(b, c2[k])));
			any |= m[k];
		}
		if (!any)
			continue;
		for (unsigned k = 0; k < NANCHORS; k++)
			for (unsigned bits = m[k]; bits; bits &= bits - 1)
				found |= check_pair(s, n, i + (unsigned)__builtin_ctz(bits), k);
	}
#endif
	for (; i + 1 < n; i++)
		for (unsigned k = 0; k < NANCHORS; k++)
			if (((unsigned char)s[i] | 0x20) == (unsigned char)anchors[k].text[anchors[k].at] &&
			    ((unsigned char)s[i + 1] | 0x20) == (unsigned char)anchors[k].text[anchors[k].at + 1])
				found |= check_pair(s, n, i, k);
	return found;
}

/* One run of the C4 filter over a document. */
struct c4 {
	const struct clean_filter_config *cfg, *lc;
	struct clean_filter_ctx *ctx;
	struct clean_verdict *v;
	unsigned found;       /* anchor bits (A_*) */
	int curly, brackets;  /* the document holds '{' / '[' somewhere */
	int derive;           /* FineWeb's word count = analysis' count - dropped lines' words */
	int same_words;       /* a line's words are the analysis' words (no Unicode space, no ICU) */
	int check_words, check_long, count_sent, terminal, seg;
	size_t word_limit, sentences, out_words, dropped_words;
	size_t wcur;          /* the analysis' first word not on an earlier line (ctx->wc) */
	double min_words, min_sent;
	struct buf line, *out;
	int wrote_any;
	int screen; /* clean_filter_c4_screen: only the document rejects matter, nothing is written */
};

enum { A_LOREM = 1, A_JS = 2, A_TERMS = 4, A_PRIVACY = 8, A_COOKIE = 16 };

/* Words of a line (ICU pieces in a document with scripts without spaces), up to limit. */
static size_t c4_words(struct c4 *c, const char *l, size_t ll, size_t limit)
{
	return c->seg ? clean_line_words(c->ctx, l, ll, limit, NULL) : count_words(l, ll, limit);
}

/* C4's line-end rule: . ? ! " ' or a sentence-final mark of another script, not an ellipsis. */
static int c4_terminal(const struct clean_filter_config *lc, const char *l, size_t ll)
{
	if (!ll || clean_ends_ellipsis(l, ll))
		return 0;
	char last = l[ll - 1];
	if (last == '.' || last == '?' || last == '!' || last == '"' || last == '\'' ||
	    (last && strchr(lc->extra_term, last)))
		return 1;
	for (size_t k = 1; k <= 3 && k <= ll; k++)
		if (clean_sentence_mark((const unsigned char *)l + ll - k, k) == k)
			return 1;
	return 0;
}

/* Does the line hold a word longer than c4.max_word_length? Sets *words to its word count. */
static int c4_long_word(struct c4 *c, const char *l, size_t ll, size_t *words)
{
	size_t longest = 0;
	if (c->seg) {
		*words = clean_line_words(c->ctx, l, ll, SIZE_MAX, &longest);
		return (double)longest > c->cfg->v[CP_C4_MAX_WORD_LEN];
	}
	*words = 0;
	for (size_t k = 0; k < ll;) {
		while (k < ll && clean_is_ws_byte((unsigned char)l[k]))
			k++;
		if (k >= ll)
			break;
		size_t ws = k;
		while (k < ll && !clean_is_ws_byte((unsigned char)l[k]))
			k++;
		(*words)++;
		if (k - ws > longest) {
			size_t wc = clean_count_chars(l + ws, k - ws);
			if (wc > longest)
				longest = wc;
		}
	}
	return (double)longest > c->cfg->v[CP_C4_MAX_WORD_LEN];
}

#define RULE_ON(p) (cfg->v[p] && !cfg->off[p])
#define HAS(bit, phrase) ((c->found & (bit)) && contains_ci(l, ll, phrase))

/* The analysis' words on the line ending at z (the words lie inside lines, in text order). */
static size_t c4_analysis_words(struct c4 *c, size_t z)
{
	const struct clean_filter_ctx *ctx = c->ctx;
	size_t from = c->wcur;
	while (c->wcur < ctx->nw && ctx->wc[c->wcur].off < z)
		c->wcur++;
	return c->wcur - from;
}

/* The line s[a, z) (stripped): 1 kept (appended to c->out), 0 dropped, -1 document rejected. */
static int c4_line(struct c4 *c, const char *s, size_t a, size_t z)
{
	const struct clean_filter_config *cfg = c->cfg;
	struct clean_verdict *v = c->v;
	size_t ll = z - a, words;
	const char *l = s + a;
	/* FineWeb's count (the analysis' words) of what this line removes if dropped */
	size_t awords = c4_analysis_words(c, z);
	int cited = 0;
	/* a word longer than the limit needs a line at least that many bytes long */
	if (c->check_long && (double)ll > cfg->v[CP_C4_MAX_WORD_LEN]) {
		if (c4_long_word(c, l, ll, &words)) {
			c->dropped_words += awords;
			return 0;
		}
	} else {
		words = c4_words(c, l, ll, c->word_limit);
	}
#define DROP_LINE()                              \
	do {                                     \
		c->dropped_words += awords;      \
		return 0;                        \
	} while (0)
	if (c->check_words && (double)words < c->min_words)
		DROP_LINE();
	if (c->brackets && RULE_ON(CP_C4_CITATIONS) && memchr(l, '[', ll)) {
		buf_reset(&c->line);
		remove_citations(l, ll, &c->line);
		if (c->line.len != ll) {
			l = c->line.data;
			ll = c->line.len;
			cited = 1;
		}
	}
	if (c->terminal && !c4_terminal(c->lc, l, ll))
		DROP_LINE();
	if (!ll)
		DROP_LINE(); /* with every line rule off, still no empty lines (as .strip() would) */
	if (RULE_ON(CP_C4_LOREM_IPSUM) && HAS(A_LOREM, "lorem ipsum")) {
		v->rule = clean_params[CP_C4_LOREM_IPSUM].name;
		v->value = 1;
		return -1;
	}
	if (RULE_ON(CP_C4_JAVASCRIPT) && HAS(A_JS, "javascript"))
		DROP_LINE();
	if (c->curly && RULE_ON(CP_C4_CURLY_BRACKET) && memchr(l, '{', ll)) {
		v->rule = clean_params[CP_C4_CURLY_BRACKET].name;
		v->value = 1;
		return -1;
	}
	if ((c->found & (A_TERMS | A_PRIVACY | A_COOKIE)) && RULE_ON(CP_C4_POLICY) &&
	    (HAS(A_TERMS, "terms of use") || HAS(A_PRIVACY, "privacy policy") ||
	     HAS(A_COOKIE, "cookie policy") || HAS(A_COOKIE, "uses cookies") ||
	     HAS(A_COOKIE, "use of cookies") || HAS(A_COOKIE, "use cookies")))
		DROP_LINE();
#undef DROP_LINE
	if (c->screen)
		return 1;
	/* sentences matter only until there are enough */
	if (c->count_sent && (double)c->sentences < c->min_sent)
		c->sentences += count_sentences(l, ll, (size_t)(c->min_sent - (double)c->sentences) + 1);
	if (cited)
		c->derive = 0; /* the kept line's words changed: FineWeb analyses C4's output */
	if (c->wrote_any)
		buf_addch(c->out, '\n');
	buf_add(c->out, l, ll);
	c->wrote_any = 1;
	return 1;
}
#undef HAS

/* What the line rules need to know before the first line. */
static void c4_setup(struct c4 *c, const char *s, size_t n)
{
	const struct clean_filter_config *cfg = c->cfg;
	struct clean_filter_ctx *ctx = c->ctx;
	clean_text_analyze(ctx, s, n);
	c->seg = ctx->nospace;
	/* The phrase rules look at every line; first ask whether the document holds any phrase at
	 * all, which it almost never does. */
	c->curly = memchr(s, '{', n) != NULL;
	c->brackets = memchr(s, '[', n) != NULL;
	c->found = find_anchors(s, n);
	/* FineWeb wants the word count of the result: the analysis' count minus the analysis'
	 * words on the dropped lines (every word lies inside one line), so kept lines need
	 * their words counted only up to the per-line minimum. A line that citation removal
	 * changes turns this off (then FineWeb analyses C4's output). */
	c->derive = 1;
	c->wcur = 0;
	/* C4's words are runs of non-ASCII-white-space (ICU pieces of those in documents with
	 * scripts without spaces); without Unicode white space or ICU they are the analysis'
	 * words, whose longest then bounds c4.max_word_length. */
	c->same_words = !c->seg && (!ctx->has_high || (!memchr(s, 0xC2, n) && !memchr(s, 0xE1, n) &&
						       !memchr(s, 0xE2, n) && !memchr(s, 0xE3, n)));
	c->min_words = cfg->v[CP_C4_MIN_WORDS_PER_LINE];
	c->check_words = !cfg->off[CP_C4_MIN_WORDS_PER_LINE];
	c->word_limit = c->check_words ? (size_t)c->min_words + 1 : 0;
	c->check_long = !cfg->off[CP_C4_MAX_WORD_LEN] &&
			!(c->same_words && (double)ctx->max_word <= cfg->v[CP_C4_MAX_WORD_LEN]);
	c->lc = cfg;
}

/* The language-dependent part: the sentence count and the line-end rule. */
static void c4_setup_lang(struct c4 *c)
{
	const struct clean_filter_config *cfg = c->cfg;
	struct clean_filter_ctx *ctx = c->ctx;
	if (!cfg->off[CP_C4_MIN_SENTENCES] || RULE_ON(CP_C4_TERMINAL_PUNCT) || cfg->any_c4_terminal)
		c->lc = clean_filter_lang(ctx);
	c->count_sent = clean_lang_rule(c->lc, c->v, CP_C4_MIN_SENTENCES);
	c->min_sent = c->lc->v[CP_C4_MIN_SENTENCES];
	c->terminal = c->lc->v[CP_C4_TERMINAL_PUNCT] && clean_lang_rule(c->lc, c->v, CP_C4_TERMINAL_PUNCT);
}

/*
 * Share of the words (runs of non-white-space, at least 20) that end in a list separator:
 * , ; | and the commas of other scripts (、 ， ، ؛ ；). A keyword list is all such words; prose
 * has a few. It stands in for the sentence count where that cannot be applied (the language is
 * unknown, or ends sentences with a space), since keyword lists have no sentences either.
 */
static double list_word_fraction(const char *s, size_t n)
{
	static const char *const seps[] = { "\xE3\x80\x81", "\xEF\xBC\x8C", "\xD8\x8C",
					    "\xD8\x9B", "\xEF\xBC\x9B" };
	size_t words = 0, lists = 0;
	for (size_t i = 0; i < n;) {
		while (i < n && clean_is_ws_byte((unsigned char)s[i]))
			i++;
		size_t e = i;
		while (e < n && !clean_is_ws_byte((unsigned char)s[e]))
			e++;
		if (e == i)
			break;
		words++;
		unsigned char last = (unsigned char)s[e - 1];
		int sep = last == ',' || last == ';' || last == '|';
		for (size_t k = 0; !sep && last >= 0x80 && k < sizeof(seps) / sizeof(*seps); k++)
			sep = clean_ends_with(s + i, e - i, seps[k]);
		lists += (size_t)sep;
		i = e;
	}
	return words >= 20 ? (double)lists / (double)words : 0;
}

/* Every line of s[0, n) through c4_line: 0 if the document is rejected. */
static int c4_lines(struct c4 *c, const char *s, size_t n)
{
	const struct clean_filter_ctx *ctx = c->ctx;
	int only_nl = ctx->analyzed == 1 && ctx->atext == s && ctx->alen == n ? !ctx->has_crff
										 : clean_only_newlines(s, n);
	int ok = 1;
	for (size_t i = 0; ok && i <= n;) {
		size_t e = clean_line_end(s, i, n, only_nl);
		size_t a = i, z = e;
		i = e + (e < n && s[e] == '\r' && e + 1 < n && s[e + 1] == '\n' ? 2 : 1);
		while (a < z && clean_is_ws_byte((unsigned char)s[a]))
			a++;
		while (z > a && clean_is_ws_byte((unsigned char)s[z - 1]))
			z--;
		ok = c4_line(c, s, a, z) >= 0;
	}
	buf_release(&c->line);
	return ok;
}

int clean_filter_c4_screen(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
			   const char *s, size_t n, struct clean_verdict *v)
{
	/* the curly bracket is the reject that matters (junk code); a lorem ipsum line before it
	 * is found on the way, as C4 itself would */
	if (!RULE_ON(CP_C4_CURLY_BRACKET) || RULE_ON(CP_C4_TERMINAL_PUNCT) || cfg->any_c4_terminal ||
	    !memchr(s, '{', n))
		return 1;
	struct c4 c = { .cfg = cfg, .ctx = ctx, .v = v, .line = BUF_INIT, .screen = 1 };
	c4_setup(&c, s, n);
	return c4_lines(&c, s, n);
}

int clean_filter_c4(const struct clean_filter_config *cfg, struct clean_filter_ctx *ctx,
		    const char **text, size_t *len, struct clean_verdict *v)
{
	const char *s = *text;
	size_t n = *len;
	struct c4 c = { .cfg = cfg, .ctx = ctx, .v = v, .line = BUF_INIT };
	c4_setup(&c, s, n);
	c4_setup_lang(&c);
	c.out = &ctx->c4out[ctx->c4cur ^= 1];
	buf_reset(c.out);
	if (!c4_lines(&c, s, n))
		return 0;
	if (c.derive)
		c.out_words = ctx->nw - c.dropped_words;
	if (c.count_sent && (double)c.sentences < c.min_sent) {
		v->rule = clean_params[CP_C4_MIN_SENTENCES].name;
		v->value = (double)c.sentences;
		return 0;
	}
	if (!cfg->off[CP_C4_MAX_LIST_WORDS] && !c.lc->off[CP_C4_MIN_SENTENCES] &&
	    c.lc->na[CP_C4_MIN_SENTENCES]) {
		double r = list_word_fraction(s, n);
		if (r > cfg->v[CP_C4_MAX_LIST_WORDS]) {
			v->rule = clean_params[CP_C4_MAX_LIST_WORDS].name;
			v->value = r;
			return 0;
		}
	}
	if (!c.out->len) {
		v->rule = "c4.empty";
		v->value = 0;
		return 0;
	}
	if (c.out->len != n || memcmp(c.out->data, s, n)) {
		*text = c.out->data;
		*len = c.out->len;
		/* What FineWeb needs of the new text, without a second full analysis. */
		if (c.derive) {
			ctx->atext = c.out->data;
			ctx->alen = c.out->len;
			ctx->nw = c.out_words;
			ctx->nchars = clean_count_chars(c.out->data, c.out->len);
			ctx->analyzed = 2;
		}
	}
	return 1;
}
