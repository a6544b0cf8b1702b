/*
 * What the ingest fuzz targets (fuzz_ingest.c, fuzz_warc.c) share: one ingest run over an
 * input in memory with the real workers, whose every batch is checked (each record written is
 * one JSON object on one line; a fatal error carries its exit code), and FUZZ_ASSERT, which
 * aborts so libFuzzer and the replay keep the input.
 */
#ifndef GRIST_FUZZ_INGEST_HARNESS_H
#define GRIST_FUZZ_INGEST_HARNESS_H

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/html.h"
#include "ingest/ingest_int.h"

#define FUZZ_ASSERT(c)                                                                        \
	do {                                                                                  \
		if (!(c)) {                                                                   \
			fprintf(stderr, "%s: assertion failed: %s (line %d)\n", __FILE__, #c, \
				__LINE__);                                                    \
			abort();                                                              \
		}                                                                             \
	} while (0)

static void fuzz_check_batch(void *shared, struct batch *b)
{
	(void)shared;
	const char *p = b->out.data, *end = b->out.data + b->out.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		FUZZ_ASSERT(nl && nl > p && nl[-1] == '}' && p[0] == '{');
		p = nl + 1;
	}
	FUZZ_ASSERT(!b->fatal.len || b->fatal_code);
}

/* Once per process: the locale and HTML tables ingest expects grist's main to have set up. */
static void fuzz_ingest_init(void)
{
	static int ready;
	if (!ready) {
		setlocale(LC_CTYPE, "C.UTF-8");
		html_text_init();
		ready = 1;
	}
}

/* A fresh ingest with the defaults, small batches and max_doc_bytes: set what the run needs,
 * then fuzz_ingest_read. */
static void fuzz_ingest_start(struct ingest *in, uint64_t max_doc_bytes)
{
	memset(in, 0, sizeof(*in));
	common_opts_init(&in->co);
	in->co.max_doc_bytes = max_doc_bytes;
	in->batch_bytes = 4096;
}

/* data as a stream named name through read (ingest_warc, ...) into the real workers (one
 * thread, every batch checked), then the workers finished and the run's names released. */
static void fuzz_ingest_read(struct ingest *in, const uint8_t *data, size_t size, const char *name,
			     int (*read)(struct ingest *in, struct source *s, const char *name))
{
	struct par_config pc = {
		.jobs = 1, .work = ingest_work, .emit = fuzz_check_batch, .shared = in,
		.thread_new = ingest_thread_new, .thread_free = ingest_thread_free,
	};
	in->par = par_new(&pc);
	struct source s;
	source_init_memory(&s, name, (const char *)data, size);
	(void)read(in, &s, name);
	source_close(&s);
	par_finish(in->par);
	ingest_release_names(in);
}

#endif
