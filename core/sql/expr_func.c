/*
 * expr_func.c - functions (func.<name>), window functions, CASE, CAST,
 * type_coerce and labels.
 */
#include "../mem.h"
#include "funcs.h"
#include "sqlnode.h"

#include <quarry/sys/error.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* name(args) with the known function's return type unless given. */
static qr_node *func_va(const qr_type *given, const char *name, va_list ap)
{
	if (!name) {
		qr_sql__drain(ap);
		return qr_sql__null_arg("qr_func", "name");
	}
	qr_node *args = qr_sql__node(QR_NODE_LIST, 0);
	if (args)
		args->op = QR_OP_COMMA;
	qr_node *first = va_arg(ap, qr_node *);
	args = qr_sql__collect(args, first, ap, "qr_func");
	if (!args)
		return NULL;
	qr_node *n = qr_sql__node(QR_NODE_FUNC, QR_FN_NKIDS);
	if (!n) {
		qr_expr_free(args);
		return NULL;
	}
	if (args->nkids)
		n->kids[QR_FN_ARGS] = args;
	else
		qr_expr_free(args);
	qr_type t = QR_NULLTYPE;
	if (given) {
		t = *given;
		n->flags |= QR_NF_FUNC_TYPED;
	} else {
		const qr_node *a0 = n->kids[QR_FN_ARGS]
					    ? n->kids[QR_FN_ARGS]->kids[0]
					    : NULL;
		t = qr_func__return_type(name, a0 ? qr_sql__type(a0) : NULL);
	}
	if (qr_sql__set_name(n, name) || qr_sql__set_type(n, &t)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

qr_expr *qr_func_new(const char *name, ...)
{
	va_list ap;
	va_start(ap, name);
	qr_node *n = func_va(NULL, name, ap);
	va_end(ap);
	return n;
}

qr_expr *qr_func_typed_new(qr_type type, const char *name, ...)
{
	va_list ap;
	va_start(ap, name);
	qr_node *n = func_va(&type, name, ap);
	va_end(ap);
	return n;
}

static qr_node *func1(const char *name, qr_node *a, const char *fn)
{
	if (!a)
		return qr_sql__null_arg(fn, "the argument");
	return qr_func_new(name, a, QR_END);
}

qr_expr *qr_count(qr_expr *a)
{
	return func1("count", a, "qr_count");
}

qr_expr *qr_count_star(void)
{
	return qr_func_new("count", QR_END);
}

qr_expr *qr_max(qr_expr *a)
{
	return func1("max", a, "qr_max");
}

qr_expr *qr_min(qr_expr *a)
{
	return func1("min", a, "qr_min");
}

qr_expr *qr_sum(qr_expr *a)
{
	return func1("sum", a, "qr_sum");
}

qr_expr *qr_avg(qr_expr *a)
{
	return func1("avg", a, "qr_avg");
}

qr_expr *qr_lower(qr_expr *a)
{
	return func1("lower", a, "qr_lower");
}

qr_expr *qr_upper(qr_expr *a)
{
	return func1("upper", a, "qr_upper");
}

qr_expr *qr_length(qr_expr *a)
{
	return func1("length", a, "qr_length");
}

qr_expr *qr_now(void)
{
	return qr_func_new("now", QR_END);
}

qr_expr *qr_func_filter(qr_expr *fn, qr_expr *cond)
{
	if (!fn || !cond) {
		qr_expr_free(fn);
		qr_expr_free(cond);
		return qr_sql__null_arg("qr_func_filter", "an argument");
	}
	if (fn->kind != QR_NODE_FUNC) {
		qr_expr_free(fn);
		qr_expr_free(cond);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_func_filter: not a function");
		return NULL;
	}
	qr_node *n = qr_sql__own(fn);
	if (!n) {
		qr_expr_free(cond);
		return NULL;
	}
	qr_sql__set_kid(n, QR_FN_FILTER, cond);
	return n;
}

/* ---- window functions ------------------------------------------------- */

static qr_node *frame_bound(int64_t v)
{
	qr_node *b = qr_bind_int(v < 0 ? -v : v);
	if (b)
		b->flags |= QR_NF_BIND_LIMIT;
	return b;
}

static qr_node *frame(int part, int64_t lo, int64_t hi)
{
	qr_node *n = qr_sql__node(QR_NODE_PART, 2);
	if (!n)
		return NULL;
	n->op = part;
	if (lo == 0)
		n->flags |= QR_NF_FRAME_LO_CURRENT;
	else if (lo != QR_UNBOUNDED) {
		if (lo > 0)
			n->flags |= QR_NF_FRAME_LO_FOLLOWING;
		if (!(n->kids[0] = frame_bound(lo)))
			goto fail;
	}
	if (hi == 0)
		n->flags |= QR_NF_FRAME_HI_CURRENT;
	else if (hi != QR_UNBOUNDED) {
		if (hi < 0)
			n->flags |= QR_NF_FRAME_HI_PRECEDING;
		if (!(n->kids[1] = frame_bound(hi)))
			goto fail;
	}
	return n;
fail:
	qr_expr_free(n);
	return NULL;
}

qr_expr *qr_rows(int64_t lo, int64_t hi)
{
	return frame(QR_PART_ROWS, lo, hi);
}

qr_expr *qr_range(int64_t lo, int64_t hi)
{
	return frame(QR_PART_RANGE, lo, hi);
}

qr_expr *qr_over_new(qr_expr *fn, ...)
{
	va_list ap;
	va_start(ap, fn);
	if (!fn) {
		qr_sql__drain(ap);
		va_end(ap);
		return qr_sql__null_arg("qr_over", "the function");
	}
	qr_node *n = qr_sql__node(QR_NODE_OVER, QR_OVER_NKIDS);
	if (!n) {
		qr_expr_free(fn);
		qr_sql__drain(ap);
		va_end(ap);
		return NULL;
	}
	n->kids[QR_OVER_FUNC] = fn;
	bool failed = qr_sql__set_type(n, qr_sql__type(fn)) != 0;
	for (qr_node *p = va_arg(ap, qr_node *); p != QR_END;
	     p = va_arg(ap, qr_node *)) {
		if (failed) {
			qr_expr_free(p);
			continue;
		}
		if (!p) {
			qr_sql__null_arg("qr_over", "a part");
			failed = true;
			continue;
		}
		size_t slot;
		if (p->kind == QR_NODE_PART && p->op == QR_PART_PARTITION_BY)
			slot = QR_OVER_PARTITION;
		else if (p->kind == QR_NODE_PART && p->op == QR_PART_ORDER_BY)
			slot = QR_OVER_ORDER;
		else if (p->kind == QR_NODE_PART &&
			 (p->op == QR_PART_ROWS || p->op == QR_PART_RANGE))
			slot = QR_OVER_FRAME;
		else {
			qr_expr_free(p);
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "qr_over: expected qr_partition_by, "
				     "qr_order_by, qr_rows or qr_range");
			failed = true;
			continue;
		}
		if (slot != QR_OVER_FRAME) {
			/* Keep the part's items as a comma list. */
			p->kind = QR_NODE_LIST;
			p->op = QR_OP_COMMA;
		}
		qr_sql__set_kid(n, slot, p);
	}
	va_end(ap);
	if (failed) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

/* ---- CASE ------------------------------------------------------------- */

qr_expr *qr_when(qr_expr *cond, qr_expr *result)
{
	if (!cond || !result) {
		qr_expr_free(cond);
		qr_expr_free(result);
		return qr_sql__null_arg("qr_when", "an argument");
	}
	qr_node *n = qr_sql__node(QR_NODE_WHEN, 2);
	if (!n) {
		qr_expr_free(cond);
		qr_expr_free(result);
		return NULL;
	}
	n->kids[0] = cond;
	n->kids[1] = result;
	return n;
}

qr_expr *qr_else(qr_expr *result)
{
	if (!result)
		return qr_sql__null_arg("qr_else", "the result");
	qr_node *n = qr_sql__node(QR_NODE_PART, 1);
	if (!n) {
		qr_expr_free(result);
		return NULL;
	}
	n->op = QR_PART_ELSE;
	n->kids[0] = result;
	return n;
}

static qr_node *case_va(qr_node *value, qr_node *first, va_list ap,
			const char *fn)
{
	qr_node *n = qr_sql__node(QR_NODE_CASE, 2);
	if (n)
		n->kids[QR_CASE_VALUE] = value;
	else
		qr_expr_free(value);
	n = qr_sql__collect(n, first, ap, fn);
	if (!n)
		return NULL;
	/* Move the ELSE part to its slot; every other item is a WHEN. */
	size_t w = QR_CASE_WHENS;
	const qr_type *t = NULL;
	for (size_t i = QR_CASE_WHENS; i < n->nkids; i++) {
		qr_node *k = n->kids[i];
		if (k->kind == QR_NODE_PART && k->op == QR_PART_ELSE &&
		    !n->kids[QR_CASE_ELSE]) {
			n->kids[QR_CASE_ELSE] = qr_expr_ref(k->kids[0]);
			qr_expr_free(k);
			continue;
		}
		if (k->kind != QR_NODE_WHEN) {
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "%s: expected qr_when() or qr_else()", fn);
			for (size_t j = i; j < n->nkids; j++)
				qr_expr_free(n->kids[j]);
			n->nkids = w;
			qr_expr_free(n);
			return NULL;
		}
		if (!t && qr_sql__type(k->kids[1])->kind != QR_TYPE_NULL)
			t = qr_sql__type(k->kids[1]);
		n->kids[w++] = k;
	}
	n->nkids = w;
	if (w == QR_CASE_WHENS) {
		qr_expr_free(n);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: at least one qr_when() is needed", fn);
		return NULL;
	}
	if (t && qr_sql__set_type(n, t)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

qr_expr *qr_case_new(qr_expr *first, ...)
{
	va_list ap;
	va_start(ap, first);
	qr_node *n = case_va(NULL, first, ap, "qr_case");
	va_end(ap);
	return n;
}

qr_expr *qr_case_value_new(qr_expr *value, ...)
{
	va_list ap;
	va_start(ap, value);
	if (!value) {
		qr_sql__drain(ap);
		va_end(ap);
		return qr_sql__null_arg("qr_case_value", "the value");
	}
	qr_node *first = va_arg(ap, qr_node *);
	qr_node *n = case_va(value, first, ap, "qr_case_value");
	va_end(ap);
	return n;
}

/* ---- CAST, type_coerce, labels ---------------------------------------- */

static qr_node *wrap(qr_node_kind kind, qr_node *a, const qr_type *t,
		     const char *name, const char *fn)
{
	if (!a)
		return qr_sql__null_arg(fn, "the expression");
	qr_node *n = qr_sql__node(kind, 1);
	if (!n) {
		qr_expr_free(a);
		return NULL;
	}
	n->kids[0] = a;
	if (qr_sql__set_type(n, t ? t : qr_sql__type(a)) ||
	    (name && qr_sql__set_name(n, name))) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

qr_expr *qr_cast(qr_expr *a, qr_type type)
{
	return wrap(QR_NODE_CAST, a, &type, NULL, "qr_cast");
}

qr_expr *qr_type_coerce(qr_expr *a, qr_type type)
{
	return wrap(QR_NODE_COERCE, a, &type, NULL, "qr_type_coerce");
}

qr_expr *qr_label(qr_expr *a, const char *name)
{
	if (!name) {
		qr_expr_free(a);
		return qr_sql__null_arg("qr_label", "name");
	}
	return wrap(QR_NODE_LABEL, a, NULL, name, "qr_label");
}
