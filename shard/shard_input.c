/*
 * A token stream input of `shard` and `shard inspect`: a file or stdin read through lib/decode.c's
 * byte source, so a stream compressed with gzip, zstd, xz, bzip2 or lz4 is decoded (recognised
 * by magic, as every stage reads its input). Read front to back, never mapped: a file that
 * shrinks during the run is a truncated stream, an error naming the byte, not a SIGBUS.
 */
#include "shard.h"

#include <errno.h>
#include <string.h>

#include "lib/die.h"

static ssize_t input_read(void *ctx, void *p, size_t n)
{
	struct shard_input *in = ctx;
	ssize_t k = source_read(&in->src, p, n, &in->read_err);
	if (k < 0) {
		in->failed = 1;
		errno = EIO;
	}
	return k;
}

/* A reader error: a failed read has the source's own message; it is an I/O error (exit 3) when
 * reading the file failed, bad data (exit 1) when a decoder found the compressed stream damaged.
 * Anything else is the stream's own error, exit 1. */
static int input_error(struct shard_input *in, struct buf *err)
{
	if (!in->failed)
		return -GRIST_EXIT_DATA;
	buf_reset(err);
	buf_add(err, in->read_err.data, in->read_err.len);
	return -source_fail_exit(&in->src);
}

int shard_input_open(struct shard_input *in, const char *path, struct buf *err)
{
	memset(in, 0, sizeof(*in));
	buf_init(&in->read_err, 0);
	if (source_open_input(&in->src, path, 1, err) < 0)
		return -GRIST_EXIT_IO;
	in->open = 1;
	if (tokstream_reader_open(&in->rd, input_read, in, path, err) < 0)
		return input_error(in, err);
	in->reading = 1;
	return 0;
}

int shard_input_next(struct shard_input *in, struct tokstream_doc *doc, struct buf *err)
{
	int rc = tokstream_reader_next(&in->rd, doc, err);
	return rc < 0 ? input_error(in, err) : rc;
}

void shard_input_close(struct shard_input *in)
{
	if (in->reading)
		tokstream_reader_release(&in->rd);
	if (in->open)
		source_close(&in->src);
	buf_release(&in->read_err);
	memset(in, 0, sizeof(*in));
}
