/*
 * test_values.c - qr_value conversions, date/time parsing and formatting,
 * Python-style repr, parameter sets and the error model.
 */
#include "test_support.h"

#include <quarry/sys/dialect.h>
#include <quarry/sys/error.h>

#include <stdio.h>
#include <string.h>

static void test_int_conversions(void **state)
{
	(void)state;
	int64_t i;
	qr_value v = qr_val_int(-7);
	qr_assert_ok(qr_value_int64(&v, &i));
	assert_int_equal(i, -7);
	v = qr_val_double(3.0);
	qr_assert_ok(qr_value_int64(&v, &i));
	assert_int_equal(i, 3);
	v = qr_val_double(3.5);
	assert_int_equal(qr_value_int64(&v, &i), QR_ECONVERT);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_DATA);
	v = qr_val_double(1e300);
	assert_int_equal(qr_value_int64(&v, &i), QR_ERANGE);
	v = qr_val_text(" 42 ");
	qr_assert_ok(qr_value_int64(&v, &i));
	assert_int_equal(i, 42);
	v = qr_val_text("99999999999999999999");
	assert_int_equal(qr_value_int64(&v, &i), QR_ERANGE);
	v = qr_val_numeric("12.000");
	qr_assert_ok(qr_value_int64(&v, &i));
	assert_int_equal(i, 12);
	v = qr_val_text("abc");
	assert_int_equal(qr_value_int64(&v, &i), QR_ECONVERT);
	v = qr_val_bool(true);
	qr_assert_ok(qr_value_int64(&v, &i));
	assert_int_equal(i, 1);
	v = qr_val_null();
	i = 5;
	assert_int_equal(qr_value_int64(&v, &i), QR_NULL);
	assert_int_equal(i, 0);
	assert_int_equal(qr_value_int64(NULL, &i), QR_EINVAL);
	v = qr_val_blob("ab", 2);
	assert_int_equal(qr_value_int64(&v, &i), QR_ECONVERT);
}

static void test_double_and_bool(void **state)
{
	(void)state;
	double d;
	bool b;
	qr_value v = qr_val_text("2.5e3");
	qr_assert_ok(qr_value_double(&v, &d));
	assert_true(d == 2500.0);
	v = qr_val_text("x1");
	assert_int_equal(qr_value_double(&v, &d), QR_ECONVERT);
	v = qr_val_int(1);
	qr_assert_ok(qr_value_bool(&v, &b));
	assert_true(b);
	v = qr_val_int(2);
	assert_int_equal(qr_value_bool(&v, &b), QR_ECONVERT);
	v = qr_val_text("f");
	qr_assert_ok(qr_value_bool(&v, &b));
	assert_false(b);
	v = qr_val_text("TRUE");
	qr_assert_ok(qr_value_bool(&v, &b));
	assert_true(b);
	v = qr_val_text("maybe");
	assert_int_equal(qr_value_bool(&v, &b), QR_ECONVERT);
}

static void test_numeric(void **state)
{
	(void)state;
	char buf[64];
	qr_value v = qr_val_double(0.1);
	qr_assert_ok(qr_value_numeric(&v, buf, sizeof(buf)));
	assert_string_equal(buf, "0.1");
	v = qr_val_int(-12);
	qr_assert_ok(qr_value_numeric(&v, buf, sizeof(buf)));
	assert_string_equal(buf, "-12");
	v = qr_val_numeric("-0.000100");
	qr_assert_ok(qr_value_numeric(&v, buf, sizeof(buf)));
	assert_string_equal(buf, "-0.000100");
	v = qr_val_text("1.2.3");
	assert_int_equal(qr_value_numeric(&v, buf, sizeof(buf)), QR_ECONVERT);
	v = qr_val_numeric("123456");
	assert_int_equal(qr_value_numeric(&v, buf, 4), QR_ERANGE);
}

static void test_dates(void **state)
{
	(void)state;
	qr_date d;
	qr_time t;
	qr_datetime dt;
	char buf[64];

	qr_assert_ok(qr_date_parse(&d, "2024-02-29", 10));
	assert_int_equal(qr_date_parse(&d, "2023-02-29", 10), QR_ECONVERT);
	assert_int_equal(qr_date_parse(&d, "2024-13-01", 10), QR_ECONVERT);
	assert_int_equal(qr_date_parse(&d, "2024-1-01", 9), QR_ECONVERT);
	qr_assert_ok(qr_time_parse(&t, "23:59:59.5", 10));
	assert_int_equal(t.microsecond, 500000);
	qr_assert_ok(qr_time_parse(&t, "07:05", 5));
	assert_int_equal(t.minute, 5);
	assert_int_equal(qr_time_parse(&t, "24:00:00", 8), QR_ECONVERT);
	qr_assert_ok(
		qr_datetime_parse(&dt, "2024-01-31T10:20:30.123456+05:30", 32));
	assert_true(dt.has_offset);
	assert_int_equal(dt.offset_seconds, 5 * 3600 + 1800);
	assert_int_equal(dt.time.microsecond, 123456);
	qr_assert_ok(qr_datetime_parse(&dt, "2024-01-31 10:20:30Z", 20));
	assert_true(dt.has_offset);
	assert_int_equal(dt.offset_seconds, 0);
	qr_assert_ok(qr_datetime_parse(&dt, "2024-01-31", 10));
	assert_int_equal(dt.time.hour, 0);
	assert_int_equal(qr_datetime_parse(&dt, "2024-01-31 x", 12),
			 QR_ECONVERT);

	dt.date = (qr_date){2024, 1, 31};
	dt.time = (qr_time){13, 45, 0, 250};
	dt.has_offset = true;
	dt.offset_seconds = -3600;
	assert_int_equal(qr_datetime_format(&dt, buf, sizeof(buf)), 32);
	assert_string_equal(buf, "2024-01-31 13:45:00.000250-01:00");
	assert_int_equal(qr_datetime_format(&dt, buf, 10), QR_ERANGE);
	qr_value v = qr_val_text("2024-01-31 13:45:00");
	qr_assert_ok(qr_value_date(&v, &d));
	assert_int_equal(d.day, 31);
	v = qr_val_date(2020, 5, 6);
	qr_assert_ok(qr_value_datetime(&v, &dt));
	assert_int_equal(dt.date.month, 5);
	v = qr_val_int(3);
	assert_int_equal(qr_value_time(&v, &t), QR_ECONVERT);
}

static void check_repr(qr_value v, const char *expected)
{
	char *s;
	qr_assert_ok(qr_value_repr(&s, &v));
	assert_string_equal(s, expected);
	qr_free(s);
}

static void test_repr(void **state)
{
	(void)state;
	check_repr(qr_val_null(), "None");
	check_repr(qr_val_int(5), "5");
	check_repr(qr_val_double(2.5), "2.5");
	check_repr(qr_val_double(3), "3.0");
	check_repr(qr_val_double(0.1), "0.1");
	check_repr(qr_val_double(1e16), "1e+16");
	check_repr(qr_val_double(123456.0), "123456.0");
	check_repr(qr_val_bool(true), "True");
	check_repr(qr_val_text("ed"), "'ed'");
	check_repr(qr_val_text("Wendy's"), "\"Wendy's\"");
	check_repr(qr_val_text("a'b\"c"), "'a\\'b\"c'");
	check_repr(qr_val_text("line\nnext"), "'line\\nnext'");
	check_repr(qr_val_blob("a\x01", 2), "b'a\\x01'");
	check_repr(qr_val_numeric("1.50"), "Decimal('1.50')");
	check_repr(qr_val_date(2024, 1, 31), "datetime.date(2024, 1, 31)");
	check_repr(qr_val_time(13, 45, 0, 0), "datetime.time(13, 45)");
	check_repr(qr_val_datetime((qr_date){2024, 1, 31},
				   (qr_time){13, 45, 7, 0}),
		   "datetime.datetime(2024, 1, 31, 13, 45, 7)");
}

static void test_params(void **state)
{
	(void)state;
	char buf[8] = "abc";
	qr_params *p = qr_params_new();
	qr_assert_ok(qr_params_text(p, "a", buf));
	buf[0] = 'X'; /* the set keeps its own copy */
	qr_assert_ok(qr_params_int(p, "b", 2));
	qr_assert_ok(qr_params_int(p, "b", 3)); /* replaces */
	assert_int_equal(qr_params_count(p, 0), 2);
	const qr_value *v = qr_params_get(p, 0, "a");
	assert_string_equal(v->u.s.ptr, "abc");
	assert_int_equal(qr_params_get(p, 0, "b")->u.i, 3);
	assert_string_equal(qr_params_name_at(p, 0, 1), "b");
	assert_null(qr_params_get(p, 0, "zzz"));
	qr_assert_ok(qr_params_next_row(p));
	assert_int_equal(qr_params_row_count(p), 2);
	assert_null(qr_params_get(p, 1, "a"));
	qr_params_reset(p);
	assert_int_equal(qr_params_row_count(p), 1);
	assert_int_equal(qr_params_count(p, 0), 0);
	assert_int_equal(qr_params_int(NULL, "x", 1), QR_EINVAL);
	assert_int_equal(qr_params_int(p, "", 1), QR_EINVAL);
	qr_params_free(p);
	qr_params_free(NULL);
}

/* Names that share a prefix are different names; a name set again in
 * a row replaces its value, as text or as a scalar, in any order; rows
 * past the first and many names grow the arrays. */
static void test_params_names_and_values(void **state)
{
	(void)state;
	static const char *const names[] = {"id", "idx", "i", "ide", "d"};
	char name[16];
	qr_params *p = qr_params_new();
	for (int round = 0; round < 2; round++) {
		qr_params_reset(p);
		for (int64_t i = 0; i < 5; i++)
			qr_assert_ok(qr_params_int(p, names[i], i + round));
		for (int64_t i = 0; i < 5; i++)
			assert_int_equal(qr_params_get(p, 0, names[i])->u.i,
					 i + round);
		assert_int_equal(qr_params_count(p, 0), 5);
		/* text over a scalar, a scalar over text */
		qr_assert_ok(qr_params_text(p, "idx", "ten"));
		assert_string_equal(qr_params_get(p, 0, "idx")->u.s.ptr, "ten");
		qr_assert_ok(qr_params_int(p, "idx", 11));
		assert_int_equal(qr_params_get(p, 0, "idx")->kind, QR_VINT);
		assert_int_equal(qr_params_get(p, 0, "idx")->u.i, 11);
		assert_int_equal(qr_params_count(p, 0), 5);
		assert_null(qr_params_get(p, 0, "idxx"));
		assert_null(qr_params_get(p, 0, "x"));
	}
	/* rows: the names of row 0 in another order, one left out */
	qr_assert_ok(qr_params_next_row(p));
	qr_assert_ok(qr_params_int(p, "d", 40));
	qr_assert_ok(qr_params_int(p, "id", 41));
	qr_assert_ok(qr_params_int(p, "ide", 42));
	qr_assert_ok(qr_params_int(p, "id", 43)); /* replaces */
	assert_int_equal(qr_params_count(p, 1), 3);
	assert_int_equal(qr_params_get(p, 1, "id")->u.i, 43);
	assert_null(qr_params_get(p, 1, "i"));
	assert_int_equal(qr_params_get(p, 0, "id")->u.i, 1);
	/* many names in one row */
	qr_params_reset(p);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		qr_assert_ok(qr_params_int(p, name, i));
	}
	assert_int_equal(qr_params_count(p, 0), 300);
	for (int i = 0; i < 300; i += 37) {
		snprintf(name, sizeof(name), "n%d", i);
		assert_int_equal(qr_params_get(p, 0, name)->u.i, i);
	}
	qr_params_free(p);
}

/* qr_params_add_row: a row of row 0's names in its order, texts copied
 * or borrowed; a count that is not row 0's, or NULL, is refused and
 * adds nothing. */
static void test_params_add_row(void **state)
{
	(void)state;
	char text[8] = "two";
	qr_value vals[3] = {qr_val_int(2), qr_val_text(text),
			    qr_val_blob("xy", 2)};
	qr_params *p = qr_params_new();
	qr_assert_ok(qr_params_int(p, "id", 1));
	qr_assert_ok(qr_params_text(p, "name", "one"));
	qr_assert_ok(qr_params_null(p, "data"));
	qr_assert_ok(qr_params_add_row(p, vals, 3, 0));
	qr_assert_ok(qr_params_add_row(p, vals, 3, QR_PARAMS_BORROW));
	text[0] = 'T'; /* row 1 copied it, row 2 borrows it */
	assert_int_equal(qr_params_row_count(p), 3);
	for (size_t row = 1; row < 3; row++) {
		assert_int_equal(qr_params_count(p, row), 3);
		assert_string_equal(qr_params_name_at(p, row, 1), "name");
		assert_int_equal(qr_params_get(p, row, "id")->u.i, 2);
		assert_int_equal(qr_params_get(p, row, "data")->u.s.len, 2);
		assert_memory_equal(qr_params_get(p, row, "data")->u.s.ptr,
				    "xy", 2);
	}
	assert_string_equal(qr_params_get(p, 1, "name")->u.s.ptr, "two");
	assert_ptr_equal(qr_params_get(p, 2, "name")->u.s.ptr, text);
	assert_string_equal(qr_params_get(p, 0, "name")->u.s.ptr, "one");
	/* the setters go on after it: a name set again replaces */
	qr_assert_ok(qr_params_int(p, "id", 9));
	assert_int_equal(qr_params_get(p, 2, "id")->u.i, 9);
	assert_int_equal(qr_params_count(p, 2), 3);
	assert_int_equal(qr_params_add_row(p, vals, 2, 0), QR_EINVAL);
	assert_int_equal(qr_params_add_row(p, NULL, 3, 0), QR_EINVAL);
	assert_int_equal(qr_params_add_row(NULL, vals, 3, 0), QR_EINVAL);
	assert_int_equal(qr_params_row_count(p), 3);
	/* no names: empty rows */
	qr_params_reset(p);
	qr_assert_ok(qr_params_add_row(p, NULL, 0, 0));
	assert_int_equal(qr_params_row_count(p), 2);
	assert_int_equal(qr_params_count(p, 1), 0);
	qr_params_free(p);
}

static void test_error_model(void **state)
{
	(void)state;
	qr_error_clear();
	assert_int_equal(qr_error_last()->code, 0);
	assert_int_equal(qr_error_set_db(QR_EDB, QR_ECLASS_NONE, "23505", 7,
					 false, "dup\nkey"),
			 QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	assert_string_equal(qr_error_last()->sqlstate, "23505");
	assert_string_equal(qr_error_last()->message, "dup key");
	assert_int_equal(qr_errclass_from_sqlstate("42601"),
			 QR_ECLASS_PROGRAMMING);
	assert_int_equal(qr_errclass_from_sqlstate("08006"),
			 QR_ECLASS_OPERATIONAL);
	assert_int_equal(qr_errclass_from_sqlstate("22012"), QR_ECLASS_DATA);
	assert_string_equal(qr_errclass_name(QR_ECLASS_INTEGRITY),
			    "IntegrityError");
	assert_string_equal(qr_strerror(QR_ENOMEM), "out of memory");
	char longsql[3000];
	memset(longsql, 'x', sizeof(longsql) - 1);
	longsql[sizeof(longsql) - 1] = '\0';
	qr_error_set_statement(longsql);
	assert_int_equal(strlen(qr_error_last()->statement),
			 QR_ERROR_STATEMENT_MAX - 1);
}

static void test_reserved_words_sorted(void **state)
{
	(void)state;
	const char *names[] = {"sqlite", "postgresql", "mysql"};
	for (size_t n = 0; n < 3; n++) {
		const qr_dialect *d;
		if (qr_dialect_find(&d, names[n]) != 0)
			continue; /* a dialect not built in this configuration
				   */
		for (size_t i = 1; i < d->reserved_word_count; i++) {
			if (strcmp(d->reserved_words[i - 1],
				   d->reserved_words[i]) >= 0)
				fail_msg("%s reserved words not sorted at '%s'",
					 names[n], d->reserved_words[i]);
		}
		assert_true(qr_dialect_needs_quote(d, "select"));
		assert_true(qr_dialect_needs_quote(d, "Users"));
		assert_true(qr_dialect_needs_quote(d, "my col"));
		assert_true(qr_dialect_needs_quote(d, "1abc"));
		assert_false(qr_dialect_needs_quote(d, "users"));
		assert_false(qr_dialect_needs_quote(d, "user_id2"));
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_conversions),
		cmocka_unit_test(test_double_and_bool),
		cmocka_unit_test(test_numeric),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_repr),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_params_names_and_values),
		cmocka_unit_test(test_params_add_row),
		cmocka_unit_test(test_error_model),
		cmocka_unit_test(test_reserved_words_sorted),
	};
	return qr_test_run(argc, argv, "values", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
