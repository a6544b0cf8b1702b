#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "xalloc.h"

/*
 * Registry of temporary names to remove at die() or on a fatal signal. A fixed table so the
 * signal handler can walk it without locks; slots are published after the name is complete.
 */
#define MAX_TEMPS 16384
static char *volatile temps[MAX_TEMPS];
static pthread_mutex_t temps_lock = PTHREAD_MUTEX_INITIALIZER;
static int handlers_installed;

static void remove_temps(void)
{
	for (int i = 0; i < MAX_TEMPS; i++) {
		char *t = temps[i];
		if (t)
			unlink(t);
	}
}

static void on_fatal_signal(int sig)
{
	remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void register_temp(char *t)
{
	pthread_mutex_lock(&temps_lock);
	if (!handlers_installed) {
		handlers_installed = 1;
		die_add_cleanup(remove_temps);
		signal(SIGINT, on_fatal_signal);
		signal(SIGTERM, on_fatal_signal);
		signal(SIGHUP, on_fatal_signal);
	}
	for (int i = 0; i < MAX_TEMPS; i++)
		if (!temps[i]) {
			temps[i] = t;
			break;
		}
	pthread_mutex_unlock(&temps_lock);
}

static void unregister_temp(char *t)
{
	pthread_mutex_lock(&temps_lock);
	for (int i = 0; i < MAX_TEMPS; i++)
		if (temps[i] == t)
			temps[i] = NULL;
	pthread_mutex_unlock(&temps_lock);
}

int atomic_open(struct atomic_file *af, const char *path, struct buf *err)
{
	size_t n = strlen(path);
	struct stat st;
	af->direct = 0;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			buf_addf(err, "cannot write %s: it is a directory", path);
			af->tmp = af->path = NULL;
			af->fd = -1;
			return -1;
		}
		af->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (af->fd < 0) {
			buf_addf(err, "cannot open %s: %s", path, strerror(errno));
			af->tmp = af->path = NULL;
			return -1;
		}
		af->path = xstrdup(path);
		af->tmp = NULL;
		af->direct = 1;
		return 0;
	}
	af->path = xstrdup(path);
	af->tmp = xmalloc(n + 12);
	memcpy(af->tmp, path, n);
	memcpy(af->tmp + n, ".tmp.XXXXXX", 12);
	af->fd = mkstemp(af->tmp);
	if (af->fd < 0) {
		buf_addf(err, "cannot create %s: %s", path, strerror(errno));
		free(af->tmp);
		free(af->path);
		af->tmp = af->path = NULL;
		return -1;
	}
	/* mkstemp makes 0600; use the umask like any other output file. */
	mode_t um = umask(0);
	umask(um);
	fchmod(af->fd, 0666 & ~um);
	register_temp(af->tmp);
	return 0;
}

int atomic_write(struct atomic_file *af, const void *p, size_t n, struct buf *err)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(af->fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			buf_addf(err, "write error on %s: %s", af->path, strerror(errno));
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static void fsync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xmemdup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd); /* best effort: some file systems refuse fsync on directories */
		close(fd);
	}
	free(dir);
}

int atomic_close(struct atomic_file *af, struct buf *err)
{
	if (!af->tmp && !af->direct)
		BUG("atomic_close on a finished file");
	if (af->fd < 0)
		return 0;
	if (!af->direct && fsync(af->fd) < 0 && errno != EINVAL) {
		buf_addf(err, "cannot sync %s: %s", af->path, strerror(errno));
		atomic_abort(af);
		return -1;
	}
	if (close(af->fd) < 0) {
		af->fd = -1;
		buf_addf(err, "cannot close %s: %s", af->path, strerror(errno));
		atomic_abort(af);
		return -1;
	}
	af->fd = -1;
	return 0;
}

int atomic_commit(struct atomic_file *af, struct buf *err)
{
	if (!af->tmp && !af->direct)
		BUG("atomic_commit on a closed file");
	if (atomic_close(af, err) < 0)
		return -1;
	if (af->direct) {
		free(af->path);
		af->path = NULL;
		af->direct = 0;
		return 0;
	}
	if (rename(af->tmp, af->path) < 0) {
		buf_addf(err, "cannot rename %s to %s: %s", af->tmp, af->path, strerror(errno));
		atomic_abort(af);
		return -1;
	}
	unregister_temp(af->tmp);
	fsync_dir_of(af->path);
	free(af->tmp);
	free(af->path);
	af->tmp = af->path = NULL;
	return 0;
}

void atomic_abort(struct atomic_file *af)
{
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	if (af->tmp) {
		unlink(af->tmp);
		unregister_temp(af->tmp);
		free(af->tmp);
		af->tmp = NULL;
	}
	free(af->path);
	af->path = NULL;
	af->direct = 0;
}

int atomic_write_file(const char *path, const void *p, size_t n, struct buf *err)
{
	struct atomic_file af;
	if (atomic_open(&af, path, err) < 0)
		return -1;
	if (atomic_write(&af, p, n, err) < 0) {
		atomic_abort(&af);
		return -1;
	}
	return atomic_commit(&af, err);
}
