/*
 * test_statement_reuse.c - a statement executed again: what execution
 * remembers from one execution to the next (where each slot's value is
 * in the params, for the compiled form and the params' names; the
 * driver's prepared statement, for the compiled form) never gives a
 * wrong value. The params reset and set again, in another order, with
 * a name added after a failed execution, alternating between two
 * statements or two params, a params freed and another made; the same
 * statement on another connection, after a rollback, and statements of
 * the expression language that share one compiled-cache entry; values
 * from the params and the statement, one missing, in AUTOCOMMIT.
 */
#include "test_support.h"

#include <stdio.h>
#include <string.h>

#define ITEMS "qt_sr_items"
#define BY_ID "SELECT id, name FROM " ITEMS " WHERE id = :id"

static qr_conn *setup(qr_engine *engine)
{
	qr_conn *conn = qr_test_connect(engine);
	qr_test_drop(conn, "DROP TABLE " ITEMS);
	qr_test_exec(conn, "CREATE TABLE " ITEMS " (id INTEGER PRIMARY KEY, "
			   "name VARCHAR(20))");
	for (int i = 1; i <= 20; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql),
			 "INSERT INTO " ITEMS " VALUES (%d, 'item%d')", i, i);
		qr_test_exec(conn, sql);
	}
	qr_assert_ok(qr_conn_commit(conn));
	return conn;
}

static void teardown(qr_conn *conn)
{
	qr_assert_ok(qr_conn_rollback(conn));
	qr_test_drop(conn, "DROP TABLE " ITEMS);
	qr_conn_free(conn);
}

/* Runs stmt with p and checks that its one row is id's. */
static void expect_item(qr_conn *conn, const qr_stmt *stmt, const qr_params *p,
			int64_t id)
{
	qr_result *res;
	const qr_row *row;
	int64_t got;
	const char *name;
	char want[32];

	qr_assert_ok(qr_conn_execute(&res, conn, stmt, p));
	assert_int_equal(qr_result_first(res, &row), 1);
	qr_assert_ok(qr_row_int64(row, 0, &got));
	assert_int_equal(got, id);
	qr_assert_ok(qr_row_text(row, 1, &name));
	snprintf(want, sizeof(want), "item%lld", (long long)id);
	assert_string_equal(name, want);
	qr_result_free(res);
}

/* SELECT :a, :b with both values checked (a statement of two slots). */
static void expect_pair(qr_conn *conn, const qr_stmt *stmt, const qr_params *p,
			int64_t a, int64_t b)
{
	qr_result *res;
	const qr_row *row;
	int64_t got;

	qr_assert_ok(qr_conn_execute(&res, conn, stmt, p));
	assert_int_equal(qr_result_first(res, &row), 1);
	qr_assert_ok(qr_row_int64(row, 0, &got));
	assert_int_equal(got, a);
	qr_assert_ok(qr_row_int64(row, 1, &got));
	assert_int_equal(got, b);
	qr_result_free(res);
}

/* One statement and one params, reset and set again per execution, as a
 * program looking rows up does. */
static void test_params_reset_and_set_again(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = setup(engine);
	qr_stmt *stmt = qr_text(BY_ID);
	qr_params *p = qr_params_new();

	(void)state;
	for (int64_t i = 1; i <= 20; i++) {
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "id", (i * 7) % 20 + 1));
		expect_item(conn, stmt, p, (i * 7) % 20 + 1);
	}
	qr_params_free(p);
	qr_stmt_free(stmt);
	teardown(conn);
	qr_engine_free(engine);
}

/* The names set in another order, a name added after an execution that
 * lacked it, and names the statement does not use. */
static void test_params_names_change(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = qr_test_connect(engine);
	qr_stmt *stmt = qr_text("SELECT :a + 0 AS a, :b + 0 AS b");
	qr_params *p = qr_params_new();
	qr_result *res;

	(void)state;
	qr_assert_ok(qr_params_int(p, "a", 1));
	qr_assert_ok(qr_params_int(p, "b", 2));
	expect_pair(conn, stmt, p, 1, 2);
	qr_params_reset(p);
	qr_assert_ok(qr_params_int(p, "b", 20));
	qr_assert_ok(qr_params_int(p, "a", 10));
	expect_pair(conn, stmt, p, 10, 20);
	/* Unused names first: the slots find theirs further on. */
	qr_params_reset(p);
	qr_assert_ok(qr_params_int(p, "x", 99));
	qr_assert_ok(qr_params_int(p, "b", 200));
	qr_assert_ok(qr_params_int(p, "a", 100));
	expect_pair(conn, stmt, p, 100, 200);
	qr_params_free(p);

	/* A params without "b" fails; once it has "b", it runs. */
	p = qr_params_new();
	qr_assert_ok(qr_params_int(p, "a", 5));
	assert_int_equal(qr_conn_execute(&res, conn, stmt, p), QR_EPARAM);
	assert_null(res);
	assert_non_null(strstr(qr_error_last()->message, "'b'"));
	qr_assert_ok(qr_params_int(p, "b", 6));
	expect_pair(conn, stmt, p, 5, 6);
	/* And without it again after a reset: the error again. */
	qr_params_reset(p);
	qr_assert_ok(qr_params_int(p, "a", 7));
	assert_int_equal(qr_conn_execute(&res, conn, stmt, p), QR_EPARAM);
	qr_params_free(p);
	qr_stmt_free(stmt);
	qr_assert_ok(qr_conn_rollback(conn));
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* Two statements taking turns with one params, two params taking turns
 * with one statement, params freed and made again (a new one may be
 * where the old one was). */
static void test_statements_and_params_in_turn(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = setup(engine);
	qr_stmt *by_id = qr_text(BY_ID);
	qr_stmt *pair = qr_text("SELECT :id + 0 AS a, :other + 0 AS b");
	qr_params *p = qr_params_new(), *q = qr_params_new();

	(void)state;
	for (int64_t i = 1; i <= 6; i++) {
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "other", i + 100));
		qr_assert_ok(qr_params_int(p, "id", i));
		expect_item(conn, by_id, p, i);
		expect_pair(conn, pair, p, i, i + 100);
		qr_params_reset(q);
		qr_assert_ok(qr_params_int(q, "id", i + 10));
		expect_item(conn, by_id, q, i + 10);
		expect_item(conn, by_id, p, i);
	}
	for (int64_t i = 1; i <= 6; i++) {
		qr_params *fresh = qr_params_new();
		if (i % 2)
			qr_assert_ok(qr_params_int(fresh, "unused", 0));
		qr_assert_ok(qr_params_int(fresh, "id", i + 2));
		expect_item(conn, by_id, fresh, i + 2);
		qr_params_free(fresh);
	}
	qr_params_free(p);
	qr_params_free(q);
	qr_stmt_free(by_id);
	qr_stmt_free(pair);
	teardown(conn);
	qr_engine_free(engine);
}

/* One statement on two connections, and again after a rollback. */
static void test_other_connection_and_rollback(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = setup(engine);
	qr_conn *other = qr_test_connect(engine);
	qr_stmt *stmt = qr_text(BY_ID);
	qr_params *p = qr_params_new();

	(void)state;
	/* (Each ends its transaction: SQLite in memory gives both
	 * connections one database connection, as SQLAlchemy's pool.) */
	for (int64_t i = 1; i <= 4; i++) {
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "id", i));
		expect_item(conn, stmt, p, i);
		qr_assert_ok(qr_conn_commit(conn));
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "id", i + 4));
		expect_item(other, stmt, p, i + 4);
		qr_assert_ok(qr_conn_commit(other));
	}
	qr_assert_ok(qr_conn_rollback(other));
	qr_conn_free(other);
	/* A row changed then rolled back: the statement reads what is. */
	qr_test_exec(conn,
		     "UPDATE " ITEMS " SET name = 'changed' WHERE id = 3");
	qr_assert_ok(qr_conn_rollback(conn));
	qr_params_reset(p);
	qr_assert_ok(qr_params_int(p, "id", 3));
	expect_item(conn, stmt, p, 3);
	qr_assert_ok(qr_conn_rollback(conn));
	expect_item(conn, stmt, p, 3);
	qr_params_free(p);
	qr_stmt_free(stmt);
	teardown(conn);
	qr_engine_free(engine);
}

/* select() statements built anew for each lookup share one compiled
 * cache entry (the same SQL, their own values); one built once runs
 * with params; text() and select() of the same SQL take turns. */
static void test_expression_statements(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = setup(engine);
	qr_metadata *md = qr_metadata_new();
	qr_table *t = qr_table(md, ITEMS, qr_column("id", QR_INTEGER),
			       qr_column("name", qr_string(20)));
	qr_stmt *reused =
		qr_select(qr_cols(t, "id", "name"),
			  qr_where(qr_eq(qr_c(t, "id"), qr_param("id"))));
	qr_stmt *text = qr_text(BY_ID);
	qr_params *p = qr_params_new();

	(void)state;
	assert_non_null(reused);
	for (int64_t i = 1; i <= 8; i++) {
		qr_stmt *fresh = qr_select(
			qr_cols(t, "id", "name"),
			qr_where(qr_eq(qr_c(t, "id"), qr_bind_int(i))));
		expect_item(conn, fresh, NULL, i);
		qr_stmt_free(fresh);
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "id", 21 - i));
		expect_item(conn, reused, p, 21 - i);
		expect_item(conn, text, p, 21 - i);
	}
	qr_params_free(p);
	qr_stmt_free(text);
	qr_stmt_free(reused);
	qr_metadata_free(md);
	teardown(conn);
	qr_engine_free(engine);
}

/* A statement whose slots take their values from the params and from
 * the statement itself (a literal bind), executed again: with every
 * value, with one missing (the error names it; nothing runs), in an
 * AUTOCOMMIT connection, and with a params of more names than slots. */
static void test_values_from_params_and_statement(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = setup(engine);
	qr_metadata *md = qr_metadata_new();
	qr_table *t = qr_table(md, ITEMS, qr_column("id", QR_INTEGER),
			       qr_column("name", qr_string(20)));
	qr_stmt *stmt = qr_select(
		qr_cols(t, "id", "name"),
		qr_where(qr_and(qr_eq(qr_c(t, "id"), qr_param("id")),
				qr_ne(qr_c(t, "name"), qr_bind_text("none")))));
	qr_params *p = qr_params_new();
	qr_result *res = NULL;

	(void)state;
	assert_non_null(stmt);
	for (int64_t i = 1; i <= 3; i++) {
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "id", i));
		expect_item(conn, stmt, p, i);
		/* the id missing: refused before anything runs */
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "other", i));
		assert_int_equal(qr_conn_execute(&res, conn, stmt, p),
				 QR_EPARAM);
		assert_null(res);
		assert_non_null(strstr(qr_error_last()->message, "'id'"));
		/* more names than slots */
		qr_assert_ok(qr_params_int(p, "id", i + 10));
		expect_item(conn, stmt, p, i + 10);
	}
	qr_assert_ok(qr_conn_rollback(conn));
	qr_assert_ok(qr_conn_set_isolation(conn, QR_ISOLATION_AUTOCOMMIT));
	for (int64_t i = 4; i <= 6; i++) {
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "id", i));
		expect_item(conn, stmt, p, i);
		assert_false(qr_conn_in_transaction(conn));
	}
	qr_params_free(p);
	qr_stmt_free(stmt);
	qr_metadata_free(md);
	teardown(conn);
	qr_engine_free(engine);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_params_reset_and_set_again),
	cmocka_unit_test(test_params_names_change),
	cmocka_unit_test(test_statements_and_params_in_turn),
	cmocka_unit_test(test_other_connection_and_rollback),
	cmocka_unit_test(test_expression_statements),
	cmocka_unit_test(test_values_from_params_and_statement),
};

QR_TEST_MAIN("statement reuse", tests)
