/*
 * pool.h - the connection pool as the engine sees it (private to
 * libquarry).
 *
 * A pool hands out pooled connections (a driver connection plus the
 * bookkeeping the pool keeps on it) and takes them back. Strategies:
 * queue (bounded, reused, with overflow and a checkout timeout), null (a
 * new connection per checkout), static (one connection for every
 * checkout). Thread-safe: any thread may check out and in.
 */
#ifndef QUARRY_POOL_POOL_H
#define QUARRY_POOL_POOL_H

#include <quarry/engine.h>
#include <quarry/sys/driver.h>

#include <sys/types.h>

typedef struct qr_pool qr_pool;

typedef struct qr_pooled {
	qr_driver_conn *dconn;  /* the driver's connection */
	double created;         /* monotonic seconds at connect */
	pid_t pid;              /* process that connected (fork safety) */
	bool invalidated;       /* never hand out again */
	int checkouts;          /* how many times handed out */
	struct qr_pooled *next; /* idle list link */
} qr_pooled;

/* Called on each new driver connection (the engine sets isolation). */
typedef int (*qr_pool_on_connect_fn)(void *userdata, qr_driver_conn *dconn);

typedef struct qr_pool_config {
	const qr_driver *driver;
	const qr_url *url;               /* copied by the pool */
	const char *const *connect_args; /* borrowed for the pool's life */
	qr_log_fn log_fn;
	void *log_userdata;
	qr_pool_kind kind; /* resolved: never DEFAULT */
	int size;
	int max_overflow; /* -1: unlimited */
	double timeout;
	double recycle; /* 0: never */
	bool pre_ping;
	bool use_lifo;
	qr_pool_on_connect_fn on_connect;
	void *on_connect_userdata;
} qr_pool_config;

/* Creates a pool; nothing connects yet. Errors: QR_ENOMEM. */
int qr_pool__new(qr_pool **out, const qr_pool_config *cfg);

/*
 * Hands out a connection, connecting when none is idle and the limits
 * allow; waits up to the timeout otherwise (QR_ETIMEOUT naming size,
 * overflow and timeout). Pre-ping and recycle are applied here.
 */
int qr_pool__checkout(qr_pool *pool, qr_pooled **out);

/* Takes a connection back (the caller has reset it); an invalidated one
 * is closed instead of kept. */
void qr_pool__checkin(qr_pool *pool, qr_pooled *conn);

/* Marks a connection unusable: it is closed at checkin. */
void qr_pool__invalidate(qr_pool *pool, qr_pooled *conn);

/* Closes every idle connection. */
void qr_pool__dispose(qr_pool *pool);

/* Closes everything and releases the pool. Accepts NULL. */
void qr_pool__free(qr_pool *pool);

/* Monotonic time in seconds. */
double qr_pool__now(void);

#endif
