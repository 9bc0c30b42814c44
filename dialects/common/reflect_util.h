/*
 * reflect_util.h - small helpers shared by the dialects' reflectors
 * (private). They build qr_reflected_table parts from result rows read
 * through the public connection API.
 */
#ifndef QUARRY_DIALECTS_REFLECT_UTIL_H
#define QUARRY_DIALECTS_REFLECT_UTIL_H

#include <quarry.h>
#include <quarry/sys/reflect.h>

/* A malloc'd copy of a row's text column; NULL for SQL NULL or on
 * out-of-memory (with *rc set to QR_ENOMEM). */
char *qr_reflect__text(const qr_row *row, int col, int *rc);

/* Appends a zeroed element to a reflected array; NULL on out-of-memory. */
qr_reflected_column *qr_reflect__add_column(qr_reflected_table *t);
qr_reflected_fk *qr_reflect__add_fk(qr_reflected_table *t);
qr_reflected_index *qr_reflect__add_index(qr_reflected_table *t);
qr_reflected_unique *qr_reflect__add_unique(qr_reflected_table *t);

/* Runs sql with params and calls fn for every row; stops at the first
 * error fn returns. */
typedef int (*qr_reflect_row_fn)(const qr_row *row, void *userdata);
int qr_reflect__each_row(qr_conn *conn, const char *sql,
			 const qr_params *params, qr_reflect_row_fn fn,
			 void *userdata);

/* Parameters "schema" (NULL: SQL NULL, the default schema) and, when
 * name is not NULL, "name"; NULL on out-of-memory. */
qr_params *qr_reflect__params(const char *schema, const char *name);

/* A qr_reflect_row_fn appending column 0 to the qr_strings userdata. */
int qr_reflect__add_name(const qr_row *row, void *userdata);

/* Maps a referential action to the reflected form: NULL for the
 * database's default (NO ACTION / RESTRICT), else a copy. */
char *qr_reflect__action(const char *action, int *rc);

#endif
