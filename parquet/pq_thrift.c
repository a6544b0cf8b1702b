/* The Thrift compact protocol, bounded reader and writer (see pq_thrift.h). */
#include "parquet/pq_thrift.h"

#include <string.h>

void tr_init(struct treader *t, const void *p, size_t n)
{
	t->base = t->p = p;
	t->end = t->p + n;
	t->err = NULL;
	t->err_at = 0;
	t->depth = 0;
}

void tr_fail(struct treader *t, const char *msg)
{
	if (t->err)
		return;
	t->err = msg;
	t->err_at = tr_offset(t);
	t->p = t->end; /* every later read sees the end */
}

static uint64_t varint(struct treader *t)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (t->p >= t->end) {
			tr_fail(t, "truncated Thrift data");
			return 0;
		}
		uint8_t b = *t->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	tr_fail(t, "Thrift varint longer than 10 bytes");
	return 0;
}

static int64_t zigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

int64_t tr_i64(struct treader *t)
{
	return zigzag(varint(t));
}

int32_t tr_i32(struct treader *t)
{
	int64_t v = tr_i64(t);
	if (v < INT32_MIN || v > INT32_MAX) {
		tr_fail(t, "Thrift i32 out of range");
		return 0;
	}
	return (int32_t)v;
}

int tr_bool(struct treader *t, int type)
{
	(void)t;
	return type == TC_TRUE;
}

int tr_field(struct treader *t, int16_t *last, int16_t *id, int *type)
{
	if (t->err)
		return 0;
	if (t->p >= t->end) {
		tr_fail(t, "truncated Thrift struct");
		return 0;
	}
	uint8_t h = *t->p++;
	if (h == TC_STOP)
		return 0;
	*type = h & 0x0f;
	if (*type > TC_STRUCT) {
		t->p--;
		tr_fail(t, "bad Thrift field type");
		return 0;
	}
	int delta = h >> 4;
	if (delta) {
		*id = (int16_t)(*last + delta);
	} else {
		int64_t v = tr_i64(t);
		if (v < INT16_MIN || v > INT16_MAX) {
			tr_fail(t, "bad Thrift field id");
			return 0;
		}
		*id = (int16_t)v;
	}
	*last = *id;
	return !t->err;
}

const uint8_t *tr_binary(struct treader *t, size_t *len)
{
	uint64_t n = varint(t);
	if (n > (uint64_t)(t->end - t->p)) {
		tr_fail(t, "Thrift string longer than the data");
		*len = 0;
		return t->p;
	}
	const uint8_t *p = t->p;
	t->p += n;
	*len = (size_t)n;
	return p;
}

size_t tr_list(struct treader *t, int *elem_type)
{
	if (t->p >= t->end) {
		tr_fail(t, "truncated Thrift list");
		*elem_type = 0;
		return 0;
	}
	uint8_t h = *t->p++;
	*elem_type = h & 0x0f;
	uint64_t n = h >> 4;
	if (n == 15)
		n = varint(t);
	/* every element takes at least one byte (booleans included) */
	if (n > (uint64_t)(t->end - t->p)) {
		tr_fail(t, "Thrift list longer than the data");
		return 0;
	}
	return (size_t)n;
}

void tr_struct_begin(struct treader *t)
{
	if (++t->depth > TC_MAX_DEPTH)
		tr_fail(t, "Thrift structures nested too deep");
}

void tr_struct_end(struct treader *t)
{
	t->depth--;
}

void tr_skip(struct treader *t, int type)
{
	size_t n;
	int et;
	switch (type) {
	case TC_TRUE:
	case TC_FALSE:
		return;
	case TC_I8:
		if (t->p >= t->end)
			tr_fail(t, "truncated Thrift data");
		else
			t->p++;
		return;
	case TC_I16:
	case TC_I32:
	case TC_I64:
		varint(t);
		return;
	case TC_DOUBLE:
		if (t->end - t->p < 8)
			tr_fail(t, "truncated Thrift data");
		else
			t->p += 8;
		return;
	case TC_BINARY:
		tr_binary(t, &n);
		return;
	case TC_LIST:
	case TC_SET:
		n = tr_list(t, &et);
		tr_struct_begin(t);
		for (size_t i = 0; i < n && !t->err; i++) {
			if (et == TC_TRUE || et == TC_FALSE)
				tr_skip(t, TC_I8); /* list booleans are one byte each */
			else
				tr_skip(t, et);
		}
		tr_struct_end(t);
		return;
	case TC_MAP: {
		uint64_t m = varint(t);
		if (!m)
			return;
		if (m > (uint64_t)(t->end - t->p)) {
			tr_fail(t, "Thrift map longer than the data");
			return;
		}
		if (t->p >= t->end) {
			tr_fail(t, "truncated Thrift map");
			return;
		}
		uint8_t kv = *t->p++;
		tr_struct_begin(t);
		for (uint64_t i = 0; i < m && !t->err; i++) {
			tr_skip(t, kv >> 4);
			tr_skip(t, kv & 15);
		}
		tr_struct_end(t);
		return;
	}
	case TC_STRUCT: {
		int16_t last = 0, id;
		int ft;
		tr_struct_begin(t);
		while (tr_field(t, &last, &id, &ft))
			tr_skip(t, ft);
		tr_struct_end(t);
		return;
	}
	default:
		tr_fail(t, "bad Thrift type");
	}
}

/* ---- writing ---- */

void tw_varint(struct buf *out, uint64_t v)
{
	char tmp[10];
	size_t n = 0;
	while (v >= 0x80) {
		tmp[n++] = (char)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (char)v;
	buf_add(out, tmp, n);
}

static void tw_zigzag(struct buf *out, int64_t v)
{
	tw_varint(out, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void tw_init(struct twriter *w, struct buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

void tw_field(struct twriter *w, int16_t id, int type)
{
	int delta = id - w->last[w->depth];
	if (delta > 0 && delta <= 15) {
		buf_addch(w->out, (char)((delta << 4) | type));
	} else {
		buf_addch(w->out, (char)type);
		tw_zigzag(w->out, id);
	}
	w->last[w->depth] = id;
}

void tw_i32(struct twriter *w, int16_t id, int32_t v)
{
	tw_field(w, id, TC_I32);
	tw_zigzag(w->out, v);
}

void tw_i64(struct twriter *w, int16_t id, int64_t v)
{
	tw_field(w, id, TC_I64);
	tw_zigzag(w->out, v);
}

void tw_bool(struct twriter *w, int16_t id, int v)
{
	tw_field(w, id, v ? TC_TRUE : TC_FALSE);
}

void tw_binary(struct twriter *w, int16_t id, const void *p, size_t n)
{
	tw_field(w, id, TC_BINARY);
	tw_elem_binary(w, p, n);
}

void tw_list(struct twriter *w, int16_t id, int elem_type, size_t n)
{
	tw_field(w, id, TC_LIST);
	if (n < 15) {
		buf_addch(w->out, (char)((n << 4) | (size_t)elem_type));
	} else {
		buf_addch(w->out, (char)(0xf0 | elem_type));
		tw_varint(w->out, n);
	}
}

void tw_elem_i32(struct twriter *w, int32_t v)
{
	tw_zigzag(w->out, v);
}

void tw_elem_binary(struct twriter *w, const void *p, size_t n)
{
	tw_varint(w->out, n);
	buf_add(w->out, p, n);
}

void tw_struct_begin(struct twriter *w, int16_t id)
{
	if (id > 0)
		tw_field(w, id, TC_STRUCT);
	w->depth++;
	w->last[w->depth] = 0;
}

void tw_struct_end(struct twriter *w)
{
	buf_addch(w->out, TC_STOP);
	w->depth--;
}
