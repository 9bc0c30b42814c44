/*
 * repr.c - Python-style repr() of values and rows, for echo logging and
 * for programs that print results as SQLAlchemy's tutorials do.
 */
#include "repr.h"

#include <quarry/sys/error.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Python's str repr: quote choice and escapes as CPython does. */
static void repr_text(qr_strbuf *b, const char *s, size_t n, bool bytes)
{
	bool has_single = memchr(s, '\'', n) != NULL;
	bool has_double = memchr(s, '"', n) != NULL;
	char q = (has_single && !has_double) ? '"' : '\'';

	if (bytes)
		qr_strbuf__putc(b, 'b');
	qr_strbuf__putc(b, q);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == (unsigned char)q || c == '\\') {
			qr_strbuf__putc(b, '\\');
			qr_strbuf__putc(b, (char)c);
		} else if (c == '\n') {
			qr_strbuf__puts(b, "\\n");
		} else if (c == '\r') {
			qr_strbuf__puts(b, "\\r");
		} else if (c == '\t') {
			qr_strbuf__puts(b, "\\t");
		} else if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80)) {
			qr_strbuf__printf(b, "\\x%02x", c);
		} else {
			qr_strbuf__putc(b, (char)c);
		}
	}
	qr_strbuf__putc(b, q);
}

/* Python's float repr: shortest round-trip digits, always a '.' or 'e'. */
static void repr_double(qr_strbuf *b, double d)
{
	char tmp[64];
	if (isnan(d)) {
		qr_strbuf__puts(b, "nan");
		return;
	}
	if (isinf(d)) {
		qr_strbuf__puts(b, d < 0 ? "-inf" : "inf");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* Python switches to exponent notation at 1e16 and below 1e-4. */
	double a = fabs(d);
	if (a != 0 && (a >= 1e16 || a < 1e-4)) {
		char *e = strchr(tmp, 'e');
		if (e) {
			/* Python writes e+16 / e-05 as e+16 / e-05. */
			qr_strbuf__puts(b, tmp);
			return;
		}
	} else if (strchr(tmp, 'e')) {
		snprintf(tmp, sizeof(tmp), "%.17g", d);
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(tmp, sizeof(tmp), "%.*f", prec, d);
			if (strtod(tmp, NULL) == d)
				break;
		}
	}
	qr_strbuf__puts(b, tmp);
	if (!strpbrk(tmp, ".e"))
		qr_strbuf__puts(b, ".0");
}

void qr_repr__value(qr_strbuf *b, const qr_value *v)
{
	switch (v->kind) {
	case QR_VNULL:
		qr_strbuf__puts(b, "None");
		break;
	case QR_VINT:
		qr_strbuf__printf(b, "%" PRId64, v->u.i);
		break;
	case QR_VDOUBLE:
		repr_double(b, v->u.d);
		break;
	case QR_VBOOL:
		qr_strbuf__puts(b, v->u.b ? "True" : "False");
		break;
	case QR_VTEXT:
		repr_text(b, v->u.s.ptr, v->u.s.len, false);
		break;
	case QR_VBLOB:
		repr_text(b, v->u.s.ptr, v->u.s.len, true);
		break;
	case QR_VNUMERIC:
		qr_strbuf__puts(b, "Decimal('");
		qr_strbuf__put(b, v->u.s.ptr, v->u.s.len);
		qr_strbuf__puts(b, "')");
		break;
	case QR_VDATE:
		qr_strbuf__printf(b, "datetime.date(%d, %d, %d)",
				  (int)v->u.date.year, v->u.date.month,
				  v->u.date.day);
		break;
	case QR_VTIME: {
		const qr_time *t = &v->u.time;
		qr_strbuf__printf(b, "datetime.time(%d, %d", t->hour,
				  t->minute);
		if (t->second || t->microsecond)
			qr_strbuf__printf(b, ", %d", t->second);
		if (t->microsecond)
			qr_strbuf__printf(b, ", %u", (unsigned)t->microsecond);
		qr_strbuf__putc(b, ')');
		break;
	}
	case QR_VLIST:
		/* An expanding parameter's values: a Python list. */
		qr_strbuf__putc(b, '[');
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i)
				qr_strbuf__puts(b, ", ");
			qr_repr__value(b, &v->u.list.items[i]);
		}
		qr_strbuf__putc(b, ']');
		break;
	case QR_VDATETIME: {
		const qr_datetime *dt = &v->u.datetime;
		qr_strbuf__printf(b, "datetime.datetime(%d, %d, %d, %d, %d",
				  (int)dt->date.year, dt->date.month,
				  dt->date.day, dt->time.hour, dt->time.minute);
		if (dt->time.second || dt->time.microsecond)
			qr_strbuf__printf(b, ", %d", dt->time.second);
		if (dt->time.microsecond)
			qr_strbuf__printf(b, ", %u",
					  (unsigned)dt->time.microsecond);
		if (dt->has_offset)
			qr_strbuf__printf(
				b,
				", tzinfo=datetime.timezone(%sdatetime."
				"timedelta(seconds=%d))",
				"", dt->offset_seconds);
		qr_strbuf__putc(b, ')');
		break;
	}
	}
}

void qr_repr__tuple(qr_strbuf *b, const qr_value *values, size_t n)
{
	qr_strbuf__putc(b, '(');
	for (size_t i = 0; i < n; i++) {
		if (i)
			qr_strbuf__puts(b, ", ");
		qr_repr__value(b, &values[i]);
	}
	if (n == 1)
		qr_strbuf__putc(b, ',');
	qr_strbuf__putc(b, ')');
}

int qr_value_repr(char **out, const qr_value *v)
{
	qr_strbuf b = {0};
	if (!out || !v)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_value_repr given NULL");
	qr_repr__value(&b, v);
	*out = qr_strbuf__take(&b);
	return *out ? 0 : QR_ENOMEM;
}
