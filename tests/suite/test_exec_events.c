/*
 * test_exec_events.c - statement listeners (SQLAlchemy's
 * before_cursor_execute, after_cursor_execute and handle_error engine
 * events) on whichever URL the suite is given: what they are told, a
 * BEFORE listener's error stopping the statement, the error a failed
 * statement reports, executemany batches, removal.
 */
#include "test_support.h"

#include <quarry/sys/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct seen {
	int before, after, errors;
	char last_sql[256];
	size_t last_nparams, last_nrows;
	bool last_many;
	int64_t last_value; /* the first parameter when an integer */
	int64_t last_rowcount;
	qr_errclass last_class;
	bool refuse; /* BEFORE fails */
} seen;

static int on_before(void *ud, const qr_exec_event_info *info)
{
	seen *s = ud;
	s->before++;
	snprintf(s->last_sql, sizeof(s->last_sql), "%.*s",
		 (int)info->statement_len, info->statement);
	s->last_nparams = info->nparams;
	s->last_nrows = info->nrows;
	s->last_many = info->executemany;
	s->last_value = info->nparams && info->parameters[0].kind == QR_VINT
				? info->parameters[0].u.i
				: -1;
	if (s->refuse)
		return qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				    "refused by the test's listener");
	return 0;
}

static int on_after(void *ud, const qr_exec_event_info *info)
{
	seen *s = ud;
	s->after++;
	s->last_rowcount = info->rowcount;
	return 0;
}

static int on_error(void *ud, const qr_exec_event_info *info)
{
	seen *s = ud;
	s->errors++;
	s->last_class = info->error->klass;
	return QR_ERROR; /* ignored: the statement's error stays */
}

typedef struct fixture {
	qr_engine *engine;
	qr_conn *conn;
	seen s;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->engine = qr_test_engine();
	f->conn = qr_test_connect(f->engine);
	qr_test_drop(f->conn, "DROP TABLE qt_events");
	qr_test_exec(f->conn, "CREATE TABLE qt_events (id INTEGER PRIMARY "
			      "KEY, name VARCHAR(20) NOT NULL UNIQUE)");
	qr_assert_ok(qr_conn_commit(f->conn));
	qr_assert_ok(qr_engine_on_execute(f->engine, QR_BEFORE_CURSOR_EXECUTE,
					  on_before, &f->s));
	qr_assert_ok(qr_engine_on_execute(f->engine, QR_AFTER_CURSOR_EXECUTE,
					  on_after, &f->s));
	qr_assert_ok(qr_engine_on_execute(f->engine, QR_HANDLE_ERROR, on_error,
					  &f->s));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	f->s.refuse = false;
	qr_conn_rollback(f->conn);
	qr_test_drop(f->conn, "DROP TABLE qt_events");
	qr_conn_free(f->conn);
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

static void insert_rows(fixture *f, int from, int to)
{
	qr_params *p = qr_params_new();
	char name[20];
	for (int i = from; i <= to; i++) {
		if (i > from)
			qr_assert_ok(qr_params_next_row(p));
		snprintf(name, sizeof(name), "n%d", i);
		qr_assert_ok(qr_params_int(p, "id", i));
		qr_assert_ok(qr_params_text(p, "name", name));
	}
	qr_assert_ok(qr_conn_execute_text(
		NULL, f->conn,
		"INSERT INTO qt_events (id, name) VALUES (:id, :name)", p));
	qr_params_free(p);
}

static void test_statements_seen(void **state)
{
	fixture *f = *state;
	qr_result *r;
	qr_params *p = qr_params_new();

	qr_assert_ok(qr_params_int(p, "id", 42));
	qr_assert_ok(qr_conn_execute_text(
		&r, f->conn, "SELECT name FROM qt_events WHERE id = :id", p));
	qr_result_free(r);
	qr_params_free(p);
	assert_int_equal(f->s.before, 1);
	assert_int_equal(f->s.after, 1);
	assert_non_null(strstr(f->s.last_sql, "SELECT name FROM qt_events"));
	assert_int_equal(f->s.last_nparams, 1);
	assert_int_equal(f->s.last_value, 42);
	assert_false(f->s.last_many);

	/* an executemany: each driver execution is seen, flagged */
	f->s.before = f->s.after = 0;
	insert_rows(f, 1, 5);
	assert_true(f->s.before >= 1);
	assert_int_equal(f->s.after, f->s.before);
	assert_true(f->s.last_many);
	assert_non_null(strstr(f->s.last_sql, "INSERT INTO qt_events"));

	/* an UPDATE's rows, as the driver reports them */
	qr_assert_ok(qr_conn_execute_text(
		NULL, f->conn, "UPDATE qt_events SET name = name WHERE id <= 3",
		NULL));
	assert_int_equal(f->s.last_rowcount, 3);
	qr_assert_ok(qr_conn_commit(f->conn));
}

/* A BEFORE listener's error: the statement is never sent. */
static void test_before_refuses(void **state)
{
	fixture *f = *state;
	insert_rows(f, 1, 1);
	f->s.refuse = true;
	int rc = qr_conn_execute_text(
		NULL, f->conn, "DELETE FROM qt_events WHERE id = 1", NULL);
	assert_int_equal(rc, QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "refused"));
	f->s.refuse = false;
	assert_int_equal(
		qr_test_scalar_int(f->conn, "SELECT count(*) FROM qt_events"),
		1);
}

/* HANDLE_ERROR sees a failed statement's error; the error stays. */
static void test_handle_error(void **state)
{
	fixture *f = *state;
	insert_rows(f, 1, 1);
	int after = f->s.after;
	int rc = qr_conn_execute_text(
		NULL, f->conn,
		"INSERT INTO qt_events (id, name) VALUES (2, 'n1')", NULL);
	assert_int_equal(rc, QR_EDB);
	assert_int_equal(f->s.errors, 1);
	assert_int_equal(f->s.last_class, QR_ECLASS_INTEGRITY);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	assert_int_equal(f->s.after, after); /* no AFTER for it */
	qr_assert_ok(qr_conn_rollback(f->conn));
}

/* Removed listeners are not called; removing an unknown one fails. */
static void test_off(void **state)
{
	fixture *f = *state;
	qr_assert_ok(qr_engine_off_execute(f->engine, QR_BEFORE_CURSOR_EXECUTE,
					   on_before, &f->s));
	assert_int_equal(qr_engine_off_execute(f->engine,
					       QR_BEFORE_CURSOR_EXECUTE,
					       on_before, &f->s),
			 QR_EINVAL);
	int before = f->s.before;
	insert_rows(f, 1, 2);
	assert_int_equal(f->s.before, before);
	assert_true(f->s.after > 0);
	assert_int_equal(
		qr_engine_on_execute(NULL, QR_HANDLE_ERROR, on_error, NULL),
		QR_EINVAL);
	assert_int_equal(qr_engine_on_execute(f->engine, (qr_exec_event)7,
					      on_error, NULL),
			 QR_EINVAL);
	qr_assert_ok(qr_conn_commit(f->conn));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_statements_seen, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_before_refuses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_handle_error, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_off, setup, teardown),
	};
	return qr_test_run(argc, argv, "exec_events", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
