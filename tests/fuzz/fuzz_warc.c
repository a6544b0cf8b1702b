/*
 * Fuzz target: the WARC reader (ingest/warc.c, ingest_warc) on arbitrary bytes, called directly
 * rather than through ingest's content sniffing, so every input reaches the record parser
 * (version line, header fields and continuations, Content-Length, the CRLF CRLF separator,
 * record selection by type, target URI and HTTP status, --max-doc-bytes) and the workers behind
 * it (HTTP header stripping, chunked and gzip bodies, HTML to text).
 *
 * Each input is read three ways: every type and every HTTP status selected; the defaults
 * (response and conversion, 2xx); and every type with a 64-byte --max-doc-bytes and --fail-fast.
 * What is checked: nothing crashes, hangs or trips the sanitizers, every record written is one
 * JSON object on one line, and a fatal error carries its exit code.
 */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/html.h"
#include "ingest/ingest_int.h"

#define FUZZ_ASSERT(c)                                                                 \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "fuzz_warc: assertion failed: %s (line %d)\n", #c, \
				__LINE__);                                             \
			abort();                                                       \
		}                                                                      \
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

enum mode { ALL_SELECTED, DEFAULTS, SMALL_FAIL_FAST, N_MODES };

static void run_once(const uint8_t *data, size_t size, enum mode mode)
{
	static struct ingest in;
	memset(&in, 0, sizeof(in));
	common_opts_init(&in.co);
	in.co.max_doc_bytes = mode == SMALL_FAIL_FAST ? 64 : 1u << 20;
	in.batch_bytes = 4096;
	in.on_damage = mode == SMALL_FAIL_FAST ? ON_DAMAGE_FAIL_FAST : ON_DAMAGE_NEXT_INPUT;
	if (mode == DEFAULTS) {
		in.warc_types = WARC_T_CONVERSION | WARC_T_RESPONSE;
		for (unsigned code = 200; code < 300; code++)
			in.warc_status[code >> 6] |= 1ull << (code & 63);
	} else {
		in.warc_types = ~0u;
		memset(in.warc_status, 0xff, sizeof(in.warc_status));
	}
	struct par_config pc = {
		.jobs = 1, .work = ingest_work, .emit = check_batch, .shared = &in,
		.thread_new = ingest_thread_new, .thread_free = ingest_thread_free,
	};
	in.par = par_new(&pc);
	struct source s;
	source_init_memory(&s, "fuzz.warc", (const char *)data, size);
	(void)ingest_warc(&in, &s, "fuzz.warc");
	source_close(&s);
	par_finish(in.par);
	ingest_release_names(&in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		setlocale(LC_CTYPE, "C.UTF-8");
		html_text_init();
		ready = 1;
	}
	for (int mode = 0; mode < N_MODES; mode++)
		run_once(data, size, (enum mode)mode);
	return 0;
}
