/*
 * Fuzz target: ingest_stream() on arbitrary bytes, i.e. everything ingest recognises by
 * content: the gzip reader, libarchive containers and filters, nested members, the WARC
 * reader (HTTP header stripping, chunked bodies), HTML to text, WebDataset grouping, JSONL and
 * text, JSON array files, and --chat's layout conversion. The records are produced by the real workers and discarded; what is checked is that
 * nothing crashes, hangs or trips the sanitizers, and that every record written is one line
 * ending in '}' (--keep-going turns input errors into warnings, so the run always finishes).
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/html.h"
#include "ingest/ingest_int.h"

#define FUZZ_ASSERT(c)                                                                   \
	do {                                                                             \
		if (!(c)) {                                                              \
			fprintf(stderr, "fuzz_ingest: assertion failed: %s (line %d)\n", #c, \
				__LINE__);                                               \
			abort();                                                         \
		}                                                                        \
	} while (0)

static void check_batch(void *shared, struct batch *b)
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

static void run_once(const uint8_t *data, size_t size, int chat);

/* Every input twice: as plain ingest and with --chat (layout conversion on every record). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		setlocale(LC_CTYPE, "C.UTF-8");
		html_text_init();
		ready = 1;
	}
	for (int chat = 0; chat < 2; chat++)
		run_once(data, size, chat);
	return 0;
}

static void run_once(const uint8_t *data, size_t size, int chat)
{
	static struct ingest in;
	memset(&in, 0, sizeof(in));
	in.chat = chat;
	common_opts_init(&in.co);
	in.co.max_doc_bytes = 1u << 20;
	in.batch_bytes = 4096;
	in.on_damage = ON_DAMAGE_NEXT_INPUT;
	in.warc_types = ~0u;
	struct par_config pc = {
		.jobs = 1, .work = ingest_work, .emit = check_batch, .shared = &in,
		.thread_new = ingest_thread_new, .thread_free = ingest_thread_free,
	};
	in.par = par_new(&pc);
	struct source s;
	source_init_memory(&s, "fuzz", (const char *)data, size);
	ingest_stream(&in, &s, "fuzz", NULL, "fuzz", 0);
	source_close(&s);
	par_finish(in.par);
	ingest_release_names(&in);
}
