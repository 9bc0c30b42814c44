/*
 * test_compile_ops_mariadb.c - MariaDB's spellings of the regular
 * expression operators with flags (the pattern takes them, as
 * SQLAlchemy's MySQLCompiler does for MariaDB), of FETCH FIRST and
 * LATERAL, and the argument checks and NULL propagation of the constructors of
 * quarry/expr.h's further operators.
 */
#include "golden.h"

static void expect(qr_stmt *s, const char *dialect, const char *sql)
{
	qr_compiled *c = NULL;
	qr_assert_ok(qr_compile(&c, s, dialect));
	assert_string_equal(qr_compiled_sql(c), sql);
	qr_compiled_free(c);
	qr_stmt_free(s);
}

static void test_mariadb_regexp_flags(void **state)
{
	(void)state;
	expect(qr_regexp_match(C(users, "name"), TXT("^j"), "i"), "mariadb",
	       "users.name REGEXP CONCAT('(?', 'i', ')', ?)");
	expect(qr_not_regexp_match(C(users, "name"), TXT("^j"), "i"), "mariadb",
	       "users.name NOT REGEXP CONCAT('(?', 'i', ')', ?)");
	expect(qr_regexp_replace(C(users, "name"), TXT("a+"), TXT("b"), "i"),
	       "mariadb",
	       "REGEXP_REPLACE(users.name, CONCAT('(?', 'i', ')', ?), ?)");
	expect(qr_regexp_match(C(users, "name"), TXT("^j"), NULL), "mariadb",
	       "users.name REGEXP ?");
	/* FETCH FIRST: MariaDB 10.6+ has it, unparenthesised. */
	expect(qr_select(C(users, "id"), qr_order_by(C(users, "id")),
			 qr_offset(1), qr_fetch(2, QR_FETCH_WITH_TIES)),
	       "mariadb",
	       "SELECT users.id \nFROM users ORDER BY users.id\n OFFSET ? "
	       "ROWS\n FETCH FIRST ? ROWS WITH TIES");
	/* LATERAL: MySQL 8.0.14+ only */
	qr_stmt *lat = qr_select(
		qr_star(), qr_from(qr_lateral(qr_select(C(users, "id")), "l")));
	qr_compiled *c = NULL;
	assert_int_equal(qr_compile(&c, lat, "mariadb"), QR_ENOTSUP);
	assert_string_equal(qr_error_last()->message,
			    "LATERAL is not supported by the mariadb dialect");
	qr_stmt_free(lat);
	assert_null(qr_fetch(1, 1u << 5));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_null(qr_values_from("v", QR_NAMES("a"), NULL, NULL, 0));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_null(qr_with_only_columns(qr_select(C(users, "id")),
					 qr_where(qr_true())));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_null(qr_with_only_columns(qr_bind_int(1), C(users, "id")));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	/* Other operators spell as on MySQL. */
	expect(qr_bitwise_xor(C(users, "id"), INT(3)), "mariadb",
	       "users.id ^ ?");
}

static void test_bad_arguments(void **state)
{
	(void)state;
	qr_error_clear();
	assert_null(qr_extract("year; DROP", C(users, "id")));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_null(qr_regexp_match(C(users, "name"), TXT("x"), "i'"));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_null(qr_within_group(qr_bind_int(1), C(users, "id")));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_null(qr_collate(C(users, "name"), NULL));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);

	/* A NULL operand (an earlier error) propagates; the first error is
	 * kept and the other operands are released (no leak under ASan). */
	qr_error_clear();
	assert_null(qr_c(users, "nmae"));
	int first = qr_error_last()->code;
	assert_null(qr_regexp_replace(C(users, "name"), NULL, TXT("b"), NULL));
	assert_null(qr_bitwise_and(NULL, INT(1)));
	assert_null(qr_icontains(C(users, "name"), NULL));
	assert_null(qr_any_(NULL));
	assert_null(qr_collate(NULL, "C"));
	assert_null(qr_extract("year", NULL));
	assert_null(qr_within_group(qr_func("mode"), NULL));
	assert_int_equal(qr_error_last()->code, first);
}

int main(int argc, char **argv)
{
	golden_fixtures();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mariadb_regexp_flags),
		cmocka_unit_test(test_bad_arguments),
	};
	int rc = qr_test_run(argc, argv, "compile_ops_mariadb", tests,
			     sizeof(tests) / sizeof(tests[0]));
	qr_metadata_free(g_md);
	return rc;
}
