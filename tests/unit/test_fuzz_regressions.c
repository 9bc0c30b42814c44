/*
 * test_fuzz_regressions.c - every input the fuzz targets (fuzz/) found to
 * break a property, kept as a test of the property it broke. The
 * reproducing inputs are also in fuzz/corpus/<target>/ as crash-* files.
 */
#include "test_support.h"

#include <quarry/compiler.h>
#include <quarry/select.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

/* fuzz_value: formatting a datetime whose offset is INT32_MIN seconds
 * negated an int (undefined behaviour). */
static void test_datetime_format_extreme_offset(void **state)
{
	qr_datetime dt = {{2024, 1, 31}, {13, 45, 0, 0}, true, INT32_MIN};
	char buf[64];

	(void)state;
	int n = qr_datetime_format(&dt, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(strlen(buf), n);
	/* 2147483648 s = 596523 h 14 min */
	assert_string_equal(buf, "2024-01-31 13:45:00-596523:14");
	dt.offset_seconds = INT32_MAX;
	assert_true(qr_datetime_format(&dt, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "2024-01-31 13:45:00+596523:14");
}

/* fuzz_value: "+99:99" parsed as an offset of 100 h 39 min, which then
 * formatted as text that does not parse. Offsets are under 24 hours with
 * minutes under 60, as Python's datetime.fromisoformat() requires. */
static void test_datetime_offset_range(void **state)
{
	static const char *const bad[] = {
		"2024-01-31T13:45:00+99:99", "2024-01-31T13:45:00+23:60",
		"2024-01-31T13:45:00+24:00", "2024-01-31T13:45:00-2400",
		"2024-01-31T13:45:00+05:",   "2024-01-31T13:45:00+05:3",
	};
	qr_datetime dt;
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (qr_datetime_parse(&dt, bad[i], strlen(bad[i])) !=
		    QR_ECONVERT)
			fail_msg("'%s' parsed", bad[i]);
	}
	qr_assert_ok(qr_datetime_parse(&dt, "2024-01-31T13:45:00-23:59", 25));
	assert_int_equal(dt.offset_seconds, -(23 * 3600 + 59 * 60));
	assert_true(qr_datetime_format(&dt, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "2024-01-31 13:45:00-23:59");
	qr_assert_ok(qr_datetime_parse(&dt, "2024-01-31 13:45:00+0530", 24));
	assert_int_equal(dt.offset_seconds, 5 * 3600 + 30 * 60);
}

/* fuzz_expr: a text value holding a NUL byte, inlined by the literal
 * renderer, cut the rendered C string inside the literal. MySQL writes
 * it as \0; the other dialects, which have no such escape, refuse. */
static void test_literal_nul_in_text(void **state)
{
	static const char *const dialects[] = {"sqlite", "postgresql", "mysql"};
	char *sql;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		qr_stmt *s = qr_select(qr_bind_value(qr_val_textn("a\0b'", 4)));
		int rc = qr_compile_literal(&sql, s, dialects[i]);
		if (i < 2) {
			assert_int_equal(rc, QR_ECONVERT);
			assert_non_null(
				strstr(qr_error_last()->message, "NUL"));
		} else {
			qr_assert_ok(rc);
			assert_non_null(strstr(sql, "'a\\0b'''"));
			qr_free(sql);
		}
		qr_stmt_free(s);
	}
}

/* fuzz_expr: a name holding the byte 0x01 (the compiler's bind marker)
 * made the compiler read a parameter index out of the name, far out of
 * bounds. Such bytes are refused in names and SQL fragments; in bound
 * values, which never enter the SQL text, they are fine. */
static void test_marker_bytes_in_names(void **state)
{
	static const char *const dialects[] = {"sqlite", "postgresql", "mysql"};
	qr_compiled *c;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		qr_stmt *s = qr_select(qr_column_ref("a\x01"
						     "5830608675099264\x02"));
		assert_int_equal(qr_compile(&c, s, dialects[i]), QR_ECOMPILE);
		assert_null(c);
		qr_stmt_free(s);
		s = qr_select(qr_label(qr_bind_int(1), "x\x02y"));
		assert_int_equal(qr_compile(&c, s, dialects[i]), QR_ECOMPILE);
		qr_stmt_free(s);
		s = qr_select(qr_bind_text("value \x01\x02 is bound"));
		qr_assert_ok(qr_compile(&c, s, dialects[i]));
		assert_int_equal(qr_compiled_param_count(c), 1);
		qr_compiled_free(c);
		qr_stmt_free(s);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_datetime_format_extreme_offset),
	cmocka_unit_test(test_datetime_offset_range),
	cmocka_unit_test(test_literal_nul_in_text),
	cmocka_unit_test(test_marker_bytes_in_names),
};

QR_TEST_MAIN("fuzz regressions", tests)
