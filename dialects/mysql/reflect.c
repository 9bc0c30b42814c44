/*
 * reflect.c - MySQL/MariaDB schema reflection through information_schema.
 *
 * A NULL schema means DATABASE(), the connection's current database. As
 * in SQLAlchemy, a unique constraint (which MySQL keeps as a unique
 * index) is reported both as a unique constraint and as a unique index.
 */
#include "mysql.h"

#include "../common/reflect_util.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SCHEMA_SQL "COALESCE(:schema, DATABASE())"

static int my_names(qr_conn *conn, const char *schema, bool views,
		    qr_strings *out)
{
	const char *sql =
		views ? "SELECT table_name FROM information_schema.tables "
			"WHERE table_schema = " SCHEMA_SQL
			" AND table_type = 'VIEW'"
		      : "SELECT table_name FROM information_schema.tables "
			"WHERE table_schema = " SCHEMA_SQL
			" AND table_type = 'BASE TABLE'";
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

/* Rows: column_name, column_type, is_nullable, column_default, extra,
 * column_comment. */
static int add_column(const qr_row *row, void *userdata)
{
	table_ctx *ctx = userdata;
	qr_reflected_column *c = qr_reflect__add_column(ctx->t);
	const char *nullable = NULL, *extra = NULL;
	if (!c)
		return QR_ENOMEM;
	c->name = qr_reflect__text(row, 0, &ctx->rc);
	c->type_name = qr_reflect__text(row, 1, &ctx->rc);
	qr_row_text(row, 2, &nullable);
	c->nullable = nullable && strcasecmp(nullable, "YES") == 0;
	c->default_value = qr_reflect__text(row, 3, &ctx->rc);
	/* MariaDB reports "no default" as the text NULL. */
	if (c->default_value && strcmp(c->default_value, "NULL") == 0) {
		free(c->default_value);
		c->default_value = NULL;
	}
	qr_row_text(row, 4, &extra);
	c->autoincrement = extra && strstr(extra, "auto_increment") != NULL;
	c->comment = qr_reflect__text(row, 5, &ctx->rc);
	if (c->comment && !*c->comment) {
		free(c->comment);
		c->comment = NULL;
	}
	return ctx->rc;
}

/* Rows: index_name, non_unique, column_name (in index order). */
static int add_index(const qr_row *row, void *userdata)
{
	table_ctx *ctx = userdata;
	const char *name, *col;
	int64_t non_unique = 1;
	qr_row_text(row, 0, &name);
	qr_row_int64(row, 1, &non_unique);
	qr_row_text(row, 2, &col);
	if (!name || !col)
		return 0;
	if (strcmp(name, "PRIMARY") == 0)
		return qr_strings_add(&ctx->t->pk_columns, col);
	qr_reflected_index *ix =
		ctx->t->nindexes ? &ctx->t->indexes[ctx->t->nindexes - 1]
				 : NULL;
	if (!ix || strcmp(ix->name, name) != 0) {
		if (!(ix = qr_reflect__add_index(ctx->t)))
			return QR_ENOMEM;
		ix->name = qr_reflect__text(row, 0, &ctx->rc);
		ix->unique = non_unique == 0;
		if (ix->unique) {
			qr_reflected_unique *u = qr_reflect__add_unique(ctx->t);
			if (!u)
				return QR_ENOMEM;
			u->name = qr_reflect__text(row, 0, &ctx->rc);
		}
	}
	if (ctx->rc == 0)
		ctx->rc = qr_strings_add(&ix->columns, col);
	if (ctx->rc == 0 && ix->unique)
		ctx->rc = qr_strings_add(
			&ctx->t->uniques[ctx->t->nuniques - 1].columns, col);
	return ctx->rc;
}

/* Rows: constraint_name, column_name, referenced schema, same schema,
 * referenced table, referenced column, update rule, delete rule. */
static int add_fk(const qr_row *row, void *userdata)
{
	table_ctx *ctx = userdata;
	const char *name, *col, *rcol, *upd = NULL, *del = NULL;
	bool same = true;
	qr_row_text(row, 0, &name);
	qr_reflected_fk *f =
		ctx->t->nfks ? &ctx->t->fks[ctx->t->nfks - 1] : NULL;
	if (!f || strcmp(f->name, name) != 0) {
		if (!(f = qr_reflect__add_fk(ctx->t)))
			return QR_ENOMEM;
		f->name = qr_reflect__text(row, 0, &ctx->rc);
		qr_row_bool(row, 3, &same);
		if (!same)
			f->referred_schema = qr_reflect__text(row, 2, &ctx->rc);
		f->referred_table = qr_reflect__text(row, 4, &ctx->rc);
		qr_row_text(row, 6, &upd);
		qr_row_text(row, 7, &del);
		f->on_update = qr_reflect__action(upd, &ctx->rc);
		f->on_delete = qr_reflect__action(del, &ctx->rc);
	}
	if (ctx->rc == 0 && qr_row_text(row, 1, &col) == 0 && col)
		ctx->rc = qr_strings_add(&f->columns, col);
	if (ctx->rc == 0 && qr_row_text(row, 5, &rcol) == 0 && rcol)
		ctx->rc = qr_strings_add(&f->referred_columns, rcol);
	return ctx->rc;
}

static const char *const columns_sql =
	"SELECT column_name, column_type, is_nullable, column_default, extra, "
	"column_comment FROM information_schema.columns WHERE table_schema "
	"= " SCHEMA_SQL " AND table_name = :name ORDER BY ordinal_position";

static const char *const index_sql =
	"SELECT index_name, non_unique, column_name FROM "
	"information_schema.statistics WHERE table_schema = " SCHEMA_SQL
	" AND table_name = :name ORDER BY index_name = 'PRIMARY' DESC, "
	"index_name, seq_in_index";

static const char *const fk_sql =
	"SELECT k.constraint_name, k.column_name, k.referenced_table_schema, "
	"CASE WHEN k.referenced_table_schema = " SCHEMA_SQL
	" THEN 1 ELSE 0 END, k.referenced_table_name, "
	"k.referenced_column_name, r.update_rule, r.delete_rule "
	"FROM information_schema.key_column_usage k "
	"JOIN information_schema.referential_constraints r ON "
	"r.constraint_schema = k.constraint_schema AND r.constraint_name = "
	"k.constraint_name AND r.table_name = k.table_name "
	"WHERE k.table_schema = " SCHEMA_SQL " AND k.table_name = :name "
	"AND k.referenced_table_name IS NOT NULL "
	"ORDER BY k.constraint_name, k.ordinal_position";

static int my_table(qr_conn *conn, const char *schema, const char *name,
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
		rc = qr_reflect__each_row(conn, index_sql, p, add_index, &ctx);
	if (rc == 0)
		rc = qr_reflect__each_row(conn, fk_sql, p, add_fk, &ctx);
	qr_params_free(p);
	return rc;
}

const qr_reflector qr_mysql__reflector = {
	.api_version = QR_PLUGIN_API_VERSION,
	.names = my_names,
	.table = my_table,
};
