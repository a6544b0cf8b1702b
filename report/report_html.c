/*
 * The report page, drawn from the report model alone: plain HTML tables and inline SVG bar
 * charts, one <style> block, no scripts and nothing fetched, so it opens from a file, prints,
 * and can be mailed. Numbers are printed exactly as in report.json (integers in full).
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"

static void esc(struct buf *o, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': buf_addstr(o, "&lt;"); break;
		case '>': buf_addstr(o, "&gt;"); break;
		case '&': buf_addstr(o, "&amp;"); break;
		case '"': buf_addstr(o, "&quot;"); break;
		default: buf_addch(o, *s);
		}
	}
}

static json_int_t inum(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static void value(struct buf *o, const json_t *v)
{
	if (json_is_integer(v))
		buf_addf(o, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		buf_addf(o, "%g", json_real_value(v));
	else if (json_is_string(v))
		esc(o, json_string_value(v));
	else if (json_is_true(v) || json_is_false(v))
		buf_addstr(o, json_is_true(v) ? "true" : "false");
	else
		buf_addstr(o, "&ndash;");
}

static void pct(struct buf *o, json_int_t part, json_int_t whole)
{
	if (whole > 0)
		buf_addf(o, "%.1f%%", 100.0 * (double)part / (double)whole);
	else
		buf_addstr(o, "&ndash;");
}

/* A horizontal bar chart: one labelled bar per row, lengths relative to the largest. */
static void hbars(struct buf *o, const char **labels, const json_int_t *vals, size_t n)
{
	json_int_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (vals[i] > max)
			max = vals[i];
	int h = 22, lw = 220, bw = 440;
	buf_addf(o, "<svg class=\"chart\" width=\"%d\" height=\"%zu\" role=\"img\">", lw + bw + 110,
		 n * (size_t)h + 4);
	for (size_t i = 0; i < n; i++) {
		double w = (double)bw * (double)vals[i] / (double)max;
		buf_addf(o, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">", lw - 6, i * h + 15);
		esc(o, labels[i]);
		buf_addf(o, "</text><rect x=\"%d\" y=\"%zu\" width=\"%.1f\" height=\"%d\"/>", lw,
			 i * h + 3, w < 1 && vals[i] ? 1.0 : w, h - 6);
		buf_addf(o, "<text x=\"%.1f\" y=\"%zu\">%lld</text>", lw + w + 6, i * h + 15,
			 (long long)vals[i]);
	}
	buf_addstr(o, "</svg>\n");
}

static void section_funnel(struct buf *o, const json_t *m)
{
	const json_t *stages = json_object_get(m, "stages");
	size_t n = json_array_size(stages), i;
	const json_t *s;
	buf_addstr(o, "<h2>Funnel</h2>\n<table><tr><th>stage</th><th>stats files</th>"
		      "<th>documents in</th><th>documents out</th><th>rejected</th><th>kept</th>"
		      "<th>bytes in</th><th>bytes out</th><th>seconds</th></tr>\n");
	const char *labels[32];
	json_int_t vals[32];
	size_t nb = 0;
	json_array_foreach(stages, i, s) {
		const char *name = json_string_value(json_object_get(s, "stage"));
		buf_addstr(o, "<tr><td>");
		esc(o, name);
		buf_addf(o, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td><td>",
			 (long long)inum(s, "files"), (long long)inum(s, "records_in"),
			 (long long)inum(s, "records_out"), (long long)inum(s, "rejected"));
		pct(o, inum(s, "records_out"), inum(s, "records_in"));
		buf_addf(o, "</td><td>%lld</td><td>%lld</td><td>%.3f</td></tr>\n",
			 (long long)inum(s, "bytes_in"), (long long)inum(s, "bytes_out"),
			 json_real_value(json_object_get(s, "elapsed_s")));
		if (nb < 31 && strcmp(name, "dedup-cluster")) {
			if (nb == 0) {
				labels[nb] = "input documents";
				vals[nb++] = inum(s, "records_in");
			}
			labels[nb] = name;
			vals[nb++] = inum(s, "records_out");
		}
	}
	buf_addstr(o, "</table>\n");
	const json_t *tok = json_object_get(m, "tokens");
	if (json_object_size(tok)) {
		buf_addstr(o, "<p>Tokens: ");
		const char *k;
		const json_t *v;
		int first = 1;
		json_object_foreach((json_t *)tok, k, v) {
			buf_addf(o, "%s%s <b>%lld</b>", first ? "" : ", ", k,
				 (long long)json_integer_value(v));
			first = 0;
		}
		buf_addstr(o, "</p>\n");
	}
	if (n)
		hbars(o, labels, vals, nb);
}

static void section_rejects(struct buf *o, const json_t *m)
{
	const json_t *stages = json_object_get(m, "stages");
	size_t i, k;
	const json_t *s, *r;
	buf_addstr(o, "<h2>Rejects by rule</h2>\n");
	int any = 0;
	json_array_foreach(stages, i, s) {
		const json_t *rules = json_object_get(s, "rejects");
		if (!json_array_size(rules))
			continue;
		any = 1;
		buf_addstr(o, "<h3>");
		esc(o, json_string_value(json_object_get(s, "stage")));
		buf_addstr(o, "</h3>\n<table><tr><th>rule</th><th>documents</th><th>of stage input</th>"
			      "<th>threshold</th></tr>\n");
		const char *labels[40];
		json_int_t vals[40];
		size_t nb = 0;
		json_array_foreach(rules, k, r) {
			buf_addstr(o, "<tr><td>");
			esc(o, json_string_value(json_object_get(r, "rule")));
			buf_addf(o, "</td><td>%lld</td><td>", (long long)inum(r, "count"));
			pct(o, inum(r, "count"), inum(s, "records_in"));
			buf_addstr(o, "</td><td>");
			value(o, json_object_get(r, "threshold"));
			buf_addstr(o, "</td></tr>\n");
			if (nb < 40) {
				labels[nb] = json_string_value(json_object_get(r, "rule"));
				vals[nb++] = inum(r, "count");
			}
		}
		buf_addstr(o, "</table>\n");
		hbars(o, labels, vals, nb);
	}
	if (!any)
		buf_addstr(o, "<p>No document was rejected.</p>\n");
}

static void section_languages(struct buf *o, const json_t *m)
{
	const json_t *langs = json_object_get(m, "languages");
	if (!json_array_size(langs))
		return;
	buf_addstr(o, "<h2>Languages (clean)</h2>\n<table><tr><th>language</th><th>documents in"
		      "</th><th>kept</th><th>kept %</th><th>top reject rules</th></tr>\n");
	size_t i, k;
	const json_t *l, *r;
	json_array_foreach(langs, i, l) {
		buf_addstr(o, "<tr><td>");
		esc(o, json_string_value(json_object_get(l, "lang")));
		buf_addf(o, "</td><td>%lld</td><td>%lld</td><td>", (long long)inum(l, "in"),
			 (long long)inum(l, "kept"));
		pct(o, inum(l, "kept"), inum(l, "in"));
		buf_addstr(o, "</td><td>");
		json_array_foreach(json_object_get(l, "rejects"), k, r) {
			if (k == 3)
				break;
			buf_addstr(o, k ? ", " : "");
			esc(o, json_string_value(json_object_get(r, "rule")));
			buf_addf(o, " %lld", (long long)inum(r, "count"));
		}
		buf_addstr(o, "</td></tr>\n");
	}
	buf_addstr(o, "</table>\n");
}

static void section_sources(struct buf *o, const json_t *m)
{
	const json_t *src = json_object_get(m, "sources");
	const json_t *shown = json_object_get(src, "shown"), *others = json_object_get(src, "others");
	if (!json_array_size(shown))
		return;
	const char *after = json_string_value(json_object_get(src, "kept_after"));
	buf_addstr(o, "<h2>Sources (input files, largest first)</h2>\n<p>Documents of each input "
		      "file through the stages: ingest's records in, out and rejected, the documents "
		      "kept (out of ");
	esc(o, after ? after : "ingest");
	buf_addstr(o, "), and the most frequent reject rules of every stage.</p>\n<table>");
	buf_addstr(o, "<tr><th>source</th><th>bytes</th><th>records in</th><th>ingest out</th>"
		      "<th>ingest rejected</th><th>kept</th><th>kept %</th><th>top reject rules</th>"
		      "<th>error</th></tr>\n");
	size_t i, k;
	const json_t *s, *r;
	json_array_foreach(shown, i, s) {
		buf_addstr(o, "<tr><td>");
		esc(o, json_string_value(json_object_get(s, "path")));
		buf_addf(o, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td><td>",
			 (long long)inum(s, "bytes_in"), (long long)inum(s, "records_in"),
			 (long long)inum(s, "records_out"), (long long)inum(s, "rejected"),
			 (long long)inum(s, "kept"));
		pct(o, inum(s, "kept"), inum(s, "records_in"));
		buf_addstr(o, "</td><td>");
		json_array_foreach(json_object_get(s, "rejects"), k, r) {
			if (k == 3)
				break;
			buf_addstr(o, k ? ", " : "");
			esc(o, json_string_value(json_object_get(r, "stage")));
			buf_addch(o, ' ');
			esc(o, json_string_value(json_object_get(r, "rule")));
			buf_addf(o, " %lld", (long long)inum(r, "count"));
		}
		buf_addf(o, "</td><td>%s</td></tr>\n",
			 json_is_true(json_object_get(s, "error")) ? "yes" : "");
	}
	if (inum(others, "files")) {
		buf_addf(o, "<tr><td>%lld other files</td><td>%lld</td><td>%lld</td><td>%lld</td>"
			    "<td>%lld</td><td>%lld</td><td>",
			 (long long)inum(others, "files"), (long long)inum(others, "bytes_in"),
			 (long long)inum(others, "records_in"), (long long)inum(others, "records_out"),
			 (long long)inum(others, "rejected"), (long long)inum(others, "kept"));
		pct(o, inum(others, "kept"), inum(others, "records_in"));
		buf_addstr(o, "</td><td></td><td></td></tr>\n");
	}
	buf_addstr(o, "</table>\n");
}

/* Document lengths: the log2 histograms of two stages side by side as grouped columns. */
static void section_lengths(struct buf *o, const json_t *m)
{
	const json_t *a = NULL, *b = NULL;
	size_t i;
	const json_t *s;
	json_array_foreach(json_object_get(m, "stages"), i, s) {
		const char *n = json_string_value(json_object_get(s, "stage"));
		if (!strcmp(n, "ingest"))
			a = json_object_get(s, "text_bytes_hist");
		if (!strcmp(n, "clean"))
			b = json_object_get(s, "text_bytes_hist");
	}
	if (!json_object_size(a) && !json_object_size(b))
		return;
	json_int_t va[64] = { 0 }, vb[64] = { 0 }, max = 1;
	int lo = 63, hi = 0;
	const char *k;
	const json_t *v;
	for (int pass = 0; pass < 2; pass++) {
		json_object_foreach((json_t *)(pass ? b : a), k, v) {
			int bkt = atoi(k);
			if (bkt < 0 || bkt > 63)
				continue;
			(pass ? vb : va)[bkt] = json_integer_value(v);
			lo = bkt < lo ? bkt : lo;
			hi = bkt > hi ? bkt : hi;
			max = json_integer_value(v) > max ? json_integer_value(v) : max;
		}
	}
	buf_addstr(o, "<h2>Document lengths (bytes of text, log2 buckets)</h2>\n"
		      "<p><span class=\"k1\">&#9632;</span> ingest output (before clean) &nbsp; "
		      "<span class=\"k2\">&#9632;</span> clean output</p>\n");
	int cw = 34, h = 160;
	buf_addf(o, "<svg class=\"chart\" width=\"%d\" height=\"%d\">", (hi - lo + 1) * cw + 20, h + 40);
	for (int bkt = lo; bkt <= hi; bkt++) {
		int x = (bkt - lo) * cw + 10;
		double ha = (double)h * (double)va[bkt] / (double)max;
		double hb = (double)h * (double)vb[bkt] / (double)max;
		buf_addf(o, "<rect class=\"k1\" x=\"%d\" y=\"%.1f\" width=\"14\" height=\"%.1f\">"
			    "<title>%lld</title></rect>", x, h - ha, ha, (long long)va[bkt]);
		buf_addf(o, "<rect class=\"k2\" x=\"%d\" y=\"%.1f\" width=\"14\" height=\"%.1f\">"
			    "<title>%lld</title></rect>", x + 14, h - hb, hb, (long long)vb[bkt]);
		buf_addf(o, "<text x=\"%d\" y=\"%d\" font-size=\"10\">&lt;2^%d</text>", x, h + 14, bkt);
	}
	buf_addstr(o, "</svg>\n<table><tr><th>bucket</th><th>before clean</th><th>after clean</th></tr>\n");
	for (int bkt = lo; bkt <= hi; bkt++)
		buf_addf(o, "<tr><td>&lt; 2^%d</td><td>%lld</td><td>%lld</td></tr>\n", bkt,
			 (long long)va[bkt], (long long)vb[bkt]);
	buf_addstr(o, "</table>\n");
}

static void section_dedup(struct buf *o, const json_t *m)
{
	const json_t *g = json_object_get(m, "dedup_groups");
	if (!json_is_object(g))
		return;
	buf_addf(o, "<h2>Dedup groups</h2>\n<p>groups <b>%lld</b>, documents removed <b>%lld</b>, "
		    "largest group <b>%lld</b></p>\n",
		 (long long)inum(g, "groups"), (long long)inum(g, "removed"),
		 (long long)inum(g, "largest"));
	const json_t *sizes = json_object_get(g, "sizes");
	const char *labels[40];
	json_int_t vals[40];
	size_t nb = 0;
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)sizes, k, v) {
		if (nb == 40)
			break;
		labels[nb] = k;
		vals[nb++] = json_integer_value(v);
	}
	if (nb) {
		buf_addstr(o, "<p>Groups by size (documents per group):</p>\n");
		hbars(o, labels, vals, nb);
	}
}

static void section_compression(struct buf *o, const json_t *m)
{
	const json_t *c = json_object_get(m, "compression");
	if (!json_array_size(c))
		return;
	buf_addstr(o, "<h2>Tokenizer compression by language</h2>\n<p>Bytes of text per token in "
		      "what tokenize read, by the language clean gave each document (un: none).</p>\n"
		      "<table><tr><th>language</th><th>documents</th><th>bytes</th><th>tokens</th>"
		      "<th>bytes per token</th></tr>\n");
	size_t i;
	const json_t *l;
	json_array_foreach(c, i, l) {
		buf_addstr(o, "<tr><td>");
		esc(o, json_string_value(json_object_get(l, "lang")));
		buf_addf(o, "</td><td>%lld</td><td>%lld</td><td>%lld</td><td>",
			 (long long)inum(l, "documents"), (long long)inum(l, "bytes"),
			 (long long)inum(l, "tokens"));
		value(o, json_object_get(l, "bytes_per_token"));
		buf_addstr(o, "</td></tr>\n");
	}
	buf_addstr(o, "</table>\n");
}

static void section_fine_tuning(struct buf *o, const json_t *m)
{
	const json_t *f = json_object_get(m, "fine_tuning");
	if (!json_is_object(f))
		return;
	static const char *const rows[][2] = {
		{ "conversations", "conversations" }, { "turns", "turns (messages)" },
		{ "turns_per_conversation", "turns per conversation" },
		{ "tokens", "tokens" }, { "masked_tokens", "masked tokens (loss mask 0)" },
		{ "masked_fraction", "masked fraction" },
		{ "packing_efficiency", "packing efficiency (shard --pack)" },
	};
	buf_addstr(o, "<h2>Fine-tuning</h2>\n<table>");
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		const json_t *v = json_object_get(f, rows[i][0]);
		if (!v)
			continue;
		buf_addf(o, "<tr><td>%s</td><td>", rows[i][1]);
		value(o, v);
		buf_addstr(o, "</td></tr>\n");
	}
	buf_addstr(o, "</table>\n");
}

static void section_shards(struct buf *o, const json_t *m)
{
	const json_t *sh = json_object_get(m, "shards");
	if (!json_is_object(sh))
		return;
	buf_addstr(o, "<h2>Shards</h2>\n<table>");
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)sh, k, v) {
		if (!json_is_number(v))
			continue;
		buf_addstr(o, "<tr><td>");
		esc(o, k);
		buf_addstr(o, "</td><td>");
		value(o, v);
		buf_addstr(o, "</td></tr>\n");
	}
	buf_addstr(o, "</table>\n");
	const json_t *tps = json_object_get(sh, "tokens_per_shard");
	size_t n = json_array_size(tps), i;
	if (!n)
		return;
	char names[64][32];
	const char *labels[64];
	json_int_t vals[64];
	size_t nb = 0;
	json_array_foreach(tps, i, v) {
		if (nb == 64)
			break;
		snprintf(names[nb], sizeof(names[nb]), "shard %zu", i);
		labels[nb] = names[nb];
		vals[nb++] = json_integer_value(v);
	}
	buf_addstr(o, "<p>Tokens per shard (shard 0 is val when there is a val split):</p>\n");
	hbars(o, labels, vals, nb);
}

void report_html(const json_t *m, const char *model_name, struct buf *o)
{
	buf_addstr(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width\">"
		      "<title>grist run report</title>\n<style>\n"
		      "body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;"
		      "color:#222;padding:0 16px}\n"
		      "h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}"
		      "h3{font-size:15px}\n"
		      "table{border-collapse:collapse;margin:8px 0}td,th{padding:2px 10px;border-bottom:"
		      "1px solid #eee;text-align:right}td:first-child,th:first-child{text-align:left}\n"
		      "th{background:#f4f4f4}svg.chart text{font-size:12px;fill:#333}svg.chart rect"
		      "{fill:#4a7ab5}svg.chart rect.k2,.k2{fill:#d9822b;color:#d9822b}.k1{fill:#4a7ab5;"
		      "color:#4a7ab5}\n</style></head><body>\n<h1>grist run report</h1>\n");
	const json_t *files = json_object_get(m, "files");
	buf_addf(o, "<p>Drawn from %zu stats files; every number here is also in <code>",
		 json_array_size(files));
	esc(o, model_name);
	buf_addstr(o, "</code>, beside this page.</p>\n");
	section_funnel(o, m);
	section_rejects(o, m);
	section_languages(o, m);
	section_sources(o, m);
	section_lengths(o, m);
	section_dedup(o, m);
	section_compression(o, m);
	section_fine_tuning(o, m);
	section_shards(o, m);
	buf_addstr(o, "</body></html>\n");
}
