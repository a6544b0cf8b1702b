#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"

static void oom(size_t n)
{
	die(GRIST_EXIT_INTERNAL, "out of memory (allocating %zu bytes)", n);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

size_t st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b)
		die(GRIST_EXIT_INTERNAL, "out of memory (allocating %zu x %zu bytes overflows)", a, b);
	return a * b;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(st_mult(nmemb, size));
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

char *xmemdup(const void *p, size_t n)
{
	if (n == SIZE_MAX)
		oom(n);
	char *q = xmalloc(n + 1);
	if (n)
		memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

size_t alloc_nr(size_t cur, size_t need)
{
	size_t n = cur + cur / 2 + 16;
	if (n < cur) /* overflow */
		oom(SIZE_MAX);
	return n < need ? need : n;
}
