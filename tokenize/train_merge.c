/*
 * The BPE merge phase: learn merges from distinct pieces and their counts.
 *
 * Every distinct piece of two or more bytes becomes a "word": its count and its current
 * symbols (token ids, starting as its bytes). A pair's count is the sum, over words, of the
 * word's count times the pair's adjacent occurrences (overlapping ones included, as in
 * HuggingFace's BpeTrainer). Each pair keeps a list of the words it was seen in (it may hold
 * words that no longer contain it: they are scanned and skipped).
 *
 * A step takes the best pair from an indexed max-heap (count, then the tie-break in train.h),
 * rewrites every word on its list left to right, merging non-overlapping occurrences, and
 * applies each occurrence's delta to its neighbours' pairs: (prev, a) and (b, next) lose the
 * word's count, (prev, new) and (new, next) gain it. Pairs touched by a step are re-placed in
 * the heap once, after the step. Counts are 64-bit. A pair is merged at most once.
 *
 * Rules beyond plain BPE, shared with the test reference (tests/train_ref.py):
 *   - --max-token-length N: pairs whose token would exceed N bytes are never counted;
 *   - a token whose byte-level spelling equals a special token's text is never created;
 *   - a merge whose bytes equal an existing token reuses that token's id (as HuggingFace
 *     does), so the vocabulary grows by distinct tokens, not by merges.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lib/die.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "tokenize/train.h"

#define NO_HEAP UINT32_MAX

struct word {
	uint64_t count;
	uint64_t start; /* into sym */
	uint32_t len;
	uint32_t stamp; /* the last step that rewrote this word */
};

struct pair {
	uint32_t a, b;
	int64_t count;
	int64_t hcount; /* the count the heap is ordered by: set when the pair is (re)placed */
	uint32_t *w;    /* words it was seen in */
	uint32_t heap;  /* position in the heap, NO_HEAP if absent */
	uint32_t nw, cw;
	unsigned char dirty, done;
};

struct bpe {
	const struct train_params *prm;
	struct word *words;
	size_t nwords;
	uint32_t *sym;
	/* pairs */
	struct pair *p;
	size_t np, palloc;
	uint32_t *pslot; /* index + 1 */
	size_t npslots;
	uint32_t *heap;
	size_t nheap;
	uint32_t *dirty;
	size_t ndirty, dalloc;
	/* tokens */
	struct buf tbytes;
	uint64_t *toff;
	uint32_t *tlen, *ord;
	size_t ntok, talloc;
	uint32_t *tslot; /* token bytes -> id + 1 */
	size_t ntslots;
	/* specials' text, to avoid learning them */
	struct buf spell;
	/* the merge loop */
	size_t nsym, heap_alloc;
	struct train_merge *merges;
	size_t nmerges, merges_alloc;
	struct buf nb; /* the bytes of the token being made */
	uint32_t stamp;
	size_t peak;
};

uint32_t train_byte_codepoint(unsigned b)
{
	static uint32_t cp[256];
	static int init;
	if (!init) {
		uint32_t n = 0;
		for (unsigned i = 0; i < 256; i++) {
			int keep = (i >= 0x21 && i <= 0x7E) || (i >= 0xA1 && i <= 0xAC) || i >= 0xAE;
			cp[i] = keep ? i : 256 + n++;
		}
		init = 1;
	}
	return cp[b & 0xFF];
}

uint32_t train_byte_order(unsigned b)
{
	/* Kept bytes sort first (code point = byte), then the remapped ones in byte order. */
	uint32_t kept_before = 0, remapped_before = 0, nkept = 188;
	b &= 0xFF;
	for (unsigned i = 0; i < b; i++) {
		if (train_byte_codepoint(i) < 256)
			kept_before++;
		else
			remapped_before++;
	}
	return train_byte_codepoint(b) < 256 ? kept_before : nkept + remapped_before;
}

void train_spell(struct buf *out, const char *p, size_t n)
{
	unsigned char enc[UTF8_MAX];
	for (size_t i = 0; i < n; i++)
		buf_add(out, enc, utf8_encode(train_byte_codepoint((unsigned char)p[i]), enc));
}

/* ---- pairs ---- */

static inline size_t pair_hash(uint32_t a, uint32_t b)
{
	uint64_t k = ((uint64_t)a << 32) | b;
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return (size_t)k;
}

static void pair_rehash(struct bpe *t)
{
	free(t->pslot);
	t->npslots *= 2;
	t->pslot = xcalloc(t->npslots, sizeof(*t->pslot));
	size_t mask = t->npslots - 1;
	for (size_t i = 0; i < t->np; i++) {
		size_t h = pair_hash(t->p[i].a, t->p[i].b) & mask;
		while (t->pslot[h])
			h = (h + 1) & mask;
		t->pslot[h] = (uint32_t)(i + 1);
	}
}

/* The pair's index; created with count 0 when `create`, else UINT32_MAX if absent. */
static uint32_t pair_get(struct bpe *t, uint32_t a, uint32_t b, int create)
{
	size_t mask = t->npslots - 1;
	size_t h = pair_hash(a, b) & mask;
	for (;;) {
		uint32_t s = t->pslot[h];
		if (!s)
			break;
		if (t->p[s - 1].a == a && t->p[s - 1].b == b)
			return s - 1;
		h = (h + 1) & mask;
	}
	if (!create)
		return UINT32_MAX;
	if (t->np >= UINT32_MAX - 1)
		die(GRIST_EXIT_INTERNAL, "more than 4 billion distinct pairs");
	ALLOC_GROW(t->p, t->np + 1, t->palloc);
	struct pair *p = &t->p[t->np];
	memset(p, 0, sizeof(*p));
	p->a = a;
	p->b = b;
	p->heap = NO_HEAP;
	t->pslot[h] = (uint32_t)(++t->np);
	if (t->np * 2 > t->npslots)
		pair_rehash(t);
	return (uint32_t)(t->np - 1);
}

static inline int len_ok(const struct bpe *t, uint32_t a, uint32_t b)
{
	uint32_t max = t->prm->max_token_length;
	return !max || (uint64_t)t->tlen[a] + t->tlen[b] <= max;
}

/* Apply a count change to pair (a, b); a gain records word w. */
static void pair_delta(struct bpe *t, uint32_t a, uint32_t b, int64_t d, uint32_t w)
{
	if (!len_ok(t, a, b))
		return;
	uint32_t i = pair_get(t, a, b, d > 0);
	if (i == UINT32_MAX)
		BUG("a pair lost count it never had");
	struct pair *p = &t->p[i];
	if (p->done)
		return;
	p->count += d;
	if (d > 0 && (!p->nw || p->w[p->nw - 1] != w)) {
		if (p->nw == p->cw) {
			/* Most pairs occur in a handful of words: start small, then double. */
			p->cw = !p->cw ? 2 : p->cw > UINT32_MAX / 2 ? UINT32_MAX : 2 * p->cw;
			p->w = xrealloc(p->w, (size_t)p->cw * sizeof(*p->w));
		}
		p->w[p->nw++] = w;
	}
	if (!p->dirty) {
		p->dirty = 1;
		ALLOC_GROW(t->dirty, t->ndirty + 1, t->dalloc);
		t->dirty[t->ndirty++] = i;
	}
}

/* ---- heap: max by count, then smallest (ord[a], ord[b]) ---- */

static inline int better(const struct bpe *t, uint32_t x, uint32_t y)
{
	const struct pair *p = &t->p[x], *q = &t->p[y];
	if (p->hcount != q->hcount)
		return p->hcount > q->hcount;
	if (t->ord[p->a] != t->ord[q->a])
		return t->ord[p->a] < t->ord[q->a];
	return t->ord[p->b] < t->ord[q->b];
}

static inline void heap_set(struct bpe *t, size_t pos, uint32_t i)
{
	t->heap[pos] = i;
	t->p[i].heap = (uint32_t)pos;
}

static void heap_up(struct bpe *t, size_t pos)
{
	uint32_t i = t->heap[pos];
	while (pos > 0) {
		size_t parent = (pos - 1) / 2;
		if (!better(t, i, t->heap[parent]))
			break;
		heap_set(t, pos, t->heap[parent]);
		pos = parent;
	}
	heap_set(t, pos, i);
}

static void heap_down(struct bpe *t, size_t pos)
{
	uint32_t i = t->heap[pos];
	for (;;) {
		size_t c = 2 * pos + 1;
		if (c >= t->nheap)
			break;
		if (c + 1 < t->nheap && better(t, t->heap[c + 1], t->heap[c]))
			c++;
		if (!better(t, t->heap[c], i))
			break;
		heap_set(t, pos, t->heap[c]);
		pos = c;
	}
	heap_set(t, pos, i);
}

static void heap_remove(struct bpe *t, uint32_t i)
{
	size_t pos = t->p[i].heap;
	if (pos == NO_HEAP)
		return;
	t->p[i].heap = NO_HEAP;
	uint32_t last = t->heap[--t->nheap];
	if (pos == t->nheap)
		return;
	heap_set(t, pos, last);
	heap_up(t, pos);
	heap_down(t, t->p[last].heap);
}

/*
 * After a step: re-place the pairs whose count went up (new pairs, or a reused token id) and
 * forget the lists of pairs that fell to zero. Decreases are left lazy, as in HuggingFace's
 * trainer: a pair's heap key (hcount) may be above its count, never below, so a top whose key
 * equals its count is the true best; pop_best() re-places stale tops. The heap orders by
 * hcount, which changes one pair at a time, so each sift sees an otherwise valid heap.
 */
static void settle_dirty(struct bpe *t)
{
	for (size_t k = 0; k < t->ndirty; k++) {
		uint32_t i = t->dirty[k];
		struct pair *p = &t->p[i];
		p->dirty = 0;
		if (p->count < 0)
			BUG("negative pair count");
		if (p->count == 0) {
			free(p->w);
			p->w = NULL;
			p->nw = p->cw = 0;
			continue;
		}
		if (p->heap == NO_HEAP) {
			p->hcount = p->count;
			t->heap[t->nheap] = i;
			p->heap = (uint32_t)t->nheap++;
			heap_up(t, p->heap);
		} else if (p->count > p->hcount) {
			p->hcount = p->count;
			heap_up(t, p->heap);
		}
	}
	t->ndirty = 0;
}

/* The best pair (left at the top of the heap), or UINT32_MAX when none is left. */
static uint32_t pop_best(struct bpe *t)
{
	while (t->nheap) {
		uint32_t i = t->heap[0];
		struct pair *p = &t->p[i];
		if (p->hcount == p->count)
			return i;
		if (p->count == 0) {
			heap_remove(t, i);
		} else {
			p->hcount = p->count;
			heap_down(t, 0);
		}
	}
	return UINT32_MAX;
}

/* ---- tokens ---- */

static uint32_t tok_find(const struct bpe *t, const char *s, size_t n, size_t *slot)
{
	size_t mask = t->ntslots - 1;
	size_t h = (size_t)XXH3_64bits(s, n) & mask;
	for (;;) {
		uint32_t v = t->tslot[h];
		if (!v)
			break;
		if (t->tlen[v - 1] == n && !memcmp(t->tbytes.data + t->toff[v - 1], s, n))
			return v - 1;
		h = (h + 1) & mask;
	}
	*slot = h;
	return UINT32_MAX;
}

static uint32_t tok_add(struct bpe *t, const char *s, size_t n)
{
	size_t slot;
	uint32_t id = tok_find(t, s, n, &slot);
	if (id != UINT32_MAX)
		return id;
	id = (uint32_t)t->ntok;
	ALLOC_GROW(t->toff, t->ntok + 1, t->talloc);
	t->tlen = xrealloc(t->tlen, t->talloc * sizeof(*t->tlen));
	t->ord = xrealloc(t->ord, t->talloc * sizeof(*t->ord));
	t->toff[id] = t->tbytes.len;
	t->tlen[id] = (uint32_t)n;
	t->ord[id] = id < 256 ? train_byte_order(id) : id;
	buf_add(&t->tbytes, s, n);
	t->tslot[slot] = id + 1;
	t->ntok++;
	if (t->ntok * 2 > t->ntslots) {
		free(t->tslot);
		t->ntslots *= 2;
		t->tslot = xcalloc(t->ntslots, sizeof(*t->tslot));
		size_t mask = t->ntslots - 1;
		for (size_t i = 0; i < t->ntok; i++) {
			size_t h = (size_t)XXH3_64bits(t->tbytes.data + t->toff[i], t->tlen[i]) & mask;
			while (t->tslot[h])
				h = (h + 1) & mask;
			t->tslot[h] = (uint32_t)(i + 1);
		}
	}
	return id;
}

/* Is bytes' byte-level spelling one of the special tokens? */
static int is_special_spelling(struct bpe *t, const char *s, size_t n)
{
	if (!t->prm->nspecials)
		return 0;
	buf_reset(&t->spell);
	train_spell(&t->spell, s, n);
	for (uint32_t i = 0; i < t->prm->nspecials; i++)
		if (!strcmp(t->spell.data, t->prm->specials[i]))
			return 1;
	return 0;
}

/* ---- the merge loop ---- */

static void merge_word(struct bpe *t, uint32_t w, uint32_t a, uint32_t b, uint32_t x)
{
	struct word *wd = &t->words[w];
	uint32_t *s = t->sym + wd->start;
	uint32_t n = wd->len, i = 0, j = 0;
	int64_t c = (int64_t)wd->count;
	while (i < n) {
		if (s[i] == a && i + 1 < n && s[i + 1] == b) {
			if (j > 0) {
				pair_delta(t, s[j - 1], a, -c, w);
				pair_delta(t, s[j - 1], x, c, w);
			}
			if (i + 2 < n) {
				pair_delta(t, b, s[i + 2], -c, w);
				pair_delta(t, x, s[i + 2], c, w);
			}
			s[j++] = x;
			i += 2;
		} else {
			s[j++] = s[i++];
		}
	}
	wd->len = j;
}

static void bpe_release(struct bpe *t)
{
	free(t->words);
	free(t->sym);
	for (size_t i = 0; i < t->np; i++)
		free(t->p[i].w);
	free(t->p);
	free(t->pslot);
	free(t->heap);
	free(t->dirty);
	buf_release(&t->tbytes);
	free(t->toff);
	free(t->tlen);
	free(t->ord);
	free(t->tslot);
	buf_release(&t->spell);
	buf_release(&t->nb);
	free(t->merges);
}

/* The 256 byte tokens; -1 when a special token is the spelling of one of them. */
static int bpe_init(struct bpe *t, const struct train_params *prm, struct buf *err)
{
	memset(t, 0, sizeof(*t));
	t->prm = prm;
	buf_init(&t->tbytes, 0);
	buf_init(&t->spell, 0);
	buf_init(&t->nb, 0);
	t->ntslots = 1024; /* grows with the tokens: --vocab-size may be far above what is learned */
	t->tslot = xcalloc(t->ntslots, sizeof(*t->tslot));
	for (unsigned i = 0; i < 256; i++) {
		char c = (char)i;
		tok_add(t, &c, 1);
		if (is_special_spelling(t, &c, 1)) {
			buf_addf(err, "special token '%s' is the byte-level spelling of byte 0x%02X, "
				      "which is already token %u", t->spell.data, i, i);
			return -1;
		}
	}
	return 0;
}

/* Words: the pieces of two or more bytes, and their pairs counted. -1 when too many. */
static int bpe_words(struct bpe *t, struct train_pieces *pieces, struct buf *err)
{
	for (size_t i = 0; i < pieces->n; i++)
		if (pieces->e[i].len >= 2) {
			t->nwords++;
			t->nsym += pieces->e[i].len;
		}
	if (t->nwords >= UINT32_MAX) {
		buf_addf(err, "too many distinct pieces (%zu); lower --max-pieces", t->nwords);
		return -1;
	}
	t->words = xmalloc((t->nwords ? t->nwords : 1) * sizeof(*t->words));
	t->sym = xmalloc((t->nsym ? t->nsym : 1) * sizeof(*t->sym));
	t->npslots = 1024;
	t->pslot = xcalloc(t->npslots, sizeof(*t->pslot));
	size_t w = 0, off = 0;
	for (size_t i = 0; i < pieces->n; i++) {
		const struct train_piece *e = &pieces->e[i];
		if (e->len < 2)
			continue;
		const unsigned char *s = (const unsigned char *)train_piece_bytes(pieces, e);
		t->words[w].count = e->count;
		t->words[w].start = off;
		t->words[w].len = e->len;
		t->words[w].stamp = 0;
		for (uint32_t k = 0; k < e->len; k++)
			t->sym[off + k] = s[k];
		for (uint32_t k = 0; k + 1 < e->len; k++)
			pair_delta(t, s[k], s[k + 1], (int64_t)e->count, (uint32_t)w);
		off += e->len;
		w++;
	}
	return 0;
}

/* Rewrite every word on a merged pair's list (each once: a word may be listed twice). */
static void bpe_rewrite(struct bpe *t, const uint32_t *list, uint32_t nl, uint32_t a, uint32_t b,
			uint32_t x)
{
	uint32_t stamp = ++t->stamp;
	for (uint32_t k = 0; k < nl; k++) {
		/* Words are scattered in memory: fetch a word's header ahead, then its symbols. */
		if (k + 16 < nl)
			__builtin_prefetch(&t->words[list[k + 16]]);
		if (k + 8 < nl)
			__builtin_prefetch(t->sym + t->words[list[k + 8]].start);
		uint32_t wi = list[k];
		if (t->words[wi].stamp == stamp)
			continue;
		t->words[wi].stamp = stamp;
		merge_word(t, wi, a, b, x);
	}
}

enum { STEP_MERGED, STEP_SKIPPED, STEP_END };

/* One step: the best pair merged, or skipped (its token would spell a special token), or
 * STEP_END when no pair is left with a count of at least minf. */
static int bpe_step(struct bpe *t, uint64_t minf, struct train_result *r)
{
	uint32_t top = pop_best(t);
	if (top == UINT32_MAX)
		return STEP_END;
	struct pair *p = &t->p[top];
	if ((uint64_t)p->count < minf)
		return STEP_END;
	uint32_t a = p->a, b = p->b;
	buf_reset(&t->nb);
	buf_add(&t->nb, t->tbytes.data + t->toff[a], t->tlen[a]);
	buf_add(&t->nb, t->tbytes.data + t->toff[b], t->tlen[b]);
	heap_remove(t, top);
	p->done = 1;
	if (is_special_spelling(t, t->nb.data, t->nb.len)) {
		free(p->w);
		p->w = NULL;
		p->nw = p->cw = 0;
		return STEP_SKIPPED;
	}
	uint32_t x = tok_add(t, t->nb.data, t->nb.len);
	ALLOC_GROW(t->merges, t->nmerges + 1, t->merges_alloc);
	t->merges[t->nmerges++] = (struct train_merge){ .left = a, .right = b, .id = x };
	r->last_count = (uint64_t)p->count;
	uint32_t *list = p->w;
	uint32_t nl = p->nw;
	p->w = NULL;
	p->nw = p->cw = 0;
	bpe_rewrite(t, list, nl, a, b, x); /* may move t->p */
	free(list);
	t->p[top].count = 0;
	if (t->np + 1 > t->heap_alloc) {
		t->heap_alloc = t->np + t->np / 2 + 1;
		t->heap = xrealloc(t->heap, t->heap_alloc * sizeof(*t->heap));
	}
	settle_dirty(t);
	return STEP_MERGED;
}

/* Bytes of the pair tables and the heap now. */
static size_t bpe_table_bytes(const struct bpe *t)
{
	return t->palloc * sizeof(*t->p) + t->npslots * 4 + t->heap_alloc * 4;
}

/* Merge until the vocabulary is full or no pair is frequent enough. */
static void bpe_loop(struct bpe *t, struct train_result *r)
{
	const struct train_params *prm = t->prm;
	uint64_t minf = prm->min_frequency ? prm->min_frequency : 1;
	uint32_t target = prm->vocab_size - prm->nspecials;
	while (t->ntok < target) {
		int st = bpe_step(t, minf, r);
		if (st == STEP_END)
			break;
		if (st == STEP_SKIPPED)
			continue;
		if (prm->progress && t->nmerges % 1000 == 0)
			prm->progress(prm->progress_ctx, (uint32_t)t->nmerges, target - 256);
		if (t->nmerges % 4096 == 0 && bpe_table_bytes(t) > t->peak)
			t->peak = bpe_table_bytes(t);
	}
	if (prm->progress)
		prm->progress(prm->progress_ctx, (uint32_t)t->nmerges, target - 256);
}

int train_bpe(struct train_pieces *pieces, const struct train_params *prm,
	      struct train_result *r, struct buf *err)
{
	memset(r, 0, sizeof(*r));
	if ((uint64_t)prm->vocab_size < 256 + (uint64_t)prm->nspecials) {
		buf_addf(err, "vocabulary size %u is below 256 bytes + %u special token(s)",
			 prm->vocab_size, prm->nspecials);
		return -1;
	}
	struct bpe t;
	if (bpe_init(&t, prm, err) < 0 || bpe_words(&t, pieces, err) < 0) {
		bpe_release(&t);
		return -1;
	}
	r->words = t.nwords;
	r->symbols = t.nsym;
	if (prm->release_pieces)
		train_pieces_release(pieces); /* the words hold everything from here on */
	t.heap = xmalloc((t.np + 1) * sizeof(*t.heap));
	t.heap_alloc = t.np + 1;
	settle_dirty(&t);
	bpe_loop(&t, r);
	size_t m = bpe_table_bytes(&t);
	r->peak_memory = (t.peak > m ? t.peak : m) + t.nwords * sizeof(*t.words) + t.nsym * 4;
	r->pairs_created = t.np;
	r->ntokens = (uint32_t)t.ntok;
	r->tok_bytes = buf_detach(&t.tbytes, NULL);
	r->tok_off = t.toff;
	r->tok_len = t.tlen;
	t.toff = NULL;
	t.tlen = NULL;
	r->merges = t.merges;
	r->nmerges = (uint32_t)t.nmerges;
	t.merges = NULL;
	bpe_release(&t);
	return 0;
}

void train_result_release(struct train_result *r)
{
	free(r->tok_bytes);
	free(r->tok_off);
	free(r->tok_len);
	free(r->merges);
	memset(r, 0, sizeof(*r));
}
