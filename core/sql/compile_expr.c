/*
 * compile_expr.c - default visitors of the column-expression kinds:
 * columns, literals, binds, operators, lists, functions, CASE, CAST,
 * labels, window functions.
 */
#include "compiler.h"
#include "funcs.h"
#include "typeconv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The name a bind compared with n is named after (SQLAlchemy: a column's
 * key), or NULL. */
static const char *bind_key(const qr_node *n)
{
	switch (n->kind) {
	case QR_NODE_COLUMN:
	case QR_NODE_FROMCOL:
	case QR_NODE_LEXCOL:
	case QR_NODE_LABEL:
		return n->name;
	default:
		return NULL;
	}
}

/* Sets the naming context for anonymous binds; returns the old one. */
typedef struct hint_save {
	const char *hint;
	const qr_type *type;
} hint_save;

static hint_save set_hint(qr_sqlc *c, const char *hint, const qr_type *t)
{
	hint_save old = {c->hint, c->hint_type};
	c->hint = hint;
	c->hint_type = t;
	return old;
}

static void restore_hint(qr_sqlc *c, hint_save old)
{
	c->hint = old.hint;
	c->hint_type = old.type;
}

/* The hint for binds in a binary expression: the keyed side. A
 * concatenation of unnamed parts keeps the enclosing hint (the '%' that
 * contains() adds around a bind compared with a column). */
static hint_save binary_hint_op(qr_sqlc *c, qr_opcode op, const qr_node *l,
				const qr_node *r)
{
	if (op == QR_OP_CONCAT && !bind_key(l) && !bind_key(r)) {
		hint_save same = {c->hint, c->hint_type};
		return same;
	}
	const char *k = bind_key(l);
	const qr_type *t = qr_sql__type(l);
	if (!k) {
		k = bind_key(r);
		if (k || t->kind == QR_TYPE_NULL)
			t = qr_sql__type(r);
	}
	return set_hint(c, k, t);
}

static hint_save binary_hint(qr_sqlc *c, const qr_node *l, const qr_node *r)
{
	return binary_hint_op(c, QR_OP_NONE, l, r);
}

qr_sqlc_hint qr_sqlc__hint_binary(qr_sqlc *c, const qr_node *l,
				  const qr_node *r)
{
	hint_save h = binary_hint(c, l, r);
	qr_sqlc_hint out = {h.hint, h.type};
	return out;
}

void qr_sqlc__hint_restore(qr_sqlc *c, qr_sqlc_hint old)
{
	c->hint = old.hint;
	c->hint_type = old.type;
}

static bool native_boolean(const qr_sqlc *c)
{
	return c->d && (c->d->features & QR_FEATURE_NATIVE_BOOLEAN);
}

/* A plain boolean column used as a condition (SQLAlchemy's AsBoolean):
 * "x = 1" where booleans are not native. */
static bool is_bool_column(const qr_node *n)
{
	return (n->kind == QR_NODE_COLUMN || n->kind == QR_NODE_FROMCOL ||
		n->kind == QR_NODE_LEXCOL) &&
	       n->type.kind == QR_TYPE_BOOLEAN;
}

/* ---- leaves ----------------------------------------------------------- */

int qr_sqlc__visit_text(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	for (size_t i = 0; i < n->u.text.nparts && !c->rc; i++) {
		const qr_text_part *p = &n->u.text.parts[i];
		if (p->is_param)
			qr_sqlc__param(c, p->str, NULL, NULL, NULL);
		else
			qr_sqlc__put(c, p->str, p->len);
	}
	return c->rc;
}

int qr_sqlc__visit_column(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	qr_node *table = qr_column_table(n);
	if (table && !(ctx & QR_CTX_NO_TABLE)) {
		qr_sqlc__from_ref(c, table, ctx);
		qr_sqlc__puts(c, ".");
	}
	return qr_sqlc__ident(c, n->name);
}

const char *qr_sqlc__fromcol_name(qr_sqlc *c, const qr_node *n)
{
	if (n->name)
		return n->name;
	/* An anonymous column of a subquery: the label it got inside. */
	const qr_node *inner = n->kids[QR_FC_INNER];
	if (!inner)
		return "anon";
	return qr_sqlc__anon(c, inner, QR_ANON_LABEL,
			     inner->kind == QR_NODE_FUNC ? inner->name
							 : "anon");
}

int qr_sqlc__visit_fromcol(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (!(ctx & QR_CTX_NO_TABLE)) {
		qr_sqlc__ident(c, qr_sqlc__from_name(c, n->kids[QR_FC_FROM]));
		qr_sqlc__puts(c, ".");
	}
	return qr_sqlc__ident(c, qr_sqlc__fromcol_name(c, n));
}

int qr_sqlc__visit_lexcol(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	return qr_sqlc__ident(c, n->name);
}

int qr_sqlc__visit_literal(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	switch (n->op) {
	case QR_LIT_NULL:
		return qr_sqlc__puts(c, "NULL");
	case QR_LIT_TRUE:
		return qr_sqlc__puts(c, native_boolean(c) ? "true" : "1");
	case QR_LIT_FALSE:
		return qr_sqlc__puts(c, native_boolean(c) ? "false" : "0");
	case QR_LIT_STAR:
		return qr_sqlc__puts(c, "*");
	default:
		return qr_sqlc__puts(c, n->name);
	}
}

int qr_sqlc__visit_bind(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	return qr_sqlc__bind(c, n, ctx);
}

int qr_sqlc__visit_excluded(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (c->ov->excluded)
		return c->ov->excluded(c, n, ctx);
	qr_sqlc__puts(c, "excluded.");
	return qr_sqlc__ident(c, n->name);
}

static int not_here(qr_sqlc *c, const qr_node *n)
{
	return qr_sqlc__fail(c, QR_ECOMPILE,
			     "a %s cannot be compiled in this position",
			     qr_node__kind_name(n->kind));
}

int qr_sqlc__visit_constraint(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	return not_here(c, n);
}

int qr_sqlc__visit_index(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	return not_here(c, n);
}

int qr_sqlc__visit_table_opt(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	return not_here(c, n);
}

int qr_sqlc__visit_when(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	return not_here(c, n);
}

int qr_sqlc__visit_part(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	return not_here(c, n);
}

int qr_sqlc__visit_set(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	return not_here(c, n);
}

/* ---- binary expressions ----------------------------------------------- */

int qr_sqlc__binary_generic(qr_sqlc *c, const qr_node *n, const char *op,
			    unsigned ctx)
{
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];
	hint_save old = binary_hint_op(c, (qr_opcode)n->op, l, r);
	ctx |= QR_CTX_OPERAND;
	qr_sqlc__visit_grouped(c, l, (qr_opcode)n->op, ctx);
	qr_sqlc__puts(c, op);
	qr_sqlc__visit_grouped(c, r, (qr_opcode)n->op, ctx);
	restore_hint(c, old);
	return c->rc;
}

static int escape_clause(qr_sqlc *c, const qr_node *n)
{
	if (!n->str)
		return c->rc;
	qr_sqlc__puts(c, " ESCAPE ");
	return qr_sqlc__string_literal(c, n->str);
}

/* Renders the right side of a LIKE, with '%' around it for contains/
 * startswith/endswith, through the dialect's concatenation. */
static int like_right(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const qr_node *r = n->kids[QR_BIN_RIGHT];
	if (n->ival == QR_LIKE_PLAIN)
		return qr_sqlc__visit_grouped(c, r, (qr_opcode)n->op, ctx);
	/* SQLAlchemy puts the '%' around the right side unparenthesised;
	 * icontains & co. put it in lower(), its binds keeping their name. */
	qr_type st = QR_STRING;
	int how = (int)(n->ival & ~(int64_t)QR_LIKE_FOLD);
	qr_node *expr = qr_expr_ref((qr_node *)r);
	if ((n->ival & QR_LIKE_FOLD) && !c->ov->native_ilike) {
		expr = qr_lower(expr);
		if (expr)
			expr->flags |= QR_NF_FUNC_KEEP_HINT;
	}
	qr_node *pct = NULL;
	if (expr && (how == QR_LIKE_CONTAINS || how == QR_LIKE_ENDS)) {
		pct = qr_literal_column("'%'", st);
		expr = qr_concat(pct, expr);
	}
	if (expr && (how == QR_LIKE_CONTAINS || how == QR_LIKE_STARTS))
		expr = qr_concat(expr, qr_literal_column("'%'", st));
	if (!expr)
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	qr_sqlc__visit(c, expr, ctx);
	qr_expr_free(expr);
	return c->rc;
}

static int visit_like(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];
	bool ci = n->op == QR_OP_ILIKE || n->op == QR_OP_NOT_ILIKE;
	bool neg = n->op == QR_OP_NOT_LIKE || n->op == QR_OP_NOT_ILIKE;
	hint_save old = binary_hint(c, l, r);
	if (ci) {
		qr_sqlc__puts(c, "lower(");
		qr_sqlc__visit_grouped(c, l, QR_OP_COMMA, ctx);
		qr_sqlc__puts(c, neg ? ") NOT LIKE lower(" : ") LIKE lower(");
		like_right(c, n, ctx);
		qr_sqlc__puts(c, ")");
	} else if ((n->ival & QR_LIKE_FOLD) && c->ov->native_ilike) {
		/* SQLAlchemy's PGCompiler: icontains & co. are ILIKE, their
		 * operands without lower() */
		qr_sqlc__visit_grouped(c, l, QR_OP_ILIKE, ctx);
		qr_sqlc__puts(c, neg ? " NOT ILIKE " : " ILIKE ");
		like_right(c, n, ctx);
	} else if (n->ival & QR_LIKE_FOLD) {
		qr_sqlc__puts(c, "lower(");
		qr_sqlc__visit_grouped(c, l, QR_OP_COMMA, ctx);
		qr_sqlc__puts(c, neg ? ") NOT LIKE " : ") LIKE ");
		like_right(c, n, ctx);
	} else {
		qr_sqlc__visit_grouped(c, l, (qr_opcode)n->op, ctx);
		qr_sqlc__puts(c, neg ? " NOT LIKE " : " LIKE ");
		like_right(c, n, ctx);
	}
	restore_hint(c, old);
	return escape_clause(c, n);
}

int qr_sqlc__binary_func(qr_sqlc *c, const qr_node *n, const char *fname,
			 unsigned ctx)
{
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];
	hint_save old = binary_hint_op(c, (qr_opcode)n->op, l, r);
	qr_sqlc__puts(c, fname);
	qr_sqlc__puts(c, "(");
	qr_sqlc__visit_grouped(c, l, QR_OP_COMMA, ctx);
	qr_sqlc__puts(c, ", ");
	qr_sqlc__visit_grouped(c, r, QR_OP_COMMA, ctx);
	restore_hint(c, old);
	return qr_sqlc__puts(c, ")");
}

int qr_sqlc__binary_ilike_native(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];
	hint_save old = binary_hint(c, l, r);
	qr_sqlc__visit_grouped(c, l, (qr_opcode)n->op, ctx);
	qr_sqlc__puts(c, n->op == QR_OP_ILIKE ? " ILIKE " : " NOT ILIKE ");
	like_right(c, n, ctx);
	restore_hint(c, old);
	return escape_clause(c, n);
}

static int default_empty_in(qr_sqlc *c, bool negate)
{
	return qr_sqlc__puts(c,
			     negate ? "NULL) OR (1 = 1" : "NULL) AND (1 != 1");
}

/* The items of an IN list: anonymous binds named <list>_<i>. */
static int in_items(qr_sqlc *c, const qr_node *list, unsigned ctx)
{
	const char *base = NULL;
	for (size_t i = 0; i < list->nkids && !c->rc; i++) {
		const qr_node *it = list->kids[i];
		if (i)
			qr_sqlc__puts(c, ", ");
		if (it->kind == QR_NODE_LIST && it->op == QR_OP_TUPLE &&
		    !(ctx & QR_CTX_LITERAL)) {
			/* A tuple of the list: its binds are <list>_<i>_<j>. */
			if (!base)
				base = qr_sqlc__anon(c, list, QR_ANON_LIST,
						     c->hint ? c->hint
							     : "param");
			qr_sqlc__puts(c, "(");
			for (size_t j = 0; j < it->nkids && !c->rc; j++) {
				const qr_node *b = it->kids[j];
				if (j)
					qr_sqlc__puts(c, ", ");
				if (b->kind != QR_NODE_BIND || b->name) {
					qr_sqlc__visit_grouped(
						c, b, QR_OP_COMMA, ctx);
					continue;
				}
				char name[320];
				snprintf(name, sizeof(name), "%s_%zu_%zu", base,
					 i + 1, j + 1);
				qr_sqlc__param(c, name, &b->type,
					       (b->flags & QR_NF_BIND_VALUE)
						       ? &b->value
						       : NULL,
					       b);
			}
			qr_sqlc__puts(c, ")");
		} else if (it->kind == QR_NODE_BIND && !it->name &&
			   !(ctx & QR_CTX_LITERAL)) {
			if (!base)
				base = qr_sqlc__anon(c, list, QR_ANON_LIST,
						     c->hint ? c->hint
							     : "param");
			char name[300];
			snprintf(name, sizeof(name), "%s_%zu", base, i + 1);
			const qr_type *t = (it->flags & QR_NF_BIND_TYPED) ||
							   !c->hint_type ||
							   c->hint_type->kind ==
								   QR_TYPE_NULL
						   ? &it->type
						   : c->hint_type;
			qr_sqlc__param(c, name, t,
				       (it->flags & QR_NF_BIND_VALUE)
					       ? &it->value
					       : NULL,
				       it);
		} else {
			qr_sqlc__visit_grouped(c, it, QR_OP_COMMA, ctx);
		}
	}
	return c->rc;
}

static int visit_in(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];
	bool neg = n->op == QR_OP_NOT_IN;
	hint_save old = binary_hint(c, l, r);
	if (neg)
		qr_sqlc__puts(c, "(");
	qr_sqlc__visit_grouped(c, l, (qr_opcode)n->op, ctx);
	qr_sqlc__puts(c, neg ? " NOT IN " : " IN ");
	if (qr_sql__is_selectable(r) || r->kind != QR_NODE_LIST) {
		qr_sqlc__puts(c, "(");
		if (qr_sql__is_selectable(r))
			qr_sqlc__visit(c, r,
				       ctx & ~(QR_CTX_COLUMNS | QR_CTX_ASFROM |
					       QR_CTX_RESULT));
		else
			qr_sqlc__visit(c, r, ctx);
		qr_sqlc__puts(c, ")");
	} else if (r->nkids == 0) {
		qr_sqlc__puts(c, "(");
		if (c->ov->empty_in)
			c->ov->empty_in(c, n, neg);
		else
			default_empty_in(c, neg);
		qr_sqlc__puts(c, ")");
	} else {
		bool tuples = r->kids[0]->kind == QR_NODE_LIST &&
			      r->kids[0]->op == QR_OP_TUPLE;
		qr_sqlc__puts(c, "(");
		if (tuples && c->ov->tuple_in_values)
			qr_sqlc__puts(c, "VALUES ");
		in_items(c, r, ctx);
		qr_sqlc__puts(c, ")");
	}
	if (neg)
		qr_sqlc__puts(c, ")");
	restore_hint(c, old);
	return c->rc;
}

static int visit_between(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const qr_node *l = n->kids[QR_BIN_LEFT];
	hint_save old = binary_hint(c, l, n->kids[QR_BIN_RIGHT]);
	qr_sqlc__visit_grouped(c, l, (qr_opcode)n->op, ctx);
	qr_sqlc__puts(c,
		      n->op == QR_OP_BETWEEN ? " BETWEEN " : " NOT BETWEEN ");
	qr_sqlc__visit_grouped(c, n->kids[QR_BIN_RIGHT], (qr_opcode)n->op, ctx);
	qr_sqlc__puts(c, " AND ");
	qr_sqlc__visit_grouped(c, n->kids[QR_BIN_THIRD], (qr_opcode)n->op, ctx);
	restore_hint(c, old);
	return c->rc;
}

int qr_sqlc__visit_binary(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if ((unsigned)n->op < QR_OP_COUNT && c->ov->binary[n->op])
		return c->ov->binary[n->op](c, n, ctx);
	switch (n->op) {
	case QR_OP_IN:
	case QR_OP_NOT_IN:
		return visit_in(c, n, ctx);
	case QR_OP_BETWEEN:
	case QR_OP_NOT_BETWEEN:
		return visit_between(c, n, ctx);
	case QR_OP_LIKE:
	case QR_OP_NOT_LIKE:
	case QR_OP_ILIKE:
	case QR_OP_NOT_ILIKE:
		return visit_like(c, n, ctx);
	case QR_OP_COLLATE:
		return qr_sqlc__binary_collate(c, n, ctx);
	case QR_OP_REGEXP_MATCH:
	case QR_OP_NOT_REGEXP_MATCH:
	case QR_OP_REGEXP_REPLACE:
		return qr_sqlc__binary_regexp(c, n, ctx);
	case QR_OP_JSON_GETITEM:
	case QR_OP_JSON_PATH_GETITEM:
		return qr_sqlc__binary_json_getitem(c, n, ctx);
	case QR_OP_CUSTOM: {
		const qr_node *l = n->kids[QR_BIN_LEFT];
		const qr_node *r = n->kids[QR_BIN_RIGHT];
		hint_save old = binary_hint(c, l, r);
		qr_sqlc__visit_grouped(c, l, QR_OP_CUSTOM, ctx);
		qr_sqlc__puts(c, " ");
		qr_sqlc__puts(c, n->name);
		qr_sqlc__puts(c, " ");
		qr_sqlc__visit_grouped(c, r, QR_OP_CUSTOM, ctx);
		restore_hint(c, old);
		return c->rc;
	}
	default:
		return qr_sqlc__binary_generic(
			c, n, qr_op__sql((qr_opcode)n->op), ctx);
	}
}

/* ---- unary, lists ------------------------------------------------------ */

int qr_sqlc__visit_unary(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const qr_node *e = n->kids[0];
	switch (n->op) {
	case QR_OP_NOT:
		if (is_bool_column(e) && !native_boolean(c)) {
			qr_sqlc__visit(c, e, ctx);
			return qr_sqlc__puts(c, " = 0");
		}
		qr_sqlc__puts(c, "NOT ");
		return qr_sqlc__visit_grouped(c, e, QR_OP_NOT, ctx);
	case QR_OP_ANY:
	case QR_OP_ALL:
		return qr_sqlc__unary_collection(c, n, ctx);
	case QR_OP_NEG:
	case QR_OP_BITWISE_NOT:
	case QR_OP_DISTINCT:
	case QR_OP_EXISTS:
		qr_sqlc__puts(c, qr_op__sql((qr_opcode)n->op));
		return qr_sqlc__visit_grouped(c, e, (qr_opcode)n->op, ctx);
	default:
		qr_sqlc__visit_grouped(c, e, (qr_opcode)n->op, ctx);
		return qr_sqlc__puts(c, qr_op__sql((qr_opcode)n->op));
	}
}

int qr_sqlc__visit_list(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	switch (n->op) {
	case QR_OP_AND:
	case QR_OP_OR: {
		bool first = true;
		for (size_t i = 0; i < n->nkids && !c->rc; i++) {
			const qr_node *it = n->kids[i];
			if (!first)
				qr_sqlc__puts(c, qr_op__sql((qr_opcode)n->op));
			first = false;
			if (is_bool_column(it) && !native_boolean(c)) {
				qr_sqlc__visit(c, it, ctx);
				qr_sqlc__puts(c, " = 1");
				continue;
			}
			if (n->nkids == 1)
				qr_sqlc__visit(c, it, ctx);
			else
				qr_sqlc__visit_grouped(c, it, (qr_opcode)n->op,
						       ctx);
		}
		return c->rc;
	}
	case QR_OP_TUPLE:
		qr_sqlc__puts(c, "(");
		for (size_t i = 0; i < n->nkids && !c->rc; i++) {
			if (i)
				qr_sqlc__puts(c, ", ");
			qr_sqlc__visit_grouped(c, n->kids[i], QR_OP_COMMA, ctx);
		}
		return qr_sqlc__puts(c, ")");
	default:
		for (size_t i = 0; i < n->nkids && !c->rc; i++) {
			if (i)
				qr_sqlc__puts(c, ", ");
			qr_sqlc__visit_grouped(c, n->kids[i], QR_OP_COMMA, ctx);
		}
		return c->rc;
	}
}

/* ---- functions --------------------------------------------------------- */

static bool legal_ident(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (!isalnum(ch) && ch != '_' && ch != '$')
			return false;
	}
	return n > 0;
}

/* A function name: dotted package names, each part quoted only when it
 * has characters an identifier cannot (case is kept as given). */
static int function_name(qr_sqlc *c, const char *name)
{
	const char *p = name;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (legal_ident(p, n)) {
			qr_sqlc__put(c, p, n);
		} else {
			char *part = malloc(n + 1);
			if (!part)
				return qr_sqlc__fail(c, QR_ENOMEM,
						     "out of memory");
			memcpy(part, p, n);
			part[n] = '\0';
			char q = c->d && c->d->identifier_quote
					 ? c->d->identifier_quote
					 : '"';
			qr_sqlc__put(c, &q, 1);
			qr_sqlc__puts(c, part);
			qr_sqlc__put(c, &q, 1);
			free(part);
		}
		if (!dot)
			break;
		qr_sqlc__puts(c, ".");
		p = dot + 1;
	}
	return c->rc;
}

int qr_sqlc__visit_func(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (c->ov->function) {
		int r = c->ov->function(c, n, ctx);
		if (r < 0)
			return r;
		if (r > 0)
			goto filter;
	}
	const qr_node *args = n->kids[QR_FN_ARGS];
	const char *ansi = qr_func__ansi_name(n->name);
	if (ansi && !args) {
		qr_sqlc__puts(c, ansi);
	} else {
		if (ansi)
			qr_sqlc__puts(c, ansi);
		else
			function_name(c, n->name);
		qr_sqlc__puts(c, "(");
		if (!args && strcmp(n->name, "count") == 0) {
			qr_sqlc__puts(c, "*");
		} else if (args) {
			hint_save old =
				(n->flags & QR_NF_FUNC_KEEP_HINT)
					? set_hint(c, c->hint, c->hint_type)
					: set_hint(c, n->name, NULL);
			qr_sqlc__visit_list(c, args, ctx & ~QR_CTX_COLUMNS);
			restore_hint(c, old);
		}
		qr_sqlc__puts(c, ")");
	}
filter:
	if (n->kids[QR_FN_FILTER]) {
		qr_sqlc__puts(c, " FILTER (WHERE ");
		hint_save old = set_hint(c, NULL, NULL);
		qr_sqlc__visit(c, n->kids[QR_FN_FILTER], ctx & ~QR_CTX_COLUMNS);
		restore_hint(c, old);
		qr_sqlc__puts(c, ")");
	}
	return c->rc;
}

static int frame_bound(qr_sqlc *c, const qr_node *bind, bool current,
		       bool preceding, bool lo, unsigned ctx)
{
	if (current)
		return qr_sqlc__puts(c, "CURRENT ROW");
	if (!bind)
		return qr_sqlc__puts(c, lo ? "UNBOUNDED PRECEDING"
					   : "UNBOUNDED FOLLOWING");
	qr_sqlc__visit(c, bind,
		       c->ov->literal_frames ? ctx | QR_CTX_LITERAL : ctx);
	return qr_sqlc__puts(c, preceding ? " PRECEDING" : " FOLLOWING");
}

int qr_sqlc__visit_over(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	ctx &= ~QR_CTX_COLUMNS;
	hint_save old = set_hint(c, NULL, NULL);
	qr_sqlc__visit(c, n->kids[QR_OVER_FUNC], ctx);
	qr_sqlc__puts(c, " OVER (");
	bool sp = false;
	if (n->kids[QR_OVER_PARTITION]) {
		qr_sqlc__puts(c, "PARTITION BY ");
		qr_sqlc__visit(c, n->kids[QR_OVER_PARTITION], ctx);
		sp = true;
	}
	if (n->kids[QR_OVER_ORDER]) {
		qr_sqlc__puts(c, sp ? " ORDER BY " : "ORDER BY ");
		qr_sqlc__visit(c, n->kids[QR_OVER_ORDER], ctx);
		sp = true;
	}
	const qr_node *f = n->kids[QR_OVER_FRAME];
	if (f) {
		if (sp)
			qr_sqlc__puts(c, " ");
		qr_sqlc__puts(c, f->op == QR_PART_ROWS ? "ROWS BETWEEN "
						       : "RANGE BETWEEN ");
		frame_bound(c, f->kids[0], f->flags & QR_NF_FRAME_LO_CURRENT,
			    !(f->flags & QR_NF_FRAME_LO_FOLLOWING), true, ctx);
		qr_sqlc__puts(c, " AND ");
		frame_bound(c, f->kids[1], f->flags & QR_NF_FRAME_HI_CURRENT,
			    f->flags & QR_NF_FRAME_HI_PRECEDING, false, ctx);
	}
	restore_hint(c, old);
	return qr_sqlc__puts(c, ")");
}

/* ---- CASE, CAST, labels ------------------------------------------------ */

int qr_sqlc__visit_case(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	ctx &= ~QR_CTX_COLUMNS;
	hint_save old = set_hint(c, NULL, NULL);
	qr_sqlc__puts(c, "CASE ");
	if (n->kids[QR_CASE_VALUE]) {
		qr_sqlc__visit(c, n->kids[QR_CASE_VALUE], ctx);
		qr_sqlc__puts(c, " ");
	}
	for (size_t i = QR_CASE_WHENS; i < n->nkids && !c->rc; i++) {
		const qr_node *w = n->kids[i];
		qr_sqlc__puts(c, "WHEN ");
		if (n->kids[QR_CASE_VALUE])
			qr_sqlc__visit(c, w->kids[0], ctx);
		else
			qr_sqlc__visit_grouped(c, w->kids[0], QR_OP_NONE, ctx);
		qr_sqlc__puts(c, " THEN ");
		qr_sqlc__visit(c, w->kids[1], ctx);
		qr_sqlc__puts(c, " ");
	}
	if (n->kids[QR_CASE_ELSE]) {
		qr_sqlc__puts(c, "ELSE ");
		qr_sqlc__visit(c, n->kids[QR_CASE_ELSE], ctx);
		qr_sqlc__puts(c, " ");
	}
	restore_hint(c, old);
	return qr_sqlc__puts(c, "END");
}

int qr_sqlc__visit_cast(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	ctx &= ~QR_CTX_COLUMNS;
	if (c->ov->cast_type) {
		int r = c->ov->cast_type(c, &n->type, n->kids[0]);
		if (r != 0)
			return r < 0 ? r : c->rc;
	}
	hint_save old = set_hint(c, NULL, &n->type);
	qr_sqlc__puts(c, "CAST(");
	qr_sqlc__visit(c, n->kids[0], ctx);
	restore_hint(c, old);
	qr_sqlc__puts(c, " AS ");
	qr_sqlc__type_ddl(c, &n->type);
	return qr_sqlc__puts(c, ")");
}

int qr_sqlc__visit_coerce(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	hint_save old = set_hint(c, c->hint, &n->type);
	qr_sqlc__visit(c, n->kids[0], ctx);
	restore_hint(c, old);
	return c->rc;
}

/* Whether label is one of the columns of the SELECT being compiled. */
static bool label_in_current_select(qr_sqlc *c, const qr_node *label)
{
	if (!c->depth)
		return false;
	const qr_node *sel = c->frames[c->depth - 1].stmt;
	while (sel && sel->kind == QR_NODE_COMPOUND) {
		const qr_node *l = sel->kids[QR_CMP_SELECTS];
		sel = l && l->nkids ? l->kids[0] : NULL;
	}
	if (!sel || sel->kind != QR_NODE_SELECT || !sel->kids[QR_SEL_COLS])
		return false;
	const qr_node *cols = sel->kids[QR_SEL_COLS];
	for (size_t i = 0; i < cols->nkids; i++) {
		if (cols->kids[i] == label)
			return true;
	}
	return false;
}

int qr_sqlc__visit_label(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (ctx & QR_CTX_COLUMNS) {
		qr_sqlc__visit(c, n->kids[0], ctx & ~QR_CTX_COLUMNS);
		qr_sqlc__puts(c, " AS ");
		return qr_sqlc__ident(c, n->name);
	}
	if ((ctx & QR_CTX_ORDER) && label_in_current_select(c, n))
		return qr_sqlc__ident(c, n->name);
	return qr_sqlc__visit(c, n->kids[0], ctx);
}

int qr_sqlc__visit_scalar(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	qr_sqlc__puts(c, "(");
	qr_sqlc__visit(c, n->kids[0],
		       ctx & ~(QR_CTX_COLUMNS | QR_CTX_ASFROM | QR_CTX_RESULT |
			       QR_CTX_ORDER));
	return qr_sqlc__puts(c, ")");
}
