/*
 * The Thrift compact protocol, as Parquet uses it for the file footer (FileMetaData) and the
 * page headers (https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md).
 *
 * Reading is bounded and never allocates: a reader is a cursor over a byte range, every length
 * is checked against the bytes left, nesting is limited, and the first problem sets `err` (a
 * static message) and `err_at` (the byte offset in the range), after which every call returns
 * zero values. Callers check tr->err once after parsing a whole structure.
 * Writing appends to a struct buf.
 */
#ifndef GRIST_PQ_THRIFT_H
#define GRIST_PQ_THRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/* Compact protocol type codes (the low nibble of a field header). */
enum {
	TC_STOP = 0, TC_TRUE = 1, TC_FALSE = 2, TC_I8 = 3, TC_I16 = 4, TC_I32 = 5, TC_I64 = 6,
	TC_DOUBLE = 7, TC_BINARY = 8, TC_LIST = 9, TC_SET = 10, TC_MAP = 11, TC_STRUCT = 12,
};

#define TC_MAX_DEPTH 32

struct treader {
	const uint8_t *base, *p, *end;
	const char *err; /* NULL while all is well */
	size_t err_at;
	int depth;
};

void tr_init(struct treader *t, const void *p, size_t n);
/* Set the error (the first one wins). */
void tr_fail(struct treader *t, const char *msg);
/*
 * Next field of the current struct: 1 with its id and type, 0 at the struct's end (or after an
 * error). *last is the previous field id of this struct (start with 0). A boolean field's value
 * is in its type (TC_TRUE/TC_FALSE).
 */
int tr_field(struct treader *t, int16_t *last, int16_t *id, int *type);
int64_t tr_i64(struct treader *t);         /* zigzag varint (i16, i32, i64) */
int32_t tr_i32(struct treader *t);         /* same, checked to fit 32 bits */
int tr_bool(struct treader *t, int type);  /* a boolean field's value */
/* A binary/string: pointer into the range and its length (checked). */
const uint8_t *tr_binary(struct treader *t, size_t *len);
/* A list or set header: element count (at most the bytes left) and element type. */
size_t tr_list(struct treader *t, int *elem_type);
/* Enter/leave a nested struct (depth-checked). */
void tr_struct_begin(struct treader *t);
void tr_struct_end(struct treader *t);
/* Skip a value of the given type. */
void tr_skip(struct treader *t, int type);
static inline size_t tr_offset(const struct treader *t)
{
	return (size_t)(t->p - t->base);
}

/* Writing. Field ids must increase within a struct (the writer tracks the previous id). */
struct twriter {
	struct buf *out;
	int16_t last[TC_MAX_DEPTH];
	int depth;
};
void tw_init(struct twriter *w, struct buf *out);
void tw_field(struct twriter *w, int16_t id, int type);
void tw_i32(struct twriter *w, int16_t id, int32_t v);
void tw_i64(struct twriter *w, int16_t id, int64_t v);
void tw_bool(struct twriter *w, int16_t id, int v);
void tw_binary(struct twriter *w, int16_t id, const void *p, size_t n);
/* A list field header; the elements follow (tw_elem_* or nested structs). */
void tw_list(struct twriter *w, int16_t id, int elem_type, size_t n);
void tw_elem_i32(struct twriter *w, int32_t v);
void tw_elem_binary(struct twriter *w, const void *p, size_t n);
/* A struct field (id > 0) or list element (id 0): begin ... end. */
void tw_struct_begin(struct twriter *w, int16_t id);
void tw_struct_end(struct twriter *w);
void tw_varint(struct buf *out, uint64_t v);

#endif
