/*
 * adapt.c - qr_expr_adapt(): an expression re-targeted from one FROM
 * object to another, as SQLAlchemy's ClauseAdapter re-targets a query's
 * criteria onto the subquery it now selects from (Query.union()).
 */
#include "sqlnode.h"

#include <quarry/schema.h>

/* Whether n is a column of from: a table's column, or a column of an
 * alias or subquery. */
static bool column_of(const qr_node *n, const qr_node *from)
{
	if (n->kind == QR_NODE_COLUMN)
		return (const qr_node *)qr_column_table(n) == from;
	return n->kind == QR_NODE_FROMCOL && n->kids[QR_FC_FROM] == from;
}

/* Nodes whose columns are their own business: statements and FROM
 * objects nested in an expression, text, schema items. */
static bool opaque(const qr_node *n)
{
	switch (n->kind) {
	case QR_NODE_SELECT:
	case QR_NODE_COMPOUND:
	case QR_NODE_SCALAR:
	case QR_NODE_SUBQUERY:
	case QR_NODE_CTE:
	case QR_NODE_ALIAS:
	case QR_NODE_JOIN:
	case QR_NODE_TEXT:
	case QR_NODE_INSERT:
	case QR_NODE_UPDATE:
	case QR_NODE_DELETE:
	case QR_NODE_DDL:
		return true;
	default:
		return n->pinned || n->nkids == 0;
	}
}

static qr_node *adapt(const qr_node *n, const qr_node *from, const qr_node *to)
{
	qr_node *copy = NULL;

	if (column_of(n, from)) {
		const char *name =
			n->kind == QR_NODE_COLUMN ? qr_column_name(n) : n->name;
		/* an anonymous column of a subquery keeps its place */
		return name ? qr_c(to, name) : qr_expr_ref((qr_node *)n);
	}
	if (opaque(n))
		return qr_expr_ref((qr_node *)n);
	for (size_t i = 0; i < n->nkids; i++) {
		const qr_node *kid = n->kids[i];
		qr_node *a;
		if (!kid)
			continue;
		if (!(a = adapt(kid, from, to))) {
			qr_expr_free(copy);
			return NULL;
		}
		if (a == kid && !copy) {
			qr_expr_free(a);
			continue;
		}
		if (!copy && !(copy = qr_sql__copy(n))) {
			qr_expr_free(a);
			qr_error_oom("qr_expr_adapt");
			return NULL;
		}
		qr_sql__set_kid(copy, i, a);
	}
	return copy ? copy : qr_expr_ref((qr_node *)n);
}

qr_expr *qr_expr_adapt(const qr_expr *e, const qr_expr *from, const qr_expr *to)
{
	if (!e)
		return qr_sql__null_arg("qr_expr_adapt", "e");
	if (!from)
		return qr_sql__null_arg("qr_expr_adapt", "from");
	if (!to)
		return qr_sql__null_arg("qr_expr_adapt", "to");
	if (!qr_sql__is_from(from) || !qr_sql__is_from(to)) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_expr_adapt: from and to must be tables, "
			     "aliases or subqueries");
		return NULL;
	}
	return adapt(e, from, to);
}
