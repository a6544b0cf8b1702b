/*
 * Writing JSONL records as a Parquet file (every record stage's `-o FILE.parquet`).
 *
 * Columns are the records' top-level fields, in order of first appearance, all OPTIONAL (a
 * record without the field, or with null, gives a null). A field's type is inferred over all
 * the records (they are spooled to an unlinked temporary file beside the output, and the file
 * is written at the end) or given with --schema:
 *   strings -> BYTE_ARRAY (STRING), integers that fit int64 -> INT64, numbers -> DOUBLE,
 *   booleans -> BOOLEAN, anything else (objects, arrays, mixed types) -> BYTE_ARRAY (JSON)
 *   holding each value's JSON text.
 * Pages are ZSTD-compressed data pages v1 with CRCs; strings with few distinct values per
 * column chunk are dictionary-encoded; chunks carry statistics (null count, min and max).
 */
#ifndef GRIST_PQ_WRITE_H
#define GRIST_PQ_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define PQ_DEFAULT_ROW_GROUP_BYTES ((uint64_t)128 << 20)
/* Level 1, as pyarrow (Arrow C++) writes: on FineWeb-shaped text it compresses 1.7x faster
 * than level 3 (DuckDB's) for a 24% bigger file (docs/parquet.md, "Speed"). */
#define PQ_DEFAULT_ZSTD_LEVEL 1

/* Where the file's bytes go, in order (the output layer's writer, which dies on errors). */
typedef void (*pq_sink_fn)(void *ctx, const void *p, size_t n);
/* Read back n bytes the sink wrote at offset off: 0, or -1 when it cannot (not a regular file). */
typedef int (*pq_readback_fn)(void *ctx, int64_t off, void *p, size_t n);

struct pq_writer;
/*
 * A writer for the file `path` (named in messages). schema_path: a --schema file
 * (JSON object {"field":"string|int64|double|boolean|json",...}) or NULL to infer; zstd_level
 * 0 for PQ_DEFAULT_ZSTD_LEVEL. readback
 * (may be NULL) is needed only when an inferred type widens after row groups were written.
 * Returns NULL with a message in err.
 */
struct pq_writer *pq_writer_new(const char *path, uint64_t row_group_bytes,
				const char *schema_path, int zstd_level, pq_sink_fn sink,
				pq_readback_fn readback, void *ctx, struct buf *err);
/* JSONL bytes (any split). -1 with a message in err. */
int pq_writer_write(struct pq_writer *w, const void *p, size_t n, struct buf *err);
/* Write the rest of the file to the sink and free the writer. -1 with a message in err. */
int pq_writer_finish(struct pq_writer *w, struct buf *err);
void pq_writer_free(struct pq_writer *w);

#endif
