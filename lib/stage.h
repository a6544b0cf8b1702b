/*
 * What every record stage does around its own work: open the output (-o or stdout) and the
 * rejects file, emit finished batches in order (records, rejects, counts, warnings, a fatal
 * stop), draw progress, and at the end write --stats and the one-line summary.
 */
#ifndef GRIST_STAGE_H
#define GRIST_STAGE_H

#include "opts.h"
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
	uint64_t warnings;
	uint64_t bytes_read; /* for progress */
};

void stage_run_init(struct stage_run *r, const char *stage, const struct common_opts *o, int argc,
		    char **argv);
/* par_emit_fn-compatible: shared must be the struct stage_run. */
void stage_emit(void *run, struct batch *b);
/* Close outputs (committing files), write --stats, print the summary. Returns the exit code. */
int stage_run_finish(struct stage_run *r);

#endif
