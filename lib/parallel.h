/*
 * Ordered parallel processing of batches (-j N).
 *
 * The calling thread reads input into batches and submits them; N worker threads run the
 * stage's work function on them; the calling thread emits finished batches strictly in
 * submission order. With -j 1 the work runs inline on the calling thread. The work function
 * sees one batch at a time and its own per-thread state, so output is byte-identical for
 * every N by construction.
 */
#ifndef GRIST_PARALLEL_H
#define GRIST_PARALLEL_H

#include <pthread.h>

#include "record.h"

typedef void (*par_work_fn)(void *shared, void *thread_state, struct batch *b);
typedef void (*par_emit_fn)(void *shared, struct batch *b);

struct par_config {
	int jobs;
	par_work_fn work;
	par_emit_fn emit;
	void *shared;
	void *(*thread_new)(void *shared); /* per-thread state (may be NULL) */
	void (*thread_free)(void *state);
};

struct par;
struct par *par_new(const struct par_config *cfg);
/* A free, cleared batch to fill. May block (emitting finished batches) until one is free. */
struct batch *par_get_batch(struct par *p);
/* Hand a filled batch over. Emits whatever has finished, in order. */
void par_submit(struct par *p, struct batch *b);
/* Give an unused batch from par_get_batch back. */
void par_return_batch(struct par *p, struct batch *b);
/* Wait for all batches, emit them, stop the threads, free everything. */
void par_finish(struct par *p);

/*
 * The one way grist starts and stops helper threads. par_threads_start runs fn(arg) on n new
 * threads (dies with exit code 4 naming `what` if one cannot start). par_threads_stop sets *stop
 * under mu, wakes every waiter on cv, then joins and frees the threads; with mu NULL it only
 * joins (the threads end by themselves).
 */
pthread_t *par_threads_start(int n, void *(*fn)(void *), void *arg, const char *what);
void par_threads_stop(pthread_t *threads, int n, pthread_mutex_t *mu, pthread_cond_t *cv, int *stop);

#endif
