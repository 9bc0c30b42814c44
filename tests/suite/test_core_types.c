/*
 * test_core_types.c - values of every Core type round-trip through a
 * table built from metadata: converted into each dialect's storage form
 * on the way in (bind processing) and back into the application's kinds
 * on the way out (result processing), as SQLAlchemy's types do.
 */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
	qr_engine *engine;
	qr_conn *conn;
	qr_metadata *md;
	qr_table *t;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->engine = qr_test_engine();
	f->conn = qr_test_connect(f->engine);
	qr_test_drop(f->conn, "DROP TABLE qt_types");
	f->md = qr_metadata_new();
	f->t = qr_table(
		f->md, "qt_types",
		qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("flag", QR_BOOLEAN), qr_column("born", QR_DATE),
		qr_column("at", QR_DATETIME), qr_column("tm", QR_TIME),
		qr_column("price", qr_numeric(10, 2)),
		qr_column("ratio", QR_DOUBLE), qr_column("name", qr_string(40)),
		qr_column("data", QR_BINARY));
	assert_non_null(f->t);
	qr_assert_ok(qr_table_create(f->t, f->conn, false));
	qr_assert_ok(qr_conn_commit(f->conn));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	qr_test_drop(f->conn, "DROP TABLE qt_types");
	qr_metadata_free(f->md);
	qr_conn_free(f->conn);
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

static void test_roundtrip(void **state)
{
	fixture *f = *state;
	qr_params *p = qr_params_new();
	qr_datetime at = {{2024, 2, 29}, {13, 45, 30, 123456}, false, 0};
	qr_params_int(p, "id", 1);
	qr_params_bool(p, "flag", true);
	qr_params_set(p, "born", qr_val_date(1999, 12, 31));
	qr_params_set(p, "at", qr_val_datetime(at.date, at.time));
	qr_params_set(p, "tm", qr_val_time(7, 8, 9, 0));
	qr_params_set(p, "price", qr_val_numeric("12.50"));
	qr_params_double(p, "ratio", 0.25);
	qr_params_text(p, "name", "it's");
	qr_params_blob(p, "data", "\x00\x01\x02", 3);
	qr_params_next_row(p);
	qr_params_int(p, "id", 2);
	qr_params_bool(p, "flag", false);
	qr_params_null(p, "born");
	qr_params_null(p, "at");
	qr_params_null(p, "tm");
	qr_params_null(p, "price");
	qr_params_null(p, "ratio");
	qr_params_null(p, "name");
	qr_params_null(p, "data");
	qr_stmt *ins = qr_insert(f->t);
	qr_assert_ok(qr_conn_execute(NULL, f->conn, ins, p));
	qr_stmt_free(ins);
	qr_params_free(p);

	qr_stmt *sel = qr_select(qr_cols(f->t, "flag", "born", "at", "tm",
					 "price", "ratio", "name", "data"),
				 qr_order_by(qr_c(f->t, "id")));
	qr_result *r;
	qr_rowset *rows;
	qr_assert_ok(qr_conn_execute(&r, f->conn, sel, NULL));
	qr_assert_ok(qr_result_all(&rows, r));
	qr_result_free(r);
	qr_stmt_free(sel);
	assert_int_equal(qr_rowset_count(rows), 2);

	const qr_row *row = qr_rowset_row(rows, 0);
	const qr_value *v = qr_row_value(row, 0);
	assert_int_equal(v->kind, QR_VBOOL);
	assert_true(v->u.b);
	v = qr_row_value(row, 1);
	assert_int_equal(v->kind, QR_VDATE);
	assert_int_equal(v->u.date.year, 1999);
	assert_int_equal(v->u.date.day, 31);
	v = qr_row_value(row, 2);
	assert_int_equal(v->kind, QR_VDATETIME);
	assert_int_equal(v->u.datetime.date.month, 2);
	assert_int_equal(v->u.datetime.time.minute, 45);
	/* MySQL's DATETIME keeps whole seconds unless declared with
	 * fractions, as in SQLAlchemy. */
	if (strcmp(qr_test_backend(), "mysql") != 0)
		assert_int_equal(v->u.datetime.time.microsecond, 123456);
	v = qr_row_value(row, 3);
	assert_int_equal(v->kind, QR_VTIME);
	assert_int_equal(v->u.time.hour, 7);
	assert_int_equal(v->u.time.second, 9);
	char num[32];
	qr_assert_ok(qr_row_numeric(row, 4, num, sizeof(num)));
	assert_string_equal(num, "12.50");
	assert_int_equal(qr_row_value(row, 4)->kind, QR_VNUMERIC);
	double d;
	qr_assert_ok(qr_row_double(row, 5, &d));
	assert_true(d == 0.25);
	const char *name;
	qr_assert_ok(qr_row_text(row, 6, &name));
	assert_string_equal(name, "it's");
	const void *blob;
	size_t len;
	qr_assert_ok(qr_row_blob(row, 7, &blob, &len));
	assert_int_equal(len, 3);
	assert_memory_equal(blob, "\x00\x01\x02", 3);

	row = qr_rowset_row(rows, 1);
	v = qr_row_value(row, 0);
	assert_int_equal(v->kind, QR_VBOOL);
	assert_false(v->u.b);
	for (int i = 1; i < 8; i++)
		assert_true(qr_row_is_null(row, i));
	char *repr;
	qr_assert_ok(qr_row_repr(&repr, row));
	assert_string_equal(
		repr, "(False, None, None, None, None, None, None, None)");
	qr_free(repr);
	qr_rowset_free(rows);
}

static void test_where_on_typed_column(void **state)
{
	fixture *f = *state;
	qr_params *p = qr_params_new();
	qr_params_int(p, "id", 7);
	qr_params_bool(p, "flag", true);
	qr_params_set(p, "born", qr_val_date(2000, 1, 2));
	qr_stmt *ins = qr_insert(f->t);
	qr_assert_ok(qr_conn_execute(NULL, f->conn, ins, p));
	qr_stmt_free(ins);
	qr_params_free(p);
	/* The bound date and boolean are converted like the column's. */
	qr_stmt *sel = qr_select(
		qr_cols(f->t, "id"),
		qr_where(qr_eq(qr_c(f->t, "born"),
			       qr_bind_value(qr_val_date(2000, 1, 2))),
			 qr_eq(qr_c(f->t, "flag"), qr_bind_bool(true))));
	qr_result *r;
	const qr_value *v;
	qr_assert_ok(qr_conn_execute(&r, f->conn, sel, NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	assert_int_equal(v->u.i, 7);
	qr_result_free(r);
	qr_stmt_free(sel);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_where_on_typed_column,
						setup, teardown),
	};
	return qr_test_run(argc, argv, "core_types", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
