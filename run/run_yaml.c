/*
 * Reading the pipeline file (YAML, with libyaml's document loader) into the plan's raw fields.
 * Keys (docs/run.md): inputs (a string or a list), output, tasks, pipeline, prefix, jobs,
 * rejects, slurm (a mapping of sbatch option names to values). An unknown key is an error
 * naming it and its line: a misspelt `taks: 8` must not silently run one task.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lib/xalloc.h"
#include "run/run_int.h"

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int want_scalar(yaml_node_t *n, const char *key, struct buf *err)
{
	if (scalar(n))
		return 0;
	buf_addf(err, "line %lu: `%s` must be a single value", (unsigned long)n->start_mark.line + 1,
		 key);
	return -1;
}

static int get_int(yaml_node_t *n, const char *key, int lo, int hi, int *out, struct buf *err)
{
	if (want_scalar(n, key, err))
		return -1;
	const char *s = scalar(n);
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < lo || v > hi) {
		buf_addf(err, "line %lu: `%s: %s` is not a whole number from %d to %d",
			 (unsigned long)n->start_mark.line + 1, key, s, lo, hi);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int get_bool(yaml_node_t *n, const char *key, int *out, struct buf *err)
{
	if (want_scalar(n, key, err))
		return -1;
	const char *s = scalar(n);
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
		*out = 1;
	else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
		*out = 0;
	else {
		buf_addf(err, "line %lu: `%s: %s` is not true or false",
			 (unsigned long)n->start_mark.line + 1, key, s);
		return -1;
	}
	return 0;
}

static int get_inputs(yaml_document_t *doc, yaml_node_t *n, struct run_raw *raw, struct buf *err)
{
	if (scalar(n)) {
		ALLOC_GROW(raw->inputs, raw->ninputs + 1, raw->alloc_inputs);
		raw->inputs[raw->ninputs++] = xstrdup(scalar(n));
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		buf_addf(err, "line %lu: `inputs` must be a path or a list of paths",
			 (unsigned long)n->start_mark.line + 1);
		return -1;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *e = yaml_document_get_node(doc, *it);
		if (want_scalar(e, "inputs", err))
			return -1;
		ALLOC_GROW(raw->inputs, raw->ninputs + 1, raw->alloc_inputs);
		raw->inputs[raw->ninputs++] = xstrdup(scalar(e));
	}
	return 0;
}

static int get_slurm(yaml_document_t *doc, yaml_node_t *n, struct run_raw *raw, struct buf *err)
{
	if (n->type != YAML_MAPPING_NODE) {
		buf_addf(err, "line %lu: `slurm` must be a mapping such as {partition: debug}",
			 (unsigned long)n->start_mark.line + 1);
		return -1;
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = yaml_document_get_node(doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(doc, pr->value);
		if (want_scalar(k, "slurm", err) || want_scalar(v, scalar(k), err))
			return -1;
		if (run_slurm_option_check(scalar(k), err)) {
			buf_addf(err, " (line %lu)", (unsigned long)k->start_mark.line + 1);
			return -1;
		}
		ALLOC_GROW(raw->slurm, raw->nslurm + 1, raw->alloc_slurm);
		raw->slurm[raw->nslurm].key = xstrdup(scalar(k));
		raw->slurm[raw->nslurm++].value = xstrdup(scalar(v));
	}
	return 0;
}

static int get_key(yaml_document_t *doc, const char *key, yaml_node_t *v, struct run_raw *raw,
		   struct buf *err)
{
	if (!strcmp(key, "inputs"))
		return get_inputs(doc, v, raw, err);
	if (!strcmp(key, "slurm"))
		return get_slurm(doc, v, raw, err);
	if (!strcmp(key, "tasks"))
		return get_int(v, key, 1, 100000, &raw->tasks, err);
	if (!strcmp(key, "jobs"))
		return get_int(v, key, 1, 1024, &raw->jobs, err);
	if (!strcmp(key, "rejects"))
		return get_bool(v, key, &raw->rejects, err);
	char **dst = !strcmp(key, "output")     ? &raw->output
		     : !strcmp(key, "pipeline") ? &raw->pipeline
		     : !strcmp(key, "prefix")   ? &raw->prefix
						: NULL;
	if (!dst) {
		buf_addf(err, "line %lu: unknown key `%s` (known: inputs, output, tasks, pipeline, "
			      "prefix, jobs, rejects, slurm)",
			 (unsigned long)v->start_mark.line + 1, key);
		return -1;
	}
	if (want_scalar(v, key, err))
		return -1;
	free(*dst);
	*dst = xstrdup(scalar(v));
	return 0;
}

int run_yaml_read(const char *file, struct run_raw *raw, struct buf *err, int *code)
{
	FILE *f = fopen(file, "rb");
	if (!f) {
		buf_addf(err, "cannot open %s: %s", file, strerror(errno));
		*code = 3;
		return -1;
	}
	*code = 2;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	int rc = -1;
	if (!yaml_parser_load(&parser, &doc)) {
		buf_addf(err, "%s:%lu:%lu: %s", file, (unsigned long)parser.problem_mark.line + 1,
			 (unsigned long)parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "YAML syntax error");
		goto out_parser;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		buf_addf(err, "%s: expected a mapping with keys inputs, output, pipeline, ...", file);
		goto out_doc;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
		if (!scalar(k)) {
			buf_addf(err, "%s: keys must be plain names", file);
			goto out_doc;
		}
		size_t mark = err->len;
		if (get_key(&doc, scalar(k), yaml_document_get_node(&doc, pr->value), raw, err)) {
			/* prefix the file name to the message just written */
			char *msg = xstrdup(err->data + mark);
			buf_setlen(err, mark);
			buf_addf(err, "%s: %s", file, msg);
			free(msg);
			goto out_doc;
		}
	}
	rc = 0;
out_doc:
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

void run_raw_release(struct run_raw *raw)
{
	for (size_t i = 0; i < raw->ninputs; i++)
		free(raw->inputs[i]);
	free(raw->inputs);
	free(raw->output);
	free(raw->pipeline);
	free(raw->prefix);
	/* slurm pairs move into the plan */
}
