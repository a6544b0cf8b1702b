/* Page codecs over libzstd, zlib, libsnappy, liblz4 and libbrotli (see pq_codec.h). */
#include "parquet/pq_codec.h"

#include <brotli/decode.h>
#include <lz4.h>
#include <pthread.h>
#include <snappy-c.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <zlib.h>
#include <zstd.h>

#include "parquet/pq_meta.h"

/* Output starts at min(want, this) and doubles while the codec produces more. */
#define START_BYTES ((size_t)16 << 20)

const char *pq_codec_name(int codec)
{
	static const char *const names[] = { "UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
					     "BROTLI", "LZ4", "ZSTD", "LZ4_RAW" };
	return codec >= 0 && codec < 8 ? names[codec] : "unknown";
}

/* One zstd decoder per thread, freed when the thread ends. */
static pthread_key_t dctx_key;
static pthread_once_t dctx_once = PTHREAD_ONCE_INIT;
static void dctx_free(void *p)
{
	ZSTD_freeDCtx(p);
}
static void dctx_init(void)
{
	pthread_key_create(&dctx_key, dctx_free);
}
static ZSTD_DCtx *thread_dctx(void)
{
	pthread_once(&dctx_once, dctx_init);
	ZSTD_DCtx *d = pthread_getspecific(dctx_key);
	if (!d) {
		d = ZSTD_createDCtx();
		pthread_setspecific(dctx_key, d);
	}
	return d;
}

static pthread_key_t cctx_key;
static pthread_once_t cctx_once = PTHREAD_ONCE_INIT;
static void cctx_free(void *p)
{
	ZSTD_freeCCtx(p);
}
static void cctx_init(void)
{
	pthread_key_create(&cctx_key, cctx_free);
}
static ZSTD_CCtx *thread_cctx(void)
{
	pthread_once(&cctx_once, cctx_init);
	ZSTD_CCtx *c = pthread_getspecific(cctx_key);
	if (!c) {
		c = ZSTD_createCCtx();
		pthread_setspecific(cctx_key, c);
	}
	return c;
}

void pq_huge_pages(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;
	if (n < 2 * huge)
		return;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + n) & ~(huge - 1);
	if (e > a)
		madvise((void *)a, e - a, MADV_HUGEPAGE); /* advice: a failure changes nothing */
#else
	(void)p, (void)n;
#endif
}

/* Room for n more bytes of output, on huge pages when large. */
static void reserve(struct buf *out, size_t n)
{
	buf_grow(out, n);
	pq_huge_pages(out->data, out->cap);
}

/* Room for more output: grow out up to `want` bytes; 0 if it is already that big. */
static int grow(struct buf *out, size_t want)
{
	size_t have = out->cap ? out->cap - 1 : 0;
	if (have >= want)
		return 0;
	size_t next = have ? have * 2 : (want < START_BYTES ? want : START_BYTES);
	if (next > want)
		next = want;
	if (next < 64)
		next = 64;
	reserve(out, next - out->len);
	return 1;
}

static int zstd_dec(const void *src, size_t n, size_t want, struct buf *out, const char **err)
{
	ZSTD_DCtx *d = thread_dctx();
	if (!d) {
		*err = "out of memory for the zstd decoder";
		return -1;
	}
	ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
	if (want <= START_BYTES || want / 1024 <= n) {
		/* a plausible size: decode in one call straight into the buffer (streaming would
		 * copy every block through the window) */
		reserve(out, want);
		size_t r = ZSTD_decompressDCtx(d, out->data, want, src, n);
		if (ZSTD_isError(r)) {
			*err = ZSTD_getErrorName(r);
			return -1;
		}
		out->len = r;
		return 0;
	}
	ZSTD_inBuffer in = { src, n, 0 };
	grow(out, want);
	for (;;) {
		ZSTD_outBuffer ob = { out->data, out->cap - 1, out->len };
		size_t r = ZSTD_decompressStream(d, &ob, &in);
		out->len = ob.pos;
		if (ZSTD_isError(r)) {
			*err = ZSTD_getErrorName(r);
			return -1;
		}
		if (r == 0 && in.pos == in.size)
			return 0;
		if (ob.pos == ob.size) {
			if (!grow(out, want)) {
				*err = "page decompresses to more bytes than its header says";
				return -1;
			}
		} else if (in.pos == in.size) {
			*err = "truncated zstd data";
			return -1;
		}
	}
}

static int gzip_dec(const void *src, size_t n, size_t want, struct buf *out, const char **err)
{
	z_stream z = { 0 };
	if (inflateInit2(&z, 15 + 32) != Z_OK) { /* gzip or zlib header */
		*err = "zlib initialisation failed";
		return -1;
	}
	z.next_in = (Bytef *)src;
	z.avail_in = (uInt)n;
	int rc = -1;
	grow(out, want);
	for (;;) {
		z.next_out = (Bytef *)out->data + out->len;
		z.avail_out = (uInt)(out->cap - 1 - out->len);
		int r = inflate(&z, Z_NO_FLUSH);
		out->len = (size_t)((char *)z.next_out - out->data);
		if (r == Z_STREAM_END) {
			if (z.avail_in == 0) {
				rc = 0;
				break;
			}
			inflateReset(&z); /* concatenated gzip members */
			continue;
		}
		if (r != Z_OK && r != Z_BUF_ERROR) {
			*err = z.msg ? z.msg : "corrupt gzip data";
			break;
		}
		if (z.avail_out == 0) {
			if (!grow(out, want)) {
				*err = "page decompresses to more bytes than its header says";
				break;
			}
		} else if (z.avail_in == 0) {
			*err = "truncated gzip data";
			break;
		}
	}
	inflateEnd(&z);
	return rc;
}

static int brotli_dec(const void *src, size_t n, size_t want, struct buf *out, const char **err)
{
	BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
	if (!s) {
		*err = "out of memory for the brotli decoder";
		return -1;
	}
	const uint8_t *next_in = src;
	size_t avail_in = n;
	int rc = -1;
	grow(out, want);
	for (;;) {
		uint8_t *next_out = (uint8_t *)out->data + out->len;
		size_t avail_out = out->cap - 1 - out->len;
		BrotliDecoderResult r = BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out,
								      &next_out, NULL);
		out->len = (size_t)((char *)next_out - out->data);
		if (r == BROTLI_DECODER_RESULT_SUCCESS) {
			rc = 0;
			break;
		}
		if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
			if (!grow(out, want)) {
				*err = "page decompresses to more bytes than its header says";
				break;
			}
			continue;
		}
		*err = r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT ? "truncated brotli data"
								   : "corrupt brotli data";
		break;
	}
	BrotliDecoderDestroyInstance(s);
	return rc;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* LZ4 (codec 5): Hadoop's framing (BE32 raw size, BE32 compressed size, block)..., else one
 * raw block as old parquet-cpp wrote. Both need the output size up front: checked against
 * LZ4's maximal ratio (255) so a forged size cannot make us allocate much. */
static int lz4_dec(int codec, const uint8_t *src, size_t n, size_t want, struct buf *out,
		   const char **err)
{
	if (want > n * 255 + 64 || want > INT32_MAX || n > INT32_MAX) {
		*err = "page header's size is impossible for its LZ4 data";
		return -1;
	}
	reserve(out, want);
	if (codec == PQ_LZ4) {
		size_t i = 0, o = 0;
		while (i + 8 <= n) {
			uint32_t raw = be32(src + i), comp = be32(src + i + 4);
			if (comp > n - i - 8 || raw > want - o)
				break;
			int r = LZ4_decompress_safe((const char *)src + i + 8, out->data + o, (int)comp,
						    (int)raw);
			if (r < 0 || (uint32_t)r != raw)
				break;
			i += 8 + comp;
			o += raw;
		}
		if (i == n && o == want) {
			out->len = want;
			return 0;
		}
	}
	int r = LZ4_decompress_safe((const char *)src, out->data, (int)n, (int)want);
	if (r < 0 || (size_t)r != want) {
		*err = "corrupt LZ4 data";
		return -1;
	}
	out->len = want;
	return 0;
}

static int snappy_dec(const void *src, size_t n, size_t want, struct buf *out, const char **err)
{
	size_t len;
	/* Snappy expands at most ~22 bytes per input byte (a 3-byte copy of 64). */
	if (snappy_uncompressed_length(src, n, &len) != SNAPPY_OK || len != want ||
	    want > n * 32 + 64) {
		*err = "corrupt snappy data (bad length)";
		return -1;
	}
	reserve(out, want);
	size_t got = want;
	if (snappy_uncompress(src, n, out->data, &got) != SNAPPY_OK || got != want) {
		*err = "corrupt snappy data";
		return -1;
	}
	out->len = want;
	return 0;
}

int pq_decompress(int codec, const void *src, size_t n, size_t want, struct buf *out,
		  const char **err)
{
	buf_reset(out);
	int rc;
	switch (codec) {
	case PQ_UNCOMPRESSED:
		if (n != want) {
			*err = "uncompressed page size differs from its stored size";
			return -1;
		}
		buf_add(out, src, n);
		return 0;
	case PQ_SNAPPY:
		rc = snappy_dec(src, n, want, out, err);
		break;
	case PQ_GZIP:
		rc = gzip_dec(src, n, want, out, err);
		break;
	case PQ_ZSTD:
		rc = zstd_dec(src, n, want, out, err);
		break;
	case PQ_BROTLI:
		rc = brotli_dec(src, n, want, out, err);
		break;
	case PQ_LZ4:
	case PQ_LZ4_RAW:
		rc = lz4_dec(codec, src, n, want, out, err);
		break;
	default:
		*err = "unsupported compression codec";
		return -1;
	}
	if (rc == 0 && out->len != want) {
		*err = "page decompresses to fewer bytes than its header says";
		return -1;
	}
	if (rc == 0)
		out->data[out->len] = '\0';
	return rc;
}

int pq_compress(int codec, int level, const void *src, size_t n, struct buf *out)
{
	if (codec == PQ_UNCOMPRESSED) {
		buf_add(out, src, n);
		return 0;
	}
	if (codec != PQ_ZSTD)
		return -1;
	size_t bound = ZSTD_compressBound(n);
	buf_grow(out, bound);
	ZSTD_CCtx *c = thread_cctx();
	if (!c)
		return -1;
	size_t r = ZSTD_compressCCtx(c, out->data + out->len, bound, src, n, level);
	if (ZSTD_isError(r))
		return -1;
	buf_setlen(out, out->len + r);
	return 0;
}
