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
	}
	return "?";
}

/* ---- one open shard ---- */

struct shard_cur {
	struct shard_out data, docs, mask;
	int has_mask;
	uint64_t tokens, documents;
	/* Megatron .idx contents, built in memory (12 bytes per document). */
	int32_t *seq_len;
	int64_t *seq_ptr;
	size_t nseq, len_alloc, ptr_alloc;
	struct buf line;
};

static char *data_name(const struct shard_writer *w, const struct shard_split *s)
{
	struct buf b = BUF_INIT;
	const char *p = w->o.prefix;
	switch (w->o.format) {
	case SHARD_LLMC:
		buf_addf(&b, "%s_%s_%06u.bin", p, s->name, s->next_index);
		break;
	case SHARD_MEGATRON:
		if (w->o.shard_tokens)
			buf_addf(&b, "%s_%s_%06u_text_document.bin", p, s->name, s->next_index);
		else
			buf_addf(&b, "%s_%s_text_document.bin", p, s->name);
		break;
	case SHARD_NANOGPT:
		buf_addf(&b, "%s.bin", s->name);
		break;
	}
	return buf_detach(&b, NULL);
}

static int cur_open(struct shard_writer *w, struct shard_split *s, struct buf *err)
{
	struct shard_cur *c = xcalloc(1, sizeof(*c));
	buf_init(&c->line, 0);
	char *name = data_name(w, s);
	char *docs = shard_replace_suffix(name, ".bin", ".docs.jsonl");
	char *mask = shard_replace_suffix(name, ".bin", ".mask.bin");
	int rc = shard_out_open(&c->data, w->o.out_dir, name, w->o.format != SHARD_LLMC, err);
	if (!rc)
		rc = shard_out_open(&c->docs, w->o.out_dir, docs, 1, err);
	if (!rc && w->has_mask) {
		rc = shard_out_open(&c->mask, w->o.out_dir, mask, 1, err);
		c->has_mask = 1;
	}
	free(name);
	free(docs);
	free(mask);
	if (!rc && w->o.format == SHARD_LLMC) {
		static const char zero[SHARD_LLMC_HEADER];
		rc = shard_out_write(&c->data, zero, sizeof(zero), err);
	}
	if (rc < 0) {
		shard_out_free(&c->data);
		shard_out_free(&c->docs);
		shard_out_free(&c->mask);
		free(c);
		return -1;
	}
	s->cur = c;
	s->next_index++;
	return 0;
}

static void cur_free(struct shard_cur *c)
{
	if (!c)
		return;
	shard_out_free(&c->data);
	shard_out_free(&c->docs);
	shard_out_free(&c->mask);
	free(c->seq_len);
	free(c->seq_ptr);
	buf_release(&c->line);
	free(c);
}

/* Megatron's MMIDIDX index for the shard's sequences (one per document). */
static void build_megatron_idx(const struct shard_writer *w, const struct shard_cur *c, struct buf *b)
{
	unsigned char tmp[8];
	buf_add(b, "MMIDIDX\0\0", 9);
	le_put64(tmp, 1);
	buf_add(b, tmp, 8);
	tmp[0] = w->out_width == 2 ? 8 : 4; /* 8 = uint16, 4 = int32 */
	buf_add(b, tmp, 1);
	le_put64(tmp, c->nseq);
	buf_add(b, tmp, 8);
	le_put64(tmp, c->nseq + 1);
	buf_add(b, tmp, 8);
	for (size_t i = 0; i < c->nseq; i++) {
		le_put32(tmp, (uint32_t)c->seq_len[i]);
		buf_add(b, tmp, 4);
	}
	for (size_t i = 0; i < c->nseq; i++) {
		le_put64(tmp, (uint64_t)c->seq_ptr[i]);
		buf_add(b, tmp, 8);
	}
	/* Document indices: 0, then the end (in sequences) of each document. */
	for (size_t i = 0; i <= c->nseq; i++) {
		le_put64(tmp, (uint64_t)i);
		buf_add(b, tmp, 8);
	}
}

static int cur_close(struct shard_writer *w, struct shard_split *s, struct buf *err)
{
	struct shard_cur *c = s->cur;
	struct shard_rec rec;
	memset(&rec, 0, sizeof(rec));
	rec.split = xstrdup(s->name);
	rec.tokens = c->tokens;
	rec.documents = c->documents;
	unsigned char head[SHARD_LLMC_HEADER];
	size_t head_len = 0;
	if (w->o.format == SHARD_LLMC) {
		memset(head, 0, sizeof(head));
		int wide = w->out_width == 4;
		le_put32(head, wide ? SHARD_LLMC_MAGIC32 : SHARD_LLMC_MAGIC16);
		le_put32(head + 4, wide ? SHARD_LLMC_VERSION32 : SHARD_LLMC_VERSION16);
		le_put32(head + 8, (uint32_t)c->tokens);
		head_len = sizeof(head);
	}
	int rc = shard_out_close(&c->data, head, head_len, "data", &rec.files[rec.nfiles++], err);
	if (!rc && w->o.format == SHARD_MEGATRON) {
		struct buf idx = BUF_INIT;
		build_megatron_idx(w, c, &idx);
		char *name = shard_replace_suffix(rec.files[0].name, ".bin", ".idx");
		char *path = shard_join_path(w->o.out_dir, name);
		struct shard_file_rec *f = &rec.files[rec.nfiles];
		rc = atomic_open(&f->af, path, err);
		if (!rc && atomic_write(&f->af, idx.data, idx.len, err) < 0) {
			atomic_abort(&f->af);
			rc = -1;
		}
		if (!rc)
			rc = atomic_close(&f->af, err);
		if (!rc) {
			rec.nfiles++;
			f->role = xstrdup("idx");
			f->name = name;
			f->bytes = idx.len;
			f->xxh3 = XXH3_64bits(idx.data, idx.len);
			name = NULL;
		}
		free(name);
		free(path);
		buf_release(&idx);
	}
	if (!rc && c->has_mask)
		rc = shard_out_close(&c->mask, NULL, 0, "mask", &rec.files[rec.nfiles++], err);
	if (!rc)
		rc = shard_out_close(&c->docs, NULL, 0, "docs", &rec.files[rec.nfiles++], err);
	cur_free(c);
	s->cur = NULL;
	ALLOC_GROW(w->recs, w->nrecs + 1, w->recs_alloc);
	w->recs[w->nrecs++] = rec;
	return rc;
}

/* ---- the writer ---- */

static int writer_check_limits(struct shard_writer *w, struct buf *err);

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
	w->has_mask = !!(h->flags & TOKSTREAM_F_MASK);
	w->eot = o->eot_override != TOKSTREAM_NO_EOT ? o->eot_override : h->eot_id;
	const int needs_eot = o->format != SHARD_MEGATRON || o->append_eod;
	if (needs_eot && w->eot == TOKSTREAM_NO_EOT) {
		buf_addf(err, "format %s needs an end-of-text id and the token stream has none "
			      "(give --eot-id, or tokenize with --eot-token)",
			 shard_format_name(o->format));
		return -1;
	}
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
	}
	return writer_check_limits(w, err);
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
		return w->split[0].tokens < w->o.val_tokens ? 0 : 1;
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

/* The ids in the output width (little-endian), converting when the widths differ. */
static const void *ids_out(struct shard_writer *w, const struct shard_doc *d)
{
	const uint32_t in = w->h.token_width, out = w->out_width;
	if (in == out)
		return d->raw;
	const unsigned char *p = d->raw;
	buf_reset(&w->scratch);
	buf_grow(&w->scratch, d->ntokens * out);
	unsigned char *q = (unsigned char *)w->scratch.data;
	if (in == 4) { /* 4 -> 2: the caller checked every id fits */
		for (size_t i = 0; i < d->ntokens; i++) {
			q[2 * i] = p[4 * i];
			q[2 * i + 1] = p[4 * i + 1];
		}
	} else { /* 2 -> 4 */
		for (size_t i = 0; i < d->ntokens; i++) {
			q[4 * i] = p[2 * i];
			q[4 * i + 1] = p[2 * i + 1];
			q[4 * i + 2] = 0;
			q[4 * i + 3] = 0;
		}
	}
	return w->scratch.data;
}

static void docs_line(struct buf *b, const struct shard_doc *d, uint64_t offset)
{
	buf_reset(b);
	buf_addstr(b, "{\"id\":");
	shard_json_str(b, d->id, d->id_len);
	buf_addf(b, ",\"doc\":%llu,\"offset\":%llu,\"tokens\":%zu}\n", (unsigned long long)d->index,
		 (unsigned long long)offset, d->ntokens);
}

/* Appends one document (n tokens with the end-of-text tokens this format inserts) to c. */
static int cur_add(struct shard_writer *w, struct shard_cur *c, const struct shard_doc *d,
		   uint64_t n, struct buf *err)
{
	const int eot_before = w->o.format == SHARD_LLMC;
	const int eot_after = n > d->ntokens + (uint64_t)eot_before;
	unsigned char eot[4];
	le_put32(eot, w->eot);
	const uint64_t start = c->tokens + (uint64_t)eot_before;
	if (eot_before && shard_out_write(&c->data, eot, w->out_width, err) < 0)
		return -GRIST_EXIT_IO;
	if (shard_out_write(&c->data, ids_out(w, d), d->ntokens * w->out_width, err) < 0)
		return -GRIST_EXIT_IO;
	if (eot_after && shard_out_write(&c->data, eot, w->out_width, err) < 0)
		return -GRIST_EXIT_IO;
	if (c->has_mask) {
		static const uint8_t zero = 0;
		if ((eot_before && shard_out_write(&c->mask, &zero, 1, err) < 0) ||
		    shard_out_write(&c->mask, d->mask, d->ntokens, err) < 0 ||
		    (eot_after && shard_out_write(&c->mask, &zero, 1, err) < 0))
			return -GRIST_EXIT_IO;
	}
	if (w->o.format == SHARD_MEGATRON) {
		ALLOC_GROW(c->seq_len, c->nseq + 1, c->len_alloc);
		ALLOC_GROW(c->seq_ptr, c->nseq + 1, c->ptr_alloc);
		c->seq_len[c->nseq] = (int32_t)n;
		c->seq_ptr[c->nseq] = (int64_t)(c->tokens * w->out_width);
		c->nseq++;
	}
	docs_line(&c->line, d, start);
	if (shard_out_write(&c->docs, c->line.data, c->line.len, err) < 0)
		return -GRIST_EXIT_IO;
	c->tokens += n;
	c->documents++;
	return 0;
}

/* ---- documents held back while a shard might turn out to be the last (--min-shard-tokens) ---- */

struct shard_tail_doc {
	size_t id_off, id_len, raw_off, mask_off;
	uint64_t index, n;
	size_t ntokens;
	int has_mask;
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
	t->tokens += n;
}

static void tail_release(struct shard_tail *t)
{
	buf_release(&t->data); /* valid and empty again */
	free(t->docs);
	t->docs = NULL;
	t->n = t->alloc = 0;
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
	if (!merge && s->cur && cur_close(w, s, err) < 0)
		rc = -GRIST_EXIT_IO;
	if (merge && t.n)
		w->merged_tails++;
	for (size_t i = 0; i < t.n && !rc; i++) {
		const struct shard_tail_doc *e = &t.docs[i];
		struct shard_doc d = { t.data.data + e->id_off, e->id_len, e->index, e->ntokens,
				       t.data.data + e->raw_off,
				       e->has_mask ? (const uint8_t *)t.data.data + e->mask_off : NULL };
		rc = merge ? cur_add(w, s->cur, &d, e->n, err) : split_place(w, s, &d, e->n, err);
	}
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
	if (cut && cur_close(w, s, err) < 0)
		return -GRIST_EXIT_IO;
	if (!s->cur && cur_open(w, s, err) < 0)
		return -GRIST_EXIT_IO;
	return cur_add(w, s->cur, d, n, err);
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
	const int eot_before = w->o.format == SHARD_LLMC;
	const int eot_after = w->o.format == SHARD_NANOGPT ||
			      (w->o.format == SHARD_MEGATRON && w->o.append_eod);
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
	struct shard_split *s = &w->split[pick_split(w, d)];
	s->tokens += n;
	s->documents++;
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

/* Manifest order: val shards, then train shards, each in file order (the order they opened). */
static int rec_cmp(const void *a, const void *b)
{
	const struct shard_rec *x = a, *y = b;
	int sx = strcmp(x->split, "val") != 0, sy = strcmp(y->split, "val") != 0;
	if (sx != sy)
		return sx - sy;
	return strcmp(x->files[0].name, y->files[0].name);
}

int shard_writer_finish(struct shard_writer *w, struct buf *err)
{
	for (int i = 0; i < 2; i++)
		if (w->split[i].tail.n && tail_flush(w, &w->split[i], 1, err) < 0)
			return -GRIST_EXIT_IO;
	for (int i = 0; i < 2; i++)
		if (w->split[i].cur && cur_close(w, &w->split[i], err) < 0)
			return -GRIST_EXIT_IO;
	qsort(w->recs, w->nrecs, sizeof(*w->recs), rec_cmp);
	for (size_t i = 0; i < w->nrecs; i++)
		for (int j = 0; j < w->recs[i].nfiles; j++) {
			struct shard_file_rec *f = &w->recs[i].files[j];
			char *path = xstrdup(f->af.path);
			if (atomic_commit(&f->af, err) < 0) {
				free(path);
				return -GRIST_EXIT_IO;
			}
			f->final_path = path;
		}
	remove_stale(w);
	struct buf m = BUF_INIT;
	shard_manifest_build(w, &m);
	struct buf name = BUF_INIT;
	buf_addf(&name, "%s.manifest.json", w->o.prefix);
	char *path = shard_join_path(w->o.out_dir, name.data);
	int rc = atomic_write_file(path, m.data, m.len, err);
	free(path);
	buf_release(&name);
	buf_release(&m);
	return rc < 0 ? -GRIST_EXIT_IO : 0;
}

void shard_writer_abort(struct shard_writer *w)
{
	for (int i = 0; i < 2; i++) {
		tail_release(&w->split[i].tail);
		cur_free(w->split[i].cur);
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
	for (int i = 0; i < 2; i++) {
		tail_release(&w->split[i].tail);
		cur_free(w->split[i].cur);
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
