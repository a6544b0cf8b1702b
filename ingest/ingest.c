/*
 * grist ingest: files, directories, archives, compressed streams and WARC -> JSONL records.
 *
 * Every input is read as a stream and recognised by its content (magic bytes), not by its
 * name: gzip/zstd/xz/bzip2/lz4 streams and tar/zip/7z/cpio/ar archives go through libarchive
 * (ingest/archive.c), whose members come back here to be recognised in turn; "WARC/1.x"
 * streams go to the WARC reader (ingest/warc.c); everything else is a leaf: JSONL (one record
 * per line), text (one record per file, or per line with --split-lines) or HTML (one record,
 * converted to text), chosen by --format, else by extension, else by content. Files holding
 * NUL bytes that no extension or --format vouches for are rejected as binary.
 *
 * The main thread decodes; the -j workers (ingest/ingest_work.c) write the records; output
 * order is the input order for every -j. Ids are SOURCE:LINE, with SOURCE "archive!member"
 * inside archives (nested: "a.tar!b.tar.gz!c.jsonl"); a single compressed file keeps its own
 * name ("x.jsonl.gz:3").
 */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "builtin.h"
#include "ingest/html.h"
#include "ingest/ingest_int.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "parquet/parquet.h"

const char *const ingest_rule_too_big = "max_doc_bytes";
const char *const ingest_rule_empty_file = "empty_file";
static const char *const ingest_rule_cdx = "cdx_index";
const char *const ingest_rule_binary = "binary_content";

/* Bytes looked at to recognise a stream (more while they are all whitespace). */
#define HEAD_BYTES 4096
#define HEAD_MAX (1u << 20)

static void usage(FILE *f)
{
	fprintf(f,
		"usage: grist ingest [OPTIONS] [FILE|DIR...|-]\n\n"
		"Turn files, directories, archives (tar, zip, 7z, cpio, ar), compressed streams (gzip,\n"
		"zstd, xz, bzip2, lz4) and WARC/WET files into JSONL records with `id`, `text` and\n"
		"`source` (stdin when no input or '-'). Formats are recognised by content; JSONL\n"
		"records keep all their fields byte-for-byte. A file holding a JSON array of objects\n"
		"(`[{...}, ...]`, pretty-printed or not) is read element by element, streamed; ids\n"
		"are FILE:N with N the element number.\n\n"
		"Ingest options:\n"
		"  --format FMT          auto|jsonl|text|html|warc (content of files and members) or\n"
		"                        tar|zip|7z|cpio|ar|raw|wds (container of each input)\n"
		"                        (default: auto: magic bytes, then extension, then content)\n"
		"  --split-lines         text inputs: one record per non-blank line (default: per file)\n"
		"  --html MODE           main|text|raw: the page's main content as text (default),\n"
		"                        the whole page as text, or the markup as it is\n"
		"  --warc-types LIST     WARC record types to read, comma-separated, or 'all'\n"
		"                        (default: response,conversion; response records only with\n"
		"                        an http(s) target; the rest are counted as skipped)\n"
		"  --warc-status LIST    HTTP statuses of response records to read: codes or classes\n"
		"                        such as 2xx, comma-separated, or 'all' (default: 2xx)\n"
		"  --files-from LIST     read input paths from LIST, one per line ('-' for stdin)\n"
		"  --fail-fast           stop at the first corrupt or unreadable input (default: go on\n"
		"                        with the next input, count it (input_errors) and\n"
		"                        exit non-zero at the end: 1 for damaged data, 3 for I/O)\n"
		"  --keep-going          go on after a damaged input (the default), and after a damaged\n"
		"                        Parquet row group within its file (docs/parquet.md)\n"
		"  --readahead on|off    decode compressed input on a separate thread (default: on)\n"
		"  --batch-bytes N       bytes of input per work batch (default: 1M)\n"
		"  --columns LIST        Parquet: read only these top-level columns (and the text)\n"
		"  --chat                write canonical chat records {\"id\",...,\"messages\":[{\"role\",\n"
		"                        \"content\"},...]} from OpenAI `messages`, ShareGPT\n"
		"                        `conversations` (from/value), Alpaca instruction/input/output,\n"
		"                        Dolly instruction/context/response and prompt/completion\n"
		"                        records (JSONL, JSON arrays, Parquet rows); contents byte\n"
		"                        for byte; the text field is dropped. Rejects:\n"
		"                        unrecognized_layout, empty_conversation, unknown_role,\n"
		"                        content_not_string, no_assistant_turn, ... (docs/chat.md)\n");
	common_opts_help(f, 1);
}

const char *ingest_keep_name(struct ingest *in, const char *name)
{
	ALLOC_GROW(in->names, in->nnames + 1, in->names_alloc);
	in->names[in->nnames] = xstrdup(name);
	return in->names[in->nnames++];
}

/*
 * Member names: an archive may have millions of members, so their names do not live until the
 * end of the run. A retired name (its member fully read: every batch naming it submitted) is
 * freed once the emitter has passed the last batch submitted before its retirement. Decoder
 * lanes keep theirs until the lane is emitted (ingest/lanes.c).
 */
const char *ingest_member_name(struct ingest *in, const char *name)
{
	return in->lane ? ingest_keep_name(in, name) : xstrdup(name);
}

void ingest_retire_name(struct ingest *in, const char *name)
{
	if (in->lane)
		return;
	ALLOC_GROW(in->retired, in->nretired + 1, in->retired_alloc);
	in->retired[in->nretired].name = (char *)name;
	in->retired[in->nretired].seq = in->submitted;
	in->nretired++;
}

static void free_retired(struct ingest *in, int all)
{
	size_t k = in->retired_head;
	while (k < in->nretired && (all || in->retired[k].seq <= in->emitted))
		free(in->retired[k++].name);
	in->retired_head = k;
	if (k == in->nretired) {
		in->nretired = in->retired_head = 0;
	} else if (k > 4096 && k > in->nretired / 2) {
		memmove(in->retired, in->retired + k, (in->nretired - k) * sizeof(*in->retired));
		in->nretired -= k;
		in->retired_head = 0;
	}
}

void ingest_release_names(struct ingest *in)
{
	free_retired(in, 1);
	free(in->retired);
	in->retired = NULL;
	in->nretired = in->retired_head = in->retired_alloc = 0;
	for (size_t i = 0; i < in->nnames; i++)
		free(in->names[i]);
	free(in->names);
	in->names = NULL;
	in->nnames = in->names_alloc = 0;
}

struct batch *ingest_get_batch(struct ingest *in)
{
	struct batch *b = in->lane ? lane_get_batch(in) : par_get_batch(in->par);
	b->user = (void *)(uintptr_t)(in->cur_input + 1);
	return b;
}

void ingest_submit(struct ingest *in, struct batch *b)
{
	if (in->lane) {
		lane_submit(in, b);
	} else {
		in->submitted++;
		par_submit(in->par, b);
	}
}

void ingest_return_batch(struct ingest *in, struct batch *b)
{
	if (in->lane)
		lane_return_batch(in, b);
	else
		par_return_batch(in->par, b);
}

struct batch *ingest_reject_batch(struct ingest *in, const char *source)
{
	struct batch *b = ingest_get_batch(in);
	b->mode = MODE_REJECT_ONLY;
	b->source = source; /* a kept name */
	return b;
}

int ingest_fail(struct ingest *in, int code, const char *msg)
{
	if (in->cur_input < in->ninputs)
		in->inputs[in->cur_input].error = 1;
	struct batch *b = ingest_get_batch(in);
	b->mode = MODE_NONE;
	b->source = NULL;
	if (in->keep_going) {
		/* printed by ingest_emit as an error line, even with -q */
		buf_addf(&b->warnings, "%s%s\n", msg,
			 in->cur_input + 1 < in->ninputs ? " (going on with the next input)" : "");
		counts_add_rule(&b->counts, "input_errors", 1);
		if (!in->failed)
			in->failed = code;
	} else {
		buf_addstr(&b->fatal, msg);
		b->fatal_code = code;
		in->stop = 1;
	}
	ingest_submit(in, b);
	return -1;
}

/*
 * Guards JSONL and line-split text: a line longer than `limit` is an error, not an OOM. A read
 * error of the stream below is held back and reported as the end of the stream, so that the
 * batch reader hands over every whole line read before the damage (ingest_lines drops the
 * partial last line and then reports the error).
 */
struct line_guard {
	struct source *inner;
	uint64_t limit, run;
	int failed;
	struct buf msg;
};

static ssize_t guard_read(struct source *s, void *out, size_t n, struct buf *err)
{
	struct line_guard *g = s->ctx;
	if (g->failed)
		return 0;
	ssize_t r = source_read(g->inner, out, n, &g->msg);
	if (r < 0) {
		g->failed = 1;
		return 0;
	}
	if (r == 0)
		return r;
	const char *nl = memrchr(out, '\n', (size_t)r);
	g->run = nl ? (uint64_t)((const char *)out + r - nl - 1) : g->run + (uint64_t)r;
	if (g->run > g->limit) {
		buf_addf(err, "%s: a line longer than %llu bytes after byte %llu (not JSONL/text lines? "
			 "see --max-doc-bytes)", s->name, (unsigned long long)g->limit,
			 (unsigned long long)s->consumed);
		return -1;
	}
	return r;
}

/* Submit a whole document (text or HTML) as one batch; larger than the limit: a reject. */
static int ingest_whole(struct ingest *in, struct source *src, const char *name, int mode)
{
	struct buf all = BUF_INIT, err = BUF_INIT;
	int rc = source_read_all(src, &all, in->co.max_doc_bytes, &err);
	if (rc < 0 && all.len <= in->co.max_doc_bytes) {
		rc = ingest_fail(in, source_fail_exit(src), err.data);
		buf_release(&all);
		buf_release(&err);
		return rc;
	}
	struct batch *b = ingest_get_batch(in);
	b->source = name;
	b->lineno0 = 1;
	if (rc < 0) {
		/* Larger than the limit: a counted reject; the rest is not read. */
		b->mode = MODE_REJECT_ONLY;
		b->counts.records_in++;
		char v[32];
		snprintf(v, sizeof(v), "%llu", (unsigned long long)all.len);
		counts_reject(&b->counts, ingest_rule_too_big);
		reject_write(&b->rejects, "ingest", ingest_rule_too_big, v, name, 1, "", 0, 1, NULL);
		buf_addf(&b->warnings, "%s: larger than --max-doc-bytes %llu (skipped)\n", name,
			 (unsigned long long)in->co.max_doc_bytes);
	} else {
		size_t skip = all.len >= 3 && !memcmp(all.data, "\xEF\xBB\xBF", 3) ? 3 : 0;
		buf_grow(&all, JSON_PADDING);
		free(b->data);
		b->cap = all.cap;
		b->data = buf_detach(&all, &b->len);
		if (skip) {
			memmove(b->data, b->data + skip, b->len - skip);
			b->len -= skip;
		}
		b->mode = mode;
	}
	ingest_submit(in, b);
	buf_release(&all);
	buf_release(&err);
	return 0;
}

static int ingest_lines(struct ingest *in, struct source *src, const char *name, int mode)
{
	struct line_guard g = { src, 2 * in->co.max_doc_bytes + (1u << 20), 0, 0, BUF_INIT };
	struct source gs;
	memset(&gs, 0, sizeof(gs));
	gs.fd = -1;
	gs.name = xstrdup(name);
	gs.read_fn = guard_read;
	gs.ctx = &g;
	gs.size = src->size;
	struct batch_reader rd;
	struct buf err = BUF_INIT;
	int rc = 0;
	batch_reader_init(&rd, &gs, in->batch_bytes);
	for (;;) {
		struct batch *b = ingest_get_batch(in);
		int r = batch_reader_next(&rd, b, &err);
		if (r <= 0) {
			ingest_return_batch(in, b);
			if (r < 0)
				rc = ingest_fail(in, source_fail_exit(src), err.data);
			break;
		}
		b->source = name;
		b->mode = mode;
		if (g.failed && rd.eof && !rd.carry_len && g.run) {
			/* The stream broke inside this last line: it is not a record. */
			const char *nl = memrchr(b->data, '\n', b->len);
			b->len = nl ? (size_t)(nl - b->data) + 1 : 0;
			memset(b->data + b->len, 0, JSON_PADDING);
		}
		ingest_submit(in, b);
	}
	if (g.failed && rc == 0)
		rc = ingest_fail(in, source_fail_exit(src), g.msg.data);
	buf_release(&g.msg);
	batch_reader_release(&rd);
	source_close(&gs);
	buf_release(&err);
	return rc;
}

enum magic { MAGIC_NONE, MAGIC_CONTAINER, MAGIC_GZIP, MAGIC_WARC };

static enum magic magic_of(const unsigned char *p, size_t n)
{
#define HAS(off, lit) (n >= (off) + sizeof(lit) - 1 && !memcmp(p + (off), lit, sizeof(lit) - 1))
	if (HAS(0, "\x1f\x8b"))
		return MAGIC_GZIP;
	if (HAS(0, "\x28\xb5\x2f\xfd") || HAS(0, "\xfd" "7zXZ\0") ||
	    HAS(0, "\x04\x22\x4d\x18") || HAS(0, "\x1f\x9d") || HAS(0, "\x5d\x00\x00"))
		return MAGIC_CONTAINER;
	if (HAS(0, "BZh") && n > 3 && p[3] >= '1' && p[3] <= '9')
		return MAGIC_CONTAINER;
	if (HAS(257, "ustar") || HAS(0, "PK\x03\x04") || HAS(0, "PK\x05\x06") ||
	    HAS(0, "7z\xbc\xaf\x27\x1c") || HAS(0, "!<arch>\n") || HAS(0, "070701") ||
	    HAS(0, "070702") || HAS(0, "070707") || HAS(0, "\xc7\x71") || HAS(0, "\x71\xc7"))
		return MAGIC_CONTAINER;
	if (HAS(0, "WARC/"))
		return MAGIC_WARC;
	return MAGIC_NONE;
#undef HAS
}

static enum ingest_format sniff(const char *p, size_t n, int *binary)
{
	*binary = memchr(p, '\0', n) != NULL;
	size_t i = 0;
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (i < n && p[i] == '{')
		return FMT_JSONL;
	if ((n - i >= 14 && !strncasecmp(p + i, "<!doctype html", 14)) ||
	    (n - i >= 5 && !strncasecmp(p + i, "<html", 5)))
		return FMT_HTML;
	return FMT_TEXT;
}

/* A CDX index: its first line is the legend " CDX a b ..." (or "CDX ..."). */
static int is_cdx(const char *p, size_t n)
{
	return (n >= 5 && !memcmp(p, " CDX ", 5)) || (n >= 4 && !memcmp(p, "CDX ", 4));
}

static int all_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

int ingest_stream(struct ingest *in, struct source *src, const char *name, const char *path,
		  const char *hint, int depth)
{
	if (in->stop)
		return -1;
	if (depth == 0 && in->container != CONT_AUTO)
		return ingest_archive(in, src, name, path, in->container, 0);
	struct buf head = BUF_INIT, err = BUF_INIT;
	size_t want = HEAD_BYTES;
	buf_grow(&head, want);
	int failed = 0;
	for (;;) {
		ssize_t r = 0;
		while (head.len < want && (r = source_read(src, head.data + head.len, want - head.len,
							   &err)) > 0)
			buf_setlen(&head, head.len + (size_t)r);
		if (r < 0 && !head.len) {
			int rc = ingest_fail(in, source_fail_exit(src), err.data);
			buf_release(&head);
			buf_release(&err);
			return rc;
		}
		if (r < 0) {
			failed = 1; /* what was read is still read; the error comes after it */
			break;
		}
		if (head.len < want || want >= HEAD_MAX || !all_space(head.data, head.len))
			break;
		want *= 4;
		buf_grow(&head, want - head.len);
	}
	struct source pre, broken;
	source_init_failing(&broken, name, err.data);
	broken.io_failed = src->io_failed;
	source_init_prefixed(&pre, failed ? &broken : src, name, head.data, head.len);
	enum magic m = magic_of((const unsigned char *)head.data, head.len);
	int rc;
	char ext[32];
	ingest_inner_ext(hint, ext, sizeof(ext));
	enum ingest_format fmt = in->format;
	enum codec codec = codec_of_magic(head.data, head.len);
	if (codec != CODEC_NONE && in->container == CONT_AUTO) {
		/* gzip, zstd, xz, bzip2 and lz4 are decoded by lib/decode.c (CRC-checked, every
		 * byte before damage delivered); what is inside is recognised in turn. */
		struct source gz, ra;
		source_init_decoder(&gz, &pre, codec, name);
		struct source *use = &gz;
		if (in->readahead) {
			source_init_readahead(&ra, &gz, name);
			use = &ra;
		}
		rc = depth >= 16 ? ingest_fail(in, GRIST_EXIT_DATA, "compressed streams nested too deep")
				 : ingest_stream(in, use, name, NULL, name, depth + 1);
		if (use == &ra)
			source_close(&ra);
		source_close(&gz);
		goto out;
	}
	if (m == MAGIC_CONTAINER && !path && head.len >= 6 && !memcmp(head.data, "7z\xbc\xaf\x27\x1c", 6)) {
		/* 7z keeps its index at the end: libarchive must seek. A stream (stdin, a member)
		 * is held in memory, up to --max-doc-bytes. */
		struct buf all = BUF_INIT;
		struct buf e2 = BUF_INIT;
		if (source_read_all(&pre, &all, in->co.max_doc_bytes, &e2) < 0) {
			if (all.len > in->co.max_doc_bytes)
				buf_addf(&e2, " (a 7z archive read from a stream is held in memory; give it "
					 "as a file, or raise --max-doc-bytes)");
			rc = ingest_fail(in, source_fail_exit(&pre), e2.data);
		} else {
			struct source ms;
			source_init_memory(&ms, name, all.data, all.len);
			rc = ingest_archive(in, &ms, name, NULL, CONT_AUTO, depth);
			source_close(&ms);
		}
		buf_release(&all);
		buf_release(&e2);
		goto out;
	}
	if (pq_magic(head.data, head.len) && (memchr(head.data, 0, head.len) ||
					      !strcmp(ext, "parquet") || pq_path_has_tail(path))) {
		rc = ingest_parquet(in, &pre, name, path);
		goto out;
	}
	if (m != MAGIC_NONE && m != MAGIC_WARC) {
		rc = ingest_archive(in, &pre, name, path, CONT_AUTO, depth);
		goto out;
	}
	if (fmt == FMT_AUTO)
		fmt = ingest_format_by_ext(ext);
	if (fmt == FMT_AUTO && m == MAGIC_WARC)
		fmt = FMT_WARC;
	if (fmt == FMT_WARC) {
		rc = ingest_warc(in, &pre, name);
		goto out;
	}
	int sniffed = fmt == FMT_AUTO;
	if (fmt == FMT_AUTO) {
		int binary;
		fmt = sniff(head.data, head.len, &binary);
		if (binary) {
			struct batch *b = ingest_reject_batch(in, name);
			b->counts.records_in++;
			counts_reject(&b->counts, ingest_rule_binary);
			reject_write(&b->rejects, "ingest", ingest_rule_binary, NULL, name, 1, "", 0, 1, NULL);
			buf_addf(&b->warnings, "%s: binary content (NUL bytes), not text (skipped)\n", name);
			ingest_submit(in, b);
			rc = 0;
			goto out;
		}
		if (fmt == FMT_TEXT && is_cdx(head.data, head.len)) {
			/* a crawl index beside its WARC (wget --warc-cdx, CDX files): not text */
			struct batch *b = ingest_reject_batch(in, name);
			counts_skip(&b->counts, ingest_rule_cdx, 1);
			ingest_submit(in, b);
			rc = 0;
			goto out;
		}
		if (head.len == 0 && fmt == FMT_TEXT && !in->split_lines) {
			rc = 0; /* an empty input of unknown format: nothing to say */
			goto out;
		}
	}
	if (in->chat && sniffed && (fmt == FMT_TEXT || fmt == FMT_HTML))
		fmt = FMT_JSONL; /* conversations are JSON, whatever the name says */
	if ((fmt == FMT_JSONL && ingest_json_array_head(head.data, head.len, 0)) ||
	    (sniffed && fmt == FMT_TEXT && !in->split_lines &&
	     ingest_json_array_head(head.data, head.len, 1)))
		rc = ingest_json_array(in, &pre, name);
	else if (fmt == FMT_JSONL)
		rc = ingest_lines(in, &pre, name, MODE_JSONL);
	else if (fmt == FMT_TEXT && in->split_lines)
		rc = ingest_lines(in, &pre, name, MODE_TEXT_LINES);
	else
		rc = ingest_whole(in, &pre, name, fmt == FMT_HTML ? MODE_HTML_WHOLE : MODE_TEXT_WHOLE);
out:
	source_close(&pre);
	source_close(&broken);
	buf_release(&head);
	buf_release(&err);
	return rc;
}

static void ingest_emit(void *shared, struct batch *b)
{
	struct ingest *in = shared;
	if (b->mode == MODE_NONE && b->warnings.len && counts_rule(&b->counts, "input_errors")) {
		/* an input that failed (ingest_fail, going on): an error line, not a warning */
		error("%.*s", (int)b->warnings.len - 1, b->warnings.data);
		buf_reset(&b->warnings);
	}
	stage_emit(&in->run, b);
	in->emitted++;
	if (in->nretired > in->retired_head && in->retired[in->retired_head].seq <= in->emitted)
		free_retired(in, 0);
	size_t idx = (size_t)(uintptr_t)b->user;
	if (idx && idx <= in->ninputs)
		counts_merge(&in->inputs[idx - 1].c, &b->counts);
}

static void add_input(struct ingest *in, const char *path)
{
	ALLOC_GROW(in->inputs, in->ninputs + 1, in->inputs_alloc);
	struct ingest_input *inp = &in->inputs[in->ninputs++];
	memset(inp, 0, sizeof(*inp));
	inp->path = xstrdup(path);
	counts_reset(&inp->c);
}

void ingest_open_input(struct ingest *in, const char *path)
{
	struct source src;
	struct buf err = BUF_INIT;
	if (source_open_file(&src, path, &err) < 0) {
		ingest_fail(in, GRIST_EXIT_IO, err.data);
		buf_release(&err);
		return;
	}
	source_mark_input(&src); /* progress: its bytes read, compressed or not */
	const char *name = ingest_keep_name(in, src.name);
	struct stat st;
	int regular = strcmp(path, "-") && stat(path, &st) == 0 && S_ISREG(st.st_mode);
	ingest_stream(in, &src, name, regular ? path : NULL, path, 0);
	source_close(&src);
	buf_release(&err);
}

static unsigned parse_warc_types(const char *s)
{
	if (!strcmp(s, "all"))
		return ~0u;
	unsigned bits = 0;
	char *copy = xstrdup(s), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		static const char *const names[] = { "conversion", "resource", "response", "request",
						     "metadata", "warcinfo", "revisit", NULL };
		int k = 0;
		while (names[k] && strcasecmp(names[k], t))
			k++;
		if (!names[k])
			die(GRIST_EXIT_USAGE, "--warc-types: unknown record type '%s'", t);
		bits |= 1u << k;
	}
	free(copy);
	return bits;
}

/* --warc-status: "2xx,301", "200", "all" into the 1024-bit set of selected HTTP statuses. */
static void parse_warc_status(struct ingest *in, const char *s)
{
	memset(in->warc_status, 0, sizeof(in->warc_status));
	if (!strcmp(s, "all")) {
		memset(in->warc_status, 0xff, sizeof(in->warc_status));
		return;
	}
	char *copy = xstrdup(s), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		unsigned lo, hi;
		if (strlen(t) == 3 && t[0] >= '1' && t[0] <= '5' && (t[1] == 'x' || t[1] == 'X') &&
		    (t[2] == 'x' || t[2] == 'X')) {
			lo = (unsigned)(t[0] - '0') * 100;
			hi = lo + 99;
		} else if (strlen(t) == 3 && strspn(t, "0123456789") == 3 && t[0] >= '1' && t[0] <= '5') {
			lo = hi = (unsigned)atoi(t);
		} else {
			die(GRIST_EXIT_USAGE, "--warc-status: '%s' is not an HTTP status (100-599) or a "
			    "class such as 2xx", t);
		}
		for (unsigned c = lo; c <= hi; c++)
			in->warc_status[c >> 6] |= 1ull << (c & 63);
	}
	free(copy);
}

static void stats_inputs(struct ingest *in)
{
	struct buf *s = &in->run.stats.stage_json;
	buf_addstr(s, "\"inputs\":[");
	for (size_t i = 0; i < in->ninputs; i++) {
		const struct ingest_input *p = &in->inputs[i];
		buf_addstr(s, i ? ",{\"path\":" : "{\"path\":");
		struct buf tmp = BUF_INIT;
		utf8_repair(&tmp, p->path, strlen(p->path));
		json_string_encode(s, tmp.data, tmp.len);
		buf_release(&tmp);
		buf_addf(s, ",\"records_in\":%llu,\"records_out\":%llu,\"bytes_in\":%llu,\"rejected\":%llu,"
			 "\"error\":%s}", (unsigned long long)p->c.records_in,
			 (unsigned long long)p->c.records_out, (unsigned long long)p->c.bytes_in,
			 (unsigned long long)p->c.rejected, p->error ? "true" : "false");
	}
	buf_addch(s, ']');
}

enum {
	OPT_FORMAT = OPT_STAGE_BASE, OPT_SPLIT_LINES, OPT_BATCH_BYTES, OPT_HTML, OPT_WARC_TYPES,
	OPT_WARC_STATUS,
	OPT_FILES_FROM, OPT_KEEP_GOING, OPT_FAIL_FAST, OPT_READAHEAD, OPT_COLUMNS, OPT_CHAT,
};

static void parse_format(struct ingest *in, const char *v)
{
	static const struct {
		const char *name;
		enum ingest_format fmt;
		enum ingest_container cont;
	} tbl[] = {
		{ "auto", FMT_AUTO, CONT_AUTO }, { "jsonl", FMT_JSONL, CONT_AUTO },
		{ "text", FMT_TEXT, CONT_AUTO }, { "html", FMT_HTML, CONT_AUTO },
		{ "warc", FMT_WARC, CONT_AUTO }, { "tar", FMT_AUTO, CONT_TAR },
		{ "zip", FMT_AUTO, CONT_ZIP },   { "7z", FMT_AUTO, CONT_7Z },
		{ "cpio", FMT_AUTO, CONT_CPIO }, { "ar", FMT_AUTO, CONT_AR },
		{ "raw", FMT_AUTO, CONT_RAW },   { "wds", FMT_AUTO, CONT_WDS },
	};
	for (size_t i = 0; i < sizeof(tbl) / sizeof(tbl[0]); i++)
		if (!strcmp(v, tbl[i].name)) {
			if (tbl[i].cont != CONT_AUTO)
				in->container = tbl[i].cont;
			else
				in->format = tbl[i].fmt;
			if (!strcmp(v, "auto"))
				in->container = CONT_AUTO;
			return;
		}
	die(GRIST_EXIT_USAGE, "--format expects auto, jsonl, text, html, warc, tar, zip, 7z, cpio, "
	    "ar, raw or wds, got '%s'", v);
}

int cmd_ingest(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		RECORD_LONG_OPTIONS,
		{ "format", required_argument, 0, OPT_FORMAT },
		{ "split-lines", no_argument, 0, OPT_SPLIT_LINES },
		{ "batch-bytes", required_argument, 0, OPT_BATCH_BYTES },
		{ "html", required_argument, 0, OPT_HTML },
		{ "warc-types", required_argument, 0, OPT_WARC_TYPES },
		{ "warc-status", required_argument, 0, OPT_WARC_STATUS },
		{ "files-from", required_argument, 0, OPT_FILES_FROM },
		{ "keep-going", no_argument, 0, OPT_KEEP_GOING },
		{ "fail-fast", no_argument, 0, OPT_FAIL_FAST },
		{ "readahead", required_argument, 0, OPT_READAHEAD },
		{ "columns", required_argument, 0, OPT_COLUMNS },
		{ "chat", no_argument, 0, OPT_CHAT },
		{ 0, 0, 0, 0 },
	};
	static struct ingest in; /* static: batches and names outlive nothing but the run */
	memset(&in, 0, sizeof(in));
	common_opts_init(&in.co);
	in.batch_bytes = 1u << 20;
	in.readahead = 1;
	in.keep_going = 1; /* a damaged input does not hide the inputs after it (issue 11.4) */
	in.warc_types = WARC_T_CONVERSION | WARC_T_RESPONSE;
	parse_warc_status(&in, "2xx");
	const char *files_from = NULL;
	int c;
	opts_argv = argv; /* for lib/opts_bad.c */
	while ((c = getopt_long(argc, argv, COMMON_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (common_opt(&in.co, c, optarg, usage))
			continue;
		switch (c) {
		case OPT_FORMAT:
			parse_format(&in, optarg);
			break;
		case OPT_SPLIT_LINES:
			in.split_lines = 1;
			break;
		case OPT_HTML:
			if (!strcmp(optarg, "raw")) in.html_mode = HTML_RAW;
			else if (!strcmp(optarg, "text")) in.html_mode = HTML_TEXT;
			else if (!strcmp(optarg, "main")) in.html_mode = HTML_MAIN;
			else die(GRIST_EXIT_USAGE, "--html expects main, text or raw, got '%s'", optarg);
			break;
		case OPT_WARC_STATUS:
			parse_warc_status(&in, optarg);
			break;
		case OPT_WARC_TYPES:
			in.warc_types = parse_warc_types(optarg);
			break;
		case OPT_FILES_FROM:
			files_from = optarg;
			break;
		case OPT_KEEP_GOING:
			in.keep_going = in.keep_going_flag = 1;
			break;
		case OPT_FAIL_FAST:
			in.keep_going = in.keep_going_flag = 0;
			break;
		case OPT_READAHEAD:
			if (!strcmp(optarg, "on")) in.readahead = 1;
			else if (!strcmp(optarg, "off")) in.readahead = 0;
			else die(GRIST_EXIT_USAGE, "--readahead expects on or off, got '%s'", optarg);
			break;
		case OPT_BATCH_BYTES:
			in.batch_bytes = opts_batch_bytes(optarg);
			break;
		case OPT_COLUMNS:
			in.columns = optarg;
			break;
		case OPT_CHAT:
			in.chat = 1;
			break;
		default:
			usage(stderr);
			return GRIST_EXIT_USAGE;
		}
	}
	common_opts_finish(&in.co);
	/* Member names reach us converted to the locale's charset: make it UTF-8. */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	html_text_init();

	struct path_list paths = { 0 };
	struct buf err = BUF_INIT;
	for (int i = optind; i < argc; i++)
		if (walk_path(&paths, argv[i], &err) < 0)
			die(GRIST_EXIT_IO, "%s", err.data);
	if (files_from && walk_files_from(&paths, files_from, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	if (!paths.n && !files_from)
		walk_path(&paths, "-", &err);

	stage_run_init(&in.run, "ingest", &in.co, argc, argv);
	in.run.sample_mode = MODE_JSONL;
	static const char *const fmt_names[] = { "auto", "jsonl", "text", "html", "warc" };
	static const char *const cont_names[] = { "auto", "tar", "zip", "7z", "cpio", "ar", "raw", "wds" };
	stats_option_str(&in.run.stats, "format", fmt_names[in.format]);
	stats_option_str(&in.run.stats, "container", cont_names[in.container]);
	stats_option_num(&in.run.stats, "split_lines", in.split_lines);
	static const char *const html_names[] = { "main", "text", "raw" };
	stats_option_str(&in.run.stats, "html", html_names[in.html_mode]);
	stats_option_num(&in.run.stats, "keep_going", in.keep_going);
	stats_option_num(&in.run.stats, "chat", in.chat);
	/* Progress shows a percentage of the input size only when that size is what will be
	 * read through the input's source (source_input_bytes, compressed bytes for a compressed
	 * file): not for archives libarchive opens by name (a tar, a zip, or any --container). */
	int sized = in.container == CONT_AUTO;
	for (size_t i = 0; i < paths.n && sized; i++) {
		struct stat st;
		if (!strcmp(paths.v[i], "-") || stat(paths.v[i], &st) < 0 || !S_ISREG(st.st_mode)) {
			sized = 0;
			break;
		}
		in.run.stats.total_input += (uint64_t)st.st_size;
		unsigned char m[512];
		FILE *f = fopen(paths.v[i], "rb");
		size_t n = f ? fread(m, 1, sizeof(m), f) : 0;
		if (f)
			fclose(f);
		if (magic_of(m, n) == MAGIC_CONTAINER && codec_of_magic(m, n) == CODEC_NONE)
			sized = 0;
	}
	if (!sized)
		in.run.stats.total_input = 0;

	struct par_config pc = {
		.jobs = in.co.jobs, .work = ingest_work, .emit = ingest_emit, .shared = &in,
		.thread_new = ingest_thread_new, .thread_free = ingest_thread_free,
	};
	for (size_t i = 0; i < paths.n; i++)
		add_input(&in, paths.v[i]);
	if (in.co.jobs > 1 && paths.n > 1) {
		/* Several inputs: decode them in parallel too (ingest/lanes.c). */
		ingest_lanes_run(&in, paths.v, paths.n, in.co.jobs, ingest_emit);
	} else {
		in.par = par_new(&pc);
		for (size_t i = 0; i < paths.n && !in.stop; i++) {
			in.cur_input = i;
			ingest_open_input(&in, paths.v[i]);
		}
		par_finish(in.par);
	}

	stats_inputs(&in);
	size_t nfailed = 0;
	for (size_t i = 0; i < in.ninputs; i++)
		nfailed += in.inputs[i].error;
	if (in.failed) /* an input failed and the run went on: no -o file is published */
		stage_fail(&in.run, in.failed, "%zu of %zu input%s failed (named above)",
			   nfailed ? nfailed : 1, in.ninputs, in.ninputs > 1 ? "s" : "");
	int rc = stage_run_finish(&in.run);
	ingest_release_names(&in);
	for (size_t i = 0; i < in.ninputs; i++)
		free(in.inputs[i].path);
	free(in.inputs);
	path_list_release(&paths);
	buf_release(&err);
	return rc ? rc : in.failed;
}
