/*
 * The `pipeline:` line of a pipeline file: exactly what a user types in a shell pipe of grist
 * stages, `ingest | clean | tokenize -t gpt2 | shard --format llmc`. Words follow the shell's
 * quoting (single quotes, double quotes with \" \\ \$ \` escapes, a backslash outside quotes);
 * an unquoted `|` ends a stage. Redirections, `;`, `&`, `$` and backquotes are refused rather
 * than half-understood: there is no shell between grist run and the stages.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "run/run.h"

struct words {
	char **w;
	size_t n, alloc;
};

static void words_push(struct words *ws, struct buf *word)
{
	ALLOC_GROW(ws->w, ws->n + 1, ws->alloc);
	ws->w[ws->n++] = buf_detach(word, NULL);
}

static int end_stage(struct words *ws, struct run_stage **stages, size_t *n, size_t *alloc,
		     struct buf *err)
{
	size_t first = 0;
	if (ws->n && !strcmp(ws->w[0], "grist"))
		first = 1; /* `grist clean` and `clean` mean the same */
	if (ws->n == first) {
		buf_addstr(err, "empty stage (two `|` in a row, or `|` at an end)");
		return -1;
	}
	ALLOC_GROW(*stages, *n + 1, *alloc);
	struct run_stage *s = &(*stages)[(*n)++];
	s->name = ws->w[first];
	s->nargs = ws->n - first - 1;
	s->args = xcalloc(s->nargs + 1, sizeof(char *));
	for (size_t i = 0; i < s->nargs; i++)
		s->args[i] = ws->w[first + 1 + i];
	if (first)
		free(ws->w[0]);
	ws->n = 0;
	return 0;
}

/* Reads one quoted part starting at line[*i] (the quote char), appending to word. */
static int quoted(const char *line, size_t *i, struct buf *word, struct buf *err)
{
	char q = line[(*i)++];
	for (;;) {
		char c = line[*i];
		if (!c) {
			buf_addf(err, "unterminated %s quote", q == '\'' ? "single" : "double");
			return -1;
		}
		(*i)++;
		if (c == q)
			return 0;
		if (q == '"' && c == '\\' && strchr("\"\\$`", line[*i]) && line[*i]) {
			buf_addch(word, line[(*i)++]);
			continue;
		}
		if (q == '"' && (c == '$' || c == '`')) {
			buf_addf(err, "'%c' inside double quotes is shell expansion, which grist run does "
				      "not do (quote it with single quotes)", c);
			return -1;
		}
		buf_addch(word, c);
	}
}

int run_pipeline_parse(const char *line, struct run_stage **stages, size_t *n, struct buf *err)
{
	struct words ws = { 0 };
	struct buf word = BUF_INIT;
	size_t alloc = 0;
	int in_word = 0;
	*stages = NULL;
	*n = 0;
	for (size_t i = 0;;) {
		char c = line[i];
		if (!c || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '|') {
			if (in_word)
				words_push(&ws, &word);
			in_word = 0;
			if (c == '|' || !c) {
				if ((c == '|' || ws.n || *n) && end_stage(&ws, stages, n, &alloc, err))
					goto fail;
			}
			if (!c)
				break;
			i++;
			continue;
		}
		if (c == '\'' || c == '"') {
			in_word = 1;
			if (quoted(line, &i, &word, err))
				goto fail;
			continue;
		}
		if (c == '\\') {
			if (!line[i + 1]) {
				buf_addstr(err, "a backslash at the end of the line");
				goto fail;
			}
			buf_addch(&word, line[i + 1]);
			in_word = 1;
			i += 2;
			continue;
		}
		if (strchr(";&<>$`(){}", c)) {
			buf_addf(err, "'%c' is shell syntax; a pipeline is grist stages joined by `|` "
				      "(quote the character if it is part of an argument)", c);
			goto fail;
		}
		buf_addch(&word, c);
		in_word = 1;
		i++;
	}
	buf_release(&word);
	free(ws.w);
	if (!*n) {
		buf_addstr(err, "the pipeline is empty");
		return -1;
	}
	return 0;
fail:
	buf_release(&word);
	for (size_t k = 0; k < ws.n; k++)
		free(ws.w[k]);
	free(ws.w);
	run_stages_release(*stages, *n);
	*stages = NULL;
	*n = 0;
	return -1;
}

void run_stages_release(struct run_stage *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].name);
		for (size_t k = 0; k < s[i].nargs; k++)
			free(s[i].args[k]);
		free(s[i].args);
	}
	free(s);
}

/* Options grist run sets itself for every stage, or that make no sense inside a run. */
static const char *const run_owned[] = { "-o", "--output", "--stats", "--rejects", "-q", "--quiet",
					 "--progress", "-h", "--help", "--version", "--files-from" };

int run_stage_check(const struct run_stage *s, size_t index, size_t n, struct buf *err)
{
	if (s->nargs && ((!strcmp(s->name, "tokenize") && !strcmp(s->args[0], "train")) ||
			 (!strcmp(s->name, "shard") && (!strcmp(s->args[0], "verify") ||
							 !strcmp(s->args[0], "inspect"))) ||
			 (!strcmp(s->name, "dedup") &&
			  (!strcmp(s->args[0], "sign") || !strcmp(s->args[0], "match") ||
			   !strcmp(s->args[0], "cluster") || !strcmp(s->args[0], "filter"))))) {
		buf_addf(err, "pipeline stage %zu: `%s %s` is not a pipe stage (%s)", index + 1,
			 s->name, s->args[0],
			 !strcmp(s->name, "dedup") ? "grist run runs dedup's sharded steps itself"
						   : "run it before or after grist run");
		return -1;
	}
	for (size_t k = 0; k < s->nargs; k++) {
		const char *a = s->args[k];
		if (!strcmp(a, "--"))
			break;
		for (size_t o = 0; o < sizeof(run_owned) / sizeof(*run_owned); o++) {
			size_t len = strlen(run_owned[o]);
			int match = !strncmp(a, run_owned[o], len) &&
				    (a[len] == '\0' || a[len] == '=' ||
				     (len == 2 && run_owned[o][1] != '-'));
			if (!match)
				continue;
			buf_addf(err, "pipeline stage %zu (%s): `%s` is set by grist run (outputs go to "
				      "the run directory: shards/, stats/, rejects/, logs/; the shard "
				      "prefix is the `prefix:` key)",
				 index + 1, s->name, run_owned[o]);
			return -1;
		}
		if (!strcmp(s->name, "dedup") && (!strcmp(a, "--against") ||
						   !strncmp(a, "--against=", 10))) {
			buf_addf(err, "pipeline stage %zu: dedup --against is not available in grist "
				      "run yet (run `grist dedup --against` on the run's records)",
				 index + 1);
			return -1;
		}
	}
	(void)n;
	return 0;
}
