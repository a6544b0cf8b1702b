/* Internals of grist run shared by its files (not used outside run/). */
#ifndef GRIST_RUN_INT_H
#define GRIST_RUN_INT_H

#include "run/run.h"

/* The pipeline file's keys as read, before inputs are expanded and tasks made. */
struct run_raw {
	char **inputs;
	size_t ninputs, alloc_inputs;
	char *output, *pipeline, *prefix;
	int tasks, jobs, rejects;
	struct run_kv *slurm;
	size_t nslurm, alloc_slurm;
};

int run_yaml_read(const char *file, struct run_raw *raw, struct buf *err, int *code);
void run_raw_release(struct run_raw *raw);

/* 0 if NAME is an sbatch option grist run passes on (partition, account, time, ...). */
int run_slurm_option_check(const char *name, struct buf *err);

/* Stage options that grist run sets itself and a pipeline must not: -o, --stats, ... */
int run_stage_check(const struct run_stage *s, size_t index, size_t n, struct buf *err);

#define RUN_TASK_FMT "task%04zu"

/* A NULL-terminated argument vector. */
struct run_strvec {
	char **v;
	size_t n, alloc;
};

/* One process of a unit: its argv (argv[0] is "grist"), the log its stderr goes to. */
struct run_proc {
	struct run_strvec argv;
	char *log;
	const char *stage; /* for messages */
};

/* Why a chain failed: the stage to blame, its log, the first error line of that log. */
struct run_failure {
	const char *stage;
	const char *log;
	struct buf line;
};

/*
 * run_exec.c: run procs[0] | procs[1] | ... in directory cwd, stdin from /dev/null, each stderr
 * to its log. 0 when every process exited 0; else the exit code to report (a stage's own exit
 * code, or 4 for a stage killed by a signal), with the stage to blame in *f: the first process
 * that failed other than by a broken pipe (a later stage's failure makes earlier ones see
 * EPIPE).
 */
int run_exec_chain(const char *exe, const char *cwd, struct run_proc *procs, size_t n,
		   struct run_failure *f);
/* run_local.c: run every unfinished unit, phase by phase, up to `jobs` at once. */
int run_local(struct run_plan *p, const char *exe, int jobs, int quiet);

/* Before a run whose shard unit must run again: remove the earlier shards and manifest, so
 * that a run failing before its shard phase never leaves a complete-looking shard set from an
 * older plan under shards/. */
void run_unpublish_stale(const struct run_plan *p);

/* Remove the regular files directly inside dir (not recursive). */
void run_clear_dir(const char *dir);

#endif
