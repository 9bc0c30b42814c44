/*
 * test_result_lifetime.c - what a result hands out lives as long as
 * include/quarry/result.h says: the rows of qr_result_all() until
 * qr_rowset_free(), even after the result itself is freed (found by
 * AddressSanitizer in the SQLite reflection code, which relies on it).
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

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_rowset_outlives_result),
};

QR_TEST_MAIN("result lifetime", tests)
