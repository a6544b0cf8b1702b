/*
 * The record side of every dedup command: reading batches of JSONL records (in parallel, in
 * order: lib/parallel.h), applying the record policies, and computing for each document what
 * the deciding step needs: its id, its exact hash or MinHash band keys and b-bit signature,
 * and whether it is contaminated (--against). The deciding happens in each command's emit
 * callback, which sees documents strictly in input order.
 *
 * Documents are numbered in input order (file order, then line); a line that is not a
 * document (invalid JSON, missing text under --on-missing=skip, too large) gets no number.
 * `sign` and `filter` use this same code with the same options, so their numbers agree.
 */
#ifndef GRIST_DEDUP_SCAN_H
#define GRIST_DEDUP_SCAN_H

#include <stdint.h>

#include "dedup/decontam.h"
#include "dedup/minhash.h"
#include "lib/opts.h"
#include "lib/parallel.h"
#include "lib/record.h"
#include "lib/stage.h"

enum dd_mode { DD_MINHASH, DD_EXACT };

struct dd_config {
	struct common_opts co;
	enum dd_mode mode;
	struct minhash_params mp;
	double verify;     /* Jaccard threshold; 0 = no verification */
	int verify_m;      /* the same as a count of agreeing b-bit bytes */
	uint32_t bucket_cap; /* per band, documents with one key that stay candidates (0 = all) */
	unsigned fold;     /* DEDUP_FOLD_* bits for the document hash (dedup_norm.h) */
	int fold_given;    /* --fold given (else: all for MinHash, none for --exact) */
	int want_sigs;     /* compute signatures (minhash mode, not in filter) */
	struct decontam *against; /* NULL: no decontamination */
	size_t batch_bytes;
};

enum dd_item_kind { DD_ITEM_DOC, DD_ITEM_REJECTED };

struct dd_item {
	int kind;
	uint64_t lineno;
	size_t rec_off, rec_len;  /* the record (trimmed line) in the batch data */
	size_t out_off, out_len;  /* rewritten record in dd_batch.outs (--on-missing=empty), len 0: none */
	size_t rej_off, rej_len;  /* a finished rejects line in dd_batch.rejs (REJECTED) */
	size_t id_off, id_len;    /* in dd_batch.ids */
	size_t match_off, match_len; /* contamination: the matching n-gram in dd_batch.ids; len 0 = clean */
	int contaminated;
	uint64_t text_len;
	uint64_t hlo, hhi;        /* exact mode */
	size_t sig;               /* minhash: index into keys / bsigs */
};

struct dd_batch {
	struct dd_item *items;
	size_t n, alloc;
	struct buf ids, rejs, outs;
	uint32_t *keys;   /* bands per document */
	uint8_t *bsigs;   /* k per document */
	size_t nsigs, alloc_keys, alloc_bsigs;
};

void dd_batch_free(struct dd_batch *db);

/* par_config thread_new/thread_free/work for dedup commands; shared = struct dd_scan_shared. */
struct dd_scan_shared {
	const struct dd_config *cfg;
	void (*emit)(void *self, struct batch *b);
	void *self;
};
void *dd_thread_new(void *shared);
void dd_thread_free(void *state);
void dd_work(void *shared, void *state, struct batch *b);
void dd_emit(void *shared, struct batch *b);


/* Load --against FILE (JSONL records' text field, or plain text) into d. Dies on errors. */
void dd_load_against(struct decontam *d, const char *path, const char *field);

#endif
