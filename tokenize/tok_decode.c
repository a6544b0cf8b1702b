/*
 * Decoding ids back to text (tok_bpe.h: tok_decode). tiktoken and GPT-2 files: the tokens'
 * bytes. tokenizer.json: its decoder chain over the token strings, as tokenizers'
 * decode(ids, skip_special_tokens=false): each step maps the list of strings to a new list,
 * and the result is their concatenation; with no decoder the tokens are joined by spaces.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/hex.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/tok_bpe.h"
#include "tokenize/tok_vocab_int.h"

/* A list of strings in one buffer: offsets of each start, plus the end. */
struct strs {
	struct buf data;
	size_t *off;
	size_t n, alloc;
};

static void strs_end(struct strs *s) /* closes the string being appended */
{
	ALLOC_GROW(s->off, s->n + 2, s->alloc);
	s->off[++s->n] = s->data.len;
}

static void strs_add(struct strs *s, const char *p, size_t n)
{
	buf_add(&s->data, p, n);
	strs_end(s);
}

static void strs_init(struct strs *s)
{
	buf_init(&s->data, 0);
	s->off = xcalloc(2, sizeof(size_t));
	s->alloc = 2;
	s->n = 0;
}

static void strs_release(struct strs *s)
{
	buf_release(&s->data);
	free(s->off);
}

#define STR(s, i) ((s)->data.data + (s)->off[i])
#define LEN(s, i) ((s)->off[(i) + 1] - (s)->off[i])

static void put_spelled(struct buf *out, const char *p, size_t n, int byte_level)
{
	if (!byte_level) {
		buf_add(out, p, n);
		return;
	}
	for (size_t i = 0; i < n; i++) { /* the GPT-2 spelling the file uses */
		unsigned char enc[UTF8_MAX];
		buf_add(out, enc, utf8_encode(tok_byte_to_cp((unsigned char)p[i]), enc));
	}
}

static void flush_bytes(struct strs *o, struct buf *bytes)
{
	if (!bytes->len)
		return;
	if (utf8_valid_prefix(bytes->data, bytes->len) == bytes->len) {
		strs_add(o, bytes->data, bytes->len);
	} else {
		for (size_t i = 0; i < bytes->len; i++)
			strs_add(o, "\xEF\xBF\xBD", 3);
	}
	buf_reset(bytes);
}

/* tokenizers' WordPiece cleanup on out[from..]: each replacement over the whole string, in
 * this order. */
static void wp_cleanup(struct buf *out, size_t from)
{
	static const char *const rules[][2] = {
		{ " .", "." }, { " ?", "?" }, { " !", "!" }, { " ,", "," }, { " ' ", "'" },
		{ " n't", "n't" }, { " 'm", "'m" }, { " do not", " don't" }, { " 's", "'s" },
		{ " 've", "'ve" }, { " 're", "'re" },
	};
	struct buf t = BUF_INIT;
	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
		size_t pl = strlen(rules[r][0]);
		if (!memmem(out->data + from, out->len - from, rules[r][0], pl))
			continue;
		buf_reset(&t);
		const char *p = out->data + from, *end = out->data + out->len;
		for (;;) {
			const char *hit = memmem(p, (size_t)(end - p), rules[r][0], pl);
			if (!hit) {
				buf_add(&t, p, (size_t)(end - p));
				break;
			}
			buf_add(&t, p, (size_t)(hit - p));
			buf_addstr(&t, rules[r][1]);
			p = hit + pl;
		}
		buf_setlen(out, from);
		buf_add(out, t.data, t.len);
	}
	buf_release(&t);
}

/* Rust's str::replace of every `pat` (non-empty) by `with` in p[0..n), appended to out. */
static void replace_all(struct buf *out, const char *p, size_t n, const char *pat, const char *with)
{
	size_t pl = strlen(pat);
	for (size_t j = 0; j < n;) {
		const char *hit = memmem(p + j, n - j, pat, pl);
		if (!hit) {
			buf_add(out, p + j, n - j);
			break;
		}
		buf_add(out, p + j, (size_t)(hit - (p + j)));
		buf_addstr(out, with);
		j = (size_t)(hit - p) + pl;
	}
}

/* CTC: token i (a repeat of the one before it is skipped) without pad, cleaned up. */
static void ctc_one(const struct tok_dec *d, struct strs *in, size_t i, struct strs *o, struct buf *t)
{
	const char *p = STR(in, i);
	size_t n = LEN(in, i);
	if (i && LEN(in, i - 1) == n && !memcmp(STR(in, i - 1), p, n))
		return;
	buf_reset(t);
	replace_all(t, p, n, d->a, "");
	size_t from = o->data.len;
	if (d->left) {
		wp_cleanup(t, 0);
		replace_all(&o->data, t->data, t->len, d->b, " ");
	} else {
		buf_add(&o->data, t->data, t->len);
	}
	if (o->data.len > from)
		strs_end(o);
}

static void step(const struct tok_dec *d, struct strs *in, struct strs *o)
{
	struct buf bytes = BUF_INIT;
	size_t al = d->a ? strlen(d->a) : 0;
	for (size_t i = 0; i < in->n; i++) {
		const char *p = STR(in, i);
		size_t n = LEN(in, i);
		switch (d->kind) {
		case TOK_DEC_BYTEFALLBACK:
			if (n == 6 && !memcmp(p, "<0x", 3) && p[5] == '>' && hex_digit(p[3]) >= 0 && hex_digit(p[4]) >= 0) {
				buf_addch(&bytes, (char)(hex_digit(p[3]) << 4 | hex_digit(p[4])));
				continue;
			}
			flush_bytes(o, &bytes);
			strs_add(o, p, n);
			break;
		case TOK_DEC_REPLACE:
			replace_all(&o->data, p, n, d->a, d->b);
			strs_end(o);
			break;
		case TOK_DEC_BYTELEVEL_CHARS: /* into one string, as BYTELEVEL */
			if (tok_bytelevel_decode(p, n, &bytes))
				buf_add(&o->data, p, n);
			else
				buf_add(&o->data, bytes.data, bytes.len);
			break;
		case TOK_DEC_BPE:
			replace_all(&o->data, p, n, d->a, i + 1 == in->n ? "" : " ");
			strs_end(o);
			break;
		case TOK_DEC_CTC:
			ctc_one(d, in, i, o, &bytes);
			break;
		case TOK_DEC_METASPACE:
			for (size_t j = 0; j < n;) {
				if (n - j >= al && !memcmp(p + j, d->a, al)) {
					if (i || !d->left)
						buf_addch(&o->data, ' ');
					j += al;
				} else {
					buf_addch(&o->data, p[j++]);
				}
			}
			strs_end(o);
			break;
		case TOK_DEC_WORDPIECE: {
			size_t from = o->data.len;
			if (i && n >= al && !memcmp(p, d->a, al)) {
				/* replacen(prefix, "", 1): the first occurrence, which is at the start */
				buf_add(&o->data, p + al, n - al);
			} else {
				if (i)
					buf_addch(&o->data, ' ');
				buf_add(&o->data, p, n);
			}
			if (d->left)
				wp_cleanup(&o->data, from);
			strs_end(o);
			break;
		}
		case TOK_DEC_STRIP: {
			size_t a = 0, b = n;
			for (int k = 0; k < d->left && b - a >= al && !memcmp(p + a, d->a, al); k++)
				a += al;
			for (int k = 0; k < d->right && b - a >= al && !memcmp(p + b - al, d->a, al); k++)
				b -= al;
			strs_add(o, p + a, b - a);
			break;
		}
		default: /* BYTELEVEL, FUSE: one string of everything */
			buf_add(&o->data, p, n);
			break;
		}
	}
	if (d->kind == TOK_DEC_BYTEFALLBACK)
		flush_bytes(o, &bytes);
	if (d->kind == TOK_DEC_BYTELEVEL || d->kind == TOK_DEC_BYTELEVEL_CHARS || d->kind == TOK_DEC_FUSE)
		strs_end(o);
	buf_release(&bytes);
}

/* The string tokenizers decodes for token id: an added token's normalized form when it has one
 * (tok_special.match), else its text. */
static const char *token_str(const struct tok_vocab *v, uint32_t id, size_t *len)
{
	if (v->special_match && v->is_special[id]) {
		size_t lo = 0, hi = v->n_specials; /* specials are in id order */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (v->specials[mid].id < id) {
				lo = mid + 1;
			} else if (v->specials[mid].id > id) {
				hi = mid;
			} else {
				if (v->specials[mid].match) {
					*len = v->specials[mid].match_len;
					return v->specials[mid].match;
				}
				break;
			}
		}
	}
	*len = v->tok_len[id];
	return v->blob + v->tok_off[id];
}

int tok_decode(const struct tok_vocab *v, const uint32_t *ids, size_t n, struct buf *out, struct buf *err)
{
	for (size_t i = 0; i < n; i++) {
		if (ids[i] >= v->n_ids || v->tok_len[ids[i]] == TOK_NONE) {
			buf_addf(err, "token %zu: id %u is not in the vocabulary", i, ids[i]);
			return -1;
		}
	}
	if (v->format != TOK_FMT_HF) {
		for (size_t i = 0; i < n; i++)
			buf_add(out, v->blob + v->tok_off[ids[i]], v->tok_len[ids[i]]);
		return 0;
	}
	if (v->dec_unsupported) {
		buf_addf(err, "unsupported: %s", v->dec_unsupported);
		return -1;
	}
	if (!v->n_decs) {
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_addch(out, ' ');
			size_t tl;
			const char *t = token_str(v, ids[i], &tl);
			put_spelled(out, t, tl, v->byte_level && !v->is_special[ids[i]]);
		}
		return 0;
	}
	struct strs a, b;
	strs_init(&a);
	strs_init(&b);
	for (size_t i = 0; i < n; i++) {
		size_t tl;
		const char *t = token_str(v, ids[i], &tl);
		strs_add(&a, t, tl);
	}
	for (size_t k = 0; k < v->n_decs; k++) {
		buf_reset(&b.data);
		b.n = 0;
		step(&v->decs[k], &a, &b);
		struct strs t = a;
		a = b;
		b = t;
	}
	buf_add(out, a.data.data, a.data.len);
	strs_release(&a);
	strs_release(&b);
	return 0;
}
