/*
 * quarry/sys/pool.h - the plugin API for connection pool strategies.
 *
 * A pool is split in two. The pool itself (libquarry) connects, pings,
 * recycles, invalidates, resets, fires events, tracks who holds what and
 * is fork- and thread-safe. A *strategy* only decides which connection
 * record a checkout gets and what happens to a record when it comes back:
 * SQLAlchemy's QueuePool, NullPool, StaticPool and SingletonThreadPool are
 * strategies, and so is anything an application plugs in through
 * qr_engine_options.pool_strategy.
 *
 * A record (qr_pool_record) is a slot for one driver connection. The pool
 * connects a record the first time it is handed out, and reconnects it
 * in place when it is found too old (recycle), invalidated, created before
 * a pool-wide invalidation, or made by another process (after fork). A
 * strategy creates records with qr_pool_record_new() and lets go of them
 * with qr_pool_record_retire(); the pool closes a retired record's
 * connection once no checkout holds it.
 *
 * Locking: every strategy function except create and destroy is called
 * with the pool's lock held, so a strategy needs no lock of its own; it
 * must not block, connect or close anything (the pool does I/O outside
 * the lock). Code that reaches a strategy's state from elsewhere (a
 * thread-exit destructor, a timer) takes the lock with qr_pool_lock().
 *
 * The strategy struct is versioned and append-only, like the driver API;
 * it must stay valid and unchanged while any engine uses it.
 */
#ifndef QUARRY_SYS_POOL_H
#define QUARRY_SYS_POOL_H

#include "../pool.h"
#include "driver.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_pool qr_pool;
typedef struct qr_pool_record qr_pool_record;

/* What a strategy's create() is given: the engine's pool options. */
typedef struct qr_pool_settings {
	int size;         /* pool_size, >= 1 */
	int max_overflow; /* connections beyond size; -1: no limit */
	double timeout;   /* checkout timeout in seconds (the pool waits) */
	bool use_lifo;    /* reuse the most recently returned first */
} qr_pool_settings;

/* get(): nothing can be handed out now; the pool waits for a checkin. */
#define QR_POOL_WAIT 1

typedef struct qr_pool_strategy {
	int api_version; /* QR_PLUGIN_API_VERSION */
	/* Shown in messages: "QueuePool limit of size 5 overflow 10
	 * reached, ...". Static. */
	const char *name;

	/* Creates the strategy's state for pool (borrowed for the state's
	 * life). settings is borrowed for the call. Returns 0 or an error
	 * recorded with qr_error_set(). Called without the lock. */
	int (*create)(void **state, qr_pool *pool,
		      const qr_pool_settings *settings);

	/* Releases the state. Every record has been retired or forgotten
	 * by then (dispose() was called). Called without the lock. */
	void (*destroy)(void *state);

	/*
	 * Chooses the record for a checkout into *out: an idle one, one
	 * already checked out (strategies that share a connection: static,
	 * per-thread), or a new one from qr_pool_record_new(), and returns
	 * 0. Returns QR_POOL_WAIT when the limit is reached (the pool waits
	 * for a checkin, then calls get() again, up to the timeout), or a
	 * negative error. The pool may call get() again for the same
	 * checkout (after it called forget() on a stale shared record).
	 */
	int (*get)(void *state, qr_pool_record **out);

	/* The last checkout holding rec returned it (it is valid and
	 * connected): keep it for later, or qr_pool_record_retire() it. */
	void (*put)(void *state, qr_pool_record *rec);

	/* The pool takes rec away from the strategy (its connection failed
	 * or was invalidated, or it must be replaced while still shared):
	 * drop every reference to it and free its slot. rec was handed out
	 * by get(); do not retire it, the pool does. */
	void (*forget)(void *state, qr_pool_record *rec);

	/* Retires every idle record (qr_engine_dispose(), fork, free). */
	void (*dispose)(void *state);
	/* Fields appended by later API versions go below; never reorder. */
} qr_pool_strategy;

/*
 * A new record owned by pool, not yet connected (the pool connects it
 * when it is handed out). Lock held. Returns NULL with QR_ENOMEM recorded
 * when out of memory; get() then returns QR_ENOMEM.
 */
QR_API qr_pool_record *qr_pool_record_new(qr_pool *pool);

/*
 * The strategy lets go of rec: its connection is closed once no checkout
 * holds it (right after the lock is released if none does). Lock held.
 * A retired record is never handed to the strategy again.
 */
QR_API void qr_pool_record_retire(qr_pool *pool, qr_pool_record *rec);

/* How many checkouts hold rec now (0: idle). Lock held. */
QR_API int qr_pool_record_holders(const qr_pool_record *rec);

/* Monotonic time (qr_pool_clock()) rec was last returned, or created. */
QR_API double qr_pool_record_idle_since(const qr_pool_record *rec);

/* A pointer the strategy keeps on each record; NULL until set. */
QR_API void *qr_pool_record_data(const qr_pool_record *rec);
QR_API void qr_pool_record_set_data(qr_pool_record *rec, void *data);

/*
 * Takes / releases the pool's lock, for strategy code that runs outside
 * the pool's calls. Releasing it closes the connections of records
 * retired meanwhile. Not recursive: never call from a strategy function.
 */
QR_API void qr_pool_lock(qr_pool *pool);
QR_API void qr_pool_unlock(qr_pool *pool);

/* Monotonic seconds, the clock the pool uses for ages and timeouts. */
QR_API double qr_pool_clock(void);

/*
 * The built-in strategies (QR_POOL_QUEUE, _NULL, _STATIC, _PER_THREAD),
 * static, for wrapping in a custom one; NULL for QR_POOL_DEFAULT or an
 * unknown kind.
 */
QR_API const qr_pool_strategy *qr_pool_strategy_builtin(qr_pool_kind kind);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_SYS_POOL_H */
