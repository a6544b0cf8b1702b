#include "stage.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diagnose.h"
#include "die.h"
#include "xalloc.h"

#define STAGE_SAMPLE_BYTES (64u << 10)

void stage_run_init(struct stage_run *r, const char *stage, const struct common_opts *o, int argc,
		    char **argv)
{
	stage_check_outputs(o, NULL, NULL);
	memset(r, 0, sizeof(*r));
	buf_init(&r->sample, 0);
	r->opts = o;
	stats_init(&r->stats, stage, argc, argv);
	r->stats.progress = o->progress;
	if (o->output && strcmp(o->output, "-")) {
		output_open(&r->file_out, o->output);
		r->out = &r->file_out;
	} else {
		r->out = output_stdout();
	}
	if (o->stats_path) { /* per-source counts (lib/stats.h) */
		stats_by_source = 1;
		r->stats.sources = source_table_new();
	}
	if (o->rejects_path) {
		output_open(&r->rejects, o->rejects_path);
		r->has_rejects = 1;
	}
	stats_option_str(&r->stats, "output", o->output ? o->output : "-");
	stats_option_num(&r->stats, "jobs", o->jobs);
	stats_option_str(&r->stats, "text_field", o->text_field);
	stats_option_str(&r->stats, "id_field", o->id_field);
	stats_option_str(&r->stats, "on_missing",
			 o->on_missing == ON_MISSING_SKIP ? "skip" : o->on_missing == ON_MISSING_EMPTY ? "empty" : "error");
	stats_option_str(&r->stats, "on_invalid", o->on_invalid == ON_INVALID_SKIP ? "skip" : "error");
	stats_option_num(&r->stats, "max_doc_bytes", (double)o->max_doc_bytes);
}

void stage_check_outputs(const struct common_opts *o, const char *option, const char *path)
{
	const struct atomic_name names[] = {
		{ "-o", o->output }, { "--rejects", o->rejects_path }, { "--stats", o->stats_path },
		{ option, path },
	};
	struct buf err = BUF_INIT;
	if (atomic_check_distinct(names, option ? 4 : 3, &err) < 0)
		die(GRIST_EXIT_USAGE, "%s", err.data);
	buf_release(&err);
}

static void print_warnings(struct stage_run *r, const struct buf *w)
{
	const char *p = w->data, *end = w->data + w->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (r->warnings < STAGE_MAX_WARNINGS && !r->opts->quiet)
			warning("%.*s", (int)n, p);
		else if (r->warnings == STAGE_MAX_WARNINGS && !r->opts->quiet)
			warning("further warnings not shown (see the summary, --stats and --rejects)");
		r->warnings++;
		p += n + 1;
	}
}

void stage_emit(void *run, struct batch *b)
{
	struct stage_run *r = run;
	output_write(r->out, b->out.data, b->out.len);
	if (r->has_rejects)
		output_write(&r->rejects, b->rejects.data, b->rejects.len);
	b->counts.bytes_in += b->len;
	b->counts.bytes_out += b->out.len;
	counts_merge(&r->stats.c, &b->counts);
	if (b->srcs && r->stats.sources)
		source_table_merge(r->stats.sources, b->srcs);
	print_warnings(r, &b->warnings);
	r->bytes_read += b->len;
	stats_progress(&r->stats, r->bytes_read, 0);
	if (!r->sample.len && b->len && b->mode == r->sample_mode && b->lineno0 == 1) {
		/* whole lines from the start of an input (b->data is not changed by the workers) */
		size_t n = b->len < STAGE_SAMPLE_BYTES ? b->len : STAGE_SAMPLE_BYTES;
		const char *nl = n < b->len ? memrchr(b->data, '\n', n) : NULL;
		buf_add(&r->sample, b->data, nl ? (size_t)(nl - b->data) + 1 : n);
	}
	if (b->fatal.len) {
		/* Keep what came before the bad record, then stop: files under -o are not
		 * committed (the temporary is removed), stdout gets everything up to it. */
		if (r->out == output_stdout())
			output_flush(r->out);
		die(b->fatal_code ? b->fatal_code : GRIST_EXIT_DATA, "%s", b->fatal.data);
	}
}

/* Every record read was dropped by the record rules: say why and fail (nothing committed). */
void stage_check_all_dropped(struct stage_run *r)
{
	const struct counts *c = &r->stats.c;
	struct buf rules = BUF_INIT, why = BUF_INIT;
	uint64_t dropped = diagnose_record_drops(c, &rules);
	if (!c->records_in || dropped < c->records_in) {
		buf_release(&rules);
		return;
	}
	if (counts_rule(c, "unrecognized_layout") == dropped)
		buf_addstr(&why, "no record is in a chat layout --chat knows (OpenAI messages, ShareGPT "
			   "conversations, Alpaca instruction/output, prompt/completion; docs/chat.md)");
	else if (r->sample.len)
		diagnose_input(&why, r->sample.data, r->sample.len, r->opts);
	else if (counts_rule(c, "binary_content"))
		buf_addstr(&why, "the input is binary data (NUL bytes) in no format grist reads");
	else
		buf_addstr(&why, "see the warnings above, or --rejects FILE");
	stage_fail(r, GRIST_EXIT_DATA, "all %llu records were dropped (%s): %s",
		   (unsigned long long)dropped, rules.data, why.data);
}

void stage_fail(struct stage_run *r, int code, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	stats_progress(&r->stats, r->bytes_read, 1);
	if (r->out == output_stdout())
		output_flush(r->out); /* stdout keeps what was written, as after a fatal batch */
	if (!r->opts->quiet)
		stats_summary(&r->stats, stderr);
	die(code, "%s", msg.data);
}

int stage_run_finish(struct stage_run *r)
{
	struct buf err = BUF_INIT;
	stats_progress(&r->stats, r->bytes_read, 1);
	stage_check_all_dropped(r);
	if (r->out == &r->file_out)
		output_close_into(&r->file_out, &r->set);
	if (r->has_rejects)
		output_close_into(&r->rejects, &r->set);
	if (r->opts->stats_path && stats_write_into(&r->stats, r->opts->stats_path, &r->set, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	if (atomic_set_commit(&r->set, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	if (!r->opts->quiet)
		stats_summary(&r->stats, stderr);
	if (!r->opts->quiet && !r->stats.c.records_in)
		warning("no records in the input");
	else if (!r->opts->quiet && !r->stats.c.records_out)
		warning("all %llu records were removed (%llu rejected; see the summary, --stats and "
			"--rejects)", (unsigned long long)r->stats.c.records_in,
			(unsigned long long)r->stats.c.rejected);
	stats_release(&r->stats);
	buf_release(&r->sample);
	buf_release(&err);
	return GRIST_EXIT_OK;
}

void record_check_init(struct record_check *c)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->value, 0);
	buf_init(&c->reason, 0);
	c->v = json_validator_new();
	if (!c->v)
		die(GRIST_EXIT_INTERNAL, "out of memory (allocating the JSON parser)");
}

void record_check_release(struct record_check *c)
{
	buf_release(&c->value);
	buf_release(&c->reason);
	json_validator_free(c->v);
	c->v = NULL;
}

void stage_fatal(struct batch *b, const char *what, uint64_t lineno, uint64_t offset,
		 const char *reason)
{
	buf_addf(&b->fatal, "%s at %s:%llu byte %llu: %s", what, b->source,
		 (unsigned long long)lineno, (unsigned long long)offset, reason);
	b->fatal_code = GRIST_EXIT_DATA;
}

/* A record with "messages" and no text field, parsed: its verdict (see stage.h). */
static enum record_verdict check_chat(const struct common_opts *o, struct record_check *c,
				      enum chat_status cs)
{
	if (cs != CHAT_OK) {
		c->rule = chat_reject_rule(cs);
		return RECORD_DROP;
	}
	c->text_len = chat_content_bytes(c->chat);
	if (c->text_len > o->max_doc_bytes) {
		buf_addf(&c->value, "%llu", (unsigned long long)c->text_len);
		c->rule = "max_doc_bytes";
		return RECORD_DROP;
	}
	return RECORD_CHAT;
}

enum record_verdict stage_check_record(struct batch *b, const struct common_opts *o,
				       const struct line *l, struct record *r, struct record_check *c)
{
	size_t off = 0;
	buf_reset(&c->reason);
	buf_reset(&c->value);
	c->rule = NULL;
	c->raw = 0;
	c->text_len = 0;
	b->counts.records_in++;
	if (record_parse(c->v, l, o, r, &c->reason, &off) < 0) {
		if (o->on_invalid == ON_INVALID_ERROR) {
			stage_fatal(b, "invalid JSON", l->lineno, l->offset + off, c->reason.data);
			return RECORD_STOP;
		}
		buf_addf(&b->warnings, "invalid JSON at %s:%llu byte %llu: %s (skipped)\n", b->source,
			 (unsigned long long)l->lineno, (unsigned long long)(l->offset + off),
			 c->reason.data);
		struct buf msg = BUF_INIT;
		buf_addf(&msg, "invalid JSON at byte %llu: %s", (unsigned long long)off, c->reason.data);
		json_string_encode(&c->value, msg.data, msg.len);
		buf_release(&msg);
		c->rule = "invalid_json";
		c->raw = 1;
		return RECORD_DROP;
	}
	if (r->has_source && r->source.type == JV_STRING) {
		b->line_src = r->source.val;
		b->line_src_len = r->source.val_len;
	}
	if (r->text_status == TEXT_MISSING && c->chat) {
		enum chat_status cs = chat_parse_record(c->chat, r);
		if (cs != CHAT_NO_MESSAGES)
			return check_chat(o, c, cs);
	}
	if (r->text_status != TEXT_OK) {
		const char *what = r->text_status == TEXT_MISSING ? "missing"
				   : r->text_status == TEXT_NULL ? "null" : "not a string";
		if (o->on_missing == ON_MISSING_ERROR) {
			struct buf why = BUF_INIT;
			buf_addf(&why, "field \"%s\" is %s", o->text_field, what);
			stage_fatal(b, "bad record", l->lineno, l->offset, why.data);
			buf_release(&why);
			return RECORD_STOP;
		}
		c->rule = r->text_status == TEXT_MISSING ? "missing_text"
			  : r->text_status == TEXT_NULL ? "null_text" : "text_not_string";
		if (o->on_missing == ON_MISSING_ANY)
			return RECORD_EMPTY;
		if (o->on_missing == ON_MISSING_EMPTY) {
			/* Kept with "": a note under the rule skip would reject it by, in every stage
			 * (docs/design.md, "Empty texts"); never a reject, as it is not dropped. */
			counts_note(&b->counts, c->rule, 1);
			return RECORD_EMPTY;
		}
		return RECORD_DROP;
	}
	c->text_len = record_text_len(r, o->max_doc_bytes);
	if (c->text_len > o->max_doc_bytes) {
		buf_addf(&c->value, "%llu", (unsigned long long)c->text_len);
		c->rule = "max_doc_bytes";
		return RECORD_DROP;
	}
	return RECORD_KEEP;
}

void stage_reject(struct batch *b, const char *stage, const struct line *l,
		  const struct record *r, const struct record_check *c)
{
	counts_reject(&b->counts, c->rule);
	reject_write(&b->rejects, stage, c->rule, c->value.len ? c->value.data : NULL, b->source,
		     l->lineno, c->raw ? l->p : r->line, c->raw ? l->len : r->len, c->raw, NULL);
}

void stage_read_input(struct par *par, const char *path, size_t batch_bytes, int mode,
		      struct name_list *names)
{
	struct source src;
	struct buf err = BUF_INIT;
	if (source_open_input(&src, path, 1, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	struct batch_reader rd;
	batch_reader_init(&rd, &src, batch_bytes);
	for (;;) {
		struct batch *b = par_get_batch(par);
		int rc = batch_reader_next(&rd, b, &err);
		if (rc < 0) {
			/* Emitted after every record read before the damage: those come out, then the
			 * error (a damaged compressed stream is bad data, exit 1; a read error is I/O). */
			b->len = 0;
			b->source = src.name;
			b->mode = mode;
			buf_addstr(&b->fatal, err.data);
			b->fatal_code = source_fail_exit(&src);
			par_submit(par, b);
			break;
		}
		if (rc == 0) {
			par_return_batch(par, b);
			break;
		}
		b->mode = mode;
		par_submit(par, b);
	}
	batch_reader_release(&rd);
	buf_release(&err);
	ALLOC_GROW(names->names, names->n + 1, names->alloc);
	names->names[names->n++] = src.name;
	src.name = NULL;
	source_close(&src);
}

void name_list_release(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	memset(l, 0, sizeof(*l));
}

uint64_t stage_input_size(int argc, char *const *argv, int first)
{
	uint64_t total = 0;
	for (int i = first; i < argc; i++) {
		struct stat st;
		if (strcmp(argv[i], "-") && stat(argv[i], &st) == 0 && S_ISREG(st.st_mode))
			total += (uint64_t)st.st_size;
	}
	return total;
}

void stage_read_inputs(struct stage_run *run, struct par *par, int argc, char **argv, int first,
		       size_t batch_bytes, int mode, struct name_list *names)
{
	run->stats.total_input += stage_input_size(argc, argv, first);
	run->stats.input_base = source_input_bytes(); /* not the files read before (--against) */
	if (first >= argc)
		stage_read_input(par, "-", batch_bytes, mode, names);
	for (int i = first; i < argc; i++)
		stage_read_input(par, argv[i], batch_bytes, mode, names);
}
