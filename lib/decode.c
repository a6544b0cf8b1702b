/*
 * Compressed streams decoded by their own libraries: gzip (zlib, RFC 1952), zstd (libzstd),
 * xz (liblzma), bzip2 (libbz2) and lz4 frames (liblz4), recognised by magic bytes. Every
 * stage opens its inputs through source_open_input(), so `grist clean x.jsonl.zst` reads what
 * `grist ingest x.jsonl.zst` reads.
 *
 * Why not libarchive's filters: its gzip filter does not check the CRC-32 and length in each
 * member's trailer (a corrupt .gz would pass silently), and its zstd, xz and bzip2 filters
 * drop what they decoded before a truncation (up to a block: a cut file lost ~1 MiB of whole
 * lines). Here every byte decoded before the damage is delivered, then the error
 * (docs/design.md section 2). Concatenated streams are one stream (`cat a.zst b.zst`), as the
 * command-line tools read them; zero padding after the last gzip member is ignored, other
 * trailing bytes are an error.
 */
#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "lib/die.h"
#include "lib/source.h"
#include "lib/xalloc.h"

#define DEC_IN (1u << 17)

struct dec {
	struct source *inner;
	enum codec codec;
	unsigned char *in;
	size_t pos, len;   /* unread input is in[pos..len) */
	int eof;           /* inner is exhausted */
	int between;       /* at a boundary between streams/members/frames: an end is fine here */
	int done;
	int failed;        /* an error is pending (after the bytes decoded before it) */
	struct buf pending;
	uint64_t in_off;   /* compressed bytes consumed, for messages */
	union {
		z_stream z;
		ZSTD_DStream *zs;
		lzma_stream xz;
		bz_stream bz;
		LZ4F_dctx *lz4;
	} u;
};

/* The signatures, in the order they are tried: the codecs first (codec_of_magic is magic_of),
 * the archives' and Parquet's signatures at offset 0 before tar's at 257 (ingest has always
 * tried Parquet before tar), WARC's after it (a tar whose first member is under WARC/ is a
 * tar). */
static const struct {
	enum magic m;
	unsigned off, len;
	const char *bytes;
} magics[] = {
	{ MAGIC_GZIP, 0, 2, "\x1f\x8b" },
	{ MAGIC_ZSTD, 0, 4, "\x28\xb5\x2f\xfd" },
	{ MAGIC_XZ, 0, 6, "\xfd" "7zXZ\0" },
	{ MAGIC_BZIP2, 0, 3, "BZh" }, /* and a block size digit 1-9 (magic_of) */
	{ MAGIC_LZ4, 0, 4, "\x04\x22\x4d\x18" },
	{ MAGIC_COMPRESS, 0, 2, "\x1f\x9d" },
	{ MAGIC_LZMA, 0, 3, "\x5d\x00\x00" },
	{ MAGIC_ZIP, 0, 4, "PK\x03\x04" },
	{ MAGIC_ZIP, 0, 4, "PK\x05\x06" }, /* an empty archive */
	{ MAGIC_7Z, 0, 6, "7z\xbc\xaf\x27\x1c" },
	{ MAGIC_AR, 0, 8, "!<arch>\n" },
	{ MAGIC_CPIO, 0, 6, "070701" }, /* new ASCII */
	{ MAGIC_CPIO, 0, 6, "070702" }, /* new ASCII with CRC */
	{ MAGIC_CPIO, 0, 6, "070707" }, /* old ASCII */
	{ MAGIC_CPIO, 0, 2, "\xc7\x71" }, /* old binary, little-endian */
	{ MAGIC_CPIO, 0, 2, "\x71\xc7" }, /* old binary, big-endian */
	{ MAGIC_PARQUET, 0, 4, "PAR1" },
	{ MAGIC_TAR, 257, 5, "ustar" },     /* after the signatures at offset 0 */
	{ MAGIC_WARC, 0, 5, "WARC/" },
};

enum magic magic_of(const void *vp, size_t n)
{
	const unsigned char *p = vp;
	for (size_t i = 0; i < sizeof(magics) / sizeof(*magics); i++) {
		unsigned off = magics[i].off, len = magics[i].len;
		if (n < off + len || memcmp(p + off, magics[i].bytes, len))
			continue;
		if (magics[i].m == MAGIC_BZIP2 && (n < 4 || p[3] < '1' || p[3] > '9'))
			continue;
		return magics[i].m;
	}
	return MAGIC_NONE;
}

const char *magic_name(enum magic m)
{
	static const char *const names[] = { "none", "gzip", "zstd", "xz", "bzip2", "lz4",
					     "compress", "lzma", "tar", "zip", "7z", "ar", "cpio",
					     "WARC", "Parquet" };
	return names[m];
}

enum codec codec_of_magic(const void *p, size_t n)
{
	enum magic m = magic_of(p, n);
	return m <= MAGIC_LZ4 ? (enum codec)m : CODEC_NONE;
}

const char *codec_name(enum codec c)
{
	return magic_name((enum magic)c);
}

static void dec_corrupt(struct dec *d, const char *name, const char *why, struct buf *err)
{
	buf_addf(err, "%s: corrupt %s data at compressed byte %llu: %s", name, codec_name(d->codec),
		 (unsigned long long)d->in_off, why);
}

/* One decoder call on in[pos..len) into out; *k bytes produced. 0, or -1 with a message. */
static int gz_step(struct dec *d, unsigned char *out, size_t n, size_t *k, const char *name,
		   struct buf *err)
{
	z_stream *z = &d->u.z;
	if (d->between) {
		/* Another member, or zero padding, or garbage. */
		while (d->pos < d->len && d->in[d->pos] == 0) {
			d->pos++;
			d->in_off++;
		}
		if (d->pos == d->len)
			return 0;
		if (d->in[d->pos] != 0x1f) {
			buf_addf(err, "%s: trailing bytes after the gzip stream at compressed byte %llu",
				 name, (unsigned long long)d->in_off);
			return -1;
		}
		inflateReset(z);
		d->between = 0;
	}
	z->next_in = d->in + d->pos;
	z->avail_in = (uInt)(d->len - d->pos);
	z->next_out = out;
	z->avail_out = (uInt)n;
	int r = inflate(z, Z_NO_FLUSH);
	size_t used = d->len - d->pos - z->avail_in;
	d->pos += used;
	d->in_off += used;
	*k = n - z->avail_out;
	if (r == Z_STREAM_END) {
		d->between = 1;
		return 0;
	}
	if (r == Z_OK || r == Z_BUF_ERROR)
		return 0;
	dec_corrupt(d, name, z->msg ? z->msg : "inflate failed", err);
	return -1;
}

static int zstd_step(struct dec *d, unsigned char *out, size_t n, size_t *k, const char *name,
		     struct buf *err)
{
	ZSTD_inBuffer ib = { d->in + d->pos, d->len - d->pos, 0 };
	ZSTD_outBuffer ob = { out, n, 0 };
	size_t r = ZSTD_decompressStream(d->u.zs, &ob, &ib);
	d->pos += ib.pos;
	d->in_off += ib.pos;
	*k = ob.pos;
	if (ZSTD_isError(r)) {
		dec_corrupt(d, name, ZSTD_getErrorName(r), err);
		return -1;
	}
	if (r == 0)
		d->between = 1; /* a frame ended (and its output is flushed) */
	else if (ib.pos)
		d->between = 0;
	return 0;
}

static int xz_step(struct dec *d, unsigned char *out, size_t n, size_t *k, const char *name,
		   struct buf *err)
{
	lzma_stream *x = &d->u.xz;
	x->next_in = d->in + d->pos;
	x->avail_in = d->len - d->pos;
	x->next_out = out;
	x->avail_out = n;
	lzma_ret r = lzma_code(x, d->eof && d->pos == d->len ? LZMA_FINISH : LZMA_RUN);
	size_t used = d->len - d->pos - x->avail_in;
	d->pos += used;
	d->in_off += used;
	*k = n - x->avail_out;
	if (r == LZMA_STREAM_END) {
		d->between = 1; /* LZMA_CONCATENATED: only after the last stream and LZMA_FINISH */
		return 0;
	}
	if (r == LZMA_OK || (r == LZMA_BUF_ERROR && !(d->eof && d->pos == d->len)))
		return 0;
	if (r == LZMA_BUF_ERROR)
		return 0; /* no progress at the end: reported as a truncation by dec_read */
	dec_corrupt(d, name, r == LZMA_DATA_ERROR ? "compressed data is corrupt"
			     : r == LZMA_FORMAT_ERROR ? "not an xz stream"
			     : r == LZMA_MEM_ERROR ? "out of memory"
			     : "xz decoder error", err);
	return -1;
}

static int bz_step(struct dec *d, unsigned char *out, size_t n, size_t *k, const char *name,
		   struct buf *err)
{
	bz_stream *z = &d->u.bz;
	if (d->between) {
		if (d->pos == d->len)
			return 0;
		if (d->len - d->pos >= 3 && memcmp(d->in + d->pos, "BZh", 3)) {
			buf_addf(err, "%s: trailing bytes after the bzip2 stream at compressed byte %llu",
				 name, (unsigned long long)d->in_off);
			return -1;
		}
		BZ2_bzDecompressEnd(z);
		memset(z, 0, sizeof(*z));
		if (BZ2_bzDecompressInit(z, 0, 0) != BZ_OK)
			die(GRIST_EXIT_INTERNAL, "cannot allocate a bzip2 decoder");
		d->between = 0;
	}
	if (n > (1u << 30))
		n = 1u << 30;
	z->next_in = (char *)d->in + d->pos;
	z->avail_in = (unsigned)(d->len - d->pos);
	z->next_out = (char *)out;
	z->avail_out = (unsigned)n;
	int r = BZ2_bzDecompress(z);
	size_t used = d->len - d->pos - z->avail_in;
	d->pos += used;
	d->in_off += used;
	*k = n - z->avail_out;
	if (r == BZ_STREAM_END) {
		d->between = 1;
		return 0;
	}
	if (r == BZ_OK)
		return 0;
	dec_corrupt(d, name, r == BZ_DATA_ERROR ? "data integrity error"
			     : r == BZ_DATA_ERROR_MAGIC ? "not a bzip2 stream"
			     : r == BZ_MEM_ERROR ? "out of memory" : "bzip2 decoder error", err);
	return -1;
}

static int lz4_step(struct dec *d, unsigned char *out, size_t n, size_t *k, const char *name,
		    struct buf *err)
{
	size_t in_n = d->len - d->pos, out_n = n;
	size_t r = LZ4F_decompress(d->u.lz4, out, &out_n, d->in + d->pos, &in_n, NULL);
	d->pos += in_n;
	d->in_off += in_n;
	*k = out_n;
	if (LZ4F_isError(r)) {
		dec_corrupt(d, name, LZ4F_getErrorName(r), err);
		return -1;
	}
	if (r == 0)
		d->between = 1; /* the frame is complete */
	else if (in_n)
		d->between = 0;
	return 0;
}

static int dec_step(struct dec *d, unsigned char *out, size_t n, size_t *k, const char *name,
		    struct buf *err)
{
	switch (d->codec) {
	case CODEC_GZIP: return gz_step(d, out, n, k, name, err);
	case CODEC_ZSTD: return zstd_step(d, out, n, k, name, err);
	case CODEC_XZ: return xz_step(d, out, n, k, name, err);
	case CODEC_BZIP2: return bz_step(d, out, n, k, name, err);
	case CODEC_LZ4: return lz4_step(d, out, n, k, name, err);
	case CODEC_NONE: break;
	}
	BUG("decoder without a codec");
}

static ssize_t dec_read(struct source *s, void *out, size_t n, struct buf *err)
{
	struct dec *d = s->ctx;
	if (d->failed) {
		buf_addstr(err, d->pending.data);
		return -1;
	}
	if (d->done || n == 0)
		return 0;
	if (n > (1u << 30))
		n = 1u << 30;
	for (;;) {
		if (d->pos == d->len && !d->eof) {
			ssize_t r = source_read(d->inner, d->in, DEC_IN, &d->pending);
			if (r < 0) {
				s->io_failed = d->inner->io_failed;
				buf_addstr(err, d->pending.data);
				d->failed = 1;
				return -1;
			}
			d->pos = 0;
			d->len = (size_t)r;
			if (r == 0)
				d->eof = 1;
		}
		size_t before = d->pos, k = 0;
		buf_reset(&d->pending);
		if (dec_step(d, out, n, &k, s->name, &d->pending) < 0) {
			d->failed = 1;
			if (k)
				return (ssize_t)k; /* the bytes before the damage first */
			buf_addstr(err, d->pending.data);
			return -1;
		}
		if (k)
			return (ssize_t)k;
		if (d->pos == before && d->pos == d->len && d->eof) {
			if (d->between) {
				d->done = 1;
				return 0;
			}
			buf_addf(&d->pending, "%s: truncated %s stream (ends after %llu compressed bytes)",
				 s->name, codec_name(d->codec), (unsigned long long)d->in_off);
			buf_addstr(err, d->pending.data);
			d->failed = 1;
			return -1;
		}
		if (d->pos == before && d->pos < d->len)
			BUG("a decoder made no progress");
	}
}

static void dec_close(struct source *s)
{
	struct dec *d = s->ctx;
	switch (d->codec) {
	case CODEC_GZIP: inflateEnd(&d->u.z); break;
	case CODEC_ZSTD: ZSTD_freeDStream(d->u.zs); break;
	case CODEC_XZ: lzma_end(&d->u.xz); break;
	case CODEC_BZIP2: BZ2_bzDecompressEnd(&d->u.bz); break;
	case CODEC_LZ4: LZ4F_freeDecompressionContext(d->u.lz4); break;
	case CODEC_NONE: break;
	}
	free(d->in);
	buf_release(&d->pending);
	free(d);
	s->ctx = NULL;
}

void source_init_decoder(struct source *s, struct source *inner, enum codec c, const char *name)
{
	struct dec *d = xcalloc(1, sizeof(*d));
	d->inner = inner;
	d->codec = c;
	d->in = xmalloc(DEC_IN);
	buf_init(&d->pending, 0);
	int ok = 0;
	switch (c) {
	case CODEC_GZIP:
		ok = inflateInit2(&d->u.z, 15 + 16) == Z_OK;
		break;
	case CODEC_ZSTD:
		d->u.zs = ZSTD_createDStream();
		ok = d->u.zs && !ZSTD_isError(ZSTD_initDStream(d->u.zs));
		break;
	case CODEC_XZ: {
		lzma_stream init = LZMA_STREAM_INIT;
		d->u.xz = init;
		ok = lzma_stream_decoder(&d->u.xz, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
		break;
	}
	case CODEC_BZIP2:
		ok = BZ2_bzDecompressInit(&d->u.bz, 0, 0) == BZ_OK;
		break;
	case CODEC_LZ4:
		ok = !LZ4F_isError(LZ4F_createDecompressionContext(&d->u.lz4, LZ4F_VERSION));
		break;
	case CODEC_NONE:
		break;
	}
	if (!ok)
		die(GRIST_EXIT_INTERNAL, "cannot allocate a %s decoder", codec_name(c));
	source_init_fn(s, name, dec_read, dec_close, d, -1);
}

int decode_buffer(enum codec c, const char *name, const void *p, size_t n, uint64_t limit,
		  struct buf *out, struct buf *err)
{
	struct source mem, dec;
	source_init_memory(&mem, name, p, n);
	source_init_decoder(&dec, &mem, c, name);
	int rc = source_read_all(&dec, out, limit, err);
	source_close(&dec);
	source_close(&mem);
	return rc;
}

/* ---- source_open_input: a file with its compression layers ------------------------------ */

#define INPUT_MAX_LAYERS 4

struct input_chain {
	struct source file;
	struct source layer[3 * INPUT_MAX_LAYERS + 2]; /* prefixed, decoder, ..., read-ahead */
	int n;
	struct source *top;
};

static ssize_t chain_read(struct source *s, void *out, size_t n, struct buf *err)
{
	struct input_chain *c = s->ctx;
	ssize_t r = source_read(c->top, out, n, err);
	s->io_failed |= c->top->io_failed;
	return r;
}

static void chain_close(struct source *s)
{
	struct input_chain *c = s->ctx;
	while (c->n > 0)
		source_close(&c->layer[--c->n]);
	source_close(&c->file);
	free(c);
	s->ctx = NULL;
}

int source_open_input(struct source *s, const char *path, int readahead, struct buf *err)
{
	struct input_chain *c = xcalloc(1, sizeof(*c));
	if (source_open_file(&c->file, path, err) < 0) {
		free(c);
		memset(s, 0, sizeof(*s));
		s->fd = -1;
		return -1;
	}
	source_mark_input(&c->file); /* its bytes, not the decoded ones, are the progress */
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->name = xstrdup(c->file.name);
	s->read_fn = chain_read;
	s->close_fn = chain_close;
	s->ctx = c;
	s->size = c->file.size;
	c->top = &c->file;
	struct buf rerr = BUF_INIT;
	for (int depth = 0; depth < INPUT_MAX_LAYERS; depth++) {
		char head[6];
		size_t got = 0;
		int bad = 0;
		buf_reset(&rerr);
		while (got < sizeof(head)) {
			ssize_t r = source_read(c->top, head + got, sizeof(head) - got, &rerr);
			if (r < 0)
				bad = 1;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		if (bad && depth == 0) {
			buf_addstr(err, rerr.data);
			buf_release(&rerr);
			source_close(s);
			return -1;
		}
		if (bad) {
			/* A decoded stream broke within its first bytes: the bytes, then the error. */
			source_init_failing(&c->layer[c->n], s->name, rerr.data);
			c->layer[c->n].io_failed = c->top->io_failed;
			c->top = &c->layer[c->n++];
		}
		source_init_prefixed(&c->layer[c->n], c->top, s->name, head, got);
		c->top = &c->layer[c->n++];
		if (bad)
			break;
		enum codec codec = codec_of_magic(head, got);
		if (codec == CODEC_NONE)
			break;
		if (!s->codec)
			s->codec = codec_name(codec);
		source_init_decoder(&c->layer[c->n], c->top, codec, s->name);
		c->top = &c->layer[c->n++];
	}
	if (s->codec) {
		s->size = -1; /* decoded bytes: the file size says nothing about them */
		if (readahead) {
			source_init_readahead(&c->layer[c->n], c->top, s->name);
			c->top = &c->layer[c->n++];
		}
	}
	buf_release(&rerr);
	return 0;
}
