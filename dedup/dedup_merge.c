/*
 * The sharded dedup's merge steps (docs/dedup.md, "Sharded mode"; the file layouts in ddfile.h):
 *   match   --band B --tasks N PREFIX: every task's band-B keys merged in (key, task, document)
 *           order; each document in a key group is paired with the earliest earlier member
 *           (among the first --bucket-cap) whose b-bit band rows are equal and that verifies
 *           -> PREFIX_B_pairs.dd
 *   cluster --tasks N PREFIX: every band's pairs merged by document; a document in any pair is
 *           removed as a duplicate of the earliest document it was paired with
 *           -> PREFIX_T_remove.dd for every task T, and the group sizes in --stats
 * Options, sign and filter are in dedup_shard.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dedup/ddfile.h"
#include "dedup/dedup_cmd.h"
#include "dedup/dedup_groups.h"
#include "dedup/dedup_shard.h"
#include "lib/die.h"
#include "lib/le.h"
#include "lib/xalloc.h"

struct cursor {
	const uint8_t *p, *end;
	uint32_t task;
};

static inline uint32_t cur_key(const struct cursor *c)
{
	return le_get32(c->p);
}

static inline int cur_less(const struct cursor *a, const struct cursor *b)
{
	uint32_t ka = cur_key(a), kb = cur_key(b);
	if (ka != kb)
		return ka < kb;
	if (a->task != b->task)
		return a->task < b->task;
	return le_get32(a->p + 4) < le_get32(b->p + 4);
}

/* A binary min-heap of cursors. */
static void heap_down(struct cursor *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && cur_less(&h[l], &h[m]))
			m = l;
		if (r < n && cur_less(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		struct cursor t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

struct pair {
	uint32_t task, doc, dtask, ddoc;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

struct member {
	uint32_t task, doc;
};

static int write_pairs(const char *path, const struct ddfile_header *h, struct pair *pairs,
		       size_t n, struct buf *err)
{
	if (n) /* a band with no pairs has no array */
		qsort(pairs, n, sizeof(*pairs), cmp_pair);
	struct ddfile_writer w;
	if (ddfile_create(&w, path, h, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint8_t r[16];
		le_put32(r, pairs[i].task);
		le_put32(r + 4, pairs[i].doc);
		le_put32(r + 8, pairs[i].dtask);
		le_put32(r + 12, pairs[i].ddoc);
		if (ddfile_write(&w, r, 16, err) < 0) {
			ddfile_abort(&w);
			return -1;
		}
	}
	return ddfile_commit(&w, n, err);
}

/* One `match` run: every task's band-B keys and signatures, and the pairs found. */
struct matcher {
	size_t ntasks;
	struct ddfile *bandf, *sigf;
	struct ddfile_header ph;
	int band, rows, k, verify_m;
	size_t cap; /* --bucket-cap of sign: members compared per key group */
	struct cursor *heap;
	size_t nheap;
	struct member *grp;
	size_t ngrp, agrp;
	struct pair *pairs;
	size_t npairs, apairs;
	uint64_t groups, compared;
};

/* Open and cross-check every task's band and signature files. */
static void match_open(struct matcher *m, const char *prefix, long band)
{
	m->bandf = xcalloc(m->ntasks, sizeof(*m->bandf));
	m->sigf = xcalloc(m->ntasks, sizeof(*m->sigf));
	char what[32];
	snprintf(what, sizeof(what), "band%ld", band);
	for (size_t t = 0; t < m->ntasks; t++) {
		dd_open_checked(&m->bandf[t], prefix, (long)t, what, DD_KIND_BAND);
		dd_open_checked(&m->sigf[t], prefix, (long)t, "sigs", DD_KIND_SIGS);
		struct buf err = BUF_INIT;
		if (ddfile_same_params(&m->bandf[t], &m->bandf[0].h, &err) < 0 ||
		    ddfile_same_params(&m->sigf[t], &m->bandf[0].h, &err) < 0)
			die(GRIST_EXIT_DATA, "%s", err.data);
		if (m->bandf[t].count != m->sigf[t].count)
			die(GRIST_EXIT_DATA, "%s and %s disagree on the document count",
			    m->bandf[t].path, m->sigf[t].path);
		buf_release(&err);
	}
	m->ph = m->bandf[0].h;
	m->rows = (int)m->ph.rows;
	m->k = (int)(m->ph.bands * m->ph.rows);
	m->verify_m = (int)m->ph.verify_m;
	m->band = (int)band;
	m->cap = m->ph.bucket_cap ? m->ph.bucket_cap : SIZE_MAX;
	if (m->band >= (int)m->ph.bands)
		die(GRIST_EXIT_USAGE, "--band %d: the signatures have %u bands", m->band, m->ph.bands);
	m->heap = xcalloc(m->ntasks, sizeof(*m->heap));
	for (size_t t = 0; t < m->ntasks; t++)
		if (m->bandf[t].count) {
			struct cursor *c = &m->heap[m->nheap++];
			c->p = m->bandf[t].payload;
			c->end = m->bandf[t].payload + m->bandf[t].payload_len;
			c->task = (uint32_t)t;
		}
	for (size_t i = m->nheap; i-- > 0;)
		heap_down(m->heap, m->nheap, i);
}

/* The next key group from the merged band files into m->grp, in (task, document) order. */
static void match_next_group(struct matcher *m)
{
	struct cursor *heap = m->heap;
	uint32_t key = cur_key(&heap[0]);
	m->ngrp = 0;
	while (m->nheap && cur_key(&heap[0]) == key) {
		const struct member mb = { heap[0].task, le_get32(heap[0].p + 4) };
		if (mb.doc >= m->sigf[mb.task].count)
			die(GRIST_EXIT_DATA, "%s: document %u beyond the %llu signatures of %s",
			    m->bandf[mb.task].path, mb.doc, (unsigned long long)m->sigf[mb.task].count,
			    m->sigf[mb.task].path);
		ALLOC_GROW(m->grp, m->ngrp + 1, m->agrp);
		m->grp[m->ngrp++] = mb;
		heap[0].p += 8;
		if (heap[0].p == heap[0].end)
			heap[0] = heap[--m->nheap];
		heap_down(heap, m->nheap, 0);
	}
}

/* Members come in document order; each later one takes the earliest that passes, among the
 * first `cap` members (the ones the single-process bucket holds). */
static void match_group(struct matcher *m)
{
	const size_t k = (size_t)m->k;
	m->groups++;
	for (size_t i = 1; i < m->ngrp; i++) {
		const struct member *a = &m->grp[i];
		const uint8_t *si = m->sigf[a->task].payload + (size_t)a->doc * k;
		for (size_t j = 0; j < i && j < m->cap; j++) {
			const struct member *b = &m->grp[j];
			const uint8_t *sj = m->sigf[b->task].payload + (size_t)b->doc * k;
			m->compared++;
			if (!minhash_bbit_band_equal(si, sj, m->band, m->rows))
				continue;
			if (m->verify_m && minhash_bbit_matches(si, sj, m->k) < m->verify_m)
				continue;
			ALLOC_GROW(m->pairs, m->npairs + 1, m->apairs);
			m->pairs[m->npairs++] = (struct pair){ a->task, a->doc, b->task, b->doc };
			break;
		}
	}
}

static void match_release(struct matcher *m)
{
	for (size_t t = 0; t < m->ntasks; t++) {
		ddfile_close(&m->bandf[t]);
		ddfile_close(&m->sigf[t]);
	}
	free(m->bandf);
	free(m->sigf);
	free(m->heap);
	free(m->pairs);
	free(m->grp);
}

int dd_match(struct sh_opts *o, int argc, char **argv)
{
	dd_need(o->band, "--band", "match");
	dd_need(o->tasks, "--tasks", "match");
	if (optind != argc - 1)
		die(GRIST_EXIT_USAGE, "dedup match takes the PREFIX of the sign outputs");
	const char *prefix = argv[optind];
	double t0 = stats_now();
	struct matcher m = { .ntasks = (size_t)o->tasks };
	match_open(&m, prefix, o->band);
	while (m.nheap) {
		match_next_group(&m);
		if (m.ngrp >= 2)
			match_group(&m);
	}
	struct buf name = BUF_INIT, err = BUF_INIT;
	ddfile_name(&name, prefix, (uint32_t)m.band, "pairs");
	struct ddfile_header h = m.ph;
	h.kind = DD_KIND_PAIRS;
	h.task = (uint32_t)m.band;
	h.band = (uint32_t)m.band;
	h.rec_size = 16;
	if (write_pairs(name.data, &h, m.pairs, m.npairs, &err) < 0)
		dd_die_err(&err);
	if (!o->cfg.co.quiet)
		fprintf(stderr, "grist dedup match: band %d: %llu shared keys, %llu comparisons, %zu pairs "
			"in %.2f s\n", m.band, (unsigned long long)m.groups,
			(unsigned long long)m.compared, m.npairs, stats_now() - t0);
	match_release(&m);
	buf_release(&name);
	buf_release(&err);
	return GRIST_EXIT_OK;
}

/* ---- cluster ---- */

struct pcursor {
	const uint8_t *p, *end;
};

static inline uint64_t pc_doc(const struct pcursor *c)
{
	return (uint64_t)le_get32(c->p) << 32 | le_get32(c->p + 4);
}

static inline uint64_t pc_dup(const struct pcursor *c)
{
	return (uint64_t)le_get32(c->p + 8) << 32 | le_get32(c->p + 12);
}

static void pheap_down(struct pcursor *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && pc_doc(&h[l]) < pc_doc(&h[m]))
			m = l;
		if (r < n && pc_doc(&h[r]) < pc_doc(&h[m]))
			m = r;
		if (m == i)
			return;
		struct pcursor t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void id_of(const struct ddfile *ids, uint32_t doc, const uint8_t **p, size_t *len)
{
	const uint8_t *offs = ids->payload + ids->payload_len - 8 * (ids->count + 1);
	uint64_t a = le_get64(offs + 8 * (size_t)doc), b = le_get64(offs + 8 * ((size_t)doc + 1));
	*p = ids->payload + a;
	*len = (size_t)(b - a);
}

/* One `cluster` run: every task's ids, every band's pairs merged by document, one removal list
 * per task. */
struct clusterer {
	size_t ntasks, nbands;
	struct ddfile *ids, *pf;
	struct pcursor *heap;
	size_t nheap;
	uint64_t pairs_in;
	struct ddfile_writer *w;
	uint64_t *nremoved;
	struct dedup_groups groups;
};

/* Open every task's ids and every band's pairs (as many bands as band 0's header says). */
static void cluster_open(struct clusterer *c, const char *prefix)
{
	c->ids = xcalloc(c->ntasks, sizeof(*c->ids));
	for (size_t t = 0; t < c->ntasks; t++)
		dd_open_checked(&c->ids[t], prefix, (long)t, "ids", DD_KIND_IDS);
	struct ddfile first;
	dd_open_checked(&first, prefix, 0, "pairs", DD_KIND_PAIRS);
	c->nbands = first.h.bands;
	ddfile_close(&first);
	c->pf = xcalloc(c->nbands, sizeof(*c->pf));
	c->heap = xcalloc(c->nbands, sizeof(*c->heap));
	for (size_t b = 0; b < c->nbands; b++) {
		dd_open_checked(&c->pf[b], prefix, (long)b, "pairs", DD_KIND_PAIRS);
		struct buf err = BUF_INIT;
		if (ddfile_same_params(&c->pf[b], &c->pf[0].h, &err) < 0)
			die(GRIST_EXIT_DATA, "%s", err.data);
		buf_release(&err);
		c->pairs_in += c->pf[b].count;
		if (c->pf[b].count) {
			c->heap[c->nheap].p = c->pf[b].payload;
			c->heap[c->nheap].end = c->pf[b].payload + c->pf[b].payload_len;
			c->nheap++;
		}
	}
	for (size_t i = c->nheap; i-- > 0;)
		pheap_down(c->heap, c->nheap, i);
}

/* A removal list per task, its payload starting with the shard's document count (for filter
 * to check). */
static void cluster_create(struct clusterer *c, const char *prefix)
{
	c->w = xcalloc(c->ntasks, sizeof(*c->w));
	c->nremoved = xcalloc(c->ntasks, sizeof(*c->nremoved));
	struct buf name = BUF_INIT, err = BUF_INIT;
	for (size_t t = 0; t < c->ntasks; t++) {
		buf_reset(&name);
		ddfile_name(&name, prefix, (uint32_t)t, "remove");
		struct ddfile_header h = c->pf[0].h;
		h.kind = DD_KIND_REMOVE;
		h.task = (uint32_t)t;
		h.band = 0;
		h.rec_size = 0;
		uint8_t v[8];
		le_put64(v, c->ids[t].count);
		if (ddfile_create(&c->w[t], name.data, &h, &err) < 0 ||
		    ddfile_write(&c->w[t], v, 8, &err) < 0)
			dd_die_err(&err);
	}
	buf_release(&name);
	buf_release(&err);
}

/* Each document named by a pair is removed, as a duplicate of the earliest document paired
 * with it in any band. */
static void cluster_merge(struct clusterer *c)
{
	struct pcursor *heap = c->heap;
	struct buf err = BUF_INIT;
	while (c->nheap) {
		uint64_t doc = pc_doc(&heap[0]), dup = UINT64_MAX;
		while (c->nheap && pc_doc(&heap[0]) == doc) {
			uint64_t d = pc_dup(&heap[0]);
			if (d < dup)
				dup = d;
			heap[0].p += 16;
			if (heap[0].p == heap[0].end)
				heap[0] = heap[--c->nheap];
			pheap_down(heap, c->nheap, 0);
		}
		uint32_t t = (uint32_t)(doc >> 32), dt = (uint32_t)(dup >> 32);
		if (t >= c->ntasks || dt >= c->ntasks || (uint32_t)doc >= c->ids[t].count ||
		    (uint32_t)dup >= c->ids[dt].count || dup >= doc)
			die(GRIST_EXIT_DATA, "pairs refer to documents the sign outputs do not have "
			    "(was --tasks different in match?)");
		dedup_groups_add(&c->groups, doc, dup);
		const uint8_t *idp;
		size_t idlen;
		id_of(&c->ids[dt], (uint32_t)dup, &idp, &idlen);
		uint8_t r[8];
		le_put32(r, (uint32_t)doc);
		le_put32(r + 4, (uint32_t)idlen);
		if (ddfile_write(&c->w[t], r, 8, &err) < 0 || ddfile_write(&c->w[t], idp, idlen, &err) < 0)
			dd_die_err(&err);
		c->nremoved[t]++;
	}
	buf_release(&err);
}

/* All removal lists appear together, with --stats. */
static void cluster_publish(struct clusterer *c, const struct sh_opts *o, struct stats *st)
{
	struct atomic_set set = { 0 };
	struct buf err = BUF_INIT;
	for (size_t t = 0; t < c->ntasks; t++)
		if (ddfile_close_into(&c->w[t], c->nremoved[t], &set, &err) < 0)
			dd_die_err(&err);
	uint64_t docs = 0;
	for (size_t t = 0; t < c->ntasks; t++)
		docs += c->ids[t].count;
	st->c.records_in = docs;
	st->c.records_out = docs - c->groups.removed;
	buf_addf(&st->stage_json, "\"documents\":%llu,\"pairs_in\":%llu,\"groups\":",
		 (unsigned long long)docs, (unsigned long long)c->pairs_in);
	dedup_groups_json(&c->groups, &st->stage_json);
	if (o->cfg.co.stats_path && stats_write_into(st, o->cfg.co.stats_path, &set, &err) < 0)
		dd_die_err(&err);
	if (atomic_set_commit(&set, &err) < 0)
		dd_die_err(&err);
	if (!o->cfg.co.quiet)
		fprintf(stderr, "grist dedup cluster: %llu documents, %llu pairs, %llu removed in %.2f s\n",
			(unsigned long long)docs, (unsigned long long)c->pairs_in,
			(unsigned long long)c->groups.removed, stats_now() - st->t0);
	buf_release(&err);
}

static void cluster_release(struct clusterer *c)
{
	for (size_t t = 0; t < c->ntasks; t++)
		ddfile_close(&c->ids[t]);
	for (size_t b = 0; b < c->nbands; b++)
		ddfile_close(&c->pf[b]);
	free(c->ids);
	free(c->pf);
	free(c->heap);
	free(c->w);
	free(c->nremoved);
	dedup_groups_release(&c->groups);
}

int dd_cluster(struct sh_opts *o, int argc, char **argv)
{
	dd_need(o->tasks, "--tasks", "cluster");
	if (optind != argc - 1)
		die(GRIST_EXIT_USAGE, "dedup cluster takes the PREFIX of the sign and match outputs");
	const char *prefix = argv[optind];
	struct stats st;
	stats_init(&st, "dedup-cluster", argc + 1, argv - 1);
	struct clusterer c = { .ntasks = (size_t)o->tasks };
	dedup_groups_init(&c.groups);
	cluster_open(&c, prefix);
	cluster_create(&c, prefix);
	cluster_merge(&c);
	cluster_publish(&c, o, &st);
	cluster_release(&c);
	stats_release(&st);
	return GRIST_EXIT_OK;
}
