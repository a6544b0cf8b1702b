/*
 * Fault injection for the CLI tests (tests/cli/t2023-output-faults.sh), loaded with LD_PRELOAD:
 * makes the system calls grist writes its output files with fail, come up short or be
 * interrupted, so the tests can check that every failure is reported (message, non-zero exit,
 * no file under a final name) and that EINTR and short writes are retried without loss.
 *
 * Only descriptors above 2 that are regular files are touched (stderr must carry the message).
 * Environment:
 *   FI_OP=write|fsync|rename|read  the call that fails (write covers write and pwrite; read
 *                             only reads of regular files, the inputs)
 *   FI_AFTER=N                let N such calls succeed, fail the next ones (default 0)
 *   FI_ERRNO=ENOSPC|EIO       the error (default ENOSPC)
 *   FI_SHORT=1                every write or pwrite transfers at most half of what was asked
 *   FI_EINTR=1                every other write, pwrite, read and fsync fails with EINTR first
 *   FI_OP=mmap                a read-only mapping of a regular file whose path contains FI_MATCH
 *                             (default: any) is made, then the file is truncated to FI_TRUNCATE
 *                             bytes (default 0), as if another process had cut it: an access
 *                             beyond the new end is a SIGBUS (FI_AFTER mappings pass untouched)
 * Nothing set: a transparent pass-through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_read)(int, void *, size_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_rename)(const char *, const char *);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);

static const char *op = "";
static const char *match = "";
static long truncate_to;
static long after;
static int err_code = ENOSPC, short_writes, eintr;
static atomic_long calls, eintr_tick;

__attribute__((constructor)) static void fi_init(void)
{
	real_write = dlsym(RTLD_NEXT, "write");
	real_pwrite = dlsym(RTLD_NEXT, "pwrite");
	real_read = dlsym(RTLD_NEXT, "read");
	real_fsync = dlsym(RTLD_NEXT, "fsync");
	real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
	real_rename = dlsym(RTLD_NEXT, "rename");
	real_mmap = dlsym(RTLD_NEXT, "mmap");
	const char *s;
	if ((s = getenv("FI_OP")))
		op = s;
	if ((s = getenv("FI_AFTER")))
		after = atol(s);
	if ((s = getenv("FI_ERRNO")) && !strcmp(s, "EIO"))
		err_code = EIO;
	if ((s = getenv("FI_MATCH")))
		match = s;
	if ((s = getenv("FI_TRUNCATE")))
		truncate_to = atol(s);
	short_writes = (s = getenv("FI_SHORT")) && *s == '1';
	eintr = (s = getenv("FI_EINTR")) && *s == '1';
}

static int is_output(int fd)
{
	struct stat st;
	return fd > 2 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

/* This call of `name` fails (errno set) when it is the one FI_OP names and N have passed. */
static int injected(const char *name)
{
	if (strcmp(op, name) || atomic_fetch_add(&calls, 1) < after)
		return 0;
	errno = err_code;
	return 1;
}

static int interrupted(void)
{
	if (!eintr || (atomic_fetch_add(&eintr_tick, 1) & 1))
		return 0;
	errno = EINTR;
	return 1;
}

static size_t shorten(size_t n)
{
	return short_writes && n > 1 ? n / 2 : n;
}

ssize_t write(int fd, const void *p, size_t n)
{
	if (!real_write)
		fi_init();
	if (n && is_output(fd) && (interrupted() || injected("write")))
		return -1;
	return real_write(fd, p, is_output(fd) ? shorten(n) : n);
}

ssize_t pwrite(int fd, const void *p, size_t n, off_t off)
{
	if (!real_pwrite)
		fi_init();
	if (n && is_output(fd) && (interrupted() || injected("write")))
		return -1;
	return real_pwrite(fd, p, is_output(fd) ? shorten(n) : n, off);
}
ssize_t pwrite64(int fd, const void *p, size_t n, off_t off) __attribute__((alias("pwrite")));

ssize_t read(int fd, void *p, size_t n)
{
	if (!real_read)
		fi_init();
	if (n && fd > 2 && (interrupted() || (is_output(fd) && injected("read"))))
		return -1;
	return real_read(fd, p, n);
}

int fsync(int fd)
{
	if (!real_fsync)
		fi_init();
	if (is_output(fd) && (interrupted() || injected("fsync")))
		return -1;
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	if (!real_fdatasync)
		fi_init();
	if (is_output(fd) && (interrupted() || injected("fsync")))
		return -1;
	return real_fdatasync(fd);
}

int rename(const char *from, const char *to)
{
	if (!real_rename)
		fi_init();
	if (injected("rename"))
		return -1;
	return real_rename(from, to);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	if (!real_mmap)
		fi_init();
	void *p = real_mmap(addr, len, prot, flags, fd, off);
	if (p == MAP_FAILED || (prot & PROT_WRITE) || !is_output(fd) || strcmp(op, "mmap"))
		return p;
	char link[64], path[4096];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return p;
	path[n] = '\0';
	if (strstr(path, match) && atomic_fetch_add(&calls, 1) >= after)
		(void)truncate(path, truncate_to);
	return p;
}
void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off) __attribute__((alias("mmap")));
