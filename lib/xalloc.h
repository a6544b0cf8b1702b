/*
 * Checked allocation. Running out of memory is not an input error a caller can handle, so these
 * die (exit code 4) with the size asked for, like git's xmalloc. Everything else in lib/ returns
 * errors instead of exiting.
 */
#ifndef GRIST_XALLOC_H
#define GRIST_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xmemdup(const void *p, size_t n); /* NUL-terminated copy of n bytes */

/* a * b, dying (exit 4) instead of wrapping around when the product does not fit (git's st_mult). */
size_t st_mult(size_t a, size_t b);

/* Next capacity for a growing array: at least `need`, growing by 1.5x. */
size_t alloc_nr(size_t cur, size_t need);

/* Grow array `x` (with capacity variable `alloc`) to hold at least `nr` elements. */
#define ALLOC_GROW(x, nr, alloc)                                                \
	do {                                                                    \
		if ((size_t)(nr) > (size_t)(alloc)) {                           \
			(alloc) = alloc_nr((alloc), (nr));                      \
			(x) = xrealloc((x), st_mult((alloc), sizeof(*(x))));    \
		}                                                               \
	} while (0)

#endif
