/*
 * test_core_ops.c - SQLAlchemy 2.0's further column operators executed
 * on the test URL: icontains & co., regular expressions (SQLite through
 * the driver's regexp()), COLLATE, EXTRACT, the bitwise operators,
 * ANY / ALL, WITHIN GROUP, FETCH FIRST, LATERAL, with_only_columns and
 * VALUES in FROM; where a backend has no such construct, the error names
 * it and the dialect.
 */
#include "core_fixture.h"

#include <quarry/types.h>

static qr_engine *engine;
static qr_conn *conn;
static qr_metadata *md;
static qr_table *items;

#define N C(items, "n")
#define NAME C(items, "name")
#define IDS qr_order_by(C(items, "id"))

static int setup(void **state)
{
	(void)state;
	engine = qr_test_engine();
	conn = qr_test_connect(engine);
	md = qr_metadata_new();
	items = qr_table(md, "qo_items",
			 qr_column("id", QR_INTEGER, .primary_key = true),
			 qr_column("name", qr_string(20)),
			 qr_column("n", QR_INTEGER),
			 qr_column("created", QR_DATETIME));
	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, true));
	qr_assert_ok(qr_metadata_create_all_conn(md, conn, true));
	static const struct {
		const char *name;
		int n, year;
	} rows[] = {{"Jack", 5, 2024}, {"wendy", 6, 2023}, {"MARY", 12, 1999}};
	for (int i = 0; i < 3; i++) {
		qr_value when = qr_val_datetime((qr_date){rows[i].year, 3, 15},
						(qr_time){10, 20, 30, 0});
		qr_stmt *s = qr_insert(items, qr_set("id", INT(i + 1)),
				       qr_set("name", TXT(rows[i].name)),
				       qr_set("n", INT(rows[i].n)),
				       qr_set("created", qr_bind_value(when)));
		qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
		qr_stmt_free(s);
	}
	qr_assert_ok(qr_conn_commit(conn));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	qr_conn_rollback(conn);
	qr_metadata_drop_all_conn(md, conn, true);
	qr_conn_commit(conn);
	qr_metadata_free(md);
	qr_conn_free(conn);
	qr_engine_free(engine);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	qr_conn_rollback(conn);
	return 0;
}

/* Executing s (taken) fails with QR_ENOTSUP naming what. */
static void expect_unsupported(qr_stmt *s, const char *what)
{
	int rc = qr_conn_execute(NULL, conn, s, NULL);
	qr_stmt_free(s);
	assert_int_equal(rc, QR_ENOTSUP);
	const char *msg = qr_error_last()->message;
	if (!strstr(msg, what) || !strstr(msg, "dialect"))
		fail_msg("unexpected message: %s", msg);
	qr_conn_rollback(conn);
}

static qr_stmt *ids_where(qr_expr *cond)
{
	return qr_select(C(items, "id"), qr_where(cond), IDS);
}

static void test_case_insensitive_like(void **state)
{
	(void)state;
	expect_rows(conn, ids_where(qr_icontains(NAME, TXT("AC"))), NULL,
		    "(1,)\n");
	expect_rows(conn, ids_where(qr_istartswith(NAME, TXT("ma"))), NULL,
		    "(3,)\n");
	expect_rows(conn, ids_where(qr_iendswith(NAME, TXT("DY"))), NULL,
		    "(2,)\n");
	expect_rows(conn, ids_where(qr_not(qr_icontains(NAME, TXT("a")))), NULL,
		    "(2,)\n");
}

static void test_regexp(void **state)
{
	(void)state;
	expect_rows(conn, ids_where(qr_regexp_match(NAME, TXT("^w.*y$"), NULL)),
		    NULL, "(2,)\n");
	expect_rows(conn,
		    ids_where(qr_not_regexp_match(NAME, TXT("[0-9e]"), NULL)),
		    NULL, "(1,)\n(3,)\n");
	if (backend_is("sqlite")) {
		/* a NULL operand matches nothing; a bad pattern is an error */
		expect_rows(
			conn,
			qr_select(qr_regexp_match(qr_null(), TXT("x"), NULL)),
			NULL, "(None,)\n");
		qr_stmt *bad =
			ids_where(qr_regexp_match(NAME, TXT("(a"), NULL));
		assert_int_not_equal(qr_conn_execute(NULL, conn, bad, NULL), 0);
		qr_stmt_free(bad);
		assert_non_null(strstr(qr_error_last()->message,
				       "invalid regular expression"));
		qr_conn_rollback(conn);
		expect_unsupported(
			ids_where(qr_regexp_match(NAME, TXT("^j"), "i")),
			"regexp_match with flags");
		expect_unsupported(qr_select(qr_regexp_replace(NAME, TXT("a"),
							       TXT("_"), NULL)),
				   "regexp_replace");
		return;
	}
	expect_rows(conn, ids_where(qr_regexp_match(NAME, TXT("^j"), "i")),
		    NULL, "(1,)\n");
	expect_rows(
		conn,
		qr_select(qr_regexp_replace(NAME, TXT("a+"), TXT("_"), NULL),
			  qr_where(qr_eq(C(items, "id"), INT(1)))),
		NULL, "('J_ck',)\n");
}

static void test_collate(void **state)
{
	(void)state;
	const char *coll = backend_is("sqlite")       ? "NOCASE"
			   : backend_is("postgresql") ? "C"
						      : "utf8mb4_bin";
	expect_rows(
		conn,
		qr_select(C(items, "id"), qr_order_by(qr_collate(NAME, coll))),
		NULL, "(1,)\n(3,)\n(2,)\n");
	/* binary collations tell case apart */
	const char *cs = backend_is("sqlite") ? "BINARY" : coll;
	expect_rows(conn, ids_where(qr_eq(qr_collate(NAME, cs), TXT("jack"))),
		    NULL, "");
}

static void test_extract(void **state)
{
	(void)state;
	expect_rows(conn,
		    qr_select(qr_extract("year", C(items, "created")),
			      qr_extract("month", C(items, "created")),
			      qr_where(qr_eq(C(items, "id"), INT(1)))),
		    NULL,
		    /* PostgreSQL 14+'s EXTRACT is NUMERIC, which SQLAlchemy's
		     * Integer leaves as psycopg2 gives it: a Decimal */
		    backend_is("postgresql")
			    ? "(Decimal('2024'), Decimal('3'))\n"
			    : "(2024, 3)\n");
	expect_rows(conn,
		    ids_where(qr_lt(qr_extract("year", C(items, "created")),
				    INT(2024))),
		    NULL, "(2,)\n(3,)\n");
}

static void test_bitwise(void **state)
{
	(void)state;
	expect_rows(conn,
		    qr_select(qr_bitwise_and(N, INT(3)),
			      qr_bitwise_or(N, INT(3)),
			      qr_bitwise_lshift(N, INT(2)),
			      qr_bitwise_rshift(N, INT(1)),
			      qr_bitwise_and(qr_bitwise_not(N), INT(7)),
			      qr_where(qr_eq(C(items, "id"), INT(1)))),
		    NULL, "(1, 7, 20, 2, 2)\n");
	/* XOR inside a comparison: (n | 3) - (n & 3) on SQLite */
	expect_rows(conn, ids_where(qr_eq(qr_bitwise_xor(N, INT(3)), INT(6))),
		    NULL, "(1,)\n");
}

static void test_any_all(void **state)
{
	(void)state;
	qr_stmt *small = qr_select(N, qr_where(qr_lt(C(items, "id"), INT(3))));
	if (backend_is("sqlite")) {
		expect_unsupported(ids_where(qr_gt(N, qr_all_(small))),
				   "ALL ()");
		return;
	}
	expect_rows(conn, ids_where(qr_gt(N, qr_all_(small))), NULL, "(3,)\n");
	expect_rows(
		conn,
		ids_where(qr_eq(
			qr_any_(qr_select(N, qr_where(qr_gt(N, INT(5))))), N)),
		NULL, "(2,)\n(3,)\n");
	if (backend_is("postgresql"))
		expect_rows(conn,
			    ids_where(qr_eq(
				    N, qr_any_(qr_literal_column(
					       "ARRAY[5, 12]", QR_NULLTYPE)))),
			    NULL, "(1,)\n(3,)\n");
	else
		expect_unsupported(
			ids_where(qr_eq(N, qr_any_(qr_literal_column(
						   "(5, 12)", QR_NULLTYPE)))),
			"ANY () of an array");
}

static void test_within_group(void **state)
{
	(void)state;
	qr_stmt *s = qr_select(qr_within_group(
		qr_func("percentile_disc", qr_bind_double(0.5)), N));
	if (!backend_is("postgresql")) {
		expect_unsupported(s, "WITHIN GROUP");
		return;
	}
	expect_rows(conn, s, NULL, "(6,)\n");
}

static void test_fetch(void **state)
{
	(void)state;
	qr_stmt *s = qr_select(C(items, "id"), qr_order_by(N), qr_offset(1),
			       qr_fetch(1, 0));
	if (backend_is("sqlite")) {
		expect_unsupported(s, "FETCH FIRST");
		return;
	}
	/* the mysql:// test server is MariaDB 10.6+ (the mariadb flavour) */
	expect_rows(conn, s, NULL, "(2,)\n");
	qr_stmt *ties = qr_select(
		C(items, "id"),
		qr_order_by(qr_desc(qr_case(qr_when(qr_gt(N, INT(5)), INT(1)),
					    qr_else(INT(0))))),
		qr_fetch(1, QR_FETCH_WITH_TIES));
	expect_rows(conn,
		    qr_select(qr_count_star(), qr_from(qr_subquery(ties, "t"))),
		    NULL, "(2,)\n");
}

static void test_lateral(void **state)
{
	(void)state;
	/* each item with the number of items whose n is smaller */
	qr_expr *other = qr_alias(items, "o");
	qr_expr *lat =
		qr_lateral(qr_select(qr_label(qr_count_star(), "smaller"),
				     qr_from(qr_expr_ref(other)),
				     qr_where(qr_lt(qr_c(other, "n"), N))),
			   "l");
	qr_expr_free(other);
	qr_expr *smaller = qr_c(lat, "smaller");
	qr_stmt *s = qr_select(C(items, "id"), smaller,
			       qr_from(qr_join_on(items, lat, qr_true())),
			       qr_order_by(C(items, "id")));
	if (!backend_is("postgresql")) {
		/* SQLite, and MariaDB (the mysql:// test server) have none */
		expect_unsupported(s, "LATERAL");
		return;
	}
	expect_rows(conn, s, NULL, "(1, 0)\n(2, 1)\n(3, 2)\n");
}

static void test_with_only_columns(void **state)
{
	(void)state;
	qr_stmt *s = qr_select(C(items, "id"), C(items, "name"),
			       qr_where(qr_gt(N, INT(5))));
	expect_rows(conn, qr_with_only_columns(s, qr_count_star()), NULL,
		    "(2,)\n");
}

static void test_values_from(void **state)
{
	(void)state;
	qr_value data[] = {qr_val_int(1), qr_val_text("one"), qr_val_int(3),
			   qr_val_text("three")};
	qr_expr *v = qr_values_from("v", QR_NAMES("id", "word"), NULL, data, 2);
	qr_expr *vid = qr_c(v, "id"), *word = qr_c(v, "word");
	qr_expr_free(v);
	qr_stmt *s = qr_select(C(items, "name"), word,
			       qr_where(qr_eq(C(items, "id"), vid)), IDS);
	if (!backend_is("postgresql")) {
		expect_unsupported(s, "VALUES in FROM");
		return;
	}
	expect_rows(conn, s, NULL, "('Jack', 'one')\n('MARY', 'three')\n");
}

static void test_setup(void **state)
{
	setup(state);
}

static void test_teardown(void **state)
{
	teardown(state);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_setup),
	cmocka_unit_test_setup(test_case_insensitive_like, reset),
	cmocka_unit_test_setup(test_regexp, reset),
	cmocka_unit_test_setup(test_collate, reset),
	cmocka_unit_test_setup(test_extract, reset),
	cmocka_unit_test_setup(test_bitwise, reset),
	cmocka_unit_test_setup(test_any_all, reset),
	cmocka_unit_test_setup(test_within_group, reset),
	cmocka_unit_test_setup(test_fetch, reset),
	cmocka_unit_test_setup(test_lateral, reset),
	cmocka_unit_test_setup(test_with_only_columns, reset),
	cmocka_unit_test_setup(test_values_from, reset),
	cmocka_unit_test(test_teardown),
};

QR_TEST_MAIN("core_ops", tests)
