/*
 * JSONL records: cutting a byte source into batches of whole lines, parsing a line into a
 * record, writing records back with one field changed or fields appended (everything else
 * byte-for-byte, in order), and the rejects file lines (docs/design.md section 2).
 *
 * Input rules: a UTF-8 BOM at the start of a source is skipped; "\r\n" line ends are accepted;
 * blank (whitespace-only) lines are ignored; lines may be of any length (a line is held whole
 * in memory; the decoded-text limit is --max-doc-bytes).
 */
#ifndef GRIST_RECORD_H
#define GRIST_RECORD_H

#include <stdint.h>

#include "buf.h"
#include "json.h"
#include "opts.h"
#include "source.h"
#include "stats.h"

/* A batch: whole lines from one source, plus what a worker made of them. */
struct batch {
	uint64_t seq;
	/* input, filled by batch_reader_next() */
	char *data;      /* whole lines; JSON_PADDING readable bytes after len */
	size_t len, cap;
	const char *source;  /* the source's name (valid while the batch is in flight) */
	uint64_t lineno0;    /* 1-based physical line number of data[0] */
	uint64_t offset0;    /* byte offset of data[0] in the source */
	int mode;            /* stage-defined: how to read the data (lines, whole file, ...) */
	/* output, filled by a worker */
	struct buf out;      /* records for the output stream */
	struct buf rejects;  /* lines for the rejects file */
	struct counts counts;
	struct buf warnings; /* "\n"-separated messages for stderr, printed (up to a limit) in order */
	struct buf fatal;    /* non-empty: the run must stop after this batch's output */
	int fatal_code;
	void *user;          /* stage-specific per-batch data */
	/* Per-source counts (lib/stats.h, with --stats): the current line's "source" value, set
	 * by stage_check_record, and the batch's table, filled by batch_each_line. */
	const char *line_src;
	size_t line_src_len;
	struct source_table *srcs;
};

void batch_clear(struct batch *b); /* empties outputs, keeps buffers */
void batch_release(struct batch *b);

/* Reads a source in batches of about `target` bytes of whole lines. */
struct batch_reader {
	struct source *src;
	size_t target;
	char *carry;           /* partial last line of the previous read */
	size_t carry_len, carry_cap;
	uint64_t lineno, offset;
	int started, eof;
	int failed;            /* a read error, reported after the whole lines before it */
	struct buf fail;
};

void batch_reader_init(struct batch_reader *r, struct source *src, size_t target);
void batch_reader_release(struct batch_reader *r);
/* 1: a batch was filled; 0: end of the source; -1: read error (message in err). After a read
 * error the whole lines read before it come first (1), then -1: a partial last line is dropped. */
int batch_reader_next(struct batch_reader *r, struct batch *b, struct buf *err);

/* One physical line of a batch, without its "\n" and a trailing "\r". */
struct line {
	const char *p;
	size_t len;
	uint64_t lineno;
	uint64_t offset; /* in the source */
};
struct line_iter {
	size_t pos;
	uint64_t lineno;
};
static inline void line_iter_init(struct line_iter *it, const struct batch *b)
{
	it->pos = 0;
	it->lineno = b->lineno0;
}
/* Next line of the batch; 0 at the end. Blank lines are returned too. */
int batch_next_line(const struct batch *b, struct line_iter *it, struct line *l);
int line_is_blank(const struct line *l);
/* A stage's step for one line of a batch: 0 to go on, < 0 to stop the batch (having recorded
 * why in it, e.g. with stage_fatal). */
typedef int (*batch_line_fn)(void *shared, void *thread_state, struct batch *b, const struct line *l);
/* Runs fn on every non-blank line of b in input order, stopping at the first that returns < 0:
 * the loop at the heart of every record stage's par_work_fn. Returns 0, or that value. */
int batch_each_line(struct batch *b, batch_line_fn fn, void *shared, void *thread_state);

enum text_status { TEXT_OK, TEXT_MISSING, TEXT_NULL, TEXT_NOT_STRING };

struct record {
	const char *line;      /* the JSON object, trimmed of surrounding whitespace */
	size_t len;
	enum text_status text_status;
	struct json_member text; /* valid unless TEXT_MISSING */
	int has_id;
	struct json_member id;
	int has_source;        /* a "source" member exists */
	struct json_member source; /* valid if has_source */
	int has_lang;          /* a "lang" member exists (clean's language) */
	struct json_member lang;
};

/*
 * Validate a line and locate the text and id fields (names from opts). Returns 0, or -1 when
 * the line is not a valid JSON object (reason and byte offset set).
 */
int record_parse(struct json_validator *v, const struct line *l, const struct common_opts *o,
		 struct record *r, struct buf *reason, size_t *offset);
/* Append the decoded text (TEXT_OK only). */
void record_text(const struct record *r, struct buf *out);
/* Decoded text length (TEXT_OK only); cheap when the raw value is short. */
uint64_t record_text_len(const struct record *r, uint64_t limit);

/*
 * Append r's object to out, with `extra` (members such as ,"k":"v" including the leading
 * comma, or empty) added before the closing brace. No newline.
 */
void record_write(struct buf *out, const struct record *r, const char *extra, size_t extra_len);
/* Same, with the text field's value replaced by new_text (NULL/0 keeps it); a missing text
 * field is appended as the field named `text_field`. */
void record_write_text(struct buf *out, const struct record *r, const char *text_field,
		       const char *new_text, size_t new_len, const char *extra, size_t extra_len);

/*
 * Write r's object with fields set: the text value replaced by new_text (NULL keeps it), and each
 * fields[k].name given the JSON value fields[k].json — replaced in place where the record has
 * that member (every occurrence), appended otherwise. All other bytes pass through unchanged.
 * This is how a stage adds a field it owns (clean's `lang`) without creating duplicate keys.
 */
struct field_value {
	const char *name;
	const char *json;
};
void record_write_fields(struct buf *out, const struct record *r, const char *text_field,
			 const char *new_text, size_t new_len, const struct field_value *fields,
			 int nfields);

/* "SOURCE:N" as a JSON string (SOURCE repaired to UTF-8): the id of a record that has none
 * (docs/design.md section 2), and the "source" of a reject. */
void record_position_json(struct buf *out, const char *source, uint64_t n);

/*
 * One line of the rejects file (docs/design.md section 2), with its newline:
 *   {"stage":S,"rule":R,"value":V,"source":"file:line","record":{...}}    (record valid JSON)
 *   {"stage":S,"rule":R,"value":V,"source":"file:line","raw":"..."}        (line not JSON)
 * value_json is a JSON value (number, string, ...) or NULL for none; extra_json is further
 * members (",\"duplicate_of\":\"x\"") or NULL. A raw line with invalid UTF-8 gets U+FFFD in
 * "raw" and the exact bytes in "raw_base64", so nothing is lost.
 */
void reject_write(struct buf *out, const char *stage, const char *rule, const char *value_json,
		  const char *source, uint64_t lineno, const char *rec, size_t rec_len, int is_raw,
		  const char *extra_json);

#endif
