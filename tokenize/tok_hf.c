/*
 * HuggingFace tokenizer.json: the model (BPE; byte-level over GPT-2's alphabet when the
 * pre-tokenizer has ByteLevel, else over characters with byte fallback and an unknown token,
 * as SentencePiece-converted files are; WordPiece; WordLevel; Unigram), the added tokens and the
 * merges. The normalizer,
 * pre-tokenizer, post-processor and decoder are read by tok_hf_pipeline.c. What tokenizers
 * would do and grist does not is refused with "unsupported: WHAT at JSON.PATH".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lib/xalloc.h"
#include "tokenize/tok_hf.h"
#include "tokenize/tok_norm.h"
#include "tokenize/tok_special.h"

/* HF gives an added token the id of the same string in the model's vocab, else the next id
 * after the vocab and the added tokens so far, whatever the file says; refuse a file whose ids
 * it would not honour. */
static int add_added_tokens(struct tok_builder *b, json_t *root, json_t *vocab, struct buf *err,
			    int *unsupported)
{
	json_t *added = json_object_get(root, "added_tokens");
	size_t i, n_new = 0;
	json_t *at;
	json_array_foreach(added, i, at) {
		const char *content = json_string_value(json_object_get(at, "content"));
		json_t *id = json_object_get(at, "id");
		if (!content || !json_is_integer(id) || json_integer_value(id) < 0 ||
		    json_integer_value(id) >= (json_int_t)TOK_NONE) {
			buf_addf(err, "%s: added_tokens[%zu]: needs content and a non-negative id", b->file, i);
			return -1;
		}
		json_int_t limit = 2 * (json_int_t)(json_object_size(vocab) + json_array_size(added)) + 1024;
		if (json_integer_value(id) >= limit) {
			buf_addf(err, "%s: added_tokens[%zu] '%s' has id %lld, beyond 2 x %zu entries + 1024 "
				      "(ids must be nearly dense)", b->file, i, content,
				 (long long)json_integer_value(id), json_object_size(vocab) + json_array_size(added));
			return -1;
		}
		json_int_t want = json_is_integer(json_object_get(vocab, content))
				  ? json_integer_value(json_object_get(vocab, content))
				  : (json_int_t)(json_object_size(vocab) + n_new++);
		if (want != json_integer_value(id)) {
			buf_addf(err, "%s: unsupported: added_tokens[%zu] '%s' has id %lld, but HuggingFace "
				      "tokenizers assigns it %lld (added ids must follow the vocab without gaps)",
				 b->file, i, content, (long long)json_integer_value(id), (long long)want);
			*unsupported = 1;
			return -1;
		}
		tok_builder_add(b, content, strlen(content), (uint32_t)json_integer_value(id), TOK_ENTRY_ADDED);
	}
	return 0;
}

/* The matching flags of each added token, onto v->specials (built in id order). */
static void added_flags(struct tok_vocab *v, json_t *root)
{
	size_t i;
	json_t *at;
	json_array_foreach(json_object_get(root, "added_tokens"), i, at) {
		uint32_t id = (uint32_t)json_integer_value(json_object_get(at, "id"));
		for (size_t k = 0; k < v->n_specials; k++) {
			struct tok_special *s = &v->specials[k];
			if (s->id != id)
				continue;
			s->lstrip = json_is_true(json_object_get(at, "lstrip"));
			s->rstrip = json_is_true(json_object_get(at, "rstrip"));
			s->single_word = json_is_true(json_object_get(at, "single_word"));
			s->normalized = json_is_true(json_object_get(at, "normalized"));
			break;
		}
	}
}

static int read_merges(struct tok_vocab *v, json_t *model, json_t *vocab, const char *path,
		       const char *prefix, struct buf *err, int *unsupported)
{
	struct buf tmp = BUF_INIT, where = BUF_INIT;
	json_t *merges = json_object_get(model, "merges");
	json_t *m;
	size_t i;
	int rc = -1;
	tok_pairmap_init(&v->pairs, json_array_size(merges));
	json_array_foreach(merges, i, m) {
		buf_reset(&where);
		buf_addf(&where, "model.merges[%zu]", i);
		const char *a = NULL, *bb = NULL;
		char *split = NULL;
		if (json_is_string(m)) {
			split = xstrdup(json_string_value(m));
			char *sp = strchr(split, ' ');
			if (sp && !strchr(sp + 1, ' ')) {
				*sp = '\0';
				a = split;
				bb = sp + 1;
			}
		} else if (json_is_array(m) && json_array_size(m) == 2) {
			a = json_string_value(json_array_get(m, 0));
			bb = json_string_value(json_array_get(m, 1));
		}
		if (!a || !bb) {
			free(split);
			buf_addf(err, "%s: %s: a merge is \"a b\" or [\"a\", \"b\"]", path, where.data);
			goto out;
		}
		if (prefix && strncmp(bb, prefix, strlen(prefix))) {
			/* tokenizers cuts prefix-length bytes off it all the same */
			buf_addf(err, "%s: unsupported: a merge whose right token '%s' does not start with "
				      "continuing_subword_prefix '%s' at %s", path, bb, prefix, where.data);
			free(split);
			*unsupported = 1;
			goto out;
		}
		int bad = tok_add_merge(v, vocab, a, bb, (uint32_t)i, path, where.data, prefix, &tmp, err);
		free(split);
		if (bad)
			goto out;
	}
	rc = 0;
out:
	buf_release(&tmp);
	buf_release(&where);
	return rc;
}

/* BPE options tokenizers has and grist refuses, and the fallback / unknown token ids. */
static int bpe_options(struct tok_vocab *v, json_t *model, json_t *vocab, const char *path,
		       struct buf *err, int *unsupported)
{
	json_t *dropout = json_object_get(model, "dropout");
	if (dropout && !json_is_null(dropout) && json_number_value(dropout) != 0.0)
		return tok_unsupported(unsupported, err, path, "BPE dropout at model.dropout", NULL);
	static const char *const affixes[] = { "continuing_subword_prefix", "end_of_word_suffix" };
	const char *affix[2];
	for (int i = 0; i < 2; i++) {
		affix[i] = json_string_value(json_object_get(model, affixes[i]));
		if (affix[i] && *affix[i] && v->byte_level) {
			buf_addf(err, "%s: unsupported: BPE %s '%s' with a ByteLevel pre_tokenizer at model.%s",
				 path, affixes[i], affix[i], affixes[i]);
			*unsupported = 1;
			return -1;
		}
	}
	if (affix[0] && *affix[0]) {
		v->wp_prefix = xstrdup(affix[0]);
		v->wp_prefix_len = strlen(affix[0]);
	}
	if (affix[1] && *affix[1]) {
		v->eow_suffix = xstrdup(affix[1]);
		v->eow_suffix_len = strlen(affix[1]);
	}
	v->byte_fallback = json_is_true(json_object_get(model, "byte_fallback"));
	int all_bytes = 1;
	for (unsigned c = 0; c < 256; c++) {
		char name[8];
		snprintf(name, sizeof(name), "<0x%02X>", c);
		json_t *id = json_object_get(vocab, name);
		v->fallback_id[c] = json_is_integer(id) ? (uint32_t)json_integer_value(id) : TOK_NONE;
		all_bytes &= json_is_integer(id);
	}
	const char *unk = json_string_value(json_object_get(model, "unk_token"));
	if (unk) {
		json_t *id = json_object_get(vocab, unk);
		if (!json_is_integer(id)) {
			buf_addf(err, "%s: model.unk_token '%s' is not in the vocabulary", path, unk);
			return -1;
		}
		v->unk_id = (uint32_t)json_integer_value(id);
	}
	v->fuse_unk = json_is_true(json_object_get(model, "fuse_unk"));
	v->whole_piece = json_is_true(json_object_get(model, "ignore_merges"));
	/* Affixes, or an unknown token that byte-fallback characters can follow (tokenizers puts
	 * it after them), take tok_hf_bpe.c's path. */
	v->hf_word = !v->byte_level && (v->wp_prefix || v->eow_suffix ||
					(v->byte_fallback && !all_bytes && v->unk_id != TOK_NONE));
	return 0;
}

/* model.unk_token's id; tokenizers fails on the first word it needs when it is missing, so
 * grist refuses the file. */
static int unk_of(struct tok_vocab *v, json_t *model, json_t *vocab, const char *dflt,
		  const char *path, struct buf *err, int *unsupported)
{
	json_t *u = json_object_get(model, "unk_token");
	const char *unk = u ? json_string_value(u) : dflt;
	json_t *id = unk ? json_object_get(vocab, unk) : NULL;
	if (!json_is_integer(id)) {
		buf_addf(err, "%s: unsupported: model.unk_token '%s' is not in model.vocab at "
			      "model.unk_token (tokenizers fails on the first unknown word)",
			 path, unk ? unk : "(none)");
		*unsupported = 1;
		return -1;
	}
	v->unk_id = (uint32_t)json_integer_value(id);
	return 0;
}

/* WordPiece and WordLevel: a vocab, an unknown token, no merges. */
static int word_options(struct tok_vocab *v, json_t *model, json_t *vocab, const char *type,
			const char *path, struct buf *err, int *unsupported)
{
	if (v->byte_level) {
		buf_addf(err, "%s: unsupported: model.type %s with a ByteLevel pre_tokenizer at model", path, type);
		*unsupported = 1;
		return -1;
	}
	if (!strcmp(type, "WordLevel")) {
		v->model = TOK_MODEL_WORDLEVEL;
		return unk_of(v, model, vocab, "<unk>", path, err, unsupported);
	}
	v->model = TOK_MODEL_WORDPIECE;
	json_t *pre = json_object_get(model, "continuing_subword_prefix");
	json_t *max = json_object_get(model, "max_input_chars_per_word");
	v->wp_prefix = xstrdup(pre ? (json_string_value(pre) ? json_string_value(pre) : "") : "##");
	v->wp_prefix_len = strlen(v->wp_prefix);
	v->wp_max_chars = 100;
	if (max) {
		if (!json_is_integer(max) || json_integer_value(max) < 0) {
			buf_addf(err, "%s: model.max_input_chars_per_word: not a non-negative integer", path);
			return -1;
		}
		v->wp_max_chars = (uint64_t)json_integer_value(max);
	}
	return unk_of(v, model, vocab, "[UNK]", path, err, unsupported);
}

/*
 * A score as tokenizers reads it: serde_json without float_roundtrip takes the decimal digits
 * as an integer, converts it to double, then multiplies or divides once by an exact power of
 * ten (two roundings, so 1 ulp off strtod at times, which flips Viterbi ties). The number's text
 * is taken to be the shortest form that reads back as x (what serde_json and Python write).
 */
static double serde_number(double x)
{
	char s[48];
	if (x == 0 || x != x || x - x != 0)
		return x;
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*e", prec - 1, x);
		if (strtod(s, NULL) == x)
			break;
	}
	const char *p = s + (*s == '-');
	uint64_t sig = 0;
	int digits = 0;
	for (; *p && *p != 'e'; p++) {
		if (*p >= '0' && *p <= '9') {
			sig = sig * 10 + (uint64_t)(*p - '0');
			digits++;
		}
	}
	int ex = atoi(p + 1) - (digits - 1);
	double f = (double)sig;
	char pw[16];
	if (ex >= 0) {
		snprintf(pw, sizeof(pw), "1e%d", ex);
		f *= strtod(pw, NULL);
	} else {
		if (ex < -308) {
			f /= 1e308;
			ex += 308;
		}
		snprintf(pw, sizeof(pw), "1e%d", -ex);
		f /= strtod(pw, NULL);
	}
	return *s == '-' ? -f : f;
}

/*
 * Unigram: model.vocab is [[piece, score], ...] (id = index), turned into the {piece: id}
 * object the rest of the loader reads (*obj, owned by the caller); unk_id, byte_fallback.
 */
static int unigram_options(struct tok_vocab *v, json_t *model, json_t **obj, const char *path,
			   struct buf *err, int *unsupported)
{
	json_t *arr = json_object_get(model, "vocab"), *e;
	size_t i;
	if (v->byte_level) {
		buf_addf(err, "%s: unsupported: model.type Unigram with a ByteLevel pre_tokenizer at model", path);
		*unsupported = 1;
		return -1;
	}
	if (!json_is_array(arr)) {
		buf_addf(err, "%s: model.vocab: Unigram needs an array of [piece, score]", path);
		return -1;
	}
	v->model = TOK_MODEL_UNIGRAM;
	*obj = json_object();
	v->uni_score = xcalloc(json_array_size(arr) + 1, sizeof(double));
	v->uni_min = 0;
	json_array_foreach(arr, i, e) {
		const char *piece = json_string_value(json_array_get(e, 0));
		json_t *score = json_array_get(e, 1);
		if (!piece || !json_is_number(score) || json_object_get(*obj, piece)) {
			buf_addf(err, "%s: model.vocab[%zu]: %s", path, i,
				 piece && json_is_number(score) ? "piece given twice" : "not [piece, score]");
			return -1;
		}
		json_object_set_new(*obj, piece, json_integer((json_int_t)i));
		v->uni_score[i] = serde_number(json_number_value(score));
		if (!i || v->uni_score[i] < v->uni_min)
			v->uni_min = v->uni_score[i];
		if (strlen(piece) > v->uni_max_len)
			v->uni_max_len = strlen(piece);
	}
	json_t *unk = json_object_get(model, "unk_id");
	if (!json_is_integer(unk) || json_integer_value(unk) < 0 ||
	    (size_t)json_integer_value(unk) >= json_array_size(arr)) {
		buf_addf(err, "%s: unsupported: Unigram without an unk_id in the vocabulary at model.unk_id "
			      "(tokenizers fails on the first unknown character)", path);
		*unsupported = 1;
		return -1;
	}
	v->unk_id = (uint32_t)json_integer_value(unk);
	v->byte_fallback = json_is_true(json_object_get(model, "byte_fallback"));
	for (unsigned c = 0; c < 256; c++) {
		char name[8];
		snprintf(name, sizeof(name), "<0x%02X>", c);
		json_t *id = json_object_get(*obj, name);
		v->fallback_id[c] = json_is_integer(id) ? (uint32_t)json_integer_value(id) : TOK_NONE;
	}
	return 0;
}

/*
 * Added tokens with normalized=true are matched in normalized text by their normalized form, and
 * decoded as it (tokenizers' normalized_cache): "[MASK]" under Lowercase matches "[mask]". Two
 * of them with one normalized form are refused: which one tokenizers picks depends on a hash
 * map's order.
 */
static int normalize_added(struct tok_vocab *v, const char *path, struct buf *err, int *unsupported)
{
	struct tok_normalizer n;
	struct buf out = BUF_INIT, tmp = BUF_INIT;
	int rc = 0;
	if (!v->n_norms || !tok_special_any(v, 1))
		return 0;
	if (tok_norm_init(&n, v, err))
		return -1;
	for (size_t k = 0; k < v->n_specials && !rc; k++) {
		struct tok_special *s = &v->specials[k];
		if (!s->normalized)
			continue;
		if ((rc = tok_norm_apply(&n, s->text, s->len, &out, &tmp, err)))
			break;
		if (out.len != s->len || memcmp(out.data, s->text, s->len)) {
			s->match_len = (uint32_t)out.len;
			s->match = buf_detach(&out, NULL);
			v->special_match = 1;
		}
	}
	for (size_t k = 0; k < v->n_specials && !rc && v->special_match; k++) {
		const struct tok_special *a = &v->specials[k];
		const char *at = a->match ? a->match : a->text;
		uint32_t al = a->match ? a->match_len : a->len;
		for (size_t j = k + 1; j < v->n_specials && a->normalized; j++) {
			const struct tok_special *b = &v->specials[j];
			uint32_t bl = b->match ? b->match_len : b->len;
			if (!b->normalized || (!a->match && !b->match) || bl != al ||
			    memcmp(b->match ? b->match : b->text, at, al))
				continue;
			buf_addf(err, "%s: unsupported: added tokens '%s' and '%s' both normalize to '%s' "
				      "(tokenizers would match one of them, by hash order) at added_tokens",
				 path, a->text, b->text, at);
			*unsupported = 1;
			rc = -1;
			break;
		}
	}
	tok_norm_free(&n);
	buf_release(&out);
	buf_release(&tmp);
	return rc;
}

static int load_model(struct tok_vocab *v, json_t *root, const char *path, struct buf *err,
		      int *unsupported)
{
	struct tok_builder b = { BUF_INIT, NULL, 0, 0, path, v->byte_level };
	json_t *model = json_object_get(root, "model");
	int rc = -1;
	const char *type = json_string_value(json_object_get(model, "type"));
	json_t *vocab = json_object_get(model, "vocab"), *uni = NULL;
	int bpe = !type || !strcmp(type, "BPE");
	if (type && !strcmp(type, "Unigram")) {
		if (unigram_options(v, model, &uni, path, err, unsupported))
			goto out;
		vocab = uni;
	} else if (!bpe && strcmp(type, "WordPiece") && strcmp(type, "WordLevel")) {
		buf_addf(err, "%s: unsupported: model.type %s at model", path, type);
		*unsupported = 1;
		goto out;
	}
	if (!json_is_object(vocab) || (bpe && !json_is_array(json_object_get(model, "merges")))) {
		buf_addf(err, "%s: model has no %s", path,
			 !json_is_object(vocab) ? "vocab object" : "merges array");
		goto out;
	}
	if (bpe ? bpe_options(v, model, vocab, path, err, unsupported)
		: !uni && word_options(v, model, vocab, type, path, err, unsupported))
		goto out;
	if (tok_add_json_vocab(&b, vocab, v->byte_level, err) ||
	    add_added_tokens(&b, root, vocab, err, unsupported) ||
	    tok_build_tables(v, &b, err, unsupported))
		goto out;
	added_flags(v, root);
	if (normalize_added(v, path, err, unsupported))
		goto out;
	if (!bpe)
		tok_pairmap_init(&v->pairs, 0);
	else if (read_merges(v, model, vocab, path, v->wp_prefix, err, unsupported))
		goto out;
	rc = 0;
out:
	json_decref(uni);
	tok_builder_release(&b);
	return rc;
}

int tok_load_hf(struct tok_vocab *v, const char *path, const char *data, size_t len,
		struct buf *err, int *unsupported)
{
	json_error_t je;
	int rc = -1;
	v->file_hash = XXH3_64bits(data, len);
	json_t *root = json_loadb(data, len, JSON_ALLOW_NUL, &je);
	if (!root) {
		buf_addf(err, "%s:%d: invalid JSON: %s", path, je.line, je.text);
		return -1;
	}
	if (!json_is_object(json_object_get(root, "model"))) {
		buf_addf(err, "%s: missing model: not a tokenizer file (expected a HuggingFace "
			      "tokenizer.json, whose \"model\" object holds the vocabulary)", path);
		goto out;
	}
	if (tok_hf_normalizer(v, json_object_get(root, "normalizer"), "normalizer", path, err, unsupported) ||
	    tok_hf_pre_tokenizer(v, json_object_get(root, "pre_tokenizer"), path, err, unsupported) ||
	    load_model(v, root, path, err, unsupported))
		goto out;
	tok_hf_post_processor(v, json_object_get(root, "post_processor"));
	tok_hf_decoder(v, json_object_get(root, "decoder"));
	tok_hf_check_specials(v);
	v->format = TOK_FMT_HF;
	const char *slash = strrchr(path, '/');
	v->name = xstrdup(slash ? slash + 1 : path);
	rc = 0;
out:
	json_decref(root);
	return rc;
}
