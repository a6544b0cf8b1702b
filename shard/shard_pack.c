/*
 * Packing conversations into rows of exactly SEQ_LEN tokens (`grist shard --pack SEQ_LEN`), none
 * split across rows. docs/shard.md ("Packing") states the algorithm:
 *
 *   Conversations arrive in final order (after any shuffle and the split) and are collected in a
 *   window of --pack-window of them. A full window (and the last one) is packed by best-fit
 *   decreasing: its conversations sorted by length, longest first (ties: earlier first), each
 *   put into the open row with the least room that still holds it (ties: the row opened first),
 *   or into a new row. Then the window's rows are emitted in the order they were opened, each
 *   holding its conversations in the order they were put there and padding at its end.
 *
 * Deterministic (no hashing, no threads), bounded memory (one window of conversations). Rows are
 * emitted through a callback, as shard_docs with their conversations in `segs`.
 */
#include "shard.h"

#include <stdlib.h>
#include <string.h>

#include "lib/le.h"
#include "lib/xalloc.h"

struct pack_item {
	size_t id_off, id_len, raw_off, mask_off;
	uint64_t index;
	size_t ntokens;
	size_t row, next; /* row it went to; next item of that row (SIZE_MAX: last) */
};

struct pack_row {
	size_t room, first, last;
};

struct shard_pack {
	uint32_t seq_len, width, pad_id, window;
	int has_mask;
	struct buf data; /* ids, raw ids, masks of the window's conversations */
	struct pack_item *items;
	size_t n, alloc;
	size_t *order;
	struct pack_row *rows;
	size_t nrows, rows_alloc;
	/* one row being emitted */
	struct buf raw;
	uint8_t *mask;
	struct shard_seg *segs;
	size_t segs_alloc;
	uint64_t out_rows, real, pad;
};

struct shard_pack *shard_pack_new(uint32_t seq_len, uint32_t width, uint32_t pad_id,
				  uint32_t window, int has_mask)
{
	struct shard_pack *p = xcalloc(1, sizeof(*p));
	p->seq_len = seq_len;
	p->width = width;
	p->pad_id = pad_id;
	p->window = window ? window : 1;
	p->has_mask = has_mask;
	buf_init(&p->data, 0);
	buf_init(&p->raw, (size_t)seq_len * width);
	p->mask = xmalloc(seq_len);
	return p;
}

void shard_pack_free(struct shard_pack *p)
{
	if (!p)
		return;
	buf_release(&p->data);
	buf_release(&p->raw);
	free(p->items);
	free(p->order);
	free(p->rows);
	free(p->mask);
	free(p->segs);
	free(p);
}

void shard_pack_counts(const struct shard_pack *p, uint64_t *rows, uint64_t *real, uint64_t *pad)
{
	*rows = p->out_rows;
	*real = p->real;
	*pad = p->pad;
}

static const struct shard_pack *sort_ctx; /* qsort has no context argument; packing is serial */

static int by_length_desc(const void *a, const void *b)
{
	const struct pack_item *x = &sort_ctx->items[*(const size_t *)a];
	const struct pack_item *y = &sort_ctx->items[*(const size_t *)b];
	if (x->ntokens != y->ntokens)
		return x->ntokens > y->ntokens ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index; /* earlier first */
}

/* Best fit: the open row with the least room >= need; SIZE_MAX if none. */
static size_t best_row(const struct shard_pack *p, size_t need)
{
	size_t best = SIZE_MAX;
	for (size_t r = 0; r < p->nrows; r++)
		if (p->rows[r].room >= need && (best == SIZE_MAX || p->rows[r].room < p->rows[best].room))
			best = r;
	return best;
}

static void assign_rows(struct shard_pack *p)
{
	p->order = xrealloc(p->order, p->n * sizeof(*p->order));
	for (size_t i = 0; i < p->n; i++)
		p->order[i] = i;
	sort_ctx = p;
	qsort(p->order, p->n, sizeof(*p->order), by_length_desc);
	p->nrows = 0;
	for (size_t k = 0; k < p->n; k++) {
		struct pack_item *it = &p->items[p->order[k]];
		size_t r = best_row(p, it->ntokens);
		if (r == SIZE_MAX) {
			ALLOC_GROW(p->rows, p->nrows + 1, p->rows_alloc);
			r = p->nrows++;
			p->rows[r].room = p->seq_len;
			p->rows[r].first = p->order[k];
		} else {
			p->items[p->rows[r].last].next = p->order[k];
		}
		p->rows[r].room -= it->ntokens;
		p->rows[r].last = p->order[k];
		it->row = r;
		it->next = SIZE_MAX;
	}
}

static void put_id(unsigned char *q, uint32_t width, uint32_t v)
{
	if (width == 4)
		le_put32(q, v);
	else
		le_put16(q, (uint16_t)v);
}

/* Row r: its conversations back to back, then padding (pad id, mask 0) to seq_len. */
static int emit_row(struct shard_pack *p, const struct pack_row *r, shard_row_fn emit, void *ctx,
		    struct buf *err)
{
	buf_reset(&p->raw);
	size_t used = 0, nsegs = 0;
	for (size_t i = r->first; i != SIZE_MAX; i = p->items[i].next) {
		const struct pack_item *it = &p->items[i];
		ALLOC_GROW(p->segs, nsegs + 1, p->segs_alloc);
		struct shard_seg *g = &p->segs[nsegs++];
		g->id = p->data.data + it->id_off;
		g->id_len = it->id_len;
		g->index = it->index;
		g->offset = used;
		g->ntokens = it->ntokens;
		buf_add(&p->raw, p->data.data + it->raw_off, it->ntokens * p->width);
		if (p->has_mask)
			memcpy(p->mask + used, p->data.data + it->mask_off, it->ntokens);
		else
			memset(p->mask + used, 1, it->ntokens);
		used += it->ntokens;
	}
	unsigned char pad[4];
	put_id(pad, p->width, p->pad_id);
	for (size_t i = used; i < p->seq_len; i++)
		buf_add(&p->raw, pad, p->width);
	memset(p->mask + used, 0, p->seq_len - used);
	p->out_rows++;
	p->real += used;
	p->pad += p->seq_len - used;
	const struct shard_seg *g = &p->segs[0];
	struct shard_doc row = { g->id, g->id_len, g->index, p->seq_len, p->raw.data, p->mask,
				 p->segs, nsegs };
	return emit(ctx, &row, err);
}

int shard_pack_flush(struct shard_pack *p, shard_row_fn emit, void *ctx, struct buf *err)
{
	if (!p->n)
		return 0;
	assign_rows(p);
	int rc = 0;
	for (size_t r = 0; r < p->nrows && !rc; r++)
		rc = emit_row(p, &p->rows[r], emit, ctx, err);
	p->n = 0;
	buf_reset(&p->data);
	return rc;
}

int shard_pack_add(struct shard_pack *p, const struct shard_doc *d, shard_row_fn emit, void *ctx,
		   struct buf *err)
{
	ALLOC_GROW(p->items, p->n + 1, p->alloc);
	struct pack_item *it = &p->items[p->n++];
	it->id_off = p->data.len;
	it->id_len = d->id_len;
	buf_add(&p->data, d->id, d->id_len);
	it->raw_off = p->data.len;
	buf_add(&p->data, d->raw, d->ntokens * p->width);
	it->mask_off = p->data.len;
	if (p->has_mask)
		buf_add(&p->data, d->mask, d->ntokens);
	it->index = d->index;
	it->ntokens = d->ntokens;
	return p->n >= p->window ? shard_pack_flush(p, emit, ctx, err) : 0;
}
