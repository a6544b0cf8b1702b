/*
 * The token stream between `grist tokenize` and `grist shard` (docs/design.md section 3).
 *
 * Format, version 1. Every integer is little-endian; nothing is padded or aligned.
 *
 *   Header (40 bytes + name):
 *     off  size  field
 *       0     8  magic, the ASCII bytes "GRISTTOK"
 *       8     4  u32 version = 1
 *      12     4  u32 flags: bit 0 (TOKSTREAM_F_MASK) = every document carries a loss mask;
 *                all other bits are zero in version 1 (a reader rejects unknown bits)
 *      16     4  u32 token width in bytes: 2 (u16 ids) or 4 (u32 ids). Writers use 2 when the
 *                vocabulary has at most 65536 ids, else 4.
 *      20     4  u32 vocab size: every id is < vocab size
 *      24     4  u32 end-of-text id, or 0xFFFFFFFF when the tokenizer has none
 *      28     4  u32 length N of the tokenizer name in bytes (at most 4096, no NUL bytes)
 *      32     8  u64 XXH3-64 (seed 0) of the tokenizer's vocabulary file, 0 if unknown
 *      40     N  tokenizer name (UTF-8; a name such as "gpt2" or the file's path as given)
 *
 *   Then one record per document, in input order:
 *       4  u32 length L of the record id in bytes (at most 1 MiB; 0xFFFFFFFF is reserved for
 *          the end marker)
 *       4  u32 token count T (documents never contain an end-of-text token: shard adds it)
 *       L  record id (the JSONL record's `id`, bytes as given)
 *     T*w  the ids, w = token width
 *       T  only with TOKSTREAM_F_MASK: one byte per token, 1 = counts for the loss, 0 = not
 *
 *   End marker (24 bytes), after the last document:
 *       4  u32 0xFFFFFFFF
 *       4  u32 0 (reserved)
 *       8  u64 number of documents in the stream
 *       8  u64 number of tokens in the stream
 *
 * A stream that ends without its end marker is truncated (a producer that died midway) and is an
 * error, as are counts in the marker that disagree with the documents read. After an end marker
 * another complete stream may follow with an identical header (so `cat a.tok b.tok` is a valid
 * stream); the reader checks the header and goes on.
 *
 * Library code: no printing, no exits. Errors come back as -1 with a message in a caller-supplied
 * struct buf that names the stream and the byte offset.
 */
#ifndef GRIST_TOKSTREAM_H
#define GRIST_TOKSTREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

#define TOKSTREAM_MAGIC "GRISTTOK"
#define TOKSTREAM_VERSION 1u
#define TOKSTREAM_HEADER_FIXED 40u
#define TOKSTREAM_F_MASK 1u
#define TOKSTREAM_NO_EOT 0xFFFFFFFFu
#define TOKSTREAM_END 0xFFFFFFFFu
#define TOKSTREAM_MAX_NAME 4096u
#define TOKSTREAM_MAX_ID (1u << 20)

struct tokstream_header {
	uint32_t version;
	uint32_t flags;
	uint32_t token_width; /* 2 or 4 */
	uint32_t vocab_size;
	uint32_t eot_id;      /* TOKSTREAM_NO_EOT when none */
	uint64_t tokenizer_hash;
	char *tokenizer_name; /* NUL-terminated, owned by the header */
};

/* Token width a writer should use for a vocabulary of this size. */
static inline uint32_t tokstream_width_for(uint32_t vocab_size)
{
	return vocab_size <= 65536u ? 2u : 4u;
}

/* Fill h (name copied); width from the vocab size; flags as given. */
void tokstream_header_init(struct tokstream_header *h, const char *tokenizer_name,
			   uint64_t tokenizer_hash, uint32_t vocab_size, uint32_t eot_id,
			   uint32_t flags);
void tokstream_header_release(struct tokstream_header *h);
void tokstream_header_copy(struct tokstream_header *dst, const struct tokstream_header *src);

/* XXH3-64 of a whole file (for the header's tokenizer hash). -1 with a message on error. */
int tokstream_hash_file(const char *path, uint64_t *hash, struct buf *err);

/* ---- writing ---- */

/* A byte sink: write all n bytes or return -1 with a message in err. */
typedef int (*tokstream_write_fn)(void *ctx, const void *p, size_t n, struct buf *err);

/* Ready-made sinks. ctx is a struct output * (command layer: dies on a write error), a
 * struct buf * (appends; tests) or an int * holding a file descriptor. */
int tokstream_sink_output(void *ctx, const void *p, size_t n, struct buf *err);
int tokstream_sink_buf(void *ctx, const void *p, size_t n, struct buf *err);
int tokstream_sink_fd(void *ctx, const void *p, size_t n, struct buf *err);

struct tokstream_writer {
	tokstream_write_fn write;
	void *ctx;
	struct tokstream_header h;
	uint64_t docs, tokens;
	struct buf scratch; /* one document's record, assembled before one write */
	int finished;
};

/* Validates h and writes the header. */
int tokstream_writer_init(struct tokstream_writer *w, const struct tokstream_header *h,
			  tokstream_write_fn write, void *ctx, struct buf *err);
/*
 * One document: ids[0..n) (each < vocab size, else -1 naming the document) and, exactly when the
 * header has TOKSTREAM_F_MASK, mask[0..n) of 0/1 bytes (NULL otherwise).
 */
int tokstream_write_doc(struct tokstream_writer *w, const char *id, size_t id_len,
			const uint32_t *ids, size_t n, const uint8_t *mask, struct buf *err);
/* Writes the end marker. Without it the stream reads as truncated. */
int tokstream_writer_finish(struct tokstream_writer *w, struct buf *err);
void tokstream_writer_release(struct tokstream_writer *w);

/* ---- reading ---- */

/* A byte source: returns bytes read (> 0), 0 at end of input, -1 on error with errno set. */
typedef ssize_t (*tokstream_read_fn)(void *ctx, void *p, size_t n);

/* Ready-made sources: ctx is an int * holding a file descriptor, or a struct tokstream_mem *. */
ssize_t tokstream_source_fd(void *ctx, void *p, size_t n);
struct tokstream_mem {
	const char *p;
	size_t len, pos;
};
ssize_t tokstream_source_mem(void *ctx, void *p, size_t n);

struct tokstream_doc {
	const char *id;      /* not NUL-terminated inside the stream; see id_len (a NUL follows) */
	size_t id_len;
	size_t ntokens;
	const uint32_t *ids; /* ntokens ids, widened to u32 (NULL when the reader has raw_only set) */
	const void *raw;     /* the same ids as stored: ntokens * token_width little-endian bytes */
	const uint8_t *mask; /* ntokens bytes, or NULL without TOKSTREAM_F_MASK */
	uint32_t max_id;     /* largest id in the document (0 when empty) */
	uint64_t index;      /* 0-based document number in the stream */
	uint64_t offset;     /* byte offset of the document's record in the stream */
};

struct tokstream_reader {
	tokstream_read_fn read;
	void *ctx;
	char *name; /* for messages */
	struct tokstream_header h;
	char *buf;
	size_t pos, len, cap; /* unread bytes are buf[pos..len) */
	uint64_t buf_offset;  /* stream offset of buf[0] */
	uint32_t *ids;
	size_t ids_alloc;
	char *id;
	size_t id_alloc;
	uint64_t docs, tokens;     /* totals over the whole input */
	uint64_t seg_docs, seg_tokens; /* since the current header (checked against the marker) */
	int done;
	int external; /* buf is the caller's memory (tokstream_reader_open_mem) */
	int raw_only; /* set after opening to skip widening ids to u32 (doc->ids is then NULL) */
};

/* Reads and checks the header. name is used in messages ("-" or a path). */
int tokstream_reader_open(struct tokstream_reader *r, tokstream_read_fn read, void *ctx,
			  const char *name, struct buf *err);
/* Read a stream held in memory (e.g. an mmap'd file) without copying it; p must stay valid. */
int tokstream_reader_open_mem(struct tokstream_reader *r, const void *p, size_t len,
			      const char *name, struct buf *err);
/*
 * Next document: 1 with *doc filled (pointers valid until the next call), 0 at the end of the
 * stream (end marker seen and checked, end of input), -1 on an error (truncated stream, bad
 * magic, an id >= vocab size, a read error, ...) with a message naming the byte offset.
 */
int tokstream_reader_next(struct tokstream_reader *r, struct tokstream_doc *doc, struct buf *err);
void tokstream_reader_release(struct tokstream_reader *r);

#endif
