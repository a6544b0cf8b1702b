/* BPE encoding and decoding (see tok_bpe.h). */
#include "tokenize/tok_bpe.h"

#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/tok_bpe_merge.h"
#include "tokenize/tok_cache.h"
#include "tokenize/tok_hf.h"
#include "tokenize/tok_special.h"

#define STACK_SYMS 192 /* symbols of a piece held on the stack */

void tok_ids_push(struct tok_ids *ids, uint32_t id)
{
	ALLOC_GROW(ids->v, ids->n + 1, ids->alloc);
	ids->v[ids->n++] = id;
}

void tok_ids_release(struct tok_ids *ids)
{
	free(ids->v);
	memset(ids, 0, sizeof(*ids));
}

struct tok_state {
	const struct tok_encoder *enc;
	struct tok_pretok_state pre;
	struct tok_cache cache;
	struct tok_ids *out; /* current output during tok_encode */
	int allow_special;   /* of the current tok_encode */
	const char *doc;     /* the text of the current tok_encode */
	uintptr_t lo, hi;    /* the text being pre-tokenized: pieces inside it end 16 bytes early
			      * or more are read with two plain loads */
	struct buf norm_out, norm_tmp;
	struct tok_ids scratch;
};

/*
 * A piece as HF's BPE model sees it when it is not byte-level: its characters, each the token
 * of that text, else (byte_fallback) the <0xNN> tokens of its bytes if all exist, else the
 * unknown token (consecutive ones fused with fuse_unk), else nothing. Returns the count.
 */
static size_t char_symbols(const struct tok_vocab *v, const char *p, size_t n, uint32_t *ids)
{
	size_t m = 0;
	int last_unk = 0;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_next((const unsigned char *)p, n, i) - i;
		uint32_t id = tok_strmap_get(&v->map, p + i, (uint32_t)k);
		if (id == TOK_NONE && v->byte_fallback) {
			size_t j = 0;
			while (j < k && v->fallback_id[(unsigned char)p[i + j]] != TOK_NONE)
				j++;
			if (j == k) {
				for (j = 0; j < k; j++)
					ids[m++] = v->fallback_id[(unsigned char)p[i + j]];
				last_unk = 0;
				i += k;
				continue;
			}
		}
		if (id != TOK_NONE) {
			ids[m++] = id;
			last_unk = 0;
		} else if (v->unk_id != TOK_NONE && !(last_unk && v->fuse_unk)) {
			ids[m++] = v->unk_id;
			last_unk = 1;
		}
		i += k;
	}
	return m;
}

/* HF WordPiece on one word (see tok_vocab.h). */
static void wordpiece(const struct tok_vocab *v, const char *p, size_t n, struct tok_ids *out)
{
	size_t chars = utf8_count((const unsigned char *)p, n);
	if (chars > v->wp_max_chars || n > UINT32_MAX - v->wp_prefix_len) {
		tok_ids_push(out, v->unk_id);
		return;
	}
	char stack[256];
	size_t pl = v->wp_prefix_len, before = out->n;
	char *tmp = pl + n <= sizeof(stack) ? stack : xmalloc(pl + n);
	memcpy(tmp, v->wp_prefix, pl);
	for (size_t start = 0; start < n;) {
		size_t end = n;
		uint32_t id = TOK_NONE;
		while (start < end) {
			if (!start) {
				id = tok_strmap_get(&v->map, p, (uint32_t)end);
			} else {
				memcpy(tmp + pl, p + start, end - start);
				id = tok_strmap_get(&v->map, tmp, (uint32_t)(pl + end - start));
			}
			if (id != TOK_NONE)
				break;
			end = utf8_prev((const unsigned char *)p, start, end);
		}
		if (id == TOK_NONE) {
			out->n = before;
			tok_ids_push(out, v->unk_id);
			break;
		}
		tok_ids_push(out, id);
		start = end;
	}
	if (tmp != stack)
		free(tmp);
}

/* A Unigram piece's string: its id, else its <0xNN> tokens (byte_fallback, all present),
 * else the unknown token. */
static void unigram_push(const struct tok_vocab *v, const char *p, size_t n, uint32_t id, struct tok_ids *out)
{
	if (id == TOK_NONE && n <= UINT32_MAX)
		id = tok_strmap_get(&v->map, p, (uint32_t)n);
	if (id != TOK_NONE) {
		tok_ids_push(out, id);
		return;
	}
	size_t j = 0;
	while (v->byte_fallback && j < n && v->fallback_id[(unsigned char)p[j]] != TOK_NONE)
		j++;
	if (v->byte_fallback && j == n) {
		for (j = 0; j < n; j++)
			tok_ids_push(out, v->fallback_id[(unsigned char)p[j]]);
		return;
	}
	tok_ids_push(out, v->unk_id);
}

/*
 * HF Unigram (encode_optimized): Viterbi over byte positions, every vocabulary piece starting at
 * a character boundary a candidate (scores added, the first of equal scores kept, shorter
 * pieces first), a character no piece starts with the unknown token at min score - 10; then
 * the best path, consecutive unknown pieces fused into one string.
 */
static void unigram(const struct tok_vocab *v, const char *p, size_t n, struct tok_ids *out)
{
	struct node { double score; size_t start; uint32_t id; int set; };
	struct node *best = xcalloc(n + 1, sizeof(*best));
	double unk_score = v->uni_min - 10.0;
	best[0].set = 1;
	for (size_t s = 0; s < n;) {
		size_t mb = utf8_lead_len((unsigned char)p[s]);
		int single = 0;
		for (size_t k = 1; k <= v->uni_max_len && s + k <= n; k++) {
			uint32_t id = tok_strmap_get(&v->map, p + s, (uint32_t)k);
			if (id == TOK_NONE)
				continue;
			double c = v->uni_score[id] + best[s].score;
			if (!best[s + k].set || c > best[s + k].score)
				best[s + k] = (struct node){ c, s, id, 1 };
			if (k == mb)
				single = 1;
		}
		if (!single) {
			double c = unk_score + best[s].score;
			if (!best[s + mb].set || c > best[s + mb].score)
				best[s + mb] = (struct node){ c, s, v->unk_id, 1 };
		}
		s += mb;
	}
	/* Back from the end: pieces in reverse order. */
	size_t m = 0, *cut = xmalloc((n + 1) * sizeof(size_t));
	for (size_t e = n; e > 0; e = best[e].start)
		cut[m++] = e;
	size_t unk_from = SIZE_MAX;
	for (size_t i = m; i-- > 0;) {
		size_t e = cut[i], s = best[e].start;
		if (best[e].id == v->unk_id) {
			if (unk_from == SIZE_MAX)
				unk_from = s;
			continue;
		}
		if (unk_from != SIZE_MAX) {
			unigram_push(v, p + unk_from, s - unk_from, TOK_NONE, out);
			unk_from = SIZE_MAX;
		}
		unigram_push(v, p + s, e - s, TOK_NONE, out);
	}
	if (unk_from != SIZE_MAX)
		unigram_push(v, p + unk_from, n - unk_from, TOK_NONE, out);
	free(cut);
	free(best);
}

/* The piece's id when the vocabulary has the whole of it (h: tok_hash_bytes of it), else
 * TOK_NONE. */
static uint32_t whole_piece(const struct tok_vocab *v, const char *p, size_t n, uint64_t h)
{
	if (!v->map.slots || n > UINT32_MAX)
		return TOK_NONE;
	if (n > 16)
		return tok_strmap_get_h(&v->map, p, (uint32_t)n, h);
	uint64_t k0, k1;
	tok_load16(p, n, &k0, &k1);
	return tok_strmap_get_words(&v->map, k0, k1, (uint32_t)n, h);
}

/* The ids of piece p[0..n), h its tok_hash_bytes; memo: the thread's pair memo or NULL. */
static void bpe_piece(const struct tok_vocab *v, struct tok_cache *memo, const char *p, size_t n, uint64_t h,
		      int force, struct tok_ids *out)
{
	if (!n)
		return;
	if (v->model == TOK_MODEL_UNIGRAM) {
		unigram(v, p, n, out);
		return;
	}
	if (v->model == TOK_MODEL_WORDPIECE) {
		wordpiece(v, p, n, out);
		return;
	}
	if (v->model == TOK_MODEL_WORDLEVEL) {
		uint32_t id = whole_piece(v, p, n, h);
		tok_ids_push(out, id != TOK_NONE ? id : v->unk_id);
		return;
	}
	if (v->whole_piece) {
		uint32_t id = whole_piece(v, p, n, h);
		if (id != TOK_NONE) {
			tok_ids_push(out, id);
			return;
		}
	}
	if (v->byte_level && n == 1) {
		tok_ids_push(out, v->byte_id[(unsigned char)*p]);
		return;
	}
	/* symbols: the bytes, the characters (at most n), or HF's affixed word (tok_hf_bpe.c) */
	size_t cap = !v->byte_level && v->hf_word ? tok_hf_word_max(v, n) : n;
	cap = cap > n ? cap : n;
	struct tok_bpe_sym stack[STACK_SYMS + 1];
	struct tok_bpe_sym *y = cap < STACK_SYMS ? stack : xmalloc((cap + 1) * sizeof(*y));
	size_t m;
	if (v->byte_level) {
		for (size_t i = 0; i < n; i++)
			y[i] = (struct tok_bpe_sym){ v->byte_id[(unsigned char)p[i]], (uint32_t)i, 0, 0 };
		m = n;
	} else {
		uint32_t idstack[STACK_SYMS];
		uint32_t *ids = cap < STACK_SYMS ? idstack : xmalloc(cap * sizeof(uint32_t));
		m = v->hf_word ? tok_hf_word_symbols(v, p, n, ids) : char_symbols(v, p, n, ids);
		for (size_t i = 0; i < m; i++) /* offsets are read for bytes_rank only */
			y[i] = (struct tok_bpe_sym){ ids[i], 0, 0, 0 };
		if (ids != idstack)
			free(ids);
	}
	y[m].off = (uint32_t)n;
	if (m) /* else every character dropped (no token, no fallback, no unknown token) */
		tok_bpe_merge(&(struct tok_bpe_run){ v, p, (uint32_t)n, memo }, y, m, force, out);
	if (y != stack)
		free(y);
}

void tok_bpe_piece(const struct tok_vocab *v, const char *p, size_t n, int force, struct tok_ids *out)
{
	bpe_piece(v, NULL, p, n, tok_hash_bytes(p, n), force, out);
}

/* ---- per-piece callback with the cache (tok_cache.h) ---- */

static inline void push_ids(struct tok_ids *o, const uint32_t *ids, size_t n)
{
	ALLOC_GROW(o->v, o->n + n, o->alloc);
	memcpy(o->v + o->n, ids, n * sizeof(uint32_t));
	o->n += n;
}

/* A short piece's key: its bytes as tok_load16 gives them. Its hash tok_mix(n, k0, k1) is
 * tok_hash_bytes, which the cache, the long table and the vocabulary map all use. */
struct piece_key {
	uint64_t k0, k1;
};

/* A piece not in the short table: more than 16 bytes (b NULL, k unused), or a short one that
 * missed its bucket b (with 0 or more than 3 ids it is in the long table). */
static __attribute__((noinline)) void long_piece(struct tok_state *st, const char *p, size_t n,
						 struct tok_cache_bucket *b, const struct piece_key *k)
{
	struct tok_cache *c = &st->cache;
	struct tok_ids *o = st->out;
	uint64_t h = b ? tok_mix(n, k->k0, k->k1) : tok_hash_bytes(p, n);
	if (n > TOK_CACHE_LONG_KEY) {
		bpe_piece(st->enc->vocab, c, p, n, h, 0, o);
		return;
	}
	size_t nids;
	const uint32_t *ids = tok_cache_long_get(c, p, n, (uint32_t)h, &nids);
	if (ids) {
		push_ids(o, ids, nids);
		return;
	}
	size_t before = o->n;
	bpe_piece(st->enc->vocab, c, p, n, h, 0, o);
	nids = o->n - before;
	if (b && nids && nids <= TOK_CACHE_SHORT_IDS)
		tok_cache_put(b, k->k0, k->k1, n, o->v + before, nids);
	else
		tok_cache_long_put(c, p, n, (uint32_t)h, o->v + before, nids);
}

/* Masks keeping the first n bytes of a 16-byte load (low word, high word). */
static const uint64_t mask_lo[17] = { 0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF, 0xFFFFFFFFFF, 0xFFFFFFFFFFFF,
	0xFFFFFFFFFFFFFF, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL };
static const uint64_t mask_hi[17] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF,
	0xFFFFFFFFFF, 0xFFFFFFFFFFFF, 0xFFFFFFFFFFFFFF, ~0ULL };

/* A short piece (n <= 16) as two words: the bytes after it are read and masked off when they
 * are inside the text (p + 16 <= end), else only its own bytes are read. */
static inline void piece_key(const char *p, size_t n, const char *end, struct piece_key *k)
{
	if (p + 16 <= end) {
		memcpy(&k->k0, p, 8);
		memcpy(&k->k1, p + 8, 8);
		k->k0 &= mask_lo[n];
		k->k1 &= mask_hi[n];
	} else {
		tok_load16(p, n, &k->k0, &k->k1);
	}
}

/* A short piece (1 <= n <= 16) with its key and bucket: its ids from the table (1; o must have
 * room for TOK_CACHE_SHORT_IDS more), else from long_piece (0). */
static inline int short_piece_in(struct tok_state *st, const char *p, size_t n, const struct piece_key *k,
				 struct tok_cache_bucket *b, struct tok_ids *o)
{
	const struct tok_cache_slot *s = tok_cache_find(b, k->k0, k->k1, n);
	if (s) {
		memcpy(o->v + o->n, s->ids, sizeof(s->ids));
		o->n += s->nids;
		return 1;
	}
	long_piece(st, p, n, b, k);
	return 0;
}

/* The same for a piece of a text ending at `end`. */
static inline int short_piece(struct tok_state *st, const char *p, size_t n, const char *end,
			      struct tok_ids *o)
{
	struct piece_key k;
	piece_key(p, n, end, &k);
	return short_piece_in(st, p, n, &k, tok_cache_bucket_h(&st->cache, tok_mix(n, k.k0, k.k1)), o);
}

static void on_piece(void *ctx, const char *p, size_t n)
{
	struct tok_state *st = ctx;
	struct tok_ids *o = st->out;
	if (n > TOK_CACHE_SHORT_KEY) {
		long_piece(st, p, n, NULL, NULL);
		return;
	}
	/* a piece in another buffer (a pre-tokenizer step's copy) is read only within itself */
	int inside = (uintptr_t)p >= st->lo && (uintptr_t)p + n <= st->hi;
	ALLOC_GROW(o->v, o->n + TOK_CACHE_SHORT_IDS, o->alloc);
	short_piece(st, p, n, inside ? (const char *)st->hi : p + n, o);
}

#define PIECE_GROUP 64    /* pieces keyed at once in on_pieces */
#define PREFETCH_AHEAD 8  /* buckets fetched this many pieces ahead */

/* A batch of pieces from the hand-written splitter (tok_pretok.h), all inside text[0..len)
 * (the text pretok_gap gave, or an earlier step's copy): the loop that runs once per piece.
 * The table is 4 MB read at random, so a group's keys and buckets are computed first and each
 * bucket is fetched from memory a few pieces before it is read. */
static void on_pieces(void *ctx, const char *text, size_t len, size_t start, const size_t *ends, size_t n)
{
	struct tok_state *st = ctx;
	struct tok_ids *o = st->out;
	const char *end = text + len;
	struct piece_key key[PIECE_GROUP];
	struct tok_cache_bucket *bucket[PIECE_GROUP]; /* NULL: a long piece */
	ALLOC_GROW(o->v, o->n + n * TOK_CACHE_SHORT_IDS, o->alloc);
	for (size_t g = 0; g < n; g += PIECE_GROUP) {
		size_t m = n - g < PIECE_GROUP ? n - g : PIECE_GROUP, from = start;
		for (size_t i = 0; i < m; i++) {
			size_t plen = ends[g + i] - from;
			bucket[i] = NULL;
			if (plen <= TOK_CACHE_SHORT_KEY) {
				piece_key(text + from, plen, end, &key[i]);
				bucket[i] = tok_cache_bucket_h(&st->cache, tok_mix(plen, key[i].k0, key[i].k1));
				if (i < PREFETCH_AHEAD)
					__builtin_prefetch(bucket[i]);
			}
			from = ends[g + i];
		}
		for (size_t i = 0; i < m; i++) {
			if (i + PREFETCH_AHEAD < m && bucket[i + PREFETCH_AHEAD])
				__builtin_prefetch(bucket[i + PREFETCH_AHEAD]);
			const char *p = text + start;
			size_t plen = ends[g + i] - start;
			start = ends[g + i];
			if (bucket[i]) {
				if (short_piece_in(st, p, plen, &key[i], bucket[i], o))
					continue;
			} else {
				long_piece(st, p, plen, NULL, NULL);
			}
			ALLOC_GROW(o->v, o->n + (n - g - i) * TOK_CACHE_SHORT_IDS, o->alloc);
		}
	}
}

int tok_encoder_init(struct tok_encoder *e, const struct tok_vocab *v, int use_fast, struct buf *err)
{
	e->vocab = v;
	e->normalized_specials = tok_special_any(v, 1);
	if (tok_norm_init(&e->norm, v, err))
		return -1;
	if (tok_pretok_init(&e->pretok, v, use_fast, err)) {
		tok_norm_free(&e->norm);
		return -1;
	}
	return 0;
}

void tok_encoder_free(struct tok_encoder *e)
{
	tok_pretok_free(&e->pretok);
	tok_norm_free(&e->norm);
}

struct tok_state *tok_state_new(const struct tok_encoder *e)
{
	struct tok_state *st = xcalloc(1, sizeof(*st));
	st->enc = e;
	tok_pretok_state_init(&st->pre, &e->pretok);
	st->pre.pieces_fn = on_pieces;
	tok_cache_init(&st->cache);
	buf_init(&st->norm_out, 0);
	buf_init(&st->norm_tmp, 0);
	return st;
}

void tok_state_free(struct tok_state *st)
{
	if (!st)
		return;
	tok_pretok_state_free(&st->pre);
	tok_cache_free(&st->cache);
	buf_release(&st->norm_out);
	buf_release(&st->norm_tmp);
	tok_ids_release(&st->scratch);
	free(st);
}


/* ---- encoding a text: added tokens, normalizer, pre-tokenizer, model ---- */

static void push_id(void *ctx, uint32_t id)
{
	struct tok_state *st = ctx;
	tok_ids_push(st->out, id);
}

static int pretok_gap(void *ctx, const char *text, size_t len, struct buf *err)
{
	struct tok_state *st = ctx;
	st->lo = (uintptr_t)text;
	st->hi = (uintptr_t)text + len;
	return tok_pretok_run(&st->enc->pretok, &st->pre, text, len, on_piece, st, err);
}

/* Text between raw-matched added tokens: normalized, then split at normalized added tokens. */
static int raw_gap(void *ctx, const char *text, size_t len, struct buf *err)
{
	struct tok_state *st = ctx;
	const struct tok_vocab *v = st->enc->vocab;
	int first = text == st->doc;
	if (v->n_norms) {
		if (tok_norm_apply(&st->enc->norm, text, len, &st->norm_out, &st->norm_tmp, err))
			return -1;
		text = st->norm_out.data;
		len = st->norm_out.len;
	}
	st->pre.doc_start = first ? text : NULL;
	if (st->allow_special && st->enc->normalized_specials)
		return tok_special_split(v, 1, text, len, pretok_gap, push_id, st, err);
	return pretok_gap(st, text, len, err);
}

int tok_encode(struct tok_state *st, const char *text, size_t len, int allow_special,
	       struct tok_ids *out, struct buf *err)
{
	size_t bad = utf8_valid_prefix(text, len);
	if (bad != len) {
		buf_addf(err, "invalid UTF-8 at byte %zu", bad);
		return -1;
	}
	const struct tok_vocab *v = st->enc->vocab;
	st->out = out;
	st->allow_special = allow_special;
	st->doc = text;
	if (allow_special && v->n_specials)
		return tok_special_split(v, 0, text, len, raw_gap, push_id, st, err);
	return raw_gap(st, text, len, err);
}
