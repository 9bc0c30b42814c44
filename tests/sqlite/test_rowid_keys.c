/*
 * test_rowid_keys.c - SQLite's executemany INSERT RETURNING only the
 * generated key, run without RETURNING and the keys told from the rowids
 * (sqlite3_driver.c, rowid_insert), where the rowids are not what they
 * seem: a trigger writing to another table or to the same one, rowids
 * near the largest (SQLite then picks them at random), a key column that
 * is not the rowid (BIGINT PRIMARY KEY), a WITHOUT ROWID table, a
 * conflict clause that drops rows. Every key names its row, or the result
 * is what RETURNING gives; an error is the INSERT's own.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
	qr_engine *engine;
	qr_conn *conn;
	qr_metadata *md;
	qr_table *t; /* qt_rk(id INTEGER PRIMARY KEY, name) as quarry sees it */
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	qr_assert_ok(qr_engine_create(&f->engine, "sqlite://", NULL));
	qr_assert_ok(qr_engine_connect(&f->conn, f->engine));
	f->md = qr_metadata_new();
	f->t = qr_table(f->md, "qt_rk",
			qr_column("id", QR_INTEGER, .primary_key = true),
			qr_column("name", qr_string(40)));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	qr_conn_rollback(f->conn);
	qr_conn_free(f->conn);
	qr_metadata_free(f->md);
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

/* Inserts rows "k1" .. "kn" RETURNING id in a transaction; the keys in
 * keys (n of them), or the error code. */
static int insert_keys(fixture *f, size_t n, int64_t *keys, bool *null)
{
	qr_params *p = qr_params_new();
	char name[32];
	for (size_t i = 0; i < n; i++) {
		if (i)
			qr_assert_ok(qr_params_next_row(p));
		snprintf(name, sizeof(name), "k%zu", i + 1);
		qr_assert_ok(qr_params_text(p, "name", name));
	}
	qr_stmt *ins = qr_insert(f->t, qr_returning(qr_c(f->t, "id")));
	qr_result *r = NULL;
	const qr_row *row;
	size_t got = 0;
	int rc = qr_conn_execute(&r, f->conn, ins, p);
	while (rc == 0 && qr_result_next(r, &row) == 1) {
		assert_true(got < n);
		*null = qr_row_is_null(row, 0);
		if (!*null)
			qr_assert_ok(qr_row_int64(row, 0, &keys[got]));
		got++;
	}
	if (rc == 0)
		assert_int_equal(got, n);
	qr_result_free(r);
	qr_stmt_free(ins);
	qr_params_free(p);
	return rc;
}

/* Each key i names row "k<i+1>" of qt_rk, and the keys are distinct. */
static void check_keys(fixture *f, const int64_t *keys, size_t n)
{
	char sql[96], want[32];
	for (size_t i = 0; i < n; i++) {
		qr_result *r;
		const qr_value *v;
		const char *name;
		snprintf(sql, sizeof(sql),
			 "SELECT name FROM qt_rk WHERE id = %lld",
			 (long long)keys[i]);
		qr_assert_ok(qr_conn_execute_text(&r, f->conn, sql, NULL));
		assert_int_equal(qr_result_scalar(r, &v), 1);
		qr_assert_ok(qr_value_text(v, &name, NULL));
		snprintf(want, sizeof(want), "k%zu", i + 1);
		assert_string_equal(name, want);
		qr_result_free(r);
	}
}

static void run_and_check(fixture *f, size_t n)
{
	int64_t *keys = calloc(n, sizeof(*keys));
	bool null = false;
	qr_assert_ok(insert_keys(f, n, keys, &null));
	assert_false(null);
	check_keys(f, keys, n);
	free(keys);
}

/* A trigger writing to another table: the rowids are still consecutive,
 * but the INSERT was not alone in changing rows; and one writing to the
 * same table, whose rows come between. */
static void test_triggers(void **state)
{
	fixture *f = *state;
	qr_test_exec(f->conn, "CREATE TABLE qt_rk (id INTEGER PRIMARY KEY, "
			      "name VARCHAR(40))");
	qr_test_exec(f->conn, "CREATE TABLE qt_rk_log (v VARCHAR(40))");
	qr_test_exec(f->conn, "CREATE TRIGGER qt_rk_t AFTER INSERT ON qt_rk "
			      "BEGIN INSERT INTO qt_rk_log VALUES (new.name); "
			      "END");
	run_and_check(f, 1500);
	assert_int_equal(
		qr_test_scalar_int(f->conn, "SELECT count(*) FROM qt_rk_log"),
		1500);
	qr_test_exec(f->conn, "DELETE FROM qt_rk");
	qr_test_exec(f->conn, "DROP TRIGGER qt_rk_t");
	qr_test_exec(f->conn,
		     "CREATE TRIGGER qt_rk_echo AFTER INSERT ON qt_rk "
		     "WHEN new.name LIKE 'k%' BEGIN INSERT INTO qt_rk (name) "
		     "VALUES ('echo ' || new.name); END");
	run_and_check(f, 1200);
	assert_int_equal(
		qr_test_scalar_int(f->conn, "SELECT count(*) FROM qt_rk"),
		2400);
	qr_assert_ok(qr_conn_rollback(f->conn));
}

/* The largest rowid taken: SQLite picks the new ones at random. */
static void test_largest_rowid(void **state)
{
	fixture *f = *state;
	qr_test_exec(f->conn, "CREATE TABLE qt_rk (id INTEGER PRIMARY KEY, "
			      "name VARCHAR(40))");
	qr_test_exec(f->conn, "INSERT INTO qt_rk VALUES "
			      "(9223372036854775807, 'last')");
	run_and_check(f, 300);
	qr_assert_ok(qr_conn_rollback(f->conn));
	/* just below it: the first rows count up, the others are random */
	qr_test_exec(f->conn, "CREATE TABLE qt_rk (id INTEGER PRIMARY KEY, "
			      "name VARCHAR(40))");
	qr_test_exec(f->conn, "INSERT INTO qt_rk VALUES "
			      "(9223372036854775800, 'near')");
	run_and_check(f, 20);
	qr_assert_ok(qr_conn_rollback(f->conn));
}

/* A BIGINT PRIMARY KEY is not the rowid in SQLite (it stays NULL when
 * not given): the keys are what RETURNING gives, NULL. */
static void test_key_not_the_rowid(void **state)
{
	fixture *f = *state;
	int64_t keys[50];
	bool null = false;
	qr_test_exec(f->conn, "CREATE TABLE qt_rk (id BIGINT PRIMARY KEY, "
			      "name VARCHAR(40))");
	qr_assert_ok(insert_keys(f, 50, keys, &null));
	assert_true(null);
	assert_int_equal(qr_test_scalar_int(f->conn, "SELECT count(*) FROM "
						     "qt_rk WHERE id IS NULL"),
			 50);
	qr_assert_ok(qr_conn_rollback(f->conn));
}

/* A WITHOUT ROWID table needs its key: the error is the INSERT's (NOT
 * NULL), not one of the rowid checks'. */
static void test_without_rowid(void **state)
{
	fixture *f = *state;
	int64_t keys[10];
	bool null = false;
	qr_test_exec(f->conn, "CREATE TABLE qt_rk (id INTEGER PRIMARY KEY, "
			      "name VARCHAR(40)) WITHOUT ROWID");
	assert_int_equal(insert_keys(f, 10, keys, &null), QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	assert_non_null(strstr(qr_error_last()->message, "NOT NULL"));
	qr_assert_ok(qr_conn_rollback(f->conn));
}

/* A conflict clause in the table ignores repeated names: fewer rows
 * than parameter sets, as RETURNING returns; each key names its row. */
static void test_rows_ignored(void **state)
{
	fixture *f = *state;
	qr_test_exec(f->conn, "CREATE TABLE qt_rk (id INTEGER PRIMARY KEY, "
			      "name VARCHAR(40) UNIQUE ON CONFLICT IGNORE)");
	qr_test_exec(f->conn, "INSERT INTO qt_rk (name) VALUES ('k2')");
	qr_params *p = qr_params_new();
	const char *names[] = {"k1", "k2", "k3"};
	for (size_t i = 0; i < 3; i++) {
		if (i)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_text(p, "name", names[i]));
	}
	qr_stmt *ins = qr_insert(f->t, qr_returning(qr_c(f->t, "id")));
	qr_result *r = NULL;
	const qr_row *row;
	int64_t id;
	size_t n = 0;
	qr_assert_ok(qr_conn_execute(&r, f->conn, ins, p));
	while (qr_result_next(r, &row) == 1) {
		qr_assert_ok(qr_row_int64(row, 0, &id));
		n++;
	}
	assert_int_equal(n, 2);
	/* k1 and k3 were made, after k2's row */
	assert_int_equal(qr_test_scalar_int(f->conn, "SELECT id FROM qt_rk "
						     "WHERE name = 'k3'"),
			 id);
	qr_result_free(r);
	qr_stmt_free(ins);
	qr_params_free(p);
	qr_assert_ok(qr_conn_rollback(f->conn));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_triggers, setup, teardown),
	cmocka_unit_test_setup_teardown(test_largest_rowid, setup, teardown),
	cmocka_unit_test_setup_teardown(test_key_not_the_rowid, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_without_rowid, setup, teardown),
	cmocka_unit_test_setup_teardown(test_rows_ignored, setup, teardown),
};

QR_TEST_MAIN("sqlite rowid keys", tests)
