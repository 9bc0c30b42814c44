/*
 * pool_server.h - the pool against a real server whose sessions are
 * killed (pg_terminate_backend, KILL CONNECTION) or restarted. Shared by
 * tests/postgresql/test_pool_kill.c and tests/mysql/test_pool_kill.c,
 * which describe their server in a ps_backend and call ps_main().
 *
 * Each engine learns the server-side id of every connection it opens from
 * a CONNECT listener that runs the id query on the driver connection; the
 * tests kill only those ids, never other programs' sessions.
 *
 * The restart test stops and starts the server with scripts/services.sh
 * (root only), and only when CI=true or QUARRY_TEST_SERVER_RESTART=1:
 * other programs using the same server would see the restart too. It
 * always leaves the server running.
 */
#ifndef QUARRY_TEST_POOL_SERVER_H
#define QUARRY_TEST_POOL_SERVER_H

#include "pool_testing.h"

#include <quarry/sys/driver.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct ps_backend {
	const char *service;   /* scripts/services.sh name */
	const char *id_sql;    /* this session's server-side id */
	const char *kill_fmt;  /* kills session %lld */
	const char *alive_fmt; /* counts sessions with id %lld */
} ps_backend;

static const ps_backend *ps_db;

/* ------------------------------------------------------------ helpers */

#define PS_MAX_IDS 256

/* Server-side ids of the connections an engine opened, in order. */
typedef struct ps_ids {
	pthread_mutex_t lock;
	long long id[PS_MAX_IDS];
	int n;
	int failures;
} ps_ids;

/* CONNECT listener: asks the new connection for its id. */
static inline int ps_learn_id(void *userdata, const qr_pool_event_info *info)
{
	ps_ids *ids = userdata;
	const qr_driver *d = info->driver;
	qr_driver_exec ex = {.sql = ps_db->id_sql,
			     .sql_len = strlen(ps_db->id_sql),
			     .nrows = 1};
	qr_driver_cursor *cur = NULL;
	qr_value v;
	int64_t id = 0;
	int rc = d->execute(&cur, info->connection, &ex);
	if (rc == 0)
		rc = d->fetch(cur, &v) == 1 ? qr_value_int64(&v, &id) : -1;
	d->cursor_free(cur);
	pthread_mutex_lock(&ids->lock);
	if (rc == 0 && ids->n < PS_MAX_IDS)
		ids->id[ids->n++] = id;
	else
		ids->failures++;
	pthread_mutex_unlock(&ids->lock);
	return rc ? QR_ERROR : 0;
}

static inline void ps_ids_init(ps_ids *ids)
{
	memset(ids, 0, sizeof(*ids));
	pthread_mutex_init(&ids->lock, NULL);
}

static inline int ps_ids_count(ps_ids *ids)
{
	pthread_mutex_lock(&ids->lock);
	int n = ids->n;
	pthread_mutex_unlock(&ids->lock);
	return n;
}

static inline long long ps_ids_at(ps_ids *ids, int i)
{
	pthread_mutex_lock(&ids->lock);
	long long id = ids->id[i];
	pthread_mutex_unlock(&ids->lock);
	return id;
}

/* An engine on the test URL that records its connections' ids. */
static inline qr_engine *ps_engine(const qr_engine_options *opts, ps_ids *ids)
{
	qr_engine *e = pt_engine(qr_test_url(), opts);
	ps_ids_init(ids);
	qr_assert_ok(qr_engine_on(e, QR_POOL_EVENT_CONNECT, ps_learn_id, ids));
	return e;
}

/* The server-side id of conn's session (runs a query on it). */
static inline long long ps_session_id(qr_conn *conn)
{
	long long id = (long long)pt_scalar(conn, ps_db->id_sql);
	qr_assert_ok(qr_conn_commit(conn));
	return id;
}

/* Kills session id from another connection and waits until it is gone. */
static inline void ps_kill(qr_engine *killer, long long id)
{
	char sql[200];
	qr_conn *k = qr_test_connect(killer);
	snprintf(sql, sizeof(sql), ps_db->kill_fmt, id);
	qr_result *r = NULL;
	int rc = qr_conn_execute_text(&r, k, sql, NULL);
	qr_result_free(r);
	/* Already gone is fine (MySQL: unknown thread id). */
	if (rc != 0 && qr_error_last()->native_code != 1094)
		fail_msg("%s: %s", sql, qr_error_last()->message);
	qr_conn_rollback(k);
	snprintf(sql, sizeof(sql), ps_db->alive_fmt, id);
	for (int i = 0; i < 500; i++) {
		int64_t alive = pt_scalar(k, sql);
		qr_conn_rollback(k);
		if (alive == 0)
			break;
		pt_sleep(0.01);
	}
	qr_conn_free(k);
}

static inline bool ps_contains(const long long *ids, int n, long long id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static qr_engine *ps_killer;

static inline int ps_setup(void **state)
{
	(void)state;
	ps_killer = pt_engine(qr_test_url(), NULL);
	return 0;
}

static inline int ps_teardown(void **state)
{
	(void)state;
	qr_engine_free(ps_killer);
	ps_killer = NULL;
	return 0;
}

/* -------------------------------------------------------------- tests */

/* Killed while checked out: the next statement fails with a disconnect,
 * the connection is invalidated, and the one after that runs on a new
 * session. */
static inline void ps_killed_connection_is_replaced(void **state)
{
	(void)state;
	ps_ids ids;
	qr_engine *e = ps_engine(NULL, &ids);
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *c = qr_test_connect(e);
	long long first = ps_session_id(c);
	assert_int_equal(first, ps_ids_at(&ids, 0));
	ps_kill(ps_killer, first);

	qr_result *r = NULL;
	int rc = qr_conn_execute_text(&r, c, ps_db->id_sql, NULL);
	assert_int_equal(rc, QR_EDISCONNECT);
	assert_null(r);
	assert_true(qr_error_last()->is_disconnect);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_OPERATIONAL);
	assert_true(qr_conn_invalidated(c));
	assert_false(qr_conn_in_transaction(c));
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_INVALIDATE), 1);
	assert_int_equal(atomic_load(&ev.invalidations_with_error), 1);

	long long second = ps_session_id(c);
	assert_true(second != first);
	assert_false(qr_conn_invalidated(c));
	qr_conn_free(c);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.connects, 2);
	assert_int_equal(st.open, 1);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.invalidations, 1);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 1);
	qr_engine_free(e);
	assert_int_equal(ids.failures, 0);
}

/* With pre-ping, sessions killed while idle never reach the
 * application: the ping finds them dead and the checkout reconnects. */
static inline void ps_pre_ping_hides_killed_sessions(void **state)
{
	(void)state;
	enum { N = 3 };
	ps_ids ids;
	qr_engine *e =
		ps_engine(&(qr_engine_options){.pool_pre_ping = true}, &ids);
	qr_conn *c[N];
	long long old[N];
	for (int i = 0; i < N; i++) {
		c[i] = qr_test_connect(e);
		old[i] = ps_session_id(c[i]);
	}
	for (int i = 0; i < N; i++)
		qr_conn_free(c[i]);
	for (int i = 0; i < N; i++)
		ps_kill(ps_killer, old[i]);

	for (int i = 0; i < N; i++) {
		c[i] = qr_test_connect(e);
		qr_error_clear();
		long long now = ps_session_id(c[i]); /* no error at all */
		assert_false(ps_contains(old, N, now));
		assert_int_equal(qr_error_last()->code, 0);
	}
	for (int i = 0; i < N; i++)
		qr_conn_free(c[i]);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.connects, 2 * N);
	assert_int_equal(st.open, N);
	assert_true(st.invalidations >= 1);
	assert_int_equal(ps_ids_count(&ids), 2 * N);
	qr_engine_free(e);
}

/* Without pre-ping the first use of a killed idle session fails; that
 * disconnect invalidates the older sessions too, so the next checkout of
 * another killed one is replaced before use. */
static inline void ps_disconnect_invalidates_older_sessions(void **state)
{
	(void)state;
	enum { N = 3 };
	ps_ids ids;
	qr_engine *e = ps_engine(NULL, &ids);
	qr_conn *c[N];
	long long old[N];
	for (int i = 0; i < N; i++) {
		c[i] = qr_test_connect(e);
		old[i] = ps_session_id(c[i]);
	}
	for (int i = 0; i < N; i++)
		qr_conn_free(c[i]);
	for (int i = 0; i < N; i++)
		ps_kill(ps_killer, old[i]);

	/* The first use fails; the same qr_conn then gets a new session
	 * (taking the place of a second killed one). */
	qr_conn *a = qr_test_connect(e);
	assert_int_equal(qr_conn_execute_text(NULL, a, "SELECT 1", NULL),
			 QR_EDISCONNECT);
	assert_false(ps_contains(old, N, ps_session_id(a)));
	/* The third killed one is replaced at checkout: no error. */
	qr_conn *b = qr_test_connect(e);
	qr_error_clear();
	assert_false(ps_contains(old, N, ps_session_id(b)));
	assert_int_equal(qr_error_last()->code, 0);
	qr_conn_free(a);
	qr_conn_free(b);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.connects, N + 2);
	assert_int_equal(st.invalidations, 1);
	assert_int_equal(st.open, 2);
	qr_engine_free(e);
}

typedef struct ps_work {
	qr_engine *engine;
	atomic_bool stop;
	atomic_int cycles, disconnects, failures;
	char first_error[QR_ERROR_MESSAGE_MAX];
} ps_work;

/* Checkout, one query, return; a disconnect mid-use is retried once on
 * the same qr_conn and must then succeed. */
static inline void *ps_worker(void *arg)
{
	ps_work *w = arg;
	while (!atomic_load(&w->stop)) {
		qr_conn *c = NULL;
		if (qr_engine_connect(&c, w->engine) != 0) {
			if (atomic_fetch_add(&w->failures, 1) == 0)
				snprintf(w->first_error, sizeof(w->first_error),
					 "%s", qr_error_last()->message);
			continue;
		}
		int rc = qr_conn_execute_text(NULL, c, "SELECT 1", NULL);
		if (rc == QR_EDISCONNECT) {
			atomic_fetch_add(&w->disconnects, 1);
			rc = qr_conn_execute_text(NULL, c, "SELECT 1", NULL);
		}
		if (rc != 0 && atomic_fetch_add(&w->failures, 1) == 0)
			snprintf(w->first_error, sizeof(w->first_error), "%s",
				 qr_error_last()->message);
		qr_conn_free(c);
		atomic_fetch_add(&w->cycles, 1);
	}
	return NULL;
}

/* Threads work while their sessions are killed under them, repeatedly. */
static inline void ps_kills_while_threads_work(void **state)
{
	(void)state;
	enum { THREADS = 4, ROUNDS = 4 };
	ps_ids ids;
	ps_work w = {.engine = ps_engine(
			     &(qr_engine_options){
				     .pool_size = 3,
				     .max_overflow = 1,
				     .pool_pre_ping = true,
			     },
			     &ids)};
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, ps_worker, &w), 0);
	int killed = 0;
	for (int round = 0; round < ROUNDS; round++) {
		int target = atomic_load(&w.cycles) + 50;
		while (atomic_load(&w.cycles) < target)
			pt_sleep(0.005);
		int n = ps_ids_count(&ids);
		for (; killed < n; killed++)
			ps_kill(ps_killer, ps_ids_at(&ids, killed));
	}
	int target = atomic_load(&w.cycles) + 50;
	while (atomic_load(&w.cycles) < target)
		pt_sleep(0.005);
	atomic_store(&w.stop, true);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	if (atomic_load(&w.failures))
		fail_msg("%d failures; first: %s", atomic_load(&w.failures),
			 w.first_error);
	qr_pool_status st = pt_status(w.engine);
	print_message("%d cycles, %d sessions killed, %d disconnects seen "
		      "mid-use, %llu connects\n",
		      atomic_load(&w.cycles), killed,
		      atomic_load(&w.disconnects),
		      (unsigned long long)st.connects);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.open, st.idle);
	assert_true(st.open <= 3);
	assert_true(st.connects > (uint64_t)killed / 2);
	qr_engine_free(w.engine);
	assert_int_equal(ids.failures, 0);
}

/* ------------------------------------------------------------ restart */

/* Runs scripts/services.sh cmd for this backend; 0 on success. */
static inline int ps_services(const char *cmd)
{
	char script[1024], line[1200];
	const char *here = __FILE__; /* .../tests/support/pool_server.h */
	const char *cut = strstr(here, "tests/support/pool_server.h");
	if (!cut)
		return -1;
	snprintf(script, sizeof(script), "%.*sscripts/services.sh",
		 (int)(cut - here), here);
	snprintf(line, sizeof(line), "bash '%s' %s %s >/dev/null 2>&1", script,
		 cmd, ps_db->service);
	return system(line);
}

static inline bool ps_restart_allowed(void)
{
	const char *ci = getenv("CI");
	const char *opt = getenv("QUARRY_TEST_SERVER_RESTART");
	return geteuid() == 0 &&
	       ((ci && strcmp(ci, "true") == 0) || (opt && !strcmp(opt, "1")));
}

static inline int ps_restart_teardown(void **state)
{
	/* Whatever happened, the server ends up running. */
	if (ps_restart_allowed())
		ps_services("start");
	return ps_teardown(state);
}

static inline void ps_server_restart_is_survived(void **state)
{
	(void)state;
	if (!ps_restart_allowed()) {
		print_message("not restarting the server (needs root and "
			      "CI=true or QUARRY_TEST_SERVER_RESTART=1)\n");
		skip();
	}
	ps_ids ids;
	qr_engine *e = ps_engine(
		&(qr_engine_options){.pool_pre_ping = true, .pool_timeout = 5},
		&ids);
	qr_conn *c[3];
	long long old[3];
	for (int i = 0; i < 3; i++) {
		c[i] = qr_test_connect(e);
		old[i] = ps_session_id(c[i]);
	}
	qr_conn_free(c[1]);
	qr_conn_free(c[2]); /* two idle, one held across the restart */

	assert_int_equal(ps_services("stop"), 0);
	/* While it is down: a clear error, nothing leaked. */
	qr_conn *down = NULL;
	assert_true(qr_engine_connect(&down, e) < 0);
	assert_null(down);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.checked_out, 1);
	assert_int_equal(ps_services("start"), 0);

	/* The held one finds out at its next statement, and recovers. */
	assert_int_equal(qr_conn_execute_text(NULL, c[0], "SELECT 1", NULL),
			 QR_EDISCONNECT);
	long long now = ps_session_id(c[0]);
	assert_false(ps_contains(old, 3, now));
	/* The idle ones are replaced at checkout: no error at all. */
	qr_conn *d = qr_test_connect(e);
	qr_conn *f = qr_test_connect(e);
	assert_false(ps_contains(old, 3, ps_session_id(d)));
	assert_false(ps_contains(old, 3, ps_session_id(f)));
	qr_conn_free(c[0]);
	qr_conn_free(d);
	qr_conn_free(f);
	st = pt_status(e);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.open, 3);
	qr_engine_free(e);
}

static inline int ps_main(int argc, char **argv, const char *group,
			  const ps_backend *backend)
{
	ps_db = backend;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			ps_killed_connection_is_replaced, ps_setup,
			ps_teardown),
		cmocka_unit_test_setup_teardown(
			ps_pre_ping_hides_killed_sessions, ps_setup,
			ps_teardown),
		cmocka_unit_test_setup_teardown(
			ps_disconnect_invalidates_older_sessions, ps_setup,
			ps_teardown),
		cmocka_unit_test_setup_teardown(ps_kills_while_threads_work,
						ps_setup, ps_teardown),
		cmocka_unit_test_setup_teardown(ps_server_restart_is_survived,
						ps_setup, ps_restart_teardown),
	};
	return qr_test_run(argc, argv, group, tests,
			   sizeof(tests) / sizeof(tests[0]));
}

#endif
