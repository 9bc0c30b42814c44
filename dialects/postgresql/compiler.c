/*
 * compiler.c - the PostgreSQL dialect's compiler overrides (SQLAlchemy's
 * PGCompiler, PGDDLCompiler and PGTypeCompiler).
 *
 * Native ILIKE, LIMIT ALL, FOR [NO KEY] UPDATE / FOR [KEY] SHARE with
 * NOWAIT / SKIP LOCKED, UPDATE .. FROM and DELETE .. USING, ON CONFLICT,
 * SERIAL keys, TIMESTAMP [WITH|WITHOUT] TIME ZONE, BYTEA, DOUBLE
 * PRECISION, named ENUM types (CREATE TYPE), COMMENT ON.
 */
#include "sql/compiler.h"

#include <string.h>

static int pg_limit(qr_sqlc *c, const qr_node *limit, const qr_node *offset,
		    unsigned ctx)
{
	if (limit) {
		qr_sqlc__puts(c, " \n LIMIT ");
		qr_sqlc__visit(c, limit, ctx);
	}
	if (offset) {
		if (!limit)
			qr_sqlc__puts(c, "\n LIMIT ALL");
		qr_sqlc__puts(c, " OFFSET ");
		qr_sqlc__visit(c, offset, ctx);
	}
	return c->rc;
}

static int pg_for_update(qr_sqlc *c, unsigned flags)
{
	if (flags & QR_FOR_SHARE)
		qr_sqlc__puts(c, (flags & QR_FOR_KEY_SHARE) ? " FOR KEY SHARE"
							    : " FOR SHARE");
	else
		qr_sqlc__puts(c, (flags & QR_FOR_KEY_SHARE)
					 ? " FOR NO KEY UPDATE"
					 : " FOR UPDATE");
	if (flags & QR_FOR_NOWAIT)
		qr_sqlc__puts(c, " NOWAIT");
	if (flags & QR_FOR_SKIP_LOCKED)
		qr_sqlc__puts(c, " SKIP LOCKED");
	return c->rc;
}

static int pg_update_from(qr_sqlc *c, const qr_node *const *extra, size_t n)
{
	return qr_sqlc__extra_froms(c, "FROM ", extra, n);
}

static int pg_delete_using(qr_sqlc *c, const qr_node *table,
			   const qr_node *const *extra, size_t n)
{
	(void)table;
	return qr_sqlc__extra_froms(c, "USING ", extra, n);
}

static int pg_type(qr_sqlc *c, const qr_type *t)
{
	switch (t->kind) {
	case QR_TYPE_DOUBLE:
		qr_sqlc__puts(c, "DOUBLE PRECISION");
		break;
	case QR_TYPE_DATETIME:
		qr_sqlc__puts(c, t->timezone ? "TIMESTAMP WITH TIME ZONE"
					     : "TIMESTAMP WITHOUT TIME ZONE");
		break;
	case QR_TYPE_TIME:
		qr_sqlc__puts(c, t->timezone ? "TIME WITH TIME ZONE"
					     : "TIME WITHOUT TIME ZONE");
		break;
	case QR_TYPE_INTERVAL:
		qr_sqlc__puts(c, "INTERVAL");
		break;
	case QR_TYPE_BINARY:
		qr_sqlc__puts(c, "BYTEA");
		break;
	case QR_TYPE_UUID:
		qr_sqlc__puts(c, "UUID");
		break;
	case QR_TYPE_ENUM:
		if (!t->name)
			return qr_sqlc__fail(c, QR_ECOMPILE,
					     "PostgreSQL ENUM type requires a "
					     "name");
		qr_sqlc__ident(c, t->name);
		break;
	default:
		return 0;
	}
	return c->rc ? c->rc : 1;
}

static int pg_column(qr_sqlc *c, const qr_node *col, bool *pk_inline)
{
	(void)pk_inline;
	if (!qr_column_is_autoincrement(col))
		return 0;
	qr_sqlc__ident(c, col->name);
	switch (col->type.kind) {
	case QR_TYPE_BIGINT:
		qr_sqlc__puts(c, " BIGSERIAL");
		break;
	case QR_TYPE_SMALLINT:
		qr_sqlc__puts(c, " SMALLSERIAL");
		break;
	default:
		qr_sqlc__puts(c, " SERIAL");
		break;
	}
	qr_sqlc__puts(c, " NOT NULL");
	return c->rc ? c->rc : 1;
}

static int pg_create_enum(qr_sqlc *c, const qr_type *t)
{
	if (!t->name)
		return qr_sqlc__fail(c, QR_ECOMPILE,
				     "PostgreSQL ENUM type requires a name");
	qr_sqlc__puts(c, "CREATE TYPE ");
	qr_sqlc__ident(c, t->name);
	qr_sqlc__puts(c, " AS ENUM (");
	for (size_t i = 0; t->labels && t->labels[i]; i++) {
		if (i)
			qr_sqlc__puts(c, ", ");
		qr_sqlc__string_literal(c, t->labels[i]);
	}
	return qr_sqlc__puts(c, ")");
}

static int pg_drop_enum(qr_sqlc *c, const qr_type *t)
{
	if (!t->name)
		return qr_sqlc__fail(c, QR_ECOMPILE,
				     "PostgreSQL ENUM type requires a name");
	qr_sqlc__puts(c, "DROP TYPE ");
	return qr_sqlc__ident(c, t->name);
}

/* a ~ p, a ~* p (flags "i"), a ~ CONCAT('(?', flags, ')', p) and the
 * negations with !~, as SQLAlchemy's PGCompiler. */
static int pg_regexp(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	bool neg = n->op == QR_OP_NOT_REGEXP_MATCH;
	if (!n->str)
		return qr_sqlc__binary_generic(c, n, neg ? " !~ " : " ~ ", ctx);
	if (strcmp(n->str, "i") == 0)
		return qr_sqlc__binary_generic(c, n, neg ? " !~* " : " ~* ",
					       ctx);
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];
	qr_sqlc_hint old = qr_sqlc__hint_binary(c, l, r);
	qr_sqlc__visit_grouped(c, l, (qr_opcode)n->op, ctx);
	qr_sqlc__puts(c, neg ? " !~ " : " ~ ");
	qr_sqlc__regexp_flagged(c, n->str, r, ctx);
	qr_sqlc__hint_restore(c, old);
	return c->rc;
}

static int pg_regexp_replace(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	return qr_sqlc__regexp_replace_func(c, n, false, ctx);
}

static int pg_xor(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	return qr_sqlc__binary_generic(c, n, " # ", ctx);
}

/* SQLAlchemy's PGCompiler.fetch_clause: each value in parentheses. */
static int pg_fetch(qr_sqlc *c, const qr_node *fetch, const qr_node *offset,
		    unsigned ctx)
{
	return qr_sqlc__fetch_default(c, fetch, offset, true, ctx);
}

const qr_compiler_overrides qr_postgresql__compiler = {
	.binary = {[QR_OP_ILIKE] = qr_sqlc__binary_ilike_native,
		   [QR_OP_NOT_ILIKE] = qr_sqlc__binary_ilike_native,
		   [QR_OP_REGEXP_MATCH] = pg_regexp,
		   [QR_OP_NOT_REGEXP_MATCH] = pg_regexp,
		   [QR_OP_REGEXP_REPLACE] = pg_regexp_replace,
		   [QR_OP_BITWISE_XOR] = pg_xor},
	.limit_clause = pg_limit,
	.fetch_clause = pg_fetch,
	.native_ilike = true,
	.for_update = pg_for_update,
	.update_from = pg_update_from,
	.delete_using = pg_delete_using,
	.upsert = qr_sqlc__upsert_on_conflict,
	.type_ddl = pg_type,
	.column_ddl = pg_column,
	.create_enum = pg_create_enum,
	.drop_enum = pg_drop_enum,
	.comment_on = true,
	.has_table_sql =
		"SELECT c.relname FROM pg_catalog.pg_class c "
		"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		"WHERE c.relname = :name "
		"AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
		"AND pg_catalog.pg_table_is_visible(c.oid)",
	.has_table_schema_sql =
		"SELECT c.relname FROM pg_catalog.pg_class c "
		"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		"WHERE c.relname = :name "
		"AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
		"AND n.nspname = :schema",
	.has_type_sql = "SELECT t.typname FROM pg_catalog.pg_type t "
			"WHERE t.typname = :name "
			"AND pg_catalog.pg_type_is_visible(t.oid)",
};
