/* Pre-tokenization with PCRE2 (see tok_pretok.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenize/tok_pretok.h"

#include <pcre2.h>
#include <string.h>

#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/tok_hf.h"

#define TOK_SPLIT_BATCH 256 /* pieces handed to pieces_fn at once */

/* Unicode White_Space, as Rust's regex and Oniguruma define \s. */
#define WS_CLASS_BODY "\\t-\\r\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}"

/* Code points of Unicode 15.0-16.0 in each category (tok_unicode16.c, generated). */
extern const char tok_u16_Lu[], tok_u16_Ll[], tok_u16_Lt[], tok_u16_Lm[], tok_u16_Lo[],
	tok_u16_Mn[], tok_u16_Mc[], tok_u16_Me[], tok_u16_Nd[], tok_u16_Nl[], tok_u16_No[],
	tok_u16_Pc[], tok_u16_Pd[], tok_u16_Ps[], tok_u16_Pe[], tok_u16_Pi[], tok_u16_Po[],
	tok_u16_Sm[], tok_u16_Sc[], tok_u16_Sk[], tok_u16_So[];

/* The Unicode 16 additions for a property name, appended to out; 0 if the name has none. */
static int add_u16(const char *name, size_t n, struct buf *out)
{
	static const struct {
		const char *name;
		const char *ranges[6];
	} props[] = {
		{ "L", { tok_u16_Lu, tok_u16_Ll,
			 tok_u16_Lt, tok_u16_Lm,
			 tok_u16_Lo } },
		{ "Lu", { tok_u16_Lu } },
		{ "Ll", { tok_u16_Ll } },
		{ "Lt", { tok_u16_Lt } },
		{ "Lm", { tok_u16_Lm } },
		{ "Lo", { tok_u16_Lo } },
		{ "M", { tok_u16_Mn, tok_u16_Mc,
			 tok_u16_Me } },
		{ "N", { tok_u16_Nd, tok_u16_Nl,
			 tok_u16_No } },
		{ "Nd", { tok_u16_Nd } },
		{ "P", { tok_u16_Pc, tok_u16_Pd, tok_u16_Ps, tok_u16_Pe, tok_u16_Pi, tok_u16_Po } },
		{ "Po", { tok_u16_Po } },
		{ "Pd", { tok_u16_Pd } },
		{ "S", { tok_u16_Sm, tok_u16_Sc, tok_u16_Sk, tok_u16_So } },
		{ "Sm", { tok_u16_Sm } },
		{ "So", { tok_u16_So } },
	};
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		if (strlen(props[i].name) != n || memcmp(props[i].name, name, n))
			continue;
		for (int k = 0; k < 6 && props[i].ranges[k]; k++)
			buf_addstr(out, props[i].ranges[k]);
		return 1;
	}
	return 0;
}

/*
 * Rewrites \s and \S (in and out of classes) to explicit White_Space classes, and adds to
 * \p{L}, \p{Lu}, ..., \p{M}, \p{N}, \p{Nd} and \d the code points Unicode 15.0-16.0 gave
 * them: PCRE2 10.42 has Unicode 14 tables, the reference engines Unicode 16.
 */
static void rewrite_pattern(const char *pat, struct buf *out)
{
	int in_class = 0;
	for (const char *p = pat; *p; p++) {
		if (*p == '\\' && p[1]) {
			char c = p[1];
			const char *name = NULL, *close = NULL;
			size_t nlen = 0;
			if (c == 'p' && p[2] == '{' && (close = strchr(p + 3, '}'))) {
				name = p + 3;
				nlen = (size_t)(close - name);
			} else if (c == 'd') {
				name = "Nd";
				nlen = 2;
				close = p + 1;
			}
			if (name) {
				struct buf extra = BUF_INIT;
				if (add_u16(name, nlen, &extra) && extra.len) {
					if (!in_class)
						buf_addch(out, '[');
					buf_add(out, p, (size_t)(close - p + 1));
					buf_add(out, extra.data, extra.len);
					if (!in_class)
						buf_addch(out, ']');
					buf_release(&extra);
					p = close;
					continue;
				}
				buf_release(&extra);
			}
			if (c == 's') {
				buf_addstr(out, in_class ? WS_CLASS_BODY : "[" WS_CLASS_BODY "]");
				p++;
				continue;
			}
			if (c == 'S' && !in_class) {
				buf_addstr(out, "[^" WS_CLASS_BODY "]");
				p++;
				continue;
			}
			/* \S inside a class has no simple rewrite; keep PCRE2's meaning. */
			buf_addch(out, *p);
			buf_addch(out, c);
			p++;
			continue;
		}
		if (*p == '[' && !in_class) {
			in_class = 1;
			buf_addch(out, *p);
			if (p[1] == '^') {
				buf_addch(out, '^');
				p++;
			}
			if (p[1] == ']') { /* a leading ] is literal */
				buf_addch(out, ']');
				p++;
			}
			continue;
		}
		if (*p == ']' && in_class)
			in_class = 0;
		buf_addch(out, *p);
	}
}

void *tok_regex_compile(const char *pattern, struct buf *err)
{
	struct buf pat = BUF_INIT;
	int ec;
	PCRE2_SIZE eo;
	rewrite_pattern(pattern, &pat);
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat.data, pat.len, PCRE2_UTF | PCRE2_UCP,
				       &ec, &eo, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(ec, msg, sizeof(msg));
		buf_addf(err, "bad pre-tokenization pattern at offset %zu: %s", (size_t)eo, (char *)msg);
		buf_release(&pat);
		return NULL;
	}
	buf_release(&pat);
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter if JIT is missing */
	return re;
}

void tok_regex_free(void *re)
{
	pcre2_code_free(re);
}

int tok_pretok_init(struct tok_pretok *p, const struct tok_vocab *v, int use_fast, struct buf *err)
{
	memset(p, 0, sizeof(*p));
	p->steps = xcalloc(v->n_steps + 1, sizeof(*p->steps));
	for (size_t i = 0; i < v->n_steps; i++) {
		struct tok_pretok_step *s = &p->steps[p->n_steps];
		s->kind = v->steps[i].kind;
		s->mode = v->steps[i].mode;
		s->invert = v->steps[i].invert;
		if (s->kind == TOK_STEP_METASPACE) {
			s->rep = v->steps[i].pattern;
			s->rep_len = strlen(s->rep);
			s->split = v->steps[i].split;
		}
		if (s->kind == TOK_STEP_SPLIT) {
			s->re = tok_regex_compile(v->steps[i].pattern, err);
			if (!s->re) {
				tok_pretok_free(p);
				return -1;
			}
			if (use_fast && !s->invert && (s->mode == TOK_SPLIT_MATCHES || s->mode == TOK_SPLIT_ISOLATED)) {
				const char *pat = v->steps[i].pattern;
				s->fast = !strcmp(pat, tok_pattern_cl100k) ? TOK_FAST_CL100K
					  : !strcmp(pat, tok_pattern_o200k) ? TOK_FAST_O200K
					  : !strcmp(pat, tok_pattern_gpt2) ? TOK_FAST_GPT2 : TOK_FAST_NONE;
				if (s->fast)
					tok_split_init();
			}
		}
		p->n_steps++;
	}
	return 0;
}

void tok_pretok_free(struct tok_pretok *p)
{
	for (size_t i = 0; i < p->n_steps; i++)
		if (p->steps[i].re)
			pcre2_code_free(p->steps[i].re);
	free(p->steps);
	memset(p, 0, sizeof(*p));
}

void tok_pretok_state_init(struct tok_pretok_state *st, const struct tok_pretok *p)
{
	st->pieces_fn = NULL;
	st->md = pcre2_match_data_create(4, NULL);
	st->mctx = pcre2_match_context_create(NULL);
	st->jstack = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, NULL);
	pcre2_jit_stack_assign(st->mctx, NULL, st->jstack);
	st->n_scratch = p->n_steps;
	st->scratch = xcalloc(p->n_steps + 1, sizeof(struct buf));
	for (size_t i = 0; i < p->n_steps; i++)
		buf_init(&st->scratch[i], 0);
}

void tok_pretok_state_free(struct tok_pretok_state *st)
{
	pcre2_match_data_free(st->md);
	pcre2_match_context_free(st->mctx);
	pcre2_jit_stack_free(st->jstack);
	for (size_t i = 0; i < st->n_scratch; i++)
		buf_release(&st->scratch[i]);
	free(st->scratch);
	memset(st, 0, sizeof(*st));
}

static int run_step(const struct tok_pretok *p, struct tok_pretok_state *st, size_t k,
		    const char *text, size_t len, tok_piece_fn fn, void *ctx, struct buf *err);

static inline int emit(const struct tok_pretok *p, struct tok_pretok_state *st, size_t k,
		       const char *s, size_t n, tok_piece_fn fn, void *ctx, struct buf *err)
{
	if (!n)
		return 0;
	if (k + 1 == p->n_steps) {
		fn(ctx, s, n);
		return 0;
	}
	return run_step(p, st, k + 1, s, n, fn, ctx, err);
}

/* Next match at or after off: 1 with [*ms, *me), 0 for none, -1 on error. */
static int next_match(const struct tok_pretok_step *s, struct tok_pretok_state *st,
		      const char *text, size_t len, size_t off, size_t *ms, size_t *me, struct buf *err)
{
	pcre2_match_data *md = st->md;
	int rc = pcre2_jit_match(s->re, (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK, md, st->mctx);
	if (rc == PCRE2_ERROR_JIT_BADOPTION)
		rc = pcre2_match(s->re, (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK, md, st->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(rc, msg, sizeof(msg));
		buf_addf(err, "pre-tokenization regex failed at byte %zu: %s", off, (char *)msg);
		return -1;
	}
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	*ms = ov[0];
	*me = ov[1];
	return 1;
}

struct seg {
	size_t start, end;
	int match;
};

static void seg_push(struct buf *b, size_t start, size_t end, int match)
{
	struct seg sg = { start, end, match };
	buf_add(b, &sg, sizeof(sg));
}

/*
 * HF Split with MergedWithPrevious / MergedWithNext / Contiguous (and invert): the text as
 * gaps and matches (tokenizers' find_matches, empty matches included), flags flipped with
 * invert, then folded as tokenizers folds them; empty pieces are dropped on emit.
 */
static int run_merging(const struct tok_pretok *p, struct tok_pretok_state *st, size_t k,
		       const char *text, size_t len, tok_piece_fn fn, void *ctx, struct buf *err)
{
	const struct tok_pretok_step *s = &p->steps[k];
	struct buf segs = BUF_INIT, out = BUF_INIT;
	size_t off = 0, prev = 0, ms, me;
	int rc = 0, r = 0;
	while (off <= len && (r = next_match(s, st, text, len, off, &ms, &me, err)) == 1) {
		if (ms != prev)
			seg_push(&segs, prev, ms, 0);
		seg_push(&segs, ms, me, 1);
		prev = off = me;
		if (me == ms) {
			if (me >= len)
				break;
			off = utf8_next((const unsigned char *)text, len, off);
		}
	}
	if (r < 0) {
		rc = -1;
		goto done;
	}
	if (prev != len)
		seg_push(&segs, prev, len, 0);
	struct seg *sg = (struct seg *)segs.data;
	size_t n = segs.len / sizeof(*sg), no = 0;
	for (size_t i = 0; i < n; i++)
		sg[i].match ^= s->invert;
	int prev_match = 0;
	if (s->mode == TOK_SPLIT_MERGED_NEXT) { /* folded from the right */
		for (size_t i = n; i-- > 0;) {
			struct seg *acc = (struct seg *)out.data;
			if (sg[i].match && !prev_match && no)
				acc[no - 1].start = sg[i].start;
			else
				seg_push(&out, sg[i].start, sg[i].end, 0), no++;
			prev_match = sg[i].match;
		}
		struct seg *acc = (struct seg *)out.data;
		for (size_t i = no; i-- > 0;)
			if ((rc = emit(p, st, k, text + acc[i].start, acc[i].end - acc[i].start, fn, ctx, err)))
				break;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		struct seg *acc = (struct seg *)out.data;
		int join = s->mode == TOK_SPLIT_MERGED_PREV ? sg[i].match && !prev_match
							    : sg[i].match == prev_match;
		if (join && no)
			acc[no - 1].end = sg[i].end;
		else
			seg_push(&out, sg[i].start, sg[i].end, 0), no++;
		prev_match = sg[i].match;
	}
	struct seg *acc = (struct seg *)out.data;
	for (size_t i = 0; i < no && !rc; i++)
		rc = emit(p, st, k, text + acc[i].start, acc[i].end - acc[i].start, fn, ctx, err);
done:
	buf_release(&segs);
	buf_release(&out);
	return rc;
}

/*
 * HF Metaspace: every ' ' becomes the replacement; the replacement is prepended to a non-empty
 * text not starting with it (always, or only at offset 0 of the document with "first"); with
 * split, a piece starts at each replacement (MergedWithNext).
 */
static int run_metaspace(const struct tok_pretok *p, struct tok_pretok_state *st, size_t k,
			 const char *text, size_t len, tok_piece_fn fn, void *ctx, struct buf *err)
{
	const struct tok_pretok_step *s = &p->steps[k];
	struct buf *b = &st->scratch[k];
	buf_reset(b);
	int starts = (len && text[0] == ' ') || (len >= s->rep_len && !memcmp(text, s->rep, s->rep_len));
	if (len && !starts && (s->mode == TOK_PREPEND_ALWAYS ||
			       (s->mode == TOK_PREPEND_FIRST && text == st->doc_start)))
		buf_add(b, s->rep, s->rep_len);
	for (size_t i = 0; i < len; i++) {
		if (text[i] == ' ')
			buf_add(b, s->rep, s->rep_len);
		else
			buf_addch(b, text[i]);
	}
	if (!s->split)
		return emit(p, st, k, b->data, b->len, fn, ctx, err);
	size_t start = 0;
	for (size_t i = 1; i + s->rep_len <= b->len; i++) {
		if (memcmp(b->data + i, s->rep, s->rep_len))
			continue;
		if (emit(p, st, k, b->data + start, i - start, fn, ctx, err))
			return -1;
		start = i;
	}
	return emit(p, st, k, b->data + start, b->len - start, fn, ctx, err);
}

/* A hand-written splitter (tok_split.c): as the last step, its pieces go to pieces_fn in
 * batches when the caller set one, else one by one to fn. */
static int run_fast(const struct tok_pretok *p, struct tok_pretok_state *st, size_t k,
		    const char *text, size_t len, tok_piece_fn fn, void *ctx, struct buf *err)
{
	const struct tok_pretok_step *s = &p->steps[k];
	if (k + 1 == p->n_steps && st->pieces_fn) {
		size_t ends[TOK_SPLIT_BATCH], off = 0, m;
		for (size_t start = 0; (m = tok_split_batch(s->fast, text, len, &off, ends, TOK_SPLIT_BATCH)); start = off)
			st->pieces_fn(ctx, text, len, start, ends, m);
		return 0;
	}
	if (k + 1 == p->n_steps) {
		tok_split_each(s->fast, text, len, fn, ctx);
		return 0;
	}
	size_t (*split)(const unsigned char *, size_t) = s->fast == TOK_FAST_CL100K ? tok_split_cl100k
							 : s->fast == TOK_FAST_O200K ? tok_split_o200k
							 : tok_split_gpt2;
	for (size_t off = 0, n; off < len; off += n) {
		n = split((const unsigned char *)text + off, len - off);
		if (emit(p, st, k, text + off, n, fn, ctx, err))
			return -1;
	}
	return 0;
}

/* Split with Isolated, Removed (gaps) or matches only: PCRE2's matches in order. */
static int run_regex(const struct tok_pretok *p, struct tok_pretok_state *st, size_t k,
		     const char *text, size_t len, tok_piece_fn fn, void *ctx, struct buf *err)
{
	const struct tok_pretok_step *s = &p->steps[k];
	pcre2_match_data *md = st->md;
	size_t off = 0, gap = 0;
	while (off <= len) {
		int rc = pcre2_jit_match(s->re, (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK, md, st->mctx);
		if (rc == PCRE2_ERROR_JIT_BADOPTION)
			rc = pcre2_match(s->re, (PCRE2_SPTR)text, len, off, PCRE2_NO_UTF_CHECK, md, st->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(rc, msg, sizeof(msg));
			buf_addf(err, "pre-tokenization regex failed at byte %zu: %s", off, (char *)msg);
			return -1;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		size_t ms = ov[0], me = ov[1];
		if (s->mode != TOK_SPLIT_MATCHES && emit(p, st, k, text + gap, ms - gap, fn, ctx, err))
			return -1;
		if (s->mode != TOK_SPLIT_GAPS && emit(p, st, k, text + ms, me - ms, fn, ctx, err))
			return -1;
		gap = me;
		if (me == ms) { /* empty match: step over one character */
			if (me >= len)
				break;
			me = utf8_next((const unsigned char *)text, len, me);
		}
		off = me;
	}
	if (s->mode != TOK_SPLIT_MATCHES && emit(p, st, k, text + gap, len - gap, fn, ctx, err))
		return -1;
	return 0;
}

static int run_step(const struct tok_pretok *p, struct tok_pretok_state *st, size_t k,
		    const char *text, size_t len, tok_piece_fn fn, void *ctx, struct buf *err)
{
	const struct tok_pretok_step *s = &p->steps[k];
	if (s->kind == TOK_STEP_METASPACE)
		return run_metaspace(p, st, k, text, len, fn, ctx, err);
	if (s->kind == TOK_STEP_FIXED) { /* HF FixedLength (tok_hf_scripts.c) */
		for (size_t a = 0, b; a < len; a = b) {
			b = tok_hf_fixed_end(text, len, a, (size_t)s->mode);
			if (emit(p, st, k, text + a, b - a, fn, ctx, err))
				return -1;
		}
		return 0;
	}
	if (s->kind == TOK_STEP_SCRIPTS) { /* HF UnicodeScripts (tok_hf_scripts.c) */
		for (size_t a = tok_hf_scripts_start(text, len), b; a < len; a = b) {
			b = tok_hf_scripts_end(text, len, a);
			if (emit(p, st, k, text + a, b - a, fn, ctx, err))
				return -1;
		}
		return 0;
	}
	if (s->kind == TOK_STEP_PREFIX_SPACE) {
		if (!len)
			return 0; /* HF adds no space to an empty text or segment */
		if (text[0] == ' ')
			return emit(p, st, k, text, len, fn, ctx, err);
		struct buf *b = &st->scratch[k];
		buf_reset(b);
		buf_addch(b, ' ');
		buf_add(b, text, len);
		return emit(p, st, k, b->data, b->len, fn, ctx, err);
	}
	if (s->fast)
		return run_fast(p, st, k, text, len, fn, ctx, err);
	if (s->mode >= TOK_SPLIT_MERGED_PREV)
		return run_merging(p, st, k, text, len, fn, ctx, err);
	return run_regex(p, st, k, text, len, fn, ctx, err);
}

int tok_pretok_run(const struct tok_pretok *p, struct tok_pretok_state *st, const char *text,
		   size_t len, tok_piece_fn fn, void *ctx, struct buf *err)
{
	if (!p->n_steps) {
		if (len)
			fn(ctx, text, len);
		return 0;
	}
	return run_step(p, st, 0, text, len, fn, ctx, err);
}
