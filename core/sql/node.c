/*
 * node.c - node allocation and reference counting.
 */
#include "node.h"

#include "../mem.h"

#include <stdlib.h>

qr_node *qr_node__new(qr_node_kind kind)
{
	qr_node *node = qr_mem__calloc(1, sizeof(*node), "expression node");
	if (!node)
		return NULL;
	node->kind = kind;
	atomic_init(&node->refcount, 1);
	node->kids = node->kin;
	node->kcap = QR_NODE_INLINE_KIDS;
	return node;
}

const char *qr_node__kind_name(qr_node_kind kind)
{
	static const char *const names[] = {
#define QR_NODE_NAME_(e, n) #n,
		QR_NODE_KINDS(QR_NODE_NAME_)
#undef QR_NODE_NAME_
	};
	if ((unsigned)kind < QR_NODE_KIND_COUNT)
		return names[kind];
	return "unknown";
}

qr_expr *qr_expr_ref(qr_expr *expr)
{
	if (expr && !expr->pinned) /* pinned: owned by a metadata */
		atomic_fetch_add_explicit(&expr->refcount, 1,
					  memory_order_relaxed);
	return expr;
}

void qr_expr_free(qr_expr *expr)
{
	static void (*const destroy[])(qr_node *) = {
#define QR_NODE_DESTROY_(e, n) qr_node__destroy_##n,
		QR_NODE_KINDS(QR_NODE_DESTROY_)
#undef QR_NODE_DESTROY_
	};
	if (!expr || expr->pinned) /* pinned: owned by a metadata */
		return;
	if (atomic_fetch_sub_explicit(&expr->refcount, 1,
				      memory_order_acq_rel) != 1)
		return;
	qr_compiled_free(
		atomic_load_explicit(&expr->memo, memory_order_acquire));
	destroy[expr->kind](expr);
	free(expr);
}

void qr_stmt_free(qr_stmt *stmt)
{
	qr_expr_free(stmt);
}
