/*
 * tokenizer.json's normalizer, pre_tokenizer, post_processor and decoder, as HuggingFace
 * tokenizers defines them, turned into grist's steps (tok_vocab.h). Every component is either
 * implemented exactly or refused naming its type and JSON path; nothing is approximated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base64.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/tok_hf.h"
#include "tokenize/tok_norm_precompiled.h"

static int unsupported_at(int *unsupported, struct buf *err, const char *file, const char *what,
			  const char *type, const char *jpath)
{
	buf_addf(err, "%s: unsupported: %s %s at %s", file, what, type ? type : "(untyped)", jpath);
	*unsupported = 1;
	return -1;
}

/* ---- normalizers ---- */

static struct tok_norm *add_norm(struct tok_vocab *v, enum tok_norm_kind kind)
{
	v->norms = xrealloc(v->norms, (v->n_norms + 1) * sizeof(*v->norms));
	struct tok_norm *n = &v->norms[v->n_norms++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	return n;
}

/* A Split/Replace pattern {"String": s} or {"Regex": r} as a PCRE2 pattern; 0 literal, 1 regex,
 * -1 neither. */
static int pattern_of(json_t *pat, struct buf *out)
{
	const char *re = json_string_value(json_object_get(pat, "Regex"));
	if (re) {
		buf_addstr(out, re);
		return 1;
	}
	const char *lit = json_string_value(json_object_get(pat, "String"));
	if (!lit)
		return -1;
	for (const unsigned char *p = (const unsigned char *)lit; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p >= 0x80)
			buf_addch(out, (char)*p);
		else
			buf_addf(out, "\\x%02x", *p);
	}
	return 0;
}

static int norm_replace(struct tok_vocab *v, json_t *n, const char *jpath, const char *file,
			struct buf *err, int *unsupported)
{
	json_t *pat = json_object_get(n, "pattern");
	const char *content = json_string_value(json_object_get(n, "content"));
	const char *lit = json_string_value(json_object_get(pat, "String"));
	const char *re = json_string_value(json_object_get(pat, "Regex"));
	if (!content || (!lit && !re))
		return unsupported_at(unsupported, err, file, "normalizer", "Replace without pattern and content", jpath);
	if (lit && !*lit)
		return unsupported_at(unsupported, err, file, "normalizer", "Replace of an empty string", jpath);
	struct tok_norm *t = add_norm(v, lit ? TOK_NORM_REPLACE : TOK_NORM_REPLACE_RE);
	t->a = xstrdup(lit ? lit : re);
	t->b = xstrdup(content);
	return 0;
}

/* Precompiled: the base64 charsmap, decoded and checked now (tokenizers refuses a file whose
 * charsmap does not parse; grist also one whose lookups would fail). */
static int norm_precompiled(struct tok_vocab *v, json_t *n, const char *jpath, const char *file,
			    struct buf *err, int *unsupported)
{
	json_t *cm = json_object_get(n, "precompiled_charsmap");
	struct buf blob = BUF_INIT, why = BUF_INIT;
	struct tok_precompiled *pc = NULL;
	if (!json_is_string(cm) || base64_decode(json_string_value(cm), json_string_length(cm), &blob)) {
		buf_release(&blob);
		buf_addf(err, "%s: %s.precompiled_charsmap: Precompiled needs a base64 string", file, jpath);
		return -1;
	}
	int bad = tok_precompiled_new((const unsigned char *)blob.data, blob.len, &pc, &why);
	if (bad == -1)
		buf_addf(err, "%s: %s.precompiled_charsmap: not a SentencePiece charsmap: %s", file, jpath, why.data);
	else if (bad)
		buf_addf(err, "%s: unsupported: normalizer Precompiled whose charsmap tokenizers cannot "
			      "apply to every text (%s) at %s.precompiled_charsmap", file, why.data, jpath);
	if (bad == -2)
		*unsupported = 1;
	if (bad) {
		buf_release(&blob);
		buf_release(&why);
		return -1;
	}
	tok_precompiled_free(pc);
	buf_release(&why);
	struct tok_norm *t = add_norm(v, TOK_NORM_PRECOMPILED);
	t->a_len = blob.len;
	t->a = buf_detach(&blob, NULL);
	return 0;
}

int tok_hf_normalizer(struct tok_vocab *v, json_t *n, const char *jpath, const char *file,
		      struct buf *err, int *unsupported)
{
	if (!n || json_is_null(n))
		return 0;
	const char *type = json_string_value(json_object_get(n, "type"));
	static const struct { const char *name; enum tok_norm_kind kind; } simple[] = {
		{ "NFC", TOK_NORM_NFC }, { "NFD", TOK_NORM_NFD }, { "NFKC", TOK_NORM_NFKC },
		{ "NFKD", TOK_NORM_NFKD }, { "Lowercase", TOK_NORM_LOWERCASE },
		{ "StripAccents", TOK_NORM_STRIP_ACCENTS }, { "Nmt", TOK_NORM_NMT },
		{ "ByteLevel", TOK_NORM_BYTELEVEL },
	};
	if (!type)
		return unsupported_at(unsupported, err, file, "normalizer", NULL, jpath);
	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		if (!strcmp(type, simple[i].name)) {
			add_norm(v, simple[i].kind);
			return 0;
		}
	}
	if (!strcmp(type, "Sequence")) {
		json_t *list = json_object_get(n, "normalizers");
		size_t i;
		json_t *x;
		json_array_foreach(list, i, x) {
			char sub[256];
			snprintf(sub, sizeof(sub), "%s.normalizers[%zu]", jpath, i);
			if (tok_hf_normalizer(v, x, sub, file, err, unsupported))
				return -1;
		}
		return 0;
	}
	if (!strcmp(type, "Strip")) {
		struct tok_norm *t = add_norm(v, TOK_NORM_STRIP);
		t->left = json_is_true(json_object_get(n, "strip_left"));
		t->right = json_is_true(json_object_get(n, "strip_right"));
		return 0;
	}
	if (!strcmp(type, "Replace"))
		return norm_replace(v, n, jpath, file, err, unsupported);
	if (!strcmp(type, "Precompiled"))
		return norm_precompiled(v, n, jpath, file, err, unsupported);
	if (!strcmp(type, "BertNormalizer")) {
		/* clean_text, handle_chinese_chars, strip_accents (null: as lowercase, and then as
		 * tokenizers does it: NFD first), lowercase; absent flags take the defaults. */
		json_t *sa = json_object_get(n, "strip_accents");
		json_t *lc = json_object_get(n, "lowercase"), *cl = json_object_get(n, "clean_text");
		json_t *cc = json_object_get(n, "handle_chinese_chars");
		int lower = !lc || json_is_true(lc);
		if (!cl || json_is_true(cl))
			add_norm(v, TOK_NORM_BERT_CLEAN);
		if (!cc || json_is_true(cc))
			add_norm(v, TOK_NORM_BERT_CHINESE);
		if ((!sa || json_is_null(sa)) ? lower : json_is_true(sa)) {
			add_norm(v, TOK_NORM_NFD);
			add_norm(v, TOK_NORM_BERT_STRIP_ACCENTS);
		}
		if (lower)
			add_norm(v, TOK_NORM_LOWERCASE);
		return 0;
	}
	if (!strcmp(type, "Prepend")) {
		const char *p = json_string_value(json_object_get(n, "prepend"));
		if (!p)
			return unsupported_at(unsupported, err, file, "normalizer", "Prepend without prepend", jpath);
		add_norm(v, TOK_NORM_PREPEND)->a = xstrdup(p);
		return 0;
	}
	return unsupported_at(unsupported, err, file, "normalizer", type, jpath);
}

/* ---- pre-tokenizers ---- */

static const char *const split_behaviors[] = {
	[TOK_SPLIT_ISOLATED] = "Isolated", [TOK_SPLIT_MATCHES] = NULL, [TOK_SPLIT_GAPS] = "Removed",
	[TOK_SPLIT_MERGED_PREV] = "MergedWithPrevious", [TOK_SPLIT_MERGED_NEXT] = "MergedWithNext",
	[TOK_SPLIT_CONTIGUOUS] = "Contiguous",
};

static int behavior_of(const char *name)
{
	for (int i = 0; i < (int)(sizeof(split_behaviors) / sizeof(split_behaviors[0])); i++)
		if (split_behaviors[i] && name && !strcmp(name, split_behaviors[i]))
			return i;
	return -1;
}

static void add_split(struct tok_vocab *v, const char *pattern, int mode, int invert)
{
	/* Removed with invert keeps the matches only: tiktoken's way, with its fast path. */
	if (mode == TOK_SPLIT_GAPS && invert) {
		mode = TOK_SPLIT_MATCHES;
		invert = 0;
	}
	tok_vocab_add_step(v, TOK_STEP_SPLIT, pattern, mode);
	v->steps[v->n_steps - 1].invert = invert;
}

static int pre_split(struct tok_vocab *v, json_t *pt, const char *jpath, const char *file,
		     struct buf *err, int *unsupported)
{
	struct buf pat = BUF_INIT;
	const char *behavior = json_string_value(json_object_get(pt, "behavior"));
	int mode = behavior_of(behavior);
	if (pattern_of(json_object_get(pt, "pattern"), &pat) < 0) {
		buf_release(&pat);
		return unsupported_at(unsupported, err, file, "pre_tokenizer",
				      "Split pattern that is neither Regex nor String", jpath);
	}
	if (mode < 0) {
		buf_release(&pat);
		buf_addf(err, "%s: unsupported: Split behavior %s at %s", file,
			 behavior ? behavior : "(missing)", jpath);
		*unsupported = 1;
		return -1;
	}
	add_split(v, pat.data, mode, json_is_true(json_object_get(pt, "invert")));
	buf_release(&pat);
	return 0;
}

/* Pre-tokenizers that are a fixed regex split. Rust's char classes: is_whitespace =
 * White_Space (our \s), is_numeric = N, \w = Alphabetic (which has circled letters and
 * the like beyond L and Nl), marks, Nd, Pc, Join_Control. */
#define W_CLASS "\\p{Alphabetic}\\p{L}\\p{Nl}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}"
#define PUNCT_CLASS "\\p{P}!-/:-@\\[-`{-~"
static int pre_fixed(struct tok_vocab *v, const char *type, json_t *pt)
{
	if (!strcmp(type, "Whitespace"))
		add_split(v, "[" W_CLASS "]+|[^" W_CLASS "\\s]+", TOK_SPLIT_MATCHES, 0);
	else if (!strcmp(type, "WhitespaceSplit"))
		add_split(v, "\\s+", TOK_SPLIT_GAPS, 0);
	else if (!strcmp(type, "Punctuation")) {
		int mode = behavior_of(json_string_value(json_object_get(pt, "behavior")));
		add_split(v, "[" PUNCT_CLASS "]", mode < 0 ? TOK_SPLIT_ISOLATED : mode, 0);
	} else if (!strcmp(type, "Digits"))
		add_split(v, "\\p{N}", json_is_true(json_object_get(pt, "individual_digits"))
			  ? TOK_SPLIT_ISOLATED : TOK_SPLIT_CONTIGUOUS, 0);
	else if (!strcmp(type, "BertPreTokenizer")) {
		add_split(v, "\\s+", TOK_SPLIT_GAPS, 0);
		add_split(v, "[" PUNCT_CLASS "]", TOK_SPLIT_ISOLATED, 0);
	} else
		return -1;
	return 0;
}

/*
 * Metaspace's replacement and prepend_scheme as tokenizers reads them (pre-tokenizer and
 * decoder alike): a missing prepend_scheme is "always"; the legacy add_prefix_space false
 * needs prepend_scheme "never" given with it (tokenizers 0.23 refuses it alone). Returns the TOK_PREPEND_* scheme, or -1 with
 * err set (a file tokenizers refuses).
 */
static int metaspace_of(json_t *m, const char *jpath, const char *file, const char **rep,
			struct buf *err)
{
	static const char *const schemes[] = { [TOK_PREPEND_ALWAYS] = "always",
		[TOK_PREPEND_FIRST] = "first", [TOK_PREPEND_NEVER] = "never" };
	*rep = json_string_value(json_object_get(m, "replacement"));
	if (!*rep || !**rep || utf8_valid_prefix(*rep, strlen(*rep)) != strlen(*rep) ||
	    utf8_lead_len((unsigned char)**rep) != strlen(*rep)) {
		buf_addf(err, "%s: %s.replacement: Metaspace needs one character", file, jpath);
		return -1;
	}
	json_t *ps = json_object_get(m, "prepend_scheme");
	int scheme = -1;
	if (!ps)
		scheme = TOK_PREPEND_ALWAYS;
	for (int i = 0; i < 3 && json_is_string(ps); i++)
		if (!strcmp(json_string_value(ps), schemes[i]))
			scheme = i;
	if (scheme < 0) {
		buf_addf(err, "%s: %s.prepend_scheme: Metaspace prepend_scheme is first, always or never", file, jpath);
		return -1;
	}
	if (json_is_false(json_object_get(m, "add_prefix_space"))) {
		if (scheme != TOK_PREPEND_NEVER) {
			buf_addf(err, "%s: %s: Metaspace add_prefix_space false does not match prepend_scheme %s",
				 file, jpath, ps ? json_string_value(ps) : "always (the default)");
			return -1;
		}
		scheme = TOK_PREPEND_NEVER;
	}
	return scheme;
}

static int pre_metaspace(struct tok_vocab *v, json_t *pt, const char *jpath, const char *file,
			 struct buf *err)
{
	const char *rep;
	int scheme = metaspace_of(pt, jpath, file, &rep, err);
	if (scheme < 0)
		return -1;
	json_t *split = json_object_get(pt, "split");
	tok_vocab_add_step(v, TOK_STEP_METASPACE, rep, scheme);
	v->steps[v->n_steps - 1].split = !split || json_is_true(split);
	return 0;
}

static int pre_one(struct tok_vocab *v, json_t *pt, const char *jpath, const char *file,
		   struct buf *err, int *unsupported)
{
	const char *type = json_string_value(json_object_get(pt, "type"));
	if (!type)
		return unsupported_at(unsupported, err, file, "pre_tokenizer", NULL, jpath);
	if (v->byte_level)
		return unsupported_at(unsupported, err, file, "pre_tokenizer after ByteLevel:", type, jpath);
	if (!strcmp(type, "Sequence")) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(pt, "pretokenizers"), i, x) {
			char sub[256];
			snprintf(sub, sizeof(sub), "%s.pretokenizers[%zu]", jpath, i);
			if (pre_one(v, x, sub, file, err, unsupported))
				return -1;
		}
		return 0;
	}
	if (!strcmp(type, "ByteLevel")) {
		json_t *ur = json_object_get(pt, "use_regex");
		v->byte_level = 1;
		if (json_is_true(json_object_get(pt, "add_prefix_space")))
			tok_vocab_add_step(v, TOK_STEP_PREFIX_SPACE, NULL, 0);
		if (!ur || json_is_true(ur))
			tok_vocab_add_step(v, TOK_STEP_SPLIT, tok_pattern_gpt2, TOK_SPLIT_ISOLATED);
		return 0;
	}
	if (!strcmp(type, "Split"))
		return pre_split(v, pt, jpath, file, err, unsupported);
	if (!strcmp(type, "Metaspace"))
		return pre_metaspace(v, pt, jpath, file, err);
	if (!strcmp(type, "FixedLength")) {
		json_t *l = json_object_get(pt, "length");
		if (l && (!json_is_integer(l) || json_integer_value(l) <= 0))
			/* tokenizers panics on a length of 0 when text comes */
			return unsupported_at(unsupported, err, file, "pre_tokenizer", "FixedLength of length 0", jpath);
		json_int_t n = l ? json_integer_value(l) : 5;
		tok_vocab_add_step(v, TOK_STEP_FIXED, NULL, n > 0x7FFFFFFF ? 0x7FFFFFFF : (int)n);
		return 0;
	}
	if (!strcmp(type, "UnicodeScripts")) {
		tok_vocab_add_step(v, TOK_STEP_SCRIPTS, NULL, 0);
		return 0;
	}
	if (!strcmp(type, "CharDelimiterSplit")) {
		const char *d = json_string_value(json_object_get(pt, "delimiter"));
		struct buf pat = BUF_INIT;
		json_t *lit = json_pack("{s:s}", "String", d ? d : "");
		pattern_of(lit, &pat);
		json_decref(lit);
		if (!d || !*d) {
			buf_release(&pat);
			return unsupported_at(unsupported, err, file, "pre_tokenizer", "CharDelimiterSplit without delimiter", jpath);
		}
		add_split(v, pat.data, TOK_SPLIT_GAPS, 0);
		buf_release(&pat);
		return 0;
	}
	if (!pre_fixed(v, type, pt))
		return 0;
	return unsupported_at(unsupported, err, file, "pre_tokenizer", type, jpath);
}

int tok_hf_pre_tokenizer(struct tok_vocab *v, json_t *pt, const char *file, struct buf *err,
			 int *unsupported)
{
	if (!pt || json_is_null(pt))
		return 0;
	return pre_one(v, pt, "pre_tokenizer", file, err, unsupported);
}

/* ---- post-processors (--add-special) ---- */

static void ids_append(uint32_t **dst, size_t *n, const uint32_t *src, size_t k, int front)
{
	if (!k)
		return;
	*dst = xrealloc(*dst, (*n + k + 1) * sizeof(uint32_t));
	if (front) {
		memmove(*dst + k, *dst, *n * sizeof(uint32_t));
		memcpy(*dst, src, k * sizeof(uint32_t));
	} else {
		memcpy(*dst + *n, src, k * sizeof(uint32_t));
	}
	*n += k;
}

static void set_post_unsupported(struct tok_vocab *v, const char *what, const char *jpath)
{
	if (v->post_unsupported)
		return;
	struct buf b = BUF_INIT;
	buf_addf(&b, "post_processor %s at %s", what, jpath);
	v->post_unsupported = buf_detach(&b, NULL);
}

/* TemplateProcessing "single": the special tokens' ids before and after $A. */
static void post_template(struct tok_vocab *v, json_t *pp, const char *jpath, uint32_t **bos,
			  size_t *nb, uint32_t **eos, size_t *ne)
{
	json_t *single = json_object_get(pp, "single"), *specials = json_object_get(pp, "special_tokens");
	int seen_a = 0;
	size_t i;
	json_t *item;
	json_array_foreach(single, i, item) {
		json_t *seq = json_object_get(item, "Sequence"), *sp = json_object_get(item, "SpecialToken");
		if (seq) {
			const char *id = json_string_value(json_object_get(seq, "id"));
			if (!id || strcmp(id, "A") || seen_a)
				set_post_unsupported(v, "TemplateProcessing single template without one $A", jpath);
			seen_a = 1;
			continue;
		}
		json_t *ids = json_object_get(json_object_get(specials, json_string_value(json_object_get(sp, "id"))), "ids");
		if (!json_is_array(ids)) {
			set_post_unsupported(v, "TemplateProcessing special token without ids", jpath);
			return;
		}
		size_t k;
		json_t *x;
		json_array_foreach(ids, k, x) {
			uint32_t id = (uint32_t)json_integer_value(x);
			if (!json_is_integer(x) || json_integer_value(x) < 0 || id >= v->n_ids)
				set_post_unsupported(v, "TemplateProcessing special token id outside the vocabulary", jpath);
			ids_append(seen_a ? eos : bos, seen_a ? ne : nb, &id, 1, 0);
		}
	}
	if (!seen_a)
		set_post_unsupported(v, "TemplateProcessing single template without $A", jpath);
}

static void post_one(struct tok_vocab *v, json_t *pp, const char *jpath)
{
	const char *type = json_string_value(json_object_get(pp, "type"));
	uint32_t *bos = NULL, *eos = NULL;
	size_t nb = 0, ne = 0;
	if (!type) {
		set_post_unsupported(v, "(untyped)", jpath);
	} else if (!strcmp(type, "Sequence")) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(pp, "processors"), i, x) {
			char sub[256];
			snprintf(sub, sizeof(sub), "%s.processors[%zu]", jpath, i);
			post_one(v, x, sub);
		}
	} else if (!strcmp(type, "ByteLevel")) {
		/* trims offsets only; ids unchanged */
	} else if (!strcmp(type, "TemplateProcessing")) {
		post_template(v, pp, jpath, &bos, &nb, &eos, &ne);
	} else if (!strcmp(type, "RobertaProcessing") || !strcmp(type, "BertProcessing")) {
		json_t *cls = json_array_get(json_object_get(pp, "cls"), 1);
		json_t *sep = json_array_get(json_object_get(pp, "sep"), 1);
		if (!json_is_integer(cls) || !json_is_integer(sep)) {
			set_post_unsupported(v, "cls/sep without ids", jpath);
		} else {
			uint32_t c = (uint32_t)json_integer_value(cls), s = (uint32_t)json_integer_value(sep);
			ids_append(&bos, &nb, &c, 1, 0);
			ids_append(&eos, &ne, &s, 1, 0);
		}
	} else {
		set_post_unsupported(v, type, jpath);
	}
	/* A later processor wraps what the earlier ones produced. */
	ids_append(&v->bos_ids, &v->n_bos, bos, nb, 1);
	ids_append(&v->eos_ids, &v->n_eos, eos, ne, 0);
	free(bos);
	free(eos);
}

void tok_hf_post_processor(struct tok_vocab *v, json_t *pp)
{
	if (pp && !json_is_null(pp))
		post_one(v, pp, "post_processor");
}

/* ---- decoders (--decode) ---- */

static struct tok_dec *add_dec(struct tok_vocab *v, enum tok_dec_kind kind)
{
	v->decs = xrealloc(v->decs, (v->n_decs + 1) * sizeof(*v->decs));
	struct tok_dec *d = &v->decs[v->n_decs++];
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	return d;
}

static void set_dec_unsupported(struct tok_vocab *v, const char *what, const char *jpath)
{
	if (v->dec_unsupported)
		return;
	struct buf b = BUF_INIT;
	buf_addf(&b, "decoder %s at %s", what, jpath);
	v->dec_unsupported = buf_detach(&b, NULL);
}

static void dec_one(struct tok_vocab *v, json_t *d, const char *jpath)
{
	const char *type = json_string_value(json_object_get(d, "type"));
	if (!type) {
		set_dec_unsupported(v, "(untyped)", jpath);
	} else if (!strcmp(type, "Sequence")) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(d, "decoders"), i, x) {
			char sub[256];
			snprintf(sub, sizeof(sub), "%s.decoders[%zu]", jpath, i);
			dec_one(v, x, sub);
		}
	} else if (!strcmp(type, "ByteLevel")) {
		add_dec(v, v->byte_level ? TOK_DEC_BYTELEVEL : TOK_DEC_BYTELEVEL_CHARS);
	} else if (!strcmp(type, "Replace")) {
		const char *lit = json_string_value(json_object_get(json_object_get(d, "pattern"), "String"));
		const char *content = json_string_value(json_object_get(d, "content"));
		if (!lit || !*lit || !content) {
			set_dec_unsupported(v, "Replace other than of a non-empty string", jpath);
			return;
		}
		struct tok_dec *t = add_dec(v, TOK_DEC_REPLACE);
		t->a = xstrdup(lit);
		t->b = xstrdup(content);
	} else if (!strcmp(type, "Metaspace")) {
		const char *rep;
		struct buf e = BUF_INIT;
		int scheme = metaspace_of(d, jpath, "tokenizer.json", &rep, &e);
		buf_release(&e);
		if (scheme < 0) {
			set_dec_unsupported(v, "Metaspace with a bad replacement or prepend_scheme", jpath);
			return;
		}
		struct tok_dec *t = add_dec(v, TOK_DEC_METASPACE);
		t->a = xstrdup(rep);
		t->left = scheme != TOK_PREPEND_NEVER;
	} else if (!strcmp(type, "WordPiece")) {
		json_t *pre = json_object_get(d, "prefix"), *cleanup = json_object_get(d, "cleanup");
		struct tok_dec *t = add_dec(v, TOK_DEC_WORDPIECE);
		t->a = xstrdup(pre ? (json_string_value(pre) ? json_string_value(pre) : "") : "##");
		t->left = !cleanup || json_is_true(cleanup);
	} else if (!strcmp(type, "BPEDecoder")) {
		const char *suffix = json_string_value(json_object_get(d, "suffix"));
		if (!suffix || !*suffix) { /* tokenizers requires the field */
			set_dec_unsupported(v, "BPEDecoder without a suffix", jpath);
			return;
		}
		add_dec(v, TOK_DEC_BPE)->a = xstrdup(suffix);
	} else if (!strcmp(type, "CTC")) {
		const char *pad = json_string_value(json_object_get(d, "pad_token"));
		const char *delim = json_string_value(json_object_get(d, "word_delimiter_token"));
		json_t *cleanup = json_object_get(d, "cleanup");
		if (!pad || !*pad || !delim || !*delim || !json_is_boolean(cleanup)) {
			set_dec_unsupported(v, "CTC without pad_token, word_delimiter_token and cleanup", jpath);
			return;
		}
		struct tok_dec *t = add_dec(v, TOK_DEC_CTC);
		t->a = xstrdup(pad);
		t->b = xstrdup(delim);
		t->left = json_is_true(cleanup);
	} else if (!strcmp(type, "ByteFallback")) {
		add_dec(v, TOK_DEC_BYTEFALLBACK);
	} else if (!strcmp(type, "Fuse")) {
		add_dec(v, TOK_DEC_FUSE);
	} else if (!strcmp(type, "Strip")) {
		const char *c = json_string_value(json_object_get(d, "content"));
		if (!c || !*c) {
			set_dec_unsupported(v, "Strip without content", jpath);
			return;
		}
		struct tok_dec *t = add_dec(v, TOK_DEC_STRIP);
		t->a = xstrdup(c);
		t->left = (int)json_integer_value(json_object_get(d, "start"));
		t->right = (int)json_integer_value(json_object_get(d, "stop"));
	} else {
		set_dec_unsupported(v, type, jpath);
	}
}

void tok_hf_decoder(struct tok_vocab *v, json_t *d)
{
	if (d && !json_is_null(d))
		dec_one(v, d, "decoder");
}

void tok_hf_check_specials(struct tok_vocab *v)
{
	/* Over a byte-level vocabulary grist keeps token bytes, not their GPT-2 spelling, so
	 * only the ByteLevel decoder (which maps the spelling back to bytes) applies. */
	for (size_t i = 0; i < v->n_decs && v->byte_level; i++)
		if (v->decs[i].kind != TOK_DEC_BYTELEVEL)
			set_dec_unsupported(v, "other than ByteLevel over a byte-level vocabulary", "decoder");
}
