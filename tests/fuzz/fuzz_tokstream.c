/*
 * Fuzz target: the token stream reader (lib/tokstream.h) on arbitrary bytes.
 *
 * Reads the input twice, in place from memory and through a byte source that hands out
 * 1..7 bytes at a time, and checks that both readers agree document by document and on the
 * outcome; that every error names a byte offset inside the input; that ids are below the vocab
 * size and masks 0/1; and that a stream read without error, written back with the writer, gives
 * the input byte for byte (for a single, unconcatenated stream).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/tokstream.h"

#define FUZZ_ASSERT(c)                                                                      \
	do {                                                                                \
		if (!(c)) {                                                                 \
			fprintf(stderr, "fuzz_tokstream: assertion failed: %s (line %d)\n", #c, \
				__LINE__);                                                  \
			abort();                                                            \
		}                                                                           \
	} while (0)

struct chunky {
	struct tokstream_mem m;
	unsigned step;
};

static ssize_t chunky_read(void *ctx, void *p, size_t n)
{
	struct chunky *c = ctx;
	c->step = c->step * 1103515245u + 12345u;
	size_t k = 1 + (c->step >> 16) % 7;
	return tokstream_source_mem(&c->m, p, n < k ? n : k);
}

static void check_error(const struct buf *err, size_t size)
{
	const char *at = strstr(err->data, " at byte ");
	FUZZ_ASSERT(at != NULL);
	unsigned long long off = strtoull(at + 9, NULL, 10);
	FUZZ_ASSERT(off <= size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tokstream_reader a, b;
	struct buf ea = BUF_INIT, eb = BUF_INIT, out = BUF_INIT;
	struct chunky c = { { (const char *)data, size, 0 }, (unsigned)size };
	int ra = tokstream_reader_open_mem(&a, data, size, "a", &ea);
	int rb = tokstream_reader_open(&b, chunky_read, &c, "b", &eb);
	FUZZ_ASSERT(ra == rb);
	struct tokstream_writer w;
	int writing = 0;
	if (ra == 0) {
		FUZZ_ASSERT(a.h.token_width == 2 || a.h.token_width == 4);
		writing = tokstream_writer_init(&w, &a.h, tokstream_sink_buf, &out, &ea) == 0;
		FUZZ_ASSERT(writing);
		struct tokstream_doc da, db;
		for (;;) {
			ra = tokstream_reader_next(&a, &da, &ea);
			rb = tokstream_reader_next(&b, &db, &eb);
			FUZZ_ASSERT(ra == rb);
			if (ra != 1)
				break;
			FUZZ_ASSERT(da.ntokens == db.ntokens && da.id_len == db.id_len);
			FUZZ_ASSERT(da.offset == db.offset && da.index == db.index);
			FUZZ_ASSERT(!memcmp(da.id, db.id, da.id_len));
			FUZZ_ASSERT(!memcmp(da.ids, db.ids, da.ntokens * sizeof(*da.ids)));
			FUZZ_ASSERT((const uint8_t *)da.raw + da.ntokens * a.h.token_width <= data + size);
			for (size_t i = 0; i < da.ntokens; i++) {
				FUZZ_ASSERT(da.ids[i] < a.h.vocab_size);
				FUZZ_ASSERT(!da.mask || da.mask[i] <= 1);
			}
			FUZZ_ASSERT(tokstream_write_doc(&w, da.id, da.id_len, da.ids, da.ntokens, da.mask,
							&ea) == 0);
		}
	}
	if (ra < 0) {
		check_error(&ea, size);
		check_error(&eb, size);
	} else if (a.docs == a.seg_docs) {
		/* One stream, read cleanly: the writer reproduces it exactly. */
		FUZZ_ASSERT(tokstream_writer_finish(&w, &ea) == 0);
		FUZZ_ASSERT(out.len == size && !memcmp(out.data, data, size));
	}
	if (writing)
		tokstream_writer_release(&w);
	tokstream_reader_release(&a);
	tokstream_reader_release(&b);
	buf_release(&ea);
	buf_release(&eb);
	buf_release(&out);
	return 0;
}
