#include "stage.h"

#include <string.h>

#include "die.h"

void stage_run_init(struct stage_run *r, const char *stage, const struct common_opts *o, int argc,
		    char **argv)
{
	memset(r, 0, sizeof(*r));
	r->opts = o;
	stats_init(&r->stats, stage, argc, argv);
	r->stats.progress = o->progress;
	if (o->output && strcmp(o->output, "-")) {
		output_open(&r->file_out, o->output);
		r->out = &r->file_out;
	} else {
		r->out = output_stdout();
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
	print_warnings(r, &b->warnings);
	r->bytes_read += b->len;
	stats_progress(&r->stats, r->bytes_read, 0);
	if (b->fatal.len) {
		/* Keep what came before the bad record, then stop: files under -o are not
		 * committed (the temporary is removed), stdout gets everything up to it. */
		if (r->out == output_stdout())
			output_flush(r->out);
		die(b->fatal_code ? b->fatal_code : GRIST_EXIT_DATA, "%s", b->fatal.data);
	}
}

int stage_run_finish(struct stage_run *r)
{
	struct buf err = BUF_INIT;
	stats_progress(&r->stats, r->bytes_read, 1);
	if (r->out == &r->file_out)
		output_close(&r->file_out);
	if (r->has_rejects)
		output_close(&r->rejects);
	if (r->opts->stats_path && stats_write(&r->stats, r->opts->stats_path, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	if (!r->opts->quiet)
		stats_summary(&r->stats, stderr);
	stats_release(&r->stats);
	buf_release(&err);
	return GRIST_EXIT_OK;
}
