/*
 * test_statement_columns.c - the sqlite3 driver keeps the column names
 * and declared types of its cached statements; they follow the schema
 * when SQLite re-prepares a statement (SELECT * after ALTER TABLE), and
 * results keep theirs after the statement is gone.
 */
#include "test_support.h"

#include <string.h>

static void expect_columns(qr_conn *conn, const char *sql, size_t n,
			   const char *const *names, const char *const *types)
{
	qr_result *r;
	const qr_row *row;
	qr_assert_ok(qr_conn_execute_text(&r, conn, sql, NULL));
	assert_int_equal(qr_result_column_count(r), n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(qr_result_column_name(r, i), names[i]);
		assert_string_equal(qr_result_column_type(r, i), types[i]);
	}
	assert_int_equal(qr_result_first(r, &row), 1);
	/* After first() the statement is back in the cache; the result's
	 * names are its own. */
	qr_test_exec(conn, "SELECT 1");
	for (size_t i = 0; i < n; i++)
		assert_string_equal(qr_row_column_name(row, i), names[i]);
	qr_result_free(r);
}

static void test_columns_follow_schema(void **state)
{
	qr_engine *engine;
	qr_conn *conn;
	static const char *const n2[] = {"id", "name"};
	static const char *const t2[] = {"INTEGER", "VARCHAR(20)"};
	static const char *const n3[] = {"id", "name", "born"};
	static const char *const t3[] = {"INTEGER", "VARCHAR(20)", "DATE"};
	static const char *const n1[] = {"label"};
	static const char *const t1[] = {"TEXT"};

	(void)state;
	qr_assert_ok(qr_engine_create(&engine, "sqlite://", NULL));
	qr_assert_ok(qr_engine_connect(&conn, engine));
	qr_test_exec(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY, "
			   "name VARCHAR(20))");
	qr_test_exec(conn, "INSERT INTO t VALUES (1, 'a')");
	for (int i = 0; i < 3; i++)
		expect_columns(conn, "SELECT * FROM t", 2, n2, t2);
	qr_test_exec(conn, "ALTER TABLE t ADD COLUMN born DATE");
	for (int i = 0; i < 3; i++)
		expect_columns(conn, "SELECT * FROM t", 3, n3, t3);
	qr_test_exec(conn, "DROP TABLE t");
	qr_test_exec(conn, "CREATE TABLE t (label TEXT)");
	qr_test_exec(conn, "INSERT INTO t VALUES ('x')");
	expect_columns(conn, "SELECT * FROM t", 1, n1, t1);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* Results of one connection one after another, each read to its end or
 * left half read, reuse the driver's cursor safely. */
static void test_results_in_turn(void **state)
{
	qr_engine *engine;
	qr_conn *conn;
	(void)state;
	qr_assert_ok(qr_engine_create(&engine, "sqlite://", NULL));
	qr_assert_ok(qr_engine_connect(&conn, engine));
	qr_test_exec(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
	qr_test_exec(conn, "INSERT INTO t VALUES (1), (2), (3)");
	qr_result *a, *b;
	const qr_row *row;
	int64_t id;
	qr_assert_ok(qr_conn_execute_text(
		&a, conn, "SELECT id FROM t ORDER BY id", NULL));
	assert_int_equal(qr_result_next(a, &row), 1);
	/* a is buffered so that b can run. */
	qr_assert_ok(qr_conn_execute_text(
		&b, conn, "SELECT id FROM t ORDER BY id DESC", NULL));
	assert_int_equal(qr_result_next(b, &row), 1);
	qr_assert_ok(qr_row_int64(row, 0, &id));
	assert_int_equal(id, 3);
	assert_int_equal(qr_result_next(a, &row), 1);
	qr_assert_ok(qr_row_int64(row, 0, &id));
	assert_int_equal(id, 2);
	qr_result_free(b);
	assert_int_equal(qr_result_next(a, &row), 1);
	qr_assert_ok(qr_row_int64(row, 0, &id));
	assert_int_equal(id, 3);
	assert_int_equal(qr_result_next(a, &row), 0);
	qr_result_free(a);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_columns_follow_schema),
	cmocka_unit_test(test_results_in_turn),
};

QR_TEST_MAIN("sqlite", tests)
