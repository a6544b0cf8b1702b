/*
 * gzip streams decoded with zlib directly (RFC 1952), not through libarchive: libarchive's
 * gzip filter does not check the CRC-32 and length in each member's trailer, so a corrupt
 * .gz would pass silently. Concatenated members are one stream (what `cat a.gz b.gz` and
 * per-record WARC gzip make); zero padding after the last member is ignored, other trailing
 * bytes are an error.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ingest/ingest_int.h"
#include "lib/die.h"
#include "lib/xalloc.h"

#define GZ_IN (1u << 17)

struct gunzip {
	struct source *inner;
	z_stream z;
	unsigned char *in;
	int eof;        /* inner is exhausted */
	int member_end; /* between members */
	int done;
	uint64_t in_off; /* compressed bytes consumed, for messages */
};

static int gz_refill(struct gunzip *g, struct buf *err)
{
	if (g->eof)
		return 0;
	ssize_t n = source_read(g->inner, g->in, GZ_IN, err);
	if (n < 0)
		return -1;
	if (n == 0) {
		g->eof = 1;
		return 0;
	}
	g->z.next_in = g->in;
	g->z.avail_in = (uInt)n;
	return 1;
}

static ssize_t gunzip_read(struct source *s, void *out, size_t n, struct buf *err)
{
	struct gunzip *g = s->ctx;
	if (g->done || n == 0)
		return 0;
	if (n > (1u << 30))
		n = 1u << 30;
	g->z.next_out = out;
	g->z.avail_out = (uInt)n;
	while (g->z.avail_out == n) {
		if (g->z.avail_in == 0) {
			int r = gz_refill(g, err);
			if (r < 0)
				return -1;
			if (r == 0) {
				if (g->member_end) {
					g->done = 1;
					return 0;
				}
				buf_addf(err, "%s: truncated gzip stream (ends inside a member after %llu "
					 "compressed bytes)", s->name,
					 (unsigned long long)(g->in_off));
				return -1;
			}
		}
		if (g->member_end) {
			/* Another member, or zero padding, or garbage. */
			while (g->z.avail_in && *g->z.next_in == 0) {
				g->z.next_in++;
				g->z.avail_in--;
				g->in_off++;
			}
			if (!g->z.avail_in)
				continue;
			if (g->z.avail_in >= 1 && *g->z.next_in != 0x1f) {
				buf_addf(err, "%s: trailing bytes after the gzip stream at compressed byte %llu",
					 s->name, (unsigned long long)g->in_off);
				return -1;
			}
			inflateReset(&g->z);
			g->member_end = 0;
		}
		uInt before = g->z.avail_in;
		int r = inflate(&g->z, Z_NO_FLUSH);
		g->in_off += before - g->z.avail_in;
		if (r == Z_STREAM_END) {
			g->member_end = 1;
			continue;
		}
		if (r == Z_BUF_ERROR && g->z.avail_in == 0)
			continue; /* needs input */
		if (r != Z_OK) {
			buf_addf(err, "%s: corrupt gzip data at compressed byte %llu: %s", s->name,
				 (unsigned long long)g->in_off, g->z.msg ? g->z.msg : "inflate failed");
			return -1;
		}
	}
	return (ssize_t)(n - g->z.avail_out);
}

static void gunzip_close(struct source *s)
{
	struct gunzip *g = s->ctx;
	inflateEnd(&g->z);
	free(g->in);
	free(g);
	s->ctx = NULL;
}

void source_init_gunzip(struct source *s, struct source *inner, const char *name)
{
	memset(s, 0, sizeof(*s));
	struct gunzip *g = xcalloc(1, sizeof(*g));
	g->inner = inner;
	g->in = xmalloc(GZ_IN);
	if (inflateInit2(&g->z, 15 + 16) != Z_OK)
		die(GRIST_EXIT_INTERNAL, "cannot allocate a gzip decoder");
	s->fd = -1;
	s->name = xstrdup(name);
	s->read_fn = gunzip_read;
	s->close_fn = gunzip_close;
	s->ctx = g;
	s->size = -1;
}
