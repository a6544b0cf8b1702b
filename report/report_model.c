/*
 * The report model: the --stats files of a run (docs/design.md, "Stats"), one JSON object each,
 * aggregated into one object per stage (the tasks of a `grist run` summed) plus the tables the
 * page draws: rejects by rule with their thresholds, sources, languages, dedup groups, shards.
 * Only numbers found in the stats files enter the model; a table whose numbers are missing is
 * left out, never filled in.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "report/report.h"

static const char *const stage_order[] = { "ingest", "clean", "dedup", "dedup-cluster", "tokenize",
					   "shard" };

static int stage_rank(const char *name)
{
	for (size_t i = 0; i < sizeof(stage_order) / sizeof(*stage_order); i++)
		if (!strcmp(name, stage_order[i]))
			return (int)i;
	return 100;
}

static json_int_t num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static void add_num(json_t *o, const char *key, json_int_t n)
{
	json_t *v = json_object_get(o, key);
	json_object_set_new(o, key, json_integer((json_is_integer(v) ? json_integer_value(v) : 0) + n));
}

/* Adds every integer member of `from` into `into` (objects of counts: rejects, histograms). */
static void add_counts(json_t *into, const json_t *from)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)from, k, v)
		if (json_is_integer(v))
			add_num(into, k, json_integer_value(v));
}

static json_t *stage_entry(json_t *stages, const char *name)
{
	size_t i;
	json_t *s;
	json_array_foreach(stages, i, s)
		if (!strcmp(json_string_value(json_object_get(s, "stage")), name))
			return s;
	s = json_pack("{s:s,s:i,s:i,s:i,s:i,s:i,s:i,s:f,s:{},s:{},s:{}}", "stage", name, "files", 0,
		      "records_in", 0, "records_out", 0, "bytes_in", 0, "bytes_out", 0, "rejected",
		      0, "elapsed_s", 0.0, "rejects", "text_bytes_hist", "options");
	json_array_append_new(stages, s);
	return s;
}

static void merge_languages(json_t *langs, const json_t *from)
{
	const char *code;
	json_t *v;
	json_object_foreach((json_t *)from, code, v) {
		json_t *l = json_object_get(langs, code);
		if (!l) {
			l = json_pack("{s:i,s:i,s:{}}", "in", 0, "kept", 0, "rejects");
			json_object_set_new(langs, code, l);
		}
		add_num(l, "in", num(v, "in"));
		add_num(l, "kept", num(v, "kept"));
		add_counts(json_object_get(l, "rejects"), json_object_get(v, "rejects"));
	}
}

/* Stage-specific figures the page draws, summed over tasks or taken from the one global file. */
static void merge_stage_stats(json_t *m, const char *stage, const json_t *ss)
{
	if (!json_is_object(ss))
		return;
	if (!strcmp(stage, "ingest") && json_is_array(json_object_get(ss, "inputs")))
		report_sources_ingest(json_object_get(m, "sources"), json_object_get(ss, "inputs"));
	if (!strcmp(stage, "clean") && json_is_object(json_object_get(ss, "languages")))
		merge_languages(json_object_get(m, "languages"), json_object_get(ss, "languages"));
	if (!strcmp(stage, "tokenize")) {
		add_num(json_object_get(m, "tokens"), "tokenized", num(ss, "tokens"));
		if (json_is_object(json_object_get(ss, "languages")))
			report_langs_tokenize(json_object_get(m, "compression"),
					      json_object_get(ss, "languages"));
		if (json_is_object(json_object_get(ss, "chat"))) {
			if (!json_object_get(m, "fine_tuning"))
				json_object_set_new(m, "fine_tuning", json_object());
			report_chat_tokenize(json_object_get(m, "fine_tuning"),
					     json_object_get(ss, "chat"));
		}
	}
	const json_t *groups = json_object_get(ss, "groups");
	if ((!strcmp(stage, "dedup-cluster") || !strcmp(stage, "dedup")) && json_is_object(groups))
		json_object_set_new(m, "dedup_groups", json_deep_copy(groups));
	if (!strcmp(stage, "shard")) {
		json_t *sh = json_object();
		static const char *keys[] = { "tokens_out", "shards", "train_documents", "train_tokens",
					      "val_documents", "val_tokens", "pack_seq_len", "pack_rows",
					      "pack_real_tokens", "pack_pad_tokens",
					      "packing_efficiency", "overlong_rejected",
					      "overlong_truncated" };
		for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++) {
			const json_t *v = json_object_get(ss, keys[k]);
			if (json_is_number(v))
				json_object_set_new(sh, keys[k], json_deep_copy(v));
		}
		const json_t *tps = json_object_get(ss, "tokens_per_shard");
		if (json_is_array(tps))
			json_object_set_new(sh, "tokens_per_shard", json_deep_copy(tps));
		json_object_set_new(m, "shards", sh);
		add_num(json_object_get(m, "tokens"), "sharded", num(ss, "tokens_out"));
	}
}

static int merge_file(json_t *m, const char *path, struct buf *err)
{
	json_error_t je;
	json_t *st = json_load_file(path, 0, &je);
	if (!st) {
		buf_addf(err, "%s:%d: not a stats file: %s", path, je.line, je.text);
		return -1;
	}
	const char *stage = json_string_value(json_object_get(st, "stage"));
	if (!stage || !json_is_integer(json_object_get(st, "records_in"))) {
		buf_addf(err, "%s: not a grist --stats file (no \"stage\" and \"records_in\")", path);
		json_decref(st);
		return -1;
	}
	json_t *s = stage_entry(json_object_get(m, "stages"), stage);
	add_num(s, "files", 1);
	static const char *counts[] = { "records_in", "records_out", "bytes_in", "bytes_out",
					"rejected" };
	for (size_t k = 0; k < sizeof(counts) / sizeof(*counts); k++)
		add_num(s, counts[k], num(st, counts[k]));
	const json_t *el = json_object_get(st, "elapsed_s");
	json_object_set_new(s, "elapsed_s",
			    json_real(json_real_value(json_object_get(s, "elapsed_s")) +
				      (json_is_number(el) ? json_number_value(el) : 0)));
	add_counts(json_object_get(s, "rejects"), json_object_get(st, "rejects"));
	add_counts(json_object_get(s, "text_bytes_hist"), json_object_get(st, "text_bytes_hist"));
	if (!json_object_size(json_object_get(s, "options")) && json_is_object(json_object_get(st, "options")))
		json_object_set(s, "options", json_object_get(st, "options"));
	merge_stage_stats(m, stage, json_object_get(st, "stage_stats"));
	if (report_sources_stage(json_object_get(m, "sources"), stage, json_object_get(st, "sources"))) {
		const char *last = json_string_value(json_object_get(m, "sources_last_stage"));
		if (!last || stage_rank(stage) > stage_rank(last))
			json_object_set_new(m, "sources_last_stage", json_string(stage));
	}
	json_array_append_new(json_object_get(m, "files"), json_string(path));
	json_decref(st);
	return 0;
}

static int cmp_stage(const void *a, const void *b)
{
	const char *x = json_string_value(json_object_get(*(json_t *const *)a, "stage"));
	const char *y = json_string_value(json_object_get(*(json_t *const *)b, "stage"));
	int d = stage_rank(x) - stage_rank(y);
	return d ? d : strcmp(x, y);
}

static int cmp_count_desc(const void *a, const void *b)
{
	json_int_t x = num(*(json_t *const *)a, "count"), y = num(*(json_t *const *)b, "count");
	if (x != y)
		return x > y ? -1 : 1;
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "rule")),
		      json_string_value(json_object_get(*(json_t *const *)b, "rule")));
}

/* A new array of v[0..n) sorted by cmp (v's references move into it; v is freed). */
static json_t *sorted_array(json_t **v, size_t n, int (*cmp)(const void *, const void *))
{
	qsort(v, n, sizeof(*v), cmp);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, v[i]);
	free(v);
	return out;
}

/* The rejects object of a stage as a list sorted by count, each with the stage's option of
 * the same name as its threshold (clean's rules are named after their options). */
static json_t *sorted_rules(const json_t *rejects, const json_t *options)
{
	size_t n = json_object_size(rejects), i = 0;
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	const char *k;
	json_t *c;
	json_object_foreach((json_t *)rejects, k, c) {
		json_t *t = json_object_get(options, k);
		v[i++] = json_pack("{s:s,s:O,s:O}", "rule", k, "count", c, "threshold",
				   t ? t : json_null());
	}
	return sorted_array(v, n, cmp_count_desc);
}

static void finish_stages(json_t *m)
{
	json_t *stages = json_object_get(m, "stages");
	size_t n = json_array_size(stages), i;
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(stages, i));
	qsort(v, n, sizeof(*v), cmp_stage);
	json_array_clear(stages);
	for (i = 0; i < n; i++) {
		json_t *rules = sorted_rules(json_object_get(v[i], "rejects"),
					     json_object_get(v[i], "options"));
		json_object_set_new(v[i], "rejects", rules);
		json_object_del(v[i], "options");
		json_array_append_new(stages, v[i]);
	}
	free(v);
}

static int cmp_source(const void *a, const void *b)
{
	json_int_t x = num(*(json_t *const *)a, "bytes_in"), y = num(*(json_t *const *)b, "bytes_in");
	if (x != y)
		return x > y ? -1 : 1;
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "path")),
		      json_string_value(json_object_get(*(json_t *const *)b, "path")));
}

/* The 50 largest sources by bytes, the rest summed under "others"; each with what became of
 * its documents in every stage (report_source_finish). */
static void finish_sources(json_t *m)
{
	json_t *src = json_object_get(m, "sources");
	size_t n = json_object_size(src), i = 0;
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	const char *path;
	json_t *e;
	const char *last = json_string_value(json_object_get(m, "sources_last_stage"));
	json_object_foreach(src, path, e) {
		report_source_finish(e, last);
		v[i++] = json_incref(e);
	}
	qsort(v, n, sizeof(*v), cmp_source);
	json_t *shown = json_array();
	json_t *others = json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "files", 0, "records_in", 0,
				   "records_out", 0, "bytes_in", 0, "rejected", 0, "kept", 0);
	for (i = 0; i < n; i++) {
		if (i < 50) {
			json_array_append(shown, v[i]);
		} else {
			add_num(others, "files", 1);
			static const char *keys[] = { "records_in", "records_out", "bytes_in", "rejected",
						      "kept" };
			for (size_t k = 0; k < 5; k++)
				add_num(others, keys[k], num(v[i], keys[k]));
		}
		json_decref(v[i]);
	}
	free(v);
	json_object_set_new(m, "sources", json_pack("{s:o,s:o,s:o}", "kept_after",
						    last ? json_string(last) : json_null(), "shown",
						    shown, "others", others));
	json_object_del(m, "sources_last_stage");
}

static int cmp_lang(const void *a, const void *b)
{
	json_int_t x = num(*(json_t *const *)a, "in"), y = num(*(json_t *const *)b, "in");
	if (x != y)
		return x > y ? -1 : 1;
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "lang")),
		      json_string_value(json_object_get(*(json_t *const *)b, "lang")));
}

static void finish_languages(json_t *m)
{
	json_t *langs = json_object_get(m, "languages");
	size_t n = json_object_size(langs), i = 0;
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	const char *code;
	json_t *l;
	json_object_foreach(langs, code, l) {
		v[i] = json_pack("{s:s,s:O,s:O}", "lang", code, "in", json_object_get(l, "in"),
				 "kept", json_object_get(l, "kept"));
		json_object_set_new(v[i], "rejects",
				    sorted_rules(json_object_get(l, "rejects"), NULL));
		i++;
	}
	json_object_set_new(m, "languages", sorted_array(v, n, cmp_lang));
}

json_t *report_model(char **files, size_t nfiles, struct buf *err)
{
	json_t *m = json_pack("{s:i,s:[],s:[],s:{},s:{},s:{},s:{}}", "report", 1, "files", "stages",
			      "sources", "languages", "tokens", "compression");
	for (size_t i = 0; i < nfiles; i++) {
		if (merge_file(m, files[i], err)) {
			json_decref(m);
			return NULL;
		}
	}
	if (!nfiles) {
		buf_addstr(err, "no stats files");
		json_decref(m);
		return NULL;
	}
	finish_stages(m);
	finish_sources(m);
	finish_languages(m);
	json_object_set_new(m, "compression", report_langs_finish(json_object_get(m, "compression")));
	json_t *ft = json_object_get(m, "fine_tuning");
	const json_t *eff = json_object_get(json_object_get(m, "shards"), "packing_efficiency");
	if (!ft && eff) {
		ft = json_object();
		json_object_set_new(m, "fine_tuning", ft);
	}
	if (ft && json_object_get(ft, "conversations"))
		report_chat_finish(ft);
	if (ft && eff)
		json_object_set(ft, "packing_efficiency", (json_t *)eff);
	return m;
}
