/*
 * What every record stage does around its own work: open the output (-o or stdout) and the
 * rejects file, emit finished batches in order (records, rejects, counts, warnings, a fatal
 * stop), draw progress, and at the end write --stats and the one-line summary.
 */
#ifndef GRIST_STAGE_H
#define GRIST_STAGE_H

#include "chat.h"
#include "opts.h"
#include "parallel.h"
#include "output.h"
#include "record.h"
#include "stats.h"

#define STAGE_MAX_WARNINGS 20

struct stage_run {
	const struct common_opts *opts;
	struct stats stats;
	struct output *out;
	struct output file_out;
	struct output rejects;
	int has_rejects;
	/* The command's output files, published together by stage_run_finish (lib/atomic.h); a
	 * command adds its other files here (a vocabulary, dedup's intermediate files). */
	struct atomic_set set;
	uint64_t warnings;
	uint64_t bytes_read; /* for progress */
	/* The start of the first input (its first batch of mode sample_mode), for the diagnosis
	 * when every record is dropped by the record rules (lib/diagnose.h). */
	struct buf sample;
	int sample_mode;
};

void stage_run_init(struct stage_run *r, const char *stage, const struct common_opts *o, int argc,
		    char **argv);
/* Refuse (exit 2) -o, --rejects, --stats and (option, path) when two lead to the same regular
 * file; option may be NULL. stage_run_init checks the three itself. */
void stage_check_outputs(const struct common_opts *o, const char *option, const char *path);
/* par_emit_fn-compatible: shared must be the struct stage_run. */
void stage_emit(void *run, struct batch *b);
/*
 * The record policies every stage applies to an input line, in one place: --on-invalid,
 * --on-missing, --max-doc-bytes. stage_check_record() parses the line and decides:
 *   RECORD_KEEP   a usable record (check->text_len is the decoded text length);
 *   RECORD_EMPTY  text missing/null/not a string under --on-missing=empty: use "" as the text
 *                 (counted here, as a note under check->rule);
 *   RECORD_DROP   skip it: check->rule, check->value (JSON, may be empty) and check->raw (the
 *                 line was not JSON) say why; stage_reject() counts it and writes the rejects
 *                 line (a stage with its own reject ordering may do that itself);
 *   RECORD_STOP   a strict policy failed: b->fatal names file, line, byte offset and reason;
 *   RECORD_CHAT   only when check->chat is set (a stage that takes conversations): the record
 *                 has no text field and a "messages" array, parsed into check->chat, whose
 *                 contents (chat_content_bytes, check->text_len) are within --max-doc-bytes.
 *                 A malformed conversation is RECORD_DROP with its chat rule; a record with
 *                 neither text nor messages follows --on-missing like any other.
 * It counts records_in; invalid lines also get a warning.
 */
enum record_verdict { RECORD_KEEP, RECORD_EMPTY, RECORD_DROP, RECORD_STOP, RECORD_CHAT };

struct record_check {
	struct json_validator *v; /* the thread's JSON parser (owned) */
	struct chat *chat;        /* set by stages that take chat records (not owned), else NULL */
	const char *rule;
	struct buf value;
	int raw;
	uint64_t text_len;
	struct buf reason; /* scratch */
};

/* Per-thread: allocates the JSON parser too (dies only when out of memory, like xmalloc). */
void record_check_init(struct record_check *c);
void record_check_release(struct record_check *c);
enum record_verdict stage_check_record(struct batch *b, const struct common_opts *o,
				       const struct line *l, struct record *r, struct record_check *c);
void stage_reject(struct batch *b, const char *stage, const struct line *l,
		  const struct record *r, const struct record_check *c);
/* Set the batch's fatal error: "WHAT at SOURCE:LINE byte OFFSET: REASON" (exit code 1). */
void stage_fatal(struct batch *b, const char *what, uint64_t lineno, uint64_t offset,
		 const char *reason);

/*
 * Read one input (a path, or "-") in batches of whole lines into the parallel engine, each batch
 * tagged with `mode`. The source name must outlive the batches in flight: it is appended to
 * *names (free them after par_finish). Dies on I/O errors.
 */
struct name_list {
	char **names;
	size_t n, alloc;
};
void stage_read_input(struct par *par, const char *path, size_t batch_bytes, int mode,
		      struct name_list *names);
void name_list_release(struct name_list *l);
/* All inputs argv[first..argc) (stdin when there are none), adding the sizes of regular files
 * to the progress total first. */
void stage_read_inputs(struct stage_run *run, struct par *par, int argc, char **argv, int first,
		       size_t batch_bytes, int mode, struct name_list *names);
/* Sum of the sizes of the regular files among argv[first..argc), for the progress line. */
uint64_t stage_input_size(int argc, char *const *argv, int first);

/*
 * Close outputs, write --stats, publish every file of the set together (an I/O error leaves
 * none under its final name), print the summary. Returns the exit code.
 * The exit rule of every record stage (docs/design.md section 5): when records were read and
 * every one was dropped by the record rules, it prints the summary, then dies with exit 1 and
 * one line saying what the input looks like and what to do (no file is published);
 * an empty input, or records all removed by the stage's own rules, warns and returns 0.
 */
int stage_run_finish(struct stage_run *r);
/* The failing half of that rule alone, for a stage that must stop earlier when it has nothing
 * to work on (tokenize train). Returns when the rule does not apply. */
void stage_check_all_dropped(struct stage_run *r);
/* The run failed after reading its input: print the summary, then die with `code` and the
 * message; no file (-o, --rejects, --stats) is published, as after any failure. */
__attribute__((noreturn, format(printf, 3, 4)))
void stage_fail(struct stage_run *r, int code, const char *fmt, ...);

#endif
