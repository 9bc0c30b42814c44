/*
 * quarry/result.h - results of execution: rows, typed values, counts.
 *
 * A qr_result is a cursor over the rows a statement returned (none for
 * INSERT/UPDATE/DELETE without RETURNING). It belongs to the caller and to
 * the connection's thread; free it with qr_result_free() before freeing
 * the connection. Rows come one at a time from qr_result_next() (a row is
 * valid until the next call or the free), or are buffered by
 * qr_result_first/one/one_or_none/all (valid until the result is freed).
 *
 * Columns are addressed by position (0-based). qr_row_index() finds one by
 * name; a negative column given to a getter is returned as is, so
 *   qr_row_text(row, qr_row_index(row, "name"), &name)
 * reports an unknown name as QR_ECOLUMN with the name in the message.
 * Getters return 0, QR_NULL for SQL NULL, or a negative error (see
 * quarry/value.h for the conversions).
 */
#ifndef QUARRY_RESULT_H
#define QUARRY_RESULT_H

#include "connection.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_row qr_row;
typedef struct qr_rowset qr_rowset;

/*
 * Advances to the next row: returns 1 and sets *row (borrowed), 0 at the
 * end (the cursor is then closed), or a negative error.
 */
QR_API int qr_result_next(qr_result *result, const qr_row **row);

/* The first row, discarding the rest: 1 with *row, 0 when there was
 * none (*row NULL), negative on error. The row (valid until the result
 * is freed) stays in the driver's cursor until the result is freed or
 * the connection runs something else, which copies it first: free the
 * result soon (on SQLite the statement keeps its read lock until then). */
QR_API int qr_result_first(qr_result *result, const qr_row **row);

/* Exactly one row: 0 with *row; QR_ENORESULT or QR_EMULTIPLE otherwise. */
QR_API int qr_result_one(qr_result *result, const qr_row **row);

/* At most one row: 1 with *row, 0 when none; QR_EMULTIPLE for more. */
QR_API int qr_result_one_or_none(qr_result *result, const qr_row **row);

/* The first column of the first row (borrowed, valid until the result is
 * freed): 1 with *value, 0 when there was no row; as qr_result_first. */
QR_API int qr_result_scalar(qr_result *result, const qr_value **value);

/* Every remaining row, buffered. *out is the caller's (qr_rowset_free). */
QR_API int qr_result_all(qr_rowset **out, qr_result *result);

/* True when the statement returns rows (a SELECT, RETURNING, ...). */
QR_API bool qr_result_returns_rows(const qr_result *result);

QR_API size_t qr_result_column_count(const qr_result *result);
QR_API const char *qr_result_column_name(const qr_result *result, size_t i);
/* The declared type the driver reports ("VARCHAR(50)", "int4", ...), or
 * "" when it reports none. */
QR_API const char *qr_result_column_type(const qr_result *result, size_t i);
/* Index of the column with that name (first match), or QR_ECOLUMN. */
QR_API int qr_result_column_index(const qr_result *result, const char *name);

/* Rows matched by UPDATE/DELETE (not merely changed), rows inserted by
 * INSERT, summed over executemany; -1 when unknown. */
QR_API int64_t qr_result_rowcount(const qr_result *result);

/* The id the database generated for the last row inserted, 0 if none. */
QR_API int64_t qr_result_last_insert_id(const qr_result *result);

/* Closes the cursor and releases the result and its rows. Accepts NULL. */
QR_API void qr_result_free(qr_result *result);

/* Rows of a rowset. Borrowed pointers, valid until qr_rowset_free. */
QR_API size_t qr_rowset_count(const qr_rowset *rows);
QR_API const qr_row *qr_rowset_row(const qr_rowset *rows, size_t i);
QR_API void qr_rowset_free(qr_rowset *rows);

/* A row's columns. */
QR_API size_t qr_row_column_count(const qr_row *row);
QR_API const char *qr_row_column_name(const qr_row *row, size_t i);
QR_API int qr_row_index(const qr_row *row, const char *name);

/* The raw value of a column, borrowed; NULL if out of range (recorded). */
QR_API const qr_value *qr_row_value(const qr_row *row, int col);

QR_API bool qr_row_is_null(const qr_row *row, int col);
QR_API int qr_row_int64(const qr_row *row, int col, int64_t *out);
QR_API int qr_row_int(const qr_row *row, int col, int *out);
QR_API int qr_row_double(const qr_row *row, int col, double *out);
QR_API int qr_row_bool(const qr_row *row, int col, bool *out);
QR_API int qr_row_text(const qr_row *row, int col, const char **out);
QR_API int qr_row_blob(const qr_row *row, int col, const void **out,
		       size_t *len);
QR_API int qr_row_numeric(const qr_row *row, int col, char *buf, size_t cap);
QR_API int qr_row_date(const qr_row *row, int col, qr_date *out);
QR_API int qr_row_time(const qr_row *row, int col, qr_time *out);
QR_API int qr_row_datetime(const qr_row *row, int col, qr_datetime *out);

/* The row as a Python tuple repr: "(1, 'jack', 'Jack Jones')"; a single
 * column is "(1,)". *out is the caller's (qr_free). */
QR_API int qr_row_repr(char **out, const qr_row *row);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_RESULT_H */
