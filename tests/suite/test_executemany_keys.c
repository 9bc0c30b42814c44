/*
 * test_executemany_keys.c - an INSERT executed with many parameter sets
 * RETURNING only its generated key (what the ORM's flush of new objects
 * sends), on whichever URL the suite is given (skipped where the dialect
 * has no INSERT .. RETURNING): each key comes back in the order of the
 * parameter sets and names its row, over several batches, after the
 * table's last rows were deleted and with explicit keys in between; a row
 * failing in a later batch fails the statement, and the connection goes
 * on. (SQLite runs such batches without RETURNING and tells the keys
 * from the rowids when it can be sure of them: sqlite3_driver.c,
 * rowid_insert. The checks hold either way.)
 */
#include "core_fixture.h"

#include <stdio.h>
#include <stdlib.h>

static qr_engine *engine;
static qr_conn *conn;
static qr_metadata *md;
static qr_table *items;

static void test_setup(void **state)
{
	(void)state;
	engine = qr_test_engine();
	conn = qr_test_connect(engine);
	md = qr_metadata_new();
	items = qr_table(md, "qt_mkeys",
			 qr_column("id", QR_INTEGER, .primary_key = true),
			 qr_column("name", qr_string(40), .not_null = true,
				   .unique = true));
	assert_non_null(items);
	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, true));
	qr_assert_ok(qr_metadata_create_all_conn(md, conn, true));
	qr_assert_ok(qr_conn_commit(conn));
}

static void test_teardown(void **state)
{
	(void)state;
	qr_conn_rollback(conn);
	qr_metadata_drop_all_conn(md, conn, true);
	qr_conn_commit(conn);
	qr_metadata_free(md);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

static int reset(void **state)
{
	(void)state;
	qr_conn_rollback(conn);
	run_count(conn, qr_delete(items), NULL);
	qr_assert_ok(qr_conn_commit(conn));
	return 0;
}

static bool skipped(void)
{
	if (qr_test_insert_returning(engine))
		return false;
	skip(); /* MySQL has no RETURNING (MariaDB 10.5+ has) */
	return true;
}

/* Names "<prefix> first" .. "<prefix> first+n-1"; dup: the row (1-based)
 * whose name repeats the first's. */
static qr_params *named_rows(const char *prefix, size_t first, size_t n,
			     size_t dup)
{
	qr_params *p = qr_params_new();
	char name[40];
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			qr_assert_ok(qr_params_next_row(p));
		snprintf(name, sizeof(name), "%s %zu", prefix,
			 first + (i + 1 == dup ? 0 : i));
		qr_assert_ok(qr_params_text(p, "name", name));
	}
	return p;
}

/* Inserts the n rows named by prefix from first, RETURNING their keys,
 * and checks that the i-th key comes back i-th and is the key of the row
 * named "<prefix> first+i". */
static void insert_and_check(const char *prefix, size_t first, size_t n)
{
	qr_params *p = named_rows(prefix, first, n, 0);
	qr_stmt *ins = qr_insert(items, qr_returning(C(items, "id")));
	qr_stmt *by_key =
		qr_select(C(items, "name"),
			  qr_where(qr_eq(C(items, "id"), qr_param("k"))));
	qr_result *r = NULL;
	const qr_row *row;
	int64_t *keys = calloc(n, sizeof(*keys));
	size_t got = 0;
	char want[40];

	qr_assert_ok(qr_conn_execute(&r, conn, ins, p));
	assert_int_equal(qr_result_column_count(r), 1);
	assert_string_equal(qr_result_column_name(r, 0), "id");
	while (qr_result_next(r, &row) == 1) {
		assert_true(got < n);
		qr_assert_ok(qr_row_int64(row, 0, &keys[got++]));
	}
	assert_int_equal(got, n);
	assert_int_equal(qr_result_rowcount(r), (int64_t)n);
	qr_result_free(r);
	for (size_t i = 0; i < n; i++) {
		qr_params *k = qr_params_new();
		const qr_value *v;
		const char *name;
		qr_assert_ok(qr_params_int(k, "k", keys[i]));
		qr_assert_ok(qr_conn_execute(&r, conn, by_key, k));
		assert_int_equal(qr_result_scalar(r, &v), 1);
		qr_assert_ok(qr_value_text(v, &name, NULL));
		snprintf(want, sizeof(want), "%s %zu", prefix, first + i);
		assert_string_equal(name, want);
		qr_result_free(r);
		qr_params_free(k);
	}
	free(keys);
	qr_stmt_free(by_key);
	qr_stmt_free(ins);
	qr_params_free(p);
}

/* 2,345 rows (several batches and a shorter one), then more after the
 * last rows were deleted (SQLite may hand their rowids out again) and
 * after rows with explicit keys far above. */
static void test_keys_name_their_rows(void **state)
{
	(void)state;
	if (skipped())
		return;
	insert_and_check("item", 1, 2345);
	qr_assert_ok(qr_conn_commit(conn));
	run_count(conn,
		  qr_delete(items, qr_where(qr_gt(C(items, "id"), INT(2000)))),
		  NULL);
	insert_and_check("more", 1, 1500);
	qr_assert_ok(qr_conn_execute_text(
		NULL, conn,
		"INSERT INTO qt_mkeys (id, name) VALUES (100000, 'far')",
		NULL));
	insert_and_check("after", 1, 3);
	insert_and_check("single", 1, 1);
	qr_assert_ok(qr_conn_commit(conn));
	assert_int_equal(
		qr_test_scalar_int(conn, "SELECT count(*) FROM qt_mkeys"),
		2000 + 1500 + 1 + 3 + 1);
}

/* Row 1,500 (in a later batch) repeats a unique name: the statement
 * fails with an integrity error and returns nothing; after a rollback
 * none of the rows is there, and the connection inserts again. */
static void test_failure_in_later_batch(void **state)
{
	(void)state;
	if (skipped())
		return;
	qr_params *p = named_rows("item", 1, 2000, 1500);
	qr_stmt *ins = qr_insert(items, qr_returning(C(items, "id")));
	qr_result *r = NULL;
	assert_int_equal(qr_conn_execute(&r, conn, ins, p), QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	assert_null(r);
	qr_assert_ok(qr_conn_rollback(conn));
	assert_int_equal(
		qr_test_scalar_int(conn, "SELECT count(*) FROM qt_mkeys"), 0);
	insert_and_check("again", 1, 1200);
	qr_assert_ok(qr_conn_commit(conn));
	qr_params_free(p);
	qr_stmt_free(ins);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_setup),
	cmocka_unit_test_setup(test_keys_name_their_rows, reset),
	cmocka_unit_test_setup(test_failure_in_later_batch, reset),
	cmocka_unit_test(test_teardown),
};

QR_TEST_MAIN("executemany_keys", tests)
