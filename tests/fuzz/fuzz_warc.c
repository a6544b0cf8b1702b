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
#include "tests/fuzz/ingest_harness.h"

enum mode { ALL_SELECTED, DEFAULTS, SMALL_FAIL_FAST, N_MODES };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ingest in;
	fuzz_ingest_init();
	for (int mode = 0; mode < N_MODES; mode++) {
		fuzz_ingest_start(&in, mode == SMALL_FAIL_FAST ? 64 : 1u << 20);
		in.on_damage = mode == SMALL_FAIL_FAST ? ON_DAMAGE_FAIL_FAST : ON_DAMAGE_NEXT_INPUT;
		if (mode == DEFAULTS) {
			in.warc_types = WARC_T_CONVERSION | WARC_T_RESPONSE;
			for (unsigned code = 200; code < 300; code++)
				in.warc_status[code >> 6] |= 1ull << (code & 63);
		} else {
			in.warc_types = ~0u;
			memset(in.warc_status, 0xff, sizeof(in.warc_status));
		}
		fuzz_ingest_read(&in, data, size, "fuzz.warc", ingest_warc);
	}
	return 0;
}
