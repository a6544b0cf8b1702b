#include "output.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "buf.h"
#include "die.h"
#include "xalloc.h"
#include "parquet/pq_write.h"

#define OUTPUT_BUF (1u << 20)

static struct output stdout_out;
static uint64_t parquet_rg_bytes;
static const char *parquet_schema;
static int parquet_level;

void output_parquet_level(int level)
{
	parquet_level = level;
}

void output_parquet_options(uint64_t row_group_bytes, const char *schema_path)
{
	if (row_group_bytes)
		parquet_rg_bytes = row_group_bytes;
	if (schema_path)
		parquet_schema = schema_path;
}
static int stdout_ready;

static void write_all(struct output *o, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {
				/* The reader went away: end quietly, as if SIGPIPE had killed us. */
				die_run_cleanups();
				signal(SIGPIPE, SIG_DFL);
				raise(SIGPIPE);
				_exit(GRIST_EXIT_IO);
			}
			die_errno(GRIST_EXIT_IO, "write error on %s", o->name);
		}
		p += w;
		n -= (size_t)w;
	}
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && !strcmp(s + n - k, suffix);
}

static void codec_start(struct output *o)
{
	o->ccap = 1u << 17;
	o->cbuf = xmalloc(o->ccap);
	if (o->codec == OUTPUT_ZSTD) {
		ZSTD_CCtx *c = ZSTD_createCCtx();
		if (!c)
			die(GRIST_EXIT_INTERNAL, "cannot allocate a zstd compressor");
		ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
		ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
		o->cstream = c;
	} else {
		z_stream *z = xcalloc(1, sizeof(*z));
		/* windowBits 15 + 16: a gzip wrapper */
		if (deflateInit2(z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			die(GRIST_EXIT_INTERNAL, "cannot allocate a gzip compressor");
		o->cstream = z;
	}
}

/* Compress p[0..n) into the file; `end` finishes the stream. */
static void codec_write(struct output *o, const char *p, size_t n, int end)
{
	if (o->codec == OUTPUT_ZSTD) {
		ZSTD_inBuffer in = { p, n, 0 };
		for (;;) {
			ZSTD_outBuffer out = { o->cbuf, o->ccap, 0 };
			size_t left = ZSTD_compressStream2(o->cstream, &out, &in,
							   end ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(left))
				die(GRIST_EXIT_INTERNAL, "zstd compression of %s failed: %s", o->name,
				    ZSTD_getErrorName(left));
			write_all(o, o->cbuf, out.pos);
			if (end ? left == 0 : in.pos == in.size)
				break;
		}
		return;
	}
	z_stream *z = o->cstream;
	z->next_in = (Bytef *)p;
	z->avail_in = (uInt)n;
	for (;;) {
		z->next_out = (Bytef *)o->cbuf;
		z->avail_out = (uInt)o->ccap;
		int r = deflate(z, end ? Z_FINISH : Z_NO_FLUSH);
		if (r == Z_STREAM_ERROR)
			die(GRIST_EXIT_INTERNAL, "gzip compression of %s failed", o->name);
		write_all(o, o->cbuf, o->ccap - z->avail_out);
		if (end ? r == Z_STREAM_END : (z->avail_in == 0 && z->avail_out != 0))
			break;
	}
}

static void codec_end(struct output *o)
{
	codec_write(o, "", 0, 1);
	if (o->codec == OUTPUT_ZSTD) {
		ZSTD_freeCCtx(o->cstream);
	} else {
		deflateEnd(o->cstream);
		free(o->cstream);
	}
	o->cstream = NULL;
	free(o->cbuf);
	o->cbuf = NULL;
}

static void parquet_sink(void *ctx, const void *p, size_t n)
{
	write_all(ctx, p, n);
}

/* Bytes the Parquet writer wrote, read back to rewrite chunks whose type widened later. */
static int parquet_readback(void *ctx, int64_t off, void *p, size_t n)
{
	const struct output *o = ctx;
	char *d = p;
	while (n) {
		ssize_t r = pread(o->fd, d, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		d += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

/* Bytes leave the buffer here: compressed when the file asks for it. */
static void sink(struct output *o, const char *p, size_t n)
{
	if (o->codec == OUTPUT_PARQUET) {
		struct buf err = BUF_INIT;
		if (pq_writer_write(o->cstream, p, n, &err) < 0)
			die(GRIST_EXIT_DATA, "cannot write %s: %s", o->name, err.data);
	} else if (o->codec)
		codec_write(o, p, n, 0);
	else
		write_all(o, p, n);
}

void output_open(struct output *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	o->cap = OUTPUT_BUF;
	o->buf = xmalloc(o->cap);
	if (!path || !strcmp(path, "-")) {
		o->fd = 1;
		o->name = xstrdup("standard output");
		return;
	}
	struct buf err = BUF_INIT;
	if (atomic_open(&o->af, path, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	o->fd = o->af.fd;
	o->is_file = 1;
	o->name = xstrdup(path);
	o->codec = ends_with(path, ".zst") ? OUTPUT_ZSTD : ends_with(path, ".gz") ? OUTPUT_GZIP : 0;
	if (ends_with(path, ".parquet")) {
		o->codec = OUTPUT_PARQUET;
		o->cstream = pq_writer_new(path, parquet_rg_bytes, parquet_schema, parquet_level,
					   parquet_sink, parquet_readback, o, &err);
		if (!o->cstream)
			die(GRIST_EXIT_USAGE, "%s", err.data);
	} else if (o->codec) {
		codec_start(o);
	}
}

void output_flush(struct output *o)
{
	if (o->len)
		sink(o, o->buf, o->len);
	o->len = 0;
}

void output_write(struct output *o, const void *p, size_t n)
{
	o->bytes += n;
	if (o->len + n <= o->cap) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
		return;
	}
	output_flush(o);
	if (n >= o->cap / 2) {
		sink(o, p, n);
		return;
	}
	memcpy(o->buf, p, n);
	o->len = n;
}

void output_close(struct output *o)
{
	output_close_into(o, NULL);
}

void output_close_into(struct output *o, struct atomic_set *set)
{
	if (!o->buf)
		return;
	output_flush(o);
	if (o->codec == OUTPUT_PARQUET) {
		struct buf err = BUF_INIT;
		if (pq_writer_finish(o->cstream, &err) < 0)
			die(GRIST_EXIT_DATA, "cannot write %s: %s", o->name, err.data);
		o->cstream = NULL;
	} else if (o->codec) {
		codec_end(o);
	}
	if (o->is_file) {
		struct buf err = BUF_INIT;
		if ((set ? atomic_set_add(set, &o->af, &err) : atomic_commit(&o->af, &err)) < 0)
			die(GRIST_EXIT_IO, "%s", err.data);
	}
	free(o->buf);
	free(o->name);
	o->buf = NULL;
	o->name = NULL;
}

struct output *output_stdout(void)
{
	if (!stdout_ready) {
		output_open(&stdout_out, NULL);
		stdout_ready = 1;
	}
	return &stdout_out;
}

void output_finish_stdout(void)
{
	if (stdout_ready) {
		output_close(&stdout_out);
		stdout_ready = 0;
	}
	/* Anything printed through stdio (help text, inspect output) is checked too. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			exit(GRIST_EXIT_OK);
		die_errno(GRIST_EXIT_IO, "write error on standard output");
	}
	if (fclose(stdout) != 0 && errno != EPIPE)
		die_errno(GRIST_EXIT_IO, "write error on standard output");
}
