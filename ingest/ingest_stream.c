/*
 * Recognising a byte stream (ingest_stream) and reading the leaf formats: a stream is
 * recognised by its first bytes (magic numbers: compressed streams, archives, Parquet, WARC),
 * then by --format, the name's extension and a look at the content (JSONL, JSON array, HTML,
 * text, binary). Compressed streams are decoded by lib/decode.c and recognised again; archives
 * go to ingest/archive.c, WARC to ingest/warc.c; JSONL and line-split text are cut into
 * batches of whole lines, a text or HTML document is one batch.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/ingest_int.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/xalloc.h"
#include "parquet/parquet.h"

static const char *const ingest_rule_cdx = "cdx_index";

/* Bytes looked at to recognise a stream (more while they are all whitespace). */
#define HEAD_BYTES 4096
#define HEAD_MAX (1u << 20)

/*
 * Guards JSONL and line-split text: a line longer than `limit` is an error, not an OOM. A read
 * error of the stream below passes through: the batch reader hands over every whole line read
 * before it, drops the line it cut, then reports it (lib/record.h).
 */
struct line_guard {
	struct source *inner;
	uint64_t limit, run;
};

static ssize_t guard_read(struct source *s, void *out, size_t n, struct buf *err)
{
	struct line_guard *g = s->ctx;
	ssize_t r = source_read(g->inner, out, n, err);
	if (r < 0)
		s->io_failed |= g->inner->io_failed;
	if (r <= 0)
		return r;
	const char *nl = memrchr(out, '\n', (size_t)r);
	g->run = nl ? (uint64_t)((const char *)out + r - nl - 1) : g->run + (uint64_t)r;
	if (g->run > g->limit) {
		buf_addf(err, "%s: a line longer than %llu bytes after byte %llu (not JSONL/text lines? "
			 "see --max-doc-bytes)", s->name, (unsigned long long)g->limit,
			 (unsigned long long)s->consumed);
		return -1;
	}
	return r;
}

/* Submit a whole document (text or HTML) as one batch; larger than the limit: a reject. */
static int ingest_whole(struct ingest *in, struct source *src, const char *name, int mode)
{
	struct buf all = BUF_INIT, err = BUF_INIT;
	int rc = source_read_all(src, &all, in->co.max_doc_bytes, &err);
	if (rc < 0 && all.len <= in->co.max_doc_bytes) {
		rc = ingest_fail(in, source_fail_exit(src), err.data);
		buf_release(&all);
		buf_release(&err);
		return rc;
	}
	struct batch *b = ingest_get_batch(in);
	b->source = name;
	b->lineno0 = 1;
	if (rc < 0) {
		/* Larger than the limit: a counted reject; the rest is not read. */
		b->mode = MODE_REJECT_ONLY;
		b->counts.records_in++;
		char v[32];
		snprintf(v, sizeof(v), "%llu", (unsigned long long)all.len);
		counts_reject(&b->counts, ingest_rule_too_big);
		reject_write(&b->rejects, "ingest", ingest_rule_too_big, v, name, 1, "", 0, 1, NULL);
		buf_addf(&b->warnings, "%s: larger than --max-doc-bytes %llu (skipped)\n", name,
			 (unsigned long long)in->co.max_doc_bytes);
	} else {
		size_t skip = all.len >= 3 && !memcmp(all.data, "\xEF\xBB\xBF", 3) ? 3 : 0;
		buf_grow(&all, JSON_PADDING);
		free(b->data);
		b->cap = all.cap;
		b->data = buf_detach(&all, &b->len);
		if (skip) {
			memmove(b->data, b->data + skip, b->len - skip);
			b->len -= skip;
		}
		b->mode = mode;
	}
	ingest_submit(in, b);
	buf_release(&all);
	buf_release(&err);
	return 0;
}

static int ingest_lines(struct ingest *in, struct source *src, const char *name, int mode)
{
	struct line_guard g = { src, 2 * in->co.max_doc_bytes + (1u << 20), 0 };
	struct source gs;
	source_init_fn(&gs, name, guard_read, NULL, &g, src->size);
	struct batch_reader rd;
	struct buf err = BUF_INIT;
	int rc = 0;
	batch_reader_init(&rd, &gs, in->batch_bytes);
	for (;;) {
		struct batch *b = ingest_get_batch(in);
		int r = batch_reader_next(&rd, b, &err);
		if (r <= 0) {
			ingest_return_batch(in, b);
			if (r < 0)
				rc = ingest_fail(in, source_fail_exit(src), err.data);
			break;
		}
		b->source = name;
		b->mode = mode;
		ingest_submit(in, b);
	}
	batch_reader_release(&rd);
	source_close(&gs);
	buf_release(&err);
	return rc;
}

static enum ingest_format sniff(const char *p, size_t n, int *binary)
{
	*binary = memchr(p, '\0', n) != NULL;
	size_t i = 0;
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i < n && p[i] == '{')
		return FMT_JSONL;
	if ((n - i >= 14 && !strncasecmp(p + i, "<!doctype html", 14)) ||
	    (n - i >= 5 && !strncasecmp(p + i, "<html", 5)))
		return FMT_HTML;
	return FMT_TEXT;
}

/* A CDX index: its first line is the legend " CDX a b ..." (or "CDX ..."). */
static int is_cdx(const char *p, size_t n)
{
	return (n >= 5 && !memcmp(p, " CDX ", 5)) || (n >= 4 && !memcmp(p, "CDX ", 4));
}

static int all_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/*
 * The first bytes of a stream into head: HEAD_BYTES, more while they are all whitespace (up to
 * HEAD_MAX). -1 when the stream fails before a byte is read (message in err); a failure after
 * some bytes sets *failed (what was read is still read; the error comes after it).
 */
static int read_head(struct source *src, struct buf *head, struct buf *err, int *failed)
{
	size_t want = HEAD_BYTES;
	buf_grow(head, want);
	*failed = 0;
	for (;;) {
		ssize_t r = 0;
		while (head->len < want &&
		       (r = source_read(src, head->data + head->len, want - head->len, err)) > 0)
			buf_setlen(head, head->len + (size_t)r);
		if (r < 0 && !head->len)
			return -1;
		if (r < 0) {
			*failed = 1;
			return 0;
		}
		if (head->len < want || want >= HEAD_MAX || !all_space(head->data, head->len))
			return 0;
		want *= 4;
		buf_grow(head, want - head->len);
	}
}

/* gzip, zstd, xz, bzip2 and lz4 are decoded by lib/decode.c (CRC-checked, every byte before
 * damage delivered); what is inside is recognised in turn. */
static int stream_decoded(struct ingest *in, struct source *pre, enum codec codec,
			  const char *name, int depth)
{
	struct source gz, ra;
	source_init_decoder(&gz, pre, codec, name);
	struct source *use = &gz;
	if (in->readahead) {
		source_init_readahead(&ra, &gz, name);
		use = &ra;
	}
	int rc = depth >= 16 ? ingest_fail(in, GRIST_EXIT_DATA, "compressed streams nested too deep")
			     : ingest_stream(in, use, name, NULL, name, depth + 1);
	if (use == &ra)
		source_close(&ra);
	source_close(&gz);
	return rc;
}

/* 7z keeps its index at the end: libarchive must seek. A stream (stdin, a member) is held in
 * memory, up to --max-doc-bytes. */
static int stream_7z(struct ingest *in, struct source *pre, const char *name, int depth)
{
	struct buf all = BUF_INIT, err = BUF_INIT;
	int rc;
	if (source_read_all(pre, &all, in->co.max_doc_bytes, &err) < 0) {
		if (all.len > in->co.max_doc_bytes)
			buf_addf(&err, " (a 7z archive read from a stream is held in memory; give it "
				 "as a file, or raise --max-doc-bytes)");
		rc = ingest_fail(in, source_fail_exit(pre), err.data);
	} else {
		struct source ms;
		source_init_memory(&ms, name, all.data, all.len);
		rc = ingest_archive(in, &ms, name, NULL, CONT_AUTO, depth);
		source_close(&ms);
	}
	buf_release(&all);
	buf_release(&err);
	return rc;
}

/* A leaf of no stated format, by its content into *fmt. 1 when the stream is settled here
 * (binary content or a CDX index: counted; an empty input of unknown format: nothing to say). */
static int sniff_leaf(struct ingest *in, const char *name, const struct buf *head,
		      enum ingest_format *fmt)
{
	int binary;
	*fmt = sniff(head->data, head->len, &binary);
	if (binary) {
		struct batch *b = ingest_reject_batch(in, name);
		b->counts.records_in++;
		counts_reject(&b->counts, ingest_rule_binary);
		reject_write(&b->rejects, "ingest", ingest_rule_binary, NULL, name, 1, "", 0, 1, NULL);
		buf_addf(&b->warnings, "%s: binary content (NUL bytes), not text (skipped)\n", name);
		ingest_submit(in, b);
		return 1;
	}
	if (*fmt == FMT_TEXT && is_cdx(head->data, head->len)) {
		/* a crawl index beside its WARC (wget --warc-cdx, CDX files): not text */
		struct batch *b = ingest_reject_batch(in, name);
		counts_skip(&b->counts, ingest_rule_cdx, 1);
		ingest_submit(in, b);
		return 1;
	}
	return head->len == 0 && *fmt == FMT_TEXT && !in->split_lines;
}

/* JSONL, a JSON array, text or HTML (fmt FMT_AUTO: by content). */
static int stream_leaf(struct ingest *in, struct source *pre, const char *name,
		       const struct buf *head, enum ingest_format fmt)
{
	int sniffed = fmt == FMT_AUTO;
	if (sniffed && sniff_leaf(in, name, head, &fmt))
		return 0;
	if (in->chat && sniffed && (fmt == FMT_TEXT || fmt == FMT_HTML))
		fmt = FMT_JSONL; /* conversations are JSON, whatever the name says */
	if ((fmt == FMT_JSONL && ingest_json_array_head(head->data, head->len, 0)) ||
	    (sniffed && fmt == FMT_TEXT && !in->split_lines &&
	     ingest_json_array_head(head->data, head->len, 1)))
		return ingest_json_array(in, pre, name);
	if (fmt == FMT_JSONL)
		return ingest_lines(in, pre, name, MODE_JSONL);
	if (fmt == FMT_TEXT && in->split_lines)
		return ingest_lines(in, pre, name, MODE_TEXT_LINES);
	return ingest_whole(in, pre, name, fmt == FMT_HTML ? MODE_HTML_WHOLE : MODE_TEXT_WHOLE);
}

/* The stream `pre` (its first bytes in head) by what those bytes are. */
static int stream_by_content(struct ingest *in, struct source *pre, const char *name,
			     const char *path, const char *hint, const struct buf *head, int depth)
{
	enum magic m = magic_of(head->data, head->len);
	char ext[32];
	ingest_inner_ext(hint, ext, sizeof(ext));
	enum codec codec = codec_of_magic(head->data, head->len);
	if (codec != CODEC_NONE && in->container == CONT_AUTO)
		return stream_decoded(in, pre, codec, name, depth);
	if (m == MAGIC_7Z && !path)
		return stream_7z(in, pre, name, depth);
	if (m == MAGIC_PARQUET && (memchr(head->data, 0, head->len) || !strcmp(ext, "parquet") ||
				   pq_path_has_tail(path)))
		return ingest_parquet(in, pre, name, path);
	if (ingest_magic_container(m))
		return ingest_archive(in, pre, name, path, CONT_AUTO, depth);
	enum ingest_format fmt = in->format;
	if (fmt == FMT_AUTO)
		fmt = ingest_format_by_ext(ext);
	if (fmt == FMT_AUTO && m == MAGIC_WARC)
		fmt = FMT_WARC;
	if (fmt == FMT_WARC)
		return ingest_warc(in, pre, name);
	return stream_leaf(in, pre, name, head, fmt);
}

int ingest_stream(struct ingest *in, struct source *src, const char *name, const char *path,
		  const char *hint, int depth)
{
	if (in->stop)
		return -1;
	if (depth == 0 && in->container != CONT_AUTO)
		return ingest_archive(in, src, name, path, in->container, 0);
	struct buf head = BUF_INIT, err = BUF_INIT;
	int failed, rc;
	if (read_head(src, &head, &err, &failed) < 0) {
		rc = ingest_fail(in, source_fail_exit(src), err.data);
		buf_release(&head);
		buf_release(&err);
		return rc;
	}
	struct source pre, broken;
	source_init_failing(&broken, name, err.data);
	broken.io_failed = src->io_failed;
	source_init_prefixed(&pre, failed ? &broken : src, name, head.data, head.len);
	rc = stream_by_content(in, &pre, name, path, hint, &head, depth);
	source_close(&pre);
	source_close(&broken);
	buf_release(&head);
	buf_release(&err);
	return rc;
}
