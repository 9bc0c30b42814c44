/*
 * fault_support.h - server-fault scenarios shared by the PostgreSQL and
 * MariaDB fault tests (tests/postgresql/test_faults.c,
 * tests/mysql/test_faults.c). Header only: each test program includes it
 * once and supplies a fault_backend describing its server.
 *
 * The scenarios:
 *   - terminated mid-transaction: the server ends a session that has an
 *     open transaction with uncommitted work. The next statement fails
 *     with QR_EDISCONNECT (OperationalError), the connection is
 *     invalidated, nothing runs and commit fails until the program rolls
 *     back, and committed rows are intact;
 *   - killed under a workload: a thread inserts and commits row after row
 *     while the test kills its sessions again and again, or restarts the
 *     server (see fault_restart_command: CI only). Every error
 *     the workload sees is an OperationalError, the workload goes on by
 *     itself afterwards, and every row whose commit succeeded is there;
 *   - a unique violation in the middle of an executemany: IntegrityError,
 *     and after the rollback nothing of the batch remains;
 *   - a statement timeout: an OperationalError, and the connection stays
 *     usable.
 */
#ifndef QUARRY_TEST_FAULT_SUPPORT_H
#define QUARRY_TEST_FAULT_SUPPORT_H

#include "test_support.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct fault_backend {
	/* SQL returning the server's id of the session running it. */
	const char *session_id_sql;
	/* printf format of SQL ending the session with that id (%lld). */
	const char *kill_fmt;
	/* printf format of SQL counting sessions with that id (%lld). */
	const char *alive_fmt;
	/* SQL making the session's statements time out after ~200 ms. */
	const char *timeout_sql;
	/* A statement that runs for 3 s unless interrupted. */
	const char *slow_sql;
	/* scripts/services.sh's name for the server. */
	const char *service;
	/* Environment variable that may hold a command restarting the
	 * server, instead of scripts/services.sh stop + start. */
	const char *restart_env;
} fault_backend;

static const fault_backend *fault_be;

#define FAULT_TABLE "qt_faults"
#define FAULT_MAX_IDS 200000

static double fault_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fault_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int64_t fault_scalar(qr_conn *conn, const char *sql)
{
	qr_result *res;
	const qr_value *v;
	int64_t n = -1;

	qr_assert_ok(qr_conn_execute_text(&res, conn, sql, NULL));
	assert_int_equal(qr_result_scalar(res, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(res);
	return n;
}

static int fault_insert(qr_conn *conn, int64_t id)
{
	qr_params *p = qr_params_new();
	int rc;

	if (!p)
		return QR_ENOMEM;
	qr_params_int(p, "id", id);
	qr_params_text(p, "v", "fault test row");
	rc = qr_conn_execute_text(
		NULL, conn,
		"INSERT INTO " FAULT_TABLE " (id, v) VALUES (:id, :v)", p);
	qr_params_free(p);
	return rc;
}

/* The ids in the table, ascending, as "1,3" (at most cap bytes). */
static void fault_ids(qr_conn *conn, char *buf, size_t cap)
{
	qr_result *res;
	const qr_row *row;
	size_t n = 0;
	int rc;

	buf[0] = '\0';
	qr_assert_ok(qr_conn_execute_text(
		&res, conn, "SELECT id FROM " FAULT_TABLE " ORDER BY id",
		NULL));
	while ((rc = qr_result_next(res, &row)) > 0) {
		int64_t id;
		qr_assert_ok(qr_row_int64(row, 0, &id));
		n += (size_t)snprintf(buf + n, cap - n, "%s%lld", n ? "," : "",
				      (long long)id);
	}
	assert_int_equal(rc, 0);
	qr_result_free(res);
}

static void fault_create_table(qr_engine *engine)
{
	qr_conn *conn = qr_test_connect(engine);
	qr_test_drop(conn, "DROP TABLE " FAULT_TABLE);
	qr_test_exec(conn, "CREATE TABLE " FAULT_TABLE
			   " (id BIGINT PRIMARY KEY, v VARCHAR(40))");
	qr_assert_ok(qr_conn_commit(conn));
	qr_conn_free(conn);
}

static void fault_drop_table(void)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = qr_test_connect(engine);
	qr_test_drop(conn, "DROP TABLE " FAULT_TABLE);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* Ends session id from killer and waits (bounded) until it is gone. */
static void fault_kill(qr_conn *killer, int64_t id)
{
	char sql[256];

	snprintf(sql, sizeof(sql), fault_be->kill_fmt, (long long)id);
	qr_test_exec_quiet(killer, sql);
	qr_conn_rollback(killer);
	snprintf(sql, sizeof(sql), fault_be->alive_fmt, (long long)id);
	for (int i = 0; i < 250 && fault_scalar(killer, sql) > 0; i++) {
		qr_conn_rollback(killer);
		fault_sleep_ms(20);
	}
	qr_assert_ok(qr_conn_rollback(killer));
}

/* ------------------------------------------------- terminated mid-tx */

static void fault_test_terminated_mid_transaction(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *victim, *killer;
	char ids[64];
	int64_t id;

	(void)state;
	fault_create_table(engine);
	victim = qr_test_connect(engine);
	killer = qr_test_connect(engine);
	qr_assert_ok(fault_insert(victim, 1));
	qr_assert_ok(qr_conn_commit(victim));

	/* Uncommitted work, then the server ends the session. */
	id = fault_scalar(victim, fault_be->session_id_sql);
	qr_assert_ok(fault_insert(victim, 2));
	assert_true(qr_conn_in_transaction(victim));
	fault_kill(killer, id);

	assert_int_equal(fault_insert(victim, 3), QR_EDISCONNECT);
	assert_true(qr_error_last()->is_disconnect);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_OPERATIONAL);
	assert_true(qr_conn_invalidated(victim));

	/* The transaction's work is gone: nothing runs on a new
	 * connection and nothing "commits" until the rollback. */
	assert_true(qr_conn_in_transaction(victim));
	assert_int_equal(fault_insert(victim, 4), QR_ESTATE);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INVALID_REQUEST);
	assert_int_equal(qr_conn_commit(victim), QR_ESTATE);
	qr_assert_ok(qr_conn_rollback(victim));
	assert_false(qr_conn_in_transaction(victim));

	/* Then the connection reconnects; committed data is intact. */
	fault_ids(victim, ids, sizeof(ids));
	assert_string_equal(ids, "1");
	assert_false(qr_conn_invalidated(victim));
	qr_assert_ok(fault_insert(victim, 5));
	qr_assert_ok(qr_conn_commit(victim));
	fault_ids(killer, ids, sizeof(ids));
	assert_string_equal(ids, "1,5");
	qr_assert_ok(qr_conn_commit(killer));

	qr_conn_free(killer);
	qr_conn_free(victim);
	qr_engine_free(engine);
	fault_drop_table();
}

/* The same inside a transaction block with a savepoint: the block's
 * rollback is what the program has to do, and it works. */
static void fault_test_terminated_in_block(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *victim, *killer;
	qr_tx *tx, *sp;
	char ids[64];

	(void)state;
	fault_create_table(engine);
	victim = qr_test_connect(engine);
	killer = qr_test_connect(engine);

	qr_assert_ok(qr_conn_begin(&tx, victim));
	qr_assert_ok(fault_insert(victim, 1));
	qr_assert_ok(qr_conn_begin_nested(&sp, victim));
	qr_assert_ok(fault_insert(victim, 2));
	fault_kill(killer, fault_scalar(victim, fault_be->session_id_sql));
	assert_int_equal(fault_insert(victim, 3), QR_EDISCONNECT);
	assert_int_equal(qr_tx_commit(sp), QR_ESTATE);
	assert_int_equal(qr_tx_commit(tx), QR_ESTATE);
	assert_true(qr_tx_is_active(tx));
	qr_assert_ok(qr_tx_rollback(tx));
	qr_tx_free(sp);
	qr_tx_free(tx);

	fault_ids(victim, ids, sizeof(ids));
	assert_string_equal(ids, "");
	qr_assert_ok(qr_conn_commit(victim));
	qr_conn_free(killer);
	qr_conn_free(victim);
	qr_engine_free(engine);
	fault_drop_table();
}

/* ----------------------------------------------- workload under fire */

typedef struct fault_workload {
	qr_engine *engine;
	pthread_t thread;
	atomic_bool stop;
	atomic_llong session; /* the worker's current session id, or 0 */
	atomic_long committed_count;
	int64_t *committed; /* ids whose commit succeeded */
	long errors;        /* statements that failed */
	long bad_errors;    /* ... with anything but an OperationalError */
	char bad[QR_ERROR_MESSAGE_MAX + 64];
} fault_workload;

static void *fault_worker(void *arg)
{
	fault_workload *w = arg;
	qr_conn *conn = NULL;

	for (int64_t id = 1; !atomic_load(&w->stop) && id < FAULT_MAX_IDS;
	     id++) {
		qr_result *res = NULL;
		const qr_value *v;
		int64_t sid;
		int rc = 0;

		if (!conn)
			rc = qr_engine_connect(&conn, w->engine);
		if (rc == 0)
			rc = qr_conn_execute_text(
				&res, conn, fault_be->session_id_sql, NULL);
		if (rc == 0 && qr_result_scalar(res, &v) == 1 &&
		    qr_value_int64(v, &sid) == 0)
			atomic_store(&w->session, sid);
		qr_result_free(res);
		if (rc == 0)
			rc = fault_insert(conn, id);
		if (rc == 0)
			rc = qr_conn_commit(conn);
		if (rc == 0) {
			w->committed[atomic_load(&w->committed_count)] = id;
			atomic_fetch_add(&w->committed_count, 1);
			continue;
		}
		w->errors++;
		if (qr_error_last()->klass != QR_ECLASS_OPERATIONAL ||
		    (rc != QR_EDB && rc != QR_EDISCONNECT &&
		     rc != QR_ETIMEOUT)) {
			if (!w->bad_errors++)
				snprintf(w->bad, sizeof(w->bad),
					 "id %lld: %d %s: %s", (long long)id,
					 rc,
					 qr_errclass_name(
						 qr_error_last()->klass),
					 qr_error_last()->message);
		}
		atomic_store(&w->session, 0);
		if (conn)
			qr_conn_rollback(conn);
		fault_sleep_ms(20);
	}
	qr_conn_free(conn);
	return NULL;
}

static qr_engine *fault_engine(void)
{
	qr_engine_options opts = {.pool_size = 2, .pool_timeout = 5};
	qr_engine *engine = NULL;
	if (qr_engine_create(&engine, qr_test_url(), &opts) != 0)
		fail_msg("engine: %s", qr_error_last()->message);
	return engine;
}

static void fault_workload_start(fault_workload *w)
{
	memset(w, 0, sizeof(*w));
	w->engine = fault_engine();
	fault_create_table(w->engine);
	w->committed = calloc(FAULT_MAX_IDS, sizeof(int64_t));
	assert_non_null(w->committed);
	assert_int_equal(pthread_create(&w->thread, NULL, fault_worker, w), 0);
}

/* Waits until the worker has committed `more` rows beyond now. */
static bool fault_workload_progress(fault_workload *w, long more,
				    double seconds)
{
	long target = atomic_load(&w->committed_count) + more;
	double end = fault_now() + seconds;
	while (atomic_load(&w->committed_count) < target) {
		if (fault_now() > end)
			return false;
		fault_sleep_ms(20);
	}
	return true;
}

/* Stops the worker and checks what it saw and what the table holds. */
static void fault_workload_finish(fault_workload *w, bool expect_errors)
{
	qr_conn *conn;
	qr_result *res;
	const qr_row *row;
	char *present = calloc(FAULT_MAX_IDS, 1);
	long n = atomic_load(&w->committed_count), missing = 0;
	int rc;

	atomic_store(&w->stop, true);
	pthread_join(w->thread, NULL);
	n = atomic_load(&w->committed_count);
	print_message("  workload: %ld commits, %ld errors\n", n, w->errors);
	if (w->bad_errors)
		fail_msg("%ld errors were not OperationalErrors; first: %s",
			 w->bad_errors, w->bad);
	if (expect_errors && w->errors == 0)
		fail_msg("the faults did not reach the workload");

	conn = qr_test_connect(w->engine);
	qr_assert_ok(qr_conn_execute_text(&res, conn,
					  "SELECT id FROM " FAULT_TABLE, NULL));
	while ((rc = qr_result_next(res, &row)) > 0) {
		int64_t id;
		qr_assert_ok(qr_row_int64(row, 0, &id));
		assert_true(id > 0 && id < FAULT_MAX_IDS);
		present[id] = 1;
	}
	assert_int_equal(rc, 0);
	qr_result_free(res);
	for (long i = 0; i < n; i++)
		missing += !present[w->committed[i]];
	if (missing)
		fail_msg("%ld of %ld committed rows are missing", missing, n);
	qr_assert_ok(qr_conn_commit(conn));
	qr_conn_free(conn);
	free(present);
	free(w->committed);
	qr_engine_free(w->engine);
	fault_drop_table();
}

/* Every session the workload uses is killed, five times over. */
static void fault_test_killed_under_workload(void **state)
{
	fault_workload w;
	qr_engine *other = qr_test_engine();
	qr_conn *killer = qr_test_connect(other);

	(void)state;
	fault_workload_start(&w);
	for (int k = 0; k < 5; k++) {
		int64_t sid;
		if (!fault_workload_progress(&w, 3, 20))
			fail_msg("the workload does not recover (kill %d)", k);
		double end = fault_now() + 20;
		while ((sid = atomic_load(&w.session)) == 0) {
			if (fault_now() > end)
				fail_msg("the workload has no session");
			fault_sleep_ms(5);
		}
		fault_kill(killer, sid);
	}
	if (!fault_workload_progress(&w, 3, 20))
		fail_msg("the workload does not recover after the kills");
	qr_conn_free(killer);
	qr_engine_free(other);
	fault_workload_finish(&w, true);
}

/*
 * The command restarting the server, or NULL when the test must not: as
 * in tests/support/pool_server.h, a restart happens only as root with
 * CI=true or QUARRY_TEST_SERVER_RESTART=1 (other programs using the
 * server would see it too), through scripts/services.sh, unless
 * fault_be->restart_env names another command.
 */
static const char *fault_restart_command(char *buf, size_t cap)
{
	const char *cmd = getenv(fault_be->restart_env);
	const char *ci = getenv("CI");
	const char *opt = getenv("QUARRY_TEST_SERVER_RESTART");
	const char *here = __FILE__;
	const char *cut = strstr(here, "tests/support/");

	if (cmd && *cmd)
		return cmd;
	if (geteuid() != 0 || !cut ||
	    !((ci && !strcmp(ci, "true")) || (opt && !strcmp(opt, "1"))))
		return NULL;
	snprintf(buf, cap,
		 "bash '%.*sscripts/services.sh' stop %s >/dev/null 2>&1 && "
		 "bash '%.*sscripts/services.sh' start %s >/dev/null 2>&1",
		 (int)(cut - here), here, fault_be->service, (int)(cut - here),
		 here, fault_be->service);
	return buf;
}

/* The server restarted under the workload. */
static void fault_test_server_restart(void **state)
{
	char buf[1024];
	const char *cmd = fault_restart_command(buf, sizeof(buf));
	fault_workload w;
	double t0;
	int rc;

	(void)state;
	if (!cmd) {
		print_message("  not restarting the server (needs root and "
			      "CI=true or QUARRY_TEST_SERVER_RESTART=1, or "
			      "%s)\n",
			      fault_be->restart_env);
		skip();
	}
	fault_workload_start(&w);
	if (!fault_workload_progress(&w, 5, 20))
		fail_msg("the workload does not start");
	t0 = fault_now();
	rc = system(cmd);
	if (rc != 0 && cmd == buf) {
		/* Whatever happened, leave the server running. */
		snprintf(buf, sizeof(buf), "%s", strstr(buf, "&& ") + 3);
		rc = system(buf);
	}
	if (rc != 0)
		fail_msg("'%s' failed", cmd);
	print_message("  server restarted in %.1f s\n", fault_now() - t0);
	if (!fault_workload_progress(&w, 5, 60))
		fail_msg("the workload does not recover after the restart");
	fault_workload_finish(&w, true);
}

/* ------------------------------------------ unique violation in a batch */

static void fault_test_unique_violation_mid_batch(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn;
	qr_params *p;
	qr_tx *tx;
	char ids[64];

	(void)state;
	fault_create_table(engine);
	conn = qr_test_connect(engine);
	qr_assert_ok(fault_insert(conn, 3));
	qr_assert_ok(qr_conn_commit(conn));

	/* Rows 1..5: the third collides with the committed row 3. */
	p = qr_params_new();
	for (int i = 1; i <= 5; i++) {
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "id", i));
		qr_assert_ok(qr_params_text(p, "v", "batch"));
	}
	assert_int_equal(qr_conn_execute_text(NULL, conn,
					      "INSERT INTO " FAULT_TABLE
					      " (id, v) VALUES (:id, :v)",
					      p),
			 QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	assert_int_equal(strncmp(qr_error_last()->sqlstate, "23", 2), 0);
	qr_assert_ok(qr_conn_rollback(conn));
	fault_ids(conn, ids, sizeof(ids));
	assert_string_equal(ids, "3");
	qr_assert_ok(qr_conn_commit(conn));

	/* The same in a transaction block, after work of its own. */
	qr_assert_ok(qr_conn_begin(&tx, conn));
	qr_assert_ok(fault_insert(conn, 10));
	assert_int_equal(qr_conn_execute_text(NULL, conn,
					      "INSERT INTO " FAULT_TABLE
					      " (id, v) VALUES (:id, :v)",
					      p),
			 QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	qr_assert_ok(qr_tx_rollback(tx));
	qr_tx_free(tx);
	fault_ids(conn, ids, sizeof(ids));
	assert_string_equal(ids, "3");
	qr_assert_ok(qr_conn_commit(conn));

	qr_params_free(p);
	qr_conn_free(conn);
	qr_engine_free(engine);
	fault_drop_table();
}

/* -------------------------------------------------- statement timeout */

static void fault_test_statement_timeout(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn;
	qr_result *res = NULL;
	const qr_value *v;
	char ids[64];
	double t0;
	int rc;

	(void)state;
	fault_create_table(engine);
	conn = qr_test_connect(engine);
	qr_assert_ok(fault_insert(conn, 1));
	qr_assert_ok(qr_conn_commit(conn));

	qr_test_exec(conn, fault_be->timeout_sql);
	t0 = fault_now();
	/* The error may come with the statement or with its row. */
	rc = qr_conn_execute_text(&res, conn, fault_be->slow_sql, NULL);
	if (rc == 0) {
		rc = qr_result_scalar(res, &v);
		if (rc == 1) {
			int64_t got = -1;
			qr_value_int64(v, &got);
			fail_msg("the slow statement returned %lld after %.1f "
				 "s",
				 (long long)got, fault_now() - t0);
		}
	}
	qr_result_free(res);
	if (rc != QR_EDB && rc != QR_ETIMEOUT)
		fail_msg("a timed-out statement returned %d: %s", rc,
			 qr_error_last()->message);
	if (qr_error_last()->klass != QR_ECLASS_OPERATIONAL)
		fail_msg("a timed-out statement is a %s: %s",
			 qr_errclass_name(qr_error_last()->klass),
			 qr_error_last()->message);
	assert_false(qr_error_last()->is_disconnect);
	assert_true(fault_now() - t0 < 2.5);
	assert_false(qr_conn_invalidated(conn));

	qr_assert_ok(qr_conn_rollback(conn));
	fault_ids(conn, ids, sizeof(ids));
	assert_string_equal(ids, "1");
	qr_assert_ok(qr_conn_commit(conn));
	qr_conn_free(conn);
	qr_engine_free(engine);
	fault_drop_table();
}

#define FAULT_TESTS                                                      \
	cmocka_unit_test(fault_test_terminated_mid_transaction),         \
		cmocka_unit_test(fault_test_terminated_in_block),        \
		cmocka_unit_test(fault_test_unique_violation_mid_batch), \
		cmocka_unit_test(fault_test_statement_timeout),          \
		cmocka_unit_test(fault_test_killed_under_workload),      \
		cmocka_unit_test(fault_test_server_restart)

#endif
