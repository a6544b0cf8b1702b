/*
 * Fuzz target: dedup's intermediate-file reader (dedup/ddfile.h) on arbitrary bytes.
 *
 * The input is written to a temporary file and opened as every kind. Inputs whose first byte
 * is odd get a correct trailer (length and checksum recomputed) first, so the fuzzer also
 * reaches the structural checks behind the checksum. A file that opens must satisfy what the
 * consumers rely on: records inside the payload, id offsets in range, removal entries inside the
 * payload and increasing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "dedup/ddfile.h"
#include "lib/le.h"

#define FUZZ_ASSERT(c)                                                                    \
	do {                                                                              \
		if (!(c)) {                                                               \
			fprintf(stderr, "fuzz_ddfile: assertion failed: %s (line %d)\n", #c, \
				__LINE__);                                                \
			abort();                                                          \
		}                                                                         \
	} while (0)

static char path[64];

static void check_open(const struct ddfile *f, size_t size)
{
	FUZZ_ASSERT(f->payload_len + DDFILE_HEADER + DDFILE_TRAILER == size);
	if (f->h.rec_size)
		FUZZ_ASSERT(f->count * f->h.rec_size == f->payload_len);
	if (f->h.kind == DD_KIND_IDS) {
		const uint8_t *offs = f->payload + f->payload_len - 8 * (f->count + 1);
		for (uint64_t i = 0; i < f->count; i++) {
			uint64_t a = le_get64(offs + 8 * i), b = le_get64(offs + 8 * (i + 1));
			FUZZ_ASSERT(a <= b && f->payload + b <= offs);
		}
	}
	if (f->h.kind == DD_KIND_REMOVE) {
		uint64_t pos = 8, n = 0;
		while (pos < f->payload_len) {
			pos += 8 + le_get32(f->payload + pos + 4);
			n++;
		}
		FUZZ_ASSERT(pos == f->payload_len && n == f->count);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/grist-fuzz-ddfile.%d", (int)getpid());
	}
	uint8_t *copy = malloc(size + 1);
	memcpy(copy, data, size);
	if (size >= DDFILE_HEADER + DDFILE_TRAILER && (data[0] & 1)) {
		uint8_t *tr = copy + size - DDFILE_TRAILER;
		memcpy(copy, DDFILE_MAGIC, 8);
		memcpy(tr, "GRDDEND", 8);
		le_put64(tr + 16, size - DDFILE_HEADER - DDFILE_TRAILER);
		XXH3_state_t *s = XXH3_createState();
		XXH3_64bits_reset(s);
		XXH3_64bits_update(s, copy, size - DDFILE_TRAILER);
		XXH3_64bits_update(s, tr + 8, 16);
		le_put64(tr + 24, XXH3_64bits_digest(s));
		XXH3_freeState(s);
	}
	FILE *fp = fopen(path, "wb");
	if (!fp)
		abort();
	fwrite(copy, 1, size, fp);
	fclose(fp);
	for (uint32_t kind = DD_KIND_SIGS; kind <= DD_KIND_REMOVE; kind++) {
		struct ddfile f;
		struct buf err = BUF_INIT;
		if (ddfile_open(&f, path, kind, &err) == 0) {
			check_open(&f, size);
			ddfile_close(&f);
		} else {
			FUZZ_ASSERT(err.len > 0 && strstr(err.data, path));
		}
		buf_release(&err);
	}
	unlink(path);
	free(copy);
	return 0;
}
