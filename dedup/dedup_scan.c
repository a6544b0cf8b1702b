/* Record reading and per-document hashing for the dedup commands; see dedup_scan.h. */
#include "dedup/dedup_scan.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "dedup/dedup_norm.h"
#include "lib/chat.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/source.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"


struct dd_thread {
	struct minhash_scratch ms;
	struct record_check check;
	struct buf text, match, folded;
	struct chat chat;
	uint32_t sig[MINHASH_MAX_K];
};

void *dd_thread_new(void *shared)
{
	struct dd_thread *t = xcalloc(1, sizeof(*t));
	minhash_scratch_init(&t->ms);
	buf_init(&t->text, 0);
	buf_init(&t->match, 0);
	buf_init(&t->folded, 0);
	chat_init(&t->chat);
	record_check_init(&t->check);
	t->check.chat = &t->chat;
	return t;
}

void dd_thread_free(void *state)
{
	struct dd_thread *t = state;
	minhash_scratch_release(&t->ms);
	buf_release(&t->text);
	buf_release(&t->match);
	buf_release(&t->folded);
	chat_release(&t->chat);
	record_check_release(&t->check);
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

static int one_line(void *shared, void *thread_state, struct batch *b, const struct line *l)
{
	const struct dd_config *cfg = ((const struct dd_scan_shared *)shared)->cfg;
	struct dd_thread *t = thread_state;
	struct dd_batch *db = b->user;
	const struct common_opts *o = &cfg->co;
	struct record r;
	int emptied = 0;
	buf_reset(&t->text);
	int verdict = stage_check_record(b, o, l, &r, &t->check);
	switch (verdict) {
	case RECORD_STOP:
		return -1;
	case RECORD_DROP: {
		const struct record_check *c = &t->check;
		reject_item(db, b, l, c->rule, c->value.len ? c->value.data : NULL,
			    c->raw ? l->p : r.line, c->raw ? l->len : r.len, c->raw);
		return 0;
	}
	case RECORD_EMPTY: /* counted by stage_check_record */
		emptied = 1;
		break;
	case RECORD_KEEP:
		record_text(&r, &t->text);
		break;
	case RECORD_CHAT:
		/* A conversation (docs/chat.md): dedup sees its contents joined with role tags
		 * (chat_joined_text), so identical conversations are exact duplicates and ones
		 * differing in one reply are near-duplicates. */
		chat_joined_text(&t->chat, &t->text);
		break;
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

	/* Normalize once with the mode's folds; every hash below works on the normalized text.
	 * --against always compares fully folded text, as its reference n-grams were built. */
	dedup_normalize_fold(t->text.data, t->text.len, cfg->fold, &t->ms.norm);
	const char *norm = t->ms.norm.data;
	size_t nlen = t->ms.norm.len;
	const char *cnorm = norm;
	size_t cnlen = nlen;
	if (cfg->against && cfg->fold != DEDUP_FOLD_ALL) {
		dedup_normalize(t->text.data, t->text.len, &t->folded);
		cnorm = t->folded.data;
		cnlen = t->folded.len;
	}
	if (cfg->against && decontam_check(cfg->against, cnorm, cnlen, &t->match)) {
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
	struct dd_batch *db = xcalloc(1, sizeof(*db));
	buf_init(&db->ids, 0);
	buf_init(&db->rejs, 0);
	buf_init(&db->outs, 0);
	b->user = db;
	batch_each_line(b, one_line, shared, state);
}

void dd_emit(void *shared, struct batch *b)
{
	const struct dd_scan_shared *sh = shared;
	sh->emit(sh->self, b);
	dd_batch_free(b->user);
	b->user = NULL;
}

void dd_load_against(struct decontam *d, const char *path, const char *field)
{
	struct source src;
	struct buf err = BUF_INIT, all = BUF_INIT, reason = BUF_INIT, text = BUF_INIT;
	if (source_open_input(&src, path, 0, &err) < 0 ||
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
