/*
 * One progress line for a whole pipe (docs/design.md, "Stats and progress").
 *
 * Every stage of `grist ingest | grist clean | grist tokenize` draws progress on the same
 * terminal; drawn independently, their "\r" lines overwrite each other. Instead each stage
 * writes its figures to a small status file in a directory shared by the processes of the pipe
 * (they share a process group), and one of them at a time (the holder of owner.lock) draws one
 * line with every stage on it:
 *   ingest 120.4k rec 48.2 MB/s 41% ETA 9s | clean 118.0k rec 47.1 MB/s | tokenize 117.9k rec
 * Before a stage prints its summary line it clears the progress line, so summaries scroll up and
 * the progress line stays below them; the last stage to finish draws the final line and ends it
 * with a newline. `grist run` sets GRIST_PROGRESS_DIR for its stages (whose stderr goes to log
 * files) and draws the run's line itself from the same files (progress_draw_dir()).
 * Without a terminal, --progress falls back to one plain line per stage.
 */
#include "progress.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "xalloc.h"

static struct {
	int mode; /* 0 not decided, 1 shared (status files), 2 plain, -1 off */
	int draw; /* may draw (stderr is a terminal and not under grist run) */
	char *dir, *self;
	int owner_fd; /* >= 0 while this process draws */
	int drawn;    /* a line is on the screen (drawn by this process) */
} pg = { .owner_fd = -1 };

struct entry {
	char stage[32];
	unsigned long long records, bytes, done, total;
	double elapsed;
	int final, n;
};

static const char *const order[] = { "ingest", "clean", "dedup", "tokenize", "shard" };

static int rank(const char *stage)
{
	for (size_t i = 0; i < sizeof(order) / sizeof(*order); i++)
		if (!strncmp(stage, order[i], strlen(order[i])))
			return (int)i;
	return 99;
}

static void decide(void)
{
	if (pg.mode)
		return;
	const char *env = getenv("GRIST_PROGRESS_DIR");
	struct buf b = BUF_INIT;
	if (env && *env) {
		buf_addstr(&b, env);
		pg.draw = 0;
	} else if (isatty(2)) {
		const char *tmp = getenv("TMPDIR");
		buf_addf(&b, "%s/grist-progress-%ld-%ld", tmp && *tmp ? tmp : "/tmp", (long)getuid(),
			 (long)getpgrp());
		pg.draw = 1;
	} else {
		pg.mode = 2;
		return;
	}
	if (mkdir(b.data, 0700) < 0 && errno != EEXIST) {
		buf_release(&b);
		pg.mode = 2;
		return;
	}
	pg.dir = buf_detach(&b, NULL);
	buf_addf(&b, "%s/%ld", pg.dir, (long)getpid());
	pg.self = buf_detach(&b, NULL);
	pg.mode = 1;
}

static int lock_file(const char *name, int how)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/%s", pg.dir, name);
	int fd = open(b.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	buf_release(&b);
	if (fd >= 0 && flock(fd, how) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void write_status(const char *stage, uint64_t records, uint64_t bytes, uint64_t done,
			 uint64_t total, double elapsed, int final)
{
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	buf_addf(&b, "%s\t%llu\t%llu\t%llu\t%llu\t%.3f\t%d\n", stage, (unsigned long long)records,
		 (unsigned long long)bytes, (unsigned long long)done, (unsigned long long)total,
		 elapsed, final);
	buf_addf(&tmp, "%s.tmp", pg.self);
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		ssize_t w = write(fd, b.data, b.len);
		close(fd);
		if (w == (ssize_t)b.len)
			rename(tmp.data, pg.self);
		else
			unlink(tmp.data);
	}
	buf_release(&b);
	buf_release(&tmp);
}

/* Reads every status file of dir (dead processes' files are removed), summed by stage. */
static size_t read_entries(const char *dir, struct entry *e, size_t max, int *live_unfinished)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	*live_unfinished = 0;
	if (!d)
		return 0;
	struct dirent *de;
	struct buf p = BUF_INIT;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (pid <= 0 || *end)
			continue;
		buf_reset(&p);
		buf_addf(&p, "%s/%s", dir, de->d_name);
		FILE *f = fopen(p.data, "r");
		if (!f)
			continue;
		struct entry x = { .n = 1 };
		int ok = fscanf(f, "%31[^\t]\t%llu\t%llu\t%llu\t%llu\t%lf\t%d", x.stage, &x.records,
				&x.bytes, &x.done, &x.total, &x.elapsed, &x.final) == 7;
		fclose(f);
		int alive = kill((pid_t)pid, 0) == 0 || errno == EPERM;
		if (!ok || (!alive && !x.final)) {
			unlink(p.data); /* a killed stage's leftover */
			continue;
		}
		if (!x.final)
			(*live_unfinished)++;
		size_t k = 0;
		while (k < n && strcmp(e[k].stage, x.stage))
			k++;
		if (k == n) {
			if (n == max)
				continue;
			e[n++] = x;
			continue;
		}
		e[k].records += x.records;
		e[k].bytes += x.bytes;
		e[k].done += x.done;
		e[k].total += x.total;
		e[k].elapsed = x.elapsed > e[k].elapsed ? x.elapsed : e[k].elapsed;
		e[k].final &= x.final;
		e[k].n++;
	}
	closedir(d);
	buf_release(&p);
	return n;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int d = rank(x->stage) - rank(y->stage);
	return d ? d : strcmp(x->stage, y->stage);
}

static void human(struct buf *b, double v, const char *unit)
{
	static const char *si[] = { "", "k", "M", "G", "T" };
	int i = 0;
	while (v >= 1000 && i < 4) {
		v /= 1000;
		i++;
	}
	buf_addf(b, i ? "%.1f%s%s" : "%.0f%s%s", v, si[i], unit);
}

/* The share of the input read: files' bytes read of their sizes (a file that grew while being
 * read would pass 1). */
static double done_fraction(uint64_t done, uint64_t total)
{
	double f = (double)done / (double)total;
	return f > 1 ? 1 : f;
}

void progress_format_dir(const char *dir, const char *prefix, struct buf *line, int *live)
{
	struct entry e[16];
	size_t n = read_entries(dir, e, 16, live);
	qsort(e, n, sizeof(*e), cmp_entry);
	buf_addstr(line, prefix ? prefix : "");
	for (size_t i = 0; i < n; i++) {
		buf_addstr(line, i || (prefix && *prefix) ? " | " : "");
		buf_addf(line, "%s%s ", e[i].stage, e[i].final ? " done" : "");
		if (e[i].n > 1)
			buf_addf(line, "x%d ", e[i].n);
		human(line, (double)e[i].records, " rec ");
		if (e[i].elapsed > 0.2)
			human(line, (double)e[i].bytes / e[i].elapsed, "B/s");
		if (e[i].total && !e[i].final) {
			double f = done_fraction(e[i].done, e[i].total);
			buf_addf(line, " %.0f%%", 100.0 * f);
			if (f > 0.01 && f < 1)
				buf_addf(line, " ETA %.0fs", e[i].elapsed * (1 - f) / f);
		}
	}
}

static void draw_line(const struct buf *line, int newline)
{
	struct winsize ws;
	size_t width = ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10 ? ws.ws_col - 1 : 159;
	size_t n = line->len < width ? line->len : width;
	fprintf(stderr, "\r%.*s\x1b[K%s", (int)n, line->data, newline ? "\n" : "");
	fflush(stderr);
	pg.drawn = !newline;
}

static void plain(const char *stage, uint64_t records, uint64_t bytes, uint64_t done,
		  uint64_t total, double elapsed, int final)
{
	struct buf b = BUF_INIT;
	buf_addstr(&b, "grist ");
	for (const char *p = stage; *p; p++) /* "tokenize-train" is "grist tokenize train" */
		buf_addch(&b, *p == '-' ? ' ' : *p);
	buf_addf(&b, ": %llu records, ", (unsigned long long)records);
	human(&b, (double)bytes, "B");
	if (elapsed > 0)
		buf_addf(&b, ", %.0f records/s, %.1f MB/s", (double)records / elapsed,
			 (double)bytes / elapsed / 1e6);
	if (total)
		buf_addf(&b, ", %.0f%%", 100.0 * done_fraction(done, total));
	fprintf(stderr, "\r%s%s", b.data, final ? "\n" : "   ");
	buf_release(&b);
}

void progress_update(const char *stage, uint64_t records, uint64_t bytes, uint64_t done,
		     uint64_t total, double elapsed, int final)
{
	decide();
	if (pg.mode == 2) {
		plain(stage, records, bytes, done, total, elapsed, final);
		return;
	}
	if (pg.mode != 1)
		return;
	int state = lock_file("state.lock", LOCK_EX);
	write_status(stage, records, bytes, done, total, elapsed, final);
	if (pg.draw && pg.owner_fd < 0 && !final)
		pg.owner_fd = lock_file("owner.lock", LOCK_EX | LOCK_NB);
	int live = 0;
	if (pg.draw && (pg.owner_fd >= 0 || final)) {
		struct buf line = BUF_INIT;
		progress_format_dir(pg.dir, NULL, &line, &live);
		if (!final || live == 0)
			draw_line(&line, final && live == 0);
		buf_release(&line);
	} else if (final) {
		struct buf line = BUF_INIT;
		progress_format_dir(pg.dir, NULL, &line, &live);
		buf_release(&line);
	}
	if (final) {
		if (live == 0 && pg.draw) {
			/* the last stage of the pipe: the line is final, the directory goes */
			DIR *d = opendir(pg.dir);
			struct dirent *de;
			struct buf p = BUF_INIT;
			while (d && (de = readdir(d))) {
				if (de->d_name[0] == '.')
					continue;
				buf_reset(&p);
				buf_addf(&p, "%s/%s", pg.dir, de->d_name);
				unlink(p.data);
			}
			if (d)
				closedir(d);
			rmdir(pg.dir);
			buf_release(&p);
		}
		if (pg.owner_fd >= 0) {
			close(pg.owner_fd); /* another stage takes over drawing */
			pg.owner_fd = -1;
		}
	}
	if (state >= 0)
		close(state);
}

void progress_before_message(void)
{
	if (pg.mode == 1 && pg.draw && isatty(2)) {
		fputs("\r\x1b[K", stderr);
		pg.drawn = 0;
	}
}
