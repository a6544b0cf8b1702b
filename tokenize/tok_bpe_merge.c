/* The BPE merge loops (see tok_bpe_merge.h). */
#include "tokenize/tok_bpe_merge.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* The loops are specialized per kind of rank by inlining everything into them. */
#define INLINE static inline __attribute__((always_inline))

/* The id of the token p[0..n) (TOK_NONE: none), out of line: the merge loops call it only
 * when the memo (or the two-byte table) does not have the pair. */
static __attribute__((noinline)) uint32_t bytes_id(const struct tok_vocab *v, const char *p, uint32_t n)
{
	if (n <= 16)
		return tok_strmap_get_short(&v->map, p, n);
	return tok_strmap_get_h(&v->map, p, n, tok_hash_bytes(p, n));
}

/* What a rank lookup reads, copied out of the vocabulary so that the loops keep it in
 * registers (their stores to uint32_t arrays could otherwise alias the vocabulary's fields). */
struct ranker {
	const struct tok_vocab *v;
	const char *p;
	const uint32_t *pair2;
	struct tok_cache *memo;
	int bytes_rank;
};

static inline struct ranker ranker_of(const struct tok_bpe_run *r)
{
	return (struct ranker){ r->v, r->p, r->v->pair2, r->memo, r->v->bytes_rank };
}

/* The rank of the pair (x, y) covering p[start..end) and the id it merges into (TOK_NONE:
 * the pair does not merge). */
INLINE uint32_t pair_rank(const struct ranker *r, uint32_t x, uint32_t y, uint32_t start, uint32_t end,
			  uint32_t *merged)
{
	if (r->bytes_rank) {
		const char *p = r->p + start;
		uint32_t id, n = end - start;
		if (n == 2) { /* two bytes: the table is quicker than the memo */
			id = r->pair2[(unsigned char)p[0] << 8 | (unsigned char)p[1]];
		} else if (r->memo) {
			/* a pair's rank depends only on its two ids, so a remembered one is right */
			struct tok_pair_memo *m = tok_pair_memo_slot(r->memo, x, y);
			uint64_t key = ~((uint64_t)x << 32 | y);
			if (m->key != key) {
				m->key = key;
				m->id = bytes_id(r->v, p, n);
			}
			id = m->id;
		} else {
			id = bytes_id(r->v, p, n);
		}
		*merged = id;
		return id;
	}
	const struct tok_pair_slot *s = tok_pairmap_get(&r->v->pairs, x, y);
	if (!s)
		return TOK_NONE;
	*merged = s->id;
	return s->rank;
}

/* ---- the scan ----
 * y[0..m) are the live symbols in order, each with the rank of the pair it starts (TOK_NONE
 * for the last) and the id that pair merges into; y[m].off is the piece's length. A merge
 * finds the least rank (the leftmost of equal ones), drops the right symbol by moving the ones
 * after it down (a few bytes for pieces this short: cheaper than links, which a scan would
 * have to step over) and ranks the two pairs around the new token. */
INLINE void sym_rank(const struct ranker *r, struct tok_bpe_sym *y, size_t i, size_t m)
{
	y[i].rank = i + 1 < m ? pair_rank(r, y[i].id, y[i + 1].id, y[i].off, y[i + 2].off, &y[i].merged)
			      : TOK_NONE;
}

/* y[from + 1..m] moves down one place (the symbols after the dropped one, and the end offset). */
INLINE void sym_drop(struct tok_bpe_sym *y, size_t from, size_t m)
{
	for (size_t i = from; i < m; i++)
		y[i] = y[i + 1];
}

INLINE void bpe_scan(const struct ranker *r, struct tok_bpe_sym *y, size_t m, struct tok_ids *out)
{
	for (size_t i = 0; i < m; i++)
		sym_rank(r, y, i, m);
	while (m > 1) {
		uint32_t best = TOK_NONE;
		size_t bi = 0;
		for (size_t i = 0; i + 1 < m; i++)
			if (y[i].rank < best)
				best = y[i].rank, bi = i;
		if (best == TOK_NONE)
			break;
		y[bi].id = y[bi].merged;
		sym_drop(y, bi + 1, m);
		m--;
		sym_rank(r, y, bi, m);
		if (bi > 0)
			sym_rank(r, y, bi - 1, m);
	}
	ALLOC_GROW(out->v, out->n + m, out->alloc);
	for (size_t i = 0; i < m; i++)
		out->v[out->n + i] = y[i].id;
	out->n += m;
}

/* The scan compiled twice, for the two kinds of rank (tok_vocab.h). */
static void bpe_scan_bytes(const struct tok_bpe_run *run, struct tok_bpe_sym *y, size_t m,
			   struct tok_ids *out)
{
	struct ranker r = ranker_of(run);
	r.bytes_rank = 1;
	bpe_scan(&r, y, m, out);
}

static void bpe_scan_pairs(const struct tok_bpe_run *run, struct tok_bpe_sym *y, size_t m,
			   struct tok_ids *out)
{
	struct ranker r = ranker_of(run);
	r.bytes_rank = 0;
	bpe_scan(&r, y, m, out);
}

/* ---- the heap ----
 * Entries rank << 32 | position: the least is the lowest rank, then the leftmost symbol. An
 * entry whose symbol has merged away or ranks differently since is stale and skipped. */
struct node {
	uint32_t id, rank, merged, prev, next; /* prev/next: TOK_NONE at the ends */
	uint32_t off;
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

/* Ranks the pair node i starts (TOK_NONE at the end) and queues it. */
static void node_rank(const struct ranker *r, uint32_t len, struct node *nd, uint32_t i, uint64_t *h,
		      size_t *hn)
{
	uint32_t j = nd[i].next;
	if (j == TOK_NONE) {
		nd[i].rank = TOK_NONE;
		return;
	}
	uint32_t end = nd[j].next != TOK_NONE ? nd[nd[j].next].off : len;
	nd[i].rank = pair_rank(r, nd[i].id, nd[j].id, nd[i].off, end, &nd[i].merged);
	if (nd[i].rank != TOK_NONE)
		heap_push(h, hn, (uint64_t)nd[i].rank << 32 | i);
}

static void bpe_heap(const struct tok_bpe_run *run, const struct tok_bpe_sym *y, size_t n,
		     struct tok_ids *out)
{
	struct ranker rk = ranker_of(run), *r = &rk;
	uint32_t len = run->len;
	struct node *nd = xmalloc(n * sizeof(*nd));
	/* n entries at first, and each merge pushes at most two. */
	uint64_t *h = xmalloc((3 * n + 1) * sizeof(uint64_t));
	size_t hn = 0;
	for (size_t i = 0; i < n; i++) {
		nd[i].id = y[i].id;
		nd[i].off = y[i].off;
		nd[i].prev = i ? (uint32_t)(i - 1) : TOK_NONE;
		nd[i].next = i + 1 < n ? (uint32_t)(i + 1) : TOK_NONE;
		nd[i].alive = 1;
	}
	for (size_t i = 0; i < n; i++)
		node_rank(r, len, nd, (uint32_t)i, h, &hn);
	while (hn) {
		uint64_t e = heap_pop(h, &hn);
		uint32_t i = (uint32_t)e, rank = (uint32_t)(e >> 32);
		if (!nd[i].alive || nd[i].rank != rank)
			continue;
		uint32_t j = nd[i].next;
		nd[i].id = nd[i].merged;
		nd[j].alive = 0;
		nd[i].next = nd[j].next;
		if (nd[j].next != TOK_NONE)
			nd[nd[j].next].prev = i;
		node_rank(r, len, nd, i, h, &hn);
		if (nd[i].prev != TOK_NONE)
			node_rank(r, len, nd, nd[i].prev, h, &hn);
	}
	for (uint32_t i = 0; i != TOK_NONE; i = nd[i].next)
		tok_ids_push(out, nd[i].id);
	free(nd);
	free(h);
}

void tok_bpe_merge(const struct tok_bpe_run *r, struct tok_bpe_sym *y, size_t m, int force,
		   struct tok_ids *out)
{
	if (force == 2 || (force == 0 && m > TOK_BPE_SCAN_MAX))
		bpe_heap(r, y, m, out);
	else if (r->v->bytes_rank)
		bpe_scan_bytes(r, y, m, out);
	else
		bpe_scan_pairs(r, y, m, out);
}
