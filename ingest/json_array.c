/*
 * JSON array files: a top-level `[ {...}, {...}, ... ]` (the usual Alpaca/Dolly download,
 * pretty-printed over many lines or on one line) read as records, one per element, streamed.
 *
 * The reader never holds more than one element and the current batch: a small state machine
 * finds element boundaries (strings, escapes and bracket nesting tracked byte by byte), and
 * each element is copied into the batch without the whitespace between its tokens (string
 * bodies, numbers and literals are copied exactly), so it is a one-line JSON value, validated
 * and written by the worker like a JSONL line (element number in place of the line number:
 * ids are SOURCE:N, N 1-based). A structural error (an element not followed by ',' or ']',
 * brackets that do not match, data after the array, the end of input inside it) stops the
 * input with an error naming the file, the element and the byte offset, after the elements
 * before it; an element that is delimited but not valid JSON (a bad escape, invalid UTF-8, a
 * number or literal that is not JSON, a value that is not an object) is the usual counted
 * `invalid_json` reject (--on-invalid).
 *
 * Batch layout (MODE_JSON_ARRAY): per element u64 number, u64 byte offset in the stream,
 * u64 length, then the element's bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest_int.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/xalloc.h"

enum jstate {
	J_OPEN,   /* before the '[' */
	J_VALUE,  /* expecting an element (or ']' when none yet) */
	J_IN,     /* inside an element that is a container or a string */
	J_SCALAR, /* inside a number or literal element */
	J_AFTER,  /* after an element: ',' or ']' */
	J_END,    /* after the closing ']': only whitespace */
};

#define HDR_BYTES (3 * sizeof(uint64_t))
#define READ_CHUNK (256u << 10)

struct jarr {
	struct ingest *in;
	const char *name;
	enum jstate state;
	int in_str, esc;
	unsigned depth;
	unsigned char stack[JSON_MAX_DEPTH + 1]; /* '{' or '[' per open level */
	uint64_t offset;   /* absolute offset of the byte being looked at */
	uint64_t number;   /* elements started */
	uint64_t limit;    /* largest element held */
	struct batch *b;
	size_t hdr;        /* where the current element's header is in b->data */
	uint64_t flushed;  /* stream bytes accounted to batches handed over */
	struct buf msg;
};

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void batch_put(struct batch *b, const void *p, size_t n)
{
	if (b->len + n + JSON_PADDING > b->cap) {
		b->cap = alloc_nr(b->cap, b->len + n + JSON_PADDING);
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void new_batch(struct jarr *j)
{
	j->b = ingest_get_batch(j->in);
	j->b->len = 0;
	j->b->source = j->name;
	j->b->mode = MODE_JSON_ARRAY;
	j->b->lineno0 = j->number + 1;
}

/*
 * Hand over the batch (whole elements only); an empty one is given back. `upto` is the stream
 * offset the batch accounts for: its span of the input is its bytes_in (stage_emit counts
 * b->len, the compacted elements with their headers, so the difference is added here).
 */
static void flush_batch(struct jarr *j, uint64_t upto)
{
	struct batch *b = j->b;
	j->b = NULL;
	if (!b)
		return;
	if (!b->len) {
		ingest_return_batch(j->in, b);
		return;
	}
	b->counts.bytes_in += (upto - j->flushed) - (uint64_t)b->len; /* modulo 2^64 */
	j->flushed = upto;
	if (b->len + JSON_PADDING > b->cap) {
		b->cap = b->len + JSON_PADDING;
		b->data = xrealloc(b->data, b->cap);
	}
	memset(b->data + b->len, 0, JSON_PADDING);
	ingest_submit(j->in, b);
}

static void start_element(struct jarr *j)
{
	if (!j->b)
		new_batch(j);
	j->number++;
	j->hdr = j->b->len;
	uint64_t h[3] = { j->number, j->offset, 0 };
	batch_put(j->b, h, sizeof(h));
}

/* The element ends; `upto` is the offset just after its last byte. */
static void end_element(struct jarr *j, uint64_t upto)
{
	uint64_t n = (uint64_t)(j->b->len - j->hdr - HDR_BYTES);
	memcpy(j->b->data + j->hdr + 2 * sizeof(uint64_t), &n, sizeof(n));
	j->state = J_AFTER;
	if (j->b->len >= j->in->batch_bytes)
		flush_batch(j, upto);
}

/* A structural error: drop the element being read, hand over the ones before it, fail. */
static int fail(struct jarr *j, const char *what)
{
	if (j->b && (j->state == J_IN || j->state == J_SCALAR))
		j->b->len = j->hdr;
	flush_batch(j, j->offset);
	buf_reset(&j->msg);
	buf_addf(&j->msg, "%s: malformed JSON array ", j->name);
	unsigned long long k = (unsigned long long)j->number;
	switch (j->state) {
	case J_OPEN: buf_addstr(&j->msg, "at its start"); break;
	case J_VALUE: buf_addf(&j->msg, "at element %llu", k + 1); break;
	case J_IN: case J_SCALAR: buf_addf(&j->msg, "in element %llu", k); break;
	case J_AFTER: buf_addf(&j->msg, "after element %llu", k); break;
	case J_END: buf_addf(&j->msg, "after its end (%llu elements)", k); break;
	}
	buf_addf(&j->msg, ", byte %llu: %s", (unsigned long long)j->offset, what);
	return ingest_fail(j->in, GRIST_EXIT_DATA, j->msg.data);
}

static int scalar_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '-' || c == '+' || c == '.';
}

/* Bytes of a string body that need no attention: up to the next quote or backslash. */
static size_t plain_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n && p[i] != '"' && p[i] != '\\')
		i++;
	return i;
}

/*
 * The byte handlers of the state machine, one per state. Each returns 1 when it took the byte
 * c (the caller moves on by one), 0 when it moved on itself or wants the same byte again, or -1
 * after fail().
 */
static int on_open(struct jarr *j, unsigned char c)
{
	if (is_ws(c))
		return 1;
	if (c != '[')
		return fail(j, "the input does not start with '['");
	j->state = J_VALUE;
	return 1;
}

static int on_value(struct jarr *j, unsigned char c)
{
	if (is_ws(c))
		return 1;
	if (c == ']') {
		if (j->number)
			return fail(j, "']' after ',' (a trailing comma)");
		j->state = J_END;
		return 1;
	}
	if (c == ',')
		return fail(j, "',' where an element was expected");
	if (c != '{' && c != '[' && c != '"' && !scalar_byte(c))
		return fail(j, "unexpected character where an element was expected");
	start_element(j);
	if (c == '{' || c == '[') {
		j->depth = 1;
		j->stack[0] = c;
		j->in_str = 0;
		j->state = J_IN;
	} else if (c == '"') {
		j->depth = 0;
		j->in_str = 1;
		j->esc = 0;
		j->state = J_IN;
	} else {
		j->state = J_SCALAR;
	}
	batch_put(j->b, &c, 1);
	return 1;
}

static int on_scalar(struct jarr *j, unsigned char c)
{
	if (scalar_byte(c)) {
		batch_put(j->b, &c, 1);
		return 1;
	}
	if (!is_ws(c) && c != ',' && c != ']')
		return fail(j, "unexpected character in a number or literal");
	end_element(j, j->offset);
	return 0; /* the same byte again, after the element */
}

/* Inside a string of an element at p[*i] (of n): a run of plain bytes is copied at once. */
static int on_string(struct jarr *j, const unsigned char *p, size_t n, size_t *i)
{
	unsigned char c = p[*i];
	if (j->esc) {
		j->esc = 0;
	} else if (c == '\\') {
		j->esc = 1;
	} else if (c == '"') {
		j->in_str = 0;
	} else {
		size_t k = plain_run(p + *i, n - *i);
		batch_put(j->b, p + *i, k);
		*i += k;
		j->offset += k;
		if ((uint64_t)(j->b->len - j->hdr) > j->limit)
			return fail(j, "an element larger than 2 x --max-doc-bytes + 1 MiB");
		return 0;
	}
	batch_put(j->b, &c, 1);
	if (!j->in_str && j->depth == 0)
		end_element(j, j->offset + 1);
	return 1;
}

/* Inside a container element, outside its strings: brackets are tracked. */
static int on_container(struct jarr *j, unsigned char c)
{
	if (is_ws(c))
		return 1;
	if (c == '"') {
		j->in_str = 1;
		j->esc = 0;
	} else if (c == '{' || c == '[') {
		if (j->depth > JSON_MAX_DEPTH)
			return fail(j, "nested deeper than 1000 levels");
		j->stack[j->depth++] = c;
	} else if (c == '}' || c == ']') {
		if (j->stack[j->depth - 1] != (c == '}' ? '{' : '['))
			return fail(j, c == '}' ? "'}' closes an array" : "']' closes an object");
		j->depth--;
	}
	batch_put(j->b, &c, 1);
	if (j->depth == 0)
		end_element(j, j->offset + 1);
	else if ((uint64_t)(j->b->len - j->hdr) > j->limit)
		return fail(j, "an element larger than 2 x --max-doc-bytes + 1 MiB");
	return 1;
}

static int on_after(struct jarr *j, unsigned char c)
{
	if (is_ws(c))
		return 1;
	if (c == ',')
		j->state = J_VALUE;
	else if (c == ']')
		j->state = J_END;
	else
		return fail(j, "expected ',' or ']'");
	return 1;
}

/*
 * Feed p[0..n) through the state machine. Returns 0, or -1 after fail(). j->offset is the
 * offset of p[0] on entry and of the byte after the chunk on return.
 */
static int feed(struct jarr *j, const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		int r;
		switch (j->state) {
		case J_OPEN: r = on_open(j, c); break;
		case J_VALUE: r = on_value(j, c); break;
		case J_SCALAR: r = on_scalar(j, c); break;
		case J_IN: r = j->in_str ? on_string(j, p, n, &i) : on_container(j, c); break;
		case J_AFTER: r = on_after(j, c); break;
		default: /* J_END */
			r = is_ws(c) ? 1 : fail(j, "data after the closing ']'");
			break;
		}
		if (r < 0)
			return -1;
		i += (size_t)r;
		j->offset += (uint64_t)r;
	}
	return 0;
}

int ingest_json_array(struct ingest *in, struct source *src, const char *name)
{
	struct jarr *j = xcalloc(1, sizeof(*j));
	j->in = in;
	j->name = name;
	j->state = J_OPEN;
	j->limit = 2 * in->co.max_doc_bytes + (1u << 20);
	buf_init(&j->msg, 0);
	unsigned char *chunk = xmalloc(READ_CHUNK);
	struct buf err = BUF_INIT;
	int rc = 0, first = 1;
	for (;;) {
		ssize_t r = source_read(src, chunk, READ_CHUNK, &err);
		if (r < 0) {
			if (j->b && (j->state == J_IN || j->state == J_SCALAR))
				j->b->len = j->hdr;
			flush_batch(j, j->offset);
			rc = ingest_fail(in, source_fail_exit(src), err.data);
			break;
		}
		if (r == 0) {
			if (j->state == J_SCALAR)
				end_element(j, j->offset);
			if (j->state != J_END)
				rc = fail(j, j->state == J_OPEN ? "empty input"
								: "the input ends inside the array");
			else
				flush_batch(j, j->offset);
			break;
		}
		const unsigned char *p = chunk;
		size_t n = (size_t)r;
		if (first && n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) {
			p += 3;
			n -= 3;
			j->offset = 3;
		}
		first = 0;
		if (feed(j, p, n) < 0) {
			rc = -1;
			break;
		}
		if (in->stop)
			break;
	}
	if (j->b)
		flush_batch(j, j->offset);
	free(chunk);
	buf_release(&err);
	buf_release(&j->msg);
	free(j);
	return rc;
}

int ingest_json_array_next(const struct batch *b, size_t *pos, struct line *l)
{
	if (*pos + HDR_BYTES > b->len)
		return 0;
	uint64_t h[3];
	memcpy(h, b->data + *pos, sizeof(h));
	l->lineno = h[0];
	l->offset = h[1];
	l->len = (size_t)h[2];
	l->p = b->data + *pos + HDR_BYTES;
	*pos += HDR_BYTES + l->len;
	return 1;
}

int ingest_json_array_head(const char *p, size_t n, int strict)
{
	size_t i = 0;
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && is_ws((unsigned char)p[i]))
		i++;
	if (i >= n || p[i] != '[')
		return 0;
	if (!strict)
		return 1;
	i++;
	while (i < n && is_ws((unsigned char)p[i]))
		i++;
	return i < n && (p[i] == '{' || p[i] == ']');
}
