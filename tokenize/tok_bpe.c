/* BPE encoding and decoding (see tok_bpe.h). */
#include "tokenize/tok_bpe.h"

#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/tok_hf.h"
#include "tokenize/tok_special.h"

#define SMALL_PIECE 48          /* array scan below this many bytes, heap above */
#define CACHE_MAX_PIECE 128     /* longer pieces are not cached (fits the slot's u8 lengths) */
#define CACHE_MAX_ENTRIES (1u << 15)

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

/* ---- piece cache: piece bytes -> ids, per thread ----
 * Small enough to stay in L2 (a DRAM miss per piece costs more than BPE on a short piece);
 * when full it is emptied at once by bumping a generation number. */

struct cache_slot {
	uint32_t hash;
	uint16_t gen;           /* != cache gen: empty slot */
	uint8_t key_len, ids_n;
	uint32_t key_off, ids_off;
};

/* In front of it, a direct-mapped table for pieces of at most 8 bytes giving at most 2 ids
 * (most pieces of prose): the piece is its own key, so a hit costs no hash call, no key
 * comparison in another buffer, and one cache line. */
#define FRONT_BITS 12
struct front_entry {
	uint64_t word;  /* the piece's bytes, zero-padded */
	uint32_t ids[2];
	uint8_t len, nids; /* len 0: empty */
};

struct tok_cache {
	struct front_entry *front;
	struct cache_slot *slots;
	size_t mask, count;
	uint16_t gen;
	struct buf keys;
	struct tok_ids ids;
};

static void cache_init(struct tok_cache *c)
{
	size_t cap = CACHE_MAX_ENTRIES * 2;
	c->slots = xcalloc(cap, sizeof(*c->slots));
	c->mask = cap - 1;
	c->count = 0;
	c->gen = 1;
	c->front = xcalloc((size_t)1 << FRONT_BITS, sizeof(*c->front));
	buf_init(&c->keys, 1 << 20);
	memset(&c->ids, 0, sizeof(c->ids));
}

static void cache_clear(struct tok_cache *c)
{
	if (++c->gen == 0) {
		memset(c->slots, 0, (c->mask + 1) * sizeof(*c->slots));
		c->gen = 1;
	}
	c->count = 0;
	buf_reset(&c->keys);
	c->ids.n = 0;
}

static void cache_free(struct tok_cache *c)
{
	free(c->front);
	free(c->slots);
	buf_release(&c->keys);
	tok_ids_release(&c->ids);
}

struct tok_state {
	const struct tok_encoder *enc;
	struct tok_pretok_state pre;
	struct tok_cache cache;
	struct tok_ids *out; /* current output during tok_encode */
	int allow_special;   /* of the current tok_encode */
	const char *doc;     /* the text of the current tok_encode */
	struct buf norm_out, norm_tmp;
	struct tok_ids scratch;
};

/* ---- merge loops ---- */

static inline uint32_t pair_rank(const struct tok_vocab *v, uint32_t a, uint32_t b, uint32_t *merged)
{
	const struct tok_pair_slot *s = tok_pairmap_get(&v->pairs, a, b);
	if (!s)
		return TOK_NONE;
	*merged = s->id;
	return s->rank;
}

/* Merges ids[0..m) in place (array scan); appends the result. */
static void bpe_array(const struct tok_vocab *v, uint32_t *idp, size_t m, struct tok_ids *out)
{
	uint32_t rank[SMALL_PIECE * 4], mid[SMALL_PIECE * 4];
	uint32_t *rk = rank, *md = mid;
	uint32_t *heap_mem = NULL;
	if (m > SMALL_PIECE * 4) {
		heap_mem = xmalloc(2 * m * sizeof(uint32_t));
		rk = heap_mem, md = heap_mem + m;
	}
	for (size_t i = 0; i + 1 < m; i++)
		rk[i] = pair_rank(v, idp[i], idp[i + 1], &md[i]);
	while (m > 1) {
		uint32_t best = TOK_NONE;
		size_t bi = 0;
		for (size_t i = 0; i + 1 < m; i++)
			if (rk[i] < best)
				best = rk[i], bi = i;
		if (best == TOK_NONE)
			break;
		idp[bi] = md[bi];
		memmove(idp + bi + 1, idp + bi + 2, (m - bi - 2) * sizeof(uint32_t));
		memmove(rk + bi + 1, rk + bi + 2, (m - bi - 2) * sizeof(uint32_t));
		memmove(md + bi + 1, md + bi + 2, (m - bi - 2) * sizeof(uint32_t));
		m--;
		if (bi + 1 < m)
			rk[bi] = pair_rank(v, idp[bi], idp[bi + 1], &md[bi]);
		else
			rk[bi] = TOK_NONE;
		if (bi > 0)
			rk[bi - 1] = pair_rank(v, idp[bi - 1], idp[bi], &md[bi - 1]);
	}
	ALLOC_GROW(out->v, out->n + m, out->alloc);
	memcpy(out->v + out->n, idp, m * sizeof(uint32_t));
	out->n += m;
	free(heap_mem);
}

/* Heap of (rank << 32 | position): the smallest rank, then the leftmost position. */
struct node {
	uint32_t id, rank, merged, prev, next; /* prev/next: TOK_NONE at the ends */
	int alive;
};

static void heap_push(uint64_t *h, size_t *n, uint64_t x)
{
	size_t i = (*n)++;
	while (i) {
		size_t parent = (i - 1) / 2;
		if (h[parent] <= x)
			break;
		h[i] = h[parent];
		i = parent;
	}
	h[i] = x;
}

static uint64_t heap_pop(uint64_t *h, size_t *n)
{
	uint64_t top = h[0], x = h[--(*n)];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1] < h[c])
			c++;
		if (h[c] >= x)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = x;
	return top;
}

static void bpe_heap(const struct tok_vocab *v, const uint32_t *ids, size_t n, struct tok_ids *out)
{
	struct node *nd = xmalloc(n * sizeof(*nd));
	/* Each merge pushes at most two entries. */
	uint64_t *h = xmalloc((3 * n + 1) * sizeof(uint64_t));
	size_t hn = 0;
	for (size_t i = 0; i < n; i++) {
		nd[i].id = ids[i];
		nd[i].prev = i ? (uint32_t)(i - 1) : TOK_NONE;
		nd[i].next = i + 1 < n ? (uint32_t)(i + 1) : TOK_NONE;
		nd[i].alive = 1;
	}
	for (size_t i = 0; i < n; i++) {
		nd[i].rank = i + 1 < n ? pair_rank(v, nd[i].id, nd[i + 1].id, &nd[i].merged) : TOK_NONE;
		if (nd[i].rank != TOK_NONE)
			heap_push(h, &hn, (uint64_t)nd[i].rank << 32 | i);
	}
	while (hn) {
		uint64_t e = heap_pop(h, &hn);
		uint32_t i = (uint32_t)e, r = (uint32_t)(e >> 32);
		if (!nd[i].alive || nd[i].rank != r)
			continue; /* stale */
		uint32_t j = nd[i].next;
		nd[i].id = nd[i].merged;
		nd[j].alive = 0;
		nd[i].next = nd[j].next;
		if (nd[j].next != TOK_NONE)
			nd[nd[j].next].prev = i;
		if (nd[i].next != TOK_NONE) {
			nd[i].rank = pair_rank(v, nd[i].id, nd[nd[i].next].id, &nd[i].merged);
			if (nd[i].rank != TOK_NONE)
				heap_push(h, &hn, (uint64_t)nd[i].rank << 32 | i);
		} else {
			nd[i].rank = TOK_NONE;
		}
		uint32_t q = nd[i].prev;
		if (q != TOK_NONE) {
			nd[q].rank = pair_rank(v, nd[q].id, nd[i].id, &nd[q].merged);
			if (nd[q].rank != TOK_NONE)
				heap_push(h, &hn, (uint64_t)nd[q].rank << 32 | q);
		}
	}
	for (uint32_t i = 0; i != TOK_NONE; i = nd[i].next)
		tok_ids_push(out, nd[i].id);
	free(nd);
	free(h);
}

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
		size_t k = 1;
		while (i + k < n && ((unsigned char)p[i + k] & 0xC0) == 0x80)
			k++;
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
	size_t chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)p[i] & 0xC0) != 0x80;
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
			do
				end--;
			while (end > start && ((unsigned char)p[end] & 0xC0) == 0x80);
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

void tok_bpe_piece(const struct tok_vocab *v, const char *p, size_t n, int force, struct tok_ids *out)
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
		uint32_t id = n <= UINT32_MAX ? tok_strmap_get(&v->map, p, (uint32_t)n) : TOK_NONE;
		tok_ids_push(out, id != TOK_NONE ? id : v->unk_id);
		return;
	}
	if (v->whole_piece && n <= UINT32_MAX) {
		uint32_t id = tok_strmap_get(&v->map, p, (uint32_t)n);
		if (id != TOK_NONE) {
			tok_ids_push(out, id);
			return;
		}
	}
	if (v->byte_level && n == 1) {
		tok_ids_push(out, v->byte_id[(unsigned char)*p]);
		return;
	}
	uint32_t stack[SMALL_PIECE * 4];
	uint32_t *ids = n <= SMALL_PIECE * 4 ? stack : xmalloc(n * sizeof(uint32_t));
	size_t m;
	if (v->byte_level) {
		for (size_t i = 0; i < n; i++)
			ids[i] = v->byte_id[(unsigned char)p[i]];
		m = n;
	} else if (v->hf_word) { /* HF BPE with affixes (tok_hf_bpe.c) */
		if (ids != stack)
			free(ids);
		ids = xmalloc(tok_hf_word_max(v, n) * sizeof(uint32_t));
		m = tok_hf_word_symbols(v, p, n, ids);
	} else {
		m = char_symbols(v, p, n, ids);
	}
	if (!m)
		; /* every character dropped (no token, no fallback, no unknown token) */
	else if (force == 1 || (force == 0 && m <= SMALL_PIECE))
		bpe_array(v, ids, m, out);
	else
		bpe_heap(v, ids, m, out);
	if (ids != stack)
		free(ids);
}

/* ---- per-piece callback with the cache ---- */

static void cached_piece(struct tok_state *st, const char *p, size_t n);

static void on_piece(void *ctx, const char *p, size_t n)
{
	struct tok_state *st = ctx;
	const struct tok_vocab *v = st->enc->vocab;
	struct tok_cache *c = &st->cache;
	if (n > CACHE_MAX_PIECE) {
		tok_bpe_piece(v, p, n, 0, st->out);
		return;
	}
	struct front_entry *fe = NULL;
	uint64_t word = 0;
	if (n <= 8) {
		memcpy(&word, p, n);
		fe = &c->front[((word * 0x9E3779B97F4A7C15ULL) >> (64 - FRONT_BITS)) ^ n];
		if (fe->len == n && fe->word == word) {
			struct tok_ids *o = st->out;
			ALLOC_GROW(o->v, o->n + 2, o->alloc);
			o->v[o->n] = fe->ids[0];
			o->v[o->n + 1] = fe->ids[1];
			o->n += fe->nids;
			return;
		}
	}
	size_t before = st->out->n;
	cached_piece(st, p, n);
	size_t nids = st->out->n - before;
	if (fe && nids <= 2) {
		fe->word = word;
		fe->len = (uint8_t)n;
		fe->nids = (uint8_t)nids;
		fe->ids[0] = st->out->v[before];
		fe->ids[1] = nids > 1 ? st->out->v[before + 1] : 0;
	}
}

/* The main cache (see above), then BPE. */
static void cached_piece(struct tok_state *st, const char *p, size_t n)
{
	const struct tok_vocab *v = st->enc->vocab;
	struct tok_cache *c = &st->cache;
	uint32_t h = (uint32_t)tok_hash_bytes(p, n);
	size_t i = h & c->mask;
	for (;;) {
		struct cache_slot *s = &c->slots[i];
		if (s->gen != c->gen)
			break;
		if (s->hash == h && s->key_len == n && !memcmp(c->keys.data + s->key_off, p, n)) {
			const uint32_t *ids = c->ids.v + s->ids_off;
			struct tok_ids *o = st->out;
			ALLOC_GROW(o->v, o->n + s->ids_n, o->alloc);
			memcpy(o->v + o->n, ids, s->ids_n * sizeof(uint32_t));
			o->n += s->ids_n;
			return;
		}
		i = (i + 1) & c->mask;
	}
	size_t before = st->out->n;
	tok_bpe_piece(v, p, n, 0, st->out);
	size_t nids = st->out->n - before;
	if (c->count >= CACHE_MAX_ENTRIES) {
		cache_clear(c);
		i = h & c->mask;
	}
	struct cache_slot *s = &c->slots[i];
	s->hash = h;
	s->gen = c->gen;
	s->key_off = (uint32_t)c->keys.len;
	s->key_len = (uint8_t)n;
	buf_add(&c->keys, p, n);
	s->ids_off = (uint32_t)c->ids.n;
	s->ids_n = (uint8_t)nids;
	ALLOC_GROW(c->ids.v, c->ids.n + nids, c->ids.alloc);
	memcpy(c->ids.v + c->ids.n, st->out->v + before, nids * sizeof(uint32_t));
	c->ids.n += nids;
	c->count++;
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
	cache_init(&st->cache);
	buf_init(&st->norm_out, 0);
	buf_init(&st->norm_tmp, 0);
	return st;
}

void tok_state_free(struct tok_state *st)
{
	if (!st)
		return;
	tok_pretok_state_free(&st->pre);
	cache_free(&st->cache);
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
