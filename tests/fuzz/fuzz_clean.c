/*
 * Fuzz target: clean's text pipeline on arbitrary bytes.
 *
 * Checks the invariants the stage relies on: repair always yields valid UTF-8 without C0
 * controls (other than tab, LF, CR, FF), ESC or C1 controls; NFC and NFKC through the quick-check
 * fast path equal plain utf8proc_map; the default filters, redaction and language
 * identification run on the result without faults, and a kept text is valid UTF-8. Built with
 * libFuzzer by `make fuzz`; the saved corpus and deterministic mutations replay in `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean/clean_filter.h"
#include "clean/clean_langid.h"
#include "clean/clean_redact.h"
#include "clean/clean_unicode.h"
#include "lib/utf8.h"

#define FUZZ_ASSERT(c)                                                                  \
	do {                                                                            \
		if (!(c)) {                                                             \
			fprintf(stderr, "fuzz_clean: assertion failed: %s (line %d)\n", #c, \
				__LINE__);                                              \
			abort();                                                        \
		}                                                                       \
	} while (0)

static int valid_clean_utf8(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		int32_t cp;
		size_t l = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (!l)
			return 0;
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r' && cp != '\f') ||
		    (cp >= 0x7F && cp <= 0x9F))
			return 0;
		i += l;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct clean_filter_ctx *ctx;
	static struct clean_redact *red;
	static struct clean_redact_thread *rt;
	static struct clean_filter_config cfg;
	if (!ctx) {
		struct buf err = BUF_INIT;
		ctx = clean_filter_ctx_new();
		clean_filter_config_init(&cfg);
		red = clean_redact_new();
		if (clean_redact_add_builtin(red, "email,ip", &err) < 0 ||
		    clean_redact_add_drop_lines(red, "^#", &err) < 0)
			abort();
		rt = clean_redact_thread_new(red);
		buf_release(&err);
	}
	struct buf rep = BUF_INIT, fast = BUF_INIT, slow = BUF_INIT, red_out = BUF_INIT, err = BUF_INIT;
	struct clean_repair_stats st;
	memset(&st, 0, sizeof(st));
	if (!clean_repair((const char *)data, size, &rep, &st))
		buf_add(&rep, data, size); /* unchanged: nothing appended */
	FUZZ_ASSERT(valid_clean_utf8(rep.data, rep.len));

	for (int form = CLEAN_NORM_NFC; form <= CLEAN_NORM_NFKC; form++) {
		buf_reset(&fast);
		buf_reset(&slow);
		int r = clean_normalize(rep.data, rep.len, (enum clean_norm_form)form, &fast);
		FUZZ_ASSERT(r >= 0);
		if (r == 0)
			buf_add(&fast, rep.data, rep.len);
		FUZZ_ASSERT(clean_normalize_slow(rep.data, rep.len, (enum clean_norm_form)form, &slow) >= 0);
		FUZZ_ASSERT(fast.len == slow.len && !memcmp(fast.data, slow.data, fast.len));
	}
	/* NFC of the raw bytes too: ill-formed input must pass through without faults */
	buf_reset(&fast);
	FUZZ_ASSERT(clean_normalize((const char *)data, size, CLEAN_NORM_NFC, &fast) >= 0);

	struct clean_redact_result res;
	int rr = clean_redact_apply(red, rt, rep.data, rep.len, &red_out, &res, &err);
	FUZZ_ASSERT(rr >= 0);
	const char *t = rr == 1 ? red_out.data : rep.data;
	size_t n = rr == 1 ? red_out.len : rep.len;
	FUZZ_ASSERT(valid_clean_utf8(t, n));

	struct clean_lang lg;
	clean_langid(t, n, 96, &lg); /* a small sample: the three-piece path */
	FUZZ_ASSERT(lg.score >= 0 && lg.score <= 1 && lg.code[0]);

	struct clean_verdict v;
	if (clean_filter_run(&cfg, ctx, &t, &n, &v))
		FUZZ_ASSERT(valid_clean_utf8(t, n));
	else
		FUZZ_ASSERT(v.rule != NULL);

	buf_release(&rep);
	buf_release(&fast);
	buf_release(&slow);
	buf_release(&red_out);
	buf_release(&err);
	return 0;
}
