/*
 * test_core_expanding.c - "expanding" IN parameters: one statement,
 * lists of any length given at execution, SQLAlchemy's empty-IN
 * semantics, typed elements.
 */
#include "test_support.h"

#include <stdio.h>
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
	qr_test_drop(f->conn, "DROP TABLE qt_expanding");
	f->md = qr_metadata_new();
	f->t = qr_table(f->md, "qt_expanding",
			qr_column("id", QR_INTEGER, .primary_key = true),
			qr_column("name", qr_string(20)),
			qr_column("day", QR_DATE));
	qr_assert_ok(qr_table_create(f->t, f->conn, false));
	qr_params *p = qr_params_new();
	const char *names[] = {"a", "b", "c", "d", "e"};
	for (int i = 0; i < 5; i++) {
		if (i)
			qr_params_next_row(p);
		qr_params_int(p, "id", i + 1);
		qr_params_text(p, "name", names[i]);
		qr_params_set(p, "day", qr_val_date(2024, 1, i + 1));
	}
	qr_stmt *ins = qr_insert(f->t);
	qr_assert_ok(qr_conn_execute(NULL, f->conn, ins, p));
	qr_stmt_free(ins);
	qr_params_free(p);
	qr_assert_ok(qr_conn_commit(f->conn));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	qr_test_drop(f->conn, "DROP TABLE qt_expanding");
	qr_metadata_free(f->md);
	qr_conn_free(f->conn);
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

/* The ids a statement returns, as "1,3,5". */
static void ids_of(qr_conn *conn, const qr_stmt *stmt, const qr_params *p,
		   char *out, size_t cap)
{
	qr_result *r;
	const qr_row *row;
	int more;
	out[0] = '\0';
	qr_assert_ok(qr_conn_execute(&r, conn, stmt, p));
	while ((more = qr_result_next(r, &row)) > 0) {
		int64_t id;
		qr_assert_ok(qr_row_int64(row, 0, &id));
		size_t n = strlen(out);
		snprintf(out + n, cap - n, "%s%lld", n ? "," : "",
			 (long long)id);
	}
	assert_int_equal(more, 0);
	qr_result_free(r);
}

static void test_lists_of_any_length(void **state)
{
	fixture *f = *state;
	char got[64];
	qr_stmt *sel = qr_select(
		qr_cols(f->t, "id"),
		qr_where(qr_in(qr_c(f->t, "id"), qr_param_expanding("ids"))),
		qr_order_by(qr_c(f->t, "id")));
	qr_value three[] = {qr_val_int(5), qr_val_int(1), qr_val_int(3)};
	qr_params *p = qr_params_new();
	qr_assert_ok(qr_params_list(p, "ids", three, 3));
	ids_of(f->conn, sel, p, got, sizeof(got));
	assert_string_equal(got, "1,3,5");

	/* The same statement with another length. */
	qr_params_reset(p);
	qr_assert_ok(qr_params_list(p, "ids", three + 1, 1));
	ids_of(f->conn, sel, p, got, sizeof(got));
	assert_string_equal(got, "1");

	/* An empty list matches nothing. */
	qr_params_reset(p);
	qr_assert_ok(qr_params_list(p, "ids", NULL, 0));
	ids_of(f->conn, sel, p, got, sizeof(got));
	assert_string_equal(got, "");
	qr_params_free(p);
	qr_stmt_free(sel);
}

static void test_not_in_and_types(void **state)
{
	fixture *f = *state;
	char got[64];
	qr_stmt *sel =
		qr_select(qr_cols(f->t, "id"),
			  qr_where(qr_not_in(qr_c(f->t, "name"),
					     qr_param_expanding("names"))),
			  qr_order_by(qr_c(f->t, "id")));
	qr_value names[] = {qr_val_text("b"), qr_val_text("d")};
	qr_params *p = qr_params_new();
	qr_assert_ok(qr_params_list(p, "names", names, 2));
	ids_of(f->conn, sel, p, got, sizeof(got));
	assert_string_equal(got, "1,3,5");
	/* An empty NOT IN matches every row. */
	qr_params_reset(p);
	qr_assert_ok(qr_params_list(p, "names", NULL, 0));
	ids_of(f->conn, sel, p, got, sizeof(got));
	assert_string_equal(got, "1,2,3,4,5");
	qr_stmt_free(sel);

	/* Elements convert like the column they are compared with. */
	sel = qr_select(
		qr_cols(f->t, "id"),
		qr_where(qr_in(qr_c(f->t, "day"), qr_param_expanding("days")),
			 qr_gt(qr_c(f->t, "id"), qr_param("min"))),
		qr_order_by(qr_c(f->t, "id")));
	qr_value days[] = {qr_val_date(2024, 1, 2), qr_val_date(2024, 1, 4),
			   qr_val_date(2023, 5, 5)};
	qr_params_reset(p);
	qr_assert_ok(qr_params_list(p, "days", days, 3));
	qr_assert_ok(qr_params_int(p, "min", 2));
	ids_of(f->conn, sel, p, got, sizeof(got));
	assert_string_equal(got, "4");
	qr_params_free(p);
	qr_stmt_free(sel);
}

/* A list bound in the statement serves when the execution gives none,
 * and is overridden by one of the same name; the string form shows the
 * parameter as SQLAlchemy's str() does. */
static void test_bound_list(void **state)
{
	fixture *f = *state;
	char got[64];
	qr_value two[] = {qr_val_int(4), qr_val_int(2)};
	qr_value one = qr_val_int(5);
	qr_stmt *sel = qr_select(
		qr_cols(f->t, "id"),
		qr_where(qr_in(qr_c(f->t, "id"),
			       qr_param_expanding_values("ids", two, 2))),
		qr_order_by(qr_c(f->t, "id")));
	qr_params *p = qr_params_new();
	char *sql = NULL;

	ids_of(f->conn, sel, NULL, got, sizeof(got));
	assert_string_equal(got, "2,4");
	qr_assert_ok(qr_params_list(p, "ids", &one, 1));
	ids_of(f->conn, sel, p, got, sizeof(got));
	assert_string_equal(got, "5");
	qr_assert_ok(qr_compile_literal(&sql, sel, qr_test_backend()));
	assert_non_null(strstr(sql, "IN (4, 2)"));
	qr_free(sql);
	qr_params_free(p);
	qr_stmt_free(sel);
}

static void test_errors(void **state)
{
	fixture *f = *state;
	qr_stmt *sel = qr_select(
		qr_cols(f->t, "id"),
		qr_where(qr_in(qr_c(f->t, "id"), qr_param_expanding("ids"))));
	qr_params *p = qr_params_new();
	/* Not a list. */
	qr_assert_ok(qr_params_int(p, "ids", 3));
	assert_int_equal(qr_conn_execute(NULL, f->conn, sel, p), QR_EPARAM);
	assert_non_null(strstr(qr_error_last()->message, "ids"));
	/* Missing. */
	assert_int_equal(qr_conn_execute(NULL, f->conn, sel, NULL), QR_EPARAM);
	/* With executemany. */
	qr_value one = qr_val_int(1);
	qr_params_reset(p);
	qr_params_list(p, "ids", &one, 1);
	qr_params_next_row(p);
	qr_params_list(p, "ids", &one, 1);
	assert_int_equal(qr_conn_execute(NULL, f->conn, sel, p), QR_EPARAM);
	assert_non_null(strstr(qr_error_last()->message, "executemany"));
	/* A list inside a list. */
	qr_value inner = {QR_VLIST, {0}};
	assert_int_equal(qr_params_list(p, "x", &inner, 1), QR_EINVAL);
	qr_params_free(p);
	qr_stmt_free(sel);
	qr_conn_rollback(f->conn);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lists_of_any_length, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_in_and_types, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bound_list, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
	};
	return qr_test_run(argc, argv, "core_expanding", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
