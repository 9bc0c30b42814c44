/*
 * test_core_inserted_key.c - the key a single-row INSERT generated
 * (SQLAlchemy's result.inserted_primary_key) on whichever URL the suite
 * is given: qr_result_last_insert_id from the cursor's lastrowid (SQLite,
 * MySQL) or from the INSERT's implicit RETURNING (PostgreSQL), the
 * result returning no rows either way; an executemany adds no RETURNING;
 * an explicit RETURNING stays the program's.
 */
#include "test_support.h"

#include <quarry/exec_events.h>

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
	qr_engine *engine;
	qr_conn *conn;
	qr_metadata *md;
	qr_table *t;
	int returning_seen; /* statements sent with RETURNING */
} fixture;

static int count_returning(void *ud, const qr_exec_event_info *info)
{
	fixture *f = ud;
	for (size_t i = 0; i + 9 <= info->statement_len; i++)
		if (memcmp(info->statement + i, "RETURNING", 9) == 0) {
			f->returning_seen++;
			break;
		}
	return 0;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->engine = qr_test_engine();
	f->conn = qr_test_connect(f->engine);
	f->md = qr_metadata_new();
	f->t = qr_table(f->md, "qt_ik_items",
			qr_column("id", QR_INTEGER, .primary_key = true),
			qr_column("name", qr_string(20)));
	qr_test_drop(f->conn, "DROP TABLE qt_ik_items");
	qr_stmt *create = qr_create_table(f->t);
	qr_assert_ok(qr_conn_execute(NULL, f->conn, create, NULL));
	qr_stmt_free(create);
	qr_assert_ok(qr_conn_commit(f->conn));
	qr_assert_ok(qr_engine_on_execute(f->engine, QR_BEFORE_CURSOR_EXECUTE,
					  count_returning, f));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	qr_conn_rollback(f->conn);
	qr_test_drop(f->conn, "DROP TABLE qt_ik_items");
	qr_conn_free(f->conn);
	qr_metadata_free(f->md);
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

static bool implicit(const fixture *f)
{
	return strcmp(qr_engine_dialect_name(f->engine), "postgresql") == 0;
}

static void test_inserted_key(void **state)
{
	fixture *f = *state;
	qr_result *r;

	for (int i = 1; i <= 2; i++) {
		qr_stmt *ins =
			qr_insert(f->t, qr_set("name", qr_bind_text("a")));
		qr_assert_ok(qr_conn_execute(&r, f->conn, ins, NULL));
		qr_stmt_free(ins);
		assert_int_equal(qr_result_last_insert_id(r), i);
		assert_false(qr_result_returns_rows(r));
		assert_int_equal(qr_result_rowcount(r), 1);
		const qr_row *row;
		assert_int_equal(qr_result_next(r, &row), QR_ESTATE);
		qr_result_free(r);
	}
	assert_int_equal(f->returning_seen, implicit(f) ? 2 : 0);

	/* an executemany: no RETURNING added */
	f->returning_seen = 0;
	qr_params *p = qr_params_new();
	qr_assert_ok(qr_params_text(p, "name", "b"));
	qr_assert_ok(qr_params_next_row(p));
	qr_assert_ok(qr_params_text(p, "name", "c"));
	qr_stmt *ins = qr_insert(f->t);
	qr_assert_ok(qr_conn_execute(&r, f->conn, ins, p));
	assert_int_equal(qr_result_rowcount(r), 2);
	qr_result_free(r);
	qr_params_free(p);
	assert_int_equal(f->returning_seen, 0);

	/* the same statement with one set: the key again */
	p = qr_params_new();
	qr_assert_ok(qr_params_text(p, "name", "d"));
	qr_assert_ok(qr_conn_execute(&r, f->conn, ins, p));
	assert_int_equal(qr_result_last_insert_id(r), 5);
	qr_result_free(r);
	qr_params_free(p);
	qr_stmt_free(ins);

	/* the key given: nothing to return */
	f->returning_seen = 0;
	ins = qr_insert(f->t, qr_set("id", qr_bind_int(40)),
			qr_set("name", qr_bind_text("e")));
	qr_assert_ok(qr_conn_execute(NULL, f->conn, ins, NULL));
	qr_stmt_free(ins);
	assert_int_equal(f->returning_seen, 0);
	qr_assert_ok(qr_conn_commit(f->conn));
	assert_int_equal(
		qr_test_scalar_int(f->conn, "SELECT count(*) FROM qt_ik_items"),
		6);
}

/* An explicit RETURNING (where the dialect has it) returns its rows. */
static void test_explicit_returning(void **state)
{
	fixture *f = *state;
	if (!qr_test_insert_returning(f->engine))
		skip();
	qr_stmt *ins = qr_insert(f->t, qr_set("name", qr_bind_text("x")),
				 qr_returning(qr_c(f->t, "name")));
	qr_result *r;
	const qr_value *v;
	const char *name;
	qr_assert_ok(qr_conn_execute(&r, f->conn, ins, NULL));
	assert_true(qr_result_returns_rows(r));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_text(v, &name, NULL));
	assert_string_equal(name, "x");
	qr_result_free(r);
	qr_stmt_free(ins);
	qr_assert_ok(qr_conn_commit(f->conn));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inserted_key, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_explicit_returning, setup,
						teardown),
	};
	return qr_test_run(argc, argv, "core_inserted_key", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
