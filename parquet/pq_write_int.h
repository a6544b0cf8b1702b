/* Internals of the Parquet writer shared by pq_write.c and pq_write_col.c. */
#ifndef GRIST_PQ_WRITE_INT_H
#define GRIST_PQ_WRITE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/* Column kinds, ordered so that inference can widen: see widen() in pq_write.c. */
enum wkind { WK_NONE, WK_BOOL, WK_INT, WK_DBL, WK_STR, WK_JSON };

/* Footer facts about one written column chunk. */
struct wchunk {
	int64_t start, data_off, dict_off; /* dict_off -1: none */
	int64_t comp, uncomp, num_values, nulls;
	int has_dict, has_minmax;
	int kind;    /* the column's type when it was written */
	int missing; /* not written: the column did not exist yet (num_values rows of nulls) */
	struct buf min, max;
};

/* One column: its rows of the current row group. */
struct wcol {
	char *name;
	size_t name_len;
	int kind;
	uint8_t *def;        /* 1 present, 0 null; one per row */
	size_t nrows, rcap;
	/* values of present rows */
	size_t nv, vcap;
	int64_t *iv;         /* WK_INT */
	double *dv;          /* WK_DBL */
	uint8_t *bv;         /* WK_BOOL */
	uint32_t *len;       /* WK_STR, WK_JSON: byte lengths; bytes in data */
	struct buf data;
	int advised;         /* data has room for a row group, on huge pages */
	struct wchunk *chunks; /* one per row group written */
	size_t nchunks, chunks_cap;
};

/* Where a chunk's bytes go, in order. */
typedef void (*pq_emit_fn)(void *ctx, const void *p, size_t n);
/* Emit the column's current rows as one column chunk starting at file offset `at`, page by
 * page, and record its footer facts. */
void pq_write_chunk(struct wcol *c, int64_t at, int zstd_level, pq_emit_fn emit, void *ctx);
/* Empty the column's rows (keeps buffers and chunk facts). */
void pq_wcol_reset(struct wcol *c);
/*
 * Change the column's type to `to`, a wider one (widen() in pq_write.c), converting the values held:
 * int64 to double exactly, anything to JSON as its JSON text in canonical spelling (strings
 * escaped as grist writes them, doubles in their shortest form).
 */
void pq_wcol_convert(struct wcol *c, int to);
/* Free the column's rows, name and chunk facts. */
void pq_wcol_release(struct wcol *c);

#endif
