/*
 * The piece table of the BPE trainer: distinct pre-token pieces and their 64-bit counts.
 *
 * Entries live in an array in insertion order (so iteration is deterministic), their bytes in
 * one arena, and an open-addressing index of 32-bit entry numbers finds them by XXH3 hash.
 * Workers fill one small table per batch and pass it serialized in the batch; the main thread
 * adds the batches in input order to the global table, so its contents never depend on -j.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lib/xalloc.h"
#include "tokenize/train.h"

void train_pieces_init(struct train_pieces *t)
{
	memset(t, 0, sizeof(*t));
	buf_init(&t->bytes, 0);
	t->nslots = 1024;
	t->slot = xcalloc(t->nslots, sizeof(*t->slot));
}

void train_pieces_release(struct train_pieces *t)
{
	free(t->e);
	free(t->slot);
	buf_release(&t->bytes);
	memset(t, 0, sizeof(*t));
}

void train_pieces_reset(struct train_pieces *t)
{
	t->n = 0;
	t->total = 0;
	memset(t->slot, 0, t->nslots * sizeof(*t->slot));
	buf_reset(&t->bytes);
}

static void rehash(struct train_pieces *t, size_t nslots)
{
	free(t->slot);
	t->nslots = nslots;
	t->slot = xcalloc(nslots, sizeof(*t->slot));
	size_t mask = nslots - 1;
	for (size_t i = 0; i < t->n; i++) {
		size_t h = t->e[i].hash & mask;
		while (t->slot[h])
			h = (h + 1) & mask;
		t->slot[h] = (uint64_t)t->e[i].hash << 32 | (i + 1);
	}
}

static void add_hashed(struct train_pieces *t, const char *p, size_t n, uint64_t count, uint32_t hash)
{
	size_t mask = t->nslots - 1;
	size_t h = hash & mask;
	uint64_t inl = 0;
	if (n <= 8)
		memcpy(&inl, p, n);
	for (;;) {
		uint64_t s = t->slot[h];
		if (!s)
			break;
		if ((uint32_t)(s >> 32) == hash) {
			struct train_piece *e = &t->e[(uint32_t)s - 1];
			if (e->len == n && (n <= 8 ? e->off == inl : !memcmp(t->bytes.data + e->off, p, n))) {
				e->count += count;
				return;
			}
		}
		h = (h + 1) & mask;
	}
	if (t->n >= UINT32_MAX - 1)
		return; /* cannot index more; callers prune long before */
	ALLOC_GROW(t->e, t->n + 1, t->alloc);
	struct train_piece *e = &t->e[t->n];
	e->count = count;
	e->len = (uint32_t)n;
	e->hash = hash;
	if (n <= 8) {
		e->off = inl;
	} else {
		e->off = t->bytes.len;
		buf_add(&t->bytes, p, n);
	}
	t->slot[h] = (uint64_t)hash << 32 | ++t->n;
	if (t->n * 2 > t->nslots)
		rehash(t, t->nslots * 2);
}

void train_pieces_add(struct train_pieces *t, const char *p, size_t n, uint64_t count)
{
	if (n > UINT32_MAX)
		n = UINT32_MAX; /* a 4 GiB piece: keep its prefix (documents are capped far below) */
	t->total += count;
	add_hashed(t, p, n, count, (uint32_t)XXH3_64bits(p, n));
}

void train_pieces_serialize(const struct train_pieces *t, struct buf *out)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct train_piece *e = &t->e[i];
		buf_grow(out, 12 + e->len);
		memcpy(out->data + out->len, &e->count, 8);
		memcpy(out->data + out->len + 8, &e->len, 4);
		memcpy(out->data + out->len + 12, train_piece_bytes(t, e), e->len);
		buf_setlen(out, out->len + 12 + e->len);
	}
}

int train_pieces_add_serialized(struct train_pieces *t, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint64_t count;
		uint32_t len;
		if (n - i < 12)
			return -1;
		memcpy(&count, p + i, 8);
		memcpy(&len, p + i + 8, 4);
		if (n - i - 12 < len)
			return -1;
		train_pieces_add(t, p + i + 12, len, count);
		i += 12 + (size_t)len;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void train_pieces_prune(struct train_pieces *t, size_t max)
{
	if (!max || t->n <= max)
		return;
	/* The smallest threshold k such that keeping count >= k leaves at most max/2 entries. */
	size_t keep = max / 2;
	uint64_t *c = xmalloc(t->n * sizeof(*c));
	for (size_t i = 0; i < t->n; i++)
		c[i] = t->e[i].count;
	qsort(c, t->n, sizeof(*c), cmp_u64);
	/* c sorted ascending; entries >= c[n - keep] number at least keep: take the next larger. */
	uint64_t k = c[t->n - keep - 1] + 1;
	free(c);
	if (k > t->min_kept)
		t->min_kept = k;
	struct buf nb = BUF_INIT;
	buf_grow(&nb, t->bytes.len / 2);
	size_t j = 0;
	for (size_t i = 0; i < t->n; i++) {
		struct train_piece e = t->e[i];
		if (e.count < k) {
			t->pruned_pieces++;
			t->pruned_count += e.count;
			continue;
		}
		if (e.len > 8) {
			size_t off = nb.len;
			buf_add(&nb, t->bytes.data + e.off, e.len);
			e.off = off;
		}
		t->e[j++] = e;
	}
	t->n = j;
	buf_release(&t->bytes);
	t->bytes = nb;
	size_t nslots = 1024;
	while (nslots < 2 * t->n + 2)
		nslots *= 2;
	rehash(t, nslots);
}

size_t train_pieces_memory(const struct train_pieces *t)
{
	return t->alloc * sizeof(*t->e) + t->nslots * sizeof(*t->slot) + t->bytes.cap;
}
