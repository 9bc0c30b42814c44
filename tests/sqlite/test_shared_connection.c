/*
 * test_shared_connection.c - checkouts sharing one SQLite connection
 * share its transaction.
 *
 * sqlite:///:memory: gets the per-thread pool (SQLAlchemy's
 * SingletonThreadPool): two connections of one engine in one thread are
 * one SQLite connection, as two SQLAlchemy Connections are one pysqlite
 * connection. The second one's first statement joins the transaction the
 * first one has open (no second BEGIN, which SQLite refuses); a commit or
 * rollback by either ends it for both, and the other's next statement
 * begins a new one. The static pool shares the same way.
 */
#include "test_support.h"

static int64_t count(qr_conn *conn)
{
	return qr_test_scalar_int(conn, "SELECT count(*) FROM t");
}

static void shared_transaction(const qr_engine_options *opts)
{
	qr_engine *engine;
	qr_conn *a, *b;

	qr_assert_ok(qr_engine_create(&engine, "sqlite:///:memory:", opts));
	qr_assert_ok(qr_engine_connect(&a, engine));
	qr_assert_ok(qr_engine_connect(&b, engine));
	qr_test_exec(a, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
	qr_assert_ok(qr_conn_commit(a));

	/* b's first statement, while a's transaction is open */
	qr_test_exec(a, "INSERT INTO t VALUES (1)");
	qr_test_exec(b, "INSERT INTO t VALUES (2)");
	assert_true(qr_conn_in_transaction(a));
	assert_true(qr_conn_in_transaction(b));
	assert_int_equal(count(a), 2);
	/* b's commit commits the shared transaction, a's row too */
	qr_assert_ok(qr_conn_commit(b));
	assert_false(qr_conn_in_transaction(b));
	assert_true(qr_conn_in_transaction(a));
	/* a goes on in a new transaction: its rollback undoes row 3 */
	qr_test_exec(a, "INSERT INTO t VALUES (3)");
	qr_assert_ok(qr_conn_rollback(a));
	assert_int_equal(count(b), 2);
	qr_assert_ok(qr_conn_commit(b));

	/* a rollback by either rolls back both */
	qr_test_exec(a, "INSERT INTO t VALUES (4)");
	qr_test_exec(b, "INSERT INTO t VALUES (5)");
	qr_assert_ok(qr_conn_rollback(a));
	assert_int_equal(count(a), 2);
	qr_assert_ok(qr_conn_commit(a));
	/* ... and b's next statement is in a transaction again */
	qr_test_exec(b, "INSERT INTO t VALUES (6)");
	qr_assert_ok(qr_conn_rollback(b));
	assert_int_equal(count(a), 2);
	qr_assert_ok(qr_conn_rollback(a));

	/* an explicit begin joins too; freeing a connection in its
	 * transaction rolls back (the shared one, as SQLAlchemy's
	 * Connection.close() does) */
	qr_tx *tx = NULL;
	qr_test_exec(a, "INSERT INTO t VALUES (7)");
	qr_assert_ok(qr_conn_begin(&tx, b));
	qr_test_exec(b, "INSERT INTO t VALUES (8)");
	qr_assert_ok(qr_tx_commit(tx));
	qr_tx_free(tx);
	qr_conn_free(a);
	assert_int_equal(count(b), 2 + 2);
	qr_test_exec(b, "INSERT INTO t VALUES (9)");
	qr_conn_free(b);
	qr_assert_ok(qr_engine_connect(&a, engine));
	assert_int_equal(count(a), 4);
	qr_conn_free(a);
	qr_engine_free(engine);
}

static void test_per_thread_pool(void **state)
{
	(void)state;
	shared_transaction(NULL);
}

static void test_static_pool(void **state)
{
	(void)state;
	shared_transaction(&(qr_engine_options){.pool_kind = QR_POOL_STATIC});
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_per_thread_pool),
	cmocka_unit_test(test_static_pool),
};

QR_TEST_MAIN("sqlite shared connection", tests)
