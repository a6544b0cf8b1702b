/*
 * Bad command lines: one line naming the problem, a "did you mean" when a known option or
 * stage is close, and the pointer to --help (never the whole help text, which would bury the
 * one line that matters).
 *
 * The known options are the command's own getopt_long table and short-option string, the ones
 * opts_parse() parsed with: no second list to keep in step. getopt_long runs with opterr = 0
 * (set in grist.c) and leaves the offending argument at argv[optind - 1].
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "die.h"
#include "opts.h"
#include "xalloc.h"

size_t opts_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = xcalloc(lb + 1, sizeof(*row));
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t d = row[lb];
	free(row);
	return d;
}

const char *opts_closest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, len = strlen(word);
	size_t limit = len / 3 > 2 ? len / 3 : 2; /* a typo or two, more for long names */
	for (size_t i = 0; i < n; i++) {
		size_t d = opts_edit_distance(word, cands[i]);
		if (d < best_d) {
			best_d = d;
			best = cands[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

/* "--name" of every entry of a getopt_long table, in table order. */
static char **long_names(const struct option *longopts, size_t *n)
{
	size_t k = 0;
	while (longopts && longopts[k].name)
		k++;
	char **v = xcalloc(k ? k : 1, sizeof(*v));
	for (size_t i = 0; i < k; i++) {
		struct buf b = BUF_INIT;
		buf_addf(&b, "--%s", longopts[i].name);
		v[i] = buf_detach(&b, NULL);
	}
	*n = k;
	return v;
}

/* Does shortopts declare -c with a value ("c:")? */
static int short_takes_value(const char *shortopts, int c)
{
	const char *p = c && c != ':' ? strchr(shortopts, c) : NULL;
	return p && p[1] == ':';
}

/* An unknown or ambiguous long option (its "=value" cut off): the candidates it abbreviates,
 * else the closest name. */
static void bad_long(const char *arg, char **names, size_t n)
{
	char *name = xstrdup(arg);
	name[strcspn(name, "=")] = '\0';
	size_t len = strlen(name), nprefix = 0;
	struct buf alts = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(names[i], name, len))
			buf_addf(&alts, "%s%s", nprefix++ ? ", " : "", names[i]);
	if (nprefix > 1) {
		error("option '%s' is ambiguous: %s", name, alts.data);
	} else {
		const char *near = opts_closest(name, (const char *const *)names, n);
		if (near)
			error("unknown option '%s'; did you mean '%s'?", name, near);
		else
			error("unknown option '%s'", name);
	}
	buf_release(&alts);
	free(name);
}

void opts_bad_option(char **argv, const char *shortopts, const struct option *longopts)
{
	const char *arg = argv && optind > 0 ? argv[optind - 1] : NULL;
	if (optopt && (!arg || strncmp(arg, "--", 2))) {
		/* a short option: unknown, or missing its value */
		if (short_takes_value(shortopts, optopt))
			error("option '-%c' needs a value", optopt);
		else
			error("unknown option '-%c'", optopt);
	} else if (optopt && arg) {
		error("option '%s' needs a value", arg);
	} else if (arg) {
		size_t n;
		char **names = long_names(longopts, &n);
		bad_long(arg, names, n);
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
	} else {
		error("bad option");
	}
	fprintf(stderr, "'%s --help' lists the options.\n", grist_progname);
	exit(GRIST_EXIT_USAGE);
}
