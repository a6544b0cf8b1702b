/*
 * grist clean: records -> the records worth training on, with their text repaired.
 *
 * Per record, in order: --url-blocklist on the `url` field; Unicode repair (clean_repair.c);
 * normalization (clean_normalize.c); --drop-if, --drop-lines and redaction (clean_redact.c);
 * language identification when --lang is given (clean_langid.cpp); the quality filters
 * (clean_filter.c). A kept record is written with only its text field replaced (and `lang`,
 * `lang_score` appended with --lang); when nothing changed, the input line is copied as is.
 * Dropped records go to --rejects with the rule and the measured value. Work runs in ordered
 * parallel batches, so -j N gives the same bytes as -j 1.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "builtin.h"
#include "clean/clean_filter.h"
#include "clean/clean_langid.h"
#include "clean/clean_redact.h"
#include "clean/clean_unicode.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/opts.h"
#include "lib/parallel.h"
#include "lib/record.h"
#include "lib/source.h"
#include "lib/stage.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

#define MAX_LANGS 64

struct clean {
	struct common_opts co;
	int repair;
	enum clean_norm_form norm;
	struct clean_filter_config fcfg;
	struct clean_redact *redact;
	/* --url-blocklist: sorted lowercase domains */
	char **domains;
	size_t ndomains, adomains;
	const char *url_field;
	/* --lang */
	int lang_on, lang_any;
	char langs[MAX_LANGS][16];
	int nlangs;
	double lang_min_score;
	size_t batch_bytes;
	struct stage_run run;
	struct name_list names;
	/* figures summed from the threads when they finish */
	pthread_mutex_t lock;
	struct clean_repair_stats repair_stats;
	uint64_t normalized, redacted[CLEAN_REDACT_MAX], lines_dropped, nospace_docs;
	char lang_codes[128][16];
	uint64_t lang_counts[128];
	int nlang_codes;
};

static const char *const rule_url = "url_blocklist";
static const char *const rule_lang = "lang";
static const char *const rule_lang_score = "lang.min_score";

static void usage(FILE *f)
{
	fprintf(f,
		"usage: grist clean [OPTIONS] [FILE...|-]\n\n"
		"Repair, normalize, filter and redact JSONL records (stdin when no FILE or '-').\n\n"
		"Clean options:\n"
		"  --repair on|off        Unicode repair: U+FFFD for bad UTF-8, controls, escapes, CRLF,\n"
		"                         mojibake, C1 (default: on)\n"
		"  --normalize FORM       nfc|nfkc|none (default: nfc; nfkc also folds CJK full-width\n"
		"                         punctuation and other compatibility characters)\n"
		"  --filters LIST         filters in order: default, none, length, gopher (= gopher_rep,\n"
		"                         gopher_quality), gopher_rep, gopher_quality, c4, fineweb\n"
		"                         (default: length,gopher_rep,gopher_quality,c4,fineweb)\n"
		"  --config FILE          read 'name = value' lines (any parameter below, filters =)\n"
		"  --c4-variant V         c4 (3 words per line, 5 sentences) or google (5, 3)\n"
		"  --redact LIST          email,ip: replace e-mail and public IPv4 addresses by <EMAIL>,\n"
		"                         <IPV4> (default: none)\n"
		"  --redact-regex N=PAT   replace PCRE2 pattern matches by <N> (repeatable)\n"
		"  --drop-if PAT          drop documents where PAT matches (repeatable)\n"
		"  --drop-lines PAT       remove lines where PAT matches (repeatable)\n"
		"  --url-blocklist FILE   drop records whose url's host is a listed domain or under one\n"
		"  --url-field NAME       field holding the URL (default: url)\n"
		"  --lang LIST            identify the language (CLD2), add lang and lang_score, keep only\n"
		"                         these ISO 639-1 codes ('any' keeps all) (default: off)\n"
		"  --lang-min-score X     drop documents whose lang_score is lower (default: 0)\n"
		"  --batch-bytes N        input bytes per work batch (default: 1M)\n\n"
		"Filter parameters (--NAME VALUE or --NAME=VALUE, also spelled with '-' for '.' and\n"
		"'_'; VALUE is a number, or off to disable the rule, on to enable it). A rejected\n"
		"record's rule is the parameter's name:\n");
	for (int p = 0; p < CP_COUNT; p++) {
		char def[32];
		if (clean_params[p].def_off)
			snprintf(def, sizeof(def), "off");
		else
			snprintf(def, sizeof(def), "%g", clean_params[p].def);
		fprintf(f, "  --%-30s %s (default: %s)\n", clean_params[p].name, clean_params[p].help,
			def);
	}
	fprintf(f, "Documents mostly in Han, Hiragana, Katakana, Thai, Lao, Khmer or Myanmar script\n"
		   "skip every word-, stop-word- and sentence-based rule.\n\n");
	common_opts_help(f, 1);
}

/* ---- per-thread state --------------------------------------------------------------------- */

struct clean_thread {
	struct clean *cl;
	struct clean_filter_ctx *fctx;
	struct clean_redact_thread *rt;
	struct record_check check;
	struct buf text, a, b, reason, extra, val, url;
	struct clean_repair_stats repair_stats;
	uint64_t normalized, redacted[CLEAN_REDACT_MAX], lines_dropped, nospace_docs;
	char lang_codes[128][16];
	uint64_t lang_counts[128];
	int nlang_codes;
};

static void *thread_new(void *shared)
{
	struct clean *cl = shared;
	struct clean_thread *t = xcalloc(1, sizeof(*t));
	t->cl = cl;
	t->fctx = clean_filter_ctx_new();
	if (clean_redact_active(cl->redact))
		t->rt = clean_redact_thread_new(cl->redact);
	struct buf *bufs[] = { &t->text, &t->a, &t->b, &t->reason, &t->extra, &t->val, &t->url };
	for (size_t i = 0; i < sizeof(bufs) / sizeof(*bufs); i++)
		buf_init(bufs[i], 0);
	record_check_init(&t->check);
	return t;
}

static void add_lang_count(char codes[][16], uint64_t *counts, int *n, const char *code,
			   uint64_t k)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(codes[i], code)) {
			counts[i] += k;
			return;
		}
	if (*n < 128) {
		snprintf(codes[*n], 16, "%s", code);
		counts[(*n)++] = k;
	}
}

static void thread_free(void *p)
{
	struct clean_thread *t = p;
	struct clean *cl = t->cl;
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
	for (int i = 0; i < CLEAN_REDACT_MAX; i++)
		cl->redacted[i] += t->redacted[i];
	for (int i = 0; i < t->nlang_codes; i++)
		add_lang_count(cl->lang_codes, cl->lang_counts, &cl->nlang_codes, t->lang_codes[i],
			       t->lang_counts[i]);
	pthread_mutex_unlock(&cl->lock);
	clean_filter_ctx_free(t->fctx);
	clean_redact_thread_free(t->rt);
	struct buf *bufs[] = { &t->text, &t->a, &t->b, &t->reason, &t->extra, &t->val, &t->url };
	for (size_t i = 0; i < sizeof(bufs) / sizeof(*bufs); i++)
		buf_release(bufs[i]);
	record_check_release(&t->check);
	free(t);
}

/* ---- URL blocklist ----------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_blocklist(struct clean *cl, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die_errno(GRIST_EXIT_IO, "cannot open --url-blocklist %s", path);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *s = line, *e = line + n;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (s == e || *s == '#')
			continue;
		if (*s == '.')
			s++;
		ALLOC_GROW(cl->domains, cl->ndomains + 1, cl->adomains);
		char *d = xmemdup(s, (size_t)(e - s));
		for (char *c = d; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c += 32;
		cl->domains[cl->ndomains++] = d;
	}
	if (ferror(f))
		die_errno(GRIST_EXIT_IO, "error reading %s", path);
	free(line);
	fclose(f);
	qsort(cl->domains, cl->ndomains, sizeof(char *), cmp_str);
}

/* The listed domain that the URL's host equals or is under, or NULL. */
static const char *url_blocked(const struct clean *cl, struct buf *url)
{
	char *u = url->data, *host = strstr(u, "://");
	host = host ? host + 3 : u;
	char *at = host + strcspn(host, "/?#");
	char *cred = memchr(host, '@', (size_t)(at - host));
	if (cred)
		host = cred + 1;
	size_t hl = strcspn(host, ":/?#");
	host[hl] = '\0';
	for (char *c = host; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c += 32;
	if (hl && host[hl - 1] == '.')
		host[--hl] = '\0';
	for (char *d = host; d && *d;) {
		char **hit = bsearch(&d, cl->domains, cl->ndomains, sizeof(char *), cmp_str);
		if (hit)
			return *hit;
		d = strchr(d, '.');
		if (d)
			d++;
	}
	return NULL;
}

/* ---- the work ---------------------------------------------------------------------------- */

static void reject(struct batch *b, const struct line *l, const struct record *r,
		   const char *rule, const char *value_json)
{
	counts_reject(&b->counts, rule);
	reject_write(&b->rejects, "clean", rule, value_json, b->source, l->lineno, r->line, r->len,
		     0, NULL);
}

static void reject_num(struct batch *b, const struct line *l, const struct record *r,
		       const char *rule, double value)
{
	char v[40];
	snprintf(v, sizeof(v), "%.6g", value);
	reject(b, l, r, rule, v);
}

static int lang_wanted(const struct clean *cl, const char *code)
{
	if (cl->lang_any)
		return 1;
	for (int i = 0; i < cl->nlangs; i++)
		if (!strcmp(cl->langs[i], code))
			return 1;
	return 0;
}

static int clean_line(void *shared, void *thread_state, struct batch *b, const struct line *l)
{
	struct clean *cl = shared;
	struct clean_thread *t = thread_state;
	const struct common_opts *o = &cl->co;
	struct record r;
	switch (stage_check_record(b, o, l, &r, &t->check)) {
	case RECORD_STOP:
		return -1;
	case RECORD_DROP:
		stage_reject(b, "clean", l, &r, &t->check);
		return 0;
	case RECORD_EMPTY:
	case RECORD_KEEP:
		break;
	}

	/* URL blocklist: before any work on the text */
	if (cl->ndomains) {
		size_t pos = 0;
		struct json_member m;
		while (json_object_next(r.line, r.len, &pos, &m)) {
			if (m.type != JV_STRING || !json_key_equals(&m, cl->url_field))
				continue;
			buf_reset(&t->url);
			json_string_decode(&t->url, m.val + 1, m.val_len - 2);
			const char *d = url_blocked(cl, &t->url);
			if (d) {
				buf_reset(&t->val);
				json_string_encode(&t->val, d, strlen(d));
				reject(b, l, &r, rule_url, t->val.data);
				return 0;
			}
		}
	}

	buf_reset(&t->text);
	if (r.text_status == TEXT_OK)
		record_text(&r, &t->text);
	const char *s = t->text.data;
	size_t n = t->text.len;
	int changed = r.text_status != TEXT_OK; /* --on-missing=empty writes "" */

	/* Repair. JSON strings decode to valid UTF-8 already; repair is what makes any other
	 * byte sequence safe for the steps below, so with --repair off only that part runs. */
	buf_reset(&t->a);
	if (cl->repair) {
		if (clean_repair(s, n, &t->a, &t->repair_stats)) {
			s = t->a.data;
			n = t->a.len;
			changed = 1;
		}
	} else if (utf8_valid_prefix(s, n) != n) {
		t->repair_stats.invalid += utf8_repair(&t->a, s, n);
		s = t->a.data;
		n = t->a.len;
		changed = 1;
	}
	/* Normalization: ping-pong between a and b */
	struct buf *next = s == t->a.data ? &t->b : &t->a;
	buf_reset(next);
	int nr = clean_normalize(s, n, cl->norm, next);
	if (nr < 0) {
		buf_addf(&b->fatal, "normalization failed at %s:%llu (out of memory?)", b->source,
			 (unsigned long long)l->lineno);
		b->fatal_code = GRIST_EXIT_INTERNAL;
		return -1;
	}
	if (nr > 0) {
		t->normalized++;
		if (next->len != n || memcmp(next->data, s, n))
			changed = 1;
		s = next->data;
		n = next->len;
	}
	/* drop-if, drop-lines, redaction */
	if (t->rt) {
		struct clean_redact_result res;
		struct buf *dst = s == t->a.data ? &t->b : &t->a;
		buf_reset(dst);
		buf_reset(&t->reason);
		int rc = clean_redact_apply(cl->redact, t->rt, s, n, dst, &res, &t->reason);
		if (rc < 0) {
			buf_addf(&b->fatal, "at %s:%llu: %s", b->source, (unsigned long long)l->lineno,
				 t->reason.data);
			b->fatal_code = GRIST_EXIT_DATA;
			return -1;
		}
		if (rc == 2) {
			reject_num(b, l, &r, res.drop_rule, res.drop_value);
			return 0;
		}
		t->lines_dropped += res.lines_dropped;
		for (int i = 0; i < clean_redact_count(cl->redact); i++)
			t->redacted[i] += res.replaced[i];
		if (rc == 1) {
			s = dst->data;
			n = dst->len;
			changed = 1;
		}
	}
	/* language */
	buf_reset(&t->extra);
	char lang_score[32] = "";
	if (cl->lang_on) {
		struct clean_lang lg;
		clean_langid(s, n, &lg);
		add_lang_count(t->lang_codes, t->lang_counts, &t->nlang_codes, lg.code, 1);
		if (!lang_wanted(cl, lg.code)) {
			buf_reset(&t->val);
			json_string_encode(&t->val, lg.code, strlen(lg.code));
			reject(b, l, &r, rule_lang, t->val.data);
			return 0;
		}
		if (lg.score < cl->lang_min_score) {
			reject_num(b, l, &r, rule_lang_score, lg.score);
			return 0;
		}
		/* Set, not appended: a record that already has lang/lang_score gets new values
		 * rather than duplicate keys. */
		json_string_encode(&t->extra, lg.code, strlen(lg.code));
		snprintf(lang_score, sizeof(lang_score), "%.4g", lg.score);
	}
	/* quality filters */
	if (cl->fcfg.norder) {
		struct clean_verdict v;
		const char *before = s;
		size_t before_len = n;
		int keep = clean_filter_run(&cl->fcfg, t->fctx, &s, &n, &v);
		t->nospace_docs += (uint64_t)v.nospace;
		if (!keep) {
			reject_num(b, l, &r, v.rule, v.value);
			return 0;
		}
		if (s != before || n != before_len)
			changed = 1;
	}
	counts_text_length(&b->counts, n);
	if (cl->lang_on) {
		const struct field_value fv[] = { { "lang", t->extra.data }, { "lang_score", lang_score } };
		record_write_fields(&b->out, &r, o->text_field, changed ? s : NULL, n, fv, 2);
	} else if (changed) {
		record_write_text(&b->out, &r, o->text_field, s, n, NULL, 0);
	} else {
		record_write(&b->out, &r, NULL, 0);
	}
	buf_addch(&b->out, '\n');
	b->counts.records_out++;
	return 0;
}

static void clean_work(void *shared, void *thread_state, struct batch *b)
{
	batch_each_line(b, clean_line, shared, thread_state);
}

static void clean_emit(void *shared, struct batch *b)
{
	struct clean *cl = shared;
	stage_emit(&cl->run, b);
}


/* ---- options ------------------------------------------------------------------------------- */

enum {
	OPT_REPAIR = OPT_STAGE_BASE, OPT_NORMALIZE, OPT_FILTERS, OPT_CONFIG, OPT_C4_VARIANT,
	OPT_REDACT, OPT_REDACT_REGEX, OPT_DROP_IF, OPT_DROP_LINES, OPT_URL_BLOCKLIST,
	OPT_URL_FIELD, OPT_LANG, OPT_LANG_MIN_SCORE, OPT_BATCH_BYTES,
	OPT_PARAM = 1300 /* + parameter index */
};

static void set_langs(struct clean *cl, const char *list)
{
	cl->lang_on = 1;
	cl->lang_any = 0;
	cl->nlangs = 0;
	char *copy = xstrdup(list), *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "any") || !strcmp(tok, "all")) {
			cl->lang_any = 1;
			continue;
		}
		if (cl->nlangs == MAX_LANGS || strlen(tok) >= 16 || !*tok)
			die(GRIST_EXIT_USAGE, "--lang: bad or too many codes in '%s'", list);
		snprintf(cl->langs[cl->nlangs++], 16, "%s", tok);
	}
	free(copy);
	if (!cl->nlangs && !cl->lang_any)
		die(GRIST_EXIT_USAGE, "--lang expects language codes such as en,de (or any)");
}

static void stage_stats_json(struct clean *cl)
{
	struct buf *j = &cl->run.stats.stage_json;
	const struct clean_repair_stats *s = &cl->repair_stats;
	buf_addf(j,
		 "\"repair\":{\"invalid_utf8\":%llu,\"surrogate_pairs\":%llu,\"controls\":%llu,"
		 "\"c1_controls\":%llu,\"escape_sequences\":%llu,\"crlf\":%llu,"
		 "\"mojibake_sequences\":%llu,\"mojibake_docs\":%llu},"
		 "\"normalized_docs\":%llu,\"nospace_script_docs\":%llu,\"lines_dropped\":%llu,"
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
	buf_addstr(j, "},\"languages\":{");
	for (int i = 0; i < cl->nlang_codes; i++)
		buf_addf(j, "%s\"%s\":%llu", i ? "," : "", cl->lang_codes[i],
			 (unsigned long long)cl->lang_counts[i]);
	buf_addch(j, '}');
}

int cmd_clean(int argc, char **argv)
{
	static const struct option fixed[] = {
		COMMON_LONG_OPTIONS,
		RECORD_LONG_OPTIONS,
		{ "repair", required_argument, 0, OPT_REPAIR },
		{ "normalize", required_argument, 0, OPT_NORMALIZE },
		{ "filters", required_argument, 0, OPT_FILTERS },
		{ "config", required_argument, 0, OPT_CONFIG },
		{ "c4-variant", required_argument, 0, OPT_C4_VARIANT },
		{ "redact", required_argument, 0, OPT_REDACT },
		{ "redact-regex", required_argument, 0, OPT_REDACT_REGEX },
		{ "drop-if", required_argument, 0, OPT_DROP_IF },
		{ "drop-lines", required_argument, 0, OPT_DROP_LINES },
		{ "url-blocklist", required_argument, 0, OPT_URL_BLOCKLIST },
		{ "url-field", required_argument, 0, OPT_URL_FIELD },
		{ "lang", required_argument, 0, OPT_LANG },
		{ "lang-min-score", required_argument, 0, OPT_LANG_MIN_SCORE },
		{ "batch-bytes", required_argument, 0, OPT_BATCH_BYTES },
	};
	const size_t nfixed = sizeof(fixed) / sizeof(*fixed);
	/* every filter parameter, as "gopher.min_words" and as "gopher-min-words" */
	struct option *longopts = xcalloc(nfixed + 2 * CP_COUNT + 1, sizeof(struct option));
	char *dashed[CP_COUNT];
	memcpy(longopts, fixed, sizeof(fixed));
	size_t no = nfixed;
	for (int p = 0; p < CP_COUNT; p++) {
		dashed[p] = xstrdup(clean_params[p].name);
		for (char *c = dashed[p]; *c; c++)
			if (*c == '.' || *c == '_')
				*c = '-';
		longopts[no++] = (struct option){ clean_params[p].name, required_argument, 0, OPT_PARAM + p };
		longopts[no++] = (struct option){ dashed[p], required_argument, 0, OPT_PARAM + p };
	}

	struct clean *cl = xcalloc(1, sizeof(*cl));
	common_opts_init(&cl->co);
	cl->repair = 1;
	cl->norm = CLEAN_NORM_NFC;
	cl->url_field = "url";
	cl->batch_bytes = 1u << 20;
	clean_filter_config_init(&cl->fcfg);
	cl->redact = clean_redact_new();
	pthread_mutex_init(&cl->lock, NULL);
	struct buf err = BUF_INIT;
	int c;
	while ((c = getopt_long(argc, argv, COMMON_SHORT_OPTIONS, longopts, NULL)) != -1) {
		if (common_opt(&cl->co, c, optarg, usage))
			continue;
		buf_reset(&err);
		if (c >= OPT_PARAM && c < OPT_PARAM + CP_COUNT) {
			if (clean_filter_config_set(&cl->fcfg, clean_params[c - OPT_PARAM].name, optarg, &err) < 0)
				die(GRIST_EXIT_USAGE, "%s", err.data);
			continue;
		}
		switch (c) {
		case OPT_REPAIR:
			if (!strcmp(optarg, "on"))
				cl->repair = 1;
			else if (!strcmp(optarg, "off"))
				cl->repair = 0;
			else
				die(GRIST_EXIT_USAGE, "--repair expects on or off, got '%s'", optarg);
			break;
		case OPT_NORMALIZE: {
			int f = clean_norm_parse(optarg);
			if (f < 0)
				die(GRIST_EXIT_USAGE, "--normalize expects nfc, nfkc or none, got '%s'", optarg);
			cl->norm = (enum clean_norm_form)f;
			break;
		}
		case OPT_FILTERS:
			if (clean_filter_config_set_order(&cl->fcfg, optarg, &err) < 0)
				die(GRIST_EXIT_USAGE, "--filters: %s", err.data);
			break;
		case OPT_CONFIG:
			if (clean_filter_config_load(&cl->fcfg, optarg, &err) < 0)
				die(GRIST_EXIT_USAGE, "--config: %s", err.data);
			break;
		case OPT_C4_VARIANT:
			if (clean_filter_config_set(&cl->fcfg, "c4.variant", optarg, &err) < 0)
				die(GRIST_EXIT_USAGE, "--c4-variant: %s", err.data);
			break;
		case OPT_REDACT:
			if (clean_redact_add_builtin(cl->redact, optarg, &err) < 0)
				die(GRIST_EXIT_USAGE, "--redact: %s", err.data);
			break;
		case OPT_REDACT_REGEX:
			if (clean_redact_add_regex(cl->redact, optarg, &err) < 0)
				die(GRIST_EXIT_USAGE, "--redact-regex: %s", err.data);
			break;
		case OPT_DROP_IF:
			if (clean_redact_add_drop_if(cl->redact, optarg, &err) < 0)
				die(GRIST_EXIT_USAGE, "--drop-if: %s", err.data);
			break;
		case OPT_DROP_LINES:
			if (clean_redact_add_drop_lines(cl->redact, optarg, &err) < 0)
				die(GRIST_EXIT_USAGE, "--drop-lines: %s", err.data);
			break;
		case OPT_URL_BLOCKLIST:
			load_blocklist(cl, optarg);
			break;
		case OPT_URL_FIELD:
			cl->url_field = optarg;
			break;
		case OPT_LANG:
			set_langs(cl, optarg);
			break;
		case OPT_LANG_MIN_SCORE: {
			char *end;
			double d = strtod(optarg, &end);
			if (end == optarg || *end || !(d >= 0 && d <= 1))
				die(GRIST_EXIT_USAGE, "--lang-min-score expects a number from 0 to 1, got '%s'", optarg);
			cl->lang_min_score = d;
			if (!cl->lang_on) {
				cl->lang_on = 1;
				cl->lang_any = 1;
			}
			break;
		}
		case OPT_BATCH_BYTES:
			cl->batch_bytes = opts_batch_bytes(optarg);
			break;
		default:
			usage(stderr);
			return GRIST_EXIT_USAGE;
		}
	}
	common_opts_finish(&cl->co);
	stage_run_init(&cl->run, "clean", &cl->co, argc, argv);
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
		else
			stats_option_num(st, clean_params[p].name, cl->fcfg.v[p]);
	}
	if (cl->lang_on)
		stats_option_num(st, "lang_min_score", cl->lang_min_score);

	struct par_config pc = {
		.jobs = cl->co.jobs, .work = clean_work, .emit = clean_emit, .shared = cl,
		.thread_new = thread_new, .thread_free = thread_free,
	};
	struct par *par = par_new(&pc);
	stage_read_inputs(&cl->run, par, argc, argv, optind, cl->batch_bytes, 0, &cl->names);
	par_finish(par);
	stage_stats_json(cl);
	int rc = stage_run_finish(&cl->run);

	name_list_release(&cl->names);
	for (size_t i = 0; i < cl->ndomains; i++)
		free(cl->domains[i]);
	free(cl->domains);
	for (int p = 0; p < CP_COUNT; p++)
		free(dashed[p]);
	free(longopts);
	clean_redact_free(cl->redact);
	pthread_mutex_destroy(&cl->lock);
	buf_release(&err);
	free(cl);
	return rc;
}
