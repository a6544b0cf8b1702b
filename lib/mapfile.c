/* Read-only mappings whose SIGBUS is an I/O error naming the file (lib/mapfile.h). */
#include "mapfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "xalloc.h"

/*
 * The registry: a list the signal handler walks without locks. Entries are never freed, only
 * marked unused (base 0) and reused, so the handler never follows a dangling pointer; an entry
 * is published (base stored last) after its path and length are set.
 */
struct map_slot {
	_Atomic uintptr_t base; /* 0: unused */
	size_t len;
	char *_Atomic path;
	struct map_slot *next;
};

static struct map_slot *_Atomic slots;
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static int handler_installed;

/* Async-signal-safe: write(2) only. */
static void put(char *msg, size_t *n, size_t cap, const char *s)
{
	while (*s && *n < cap)
		msg[(*n)++] = *s++;
}

static void put_u64(char *msg, size_t *n, size_t cap, uint64_t v)
{
	char d[24];
	int k = 0;
	do
		d[k++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (k && *n < cap)
		msg[(*n)++] = d[--k];
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	uintptr_t a = (uintptr_t)si->si_addr;
	for (struct map_slot *s = atomic_load(&slots); s; s = s->next) {
		uintptr_t b = atomic_load(&s->base);
		if (!b || a < b || a - b >= s->len)
			continue;
		char msg[4096];
		size_t n = 0, cap = sizeof(msg) - 1;
		const char *path = atomic_load(&s->path);
		put(msg, &n, cap, grist_progname);
		put(msg, &n, cap, ": read error on ");
		put(msg, &n, cap, path ? path : "a mapped file");
		put(msg, &n, cap, " at byte ");
		put_u64(msg, &n, cap, (uint64_t)(a - b));
		put(msg, &n, cap, ": the file shrank while it was being read (SIGBUS; another process "
			       "truncated or rewrote it?)");
		msg[n++] = '\n';
		ssize_t w = write(2, msg, n);
		(void)w;
		die_run_cleanups();
		_exit(GRIST_EXIT_IO);
	}
	/* Not ours: the default action (re-raised for a signal sent by kill). */
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
}

static struct map_slot *slot_take(const void *base, size_t len, const char *path)
{
	pthread_mutex_lock(&slots_lock);
	if (!handler_installed) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
		handler_installed = 1;
	}
	struct map_slot *s = atomic_load(&slots);
	while (s && atomic_load(&s->base))
		s = s->next;
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->next = atomic_load(&slots);
		atomic_store(&slots, s);
	}
	s->len = len;
	atomic_store(&s->path, xstrdup(path));
	atomic_store(&s->base, (uintptr_t)base);
	pthread_mutex_unlock(&slots_lock);
	return s;
}

static void slot_give_back(struct map_slot *s)
{
	pthread_mutex_lock(&slots_lock);
	atomic_store(&s->base, 0);
	char *path = atomic_exchange(&s->path, NULL);
	pthread_mutex_unlock(&slots_lock);
	free(path);
}

int mapfile_fd(struct mapfile *m, int fd, const char *path, struct buf *err)
{
	memset(m, 0, sizeof(*m));
	m->p = (const unsigned char *)"";
	struct stat st;
	if (fstat(fd, &st) < 0) {
		buf_addf(err, "cannot stat %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		buf_addf(err, "%s is not a regular file", path);
		return -1;
	}
	if (!st.st_size)
		return 0;
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		buf_addf(err, "cannot map %s: %s", path, strerror(errno));
		return -1;
	}
	m->p = p;
	m->len = (size_t)st.st_size;
	m->slot = slot_take(p, m->len, path);
	return 0;
}

int mapfile_open(struct mapfile *m, const char *path, struct buf *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		memset(m, 0, sizeof(*m));
		m->p = (const unsigned char *)"";
		buf_addf(err, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	int rc = mapfile_fd(m, fd, path, err);
	close(fd);
	return rc;
}

void mapfile_close(struct mapfile *m)
{
	if (m->slot) {
		slot_give_back(m->slot);
		munmap((void *)m->p, m->len);
	}
	memset(m, 0, sizeof(*m));
	m->p = (const unsigned char *)"";
}
