#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "xalloc.h"

static uint64_t input_bytes; /* source_input_bytes(): atomic, read-ahead threads add to it */

int source_open_file(struct source *s, const char *path, struct buf *err)
{
	memset(s, 0, sizeof(*s));
	s->size = -1;
	if (!strcmp(path, "-")) {
		s->fd = 0;
		s->name = xstrdup("stdin");
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0) {
			buf_addf(err, "cannot open %s: %s", path, strerror(errno));
			return -1;
		}
		s->close_fd = 1;
		s->name = xstrdup(path);
	}
	struct stat st;
	if (fstat(s->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			buf_addf(err, "%s is a directory", path);
			source_close(s);
			return -1;
		}
		if (S_ISREG(st.st_mode))
			s->size = st.st_size;
	}
	if (s->size > 0)
		posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return 0;
}

ssize_t source_read(struct source *s, void *buf, size_t n, struct buf *err)
{
	ssize_t r;
	if (s->read_fn) {
		r = s->read_fn(s, buf, n, err);
	} else {
		do
			r = read(s->fd, buf, n);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			buf_addf(err, "read error on %s: %s", s->name, strerror(errno));
			s->io_failed = 1;
		}
	}
	if (r > 0) {
		s->consumed += (uint64_t)r;
		if (s->is_input)
			__atomic_fetch_add(&input_bytes, (uint64_t)r, __ATOMIC_RELAXED);
	}
	return r;
}

int source_fail_exit(const struct source *s)
{
	return s->io_failed ? GRIST_EXIT_IO : GRIST_EXIT_DATA;
}

void source_mark_input(struct source *s)
{
	s->is_input = 1;
}

uint64_t source_input_bytes(void)
{
	return __atomic_load_n(&input_bytes, __ATOMIC_RELAXED);
}

/* Room to have before the next read. A source that knows its size (an archive member, a file)
 * is read into one allocation of that size: the rest, and one byte more so that the read that
 * finds the end needs no growth (growing by 64 KiB at a time copied large members several
 * times over). Sizes past the limit, and sources without one, grow 64 KiB at a time. */
static size_t read_room(const struct source *s, uint64_t limit)
{
	if (s->size < 0 || (uint64_t)s->size < s->consumed || (uint64_t)s->size - s->consumed > limit)
		return 1 << 16;
	return (size_t)((uint64_t)s->size - s->consumed) + 1;
}

int source_read_all(struct source *s, struct buf *out, uint64_t limit, struct buf *err)
{
	for (;;) {
		size_t room = read_room(s, limit);
		if (buf_avail(out) < room)
			buf_grow(out, room);
		ssize_t r = source_read(s, out->data + out->len, buf_avail(out), err);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		out->len += (size_t)r;
		out->data[out->len] = '\0';
		if (out->len > limit) {
			buf_addf(err, "%s is larger than the limit of %llu bytes", s->name,
				 (unsigned long long)limit);
			return -1;
		}
	}
	return 0;
}

void source_close(struct source *s)
{
	if (s->close_fn)
		s->close_fn(s);
	if (s->close_fd && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->name);
	s->name = NULL;
}

int source_read_file(const char *path, struct buf *out, uint64_t limit, struct buf *err)
{
	struct source s;
	if (!strcmp(path, "-")) {
		buf_addf(err, "cannot read a whole file from stdin ('-'); give a file name");
		return -1;
	}
	if (source_open_file(&s, path, err) < 0)
		return -1;
	int rc = source_read_all(&s, out, limit, err);
	source_close(&s);
	return rc;
}
