/*
 * Bad command lines: one line naming the problem, a "did you mean" when a known option or
 * stage is close, and the pointer to --help (never the whole help text, which would bury the
 * one line that matters).
 *
 * The known options are read from the stage's own help text (every "--name" in it), so a
 * stage needs no second list of its options and the suggestions can only name documented ones.
 * getopt_long runs with opterr = 0 (set in grist.c) and leaves the offending argument at
 * argv[optind - 1]; grist.c records the stage's argv in opts_argv.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "die.h"
#include "opts.h"
#include "xalloc.h"

char **opts_argv;

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

/* The "--name" words of a help text, deduplicated, in order. */
struct optlist {
	char **v;
	size_t n;
	char *text;
};

static void help_options(void (*usage)(FILE *), struct optlist *l)
{
	size_t size = 0;
	FILE *f = open_memstream(&l->text, &size);
	if (!f)
		die_errno(GRIST_EXIT_INTERNAL, "open_memstream");
	usage(f);
	fclose(f);
	l->v = NULL;
	l->n = 0;
	size_t cap = 0;
	for (char *p = l->text; (p = strstr(p, "--")); ) {
		char *s = p;
		p += 2;
		if (s > l->text && s[-1] != ' ' && s[-1] != '[' && s[-1] != '(' && s[-1] != '`' && s[-1] != '\n')
			continue;
		size_t k = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");
		if (k == 0)
			continue;
		char save = p[k];
		p[k] = '\0';
		int dup = 0;
		for (size_t i = 0; i < l->n && !dup; i++)
			dup = !strcmp(l->v[i], s);
		if (!dup) {
			ALLOC_GROW(l->v, l->n + 1, cap);
			l->v[l->n++] = xstrdup(s);
		}
		p[k] = save;
		p += k;
	}
}

static void optlist_free(struct optlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->text);
}

/* Does the help text document the short option -c (as "  -c," or "  -c ")? */
static int help_has_short(const char *text, int c)
{
	char pat[5] = { ' ', '-', (char)c, ',', 0 };
	if (strstr(text, pat))
		return 1;
	pat[3] = ' ';
	return strstr(text, pat) != NULL;
}

void opts_bad_option(void (*usage)(FILE *))
{
	struct optlist l;
	help_options(usage, &l);
	const char *arg = opts_argv && optind > 0 ? opts_argv[optind - 1] : NULL;
	if (optopt && (!arg || strncmp(arg, "--", 2))) {
		/* a short option: unknown, or missing its value */
		if (help_has_short(l.text, optopt))
			error("option '-%c' needs a value", optopt);
		else
			error("unknown option '-%c'", optopt);
	} else if (optopt && arg) {
		error("option '%s' needs a value", arg);
	} else if (arg) {
		char *name = xstrdup(arg);
		name[strcspn(name, "=")] = '\0';
		size_t len = strlen(name), nprefix = 0;
		struct buf alts = BUF_INIT;
		for (size_t i = 0; i < l.n; i++)
			if (!strncmp(l.v[i], name, len))
				buf_addf(&alts, "%s%s", nprefix++ ? ", " : "", l.v[i]);
		if (nprefix > 1) {
			error("option '%s' is ambiguous: %s", name, alts.data);
		} else {
			const char *near = opts_closest(name, (const char *const *)l.v, l.n);
			if (near)
				error("unknown option '%s'; did you mean '%s'?", name, near);
			else
				error("unknown option '%s'", name);
		}
		buf_release(&alts);
		free(name);
	} else {
		error("bad option");
	}
	fprintf(stderr, "'%s --help' lists the options.\n", grist_progname);
	optlist_free(&l);
	exit(GRIST_EXIT_USAGE);
}
