#include "buf.h"

#include <stdio.h>
#include <stdlib.h>

#include "die.h"
#include "xalloc.h"

char buf_empty[1];

void buf_init(struct buf *b, size_t hint)
{
	b->data = buf_empty;
	b->len = b->cap = 0;
	if (hint)
		buf_grow(b, hint);
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b, 0);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;
	if (len)
		*len = b->len;
	p = b->cap ? b->data : xstrdup("");
	buf_init(b, 0);
	return p;
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need < b->len)
		die(GRIST_EXIT_INTERNAL, "buffer size overflow");
	if (need <= b->cap)
		return;
	int fresh = b->cap == 0;
	b->cap = alloc_nr(b->cap, need);
	b->data = xrealloc(fresh ? NULL : b->data, b->cap);
	if (fresh)
		b->data[0] = '\0';
}

void buf_setlen(struct buf *b, size_t len)
{
	if (len > (b->cap ? b->cap - 1 : 0))
		BUG("buf_setlen beyond allocation");
	b->len = len;
	if (b->cap) /* else data is the shared empty string, already terminated */
		b->data[len] = '\0';
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	if (!buf_avail(b))
		buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->data + b->len, buf_avail(b) + 1, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed");
	if ((size_t)n > buf_avail(b)) {
		buf_grow(b, (size_t)n);
		n = vsnprintf(b->data + b->len, buf_avail(b) + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}
