/*
 * quarry/pool.h - watching and hooking an engine's connection pool.
 *
 * The pool settings are engine options (quarry/engine.h: pool_kind,
 * pool_size, max_overflow, pool_timeout, pool_recycle, pool_pre_ping,
 * pool_use_lifo, pool_reset_on_return, pool_strategy). This header adds
 * what SQLAlchemy offers as pool events and Pool.status(), plus the list
 * of current holders that a pool-exhaustion error also prints.
 *
 * Default pool per URL (as SQLAlchemy 2.0 chooses): SQLite in memory
 * (":memory:", "mode=memory", "file::memory:") gets QR_POOL_PER_THREAD,
 * SQLAlchemy's SingletonThreadPool: each thread keeps one connection, so
 * a thread sees the same in-memory database on every checkout, and
 * different threads see different databases (use a file, or
 * QR_POOL_STATIC to share one connection between threads, at the cost of
 * sharing its transaction too). Everything else gets QR_POOL_QUEUE.
 */
#ifndef QUARRY_POOL_H
#define QUARRY_POOL_H

#include "engine.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct qr_driver;      /* quarry/sys/driver.h */
struct qr_driver_conn; /* quarry/sys/driver.h */

typedef enum qr_pool_event {
	/* A driver connection was opened (after the isolation level was
	 * set). An error from the listener fails the connect. */
	QR_POOL_EVENT_CONNECT = 0,
	/* A connection is handed out (after pre-ping). A listener returning
	 * QR_EDISCONNECT makes the pool invalidate the connection and
	 * connect again, once; any other error fails the checkout. */
	QR_POOL_EVENT_CHECKOUT,
	/* A connection comes back, before it is kept or closed. connection
	 * is NULL when it was invalidated. */
	QR_POOL_EVENT_CHECKIN,
	/* A valid connection comes back and is reset (rolled back, unless
	 * pool_reset_on_return is QR_RESET_NONE): transaction_was_reset
	 * tells whether an open transaction was rolled back. */
	QR_POOL_EVENT_RESET,
	/* A connection is invalidated (a disconnect seen while executing or
	 * pinging, or qr_conn_invalidate()); error is the cause, or NULL. */
	QR_POOL_EVENT_INVALIDATE,
	/* The pool closes a driver connection (overflow, recycle,
	 * invalidation, dispose, engine free). */
	QR_POOL_EVENT_CLOSE
} qr_pool_event;

#define QR_POOL_EVENT_COUNT 6

/* What a listener is told. Everything is borrowed for the call. */
typedef struct qr_pool_event_info {
	qr_pool_event event;
	/* Unique per driver connection in the process, from 1: a recycled
	 * or reconnected connection gets a new one. */
	uint64_t connection_id;
	/* The driver and its connection (quarry/sys/driver.h), for running
	 * a statement on connect; NULL where stated above. */
	const struct qr_driver *driver;
	struct qr_driver_conn *connection;
	double age; /* seconds since the driver connection was opened */
	/* CHECKOUT, CHECKIN, RESET: where the connection was checked out
	 * (see qr_engine_connect), or NULL and 0 when unknown. */
	const char *file;
	int line;
	const char *func;
	bool transaction_was_reset; /* RESET */
	const qr_error *error;      /* INVALIDATE: the cause, or NULL */
} qr_pool_event_info;

/*
 * A listener. Called on the thread doing the checkout, checkin, etc.,
 * without any pool lock held; it may use the driver connection it is
 * given but must not check connections out of the same engine. Returns 0,
 * or an error (recorded with qr_error_set()) where the event says one
 * matters.
 */
typedef int (*qr_pool_listener)(void *userdata, const qr_pool_event_info *info);

/*
 * Adds fn as a listener for event on the engine's pool, after those added
 * before. Listeners stay until removed with qr_engine_off or the
 * engine is freed. Thread-safe, also while
 * other threads use the engine (they may miss a listener being added
 * concurrently). Errors: QR_EINVAL (NULL engine or fn, unknown event),
 * QR_ENOMEM.
 */
QR_API int qr_engine_on(qr_engine *engine, qr_pool_event event,
			qr_pool_listener fn, void *userdata);

/*
 * Removes a listener added with qr_engine_on (SQLAlchemy's event.remove):
 * the first one still active for event with the same fn and userdata, so
 * a listener added twice must be removed twice. Later events do not call
 * it; a call already running on another thread finishes. Thread-safe like
 * qr_engine_on. The few bytes it used stay allocated until the engine is
 * freed. Errors: QR_EINVAL (NULL engine or fn, unknown event, or no such
 * listener: "qr_engine_off: no listener with this function and userdata
 * for the pool's "checkout" event").
 */
QR_API int qr_engine_off(qr_engine *engine, qr_pool_event event,
			 qr_pool_listener fn, void *userdata);

/* A snapshot of the pool's counters (SQLAlchemy's Pool.status()). */
typedef struct qr_pool_status {
	const char *strategy; /* "QueuePool", ...; static */
	int size;             /* pool_size */
	int max_overflow;     /* -1: no limit */
	double timeout;       /* pool_timeout */
	int checked_out;      /* checkouts currently held (qr_conn) */
	int open;             /* driver connections the pool holds open */
	int idle;             /* of those, not checked out */
	int overflow;         /* open beyond size (0 when within size) */
	int waiting;          /* threads waiting for a connection */
	/* Totals since the engine was created. */
	uint64_t connects;      /* driver connections opened */
	uint64_t checkouts;     /* successful checkouts */
	uint64_t invalidations; /* connections invalidated */
	uint64_t recycles;      /* connections replaced for their age */
	uint64_t timeouts;      /* checkouts that timed out */
} qr_pool_status;

/*
 * Fills *out with the engine's pool counters, read together under the
 * pool's lock. Errors: QR_EINVAL (NULL argument).
 */
QR_API int qr_engine_pool_status(const qr_engine *engine, qr_pool_status *out);

/* One current checkout. */
typedef struct qr_pool_holder {
	const char *file; /* where it was checked out, or NULL if unknown */
	int line;
	const char *func;
	double held;            /* seconds since checkout */
	uint64_t connection_id; /* as in qr_pool_event_info */
} qr_pool_holder;

/*
 * Lists the current checkouts, longest held first, into out[0 .. cap-1]
 * (out may be NULL when cap is 0); *count receives how many there are in
 * all, which may exceed cap. Strings are static (from __FILE__ and
 * __func__). Errors: QR_EINVAL (NULL engine or count).
 */
QR_API int qr_engine_pool_holders(const qr_engine *engine, qr_pool_holder *out,
				  size_t cap, size_t *count);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_POOL_H */
