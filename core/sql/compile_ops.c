/*
 * compile_ops.c - default visitors of SQLAlchemy 2.0's further column
 * operators: COLLATE, EXTRACT, regular expressions, ANY / ALL and
 * WITHIN GROUP (the dialects override what they spell differently).
 */
#include "compiler.h"

int qr_sqlc__binary_collate(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const qr_node *l = n->kids[QR_BIN_LEFT];
	/* Binds are named after the left side only. */
	qr_sqlc_hint old = qr_sqlc__hint_binary(c, l, l);
	qr_sqlc__visit_grouped(c, l, QR_OP_COLLATE, ctx);
	qr_sqlc__hint_restore(c, old);
	qr_sqlc__puts(c, " COLLATE ");
	return qr_sqlc__ident(c, n->kids[QR_BIN_RIGHT]->name);
}

int qr_sqlc__binary_regexp(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	(void)ctx;
	return qr_sqlc__unsupported(c, n->op == QR_OP_REGEXP_REPLACE
					       ? "regexp_replace"
					       : "regexp_match");
}

int qr_sqlc__regexp_flagged(qr_sqlc *c, const char *flags,
			    const qr_node *pattern, unsigned ctx)
{
	qr_sqlc__puts(c, "CONCAT('(?', ");
	qr_sqlc__string_literal(c, flags);
	qr_sqlc__puts(c, ", ')', ");
	qr_sqlc__visit_grouped(c, pattern, QR_OP_COMMA, ctx);
	return qr_sqlc__puts(c, ")");
}

int qr_sqlc__regexp_replace_func(qr_sqlc *c, const qr_node *n,
				 bool pattern_flags, unsigned ctx)
{
	const qr_node *l = n->kids[QR_BIN_LEFT];
	qr_sqlc_hint old = qr_sqlc__hint_binary(c, l, n->kids[QR_BIN_RIGHT]);
	qr_sqlc__puts(c, "REGEXP_REPLACE(");
	qr_sqlc__visit_grouped(c, l, QR_OP_COMMA, ctx);
	qr_sqlc__puts(c, ", ");
	if (n->str && pattern_flags)
		qr_sqlc__regexp_flagged(c, n->str, n->kids[QR_BIN_RIGHT], ctx);
	else
		qr_sqlc__visit_grouped(c, n->kids[QR_BIN_RIGHT], QR_OP_COMMA,
				       ctx);
	qr_sqlc__puts(c, ", ");
	qr_sqlc__visit_grouped(c, n->kids[QR_BIN_THIRD], QR_OP_COMMA, ctx);
	if (n->str && !pattern_flags) {
		qr_sqlc__puts(c, ", ");
		qr_sqlc__string_literal(c, n->str);
	}
	qr_sqlc__hint_restore(c, old);
	return qr_sqlc__puts(c, ")");
}

int qr_sqlc__unary_collection(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	qr_sqlc__puts(c, n->op == QR_OP_ANY ? "ANY (" : "ALL (");
	const qr_node *e = n->kids[0];
	if (qr_sql__is_selectable(e))
		qr_sqlc__visit(c, e,
			       ctx & ~(QR_CTX_COLUMNS | QR_CTX_ASFROM |
				       QR_CTX_RESULT | QR_CTX_OPERAND));
	else
		qr_sqlc__visit(c, e, ctx & ~QR_CTX_COLUMNS);
	return qr_sqlc__puts(c, ")");
}

int qr_sqlc__visit_extract(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	qr_sqlc_hint old = {c->hint, c->hint_type};
	qr_sqlc__hint_restore(c, (qr_sqlc_hint){NULL, NULL});
	qr_sqlc__printf(c, "EXTRACT(%s FROM ", n->name);
	qr_sqlc__visit(c, n->kids[0], ctx & ~QR_CTX_COLUMNS);
	qr_sqlc__hint_restore(c, old);
	return qr_sqlc__puts(c, ")");
}

int qr_sqlc__visit_within_group(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	ctx &= ~QR_CTX_COLUMNS;
	qr_sqlc__visit(c, n->kids[QR_WG_FUNC], ctx);
	qr_sqlc__puts(c, " WITHIN GROUP (ORDER BY ");
	qr_sqlc__visit(c, n->kids[QR_WG_ORDER], ctx);
	return qr_sqlc__puts(c, ")");
}
