/*
 * grist ingest: files, directories, archives, compressed streams and WARC -> JSONL records.
 *
 * This file holds the command (options, inputs, the run) and the batch and name plumbing the
 * readers share. Every input is read as a stream and recognised by its content (magic bytes),
 * not by its name (ingest/ingest_stream.c): gzip/zstd/xz/bzip2/lz4 streams and tar/zip/7z/
 * cpio/ar archives go through libarchive (ingest/archive.c), whose members come back to be
 * recognised in turn; "WARC/1.x" streams go to the WARC reader (ingest/warc.c); everything
 * else is a leaf: JSONL (one record per line), text (one record per file, or per line with
 * --split-lines) or HTML (one record, converted to text), chosen by --format, else by
 * extension, else by content. Files holding NUL bytes that no extension or --format vouches
 * for are rejected as binary.
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

const char *const ingest_rule_too_big = "max_doc_bytes";
const char *const ingest_rule_empty_file = "empty_file";
const char *const ingest_rule_binary = "binary_content";

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
	if (in->on_damage != ON_DAMAGE_FAIL_FAST) {
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
		json_string_encode_repair(s, p->path, strlen(p->path));
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

static const struct option ingest_longopts[] = {
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

/* One ingest option (not a common one); 0 when c is not an ingest option. */
static int ingest_opt(void *ctx, int c, const char *arg)
{
	struct ingest *in = ctx;
	switch (c) {
	case OPT_FORMAT:
		parse_format(in, arg);
		return 1;
	case OPT_SPLIT_LINES:
		in->split_lines = 1;
		return 1;
	case OPT_HTML:
		if (!strcmp(arg, "raw")) in->html_mode = HTML_RAW;
		else if (!strcmp(arg, "text")) in->html_mode = HTML_TEXT;
		else if (!strcmp(arg, "main")) in->html_mode = HTML_MAIN;
		else die(GRIST_EXIT_USAGE, "--html expects main, text or raw, got '%s'", arg);
		return 1;
	case OPT_WARC_STATUS:
		parse_warc_status(in, arg);
		return 1;
	case OPT_WARC_TYPES:
		in->warc_types = parse_warc_types(arg);
		return 1;
	case OPT_FILES_FROM:
		in->files_from = arg;
		return 1;
	case OPT_KEEP_GOING:
	case OPT_FAIL_FAST:
		in->on_damage = c == OPT_KEEP_GOING ? ON_DAMAGE_KEEP_GOING : ON_DAMAGE_FAIL_FAST;
		return 1;
	case OPT_READAHEAD:
		if (!strcmp(arg, "on")) in->readahead = 1;
		else if (!strcmp(arg, "off")) in->readahead = 0;
		else die(GRIST_EXIT_USAGE, "--readahead expects on or off, got '%s'", arg);
		return 1;
	case OPT_BATCH_BYTES:
		in->batch_bytes = opts_batch_bytes(arg);
		return 1;
	case OPT_COLUMNS:
		in->columns = arg;
		return 1;
	case OPT_CHAT:
		in->chat = 1;
		return 1;
	}
	return 0;
}

/* Options into *in (defaults first). Returns 0, or the exit code of a usage error. */
static int ingest_parse_options(struct ingest *in, int argc, char **argv)
{
	memset(in, 0, sizeof(*in));
	common_opts_init(&in->co);
	in->batch_bytes = 1u << 20;
	in->readahead = 1;
	in->on_damage = ON_DAMAGE_NEXT_INPUT; /* a damaged input does not hide the inputs after it
					       * (issue 11.4) */
	in->warc_types = WARC_T_CONVERSION | WARC_T_RESPONSE;
	parse_warc_status(in, "2xx");
	return opts_parse(&in->co, argc, argv, COMMON_SHORT_OPTIONS, ingest_longopts, usage,
			  ingest_opt, in);
}

/* The input paths: directories expanded, --files-from read, stdin when there are none. */
static void ingest_collect_paths(struct path_list *paths, int argc, char **argv,
				 const char *files_from)
{
	struct buf err = BUF_INIT;
	for (int i = optind; i < argc; i++)
		if (walk_path(paths, argv[i], &err) < 0)
			die(GRIST_EXIT_IO, "%s", err.data);
	if (files_from && walk_files_from(paths, files_from, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	if (!paths->n && !files_from)
		walk_path(paths, "-", &err);
	buf_release(&err);
}

static void ingest_stats_options(struct ingest *in)
{
	static const char *const fmt_names[] = { "auto", "jsonl", "text", "html", "warc" };
	static const char *const cont_names[] = { "auto", "tar", "zip", "7z", "cpio", "ar", "raw", "wds" };
	static const char *const html_names[] = { "main", "text", "raw" };
	struct stats *st = &in->run.stats;
	stats_option_str(st, "format", fmt_names[in->format]);
	stats_option_str(st, "container", cont_names[in->container]);
	stats_option_num(st, "split_lines", in->split_lines);
	stats_option_str(st, "html", html_names[in->html_mode]);
	stats_option_num(st, "keep_going", in->on_damage != ON_DAMAGE_FAIL_FAST);
	stats_option_num(st, "chat", in->chat);
}

/* Progress shows a percentage of the input size only when that size is what will be read
 * through the input's source (source_input_bytes, compressed bytes for a compressed file): not
 * for archives libarchive opens by name (a tar, a zip, or any --container). */
static uint64_t ingest_sized_total(const struct ingest *in, const struct path_list *paths)
{
	uint64_t total = 0;
	if (in->container != CONT_AUTO)
		return 0;
	for (size_t i = 0; i < paths->n; i++) {
		struct stat st;
		if (!strcmp(paths->v[i], "-") || stat(paths->v[i], &st) < 0 || !S_ISREG(st.st_mode))
			return 0;
		total += (uint64_t)st.st_size;
		unsigned char m[512];
		FILE *f = fopen(paths->v[i], "rb");
		size_t n = f ? fread(m, 1, sizeof(m), f) : 0;
		if (f)
			fclose(f);
		if (ingest_magic_libarchive_only(magic_of(m, n)))
			return 0;
	}
	return total;
}

/* Read every input: on this thread into the -j workers, or in decoder lanes (ingest/lanes.c). */
static void ingest_run_inputs(struct ingest *in, const struct path_list *paths)
{
	for (size_t i = 0; i < paths->n; i++)
		add_input(in, paths->v[i]);
	if (in->co.jobs > 1 && paths->n > 1) {
		ingest_lanes_run(in, paths->v, paths->n, in->co.jobs, ingest_emit);
		return;
	}
	struct par_config pc = {
		.jobs = in->co.jobs, .work = ingest_work, .emit = ingest_emit, .shared = in,
		.thread_new = ingest_thread_new, .thread_free = ingest_thread_free,
	};
	in->par = par_new(&pc);
	for (size_t i = 0; i < paths->n && !in->stop; i++) {
		in->cur_input = i;
		ingest_open_input(in, paths->v[i]);
	}
	par_finish(in->par);
}

/* Stats, the exit rule (an input failed and the run went on: no -o file is published). */
static int ingest_finish(struct ingest *in)
{
	stats_inputs(in);
	size_t nfailed = 0;
	for (size_t i = 0; i < in->ninputs; i++)
		nfailed += in->inputs[i].error;
	if (in->failed)
		stage_fail(&in->run, in->failed, "%zu of %zu input%s failed (named above)",
			   nfailed ? nfailed : 1, in->ninputs, in->ninputs > 1 ? "s" : "");
	int rc = stage_run_finish(&in->run);
	ingest_release_names(in);
	for (size_t i = 0; i < in->ninputs; i++)
		free(in->inputs[i].path);
	free(in->inputs);
	return rc ? rc : in->failed;
}

int cmd_ingest(int argc, char **argv)
{
	static struct ingest in; /* static: batches and names outlive nothing but the run */
	int rc = ingest_parse_options(&in, argc, argv);
	if (rc)
		return rc;
	/* Member names reach us converted to the locale's charset: make it UTF-8. */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	html_text_init();
	struct path_list paths = { 0 };
	ingest_collect_paths(&paths, argc, argv, in.files_from);
	stage_run_init(&in.run, "ingest", &in.co, argc, argv);
	in.run.sample_mode = MODE_JSONL;
	ingest_stats_options(&in);
	in.run.stats.total_input = ingest_sized_total(&in, &paths);
	ingest_run_inputs(&in, &paths);
	rc = ingest_finish(&in);
	path_list_release(&paths);
	return rc;
}
