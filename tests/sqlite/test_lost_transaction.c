/*
 * test_lost_transaction.c - a transaction that SQLite rolled back by
 * itself is never mistaken for an open one.
 *
 * SQLite ends the whole transaction after some errors (out of memory,
 * disk full, I/O errors, a constraint with ON CONFLICT ROLLBACK). The
 * statements after that would run in autocommit mode, each saved at
 * once, and COMMIT would save nothing while reporting success. The
 * sqlite3 driver refuses both until the transaction is rolled back, as
 * PostgreSQL does in an aborted transaction. INSERT OR ROLLBACK provokes
 * the situation deterministically.
 */
#include "test_support.h"

#include <string.h>

static int64_t count(qr_conn *conn)
{
	return qr_test_scalar_int(conn, "SELECT count(*) FROM t");
}

static void test_statements_refused_until_rollback(void **state)
{
	qr_engine *engine;
	qr_conn *conn;

	(void)state;
	qr_assert_ok(qr_engine_create(&engine, "sqlite://", NULL));
	qr_assert_ok(qr_engine_connect(&conn, engine));
	qr_test_exec(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
	qr_assert_ok(qr_conn_commit(conn));

	qr_test_exec(conn, "INSERT INTO t VALUES (1)");
	assert_true(qr_conn_in_transaction(conn));
	/* The constraint fails and SQLite rolls back the transaction. */
	assert_int_equal(qr_conn_execute_text(NULL, conn,
					      "INSERT OR ROLLBACK INTO t "
					      "VALUES (1)",
					      NULL),
			 QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);

	/* Not run in autocommit mode behind the program's back. */
	assert_int_equal(qr_conn_execute_text(NULL, conn,
					      "INSERT INTO t VALUES (2)", NULL),
			 QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTERNAL);
	assert_non_null(strstr(qr_error_last()->message, "rolled back"));
	/* And COMMIT does not pretend to have saved row 1. */
	assert_int_equal(qr_conn_commit(conn), QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTERNAL);
	assert_true(qr_conn_in_transaction(conn));

	/* After the rollback all is normal again, and nothing was saved. */
	qr_assert_ok(qr_conn_rollback(conn));
	assert_int_equal(count(conn), 0);
	qr_test_exec(conn, "INSERT INTO t VALUES (3)");
	qr_assert_ok(qr_conn_commit(conn));
	assert_int_equal(count(conn), 1);

	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* The same statement objects executed again (the driver finds their
 * statements by id): a failing one leaves its statement usable and the
 * lost transaction refused; COMMIT as text ends the transaction it is
 * run in, every time, and a query with its row pending does not. */
static void test_statements_run_again(void **state)
{
	qr_engine *engine;
	qr_conn *conn;
	qr_result *res;
	const qr_row *row;

	(void)state;
	qr_assert_ok(qr_engine_create(&engine, "sqlite://", NULL));
	qr_assert_ok(qr_engine_connect(&conn, engine));
	qr_test_exec(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
	qr_assert_ok(qr_conn_commit(conn));
	qr_stmt *ins = qr_text("INSERT OR ROLLBACK INTO t VALUES (:id)");
	qr_stmt *commit = qr_text("COMMIT");
	qr_stmt *all = qr_text("SELECT id FROM t ORDER BY id");
	qr_params *p = qr_params_new();

	for (int64_t id = 1; id <= 3; id++) {
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "id", id));
		qr_assert_ok(qr_conn_execute(NULL, conn, ins, p));
		qr_assert_ok(qr_conn_execute(&res, conn, all, NULL));
		assert_int_equal(qr_result_first(res, &row), 1);
		qr_result_free(res);
		qr_assert_ok(qr_conn_execute(NULL, conn, commit, NULL));
		/* (core does not read the SQL: its transaction ends here) */
		qr_assert_ok(qr_conn_rollback(conn));
	}
	assert_int_equal(count(conn), 3);

	/* id 3 again: the constraint fails, SQLite rolls back */
	qr_assert_ok(qr_conn_execute_text(NULL, conn,
					  "INSERT INTO t VALUES (4)", NULL));
	assert_int_equal(qr_conn_execute(NULL, conn, ins, p), QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	assert_int_equal(qr_conn_execute(&res, conn, all, NULL), QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTERNAL);
	qr_assert_ok(qr_conn_rollback(conn));
	qr_params_reset(p);
	qr_assert_ok(qr_params_int(p, "id", 5));
	qr_assert_ok(qr_conn_execute(NULL, conn, ins, p));
	qr_assert_ok(qr_conn_commit(conn));
	assert_int_equal(count(conn), 4);

	qr_params_free(p);
	qr_stmt_free(all);
	qr_stmt_free(commit);
	qr_stmt_free(ins);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* A transaction block: the savepoint is gone with the transaction; its
 * clean-up does not replace the error being handled. */
static void test_block_cleanup_keeps_error(void **state)
{
	qr_engine *engine;
	qr_conn *conn;
	qr_tx *tx, *sp;

	(void)state;
	qr_assert_ok(qr_engine_create(&engine, "sqlite://", NULL));
	qr_assert_ok(qr_engine_connect(&conn, engine));
	qr_test_exec(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
	qr_assert_ok(qr_conn_commit(conn));

	qr_assert_ok(qr_conn_begin(&tx, conn));
	qr_test_exec(conn, "INSERT INTO t VALUES (1)");
	qr_assert_ok(qr_conn_begin_nested(&sp, conn));
	assert_int_equal(qr_conn_execute_text(NULL, conn,
					      "INSERT OR ROLLBACK INTO t "
					      "VALUES (1)",
					      NULL),
			 QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	/* Freeing the blocks rolls them back; that fails quietly. */
	qr_tx_free(sp);
	qr_tx_free(tx);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	assert_non_null(strstr(qr_error_last()->message, "UNIQUE"));
	qr_conn_free(conn);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);

	qr_assert_ok(qr_engine_connect(&conn, engine));
	assert_int_equal(count(conn), 0);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_statements_refused_until_rollback),
	cmocka_unit_test(test_statements_run_again),
	cmocka_unit_test(test_block_cleanup_keeps_error),
};

QR_TEST_MAIN("sqlite lost transaction", tests)
