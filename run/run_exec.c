/*
 * Running a chain of grist stages as processes joined by pipes, the way a shell runs
 * `grist ingest ... | grist clean ...`, but with `pipefail` semantics: the chain succeeds only if
 * every process exits 0, and the failure is pinned on the stage that caused it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/xalloc.h"
#include "run/run_int.h"

char *run_self_exe(void)
{
	char tmp[4096];
	ssize_t n = readlink("/proc/self/exe", tmp, sizeof(tmp) - 1);
	if (n <= 0)
		return NULL;
	tmp[n] = '\0';
	return xstrdup(tmp);
}

static void child(const char *exe, const char *cwd, const struct run_proc *pr, int in, int out)
{
	int log = open(pr->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (log < 0 || chdir(cwd) < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(log, 2) < 0)
		_exit(3);
	signal(SIGPIPE, SIG_DFL);
	execv(exe, pr->argv.v);
	dprintf(2, "grist run: cannot run %s: %s\n", exe, strerror(errno));
	_exit(3);
}

/* The first line of the log that reads like an error, else its last non-empty line. */
static void first_error_line(const char *log, struct buf *out)
{
	FILE *f = fopen(log, "rb");
	if (!f)
		return;
	char *line = NULL, *last = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n)
			continue;
		if (strstr(line, "error") || strstr(line, "cannot") || strstr(line, "invalid") ||
		    strstr(line, "failed") || strstr(line, "damaged") || strstr(line, "truncated")) {
			buf_addstr(out, line);
			free(last);
			last = NULL;
			break;
		}
		free(last);
		last = xstrdup(line);
	}
	if (last)
		buf_addstr(out, last);
	free(last);
	free(line);
	fclose(f);
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 4;
}

int run_exec_chain(const char *exe, const char *cwd, struct run_proc *procs, size_t n,
		   struct run_failure *f)
{
	pid_t pids[16];
	int status[16];
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int devnull_out = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (in < 0 || devnull_out < 0 || n > 16)
		return 3;
	size_t started = 0;
	for (size_t k = 0; k < n; k++) {
		int fds[2] = { -1, -1 };
		if (k + 1 < n && pipe2(fds, O_CLOEXEC) < 0)
			break;
		int out = k + 1 < n ? fds[1] : devnull_out;
		pid_t pid = fork();
		if (pid == 0)
			child(exe, cwd, &procs[k], in, out);
		close(in);
		if (k + 1 < n)
			close(fds[1]);
		if (pid < 0) {
			if (k + 1 < n)
				close(fds[0]);
			in = -1;
			break;
		}
		pids[started++] = pid;
		in = k + 1 < n ? fds[0] : -1;
	}
	if (in >= 0)
		close(in);
	close(devnull_out);
	for (size_t k = 0; k < started; k++)
		while (waitpid(pids[k], &status[k], 0) < 0 && errno == EINTR)
			;
	if (started < n) {
		f->stage = "grist run";
		buf_addf(&f->line, "cannot start the stage processes: %s", strerror(errno));
		return 3;
	}
	/* Blame the first process that failed other than by SIGPIPE (or, failing that, the last). */
	int blame = -1;
	for (size_t k = 0; k < n; k++) {
		if (status[k] == 0)
			continue;
		int pipe_death = WIFSIGNALED(status[k]) && WTERMSIG(status[k]) == SIGPIPE;
		if (!pipe_death) {
			blame = (int)k;
			break;
		}
		blame = (int)k;
	}
	if (blame < 0)
		return 0;
	f->stage = procs[blame].stage;
	f->log = procs[blame].log;
	if (WIFSIGNALED(status[blame]))
		buf_addf(&f->line, "killed by signal %d (%s)", WTERMSIG(status[blame]),
			 strsignal(WTERMSIG(status[blame])));
	else
		first_error_line(procs[blame].log, &f->line);
	return exit_code(status[blame]);
}

void run_clear_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	struct buf p = BUF_INIT;
	while ((e = readdir(d))) {
		struct stat st;
		buf_reset(&p);
		buf_addf(&p, "%s/%s", dir, e->d_name);
		if (lstat(p.data, &st) == 0 && S_ISREG(st.st_mode))
			unlink(p.data);
	}
	closedir(d);
	buf_release(&p);
}
