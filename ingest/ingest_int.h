/*
 * Internals shared by the files of the ingest stage (not a library interface).
 *
 * The main thread walks the inputs and decodes them (files, libarchive containers and
 * filters, WARC) into batches; worker threads (lib/parallel.h) turn batches into JSONL
 * records. A batch holds either whole lines (JSONL, text split by lines), one whole text or
 * HTML document, or a list of documents in the doc format (ingest_doc.h: WARC records,
 * WebDataset samples) that carry their metadata with them.
 */
#ifndef GRIST_INGEST_INT_H
#define GRIST_INGEST_INT_H

#include <stdint.h>

#include "lib/buf.h"
#include "lib/opts.h"
#include "lib/parallel.h"
#include "lib/record.h"
#include "lib/source.h"
#include "lib/stage.h"

/* Leaf content formats (what a file or member holds once decompressed and unpacked). */
enum ingest_format { FMT_AUTO, FMT_JSONL, FMT_TEXT, FMT_HTML, FMT_WARC };
/* Container choice for the top-level inputs (--format tar, ...). */
enum ingest_container {
	CONT_AUTO, CONT_TAR, CONT_ZIP, CONT_7Z, CONT_CPIO, CONT_AR, CONT_RAW, CONT_WDS
};

enum batch_mode {
	MODE_NONE = 0,     /* nothing to do (a batch that only carries a fatal error) */
	MODE_JSONL,
	MODE_TEXT_LINES,
	MODE_TEXT_WHOLE,
	MODE_HTML_WHOLE,
	MODE_DOCS,         /* ingest_doc records */
	MODE_REJECT_ONLY,  /* counts and rejects were filled by the reader */
	MODE_PARQUET,      /* a Parquet row group's column chunks (parquet/pq_ingest.c) */
	MODE_JSON_ARRAY,   /* elements of a JSON array file (ingest/json_array.c) */
};

/* WARC record types selected with --warc-types. */
enum {
	WARC_T_CONVERSION = 1 << 0,
	WARC_T_RESOURCE = 1 << 1,
	WARC_T_RESPONSE = 1 << 2,
	WARC_T_REQUEST = 1 << 3,
	WARC_T_METADATA = 1 << 4,
	WARC_T_WARCINFO = 1 << 5,
	WARC_T_REVISIT = 1 << 6,
	WARC_T_OTHER = 1 << 7,
};

/* Per top-level input figures for --stats. */
struct ingest_input {
	char *path;
	struct counts c;
	int error; /* an error stopped this input (with --keep-going) */
};

enum { HTML_MAIN, HTML_TEXT, HTML_RAW };

/* What a damaged input (a read error, damaged compressed data, a broken archive) does. */
enum ingest_on_damage {
	ON_DAMAGE_NEXT_INPUT, /* default: warn, go on with the next input, exit 1 at the end */
	ON_DAMAGE_FAIL_FAST,  /* --fail-fast: stop at the first */
	ON_DAMAGE_KEEP_GOING, /* --keep-going: also skip a damaged Parquet row group and go on
			       * within the file (parquet/pq_ingest.c) */
};

struct ingest {
	struct common_opts co;
	enum ingest_format format;
	enum ingest_container container;
	int split_lines;
	int html_mode;      /* HTML_MAIN (default), HTML_TEXT, HTML_RAW: --html */
	int chat;           /* --chat: records become canonical chat records (ingest_chat.c) */
	enum ingest_on_damage on_damage; /* after a damaged input: --fail-fast, --keep-going */
	const char *columns; /* --columns: Parquet projection (NULL: all) */
	const char *files_from; /* --files-from */
	int readahead;      /* decode compressed streams on their own thread */
	unsigned warc_types;
	uint64_t warc_status[16]; /* --warc-status: bit k set = HTTP status k selected (0..1023) */
	size_t batch_bytes;
	struct par *par;
	struct stage_run run;
	char **names;       /* source names, alive until the end of the run */
	size_t nnames, names_alloc;
	struct ingest_input *inputs;
	size_t ninputs, inputs_alloc;
	size_t cur_input;
	int failed;         /* exit code for inputs that failed under --keep-going */
	int stop;           /* a fatal error was queued: read nothing more */
	/* member names waiting to be freed (ingest_retire_name) */
	struct retired_name {
		char *name;
		uint64_t seq; /* batches submitted when it was retired */
	} *retired;
	size_t nretired, retired_head, retired_alloc;
	uint64_t submitted, emitted;
	/* -j N over several inputs (ingest/lanes.c): set in each decoder's copy. */
	struct lane *lane;
	struct lanes *lanes;
	void *lane_thread;
};

/* Rule names (static storage: counts compare pointers first). */
extern const char *const ingest_rule_too_big;
extern const char *const ingest_rule_empty_file;
extern const char *const ingest_rule_binary;

/* Keep a name alive until the end of the run; returns the kept copy. */
const char *ingest_keep_name(struct ingest *in, const char *name);
/* A copy of a member's name for its batches; give it back with ingest_retire_name once every
 * batch naming it is submitted (it is freed after they are emitted). */
const char *ingest_member_name(struct ingest *in, const char *name);
void ingest_retire_name(struct ingest *in, const char *name);
/* Free every kept and retired name (the run is over). */
void ingest_release_names(struct ingest *in);
/*
 * Report an error that ends the current input: under --keep-going a warning (the run goes on
 * and exits with `code` at the end); else a fatal batch, emitted after everything read so far.
 * Returns -1 for the caller to pass up.
 */
int ingest_fail(struct ingest *in, int code, const char *msg);
/* A free batch, tagged with the current input (for per-input stats); hand it over with
 * ingest_submit (worked and emitted in order) or give it back unused. */
struct batch *ingest_get_batch(struct ingest *in);
void ingest_submit(struct ingest *in, struct batch *b);
void ingest_return_batch(struct ingest *in, struct batch *b);
/* Open a top-level input (file, or "-") and read it: the per-input entry point. */
void ingest_open_input(struct ingest *in, const char *path);

/* ingest/lanes.c: several inputs decoded in parallel, emitted in input order. */
struct batch *lane_get_batch(struct ingest *in);
void lane_submit(struct ingest *in, struct batch *b);
void lane_return_batch(struct ingest *in, struct batch *b);
void ingest_lanes_run(struct ingest *in, char **paths, size_t npaths, int jobs,
		      void (*emit)(void *shared, struct batch *b));
/* A batch with only counts/rejects/warnings, filled by the caller, submitted in order. */
struct batch *ingest_reject_batch(struct ingest *in, const char *source);

/*
 * Read one byte stream (a file, a member, a decompressed stream) by its content: containers
 * and filters through libarchive, WARC, else a leaf format. `name` is used in ids and
 * messages; `path` is a filesystem path when the stream is a whole regular file (libarchive
 * then opens it itself, with seeking for zip and 7z), else NULL. `hint` is the name whose
 * extension suggests the format. Returns 0, or -1 after ingest_fail.
 */
int ingest_stream(struct ingest *in, struct source *src, const char *name, const char *path,
		  const char *hint, int depth);
/* Magic numbers (lib/source.h magic_of): a compressed stream or an archive, what libarchive
 * can open; an archive or a compressor only libarchive reads (not lib/decode.c). */
static inline int ingest_magic_container(enum magic m)
{
	return m >= MAGIC_GZIP && m <= MAGIC_CPIO;
}
static inline int ingest_magic_libarchive_only(enum magic m)
{
	return m >= MAGIC_COMPRESS && m <= MAGIC_CPIO;
}
/* ingest/ingest_work.c: the worker side (batches -> records) and per-thread state. */
void *ingest_thread_new(void *shared);
void ingest_thread_free(void *state);
void ingest_work(void *shared, void *thread_state, struct batch *b);

/* ingest/archive.c: a libarchive container or compressed stream. */
int ingest_archive(struct ingest *in, struct source *src, const char *name, const char *path,
		   enum ingest_container force, int depth);
/* ingest/json_array.c: a stream whose top level is a JSON array, one record per element. */
int ingest_json_array(struct ingest *in, struct source *src, const char *name);
/* Next element of a MODE_JSON_ARRAY batch at *pos (start at 0) as a line: its bytes, its
 * number (1-based) as lineno and its byte offset in the stream; 0 at the end. */
int ingest_json_array_next(const struct batch *b, size_t *pos, struct line *l);
/* Does a stream starting with p[0..n) hold a JSON array? First non-blank byte '['; when
 * strict (nothing but the content says JSON), the next non-blank byte must be '{' or ']'. */
int ingest_json_array_head(const char *p, size_t n, int strict);

/* ingest/ingest_chat.c: --chat, per worker thread. */
struct ingest_chat;
struct ingest_chat *ingest_chat_new(const struct common_opts *o);
void ingest_chat_free(struct ingest_chat *c);
/* One JSONL line or array element -> a chat record in b->out, or a counted reject; -1 stops
 * the batch (a strict --on-invalid). */
int ingest_chat_line(struct ingest_chat *c, struct record_check *check, struct batch *b,
		     const struct line *l);
extern const char *const ingest_rule_layout;

/* ingest/warc.c: a WARC stream (already decompressed). */
int ingest_warc(struct ingest *in, struct source *src, const char *name);

/* parquet/pq_ingest.c: a Parquet file (path set when it is a regular file), and its batches. */
int ingest_parquet(struct ingest *in, struct source *src, const char *name, const char *path);
void ingest_parquet_work(struct ingest *in, void *thread_state, struct batch *b);
/* --chat on a record the worker wrote at b->out[start..] (a Parquet row, number `row`): it is
 * taken back and converted like a JSONL line (ingest_chat_line). Returns 0, or -1 (stop). */
int ingest_chat_row(void *thread_state, struct batch *b, size_t start, uint64_t row);

/* Layered sources (prefixed, memory, read-ahead) and decoders: lib/source.h. */

/* ingest/walk.c: expand directories (recursively, sorted by byte order) and --files-from. */
struct path_list {
	char **v;
	size_t n, alloc;
};
/* Appends the files under `path` (or `path` itself when not a directory); -1 with a message. */
int walk_path(struct path_list *l, const char *path, struct buf *err);
/* Reads newline-separated paths ("-" for stdin); -1 with a message. */
int walk_files_from(struct path_list *l, const char *list, struct buf *err);
void path_list_release(struct path_list *l);

/* ingest/names.c */
/* Append name with invalid UTF-8 bytes escaped as \xNN; returns how many were escaped. */
size_t ingest_escape_name(struct buf *out, const char *name, size_t n);
/* The extension (after the last dot of the basename) with compression suffixes removed:
 * "a/b.jsonl.gz" -> "jsonl". Written into out (lowercase). */
void ingest_inner_ext(const char *name, char *out, size_t outsz);
/* The leaf format an extension names, or FMT_AUTO. */
enum ingest_format ingest_format_by_ext(const char *ext);

#endif
