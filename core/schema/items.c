/*
 * items.c - schema items before they join a table: columns, constraints,
 * indexes and table options; and the release of their definitions.
 */
#include "../mem.h"
#include "../sql/typeconv.h"
#include "schema_internal.h"

#include <quarry/sys/error.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Creation order of constraints (SQLAlchemy renders table constraints
 * sorted by it). */
static atomic_uint_fast64_t creation_counter;

uint64_t qr_schema__next_order(void);
uint64_t qr_schema__next_order(void)
{
	return atomic_fetch_add(&creation_counter, 1) + 1;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

/* Copies a NULL-terminated list of names. */
static int copy_names(char ***out, size_t *n, const char *const *names)
{
	size_t k = 0;
	while (names && names[k])
		k++;
	*out = NULL;
	*n = 0;
	if (k == 0)
		return 0;
	char **copy = qr_mem__calloc(k, sizeof(*copy), "names");
	if (!copy)
		return QR_ENOMEM;
	for (size_t i = 0; i < k; i++) {
		if (!(copy[i] = qr_mem__strdup(names[i]))) {
			free_names(copy, i);
			return QR_ENOMEM;
		}
	}
	*out = copy;
	*n = k;
	return 0;
}

void qr_schema__destroy_ext(qr_node *n)
{
	switch (n->kind) {
	case QR_NODE_COLUMN: {
		qr_column_def *d = n->ext;
		free(d->fk_target);
		free(d->on_delete);
		free(d->on_update);
		free(d->default_storage);
		free(d->onupdate_storage);
		qr_expr_free(d->default_expr);
		qr_expr_free(d->onupdate_expr);
		free(d->server_default);
		qr_expr_free(d->server_default_expr);
		free(d->comment);
		free(d->computed);
		free(d->sequence);
		break;
	}
	case QR_NODE_CONSTRAINT: {
		qr_constraint_def *d = n->ext;
		free_names(d->columns, d->ncolumns);
		free_names(d->refs, d->ncolumns);
		free(d->on_delete);
		free(d->on_update);
		free(d->check_sql);
		qr_expr_free(d->check_expr);
		free(d->cols);
		free(d->refcols);
		break;
	}
	case QR_NODE_INDEX: {
		qr_index_def *d = n->ext;
		free_names(d->columns, d->ncolumns);
		qr_expr_free(d->expr);
		break;
	}
	case QR_NODE_TABLE: {
		qr_table_def *d = n->ext;
		free(d->schema);
		free(d->comment);
		free(d->columns);
		free(d->constraints);
		free(d->indexes);
		break;
	}
	default:
		break;
	}
	free(n->ext);
	n->ext = NULL;
}

/* ---- columns ---------------------------------------------------------- */

static int dup_opt(char **dst, const char *s)
{
	*dst = NULL;
	if (s && !(*dst = qr_mem__strdup(s)))
		return QR_ENOMEM;
	return 0;
}

static void release_option_exprs(const qr_column_options *o)
{
	qr_expr_free(o->default_expr);
	qr_expr_free(o->onupdate_expr);
	qr_expr_free(o->server_default_expr);
}

qr_schema_item *qr_column_new(const char *name, const qr_column_options *o)
{
	static const qr_column_options none;
	if (!o)
		o = &none;
	if (!name) {
		release_option_exprs(o);
		return qr_sql__null_arg("qr_column", "name");
	}
	if (o->type.kind == QR_TYPE_NULL && !o->foreign_key) {
		release_option_exprs(o);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_column: column '%s' has no type", name);
		return NULL;
	}
	qr_node *n = qr_sql__node(QR_NODE_COLUMN, 0);
	qr_column_def *d = qr_mem__calloc(1, sizeof(*d), "column");
	if (!n || !d) {
		free(d);
		qr_expr_free(n);
		release_option_exprs(o);
		return NULL;
	}
	n->ext = d;
	d->default_expr = o->default_expr;
	d->onupdate_expr = o->onupdate_expr;
	d->server_default_expr = o->server_default_expr;
	d->primary_key = o->primary_key;
	d->nullable = !o->not_null && !o->primary_key;
	d->unique = o->unique;
	d->indexed = o->index;
	d->autoincrement = o->autoincrement;
	d->type_from_fk = o->type.kind == QR_TYPE_NULL;
	d->default_fn = o->default_fn;
	d->default_arg = o->default_arg;
	d->onupdate_fn = o->onupdate_fn;
	d->onupdate_arg = o->onupdate_arg;
	d->computed_persisted = o->computed_persisted;
	d->has_identity = o->identity != NULL;
	if (o->identity)
		d->identity = *o->identity;
	d->has_seq_options = o->sequence_options != NULL;
	if (o->sequence_options)
		d->seq_options = *o->sequence_options;
	d->order = qr_schema__next_order();
	if (qr_sql__set_name(n, name) || qr_sql__set_type(n, &o->type) ||
	    dup_opt(&d->fk_target, o->foreign_key) ||
	    dup_opt(&d->on_delete, o->on_delete) ||
	    dup_opt(&d->on_update, o->on_update) ||
	    dup_opt(&d->server_default, o->server_default) ||
	    dup_opt(&d->comment, o->comment) ||
	    dup_opt(&d->computed, o->computed) ||
	    dup_opt(&d->sequence, o->sequence) ||
	    qr_value__copy(&d->default_value, &o->default_value,
			   &d->default_storage) ||
	    qr_value__copy(&d->onupdate_value, &o->onupdate_value,
			   &d->onupdate_storage)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

/* ---- constraints ------------------------------------------------------ */

static qr_node *constraint(int kind, const char *const *columns, const char *fn)
{
	qr_node *n = qr_sql__node(QR_NODE_CONSTRAINT, 0);
	qr_constraint_def *d = qr_mem__calloc(1, sizeof(*d), "constraint");
	if (!n || !d) {
		free(d);
		qr_expr_free(n);
		return NULL;
	}
	n->op = kind;
	n->ext = d;
	d->order = qr_schema__next_order();
	if (copy_names(&d->columns, &d->ncolumns, columns)) {
		qr_expr_free(n);
		return NULL;
	}
	if (kind != QR_CONS_CHECK && d->ncolumns == 0) {
		qr_expr_free(n);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: no columns given", fn);
		return NULL;
	}
	return n;
}

qr_schema_item *qr_primary_key(const char *const *columns)
{
	if (!columns)
		return qr_sql__null_arg("qr_primary_key", "columns");
	return constraint(QR_CONS_PK, columns, "qr_primary_key");
}

qr_schema_item *qr_unique(const char *const *columns)
{
	if (!columns)
		return qr_sql__null_arg("qr_unique", "columns");
	return constraint(QR_CONS_UNIQUE, columns, "qr_unique");
}

qr_schema_item *qr_check(const char *sql)
{
	if (!sql)
		return qr_sql__null_arg("qr_check", "sql");
	qr_node *n = constraint(QR_CONS_CHECK, NULL, "qr_check");
	if (n) {
		qr_constraint_def *d = n->ext;
		if (!(d->check_sql = qr_mem__strdup(sql))) {
			qr_expr_free(n);
			return NULL;
		}
	}
	return n;
}

qr_schema_item *qr_check_expr(qr_expr *condition)
{
	if (!condition)
		return qr_sql__null_arg("qr_check_expr", "condition");
	qr_node *n = constraint(QR_CONS_CHECK, NULL, "qr_check_expr");
	if (!n) {
		qr_expr_free(condition);
		return NULL;
	}
	((qr_constraint_def *)n->ext)->check_expr = condition;
	return n;
}

qr_schema_item *qr_foreign_key(const char *const *columns,
			       const char *const *refcolumns,
			       const char *on_delete, const char *on_update)
{
	if (!columns || !refcolumns)
		return qr_sql__null_arg("qr_foreign_key", "a column list");
	qr_node *n = constraint(QR_CONS_FK, columns, "qr_foreign_key");
	if (!n)
		return NULL;
	qr_constraint_def *d = n->ext;
	char **refs;
	size_t nrefs;
	if (copy_names(&refs, &nrefs, refcolumns) ||
	    dup_opt(&d->on_delete, on_delete) ||
	    dup_opt(&d->on_update, on_update)) {
		qr_expr_free(n);
		return NULL;
	}
	d->refs = refs;
	if (nrefs != d->ncolumns) {
		free_names(refs, nrefs);
		d->refs = NULL;
		qr_expr_free(n);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_foreign_key: %zu columns but %zu referenced "
			     "columns",
			     d->ncolumns, nrefs);
		return NULL;
	}
	return n;
}

/* ---- indexes ---------------------------------------------------------- */

static qr_node *index_item(const char *name, const char *const *columns,
			   qr_node *expr, bool unique, const char *fn)
{
	if (!name || (!columns && !expr)) {
		qr_expr_free(expr);
		return qr_sql__null_arg(fn, name ? "columns" : "name");
	}
	qr_node *n = qr_sql__node(QR_NODE_INDEX, 0);
	if (!n) {
		qr_expr_free(expr);
		return NULL;
	}
	qr_index_def *d = qr_mem__calloc(1, sizeof(*d), "index");
	if (!d) {
		qr_expr_free(n);
		qr_expr_free(expr);
		return NULL;
	}
	n->ext = d;
	d->expr = expr;
	d->unique = unique;
	if (unique)
		n->flags |= QR_NF_INDEX_UNIQUE;
	if (qr_sql__set_name(n, name) ||
	    copy_names(&d->columns, &d->ncolumns, columns)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

qr_schema_item *qr_index(const char *name, const char *const *columns)
{
	return index_item(name, columns, NULL, false, "qr_index");
}

qr_schema_item *qr_unique_index(const char *name, const char *const *columns)
{
	return index_item(name, columns, NULL, true, "qr_unique_index");
}

qr_schema_item *qr_index_expr(const char *name, bool unique, qr_expr *expr)
{
	if (!expr)
		return qr_sql__null_arg("qr_index_expr", "expr");
	return index_item(name, NULL, expr, unique, "qr_index_expr");
}

qr_schema_item *qr_named(const char *name, qr_schema_item *item)
{
	if (!item)
		return qr_sql__null_arg("qr_named", "item");
	if (!name ||
	    (item->kind != QR_NODE_CONSTRAINT && item->kind != QR_NODE_INDEX) ||
	    item->pinned) {
		qr_expr_free(item);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_named: expected a name and a constraint or "
			     "index not yet in a table");
		return NULL;
	}
	if (qr_sql__set_name(item, name)) {
		qr_expr_free(item);
		return NULL;
	}
	return item;
}

/* ---- table options ---------------------------------------------------- */

static qr_node *table_opt(int kind, const char *value, const char *fn)
{
	if (!value)
		return qr_sql__null_arg(fn, "value");
	qr_node *n = qr_sql__node(QR_NODE_TABLE_OPT, 0);
	if (n) {
		n->op = kind;
		if (qr_sql__set_name(n, value)) {
			qr_expr_free(n);
			return NULL;
		}
	}
	return n;
}

qr_schema_item *qr_table_schema(const char *schema)
{
	return table_opt(QR_TOPT_SCHEMA, schema, "qr_table_schema");
}

qr_schema_item *qr_table_comment(const char *comment)
{
	return table_opt(QR_TOPT_COMMENT, comment, "qr_table_comment");
}
