/*
 * test_core_ddl.c - DDL executed on the test URL: create_all / drop_all
 * with check-first and foreign key dependency order, single tables,
 * existence checks, indexes (column, unique, expression), constraints the
 * database enforces, server defaults, enum types (CREATE TYPE on
 * PostgreSQL), comments.
 */
#include "core_fixture.h"

static qr_engine *engine;
static qr_conn *conn;

static void test_setup(void **state)
{
	(void)state;
	engine = qr_test_engine();
	conn = qr_test_connect(engine);
	if (backend_is("sqlite")) {
		/* the PRAGMA does nothing inside a transaction */
		qr_assert_ok(
			qr_conn_set_isolation(conn, QR_ISOLATION_AUTOCOMMIT));
		qr_test_exec(conn, "PRAGMA foreign_keys = ON");
		qr_assert_ok(qr_conn_set_isolation(conn, QR_ISOLATION_DEFAULT));
	}
}

static void test_teardown(void **state)
{
	(void)state;
	qr_conn_free(conn);
	qr_engine_free(engine);
}

static int reset(void **state)
{
	(void)state;
	qr_conn_rollback(conn);
	return 0;
}

static bool is_mariadb(void)
{
	char *v = rows_of(conn, qr_text("SELECT VERSION()"), NULL);
	bool m = v && strstr(v, "MariaDB");
	free(v);
	qr_conn_rollback(conn);
	return m;
}

static bool exists(qr_table *t)
{
	bool e = false;
	qr_assert_ok(qr_table_exists(&e, t, conn));
	return e;
}

/* Children defined before their parents: create_all must still create
 * parents first, and drop_all drop children first. */
static qr_metadata *family(void)
{
	qr_metadata *md = qr_metadata_new();
	qr_table(md, "qx_child",
		 qr_column("id", QR_INTEGER, .primary_key = true),
		 qr_column("parent_id", QR_INTEGER,
			   .foreign_key = "qx_parent.id",
			   .on_delete = "CASCADE"));
	qr_table(md, "qx_grandchild",
		 qr_column("id", QR_INTEGER, .primary_key = true),
		 qr_column("child_id", QR_INTEGER, .foreign_key = "qx_child.id",
			   .on_delete = "CASCADE"));
	qr_table(md, "qx_parent",
		 qr_column("id", QR_INTEGER, .primary_key = true),
		 qr_column("name", qr_string(20), .not_null = true,
			   .index = true),
		 qr_column("code", qr_string(5), .unique = true),
		 qr_column("n", QR_INTEGER, .server_default = "3"),
		 qr_check("n >= 0"));
	return md;
}

static void test_create_all_order_and_checkfirst(void **state)
{
	(void)state;
	qr_metadata *md = family();
	qr_table **sorted;
	size_t n;
	qr_assert_ok(qr_metadata_sorted_tables(&sorted, &n, md));
	assert_int_equal(n, 3);
	assert_string_equal(qr_table_name(sorted[0]), "qx_parent");
	assert_string_equal(qr_table_name(sorted[1]), "qx_child");
	assert_string_equal(qr_table_name(sorted[2]), "qx_grandchild");
	qr_free(sorted);

	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, true));
	qr_assert_ok(qr_conn_commit(conn));
	assert_false(exists(qr_metadata_table(md, "qx_parent")));
	/* with SQLite :memory: the engine hands out this very database:
	 * leave no transaction open on it */
	qr_conn_rollback(conn);
	qr_assert_ok(qr_metadata_create_all(md, engine));
	/* check-first: a second run is harmless */
	qr_assert_ok(qr_metadata_create_all(md, engine));
	for (size_t i = 0; i < qr_metadata_table_count(md); i++)
		assert_true(exists(qr_metadata_table_at(md, i)));
	qr_conn_rollback(conn);
	qr_assert_ok(qr_metadata_drop_all(md, engine));
	qr_assert_ok(qr_metadata_drop_all(md, engine));
	for (size_t i = 0; i < qr_metadata_table_count(md); i++)
		assert_false(exists(qr_metadata_table_at(md, i)));
	qr_conn_rollback(conn);
	qr_metadata_free(md);
}

static void test_constraints_enforced(void **state)
{
	(void)state;
	qr_metadata *md = family();
	qr_table *parent = qr_metadata_table(md, "qx_parent");
	qr_table *child = qr_metadata_table(md, "qx_child");
	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, true));
	qr_assert_ok(qr_metadata_create_all_conn(md, conn, false));
	qr_assert_ok(qr_conn_commit(conn));

	qr_stmt *s =
		qr_insert(parent, qr_set("id", INT(1)),
			  qr_set("name", TXT("p")), qr_set("code", TXT("A")));
	qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
	qr_stmt_free(s);
	/* the server default */
	expect_rows(conn, qr_select(C(parent, "n")), NULL, "(3,)\n");
	/* UNIQUE */
	s = qr_insert(parent, qr_set("id", INT(2)), qr_set("name", TXT("q")),
		      qr_set("code", TXT("A")));
	assert_int_equal(qr_conn_execute(NULL, conn, s, NULL), QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	qr_stmt_free(s);
	qr_conn_rollback(conn);
	/* CHECK */
	s = qr_insert(parent, qr_set("id", INT(3)), qr_set("name", TXT("r")),
		      qr_set("n", INT(-1)));
	assert_int_equal(qr_conn_execute(NULL, conn, s, NULL), QR_EDB);
	qr_stmt_free(s);
	qr_conn_rollback(conn);
	/* FOREIGN KEY, and ON DELETE CASCADE */
	s = qr_insert(parent, qr_set("id", INT(1)), qr_set("name", TXT("p")));
	qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
	qr_stmt_free(s);
	s = qr_insert(child, qr_set("id", INT(1)), qr_set("parent_id", INT(1)));
	qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
	qr_stmt_free(s);
	s = qr_insert(child, qr_set("id", INT(2)),
		      qr_set("parent_id", INT(99)));
	assert_int_equal(qr_conn_execute(NULL, conn, s, NULL), QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	qr_stmt_free(s);
	qr_conn_rollback(conn);
	s = qr_insert(parent, qr_set("id", INT(1)), qr_set("name", TXT("p")));
	qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
	qr_stmt_free(s);
	s = qr_insert(child, qr_set("id", INT(1)), qr_set("parent_id", INT(1)));
	qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
	qr_stmt_free(s);
	assert_int_equal(run_count(conn, qr_delete(parent), NULL), 1);
	expect_rows(conn, qr_select(qr_count_star(), qr_from(child)), NULL,
		    "(0,)\n");
	qr_assert_ok(qr_conn_commit(conn));
	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, false));
	qr_assert_ok(qr_conn_commit(conn));
	qr_metadata_free(md);
}

static void test_single_table_and_indexes(void **state)
{
	(void)state;
	qr_metadata *md = qr_metadata_new();
	qr_table *t = qr_table(
		md, "qx_people",
		qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("first", qr_string(20)),
		qr_column("last", qr_string(20)),
		qr_column("email", qr_string(60), .comment = "where to write"),
		qr_index("ix_qx_people_name", QR_NAMES("last", "first")),
		qr_table_comment("people we know"));
	/* MariaDB has no index on an expression (MySQL from 8.0.13) */
	bool expr_index = !backend_is("mysql") || !is_mariadb();
	if (expr_index)
		qr_assert_ok(qr_table_add(
			t, qr_index_expr("ix_qx_people_email", true,
					 qr_lower(C(t, "email")))));
	qr_assert_ok(qr_table_drop(t, conn, true));
	qr_assert_ok(qr_table_create(t, conn, true));
	qr_assert_ok(qr_table_create(t, conn, true)); /* exists: skipped */
	qr_assert_ok(qr_conn_commit(conn));
	assert_true(exists(t));
	/* the unique expression index: emails differ only in case */
	qr_stmt *s = qr_insert(t, qr_set("id", INT(1)),
			       qr_set("email", TXT("A@x.org")));
	qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
	qr_stmt_free(s);
	s = qr_insert(t, qr_set("id", INT(2)), qr_set("email", TXT("a@X.org")));
	int rc = qr_conn_execute(NULL, conn, s, NULL);
	qr_stmt_free(s);
	if (expr_index)
		assert_int_equal(rc, QR_EDB);
	qr_conn_rollback(conn);
	/* DROP without check-first fails on a missing table */
	qr_assert_ok(qr_table_drop(t, conn, false));
	qr_assert_ok(qr_conn_commit(conn));
	assert_false(exists(t));
	assert_int_not_equal(qr_table_drop(t, conn, false), 0);
	qr_conn_rollback(conn);
	qr_assert_ok(qr_table_drop(t, conn, true));
	qr_metadata_free(md);
}

/* An identity key: generated by PostgreSQL from its options; the
 * others' autoincrement key as before. */
static void test_identity_column(void **state)
{
	(void)state;
	qr_metadata *md = qr_metadata_new();
	qr_table *t = qr_table(
		md, "qx_tickets",
		qr_column("id", QR_INTEGER, .primary_key = true,
			  .identity = &(const qr_identity){.start = 42,
							   .has_start = true,
							   .increment = 2}),
		qr_column("note", qr_string(20)));
	qr_assert_ok(qr_table_drop(t, conn, true));
	qr_assert_ok(qr_table_create(t, conn, true));
	qr_assert_ok(qr_conn_commit(conn));
	for (int i = 0; i < 2; i++) {
		qr_stmt *s = qr_insert(t, qr_set("note", TXT("x")));
		qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
		qr_stmt_free(s);
	}
	int64_t lo = qr_test_scalar_int(conn, "SELECT min(id) FROM qx_tickets");
	int64_t hi = qr_test_scalar_int(conn, "SELECT max(id) FROM qx_tickets");
	if (backend_is("postgresql")) {
		assert_int_equal(lo, 42);
		assert_int_equal(hi, 44);
	} else {
		assert_int_equal(lo, 1);
		assert_int_equal(hi, 2);
	}
	assert_non_null(qr_column_identity(C(t, "id")));
	assert_null(qr_column_identity(C(t, "note")));
	qr_conn_rollback(conn);
	qr_assert_ok(qr_table_drop(t, conn, true));
	qr_assert_ok(qr_conn_commit(conn));
	qr_metadata_free(md);
}

static void test_enum_and_types(void **state)
{
	(void)state;
	static const char *const moods[] = {"sad", "ok", "happy", NULL};
	qr_metadata *md = qr_metadata_new();
	qr_table *t = qr_table(
		md, "qx_moods",
		qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("mood", qr_enum("qx_mood", moods)),
		qr_column("flag", QR_BOOLEAN), qr_column("uid", QR_UUID),
		/* server defaults that are expressions */
		qr_column("at", QR_DATETIME, .server_default_expr = qr_now()),
		qr_column("code", qr_string(10),
			  .server_default_expr = qr_lower(TXT("HI"))));
	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, true));
	qr_assert_ok(qr_metadata_create_all_conn(md, conn, true));
	qr_assert_ok(qr_conn_commit(conn));
	qr_stmt *s =
		qr_insert(t, qr_set("id", INT(1)), qr_set("mood", TXT("happy")),
			  qr_set("flag", qr_bind_bool(true)),
			  qr_set("uid", TXT("a0eebc99-9c0b-4ef8-bb6d-"
					    "6bb9bd380a11")));
	qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
	qr_stmt_free(s);
	expect_rows(conn,
		    qr_select(C(t, "id"), C(t, "mood"), C(t, "flag"),
			      C(t, "uid"), C(t, "code"),
			      qr_is_not_null(C(t, "at"))),
		    NULL,
		    "(1, 'happy', True, "
		    "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'hi', True)\n");
	expect_rows(conn,
		    qr_select(C(t, "id"),
			      qr_where(qr_eq(C(t, "uid"),
					     TXT("a0eebc99-9c0b-4ef8-bb6d-"
						 "6bb9bd380a11")))),
		    NULL, "(1,)\n");
	/* a label the enum does not have */
	s = qr_insert(t, qr_set("id", INT(2)), qr_set("mood", TXT("angry")));
	int rc = qr_conn_execute(NULL, conn, s, NULL);
	qr_stmt_free(s);
	if (!backend_is("sqlite"))
		assert_int_equal(rc, QR_EDB);
	qr_conn_rollback(conn);
	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, true));
	qr_assert_ok(qr_conn_commit(conn));
	qr_metadata_free(md);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_setup),
	cmocka_unit_test_setup(test_create_all_order_and_checkfirst, reset),
	cmocka_unit_test_setup(test_constraints_enforced, reset),
	cmocka_unit_test_setup(test_single_table_and_indexes, reset),
	cmocka_unit_test_setup(test_enum_and_types, reset),
	cmocka_unit_test_setup(test_identity_column, reset),
	cmocka_unit_test(test_teardown),
};

QR_TEST_MAIN("core_ddl", tests)
