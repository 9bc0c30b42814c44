/*
 * select_build.c - SELECT and set operations, the clause parts handed to
 * statement constructors, and qr_stmt_add() (generative construction).
 */
#include "../mem.h"
#include "sqlnode.h"

#include <quarry/sys/error.h>

#include <stdlib.h>

/* ---- clause parts ----------------------------------------------------- */

static qr_node *part_va(int op, qr_node *first, va_list ap, const char *fn)
{
	qr_node *p = qr_sql__node(QR_NODE_PART, 0);
	if (p)
		p->op = op;
	p = qr_sql__collect(p, first, ap, fn);
	if (p && p->nkids == 0) {
		qr_expr_free(p);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT, "%s: empty", fn);
		return NULL;
	}
	return p;
}

#define PART_CTOR(fname, op, label)                         \
	qr_expr *fname(qr_expr *first, ...)                 \
	{                                                   \
		va_list ap;                                 \
		va_start(ap, first);                        \
		qr_node *p = part_va(op, first, ap, label); \
		va_end(ap);                                 \
		return p;                                   \
	}

PART_CTOR(qr_where_new, QR_PART_WHERE, "qr_where")
PART_CTOR(qr_having_new, QR_PART_HAVING, "qr_having")
PART_CTOR(qr_from_new, QR_PART_FROM, "qr_from")
PART_CTOR(qr_group_by_new, QR_PART_GROUP_BY, "qr_group_by")
PART_CTOR(qr_order_by_new, QR_PART_ORDER_BY, "qr_order_by")
PART_CTOR(qr_partition_by_new, QR_PART_PARTITION_BY, "qr_partition_by")
PART_CTOR(qr_distinct_on_new, QR_PART_DISTINCT_ON, "qr_distinct_on")
PART_CTOR(qr_correlate_new, QR_PART_CORRELATE, "qr_correlate")
PART_CTOR(qr_correlate_except_new, QR_PART_CORRELATE_EXCEPT,
	  "qr_correlate_except")
PART_CTOR(qr_returning_new, QR_PART_RETURNING, "qr_returning")
PART_CTOR(qr_values_new, QR_PART_VALUES, "qr_values")

qr_expr *qr_values_array(qr_expr *const *sets, size_t n)
{
	qr_node *p = qr_sql__node(QR_NODE_PART, 0);
	bool failed = p == NULL;
	if (p)
		p->op = QR_PART_VALUES;
	if (!sets && n) {
		qr_expr_free(p);
		return qr_sql__null_arg("qr_values_array", "sets");
	}
	for (size_t i = 0; i < n; i++) {
		if (!sets[i]) {
			if (!failed)
				qr_sql__null_arg("qr_values_array", "an item");
			failed = true;
		} else if (failed || qr_sql__push(p, sets[i])) {
			if (failed)
				qr_expr_free(sets[i]);
			failed = true;
		}
	}
	if (!failed && n == 0) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_values_array: empty");
		failed = true;
	}
	if (failed) {
		qr_expr_free(p);
		return NULL;
	}
	return p;
}

static qr_node *part0(int op, int64_t ival)
{
	qr_node *p = qr_sql__node(QR_NODE_PART, 0);
	if (p) {
		p->op = op;
		p->ival = ival;
	}
	return p;
}

static qr_node *limit_part(int op, int64_t n)
{
	qr_node *b = qr_bind_typed(qr_val_int(n), QR_INTEGER);
	if (!b)
		return NULL;
	b->flags |= QR_NF_BIND_LIMIT;
	qr_node *p = part0(op, n);
	if (!p || qr_sql__push(p, b)) {
		if (!p)
			qr_expr_free(b);
		qr_expr_free(p);
		return NULL;
	}
	return p;
}

qr_expr *qr_limit(int64_t n)
{
	return limit_part(QR_PART_LIMIT, n);
}

qr_expr *qr_offset(int64_t n)
{
	return limit_part(QR_PART_OFFSET, n);
}

qr_expr *qr_fetch(int64_t n, unsigned flags)
{
	if (flags & ~(unsigned)(QR_FETCH_WITH_TIES | QR_FETCH_PERCENT)) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_fetch: unknown flags %#x", flags);
		return NULL;
	}
	qr_node *p = limit_part(QR_PART_FETCH, n);
	if (p)
		p->ival = (int64_t)flags;
	return p;
}

qr_expr *qr_distinct_rows(void)
{
	return part0(QR_PART_DISTINCT, 0);
}

qr_expr *qr_for_update(unsigned flags)
{
	return part0(QR_PART_FOR_UPDATE, (int64_t)flags);
}

qr_expr *qr_for_update_of_new(unsigned flags, qr_expr *first, ...)
{
	va_list ap;
	qr_node *p = part0(QR_PART_FOR_UPDATE, (int64_t)flags);
	bool failed = !p;

	va_start(ap, first);
	for (qr_node *t = first; t != QR_END; t = va_arg(ap, qr_node *)) {
		if (failed || !t || !qr_sql__is_from(t) ||
		    t->kind == QR_NODE_JOIN) {
			if (!failed && t)
				qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					     "qr_for_update_of: OF takes "
					     "tables and aliases");
			else if (!failed)
				qr_sql__null_arg("qr_for_update_of", "a table");
			failed = true;
			qr_expr_free(t);
			continue;
		}
		if (qr_sql__push(p, t)) {
			qr_expr_free(t);
			failed = true;
		}
	}
	va_end(ap);
	if (failed) {
		qr_expr_free(p);
		return NULL;
	}
	return p;
}

qr_expr *qr_correlate_none(void)
{
	return part0(QR_PART_CORRELATE_NONE, 0);
}

/* ---- applying parts to statements ------------------------------------- */

static const char *part_name(int op)
{
	static const char *const names[] = {
		[QR_PART_WHERE] = "WHERE",
		[QR_PART_HAVING] = "HAVING",
		[QR_PART_FROM] = "FROM",
		[QR_PART_GROUP_BY] = "GROUP BY",
		[QR_PART_ORDER_BY] = "ORDER BY",
		[QR_PART_PARTITION_BY] = "PARTITION BY",
		[QR_PART_LIMIT] = "LIMIT",
		[QR_PART_OFFSET] = "OFFSET",
		[QR_PART_DISTINCT] = "DISTINCT",
		[QR_PART_DISTINCT_ON] = "DISTINCT ON",
		[QR_PART_FOR_UPDATE] = "FOR UPDATE",
		[QR_PART_CORRELATE] = "correlate",
		[QR_PART_CORRELATE_EXCEPT] = "correlate_except",
		[QR_PART_CORRELATE_NONE] = "correlate(None)",
		[QR_PART_RETURNING] = "RETURNING",
		[QR_PART_VALUES] = "VALUES",
		[QR_PART_FROM_SELECT] = "INSERT FROM SELECT",
		[QR_PART_ON_CONFLICT_NOTHING] = "ON CONFLICT DO NOTHING",
		[QR_PART_ON_CONFLICT_UPDATE] = "ON CONFLICT DO UPDATE",
		[QR_PART_ON_DUPLICATE] = "ON DUPLICATE KEY UPDATE",
		[QR_PART_ROWS] = "ROWS",
		[QR_PART_RANGE] = "RANGE",
		[QR_PART_ELSE] = "ELSE",
		[QR_PART_FETCH] = "FETCH FIRST",
	};
	if (op >= 0 && (size_t)op < sizeof(names) / sizeof(names[0]) &&
	    names[op])
		return names[op];
	return "?";
}

/* The list in slot i of stmt, created (joined by op) or un-shared so
 * that items can be pushed onto it; NULL when out of memory. */
static qr_node *own_list(qr_node *stmt, size_t i, qr_opcode op)
{
	qr_node *list = stmt->kids[i];
	if (!list) {
		list = qr_sql__node(QR_NODE_LIST, 0);
		if (list)
			list->op = op;
	} else {
		stmt->kids[i] = NULL;
		list = qr_sql__own(list);
	}
	stmt->kids[i] = list;
	return list;
}

/* Moves the part's items to the end of the list in slot i of stmt
 * (creating or un-sharing the list). Takes part. */
static int append_items(qr_node *stmt, size_t i, qr_opcode op, qr_node *part)
{
	qr_node *list = own_list(stmt, i, op);
	if (!list) {
		qr_expr_free(part);
		return QR_ENOMEM;
	}
	for (size_t k = 0; k < part->nkids; k++) {
		if (qr_sql__push(list, qr_expr_ref(part->kids[k]))) {
			qr_expr_free(part);
			return QR_ENOMEM;
		}
	}
	qr_expr_free(part);
	return 0;
}

static void set_from_part(qr_node *stmt, size_t i, qr_node *part)
{
	qr_sql__set_kid(stmt, i, qr_expr_ref(part->kids[0]));
	qr_expr_free(part);
}

static int bad_clause(qr_node *stmt, qr_node *part)
{
	const char *what = part->kind == QR_NODE_PART
				   ? part_name(part->op)
				   : qr_node__kind_name(part->kind);
	int rc = qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			      "qr_stmt_add: a %s clause does not apply to "
			      "a %s statement",
			      what, qr_node__kind_name(stmt->kind));
	qr_expr_free(part);
	return rc;
}

static int add_to_select(qr_node *s, qr_node *p)
{
	if (p->kind != QR_NODE_PART) {
		if (p->kind == QR_NODE_WHEN || p->kind == QR_NODE_SET)
			return bad_clause(s, p);
		/* A column expression, or a list of them: onto the columns */
		qr_node *cols = own_list(s, QR_SEL_COLS, QR_OP_COMMA);
		if (!cols) {
			qr_expr_free(p);
			return QR_ENOMEM;
		}
		if (p->kind != QR_NODE_LIST || p->op != QR_OP_COMMA)
			return qr_sql__push(cols, p); /* frees p on failure */
		for (size_t i = 0; i < p->nkids; i++) {
			if (qr_sql__push(cols, qr_expr_ref(p->kids[i]))) {
				qr_expr_free(p);
				return QR_ENOMEM;
			}
		}
		qr_expr_free(p);
		return 0;
	}
	switch (p->op) {
	case QR_PART_WHERE:
		return append_items(s, QR_SEL_WHERE, QR_OP_AND, p);
	case QR_PART_HAVING:
		return append_items(s, QR_SEL_HAVING, QR_OP_AND, p);
	case QR_PART_FROM:
		return append_items(s, QR_SEL_FROMS, QR_OP_COMMA, p);
	case QR_PART_GROUP_BY:
		return append_items(s, QR_SEL_GROUP, QR_OP_COMMA, p);
	case QR_PART_ORDER_BY:
		return append_items(s, QR_SEL_ORDER, QR_OP_COMMA, p);
	case QR_PART_DISTINCT_ON:
		s->flags |= QR_NF_SEL_DISTINCT;
		return append_items(s, QR_SEL_DISTINCT_ON, QR_OP_COMMA, p);
	case QR_PART_CORRELATE:
		return append_items(s, QR_SEL_CORRELATE, QR_OP_COMMA, p);
	case QR_PART_CORRELATE_EXCEPT:
		return append_items(s, QR_SEL_CORRELATE_EXCEPT, QR_OP_COMMA, p);
	case QR_PART_LIMIT:
		/* LIMIT and FETCH replace each other, as in SQLAlchemy. */
		qr_sql__set_kid(s, QR_SEL_FETCH, NULL);
		set_from_part(s, QR_SEL_LIMIT, p);
		return 0;
	case QR_PART_FETCH:
		qr_sql__set_kid(s, QR_SEL_LIMIT, NULL);
		qr_sql__set_kid(s, QR_SEL_FETCH, p);
		return 0;
	case QR_PART_OFFSET:
		set_from_part(s, QR_SEL_OFFSET, p);
		return 0;
	case QR_PART_DISTINCT:
		s->flags |= QR_NF_SEL_DISTINCT;
		qr_expr_free(p);
		return 0;
	case QR_PART_CORRELATE_NONE:
		s->flags |= QR_NF_SEL_NO_AUTOCORRELATE;
		qr_expr_free(p);
		return 0;
	case QR_PART_FOR_UPDATE:
		s->flags |= QR_NF_SEL_FOR_UPDATE;
		s->ival = p->ival;
		qr_sql__set_kid(s, QR_SEL_FOR_UPDATE_OF, NULL);
		if (p->nkids)
			return append_items(s, QR_SEL_FOR_UPDATE_OF,
					    QR_OP_COMMA, p);
		qr_expr_free(p);
		return 0;
	default:
		return bad_clause(s, p);
	}
}

static int add_to_compound(qr_node *s, qr_node *p)
{
	if (p->kind != QR_NODE_PART)
		return bad_clause(s, p);
	switch (p->op) {
	case QR_PART_ORDER_BY:
		return append_items(s, QR_CMP_ORDER, QR_OP_COMMA, p);
	case QR_PART_LIMIT:
		set_from_part(s, QR_CMP_LIMIT, p);
		return 0;
	case QR_PART_OFFSET:
		set_from_part(s, QR_CMP_OFFSET, p);
		return 0;
	default:
		return bad_clause(s, p);
	}
}

/* INSERT/UPDATE/DELETE parts live in dml_build.c. */
int qr_dml__add(qr_node *stmt, qr_node *part);

static int add_part(qr_node *stmt, qr_node *part)
{
	switch (stmt->kind) {
	case QR_NODE_SELECT:
		return add_to_select(stmt, part);
	case QR_NODE_COMPOUND:
		return add_to_compound(stmt, part);
	case QR_NODE_INSERT:
	case QR_NODE_UPDATE:
	case QR_NODE_DELETE:
		return qr_dml__add(stmt, part);
	default:
		return bad_clause(stmt, part);
	}
}

qr_stmt *qr_stmt_add(qr_stmt *stmt, qr_expr *clause)
{
	if (!stmt || !clause) {
		qr_expr_free(stmt);
		qr_expr_free(clause);
		return qr_sql__null_arg("qr_stmt_add", "an argument");
	}
	if (stmt->pinned || stmt->kind == QR_NODE_TEXT) {
		qr_expr_free(clause);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_stmt_add: a %s takes no clauses",
			     qr_node__kind_name(stmt->kind));
		qr_expr_free(stmt);
		return NULL;
	}
	qr_node *s = qr_sql__own(stmt);
	if (!s) {
		qr_expr_free(clause);
		return NULL;
	}
	if (add_part(s, clause)) {
		qr_expr_free(s);
		return NULL;
	}
	return s;
}

qr_stmt *qr_stmt_extend_new(qr_stmt *stmt, ...)
{
	va_list ap;
	va_start(ap, stmt);
	for (qr_node *p = va_arg(ap, qr_node *); p != QR_END;
	     p = va_arg(ap, qr_node *))
		stmt = qr_stmt_add(stmt, p);
	va_end(ap);
	return stmt;
}

qr_stmt *qr_select_new(qr_expr *first, ...)
{
	va_list ap;
	va_start(ap, first);
	qr_node *s = qr_sql__node(QR_NODE_SELECT, QR_SEL_NKIDS);
	bool failed = !s;
	for (qr_node *p = first; p != QR_END; p = va_arg(ap, qr_node *)) {
		if (!p) {
			if (!failed)
				qr_sql__null_arg("qr_select", "an item");
			failed = true;
			continue;
		}
		if (failed) {
			qr_expr_free(p);
			continue;
		}
		if (add_part(s, p))
			failed = true;
	}
	va_end(ap);
	if (failed) {
		qr_expr_free(s);
		return NULL;
	}
	return s;
}

qr_stmt *qr_with_only_columns_new(qr_stmt *select, ...)
{
	va_list ap;
	va_start(ap, select);
	qr_node *s = NULL;
	bool failed = true;
	if (!select) {
		qr_sql__null_arg("qr_with_only_columns", "the SELECT");
	} else if (select->kind != QR_NODE_SELECT) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_with_only_columns: not a SELECT");
		qr_expr_free(select);
	} else if ((s = qr_sql__own(select)) != NULL) {
		qr_sql__set_kid(s, QR_SEL_COLS, NULL);
		failed = false;
	}
	for (qr_node *p = va_arg(ap, qr_node *); p != QR_END;
	     p = va_arg(ap, qr_node *)) {
		if (!p) {
			if (!failed)
				qr_sql__null_arg("qr_with_only_columns",
						 "a column");
			failed = true;
		} else if (failed) {
			qr_expr_free(p);
		} else if (p->kind == QR_NODE_PART) {
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "qr_with_only_columns: a %s clause is "
				     "not a column",
				     part_name(p->op));
			qr_expr_free(p);
			failed = true;
		} else if (add_to_select(s, p)) {
			failed = true;
		}
	}
	va_end(ap);
	if (!failed && !s->kids[QR_SEL_COLS]) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_with_only_columns: no columns");
		failed = true;
	}
	if (failed) {
		qr_expr_free(s);
		return NULL;
	}
	return s;
}

/* ---- set operations --------------------------------------------------- */

static qr_node *compound(int op, qr_node *first, va_list ap, const char *fn)
{
	qr_node *list = qr_sql__node(QR_NODE_LIST, 0);
	if (list)
		list->op = QR_OP_COMMA;
	list = qr_sql__collect(list, first, ap, fn);
	if (!list)
		return NULL;
	for (size_t i = 0; i < list->nkids; i++) {
		if (!qr_sql__is_selectable(list->kids[i])) {
			qr_expr_free(list);
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "%s: every item must be a SELECT", fn);
			return NULL;
		}
	}
	if (list->nkids < 2) {
		qr_expr_free(list);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: at least two SELECTs are needed", fn);
		return NULL;
	}
	qr_node *n = qr_sql__node(QR_NODE_COMPOUND, QR_CMP_NKIDS);
	if (!n) {
		qr_expr_free(list);
		return NULL;
	}
	n->op = op;
	n->kids[QR_CMP_SELECTS] = list;
	return n;
}

#define COMPOUND_CTOR(fname, op, label)                      \
	qr_stmt *fname(qr_stmt *first, ...)                  \
	{                                                    \
		va_list ap;                                  \
		va_start(ap, first);                         \
		qr_node *n = compound(op, first, ap, label); \
		va_end(ap);                                  \
		return n;                                    \
	}

COMPOUND_CTOR(qr_union_new, QR_SET_UNION, "qr_union")
COMPOUND_CTOR(qr_union_all_new, QR_SET_UNION_ALL, "qr_union_all")
COMPOUND_CTOR(qr_intersect_new, QR_SET_INTERSECT, "qr_intersect")
COMPOUND_CTOR(qr_intersect_all_new, QR_SET_INTERSECT_ALL, "qr_intersect_all")
COMPOUND_CTOR(qr_except_new, QR_SET_EXCEPT, "qr_except")
COMPOUND_CTOR(qr_except_all_new, QR_SET_EXCEPT_ALL, "qr_except_all")
