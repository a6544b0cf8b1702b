/*
 * Column chunk decoding: page loop, levels, and the value encodings (parquet-format
 * Encodings.md): PLAIN, PLAIN_DICTIONARY/RLE_DICTIONARY, RLE (booleans), DELTA_BINARY_PACKED,
 * DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT.
 */
#include "parquet/pq_column.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lib/le.h"
#include "lib/xalloc.h"
#include "parquet/pq_codec.h"
#include "parquet/pq_encoding.h"

/* Most bytes DELTA_BYTE_ARRAY may rebuild from one page (prefixes can repeat long values). */
#define MAX_REBUILT_BYTES ((size_t)1 << 30)

int pq_type_width(const struct pq_node *leaf)
{
	switch (leaf->type) {
	case PQ_BOOLEAN: return 1;
	case PQ_INT32: case PQ_FLOAT: return 4;
	case PQ_INT64: case PQ_DOUBLE: return 8;
	case PQ_INT96: return 12;
	case PQ_FLBA: return leaf->type_length;
	default: return 0;
	}
}

/* Room for `more` values in v. */
static void vals_reserve(struct pq_values *v, int width, size_t more)
{
	/* always some storage, so that no pointer arithmetic starts from NULL */
	if (v->n + more <= v->cap && v->cap)
		return;
	size_t cap = alloc_nr(v->cap, v->n + more + 1);
	if (width)
		v->fixed = xrealloc(v->fixed, cap * (size_t)width);
	else
		v->ba = xrealloc(v->ba, cap * sizeof(*v->ba));
	v->cap = cap;
}

/*
 * Page buffers are kept per thread between column chunks (up to POOL_MAX of them): a slice's
 * pages are as big as the last one's, and memory already touched costs nothing, while fresh
 * memory costs a page fault and zeroing per 4 KiB (docs/parquet.md, "Speed").
 */
#define POOL_MAX 64
struct page_pool {
	struct buf b[POOL_MAX];
	int n;
};
static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static void pool_free(void *p)
{
	struct page_pool *pp = p;
	for (int i = 0; i < pp->n; i++)
		buf_release(&pp->b[i]);
	free(pp);
}
static void pool_init(void)
{
	pthread_key_create(&pool_key, pool_free);
}
static struct page_pool *thread_pool(void)
{
	pthread_once(&pool_once, pool_init);
	struct page_pool *pp = pthread_getspecific(pool_key);
	if (!pp) {
		pp = xcalloc(1, sizeof(*pp));
		pthread_setspecific(pool_key, pp);
	}
	return pp;
}

/* A buffer for a page of about `want` bytes: the smallest pooled one that holds it, else the
 * largest (it grows), else a new one. */
static struct buf *new_page(struct pq_column *c, size_t want)
{
	ALLOC_GROW(c->pages, c->npages + 1, c->pages_cap);
	struct buf *b = &c->pages[c->npages++];
	struct page_pool *pp = thread_pool();
	int pick = -1;
	for (int i = 0; i < pp->n; i++) {
		size_t cap = pp->b[i].cap;
		if (pick < 0 || (cap > want ? pp->b[pick].cap <= want || cap < pp->b[pick].cap
					    : cap > pp->b[pick].cap))
			pick = i;
	}
	if (pick < 0) {
		buf_init(b, 0);
		return b;
	}
	*b = pp->b[pick];
	pp->b[pick] = pp->b[--pp->n];
	buf_reset(b);
	return b;
}

/* Give the page buffers back to the thread's pool (the rest are freed). */
static void release_pages(struct pq_column *c)
{
	struct page_pool *pp = thread_pool();
	for (size_t i = 0; i < c->npages; i++) {
		if (pp->n < POOL_MAX && c->pages[i].cap > 1)
			pp->b[pp->n++] = c->pages[i];
		else
			buf_release(&c->pages[i]);
	}
	free(c->pages);
}

/* PLAIN values into v. */
static int plain(struct pq_column *c, struct pq_values *v, const uint8_t *p, size_t len, size_t n,
		 const char **err)
{
	int w = c->width;
	if (c->leaf->type == PQ_BOOLEAN) {
		if ((n + 7) / 8 > len)
			goto short_data;
		vals_reserve(v, 1, n);
		for (size_t i = 0; i < n; i++)
			v->fixed[v->n + i] = (p[i >> 3] >> (i & 7)) & 1;
		v->n += n;
		return 0;
	}
	if (w) {
		if ((uint64_t)n * (uint64_t)w > len)
			goto short_data;
		vals_reserve(v, w, n);
		memcpy(v->fixed + v->n * (size_t)w, p, n * (size_t)w);
		v->n += n;
		return 0;
	}
	if ((uint64_t)n * 4 > len)
		goto short_data;
	vals_reserve(v, 0, n);
	size_t pos = 0;
	for (size_t i = 0; i < n; i++) {
		if (len - pos < 4)
			goto short_data;
		uint32_t l = le_get32(p + pos);
		pos += 4;
		if (l > len - pos)
			goto short_data;
		v->ba[v->n + i].p = (const char *)p + pos;
		v->ba[v->n + i].n = l;
		pos += l;
	}
	v->n += n;
	return 0;
short_data:
	*err = "PLAIN values run past the page";
	return -1;
}

static int dict_indices(struct pq_column *c, const uint8_t *p, size_t len, size_t n,
			const char **err)
{
	if (!c->has_dict) {
		*err = "dictionary-encoded page without a dictionary page";
		return -1;
	}
	if (len < 1 && n) {
		*err = "dictionary indices missing";
		return -1;
	}
	uint32_t *idx = xmalloc((n ? n : 1) * sizeof(uint32_t));
	int rc = n ? pq_rle_decode(p + 1, len - 1, p[0], idx, n, err) : 0;
	if (rc == 0) {
		int w = c->width;
		vals_reserve(&c->vals, w, n);
		for (size_t i = 0; i < n; i++) {
			if (idx[i] >= c->dict.n) {
				*err = "dictionary index out of range";
				rc = -1;
				break;
			}
			if (w)
				memcpy(c->vals.fixed + (c->vals.n + i) * (size_t)w,
				       c->dict.fixed + (size_t)idx[i] * (size_t)w, (size_t)w);
			else
				c->vals.ba[c->vals.n + i] = c->dict.ba[idx[i]];
		}
		if (rc == 0)
			c->vals.n += n;
	}
	free(idx);
	return rc;
}

static int delta_ints(struct pq_column *c, const uint8_t *p, size_t len, size_t n,
		      const char **err)
{
	if (c->leaf->type != PQ_INT32 && c->leaf->type != PQ_INT64) {
		*err = "DELTA_BINARY_PACKED on a column that is not INT32/INT64";
		return -1;
	}
	int64_t *tmp = xmalloc((n ? n : 1) * sizeof(int64_t));
	size_t used;
	int rc = pq_delta_decode(p, len, tmp, n, &used, err);
	if (rc == 0) {
		vals_reserve(&c->vals, c->width, n);
		for (size_t i = 0; i < n; i++) {
			if (c->width == 4) {
				int32_t v = (int32_t)(uint32_t)(uint64_t)tmp[i];
				memcpy(c->vals.fixed + (c->vals.n + i) * 4, &v, 4);
			} else {
				memcpy(c->vals.fixed + (c->vals.n + i) * 8, &tmp[i], 8);
			}
		}
		c->vals.n += n;
	}
	free(tmp);
	return rc;
}

/* Lengths (DELTA_BINARY_PACKED) then the bytes: n values into lens[]/data; bytes used. */
static int delta_lengths(const uint8_t *p, size_t len, size_t n, int64_t *lens, size_t *used,
			 const char **err)
{
	size_t hdr;
	if (pq_delta_decode(p, len, lens, n, &hdr, err) < 0)
		return -1;
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		if (lens[i] < 0 || (uint64_t)lens[i] > UINT32_MAX) {
			*err = "negative or huge byte-array length";
			return -1;
		}
		total += (uint64_t)lens[i];
	}
	if (total > len - hdr) {
		*err = "DELTA_LENGTH_BYTE_ARRAY data runs past the page";
		return -1;
	}
	*used = hdr + (size_t)total;
	return 0;
}

static int delta_length_ba(struct pq_column *c, const uint8_t *p, size_t len, size_t n,
			   const char **err)
{
	if (c->width) {
		*err = "DELTA_LENGTH_BYTE_ARRAY on a column that is not BYTE_ARRAY";
		return -1;
	}
	int64_t *lens = xmalloc((n ? n : 1) * sizeof(int64_t));
	size_t used, hdr;
	int rc = delta_lengths(p, len, n, lens, &used, err);
	if (rc == 0) {
		pq_delta_decode(p, len, lens, n, &hdr, err);
		vals_reserve(&c->vals, 0, n);
		const uint8_t *d = p + hdr;
		for (size_t i = 0; i < n; i++) {
			c->vals.ba[c->vals.n + i].p = (const char *)d;
			c->vals.ba[c->vals.n + i].n = (uint32_t)lens[i];
			d += lens[i];
		}
		c->vals.n += n;
	}
	free(lens);
	return rc;
}

static int delta_ba(struct pq_column *c, const uint8_t *p, size_t len, size_t n, const char **err)
{
	if (c->leaf->type != PQ_BYTE_ARRAY && c->leaf->type != PQ_FLBA) {
		*err = "DELTA_BYTE_ARRAY on a column that is not a byte array";
		return -1;
	}
	int64_t *pre = xmalloc((n ? n : 1) * sizeof(int64_t));
	int64_t *suf = xmalloc((n ? n : 1) * sizeof(int64_t));
	size_t used, used2, hdr2;
	int rc = -1;
	if (pq_delta_decode(p, len, pre, n, &used, err) < 0 ||
	    delta_lengths(p + used, len - used, n, suf, &used2, err) < 0)
		goto out;
	pq_delta_decode(p + used, len - used, suf, n, &hdr2, err);
	/* size of the rebuilt values, checked before allocating */
	uint64_t total = 0, prev = 0;
	for (size_t i = 0; i < n; i++) {
		if (pre[i] < 0 || (uint64_t)pre[i] > prev) {
			*err = "DELTA_BYTE_ARRAY prefix longer than the previous value";
			goto out;
		}
		prev = (uint64_t)pre[i] + (uint64_t)suf[i];
		if (c->width && prev != (uint64_t)c->width) {
			*err = "DELTA_BYTE_ARRAY value of the wrong fixed length";
			goto out;
		}
		total += prev;
		if (total > MAX_REBUILT_BYTES || prev > UINT32_MAX) {
			*err = "DELTA_BYTE_ARRAY values too large";
			goto out;
		}
	}
	struct buf *b = new_page(c, (size_t)total);
	buf_grow(b, (size_t)total);
	const uint8_t *s = p + used + hdr2;
	char *o = b->data, *last = NULL;
	size_t last_n = 0;
	vals_reserve(&c->vals, c->width, n);
	for (size_t i = 0; i < n; i++) {
		char *start = o;
		if (pre[i])
			memcpy(o, last, (size_t)pre[i]);
		o += pre[i];
		memcpy(o, s, (size_t)suf[i]);
		o += suf[i];
		s += suf[i];
		last = start;
		last_n = (size_t)(o - start);
		if (c->width) {
			memcpy(c->vals.fixed + (c->vals.n + i) * (size_t)c->width, start, last_n);
		} else {
			c->vals.ba[c->vals.n + i].p = start;
			c->vals.ba[c->vals.n + i].n = (uint32_t)last_n;
		}
	}
	b->len = (size_t)(o - b->data);
	c->vals.n += n;
	rc = 0;
out:
	free(pre);
	free(suf);
	return rc;
}

static int byte_stream_split(struct pq_column *c, const uint8_t *p, size_t len, size_t n,
			     const char **err)
{
	int w = c->width;
	if (!w || c->leaf->type == PQ_BOOLEAN || c->leaf->type == PQ_INT96) {
		*err = "BYTE_STREAM_SPLIT on an unsupported column type";
		return -1;
	}
	if ((uint64_t)n * (uint64_t)w > len) {
		*err = "BYTE_STREAM_SPLIT data runs past the page";
		return -1;
	}
	vals_reserve(&c->vals, w, n);
	uint8_t *o = c->vals.fixed + c->vals.n * (size_t)w;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < w; k++)
			o[i * (size_t)w + (size_t)k] = p[(size_t)k * n + i];
	c->vals.n += n;
	return 0;
}

static int bool_rle(struct pq_column *c, const uint8_t *p, size_t len, size_t n, const char **err)
{
	if (c->leaf->type != PQ_BOOLEAN || len < 4 || le_get32(p) > len - 4) {
		*err = "bad RLE boolean values";
		return -1;
	}
	uint32_t *tmp = xmalloc((n ? n : 1) * sizeof(uint32_t));
	int rc = pq_rle_decode(p + 4, le_get32(p), 1, tmp, n, err);
	if (rc == 0) {
		vals_reserve(&c->vals, 1, n);
		for (size_t i = 0; i < n; i++)
			c->vals.fixed[c->vals.n + i] = (uint8_t)tmp[i];
		c->vals.n += n;
	}
	free(tmp);
	return rc;
}

static int decode_values(struct pq_column *c, int enc, const uint8_t *p, size_t len, size_t n,
			 const char **err)
{
	switch (enc) {
	case PQ_PLAIN: return plain(c, &c->vals, p, len, n, err);
	case PQ_PLAIN_DICTIONARY:
	case PQ_RLE_DICTIONARY: return dict_indices(c, p, len, n, err);
	case PQ_RLE: return bool_rle(c, p, len, n, err);
	case PQ_DELTA_BINARY_PACKED: return delta_ints(c, p, len, n, err);
	case PQ_DELTA_LENGTH_BYTE_ARRAY: return delta_length_ba(c, p, len, n, err);
	case PQ_DELTA_BYTE_ARRAY: return delta_ba(c, p, len, n, err);
	case PQ_BYTE_STREAM_SPLIT: return byte_stream_split(c, p, len, n, err);
	default:
		*err = "unsupported value encoding";
		return -1;
	}
}

/* Levels of a v1 page (RLE with a 4-byte length, or BIT_PACKED): bytes used, -1 on error. */
static long levels_v1(int enc, const uint8_t *p, size_t len, int max, uint8_t *out, size_t n,
		      const char **err)
{
	int bw = pq_bit_width((uint64_t)max);
	if (enc == PQ_BIT_PACKED) {
		long used = pq_bitpacked_levels(p, len, bw, out, n);
		if (used < 0)
			*err = "BIT_PACKED levels run past the page";
		return used;
	}
	if (enc != PQ_RLE) {
		*err = "unsupported level encoding";
		return -1;
	}
	if (len < 4 || le_get32(p) > len - 4) {
		*err = "level data runs past the page";
		return -1;
	}
	if (pq_rle_decode8(p + 4, le_get32(p), bw, out, n, err) < 0)
		return -1;
	return 4 + (long)le_get32(p);
}

static int check_levels(const uint8_t *lv, size_t n, int max, const char **err)
{
	for (size_t i = 0; i < n; i++)
		if (lv[i] > max) {
			*err = "level above the column's maximum";
			return -1;
		}
	return 0;
}

/* Decode one data page (v1 or v2) whose body (after the header) is raw[0..h->compressed_size). */
static int data_page(struct pq_column *c, int codec, const struct pq_page_header *h,
		     const uint8_t *raw, const char **err)
{
	size_t n = (size_t)h->num_values;
	const struct pq_node *lf = c->leaf;
	if (n > PQ_MAX_PAGE_VALUES) {
		*err = "page announces too many values";
		return -1;
	}
	if (lf->max_def && c->nlev + n > c->lev_cap) {
		c->lev_cap = alloc_nr(c->lev_cap, c->nlev + n);
		c->def = xrealloc(c->def, c->lev_cap);
		if (lf->max_rep)
			c->rep = xrealloc(c->rep, c->lev_cap);
	}
	uint8_t *rep = lf->max_rep ? c->rep + c->nlev : NULL, *def = lf->max_def ? c->def + c->nlev : NULL;
	const uint8_t *p;
	size_t len;
	if (h->type == PQ_DATA_PAGE_V2) {
		size_t lv = (size_t)h->rep_len + (size_t)h->def_len;
		if (lv > (size_t)h->compressed_size || lv > (size_t)h->uncompressed_size) {
			*err = "level lengths exceed the page";
			return -1;
		}
		if ((rep && pq_rle_decode8(raw, (size_t)h->rep_len, pq_bit_width((uint64_t)lf->max_rep),
					   rep, n, err) < 0) ||
		    (def && pq_rle_decode8(raw + h->rep_len, (size_t)h->def_len,
					   pq_bit_width((uint64_t)lf->max_def), def, n, err) < 0))
			return -1;
		p = raw + lv;
		len = (size_t)h->compressed_size - lv;
		if (h->is_compressed && codec != PQ_UNCOMPRESSED) {
			struct buf *b = new_page(c, (size_t)h->uncompressed_size - lv);
			if (pq_decompress(codec, p, len, (size_t)h->uncompressed_size - lv, b, err) < 0)
				return -1;
			p = (const uint8_t *)b->data;
			len = b->len;
		}
	} else {
		p = raw;
		len = (size_t)h->compressed_size;
		if (codec != PQ_UNCOMPRESSED) {
			struct buf *b = new_page(c, (size_t)h->uncompressed_size);
			if (pq_decompress(codec, p, len, (size_t)h->uncompressed_size, b, err) < 0)
				return -1;
			p = (const uint8_t *)b->data;
			len = b->len;
		}
		long used;
		if (rep) {
			if ((used = levels_v1(h->rep_encoding, p, len, lf->max_rep, rep, n, err)) < 0)
				return -1;
			p += used;
			len -= (size_t)used;
		}
		if (def) {
			if ((used = levels_v1(h->def_encoding, p, len, lf->max_def, def, n, err)) < 0)
				return -1;
			p += used;
			len -= (size_t)used;
		}
	}
	if ((rep && check_levels(rep, n, lf->max_rep, err) < 0) ||
	    (def && check_levels(def, n, lf->max_def, err) < 0))
		return -1;
	size_t nonnull = n;
	if (def) {
		nonnull = 0;
		for (size_t i = 0; i < n; i++)
			nonnull += def[i] == lf->max_def;
	}
	if (decode_values(c, h->encoding, p, len, nonnull, err) < 0)
		return -1;
	c->nlev += n;
	if (rep) {
		for (size_t i = 0; i < n; i++)
			c->rows_done += rep[i] == 0;
	} else {
		c->rows_done += (int64_t)n;
	}
	return 0;
}

static int dict_page(struct pq_column *c, int codec, const struct pq_page_header *h,
		     const uint8_t *raw, const char **err)
{
	if (c->has_dict) {
		*err = "second dictionary page in a column chunk";
		return -1;
	}
	if (h->encoding != PQ_PLAIN && h->encoding != PQ_PLAIN_DICTIONARY) {
		*err = "dictionary page not PLAIN-encoded";
		return -1;
	}
	const uint8_t *p = raw;
	size_t len = (size_t)h->compressed_size;
	if (codec != PQ_UNCOMPRESSED) {
		struct buf *b = new_page(c, (size_t)h->uncompressed_size);
		if (pq_decompress(codec, p, len, (size_t)h->uncompressed_size, b, err) < 0)
			return -1;
		p = (const uint8_t *)b->data;
		len = b->len;
	}
	if ((size_t)h->num_values > PQ_MAX_PAGE_VALUES) {
		*err = "dictionary announces too many values";
		return -1;
	}
	if (plain(c, &c->dict, p, len, (size_t)h->num_values, err) < 0)
		return -1;
	c->has_dict = 1;
	return 0;
}

/* The pages of one part; -1 with *why and *at (offset in the part) on damage. */
static int decode_part(struct pq_column *c, int codec, const struct pq_part *pt,
		       int64_t num_values, size_t *at, const char **why)
{
	const uint8_t *data = pt->data;
	size_t len = pt->len, pos = 0;
	while (pos < len && (int64_t)c->nlev < num_values) {
		struct pq_page_header h;
		size_t hlen;
		*at = pos;
		if (pq_page_header_parse(&h, data + pos, len - pos, &hlen, why) < 0)
			return -1;
		if ((size_t)h.compressed_size > len - pos - hlen) {
			*why = "page runs past the end of its column chunk";
			return -1;
		}
		const uint8_t *body = data + pos + hlen;
		if (h.has_crc && (uint32_t)crc32(0, body, (uInt)h.compressed_size) != h.crc) {
			*why = "page CRC mismatch";
			return -1;
		}
		int rc = 0;
		if (h.type == PQ_DATA_PAGE || h.type == PQ_DATA_PAGE_V2) {
			if ((int64_t)c->nlev + h.num_values > num_values) {
				*why = "pages hold more values than the column chunk's metadata says";
				return -1;
			}
			rc = data_page(c, codec, &h, body, why);
		} else if (h.type == PQ_DICTIONARY_PAGE) {
			rc = dict_page(c, codec, &h, body, why);
		} /* index pages and unknown page types are skipped */
		if (rc < 0)
			return -1;
		pos += hlen + (size_t)h.compressed_size;
	}
	*at = pos;
	return 0;
}

int pq_column_decode_parts(struct pq_column *c, const struct pq_node *leaf, int codec,
			   const struct pq_part *parts, int nparts, int64_t num_values,
			   struct buf *err)
{
	memset(c, 0, sizeof(*c));
	c->leaf = leaf;
	c->width = pq_type_width(leaf);
	const char *why = NULL;
	size_t at = 0;
	uint64_t base = nparts ? parts[0].file_off : 0;
	for (int i = 0; i < nparts; i++) {
		base = parts[i].file_off;
		if (decode_part(c, codec, &parts[i], num_values, &at, &why) < 0)
			goto fail;
	}
	if ((int64_t)c->nlev != num_values) {
		why = "column chunk ends before all its values";
		goto fail;
	}
	return 0;
fail:
	buf_addf(err, "%s at byte %llu", why, (unsigned long long)(base + at));
	/* a row split across pages is not whole: drop the last one counted */
	if (leaf->max_rep && c->rows_done > 0)
		c->rows_done--;
	return -1;
}

int pq_column_decode(struct pq_column *c, const struct pq_node *leaf, int codec,
		     const uint8_t *data, size_t len, uint64_t file_off, int64_t num_values,
		     struct buf *err)
{
	struct pq_part pt = { data, len, file_off };
	return pq_column_decode_parts(c, leaf, codec, &pt, 1, num_values, err);
}

void pq_column_release(struct pq_column *c)
{
	free(c->def);
	free(c->rep);
	free(c->vals.fixed);
	free(c->vals.ba);
	free(c->dict.fixed);
	free(c->dict.ba);
	release_pages(c);
	memset(c, 0, sizeof(*c));
}
