/*
 * grist clean: records -> the records worth training on, with their text repaired.
 *
 * Per record, in order: --url-blocklist on the `url` field; Unicode repair (clean_repair.c);
 * normalization (clean_normalize.c); --drop-if, --drop-lines and redaction (clean_redact.c);
 * the quality filters (clean_filter*.c), whose language-dependent rules take the document's
 * language's parameters (clean_langset.c): CLD2 (clean_langid.cpp) identifies it when the
 * first such rule is reached, so documents the cheap language-independent rules reject are
 * never identified; every kept document is. A kept record is written with only its text field
 * replaced and `lang`, `lang_score` set; dropped records go to --rejects with the rule and the
 * measured value. Work runs in ordered parallel batches, so -j N gives the same bytes as -j 1.
 * Options are in clean_opts.c, figures in clean_stats.c.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "clean/clean_int.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/parallel.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"

static const char *const rule_url = "url_blocklist";
static const char *const rule_lang = "lang";
static const char *const rule_lang_score = "lang.min_score";
static const char *const rule_emptied = "emptied_text";

/* ---- per-thread state --------------------------------------------------------------------- */

static void *thread_new(void *shared)
{
	struct clean *cl = shared;
	struct clean_thread *t = xcalloc(1, sizeof(*t));
	t->cl = cl;
	t->fctx = clean_filter_ctx_new();
	if (clean_redact_active(cl->redact))
		t->rt = clean_redact_thread_new(cl->redact);
	struct buf *bufs[] = { &t->text, &t->a, &t->b, &t->reason, &t->extra, &t->val, &t->url,
			       &t->ctext, &t->joined };
	for (size_t i = 0; i < sizeof(bufs) / sizeof(*bufs); i++)
		buf_init(bufs[i], 0);
	chat_init(&t->chat);
	record_check_init(&t->check);
	t->check.chat = &t->chat;
	return t;
}

static void thread_free(void *p)
{
	struct clean_thread *t = p;
	clean_thread_stats_merge(t->cl, t);
	clean_filter_ctx_free(t->fctx);
	clean_redact_thread_free(t->rt);
	struct buf *bufs[] = { &t->text, &t->a, &t->b, &t->reason, &t->extra, &t->val, &t->url,
			       &t->ctext, &t->joined };
	for (size_t i = 0; i < sizeof(bufs) / sizeof(*bufs); i++)
		buf_release(bufs[i]);
	chat_release(&t->chat);
	free(t->texts);
	free(t->toff);
	record_check_release(&t->check);
	clean_lang_stats_release(&t->lstats);
	free(t);
}

/* ---- one document ------------------------------------------------------------------------ */

struct doc {
	struct clean *cl;
	struct clean_thread *t;
	struct batch *b;
	const struct line *l;
	struct record r;
	const char *s; /* the current text */
	size_t n;
	int changed;    /* the text differs from the record's */
	int identified; /* lg holds the language */
	struct clean_lang lg;
};

static void reject(struct doc *d, const char *rule, const char *value_json)
{
	counts_reject(&d->b->counts, rule);
	reject_write(&d->b->rejects, "clean", rule, value_json, d->b->source, d->l->lineno,
		     d->r.line, d->r.len, 0, NULL);
	clean_lang_stats_add(&d->t->lstats, d->identified ? d->lg.code : "", rule);
}

static void reject_num(struct doc *d, const char *rule, double value)
{
	char v[40];
	snprintf(v, sizeof(v), "%.6g", value);
	reject(d, rule, v);
}

/* The record's lang field (--lang-id off), "un" when it has none, and its lang_score (1 when
 * it has none: a language given without a score is taken as certain). */
static void lang_from_field(struct doc *d)
{
	size_t pos = 0;
	struct json_member m;
	snprintf(d->lg.code, sizeof(d->lg.code), "un");
	d->lg.score = 1;
	while (json_object_next(d->r.line, d->r.len, &pos, &m)) {
		if (m.type == JV_NUMBER && json_key_equals(&m, "lang_score")) {
			char num[64];
			size_t l = m.val_len < sizeof(num) - 1 ? m.val_len : sizeof(num) - 1;
			memcpy(num, m.val, l);
			num[l] = 0;
			d->lg.score = strtod(num, NULL);
		}
		if (m.type != JV_STRING || !json_key_equals(&m, "lang"))
			continue;
		struct buf *v = &d->t->val;
		buf_reset(v);
		json_string_decode(v, m.val + 1, m.val_len - 2);
		if (v->len && v->len < sizeof(d->lg.code))
			memcpy(d->lg.code, v->data, v->len + 1);
	}
}

static void identify(struct doc *d)
{
	if (d->identified)
		return;
	if (d->cl->lang_mode == CLEAN_LANGID_OFF)
		lang_from_field(d);
	else
		clean_langid(d->s, d->n, d->cl->lang_sample, &d->lg);
	d->identified = 1;
}

/* clean_lang_resolver: the filters ask for the language the first time a rule needs it. A
 * language identified with a score below --lang-rules-min-score is not trusted to choose
 * rules: the document gets the unknown language's config (docs/clean.md, "Unknown language"),
 * while its lang field still says what CLD2 answered. */
static const struct clean_filter_config *resolve_lang(void *arg)
{
	struct doc *d = arg;
	identify(d);
	if (strcmp(d->lg.code, "un") && d->lg.score < d->cl->lang_rules_min_score) {
		d->t->low_confidence++;
		return clean_langset_get(&d->cl->langset, "un");
	}
	return clean_langset_get(&d->cl->langset, d->lg.code);
}

/* --url-blocklist: before any work on the text. Returns 1 if the record was rejected. */
static int url_rejected(struct doc *d)
{
	struct clean *cl = d->cl;
	struct clean_thread *t = d->t;
	size_t pos = 0;
	struct json_member m;
	while (json_object_next(d->r.line, d->r.len, &pos, &m)) {
		if (m.type != JV_STRING || !json_key_equals(&m, cl->url_field))
			continue;
		buf_reset(&t->url);
		json_string_decode(&t->url, m.val + 1, m.val_len - 2);
		const char *dom = clean_url_blocked(cl, &t->url);
		if (dom) {
			buf_reset(&t->val);
			json_string_encode(&t->val, dom, strlen(dom));
			reject(d, rule_url, t->val.data);
			return 1;
		}
	}
	return 0;
}

/* Repair and normalization. JSON strings decode to valid UTF-8 already; repair is what makes
 * any other byte sequence safe for the steps below, so with --repair off only that part runs.
 * Returns 0, or -1 (fatal, in b->fatal). */
static int repair_normalize(struct doc *d)
{
	struct clean_thread *t = d->t;
	buf_reset(&t->a);
	if (d->cl->repair) {
		if (clean_repair(d->s, d->n, &t->a, &t->repair_stats)) {
			d->s = t->a.data;
			d->n = t->a.len;
			d->changed = 1;
		}
	} else if (utf8_valid_prefix(d->s, d->n) != d->n) {
		t->repair_stats.invalid += utf8_repair(&t->a, d->s, d->n);
		d->s = t->a.data;
		d->n = t->a.len;
		d->changed = 1;
	}
	/* ping-pong between a and b */
	struct buf *next = d->s == t->a.data ? &t->b : &t->a;
	buf_reset(next);
	int nr = clean_normalize(d->s, d->n, d->cl->norm, next);
	if (nr < 0) {
		buf_addf(&d->b->fatal, "normalization failed at %s:%llu (out of memory?)",
			 d->b->source, (unsigned long long)d->l->lineno);
		d->b->fatal_code = GRIST_EXIT_INTERNAL;
		return -1;
	}
	if (nr > 0) {
		t->normalized++;
		if (next->len != d->n || memcmp(next->data, d->s, d->n))
			d->changed = 1;
		d->s = next->data;
		d->n = next->len;
	}
	return 0;
}

/* --drop-if, --drop-lines, redaction. Returns 0, 1 (rejected) or -1 (fatal). */
static int redact(struct doc *d)
{
	struct clean *cl = d->cl;
	struct clean_thread *t = d->t;
	struct clean_redact_result res;
	struct buf *dst = d->s == t->a.data ? &t->b : &t->a;
	buf_reset(dst);
	buf_reset(&t->reason);
	int rc = clean_redact_apply(cl->redact, t->rt, d->s, d->n, dst, &res, &t->reason);
	if (rc < 0) {
		buf_addf(&d->b->fatal, "at %s:%llu: %s", d->b->source,
			 (unsigned long long)d->l->lineno, t->reason.data);
		d->b->fatal_code = GRIST_EXIT_DATA;
		return -1;
	}
	if (rc == 2) {
		reject_num(d, res.drop_rule, res.drop_value);
		return 1;
	}
	t->lines_dropped += res.lines_dropped;
	for (int i = 0; i < clean_redact_count(cl->redact); i++)
		t->redacted[i] += res.replaced[i];
	if (rc == 1) {
		d->s = dst->data;
		d->n = dst->len;
		d->changed = 1;
	}
	return 0;
}

/* --lang LIST and --lang-min-score: these need every document's language. 1 if rejected. */
static int lang_rejected(struct doc *d)
{
	struct clean *cl = d->cl;
	identify(d);
	int wanted = cl->lang_any;
	for (int i = 0; i < cl->nlangs && !wanted; i++)
		wanted = !strcmp(cl->langs[i], d->lg.code);
	if (!wanted) {
		buf_reset(&d->t->val);
		json_string_encode(&d->t->val, d->lg.code, strlen(d->lg.code));
		reject(d, rule_lang, d->t->val.data);
		return 1;
	}
	if (cl->lang_mode != CLEAN_LANGID_OFF && d->lg.score < cl->lang_min_score) {
		reject_num(d, rule_lang_score, d->lg.score);
		return 1;
	}
	return 0;
}

/* The quality filters. Returns 1 if the document was rejected. */
static int filtered_out(struct doc *d)
{
	struct clean_thread *t = d->t;
	struct clean_verdict v;
	const char *before = d->s;
	size_t before_len = d->n;
	struct clean_lang_resolver lr = { resolve_lang, d,
					  d->cl->lang_mode != CLEAN_LANGID_OFF && !d->identified };
	int keep = clean_filter_run_lang(&d->cl->fcfg, t->fctx, &d->s, &d->n, &v, &lr);
	t->nospace_docs += (uint64_t)v.nospace;
	for (uint64_t m = v.skipped; m; m &= m - 1)
		t->skipped[__builtin_ctzll(m)]++;
	if (!keep) {
		reject_num(d, v.rule, v.value);
		return 1;
	}
	if (d->s != before || d->n != before_len)
		d->changed = 1;
	return 0;
}

/* The lang and lang_score fields for a kept record (lang_mode not off); code in t->extra. */
static void lang_fields(struct doc *d, struct field_value fv[2], char *score, size_t scoresz)
{
	identify(d);
	struct buf *code = &d->t->extra;
	buf_reset(code);
	json_string_encode(code, d->lg.code, strlen(d->lg.code));
	snprintf(score, scoresz, "%.4g", d->lg.score);
	fv[0] = (struct field_value){ "lang", code->data };
	fv[1] = (struct field_value){ "lang_score", score };
}

/*
 * A chat record (docs/chat.md): repair, normalization, --drop-if/--drop-lines and redaction
 * apply to every message's content (a drop rule on any content drops the conversation); the
 * language rules and, only when --filters is on the command line, the quality filters see the
 * contents joined with role tags (chat_joined_text's form; filters judge, they do not rewrite a
 * conversation). Written back with chat_write: changed contents replaced, every other byte as
 * it was. Returns 0, or -1 (fatal).
 */
static int clean_chat(struct doc *d)
{
	struct clean *cl = d->cl;
	struct clean_thread *t = d->t;
	struct batch *b = d->b;
	struct chat *c = &t->chat;
	ALLOC_GROW(t->texts, c->n, t->texts_alloc);
	ALLOC_GROW(t->toff, c->n, t->toff_alloc);
	buf_reset(&t->ctext);
	buf_reset(&t->joined);
	int any = 0;
	for (size_t i = 0; i < c->n; i++) {
		buf_reset(&t->text);
		chat_content(c, i, &t->text);
		d->s = t->text.data;
		d->n = t->text.len;
		d->changed = 0;
		if (repair_normalize(d) < 0)
			return -1;
		if (t->rt) {
			int rc = redact(d);
			if (rc)
				return rc < 0 ? -1 : 0;
		}
		t->texts[i].p = NULL;
		t->texts[i].len = d->n;
		if (d->changed) {
			t->toff[i] = t->ctext.len;
			buf_add(&t->ctext, d->s, d->n);
			t->texts[i].p = ""; /* set below: ctext may still move */
			any = 1;
		}
		buf_addstr(&t->joined, "<|");
		buf_addstr(&t->joined, chat_role_name(c->msg[i].role));
		buf_addstr(&t->joined, "|>\n");
		buf_add(&t->joined, d->s, d->n);
		buf_addch(&t->joined, '\n');
	}
	for (size_t i = 0; i < c->n; i++)
		if (t->texts[i].p)
			t->texts[i].p = t->ctext.data + t->toff[i];
	d->s = t->joined.data;
	d->n = t->joined.len;
	if ((cl->lang_mode == CLEAN_LANGID_ALL || !cl->lang_any || cl->lang_min_score > 0) &&
	    lang_rejected(d))
		return 0;
	if (cl->filters_given && cl->fcfg.norder && filtered_out(d))
		return 0;
	counts_text_length(&b->counts, t->joined.len);
	struct field_value fv[2];
	char score[32];
	int nf = 0;
	if (cl->lang_mode != CLEAN_LANGID_OFF) {
		d->s = t->joined.data; /* the filters may have pointed elsewhere */
		d->n = t->joined.len;
		lang_fields(d, fv, score, sizeof(score));
		nf = 2;
	}
	chat_write(&b->out, c, any ? t->texts : NULL, fv, nf);
	buf_addch(&b->out, '\n');
	b->counts.records_out++;
	clean_lang_stats_add(&t->lstats, d->lg.code, NULL);
	return 0;
}

static void write_kept(struct doc *d)
{
	struct batch *b = d->b;
	const char *text_field = d->cl->co.text_field;
	counts_text_length(&b->counts, d->n);
	if (d->cl->lang_mode != CLEAN_LANGID_OFF) {
		/* Set, not appended: a record that already has lang/lang_score gets new values
		 * rather than duplicate keys. */
		struct field_value fv[2];
		char score[32];
		lang_fields(d, fv, score, sizeof(score));
		record_write_fields(&b->out, &d->r, text_field, d->changed ? d->s : NULL, d->n, fv, 2);
	} else if (d->changed) {
		record_write_text(&b->out, &d->r, text_field, d->s, d->n, NULL, 0);
	} else {
		record_write(&b->out, &d->r, NULL, 0);
	}
	buf_addch(&b->out, '\n');
	b->counts.records_out++;
	clean_lang_stats_add(&d->t->lstats, d->lg.code, NULL);
}

static int clean_line(void *shared, void *thread_state, struct batch *b, const struct line *l)
{
	struct clean *cl = shared;
	struct clean_thread *t = thread_state;
	struct doc d = { .cl = cl, .t = t, .b = b, .l = l };
	int verdict = stage_check_record(b, &cl->co, l, &d.r, &t->check);
	int chat = verdict == RECORD_CHAT; /* t->chat holds the conversation */
	switch (verdict) {
	case RECORD_STOP:
		return -1;
	case RECORD_DROP:
		stage_reject(b, "clean", l, &d.r, &t->check);
		return 0;
	case RECORD_EMPTY:
	case RECORD_KEEP:
	case RECORD_CHAT:
		break;
	}
	if (cl->ndomains && url_rejected(&d))
		return 0;
	if (chat)
		return clean_chat(&d);
	buf_reset(&t->text);
	if (d.r.text_status == TEXT_OK)
		record_text(&d.r, &t->text);
	d.s = t->text.data;
	d.n = t->text.len;
	d.changed = d.r.text_status != TEXT_OK; /* --on-missing=empty writes "" */
	if (repair_normalize(&d) < 0)
		return -1;
	if (t->rt) {
		int rc = redact(&d);
		if (rc)
			return rc < 0 ? -1 : 0;
	}
	/* A text that repair, --drop-lines or redaction left empty is dropped with that reason,
	 * whatever --filters says: an empty document is nothing to train on, and a record must
	 * not turn silently into "" (--on-missing empty asks for one on purpose). */
	if (!d.n && t->text.len) {
		reject(&d, rule_emptied, "0");
		return 0;
	}
	if ((cl->lang_mode == CLEAN_LANGID_ALL || !cl->lang_any || cl->lang_min_score > 0) &&
	    lang_rejected(&d))
		return 0;
	if (cl->fcfg.norder && filtered_out(&d))
		return 0;
	write_kept(&d);
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

/* ---- the command: parse, validate, run --------------------------------------------------- */

static void clean_init(struct clean *cl)
{
	common_opts_init(&cl->co);
	cl->repair = 1;
	cl->norm = CLEAN_NORM_NFC;
	cl->url_field = "url";
	cl->batch_bytes = 1u << 20;
	cl->lang_any = 1;
	cl->lang_mode = CLEAN_LANGID_ON;
	cl->lang_sample = 512;
	cl->lang_rules_min_score = 0.25;
	clean_filter_config_init(&cl->fcfg);
	cl->redact = clean_redact_new();
	pthread_mutex_init(&cl->lock, NULL);
}

/* What can only be checked once every option is in: the per-language configs. */
static void clean_validate(struct clean *cl)
{
	struct buf err = BUF_INIT;
	if (clean_langset_build(&cl->langset, &cl->fcfg, &err) < 0)
		die(GRIST_EXIT_USAGE, "--config: %s", err.data);
	buf_release(&err);
}

static int clean_run(struct clean *cl, int argc, char **argv, int first)
{
	/* CLD2 allocates and frees a large scoring buffer on every call; with glibc's default trim
	 * threshold (128 KiB) each free gave the top of the heap back and the next call faulted it
	 * in again: a third of the CPU time went to the kernel (brk, page faults). Keep it. */
	if (cl->lang_mode != CLEAN_LANGID_OFF)
		mallopt(M_TRIM_THRESHOLD, 64 << 20);
	stage_run_init(&cl->run, "clean", &cl->co, argc, argv);
	clean_stats_options(cl);
	struct par_config pc = {
		.jobs = cl->co.jobs, .work = clean_work, .emit = clean_emit, .shared = cl,
		.thread_new = thread_new, .thread_free = thread_free,
	};
	struct par *par = par_new(&pc);
	stage_read_inputs(&cl->run, par, argc, argv, first, cl->batch_bytes, 0, &cl->names);
	par_finish(par);
	clean_stage_stats_json(cl);
	return stage_run_finish(&cl->run);
}

static void clean_free(struct clean *cl)
{
	name_list_release(&cl->names);
	for (size_t i = 0; i < cl->ndomains; i++)
		free(cl->domains[i]);
	free(cl->domains);
	clean_redact_free(cl->redact);
	clean_langset_free(&cl->langset);
	clean_filter_config_release(&cl->fcfg);
	clean_lang_stats_release(&cl->lstats);
	pthread_mutex_destroy(&cl->lock);
	free(cl);
}

int cmd_clean(int argc, char **argv)
{
	struct clean *cl = xcalloc(1, sizeof(*cl));
	clean_init(cl);
	int first = clean_parse_options(cl, argc, argv);
	if (first < 0) {
		clean_free(cl);
		return GRIST_EXIT_USAGE;
	}
	clean_validate(cl);
	int rc = clean_run(cl, argc, argv, first);
	clean_free(cl);
	return rc;
}
