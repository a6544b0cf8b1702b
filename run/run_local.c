/*
 * Local execution of a plan: phase by phase, the units not already done run as child processes,
 * up to `jobs` at once. A failed unit stops the run after the units already started finish:
 * nothing of a later phase starts, so no manifest is published over a failed task.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/die.h"
#include "lib/output.h"
#include "lib/progress.h"
#include "lib/xalloc.h"
#include "run/run_int.h"

struct running {
	pid_t pid;
	size_t unit;
};

static pid_t start_unit(const struct run_plan *p, const struct run_phase *ph, size_t i,
			const char *exe)
{
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		struct buf err = BUF_INIT;
		int rc = run_unit_exec(p, ph, i, exe, &err);
		_exit(rc);
	}
	return pid;
}

/* The run's progress line: the phase, then every stage's figures summed over its units. */
static void draw(const struct run_phase *ph, size_t done, size_t pending)
{
	const char *dir = getenv("GRIST_PROGRESS_DIR");
	struct buf prefix = BUF_INIT, line = BUF_INIT;
	int live;
	buf_addf(&prefix, "grist run: %s %zu/%zu", ph->name, done, pending);
	progress_format_dir(dir, prefix.data, &line, &live);
	fprintf(stderr, "\r%.*s\x1b[K", (int)(line.len < 159 ? line.len : 159), line.data);
	fflush(stderr);
	buf_release(&prefix);
	buf_release(&line);
}

/* Runs the pending units of one phase; returns the first failure's exit code, or 0. */
static int run_phase(const struct run_plan *p, const struct run_phase *ph, const char *exe,
		     int jobs, int quiet, size_t *ran, size_t *skipped)
{
	struct running *run = xcalloc((size_t)jobs, sizeof(*run));
	size_t nrun = 0, next = 0, done = 0, pending = 0;
	int first_rc = 0;
	struct buf f = BUF_INIT;
	size_t *todo = xcalloc(ph->units, sizeof(size_t));
	for (size_t i = 0; i < ph->units; i++) {
		buf_reset(&f);
		if (run_unit_state(p, ph, i, &f) == RUN_UNIT_DONE)
			(*skipped)++;
		else
			todo[pending++] = i;
	}
	while (next < pending || nrun) {
		while (!first_rc && next < pending && nrun < (size_t)jobs) {
			pid_t pid = start_unit(p, ph, todo[next], exe);
			if (pid < 0)
				die_errno(GRIST_EXIT_IO, "cannot start a unit");
			run[nrun].pid = pid;
			run[nrun++].unit = todo[next++];
		}
		if (!nrun)
			break;
		int st;
		pid_t pid = waitpid(-1, &st, p->progress ? WNOHANG : 0);
		if (pid == 0) {
			draw(ph, done, pending);
			usleep(250000);
			continue;
		}
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			die_errno(GRIST_EXIT_INTERNAL, "waitpid");
		}
		if (p->progress)
			fputs("\r\x1b[K", stderr);
		size_t k = 0;
		while (k < nrun && run[k].pid != pid)
			k++;
		if (k == nrun)
			continue;
		size_t unit = run[k].unit;
		run[k] = run[--nrun];
		(*ran)++;
		done++;
		int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 4;
		if (rc) {
			buf_reset(&f);
			run_unit_state(p, ph, unit, &f);
			if (f.len && f.data[f.len - 1] == '\n')
				buf_setlen(&f, f.len - 1);
			error("%s", f.len ? f.data : "a unit failed without a message");
			if (!first_rc)
				first_rc = rc;
		} else if (!quiet) {
			fprintf(stderr, "grist run: %s %zu done (%zu/%zu)\n", ph->name, unit, done,
				pending);
		}
	}
	free(todo);
	free(run);
	buf_release(&f);
	return first_rc;
}

static void remove_dir(const char *dir)
{
	if (!dir || !*dir)
		return;
	run_clear_dir(dir);
	rmdir(dir);
}

int run_local(struct run_plan *p, const char *exe, int jobs, int quiet)
{
	size_t ran = 0, skipped = 0;
	run_unpublish_stale(p);
	struct buf dir = BUF_INIT;
	p->progress = !quiet && isatty(2);
	if (p->progress) {
		const char *tmp = getenv("TMPDIR");
		buf_addf(&dir, "%s/grist-run-progress-%ld", tmp && *tmp ? tmp : "/tmp", (long)getpid());
		if (mkdir(dir.data, 0700) == 0)
			setenv("GRIST_PROGRESS_DIR", dir.data, 1);
		else
			p->progress = 0;
	}
	for (size_t k = 0; k < p->nphases; k++) {
		int rc = run_phase(p, &p->phases[k], exe, jobs, quiet, &ran, &skipped);
		if (rc || k + 1 == p->nphases)
			remove_dir(dir.data);
		if (p->progress)
			fputs("\r\x1b[K", stderr);
		if (rc) {
			buf_release(&dir);
			error("run failed in phase %s; fix the cause and run again (finished units "
			      "are kept). Nothing after this phase was published.",
			      p->phases[k].name);
			return rc;
		}
	}
	buf_release(&dir);
	if (!quiet) {
		fprintf(stderr, "grist run: %zu units run, %zu already done; ", ran, skipped);
		if (p->shard_at >= 0)
			fprintf(stderr, "shards: %s/shards/%s.manifest.json\n", p->output, p->prefix);
		else
			fprintf(stderr, "outputs in %s/%s/\n", p->output,
				p->tokenize_at >= 0 ? "streams" : "records");
	}
	return 0;
}
