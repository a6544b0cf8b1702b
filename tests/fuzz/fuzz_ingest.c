/*
 * Fuzz target: ingest_stream() on arbitrary bytes, i.e. everything ingest recognises by
 * content: the gzip reader, libarchive containers and filters, nested members, the WARC
 * reader (HTTP header stripping, chunked bodies), HTML to text, WebDataset grouping, JSONL and
 * text, JSON array files, and --chat's layout conversion. The records are produced by the real
 * workers and discarded; what is checked is that nothing crashes, hangs or trips the
 * sanitizers, and that every record written is one line ending in '}' (a damaged input is a
 * warning, as by default, so the run always finishes). The harness: ingest_harness.h.
 *
 * Every WARC record type is selected; the HTTP statuses selected (--warc-status) are the
 * fuzzer's choice, read from the input's last byte, which stays in the stream (a saved input
 * reads as it did): bits 0-4 select the classes 1xx-5xx, bit 5 every status 0-1023. So both
 * a response read through to its body and one skipped by status are reachable; a corpus file
 * ending in '\n' selects 2xx and 4xx.
 */
#include "tests/fuzz/ingest_harness.h"

/* ingest_stream: the stream recognised by content, its name the only hint. */
static int read_stream(struct ingest *in, struct source *s, const char *name)
{
	return ingest_stream(in, s, name, NULL, name, 0);
}

/* --warc-status as chosen by the input's last byte (see above). */
static void choose_warc_status(struct ingest *in, const uint8_t *data, size_t size)
{
	unsigned sel = size ? data[size - 1] : 0;
	memset(in->warc_status, sel & 0x20 ? 0xff : 0, sizeof(in->warc_status));
	for (unsigned cls = 1; cls <= 5; cls++)
		if (sel >> (cls - 1) & 1)
			for (unsigned code = cls * 100; code < cls * 100 + 100; code++)
				in->warc_status[code >> 6] |= 1ull << (code & 63);
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
		choose_warc_status(&in, data, size);
		fuzz_ingest_read(&in, data, size, "fuzz", read_stream);
	}
	return 0;
}
