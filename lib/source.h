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
};

/* Open a file, or stdin for "-". name NULL means use the path (or "stdin"). */
int source_open_file(struct source *s, const char *path, struct buf *err);
ssize_t source_read(struct source *s, void *buf, size_t n, struct buf *err);
/* Read everything that is left, up to limit bytes (-1 with a message beyond it). */
int source_read_all(struct source *s, struct buf *out, uint64_t limit, struct buf *err);
void source_close(struct source *s);
/* The whole file at path (not stdin) appended to out, up to limit bytes: the one way a stage
 * reads a small file whole (vocabularies, index files). -1 with a message naming the file. */
int source_read_file(const char *path, struct buf *out, uint64_t limit, struct buf *err);

#endif
