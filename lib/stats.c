#include "stats.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"
#include "die.h"
#include "json.h"
#include "progress.h"
#include "source.h"
#include "xalloc.h"

void counts_reset(struct counts *c)
{
	memset(c, 0, sizeof(*c));
}

static void add_rule(struct counts *c, const char *rule, uint64_t n, enum rule_kind kind)
{
	for (int i = 0; i < c->nrules; i++)
		if (c->rules[i].kind == kind &&
		    (c->rules[i].rule == rule || !strcmp(c->rules[i].rule, rule))) {
			c->rules[i].n += n;
			return;
		}
	if (c->nrules == STATS_MAX_RULES)
		BUG("too many distinct reject rules");
	c->rules[c->nrules].rule = rule;
	c->rules[c->nrules].n = n;
	c->rules[c->nrules].kind = kind;
	c->nrules++;
}

void counts_add_rule(struct counts *c, const char *rule, uint64_t n)
{
	add_rule(c, rule, n, RULE_REJECT);
}

void counts_skip(struct counts *c, const char *rule, uint64_t n)
{
	add_rule(c, rule, n, RULE_SKIP);
}

void counts_note(struct counts *c, const char *rule, uint64_t n)
{
	add_rule(c, rule, n, RULE_NOTE);
}

void counts_reject(struct counts *c, const char *rule)
{
	c->rejected++;
	c->last_rule = rule;
	counts_add_rule(c, rule, 1);
}

void counts_text_length(struct counts *c, uint64_t len)
{
	int k = 0;
	while (len && k < STATS_HIST_BUCKETS - 1) {
		len >>= 1;
		k++;
	}
	c->hist[k]++;
}

void counts_merge(struct counts *into, const struct counts *from)
{
	into->records_in += from->records_in;
	into->records_out += from->records_out;
	into->bytes_in += from->bytes_in;
	into->bytes_out += from->bytes_out;
	into->rejected += from->rejected;
	for (int k = 0; k < STATS_HIST_BUCKETS; k++)
		into->hist[k] += from->hist[k];
	for (int i = 0; i < from->nrules; i++)
		add_rule(into, from->rules[i].rule, from->rules[i].n, from->rules[i].kind);
}

uint64_t counts_rule(const struct counts *c, const char *rule)
{
	for (int i = 0; i < c->nrules; i++)
		if (!strcmp(c->rules[i].rule, rule))
			return c->rules[i].n;
	return 0;
}

double stats_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void stats_init(struct stats *s, const char *stage, int argc, char **argv)
{
	memset(s, 0, sizeof(*s));
	s->stage = stage;
	buf_init(&s->argv_json, 0);
	buf_init(&s->options_json, 0);
	buf_init(&s->stage_json, 0);
	buf_addch(&s->argv_json, '[');
	buf_addstr(&s->argv_json, "\"grist\"");
	for (int i = 0; i < argc; i++) {
		buf_addch(&s->argv_json, ',');
		json_string_encode_repair(&s->argv_json, argv[i], strlen(argv[i]));
	}
	buf_addch(&s->argv_json, ']');
	s->t0 = stats_now();
}

void stats_release(struct stats *s)
{
	buf_release(&s->argv_json);
	buf_release(&s->options_json);
	buf_release(&s->stage_json);
	source_table_free(s->sources);
	s->sources = NULL;
}

static void add_key(struct buf *b, const char *key)
{
	if (b->len)
		buf_addch(b, ',');
	json_string_encode(b, key, strlen(key));
	buf_addch(b, ':');
}

void stats_option_str(struct stats *s, const char *key, const char *val)
{
	add_key(&s->options_json, key);
	if (!val) {
		buf_addstr(&s->options_json, "null");
		return;
	}
	json_string_encode_repair(&s->options_json, val, strlen(val));
}

void stats_option_num(struct stats *s, const char *key, double val)
{
	add_key(&s->options_json, key);
	buf_addf(&s->options_json, "%.17g", val);
}

void stats_render(const struct stats *s, struct buf *out)
{
	const struct counts *c = &s->c;
	buf_addf(out, "{\"schema\":1,\"stage\":\"%s\",\"version\":", s->stage);
	json_string_encode(out, GRIST_VERSION, strlen(GRIST_VERSION));
	buf_addf(out, ",\"argv\":%s,\"options\":{%s}", s->argv_json.data, s->options_json.data);
	buf_addf(out,
		 ",\"records_in\":%llu,\"records_out\":%llu,\"bytes_in\":%llu,\"bytes_out\":%llu,"
		 "\"rejected\":%llu,\"rejects\":{",
		 (unsigned long long)c->records_in, (unsigned long long)c->records_out,
		 (unsigned long long)c->bytes_in, (unsigned long long)c->bytes_out,
		 (unsigned long long)c->rejected);
	static const char *const opening[RULE_KINDS] = { "", "},\"skipped\":{", "},\"notes\":{" };
	for (int kind = RULE_REJECT; kind < RULE_KINDS; kind++) {
		buf_addstr(out, opening[kind]);
		int first = 1;
		for (int i = 0; i < c->nrules; i++) {
			if (c->rules[i].kind != (enum rule_kind)kind)
				continue;
			if (!first)
				buf_addch(out, ',');
			first = 0;
			json_string_encode(out, c->rules[i].rule, strlen(c->rules[i].rule));
			buf_addf(out, ":%llu", (unsigned long long)c->rules[i].n);
		}
	}
	buf_addf(out, "},\"elapsed_s\":%.3f,\"text_bytes_hist\":{", stats_now() - s->t0);
	int first = 1;
	for (int k = 0; k < STATS_HIST_BUCKETS; k++) {
		if (!c->hist[k])
			continue;
		buf_addf(out, "%s\"%d\":%llu", first ? "" : ",", k, (unsigned long long)c->hist[k]);
		first = 0;
	}
	buf_addch(out, '}');
	if (s->sources)
		source_table_render(s->sources, out);
	buf_addf(out, ",\"stage_stats\":{%s}}", s->stage_json.data);
}

int stats_by_source;

struct source_entry {
	char *name;
	uint64_t in, out, rejected;
	int nrules;
	struct rule_count rules[STATS_MAX_RULES];
};

struct source_table {
	struct source_entry *v;
	size_t n, alloc, last;
};

struct source_table *source_table_new(void)
{
	return xcalloc(1, sizeof(struct source_table));
}

void source_table_clear(struct source_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	t->n = t->last = 0;
}

void source_table_free(struct source_table *t)
{
	if (!t)
		return;
	source_table_clear(t);
	free(t->v);
	free(t);
}

/* The entry of name[0..n), made when new; the previous line's source is checked first. */
static struct source_entry *source_entry(struct source_table *t, const char *name, size_t n)
{
	if (t->last < t->n && !strncmp(t->v[t->last].name, name, n) && !t->v[t->last].name[n])
		return &t->v[t->last];
	for (size_t i = 0; i < t->n; i++)
		if (!strncmp(t->v[i].name, name, n) && !t->v[i].name[n]) {
			t->last = i;
			return &t->v[i];
		}
	ALLOC_GROW(t->v, t->n + 1, t->alloc);
	struct source_entry *e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	e->name = xmalloc(n + 1);
	memcpy(e->name, name, n);
	e->name[n] = '\0';
	t->last = t->n++;
	return e;
}

static void source_entry_reject(struct source_entry *e, const char *rule, uint64_t n)
{
	for (int i = 0; i < e->nrules; i++)
		if (e->rules[i].rule == rule || !strcmp(e->rules[i].rule, rule)) {
			e->rules[i].n += n;
			return;
		}
	if (e->nrules == STATS_MAX_RULES)
		BUG("too many distinct reject rules");
	e->rules[e->nrules].rule = rule;
	e->rules[e->nrules++].n = n;
}

void source_table_add(struct source_table *t, const char *v, size_t n, uint64_t in, uint64_t out,
		      const char *rule)
{
	struct source_entry *e;
	if (n < 2)
		return;
	if (memchr(v, '\\', n)) { /* escapes: decoded (rare) */
		struct buf name = BUF_INIT;
		json_string_decode(&name, v + 1, n - 2);
		const char *bang = memchr(name.data, '!', name.len);
		e = source_entry(t, name.data, bang ? (size_t)(bang - name.data) : name.len);
		buf_release(&name);
	} else {
		const char *bang = memchr(v + 1, '!', n - 2);
		e = source_entry(t, v + 1, bang ? (size_t)(bang - v - 1) : n - 2);
	}
	e->in += in;
	e->out += out;
	if (rule) {
		e->rejected++;
		source_entry_reject(e, rule, 1);
	}
}

void source_table_merge(struct source_table *into, const struct source_table *from)
{
	for (size_t i = 0; i < from->n; i++) {
		const struct source_entry *f = &from->v[i];
		struct source_entry *e = source_entry(into, f->name, strlen(f->name));
		e->in += f->in;
		e->out += f->out;
		e->rejected += f->rejected;
		for (int k = 0; k < f->nrules; k++)
			source_entry_reject(e, f->rules[k].rule, f->rules[k].n);
	}
}

static int cmp_source_entry(const void *a, const void *b)
{
	return strcmp(((const struct source_entry *)a)->name, ((const struct source_entry *)b)->name);
}

static int cmp_rule_name(const void *a, const void *b)
{
	return strcmp(((const struct rule_count *)a)->rule, ((const struct rule_count *)b)->rule);
}

void source_table_render(const struct source_table *t, struct buf *out)
{
	struct source_entry *v = xcalloc(t->n ? t->n : 1, sizeof(*v));
	if (t->n)
		memcpy(v, t->v, t->n * sizeof(*v));
	qsort(v, t->n, sizeof(*v), cmp_source_entry);
	buf_addstr(out, ",\"sources\":{");
	for (size_t i = 0; i < t->n; i++) {
		buf_addstr(out, i ? "," : "");
		json_string_encode_repair(out, v[i].name, strlen(v[i].name));
		buf_addf(out, ":{\"records_in\":%llu,\"records_out\":%llu,\"rejected\":%llu,\"rejects\":{",
			 (unsigned long long)v[i].in, (unsigned long long)v[i].out,
			 (unsigned long long)v[i].rejected);
		qsort(v[i].rules, (size_t)v[i].nrules, sizeof(*v[i].rules), cmp_rule_name);
		for (int k = 0; k < v[i].nrules; k++) {
			buf_addstr(out, k ? "," : "");
			json_string_encode(out, v[i].rules[k].rule, strlen(v[i].rules[k].rule));
			buf_addf(out, ":%llu", (unsigned long long)v[i].rules[k].n);
		}
		buf_addstr(out, "}}");
	}
	buf_addch(out, '}');
	free(v);
}

int stats_write_into(const struct stats *s, const char *path, struct atomic_set *set,
		     struct buf *err)
{
	struct buf out = BUF_INIT;
	stats_render(s, &out);
	buf_addch(&out, '\n');
	int rc = set ? atomic_set_add_data(set, path, out.data, out.len, err)
		     : atomic_write_file(path, out.data, out.len, err);
	buf_release(&out);
	return rc;
}

static void human_bytes(char *dst, size_t n, double b)
{
	const char *u[] = { "B", "kB", "MB", "GB", "TB" };
	int i = 0;
	while (b >= 1000 && i < 4) {
		b /= 1000;
		i++;
	}
	snprintf(dst, n, i ? "%.1f %s" : "%.0f %s", b, u[i]);
}

#define STATS_SUMMARY_RULES 5

static int cmp_rule_count(const void *a, const void *b)
{
	const struct rule_count *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

/* " (rule n, ...)": the rules of one kind by count then name, five of them and then a count of
 * the rest. */
static void add_rule_list(struct buf *line, const struct counts *c, enum rule_kind kind)
{
	struct rule_count sorted[STATS_MAX_RULES];
	int n = 0;
	for (int i = 0; i < c->nrules; i++)
		if (c->rules[i].kind == kind)
			sorted[n++] = c->rules[i];
	if (!n)
		return;
	qsort(sorted, (size_t)n, sizeof(*sorted), cmp_rule_count);
	buf_addstr(line, " (");
	for (int i = 0; i < n && i < STATS_SUMMARY_RULES; i++)
		buf_addf(line, "%s%s %llu", i ? ", " : "", sorted[i].rule, (unsigned long long)sorted[i].n);
	if (n > STATS_SUMMARY_RULES)
		buf_addf(line, ", and %d more rule%s", n - STATS_SUMMARY_RULES,
			 n - STATS_SUMMARY_RULES == 1 ? "" : "s");
	buf_addch(line, ')');
}

void stats_summary(const struct stats *s, FILE *f)
{
	const struct counts *c = &s->c;
	double el = stats_now() - s->t0;
	char in[32];
	human_bytes(in, sizeof(in), (double)c->bytes_in);
	struct buf line = BUF_INIT;
	/* The stage id "tokenize-train" (stats, rejects) is the command "grist tokenize train". */
	buf_addstr(&line, "grist ");
	for (const char *p = s->stage; *p; p++)
		buf_addch(&line, *p == '-' ? ' ' : *p);
	buf_addf(&line, ": %llu records in, %llu out, %llu rejected",
		 (unsigned long long)c->records_in, (unsigned long long)c->records_out,
		 (unsigned long long)c->rejected);
	add_rule_list(&line, c, RULE_REJECT);
	uint64_t skipped = 0, noted = 0;
	for (int i = 0; i < c->nrules; i++) {
		skipped += c->rules[i].kind == RULE_SKIP ? c->rules[i].n : 0;
		noted += c->rules[i].kind == RULE_NOTE ? c->rules[i].n : 0;
	}
	if (skipped) {
		buf_addf(&line, "; %llu skipped by selection", (unsigned long long)skipped);
		add_rule_list(&line, c, RULE_SKIP);
	}
	if (noted) {
		buf_addstr(&line, "; noted");
		add_rule_list(&line, c, RULE_NOTE);
	}
	buf_addf(&line, "; %s in %.2f s", in, el);
	if (el > 0.01)
		buf_addf(&line, " (%.0f MB/s)", (double)c->bytes_in / el / 1e6);
	if (f == stderr)
		progress_before_message();
	fprintf(f, "%s\n", line.data);
	buf_release(&line);
}

void stats_progress(struct stats *s, uint64_t bytes_done, int final)
{
	if (!s->progress)
		return;
	double now = stats_now();
	if (!final && now - s->last_progress < 0.5)
		return;
	s->last_progress = now;
	uint64_t done = source_input_bytes() - s->input_base;
	progress_update(s->stage, s->c.records_in, bytes_done, done ? done : bytes_done, s->total_input,
			now - s->t0, final);
}
