/*
 * Errors and exit codes.
 *
 * Only the cmd_* layer calls die(); library code returns an error the caller reports
 * (docs/style.md, practice 3). Messages say what failed first, then where:
 *   grist clean: invalid JSON at input.jsonl:1832 byte 77: unterminated string
 */
#ifndef GRIST_DIE_H
#define GRIST_DIE_H

#include <stdarg.h>

/* Exit codes, documented in the README. Keep the two lists in step. */
enum grist_exit {
	GRIST_EXIT_OK = 0,       /* success */
	GRIST_EXIT_DATA = 1,     /* bad input data under a strict policy (--on-invalid=error, ...) */
	GRIST_EXIT_USAGE = 2,    /* bad command line: unknown stage or option, bad value */
	GRIST_EXIT_IO = 3,       /* a file could not be opened, read or written (full disk, ...) */
	GRIST_EXIT_INTERNAL = 4, /* out of memory or a bug (BUG()) */
	GRIST_EXIT_UNSUPPORTED = 5, /* input is valid but uses something grist does not implement */
};

/* "grist" or "grist ingest": set once by the dispatcher. */
extern const char *grist_progname;

__attribute__((noreturn, format(printf, 2, 3))) void die(int code, const char *fmt, ...);
__attribute__((noreturn, format(printf, 2, 3))) void die_errno(int code, const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void warning(const char *fmt, ...);
__attribute__((noreturn)) void grist_bug(const char *file, int line, const char *msg);
#define BUG(msg) grist_bug(__FILE__, __LINE__, (msg))

/* Functions run before exit on die() or a fatal signal (temporary files are removed this way). */
typedef void (*grist_cleanup_fn)(void);
void die_add_cleanup(grist_cleanup_fn fn);
void die_run_cleanups(void);

#endif
