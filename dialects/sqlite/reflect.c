/*
 * reflect.c - SQLite schema reflection through sqlite_master and the
 * table_info / foreign_key_list / index_list / index_info pragmas.
 */
#include "sqlite.h"

#include "../common/reflect_util.h"

#include <quarry.h>
#include <quarry/sys/reflect.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "name" with embedded quotes doubled, into a malloc'd string. */
static char *quoted(const char *name)
{
	size_t n = strlen(name), extra = 0;
	for (size_t i = 0; i < n; i++)
		extra += name[i] == '"';
	char *q = malloc(n + extra + 3);
	if (!q) {
		qr_error_set(QR_ENOMEM, QR_ECLASS_INTERNAL,
			     "out of memory quoting an identifier");
		return NULL;
	}
	char *p = q;
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (name[i] == '"')
			*p++ = '"';
		*p++ = name[i];
	}
	*p++ = '"';
	*p = '\0';
	return q;
}

/* Runs "<prefix><schema.>pragma(<quoted name>)" and returns the result. */
static int pragma(qr_result **out, qr_conn *conn, const char *schema,
		  const char *pragma_name, const char *arg)
{
	char *qs = schema ? quoted(schema) : NULL;
	char *qa = quoted(arg);
	char sql[1024];
	int rc = QR_ENOMEM;
	if (qa && (!schema || qs)) {
		snprintf(sql, sizeof(sql), "PRAGMA %s%s%s(%s)", qs ? qs : "",
			 qs ? "." : "", pragma_name, qa);
		rc = qr_conn_execute_text(out, conn, sql, NULL);
	}
	free(qs);
	free(qa);
	return rc;
}

static int sqlite_names(qr_conn *conn, const char *schema, bool views,
			qr_strings *out)
{
	char sql[512];
	char *qs = schema ? quoted(schema) : NULL;
	qr_result *r;
	const qr_row *row;
	if (schema && !qs)
		return QR_ENOMEM;
	snprintf(sql, sizeof(sql),
		 "SELECT name FROM %s%ssqlite_master WHERE type = '%s' AND "
		 "name NOT LIKE 'sqlite~_%%' ESCAPE '~' ORDER BY name",
		 qs ? qs : "", qs ? "." : "", views ? "view" : "table");
	free(qs);
	int rc = qr_conn_execute_text(&r, conn, sql, NULL);
	while (rc == 0 && (rc = qr_result_next(r, &row)) > 0) {
		const char *name;
		rc = qr_row_text(row, 0, &name);
		if (rc == 0)
			rc = qr_strings_add(out, name);
	}
	qr_result_free(r);
	return rc < 0 ? rc : 0;
}

static int reflect_columns(qr_conn *conn, const char *schema,
			   qr_reflected_table *t)
{
	qr_result *r;
	const qr_row *row;
	int rc = pragma(&r, conn, schema, "table_info", t->name);
	int pk_order[256];
	while (rc == 0 && (rc = qr_result_next(r, &row)) > 0) {
		rc = 0;
		qr_reflected_column *c = qr_reflect__add_column(t);
		if (!c) {
			rc = QR_ENOMEM;
			break;
		}
		int64_t notnull = 0, pk = 0;
		c->name = qr_reflect__text(row, 1, &rc);
		c->type_name = qr_reflect__text(row, 2, &rc);
		if (rc == 0 && !c->type_name)
			c->type_name = strdup("");
		c->default_value = qr_reflect__text(row, 4, &rc);
		qr_row_int64(row, 3, &notnull);
		qr_row_int64(row, 5, &pk);
		c->nullable = notnull == 0;
		if (rc == 0 && (!c->name || !c->type_name)) {
			rc = qr_error_set(QR_ENOMEM, QR_ECLASS_INTERNAL,
					  "out of memory reflecting");
			break;
		}
		if (t->ncolumns <= 256)
			pk_order[t->ncolumns - 1] = (int)pk;
	}
	qr_result_free(r);
	if (rc < 0)
		return rc;
	/* Primary key columns in key order (pk is 1-based order). */
	for (int k = 1; k <= (int)t->ncolumns && k <= 256; k++) {
		for (size_t i = 0; i < t->ncolumns && i < 256; i++) {
			if (pk_order[i] == k &&
			    (rc = qr_strings_add(&t->pk_columns,
						 t->columns[i].name)))
				return rc;
		}
	}
	/* A lone INTEGER PRIMARY KEY is SQLite's rowid: autoincrement. */
	if (t->pk_columns.count == 1) {
		for (size_t i = 0; i < t->ncolumns; i++) {
			if (strcmp(t->columns[i].name,
				   t->pk_columns.items[0]) == 0 &&
			    strcasecmp(t->columns[i].type_name, "INTEGER") == 0)
				t->columns[i].autoincrement = true;
		}
	}
	return 0;
}

static char *action(const qr_row *row, int col)
{
	const char *s;
	if (qr_row_text(row, col, &s) != 0 || !s ||
	    strcasecmp(s, "NO ACTION") == 0)
		return NULL;
	return strdup(s);
}

/* The primary key columns of another table (for REFERENCES t). */
static int referred_pk(qr_conn *conn, const char *schema, const char *table,
		       qr_strings *out)
{
	qr_reflected_table other = {0};
	other.name = (char *)table;
	int rc = reflect_columns(conn, schema, &other);
	if (rc == 0) {
		for (size_t i = 0; i < other.pk_columns.count && rc == 0; i++)
			rc = qr_strings_add(out, other.pk_columns.items[i]);
	}
	other.name = NULL;
	for (size_t i = 0; i < other.ncolumns; i++) {
		free(other.columns[i].name);
		free(other.columns[i].type_name);
		free(other.columns[i].default_value);
	}
	free(other.columns);
	qr_strings_clear(&other.pk_columns);
	return rc;
}

static int reflect_fks(qr_conn *conn, const char *schema, qr_reflected_table *t)
{
	qr_result *r;
	const qr_row *row;
	int64_t last_id = -1;
	int rc = pragma(&r, conn, schema, "foreign_key_list", t->name);
	bool missing_to = false;
	/* Rows: id, seq, table, from, to, on_update, on_delete, match. */
	while (rc == 0 && (rc = qr_result_next(r, &row)) > 0) {
		int64_t id;
		rc = 0;
		qr_row_int64(row, 0, &id);
		if (id != last_id) {
			qr_reflected_fk *f = qr_reflect__add_fk(t);
			if (!f) {
				rc = QR_ENOMEM;
				break;
			}
			f->referred_table = qr_reflect__text(row, 2, &rc);
			f->on_update = action(row, 5);
			f->on_delete = action(row, 6);
			last_id = id;
		}
		qr_reflected_fk *f = &t->fks[t->nfks - 1];
		const char *from, *to = NULL;
		qr_row_text(row, 3, &from);
		rc = qr_strings_add(&f->columns, from ? from : "");
		if (rc == 0 && qr_row_text(row, 4, &to) == 0 && to)
			rc = qr_strings_add(&f->referred_columns, to);
		else if (rc == 0)
			missing_to = true;
	}
	qr_result_free(r);
	if (rc < 0)
		return rc;
	/* "REFERENCES parent" without columns means parent's key. */
	for (size_t i = 0; missing_to && i < t->nfks; i++) {
		qr_reflected_fk *f = &t->fks[i];
		if (f->referred_columns.count == 0 &&
		    (rc = referred_pk(conn, schema, f->referred_table,
				      &f->referred_columns)))
			return rc;
	}
	return 0;
}

static int index_columns(qr_conn *conn, const char *schema, const char *index,
			 qr_strings *out)
{
	qr_result *r;
	const qr_row *row;
	int rc = pragma(&r, conn, schema, "index_info", index);
	while (rc == 0 && (rc = qr_result_next(r, &row)) > 0) {
		const char *name;
		rc = 0;
		if (qr_row_text(row, 2, &name) == 0 && name)
			rc = qr_strings_add(out, name);
	}
	qr_result_free(r);
	return rc < 0 ? rc : 0;
}

static int reflect_indexes(qr_conn *conn, const char *schema,
			   qr_reflected_table *t)
{
	qr_result *r;
	qr_rowset *rows = NULL;
	int rc = pragma(&r, conn, schema, "index_list", t->name);
	if (rc == 0)
		rc = qr_result_all(&rows, r);
	qr_result_free(r);
	/* Rows: seq, name, unique, origin (c, u, pk), partial. Oldest
	 * first, as SQLAlchemy lists them. */
	for (size_t k = qr_rowset_count(rows); rc == 0 && k-- > 0;) {
		const qr_row *row = qr_rowset_row(rows, k);
		const char *name, *origin;
		int64_t unique = 0;
		qr_row_text(row, 1, &name);
		qr_row_int64(row, 2, &unique);
		qr_row_text(row, 3, &origin);
		if (!name || !origin || strcmp(origin, "pk") == 0)
			continue;
		if (strcmp(origin, "u") == 0) {
			qr_reflected_unique *u = qr_reflect__add_unique(t);
			if (!u) {
				rc = QR_ENOMEM;
				break;
			}
			/* SQLite names these itself; SQLAlchemy reports
			 * them unnamed. */
			u->name = strncmp(name, "sqlite_autoindex_", 17) == 0
					  ? NULL
					  : strdup(name);
			rc = index_columns(conn, schema, name, &u->columns);
		} else {
			qr_reflected_index *ix = qr_reflect__add_index(t);
			if (!ix) {
				rc = QR_ENOMEM;
				break;
			}
			ix->name = strdup(name);
			ix->unique = unique != 0;
			rc = index_columns(conn, schema, name, &ix->columns);
		}
	}
	qr_rowset_free(rows);
	return rc;
}

static int sqlite_table(qr_conn *conn, const char *schema, const char *name,
			qr_reflected_table *t)
{
	int rc = reflect_columns(conn, schema, t);
	if (rc)
		return rc;
	if (t->ncolumns == 0)
		return qr_error_set(QR_ENORESULT, QR_ECLASS_INVALID_REQUEST,
				    "NoSuchTableError: %s%s%s",
				    schema ? schema : "", schema ? "." : "",
				    name);
	if ((rc = reflect_fks(conn, schema, t)))
		return rc;
	return reflect_indexes(conn, schema, t);
}

const qr_reflector qr_sqlite__reflector = {
	.api_version = QR_PLUGIN_API_VERSION,
	.names = sqlite_names,
	.table = sqlite_table,
};
