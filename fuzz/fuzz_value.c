/*
 * fuzz_value.c - libFuzzer target for value conversions (core/value.c,
 * core/repr.c): what a driver hands back as result data, arbitrary.
 *
 * The first input byte picks how the rest is read:
 *   0..2  the bytes as a TEXT, NUMERIC or BLOB value
 *   3..8  the bytes as the raw fields of an INT, DOUBLE, BOOL, DATE, TIME
 *         or DATETIME value (any bit pattern, out-of-range fields too)
 * Every getter, repr() and the date/time formatters run on the value.
 * Checked:
 *   - a getter returns 0, QR_NULL or QR_ECONVERT/QR_ERANGE, never
 *     anything else;
 *   - repr() succeeds and gives a NUL-terminated string;
 *   - text that parses as a date, time or datetime formats to text that
 *     parses back to the same value (and that text is canonical);
 *   - a numeric rendering of a double reads back as the same double;
 *   - numeric text fits any buffer it claims to fit, and a too-small
 *     buffer gives QR_ERANGE without writing past it.
 */
#include <quarry.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void violated(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_value: %s (%s)\n  last error: %s\n", what,
		detail ? detail : "", qr_error_last()->message);
	abort();
}

static void expect_rc(int rc, const char *getter)
{
	if (rc != 0 && rc != QR_NULL && rc != QR_ECONVERT && rc != QR_ERANGE)
		violated("unexpected return code", getter);
	if (rc < 0 && qr_error_last()->code != rc)
		violated("error code not recorded", getter);
}

static void numeric_into(const qr_value *v)
{
	static const size_t caps[] = {1, 2, 8, 24, 64, 400};
	char canary[512];

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		/* The buffer is exactly cap bytes: ASan sees overruns. */
		char *buf = malloc(caps[i]);
		if (!buf)
			return;
		int rc = qr_value_numeric(v, buf, caps[i]);
		expect_rc(rc, "numeric");
		if (rc == 0 && strlen(buf) >= caps[i])
			violated("numeric overran its buffer", buf);
		if (rc == 0 && v->kind == QR_VDOUBLE &&
		    strtod(buf, NULL) != v->u.d)
			violated("numeric of a double reads back differently",
				 buf);
		free(buf);
	}
	expect_rc(qr_value_numeric(v, canary, sizeof(canary)), "numeric");
}

static void getters(const qr_value *v)
{
	int64_t i;
	double d;
	bool b;
	const char *s;
	const void *blob;
	size_t len;
	qr_date date;
	qr_time time;
	qr_datetime dt;
	char *repr;

	expect_rc(qr_value_int64(v, &i), "int64");
	expect_rc(qr_value_double(v, &d), "double");
	expect_rc(qr_value_bool(v, &b), "bool");
	expect_rc(qr_value_text(v, &s, &len), "text");
	expect_rc(qr_value_blob(v, &blob, &len), "blob");
	expect_rc(qr_value_date(v, &date), "date");
	expect_rc(qr_value_time(v, &time), "time");
	expect_rc(qr_value_datetime(v, &dt), "datetime");
	numeric_into(v);
	if (qr_value_repr(&repr, v) != 0)
		violated("repr failed", qr_vkind_name(v->kind));
	(void)strlen(repr);
	qr_free(repr);
	/* NaN is the one value unequal to itself, as in IEEE and Python. */
	if (!(v->kind == QR_VDOUBLE && isnan(v->u.d)) && !qr_value_equal(v, v))
		violated("a value differs from itself", qr_vkind_name(v->kind));
}

/* Formats at several capacities; the full one must succeed. */
static void formats(const qr_value *v)
{
	static const size_t caps[] = {1, 5, 11, 20, 30, 64};
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char *buf = malloc(caps[i]);
		int n = 0;
		if (!buf)
			return;
		if (v->kind == QR_VDATE)
			n = qr_date_format(&v->u.date, buf, caps[i]);
		else if (v->kind == QR_VTIME)
			n = qr_time_format(&v->u.time, buf, caps[i]);
		else if (v->kind == QR_VDATETIME)
			n = qr_datetime_format(&v->u.datetime, buf, caps[i]);
		if (n != QR_ERANGE && n < 0)
			violated("format failed", qr_vkind_name(v->kind));
		if (n >= 0 && (size_t)n >= caps[i])
			violated("format overran its buffer",
				 qr_vkind_name(v->kind));
		if (n >= 0 && strlen(buf) != (size_t)n)
			violated("format length is not strlen", buf);
		free(buf);
	}
}

/* Parse, format, parse again: the same value and the same text. */
static void date_round_trips(const char *text, size_t len)
{
	char buf[96], buf2[96];
	qr_date d, d2;
	qr_time t, t2;
	qr_datetime dt, dt2;

	if (qr_date_parse(&d, text, len) == 0) {
		qr_value a = qr_val_null(), b = qr_val_null();
		if (qr_date_format(&d, buf, sizeof(buf)) < 0 ||
		    qr_date_parse(&d2, buf, strlen(buf)) != 0)
			violated("a parsed date does not format and parse",
				 buf);
		a.kind = b.kind = QR_VDATE;
		a.u.date = d;
		b.u.date = d2;
		if (!qr_value_equal(&a, &b))
			violated("date round trip changed the value", buf);
	}
	if (qr_time_parse(&t, text, len) == 0) {
		qr_value a = qr_val_null(), b = qr_val_null();
		if (qr_time_format(&t, buf, sizeof(buf)) < 0 ||
		    qr_time_parse(&t2, buf, strlen(buf)) != 0)
			violated("a parsed time does not format and parse",
				 buf);
		a.kind = b.kind = QR_VTIME;
		a.u.time = t;
		b.u.time = t2;
		if (!qr_value_equal(&a, &b))
			violated("time round trip changed the value", buf);
	}
	if (qr_datetime_parse(&dt, text, len) == 0) {
		qr_value a = qr_val_null(), b = qr_val_null();
		if (qr_datetime_format(&dt, buf, sizeof(buf)) < 0 ||
		    qr_datetime_parse(&dt2, buf, strlen(buf)) != 0)
			violated("a parsed datetime does not format and parse",
				 buf);
		a.kind = b.kind = QR_VDATETIME;
		a.u.datetime = dt;
		b.u.datetime = dt2;
		if (!qr_value_equal(&a, &b))
			violated("datetime round trip changed the value", buf);
		if (qr_datetime_format(&dt2, buf2, sizeof(buf2)) < 0 ||
		    strcmp(buf, buf2))
			violated("datetime format is not canonical", buf2);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	qr_value v = qr_val_null();
	char *copy;
	size_t n;

	if (size == 0)
		return 0;
	n = size - 1;
	/* Exactly n bytes (plus the NUL text values carry) so that ASan
	 * catches any read past the value. */
	copy = malloc(n + 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, n);
	copy[n] = '\0';

	switch (data[0] % 9) {
	case 0:
		v = qr_val_textn(copy, n);
		date_round_trips(copy, n);
		break;
	case 1:
		v = qr_val_textn(copy, n);
		v.kind = QR_VNUMERIC;
		break;
	case 2:
		v = qr_val_blob(copy, n);
		break;
	case 3:
		v.kind = QR_VINT;
		memcpy(&v.u.i, copy, n < sizeof(v.u.i) ? n : sizeof(v.u.i));
		break;
	case 4:
		v.kind = QR_VDOUBLE;
		memcpy(&v.u.d, copy, n < sizeof(v.u.d) ? n : sizeof(v.u.d));
		break;
	case 5:
		v.kind = QR_VBOOL;
		v.u.b = n > 0 && (copy[0] & 1);
		break;
	case 6:
		v.kind = QR_VDATE;
		memcpy(&v.u.date, copy,
		       n < sizeof(v.u.date) ? n : sizeof(v.u.date));
		break;
	case 7:
		v.kind = QR_VTIME;
		memcpy(&v.u.time, copy,
		       n < sizeof(v.u.time) ? n : sizeof(v.u.time));
		break;
	default:
		/* Field by field: a bool may only hold 0 or 1. */
		v.kind = QR_VDATETIME;
		if (n >= sizeof(v.u.datetime.date) + sizeof(v.u.datetime.time) +
				 sizeof(int32_t) + 1) {
			const char *p = copy;
			memcpy(&v.u.datetime.date, p,
			       sizeof(v.u.datetime.date));
			p += sizeof(v.u.datetime.date);
			memcpy(&v.u.datetime.time, p,
			       sizeof(v.u.datetime.time));
			p += sizeof(v.u.datetime.time);
			memcpy(&v.u.datetime.offset_seconds, p,
			       sizeof(int32_t));
			p += sizeof(int32_t);
			v.u.datetime.has_offset = *p & 1;
		}
		break;
	}
	getters(&v);
	if (v.kind >= QR_VDATE)
		formats(&v);
	free(copy);
	return 0;
}
