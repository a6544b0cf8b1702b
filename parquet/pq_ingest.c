/*
 * `grist ingest FILE.parquet`: one JSONL record per row.
 *
 * The reading thread parses the footer and cuts each row group into slices of rows at page
 * boundaries (pq_slice.h); each slice goes to the -j workers as one batch holding the raw
 * bytes of the pages it needs of the projected columns (so memory is bounded by the slices in
 * flight, never the file); a worker decompresses, decodes and writes the rows. Batches are
 * emitted in order, so the output is the same for every -j. Row numbers (ids SOURCE:ROW,
 * 1-based) run across the row groups. Under --keep-going a row group is one slice, so that a
 * damaged one is skipped from the damage on, as a whole.
 *
 * Batch data layout: a struct pq_job header, then per leaf column a struct pq_col_rec (where
 * its parts are in the batch; nparts 0 when not read), then the parts' bytes.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/ingest_int.h"
#include "lib/die.h"
#include "lib/json.h"
#include "lib/utf8.h"
#include "lib/xalloc.h"
#include "parquet/parquet.h"
#include "parquet/pq_codec.h"
#include "parquet/pq_rows.h"
#include "parquet/pq_slice.h"

/* What every batch of one file shares; freed by whoever drops the last reference. */
struct pq_shared {
	struct pq_file f;
	struct pq_row_shape shape;
	char *name;
	int has_id, has_source;
	int refs;
};

struct pq_job {
	struct pq_shared *sh;
	int rg;
	int64_t first, nrows; /* the slice's rows in the row group */
};

struct pq_col_rec {
	uint64_t pos[2], len[2], file_off[2];
	int64_t values, skip;
	int32_t nparts;
};

/* Uncompressed bytes a slice aims at, per --batch-bytes of the other inputs. */
#define SLICE_BATCHES 4

static const char *const rule_missing = "missing_text";

static void shared_unref(struct pq_shared *sh)
{
	if (__atomic_sub_fetch(&sh->refs, 1, __ATOMIC_ACQ_REL))
		return;
	pq_row_shape_release(&sh->shape);
	pq_file_close(&sh->f);
	free(sh->name);
	free(sh);
}

/* Open the file: by descriptor for a regular file, else held in memory. */
static int open_file(struct ingest *in, struct pq_shared *sh, struct source *src,
		     const char *path, struct buf *err)
{
	if (path) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
		if (fd < 0 || size < 0) {
			buf_addf(err, "cannot read %s", path);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (pq_file_open_fd(&sh->f, fd, (uint64_t)size, err) < 0)
			return -1;
		return 0;
	}
	struct buf all = BUF_INIT;
	if (source_read_all(src, &all, in->co.max_doc_bytes, err) < 0) {
		if (all.len > in->co.max_doc_bytes)
			buf_addstr(err, " (a Parquet file read from a stream is held in memory; give "
				   "it as a file, or raise --max-doc-bytes)");
		buf_release(&all);
		return -1;
	}
	int rc = pq_file_open_mem(&sh->f, &all, err);
	buf_release(&all);
	return rc;
}

static int fail(struct ingest *in, int code, const char *name, const char *msg)
{
	struct buf m = BUF_INIT;
	buf_addf(&m, "%s: %s", name, msg);
	int rc = ingest_fail(in, code, m.data);
	buf_release(&m);
	return rc;
}

/* Slice k of a row group into a batch; -1 after ingest_fail. */
static int submit_slice(struct ingest *in, struct pq_shared *sh, int rg,
			const struct pq_slice_plan *plan, int k)
{
	const struct pq_meta *m = &sh->f.meta;
	size_t head = sizeof(struct pq_job) + (size_t)m->nleaves * sizeof(struct pq_col_rec);
	size_t total = head;
	struct pq_slice_col *sc = xcalloc((size_t)m->nleaves, sizeof(*sc));
	for (int l = 0; l < m->nleaves; l++) {
		if (!pq_row_shape_reads(&sh->shape, m, l))
			continue;
		pq_slice_col(plan, m, rg, l, k, &sc[l]);
		for (int i = 0; i < sc[l].nparts; i++)
			total += sc[l].part[i].len;
	}
	struct batch *b = ingest_get_batch(in);
	if (b->cap < total + JSON_PADDING) {
		b->cap = total + JSON_PADDING;
		b->data = xrealloc(b->data, b->cap);
	}
	pq_huge_pages(b->data, b->cap);
	struct pq_job job = { sh, rg, plan->cuts[k], plan->cuts[k + 1] - plan->cuts[k] };
	memcpy(b->data, &job, sizeof(job));
	size_t pos = head;
	struct buf err = BUF_INIT;
	int rc = 0;
	for (int l = 0; l < m->nleaves; l++) {
		struct pq_col_rec rec = { .values = sc[l].values, .skip = sc[l].skip,
					  .nparts = sc[l].nparts };
		for (int i = 0; i < sc[l].nparts && rc == 0; i++) {
			rec.pos[i] = pos;
			rec.len[i] = sc[l].part[i].len;
			rec.file_off[i] = sc[l].part[i].file_off;
			rc = pq_file_read(&sh->f, rec.file_off[i], rec.len[i], b->data + pos, &err);
			pos += rec.len[i];
		}
		memcpy(b->data + sizeof(job) + (size_t)l * sizeof(rec), &rec, sizeof(rec));
	}
	free(sc);
	if (rc < 0) {
		ingest_return_batch(in, b);
		struct buf msg = BUF_INIT;
		buf_addf(&msg, "row group %d: %s", rg + 1, err.data);
		rc = fail(in, GRIST_EXIT_IO, sh->name, msg.data);
		buf_release(&msg);
		buf_release(&err);
		return rc;
	}
	buf_release(&err);
	memset(b->data + pos, 0, JSON_PADDING);
	b->len = pos;
	b->mode = MODE_PARQUET;
	b->source = sh->name;
	b->lineno0 = (uint64_t)(m->rgs[rg].first_row + job.first) + 1;
	__atomic_add_fetch(&sh->refs, 1, __ATOMIC_ACQ_REL);
	ingest_submit(in, b);
	return 0;
}

/* A row group's slices into batches; -1 after ingest_fail. */
static int submit_rowgroup(struct ingest *in, struct pq_shared *sh, int rg)
{
	const struct pq_meta *m = &sh->f.meta;
	int *reads = xcalloc((size_t)m->nleaves, sizeof(int));
	for (int l = 0; l < m->nleaves; l++)
		reads[l] = pq_row_shape_reads(&sh->shape, m, l);
	struct pq_slice_plan plan;
	/* --keep-going skips a damaged row group from the damage on: one slice, one batch */
	pq_slice_plan(&plan, &sh->f, rg, reads,
		      in->on_damage == ON_DAMAGE_KEEP_GOING ? SIZE_MAX / 4 : SLICE_BATCHES * in->batch_bytes);
	free(reads);
	int rc = 0;
	for (int k = 0; k < plan.nslices && rc == 0 && !in->stop; k++)
		rc = submit_slice(in, sh, rg, &plan, k);
	pq_slice_plan_release(&plan, m->nleaves);
	return rc;
}

int ingest_parquet(struct ingest *in, struct source *src, const char *name, const char *path)
{
	struct pq_shared *sh = xcalloc(1, sizeof(*sh));
	sh->refs = 1;
	sh->f.fd = -1;
	sh->name = xstrdup(name);
	struct buf err = BUF_INIT;
	int rc = 0;
	if (open_file(in, sh, src, path, &err) < 0) {
		rc = fail(in, GRIST_EXIT_DATA, name, err.data);
		goto out;
	}
	if (pq_row_shape_init(&sh->shape, &sh->f.meta, in->columns, in->co.text_field,
			      in->co.on_missing == ON_MISSING_EMPTY, &err) < 0) {
		rc = fail(in, GRIST_EXIT_USAGE, name, err.data);
		goto out;
	}
	for (int i = 0; i < sh->shape.ntop; i++) {
		const char *col = sh->f.meta.nodes[sh->shape.top[i]].name;
		sh->has_id |= !strcmp(col, in->co.id_field);
		sh->has_source |= !strcmp(col, "source");
	}
	for (int rg = 0; rg < sh->f.meta.nrg && rc == 0 && !in->stop; rg++)
		if (sh->f.meta.rgs[rg].num_rows > 0)
			rc = submit_rowgroup(in, sh, rg);
out:
	if (sh->f.fd >= 0) {
		/* the workers read only the batches: the descriptor can go now */
		close(sh->f.fd);
		sh->f.fd = -2;
	}
	buf_release(&err);
	shared_unref(sh);
	return rc;
}

/* One row: the record into b->out, or a reject; -1 to stop (fatal set). */
static int write_row(struct ingest *in, void *ts_, struct pq_shared *sh, struct pq_rowgroup *g,
		     struct batch *b, uint64_t row)
{
	const struct common_opts *o = &in->co;
	struct buf *rec = &b->out; /* written in place; taken back when the row is dropped */
	size_t start = rec->len;
	buf_addch(rec, '{');
	const char *text = NULL;
	size_t text_len = 0;
	enum pq_text_status ts = pq_row_members(g, &sh->shape, rec, &text, &text_len);
	int first = rec->len == start + 1;
	if (ts != PQ_TEXT_OK && o->on_missing == ON_MISSING_EMPTY && sh->shape.text < 0) {
		buf_addstr(rec, first ? "" : ",");
		json_string_encode(rec, o->text_field, strlen(o->text_field));
		buf_addstr(rec, ":\"\"");
		first = 0;
	}
	if (!sh->has_id && !in->chat) { /* --chat writes it first */
		buf_addstr(rec, first ? "" : ",");
		json_string_encode(rec, o->id_field, strlen(o->id_field));
		buf_addch(rec, ':');
		record_position_json(rec, sh->name, row);
		first = 0;
	}
	if (!sh->has_source) {
		buf_addstr(rec, first ? "\"source\":" : ",\"source\":");
		pq_json_string(rec, sh->name, strlen(sh->name));
	}
	buf_addch(rec, '}');
	if (in->chat) /* the row as a record: --chat's layouts (it counts records_in) */
		return ingest_chat_row(ts_, b, start, row);
	b->counts.records_in++;
	if (ts != PQ_TEXT_OK) {
		if (o->on_missing == ON_MISSING_ERROR) {
			buf_addf(&b->fatal, "%s: row %llu has no text (field '%s' %s)", sh->name,
				 (unsigned long long)row, o->text_field,
				 sh->shape.text < 0 ? "absent" : ts == PQ_TEXT_NULL ? "null"
										 : "not a string");
			b->fatal_code = GRIST_EXIT_DATA;
			buf_setlen(rec, start);
			return -1;
		}
		if (o->on_missing == ON_MISSING_SKIP) {
			counts_reject(&b->counts, rule_missing);
			reject_write(&b->rejects, "ingest", rule_missing, NULL, sh->name, row,
				     rec->data + start, rec->len - start, 0, NULL);
			buf_setlen(rec, start);
			return 0;
		}
		counts_note(&b->counts, rule_missing, 1); /* kept with "" (docs/design.md) */
		text_len = 0;
	} else if (text_len > o->max_doc_bytes) {
		char v[32];
		snprintf(v, sizeof(v), "%zu", text_len);
		counts_reject(&b->counts, ingest_rule_too_big);
		reject_write(&b->rejects, "ingest", ingest_rule_too_big, v, sh->name, row, "", 0, 1,
			     NULL);
		buf_setlen(rec, start);
		return 0;
	}
	counts_text_length(&b->counts, text_len);
	buf_addch(rec, '\n');
	b->counts.records_out++;
	return 0;
}

/* Room for the rows' JSON in one allocation (on huge pages): about the decoded bytes, plus
 * id and source per row. */
static void reserve_out(struct buf *out, const struct pq_rowgroup *g, size_t name_len)
{
	size_t est = (size_t)g->nrows * (2 * name_len + 48);
	for (int l = 0; l < g->m->nleaves; l++) {
		const struct pq_column *c = &g->cols[l];
		for (size_t i = 0; i < c->npages; i++)
			est += c->pages[i].len;
		est += c->vals.n * 8;
	}
	est += est / 16;
	buf_grow(out, est);
	pq_huge_pages(out->data, out->cap);
}

void ingest_parquet_work(struct ingest *in, void *thread_state, struct batch *b)
{
	struct pq_job job;
	memcpy(&job, b->data, sizeof(job));
	struct pq_shared *sh = job.sh;
	const struct pq_meta *m = &sh->f.meta;
	struct pq_slice_col *cols = xcalloc((size_t)m->nleaves, sizeof(*cols));
	for (int l = 0; l < m->nleaves; l++) {
		struct pq_col_rec rec;
		memcpy(&rec, b->data + sizeof(job) + (size_t)l * sizeof(rec), sizeof(rec));
		for (int i = 0; i < rec.nparts; i++)
			cols[l].part[i] = (struct pq_part){ (const uint8_t *)b->data + rec.pos[i],
							    (size_t)rec.len[i], rec.file_off[i] };
		cols[l].nparts = rec.nparts;
		cols[l].values = rec.values;
		cols[l].skip = rec.skip;
	}
	struct pq_rowgroup g;
	struct buf err = BUF_INIT;
	int bad = pq_rowgroup_decode_slice(&g, m, job.rg, cols, job.nrows, &err) < 0;
	uint64_t rg0 = (uint64_t)m->rgs[job.rg].first_row + 1, row0 = rg0 + (uint64_t)job.first;
	reserve_out(&b->out, &g, strlen(sh->name));
	for (int64_t i = 0; i < g.nrows; i++)
		if (write_row(in, thread_state, sh, &g, b, row0 + (uint64_t)i) < 0)
			break;
	if (bad && !b->fatal.len) {
		struct buf msg = BUF_INIT;
		buf_addf(&msg, "%s: damaged Parquet data in row group %d (rows %llu-%llu), %s "
			 "(%lld rows before it were written)", sh->name, job.rg + 1,
			 (unsigned long long)rg0,
			 (unsigned long long)(rg0 + (uint64_t)m->rgs[job.rg].num_rows - 1), err.data,
			 (long long)(row0 - 1 + (uint64_t)g.nrows));
		if (in->on_damage == ON_DAMAGE_KEEP_GOING) {
			/* like ingest_fail under --keep-going: warn, count, exit 1 at the end */
			buf_addf(&b->warnings, "%s (going on)\n", msg.data);
			counts_add_rule(&b->counts, "input_errors", 1);
			int zero = 0;
			__atomic_compare_exchange_n(&in->failed, &zero, GRIST_EXIT_DATA, 0,
						    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
		} else {
			buf_add(&b->fatal, msg.data, msg.len);
			b->fatal_code = GRIST_EXIT_DATA;
		}
		buf_release(&msg);
	}
	pq_rowgroup_release(&g);
	buf_release(&err);
	free(cols);
	shared_unref(sh);
}
