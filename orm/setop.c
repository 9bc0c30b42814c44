/*
 * setop.c - Query.union(), union_all(), intersect(), intersect_all(),
 * except_() and except_all(): a query of the first query's entities and
 * columns that selects from a subquery of the set operation, anon_1;
 * criteria, ordering and joins added to it afterwards are re-targeted
 * from the entities' tables onto that subquery, as SQLAlchemy adapts
 * them (Query._set_op, Query._from_selectable).
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

typedef qr_stmt *(*combine_fn)(qr_stmt *first, ...);

/* The new query's item for q's item it, whose columns start at column
 * pos of the set operation sel (selected from through sub). */
static int item_over(qr_qitem *dst, const qr_qitem *it, const qr_stmt *sel,
		     size_t pos, qr_expr *sub, const char *fn)
{
	char buf[256];
	int width = qr_orm__item_width(it);
	int rc = qr_orm__query_item_copy(dst, it);

	if (rc)
		return rc;
	if (it->kind == QR_QI_ENTITY) {
		if (it->pfrom || it->mapper->ntables > 1)
			return qr_error_set(
				QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				"%s: %s is a joined-table subclass, whose rows "
				"span %zu tables",
				fn, it->mapper->name, it->mapper->ntables);
		/* the entity's columns must keep their names in the
		 * subquery (two entities' "id" would become id, id_1) */
		for (int k = 0; k < width; k++) {
			const char *name = qr_select_column_name(
				sel, pos + (size_t)k, buf, sizeof(buf));
			if (!name || !qr_table_column(it->mapper->table, name))
				return qr_error_set(
					QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
					"%s: the columns of %s share names "
					"with "
					"other columns of the query; select "
					"them under labels of their own",
					fn, it->mapper->name);
		}
		qr_expr_free(dst->from);
		dst->from = qr_expr_ref(sub);
		return 0;
	}
	{
		const char *name =
			qr_select_column_name(sel, pos, buf, sizeof(buf));
		if (!name)
			return qr_error_set(
				QR_EINVAL, QR_ECLASS_ARGUMENT,
				"%s: column %zu of the query has no name to be "
				"selected by from the subquery; give it a "
				"label (qr_label)",
				fn, pos + 1);
		qr_expr_free(dst->expr);
		if (!(dst->expr = qr_c(sub, name)))
			return qr_error_last()->code;
	}
	return 0;
}

/* Parameters of both queries, the other's winning on a shared name. */
static int merge_params(qr_query *r, const qr_query *a, const qr_query *b)
{
	if (!a->params && !b->params)
		return 0;
	r->params =
		a->params ? qr_orm__params_copy(a->params) : qr_params_new();
	if (!r->params)
		return qr_error_oom("query parameters");
	for (size_t i = 0; b->params && i < qr_params_count(b->params, 0); i++)
		if (qr_params_set(r->params, qr_params_name_at(b->params, 0, i),
				  *qr_params_value_at(b->params, 0, i)) != 0)
			return qr_error_last()->code;
	return 0;
}

/* The criteria added to r from now on go onto sub: every table (or
 * alias) r's items read from is adapted to it. */
static int adapt_onto(qr_query *r, const qr_query *q, qr_expr *sub)
{
	r->adapt_to = qr_expr_ref(sub);
	r->adapt_from = calloc(q->nitems, sizeof(*r->adapt_from));
	if (!r->adapt_from)
		return qr_error_oom("query");
	for (size_t i = 0; i < q->nitems; i++) {
		const qr_qitem *it = &q->items[i];
		qr_expr *from = it->kind == QR_QI_ENTITY ? it->from
				: it->field              ? it->mapper->table
							 : NULL;
		bool seen = !from;
		for (size_t k = 0; k < r->nadapt && !seen; k++)
			seen = r->adapt_from[k] == from;
		if (!seen)
			r->adapt_from[r->nadapt++] = qr_expr_ref(from);
	}
	return 0;
}

static qr_query *set_op(qr_query *q, qr_query *other, combine_fn combine,
			const char *fn)
{
	qr_stmt *a = NULL, *b = NULL, *sel = NULL;
	qr_expr *sub = NULL;
	qr_query *r = NULL;
	size_t pos = 0;
	int rc = 0;

	if (!q || !other) {
		if (!qr_error_last()->code)
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "%s: %s is NULL", fn,
				     q ? "the other query" : "the query");
		goto out;
	}
	if (q->session != other->session) {
		qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
			     "%s: the queries belong to different sessions",
			     fn);
		goto out;
	}
	if (!(a = qr_query_statement(q)) || !(b = qr_query_statement(other)))
		goto out;
	sel = combine(a, b, QR_END);
	a = b = NULL;
	if (!sel || !(sub = qr_subquery(qr_expr_ref(sel), "anon_1")) ||
	    !(r = qr_orm__query_alloc(q->session)))
		goto out;
	r->items = calloc(q->nitems, sizeof(*r->items));
	if (!r->items)
		rc = qr_error_oom("query");
	for (size_t i = 0; i < q->nitems && rc == 0; i++) {
		rc = item_over(&r->items[i], &q->items[i], sel, pos, sub, fn);
		r->nitems = i + 1;
		pos += (size_t)qr_orm__item_width(&q->items[i]);
	}
	if (rc == 0 && q->fb_mapper) {
		r->fb_mapper = q->fb_mapper;
		r->fb_from = q->fb_mapper->table;
		for (size_t i = 0; i < r->nitems; i++)
			if (r->items[i].kind == QR_QI_ENTITY &&
			    r->items[i].mapper == q->fb_mapper)
				r->fb_from = r->items[i].from;
		if (r->fb_from == q->fb_mapper->table)
			r->fb_from = sub; /* a column of it: still there */
	}
	r->populate_existing = q->populate_existing;
	r->yield_per = q->yield_per;
	if (rc == 0)
		rc = merge_params(r, q, other);
	if (rc == 0)
		rc = adapt_onto(r, q, sub);
	/* the first query's loader options apply to the whole */
	if (rc == 0 && q->nloads &&
	    !(r = qr_orm__query_add_loads(r, q->loads, q->nloads)))
		rc = qr_error_last()->code ? qr_error_last()->code : QR_ENOMEM;
	if (rc) {
		qr_query_free(r);
		r = NULL;
	}
out:
	qr_stmt_free(a);
	qr_stmt_free(b);
	qr_stmt_free(sel);
	qr_expr_free(sub);
	qr_query_free(q);
	qr_query_free(other);
	return r;
}

qr_query *qr_query_union(qr_query *q, qr_query *other)
{
	return set_op(q, other, qr_union_new, "qr_query_union");
}

qr_query *qr_query_union_all(qr_query *q, qr_query *other)
{
	return set_op(q, other, qr_union_all_new, "qr_query_union_all");
}

qr_query *qr_query_intersect(qr_query *q, qr_query *other)
{
	return set_op(q, other, qr_intersect_new, "qr_query_intersect");
}

qr_query *qr_query_intersect_all(qr_query *q, qr_query *other)
{
	return set_op(q, other, qr_intersect_all_new, "qr_query_intersect_all");
}

qr_query *qr_query_except(qr_query *q, qr_query *other)
{
	return set_op(q, other, qr_except_new, "qr_query_except");
}

qr_query *qr_query_except_all(qr_query *q, qr_query *other)
{
	return set_op(q, other, qr_except_all_new, "qr_query_except_all");
}
