/*
 * `grist clean` figures: per-thread counters merged at the end, the options echoed in --stats,
 * and the stage_stats object (repair counters, redactions, per-language survival).
 */
#include <stdlib.h>
#include <string.h>

#include "clean/clean_int.h"
#include "lib/json.h"
#include "lib/xalloc.h"

static struct clean_lang_stat *lang_stat(struct clean_lang_stats *ls, const char *code)
{
	for (size_t i = 0; i < ls->n; i++)
		if (!strcmp(ls->v[i].code, code))
			return &ls->v[i];
	ALLOC_GROW(ls->v, ls->n + 1, ls->alloc);
	struct clean_lang_stat *s = &ls->v[ls->n++];
	snprintf(s->code, sizeof(s->code), "%s", code);
	counts_reset(&s->c);
	return s;
}

void clean_lang_stats_add(struct clean_lang_stats *ls, const char *code, const char *rule)
{
	struct clean_lang_stat *s = lang_stat(ls, code);
	s->c.records_in++;
	if (rule)
		counts_reject(&s->c, rule);
	else
		s->c.records_out++;
}

void clean_lang_stats_merge(struct clean_lang_stats *into, const struct clean_lang_stats *from)
{
	for (size_t i = 0; i < from->n; i++)
		counts_merge(&lang_stat(into, from->v[i].code)->c, &from->v[i].c);
}

void clean_lang_stats_release(struct clean_lang_stats *ls)
{
	free(ls->v);
	memset(ls, 0, sizeof(*ls));
}

void clean_thread_stats_merge(struct clean *cl, struct clean_thread *t)
{
	pthread_mutex_lock(&cl->lock);
	struct clean_repair_stats *s = &cl->repair_stats, *ts = &t->repair_stats;
	s->invalid += ts->invalid;
	s->surrogate_pairs += ts->surrogate_pairs;
	s->controls += ts->controls;
	s->c1 += ts->c1;
	s->escapes += ts->escapes;
	s->crlf += ts->crlf;
	s->mojibake += ts->mojibake;
	s->docs_mojibake += ts->docs_mojibake;
	cl->normalized += t->normalized;
	cl->lines_dropped += t->lines_dropped;
	cl->nospace_docs += t->nospace_docs;
	cl->low_confidence += t->low_confidence;
	for (int i = 0; i < CLEAN_REDACT_MAX; i++)
		cl->redacted[i] += t->redacted[i];
	for (int p = 0; p < CP_COUNT; p++)
		cl->skipped[p] += t->skipped[p];
	clean_lang_stats_merge(&cl->lstats, &t->lstats);
	pthread_mutex_unlock(&cl->lock);
}

void clean_stats_options(struct clean *cl)
{
	struct stats *st = &cl->run.stats;
	stats_option_num(st, "repair", cl->repair);
	stats_option_str(st, "normalize", cl->norm == CLEAN_NORM_NFC ? "nfc"
					  : cl->norm == CLEAN_NORM_NFKC ? "nfkc" : "none");
	struct buf fl = BUF_INIT;
	for (int k = 0; k < cl->fcfg.norder; k++)
		buf_addf(&fl, "%s%s", k ? "," : "", clean_filter_names[cl->fcfg.order[k]]);
	stats_option_str(st, "filters", fl.data);
	buf_release(&fl);
	for (int p = 0; p < CP_COUNT; p++) {
		if (cl->fcfg.off[p])
			stats_option_str(st, clean_params[p].name, "off");
		else if (clean_param_is_lang(p) && !cl->fcfg.set[p])
			stats_option_str(st, clean_params[p].name, "per language");
		else
			stats_option_num(st, clean_params[p].name, cl->fcfg.v[p]);
	}
	stats_option_str(st, "lang_id", cl->lang_mode == CLEAN_LANGID_ON ? "on"
					: cl->lang_mode == CLEAN_LANGID_ALL ? "all" : "off");
	stats_option_num(st, "lang_sample", (double)cl->lang_sample);
	stats_option_num(st, "lang_min_score", cl->lang_min_score);
	stats_option_num(st, "lang_rules_min_score", cl->lang_rules_min_score);
}

static int cmp_lang_stat(const void *a, const void *b)
{
	return strcmp(((const struct clean_lang_stat *)a)->code,
		      ((const struct clean_lang_stat *)b)->code);
}

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct rule_count *)a)->rule, ((const struct rule_count *)b)->rule);
}

/* {"in":N,"kept":N,"rejects":{"rule":N,...}}, rules sorted (threads meet them in any order) */
static void lang_stat_json(struct buf *j, struct counts *c)
{
	buf_addf(j, "{\"in\":%llu,\"kept\":%llu,\"rejects\":{", (unsigned long long)c->records_in,
		 (unsigned long long)c->records_out);
	if (c->nrules)
		qsort(c->rules, (size_t)c->nrules, sizeof(*c->rules), cmp_rule);
	for (int r = 0; r < c->nrules; r++) {
		buf_addf(j, "%s", r ? "," : "");
		json_string_encode(j, c->rules[r].rule, strlen(c->rules[r].rule));
		buf_addf(j, ":%llu", (unsigned long long)c->rules[r].n);
	}
	buf_addstr(j, "}}");
}

/* "languages": per language, sorted by code (so -j N gives the same file); documents rejected
 * before their language was needed are under "rejected_before_lang_id". */
static void languages_json(struct clean *cl, struct buf *j)
{
	struct clean_lang_stats *ls = &cl->lstats;
	if (ls->n)
		qsort(ls->v, ls->n, sizeof(*ls->v), cmp_lang_stat);
	buf_addstr(j, ",\"languages\":{");
	int first = 1;
	for (size_t i = 0; i < ls->n; i++) {
		if (!*ls->v[i].code)
			continue;
		buf_addf(j, "%s", first ? "" : ",");
		json_string_encode(j, ls->v[i].code, strlen(ls->v[i].code));
		buf_addch(j, ':');
		lang_stat_json(j, &ls->v[i].c);
		first = 0;
	}
	buf_addstr(j, "},\"rejected_before_lang_id\":");
	struct counts none;
	counts_reset(&none);
	lang_stat_json(j, ls->n && !*ls->v[0].code ? &ls->v[0].c : &none);
}

void clean_stage_stats_json(struct clean *cl)
{
	struct buf *j = &cl->run.stats.stage_json;
	const struct clean_repair_stats *s = &cl->repair_stats;
	buf_addf(j,
		 "\"repair\":{\"invalid_utf8\":%llu,\"surrogate_pairs\":%llu,\"controls\":%llu,"
		 "\"c1_controls\":%llu,\"escape_sequences\":%llu,\"crlf\":%llu,"
		 "\"mojibake_sequences\":%llu,\"mojibake_docs\":%llu},"
		 "\"normalized_docs\":%llu,\"icu_segmented_docs\":%llu,\"lines_dropped\":%llu,"
		 "\"redacted\":{",
		 (unsigned long long)s->invalid, (unsigned long long)s->surrogate_pairs,
		 (unsigned long long)s->controls, (unsigned long long)s->c1,
		 (unsigned long long)s->escapes, (unsigned long long)s->crlf,
		 (unsigned long long)s->mojibake, (unsigned long long)s->docs_mojibake,
		 (unsigned long long)cl->normalized, (unsigned long long)cl->nospace_docs,
		 (unsigned long long)cl->lines_dropped);
	for (int i = 0; cl->redact && i < clean_redact_count(cl->redact); i++) {
		const char *rule = clean_redact_rule(cl->redact, i);
		buf_addf(j, "%s", i ? "," : "");
		json_string_encode(j, rule, strlen(rule));
		buf_addf(j, ":%llu", (unsigned long long)cl->redacted[i]);
	}
	/* rules reached but not applied: the document's language has no value for them */
	buf_addstr(j, "},\"lang_rules_not_applied\":{");
	int first = 1;
	for (int p = 0; p < CP_COUNT; p++) {
		if (!cl->skipped[p])
			continue;
		buf_addf(j, "%s\"%s\":%llu", first ? "" : ",", clean_params[p].name,
			 (unsigned long long)cl->skipped[p]);
		first = 0;
	}
	buf_addf(j, "},\"lang_low_confidence_docs\":%llu", (unsigned long long)cl->low_confidence);
	languages_json(cl, j);
}
