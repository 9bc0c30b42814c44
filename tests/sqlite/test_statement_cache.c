/*
 * test_statement_cache.c - the sqlite3 driver finds the prepared
 * statement of a compiled form it ran before by the form's id, without
 * comparing the SQL (qr_driver_exec.sql_id): a statement object executed
 * again follows the schema (SELECT * after ALTER TABLE, a table dropped
 * and made again), runs after the connection's statement cache evicted
 * its statement and after statements of the same SQL took turns with
 * it, and between executemany runs of the same statement. A query's
 * text params are copied for its later rows.
 */
#include "test_support.h"

#include <stdio.h>
#include <string.h>

/* Runs stmt (params p) and checks its first row: n columns named by
 * names, the first one's value first. */
static void expect_row(qr_conn *conn, const qr_stmt *stmt, const qr_params *p,
		       size_t n, const char *const *names, int64_t first)
{
	qr_result *res;
	const qr_row *row;
	int64_t got;

	qr_assert_ok(qr_conn_execute(&res, conn, stmt, p));
	assert_int_equal(qr_result_first(res, &row), 1);
	assert_int_equal(qr_result_column_count(res), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(qr_result_column_name(res, i), names[i]);
	qr_assert_ok(qr_row_int64(row, 0, &got));
	assert_int_equal(got, first);
	qr_result_free(res);
}

static void test_statement_follows_schema(void **state)
{
	qr_engine *engine;
	qr_conn *conn;
	static const char *const n2[] = {"id", "name"};
	static const char *const n3[] = {"id", "name", "born"};
	static const char *const n1[] = {"label"};

	(void)state;
	qr_assert_ok(qr_engine_create(&engine, "sqlite://", NULL));
	qr_assert_ok(qr_engine_connect(&conn, engine));
	qr_test_exec(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY, "
			   "name VARCHAR(20))");
	qr_test_exec(conn, "INSERT INTO t VALUES (1, 'a')");
	qr_stmt *all = qr_text("SELECT * FROM t");
	for (int i = 0; i < 3; i++)
		expect_row(conn, all, NULL, 2, n2, 1);
	qr_test_exec(conn, "ALTER TABLE t ADD COLUMN born DATE");
	for (int i = 0; i < 3; i++)
		expect_row(conn, all, NULL, 3, n3, 1);
	qr_test_exec(conn, "DROP TABLE t");
	qr_test_exec(conn, "CREATE TABLE t (label INTEGER)");
	qr_test_exec(conn, "INSERT INTO t VALUES (42)");
	expect_row(conn, all, NULL, 1, n1, 42);
	qr_stmt_free(all);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* More statements than the cache holds run between two executions of
 * one statement; others of the same SQL take turns with it. */
static void test_statement_after_eviction(void **state)
{
	qr_engine *engine;
	qr_conn *conn;
	static const char *const nv[] = {"v"};
	static const char *const nn[] = {"n"};

	(void)state;
	qr_assert_ok(qr_engine_create(&engine, "sqlite://", NULL));
	qr_assert_ok(qr_engine_connect(&conn, engine));
	qr_stmt *stmt = qr_text("SELECT :v + 0 AS v");
	qr_params *p = qr_params_new();
	for (int round = 0; round < 3; round++) {
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "v", round));
		expect_row(conn, stmt, p, 1, nv, round);
		/* 100 other statements: the cache (64) evicts it, and its
		 * slot serves other SQL. */
		for (int i = 0; i < 100; i++) {
			char sql[64];
			snprintf(sql, sizeof(sql), "SELECT %d AS n", i);
			qr_stmt *other = qr_text(sql);
			expect_row(conn, other, NULL, 1, nn, i);
			qr_stmt_free(other);
		}
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "v", round + 10));
		expect_row(conn, stmt, p, 1, nv, round + 10);
		/* The same SQL from another statement object, in turn. */
		qr_stmt *twin = qr_text("SELECT :v + 0 AS v");
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "v", round + 20));
		expect_row(conn, twin, p, 1, nv, round + 20);
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "v", round + 30));
		expect_row(conn, stmt, p, 1, nv, round + 30);
		qr_stmt_free(twin);
	}
	qr_params_free(p);
	qr_stmt_free(stmt);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* One INSERT statement run as an executemany, alone, and again. */
static void test_executemany_and_single(void **state)
{
	qr_engine *engine;
	qr_conn *conn;
	static const char *const nc[] = {"c"};
	static const char *const ns[] = {"s"};

	(void)state;
	qr_assert_ok(qr_engine_create(&engine, "sqlite://", NULL));
	qr_assert_ok(qr_engine_connect(&conn, engine));
	qr_test_exec(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY, v INT)");
	qr_stmt *ins = qr_text("INSERT INTO t (id, v) VALUES (:id, :v)");
	qr_stmt *count = qr_text("SELECT count(*) AS c FROM t");
	qr_params *p = qr_params_new();
	int64_t id = 1;
	for (int round = 0; round < 3; round++) {
		qr_params_reset(p);
		for (int i = 0; i < 5; i++, id++) {
			if (i)
				qr_assert_ok(qr_params_next_row(p));
			qr_assert_ok(qr_params_int(p, "id", id));
			qr_assert_ok(qr_params_int(p, "v", id * 10));
		}
		qr_assert_ok(qr_conn_execute(NULL, conn, ins, p));
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "v", id * 10));
		qr_assert_ok(qr_params_int(p, "id", id));
		id++;
		qr_assert_ok(qr_conn_execute(NULL, conn, ins, p));
		expect_row(conn, count, NULL, 1, nc, id - 1);
	}
	qr_stmt *sum = qr_text("SELECT sum(v) AS s FROM t");
	expect_row(conn, sum, NULL, 1, ns, 10 * (id - 1) * id / 2);
	qr_stmt_free(sum);
	qr_params_free(p);
	qr_stmt_free(count);
	qr_stmt_free(ins);
	qr_assert_ok(qr_conn_rollback(conn));
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* A query's text params are SQLite's copies (its later steps read
 * them): the params reset and set again before the rows are read change
 * nothing; integer and text params bound in turn in one statement. */
static void test_params_bound_for_later_rows(void **state)
{
	qr_engine *engine;
	qr_conn *conn;
	qr_result *res;
	const qr_row *row;
	int64_t got;
	const char *s;

	(void)state;
	qr_assert_ok(qr_engine_create(&engine, "sqlite://", NULL));
	qr_assert_ok(qr_engine_connect(&conn, engine));
	qr_test_exec(conn, "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)");
	qr_test_exec(conn, "INSERT INTO t (id, s) VALUES (1, 'a'), (2, 'b'), "
			   "(3, 'a'), (4, 'b'), (5, 'a')");
	qr_stmt *q = qr_text("SELECT id, :tag AS tag FROM t "
			     "WHERE s = :s AND id >= :low ORDER BY id");
	qr_params *p = qr_params_new();
	for (int round = 0; round < 3; round++) {
		char s_val[2] = {round % 2 ? 'b' : 'a', '\0'};
		qr_params_reset(p);
		qr_assert_ok(qr_params_text(p, "tag", "first"));
		qr_assert_ok(qr_params_text(p, "s", s_val));
		qr_assert_ok(qr_params_int(p, "low", 1 + round));
		qr_assert_ok(qr_conn_execute(&res, conn, q, p));
		/* the params change before any row is read */
		qr_params_reset(p);
		qr_assert_ok(qr_params_text(p, "tag", "other"));
		qr_assert_ok(qr_params_text(p, "s", "zzz"));
		qr_assert_ok(qr_params_int(p, "low", 100));
		int64_t want = round % 2 ? 2 : 1;
		while (want < 1 + round)
			want += 2;
		int n = 0;
		while (qr_result_next(res, &row) == 1) {
			qr_assert_ok(qr_row_int64(row, 0, &got));
			assert_int_equal(got, want);
			qr_assert_ok(qr_row_text(row, 1, &s));
			assert_string_equal(s, "first");
			want += 2;
			n++;
		}
		assert_true(n > 0);
		qr_result_free(res);
	}
	qr_params_free(p);
	qr_stmt_free(q);
	qr_assert_ok(qr_conn_rollback(conn));
	qr_conn_free(conn);
	qr_engine_free(engine);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_statement_follows_schema),
	cmocka_unit_test(test_statement_after_eviction),
	cmocka_unit_test(test_executemany_and_single),
	cmocka_unit_test(test_params_bound_for_later_rows),
};

QR_TEST_MAIN("sqlite statement cache", tests)
