/*
 * JSON for the record hot path.
 *
 * Validation is simdjson's (full RFC 8259 check: structure, strings, escapes, numbers,
 * literals, UTF-8), behind a thin C wrapper (lib/json_validate.cpp); docs/json-libraries.md
 * has the measurements behind the choice. On a failure, jansson re-parses the line to give a
 * human reason and the byte offset (the slow path runs only for bad lines).
 *
 * Once a line is known to be valid, json_object_next() walks its top-level members by hand:
 * on valid JSON this is a few lines of scanning, and it yields the raw byte ranges that let a
 * stage splice one field and pass every other field through byte-for-byte.
 */
#ifndef GRIST_JSON_H
#define GRIST_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Bytes that must be readable (any content) after the end of a line given to json_validate. */
#define JSON_PADDING 64
/* Nesting deeper than this is an invalid line, not a stack overflow. */
#define JSON_MAX_DEPTH 1000

struct json_validator;
struct json_validator *json_validator_new(void);
void json_validator_free(struct json_validator *v);

/*
 * Check that line[0..len) is one valid JSON object, as records are (JSON_PADDING readable
 * bytes must follow it). Numbers are checked against the JSON grammar only, so valid numbers
 * of any size pass.
 * Returns 0 if valid, else -1 with a reason in `reason` and the byte offset of the error
 * (0-based, within the line) in *offset.
 */
int json_validate(struct json_validator *v, const char *line, size_t len, struct buf *reason,
		  size_t *offset);

/*
 * The simdjson kernel validation runs (stage 1 and string unescaping), chosen at run time by
 * libsimdjson from the CPU: "icelake", "haswell", "westmere" or "fallback".
 * json_validate_use_kernel() is for tests: it switches validators created afterwards to the
 * named kernel (process-wide, not thread-safe) and returns -1 if this CPU cannot run it.
 */
const char *json_validate_kernel(void);
int json_validate_use_kernel(const char *name);

enum jval_type { JV_STRING, JV_NUMBER, JV_OBJECT, JV_ARRAY, JV_TRUE, JV_FALSE, JV_NULL };

struct json_member {
	const char *key; /* raw key bytes between the quotes (may contain escapes) */
	size_t key_len;
	const char *val; /* raw value bytes; for a string, including its quotes */
	size_t val_len;
	enum jval_type type;
};

/*
 * Iterate the members of the top-level object of a *validated* line. Start with *pos = 0.
 * Returns 1 and fills m, or 0 after the last member (or if the value is not an object).
 */
int json_object_next(const char *line, size_t len, size_t *pos, struct json_member *m);
/*
 * Iterate the elements of the array s[0..len) (validated JSON; s starts at the '[', leading
 * whitespace allowed). Start with *pos = 0. Returns 1 and fills m (key NULL), or 0 after the
 * last element (or if the value is not an array).
 */
int json_array_next(const char *s, size_t len, size_t *pos, struct json_member *m);
/* Does a raw key equal `name` (decoding escapes in the key if it has any)? */
int json_key_equals(const struct json_member *m, const char *name);

/*
 * Decode the body of a JSON string (raw bytes between the quotes, from a validated line) into
 * UTF-8, appending to out. \u0000 becomes a NUL byte. Lone surrogates become U+FFFD.
 */
void json_string_decode(struct buf *out, const char *raw, size_t n);
/* Length json_string_decode would produce, without producing it. */
size_t json_string_decoded_len(const char *raw, size_t n);

/*
 * Append s[0..n) as a quoted JSON string. s must be valid UTF-8 (see utf8_repair in lib/utf8.h); control
 * characters, quote and backslash are escaped, NUL as \u0000; everything else is copied.
 */
void json_string_encode(struct buf *out, const char *s, size_t n);
/* The same for any bytes: invalid UTF-8 is replaced by U+FFFD per maximal ill-formed subpart,
 * as utf8_repair does, in the same pass (equal to utf8_repair then json_string_encode). */
void json_string_encode_repair(struct buf *out, const char *s, size_t n);

#endif
