/*
 * Writing one column chunk: an optional dictionary page, then data pages v1 of at most ~1 MB
 * or 20,000 rows (as arrow-rs cuts them), each holding RLE definition levels and PLAIN values
 * (or RLE_DICTIONARY indices), ZSTD-compressed, with a CRC-32 of the stored bytes.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zlib.h>

#include "lib/xalloc.h"
#include "parquet/pq_codec.h"
#include "parquet/pq_encoding.h"
#include "parquet/pq_meta.h"
#include "parquet/pq_rows.h"
#include "parquet/pq_thrift.h"
#include "parquet/pq_write_int.h"

#define PAGE_BYTES ((size_t)1 << 20)
#define PAGE_ROWS 20000
#define DICT_MAX_VALUES 65536
#define DICT_MAX_BYTES ((size_t)1 << 20)
#define STAT_MAX_BYTES 64

void pq_wcol_reset(struct wcol *c)
{
	c->nrows = 0;
	c->nv = 0;
	buf_reset(&c->data);
}

void pq_wcol_release(struct wcol *c)
{
	free(c->name);
	free(c->def);
	free(c->iv);
	free(c->dv);
	free(c->bv);
	free(c->len);
	buf_release(&c->data);
	for (size_t k = 0; k < c->nchunks; k++) {
		buf_release(&c->chunks[k].min);
		buf_release(&c->chunks[k].max);
	}
	free(c->chunks);
	memset(c, 0, sizeof(*c));
}

/* The JSON text of value i (of a column that is not JSON yet); *off walks the string bytes. */
static void json_text(struct buf *out, const struct wcol *c, size_t i, size_t *off)
{
	switch (c->kind) {
	case WK_INT:
		buf_addf(out, "%lld", (long long)c->iv[i]);
		break;
	case WK_DBL:
		pq_json_double(out, c->dv[i]);
		break;
	case WK_BOOL:
		buf_addstr(out, c->bv[i] ? "true" : "false");
		break;
	default:
		pq_json_string(out, c->data.data + *off, c->len[i]);
		*off += c->len[i];
		break;
	}
}

/* The value arrays are left with room for exactly nv values (vcap = nv), so the next value
 * grows the array of the new kind. */
void pq_wcol_convert(struct wcol *c, int to)
{
	if (c->kind == to)
		return;
	size_t n = c->nv;
	if (to == WK_DBL && c->kind == WK_INT) {
		double *dv = xmalloc((n ? n : 1) * sizeof(double));
		for (size_t i = 0; i < n; i++)
			dv[i] = (double)c->iv[i]; /* the double strtod makes of the integer's text */
		free(c->dv);
		c->dv = dv;
	} else if (to == WK_JSON && c->kind != WK_NONE) {
		struct buf text = BUF_INIT;
		uint32_t *len = xmalloc((n ? n : 1) * sizeof(uint32_t));
		size_t off = 0;
		for (size_t i = 0; i < n; i++) {
			size_t before = text.len;
			json_text(&text, c, i, &off);
			len[i] = (uint32_t)(text.len - before);
		}
		buf_release(&c->data);
		c->data = text;
		free(c->len);
		c->len = len;
	}
	if (to != WK_INT) {
		free(c->iv);
		c->iv = NULL;
	}
	if (to != WK_DBL) {
		free(c->dv);
		c->dv = NULL;
	}
	if (to != WK_BOOL) {
		free(c->bv);
		c->bv = NULL;
	}
	if (to != WK_STR && to != WK_JSON) {
		free(c->len);
		c->len = NULL;
	}
	c->vcap = n;
	c->kind = to;
}

static void put_le(struct buf *b, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		buf_addch(b, (char)((v >> (8 * i)) & 0xff));
}

/* Compress body and emit header + bytes at file offset *pos. */
static void page(pq_emit_fn emit, void *ctx, int64_t *pos, struct buf *tmp, int type,
		 const struct buf *body, size_t nvals, int encoding, int level, struct wchunk *ch)
{
	buf_reset(tmp);
	pq_compress(PQ_ZSTD, level, body->data, body->len, tmp);
	struct buf hdr = BUF_INIT;
	struct twriter w;
	tw_init(&w, &hdr);
	tw_i32(&w, 1, type);
	tw_i32(&w, 2, (int32_t)body->len);
	tw_i32(&w, 3, (int32_t)tmp->len);
	tw_i32(&w, 4, (int32_t)crc32(0, (const Bytef *)tmp->data, (uInt)tmp->len));
	tw_struct_begin(&w, type == PQ_DICTIONARY_PAGE ? 7 : 5);
	tw_i32(&w, 1, (int32_t)nvals);
	tw_i32(&w, 2, encoding);
	if (type == PQ_DATA_PAGE) {
		tw_i32(&w, 3, PQ_RLE);
		tw_i32(&w, 4, PQ_RLE);
	}
	tw_struct_end(&w);
	buf_addch(&hdr, 0); /* end of PageHeader */
	emit(ctx, hdr.data, hdr.len);
	emit(ctx, tmp->data, tmp->len);
	*pos += (int64_t)(hdr.len + tmp->len);
	ch->comp += (int64_t)(hdr.len + tmp->len);
	ch->uncomp += (int64_t)(hdr.len + body->len);
	buf_release(&hdr);
}

/* A dictionary of the column's strings: index per value; 0 when not worth it. */
static int build_dict(const struct wcol *c, const size_t *off, uint32_t *idx, uint32_t **first,
		      size_t *ndict)
{
	if (c->kind != WK_STR || c->nv < 16)
		return 0;
	size_t cap = 1024;
	while (cap < c->nv * 2 && cap < (size_t)DICT_MAX_VALUES * 4)
		cap *= 2;
	uint32_t *slot = xmalloc(cap * sizeof(uint32_t)); /* value index + 1 of the entry's first */
	memset(slot, 0, cap * sizeof(uint32_t));
	uint32_t *firsts = xmalloc(DICT_MAX_VALUES * sizeof(uint32_t));
	size_t n = 0, bytes = 0;
	for (size_t i = 0; i < c->nv; i++) {
		const char *p = c->data.data + off[i];
		size_t len = c->len[i];
		size_t h = (size_t)XXH3_64bits(p, len) & (cap - 1);
		for (;;) {
			uint32_t s = slot[h];
			if (!s) {
				if (n == DICT_MAX_VALUES || n * 2 > c->nv || bytes + len > DICT_MAX_BYTES) {
					free(slot);
					free(firsts);
					return 0;
				}
				firsts[n] = (uint32_t)i;
				slot[h] = (uint32_t)n + 1;
				idx[i] = (uint32_t)n++;
				bytes += len + 4;
				break;
			}
			uint32_t f = firsts[s - 1];
			if (c->len[f] == len && !memcmp(c->data.data + off[f], p, len)) {
				idx[i] = s - 1;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
	}
	free(slot);
	if (n * 2 > c->nv) {
		free(firsts);
		return 0;
	}
	*first = firsts;
	*ndict = n;
	return 1;
}

static void minmax(struct wcol *c, const size_t *off, struct wchunk *ch)
{
	buf_reset(&ch->min);
	buf_reset(&ch->max);
	ch->has_minmax = 0;
	if (!c->nv || c->kind == WK_JSON)
		return;
	if (c->kind == WK_INT) {
		int64_t lo = c->iv[0], hi = c->iv[0];
		for (size_t i = 1; i < c->nv; i++) {
			lo = c->iv[i] < lo ? c->iv[i] : lo;
			hi = c->iv[i] > hi ? c->iv[i] : hi;
		}
		put_le(&ch->min, (uint64_t)lo, 8);
		put_le(&ch->max, (uint64_t)hi, 8);
	} else if (c->kind == WK_DBL) {
		double lo = c->dv[0], hi = c->dv[0];
		for (size_t i = 0; i < c->nv; i++) {
			if (c->dv[i] != c->dv[i])
				return; /* NaN: no statistics */
			lo = c->dv[i] < lo ? c->dv[i] : lo;
			hi = c->dv[i] > hi ? c->dv[i] : hi;
		}
		buf_add(&ch->min, &lo, 8);
		buf_add(&ch->max, &hi, 8);
	} else if (c->kind == WK_BOOL) {
		uint8_t lo = 1, hi = 0;
		for (size_t i = 0; i < c->nv; i++) {
			lo &= c->bv[i];
			hi |= c->bv[i];
		}
		buf_addch(&ch->min, (char)lo);
		buf_addch(&ch->max, (char)hi);
	} else {
		size_t lo = 0, hi = 0;
		for (size_t i = 1; i < c->nv; i++) {
			size_t a = c->len[i], b = c->len[lo], k = c->len[hi];
			int cl = memcmp(c->data.data + off[i], c->data.data + off[lo], a < b ? a : b);
			if (cl < 0 || (cl == 0 && a < b))
				lo = i;
			int ch2 = memcmp(c->data.data + off[i], c->data.data + off[hi], a < k ? a : k);
			if (ch2 > 0 || (ch2 == 0 && a > k))
				hi = i;
		}
		if (c->len[lo] > STAT_MAX_BYTES || c->len[hi] > STAT_MAX_BYTES)
			return;
		buf_add(&ch->min, c->data.data + off[lo], c->len[lo]);
		buf_add(&ch->max, c->data.data + off[hi], c->len[hi]);
	}
	ch->has_minmax = 1;
}

static void plain_value(struct buf *b, const struct wcol *c, const size_t *off, size_t i)
{
	switch (c->kind) {
	case WK_INT:
		put_le(b, (uint64_t)c->iv[i], 8);
		break;
	case WK_DBL:
		buf_add(b, &c->dv[i], 8);
		break;
	default:
		put_le(b, c->len[i], 4);
		buf_add(b, c->data.data + off[i], c->len[i]);
		break;
	}
}

void pq_write_chunk(struct wcol *c, int64_t at, int level, pq_emit_fn emit, void *ctx)
{
	ALLOC_GROW(c->chunks, c->nchunks + 1, c->chunks_cap);
	struct wchunk *ch = &c->chunks[c->nchunks++];
	memset(ch, 0, sizeof(*ch));
	ch->min = (struct buf)BUF_INIT;
	ch->max = (struct buf)BUF_INIT;
	ch->start = at;
	ch->kind = c->kind;
	ch->dict_off = -1;
	ch->num_values = (int64_t)c->nrows;
	ch->nulls = (int64_t)(c->nrows - c->nv);
	size_t *off = NULL;
	if (c->kind == WK_STR || c->kind == WK_JSON) {
		off = xmalloc((c->nv ? c->nv : 1) * sizeof(size_t));
		size_t o = 0;
		for (size_t i = 0; i < c->nv; i++) {
			off[i] = o;
			o += c->len[i];
		}
	}
	minmax(c, off, ch);
	uint32_t *idx = c->kind == WK_STR ? xmalloc((c->nv ? c->nv : 1) * sizeof(uint32_t)) : NULL;
	uint32_t *first = NULL;
	size_t ndict = 0;
	struct buf body = BUF_INIT, tmp = BUF_INIT;
	int64_t pos = at;
	if (idx && build_dict(c, off, idx, &first, &ndict)) {
		ch->has_dict = 1;
		ch->dict_off = at;
		for (size_t k = 0; k < ndict; k++)
			plain_value(&body, c, off, first[k]);
		page(emit, ctx, &pos, &tmp, PQ_DICTIONARY_PAGE, &body, ndict, PQ_PLAIN, level, ch);
	}
	ch->data_off = pos;
	int bw = pq_bit_width(ndict ? ndict - 1 : 0);
	size_t r = 0, v = 0;
	do {
		/* rows [r, r2), values [v, v2) */
		size_t r2 = r, v2 = v, bytes = 0;
		while (r2 < c->nrows && r2 - r < PAGE_ROWS && bytes < PAGE_BYTES) {
			if (c->def[r2]) {
				bytes += c->len ? c->len[v2] + 4 : 8;
				v2++;
			}
			r2++;
		}
		buf_reset(&body);
		size_t lpos = body.len;
		put_le(&body, 0, 4);
		pq_rle_encode8(&body, c->def + r, r2 - r, 1);
		uint32_t ll = (uint32_t)(body.len - lpos - 4);
		memcpy(body.data + lpos, &ll, 4);
		if (ch->has_dict) {
			buf_addch(&body, (char)bw);
			pq_rle_encode(&body, idx + v, v2 - v, bw);
		} else if (c->kind == WK_BOOL) {
			for (size_t i = v; i < v2; i += 8) {
				unsigned byte = 0;
				for (size_t k = i; k < v2 && k < i + 8; k++)
					byte |= (unsigned)c->bv[k] << (k - i);
				buf_addch(&body, (char)byte);
			}
		} else {
			for (size_t i = v; i < v2; i++)
				plain_value(&body, c, off, i);
		}
		page(emit, ctx, &pos, &tmp, PQ_DATA_PAGE, &body, r2 - r,
		     ch->has_dict ? PQ_RLE_DICTIONARY : PQ_PLAIN, level, ch);
		r = r2;
		v = v2;
	} while (r < c->nrows);
	buf_release(&body);
	buf_release(&tmp);
	free(off);
	free(idx);
	free(first);
}
