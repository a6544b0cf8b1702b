/*
 * Containers and compressed streams through libarchive: tar, zip, 7z, cpio and ar archives,
 * gzip/zstd/xz/bzip2/lz4 filters (nested in any combination libarchive handles), and single
 * compressed files (libarchive's raw format). Members are read as streams and handed back to
 * ingest_stream(), which detects each member's own type, so an archive inside an archive
 * works the same way (without seeking: a 7z or seekable-only zip nested in another archive
 * is not readable). Nothing is extracted: symlinks, devices and ".." names are only names.
 *
 * libarchive pitfalls handled here: only the formats we want are enabled (its mtree reader
 * bids on plain text); raw does not bid on empty input, so the "empty" format is enabled too;
 * member names need a UTF-8 locale (cmd_ingest sets one), and names that still do not convert
 * are escaped (\xNN) with a warning.
 *
 * WebDataset tars (--format wds, or a tar whose first two files share a key) group
 * consecutive members by key (the path up to the first dot of the basename) into one record.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest_doc.h"
#include "ingest/ingest_int.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

#define ARCHIVE_MAX_DEPTH 8
/* Members at least this large (or of unknown size) are decoded on the read-ahead thread. */
#define READAHEAD_MIN (4u << 20)

static const char *const rule_non_regular = "non_regular_member";
static const char *const rule_wds_ignored = "wds_part_ignored";
static const char *const rule_non_utf8_name = "non_utf8_member_name";

/* libarchive reading from a struct source (nested members, stdin). */
struct arcsrc {
	struct source *src;
	char *buf;
	size_t cap;
	struct buf err;
};

/* The exit code for a failed archive read: I/O (3) when the system failed reading the file
 * (libarchive keeps read(2)'s errno; arcsrc_read sets EIO only then), else damaged data (1). */
static int arc_fail_exit(struct archive *a)
{
	return archive_errno(a) == EIO ? GRIST_EXIT_IO : GRIST_EXIT_DATA;
}

/* Appends why libarchive failed: its message, and the system's error when a read failed
 * (libarchive's own "Error reading 'x'" does not say what the error was). */
static void arc_why(struct archive *a, struct buf *out)
{
	const char *es = archive_error_string(a);
	buf_addstr(out, es ? es : "unknown error");
	if (archive_errno(a) == EIO && !strstr(out->data, strerror(EIO)))
		buf_addf(out, " (%s)", strerror(EIO));
}

static la_ssize_t arcsrc_read(struct archive *a, void *ud, const void **out)
{
	struct arcsrc *x = ud;
	buf_reset(&x->err);
	ssize_t n = source_read(x->src, x->buf, x->cap, &x->err);
	if (n < 0) {
		/* EIO only for the system's read errors: arc_fail_exit tells them from damage */
		archive_set_error(a, x->src->io_failed ? EIO : EILSEQ, "%s", x->err.data);
		return -1;
	}
	*out = x->buf;
	return n;
}

/*
 * A member's data as a struct source. Read block by block (archive_read_data_block), not with
 * archive_read_data: that one returns only the error when a read fails part-way through the
 * caller's buffer, dropping the bytes it had already copied there, so a truncated member lost
 * up to a whole buffer of lines before the damage.
 */
struct member {
	struct archive *a;
	const char *blk;  /* the unread rest of the current block */
	size_t left;
	int64_t blk_off;  /* offset of blk in the member (sparse members have holes) */
	int64_t out_off;  /* bytes delivered */
	int eof;
};

static ssize_t member_read(struct source *s, void *out, size_t n, struct buf *err)
{
	struct member *m = s->ctx;
	for (;;) {
		if (m->left) {
			size_t k;
			if (m->blk_off > m->out_off) { /* a hole reads as zeros */
				k = (uint64_t)(m->blk_off - m->out_off) < n ? (size_t)(m->blk_off - m->out_off) : n;
				memset(out, 0, k);
			} else {
				k = m->left < n ? m->left : n;
				memcpy(out, m->blk, k);
				m->blk += k;
				m->left -= k;
				m->blk_off += (int64_t)k;
			}
			m->out_off += (int64_t)k;
			return (ssize_t)k;
		}
		if (m->eof)
			return 0;
		const void *p;
		size_t sz;
		la_int64_t off;
		int r = archive_read_data_block(m->a, &p, &sz, &off);
		if (r == ARCHIVE_EOF) {
			m->eof = 1;
			return 0;
		}
		if (r < ARCHIVE_WARN) {
			int io = archive_errno(m->a) == EIO;
			buf_addf(err, "%s: %s after byte %llu: ", s->name,
				 io ? "read error" : "corrupt or truncated data", (unsigned long long)s->consumed);
			arc_why(m->a, err);
			s->io_failed |= io; /* sticky: a second call sees another errno */
			return -1;
		}
		m->blk = p;
		m->left = sz;
		m->blk_off = off;
	}
}

static void member_source(struct source *s, struct archive *a, struct member *m, const char *name,
			  int64_t size)
{
	memset(m, 0, sizeof(*m));
	m->a = a;
	source_init_fn(s, name, member_read, NULL, m, size);
}

static void enable_formats(struct archive *a, enum ingest_container force)
{
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_compress(a);
	switch (force) {
	case CONT_TAR:
	case CONT_WDS:
		archive_read_support_format_tar(a);
		archive_read_support_format_gnutar(a);
		break;
	case CONT_ZIP:
		archive_read_support_format_zip(a);
		break;
	case CONT_7Z:
		archive_read_support_format_7zip(a);
		break;
	case CONT_CPIO:
		archive_read_support_format_cpio(a);
		break;
	case CONT_AR:
		archive_read_support_format_ar(a);
		break;
	case CONT_RAW:
		archive_read_support_format_raw(a);
		break;
	case CONT_AUTO:
		archive_read_support_format_tar(a);
		archive_read_support_format_gnutar(a);
		archive_read_support_format_zip(a);
		archive_read_support_format_7zip(a);
		archive_read_support_format_cpio(a);
		archive_read_support_format_ar(a);
		archive_read_support_format_raw(a);
		break;
	}
	archive_read_support_format_empty(a);
}

/* The member's name for ids: UTF-8, else escaped; returns how many bytes were escaped. */
static size_t member_name(struct archive_entry *e, const char *outer, struct buf *full)
{
	buf_reset(full);
	buf_addstr(full, outer);
	buf_addch(full, '!');
	const char *u = archive_entry_pathname_utf8(e);
	if (u && utf8_valid_prefix(u, strlen(u)) == strlen(u)) {
		buf_addstr(full, u);
		return 0;
	}
	const char *raw = archive_entry_pathname(e);
	if (!raw)
		raw = "";
	return ingest_escape_name(full, raw, strlen(raw));
}

/* WebDataset: the key and the part of a member path ("a/b.c.txt" -> "a/b", "c.txt"). */
static void wds_split(const char *path, size_t *key_len, const char **ext)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strchr(base, '.');
	if (!dot) {
		*key_len = strlen(path);
		*ext = "";
	} else {
		*key_len = (size_t)(dot - path);
		*ext = dot + 1;
	}
}

/* Auto-detection is by sharing a key; the parts must also look like WebDataset parts, so that
 * "inner.jsonl.gz" next to "inner.tar" stays two ordinary members. */
static int wds_text_part(const char *ext)
{
	return !strcmp(ext, "txt") || !strcmp(ext, "text") || !strcmp(ext, "json") ||
	       !strcmp(ext, "html") || !strcmp(ext, "htm");
}

static int wds_known_part(const char *ext)
{
	static const char *const known[] = {
		"cls", "cls2", "jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "mp3",
		"wav", "flac", "ogg", "mp4", "webm", "npy", "npz", "pth", "pyd", "pickle", "cbor",
		"msgpack", "seg.png", "idx", "id", "url", "caption", "vtt", NULL,
	};
	if (wds_text_part(ext))
		return 1;
	for (int i = 0; known[i]; i++)
		if (!strcmp(ext, known[i]))
			return 1;
	return 0;
}

struct wds_part {
	char *ext;
	struct buf data;
};

struct wds_sample {
	struct buf key;     /* the key, as written in the member names */
	struct wds_part *parts;
	size_t nparts, alloc;
	int too_big;
	uint64_t big_size;
	uint64_t number;
};

static void wds_reset(struct wds_sample *s)
{
	for (size_t i = 0; i < s->nparts; i++) {
		free(s->parts[i].ext);
		buf_release(&s->parts[i].data);
	}
	s->nparts = 0;
	s->too_big = 0;
	buf_reset(&s->key);
}

static struct wds_part *wds_find(struct wds_sample *s, const char *ext)
{
	for (size_t i = 0; i < s->nparts; i++)
		if (!strcmp(s->parts[i].ext, ext))
			return &s->parts[i];
	return NULL;
}

/* Turn a finished sample into a document (or a reject) in the current batch. */
static void wds_flush(struct ingest *in, struct wds_sample *s, const char *outer, struct batch **bp)
{
	if (!s->key.len && !s->nparts)
		return;
	struct buf id = BUF_INIT;
	buf_addstr(&id, outer);
	buf_addch(&id, '!');
	buf_add(&id, s->key.data, s->key.len);
	if (s->too_big) {
		if (*bp) {
			ingest_submit(in, *bp);
			*bp = NULL;
		}
		struct batch *b = ingest_reject_batch(in, outer);
		char v[32];
		snprintf(v, sizeof(v), "%llu", (unsigned long long)s->big_size);
		b->counts.records_in++;
		counts_reject(&b->counts, ingest_rule_too_big);
		reject_write(&b->rejects, "ingest", ingest_rule_too_big, v, id.data, s->number, "", 0, 1,
			     NULL);
		ingest_submit(in, b);
	} else {
		if (!*bp) {
			*bp = ingest_get_batch(in);
			(*bp)->mode = MODE_DOCS;
			(*bp)->source = outer;
		}
		struct ingest_doc d;
		struct wds_part *txt = wds_find(s, "txt");
		if (!txt)
			txt = wds_find(s, "text");
		struct wds_part *html = txt ? NULL : wds_find(s, "html");
		if (!html && !txt)
			html = wds_find(s, "htm");
		struct wds_part *json = wds_find(s, "json");
		ingest_doc_init(&d, html ? DOC_HTML : DOC_TEXT, s->number);
		struct buf esc = BUF_INIT;
		utf8_repair(&esc, id.data, id.len);
		ingest_doc_set(&d, DOCF_ID, esc.data, esc.len);
		if (txt || html)
			ingest_doc_set(&d, DOCF_BODY, (txt ? txt : html)->data.data,
				       (txt ? txt : html)->data.len);
		if (json)
			ingest_doc_set(&d, DOCF_JSON, json->data.data, json->data.len);
		size_t used = (txt != NULL) + (html != NULL) + (json != NULL);
		if (s->nparts > used)
			counts_add_rule(&(*bp)->counts, rule_wds_ignored, s->nparts - used);
		ingest_doc_append(*bp, &d);
		buf_release(&esc);
		if ((*bp)->len >= in->batch_bytes) {
			ingest_submit(in, *bp);
			*bp = NULL;
		}
	}
	buf_release(&id);
	wds_reset(s);
}

/* The held first member of a tar that turned out not to be a WebDataset. */
static int ingest_held(struct ingest *in, const struct buf *data, const struct buf *name,
		       const struct buf *path, int depth)
{
	struct source hs;
	const char *kept = ingest_member_name(in, name->data);
	source_init_memory(&hs, kept, data->data, data->len);
	int rc = ingest_stream(in, &hs, kept, NULL, path->data, depth + 1);
	source_close(&hs);
	ingest_retire_name(in, kept);
	return rc;
}

/* The first member of a tar broke while it was held: what was read before the damage is read
 * as usual (whole lines, never the cut one), then the error ends the input. */
static int ingest_broken(struct ingest *in, const struct buf *data, const char *name,
			 const char *path, const char *msg, int io_failed, int depth)
{
	struct source fs, ps;
	const char *kept = ingest_member_name(in, name);
	source_init_failing(&fs, kept, msg);
	fs.io_failed = io_failed;
	source_init_prefixed(&ps, &fs, kept, data->data, data->len);
	int rc = ingest_stream(in, &ps, kept, NULL, path, depth + 1);
	source_close(&ps);
	source_close(&fs);
	ingest_retire_name(in, kept);
	return rc < 0 ? rc : ingest_fail(in, GRIST_EXIT_DATA, msg);
}

static int open_archive(struct archive *a, struct source *src, const char *path, struct arcsrc *x)
{
	const char *mp;
	size_t mn;
	if (path)
		return archive_read_open_filename(a, path, 1 << 16);
	if (source_memory_view(src, &mp, &mn))
		return archive_read_open_memory(a, mp, mn);
	x->src = src;
	x->cap = 1 << 16;
	x->buf = xmalloc(x->cap);
	buf_init(&x->err, 0);
	return archive_read_open(a, x, NULL, arcsrc_read, NULL);
}

/* Read the current member whole (up to limit); 1 if it was larger (out then incomplete). */
static int read_member_whole(struct archive *a, const char *name, struct buf *out, uint64_t limit,
			     uint64_t *seen, struct buf *err)
{
	struct member m;
	struct source s;
	member_source(&s, a, &m, name, -1);
	int rc = source_read_all(&s, out, limit, err);
	*seen = s.consumed;
	int big = rc < 0 && out->len > limit;
	source_close(&s);
	if (rc < 0 && !big)
		return -1;
	return big;
}

/* One archive being read: its reader, names and the WebDataset state. */
struct arc {
	struct ingest *in;
	struct archive *a;
	const char *name; /* the archive's own name */
	int depth;
	struct arcsrc x;
	struct buf msg, full, err; /* full: the current member's name for ids */
	/* WebDataset: 1 yes, 0 no, -2 undecided (no file seen), -1 holding the first file */
	int wds;
	struct wds_sample ws;
	struct batch *wb; /* WebDataset batch being filled */
	uint64_t nsamples;
	struct buf held, held_name, held_path;
};

static void arc_init(struct arc *r, struct ingest *in, const char *name,
		     enum ingest_container force, int depth)
{
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->name = name;
	r->depth = depth;
	buf_init(&r->msg, 0);
	buf_init(&r->full, 0);
	buf_init(&r->err, 0);
	r->wds = force == CONT_WDS ? 1 : force == CONT_AUTO ? -2 : 0;
	buf_init(&r->ws.key, 0);
	buf_init(&r->held, 0);
	buf_init(&r->held_name, 0);
	buf_init(&r->held_path, 0);
}

static void arc_release(struct arc *r)
{
	wds_reset(&r->ws);
	free(r->ws.parts);
	buf_release(&r->ws.key);
	buf_release(&r->held);
	buf_release(&r->held_name);
	buf_release(&r->held_path);
	archive_read_free(r->a);
	free(r->x.buf);
	if (r->x.buf)
		buf_release(&r->x.err);
	buf_release(&r->msg);
	buf_release(&r->full);
	buf_release(&r->err);
}

/* Batches are emitted in submission order: a pending WebDataset batch goes first. */
static void arc_flush_wds(struct arc *r)
{
	if (r->wb) {
		ingest_submit(r->in, r->wb);
		r->wb = NULL;
	}
}

/* A member's data as a source (on the read-ahead thread when asked) read by ingest_stream. */
static int arc_read_member(struct arc *r, const char *name, const char *kept, const char *hint,
			   int64_t size, int readahead)
{
	struct member m;
	struct source ms, ra;
	member_source(&ms, r->a, &m, name, size);
	struct source *use = &ms;
	if (readahead) {
		source_init_readahead(&ra, &ms, name);
		use = &ra;
	}
	int rc = ingest_stream(r->in, use, kept, NULL, hint, r->depth + 1);
	if (use == &ra)
		source_close(&ra);
	source_close(&ms);
	return rc;
}

/* Not a regular file (directories are silent, the rest counted): 1 when skipped. */
static int arc_skip_special(struct arc *r, struct archive_entry *e)
{
	/* ar members carry no file type (0): they are files. */
	if ((archive_entry_filetype(e) == AE_IFREG || archive_entry_filetype(e) == 0) &&
	    !archive_entry_hardlink(e))
		return 0;
	if (archive_entry_filetype(e) != AE_IFDIR) {
		arc_flush_wds(r);
		struct batch *b = ingest_reject_batch(r->in, r->name);
		counts_add_rule(&b->counts, rule_non_regular, 1);
		ingest_submit(r->in, b);
	}
	return 1;
}

/* The member's name into r->full (escaped, with a warning, when it is not UTF-8). */
static void arc_member_name(struct arc *r, struct archive_entry *e)
{
	if (!member_name(e, r->name, &r->full))
		return;
	arc_flush_wds(r);
	struct batch *b = ingest_reject_batch(r->in, r->name);
	counts_add_rule(&b->counts, rule_non_utf8_name, 1);
	buf_addf(&b->warnings, "%s: member name is not UTF-8; escaped as %s\n", r->name, r->full.data);
	ingest_submit(r->in, b);
}

/*
 * The first file of a tar: held until the second says whether this is a WebDataset (same key,
 * another part). 1 when held, 0 when it is read as an ordinary member, -1 after a failure.
 */
static int arc_hold_first(struct arc *r, struct archive_entry *e, int fmt, const char *mpath)
{
	int64_t sz = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
	uint64_t max = r->in->co.max_doc_bytes;
	r->wds = 0;
	if (fmt != ARCHIVE_FORMAT_TAR || sz < 0 || (uint64_t)sz > max || sz > (64 << 20))
		return 0;
	uint64_t seen;
	buf_reset(&r->held);
	buf_reset(&r->err);
	if (read_member_whole(r->a, r->full.data, &r->held, max, &seen, &r->err) < 0)
		return ingest_broken(r->in, &r->held, r->full.data, mpath, r->err.data,
				     archive_errno(r->a) == EIO, r->depth);
	buf_reset(&r->held_name);
	buf_addstr(&r->held_name, r->full.data);
	buf_reset(&r->held_path);
	buf_addstr(&r->held_path, mpath);
	r->wds = -1;
	return 1;
}

/* The second file decides: a WebDataset sample starts with the held part, or the held member
 * is read first, as usual. -1 after a failure. */
static int arc_decide_wds(struct arc *r, const char *mpath)
{
	size_t k1, k2;
	const char *e1, *e2;
	wds_split(r->held_path.data, &k1, &e1);
	wds_split(mpath, &k2, &e2);
	r->wds = k1 == k2 && !memcmp(r->held_path.data, mpath, k1) && strcmp(e1, e2) &&
		 wds_known_part(e1) && wds_known_part(e2) && (wds_text_part(e1) || wds_text_part(e2));
	if (!r->wds)
		return ingest_held(r->in, &r->held, &r->held_name, &r->held_path, r->depth);
	buf_add(&r->ws.key, r->held_path.data, k1);
	r->ws.number = ++r->nsamples;
	ALLOC_GROW(r->ws.parts, r->ws.nparts + 1, r->ws.alloc);
	r->ws.parts[r->ws.nparts].ext = xstrdup(e1);
	r->ws.parts[r->ws.nparts].data = r->held;
	buf_init(&r->held, 0);
	r->ws.nparts++;
	return 0;
}

/* A part of a WebDataset sample (a new key or a repeated part starts the next sample). */
static int arc_wds_part(struct arc *r, const char *mpath)
{
	struct wds_sample *ws = &r->ws;
	size_t klen;
	const char *ext;
	wds_split(mpath, &klen, &ext);
	if (ws->key.len != klen || memcmp(ws->key.data, mpath, klen) || wds_find(ws, ext)) {
		wds_flush(r->in, ws, r->name, &r->wb);
		buf_add(&ws->key, mpath, klen);
		ws->number = ++r->nsamples;
	}
	if (ws->too_big)
		return 0;
	ALLOC_GROW(ws->parts, ws->nparts + 1, ws->alloc);
	struct wds_part *p = &ws->parts[ws->nparts++];
	p->ext = xstrdup(ext);
	buf_init(&p->data, 0);
	uint64_t seen;
	buf_reset(&r->err);
	int big = read_member_whole(r->a, r->full.data, &p->data, r->in->co.max_doc_bytes, &seen,
				    &r->err);
	if (big < 0) {
		arc_flush_wds(r);
		return ingest_fail(r->in, arc_fail_exit(r->a), r->err.data);
	}
	if (big) {
		ws->too_big = 1;
		ws->big_size = seen;
	}
	return 0;
}

/* An ordinary member, read by its own type. */
static int arc_member(struct arc *r, struct archive_entry *e, const char *mpath)
{
	int64_t sz = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
	const char *kept = ingest_member_name(r->in, r->full.data);
	int rc = arc_read_member(r, r->full.data, kept, mpath, sz,
				 r->in->readahead && (sz < 0 || sz >= READAHEAD_MIN));
	ingest_retire_name(r->in, kept);
	return rc;
}

/* The next member: 1 read, 0 the end of the archive, -1 a failure (reported). */
static int arc_next(struct arc *r)
{
	struct archive_entry *e;
	int h = archive_read_next_header(r->a, &e);
	if (h == ARCHIVE_EOF)
		return 0;
	if (h < ARCHIVE_WARN) {
		arc_flush_wds(r);
		buf_addf(&r->msg, "%s: corrupt or truncated archive at byte %lld%s%s: ", r->name,
			 (long long)archive_filter_bytes(r->a, 0), r->full.len ? " after member " : "",
			 r->full.len ? r->full.data : "");
		arc_why(r->a, &r->msg);
		return ingest_fail(r->in, arc_fail_exit(r->a), r->msg.data);
	}
	int fmt = archive_format(r->a) & ARCHIVE_FORMAT_BASE_MASK;
	if (fmt == ARCHIVE_FORMAT_RAW) /* a single compressed stream: it keeps the outer name */
		return arc_read_member(r, r->name, r->name, r->name, -1, r->in->readahead) < 0 ? -1 : 1;
	if (arc_skip_special(r, e))
		return 1;
	arc_member_name(r, e);
	const char *mpath = r->full.data + strlen(r->name) + 1;
	if (r->wds == -2) {
		int k = arc_hold_first(r, e, fmt, mpath);
		if (k)
			return k;
	} else if (r->wds == -1 && arc_decide_wds(r, mpath) < 0) {
		return -1;
	}
	if (r->wds == 1)
		return arc_wds_part(r, mpath) < 0 ? -1 : 1;
	return arc_member(r, e, mpath) < 0 ? -1 : 1;
}

/* After the last member: the held or pending sample, and the rest of the stream below. */
static int arc_finish(struct arc *r)
{
	int rc = 0;
	if (r->wds == -1)
		rc = ingest_held(r->in, &r->held, &r->held_name, &r->held_path, r->depth); /* one file */
	if (rc == 0 && r->wds == 1)
		wds_flush(r->in, &r->ws, r->name, &r->wb);
	if (rc == 0 && r->x.src) {
		/* libarchive stops at the archive's end marker; the stream below must still end
		 * cleanly (a gzip trailer's CRC comes after the tar's last block). */
		buf_reset(&r->err);
		ssize_t n;
		while ((n = source_read(r->x.src, r->x.buf, r->x.cap, &r->err)) > 0)
			;
		if (n < 0) {
			arc_flush_wds(r);
			rc = ingest_fail(r->in, source_fail_exit(r->x.src), r->err.data);
		}
	}
	return rc;
}

int ingest_archive(struct ingest *in, struct source *src, const char *name, const char *path,
		   enum ingest_container force, int depth)
{
	struct arc r;
	arc_init(&r, in, name, force, depth);
	int rc = 0;
	if (depth > ARCHIVE_MAX_DEPTH) {
		buf_addf(&r.msg, "%s: archives nested more than %d deep", name, ARCHIVE_MAX_DEPTH);
		rc = ingest_fail(in, GRIST_EXIT_DATA, r.msg.data);
		arc_release(&r);
		return rc;
	}
	r.a = archive_read_new();
	if (!r.a)
		die(GRIST_EXIT_INTERNAL, "cannot allocate a libarchive reader");
	enable_formats(r.a, force);
	if (open_archive(r.a, src, path, &r.x) != ARCHIVE_OK) {
		buf_addf(&r.msg, "%s: cannot read as an archive or compressed stream: ", name);
		arc_why(r.a, &r.msg);
		rc = ingest_fail(in, arc_fail_exit(r.a), r.msg.data);
	} else {
		int k;
		while ((k = arc_next(&r)) > 0)
			;
		rc = k < 0 ? -1 : arc_finish(&r);
		arc_flush_wds(&r);
	}
	arc_release(&r);
	return rc;
}
