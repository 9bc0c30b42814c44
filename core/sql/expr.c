/*
 * expr.c - column elements: literals, bind parameters, operators and
 * conjunctions (SQLAlchemy's elements.py and operators).
 */
#include "../mem.h"
#include "sqlnode.h"
#include "typeconv.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>

static const qr_type boolean_type = {.kind = QR_TYPE_BOOLEAN};

/* ---- literals and binds ---------------------------------------------- */

static qr_node *literal(int sub, const char *name, const qr_type *t)
{
	qr_node *n = qr_sql__node(QR_NODE_LITERAL, 0);
	if (!n)
		return NULL;
	n->op = sub;
	if ((name && qr_sql__set_name(n, name)) ||
	    (t && qr_sql__set_type(n, t))) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

qr_expr *qr_null(void)
{
	return literal(QR_LIT_NULL, NULL, NULL);
}

qr_expr *qr_true(void)
{
	return literal(QR_LIT_TRUE, NULL, &boolean_type);
}

qr_expr *qr_false(void)
{
	return literal(QR_LIT_FALSE, NULL, &boolean_type);
}

qr_expr *qr_star(void)
{
	return literal(QR_LIT_STAR, NULL, NULL);
}

qr_expr *qr_literal_column(const char *sql, qr_type type)
{
	if (!sql)
		return qr_sql__null_arg("qr_literal_column", "sql");
	return literal(QR_LIT_COLUMN, sql, &type);
}

qr_expr *qr_column_ref(const char *name)
{
	if (!name)
		return qr_sql__null_arg("qr_column_ref", "name");
	qr_node *n = qr_sql__node(QR_NODE_LEXCOL, 0);
	if (n && qr_sql__set_name(n, name)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

/* The type SQLAlchemy infers for a Python value of this kind. */
static qr_type type_of_value(const qr_value *v)
{
	switch (v->kind) {
	case QR_VINT:
		return QR_INTEGER;
	case QR_VDOUBLE:
		return QR_FLOAT;
	case QR_VBOOL:
		return QR_BOOLEAN;
	case QR_VTEXT:
		return QR_STRING;
	case QR_VNUMERIC:
		return QR_NUMERIC;
	case QR_VBLOB:
		return QR_BINARY;
	case QR_VDATE:
		return QR_DATE;
	case QR_VTIME:
		return QR_TIME;
	case QR_VDATETIME:
		return v->u.datetime.has_offset ? QR_DATETIME_TZ : QR_DATETIME;
	default:
		return QR_NULLTYPE;
	}
}

static qr_node *bind(const char *name, const qr_value *v, const qr_type *t)
{
	qr_node *n = qr_sql__node(QR_NODE_BIND, 0);
	if (!n)
		return NULL;
	qr_type inferred = v ? type_of_value(v) : QR_NULLTYPE;
	if (v)
		n->flags |= QR_NF_BIND_VALUE;
	if (t)
		n->flags |= QR_NF_BIND_TYPED;
	if ((name && qr_sql__set_name(n, name)) ||
	    (v && qr_sql__set_value(n, v)) ||
	    qr_sql__set_type(n, t ? t : &inferred)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

bool qr_expr_bound_value(const qr_expr *e, qr_value *out)
{
	if (!e || !out)
		return false;
	if (e->kind == QR_NODE_LITERAL && e->op == QR_LIT_NULL) {
		*out = qr_val_null();
		return true;
	}
	if (e->kind != QR_NODE_BIND || !(e->flags & QR_NF_BIND_VALUE) ||
	    (e->flags & QR_NF_BIND_EXPANDING))
		return false;
	*out = e->value;
	return true;
}

qr_expr *qr_param_expanding(const char *name)
{
	if (!name) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_param_expanding: name is NULL");
		return NULL;
	}
	qr_node *n = bind(name, NULL, NULL);
	if (n)
		n->flags |= QR_NF_BIND_EXPANDING;
	return n;
}

qr_expr *qr_param_expanding_values(const char *name, const qr_value *values,
				   size_t n)
{
	qr_value list = {QR_VLIST, {0}};

	if (!name || (!values && n))
		return qr_sql__null_arg("qr_param_expanding_values",
					name ? "values" : "name");
	for (size_t i = 0; i < n; i++)
		if (values[i].kind == QR_VLIST) {
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "qr_param_expanding_values: value %zu of "
				     "'%s' is a list",
				     i, name);
			return NULL;
		}
	list.u.list.items = (qr_value *)values;
	list.u.list.n = n;
	qr_node *node = bind(name, &list, NULL);
	if (node)
		node->flags |= QR_NF_BIND_EXPANDING;
	return node;
}

qr_expr *qr_bind_value(qr_value value)
{
	return bind(NULL, &value, NULL);
}

qr_expr *qr_bind_typed(qr_value value, qr_type type)
{
	return bind(NULL, &value, &type);
}

qr_expr *qr_bind_int(int64_t v)
{
	qr_value val = qr_val_int(v);
	return bind(NULL, &val, NULL);
}

qr_expr *qr_bind_double(double v)
{
	qr_value val = qr_val_double(v);
	return bind(NULL, &val, NULL);
}

qr_expr *qr_bind_bool(bool v)
{
	qr_value val = qr_val_bool(v);
	return bind(NULL, &val, NULL);
}

qr_expr *qr_bind_text(const char *v)
{
	qr_value val = qr_val_text(v);
	qr_type t = QR_STRING;
	/* A NULL text is SQL NULL, still typed as a string. */
	return v ? bind(NULL, &val, NULL) : bind(NULL, &val, &t);
}

qr_expr *qr_param(const char *name)
{
	if (!name)
		return qr_sql__null_arg("qr_param", "name");
	return bind(name, NULL, NULL);
}

qr_expr *qr_param_typed(const char *name, qr_type type)
{
	if (!name)
		return qr_sql__null_arg("qr_param_typed", "name");
	return bind(name, NULL, &type);
}

qr_expr *qr_param_value(const char *name, qr_value value)
{
	if (!name)
		return qr_sql__null_arg("qr_param_value", "name");
	return bind(name, &value, NULL);
}

/* ---- binary operators ------------------------------------------------- */

static bool is_null_literal(const qr_node *n)
{
	return n->kind == QR_NODE_LITERAL && n->op == QR_LIT_NULL;
}

/* The type of "a op b". */
static const qr_type *result_type(qr_opcode op, const qr_node *a,
				  const qr_node *b)
{
	static const qr_type string_type = {.kind = QR_TYPE_STRING};
	if (qr_op__is_comparison(op))
		return &boolean_type;
	if (op == QR_OP_CONCAT) {
		const qr_type *t = qr_sql__type(a);
		return qr_type__is_string(t) ? t : &string_type;
	}
	const qr_type *t = qr_sql__type(a);
	return t->kind != QR_TYPE_NULL ? t : qr_sql__type(b);
}

static bool is_collection(const qr_node *n)
{
	return n && n->kind == QR_NODE_UNARY &&
	       (n->op == QR_OP_ANY || n->op == QR_OP_ALL);
}

/* "ANY (x) < y" is "y > ANY (x)" (SQLAlchemy's mirror()). */
static qr_opcode mirrored(qr_opcode op)
{
	switch (op) {
	case QR_OP_LT:
		return QR_OP_GT;
	case QR_OP_GT:
		return QR_OP_LT;
	case QR_OP_LE:
		return QR_OP_GE;
	case QR_OP_GE:
		return QR_OP_LE;
	default:
		return op;
	}
}

static qr_node *make_binary(qr_opcode op, qr_node *a, qr_node *b, qr_node *c,
			    const char *fn)
{
	if (op >= QR_OP_EQ && op <= QR_OP_GE && is_collection(a) &&
	    !is_collection(b)) {
		qr_node *t = a;
		a = b;
		b = t;
		op = mirrored(op);
	}
	if (!a || !b || (op == QR_OP_BETWEEN && !c) ||
	    (op == QR_OP_NOT_BETWEEN && !c)) {
		qr_expr_free(a);
		qr_expr_free(b);
		qr_expr_free(c);
		return qr_sql__null_arg(fn, "an operand");
	}
	qr_node *n = qr_sql__node(QR_NODE_BINARY, c ? 3 : 2);
	if (!n) {
		qr_expr_free(a);
		qr_expr_free(b);
		qr_expr_free(c);
		return NULL;
	}
	n->op = op;
	n->kids[QR_BIN_LEFT] = a;
	n->kids[QR_BIN_RIGHT] = b;
	if (c)
		n->kids[QR_BIN_THIRD] = c;
	if (qr_sql__set_type(n, result_type(op, a, b))) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

/* = and != against NULL become IS / IS NOT, as SQLAlchemy's == None. */
static qr_node *compare(qr_opcode op, qr_node *a, qr_node *b, const char *fn)
{
	if (a && b && (op == QR_OP_EQ || op == QR_OP_NE)) {
		if (is_null_literal(b) || is_null_literal(a)) {
			qr_opcode isop =
				op == QR_OP_EQ ? QR_OP_IS : QR_OP_IS_NOT;
			if (is_null_literal(a)) {
				qr_node *t = a;
				a = b;
				b = t;
			}
			return make_binary(isop, a, b, NULL, fn);
		}
	}
	return make_binary(op, a, b, NULL, fn);
}

qr_expr *qr_eq(qr_expr *a, qr_expr *b)
{
	return compare(QR_OP_EQ, a, b, "qr_eq");
}

qr_expr *qr_ne(qr_expr *a, qr_expr *b)
{
	return compare(QR_OP_NE, a, b, "qr_ne");
}

qr_expr *qr_lt(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_LT, a, b, NULL, "qr_lt");
}

qr_expr *qr_le(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_LE, a, b, NULL, "qr_le");
}

qr_expr *qr_gt(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_GT, a, b, NULL, "qr_gt");
}

qr_expr *qr_ge(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_GE, a, b, NULL, "qr_ge");
}

qr_expr *qr_is(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_IS, a, b, NULL, "qr_is");
}

qr_expr *qr_is_not(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_IS_NOT, a, b, NULL, "qr_is_not");
}

qr_expr *qr_is_null(qr_expr *a)
{
	if (!a)
		return qr_sql__null_arg("qr_is_null", "the operand");
	return make_binary(QR_OP_IS, a, qr_null(), NULL, "qr_is_null");
}

qr_expr *qr_is_not_null(qr_expr *a)
{
	if (!a)
		return qr_sql__null_arg("qr_is_not_null", "the operand");
	return make_binary(QR_OP_IS_NOT, a, qr_null(), NULL, "qr_is_not_null");
}

qr_expr *qr_is_distinct_from(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_IS_DISTINCT_FROM, a, b, NULL,
			   "qr_is_distinct_from");
}

qr_expr *qr_is_not_distinct_from(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_IS_NOT_DISTINCT_FROM, a, b, NULL,
			   "qr_is_not_distinct_from");
}

qr_expr *qr_add(qr_expr *a, qr_expr *b)
{
	if (a && b &&
	    (qr_type__is_string(qr_sql__type(a)) ||
	     (qr_sql__type(a)->kind == QR_TYPE_NULL &&
	      qr_type__is_string(qr_sql__type(b)))))
		return make_binary(QR_OP_CONCAT, a, b, NULL, "qr_add");
	return make_binary(QR_OP_ADD, a, b, NULL, "qr_add");
}

qr_expr *qr_sub(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_SUB, a, b, NULL, "qr_sub");
}

qr_expr *qr_mul(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_MUL, a, b, NULL, "qr_mul");
}

qr_expr *qr_div(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_DIV, a, b, NULL, "qr_div");
}

qr_expr *qr_mod(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_MOD, a, b, NULL, "qr_mod");
}

qr_expr *qr_concat(qr_expr *a, qr_expr *b)
{
	return make_binary(QR_OP_CONCAT, a, b, NULL, "qr_concat");
}

static qr_node *custom_op(qr_expr *a, const char *op, qr_expr *b, bool boolean,
			  const char *fn)
{
	if (!op) {
		qr_expr_free(a);
		qr_expr_free(b);
		return qr_sql__null_arg(fn, "op");
	}
	qr_node *n = make_binary(QR_OP_CUSTOM, a, b, NULL, fn);
	if (n && (qr_sql__set_name(n, op) ||
		  (boolean && qr_sql__set_type(n, &boolean_type)))) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

qr_expr *qr_op(qr_expr *a, const char *op, qr_expr *b)
{
	return custom_op(a, op, b, false, "qr_opcode");
}

qr_expr *qr_bool_op(qr_expr *a, const char *op, qr_expr *b)
{
	return custom_op(a, op, b, true, "qr_bool_op");
}

qr_expr *qr_like(qr_expr *a, qr_expr *pattern)
{
	return make_binary(QR_OP_LIKE, a, pattern, NULL, "qr_like");
}

qr_expr *qr_not_like(qr_expr *a, qr_expr *pattern)
{
	return make_binary(QR_OP_NOT_LIKE, a, pattern, NULL, "qr_not_like");
}

qr_expr *qr_ilike(qr_expr *a, qr_expr *pattern)
{
	return make_binary(QR_OP_ILIKE, a, pattern, NULL, "qr_ilike");
}

qr_expr *qr_not_ilike(qr_expr *a, qr_expr *pattern)
{
	return make_binary(QR_OP_NOT_ILIKE, a, pattern, NULL, "qr_not_ilike");
}

qr_expr *qr_escape(qr_expr *like, char escape)
{
	if (!like)
		return qr_sql__null_arg("qr_escape", "the LIKE expression");
	if (like->kind != QR_NODE_BINARY ||
	    (like->op != QR_OP_LIKE && like->op != QR_OP_NOT_LIKE &&
	     like->op != QR_OP_ILIKE && like->op != QR_OP_NOT_ILIKE)) {
		qr_expr_free(like);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_escape: not a LIKE expression");
		return NULL;
	}
	qr_node *n = qr_sql__own(like);
	char esc[2] = {escape, '\0'};
	if (n && qr_sql__set_str(n, esc)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

/* contains / startswith / endswith: LIKE with '%' added around b when
 * compiled (the ival records where). */
static qr_node *like_affix(qr_expr *a, qr_expr *b, int how, const char *fn)
{
	qr_node *n = make_binary(QR_OP_LIKE, a, b, NULL, fn);
	if (n)
		n->ival = how;
	return n;
}

qr_expr *qr_contains(qr_expr *a, qr_expr *b)
{
	return like_affix(a, b, QR_LIKE_CONTAINS, "qr_contains");
}

qr_expr *qr_startswith(qr_expr *a, qr_expr *b)
{
	return like_affix(a, b, QR_LIKE_STARTS, "qr_startswith");
}

qr_expr *qr_endswith(qr_expr *a, qr_expr *b)
{
	return like_affix(a, b, QR_LIKE_ENDS, "qr_endswith");
}

static qr_node *in_op(qr_opcode op, qr_expr *a, qr_expr *b, const char *fn)
{
	bool expanding = b && b->kind == QR_NODE_BIND &&
			 (b->flags & QR_NF_BIND_EXPANDING);
	if (a && b && b->kind != QR_NODE_LIST && !qr_sql__is_selectable(b) &&
	    b->kind != QR_NODE_TEXT && !expanding) {
		qr_expr_free(a);
		qr_expr_free(b);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: the right side must be a qr_list(), a "
			     "qr_param_expanding() or a "
			     "SELECT",
			     fn);
		return NULL;
	}
	return make_binary(op, a, b, NULL, fn);
}

qr_expr *qr_in(qr_expr *a, qr_expr *b)
{
	return in_op(QR_OP_IN, a, b, "qr_in");
}

qr_expr *qr_not_in(qr_expr *a, qr_expr *b)
{
	return in_op(QR_OP_NOT_IN, a, b, "qr_not_in");
}

qr_expr *qr_list_empty(void)
{
	qr_node *n = qr_sql__node(QR_NODE_LIST, 0);
	if (n)
		n->op = QR_OP_COMMA;
	return n;
}

qr_expr *qr_in_values(qr_expr *a, const qr_value *values, size_t n)
{
	if (!a)
		return qr_sql__null_arg("qr_in_values", "the operand");
	if (!values && n) {
		qr_expr_free(a);
		return qr_sql__null_arg("qr_in_values", "values");
	}
	qr_node *list = qr_list_empty();
	for (size_t i = 0; list && i < n; i++) {
		qr_node *b = qr_bind_value(values[i]);
		if (!b || qr_sql__push(list, b)) {
			qr_expr_free(list);
			list = NULL;
		}
	}
	if (!list) {
		qr_expr_free(a);
		return NULL;
	}
	return qr_in(a, list);
}

qr_expr *qr_in_ints(qr_expr *a, const int64_t *values, size_t n)
{
	if (!values && n) {
		qr_expr_free(a);
		return qr_sql__null_arg("qr_in_ints", "values");
	}
	qr_value *v = qr_mem__calloc(n ? n : 1, sizeof(*v), "IN values");
	if (!v) {
		qr_expr_free(a);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = qr_val_int(values[i]);
	qr_node *r = qr_in_values(a, v, n);
	free(v);
	return r;
}

qr_expr *qr_in_texts(qr_expr *a, const char *const *values, size_t n)
{
	if (!values && n) {
		qr_expr_free(a);
		return qr_sql__null_arg("qr_in_texts", "values");
	}
	qr_value *v = qr_mem__calloc(n ? n : 1, sizeof(*v), "IN values");
	if (!v) {
		qr_expr_free(a);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = qr_val_text(values[i]);
	qr_node *r = qr_in_values(a, v, n);
	free(v);
	return r;
}

qr_expr *qr_between(qr_expr *a, qr_expr *lo, qr_expr *hi)
{
	return make_binary(QR_OP_BETWEEN, a, lo, hi, "qr_between");
}

qr_expr *qr_not_between(qr_expr *a, qr_expr *lo, qr_expr *hi)
{
	return make_binary(QR_OP_NOT_BETWEEN, a, lo, hi, "qr_not_between");
}

/* ---- lists and conjunctions ------------------------------------------ */

static qr_node *list_of(qr_opcode op, qr_node *first, va_list ap,
			const char *fn, const qr_type *t)
{
	qr_node *list = qr_sql__node(QR_NODE_LIST, 0);
	if (list) {
		list->op = op;
		if (t && qr_sql__set_type(list, t)) {
			qr_expr_free(list);
			list = NULL;
		}
	}
	return qr_sql__collect(list, first, ap, fn);
}

qr_expr *qr_and_new(qr_expr *first, ...)
{
	va_list ap;
	va_start(ap, first);
	qr_node *n = list_of(QR_OP_AND, first, ap, "qr_and", &boolean_type);
	va_end(ap);
	return n;
}

qr_expr *qr_or_new(qr_expr *first, ...)
{
	va_list ap;
	va_start(ap, first);
	qr_node *n = list_of(QR_OP_OR, first, ap, "qr_or", &boolean_type);
	va_end(ap);
	return n;
}

qr_expr *qr_list_new(qr_expr *first, ...)
{
	va_list ap;
	va_start(ap, first);
	qr_node *n = list_of(QR_OP_COMMA, first, ap, "qr_list", NULL);
	va_end(ap);
	return n;
}

qr_expr *qr_tuple_new(qr_expr *first, ...)
{
	va_list ap;
	va_start(ap, first);
	qr_node *n = list_of(QR_OP_TUPLE, first, ap, "qr_tuple", NULL);
	va_end(ap);
	return n;
}

/* ---- unary ------------------------------------------------------------ */

qr_node *qr_sql__unary(qr_opcode op, qr_node *a, const char *fn)
{
	if (!a)
		return qr_sql__null_arg(fn, "the operand");
	qr_node *n = qr_sql__node(QR_NODE_UNARY, 1);
	if (!n) {
		qr_expr_free(a);
		return NULL;
	}
	n->op = op;
	n->kids[0] = a;
	const qr_type *t = (op == QR_OP_NOT || op == QR_OP_EXISTS)
				   ? &boolean_type
				   : qr_sql__type(a);
	if (qr_sql__set_type(n, t)) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}

static qr_opcode negated(qr_opcode op)
{
	switch (op) {
	case QR_OP_EQ:
		return QR_OP_NE;
	case QR_OP_NE:
		return QR_OP_EQ;
	case QR_OP_LT:
		return QR_OP_GE;
	case QR_OP_GE:
		return QR_OP_LT;
	case QR_OP_GT:
		return QR_OP_LE;
	case QR_OP_LE:
		return QR_OP_GT;
	case QR_OP_IS:
		return QR_OP_IS_NOT;
	case QR_OP_IS_NOT:
		return QR_OP_IS;
	case QR_OP_IS_DISTINCT_FROM:
		return QR_OP_IS_NOT_DISTINCT_FROM;
	case QR_OP_IS_NOT_DISTINCT_FROM:
		return QR_OP_IS_DISTINCT_FROM;
	case QR_OP_LIKE:
		return QR_OP_NOT_LIKE;
	case QR_OP_NOT_LIKE:
		return QR_OP_LIKE;
	case QR_OP_ILIKE:
		return QR_OP_NOT_ILIKE;
	case QR_OP_NOT_ILIKE:
		return QR_OP_ILIKE;
	case QR_OP_IN:
		return QR_OP_NOT_IN;
	case QR_OP_NOT_IN:
		return QR_OP_IN;
	case QR_OP_BETWEEN:
		return QR_OP_NOT_BETWEEN;
	case QR_OP_NOT_BETWEEN:
		return QR_OP_BETWEEN;
	case QR_OP_REGEXP_MATCH:
		return QR_OP_NOT_REGEXP_MATCH;
	case QR_OP_NOT_REGEXP_MATCH:
		return QR_OP_REGEXP_MATCH;
	default:
		return QR_OP_NONE;
	}
}

qr_expr *qr_not(qr_expr *a)
{
	if (!a)
		return qr_sql__null_arg("qr_not", "the operand");
	if (a->kind == QR_NODE_UNARY && a->op == QR_OP_NOT) {
		qr_node *inner = qr_expr_ref(a->kids[0]);
		qr_expr_free(a);
		return inner;
	}
	if (a->kind == QR_NODE_BINARY && negated(a->op) != QR_OP_NONE) {
		qr_node *n = qr_sql__own(a);
		if (n)
			n->op = negated(n->op);
		return n;
	}
	return qr_sql__unary(QR_OP_NOT, a, "qr_not");
}

qr_expr *qr_neg(qr_expr *a)
{
	return qr_sql__unary(QR_OP_NEG, a, "qr_neg");
}

qr_expr *qr_distinct(qr_expr *a)
{
	return qr_sql__unary(QR_OP_DISTINCT, a, "qr_distinct");
}

qr_expr *qr_asc(qr_expr *a)
{
	return qr_sql__unary(QR_OP_ASC, a, "qr_asc");
}

qr_expr *qr_desc(qr_expr *a)
{
	return qr_sql__unary(QR_OP_DESC, a, "qr_desc");
}

qr_expr *qr_nulls_first(qr_expr *a)
{
	return qr_sql__unary(QR_OP_NULLS_FIRST, a, "qr_nulls_first");
}

qr_expr *qr_nulls_last(qr_expr *a)
{
	return qr_sql__unary(QR_OP_NULLS_LAST, a, "qr_nulls_last");
}

qr_expr *qr_exists(qr_stmt *select)
{
	if (select && !qr_sql__is_selectable(select)) {
		qr_expr_free(select);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_exists: not a SELECT");
		return NULL;
	}
	return qr_sql__unary(QR_OP_EXISTS, select, "qr_exists");
}

qr_expr *qr_scalar(qr_stmt *select)
{
	if (!select)
		return qr_sql__null_arg("qr_scalar", "the SELECT");
	if (!qr_sql__is_selectable(select)) {
		qr_expr_free(select);
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_scalar: not a SELECT");
		return NULL;
	}
	qr_node *n = qr_sql__node(QR_NODE_SCALAR, 1);
	if (!n) {
		qr_expr_free(select);
		return NULL;
	}
	n->kids[0] = select;
	if (qr_sql__set_type(n, qr_sql__type(qr_sql__select_col(select, 0)))) {
		qr_expr_free(n);
		return NULL;
	}
	return n;
}
