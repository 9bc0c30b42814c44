/*
 * test_reflect_roundtrip.c - tables created from metadata are reflected
 * back ("autoload") with the same columns, types, keys and indexes, and
 * the reflected tables work in expressions.
 */
#include "test_support.h"

#include <quarry/reflect.h>

#include <stdlib.h>
#include <string.h>

typedef struct fixture {
	qr_engine *engine;
	qr_conn *conn;
	qr_metadata *md;
	qr_table *users, *addresses;
} fixture;

static void drop_tables(qr_conn *conn)
{
	qr_test_drop(conn, "DROP TABLE qr_rt_addresses");
	qr_test_drop(conn, "DROP TABLE qr_rt_users");
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->engine = qr_test_engine();
	f->conn = qr_test_connect(f->engine);
	drop_tables(f->conn);
	f->md = qr_metadata_new();
	f->users = qr_table(f->md, "qr_rt_users",
			    qr_column("id", QR_INTEGER, .primary_key = true),
			    qr_column("name", qr_string(50), .not_null = true,
				      .unique = true),
			    qr_column("fullname", qr_string(100)),
			    qr_column("score", qr_numeric(10, 2)),
			    qr_column("active", QR_BOOLEAN),
			    qr_column("created", QR_DATETIME));
	f->addresses =
		qr_table(f->md, "qr_rt_addresses",
			 qr_column("id", QR_INTEGER, .primary_key = true),
			 qr_column("user_id", QR_INTEGER,
				   .foreign_key = "qr_rt_users.id",
				   .on_delete = "CASCADE"),
			 qr_column("email", qr_string(50), .not_null = true),
			 qr_index("ix_rt_email", QR_NAMES("email")));
	assert_non_null(f->users);
	assert_non_null(f->addresses);
	qr_assert_ok(qr_metadata_create_all_conn(f->md, f->conn, false));
	qr_assert_ok(qr_conn_commit(f->conn));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	drop_tables(f->conn);
	qr_metadata_free(f->md);
	qr_conn_free(f->conn);
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

/* The reflected column matches the original in name, kind and options. */
static void same_column(const qr_column *a, const qr_column *b)
{
	const qr_type *ta = qr_column_type(a), *tb = qr_column_type(b);
	assert_string_equal(qr_column_name(a), qr_column_name(b));
	if (ta->kind != tb->kind)
		fail_msg("column %s: kind %d reflected as %d",
			 qr_column_name(a), ta->kind, tb->kind);
	if (ta->kind == QR_TYPE_STRING)
		assert_int_equal(ta->length, tb->length);
	if (ta->kind == QR_TYPE_NUMERIC) {
		assert_int_equal(ta->precision, tb->precision);
		assert_int_equal(ta->scale, tb->scale);
	}
	assert_int_equal(qr_column_is_primary_key(a),
			 qr_column_is_primary_key(b));
	if (qr_column_is_nullable(a) != qr_column_is_nullable(b))
		fail_msg("column %s: nullable differs", qr_column_name(a));
}

static void same_table(const qr_table *a, const qr_table *b)
{
	assert_string_equal(qr_table_name(a), qr_table_name(b));
	assert_int_equal(qr_table_column_count(a), qr_table_column_count(b));
	for (size_t i = 0; i < qr_table_column_count(a); i++)
		same_column(qr_table_column_at(a, i), qr_table_column_at(b, i));
	assert_int_equal(qr_table_primary_key_count(a),
			 qr_table_primary_key_count(b));
	assert_int_equal(qr_table_foreign_key_count(a),
			 qr_table_foreign_key_count(b));
}

static void test_roundtrip(void **state)
{
	fixture *f = *state;
	qr_metadata *md2 = qr_metadata_new();
	qr_table *addresses =
		qr_table_reflect(md2, f->conn, NULL, "qr_rt_addresses");
	if (!addresses)
		fail_msg("reflect: %s", qr_error_last()->message);
	/* The referred table came along. */
	qr_table *users = qr_metadata_table(md2, "qr_rt_users");
	assert_non_null(users);
	same_table(f->users, users);
	same_table(f->addresses, addresses);
	assert_true(qr_column_is_autoincrement(qr_table_column(users, "id")));

	qr_foreign_key_info fk;
	qr_assert_ok(qr_table_foreign_key(&fk, addresses, 0));
	assert_ptr_equal(fk.reftable, users);
	assert_int_equal(fk.ncolumns, 1);
	assert_string_equal(qr_column_name(fk.columns[0]), "user_id");
	assert_string_equal(qr_column_name(fk.refcolumns[0]), "id");
	assert_non_null(fk.on_delete);
	assert_string_equal(fk.on_delete, "CASCADE");
	assert_non_null(qr_table_index(addresses, "ix_rt_email"));

	/* Reflecting again returns the same table. */
	assert_ptr_equal(qr_table_reflect(md2, f->conn, NULL, "qr_rt_users"),
			 users);

	/* The reflected tables work in statements. */
	qr_params *p = qr_params_new();
	qr_params_int(p, "id", 1);
	qr_params_text(p, "name", "jack");
	qr_params_bool(p, "active", true);
	qr_stmt *ins = qr_insert(users);
	qr_assert_ok(qr_conn_execute(NULL, f->conn, ins, p));
	qr_stmt_free(ins);
	qr_params_free(p);
	p = qr_params_new();
	qr_params_int(p, "user_id", 1);
	qr_params_text(p, "email", "jack@example.org");
	ins = qr_insert(addresses);
	qr_assert_ok(qr_conn_execute(NULL, f->conn, ins, p));
	qr_stmt_free(ins);
	qr_params_free(p);

	qr_stmt *sel = qr_select(
		qr_cols(users, "name", "active"), qr_c(addresses, "email"),
		qr_where(qr_eq(qr_c(users, "id"), qr_c(addresses, "user_id"))));
	qr_result *r;
	const qr_row *row;
	qr_assert_ok(qr_conn_execute(&r, f->conn, sel, NULL));
	assert_int_equal(qr_result_one(r, &row), 0);
	char *repr;
	qr_assert_ok(qr_row_repr(&repr, row));
	assert_string_equal(repr, "('jack', True, 'jack@example.org')");
	qr_free(repr);
	qr_result_free(r);
	qr_stmt_free(sel);
	qr_assert_ok(qr_conn_commit(f->conn));
	qr_metadata_free(md2);
}

static void test_missing_table(void **state)
{
	fixture *f = *state;
	qr_metadata *md2 = qr_metadata_new();
	assert_null(qr_table_reflect(md2, f->conn, NULL, "qr_rt_nothing"));
	assert_int_equal(qr_error_last()->code, QR_ENORESULT);
	assert_int_equal(qr_metadata_table_count(md2), 0);
	qr_metadata_free(md2);
	qr_conn_rollback(f->conn);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_missing_table, setup,
						teardown),
	};
	return qr_test_run(argc, argv, "reflect_roundtrip", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
