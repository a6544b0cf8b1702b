/*
 * grist ingest: files -> JSONL records.
 *
 * Inputs (this file): JSONL (.jsonl/.json/.ndjson, one object per line) and plain text (.txt:
 * one record per file, or per line with --split-lines); the format is taken from the file
 * extension, else sniffed from the first non-blank byte ('{' means JSONL), or forced with
 * --format. Every record gets `id` (kept from --id-field when present, else SOURCE:LINE) and
 * `source` (the input path) when it lacks them; all its other fields pass through byte-for-byte.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "builtin.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/opts.h"
#include "lib/parallel.h"
#include "lib/record.h"
#include "lib/source.h"
#include "lib/stage.h"
#include "lib/xalloc.h"

enum ingest_format { FMT_AUTO, FMT_JSONL, FMT_TEXT };
enum batch_mode { MODE_JSONL = 1, MODE_TEXT_LINES, MODE_TEXT_WHOLE };

struct ingest {
	struct common_opts co;
	enum ingest_format format;
	int split_lines;
	size_t batch_bytes;
	int64_t total_size;
	char **names; /* source names, alive until the end of the run */
	size_t nnames, names_alloc;
	struct stage_run run;
};

static const char *const rule_invalid = "invalid_json";
static const char *const rule_missing = "missing_text";
static const char *const rule_null = "null_text";
static const char *const rule_not_string = "text_not_string";
static const char *const rule_too_big = "max_doc_bytes";
static const char *const rule_empty_file = "empty_file";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: grist ingest [OPTIONS] [FILE...|-]\n\n"
		"Read JSONL and text files (stdin when none or '-') and write JSONL records with\n"
		"`id`, `text` and `source`; other fields of JSONL records pass through unchanged.\n\n"
		"Ingest options:\n"
		"  --format FMT          auto|jsonl|text (default: auto: by extension, else by content)\n"
		"  --split-lines         text inputs: one record per non-blank line (default: per file)\n"
		"  --batch-bytes N       bytes of input per work batch (default: 1M)\n");
	common_opts_help(f, 1);
}

/* Append ,"id":"SRC:LINE" and ,"source":"SRC" unless the record has them. */
static void add_ingest_fields(struct buf *extra, const char *source, uint64_t lineno, int has_id,
			      int has_source, const char *id_field)
{
	struct buf tmp = BUF_INIT;
	if (!has_id) {
		buf_addch(extra, ',');
		json_string_encode(extra, id_field, strlen(id_field));
		buf_addch(extra, ':');
		utf8_repair(&tmp, source, strlen(source));
		buf_addf(&tmp, ":%llu", (unsigned long long)lineno);
		json_string_encode(extra, tmp.data, tmp.len);
		buf_reset(&tmp);
	}
	if (!has_source) {
		buf_addstr(extra, ",\"source\":");
		utf8_repair(&tmp, source, strlen(source));
		json_string_encode(extra, tmp.data, tmp.len);
	}
	buf_release(&tmp);
}

struct ingest_thread {
	struct json_validator *v;
	struct buf extra, reason, text;
};

static void *thread_new(void *shared)
{
	struct ingest_thread *t = xcalloc(1, sizeof(*t));
	buf_init(&t->extra, 0);
	buf_init(&t->reason, 0);
	buf_init(&t->text, 0);
	t->v = json_validator_new();
	if (!t->v)
		die(GRIST_EXIT_INTERNAL, "cannot allocate the JSON parser");
	return t;
}

static void thread_free(void *p)
{
	struct ingest_thread *t = p;
	json_validator_free(t->v);
	buf_release(&t->extra);
	buf_release(&t->reason);
	buf_release(&t->text);
	free(t);
}

static void set_fatal(struct batch *b, const char *what, const char *source, uint64_t lineno,
		      uint64_t offset, const char *reason)
{
	buf_addf(&b->fatal, "%s at %s:%llu byte %llu: %s", what, source, (unsigned long long)lineno,
		 (unsigned long long)offset, reason);
	b->fatal_code = GRIST_EXIT_DATA;
}

static int jsonl_line(struct ingest *in, struct ingest_thread *t, struct batch *b,
		      const struct line *l)
{
	const struct common_opts *o = &in->co;
	struct record r;
	size_t off = 0;
	b->counts.records_in++;
	buf_reset(&t->reason);
	if (record_parse(t->v, l, o, &r, &t->reason, &off) < 0) {
		if (o->on_invalid == ON_INVALID_ERROR) {
			set_fatal(b, "invalid JSON", b->source, l->lineno, l->offset + off, t->reason.data);
			return -1;
		}
		buf_addf(&b->warnings, "invalid JSON at %s:%llu byte %llu: %s (skipped)\n", b->source,
			 (unsigned long long)l->lineno, (unsigned long long)(l->offset + off),
			 t->reason.data);
		counts_reject(&b->counts, rule_invalid);
		struct buf v = BUF_INIT;
		buf_addf(&v, "invalid JSON at byte %llu: %s", (unsigned long long)off, t->reason.data);
		struct buf vj = BUF_INIT;
		json_string_encode(&vj, v.data, v.len);
		reject_write(&b->rejects, "ingest", rule_invalid, vj.data, b->source, l->lineno, l->p,
			     l->len, 1, NULL);
		buf_release(&v);
		buf_release(&vj);
		return 0;
	}
	int empty_text = 0;
	if (r.text_status != TEXT_OK) {
		const char *rule = r.text_status == TEXT_MISSING ? rule_missing
				   : r.text_status == TEXT_NULL ? rule_null : rule_not_string;
		if (o->on_missing == ON_MISSING_ERROR) {
			struct buf why = BUF_INIT;
			buf_addf(&why, "field \"%s\" is %s", o->text_field,
				 r.text_status == TEXT_MISSING ? "missing"
				 : r.text_status == TEXT_NULL ? "null" : "not a string");
			set_fatal(b, "bad record", b->source, l->lineno, l->offset, why.data);
			buf_release(&why);
			return -1;
		}
		if (o->on_missing == ON_MISSING_SKIP) {
			counts_reject(&b->counts, rule);
			reject_write(&b->rejects, "ingest", rule, NULL, b->source, l->lineno, r.line,
				     r.len, 0, NULL);
			return 0;
		}
		empty_text = 1;
		counts_add_rule(&b->counts, "emptied_text", 1);
	} else {
		uint64_t n = record_text_len(&r, o->max_doc_bytes);
		if (n > o->max_doc_bytes) {
			char v[32];
			snprintf(v, sizeof(v), "%llu", (unsigned long long)n);
			counts_reject(&b->counts, rule_too_big);
			reject_write(&b->rejects, "ingest", rule_too_big, v, b->source, l->lineno, r.line,
				     r.len, 0, NULL);
			return 0;
		}
		counts_text_length(&b->counts, n);
	}
	buf_reset(&t->extra);
	add_ingest_fields(&t->extra, b->source, l->lineno, r.has_id, r.has_source, o->id_field);
	if (empty_text) {
		counts_text_length(&b->counts, 0);
		record_write_text(&b->out, &r, o->text_field, "", 0, t->extra.data, t->extra.len);
	} else {
		record_write(&b->out, &r, t->extra.data, t->extra.len);
	}
	buf_addch(&b->out, '\n');
	b->counts.records_out++;
	return 0;
}

static void text_record(struct ingest *in, struct ingest_thread *t, struct batch *b,
			const char *p, size_t n, uint64_t lineno)
{
	const struct common_opts *o = &in->co;
	buf_reset(&t->text);
	size_t bad = utf8_repair(&t->text, p, n);
	if (bad) {
		counts_add_rule(&b->counts, "utf8_replaced", bad);
		buf_addf(&b->warnings, "%s:%llu: %zu invalid UTF-8 sequence(s) replaced by U+FFFD\n",
			 b->source, (unsigned long long)lineno, bad);
	}
	buf_addch(&b->out, '{');
	json_string_encode(&b->out, o->id_field, strlen(o->id_field));
	buf_addch(&b->out, ':');
	struct buf id = BUF_INIT;
	utf8_repair(&id, b->source, strlen(b->source));
	buf_addf(&id, ":%llu", (unsigned long long)lineno);
	json_string_encode(&b->out, id.data, id.len);
	buf_addch(&b->out, ',');
	json_string_encode(&b->out, o->text_field, strlen(o->text_field));
	buf_addch(&b->out, ':');
	json_string_encode(&b->out, t->text.data, t->text.len);
	buf_addstr(&b->out, ",\"source\":");
	buf_reset(&id);
	utf8_repair(&id, b->source, strlen(b->source));
	json_string_encode(&b->out, id.data, id.len);
	buf_addstr(&b->out, "}\n");
	buf_release(&id);
	counts_text_length(&b->counts, t->text.len);
	b->counts.records_out++;
}

static void ingest_work(void *shared, void *thread_state, struct batch *b)
{
	struct ingest *in = shared;
	struct ingest_thread *t = thread_state;
	if (b->mode == MODE_TEXT_WHOLE) {
		b->counts.records_in++;
		if (b->len == 0) {
			counts_reject(&b->counts, rule_empty_file);
			reject_write(&b->rejects, "ingest", rule_empty_file, NULL, b->source, 1, "", 0, 1, NULL);
			return;
		}
		text_record(in, t, b, b->data, b->len, 1);
		return;
	}
	struct line_iter it;
	struct line l;
	line_iter_init(&it, b);
	while (batch_next_line(b, &it, &l)) {
		if (line_is_blank(&l))
			continue;
		if (b->mode == MODE_TEXT_LINES) {
			b->counts.records_in++;
			text_record(in, t, b, l.p, l.len, l.lineno);
		} else if (jsonl_line(in, t, b, &l) < 0) {
			return;
		}
	}
}

static void ingest_emit(void *shared, struct batch *b)
{
	struct ingest *in = shared;
	stage_emit(&in->run, b);
}

static const char *ext_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	return dot ? dot + 1 : "";
}

static enum ingest_format format_by_name(const char *path)
{
	const char *e = ext_of(path);
	if (!strcmp(e, "jsonl") || !strcmp(e, "json") || !strcmp(e, "ndjson"))
		return FMT_JSONL;
	if (!strcmp(e, "txt") || !strcmp(e, "text") || !strcmp(e, "md"))
		return FMT_TEXT;
	return FMT_AUTO;
}

static enum ingest_format sniff(const char *p, size_t n)
{
	size_t i = 0;
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i < n && p[i] == '{' ? FMT_JSONL : FMT_TEXT;
}

/* Submit a whole text source as one record; `prefix` holds bytes already read from it. */
static void ingest_whole_text(struct ingest *in, struct par *par, struct source *src,
			      const char *prefix, size_t prefix_len)
{
	struct buf all = BUF_INIT, err = BUF_INIT;
	buf_add(&all, prefix, prefix_len);
	int rc = all.len > in->co.max_doc_bytes ? -1
		 : source_read_all(src, &all, in->co.max_doc_bytes, &err);
	struct batch *b = par_get_batch(par);
	b->source = src->name;
	b->lineno0 = 1;
	if (rc < 0 && src->consumed <= in->co.max_doc_bytes && all.len <= in->co.max_doc_bytes)
		die(GRIST_EXIT_IO, "%s", err.data);
	if (rc < 0) {
		/* Larger than the limit: a counted reject, not a stop. (Remaining bytes are not
		 * read: the size is at least what was seen.) */
		b->mode = MODE_JSONL; /* no lines: only the counts below */
		b->counts.records_in++;
		char v[32];
		snprintf(v, sizeof(v), "%llu", (unsigned long long)src->consumed);
		counts_reject(&b->counts, rule_too_big);
		reject_write(&b->rejects, "ingest", rule_too_big, v, src->name, 1, "", 0, 1, NULL);
		buf_addf(&b->warnings, "%s: larger than --max-doc-bytes %llu (skipped)\n", src->name,
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
		b->mode = MODE_TEXT_WHOLE;
	}
	par_submit(par, b);
	buf_release(&all);
	buf_release(&err);
}

static void ingest_source(struct ingest *in, struct par *par, const char *path)
{
	struct source src;
	struct buf err = BUF_INIT;
	if (source_open_file(&src, path, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	if (in->total_size >= 0 && src.size >= 0)
		in->total_size += src.size;
	enum ingest_format fmt = in->format != FMT_AUTO ? in->format : format_by_name(path);
	if (fmt == FMT_TEXT && !in->split_lines) {
		ingest_whole_text(in, par, &src, "", 0);
	} else {
		struct batch_reader rd;
		batch_reader_init(&rd, &src, in->batch_bytes);
		int mode = fmt == FMT_JSONL ? MODE_JSONL : fmt == FMT_TEXT ? MODE_TEXT_LINES : 0;
		for (;;) {
			struct batch *b = par_get_batch(par);
			int rc = batch_reader_next(&rd, b, &err);
			if (rc < 0)
				die(GRIST_EXIT_IO, "%s", err.data);
			if (rc == 0) {
				par_return_batch(par, b);
				break;
			}
			if (!mode && sniff(b->data, b->len) == FMT_JSONL)
				mode = MODE_JSONL;
			else if (!mode && in->split_lines)
				mode = MODE_TEXT_LINES;
			else if (!mode) {
				/* Text, one record per file: everything read so far is its start. */
				struct buf head = BUF_INIT;
				buf_add(&head, b->data, b->len);
				buf_add(&head, rd.carry, rd.carry_len);
				par_return_batch(par, b);
				ingest_whole_text(in, par, &src, head.data, head.len);
				buf_release(&head);
				break;
			}
			b->mode = mode;
			par_submit(par, b);
		}
		batch_reader_release(&rd);
	}
	buf_release(&err);
	/* Batches still in flight refer to the name: it lives until the end of the run. */
	ALLOC_GROW(in->names, in->nnames + 1, in->names_alloc);
	in->names[in->nnames++] = src.name;
	src.name = NULL;
	source_close(&src);
}

enum { OPT_FORMAT = OPT_STAGE_BASE, OPT_SPLIT_LINES, OPT_BATCH_BYTES };

int cmd_ingest(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONG_OPTIONS,
		RECORD_LONG_OPTIONS,
		{ "format", required_argument, 0, OPT_FORMAT },
		{ "split-lines", no_argument, 0, OPT_SPLIT_LINES },
		{ "batch-bytes", required_argument, 0, OPT_BATCH_BYTES },
		{ 0, 0, 0, 0 },
	};
	struct ingest in;
	memset(&in, 0, sizeof(in));
	common_opts_init(&in.co);
	in.batch_bytes = 1u << 20;
	int c;
	while ((c = getopt_long(argc, argv, COMMON_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (common_opt(&in.co, c, optarg, usage))
			continue;
		switch (c) {
		case OPT_FORMAT:
			if (!strcmp(optarg, "auto")) in.format = FMT_AUTO;
			else if (!strcmp(optarg, "jsonl")) in.format = FMT_JSONL;
			else if (!strcmp(optarg, "text")) in.format = FMT_TEXT;
			else die(GRIST_EXIT_USAGE, "--format expects auto, jsonl or text, got '%s'", optarg);
			break;
		case OPT_SPLIT_LINES:
			in.split_lines = 1;
			break;
		case OPT_BATCH_BYTES: {
			uint64_t v;
			if (parse_size(optarg, &v) < 0 || v < 1024 || v > (1ull << 30))
				die(GRIST_EXIT_USAGE, "--batch-bytes expects a size from 1K to 1G, got '%s'", optarg);
			in.batch_bytes = (size_t)v;
			break;
		}
		default:
			usage(stderr);
			return GRIST_EXIT_USAGE;
		}
	}
	common_opts_finish(&in.co);
	stage_run_init(&in.run, "ingest", &in.co, argc, argv);
	stats_option_str(&in.run.stats, "format",
			 in.format == FMT_AUTO ? "auto" : in.format == FMT_JSONL ? "jsonl" : "text");
	stats_option_num(&in.run.stats, "split_lines", in.split_lines);

	struct par_config pc = {
		.jobs = in.co.jobs, .work = ingest_work, .emit = ingest_emit, .shared = NULL,
		.thread_new = thread_new, .thread_free = thread_free,
	};
	/* work() gets the ingest state, emit() the stage run: route through one shared struct. */
	pc.shared = &in;
	struct par *par = par_new(&pc);
	int ninputs = argc - optind;
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (strcmp(argv[i], "-") && stat(argv[i], &st) == 0 && S_ISREG(st.st_mode))
			in.run.stats.total_input += (uint64_t)st.st_size;
	}
	if (ninputs == 0)
		ingest_source(&in, par, "-");
	for (int i = optind; i < argc; i++)
		ingest_source(&in, par, argv[i]);
	par_finish(par);
	int rc = stage_run_finish(&in.run);
	for (size_t i = 0; i < in.nnames; i++)
		free(in.names[i]);
	free(in.names);
	return rc;
}
