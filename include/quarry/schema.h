/*
 * quarry/schema.h - database metadata: tables, columns, constraints,
 * indexes, and the DDL that creates and drops them (SQLAlchemy's
 * MetaData, Table, Column, ForeignKey, ...).
 *
 *   qr_metadata *md = qr_metadata_new();
 *   qr_table *users = qr_table(md, "users",
 *           qr_column("id", QR_INTEGER, .primary_key = true),
 *           qr_column("name", qr_string(50)),
 *           qr_column("fullname", qr_string(50)));
 *   qr_table *addresses = qr_table(md, "addresses",
 *           qr_column("id", QR_INTEGER, .primary_key = true),
 *           qr_column("user_id", QR_INTEGER, .foreign_key = "users.id"),
 *           qr_column("email_address", qr_string(50), .not_null = true));
 *   qr_metadata_create_all(md, engine);
 *
 * A metadata owns its tables, a table its columns, constraints and
 * indexes: they are "pinned" nodes, borrowed by every expression that
 * uses them, valid until qr_metadata_free(). Schema items (columns,
 * constraints, indexes, table options) are built first and handed to
 * qr_table() / qr_table_add(), which take them. Constructors follow the
 * NULL propagation of quarry/expr.h.
 */
#ifndef QUARRY_SCHEMA_H
#define QUARRY_SCHEMA_H

#include "connection.h"
#include "expr.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_metadata qr_metadata;
/* A column, constraint, index or table option not yet in a table. */
typedef struct qr_node qr_schema_item;

/*
 * A naming convention (SQLAlchemy's MetaData(naming_convention=...)):
 * templates with %(table_name)s, %(column_0_name)s, %(column_0_label)s,
 * %(referred_table_name)s, %(referred_column_0_name)s and
 * %(constraint_name)s. A NULL member leaves that kind unnamed, except ix
 * which defaults to "ix_%(column_0_label)s" (for .index = true).
 */
typedef struct qr_naming_convention {
	const char *ix, *uq, *ck, *fk, *pk;
} qr_naming_convention;

typedef struct qr_metadata_options {
	const char *schema; /* default schema of its tables */
	qr_naming_convention naming;
} qr_metadata_options;

/* A new, empty metadata; NULL on out-of-memory (error recorded). The
 * options (may be NULL) are copied. */
QR_API qr_metadata *qr_metadata_new(void);
QR_API qr_metadata *qr_metadata_new_opts(const qr_metadata_options *opts);

/* Releases the metadata with every table in it. Accepts NULL. */
QR_API void qr_metadata_free(qr_metadata *md);

/* The table "name" or "schema.name", borrowed; NULL when none. */
QR_API qr_table *qr_metadata_table(const qr_metadata *md, const char *name);

/* Tables in definition order, borrowed. */
QR_API size_t qr_metadata_table_count(const qr_metadata *md);
QR_API qr_table *qr_metadata_table_at(const qr_metadata *md, size_t i);

/*
 * The tables in foreign key dependency order (referenced tables first,
 * definition order otherwise): *out is a new array (qr_free) of n
 * borrowed tables. Errors: QR_ENOMEM; QR_EINVAL for a foreign key whose
 * table or column is missing.
 */
QR_API int qr_metadata_sorted_tables(qr_table ***out, size_t *n,
				     const qr_metadata *md);

/* ---- columns ---------------------------------------------------------- */

typedef enum qr_autoincrement {
	QR_AUTOINCREMENT_AUTO = 0, /* the single integer primary key with no
				    * foreign key: yes */
	QR_AUTOINCREMENT_YES,
	QR_AUTOINCREMENT_NO
} qr_autoincrement;

/* Computes a client-side default value for one row (bytes in scratch). */
typedef int (*qr_default_fn)(qr_value *out, qr_scratch *scratch, void *arg);

typedef struct qr_column_options {
	qr_type type; /* QR_NULLTYPE with foreign_key: the
		       * referenced column's type */
	bool primary_key;
	bool not_null; /* NOT NULL (primary keys always are) */
	bool unique;   /* an unnamed UNIQUE constraint */
	bool index;    /* an index named ix_<table>_<column> */
	qr_autoincrement autoincrement;
	const char *foreign_key; /* "table.column" / "schema.table.column" */
	const char *on_delete;   /* of that foreign key: "CASCADE", ... */
	const char *on_update;
	/* Client-side defaults, used when an INSERT does not set the column:
	 * a value (copied; QR_VNULL is none), a callback called per row, or
	 * a SQL expression rendered inline (taken). */
	qr_value default_value;
	qr_default_fn default_fn;
	void *default_arg;
	qr_expr *default_expr;
	/* The same for UPDATE (SQLAlchemy's onupdate). */
	qr_value onupdate_value;
	qr_default_fn onupdate_fn;
	void *onupdate_arg;
	qr_expr *onupdate_expr;
	/* DEFAULT in the DDL: a string rendered as a quoted literal, or an
	 * expression (qr_text("CURRENT_TIMESTAMP"), qr_now(), taken). */
	const char *server_default;
	qr_expr *server_default_expr;
	const char *comment;
} qr_column_options;

/*
 * A column: name, type, then options as designated initializers:
 *   qr_column("id", QR_INTEGER, .primary_key = true)
 *   qr_column("email", qr_string(50), .not_null = true, .unique = true)
 * The name and option strings are copied; expressions are taken.
 */
#define qr_column(name, ...) \
	qr_column_new((name), &(const qr_column_options){.type = __VA_ARGS__})
QR_API qr_schema_item *qr_column_new(const char *name,
				     const qr_column_options *opts);

/* Accessors of a column in a table (borrowed values). */
QR_API const char *qr_column_name(const qr_column *c);
QR_API const qr_type *qr_column_type(const qr_column *c);
QR_API qr_table *qr_column_table(const qr_column *c);
QR_API bool qr_column_is_primary_key(const qr_column *c);
QR_API bool qr_column_is_nullable(const qr_column *c);
/* Whether the database generates its value (see qr_autoincrement). */
QR_API bool qr_column_is_autoincrement(const qr_column *c);
/* The column its foreign key references, or NULL (none, or not yet
 * resolvable). */
QR_API qr_column *qr_column_references(const qr_column *c);
QR_API bool qr_column_has_default(const qr_column *c);
QR_API bool qr_column_has_server_default(const qr_column *c);

/* ---- constraints, indexes, table options ------------------------------ */

QR_API qr_schema_item *qr_primary_key(const char *const *columns);
QR_API qr_schema_item *qr_unique(const char *const *columns);
/* CHECK (sql); _expr renders the condition with values inline (build it
 * with the table's columns, then qr_table_add()). */
QR_API qr_schema_item *qr_check(const char *sql);
QR_API qr_schema_item *qr_check_expr(qr_expr *condition);
/* FOREIGN KEY(columns) REFERENCES ...: refcolumns are "table.column"
 * (or "schema.table.column"); on_delete / on_update may be NULL. */
QR_API qr_schema_item *qr_foreign_key(const char *const *columns,
				      const char *const *refcolumns,
				      const char *on_delete,
				      const char *on_update);
/* CREATE [UNIQUE] INDEX name ON table (columns | expression). */
QR_API qr_schema_item *qr_index(const char *name, const char *const *columns);
QR_API qr_schema_item *qr_unique_index(const char *name,
				       const char *const *columns);
QR_API qr_schema_item *qr_index_expr(const char *name, bool unique,
				     qr_expr *expr);
/* Names a constraint: CONSTRAINT name ... (item taken, returned). */
QR_API qr_schema_item *qr_named(const char *name, qr_schema_item *item);
/* Table options: its schema (Table(schema=...)) and comment. */
QR_API qr_schema_item *qr_table_schema(const char *schema);
QR_API qr_schema_item *qr_table_comment(const char *comment);

/* ---- tables ----------------------------------------------------------- */

/*
 * Defines table name in md with the given items (columns, constraints,
 * indexes, options), which it takes. Returns the table, borrowed from md.
 * Errors: QR_EINVAL (NULL md or name, a table of that name already in md,
 * duplicate column names, a constraint naming a missing column),
 * QR_ENOMEM; a NULL item propagates.
 */
#define qr_table(md, name, ...) qr_table_new((md), (name), __VA_ARGS__, QR_END)
QR_API qr_table *qr_table_new(qr_metadata *md, const char *name, ...);
/* The same with the items in an array (each taken, even on failure). */
QR_API qr_table *qr_table_new_items(qr_metadata *md, const char *name,
				    qr_schema_item *const *items,
				    size_t nitems);

/* Adds a constraint, index or column to a defined table (taken), before
 * the table is created in a database (no ALTER is issued). A column may
 * not be part of the primary key and its name must be new (QR_EINVAL). */
QR_API int qr_table_add(qr_table *table, qr_schema_item *item);

QR_API const char *qr_table_name(const qr_table *t);
/* The schema, or NULL. */
QR_API const char *qr_table_schema_name(const qr_table *t);
QR_API qr_metadata *qr_table_metadata(const qr_table *t);
QR_API size_t qr_table_column_count(const qr_table *t);
QR_API qr_column *qr_table_column_at(const qr_table *t, size_t i);
/* The column of that name, or NULL (no error recorded). */
QR_API qr_column *qr_table_column(const qr_table *t, const char *name);
/* Primary key columns in key order. */
QR_API size_t qr_table_primary_key_count(const qr_table *t);
QR_API qr_column *qr_table_primary_key_at(const qr_table *t, size_t i);
/* The autoincrement column, or NULL. */
QR_API qr_column *qr_table_autoincrement_column(const qr_table *t);

/* A foreign key of a table, for relationship inference. */
typedef struct qr_foreign_key_info {
	const char *name; /* NULL when unnamed */
	size_t ncolumns;
	qr_column *const *columns;    /* in this table */
	qr_column *const *refcolumns; /* in the referenced table */
	qr_table *reftable;
	const char *on_delete, *on_update; /* NULL when not given */
} qr_foreign_key_info;

QR_API size_t qr_table_foreign_key_count(const qr_table *t);
/* Fills *out (borrowed pointers). Errors: QR_EINVAL (index out of
 * range, or a referenced table/column missing from the metadata). */
QR_API int qr_table_foreign_key(qr_foreign_key_info *out, const qr_table *t,
				size_t i);

/* The index of that name defined on the table (for qr_create_index), or
 * NULL. */
QR_API qr_schema_item *qr_table_index(const qr_table *t, const char *name);

/* ---- DDL -------------------------------------------------------------- */

/* CREATE TABLE / DROP TABLE / CREATE INDEX / DROP INDEX statements for
 * qr_compile() or qr_conn_execute(). The table or index is borrowed. */
QR_API qr_stmt *qr_create_table(qr_table *table);
QR_API qr_stmt *qr_drop_table(qr_table *table);
QR_API qr_stmt *qr_create_index(qr_schema_item *index);
QR_API qr_stmt *qr_drop_index(qr_schema_item *index);

/*
 * Creates every table (and its indexes, and PostgreSQL enum types) in
 * dependency order, skipping those that exist when checkfirst; drop_all
 * drops in reverse order. The _conn forms run in conn's transaction and
 * leave committing to the caller; the engine forms use a connection of
 * their own and commit. Errors: those of execution, QR_EINVAL.
 */
QR_API int qr_metadata_create_all(qr_metadata *md, qr_engine *engine);
QR_API int qr_metadata_drop_all(qr_metadata *md, qr_engine *engine);
QR_API int qr_metadata_create_all_conn(qr_metadata *md, qr_conn *conn,
				       bool checkfirst);
QR_API int qr_metadata_drop_all_conn(qr_metadata *md, qr_conn *conn,
				     bool checkfirst);

/* One table (with its indexes and enum types). */
QR_API int qr_table_create(qr_table *table, qr_conn *conn, bool checkfirst);
QR_API int qr_table_drop(qr_table *table, qr_conn *conn, bool checkfirst);

/* Whether the table exists in the database (SQLAlchemy's has_table). */
QR_API int qr_table_exists(bool *out, qr_table *table, qr_conn *conn);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_SCHEMA_H */
