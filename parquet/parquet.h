/*
 * Parquet files: the reader's entry points (footer, row groups' raw chunk bytes) and the
 * writer used by `-o FILE.parquet`. The format is implemented here from the parquet-format
 * specification because Debian 12 packages no Parquet or Arrow C library (docs/parquet.md).
 *
 * Module map: pq_thrift (compact protocol), pq_meta (footer, page headers), pq_codec
 * (compression), pq_encoding (RLE/bit-packed, delta), pq_column (pages -> levels + values),
 * pq_rows + pq_json (rows -> JSON), pq_file (this header: files), pq_ingest (grist ingest),
 * pq_write* (the writer).
 */
#ifndef GRIST_PARQUET_H
#define GRIST_PARQUET_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "parquet/pq_meta.h"

/* An open Parquet file: read with pread from a descriptor, or from memory. */
struct pq_file {
	int fd;               /* -1 for memory */
	const uint8_t *mem;   /* the whole file when in memory (owned: `owned`) */
	struct buf owned;
	uint64_t size;
	struct pq_meta meta;
};

/* Does the file at path (NULL: no) end with "PAR1"? */
int pq_path_has_tail(const char *path);
/*
 * Open and read the footer: from fd (not owned; size bytes), or from data (taken over, data
 * is left empty). Returns 0, or -1 with "REASON" in err.
 */
int pq_file_open_fd(struct pq_file *f, int fd, uint64_t size, struct buf *err);
int pq_file_open_mem(struct pq_file *f, struct buf *data, struct buf *err);
/* Read n bytes at off into dst (bounds are checked by the metadata parser). */
int pq_file_read(const struct pq_file *f, uint64_t off, size_t n, void *dst, struct buf *err);
void pq_file_close(struct pq_file *f);

#endif
