/*
 * typeconv.h - SQL type helpers and per-dialect value conversion
 * (private to core).
 *
 * The engine converts values with these two calls, per compiled slot on
 * the way in and per result column on the way out:
 *
 *   qr_type__bind(dialect, &slot->type, &value, &converted, scratch)
 *   qr_type__result(dialect, &compiled->result_types[i], &value,
 *                   &converted, scratch)
 *
 * Converted bytes live in scratch (qr_scratch__new / __reset / __free),
 * which must outlive the converted values: one execution, one row.
 */
#ifndef QUARRY_CORE_SQL_TYPECONV_H
#define QUARRY_CORE_SQL_TYPECONV_H

#include <quarry/sys/dialect.h>
#include <quarry/types.h>

/* Deep-copies src: the enum name and labels into one malloc'd block in
 * *storage (NULL when there is nothing to copy). 0 or QR_ENOMEM. */
int qr_type__copy(qr_type *dst, const qr_type *src, char **storage);

/* src without its borrowed strings (name, labels): enough for value
 * conversion, safe to keep after the source is gone. */
qr_type qr_type__bare(const qr_type *src);

/* Type families. */
bool qr_type__is_string(const qr_type *t); /* String, Text, Enum */
bool qr_type__is_integer(const qr_type *t);
bool qr_type__is_numeric(const qr_type *t); /* integer, float, numeric */

/* A type that is nothing but its kind (no length, precision, scale,
 * time zone, name, labels or decorator): most expressions' type. */
bool qr_type__is_plain(const qr_type *t);

/* Two types equal in kind and parameters. */
bool qr_type__equal(const qr_type *a, const qr_type *b);

/* Scratch arenas: blocks (types.c), and whether anything was allocated
 * since the last reset (an execution that converts nothing leaves it
 * false, and the next reset costs a test). */
struct qr_scratch {
	struct scratch_block *head;
	bool used;
};
qr_scratch *qr_scratch__new(void);
/* What a reset of a used scratch does (below). */
void qr_scratch__clear(qr_scratch *s);
/* Forgets every allocation but keeps the first block for reuse. */
static inline void qr_scratch__reset(qr_scratch *s)
{
	if (s && s->used)
		qr_scratch__clear(s);
}
void qr_scratch__free(qr_scratch *s);

/*
 * Converts an application value into what the driver is given for t on
 * dialect d (decorator's process_bind first, then the dialect's storage
 * form: ISO text and 0/1 on SQLite, ...). A value of a kind the type does
 * not convert passes unchanged. 0 or a negative QR_E* code.
 */
int qr_type__bind(const qr_dialect *d, const qr_type *t, const qr_value *in,
		  qr_value *out, qr_scratch *s);

/* Whether qr_type__bind() may change a value of type t on some dialect
 * (false: every value passes through unchanged). */
bool qr_type__bind_converts(const qr_type *t);

/* Whether qr_type__result() may change a value of type t (false: every
 * value passes through unchanged, so results need no processing). */
bool qr_type__result_converts(const qr_type *t);

/* The reverse: a driver value of a result column of type t into the
 * application's value (then the decorator's process_result). */
int qr_type__result(const qr_dialect *d, const qr_type *t, const qr_value *in,
		    qr_value *out, qr_scratch *s);

#endif
