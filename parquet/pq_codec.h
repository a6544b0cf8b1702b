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
/*
 * Ask the kernel for transparent huge pages on the 2 MiB-aligned part of p[0..n) (a buffer of
 * at least 4 MiB about to be written). Decompressed pages, chunk bytes and the JSON of a
 * slice are streamed through once: with 4 KiB pages the first touch of each page (a fault,
 * zeroing) and the TLB misses cost more than the decoding on a virtual machine (docs/parquet.md,
 * "Speed"). Linux only; elsewhere nothing.
 */
void pq_huge_pages(void *p, size_t n);
/* The codec's name as in parquet.thrift ("ZSTD"). */
const char *pq_codec_name(int codec);

#endif
