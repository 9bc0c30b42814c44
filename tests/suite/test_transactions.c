/*
 * test_transactions.c - commit as you go, begin blocks, savepoints, the
 * rollback of a connection returned mid-transaction (its own, or one
 * begun by SQL text), and echo logging.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
	qr_engine *engine;
	qr_conn *conn;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->engine = qr_test_engine();
	f->conn = qr_test_connect(f->engine);
	qr_test_drop(f->conn, "DROP TABLE qt_tx");
	qr_test_exec(f->conn, "CREATE TABLE qt_tx (id INTEGER PRIMARY KEY, "
			      "label VARCHAR(20))");
	qr_assert_ok(qr_conn_commit(f->conn));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	if (f->conn) {
		qr_test_drop(f->conn, "DROP TABLE qt_tx");
		qr_conn_free(f->conn);
	}
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

static void insert(qr_conn *conn, int id)
{
	qr_params *p = qr_params_new();
	qr_params_int(p, "id", id);
	qr_params_text(p, "label", "x");
	qr_assert_ok(qr_conn_execute_text(
		NULL, conn,
		"INSERT INTO qt_tx (id, label) VALUES (:id, :label)", p));
	qr_params_free(p);
}

/* Rows in qt_tx as seen by a fresh connection (for servers) or by the
 * same connection (in-memory SQLite shares one connection). */
static int64_t count_rows(qr_conn *conn)
{
	qr_result *r;
	const qr_value *v;
	int64_t n = -1;
	qr_assert_ok(qr_conn_execute_text(&r, conn,
					  "SELECT count(*) FROM qt_tx", NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(r);
	return n;
}

static void test_autobegin_commit_rollback(void **state)
{
	fixture *f = *state;
	assert_false(qr_conn_in_transaction(f->conn));
	insert(f->conn, 1);
	assert_true(qr_conn_in_transaction(f->conn));
	qr_assert_ok(qr_conn_commit(f->conn));
	assert_false(qr_conn_in_transaction(f->conn));
	insert(f->conn, 2);
	qr_assert_ok(qr_conn_rollback(f->conn));
	assert_int_equal(count_rows(f->conn), 1);
	/* Commit and rollback with nothing begun are no-ops. */
	qr_assert_ok(qr_conn_rollback(f->conn));
	qr_assert_ok(qr_conn_rollback(f->conn));
	qr_assert_ok(qr_conn_commit(f->conn));
}

static void test_begin_block(void **state)
{
	fixture *f = *state;
	qr_tx *tx;
	qr_assert_ok(qr_conn_begin(&tx, f->conn));
	assert_true(qr_tx_is_active(tx));
	insert(f->conn, 1);
	qr_assert_ok(qr_tx_commit(tx));
	assert_false(qr_tx_is_active(tx));
	assert_int_equal(qr_tx_commit(tx), QR_ESTATE);
	qr_tx_free(tx);

	qr_assert_ok(qr_conn_begin(&tx, f->conn));
	insert(f->conn, 2);
	qr_tx_free(tx); /* unfinished: rolled back */
	assert_int_equal(count_rows(f->conn), 1);
	qr_conn_rollback(f->conn);
}

static void test_begin_twice_is_an_error(void **state)
{
	fixture *f = *state;
	qr_tx *tx, *tx2 = NULL;
	insert(f->conn, 1); /* autobegins */
	assert_int_equal(qr_conn_begin(&tx2, f->conn), QR_ESTATE);
	assert_null(tx2);
	assert_non_null(strstr(qr_error_last()->message, "already begun"));
	qr_assert_ok(qr_conn_commit(f->conn));
	qr_assert_ok(qr_conn_begin(&tx, f->conn));
	qr_assert_ok(qr_tx_rollback(tx));
	qr_tx_free(tx);
}

static void test_savepoints(void **state)
{
	fixture *f = *state;
	qr_tx *outer, *sp1, *sp2;
	qr_assert_ok(qr_conn_begin(&outer, f->conn));
	insert(f->conn, 1);
	qr_assert_ok(qr_conn_begin_nested(&sp1, f->conn));
	insert(f->conn, 2);
	qr_assert_ok(qr_conn_begin_nested(&sp2, f->conn));
	insert(f->conn, 3);
	qr_assert_ok(qr_tx_rollback(sp2)); /* undoes 3 */
	assert_int_equal(count_rows(f->conn), 2);
	qr_assert_ok(qr_tx_commit(sp1)); /* keeps 2 */
	qr_assert_ok(qr_tx_commit(outer));
	assert_int_equal(count_rows(f->conn), 2);
	qr_tx_free(sp2);
	qr_tx_free(sp1);
	qr_tx_free(outer);
	qr_conn_rollback(f->conn);

	/* Rolling back an outer savepoint ends the inner one. */
	qr_assert_ok(qr_conn_begin_nested(&sp1, f->conn));
	insert(f->conn, 10);
	qr_assert_ok(qr_conn_begin_nested(&sp2, f->conn));
	insert(f->conn, 11);
	qr_assert_ok(qr_tx_rollback(sp1));
	assert_false(qr_tx_is_active(sp2));
	assert_int_equal(qr_tx_commit(sp2), QR_ESTATE);
	assert_int_equal(count_rows(f->conn), 2);
	qr_tx_free(sp1);
	qr_tx_free(sp2);
	qr_assert_ok(qr_conn_commit(f->conn));
}

static void test_savepoint_after_failed_statement(void **state)
{
	fixture *f = *state;
	qr_tx *sp;
	insert(f->conn, 1);
	qr_assert_ok(qr_conn_begin_nested(&sp, f->conn));
	/* A duplicate key fails inside the savepoint ... */
	qr_params *p = qr_params_new();
	qr_params_int(p, "id", 1);
	qr_params_text(p, "label", "dup");
	assert_int_equal(qr_conn_execute_text(NULL, f->conn,
					      "INSERT INTO qt_tx (id, label) "
					      "VALUES (:id, :label)",
					      p),
			 QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	qr_params_free(p);
	/* ... and rolling back to it keeps the outer work. */
	qr_assert_ok(qr_tx_rollback(sp));
	qr_tx_free(sp);
	insert(f->conn, 2);
	qr_assert_ok(qr_conn_commit(f->conn));
	assert_int_equal(count_rows(f->conn), 2);
}

static void test_connection_returned_mid_transaction(void **state)
{
	fixture *f = *state;
	qr_conn *c2 = qr_test_connect(f->engine);
	insert(c2, 5);
	qr_conn_free(c2); /* returned to the pool: rolled back */
	assert_int_equal(count_rows(f->conn), 0);
	qr_conn_rollback(f->conn);
}

/* A transaction begun by SQL text on an AUTOCOMMIT connection is not
 * the connection's, but the pool rolls it back all the same when the
 * connection comes back (SQLAlchemy's reset on return): the next
 * checkout of that connection does not find it open. */
static void test_returned_with_text_transaction(void **state)
{
	fixture *f = *state;
	qr_conn_free(f->conn);
	/* the pool's only connection */
	qr_conn *c = qr_test_connect(f->engine);
	qr_assert_ok(qr_conn_set_isolation(c, QR_ISOLATION_AUTOCOMMIT));
	qr_test_exec(c, "BEGIN");
	insert(c, 7);
	assert_false(qr_conn_in_transaction(c));
	qr_conn_free(c);
	f->conn = qr_test_connect(f->engine);
	assert_int_equal(count_rows(f->conn), 0);
	qr_assert_ok(qr_conn_rollback(f->conn));
}

typedef struct log_capture {
	char lines[64][256];
	int count;
} log_capture;

static void capture(void *userdata, qr_log_level level, const char *msg)
{
	log_capture *c = userdata;
	(void)level;
	if (c->count < 64)
		snprintf(c->lines[c->count++], 256, "%s", msg);
}

static void test_echo(void **state)
{
	(void)state;
	log_capture cap = {0};
	qr_engine *e;
	qr_conn *c;
	qr_url *url;
	qr_assert_ok(qr_url_parse(&url, qr_test_url()));
	qr_assert_ok(qr_engine_create_url(
		&e, url,
		&(qr_engine_options){.echo = true,
				     .log_fn = capture,
				     .log_userdata = &cap}));
	qr_assert_ok(qr_engine_connect(&c, e));
	qr_params *p = qr_params_new();
	qr_params_text(p, "name", "ed");
	qr_params_int(p, "n", 5);
	qr_stmt *st = qr_text("SELECT :name, :n");
	qr_assert_ok(qr_conn_execute(NULL, c, st, p));
	/* The statement again: it keeps its compiled form. */
	qr_assert_ok(qr_conn_execute(NULL, c, st, p));
	qr_stmt_free(st);
	qr_params_free(p);
	qr_assert_ok(qr_conn_commit(c));
	qr_conn_free(c);
	qr_engine_free(e);

	assert_true(cap.count >= 6);
	assert_string_equal(cap.lines[0], "BEGIN (implicit)");
	assert_non_null(strstr(cap.lines[1], "SELECT "));
	assert_non_null(strstr(cap.lines[2], "[generated in "));
	assert_non_null(strstr(cap.lines[2], "('ed', 5)"));
	assert_non_null(strstr(cap.lines[3], "SELECT "));
	assert_non_null(strstr(cap.lines[4], "[cached since "));
	assert_non_null(strstr(cap.lines[4], "s ago] ('ed', 5)"));
	assert_string_equal(cap.lines[5], "COMMIT");
	/* The password never appears in a log line. */
	const char *pw = qr_url_password(url);
	for (int i = 0; pw && *pw && i < cap.count; i++)
		assert_null(strstr(cap.lines[i], pw));
	qr_url_free(url);
}

static void test_closed_connection(void **state)
{
	(void)state;
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_tx *tx;
	qr_assert_ok(qr_conn_begin(&tx, c));
	qr_assert_ok(qr_tx_commit(tx));
	qr_tx_free(tx);
	qr_conn_free(c);
	qr_engine_free(e);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_autobegin_commit_rollback,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_begin_block, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_begin_twice_is_an_error,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_savepoints, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_savepoint_after_failed_statement, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_connection_returned_mid_transaction, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_returned_with_text_transaction, setup, teardown),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_closed_connection),
	};
	return qr_test_run(argc, argv, "transactions", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
