/*
 * compile_ddl.c - DDL statements (CREATE/DROP TABLE, INDEX, TYPE,
 * SEQUENCE), a sequence's next value, and the
 * default DDL spelling of types and columns (SQLAlchemy's DDLCompiler
 * and GenericTypeCompiler).
 */
#include "compiler.h"

#include "../mem.h"
#include "../schema/schema_internal.h"

#include <quarry/sys/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- statements ------------------------------------------------------- */

static qr_node *ddl_node(int op, qr_node *target, const char *fn,
			 qr_node_kind expect)
{
	if (!target)
		return qr_sql__null_arg(fn, "the target");
	if (target->kind != expect || !target->pinned) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: expected a %s defined in a metadata", fn,
			     expect == QR_NODE_TABLE ? "table" : "index");
		return NULL;
	}
	qr_node *n = qr_sql__node(QR_NODE_DDL, 1);
	if (!n)
		return NULL;
	n->op = op;
	n->kids[0] = target; /* pinned: borrowed */
	return n;
}

qr_stmt *qr_create_table(qr_table *table)
{
	return ddl_node(QR_DDL_CREATE_TABLE, table, "qr_create_table",
			QR_NODE_TABLE);
}

qr_stmt *qr_drop_table(qr_table *table)
{
	return ddl_node(QR_DDL_DROP_TABLE, table, "qr_drop_table",
			QR_NODE_TABLE);
}

qr_stmt *qr_create_index(qr_schema_item *index)
{
	return ddl_node(QR_DDL_CREATE_INDEX, index, "qr_create_index",
			QR_NODE_INDEX);
}

qr_stmt *qr_drop_index(qr_schema_item *index)
{
	return ddl_node(QR_DDL_DROP_INDEX, index, "qr_drop_index",
			QR_NODE_INDEX);
}

/* A DDL statement op on a schema object (pinned: borrowed). */
static qr_node *ddl_on(int op, const qr_node *target)
{
	qr_node *n = qr_sql__node(QR_NODE_DDL, 1);
	if (!n)
		return NULL;
	n->op = op;
	n->kids[0] = (qr_node *)target;
	return n;
}

/* COMMENT ON TABLE / COLUMN (create_all on PostgreSQL). */
qr_node *qr_ddl__comment(const qr_node *target);
qr_node *qr_ddl__comment(const qr_node *target)
{
	return ddl_on(target->kind == QR_NODE_TABLE ? QR_DDL_COMMENT_TABLE
						    : QR_DDL_COMMENT_COLUMN,
		      target);
}

/* CREATE TYPE / DROP TYPE for an enum type (create_all on PostgreSQL). */
qr_node *qr_ddl__enum_type(bool create, const qr_type *t);
qr_node *qr_ddl__enum_type(bool create, const qr_type *t)
{
	qr_node *n = qr_sql__node(QR_NODE_DDL, 1);
	if (!n)
		return NULL;
	n->op = create ? QR_DDL_CREATE_TYPE : QR_DDL_DROP_TYPE;
	if (qr_sql__set_type(n, t)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

/* CREATE SEQUENCE / DROP SEQUENCE for a column's sequence (create_all
 * where the dialect has sequences). */
qr_node *qr_ddl__sequence(bool create, const qr_node *column);
qr_node *qr_ddl__sequence(bool create, const qr_node *column)
{
	return ddl_on(create ? QR_DDL_CREATE_SEQUENCE : QR_DDL_DROP_SEQUENCE,
		      column);
}

static qr_stmt *sequence_stmt(bool create, qr_column *column, const char *fn)
{
	if (!column)
		return qr_sql__null_arg(fn, "the column");
	if (column->kind != QR_NODE_COLUMN || !column->pinned ||
	    !qr_column_sequence(column, NULL)) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: expected a column with a sequence", fn);
		return NULL;
	}
	return qr_ddl__sequence(create, column);
}

qr_stmt *qr_create_sequence(qr_column *column)
{
	return sequence_stmt(true, column, "qr_create_sequence");
}

qr_stmt *qr_drop_sequence(qr_column *column)
{
	return sequence_stmt(false, column, "qr_drop_sequence");
}

/* ---- sequences -------------------------------------------------------- */

bool qr_sqlc__dialect_has_sequences(const qr_dialect *d,
				    const qr_compiler_overrides *ov)
{
	return ov && ov->next_value &&
	       (!ov->has_sequences || (d && ov->has_sequences(d)));
}

bool qr_sqlc__has_sequences(const qr_sqlc *c)
{
	return qr_sqlc__dialect_has_sequences(c->d, c->ov);
}

bool qr_sqlc__column_uses_sequence(const qr_sqlc *c, const qr_node *col)
{
	return qr_column_sequence(col, NULL) && qr_sqlc__has_sequences(c);
}

int qr_sqlc__identity_options(qr_sqlc *c, const qr_identity *id,
			      const char *first)
{
	char buf[64];
	int n = 0;
#define ID_OPT(cond, ...)                                        \
	do {                                                     \
		if (cond) {                                      \
			snprintf(buf, sizeof(buf), __VA_ARGS__); \
			qr_sqlc__puts(c, n ? " " : first);       \
			qr_sqlc__puts(c, buf);                   \
			n++;                                     \
		}                                                \
	} while (0)

	ID_OPT(id->increment, "INCREMENT BY %lld", (long long)id->increment);
	ID_OPT(id->has_start, "START WITH %lld", (long long)id->start);
	ID_OPT(id->has_minvalue, "MINVALUE %lld", (long long)id->minvalue);
	ID_OPT(id->has_maxvalue, "MAXVALUE %lld", (long long)id->maxvalue);
	ID_OPT(id->no_minvalue, "NO MINVALUE");
	ID_OPT(id->no_maxvalue, "NO MAXVALUE");
	ID_OPT(id->cache, "CACHE %lld", (long long)id->cache);
	ID_OPT(id->cycle != QR_CYCLE_UNSAID, "%s",
	       id->cycle == QR_CYCLE
		       ? "CYCLE"
		       : (c->ov->no_cycle ? c->ov->no_cycle : "NO CYCLE"));
#undef ID_OPT
	return n;
}

/* CREATE SEQUENCE name [options] / DROP SEQUENCE name. */
static int sequence_ddl(qr_sqlc *c, const qr_node *col, bool create)
{
	const qr_identity *opts;
	const char *name = qr_column_sequence(col, &opts);

	if (!name)
		return qr_sqlc__fail(c, QR_ECOMPILE,
				     "column '%s' has no sequence", col->name);
	if (!qr_sqlc__has_sequences(c))
		return qr_sqlc__unsupported(c, create ? "CREATE SEQUENCE"
						      : "DROP SEQUENCE");
	qr_sqlc__puts(c, create ? "CREATE SEQUENCE " : "DROP SEQUENCE ");
	qr_sqlc__ident(c, name);
	if (create && opts)
		qr_sqlc__identity_options(c, opts, " ");
	return c->rc;
}

int qr_sqlc__visit_next_value(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	if (!qr_sqlc__has_sequences(c))
		return qr_sqlc__unsupported(c, "a sequence's next value");
	return c->ov->next_value(c, n->name);
}

/* ---- types ------------------------------------------------------------ */

static int enum_length(const qr_type *t)
{
	int len = 0;
	for (size_t i = 0; t->labels && t->labels[i]; i++) {
		int n = (int)strlen(t->labels[i]);
		if (n > len)
			len = n;
	}
	return len;
}

int qr_sqlc__type_ddl_default(qr_sqlc *c, const qr_type *t)
{
	switch (t->kind) {
	case QR_TYPE_NULL:
		return qr_sqlc__fail(c, QR_ECOMPILE,
				     "can't generate DDL for a column without "
				     "a type (did you forget to give one?)");
	case QR_TYPE_STRING:
		if (t->length)
			return qr_sqlc__printf(c, "VARCHAR(%d)", t->length);
		return qr_sqlc__puts(c, "VARCHAR");
	case QR_TYPE_TEXT:
		if (t->length)
			return qr_sqlc__printf(c, "TEXT(%d)", t->length);
		return qr_sqlc__puts(c, "TEXT");
	case QR_TYPE_NUMERIC:
		if (t->precision)
			return qr_sqlc__printf(c, "NUMERIC(%d, %d)",
					       t->precision, t->scale);
		return qr_sqlc__puts(c, "NUMERIC");
	case QR_TYPE_INTERVAL:
		return qr_sqlc__puts(c, "DATETIME");
	case QR_TYPE_ENUM:
		return qr_sqlc__printf(c, "VARCHAR(%d)", enum_length(t));
	case QR_TYPE_UUID:
		return qr_sqlc__puts(c, "CHAR(32)");
	default:
		return qr_sqlc__puts(c, qr_type_kind_name(t->kind));
	}
}

int qr_sqlc__type_ddl(qr_sqlc *c, const qr_type *t)
{
	if (c->ov->type_ddl) {
		int r = c->ov->type_ddl(c, t);
		if (r != 0)
			return r < 0 ? r : c->rc;
	}
	return qr_sqlc__type_ddl_default(c, t);
}

int qr_type_render(char *buf, size_t cap, const qr_type *t, const char *dialect)
{
	if (!buf || !t)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_type_render: bad argument");
	const qr_dialect *d;
	int rc = qr_dialect_find(&d, dialect ? dialect : "");
	if (rc)
		return rc;
	qr_sqlc c;
	qr_sqlc__init(&c, d);
	qr_sqlc__type_ddl(&c, t);
	rc = c.rc;
	if (!rc) {
		size_t n = c.main.len;
		if (n + 1 > cap)
			rc = qr_error_set(QR_ERANGE, QR_ECLASS_ARGUMENT,
					  "qr_type_render: buffer too small");
		else {
			memcpy(buf, c.main.s ? c.main.s : "", n);
			buf[n] = '\0';
		}
	}
	qr_sqlc__cleanup(&c);
	return rc;
}

/* ---- columns and constraints ------------------------------------------ */

int qr_sqlc__server_default(qr_sqlc *c, const qr_node *col, char **out)
{
	const qr_column_def *d = col->ext;
	*out = NULL;
	if (!d->server_default && !d->server_default_expr)
		return 0;
	qr_strbuf buf = {0};
	qr_strbuf *saved = c->b;
	c->b = &buf;
	if (d->server_default)
		qr_sqlc__string_literal(c, d->server_default);
	else
		qr_sqlc__visit(c, d->server_default_expr,
			       QR_CTX_LITERAL | QR_CTX_NO_TABLE);
	c->b = saved;
	if (c->rc) {
		qr_strbuf__free(&buf);
		return c->rc;
	}
	if (!(*out = qr_strbuf__take(&buf)))
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	return 0;
}

bool qr_sqlc__server_default_is_expr(const qr_node *col)
{
	const qr_column_def *d = col->ext;
	return d->server_default_expr &&
	       d->server_default_expr->kind != QR_NODE_TEXT;
}

static int comment_inline(qr_sqlc *c, const qr_node *col)
{
	const qr_column_def *d = col->ext;
	if (!d->comment || !c->ov->inline_comments)
		return c->rc;
	qr_sqlc__puts(c, " COMMENT ");
	return qr_sqlc__string_literal(c, d->comment);
}

int qr_sqlc__column_head(qr_sqlc *c, const qr_node *col)
{
	char *def = NULL;
	qr_sqlc__ident(c, col->name);
	qr_sqlc__puts(c, " ");
	qr_sqlc__type_ddl(c, &col->type);
	if (qr_sqlc__server_default(c, col, &def))
		return c->rc;
	if (def) {
		qr_sqlc__puts(c, " DEFAULT ");
		qr_sqlc__puts(c, def);
		free(def);
	}
	return c->rc;
}

int qr_sqlc__column_spec_default(qr_sqlc *c, const qr_node *col)
{
	const qr_column_def *d = col->ext;
	if (qr_sqlc__column_head(c, col))
		return c->rc;
	qr_sqlc__computed(c, col, false);
	if (!d->nullable)
		qr_sqlc__puts(c, " NOT NULL");
	return comment_inline(c, col);
}

int qr_sqlc__computed(qr_sqlc *c, const qr_node *col, bool stored_only)
{
	qr_persisted p = QR_PERSISTED_UNSAID;
	const char *sql = qr_column_computed(col, &p);

	if (!sql)
		return c->rc;
	if (stored_only && p == QR_PERSISTED_VIRTUAL)
		return qr_sqlc__fail(c, QR_ENOTSUP,
				     "PostgreSQL computed columns do not "
				     "support 'virtual' persistence; set the "
				     "'persisted' flag to None or True for "
				     "PostgreSQL support (column %s, dialect "
				     "postgresql)",
				     col->name);
	qr_sqlc__puts(c, " GENERATED ALWAYS AS (");
	qr_sqlc__puts(c, sql);
	qr_sqlc__puts(c, ")");
	if (stored_only || p == QR_PERSISTED_STORED)
		qr_sqlc__puts(c, " STORED");
	else if (p == QR_PERSISTED_VIRTUAL)
		qr_sqlc__puts(c, " VIRTUAL");
	return c->rc;
}

static int name_list(qr_sqlc *c, char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			qr_sqlc__puts(c, ", ");
		qr_sqlc__ident(c, names[i]);
	}
	return c->rc;
}

static int constraint_name(qr_sqlc *c, const qr_node *cons)
{
	if (!cons->name)
		return c->rc;
	qr_sqlc__puts(c, "CONSTRAINT ");
	qr_sqlc__ident(c, cons->name);
	return qr_sqlc__puts(c, " ");
}

static bool valid_action(const char *s)
{
	static const char *const ok[] = {"RESTRICT", "CASCADE", "SET NULL",
					 "NO ACTION", "SET DEFAULT"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (strcasecmp(s, ok[i]) == 0)
			return true;
	}
	return false;
}

static bool same_schema(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* 1 when rendered, 0 when the constraint is left out. */
static int visit_constraint(qr_sqlc *c, const qr_node *table,
			    const qr_node *cons)
{
	qr_constraint_def *d = cons->ext;
	bool sqlite = c->d && c->d->name && strcmp(c->d->name, "sqlite") == 0;
	switch (cons->op) {
	case QR_CONS_PK:
		constraint_name(c, cons);
		qr_sqlc__puts(c, "PRIMARY KEY (");
		name_list(c, d->columns, d->ncolumns);
		qr_sqlc__puts(c, ")");
		return c->rc ? c->rc : 1;
	case QR_CONS_UNIQUE:
		constraint_name(c, cons);
		qr_sqlc__puts(c, "UNIQUE (");
		name_list(c, d->columns, d->ncolumns);
		qr_sqlc__puts(c, ")");
		return c->rc ? c->rc : 1;
	case QR_CONS_CHECK:
		constraint_name(c, cons);
		qr_sqlc__puts(c, "CHECK (");
		if (d->check_sql)
			qr_sqlc__puts(c, d->check_sql);
		else
			qr_sqlc__visit(c, d->check_expr,
				       QR_CTX_LITERAL | QR_CTX_NO_TABLE);
		qr_sqlc__puts(c, ")");
		return c->rc ? c->rc : 1;
	case QR_CONS_FK: {
		if (qr_constraint__resolve((qr_node *)cons))
			return qr_sqlc__fail(c, qr_error_last()->code, "%s",
					     qr_error_last()->message);
		/* SQLite cannot reference a table of another schema. */
		if (sqlite && !same_schema(qr_table_schema_name(table),
					   qr_table_schema_name(d->reftable)))
			return 0;
		constraint_name(c, cons);
		qr_sqlc__puts(c, "FOREIGN KEY(");
		name_list(c, d->columns, d->ncolumns);
		qr_sqlc__puts(c, ") REFERENCES ");
		qr_sqlc__from_ref(c, d->reftable,
				  sqlite ? QR_CTX_NO_SCHEMA : 0);
		qr_sqlc__puts(c, " (");
		for (size_t i = 0; i < d->ncolumns; i++) {
			if (i)
				qr_sqlc__puts(c, ", ");
			qr_sqlc__ident(c, d->refcols[i]->name);
		}
		qr_sqlc__puts(c, ")");
		if (d->on_delete) {
			if (!valid_action(d->on_delete))
				return qr_sqlc__fail(c, QR_ECOMPILE,
						     "unexpected ON DELETE "
						     "action: '%s'",
						     d->on_delete);
			qr_sqlc__puts(c, " ON DELETE ");
			qr_sqlc__puts(c, d->on_delete);
		}
		if (d->on_update) {
			if (!valid_action(d->on_update))
				return qr_sqlc__fail(c, QR_ECOMPILE,
						     "unexpected ON UPDATE "
						     "action: '%s'",
						     d->on_update);
			qr_sqlc__puts(c, " ON UPDATE ");
			qr_sqlc__puts(c, d->on_update);
		}
		return c->rc ? c->rc : 1;
	}
	default:
		return 0;
	}
}

static int create_table(qr_sqlc *c, const qr_node *t)
{
	const qr_table_def *d = qr_table__def(t);
	bool pk_inline = false;
	const char *sep = "\n";
	qr_sqlc__puts(c, "CREATE TABLE ");
	qr_sqlc__from_ref(c, t, 0);
	qr_sqlc__puts(c, " (");
	for (size_t i = 0; i < d->ncolumns && !c->rc; i++) {
		qr_sqlc__puts(c, sep);
		qr_sqlc__puts(c, "\t");
		sep = ", \n";
		int r = 0;
		if (c->ov->column_ddl)
			r = c->ov->column_ddl(c, d->columns[i], &pk_inline);
		if (r == 0)
			qr_sqlc__column_spec_default(c, d->columns[i]);
	}
	/* Constraints: the primary key first, then in creation order. */
	bool first = true;
	for (size_t i = 0; i <= d->nconstraints && !c->rc; i++) {
		const qr_node *cons = i == 0 ? d->pk : d->constraints[i - 1];
		if (!cons || (i == 0 && pk_inline))
			continue;
		qr_strbuf buf = {0};
		qr_strbuf *saved = c->b;
		c->b = &buf;
		int r = visit_constraint(c, t, cons);
		c->b = saved;
		if (r == 1) {
			qr_sqlc__puts(c, first ? sep : ", \n");
			if (first)
				qr_sqlc__puts(c, "\t");
			else
				qr_sqlc__puts(c, "\t");
			first = false;
			qr_sqlc__put(c, buf.s, buf.len);
		}
		qr_strbuf__free(&buf);
	}
	qr_sqlc__puts(c, "\n)");
	if (c->ov->post_create_table)
		c->ov->post_create_table(c, t);
	return c->rc;
}

static int create_index(qr_sqlc *c, const qr_node *idx)
{
	const qr_index_def *d = idx->ext;
	qr_sqlc__puts(c, d->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	qr_sqlc__ident(c, idx->name);
	qr_sqlc__puts(c, " ON ");
	qr_sqlc__from_ref(c, d->table, 0);
	qr_sqlc__puts(c, " (");
	if (d->expr) {
		bool parens = c->ov->index_expr_parens &&
			      d->expr->kind != QR_NODE_COLUMN &&
			      d->expr->kind != QR_NODE_LEXCOL;
		if (parens)
			qr_sqlc__puts(c, "(");
		qr_sqlc__visit(c, d->expr, QR_CTX_LITERAL | QR_CTX_NO_TABLE);
		if (parens)
			qr_sqlc__puts(c, ")");
	} else
		name_list(c, d->columns, d->ncolumns);
	return qr_sqlc__puts(c, ")");
}

int qr_sqlc__visit_ddl(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	c->is_ddl = true;
	const qr_node *target = n->kids[0];
	switch (n->op) {
	case QR_DDL_CREATE_TABLE:
		return create_table(c, target);
	case QR_DDL_DROP_TABLE:
		qr_sqlc__puts(c, "DROP TABLE ");
		return qr_sqlc__from_ref(c, target, 0);
	case QR_DDL_CREATE_INDEX:
		return create_index(c, target);
	case QR_DDL_DROP_INDEX:
		if (c->ov->drop_index) {
			int r = c->ov->drop_index(c, target);
			if (r != 0)
				return r < 0 ? r : c->rc;
		}
		qr_sqlc__puts(c, "DROP INDEX ");
		{
			const qr_index_def *d = target->ext;
			const char *schema = qr_table_schema_name(d->table);
			if (schema) {
				qr_sqlc__ident(c, schema);
				qr_sqlc__puts(c, ".");
			}
		}
		return qr_sqlc__ident(c, target->name);
	case QR_DDL_COMMENT_TABLE:
		qr_sqlc__puts(c, "COMMENT ON TABLE ");
		qr_sqlc__from_ref(c, target, 0);
		qr_sqlc__puts(c, " IS ");
		return qr_sqlc__string_literal(c, qr_table__comment(target));
	case QR_DDL_COMMENT_COLUMN:
		qr_sqlc__puts(c, "COMMENT ON COLUMN ");
		qr_sqlc__visit(c, target, 0);
		qr_sqlc__puts(c, " IS ");
		return qr_sqlc__string_literal(c, qr_column__comment(target));
	case QR_DDL_CREATE_TYPE:
		if (!c->ov->create_enum)
			return qr_sqlc__unsupported(c, "CREATE TYPE");
		return c->ov->create_enum(c, &n->type);
	case QR_DDL_DROP_TYPE:
		if (!c->ov->drop_enum)
			return qr_sqlc__unsupported(c, "DROP TYPE");
		return c->ov->drop_enum(c, &n->type);
	case QR_DDL_CREATE_SEQUENCE:
	case QR_DDL_DROP_SEQUENCE:
		return sequence_ddl(c, target, n->op == QR_DDL_CREATE_SEQUENCE);
	default:
		return qr_sqlc__fail(c, QR_ECOMPILE, "unknown DDL statement");
	}
}
