/*
 * Page compression codecs, on Debian's libraries: SNAPPY (libsnappy), GZIP (zlib), ZSTD
 * (libzstd), LZ4_RAW and the older Hadoop-framed LZ4 (liblz4), BROTLI (libbrotli).
 *
 * Decompression trusts no size field: a page header's uncompressed size is an upper bound
 * the output is checked against, and the buffer grows with the bytes actually produced, so a
 * forged size cannot cause a huge allocation.
 */
#ifndef GRIST_PQ_CODEC_H
#define GRIST_PQ_CODEC_H

#include <stddef.h>

#include "lib/buf.h"

/*
 * Decompress src[0..n) into out (replacing its content); the result must be exactly `want`
 * bytes. Returns 0, or -1 with a static message in *err.
 */
int pq_decompress(int codec, const void *src, size_t n, size_t want, struct buf *out,
		  const char **err);
/* Compress src[0..n) with codec (ZSTD at `level`, or UNCOMPRESSED), appending to out. */
int pq_compress(int codec, int level, const void *src, size_t n, struct buf *out);
/* The codec's name as in parquet.thrift ("ZSTD"). */
const char *pq_codec_name(int codec);

#endif
