/*
 * compiler.c - the SQLite dialect's compiler overrides (SQLAlchemy's
 * SQLiteCompiler, SQLiteDDLCompiler and SQLiteTypeCompiler).
 *
 * LIMIT/OFFSET always carry an OFFSET (LIMIT -1 without a limit, OFFSET 0
 * without an offset), row locks render nothing, now() is
 * CURRENT_TIMESTAMP, an empty IN is an empty-set subquery, tuples IN
 * render as VALUES, RETURNING names columns without their table,
 * multi-table UPDATE uses FROM (SQLite 3.33+) and multi-table DELETE is
 * refused.
 */
#include "sql/compiler.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int sqlite_limit(qr_sqlc *c, const qr_node *limit, const qr_node *offset,
			unsigned ctx)
{
	if (limit) {
		qr_sqlc__puts(c, "\n LIMIT ");
		qr_sqlc__visit(c, limit, ctx);
	}
	if (offset) {
		if (!limit) {
			qr_sqlc__puts(c, "\n LIMIT ");
			qr_sqlc__bind_int(c, -1, ctx);
		}
		qr_sqlc__puts(c, " OFFSET ");
		return qr_sqlc__visit(c, offset, ctx);
	}
	qr_sqlc__puts(c, " OFFSET ");
	return qr_sqlc__bind_int(c, 0, ctx);
}

static int sqlite_for_update(qr_sqlc *c, unsigned flags, const qr_node *of)
{
	(void)of;
	(void)flags; /* SQLite has no row locks */
	return c->rc;
}

static int sqlite_function(qr_sqlc *c, const qr_node *fn, unsigned ctx)
{
	const qr_node *args = fn->kids[QR_FN_ARGS];
	if (strcmp(fn->name, "now") == 0 && !args)
		return qr_sqlc__puts(c, "CURRENT_TIMESTAMP") ? -1 : 1;
	if (strcmp(fn->name, "localtimestamp") == 0 && !args)
		return qr_sqlc__puts(
			       c, "DATETIME(CURRENT_TIMESTAMP, \"localtime\")")
			       ? -1
			       : 1;
	if (strcmp(fn->name, "char_length") == 0) {
		qr_sqlc__puts(c, "length(");
		if (args)
			qr_sqlc__visit(c, args, ctx & ~QR_CTX_COLUMNS);
		return qr_sqlc__puts(c, ")") ? -1 : 1;
	}
	return 0;
}

static int sqlite_distinct_from(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	return qr_sqlc__binary_generic(
		c, n, n->op == QR_OP_IS_DISTINCT_FROM ? " IS NOT " : " IS ",
		ctx);
}

static int sqlite_empty_in(qr_sqlc *c, const qr_node *bin, bool negate)
{
	(void)bin;
	(void)negate;
	return qr_sqlc__puts(c, "SELECT 1 FROM (SELECT 1) WHERE 1!=1");
}

static int sqlite_update_from(qr_sqlc *c, const qr_node *const *extra, size_t n)
{
	return qr_sqlc__extra_froms(c, "FROM ", extra, n);
}

static int sqlite_compound(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (n->op == QR_SET_INTERSECT_ALL)
		return qr_sqlc__unsupported(c, "INTERSECT ALL");
	if (n->op == QR_SET_EXCEPT_ALL)
		return qr_sqlc__unsupported(c, "EXCEPT ALL");
	return qr_sqlc__visit_compound(c, n, ctx);
}

static int sqlite_column(qr_sqlc *c, const qr_node *col, bool *pk_inline)
{
	(void)pk_inline;
	char *def = NULL;
	qr_sqlc__ident(c, col->name);
	qr_sqlc__puts(c, " ");
	qr_sqlc__type_ddl(c, &col->type);
	if (qr_sqlc__server_default(c, col, &def))
		return -1;
	if (def) {
		/* an expression (not text()) in parentheses */
		bool p = qr_sqlc__server_default_is_expr(col);
		qr_sqlc__puts(c, p ? " DEFAULT (" : " DEFAULT ");
		qr_sqlc__puts(c, def);
		if (p)
			qr_sqlc__puts(c, ")");
		free(def);
	}
	qr_sqlc__computed(c, col, false);
	if (!qr_column_is_nullable(col))
		qr_sqlc__puts(c, " NOT NULL");
	return c->rc ? c->rc : 1;
}

/* a REGEXP b through the driver's regexp() function (SQLAlchemy's
 * pysqlite registers one with Python's re); no flags there. */
static int sqlite_regexp(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (n->str)
		return qr_sqlc__unsupported(c, "regexp_match with flags");
	return qr_sqlc__binary_generic(
		c, n, n->op == QR_OP_REGEXP_MATCH ? " REGEXP " : " NOT REGEXP ",
		ctx);
}

/* An operand of the emulated XOR: SQLAlchemy's eager grouping puts an
 * operator expression in (more) parentheses. */
static int xor_operand(qr_sqlc *c, const qr_node *e, unsigned ctx)
{
	bool group =
		e->kind == QR_NODE_BINARY &&
		((e->op >= QR_OP_ADD && e->op <= QR_OP_IS_NOT_DISTINCT_FROM) ||
		 (e->op >= QR_OP_BITWISE_AND && e->op <= QR_OP_BITWISE_RSHIFT));
	if (group)
		qr_sqlc__puts(c, "(");
	qr_sqlc__visit_grouped(c, e, QR_OP_BITWISE_XOR, ctx);
	return group ? qr_sqlc__puts(c, ")") : c->rc;
}

/* A JSON element (SQLAlchemy's SQLiteCompiler): JSON_EXTRACT(json,
 * '$."key"'), inside JSON_QUOTE() while it is JSON (a JSON document,
 * strings quoted), bare when read as another type. */
static int sqlite_json_getitem(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	bool json = n->type.kind == QR_TYPE_JSON;
	qr_sqlc__puts(c, json ? "JSON_QUOTE(JSON_EXTRACT(" : "JSON_EXTRACT(");
	qr_sqlc__json_operands(c, n, ctx);
	return qr_sqlc__puts(c, json ? "))" : ")");
}

/* SQLite has no XOR: (a | b) - (a & b), as SQLAlchemy's SQLite compiler
 * renders it (its halves grouped only inside another operator). */
static int sqlite_xor(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];
	bool nested = ctx & QR_CTX_OPERAND;
	qr_sqlc_hint old = qr_sqlc__hint_binary(c, l, r);
	ctx |= QR_CTX_OPERAND;
	static const char *const ops[2] = {" | ", " & "};
	qr_sqlc__puts(c, "(");
	for (int i = 0; i < 2; i++) {
		if (i)
			qr_sqlc__puts(c, " - ");
		if (nested)
			qr_sqlc__puts(c, "(");
		xor_operand(c, l, ctx);
		qr_sqlc__puts(c, ops[i]);
		xor_operand(c, r, ctx);
		if (nested)
			qr_sqlc__puts(c, ")");
	}
	qr_sqlc__hint_restore(c, old);
	return qr_sqlc__puts(c, ")");
}

/* EXTRACT as SQLAlchemy's SQLite compiler: CAST(STRFTIME(..) AS INTEGER). */
static int sqlite_extract(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	static const char *const map[][2] = {
		{"month", "%m"},  {"day", "%d"},   {"year", "%Y"},
		{"second", "%S"}, {"hour", "%H"},  {"doy", "%j"},
		{"minute", "%M"}, {"epoch", "%s"}, {"dow", "%w"},
		{"week", "%W"},
	};
	const char *fmt = NULL;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(map[i][0], n->name) == 0)
			fmt = map[i][1];
	}
	if (!fmt)
		return qr_sqlc__fail(c, QR_ECOMPILE,
				     "%s is not a valid extract argument.",
				     n->name);
	qr_sqlc_hint old = {c->hint, c->hint_type};
	qr_sqlc__hint_restore(c, (qr_sqlc_hint){NULL, NULL});
	qr_sqlc__printf(c, "CAST(STRFTIME('%s', ", fmt);
	qr_sqlc__visit(c, n->kids[0], ctx & ~QR_CTX_COLUMNS);
	qr_sqlc__hint_restore(c, old);
	return qr_sqlc__puts(c, ") AS INTEGER)");
}

static int sqlite_within_group(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)n;
	(void)ctx;
	return qr_sqlc__unsupported(c, "WITHIN GROUP");
}

static int sqlite_unary(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (n->op == QR_OP_ANY || n->op == QR_OP_ALL)
		return qr_sqlc__unsupported(c, n->op == QR_OP_ANY ? "ANY ()"
								  : "ALL ()");
	return qr_sqlc__visit_unary(c, n, ctx);
}

const qr_compiler_overrides qr_sqlite__compiler = {
	.visit = {[QR_NODE_COMPOUND] = sqlite_compound,
		  [QR_NODE_EXTRACT] = sqlite_extract,
		  [QR_NODE_WITHIN_GROUP] = sqlite_within_group,
		  [QR_NODE_UNARY] = sqlite_unary},
	.binary = {[QR_OP_IS_DISTINCT_FROM] = sqlite_distinct_from,
		   [QR_OP_IS_NOT_DISTINCT_FROM] = sqlite_distinct_from,
		   [QR_OP_REGEXP_MATCH] = sqlite_regexp,
		   [QR_OP_NOT_REGEXP_MATCH] = sqlite_regexp,
		   [QR_OP_BITWISE_XOR] = sqlite_xor,
		   [QR_OP_JSON_GETITEM] = sqlite_json_getitem,
		   [QR_OP_JSON_PATH_GETITEM] = sqlite_json_getitem},
	.function = sqlite_function,
	.limit_clause = sqlite_limit,
	.for_update = sqlite_for_update,
	.empty_in = sqlite_empty_in,
	.update_from = sqlite_update_from,
	.returning_no_table = true,
	.rowid_returning = true,
	.tuple_in_values = true,
	.upsert = qr_sqlc__upsert_on_conflict,
	.column_ddl = sqlite_column,
	.has_table_sql = "SELECT name FROM sqlite_master "
			 "WHERE type IN ('table', 'view') AND name = :name",
	.has_table_schema_sql = "SELECT name FROM pragma_table_list "
				"WHERE schema = :schema AND name = :name",
};
