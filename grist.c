/*
 * grist: the multi-call binary. Dispatches `grist STAGE ARGS...` to cmd_STAGE and owns stdout:
 * after the command returns, stdout is flushed and closed and a write error is fatal, so a full
 * disk never looks like success (docs/style.md, practice 2).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "lib/die.h"
#include "lib/opts.h"
#include "lib/output.h"

#ifndef GRIST_VERSION
#define GRIST_VERSION "0.1.0"
#endif

struct stage {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct stage stages[] = {
	{ "ingest", cmd_ingest, "files, directories, archives, compressed streams, WARC -> JSONL records" },
	{ "clean", cmd_clean, "repair, normalize, filter and redact records" },
	{ "dedup", cmd_dedup, "remove exact and near-duplicate documents (MinHash + LSH)" },
	{ "tokenize", cmd_tokenize, "encode record text with a BPE vocabulary; `tokenize train` learns one" },
	{ "shard", cmd_shard, "token stream -> llm.c / Megatron / nanoGPT shards + manifest" },
	{ "run", cmd_run, "run a pipeline file locally or as Slurm job arrays, resumable" },
	{ "report", cmd_report, "one HTML page (and JSON) from the stats files of a run" },
};

#define NSTAGES (sizeof(stages) / sizeof(stages[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: grist STAGE [OPTIONS] [INPUT...]\n"
		   "       grist --help | --version\n\n"
		   "Stages (each reads stdin or files and writes stdout):\n");
	for (size_t i = 0; i < NSTAGES; i++)
		fprintf(f, "  %-10s %s\n", stages[i].name, stages[i].summary);
	fprintf(f, "\n`grist STAGE --help` lists a stage's options with their defaults.\n"
		   "Exit codes: 0 ok, 1 bad data under a strict policy, 2 usage, 3 I/O error,\n"
		   "4 out of memory or internal error, 5 unsupported input.\n");
}

int main(int argc, char **argv)
{
	static char progname[64];
	if (argc < 2) {
		usage(stderr);
		return GRIST_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		output_finish_stdout();
		return GRIST_EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("grist %s\n", GRIST_VERSION);
		output_finish_stdout();
		return GRIST_EXIT_OK;
	}
	for (size_t i = 0; i < NSTAGES; i++) {
		if (strcmp(name, stages[i].name))
			continue;
		snprintf(progname, sizeof(progname), "grist %s", name);
		grist_progname = progname;
		opterr = 0; /* lib/opts_bad.c reports bad options in one line */
		int rc = stages[i].fn(argc - 1, argv + 1);
		output_finish_stdout();
		return rc;
	}
	const char *names[NSTAGES];
	for (size_t i = 0; i < NSTAGES; i++)
		names[i] = stages[i].name;
	const char *near = opts_closest(name, names, NSTAGES);
	if (near)
		fprintf(stderr, "grist: unknown stage '%s'; did you mean '%s'?\n", name, near);
	else
		fprintf(stderr, "grist: unknown stage '%s'\n", name);
	fprintf(stderr, "'grist --help' lists the stages.\n");
	return GRIST_EXIT_USAGE;
}
