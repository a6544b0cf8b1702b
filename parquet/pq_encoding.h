/*
 * Parquet's integer encodings (parquet-format Encodings.md): the RLE/bit-packed hybrid used
 * for levels, dictionary indices and booleans, and DELTA_BINARY_PACKED (also the lengths of
 * DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY). Readers check every count against the bytes
 * present; writers append to a struct buf.
 */
#ifndef GRIST_PQ_ENCODING_H
#define GRIST_PQ_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/*
 * Decode exactly n values of bit width bw (0..32) from the hybrid encoding in p[0..len) into
 * out. Returns 0, or -1 with *err when the data ends early or is malformed.
 */
int pq_rle_decode(const uint8_t *p, size_t len, int bw, uint32_t *out, size_t n, const char **err);
/* Same into bytes (levels: bw <= 8). */
int pq_rle_decode8(const uint8_t *p, size_t len, int bw, uint8_t *out, size_t n, const char **err);
/* The deprecated BIT_PACKED level encoding (most significant bit first): bytes used, or -1. */
long pq_bitpacked_levels(const uint8_t *p, size_t len, int bw, uint8_t *out, size_t n);

/*
 * DELTA_BINARY_PACKED: decode exactly n values (the header's count must be n) into out;
 * *used gets the bytes consumed. Values wrap modulo 2^64 (INT32 columns take the low 32 bits).
 */
int pq_delta_decode(const uint8_t *p, size_t len, int64_t *out, size_t n, size_t *used,
		    const char **err);
/* The count a DELTA_BINARY_PACKED header announces (-1 if the header is bad). */
int64_t pq_delta_count(const uint8_t *p, size_t len);

/* Bits needed for v (0 for 0). */
int pq_bit_width(uint64_t v);
/* Writers: the hybrid encoding of v[0..n) at width bw, appended to out (no length prefix). */
void pq_rle_encode(struct buf *out, const uint32_t *v, size_t n, int bw);
/* Same for byte values (levels). */
void pq_rle_encode8(struct buf *out, const uint8_t *v, size_t n, int bw);

#endif
