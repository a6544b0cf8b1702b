/*
 * The worker side of ingest: batches in, JSONL records out (runs on the -j threads).
 *
 * Records written here:
 *   JSONL lines: the line byte-for-byte, plus `id` (SOURCE:LINE) and `source` when absent;
 *   text:        {"id":"SOURCE:LINE","text":...,"source":SOURCE};
 *   documents:   {"id":...,"text":...,"source":...,"url":...,"date":...,"warc_lang":...}
 *                then the members of a WebDataset .json part, in their order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest/html.h"
#include "ingest/html_main.h"
#include "ingest/ingest_doc.h"
#include "ingest/ingest_int.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

static const char *const rule_missing = "missing_text";
static const char *const rule_html = "html_parse_error";
static const char *const rule_emptied = "emptied_text";
static const char *const rule_non_text = "non_text_content";
static const char *const rule_encoding = "http_content_encoding";
static const char *const note_not_gzip = "http_body_not_gzip";
static const char *const rule_http = "bad_http_response";
static const char *const rule_bad_json_part = "wds_invalid_json";

struct ingest_thread {
	struct record_check check;
	struct buf extra, reason, text, scratch, json;
	struct buf gunzipped; /* a gzip Content-Encoding body, decoded */
	struct html_meta meta; /* of the last --html main conversion */
	int has_meta;          /* meta belongs to the record being written */
	struct ingest_chat *chat; /* --chat */
};

void *ingest_thread_new(void *shared)
{
	struct ingest *in = shared;
	struct ingest_thread *t = xcalloc(1, sizeof(*t));
	if (in->chat)
		t->chat = ingest_chat_new(&in->co);
	buf_init(&t->extra, 0);
	buf_init(&t->reason, 0);
	buf_init(&t->text, 0);
	buf_init(&t->scratch, 0);
	buf_init(&t->json, 0);
	buf_init(&t->gunzipped, 0);
	record_check_init(&t->check);
	html_meta_init(&t->meta);
	return t;
}

void ingest_thread_free(void *p)
{
	struct ingest_thread *t = p;
	buf_release(&t->extra);
	buf_release(&t->reason);
	buf_release(&t->text);
	buf_release(&t->scratch);
	buf_release(&t->json);
	buf_release(&t->gunzipped);
	ingest_chat_free(t->chat);
	record_check_release(&t->check);
	html_meta_release(&t->meta);
	free(t);
}

static void add_key(struct buf *out, const char *key)
{
	json_string_encode(out, key, strlen(key));
	buf_addch(out, ':');
}

/* Append ,"id":"SRC:LINE" and ,"source":"SRC" unless the record has them. */
static void add_ingest_fields(struct buf *extra, const char *source, uint64_t lineno, int has_id,
			      int has_source, const char *id_field)
{
	if (!has_id) {
		buf_addch(extra, ',');
		add_key(extra, id_field);
		record_position_json(extra, source, lineno);
	}
	if (!has_source) {
		buf_addstr(extra, ",\"source\":");
		json_string_encode_repair(extra, source, strlen(source));
	}
}

static void reject_value(struct batch *b, const char *rule, const char *value_json,
			 const char *source, uint64_t n, const char *raw, size_t raw_len,
			 const char *extra)
{
	counts_reject(&b->counts, rule);
	reject_write(&b->rejects, "ingest", rule, value_json, source, n, raw, raw_len, 1, extra);
}

static int jsonl_line(struct ingest *in, struct ingest_thread *t, struct batch *b,
		      const struct line *l)
{
	if (t->chat)
		return ingest_chat_line(t->chat, &t->check, b, l);
	const struct common_opts *o = &in->co;
	struct record r;
	int empty_text = 0;
	switch (stage_check_record(b, o, l, &r, &t->check)) {
	case RECORD_STOP:
		return -1;
	case RECORD_DROP:
		stage_reject(b, "ingest", l, &r, &t->check);
		return 0;
	case RECORD_EMPTY: /* counted by stage_check_record */
		empty_text = 1;
		break;
	case RECORD_KEEP:
		counts_text_length(&b->counts, t->check.text_len);
		break;
	case RECORD_CHAT:
		BUG("a chat verdict without check.chat");
	}
	buf_reset(&t->extra);
	add_ingest_fields(&t->extra, b->source, l->lineno, r.has_id, r.has_source, o->id_field);
	if (empty_text) {
		counts_text_length(&b->counts, 0);
		record_write_text(&b->out, &r, o->text_field, "", 0, t->extra.data, t->extra.len);
	} else {
		record_write(&b->out, &r, t->extra.data, t->extra.len);
	}
	buf_addch(&b->out, '\n');
	b->counts.records_out++;
	return 0;
}

/*
 * HTML to text by --html (main or text) into t->text; with main, the page's metadata is in
 * t->meta for the record (t->has_meta). Returns 0, or -1 when the page could not be parsed.
 */
static int html_convert(struct ingest *in, struct ingest_thread *t, struct batch *b,
			const char *p, size_t n, const char *charset)
{
	t->has_meta = 0;
	if (in->html_mode == HTML_TEXT)
		return html_to_text(&t->text, p, n, charset);
	if (html_main_text(&t->text, &t->meta, p, n, charset) < 0)
		return -1;
	t->has_meta = 1;
	if (t->meta.charset_guessed)
		counts_note(&b->counts, "html_charset_guessed", 1);
	return 0;
}

/* ,"title":...,"html_lang":...,"canonical_url":... for those the page has (then forgotten). */
static void add_html_meta(struct buf *out, struct ingest_thread *t)
{
	if (!t->has_meta)
		return;
	t->has_meta = 0;
	const struct buf *v[] = { &t->meta.title, &t->meta.lang, &t->meta.canonical };
	static const char *const keys[] = { "title", "html_lang", "canonical_url" };
	for (size_t i = 0; i < 3; i++) {
		if (!v[i]->len)
			continue;
		buf_addch(out, ',');
		add_key(out, keys[i]);
		json_string_encode_repair(out, v[i]->data, v[i]->len);
	}
}

int ingest_chat_row(void *thread_state, struct batch *b, size_t start, uint64_t row)
{
	struct ingest_thread *t = thread_state;
	buf_reset(&t->json);
	buf_add(&t->json, b->out.data + start, b->out.len - start);
	buf_grow(&t->json, JSON_PADDING);
	memset(t->json.data + t->json.len, ' ', JSON_PADDING);
	buf_setlen(&b->out, start);
	struct line l = { t->json.data, t->json.len, row, 0 };
	return ingest_chat_line(t->chat, &t->check, b, &l);
}

/* t->text holds the text (any bytes): repair and write {"id","text","source"}. */
static void text_record(struct ingest *in, struct ingest_thread *t, struct batch *b,
			const char *p, size_t n, uint64_t lineno)
{
	const struct common_opts *o = &in->co;
	if (in->chat) { /* a text is not a conversation */
		reject_value(b, ingest_rule_layout, NULL, b->source, lineno, "", 0, NULL);
		return;
	}
	buf_reset(&t->scratch);
	size_t bad = utf8_repair(&t->scratch, p, n);
	if (bad) {
		counts_add_rule(&b->counts, "utf8_replaced", bad);
		buf_addf(&b->warnings, "%s:%llu: %zu invalid UTF-8 sequence(s) replaced by U+FFFD\n",
			 b->source, (unsigned long long)lineno, bad);
	}
	buf_addch(&b->out, '{');
	add_key(&b->out, o->id_field);
	record_position_json(&b->out, b->source, lineno);
	buf_addch(&b->out, ',');
	add_key(&b->out, o->text_field);
	json_string_encode(&b->out, t->scratch.data, t->scratch.len);
	buf_addstr(&b->out, ",\"source\":");
	json_string_encode_repair(&b->out, b->source, strlen(b->source));
	add_html_meta(&b->out, t);
	buf_addstr(&b->out, "}\n");
	counts_text_length(&b->counts, t->scratch.len);
	b->counts.records_out++;
}

/* The charset parameter of a Content-Type value, into out ("" if none). */
static void charset_of(const char *ct, size_t n, char *out, size_t outsz)
{
	out[0] = '\0';
	for (size_t i = 0; i + 8 <= n; i++) {
		if (strncasecmp(ct + i, "charset=", 8))
			continue;
		size_t j = i + 8, k = 0;
		if (j < n && ct[j] == '"')
			j++;
		while (j < n && k + 1 < outsz && ct[j] != ';' && ct[j] != '"' && ct[j] != ' ' &&
		       ct[j] != '\r' && ct[j] != '\n')
			out[k++] = ct[j++];
		out[k] = '\0';
		return;
	}
}

/* Find an HTTP header's value in hdr[0..n) (case-insensitive name); NULL if absent. */
static const char *http_header(const char *hdr, size_t n, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);
	const char *p = hdr, *end = hdr + n;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > nl && !strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			const char *ve = eol;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			*vlen = (size_t)(ve - v);
			return v;
		}
		p = eol + 1;
	}
	return NULL;
}

/* Decode a chunked transfer-encoded body into out; -1 if malformed. */
static int dechunk(struct buf *out, const char *p, size_t n)
{
	size_t i = 0;
	for (;;) {
		char *e;
		if (i >= n)
			return -1;
		unsigned long long len = strtoull(p + i, &e, 16);
		if (e == p + i)
			return -1;
		const char *eol = memchr(p + i, '\n', n - i);
		if (!eol)
			return -1;
		i = (size_t)(eol - p) + 1;
		if (len == 0)
			return 0;
		if (len > n - i)
			return -1;
		buf_add(out, p + i, (size_t)len);
		i += (size_t)len;
		if (i < n && p[i] == '\r')
			i++;
		if (i < n && p[i] == '\n')
			i++;
	}
}

/* Where an HTTP message's header ends: the offset of the "\n" before the empty line, and in
 * *skip the bytes of that line end and the empty line; NULL when there is no empty line. */
static const char *http_header_end(const char *body, size_t n, size_t *skip)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (body[i] != '\n')
			continue;
		if (body[i + 1] == '\n') {
			*skip = 2;
			return body + i;
		}
		if (i + 2 < n && body[i + 1] == '\r' && body[i + 2] == '\n') {
			*skip = 3;
			return body + i;
		}
	}
	return NULL;
}

/*
 * A WARC response's HTTP message: its header read (charset, HTML or another text type), the
 * body after it de-chunked (into dechunked) and gunzipped (into t->gunzipped). 0 with *body and
 * *n set to the payload, or -1 after a reject (rule set in *rule, value in t->reason).
 */
static int http_body(struct ingest *in, struct ingest_thread *t, const char **body, size_t *n,
		     int *html, char *charset, size_t charset_sz, struct buf *dechunked,
		     const char **rule, const char **note)
{
	const char *p = *body;
	size_t skip = 0;
	const char *hend = http_header_end(p, *n, &skip);
	if (!hend || *n < 5 || strncmp(p, "HTTP/", 5)) {
		*rule = rule_http;
		return -1;
	}
	size_t hlen = (size_t)(hend - p) + 1;
	size_t vlen, ctlen = 0;
	const char *ce = http_header(p, hlen, "Content-Encoding", &vlen);
	int gzipped = ce && ((vlen == 4 && !strncasecmp(ce, "gzip", 4)) ||
			     (vlen == 6 && !strncasecmp(ce, "x-gzip", 6)));
	if (ce && !gzipped && !(vlen == 8 && !strncasecmp(ce, "identity", 8))) {
		*rule = rule_encoding;
		json_string_encode(&t->reason, ce, vlen);
		return -1;
	}
	const char *ct = http_header(p, hlen, "Content-Type", &ctlen);
	if (ct) {
		charset_of(ct, ctlen, charset, charset_sz);
		if (!strncasecmp(ct, "text/html", 9) || !strncasecmp(ct, "application/xhtml", 17))
			*html = 1;
		else if (strncasecmp(ct, "text/", 5)) {
			*rule = rule_non_text;
			json_string_encode_repair(&t->reason, ct, ctlen);
			return -1;
		}
	} else {
		*html = 1; /* libxml2 copes with text that is not HTML */
	}
	const char *te = http_header(p, hlen, "Transfer-Encoding", &vlen);
	*body = hend + skip;
	*n -= (size_t)(*body - p);
	if (te && vlen >= 7 && !strncasecmp(te, "chunked", 7)) {
		if (dechunk(dechunked, *body, *n) < 0) {
			*rule = rule_http;
			return -1;
		}
		*body = dechunked->data;
		*n = dechunked->len;
	}
	if (gzipped && codec_of_magic(*body, *n) == CODEC_GZIP) {
		/* lib/decode.c's gzip decoder (CRC-checked; more members follow on, as gzip -d does) */
		struct buf err = BUF_INIT;
		buf_reset(&t->gunzipped);
		int bad = decode_buffer(CODEC_GZIP, "body", *body, *n, in->co.max_doc_bytes,
					&t->gunzipped, &err) < 0;
		buf_release(&err);
		if (bad) {
			*rule = rule_encoding;
			json_string_encode_repair(&t->reason, "gzip", 4);
			return -1;
		}
		*body = t->gunzipped.data;
		*n = t->gunzipped.len;
	} else if (gzipped) {
		/* Common Crawl stores decoded bodies under their original header: read as is */
		*note = note_not_gzip;
	}
	return 0;
}

/*
 * The text of a document into t->text. Returns 1 with text, 0 when the document has no text
 * (missing), or -1 after a reject (rule set in *rule, value in t->reason as JSON).
 */
static int doc_text(struct ingest *in, struct ingest_thread *t, struct batch *b,
		    const struct ingest_doc *d, const char **rule, const char **note)
{
	buf_reset(&t->text);
	buf_reset(&t->reason);
	t->has_meta = 0;
	if (!d->has[DOCF_BODY])
		return 0;
	const char *body = d->f[DOCF_BODY];
	size_t n = d->n[DOCF_BODY];
	int html = d->kind == DOC_HTML;
	char charset[64] = "";
	if (d->has[DOCF_CTYPE])
		charset_of(d->f[DOCF_CTYPE], d->n[DOCF_CTYPE], charset, sizeof(charset));
	struct buf dechunked = BUF_INIT;
	int rc = 1;
	if (d->kind == DOC_HTTP && http_body(in, t, &body, &n, &html, charset, sizeof(charset),
					     &dechunked, rule, note) < 0)
		rc = -1;
	else if (html && in->html_mode != HTML_RAW) {
		if (html_convert(in, t, b, body, n, charset[0] ? charset : NULL) < 0) {
			*rule = rule_html;
			rc = -1;
		} else if (!t->text.len && n) {
			/* A page with no text left: dropped as clean drops a text its processing
			 * emptied, not written as "" (docs/design.md, "Empty texts"). */
			*rule = rule_emptied;
			buf_addstr(&t->reason, "0");
			rc = -1;
		}
	} else {
		buf_add(&t->text, body, n);
	}
	buf_release(&dechunked);
	return rc;
}

/* The first non-blank byte of a NUL- or padding-terminated JSON text. */
static size_t json_lead(const struct buf *j)
{
	size_t lead = 0;
	while (lead < j->len && strchr(" \t\r\n", j->data[lead]))
		lead++;
	return lead;
}

/*
 * A WebDataset .json part, validated into t->json: 1 when it is a JSON object (its id and text
 * members, if any, in *jid / *jtext with *has_jid / *has_jtext), else 0 (counted, warned).
 */
static int wds_json_part(struct ingest *in, struct ingest_thread *t, struct batch *b,
			 const struct ingest_doc *d, struct json_member *jid, int *has_jid,
			 struct json_member *jtext, int *has_jtext)
{
	const struct common_opts *o = &in->co;
	buf_reset(&t->json);
	buf_add(&t->json, d->f[DOCF_JSON], d->n[DOCF_JSON]);
	buf_grow(&t->json, JSON_PADDING);
	memset(t->json.data + t->json.len, ' ', JSON_PADDING);
	size_t off = 0;
	buf_reset(&t->reason);
	size_t lead = json_lead(&t->json);
	if (lead >= t->json.len || t->json.data[lead] != '{' ||
	    json_validate(t->check.v, t->json.data, t->json.len, &t->reason, &off) != 0) {
		counts_add_rule(&b->counts, rule_bad_json_part, 1);
		buf_addf(&b->warnings, "%.*s: the .json part is not a JSON object (ignored)\n",
			 (int)d->n[DOCF_ID], d->f[DOCF_ID]);
		return 0;
	}
	size_t pos = 0;
	struct json_member m;
	while (json_object_next(t->json.data + lead, t->json.len - lead, &pos, &m)) {
		if (json_key_equals(&m, o->id_field)) {
			*jid = m;
			*has_jid = 1;
		} else if (json_key_equals(&m, o->text_field)) {
			*jtext = m;
			*has_jtext = 1;
		}
	}
	return 1;
}

/* The record of a document whose text (any bytes) is in t->text and id (JSON) in idv. */
static void doc_write(struct ingest *in, struct ingest_thread *t, struct batch *b,
		      const struct ingest_doc *d, const struct buf *idv, int has_json)
{
	static const struct {
		enum doc_field f;
		const char *key;
	} meta[] = { { DOCF_URL, "url" }, { DOCF_DATE, "date" }, { DOCF_LANG, "warc_lang" } };
	const struct common_opts *o = &in->co;
	buf_reset(&t->scratch);
	size_t bad = utf8_repair(&t->scratch, t->text.data, t->text.len);
	if (bad)
		counts_add_rule(&b->counts, "utf8_replaced", bad);
	struct buf *out = &b->out;
	buf_addch(out, '{');
	add_key(out, o->id_field);
	buf_add(out, idv->data, idv->len);
	buf_addch(out, ',');
	add_key(out, o->text_field);
	json_string_encode(out, t->scratch.data, t->scratch.len);
	buf_addstr(out, ",\"source\":");
	json_string_encode_repair(out, b->source, strlen(b->source));
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
		if (!d->has[meta[i].f])
			continue;
		buf_addch(out, ',');
		add_key(out, meta[i].key);
		json_string_encode_repair(out, d->f[meta[i].f], d->n[meta[i].f]);
	}
	add_html_meta(out, t);
	if (has_json) { /* the .json part's other members, in their order */
		size_t lead = json_lead(&t->json), pos = 0;
		struct json_member m;
		while (json_object_next(t->json.data + lead, t->json.len - lead, &pos, &m)) {
			if (json_key_equals(&m, o->id_field) || json_key_equals(&m, o->text_field) ||
			    json_key_equals(&m, "source"))
				continue;
			buf_addch(out, ',');
			buf_addch(out, '"');
			buf_add(out, m.key, m.key_len);
			buf_addstr(out, "\":");
			buf_add(out, m.val, m.val_len);
		}
	}
	buf_addstr(out, "}\n");
	counts_text_length(&b->counts, t->scratch.len);
	b->counts.records_out++;
}

/* Its text, or why there is none: 1 write the record, 0 done (rejected or fatal). */
static int doc_check_text(struct ingest *in, struct ingest_thread *t, struct batch *b,
			  const struct ingest_doc *d, const struct buf *idv,
			  const struct json_member *jtext, int has_jtext, const char *rej_extra)
{
	const struct common_opts *o = &in->co;
	const char *rule = NULL, *note = NULL;
	int tr = doc_text(in, t, b, d, &rule, &note);
	if (note)
		counts_note(&b->counts, note, 1);
	if (tr == 0 && has_jtext && jtext->type == JV_STRING) {
		json_string_decode(&t->text, jtext->val + 1, jtext->val_len - 2);
		tr = 1;
	}
	if (tr < 0) {
		reject_value(b, rule, t->reason.len ? t->reason.data : NULL, b->source, d->number, "",
			     0, rej_extra);
		return 0;
	}
	if (tr == 0) {
		if (o->on_missing == ON_MISSING_ERROR) {
			buf_addf(&b->fatal, "no text in document %s of %s", idv->data, b->source);
			b->fatal_code = GRIST_EXIT_DATA;
			return 0;
		}
		if (o->on_missing == ON_MISSING_SKIP) {
			reject_value(b, rule_missing, NULL, b->source, d->number, "", 0, rej_extra);
			return 0;
		}
		counts_note(&b->counts, rule_missing, 1); /* t->text is empty */
	}
	if (t->text.len > o->max_doc_bytes) {
		char v[32];
		snprintf(v, sizeof(v), "%zu", t->text.len);
		reject_value(b, ingest_rule_too_big, v, b->source, d->number, "", 0, rej_extra);
		return 0;
	}
	return 1;
}

static void doc_record(struct ingest *in, struct ingest_thread *t, struct batch *b,
		       const struct ingest_doc *d)
{
	b->counts.records_in++;
	if (in->chat) { /* a document is not a conversation */
		reject_value(b, ingest_rule_layout, NULL, b->source, d->number, "", 0, NULL);
		return;
	}
	/* A WebDataset .json part: validated, its members merged. */
	struct json_member jid, jtext;
	memset(&jid, 0, sizeof(jid));
	memset(&jtext, 0, sizeof(jtext));
	int has_jid = 0, has_jtext = 0;
	int has_json = d->has[DOCF_JSON] &&
		       wds_json_part(in, t, b, d, &jid, &has_jid, &jtext, &has_jtext);
	struct buf idv = BUF_INIT; /* the id as a JSON value */
	if (has_jid)
		buf_add(&idv, jid.val, jid.val_len);
	else if (d->has[DOCF_ID])
		json_string_encode_repair(&idv, d->f[DOCF_ID], d->n[DOCF_ID]);
	else
		record_position_json(&idv, b->source, d->number);
	struct buf rej_extra = BUF_INIT;
	buf_addf(&rej_extra, ",\"id\":%s", idv.data);
	if (doc_check_text(in, t, b, d, &idv, &jtext, has_jtext, rej_extra.data))
		doc_write(in, t, b, d, &idv, has_json);
	buf_release(&idv);
	buf_release(&rej_extra);
}

/* One line of a batch: a JSONL record, or with --split-lines a text record. */
static int ingest_line(void *shared, void *thread_state, struct batch *b, const struct line *l)
{
	struct ingest *in = shared;
	struct ingest_thread *t = thread_state;
	if (b->mode == MODE_TEXT_LINES) {
		b->counts.records_in++;
		text_record(in, t, b, l->p, l->len, l->lineno);
		return 0;
	}
	return jsonl_line(in, t, b, l);
}

void ingest_work(void *shared, void *thread_state, struct batch *b)
{
	struct ingest *in = shared;
	struct ingest_thread *t = thread_state;
	switch (b->mode) {
	case MODE_NONE:
	case MODE_REJECT_ONLY:
		return;
	case MODE_TEXT_WHOLE:
	case MODE_HTML_WHOLE:
		b->counts.records_in++;
		if (b->len == 0) {
			reject_value(b, ingest_rule_empty_file, NULL, b->source, 1, "", 0, NULL);
			return;
		}
		t->has_meta = 0;
		if (b->mode == MODE_HTML_WHOLE && in->html_mode != HTML_RAW) {
			buf_reset(&t->text);
			if (html_convert(in, t, b, b->data, b->len, NULL) < 0) {
				reject_value(b, rule_html, NULL, b->source, 1, "", 0, NULL);
				return;
			}
			if (!t->text.len) { /* a page with no text left (as in doc_text) */
				reject_value(b, rule_emptied, "0", b->source, 1, "", 0, NULL);
				return;
			}
			text_record(in, t, b, t->text.data, t->text.len, 1);
			return;
		}
		text_record(in, t, b, b->data, b->len, 1);
		return;
	case MODE_PARQUET:
		ingest_parquet_work(in, t, b);
		return;
	case MODE_JSON_ARRAY: {
		size_t pos = 0;
		struct line l;
		while (ingest_json_array_next(b, &pos, &l))
			if (ingest_line(in, t, b, &l) < 0)
				return;
		return;
	}
	case MODE_DOCS: {
		size_t pos = 0;
		struct ingest_doc d;
		while (ingest_doc_next(b, &pos, &d)) {
			doc_record(in, t, b, &d);
			if (b->fatal.len)
				return;
		}
		return;
	}
	default:
		break;
	}
	batch_each_line(b, ingest_line, shared, thread_state);
}
