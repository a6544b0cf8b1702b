/* Unit tests for struct buf and ALLOC_GROW. */
#include "harness.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

TEST(empty_is_terminated)
{
	struct buf b = BUF_INIT;
	CHECK(b.data != NULL);
	CHECK(b.len == 0 && b.data[0] == '\0');
	buf_release(&b);
	CHECK(b.data != NULL && b.len == 0);
}

TEST(add_and_format)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "abc");
	buf_addch(&b, '\0');
	buf_add(&b, "de", 2);
	CHECK(b.len == 6);
	CHECK_EQ_MEM(b.data, b.len, "abc\0de", 6);
	CHECK(b.data[b.len] == '\0');
	buf_reset(&b);
	buf_addf(&b, "%d-%s", 42, "x");
	CHECK_STR(b.data, "42-x");
	/* Formatting longer than the current room forces a regrow. */
	char big[5000];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_addf(&b, "%s!", big);
	CHECK(b.len == 4 + 4999 + 1);
	CHECK(b.data[b.len - 1] == '!' && b.data[b.len] == '\0');
	buf_release(&b);
}

TEST(detach_transfers)
{
	struct buf b = BUF_INIT;
	size_t n;
	char *p = buf_detach(&b, &n);
	CHECK(p && n == 0 && p[0] == '\0');
	free(p);
	buf_addstr(&b, "hello");
	p = buf_detach(&b, &n);
	CHECK(n == 5);
	CHECK_STR(p, "hello");
	CHECK(b.data == buf_empty && b.cap == 0);
	free(p);
}

TEST(alloc_grow)
{
	int *a = NULL;
	size_t alloc = 0;
	for (size_t i = 0; i < 100000; i++) {
		ALLOC_GROW(a, i + 1, alloc);
		a[i] = (int)i;
	}
	CHECK(alloc >= 100000);
	CHECK(a[99999] == 99999);
	free(a);
}

/* st_mult multiplies, and a product that does not fit in size_t ends the process with exit 4
 * (out of memory) instead of wrapping to a small allocation. */
TEST(st_mult_checks_overflow)
{
	CHECK(st_mult(3, 4) == 12);
	CHECK(st_mult(0, SIZE_MAX) == 0);
	CHECK(st_mult(SIZE_MAX, 1) == SIZE_MAX);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		volatile size_t n = st_mult(SIZE_MAX / 2 + 1, 2);
		_exit(n == 0 ? 0 : 1);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 4);
}

int main(void)
{
	RUN(empty_is_terminated);
	RUN(add_and_format);
	RUN(detach_transfers);
	RUN(alloc_grow);
	RUN(st_mult_checks_overflow);
	return HARNESS_SUMMARY();
}
