/* Slices of a row group at page boundaries (see pq_slice.h). */
#include "parquet/pq_slice.h"

#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"

/* Bytes read for a page header; a header that does not fit is read again with the larger. */
#define HEADER_BYTES 512
#define HEADER_MAX (64 << 10)

/* A row group smaller than this many slices' worth of compressed bytes is not cut. */
#define MIN_SLICES 2

/* The page header at off (len bytes left in the chunk); -1 if it does not parse. */
static int read_header(const struct pq_file *f, uint64_t off, uint64_t left,
		       struct pq_page_header *h, size_t *hlen, uint8_t *win)
{
	for (size_t want = HEADER_BYTES;; want = HEADER_MAX) {
		size_t n = left < want ? (size_t)left : want;
		struct buf err = BUF_INIT;
		int rc = pq_file_read(f, off, n, win, &err);
		buf_release(&err);
		const char *why;
		if (rc == 0 && pq_page_header_parse(h, win, n, hlen, &why) == 0)
			return 0;
		if (rc < 0 || n < want || want == HEADER_MAX)
			return -1;
	}
}

/* The pages of a flat column chunk; -1 when it cannot be cut (then the worker decodes it whole,
 * and reports what is wrong with it). */
static int scan_chunk(const struct pq_file *f, const struct pq_chunk_meta *cm, int64_t num_rows,
		      struct pq_chunk_pages *cp, uint8_t *win)
{
	uint64_t pos = (uint64_t)cm->start, end = pos + (uint64_t)cm->length;
	int64_t rows = 0;
	while (pos < end && rows < cm->num_values) {
		struct pq_page_header h;
		size_t hlen;
		if (read_header(f, pos, end - pos, &h, &hlen, win) < 0 || h.compressed_size < 0 ||
		    h.uncompressed_size < 0 || (uint64_t)h.compressed_size > end - pos - hlen)
			return -1;
		uint64_t len = hlen + (uint64_t)h.compressed_size;
		if (h.type == PQ_DICTIONARY_PAGE) {
			if (cp->n || cp->dict_len) /* a dictionary after data pages: not cut */
				return -1;
			cp->dict_off = pos;
			cp->dict_len = len;
			cp->dict_bytes = (uint64_t)h.uncompressed_size;
		} else if (h.type == PQ_DATA_PAGE || h.type == PQ_DATA_PAGE_V2) {
			if (h.num_values <= 0 || h.num_values > cm->num_values - rows)
				return -1;
			ALLOC_GROW(cp->pg, cp->n + 1, cp->cap);
			cp->pg[cp->n++] = (struct pq_page_span){ pos, len, rows, h.num_values,
								 (uint64_t)h.uncompressed_size };
			cp->bytes += (uint64_t)h.uncompressed_size;
			rows += h.num_values;
		}
		pos += len;
	}
	return rows == num_rows && rows == cm->num_values && cp->n ? 0 : -1;
}

/* The first page of cp holding row r (pages are in row order). */
static size_t page_of(const struct pq_chunk_pages *cp, int64_t r)
{
	size_t lo = 0, hi = cp->n; /* the answer is in [lo, hi) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp->pg[mid].row0 <= r)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Uncompressed bytes the slices decode in all (straddling pages once per slice). */
static uint64_t plan_cost(const struct pq_slice_plan *p, const struct pq_meta *m, const int *reads)
{
	uint64_t cost = 0;
	for (int l = 0; l < m->nleaves; l++) {
		if (!reads[l])
			continue;
		const struct pq_chunk_pages *cp = &p->cols[l];
		for (int k = 0; k < p->nslices; k++) {
			size_t a = page_of(cp, p->cuts[k]), b = page_of(cp, p->cuts[k + 1] - 1);
			cost += cp->dict_bytes;
			for (size_t i = a; i <= b; i++)
				cost += cp->pg[i].bytes;
		}
	}
	return cost;
}

/* Cut at the lead column's page boundaries every `step` of its bytes. */
static void cut(struct pq_slice_plan *p, const struct pq_chunk_pages *lead, int64_t num_rows,
		uint64_t step)
{
	p->nslices = 0;
	p->cuts[0] = 0;
	uint64_t acc = 0;
	for (size_t i = 0; i + 1 < lead->n; i++) {
		acc += lead->pg[i].bytes;
		if (acc >= step) {
			p->cuts[++p->nslices] = lead->pg[i + 1].row0;
			acc = 0;
		}
	}
	p->cuts[++p->nslices] = num_rows;
}

static void free_cols(struct pq_slice_plan *p, int nleaves)
{
	if (p->cols)
		for (int l = 0; l < nleaves; l++)
			free(p->cols[l].pg);
	free(p->cols);
	p->cols = NULL;
}

void pq_slice_plan(struct pq_slice_plan *p, const struct pq_file *f, int rg, const int *reads,
		   size_t target)
{
	const struct pq_meta *m = &f->meta;
	const struct pq_rowgroup_meta *r = &m->rgs[rg];
	memset(p, 0, sizeof(*p));
	p->nslices = 1;
	p->cuts = xcalloc(2, sizeof(int64_t));
	p->cuts[1] = r->num_rows;
	uint64_t stored = 0;
	for (int l = 0; l < m->nleaves; l++) {
		if (!reads[l])
			continue;
		if (m->nodes[m->leaves[l]].max_rep)
			return;
		stored += (uint64_t)r->cols[l].length;
	}
	/* skip reading the headers of a row group that is small anyway (text compresses 3-50x) */
	if (stored < MIN_SLICES * (uint64_t)target / 64 || r->num_rows < 2)
		return;
	p->cols = xcalloc((size_t)m->nleaves, sizeof(*p->cols));
	uint8_t *win = xmalloc(HEADER_MAX);
	int lead = -1, ok = 1;
	uint64_t total = 0;
	for (int l = 0; l < m->nleaves && ok; l++) {
		if (!reads[l])
			continue;
		struct pq_chunk_pages *cp = &p->cols[l];
		ok = scan_chunk(f, &r->cols[l], r->num_rows, cp, win) == 0;
		total += cp->dict_bytes + cp->bytes;
		if (ok && (lead < 0 || cp->bytes > p->cols[lead].bytes))
			lead = l;
	}
	free(win);
	if (!ok || lead < 0 || p->cols[lead].n < 2 || total < MIN_SLICES * (uint64_t)target) {
		free_cols(p, m->nleaves); /* one slice */
		return;
	}
	const struct pq_chunk_pages *lp = &p->cols[lead];
	p->cuts = xrealloc(p->cuts, (lp->n + 1) * sizeof(int64_t));
	/* the lead column's share of a slice of `target` bytes, doubled until the pages decoded
	 * twice cost at most 1/4 more (dictionary pages are decoded by
	 * every slice) */
	uint64_t step = (uint64_t)((double)target * (double)lp->bytes / (double)total);
	for (;; step *= 2) {
		cut(p, lp, r->num_rows, step ? step : 1);
		if (p->nslices == 1 || plan_cost(p, m, reads) <= total + total / 4)
			break;
	}
}

void pq_slice_col(const struct pq_slice_plan *p, const struct pq_meta *m, int rg, int l, int k,
		  struct pq_slice_col *sc)
{
	const struct pq_chunk_meta *cm = &m->rgs[rg].cols[l];
	memset(sc, 0, sizeof(*sc));
	if (p->nslices == 1) {
		sc->part[0] = (struct pq_part){ NULL, (size_t)cm->length, (uint64_t)cm->start };
		sc->nparts = 1;
		sc->values = cm->num_values;
		return;
	}
	const struct pq_chunk_pages *cp = &p->cols[l];
	size_t a = page_of(cp, p->cuts[k]), b = page_of(cp, p->cuts[k + 1] - 1);
	if (cp->dict_len)
		sc->part[sc->nparts++] = (struct pq_part){ NULL, (size_t)cp->dict_len, cp->dict_off };
	sc->part[sc->nparts++] = (struct pq_part){
		NULL, (size_t)(cp->pg[b].off + cp->pg[b].len - cp->pg[a].off), cp->pg[a].off };
	for (size_t i = a; i <= b; i++)
		sc->values += cp->pg[i].rows;
	sc->skip = p->cuts[k] - cp->pg[a].row0;
}

void pq_slice_plan_release(struct pq_slice_plan *p, int nleaves)
{
	free_cols(p, nleaves);
	free(p->cuts);
	memset(p, 0, sizeof(*p));
}
