#include "record.h"

#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "die.h"
#include "utf8.h"
#include "xalloc.h"

void batch_clear(struct batch *b)
{
	buf_reset(&b->out);
	buf_reset(&b->rejects);
	buf_reset(&b->fatal);
	buf_reset(&b->warnings);
	counts_reset(&b->counts);
	if (b->srcs)
		source_table_clear(b->srcs);
	b->fatal_code = 0;
	b->len = 0;
	b->mode = 0;
}

void batch_release(struct batch *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	buf_release(&b->out);
	buf_release(&b->rejects);
	buf_release(&b->fatal);
	buf_release(&b->warnings);
	source_table_free(b->srcs);
	b->srcs = NULL;
}

void batch_reader_init(struct batch_reader *r, struct source *src, size_t target)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->fail, 0);
	r->src = src;
	r->target = target ? target : (1u << 20);
	r->lineno = 1;
}

void batch_reader_release(struct batch_reader *r)
{
	free(r->carry);
	r->carry = NULL;
	buf_release(&r->fail);
}

static void batch_reserve(struct batch *b, size_t need)
{
	if (need + JSON_PADDING <= b->cap)
		return;
	b->cap = alloc_nr(b->cap, need + JSON_PADDING);
	b->data = xrealloc(b->data, b->cap);
}

static uint64_t count_newlines(const char *p, size_t n)
{
	uint64_t k = 0;
	const char *end = p + n;
	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		k++;
		p++;
	}
	return k;
}

/* Reads into b until it ends in a whole line and holds at least the target (or the source
 * ends or fails: r->eof, r->failed with the message in r->fail); a BOM at the very start goes.
 * Returns the bytes up to and including b's last newline. */
static size_t fill_batch(struct batch_reader *r, struct batch *b, struct buf *err)
{
	size_t cut = 0; /* bytes of b->data up to and including the last newline */
	for (;;) {
		if (b->len > 0) {
			const char *nl = memrchr(b->data, '\n', b->len);
			if (nl)
				cut = (size_t)(nl - b->data) + 1;
		}
		if (r->eof || (cut && b->len >= r->target))
			return cut;
		/* Need more: read up to the target, or grow for a line longer than the batch. */
		size_t want = b->len < r->target ? r->target - b->len : b->len;
		batch_reserve(b, b->len + want);
		size_t mark = err->len;
		ssize_t n = source_read(r->src, b->data + b->len, want, err);
		if (n < 0) {
			/* The whole lines read before the error are handed over; the line the error cut
			 * is not a record; the error comes next. */
			buf_addstr(&r->fail, err->data + mark);
			buf_setlen(err, mark);
			r->failed = 1;
			return cut;
		}
		if (n == 0) {
			r->eof = 1;
			continue;
		}
		b->len += (size_t)n;
		if (!r->started) {
			/* A BOM is only a BOM at the very start: wait for 3 bytes to decide. */
			if (b->len < 3)
				continue;
			if (!memcmp(b->data, "\xEF\xBB\xBF", 3)) {
				memmove(b->data, b->data + 3, b->len - 3);
				b->len -= 3;
				r->offset = 3;
			}
			r->started = 1;
		}
	}
}

/* b->data[cut..len), a partial last line, kept for the next batch. */
static void carry_rest(struct batch_reader *r, const struct batch *b, size_t cut)
{
	size_t rest = b->len - cut;
	if (!rest)
		return;
	if (rest > r->carry_cap) {
		r->carry_cap = alloc_nr(r->carry_cap, rest);
		r->carry = xrealloc(r->carry, r->carry_cap);
	}
	memcpy(r->carry, b->data + cut, rest);
	r->carry_len = rest;
}

int batch_reader_next(struct batch_reader *r, struct batch *b, struct buf *err)
{
	if (r->failed) {
		buf_addstr(err, r->fail.data);
		return -1;
	}
	if (r->eof && !r->carry_len)
		return 0;
	b->len = 0;
	batch_reserve(b, r->target + r->carry_len);
	if (r->carry_len)
		memcpy(b->data, r->carry, r->carry_len);
	b->len = r->carry_len;
	r->carry_len = 0;
	size_t cut = fill_batch(r, b, err);
	if (r->failed) {
		b->len = cut;
		if (!cut) {
			buf_addstr(err, r->fail.data);
			return -1;
		}
	}
	if (r->eof)
		cut = b->len; /* the last line may lack its newline */
	carry_rest(r, b, cut);
	b->len = cut;
	memset(b->data + cut, 0, JSON_PADDING);
	b->source = r->src->name;
	b->lineno0 = r->lineno;
	b->offset0 = r->offset;
	r->lineno += count_newlines(b->data, cut);
	r->offset += cut;
	return cut ? 1 : 0;
}

int batch_next_line(const struct batch *b, struct line_iter *it, struct line *l)
{
	size_t i = it->pos;
	if (i >= b->len)
		return 0;
	const char *nl = memchr(b->data + i, '\n', b->len - i);
	size_t end = nl ? (size_t)(nl - b->data) : b->len;
	l->p = b->data + i;
	l->len = end - i;
	if (l->len && l->p[l->len - 1] == '\r')
		l->len--;
	l->offset = b->offset0 + i;
	l->lineno = it->lineno++;
	it->pos = nl ? end + 1 : end;
	return 1;
}

int line_is_blank(const struct line *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->p[i] != ' ' && l->p[i] != '\t' && l->p[i] != '\r' && l->p[i] != '\f' && l->p[i] != '\v')
			return 0;
	return 1;
}

int batch_each_line(struct batch *b, batch_line_fn fn, void *shared, void *thread_state)
{
	struct line_iter it;
	struct line l;
	line_iter_init(&it, b);
	while (batch_next_line(b, &it, &l)) {
		if (line_is_blank(&l))
			continue;
		if (stats_by_source) {
			/* what this line did, counted under its source too (lib/stats.h) */
			uint64_t in = b->counts.records_in, out = b->counts.records_out;
			uint64_t rej = b->counts.rejected;
			b->line_src = NULL;
			int rc = fn(shared, thread_state, b, &l);
			if (rc < 0)
				return rc;
			if (!b->line_src)
				continue;
			if (!b->srcs)
				b->srcs = source_table_new();
			source_table_add(b->srcs, b->line_src, b->line_src_len, b->counts.records_in - in,
					 b->counts.records_out - out,
					 b->counts.rejected > rej ? b->counts.last_rule : NULL);
			continue;
		}
		int rc = fn(shared, thread_state, b, &l);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int is_json_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int record_parse(struct json_validator *v, const struct line *l, const struct common_opts *o,
		 struct record *r, struct buf *reason, size_t *offset)
{
	const char *p = l->p;
	size_t n = l->len;
	size_t lead = 0;
	while (lead < n && is_json_ws(p[lead]))
		lead++;
	while (n > lead && is_json_ws(p[n - 1]))
		n--;
	/* json_validate needs readable padding after the line: the batch guarantees it. */
	if (json_validate(v, p + lead, n - lead, reason, offset) < 0) {
		*offset += lead;
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->line = p + lead;
	r->len = n - lead;
	r->text_status = TEXT_MISSING;
	size_t pos = 0;
	struct json_member m;
	while (json_object_next(r->line, r->len, &pos, &m)) {
		if (json_key_equals(&m, o->text_field)) {
			/* Duplicate keys: the last one wins, as in most parsers. */
			r->text = m;
			r->text_status = m.type == JV_STRING ? TEXT_OK
					 : m.type == JV_NULL ? TEXT_NULL : TEXT_NOT_STRING;
		} else if (json_key_equals(&m, o->id_field)) {
			r->id = m;
			r->has_id = 1;
		} else if (json_key_equals(&m, "source")) {
			r->source = m;
			r->has_source = 1;
		} else if (json_key_equals(&m, "lang")) {
			r->lang = m;
			r->has_lang = 1;
		}
	}
	return 0;
}

void record_text(const struct record *r, struct buf *out)
{
	json_string_decode(out, r->text.val + 1, r->text.val_len - 2);
}

uint64_t record_text_len(const struct record *r, uint64_t limit)
{
	size_t raw = r->text.val_len - 2;
	if (raw <= limit && !memchr(r->text.val + 1, '\\', raw))
		return raw;
	return json_string_decoded_len(r->text.val + 1, raw);
}

/* Position of the closing brace of the object. */
static size_t closing_brace(const struct record *r)
{
	size_t k = r->len;
	while (k > 0 && r->line[k - 1] != '}')
		k--;
	return k - 1;
}

static int object_is_empty(const struct record *r, size_t brace)
{
	for (size_t i = 1; i < brace; i++)
		if (!is_json_ws(r->line[i]))
			return 0;
	return 1;
}

static void add_members(struct buf *out, const struct record *r, size_t brace, const char *extra,
			size_t extra_len)
{
	if (extra_len && object_is_empty(r, brace)) {
		/* {} + ,"k":v -> {"k":v} */
		buf_add(out, extra + 1, extra_len - 1);
	} else {
		buf_add(out, extra, extra_len);
	}
}

void record_write(struct buf *out, const struct record *r, const char *extra, size_t extra_len)
{
	size_t brace = closing_brace(r);
	buf_add(out, r->line, brace);
	add_members(out, r, brace, extra, extra_len);
	buf_add(out, r->line + brace, r->len - brace);
}

void record_write_text(struct buf *out, const struct record *r, const char *text_field,
		       const char *new_text, size_t new_len, const char *extra, size_t extra_len)
{
	if (!new_text) {
		record_write(out, r, extra, extra_len);
		return;
	}
	if (r->text_status == TEXT_MISSING) {
		struct buf add = BUF_INIT;
		buf_addch(&add, ',');
		json_string_encode(&add, text_field, strlen(text_field));
		buf_addch(&add, ':');
		json_string_encode(&add, new_text, new_len);
		buf_add(&add, extra, extra_len);
		record_write(out, r, add.data, add.len);
		buf_release(&add);
		return;
	}
	size_t vstart = (size_t)(r->text.val - r->line);
	size_t vend = vstart + r->text.val_len;
	size_t brace = closing_brace(r);
	buf_add(out, r->line, vstart);
	json_string_encode(out, new_text, new_len);
	buf_add(out, r->line + vend, brace - vend);
	add_members(out, r, brace, extra, extra_len);
	buf_add(out, r->line + brace, r->len - brace);
}

void record_write_fields(struct buf *out, const struct record *r, const char *text_field,
			 const char *new_text, size_t new_len, const struct field_value *fields,
			 int nfields)
{
	enum { MAX_FIELDS = 16 };
	int seen[MAX_FIELDS] = { 0 };
	if (nfields > MAX_FIELDS)
		BUG("record_write_fields: too many fields");
	size_t brace = closing_brace(r);
	size_t last = 0, pos = 0;
	int members = 0;
	struct json_member m;
	while (json_object_next(r->line, r->len, &pos, &m)) {
		members++;
		size_t vstart = (size_t)(m.val - r->line);
		const char *repl = NULL;
		int is_text = new_text && r->text_status != TEXT_MISSING && m.val == r->text.val;
		for (int k = 0; !is_text && k < nfields; k++)
			if (json_key_equals(&m, fields[k].name)) {
				repl = fields[k].json;
				seen[k] = 1;
				break;
			}
		if (!is_text && !repl)
			continue;
		buf_add(out, r->line + last, vstart - last);
		if (is_text)
			json_string_encode(out, new_text, new_len);
		else
			buf_addstr(out, repl);
		last = vstart + m.val_len;
	}
	buf_add(out, r->line + last, brace - last);
	if (new_text && r->text_status == TEXT_MISSING) {
		if (members++)
			buf_addch(out, ',');
		json_string_encode(out, text_field, strlen(text_field));
		buf_addch(out, ':');
		json_string_encode(out, new_text, new_len);
	}
	for (int k = 0; k < nfields; k++) {
		if (seen[k])
			continue;
		if (members++)
			buf_addch(out, ',');
		json_string_encode(out, fields[k].name, strlen(fields[k].name));
		buf_addch(out, ':');
		buf_addstr(out, fields[k].json);
	}
	buf_add(out, r->line + brace, r->len - brace);
}

void record_position_json(struct buf *out, const char *source, uint64_t n)
{
	struct buf tmp = BUF_INIT;
	utf8_repair(&tmp, source, strlen(source));
	buf_addf(&tmp, ":%llu", (unsigned long long)n);
	json_string_encode(out, tmp.data, tmp.len);
	buf_release(&tmp);
}

void reject_write(struct buf *out, const char *stage, const char *rule, const char *value_json,
		  const char *source, uint64_t lineno, const char *rec, size_t rec_len, int is_raw,
		  const char *extra_json)
{
	buf_addf(out, "{\"stage\":\"%s\",\"rule\":", stage);
	json_string_encode(out, rule, strlen(rule));
	if (value_json)
		buf_addf(out, ",\"value\":%s", value_json);
	buf_addstr(out, ",\"source\":");
	record_position_json(out, source, lineno);
	struct buf tmp = BUF_INIT;
	if (extra_json)
		buf_addstr(out, extra_json);
	if (is_raw) {
		buf_addstr(out, ",\"raw\":");
		size_t bad = utf8_repair(&tmp, rec, rec_len);
		json_string_encode(out, tmp.data, tmp.len);
		if (bad) {
			buf_addstr(out, ",\"raw_base64\":\"");
			base64_encode(out, rec, rec_len);
			buf_addch(out, '"');
		}
	} else {
		buf_addstr(out, ",\"record\":");
		buf_add(out, rec, rec_len);
	}
	buf_release(&tmp);
	buf_addstr(out, "}\n");
}
