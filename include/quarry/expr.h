/*
 * quarry/expr.h - SQL expressions (SQLAlchemy's ColumnElement world).
 *
 * Expressions are immutable, reference-counted nodes (qr_expr, the same
 * type as qr_stmt). Every constructor takes ownership of the node
 * arguments it is given, so a tree is written inline and released once
 * with qr_expr_free()/qr_stmt_free(); qr_expr_ref() keeps a node for
 * reuse. Tables and columns belong to their metadata and are borrowed:
 * pass them anywhere, never free them.
 *
 * NULL propagates: a constructor given a NULL node argument (an earlier
 * failure) releases its other arguments and returns NULL, keeping the
 * first error in qr_error_last() (or recording QR_EINVAL when none was
 * recorded), so a program checks once, where it compiles or executes.
 * Variadic constructors are macros that append QR_END to the list.
 *
 * Bound values are anonymous bind parameters named as SQLAlchemy names
 * them when compiled: after the column they are compared with (name_1,
 * name_2, ...), the function they are an argument of (concat_1), or
 * param_1. qr_param("name") is a named parameter whose value is given at
 * execution in a qr_params.
 *
 *   qr_and(qr_like(qr_c(users, "name"), qr_bind_text("j%")),
 *          qr_eq(qr_c(users, "id"), qr_c(addresses, "user_id")),
 *          qr_not(qr_gt(qr_c(users, "id"), qr_bind_int(5))))
 *   -> users.name LIKE ? AND users.id = addresses.user_id AND users.id <= ?
 */
#ifndef QUARRY_EXPR_H
#define QUARRY_EXPR_H

#include "statement.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_node qr_table;
typedef struct qr_node qr_column;

/* The end of a variadic list (a NULL item is an earlier failure). */
QR_API extern struct qr_node qr_end_sentinel_;
#define QR_END (&qr_end_sentinel_)

/* A NULL-terminated list of names: QR_NAMES("user_id", "email"). */
#define QR_NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- columns ---------------------------------------------------------- */

/*
 * The column name of a FROM object: a table (its borrowed column), an
 * alias, a subquery or a CTE (a new column reference). from is borrowed
 * (qr_c adds its own reference), so an alias can be used for many
 * columns and freed once. Errors: QR_ECOLUMN (no such column; the
 * message names it), QR_EINVAL.
 */
QR_API qr_expr *qr_c(const qr_expr *from, const char *name);

/* Several columns of one FROM object, as a list usable in qr_select():
 *   qr_select(qr_cols(users, "id", "name"), ...). from is borrowed. */
#define qr_cols(from, ...) \
	qr_cols_new((from), (const char *const[]){__VA_ARGS__, NULL})
QR_API qr_expr *qr_cols_new(const qr_expr *from, const char *const *names);

/* SQLAlchemy's column("q"): a column name with no table, quoted as the
 * dialect needs. */
QR_API qr_expr *qr_column_ref(const char *name);

/* SQLAlchemy's literal_column("users.fullname", String): SQL text
 * rendered as is, with a type. */
QR_API qr_expr *qr_literal_column(const char *sql, qr_type type);

/* "*" (for SELECT * / count(*)). */
QR_API qr_expr *qr_star(void);

/* ---- values and parameters -------------------------------------------- */

/* Anonymous bind parameters carrying a value (copied). */
QR_API qr_expr *qr_bind_value(qr_value value);
QR_API qr_expr *qr_bind_typed(qr_value value, qr_type type);
QR_API qr_expr *qr_bind_int(int64_t v);
QR_API qr_expr *qr_bind_double(double v);
QR_API qr_expr *qr_bind_bool(bool v);
/* NULL text binds SQL NULL. */
QR_API qr_expr *qr_bind_text(const char *v);

/* Whether e is a value: a bound parameter carrying one (qr_bind_*(),
 * qr_param_value(); not an expanding one), *out being it (text and
 * blobs borrowed from e), or qr_null() (*out a NULL value). false for
 * anything else, *out untouched (SQLAlchemy's BindParameter.value).
 * NULL e: false. */
QR_API bool qr_expr_bound_value(const qr_expr *e, qr_value *out);

/*
 * A copy of e in which each column of from (a table, alias or subquery)
 * is the column of to with the same name, qr_c(to, name): SQLAlchemy's
 * ClauseAdapter, as a query selecting from a subquery of itself uses
 * it. Nested statements (subqueries, EXISTS, scalar subqueries) and
 * text are left as they are. e, from and to are borrowed; returns a new
 * reference (to e itself when nothing changed), or NULL with the error
 * recorded (to has no column of that name; a NULL argument).
 */
QR_API qr_expr *qr_expr_adapt(const qr_expr *e, const qr_expr *from,
			      const qr_expr *to);

/* SQLAlchemy's bindparam("name"): a named parameter whose value comes
 * from the execution's qr_params (the same name may be used several
 * times). _typed gives it a type for value conversion; _value a value
 * that execution parameters of the same name override. */
QR_API qr_expr *qr_param(const char *name);
QR_API qr_expr *qr_param_typed(const char *name, qr_type type);
QR_API qr_expr *qr_param_value(const char *name, qr_value value);

/* bindparam("name", expanding=True): the right side of qr_in() /
 * qr_not_in() whose values come at execution as a list
 * (qr_params_list); one compiled form serves every list length. The
 * compiled SQL shows it as SQLAlchemy's str() does, IN
 * (__[POSTCOMPILE_name]); execution replaces that with one placeholder
 * per value. */
QR_API qr_expr *qr_param_expanding(const char *name);

/* bindparam("name", [values], expanding=True): the same with a list of n
 * values bound in the statement (copied; values may be NULL when n is
 * 0), used when the execution's parameters give no list of that name;
 * qr_compile_literal renders them (IN (1, 2, 3)). NULL on error
 * (QR_EINVAL: a list among the values). */
QR_API qr_expr *qr_param_expanding_values(const char *name,
					  const qr_value *values, size_t n);

/* NULL, true and false (rendered 1 / 0 where booleans are not native). */
QR_API qr_expr *qr_null(void);
QR_API qr_expr *qr_true(void);
QR_API qr_expr *qr_false(void);

/* ---- operators -------------------------------------------------------- */

/* Comparisons. Comparing with qr_null() renders IS NULL / IS NOT NULL. */
QR_API qr_expr *qr_eq(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_ne(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_lt(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_le(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_gt(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_ge(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_is(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_is_not(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_is_null(qr_expr *a);
QR_API qr_expr *qr_is_not_null(qr_expr *a);
QR_API qr_expr *qr_is_distinct_from(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_is_not_distinct_from(qr_expr *a, qr_expr *b);

/* Arithmetic. qr_add on string-typed operands is concatenation (||, or
 * concat() on MySQL), as SQLAlchemy's + is. */
QR_API qr_expr *qr_add(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_sub(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_mul(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_div(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_mod(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_neg(qr_expr *a);
QR_API qr_expr *qr_concat(qr_expr *a, qr_expr *b);

/* A custom binary operator: "a op b" (SQLAlchemy's .op()); bool_op's
 * result is boolean. op is copied. */
QR_API qr_expr *qr_op(qr_expr *a, const char *op, qr_expr *b);
QR_API qr_expr *qr_bool_op(qr_expr *a, const char *op, qr_expr *b);

/* Pattern matching. ILIKE renders lower(a) LIKE lower(b) where the
 * dialect has no ILIKE. qr_escape adds "ESCAPE 'c'" to any of the four.
 * contains/startswith/endswith build LIKE '%' || b || '%' and friends. */
QR_API qr_expr *qr_like(qr_expr *a, qr_expr *pattern);
QR_API qr_expr *qr_not_like(qr_expr *a, qr_expr *pattern);
QR_API qr_expr *qr_ilike(qr_expr *a, qr_expr *pattern);
QR_API qr_expr *qr_not_ilike(qr_expr *a, qr_expr *pattern);
QR_API qr_expr *qr_escape(qr_expr *like, char escape);
QR_API qr_expr *qr_contains(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_startswith(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_endswith(qr_expr *a, qr_expr *b);

/* SQLAlchemy 2.0's icontains / istartswith / iendswith: LIKE with both
 * sides in lower(), "lower(a) LIKE '%' || lower(b) || '%'", and on
 * PostgreSQL ILIKE, "a ILIKE '%' || b || '%'"; qr_not() negates them,
 * qr_escape() adds an ESCAPE. */
QR_API qr_expr *qr_icontains(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_istartswith(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_iendswith(qr_expr *a, qr_expr *b);

/*
 * Regular expressions (SQLAlchemy's regexp_match / regexp_replace).
 * flags (NULL: none; copied; letters only, e.g. "i") are rendered as a
 * literal. PostgreSQL: a ~ p, a ~* p ("i"), a !~ p, REGEXP_REPLACE(a, p,
 * r[, flags]). MySQL: a REGEXP p, REGEXP_LIKE(a, p, flags),
 * REGEXP_REPLACE(a, p, r[, flags]); MariaDB puts flags in the pattern,
 * CONCAT('(?', flags, ')', p). SQLite: a REGEXP p through the regexp()
 * function the sqlite3 driver registers (POSIX extended regular
 * expressions, searched anywhere in the string as Python's re.search
 * that SQLAlchemy registers; no Perl classes such as \d); flags and
 * qr_regexp_replace fail there with QR_ENOTSUP. qr_not() negates a match.
 */
QR_API qr_expr *qr_regexp_match(qr_expr *a, qr_expr *pattern,
				const char *flags);
QR_API qr_expr *qr_not_regexp_match(qr_expr *a, qr_expr *pattern,
				    const char *flags);
QR_API qr_expr *qr_regexp_replace(qr_expr *a, qr_expr *pattern,
				  qr_expr *replacement, const char *flags);

/* a COLLATE name (SQLAlchemy's collate()): name is copied and quoted as
 * an identifier when it needs it ("C" on PostgreSQL, utf8mb4_bin
 * bare). The type is a's. */
QR_API qr_expr *qr_collate(qr_expr *a, const char *collation);

/*
 * Bitwise operators (SQLAlchemy 2.0.2's bitwise_and() ...): a & b, a | b,
 * a << b, a >> b, ~a everywhere; XOR is a ^ b on MySQL, a # b on
 * PostgreSQL and (a | b - a & b) on SQLite, which has none (((a | b) -
 * (a & b)) inside another operator), as SQLAlchemy renders them.
 */
QR_API qr_expr *qr_bitwise_and(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_bitwise_or(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_bitwise_xor(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_bitwise_lshift(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_bitwise_rshift(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_bitwise_not(qr_expr *a);

/*
 * ANY (collection) / ALL (collection), the right side of a comparison
 * (SQLAlchemy's any_() / all_()): qr_eq(qr_bind_int(5),
 * qr_any_(arraycol)) is "? = ANY (t.arraycol)"; given on the left, the
 * comparison is turned around (qr_lt(qr_any_(x), y) is y > ANY (x)), as
 * SQLAlchemy does. PostgreSQL takes an array or a SELECT; MySQL/MariaDB
 * only a SELECT (no arrays: QR_ENOTSUP otherwise); SQLite has neither
 * (QR_ENOTSUP).
 */
QR_API qr_expr *qr_any_(qr_expr *collection);
QR_API qr_expr *qr_all_(qr_expr *collection);

/*
 * IN / NOT IN: b is a qr_list() of values, a qr_tuple list, or a SELECT
 * (a subquery). An empty list follows SQLAlchemy: IN is false and NOT IN
 * true for every row (an empty-set subquery on SQLite, "IN (NULL) AND
 * (1 != 1)" elsewhere). The _values forms bind each value (copied).
 */
QR_API qr_expr *qr_in(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_not_in(qr_expr *a, qr_expr *b);
QR_API qr_expr *qr_in_values(qr_expr *a, const qr_value *values, size_t n);
QR_API qr_expr *qr_in_ints(qr_expr *a, const int64_t *values, size_t n);
QR_API qr_expr *qr_in_texts(qr_expr *a, const char *const *values, size_t n);

QR_API qr_expr *qr_between(qr_expr *a, qr_expr *lo, qr_expr *hi);
QR_API qr_expr *qr_not_between(qr_expr *a, qr_expr *lo, qr_expr *hi);

/* Conjunctions. qr_not negates comparisons as SQLAlchemy does
 * (NOT a > b is a <= b, NOT LIKE, NOT IN, IS NOT NULL ...). */
#define qr_and(...) qr_and_new(__VA_ARGS__, QR_END)
#define qr_or(...) qr_or_new(__VA_ARGS__, QR_END)
QR_API qr_expr *qr_and_new(qr_expr *first, ...);
QR_API qr_expr *qr_or_new(qr_expr *first, ...);
QR_API qr_expr *qr_not(qr_expr *a);

/* DISTINCT x (for count(distinct x)). */
QR_API qr_expr *qr_distinct(qr_expr *a);

/* ORDER BY modifiers. */
QR_API qr_expr *qr_asc(qr_expr *a);
QR_API qr_expr *qr_desc(qr_expr *a);
QR_API qr_expr *qr_nulls_first(qr_expr *a);
QR_API qr_expr *qr_nulls_last(qr_expr *a);

/* A list of values (for IN) and a tuple "(a, b)". */
#define qr_list(...) qr_list_new(__VA_ARGS__, QR_END)
#define qr_tuple(...) qr_tuple_new(__VA_ARGS__, QR_END)
QR_API qr_expr *qr_list_new(qr_expr *first, ...);
QR_API qr_expr *qr_tuple_new(qr_expr *first, ...);
/* An empty list (IN ()). */
QR_API qr_expr *qr_list_empty(void);

/* ---- functions -------------------------------------------------------- */

/*
 * Any SQL function by name (SQLAlchemy's func.<name>):
 *   qr_func("now"), qr_func("coalesce", a, b), qr_func("count") = count(*)
 * Known names get SQLAlchemy's return types (count: INTEGER, max/min/sum/
 * coalesce: their argument's, now/current_timestamp: DATETIME, ...), and
 * ANSI ones render without parentheses (CURRENT_TIMESTAMP). _typed sets
 * the return type. The name is copied.
 */
#define qr_func(...) qr_func_new(__VA_ARGS__, QR_END)
#define qr_func_typed(type, ...) qr_func_typed_new((type), __VA_ARGS__, QR_END)
QR_API qr_expr *qr_func_new(const char *name, ...);
QR_API qr_expr *qr_func_typed_new(qr_type type, const char *name, ...);

/* Shorthands for the common ones. */
QR_API qr_expr *qr_count(qr_expr *a);
QR_API qr_expr *qr_count_star(void);
QR_API qr_expr *qr_max(qr_expr *a);
QR_API qr_expr *qr_min(qr_expr *a);
QR_API qr_expr *qr_sum(qr_expr *a);
QR_API qr_expr *qr_avg(qr_expr *a);
QR_API qr_expr *qr_lower(qr_expr *a);
QR_API qr_expr *qr_upper(qr_expr *a);
QR_API qr_expr *qr_length(qr_expr *a);
QR_API qr_expr *qr_now(void);
#define qr_coalesce(...) qr_func_new("coalesce", __VA_ARGS__, QR_END)

/* fn(...) FILTER (WHERE cond). */
QR_API qr_expr *qr_func_filter(qr_expr *fn, qr_expr *cond);

/*
 * A window function: fn OVER (PARTITION BY .. ORDER BY .. frame), the
 * parts being qr_partition_by(), qr_order_by() and qr_rows()/qr_range()
 * in any order:
 *   qr_over(qr_func("row_number"), qr_order_by(qr_c(users, "name")))
 * Frame bounds are SQLAlchemy's: negative PRECEDING, positive FOLLOWING,
 * 0 CURRENT ROW, QR_UNBOUNDED unbounded.
 */
#define QR_UNBOUNDED INT64_MIN
#define qr_over(...) qr_over_new(__VA_ARGS__, QR_END)
QR_API qr_expr *qr_over_new(qr_expr *fn, ...);
QR_API qr_expr *qr_rows(int64_t lo, int64_t hi);
QR_API qr_expr *qr_range(int64_t lo, int64_t hi);

/*
 * An ordered-set aggregate: fn WITHIN GROUP (ORDER BY exprs...)
 * (SQLAlchemy's FunctionElement.within_group()), fn a qr_func():
 *   qr_within_group(qr_func("percentile_cont", qr_bind_double(0.5)),
 *                   qr_desc(qr_c(t, "x")))
 * percentile_cont, percentile_disc and mode take the type of the first
 * ORDER BY expression. It may be a window function's fn (qr_over).
 * PostgreSQL only: QR_ENOTSUP on SQLite and MySQL/MariaDB.
 */
#define qr_within_group(fn, ...) qr_within_group_new((fn), __VA_ARGS__, QR_END)
QR_API qr_expr *qr_within_group_new(qr_expr *fn, ...);

/* EXTRACT(field FROM a), an INTEGER (SQLAlchemy's extract()): field is
 * a word such as "year", "month", "day", "hour", "minute", "second",
 * "dow", "doy", "week", "epoch" (copied; QR_EINVAL for anything but
 * letters, digits and '_'). SQLite has no EXTRACT: CAST(STRFTIME('%Y',
 * a) AS INTEGER) for the fields SQLAlchemy maps (QR_ECOMPILE for
 * others); the other dialects pass the field through. */
QR_API qr_expr *qr_extract(const char *field, qr_expr *a);

/*
 * JSON elements (SQLAlchemy's JSON type: data["key"], data[2] and
 * .as_string() / .as_integer() / .as_float() / .as_boolean() /
 * .as_numeric() / .as_json()). qr_json_get(json, "key") and
 * qr_json_get_index(json, 2) are a JSON value (its document as text):
 * PostgreSQL json -> $1, MySQL JSON_EXTRACT(json, '$."key"' / '$[2]'),
 * SQLite JSON_QUOTE(JSON_EXTRACT(...)), the key or index bound. qr_json_as
 * (element, QR_STRING | QR_INTEGER | QR_FLOAT | QR_BOOLEAN | a numeric
 * type | QR_JSON) reads the element as that type: PostgreSQL CAST(json
 * ->> $1 AS type), SQLite JSON_EXTRACT(...), MySQL JSON_UNQUOTE / CAST
 * inside a CASE that turns a JSON null into NULL. json is taken (a NULL
 * json is an error); the key is copied; qr_json_as takes element, which
 * must come from qr_json_get or qr_json_get_index (QR_EINVAL otherwise).
 */
QR_API qr_expr *qr_json_get(qr_expr *json, const char *key);
QR_API qr_expr *qr_json_get_index(qr_expr *json, int64_t index);
/* json[("a", 1, "b")] (SQLAlchemy's path index): path holds n keys
 * (qr_val_text) and indexes (qr_val_int), copied. PostgreSQL json #> $1
 * (#>> read as another type) with the path bound as "{a, 1, b}", SQLite
 * and MySQL JSON_EXTRACT(json, '$."a"[1]."b"'). QR_EINVAL for another
 * kind of element or an empty path. */
QR_API qr_expr *qr_json_get_path(qr_expr *json, const qr_value *path, size_t n);
QR_API qr_expr *qr_json_as(qr_expr *element, qr_type type);

/* The next value of a sequence (SQLAlchemy's Sequence("s").next_value()),
 * an INTEGER: nextval('s') on PostgreSQL, nextval(s) on MariaDB;
 * compiling it for a dialect without sequences (SQLite, MySQL) fails
 * with QR_ENOTSUP naming the dialect. The name is copied. Executing
 * select(qr_next_value("s")) advances the sequence. */
QR_API qr_expr *qr_next_value(const char *sequence);

/* CASE WHEN .. THEN .. [ELSE ..] END; qr_case_value: CASE value WHEN. */
#define qr_case(...) qr_case_new(__VA_ARGS__, QR_END)
#define qr_case_value(value, ...) \
	qr_case_value_new((value), __VA_ARGS__, QR_END)
QR_API qr_expr *qr_case_new(qr_expr *first, ...);
QR_API qr_expr *qr_case_value_new(qr_expr *value, ...);
QR_API qr_expr *qr_when(qr_expr *cond, qr_expr *result);
QR_API qr_expr *qr_else(qr_expr *result);

/* CAST(a AS type); type_coerce: a with type for conversions, no CAST. */
QR_API qr_expr *qr_cast(qr_expr *a, qr_type type);
QR_API qr_expr *qr_type_coerce(qr_expr *a, qr_type type);

/* a AS name. */
QR_API qr_expr *qr_label(qr_expr *a, const char *name);

/* EXISTS (select), and a SELECT used as a column expression. */
QR_API qr_expr *qr_exists(qr_stmt *select);
QR_API qr_expr *qr_scalar(qr_stmt *select);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_EXPR_H */
