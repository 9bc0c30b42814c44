/*
 * create_all.c - executing DDL: create_all / drop_all with check-first
 * and foreign key dependency order, single-table create/drop, and the
 * per-dialect existence checks (SQLAlchemy's SchemaGenerator /
 * SchemaDropper and has_table).
 */
#include "../mem.h"
#include "../sql/compiler.h"
#include "schema_internal.h"

#include <quarry/result.h>
#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>

qr_node *qr_ddl__enum_type(bool create, const qr_type *t);
qr_node *qr_ddl__comment(const qr_node *target);
qr_node *qr_ddl__sequence(bool create, const qr_node *column);

static const qr_dialect *conn_dialect(qr_conn *conn)
{
	const qr_dialect *d = NULL;
	if (qr_dialect_find(&d, qr_engine_dialect_name(qr_conn_engine(conn))))
		return NULL;
	return d;
}

static const qr_compiler_overrides *overrides(const qr_dialect *d)
{
	static const qr_compiler_overrides none;
	return d && d->compiler ? d->compiler : &none;
}

/* Runs a query with :name (and :schema) bound; *found: a row came back. */
static int probe(bool *found, qr_conn *conn, const char *sql, const char *name,
		 const char *schema)
{
	qr_params *p = qr_params_new();
	int rc = p ? qr_params_text(p, "name", name) : QR_ENOMEM;
	if (rc == 0 && schema)
		rc = qr_params_text(p, "schema", schema);
	qr_result *res = NULL;
	if (rc == 0)
		rc = qr_conn_execute_text(&res, conn, sql, p);
	const qr_row *row = NULL;
	if (rc == 0) {
		rc = qr_result_first(res, &row);
		*found = rc == 1;
		rc = rc < 0 ? rc : 0;
	}
	qr_result_free(res);
	qr_params_free(p);
	return rc;
}

int qr_table_exists(bool *out, qr_table *table, qr_conn *conn)
{
	if (!out || !table || !conn || table->kind != QR_NODE_TABLE)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_table_exists: bad argument");
	const qr_compiler_overrides *ov = overrides(conn_dialect(conn));
	const char *schema = qr_table_schema_name(table);
	const char *sql;
	if (schema)
		sql = ov->has_table_schema_sql
			      ? ov->has_table_schema_sql
			      : "SELECT table_name FROM "
				"information_schema.tables WHERE "
				"table_schema = :schema AND table_name = :name";
	else
		sql = ov->has_table_sql ? ov->has_table_sql
					: "SELECT table_name FROM "
					  "information_schema.tables WHERE "
					  "table_name = :name";
	return probe(out, conn, sql, table->name, schema);
}

static int run(qr_conn *conn, qr_node *stmt)
{
	if (!stmt)
		return qr_error_last()->code ? qr_error_last()->code
					     : QR_ENOMEM;
	int rc = qr_conn_execute(NULL, conn, stmt, NULL);
	qr_stmt_free(stmt);
	return rc;
}

/* PostgreSQL enum types of a table: created before it, dropped after. */
static int enum_types(qr_conn *conn, const qr_node *t, bool create,
		      bool checkfirst)
{
	const qr_dialect *d = conn_dialect(conn);
	const qr_compiler_overrides *ov = overrides(d);
	if (!(create ? ov->create_enum : ov->drop_enum))
		return 0;
	const qr_type **types;
	size_t n;
	int rc = qr_table__enum_types(t, &types, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (checkfirst && ov->has_type_sql && types[i]->name) {
			bool exists = false;
			rc = probe(&exists, conn, ov->has_type_sql,
				   types[i]->name, NULL);
			if (rc || exists == create)
				continue;
		}
		rc = run(conn, qr_ddl__enum_type(create, types[i]));
	}
	free(types);
	return rc;
}

/* The sequences of a table's columns, where the dialect has sequences:
 * created before it, dropped after (SQLAlchemy's SchemaGenerator and
 * SchemaDropper visit a column's Sequence default with the table). */
static int sequences(qr_conn *conn, const qr_node *t, bool create,
		     bool checkfirst)
{
	const qr_dialect *d = conn_dialect(conn);
	const qr_compiler_overrides *ov = overrides(d);
	qr_table_def *td = qr_table__def(t);
	int rc = 0;

	if (!qr_sqlc__dialect_has_sequences(d, ov))
		return 0;
	for (size_t i = 0; rc == 0 && i < td->ncolumns; i++) {
		const char *name = qr_column_sequence(td->columns[i], NULL);
		if (!name)
			continue;
		if (checkfirst && ov->has_sequence_sql) {
			bool exists = false;
			rc = probe(&exists, conn, ov->has_sequence_sql, name,
				   NULL);
			if (rc || exists == create)
				continue;
		}
		rc = run(conn, qr_ddl__sequence(create, td->columns[i]));
	}
	return rc;
}

static int create_one(qr_node *t, qr_conn *conn, bool checkfirst)
{
	const qr_compiler_overrides *ov = overrides(conn_dialect(conn));
	qr_table_def *d = qr_table__def(t);
	int rc;
	if (checkfirst) {
		bool exists = false;
		if ((rc = qr_table_exists(&exists, t, conn)))
			return rc;
		if (exists)
			return 0;
	}
	if ((rc = enum_types(conn, t, true, checkfirst)) ||
	    (rc = sequences(conn, t, true, checkfirst)))
		return rc;
	if ((rc = run(conn, qr_create_table(t))))
		return rc;
	for (size_t i = 0; i < d->nindexes && rc == 0; i++)
		rc = run(conn, qr_create_index(d->indexes[i]));
	if (ov->comment_on) {
		if (rc == 0 && d->comment)
			rc = run(conn, qr_ddl__comment(t));
		for (size_t i = 0; rc == 0 && i < d->ncolumns; i++) {
			if (qr_column__comment(d->columns[i]))
				rc = run(conn, qr_ddl__comment(d->columns[i]));
		}
	}
	return rc;
}

static int drop_one(qr_node *t, qr_conn *conn, bool checkfirst)
{
	int rc;
	if (checkfirst) {
		bool exists = false;
		if ((rc = qr_table_exists(&exists, t, conn)))
			return rc;
		if (!exists)
			return 0;
	}
	if ((rc = run(conn, qr_drop_table(t))) ||
	    (rc = sequences(conn, t, false, checkfirst)))
		return rc;
	return enum_types(conn, t, false, checkfirst);
}

int qr_table_create(qr_table *table, qr_conn *conn, bool checkfirst)
{
	if (!table || !conn || table->kind != QR_NODE_TABLE)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_table_create: bad argument");
	return create_one(table, conn, checkfirst);
}

int qr_table_drop(qr_table *table, qr_conn *conn, bool checkfirst)
{
	if (!table || !conn || table->kind != QR_NODE_TABLE)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_table_drop: bad argument");
	return drop_one(table, conn, checkfirst);
}

int qr_metadata_create_all_conn(qr_metadata *md, qr_conn *conn, bool checkfirst)
{
	if (!md || !conn)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_metadata_create_all: bad argument");
	qr_table **sorted = NULL;
	size_t n;
	int rc = qr_metadata_sorted_tables(&sorted, &n, md);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = create_one(sorted[i], conn, checkfirst);
	if (rc == 0 || sorted)
		free(sorted);
	return rc;
}

int qr_metadata_drop_all_conn(qr_metadata *md, qr_conn *conn, bool checkfirst)
{
	if (!md || !conn)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_metadata_drop_all: bad argument");
	qr_table **sorted = NULL;
	size_t n;
	int rc = qr_metadata_sorted_tables(&sorted, &n, md);
	for (size_t i = n; rc == 0 && i > 0; i--)
		rc = drop_one(sorted[i - 1], conn, checkfirst);
	if (rc == 0 || sorted)
		free(sorted);
	return rc;
}

/* create_all / drop_all on a connection of their own, committed. */
static int with_engine(qr_metadata *md, qr_engine *engine, bool create)
{
	if (!md || !engine)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_metadata_%s_all: bad argument",
				    create ? "create" : "drop");
	qr_conn *conn;
	int rc = qr_engine_connect(&conn, engine);
	if (rc)
		return rc;
	rc = create ? qr_metadata_create_all_conn(md, conn, true)
		    : qr_metadata_drop_all_conn(md, conn, true);
	if (rc == 0)
		rc = qr_conn_commit(conn);
	else
		qr_conn_rollback(conn);
	qr_conn_free(conn);
	return rc;
}

int qr_metadata_create_all(qr_metadata *md, qr_engine *engine)
{
	return with_engine(md, engine, true);
}

int qr_metadata_drop_all(qr_metadata *md, qr_engine *engine)
{
	return with_engine(md, engine, false);
}
