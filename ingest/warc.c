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

int ingest_warc(struct ingest *in, struct source *src, const char *name)
{
	struct breader r;
	memset(&r, 0, sizeof(r));
	r.src = src;
	r.cap = 1 << 16;
	r.buf = xmalloc(r.cap);
	buf_init(&r.err, 0);
	struct buf line = BUF_INIT, block = BUF_INIT, msg = BUF_INIT;
	struct warc_header h = { BUF_INIT, 0 };
	struct batch *b = NULL;
	uint64_t recno = 0;
	int rc = 0;
	for (;;) {
		/* Blank lines between records are tolerated. */
		int lr;
		uint64_t rec_off;
		do {
			rec_off = r.off;
			lr = br_line(&r, &line, WARC_MAX_HEADER);
		} while (lr == 1 && line.len == 0);
		if (lr == 0)
			break;
		if (lr < 0) {
			buf_addf(&msg, "%s: %s at byte %llu", name,
				 lr == -2 ? "truncated WARC record" : r.err.data,
				 (unsigned long long)r.off);
			goto fail;
		}
		if (line.len < 6 || memcmp(line.data, "WARC/", 5)) {
			buf_addf(&msg, "%s: expected a WARC record (\"WARC/1.x\") at byte %llu", name,
				 (unsigned long long)rec_off);
			if (recno)
				buf_addstr(&msg, " (wrong Content-Length in the record before?)");
			goto fail;
		}
		recno++;
		buf_reset(&h.raw);
		size_t header_bytes = 0;
		for (;;) {
			lr = br_line(&r, &line, WARC_MAX_HEADER);
			if (lr <= 0) {
				buf_addf(&msg, "%s: truncated WARC header in record %llu at byte %llu", name,
					 (unsigned long long)recno, (unsigned long long)rec_off);
				goto fail;
			}
			if (line.len == 0)
				break;
			header_bytes += line.len;
			if (header_bytes > WARC_MAX_HEADER) {
				buf_addf(&msg, "%s: WARC header of record %llu at byte %llu is too large",
					 name, (unsigned long long)recno, (unsigned long long)rec_off);
				goto fail;
			}
			if ((line.data[0] == ' ' || line.data[0] == '\t') && h.raw.len) {
				/* Continuation: extend the last value. */
				buf_setlen(&h.raw, h.raw.len - 1);
				buf_addch(&h.raw, ' ');
				size_t i = 0;
				while (i < line.len && (line.data[i] == ' ' || line.data[i] == '\t'))
					i++;
				buf_add(&h.raw, line.data + i, line.len - i);
				buf_addch(&h.raw, '\0');
				continue;
			}
			char *colon = memchr(line.data, ':', line.len);
			if (!colon || memchr(line.data, '\0', line.len))
				continue; /* not a field: ignored */
			size_t nlen = (size_t)(colon - line.data);
			while (nlen && (line.data[nlen - 1] == ' ' || line.data[nlen - 1] == '\t'))
				nlen--;
			const char *v = colon + 1;
			const char *vend = line.data + line.len;
			while (v < vend && (*v == ' ' || *v == '\t'))
				v++;
			while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
				vend--;
			buf_add(&h.raw, line.data, nlen);
			buf_addch(&h.raw, '\0');
			buf_add(&h.raw, v, (size_t)(vend - v));
			buf_addch(&h.raw, '\0');
		}
		const char *cl = header_get(&h, "Content-Length", NULL);
		char *endp = NULL;
		unsigned long long length = cl ? strtoull(cl, &endp, 10) : 0;
		if (!cl || endp == cl || *endp || *cl == '-') {
			buf_addf(&msg, "%s: WARC record %llu at byte %llu has no valid Content-Length", name,
				 (unsigned long long)recno, (unsigned long long)rec_off);
			goto fail;
		}
		const char *type = header_get(&h, "WARC-Type", NULL);
		unsigned bit = type_bit(type);
		int selected = (in->warc_types & bit) != 0;
		int too_big = selected && length > in->co.max_doc_bytes;
		buf_reset(&block);
		int tr = br_take(&r, selected && !too_big ? &block : NULL, length);
		if (tr <= 0) {
			if (tr == 0)
				buf_addf(&msg, "%s: truncated WARC record %llu at byte %llu: Content-Length %llu, "
					 "stream ends at byte %llu", name, (unsigned long long)recno,
					 (unsigned long long)rec_off, length, (unsigned long long)r.off);
			else
				buf_addf(&msg, "%s", r.err.data);
			goto fail;
		}
		/* The block is followed by CRLF CRLF. */
		for (int k = 0; k < 2; k++) {
			lr = br_line(&r, &line, 64);
			if (lr == 0 && k == 0)
				break; /* tolerated: a missing separator at the very end */
			if (lr < 0 || line.len) {
				buf_addf(&msg, "%s: WARC record %llu at byte %llu: its block is not followed "
					 "by CRLF CRLF at byte %llu (wrong Content-Length?)", name,
					 (unsigned long long)recno, (unsigned long long)rec_off,
					 (unsigned long long)(r.off - (lr == 1 ? line.len + 1 : 0)));
				goto fail;
			}
			if (lr == 0)
				break;
		}
		const char *skip = !selected ? rule_type_skipped : NULL;
		if (selected && !too_big && bit == WARC_T_RESPONSE)
			skip = response_skip(in, &h, block.data, block.len);
		if (skip) {
			if (!b) {
				b = ingest_get_batch(in);
				b->mode = MODE_DOCS;
				b->source = name;
			}
			counts_skip(&b->counts, skip, 1);
			continue;
		}
		if (too_big) {
			if (b) {
				ingest_submit(in, b);
				b = NULL;
			}
			struct batch *rb = ingest_reject_batch(in, name);
			char v[32];
			snprintf(v, sizeof(v), "%llu", length);
			rb->counts.records_in++;
			counts_reject(&rb->counts, ingest_rule_too_big);
			const char *id = header_get(&h, "WARC-Record-ID", NULL);
			struct buf extra = BUF_INIT;
			if (id) {
				buf_addstr(&extra, ",\"id\":");
				struct buf tmp = BUF_INIT;
				utf8_repair(&tmp, id, strlen(id));
				json_string_encode(&extra, tmp.data, tmp.len);
				buf_release(&tmp);
			}
			reject_write(&rb->rejects, "ingest", ingest_rule_too_big, v, name, recno, "", 0, 1,
				     extra.data);
			buf_release(&extra);
			ingest_submit(in, rb);
			continue;
		}
		const char *ct = header_get(&h, "Content-Type", NULL);
		enum doc_kind kind = DOC_TEXT;
		if (bit == WARC_T_RESPONSE && ct && !strncasecmp(ct, "application/http", 16))
			kind = DOC_HTTP;
		else if (bit != WARC_T_CONVERSION && is_html_type(ct))
			kind = DOC_HTML;
		struct ingest_doc d;
		ingest_doc_init(&d, kind, recno);
		set_header_field(&d, DOCF_ID, &h, "WARC-Record-ID");
		set_target_uri(&d, &h);
		set_header_field(&d, DOCF_DATE, &h, "WARC-Date");
		set_header_field(&d, DOCF_LANG, &h, "WARC-Identified-Content-Language");
		set_header_field(&d, DOCF_CTYPE, &h, "Content-Type");
		ingest_doc_set(&d, DOCF_BODY, block.data, block.len);
		if (!b) {
			b = ingest_get_batch(in);
			b->mode = MODE_DOCS;
			b->source = name;
		}
		ingest_doc_append(b, &d);
		if (b->len >= in->batch_bytes) {
			ingest_submit(in, b);
			b = NULL;
		}
	}
	goto done;
fail:
	if (b) {
		ingest_submit(in, b);
		b = NULL;
	}
	rc = ingest_fail(in, GRIST_EXIT_DATA, msg.data);
done:
	if (b)
		ingest_submit(in, b);
	free(r.buf);
	buf_release(&r.err);
	buf_release(&line);
	buf_release(&block);
	buf_release(&msg);
	buf_release(&h.raw);
	return rc;
}
