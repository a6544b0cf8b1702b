#include "atomic.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
 * Registry of temporary names to remove at die() or on a fatal signal: blocks of slots that are
 * never moved or freed, so the signal handler can walk them without locks while another thread
 * adds a block (published after it is filled in). Slots are published after the name is
 * complete. Grows without limit: a shard set keeps every shard registered until it commits.
 */
#define TEMPS_PER_BLOCK 4096
struct temp_block {
	char *volatile slot[TEMPS_PER_BLOCK];
	struct temp_block *volatile next;
};
static struct temp_block temps;
static pthread_mutex_t temps_lock = PTHREAD_MUTEX_INITIALIZER;
static int handlers_installed;

static void remove_temps(void)
{
	for (struct temp_block *tb = &temps; tb; tb = __atomic_load_n(&tb->next, __ATOMIC_ACQUIRE))
		for (int i = 0; i < TEMPS_PER_BLOCK; i++) {
			char *t = tb->slot[i];
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

/* The umask, read once at start-up, before any thread exists: umask() can only be read by
 * setting it, and a file another thread created between the two calls would get umask 0. */
static mode_t process_umask;
__attribute__((constructor)) static void read_umask(void)
{
	process_umask = umask(0);
	umask(process_umask);
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
		/* A write past `ulimit -f` raises SIGXFSZ, whose default action kills the process. */
		signal(SIGXFSZ, on_fatal_signal);
		/* A closed pipe (`| head`) still ends the process by SIGPIPE, after the cleanup. */
		signal(SIGPIPE, on_fatal_signal);
	}
	struct temp_block *tb = &temps;
	for (;;) {
		for (int i = 0; i < TEMPS_PER_BLOCK; i++)
			if (!tb->slot[i]) {
				tb->slot[i] = t;
				pthread_mutex_unlock(&temps_lock);
				return;
			}
		if (!tb->next) {
			struct temp_block *nb = xcalloc(1, sizeof(*nb));
			__atomic_store_n(&tb->next, nb, __ATOMIC_RELEASE);
		}
		tb = tb->next;
	}
}

static void unregister_temp(char *t)
{
	pthread_mutex_lock(&temps_lock);
	for (struct temp_block *tb = &temps; tb; tb = tb->next)
		for (int i = 0; i < TEMPS_PER_BLOCK; i++)
			if (tb->slot[i] == t)
				tb->slot[i] = NULL;
	pthread_mutex_unlock(&temps_lock);
}

/* ---- where a name leads ---- */

enum target_kind {
	TARGET_FILE,    /* a regular file or nothing yet: temporary + rename */
	TARGET_SPECIAL, /* a device, FIFO, socket or a file under /proc: opened in place */
	TARGET_FD,      /* this process's descriptor fdnum: duplicated */
};

struct target {
	enum target_kind kind;
	char *path; /* after following symlinks */
	int fdnum;
};

#define MAX_LINK_HOPS 40

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? xmemdup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* "N" (decimal, nothing else) -> N, else -1. */
static int fd_number(const char *s)
{
	long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > INT_MAX / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v <= INT_MAX ? (int)v : -1;
}

/* The descriptor a name of this process's own descriptors stands for, else -1. */
static int own_fd_name(const char *p)
{
	static const char *const std[] = { "/dev/stdin", "/dev/stdout", "/dev/stderr" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(p, std[i]))
			return i;
	if (!strncmp(p, "/dev/fd/", 8))
		return fd_number(p + 8);
	if (!strncmp(p, "/proc/self/fd/", 14))
		return fd_number(p + 14);
	if (!strncmp(p, "/proc/thread-self/fd/", 21))
		return fd_number(p + 21);
	char own[64];
	int n = snprintf(own, sizeof(own), "/proc/%ld/fd/", (long)getpid());
	if (!strncmp(p, own, (size_t)n))
		return fd_number(p + n);
	return -1;
}

/* The name with its directory made canonical (symlinks, "..", relative), or NULL. */
static char *canonical(const char *path)
{
	char *dir = dir_of(path), *real = realpath(dir, NULL), *out = NULL;
	if (real) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s/%s", strcmp(real, "/") ? real : "", base_of(path));
		out = buf_detach(&b, NULL);
	}
	free(real);
	free(dir);
	return out;
}

/* Follow one symbolic link: the target, relative to the link's directory. */
static char *follow_link(const char *cur, size_t size_hint)
{
	size_t cap = size_hint + 2 > 256 ? size_hint + 2 : 256;
	for (;;) {
		char *t = xmalloc(cap);
		ssize_t n = readlink(cur, t, cap);
		if (n < 0) {
			free(t);
			return NULL;
		}
		if ((size_t)n < cap) {
			t[n] = '\0';
			if (t[0] == '/')
				return t;
			char *dir = dir_of(cur);
			struct buf b = BUF_INIT;
			buf_addf(&b, "%s/%s", dir, t);
			free(dir);
			free(t);
			return buf_detach(&b, NULL);
		}
		free(t);
		cap *= 2;
	}
}

static int resolve(const char *path, struct target *t, struct buf *err)
{
	char *cur = xstrdup(path);
	memset(t, 0, sizeof(*t));
	for (int hops = 0;; hops++) {
		char *canon = canonical(cur);
		int fdn = own_fd_name(cur);
		if (fdn < 0 && canon)
			fdn = own_fd_name(canon);
		int in_proc = canon && !strncmp(canon, "/proc/", 6);
		free(canon);
		if (fdn >= 0) {
			t->kind = TARGET_FD;
			t->fdnum = fdn;
			t->path = cur;
			return 0;
		}
		struct stat st;
		if (in_proc || (lstat(cur, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))) {
			if (!in_proc && S_ISDIR(st.st_mode)) {
				buf_addf(err, "cannot write %s: it is a directory", path);
				free(cur);
				return -1;
			}
			t->kind = TARGET_SPECIAL; /* never renamed over: /proc is not a place for files */
			t->path = cur;
			return 0;
		}
		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode)) {
			t->kind = TARGET_FILE; /* an error (a missing directory) is reported on create */
			t->path = cur;
			return 0;
		}
		char *next = hops < MAX_LINK_HOPS ? follow_link(cur, (size_t)st.st_size) : NULL;
		if (!next) {
			buf_addf(err, "cannot write %s: %s", path,
				 hops < MAX_LINK_HOPS ? strerror(errno) : strerror(ELOOP));
			free(cur);
			return -1;
		}
		free(cur);
		cur = next;
	}
}

long atomic_temp_pid(const char *name, size_t *base_len)
{
	size_t len = strlen(name);
	if (len < 14 || name[len - 7] != '.')
		return 0;
	for (size_t k = len - 6; k < len; k++)
		if (!isalnum((unsigned char)name[k]))
			return 0;
	size_t e = len - 7, s = e;
	while (s > 0 && isdigit((unsigned char)name[s - 1]))
		s--;
	if (s == e || e - s > 9 || s < 5 || memcmp(name + s - 5, ".tmp.", 5))
		return 0;
	if (base_len)
		*base_len = s - 5;
	return strtol(name + s, NULL, 10);
}

/*
 * Temporaries of `path` left by a killed run (`BASE.tmp.PID.XXXXXX` with PID gone): removed before
 * a new one is made. Only this name's, and only when PID does not exist on this machine, so a
 * concurrent writer of other files in the directory (another task on a shared file system) is
 * never touched. Each directory is read once per process (shard opens thousands of files in one
 * directory): the dead processes' temporaries found then wait in stale_dirs for their names.
 */
struct stale_dir {
	char *dir;
	char **names; /* NULL once removed */
	size_t n, alloc;
};
static struct stale_dir *stale_dirs;
static size_t nstale_dirs, stale_dirs_alloc;
static pthread_mutex_t stale_lock = PTHREAD_MUTEX_INITIALIZER;

static struct stale_dir *scan_dir(const char *dir)
{
	for (size_t i = 0; i < nstale_dirs; i++)
		if (!strcmp(stale_dirs[i].dir, dir))
			return &stale_dirs[i];
	ALLOC_GROW(stale_dirs, nstale_dirs + 1, stale_dirs_alloc);
	struct stale_dir *sd = &stale_dirs[nstale_dirs++];
	memset(sd, 0, sizeof(*sd));
	sd->dir = xstrdup(dir);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		long pid = atomic_temp_pid(e->d_name, NULL);
		if (pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		ALLOC_GROW(sd->names, sd->n + 1, sd->alloc);
		sd->names[sd->n++] = xstrdup(e->d_name);
	}
	if (d)
		closedir(d);
	return sd;
}

static void remove_stale_temps(const char *path)
{
	char *dir = dir_of(path);
	const char *base = base_of(path);
	size_t blen = strlen(base);
	pthread_mutex_lock(&stale_lock);
	struct stale_dir *sd = scan_dir(dir);
	for (size_t i = 0; i < sd->n; i++) {
		size_t n = 0;
		if (!sd->names[i] || atomic_temp_pid(sd->names[i], &n) <= 0 || n != blen ||
		    memcmp(sd->names[i], base, blen))
			continue;
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s/%s", dir, sd->names[i]);
		unlink(b.data);
		buf_release(&b);
		free(sd->names[i]);
		sd->names[i] = NULL;
	}
	pthread_mutex_unlock(&stale_lock);
	free(dir);
}

static int open_in_place(struct atomic_file *af, const char *path, const struct target *t,
			 struct buf *err)
{
	if (t->kind == TARGET_FD)
		af->fd = fcntl(t->fdnum, F_DUPFD_CLOEXEC, 3);
	else
		af->fd = open(t->path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (af->fd < 0) {
		if (t->kind == TARGET_FD)
			buf_addf(err, "cannot write %s: descriptor %d: %s", path, t->fdnum, strerror(errno));
		else
			buf_addf(err, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	af->path = xstrdup(path);
	af->direct = 1;
	return 0;
}

int atomic_open(struct atomic_file *af, const char *path, struct buf *err)
{
	struct target t;
	memset(af, 0, sizeof(*af));
	af->fd = -1;
	if (resolve(path, &t, err) < 0)
		return -1;
	if (t.kind != TARGET_FILE) {
		int rc = open_in_place(af, path, &t, err);
		free(t.path);
		return rc;
	}
	remove_stale_temps(t.path);
	struct buf tmp = BUF_INIT;
	buf_addf(&tmp, "%s.tmp.%ld.XXXXXX", t.path, (long)getpid());
	af->tmp = buf_detach(&tmp, NULL);
	af->fd = mkstemp(af->tmp);
	if (af->fd < 0) {
		if (strcmp(t.path, path))
			buf_addf(err, "cannot create %s (where %s leads): %s", t.path, path, strerror(errno));
		else
			buf_addf(err, "cannot create %s: %s", path, strerror(errno));
		free(af->tmp);
		free(t.path);
		af->tmp = NULL;
		return -1;
	}
	af->path = t.path;
	/* mkstemp makes 0600: keep the mode of the file being replaced, else follow the umask. */
	struct stat st;
	if (stat(af->path, &st) == 0) {
		fchmod(af->fd, st.st_mode & 07777);
	} else {
		fchmod(af->fd, 0666 & ~process_umask);
	}
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
	char *dir = dir_of(path);
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
	if (!af->direct) {
		int rc;
		while ((rc = fsync(af->fd)) < 0 && errno == EINTR) /* NFS, FUSE */
			;
		if (rc < 0 && errno != EINVAL) {
			buf_addf(err, "cannot sync %s: %s", af->path, strerror(errno));
			atomic_abort(af);
			return -1;
		}
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

/* ---- sets of outputs published together ---- */

int atomic_set_add(struct atomic_set *set, struct atomic_file *af, struct buf *err)
{
	if (atomic_close(af, err) < 0)
		return -1;
	ALLOC_GROW(set->f, set->n + 1, set->alloc);
	set->f[set->n++] = *af; /* the registered temporary name moves with it */
	memset(af, 0, sizeof(*af));
	af->fd = -1;
	return 0;
}

int atomic_set_add_data(struct atomic_set *set, const char *path, const void *p, size_t n,
			struct buf *err)
{
	struct atomic_file af;
	if (atomic_open(&af, path, err) < 0)
		return -1;
	if (atomic_write(&af, p, n, err) < 0) {
		atomic_abort(&af);
		return -1;
	}
	return atomic_set_add(set, &af, err);
}

/*
 * The file a set member will replace, kept aside under a second (hard-linked) name shaped like
 * a temporary of the same path (BASE.tmp.PID.oNNNNN, so a killed run's copy is swept like any
 * temporary), to be put back if a later member of the set cannot be published. NULL when there
 * is nothing to keep (no regular file there) or it cannot be linked.
 */
static char *keep_previous(const char *final, size_t i)
{
	struct stat st;
	if (i > 99999 || lstat(final, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s.tmp.%ld.o%05zu", final, (long)getpid(), i);
	if (link(final, b.data) < 0) {
		buf_release(&b);
		return NULL;
	}
	char *kept = buf_detach(&b, NULL);
	register_temp(kept);
	return kept;
}

/* Put the kept file back: by rename (atomic), or when renames fail, as they just did, by
 * replacing the new file with a second link to the kept one. */
static int restore_previous(const char *kept, const char *final)
{
	if (rename(kept, final) == 0)
		return 0;
	return unlink(final) == 0 && link(kept, final) == 0 ? 0 : -1;
}

int atomic_set_commit(struct atomic_set *set, struct buf *err)
{
	size_t n = set->n ? set->n : 1;
	char **done = xcalloc(n, sizeof(*done)), **prev = xcalloc(n, sizeof(*prev));
	size_t i;
	for (i = 0; i < set->n; i++) {
		char *final = set->f[i].direct ? NULL : xstrdup(set->f[i].path);
		if (final && set->n > 1)
			prev[i] = keep_previous(final, i);
		if (atomic_commit(&set->f[i], err) < 0) {
			free(final);
			break;
		}
		done[i] = final;
	}
	int failed = i < set->n;
	if (failed) { /* undo: no partial set under final names, the previous files back */
		for (size_t j = 0; j < i; j++)
			if (done[j] && !(prev[j] && restore_previous(prev[j], done[j]) == 0))
				unlink(done[j]);
		if (set->n > 1)
			buf_addstr(err, " (the command's other outputs were taken back; files they "
					"replaced were restored)");
	}
	for (size_t j = 0; j < set->n; j++) {
		if (prev[j]) {
			unlink(prev[j]); /* after a restore: gone already (ENOENT) */
			unregister_temp(prev[j]);
			free(prev[j]);
		}
		free(done[j]);
	}
	free(done);
	free(prev);
	atomic_set_abort(set);
	return failed ? -1 : 0;
}

void atomic_set_abort(struct atomic_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		atomic_abort(&set->f[i]);
	free(set->f);
	memset(set, 0, sizeof(*set));
}

/* ---- two outputs, one file ---- */

struct identity {
	int known, renamed;
	dev_t dev;
	ino_t ino;
	char *key; /* canonical name of a file not there yet */
};

static void identify(const char *path, struct identity *id)
{
	struct target t;
	struct buf ignore = BUF_INIT;
	struct stat st;
	memset(id, 0, sizeof(*id));
	if (resolve(path, &t, &ignore) < 0) { /* atomic_open reports it */
		buf_release(&ignore);
		return;
	}
	buf_release(&ignore);
	if (t.kind == TARGET_FD && fstat(t.fdnum, &st) == 0 && S_ISREG(st.st_mode)) {
		id->known = 1;
		id->dev = st.st_dev;
		id->ino = st.st_ino;
	} else if (t.kind == TARGET_FILE) {
		id->known = id->renamed = 1;
		if (stat(t.path, &st) == 0) {
			id->dev = st.st_dev;
			id->ino = st.st_ino;
		} else {
			id->key = canonical(t.path);
			if (!id->key)
				id->key = xstrdup(t.path);
		}
	}
	free(t.path);
}

static int same_file(const struct identity *a, const struct identity *b)
{
	if (!a->known || !b->known || (!a->renamed && !b->renamed))
		return 0; /* descriptors shared by both write in turn: nothing replaced */
	if (a->key || b->key)
		return a->key && b->key && !strcmp(a->key, b->key);
	return a->dev == b->dev && a->ino == b->ino;
}

int atomic_check_distinct(const struct atomic_name *names, size_t n, struct buf *err)
{
	struct identity *ids = xcalloc(n ? n : 1, sizeof(*ids));
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		if (names[i].path && strcmp(names[i].path, "-"))
			identify(names[i].path, &ids[i]);
	for (size_t j = 1; j < n && !rc; j++)
		for (size_t i = 0; i < j && !rc; i++)
			if (same_file(&ids[i], &ids[j])) {
				if (!strcmp(names[i].path, names[j].path))
					buf_addf(err, "%s and %s name the same file %s", names[i].option,
						 names[j].option, names[j].path);
				else
					buf_addf(err, "%s %s and %s %s are the same file", names[i].option,
						 names[i].path, names[j].option, names[j].path);
				buf_addstr(err, ": one would replace the other; give different files");
				rc = -1;
			}
	for (size_t i = 0; i < n; i++)
		free(ids[i].key);
	free(ids);
	return rc;
}
