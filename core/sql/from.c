/*
 * from.c - FROM objects: column access (qr_c), aliases, subqueries, CTEs
 * and joins with ON inferred from foreign keys.
 */
#include "../mem.h"
#include "sqlnode.h"

#include <quarry/sys/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

qr_node *qr_sql__fromcol(const qr_node *from, const char *name,
			 const qr_type *t, size_t index, const qr_node *inner)
{
	qr_node *n = qr_sql__node(QR_NODE_FROMCOL, 2);
	if (!n)
		return NULL;
	n->kids[0] = qr_expr_ref((qr_node *)from);
	n->kids[1] = qr_expr_ref((qr_node *)inner);
	n->ival = (int64_t)index;
	if (qr_sql__set_name(n, name) || qr_sql__set_type(n, t)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

const char *qr_sql__export_name(const qr_node *sel, size_t i, char *buf,
				size_t cap)
{
	const char *cn = qr_sql__col_name(qr_sql__select_col(sel, i));
	if (!cn)
		return NULL;
	/* Repeated names are suffixed _1, _2 ... as SQLAlchemy dedupes. */
	size_t dup = 0;
	for (size_t j = 0; j < i; j++) {
		const char *pn = qr_sql__col_name(qr_sql__select_col(sel, j));
		if (pn && strcmp(pn, cn) == 0)
			dup++;
	}
	if (dup == 0)
		return cn;
	snprintf(buf, cap, "%s_%zu", cn, dup);
	return buf;
}

/* The column exported under name by a SELECT. */
static const qr_node *select_column(const qr_node *sel, const char *name,
				    size_t *index)
{
	size_t n = qr_sql__select_ncols(sel);
	for (size_t i = 0; i < n; i++) {
		char buf[256];
		const char *en = qr_sql__export_name(sel, i, buf, sizeof(buf));
		if (en && strcmp(en, name) == 0) {
			*index = i;
			return qr_sql__select_col(sel, i);
		}
	}
	return NULL;
}

static const char *from_display_name(const qr_node *from)
{
	switch (from->kind) {
	case QR_NODE_TABLE:
	case QR_NODE_ALIAS:
	case QR_NODE_SUBQUERY:
	case QR_NODE_CTE:
	case QR_NODE_VALUES_FROM:
		if (from->name)
			return from->name;
		if (from->kind == QR_NODE_ALIAS)
			return from_display_name(from->kids[0]);
		return from->kind == QR_NODE_VALUES_FROM ? "anonymous VALUES"
							 : "anonymous subquery";
	default:
		return qr_node__kind_name(from->kind);
	}
}

qr_expr *qr_c(const qr_expr *from, const char *name)
{
	if (!from)
		return qr_sql__null_arg("qr_c", "from");
	if (!name)
		return qr_sql__null_arg("qr_c", "name");
	const qr_node *col = NULL;
	size_t index = 0;
	switch (from->kind) {
	case QR_NODE_TABLE:
		col = qr_table_column(from, name);
		if (col)
			return (qr_node *)col;
		break;
	case QR_NODE_ALIAS: {
		const qr_node *inner = from->kids[0];
		if (inner->kind == QR_NODE_CTE) {
			col = select_column(inner->kids[0], name, &index);
		} else if (inner->kind == QR_NODE_TABLE) {
			col = qr_table_column(inner, name);
			if (col) {
				for (size_t i = 0;
				     i < qr_table_column_count(inner); i++) {
					if (qr_table_column_at(inner, i) == col)
						index = i;
				}
			}
		}
		break;
	}
	case QR_NODE_SUBQUERY:
	case QR_NODE_CTE:
		col = select_column(from->kids[0], name, &index);
		break;
	case QR_NODE_VALUES_FROM: {
		const qr_node *cols = from->kids[QR_VF_COLUMNS];
		for (size_t i = 0; !col && i < cols->nkids; i++) {
			if (strcmp(cols->kids[i]->name, name) == 0) {
				col = cols->kids[i];
				index = i;
			}
		}
		break;
	}
	default:
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_c: a %s has no columns to name",
			     qr_node__kind_name(from->kind));
		return NULL;
	}
	if (!col) {
		qr_error_set(QR_ECOLUMN, QR_ECLASS_ARGUMENT,
			     "qr_c: '%s' has no column '%s'",
			     from_display_name(from), name);
		return NULL;
	}
	return qr_sql__fromcol(from, name, qr_sql__type(col), index,
			       col->pinned ? NULL : col);
}

qr_expr *qr_cols_new(const qr_expr *from, const char *const *names)
{
	if (!from)
		return qr_sql__null_arg("qr_cols", "from");
	if (!names)
		return qr_sql__null_arg("qr_cols", "names");
	qr_node *list = qr_sql__node(QR_NODE_LIST, 0);
	if (!list)
		return NULL;
	list->op = QR_OP_COMMA;
	for (size_t i = 0; names[i]; i++) {
		qr_node *c = qr_c(from, names[i]);
		if (!c || qr_sql__push(list, c)) {
			qr_expr_free(list);
			return NULL;
		}
	}
	return list;
}

/* ---- VALUES as a FROM object ------------------------------------------- */

qr_expr *qr_values_from(const char *name, const char *const *columns,
			const qr_type *types, const qr_value *data,
			size_t nrows)
{
	size_t ncols = 0;
	while (columns && columns[ncols])
		ncols++;
	if (!ncols || (!data && nrows) || !nrows) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_values_from: %s",
			     !ncols ? "no columns" : "no rows");
		return NULL;
	}
	qr_node *n = qr_sql__node(QR_NODE_VALUES_FROM, 1);
	qr_node *cols = n ? qr_list_empty() : NULL;
	if (!cols)
		goto fail;
	n->kids[QR_VF_COLUMNS] = cols;
	if (name && qr_sql__set_name(n, name))
		goto fail;
	for (size_t j = 0; j < ncols; j++) {
		qr_node *col = qr_column_ref(columns[j]);
		if (!col || qr_sql__push(cols, col))
			goto fail;
	}
	for (size_t i = 0; i < nrows; i++) {
		qr_node *row = qr_sql__node(QR_NODE_LIST, 0);
		if (!row || qr_sql__push(n, row))
			goto fail;
		row->op = QR_OP_TUPLE;
		for (size_t j = 0; j < ncols; j++) {
			const qr_value *v = &data[i * ncols + j];
			qr_node *b = types ? qr_bind_typed(*v, types[j])
					   : qr_bind_value(*v);
			if (!b || qr_sql__push(row, b))
				goto fail;
			/* a column's type: given, or its first row's value's */
			if (i == 0 &&
			    qr_sql__set_type(cols->kids[j], qr_sql__type(b)))
				goto fail;
		}
	}
	return n;
fail:
	qr_expr_free(n);
	return NULL;
}

/* ---- aliases, subqueries, CTEs ---------------------------------------- */

static qr_node *named_wrapper(qr_node_kind kind, qr_node *inner,
			      const char *name, const char *fn)
{
	if (!inner)
		return qr_sql__null_arg(fn, "the selectable");
	qr_node *n = qr_sql__node(kind, kind == QR_NODE_CTE ? 2 : 1);
	if (!n) {
		qr_expr_free(inner);
		return NULL;
	}
	n->kids[0] = inner;
	if (name && qr_sql__set_name(n, name)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

qr_expr *qr_alias(qr_expr *table, const char *name)
{
	if (table && qr_sql__is_selectable(table))
		return qr_subquery(table, name);
	if (table && table->kind != QR_NODE_TABLE &&
	    table->kind != QR_NODE_CTE) {
		qr_expr_free(table);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_alias: expected a table, a CTE or a SELECT");
		return NULL;
	}
	return named_wrapper(QR_NODE_ALIAS, table, name, "qr_alias");
}

static bool check_select(qr_node *sel, const char *fn)
{
	if (sel && !qr_sql__is_selectable(sel)) {
		qr_expr_free(sel);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: expected a SELECT", fn);
		return false;
	}
	return true;
}

qr_expr *qr_subquery(qr_stmt *select, const char *name)
{
	if (!check_select(select, "qr_subquery"))
		return NULL;
	return named_wrapper(QR_NODE_SUBQUERY, select, name, "qr_subquery");
}

qr_expr *qr_lateral(qr_stmt *select, const char *name)
{
	if (!check_select(select, "qr_lateral"))
		return NULL;
	qr_node *n =
		named_wrapper(QR_NODE_SUBQUERY, select, name, "qr_lateral");
	if (n)
		n->flags |= QR_NF_SUBQUERY_LATERAL;
	return n;
}

qr_expr *qr_cte(qr_stmt *select, const char *name)
{
	if (!check_select(select, "qr_cte"))
		return NULL;
	return named_wrapper(QR_NODE_CTE, select, name, "qr_cte");
}

qr_expr *qr_cte_recursive(qr_stmt *select, const char *name)
{
	qr_node *n = qr_cte(select, name);
	if (n)
		n->flags |= QR_NF_CTE_RECURSIVE;
	return n;
}

static qr_node *cte_compound(qr_node *cte, qr_node *select, bool all,
			     const char *fn)
{
	if (!cte || !select) {
		qr_expr_free(cte);
		qr_expr_free(select);
		return qr_sql__null_arg(fn, "an argument");
	}
	if (cte->kind != QR_NODE_CTE || !qr_sql__is_selectable(select)) {
		qr_expr_free(cte);
		qr_expr_free(select);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: expected a CTE and a SELECT", fn);
		return NULL;
	}
	qr_node *element = all ? qr_union_all(qr_expr_ref(cte->kids[0]), select)
			       : qr_union(qr_expr_ref(cte->kids[0]), select);
	if (!element) {
		qr_expr_free(cte);
		return NULL;
	}
	qr_node *n = qr_sql__node(QR_NODE_CTE, 2);
	if (!n || qr_sql__set_name(n, cte->name)) {
		qr_expr_free(n);
		qr_expr_free(cte);
		qr_expr_free(element);
		return NULL;
	}
	n->flags = cte->flags;
	n->kids[QR_CTE_ELEMENT] = element;
	n->kids[QR_CTE_RESTATES] = cte;
	return n;
}

qr_expr *qr_cte_union_all(qr_expr *cte, qr_stmt *select)
{
	return cte_compound(cte, select, true, "qr_cte_union_all");
}

qr_expr *qr_cte_union(qr_expr *cte, qr_stmt *select)
{
	return cte_compound(cte, select, false, "qr_cte_union");
}

/* ---- joins ------------------------------------------------------------ */

/* A table reachable in a FROM object, and the object its columns are
 * named through (the table itself or an alias of it). */
typedef struct side {
	const qr_node *from;
	const qr_node *table;
} side;

static size_t collect_sides(const qr_node *f, side *out, size_t cap, size_t n)
{
	if (f->kind == QR_NODE_TABLE) {
		if (n < cap)
			out[n] = (side){f, f};
		return n + 1;
	}
	if (f->kind == QR_NODE_ALIAS && f->kids[0]->kind == QR_NODE_TABLE) {
		if (n < cap)
			out[n] = (side){f, f->kids[0]};
		return n + 1;
	}
	if (f->kind == QR_NODE_JOIN) {
		n = collect_sides(f->kids[QR_JOIN_L], out, cap, n);
		return collect_sides(f->kids[QR_JOIN_R], out, cap, n);
	}
	return n;
}

static qr_node *col_of(const side *s, const qr_column *c)
{
	if (s->from == s->table)
		return (qr_node *)c;
	return qr_c(s->from, qr_column_name(c));
}

/* The ON clause of fk (on the table of `child`) referencing `parent`:
 * referenced = referencing for each column pair, ANDed. */
static qr_node *fk_condition(const qr_foreign_key_info *fk, const side *parent,
			     const side *child)
{
	qr_node *cond = NULL;
	for (size_t i = 0; i < fk->ncolumns; i++) {
		qr_node *eq = qr_eq(col_of(parent, fk->refcolumns[i]),
				    col_of(child, fk->columns[i]));
		if (!eq) {
			qr_expr_free(cond);
			return NULL;
		}
		if (!cond) {
			cond = eq;
		} else if (cond->kind == QR_NODE_LIST) {
			if (qr_sql__push(cond, eq)) {
				qr_expr_free(cond);
				return NULL;
			}
		} else {
			cond = qr_and(cond, eq);
			if (!cond)
				return NULL;
		}
	}
	return cond;
}

/* Counts the foreign keys linking a and b (either way); keeps the
 * condition of the first. */
static int link(const side *a, const side *b, qr_node **cond, int *count)
{
	const side *pairs[2][2] = {{a, b}, {b, a}};
	for (int k = 0; k < 2; k++) {
		const side *parent = pairs[k][0], *child = pairs[k][1];
		size_t n = qr_table_foreign_key_count(child->table);
		for (size_t i = 0; i < n; i++) {
			qr_foreign_key_info fk;
			if (qr_table_foreign_key(&fk, child->table, i) != 0)
				continue; /* unresolvable: not a link */
			if (fk.reftable != parent->table)
				continue;
			if (a->table == b->table && k == 1)
				continue; /* self-reference counted once */
			if ((*count)++ == 0) {
				*cond = fk_condition(&fk, parent, child);
				if (!*cond)
					return QR_ENOMEM;
			}
		}
	}
	return 0;
}

static qr_node *infer_on(const qr_node *left, const qr_node *right)
{
	side ls[32], rs[32];
	size_t nl = collect_sides(left, ls, 32, 0);
	size_t nr = collect_sides(right, rs, 32, 0);
	if (nl > 32)
		nl = 32;
	if (nr > 32)
		nr = 32;
	qr_node *cond = NULL;
	int count = 0;

	/* SQLAlchemy tries the right-most table of a left join first. */
	if (left->kind == QR_NODE_JOIN && nl > 0) {
		size_t first_right =
			collect_sides(left->kids[QR_JOIN_L], ls, 0, 0);
		for (size_t i = first_right; i < nl; i++) {
			for (size_t j = 0; j < nr; j++) {
				if (link(&ls[i], &rs[j], &cond, &count))
					return NULL;
			}
		}
	}
	if (count == 0) {
		for (size_t i = 0; i < nl; i++) {
			for (size_t j = 0; j < nr; j++) {
				if (link(&ls[i], &rs[j], &cond, &count))
					return NULL;
			}
		}
	}
	const char *ln = nl ? from_display_name(ls[nl - 1].from) : "?";
	const char *rn = nr ? from_display_name(rs[0].from) : "?";
	if (count == 0) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "can't find any foreign key relationships "
			     "between '%s' and '%s'",
			     ln, rn);
		return NULL;
	}
	if (count > 1) {
		qr_expr_free(cond);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "can't determine join between '%s' and '%s'; "
			     "tables have more than one foreign key "
			     "constraint relationship between them; give the "
			     "ON clause explicitly",
			     ln, rn);
		return NULL;
	}
	return cond;
}

static bool is_joinable(const qr_node *n)
{
	return qr_sql__is_from(n) || n->kind == QR_NODE_TEXT;
}

static qr_node *join(int kind, qr_node *l, qr_node *r, qr_node *on, bool infer,
		     const char *fn)
{
	if (!l || !r || (!infer && !on)) {
		qr_expr_free(l);
		qr_expr_free(r);
		qr_expr_free(on);
		return qr_sql__null_arg(fn, "an argument");
	}
	if (!is_joinable(l) || !is_joinable(r)) {
		qr_expr_free(l);
		qr_expr_free(r);
		qr_expr_free(on);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: both sides must be FROM objects (tables, "
			     "aliases, subqueries, joins)",
			     fn);
		return NULL;
	}
	if (infer && !(on = infer_on(l, r))) {
		qr_expr_free(l);
		qr_expr_free(r);
		return NULL;
	}
	qr_node *n = qr_sql__node(QR_NODE_JOIN, 3);
	if (!n) {
		qr_expr_free(l);
		qr_expr_free(r);
		qr_expr_free(on);
		return NULL;
	}
	n->op = kind;
	n->kids[QR_JOIN_L] = l;
	n->kids[QR_JOIN_R] = r;
	n->kids[QR_JOIN_ON] = on;
	return n;
}

qr_expr *qr_join(qr_expr *left, qr_expr *right)
{
	return join(QR_JOIN_INNER, left, right, NULL, true, "qr_join");
}

qr_expr *qr_join_on(qr_expr *left, qr_expr *right, qr_expr *on)
{
	return join(QR_JOIN_INNER, left, right, on, false, "qr_join_on");
}

qr_expr *qr_outerjoin(qr_expr *left, qr_expr *right)
{
	return join(QR_JOIN_LEFT, left, right, NULL, true, "qr_outerjoin");
}

qr_expr *qr_outerjoin_on(qr_expr *left, qr_expr *right, qr_expr *on)
{
	return join(QR_JOIN_LEFT, left, right, on, false, "qr_outerjoin_on");
}

qr_expr *qr_full_join(qr_expr *left, qr_expr *right)
{
	return join(QR_JOIN_FULL, left, right, NULL, true, "qr_full_join");
}

qr_expr *qr_full_join_on(qr_expr *left, qr_expr *right, qr_expr *on)
{
	return join(QR_JOIN_FULL, left, right, on, false, "qr_full_join_on");
}
