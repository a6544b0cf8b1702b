/*
 * The report model's tables that follow documents through the stages (docs/report.md):
 * sources (ingest's inputs joined with every stage's per-source counts, the stats files'
 * "sources"), the tokenizer's compression per language (tokenize's "languages") and the
 * fine-tuning figures (tokenize --chat-template's "chat", shard --pack's packing).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xalloc.h"
#include "report/report.h"

static json_int_t num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static void add_num(json_t *o, const char *key, json_int_t n)
{
	json_object_set_new(o, key, json_integer(num(o, key) + n));
}

static void add_counts(json_t *into, const json_t *from)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)from, k, v)
		if (json_is_integer(v))
			add_num(into, k, json_integer_value(v));
}

/* a / b rounded to `decimals` places, or null when b is 0. */
static json_t *ratio(json_int_t a, json_int_t b, int decimals)
{
	double scale = pow(10, decimals);
	return b ? json_real(round((double)a / (double)b * scale) / scale) : json_null();
}

static json_t *source_entry(json_t *map, const char *path)
{
	json_t *e = json_object_get(map, path);
	if (!e) {
		e = json_pack("{s:s,s:i,s:i,s:i,s:i,s:b,s:{}}", "path", path, "bytes_in", 0,
			      "records_in", 0, "records_out", 0, "rejected", 0, "error", 0, "stages");
		json_object_set_new(map, path, e);
	}
	return e;
}

void report_sources_ingest(json_t *map, const json_t *inputs)
{
	size_t i;
	json_t *in;
	json_array_foreach((json_t *)inputs, i, in) {
		const char *path = json_string_value(json_object_get(in, "path"));
		if (!path)
			continue;
		json_t *e = source_entry(map, path);
		static const char *keys[] = { "bytes_in", "records_in", "records_out", "rejected" };
		for (size_t k = 0; k < 4; k++)
			add_num(e, keys[k], num(in, keys[k]));
		if (json_is_true(json_object_get(in, "error")))
			json_object_set_new(e, "error", json_true());
	}
}

/* A stage's per-source counts. Dedup decides after its scan, so its per-source figures hold
 * only records in: they are left out. */
int report_sources_stage(json_t *map, const char *stage, const json_t *sources)
{
	if (!json_is_object(sources) || !strcmp(stage, "dedup") || !strcmp(stage, "ingest"))
		return 0;
	const char *path;
	json_t *v;
	json_object_foreach((json_t *)sources, path, v) {
		json_t *stages = json_object_get(source_entry(map, path), "stages");
		json_t *s = json_object_get(stages, stage);
		if (!s) {
			s = json_pack("{s:i,s:i,s:i,s:{}}", "records_in", 0, "records_out", 0,
				      "rejected", 0, "rejects");
			json_object_set_new(stages, stage, s);
		}
		add_num(s, "records_in", num(v, "records_in"));
		add_num(s, "records_out", num(v, "records_out"));
		add_num(s, "rejected", num(v, "rejected"));
		add_counts(json_object_get(s, "rejects"), json_object_get(v, "rejects"));
	}
	return 1;
}

static int cmp_rule(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	if (num(x, "count") != num(y, "count"))
		return num(x, "count") > num(y, "count") ? -1 : 1;
	int d = strcmp(json_string_value(json_object_get(x, "stage")),
		       json_string_value(json_object_get(y, "stage")));
	return d ? d : strcmp(json_string_value(json_object_get(x, "rule")),
			      json_string_value(json_object_get(y, "rule")));
}

/* An entry's "kept" (records out of `last`, the last stage with per-source figures, or of
 * ingest when there is none) and "rejects" (every stage's rules for it, by count). */
void report_source_finish(json_t *e, const char *last)
{
	json_t *stages = json_object_get(e, "stages");
	const char *name;
	json_t *s;
	size_t n = 0, i = 0;
	json_object_foreach(stages, name, s)
		n += json_object_size(json_object_get(s, "rejects"));
	json_object_set_new(e, "kept", json_integer(last ? num(json_object_get(stages, last),
								  "records_out")
							  : num(e, "records_out")));
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	json_object_foreach(stages, name, s) {
		const char *rule;
		json_t *c;
		json_object_foreach(json_object_get(s, "rejects"), rule, c)
			v[i++] = json_pack("{s:s,s:s,s:O}", "stage", name, "rule", rule, "count", c);
	}
	qsort(v, n, sizeof(*v), cmp_rule);
	json_t *rules = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(rules, v[i]);
	free(v);
	json_object_set_new(e, "rejects", rules);
}

void report_langs_tokenize(json_t *comp, const json_t *langs)
{
	const char *code;
	json_t *v;
	json_object_foreach((json_t *)langs, code, v) {
		json_t *l = json_object_get(comp, code);
		if (!l) {
			l = json_pack("{s:s,s:i,s:i,s:i}", "lang", code, "documents", 0, "bytes", 0,
				      "tokens", 0);
			json_object_set_new(comp, code, l);
		}
		add_num(l, "documents", num(v, "documents"));
		add_num(l, "bytes", num(v, "bytes"));
		add_num(l, "tokens", num(v, "tokens"));
	}
}

static int cmp_comp(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	if (num(x, "bytes") != num(y, "bytes"))
		return num(x, "bytes") > num(y, "bytes") ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "lang")),
		      json_string_value(json_object_get(y, "lang")));
}

/* The languages object as a list by bytes, each with bytes per token (2 decimals). Takes comp. */
json_t *report_langs_finish(json_t *comp)
{
	size_t n = json_object_size(comp), i = 0;
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	const char *code;
	json_t *l;
	json_object_foreach(comp, code, l) {
		json_object_set_new(l, "bytes_per_token",
				    ratio(num(l, "bytes"), num(l, "tokens"), 2));
		v[i++] = json_incref(l);
	}
	qsort(v, n, sizeof(*v), cmp_comp);
	json_t *out = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(out, v[i]);
	free(v);
	return out;
}

void report_chat_tokenize(json_t *chat, const json_t *from)
{
	static const char *keys[] = { "conversations", "turns", "tokens", "masked_tokens" };
	for (size_t k = 0; k < 4; k++)
		add_num(chat, keys[k], num(from, keys[k]));
}

/* Turns per conversation and the masked share (4 decimals), from the sums. */
void report_chat_finish(json_t *chat)
{
	json_object_set_new(chat, "turns_per_conversation",
			    ratio(num(chat, "turns"), num(chat, "conversations"), 2));
	json_object_set_new(chat, "masked_fraction",
			    ratio(num(chat, "masked_tokens"), num(chat, "tokens"), 4));
}
