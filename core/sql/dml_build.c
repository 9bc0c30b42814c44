/*
 * dml_build.c - INSERT, UPDATE, DELETE and their clauses (values, SET,
 * RETURNING, upserts).
 */
#include "../mem.h"
#include "sqlnode.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>

qr_expr *qr_set(const char *column, qr_expr *value)
{
	if (!column) {
		qr_expr_free(value);
		return qr_sql__null_arg("qr_set", "column");
	}
	if (!value)
		return qr_sql__null_arg("qr_set", "value");
	qr_node *n = qr_sql__node(QR_NODE_SET, 1);
	if (!n || qr_sql__set_name(n, column)) {
		qr_expr_free(n);
		qr_expr_free(value);
		return NULL;
	}
	n->kids[0] = value;
	return n;
}

qr_expr *qr_excluded(const char *column)
{
	if (!column)
		return qr_sql__null_arg("qr_excluded", "column");
	qr_node *n = qr_sql__node(QR_NODE_EXCLUDED, 0);
	if (n && qr_sql__set_name(n, column)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

/* A LIST of LEXCOL names (NULL names: an empty list is NULL). */
static int name_list(qr_node **out, const char *const *names)
{
	*out = NULL;
	if (!names)
		return 0;
	qr_node *list = qr_sql__node(QR_NODE_LIST, 0);
	if (!list)
		return QR_ENOMEM;
	list->op = QR_OP_COMMA;
	for (size_t i = 0; names[i]; i++) {
		qr_node *c = qr_column_ref(names[i]);
		if (!c || qr_sql__push(list, c)) {
			qr_expr_free(list);
			return QR_ENOMEM;
		}
	}
	*out = list;
	return 0;
}

qr_expr *qr_from_select(const char *const *columns, qr_stmt *select)
{
	if (!select)
		return qr_sql__null_arg("qr_from_select", "the SELECT");
	if (!qr_sql__is_selectable(select)) {
		qr_expr_free(select);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_from_select: expected a SELECT");
		return NULL;
	}
	qr_node *names;
	qr_node *p = qr_sql__node(QR_NODE_PART, 2);
	if (!p || name_list(&names, columns)) {
		qr_expr_free(p);
		qr_expr_free(select);
		return NULL;
	}
	p->op = QR_PART_FROM_SELECT;
	p->kids[0] = select;
	p->kids[1] = names;
	return p;
}

qr_expr *qr_on_conflict_do_nothing(const char *const *target)
{
	qr_node *names;
	qr_node *p = qr_sql__node(QR_NODE_PART, 1);
	if (!p || name_list(&names, target)) {
		qr_expr_free(p);
		return NULL;
	}
	p->op = QR_PART_ON_CONFLICT_NOTHING;
	p->kids[0] = names;
	return p;
}

/* Splits items into a LIST of SET nodes and an optional WHERE list. */
static qr_node *sets_va(qr_node *first, va_list ap, const char *fn,
			qr_node **where)
{
	qr_node *list = qr_sql__node(QR_NODE_LIST, 0);
	if (list)
		list->op = QR_OP_COMMA;
	list = qr_sql__collect(list, first, ap, fn);
	if (!list)
		return NULL;
	size_t w = 0;
	for (size_t i = 0; i < list->nkids; i++) {
		qr_node *k = list->kids[i];
		if (where && k->kind == QR_NODE_PART &&
		    k->op == QR_PART_WHERE && !*where) {
			*where = k;
			continue;
		}
		if (k->kind != QR_NODE_SET) {
			for (size_t j = i; j < list->nkids; j++)
				qr_expr_free(list->kids[j]);
			list->nkids = w;
			qr_expr_free(list);
			if (where) {
				qr_expr_free(*where);
				*where = NULL;
			}
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "%s: expected qr_set() items", fn);
			return NULL;
		}
		list->kids[w++] = k;
	}
	list->nkids = w;
	return list;
}

qr_expr *qr_on_conflict_do_update_new(const char *const *target, qr_expr *first,
				      ...)
{
	va_list ap;
	va_start(ap, first);
	qr_node *where = NULL;
	qr_node *sets = sets_va(first, ap, "qr_on_conflict_do_update", &where);
	va_end(ap);
	if (!sets)
		return NULL;
	qr_node *names;
	qr_node *p = qr_sql__node(QR_NODE_PART, 3);
	if (!p || name_list(&names, target)) {
		qr_expr_free(p);
		qr_expr_free(sets);
		qr_expr_free(where);
		return NULL;
	}
	p->op = QR_PART_ON_CONFLICT_UPDATE;
	p->kids[0] = names;
	p->kids[1] = sets;
	if (where) {
		/* Keep the WHERE conditions as an AND list. */
		where->kind = QR_NODE_LIST;
		where->op = QR_OP_AND;
		p->kids[2] = where;
	}
	return p;
}

qr_expr *qr_on_duplicate_key_update_new(qr_expr *first, ...)
{
	va_list ap;
	va_start(ap, first);
	qr_node *sets = sets_va(first, ap, "qr_on_duplicate_key_update", NULL);
	va_end(ap);
	if (!sets)
		return NULL;
	qr_node *p = qr_sql__node(QR_NODE_PART, 1);
	if (!p) {
		qr_expr_free(sets);
		return NULL;
	}
	p->op = QR_PART_ON_DUPLICATE;
	p->kids[0] = sets;
	return p;
}

/* ---- statements ------------------------------------------------------- */

static int push_to_list(qr_node *stmt, size_t i, qr_opcode op, qr_node *item)
{
	qr_node *list = stmt->kids[i];
	if (!list) {
		if (!(list = qr_sql__node(QR_NODE_LIST, 0))) {
			qr_expr_free(item);
			return QR_ENOMEM;
		}
		list->op = op;
	} else {
		stmt->kids[i] = NULL;
		if (!(list = qr_sql__own(list))) {
			qr_expr_free(item);
			return QR_ENOMEM;
		}
	}
	stmt->kids[i] = list;
	return qr_sql__push(list, item);
}

/* Moves every item of part into list slot i; takes part. */
static int move_items(qr_node *stmt, size_t i, qr_opcode op, qr_node *part)
{
	int rc = 0;
	for (size_t k = 0; rc == 0 && k < part->nkids; k++)
		rc = push_to_list(stmt, i, op, qr_expr_ref(part->kids[k]));
	qr_expr_free(part);
	return rc;
}

static int bad(qr_node *stmt, qr_node *part, const char *what)
{
	qr_expr_free(part);
	return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			    "qr_stmt_add: %s does not apply to a %s statement",
			    what, qr_node__kind_name(stmt->kind));
}

static int add_insert(qr_node *s, qr_node *p)
{
	if (p->kind == QR_NODE_SET)
		return push_to_list(s, QR_INS_VALUES, QR_OP_COMMA, p);
	if (p->kind != QR_NODE_PART)
		return bad(s, p, "an expression");
	switch (p->op) {
	case QR_PART_VALUES: {
		for (size_t i = 0; i < p->nkids; i++) {
			if (p->kids[i]->kind != QR_NODE_SET)
				return bad(s, p,
					   "a qr_values() item other "
					   "than qr_set()");
		}
		p->kind = QR_NODE_LIST; /* the row: a list of SETs */
		p->op = QR_OP_COMMA;
		return push_to_list(s, QR_INS_ROWS, QR_OP_COMMA, p);
	}
	case QR_PART_FROM_SELECT:
		qr_sql__set_kid(s, QR_INS_SELECT, qr_expr_ref(p->kids[0]));
		qr_sql__set_kid(s, QR_INS_SELECT_COLS, qr_expr_ref(p->kids[1]));
		qr_expr_free(p);
		return 0;
	case QR_PART_RETURNING:
		return move_items(s, QR_INS_RETURNING, QR_OP_COMMA, p);
	case QR_PART_ON_CONFLICT_NOTHING:
	case QR_PART_ON_CONFLICT_UPDATE:
	case QR_PART_ON_DUPLICATE:
		qr_sql__set_kid(s, QR_INS_UPSERT, p);
		return 0;
	default:
		return bad(s, p, "that clause");
	}
}

static int add_update(qr_node *s, qr_node *p)
{
	if (p->kind == QR_NODE_SET)
		return push_to_list(s, QR_UPD_SETS, QR_OP_COMMA, p);
	if (p->kind != QR_NODE_PART)
		return bad(s, p, "an expression");
	switch (p->op) {
	case QR_PART_WHERE:
		return move_items(s, QR_UPD_WHERE, QR_OP_AND, p);
	case QR_PART_RETURNING:
		return move_items(s, QR_UPD_RETURNING, QR_OP_COMMA, p);
	default:
		return bad(s, p, "that clause");
	}
}

static int add_delete(qr_node *s, qr_node *p)
{
	if (p->kind != QR_NODE_PART)
		return bad(s, p, "an expression");
	switch (p->op) {
	case QR_PART_WHERE:
		return move_items(s, QR_DEL_WHERE, QR_OP_AND, p);
	case QR_PART_RETURNING:
		return move_items(s, QR_DEL_RETURNING, QR_OP_COMMA, p);
	default:
		return bad(s, p, "that clause");
	}
}

int qr_dml__add(qr_node *stmt, qr_node *part);
int qr_dml__add(qr_node *stmt, qr_node *part)
{
	switch (stmt->kind) {
	case QR_NODE_INSERT:
		return add_insert(stmt, part);
	case QR_NODE_UPDATE:
		return add_update(stmt, part);
	case QR_NODE_DELETE:
		return add_delete(stmt, part);
	default:
		return bad(stmt, part, "that clause");
	}
}

static qr_node *dml_va(qr_node_kind kind, size_t nkids, qr_table *table,
		       va_list ap, const char *fn)
{
	if (!table || table->kind != QR_NODE_TABLE) {
		qr_sql__drain(ap);
		if (table) {
			qr_expr_free(table);
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "%s: expected a table", fn);
			return NULL;
		}
		return qr_sql__null_arg(fn, "table");
	}
	qr_node *s = qr_sql__node(kind, nkids);
	if (!s) {
		qr_sql__drain(ap);
		return NULL;
	}
	s->kids[0] = table; /* pinned: no reference needed */
	bool failed = false;
	for (qr_node *p = va_arg(ap, qr_node *); p != QR_END;
	     p = va_arg(ap, qr_node *)) {
		if (!p) {
			if (!failed)
				qr_sql__null_arg(fn, "a clause");
			failed = true;
		} else if (failed) {
			qr_expr_free(p);
		} else if (qr_dml__add(s, p)) {
			failed = true;
		}
	}
	if (failed) {
		qr_expr_free(s);
		return NULL;
	}
	return s;
}

qr_stmt *qr_insert_new(qr_table *table, ...)
{
	va_list ap;
	va_start(ap, table);
	qr_node *s =
		dml_va(QR_NODE_INSERT, QR_INS_NKIDS, table, ap, "qr_insert");
	va_end(ap);
	return s;
}

qr_stmt *qr_update_new(qr_table *table, ...)
{
	va_list ap;
	va_start(ap, table);
	qr_node *s =
		dml_va(QR_NODE_UPDATE, QR_UPD_NKIDS, table, ap, "qr_update");
	va_end(ap);
	return s;
}

qr_stmt *qr_delete_new(qr_table *table, ...)
{
	va_list ap;
	va_start(ap, table);
	qr_node *s =
		dml_va(QR_NODE_DELETE, QR_DEL_NKIDS, table, ap, "qr_delete");
	va_end(ap);
	return s;
}
