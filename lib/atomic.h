/*
 * Crash-safe output files (docs/design.md section 5, "Outputs"): write under a temporary name
 * beside the target, then flush, fsync and rename into place (and fsync the directory), so a
 * crash, a full disk or a kill never leaves a truncated file under the final name.
 *
 * What a name leads to decides how it is written:
 * - a regular file, or nothing yet: temporary `NAME.tmp.PID.XXXXXX` beside it, renamed over it;
 * - a symlink: followed (chains too); the temporary goes beside the resolved target and is
 *   renamed over the target, so the link stays and the target gets the new content;
 * - /dev/stdin|stdout|stderr, /dev/fd/N, /proc/self/fd/N (this process's descriptor N, also
 *   reached through links): written through a duplicate of descriptor N, so `2>>log` appends;
 * - anything else that is not a regular file (a device such as /dev/null, a FIFO, a terminal,
 *   other files under /proc): opened and written in place; never renamed over.
 * Temporary files still open when the process dies (die(), SIGINT, SIGTERM, SIGHUP, SIGPIPE,
 * SIGXFSZ) are removed; after SIGKILL a `NAME.tmp.PID.XXXXXX` may remain, never NAME itself, and the next
 * atomic_open() of NAME removes it once process PID no longer exists.
 */
#ifndef GRIST_ATOMIC_H
#define GRIST_ATOMIC_H

#include <stddef.h>

#include "buf.h"

struct atomic_file {
	char *path; /* final name (the resolved target when the name was a symlink) */
	char *tmp;  /* temporary name while open, NULL after commit/abort */
	int fd;
	int direct; /* the target is not a regular file (/dev/null, a FIFO, fd 2): written in place */
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

/*
 * A command's outputs, published together after all are complete (docs/design.md section 5):
 * each file is closed under its temporary name and handed to the set; atomic_set_commit()
 * renames them all. If a rename fails, the files already renamed are taken back (the files they
 * replaced, kept aside by a hard link, are put back) and the rest aborted: no output of a failed
 * command stands under a final name, and the previous run's outputs stay as they were.
 */
struct atomic_set {
	struct atomic_file *f;
	size_t n, alloc;
};
/* atomic_close() af and move it into the set (af is then empty). On failure af is removed. */
int atomic_set_add(struct atomic_set *set, struct atomic_file *af, struct buf *err);
/* A whole file as one member of the set. */
int atomic_set_add_data(struct atomic_set *set, const char *path, const void *p, size_t n,
			struct buf *err);
int atomic_set_commit(struct atomic_set *set, struct buf *err);
/* Remove every member not yet published and free the set. */
void atomic_set_abort(struct atomic_set *set);

/*
 * Refuse two outputs that lead to the same regular file (the second would replace the first):
 * -1 with "OPTION and OPTION name the same file PATH" in err. Names that are NULL or "-" are
 * skipped; devices, FIFOs and descriptors may repeat (/dev/null for several outputs is fine).
 */
struct atomic_name {
	const char *option; /* "-o", "--rejects", ... */
	const char *path;
};
int atomic_check_distinct(const struct atomic_name *names, size_t n, struct buf *err);

/* If `name` (a file name without directory) is a temporary `BASE.tmp.PID.XXXXXX` this module
 * makes, the PID and *base_len; else 0. */
long atomic_temp_pid(const char *name, size_t *base_len);

#endif
