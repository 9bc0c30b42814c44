/*
 * compiler.c - the MySQL / MariaDB dialect's compiler overrides
 * (SQLAlchemy's MySQLCompiler, MySQLDDLCompiler and MySQLTypeCompiler).
 *
 * concat() for ||, LIMIT offset, count (18446744073709551615 without a
 * limit), LOCK IN SHARE MODE, UPDATE a, b SET a.x=... and DELETE FROM a
 * USING a, b, ON DUPLICATE KEY UPDATE with VALUES(col), AUTO_INCREMENT,
 * BOOL, ENUM('a', 'b'), inline COMMENTs, CAST to CHAR / SIGNED INTEGER.
 * MySQL has no NULLS FIRST/LAST, FULL OUTER JOIN or RETURNING (refused).
 */
#include "sql/compiler.h"
#include "mysql.h"

#include <ctype.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mysql_concat(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	return qr_sqlc__binary_func(c, n, "concat", ctx);
}

/* MySQL has <=> (NULL-safe equality) rather than IS [NOT] DISTINCT FROM. */
static int mysql_distinct_from(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	bool negate = n->op == QR_OP_IS_DISTINCT_FROM;
	if (negate)
		qr_sqlc__puts(c, "NOT (");
	qr_sqlc__binary_generic(c, n, " <=> ", ctx);
	if (negate)
		qr_sqlc__puts(c, ")");
	return c->rc;
}

/* MySQL has no FILTER (WHERE ...) on aggregates. */
static int mysql_function(qr_sqlc *c, const qr_node *fn, unsigned ctx)
{
	(void)ctx;
	if (fn->kids[QR_FN_FILTER])
		return qr_sqlc__unsupported(c, "FILTER (WHERE ...)");
	return 0;
}

static int mysql_limit(qr_sqlc *c, const qr_node *limit, const qr_node *offset,
		       unsigned ctx)
{
	qr_sqlc__puts(c, " \n LIMIT ");
	if (offset) {
		qr_sqlc__visit(c, offset, ctx);
		qr_sqlc__puts(c, ", ");
		if (!limit)
			return qr_sqlc__puts(c, "18446744073709551615");
	}
	return qr_sqlc__visit(c, limit, ctx);
}

static bool is_mariadb(const qr_sqlc *c);

static int mysql_for_update(qr_sqlc *c, unsigned flags, const qr_node *of)
{
	if (flags & QR_FOR_SHARE)
		return qr_sqlc__puts(c, " LOCK IN SHARE MODE");
	qr_sqlc__puts(c, " FOR UPDATE");
	/* MySQL 8 has OF; MariaDB has none (left out, as SQLAlchemy does) */
	if (!is_mariadb(c))
		qr_sqlc__for_update_of(c, of);
	if (flags & QR_FOR_NOWAIT)
		qr_sqlc__puts(c, " NOWAIT");
	if (flags & QR_FOR_SKIP_LOCKED)
		qr_sqlc__puts(c, " SKIP LOCKED");
	return c->rc;
}

static int mysql_literal(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (n->op == QR_LIT_TRUE)
		return qr_sqlc__puts(c, "true");
	if (n->op == QR_LIT_FALSE)
		return qr_sqlc__puts(c, "false");
	return qr_sqlc__visit_literal(c, n, ctx);
}

static int mysql_unary(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if ((n->op == QR_OP_ANY || n->op == QR_OP_ALL) &&
	    !qr_sql__is_selectable(n->kids[0]))
		return qr_sqlc__unsupported(c, n->op == QR_OP_ANY
						       ? "ANY () of an array"
						       : "ALL () of an array");
	if (n->op == QR_OP_NULLS_FIRST)
		return qr_sqlc__unsupported(c, "NULLS FIRST");
	if (n->op == QR_OP_NULLS_LAST)
		return qr_sqlc__unsupported(c, "NULLS LAST");
	return qr_sqlc__visit_unary(c, n, ctx);
}

static int mysql_update_tables(qr_sqlc *c, const qr_node *table,
			       const qr_node *const *extra, size_t n)
{
	qr_sqlc__from_ref(c, table, 0);
	for (size_t i = 0; i < n; i++) {
		qr_sqlc__puts(c, ", ");
		qr_sqlc__visit(c, extra[i], QR_CTX_ASFROM);
	}
	return c->rc;
}

static int mysql_delete_using(qr_sqlc *c, const qr_node *table,
			      const qr_node *const *extra, size_t n)
{
	qr_sqlc__puts(c, "USING ");
	qr_sqlc__from_ref(c, table, 0);
	for (size_t i = 0; i < n; i++) {
		qr_sqlc__puts(c, ", ");
		qr_sqlc__visit(c, extra[i], QR_CTX_ASFROM);
	}
	return c->rc;
}

static int mysql_excluded(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	qr_sqlc__puts(c, "VALUES(");
	qr_sqlc__ident(c, n->name);
	return qr_sqlc__puts(c, ")");
}

static int mysql_type(qr_sqlc *c, const qr_type *t)
{
	switch (t->kind) {
	case QR_TYPE_BOOLEAN:
		qr_sqlc__puts(c, "BOOL");
		break;
	case QR_TYPE_STRING:
		if (!t->length)
			return qr_sqlc__fail(c, QR_ECOMPILE,
					     "VARCHAR requires a length on "
					     "dialect %s",
					     c->d->name);
		return 0;
	case QR_TYPE_ENUM:
		qr_sqlc__puts(c, "ENUM(");
		for (size_t i = 0; t->labels && t->labels[i]; i++) {
			if (i)
				qr_sqlc__puts(c, ",");
			qr_sqlc__string_literal(c, t->labels[i]);
		}
		qr_sqlc__puts(c, ")");
		break;
	case QR_TYPE_BINARY:
		qr_sqlc__puts(c, "BLOB");
		break;
	default:
		return 0;
	}
	return c->rc ? c->rc : 1;
}

/* MySQL casts only to a few types: CHAR, SIGNED INTEGER, DECIMAL,
 * DATE/TIME/DATETIME, BINARY, JSON, FLOAT/DOUBLE; anything else is
 * rendered without CAST, as SQLAlchemy does. */
static int mysql_cast(qr_sqlc *c, const qr_type *t, const qr_node *expr)
{
	const char *spelled = NULL;
	char buf[64];
	switch (t->kind) {
	case QR_TYPE_INTEGER:
	case QR_TYPE_SMALLINT:
	case QR_TYPE_BIGINT:
		spelled = "SIGNED INTEGER";
		break;
	case QR_TYPE_STRING:
	case QR_TYPE_TEXT:
	case QR_TYPE_ENUM:
	case QR_TYPE_UUID:
		if (t->length && t->kind == QR_TYPE_STRING) {
			snprintf(buf, sizeof(buf), "CHAR(%d)", t->length);
			spelled = buf;
		} else {
			spelled = "CHAR";
		}
		break;
	case QR_TYPE_NUMERIC:
		if (t->precision) {
			snprintf(buf, sizeof(buf), "DECIMAL(%d, %d)",
				 t->precision, t->scale);
			spelled = buf;
		} else {
			spelled = "DECIMAL";
		}
		break;
	case QR_TYPE_DATE:
		spelled = "DATE";
		break;
	case QR_TYPE_TIME:
		spelled = "TIME";
		break;
	case QR_TYPE_DATETIME:
		spelled = "DATETIME";
		break;
	case QR_TYPE_BINARY:
		spelled = "BINARY";
		break;
	case QR_TYPE_JSON:
		spelled = "JSON";
		break;
	case QR_TYPE_FLOAT:
		spelled = "FLOAT";
		break;
	case QR_TYPE_DOUBLE:
		spelled = "DOUBLE";
		break;
	default:
		break;
	}
	if (!spelled) {
		qr_sqlc__visit(c, expr, 0);
		return c->rc ? c->rc : 1;
	}
	qr_sqlc__puts(c, "CAST(");
	qr_sqlc__visit(c, expr, 0);
	qr_sqlc__puts(c, " AS ");
	qr_sqlc__puts(c, spelled);
	qr_sqlc__puts(c, ")");
	return c->rc ? c->rc : 1;
}

/* SQLAlchemy's MySQL rule (expression defaults, MySQL 8.0.13+ and
 * MariaDB 10.2.1+): a default with a non-word character goes in
 * parentheses, unless it starts with a quote or a parenthesis, holds ON
 * UPDATE, or is now(N) / current_timestamp(N). */
static bool starts_with_ci(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		if (tolower((unsigned char)*s) != *prefix)
			return false;
	}
	return true;
}

static bool default_needs_parens(const char *d)
{
	if (*d == '\'' || *d == '"' || *d == '(')
		return false;
	for (const char *p = d; *p; p++) {
		if (p == d ||
		    !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) {
			const char *q = NULL;
			if (starts_with_ci(p, "now("))
				q = p + 4;
			else if (starts_with_ci(p, "current_timestamp("))
				q = p + 18;
			if (q && isdigit((unsigned char)*q)) {
				while (isdigit((unsigned char)*q))
					q++;
				if (*q == ')' && p == d)
					return false;
			}
		}
		if (starts_with_ci(p, "on ")) {
			const char *q = p + 3;
			while (*q == ' ')
				q++;
			if (starts_with_ci(q, "update"))
				return false;
		}
	}
	for (const char *p = d; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '_')
			return true;
	}
	return false;
}

static int mysql_column(qr_sqlc *c, const qr_node *col, bool *pk_inline)
{
	(void)pk_inline;
	qr_sqlc__ident(c, col->name);
	qr_sqlc__puts(c, " ");
	qr_sqlc__type_ddl(c, &col->type);
	qr_sqlc__computed(c, col, false);
	if (!qr_column_is_nullable(col))
		qr_sqlc__puts(c, " NOT NULL");
	const char *comment = qr_column__comment(col);
	if (comment) {
		qr_sqlc__puts(c, " COMMENT ");
		qr_sqlc__string_literal(c, comment);
	}
	/* (a key its sequence generates on MariaDB: no AUTO_INCREMENT) */
	if (qr_column_is_autoincrement(col) &&
	    !qr_sqlc__column_uses_sequence(c, col)) {
		qr_sqlc__puts(c, " AUTO_INCREMENT");
	} else {
		char *def = NULL;
		if (qr_sqlc__server_default(c, col, &def))
			return -1;
		if (def) {
			bool p = default_needs_parens(def);
			qr_sqlc__puts(c, p ? " DEFAULT (" : " DEFAULT ");
			qr_sqlc__puts(c, def);
			if (p)
				qr_sqlc__puts(c, ")");
			free(def);
		}
	}
	return c->rc ? c->rc : 1;
}

static int mysql_post_create(qr_sqlc *c, const qr_node *table)
{
	const char *comment = qr_table__comment(table);
	if (!comment)
		return c->rc;
	qr_sqlc__puts(c, "COMMENT=");
	return qr_sqlc__string_literal(c, comment);
}

static int mysql_drop_index(qr_sqlc *c, const qr_node *index)
{
	qr_sqlc__puts(c, "DROP INDEX ");
	qr_sqlc__ident(c, index->name);
	qr_sqlc__puts(c, " ON ");
	qr_sqlc__from_ref(c, qr_index__table(index), 0);
	return c->rc ? c->rc : 1;
}

static bool is_mariadb(const qr_sqlc *c)
{
	return c->d && strcmp(c->d->name, "mariadb") == 0;
}

/* a REGEXP p; with flags REGEXP_LIKE(a, p, flags) on MySQL and a REGEXP
 * CONCAT('(?', flags, ')', p) on MariaDB (SQLAlchemy's MySQLCompiler). */
static int mysql_regexp(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	bool neg = n->op == QR_OP_NOT_REGEXP_MATCH;
	const char *op = neg ? " NOT REGEXP " : " REGEXP ";
	if (!n->str)
		return qr_sqlc__binary_generic(c, n, op, ctx);
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];
	qr_sqlc_hint old = qr_sqlc__hint_binary(c, l, r);
	if (is_mariadb(c)) {
		qr_sqlc__visit_grouped(c, l, (qr_opcode)n->op, ctx);
		qr_sqlc__puts(c, op);
		qr_sqlc__regexp_flagged(c, n->str, r, ctx);
	} else {
		qr_sqlc__puts(c, neg ? "NOT REGEXP_LIKE(" : "REGEXP_LIKE(");
		qr_sqlc__visit_grouped(c, l, (qr_opcode)n->op, ctx);
		qr_sqlc__puts(c, ", ");
		qr_sqlc__visit_grouped(c, r, (qr_opcode)n->op, ctx);
		qr_sqlc__puts(c, ", ");
		qr_sqlc__string_literal(c, n->str);
		qr_sqlc__puts(c, ")");
	}
	qr_sqlc__hint_restore(c, old);
	return c->rc;
}

static int mysql_regexp_replace(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	return qr_sqlc__regexp_replace_func(c, n, is_mariadb(c), ctx);
}

/* FETCH FIRST: MariaDB 10.6+ only (SQLAlchemy's base fetch_clause);
 * MySQL has none. */
static int mysql_fetch(qr_sqlc *c, const qr_node *fetch, const qr_node *offset,
		       unsigned ctx)
{
	if (!is_mariadb(c))
		return qr_sqlc__unsupported(c, "FETCH FIRST");
	return qr_sqlc__fetch_default(c, fetch, offset, false, ctx);
}

static int mysql_within_group(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)n;
	(void)ctx;
	return qr_sqlc__unsupported(c, "WITHIN GROUP");
}

/* JSON_EXTRACT(json, '$."key"'). */
static int json_extract(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	qr_sqlc__puts(c, "JSON_EXTRACT(");
	qr_sqlc__json_operands(c, n, ctx);
	return qr_sqlc__puts(c, ")");
}

/* A JSON element (SQLAlchemy's MySQLCompiler
 * _render_json_extract_from_binary): JSON_EXTRACT while it is JSON;
 * read as another type, a CASE that makes a JSON null NULL and converts
 * the rest (SIGNED INTEGER, DECIMAL(p, s), a float by adding 0.0..., a
 * boolean's true/false, a string unquoted). */
static int mysql_json_getitem(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const qr_type *t = &n->type;
	char buf[64];

	ctx &= ~QR_CTX_COLUMNS;
	if (t->kind == QR_TYPE_JSON)
		return json_extract(c, n, ctx);
	qr_sqlc__puts(c, "CASE ");
	json_extract(c, n, ctx);
	qr_sqlc__puts(c, " WHEN 'null' THEN NULL ");
	switch (t->kind) {
	case QR_TYPE_INTEGER:
	case QR_TYPE_SMALLINT:
	case QR_TYPE_BIGINT:
		qr_sqlc__puts(c, "ELSE CAST(");
		json_extract(c, n, ctx);
		qr_sqlc__puts(c, " AS SIGNED INTEGER)");
		break;
	case QR_TYPE_NUMERIC:
	case QR_TYPE_FLOAT:
	case QR_TYPE_DOUBLE:
		qr_sqlc__puts(c, "ELSE ");
		if (t->kind == QR_TYPE_NUMERIC && t->precision) {
			qr_sqlc__puts(c, "CAST(");
			json_extract(c, n, ctx);
			snprintf(buf, sizeof(buf), " AS DECIMAL(%d, %d))",
				 t->precision, t->scale);
			qr_sqlc__puts(c, buf);
		} else {
			/* FLOAT / REAL casts came with MySQL 8.0.17 */
			json_extract(c, n, ctx);
			qr_sqlc__puts(c, "+0.0000000000000000000000");
		}
		break;
	case QR_TYPE_BOOLEAN:
		qr_sqlc__puts(c, "WHEN true THEN true ELSE false");
		break;
	case QR_TYPE_STRING:
	case QR_TYPE_TEXT:
	case QR_TYPE_ENUM:
	case QR_TYPE_UUID:
		qr_sqlc__puts(c, "ELSE JSON_UNQUOTE(");
		json_extract(c, n, ctx);
		qr_sqlc__puts(c, ")");
		break;
	default:
		qr_sqlc__puts(c, "ELSE ");
		json_extract(c, n, ctx);
		break;
	}
	return qr_sqlc__puts(c, " END");
}

/* Sequences: MariaDB's (10.3+), none in MySQL. */
static bool mysql_has_sequences(const qr_dialect *d)
{
	return d && d->name && strcmp(d->name, "mariadb") == 0;
}

static int mysql_next_value(qr_sqlc *c, const char *name)
{
	qr_sqlc__puts(c, "nextval(");
	qr_sqlc__ident(c, name);
	return qr_sqlc__puts(c, ")");
}

const qr_compiler_overrides qr_mysql__compiler = {
	.visit = {[QR_NODE_LITERAL] = mysql_literal,
		  [QR_NODE_UNARY] = mysql_unary,
		  [QR_NODE_WITHIN_GROUP] = mysql_within_group},
	.binary = {[QR_OP_CONCAT] = mysql_concat,
		   [QR_OP_REGEXP_MATCH] = mysql_regexp,
		   [QR_OP_NOT_REGEXP_MATCH] = mysql_regexp,
		   [QR_OP_REGEXP_REPLACE] = mysql_regexp_replace,
		   [QR_OP_IS_DISTINCT_FROM] = mysql_distinct_from,
		   [QR_OP_IS_NOT_DISTINCT_FROM] = mysql_distinct_from,
		   [QR_OP_JSON_GETITEM] = mysql_json_getitem,
		   [QR_OP_JSON_PATH_GETITEM] = mysql_json_getitem},
	.function = mysql_function,
	.limit_clause = mysql_limit,
	.fetch_clause = mysql_fetch,
	.for_update = mysql_for_update,
	.update_tables = mysql_update_tables,
	.delete_using = mysql_delete_using,
	.update_set_with_table = true,
	.literal_frames = true,
	.index_expr_parens = true,
	.no_default_values = true,
	.upsert = qr_sqlc__upsert_on_duplicate,
	.excluded = mysql_excluded,
	.cast_type = mysql_cast,
	.type_ddl = mysql_type,
	.column_ddl = mysql_column,
	.post_create_table = mysql_post_create,
	.drop_index = mysql_drop_index,
	.server_dialect = qr_mysql__server_dialect,
	.has_table_sql = "SELECT table_name FROM information_schema.tables "
			 "WHERE table_schema = DATABASE() "
			 "AND table_name = :name",
	.has_table_schema_sql =
		"SELECT table_name FROM information_schema.tables "
		"WHERE table_schema = :schema AND table_name = :name",
	.next_value = mysql_next_value,
	.has_sequences = mysql_has_sequences,
	.has_sequence_sql = "SELECT table_name FROM information_schema.tables "
			    "WHERE table_type = 'SEQUENCE' "
			    "AND table_schema = DATABASE() "
			    "AND table_name = :name",
	.no_cycle = "NOCYCLE",
};
