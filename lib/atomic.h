/*
 * Crash-safe output files: write under a temporary name in the same directory, then flush,
 * fsync and rename into place (and fsync the directory), so a crash, a full disk or a kill
 * never leaves a truncated file under the final name. Temporary files still open when the
 * process dies (die(), SIGINT, SIGTERM, SIGHUP) are removed; after SIGKILL a `NAME.tmp.XXXXXX`
 * may remain, never NAME itself. A target that exists and is not a regular file (/dev/null, a
 * FIFO, a terminal) is written in place: renaming over it would replace the device.
 */
#ifndef GRIST_ATOMIC_H
#define GRIST_ATOMIC_H

#include "buf.h"

struct atomic_file {
	char *path; /* final name */
	char *tmp;  /* temporary name while open, NULL after commit/abort */
	int fd;
	int direct; /* the target is not a regular file (/dev/null, a FIFO): written in place */
};

/* 0 on success; -1 with a message in err (which names the path). */
int atomic_open(struct atomic_file *af, const char *path, struct buf *err);
/* Write all of p; -1 with a message in err on failure (the file stays open: abort it). */
int atomic_write(struct atomic_file *af, const void *p, size_t n, struct buf *err);
/* fsync, close, rename to the final name, fsync the directory. On failure the temp is removed.
 * Also accepts a file already closed by atomic_close(). */
int atomic_commit(struct atomic_file *af, struct buf *err);
/* fsync and close, keeping the temporary name (still removed on die() or a fatal signal) until
 * atomic_commit() renames it or atomic_abort() removes it: a set of files can then appear under
 * their final names together, after all of them are complete. On failure the temp is removed. */
int atomic_close(struct atomic_file *af, struct buf *err);
/* Close and remove the temporary file. Safe to call twice. */
void atomic_abort(struct atomic_file *af);

/* Write a whole file atomically. */
int atomic_write_file(const char *path, const void *p, size_t n, struct buf *err);

#endif
