/*
 * Opening a Parquet file: "PAR1", the column chunks, the Thrift footer, its 4-byte length and
 * "PAR1" again (parquet-format README, "File format").
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/le.h"
#include "lib/xalloc.h"
#include "parquet/parquet.h"

int pq_file_read(const struct pq_file *f, uint64_t off, size_t n, void *dst, struct buf *err)
{
	if (off > f->size || n > f->size - off) {
		buf_addf(err, "read of %zu bytes at byte %llu past the end of the file", n,
			 (unsigned long long)off);
		return -1;
	}
	if (f->fd < 0) {
		memcpy(dst, f->mem + off, n);
		return 0;
	}
	size_t done = 0;
	while (done < n) {
		ssize_t r = pread(f->fd, (char *)dst + done, n - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			buf_addf(err, "read error at byte %llu: %s", (unsigned long long)(off + done),
				 r < 0 ? strerror(errno) : "file shrank while being read");
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

int pq_path_has_tail(const char *path)
{
	if (!path)
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char t[4];
	off_t size = lseek(fd, 0, SEEK_END);
	int ok = size >= 12 && pread(fd, t, 4, size - 4) == 4 && !memcmp(t, "PAR1", 4);
	close(fd);
	return ok;
}

static int open_footer(struct pq_file *f, struct buf *err)
{
	uint8_t tail[8], head[4];
	if (f->size < 12) {
		buf_addf(err, "not a Parquet file: only %llu bytes", (unsigned long long)f->size);
		return -1;
	}
	if (pq_file_read(f, 0, 4, head, err) < 0 || pq_file_read(f, f->size - 8, 8, tail, err) < 0)
		return -1;
	if (memcmp(head, "PAR1", 4)) {
		buf_addstr(err, "not a Parquet file (no PAR1 at the start)");
		return -1;
	}
	if (!memcmp(tail + 4, "PARE", 4)) {
		buf_addstr(err, "encrypted Parquet footers are not supported");
		return -1;
	}
	if (memcmp(tail + 4, "PAR1", 4)) {
		buf_addf(err, "truncated or damaged file: no PAR1 footer magic at byte %llu",
			 (unsigned long long)(f->size - 4));
		return -1;
	}
	uint32_t flen = le_get32(tail);
	if (flen > f->size - 12) {
		buf_addf(err, "footer length %u at byte %llu is larger than the file", flen,
			 (unsigned long long)(f->size - 8));
		return -1;
	}
	uint64_t foff = f->size - 8 - flen;
	struct buf footer = BUF_INIT;
	buf_grow(&footer, flen);
	int rc = pq_file_read(f, foff, flen, footer.data, err);
	if (rc == 0) {
		struct buf why = BUF_INIT;
		rc = pq_meta_parse(&f->meta, footer.data, flen, foff, &why);
		if (rc < 0)
			buf_addf(err, "%s (footer at byte %llu)", why.data, (unsigned long long)foff);
		buf_release(&why);
	}
	buf_release(&footer);
	return rc;
}

int pq_file_open_fd(struct pq_file *f, int fd, uint64_t size, struct buf *err)
{
	memset(f, 0, sizeof(*f));
	f->owned = (struct buf)BUF_INIT;
	f->fd = fd;
	f->size = size;
	return open_footer(f, err);
}

int pq_file_open_mem(struct pq_file *f, struct buf *data, struct buf *err)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->owned = *data;
	*data = (struct buf)BUF_INIT;
	f->mem = (const uint8_t *)f->owned.data;
	f->size = f->owned.len;
	return open_footer(f, err);
}

void pq_file_close(struct pq_file *f)
{
	pq_meta_release(&f->meta);
	buf_release(&f->owned);
	f->mem = NULL;
}
