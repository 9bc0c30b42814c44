/*
 * typeconv.c - per-dialect value conversion for bind parameters and
 * result columns, as SQLAlchemy's bind and result processors do.
 *
 * SQLite stores what it has no type for the way SQLAlchemy does: booleans
 * as 0/1, DATETIME as "YYYY-MM-DD HH:MM:SS.ffffff", DATE as "YYYY-MM-DD",
 * TIME as "HH:MM:SS.ffffff", UUID as 32 hex digits, and Interval (on
 * SQLite and MySQL) as the DATETIME 1970-01-01 plus the interval.
 * PostgreSQL takes intervals as "<seconds> seconds" and returns its own
 * interval text, parsed back to microseconds.
 */
#include "typeconv.h"

#include <quarry/sys/error.h>

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum flavour { FL_OTHER, FL_SQLITE, FL_PG, FL_MYSQL };

static enum flavour flavour_of(const qr_dialect *d)
{
	if (!d || !d->name)
		return FL_OTHER;
	if (strcmp(d->name, "sqlite") == 0)
		return FL_SQLITE;
	if (strcmp(d->name, "postgresql") == 0)
		return FL_PG;
	if (strcmp(d->name, "mysql") == 0 || strcmp(d->name, "mariadb") == 0)
		return FL_MYSQL;
	return FL_OTHER;
}

static int text_out(qr_value *out, qr_scratch *s, const char *buf, int n)
{
	if (n < 0)
		return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
				    "cannot format value");
	char *p = qr_scratch_strndup(s, buf, (size_t)n);
	if (!p)
		return QR_ENOMEM;
	*out = qr_val_textn(p, (size_t)n);
	return 0;
}

/* Days since 1970-01-01 of a civil date, and back (proleptic
 * Gregorian; Howard Hinnant's algorithms). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int32_t *y, uint8_t *m, uint8_t *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int32_t)(yy + (mm <= 2));
	*m = (uint8_t)mm;
	*d = (uint8_t)dd;
}

#define USEC_PER_DAY INT64_C(86400000000)

/* An interval in microseconds as the DATETIME epoch + interval. */
static qr_datetime interval_to_datetime(int64_t usec)
{
	int64_t days = usec / USEC_PER_DAY, rem = usec % USEC_PER_DAY;
	if (rem < 0) {
		rem += USEC_PER_DAY;
		days--;
	}
	qr_datetime dt = {0};
	civil_from_days(days, &dt.date.year, &dt.date.month, &dt.date.day);
	int64_t secs = rem / 1000000;
	dt.time.hour = (uint8_t)(secs / 3600);
	dt.time.minute = (uint8_t)(secs / 60 % 60);
	dt.time.second = (uint8_t)(secs % 60);
	dt.time.microsecond = (uint32_t)(rem % 1000000);
	return dt;
}

static int64_t datetime_to_interval(const qr_datetime *dt)
{
	int64_t days =
		days_from_civil(dt->date.year, dt->date.month, dt->date.day);
	int64_t secs =
		dt->time.hour * 3600 + dt->time.minute * 60 + dt->time.second;
	return days * USEC_PER_DAY + secs * 1000000 + dt->time.microsecond;
}

static int sqlite_datetime_text(qr_value *out, qr_scratch *s,
				const qr_datetime *dt)
{
	char buf[64];
	int n = snprintf(
		buf, sizeof(buf), "%04d-%02u-%02u %02u:%02u:%02u.%06" PRIu32,
		(int)dt->date.year, dt->date.month, dt->date.day, dt->time.hour,
		dt->time.minute, dt->time.second, dt->time.microsecond);
	return text_out(out, s, buf, n);
}

/* 32 lower-case hex digits from a UUID's text (dashes dropped). */
static int uuid_hex(qr_value *out, qr_scratch *s, const qr_value *in)
{
	char buf[33];
	size_t n = 0;
	for (size_t i = 0; i < in->u.s.len; i++) {
		char c = in->u.s.ptr[i];
		if (c == '-' || c == '{' || c == '}')
			continue;
		if (!isxdigit((unsigned char)c) || n == 32)
			return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
					    "not a UUID: '%.*s'",
					    (int)in->u.s.len, in->u.s.ptr);
		buf[n++] = (char)tolower((unsigned char)c);
	}
	if (n != 32)
		return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
				    "not a UUID: '%.*s'", (int)in->u.s.len,
				    in->u.s.ptr);
	return text_out(out, s, buf, 32);
}

/* The canonical dashed form of 32 hex digits (other text unchanged). */
static int uuid_dashed(qr_value *out, qr_scratch *s, const qr_value *in)
{
	if (in->u.s.len != 32) {
		*out = *in;
		return 0;
	}
	char buf[37];
	int n = snprintf(buf, sizeof(buf), "%.8s-%.4s-%.4s-%.4s-%.12s",
			 in->u.s.ptr, in->u.s.ptr + 8, in->u.s.ptr + 12,
			 in->u.s.ptr + 16, in->u.s.ptr + 20);
	return text_out(out, s, buf, n);
}

/* (qr_type__bind_converts lists the kinds this converts.) */
static int dialect_bind(enum flavour fl, const qr_type *t, const qr_value *in,
			qr_value *out, qr_scratch *s)
{
	*out = *in;
	switch (t->kind) {
	case QR_TYPE_BOOLEAN:
		if (in->kind == QR_VBOOL && fl != FL_PG)
			*out = qr_val_int(in->u.b ? 1 : 0);
		return 0;
	case QR_TYPE_DATETIME:
		if (fl != FL_SQLITE)
			return 0;
		if (in->kind == QR_VDATETIME)
			return sqlite_datetime_text(out, s, &in->u.datetime);
		if (in->kind == QR_VDATE) {
			qr_datetime dt = {in->u.date, {0, 0, 0, 0}, false, 0};
			return sqlite_datetime_text(out, s, &dt);
		}
		return 0;
	case QR_TYPE_DATE:
		if (fl == FL_SQLITE &&
		    (in->kind == QR_VDATE || in->kind == QR_VDATETIME)) {
			char buf[32];
			qr_date d = in->kind == QR_VDATE ? in->u.date
							 : in->u.datetime.date;
			return text_out(out, s, buf,
					qr_date_format(&d, buf, sizeof(buf)));
		}
		return 0;
	case QR_TYPE_TIME:
		if (fl == FL_SQLITE && in->kind == QR_VTIME) {
			char buf[32];
			const qr_time *tm = &in->u.time;
			int n = snprintf(buf, sizeof(buf),
					 "%02u:%02u:%02u.%06" PRIu32, tm->hour,
					 tm->minute, tm->second,
					 tm->microsecond);
			return text_out(out, s, buf, n);
		}
		return 0;
	case QR_TYPE_INTERVAL:
		if (in->kind != QR_VINT)
			return 0;
		if (fl == FL_PG) {
			char buf[64];
			int64_t v = in->u.i;
			int n = snprintf(
				buf, sizeof(buf),
				"%s%" PRId64 ".%06" PRId64 " seconds",
				v < 0 ? "-" : "",
				(v < 0 ? -(v / 1000000) : v / 1000000),
				(v < 0 ? -(v % 1000000) : v % 1000000));
			return text_out(out, s, buf, n);
		}
		if (fl == FL_SQLITE) {
			qr_datetime dt = interval_to_datetime(in->u.i);
			return sqlite_datetime_text(out, s, &dt);
		}
		if (fl == FL_MYSQL) {
			qr_value v = {QR_VDATETIME, {0}};
			v.u.datetime = interval_to_datetime(in->u.i);
			*out = v;
		}
		return 0;
	case QR_TYPE_UUID:
		if (fl != FL_PG && in->kind == QR_VTEXT)
			return uuid_hex(out, s, in);
		return 0;
	default:
		return 0;
	}
}

int qr_type__bind(const qr_dialect *d, const qr_type *t, const qr_value *in,
		  qr_value *out, qr_scratch *s)
{
	if (!qr_type__bind_converts(t)) {
		*out = *in; /* no dialect to look up */
		return 0;
	}
	qr_value v = *in;
	if (t->decorator && t->decorator->process_bind) {
		int rc = t->decorator->process_bind(&v, in, s,
						    t->decorator->userdata);
		if (rc)
			return rc;
	}
	const qr_type *impl = t->decorator ? &t->decorator->impl : t;
	return dialect_bind(flavour_of(d), impl, &v, out, s);
}

/* Parses PostgreSQL's interval output ("1 day 02:03:04.5", "-3 days",
 * "1 year 2 mons", "00:00:01") into microseconds. */
static int parse_pg_interval(const char *p, size_t len, int64_t *out)
{
	int64_t total = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && p[i] == ' ')
			i++;
		if (i >= len)
			break;
		bool neg = false;
		size_t start = i;
		if (p[i] == '-' || p[i] == '+')
			neg = p[i++] == '-';
		int64_t num = 0;
		size_t digits = 0;
		while (i < len && isdigit((unsigned char)p[i])) {
			num = num * 10 + (p[i++] - '0');
			digits++;
		}
		if (!digits)
			goto bad;
		if (i < len && p[i] == ':') {
			/* [-]HH:MM:SS[.ffffff] */
			int64_t h = num, m = 0, sec = 0, frac = 0;
			int fdigits = 0;
			i++;
			while (i < len && isdigit((unsigned char)p[i]))
				m = m * 10 + (p[i++] - '0');
			if (i < len && p[i] == ':') {
				i++;
				while (i < len && isdigit((unsigned char)p[i]))
					sec = sec * 10 + (p[i++] - '0');
			}
			if (i < len && p[i] == '.') {
				i++;
				while (i < len &&
				       isdigit((unsigned char)p[i])) {
					if (fdigits < 6) {
						frac = frac * 10 + (p[i] - '0');
						fdigits++;
					}
					i++;
				}
			}
			while (fdigits++ < 6)
				frac *= 10;
			int64_t v = ((h * 60 + m) * 60 + sec) * 1000000 + frac;
			total += neg ? -v : v;
			continue;
		}
		while (i < len && p[i] == ' ')
			i++;
		size_t u = i;
		while (i < len && isalpha((unsigned char)p[i]))
			i++;
		size_t ulen = i - u;
		int64_t unit;
		if (ulen >= 3 && strncmp(p + u, "day", 3) == 0)
			unit = USEC_PER_DAY;
		else if (ulen >= 3 && strncmp(p + u, "mon", 3) == 0)
			unit = 30 * USEC_PER_DAY;
		else if (ulen >= 4 && strncmp(p + u, "year", 4) == 0)
			unit = 365 * USEC_PER_DAY;
		else if (ulen >= 4 && strncmp(p + u, "hour", 4) == 0)
			unit = INT64_C(3600000000);
		else if (ulen >= 3 && strncmp(p + u, "min", 3) == 0)
			unit = 60000000;
		else if (ulen >= 3 && strncmp(p + u, "sec", 3) == 0)
			unit = 1000000;
		else {
			(void)start;
			goto bad;
		}
		total += (neg ? -num : num) * unit;
	}
	*out = total;
	return 0;
bad:
	return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
			    "cannot read interval '%.*s'", (int)len, p);
}

static int numeric_text(qr_value *out, qr_scratch *s, const qr_value *in,
			const qr_type *t)
{
	char buf[64];
	int n;
	if (in->kind == QR_VINT) {
		if (t->scale > 0)
			n = snprintf(buf, sizeof(buf), "%" PRId64 ".%0*d",
				     in->u.i, t->scale, 0);
		else
			n = snprintf(buf, sizeof(buf), "%" PRId64, in->u.i);
	} else if (t->scale > 0) {
		n = snprintf(buf, sizeof(buf), "%.*f", t->scale, in->u.d);
	} else {
		n = snprintf(buf, sizeof(buf), "%.17g", in->u.d);
		/* The shortest text that reads back as the same double. */
		for (int prec = 1; prec < 17; prec++) {
			char shorter[64];
			int m = snprintf(shorter, sizeof(shorter), "%.*g", prec,
					 in->u.d);
			if (strtod(shorter, NULL) == in->u.d) {
				memcpy(buf, shorter, (size_t)m + 1);
				n = m;
				break;
			}
		}
	}
	int rc = text_out(out, s, buf, n);
	if (rc == 0)
		out->kind = QR_VNUMERIC;
	return rc;
}

static int dialect_result(enum flavour fl, const qr_type *t, const qr_value *in,
			  qr_value *out, qr_scratch *s)
{
	*out = *in;
	if (in->kind == QR_VNULL)
		return 0;
	switch (t->kind) {
	case QR_TYPE_BOOLEAN:
		if (in->kind == QR_VINT)
			*out = qr_val_bool(in->u.i != 0);
		return 0;
	case QR_TYPE_DATETIME:
		if (in->kind == QR_VTEXT) {
			qr_value v = {QR_VDATETIME, {0}};
			int rc = qr_datetime_parse(&v.u.datetime, in->u.s.ptr,
						   in->u.s.len);
			if (rc)
				return rc;
			*out = v;
		}
		return 0;
	case QR_TYPE_DATE:
		if (in->kind == QR_VTEXT) {
			qr_value v = {QR_VDATE, {0}};
			int rc = qr_date_parse(&v.u.date, in->u.s.ptr,
					       in->u.s.len);
			if (rc)
				return rc;
			*out = v;
		}
		return 0;
	case QR_TYPE_TIME:
		if (in->kind == QR_VTEXT) {
			qr_value v = {QR_VTIME, {0}};
			int rc = qr_time_parse(&v.u.time, in->u.s.ptr,
					       in->u.s.len);
			if (rc)
				return rc;
			*out = v;
		}
		return 0;
	case QR_TYPE_INTERVAL: {
		int64_t us = 0;
		if (in->kind == QR_VDATETIME) {
			*out = qr_val_int(
				datetime_to_interval(&in->u.datetime));
		} else if (in->kind == QR_VTEXT && fl == FL_PG) {
			int rc = parse_pg_interval(in->u.s.ptr, in->u.s.len,
						   &us);
			if (rc)
				return rc;
			*out = qr_val_int(us);
		} else if (in->kind == QR_VTEXT) {
			qr_datetime dt;
			int rc = qr_datetime_parse(&dt, in->u.s.ptr,
						   in->u.s.len);
			if (rc)
				return rc;
			*out = qr_val_int(datetime_to_interval(&dt));
		}
		return 0;
	}
	case QR_TYPE_NUMERIC:
		if (in->kind == QR_VINT || in->kind == QR_VDOUBLE)
			return numeric_text(out, s, in, t);
		if (in->kind == QR_VTEXT)
			out->kind = QR_VNUMERIC;
		return 0;
	case QR_TYPE_FLOAT:
	case QR_TYPE_DOUBLE:
		if (in->kind == QR_VINT)
			*out = qr_val_double((double)in->u.i);
		return 0;
	case QR_TYPE_UUID:
		if (in->kind == QR_VTEXT && fl != FL_PG)
			return uuid_dashed(out, s, in);
		return 0;
	default:
		return 0;
	}
}

bool qr_type__bind_converts(const qr_type *t)
{
	if (t->decorator)
		return true;
	/* The kinds dialect_bind() changes; the others pass through. */
	switch (t->kind) {
	case QR_TYPE_BOOLEAN:
	case QR_TYPE_DATETIME:
	case QR_TYPE_DATE:
	case QR_TYPE_TIME:
	case QR_TYPE_INTERVAL:
	case QR_TYPE_UUID:
		return true;
	default:
		return false;
	}
}

bool qr_type__result_converts(const qr_type *t)
{
	if (t->decorator)
		return true;
	/* The kinds dialect_result() changes; the others pass through. */
	switch (t->kind) {
	case QR_TYPE_BOOLEAN:
	case QR_TYPE_DATETIME:
	case QR_TYPE_DATE:
	case QR_TYPE_TIME:
	case QR_TYPE_INTERVAL:
	case QR_TYPE_NUMERIC:
	case QR_TYPE_FLOAT:
	case QR_TYPE_DOUBLE:
	case QR_TYPE_UUID:
		return true;
	default:
		return false;
	}
}

int qr_type__result(const qr_dialect *d, const qr_type *t, const qr_value *in,
		    qr_value *out, qr_scratch *s)
{
	const qr_type *impl = t->decorator ? &t->decorator->impl : t;
	qr_value v;
	int rc = dialect_result(flavour_of(d), impl, in, &v, s);
	if (rc)
		return rc;
	if (t->decorator && t->decorator->process_result)
		return t->decorator->process_result(out, &v, s,
						    t->decorator->userdata);
	*out = v;
	return 0;
}
