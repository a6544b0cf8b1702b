/* Record reading and per-document hashing for the dedup commands; see dedup_scan.h. */
#include "dedup/dedup_scan.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "dedup/dedup_norm.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/source.h"
#include "lib/xalloc.h"

static const char *const rule_invalid = "invalid_json";
static const char *const rule_missing = "missing_text";
static const char *const rule_null = "null_text";
static const char *const rule_not_string = "text_not_string";
static const char *const rule_too_big = "max_doc_bytes";

struct dd_thread {
	struct json_validator *v;
	struct minhash_scratch ms;
	struct buf text, reason, match;
	uint32_t sig[MINHASH_MAX_K];
};

void *dd_thread_new(void *shared)
{
	struct dd_thread *t = xcalloc(1, sizeof(*t));
	minhash_scratch_init(&t->ms);
	buf_init(&t->text, 0);
	buf_init(&t->reason, 0);
	buf_init(&t->match, 0);
	t->v = json_validator_new();
	if (!t->v)
		die(GRIST_EXIT_INTERNAL, "cannot allocate the JSON parser");
	return t;
}

void dd_thread_free(void *state)
{
	struct dd_thread *t = state;
	json_validator_free(t->v);
	minhash_scratch_release(&t->ms);
	buf_release(&t->text);
	buf_release(&t->reason);
	buf_release(&t->match);
	free(t);
}

void dd_batch_free(struct dd_batch *db)
{
	if (!db)
		return;
	free(db->items);
	buf_release(&db->ids);
	buf_release(&db->rejs);
	buf_release(&db->outs);
	free(db->keys);
	free(db->bsigs);
	free(db);
}

static struct dd_item *new_item(struct dd_batch *db, int kind, uint64_t lineno)
{
	ALLOC_GROW(db->items, db->n + 1, db->alloc);
	struct dd_item *it = &db->items[db->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->lineno = lineno;
	return it;
}

static void reject_item(struct dd_batch *db, struct batch *b, const struct line *l,
			const char *rule, const char *value_json, const char *rec, size_t rec_len,
			int is_raw)
{
	struct dd_item *it = new_item(db, DD_ITEM_REJECTED, l->lineno);
	it->rej_off = db->rejs.len;
	reject_write(&db->rejs, "dedup", rule, value_json, b->source, l->lineno, rec, rec_len,
		     is_raw, NULL);
	it->rej_len = db->rejs.len - it->rej_off;
	counts_reject(&b->counts, rule);
}

static void set_fatal(struct batch *b, const char *what, const struct line *l, size_t off,
		      const char *reason)
{
	buf_addf(&b->fatal, "%s at %s:%llu byte %llu: %s", what, b->source,
		 (unsigned long long)l->lineno, (unsigned long long)(l->offset + off), reason);
	b->fatal_code = GRIST_EXIT_DATA;
}

/* The id: the id field (a string decoded, anything else raw), else SOURCE:LINE. */
static void item_id(struct buf *ids, const struct record *r, const char *source, uint64_t lineno)
{
	if (r->has_id && r->id.type == JV_STRING)
		json_string_decode(ids, r->id.val + 1, r->id.val_len - 2);
	else if (r->has_id)
		buf_add(ids, r->id.val, r->id.val_len);
	else {
		utf8_repair(ids, source, strlen(source));
		buf_addf(ids, ":%llu", (unsigned long long)lineno);
	}
}

static int one_line(const struct dd_config *cfg, struct dd_thread *t, struct dd_batch *db,
		    struct batch *b, const struct line *l)
{
	const struct common_opts *o = &cfg->co;
	struct record r;
	size_t off = 0;
	b->counts.records_in++;
	buf_reset(&t->reason);
	if (record_parse(t->v, l, o, &r, &t->reason, &off) < 0) {
		if (o->on_invalid == ON_INVALID_ERROR) {
			set_fatal(b, "invalid JSON", l, off, t->reason.data);
			return -1;
		}
		buf_addf(&b->warnings, "invalid JSON at %s:%llu byte %llu: %s (skipped)\n", b->source,
			 (unsigned long long)l->lineno, (unsigned long long)(l->offset + off),
			 t->reason.data);
		struct buf v = BUF_INIT, vj = BUF_INIT;
		buf_addf(&v, "invalid JSON at byte %llu: %s", (unsigned long long)off, t->reason.data);
		json_string_encode(&vj, v.data, v.len);
		reject_item(db, b, l, rule_invalid, vj.data, l->p, l->len, 1);
		buf_release(&v);
		buf_release(&vj);
		return 0;
	}
	int emptied = 0;
	buf_reset(&t->text);
	if (r.text_status != TEXT_OK) {
		const char *rule = r.text_status == TEXT_MISSING ? rule_missing
				   : r.text_status == TEXT_NULL ? rule_null : rule_not_string;
		if (o->on_missing == ON_MISSING_ERROR) {
			struct buf why = BUF_INIT;
			buf_addf(&why, "field \"%s\" is %s", o->text_field,
				 r.text_status == TEXT_MISSING ? "missing"
				 : r.text_status == TEXT_NULL ? "null" : "not a string");
			set_fatal(b, "bad record", l, 0, why.data);
			buf_release(&why);
			return -1;
		}
		if (o->on_missing == ON_MISSING_SKIP) {
			reject_item(db, b, l, rule, NULL, r.line, r.len, 0);
			return 0;
		}
		emptied = 1;
		counts_add_rule(&b->counts, "emptied_text", 1);
	} else {
		uint64_t n = record_text_len(&r, o->max_doc_bytes);
		if (n > o->max_doc_bytes) {
			char v[32];
			snprintf(v, sizeof(v), "%llu", (unsigned long long)n);
			reject_item(db, b, l, rule_too_big, v, r.line, r.len, 0);
			return 0;
		}
		record_text(&r, &t->text);
	}
	struct dd_item *it = new_item(db, DD_ITEM_DOC, l->lineno);
	it->rec_off = (size_t)(r.line - b->data);
	it->rec_len = r.len;
	it->text_len = t->text.len;
	if (emptied) {
		it->out_off = db->outs.len;
		record_write_text(&db->outs, &r, o->text_field, "", 0, NULL, 0);
		it->out_len = db->outs.len - it->out_off;
	}
	it->id_off = db->ids.len;
	item_id(&db->ids, &r, b->source, l->lineno);
	it->id_len = db->ids.len - it->id_off;

	/* Normalize once; every hash below works on the normalized text. */
	dedup_normalize(t->text.data, t->text.len, &t->ms.norm);
	const char *norm = t->ms.norm.data;
	size_t nlen = t->ms.norm.len;
	if (cfg->against && decontam_check(cfg->against, norm, nlen, &t->match)) {
		it->contaminated = 1;
		it->match_off = db->ids.len;
		buf_add(&db->ids, t->match.data, t->match.len);
		it->match_len = t->match.len;
	}
	if (cfg->mode == DD_EXACT) {
		XXH128_hash_t h = XXH3_128bits(norm, nlen);
		it->hlo = h.low64;
		it->hhi = h.high64;
	} else if (cfg->want_sigs) {
		const int k = minhash_k(&cfg->mp);
		minhash_signature_normalized(&cfg->mp, &t->ms, norm, nlen, t->sig);
		it->sig = db->nsigs++;
		ALLOC_GROW(db->keys, db->nsigs * (size_t)cfg->mp.bands, db->alloc_keys);
		ALLOC_GROW(db->bsigs, db->nsigs * (size_t)k, db->alloc_bsigs);
		minhash_band_keys(&cfg->mp, t->sig, db->keys + it->sig * (size_t)cfg->mp.bands);
		minhash_bbit(k, t->sig, db->bsigs + it->sig * (size_t)k);
	}
	return 0;
}

void dd_work(void *shared, void *state, struct batch *b)
{
	const struct dd_scan_shared *sh = shared;
	struct dd_thread *t = state;
	struct dd_batch *db = xcalloc(1, sizeof(*db));
	buf_init(&db->ids, 0);
	buf_init(&db->rejs, 0);
	buf_init(&db->outs, 0);
	b->user = db;
	struct line_iter it;
	struct line l;
	line_iter_init(&it, b);
	while (batch_next_line(b, &it, &l)) {
		if (line_is_blank(&l))
			continue;
		if (one_line(sh->cfg, t, db, b, &l) < 0)
			return;
	}
}

void dd_emit(void *shared, struct batch *b)
{
	const struct dd_scan_shared *sh = shared;
	sh->emit(sh->self, b);
	dd_batch_free(b->user);
	b->user = NULL;
}

static void read_source(struct par *par, const struct dd_config *cfg, const char *path,
			char ***names, size_t *nnames)
{
	struct source src;
	struct buf err = BUF_INIT;
	if (source_open_file(&src, path, &err) < 0)
		die(GRIST_EXIT_IO, "%s", err.data);
	struct batch_reader rd;
	batch_reader_init(&rd, &src, cfg->batch_bytes);
	for (;;) {
		struct batch *b = par_get_batch(par);
		int rc = batch_reader_next(&rd, b, &err);
		if (rc < 0)
			die(GRIST_EXIT_IO, "%s", err.data);
		if (rc == 0) {
			par_return_batch(par, b);
			break;
		}
		par_submit(par, b);
	}
	batch_reader_release(&rd);
	buf_release(&err);
	/* Batches in flight refer to the name: keep it until the end of the run. */
	*names = xrealloc(*names, (*nnames + 1) * sizeof(**names));
	(*names)[(*nnames)++] = src.name;
	src.name = NULL;
	source_close(&src);
}

void dd_read_inputs(struct par *par, struct stage_run *run, const struct dd_config *cfg,
		    int argc, char **argv, int first, char ***names, size_t *nnames)
{
	for (int i = first; i < argc; i++) {
		struct stat st;
		if (strcmp(argv[i], "-") && stat(argv[i], &st) == 0 && S_ISREG(st.st_mode))
			run->stats.total_input += (uint64_t)st.st_size;
	}
	if (first >= argc)
		read_source(par, cfg, "-", names, nnames);
	for (int i = first; i < argc; i++)
		read_source(par, cfg, argv[i], names, nnames);
}

void dd_load_against(struct decontam *d, const char *path, const char *field)
{
	struct source src;
	struct buf err = BUF_INIT, all = BUF_INIT, reason = BUF_INIT, text = BUF_INIT;
	if (source_open_file(&src, path, &err) < 0 ||
	    source_read_all(&src, &all, UINT64_MAX, &err) < 0)
		die(GRIST_EXIT_IO, "--against: %s", err.data);
	source_close(&src);
	size_t i = 0;
	if (all.len >= 3 && !memcmp(all.data, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < all.len && strchr(" \t\r\n", all.data[i]))
		i++;
	if (i < all.len && all.data[i] == '{') {
		/* JSONL: the text field of every record (other records are skipped). */
		struct json_validator *v = json_validator_new();
		struct common_opts co;
		common_opts_init(&co);
		co.text_field = field;
		buf_grow(&all, JSON_PADDING);
		size_t pos = 0;
		uint64_t lineno = 0;
		while (pos < all.len) {
			const char *nl = memchr(all.data + pos, '\n', all.len - pos);
			size_t end = nl ? (size_t)(nl - all.data) : all.len;
			struct line l = { all.data + pos, end - pos, ++lineno, pos };
			if (l.len && l.p[l.len - 1] == '\r')
				l.len--;
			pos = end + 1;
			if (line_is_blank(&l))
				continue;
			struct record r;
			size_t off;
			buf_reset(&reason);
			if (record_parse(v, &l, &co, &r, &reason, &off) < 0 || r.text_status != TEXT_OK)
				continue;
			buf_reset(&text);
			record_text(&r, &text);
			decontam_add_text(d, text.data, text.len);
		}
		json_validator_free(v);
	} else {
		decontam_add_text(d, all.data, all.len);
	}
	buf_release(&err);
	buf_release(&all);
	buf_release(&reason);
	buf_release(&text);
}
