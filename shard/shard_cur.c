/*
 * One open shard of a split: its data file, document index and mask (shard_out.c), the Megatron
 * index built in memory, and how documents and packed rows are laid out in each format
 * (docs/shard.md, "Shard formats"): end-of-text tokens where the format puts them (never inside
 * packed rows), jsonl rows with labels and position ids.
 */
#include "shard.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lib/die.h"
#include "lib/le.h"
#include "lib/xalloc.h"



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
	case SHARD_JSONL:
		buf_addf(&b, "%s_%s_%06u.jsonl", p, s->name, s->next_index);
		break;
	}
	return buf_detach(&b, NULL);
}

int shard_cur_open(struct shard_writer *w, struct shard_split *s, struct buf *err)
{
	struct shard_cur *c = xcalloc(1, sizeof(*c));
	buf_init(&c->line, 0);
	char *name = data_name(w, s);
	const char *ext = w->o.format == SHARD_JSONL ? ".jsonl" : ".bin";
	char *docs = shard_replace_suffix(name, ext, ".docs.jsonl");
	char *mask = shard_replace_suffix(name, ext, ".mask.bin");
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

void shard_cur_free(struct shard_cur *c)
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

int shard_cur_close(struct shard_writer *w, struct shard_split *s, struct buf *err)
{
	struct shard_cur *c = s->cur;
	struct shard_rec rec;
	memset(&rec, 0, sizeof(rec));
	rec.split = xstrdup(s->name);
	rec.tokens = c->tokens;
	rec.documents = c->documents;
	rec.rows = c->rows;
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
	shard_cur_free(c);
	s->cur = NULL;
	ALLOC_GROW(w->recs, w->nrecs + 1, w->recs_alloc);
	w->recs[w->nrecs++] = rec;
	return rc;
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
		for (size_t i = 0; i < d->ntokens; i++)
			le_put16(q + 2 * i, (uint16_t)le_get32(p + 4 * i));
	} else { /* 2 -> 4 */
		for (size_t i = 0; i < d->ntokens; i++)
			le_put32(q + 4 * i, le_get16(p + 2 * i));
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

/* Token i of a document's raw ids (input width). */
static uint32_t raw_id(const struct shard_writer *w, const void *raw, size_t i)
{
	const unsigned char *p = (const unsigned char *)raw + i * w->h.token_width;
	return w->h.token_width == 4 ? le_get32(p) : le_get16(p);
}

/*
 * A --format jsonl row: {"input_ids":[...],"labels":[...],"position_ids":[...]}. labels: the id
 * where the mask is 1, else -100 (no mask: every real token counts); position_ids restart at 0
 * at each conversation and at the padding.
 */
static void jsonl_row(const struct shard_writer *w, const struct shard_doc *d, struct buf *b)
{
	buf_reset(b);
	buf_addstr(b, "{\"input_ids\":[");
	for (size_t i = 0; i < d->ntokens; i++)
		buf_addf(b, "%s%u", i ? "," : "", raw_id(w, d->raw, i));
	buf_addstr(b, "],\"labels\":[");
	for (size_t i = 0; i < d->ntokens; i++) {
		if (!d->mask || d->mask[i])
			buf_addf(b, "%s%u", i ? "," : "", raw_id(w, d->raw, i));
		else
			buf_addf(b, "%s-100", i ? "," : "");
	}
	buf_addstr(b, "],\"position_ids\":[");
	size_t i = 0;
	for (size_t g = 0; g < d->nsegs; g++) /* segs are contiguous from offset 0 */
		for (size_t k = 0; k < d->segs[g].ntokens; k++, i++)
			buf_addf(b, "%s%zu", i ? "," : "", k);
	for (size_t k = 0; i < d->ntokens; k++, i++) /* the padding, or a whole document */
		buf_addf(b, "%s%zu", i ? "," : "", k);
	buf_addstr(b, "]}\n");
}

/* The document index: one line per document, or per conversation of a packed row. */
static int docs_lines(struct shard_cur *c, const struct shard_doc *d, uint64_t start,
		      struct buf *err)
{
	if (!d->segs) {
		docs_line(&c->line, d, start);
		return shard_out_write(&c->docs, c->line.data, c->line.len, err);
	}
	for (size_t i = 0; i < d->nsegs; i++) {
		const struct shard_seg *g = &d->segs[i];
		struct shard_doc one = { g->id, g->id_len, g->index, g->ntokens, NULL, NULL, NULL, 0 };
		docs_line(&c->line, &one, start + g->offset);
		if (shard_out_write(&c->docs, c->line.data, c->line.len, err) < 0)
			return -1;
	}
	return 0;
}

/* Appends one document (n tokens with the end-of-text tokens this format inserts) or one packed
 * row to c. */
int shard_cur_add(struct shard_writer *w, struct shard_cur *c, const struct shard_doc *d,
		   uint64_t n, struct buf *err)
{
	const int eot_before = w->o.format == SHARD_LLMC && n > d->ntokens;
	const int eot_after = n > d->ntokens + (uint64_t)eot_before;
	unsigned char eot[4];
	le_put32(eot, w->eot);
	const uint64_t start = c->tokens + (uint64_t)eot_before;
	if (w->o.format == SHARD_JSONL) {
		jsonl_row(w, d, &w->scratch);
		if (shard_out_write(&c->data, w->scratch.data, w->scratch.len, err) < 0)
			return -GRIST_EXIT_IO;
	} else {
		if (eot_before && shard_out_write(&c->data, eot, w->out_width, err) < 0)
			return -GRIST_EXIT_IO;
		if (shard_out_write(&c->data, ids_out(w, d), d->ntokens * w->out_width, err) < 0)
			return -GRIST_EXIT_IO;
		if (eot_after && shard_out_write(&c->data, eot, w->out_width, err) < 0)
			return -GRIST_EXIT_IO;
	}
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
	if (docs_lines(c, d, start, err) < 0)
		return -GRIST_EXIT_IO;
	c->tokens += n;
	c->documents += d->segs ? d->nsegs : 1;
	c->rows++;
	return 0;
}
