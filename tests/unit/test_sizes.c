/*
 * test_sizes.c - sizes are checked before they are used: a length near
 * SIZE_MAX is refused with QR_ENOMEM (never wrapped around into a small
 * allocation followed by a huge copy), and buffers given with a capacity
 * are never written past it.
 */
#include "test_support.h"

#include "mem.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

static const size_t huge[] = {SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 7,
			      SIZE_MAX - 8, SIZE_MAX - 16};
#define NHUGE (sizeof(huge) / sizeof(huge[0]))

/* A value claiming a huge length is refused by a parameter set, which
 * stays usable and unchanged. */
static void test_params_refuse_huge_values(void **state)
{
	static const char bytes[] = "abc";
	qr_params *p = qr_params_new();

	(void)state;
	assert_non_null(p);
	qr_assert_ok(qr_params_text(p, "kept", "yes"));
	for (size_t i = 0; i < NHUGE; i++) {
		qr_error_clear();
		assert_int_equal(qr_params_blob(p, "b", bytes, huge[i]),
				 QR_ENOMEM);
		assert_int_equal(qr_error_last()->code, QR_ENOMEM);
		assert_int_equal(
			qr_params_set(p, "t", qr_val_textn(bytes, huge[i])),
			QR_ENOMEM);
	}
	assert_null(qr_params_get(p, 0, "b"));
	assert_null(qr_params_get(p, 0, "t"));
	assert_int_equal(qr_params_count(p, 0), 1);
	qr_assert_ok(qr_params_blob(p, "b", bytes, 3));
	assert_int_equal(qr_params_get(p, 0, "b")->u.s.len, 3);
	qr_params_free(p);
}

/* The internal copy of a value (bound values in compiled statements). */
static void test_value_copy_refuses_huge(void **state)
{
	qr_value v = qr_val_blob("x", 1), copy;
	char *storage = (char *)&copy; /* must be reset */

	(void)state;
	v.u.s.len = SIZE_MAX;
	assert_int_equal(qr_value__copy(&copy, &v, &storage), QR_ENOMEM);
	assert_null(storage);
	v.u.s.len = 1;
	qr_assert_ok(qr_value__copy(&copy, &v, &storage));
	assert_non_null(storage);
	assert_memory_equal(copy.u.s.ptr, "x", 2);
	free(storage);
}

/* The growable string refuses an append that would wrap its length. */
static void test_strbuf_refuses_wrap(void **state)
{
	qr_strbuf b = {0};

	(void)state;
	qr_assert_ok(qr_strbuf__puts(&b, "abc"));
	for (size_t i = 0; i < NHUGE; i++) {
		qr_strbuf c = {0};
		qr_assert_ok(qr_strbuf__puts(&c, "abc"));
		assert_int_equal(qr_strbuf__put(&c, "x", huge[i]), QR_ENOMEM);
		assert_int_equal(c.len, 3);
		assert_null(qr_strbuf__take(&c)); /* the error is kept */
	}
	assert_string_equal(b.s, "abc");
	qr_strbuf__free(&b);
}

/* Output buffers: a capacity of 0 or 1 is respected to the byte. */
static void test_small_output_buffers(void **state)
{
	char buf[8];
	qr_value num = qr_val_numeric("12.50");
	qr_date d = {2024, 1, 31};
	qr_time t = {13, 45, 0, 250000};
	qr_datetime dt = {d, t, true, 3600};

	(void)state;
	memset(buf, '#', sizeof(buf));
	assert_int_equal(qr_value_numeric(&num, buf, 0), QR_ERANGE);
	assert_int_equal(buf[0], '#');
	assert_int_equal(qr_value_numeric(&num, buf, 5), QR_ERANGE);
	assert_int_equal(buf[5], '#');
	qr_assert_ok(qr_value_numeric(&num, buf, 6));
	assert_string_equal(buf, "12.50");

	memset(buf, '#', sizeof(buf));
	assert_int_equal(qr_date_format(&d, buf, 0), QR_ERANGE);
	assert_int_equal(buf[0], '#');
	assert_int_equal(qr_time_format(&t, buf, sizeof(buf)), QR_ERANGE);
	assert_int_equal(qr_datetime_format(&dt, buf, sizeof(buf)), QR_ERANGE);
	assert_int_equal(qr_datetime_format(&dt, buf, 1), QR_ERANGE);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_params_refuse_huge_values),
	cmocka_unit_test(test_value_copy_refuses_huge),
	cmocka_unit_test(test_strbuf_refuses_wrap),
	cmocka_unit_test(test_small_output_buffers),
};

QR_TEST_MAIN("sizes", tests)
