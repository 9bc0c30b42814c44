/*
 * test_compile_select.c - golden SQL of SELECT: columns and FROM
 * inference, labels, aliases, joins, subqueries and correlation, CTEs,
 * set operations, grouping, ordering, LIMIT/OFFSET, DISTINCT, FOR UPDATE.
 */
#include "golden.h"

static qr_stmt *b_select_table(void)
{
	return qr_select(users);
}
static qr_stmt *b_select_columns(void)
{
	return qr_select(qr_cols(users, "name", "fullname"));
}
static qr_stmt *b_two_tables(void)
{
	return qr_select(users, addresses);
}
static qr_stmt *b_where_join(void)
{
	return qr_select(
		users, addresses,
		qr_where(qr_eq(C(users, "id"), C(addresses, "user_id"))));
}
static qr_stmt *b_where_bind(void)
{
	return qr_select(qr_cols(users, "id", "name"),
			 qr_where(qr_eq(C(users, "name"), TXT("ed"))),
			 qr_order_by(C(users, "id")));
}
static qr_stmt *b_where_chained(void)
{
	qr_stmt *s = qr_select(
		qr_label(qr_add(qr_add(C(users, "fullname"), TXT(", ")),
				C(addresses, "email_address")),
			 "title"));
	s = qr_stmt_add(
		s, qr_where(qr_eq(C(users, "id"), C(addresses, "user_id"))));
	s = qr_stmt_add(
		s, qr_where(qr_between(C(users, "name"), TXT("m"), TXT("z"))));
	return qr_stmt_add(s,
			   qr_where(qr_or(qr_like(C(addresses, "email_address"),
						  TXT("%@aol.com")),
					  qr_like(C(addresses, "email_address"),
						  TXT("%@msn.com")))));
}
static qr_stmt *b_where_two_conditions(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_gt(C(users, "id"), INT(1)),
				  qr_lt(C(users, "id"), INT(9))));
}
static qr_stmt *b_text_whole_select(void)
{
	return qr_select(
		qr_text("users.fullname || ', ' || addresses.email_address AS "
			"title"),
		qr_where(qr_and(qr_text("users.id = addresses.user_id"),
				qr_text("users.name BETWEEN 'm' AND 'z'"),
				qr_text("(addresses.email_address LIKE :x OR "
					"addresses.email_address LIKE :y)"))),
		qr_from(qr_text("users, addresses")));
}
static qr_stmt *b_literal_columns(void)
{
	return qr_select(
		qr_label(qr_add(qr_add(qr_literal_column("users.fullname",
							 QR_STRING),
				       TXT(", ")),
				qr_literal_column("addresses.email_address",
						  QR_STRING)),
			 "title"),
		qr_where(qr_eq(
			qr_literal_column("users.id", QR_INTEGER),
			qr_literal_column("addresses.user_id", QR_INTEGER))),
		qr_from(qr_text("users"), qr_text("addresses")));
}
static qr_stmt *b_label_order(void)
{
	qr_expr *n = qr_label(qr_count(C(addresses, "id")), "num_addresses");
	return qr_select(
		C(addresses, "user_id"), n,
		qr_group_by(C(addresses, "user_id")),
		qr_order_by(C(addresses, "user_id"), qr_desc(qr_expr_ref(n))));
}
static qr_stmt *b_func_label(void)
{
	return qr_select(
		qr_label(qr_max(C(addresses, "email_address")), "maxemail"));
}
static qr_stmt *b_func_anon_label(void)
{
	return qr_select(C(users, "name"), qr_count(C(addresses, "id")),
			 qr_from(qr_join(users, addresses)),
			 qr_group_by(C(users, "name")));
}
static qr_stmt *b_two_func_labels(void)
{
	return qr_select(qr_count(C(users, "id")), qr_count(C(users, "name")),
			 qr_max(C(users, "id")));
}
static qr_stmt *b_bind_column(void)
{
	return qr_select(INT(1), qr_eq(C(users, "id"), INT(2)));
}
static qr_stmt *b_select_no_from(void)
{
	return qr_select(qr_now(), qr_label(INT(1), "one"));
}
static qr_stmt *b_having(void)
{
	return qr_select(C(users, "name"), qr_count(C(addresses, "id")),
			 qr_from(qr_join(users, addresses)),
			 qr_group_by(C(users, "name")),
			 qr_having(qr_gt(qr_length(C(users, "name")), INT(4))));
}
static qr_stmt *b_distinct(void)
{
	return qr_select_distinct(
		C(users, "name"),
		qr_where(qr_contains(C(addresses, "email_address"),
				     C(users, "name"))));
}
static qr_stmt *b_distinct_on(void)
{
	return qr_select(C(users, "name"), C(users, "id"),
			 qr_distinct_on(C(users, "name")),
			 qr_order_by(C(users, "name"), C(users, "id")));
}
static qr_stmt *b_order_desc(void)
{
	return qr_select(C(users, "name"),
			 qr_order_by(qr_desc(C(users, "name"))));
}
static qr_stmt *b_order_nulls(void)
{
	return qr_select(C(users, "name"),
			 qr_order_by(qr_nulls_last(qr_asc(C(users, "name")))));
}
static qr_stmt *b_order_two(void)
{
	return qr_select(C(users, "name"), qr_order_by(C(users, "name")),
			 qr_order_by(qr_desc(C(users, "id"))));
}
static qr_stmt *b_limit(void)
{
	return qr_select(C(users, "name"), qr_limit(10));
}
static qr_stmt *b_offset(void)
{
	return qr_select(C(users, "name"), qr_offset(5));
}
static qr_stmt *b_limit_offset(void)
{
	return qr_select(qr_cols(users, "name"), C(addresses, "email_address"),
			 qr_from(qr_join(users, addresses)), qr_limit(1),
			 qr_offset(1));
}
static qr_stmt *b_for_update(void)
{
	return qr_select(C(users, "id"), qr_for_update(QR_FOR_UPDATE));
}
static qr_stmt *b_for_update_nowait(void)
{
	return qr_select(C(users, "id"), qr_for_update(QR_FOR_NOWAIT));
}
static qr_stmt *b_for_update_skip(void)
{
	return qr_select(C(users, "id"), qr_limit(1),
			 qr_for_update(QR_FOR_SKIP_LOCKED));
}
static qr_stmt *b_for_share(void)
{
	return qr_select(C(users, "id"), qr_for_update(QR_FOR_SHARE));
}
static qr_stmt *b_alias_anon(void)
{
	qr_expr *a1 = qr_alias(addresses, NULL),
		*a2 = qr_alias(addresses, NULL);
	qr_stmt *s = qr_select(
		users,
		qr_where(qr_and(
			qr_eq(C(users, "id"), C(a1, "user_id")),
			qr_eq(C(users, "id"), C(a2, "user_id")),
			qr_eq(C(a1, "email_address"), TXT("jack@msn.com")),
			qr_eq(C(a2, "email_address"), TXT("jack@yahoo.com")))));
	qr_expr_free(a1);
	qr_expr_free(a2);
	return s;
}
static qr_stmt *b_alias_second_only(void)
{
	qr_expr *a1 = qr_alias(addresses, NULL),
		*a2 = qr_alias(addresses, NULL);
	qr_stmt *s = qr_select(C(a2, "email_address"));
	qr_expr_free(a1);
	qr_expr_free(a2);
	return s;
}
static qr_stmt *b_alias_named(void)
{
	qr_expr *a = qr_alias(addresses, "a1");
	qr_stmt *s =
		qr_select(qr_expr_ref(a), qr_where(qr_eq(C(a, "id"), INT(3))));
	qr_expr_free(a);
	return s;
}
static qr_stmt *b_self_join_aliases(void)
{
	qr_expr *u1a = qr_alias(users, NULL), *u1b = qr_alias(users, NULL);
	qr_stmt *s = qr_select(qr_expr_ref(u1a), qr_expr_ref(u1b),
			       qr_where(qr_gt(C(u1a, "name"), C(u1b, "name"))),
			       qr_order_by(C(u1a, "name")));
	qr_expr_free(u1a);
	qr_expr_free(u1b);
	return s;
}
static qr_stmt *b_subquery_from(void)
{
	qr_expr *a1 = qr_alias(addresses, NULL),
		*a2 = qr_alias(addresses, NULL);
	qr_stmt *inner = qr_select(
		users,
		qr_where(qr_and(
			qr_eq(C(users, "id"), C(a1, "user_id")),
			qr_eq(C(users, "id"), C(a2, "user_id")),
			qr_eq(C(a1, "email_address"), TXT("jack@msn.com")),
			qr_eq(C(a2, "email_address"), TXT("jack@yahoo.com")))));
	qr_expr_free(a1);
	qr_expr_free(a2);
	qr_expr *sq = qr_subquery(inner, NULL);
	qr_stmt *s = qr_select(C(users, "name"),
			       qr_where(qr_eq(C(users, "id"), C(sq, "id"))));
	qr_expr_free(sq);
	return s;
}
static qr_stmt *b_subquery_named(void)
{
	qr_expr *sq = qr_subquery(
		qr_select(C(addresses, "user_id"),
			  qr_label(qr_count(C(addresses, "id")), "n"),
			  qr_group_by(C(addresses, "user_id"))),
		"counts");
	qr_stmt *s =
		qr_select(C(users, "name"), C(sq, "n"),
			  qr_from(qr_outerjoin_on(
				  users, qr_expr_ref(sq),
				  qr_eq(C(users, "id"), C(sq, "user_id")))));
	qr_expr_free(sq);
	return s;
}
static qr_stmt *b_subquery_select_all(void)
{
	qr_expr *sq =
		qr_subquery(qr_select(C(users, "id"), C(users, "name")), NULL);
	return qr_select(sq);
}
static qr_stmt *b_subquery_dup_names(void)
{
	qr_expr *sq = qr_subquery(qr_select(C(users, "id"), C(addresses, "id")),
				  NULL);
	qr_stmt *s = qr_select(C(sq, "id_1"));
	qr_expr_free(sq);
	return s;
}
static qr_stmt *b_subquery_anon_column(void)
{
	qr_expr *sq = qr_subquery(qr_select(qr_count(C(users, "id"))), NULL);
	return qr_select(sq);
}
static qr_stmt *b_scalar(void)
{
	return qr_select(
		C(users, "name"),
		qr_scalar(qr_select(qr_count(C(addresses, "id")),
				    qr_where(qr_eq(C(users, "id"),
						   C(addresses, "user_id"))))));
}
static qr_stmt *b_scalar_label(void)
{
	return qr_select(
		C(users, "name"),
		qr_label(qr_scalar(qr_select(
				 qr_count(C(addresses, "id")),
				 qr_where(qr_eq(C(users, "id"),
						C(addresses, "user_id"))))),
			 "address_count"));
}
static qr_stmt *b_correlated_where(void)
{
	qr_stmt *inner = qr_select(
		C(addresses, "user_id"),
		qr_where(qr_eq(C(addresses, "user_id"), C(users, "id"))),
		qr_where(qr_eq(C(addresses, "email_address"),
			       TXT("jack@yahoo.com"))));
	return qr_select(C(users, "name"),
			 qr_where(qr_eq(C(users, "id"), inner)));
}
static qr_stmt *b_correlate_explicit(void)
{
	qr_stmt *inner = qr_select(
		C(users, "id"),
		qr_where(qr_eq(C(users, "id"), C(addresses, "user_id"))),
		qr_where(qr_eq(C(users, "name"), TXT("jack"))),
		qr_correlate(addresses));
	return qr_select(C(users, "name"), C(addresses, "email_address"),
			 qr_from(qr_join(users, addresses)),
			 qr_where(qr_eq(C(users, "id"), inner)));
}
static qr_stmt *b_correlate_none(void)
{
	qr_stmt *inner = qr_select(
		C(users, "id"), qr_where(qr_eq(C(users, "name"), TXT("wendy"))),
		qr_correlate_none());
	return qr_select(C(users, "name"),
			 qr_where(qr_eq(C(users, "id"), inner)));
}
static qr_stmt *b_correlate_except(void)
{
	qr_stmt *inner = qr_select(
		C(users, "id"),
		qr_where(qr_eq(C(users, "id"), C(addresses, "user_id"))),
		qr_where(qr_eq(C(users, "name"), TXT("jack"))),
		qr_correlate_except(users));
	return qr_select(C(users, "name"), C(addresses, "email_address"),
			 qr_from(qr_join(users, addresses)),
			 qr_where(qr_eq(C(users, "id"), inner)));
}
static qr_stmt *b_no_autocorrelate_single(void)
{
	/* one FROM only: nothing to correlate away */
	qr_stmt *inner =
		qr_select(C(users, "id"),
			  qr_where(qr_eq(C(users, "name"), TXT("wendy"))));
	return qr_select(C(users, "name"),
			 qr_where(qr_eq(C(users, "id"), inner)));
}
static qr_stmt *b_exists_where(void)
{
	return qr_select(C(users, "name"),
			 qr_where(qr_exists(qr_select(
				 C(addresses, "id"),
				 qr_where(qr_eq(C(addresses, "user_id"),
						C(users, "id")))))));
}
static qr_stmt *b_not_exists_where(void)
{
	return qr_select(C(users, "name"),
			 qr_where(qr_not(qr_exists(qr_select(
				 C(addresses, "id"),
				 qr_where(qr_eq(C(addresses, "user_id"),
						C(users, "id"))))))));
}
static qr_stmt *b_select_exists(void)
{
	return qr_select(qr_exists(qr_select(
		C(users, "id"), qr_where(qr_eq(C(users, "name"), TXT("x"))))));
}
static qr_stmt *b_in_correlated(void)
{
	return qr_select(
		C(users, "name"),
		qr_where(qr_in(C(users, "id"),
			       qr_select(C(addresses, "user_id"),
					 qr_where(qr_like(
						 C(addresses, "email_address"),
						 TXT("%@aol.com")))))));
}
static qr_stmt *b_join_inferred(void)
{
	return qr_join(users, addresses);
}
static qr_stmt *b_join_reverse(void)
{
	return qr_join(addresses, users);
}
static qr_stmt *b_join_explicit(void)
{
	return qr_join_on(users, addresses,
			  qr_like(C(addresses, "email_address"),
				  qr_add(C(users, "name"), TXT("%"))));
}
static qr_stmt *b_join_select(void)
{
	return qr_select(C(users, "fullname"),
			 qr_from(qr_join_on(
				 users, addresses,
				 qr_like(C(addresses, "email_address"),
					 qr_add(C(users, "name"), TXT("%"))))));
}
static qr_stmt *b_outerjoin(void)
{
	return qr_select(C(users, "fullname"),
			 qr_from(qr_outerjoin(users, addresses)));
}
static qr_stmt *b_full_join(void)
{
	return qr_select(C(users, "fullname"),
			 qr_from(qr_full_join(users, addresses)));
}
static qr_stmt *b_join_three(void)
{
	return qr_select(C(users, "name"), C(orders, "id"),
			 qr_from(qr_join(qr_join(users, addresses), orders)));
}
/* A join on the right of a join: parenthesized. */
static qr_stmt *b_join_nested(void)
{
	return qr_select(
		C(users, "name"), C(orders, "id"),
		qr_from(qr_join_on(
			users,
			qr_join_on(addresses, orders,
				   qr_eq(C(addresses, "user_id"),
					 C(orders, "user_id"))),
			qr_eq(C(users, "id"), C(addresses, "user_id")))));
}
static qr_stmt *b_join_alias(void)
{
	qr_expr *a = qr_alias(addresses, NULL);
	qr_stmt *s = qr_select(C(users, "name"), C(a, "email_address"),
			       qr_from(qr_join(users, qr_expr_ref(a))));
	qr_expr_free(a);
	return s;
}
static qr_stmt *b_join_no_fk(void)
{
	return qr_join(users, parts);
}
static qr_stmt *b_join_hides_tables(void)
{
	return qr_select(C(users, "name"), C(addresses, "email_address"),
			 qr_from(qr_join(users, addresses)),
			 qr_where(qr_eq(C(users, "name"), TXT("jack"))));
}
static qr_stmt *b_bindparam_outerjoin(void)
{
	return qr_select(
		users, addresses,
		qr_where(qr_or(qr_like(C(users, "name"),
				       qr_add(qr_param_typed("name", QR_STRING),
					      qr_text("'%'"))),
			       qr_like(C(addresses, "email_address"),
				       qr_add(qr_param_typed("name", QR_STRING),
					      qr_text("'@%'"))))),
		qr_from(qr_outerjoin(users, addresses)),
		qr_order_by(C(addresses, "id")));
}
static qr_stmt *b_schema_select(void)
{
	return qr_select(accounts,
			 qr_where(qr_gt(C(accounts, "balance"), INT(100))));
}
static qr_stmt *b_quoted_select(void)
{
	return qr_select(orders, qr_order_by(C(orders, "select")));
}
static qr_stmt *b_union(void)
{
	return qr_stmt_add(
		qr_union(qr_select(addresses,
				   qr_where(qr_eq(C(addresses, "email_address"),
						  TXT("foo@bar.com")))),
			 qr_select(
				 addresses,
				 qr_where(qr_like(C(addresses, "email_address"),
						  TXT("%@yahoo.com"))))),
		qr_order_by(C(addresses, "email_address")));
}
static qr_stmt *b_union_all(void)
{
	return qr_union_all(qr_select(C(users, "id")),
			    qr_select(C(addresses, "user_id")));
}
static qr_stmt *b_except(void)
{
	return qr_except(
		qr_select(addresses,
			  qr_where(qr_like(C(addresses, "email_address"),
					   TXT("%@%.com")))),
		qr_select(addresses,
			  qr_where(qr_like(C(addresses, "email_address"),
					   TXT("%@msn.com")))));
}
static qr_stmt *b_intersect(void)
{
	return qr_intersect(qr_select(C(users, "id")),
			    qr_select(C(addresses, "user_id")));
}
static qr_stmt *b_intersect_all(void)
{
	return qr_intersect_all(qr_select(C(users, "id")),
				qr_select(C(addresses, "user_id")));
}
static qr_stmt *b_except_all(void)
{
	return qr_except_all(qr_select(C(users, "id")),
			     qr_select(C(addresses, "user_id")));
}
static qr_stmt *b_union_limit(void)
{
	return qr_stmt_extend(qr_union(qr_select(C(users, "id")),
				       qr_select(C(addresses, "user_id"))),
			      qr_order_by(C(users, "id")), qr_limit(3));
}
static qr_stmt *b_union_three(void)
{
	return qr_union(qr_select(C(users, "id")),
			qr_select(C(addresses, "id")),
			qr_select(C(orders, "id")));
}
static qr_stmt *b_union_nested(void)
{
	return qr_except(qr_union(qr_select(C(users, "id")),
				  qr_select(C(addresses, "user_id"))),
			 qr_select(C(orders, "user_id")));
}
static qr_stmt *b_union_subquery(void)
{
	qr_expr *u = qr_subquery(
		qr_union(qr_select(
				 addresses,
				 qr_where(qr_like(C(addresses, "email_address"),
						  TXT("%@yahoo.com")))),
			 qr_select(
				 addresses,
				 qr_where(qr_like(C(addresses, "email_address"),
						  TXT("%@msn.com"))))),
		NULL);
	return qr_except(
		qr_select(u),
		qr_select(addresses,
			  qr_where(qr_like(C(addresses, "email_address"),
					   TXT("%@msn.com")))));
}
static qr_stmt *b_union_mismatch(void)
{
	return qr_union(qr_select(C(users, "id")), qr_select(users));
}
static qr_stmt *b_cte(void)
{
	qr_expr *cte =
		qr_cte(qr_select(C(addresses, "user_id"),
				 qr_label(qr_count(C(addresses, "id")), "n"),
				 qr_group_by(C(addresses, "user_id"))),
		       "counts");
	qr_stmt *s =
		qr_select(C(users, "name"), C(cte, "n"),
			  qr_where(qr_eq(C(users, "id"), C(cte, "user_id"))));
	qr_expr_free(cte);
	return s;
}
static qr_stmt *b_cte_anon(void)
{
	qr_expr *cte =
		qr_cte(qr_select(C(users, "id"),
				 qr_where(qr_gt(C(users, "id"), INT(1)))),
		       NULL);
	qr_stmt *s = qr_select(C(cte, "id"));
	qr_expr_free(cte);
	return s;
}
static qr_stmt *b_cte_two(void)
{
	qr_expr *a =
		qr_cte(qr_select(C(users, "id"),
				 qr_where(qr_eq(C(users, "name"), TXT("a")))),
		       "a");
	qr_expr *b = qr_cte(
		qr_select(C(a, "id"), qr_where(qr_gt(C(a, "id"), INT(2)))),
		"b");
	qr_stmt *s = qr_select(C(b, "id"), qr_where(qr_lt(C(b, "id"), INT(9))));
	qr_expr_free(a);
	qr_expr_free(b);
	return s;
}
static qr_stmt *b_cte_recursive(void)
{
	qr_expr *inc = qr_cte_recursive(
		qr_select(C(parts, "sub_part"), C(parts, "part"),
			  C(parts, "quantity"),
			  qr_where(qr_eq(C(parts, "part"), TXT("our part")))),
		"included_parts");
	qr_expr *incl = qr_alias(qr_expr_ref(inc), NULL);
	qr_expr *pa = qr_alias(parts, NULL);
	qr_expr *all = qr_cte_union_all(
		qr_expr_ref(inc),
		qr_select(C(pa, "sub_part"), C(pa, "part"), C(pa, "quantity"),
			  qr_where(qr_eq(C(pa, "part"), C(incl, "sub_part")))));
	qr_stmt *s = qr_select(
		C(all, "sub_part"),
		qr_label(qr_sum(C(all, "quantity")), "total_quantity"),
		qr_group_by(C(all, "sub_part")));
	qr_expr_free(inc);
	qr_expr_free(incl);
	qr_expr_free(pa);
	qr_expr_free(all);
	return s;
}
static qr_stmt *b_cte_in_where(void)
{
	qr_expr *cte =
		qr_cte(qr_select(C(addresses, "user_id"),
				 qr_where(qr_like(C(addresses, "email_address"),
						  TXT("%@aol.com")))),
		       "aol");
	qr_stmt *s = qr_select(
		C(users, "name"),
		qr_where(qr_in(C(users, "id"), qr_select(C(cte, "user_id")))));
	qr_expr_free(cte);
	return s;
}
static qr_stmt *b_window_select(void)
{
	return qr_select(
		C(users, "id"),
		qr_over(qr_func("row_number"), qr_order_by(C(users, "name"))));
}
static qr_stmt *b_window_label(void)
{
	return qr_select(
		C(addresses, "email_address"),
		qr_label(qr_over(qr_func("row_number"),
				 qr_partition_by(C(addresses, "user_id")),
				 qr_order_by(C(addresses, "email_address"))),
			 "rn"));
}
static qr_stmt *b_cast_column(void)
{
	return qr_select(qr_cast(C(users, "id"), QR_STRING));
}
static qr_stmt *b_case_column(void)
{
	return qr_select(
		qr_case(qr_when(qr_eq(C(users, "name"), TXT("jack")), INT(1)),
			qr_else(INT(0))));
}
static qr_stmt *b_tuple_in_select(void)
{
	return qr_select(
		C(parts, "part"),
		qr_where(qr_in(qr_tuple(C(parts, "part"), C(parts, "sub_part")),
			       qr_list(qr_tuple(TXT("x"), TXT("y"))))));
}
static qr_stmt *b_no_columns(void)
{
	return qr_select(qr_where(qr_eq(C(users, "id"), INT(1))));
}
static qr_stmt *b_star_from(void)
{
	return qr_select(qr_star(), qr_from(users));
}
static qr_stmt *b_count_star_select(void)
{
	return qr_select(qr_count_star(), qr_from(users));
}
static qr_stmt *b_generative_copy(void)
{
	qr_stmt *base = qr_select(C(users, "id"));
	qr_stmt *a = qr_stmt_add(qr_expr_ref(base),
				 qr_where(qr_eq(C(users, "id"), INT(1))));
	qr_stmt *b =
		qr_stmt_add(base, qr_where(qr_eq(C(users, "name"), TXT("x"))));
	qr_stmt_free(a);
	return b;
}
static qr_stmt *b_column_expr_mix(void)
{
	return qr_select(C(users, "name"),
			 qr_label(qr_add(C(users, "id"), INT(10)), "shifted"),
			 qr_upper(C(users, "fullname")));
}
static qr_stmt *b_offset_only_limit_param(void)
{
	return qr_select(C(users, "id"), qr_order_by(C(users, "id")),
			 qr_limit(5), qr_offset(10));
}

static qr_stmt *b_for_update_of(void)
{
	qr_expr *a = qr_alias(addresses, "a");
	qr_stmt *s = qr_select(
		C(users, "name"), C(a, "email_address"),
		qr_where(qr_eq(C(users, "id"), C(a, "user_id"))),
		qr_for_update_of(QR_FOR_NOWAIT, users, qr_expr_ref(a)));
	qr_expr_free(a);
	return s;
}
static qr_stmt *b_for_update_of_anon(void)
{
	qr_expr *a = qr_alias(addresses, NULL);
	qr_stmt *s = qr_select(C(a, "email_address"),
			       qr_for_update_of(0, qr_expr_ref(a)));
	qr_expr_free(a);
	return s;
}
static qr_stmt *b_for_update_of_bad(void)
{
	qr_expr *of = qr_for_update_of(0, qr_join(users, addresses));
	return of ? qr_select(users, of) : NULL;
}

static qr_stmt *b_adapt_onto_subquery(void)
{
	qr_expr *sub = qr_subquery(qr_select(users), "anon_1");
	qr_expr *crit =
		qr_and(qr_eq(C(users, "name"), TXT("ed")),
		       qr_like(qr_lower(C(users, "fullname")), TXT("e%")));
	qr_expr *a = qr_expr_adapt(crit, users, sub);
	qr_stmt *s = qr_select(
		qr_c(sub, "id"), qr_where(a),
		qr_order_by(qr_expr_adapt(C(users, "id"), users, sub)));
	qr_expr_free(crit);
	qr_expr_free(sub);
	return s;
}
static qr_stmt *b_adapt_missing_column(void)
{
	qr_expr *sub = qr_subquery(qr_select(qr_cols(users, "id")), "anon_1");
	qr_expr *a = qr_expr_adapt(C(users, "name"), users, sub);
	qr_expr_free(sub);
	return a ? qr_select(a) : NULL;
}

static const qr_golden cases[] = {
	/* BEGIN GOLDEN */
	{"select_table", b_select_table,
	 "SELECT users.id, users.name, users.fullname \nFROM users", NULL, NULL,
	 NULL},
	{"select_columns", b_select_columns,
	 "SELECT users.name, users.fullname \nFROM users", NULL, NULL, NULL},
	{"two_tables", b_two_tables,
	 "SELECT users.id, users.name, users.fullname, addresses.id AS id_1, "
	 "addresses.user_id, addresses.email_address \nFROM users, addresses",
	 NULL, NULL, NULL},
	{"where_join", b_where_join,
	 "SELECT users.id, users.name, users.fullname, addresses.id AS id_1, "
	 "addresses.user_id, addresses.email_address \nFROM users, addresses "
	 "\nWHERE users.id = addresses.user_id",
	 NULL, NULL, NULL},
	{"where_bind", b_where_bind,
	 "SELECT users.id, users.name \nFROM users \nWHERE users.name = ? "
	 "ORDER BY users.id",
	 NULL, NULL, "name_1"},
	{"where_chained", b_where_chained,
	 "SELECT users.fullname || ? || addresses.email_address AS title "
	 "\nFROM users, addresses \nWHERE users.id = addresses.user_id AND "
	 "users.name BETWEEN ? AND ? AND (addresses.email_address LIKE ? OR "
	 "addresses.email_address LIKE ?)",
	 NULL,
	 "SELECT concat(concat(users.fullname, ?), addresses.email_address) AS "
	 "title \nFROM users, addresses \nWHERE users.id = addresses.user_id "
	 "AND users.name BETWEEN ? AND ? AND (addresses.email_address LIKE ? "
	 "OR addresses.email_address LIKE ?)",
	 "fullname_1 name_1 name_2 email_address_1 email_address_2"},
	{"where_two_conditions", b_where_two_conditions,
	 "SELECT users.id \nFROM users \nWHERE users.id > ? AND users.id < ?",
	 NULL, NULL, "id_1 id_2"},
	{"text_whole_select", b_text_whole_select,
	 "SELECT users.fullname || ', ' || addresses.email_address AS title "
	 "\nFROM users, addresses \nWHERE users.id = addresses.user_id AND "
	 "users.name BETWEEN 'm' AND 'z' AND (addresses.email_address LIKE ? "
	 "OR addresses.email_address LIKE ?)",
	 NULL, NULL, "x y"},
	{"literal_columns", b_literal_columns,
	 "SELECT users.fullname || ? || addresses.email_address AS title "
	 "\nFROM users, addresses \nWHERE users.id = addresses.user_id",
	 NULL,
	 "SELECT concat(concat(users.fullname, ?), addresses.email_address) AS "
	 "title \nFROM users, addresses \nWHERE users.id = addresses.user_id",
	 "param_1"},
	{"label_order", b_label_order,
	 "SELECT addresses.user_id, count(addresses.id) AS num_addresses "
	 "\nFROM addresses GROUP BY addresses.user_id ORDER BY "
	 "addresses.user_id, num_addresses DESC",
	 NULL, NULL, NULL},
	{"func_label", b_func_label,
	 "SELECT max(addresses.email_address) AS maxemail \nFROM addresses",
	 NULL, NULL, NULL},
	{"func_anon_label", b_func_anon_label,
	 "SELECT users.name, count(addresses.id) AS count_1 \nFROM users JOIN "
	 "addresses ON users.id = addresses.user_id GROUP BY users.name",
	 NULL, NULL, NULL},
	{"two_func_labels", b_two_func_labels,
	 "SELECT count(users.id) AS count_1, count(users.name) AS count_2, "
	 "max(users.id) AS max_1 \nFROM users",
	 NULL, NULL, NULL},
	{"bind_column", b_bind_column,
	 "SELECT ? AS anon_1, users.id = ? AS anon_2 \nFROM users", NULL, NULL,
	 "param_1 id_1"},
	{"select_no_from", b_select_no_from,
	 "SELECT CURRENT_TIMESTAMP AS now_1, ? AS one",
	 "SELECT now() AS now_1, $1 AS one", "SELECT now() AS now_1, ? AS one",
	 "param_1"},
	{"having", b_having,
	 "SELECT users.name, count(addresses.id) AS count_1 \nFROM users JOIN "
	 "addresses ON users.id = addresses.user_id GROUP BY users.name "
	 "\nHAVING length(users.name) > ?",
	 NULL, NULL, "param_1"},
	{"distinct", b_distinct,
	 "SELECT DISTINCT users.name \nFROM users, addresses \nWHERE "
	 "addresses.email_address LIKE '%' || users.name || '%'",
	 NULL,
	 "SELECT DISTINCT users.name \nFROM users, addresses \nWHERE "
	 "addresses.email_address LIKE concat(concat('%', users.name), '%')",
	 NULL},
	{"distinct_on", b_distinct_on, "!ENOTSUP",
	 "SELECT DISTINCT ON (users.name) users.name, users.id \nFROM users "
	 "ORDER BY users.name, users.id",
	 "!ENOTSUP", NULL},
	{"order_desc", b_order_desc,
	 "SELECT users.name \nFROM users ORDER BY users.name DESC", NULL, NULL,
	 NULL},
	{"order_nulls", b_order_nulls,
	 "SELECT users.name \nFROM users ORDER BY users.name ASC NULLS LAST",
	 NULL, "!ENOTSUP", NULL},
	{"order_two", b_order_two,
	 "SELECT users.name \nFROM users ORDER BY users.name, users.id DESC",
	 NULL, NULL, NULL},
	{"limit", b_limit, "SELECT users.name \nFROM users\n LIMIT ? OFFSET ?",
	 "SELECT users.name \nFROM users \n LIMIT $1",
	 "SELECT users.name \nFROM users \n LIMIT ?", "param_1 param_2"},
	{"offset", b_offset,
	 "SELECT users.name \nFROM users\n LIMIT ? OFFSET ?",
	 "SELECT users.name \nFROM users\n LIMIT ALL OFFSET $1",
	 "SELECT users.name \nFROM users \n LIMIT ?, 18446744073709551615",
	 "param_1 param_2"},
	{"limit_offset", b_limit_offset,
	 "SELECT users.name, addresses.email_address \nFROM users JOIN "
	 "addresses ON users.id = addresses.user_id\n LIMIT ? OFFSET ?",
	 "SELECT users.name, addresses.email_address \nFROM users JOIN "
	 "addresses ON users.id = addresses.user_id \n LIMIT $1 OFFSET $2",
	 "SELECT users.name, addresses.email_address \nFROM users JOIN "
	 "addresses ON users.id = addresses.user_id \n LIMIT ?, ?",
	 "param_1 param_2"},
	{"for_update", b_for_update, "SELECT users.id \nFROM users",
	 "SELECT users.id \nFROM users FOR UPDATE",
	 "SELECT users.id \nFROM users FOR UPDATE", NULL},
	{"for_update_nowait", b_for_update_nowait,
	 "SELECT users.id \nFROM users",
	 "SELECT users.id \nFROM users FOR UPDATE NOWAIT",
	 "SELECT users.id \nFROM users FOR UPDATE NOWAIT", NULL},
	{"for_update_skip", b_for_update_skip,
	 "SELECT users.id \nFROM users\n LIMIT ? OFFSET ?",
	 "SELECT users.id \nFROM users \n LIMIT $1 FOR UPDATE SKIP LOCKED",
	 "SELECT users.id \nFROM users \n LIMIT ? FOR UPDATE SKIP LOCKED",
	 "param_1 param_2"},
	{"for_share", b_for_share, "SELECT users.id \nFROM users",
	 "SELECT users.id \nFROM users FOR SHARE",
	 "SELECT users.id \nFROM users LOCK IN SHARE MODE", NULL},
	{"alias_anon", b_alias_anon,
	 "SELECT users.id, users.name, users.fullname \nFROM users, addresses "
	 "AS addresses_1, addresses AS addresses_2 \nWHERE users.id = "
	 "addresses_1.user_id AND users.id = addresses_2.user_id AND "
	 "addresses_1.email_address = ? AND addresses_2.email_address = ?",
	 NULL, NULL, "email_address_1 email_address_2"},
	{"alias_second_only", b_alias_second_only,
	 "SELECT addresses_1.email_address \nFROM addresses AS addresses_1",
	 NULL, NULL, NULL},
	{"alias_named", b_alias_named,
	 "SELECT a1.id, a1.user_id, a1.email_address \nFROM addresses AS a1 "
	 "\nWHERE a1.id = ?",
	 NULL, NULL, "id_1"},
	{"self_join_aliases", b_self_join_aliases,
	 "SELECT users_1.id, users_1.name, users_1.fullname, users_2.id AS "
	 "id_1, users_2.name AS name_1, users_2.fullname AS fullname_1 \nFROM "
	 "users AS users_1, users AS users_2 \nWHERE users_1.name > "
	 "users_2.name ORDER BY users_1.name",
	 NULL, NULL, NULL},
	{"subquery_from", b_subquery_from,
	 "SELECT users.name \nFROM users, (SELECT users.id AS id, users.name "
	 "AS name, users.fullname AS fullname \nFROM users, addresses AS "
	 "addresses_1, addresses AS addresses_2 \nWHERE users.id = "
	 "addresses_1.user_id AND users.id = addresses_2.user_id AND "
	 "addresses_1.email_address = ? AND addresses_2.email_address = ?) AS "
	 "anon_1 \nWHERE users.id = anon_1.id",
	 NULL, NULL, "email_address_1 email_address_2"},
	{"subquery_named", b_subquery_named,
	 "SELECT users.name, counts.n \nFROM users LEFT OUTER JOIN (SELECT "
	 "addresses.user_id AS user_id, count(addresses.id) AS n \nFROM "
	 "addresses GROUP BY addresses.user_id) AS counts ON users.id = "
	 "counts.user_id",
	 NULL, NULL, NULL},
	{"subquery_select_all", b_subquery_select_all,
	 "SELECT anon_1.id, anon_1.name \nFROM (SELECT users.id AS id, "
	 "users.name AS name \nFROM users) AS anon_1",
	 NULL, NULL, NULL},
	{"subquery_dup_names", b_subquery_dup_names,
	 "SELECT anon_1.id_1 \nFROM (SELECT users.id AS id, addresses.id AS "
	 "id_1 \nFROM users, addresses) AS anon_1",
	 NULL, NULL, NULL},
	{"subquery_anon_column", b_subquery_anon_column,
	 "SELECT anon_1.count_1 \nFROM (SELECT count(users.id) AS count_1 "
	 "\nFROM users) AS anon_1",
	 NULL, NULL, NULL},
	{"scalar", b_scalar,
	 "SELECT users.name, (SELECT count(addresses.id) AS count_1 \nFROM "
	 "addresses \nWHERE users.id = addresses.user_id) AS anon_1 \nFROM "
	 "users",
	 NULL, NULL, NULL},
	{"scalar_label", b_scalar_label,
	 "SELECT users.name, (SELECT count(addresses.id) AS count_1 \nFROM "
	 "addresses \nWHERE users.id = addresses.user_id) AS address_count "
	 "\nFROM users",
	 NULL, NULL, NULL},
	{"correlated_where", b_correlated_where,
	 "SELECT users.name \nFROM users \nWHERE users.id = (SELECT "
	 "addresses.user_id \nFROM addresses \nWHERE addresses.user_id = "
	 "users.id AND addresses.email_address = ?)",
	 NULL, NULL, "email_address_1"},
	{"correlate_explicit", b_correlate_explicit,
	 "SELECT users.name, addresses.email_address \nFROM users JOIN "
	 "addresses ON users.id = addresses.user_id \nWHERE users.id = (SELECT "
	 "users.id \nFROM users \nWHERE users.id = addresses.user_id AND "
	 "users.name = ?)",
	 NULL, NULL, "name_1"},
	{"correlate_none", b_correlate_none,
	 "SELECT users.name \nFROM users \nWHERE users.id = (SELECT users.id "
	 "\nFROM users \nWHERE users.name = ?)",
	 NULL, NULL, "name_1"},
	{"correlate_except", b_correlate_except,
	 "SELECT users.name, addresses.email_address \nFROM users JOIN "
	 "addresses ON users.id = addresses.user_id \nWHERE users.id = (SELECT "
	 "users.id \nFROM users \nWHERE users.id = addresses.user_id AND "
	 "users.name = ?)",
	 NULL, NULL, "name_1"},
	{"no_autocorrelate_single", b_no_autocorrelate_single,
	 "SELECT users.name \nFROM users \nWHERE users.id = (SELECT users.id "
	 "\nFROM users \nWHERE users.name = ?)",
	 NULL, NULL, "name_1"},
	{"exists_where", b_exists_where,
	 "SELECT users.name \nFROM users \nWHERE EXISTS (SELECT addresses.id "
	 "\nFROM addresses \nWHERE addresses.user_id = users.id)",
	 NULL, NULL, NULL},
	{"not_exists_where", b_not_exists_where,
	 "SELECT users.name \nFROM users \nWHERE NOT (EXISTS (SELECT "
	 "addresses.id \nFROM addresses \nWHERE addresses.user_id = users.id))",
	 NULL, NULL, NULL},
	{"select_exists", b_select_exists,
	 "SELECT EXISTS (SELECT users.id \nFROM users \nWHERE users.name = ?) "
	 "AS anon_1",
	 NULL, NULL, "name_1"},
	{"in_correlated", b_in_correlated,
	 "SELECT users.name \nFROM users \nWHERE users.id IN (SELECT "
	 "addresses.user_id \nFROM addresses \nWHERE addresses.email_address "
	 "LIKE ?)",
	 NULL, NULL, "email_address_1"},
	{"join_inferred", b_join_inferred,
	 "users JOIN addresses ON users.id = addresses.user_id", NULL, NULL,
	 NULL},
	{"join_reverse", b_join_reverse,
	 "addresses JOIN users ON users.id = addresses.user_id", NULL, NULL,
	 NULL},
	{"join_explicit", b_join_explicit,
	 "users JOIN addresses ON addresses.email_address LIKE users.name || ?",
	 NULL,
	 "users JOIN addresses ON addresses.email_address LIKE "
	 "concat(users.name, ?)",
	 "name_1"},
	{"join_select", b_join_select,
	 "SELECT users.fullname \nFROM users JOIN addresses ON "
	 "addresses.email_address LIKE users.name || ?",
	 NULL,
	 "SELECT users.fullname \nFROM users JOIN addresses ON "
	 "addresses.email_address LIKE concat(users.name, ?)",
	 "name_1"},
	{"outerjoin", b_outerjoin,
	 "SELECT users.fullname \nFROM users LEFT OUTER JOIN addresses ON "
	 "users.id = addresses.user_id",
	 NULL, NULL, NULL},
	{"full_join", b_full_join,
	 "SELECT users.fullname \nFROM users FULL OUTER JOIN addresses ON "
	 "users.id = addresses.user_id",
	 NULL, "!ENOTSUP", NULL},
	{"join_three", b_join_three,
	 "SELECT users.name, \"order\".id \nFROM users JOIN addresses ON "
	 "users.id = addresses.user_id JOIN \"order\" ON users.id = "
	 "\"order\".user_id",
	 NULL,
	 "SELECT users.name, `order`.id \nFROM users JOIN addresses ON "
	 "users.id = addresses.user_id JOIN `order` ON users.id = "
	 "`order`.user_id",
	 NULL},
	{"join_nested", b_join_nested,
	 "SELECT users.name, \"order\".id \nFROM users JOIN (addresses JOIN "
	 "\"order\" ON addresses.user_id = \"order\".user_id) ON users.id = "
	 "addresses.user_id",
	 NULL,
	 "SELECT users.name, `order`.id \nFROM users JOIN (addresses JOIN "
	 "`order` ON addresses.user_id = `order`.user_id) ON users.id = "
	 "addresses.user_id",
	 NULL},
	{"join_alias", b_join_alias,
	 "SELECT users.name, addresses_1.email_address \nFROM users JOIN "
	 "addresses AS addresses_1 ON users.id = addresses_1.user_id",
	 NULL, NULL, NULL},
	{"join_no_fk", b_join_no_fk, "!EINVAL", "!EINVAL", "!EINVAL", NULL},
	{"join_hides_tables", b_join_hides_tables,
	 "SELECT users.name, addresses.email_address \nFROM users JOIN "
	 "addresses ON users.id = addresses.user_id \nWHERE users.name = ?",
	 NULL, NULL, "name_1"},
	{"bindparam_outerjoin", b_bindparam_outerjoin,
	 "SELECT users.id, users.name, users.fullname, addresses.id AS id_1, "
	 "addresses.user_id, addresses.email_address \nFROM users LEFT OUTER "
	 "JOIN addresses ON users.id = addresses.user_id \nWHERE users.name "
	 "LIKE ? || '%' OR addresses.email_address LIKE ? || '@%' ORDER BY "
	 "addresses.id",
	 "SELECT users.id, users.name, users.fullname, addresses.id AS id_1, "
	 "addresses.user_id, addresses.email_address \nFROM users LEFT OUTER "
	 "JOIN addresses ON users.id = addresses.user_id \nWHERE users.name "
	 "LIKE $1 || '%' OR addresses.email_address LIKE $1 || '@%' ORDER BY "
	 "addresses.id",
	 "SELECT users.id, users.name, users.fullname, addresses.id AS id_1, "
	 "addresses.user_id, addresses.email_address \nFROM users LEFT OUTER "
	 "JOIN addresses ON users.id = addresses.user_id \nWHERE users.name "
	 "LIKE concat(?, '%') OR addresses.email_address LIKE concat(?, '@%') "
	 "ORDER BY addresses.id",
	 "name name"},
	{"schema_select", b_schema_select,
	 "SELECT finance.accounts.id, finance.accounts.balance \nFROM "
	 "finance.accounts \nWHERE finance.accounts.balance > ?",
	 NULL, NULL, "balance_1"},
	{"quoted_select", b_quoted_select,
	 "SELECT \"order\".id, \"order\".\"select\", \"order\".\"MixedCase\", "
	 "\"order\".user_id \nFROM \"order\" ORDER BY \"order\".\"select\"",
	 NULL,
	 "SELECT `order`.id, `order`.`select`, `order`.`MixedCase`, "
	 "`order`.user_id \nFROM `order` ORDER BY `order`.`select`",
	 NULL},
	{"union", b_union,
	 "SELECT addresses.id, addresses.user_id, addresses.email_address "
	 "\nFROM addresses \nWHERE addresses.email_address = ? UNION SELECT "
	 "addresses.id, addresses.user_id, addresses.email_address \nFROM "
	 "addresses \nWHERE addresses.email_address LIKE ? ORDER BY "
	 "email_address",
	 NULL, NULL, "email_address_1 email_address_2"},
	{"union_all", b_union_all,
	 "SELECT users.id \nFROM users UNION ALL SELECT addresses.user_id "
	 "\nFROM addresses",
	 NULL, NULL, NULL},
	{"except", b_except,
	 "SELECT addresses.id, addresses.user_id, addresses.email_address "
	 "\nFROM addresses \nWHERE addresses.email_address LIKE ? EXCEPT "
	 "SELECT addresses.id, addresses.user_id, addresses.email_address "
	 "\nFROM addresses \nWHERE addresses.email_address LIKE ?",
	 NULL, NULL, "email_address_1 email_address_2"},
	{"intersect", b_intersect,
	 "SELECT users.id \nFROM users INTERSECT SELECT addresses.user_id "
	 "\nFROM addresses",
	 NULL, NULL, NULL},
	{"intersect_all", b_intersect_all, "!ENOTSUP",
	 "SELECT users.id \nFROM users INTERSECT ALL SELECT addresses.user_id "
	 "\nFROM addresses",
	 "SELECT users.id \nFROM users INTERSECT ALL SELECT addresses.user_id "
	 "\nFROM addresses",
	 NULL},
	{"except_all", b_except_all, "!ENOTSUP",
	 "SELECT users.id \nFROM users EXCEPT ALL SELECT addresses.user_id "
	 "\nFROM addresses",
	 "SELECT users.id \nFROM users EXCEPT ALL SELECT addresses.user_id "
	 "\nFROM addresses",
	 NULL},
	{"union_limit", b_union_limit,
	 "SELECT users.id \nFROM users UNION SELECT addresses.user_id \nFROM "
	 "addresses ORDER BY id\n LIMIT ? OFFSET ?",
	 "SELECT users.id \nFROM users UNION SELECT addresses.user_id \nFROM "
	 "addresses ORDER BY id \n LIMIT $1",
	 "SELECT users.id \nFROM users UNION SELECT addresses.user_id \nFROM "
	 "addresses ORDER BY id \n LIMIT ?",
	 "param_1 param_2"},
	{"union_three", b_union_three,
	 "SELECT users.id \nFROM users UNION SELECT addresses.id \nFROM "
	 "addresses UNION SELECT \"order\".id \nFROM \"order\"",
	 NULL,
	 "SELECT users.id \nFROM users UNION SELECT addresses.id \nFROM "
	 "addresses UNION SELECT `order`.id \nFROM `order`",
	 NULL},
	{"union_nested", b_union_nested,
	 "(SELECT users.id \nFROM users UNION SELECT addresses.user_id \nFROM "
	 "addresses) EXCEPT SELECT \"order\".user_id \nFROM \"order\"",
	 NULL,
	 "(SELECT users.id \nFROM users UNION SELECT addresses.user_id \nFROM "
	 "addresses) EXCEPT SELECT `order`.user_id \nFROM `order`",
	 NULL},
	{"union_subquery", b_union_subquery,
	 "SELECT anon_1.id, anon_1.user_id, anon_1.email_address \nFROM "
	 "(SELECT addresses.id AS id, addresses.user_id AS user_id, "
	 "addresses.email_address AS email_address \nFROM addresses \nWHERE "
	 "addresses.email_address LIKE ? UNION SELECT addresses.id AS id, "
	 "addresses.user_id AS user_id, addresses.email_address AS "
	 "email_address \nFROM addresses \nWHERE addresses.email_address LIKE "
	 "?) AS anon_1 EXCEPT SELECT addresses.id, addresses.user_id, "
	 "addresses.email_address \nFROM addresses \nWHERE "
	 "addresses.email_address LIKE ?",
	 NULL, NULL, "email_address_1 email_address_2 email_address_3"},
	{"union_mismatch", b_union_mismatch, "!ECOMPILE", "!ECOMPILE",
	 "!ECOMPILE", NULL},
	{"cte", b_cte,
	 "WITH counts AS \n(SELECT addresses.user_id AS user_id, "
	 "count(addresses.id) AS n \nFROM addresses GROUP BY "
	 "addresses.user_id)\n SELECT users.name, counts.n \nFROM users, "
	 "counts \nWHERE users.id = counts.user_id",
	 NULL, NULL, NULL},
	{"cte_anon", b_cte_anon,
	 "WITH anon_1 AS \n(SELECT users.id AS id \nFROM users \nWHERE "
	 "users.id > ?)\n SELECT anon_1.id \nFROM anon_1",
	 NULL, NULL, "id_1"},
	{"cte_two", b_cte_two,
	 "WITH a AS \n(SELECT users.id AS id \nFROM users \nWHERE users.name = "
	 "?), \nb AS \n(SELECT a.id AS id \nFROM a \nWHERE a.id > ?)\n SELECT "
	 "b.id \nFROM b \nWHERE b.id < ?",
	 NULL, NULL, "name_1 id_1 id_2"},
	{"cte_recursive", b_cte_recursive,
	 "WITH RECURSIVE included_parts(sub_part, part, quantity) AS \n(SELECT "
	 "parts.sub_part AS sub_part, parts.part AS part, parts.quantity AS "
	 "quantity \nFROM parts \nWHERE parts.part = ? UNION ALL SELECT "
	 "parts_1.sub_part AS sub_part, parts_1.part AS part, parts_1.quantity "
	 "AS quantity \nFROM parts AS parts_1, included_parts AS "
	 "included_parts_1 \nWHERE parts_1.part = included_parts_1.sub_part)\n "
	 "SELECT included_parts.sub_part, sum(included_parts.quantity) AS "
	 "total_quantity \nFROM included_parts GROUP BY "
	 "included_parts.sub_part",
	 NULL, NULL, "part_1"},
	{"cte_in_where", b_cte_in_where,
	 "WITH aol AS \n(SELECT addresses.user_id AS user_id \nFROM addresses "
	 "\nWHERE addresses.email_address LIKE ?)\n SELECT users.name \nFROM "
	 "users \nWHERE users.id IN (SELECT aol.user_id \nFROM aol)",
	 NULL, NULL, "email_address_1"},
	{"window_select", b_window_select,
	 "SELECT users.id, row_number() OVER (ORDER BY users.name) AS anon_1 "
	 "\nFROM users",
	 NULL, NULL, NULL},
	{"window_label", b_window_label,
	 "SELECT addresses.email_address, row_number() OVER (PARTITION BY "
	 "addresses.user_id ORDER BY addresses.email_address) AS rn \nFROM "
	 "addresses",
	 NULL, NULL, NULL},
	{"cast_column", b_cast_column,
	 "SELECT CAST(users.id AS VARCHAR) AS anon_1 \nFROM users", NULL,
	 "SELECT CAST(users.id AS CHAR) AS anon_1 \nFROM users", NULL},
	{"case_column", b_case_column,
	 "SELECT CASE WHEN (users.name = ?) THEN ? ELSE ? END AS anon_1 \nFROM "
	 "users",
	 NULL, NULL, "name_1 param_1 param_2"},
	{"tuple_in_select", b_tuple_in_select,
	 "SELECT parts.part \nFROM parts \nWHERE (parts.part, parts.sub_part) "
	 "IN (VALUES (?, ?))",
	 "SELECT parts.part \nFROM parts \nWHERE (parts.part, parts.sub_part) "
	 "IN (($1, $2))",
	 "SELECT parts.part \nFROM parts \nWHERE (parts.part, parts.sub_part) "
	 "IN ((?, ?))",
	 "param_1_1_1 param_1_1_2"},
	{"no_columns", b_no_columns, "!ECOMPILE", "!ECOMPILE", "!ECOMPILE",
	 NULL},
	{"star_from", b_star_from, "SELECT * \nFROM users", NULL, NULL, NULL},
	{"count_star_select", b_count_star_select,
	 "SELECT count(*) AS count_1 \nFROM users", NULL, NULL, NULL},
	{"generative_copy", b_generative_copy,
	 "SELECT users.id \nFROM users \nWHERE users.name = ?", NULL, NULL,
	 "name_1"},
	{"column_expr_mix", b_column_expr_mix,
	 "SELECT users.name, users.id + ? AS shifted, upper(users.fullname) AS "
	 "upper_1 \nFROM users",
	 NULL, NULL, "id_1"},
	{"offset_only_limit_param", b_offset_only_limit_param,
	 "SELECT users.id \nFROM users ORDER BY users.id\n LIMIT ? OFFSET ?",
	 "SELECT users.id \nFROM users ORDER BY users.id \n LIMIT $1 OFFSET $2",
	 "SELECT users.id \nFROM users ORDER BY users.id \n LIMIT ?, ?",
	 "param_1 param_2"},
	{"adapt_onto_subquery", b_adapt_onto_subquery,
	 "SELECT anon_1.id \nFROM (SELECT users.id AS id, users.name AS name, "
	 "users.fullname AS fullname \nFROM users) AS anon_1 \nWHERE "
	 "anon_1.name = ? AND lower(anon_1.fullname) LIKE ? ORDER BY anon_1.id",
	 NULL, NULL, "name_1 param_1"},
	{"adapt_missing_column", b_adapt_missing_column, "!ECOLUMN", NULL, NULL,
	 NULL},
	{"for_update_of", b_for_update_of,
	 "SELECT users.name, a.email_address \nFROM users, addresses AS a "
	 "\nWHERE users.id = a.user_id",
	 "SELECT users.name, a.email_address \nFROM users, addresses AS a "
	 "\nWHERE users.id = a.user_id FOR UPDATE OF users, a NOWAIT",
	 "SELECT users.name, a.email_address \nFROM users, addresses AS a "
	 "\nWHERE users.id = a.user_id FOR UPDATE OF users, a NOWAIT",
	 NULL},
	{"for_update_of_anon", b_for_update_of_anon,
	 "SELECT addresses_1.email_address \nFROM addresses AS addresses_1",
	 "SELECT addresses_1.email_address \nFROM addresses AS addresses_1 FOR "
	 "UPDATE OF addresses_1",
	 "SELECT addresses_1.email_address \nFROM addresses AS addresses_1 FOR "
	 "UPDATE OF addresses_1",
	 NULL},
	{"for_update_of_bad", b_for_update_of_bad, "!EINVAL", NULL, NULL, NULL},
	/* END GOLDEN */
};

QR_GOLDEN_MAIN("compile_select", cases)
