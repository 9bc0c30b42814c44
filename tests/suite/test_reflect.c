/*
 * test_reflect.c - schema reflection on tables created with DDL text:
 * names, columns, types, nullability, defaults, primary and foreign keys,
 * indexes and unique constraints.
 */
#include "test_support.h"

#include <quarry/reflect.h>

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
	qr_engine *engine;
	qr_conn *conn;
} fixture;

/* Each DROP in its own transaction: a failed one (nothing to drop) must
 * not undo the others on databases with transactional DDL. */
static void drop_all(qr_conn *conn)
{
	qr_test_drop(conn, "DROP VIEW qr_v_people");
	qr_test_drop(conn, "DROP TABLE qr_r_child");
	qr_test_drop(conn, "DROP TABLE qr_r_parent");
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->engine = qr_test_engine();
	f->conn = qr_test_connect(f->engine);
	drop_all(f->conn);
	qr_test_exec(f->conn, "CREATE TABLE qr_r_parent (id INTEGER NOT NULL, "
			      "code VARCHAR(10) NOT NULL, name VARCHAR(50), "
			      "score NUMERIC(10, 2) DEFAULT 0, "
			      "PRIMARY KEY (id), UNIQUE (code))");
	qr_test_exec(f->conn,
		     "CREATE TABLE qr_r_child (a INTEGER NOT NULL, "
		     "b INTEGER NOT NULL, parent_id INTEGER, note TEXT, "
		     "PRIMARY KEY (a, b), "
		     "FOREIGN KEY (parent_id) REFERENCES qr_r_parent (id) "
		     "ON DELETE CASCADE)");
	qr_test_exec(f->conn, "CREATE INDEX ix_child_note_parent ON qr_r_child "
			      "(parent_id, a)");
	qr_test_exec(f->conn, "CREATE VIEW qr_v_people AS SELECT id, name "
			      "FROM qr_r_parent");
	qr_assert_ok(qr_conn_commit(f->conn));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	drop_all(f->conn);
	qr_conn_free(f->conn);
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

static bool has(const qr_strings *list, const char *s)
{
	for (size_t i = 0; i < list->count; i++) {
		if (strcmp(list->items[i], s) == 0)
			return true;
	}
	return false;
}

static void test_names(void **state)
{
	fixture *f = *state;
	qr_strings *tables, *views;
	bool exists;
	qr_assert_ok(qr_inspect_table_names(&tables, f->conn, NULL));
	assert_true(has(tables, "qr_r_parent"));
	assert_true(has(tables, "qr_r_child"));
	assert_false(has(tables, "qr_v_people"));
	for (size_t i = 1; i < tables->count; i++)
		assert_true(strcmp(tables->items[i - 1], tables->items[i]) < 0);
	qr_strings_free(tables);
	qr_assert_ok(qr_inspect_view_names(&views, f->conn, NULL));
	assert_true(has(views, "qr_v_people"));
	assert_false(has(views, "qr_r_parent"));
	qr_strings_free(views);
	qr_assert_ok(
		qr_inspect_has_table(&exists, f->conn, NULL, "qr_r_child"));
	assert_true(exists);
	qr_assert_ok(qr_inspect_has_table(&exists, f->conn, NULL, "qr_nope"));
	assert_false(exists);
}

static void test_columns_and_keys(void **state)
{
	fixture *f = *state;
	qr_reflected_table *t;
	qr_assert_ok(qr_inspect_table(&t, f->conn, NULL, "qr_r_parent"));
	assert_int_equal(t->ncolumns, 4);
	assert_string_equal(t->columns[0].name, "id");
	assert_int_equal(t->columns[0].type.kind, QR_TYPE_INTEGER);
	assert_false(t->columns[0].nullable);
	const qr_reflected_column *code = qr_reflected_column_find(t, "code");
	assert_non_null(code);
	assert_int_equal(code->type.kind, QR_TYPE_STRING);
	assert_int_equal(code->type.length, 10);
	const qr_reflected_column *name = qr_reflected_column_find(t, "name");
	assert_true(name->nullable);
	const qr_reflected_column *score = qr_reflected_column_find(t, "score");
	assert_int_equal(score->type.kind, QR_TYPE_NUMERIC);
	assert_int_equal(score->type.precision, 10);
	assert_int_equal(score->type.scale, 2);
	assert_non_null(score->default_value);
	assert_non_null(strchr(score->default_value, '0'));
	assert_null(qr_reflected_column_find(t, "nope"));
	assert_int_equal(t->pk_columns.count, 1);
	assert_string_equal(t->pk_columns.items[0], "id");
	assert_int_equal(t->nuniques, 1);
	assert_int_equal(t->uniques[0].columns.count, 1);
	assert_string_equal(t->uniques[0].columns.items[0], "code");
	qr_reflected_table_free(t);

	qr_assert_ok(qr_inspect_table(&t, f->conn, NULL, "qr_r_child"));
	assert_int_equal(t->pk_columns.count, 2);
	assert_string_equal(t->pk_columns.items[0], "a");
	assert_string_equal(t->pk_columns.items[1], "b");
	assert_int_equal(t->nfks, 1);
	assert_string_equal(t->fks[0].referred_table, "qr_r_parent");
	assert_string_equal(t->fks[0].columns.items[0], "parent_id");
	assert_string_equal(t->fks[0].referred_columns.items[0], "id");
	assert_non_null(t->fks[0].on_delete);
	assert_string_equal(t->fks[0].on_delete, "CASCADE");
	bool found = false;
	for (size_t i = 0; i < t->nindexes; i++) {
		if (strcmp(t->indexes[i].name, "ix_child_note_parent") != 0)
			continue;
		found = true;
		assert_false(t->indexes[i].unique);
		assert_int_equal(t->indexes[i].columns.count, 2);
		assert_string_equal(t->indexes[i].columns.items[0],
				    "parent_id");
		assert_string_equal(t->indexes[i].columns.items[1], "a");
	}
	assert_true(found);
	const qr_reflected_column *note = qr_reflected_column_find(t, "note");
	assert_int_equal(note->type.kind, QR_TYPE_TEXT);
	qr_reflected_table_free(t);
}

static void test_no_such_table(void **state)
{
	fixture *f = *state;
	qr_reflected_table *t = (qr_reflected_table *)&t;
	assert_int_equal(qr_inspect_table(&t, f->conn, NULL, "qr_missing"),
			 QR_ENORESULT);
	assert_null(t);
	assert_non_null(strstr(qr_error_last()->message, "qr_missing"));
	qr_conn_rollback(f->conn);
}

static void test_type_parse(void **state)
{
	(void)state;
	qr_type t;
	qr_assert_ok(qr_type_parse(&t, "postgresql", "character varying(20)"));
	assert_int_equal(t.kind, QR_TYPE_STRING);
	assert_int_equal(t.length, 20);
	qr_assert_ok(
		qr_type_parse(&t, "postgresql", "timestamp with time zone"));
	assert_int_equal(t.kind, QR_TYPE_DATETIME);
	assert_true(t.timezone);
	qr_assert_ok(qr_type_parse(&t, "mysql", "tinyint(1)"));
	assert_int_equal(t.kind, QR_TYPE_BOOLEAN);
	qr_assert_ok(qr_type_parse(&t, "mysql", "bigint(20) unsigned"));
	assert_int_equal(t.kind, QR_TYPE_BIGINT);
	qr_assert_ok(qr_type_parse(&t, "sqlite", "NUMERIC(12, 4)"));
	assert_int_equal(t.precision, 12);
	assert_int_equal(t.scale, 4);
	qr_assert_ok(qr_type_parse(&t, NULL, "geometry"));
	assert_int_equal(t.kind, QR_TYPE_NULL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_columns_and_keys, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_such_table, setup,
						teardown),
		cmocka_unit_test(test_type_parse),
	};
	return qr_test_run(argc, argv, "reflect", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
