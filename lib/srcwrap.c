/*
 * Sources layered over other sources: a peeked prefix put back in front of a stream, a
 * memory buffer, and a read-ahead thread that runs a (decompressing) source on another core
 * so decoding overlaps with parsing (docs/design.md section 9: zstd decodes at 650-830 MB/s on
 * one core, so the parser must not share that core).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/source.h"
#include "lib/die.h"
#include "lib/parallel.h"
#include "lib/xalloc.h"

struct prefixed {
	struct source *inner;
	char *pre;
	size_t n, pos;
};

static ssize_t prefixed_read(struct source *s, void *out, size_t n, struct buf *err)
{
	struct prefixed *p = s->ctx;
	if (p->pos < p->n) {
		size_t k = p->n - p->pos < n ? p->n - p->pos : n;
		memcpy(out, p->pre + p->pos, k);
		p->pos += k;
		return (ssize_t)k;
	}
	ssize_t r = source_read(p->inner, out, n, err);
	s->io_failed |= p->inner->io_failed;
	return r;
}

static void prefixed_close(struct source *s)
{
	struct prefixed *p = s->ctx;
	free(p->pre);
	free(p);
	s->ctx = NULL;
}

void source_init_fn(struct source *s, const char *name,
		    ssize_t (*read_fn)(struct source *s, void *buf, size_t n, struct buf *err),
		    void (*close_fn)(struct source *s), void *ctx, int64_t size)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->name = xstrdup(name);
	s->read_fn = read_fn;
	s->close_fn = close_fn;
	s->ctx = ctx;
	s->size = size;
}

void source_init_prefixed(struct source *s, struct source *inner, const char *name,
			  const char *prefix, size_t n)
{
	struct prefixed *p = xcalloc(1, sizeof(*p));
	p->inner = inner;
	p->pre = xmemdup(prefix, n);
	p->n = n;
	source_init_fn(s, name, prefixed_read, prefixed_close, p, inner->size);
}

struct memsrc {
	const char *p;
	size_t n, pos;
};

static ssize_t memory_read(struct source *s, void *out, size_t n, struct buf *err)
{
	struct memsrc *m = s->ctx;
	size_t k = m->n - m->pos < n ? m->n - m->pos : n;
	memcpy(out, m->p + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

static void memory_close(struct source *s)
{
	free(s->ctx);
	s->ctx = NULL;
}

void source_init_memory(struct source *s, const char *name, const char *p, size_t n)
{
	struct memsrc *m = xcalloc(1, sizeof(*m));
	m->p = p;
	m->n = n;
	source_init_fn(s, name, memory_read, memory_close, m, (int64_t)n);
}

static ssize_t failing_read(struct source *s, void *out, size_t n, struct buf *err)
{
	buf_addstr(err, s->ctx);
	return -1;
}

static void failing_close(struct source *s)
{
	free(s->ctx);
	s->ctx = NULL;
}

void source_init_failing(struct source *s, const char *name, const char *msg)
{
	source_init_fn(s, name, failing_read, failing_close, xstrdup(msg), -1);
}

int source_memory_view(struct source *s, const char **p, size_t *n)
{
	if (s->read_fn != memory_read)
		return 0;
	const struct memsrc *m = s->ctx;
	*p = m->p + m->pos;
	*n = m->n - m->pos;
	return 1;
}

/* Read-ahead: a ring of chunks filled by the reader thread, drained by source_read. */
#define RA_CHUNKS 4
#define RA_CHUNK (1u << 20)

struct ra_chunk {
	char *data;
	ssize_t len; /* bytes, 0 = end, -1 = error (message in err) */
	size_t pos;
	int full;
};

struct readahead {
	struct source *inner;
	pthread_t *thread; /* one, from par_threads_start */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ra_chunk c[RA_CHUNKS];
	unsigned head; /* next chunk the consumer reads */
	int stop;      /* consumer closed early */
	int done;      /* producer delivered end or error */
	int io_failed; /* the error was the inner source's io_failed (written under mu) */
	struct buf err;
};

static void *ra_main(void *arg)
{
	struct readahead *ra = arg;
	struct buf err = BUF_INIT;
	int failed = 0;
	for (unsigned i = 0;; i = (i + 1) % RA_CHUNKS) {
		struct ra_chunk *c = &ra->c[i];
		pthread_mutex_lock(&ra->mu);
		while (c->full && !ra->stop)
			pthread_cond_wait(&ra->cv, &ra->mu);
		int stop = ra->stop;
		pthread_mutex_unlock(&ra->mu);
		if (stop)
			break;
		/* Fill the chunk; data read before an error is delivered first, the error in the
		 * next chunk, so records before the damage are kept. */
		ssize_t n = 0;
		while (!failed && (size_t)n < RA_CHUNK) {
			ssize_t r = source_read(ra->inner, c->data + n, RA_CHUNK - (size_t)n, &err);
			if (r < 0)
				failed = 1;
			if (r <= 0)
				break;
			n += r;
		}
		if (failed && n == 0)
			n = -1;
		pthread_mutex_lock(&ra->mu);
		c->len = n;
		c->pos = 0;
		c->full = 1;
		if (n < 0) {
			buf_addstr(&ra->err, err.data);
			ra->io_failed |= ra->inner->io_failed;
		}
		if (n <= 0)
			ra->done = 1;
		pthread_cond_broadcast(&ra->cv);
		pthread_mutex_unlock(&ra->mu);
		if (n <= 0)
			break;
	}
	buf_release(&err);
	return NULL;
}

static ssize_t ra_read(struct source *s, void *out, size_t n, struct buf *err)
{
	struct readahead *ra = s->ctx;
	struct ra_chunk *c = &ra->c[ra->head];
	pthread_mutex_lock(&ra->mu);
	while (!c->full)
		pthread_cond_wait(&ra->cv, &ra->mu);
	pthread_mutex_unlock(&ra->mu);
	if (c->len < 0) {
		buf_addstr(err, ra->err.data);
		s->io_failed = ra->io_failed;
		return -1;
	}
	if (c->len == 0)
		return 0;
	size_t k = (size_t)c->len - c->pos < n ? (size_t)c->len - c->pos : n;
	memcpy(out, c->data + c->pos, k);
	c->pos += k;
	if (c->pos == (size_t)c->len) {
		pthread_mutex_lock(&ra->mu);
		c->full = 0;
		pthread_cond_broadcast(&ra->cv);
		pthread_mutex_unlock(&ra->mu);
		ra->head = (ra->head + 1) % RA_CHUNKS;
	}
	return (ssize_t)k;
}

static void ra_close(struct source *s)
{
	struct readahead *ra = s->ctx;
	par_threads_stop(ra->thread, 1, &ra->mu, &ra->cv, &ra->stop);
	for (int i = 0; i < RA_CHUNKS; i++)
		free(ra->c[i].data);
	pthread_mutex_destroy(&ra->mu);
	pthread_cond_destroy(&ra->cv);
	buf_release(&ra->err);
	free(ra);
	s->ctx = NULL;
}

void source_init_readahead(struct source *s, struct source *inner, const char *name)
{
	struct readahead *ra = xcalloc(1, sizeof(*ra));
	ra->inner = inner;
	for (int i = 0; i < RA_CHUNKS; i++)
		ra->c[i].data = xmalloc(RA_CHUNK);
	buf_init(&ra->err, 0);
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->cv, NULL);
	source_init_fn(s, name, ra_read, ra_close, ra, inner->size);
	ra->thread = par_threads_start(1, ra_main, ra, "the read-ahead thread");
}
