/*
 * queue_pool.c - the queue strategy (SQLAlchemy's QueuePool): up to size
 * connections kept idle, up to max_overflow more opened under load and
 * closed when they come back to a full queue, and checkouts waiting up
 * to the timeout beyond that. LIFO or FIFO reuse.
 */
#include "pool_internal.h"

#include <quarry/sys/error.h>

#include <stdlib.h>

typedef struct queue {
	qr_pool *pool;
	int size;
	int max_overflow; /* -1: unlimited */
	bool lifo;
	int count; /* records held: idle + handed out */
	int nidle;
	int head;              /* oldest idle in ring */
	qr_pool_record **ring; /* size slots of idle records */
} queue;

static int queue_create(void **state, qr_pool *pool,
			const qr_pool_settings *settings)
{
	queue *q = calloc(1, sizeof(*q));
	if (!q)
		return qr_error_oom("queue pool");
	q->ring = calloc((size_t)settings->size, sizeof(*q->ring));
	if (!q->ring) {
		free(q);
		return qr_error_oom("queue pool");
	}
	q->pool = pool;
	q->size = settings->size;
	q->max_overflow = settings->max_overflow;
	q->lifo = settings->use_lifo;
	*state = q;
	return 0;
}

static void queue_destroy(void *state)
{
	queue *q = state;
	free(q->ring);
	free(q);
}

static int queue_get(void *state, qr_pool_record **out)
{
	queue *q = state;
	if (q->nidle > 0) {
		if (q->lifo) {
			*out = q->ring[(q->head + q->nidle - 1) % q->size];
		} else {
			*out = q->ring[q->head];
			q->head = (q->head + 1) % q->size;
		}
		q->nidle--;
		return 0;
	}
	if (q->max_overflow >= 0 && q->count >= q->size + q->max_overflow)
		return QR_POOL_WAIT;
	*out = qr_pool_record_new(q->pool);
	if (!*out)
		return QR_ENOMEM;
	q->count++;
	return 0;
}

static void queue_put(void *state, qr_pool_record *rec)
{
	queue *q = state;
	if (q->nidle < q->size) {
		q->ring[(q->head + q->nidle) % q->size] = rec;
		q->nidle++;
	} else {
		/* An overflow connection: closed. */
		q->count--;
		qr_pool_record_retire(q->pool, rec);
	}
}

static void queue_forget(void *state, qr_pool_record *rec)
{
	queue *q = state;
	(void)rec; /* handed out, so not in the ring */
	q->count--;
}

static void queue_dispose(void *state)
{
	queue *q = state;
	while (q->nidle > 0) {
		qr_pool_record *rec = q->ring[q->head];
		q->head = (q->head + 1) % q->size;
		q->nidle--;
		q->count--;
		qr_pool_record_retire(q->pool, rec);
	}
	q->head = 0;
}

const qr_pool_strategy qr_pool__queue_strategy = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "QueuePool",
	.create = queue_create,
	.destroy = queue_destroy,
	.get = queue_get,
	.put = queue_put,
	.forget = queue_forget,
	.dispose = queue_dispose,
};
