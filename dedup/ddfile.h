/*
 * Intermediate files of the sharded dedup (sign -> match -> cluster -> filter).
 *
 * Layout (little-endian):
 *   header, 64 bytes: "GRISTDD\0", u32 version (1), u32 kind, u32 task, u32 band,
 *                     u32 bands, u32 rows, u32 ngram, i32 char_ngrams, u32 verify_m,
 *                     u32 record size (0 = variable), u32 bucket cap, u32 exact,
 *                     u32 fold (dedup_norm.h bits), 4 bytes zero
 *   payload
 *   trailer, 32 bytes: "GRDDEND\0", u64 record count, u64 payload bytes,
 *                      u64 XXH3-64 of header + payload + the two u64 before it
 * A file cut short (a full disk, a killed task) has no valid trailer; a flipped byte fails the
 * checksum; either way ddfile_open() refuses it with a message naming the file. Writers go
 * through lib/atomic.h, so a half-written file never appears under its final name either.
 */
#ifndef GRIST_DEDUP_DDFILE_H
#define GRIST_DEDUP_DDFILE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/atomic.h"
#include "lib/buf.h"
#include "lib/mapfile.h"

#define DDFILE_MAGIC "GRISTDD"
#define DDFILE_VERSION 2 /* 2: the fold field (version 1 always folded everything) */
#define DDFILE_HEADER 64
#define DDFILE_TRAILER 32

enum ddfile_kind {
	DD_KIND_SIGS = 1,   /* per sign task: k bytes of b-bit signature per document */
	DD_KIND_BAND = 2,   /* per sign task and band: (u32 key, u32 doc) sorted */
	DD_KIND_IDS = 3,    /* per sign task: u64 offsets[count + 1], then the id bytes */
	DD_KIND_PAIRS = 4,  /* per band: (u32 task, u32 doc, u32 dup task, u32 dup doc) sorted */
	DD_KIND_REMOVE = 5, /* per sign task: (u32 doc, u32 id length, id bytes) sorted by doc */
};

struct ddfile_header {
	uint32_t kind, task, band, bands, rows, ngram, verify_m, rec_size, bucket_cap;
	uint32_t exact; /* 1: --exact (signature = the 16-byte XXH3-128, one band of 16 rows) */
	int32_t char_ngrams;
	uint32_t fold; /* DEDUP_FOLD_* bits the hashes were made with */
};

struct ddfile_writer {
	struct atomic_file af;
	void *xxh; /* XXH3 streaming state */
	char *buf;
	size_t len;
	uint64_t count, payload;
	int open;
};

int ddfile_create(struct ddfile_writer *w, const char *path, const struct ddfile_header *h,
		  struct buf *err);
int ddfile_write(struct ddfile_writer *w, const void *p, size_t n, struct buf *err);
/* Records are counted by the caller (count goes in the trailer). */
int ddfile_commit(struct ddfile_writer *w, uint64_t count, struct buf *err);
void ddfile_abort(struct ddfile_writer *w);

/* Complete w under its temporary name and hand it to `set` (lib/atomic.h): the command's outputs
 * are published together by atomic_set_commit(), all or none. */
int ddfile_close_into(struct ddfile_writer *w, uint64_t count, struct atomic_set *set,
		      struct buf *err);

struct ddfile {
	char *path;
	struct ddfile_header h;
	struct mapfile map;   /* the whole file, mapped (lib/mapfile.h: a file that shrinks while
			       * mapped is a read error naming it, exit 3) */
	size_t size;
	const uint8_t *payload;
	uint64_t payload_len, count;
};

/*
 * Map and check a file (trailer, checksum, kind). A message naming the file and -GRIST_EXIT_IO
 * when it cannot be opened or mapped, -1 when it is damaged or not of this kind. Mapped, not
 * read: `match` uses every task's signatures (112 B per document of the whole corpus) by random
 * access, more than memory may hold.
 */
int ddfile_open(struct ddfile *f, const char *path, uint32_t kind, struct buf *err);
void ddfile_close(struct ddfile *f);

/*
 * Check the payload's structure for its kind, beyond the checksum (which guards against damage,
 * not against a file built wrong): record sizes, the ids offset table, removal entries in
 * bounds and in increasing order. -1 with a message naming the file.
 */
int ddfile_check_payload(const struct ddfile *f, struct buf *err);

/* Same parameters (bands, rows, ngram, char_ngrams, verify_m)? -1 with a message if not. */
int ddfile_same_params(const struct ddfile *a, const struct ddfile_header *b, struct buf *err);

/* "<prefix>_<task>_<what>.dd" */
void ddfile_name(struct buf *out, const char *prefix, uint32_t task, const char *what);

#endif
