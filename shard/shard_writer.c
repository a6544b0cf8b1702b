/*
 * Shard writers: llm.c `.bin`, Megatron `.bin` + `.idx`, nanoGPT `train.bin`/`val.bin`, each with
 * a document index beside it (`.docs.jsonl`: record id and token offset of every document) and,
 * for streams with a loss mask, a `.mask.bin` (one byte per token). Byte layouts: docs/shard.md
 * ("Shard formats"). Every file is written under a temporary name (lib/atomic.h), hashed
 * with XXH3-64 as it is written, and renamed into place when complete; the manifest comes last.
 *
 * Cutting: a shard is closed before a document that would take it past --shard-tokens, so shards
 * hold whole documents; a document longer than the limit gets a shard of its own.
 */
#include "shard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "lib/die.h"
#include "lib/le.h"
#include "lib/xalloc.h"

const char *shard_format_name(enum shard_format f)
{
	switch (f) {
	case SHARD_LLMC: return "llmc";
	case SHARD_MEGATRON: return "megatron";
	case SHARD_NANOGPT: return "nanogpt";
	case SHARD_JSONL: return "jsonl";
	}
	return "?";
}

/* ---- the writer ---- */

static int writer_check_limits(struct shard_writer *w, struct buf *err);
static int writer_init_pack(struct shard_writer *w, const struct tokstream_header *h,
			    struct buf *err);

int shard_writer_init(struct shard_writer *w, const struct shard_opts *o,
		      const struct tokstream_header *h, struct buf *err)
{
	memset(w, 0, sizeof(*w));
	w->o = *o;
	tokstream_header_copy(&w->h, h);
	buf_init(&w->scratch, 0);
	buf_init(&w->split[0].tail.data, 0);
	buf_init(&w->split[1].tail.data, 0);
	w->split[0].name = "val";
	w->split[1].name = "train";
	w->split[1].next_index = o->format == SHARD_LLMC ? 1 : 0;
	w->rejects_path = o->rejects_path;
	/* Packed rows always get a mask: padding is 0. */
	w->has_mask = !!(h->flags & TOKSTREAM_F_MASK) || o->pack;
	buf_init(&w->rejects, 0);
	w->eot = o->eot_override != TOKSTREAM_NO_EOT ? o->eot_override : h->eot_id;
	const int needs_eot = !o->pack && o->format != SHARD_JSONL &&
			      (o->format != SHARD_MEGATRON || o->append_eod);
	if (needs_eot && w->eot == TOKSTREAM_NO_EOT) {
		buf_addf(err, "format %s needs an end-of-text id and the token stream has none "
			      "(give --eot-id, or tokenize with --eot-token)",
			 shard_format_name(o->format));
		return -1;
	}
	if (o->pack && writer_init_pack(w, h, err) < 0)
		return -1;
	if (w->eot != TOKSTREAM_NO_EOT && w->eot >= h->vocab_size && o->eot_override == w->eot) {
		buf_addf(err, "--eot-id %u is not below the vocab size %u", w->eot, h->vocab_size);
		return -1;
	}
	switch (o->format) {
	case SHARD_LLMC:
		w->out_width = h->vocab_size <= 65536 ? 2 : 4;
		w->limit = o->shard_tokens ? o->shard_tokens : SHARD_DEFAULT_LLMC_TOKENS;
		/* The default minimum only where shards are meant to be that large. */
		w->min_tokens = o->have_min_shard_tokens ? o->min_shard_tokens
			      : w->limit >= SHARD_DEFAULT_LLMC_MIN_TOKENS ? SHARD_DEFAULT_LLMC_MIN_TOKENS : 0;
		break;
	case SHARD_MEGATRON:
		w->out_width = h->vocab_size < 65500 ? 2 : 4;
		w->limit = o->shard_tokens ? o->shard_tokens : UINT64_MAX;
		w->min_tokens = o->min_shard_tokens;
		break;
	case SHARD_NANOGPT:
		w->out_width = 2;
		w->limit = UINT64_MAX;
		break;
	case SHARD_JSONL:
		w->out_width = h->token_width; /* ids are written as numbers */
		w->limit = o->shard_tokens ? o->shard_tokens : UINT64_MAX;
		w->min_tokens = o->min_shard_tokens;
		break;
	}
	return writer_check_limits(w, err);
}

/* --pack: the padding id and one packer per split. */
static int writer_init_pack(struct shard_writer *w, const struct tokstream_header *h,
			    struct buf *err)
{
	const struct shard_opts *o = &w->o;
	uint32_t pad = o->pad_id != TOKSTREAM_NO_EOT ? o->pad_id : w->eot;
	if (pad == TOKSTREAM_NO_EOT) {
		buf_addstr(err, "--pack pads rows with the end-of-text id and the token stream has none "
				"(give --pad-id or --eot-id)");
		return -1;
	}
	if (pad >= h->vocab_size) {
		buf_addf(err, "padding id %u is not below the vocab size %u", pad, h->vocab_size);
		return -1;
	}
	if (pad > 65535 && (o->format == SHARD_NANOGPT ||
			    (o->format == SHARD_MEGATRON && h->vocab_size < 65500) ||
			    (o->format == SHARD_LLMC && h->vocab_size <= 65536))) {
		buf_addf(err, "padding id %u does not fit the uint16 tokens of format %s", pad,
			 shard_format_name(o->format));
		return -1;
	}
	w->pad_id = pad;
	for (int i = 0; i < 2; i++)
		w->split[i].pack = shard_pack_new(o->pack, h->token_width, pad, o->pack_window,
						  !!(h->flags & TOKSTREAM_F_MASK));
	return 0;
}

static int writer_check_limits(struct shard_writer *w, struct buf *err)
{
	const struct shard_opts *o = &w->o;
	if (w->min_tokens && w->limit == UINT64_MAX) {
		buf_addf(err, "--min-shard-tokens needs --shard-tokens (format %s writes one file per split)",
			 shard_format_name(o->format));
		return -1;
	}
	if (w->min_tokens > w->limit) {
		buf_addf(err, "--min-shard-tokens %llu is larger than --shard-tokens %llu",
			 (unsigned long long)w->min_tokens, (unsigned long long)w->limit);
		return -1;
	}
	/* A merged last shard holds up to limit + min - 1 tokens. */
	const uint64_t max_llmc = (SHARD_LLMC_MAX_BYTES - SHARD_LLMC_HEADER) / w->out_width;
	if (o->format == SHARD_LLMC && w->limit + (w->min_tokens ? w->min_tokens - 1 : 0) > max_llmc) {
		buf_addf(err, "--shard-tokens %llu (plus up to %llu tokens of a merged short last shard, "
			      "--min-shard-tokens) makes llm.c shards of 2 GiB or more (at most %llu "
			      "tokens of %u bytes)",
			 (unsigned long long)w->limit,
			 (unsigned long long)(w->min_tokens ? w->min_tokens - 1 : 0),
			 (unsigned long long)max_llmc, w->out_width);
		return -1;
	}
	if (w->eot != TOKSTREAM_NO_EOT && w->out_width == 2 && w->eot > 65535) {
		buf_addf(err, "end-of-text id %u does not fit the uint16 tokens of format %s", w->eot,
			 shard_format_name(o->format));
		return -1;
	}
	return 0;
}

/* Which split a document goes to: 0 val, 1 train. */
static int pick_split(struct shard_writer *w, const struct shard_doc *d)
{
	if (w->o.val_tokens)
		return w->split[0].accepted < w->o.val_tokens ? 0 : 1;
	if (w->o.val_fraction > 0)
		return shard_unit(w->o.seed, 0x76616c /* "val" */, d->index) < w->o.val_fraction ? 0 : 1;
	return 1;
}

static uint32_t max_id_raw(const void *raw, size_t n, uint32_t width)
{
	uint32_t max = 0;
	const unsigned char *p = raw;
	if (width == 2) {
		for (size_t i = 0; i < n; i++) {
			uint32_t v = le_get16(p + 2 * i);
			max = v > max ? v : max;
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			uint32_t v = le_get32(p + 4 * i);
			max = v > max ? v : max;
		}
	}
	return max;
}

/* ---- documents held back while a shard might turn out to be the last (--min-shard-tokens) ---- */

struct shard_tail_doc {
	size_t id_off, id_len, raw_off, mask_off;
	uint64_t index, n;
	size_t ntokens;
	int has_mask;
	size_t seg_first, nsegs; /* a packed row's conversations in shard_tail.segs */
};

struct shard_tail_seg {
	size_t id_off, id_len, offset, ntokens;
	uint64_t index;
};

static void tail_add(struct shard_writer *w, struct shard_tail *t, const struct shard_doc *d,
		     uint64_t n)
{
	ALLOC_GROW(t->docs, t->n + 1, t->alloc);
	struct shard_tail_doc *e = &t->docs[t->n++];
	e->id_off = t->data.len;
	e->id_len = d->id_len;
	buf_add(&t->data, d->id, d->id_len);
	e->raw_off = t->data.len;
	buf_add(&t->data, d->raw, d->ntokens * w->h.token_width);
	e->mask_off = t->data.len;
	e->has_mask = d->mask != NULL;
	if (d->mask)
		buf_add(&t->data, d->mask, d->ntokens);
	e->index = d->index;
	e->ntokens = d->ntokens;
	e->n = n;
	e->seg_first = t->nsegs;
	e->nsegs = d->segs ? d->nsegs : 0;
	for (size_t i = 0; i < e->nsegs; i++) {
		ALLOC_GROW(t->segs, t->nsegs + 1, t->segs_alloc);
		struct shard_tail_seg *g = &t->segs[t->nsegs++];
		g->id_off = t->data.len;
		g->id_len = d->segs[i].id_len;
		buf_add(&t->data, d->segs[i].id, d->segs[i].id_len);
		g->offset = d->segs[i].offset;
		g->ntokens = d->segs[i].ntokens;
		g->index = d->segs[i].index;
	}
	t->tokens += n;
}

static void tail_release(struct shard_tail *t)
{
	buf_release(&t->data); /* valid and empty again */
	free(t->docs);
	free(t->segs);
	t->docs = NULL;
	t->segs = NULL;
	t->n = t->alloc = t->nsegs = t->segs_alloc = 0;
	t->tokens = 0;
}

static int split_place(struct shard_writer *w, struct shard_split *s, const struct shard_doc *d,
		       uint64_t n, struct buf *err);

/*
 * The held documents of s: either they reached --min-shard-tokens (merge = 0: the open shard is
 * closed and they are placed as usual, starting a new one) or the input ended first (merge = 1:
 * they join the open shard, past --shard-tokens, so no shard but the first of a split is shorter
 * than the minimum).
 */
static int tail_flush(struct shard_writer *w, struct shard_split *s, int merge, struct buf *err)
{
	struct shard_tail t = s->tail;
	memset(&s->tail, 0, sizeof(s->tail));
	buf_init(&s->tail.data, 0);
	int rc = 0;
	if (!merge && s->cur && shard_cur_close(w, s, err) < 0)
		rc = -GRIST_EXIT_IO;
	if (merge && t.n)
		w->merged_tails++;
	struct shard_seg *segs = NULL;
	size_t segs_alloc = 0;
	for (size_t i = 0; i < t.n && !rc; i++) {
		const struct shard_tail_doc *e = &t.docs[i];
		ALLOC_GROW(segs, e->nsegs, segs_alloc);
		for (size_t k = 0; k < e->nsegs; k++) {
			const struct shard_tail_seg *g = &t.segs[e->seg_first + k];
			struct shard_seg sg = { t.data.data + g->id_off, g->id_len, g->index, g->offset,
						g->ntokens };
			segs[k] = sg;
		}
		struct shard_doc d = { t.data.data + e->id_off, e->id_len, e->index, e->ntokens,
				       t.data.data + e->raw_off,
				       e->has_mask ? (const uint8_t *)t.data.data + e->mask_off : NULL,
				       e->nsegs ? segs : NULL, e->nsegs };
		rc = merge ? shard_cur_add(w, s->cur, &d, e->n, err) : split_place(w, s, &d, e->n, err);
	}
	free(segs);
	tail_release(&t);
	return rc;
}

/*
 * Places a document of n tokens in split s: in the open shard, or, when it would take that past
 * --shard-tokens, in a new one. With --min-shard-tokens the documents after such a cut are held
 * back until they add up to the minimum, so that a short last shard can still be merged.
 */
static int split_place(struct shard_writer *w, struct shard_split *s, const struct shard_doc *d,
		       uint64_t n, struct buf *err)
{
	const int cut = s->cur && s->cur->tokens && s->cur->tokens + n > w->limit;
	if (w->min_tokens && (s->tail.n || (cut && n < w->min_tokens))) {
		tail_add(w, &s->tail, d, n);
		return s->tail.tokens < w->min_tokens ? 0 : tail_flush(w, s, 0, err);
	}
	if (cut && shard_cur_close(w, s, err) < 0)
		return -GRIST_EXIT_IO;
	if (!s->cur && shard_cur_open(w, s, err) < 0)
		return -GRIST_EXIT_IO;
	return shard_cur_add(w, s->cur, d, n, err);
}

/* --pack: a conversation longer than SEQ_LEN, rejected (--on-overlong reject, the default). */
static void overlong_reject(struct shard_writer *w, const struct shard_doc *d)
{
	w->overlong_rejected++;
	if (!w->rejects_path)
		return;
	buf_addf(&w->rejects, "{\"stage\":\"shard\",\"rule\":\"overlong\",\"value\":%zu,\"source\":",
		 d->ntokens);
	shard_json_str(&w->rejects, d->id, d->id_len);
	buf_addstr(&w->rejects, "}\n");
}

/* A finished packed row goes into its split's shards like a document of SEQ_LEN tokens. */
struct row_ctx {
	struct shard_writer *w;
	struct shard_split *s;
};

static int place_row(void *ctx, const struct shard_doc *row, struct buf *err)
{
	struct row_ctx *rc = ctx;
	rc->s->tokens += row->ntokens;
	return split_place(rc->w, rc->s, row, row->ntokens, err);
}

/* Checks a document against the format's limits; its token count with inserted end-of-text
 * tokens in *n. */
static int doc_check(const struct shard_writer *w, const struct shard_doc *d, uint64_t *n,
		     struct buf *err)
{
	const int idlen = (int)(d->id_len > 200 ? 200 : d->id_len);
	if (w->out_width == 2 && w->h.token_width == 4) {
		uint32_t max = max_id_raw(d->raw, d->ntokens, 4);
		if (max > 65535) {
			buf_addf(err, "document %llu (id %.*s): token id %u does not fit the uint16 tokens of format %s",
				 (unsigned long long)d->index, idlen, d->id, max,
				 shard_format_name(w->o.format));
			return -1;
		}
	}
	/* Packed rows and jsonl rows carry no inserted end-of-text tokens. */
	const int plain = !w->o.pack && w->o.format != SHARD_JSONL;
	const int eot_before = plain && w->o.format == SHARD_LLMC;
	const int eot_after = plain && (w->o.format == SHARD_NANOGPT ||
					(w->o.format == SHARD_MEGATRON && w->o.append_eod));
	*n = d->ntokens + (uint64_t)eot_before + (uint64_t)eot_after;
	if (w->o.format == SHARD_MEGATRON && *n > INT32_MAX) {
		buf_addf(err, "document %llu (id %.*s): %llu tokens do not fit Megatron's int32 sequence length",
			 (unsigned long long)d->index, idlen, d->id, (unsigned long long)*n);
		return -1;
	}
	if (w->o.format == SHARD_LLMC &&
	    *n > (SHARD_LLMC_MAX_BYTES - SHARD_LLMC_HEADER) / w->out_width) {
		buf_addf(err, "document %llu (id %.*s): %llu tokens do not fit a 2 GiB llm.c shard",
			 (unsigned long long)d->index, idlen, d->id, (unsigned long long)*n);
		return -1;
	}
	return 0;
}

int shard_writer_add(struct shard_writer *w, const struct shard_doc *d, struct buf *err)
{
	w->docs_in++;
	w->tokens_in += d->ntokens;
	if (d->ntokens == 0) {
		w->empty_docs++; /* nothing to train on and nothing to trace back */
		return 0;
	}
	uint64_t n;
	if (doc_check(w, d, &n, err) < 0)
		return -1;
	struct shard_doc cut;
	if (w->o.pack && d->ntokens > w->o.pack) {
		if (w->o.on_overlong == SHARD_OVERLONG_REJECT) {
			overlong_reject(w, d);
			return 0;
		}
		cut = *d; /* truncate: the first SEQ_LEN tokens (and mask bytes) */
		cut.ntokens = n = w->o.pack;
		d = &cut;
		w->overlong_truncated++;
	}
	struct shard_split *s = &w->split[pick_split(w, d)];
	s->accepted += n;
	s->documents++;
	if (w->o.pack) {
		struct row_ctx rc = { w, s };
		return shard_pack_add(s->pack, d, place_row, &rc, err);
	}
	s->tokens += n;
	return split_place(w, s, d, n, err);
}

/*
 * Is `n` a name this format and prefix write (PREFIX_train_000003.bin, PREFIX_val_text_document.idx,
 * train.docs.jsonl, ...)? Such files that are not part of the new set are left from an earlier
 * run with more shards; a consumer globbing the pattern must not pick them up.
 */
static int ours(const struct shard_writer *w, const char *n)
{
	static const char *const suffixes[] = { ".bin", ".idx", ".docs.jsonl", ".mask.bin" };
	size_t len = strlen(n), plen = strlen(w->o.prefix);
	int suffix = 0;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t k = strlen(suffixes[i]);
		if (len > k && !strcmp(n + len - k, suffixes[i]))
			suffix = 1;
	}
	if (!suffix || strstr(n, ".tmp."))
		return 0;
	if (w->o.format == SHARD_NANOGPT)
		return !strncmp(n, "train.", 6) || !strncmp(n, "val.", 4);
	return !strncmp(n, w->o.prefix, plen) &&
	       (!strncmp(n + plen, "_train_", 7) || !strncmp(n + plen, "_val_", 5));
}

static void remove_stale(struct shard_writer *w)
{
	DIR *d = opendir(w->o.out_dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!ours(w, e->d_name))
			continue;
		int listed = 0;
		for (size_t i = 0; i < w->nrecs && !listed; i++)
			for (int j = 0; j < w->recs[i].nfiles; j++)
				if (!strcmp(w->recs[i].files[j].name, e->d_name))
					listed = 1;
		if (listed)
			continue;
		char *path = shard_join_path(w->o.out_dir, e->d_name);
		if (unlink(path) == 0)
			w->stale_removed++;
		free(path);
	}
	closedir(d);
}

/* The rejects file, complete under its temporary name; published with the shards. */
static int rejects_close(struct shard_writer *w, struct buf *err)
{
	if (atomic_open(&w->rejects_af, w->rejects_path, err) < 0)
		return -1;
	if (atomic_write(&w->rejects_af, w->rejects.data, w->rejects.len, err) < 0) {
		atomic_abort(&w->rejects_af);
		return -1;
	}
	return atomic_close(&w->rejects_af, err);
}

/* Manifest order: val shards, then train shards, each in file order (the order they opened). */
static int rec_cmp(const void *a, const void *b)
{
	const struct shard_rec *x = a, *y = b;
	int sx = strcmp(x->split, "val") != 0, sy = strcmp(y->split, "val") != 0;
	if (sx != sy)
		return sx - sy;
	return strcmp(x->files[0].name, y->files[0].name);
}

int shard_writer_close(struct shard_writer *w, struct buf *err)
{
	for (int i = 0; i < 2; i++) {
		struct shard_split *s = &w->split[i];
		struct row_ctx rc = { w, s };
		if (s->pack && shard_pack_flush(s->pack, place_row, &rc, err) < 0)
			return -GRIST_EXIT_IO;
		if (s->pack) {
			uint64_t rows, real, pad;
			shard_pack_counts(s->pack, &rows, &real, &pad);
			w->pack_rows += rows;
			w->pack_real += real;
			w->pack_pad += pad;
		}
	}
	if (w->rejects_path && rejects_close(w, err) < 0)
		return -GRIST_EXIT_IO;
	for (int i = 0; i < 2; i++)
		if (w->split[i].tail.n && tail_flush(w, &w->split[i], 1, err) < 0)
			return -GRIST_EXIT_IO;
	for (int i = 0; i < 2; i++)
		if (w->split[i].cur && shard_cur_close(w, &w->split[i], err) < 0)
			return -GRIST_EXIT_IO;
	if (w->nrecs) /* an empty stream has no shards and no array */
		qsort(w->recs, w->nrecs, sizeof(*w->recs), rec_cmp);
	return 0;
}

/* Move a closed file into the set that publishes it. */
static void into_set(struct atomic_set *set, struct atomic_file *af)
{
	ALLOC_GROW(set->f, set->n + 1, set->alloc);
	set->f[set->n++] = *af;
	memset(af, 0, sizeof(*af));
	af->fd = -1;
}

int shard_writer_publish(struct shard_writer *w, struct atomic_set *extra, struct buf *err)
{
	struct atomic_set set = { 0 };
	for (size_t i = 0; i < w->nrecs; i++)
		for (int j = 0; j < w->recs[i].nfiles; j++)
			into_set(&set, &w->recs[i].files[j].af);
	if (w->rejects_af.tmp)
		into_set(&set, &w->rejects_af);
	for (size_t i = 0; extra && i < extra->n; i++)
		into_set(&set, &extra->f[i]);
	if (extra)
		atomic_set_abort(extra); /* now empty */
	/* Files of an earlier, larger set go first: its manifest was removed when this run began. */
	remove_stale(w);
	struct buf m = BUF_INIT;
	shard_manifest_build(w, &m);
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s.manifest.json", w->o.prefix);
	char *path = shard_join_path(w->o.out_dir, name.data);
	/* the manifest last: renamed after every file it lists */
	int rc = atomic_set_add_data(&set, path, m.data, m.len, err);
	if (rc == 0)
		rc = atomic_set_commit(&set, err);
	else
		atomic_set_abort(&set);
	free(path);
	buf_release(&name);
	buf_release(&m);
	return rc < 0 ? -GRIST_EXIT_IO : 0;
}

void shard_writer_abort(struct shard_writer *w)
{
	if (w->rejects_af.tmp)
		atomic_abort(&w->rejects_af);
	for (int i = 0; i < 2; i++) {
		tail_release(&w->split[i].tail);
		shard_cur_free(w->split[i].cur);
		w->split[i].cur = NULL;
	}
	for (size_t i = 0; i < w->nrecs; i++)
		for (int j = 0; j < w->recs[i].nfiles; j++) {
			struct shard_file_rec *f = &w->recs[i].files[j];
			if (f->af.tmp)
				atomic_abort(&f->af);
			if (f->final_path) {
				unlink(f->final_path);
				free(f->final_path);
				f->final_path = NULL;
			}
		}
}

void shard_writer_release(struct shard_writer *w)
{
	if (w->rejects_af.tmp)
		atomic_abort(&w->rejects_af);
	buf_release(&w->rejects);
	for (int i = 0; i < 2; i++) {
		shard_pack_free(w->split[i].pack);
		w->split[i].pack = NULL;
		tail_release(&w->split[i].tail);
		shard_cur_free(w->split[i].cur);
		w->split[i].cur = NULL;
	}
	for (size_t i = 0; i < w->nrecs; i++) {
		for (int j = 0; j < w->recs[i].nfiles; j++)
			if (w->recs[i].files[j].af.tmp) /* unpublished: never under a final name */
				atomic_abort(&w->recs[i].files[j].af);
		free(w->recs[i].split);
		for (int j = 0; j < w->recs[i].nfiles; j++) {
			free(w->recs[i].files[j].role);
			free(w->recs[i].files[j].name);
			free(w->recs[i].files[j].final_path);
		}
	}
	free(w->recs);
	buf_release(&w->scratch);
	tokstream_header_release(&w->h);
}
