/*
 * test_text.c - text() bind-parameter parsing and compilation to each
 * dialect's parameter style, without a database.
 */
#include "test_support.h"

#include <string.h>

typedef struct text_case {
	const char *sql;
	const char *dialect;
	const char *expected_sql;
	const char *expected_params; /* names joined by ',' */
} text_case;

static const text_case cases[] = {
	{"SELECT * FROM t WHERE a = :a", "sqlite",
	 "SELECT * FROM t WHERE a = ?", "a"},
	{"SELECT * FROM t WHERE a = :a", "postgresql",
	 "SELECT * FROM t WHERE a = $1", "a"},
	{"SELECT * FROM t WHERE a = :a", "mysql", "SELECT * FROM t WHERE a = ?",
	 "a"},
	/* The same name twice: qmark repeats, numeric reuses. */
	{"SELECT :x, :y, :x", "sqlite", "SELECT ?, ?, ?", "x,y,x"},
	{"SELECT :x, :y, :x", "postgresql", "SELECT $1, $2, $1", "x,y"},
	/* Escaped colon. */
	{"SELECT '10\\:30', :p", "sqlite", "SELECT '10:30', ?", "p"},
	/* PostgreSQL casts are not parameters, and as in SQLAlchemy a name
	 * directly followed by "::" is not one either. */
	{"SELECT :v::int", "postgresql", "SELECT :v::int", ""},
	{"SELECT x::text FROM t", "postgresql", "SELECT x::text FROM t", ""},
	/* A colon after a word character is not a parameter. */
	{"SELECT '12:30:00'", "sqlite", "SELECT '12:30:00'", ""},
	{"SELECT a:b", "sqlite", "SELECT a:b", ""},
	/* As in SQLAlchemy, quotes are not considered. */
	{"SELECT ' :q '", "sqlite", "SELECT ' ? '", "q"},
	/* (?!:) backtracks: ":abc:" binds "ab" and leaves "c:". */
	{"SELECT :abc:", "sqlite", "SELECT ?c:", "ab"},
	{"SELECT :a:", "sqlite", "SELECT :a:", ""},
	/* Names with digits and underscores, at the end of the text. */
	{"UPDATE t SET v = :new_value_2", "postgresql", "UPDATE t SET v = $1",
	 "new_value_2"},
	/* A lone colon, a colon at the end. */
	{"SELECT ':' || :s || ':'", "sqlite", "SELECT ':' || ? || ':'", "s"},
	{"SELECT 1:", "sqlite", "SELECT 1:", ""},
	/* No parameters at all. */
	{"SELECT 1", "postgresql", "SELECT 1", ""},
	/* Unicode letters are word characters. */
	{"SELECT :caf\xc3\xa9", "sqlite", "SELECT ?", "caf\xc3\xa9"},
};

static void check_case(const text_case *c)
{
	qr_compiled *cp;
	char names[256] = "";
	qr_stmt *stmt = qr_text(c->sql);
	assert_non_null(stmt);
	qr_assert_ok(qr_compile(&cp, stmt, c->dialect));
	assert_string_equal(qr_compiled_sql(cp), c->expected_sql);
	for (size_t i = 0; i < qr_compiled_param_count(cp); i++) {
		if (i)
			strcat(names, ",");
		strcat(names, qr_compiled_param_name(cp, i));
		assert_null(qr_compiled_param_value(cp, i));
	}
	if (strcmp(names, c->expected_params) != 0)
		fail_msg("%s [%s]: params '%s', expected '%s'", c->sql,
			 c->dialect, names, c->expected_params);
	qr_compiled_free(cp);
	qr_stmt_free(stmt);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

static void test_dialect_with_driver_name(void **state)
{
	(void)state;
	qr_compiled *cp;
	qr_stmt *stmt = qr_text("SELECT :a");
	qr_assert_ok(qr_compile(&cp, stmt, "postgresql+libpq"));
	assert_string_equal(qr_compiled_sql(cp), "SELECT $1");
	qr_compiled_free(cp);
	qr_stmt_free(stmt);
}

static void test_unknown_dialect(void **state)
{
	(void)state;
	qr_compiled *cp = (qr_compiled *)&cp;
	qr_stmt *stmt = qr_text("SELECT 1");
	assert_int_equal(qr_compile(&cp, stmt, "oracle"), QR_ENODIALECT);
	assert_null(cp);
	assert_non_null(strstr(qr_error_last()->message, "oracle"));
	qr_stmt_free(stmt);
}

static void test_null_propagation(void **state)
{
	(void)state;
	qr_compiled *cp;
	qr_error_clear();
	assert_null(qr_text(NULL));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_int_equal(qr_compile(&cp, NULL, "sqlite"), QR_EINVAL);
	assert_null(cp);
}

static void test_refcount(void **state)
{
	(void)state;
	qr_stmt *stmt = qr_text("SELECT :a");
	assert_ptr_equal(qr_expr_ref(stmt), stmt);
	qr_stmt_free(stmt);
	qr_compiled *cp;
	qr_assert_ok(qr_compile(&cp, stmt, "sqlite")); /* still alive */
	qr_compiled_free(cp);
	qr_stmt_free(stmt);
	qr_stmt_free(NULL);
	assert_null(qr_expr_ref(NULL));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_dialect_with_driver_name),
		cmocka_unit_test(test_unknown_dialect),
		cmocka_unit_test(test_null_propagation),
		cmocka_unit_test(test_refcount),
	};
	return qr_test_run(argc, argv, "text", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
