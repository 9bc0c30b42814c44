/*
 * value.c - qr_value constructors and typed conversions (see
 * include/quarry/value.h for the conversion rules).
 */
#include "attrs.h"

#include <quarry/sys/error.h>
#include <quarry/value.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

qr_value qr_val_text(const char *text)
{
	return text ? qr_val_textn(text, strlen(text)) : qr_val_null();
}

qr_value qr_val_textn(const char *text, size_t len)
{
	qr_value v = {QR_VTEXT, {0}};
	if (!text)
		return qr_val_null();
	v.u.s.ptr = text;
	v.u.s.len = len;
	return v;
}

qr_value qr_val_numeric(const char *decimal)
{
	qr_value v = qr_val_text(decimal);
	if (decimal)
		v.kind = QR_VNUMERIC;
	return v;
}

qr_value qr_val_blob(const void *data, size_t len)
{
	qr_value v = {QR_VBLOB, {0}};
	if (!data && len)
		return qr_val_null();
	v.u.s.ptr = data ? (const char *)data : "";
	v.u.s.len = len;
	return v;
}

qr_value qr_val_date(int year, int month, int day)
{
	qr_value v = {QR_VDATE, {0}};
	v.u.date.year = year;
	v.u.date.month = (uint8_t)month;
	v.u.date.day = (uint8_t)day;
	return v;
}

qr_value qr_val_time(int hour, int minute, int second, int microsecond)
{
	qr_value v = {QR_VTIME, {0}};
	v.u.time.hour = (uint8_t)hour;
	v.u.time.minute = (uint8_t)minute;
	v.u.time.second = (uint8_t)second;
	v.u.time.microsecond = (uint32_t)microsecond;
	return v;
}

qr_value qr_val_datetime(qr_date date, qr_time time)
{
	qr_value v = {QR_VDATETIME, {0}};
	v.u.datetime.date = date;
	v.u.datetime.time = time;
	return v;
}

const char *qr_vkind_name(qr_vkind kind)
{
	static const char *const names[] = {
		"NULL",    "INTEGER", "DOUBLE", "BOOLEAN", "TEXT",
		"NUMERIC", "BLOB",    "DATE",   "TIME",    "DATETIME"};
	if ((unsigned)kind < sizeof(names) / sizeof(names[0]))
		return names[kind];
	return "UNKNOWN";
}

bool qr_value_is_null(const qr_value *v)
{
	return !v || v->kind == QR_VNULL;
}

static int cannot_convert(const qr_value *v, const char *to)
{
	return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
			    "cannot convert a %s value to %s",
			    qr_vkind_name(v->kind), to);
}

static int check_value(const qr_value *v, void *out)
{
	if (!v || !out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "value getter given a NULL %s",
				    v ? "output" : "value");
	return 0;
}

/* Parses a whole decimal integer from text; 1 if it is not one. */
static int parse_int_text(const char *p, size_t len, int64_t *out)
{
	char buf[32];
	char *end;

	while (len && isspace((unsigned char)*p))
		p++, len--;
	while (len && isspace((unsigned char)p[len - 1]))
		len--;
	if (len == 0 || len >= sizeof(buf))
		return 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	errno = 0;
	long long x = strtoll(buf, &end, 10);
	if (*end != '\0')
		return 1;
	if (errno == ERANGE)
		return qr_error_set(QR_ERANGE, QR_ECLASS_DATA,
				    "integer '%s' is out of range for int64",
				    buf);
	*out = x;
	return 0;
}

/* Parses decimal text as a double; 1 if it is not a number. */
static int parse_double_text(const char *p, size_t len, double *out)
{
	char buf[128];
	char *end;

	if (len == 0 || len >= sizeof(buf))
		return 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	*out = strtod(buf, &end);
	while (isspace((unsigned char)*end))
		end++;
	return *end != '\0' || end == buf;
}

/* qr_value_int64 past its common case, out of line so that the common
 * case costs no stack frame. */
static QR_NOINLINE int value_int64(const qr_value *v, int64_t *out)
{
	int rc = check_value(v, out);
	if (rc)
		return rc;
	*out = 0;
	switch (v->kind) {
	case QR_VNULL:
		return QR_NULL;
	case QR_VINT:
		*out = v->u.i;
		return 0;
	case QR_VBOOL:
		*out = v->u.b;
		return 0;
	case QR_VDOUBLE:
		if (!isfinite(v->u.d) || v->u.d != floor(v->u.d))
			return cannot_convert(v, "an integer without loss");
		if (v->u.d < -9223372036854775808.0 ||
		    v->u.d >= 9223372036854775808.0)
			return qr_error_set(QR_ERANGE, QR_ECLASS_DATA,
					    "%g is out of range for int64",
					    v->u.d);
		*out = (int64_t)v->u.d;
		return 0;
	case QR_VTEXT:
	case QR_VNUMERIC:
		rc = parse_int_text(v->u.s.ptr, v->u.s.len, out);
		if (rc == 1) {
			/* "12.000" is an integer; "12.5" is not. */
			double d;
			if (parse_double_text(v->u.s.ptr, v->u.s.len, &d) ==
				    0 &&
			    d == floor(d) && fabs(d) < 9007199254740992.0) {
				*out = (int64_t)d;
				return 0;
			}
			return qr_error_set(
				QR_ECONVERT, QR_ECLASS_DATA,
				"text '%.*s' is not an integer",
				(int)(v->u.s.len > 64 ? 64 : v->u.s.len),
				v->u.s.ptr);
		}
		return rc;
	default:
		return cannot_convert(v, "an integer");
	}
}

int qr_value_int64(const qr_value *v, int64_t *out)
{
	if (v && out && v->kind == QR_VINT) {
		*out = v->u.i; /* the common case first */
		return 0;
	}
	return value_int64(v, out);
}

int qr_value_double(const qr_value *v, double *out)
{
	int rc = check_value(v, out);
	if (rc)
		return rc;
	*out = 0;
	switch (v->kind) {
	case QR_VNULL:
		return QR_NULL;
	case QR_VINT:
		*out = (double)v->u.i;
		return 0;
	case QR_VBOOL:
		*out = v->u.b;
		return 0;
	case QR_VDOUBLE:
		*out = v->u.d;
		return 0;
	case QR_VTEXT:
	case QR_VNUMERIC:
		if (parse_double_text(v->u.s.ptr, v->u.s.len, out) == 0)
			return 0;
		return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
				    "text '%.*s' is not a number",
				    (int)(v->u.s.len > 64 ? 64 : v->u.s.len),
				    v->u.s.ptr);
	default:
		return cannot_convert(v, "a double");
	}
}

static bool text_is(const qr_value *v, const char *word)
{
	size_t n = strlen(word);
	if (v->u.s.len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (tolower((unsigned char)v->u.s.ptr[i]) != word[i])
			return false;
	}
	return true;
}

int qr_value_bool(const qr_value *v, bool *out)
{
	int rc = check_value(v, out);
	if (rc)
		return rc;
	*out = false;
	switch (v->kind) {
	case QR_VNULL:
		return QR_NULL;
	case QR_VBOOL:
		*out = v->u.b;
		return 0;
	case QR_VINT:
		if (v->u.i != 0 && v->u.i != 1)
			return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
					    "integer %" PRId64
					    " is not a boolean (0 or 1)",
					    v->u.i);
		*out = v->u.i == 1;
		return 0;
	case QR_VTEXT:
	case QR_VNUMERIC:
		if (text_is(v, "1") || text_is(v, "t") || text_is(v, "true") ||
		    text_is(v, "y") || text_is(v, "yes") || text_is(v, "on")) {
			*out = true;
			return 0;
		}
		if (text_is(v, "0") || text_is(v, "f") || text_is(v, "false") ||
		    text_is(v, "n") || text_is(v, "no") || text_is(v, "off"))
			return 0;
		return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
				    "text '%.*s' is not a boolean",
				    (int)(v->u.s.len > 64 ? 64 : v->u.s.len),
				    v->u.s.ptr);
	default:
		return cannot_convert(v, "a boolean");
	}
}

/* qr_value_text past its common case (see value_int64). */
static QR_NOINLINE int value_text(const qr_value *v, const char **out,
				  size_t *len)
{
	int rc = check_value(v, out);
	if (rc)
		return rc;
	*out = NULL;
	if (len)
		*len = 0;
	switch (v->kind) {
	case QR_VNULL:
		return QR_NULL;
	case QR_VTEXT:
	case QR_VNUMERIC:
		*out = v->u.s.ptr;
		if (len)
			*len = v->u.s.len;
		return 0;
	default:
		return cannot_convert(v, "text");
	}
}

int qr_value_text(const qr_value *v, const char **out, size_t *len)
{
	if (v && out && v->kind == QR_VTEXT) {
		*out = v->u.s.ptr; /* the common case first */
		if (len)
			*len = v->u.s.len;
		return 0;
	}
	return value_text(v, out, len);
}

int qr_value_blob(const qr_value *v, const void **out, size_t *len)
{
	int rc = check_value(v, out);
	if (rc)
		return rc;
	*out = NULL;
	if (len)
		*len = 0;
	switch (v->kind) {
	case QR_VNULL:
		return QR_NULL;
	case QR_VBLOB:
	case QR_VTEXT:
		*out = v->u.s.ptr;
		if (len)
			*len = v->u.s.len;
		return 0;
	default:
		return cannot_convert(v, "a blob");
	}
}

/* Whether text is a plain decimal: [+-]digits[.digits][e[+-]digits]. */
static bool is_decimal_text(const char *p, size_t len)
{
	size_t i = 0, digits = 0;
	if (i < len && (p[i] == '+' || p[i] == '-'))
		i++;
	while (i < len && isdigit((unsigned char)p[i]))
		i++, digits++;
	if (i < len && p[i] == '.') {
		i++;
		while (i < len && isdigit((unsigned char)p[i]))
			i++, digits++;
	}
	if (digits == 0)
		return false;
	if (i < len && (p[i] == 'e' || p[i] == 'E')) {
		size_t exp_digits = 0;
		i++;
		if (i < len && (p[i] == '+' || p[i] == '-'))
			i++;
		while (i < len && isdigit((unsigned char)p[i]))
			i++, exp_digits++;
		if (exp_digits == 0)
			return false;
	}
	return i == len;
}

static int put_text(char *buf, size_t cap, const char *s, size_t n)
{
	if (n + 1 > cap)
		return qr_error_set(QR_ERANGE, QR_ECLASS_DATA,
				    "numeric text of %zu bytes does not fit a "
				    "buffer of %zu",
				    n, cap);
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

int qr_value_numeric(const qr_value *v, char *buf, size_t cap)
{
	char tmp[64];
	int n;

	if (!v || !buf)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_value_numeric given NULL");
	if (cap)
		buf[0] = '\0';
	switch (v->kind) {
	case QR_VNULL:
		return QR_NULL;
	case QR_VINT:
		n = snprintf(tmp, sizeof(tmp), "%" PRId64, v->u.i);
		return put_text(buf, cap, tmp, (size_t)n);
	case QR_VBOOL:
		return put_text(buf, cap, v->u.b ? "1" : "0", 1);
	case QR_VDOUBLE:
		if (!isfinite(v->u.d))
			return cannot_convert(v, "an exact numeric");
		/* The shortest text that reads back as the same double. */
		for (int prec = 1; prec <= 17; prec++) {
			n = snprintf(tmp, sizeof(tmp), "%.*g", prec, v->u.d);
			if (strtod(tmp, NULL) == v->u.d)
				break;
		}
		return put_text(buf, cap, tmp, (size_t)n);
	case QR_VNUMERIC:
	case QR_VTEXT:
		if (!is_decimal_text(v->u.s.ptr, v->u.s.len))
			return qr_error_set(
				QR_ECONVERT, QR_ECLASS_DATA,
				"text '%.*s' is not a decimal number",
				(int)(v->u.s.len > 64 ? 64 : v->u.s.len),
				v->u.s.ptr);
		return put_text(buf, cap, v->u.s.ptr, v->u.s.len);
	default:
		return cannot_convert(v, "an exact numeric");
	}
}

/* ---- dates and times ---------------------------------------------- */

static int digits(const char *p, size_t len, size_t *pos, int count, int *out)
{
	int x = 0;
	for (int i = 0; i < count; i++) {
		if (*pos >= len || !isdigit((unsigned char)p[*pos]))
			return -1;
		x = x * 10 + (p[(*pos)++] - '0');
	}
	*out = x;
	return 0;
}

static bool days_valid(int y, int m, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1)
		return false;
	int max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	return d <= max;
}

static int bad_text(const char *what, const char *text, size_t len)
{
	return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
			    "text '%.*s' is not a valid %s",
			    (int)(len > 64 ? 64 : len), text, what);
}

static int parse_date_at(qr_date *out, const char *p, size_t len, size_t *pos)
{
	int y, m, d;
	if (digits(p, len, pos, 4, &y) || *pos >= len || p[(*pos)++] != '-' ||
	    digits(p, len, pos, 2, &m) || *pos >= len || p[(*pos)++] != '-' ||
	    digits(p, len, pos, 2, &d) || !days_valid(y, m, d))
		return -1;
	out->year = y;
	out->month = (uint8_t)m;
	out->day = (uint8_t)d;
	return 0;
}

static int parse_time_at(qr_time *out, const char *p, size_t len, size_t *pos)
{
	int h, mi, s = 0, us = 0;
	if (digits(p, len, pos, 2, &h) || *pos >= len || p[(*pos)++] != ':' ||
	    digits(p, len, pos, 2, &mi))
		return -1;
	if (*pos < len && p[*pos] == ':') {
		(*pos)++;
		if (digits(p, len, pos, 2, &s))
			return -1;
		if (*pos < len && p[*pos] == '.') {
			int nd = 0;
			(*pos)++;
			while (*pos < len && isdigit((unsigned char)p[*pos])) {
				if (nd < 6) {
					us = us * 10 + (p[*pos] - '0');
					nd++;
				}
				(*pos)++;
			}
			if (nd == 0)
				return -1;
			while (nd++ < 6)
				us *= 10;
		}
	}
	if (h > 23 || mi > 59 || s > 60)
		return -1;
	out->hour = (uint8_t)h;
	out->minute = (uint8_t)mi;
	out->second = (uint8_t)s;
	out->microsecond = (uint32_t)us;
	return 0;
}

int qr_date_parse(qr_date *out, const char *text, size_t len)
{
	size_t pos = 0;
	qr_date d;
	if (!out || !text)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_date_parse given NULL");
	if (parse_date_at(&d, text, len, &pos) || pos != len)
		return bad_text("date (YYYY-MM-DD)", text, len);
	*out = d;
	return 0;
}

int qr_time_parse(qr_time *out, const char *text, size_t len)
{
	size_t pos = 0;
	qr_time t;
	if (!out || !text)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_time_parse given NULL");
	if (parse_time_at(&t, text, len, &pos) || pos != len)
		return bad_text("time (HH:MM:SS[.ffffff])", text, len);
	*out = t;
	return 0;
}

int qr_datetime_parse(qr_datetime *out, const char *text, size_t len)
{
	size_t pos = 0;
	qr_datetime dt;

	if (!out || !text)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_datetime_parse given NULL");
	memset(&dt, 0, sizeof(dt));
	if (parse_date_at(&dt.date, text, len, &pos))
		return bad_text("datetime", text, len);
	if (pos < len && (text[pos] == ' ' || text[pos] == 'T')) {
		pos++;
		if (parse_time_at(&dt.time, text, len, &pos))
			return bad_text("datetime", text, len);
		if (pos < len && (text[pos] == 'Z' || text[pos] == 'z')) {
			dt.has_offset = true;
			pos++;
		} else if (pos < len &&
			   (text[pos] == '+' || text[pos] == '-')) {
			int sign = text[pos++] == '-' ? -1 : 1;
			int oh, om = 0;
			if (digits(text, len, &pos, 2, &oh))
				return bad_text("datetime", text, len);
			/* "+HH", "+HHMM" or "+HH:MM", under 24 hours. */
			if (pos < len && text[pos] == ':') {
				pos++;
				if (digits(text, len, &pos, 2, &om))
					return bad_text("datetime", text, len);
			} else if (pos < len &&
				   digits(text, len, &pos, 2, &om)) {
				return bad_text("datetime", text, len);
			}
			if (oh > 23 || om > 59)
				return bad_text("datetime", text, len);
			dt.has_offset = true;
			dt.offset_seconds = sign * (oh * 3600 + om * 60);
		}
	}
	if (pos != len)
		return bad_text("datetime", text, len);
	*out = dt;
	return 0;
}

static int formatted(int n, size_t cap)
{
	if (n < 0 || (size_t)n >= cap)
		return qr_error_set(QR_ERANGE, QR_ECLASS_DATA,
				    "buffer of %zu bytes too small to format",
				    cap);
	return n;
}

int qr_date_format(const qr_date *d, char *buf, size_t cap)
{
	return formatted(snprintf(buf, cap, "%04d-%02d-%02d", (int)d->year,
				  d->month, d->day),
			 cap);
}

int qr_time_format(const qr_time *t, char *buf, size_t cap)
{
	int n;
	if (t->microsecond)
		n = snprintf(buf, cap, "%02d:%02d:%02d.%06u", t->hour,
			     t->minute, t->second, (unsigned)t->microsecond);
	else
		n = snprintf(buf, cap, "%02d:%02d:%02d", t->hour, t->minute,
			     t->second);
	return formatted(n, cap);
}

int qr_datetime_format(const qr_datetime *dt, char *buf, size_t cap)
{
	int n = qr_date_format(&dt->date, buf, cap);
	if (n < 0)
		return n;
	if ((size_t)n + 1 >= cap)
		return formatted(-1, cap);
	buf[n++] = ' ';
	int m = qr_time_format(&dt->time, buf + n, cap - (size_t)n);
	if (m < 0)
		return m;
	n += m;
	if (dt->has_offset) {
		/* Widened: -INT32_MIN does not fit an int. */
		long long off = dt->offset_seconds;
		char sign = off < 0 ? '-' : '+';
		if (off < 0)
			off = -off;
		m = snprintf(buf + n, cap - (size_t)n, "%c%02lld:%02lld", sign,
			     off / 3600, (off % 3600) / 60);
		if (formatted(m, cap - (size_t)n) < 0)
			return QR_ERANGE;
		n += m;
	}
	return n;
}

int qr_value_date(const qr_value *v, qr_date *out)
{
	int rc = check_value(v, out);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	switch (v->kind) {
	case QR_VNULL:
		return QR_NULL;
	case QR_VDATE:
		*out = v->u.date;
		return 0;
	case QR_VDATETIME:
		*out = v->u.datetime.date;
		return 0;
	case QR_VTEXT: {
		/* A datetime's text also yields its date. */
		qr_datetime dt;
		if (v->u.s.len > 10) {
			rc = qr_datetime_parse(&dt, v->u.s.ptr, v->u.s.len);
			if (rc == 0)
				*out = dt.date;
			return rc;
		}
		return qr_date_parse(out, v->u.s.ptr, v->u.s.len);
	}
	default:
		return cannot_convert(v, "a date");
	}
}

int qr_value_time(const qr_value *v, qr_time *out)
{
	int rc = check_value(v, out);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	switch (v->kind) {
	case QR_VNULL:
		return QR_NULL;
	case QR_VTIME:
		*out = v->u.time;
		return 0;
	case QR_VDATETIME:
		*out = v->u.datetime.time;
		return 0;
	case QR_VTEXT:
		return qr_time_parse(out, v->u.s.ptr, v->u.s.len);
	default:
		return cannot_convert(v, "a time");
	}
}

int qr_value_datetime(const qr_value *v, qr_datetime *out)
{
	int rc = check_value(v, out);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	switch (v->kind) {
	case QR_VNULL:
		return QR_NULL;
	case QR_VDATETIME:
		*out = v->u.datetime;
		return 0;
	case QR_VDATE:
		out->date = v->u.date;
		return 0;
	case QR_VTEXT:
		return qr_datetime_parse(out, v->u.s.ptr, v->u.s.len);
	default:
		return cannot_convert(v, "a datetime");
	}
}

bool qr_value_equal(const qr_value *a, const qr_value *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case QR_VNULL:
		return true;
	case QR_VLIST:
		if (a->u.list.n != b->u.list.n)
			return false;
		for (size_t i = 0; i < a->u.list.n; i++) {
			if (!qr_value_equal(&a->u.list.items[i],
					    &b->u.list.items[i]))
				return false;
		}
		return true;
	case QR_VINT:
		return a->u.i == b->u.i;
	case QR_VDOUBLE:
		return a->u.d == b->u.d;
	case QR_VBOOL:
		return a->u.b == b->u.b;
	case QR_VTEXT:
	case QR_VNUMERIC:
	case QR_VBLOB:
		return a->u.s.len == b->u.s.len &&
		       (a->u.s.len == 0 ||
			memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0);
	case QR_VDATE:
		return a->u.date.year == b->u.date.year &&
		       a->u.date.month == b->u.date.month &&
		       a->u.date.day == b->u.date.day;
	case QR_VTIME:
		return a->u.time.hour == b->u.time.hour &&
		       a->u.time.minute == b->u.time.minute &&
		       a->u.time.second == b->u.time.second &&
		       a->u.time.microsecond == b->u.time.microsecond;
	case QR_VDATETIME: {
		qr_value da = qr_val_null(), db = qr_val_null();
		qr_value ta, tb;
		da.kind = db.kind = QR_VDATE;
		da.u.date = a->u.datetime.date;
		db.u.date = b->u.datetime.date;
		ta.kind = tb.kind = QR_VTIME;
		ta.u.time = a->u.datetime.time;
		tb.u.time = b->u.datetime.time;
		return qr_value_equal(&da, &db) && qr_value_equal(&ta, &tb) &&
		       a->u.datetime.has_offset == b->u.datetime.has_offset &&
		       a->u.datetime.offset_seconds ==
			       b->u.datetime.offset_seconds;
	}
	}
	return false;
}
