/*
 * One output file of a shard set: buffered, hashed with XXH3-64 as it is written (or, for llm.c
 * shards whose header is patched at the end, by reading the file back), written under a
 * temporary name (lib/atomic.h) and closed without being renamed: shard_writer_publish()
 * publishes every file of the set together. Also the small helpers the writers share.
 */
#include "shard.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "lib/die.h"
#include "lib/mapfile.h"
#include "lib/xalloc.h"

#define OUT_BUF (4u << 20)

/* ---- one output file: buffered, hashed as written, atomic ---- */

char *shard_join_path(const char *dir, const char *name)
{
	struct buf b = BUF_INIT;
	if (dir && *dir && strcmp(dir, "."))
		buf_addf(&b, "%s/", dir);
	buf_addstr(&b, name);
	return buf_detach(&b, NULL);
}

int shard_out_open(struct shard_out *f, const char *dir, const char *name, int hashing,
		    struct buf *err)
{
	memset(f, 0, sizeof(*f));
	char *path = shard_join_path(dir, name);
	int rc = atomic_open(&f->af, path, err);
	free(path);
	if (rc < 0)
		return -1;
	f->name = xstrdup(name);
	f->buf = xmalloc(OUT_BUF);
	f->hashing = hashing;
	f->xx = XXH3_createState();
	if (!f->xx)
		die(GRIST_EXIT_INTERNAL, "out of memory");
	XXH3_64bits_reset(f->xx);
	return 0;
}

static int out_flush(struct shard_out *f, struct buf *err)
{
	if (!f->len)
		return 0;
	int rc = atomic_write(&f->af, f->buf, f->len, err);
	f->len = 0;
	return rc;
}

int shard_out_write(struct shard_out *f, const void *p, size_t n, struct buf *err)
{
	if (f->hashing)
		XXH3_64bits_update(f->xx, p, n);
	f->bytes += n;
	if (f->len + n <= OUT_BUF) {
		memcpy(f->buf + f->len, p, n);
		f->len += n;
		return 0;
	}
	if (out_flush(f, err) < 0)
		return -1;
	if (n >= OUT_BUF / 2)
		return atomic_write(&f->af, p, n, err);
	memcpy(f->buf, p, n);
	f->len = n;
	return 0;
}

static int hash_fd(int fd, const char *name, uint64_t *hash, uint64_t *bytes, struct buf *err)
{
	/* Mapped: no copy through a buffer (this is a second pass over every llm.c shard); a file
	 * cut while mapped is a read error naming it (lib/mapfile.h). */
	struct mapfile m;
	struct buf merr = BUF_INIT;
	int mapped = mapfile_fd(&m, fd, name, &merr) == 0 && m.len;
	buf_release(&merr);
	if (mapped) {
		madvise((void *)m.p, m.len, MADV_SEQUENTIAL);
		*hash = XXH3_64bits(m.p, m.len);
		if (bytes)
			*bytes = (uint64_t)m.len;
		mapfile_close(&m);
		return 0;
	}
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		die(GRIST_EXIT_INTERNAL, "out of memory");
	XXH3_64bits_reset(st);
	char *b = xmalloc(OUT_BUF);
	uint64_t off = 0;
	int rc = 0;
	for (;;) {
		ssize_t n = pread(fd, b, OUT_BUF, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			buf_addf(err, "read error on %s: %s", name, strerror(errno));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		XXH3_64bits_update(st, b, (size_t)n);
		off += (uint64_t)n;
	}
	*hash = XXH3_64bits_digest(st);
	if (bytes)
		*bytes = off;
	XXH3_freeState(st);
	free(b);
	return rc;
}

int shard_hash_file(const char *path, uint64_t *hash, uint64_t *bytes, struct buf *err)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		buf_addf(err, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	int rc = hash_fd(fd, path, hash, bytes, err);
	close(fd);
	return rc;
}

void shard_out_free(struct shard_out *f)
{
	if (f->af.tmp)
		atomic_abort(&f->af);
	if (f->xx)
		XXH3_freeState(f->xx);
	free(f->buf);
	free(f->name);
	memset(f, 0, sizeof(*f));
}

/*
 * Flush; write `head` (if any) at offset 0 over the placeholder; hash; commit. rec gets the name,
 * size and hash. On failure the temporary file is removed.
 */
int shard_out_close(struct shard_out *f, const void *head, size_t head_len, const char *role,
		     struct shard_file_rec *rec, struct buf *err)
{
	uint64_t hash = 0, bytes = f->bytes;
	if (out_flush(f, err) < 0)
		goto fail;
	if (head_len) {
		const char *p = head;
		size_t left = head_len;
		off_t off = 0;
		while (left) {
			ssize_t w = pwrite(f->af.fd, p, left, off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				buf_addf(err, "write error on %s: %s", f->af.path, strerror(errno));
				goto fail;
			}
			p += w;
			left -= (size_t)w;
			off += w;
		}
	}
	if (f->hashing) {
		hash = XXH3_64bits_digest(f->xx);
	} else if (hash_fd(f->af.fd, f->af.path, &hash, &bytes, err) < 0) {
		goto fail;
	}
	if (atomic_close(&f->af, err) < 0)
		goto fail;
	rec->af = f->af;
	f->af.tmp = f->af.path = NULL;
	rec->role = xstrdup(role);
	rec->name = xstrdup(f->name);
	rec->bytes = bytes;
	rec->xxh3 = hash;
	shard_out_free(f);
	return 0;
fail:
	shard_out_free(f);
	return -1;
}

char *shard_replace_suffix(const char *name, const char *old, const char *new_suffix)
{
	size_t n = strlen(name), k = strlen(old);
	struct buf b = BUF_INIT;
	if (n >= k && !strcmp(name + n - k, old))
		buf_add(&b, name, n - k);
	else
		buf_addstr(&b, name);
	buf_addstr(&b, new_suffix);
	return buf_detach(&b, NULL);
}

