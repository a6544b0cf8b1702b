/*
 * grist report [-o FILE.html] RUN_DIR | STATS.json...: the run report (report.h). A run
 * directory's stats are RUN_DIR/stats/NAME.json (grist run) or RUN_DIR/NAME.json; the page goes to
 * RUN_DIR/report.html by default (report.html in the current directory for stats files), and
 * the model beside it with .json for .html.
 */
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/atomic.h"
#include "lib/die.h"
#include "lib/opts.h"
#include "lib/xalloc.h"
#include "report/report.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: grist report [-o FILE.html] RUN_DIR | STATS.json...\n\n"
		   "Draws one self-contained HTML page (tables and inline SVG charts, no scripts,\n"
		   "nothing fetched) from the --stats files of a run: the funnel of documents,\n"
		   "bytes and tokens through the stages, rejects by rule with their thresholds,\n"
		   "languages, sources (input files) through the stages, document lengths before\n"
		   "and after clean, dedup groups, tokenizer bytes per token by language,\n"
		   "fine-tuning figures (turns, masked tokens, packing), shards. Every number on\n"
		   "the page is also written to the .json beside it.\n\n"
		   "  -o FILE.html   the page (default RUN_DIR/report.html, or ./report.html for\n"
		   "                 stats files); the model goes to FILE.json\n"
		   "  -q             no summary line\n"
		   "  -h, --help     this help\n\n"
		   "Examples:\n"
		   "  grist run pipeline.yaml && grist report out/run\n"
		   "  grist report -o demo.html out/demo/stats/*.json\n");
}

static void add_glob(const char *pattern, char ***files, size_t *n)
{
	glob_t g = { 0 };
	if (glob(pattern, 0, NULL, &g) == 0) {
		*files = xrealloc(*files, (*n + g.gl_pathc) * sizeof(char *));
		for (size_t i = 0; i < g.gl_pathc; i++)
			(*files)[(*n)++] = xstrdup(g.gl_pathv[i]);
	}
	globfree(&g);
}

static char *json_path_for(const char *html)
{
	size_t n = strlen(html);
	struct buf b = BUF_INIT;
	if (n > 5 && !strcmp(html + n - 5, ".html"))
		buf_add(&b, html, n - 5);
	else
		buf_addstr(&b, html);
	buf_addstr(&b, ".json");
	return buf_detach(&b, NULL);
}

int cmd_report(int argc, char **argv)
{
	static const struct option longs[] = { { "output", required_argument, 0, 'o' },
					       { "quiet", no_argument, 0, 'q' },
					       { "help", no_argument, 0, 'h' },
					       { 0, 0, 0, 0 } };
	struct common_opts co; /* -o, -q and -h of the shared options apply */
	common_opts_init(&co);
	int rc = opts_parse(&co, argc, argv, "o:qh", longs, usage, NULL, NULL);
	if (rc)
		return rc;
	const char *out = co.output;
	const int quiet = co.quiet;
	if (optind >= argc)
		die(GRIST_EXIT_USAGE, "give a run directory or stats files (try 'grist report --help')");
	char **files = NULL;
	size_t n = 0;
	struct buf dflt = BUF_INIT;
	struct stat st;
	if (optind == argc - 1 && stat(argv[optind], &st) == 0 && S_ISDIR(st.st_mode)) {
		struct buf pat = BUF_INIT;
		buf_addf(&pat, "%s/stats/*.json", argv[optind]);
		add_glob(pat.data, &files, &n);
		if (!n) {
			buf_reset(&pat);
			buf_addf(&pat, "%s/*.json", argv[optind]);
			add_glob(pat.data, &files, &n);
		}
		buf_release(&pat);
		if (!n)
			die(GRIST_EXIT_USAGE, "%s holds no stats files (stats/*.json or *.json)",
			    argv[optind]);
		buf_addf(&dflt, "%s/report.html", argv[optind]);
	} else {
		for (int i = optind; i < argc; i++) {
			files = xrealloc(files, (n + 1) * sizeof(char *));
			files[n++] = xstrdup(argv[i]);
		}
		buf_addstr(&dflt, "report.html");
	}
	if (!out)
		out = dflt.data;
	struct buf err = BUF_INIT;
	json_t *model = report_model(files, n, &err);
	if (!model)
		die(GRIST_EXIT_DATA, "%s", err.data);
	struct buf page = BUF_INIT;
	char *jpath = json_path_for(out);
	const char *slash = strrchr(jpath, '/');
	report_html(model, slash ? slash + 1 : jpath, &page);
	char *js = json_dumps(model, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	struct atomic_set set = { 0 }; /* the page and its model appear together */
	if (atomic_set_add_data(&set, out, page.data, page.len, &err) ||
	    atomic_set_add_data(&set, jpath, js, strlen(js), &err) || atomic_set_commit(&set, &err))
		die(GRIST_EXIT_IO, "%s", err.data);
	if (!quiet)
		fprintf(stderr, "grist report: %zu stats files -> %s (model %s)\n", n, out, jpath);
	free(js);
	free(jpath);
	json_decref(model);
	buf_release(&page);
	buf_release(&err);
	buf_release(&dflt);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return 0;
}
