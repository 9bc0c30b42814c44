/*
 * node_generic.c - life cycle of the generic node kinds: allocation,
 * children, copies, destruction, and the NULL-propagation helpers every
 * constructor uses.
 */
#include "../mem.h"
#include "sqlnode.h"
#include "typeconv.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>

/* The QR_END sentinel: never a real node. */
struct qr_node qr_end_sentinel_ = {.kind = QR_NODE_LITERAL, .pinned = true};

static const char *const op_sql[] = {
#define OP_SQL_(e, s, p) s,
	QR_OPS(OP_SQL_)
#undef OP_SQL_
};

static const int op_prec[] = {
#define OP_PREC_(e, s, p) p,
	QR_OPS(OP_PREC_)
#undef OP_PREC_
};

const char *qr_op__sql(qr_opcode op)
{
	return (unsigned)op < QR_OP_COUNT ? op_sql[op] : "";
}

int qr_op__precedence(qr_opcode op)
{
	return (unsigned)op < QR_OP_COUNT ? op_prec[op] : 100;
}

bool qr_op__is_comparison(qr_opcode op)
{
	switch (op) {
	case QR_OP_EQ:
	case QR_OP_NE:
	case QR_OP_LT:
	case QR_OP_LE:
	case QR_OP_GT:
	case QR_OP_GE:
	case QR_OP_IS:
	case QR_OP_IS_NOT:
	case QR_OP_IS_DISTINCT_FROM:
	case QR_OP_IS_NOT_DISTINCT_FROM:
	case QR_OP_LIKE:
	case QR_OP_NOT_LIKE:
	case QR_OP_ILIKE:
	case QR_OP_NOT_ILIKE:
	case QR_OP_IN:
	case QR_OP_NOT_IN:
	case QR_OP_BETWEEN:
	case QR_OP_NOT_BETWEEN:
	case QR_OP_REGEXP_MATCH:
	case QR_OP_NOT_REGEXP_MATCH:
		return true;
	default:
		return false;
	}
}

qr_node *qr_sql__node(qr_node_kind kind, size_t nkids)
{
	qr_node *n = qr_node__new(kind);
	if (!n)
		return NULL;
	if (nkids > QR_NODE_INLINE_KIDS) {
		n->kids = qr_mem__calloc(nkids, sizeof(*n->kids),
					 "expression children");
		if (!n->kids) {
			free(n);
			return NULL;
		}
		n->kcap = nkids;
	}
	n->nkids = nkids;
	return n;
}

int qr_sql__push(qr_node *n, qr_node *kid)
{
	if (n->nkids == n->kcap) {
		/* Twice the room: a list built item by item reallocates
		 * log(n) times. */
		size_t cap = n->kcap * 2;
		qr_node **k =
			n->kids == n->kin
				? qr_mem__alloc(cap * sizeof(*k),
						"expression children")
				: qr_mem__realloc(n->kids, cap * sizeof(*k),
						  "expression children");
		if (!k) {
			qr_expr_free(kid);
			return QR_ENOMEM;
		}
		if (n->kids == n->kin)
			memcpy(k, n->kin, n->nkids * sizeof(*k));
		n->kids = k;
		n->kcap = cap;
	}
	n->kids[n->nkids++] = kid;
	return 0;
}

void qr_sql__set_kid(qr_node *n, size_t i, qr_node *kid)
{
	qr_node *old = n->kids[i];
	n->kids[i] = kid;
	qr_expr_free(old);
}

static int set_string(char **dst, const char *s)
{
	char *copy = NULL;
	if (s && !(copy = qr_mem__strdup(s)))
		return QR_ENOMEM;
	free(*dst);
	*dst = copy;
	return 0;
}

int qr_sql__set_name(qr_node *n, const char *s)
{
	return set_string(&n->name, s);
}

int qr_sql__set_str(qr_node *n, const char *s)
{
	return set_string(&n->str, s);
}

int qr_sql__set_type(qr_node *n, const qr_type *t)
{
	char *storage = NULL;
	qr_type copy;
	int rc = qr_type__copy(&copy, t, &storage);
	if (rc)
		return rc;
	free(n->type_storage);
	n->type = copy;
	n->tkey = qr_type__is_plain(&copy) ? (uint32_t)copy.kind
					   : QR_NODE_TKEY_FULL;
	n->type_storage = storage;
	return 0;
}

int qr_sql__set_value(qr_node *n, const qr_value *v)
{
	char *storage = NULL;
	qr_value copy;
	int rc = qr_value__copy(&copy, v, &storage);
	if (rc)
		return rc;
	free(n->value_storage);
	n->value = copy;
	n->value_storage = storage;
	return 0;
}

qr_node *qr_sql__copy(const qr_node *n)
{
	qr_node *c = qr_sql__node(n->kind, n->nkids);
	if (!c)
		return NULL;
	c->op = n->op;
	c->flags = n->flags;
	c->ival = n->ival;
	for (size_t i = 0; i < n->nkids; i++)
		c->kids[i] = qr_expr_ref(n->kids[i]);
	if (qr_sql__set_name(c, n->name) || qr_sql__set_str(c, n->str) ||
	    qr_sql__set_type(c, &n->type) || qr_sql__set_value(c, &n->value)) {
		qr_expr_free(c);
		return NULL;
	}
	return c;
}

qr_node *qr_sql__own(qr_node *n)
{
	if (atomic_load_explicit(&n->refcount, memory_order_acquire) == 1) {
		/* About to change: its compiled form no longer holds. */
		qr_compiled_free(atomic_exchange_explicit(
			&n->memo, NULL, memory_order_acq_rel));
		return n;
	}
	qr_node *c = qr_sql__copy(n);
	qr_expr_free(n);
	return c;
}

void *qr_sql__null_arg(const char *fn, const char *what)
{
	if (qr_error_last()->code == 0)
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT, "%s: %s is NULL",
			     fn, what);
	return NULL;
}

void qr_sql__drain(va_list ap)
{
	for (;;) {
		qr_node *n = va_arg(ap, qr_node *);
		if (n == QR_END)
			break;
		qr_expr_free(n);
	}
}

qr_node *qr_sql__collect(qr_node *list, qr_node *first, va_list ap,
			 const char *fn)
{
	qr_node *item = first;
	bool failed = list == NULL;

	while (item != QR_END) {
		if (!item) {
			if (!failed)
				qr_sql__null_arg(fn, "an item");
			failed = true;
		} else if (failed || qr_sql__push(list, item)) {
			if (failed)
				qr_expr_free(item);
			failed = true;
		}
		item = va_arg(ap, qr_node *);
	}
	if (failed) {
		qr_expr_free(list);
		return NULL;
	}
	return list;
}

const qr_type *qr_sql__type(const qr_node *n)
{
	static const qr_type null_type = {QR_TYPE_NULL, 0,    0,    0,
					  false,        NULL, NULL, NULL};
	if (!n || n->kind == QR_NODE_TEXT)
		return &null_type;
	return &n->type;
}

bool qr_sql__is_from(const qr_node *n)
{
	switch (n->kind) {
	case QR_NODE_TABLE:
	case QR_NODE_ALIAS:
	case QR_NODE_SUBQUERY:
	case QR_NODE_CTE:
	case QR_NODE_JOIN:
	case QR_NODE_VALUES_FROM:
		return true;
	default:
		return false;
	}
}

bool qr_sql__is_selectable(const qr_node *n)
{
	return n && (n->kind == QR_NODE_SELECT || n->kind == QR_NODE_COMPOUND);
}

static const qr_node *first_select(const qr_node *sel)
{
	while (sel && sel->kind == QR_NODE_COMPOUND) {
		const qr_node *list = sel->kids[QR_CMP_SELECTS];
		sel = list && list->nkids ? list->kids[0] : NULL;
	}
	return sel;
}

/* Counts (or finds the i-th of) the columns of a SELECT's column list,
 * a FROM object standing for all its columns. */
static size_t from_ncols(const qr_node *f);
static const qr_node *from_col(const qr_node *f, size_t i);

size_t qr_sql__select_ncols(const qr_node *sel)
{
	sel = first_select(sel);
	if (!sel || sel->kind != QR_NODE_SELECT)
		return 0;
	const qr_node *cols = sel->kids[QR_SEL_COLS];
	size_t n = 0;
	for (size_t i = 0; cols && i < cols->nkids; i++) {
		const qr_node *c = cols->kids[i];
		n += qr_sql__is_from(c) ? from_ncols(c) : 1;
	}
	return n;
}

const qr_node *qr_sql__select_col(const qr_node *sel, size_t i)
{
	sel = first_select(sel);
	if (!sel || sel->kind != QR_NODE_SELECT)
		return NULL;
	const qr_node *cols = sel->kids[QR_SEL_COLS];
	for (size_t k = 0; cols && k < cols->nkids; k++) {
		const qr_node *c = cols->kids[k];
		size_t n = qr_sql__is_from(c) ? from_ncols(c) : 1;
		if (i < n)
			return qr_sql__is_from(c) ? from_col(c, i) : c;
		i -= n;
	}
	return NULL;
}

static size_t from_ncols(const qr_node *f)
{
	switch (f->kind) {
	case QR_NODE_TABLE:
		return qr_table_column_count(f);
	case QR_NODE_ALIAS:
		return from_ncols(f->kids[0]);
	case QR_NODE_SUBQUERY:
	case QR_NODE_CTE:
		return qr_sql__select_ncols(f->kids[0]);
	case QR_NODE_JOIN:
		return from_ncols(f->kids[QR_JOIN_L]) +
		       from_ncols(f->kids[QR_JOIN_R]);
	case QR_NODE_VALUES_FROM:
		return f->kids[QR_VF_COLUMNS]->nkids;
	default:
		return 0;
	}
}

static const qr_node *from_col(const qr_node *f, size_t i)
{
	switch (f->kind) {
	case QR_NODE_TABLE:
		return qr_table_column_at(f, i);
	case QR_NODE_ALIAS:
		return from_col(f->kids[0], i);
	case QR_NODE_SUBQUERY:
	case QR_NODE_CTE:
		return qr_sql__select_col(f->kids[0], i);
	case QR_NODE_JOIN: {
		size_t nl = from_ncols(f->kids[QR_JOIN_L]);
		return i < nl ? from_col(f->kids[QR_JOIN_L], i)
			      : from_col(f->kids[QR_JOIN_R], i - nl);
	}
	case QR_NODE_VALUES_FROM:
		return f->kids[QR_VF_COLUMNS]->kids[i];
	default:
		return NULL;
	}
}

const char *qr_sql__col_name(const qr_node *col)
{
	if (!col)
		return NULL;
	switch (col->kind) {
	case QR_NODE_COLUMN:
	case QR_NODE_LABEL:
	case QR_NODE_FROMCOL:
	case QR_NODE_LEXCOL:
		return col->name;
	case QR_NODE_LITERAL:
		return col->op == QR_LIT_COLUMN ? col->name : NULL;
	default:
		return NULL;
	}
}

static void destroy_generic(qr_node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		qr_expr_free(n->kids[i]);
	if (n->kids != n->kin)
		free(n->kids);
	free(n->name);
	free(n->str);
	free(n->type_storage);
	free(n->value_storage);
	if (n->ext)
		qr_schema__destroy_ext(n);
}

/* One destructor per generic kind, as node.c's dispatch expects. */
#define DESTROY_(e, n)                           \
	void qr_node__destroy_##n(qr_node *node) \
	{                                        \
		destroy_generic(node);           \
	}
QR_SQL_NODE_KINDS(DESTROY_)
#undef DESTROY_
