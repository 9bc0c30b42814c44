/*
 * pool_internal.h - the pool's structs, shared by the files of pool/
 * (the pool core, the built-in strategies, diagnostics and fork safety).
 */
#ifndef QUARRY_POOL_INTERNAL_H
#define QUARRY_POOL_INTERNAL_H

#include "listener_list.h"
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

struct qr_pool_record {
	qr_pool *pool;
	qr_driver_conn *dconn; /* NULL until connected */
	uint64_t id;           /* of the current driver connection */
	double created;        /* qr_pool__now() at connect */
	double idle_since;     /* last checkin, or creation */
	pid_t pid;             /* process that connected it */
	unsigned generation;   /* the pool's generation at connect */
	int holders;           /* checkouts holding it */
	bool busy;             /* being connected or pinged outside the lock */
	bool invalidated;      /* never hand out again */
	bool retired;          /* the strategy let go of it */
	bool orphan;           /* held by a parent process's checkout */
	void *strategy_data;   /* qr_pool_record_data() */
	qr_pool_record *grave_next; /* the pool's list of records to close */
};

struct qr_pool {
	qr_pool_config cfg;
	qr_url *url; /* owned copy */
	const qr_pool_strategy *strategy;
	void *state; /* the strategy's */

	pthread_mutex_t lock;
	pthread_cond_t slot_freed; /* a checkin or forget: signal */
	pthread_cond_t ready;      /* a busy record is ready: broadcast */

	pid_t pid;           /* process the pool now lives in */
	bool forked;         /* set in a fork child until handled */
	unsigned generation; /* bumped by dispose and pool invalidation */

	qr_pooled holders; /* sentinel of the holders list */
	qr_pooled orphans; /* checkouts a parent process made (fork child) */
	qr_pool_record *graveyard; /* retired, idle: close after unlock */

	/* Counters (lock held). */
	int checked_out; /* checkouts held */
	int records;     /* records alive, not orphaned */
	int in_use;      /* of those, with holders */
	int waiting;
	uint64_t connects, checkouts, invalidations, recycles, timeouts;

	/* Listeners per event, append-only, read without the lock. */
	qr_listener_list listeners[QR_POOL_EVENT_COUNT]; /* listener_list.h */

	/* The process-wide list of pools (fork.c). */
	qr_pool *fork_prev, *fork_next;
};

/* The built-in strategies. */
extern const qr_pool_strategy qr_pool__queue_strategy;
extern const qr_pool_strategy qr_pool__null_strategy;
extern const qr_pool_strategy qr_pool__static_strategy;
extern const qr_pool_strategy qr_pool__per_thread_strategy;

/* Registers / unregisters a pool for fork handling (fork.c). */
void qr_pool__fork_track(qr_pool *pool);
void qr_pool__fork_untrack(qr_pool *pool);

/* Re-creates the condition variables in a fork child. */
void qr_pool__reinit_conds(qr_pool *pool);

/* Keeps a driver connection of the parent process, which a fork child
 * must neither close nor use, referenced for the process's life. */
void qr_pool__keep_foreign(qr_driver_conn *dconn);

/* Forgets everything the parent process held (lock held; fork child). */
void qr_pool__after_fork(qr_pool *pool);

/* Records the checkout-timeout error naming size, overflow, timeout and
 * the holders (diag.c). Lock held. Returns QR_ETIMEOUT. */
int qr_pool__timeout_error(qr_pool *pool);

/* Unlocks the pool and closes the records retired meanwhile. */
void qr_pool__unlock_and_reap(qr_pool *pool);

#endif
