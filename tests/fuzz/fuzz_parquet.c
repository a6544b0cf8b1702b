/*
 * Fuzz target: the Parquet reader (parquet/) on arbitrary bytes taken as a whole file.
 *
 * The footer is parsed; every row group whose claimed size is modest (a file may honestly
 * describe millions of values in a few bytes: that is a decompression bomb, not a parser bug)
 * is decoded and its rows assembled into JSON. The input's tail is also parsed as a page
 * header. Every outcome is allowed except a crash, a sanitizer report or a leak; errors must
 * carry a message, and the JSON of every row must be a balanced object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parquet/parquet.h"
#include "parquet/pq_rows.h"

#define FUZZ_ASSERT(c)                                                                     \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "fuzz_parquet: assertion failed: %s (line %d)\n", #c, \
				__LINE__);                                                 \
			abort();                                                           \
		}                                                                          \
	} while (0)

static void rows(const struct pq_file *f, int rg)
{
	const struct pq_meta *m = &f->meta;
	const struct pq_rowgroup_meta *r = &m->rgs[rg];
	if (r->num_rows > 100000)
		return;
	const uint8_t **raw = calloc((size_t)m->nleaves, sizeof(*raw));
	size_t *len = calloc((size_t)m->nleaves, sizeof(*len));
	uint64_t *off = calloc((size_t)m->nleaves, sizeof(*off));
	int skip = 0;
	for (int l = 0; l < m->nleaves; l++) {
		raw[l] = f->mem + r->cols[l].start;
		len[l] = (size_t)r->cols[l].length;
		off[l] = (uint64_t)r->cols[l].start;
		skip |= r->cols[l].num_values > 1000000;
	}
	struct pq_row_shape shape;
	struct buf err = BUF_INIT, out = BUF_INIT;
	int has_shape = pq_row_shape_init(&shape, m, NULL, "text", rg & 1, &err) == 0;
	FUZZ_ASSERT(has_shape);
	if (!skip) {
		struct pq_rowgroup g;
		buf_reset(&err);
		if (pq_rowgroup_decode(&g, m, rg, raw, len, off, &err) < 0)
			FUZZ_ASSERT(err.len > 0);
		FUZZ_ASSERT(g.nrows >= 0 && g.nrows <= r->num_rows);
		for (int64_t i = 0; i < g.nrows; i++) {
			const char *t = NULL;
			size_t tl = 0;
			buf_reset(&out);
			buf_addch(&out, '{');
			enum pq_text_status ts = pq_row_members(&g, &shape, &out, &t, &tl);
			buf_addch(&out, '}');
			FUZZ_ASSERT(ts != PQ_TEXT_OK || t != NULL);
			int depth = 0, in_str = 0;
			for (size_t k = 0; k < out.len; k++) {
				char c = out.data[k];
				if (in_str) {
					if (c == '\\')
						k++;
					else if (c == '"')
						in_str = 0;
				} else if (c == '"') {
					in_str = 1;
				} else if (c == '{' || c == '[') {
					depth++;
				} else if (c == '}' || c == ']') {
					depth--;
				}
			}
			FUZZ_ASSERT(depth == 0 && !in_str);
		}
		pq_rowgroup_release(&g);
	}
	pq_row_shape_release(&shape);
	buf_release(&err);
	buf_release(&out);
	free(raw);
	free(len);
	free(off);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pq_page_header h;
	size_t hl;
	const char *why = NULL;
	if (pq_page_header_parse(&h, data, size, &hl, &why) < 0)
		FUZZ_ASSERT(why != NULL);
	else
		FUZZ_ASSERT(hl <= size);

	struct buf copy = BUF_INIT, err = BUF_INIT;
	buf_add(&copy, data, size);
	struct pq_file f;
	if (pq_file_open_mem(&f, &copy, &err) == 0) {
		for (int rg = 0; rg < f.meta.nrg && rg < 16; rg++)
			rows(&f, rg);
	} else {
		FUZZ_ASSERT(err.len > 0);
	}
	pq_file_close(&f);
	buf_release(&copy);
	buf_release(&err);
	return 0;
}
