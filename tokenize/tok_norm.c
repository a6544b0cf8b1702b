/* Normalizers (see tok_norm.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenize/tok_norm.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/tok_norm_precompiled.h"
#include "tokenize/tok_pretok.h"

int tok_norm_init(struct tok_normalizer *n, const struct tok_vocab *v, struct buf *err)
{
	n->v = v;
	n->re = xcalloc(v->n_norms + 1, sizeof(void *));
	for (size_t i = 0; i < v->n_norms; i++) {
		if (v->norms[i].kind == TOK_NORM_PRECOMPILED) {
			struct tok_precompiled *pc;
			if (tok_precompiled_new((const unsigned char *)v->norms[i].a, v->norms[i].a_len, &pc, err)) {
				tok_norm_free(n);
				return -1;
			}
			n->re[i] = pc;
			continue;
		}
		if (v->norms[i].kind != TOK_NORM_REPLACE_RE)
			continue;
		n->re[i] = tok_regex_compile(v->norms[i].a, err);
		if (!n->re[i]) {
			tok_norm_free(n);
			return -1;
		}
	}
	return 0;
}

void tok_norm_free(struct tok_normalizer *n)
{
	for (size_t i = 0; n->re && n->v && i < n->v->n_norms; i++) {
		if (n->re[i] && n->v->norms[i].kind == TOK_NORM_PRECOMPILED)
			tok_precompiled_free(n->re[i]);
		else if (n->re[i])
			tok_regex_free(n->re[i]);
	}
	free(n->re);
	n->re = NULL;
}

static int is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* tok_norm_hf.c (generated): what tokenizers' older Unicode tables leave unnormalized. */
extern const uint32_t tok_norm_hf_canon[][2], tok_norm_hf_compat[][2];
extern const size_t tok_norm_hf_canon_n, tok_norm_hf_compat_n;

/* tok_norm_bert.c (generated): tokenizers' BertNormalizer and StripAccents classes. */
extern const uint32_t tok_bert_remove[][2], tok_bert_space[][2], tok_bert_chinese[][2],
	tok_hf_marks[][2], tok_bert_mn[][2];
extern const size_t tok_bert_remove_n, tok_bert_space_n, tok_bert_chinese_n, tok_hf_marks_n,
	tok_bert_mn_n;

static int in_ranges(int32_t c, const uint32_t (*r)[2], size_t hi)
{
	size_t lo = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if ((uint32_t)c < r[mid][0])
			hi = mid;
		else if ((uint32_t)c > r[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int hf_keeps(int32_t c, int compat)
{
	const uint32_t(*r)[2] = compat ? tok_norm_hf_compat : tok_norm_hf_canon;
	size_t lo = 0, hi = compat ? tok_norm_hf_compat_n : tok_norm_hf_canon_n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if ((uint32_t)c < r[mid][0])
			hi = mid;
		else if ((uint32_t)c > r[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int map_run(const char *s, size_t n, int flags, struct buf *out, struct buf *err)
{
	if (!n)
		return 0;
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst,
					  (utf8proc_option_t)(UTF8PROC_STABLE | flags));
	if (r < 0) {
		buf_addf(err, "normalization failed: %s", utf8proc_errmsg(r));
		return -1;
	}
	buf_add(out, dst, (size_t)r);
	free(dst);
	return 0;
}

/*
 * A Unicode normalization form with utf8proc, except for the characters tokenizers' tables do
 * not know yet: they are copied as they are, and the text between them normalized on its own
 * (to tokenizers they are unassigned starters, which nothing composes or reorders across).
 */
static int unicode_form(const char *s, size_t n, int flags, struct buf *out, struct buf *err)
{
	if (is_ascii(s, n)) { /* every form leaves ASCII as it is */
		buf_add(out, s, n);
		return 0;
	}
	int compat = !!(flags & UTF8PROC_COMPAT);
	size_t run = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if (k > n - i)
			k = n - i;
		if (c >= 0xE0) {
			int32_t cp;
			utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)k, &cp);
			if (cp >= 0 && hf_keeps(cp, compat)) {
				if (map_run(s + run, i - run, flags, out, err))
					return -1;
				buf_add(out, s + i, k);
				run = i + k;
			}
		}
		i += k;
	}
	return map_run(s + run, n - run, flags, out, err);
}

static int is_white_space(int32_t c)
{
	return (c >= 9 && c <= 13) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x3000;
}

static size_t next_cp(const char *s, size_t n, size_t i, int32_t *cp)
{
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), cp);
	if (k <= 0) {
		*cp = (unsigned char)s[i];
		return 1;
	}
	return (size_t)k;
}

static void put_cp(struct buf *out, int32_t cp)
{
	utf8proc_uint8_t tmp[4];
	utf8proc_ssize_t k = utf8proc_encode_char(cp, tmp);
	buf_add(out, tmp, (size_t)k);
}

static int cased(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_LU || k == UTF8PROC_CATEGORY_LL || k == UTF8PROC_CATEGORY_LT;
}

static int case_ignorable(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_ME || k == UTF8PROC_CATEGORY_CF ||
	       k == UTF8PROC_CATEGORY_LM || k == UTF8PROC_CATEGORY_SK || c == '\'' || c == '.' ||
	       c == ':' || c == 0xB7 || c == 0x2019 || c == 0x2018 || c == 0x2024 || c == 0xAD;
}

/* Is the capital sigma at s[i..i+2) word-final (Rust's to_lowercase rule)? A cased letter,
 * maybe after case-ignorables, before it; none after it. */
static int final_sigma(const char *s, size_t n, size_t i)
{
	int before = 0;
	for (size_t j = i; j > 0;) {
		size_t k = utf8_prev((const unsigned char *)s, 0, j);
		int32_t c;
		next_cp(s, n, k, &c);
		j = k;
		if (case_ignorable(c))
			continue;
		before = cased(c);
		break;
	}
	if (!before)
		return 0;
	for (size_t j = i + 2; j < n;) {
		int32_t c;
		j += next_cp(s, n, j, &c);
		if (case_ignorable(c))
			continue;
		return !cased(c);
	}
	return 1;
}

static void lowercase(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n;) {
		int32_t c;
		size_t k = next_cp(s, n, i, &c);
		if (c < 0x80)
			buf_addch(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
		else if (c == 0x130) /* the one unconditional multi-character lowercase */
			buf_addstr(out, "i\xcc\x87");
		else if (c == 0x3A3)
			put_cp(out, final_sigma(s, n, i) ? 0x3C2 : 0x3C3);
		else
			put_cp(out, utf8proc_tolower(c));
		i += k;
	}
}

static void strip(const char *s, size_t n, int left, int right, struct buf *out)
{
	size_t a = 0, b = n;
	while (left && a < b) {
		int32_t c;
		size_t k = next_cp(s, n, a, &c);
		if (!is_white_space(c))
			break;
		a += k;
	}
	while (right && b > a) {
		size_t k = utf8_prev((const unsigned char *)s, a, b);
		int32_t c;
		next_cp(s, n, k, &c);
		if (!is_white_space(c))
			break;
		b = k;
	}
	buf_add(out, s + a, b - a);
}

/* StripAccents drops every combining mark, BertNormalizer's strip_accents only nonspacing
 * ones (bert), as tokenizers' tables have them (tok_norm_bert.c). */
static void strip_accents(const char *s, size_t n, int bert, struct buf *out)
{
	for (size_t i = 0; i < n;) {
		int32_t c;
		size_t k = next_cp(s, n, i, &c);
		if (c < 0x300 || !(bert ? in_ranges(c, tok_bert_mn, tok_bert_mn_n)
					: in_ranges(c, tok_hf_marks, tok_hf_marks_n)))
			buf_add(out, s + i, k);
		i += k;
	}
}

/* BertNormalizer clean_text: NUL, U+FFFD and "other" characters dropped, white space (tab, CR,
 * LF included) made ' '; chinese chars: ' ' before and after each CJK ideograph. */
static void bert_clean(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n;) {
		int32_t c;
		size_t k = next_cp(s, n, i, &c);
		if (c >= 0x20 && c < 0x7F)
			buf_addch(out, (char)c);
		else if (in_ranges(c, tok_bert_space, tok_bert_space_n))
			buf_addch(out, ' ');
		else if (!in_ranges(c, tok_bert_remove, tok_bert_remove_n))
			buf_add(out, s + i, k);
		i += k;
	}
}

static void bert_chinese(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n;) {
		int32_t c;
		size_t k = next_cp(s, n, i, &c);
		int cjk = c >= 0x3400 && in_ranges(c, tok_bert_chinese, tok_bert_chinese_n);
		if (cjk)
			buf_addch(out, ' ');
		buf_add(out, s + i, k);
		if (cjk)
			buf_addch(out, ' ');
		i += k;
	}
}

static void replace_str(const char *s, size_t n, const char *pat, const char *with, struct buf *out)
{
	size_t pl = strlen(pat);
	for (size_t i = 0; i < n;) {
		const char *hit = memmem(s + i, n - i, pat, pl);
		if (!hit) {
			buf_add(out, s + i, n - i);
			break;
		}
		buf_add(out, s + i, (size_t)(hit - (s + i)));
		buf_addstr(out, with);
		i = (size_t)(hit - s) + pl;
	}
}

static int replace_re(const char *s, size_t n, void *re, const char *with, struct buf *out,
		      struct buf *err)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	size_t off = 0, gap = 0;
	int rc = 0;
	while (off <= n) {
		int r = pcre2_match(re, (PCRE2_SPTR)s, n, off, PCRE2_NO_UTF_CHECK, md, NULL);
		if (r == PCRE2_ERROR_NOMATCH)
			break;
		if (r < 0) {
			buf_addf(err, "normalizer Replace regex failed at byte %zu", off);
			rc = -1;
			break;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		buf_add(out, s + gap, ov[0] - gap);
		buf_addstr(out, with);
		gap = off = ov[1];
		if (ov[1] == ov[0]) { /* empty match: copy one character and go on */
			if (off >= n)
				break;
			size_t k = utf8_next((const unsigned char *)s, n, off) - off;
			buf_add(out, s + off, k);
			gap = off = off + k;
		}
	}
	if (gap < n)
		buf_add(out, s + gap, n - gap);
	pcre2_match_data_free(md);
	return rc;
}

/* HF Nmt: C0 controls other than tab, LF, FF, CR, and DEL, U+008F, U+009F dropped; tab, LF, FF,
 * CR, U+1680, U+200B-U+200F, U+2028, U+2029, U+2581, U+FEFF, U+FFFD made ' '. */
static void nmt(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n;) {
		int32_t c;
		size_t k = next_cp(s, n, i, &c);
		if ((c >= 1 && c <= 8) || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F ||
		    c == 0x8F || c == 0x9F)
			;
		else if (c == 9 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x1680 ||
			 (c >= 0x200B && c <= 0x200F) || c == 0x2028 || c == 0x2029 || c == 0x2581 ||
			 c == 0xFEFF || c == 0xFFFD)
			buf_addch(out, ' ');
		else
			buf_add(out, s + i, k);
		i += k;
	}
}

static int apply_one(const struct tok_norm *t, void *re, const char *s, size_t n, struct buf *out,
		     struct buf *err)
{
	switch (t->kind) {
	case TOK_NORM_NFC:
		return unicode_form(s, n, UTF8PROC_COMPOSE, out, err);
	case TOK_NORM_NFD:
		return unicode_form(s, n, UTF8PROC_DECOMPOSE, out, err);
	case TOK_NORM_NFKC:
		return unicode_form(s, n, UTF8PROC_COMPOSE | UTF8PROC_COMPAT, out, err);
	case TOK_NORM_NFKD:
		return unicode_form(s, n, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT, out, err);
	case TOK_NORM_LOWERCASE:
		lowercase(s, n, out);
		return 0;
	case TOK_NORM_STRIP:
		strip(s, n, t->left, t->right, out);
		return 0;
	case TOK_NORM_STRIP_ACCENTS:
	case TOK_NORM_BERT_STRIP_ACCENTS:
		strip_accents(s, n, t->kind == TOK_NORM_BERT_STRIP_ACCENTS, out);
		return 0;
	case TOK_NORM_REPLACE:
		replace_str(s, n, t->a, t->b, out);
		return 0;
	case TOK_NORM_REPLACE_RE:
		return replace_re(s, n, re, t->b, out, err);
	case TOK_NORM_BERT_CLEAN:
		bert_clean(s, n, out);
		return 0;
	case TOK_NORM_BERT_CHINESE:
		bert_chinese(s, n, out);
		return 0;
	case TOK_NORM_PRECOMPILED:
		tok_precompiled_apply(re, s, n, out);
		return 0;
	case TOK_NORM_NMT:
		nmt(s, n, out);
		return 0;
	case TOK_NORM_BYTELEVEL:
		for (size_t i = 0; i < n; i++)
			put_cp(out, (int32_t)tok_byte_to_cp((unsigned char)s[i]));
		return 0;
	case TOK_NORM_PREPEND:
		if (n)
			buf_addstr(out, t->a);
		buf_add(out, s, n);
		return 0;
	}
	return 0;
}

int tok_norm_apply(const struct tok_normalizer *n, const char *text, size_t len, struct buf *out,
		   struct buf *tmp, struct buf *err)
{
	const struct tok_vocab *v = n->v;
	buf_reset(out);
	buf_add(out, text, len);
	for (size_t i = 0; i < v->n_norms; i++) {
		buf_reset(tmp);
		if (apply_one(&v->norms[i], n->re[i], out->data, out->len, tmp, err))
			return -1;
		struct buf swap = *out;
		*out = *tmp;
		*tmp = swap;
	}
	return 0;
}
