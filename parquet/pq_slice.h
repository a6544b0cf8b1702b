/*
 * Slices of a row group: runs of rows cut at page boundaries, so that one big row group (a
 * DuckDB file of 57,000 rows is one) is decoded by several -j workers, and held in memory a
 * slice at a time. The reading thread reads the page headers of the projected column chunks
 * (pread, a few hundred bytes each), cuts the row group at the page boundaries of the column
 * with the most bytes, and gives each slice, per column, its dictionary page and the run of
 * data pages covering its rows; pages of other columns that straddle a cut are decoded by
 * both slices, and the cuts are made coarser until that costs at most 1/4 more decoding.
 *
 * Only flat columns (no repetition) are cut: their level entries are rows. A row group with a
 * repeated column, a page header that does not parse, or counts that do not add up is one
 * slice (the whole chunks), and the worker's decoding reports any damage as before.
 */
#ifndef GRIST_PQ_SLICE_H
#define GRIST_PQ_SLICE_H

#include <stddef.h>
#include <stdint.h>

#include "parquet/parquet.h"
#include "parquet/pq_rows.h"

struct pq_page_span {
	uint64_t off, len;  /* header and body in the file */
	int64_t row0, rows; /* the rows its entries are */
	uint64_t bytes;     /* uncompressed */
};

struct pq_chunk_pages {
	uint64_t dict_off, dict_len; /* dict_len 0: no dictionary page */
	uint64_t dict_bytes, bytes;  /* uncompressed: dictionary; data pages */
	struct pq_page_span *pg;
	size_t n, cap;
};

struct pq_slice_plan {
	int nslices;
	int64_t *cuts;               /* nslices + 1 row boundaries, 0 .. num_rows */
	struct pq_chunk_pages *cols; /* per leaf column; NULL when nslices == 1 */
};

/*
 * Plan the slices of row group rg of f over the leaves with reads[l] set, aiming at `target`
 * uncompressed bytes per slice (at least; 1 slice when the row group is small).
 */
void pq_slice_plan(struct pq_slice_plan *p, const struct pq_file *f, int rg, const int *reads,
		   size_t target);
/* Rows [cuts[k], cuts[k+1]) and leaf l's part of slice k (file offsets, data NULL). */
void pq_slice_col(const struct pq_slice_plan *p, const struct pq_meta *m, int rg, int l, int k,
		  struct pq_slice_col *sc);
void pq_slice_plan_release(struct pq_slice_plan *p, int nleaves);

#endif
