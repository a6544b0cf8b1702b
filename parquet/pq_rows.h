/*
 * Rows of a row group as JSON: the projected columns' chunks are decoded (pq_column.h), then
 * each row is assembled from the definition and repetition levels (the Dremel record
 * assembly described in parquet-format's README and the Dremel paper): structs become
 * objects, LIST-annotated groups (and bare repeated fields) arrays, MAP-annotated groups
 * objects; a null top-level value leaves its member out, a null inside stays null.
 */
#ifndef GRIST_PQ_ROWS_H
#define GRIST_PQ_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "parquet/pq_column.h"
#include "parquet/pq_meta.h"

struct pq_rowgroup {
	const struct pq_meta *m;
	struct pq_column *cols;  /* one per leaf; decoded for the projected ones */
	size_t *lev, *val;       /* per leaf: next level entry, next value */
	int64_t nrows;           /* whole rows decoded (fewer than the row group's after damage) */
};

/*
 * Decode the leaves whose raw[leaf] is non-NULL (the whole chunk bytes, found at byte
 * file_off[leaf] of the file). Returns 0, or -1 with "column 'NAME': REASON at byte N" in err,
 * g->nrows then being the rows before the damage.
 */
int pq_rowgroup_decode(struct pq_rowgroup *g, const struct pq_meta *m, int rg,
		       const uint8_t *const *raw, const size_t *rawlen, const uint64_t *file_off,
		       struct buf *err);
/* One leaf column of a slice of a row group (pq_ingest.c): its bytes (nparts 0: not read),
 * the level entries they hold, and the entries before the slice's first row (flat columns,
 * so one entry per row). */
struct pq_slice_col {
	struct pq_part part[2];
	int nparts;
	int64_t values, skip;
};
/*
 * The same for rows [first, first + nrows) of the row group, from the pages in cols: the
 * cursors start past each column's `skip` entries. A slice of all the rows must use them all.
 */
int pq_rowgroup_decode_slice(struct pq_rowgroup *g, const struct pq_meta *m, int rg,
			     const struct pq_slice_col *cols, int64_t nrows, struct buf *err);
void pq_rowgroup_release(struct pq_rowgroup *g);

enum pq_text_status { PQ_TEXT_OK, PQ_TEXT_NULL, PQ_TEXT_NOT_STRING };

/* What pq_row_members writes: the top-level fields, in schema order. */
struct pq_row_shape {
	int ntop;
	int *top;            /* node indexes of the projected top-level fields */
	struct buf *keys;    /* per field: "name": as JSON */
	int text;            /* position in top[] of the text field, -1 if absent */
	int empty_text;      /* write "" for a null or non-string text (--on-missing=empty) */
};

/* Build the shape: projected top-level fields (names in `columns`, NULL = all, plus the
 * text field). -1 with a message when a named column does not exist. */
int pq_row_shape_init(struct pq_row_shape *s, const struct pq_meta *m, const char *columns,
		      const char *text_field, int empty_text, struct buf *err);
void pq_row_shape_release(struct pq_row_shape *s);
/* Is leaf column `leaf` read under this shape? */
int pq_row_shape_reads(const struct pq_row_shape *s, const struct pq_meta *m, int leaf);

/*
 * Append the next row's members, "k":v separated by commas (no braces), to out. Returns the
 * text field's status; with PQ_TEXT_OK, *text and *text_len are its bytes (before UTF-8 repair).
 */
enum pq_text_status pq_row_members(struct pq_rowgroup *g, const struct pq_row_shape *s,
				   struct buf *out, const char **text, size_t *text_len);

/* Values (pq_json.c). */
void pq_json_value(struct buf *out, const struct pq_column *c, size_t vi);
void pq_json_string(struct buf *out, const char *s, size_t n);
void pq_json_double(struct buf *out, double d);
/* The same by printf alone (what pq_json_double must equal; for its unit test). */
void pq_json_double_printf(struct buf *out, double d);
void pq_base64(struct buf *out, const uint8_t *p, size_t n);
int pq_is_string(const struct pq_node *n);

#endif
