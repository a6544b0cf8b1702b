/*
 * struct buf: the one growable byte buffer.
 *
 * Invariants (true after buf_init() / BUF_INIT and after every call below):
 *   - b->data is never NULL; before the first growth it points at a shared empty string, which
 *     must not be written;
 *   - b->data[b->len] == '\0', so data can be passed to C string functions when it holds no NULs
 *     (it may hold NULs: len, not strlen, is the length);
 *   - b->len < b->cap whenever b->cap > 0 (there is always room for the terminating NUL).
 * Growth failure dies (xalloc.h); nothing else here exits.
 */
#ifndef GRIST_BUF_H
#define GRIST_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

extern char buf_empty[];
#define BUF_INIT { buf_empty, 0, 0 }

void buf_init(struct buf *b, size_t hint);
void buf_release(struct buf *b);          /* frees; b is BUF_INIT again */
char *buf_detach(struct buf *b, size_t *len); /* caller owns the result (always malloc'd) */
void buf_grow(struct buf *b, size_t extra); /* ensure room for `extra` more bytes + NUL */
void buf_setlen(struct buf *b, size_t len);  /* len <= cap - 1 */
void buf_add(struct buf *b, const void *p, size_t n);
void buf_addstr(struct buf *b, const char *s);
__attribute__((format(printf, 2, 3))) void buf_addf(struct buf *b, const char *fmt, ...);
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);

static inline void buf_reset(struct buf *b)
{
	buf_setlen(b, 0);
}

static inline void buf_addch(struct buf *b, char c)
{
	if (b->len + 1 >= b->cap)
		buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

/* Room left before the next growth (excluding the NUL). */
static inline size_t buf_avail(const struct buf *b)
{
	return b->cap ? b->cap - b->len - 1 : 0;
}

#endif
