/*
 * test_compile_dml.c - golden SQL of INSERT, UPDATE, DELETE, RETURNING
 * and upserts, including client-side defaults, multi-row VALUES,
 * INSERT .. SELECT, correlated and multi-table UPDATE/DELETE.
 */
#include "golden.h"

static qr_stmt *b_insert_all_columns(void)
{
	return qr_insert(users);
}
static qr_stmt *b_insert_values(void)
{
	return qr_insert(users, qr_set("name", TXT("jack")),
			 qr_set("fullname", TXT("Jack Jones")));
}
static qr_stmt *b_insert_values_order(void)
{
	/* table order, whatever the order given */
	return qr_insert(users, qr_set("fullname", TXT("Jack Jones")),
			 qr_set("id", INT(7)), qr_set("name", TXT("jack")));
}
static qr_stmt *b_insert_expression(void)
{
	return qr_insert(users, qr_set("name", qr_add(qr_param("_name"),
						      TXT(" .. name"))));
}
static qr_stmt *b_insert_named_param(void)
{
	return qr_insert(users, qr_set("name", qr_param("n")));
}
static qr_stmt *b_insert_null(void)
{
	return qr_insert(users, qr_set("name", qr_null()));
}
static qr_stmt *b_insert_function(void)
{
	return qr_insert(things, qr_set("created", qr_now()));
}
static qr_stmt *b_insert_multi(void)
{
	return qr_insert(users,
			 qr_values(qr_set("name", TXT("a")),
				   qr_set("fullname", TXT("A"))),
			 qr_values(qr_set("name", TXT("b")),
				   qr_set("fullname", TXT("B"))),
			 qr_values(qr_set("name", TXT("c")),
				   qr_set("fullname", TXT("C"))));
}
static qr_stmt *b_insert_multi_missing(void)
{
	return qr_insert(users,
			 qr_values(qr_set("name", TXT("a")),
				   qr_set("fullname", TXT("A"))),
			 qr_values(qr_set("name", TXT("b"))));
}
static qr_stmt *b_insert_from_select(void)
{
	return qr_insert(
		addresses,
		qr_from_select(
			QR_NAMES("user_id", "email_address"),
			qr_select(C(users, "id"),
				  qr_add(C(users, "name"), TXT("@example.com")),
				  qr_where(qr_gt(C(users, "id"), INT(1))))));
}
static qr_stmt *b_insert_defaults(void)
{
	return qr_insert(docs, qr_set("title", TXT("T")));
}
static qr_stmt *b_insert_default_given(void)
{
	return qr_insert(docs, qr_set("title", TXT("T")),
			 qr_set("status", TXT("final")));
}
static qr_stmt *b_insert_empty(void)
{
	return qr_insert(orders, qr_set("id", qr_null()));
}
static qr_stmt *b_insert_unknown_column(void)
{
	return qr_insert(users, qr_set("nope", INT(1)));
}
static qr_stmt *b_insert_returning(void)
{
	return qr_insert(users, qr_set("name", TXT("jack")),
			 qr_returning(C(users, "id")));
}
static qr_stmt *b_insert_returning_two(void)
{
	return qr_insert(users, qr_set("name", TXT("jack")),
			 qr_returning(C(users, "id"), C(users, "name")));
}
static qr_stmt *b_insert_returning_expr(void)
{
	return qr_insert(
		users, qr_set("name", TXT("jack")),
		qr_returning(qr_label(qr_upper(C(users, "name")), "shout")));
}
static qr_stmt *b_insert_quoted(void)
{
	return qr_insert(orders, qr_set("select", INT(1)),
			 qr_set("MixedCase", TXT("x")));
}
static qr_stmt *b_insert_schema(void)
{
	return qr_insert(
		accounts,
		qr_set("balance", qr_bind_value(qr_val_numeric("1.50"))));
}
static qr_stmt *b_on_conflict_nothing(void)
{
	return qr_insert(users, qr_set("id", INT(1)), qr_set("name", TXT("x")),
			 qr_on_conflict_do_nothing(NULL));
}
static qr_stmt *b_on_conflict_nothing_target(void)
{
	return qr_insert(users, qr_set("id", INT(1)), qr_set("name", TXT("x")),
			 qr_on_conflict_do_nothing(QR_NAMES("id")));
}
static qr_stmt *b_on_conflict_update(void)
{
	return qr_insert(
		users, qr_set("id", INT(1)), qr_set("name", TXT("x")),
		qr_on_conflict_do_update(QR_NAMES("id"),
					 qr_set("name", qr_excluded("name"))));
}
static qr_stmt *b_on_conflict_update_where(void)
{
	return qr_insert(
		users, qr_set("id", INT(1)), qr_set("name", TXT("x")),
		qr_on_conflict_do_update(
			QR_NAMES("id"),
			qr_set("fullname",
			       qr_add(qr_excluded("name"), TXT("!"))),
			qr_set("name", TXT("y")),
			qr_where(qr_ne(C(users, "name"), TXT("admin")))));
}
static qr_stmt *b_on_duplicate(void)
{
	return qr_insert(
		users, qr_set("id", INT(1)), qr_set("name", TXT("x")),
		qr_on_duplicate_key_update(qr_set("name", qr_excluded("name")),
					   qr_set("fullname", TXT("dup"))));
}
static qr_stmt *b_update_all_columns(void)
{
	return qr_update(users);
}
static qr_stmt *b_update_expression(void)
{
	return qr_update(users, qr_set("fullname", qr_add(TXT("Fullname: "),
							  C(users, "name"))));
}
static qr_stmt *b_update_where(void)
{
	return qr_update(users, qr_where(qr_eq(C(users, "name"), TXT("jack"))),
			 qr_set("name", TXT("ed")));
}
static qr_stmt *b_update_params(void)
{
	return qr_update(users,
			 qr_where(qr_eq(C(users, "name"), qr_param("oldname"))),
			 qr_set("name", qr_param("newname")));
}
static qr_stmt *b_update_correlated(void)
{
	qr_stmt *sub = qr_select(
		C(addresses, "email_address"),
		qr_where(qr_eq(C(addresses, "user_id"), C(users, "id"))),
		qr_limit(1));
	return qr_update(users, qr_set("fullname", sub));
}
static qr_stmt *b_update_scalar(void)
{
	return qr_update(users,
			 qr_set("fullname",
				qr_scalar(qr_select(
					qr_max(C(addresses, "email_address")),
					qr_where(qr_eq(C(addresses, "user_id"),
						       C(users, "id")))))));
}
static qr_stmt *b_update_multi_table(void)
{
	return qr_update(users, qr_set("name", TXT("ed wood")),
			 qr_where(qr_eq(C(users, "id"), C(addresses, "id"))),
			 qr_where(qr_startswith(C(addresses, "email_address"),
						TXT("ed"))));
}
static qr_stmt *b_update_returning(void)
{
	return qr_update(users, qr_set("name", TXT("ed")),
			 qr_where(qr_eq(C(users, "id"), INT(1))),
			 qr_returning(C(users, "id"), C(users, "name")));
}
static qr_stmt *b_update_onupdate(void)
{
	return qr_update(docs, qr_set("title", TXT("New")),
			 qr_where(qr_eq(C(docs, "id"), INT(1))));
}
static qr_stmt *b_update_null(void)
{
	return qr_update(users, qr_set("fullname", qr_null()));
}
static qr_stmt *b_update_quoted(void)
{
	return qr_update(orders,
			 qr_set("select", qr_add(C(orders, "select"), INT(1))));
}
static qr_stmt *b_update_case(void)
{
	return qr_update(
		users,
		qr_set("fullname",
		       qr_case(qr_when(qr_eq(C(users, "name"), TXT("jack")),
				       TXT("J")),
			       qr_else(C(users, "fullname")))));
}
static qr_stmt *b_update_unknown_column(void)
{
	return qr_update(users, qr_set("nope", INT(1)));
}
static qr_stmt *b_delete_all(void)
{
	return qr_delete(addresses);
}
static qr_stmt *b_delete_where(void)
{
	return qr_delete(users, qr_where(qr_gt(C(users, "name"), TXT("m"))));
}
static qr_stmt *b_delete_in(void)
{
	return qr_delete(users, qr_where(qr_in(C(users, "id"),
					       qr_list(INT(1), INT(2)))));
}
static qr_stmt *b_delete_subquery(void)
{
	return qr_delete(
		addresses,
		qr_where(qr_in(C(addresses, "user_id"),
			       qr_select(C(users, "id"),
					 qr_where(qr_eq(C(users, "name"),
							TXT("x")))))));
}
static qr_stmt *b_delete_exists(void)
{
	return qr_delete(users, qr_where(qr_not(qr_exists(qr_select(
					C(addresses, "id"),
					qr_where(qr_eq(C(addresses, "user_id"),
						       C(users, "id"))))))));
}
static qr_stmt *b_delete_multi_table(void)
{
	return qr_delete(users,
			 qr_where(qr_eq(C(users, "id"), C(addresses, "id"))),
			 qr_where(qr_startswith(C(addresses, "email_address"),
						TXT("ed"))));
}
static qr_stmt *b_delete_returning(void)
{
	return qr_delete(users, qr_where(qr_eq(C(users, "id"), INT(3))),
			 qr_returning(C(users, "id")));
}
static qr_stmt *b_delete_schema(void)
{
	return qr_delete(accounts,
			 qr_where(qr_lt(C(accounts, "balance"), INT(0))));
}
static qr_stmt *b_cte_insert(void)
{
	qr_expr *cte = qr_cte(
		qr_select(C(users, "id"),
			  qr_where(qr_eq(C(users, "name"), TXT("jack")))),
		"j");
	qr_stmt *s = qr_insert(
		addresses,
		qr_from_select(QR_NAMES("user_id", "email_address"),
			       qr_select(C(cte, "id"), TXT("jack@new.com"))));
	qr_expr_free(cte);
	return s;
}
static qr_stmt *b_update_where_cte(void)
{
	qr_expr *cte =
		qr_cte(qr_select(C(addresses, "user_id"),
				 qr_where(qr_like(C(addresses, "email_address"),
						  TXT("%@aol.com")))),
		       "aol");
	qr_stmt *s = qr_update(
		users, qr_set("fullname", TXT("AOL user")),
		qr_where(qr_in(C(users, "id"), qr_select(C(cte, "user_id")))));
	qr_expr_free(cte);
	return s;
}
static qr_stmt *b_insert_typed_values(void)
{
	qr_datetime dt = {{2024, 1, 31}, {13, 45, 0, 250000}, false, 0};
	return qr_insert(
		things, qr_set("flag", qr_bind_bool(true)),
		qr_set("created", qr_bind_value((qr_value){.kind = QR_VDATETIME,
							   .u.datetime = dt})),
		qr_set("ratio", qr_bind_double(0.5)));
}

static const qr_golden cases[] = {
	/* BEGIN GOLDEN */
	{"insert_all_columns", b_insert_all_columns,
	 "INSERT INTO users (id, name, fullname) VALUES (?, ?, ?)", NULL, NULL,
	 "id name fullname"},
	{"insert_values", b_insert_values,
	 "INSERT INTO users (name, fullname) VALUES (?, ?)",
	 "INSERT INTO users (name, fullname) VALUES ($1, $2) RETURNING "
	 "users.id",
	 NULL, "name fullname"},
	{"insert_values_order", b_insert_values_order,
	 "INSERT INTO users (id, name, fullname) VALUES (?, ?, ?)", NULL, NULL,
	 "id name fullname"},
	{"insert_expression", b_insert_expression,
	 "INSERT INTO users (name) VALUES ((? || ?))",
	 "INSERT INTO users (name) VALUES (($1 || $2)) RETURNING users.id",
	 "INSERT INTO users (name) VALUES ((concat(?, ?)))", "_name name_1"},
	{"insert_named_param", b_insert_named_param,
	 "INSERT INTO users (name) VALUES (?)",
	 "INSERT INTO users (name) VALUES ($1) RETURNING users.id", NULL, "n"},
	{"insert_null", b_insert_null, "INSERT INTO users (name) VALUES (NULL)",
	 "INSERT INTO users (name) VALUES (NULL) RETURNING users.id", NULL,
	 NULL},
	{"insert_function", b_insert_function,
	 "INSERT INTO things (created) VALUES (CURRENT_TIMESTAMP)",
	 "INSERT INTO things (created) VALUES (now()) RETURNING things.id",
	 "INSERT INTO things (created) VALUES (now())", NULL},
	{"insert_multi", b_insert_multi,
	 "INSERT INTO users (name, fullname) VALUES (?, ?), (?, ?), (?, ?)",
	 NULL, NULL,
	 "name_m0 fullname_m0 name_m1 fullname_m1 name_m2 fullname_m2"},
	{"insert_multi_missing", b_insert_multi_missing, "!ECOMPILE",
	 "!ECOMPILE", "!ECOMPILE", NULL},
	{"insert_from_select", b_insert_from_select,
	 "INSERT INTO addresses (user_id, email_address) SELECT users.id, "
	 "users.name || ? AS anon_1 \nFROM users \nWHERE users.id > ?",
	 NULL,
	 "INSERT INTO addresses (user_id, email_address) SELECT users.id, "
	 "concat(users.name, ?) AS anon_1 \nFROM users \nWHERE users.id > ?",
	 "name_1 id_1"},
	{"insert_defaults", b_insert_defaults,
	 "INSERT INTO docs (title, version, status) VALUES (?, ?, ?)",
	 "INSERT INTO docs (title, version, status) VALUES ($1, $2, $3) "
	 "RETURNING docs.id",
	 NULL, "title version status"},
	{"insert_default_given", b_insert_default_given,
	 "INSERT INTO docs (title, version, status) VALUES (?, ?, ?)",
	 "INSERT INTO docs (title, version, status) VALUES ($1, $2, $3) "
	 "RETURNING docs.id",
	 NULL, "title version status"},
	{"insert_empty", b_insert_empty,
	 "INSERT INTO \"order\" (id) VALUES (NULL)", NULL,
	 "INSERT INTO `order` (id) VALUES (NULL)", NULL},
	{"insert_unknown_column", b_insert_unknown_column, "!ECOMPILE",
	 "!ECOMPILE", "!ECOMPILE", NULL},
	{"insert_returning", b_insert_returning,
	 "INSERT INTO users (name) VALUES (?) RETURNING id",
	 "INSERT INTO users (name) VALUES ($1) RETURNING users.id", "!ENOTSUP",
	 "name"},
	{"insert_returning_two", b_insert_returning_two,
	 "INSERT INTO users (name) VALUES (?) RETURNING id, name",
	 "INSERT INTO users (name) VALUES ($1) RETURNING users.id, users.name",
	 "!ENOTSUP", "name"},
	{"insert_returning_expr", b_insert_returning_expr,
	 "INSERT INTO users (name) VALUES (?) RETURNING upper(name) AS shout",
	 "INSERT INTO users (name) VALUES ($1) RETURNING upper(users.name) AS "
	 "shout",
	 "!ENOTSUP", "name"},
	{"insert_quoted", b_insert_quoted,
	 "INSERT INTO \"order\" (\"select\", \"MixedCase\") VALUES (?, ?)",
	 "INSERT INTO \"order\" (\"select\", \"MixedCase\") VALUES ($1, $2) "
	 "RETURNING \"order\".id",
	 "INSERT INTO `order` (`select`, `MixedCase`) VALUES (?, ?)",
	 "select MixedCase"},
	{"insert_schema", b_insert_schema,
	 "INSERT INTO finance.accounts (balance) VALUES (?)",
	 "INSERT INTO finance.accounts (balance) VALUES ($1) RETURNING "
	 "finance.accounts.id",
	 NULL, "balance"},
	{"on_conflict_nothing", b_on_conflict_nothing,
	 "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
	 NULL, "!ENOTSUP", "id name"},
	{"on_conflict_nothing_target", b_on_conflict_nothing_target,
	 "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO "
	 "NOTHING",
	 NULL, "!ENOTSUP", "id name"},
	{"on_conflict_update", b_on_conflict_update,
	 "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO "
	 "UPDATE SET name = excluded.name",
	 NULL, "!ENOTSUP", "id name"},
	{"on_conflict_update_where", b_on_conflict_update_where,
	 "INSERT INTO users (id, name) VALUES (?, ?) ON CONFLICT (id) DO "
	 "UPDATE SET name = ?, fullname = (excluded.name || ?) WHERE "
	 "users.name != ?",
	 NULL, "!ENOTSUP", "id name param_1 param_2 name_1"},
	{"on_duplicate", b_on_duplicate, "!ENOTSUP", "!ENOTSUP",
	 "INSERT INTO users (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE "
	 "name = VALUES(name), fullname = ?",
	 NULL},
	{"update_all_columns", b_update_all_columns,
	 "UPDATE users SET id=?, name=?, fullname=?", NULL, NULL,
	 "id name fullname"},
	{"update_expression", b_update_expression,
	 "UPDATE users SET fullname=(? || users.name)", NULL,
	 "UPDATE users SET fullname=(concat(?, users.name))", "name_1"},
	{"update_where", b_update_where,
	 "UPDATE users SET name=? WHERE users.name = ?", NULL, NULL,
	 "name name_1"},
	{"update_params", b_update_params,
	 "UPDATE users SET name=? WHERE users.name = ?", NULL, NULL,
	 "newname oldname"},
	{"update_correlated", b_update_correlated,
	 "UPDATE users SET fullname=(SELECT addresses.email_address \nFROM "
	 "addresses \nWHERE addresses.user_id = users.id\n LIMIT ? OFFSET ?)",
	 "UPDATE users SET fullname=(SELECT addresses.email_address \nFROM "
	 "addresses \nWHERE addresses.user_id = users.id \n LIMIT $1)",
	 "UPDATE users SET fullname=(SELECT addresses.email_address \nFROM "
	 "addresses \nWHERE addresses.user_id = users.id \n LIMIT ?)",
	 "param_1 param_2"},
	{"update_scalar", b_update_scalar,
	 "UPDATE users SET fullname=(SELECT max(addresses.email_address) AS "
	 "max_1 \nFROM addresses \nWHERE addresses.user_id = users.id)",
	 NULL, NULL, NULL},
	{"update_multi_table", b_update_multi_table,
	 "UPDATE users SET name=? FROM addresses WHERE users.id = addresses.id "
	 "AND addresses.email_address LIKE ? || '%'",
	 NULL,
	 "UPDATE users, addresses SET users.name=? WHERE users.id = "
	 "addresses.id AND addresses.email_address LIKE concat(?, '%')",
	 "name email_address_1"},
	{"update_returning", b_update_returning,
	 "UPDATE users SET name=? WHERE users.id = ? RETURNING id, name",
	 "UPDATE users SET name=$1 WHERE users.id = $2 RETURNING users.id, "
	 "users.name",
	 "!ENOTSUP", "name id_1"},
	{"update_onupdate", b_update_onupdate,
	 "UPDATE docs SET title=? WHERE docs.id = ?", NULL, NULL, "title id_1"},
	{"update_null", b_update_null, "UPDATE users SET fullname=NULL", NULL,
	 NULL, NULL},
	{"update_quoted", b_update_quoted,
	 "UPDATE \"order\" SET \"select\"=(\"order\".\"select\" + ?)", NULL,
	 "UPDATE `order` SET `select`=(`order`.`select` + ?)", "select_1"},
	{"update_case", b_update_case,
	 "UPDATE users SET fullname=CASE WHEN (users.name = ?) THEN ? ELSE "
	 "users.fullname END",
	 NULL, NULL, "name_1 param_1"},
	{"update_unknown_column", b_update_unknown_column, "!ECOMPILE",
	 "!ECOMPILE", "!ECOMPILE", NULL},
	{"delete_all", b_delete_all, "DELETE FROM addresses", NULL, NULL, NULL},
	{"delete_where", b_delete_where,
	 "DELETE FROM users WHERE users.name > ?", NULL, NULL, "name_1"},
	{"delete_in", b_delete_in, "DELETE FROM users WHERE users.id IN (?, ?)",
	 NULL, NULL, "id_1_1 id_1_2"},
	{"delete_subquery", b_delete_subquery,
	 "DELETE FROM addresses WHERE addresses.user_id IN (SELECT users.id "
	 "\nFROM users \nWHERE users.name = ?)",
	 NULL, NULL, "name_1"},
	{"delete_exists", b_delete_exists,
	 "DELETE FROM users WHERE NOT (EXISTS (SELECT addresses.id \nFROM "
	 "addresses \nWHERE addresses.user_id = users.id))",
	 NULL, NULL, NULL},
	{"delete_multi_table", b_delete_multi_table, "!ENOTSUP",
	 "DELETE FROM users USING addresses WHERE users.id = addresses.id AND "
	 "addresses.email_address LIKE $1 || '%'",
	 "DELETE FROM users USING users, addresses WHERE users.id = "
	 "addresses.id AND addresses.email_address LIKE concat(?, '%')",
	 NULL},
	{"delete_returning", b_delete_returning,
	 "DELETE FROM users WHERE users.id = ? RETURNING id",
	 "DELETE FROM users WHERE users.id = $1 RETURNING users.id", "!ENOTSUP",
	 "id_1"},
	{"delete_schema", b_delete_schema,
	 "DELETE FROM finance.accounts WHERE finance.accounts.balance < ?",
	 NULL, NULL, "balance_1"},
	{"cte_insert", b_cte_insert,
	 "WITH j AS \n(SELECT users.id AS id \nFROM users \nWHERE users.name = "
	 "?)\n INSERT INTO addresses (user_id, email_address) SELECT j.id, ? "
	 "AS anon_1 \nFROM j",
	 NULL, NULL, "name_1 param_1"},
	{"update_where_cte", b_update_where_cte,
	 "WITH aol AS \n(SELECT addresses.user_id AS user_id \nFROM addresses "
	 "\nWHERE addresses.email_address LIKE ?)\n UPDATE users SET "
	 "fullname=? WHERE users.id IN (SELECT aol.user_id \nFROM aol)",
	 NULL, NULL, "email_address_1 fullname"},
	{"insert_typed_values", b_insert_typed_values,
	 "INSERT INTO things (flag, ratio, created) VALUES (?, ?, ?)",
	 "INSERT INTO things (flag, ratio, created) VALUES ($1, $2, $3) "
	 "RETURNING things.id",
	 NULL, "flag ratio created"},
	/* END GOLDEN */
};

QR_GOLDEN_MAIN("compile_dml", cases)
