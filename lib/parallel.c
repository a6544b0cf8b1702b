#include "parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "xalloc.h"

enum slot_state { SLOT_FREE, SLOT_FILLING, SLOT_QUEUED, SLOT_WORKING, SLOT_DONE };

struct par {
	struct par_config cfg;
	int nslots;
	struct batch *slots;
	enum slot_state *state;
	uint64_t next_seq;  /* sequence number of the next submitted batch */
	uint64_t emit_seq;  /* sequence number of the next batch to emit */
	pthread_mutex_t mu;
	pthread_cond_t work_cv; /* workers: a batch is queued, or stop */
	pthread_cond_t done_cv; /* main: a batch is done */
	int stop;
	pthread_t *threads;
	void *inline_state;
};

static void *worker_main(void *arg)
{
	struct par *p = arg;
	void *st = p->cfg.thread_new ? p->cfg.thread_new(p->cfg.shared) : NULL;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		/* Take the queued batch with the lowest sequence number. */
		int pick = -1;
		for (int i = 0; i < p->nslots; i++)
			if (p->state[i] == SLOT_QUEUED &&
			    (pick < 0 || p->slots[i].seq < p->slots[pick].seq))
				pick = i;
		if (pick < 0) {
			if (p->stop)
				break;
			pthread_cond_wait(&p->work_cv, &p->mu);
			continue;
		}
		p->state[pick] = SLOT_WORKING;
		pthread_mutex_unlock(&p->mu);
		p->cfg.work(p->cfg.shared, st, &p->slots[pick]);
		pthread_mutex_lock(&p->mu);
		p->state[pick] = SLOT_DONE;
		pthread_cond_broadcast(&p->done_cv);
	}
	pthread_mutex_unlock(&p->mu);
	if (st && p->cfg.thread_free)
		p->cfg.thread_free(st);
	return NULL;
}

pthread_t *par_threads_start(int n, void *(*fn)(void *), void *arg, const char *what)
{
	pthread_t *th = xcalloc((size_t)n, sizeof(*th));
	for (int i = 0; i < n; i++) {
		int rc = pthread_create(&th[i], NULL, fn, arg);
		if (rc)
			die(GRIST_EXIT_INTERNAL, "cannot start %s: %s", what, strerror(rc));
	}
	return th;
}

void par_threads_stop(pthread_t *threads, int n, pthread_mutex_t *mu, pthread_cond_t *cv, int *stop)
{
	if (mu) {
		pthread_mutex_lock(mu);
		*stop = 1;
		pthread_cond_broadcast(cv);
		pthread_mutex_unlock(mu);
	}
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}

struct par *par_new(const struct par_config *cfg)
{
	struct par *p = xcalloc(1, sizeof(*p));
	p->cfg = *cfg;
	if (p->cfg.jobs < 1)
		p->cfg.jobs = 1;
	p->nslots = p->cfg.jobs == 1 ? 1 : 2 * p->cfg.jobs + 2;
	p->slots = xcalloc((size_t)p->nslots, sizeof(*p->slots));
	p->state = xcalloc((size_t)p->nslots, sizeof(*p->state));
	for (int i = 0; i < p->nslots; i++) {
		buf_init(&p->slots[i].out, 0);
		buf_init(&p->slots[i].rejects, 0);
		buf_init(&p->slots[i].fatal, 0);
		buf_init(&p->slots[i].warnings, 0);
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work_cv, NULL);
	pthread_cond_init(&p->done_cv, NULL);
	if (p->cfg.jobs == 1) {
		p->inline_state = p->cfg.thread_new ? p->cfg.thread_new(p->cfg.shared) : NULL;
	} else {
		p->threads = par_threads_start(p->cfg.jobs, worker_main, p, "a worker thread");
	}
	return p;
}

/* Emit done batches in order; with `wait`, block until at least the oldest is emitted.
 * Called with the lock held. */
static void emit_ready(struct par *p, int wait)
{
	for (;;) {
		int idx = -1;
		int pending = 0;
		for (int i = 0; i < p->nslots; i++) {
			if (p->state[i] == SLOT_FREE || p->state[i] == SLOT_FILLING)
				continue;
			pending = 1;
			if (p->slots[i].seq == p->emit_seq)
				idx = i;
		}
		if (!pending)
			return;
		if (idx < 0 || p->state[idx] != SLOT_DONE) {
			if (!wait)
				return;
			pthread_cond_wait(&p->done_cv, &p->mu);
			continue;
		}
		pthread_mutex_unlock(&p->mu);
		p->cfg.emit(p->cfg.shared, &p->slots[idx]);
		pthread_mutex_lock(&p->mu);
		p->state[idx] = SLOT_FREE;
		p->emit_seq++;
		wait = 0;
	}
}

struct batch *par_get_batch(struct par *p)
{
	pthread_mutex_lock(&p->mu);
	for (;;) {
		for (int i = 0; i < p->nslots; i++)
			if (p->state[i] == SLOT_FREE) {
				p->state[i] = SLOT_FILLING;
				pthread_mutex_unlock(&p->mu);
				batch_clear(&p->slots[i]);
				return &p->slots[i];
			}
		emit_ready(p, 1);
	}
}

void par_return_batch(struct par *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	p->state[b - p->slots] = SLOT_FREE;
	pthread_mutex_unlock(&p->mu);
}

void par_submit(struct par *p, struct batch *b)
{
	b->seq = p->next_seq++;
	if (p->cfg.jobs == 1) {
		p->cfg.work(p->cfg.shared, p->inline_state, b);
		p->cfg.emit(p->cfg.shared, b);
		p->emit_seq++;
		par_return_batch(p, b);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->state[b - p->slots] = SLOT_QUEUED;
	pthread_cond_signal(&p->work_cv);
	emit_ready(p, 0);
	pthread_mutex_unlock(&p->mu);
}

void par_finish(struct par *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->emit_seq < p->next_seq)
		emit_ready(p, 1);
	pthread_mutex_unlock(&p->mu);
	if (p->threads)
		par_threads_stop(p->threads, p->cfg.jobs, &p->mu, &p->work_cv, &p->stop);
	if (p->inline_state && p->cfg.thread_free)
		p->cfg.thread_free(p->inline_state);
	for (int i = 0; i < p->nslots; i++)
		batch_release(&p->slots[i]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->work_cv);
	pthread_cond_destroy(&p->done_cv);
	free(p->slots);
	free(p->state);
	free(p);
}
