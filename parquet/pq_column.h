/*
 * One column chunk of a row group, decoded: its pages (dictionary, data v1 and v2) are checked
 * (CRC where present), decompressed and decoded into definition/repetition levels and the
 * non-null values. Byte-array values point into the page buffers kept here (or into the raw
 * chunk when a page is stored uncompressed), so strings are never copied.
 */
#ifndef GRIST_PQ_COLUMN_H
#define GRIST_PQ_COLUMN_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "parquet/pq_meta.h"

/* Most levels (values, nulls included) one page may announce; a bigger claim is damage. */
#define PQ_MAX_PAGE_VALUES ((size_t)1 << 24)

struct pq_bytes {
	const char *p;
	uint32_t n;
};

struct pq_values {
	size_t n, cap;
	uint8_t *fixed;       /* n * width bytes (booleans: one byte each) */
	struct pq_bytes *ba;  /* BYTE_ARRAY */
};

struct pq_column {
	const struct pq_node *leaf;
	int width;            /* bytes per fixed-width value; 0 for BYTE_ARRAY */
	uint8_t *def, *rep;   /* one per level entry; NULL when that maximum level is 0 */
	size_t nlev, lev_cap;
	struct pq_values vals, dict;
	int has_dict;
	struct buf *pages;    /* decompressed pages the values point into */
	size_t npages, pages_cap;
	int64_t rows_done;    /* rows whose entries all decoded (for rows kept before damage) */
};

/* Bytes of a column chunk found at byte file_off of the file: the whole chunk, or for a slice
 * of a row group (pq_ingest.c) its dictionary page, then the run of data pages it needs. */
struct pq_part {
	const uint8_t *data;
	size_t len;
	uint64_t file_off;
};

/*
 * Decode the pages in parts[0..nparts) (num_values level entries in all). Returns 0, or -1
 * with "REASON at byte OFFSET" (file offset of the bad page) in err; on -1 the column holds
 * the pages before the damage (rows_done counts their whole rows).
 */
int pq_column_decode_parts(struct pq_column *c, const struct pq_node *leaf, int codec,
			   const struct pq_part *parts, int nparts, int64_t num_values,
			   struct buf *err);
/*
 * Decode a chunk: data[0..len) is its bytes, found at byte `file_off` of the file. Returns 0,
 * or -1 with "REASON at byte OFFSET" (file offset of the bad page) in err; on -1 the column
 * holds the pages before the damage (rows_done counts their whole rows).
 */
int pq_column_decode(struct pq_column *c, const struct pq_node *leaf, int codec,
		     const uint8_t *data, size_t len, uint64_t file_off, int64_t num_values,
		     struct buf *err);
void pq_column_release(struct pq_column *c);

/* Width in bytes of a fixed-width physical type (0 for BYTE_ARRAY). */
int pq_type_width(const struct pq_node *leaf);

#endif
