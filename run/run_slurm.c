/*
 * Slurm submission: one job array per phase with unfinished units, each array element running
 * `grist run --unit PHASE --index N --plan HASH FILE` (the same code a local run uses), chained
 * with afterok dependencies, so a failed task stops everything after it. The run directory
 * must be on a filesystem every node sees (docs/run.md): markers, logs and intermediates live
 * there. The array element re-plans from the pipeline file and refuses to run when the plan
 * hash differs from the one submitted (inputs or pipeline changed in between).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/atomic.h"
#include "lib/xalloc.h"
#include "run/run_int.h"

static const char *const slurm_options[] = { "partition", "account", "time", "mem",
					     "mem-per-cpu", "cpus-per-task", "qos", "constraint",
					     "gres", "reservation", "exclude", "nodelist" };

int run_slurm_option_check(const char *name, struct buf *err)
{
	for (size_t i = 0; i < sizeof(slurm_options) / sizeof(*slurm_options); i++)
		if (!strcmp(name, slurm_options[i]))
			return 0;
	buf_addf(err, "slurm option `%s` is not one grist run passes to sbatch (known: partition, "
		      "account, time, mem, mem-per-cpu, cpus-per-task, qos, constraint, gres, "
		      "reservation, exclude, nodelist)", name);
	return -1;
}

static void shell_quote(struct buf *out, const char *s)
{
	buf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_addstr(out, "'\\''");
		else
			buf_addch(out, *s);
	}
	buf_addch(out, '\'');
}

static const char *opt_value(const struct run_plan *p, const struct run_kv *opts, size_t nopts,
			     const char *key)
{
	for (size_t i = 0; i < nopts; i++)
		if (!strcmp(opts[i].key, key))
			return opts[i].value;
	for (size_t i = 0; i < p->nslurm; i++)
		if (!strcmp(p->slurm[i].key, key))
			return p->slurm[i].value;
	return NULL;
}

static void write_script(const struct run_plan *p, const struct run_phase *ph, const char *pending,
			 const char *exe, const struct run_kv *opts, size_t nopts, struct buf *s)
{
	buf_addf(s, "#!/bin/sh\n# grist run: phase %s of %s (plan %016llx)\n", ph->name, p->file,
		 (unsigned long long)p->hash);
	buf_addf(s, "#SBATCH --job-name=grist-%s\n#SBATCH --array=%s\n", ph->name, pending);
	buf_addf(s, "#SBATCH --output=%s/logs/slurm-%s-%%a.out\n", p->output, ph->name);
	buf_addf(s, "#SBATCH --chdir=%s\n#SBATCH --ntasks=1\n", p->cwd);
	for (size_t i = 0; i < sizeof(slurm_options) / sizeof(*slurm_options); i++) {
		const char *v = opt_value(p, opts, nopts, slurm_options[i]);
		if (v)
			buf_addf(s, "#SBATCH --%s=%s\n", slurm_options[i], v);
	}
	buf_addstr(s, "exec ");
	shell_quote(s, exe);
	buf_addf(s, " run --unit=%s --index=\"$SLURM_ARRAY_TASK_ID\" --plan=%016llx ", ph->name,
		 (unsigned long long)p->hash);
	shell_quote(s, p->file);
	buf_addch(s, '\n');
}

/* Run sbatch with the script; the job id it prints goes to jobid. */
static int sbatch(const char *script, const char *after, struct buf *jobid, struct buf *err)
{
	int fds[2];
	if (pipe(fds) < 0) {
		buf_addf(err, "pipe: %s", strerror(errno));
		return -1;
	}
	struct buf dep = BUF_INIT;
	if (after)
		buf_addf(&dep, "--dependency=afterok:%s", after);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		if (after)
			execlp("sbatch", "sbatch", "--parsable", dep.data, script, (char *)NULL);
		else
			execlp("sbatch", "sbatch", "--parsable", script, (char *)NULL);
		dprintf(2, "grist run: cannot run sbatch: %s (is Slurm installed?)\n",
			strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	buf_release(&dep);
	char tmp[256];
	ssize_t n;
	while ((n = read(fds[0], tmp, sizeof(tmp))) > 0)
		buf_add(jobid, tmp, (size_t)n);
	close(fds[0]);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		buf_addf(err, "sbatch %s failed (exit %d)", script,
			 pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return -1;
	}
	while (jobid->len && (jobid->data[jobid->len - 1] == '\n' || jobid->data[jobid->len - 1] == '\r'))
		buf_setlen(jobid, jobid->len - 1);
	char *semi = strchr(jobid->data, ';'); /* "id;cluster" on federated setups */
	if (semi)
		buf_setlen(jobid, (size_t)(semi - jobid->data));
	if (!jobid->len) {
		buf_addf(err, "sbatch %s printed no job id", script);
		return -1;
	}
	return 0;
}

int run_slurm_submit(const struct run_plan *p, const char *exe, const struct run_kv *opts,
		     size_t nopts, struct buf *out, struct buf *err)
{
	struct buf prev = BUF_INIT, pending = BUF_INIT, script = BUF_INIT, path = BUF_INIT;
	struct buf jobs = BUF_INIT, failure = BUF_INIT;
	int rc = 0;
	/* sbatch opens --output itself: logs/ must exist before the first job starts */
	static const char *dirs[] = { "", "/slurm", "/logs" };
	for (size_t k = 0; k < sizeof(dirs) / sizeof(*dirs) && !rc; k++) {
		buf_reset(&path);
		buf_addf(&path, "%s%s", p->output, dirs[k]);
		if (mkdir(path.data, 0777) < 0 && errno != EEXIST) {
			buf_addf(err, "cannot create %s: %s", path.data, strerror(errno));
			rc = -1;
		}
	}
	if (!rc)
		run_unpublish_stale(p);
	for (size_t k = 0; k < p->nphases && !rc; k++) {
		const struct run_phase *ph = &p->phases[k];
		buf_reset(&pending);
		for (size_t i = 0; i < ph->units; i++) {
			buf_reset(&failure);
			if (run_unit_state(p, ph, i, &failure) != RUN_UNIT_DONE)
				buf_addf(&pending, "%s%zu", pending.len ? "," : "", i);
		}
		if (!pending.len)
			continue;
		buf_reset(&script);
		write_script(p, ph, pending.data, exe, opts, nopts, &script);
		buf_reset(&path);
		run_path(&path, p, "slurm/%s.sh", ph->name);
		struct buf jobid = BUF_INIT;
		if (atomic_write_file(path.data, script.data, script.len, err) ||
		    sbatch(path.data, prev.len ? prev.data : NULL, &jobid, err)) {
			rc = -1;
		} else {
			buf_addf(out, "%s %s (array %s)\n", ph->name, jobid.data, pending.data);
			buf_addf(&jobs, "%s %s\n", ph->name, jobid.data);
			buf_reset(&prev);
			buf_addstr(&prev, jobid.data);
		}
		buf_release(&jobid);
	}
	if (!rc) {
		buf_reset(&path);
		run_path(&path, p, "slurm/jobs.txt");
		if (atomic_write_file(path.data, jobs.data, jobs.len, err))
			rc = -1;
	}
	buf_release(&prev);
	buf_release(&pending);
	buf_release(&script);
	buf_release(&path);
	buf_release(&jobs);
	buf_release(&failure);
	return rc;
}
