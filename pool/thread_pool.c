/*
 * thread_pool.c - the per-thread strategy (SQLAlchemy's
 * SingletonThreadPool): each thread keeps one connection, handed to every
 * checkout that thread makes (nested checkouts share it), and closed when
 * the thread exits. The default for in-memory SQLite, where each
 * connection is a database of its own.
 *
 * pool_size is the number of threads whose connections are kept at once
 * (SQLAlchemy's SingletonThreadPool): when a thread opens one more, idle
 * connections of other threads are closed, the oldest thread's first, until
 * the count is within the size. Unlike SQLAlchemy, a connection another
 * thread has checked out is never closed under it: the pool then holds more
 * than pool_size until they come back idle.
 *
 * The thread's connection hangs off a thread-specific slot; the strategy
 * also keeps every slot on a list (under the pool's lock) to dispose of
 * idle connections from any thread. A thread that exits while the engine
 * lives has its connection closed by the key's destructor; free the
 * engine only once no thread uses it any more.
 */
#include "pool_internal.h"

#include <quarry/sys/error.h>

#include <stdlib.h>

typedef struct per_thread per_thread;

typedef struct slot {
	per_thread *owner;
	qr_pool_record *rec; /* NULL until the thread checks out */
	struct slot *prev, *next;
} slot;

struct per_thread {
	qr_pool *pool;
	pthread_key_t key;
	int size;   /* pool_size: threads whose connections are kept */
	slot slots; /* sentinel, oldest thread first */
};

static void slot_unlink(slot *s)
{
	s->prev->next = s->next;
	s->next->prev = s->prev;
}

/* The thread-exit destructor: the thread's connection is closed. */
static void thread_gone(void *value)
{
	slot *s = value;
	qr_pool *pool = s->owner->pool;
	qr_pool_lock(pool);
	slot_unlink(s);
	if (s->rec) {
		qr_pool_record_set_data(s->rec, NULL);
		qr_pool_record_retire(pool, s->rec);
	}
	free(s);
	qr_pool_unlock(pool);
}

static int thread_create(void **state, qr_pool *pool,
			 const qr_pool_settings *settings)
{
	per_thread *t = calloc(1, sizeof(*t));
	if (!t)
		return qr_error_oom("per-thread pool");
	if (pthread_key_create(&t->key, thread_gone) != 0) {
		free(t);
		return qr_error_set(QR_ERROR, QR_ECLASS_INTERNAL,
				    "per-thread pool: no thread-specific key "
				    "left");
	}
	t->pool = pool;
	t->size = settings->size;
	t->slots.prev = t->slots.next = &t->slots;
	*state = t;
	return 0;
}

static void thread_destroy(void *state)
{
	per_thread *t = state;
	/* Deleting the key first: no destructor runs for it afterwards. */
	pthread_key_delete(t->key);
	slot *s = t->slots.next;
	while (s != &t->slots) {
		slot *next = s->next;
		free(s);
		s = next;
	}
	free(t);
}

/* Closes the slot's connection (idle: no checkout holds it). */
static void slot_release(per_thread *t, slot *s)
{
	qr_pool_record_set_data(s->rec, NULL);
	qr_pool_record_retire(t->pool, s->rec);
	s->rec = NULL;
}

/* Makes room for keep's new connection: closes other threads' idle
 * connections, oldest thread first, while size or more are kept. */
static void make_room(per_thread *t, const slot *keep)
{
	int kept = 0;
	for (slot *s = t->slots.next; s != &t->slots; s = s->next)
		kept += s->rec != NULL;
	for (slot *s = t->slots.next; s != &t->slots && kept >= t->size;
	     s = s->next) {
		if (s != keep && s->rec &&
		    qr_pool_record_holders(s->rec) == 0) {
			slot_release(t, s);
			kept--;
		}
	}
}

static int thread_get(void *state, qr_pool_record **out)
{
	per_thread *t = state;
	slot *s = pthread_getspecific(t->key);
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return qr_error_oom("per-thread pool slot");
		if (pthread_setspecific(t->key, s) != 0) {
			free(s);
			return qr_error_oom("per-thread pool slot");
		}
		s->owner = t;
		s->next = &t->slots;
		s->prev = t->slots.prev;
		t->slots.prev->next = s;
		t->slots.prev = s;
	}
	if (!s->rec) {
		make_room(t, s);
		s->rec = qr_pool_record_new(t->pool);
		if (!s->rec)
			return QR_ENOMEM;
		qr_pool_record_set_data(s->rec, s);
	}
	*out = s->rec;
	return 0;
}

static void thread_put(void *state, qr_pool_record *rec)
{
	(void)state;
	(void)rec; /* stays with its thread */
}

static void thread_forget(void *state, qr_pool_record *rec)
{
	(void)state;
	slot *s = qr_pool_record_data(rec);
	if (s && s->rec == rec)
		s->rec = NULL;
	qr_pool_record_set_data(rec, NULL);
}

static void thread_dispose(void *state)
{
	per_thread *t = state;
	for (slot *s = t->slots.next; s != &t->slots; s = s->next) {
		if (s->rec && qr_pool_record_holders(s->rec) == 0)
			slot_release(t, s);
	}
}

const qr_pool_strategy qr_pool__per_thread_strategy = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "SingletonThreadPool",
	.create = thread_create,
	.destroy = thread_destroy,
	.get = thread_get,
	.put = thread_put,
	.forget = thread_forget,
	.dispose = thread_dispose,
};
