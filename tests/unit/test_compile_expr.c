/*
 * test_compile_expr.c - golden SQL of column expressions: comparisons,
 * operators and precedence, LIKE/IN/BETWEEN, conjunctions, functions,
 * CASE, CAST, labels, window functions, quoting, bind naming.
 */
#include "golden.h"

static qr_stmt *b_eq_columns(void)
{
	return qr_eq(C(users, "id"), C(addresses, "user_id"));
}
static qr_stmt *b_eq_literal(void)
{
	return qr_eq(C(users, "id"), INT(7));
}
static qr_stmt *b_ne_literal(void)
{
	return qr_ne(C(users, "id"), INT(7));
}
static qr_stmt *b_eq_null(void)
{
	return qr_eq(C(users, "name"), qr_null());
}
static qr_stmt *b_ne_null(void)
{
	return qr_ne(C(users, "name"), qr_null());
}
static qr_stmt *b_null_eq(void)
{
	return qr_eq(qr_null(), C(users, "name"));
}
static qr_stmt *b_is_null(void)
{
	return qr_is_null(C(users, "name"));
}
static qr_stmt *b_is_not_null(void)
{
	return qr_is_not_null(C(users, "name"));
}
static qr_stmt *b_lt(void)
{
	return qr_lt(C(users, "name"), TXT("fred"));
}
static qr_stmt *b_le(void)
{
	return qr_le(C(users, "id"), INT(5));
}
static qr_stmt *b_gt(void)
{
	return qr_gt(C(users, "id"), INT(5));
}
static qr_stmt *b_ge(void)
{
	return qr_ge(C(users, "id"), INT(5));
}
static qr_stmt *b_bind_left(void)
{
	return qr_gt(TXT("fred"), C(users, "name"));
}
static qr_stmt *b_add_int(void)
{
	return qr_add(C(users, "id"), C(addresses, "id"));
}
static qr_stmt *b_add_str(void)
{
	return qr_add(C(users, "name"), C(users, "fullname"));
}
static qr_stmt *b_concat_three(void)
{
	return qr_add(qr_add(C(users, "fullname"), TXT(", ")),
		      C(addresses, "email_address"));
}
static qr_stmt *b_arith_prec(void)
{
	return qr_mul(qr_add(C(users, "id"), INT(1)), INT(2));
}
static qr_stmt *b_arith_prec2(void)
{
	return qr_add(qr_mul(C(users, "id"), INT(2)), INT(1));
}
static qr_stmt *b_sub_nested(void)
{
	return qr_sub(C(users, "id"), qr_sub(C(addresses, "id"), INT(1)));
}
static qr_stmt *b_sub_left(void)
{
	return qr_sub(qr_sub(C(users, "id"), INT(1)), INT(2));
}
static qr_stmt *b_add_assoc(void)
{
	return qr_add(qr_add(C(users, "id"), INT(1)), INT(2));
}
static qr_stmt *b_div_mod(void)
{
	return qr_mod(qr_div(C(users, "id"), INT(3)), INT(2));
}
static qr_stmt *b_neg(void)
{
	return qr_neg(C(users, "id"));
}
static qr_stmt *b_neg_sum(void)
{
	return qr_neg(qr_add(C(users, "id"), INT(1)));
}
static qr_stmt *b_custom_op(void)
{
	return qr_op(C(users, "name"), "tiddlywinks", TXT("foo"));
}
static qr_stmt *b_bitand(void)
{
	return qr_eq(qr_op(C(users, "id"), "&", INT(255)), INT(1));
}
static qr_stmt *b_like(void)
{
	return qr_like(C(users, "name"), TXT("j%"));
}
static qr_stmt *b_not_like(void)
{
	return qr_not_like(C(users, "name"), TXT("j%"));
}
static qr_stmt *b_like_escape(void)
{
	return qr_escape(qr_like(C(users, "name"), TXT("10/%%")), '/');
}
static qr_stmt *b_ilike(void)
{
	return qr_ilike(C(users, "name"), TXT("J%"));
}
static qr_stmt *b_not_ilike(void)
{
	return qr_not_ilike(C(users, "name"), TXT("J%"));
}
static qr_stmt *b_like_concat(void)
{
	return qr_like(C(addresses, "email_address"),
		       qr_add(C(users, "name"), TXT("%")));
}
static qr_stmt *b_contains(void)
{
	return qr_contains(C(addresses, "email_address"), C(users, "name"));
}
static qr_stmt *b_contains_bind(void)
{
	return qr_contains(C(users, "name"), TXT("ac"));
}
static qr_stmt *b_startswith(void)
{
	return qr_startswith(C(users, "name"), TXT("ja"));
}
static qr_stmt *b_endswith(void)
{
	return qr_endswith(C(users, "name"), TXT("ck"));
}
static qr_stmt *b_in_list(void)
{
	return qr_in(C(users, "id"), qr_list(INT(1), INT(2), INT(3)));
}
static qr_stmt *b_in_texts(void)
{
	const char *names[] = {"ed", "wendy"};
	return qr_in_texts(C(users, "name"), names, 2);
}
static qr_stmt *b_not_in_list(void)
{
	return qr_not_in(C(users, "id"), qr_list(INT(1), INT(2)));
}
static qr_stmt *b_in_empty(void)
{
	return qr_in(C(users, "id"), qr_list_empty());
}
static qr_stmt *b_not_in_empty(void)
{
	return qr_not_in(C(users, "id"), qr_list_empty());
}
static qr_stmt *b_in_subquery(void)
{
	return qr_in(C(users, "id"),
		     qr_select(C(addresses, "user_id"),
			       qr_where(qr_like(C(addresses, "email_address"),
						TXT("%@aol.com")))));
}
static qr_stmt *b_in_tuple(void)
{
	return qr_in(qr_tuple(C(parts, "part"), C(parts, "sub_part")),
		     qr_list(qr_tuple(TXT("a"), TXT("b")),
			     qr_tuple(TXT("c"), TXT("d"))));
}
static qr_stmt *b_in_expanding(void)
{
	return qr_in(C(users, "id"), qr_param_expanding("ids"));
}
static qr_stmt *b_not_in_expanding(void)
{
	return qr_not_in(C(users, "name"), qr_param_expanding("names"));
}
static qr_stmt *b_param_then_expanding(void)
{
	return qr_and(qr_eq(C(users, "name"), qr_param("n")),
		      qr_in(C(users, "id"), qr_param_expanding("ids")));
}
static qr_stmt *b_not_of_in(void)
{
	return qr_not(qr_in(C(users, "id"), qr_list(INT(1))));
}
static qr_stmt *b_between(void)
{
	return qr_between(C(users, "name"), TXT("m"), TXT("z"));
}
static qr_stmt *b_not_between(void)
{
	return qr_not_between(C(users, "id"), INT(1), INT(5));
}
static qr_stmt *b_and(void)
{
	return qr_and(qr_like(C(users, "name"), TXT("j%")),
		      qr_eq(C(users, "id"), C(addresses, "user_id")),
		      qr_or(qr_eq(C(addresses, "email_address"),
				  TXT("wendy@aol.com")),
			    qr_eq(C(addresses, "email_address"),
				  TXT("jack@yahoo.com"))),
		      qr_not(qr_gt(C(users, "id"), INT(5))));
}
static qr_stmt *b_or_of_and(void)
{
	return qr_or(qr_and(qr_eq(C(users, "id"), INT(1)),
			    qr_eq(C(users, "name"), TXT("a"))),
		     qr_eq(C(users, "id"), INT(2)));
}
static qr_stmt *b_and_single(void)
{
	return qr_and(qr_eq(C(users, "id"), INT(1)));
}
static qr_stmt *b_not_and(void)
{
	return qr_not(qr_and(qr_eq(C(users, "id"), INT(1)),
			     qr_eq(C(users, "name"), TXT("a"))));
}
static qr_stmt *b_not_eq(void)
{
	return qr_not(qr_eq(C(users, "name"), TXT("x")));
}
static qr_stmt *b_not_like_neg(void)
{
	return qr_not(qr_like(C(users, "name"), TXT("x%")));
}
static qr_stmt *b_not_is_null(void)
{
	return qr_not(qr_is_null(C(users, "name")));
}
static qr_stmt *b_not_not(void)
{
	return qr_not(qr_not(qr_eq(C(things, "flag"), qr_true())));
}
static qr_stmt *b_not_bool_col(void)
{
	return qr_not(C(things, "flag"));
}
static qr_stmt *b_and_bool_col(void)
{
	return qr_and(C(things, "flag"), qr_gt(C(things, "id"), INT(3)));
}
static qr_stmt *b_true_false(void)
{
	return qr_or(qr_eq(C(things, "flag"), qr_true()),
		     qr_eq(C(things, "flag"), qr_false()));
}
static qr_stmt *b_distinct_from(void)
{
	return qr_is_distinct_from(C(users, "name"), TXT("x"));
}
static qr_stmt *b_not_distinct_from(void)
{
	return qr_is_not_distinct_from(C(users, "name"), TXT("x"));
}
static qr_stmt *b_func_now(void)
{
	return qr_now();
}
static qr_stmt *b_func_concat(void)
{
	return qr_func("concat", TXT("x"), TXT("y"));
}
static qr_stmt *b_func_generic(void)
{
	return qr_func("xyz_my_goofy_function");
}
static qr_stmt *b_func_current_timestamp(void)
{
	return qr_func("current_timestamp");
}
static qr_stmt *b_func_count_star(void)
{
	return qr_count_star();
}
static qr_stmt *b_func_count_distinct(void)
{
	return qr_count(qr_distinct(C(users, "name")));
}
static qr_stmt *b_func_coalesce(void)
{
	return qr_coalesce(C(users, "name"), TXT("anonymous"));
}
static qr_stmt *b_func_compare(void)
{
	return qr_gt(qr_length(C(users, "name")), INT(4));
}
static qr_stmt *b_func_nested(void)
{
	return qr_upper(qr_lower(C(users, "name")));
}
static qr_stmt *b_func_dotted(void)
{
	return qr_func("pg_catalog.lower", C(users, "name"));
}
static qr_stmt *b_func_quoted(void)
{
	return qr_func("my func", C(users, "id"));
}
static qr_stmt *b_func_filter(void)
{
	return qr_func_filter(qr_count(C(users, "id")),
			      qr_gt(C(users, "id"), INT(3)));
}
static qr_stmt *b_func_char_length(void)
{
	return qr_func("char_length", C(users, "name"));
}
static qr_stmt *b_over_order(void)
{
	return qr_over(qr_func("row_number"), qr_order_by(C(users, "name")));
}
static qr_stmt *b_over_partition(void)
{
	return qr_over(qr_func("rank"),
		       qr_partition_by(C(addresses, "user_id")),
		       qr_order_by(qr_desc(C(addresses, "id"))));
}
static qr_stmt *b_over_rows(void)
{
	return qr_over(qr_func("row_number"), qr_order_by(C(users, "name")),
		       qr_rows(-2, QR_UNBOUNDED));
}
static qr_stmt *b_over_range(void)
{
	return qr_over(qr_sum(C(users, "id")), qr_order_by(C(users, "id")),
		       qr_range(QR_UNBOUNDED, 0));
}
static qr_stmt *b_over_rows_following(void)
{
	return qr_over(qr_sum(C(users, "id")), qr_rows(0, 3));
}
static qr_stmt *b_over_empty(void)
{
	return qr_over(qr_count_star());
}
static qr_stmt *b_case(void)
{
	return qr_case(qr_when(qr_eq(C(users, "name"), TXT("wendy")), TXT("W")),
		       qr_when(qr_eq(C(users, "name"), TXT("jack")), TXT("J")),
		       qr_else(TXT("E")));
}
static qr_stmt *b_case_value(void)
{
	return qr_case_value(C(users, "name"), qr_when(TXT("wendy"), INT(1)),
			     qr_else(INT(0)));
}
static qr_stmt *b_case_no_else(void)
{
	return qr_case(
		qr_when(qr_gt(C(users, "id"), INT(1)), C(users, "name")));
}
static qr_stmt *b_cast_string(void)
{
	return qr_cast(C(users, "id"), QR_STRING);
}
static qr_stmt *b_cast_varchar(void)
{
	return qr_cast(C(users, "id"), qr_string(20));
}
static qr_stmt *b_cast_int(void)
{
	return qr_cast(C(users, "name"), QR_INTEGER);
}
static qr_stmt *b_cast_numeric(void)
{
	return qr_cast(C(things, "ratio"), qr_numeric(10, 2));
}
static qr_stmt *b_cast_datetime(void)
{
	return qr_cast(C(things, "body"), QR_DATETIME);
}
static qr_stmt *b_cast_bool(void)
{
	return qr_cast(C(things, "small"), QR_BOOLEAN);
}
static qr_stmt *b_cast_bind(void)
{
	return qr_cast(INT(5), QR_STRING);
}
static qr_stmt *b_coerce(void)
{
	return qr_eq(qr_type_coerce(C(things, "body"), QR_DATETIME),
		     qr_bind_value(qr_val_text("2024-01-01")));
}
static qr_stmt *b_label(void)
{
	return qr_label(C(users, "name"), "n");
}
static qr_stmt *b_quote_reserved(void)
{
	return qr_eq(C(orders, "select"), INT(1));
}
static qr_stmt *b_quote_mixed(void)
{
	return qr_eq(C(orders, "MixedCase"), TXT("x"));
}
static qr_stmt *b_schema_column(void)
{
	return qr_gt(C(accounts, "balance"), INT(0));
}
static qr_stmt *b_column_ref(void)
{
	return qr_eq(qr_column_ref("q"), qr_column_ref("Z"));
}
static qr_stmt *b_literal_column(void)
{
	return qr_add(qr_literal_column("users.fullname", QR_STRING),
		      TXT(", "));
}
static qr_stmt *b_text_fragment(void)
{
	return qr_and(qr_text("users.id = addresses.user_id"),
		      qr_text("users.name BETWEEN 'm' AND 'z'"));
}
static qr_stmt *b_text_param(void)
{
	return qr_or(qr_text("users.name LIKE :x"),
		     qr_eq(C(users, "id"), qr_param("y")));
}
static qr_stmt *b_named_param(void)
{
	return qr_eq(C(users, "name"), qr_param("username"));
}
static qr_stmt *b_named_param_twice(void)
{
	return qr_or(qr_like(C(users, "name"),
			     qr_add(qr_param_typed("name", QR_STRING),
				    qr_text("'%'"))),
		     qr_like(C(addresses, "email_address"),
			     qr_add(qr_param_typed("name", QR_STRING),
				    qr_text("'@%'"))));
}
static qr_stmt *b_tuple_eq(void)
{
	return qr_eq(qr_tuple(C(users, "id"), C(users, "name")),
		     qr_tuple(INT(1), TXT("x")));
}
static qr_stmt *b_exists(void)
{
	return qr_exists(qr_select(
		qr_star(),
		qr_where(qr_eq(C(addresses, "user_id"), C(users, "id")))));
}
static qr_stmt *b_not_exists(void)
{
	return qr_not(qr_exists(qr_select(C(addresses, "id"))));
}
static qr_stmt *b_asc_desc(void)
{
	return qr_list(qr_asc(C(users, "id")), qr_desc(C(users, "name")));
}
static qr_stmt *b_nulls_first(void)
{
	return qr_nulls_first(qr_desc(C(users, "name")));
}
static qr_stmt *b_nulls_last(void)
{
	return qr_nulls_last(C(users, "name"));
}
static qr_stmt *b_bool_op(void)
{
	return qr_and(qr_bool_op(C(things, "doc"), "@>", TXT("{}")),
		      qr_eq(C(things, "id"), INT(1)));
}
static qr_stmt *b_fromcol_alias(void)
{
	qr_expr *a = qr_alias(users, "u");
	qr_expr *e = qr_eq(C(a, "id"), INT(1));
	qr_expr_free(a);
	return e;
}

static const qr_golden cases[] = {
	/* BEGIN GOLDEN */
	{"eq_columns", b_eq_columns, "users.id = addresses.user_id", NULL, NULL,
	 NULL},
	{"eq_literal", b_eq_literal, "users.id = ?", NULL, NULL, "id_1"},
	{"ne_literal", b_ne_literal, "users.id != ?", NULL, NULL, "id_1"},
	{"eq_null", b_eq_null, "users.name IS NULL", NULL, NULL, NULL},
	{"ne_null", b_ne_null, "users.name IS NOT NULL", NULL, NULL, NULL},
	{"null_eq", b_null_eq, "users.name IS NULL", NULL, NULL, NULL},
	{"is_null", b_is_null, "users.name IS NULL", NULL, NULL, NULL},
	{"is_not_null", b_is_not_null, "users.name IS NOT NULL", NULL, NULL,
	 NULL},
	{"lt", b_lt, "users.name < ?", NULL, NULL, "name_1"},
	{"le", b_le, "users.id <= ?", NULL, NULL, "id_1"},
	{"gt", b_gt, "users.id > ?", NULL, NULL, "id_1"},
	{"ge", b_ge, "users.id >= ?", NULL, NULL, "id_1"},
	{"bind_left", b_bind_left, "? > users.name", NULL, NULL, "name_1"},
	{"add_int", b_add_int, "users.id + addresses.id", NULL, NULL, NULL},
	{"add_str", b_add_str, "users.name || users.fullname", NULL,
	 "concat(users.name, users.fullname)", NULL},
	{"concat_three", b_concat_three,
	 "users.fullname || ? || addresses.email_address", NULL,
	 "concat(concat(users.fullname, ?), addresses.email_address)",
	 "fullname_1"},
	{"arith_prec", b_arith_prec, "(users.id + ?) * ?", NULL, NULL,
	 "id_1 param_1"},
	{"arith_prec2", b_arith_prec2, "users.id * ? + ?", NULL, NULL,
	 "id_1 param_1"},
	{"sub_nested", b_sub_nested, "users.id - (addresses.id - ?)", NULL,
	 NULL, "id_1"},
	{"sub_left", b_sub_left, "(users.id - ?) - ?", NULL, NULL,
	 "id_1 param_1"},
	{"add_assoc", b_add_assoc, "users.id + ? + ?", NULL, NULL,
	 "id_1 param_1"},
	{"div_mod", b_div_mod, "(users.id / ?) % ?", NULL, NULL,
	 "id_1 param_1"},
	{"neg", b_neg, "-users.id", NULL, NULL, NULL},
	{"neg_sum", b_neg_sum, "-(users.id + ?)", NULL, NULL, "id_1"},
	{"custom_op", b_custom_op, "users.name tiddlywinks ?", NULL, NULL,
	 "name_1"},
	{"bitand", b_bitand, "(users.id & ?) = ?", NULL, NULL, "id_1 param_1"},
	{"like", b_like, "users.name LIKE ?", NULL, NULL, "name_1"},
	{"not_like", b_not_like, "users.name NOT LIKE ?", NULL, NULL, "name_1"},
	{"like_escape", b_like_escape, "users.name LIKE ? ESCAPE '/'", NULL,
	 NULL, "name_1"},
	{"ilike", b_ilike, "lower(users.name) LIKE lower(?)",
	 "users.name ILIKE $1", NULL, "name_1"},
	{"not_ilike", b_not_ilike, "lower(users.name) NOT LIKE lower(?)",
	 "users.name NOT ILIKE $1", NULL, "name_1"},
	{"like_concat", b_like_concat,
	 "addresses.email_address LIKE users.name || ?", NULL,
	 "addresses.email_address LIKE concat(users.name, ?)", "name_1"},
	{"contains", b_contains,
	 "addresses.email_address LIKE '%' || users.name || '%'", NULL,
	 "addresses.email_address LIKE concat(concat('%', users.name), '%')",
	 NULL},
	{"contains_bind", b_contains_bind, "users.name LIKE '%' || ? || '%'",
	 NULL, "users.name LIKE concat(concat('%', ?), '%')", "name_1"},
	{"startswith", b_startswith, "users.name LIKE ? || '%'", NULL,
	 "users.name LIKE concat(?, '%')", "name_1"},
	{"endswith", b_endswith, "users.name LIKE '%' || ?", NULL,
	 "users.name LIKE concat('%', ?)", "name_1"},
	{"in_list", b_in_list, "users.id IN (?, ?, ?)", NULL, NULL,
	 "id_1_1 id_1_2 id_1_3"},
	{"in_texts", b_in_texts, "users.name IN (?, ?)", NULL, NULL,
	 "name_1_1 name_1_2"},
	{"not_in_list", b_not_in_list, "(users.id NOT IN (?, ?))", NULL, NULL,
	 "id_1_1 id_1_2"},
	{"in_empty", b_in_empty,
	 "users.id IN (SELECT 1 FROM (SELECT 1) WHERE 1!=1)",
	 "users.id IN (NULL) AND (1 != 1)", "users.id IN (NULL) AND (1 != 1)",
	 NULL},
	{"not_in_empty", b_not_in_empty,
	 "(users.id NOT IN (SELECT 1 FROM (SELECT 1) WHERE 1!=1))",
	 "(users.id NOT IN (NULL) OR (1 = 1))",
	 "(users.id NOT IN (NULL) OR (1 = 1))", NULL},
	{"in_subquery", b_in_subquery,
	 "users.id IN (SELECT addresses.user_id \nFROM addresses \nWHERE "
	 "addresses.email_address LIKE ?)",
	 NULL, NULL, "email_address_1"},
	{"in_tuple", b_in_tuple,
	 "(parts.part, parts.sub_part) IN (VALUES (?, ?), (?, ?))",
	 "(parts.part, parts.sub_part) IN (($1, $2), ($3, $4))",
	 "(parts.part, parts.sub_part) IN ((?, ?), (?, ?))",
	 "param_1_1_1 param_1_1_2 param_1_2_1 param_1_2_2"},
	{"not_of_in", b_not_of_in, "(users.id NOT IN (?))", NULL, NULL,
	 "id_1_1"},
	/* str() of bindparam(expanding=True): expanded at execution */
	{"in_expanding", b_in_expanding, "users.id IN (__[POSTCOMPILE_ids])",
	 NULL, NULL, "ids"},
	{"not_in_expanding", b_not_in_expanding,
	 "(users.name NOT IN (__[POSTCOMPILE_names]))", NULL, NULL, "names"},
	{"param_then_expanding", b_param_then_expanding,
	 "users.name = ? AND users.id IN (__[POSTCOMPILE_ids])",
	 "users.name = $1 AND users.id IN (__[POSTCOMPILE_ids])", NULL,
	 "n ids"},
	{"between", b_between, "users.name BETWEEN ? AND ?", NULL, NULL,
	 "name_1 name_2"},
	{"not_between", b_not_between, "users.id NOT BETWEEN ? AND ?", NULL,
	 NULL, "id_1 id_2"},
	{"and", b_and,
	 "users.name LIKE ? AND users.id = addresses.user_id AND "
	 "(addresses.email_address = ? OR addresses.email_address = ?) AND "
	 "users.id <= ?",
	 NULL, NULL, "name_1 email_address_1 email_address_2 id_1"},
	{"or_of_and", b_or_of_and,
	 "users.id = ? AND users.name = ? OR users.id = ?", NULL, NULL,
	 "id_1 name_1 id_2"},
	{"and_single", b_and_single, "users.id = ?", NULL, NULL, "id_1"},
	{"not_and", b_not_and, "NOT (users.id = ? AND users.name = ?)", NULL,
	 NULL, "id_1 name_1"},
	{"not_eq", b_not_eq, "users.name != ?", NULL, NULL, "name_1"},
	{"not_like_neg", b_not_like_neg, "users.name NOT LIKE ?", NULL, NULL,
	 "name_1"},
	{"not_is_null", b_not_is_null, "users.name IS NOT NULL", NULL, NULL,
	 NULL},
	{"not_not", b_not_not, "things.flag = 1", "things.flag = true",
	 "things.flag = true", NULL},
	{"not_bool_col", b_not_bool_col, "things.flag = 0", "NOT things.flag",
	 NULL, NULL},
	{"and_bool_col", b_and_bool_col, "things.flag = 1 AND things.id > ?",
	 "things.flag AND things.id > $1", NULL, "id_1"},
	{"true_false", b_true_false, "things.flag = 1 OR things.flag = 0",
	 "things.flag = true OR things.flag = false",
	 "things.flag = true OR things.flag = false", NULL},
	{"distinct_from", b_distinct_from, "users.name IS NOT ?",
	 "users.name IS DISTINCT FROM $1", "NOT (users.name <=> ?)", "name_1"},
	{"not_distinct_from", b_not_distinct_from, "users.name IS ?",
	 "users.name IS NOT DISTINCT FROM $1", "users.name <=> ?", "name_1"},
	{"func_now", b_func_now, "CURRENT_TIMESTAMP", "now()", "now()", NULL},
	{"func_concat", b_func_concat, "concat(?, ?)", NULL, NULL,
	 "concat_1 concat_2"},
	{"func_generic", b_func_generic, "xyz_my_goofy_function()", NULL, NULL,
	 NULL},
	{"func_current_timestamp", b_func_current_timestamp,
	 "CURRENT_TIMESTAMP", NULL, NULL, NULL},
	{"func_count_star", b_func_count_star, "count(*)", NULL, NULL, NULL},
	{"func_count_distinct", b_func_count_distinct,
	 "count(DISTINCT users.name)", NULL, NULL, NULL},
	{"func_coalesce", b_func_coalesce, "coalesce(users.name, ?)", NULL,
	 NULL, "coalesce_1"},
	{"func_compare", b_func_compare, "length(users.name) > ?", NULL, NULL,
	 "param_1"},
	{"func_nested", b_func_nested, "upper(lower(users.name))", NULL, NULL,
	 NULL},
	{"func_dotted", b_func_dotted, "pg_catalog.lower(users.name)", NULL,
	 NULL, NULL},
	{"func_quoted", b_func_quoted, "\"my func\"(users.id)", NULL,
	 "`my func`(users.id)", NULL},
	{"func_filter", b_func_filter,
	 "count(users.id) FILTER (WHERE users.id > ?)", NULL, "!ENOTSUP",
	 "id_1"},
	{"func_char_length", b_func_char_length, "length(users.name)",
	 "char_length(users.name)", "char_length(users.name)", NULL},
	{"over_order", b_over_order, "row_number() OVER (ORDER BY users.name)",
	 NULL, NULL, NULL},
	{"over_partition", b_over_partition,
	 "rank() OVER (PARTITION BY addresses.user_id ORDER BY addresses.id "
	 "DESC)",
	 NULL, NULL, NULL},
	{"over_rows", b_over_rows,
	 "row_number() OVER (ORDER BY users.name ROWS BETWEEN ? PRECEDING AND "
	 "UNBOUNDED FOLLOWING)",
	 NULL,
	 "row_number() OVER (ORDER BY users.name ROWS BETWEEN 2 PRECEDING AND "
	 "UNBOUNDED FOLLOWING)",
	 "param_1"},
	{"over_range", b_over_range,
	 "sum(users.id) OVER (ORDER BY users.id RANGE BETWEEN UNBOUNDED "
	 "PRECEDING AND CURRENT ROW)",
	 NULL, NULL, NULL},
	{"over_rows_following", b_over_rows_following,
	 "sum(users.id) OVER (ROWS BETWEEN CURRENT ROW AND ? FOLLOWING)", NULL,
	 "sum(users.id) OVER (ROWS BETWEEN CURRENT ROW AND 3 FOLLOWING)",
	 "param_1"},
	{"over_empty", b_over_empty, "count(*) OVER ()", NULL, NULL, NULL},
	{"case", b_case,
	 "CASE WHEN (users.name = ?) THEN ? WHEN (users.name = ?) THEN ? ELSE "
	 "? END",
	 NULL, NULL, "name_1 param_1 name_2 param_2 param_3"},
	{"case_value", b_case_value, "CASE users.name WHEN ? THEN ? ELSE ? END",
	 NULL, NULL, "param_1 param_2 param_3"},
	{"case_no_else", b_case_no_else,
	 "CASE WHEN (users.id > ?) THEN users.name END", NULL, NULL, "id_1"},
	{"cast_string", b_cast_string, "CAST(users.id AS VARCHAR)", NULL,
	 "CAST(users.id AS CHAR)", NULL},
	{"cast_varchar", b_cast_varchar, "CAST(users.id AS VARCHAR(20))", NULL,
	 "CAST(users.id AS CHAR(20))", NULL},
	{"cast_int", b_cast_int, "CAST(users.name AS INTEGER)", NULL,
	 "CAST(users.name AS SIGNED INTEGER)", NULL},
	{"cast_numeric", b_cast_numeric, "CAST(things.ratio AS NUMERIC(10, 2))",
	 NULL, "CAST(things.ratio AS DECIMAL(10, 2))", NULL},
	{"cast_datetime", b_cast_datetime, "CAST(things.body AS DATETIME)",
	 "CAST(things.body AS TIMESTAMP WITHOUT TIME ZONE)", NULL, NULL},
	{"cast_bool", b_cast_bool, "CAST(things.small AS BOOLEAN)", NULL,
	 "things.small", NULL},
	{"cast_bind", b_cast_bind, "CAST(? AS VARCHAR)", NULL,
	 "CAST(? AS CHAR)", "param_1"},
	{"coerce", b_coerce, "things.body = ?", NULL, NULL, "param_1"},
	{"label", b_label, "users.name", NULL, NULL, NULL},
	{"quote_reserved", b_quote_reserved, "\"order\".\"select\" = ?", NULL,
	 "`order`.`select` = ?", "select_1"},
	{"quote_mixed", b_quote_mixed, "\"order\".\"MixedCase\" = ?", NULL,
	 "`order`.`MixedCase` = ?", "MixedCase_1"},
	{"schema_column", b_schema_column, "finance.accounts.balance > ?", NULL,
	 NULL, "balance_1"},
	{"column_ref", b_column_ref, "q = \"Z\"", NULL, "q = `Z`", NULL},
	{"literal_column", b_literal_column, "users.fullname || ?", NULL,
	 "concat(users.fullname, ?)", "param_1"},
	{"text_fragment", b_text_fragment,
	 "users.id = addresses.user_id AND users.name BETWEEN 'm' AND 'z'",
	 NULL, NULL, NULL},
	{"text_param", b_text_param, "users.name LIKE ? OR users.id = ?", NULL,
	 NULL, "x y"},
	{"named_param", b_named_param, "users.name = ?", NULL, NULL,
	 "username"},
	{"named_param_twice", b_named_param_twice,
	 "users.name LIKE ? || '%' OR addresses.email_address LIKE ? || '@%'",
	 "users.name LIKE $1 || '%' OR addresses.email_address LIKE $1 || '@%'",
	 "users.name LIKE concat(?, '%') OR addresses.email_address LIKE "
	 "concat(?, '@%')",
	 "name name"},
	{"tuple_eq", b_tuple_eq, "(users.id, users.name) = (?, ?)", NULL, NULL,
	 "param_1 param_2"},
	{"exists", b_exists,
	 "EXISTS (SELECT * \nFROM addresses, users \nWHERE addresses.user_id = "
	 "users.id)",
	 NULL, NULL, NULL},
	{"not_exists", b_not_exists,
	 "NOT (EXISTS (SELECT addresses.id \nFROM addresses))", NULL, NULL,
	 NULL},
	{"asc_desc", b_asc_desc, "users.id ASC, users.name DESC", NULL, NULL,
	 NULL},
	{"nulls_first", b_nulls_first, "users.name DESC NULLS FIRST", NULL,
	 "!ENOTSUP", NULL},
	{"nulls_last", b_nulls_last, "users.name NULLS LAST", NULL, "!ENOTSUP",
	 NULL},
	{"bool_op", b_bool_op, "(things.doc @> ?) AND things.id = ?", NULL,
	 NULL, "doc_1 id_1"},
	{"fromcol_alias", b_fromcol_alias, "u.id = ?", NULL, NULL, "id_1"},
	/* END GOLDEN */
};

QR_GOLDEN_MAIN("compile_expr", cases)
