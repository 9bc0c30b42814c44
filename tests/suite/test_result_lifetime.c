/*
 * test_result_lifetime.c - what a result hands out lives as long as
 * include/quarry/result.h says: the rows of qr_result_all() until
 * qr_rowset_free(), even after the result itself is freed (found by
 * AddressSanitizer in the SQLite reflection code, which relies on it);
 * the row of qr_result_first() and the value of qr_result_scalar() until
 * the result is freed, whatever runs on the connection meanwhile (the
 * row stays in the driver's cursor until then, and is copied only when
 * the connection is needed); the column names of a result whose rows
 * have ended; results one after another on a connection, which hands
 * the block of a freed lookup to the next.
 */
#include "test_support.h"

#include <string.h>

static void test_rowset_outlives_result(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = qr_test_connect(engine);
	qr_result *res;
	qr_rowset *rows;
	const qr_row *row;
	const char *s;
	int64_t n;
	char *repr;

	(void)state;
	qr_assert_ok(qr_conn_execute_text(
		&res, conn,
		"SELECT 1 AS num, 'one' AS word UNION ALL SELECT 2, 'two'",
		NULL));
	qr_assert_ok(qr_result_all(&rows, res));
	qr_result_free(res);
	/* Another statement on the connection, too. */
	qr_test_exec(conn, "SELECT 3");

	assert_int_equal(qr_rowset_count(rows), 2);
	row = qr_rowset_row(rows, 1);
	assert_int_equal(qr_row_column_count(row), 2);
	assert_string_equal(qr_row_column_name(row, 1), "word");
	assert_int_equal(qr_row_index(row, "num"), 0);
	qr_assert_ok(qr_row_int64(row, qr_row_index(row, "num"), &n));
	assert_int_equal(n, 2);
	qr_assert_ok(qr_row_text(row, 1, &s));
	assert_string_equal(s, "two");
	qr_assert_ok(qr_row_repr(&repr, row));
	assert_string_equal(repr, "(2, 'two')");
	qr_free(repr);
	assert_int_equal(qr_row_int64(row, 2, &n), QR_ECOLUMN);

	qr_rowset_free(rows);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

#define TWO_ROWS "SELECT 1 AS num, 'one' AS word UNION ALL SELECT 2, 'two'"

static void test_first_row_outlives_other_statements(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = qr_test_connect(engine);
	qr_result *res, *res2;
	const qr_row *row, *again;
	const qr_value *v;
	const char *s;
	int64_t n;

	(void)state;
	qr_assert_ok(qr_conn_execute_text(&res, conn, TWO_ROWS, NULL));
	assert_int_equal(qr_result_first(res, &row), 1);
	/* The rest of the rows are gone, as after SQLAlchemy's first(). */
	assert_int_equal(qr_result_next(res, &again), 0);
	/* Another statement, and a commit, on the connection meanwhile. */
	qr_assert_ok(
		qr_conn_execute_text(&res2, conn, "SELECT 'three' AS w", NULL));
	assert_int_equal(qr_result_scalar(res2, &v), 1);
	qr_assert_ok(qr_conn_commit(conn));
	qr_test_exec(conn, "SELECT 4");
	qr_assert_ok(qr_value_text(v, &s, NULL));
	assert_string_equal(s, "three");
	qr_assert_ok(qr_row_int64(row, 0, &n));
	assert_int_equal(n, 1);
	qr_assert_ok(qr_row_text(row, 1, &s));
	assert_string_equal(s, "one");
	assert_string_equal(qr_row_column_name(row, 1), "word");
	assert_int_equal(qr_row_index(row, "num"), 0);
	assert_string_equal(qr_result_column_name(res2, 0), "w");
	assert_int_equal(qr_result_next(res, &again), 0);
	qr_result_free(res2);
	qr_result_free(res);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* The names of a result are known after its rows ended: first() of no
 * row, and a result read to its end before the names are asked for. */
static void test_names_after_the_end(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = qr_test_connect(engine);
	qr_result *res;
	const qr_row *row;

	(void)state;
	qr_assert_ok(qr_conn_execute_text(
		&res, conn, "SELECT 1 AS num, 'one' AS word WHERE 1 = 0",
		NULL));
	assert_int_equal(qr_result_first(res, &row), 0);
	assert_int_equal(qr_result_column_count(res), 2);
	assert_string_equal(qr_result_column_name(res, 0), "num");
	assert_int_equal(qr_result_column_index(res, "word"), 1);
	qr_result_free(res);

	qr_assert_ok(qr_conn_execute_text(&res, conn, TWO_ROWS, NULL));
	while (qr_result_next(res, &row) > 0)
		;
	qr_test_exec(conn, "SELECT 3");
	assert_string_equal(qr_result_column_name(res, 1), "word");
	qr_result_free(res);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* A lookup's result freed while still the connection's active one
 * leaves its allocation to the next result (no malloc per lookup): the
 * next results, wider or narrower, read their own values and names, and
 * a result that outlives its connection stays whole. */
static void test_results_one_after_another(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = qr_test_connect(engine);
	qr_result *res;
	const qr_row *row;
	const char *s;
	int64_t n;

	(void)state;
	for (int i = 0; i < 3; i++) {
		qr_assert_ok(qr_conn_execute_text(&res, conn, TWO_ROWS, NULL));
		assert_int_equal(qr_result_first(res, &row), 1);
		qr_assert_ok(qr_row_text(row, 1, &s));
		assert_string_equal(s, "one");
		qr_result_free(res);
	}
	/* Wider than the block left: a new one. */
	qr_assert_ok(qr_conn_execute_text(
		&res, conn,
		"SELECT 1 AS a, 2 AS b, 3 AS c, 4 AS d, 5 AS e, 6 AS f, "
		"7 AS g, 8 AS h, 9 AS i, 10 AS j, 11 AS k, 12 AS l",
		NULL));
	assert_int_equal(qr_result_first(res, &row), 1);
	qr_assert_ok(qr_row_int64(row, 11, &n));
	assert_int_equal(n, 12);
	assert_string_equal(qr_result_column_name(res, 11), "l");
	qr_result_free(res);
	/* Narrower: the wide block serves. */
	qr_assert_ok(qr_conn_execute_text(&res, conn, "SELECT 7 AS x", NULL));
	assert_int_equal(qr_result_first(res, &row), 1);
	qr_assert_ok(qr_row_int64(row, 0, &n));
	assert_int_equal(n, 7);
	assert_int_equal(qr_result_column_count(res), 1);
	assert_string_equal(qr_result_column_name(res, 0), "x");
	qr_result_free(res);
	/* A held row outlives the connection (its block is the result's). */
	qr_assert_ok(qr_conn_execute_text(&res, conn, TWO_ROWS, NULL));
	assert_int_equal(qr_result_first(res, &row), 1);
	qr_conn_free(conn);
	qr_assert_ok(qr_row_text(row, 1, &s));
	assert_string_equal(s, "one");
	assert_string_equal(qr_result_column_name(res, 0), "num");
	qr_result_free(res);
	qr_engine_free(engine);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_rowset_outlives_result),
	cmocka_unit_test(test_first_row_outlives_other_statements),
	cmocka_unit_test(test_names_after_the_end),
	cmocka_unit_test(test_results_one_after_another),
};

QR_TEST_MAIN("result lifetime", tests)
