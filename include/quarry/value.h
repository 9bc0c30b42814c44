/*
 * quarry/value.h - plain SQL values and their conversions.
 *
 * A qr_value is a small transparent tagged union: the unit in which bound
 * parameters travel to a driver and in which result values come back.
 * Text, numeric and blob values point at memory owned elsewhere (a result
 * row, a qr_params, the caller); a qr_value never owns memory itself.
 * Text and numeric values are NUL-terminated; len excludes the NUL.
 *
 * The typed getters convert between representations the way SQLAlchemy's
 * types do for the common database storage forms:
 *   int64   from integer, boolean, integral double, decimal text
 *   double  from integer, double, numeric, decimal text
 *   bool    from integer (0/1), boolean, text "0"/"1"/"t"/"f"/"true"/"false"
 *   text    from text and numeric only (no implicit rendering of numbers)
 *   numeric from numeric, integer, text holding a decimal, double (its
 *           shortest round-trip form); written into a caller buffer
 *   date/time/datetime from their native kinds or ISO-8601 text
 *           ("YYYY-MM-DD", "HH:MM:SS[.ffffff]",
 *            "YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|+HH[:MM]]")
 * Each returns 0, QR_NULL when the value is SQL NULL (the output is zeroed),
 * or QR_ECONVERT / QR_ERANGE (with qr_error_last() set) when the value does
 * not convert. A NULL value pointer returns QR_EINVAL.
 */
#ifndef QUARRY_VALUE_H
#define QUARRY_VALUE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qr_vkind {
	QR_VNULL = 0,
	QR_VINT,      /* u.i */
	QR_VDOUBLE,   /* u.d */
	QR_VBOOL,     /* u.b */
	QR_VTEXT,     /* u.s: UTF-8 text */
	QR_VNUMERIC,  /* u.s: exact decimal text, e.g. "-12.3400" */
	QR_VBLOB,     /* u.s: bytes */
	QR_VDATE,     /* u.date */
	QR_VTIME,     /* u.time */
	QR_VDATETIME, /* u.datetime */
	QR_VLIST      /* u.list: the values of an expanding IN parameter
		       * (qr_params_list); never a column value */
} qr_vkind;

typedef struct qr_date {
	int32_t year;
	uint8_t month; /* 1..12 */
	uint8_t day;   /* 1..31 */
} qr_date;

typedef struct qr_time {
	uint8_t hour, minute, second;
	uint32_t microsecond; /* 0..999999 */
} qr_time;

typedef struct qr_datetime {
	qr_date date;
	qr_time time;
	bool has_offset;        /* true for timezone-aware values */
	int32_t offset_seconds; /* offset from UTC, east positive */
} qr_datetime;

typedef struct qr_value {
	qr_vkind kind;
	union {
		int64_t i;
		double d;
		bool b;
		struct {
			const char *ptr;
			size_t len;
		} s;
		qr_date date;
		qr_time time;
		qr_datetime datetime;
		struct {
			const struct qr_value *items;
			size_t n;
		} list;
	} u;
} qr_value;

/* Constructors: plain values, no allocation. Text is borrowed. */
static inline qr_value qr_val_null(void)
{
	qr_value v = {QR_VNULL, {0}};
	return v;
}
static inline qr_value qr_val_int(int64_t i)
{
	qr_value v = {QR_VINT, {0}};
	v.u.i = i;
	return v;
}
static inline qr_value qr_val_double(double d)
{
	qr_value v = {QR_VDOUBLE, {0}};
	v.u.d = d;
	return v;
}
static inline qr_value qr_val_bool(bool b)
{
	qr_value v = {QR_VBOOL, {0}};
	v.u.b = b;
	return v;
}
/* NULL text gives SQL NULL. */
QR_API qr_value qr_val_text(const char *text);
QR_API qr_value qr_val_textn(const char *text, size_t len);
QR_API qr_value qr_val_numeric(const char *decimal);
QR_API qr_value qr_val_blob(const void *data, size_t len);
QR_API qr_value qr_val_date(int year, int month, int day);
QR_API qr_value qr_val_time(int hour, int minute, int second, int microsecond);
QR_API qr_value qr_val_datetime(qr_date date, qr_time time);

/* "NULL", "INTEGER", ... static; never NULL. */
QR_API const char *qr_vkind_name(qr_vkind kind);

QR_API bool qr_value_is_null(const qr_value *v);
QR_API int qr_value_int64(const qr_value *v, int64_t *out);
QR_API int qr_value_double(const qr_value *v, double *out);
QR_API int qr_value_bool(const qr_value *v, bool *out);
/* *out borrowed from the value's memory; *len may be NULL. */
QR_API int qr_value_text(const qr_value *v, const char **out, size_t *len);
QR_API int qr_value_blob(const qr_value *v, const void **out, size_t *len);
/* Writes exact decimal text into buf (NUL-terminated); QR_ERANGE if
 * cap is too small. */
QR_API int qr_value_numeric(const qr_value *v, char *buf, size_t cap);
QR_API int qr_value_date(const qr_value *v, qr_date *out);
QR_API int qr_value_time(const qr_value *v, qr_time *out);
QR_API int qr_value_datetime(const qr_value *v, qr_datetime *out);

/*
 * Python's repr() of the value, as SQLAlchemy shows it: 5, 2.5, True,
 * None, 'text' (in double quotes when it holds an apostrophe and no double
 * quote), b'bytes', Decimal('1.50'), datetime.date(2024, 1, 31),
 * datetime.time(13, 45), datetime.datetime(2024, 1, 31, 13, 45).
 * *out is the caller's (qr_free). Errors: QR_EINVAL, QR_ENOMEM.
 */
QR_API int qr_value_repr(char **out, const qr_value *v);

/* Two values are equal: same kind and same content (NULL equals NULL). */
QR_API bool qr_value_equal(const qr_value *a, const qr_value *b);

/*
 * Formats date/time values as ISO-8601 text ("2024-01-31",
 * "13:45:00.250000", "2024-01-31 13:45:00[.ffffff][+HH:MM]") into buf.
 * Returns the length written, or QR_ERANGE if cap is too small.
 */
QR_API int qr_date_format(const qr_date *d, char *buf, size_t cap);
QR_API int qr_time_format(const qr_time *t, char *buf, size_t cap);
QR_API int qr_datetime_format(const qr_datetime *dt, char *buf, size_t cap);

/* Parse ISO-8601 text (forms above). Errors: QR_ECONVERT. */
QR_API int qr_date_parse(qr_date *out, const char *text, size_t len);
QR_API int qr_time_parse(qr_time *out, const char *text, size_t len);
QR_API int qr_datetime_parse(qr_datetime *out, const char *text, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_VALUE_H */
