/* die()/error()/warning(): the only place that turns errors into messages and exit codes. */
#include "die.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *grist_progname = "grist";

static grist_cleanup_fn cleanups[16];
static int ncleanups;

void die_add_cleanup(grist_cleanup_fn fn)
{
	for (int i = 0; i < ncleanups; i++)
		if (cleanups[i] == fn)
			return;
	/* Cleanups are distinct functions of the program, not per-input registrations: running out
	 * of slots is a programming error, never a silently dropped cleanup. */
	if (ncleanups >= (int)(sizeof(cleanups) / sizeof(cleanups[0])))
		BUG("die_add_cleanup: more than 16 cleanup functions");
	cleanups[ncleanups++] = fn;
}

void die_run_cleanups(void)
{
	while (ncleanups > 0)
		cleanups[--ncleanups]();
}

static void vreport(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	/* One fprintf per message keeps lines from concurrent writers whole. */
	char msg[4096];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s: %s%s%s%s\n", grist_progname, prefix, msg, suffix ? ": " : "",
		suffix ? suffix : "");
}

/*
 * Leave without running static destructors and atexit handlers: worker threads may still be
 * inside simdjson or libxml2 when the main thread dies, and C++ static objects destroyed under
 * them abort the process ("pure virtual method called") instead of exiting with `code`.
 * Cleanups (temporary files) have run; stdio is flushed by hand.
 */
static _Noreturn void leave(int code)
{
	fflush(NULL);
	_exit(code);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap, NULL);
	va_end(ap);
	die_run_cleanups();
	leave(code);
}

void die_errno(int code, const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap, err);
	va_end(ap);
	die_run_cleanups();
	leave(code);
}

void error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("", fmt, ap, NULL);
	va_end(ap);
}

void warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap, NULL);
	va_end(ap);
}

void grist_bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "%s: BUG at %s:%d: %s\n", grist_progname, file, line, msg);
	die_run_cleanups();
	abort();
}
