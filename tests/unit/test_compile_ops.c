/*
 * test_compile_ops.c - golden SQL of SQLAlchemy 2.0's further column
 * operators: collate(), extract(), regexp_match() / regexp_replace(),
 * icontains() & co., the bitwise operators, any_() / all_() and
 * within_group(), on SQLite, PostgreSQL and MySQL (MariaDB's spellings
 * in test_compile_ops_mariadb.c).
 */
#include "golden.h"

static qr_stmt *b_collate(void)
{
	return qr_collate(C(users, "name"), "utf8mb4_bin");
}
static qr_stmt *b_collate_quoted(void)
{
	return qr_eq(qr_collate(C(users, "name"), "C"), TXT("x"));
}
static qr_stmt *b_collate_order(void)
{
	return qr_select(
		C(users, "id"),
		qr_order_by(qr_desc(qr_collate(C(users, "name"), "NOCASE"))));
}
static qr_stmt *b_collate_bind(void)
{
	return qr_collate(TXT("x"), "NOCASE");
}
static qr_stmt *b_extract_year(void)
{
	return qr_select(qr_extract("year", C(things, "created")));
}
static qr_stmt *b_extract_where(void)
{
	return qr_eq(qr_extract("month", C(things, "day")), INT(3));
}
static qr_stmt *b_extract_bad(void)
{
	return qr_extract("quarter", C(things, "day"));
}
static qr_stmt *b_regexp(void)
{
	return qr_regexp_match(C(users, "name"), TXT("^j"), NULL);
}
static qr_stmt *b_not_regexp(void)
{
	return qr_not(qr_regexp_match(C(users, "name"), TXT("^j"), NULL));
}
static qr_stmt *b_regexp_i(void)
{
	return qr_regexp_match(C(users, "name"), TXT("^j"), "i");
}
static qr_stmt *b_not_regexp_i(void)
{
	return qr_not_regexp_match(C(users, "name"), TXT("^j"), "i");
}
static qr_stmt *b_regexp_flags(void)
{
	return qr_regexp_match(C(users, "name"), TXT("^j"), "ix");
}
static qr_stmt *b_regexp_replace(void)
{
	return qr_regexp_replace(C(users, "name"), TXT("a+"), TXT("b"), NULL);
}
static qr_stmt *b_regexp_replace_flags(void)
{
	return qr_regexp_replace(C(users, "name"), TXT("a+"), TXT("b"), "g");
}
static qr_stmt *b_icontains(void)
{
	return qr_icontains(C(users, "name"), TXT("Ed"));
}
static qr_stmt *b_istartswith(void)
{
	return qr_istartswith(C(users, "name"), TXT("Ed"));
}
static qr_stmt *b_iendswith(void)
{
	return qr_iendswith(C(users, "name"), TXT("Ed"));
}
static qr_stmt *b_not_icontains(void)
{
	return qr_not(qr_icontains(C(users, "name"), TXT("Ed")));
}
static qr_stmt *b_bit_and(void)
{
	return qr_bitwise_and(C(users, "id"), INT(3));
}
static qr_stmt *b_bit_or(void)
{
	return qr_bitwise_or(C(users, "id"), INT(3));
}
static qr_stmt *b_bit_xor(void)
{
	return qr_select(qr_bitwise_xor(C(users, "id"), INT(3)));
}
static qr_stmt *b_bit_xor_nested(void)
{
	return qr_eq(qr_bitwise_xor(C(users, "id"), INT(3)), INT(6));
}
static qr_stmt *b_bit_not(void)
{
	return qr_bitwise_not(C(users, "id"));
}
static qr_stmt *b_bit_shift(void)
{
	return qr_bitwise_rshift(qr_bitwise_lshift(C(users, "id"), INT(2)),
				 INT(1));
}
static qr_stmt *b_bit_prec(void)
{
	return qr_bitwise_and(qr_add(C(users, "id"), INT(1)), INT(6));
}
static qr_stmt *b_any_select(void)
{
	return qr_eq(C(users, "id"),
		     qr_any_(qr_select(C(addresses, "user_id"))));
}
static qr_stmt *b_all_mirror(void)
{
	return qr_lt(qr_all_(qr_select(C(addresses, "user_id"))),
		     C(users, "id"));
}
static qr_stmt *b_any_array(void)
{
	return qr_eq(INT(5), qr_any_(C(things, "doc")));
}
static qr_stmt *b_within_group(void)
{
	return qr_select(
		qr_within_group(qr_func("percentile_cont", qr_bind_double(0.5)),
				qr_desc(C(users, "id"))));
}
static qr_stmt *b_within_group_over(void)
{
	return qr_over(qr_within_group(qr_func("mode"), C(users, "name")),
		       qr_partition_by(C(users, "fullname")));
}
static qr_stmt *b_fetch(void)
{
	return qr_select(C(users, "id"), qr_order_by(C(users, "id")),
			 qr_fetch(3, 0));
}
static qr_stmt *b_fetch_offset_ties(void)
{
	return qr_select(C(users, "id"), qr_order_by(C(users, "id")),
			 qr_offset(2), qr_fetch(3, QR_FETCH_WITH_TIES));
}
static qr_stmt *b_fetch_replaces_limit(void)
{
	return qr_select(C(users, "id"), qr_limit(5), qr_fetch(3, 0));
}
static qr_stmt *b_limit_replaces_fetch(void)
{
	return qr_select(C(users, "id"), qr_fetch(3, QR_FETCH_PERCENT),
			 qr_limit(5));
}
static qr_stmt *b_lateral(void)
{
	qr_expr *lat =
		qr_lateral(qr_select(C(addresses, "email_address"),
				     qr_where(qr_eq(C(addresses, "user_id"),
						    C(users, "id"))),
				     qr_limit(1)),
			   "a");
	qr_expr *email = qr_c(lat, "email_address");
	return qr_select(C(users, "name"), email,
			 qr_from(qr_join_on(users, lat, qr_true())));
}
static qr_stmt *b_lateral_from(void)
{
	qr_expr *lat =
		qr_lateral(qr_select(qr_label(qr_count_star(), "n"),
				     qr_where(qr_eq(C(addresses, "user_id"),
						    C(users, "id")))),
			   NULL);
	qr_expr *n = qr_c(lat, "n");
	return qr_select(C(users, "id"), n, qr_from(users, lat));
}
static qr_stmt *b_with_only_columns(void)
{
	return qr_with_only_columns(
		qr_select(C(users, "id"), C(users, "name"),
			  qr_where(qr_gt(C(users, "id"), INT(5))),
			  qr_order_by(C(users, "id"))),
		qr_count_star());
}
static qr_stmt *b_with_only_columns_froms(void)
{
	return qr_with_only_columns(qr_select(C(users, "name")),
				    C(addresses, "email_address"),
				    C(addresses, "id"));
}
static qr_value vf_data[4];
static qr_stmt *b_values_from(void)
{
	vf_data[0] = qr_val_int(1);
	vf_data[1] = qr_val_text("a");
	vf_data[2] = qr_val_int(2);
	vf_data[3] = qr_val_text("b");
	qr_expr *v =
		qr_values_from("v", QR_NAMES("id", "name"), NULL, vf_data, 2);
	qr_expr *vid = qr_c(v, "id"), *vname = qr_c(v, "name");
	qr_expr_free(v);
	return qr_select(C(users, "id"), vname,
			 qr_where(qr_eq(C(users, "id"), vid)));
}
static qr_stmt *b_values_from_star(void)
{
	vf_data[0] = qr_val_int(1);
	vf_data[1] = qr_val_int(2);
	return qr_select(qr_values_from(NULL, QR_NAMES("n"), NULL, vf_data, 2));
}

/* JSON elements (SQLAlchemy: things.c.doc["a"], doc[1], .as_string(),
 * .as_integer(), .as_float(), .as_boolean(), .as_numeric(10, 2)). */
static qr_stmt *b_json_get(void)
{
	return qr_select(qr_json_get(qr_c(things, "doc"), "a"));
}
static qr_stmt *b_json_as_string_where(void)
{
	return qr_select(
		qr_c(things, "id"),
		qr_where(qr_eq(qr_json_as(qr_json_get(qr_c(things, "doc"), "a"),
					  QR_STRING),
			       qr_bind_text("x"))));
}
static qr_stmt *b_json_index_as_integer(void)
{
	return qr_select(qr_json_as(qr_json_get_index(qr_c(things, "doc"), 1),
				    QR_INTEGER));
}
static qr_stmt *b_json_as_float(void)
{
	return qr_select(
		qr_json_as(qr_json_get(qr_c(things, "doc"), "f"), QR_FLOAT));
}
static qr_stmt *b_json_as_boolean(void)
{
	return qr_select(
		qr_json_as(qr_json_get(qr_c(things, "doc"), "b"), QR_BOOLEAN));
}
static qr_stmt *b_json_path(void)
{
	static const qr_value path[] = {{QR_VTEXT, {.s = {"a", 1}}},
					{QR_VINT, {.i = 1}}};
	return qr_select(qr_json_get_path(qr_c(things, "doc"), path, 2));
}
static qr_stmt *b_json_path_as_string(void)
{
	static const qr_value path[] = {{QR_VTEXT, {.s = {"a", 1}}},
					{QR_VTEXT, {.s = {"b", 1}}}};
	return qr_select(qr_json_as(
		qr_json_get_path(qr_c(things, "doc"), path, 2), QR_STRING));
}
static qr_stmt *b_json_as_numeric(void)
{
	return qr_select(qr_json_as(qr_json_get(qr_c(things, "doc"), "n"),
				    qr_numeric(10, 2)));
}

static const qr_golden cases[] = {
	/* BEGIN GOLDEN */
	{"json_get", b_json_get,
	 "SELECT JSON_QUOTE(JSON_EXTRACT(things.doc, ?)) AS anon_1 \nFROM "
	 "things",
	 "SELECT things.doc -> $1 AS anon_1 \nFROM things",
	 "SELECT JSON_EXTRACT(things.doc, ?) AS anon_1 \nFROM things", "doc_1"},
	{"json_as_string_where", b_json_as_string_where,
	 "SELECT things.id \nFROM things \nWHERE JSON_EXTRACT(things.doc, ?) = "
	 "?",
	 "SELECT things.id \nFROM things \nWHERE CAST(things.doc ->> $1 AS "
	 "VARCHAR) = $2",
	 "SELECT things.id \nFROM things \nWHERE CASE JSON_EXTRACT(things.doc, "
	 "?) WHEN 'null' THEN NULL ELSE JSON_UNQUOTE(JSON_EXTRACT(things.doc, "
	 "?)) END = ?",
	 "doc_1 param_1"},
	{"json_index_as_integer", b_json_index_as_integer,
	 "SELECT JSON_EXTRACT(things.doc, ?) AS anon_1 \nFROM things",
	 "SELECT CAST(things.doc ->> $1 AS INTEGER) AS anon_1 \nFROM things",
	 "SELECT CASE JSON_EXTRACT(things.doc, ?) WHEN 'null' THEN NULL ELSE "
	 "CAST(JSON_EXTRACT(things.doc, ?) AS SIGNED INTEGER) END AS anon_1 "
	 "\nFROM things",
	 "doc_1"},
	{"json_path", b_json_path,
	 "SELECT JSON_QUOTE(JSON_EXTRACT(things.doc, ?)) AS anon_1 \nFROM "
	 "things",
	 "SELECT things.doc #> $1 AS anon_1 \nFROM things",
	 "SELECT JSON_EXTRACT(things.doc, ?) AS anon_1 \nFROM things", "doc_1"},
	{"json_path_as_string", b_json_path_as_string,
	 "SELECT JSON_EXTRACT(things.doc, ?) AS anon_1 \nFROM things",
	 "SELECT CAST(things.doc #>> $1 AS VARCHAR) AS anon_1 \nFROM things",
	 "SELECT CASE JSON_EXTRACT(things.doc, ?) WHEN 'null' THEN NULL ELSE "
	 "JSON_UNQUOTE(JSON_EXTRACT(things.doc, ?)) END AS anon_1 \nFROM "
	 "things",
	 "doc_1"},
	{"json_as_float", b_json_as_float,
	 "SELECT JSON_EXTRACT(things.doc, ?) AS anon_1 \nFROM things",
	 "SELECT CAST(things.doc ->> $1 AS FLOAT) AS anon_1 \nFROM things",
	 "SELECT CASE JSON_EXTRACT(things.doc, ?) WHEN 'null' THEN NULL ELSE "
	 "JSON_EXTRACT(things.doc, ?)+0.0000000000000000000000 END AS anon_1 "
	 "\nFROM things",
	 "doc_1"},
	{"json_as_boolean", b_json_as_boolean,
	 "SELECT JSON_EXTRACT(things.doc, ?) AS anon_1 \nFROM things",
	 "SELECT CAST(things.doc ->> $1 AS BOOLEAN) AS anon_1 \nFROM things",
	 "SELECT CASE JSON_EXTRACT(things.doc, ?) WHEN 'null' THEN NULL WHEN "
	 "true THEN true ELSE false END AS anon_1 \nFROM things",
	 "doc_1"},
	{"json_as_numeric", b_json_as_numeric,
	 "SELECT JSON_EXTRACT(things.doc, ?) AS anon_1 \nFROM things",
	 "SELECT CAST(things.doc ->> $1 AS NUMERIC(10, 2)) AS anon_1 \nFROM "
	 "things",
	 "SELECT CASE JSON_EXTRACT(things.doc, ?) WHEN 'null' THEN NULL ELSE "
	 "CAST(JSON_EXTRACT(things.doc, ?) AS DECIMAL(10, 2)) END AS anon_1 "
	 "\nFROM things",
	 "doc_1"},
	{"collate", b_collate, "users.name COLLATE utf8mb4_bin", NULL, NULL,
	 NULL},
	{"collate_quoted", b_collate_quoted, "(users.name COLLATE \"C\") = ?",
	 NULL, "(users.name COLLATE `C`) = ?", "param_1"},
	{"collate_order", b_collate_order,
	 "SELECT users.id \nFROM users ORDER BY users.name COLLATE \"NOCASE\" "
	 "DESC",
	 NULL,
	 "SELECT users.id \nFROM users ORDER BY users.name COLLATE `NOCASE` "
	 "DESC",
	 NULL},
	{"collate_bind", b_collate_bind, "? COLLATE \"NOCASE\"", NULL,
	 "? COLLATE `NOCASE`", "param_1"},
	{"extract_year", b_extract_year,
	 "SELECT CAST(STRFTIME('%Y', things.created) AS INTEGER) AS anon_1 "
	 "\nFROM things",
	 "SELECT EXTRACT(year FROM things.created) AS anon_1 \nFROM things",
	 "SELECT EXTRACT(year FROM things.created) AS anon_1 \nFROM things",
	 NULL},
	{"extract_where", b_extract_where,
	 "CAST(STRFTIME('%m', things.day) AS INTEGER) = ?",
	 "EXTRACT(month FROM things.day) = $1",
	 "EXTRACT(month FROM things.day) = ?", "param_1"},
	{"extract_bad", b_extract_bad, "!ECOMPILE",
	 "EXTRACT(quarter FROM things.day)", "EXTRACT(quarter FROM things.day)",
	 NULL},
	{"regexp", b_regexp, "users.name REGEXP ?", "users.name ~ $1", NULL,
	 "name_1"},
	{"not_regexp", b_not_regexp, "users.name NOT REGEXP ?",
	 "users.name !~ $1", NULL, "name_1"},
	{"regexp_i", b_regexp_i, "!ENOTSUP", "users.name ~* $1",
	 "REGEXP_LIKE(users.name, ?, 'i')", NULL},
	{"not_regexp_i", b_not_regexp_i, "!ENOTSUP", "users.name !~* $1",
	 "NOT REGEXP_LIKE(users.name, ?, 'i')", NULL},
	{"regexp_flags", b_regexp_flags, "!ENOTSUP",
	 "users.name ~ CONCAT('(?', 'ix', ')', $1)",
	 "REGEXP_LIKE(users.name, ?, 'ix')", NULL},
	{"regexp_replace", b_regexp_replace, "!ENOTSUP",
	 "REGEXP_REPLACE(users.name, $1, $2)",
	 "REGEXP_REPLACE(users.name, ?, ?)", NULL},
	{"regexp_replace_flags", b_regexp_replace_flags, "!ENOTSUP",
	 "REGEXP_REPLACE(users.name, $1, $2, 'g')",
	 "REGEXP_REPLACE(users.name, ?, ?, 'g')", NULL},
	{"icontains", b_icontains,
	 "lower(users.name) LIKE '%' || lower(?) || '%'",
	 "users.name ILIKE '%' || $1 || '%'",
	 "lower(users.name) LIKE concat(concat('%', lower(?)), '%')", "name_1"},
	{"istartswith", b_istartswith, "lower(users.name) LIKE lower(?) || '%'",
	 "users.name ILIKE $1 || '%'",
	 "lower(users.name) LIKE concat(lower(?), '%')", "name_1"},
	{"iendswith", b_iendswith, "lower(users.name) LIKE '%' || lower(?)",
	 "users.name ILIKE '%' || $1",
	 "lower(users.name) LIKE concat('%', lower(?))", "name_1"},
	{"not_icontains", b_not_icontains,
	 "lower(users.name) NOT LIKE '%' || lower(?) || '%'",
	 "users.name NOT ILIKE '%' || $1 || '%'",
	 "lower(users.name) NOT LIKE concat(concat('%', lower(?)), '%')",
	 "name_1"},
	{"bit_and", b_bit_and, "users.id & ?", NULL, NULL, "id_1"},
	{"bit_or", b_bit_or, "users.id | ?", NULL, NULL, "id_1"},
	{"bit_xor", b_bit_xor,
	 "SELECT (users.id | ? - users.id & ?) AS anon_1 \nFROM users",
	 "SELECT users.id # $1 AS anon_1 \nFROM users",
	 "SELECT users.id ^ ? AS anon_1 \nFROM users", "id_1 id_1"},
	{"bit_xor_nested", b_bit_xor_nested,
	 "((users.id | ?) - (users.id & ?)) = ?", "users.id # $1 = $2",
	 "users.id ^ ? = ?", "id_1 id_1 param_1"},
	{"bit_not", b_bit_not, "~users.id", NULL, NULL, NULL},
	{"bit_shift", b_bit_shift, "(users.id << ?) >> ?", NULL, NULL,
	 "id_1 param_1"},
	{"bit_prec", b_bit_prec, "(users.id + ?) & ?", NULL, NULL,
	 "id_1 param_1"},
	{"any_select", b_any_select, "!ENOTSUP",
	 "users.id = ANY (SELECT addresses.user_id \nFROM addresses)",
	 "users.id = ANY (SELECT addresses.user_id \nFROM addresses)", NULL},
	{"all_mirror", b_all_mirror, "!ENOTSUP",
	 "users.id > ALL (SELECT addresses.user_id \nFROM addresses)",
	 "users.id > ALL (SELECT addresses.user_id \nFROM addresses)", NULL},
	{"any_array", b_any_array, "!ENOTSUP", "$1 = ANY (things.doc)", NULL,
	 NULL},
	{"within_group", b_within_group, "!ENOTSUP",
	 "SELECT percentile_cont($1) WITHIN GROUP (ORDER BY users.id DESC) AS "
	 "anon_1 \nFROM users",
	 NULL, NULL},
	{"within_group_over", b_within_group_over, "!ENOTSUP",
	 "mode() WITHIN GROUP (ORDER BY users.name) OVER (PARTITION BY "
	 "users.fullname)",
	 NULL, NULL},
	{"fetch", b_fetch, "!ENOTSUP",
	 "SELECT users.id \nFROM users ORDER BY users.id\n FETCH FIRST ($1) "
	 "ROWS ONLY",
	 NULL, NULL},
	{"fetch_offset_ties", b_fetch_offset_ties, "!ENOTSUP",
	 "SELECT users.id \nFROM users ORDER BY users.id\n OFFSET ($1) ROWS\n "
	 "FETCH FIRST ($2) ROWS WITH TIES",
	 NULL, NULL},
	{"fetch_replaces_limit", b_fetch_replaces_limit, "!ENOTSUP",
	 "SELECT users.id \nFROM users\n FETCH FIRST ($1) ROWS ONLY", NULL,
	 NULL},
	{"limit_replaces_fetch", b_limit_replaces_fetch,
	 "SELECT users.id \nFROM users\n LIMIT ? OFFSET ?",
	 "SELECT users.id \nFROM users \n LIMIT $1",
	 "SELECT users.id \nFROM users \n LIMIT ?", "param_1 param_2"},
	{"lateral", b_lateral, "!ENOTSUP",
	 "SELECT users.name, a.email_address \nFROM users JOIN LATERAL (SELECT "
	 "addresses.email_address AS email_address \nFROM addresses \nWHERE "
	 "addresses.user_id = users.id \n LIMIT $1) AS a ON true",
	 "SELECT users.name, a.email_address \nFROM users JOIN LATERAL (SELECT "
	 "addresses.email_address AS email_address \nFROM addresses \nWHERE "
	 "addresses.user_id = users.id \n LIMIT ?) AS a ON true",
	 NULL},
	{"lateral_from", b_lateral_from, "!ENOTSUP",
	 "SELECT users.id, anon_1.n \nFROM users, LATERAL (SELECT count(*) AS "
	 "n \nFROM addresses \nWHERE addresses.user_id = users.id) AS anon_1",
	 "SELECT users.id, anon_1.n \nFROM users, LATERAL (SELECT count(*) AS "
	 "n \nFROM addresses \nWHERE addresses.user_id = users.id) AS anon_1",
	 NULL},
	{"with_only_columns", b_with_only_columns,
	 "SELECT count(*) AS count_1 \nFROM users \nWHERE users.id > ? ORDER "
	 "BY users.id",
	 NULL, NULL, "id_1"},
	{"with_only_columns_froms", b_with_only_columns_froms,
	 "SELECT addresses.email_address, addresses.id \nFROM addresses", NULL,
	 NULL, NULL},
	{"values_from", b_values_from, "!ENOTSUP",
	 "SELECT users.id, v.name \nFROM users, (VALUES ($1, $2), ($3, $4)) AS "
	 "v (id, name) \nWHERE users.id = v.id",
	 NULL, NULL},
	{"values_from_star", b_values_from_star, "!ENOTSUP",
	 "SELECT anon_1.n \nFROM (VALUES ($1), ($2)) AS anon_1 (n)", NULL,
	 NULL},
	/* END GOLDEN */
};

QR_GOLDEN_MAIN("compile_ops", cases)
