/*
 * pool.h - the connection pool as the engine sees it (private to
 * libquarry).
 *
 * A pool hands out checkouts (qr_pooled: a driver connection plus where
 * it was checked out) and takes them back. Which connection a checkout
 * gets is the strategy's choice (quarry/sys/pool.h: queue, null, static,
 * per-thread, or a custom one); connecting, pre-ping, recycle,
 * invalidation, events, holder tracking and fork safety are the pool's.
 * Thread-safe: any thread may check out and in.
 */
#ifndef QUARRY_POOL_POOL_H
#define QUARRY_POOL_POOL_H

#include <quarry/pool.h>
#include <quarry/sys/driver.h>
#include <quarry/sys/pool.h>

/* One checkout, owned by the connection that holds it. */
typedef struct qr_pooled {
	qr_driver_conn *dconn; /* the driver's connection */
	bool invalidated;      /* invalidated through this checkout */
	qr_pool_record *rec;   /* the pool's record behind it */
	uint64_t id;           /* connection id, once connected */
	const char *file;      /* where it was checked out (may be NULL) */
	int line;
	const char *func;
	double since;                  /* qr_pool_clock() at checkout */
	bool orphan;                   /* checked out by a parent process */
	struct qr_pooled *prev, *next; /* the pool's list of holders */
} qr_pooled;

/* Where a checkout happens (see qr_engine_connect_at). */
typedef struct qr_pool_site {
	const char *file;
	int line;
	const char *func;
} qr_pool_site;

/* Called on each new driver connection before the CONNECT listeners (the
 * engine sets the isolation level). */
typedef int (*qr_pool_on_connect_fn)(void *userdata, qr_driver_conn *dconn);

typedef struct qr_pool_config {
	const qr_driver *driver;
	const qr_url *url;               /* copied by the pool */
	const char *const *connect_args; /* borrowed for the pool's life */
	qr_log_fn log_fn;
	void *log_userdata;
	const qr_pool_strategy *strategy; /* borrowed for the pool's life */
	qr_pool_settings settings;
	double recycle; /* maximum age in seconds; 0: never */
	bool pre_ping;
	qr_pool_on_connect_fn on_connect;
	void *on_connect_userdata;
} qr_pool_config;

/* Creates a pool; nothing connects yet. Errors: QR_EINVAL (strategy of
 * an unknown API version), the strategy's create() errors, QR_ENOMEM. */
int qr_pool__new(qr_pool **out, const qr_pool_config *cfg);

/*
 * Hands out a connection into *out (the caller's, returned with
 * qr_pool__checkin()): the strategy's choice, (re)connected if it is new,
 * invalidated, too old or from another process, and pre-pinged when
 * configured (a dead connection is invalidated with every older one and
 * replaced once, transparently). Waits up to the timeout when the strategy
 * says so: QR_ETIMEOUT names size, overflow, timeout and the holders.
 * site may be NULL. Errors: connect errors, QR_ETIMEOUT, QR_ENOMEM.
 */
int qr_pool__checkout(qr_pool *pool, qr_pooled **out, const qr_pool_site *site);

/*
 * Takes a checkout back and frees it. transaction_was_reset tells the
 * RESET listeners whether the caller rolled back an open transaction. An
 * invalidated connection, or one from before a dispose or a pool-wide
 * invalidation, is closed instead of kept. Accepts NULL.
 */
void qr_pool__checkin(qr_pool *pool, qr_pooled *conn,
		      bool transaction_was_reset);

/* Whether conn is the only checkout holding its connection (false for
 * one checked out before a fork): no other checkout shares it (the
 * per-thread and static strategies hand one connection to several). */
bool qr_pool__sole_holder(qr_pool *pool, const qr_pooled *conn);

/*
 * Marks a checkout's connection unusable (fires INVALIDATE with the
 * calling thread's last error when error is true): it is never handed out
 * again and is closed at checkin. With whole_pool, every connection
 * opened before now is replaced at its next checkout or checkin
 * (SQLAlchemy's pool invalidation after a disconnect).
 */
void qr_pool__invalidate(qr_pool *pool, qr_pooled *conn, bool whole_pool,
			 bool error);

/* Closes every idle connection; connections checked out now are closed
 * when they come back. The pool stays usable. */
void qr_pool__dispose(qr_pool *pool);

/* Closes everything and releases the pool. Accepts NULL. */
void qr_pool__free(qr_pool *pool);

/* Removes the first live listener with fn and userdata (see
 * qr_engine_off); QR_EINVAL, with nothing recorded, when there is none. */
int qr_pool__unlisten(qr_pool *pool, qr_pool_event event, qr_pool_listener fn,
		      void *userdata);

/* Adds a listener (see qr_engine_on). */
int qr_pool__listen(qr_pool *pool, qr_pool_event event, qr_pool_listener fn,
		    void *userdata);

/* See qr_engine_pool_status / qr_engine_pool_holders. */
void qr_pool__status(qr_pool *pool, qr_pool_status *out);
void qr_pool__holders(qr_pool *pool, qr_pool_holder *out, size_t cap,
		      size_t *count);

/* Monotonic time in seconds (qr_pool_clock). */
double qr_pool__now(void);

#endif
