/*
 * quarry/dml.h - INSERT, UPDATE, DELETE and upserts.
 *
 *   qr_insert(users, qr_set("name", qr_bind_text("jack")),
 *             qr_set("fullname", qr_bind_text("Jack Jones")))
 *   -> INSERT INTO users (name, fullname) VALUES (?, ?)
 *
 * An INSERT or UPDATE without values is compiled, as SQLAlchemy's are,
 * against the names of the execution's parameters: one bind parameter
 * per table column named in the (first row of the) qr_params, in table
 * order; compiled without parameters it names every column. A literal
 * value in qr_set() binds a parameter named after the column (":name");
 * expressions render inline. Client-side column defaults (a value or a
 * callback) fill columns the statement does not set.
 *
 * UPDATE and DELETE whose WHERE clause names other tables render the
 * dialect's multi-table form (UPDATE .. FROM / UPDATE a, b SET /
 * DELETE .. USING), or fail with QR_ENOTSUP where there is none.
 * RETURNING fails with QR_ENOTSUP on a dialect without it (MySQL).
 */
#ifndef QUARRY_DML_H
#define QUARRY_DML_H

#include "select.h"

#ifdef __cplusplus
extern "C" {
#endif

#define qr_insert(...) qr_insert_new(__VA_ARGS__, QR_END)
#define qr_update(...) qr_update_new(__VA_ARGS__, QR_END)
#define qr_delete(...) qr_delete_new(__VA_ARGS__, QR_END)
/* The table is borrowed; the clauses are taken. Nothing but the table:
 * qr_insert_new(table, QR_END) is "users.insert()". */
QR_API qr_stmt *qr_insert_new(qr_table *table, ...);
QR_API qr_stmt *qr_update_new(qr_table *table, ...);
QR_API qr_stmt *qr_delete_new(qr_table *table, ...);

/* column = value, for INSERT values and UPDATE SET (column is a column
 * name of the statement's table, copied; value is taken). */
QR_API qr_expr *qr_set(const char *column, qr_expr *value);

/* One row of a multi-row INSERT .. VALUES (..), (..): its qr_set()s. */
#define qr_values(...) qr_values_new(__VA_ARGS__, QR_END)
QR_API qr_expr *qr_values_new(qr_expr *first, ...);
/* The same from an array of n qr_set()s (each taken, even on failure). */
QR_API qr_expr *qr_values_array(qr_expr *const *sets, size_t n);

/* INSERT INTO t (columns) SELECT ... ; columns NULL-terminated, copied. */
QR_API qr_expr *qr_from_select(const char *const *columns, qr_stmt *select);

/* RETURNING columns. */
#define qr_returning(...) qr_returning_new(__VA_ARGS__, QR_END)
QR_API qr_expr *qr_returning_new(qr_expr *first, ...);

/*
 * Upserts. SQLite and PostgreSQL: ON CONFLICT [(target)] DO NOTHING /
 * DO UPDATE SET ...; target is a NULL-terminated list of column names
 * or NULL. MySQL: ON DUPLICATE KEY UPDATE .... qr_excluded("col") is the
 * value the INSERT proposed: excluded.col (VALUES(col) on MySQL). A
 * qr_where() among DO UPDATE's items adds its WHERE. Each fails with
 * QR_ENOTSUP on the other dialects.
 */
QR_API qr_expr *qr_on_conflict_do_nothing(const char *const *target);
#define qr_on_conflict_do_update(target, ...) \
	qr_on_conflict_do_update_new((target), __VA_ARGS__, QR_END)
QR_API qr_expr *qr_on_conflict_do_update_new(const char *const *target,
					     qr_expr *first, ...);
#define qr_on_duplicate_key_update(...) \
	qr_on_duplicate_key_update_new(__VA_ARGS__, QR_END)
QR_API qr_expr *qr_on_duplicate_key_update_new(qr_expr *first, ...);
QR_API qr_expr *qr_excluded(const char *column);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_DML_H */
