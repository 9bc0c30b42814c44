/*
 * quarry/select.h - SELECT, joins, aliases, subqueries, CTEs and set
 * operations (SQLAlchemy's select() and FROM clause world).
 *
 * A SELECT is built from items: column expressions (a table, alias or
 * subquery stands for all its columns) and clauses, in any order:
 *
 *   qr_stmt *q = qr_select(qr_cols(users, "id", "name"),
 *           qr_where(qr_eq(qr_c(users, "name"), qr_bind_text("ed"))),
 *           qr_order_by(qr_c(users, "id")), qr_limit(10));
 *
 * The FROM clause is inferred from the columns and the WHERE clause, as
 * SQLAlchemy does; qr_from() adds explicit FROM objects (a join hides its
 * tables). A SELECT nested in another (qr_scalar, qr_exists, qr_in, a
 * WHERE comparison) correlates automatically: its FROM objects that the
 * enclosing SELECT has are left out when others remain; qr_correlate(),
 * qr_correlate_except() and qr_correlate_none() control it.
 *
 * Statements are immutable: qr_stmt_add() returns a new statement with
 * one more clause (SQLAlchemy's generative .where(), .order_by(), ...).
 * Constructors take ownership of their node arguments and propagate NULL
 * (see quarry/expr.h).
 */
#ifndef QUARRY_SELECT_H
#define QUARRY_SELECT_H

#include "expr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* SELECT items..., and SELECT DISTINCT items... */
#define qr_select(...) qr_select_new(__VA_ARGS__, QR_END)
#define qr_select_distinct(...) \
	qr_select_new(qr_distinct_rows(), __VA_ARGS__, QR_END)
QR_API qr_stmt *qr_select_new(qr_expr *first, ...);

/*
 * Adds a clause (or column) to a statement: returns a new statement, the
 * old one being released (changed in place when the caller held its only
 * reference). Works for SELECT, set operations, INSERT, UPDATE and
 * DELETE. Both arguments are taken. Errors: QR_EINVAL for a clause the
 * statement has no place for.
 */
QR_API qr_stmt *qr_stmt_add(qr_stmt *stmt, qr_expr *clause);
#define qr_stmt_extend(stmt, ...) \
	qr_stmt_extend_new((stmt), __VA_ARGS__, QR_END)
QR_API qr_stmt *qr_stmt_extend_new(qr_stmt *stmt, ...);

/*
 * The same SELECT with other columns (SQLAlchemy's
 * select.with_only_columns(*cols)): its other clauses are kept, and its
 * FROM objects are those of the new columns (and its explicit qr_from
 * ones), as in SQLAlchemy 2.0. select and the columns are taken (select
 * changed in place when the caller held its only reference). Errors:
 * QR_EINVAL (not a SELECT, a clause among the columns, no columns).
 */
#define qr_with_only_columns(select, ...) \
	qr_with_only_columns_new((select), __VA_ARGS__, QR_END)
QR_API qr_stmt *qr_with_only_columns_new(qr_stmt *select, ...);

/* ---- clauses (items of qr_select and qr_stmt_add) --------------------- */

/* WHERE / HAVING: several conditions are joined with AND, and so are
 * several qr_where clauses. */
#define qr_where(...) qr_where_new(__VA_ARGS__, QR_END)
#define qr_having(...) qr_having_new(__VA_ARGS__, QR_END)
QR_API qr_expr *qr_where_new(qr_expr *first, ...);
QR_API qr_expr *qr_having_new(qr_expr *first, ...);

/* Explicit FROM objects (SQLAlchemy's select_from). */
#define qr_from(...) qr_from_new(__VA_ARGS__, QR_END)
QR_API qr_expr *qr_from_new(qr_expr *first, ...);

#define qr_group_by(...) qr_group_by_new(__VA_ARGS__, QR_END)
#define qr_order_by(...) qr_order_by_new(__VA_ARGS__, QR_END)
#define qr_partition_by(...) qr_partition_by_new(__VA_ARGS__, QR_END)
QR_API qr_expr *qr_group_by_new(qr_expr *first, ...);
QR_API qr_expr *qr_order_by_new(qr_expr *first, ...);
QR_API qr_expr *qr_partition_by_new(qr_expr *first, ...);

/* LIMIT / OFFSET (bound as parameters, as SQLAlchemy does). */
QR_API qr_expr *qr_limit(int64_t n);
QR_API qr_expr *qr_offset(int64_t n);

/*
 * FETCH FIRST n ROWS ONLY (SQLAlchemy's select.fetch(n)); the flags add
 * WITH TIES and PERCENT. It replaces a LIMIT (and a later qr_limit
 * replaces it); an OFFSET is then rendered OFFSET n ROWS before it.
 * PostgreSQL: "OFFSET ($1) ROWS FETCH FIRST ($2) ROWS ONLY"; MariaDB
 * (10.6+) the same without parentheses; SQLite and MySQL have no FETCH
 * (QR_ENOTSUP). Errors: QR_EINVAL for unknown flags.
 */
enum { QR_FETCH_WITH_TIES = 1u << 0, QR_FETCH_PERCENT = 1u << 1 };
QR_API qr_expr *qr_fetch(int64_t n, unsigned flags);

/* SELECT DISTINCT, and PostgreSQL's DISTINCT ON (exprs). */
QR_API qr_expr *qr_distinct_rows(void);
#define qr_distinct_on(...) qr_distinct_on_new(__VA_ARGS__, QR_END)
QR_API qr_expr *qr_distinct_on_new(qr_expr *first, ...);

/* FOR UPDATE [NOWAIT | SKIP LOCKED]; QR_FOR_SHARE: FOR SHARE (LOCK IN
 * SHARE MODE on MySQL). SQLite has no row locks: nothing is rendered. */
enum {
	QR_FOR_UPDATE = 0,
	QR_FOR_NOWAIT = 1u << 0,
	QR_FOR_SKIP_LOCKED = 1u << 1,
	QR_FOR_SHARE = 1u << 2,
	QR_FOR_KEY_SHARE = 1u << 3 /* PostgreSQL: FOR [NO] KEY ... */
};
QR_API qr_expr *qr_for_update(unsigned flags);
/* The same locking the rows of the tables (or aliases) given only
 * (with_for_update(of=...)): FOR UPDATE OF users (PostgreSQL, MySQL 8;
 * MariaDB has no OF and SQLAlchemy leaves it out there too). The tables
 * are borrowed (schema items) or taken (aliases). NULL on error. */
#define qr_for_update_of(flags, ...) \
	qr_for_update_of_new((flags), __VA_ARGS__, QR_END)
QR_API qr_expr *qr_for_update_of_new(unsigned flags, qr_expr *first, ...);

/* Correlation control for a nested SELECT. */
#define qr_correlate(...) qr_correlate_new(__VA_ARGS__, QR_END)
#define qr_correlate_except(...) qr_correlate_except_new(__VA_ARGS__, QR_END)
QR_API qr_expr *qr_correlate_new(qr_expr *first, ...);
QR_API qr_expr *qr_correlate_except_new(qr_expr *first, ...);
QR_API qr_expr *qr_correlate_none(void);

/* ---- FROM objects ----------------------------------------------------- */

/*
 * Joins. The plain forms infer ON from the foreign keys between the two
 * sides (exactly one must link them: QR_EINVAL otherwise, as SQLAlchemy's
 * "can't find any foreign key relationships"); the _on forms take it.
 */
QR_API qr_expr *qr_join(qr_expr *left, qr_expr *right);
QR_API qr_expr *qr_join_on(qr_expr *left, qr_expr *right, qr_expr *on);
QR_API qr_expr *qr_outerjoin(qr_expr *left, qr_expr *right);
QR_API qr_expr *qr_outerjoin_on(qr_expr *left, qr_expr *right, qr_expr *on);
QR_API qr_expr *qr_full_join(qr_expr *left, qr_expr *right);
QR_API qr_expr *qr_full_join_on(qr_expr *left, qr_expr *right, qr_expr *on);

/* table AS name; name NULL: an anonymous name (addresses_1, ...). */
QR_API qr_expr *qr_alias(qr_expr *table, const char *name);

/* (SELECT ...) AS name; name NULL: anon_1, ... Columns are reached with
 * qr_c(subquery, "name"). */
QR_API qr_expr *qr_subquery(qr_stmt *select, const char *name);

/*
 * A VALUES list as a FROM object (SQLAlchemy's values(column("a", T),
 * ..., name="v").data([(1, "x"), ...])):
 *   (VALUES ($1, $2), ($3, $4)) AS v (a, b)
 * columns: the NULL-terminated column names (copied); types: one per
 * column, or NULL for each column to take its first row's value's type;
 * data: nrows rows of as many values as columns, row after row (copied,
 * bound as param_N). name NULL: anon_N. qr_c(v, "a") names a column.
 * PostgreSQL only: SQLite takes no column names after the alias and
 * MySQL/MariaDB no VALUES in FROM (QR_ENOTSUP). Errors: QR_EINVAL (no
 * column, no row).
 */
QR_API qr_expr *qr_values_from(const char *name, const char *const *columns,
			       const qr_type *types, const qr_value *data,
			       size_t nrows);

/* LATERAL (SELECT ...) AS name (SQLAlchemy's select.lateral()); name
 * NULL: anon_N. Its SELECT correlates to the FROM objects before it, so
 * it may refer to them: join it with qr_join_on(t, lateral, qr_true()).
 * PostgreSQL and MySQL 8.0.14+; QR_ENOTSUP on SQLite and MariaDB. */
QR_API qr_expr *qr_lateral(qr_stmt *select, const char *name);

/*
 * A common table expression (WITH name AS (select)); name NULL: anon_N.
 * A recursive CTE starts from its base SELECT and is completed with the
 * recursive part, which refers to the first CTE (or an alias of it):
 *
 *   qr_expr *inc = qr_cte_recursive(base, "included_parts");
 *   qr_expr *all = qr_cte_union_all(qr_expr_ref(inc), recursive_select);
 */
QR_API qr_expr *qr_cte(qr_stmt *select, const char *name);
QR_API qr_expr *qr_cte_recursive(qr_stmt *select, const char *name);
QR_API qr_expr *qr_cte_union_all(qr_expr *cte, qr_stmt *select);
QR_API qr_expr *qr_cte_union(qr_expr *cte, qr_stmt *select);

/* ---- the columns a statement returns ----------------------------------- */

/* How many columns a SELECT or set operation returns (0 for anything
 * else, NULL included). */
QR_API size_t qr_select_column_count(const qr_stmt *select);
/* The name its i-th column is known by in a subquery of it: the column's
 * or label's name, a repeated one suffixed _1, _2... as SQLAlchemy
 * dedupes (buf, cap bytes, may hold it: the result is valid while both
 * buf and the statement are). NULL for an anonymous expression, i out of
 * range, a NULL argument. */
QR_API const char *qr_select_column_name(const qr_stmt *select, size_t i,
					 char *buf, size_t cap);

/* ---- set operations --------------------------------------------------- */

/* UNION [ALL] / INTERSECT [ALL] / EXCEPT [ALL] of two or more SELECTs;
 * qr_stmt_add() adds ORDER BY / LIMIT / OFFSET to the whole. */
#define qr_union(...) qr_union_new(__VA_ARGS__, QR_END)
#define qr_union_all(...) qr_union_all_new(__VA_ARGS__, QR_END)
#define qr_intersect(...) qr_intersect_new(__VA_ARGS__, QR_END)
#define qr_intersect_all(...) qr_intersect_all_new(__VA_ARGS__, QR_END)
#define qr_except(...) qr_except_new(__VA_ARGS__, QR_END)
#define qr_except_all(...) qr_except_all_new(__VA_ARGS__, QR_END)
QR_API qr_stmt *qr_union_new(qr_stmt *first, ...);
QR_API qr_stmt *qr_union_all_new(qr_stmt *first, ...);
QR_API qr_stmt *qr_intersect_new(qr_stmt *first, ...);
QR_API qr_stmt *qr_intersect_all_new(qr_stmt *first, ...);
QR_API qr_stmt *qr_except_new(qr_stmt *first, ...);
QR_API qr_stmt *qr_except_all_new(qr_stmt *first, ...);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_SELECT_H */
