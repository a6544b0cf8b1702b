/*
 * WARC 1.0 / 1.1 reader (ISO 28500; https://iipc.github.io/warc-specifications/), written by
 * hand because libarchive's WARC reader skips the `conversion` records that Common Crawl's
 * WET files consist of. Per-record gzip (.warc.gz) is undone before this reader by libarchive's
 * gzip filter, which reads concatenated gzip members as one stream.
 *
 * A record is: a version line "WARC/1.x", header lines "Name: value" (names case-insensitive,
 * continuation lines start with a space or tab), an empty line, exactly Content-Length bytes
 * of block, then "\r\n\r\n". Bare "\n" line ends are accepted in headers. Records of the types
 * chosen with --warc-types become documents with id (WARC-Record-ID), url (WARC-Target-URI,
 * without the <...> that WARC 1.0 and wget put around it),
 * date (WARC-Date) and warc_lang (WARC-Identified-Content-Language, as given); workers strip
 * HTTP headers from responses and turn HTML into text. A block larger than --max-doc-bytes is
 * skipped unread (only decompressed) and rejected. `response` records are read only for an
 * http(s) target and an HTTP status selected by --warc-status (default 2xx); the others are
 * skipped by selection, counted apart from rejects (wget's metadata:// resources and 404 pages
 * are not training text).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/ingest_doc.h"
#include "ingest/ingest_int.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

#define WARC_MAX_HEADER (1u << 20)

static const char *const rule_type_skipped = "warc_type_not_selected";
static const char *const rule_status_skipped = "warc_status_not_selected";
static const char *const rule_uri_skipped = "warc_uri_not_http";

struct breader {
	struct source *src;
	char *buf;
	size_t pos, len, cap;
	uint64_t off; /* stream offset of buf[pos] */
	struct buf err;
};

static int br_fill(struct breader *r)
{
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len == r->cap) {
		r->cap *= 2;
		r->buf = xrealloc(r->buf, r->cap);
	}
	ssize_t n = source_read(r->src, r->buf + r->len, r->cap - r->len, &r->err);
	if (n > 0)
		r->len += (size_t)n;
	return n < 0 ? -1 : n > 0;
}

/* A line without its "\n" / "\r\n". 1: got one; 0: end of stream (nothing read); -1: error or
 * too long (message in err) or end inside a line (-2). */
static int br_line(struct breader *r, struct buf *line, size_t max)
{
	buf_reset(line);
	size_t scanned = 0;
	for (;;) {
		char *nl = memchr(r->buf + r->pos + scanned, '\n', r->len - r->pos - scanned);
		if (nl) {
			size_t n = (size_t)(nl - (r->buf + r->pos));
			size_t keep = n && r->buf[r->pos + n - 1] == '\r' ? n - 1 : n;
			buf_add(line, r->buf + r->pos, keep);
			r->pos += n + 1;
			r->off += n + 1;
			return 1;
		}
		scanned = r->len - r->pos;
		if (scanned > max) {
			buf_addf(&r->err, "header line longer than %zu bytes", max);
			return -1;
		}
		int f = br_fill(r);
		if (f < 0)
			return -1;
		if (f == 0)
			return r->len - r->pos ? -2 : 0;
	}
}

/* Copy (out != NULL) or skip n bytes. 1: done; 0: the stream ended first; -1: error. */
static int br_take(struct breader *r, struct buf *out, uint64_t n)
{
	while (n) {
		if (r->pos == r->len) {
			r->pos = r->len = 0;
			int f = br_fill(r);
			if (f <= 0)
				return f;
		}
		size_t k = r->len - r->pos < n ? r->len - r->pos : (size_t)n;
		if (out)
			buf_add(out, r->buf + r->pos, k);
		r->pos += k;
		r->off += k;
		n -= k;
	}
	return 1;
}

struct warc_header {
	struct buf raw;   /* "name\0value\0" pairs */
	size_t count;
};

static const char *header_get(const struct warc_header *h, const char *name, size_t *len)
{
	const char *p = h->raw.data, *end = h->raw.data + h->raw.len;
	const char *found = NULL;
	while (p < end) {
		const char *v = p + strlen(p) + 1;
		if (!strcasecmp(p, name))
			found = v; /* the last one wins */
		p = v + strlen(v) + 1;
	}
	if (found && len)
		*len = strlen(found);
	return found;
}

static unsigned type_bit(const char *t)
{
	static const struct {
		const char *name;
		unsigned bit;
	} types[] = {
		{ "conversion", WARC_T_CONVERSION }, { "resource", WARC_T_RESOURCE },
		{ "response", WARC_T_RESPONSE },     { "request", WARC_T_REQUEST },
		{ "metadata", WARC_T_METADATA },     { "warcinfo", WARC_T_WARCINFO },
		{ "revisit", WARC_T_REVISIT },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (t && !strcasecmp(t, types[i].name))
			return types[i].bit;
	return WARC_T_OTHER;
}

static int is_html_type(const char *ct)
{
	if (!ct)
		return 0;
	while (*ct == ' ')
		ct++;
	return !strncasecmp(ct, "text/html", 9) || !strncasecmp(ct, "application/xhtml", 17);
}

static void set_header_field(struct ingest_doc *d, enum doc_field f, const struct warc_header *h,
			     const char *name)
{
	size_t n;
	const char *v = header_get(h, name, &n);
	if (v)
		ingest_doc_set(d, f, v, n);
}

/* WARC-Target-URI without the angle brackets WARC 1.0's grammar has and wget writes. */
static void set_target_uri(struct ingest_doc *d, const struct warc_header *h)
{
	size_t n;
	const char *v = header_get(h, "WARC-Target-URI", &n);
	if (!v)
		return;
	if (n >= 2 && v[0] == '<' && v[n - 1] == '>') {
		v++;
		n -= 2;
	}
	ingest_doc_set(d, DOCF_URL, v, n);
}

/*
 * Why a selected response record is skipped by selection, or NULL to read it: a target that is
 * not an http(s) URI (wget's metadata://, dns:), or an HTTP status not in --warc-status.
 */
static const char *response_skip(const struct ingest *in, const struct warc_header *h,
				 const char *block, size_t len)
{
	const char *uri = header_get(h, "WARC-Target-URI", NULL);
	if (uri && *uri == '<')
		uri++;
	if (!uri || (strncasecmp(uri, "http://", 7) && strncasecmp(uri, "https://", 8)))
		return rule_uri_skipped;
	/* "HTTP/1.1 404 Not Found": the status is the three digits after the first space */
	if (len < 12 || memcmp(block, "HTTP/", 5))
		return NULL; /* not an HTTP response: the worker rejects it (http_response) */
	const char *sp = memchr(block, ' ', len < 32 ? len : 32);
	if (!sp || (size_t)(sp - block) + 4 > len)
		return NULL;
	unsigned code = 0;
	for (int k = 1; k <= 3; k++) {
		if (sp[k] < '0' || sp[k] > '9')
			return NULL;
		code = code * 10 + (unsigned)(sp[k] - '0');
	}
	return in->warc_status[code >> 6] >> (code & 63) & 1 ? NULL : rule_status_skipped;
}

/* One WARC stream being read. */
struct warc {
	struct ingest *in;
	const char *name;
	struct breader r;
	struct buf line, block, msg;
	struct warc_header h;
	struct batch *b; /* the documents' batch being filled */
	uint64_t recno;
	uint64_t rec_off;  /* where the current record starts */
	unsigned long long length; /* its Content-Length */
};

/* The batch documents go to (a new one when none is being filled). */
static struct batch *warc_batch(struct warc *w)
{
	if (!w->b) {
		w->b = ingest_get_batch(w->in);
		w->b->mode = MODE_DOCS;
		w->b->source = w->name;
	}
	return w->b;
}

/* Hand over the batch being filled (batches are emitted in submission order). */
static void warc_flush(struct warc *w)
{
	if (w->b) {
		ingest_submit(w->in, w->b);
		w->b = NULL;
	}
}

/* The version line of the next record (blank lines before it are tolerated). 1: a record;
 * 0: the end of the stream; -1: an error (message in w->msg). */
static int warc_version(struct warc *w)
{
	int lr;
	do {
		w->rec_off = w->r.off;
		lr = br_line(&w->r, &w->line, WARC_MAX_HEADER);
	} while (lr == 1 && w->line.len == 0);
	if (lr == 0)
		return 0;
	if (lr < 0) {
		buf_addf(&w->msg, "%s: %s at byte %llu", w->name,
			 lr == -2 ? "truncated WARC record" : w->r.err.data,
			 (unsigned long long)w->r.off);
		return -1;
	}
	if (w->line.len < 6 || memcmp(w->line.data, "WARC/", 5)) {
		buf_addf(&w->msg, "%s: expected a WARC record (\"WARC/1.x\") at byte %llu", w->name,
			 (unsigned long long)w->rec_off);
		if (w->recno)
			buf_addstr(&w->msg, " (wrong Content-Length in the record before?)");
		return -1;
	}
	w->recno++;
	return 1;
}

/* A header line into h: "Name: value" (trimmed), or a continuation of the last value. */
static void header_add(struct warc_header *h, const struct buf *line)
{
	if ((line->data[0] == ' ' || line->data[0] == '\t') && h->raw.len) {
		/* Continuation: extend the last value. */
		buf_setlen(&h->raw, h->raw.len - 1);
		buf_addch(&h->raw, ' ');
		size_t i = 0;
		while (i < line->len && (line->data[i] == ' ' || line->data[i] == '\t'))
			i++;
		buf_add(&h->raw, line->data + i, line->len - i);
		buf_addch(&h->raw, '\0');
		return;
	}
	char *colon = memchr(line->data, ':', line->len);
	if (!colon || memchr(line->data, '\0', line->len))
		return; /* not a field: ignored */
	size_t nlen = (size_t)(colon - line->data);
	while (nlen && (line->data[nlen - 1] == ' ' || line->data[nlen - 1] == '\t'))
		nlen--;
	const char *v = colon + 1;
	const char *vend = line->data + line->len;
	while (v < vend && (*v == ' ' || *v == '\t'))
		v++;
	while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
		vend--;
	buf_add(&h->raw, line->data, nlen);
	buf_addch(&h->raw, '\0');
	buf_add(&h->raw, v, (size_t)(vend - v));
	buf_addch(&h->raw, '\0');
}

/* The header lines up to the empty line, and the Content-Length. -1 on an error. */
static int warc_header(struct warc *w)
{
	buf_reset(&w->h.raw);
	size_t header_bytes = 0;
	unsigned long long recno = w->recno, off = w->rec_off;
	for (;;) {
		int lr = br_line(&w->r, &w->line, WARC_MAX_HEADER);
		if (lr <= 0) {
			buf_addf(&w->msg, "%s: truncated WARC header in record %llu at byte %llu",
				 w->name, recno, off);
			return -1;
		}
		if (w->line.len == 0)
			break;
		header_bytes += w->line.len;
		if (header_bytes > WARC_MAX_HEADER) {
			buf_addf(&w->msg, "%s: WARC header of record %llu at byte %llu is too large",
				 w->name, recno, off);
			return -1;
		}
		header_add(&w->h, &w->line);
	}
	const char *cl = header_get(&w->h, "Content-Length", NULL);
	char *endp = NULL;
	w->length = cl ? strtoull(cl, &endp, 10) : 0;
	if (!cl || endp == cl || *endp || *cl == '-') {
		buf_addf(&w->msg, "%s: WARC record %llu at byte %llu has no valid Content-Length",
			 w->name, recno, off);
		return -1;
	}
	return 0;
}

/* The block (into w->block when keep, else skipped), then the CRLF CRLF after it. */
static int warc_block(struct warc *w, int keep)
{
	unsigned long long recno = w->recno, off = w->rec_off;
	buf_reset(&w->block);
	int tr = br_take(&w->r, keep ? &w->block : NULL, w->length);
	if (tr <= 0) {
		if (tr == 0)
			buf_addf(&w->msg, "%s: truncated WARC record %llu at byte %llu: Content-Length "
				 "%llu, stream ends at byte %llu", w->name, recno, off, w->length,
				 (unsigned long long)w->r.off);
		else
			buf_addf(&w->msg, "%s", w->r.err.data);
		return -1;
	}
	for (int k = 0; k < 2; k++) {
		int lr = br_line(&w->r, &w->line, 64);
		if (lr == 0 && k == 0)
			break; /* tolerated: a missing separator at the very end */
		if (lr < 0 || w->line.len) {
			buf_addf(&w->msg, "%s: WARC record %llu at byte %llu: its block is not followed "
				 "by CRLF CRLF at byte %llu (wrong Content-Length?)", w->name, recno, off,
				 (unsigned long long)(w->r.off - (lr == 1 ? w->line.len + 1 : 0)));
			return -1;
		}
		if (lr == 0)
			break;
	}
	return 0;
}

/* A selected block larger than --max-doc-bytes: a reject with the record's id. */
static void warc_too_big(struct warc *w)
{
	warc_flush(w);
	struct batch *rb = ingest_reject_batch(w->in, w->name);
	char v[32];
	snprintf(v, sizeof(v), "%llu", w->length);
	rb->counts.records_in++;
	counts_reject(&rb->counts, ingest_rule_too_big);
	const char *id = header_get(&w->h, "WARC-Record-ID", NULL);
	struct buf extra = BUF_INIT;
	if (id) {
		buf_addstr(&extra, ",\"id\":");
		json_string_encode_repair(&extra, id, strlen(id));
	}
	reject_write(&rb->rejects, "ingest", ingest_rule_too_big, v, w->name, w->recno, "", 0, 1,
		     extra.data);
	buf_release(&extra);
	ingest_submit(w->in, rb);
}

/* A selected record as a document in the batch. */
static void warc_document(struct warc *w, unsigned bit)
{
	const struct warc_header *h = &w->h;
	const char *ct = header_get(h, "Content-Type", NULL);
	enum doc_kind kind = DOC_TEXT;
	if (bit == WARC_T_RESPONSE && ct && !strncasecmp(ct, "application/http", 16))
		kind = DOC_HTTP;
	else if (bit != WARC_T_CONVERSION && is_html_type(ct))
		kind = DOC_HTML;
	struct ingest_doc d;
	ingest_doc_init(&d, kind, w->recno);
	set_header_field(&d, DOCF_ID, h, "WARC-Record-ID");
	set_target_uri(&d, h);
	set_header_field(&d, DOCF_DATE, h, "WARC-Date");
	set_header_field(&d, DOCF_LANG, h, "WARC-Identified-Content-Language");
	set_header_field(&d, DOCF_CTYPE, h, "Content-Type");
	ingest_doc_set(&d, DOCF_BODY, w->block.data, w->block.len);
	struct batch *b = warc_batch(w);
	ingest_doc_append(b, &d);
	if (b->len >= w->in->batch_bytes)
		warc_flush(w);
}

/* One record after its version line: skipped by selection, rejected, or a document. */
static int warc_record(struct warc *w)
{
	if (warc_header(w) < 0)
		return -1;
	unsigned bit = type_bit(header_get(&w->h, "WARC-Type", NULL));
	int selected = (w->in->warc_types & bit) != 0;
	int too_big = selected && w->length > w->in->co.max_doc_bytes;
	if (warc_block(w, selected && !too_big) < 0)
		return -1;
	const char *skip = !selected ? rule_type_skipped : NULL;
	if (selected && !too_big && bit == WARC_T_RESPONSE)
		skip = response_skip(w->in, &w->h, w->block.data, w->block.len);
	if (skip)
		counts_skip(&warc_batch(w)->counts, skip, 1);
	else if (too_big)
		warc_too_big(w);
	else
		warc_document(w, bit);
	return 0;
}

int ingest_warc(struct ingest *in, struct source *src, const char *name)
{
	struct warc w;
	memset(&w, 0, sizeof(w));
	w.in = in;
	w.name = name;
	w.r.src = src;
	w.r.cap = 1 << 16;
	w.r.buf = xmalloc(w.r.cap);
	buf_init(&w.r.err, 0);
	buf_init(&w.line, 0);
	buf_init(&w.block, 0);
	buf_init(&w.msg, 0);
	buf_init(&w.h.raw, 0);
	int rc = 0, k;
	while ((k = warc_version(&w)) > 0 && warc_record(&w) == 0)
		;
	warc_flush(&w);
	if (k != 0)
		rc = ingest_fail(in, GRIST_EXIT_DATA, w.msg.data);
	free(w.r.buf);
	buf_release(&w.r.err);
	buf_release(&w.line);
	buf_release(&w.block);
	buf_release(&w.msg);
	buf_release(&w.h.raw);
	return rc;
}
