/*
 * --shuffle: a reproducible pseudo-random document order in bounded memory (two-pass bucket
 * shuffle).
 *
 * Method: document i (its 0-based position in the input) goes to bucket
 * floor(K * h(seed, i) / 2^64) of K buckets (--shuffle-buckets, default 256), h a SplitMix64-based
 * hash. Buckets are kept in memory until they hold more than --shuffle-memory bytes, then all of
 * them are appended to unlinked temporary files (in the output directory, or --tmp-dir) and
 * emptied. At the end each bucket in turn is loaded, its documents permuted by Fisher-Yates with a
 * SplitMix64 generator seeded from (seed, bucket) and unbiased bounded draws (Lemire), and emitted.
 * Independent uniform bucket choices followed by uniform shuffles within buckets give a uniformly
 * random permutation. The order depends only on the input, the seed and K: not on the memory
 * limit or on whether anything was spilled.
 *
 * Memory: about --shuffle-memory during the first pass, then the largest bucket (about input
 * size / K) plus 8 bytes per document in it. Disk: one copy of the token stream when spilling;
 * the spill files are unlinked as soon as they are created, so no run (not even one killed with
 * SIGKILL) leaves them behind.
 */
#include "shard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/die.h"
#include "lib/le.h"
#include "lib/splitmix.h"
#include "lib/xalloc.h"

static uint64_t hash3(uint64_t seed, uint64_t stream, uint64_t index)
{
	return splitmix64(splitmix64(splitmix64(seed) ^ stream) ^ index);
}

double shard_unit(uint64_t seed, uint64_t stream, uint64_t index)
{
	return (double)(hash3(seed, stream, index) >> 11) * 0x1.0p-53;
}

__extension__ typedef unsigned __int128 u128;

/* Uniform in [0, range), range > 0 (Lemire's multiply-and-reject). */
static uint64_t bounded(uint64_t *state, uint64_t range)
{
	uint64_t x = splitmix64(*state += SPLITMIX64_GAMMA);
	u128 m = (u128)x * range;
	uint64_t l = (uint64_t)m;
	if (l < range) {
		uint64_t t = -range % range;
		while (l < t) {
			x = splitmix64(*state += SPLITMIX64_GAMMA);
			m = (u128)x * range;
			l = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

#define STREAM_BUCKET 0x6275636b6574ull /* "bucket" */
#define STREAM_PERMUTE 0x7065726dull     /* "perm" */

uint32_t shard_bucket_of(uint64_t seed, uint32_t k, uint64_t index)
{
	return (uint32_t)(((u128)hash3(seed, STREAM_BUCKET, index) * k) >> 64);
}

void shard_permute(uint64_t seed, uint32_t bucket, size_t *a, size_t n)
{
	uint64_t state = hash3(seed, STREAM_PERMUTE, bucket);
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)bounded(&state, i);
		size_t t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

struct shard_shuffle {
	uint64_t seed;
	uint32_t k;
	size_t memory;
	char *tmp_dir;
	uint32_t width;
	int has_mask;
	struct buf *mem;
	int *fd;
	uint64_t *file_bytes;
	size_t held, peak;
	uint64_t docs;
};

struct shard_shuffle *shard_shuffle_new(const struct shard_opts *o, uint32_t width, int has_mask)
{
	struct shard_shuffle *s = xcalloc(1, sizeof(*s));
	s->seed = o->seed;
	s->k = o->shuffle_buckets ? o->shuffle_buckets : SHARD_DEFAULT_BUCKETS;
	s->memory = o->shuffle_memory;
	s->tmp_dir = xstrdup(o->tmp_dir ? o->tmp_dir : (o->out_dir && *o->out_dir ? o->out_dir : "."));
	s->width = width;
	s->has_mask = has_mask;
	s->mem = xcalloc(s->k, sizeof(*s->mem));
	s->fd = xmalloc(s->k * sizeof(*s->fd));
	s->file_bytes = xcalloc(s->k, sizeof(*s->file_bytes));
	for (uint32_t i = 0; i < s->k; i++) {
		buf_init(&s->mem[i], 0);
		s->fd[i] = -1;
	}
	return s;
}

static int write_all(int fd, const char *p, size_t n, struct buf *err)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			buf_addf(err, "write error on a shuffle spill file: %s", strerror(errno));
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int spill(struct shard_shuffle *s, struct buf *err)
{
	for (uint32_t b = 0; b < s->k; b++) {
		if (!s->mem[b].len)
			continue;
		if (s->fd[b] < 0) {
			struct buf path = BUF_INIT;
			buf_addf(&path, "%s/.grist-shuffle.XXXXXX", s->tmp_dir);
			s->fd[b] = mkstemp(path.data);
			if (s->fd[b] < 0) {
				buf_addf(err, "cannot create a shuffle spill file in %s: %s", s->tmp_dir,
					 strerror(errno));
				buf_release(&path);
				return -1;
			}
			unlink(path.data); /* nothing to clean up, whatever happens to us */
			buf_release(&path);
		}
		if (write_all(s->fd[b], s->mem[b].data, s->mem[b].len, err) < 0)
			return -1;
		s->file_bytes[b] += s->mem[b].len;
		buf_release(&s->mem[b]);
	}
	s->held = 0;
	return 0;
}

int shard_shuffle_add(struct shard_shuffle *s, const struct shard_doc *d, struct buf *err)
{
	uint32_t b = shard_bucket_of(s->seed, s->k, d->index);
	struct buf *m = &s->mem[b];
	size_t before = m->cap;
	unsigned char head[16];
	for (int i = 0; i < 8; i++)
		head[i] = (unsigned char)(d->index >> (8 * i));
	for (int i = 0; i < 4; i++) {
		head[8 + i] = (unsigned char)((uint32_t)d->id_len >> (8 * i));
		head[12 + i] = (unsigned char)((uint32_t)d->ntokens >> (8 * i));
	}
	buf_add(m, head, 16);
	buf_add(m, d->id, d->id_len);
	buf_add(m, d->raw, d->ntokens * s->width);
	if (s->has_mask)
		buf_add(m, d->mask, d->ntokens);
	s->held += m->cap - before;
	if (s->held > s->peak)
		s->peak = s->held;
	s->docs++;
	if (s->held > s->memory && spill(s, err) < 0)
		return -GRIST_EXIT_IO;
	return 0;
}

static int emit_bucket(struct shard_shuffle *s, uint32_t b, struct shard_writer *w, struct buf *err)
{
	struct buf all = BUF_INIT;
	if (s->fd[b] >= 0) {
		buf_grow(&all, s->file_bytes[b] + s->mem[b].len);
		uint64_t off = 0;
		while (off < s->file_bytes[b]) {
			ssize_t n = pread(s->fd[b], all.data + off, s->file_bytes[b] - off, (off_t)off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				buf_addf(err, "read error on a shuffle spill file: %s",
					 n < 0 ? strerror(errno) : "unexpected end of file");
				buf_release(&all);
				return -GRIST_EXIT_IO;
			}
			off += (uint64_t)n;
		}
		buf_setlen(&all, s->file_bytes[b]);
		close(s->fd[b]);
		s->fd[b] = -1;
		buf_add(&all, s->mem[b].data, s->mem[b].len);
		buf_release(&s->mem[b]);
	} else {
		all = s->mem[b];
		buf_init(&s->mem[b], 0);
	}
	if (all.cap > s->peak)
		s->peak = all.cap;
	/* Record offsets, then Fisher-Yates over them. */
	size_t *offs = NULL, n = 0, alloc = 0;
	for (size_t p = 0; p < all.len;) {
		const unsigned char *r = (const unsigned char *)all.data + p;
		size_t nt = le_get32(r + 12);
		ALLOC_GROW(offs, n + 1, alloc);
		offs[n++] = p;
		p += 16 + le_get32(r + 8) + nt * s->width + (s->has_mask ? nt : 0);
	}
	shard_permute(s->seed, b, offs, n);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		const unsigned char *r = (const unsigned char *)all.data + offs[i];
		struct shard_doc d;
		memset(&d, 0, sizeof(d));
		for (int k = 0; k < 8; k++)
			d.index |= (uint64_t)r[k] << (8 * k);
		d.id_len = le_get32(r + 8);
		d.ntokens = le_get32(r + 12);
		d.id = (const char *)r + 16;
		d.raw = r + 16 + d.id_len;
		d.mask = s->has_mask ? r + 16 + d.id_len + d.ntokens * s->width : NULL;
		rc = shard_writer_add(w, &d, err);
	}
	free(offs);
	buf_release(&all);
	return rc;
}

int shard_shuffle_finish(struct shard_shuffle *s, struct shard_writer *w, struct buf *err)
{
	for (uint32_t b = 0; b < s->k; b++) {
		int rc = emit_bucket(s, b, w, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

size_t shard_shuffle_peak(const struct shard_shuffle *s)
{
	return s->peak;
}

void shard_shuffle_free(struct shard_shuffle *s)
{
	if (!s)
		return;
	for (uint32_t b = 0; b < s->k; b++) {
		buf_release(&s->mem[b]);
		if (s->fd[b] >= 0)
			close(s->fd[b]);
	}
	free(s->mem);
	free(s->fd);
	free(s->file_bytes);
	free(s->tmp_dir);
	free(s);
}
