/*
 * grist run: one pipeline file, run locally or as Slurm job arrays (docs/run.md).
 *
 * A plan is made from the pipeline file alone (plus the sizes and times of the input files), so
 * the submitting process and every Slurm array task compute the same plan. The plan is a list of
 * phases; each phase is a list of units (one per task, one per band, or one); a unit is a chain
 * of grist stages run as processes joined by pipes. A unit is done when its marker file holds
 * the unit's hash, which covers everything the unit's output depends on: the pipeline line, its
 * input files (size and modification time) and the hashes of the units it reads from. Changing
 * any of those changes the hash, so the unit and everything after it runs again.
 */
#ifndef GRIST_RUN_H
#define GRIST_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

/* One stage of the pipeline line: its name and its words after the name. */
struct run_stage {
	char *name;
	char **args;
	size_t nargs;
};

struct run_input {
	char *path;   /* as the user wrote it, or joined from a directory / glob */
	uint64_t size;
	int64_t mtime_ns;
};

struct run_task {
	size_t first, n; /* inputs[first .. first+n) */
	uint64_t bytes;
};

struct run_kv {
	char *key, *value;
};

enum run_phase_kind {
	RUN_PHASE_TASK,    /* per task: the stages before dedup (then `dedup sign`), or all of them */
	RUN_PHASE_MATCH,   /* per band: dedup match */
	RUN_PHASE_CLUSTER, /* one: dedup cluster */
	RUN_PHASE_FILTER,  /* per task: dedup filter, then the stages after dedup */
	RUN_PHASE_SHARD,   /* one: shard over every task's token stream */
};

struct run_phase {
	enum run_phase_kind kind;
	const char *name; /* task, match, cluster, filter, shard */
	size_t units;
	uint64_t *hash; /* per unit */
};

struct run_plan {
	char *file;     /* the pipeline file as given */
	char *cwd;      /* where stages run (and relative paths resolve) */
	char *output;   /* run directory */
	char *pipeline; /* the pipeline line as written */
	char *prefix;   /* shard file-name prefix */
	int tasks_wanted;
	int jobs;
	int keep_rejects;
	struct run_input *inputs;
	size_t ninputs;
	struct run_task *tasks;
	size_t ntasks;
	struct run_stage *stages;
	size_t nstages;
	int dedup_at, tokenize_at, shard_at; /* stage index or -1 */
	int bands;                           /* dedup match units */
	struct run_kv *slurm;
	size_t nslurm;
	struct run_phase phases[5];
	size_t nphases;
	uint64_t hash; /* of the whole plan: what Slurm array tasks check */
	int progress;  /* stages get --progress (their figures feed grist run's progress line) */
};

/* run_plan.c: read the pipeline file and make the plan. -1 with a message in err; *code is the
 * exit code to use (2 for a bad file, 3 when it cannot be read). */
int run_plan_load(struct run_plan *p, const char *file, struct buf *err, int *code);
void run_plan_release(struct run_plan *p);
void run_plan_print(const struct run_plan *p, struct buf *out);
const struct run_phase *run_plan_phase(const struct run_plan *p, const char *name);

/* run_pipeline.c: the pipeline line -> stages (shell-like words, `|` between stages). */
int run_pipeline_parse(const char *line, struct run_stage **stages, size_t *n, struct buf *err);
void run_stages_release(struct run_stage *s, size_t n);

/* run_unit.c: paths of the run directory, markers, and running one unit. */
void run_path(struct buf *out, const struct run_plan *p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum run_unit_state { RUN_UNIT_MISSING, RUN_UNIT_DONE, RUN_UNIT_FAILED, RUN_UNIT_STALE };
enum run_unit_state run_unit_state(const struct run_plan *p, const struct run_phase *ph, size_t i,
				   struct buf *failure);
/* Build the command lines of a unit (for --print and for running): one line per process. */
void run_unit_describe(const struct run_plan *p, const struct run_phase *ph, size_t i,
		       struct buf *out);
/* Run one unit to completion: 0 when done (marker written); else the exit code, with the
 * failure recorded in its .failed marker and a one-line summary in err. */
int run_unit_exec(const struct run_plan *p, const struct run_phase *ph, size_t i,
		  const char *grist_exe, struct buf *err);
/* The grist binary to run stages with (this process's own executable). */
char *run_self_exe(void);

/* run_slurm.c: submit every unfinished unit as job arrays chained with afterok. */
int run_slurm_submit(const struct run_plan *p, const char *grist_exe, const struct run_kv *opts,
		     size_t nopts, struct buf *out, struct buf *err);

int cmd_run(int argc, char **argv);

#endif
