/*
 * test_execute.c - textual SQL execution, parameters, results and getters,
 * on whichever database URL the suite is given.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column type for binary data on the backend under test. */
static const char *blob_type(void)
{
	if (strcmp(qr_test_backend(), "postgresql") == 0)
		return "BYTEA";
	return "BLOB";
}

typedef struct fixture {
	qr_engine *engine;
	qr_conn *conn;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	char sql[512];
	f->engine = qr_test_engine();
	f->conn = qr_test_connect(f->engine);
	qr_test_drop(f->conn, "DROP TABLE qt_people");
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE qt_people (id INTEGER PRIMARY KEY, "
		 "name VARCHAR(50) NOT NULL UNIQUE, score DOUBLE PRECISION, "
		 "photo %s)",
		 blob_type());
	qr_test_exec(f->conn, sql);
	qr_assert_ok(qr_conn_commit(f->conn));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	qr_test_drop(f->conn, "DROP TABLE qt_people");
	qr_conn_free(f->conn);
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

static void insert_people(qr_conn *conn)
{
	qr_params *p = qr_params_new();
	qr_params_int(p, "id", 1);
	qr_params_text(p, "name", "jack");
	qr_params_double(p, "score", 1.5);
	qr_params_next_row(p);
	qr_params_int(p, "id", 2);
	qr_params_text(p, "name", "wendy");
	qr_params_null(p, "score");
	qr_params_next_row(p);
	qr_params_int(p, "id", 3);
	qr_params_text(p, "name", "it's ed");
	qr_params_double(p, "score", -2.25);
	qr_result *r;
	qr_assert_ok(qr_conn_execute_text(
		&r, conn,
		"INSERT INTO qt_people (id, name, score) VALUES (:id, :name, "
		":score)",
		p));
	assert_int_equal(qr_result_rowcount(r), 3);
	assert_false(qr_result_returns_rows(r));
	qr_result_free(r);
	qr_params_free(p);
}

static void test_executemany_and_select(void **state)
{
	fixture *f = *state;
	insert_people(f->conn);

	qr_result *r;
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn,
		"SELECT id, name, score FROM qt_people ORDER BY id", NULL));
	assert_true(qr_result_returns_rows(r));
	assert_int_equal(qr_result_column_count(r), 3);
	assert_string_equal(qr_result_column_name(r, 1), "name");
	assert_int_equal(qr_result_column_index(r, "score"), 2);

	const qr_row *row;
	int64_t id;
	const char *name;
	double score;
	assert_int_equal(qr_result_next(r, &row), 1);
	qr_assert_ok(qr_row_int64(row, 0, &id));
	assert_int_equal(id, 1);
	qr_assert_ok(qr_row_text(row, qr_row_index(row, "name"), &name));
	assert_string_equal(name, "jack");
	qr_assert_ok(qr_row_double(row, 2, &score));
	assert_true(score == 1.5);

	assert_int_equal(qr_result_next(r, &row), 1);
	assert_int_equal(qr_row_double(row, 2, &score), QR_NULL);
	assert_true(qr_row_is_null(row, 2));
	assert_false(qr_row_is_null(row, 1));

	assert_int_equal(qr_result_next(r, &row), 1);
	char *repr;
	qr_assert_ok(qr_row_repr(&repr, row));
	assert_string_equal(repr, "(3, \"it's ed\", -2.25)");
	qr_free(repr);
	assert_int_equal(qr_result_next(r, &row), 0);
	assert_int_equal(qr_result_next(r, &row), 0);
	qr_result_free(r);
}

static void test_named_params_reused(void **state)
{
	fixture *f = *state;
	insert_people(f->conn);
	qr_params *p = qr_params_new();
	qr_params_text(p, "n", "jack");
	qr_result *r;
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn,
		"SELECT count(*) FROM qt_people WHERE name = :n OR "
		"name || 'x' = :n",
		p));
	const qr_value *v;
	assert_int_equal(qr_result_scalar(r, &v), 1);
	int64_t n;
	qr_assert_ok(qr_value_int64(v, &n));
	assert_int_equal(n, 1);
	qr_result_free(r);
	qr_params_free(p);
}

/* Parameters with no column to take a type from still work in
 * arithmetic (PostgreSQL needs their types declared). */
static void test_untyped_arithmetic(void **state)
{
	fixture *f = *state;
	qr_params *p = qr_params_new();
	qr_params_int(p, "a", 7);
	qr_params_int(p, "b", 2);
	qr_params_double(p, "d", 2.5);
	qr_params_int(p, "big", 5000000000LL);
	qr_result *r;
	const qr_row *row;
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT :a - :b, :d * 2, :big + :a", p));
	assert_int_equal(qr_result_one(r, &row), 0);
	int64_t i;
	double d;
	qr_assert_ok(qr_row_int64(row, 0, &i));
	assert_int_equal(i, 5);
	qr_assert_ok(qr_row_double(row, 1, &d));
	assert_true(d == 5.0);
	qr_assert_ok(qr_row_int64(row, 2, &i));
	assert_int_equal(i, 5000000007LL);
	qr_result_free(r);
	qr_params_free(p);
}

static void test_missing_param(void **state)
{
	fixture *f = *state;
	qr_result *r = (qr_result *)&r;
	int rc = qr_conn_execute_text(
		&r, f->conn, "SELECT id FROM qt_people WHERE name = :who",
		NULL);
	assert_int_equal(rc, QR_EPARAM);
	assert_null(r);
	assert_non_null(strstr(qr_error_last()->message, "'who'"));
}

static void test_escaped_colon(void **state)
{
	fixture *f = *state;
	qr_result *r;
	const qr_row *row;
	const char *s;
	qr_assert_ok(qr_conn_execute_text(&r, f->conn, "SELECT '10\\:30' AS t",
					  NULL));
	assert_int_equal(qr_result_one(r, &row), 0);
	qr_assert_ok(qr_row_text(row, 0, &s));
	assert_string_equal(s, "10:30");
	qr_result_free(r);
}

static void test_first_one_scalar(void **state)
{
	fixture *f = *state;
	insert_people(f->conn);
	qr_result *r;
	const qr_row *row;

	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT name FROM qt_people ORDER BY id", NULL));
	assert_int_equal(qr_result_first(r, &row), 1);
	const char *name;
	qr_assert_ok(qr_row_text(row, 0, &name));
	assert_string_equal(name, "jack");
	qr_result_free(r);

	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT name FROM qt_people WHERE id > 100",
		NULL));
	assert_int_equal(qr_result_first(r, &row), 0);
	assert_null(row);
	qr_result_free(r);

	qr_assert_ok(qr_conn_execute_text(&r, f->conn,
					  "SELECT name FROM qt_people", NULL));
	assert_int_equal(qr_result_one(r, &row), QR_EMULTIPLE);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INVALID_REQUEST);
	qr_result_free(r);

	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT name FROM qt_people WHERE id = 99", NULL));
	assert_int_equal(qr_result_one(r, &row), QR_ENORESULT);
	qr_result_free(r);

	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT name FROM qt_people WHERE id = 99", NULL));
	assert_int_equal(qr_result_one_or_none(r, &row), 0);
	qr_result_free(r);

	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT name FROM qt_people WHERE id = 2", NULL));
	assert_int_equal(qr_result_one_or_none(r, &row), 1);
	qr_assert_ok(qr_row_text(row, 0, &name));
	assert_string_equal(name, "wendy");
	qr_result_free(r);

	const qr_value *v;
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT name FROM qt_people WHERE id = 99", NULL));
	assert_int_equal(qr_result_scalar(r, &v), 0);
	assert_null(v);
	qr_result_free(r);
}

static void test_all_rowset(void **state)
{
	fixture *f = *state;
	insert_people(f->conn);
	qr_result *r;
	qr_rowset *rows;
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT id, name FROM qt_people ORDER BY id DESC",
		NULL));
	qr_assert_ok(qr_result_all(&rows, r));
	assert_int_equal(qr_rowset_count(rows), 3);
	int id;
	qr_assert_ok(qr_row_int(qr_rowset_row(rows, 0), 0, &id));
	assert_int_equal(id, 3);
	const char *name;
	qr_assert_ok(qr_row_text(qr_rowset_row(rows, 2), 1, &name));
	assert_string_equal(name, "jack");
	assert_null(qr_rowset_row(rows, 3));
	qr_rowset_free(rows);
	qr_result_free(r);
}

static void test_unknown_column(void **state)
{
	fixture *f = *state;
	qr_result *r;
	const qr_row *row;
	int64_t x;
	qr_assert_ok(qr_conn_execute_text(&r, f->conn, "SELECT 1 AS a", NULL));
	assert_int_equal(qr_result_first(r, &row), 1);
	assert_int_equal(qr_row_int64(row, qr_row_index(row, "nope"), &x),
			 QR_ECOLUMN);
	assert_non_null(strstr(qr_error_last()->message, "nope"));
	assert_int_equal(qr_row_int64(row, 5, &x), QR_ECOLUMN);
	assert_null(qr_row_value(row, 7));
	qr_result_free(r);
}

static void test_getter_conversions(void **state)
{
	fixture *f = *state;
	qr_result *r;
	const qr_row *row;
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn,
		"SELECT 42 AS i, 2.5 AS d, 'hello' AS t, NULL AS n, "
		"'2024-02-29' AS dt, '13:45:30.250000' AS tm, "
		"'2024-02-29 13:45:30' AS ts, '12.3400' AS num, 1 AS b",
		NULL));
	assert_int_equal(qr_result_first(r, &row), 1);

	int64_t i;
	double d;
	bool b;
	const char *t;
	char num[32];
	qr_date date;
	qr_time tm;
	qr_datetime ts;

	qr_assert_ok(qr_row_int64(row, 0, &i));
	assert_int_equal(i, 42);
	qr_assert_ok(qr_row_double(row, 0, &d));
	assert_true(d == 42.0);
	qr_assert_ok(qr_row_double(row, 1, &d));
	assert_true(d == 2.5);
	assert_int_equal(qr_row_int64(row, 1, &i), QR_ECONVERT);
	qr_assert_ok(qr_row_text(row, 2, &t));
	assert_string_equal(t, "hello");
	assert_int_equal(qr_row_int64(row, 2, &i), QR_ECONVERT);
	assert_int_equal(qr_row_int64(row, 3, &i), QR_NULL);
	assert_int_equal(qr_row_text(row, 3, &t), QR_NULL);
	assert_null(t);
	qr_assert_ok(qr_row_date(row, 4, &date));
	assert_int_equal(date.year, 2024);
	assert_int_equal(date.month, 2);
	assert_int_equal(date.day, 29);
	qr_assert_ok(qr_row_time(row, 5, &tm));
	assert_int_equal(tm.hour, 13);
	assert_int_equal(tm.second, 30);
	assert_int_equal(tm.microsecond, 250000);
	qr_assert_ok(qr_row_datetime(row, 6, &ts));
	assert_int_equal(ts.date.day, 29);
	assert_int_equal(ts.time.minute, 45);
	qr_assert_ok(qr_row_numeric(row, 7, num, sizeof(num)));
	assert_string_equal(num, "12.3400");
	assert_int_equal(qr_row_numeric(row, 7, num, 3), QR_ERANGE);
	qr_assert_ok(qr_row_numeric(row, 0, num, sizeof(num)));
	assert_string_equal(num, "42");
	qr_assert_ok(qr_row_bool(row, 8, &b));
	assert_true(b);
	assert_int_equal(qr_row_date(row, 2, &date), QR_ECONVERT);
	qr_result_free(r);
}

static void test_blob_roundtrip(void **state)
{
	fixture *f = *state;
	unsigned char data[300];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	data[5] = 0;
	qr_params *p = qr_params_new();
	qr_params_int(p, "id", 9);
	qr_params_text(p, "name", "blobby");
	qr_params_blob(p, "photo", data, sizeof(data));
	qr_assert_ok(qr_conn_execute_text(
		NULL, f->conn,
		"INSERT INTO qt_people (id, name, photo) VALUES (:id, :name, "
		":photo)",
		p));
	qr_params_free(p);
	qr_result *r;
	const qr_row *row;
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT photo FROM qt_people WHERE id = 9", NULL));
	assert_int_equal(qr_result_one(r, &row), 0);
	const void *got;
	size_t len;
	qr_assert_ok(qr_row_blob(row, 0, &got, &len));
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(got, data, sizeof(data));
	qr_result_free(r);
}

static void test_update_matched_rowcount(void **state)
{
	fixture *f = *state;
	insert_people(f->conn);
	qr_result *r;
	/* Matched rows, not changed rows: jack's name stays the same. */
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn,
		"UPDATE qt_people SET name = name WHERE id IN (1, 2)", NULL));
	assert_int_equal(qr_result_rowcount(r), 2);
	qr_result_free(r);
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "DELETE FROM qt_people WHERE id = 3", NULL));
	assert_int_equal(qr_result_rowcount(r), 1);
	qr_result_free(r);
}

static void test_result_outlives_next_statement(void **state)
{
	fixture *f = *state;
	insert_people(f->conn);
	qr_result *r1, *r2;
	const qr_row *row;
	int64_t id;
	qr_assert_ok(qr_conn_execute_text(
		&r1, f->conn, "SELECT id FROM qt_people ORDER BY id", NULL));
	assert_int_equal(qr_result_next(r1, &row), 1);
	/* A second statement buffers the rest of the first. */
	qr_assert_ok(qr_conn_execute_text(&r2, f->conn, "SELECT 7", NULL));
	assert_int_equal(qr_result_next(r1, &row), 1);
	qr_assert_ok(qr_row_int64(row, 0, &id));
	assert_int_equal(id, 2);
	assert_int_equal(qr_result_next(r1, &row), 1);
	assert_int_equal(qr_result_next(r1, &row), 0);
	qr_result_free(r1);
	qr_result_free(r2);
}

static void test_syntax_error_is_programming(void **state)
{
	fixture *f = *state;
	qr_result *r;
	int rc =
		qr_conn_execute_text(&r, f->conn, "SELEC 1 FROM nowhere", NULL);
	assert_true(rc < 0);
	const qr_error *e = qr_error_last();
	assert_int_equal(e->klass, QR_ECLASS_PROGRAMMING);
	assert_true(strlen(e->message) > 0);
	assert_string_equal(e->statement, "SELEC 1 FROM nowhere");
	assert_true(e->native_code != 0 || e->sqlstate[0]);
	qr_conn_rollback(f->conn);
}

static void test_unique_violation_is_integrity(void **state)
{
	fixture *f = *state;
	insert_people(f->conn);
	qr_params *p = qr_params_new();
	qr_params_int(p, "id", 50);
	qr_params_text(p, "name", "jack");
	int rc = qr_conn_execute_text(
		NULL, f->conn,
		"INSERT INTO qt_people (id, name) VALUES (:id, :name)", p);
	qr_params_free(p);
	assert_int_equal(rc, QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	assert_non_null(strstr(qr_error_last()->statement, "INSERT INTO"));
	qr_conn_rollback(f->conn);
}

static void test_engine_errors(void **state)
{
	(void)state;
	qr_engine *e = (qr_engine *)&e;
	assert_int_equal(qr_engine_create(&e, "nosuchdb://x/y", NULL),
			 QR_ENODIALECT);
	assert_null(e);
	assert_non_null(strstr(qr_error_last()->message, "nosuchdb"));
	assert_int_equal(qr_engine_create(&e, "not a url", NULL), QR_EURL);
	assert_int_equal(qr_engine_create(&e, "sqlite+nodriver://", NULL),
			 QR_ENODIALECT);
	assert_non_null(strstr(qr_error_last()->message, "nodriver"));
	assert_int_equal(qr_engine_create(NULL, "sqlite://", NULL), QR_EINVAL);
}

static void test_null_statement_propagates(void **state)
{
	fixture *f = *state;
	assert_int_equal(qr_conn_execute(NULL, f->conn, qr_text(NULL), NULL),
			 QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "NULL"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_executemany_and_select,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_named_params_reused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_untyped_arithmetic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_missing_param, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_escaped_colon, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_first_one_scalar, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_all_rowset, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown_column, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_getter_conversions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_blob_roundtrip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_update_matched_rowcount,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_result_outlives_next_statement, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_syntax_error_is_programming, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_unique_violation_is_integrity, setup, teardown),
		cmocka_unit_test(test_engine_errors),
		cmocka_unit_test_setup_teardown(test_null_statement_propagates,
						setup, teardown),
	};
	return qr_test_run(argc, argv, "execute", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
