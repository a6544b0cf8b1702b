/*
 * Input lists: directories walked recursively in byte-order sorted order (so a run is
 * reproducible whatever the filesystem's order), and --files-from lists. Symbolic links met
 * inside a walked directory are not followed (a link to a directory could loop); a path given
 * on the command line or in a list is opened as given.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ingest/ingest_int.h"
#include "lib/xalloc.h"

static void list_add(struct path_list *l, const char *p)
{
	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	l->v[l->n++] = xstrdup(p);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(struct path_list *l, const char *dir, int depth, struct buf *err)
{
	if (depth > 256) {
		buf_addf(err, "directory tree too deep at %s", dir);
		return -1;
	}
	DIR *d = opendir(dir);
	if (!d) {
		buf_addf(err, "cannot open directory %s: %s", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n) /* an empty directory has no array (qsort(NULL, 0) is undefined) */
		qsort(names, n, sizeof(*names), cmp_str);
	int rc = 0;
	struct buf p = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		buf_reset(&p);
		buf_addstr(&p, dir);
		if (p.len && p.data[p.len - 1] != '/')
			buf_addch(&p, '/');
		buf_addstr(&p, names[i]);
		struct stat st;
		if (rc == 0 && lstat(p.data, &st) < 0) {
			buf_addf(err, "cannot stat %s: %s", p.data, strerror(errno));
			rc = -1;
		}
		if (rc == 0) {
			if (S_ISDIR(st.st_mode))
				rc = walk_dir(l, p.data, depth + 1, err);
			else if (S_ISREG(st.st_mode))
				list_add(l, p.data);
			/* links, devices, sockets, fifos: not followed, not read */
		}
		free(names[i]);
	}
	free(names);
	buf_release(&p);
	return rc;
}

int walk_path(struct path_list *l, const char *path, struct buf *err)
{
	struct stat st;
	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return walk_dir(l, path, 0, err);
	list_add(l, path);
	return 0;
}

int walk_files_from(struct path_list *l, const char *list, struct buf *err)
{
	FILE *f = strcmp(list, "-") ? fopen(list, "r") : stdin;
	if (!f) {
		buf_addf(err, "cannot open %s: %s", list, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;
	while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			continue;
		rc = walk_path(l, line, err);
	}
	if (rc == 0 && ferror(f)) {
		buf_addf(err, "read error on %s", list);
		rc = -1;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

void path_list_release(struct path_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
