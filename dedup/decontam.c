/* Decontamination n-gram set; see decontam.h. */
#include "dedup/decontam.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "dedup/dedup_norm.h"
#include "lib/xalloc.h"

void decontam_init(struct decontam *d, int n)
{
	memset(d, 0, sizeof(*d));
	d->n = n;
	d->size = 1024;
	d->slots = xcalloc(d->size, sizeof(uint64_t));
	buf_init(&d->norm, 0);
}

void decontam_release(struct decontam *d)
{
	free(d->slots);
	buf_release(&d->norm);
	memset(d, 0, sizeof(*d));
}

static void put(uint64_t *slots, size_t size, uint64_t v, size_t *used)
{
	size_t i = (size_t)(v >> 7) & (size - 1);
	while (slots[i] && slots[i] != v)
		i = (i + 1) & (size - 1);
	if (!slots[i]) {
		slots[i] = v;
		(*used)++;
	}
}

static void insert(struct decontam *d, uint64_t h)
{
	if ((d->used + 1) * 4 > d->size * 3) {
		size_t nsize = d->size * 2, used = 0;
		uint64_t *n = xcalloc(nsize, sizeof(uint64_t));
		for (size_t i = 0; i < d->size; i++)
			if (d->slots[i])
				put(n, nsize, d->slots[i], &used);
		free(d->slots);
		d->slots = n;
		d->size = nsize;
	}
	put(d->slots, d->size, h | 1, &d->used);
}

static int contains(const struct decontam *d, uint64_t h)
{
	uint64_t v = h | 1;
	size_t i = (size_t)(v >> 7) & (d->size - 1);
	while (d->slots[i]) {
		if (d->slots[i] == v)
			return 1;
		i = (i + 1) & (d->size - 1);
	}
	return 0;
}

/* Calls fn for each run of `n` consecutive words: (start, end) byte offsets. */
#define FOR_EACH_NGRAM(norm, len, n, body)                                            \
	do {                                                                          \
		size_t ws_[64], head_ = 0, nw_ = 0; /* ring of the last n word starts */ \
		size_t pos_ = 0;                                                      \
		while (pos_ < (len)) {                                                \
			size_t ws = pos_;                                             \
			const char *sp_ = memchr((norm) + pos_, ' ', (len) - pos_);   \
			size_t we = sp_ ? (size_t)(sp_ - (norm)) : (len);             \
			ws_[(head_ + nw_) % 64] = ws;                                 \
			if (nw_ < (size_t)(n))                                        \
				nw_++;                                                \
			else                                                          \
				head_ = (head_ + 1) % 64;                             \
			if (nw_ == (size_t)(n)) {                                     \
				size_t gs = ws_[head_], ge = we;                      \
				body;                                                 \
			}                                                             \
			pos_ = we + 1;                                                \
		}                                                                     \
	} while (0)

void decontam_add_text(struct decontam *d, const char *text, size_t len)
{
	dedup_normalize(text, len, &d->norm);
	const char *norm = d->norm.data;
	size_t nlen = d->norm.len;
	d->refs++;
	size_t words = 0;
	for (size_t i = 0; i < nlen; i++)
		words += norm[i] == ' ';
	words += nlen > 0;
	if (words < (size_t)d->n) {
		d->short_refs++;
		if (words >= DECONTAM_MIN_WORDS) {
			d->short_used++;
			d->short_lengths |= 1ULL << words;
			insert(d, XXH3_64bits(norm, nlen));
		}
		return;
	}
	FOR_EACH_NGRAM(norm, nlen, d->n, insert(d, XXH3_64bits(norm + gs, ge - gs)));
}

int decontam_check(const struct decontam *d, const char *norm, size_t len, struct buf *match)
{
	int n = d->n;
	FOR_EACH_NGRAM(norm, len, n, if (contains(d, XXH3_64bits(norm + gs, ge - gs))) {
		if (match) {
			buf_reset(match);
			buf_add(match, norm + gs, ge - gs);
		}
		return 1;
	});
	for (int w = DECONTAM_MIN_WORDS; w < n && w < 64; w++) {
		if (!(d->short_lengths >> w & 1))
			continue;
		FOR_EACH_NGRAM(norm, len, w, if (contains(d, XXH3_64bits(norm + gs, ge - gs))) {
			if (match) {
				buf_reset(match);
				buf_add(match, norm + gs, ge - gs);
			}
			return 1;
		});
	}
	return 0;
}
