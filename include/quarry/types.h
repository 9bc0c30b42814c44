/*
 * quarry/types.h - SQL types (SQLAlchemy's Integer, String(50), ...).
 *
 * A qr_type is a small plain value, passed and stored by value: no
 * allocation, nothing to free. The macros below are the generic types;
 * qr_string(), qr_numeric(), qr_enum() and qr_decorated() build the
 * parameterised ones:
 *
 *   qr_column("name", qr_string(50))
 *   qr_cast(qr_c(users, "id"), QR_STRING)
 *
 * Each type renders per dialect in DDL (DATETIME on SQLite and MySQL,
 * TIMESTAMP WITHOUT TIME ZONE on PostgreSQL, ...) and converts values on
 * the way in and out per dialect: SQLite has no DATETIME or BOOLEAN, so,
 * as SQLAlchemy does, date/time values are stored there as ISO-8601 text
 * ("2024-01-31 13:45:00.000000") and booleans as 0/1, and come back as
 * QR_VDATETIME / QR_VBOOL values.
 *
 * Strings a type points at (an enum's name and labels) are borrowed when
 * the type is built; a column or expression that keeps the type copies
 * them. A decorator (user-defined type) must stay valid for as long as
 * anything uses it: make it a static const object.
 */
#ifndef QUARRY_TYPES_H
#define QUARRY_TYPES_H

#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qr_type_kind {
	QR_TYPE_NULL = 0, /* no type known (SQLAlchemy's NullType) */
	QR_TYPE_INTEGER,  /* C value: QR_VINT */
	QR_TYPE_SMALLINT, /* QR_VINT */
	QR_TYPE_BIGINT,   /* QR_VINT */
	QR_TYPE_BOOLEAN,  /* QR_VBOOL */
	QR_TYPE_STRING,   /* QR_VTEXT; VARCHAR(length) */
	QR_TYPE_TEXT,     /* QR_VTEXT; unbounded */
	QR_TYPE_FLOAT,    /* QR_VDOUBLE */
	QR_TYPE_DOUBLE,   /* QR_VDOUBLE */
	QR_TYPE_NUMERIC,  /* QR_VNUMERIC (exact decimal text) */
	QR_TYPE_DATE,     /* QR_VDATE */
	QR_TYPE_TIME,     /* QR_VTIME */
	QR_TYPE_DATETIME, /* QR_VDATETIME */
	QR_TYPE_INTERVAL, /* QR_VINT: microseconds */
	QR_TYPE_BINARY,   /* QR_VBLOB (SQLAlchemy's LargeBinary) */
	QR_TYPE_ENUM,     /* QR_VTEXT, one of the labels */
	QR_TYPE_JSON,     /* QR_VTEXT holding a JSON document */
	QR_TYPE_UUID,     /* QR_VTEXT "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */
	QR_TYPE_KIND_COUNT
} qr_type_kind;

typedef struct qr_type_decorator qr_type_decorator;

typedef struct qr_type {
	qr_type_kind kind;
	int length;    /* STRING: VARCHAR(length); 0 for none */
	int precision; /* NUMERIC(precision, scale); 0 for none */
	int scale;
	bool timezone;             /* DATETIME / TIME: WITH TIME ZONE */
	const char *name;          /* ENUM: the type's name (PostgreSQL CREATE
				    * TYPE ... AS ENUM); may be NULL elsewhere */
	const char *const *labels; /* ENUM: NULL-terminated labels */
	const qr_type_decorator *decorator; /* user-defined: see below */
} qr_type;

#define QR_TYPE_(k) ((qr_type){.kind = (k)})
#define QR_NULLTYPE QR_TYPE_(QR_TYPE_NULL)
#define QR_INTEGER QR_TYPE_(QR_TYPE_INTEGER)
#define QR_SMALLINT QR_TYPE_(QR_TYPE_SMALLINT)
#define QR_BIGINT QR_TYPE_(QR_TYPE_BIGINT)
#define QR_BOOLEAN QR_TYPE_(QR_TYPE_BOOLEAN)
#define QR_STRING QR_TYPE_(QR_TYPE_STRING)
#define QR_TEXT QR_TYPE_(QR_TYPE_TEXT)
#define QR_FLOAT QR_TYPE_(QR_TYPE_FLOAT)
#define QR_DOUBLE QR_TYPE_(QR_TYPE_DOUBLE)
#define QR_NUMERIC QR_TYPE_(QR_TYPE_NUMERIC)
#define QR_DATE QR_TYPE_(QR_TYPE_DATE)
#define QR_TIME QR_TYPE_(QR_TYPE_TIME)
#define QR_TIME_TZ ((qr_type){.kind = QR_TYPE_TIME, .timezone = true})
#define QR_DATETIME QR_TYPE_(QR_TYPE_DATETIME)
#define QR_DATETIME_TZ ((qr_type){.kind = QR_TYPE_DATETIME, .timezone = true})
#define QR_INTERVAL QR_TYPE_(QR_TYPE_INTERVAL)
#define QR_BINARY QR_TYPE_(QR_TYPE_BINARY)
#define QR_JSON QR_TYPE_(QR_TYPE_JSON)
#define QR_UUID QR_TYPE_(QR_TYPE_UUID)

/* String(length): VARCHAR(length). */
static inline qr_type qr_string(int length)
{
	qr_type t = {.kind = QR_TYPE_STRING, .length = length};
	return t;
}

/* Numeric(precision, scale). */
static inline qr_type qr_numeric(int precision, int scale)
{
	qr_type t = {.kind = QR_TYPE_NUMERIC,
		     .precision = precision,
		     .scale = scale};
	return t;
}

/*
 * Enum(*labels, name=name): a native ENUM on PostgreSQL (CREATE TYPE
 * name AS ENUM, emitted by create_all) and MySQL, VARCHAR(longest label)
 * elsewhere. labels is NULL-terminated. PostgreSQL needs a name (compiling
 * an unnamed enum for it fails with QR_ECOMPILE); elsewhere it may be NULL.
 */
static inline qr_type qr_enum(const char *name, const char *const *labels)
{
	qr_type t = {.kind = QR_TYPE_ENUM, .name = name, .labels = labels};
	return t;
}

/*
 * Scratch memory for value conversions: memory that lives as long as the
 * converted value is in use (one execution, one result row). Conversion
 * callbacks allocate the bytes of the values they produce here.
 */
typedef struct qr_scratch qr_scratch;

/* Allocates n bytes (aligned for any type) in s; NULL on out-of-memory
 * (error recorded). */
QR_API void *qr_scratch_alloc(qr_scratch *s, size_t n);

/* A NUL-terminated copy of n bytes of str in s; NULL on out-of-memory. */
QR_API char *qr_scratch_strndup(qr_scratch *s, const char *str, size_t n);

/*
 * A value conversion: writes *out from *in (either may point into the
 * other's memory only if the bytes stay valid: allocate new bytes with
 * qr_scratch_alloc). Returns 0 or a negative QR_E* code after recording
 * the error (QR_ECONVERT for a value of the wrong kind).
 */
typedef int (*qr_convert_fn)(qr_value *out, const qr_value *in,
			     qr_scratch *scratch, void *userdata);

/*
 * A user-defined type (SQLAlchemy's TypeDecorator): DDL, casts and the
 * driver-level conversions are those of impl; process_bind turns the
 * application's value into impl's value before it is sent, and
 * process_result turns impl's value (after impl's own conversion) back.
 * Either callback may be NULL (no conversion). SQL NULL values are
 * passed to the callbacks too.
 */
struct qr_type_decorator {
	const char *name; /* for messages, e.g. "CommaList" */
	qr_type impl;     /* the underlying type; not a decorator */
	qr_convert_fn process_bind;
	qr_convert_fn process_result;
	void *userdata;
};

/* A decorated type. decorator is borrowed and must outlive every use. */
static inline qr_type qr_decorated(const qr_type_decorator *decorator)
{
	qr_type t = decorator ? decorator->impl : QR_NULLTYPE;
	t.decorator = decorator;
	return t;
}

/* "INTEGER", "VARCHAR", ... the generic name of a kind. Static. */
QR_API const char *qr_type_kind_name(qr_type_kind kind);

/*
 * The DDL spelling of t for a dialect ("VARCHAR(50)", "TIMESTAMP WITH
 * TIME ZONE", "DATETIME"), written into buf (NUL-terminated). Returns 0,
 * QR_ERANGE when cap is too small, QR_ENODIALECT, or QR_ENOTSUP.
 */
QR_API int qr_type_render(char *buf, size_t cap, const qr_type *t,
			  const char *dialect);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_TYPES_H */
