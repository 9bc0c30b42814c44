/*
 * test_core_select.c - SELECT constructs executed on the test URL, with
 * the same rows expected on every backend: operators, IN (lists, empty,
 * subqueries, tuples), LIKE, functions, CASE, CAST, joins, aliases,
 * correlated and scalar subqueries, EXISTS, set operations, CTEs (and a
 * recursive one), window functions, grouping, ordering, LIMIT/OFFSET,
 * textual fragments and named parameters.
 */
#include "core_fixture.h"

#include <stdio.h>

static qr_engine *engine;
static qr_conn *conn;
static qr_metadata *md;
static qr_table *users, *addresses, *flags;

static int setup(void **state)
{
	(void)state;
	engine = qr_test_engine();
	conn = qr_test_connect(engine);
	md = qr_metadata_new();
	users = qr_table(md, "qs_users",
			 qr_column("id", QR_INTEGER, .primary_key = true),
			 qr_column("name", qr_string(50)),
			 qr_column("fullname", qr_string(50)));
	addresses = qr_table(
		md, "qs_addresses",
		qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("user_id", QR_INTEGER, .foreign_key = "qs_users.id"),
		qr_column("email_address", qr_string(50), .not_null = true));
	flags = qr_table(md, "qs_flags",
			 qr_column("id", QR_INTEGER, .primary_key = true),
			 qr_column("on", QR_BOOLEAN),
			 qr_column("note", qr_string(20)));
	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, true));
	qr_assert_ok(qr_metadata_create_all_conn(md, conn, true));
	static const char *const people[][2] = {{"jack", "Jack Jones"},
						{"wendy", "Wendy Williams"},
						{"mary", "Mary Contrary"},
						{"fred", NULL}};
	for (int i = 0; i < 4; i++) {
		qr_stmt *s = qr_insert(users, qr_set("id", INT(i + 1)),
				       qr_set("name", TXT(people[i][0])),
				       qr_set("fullname", TXT(people[i][1])));
		qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
		qr_stmt_free(s);
	}
	qr_stmt *s = qr_insert(
		addresses,
		qr_values(qr_set("id", INT(1)), qr_set("user_id", INT(1)),
			  qr_set("email_address", TXT("jack@yahoo.com"))),
		qr_values(qr_set("id", INT(2)), qr_set("user_id", INT(1)),
			  qr_set("email_address", TXT("jack@msn.com"))),
		qr_values(qr_set("id", INT(3)), qr_set("user_id", INT(2)),
			  qr_set("email_address", TXT("www@www.org"))),
		qr_values(qr_set("id", INT(4)), qr_set("user_id", INT(2)),
			  qr_set("email_address", TXT("wendy@aol.com"))));
	qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
	qr_stmt_free(s);
	s = qr_insert(flags,
		      qr_values(qr_set("id", INT(1)), qr_set("on", qr_true()),
				qr_set("note", TXT("a"))),
		      qr_values(qr_set("id", INT(2)), qr_set("on", qr_false()),
				qr_set("note", TXT("b"))),
		      qr_values(qr_set("id", INT(3)), qr_set("on", qr_null()),
				qr_set("note", qr_null())));
	qr_assert_ok(qr_conn_execute(NULL, conn, s, NULL));
	qr_stmt_free(s);
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

#define UID qr_order_by(C(users, "id"))

static void test_comparisons(void **state)
{
	(void)state;
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_eq(C(users, "id"), INT(2)))),
		    NULL, "('wendy',)\n");
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_ne(C(users, "id"), INT(2))), UID),
		    NULL, "('jack',)\n('mary',)\n('fred',)\n");
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_not(qr_gt(C(users, "id"), INT(2)))),
			      UID),
		    NULL, "('jack',)\n('wendy',)\n");
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_eq(C(users, "fullname"), qr_null()))),
		    NULL, "('fred',)\n");
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_where(qr_is_not_null(C(users, "fullname"))),
			      UID),
		    NULL, "(1,)\n(2,)\n(3,)\n");
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_where(qr_between(C(users, "name"), TXT("m"),
						  TXT("z"))),
			      UID),
		    NULL, "(2,)\n(3,)\n");
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_where(qr_not_between(C(users, "id"), INT(2),
						      INT(3))),
			      UID),
		    NULL, "(1,)\n(4,)\n");
	/* IS DISTINCT FROM treats NULL as a value */
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_where(qr_is_distinct_from(C(users, "fullname"),
							   TXT("Jack Jones"))),
			      UID),
		    NULL, "(2,)\n(3,)\n(4,)\n");
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_where(qr_is_not_distinct_from(
				      C(users, "fullname"), qr_null()))),
		    NULL, "(4,)\n");
}

static void test_conjunctions_and_precedence(void **state)
{
	(void)state;
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_and(
				      qr_like(C(users, "name"), TXT("j%")),
				      qr_eq(C(users, "id"),
					    C(addresses, "user_id")),
				      qr_or(qr_eq(C(addresses, "email_address"),
						  TXT("wendy@aol.com")),
					    qr_eq(C(addresses, "email_address"),
						  TXT("jack@yahoo.com"))),
				      qr_not(qr_gt(C(users, "id"), INT(5)))))),
		    NULL, "('jack',)\n");
	/* (id + 1) * 2 against id * 2 + 1 */
	expect_rows(conn,
		    qr_select(qr_mul(qr_add(C(users, "id"), INT(1)), INT(2)),
			      qr_add(qr_mul(C(users, "id"), INT(2)), INT(1)),
			      qr_sub(C(users, "id"),
				     qr_sub(qr_mul(C(users, "id"), INT(2)),
					    INT(4))),
			      qr_where(qr_eq(C(users, "id"), INT(3)))),
		    NULL, "(8, 7, 1)\n");
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_where(qr_not(
				      qr_and(qr_gt(C(users, "id"), INT(1)),
					     qr_lt(C(users, "id"), INT(4))))),
			      UID),
		    NULL, "(1,)\n(4,)\n");
}

static void test_like_family(void **state)
{
	(void)state;
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_like(C(users, "name"), TXT("%r%"))),
			      UID),
		    NULL, "('mary',)\n('fred',)\n");
	expect_rows(
		conn,
		qr_select(C(users, "name"),
			  qr_where(qr_not_like(C(users, "name"), TXT("%r%"))),
			  UID),
		NULL, "('jack',)\n('wendy',)\n");
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_ilike(C(users, "fullname"),
						TXT("%JONES")))),
		    NULL, "('jack',)\n");
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_not_ilike(C(users, "fullname"),
						    TXT("%JONES"))),
			      UID),
		    NULL, "('wendy',)\n('mary',)\n");
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_contains(C(users, "fullname"),
						   TXT("Con")))),
		    NULL, "('mary',)\n");
	expect_rows(
		conn,
		qr_select(C(users, "name"),
			  qr_where(qr_startswith(C(users, "name"), TXT("we")))),
		NULL, "('wendy',)\n");
	expect_rows(
		conn,
		qr_select(C(users, "name"),
			  qr_where(qr_endswith(C(users, "name"), TXT("ed")))),
		NULL, "('fred',)\n");
	/* an escaped wildcard */
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_escape(
				      qr_like(C(users, "name"), TXT("j_ck")),
				      '/'))),
		    NULL, "('jack',)\n");
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_escape(
				      qr_like(C(users, "name"), TXT("j/_ck")),
				      '/'))),
		    NULL, "");
	/* contains a column: emails holding their user's name */
	expect_rows(conn,
		    qr_select_distinct(
			    C(users, "name"),
			    qr_where(qr_contains(C(addresses, "email_address"),
						 C(users, "name"))),
			    qr_order_by(C(users, "name"))),
		    NULL, "('jack',)\n('wendy',)\n");
}

static void test_in(void **state)
{
	(void)state;
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_in(C(users, "id"),
					     qr_list(INT(1), INT(3)))),
			      UID),
		    NULL, "('jack',)\n('mary',)\n");
	const char *names[] = {"fred", "wendy"};
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_where(qr_in_texts(C(users, "name"), names, 2)),
			      UID),
		    NULL, "(2,)\n(4,)\n");
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_where(qr_not_in(C(users, "id"),
						 qr_list(INT(1), INT(3)))),
			      UID),
		    NULL, "(2,)\n(4,)\n");
	/* the empty list: IN is false, NOT IN true, for every row */
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_where(qr_in(C(users, "id"), qr_list_empty()))),
		    NULL, "");
	expect_rows(
		conn,
		qr_select(C(users, "id"),
			  qr_where(qr_not_in(C(users, "id"), qr_list_empty())),
			  UID),
		NULL, "(1,)\n(2,)\n(3,)\n(4,)\n");
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_where(qr_or(
				      qr_eq(C(users, "id"), INT(4)),
				      qr_in(C(users, "id"), qr_list_empty()))),
			      UID),
		    NULL, "(4,)\n");
	/* a subquery */
	expect_rows(
		conn,
		qr_select(
			C(users, "name"),
			qr_where(qr_in(
				C(users, "id"),
				qr_select(C(addresses, "user_id"),
					  qr_where(qr_like(
						  C(addresses, "email_address"),
						  TXT("%@aol.com")))))),
			UID),
		NULL, "('wendy',)\n");
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_not_in(
				      C(users, "id"),
				      qr_select(C(addresses, "user_id")))),
			      UID),
		    NULL, "('mary',)\n('fred',)\n");
	/* tuples */
	expect_rows(
		conn,
		qr_select(C(users, "id"),
			  qr_where(qr_in(
				  qr_tuple(C(users, "id"), C(users, "name")),
				  qr_list(qr_tuple(INT(1), TXT("jack")),
					  qr_tuple(INT(2), TXT("x")),
					  qr_tuple(INT(3), TXT("mary"))))),
			  UID),
		NULL, "(1,)\n(3,)\n");
}

static void test_functions_case_cast(void **state)
{
	(void)state;
	expect_rows(conn,
		    qr_select(qr_count_star(), qr_max(C(users, "name")),
			      qr_min(C(users, "id")),
			      qr_count(qr_distinct(C(addresses, "user_id"))),
			      qr_from(users, addresses)),
		    NULL, "(16, 'wendy', 1, 2)\n");
	expect_rows(conn,
		    qr_select(qr_upper(C(users, "name")),
			      qr_lower(C(users, "fullname")),
			      qr_length(C(users, "name")),
			      qr_coalesce(C(users, "fullname"), TXT("?")),
			      qr_where(qr_in(C(users, "id"),
					     qr_list(INT(1), INT(4)))),
			      UID),
		    NULL,
		    "('JACK', 'jack jones', 4, 'Jack Jones')\n"
		    "('FRED', None, 4, '?')\n");
	expect_rows(
		conn,
		qr_select(qr_case(qr_when(qr_eq(C(users, "name"), TXT("jack")),
					  TXT("J")),
				  qr_when(qr_gt(C(users, "id"), INT(2)),
					  TXT("late")),
				  qr_else(TXT("other"))),
			  qr_case_value(C(users, "id"),
					qr_when(INT(2), TXT("two")),
					qr_else(TXT("-"))),
			  UID),
		NULL,
		"('J', '-')\n('other', 'two')\n('late', '-')\n"
		"('late', '-')\n");
	expect_rows(
		conn,
		qr_select(qr_cast(C(users, "id"), QR_STRING),
			  qr_add(qr_cast(C(users, "id"), QR_STRING), TXT("!")),
			  qr_where(qr_lt(C(users, "id"), INT(3))), UID),
		NULL, "('1', '1!')\n('2', '2!')\n");
	expect_rows(
		conn,
		qr_select(
			qr_label(qr_add(qr_add(C(users, "fullname"), TXT(", ")),
					C(addresses, "email_address")),
				 "title"),
			qr_where(qr_eq(C(users, "id"), C(addresses, "user_id")),
				 qr_between(C(users, "name"), TXT("m"),
					    TXT("z")),
				 qr_or(qr_like(C(addresses, "email_address"),
					       TXT("%@aol.com")),
				       qr_like(C(addresses, "email_address"),
					       TXT("%@msn.com"))))),
		NULL, "('Wendy Williams, wendy@aol.com',)\n");
	/* a boolean column as a condition, stored natively or as 0/1 */
	expect_rows(conn,
		    qr_select(C(flags, "id"), C(flags, "on"),
			      qr_where(C(flags, "on"))),
		    NULL, "(1, True)\n");
	expect_rows(conn,
		    qr_select(C(flags, "id"), qr_where(qr_not(C(flags, "on")))),
		    NULL, "(2,)\n");
	expect_rows(conn,
		    qr_select(C(flags, "id"),
			      qr_where(qr_eq(C(flags, "on"), qr_false()))),
		    NULL, "(2,)\n");
}

static void test_joins_and_aliases(void **state)
{
	(void)state;
	expect_rows(conn,
		    qr_select(C(users, "name"), C(addresses, "email_address"),
			      qr_from(qr_join(users, addresses)),
			      qr_order_by(C(addresses, "id"))),
		    NULL,
		    "('jack', 'jack@yahoo.com')\n('jack', 'jack@msn.com')\n"
		    "('wendy', 'www@www.org')\n('wendy', 'wendy@aol.com')\n");
	expect_rows(
		conn,
		qr_select(C(users, "name"), qr_count(C(addresses, "id")),
			  qr_from(qr_outerjoin(users, addresses)),
			  qr_group_by(C(users, "id"), C(users, "name")), UID),
		NULL, "('jack', 2)\n('wendy', 2)\n('mary', 0)\n('fred', 0)\n");
	expect_rows(
		conn,
		qr_select(C(users, "fullname"),
			  qr_from(qr_join_on(
				  users, addresses,
				  qr_like(C(addresses, "email_address"),
					  qr_add(C(users, "name"), TXT("%"))))),
			  qr_order_by(C(addresses, "id"))),
		NULL,
		"('Jack Jones',)\n('Jack Jones',)\n('Wendy Williams',)\n");
	if (!backend_is("mysql")) {
		expect_rows(conn,
			    qr_select(C(users, "id"), C(addresses, "id"),
				      qr_from(qr_full_join(users, addresses)),
				      qr_where(qr_is_null(C(addresses, "id"))),
				      UID),
			    NULL, "(3, None)\n(4, None)\n");
	}
	qr_expr *a1 = qr_alias(addresses, NULL),
		*a2 = qr_alias(addresses, NULL);
	expect_rows(conn,
		    qr_select(users,
			      qr_where(qr_eq(C(users, "id"), C(a1, "user_id")),
				       qr_eq(C(users, "id"), C(a2, "user_id")),
				       qr_eq(C(a1, "email_address"),
					     TXT("jack@msn.com")),
				       qr_eq(C(a2, "email_address"),
					     TXT("jack@yahoo.com")))),
		    NULL, "(1, 'jack', 'Jack Jones')\n");
	qr_expr_free(a1);
	qr_expr_free(a2);
	qr_expr *u1 = qr_alias(users, "u1"), *u2 = qr_alias(users, "u2");
	expect_rows(conn,
		    qr_select(C(u1, "name"), C(u2, "name"),
			      qr_where(qr_eq(C(u1, "id"),
					     qr_add(C(u2, "id"), INT(1)))),
			      qr_order_by(C(u1, "id"))),
		    NULL,
		    "('wendy', 'jack')\n('mary', 'wendy')\n('fred', 'mary')\n");
	qr_expr_free(u1);
	qr_expr_free(u2);
}

static void test_subqueries(void **state)
{
	(void)state;
	/* a subquery in FROM, its columns by name */
	qr_expr *sq = qr_subquery(
		qr_select(C(addresses, "user_id"),
			  qr_label(qr_count(C(addresses, "id")), "n"),
			  qr_group_by(C(addresses, "user_id"))),
		NULL);
	expect_rows(conn,
		    qr_select(C(users, "name"), C(sq, "n"),
			      qr_where(qr_eq(C(users, "id"), C(sq, "user_id"))),
			      UID),
		    NULL, "('jack', 2)\n('wendy', 2)\n");
	qr_expr_free(sq);
	/* scalar, correlated automatically */
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_label(qr_scalar(qr_select(
					       qr_count(C(addresses, "id")),
					       qr_where(qr_eq(C(users, "id"),
							      C(addresses,
								"user_id"))))),
				       "address_count"),
			      UID),
		    NULL,
		    "('jack', 2)\n('wendy', 2)\n('mary', 0)\n('fred', 0)\n");
	/* a comparison with a SELECT */
	expect_rows(
		conn,
		qr_select(
			C(users, "name"),
			qr_where(qr_eq(
				C(users, "id"),
				qr_select(C(addresses, "user_id"),
					  qr_where(qr_eq(
						  C(addresses, "email_address"),
						  TXT("www@www.org"))))))),
		NULL, "('wendy',)\n");
	/* EXISTS / NOT EXISTS */
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_exists(qr_select(
				      C(addresses, "id"),
				      qr_where(qr_eq(C(addresses, "user_id"),
						     C(users, "id")))))),
			      UID),
		    NULL, "('jack',)\n('wendy',)\n");
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_not(qr_exists(qr_select(
				      C(addresses, "id"),
				      qr_where(qr_eq(C(addresses, "user_id"),
						     C(users, "id"))))))),
			      UID),
		    NULL, "('mary',)\n('fred',)\n");
	/* correlate(None): the inner SELECT keeps its own FROM */
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_eq(
				      C(users, "id"),
				      qr_select(C(users, "id"),
						qr_where(qr_eq(C(users, "name"),
							       TXT("wendy"))),
						qr_correlate_none())))),
		    NULL, "('wendy',)\n");
}

static void test_set_operations(void **state)
{
	(void)state;
	expect_rows(conn,
		    qr_stmt_add(qr_union(qr_select(C(users, "id")),
					 qr_select(C(addresses, "user_id"))),
				qr_order_by(C(users, "id"))),
		    NULL, "(1,)\n(2,)\n(3,)\n(4,)\n");
	expect_rows(
		conn,
		qr_stmt_extend(qr_union_all(qr_select(C(users, "id")),
					    qr_select(C(addresses, "user_id"))),
			       qr_order_by(C(users, "id")), qr_limit(3)),
		NULL, "(1,)\n(1,)\n(1,)\n");
	expect_rows(
		conn,
		qr_stmt_add(qr_intersect(qr_select(C(users, "id")),
					 qr_select(C(addresses, "user_id"))),
			    qr_order_by(C(users, "id"))),
		NULL, "(1,)\n(2,)\n");
	expect_rows(conn,
		    qr_stmt_add(qr_except(qr_select(C(users, "id")),
					  qr_select(C(addresses, "user_id"))),
				qr_order_by(C(users, "id"))),
		    NULL, "(3,)\n(4,)\n");
	/* a set operation inside another, as a subquery */
	qr_expr *u = qr_subquery(qr_union(qr_select(C(users, "id")),
					  qr_select(C(addresses, "id"))),
				 "u");
	expect_rows(conn,
		    qr_stmt_add(qr_except(qr_select(u),
					  qr_select(C(addresses, "user_id"))),
				qr_order_by(qr_column_ref("id"))),
		    NULL, "(3,)\n(4,)\n");
}

static void test_ctes(void **state)
{
	(void)state;
	qr_expr *counts =
		qr_cte(qr_select(C(addresses, "user_id"),
				 qr_label(qr_count(C(addresses, "id")), "n"),
				 qr_group_by(C(addresses, "user_id"))),
		       "counts");
	expect_rows(
		conn,
		qr_select(C(users, "name"), C(counts, "n"),
			  qr_where(qr_eq(C(users, "id"), C(counts, "user_id"))),
			  UID),
		NULL, "('jack', 2)\n('wendy', 2)\n");
	qr_expr_free(counts);
	/* a recursive CTE: 1..5 */
	qr_expr *nums = qr_cte_recursive(
		qr_select(qr_label(qr_literal_column("1", QR_INTEGER), "n")),
		"nums");
	qr_expr *all = qr_cte_union_all(
		qr_expr_ref(nums),
		qr_select(qr_add(C(nums, "n"), INT(1)),
			  qr_where(qr_lt(C(nums, "n"), INT(5)))));
	expect_rows(conn, qr_select(C(all, "n"), qr_order_by(C(all, "n"))),
		    NULL, "(1,)\n(2,)\n(3,)\n(4,)\n(5,)\n");
	qr_expr_free(nums);
	qr_expr_free(all);
	/* a CTE in a WHERE subquery, hoisted to the top */
	qr_expr *aol =
		qr_cte(qr_select(C(addresses, "user_id"),
				 qr_where(qr_like(C(addresses, "email_address"),
						  TXT("%@aol.com")))),
		       "aol");
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_where(qr_in(C(users, "id"),
					     qr_select(C(aol, "user_id"))))),
		    NULL, "('wendy',)\n");
	qr_expr_free(aol);
}

static void test_windows(void **state)
{
	(void)state;
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_over(qr_func("row_number"),
				      qr_order_by(qr_desc(C(users, "name")))),
			      UID),
		    NULL, "(1, 3)\n(2, 1)\n(3, 2)\n(4, 4)\n");
	expect_rows(conn,
		    qr_select(C(addresses, "id"),
			      qr_over(qr_func("row_number"),
				      qr_partition_by(C(addresses, "user_id")),
				      qr_order_by(C(addresses, "id"))),
			      qr_over(qr_count_star(),
				      qr_partition_by(C(addresses, "user_id"))),
			      qr_order_by(C(addresses, "id"))),
		    NULL, "(1, 1, 2)\n(2, 2, 2)\n(3, 1, 2)\n(4, 2, 2)\n");
	expect_rows(
		conn,
		qr_select(C(users, "id"),
			  qr_over(qr_count_star(), qr_order_by(C(users, "id")),
				  qr_rows(-1, 0)),
			  UID),
		NULL, "(1, 1)\n(2, 2)\n(3, 2)\n(4, 2)\n");
}

static void test_grouping_ordering_limits(void **state)
{
	(void)state;
	qr_expr *n = qr_label(qr_count(C(addresses, "id")), "num");
	expect_rows(conn,
		    qr_select(C(addresses, "user_id"), qr_expr_ref(n),
			      qr_group_by(C(addresses, "user_id")),
			      qr_having(qr_gt(qr_count(C(addresses, "id")),
					      INT(1))),
			      qr_order_by(qr_desc(n), C(addresses, "user_id"))),
		    NULL, "(1, 2)\n(2, 2)\n");
	expect_rows(conn,
		    qr_select(C(users, "name"),
			      qr_order_by(qr_desc(C(users, "name"))),
			      qr_limit(2)),
		    NULL, "('wendy',)\n('mary',)\n");
	expect_rows(conn, qr_select(C(users, "name"), UID, qr_offset(2)), NULL,
		    "('mary',)\n('fred',)\n");
	expect_rows(conn,
		    qr_select(C(users, "name"), UID, qr_limit(1), qr_offset(1)),
		    NULL, "('wendy',)\n");
	expect_rows(conn,
		    qr_select_distinct(C(addresses, "user_id"),
				       qr_order_by(C(addresses, "user_id"))),
		    NULL, "(1,)\n(2,)\n");
	if (!backend_is("mysql"))
		expect_rows(conn,
			    qr_select(C(users, "fullname"),
				      qr_order_by(qr_nulls_first(
					      qr_asc(C(users, "fullname"))))),
			    NULL,
			    "(None,)\n('Jack Jones',)\n('Mary Contrary',)\n"
			    "('Wendy Williams',)\n");
	if (backend_is("postgresql"))
		expect_rows(conn,
			    qr_select(C(addresses, "user_id"),
				      C(addresses, "email_address"),
				      qr_distinct_on(C(addresses, "user_id")),
				      qr_order_by(C(addresses, "user_id"),
						  C(addresses, "id"))),
			    NULL,
			    "(1, 'jack@yahoo.com')\n(2, 'www@www.org')\n");
	/* row locks (nothing on SQLite) inside a transaction */
	expect_rows(conn,
		    qr_select(C(users, "id"),
			      qr_where(qr_eq(C(users, "id"), INT(1))),
			      qr_for_update(QR_FOR_UPDATE)),
		    NULL, "(1,)\n");
	qr_assert_ok(qr_conn_rollback(conn));
}

static void test_text_and_params(void **state)
{
	(void)state;
	qr_params *p = qr_params_new();
	qr_params_text(p, "x", "%@aol.com");
	qr_params_text(p, "y", "%@msn.com");
	expect_rows(conn,
		    qr_select(C(addresses, "email_address"),
			      qr_where(qr_text("(qs_addresses.email_address "
					       "LIKE :x OR "
					       "qs_addresses.email_address "
					       "LIKE :y)")),
			      qr_order_by(C(addresses, "id"))),
		    p, "('jack@msn.com',)\n('wendy@aol.com',)\n");
	qr_params_free(p);
	/* one named parameter used twice */
	p = qr_params_new();
	qr_params_text(p, "name", "jack");
	expect_rows(conn,
		    qr_select(C(users, "id"), C(addresses, "id"),
			      qr_where(qr_or(
				      qr_like(C(users, "name"),
					      qr_add(qr_param_typed("name",
								    QR_STRING),
						     TXT("%"))),
				      qr_like(C(addresses, "email_address"),
					      qr_add(qr_param_typed("name",
								    QR_STRING),
						     TXT("@%"))))),
			      qr_from(qr_outerjoin(users, addresses)),
			      qr_order_by(C(addresses, "id"))),
		    p, "(1, 1)\n(1, 2)\n");
	qr_params_free(p);
	/* a parameter's statement value, overridden at execution */
	qr_stmt *s = qr_select(
		C(users, "name"),
		qr_where(qr_eq(C(users, "id"),
			       qr_param_value("uid", qr_val_int(1)))));
	expect_rows(conn, qr_expr_ref(s), NULL, "('jack',)\n");
	p = qr_params_new();
	qr_params_int(p, "uid", 3);
	expect_rows(conn, s, p, "('mary',)\n");
	qr_params_free(p);
	/* a missing parameter */
	s = qr_select(C(users, "name"),
		      qr_where(qr_eq(C(users, "id"), qr_param("nope"))));
	assert_int_equal(qr_conn_execute(NULL, conn, s, NULL), QR_EPARAM);
	qr_stmt_free(s);
	qr_conn_rollback(conn);
}

static void test_compiled_cache_reuse(void **state)
{
	(void)state;
	/* the same structure with other values: one compilation */
	qr_compile_cache_stats before, after;
	qr_compile_cache_stats_get(&before);
	for (int i = 1; i <= 4; i++) {
		char want[32];
		static const char *const names[] = {"", "jack", "wendy", "mary",
						    "fred"};
		snprintf(want, sizeof(want), "('%s',)\n", names[i]);
		expect_rows(conn,
			    qr_select(C(users, "name"),
				      qr_where(qr_eq(C(users, "id"), INT(i)))),
			    NULL, want);
	}
	qr_compile_cache_stats_get(&after);
	assert_true(after.hits >= before.hits + 3);
}

/* Each test starts outside any transaction a failed one left. */
static int reset(void **state)
{
	(void)state;
	qr_conn_rollback(conn);
	return 0;
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
	cmocka_unit_test_setup(test_comparisons, reset),
	cmocka_unit_test_setup(test_conjunctions_and_precedence, reset),
	cmocka_unit_test_setup(test_like_family, reset),
	cmocka_unit_test_setup(test_in, reset),
	cmocka_unit_test_setup(test_functions_case_cast, reset),
	cmocka_unit_test_setup(test_joins_and_aliases, reset),
	cmocka_unit_test_setup(test_subqueries, reset),
	cmocka_unit_test_setup(test_set_operations, reset),
	cmocka_unit_test_setup(test_ctes, reset),
	cmocka_unit_test_setup(test_windows, reset),
	cmocka_unit_test_setup(test_grouping_ordering_limits, reset),
	cmocka_unit_test_setup(test_text_and_params, reset),
	cmocka_unit_test_setup(test_compiled_cache_reuse, reset),
	cmocka_unit_test(test_teardown),
};

QR_TEST_MAIN("core_select", tests)
