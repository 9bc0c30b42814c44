/*
 * reflect.c - PostgreSQL schema reflection through pg_catalog.
 *
 * Every query names the schema as COALESCE(:schema, current_schema()), so
 * a NULL schema means the connection's search_path default.
 */
#include "postgresql.h"

#include "../common/reflect_util.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>

#define SCHEMA_SQL "COALESCE(CAST(:schema AS NAME), current_schema())"

static int pg_names(qr_conn *conn, const char *schema, bool views,
		    qr_strings *out)
{
	const char *sql = views ? "SELECT c.relname FROM pg_catalog.pg_class c "
				  "JOIN pg_catalog.pg_namespace n ON n.oid = "
				  "c.relnamespace WHERE n.nspname = " SCHEMA_SQL
				  " AND c.relkind IN ('v', 'm')"
				: "SELECT c.relname FROM pg_catalog.pg_class c "
				  "JOIN pg_catalog.pg_namespace n ON n.oid = "
				  "c.relnamespace WHERE n.nspname = " SCHEMA_SQL
				  " AND c.relkind IN ('r', 'p', 'f')";
	qr_params *p = qr_reflect__params(schema, NULL);
	if (!p)
		return QR_ENOMEM;
	int rc = qr_reflect__each_row(conn, sql, p, qr_reflect__add_name, out);
	qr_params_free(p);
	return rc;
}

typedef struct table_ctx {
	qr_reflected_table *t;
	int rc;
} table_ctx;

/* Rows: attname, format_type, attnotnull, default, identity. */
static int add_column(const qr_row *row, void *userdata)
{
	table_ctx *ctx = userdata;
	qr_reflected_column *c = qr_reflect__add_column(ctx->t);
	bool notnull = false;
	const char *identity = NULL;
	if (!c)
		return QR_ENOMEM;
	c->name = qr_reflect__text(row, 0, &ctx->rc);
	c->type_name = qr_reflect__text(row, 1, &ctx->rc);
	qr_row_bool(row, 2, &notnull);
	c->nullable = !notnull;
	c->default_value = qr_reflect__text(row, 3, &ctx->rc);
	qr_row_text(row, 4, &identity);
	c->autoincrement = (identity && *identity) ||
			   (c->default_value &&
			    strncmp(c->default_value, "nextval(", 8) == 0);
	c->comment = qr_reflect__text(row, 5, &ctx->rc);
	return ctx->rc;
}

/* Rows: conname, attname (in key order). */
static int add_pk(const qr_row *row, void *userdata)
{
	table_ctx *ctx = userdata;
	const char *col;
	if (!ctx->t->pk_name)
		ctx->t->pk_name = qr_reflect__text(row, 0, &ctx->rc);
	if (qr_row_text(row, 1, &col) == 0 && col)
		ctx->rc = qr_strings_add(&ctx->t->pk_columns, col);
	return ctx->rc;
}

/* Rows: conname, attname; a new name starts a new constraint. */
static int add_unique(const qr_row *row, void *userdata)
{
	table_ctx *ctx = userdata;
	const char *name, *col;
	qr_row_text(row, 0, &name);
	qr_reflected_unique *u =
		ctx->t->nuniques ? &ctx->t->uniques[ctx->t->nuniques - 1]
				 : NULL;
	if (!u || strcmp(u->name, name) != 0) {
		if (!(u = qr_reflect__add_unique(ctx->t)))
			return QR_ENOMEM;
		u->name = qr_reflect__text(row, 0, &ctx->rc);
	}
	if (ctx->rc == 0 && qr_row_text(row, 1, &col) == 0 && col)
		ctx->rc = qr_strings_add(&u->columns, col);
	return ctx->rc;
}

/* Rows: conname, attname, referred table, referred schema, same schema,
 * referred column, update action, delete action. */
static const char *action_name(char code)
{
	switch (code) {
	case 'c':
		return "CASCADE";
	case 'n':
		return "SET NULL";
	case 'd':
		return "SET DEFAULT";
	case 'r':
		return "RESTRICT";
	default:
		return NULL; /* 'a': NO ACTION, the default */
	}
}

static int add_fk(const qr_row *row, void *userdata)
{
	table_ctx *ctx = userdata;
	const char *name, *col, *rcol, *upd = NULL, *del = NULL;
	bool same_schema = true;
	qr_row_text(row, 0, &name);
	qr_reflected_fk *f =
		ctx->t->nfks ? &ctx->t->fks[ctx->t->nfks - 1] : NULL;
	if (!f || strcmp(f->name, name) != 0) {
		if (!(f = qr_reflect__add_fk(ctx->t)))
			return QR_ENOMEM;
		f->name = qr_reflect__text(row, 0, &ctx->rc);
		f->referred_table = qr_reflect__text(row, 2, &ctx->rc);
		qr_row_bool(row, 4, &same_schema);
		if (!same_schema)
			f->referred_schema = qr_reflect__text(row, 3, &ctx->rc);
		qr_row_text(row, 6, &upd);
		qr_row_text(row, 7, &del);
		f->on_update = qr_reflect__action(
			upd ? action_name(upd[0]) : NULL, &ctx->rc);
		f->on_delete = qr_reflect__action(
			del ? action_name(del[0]) : NULL, &ctx->rc);
	}
	if (ctx->rc == 0 && qr_row_text(row, 1, &col) == 0 && col)
		ctx->rc = qr_strings_add(&f->columns, col);
	if (ctx->rc == 0 && qr_row_text(row, 5, &rcol) == 0 && rcol)
		ctx->rc = qr_strings_add(&f->referred_columns, rcol);
	return ctx->rc;
}

/* Rows: index name, unique, column (or expression). */
static int add_index(const qr_row *row, void *userdata)
{
	table_ctx *ctx = userdata;
	const char *name, *col;
	bool unique = false;
	qr_row_text(row, 0, &name);
	qr_reflected_index *ix =
		ctx->t->nindexes ? &ctx->t->indexes[ctx->t->nindexes - 1]
				 : NULL;
	if (!ix || strcmp(ix->name, name) != 0) {
		if (!(ix = qr_reflect__add_index(ctx->t)))
			return QR_ENOMEM;
		ix->name = qr_reflect__text(row, 0, &ctx->rc);
		qr_row_bool(row, 1, &unique);
		ix->unique = unique;
	}
	if (ctx->rc == 0 && qr_row_text(row, 2, &col) == 0 && col)
		ctx->rc = qr_strings_add(&ix->columns, col);
	return ctx->rc;
}

static const char *const columns_sql =
	"SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
	"a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), "
	"CAST(a.attidentity AS TEXT), "
	"pg_catalog.col_description(c.oid, a.attnum) "
	"FROM pg_catalog.pg_attribute a "
	"JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid "
	"AND d.adnum = a.attnum "
	"WHERE c.relname = :name AND n.nspname = " SCHEMA_SQL
	" AND c.relkind IN ('r', 'p', 'f', 'v', 'm') "
	"AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

/* The table's oid, as a subquery shared by the constraint queries. */
#define TABLE_OID_SQL                                                \
	"(SELECT c.oid FROM pg_catalog.pg_class c JOIN "             \
	"pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " \
	"c.relname = :name AND n.nspname = " SCHEMA_SQL ")"

static const char *const constraint_sql =
	"SELECT con.conname, a.attname FROM pg_catalog.pg_constraint con "
	"CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, "
	"ord) JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid "
	"AND a.attnum = k.attnum WHERE con.conrelid = " TABLE_OID_SQL
	" AND con.contype = :kind ORDER BY con.conname, k.ord";

static const char *const fk_sql =
	"SELECT con.conname, a.attname, rc.relname, rn.nspname, "
	"rn.nspname = " SCHEMA_SQL ", ra.attname, "
	"CAST(con.confupdtype AS TEXT), CAST(con.confdeltype AS TEXT) "
	"FROM pg_catalog.pg_constraint con "
	"JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
	"JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
	"CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY "
	"AS k(attnum, fattnum, ord) "
	"JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND "
	"a.attnum = k.attnum "
	"JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND "
	"ra.attnum = k.fattnum "
	"WHERE con.conrelid = " TABLE_OID_SQL " AND con.contype = 'f' "
	"ORDER BY con.conname, k.ord";

static const char *const index_sql =
	"SELECT i.relname, ix.indisunique, COALESCE(a.attname, "
	"pg_catalog.pg_get_indexdef(ix.indexrelid, CAST(k.ord AS INT), "
	"true)) FROM pg_catalog.pg_index ix "
	"JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid "
	"CROSS JOIN LATERAL unnest(CAST(ix.indkey AS INT2[])) WITH "
	"ORDINALITY AS k(attnum, ord) "
	"LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND "
	"a.attnum = k.attnum "
	"WHERE ix.indrelid = " TABLE_OID_SQL " AND NOT ix.indisprimary "
	"AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint pc WHERE "
	"pc.conindid = ix.indexrelid AND pc.contype IN ('p', 'u')) "
	"ORDER BY i.relname, k.ord";

static int pg_table(qr_conn *conn, const char *schema, const char *name,
		    qr_reflected_table *t)
{
	table_ctx ctx = {t, 0};
	qr_params *p = qr_reflect__params(schema, name);
	int rc;
	if (!p)
		return QR_ENOMEM;
	rc = qr_reflect__each_row(conn, columns_sql, p, add_column, &ctx);
	if (rc == 0 && t->ncolumns == 0)
		rc = qr_error_set(QR_ENORESULT, QR_ECLASS_INVALID_REQUEST,
				  "NoSuchTableError: %s%s%s",
				  schema ? schema : "", schema ? "." : "",
				  name);
	if (rc == 0)
		rc = qr_params_text(p, "kind", "p");
	if (rc == 0)
		rc = qr_reflect__each_row(conn, constraint_sql, p, add_pk,
					  &ctx);
	if (rc == 0)
		rc = qr_params_text(p, "kind", "u");
	if (rc == 0)
		rc = qr_reflect__each_row(conn, constraint_sql, p, add_unique,
					  &ctx);
	if (rc == 0)
		rc = qr_reflect__each_row(conn, fk_sql, p, add_fk, &ctx);
	if (rc == 0)
		rc = qr_reflect__each_row(conn, index_sql, p, add_index, &ctx);
	qr_params_free(p);
	return rc;
}

const qr_reflector qr_postgresql__reflector = {
	.api_version = QR_PLUGIN_API_VERSION,
	.names = pg_names,
	.table = pg_table,
};
