/*
 * Read-only file mappings that fail like a read. A mapped file that shrinks while mapped
 * (another process truncates or rewrites it in place) makes every access beyond its new end a
 * SIGBUS, which would kill grist with a bare signal and leave its temporaries behind. Every
 * mapping made here is registered; a SIGBUS inside one is reported as an I/O error naming the
 * file and the byte ("grist dedup match: read error on d/p_0_sigs.dd at byte 4096: the file
 * shrank while it was being read (SIGBUS)"), temporaries are removed (lib/die.h cleanups) and
 * grist exits 3, as for any read error. A SIGBUS outside every registered mapping keeps its
 * default action.
 *
 * Used where a file is too large to read into memory or is used by random access (dedup's
 * intermediate files, shards for `shard inspect`); streams are read, never mapped.
 */
#ifndef GRIST_MAPFILE_H
#define GRIST_MAPFILE_H

#include <stddef.h>

#include "buf.h"

struct mapfile {
	const unsigned char *p; /* the file's bytes ("" when it is empty) */
	size_t len;
	void *slot; /* its registry entry (NULL for an empty file) */
};

/* Map the whole of path. -1 with a message naming the file when it cannot be opened or mapped. */
int mapfile_open(struct mapfile *m, const char *path, struct buf *err);
/* Map the whole of an open regular file (fd stays the caller's); path names it in messages. */
int mapfile_fd(struct mapfile *m, int fd, const char *path, struct buf *err);
void mapfile_close(struct mapfile *m);

#endif
