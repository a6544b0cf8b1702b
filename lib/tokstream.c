/* The token stream between tokenize and shard: writer and streaming reader (format in tokstream.h). */
#include "tokstream.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "die.h"
#include "le.h"
#include "output.h"
#include "xalloc.h"

#define READ_CHUNK (1u << 20)

void tokstream_header_init(struct tokstream_header *h, const char *tokenizer_name,
			   uint64_t tokenizer_hash, uint32_t vocab_size, uint32_t eot_id,
			   uint32_t flags)
{
	h->version = TOKSTREAM_VERSION;
	h->flags = flags;
	h->token_width = tokstream_width_for(vocab_size);
	h->vocab_size = vocab_size;
	h->eot_id = eot_id;
	h->tokenizer_hash = tokenizer_hash;
	h->tokenizer_name = xstrdup(tokenizer_name ? tokenizer_name : "");
}

void tokstream_header_release(struct tokstream_header *h)
{
	free(h->tokenizer_name);
	h->tokenizer_name = NULL;
}

void tokstream_header_copy(struct tokstream_header *dst, const struct tokstream_header *src)
{
	*dst = *src;
	dst->tokenizer_name = xstrdup(src->tokenizer_name ? src->tokenizer_name : "");
}

int tokstream_hash_file(const char *path, uint64_t *hash, struct buf *err)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		buf_addf(err, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		die(GRIST_EXIT_INTERNAL, "out of memory");
	XXH3_64bits_reset(st);
	char *b = xmalloc(READ_CHUNK);
	int rc = 0;
	for (;;) {
		ssize_t n = read(fd, b, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			buf_addf(err, "read error on %s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		XXH3_64bits_update(st, b, (size_t)n);
	}
	if (!rc)
		*hash = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	free(b);
	close(fd);
	return rc;
}

/* ---- sinks and sources ---- */

int tokstream_sink_output(void *ctx, const void *p, size_t n, struct buf *err)
{
	output_write(ctx, p, n);
	return 0;
}

int tokstream_sink_buf(void *ctx, const void *p, size_t n, struct buf *err)
{
	buf_add(ctx, p, n);
	return 0;
}

int tokstream_sink_fd(void *ctx, const void *p, size_t n, struct buf *err)
{
	int fd = *(int *)ctx;
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			buf_addf(err, "write error on token stream: %s", strerror(errno));
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t tokstream_source_fd(void *ctx, void *p, size_t n)
{
	for (;;) {
		ssize_t r = read(*(int *)ctx, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		return r;
	}
}

ssize_t tokstream_source_mem(void *ctx, void *p, size_t n)
{
	struct tokstream_mem *m = ctx;
	size_t left = m->len - m->pos;
	if (n > left)
		n = left;
	memcpy(p, m->p + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

/* ---- writer ---- */

static int check_header(const struct tokstream_header *h, struct buf *err)
{
	if (h->version != TOKSTREAM_VERSION) {
		buf_addf(err, "unsupported token stream version %u (this grist reads version %u)",
			 h->version, TOKSTREAM_VERSION);
		return -1;
	}
	if (h->flags & ~TOKSTREAM_F_MASK) {
		buf_addf(err, "unknown token stream flags 0x%x", h->flags & ~TOKSTREAM_F_MASK);
		return -1;
	}
	if (h->token_width != 2 && h->token_width != 4) {
		buf_addf(err, "bad token width %u (must be 2 or 4)", h->token_width);
		return -1;
	}
	if (h->vocab_size == 0 || (h->token_width == 2 && h->vocab_size > 65536)) {
		buf_addf(err, "bad vocab size %u for token width %u", h->vocab_size, h->token_width);
		return -1;
	}
	if (h->eot_id != TOKSTREAM_NO_EOT && h->eot_id >= h->vocab_size) {
		buf_addf(err, "end-of-text id %u is not below the vocab size %u", h->eot_id,
			 h->vocab_size);
		return -1;
	}
	return 0;
}

int tokstream_writer_init(struct tokstream_writer *w, const struct tokstream_header *h,
			  tokstream_write_fn write, void *ctx, struct buf *err)
{
	memset(w, 0, sizeof(*w));
	w->write = write;
	w->ctx = ctx;
	buf_init(&w->scratch, 0);
	tokstream_header_copy(&w->h, h);
	if (check_header(h, err) < 0)
		return -1;
	size_t nlen = strlen(w->h.tokenizer_name);
	if (nlen > TOKSTREAM_MAX_NAME) {
		buf_addf(err, "tokenizer name longer than %u bytes", TOKSTREAM_MAX_NAME);
		return -1;
	}
	unsigned char fixed[TOKSTREAM_HEADER_FIXED];
	memcpy(fixed, TOKSTREAM_MAGIC, 8);
	le_put32(fixed + 8, h->version);
	le_put32(fixed + 12, h->flags);
	le_put32(fixed + 16, h->token_width);
	le_put32(fixed + 20, h->vocab_size);
	le_put32(fixed + 24, h->eot_id);
	le_put32(fixed + 28, (uint32_t)nlen);
	le_put64(fixed + 32, h->tokenizer_hash);
	buf_add(&w->scratch, fixed, sizeof(fixed));
	buf_add(&w->scratch, w->h.tokenizer_name, nlen);
	int rc = w->write(w->ctx, w->scratch.data, w->scratch.len, err);
	buf_reset(&w->scratch);
	return rc;
}

int tokstream_write_doc(struct tokstream_writer *w, const char *id, size_t id_len,
			const uint32_t *ids, size_t n, const uint8_t *mask, struct buf *err)
{
	const int want_mask = !!(w->h.flags & TOKSTREAM_F_MASK);
	if (w->finished)
		BUG("tokstream_write_doc after finish");
	if (want_mask != !!mask) {
		buf_addf(err, "document %.*s: %s", (int)(id_len > 200 ? 200 : id_len), id,
			 want_mask ? "stream needs a loss mask" : "mask given for a stream without masks");
		return -1;
	}
	if (id_len > TOKSTREAM_MAX_ID || n > UINT32_MAX) {
		buf_addf(err, "document %.*s: %s", (int)(id_len > 200 ? 200 : id_len), id,
			 n > UINT32_MAX ? "more than 2^32-1 tokens" : "record id longer than 1 MiB");
		return -1;
	}
	const uint32_t width = w->h.token_width, vocab = w->h.vocab_size;
	buf_reset(&w->scratch);
	buf_grow(&w->scratch, 8 + id_len + n * (width + (size_t)want_mask));
	unsigned char *p = (unsigned char *)w->scratch.data;
	le_put32(p, (uint32_t)id_len);
	le_put32(p + 4, (uint32_t)n);
	memcpy(p + 8, id, id_len);
	p += 8 + id_len;
	uint32_t max = 0;
	if (width == 2) {
		for (size_t i = 0; i < n; i++) {
			uint32_t v = ids[i];
			max = v > max ? v : max;
			le_put16(p + 2 * i, (uint16_t)v);
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			max = ids[i] > max ? ids[i] : max;
			le_put32(p + 4 * i, ids[i]);
		}
	}
	if (n && max >= vocab) {
		buf_addf(err, "document %.*s: token id %u is not below the vocab size %u",
			 (int)(id_len > 200 ? 200 : id_len), id, max, vocab);
		return -1;
	}
	p += n * width;
	if (want_mask) {
		for (size_t i = 0; i < n; i++)
			if (mask[i] > 1) {
				buf_addf(err, "document %.*s: mask byte %u at token %zu (must be 0 or 1)",
					 (int)(id_len > 200 ? 200 : id_len), id, mask[i], i);
				return -1;
			}
		memcpy(p, mask, n);
		p += n;
	}
	buf_setlen(&w->scratch, (size_t)((char *)p - w->scratch.data));
	w->docs++;
	w->tokens += n;
	return w->write(w->ctx, w->scratch.data, w->scratch.len, err);
}

int tokstream_writer_finish(struct tokstream_writer *w, struct buf *err)
{
	unsigned char end[24];
	le_put32(end, TOKSTREAM_END);
	le_put32(end + 4, 0);
	le_put64(end + 8, w->docs);
	le_put64(end + 16, w->tokens);
	w->finished = 1;
	return w->write(w->ctx, end, sizeof(end), err);
}

void tokstream_writer_release(struct tokstream_writer *w)
{
	buf_release(&w->scratch);
	tokstream_header_release(&w->h);
}

/* ---- reader ---- */

static inline uint32_t raw_at(const unsigned char *p, uint32_t width, size_t i)
{
	if (width == 2)
		return le_get16(p + 2 * i);
	return le_get32(p + 4 * i);
}

/* GCC's -O2 cost model leaves simple reductions scalar; this loop runs over every token. */
#if defined(__GNUC__) && !defined(__clang__)
#define TOKSTREAM_VECTORIZE __attribute__((optimize("tree-vectorize", "vect-cost-model=dynamic")))
#else
#define TOKSTREAM_VECTORIZE
#endif

/* Largest id of n little-endian ids (vectorized on little-endian hosts). */
TOKSTREAM_VECTORIZE static uint32_t raw_max(const unsigned char *p, size_t n, uint32_t width)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (width == 2) {
		uint16_t m = 0;
		for (size_t i = 0; i < n; i++) {
			uint16_t v;
			memcpy(&v, p + 2 * i, 2);
			m = v > m ? v : m;
		}
		return m;
	}
	uint32_t m = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t v;
		memcpy(&v, p + 4 * i, 4);
		m = v > m ? v : m;
	}
	return m;
#else
	uint32_t m = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = raw_at(p, width, i);
		m = v > m ? v : m;
	}
	return m;
#endif
}

static void reader_err(struct tokstream_reader *r, struct buf *err, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void reader_err(struct tokstream_reader *r, struct buf *err, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	buf_addf(err, "%s at byte %llu: ", r->name, (unsigned long long)off);
	va_start(ap, fmt);
	buf_vaddf(err, fmt, ap);
	va_end(ap);
}

static uint64_t cur_offset(const struct tokstream_reader *r)
{
	return r->buf_offset + r->pos;
}

/*
 * Make n bytes available at buf[pos..pos+n). Returns 1 when they are, 0 when the input ended
 * first (*got says how many were there), -1 on a read error (message in err). The buffer grows
 * only as data actually arrives, so a corrupt count cannot make it allocate more than twice what
 * the input holds.
 */
static int fill(struct tokstream_reader *r, size_t n, size_t *got, struct buf *err)
{
	if (r->external && r->len - r->pos < n) {
		*got = r->len - r->pos;
		return 0;
	}
	while (r->len - r->pos < n) {
		if (r->pos) {
			memmove(r->buf, r->buf + r->pos, r->len - r->pos);
			r->buf_offset += r->pos;
			r->len -= r->pos;
			r->pos = 0;
		}
		if (r->len == r->cap) {
			size_t ncap = r->cap ? r->cap * 2 : READ_CHUNK;
			r->buf = xrealloc(r->buf, ncap);
			r->cap = ncap;
		}
		ssize_t k = r->read(r->ctx, r->buf + r->len, r->cap - r->len);
		if (k < 0) {
			reader_err(r, err, r->buf_offset + r->len, "read error: %s", strerror(errno));
			return -1;
		}
		if (k == 0) {
			*got = r->len - r->pos;
			return 0;
		}
		r->len += (size_t)k;
	}
	return 1;
}

/* Parse a header at the current position. */
static int read_header(struct tokstream_reader *r, struct tokstream_header *h, struct buf *err)
{
	uint64_t off = cur_offset(r);
	size_t got = 0;
	int rc = fill(r, TOKSTREAM_HEADER_FIXED, &got, err);
	if (rc < 0)
		return -1;
	if (rc == 0 && (got < 8 || memcmp(r->buf + r->pos, TOKSTREAM_MAGIC, 8))) {
		reader_err(r, err, off, got ? "bad magic: not a grist token stream"
					    : "empty input: not a grist token stream");
		return -1;
	}
	const unsigned char *p = (const unsigned char *)r->buf + r->pos;
	if (memcmp(p, TOKSTREAM_MAGIC, 8)) {
		reader_err(r, err, off, "bad magic: not a grist token stream");
		return -1;
	}
	if (rc == 0) {
		reader_err(r, err, off + got, "truncated token stream: header cut short");
		return -1;
	}
	memset(h, 0, sizeof(*h));
	h->version = le_get32(p + 8);
	h->flags = le_get32(p + 12);
	h->token_width = le_get32(p + 16);
	h->vocab_size = le_get32(p + 20);
	h->eot_id = le_get32(p + 24);
	uint32_t nlen = le_get32(p + 28);
	h->tokenizer_hash = le_get64(p + 32);
	struct buf e = BUF_INIT;
	if (check_header(h, &e) < 0) {
		reader_err(r, err, off, "%s", e.data);
		buf_release(&e);
		return -1;
	}
	if (nlen > TOKSTREAM_MAX_NAME) {
		reader_err(r, err, off + 28, "tokenizer name length %u is over the limit %u", nlen,
			   TOKSTREAM_MAX_NAME);
		return -1;
	}
	r->pos += TOKSTREAM_HEADER_FIXED;
	rc = fill(r, nlen, &got, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		reader_err(r, err, cur_offset(r) + got, "truncated token stream: tokenizer name cut short");
		return -1;
	}
	if (memchr(r->buf + r->pos, '\0', nlen)) {
		reader_err(r, err, cur_offset(r), "NUL byte in the tokenizer name");
		return -1;
	}
	h->tokenizer_name = xmemdup(r->buf + r->pos, nlen);
	r->pos += nlen;
	return 0;
}

int tokstream_reader_open(struct tokstream_reader *r, tokstream_read_fn read, void *ctx,
			  const char *name, struct buf *err)
{
	memset(r, 0, sizeof(*r));
	r->read = read;
	r->ctx = ctx;
	r->name = xstrdup(name && strcmp(name, "-") ? name : "standard input");
	return read_header(r, &r->h, err);
}

static int same_header(const struct tokstream_header *a, const struct tokstream_header *b)
{
	return a->flags == b->flags && a->token_width == b->token_width &&
	       a->vocab_size == b->vocab_size && a->eot_id == b->eot_id &&
	       a->tokenizer_hash == b->tokenizer_hash && !strcmp(a->tokenizer_name, b->tokenizer_name);
}

/* At an end marker: check it; then either the input ends or another stream's header follows. */
static int read_end(struct tokstream_reader *r, struct buf *err)
{
	uint64_t off = cur_offset(r);
	size_t got = 0;
	int rc = fill(r, 24, &got, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		reader_err(r, err, off + got, "truncated token stream: end marker cut short");
		return -1;
	}
	const unsigned char *p = (const unsigned char *)r->buf + r->pos;
	uint64_t docs = le_get64(p + 8), tokens = le_get64(p + 16);
	if (le_get32(p + 4) != 0 || docs != r->seg_docs || tokens != r->seg_tokens) {
		reader_err(r, err, off,
			   "end marker says %llu documents and %llu tokens, the stream held %llu and %llu",
			   (unsigned long long)docs, (unsigned long long)tokens,
			   (unsigned long long)r->seg_docs, (unsigned long long)r->seg_tokens);
		return -1;
	}
	r->pos += 24;
	rc = fill(r, 1, &got, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		r->done = 1;
		return 0;
	}
	/* A concatenated stream: same tokenizer, or the ids would mean different things. */
	struct tokstream_header h2;
	off = cur_offset(r);
	if (read_header(r, &h2, err) < 0)
		return -1;
	int same = same_header(&r->h, &h2);
	tokstream_header_release(&h2);
	if (!same) {
		reader_err(r, err, off, "concatenated token stream has a different header (tokenizer, vocab, end-of-text id or flags)");
		return -1;
	}
	r->seg_docs = r->seg_tokens = 0;
	return 1;
}

/* The 8 bytes before a document: 1 with its id length and token count, 0 after an end marker
 * (read_end took it; the caller goes on), -1 at a truncation or a bad id length. */
static int doc_head(struct tokstream_reader *r, uint64_t off, uint32_t *id_len, uint32_t *n,
		    struct buf *err)
{
	size_t got = 0;
	int rc = fill(r, 8, &got, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		reader_err(r, err, off + got,
			   got ? "truncated token stream: document record cut short"
			       : "truncated token stream: no end marker after %llu documents",
			   (unsigned long long)r->docs);
		return -1;
	}
	const unsigned char *p = (const unsigned char *)r->buf + r->pos;
	*id_len = le_get32(p);
	*n = le_get32(p + 4);
	if (*id_len == TOKSTREAM_END)
		return read_end(r, err) < 0 ? -1 : 0;
	if (*id_len > TOKSTREAM_MAX_ID) {
		reader_err(r, err, off, "record id length %u is over the limit of 1 MiB (corrupt stream?)",
			   *id_len);
		return -1;
	}
	return 1;
}

/* The n ids at p (after the document's id, at r->pos + id_len) are below the vocabulary size;
 * *max is the largest. -1 naming the first that is not. */
static int check_ids(struct tokstream_reader *r, const unsigned char *p, uint32_t id_len,
		     uint32_t n, uint32_t *max, struct buf *err)
{
	const uint32_t width = r->h.token_width;
	*max = raw_max(p, n, width);
	if (!n || *max < r->h.vocab_size)
		return 0;
	size_t at = 0;
	while (raw_at(p, width, at) != *max)
		at++;
	reader_err(r, err, cur_offset(r) + id_len + at * width,
		   "document %llu (id %.*s): token id %u is not below the vocab size %u",
		   (unsigned long long)r->docs, (int)(id_len > 200 ? 200 : id_len), r->id, *max,
		   r->h.vocab_size);
	return -1;
}

/* The n mask bytes at p are 0 or 1; -1 naming the first that is not. */
static int check_mask(struct tokstream_reader *r, const unsigned char *p, uint32_t id_len,
		      uint32_t n, struct buf *err)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] > 1) {
			reader_err(r, err, cur_offset(r) + id_len + (size_t)n * r->h.token_width + i,
				   "document %llu (id %.*s): mask byte %u (must be 0 or 1)",
				   (unsigned long long)r->docs, (int)(id_len > 200 ? 200 : id_len),
				   r->id, p[i]);
			return -1;
		}
	return 0;
}

/* The document whose head is read (at offset off): its id, ids and mask, read and checked. */
static int doc_body(struct tokstream_reader *r, struct tokstream_doc *doc, uint64_t off,
		    uint32_t id_len, uint32_t n, struct buf *err)
{
	const size_t width = r->h.token_width;
	const int has_mask = !!(r->h.flags & TOKSTREAM_F_MASK);
	const size_t body = (size_t)id_len + (size_t)n * (width + (size_t)has_mask);
	size_t got = 0;
	r->pos += 8;
	int rc = fill(r, body, &got, err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		reader_err(r, err, cur_offset(r) + got,
			   "truncated token stream: document %llu (record at byte %llu) needs %zu more bytes, the input ends after %zu",
			   (unsigned long long)r->docs, (unsigned long long)off, body, got);
		return -1;
	}
	const unsigned char *p = (const unsigned char *)r->buf + r->pos;
	ALLOC_GROW(r->id, (size_t)id_len + 1, r->id_alloc);
	memcpy(r->id, p, id_len);
	r->id[id_len] = '\0';
	p += id_len;
	uint32_t max;
	if (check_ids(r, p, id_len, n, &max, err) < 0)
		return -1;
	doc->ids = NULL;
	if (!r->raw_only) {
		ALLOC_GROW(r->ids, (size_t)n + 1, r->ids_alloc);
		for (size_t i = 0; i < n; i++)
			r->ids[i] = raw_at(p, (uint32_t)width, i);
		doc->ids = r->ids;
	}
	doc->raw = p;
	p += (size_t)n * width;
	doc->mask = NULL;
	if (has_mask) {
		if (check_mask(r, p, id_len, n, err) < 0)
			return -1;
		doc->mask = p;
	}
	doc->id = r->id;
	doc->id_len = id_len;
	doc->ntokens = n;
	doc->max_id = max;
	doc->index = r->docs;
	doc->offset = off;
	r->pos += body;
	r->docs++;
	r->tokens += n;
	r->seg_docs++;
	r->seg_tokens += n;
	return 1;
}

int tokstream_reader_next(struct tokstream_reader *r, struct tokstream_doc *doc, struct buf *err)
{
	for (;;) {
		if (r->done)
			return 0;
		uint64_t off = cur_offset(r);
		uint32_t id_len, n;
		int rc = doc_head(r, off, &id_len, &n, err);
		if (rc < 0)
			return -1;
		if (rc > 0)
			return doc_body(r, doc, off, id_len, n, err);
	}
}

int tokstream_reader_open_mem(struct tokstream_reader *r, const void *p, size_t len,
			      const char *name, struct buf *err)
{
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name && strcmp(name, "-") ? name : "standard input");
	r->external = 1;
	r->buf = (char *)p;
	r->len = r->cap = len;
	return read_header(r, &r->h, err);
}

void tokstream_reader_release(struct tokstream_reader *r)
{
	if (!r->external)
		free(r->buf);
	free(r->ids);
	free(r->id);
	free(r->name);
	tokstream_header_release(&r->h);
	memset(r, 0, sizeof(*r));
}
