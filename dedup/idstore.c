/* Document ids in an unlinked temporary file; see idstore.h. */
#include "dedup/idstore.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/xalloc.h"

#define IDSTORE_WBUF (1u << 20)

int idstore_init(struct idstore *s, struct buf *err)
{
	memset(s, 0, sizeof(*s));
	const char *dir = getenv("TMPDIR");
	struct buf path = BUF_INIT;
	buf_addf(&path, "%s/grist-dedup-ids.XXXXXX", dir && *dir ? dir : "/tmp");
	s->fd = mkstemp(path.data);
	if (s->fd < 0) {
		buf_addf(err, "cannot create a temporary file %s: %s", path.data, strerror(errno));
		buf_release(&path);
		return -1;
	}
	unlink(path.data);
	buf_release(&path);
	s->wbuf = xmalloc(IDSTORE_WBUF);
	ALLOC_GROW(s->off, 1, s->alloc);
	s->off[0] = 0;
	return 0;
}

static int flush(struct idstore *s, struct buf *err)
{
	size_t done = 0;
	while (done < s->wlen) {
		ssize_t w = pwrite(s->fd, s->wbuf + done, s->wlen - done, (off_t)(s->flushed + done));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			buf_addf(err, "cannot write the temporary id file: %s",
				 w < 0 ? strerror(errno) : "no space");
			return -1;
		}
		done += (size_t)w;
	}
	s->flushed += s->wlen;
	s->wlen = 0;
	return 0;
}

int idstore_add(struct idstore *s, const char *id, size_t len, struct buf *err)
{
	ALLOC_GROW(s->off, s->n + 2, s->alloc);
	if (s->wlen + len > IDSTORE_WBUF && flush(s, err) < 0)
		return -1;
	if (len > IDSTORE_WBUF) {
		ssize_t w = pwrite(s->fd, id, len, (off_t)s->flushed);
		if (w != (ssize_t)len) {
			buf_addf(err, "cannot write the temporary id file: %s", strerror(errno));
			return -1;
		}
		s->flushed += len;
	} else {
		memcpy(s->wbuf + s->wlen, id, len);
		s->wlen += len;
	}
	s->off[s->n + 1] = s->off[s->n] + len;
	s->n++;
	return 0;
}

int idstore_get(struct idstore *s, size_t i, struct buf *out, struct buf *err)
{
	uint64_t a = s->off[i], b = s->off[i + 1];
	buf_reset(out);
	buf_grow(out, (size_t)(b - a));
	if (a >= s->flushed) {
		buf_add(out, s->wbuf + (a - s->flushed), (size_t)(b - a));
		return 0;
	}
	if (b > s->flushed && flush(s, err) < 0)
		return -1;
	size_t done = 0;
	while (done < b - a) {
		ssize_t r = pread(s->fd, out->data + done, (size_t)(b - a) - done, (off_t)(a + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			buf_addf(err, "cannot read the temporary id file: %s",
				 r < 0 ? strerror(errno) : "short read");
			return -1;
		}
		done += (size_t)r;
	}
	buf_setlen(out, (size_t)(b - a));
	return 0;
}

void idstore_release(struct idstore *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->off);
	free(s->wbuf);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

size_t idstore_bytes(const struct idstore *s)
{
	return s->alloc * sizeof(*s->off) + IDSTORE_WBUF;
}
