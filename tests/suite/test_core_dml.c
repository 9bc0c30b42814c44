/*
 * test_core_dml.c - INSERT, UPDATE, DELETE and upserts executed on the
 * test URL: values, multi-row VALUES, executemany, INSERT .. SELECT,
 * client-side defaults (value, per-row callback, SQL expression), server
 * defaults, RETURNING, correlated and multi-table UPDATE/DELETE, matched
 * row counts, ON CONFLICT / ON DUPLICATE KEY.
 */
#include "core_fixture.h"

static qr_engine *engine;
static qr_conn *conn;
static qr_metadata *md;
static qr_table *users, *addresses, *docs;
static int next_version;

static int version_fn(qr_value *out, qr_scratch *s, void *arg)
{
	(void)s;
	(void)arg;
	*out = qr_val_int(++next_version);
	return 0;
}

static void test_setup(void **state)
{
	(void)state;
	engine = qr_test_engine();
	conn = qr_test_connect(engine);
	md = qr_metadata_new();
	users = qr_table(md, "qd_users",
			 qr_column("id", QR_INTEGER, .primary_key = true),
			 qr_column("name", qr_string(50), .unique = true),
			 qr_column("fullname", qr_string(50)));
	addresses = qr_table(
		md, "qd_addresses",
		qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("user_id", QR_INTEGER, .foreign_key = "qd_users.id"),
		qr_column("email_address", qr_string(50), .not_null = true));
	docs = qr_table(
		md, "qd_docs", qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("title", qr_string(50)),
		qr_column("version", QR_INTEGER, .default_fn = version_fn),
		qr_column("status", qr_string(10),
			  .default_value = qr_val_text("draft")),
		qr_column("shout", qr_string(60),
			  .default_expr = qr_upper(qr_bind_text("new")),
			  .onupdate_value = qr_val_text("CHANGED")),
		qr_column("score", QR_INTEGER, .server_default = "7"));
	assert_non_null(docs);
	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, true));
	qr_assert_ok(qr_metadata_create_all_conn(md, conn, true));
	qr_assert_ok(qr_conn_commit(conn));
}

static void test_teardown(void **state)
{
	(void)state;
	qr_conn_rollback(conn);
	qr_metadata_drop_all_conn(md, conn, true);
	qr_conn_commit(conn);
	qr_metadata_free(md);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* Each test starts from empty tables, outside any transaction. */
static int reset(void **state)
{
	(void)state;
	qr_conn_rollback(conn);
	run_count(conn, qr_delete(addresses), NULL);
	run_count(conn, qr_delete(docs), NULL);
	run_count(conn, qr_delete(users), NULL);
	qr_assert_ok(qr_conn_commit(conn));
	next_version = 0;
	return 0;
}

static void seed(void)
{
	qr_params *p = qr_params_new();
	static const char *const people[][2] = {{"jack", "Jack Jones"},
						{"wendy", "Wendy Williams"},
						{"mary", "Mary Contrary"}};
	for (int i = 0; i < 3; i++) {
		if (i)
			qr_params_next_row(p);
		qr_params_int(p, "id", i + 1);
		qr_params_text(p, "name", people[i][0]);
		qr_params_text(p, "fullname", people[i][1]);
	}
	assert_int_equal(run_count(conn, qr_insert(users), p), 3);
	qr_params_free(p);
	qr_stmt *s = qr_insert(
		addresses,
		qr_values(qr_set("user_id", INT(1)),
			  qr_set("email_address", TXT("jack@yahoo.com"))),
		qr_values(qr_set("user_id", INT(1)),
			  qr_set("email_address", TXT("jack@msn.com"))),
		qr_values(qr_set("user_id", INT(2)),
			  qr_set("email_address", TXT("wendy@aol.com"))));
	assert_int_equal(run_count(conn, s, NULL), 3);
}

#define UID qr_order_by(C(users, "id"))

static void test_insert_forms(void **state)
{
	(void)state;
	/* values in the statement */
	assert_int_equal(
		run_count(conn,
			  qr_insert(users, qr_set("id", INT(1)),
				    qr_set("name", TXT("jack")),
				    qr_set("fullname", TXT("Jack Jones"))),
			  NULL),
		1);
	/* compiled against the parameters' names */
	qr_params *p = qr_params_new();
	qr_params_int(p, "id", 2);
	qr_params_text(p, "name", "wendy");
	assert_int_equal(run_count(conn, qr_insert(users), p), 1);
	qr_params_free(p);
	/* an expression with a named parameter, executemany */
	p = qr_params_new();
	for (int i = 0; i < 3; i++) {
		if (i)
			qr_params_next_row(p);
		qr_params_int(p, "id", 4 + i);
		qr_params_text(p, "_name", i == 0 ? "a" : i == 1 ? "b" : "c");
	}
	assert_int_equal(
		run_count(conn,
			  qr_insert(users,
				    qr_set("name",
					   qr_add(qr_param_typed("_name",
								 QR_STRING),
						  TXT(" .. name")))),
			  p),
		3);
	qr_params_free(p);
	/* INSERT .. SELECT */
	assert_int_equal(
		run_count(
			conn,
			qr_insert(
				addresses,
				qr_from_select(
					QR_NAMES("user_id", "email_address"),
					qr_select(C(users, "id"),
						  qr_add(C(users, "name"),
							 TXT("@example.com")),
						  qr_where(qr_lt(C(users, "id"),
								 INT(3)))))),
			NULL),
		2);
	expect_rows(conn, qr_select(users, UID), NULL,
		    "(1, 'jack', 'Jack Jones')\n(2, 'wendy', None)\n"
		    "(4, 'a .. name', None)\n(5, 'b .. name', None)\n"
		    "(6, 'c .. name', None)\n");
	expect_rows(conn,
		    qr_select(C(addresses, "user_id"),
			      C(addresses, "email_address"),
			      qr_order_by(C(addresses, "user_id"))),
		    NULL,
		    "(1, 'jack@example.com')\n(2, 'wendy@example.com')\n");
	/* generated keys */
	qr_result *r;
	qr_stmt *s = qr_insert(users, qr_set("name", TXT("ed")));
	if (backend_is("mysql") || backend_is("sqlite")) {
		qr_assert_ok(qr_conn_execute(&r, conn, s, NULL));
		assert_int_equal(qr_result_last_insert_id(r), 7);
		qr_result_free(r);
	}
	qr_stmt_free(s);
	qr_assert_ok(qr_conn_commit(conn));
}

static void test_returning(void **state)
{
	(void)state;
	if (!qr_test_insert_returning(engine)) {
		/* MySQL: a clear error naming the construct and dialect */
		qr_stmt *s = qr_insert(users, qr_set("name", TXT("ed")),
				       qr_returning(C(users, "id")));
		assert_int_equal(qr_conn_execute(NULL, conn, s, NULL),
				 QR_ENOTSUP);
		assert_non_null(strstr(qr_error_last()->message,
				       "INSERT .. RETURNING"));
		assert_non_null(strstr(qr_error_last()->message, "mysql"));
		qr_stmt_free(s);
		return;
	}
	seed();
	if (backend_is("mysql")) {
		/* MariaDB 10.5+: INSERT and DELETE, not UPDATE */
		expect_rows(conn,
			    qr_insert(users, qr_set("id", INT(10)),
				      qr_set("name", TXT("ed")),
				      qr_returning(C(users, "id"),
						   qr_label(qr_upper(C(users,
								       "name")),
							    "shout"))),
			    NULL, "(10, 'ED')\n");
		qr_stmt *s = qr_update(users, qr_set("fullname", TXT("X")),
				       qr_returning(C(users, "id")));
		assert_int_equal(qr_conn_execute(NULL, conn, s, NULL),
				 QR_ENOTSUP);
		assert_non_null(strstr(qr_error_last()->message,
				       "UPDATE .. RETURNING is not supported "
				       "by the mariadb dialect"));
		qr_stmt_free(s);
		expect_rows(conn,
			    qr_delete(users,
				      qr_where(qr_eq(C(users, "id"), INT(10))),
				      qr_returning(C(users, "name"))),
			    NULL, "('ed',)\n");
		qr_assert_ok(qr_conn_commit(conn));
		return;
	}
	expect_rows(conn,
		    qr_insert(users, qr_set("id", INT(10)),
			      qr_set("name", TXT("ed")),
			      qr_returning(C(users, "id"),
					   qr_label(qr_upper(C(users, "name")),
						    "shout"))),
		    NULL, "(10, 'ED')\n");
	/* the order of an UPDATE's rows is unspecified */
	char *got = rows_of(
		conn,
		qr_update(users, qr_set("fullname", TXT("X")),
			  qr_where(qr_lt(C(users, "id"), INT(3))),
			  qr_returning(C(users, "id"), C(users, "fullname"))),
		NULL);
	assert_int_equal(strlen(got), strlen("(1, 'X')\n(2, 'X')\n"));
	assert_non_null(strstr(got, "(1, 'X')\n"));
	assert_non_null(strstr(got, "(2, 'X')\n"));
	free(got);
	expect_rows(conn,
		    qr_delete(users, qr_where(qr_eq(C(users, "id"), INT(10))),
			      qr_returning(C(users, "name"))),
		    NULL, "('ed',)\n");
	qr_assert_ok(qr_conn_commit(conn));
}

static void test_defaults(void **state)
{
	(void)state;
	/* value, per-row callback and SQL expression defaults; the server
	 * default when nothing is given */
	qr_params *p = qr_params_new();
	qr_params_int(p, "id", 1);
	qr_params_text(p, "title", "one");
	qr_params_next_row(p);
	qr_params_int(p, "id", 2);
	qr_params_text(p, "title", "two");
	assert_int_equal(run_count(conn, qr_insert(docs), p), 2);
	qr_params_free(p);
	assert_int_equal(run_count(conn,
				   qr_insert(docs, qr_set("id", INT(3)),
					     qr_set("status", TXT("final")),
					     qr_set("version", INT(9))),
				   NULL),
			 1);
	expect_rows(conn, qr_select(docs, qr_order_by(C(docs, "id"))), NULL,
		    "(1, 'one', 1, 'draft', 'NEW', 7)\n"
		    "(2, 'two', 2, 'draft', 'NEW', 7)\n"
		    "(3, None, 9, 'final', 'NEW', 7)\n");
	/* onupdate fills what an UPDATE does not set */
	assert_int_equal(
		run_count(conn,
			  qr_update(docs, qr_set("title", TXT("uno")),
				    qr_where(qr_eq(C(docs, "id"), INT(1)))),
			  NULL),
		1);
	expect_rows(conn,
		    qr_select(C(docs, "title"), C(docs, "shout"),
			      qr_order_by(C(docs, "id"))),
		    NULL,
		    "('uno', 'CHANGED')\n('two', 'NEW')\n(None, 'NEW')\n");
	/* nothing given at all: DEFAULT VALUES (or () VALUES () on MySQL) */
	assert_int_equal(run_count(conn, qr_insert(users), NULL), 1);
	expect_rows(conn, qr_select(qr_count_star(), qr_from(users)), NULL,
		    "(1,)\n");
	qr_assert_ok(qr_conn_commit(conn));
}

static void test_updates(void **state)
{
	(void)state;
	seed();
	/* an expression of the row's own columns */
	assert_int_equal(
		run_count(conn,
			  qr_update(users, qr_set("fullname",
						  qr_add(TXT("Fullname: "),
							 C(users, "name")))),
			  NULL),
		3);
	expect_rows(conn, qr_select(C(users, "fullname"), UID), NULL,
		    "('Fullname: jack',)\n('Fullname: wendy',)\n"
		    "('Fullname: mary',)\n");
	/* executemany with named parameters in SET and WHERE */
	qr_params *p = qr_params_new();
	const char *pairs[][2] = {
		{"jack", "ed"}, {"wendy", "wendy"}, {"jim", "jake"}};
	for (int i = 0; i < 3; i++) {
		if (i)
			qr_params_next_row(p);
		qr_params_text(p, "oldname", pairs[i][0]);
		qr_params_text(p, "newname", pairs[i][1]);
	}
	/* matched rows: wendy -> wendy counts though nothing changes */
	assert_int_equal(
		run_count(conn,
			  qr_update(users,
				    qr_where(qr_eq(C(users, "name"),
						   qr_param("oldname"))),
				    qr_set("name", qr_param("newname"))),
			  p),
		2);
	qr_params_free(p);
	/* a correlated subquery */
	assert_int_equal(
		run_count(
			conn,
			qr_update(
				users,
				qr_set("fullname",
				       qr_select(
					       C(addresses, "email_address"),
					       qr_where(qr_eq(
						       C(addresses, "user_id"),
						       C(users, "id"))),
					       qr_order_by(C(addresses, "id")),
					       qr_limit(1)))),
			NULL),
		3);
	expect_rows(conn, qr_select(qr_cols(users, "name", "fullname"), UID),
		    NULL,
		    "('ed', 'jack@yahoo.com')\n('wendy', 'wendy@aol.com')\n"
		    "('mary', None)\n");
	/* multi-table UPDATE */
	assert_int_equal(
		run_count(conn,
			  qr_update(users, qr_set("name", TXT("aol user")),
				    qr_where(qr_eq(C(users, "id"),
						   C(addresses, "user_id"))),
				    qr_where(qr_endswith(
					    C(addresses, "email_address"),
					    TXT("@aol.com")))),
			  NULL),
		1);
	expect_rows(conn, qr_select(C(users, "name"), UID), NULL,
		    "('ed',)\n('aol user',)\n('mary',)\n");
	qr_assert_ok(qr_conn_commit(conn));
}

static void test_deletes(void **state)
{
	(void)state;
	seed();
	assert_int_equal(
		run_count(conn,
			  qr_delete(addresses,
				    qr_where(qr_like(
					    C(addresses, "email_address"),
					    TXT("%@msn.com")))),
			  NULL),
		1);
	/* a subquery in the criteria */
	assert_int_equal(
		run_count(
			conn,
			qr_delete(
				users,
				qr_where(qr_not(qr_exists(qr_select(
					C(addresses, "id"),
					qr_where(qr_eq(C(addresses, "user_id"),
						       C(users, "id")))))))),
			NULL),
		1);
	/* multi-table DELETE where the dialect has one */
	qr_stmt *s = qr_delete(
		addresses,
		qr_where(qr_eq(C(addresses, "user_id"), C(users, "id"))),
		qr_where(qr_eq(C(users, "name"), TXT("wendy"))));
	if (backend_is("sqlite")) {
		assert_int_equal(qr_conn_execute(NULL, conn, s, NULL),
				 QR_ENOTSUP);
		qr_stmt_free(s);
	} else {
		assert_int_equal(run_count(conn, s, NULL), 1);
	}
	expect_rows(conn, qr_select(C(users, "name"), UID), NULL,
		    "('jack',)\n('wendy',)\n");
	/* every row */
	int64_t n = run_count(conn, qr_delete(addresses), NULL);
	assert_int_equal(n, backend_is("sqlite") ? 2 : 1);
	qr_assert_ok(qr_conn_commit(conn));
}

static void test_upserts(void **state)
{
	(void)state;
	seed();
	if (backend_is("mysql")) {
		assert_int_equal(
			run_count(conn,
				  qr_insert(users, qr_set("id", INT(1)),
					    qr_set("name", TXT("jack")),
					    qr_set("fullname", TXT("JJ")),
					    qr_on_duplicate_key_update(qr_set(
						    "fullname",
						    qr_excluded("fullname")))),
				  NULL),
			2); /* MySQL counts an update as 2 */
		qr_stmt *s = qr_insert(users, qr_set("id", INT(1)),
				       qr_on_conflict_do_nothing(NULL));
		assert_int_equal(qr_conn_execute(NULL, conn, s, NULL),
				 QR_ENOTSUP);
		qr_stmt_free(s);
	} else {
		/* DO NOTHING: the conflicting row is left alone */
		assert_int_equal(
			run_count(conn,
				  qr_insert(users, qr_set("id", INT(1)),
					    qr_set("name", TXT("x")),
					    qr_on_conflict_do_nothing(
						    QR_NAMES("id"))),
				  NULL),
			0);
		assert_int_equal(
			run_count(
				conn,
				qr_insert(users, qr_set("id", INT(1)),
					  qr_set("name", TXT("jack")),
					  qr_set("fullname", TXT("JJ")),
					  qr_on_conflict_do_update(
						  QR_NAMES("id"),
						  qr_set("fullname",
							 qr_excluded(
								 "fullname")))),
				NULL),
			1);
		qr_stmt *s = qr_insert(
			users, qr_set("id", INT(1)),
			qr_on_duplicate_key_update(qr_set("name", TXT("y"))));
		assert_int_equal(qr_conn_execute(NULL, conn, s, NULL),
				 QR_ENOTSUP);
		qr_stmt_free(s);
	}
	expect_rows(conn,
		    qr_select(users, qr_where(qr_eq(C(users, "id"), INT(1)))),
		    NULL, "(1, 'jack', 'JJ')\n");
	qr_assert_ok(qr_conn_commit(conn));
}

static void test_integrity_errors(void **state)
{
	(void)state;
	seed();
	/* the unique constraint from .unique = true */
	qr_stmt *s = qr_insert(users, qr_set("id", INT(9)),
			       qr_set("name", TXT("jack")));
	assert_int_equal(qr_conn_execute(NULL, conn, s, NULL), QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	qr_stmt_free(s);
	qr_conn_rollback(conn);
	/* NOT NULL */
	s = qr_insert(addresses, qr_set("user_id", INT(1)));
	assert_int_equal(qr_conn_execute(NULL, conn, s, NULL), QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	qr_stmt_free(s);
	qr_conn_rollback(conn);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_setup),
	cmocka_unit_test_setup(test_insert_forms, reset),
	cmocka_unit_test_setup(test_returning, reset),
	cmocka_unit_test_setup(test_defaults, reset),
	cmocka_unit_test_setup(test_updates, reset),
	cmocka_unit_test_setup(test_deletes, reset),
	cmocka_unit_test_setup(test_upserts, reset),
	cmocka_unit_test_setup(test_integrity_errors, reset),
	cmocka_unit_test(test_teardown),
};

QR_TEST_MAIN("core_dml", tests)
