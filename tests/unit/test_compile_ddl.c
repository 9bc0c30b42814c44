/*
 * test_compile_ddl.c - golden DDL: CREATE/DROP TABLE and INDEX per
 * dialect, every type's spelling, keys and autoincrement, foreign keys
 * with ON DELETE/UPDATE, UNIQUE/CHECK constraints, server defaults,
 * naming conventions, schemas, comments, enum types.
 */
#include "golden.h"

/* Each case builds once per dialect: tables are defined the first time
 * and found again in the fixtures' metadata afterwards. */
#define scratch_md() g_md
#define ONCE(name)                                   \
	qr_table *t = qr_metadata_table(g_md, name); \
	if (!t)

static qr_stmt *b_create_users(void)
{
	return qr_create_table(users);
}
static qr_stmt *b_create_addresses(void)
{
	return qr_create_table(addresses);
}
static qr_stmt *b_create_types(void)
{
	return qr_create_table(things);
}
static qr_stmt *b_create_composite_pk(void)
{
	return qr_create_table(parts);
}
static qr_stmt *b_create_quoted(void)
{
	return qr_create_table(orders);
}
static qr_stmt *b_create_schema(void)
{
	return qr_create_table(accounts);
}
static qr_stmt *b_create_defaults(void)
{
	return qr_create_table(docs);
}
static qr_stmt *b_drop_users(void)
{
	return qr_drop_table(users);
}
static qr_stmt *b_drop_schema(void)
{
	return qr_drop_table(accounts);
}
static qr_stmt *b_create_index_column(void)
{
	return qr_create_index(qr_table_index(docs, "ix_docs_slug"));
}
static qr_stmt *b_drop_index_column(void)
{
	return qr_drop_index(qr_table_index(docs, "ix_docs_slug"));
}
static qr_stmt *b_string_no_length(void)
{
	ONCE("nolen")
	t = qr_table(scratch_md(), "nolen",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("s", QR_STRING));
	return qr_create_table(t);
}
static qr_stmt *b_explicit_constraints(void)
{
	ONCE("stock")
	t = qr_table(scratch_md(), "stock", qr_column("sku", qr_string(20)),
		     qr_column("warehouse", QR_INTEGER),
		     qr_column("owner_id", QR_INTEGER),
		     qr_column("qty", QR_INTEGER, .not_null = true),
		     qr_primary_key(QR_NAMES("sku", "warehouse")),
		     qr_named("uq_stock_owner",
			      qr_unique(QR_NAMES("owner_id", "sku"))),
		     qr_named("ck_qty", qr_check("qty >= 0")),
		     qr_foreign_key(QR_NAMES("owner_id"), QR_NAMES("users.id"),
				    "SET NULL", "CASCADE"));
	return qr_create_table(t);
}
static qr_stmt *b_bigint_autoincrement(void)
{
	ONCE("big")
	t = qr_table(scratch_md(), "big",
		     qr_column("id", QR_BIGINT, .primary_key = true),
		     qr_column("v", QR_SMALLINT));
	return qr_create_table(t);
}
static qr_stmt *b_no_autoincrement(void)
{
	ONCE("manual")
	t = qr_table(scratch_md(), "manual",
		     qr_column("id", QR_INTEGER, .primary_key = true,
			       .autoincrement = QR_AUTOINCREMENT_NO),
		     qr_column("v", QR_INTEGER));
	return qr_create_table(t);
}
static qr_stmt *b_fk_pk_no_autoincrement(void)
{
	ONCE("user_extra")
	t = qr_table(scratch_md(), "user_extra",
		     qr_column("user_id", QR_INTEGER, .primary_key = true,
			       .foreign_key = "users.id"),
		     qr_column("bio", QR_TEXT));
	return qr_create_table(t);
}
static qr_stmt *b_server_defaults(void)
{
	ONCE("defaults")
	t = qr_table(
		scratch_md(), "defaults",
		qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("name", qr_string(20), .server_default = "it's"),
		qr_column("n", QR_INTEGER,
			  .server_default_expr = qr_bind_int(5)),
		qr_column("at", QR_DATETIME,
			  .server_default_expr = qr_text("CURRENT_TIMESTAMP")),
		qr_column("flag", QR_BOOLEAN,
			  .server_default_expr = qr_false()));
	return qr_create_table(t);
}
/* SQLite: expressions other than text() in parentheses; MySQL: defaults
 * with non-word characters, but for ON UPDATE and now(N) */
static qr_stmt *b_server_default_parens(void)
{
	ONCE("stamps")
	t = qr_table(scratch_md(), "stamps",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("code", qr_string(20),
			       .server_default_expr = qr_lower(TXT("HI"))),
		     qr_column("at", QR_DATETIME,
			       .server_default_expr = qr_text("now(3)")),
		     qr_column("upd", QR_DATETIME,
			       .server_default_expr =
				       qr_text("CURRENT_TIMESTAMP ON UPDATE "
					       "CURRENT_TIMESTAMP")),
		     qr_column("neg", QR_INTEGER,
			       .server_default_expr = qr_text("-1")));
	return qr_create_table(t);
}
static bool prices_done, logins_done, ledger_done;

static qr_stmt *b_check_expr(void)
{
	ONCE("prices")
	t = qr_table(scratch_md(), "prices",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("price", qr_numeric(8, 2)));
	if (!qr_table_foreign_key_count(t) && !prices_done) {
		prices_done = true;
		qr_table_add(t, qr_check_expr(qr_gt(C(t, "price"), INT(0))));
	}
	return qr_create_table(t);
}
static qr_stmt *b_unique_index(void)
{
	ONCE("emails")
	t = qr_table(scratch_md(), "emails",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("email", qr_string(100), .unique = true,
			       .index = true));
	return qr_create_index(qr_table_index(t, "ix_emails_email"));
}
static qr_stmt *b_multi_column_index(void)
{
	ONCE("people")
	t = qr_table(scratch_md(), "people",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("last", qr_string(50)),
		     qr_column("first", qr_string(50)),
		     qr_index("ix_people_name", QR_NAMES("last", "first")));
	return qr_create_index(qr_table_index(t, "ix_people_name"));
}
static qr_stmt *b_expression_index(void)
{
	ONCE("logins")
	t = qr_table(scratch_md(), "logins",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("email", qr_string(100)));
	if (!logins_done) {
		logins_done = true;
		qr_table_add(t, qr_index_expr("ix_logins_lower_email", true,
					      qr_lower(C(t, "email"))));
	}
	return qr_create_index(qr_table_index(t, "ix_logins_lower_email"));
}
static qr_stmt *b_comments(void)
{
	ONCE("notes")
	t = qr_table(scratch_md(), "notes", qr_table_comment("user notes"),
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("body", QR_TEXT, .comment = "the note's text"));
	return qr_create_table(t);
}
static qr_stmt *b_schema_fk(void)
{
	ONCE("finance.ledger")
	t = qr_table(scratch_md(), "ledger", qr_table_schema("finance"),
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("account_id", QR_INTEGER));
	if (!ledger_done) {
		ledger_done = true;
		qr_table_add(t, qr_foreign_key(QR_NAMES("account_id"),
					       QR_NAMES("finance.accounts.id"),
					       NULL, NULL));
	}
	return qr_create_table(t);
}
static qr_metadata *nmd;

static void free_nmd(void)
{
	qr_metadata_free(nmd);
}

static qr_stmt *b_naming_convention(void)
{
	qr_metadata_options o = {
		.naming = {
			.ix = "ix_%(column_0_label)s",
			.uq = "uq_%(table_name)s_%(column_0_name)s",
			.ck = "ck_%(table_name)s_%(constraint_name)s",
			.fk = "fk_%(table_name)s_%(column_0_name)s_%(referred_"
			      "table_name)s",
			.pk = "pk_%(table_name)s"}};
	if (!nmd) {
		nmd = qr_metadata_new_opts(&o);
		atexit(free_nmd);
		qr_table(nmd, "owners",
			 qr_column("id", QR_INTEGER, .primary_key = true));
		qr_table(nmd, "pets",
			 qr_column("id", QR_INTEGER, .primary_key = true),
			 qr_column("tag", qr_string(10), .unique = true),
			 qr_column("owner_id", QR_INTEGER,
				   .foreign_key = "owners.id"),
			 qr_named("positive", qr_check("id > 0")));
	}
	return qr_create_table(qr_metadata_table(nmd, "pets"));
}
static qr_stmt *b_enum_named(void)
{
	static const char *const labels[] = {"a", "b", "it's", NULL};
	ONCE("flags")
	t = qr_table(
		scratch_md(), "flags",
		qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("kind", qr_enum("kind", labels), .not_null = true));
	return qr_create_table(t);
}
static qr_stmt *b_enum_unnamed(void)
{
	static const char *const labels[] = {"x", "yy", NULL};
	ONCE("anon_enum")
	t = qr_table(scratch_md(), "anon_enum",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("kind", qr_enum(NULL, labels)));
	return qr_create_table(t);
}
static qr_stmt *b_decorated_type(void)
{
	static const qr_type_decorator csv = {
		.name = "CommaList",
		.impl = {.kind = QR_TYPE_STRING, .length = 200}};
	ONCE("tagged")
	t = qr_table(scratch_md(), "tagged",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("tags", qr_decorated(&csv)));
	return qr_create_table(t);
}
static qr_stmt *b_self_reference(void)
{
	ONCE("nodes")
	t = qr_table(scratch_md(), "nodes",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("parent_id", QR_INTEGER,
			       .foreign_key = "nodes.id",
			       .on_delete = "CASCADE"));
	return qr_create_table(t);
}
static qr_stmt *b_bad_on_delete(void)
{
	ONCE("bad_fk")
	t = qr_table(scratch_md(), "bad_fk",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("u", QR_INTEGER, .foreign_key = "users.id",
			       .on_delete = "DROP TABLE users"));
	return qr_create_table(t);
}
static qr_stmt *b_unresolved_fk(void)
{
	ONCE("dangling")
	t = qr_table(
		scratch_md(), "dangling",
		qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("x_id", QR_INTEGER, .foreign_key = "nowhere.id"));
	return qr_create_table(t);
}
static qr_stmt *b_create_tz_time(void)
{
	ONCE("clock")
	t = qr_table(scratch_md(), "clock",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("t", QR_TIME_TZ),
		     qr_column("ts", QR_DATETIME_TZ));
	return qr_create_table(t);
}

static qr_stmt *b_create_identity(void)
{
	ONCE("tickets")
	t = qr_table(
		scratch_md(), "tickets",
		qr_column("id", QR_INTEGER, .primary_key = true,
			  .identity = &(const qr_identity){.start = 42,
							   .has_start = true,
							   .increment = 2,
							   .cycle = QR_CYCLE}),
		qr_column("seq", QR_BIGINT,
			  .identity = &(const qr_identity){.always = true}),
		qr_column("note", qr_string(20)));
	return qr_create_table(t);
}

/* A key from a sequence (SQLAlchemy's Column(Integer,
 * Sequence("widget_id_seq", start=5, increment=2, cycle=False),
 * primary_key=True)). */
static qr_table *widgets_table(void)
{
	ONCE("widgets")
	t = qr_table(
		scratch_md(), "widgets",
		qr_column("id", QR_INTEGER, .primary_key = true,
			  .sequence = "widget_id_seq",
			  .sequence_options =
				  &(const qr_identity){.start = 5,
						       .has_start = true,
						       .increment = 2,
						       .cycle = QR_NO_CYCLE}),
		qr_column("name", qr_string(20)));
	return t;
}

static qr_stmt *b_create_sequence_table(void)
{
	return qr_create_table(widgets_table());
}

static qr_stmt *b_create_sequence(void)
{
	return qr_create_sequence(qr_c(widgets_table(), "id"));
}

static qr_stmt *b_drop_sequence(void)
{
	return qr_drop_sequence(qr_c(widgets_table(), "id"));
}

static qr_stmt *b_insert_sequence(void)
{
	return qr_insert(widgets_table(), qr_set("name", qr_param("name")));
}

static qr_stmt *b_insert_sequence_given(void)
{
	return qr_insert(widgets_table(), qr_set("id", qr_param("id")),
			 qr_set("name", qr_param("name")));
}

static qr_stmt *b_select_next_value(void)
{
	return qr_select(qr_next_value("widget_id_seq"));
}

static qr_stmt *b_create_computed(void)
{
	ONCE("line_items")
	t = qr_table(scratch_md(), "line_items",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("price", QR_INTEGER),
		     qr_column("qty", QR_INTEGER),
		     qr_column("total", QR_INTEGER, .computed = "price * qty",
			       .computed_persisted = QR_PERSISTED_STORED),
		     qr_column("half", QR_INTEGER, .computed = "price / 2"));
	return qr_create_table(t);
}

static qr_stmt *b_create_computed_virtual(void)
{
	ONCE("vline_items")
	t = qr_table(scratch_md(), "vline_items",
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("price", QR_INTEGER),
		     qr_column("twice", QR_INTEGER, .computed = "price * 2",
			       .computed_persisted = QR_PERSISTED_VIRTUAL));
	return qr_create_table(t);
}

static const qr_golden cases[] = {
	/* BEGIN GOLDEN */
	{"create_computed", b_create_computed,
	 "CREATE TABLE line_items (\n\tid INTEGER NOT NULL, \n\tprice INTEGER, "
	 "\n\tqty INTEGER, \n\ttotal INTEGER GENERATED ALWAYS AS (price * qty) "
	 "STORED, \n\thalf INTEGER GENERATED ALWAYS AS (price / 2), "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE line_items (\n\tid SERIAL NOT NULL, \n\tprice INTEGER, "
	 "\n\tqty INTEGER, \n\ttotal INTEGER GENERATED ALWAYS AS (price * qty) "
	 "STORED, \n\thalf INTEGER GENERATED ALWAYS AS (price / 2) STORED, "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE line_items (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\tprice INTEGER, \n\tqty INTEGER, \n\ttotal INTEGER GENERATED "
	 "ALWAYS AS (price * qty) STORED, \n\thalf INTEGER GENERATED ALWAYS AS "
	 "(price / 2), \n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"create_computed_virtual", b_create_computed_virtual,
	 "CREATE TABLE vline_items (\n\tid INTEGER NOT NULL, \n\tprice "
	 "INTEGER, "
	 "\n\ttwice INTEGER GENERATED ALWAYS AS (price * 2) VIRTUAL, "
	 "\n\tPRIMARY KEY (id)\n)",
	 "!ENOTSUP",
	 "CREATE TABLE vline_items (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\tprice INTEGER, \n\ttwice INTEGER GENERATED ALWAYS AS (price * "
	 "2) VIRTUAL, \n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"create_identity", b_create_identity,
	 "CREATE TABLE tickets (\n\tid INTEGER NOT NULL, \n\tseq BIGINT, "
	 "\n\tnote VARCHAR(20), \n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE tickets (\n\tid INTEGER GENERATED BY DEFAULT AS "
	 "IDENTITY (INCREMENT BY 2 START WITH 42 CYCLE), \n\tseq BIGINT "
	 "GENERATED ALWAYS AS IDENTITY, \n\tnote VARCHAR(20), \n\tPRIMARY KEY "
	 "(id)\n)",
	 "CREATE TABLE tickets (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\tseq BIGINT, \n\tnote VARCHAR(20), \n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"create_sequence_table", b_create_sequence_table,
	 "CREATE TABLE widgets (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(20), "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE widgets (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(20), "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE widgets (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\tname VARCHAR(20), \n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"create_sequence", b_create_sequence, "!ENOTSUP",
	 "CREATE SEQUENCE widget_id_seq INCREMENT BY 2 START WITH 5 NO CYCLE",
	 "!ENOTSUP", NULL},
	{"drop_sequence", b_drop_sequence, "!ENOTSUP",
	 "DROP SEQUENCE widget_id_seq", "!ENOTSUP", NULL},
	{"insert_sequence", b_insert_sequence,
	 "INSERT INTO widgets (name) VALUES (?)",
	 "INSERT INTO widgets (id, name) VALUES (nextval('widget_id_seq'), $1) "
	 "RETURNING widgets.id",
	 NULL, "name"},
	{"insert_sequence_given", b_insert_sequence_given,
	 "INSERT INTO widgets (id, name) VALUES (?, ?)", NULL, NULL, "id name"},
	{"select_next_value", b_select_next_value, "!ENOTSUP",
	 "SELECT nextval('widget_id_seq') AS next_value_1", "!ENOTSUP", ""},
	{"create_users", b_create_users,
	 "CREATE TABLE users (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(50), "
	 "\n\tfullname VARCHAR(50), \n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE users (\n\tid SERIAL NOT NULL, \n\tname VARCHAR(50), "
	 "\n\tfullname VARCHAR(50), \n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE users (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\tname "
	 "VARCHAR(50), \n\tfullname VARCHAR(50), \n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"create_addresses", b_create_addresses,
	 "CREATE TABLE addresses (\n\tid INTEGER NOT NULL, \n\tuser_id "
	 "INTEGER, \n\temail_address VARCHAR(50) NOT NULL, \n\tPRIMARY KEY "
	 "(id), \n\tFOREIGN KEY(user_id) REFERENCES users (id)\n)",
	 "CREATE TABLE addresses (\n\tid SERIAL NOT NULL, \n\tuser_id INTEGER, "
	 "\n\temail_address VARCHAR(50) NOT NULL, \n\tPRIMARY KEY (id), "
	 "\n\tFOREIGN KEY(user_id) REFERENCES users (id)\n)",
	 "CREATE TABLE addresses (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\tuser_id INTEGER, \n\temail_address VARCHAR(50) NOT NULL, "
	 "\n\tPRIMARY KEY (id), \n\tFOREIGN KEY(user_id) REFERENCES users "
	 "(id)\n)",
	 NULL},
	{"create_types", b_create_types,
	 "CREATE TABLE things (\n\tid BIGINT NOT NULL, \n\tflag BOOLEAN, "
	 "\n\tsmall SMALLINT, \n\tprice NUMERIC(10, 2), \n\tratio FLOAT, "
	 "\n\tdbl DOUBLE, \n\tbody TEXT, \n\tcreated DATETIME, \n\tcreated_tz "
	 "DATETIME, \n\tday DATE, \n\tat TIME, \n\tspan DATETIME, \n\tdata "
	 "BLOB, \n\tdoc JSON, \n\tuid CHAR(32), \n\tmood VARCHAR(5), "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE things (\n\tid BIGSERIAL NOT NULL, \n\tflag BOOLEAN, "
	 "\n\tsmall SMALLINT, \n\tprice NUMERIC(10, 2), \n\tratio FLOAT, "
	 "\n\tdbl DOUBLE PRECISION, \n\tbody TEXT, \n\tcreated TIMESTAMP "
	 "WITHOUT TIME ZONE, \n\tcreated_tz TIMESTAMP WITH TIME ZONE, \n\tday "
	 "DATE, \n\tat TIME WITHOUT TIME ZONE, \n\tspan INTERVAL, \n\tdata "
	 "BYTEA, \n\tdoc JSON, \n\tuid UUID, \n\tmood mood, \n\tPRIMARY KEY "
	 "(id)\n)",
	 "CREATE TABLE things (\n\tid BIGINT NOT NULL AUTO_INCREMENT, \n\tflag "
	 "BOOL, \n\tsmall SMALLINT, \n\tprice NUMERIC(10, 2), \n\tratio FLOAT, "
	 "\n\tdbl DOUBLE, \n\tbody TEXT, \n\tcreated DATETIME, \n\tcreated_tz "
	 "DATETIME, \n\tday DATE, \n\tat TIME, \n\tspan DATETIME, \n\tdata "
	 "BLOB, \n\tdoc JSON, \n\tuid CHAR(32), \n\tmood "
	 "ENUM('sad','ok','happy'), \n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"create_composite_pk", b_create_composite_pk,
	 "CREATE TABLE parts (\n\tpart VARCHAR(30) NOT NULL, \n\tsub_part "
	 "VARCHAR(30) NOT NULL, \n\tquantity INTEGER, \n\tPRIMARY KEY (part, "
	 "sub_part)\n)",
	 NULL, NULL, NULL},
	{"create_quoted", b_create_quoted,
	 "CREATE TABLE \"order\" (\n\tid INTEGER NOT NULL, \n\t\"select\" "
	 "INTEGER, \n\t\"MixedCase\" VARCHAR(20), \n\tuser_id INTEGER, "
	 "\n\tPRIMARY KEY (id), \n\tFOREIGN KEY(user_id) REFERENCES users (id) "
	 "ON DELETE CASCADE\n)",
	 "CREATE TABLE \"order\" (\n\tid SERIAL NOT NULL, \n\t\"select\" "
	 "INTEGER, \n\t\"MixedCase\" VARCHAR(20), \n\tuser_id INTEGER, "
	 "\n\tPRIMARY KEY (id), \n\tFOREIGN KEY(user_id) REFERENCES users (id) "
	 "ON DELETE CASCADE\n)",
	 "CREATE TABLE `order` (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\t`select` INTEGER, \n\t`MixedCase` VARCHAR(20), \n\tuser_id "
	 "INTEGER, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(user_id) REFERENCES "
	 "users (id) ON DELETE CASCADE\n)",
	 NULL},
	{"create_schema", b_create_schema,
	 "CREATE TABLE finance.accounts (\n\tid INTEGER NOT NULL, \n\tbalance "
	 "NUMERIC(12, 2) DEFAULT '0' NOT NULL, \n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE finance.accounts (\n\tid SERIAL NOT NULL, \n\tbalance "
	 "NUMERIC(12, 2) DEFAULT '0' NOT NULL, \n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE finance.accounts (\n\tid INTEGER NOT NULL "
	 "AUTO_INCREMENT, \n\tbalance NUMERIC(12, 2) NOT NULL DEFAULT '0', "
	 "\n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"create_defaults", b_create_defaults,
	 "CREATE TABLE docs (\n\tid INTEGER NOT NULL, \n\ttitle VARCHAR(100) "
	 "NOT NULL, \n\tversion INTEGER, \n\tstatus VARCHAR(10), \n\tcreated "
	 "DATETIME DEFAULT (CURRENT_TIMESTAMP), \n\tslug VARCHAR(100), "
	 "\n\tPRIMARY KEY (id), \n\tCHECK (version > 0), \n\tUNIQUE (title)\n)",
	 "CREATE TABLE docs (\n\tid SERIAL NOT NULL, \n\ttitle VARCHAR(100) "
	 "NOT NULL, \n\tversion INTEGER, \n\tstatus VARCHAR(10), \n\tcreated "
	 "TIMESTAMP WITHOUT TIME ZONE DEFAULT now(), \n\tslug VARCHAR(100), "
	 "\n\tPRIMARY KEY (id), \n\tCHECK (version > 0), \n\tUNIQUE (title)\n)",
	 "CREATE TABLE docs (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\ttitle "
	 "VARCHAR(100) NOT NULL, \n\tversion INTEGER, \n\tstatus VARCHAR(10), "
	 "\n\tcreated DATETIME DEFAULT (now()), \n\tslug VARCHAR(100), "
	 "\n\tPRIMARY KEY (id), \n\tCHECK (version > 0), \n\tUNIQUE (title)\n)",
	 NULL},
	{"drop_users", b_drop_users, "DROP TABLE users", NULL, NULL, NULL},
	{"drop_schema", b_drop_schema, "DROP TABLE finance.accounts", NULL,
	 NULL, NULL},
	{"create_index_column", b_create_index_column,
	 "CREATE INDEX ix_docs_slug ON docs (slug)", NULL, NULL, NULL},
	{"drop_index_column", b_drop_index_column, "DROP INDEX ix_docs_slug",
	 NULL, "DROP INDEX ix_docs_slug ON docs", NULL},
	{"string_no_length", b_string_no_length,
	 "CREATE TABLE nolen (\n\tid INTEGER NOT NULL, \n\ts VARCHAR, "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE nolen (\n\tid SERIAL NOT NULL, \n\ts VARCHAR, "
	 "\n\tPRIMARY KEY (id)\n)",
	 "!ECOMPILE", NULL},
	{"explicit_constraints", b_explicit_constraints,
	 "CREATE TABLE stock (\n\tsku VARCHAR(20) NOT NULL, \n\twarehouse "
	 "INTEGER NOT NULL, \n\towner_id INTEGER, \n\tqty INTEGER NOT NULL, "
	 "\n\tPRIMARY KEY (sku, warehouse), \n\tCONSTRAINT uq_stock_owner "
	 "UNIQUE (owner_id, sku), \n\tCONSTRAINT ck_qty CHECK (qty >= 0), "
	 "\n\tFOREIGN KEY(owner_id) REFERENCES users (id) ON DELETE SET NULL "
	 "ON UPDATE CASCADE\n)",
	 NULL, NULL, NULL},
	{"bigint_autoincrement", b_bigint_autoincrement,
	 "CREATE TABLE big (\n\tid BIGINT NOT NULL, \n\tv SMALLINT, "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE big (\n\tid BIGSERIAL NOT NULL, \n\tv SMALLINT, "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE big (\n\tid BIGINT NOT NULL AUTO_INCREMENT, \n\tv "
	 "SMALLINT, \n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"no_autoincrement", b_no_autoincrement,
	 "CREATE TABLE manual (\n\tid INTEGER NOT NULL, \n\tv INTEGER, "
	 "\n\tPRIMARY KEY (id)\n)",
	 NULL, NULL, NULL},
	{"fk_pk_no_autoincrement", b_fk_pk_no_autoincrement,
	 "CREATE TABLE user_extra (\n\tuser_id INTEGER NOT NULL, \n\tbio TEXT, "
	 "\n\tPRIMARY KEY (user_id), \n\tFOREIGN KEY(user_id) REFERENCES users "
	 "(id)\n)",
	 NULL, NULL, NULL},
	{"server_defaults", b_server_defaults,
	 "CREATE TABLE defaults (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(20) "
	 "DEFAULT 'it''s', \n\tn INTEGER DEFAULT (5), \n\tat DATETIME DEFAULT "
	 "CURRENT_TIMESTAMP, \n\tflag BOOLEAN DEFAULT (0), \n\tPRIMARY KEY "
	 "(id)\n)",
	 "CREATE TABLE defaults (\n\tid SERIAL NOT NULL, \n\tname VARCHAR(20) "
	 "DEFAULT 'it''s', \n\tn INTEGER DEFAULT 5, \n\tat TIMESTAMP WITHOUT "
	 "TIME ZONE DEFAULT CURRENT_TIMESTAMP, \n\tflag BOOLEAN DEFAULT false, "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE defaults (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\tname VARCHAR(20) DEFAULT 'it''s', \n\tn INTEGER DEFAULT 5, "
	 "\n\tat DATETIME DEFAULT CURRENT_TIMESTAMP, \n\tflag BOOL DEFAULT "
	 "false, \n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"server_default_parens", b_server_default_parens,
	 "CREATE TABLE stamps (\n\tid INTEGER NOT NULL, \n\tcode VARCHAR(20) "
	 "DEFAULT (lower('HI')), \n\tat DATETIME DEFAULT now(3), \n\tupd "
	 "DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, "
	 "\n\tneg INTEGER DEFAULT -1, \n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE stamps (\n\tid SERIAL NOT NULL, \n\tcode VARCHAR(20) "
	 "DEFAULT lower('HI'), \n\tat TIMESTAMP WITHOUT TIME ZONE DEFAULT "
	 "now(3), \n\tupd TIMESTAMP WITHOUT TIME ZONE DEFAULT "
	 "CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, \n\tneg INTEGER "
	 "DEFAULT -1, \n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE stamps (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\tcode VARCHAR(20) DEFAULT (lower('HI')), \n\tat DATETIME DEFAULT "
	 "now(3), \n\tupd DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE "
	 "CURRENT_TIMESTAMP, \n\tneg INTEGER DEFAULT (-1), \n\tPRIMARY KEY "
	 "(id)\n)",
	 NULL},
	{"check_expr", b_check_expr,
	 "CREATE TABLE prices (\n\tid INTEGER NOT NULL, \n\tprice NUMERIC(8, "
	 "2), \n\tPRIMARY KEY (id), \n\tCHECK (price > 0)\n)",
	 "CREATE TABLE prices (\n\tid SERIAL NOT NULL, \n\tprice NUMERIC(8, "
	 "2), \n\tPRIMARY KEY (id), \n\tCHECK (price > 0)\n)",
	 "CREATE TABLE prices (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\tprice NUMERIC(8, 2), \n\tPRIMARY KEY (id), \n\tCHECK (price > "
	 "0)\n)",
	 NULL},
	{"unique_index", b_unique_index,
	 "CREATE UNIQUE INDEX ix_emails_email ON emails (email)", NULL, NULL,
	 NULL},
	{"multi_column_index", b_multi_column_index,
	 "CREATE INDEX ix_people_name ON people (last, first)", NULL, NULL,
	 NULL},
	{"expression_index", b_expression_index,
	 "CREATE UNIQUE INDEX ix_logins_lower_email ON logins (lower(email))",
	 NULL,
	 "CREATE UNIQUE INDEX ix_logins_lower_email ON logins ((lower(email)))",
	 NULL},
	{"comments", b_comments,
	 "CREATE TABLE notes (\n\tid INTEGER NOT NULL, \n\tbody TEXT, "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE notes (\n\tid SERIAL NOT NULL, \n\tbody TEXT, "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE notes (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\tbody "
	 "TEXT COMMENT 'the note''s text', \n\tPRIMARY KEY "
	 "(id)\n)COMMENT='user notes'",
	 NULL},
	{"schema_fk", b_schema_fk,
	 "CREATE TABLE finance.ledger (\n\tid INTEGER NOT NULL, \n\taccount_id "
	 "INTEGER, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(account_id) "
	 "REFERENCES accounts (id)\n)",
	 "CREATE TABLE finance.ledger (\n\tid SERIAL NOT NULL, \n\taccount_id "
	 "INTEGER, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(account_id) "
	 "REFERENCES finance.accounts (id)\n)",
	 "CREATE TABLE finance.ledger (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\taccount_id INTEGER, \n\tPRIMARY KEY (id), \n\tFOREIGN "
	 "KEY(account_id) REFERENCES finance.accounts (id)\n)",
	 NULL},
	{"naming_convention", b_naming_convention,
	 "CREATE TABLE pets (\n\tid INTEGER NOT NULL, \n\ttag VARCHAR(10), "
	 "\n\towner_id INTEGER, \n\tCONSTRAINT pk_pets PRIMARY KEY (id), "
	 "\n\tCONSTRAINT ck_pets_positive CHECK (id > 0), \n\tCONSTRAINT "
	 "uq_pets_tag UNIQUE (tag), \n\tCONSTRAINT fk_pets_owner_id_owners "
	 "FOREIGN KEY(owner_id) REFERENCES owners (id)\n)",
	 "CREATE TABLE pets (\n\tid SERIAL NOT NULL, \n\ttag VARCHAR(10), "
	 "\n\towner_id INTEGER, \n\tCONSTRAINT pk_pets PRIMARY KEY (id), "
	 "\n\tCONSTRAINT ck_pets_positive CHECK (id > 0), \n\tCONSTRAINT "
	 "uq_pets_tag UNIQUE (tag), \n\tCONSTRAINT fk_pets_owner_id_owners "
	 "FOREIGN KEY(owner_id) REFERENCES owners (id)\n)",
	 "CREATE TABLE pets (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\ttag "
	 "VARCHAR(10), \n\towner_id INTEGER, \n\tCONSTRAINT pk_pets PRIMARY "
	 "KEY (id), \n\tCONSTRAINT ck_pets_positive CHECK (id > 0), "
	 "\n\tCONSTRAINT uq_pets_tag UNIQUE (tag), \n\tCONSTRAINT "
	 "fk_pets_owner_id_owners FOREIGN KEY(owner_id) REFERENCES owners "
	 "(id)\n)",
	 NULL},
	{"enum_named", b_enum_named,
	 "CREATE TABLE flags (\n\tid INTEGER NOT NULL, \n\tkind VARCHAR(4) NOT "
	 "NULL, \n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE flags (\n\tid SERIAL NOT NULL, \n\tkind kind NOT NULL, "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE flags (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\tkind "
	 "ENUM('a','b','it''s') NOT NULL, \n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"enum_unnamed", b_enum_unnamed,
	 "CREATE TABLE anon_enum (\n\tid INTEGER NOT NULL, \n\tkind "
	 "VARCHAR(2), \n\tPRIMARY KEY (id)\n)",
	 "!ECOMPILE",
	 "CREATE TABLE anon_enum (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\tkind ENUM('x','yy'), \n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"decorated_type", b_decorated_type,
	 "CREATE TABLE tagged (\n\tid INTEGER NOT NULL, \n\ttags VARCHAR(200), "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE tagged (\n\tid SERIAL NOT NULL, \n\ttags VARCHAR(200), "
	 "\n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE tagged (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\ttags VARCHAR(200), \n\tPRIMARY KEY (id)\n)",
	 NULL},
	{"self_reference", b_self_reference,
	 "CREATE TABLE nodes (\n\tid INTEGER NOT NULL, \n\tparent_id INTEGER, "
	 "\n\tPRIMARY KEY (id), \n\tFOREIGN KEY(parent_id) REFERENCES nodes "
	 "(id) ON DELETE CASCADE\n)",
	 "CREATE TABLE nodes (\n\tid SERIAL NOT NULL, \n\tparent_id INTEGER, "
	 "\n\tPRIMARY KEY (id), \n\tFOREIGN KEY(parent_id) REFERENCES nodes "
	 "(id) ON DELETE CASCADE\n)",
	 "CREATE TABLE nodes (\n\tid INTEGER NOT NULL AUTO_INCREMENT, "
	 "\n\tparent_id INTEGER, \n\tPRIMARY KEY (id), \n\tFOREIGN "
	 "KEY(parent_id) REFERENCES nodes (id) ON DELETE CASCADE\n)",
	 NULL},
	{"bad_on_delete", b_bad_on_delete, "!ECOMPILE", "!ECOMPILE",
	 "!ECOMPILE", NULL},
	{"unresolved_fk", b_unresolved_fk, "!EINVAL", "!EINVAL", "!EINVAL",
	 NULL},
	{"create_tz_time", b_create_tz_time,
	 "CREATE TABLE clock (\n\tid INTEGER NOT NULL, \n\tt TIME, \n\tts "
	 "DATETIME, \n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE clock (\n\tid SERIAL NOT NULL, \n\tt TIME WITH TIME "
	 "ZONE, \n\tts TIMESTAMP WITH TIME ZONE, \n\tPRIMARY KEY (id)\n)",
	 "CREATE TABLE clock (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\tt "
	 "TIME, \n\tts DATETIME, \n\tPRIMARY KEY (id)\n)",
	 NULL},
	/* END GOLDEN */
};

QR_GOLDEN_MAIN("compile_ddl", cases)
