/*
 * pool_flaky.h - "sqlite+flaky", a test driver for the pool tests: the
 * SQLite driver behind a switchboard that can kill connections as a
 * server would (pg_terminate_backend, a restart) and refuse new ones, so
 * unit tests can see disconnects without a server.
 *
 * A killed connection fails every later call (execute, begin, commit,
 * rollback, ping) with QR_EDISCONNECT, SQLSTATE 08006 and is_disconnect.
 *
 * "sqlite+hollow" is the same switchboard with no database behind it:
 * connections are plain memory, ping answers, execute fails. For tests
 * that must not enter SQLite (a fork while other threads run: SQLite's
 * own mutexes are not fork-safe).
 *
 * Include from one test program; call flaky_install() first.
 */
#ifndef QUARRY_TEST_POOL_FLAKY_H
#define QUARRY_TEST_POOL_FLAKY_H

#include <quarry/sys/dialect.h>
#include <quarry/sys/error.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct qr_driver_conn {
	qr_driver_conn *real; /* the SQLite driver's; NULL when hollow */
	uint64_t serial;      /* 1, 2, ... in connect order */
	atomic_bool killed;
};

static const qr_driver *flaky_real;
static qr_driver flaky_driver;
static qr_driver flaky_hollow_driver;
static atomic_uint_fast64_t flaky_serial;      /* last connection made */
static atomic_uint_fast64_t flaky_killed_upto; /* serials <= this: dead */
static atomic_bool flaky_refusing;             /* connect fails */
static atomic_int flaky_pings, flaky_connects, flaky_closes;

static inline bool flaky_dead(qr_driver_conn *c)
{
	return atomic_load(&c->killed) ||
	       c->serial <= atomic_load(&flaky_killed_upto);
}

static inline int flaky_gone(void)
{
	return qr_error_set_db(QR_EDISCONNECT, QR_ECLASS_OPERATIONAL, "08006",
			       0, true,
			       "server closed the connection unexpectedly");
}

static inline int flaky_connect(qr_driver_conn **out,
				const qr_connect_args *args)
{
	if (atomic_load(&flaky_refusing))
		return qr_error_set_db(QR_EDISCONNECT, QR_ECLASS_OPERATIONAL,
				       "08001", 0, true,
				       "could not connect to server: "
				       "Connection refused");
	qr_driver_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return qr_error_oom("flaky connection");
	const char *driver = qr_url_driver(args->url);
	int rc = driver && strcmp(driver, "hollow") == 0
			 ? 0
			 : flaky_real->connect(&c->real, args);
	if (rc) {
		free(c);
		return rc;
	}
	c->serial = atomic_fetch_add(&flaky_serial, 1) + 1;
	atomic_fetch_add(&flaky_connects, 1);
	*out = c;
	return 0;
}

static inline void flaky_close(qr_driver_conn *c)
{
	if (!c)
		return;
	atomic_fetch_add(&flaky_closes, 1);
	if (c->real)
		flaky_real->close(c->real);
	free(c);
}

static inline int flaky_execute(qr_driver_cursor **out, qr_driver_conn *c,
				const qr_driver_exec *ex)
{
	if (flaky_dead(c))
		return flaky_gone();
	if (!c->real)
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "a hollow connection cannot execute");
	return flaky_real->execute(out, c->real, ex);
}

static inline int flaky_begin(qr_driver_conn *c)
{
	if (flaky_dead(c))
		return flaky_gone();
	return c->real ? flaky_real->begin(c->real) : 0;
}

static inline int flaky_commit(qr_driver_conn *c)
{
	if (flaky_dead(c))
		return flaky_gone();
	return c->real ? flaky_real->commit(c->real) : 0;
}

static inline int flaky_rollback(qr_driver_conn *c)
{
	if (flaky_dead(c))
		return flaky_gone();
	return c->real ? flaky_real->rollback(c->real) : 0;
}

static inline int flaky_ping(qr_driver_conn *c)
{
	atomic_fetch_add(&flaky_pings, 1);
	if (flaky_dead(c))
		return flaky_gone();
	return c->real ? flaky_real->ping(c->real) : 0;
}

static inline int flaky_set_isolation(qr_driver_conn *c, qr_isolation level)
{
	if (flaky_dead(c))
		return flaky_gone();
	return c->real ? flaky_real->set_isolation(c->real, level) : 0;
}

static inline const char *flaky_server_version(qr_driver_conn *c)
{
	return c->real ? flaky_real->server_version(c->real) : "hollow";
}

/* Registers sqlite+flaky and sqlite+hollow (once per process). */
static inline void flaky_install(void)
{
	if (flaky_real)
		return;
	if (qr_driver_find(&flaky_real, "sqlite", "sqlite3") != 0)
		abort();
	flaky_driver = *flaky_real; /* cursors are the real driver's */
	flaky_driver.name = "flaky";
	flaky_driver.connect = flaky_connect;
	flaky_driver.close = flaky_close;
	flaky_driver.execute = flaky_execute;
	flaky_driver.begin = flaky_begin;
	flaky_driver.commit = flaky_commit;
	flaky_driver.rollback = flaky_rollback;
	flaky_driver.ping = flaky_ping;
	flaky_driver.set_isolation = flaky_set_isolation;
	flaky_driver.server_version = flaky_server_version;
	flaky_hollow_driver = flaky_driver;
	flaky_hollow_driver.name = "hollow";
	if (qr_register_driver(&flaky_driver) != 0 ||
	    qr_register_driver(&flaky_hollow_driver) != 0)
		abort();
}

/* Kills every connection opened so far, as a server restart does. */
static inline void flaky_kill_all(void)
{
	atomic_store(&flaky_killed_upto, atomic_load(&flaky_serial));
}

/* Kills one connection, as pg_terminate_backend() does. */
static inline void flaky_kill(qr_driver_conn *c)
{
	atomic_store(&c->killed, true);
}

/* Makes new connections fail (server down) or succeed again. */
static inline void flaky_refuse(bool refuse)
{
	atomic_store(&flaky_refusing, refuse);
}

/* Resets the counters and the switches between tests. */
static inline void flaky_reset(void)
{
	atomic_store(&flaky_pings, 0);
	atomic_store(&flaky_connects, 0);
	atomic_store(&flaky_closes, 0);
	atomic_store(&flaky_refusing, false);
	atomic_store(&flaky_killed_upto, atomic_load(&flaky_serial));
}

#endif
