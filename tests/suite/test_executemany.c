/*
 * test_executemany.c - executemany of many rows (sent in chunks, and as
 * multi-row INSERTs for a plain INSERT .. VALUES), results that keep one
 * row, and statements executed again, on whichever URL the suite is
 * given.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
	qr_engine *engine;
	qr_conn *conn;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->engine = qr_test_engine();
	f->conn = qr_test_connect(f->engine);
	qr_test_drop(f->conn, "DROP TABLE qt_many");
	qr_test_exec(f->conn, "CREATE TABLE qt_many (id INTEGER PRIMARY KEY, "
			      "name VARCHAR(40) NOT NULL UNIQUE, "
			      "twin VARCHAR(1000), v INTEGER)");
	qr_assert_ok(qr_conn_commit(f->conn));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	qr_assert_ok(qr_conn_rollback(f->conn));
	qr_test_drop(f->conn, "DROP TABLE qt_many");
	qr_conn_free(f->conn);
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

/* SELECT count(*) FROM qt_many. */
static int64_t count_rows(qr_conn *c)
{
	qr_result *r;
	const qr_value *v;
	int64_t n = -1;
	qr_assert_ok(qr_conn_execute_text(&r, c, "SELECT count(*) FROM qt_many",
					  NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(r);
	return n;
}

/* Parameter sets id = i, name = "row i", v = i % 7 for i in 1..n. */
static qr_params *numbered_rows(size_t n, bool with_id)
{
	qr_params *p = qr_params_new();
	char name[32];
	for (size_t i = 1; i <= n; i++) {
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		snprintf(name, sizeof(name), "row %zu", i);
		if (with_id)
			qr_assert_ok(qr_params_int(p, "id", (int64_t)i));
		qr_assert_ok(qr_params_text(p, "name", name));
		qr_assert_ok(qr_params_int(p, "v", (int64_t)(i % 7)));
	}
	return p;
}

/* Inserts rows 1..n (numbered_rows), in the connection's transaction. */
static void insert_numbered(qr_conn *c, size_t n)
{
	qr_params *p = numbered_rows(n, true);
	qr_assert_ok(qr_conn_execute_text(
		NULL, c,
		"INSERT INTO qt_many (id, name, v) VALUES (:id, :name, :v)",
		p));
	qr_params_free(p);
}

/* Every row 1..n is there with its values, in id order. */
static void check_numbered(qr_conn *c, size_t n)
{
	qr_result *r;
	const qr_row *row;
	char want[32];
	size_t i = 0;
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT id, name, v FROM qt_many ORDER BY id", NULL));
	while (qr_result_next(r, &row) == 1) {
		int64_t id, v;
		const char *name;
		i++;
		qr_assert_ok(qr_row_int64(row, 0, &id));
		qr_assert_ok(qr_row_text(row, 1, &name));
		qr_assert_ok(qr_row_int64(row, 2, &v));
		snprintf(want, sizeof(want), "row %zu", i);
		assert_int_equal(id, (int64_t)i);
		assert_string_equal(name, want);
		assert_int_equal(v, (int64_t)(i % 7));
	}
	qr_result_free(r);
	assert_int_equal(i, n);
}

/* 2,501 rows: several multi-row batches on every backend (their size
 * depends on the parameter limit), a shorter one, and the last row on
 * its own. */
static void test_batched_insert(void **state)
{
	fixture *f = *state;
	const size_t n = 2501;
	qr_params *p = numbered_rows(n, true);
	qr_result *r;
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn,
		"INSERT INTO qt_many (id, name, v) VALUES (:id, :name, :v)",
		p));
	assert_int_equal(qr_result_rowcount(r), (int64_t)n);
	/* The last row's id where the database reports one. */
	int64_t last = qr_result_last_insert_id(r);
	if (last != 0)
		assert_int_equal(last, (int64_t)n);
	qr_result_free(r);
	qr_params_free(p);
	check_numbered(f->conn, n);
	qr_assert_ok(qr_conn_commit(f->conn));
}

/* Generated keys: the id reported is the last row's. */
static void test_batched_insert_generated_ids(void **state)
{
	fixture *f = *state;
	const char *backend = qr_test_backend();
	qr_params *p;
	qr_result *r;
	if (strcmp(backend, "postgresql") == 0) {
		skip(); /* no last-insert id there: RETURNING */
		return;
	}
	qr_test_drop(f->conn, "DROP TABLE qt_many_auto");
	qr_test_exec(f->conn,
		     strcmp(backend, "mysql") == 0
			     ? "CREATE TABLE qt_many_auto (id INTEGER "
			       "AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40), "
			       "v INTEGER)"
			     : "CREATE TABLE qt_many_auto (id INTEGER PRIMARY "
			       "KEY, name VARCHAR(40), v INTEGER)");
	p = numbered_rows(1203, false);
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn,
		"INSERT INTO qt_many_auto (name, v) VALUES (:name, :v)", p));
	assert_int_equal(qr_result_rowcount(r), 1203);
	assert_int_equal(qr_result_last_insert_id(r), 1203);
	qr_result_free(r);
	qr_params_free(p);
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT max(id), count(*) FROM qt_many_auto",
		NULL));
	const qr_row *row;
	int64_t max, n;
	assert_int_equal(qr_result_first(r, &row), 1);
	qr_assert_ok(qr_row_int64(row, 0, &max));
	qr_assert_ok(qr_row_int64(row, 1, &n));
	assert_int_equal(max, 1203);
	assert_int_equal(n, 1203);
	qr_result_free(r);
	qr_assert_ok(qr_conn_rollback(f->conn));
	qr_test_drop(f->conn, "DROP TABLE qt_many_auto");
}

/* With RETURNING (where the dialect has it), an executemany returns the
 * rows of every parameter set, in order. */
static void test_batched_returning(void **state)
{
	fixture *f = *state;
	const size_t n = 2345;
	qr_params *p;
	qr_result *r;
	const qr_row *row;
	size_t i = 0;
	if (!qr_test_insert_returning(f->engine)) {
		skip(); /* MySQL has no RETURNING (MariaDB 10.5+ has) */
		return;
	}
	p = numbered_rows(n, true);
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn,
		"INSERT INTO qt_many (id, name, v) VALUES (:id, :name, :v) "
		"RETURNING id, name",
		p));
	qr_params_free(p);
	assert_true(qr_result_returns_rows(r));
	assert_int_equal(qr_result_column_count(r), 2);
	assert_string_equal(qr_result_column_name(r, 1), "name");
	/* Another statement meanwhile: the rows are buffered already. */
	assert_int_equal(count_rows(f->conn), (int64_t)n);
	while (qr_result_next(r, &row) == 1) {
		int64_t id;
		const char *name;
		char want[32];
		i++;
		qr_assert_ok(qr_row_int64(row, 0, &id));
		qr_assert_ok(qr_row_text(row, 1, &name));
		snprintf(want, sizeof(want), "row %zu", i);
		assert_int_equal(id, (int64_t)i);
		assert_string_equal(name, want);
	}
	assert_int_equal(i, n);
	assert_int_equal(qr_result_rowcount(r), (int64_t)n);
	qr_result_free(r);
	check_numbered(f->conn, n);
}

/* A name used twice in the tuple: every row keeps its own value. */
static void test_batched_repeated_name(void **state)
{
	fixture *f = *state;
	qr_params *p = numbered_rows(1500, true);
	qr_result *r;
	const qr_row *row;
	qr_assert_ok(qr_conn_execute_text(
		NULL, f->conn,
		"INSERT INTO qt_many (id, name, twin, v) VALUES (:id, :name, "
		":name, :v)",
		p));
	qr_params_free(p);
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT count(*) FROM qt_many WHERE twin = name",
		NULL));
	assert_int_equal(qr_result_first(r, &row), 1);
	int64_t n;
	qr_assert_ok(qr_row_int64(row, 0, &n));
	assert_int_equal(n, 1500);
	qr_result_free(r);
	check_numbered(f->conn, 1500);
}

/* Statements that are not a plain INSERT .. VALUES of parameters run
 * row by row, with the same outcome. */
static void test_not_batched_forms(void **state)
{
	fixture *f = *state;
	qr_params *p = numbered_rows(700, true);
	qr_result *r;
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn,
		"INSERT INTO qt_many (id, name, v, twin) VALUES (:id, :name, "
		":v, 'x')",
		p));
	assert_int_equal(qr_result_rowcount(r), 700);
	qr_result_free(r);
	qr_params_free(p);
	check_numbered(f->conn, 700);
	qr_assert_ok(qr_conn_execute_text(
		NULL, f->conn,
		"  insert into qt_many (id, name, v) select id + 1000, "
		"'copy', v from qt_many where id = 1",
		NULL));
	assert_int_equal(count_rows(f->conn), 701);
}

/* An UPDATE of many rows goes in chunks: the rowcount is the total. */
static void test_chunked_update(void **state)
{
	fixture *f = *state;
	qr_params *p;
	qr_result *r;
	insert_numbered(f->conn, 1000);
	p = qr_params_new();
	for (int i = 1; i <= 1000; i++) {
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "id", i));
		qr_assert_ok(qr_params_int(p, "v", i * 2));
	}
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "UPDATE qt_many SET v = :v WHERE id = :id", p));
	assert_int_equal(qr_result_rowcount(r), 1000);
	qr_result_free(r);
	qr_params_free(p);
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT count(*) FROM qt_many WHERE v = 2 * id",
		NULL));
	const qr_value *v;
	int64_t n;
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	assert_int_equal(n, 1000);
	qr_result_free(r);
}

/* SELECT count(*) FROM qt_many WHERE <where>. */
static int64_t count_where(qr_conn *c, const char *where)
{
	char sql[200];
	qr_result *r;
	const qr_value *v;
	int64_t n = -1;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM qt_many WHERE %s",
		 where);
	qr_assert_ok(qr_conn_execute_text(&r, c, sql, NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(r);
	return n;
}

/* An UPDATE of 2,500 sets (several batches where the driver batches
 * them: MariaDB's bulk execution), text and NULL values in one
 * parameter, sets matching no row: the rowcount is the rows matched,
 * every row has its set's values. */
static void test_update_many_sets(void **state)
{
	fixture *f = *state;
	qr_params *p = numbered_rows(2400, true);
	qr_result *r;
	char twin[40];
	qr_assert_ok(qr_conn_execute_text(
		NULL, f->conn,
		"INSERT INTO qt_many (id, name, v) VALUES (:id, :name, :v)",
		p));
	qr_params_free(p);
	p = qr_params_new();
	for (int i = 1; i <= 2500; i++) { /* 2401..2500 match nothing */
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "id", i));
		if (i % 3 == 0) {
			qr_assert_ok(qr_params_null(p, "twin"));
		} else {
			snprintf(twin, sizeof(twin), "twin of %d", i);
			qr_assert_ok(qr_params_text(p, "twin", twin));
		}
		qr_assert_ok(qr_params_int(p, "v", -i));
	}
	qr_assert_ok(
		qr_conn_execute_text(&r, f->conn,
				     "UPDATE qt_many SET twin = :twin, v = :v "
				     "WHERE id = :id",
				     p));
	assert_int_equal(qr_result_rowcount(r), 2400);
	qr_result_free(r);
	qr_params_free(p);
	assert_int_equal(count_where(f->conn, "v = -id"), 2400);
	assert_int_equal(count_where(f->conn, "twin IS NULL"), 800);
	assert_int_equal(count_where(f->conn, "id = 1234 AND twin = "
					      "'twin of 1234'"),
			 1);
	assert_int_equal(count_where(f->conn, "id = 1235 AND twin = "
					      "'twin of 1235'"),
			 1);

	/* a DELETE of many sets: the rows it matched */
	p = qr_params_new();
	for (int i = 2; i <= 2600; i += 2) {
		if (i > 2)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "id", i));
	}
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "DELETE FROM qt_many WHERE id = :id", p));
	assert_int_equal(qr_result_rowcount(r), 1200);
	qr_result_free(r);
	qr_params_free(p);
	assert_int_equal(count_rows(f->conn), 1200);
	assert_int_equal(count_where(f->conn, "id % 2 = 0"), 0);
}

/* Sets whose values for one parameter are of different kinds (an
 * integer in one, text in another) update every row as given. */
static void test_update_mixed_kinds(void **state)
{
	fixture *f = *state;
	qr_params *p;
	qr_result *r;
	insert_numbered(f->conn, 10);
	p = qr_params_new();
	for (int i = 1; i <= 10; i++) {
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "id", i));
		if (i % 2)
			qr_assert_ok(qr_params_int(p, "v", 100 + i));
		else
			qr_assert_ok(qr_params_double(p, "v", 100.0 + i));
	}
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "UPDATE qt_many SET v = :v WHERE id = :id", p));
	assert_int_equal(qr_result_rowcount(r), 10);
	qr_result_free(r);
	qr_params_free(p);
	assert_int_equal(count_where(f->conn, "v = 100 + id"), 10);
}

/* An UPDATE set failing in a later batch (a unique name repeated) fails
 * the statement with an integrity error; rolling back restores every
 * row. */
static void test_update_failure_in_later_batch(void **state)
{
	fixture *f = *state;
	qr_params *p;
	char name[32];
	insert_numbered(f->conn, 2200);
	qr_assert_ok(qr_conn_commit(f->conn));
	p = qr_params_new();
	for (int i = 1; i <= 2200; i++) {
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		/* set 2100 takes the name set 5 gave row 5 */
		snprintf(name, sizeof(name), "new %d", i == 2100 ? 5 : i);
		qr_assert_ok(qr_params_int(p, "id", i));
		qr_assert_ok(qr_params_text(p, "name", name));
	}
	int rc = qr_conn_execute_text(
		NULL, f->conn, "UPDATE qt_many SET name = :name WHERE id = :id",
		p);
	assert_int_equal(rc, QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	qr_params_free(p);
	qr_assert_ok(qr_conn_rollback(f->conn));
	assert_int_equal(count_where(f->conn, "name LIKE 'new %'"), 0);
	check_numbered(f->conn, 2200);
	/* the committed rows are the test's: remove them */
	qr_assert_ok(qr_conn_execute_text(NULL, f->conn, "DELETE FROM qt_many",
					  NULL));
	qr_assert_ok(qr_conn_commit(f->conn));
}

/* An UPDATE of many sets with values of every kind (doubles, booleans,
 * decimals, dates, datetimes, blobs; NULL in some sets) stores each
 * set's values. */
static void test_update_many_kinds(void **state)
{
	fixture *f = *state;
	qr_result *r;
	qr_params *p;
	const qr_row *row;
	enum { N = 1500 };

	char ddl[256];

	qr_test_drop(f->conn, "DROP TABLE qt_many_kinds");
	snprintf(ddl, sizeof(ddl),
		 "CREATE TABLE qt_many_kinds (id INTEGER PRIMARY KEY, "
		 "x DOUBLE PRECISION, b BOOLEAN, n NUMERIC(10, 2), d DATE, "
		 "dt TIMESTAMP NULL, bin %s)",
		 strcmp(qr_test_backend(), "postgresql") == 0 ? "BYTEA"
							      : "BLOB");
	qr_test_exec(f->conn, ddl);
	p = qr_params_new();
	for (int i = 1; i <= N; i++) {
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "id", i));
	}
	qr_assert_ok(qr_conn_execute_text(
		NULL, f->conn, "INSERT INTO qt_many_kinds (id) VALUES (:id)",
		p));
	qr_params_free(p);
	p = qr_params_new();
	for (int i = 1; i <= N; i++) {
		char dec[16], bin[16];
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "id", i));
		qr_assert_ok(qr_params_double(p, "x", i + 0.5));
		qr_assert_ok(qr_params_bool(p, "b", i % 2 == 0));
		snprintf(dec, sizeof(dec), "%d.25", i);
		qr_assert_ok(qr_params_set(p, "n", qr_val_numeric(dec)));
		qr_assert_ok(qr_params_set(
			p, "d", qr_val_date(2020, 1 + i % 12, 1 + i % 28)));
		if (i % 5 == 0)
			qr_assert_ok(qr_params_null(p, "dt"));
		else
			qr_assert_ok(qr_params_set(
				p, "dt",
				qr_val_datetime((qr_date){2021, 3, 1 + i % 28},
						(qr_time){10, i % 60, 30, 0})));
		snprintf(bin, sizeof(bin), "b%d", i);
		qr_assert_ok(qr_params_blob(p, "bin", bin, strlen(bin)));
	}
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn,
		"UPDATE qt_many_kinds SET x = :x, b = :b, n = :n, d = :d, "
		"dt = :dt, bin = :bin WHERE id = :id",
		p));
	assert_int_equal(qr_result_rowcount(r), N);
	qr_result_free(r);
	qr_params_free(p);

	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn,
		"SELECT x, b, n, d, dt, bin FROM qt_many_kinds WHERE id = 730",
		NULL));
	assert_int_equal(qr_result_next(r, &row), 1);
	double x;
	bool b;
	double n;
	qr_date d;
	qr_datetime dt;
	qr_assert_ok(qr_value_double(qr_row_value(row, 0), &x));
	assert_true(x == 730.5);
	qr_assert_ok(qr_value_bool(qr_row_value(row, 1), &b));
	assert_true(b);
	qr_assert_ok(qr_value_double(qr_row_value(row, 2), &n));
	assert_true(n == 730.25);
	qr_assert_ok(qr_value_date(qr_row_value(row, 3), &d));
	assert_int_equal(d.year, 2020);
	assert_int_equal(d.month, 1 + 730 % 12);
	assert_int_equal(d.day, 1 + 730 % 28);
	assert_int_equal(qr_row_value(row, 4)->kind, QR_VNULL);
	qr_result_free(r);

	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT dt, bin FROM qt_many_kinds WHERE id = 731",
		NULL));
	assert_int_equal(qr_result_next(r, &row), 1);
	qr_assert_ok(qr_value_datetime(qr_row_value(row, 0), &dt));
	assert_int_equal(dt.date.day, 1 + 731 % 28);
	assert_int_equal(dt.time.minute, 731 % 60);
	const void *bin;
	size_t len;
	qr_assert_ok(qr_value_blob(qr_row_value(row, 1), &bin, &len));
	assert_int_equal(len, 4);
	assert_memory_equal(bin, "b731", 4);
	qr_result_free(r);
	qr_assert_ok(qr_conn_rollback(f->conn));
	qr_test_drop(f->conn, "DROP TABLE qt_many_kinds");
}

/* A value missing from the last set fails before any row is written. */
static void test_missing_value_runs_nothing(void **state)
{
	fixture *f = *state;
	qr_params *p = numbered_rows(2000, true);
	qr_assert_ok(qr_params_next_row(p));
	qr_assert_ok(qr_params_int(p, "id", 2001));
	qr_assert_ok(qr_params_text(p, "name", "row 2001"));
	int rc = qr_conn_execute_text(
		NULL, f->conn,
		"INSERT INTO qt_many (id, name, v) VALUES (:id, :name, :v)", p);
	assert_int_equal(rc, QR_EPARAM);
	qr_params_free(p);
	assert_int_equal(count_rows(f->conn), 0);
}

/* A failing row in a later batch fails the statement; rolling back
 * leaves nothing. */
static void test_failure_in_later_batch(void **state)
{
	fixture *f = *state;
	/* Row 2100 repeats row 5's unique name. */
	qr_params *q = qr_params_new();
	char name[32];
	for (int i = 1; i <= 2200; i++) {
		if (i > 1)
			qr_assert_ok(qr_params_next_row(q));
		snprintf(name, sizeof(name), "row %d", i == 2100 ? 5 : i);
		qr_assert_ok(qr_params_int(q, "id", i));
		qr_assert_ok(qr_params_text(q, "name", name));
		qr_assert_ok(qr_params_int(q, "v", i));
	}
	int rc = qr_conn_execute_text(
		NULL, f->conn,
		"INSERT INTO qt_many (id, name, v) VALUES (:id, :name, :v)", q);
	assert_int_equal(rc, QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	qr_assert_ok(qr_conn_rollback(f->conn));
	assert_int_equal(count_rows(f->conn), 0);
	qr_params_free(q);
}

/* In AUTOCOMMIT the rows go to the driver as one batch. */
static void test_autocommit_executemany(void **state)
{
	fixture *f = *state;
	qr_conn *c = qr_test_connect(f->engine);
	qr_params *p = numbered_rows(600, true);
	qr_result *r;
	qr_assert_ok(qr_conn_set_isolation(c, QR_ISOLATION_AUTOCOMMIT));
	qr_assert_ok(qr_conn_execute_text(
		&r, c,
		"INSERT INTO qt_many (id, name, v) VALUES (:id, :name, :v)",
		p));
	assert_int_equal(qr_result_rowcount(r), 600);
	qr_result_free(r);
	qr_params_free(p);
	qr_conn_free(c);
	check_numbered(f->conn, 600);
	qr_assert_ok(qr_conn_commit(f->conn));
	qr_test_exec(f->conn, "DELETE FROM qt_many");
	qr_assert_ok(qr_conn_commit(f->conn));
}

/* first() keeps its row (small or large) and the column names and types
 * after the cursor is closed; a statement runs again and again. */
static void test_first_keeps_row(void **state)
{
	fixture *f = *state;
	char big[1001];
	qr_params *p = qr_params_new();
	qr_stmt *sel =
		qr_text("SELECT id, name, twin, v FROM qt_many WHERE id = :id");
	memset(big, 'b', 1000);
	big[1000] = '\0';
	qr_test_exec(f->conn, "INSERT INTO qt_many (id, name, v) VALUES "
			      "(1, 'small', 1)");
	qr_params_int(p, "id", 2);
	qr_params_text(p, "name", "large");
	qr_params_text(p, "twin", big);
	qr_assert_ok(qr_conn_execute_text(
		NULL, f->conn,
		"INSERT INTO qt_many (id, name, twin, v) VALUES (:id, :name, "
		":twin, 2)",
		p));
	for (int round = 0; round < 3; round++) {
		for (int id = 1; id <= 2; id++) {
			qr_result *r;
			const qr_row *row;
			const char *s;
			qr_params_reset(p);
			qr_params_int(p, "id", id);
			qr_assert_ok(qr_conn_execute(&r, f->conn, sel, p));
			assert_int_equal(qr_result_first(r, &row), 1);
			/* Another statement on the connection meanwhile. */
			assert_int_equal(count_rows(f->conn), 2);
			assert_int_equal(qr_row_column_count(row), 4);
			assert_string_equal(qr_row_column_name(row, 1), "name");
			assert_int_equal(qr_row_index(row, "twin"), 2);
			assert_non_null(qr_result_column_type(r, 1));
			qr_assert_ok(qr_row_text(row, 1, &s));
			assert_string_equal(s, id == 1 ? "small" : "large");
			if (id == 1) {
				assert_true(qr_row_is_null(row, 2));
			} else {
				qr_assert_ok(qr_row_text(row, 2, &s));
				assert_string_equal(s, big);
			}
			const qr_row *more;
			assert_int_equal(qr_result_next(r, &more), 0);
			qr_result_free(r);
		}
	}
	qr_stmt_free(sel);
	qr_params_free(p);
}

/* One text() statement executed for two dialects and compiled for a
 * third gives each its own SQL. */
static void test_statement_reused_across_dialects(void **state)
{
	fixture *f = *state;
	qr_stmt *s = qr_text("SELECT v FROM qt_many WHERE id = :id");
	qr_params *p = qr_params_new();
	qr_engine *lite;
	qr_conn *lc;
	qr_compiled *c;
	qr_result *r;
	const qr_value *v;
	int64_t got;

	qr_test_exec(f->conn, "INSERT INTO qt_many (id, name, v) VALUES "
			      "(1, 'one', 42)");
	qr_params_int(p, "id", 1);
	qr_assert_ok(qr_engine_create(&lite, "sqlite://", NULL));
	qr_assert_ok(qr_engine_connect(&lc, lite));
	qr_test_exec(lc, "CREATE TABLE qt_many (id INTEGER PRIMARY KEY, "
			 "name TEXT, twin TEXT, v INTEGER)");
	qr_test_exec(lc, "INSERT INTO qt_many VALUES (1, 'one', NULL, 7)");
	for (int round = 0; round < 2; round++) {
		qr_assert_ok(qr_conn_execute(&r, f->conn, s, p));
		assert_int_equal(qr_result_scalar(r, &v), 1);
		qr_assert_ok(qr_value_int64(v, &got));
		assert_int_equal(got, 42);
		qr_result_free(r);
		qr_assert_ok(qr_conn_execute(&r, lc, s, p));
		assert_int_equal(qr_result_scalar(r, &v), 1);
		qr_assert_ok(qr_value_int64(v, &got));
		assert_int_equal(got, 7);
		qr_result_free(r);
	}
	qr_assert_ok(qr_compile(&c, s, "postgresql"));
	assert_string_equal(qr_compiled_sql(c),
			    "SELECT v FROM qt_many WHERE id = $1");
	qr_compiled_free(c);
	qr_assert_ok(qr_compile(&c, s, "sqlite"));
	assert_string_equal(qr_compiled_sql(c),
			    "SELECT v FROM qt_many WHERE id = ?");
	qr_compiled_free(c);
	qr_conn_free(lc);
	qr_engine_free(lite);
	qr_stmt_free(s);
	qr_params_free(p);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_batched_insert, setup, teardown),
	cmocka_unit_test_setup_teardown(test_batched_insert_generated_ids,
					setup, teardown),
	cmocka_unit_test_setup_teardown(test_batched_returning, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_batched_repeated_name, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_not_batched_forms, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_chunked_update, setup, teardown),
	cmocka_unit_test_setup_teardown(test_update_many_sets, setup, teardown),
	cmocka_unit_test_setup_teardown(test_update_mixed_kinds, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_update_many_kinds, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_update_failure_in_later_batch,
					setup, teardown),
	cmocka_unit_test_setup_teardown(test_missing_value_runs_nothing, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_failure_in_later_batch, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_autocommit_executemany, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_first_keeps_row, setup, teardown),
	cmocka_unit_test_setup_teardown(test_statement_reused_across_dialects,
					setup, teardown),
};

QR_TEST_MAIN("executemany", tests)
