/*
 * Byte sources: where a stage's input bytes come from. A plain file or stdin reads with
 * read(2); other readers (archive members, decompressors) supply a read callback, so the line
 * and record code above never knows the difference.
 */
#ifndef GRIST_SOURCE_H
#define GRIST_SOURCE_H

#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

struct source {
	char *name;   /* as used in ids and messages: "dir/a.jsonl", "stdin", "x.tar!m.jsonl" */
	int fd;       /* used when read_fn is NULL */
	int close_fd; /* close fd in source_close */
	/* Returns bytes read (0 at end), or -1 with a message (naming the source) in err. */
	ssize_t (*read_fn)(struct source *s, void *buf, size_t n, struct buf *err);
	void (*close_fn)(struct source *s);
	void *ctx;
	int64_t size;      /* total bytes if known (for progress), else -1 */
	uint64_t consumed; /* bytes delivered so far */
	const char *codec; /* source_open_input: the outermost codec decoded ("gzip"), else NULL */
	/* Set with a failed read when the operating system failed (read(2): EIO, ...), here or in
	 * a source below: an I/O error (exit 3), not damaged content (exit 1). */
	int io_failed;
	int is_input;      /* a stage's input file: its reads count in source_input_bytes() */
};

/* The exit code for a failed read of s: GRIST_EXIT_IO when the system failed, else
 * GRIST_EXIT_DATA (damaged compressed data, a line over the limit, ...). */
int source_fail_exit(const struct source *s);

/* Open a file, or stdin for "-". name NULL means use the path (or "stdin"). */
int source_open_file(struct source *s, const char *path, struct buf *err);
ssize_t source_read(struct source *s, void *buf, size_t n, struct buf *err);
/* Read everything that is left, up to limit bytes (-1 with a message beyond it). */
int source_read_all(struct source *s, struct buf *out, uint64_t limit, struct buf *err);
void source_close(struct source *s);
/*
 * Progress: the bytes read so far, by every thread, from the files marked as a stage's inputs
 * (source_open_input marks the file it opens; a stage opening inputs itself calls
 * source_mark_input). These are the files' own bytes, compressed where the file is, so they
 * compare with the files' sizes; decoded bytes do not.
 */
void source_mark_input(struct source *s);
uint64_t source_input_bytes(void);
/* The whole file at path (not stdin) appended to out, up to limit bytes: the one way a stage
 * reads a small file whole (vocabularies, index files). -1 with a message naming the file. */
int source_read_file(const char *path, struct buf *out, uint64_t limit, struct buf *err);


/* lib/srcwrap.c: sources layered over other sources. */
/* A source that first returns prefix[0..n) and then the rest of `inner` (not owned). */
void source_init_prefixed(struct source *s, struct source *inner, const char *name,
			  const char *prefix, size_t n);
/* A source reading from memory (not copied: must outlive the source). */
void source_init_memory(struct source *s, const char *name, const char *p, size_t n);
/* 1 and the unread bytes if s is a memory source (so libarchive can seek in it), else 0. */
int source_memory_view(struct source *s, const char **p, size_t *n);
/* A source whose every read fails with msg (a read error put back behind a prefix). */
void source_init_failing(struct source *s, const char *name, const char *msg);
/*
 * A source whose reads of `inner` (not owned) run on a separate thread, chunk by chunk, so
 * decompression overlaps with parsing. inner must not be used by anyone else until this
 * source is closed (which stops and joins the thread).
 */
void source_init_readahead(struct source *s, struct source *inner, const char *name);
/*
 * The start of every source that reads through a callback (the layers above, decoders,
 * archive members): s zeroed, no descriptor, its own copy of name, reads from read_fn with
 * ctx, close_fn (may be NULL) to free ctx, size -1 when unknown.
 */
void source_init_fn(struct source *s, const char *name,
		    ssize_t (*read_fn)(struct source *s, void *buf, size_t n, struct buf *err),
		    void (*close_fn)(struct source *s), void *ctx, int64_t size);

/*
 * lib/decode.c: compressed streams, recognised by magic bytes (never by name) and decoded by
 * their own libraries. Concatenated streams are one stream, as the command-line tools read
 * them. Every byte decoded before damage (a truncation, a bad checksum) is delivered before
 * the error.
 */
enum codec { CODEC_NONE, CODEC_GZIP, CODEC_ZSTD, CODEC_XZ, CODEC_BZIP2, CODEC_LZ4 };
/*
 * What a stream's first bytes say it is: the one table of magic numbers in grist. The codecs
 * this file decodes come first, with enum codec's values; then the compressors and archives
 * only libarchive reads (ingest), then WARC and Parquet.
 */
enum magic {
	MAGIC_NONE,
	MAGIC_GZIP, MAGIC_ZSTD, MAGIC_XZ, MAGIC_BZIP2, MAGIC_LZ4,
	MAGIC_COMPRESS, MAGIC_LZMA,                             /* .Z, .lzma */
	MAGIC_TAR, MAGIC_ZIP, MAGIC_7Z, MAGIC_AR, MAGIC_CPIO,   /* archives */
	MAGIC_WARC, MAGIC_PARQUET,
};
/* What p[0..n) starts with (the first 512 bytes or more to see a tar), else MAGIC_NONE. */
enum magic magic_of(const void *p, size_t n);
/* "gzip", "tar", "WARC", ... ("none" for MAGIC_NONE). */
const char *magic_name(enum magic m);
/* The codec whose magic starts p[0..n) (n >= 6 to be sure), else CODEC_NONE. */
enum codec codec_of_magic(const void *p, size_t n);
const char *codec_name(enum codec c);
/* A source decoding `inner` (not owned) with codec c; errors name `name`. */
void source_init_decoder(struct source *s, struct source *inner, enum codec c, const char *name);
/* The bytes p[0..n) decode to with codec c, appended to out: 0, or -1 with a message naming
 * `name` when they are damaged or decode to more than limit bytes (out then holds a part). */
int decode_buffer(enum codec c, const char *name, const void *p, size_t n, uint64_t limit,
		  struct buf *out, struct buf *err);
/*
 * Open a file (or stdin for "-") and decode the compression layers found by magic (gzip, zstd,
 * xz, bzip2, lz4, nested up to 4 deep), on a read-ahead thread when `readahead` and the input
 * is compressed: the one way a record stage opens an input, so every stage reads what
 * `grist ingest` reads. s->codec names the outermost codec. -1 with a message when the file
 * cannot be opened or read.
 */
int source_open_input(struct source *s, const char *path, int readahead, struct buf *err);

#endif
