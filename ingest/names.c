/*
 * Names of inputs and members: escaping names that are not UTF-8 (ids are JSON strings, and
 * an archive may carry names in any legacy encoding), and formats named by extensions.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ingest/ingest_int.h"
#include "lib/json.h"
#include "lib/utf8.h"

size_t ingest_escape_name(struct buf *out, const char *name, size_t n)
{
	size_t bad = 0;
	while (n) {
		size_t ok = utf8_valid_prefix(name, n);
		buf_add(out, name, ok);
		name += ok;
		n -= ok;
		if (n) {
			buf_addf(out, "\\x%02X", (unsigned char)*name);
			name++;
			n--;
			bad++;
		}
	}
	return bad;
}

static const char *const compress_exts[] = { "gz", "zst", "zstd", "xz", "bz2", "lz4", "lzma", "z", NULL };

void ingest_inner_ext(const char *name, char *out, size_t outsz)
{
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	size_t end = strlen(base);
	out[0] = '\0';
	for (int round = 0; round < 3; round++) {
		const char *dot = NULL;
		for (size_t i = end; i > 0; i--)
			if (base[i - 1] == '.') {
				dot = base + i - 1;
				break;
			}
		if (!dot || dot == base)
			return;
		size_t n = (size_t)(base + end - dot - 1);
		if (n >= outsz)
			n = outsz - 1;
		for (size_t i = 0; i < n; i++)
			out[i] = (char)tolower((unsigned char)dot[1 + i]);
		out[n] = '\0';
		int compressed = 0;
		for (int k = 0; compress_exts[k]; k++)
			if (!strcmp(out, compress_exts[k]))
				compressed = 1;
		if (!compressed)
			return;
		end = (size_t)(dot - base);
		out[0] = '\0';
	}
}

enum ingest_format ingest_format_by_ext(const char *e)
{
	if (!strcmp(e, "jsonl") || !strcmp(e, "json") || !strcmp(e, "ndjson"))
		return FMT_JSONL;
	if (!strcmp(e, "txt") || !strcmp(e, "text") || !strcmp(e, "md"))
		return FMT_TEXT;
	if (!strcmp(e, "html") || !strcmp(e, "htm") || !strcmp(e, "xhtml"))
		return FMT_HTML;
	if (!strcmp(e, "warc") || !strcmp(e, "wet"))
		return FMT_WARC;
	return FMT_AUTO;
}
