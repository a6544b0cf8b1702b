/*
 * Buffered record output to stdout or to a file (-o FILE, written atomically). A file named
 * *.zst or *.gz is compressed on the way (zstd level 3 / gzip level 6), so intermediate JSONL
 * need not sit uncompressed on disk.
 *
 * This module belongs to the command layer: a write error (a full disk, /dev/full) is fatal
 * and dies with the file name, like git's write_or_die(); a closed pipe (`| head`) ends the
 * process quietly with SIGPIPE, as `cat` does. The dispatcher finishes stdout after every
 * command (output_finish_stdout), so a command cannot forget to check it.
 */
#ifndef GRIST_OUTPUT_H
#define GRIST_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "atomic.h"

struct output {
	int fd;
	int is_file;   /* written through atomic_file */
	char *name;    /* for messages */
	char *buf;
	size_t len, cap;
	uint64_t bytes; /* total bytes accepted */
	struct atomic_file af;
	int codec;     /* 0 none, else OUTPUT_ZSTD / OUTPUT_GZIP */
	void *cstream; /* the compressor's state */
	char *cbuf;    /* compressed bytes on their way to fd */
	size_t ccap;
};

enum { OUTPUT_ZSTD = 1, OUTPUT_GZIP = 2, OUTPUT_PARQUET = 3 };

/* path NULL or "-" means stdout. Dies if the file cannot be created. */
void output_open(struct output *o, const char *path);
void output_write(struct output *o, const void *p, size_t n);
void output_flush(struct output *o);
/* Flush and, for a file, commit it under its final name. */
void output_close(struct output *o);
/* Flush and, for a file, close it under its temporary name into `set`, to be published with the
 * command's other outputs (lib/atomic.h). Standard output is flushed only. */
void output_close_into(struct output *o, struct atomic_set *set);

static inline void output_putc(struct output *o, char c)
{
	if (o->len == o->cap)
		output_flush(o);
	o->buf[o->len++] = c;
	o->bytes++;
}

/* For files named *.parquet (parquet/pq_write.h): row group bytes (0: keep) and a --schema
 * file (NULL: keep). Set by the common options before outputs are opened. */
void output_parquet_options(uint64_t row_group_bytes, const char *schema_path);
/* For files named *.parquet: the zstd level of the pages (0: the writer's default). */
void output_parquet_level(int level);

/* The shared stdout output. */
struct output *output_stdout(void);
/* Called by the dispatcher after a command returns. */
void output_finish_stdout(void);

#endif
