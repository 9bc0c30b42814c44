/*
 * quarry/reflect.h - schema reflection (SQLAlchemy's Inspector).
 *
 * Reads what a database holds: table and view names, and for a table its
 * columns (name, type, nullable, default, autoincrement), primary key,
 * foreign keys, indexes and unique constraints. Each dialect answers with
 * its own catalog queries, run on the connection given (in its current
 * transaction; reflection only reads).
 *
 * Results are plain data owned by the caller: free a qr_strings with
 * qr_strings_free() and a qr_reflected_table with
 * qr_reflected_table_free(). Every string in them is owned by the
 * containing object. A schema argument of NULL means the connection's
 * default schema.
 */
#ifndef QUARRY_REFLECT_H
#define QUARRY_REFLECT_H

#include "connection.h"
#include "schema.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A list of strings. */
typedef struct qr_strings {
	char **items;
	size_t count;
	size_t cap;
} qr_strings;

typedef struct qr_reflected_column {
	char *name;
	char *type_name; /* as the database reports it: "VARCHAR(50)" */
	qr_type type;    /* parsed; QR_NULLTYPE when not recognised */
	bool nullable;
	char *default_value; /* server default as SQL text, or NULL */
	bool autoincrement;
	char *comment; /* or NULL */
} qr_reflected_column;

typedef struct qr_reflected_fk {
	char *name; /* constraint name, or NULL */
	qr_strings columns;
	char *referred_schema; /* NULL: the same schema */
	char *referred_table;
	qr_strings referred_columns;
	char *on_delete; /* "CASCADE", ... or NULL */
	char *on_update;
} qr_reflected_fk;

typedef struct qr_reflected_index {
	char *name;
	qr_strings columns;
	bool unique;
} qr_reflected_index;

typedef struct qr_reflected_unique {
	char *name; /* or NULL */
	qr_strings columns;
} qr_reflected_unique;

typedef struct qr_reflected_table {
	char *schema; /* NULL for the default schema */
	char *name;
	qr_reflected_column *columns; /* in table order */
	size_t ncolumns;
	char *pk_name;         /* or NULL */
	qr_strings pk_columns; /* in key order */
	qr_reflected_fk *fks;
	size_t nfks;
	qr_reflected_index *indexes; /* excluding the primary key's and
				      * unique constraints' own indexes */
	size_t nindexes;
	qr_reflected_unique *uniques;
	size_t nuniques;
} qr_reflected_table;

/*
 * Names of the tables (views excluded) or of the views in schema, sorted.
 * *out is the caller's. Errors: QR_EINVAL, QR_ENOTSUP (the dialect has no
 * reflection), database errors, QR_ENOMEM.
 */
QR_API int qr_inspect_table_names(qr_strings **out, qr_conn *conn,
				  const char *schema);
QR_API int qr_inspect_view_names(qr_strings **out, qr_conn *conn,
				 const char *schema);

/* Whether a table or view of that name exists. */
QR_API int qr_inspect_has_table(bool *out, qr_conn *conn, const char *schema,
				const char *name);

/*
 * Everything about one table. Errors: QR_ENORESULT (class
 * INVALID_REQUEST: SQLAlchemy's NoSuchTableError) when it does not exist;
 * otherwise as above.
 */
QR_API int qr_inspect_table(qr_reflected_table **out, qr_conn *conn,
			    const char *schema, const char *name);

/*
 * Loads table name (in schema, NULL: the default) from the database into
 * md, as SQLAlchemy's Table(name, metadata, autoload_with=conn): columns
 * with their types, nullability, server defaults and autoincrement, the
 * primary key, unique constraints, foreign keys (the tables they refer
 * to are reflected into md as well, when not there already) and indexes
 * on plain columns. A table already in md is returned as it is. Returns
 * the table, borrowed from md, or NULL with the error recorded
 * (QR_ENORESULT when no such table exists).
 */
QR_API qr_table *qr_table_reflect(qr_metadata *md, qr_conn *conn,
				  const char *schema, const char *name);

/* The column of that name, or NULL. Borrowed. */
QR_API const qr_reflected_column *
qr_reflected_column_find(const qr_reflected_table *table, const char *name);

QR_API void qr_reflected_table_free(qr_reflected_table *table);

/* Appends a copy of s. Errors: QR_EINVAL, QR_ENOMEM. */
QR_API int qr_strings_add(qr_strings *list, const char *s);
/* Releases the items (not the struct itself, which may be embedded). */
QR_API void qr_strings_clear(qr_strings *list);
/* Releases a list allocated by quarry (qr_inspect_*_names). */
QR_API void qr_strings_free(qr_strings *list);

/*
 * Parses a database type name ("VARCHAR(50)", "character varying(20)",
 * "int4", "NUMERIC(10, 2)", "timestamp with time zone", "tinyint(1)" for
 * MySQL booleans, ...) into a qr_type of the nearest generic kind.
 * dialect may be NULL. Unknown names give QR_NULLTYPE and return 0.
 */
QR_API int qr_type_parse(qr_type *out, const char *dialect,
			 const char *type_name);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_REFLECT_H */
