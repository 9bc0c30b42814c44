/*
 * schema_internal.h - metadata, table, column, constraint and index
 * definitions behind the pinned schema nodes (private to core).
 */
#ifndef QUARRY_CORE_SCHEMA_INTERNAL_H
#define QUARRY_CORE_SCHEMA_INTERNAL_H

#include "../sql/sqlnode.h"

struct qr_metadata {
	qr_node **tables; /* TABLE nodes, definition order */
	size_t ntables, cap;
	char *schema;
	char *naming[5]; /* ix, uq, ck, fk, pk templates (owned or NULL) */
};

enum { QR_NAMING_IX, QR_NAMING_UQ, QR_NAMING_CK, QR_NAMING_FK, QR_NAMING_PK };

typedef struct qr_table_def {
	qr_metadata *md;
	char *schema;
	char *comment;
	qr_node **columns; /* COLUMN nodes */
	size_t ncolumns, colcap;
	qr_node *pk;           /* the PRIMARY KEY constraint, or NULL */
	qr_node **constraints; /* other constraints, creation order */
	size_t nconstraints, conscap;
	qr_node **indexes;
	size_t nindexes, idxcap;
	uint64_t serial; /* unique per table ever created */
} qr_table_def;

typedef struct qr_column_def {
	qr_node *table; /* borrowed; NULL until the table takes it */
	size_t index;
	bool primary_key;
	bool nullable;
	bool unique;
	bool indexed;
	bool type_from_fk; /* QR_NULLTYPE given: the referenced type */
	qr_autoincrement autoincrement;
	char *fk_target, *on_delete, *on_update;
	qr_value default_value;
	char *default_storage;
	qr_default_fn default_fn;
	void *default_arg;
	qr_node *default_expr;
	qr_value onupdate_value;
	char *onupdate_storage;
	qr_default_fn onupdate_fn;
	void *onupdate_arg;
	qr_node *onupdate_expr;
	char *server_default;
	qr_node *server_default_expr;
	char *comment;
	bool has_identity;
	qr_identity identity;
	char *computed; /* GENERATED ALWAYS AS (computed), or NULL */
	qr_persisted computed_persisted;
	char *sequence; /* the sequence generating its values, or NULL */
	bool has_seq_options;
	qr_identity seq_options;
	uint64_t order;
} qr_column_def;

/* CONSTRAINT sub-kinds (node->op). */
enum { QR_CONS_PK, QR_CONS_FK, QR_CONS_UNIQUE, QR_CONS_CHECK };

typedef struct qr_constraint_def {
	qr_node *table; /* borrowed; NULL until attached */
	char **columns; /* owned names */
	size_t ncolumns;
	char **refs; /* FK: "table.col" / "schema.table.col" */
	char *on_delete, *on_update;
	char *check_sql;
	qr_node *check_expr;
	uint64_t order;
	/* FK resolution cache (qr_table_foreign_key) */
	qr_node **cols;    /* ncolumns local COLUMN nodes */
	qr_node **refcols; /* ncolumns referenced COLUMN nodes */
	qr_node *reftable;
} qr_constraint_def;

typedef struct qr_index_def {
	qr_node *table; /* borrowed; NULL until attached */
	char **columns; /* owned names, or NULL for an expression */
	size_t ncolumns;
	qr_node *expr;
	bool unique;
} qr_index_def;

enum { QR_NF_INDEX_UNIQUE = 1u << 0 };

static inline qr_table_def *qr_table__def(const qr_node *t)
{
	return (qr_table_def *)t->ext;
}

/* The primary key constraint's columns (COLUMN nodes), in key order. */
size_t qr_table__pk_count(const qr_node *t);
qr_node *qr_table__pk_at(const qr_node *t, size_t i);

/* Resolves an FK constraint against the metadata (0 or QR_EINVAL). */
int qr_constraint__resolve(qr_node *cons);

/* The enum types of a table's columns (for PostgreSQL CREATE TYPE),
 * distinct by name, into *out (qr_free) . */
int qr_table__enum_types(const qr_node *t, const qr_type ***out, size_t *n);

/* Schema details dialect compilers render. */
const char *qr_column__comment(const qr_node *col);
const char *qr_table__comment(const qr_node *table);
qr_node *qr_index__table(const qr_node *index);

#endif
