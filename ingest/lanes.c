/*
 * -j N over several inputs: inputs decoded in parallel, output in input order.
 *
 * The ordered batch pipeline (lib/parallel.h) parallelises the parsing of one stream, but the
 * decoding (inflate, zstd, tar, WARC) of that stream stays on one thread. With several
 * inputs, each of N decoder threads claims the next input in order and runs the whole of it:
 * decode, and the same worker function on every batch, inline. Its finished batches queue in
 * that input's lane; the main thread emits the lanes strictly in input order. Batches are cut
 * by the same reader code as with -j 1 and worked by the same function, so the output is
 * byte-identical for every N. A lane holds at most LANE_MAX finished batches (its decoder
 * waits), and inputs are claimed at most LANE_WINDOW ahead of the one being emitted, so
 * memory stays bounded; the input being emitted always has a running decoder, so waiting
 * never deadlocks.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest_int.h"
#include "lib/die.h"
#include "lib/parallel.h"
#include "lib/xalloc.h"

#define LANE_MAX 4

struct lane {
	struct batch **q;
	size_t head, n, cap;
	int done;
	struct ingest sub; /* the decoder's view of the run (its own names, flags) */
};

struct lanes {
	struct ingest *main;
	struct ingest proto; /* a copy of *main taken before the threads start: read-only */
	char **paths;
	size_t npaths;
	struct lane *lane;
	size_t next_claim; /* next input to hand to a decoder */
	size_t emitting;   /* input whose batches are being emitted */
	size_t window;
	int stop;          /* a fatal error was queued: claim nothing more */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

struct batch *lane_get_batch(struct ingest *in)
{
	struct batch *b = xcalloc(1, sizeof(*b));
	buf_init(&b->out, 0);
	buf_init(&b->rejects, 0);
	buf_init(&b->fatal, 0);
	buf_init(&b->warnings, 0);
	counts_reset(&b->counts);
	return b;
}

void lane_return_batch(struct ingest *in, struct batch *b)
{
	batch_release(b);
	free(b);
}

void lane_submit(struct ingest *in, struct batch *b)
{
	struct lanes *ls = in->lanes;
	struct lane *l = in->lane;
	ingest_work(in, in->lane_thread, b);
	pthread_mutex_lock(&ls->mu);
	while (l->n >= LANE_MAX)
		pthread_cond_wait(&ls->cv, &ls->mu);
	ALLOC_GROW(l->q, l->head + l->n + 1, l->cap);
	l->q[l->head + l->n++] = b;
	if (b->fatal.len && in->on_damage == ON_DAMAGE_FAIL_FAST)
		ls->stop = 1;
	pthread_cond_broadcast(&ls->cv);
	pthread_mutex_unlock(&ls->mu);
}

static void *decoder_main(void *arg)
{
	struct lanes *ls = arg;
	void *ts = ingest_thread_new(&ls->proto);
	pthread_mutex_lock(&ls->mu);
	for (;;) {
		while (!ls->stop && ls->next_claim < ls->npaths &&
		       ls->next_claim >= ls->emitting + ls->window)
			pthread_cond_wait(&ls->cv, &ls->mu);
		if (ls->stop || ls->next_claim >= ls->npaths)
			break;
		size_t i = ls->next_claim++;
		struct lane *l = &ls->lane[i];
		pthread_mutex_unlock(&ls->mu);

		l->sub = ls->proto;
		l->sub.names = NULL;
		l->sub.nnames = l->sub.names_alloc = 0;
		l->sub.cur_input = i;
		l->sub.failed = 0;
		l->sub.stop = 0;
		l->sub.par = NULL;
		l->sub.lane = l;
		l->sub.lanes = ls;
		l->sub.lane_thread = ts;
		ingest_open_input(&l->sub, ls->paths[i]);

		pthread_mutex_lock(&ls->mu);
		l->done = 1;
		pthread_cond_broadcast(&ls->cv);
	}
	pthread_mutex_unlock(&ls->mu);
	ingest_thread_free(ts);
	return NULL;
}

void ingest_lanes_run(struct ingest *in, char **paths, size_t npaths, int jobs,
		      void (*emit)(void *shared, struct batch *b))
{
	struct lanes ls;
	memset(&ls, 0, sizeof(ls));
	ls.main = in;
	ls.proto = *in;
	ls.paths = paths;
	ls.npaths = npaths;
	ls.lane = xcalloc(npaths, sizeof(*ls.lane));
	ls.window = (size_t)jobs * 2;
	pthread_mutex_init(&ls.mu, NULL);
	pthread_cond_init(&ls.cv, NULL);
	pthread_t *th = par_threads_start(jobs, decoder_main, &ls, "a decoder thread");
	for (size_t i = 0; i < npaths; i++) {
		struct lane *l = &ls.lane[i];
		pthread_mutex_lock(&ls.mu);
		ls.emitting = i;
		pthread_cond_broadcast(&ls.cv);
		for (;;) {
			while (!l->n && !l->done && !(ls.stop && i >= ls.next_claim))
				pthread_cond_wait(&ls.cv, &ls.mu);
			if (!l->n)
				break;
			struct batch *b = l->q[l->head++];
			l->n--;
			pthread_cond_broadcast(&ls.cv);
			pthread_mutex_unlock(&ls.mu);
			emit(in, b); /* may die on a fatal batch, in input order */
			lane_return_batch(in, b);
			pthread_mutex_lock(&ls.mu);
		}
		int claimed = i < ls.next_claim;
		pthread_mutex_unlock(&ls.mu);
		if (!claimed)
			break; /* stopped before this input */
		if (l->sub.failed && !in->failed)
			in->failed = l->sub.failed;
		for (size_t k = 0; k < l->sub.nnames; k++)
			free(l->sub.names[k]);
		free(l->sub.names);
		free(l->q);
	}
	par_threads_stop(th, jobs, NULL, NULL, NULL);
	free(ls.lane);
	pthread_mutex_destroy(&ls.mu);
	pthread_cond_destroy(&ls.cv);
}
