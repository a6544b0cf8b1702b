/*
 * Fuzz target: ingest_stream() on arbitrary bytes, i.e. everything ingest recognises by
 * content: the gzip reader, libarchive containers and filters, nested members, the WARC
 * reader (HTTP header stripping, chunked bodies), HTML to text, WebDataset grouping, JSONL and
 * text, JSON array files, and --chat's layout conversion. The records are produced by the real
 * workers and discarded; what is checked is that nothing crashes, hangs or trips the
 * sanitizers, and that every record written is one line ending in '}' (a damaged input is a
 * warning, as by default, so the run always finishes). The harness: ingest_harness.h.
 */
#include "tests/fuzz/ingest_harness.h"

/* ingest_stream: the stream recognised by content, its name the only hint. */
static int read_stream(struct ingest *in, struct source *s, const char *name)
{
	return ingest_stream(in, s, name, NULL, name, 0);
}

/* Every input twice: as plain ingest and with --chat (layout conversion on every record). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ingest in;
	fuzz_ingest_init();
	for (int chat = 0; chat < 2; chat++) {
		fuzz_ingest_start(&in, 1u << 20);
		in.chat = chat;
		in.on_damage = ON_DAMAGE_NEXT_INPUT;
		in.warc_types = ~0u;
		fuzz_ingest_read(&in, data, size, "fuzz", read_stream);
	}
	return 0;
}
