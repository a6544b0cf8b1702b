/*
 * grist run PIPELINE.yaml: the command. Modes: run locally (default), --print the plan,
 * --status of a run directory, --slurm submit job arrays, and --unit (what an array element
 * runs). docs/run.md describes the file and the run directory.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/die.h"
#include "lib/hex.h"
#include "lib/opts.h"
#include "lib/xalloc.h"
#include "run/run_int.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: grist run [OPTIONS] PIPELINE.yaml\n"
		"       grist run --print PIPELINE.yaml     show the task plan, run nothing\n"
		"       grist run --status PIPELINE.yaml    done / failed / missing units\n"
		"       grist run --slurm [SLURM OPTIONS] PIPELINE.yaml\n\n"
		"Runs a pipeline of grist stages over many inputs: the inputs are split into tasks\n"
		"by bytes (each file whole in one task, order kept), every task runs the stages as\n"
		"one process chain, dedup runs as its sharded steps (sign per task, match per band,\n"
		"one cluster, filter per task) so the kept set equals one `grist dedup` over all the\n"
		"input, and one `shard` writes every task's tokens under one manifest. A rerun skips\n"
		"finished units and redoes failed or changed ones. Any stage failing fails its task\n"
		"and the run (exit code of the failing stage), and nothing after it is published.\n\n"
		"The file (YAML):\n"
		"  inputs: [corpora/demo, extra/*.jsonl.zst]   # files, directories, globs\n"
		"  output: out/run                              # the run directory\n"
		"  tasks: 4                                     # default 1\n"
		"  pipeline: ingest | clean | dedup | tokenize -t gpt2 | shard --format llmc\n"
		"  prefix: data                                 # shard file names (default data)\n"
		"  jobs: 2                                      # local units at once (default 1)\n"
		"  rejects: true                                # rejects/TASK.STAGE.jsonl (default)\n"
		"  slurm: {partition: debug, time: \"01:00:00\"}  # sbatch options\n\n"
		"Options:\n"
		"  -j, --jobs N          units run at once locally (default: the file's jobs, or 1)\n"
		"  --print               print the plan and each unit's command lines\n"
		"  --status              print each unit's state; exit 0 only when all are done\n"
		"  --slurm               submit job arrays (one per phase, afterok-chained) and print\n"
		"                        their job ids; the run directory must be on a filesystem\n"
		"                        that every node sees\n"
		"  --partition P, --account A, --time T, --mem M, --cpus-per-task C\n"
		"                        sbatch options (override the file's slurm: mapping)\n"
		"  -q, --quiet           no progress lines\n"
		"  -h, --help            this help\n\n"
		"Examples:\n"
		"  grist run --print pipeline.yaml\n"
		"  grist run -j 2 pipeline.yaml && grist shard verify out/run/shards/data\n"
		"  grist run --slurm --partition debug pipeline.yaml\n");
}

struct run_cli {
	int jobs, print, status, slurm, quiet;
	const char *unit;
	int have_plan;
	uint64_t plan_hash; /* --plan: the plan an array element was submitted with */
	long index;
	struct run_kv sopts[8];
	size_t nsopts;
};

/* The sbatch options, passed on by name (in this order after OPT_SBATCH). */
static const char *const sbatch_names[] = { "partition", "account", "time", "mem", "cpus-per-task" };
#define NSBATCH (sizeof(sbatch_names) / sizeof(*sbatch_names))

enum { OPT_PRINT = OPT_STAGE_BASE, OPT_STATUS, OPT_SLURM, OPT_UNIT, OPT_INDEX, OPT_PLAN, OPT_SBATCH };

/* --plan=HEX: the plan hash grist run wrote into the job script (1 to 16 hex digits). */
static uint64_t parse_plan_hash(const char *arg)
{
	size_t n = strlen(arg), i = 0;
	uint64_t h = 0;
	while (i < n && i < 16 && hex_digit(arg[i]) >= 0)
		h = h << 4 | (uint64_t)hex_digit(arg[i++]);
	if (i == 0 || i != n)
		die(GRIST_EXIT_USAGE, "--plan: want the plan's hash (up to 16 hex digits), got '%s'", arg);
	return h;
}

/* One grist run option; -j and -q are run's own (-j up to 1024 units). */
static int run_opt(void *ctx, int ch, const char *arg)
{
	struct run_cli *c = ctx;
	switch (ch) {
	case 'j': c->jobs = (int)opts_count("-j", arg, 1, 1024); return 1;
	case 'q': c->quiet = 1; return 1;
	case OPT_PRINT: c->print = 1; return 1;
	case OPT_STATUS: c->status = 1; return 1;
	case OPT_SLURM: c->slurm = 1; return 1;
	case OPT_UNIT: c->unit = arg; return 1;
	case OPT_INDEX: c->index = (long)opts_count("--index", arg, 0, 1000000); return 1;
	case OPT_PLAN:
		c->plan_hash = parse_plan_hash(arg);
		c->have_plan = 1;
		return 1;
	}
	if (ch >= OPT_SBATCH && ch < OPT_SBATCH + (int)NSBATCH) {
		if (c->nsopts < 8) {
			c->sopts[c->nsopts].key = (char *)sbatch_names[ch - OPT_SBATCH];
			c->sopts[c->nsopts++].value = (char *)arg;
		}
		return 1;
	}
	return 0;
}

static void parse(struct run_cli *c, int argc, char **argv)
{
	static const struct option longs[] = {
		{ "jobs", required_argument, 0, 'j' },	  { "quiet", no_argument, 0, 'q' },
		{ "help", no_argument, 0, 'h' },	  { "print", no_argument, 0, OPT_PRINT },
		{ "status", no_argument, 0, OPT_STATUS }, { "slurm", no_argument, 0, OPT_SLURM },
		{ "unit", required_argument, 0, OPT_UNIT }, { "index", required_argument, 0, OPT_INDEX },
		{ "plan", required_argument, 0, OPT_PLAN },
		{ "partition", required_argument, 0, OPT_SBATCH },
		{ "account", required_argument, 0, OPT_SBATCH + 1 },
		{ "time", required_argument, 0, OPT_SBATCH + 2 },
		{ "mem", required_argument, 0, OPT_SBATCH + 3 },
		{ "cpus-per-task", required_argument, 0, OPT_SBATCH + 4 },
		{ 0, 0, 0, 0 }
	};
	struct common_opts co; /* only -h/--help of the shared options applies */
	common_opts_init(&co);
	int rc = opts_parse(&co, argc, argv, "j:qh", longs, usage, run_opt, c);
	if (rc)
		exit(rc);
	if (optind != argc - 1)
		die(GRIST_EXIT_USAGE, "give one pipeline file (try 'grist run --help')");
	if (c->print + c->status + c->slurm + (c->unit != NULL) > 1)
		die(GRIST_EXIT_USAGE, "--print, --status, --slurm and --unit exclude each other");
}

/* --unit: one array element of a Slurm job (or a unit run by hand). */
static int run_one_unit(const struct run_plan *p, const struct run_cli *c, const char *exe)
{
	const struct run_phase *ph = run_plan_phase(p, c->unit);
	if (!ph)
		die(GRIST_EXIT_USAGE, "--unit %s: this plan has no such phase", c->unit);
	if ((size_t)c->index >= ph->units)
		die(GRIST_EXIT_USAGE, "--index %ld: phase %s has %zu units", c->index, c->unit,
		    ph->units);
	if (c->have_plan && c->plan_hash != p->hash)
		die(GRIST_EXIT_DATA, "the plan changed since it was submitted (inputs or pipeline "
				     "file differ): submit the run again");
	struct buf err = BUF_INIT;
	int rc = run_unit_exec(p, ph, (size_t)c->index, exe, &err);
	if (rc)
		error("%s", err.data);
	buf_release(&err);
	return rc;
}

static int print_status(const struct run_plan *p)
{
	static const char *names[] = { "missing", "done", "failed", "stale (plan changed)" };
	size_t counts[4] = { 0 };
	struct buf f = BUF_INIT;
	for (size_t k = 0; k < p->nphases; k++) {
		const struct run_phase *ph = &p->phases[k];
		for (size_t i = 0; i < ph->units; i++) {
			buf_reset(&f);
			enum run_unit_state s = run_unit_state(p, ph, i, &f);
			counts[s]++;
			printf("%s %zu: %s%s%s", ph->name, i, names[s], f.len ? ": " : "\n",
			       f.len ? f.data : "");
		}
	}
	printf("%zu done, %zu failed, %zu missing, %zu stale\n", counts[RUN_UNIT_DONE],
	       counts[RUN_UNIT_FAILED], counts[RUN_UNIT_MISSING], counts[RUN_UNIT_STALE]);
	buf_reset(&f);
	run_path(&f, p, "slurm/jobs.txt");
	if (access(f.data, R_OK) == 0) {
		printf("slurm jobs (%s):\n", f.data);
		fflush(stdout);
		char *cmd = NULL;
		if (asprintf(&cmd, "cat '%s'; command -v squeue >/dev/null && squeue -h -o '%%i %%T %%R' "
				   "-j $(cut -d' ' -f2 '%s' | paste -sd,) 2>/dev/null", f.data, f.data) > 0)
			(void)!system(cmd);
		free(cmd);
	}
	buf_release(&f);
	return counts[RUN_UNIT_DONE] == counts[0] + counts[1] + counts[2] + counts[3] ? 0 : 1;
}

int cmd_run(int argc, char **argv)
{
	struct run_cli c = { 0 };
	parse(&c, argc, argv);
	struct run_plan p;
	struct buf err = BUF_INIT;
	int code;
	if (run_plan_load(&p, argv[argc - 1], &err, &code))
		die(code, "%s", err.data);
	char *exe = run_self_exe();
	if (!exe)
		die(GRIST_EXIT_IO, "cannot find the grist executable (/proc/self/exe)");
	int rc = 0;
	if (c.print) {
		struct buf out = BUF_INIT;
		run_plan_print(&p, &out);
		fwrite(out.data, 1, out.len, stdout);
		buf_release(&out);
	} else if (c.status) {
		rc = print_status(&p);
	} else if (c.unit) {
		rc = run_one_unit(&p, &c, exe);
	} else if (c.slurm) {
		struct buf out = BUF_INIT;
		if (run_slurm_submit(&p, exe, c.sopts, c.nsopts, &out, &err))
			die(GRIST_EXIT_IO, "%s", err.data);
		fputs(out.data, stdout);
		buf_release(&out);
	} else {
		rc = run_local(&p, exe, c.jobs ? c.jobs : p.jobs, c.quiet);
	}
	free(exe);
	buf_release(&err);
	run_plan_release(&p);
	return rc;
}
