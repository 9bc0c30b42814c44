/*
 * quarry/params.h - named parameter sets for execution.
 *
 * A qr_params holds one or more rows of name -> value pairs: one row is a
 * plain execution, several rows an executemany (SQLAlchemy's list of
 * dicts). Values are copied in: text and blobs are owned by the qr_params,
 * so the caller's buffers may be reused at once.
 *
 *   qr_params *p = qr_params_new();
 *   qr_params_text(p, "name", "jack");
 *   qr_params_next_row(p);          // a second parameter set
 *   qr_params_text(p, "name", "wendy");
 *
 * Setters given a NULL qr_params return QR_EINVAL (so a failed
 * qr_params_new() is caught at the first use); otherwise QR_ENOMEM.
 */
#ifndef QUARRY_PARAMS_H
#define QUARRY_PARAMS_H

#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_params qr_params;

/* A new set with one empty row; NULL on out-of-memory (error recorded). */
QR_API qr_params *qr_params_new(void);

/* Releases the set and every value it copied. Accepts NULL. */
QR_API void qr_params_free(qr_params *params);

/* Sets name in the current (last) row, replacing an earlier value. */
QR_API int qr_params_set(qr_params *params, const char *name, qr_value value);
QR_API int qr_params_int(qr_params *params, const char *name, int64_t v);
QR_API int qr_params_double(qr_params *params, const char *name, double v);
QR_API int qr_params_bool(qr_params *params, const char *name, bool v);
QR_API int qr_params_text(qr_params *params, const char *name, const char *v);
QR_API int qr_params_null(qr_params *params, const char *name);
QR_API int qr_params_blob(qr_params *params, const char *name, const void *data,
			  size_t len);

/*
 * Sets name to a list of n values (copied) for an expanding IN parameter
 * (qr_param_expanding, SQLAlchemy's bindparam(expanding=True)): at
 * execution "IN (?)" becomes "IN (?, ?, ...)" with one parameter per
 * value, and an empty list gives SQLAlchemy's empty-IN semantics (IN is
 * false, NOT IN true). values may be NULL when n is 0; a list value
 * inside the list is refused (QR_EINVAL).
 */
QR_API int qr_params_list(qr_params *params, const char *name,
			  const qr_value *values, size_t n);

/* qr_params_add_row's flags: text, numeric and blob values are
 * referenced, not copied; the caller keeps their bytes alive and
 * unchanged until the params are freed or reset. */
#define QR_PARAMS_BORROW 1u

/*
 * Adds a row (as qr_params_next_row and the setters would) that sets the
 * names row 0 sets, in row 0's order (qr_params_name_at), to values[0..n):
 * no name is looked up, so an executemany's rows are quick to add. n must
 * be row 0's count and values may be NULL when n is 0; otherwise
 * QR_EINVAL. flags: 0 (values copied in, as the setters do) or
 * QR_PARAMS_BORROW. On failure no row is added.
 */
QR_API int qr_params_add_row(qr_params *params, const qr_value *values,
			     size_t n, unsigned flags);

/* Starts a new, empty row: the next setters fill it. */
QR_API int qr_params_next_row(qr_params *params);

/* Number of rows (at least 1). 0 for NULL. */
QR_API size_t qr_params_row_count(const qr_params *params);

/* Number of names set in a row. */
QR_API size_t qr_params_count(const qr_params *params, size_t row);

/* The value of name in row, borrowed; NULL when not set. */
QR_API const qr_value *qr_params_get(const qr_params *params, size_t row,
				     const char *name);

/* The index-th name and value of a row, in the order first set. */
QR_API const char *qr_params_name_at(const qr_params *params, size_t row,
				     size_t index);
QR_API const qr_value *qr_params_value_at(const qr_params *params, size_t row,
					  size_t index);

/* Removes every row and starts again with one empty row. */
QR_API void qr_params_reset(qr_params *params);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_PARAMS_H */
