#include "output.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "die.h"
#include "xalloc.h"

#define OUTPUT_BUF (1u << 20)

static struct output stdout_out;
static int stdout_ready;

static void write_all(struct output *o, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {
				/* The reader went away: end quietly, as if SIGPIPE had killed us. */
				die_run_cleanups();
				signal(SIGPIPE, SIG_DFL);
				raise(SIGPIPE);
				_exit(GRIST_EXIT_IO);
			}
			die_errno(GRIST_EXIT_IO, "write error on %s", o->name);
		}
		p += w;
		n -= (size_t)w;
	}
}

void output_open(struct output *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	o->cap = OUTPUT_BUF;
	o->buf = xmalloc(o->cap);
	if (!path || !strcmp(path, "-")) {
		o->fd = 1;
		o->name = xstrdup("standard output");
		return;
	}
	struct buf err = BUF_INIT;
	if (atomic_open(&o->af, path, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	o->fd = o->af.fd;
	o->is_file = 1;
	o->name = xstrdup(path);
}

void output_flush(struct output *o)
{
	if (o->len)
		write_all(o, o->buf, o->len);
	o->len = 0;
}

void output_write(struct output *o, const void *p, size_t n)
{
	o->bytes += n;
	if (o->len + n <= o->cap) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
		return;
	}
	output_flush(o);
	if (n >= o->cap / 2) {
		write_all(o, p, n);
		return;
	}
	memcpy(o->buf, p, n);
	o->len = n;
}

void output_close(struct output *o)
{
	if (!o->buf)
		return;
	output_flush(o);
	if (o->is_file) {
		struct buf err = BUF_INIT;
		if (atomic_commit(&o->af, &err) < 0)
			die(GRIST_EXIT_IO, "%s", err.data);
	}
	free(o->buf);
	free(o->name);
	o->buf = NULL;
	o->name = NULL;
}

struct output *output_stdout(void)
{
	if (!stdout_ready) {
		output_open(&stdout_out, NULL);
		stdout_ready = 1;
	}
	return &stdout_out;
}

void output_finish_stdout(void)
{
	if (stdout_ready) {
		output_close(&stdout_out);
		stdout_ready = 0;
	}
	/* Anything printed through stdio (help text, inspect output) is checked too. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			exit(GRIST_EXIT_OK);
		die_errno(GRIST_EXIT_IO, "write error on standard output");
	}
	if (fclose(stdout) != 0 && errno != EPIPE)
		die_errno(GRIST_EXIT_IO, "write error on standard output");
}
