/*
 * A tiny unit-test harness: CHECK() records a failure with file and line and goes on; the
 * summary line is `N passed, N failed` and the exit status is non-zero on any failure.
 *
 *   TEST(buf_grows) { ... CHECK(x == 1); CHECK_EQ_MEM(a, alen, b, blen); }
 *   int main(void) { RUN(buf_grows); return harness_summary(); }
 */
#ifndef GRIST_TEST_HARNESS_H
#define GRIST_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_passed, harness_failed, harness_cur_failed;
static const char *harness_cur;

#define TEST(name) static void test_##name(void)
#define RUN(name)                                                                 \
	do {                                                                      \
		harness_cur = #name;                                              \
		harness_cur_failed = 0;                                           \
		test_##name();                                                    \
		if (harness_cur_failed)                                           \
			harness_failed++;                                         \
		else                                                              \
			harness_passed++;                                         \
	} while (0)

#define CHECK(cond)                                                               \
	do {                                                                      \
		if (!(cond)) {                                                    \
			if (harness_cur_failed++ < 10)                            \
				fprintf(stderr, "%s:%d: %s: CHECK failed: %s\n", \
					__FILE__, __LINE__, harness_cur, #cond);  \
		}                                                                 \
	} while (0)

#define CHECK_EQ_MEM(a, alen, b, blen)                                            \
	do {                                                                      \
		size_t la_ = (alen), lb_ = (blen);                                \
		if (la_ != lb_ || memcmp((a), (b), la_)) {                        \
			if (harness_cur_failed++ < 10)                            \
				fprintf(stderr, "%s:%d: %s: bytes differ: '%.*s' vs '%.*s'\n", \
					__FILE__, __LINE__, harness_cur, (int)la_, \
					(const char *)(a), (int)lb_, (const char *)(b)); \
		}                                                                 \
	} while (0)

#define CHECK_STR(a, b) CHECK_EQ_MEM((a), strlen(a), (b), strlen(b))

static inline int harness_summary(const char *file)
{
	printf("%s: %d passed, %d failed\n", file, harness_passed, harness_failed);
	return harness_failed ? 1 : 0;
}
#define HARNESS_SUMMARY() harness_summary(__FILE__)

#endif
