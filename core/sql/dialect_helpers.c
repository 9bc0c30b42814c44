/*
 * dialect_helpers.c - renderings more than one built-in dialect shares:
 * upserts and the extra FROM list of multi-table UPDATE/DELETE.
 */
#include "compiler.h"

#include <string.h>

int qr_sqlc__extra_froms(qr_sqlc *c, const char *kw,
			 const qr_node *const *extra, size_t n)
{
	qr_sqlc__puts(c, kw);
	for (size_t i = 0; i < n && !c->rc; i++) {
		if (i)
			qr_sqlc__puts(c, ", ");
		qr_sqlc__visit(c, extra[i], QR_CTX_ASFROM);
	}
	return c->rc;
}

/* "col = value, ..." in table column order; values named param_N. */
static int set_list(qr_sqlc *c, const qr_node *table, const qr_node *sets)
{
	size_t ncols = qr_table_column_count(table);
	bool first = true;
	for (size_t i = 0; i < sets->nkids; i++) {
		if (!qr_table_column(table, sets->kids[i]->name))
			return qr_sqlc__fail(c, QR_ECOMPILE,
					     "table '%s' has no column '%s'",
					     table->name, sets->kids[i]->name);
	}
	for (size_t i = 0; i < ncols && !c->rc; i++) {
		const qr_node *col = qr_table_column_at(table, i);
		const qr_node *set = NULL;
		for (size_t k = 0; k < sets->nkids && !set; k++) {
			if (strcmp(sets->kids[k]->name, col->name) == 0)
				set = sets->kids[k];
		}
		if (!set)
			continue;
		if (!first)
			qr_sqlc__puts(c, ", ");
		first = false;
		qr_sqlc__ident(c, col->name);
		qr_sqlc__puts(c, " = ");
		const char *h = c->hint;
		const qr_type *ht = c->hint_type;
		c->hint = NULL;
		c->hint_type = &col->type;
		qr_sqlc__visit_grouped(c, set->kids[0], QR_OP_NONE, 0);
		c->hint = h;
		c->hint_type = ht;
	}
	return c->rc;
}

int qr_sqlc__upsert_on_conflict(qr_sqlc *c, const qr_node *insert,
				const qr_node *part)
{
	if (part->op == QR_PART_ON_DUPLICATE)
		return qr_sqlc__unsupported(c, "ON DUPLICATE KEY UPDATE");
	const qr_node *target = part->kids[0];
	qr_sqlc__puts(c, " ON CONFLICT ");
	if (target && target->nkids) {
		qr_sqlc__puts(c, "(");
		for (size_t i = 0; i < target->nkids; i++) {
			if (i)
				qr_sqlc__puts(c, ", ");
			qr_sqlc__ident(c, target->kids[i]->name);
		}
		qr_sqlc__puts(c, ") ");
	}
	if (part->op == QR_PART_ON_CONFLICT_NOTHING)
		return qr_sqlc__puts(c, "DO NOTHING");
	qr_sqlc__puts(c, "DO UPDATE SET ");
	set_list(c, insert->kids[QR_INS_TABLE], part->kids[1]);
	if (part->kids[2] && part->kids[2]->nkids) {
		qr_sqlc__puts(c, " WHERE ");
		qr_sqlc__visit(c, part->kids[2], 0);
	}
	return c->rc;
}

int qr_sqlc__upsert_on_duplicate(qr_sqlc *c, const qr_node *insert,
				 const qr_node *part)
{
	if (part->op != QR_PART_ON_DUPLICATE)
		return qr_sqlc__unsupported(c, "ON CONFLICT");
	qr_sqlc__puts(c, " ON DUPLICATE KEY UPDATE ");
	return set_list(c, insert->kids[QR_INS_TABLE], part->kids[0]);
}
