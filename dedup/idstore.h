/*
 * Document ids for `duplicate_of`, kept out of RAM: appended to an unlinked temporary file
 * (in $TMPDIR, else /tmp), with only an 8-byte offset per document in memory. Looking an id up
 * is a pread (from the page cache, usually), and happens only for removed documents.
 */
#ifndef GRIST_DEDUP_IDSTORE_H
#define GRIST_DEDUP_IDSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

struct idstore {
	int fd;
	uint64_t *off; /* off[i] = start of id i; off[n] = end */
	size_t n, alloc;
	char *wbuf;
	size_t wlen;
	uint64_t flushed; /* bytes already in the file */
};

int idstore_init(struct idstore *s, struct buf *err);
/* Append id number s->n. */
int idstore_add(struct idstore *s, const char *id, size_t len, struct buf *err);
/* Replace out's contents with id i. */
int idstore_get(struct idstore *s, size_t i, struct buf *out, struct buf *err);
void idstore_release(struct idstore *s);
size_t idstore_bytes(const struct idstore *s);

#endif
