/*
 * quarry/statement.h - statements, textual SQL and compilation.
 *
 * Statements and expressions are immutable, reference-counted nodes of one
 * type (qr_stmt and qr_expr name the same struct). Constructors take
 * ownership of the node arguments they are given and propagate NULL: given
 * a NULL argument (an earlier failure) they release their other arguments
 * and return NULL, leaving the first error in qr_error_last(). A program
 * checks once, where it compiles or executes.
 *
 * Textual SQL follows SQLAlchemy's text(): ":name" is a bound parameter
 * (letters, digits, underscore; the same name may appear more than once),
 * "\:" is a literal colon, "::" (a PostgreSQL cast) is left alone, and
 * colons inside quoted strings and identifiers are not parameters.
 */
#ifndef QUARRY_STATEMENT_H
#define QUARRY_STATEMENT_H

#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_node qr_stmt;
typedef struct qr_node qr_expr;
typedef struct qr_compiled qr_compiled;

/*
 * A textual SQL statement (SQLAlchemy's text()). The string is copied.
 * Returns NULL on out-of-memory or a NULL sql (error recorded).
 */
QR_API qr_stmt *qr_text(const char *sql);

/* Adds a reference: the node is released when every reference is
 * dropped. Returns its argument; NULL stays NULL. */
QR_API qr_expr *qr_expr_ref(qr_expr *expr);

/* Drops a reference (the one a constructor returned). Accepts NULL. */
QR_API void qr_stmt_free(qr_stmt *stmt);
QR_API void qr_expr_free(qr_expr *expr);

/*
 * Compiles stmt for a dialect by name ("sqlite", "postgresql", "mysql",
 * with or without "+driver"), without connecting. *out is the caller's;
 * release it with qr_compiled_free. Errors: QR_EINVAL (stmt NULL: the
 * error that produced the NULL is kept), QR_ENODIALECT, QR_ENOTSUP (a
 * construct the dialect cannot express; the message names both),
 * QR_ECOMPILE, QR_ENOMEM.
 */
QR_API int qr_compile(qr_compiled **out, const qr_stmt *stmt,
		      const char *dialect);

QR_API void qr_compiled_free(qr_compiled *compiled);

/* The SQL text in the dialect's parameter style. Borrowed. */
QR_API const char *qr_compiled_sql(const qr_compiled *compiled);

/* The positional parameters in order. A name appears once per position
 * (so twice for qmark style if used twice, once for numbered styles). */
QR_API size_t qr_compiled_param_count(const qr_compiled *compiled);
QR_API const char *qr_compiled_param_name(const qr_compiled *compiled,
					  size_t index);

/* The value bound in the statement for that position, or NULL when the
 * value must be supplied at execution. Borrowed. */
QR_API const qr_value *qr_compiled_param_value(const qr_compiled *compiled,
					       size_t index);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_STATEMENT_H */
