/*
 * test_hostile_sql.c - hostile names and the literal-inlining renderer,
 * against a real database.
 *
 *   - identifiers with quotes of every dialect, spaces, reserved words,
 *     mixed case, parameter markers and punctuation are quoted correctly:
 *     a table of such columns is created, filled and read back through
 *     the expression language, and dropped;
 *   - the literal-inlining debug renderer (qr_compile_literal, SQLAlchemy's
 *     literal_binds) escapes per dialect: the rendered INSERT of hostile
 *     values, executed as SQL text, stores exactly those values, and the
 *     rendered SELECT matching them finds exactly one row. On PostgreSQL
 *     this also holds with standard_conforming_strings off, where a
 *     backslash in a plain '...' literal is an escape character.
 * docs/RELIABILITY.md lists these per backend.
 */
#include "test_support.h"

#include <quarry/compiler.h>
#include <quarry/dml.h>
#include <quarry/schema.h>
#include <quarry/select.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is(const char *backend)
{
	return strcmp(qr_test_backend(), backend) == 0;
}

/* Column names that need quoting, each for its own reason. */
static const char *const hostile_names[] = {
	"select",    "MixedCase",   "with space", "quote\"d",
	"back`tick", "single'q",    "semi;colon", "dash-name",
	"percent%s", "question?",   "colon:name", "dollar$1",
	"order",     "caf\xc3\xa9", " leading",   "brack[et]",
};
#define NNAMES (sizeof(hostile_names) / sizeof(hostile_names[0]))
#define TABLE_NAME "qt \"hostile\" `names`"

static qr_metadata *hostile_table(qr_table **out)
{
	qr_metadata *md = qr_metadata_new();
	qr_table *t;

	assert_non_null(md);
	t = qr_table(md, TABLE_NAME,
		     qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column(hostile_names[0], qr_string(60)),
		     qr_column(hostile_names[1], qr_string(60)),
		     qr_column(hostile_names[2], qr_string(60)),
		     qr_column(hostile_names[3], qr_string(60)),
		     qr_column(hostile_names[4], qr_string(60)),
		     qr_column(hostile_names[5], qr_string(60)),
		     qr_column(hostile_names[6], qr_string(60)),
		     qr_column(hostile_names[7], qr_string(60)),
		     qr_column(hostile_names[8], qr_string(60)),
		     qr_column(hostile_names[9], qr_string(60)),
		     qr_column(hostile_names[10], qr_string(60)),
		     qr_column(hostile_names[11], qr_string(60)),
		     qr_column(hostile_names[12], qr_string(60)),
		     qr_column(hostile_names[13], qr_string(60)),
		     qr_column(hostile_names[14], qr_string(60)),
		     qr_column(hostile_names[15], qr_string(60)));
	if (!t)
		fail_msg("table: %s", qr_error_last()->message);
	*out = t;
	return md;
}

static void exec_stmt(qr_conn *conn, qr_stmt *stmt)
{
	int rc = qr_conn_execute(NULL, conn, stmt, NULL);
	if (rc != 0)
		fail_msg("%s: %s", qr_error_last()->statement,
			 qr_error_last()->message);
	qr_stmt_free(stmt);
}

/* Identifiers: CREATE, INSERT, SELECT ... WHERE, UPDATE, DROP. */
static void test_hostile_identifiers(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = qr_test_connect(engine);
	qr_table *t;
	qr_metadata *md = hostile_table(&t);
	qr_expr *sets[NNAMES + 1];
	qr_result *res;
	const qr_row *row;
	const char *s;

	(void)state;
	qr_metadata_drop_all_conn(md, conn, true);
	qr_assert_ok(qr_conn_commit(conn));
	qr_assert_ok(qr_metadata_create_all_conn(md, conn, false));
	qr_assert_ok(qr_conn_commit(conn));

	/* Each column holds its own name. */
	sets[0] = qr_set("id", qr_bind_int(1));
	for (size_t i = 0; i < NNAMES; i++)
		sets[i + 1] = qr_set(hostile_names[i],
				     qr_bind_text(hostile_names[i]));
	exec_stmt(conn, qr_insert(t, qr_values_array(sets, NNAMES + 1)));
	exec_stmt(conn,
		  qr_update(t, qr_set("select", qr_bind_text("chosen")),
			    qr_where(qr_eq(qr_c(t, "id"), qr_bind_int(1)))));
	qr_assert_ok(qr_conn_commit(conn));

	for (size_t i = 0; i < NNAMES; i++) {
		const char *want = i == 0 ? "chosen" : hostile_names[i];
		qr_stmt *q = qr_select(qr_c(t, hostile_names[i]),
				       qr_where(qr_eq(qr_c(t, hostile_names[i]),
						      qr_bind_text(want))));
		assert_non_null(q);
		if (qr_conn_execute(&res, conn, q, NULL) != 0)
			fail_msg("column '%s': %s\n%s", hostile_names[i],
				 qr_error_last()->message,
				 qr_error_last()->statement);
		qr_assert_ok(qr_result_one(res, &row));
		qr_assert_ok(qr_row_text(row, 0, &s));
		assert_string_equal(s, want);
		/* The result column is named as the table's column. */
		assert_string_equal(qr_result_column_name(res, 0),
				    hostile_names[i]);
		qr_result_free(res);
		qr_stmt_free(q);
	}
	qr_assert_ok(qr_conn_commit(conn));
	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, false));
	qr_assert_ok(qr_conn_commit(conn));
	qr_metadata_free(md);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* ---- the literal renderer -------------------------------------------- */

static const char *const literal_payloads[] = {
	"O'Brien",
	"''",
	"\\",
	"\\'",
	"\\\\'",
	"a\\'; DROP TABLE qt_literal_canary; --",
	"'); DROP TABLE qt_literal_canary; --",
	"\\'); DROP TABLE qt_literal_canary; -- ",
	"\"; DROP TABLE qt_literal_canary; --",
	"$$; DROP TABLE qt_literal_canary; $$",
	"%s %% ? $1 :name \\:x ::int",
	"\\n\\t\\0\\Z\\b\\%\\_",
	"line\nbreak\ttab\r",
	"caf\xc3\xa9 \xe2\x80\xae",
	"",
};
#define NPAYLOADS (sizeof(literal_payloads) / sizeof(literal_payloads[0]))

/* Rendered SQL as a text() statement: every ':' escaped as "\:", since
 * text() (like SQLAlchemy's) does not look inside quotes. */
static qr_stmt *as_text(const char *sql)
{
	size_t n = strlen(sql), k = 0;
	char *esc = malloc(2 * n + 1);
	qr_stmt *stmt;

	assert_non_null(esc);
	for (size_t i = 0; i < n; i++) {
		if (sql[i] == ':')
			esc[k++] = '\\';
		esc[k++] = sql[i];
	}
	esc[k] = '\0';
	stmt = qr_text(esc);
	free(esc);
	assert_non_null(stmt);
	return stmt;
}

static void run_rendered(qr_conn *conn, qr_stmt *stmt, const char *dialect)
{
	char *sql;
	qr_stmt *text;

	qr_assert_ok(qr_compile_literal(&sql, stmt, dialect));
	text = as_text(sql);
	if (qr_conn_execute(NULL, conn, text, NULL) != 0)
		fail_msg("rendered SQL failed: %s\n%s",
			 qr_error_last()->message, sql);
	qr_stmt_free(text);
	qr_free(sql);
	qr_stmt_free(stmt);
}

static int64_t rendered_count(qr_conn *conn, qr_stmt *stmt, const char *dialect)
{
	char *sql;
	qr_stmt *text;
	qr_result *res;
	const qr_value *v;
	int64_t n = -1;

	qr_assert_ok(qr_compile_literal(&sql, stmt, dialect));
	text = as_text(sql);
	if (qr_conn_execute(&res, conn, text, NULL) != 0)
		fail_msg("rendered SQL failed: %s\n%s",
			 qr_error_last()->message, sql);
	assert_int_equal(qr_result_scalar(res, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(res);
	qr_stmt_free(text);
	qr_free(sql);
	qr_stmt_free(stmt);
	return n;
}

/* What a payload reads back as: itself, or (MySQL under
 * NO_BACKSLASH_ESCAPES) with every backslash doubled. */
static char *expected(const char *p, bool doubled)
{
	char *out = malloc(2 * strlen(p) + 1), *o = out;
	assert_non_null(out);
	for (; *p; p++) {
		if (doubled && *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static void literal_round_trip(qr_conn *conn, const char *dialect, bool doubled)
{
	qr_metadata *md = qr_metadata_new();
	qr_table *t = qr_table(md, "qt_literal",
			       qr_column("id", QR_INTEGER, .primary_key = true),
			       qr_column("txt", QR_TEXT),
			       qr_column("bin", QR_BINARY));
	qr_table *canary =
		qr_table(md, "qt_literal_canary",
			 qr_column("id", QR_INTEGER, .primary_key = true));
	qr_result *res;
	const qr_row *row;

	assert_non_null(t);
	assert_non_null(canary);
	qr_metadata_drop_all_conn(md, conn, true);
	qr_assert_ok(qr_conn_commit(conn));
	qr_assert_ok(qr_metadata_create_all_conn(md, conn, false));
	qr_assert_ok(qr_conn_commit(conn));

	for (size_t i = 0; i < NPAYLOADS; i++) {
		const char *p = literal_payloads[i];
		run_rendered(
			conn,
			qr_insert(t,
				  qr_values(qr_set("id",
						   qr_bind_int((int64_t)i + 1)),
					    qr_set("txt", qr_bind_text(p)),
					    qr_set("bin",
						   qr_bind_value(qr_val_blob(
							   p, strlen(p)))))),
			dialect);
	}
	qr_assert_ok(qr_conn_commit(conn));

	for (size_t i = 0; i < NPAYLOADS; i++) {
		const char *p = literal_payloads[i];
		const char *s;
		const void *b;
		size_t len;
		qr_stmt *q =
			qr_select(qr_c(t, "txt"), qr_c(t, "bin"),
				  qr_where(qr_eq(qr_c(t, "id"),
						 qr_bind_int((int64_t)i + 1))));
		/* Read back with bound parameters. */
		qr_assert_ok(qr_conn_execute(&res, conn, q, NULL));
		qr_assert_ok(qr_result_one(res, &row));
		qr_assert_ok(qr_row_text(row, 0, &s));
		char *want = expected(p, doubled);
		if (strcmp(s, want) != 0)
			fail_msg("payload %zu: stored '%s' for '%s'", i, s, p);
		free(want);
		qr_assert_ok(qr_row_blob(row, 1, &b, &len));
		assert_int_equal(len, strlen(p));
		assert_memory_equal(b, p, len);
		qr_result_free(res);
		qr_stmt_free(q);
		/* Matched by a rendered WHERE: exactly one row. */
		assert_int_equal(
			rendered_count(
				conn,
				qr_select(
					qr_count_star(), qr_from(t),
					qr_where(
						qr_eq(qr_c(t, "txt"),
						      qr_bind_text(p)),
						qr_eq(qr_c(t, "bin"),
						      qr_bind_value(qr_val_blob(
							      p, strlen(p)))))),
				dialect),
			1);
	}
	assert_int_equal(rendered_count(conn,
					qr_select(qr_count_star(), qr_from(t)),
					dialect),
			 (int64_t)NPAYLOADS);
	assert_int_equal(
		rendered_count(conn,
			       qr_select(qr_count_star(), qr_from(canary)),
			       dialect),
		0);
	qr_assert_ok(qr_conn_commit(conn));
	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, false));
	qr_assert_ok(qr_conn_commit(conn));
	qr_metadata_free(md);
}

static void test_literal_rendering(void **state)
{
	qr_engine *engine = qr_test_engine();
	qr_conn *conn = qr_test_connect(engine);

	(void)state;
	literal_round_trip(conn, qr_engine_dialect_name(engine), false);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* PostgreSQL with standard_conforming_strings off: a backslash in a
 * plain '...' literal escapes the next character there. */
static void test_literal_rendering_nonstandard_strings(void **state)
{
	qr_engine *engine;
	qr_conn *conn;

	(void)state;
	if (!is("postgresql"))
		skip();
	engine = qr_test_engine();
	conn = qr_test_connect(engine);
	qr_test_exec(conn, "SET standard_conforming_strings = off");
	qr_test_exec(conn, "SET escape_string_warning = off");
	qr_assert_ok(qr_conn_commit(conn));
	literal_round_trip(conn, "postgresql", false);
	/* The connection goes back to the pool: restore the setting. */
	qr_test_exec(conn, "SET standard_conforming_strings = on");
	qr_assert_ok(qr_conn_commit(conn));
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* MySQL with NO_BACKSLASH_ESCAPES: the renderer (which cannot know the
 * server's sql_mode) still doubles backslashes, so values holding one
 * read back with it doubled; but quotes are doubled too, so nothing a
 * value holds ever becomes SQL: every statement inserts one row, the
 * canary table stays empty. Bound parameters are unaffected. */
static void test_literal_rendering_no_backslash_escapes(void **state)
{
	qr_engine *engine;
	qr_conn *conn;

	(void)state;
	if (!is("mysql"))
		skip();
	engine = qr_test_engine();
	conn = qr_test_connect(engine);
	qr_test_exec(conn, "SET SESSION sql_mode = "
			   "CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
	qr_assert_ok(qr_conn_commit(conn));
	literal_round_trip(conn, "mysql", true);
	/* Not back to the pool with the changed mode. */
	qr_conn_invalidate(conn);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_hostile_identifiers),
	cmocka_unit_test(test_literal_rendering),
	cmocka_unit_test(test_literal_rendering_nonstandard_strings),
	cmocka_unit_test(test_literal_rendering_no_backslash_escapes),
};

QR_TEST_MAIN("hostile SQL", tests)
