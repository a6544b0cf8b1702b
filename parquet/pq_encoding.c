/* RLE/bit-packed hybrid and DELTA_BINARY_PACKED (see pq_encoding.h). */
#include "parquet/pq_encoding.h"

#include <string.h>

int pq_bit_width(uint64_t v)
{
	int w = 0;
	while (v) {
		w++;
		v >>= 1;
	}
	return w;
}

static int uleb(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t r = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -1;
		uint8_t b = *(*p)++;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

/* bw bits (LSB first) at bit position pos of p[0..nbytes); the bits must lie inside. */
static inline uint64_t read_bits(const uint8_t *p, size_t pos, int bw, size_t nbytes)
{
	if (bw == 0)
		return 0;
	size_t byte = pos >> 3;
	int shift = (int)(pos & 7);
	uint64_t v;
	if (byte + 8 <= nbytes) {
		memcpy(&v, p + byte, 8);
		v >>= shift;
		if (shift + bw > 64)
			v |= (uint64_t)p[byte + 8] << (64 - shift);
	} else {
		v = 0;
		for (int i = 0; i < bw; i++) {
			size_t b = pos + (size_t)i;
			v |= (uint64_t)((p[b >> 3] >> (b & 7)) & 1) << i;
		}
	}
	return bw == 64 ? v : v & ((1ull << bw) - 1);
}

/* The hybrid decoder, writing through one of two output widths. */
static int rle_decode(const uint8_t *p, size_t len, int bw, uint32_t *out32, uint8_t *out8,
		      size_t n, const char **err)
{
	if (bw < 0 || bw > 32) {
		*err = "bad bit width";
		return -1;
	}
	const uint8_t *end = p + len;
	size_t i = 0;
	size_t vbytes = ((size_t)bw + 7) / 8;
	while (i < n) {
		uint64_t h;
		if (uleb(&p, end, &h) < 0) {
			*err = "RLE/bit-packed data ends early";
			return -1;
		}
		if (h & 1) {
			uint64_t groups = h >> 1;
			size_t avail = (size_t)(end - p);
			/* the last run may be cut short by writers: take the values that are there */
			uint64_t nbytes = groups * (uint64_t)bw;
			if (groups > (uint64_t)1 << 40)
				nbytes = (uint64_t)-1;
			size_t have = nbytes > avail ? avail : (size_t)nbytes;
			uint64_t count = bw ? (uint64_t)have * 8 / (uint64_t)bw : groups * 8;
			if (count > groups * 8)
				count = groups * 8;
			if (count == 0 && groups) {
				*err = "RLE/bit-packed data ends early";
				return -1;
			}
			size_t take = count < n - i ? (size_t)count : n - i;
			for (size_t k = 0; k < take; k++) {
				uint64_t v = read_bits(p, k * (size_t)bw, bw, have);
				if (out32)
					out32[i + k] = (uint32_t)v;
				else
					out8[i + k] = (uint8_t)v;
			}
			i += take;
			p += have;
		} else {
			uint64_t count = h >> 1;
			if (vbytes > (size_t)(end - p)) {
				*err = "RLE run ends early";
				return -1;
			}
			uint32_t v = 0;
			for (size_t k = 0; k < vbytes; k++)
				v |= (uint32_t)p[k] << (8 * k);
			p += vbytes;
			if (bw < 32 && (v >> bw)) {
				*err = "RLE value wider than its bit width";
				return -1;
			}
			if (count == 0) {
				*err = "empty RLE run";
				return -1;
			}
			size_t take = count < n - i ? (size_t)count : n - i;
			if (out32)
				for (size_t k = 0; k < take; k++)
					out32[i + k] = v;
			else
				memset(out8 + i, (int)v, take);
			i += take;
		}
	}
	return 0;
}

int pq_rle_decode(const uint8_t *p, size_t len, int bw, uint32_t *out, size_t n, const char **err)
{
	return rle_decode(p, len, bw, out, NULL, n, err);
}

int pq_rle_decode8(const uint8_t *p, size_t len, int bw, uint8_t *out, size_t n, const char **err)
{
	if (bw > 8) {
		*err = "level bit width over 8";
		return -1;
	}
	return rle_decode(p, len, bw, NULL, out, n, err);
}

long pq_bitpacked_levels(const uint8_t *p, size_t len, int bw, uint8_t *out, size_t n)
{
	size_t bits = n * (size_t)bw;
	size_t bytes = (bits + 7) / 8;
	if (bytes > len)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		for (int k = 0; k < bw; k++) {
			size_t b = i * (size_t)bw + (size_t)k;
			v = (v << 1) | ((p[b >> 3] >> (7 - (b & 7))) & 1);
		}
		out[i] = (uint8_t)v;
	}
	return (long)bytes;
}

struct delta_hdr {
	uint64_t block, miniblocks, count;
	int64_t first;
};

static int delta_header(const uint8_t **p, const uint8_t *end, struct delta_hdr *h)
{
	uint64_t first;
	if (uleb(p, end, &h->block) < 0 || uleb(p, end, &h->miniblocks) < 0 ||
	    uleb(p, end, &h->count) < 0 || uleb(p, end, &first) < 0)
		return -1;
	h->first = (int64_t)(first >> 1) ^ -(int64_t)(first & 1);
	if (h->block == 0 || h->block > (1u << 20) || h->miniblocks == 0 ||
	    h->block % h->miniblocks || (h->block / h->miniblocks) % 8)
		return -1;
	return 0;
}

int64_t pq_delta_count(const uint8_t *p, size_t len)
{
	struct delta_hdr h;
	if (delta_header(&p, p + len, &h) < 0 || h.count > INT64_MAX)
		return -1;
	return (int64_t)h.count;
}

int pq_delta_decode(const uint8_t *p, size_t len, int64_t *out, size_t n, size_t *used,
		    const char **err)
{
	const uint8_t *start = p, *end = p + len;
	struct delta_hdr h;
	if (delta_header(&p, end, &h) < 0) {
		*err = "bad DELTA_BINARY_PACKED header";
		return -1;
	}
	if (h.count != n) {
		*err = "DELTA_BINARY_PACKED value count differs from the page's";
		return -1;
	}
	uint64_t per_mb = h.block / h.miniblocks;
	uint64_t prev = (uint64_t)h.first;
	size_t i = 0;
	if (n > 0)
		out[i++] = h.first;
	while (i < n) {
		uint64_t zmin;
		if (uleb(&p, end, &zmin) < 0 || h.miniblocks > (uint64_t)(end - p)) {
			*err = "DELTA_BINARY_PACKED block ends early";
			return -1;
		}
		uint64_t min_delta = (zmin >> 1) ^ -(zmin & 1);
		const uint8_t *widths = p;
		p += h.miniblocks;
		for (uint64_t m = 0; m < h.miniblocks && i < n; m++) {
			int bw = widths[m];
			if (bw > 64) {
				*err = "DELTA_BINARY_PACKED bit width over 64";
				return -1;
			}
			uint64_t bytes = per_mb * (uint64_t)bw / 8;
			if (bytes > (uint64_t)(end - p)) {
				*err = "DELTA_BINARY_PACKED miniblock ends early";
				return -1;
			}
			size_t take = per_mb < n - i ? (size_t)per_mb : n - i;
			for (size_t k = 0; k < take; k++) {
				prev += min_delta + read_bits(p, k * (size_t)bw, bw, (size_t)bytes);
				out[i++] = (int64_t)prev;
			}
			p += bytes;
		}
	}
	*used = (size_t)(p - start);
	return 0;
}

static void put_bits(struct buf *out, const uint32_t *v32, const uint8_t *v8, size_t n, int bw)
{
	uint64_t acc = 0;
	int nbits = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t v = v32 ? v32[i] : v8[i];
		acc |= v << nbits;
		nbits += bw;
		while (nbits >= 8) {
			buf_addch(out, (char)(acc & 0xff));
			acc >>= 8;
			nbits -= 8;
		}
	}
	if (nbits > 0)
		buf_addch(out, (char)(acc & 0xff));
}

static void rle_encode(struct buf *out, const uint32_t *v32, const uint8_t *v8, size_t n, int bw)
{
#define VAL(k) (v32 ? v32[k] : (uint32_t)v8[k])
	size_t vbytes = ((size_t)bw + 7) / 8;
	size_t i = 0;
	while (i < n) {
		size_t r = 1;
		while (i + r < n && VAL(i + r) == VAL(i))
			r++;
		if (r >= 8 || bw == 0) {
			uint32_t val = VAL(i);
			/* a zero-width run: everything is 0 */
			if (bw == 0)
				r = n - i;
			uint64_t hdr = (uint64_t)r << 1;
			char tmp[10];
			size_t k = 0;
			while (hdr >= 0x80) {
				tmp[k++] = (char)(hdr | 0x80);
				hdr >>= 7;
			}
			tmp[k++] = (char)hdr;
			buf_add(out, tmp, k);
			for (size_t b = 0; b < vbytes; b++)
				buf_addch(out, (char)((val >> (8 * b)) & 0xff));
			i += r;
			continue;
		}
		/* literal groups of 8, until a run of 8 starts at a group boundary */
		size_t start = i, groups = 0;
		while (i < n && groups < 63) {
			i = i + 8 < n ? i + 8 : n;
			groups++;
			if (i < n) {
				size_t rr = 1;
				while (i + rr < n && rr < 8 && VAL(i + rr) == VAL(i))
					rr++;
				if (rr >= 8)
					break;
			}
		}
		buf_addch(out, (char)((groups << 1) | 1));
		size_t full = i - start;
		if (v32)
			put_bits(out, v32 + start, NULL, full, bw);
		else
			put_bits(out, NULL, v8 + start, full, bw);
		/* the last group is padded with zero values: zero bytes up to groups * bw */
		for (size_t k = (full * (size_t)bw + 7) / 8; k < groups * (size_t)bw; k++)
			buf_addch(out, 0);
	}
#undef VAL
}

void pq_rle_encode(struct buf *out, const uint32_t *v, size_t n, int bw)
{
	rle_encode(out, v, NULL, n, bw);
}

void pq_rle_encode8(struct buf *out, const uint8_t *v, size_t n, int bw)
{
	rle_encode(out, NULL, v, n, bw);
}
