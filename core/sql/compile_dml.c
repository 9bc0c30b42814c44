/*
 * compile_dml.c - INSERT, UPDATE and DELETE (SQLAlchemy's crud.py):
 * which columns get parameters, client-side defaults, multi-row VALUES,
 * multi-table UPDATE/DELETE, RETURNING and upserts.
 */
#include "compiler.h"

#include "../mem.h"
#include "../schema/schema_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const qr_node *find_set(const qr_node *sets, const char *name)
{
	for (size_t i = 0; sets && i < sets->nkids; i++) {
		if (strcmp(sets->kids[i]->name, name) == 0)
			return sets->kids[i];
	}
	return NULL;
}

static bool in_keys(const qr_sqlc *c, const char *name)
{
	for (size_t i = 0; i < c->nkeys; i++) {
		if (c->column_keys[i] && strcmp(c->column_keys[i], name) == 0)
			return true;
	}
	return false;
}

/* Every SET must name a column of the table. */
static int check_sets(qr_sqlc *c, const qr_node *table, const qr_node *sets)
{
	for (size_t i = 0; sets && i < sets->nkids; i++) {
		if (!qr_table_column(table, sets->kids[i]->name))
			return qr_sqlc__fail(c, QR_ECOMPILE,
					     "unconsumed column name: table "
					     "'%s' has no column '%s'",
					     table->name, sets->kids[i]->name);
	}
	return c->rc;
}

/* The value of a column in VALUES / SET: a literal binds a parameter
 * named pname; an expression renders inline, parenthesised. */
static int crud_value(qr_sqlc *c, const qr_node *col, const qr_node *v,
		      const char *pname)
{
	if (v->kind == QR_NODE_BIND && !v->name) {
		const qr_type *t =
			(v->flags & QR_NF_BIND_TYPED) ? &v->type : &col->type;
		return qr_sqlc__param(
			c, pname, t,
			(v->flags & QR_NF_BIND_VALUE) ? &v->value : NULL, v);
	}
	const char *save = c->hint;
	const qr_type *save_t = c->hint_type;
	c->hint = col->name;
	c->hint_type = &col->type;
	qr_sqlc__visit_grouped(c, v, QR_OP_NONE, 0);
	c->hint = save;
	c->hint_type = save_t;
	return c->rc;
}

/* A column default (client side) for a column the statement does not
 * set: 1 when one was rendered. */
static int crud_default(qr_sqlc *c, const qr_node *col, bool update,
			const char *pname)
{
	const qr_column_def *def = col->ext;
	const qr_value *v = update ? &def->onupdate_value : &def->default_value;
	qr_default_fn fn = update ? def->onupdate_fn : def->default_fn;
	void *arg = update ? def->onupdate_arg : def->default_arg;
	const qr_node *expr = update ? def->onupdate_expr : def->default_expr;
	if (!update && qr_sqlc__column_uses_sequence(c, col)) {
		c->ov->next_value(c, def->sequence);
		return c->rc ? c->rc : 1;
	}
	if (expr) {
		qr_sqlc__visit_grouped(c, expr, QR_OP_NONE, 0);
		return c->rc ? c->rc : 1;
	}
	if (fn) {
		if (qr_sqlc__param(c, pname, &col->type, NULL, NULL))
			return c->rc;
		c->slots[c->nslots - 1].default_fn = fn;
		c->slots[c->nslots - 1].default_arg = arg;
		return 1;
	}
	if (v->kind != QR_VNULL) {
		if (qr_sqlc__param(c, pname, &col->type, v, NULL))
			return c->rc;
		return 1;
	}
	return 0;
}

static bool has_default(qr_sqlc *c, const qr_node *col, bool update)
{
	const qr_column_def *def = col->ext;
	if (update)
		return def->onupdate_expr || def->onupdate_fn ||
		       def->onupdate_value.kind != QR_VNULL;
	return def->default_expr || def->default_fn ||
	       def->default_value.kind != QR_VNULL ||
	       qr_sqlc__column_uses_sequence(c, col);
}

/* ---- INSERT ----------------------------------------------------------- */

static int insert_from_select(qr_sqlc *c, const qr_node *ins,
			      const qr_node *table)
{
	const qr_node *names = ins->kids[QR_INS_SELECT_COLS];
	const qr_node *sel = ins->kids[QR_INS_SELECT];
	qr_sqlc__puts(c, " (");
	if (names) {
		for (size_t i = 0; i < names->nkids; i++) {
			if (!qr_table_column(table, names->kids[i]->name))
				return qr_sqlc__fail(
					c, QR_ECOMPILE,
					"table '%s' has no column '%s'",
					table->name, names->kids[i]->name);
			if (i)
				qr_sqlc__puts(c, ", ");
			qr_sqlc__ident(c, names->kids[i]->name);
		}
	} else {
		size_t n = qr_sql__select_ncols(sel);
		for (size_t i = 0; i < n && i < qr_table_column_count(table);
		     i++) {
			if (i)
				qr_sqlc__puts(c, ", ");
			qr_sqlc__ident(c, qr_column_name(qr_table_column_at(
						  table, i)));
		}
	}
	qr_sqlc__puts(c, ") ");
	return qr_sqlc__visit(c, sel, 0);
}

/* Whether a single-row INSERT names col: every column when nothing
 * narrows it (str(users.insert())), else those given as values or as
 * execution parameters, plus those with a client-side default. */
static bool insert_includes(qr_sqlc *c, const qr_node *col,
			    const qr_node *values, bool all)
{
	if (all || find_set(values, col->name) || in_keys(c, col->name))
		return true;
	return has_default(c, col, false);
}

static int insert_single(qr_sqlc *c, const qr_node *ins, const qr_node *table)
{
	const qr_node *values = ins->kids[QR_INS_VALUES];
	bool all = !values && !c->exec_keys && c->nkeys == 0;
	size_t ncols = qr_table_column_count(table);
	size_t count = 0;

	if (check_sets(c, table, values))
		return c->rc;
	for (size_t i = 0; i < ncols; i++) {
		const qr_node *col = qr_table_column_at(table, i);
		if (insert_includes(c, col, values, all))
			count++;
	}
	if (count == 0) {
		if (c->ov->no_default_values)
			return qr_sqlc__puts(c, " () VALUES ()");
		return qr_sqlc__puts(c, " DEFAULT VALUES");
	}
	qr_sqlc__puts(c, " (");
	bool first = true;
	for (size_t i = 0; i < ncols; i++) {
		const qr_node *col = qr_table_column_at(table, i);
		if (!insert_includes(c, col, values, all))
			continue;
		if (!first)
			qr_sqlc__puts(c, ", ");
		first = false;
		qr_sqlc__ident(c, col->name);
	}
	qr_sqlc__puts(c, ") VALUES (");
	first = true;
	for (size_t i = 0; i < ncols && !c->rc; i++) {
		const qr_node *col = qr_table_column_at(table, i);
		if (!insert_includes(c, col, values, all))
			continue;
		if (!first)
			qr_sqlc__puts(c, ", ");
		first = false;
		const qr_node *set = find_set(values, col->name);
		if (set)
			crud_value(c, col, set->kids[0], col->name);
		else if (in_keys(c, col->name) || all)
			qr_sqlc__param(c, col->name, &col->type, NULL, NULL);
		else
			crud_default(c, col, false, col->name);
	}
	return qr_sqlc__puts(c, ")");
}

static int insert_multi(qr_sqlc *c, const qr_node *ins, const qr_node *table)
{
	const qr_node *rows = ins->kids[QR_INS_ROWS];
	const qr_node *row0 = rows->kids[0];
	size_t ncols = qr_table_column_count(table);

	if (c->d && !(c->d->features & QR_FEATURE_MULTI_VALUES))
		return qr_sqlc__unsupported(c, "INSERT with multiple VALUES");
	for (size_t r = 0; r < rows->nkids; r++) {
		if (check_sets(c, table, rows->kids[r]))
			return c->rc;
	}
	qr_sqlc__puts(c, " (");
	bool first = true;
	for (size_t i = 0; i < ncols; i++) {
		const qr_node *col = qr_table_column_at(table, i);
		if (!find_set(row0, col->name) && !has_default(c, col, false))
			continue;
		if (!first)
			qr_sqlc__puts(c, ", ");
		first = false;
		qr_sqlc__ident(c, col->name);
	}
	qr_sqlc__puts(c, ") VALUES ");
	for (size_t r = 0; r < rows->nkids && !c->rc; r++) {
		const qr_node *row = rows->kids[r];
		if (r)
			qr_sqlc__puts(c, ", ");
		qr_sqlc__puts(c, "(");
		first = true;
		for (size_t i = 0; i < ncols && !c->rc; i++) {
			const qr_node *col = qr_table_column_at(table, i);
			if (!find_set(row0, col->name) &&
			    !has_default(c, col, false))
				continue;
			if (!first)
				qr_sqlc__puts(c, ", ");
			first = false;
			char pname[300];
			snprintf(pname, sizeof(pname), "%s_m%zu", col->name, r);
			const qr_node *set = find_set(row, col->name);
			if (set)
				crud_value(c, col, set->kids[0], pname);
			else if (find_set(row0, col->name))
				qr_sqlc__fail(c, QR_ECOMPILE,
					      "VALUES row %zu has no value for "
					      "column '%s'",
					      r + 1, col->name);
			else
				crud_default(c, col, false, pname);
		}
		qr_sqlc__puts(c, ")");
	}
	return c->rc;
}

/*
 * SQLAlchemy's implicit returning: a top-level single-row INSERT, not
 * for an executemany and without a RETURNING of its own, RETURNs the
 * primary key columns it leaves to the database (the autoincrement key,
 * a server default, a SQL expression default, a sequence), on dialects
 * that read generated keys that way (PostgreSQL). The execution reads
 * the row (compiled.h: implicit_returning).
 */
static int implicit_returning(qr_sqlc *c, const qr_node *ins,
			      const qr_node *table)
{
	const qr_node *values = ins->kids[QR_INS_VALUES];
	size_t n = 0;

	if (!c->ov->implicit_returning || c->many ||
	    ins->kids[QR_INS_RETURNING] || ins->kids[QR_INS_SELECT] ||
	    ins->kids[QR_INS_ROWS] || (!values && !c->exec_keys && !c->nkeys))
		return c->rc;
	const qr_node *autoinc = qr_table_autoincrement_column(table);
	for (size_t i = 0; i < qr_table__pk_count(table) && !c->rc; i++) {
		const qr_node *col = qr_table__pk_at(table, i);
		const qr_column_def *def = col->ext;
		if (find_set(values, col->name) || in_keys(c, col->name))
			continue;
		if (col != autoinc && !def->default_expr &&
		    !def->server_default && !def->server_default_expr &&
		    !qr_sqlc__column_uses_sequence(c, col))
			continue;
		qr_sqlc__puts(c, n++ ? ", " : " RETURNING ");
		qr_sqlc__visit(c, col,
			       c->ov->returning_no_table ? QR_CTX_NO_TABLE : 0);
	}
	if (n)
		c->implicit_returning = true;
	return c->rc;
}

/* Whether table has a column SQLite would take for its rowid's names. */
static bool shadows_rowid(const qr_node *table)
{
	static const char *const names[] = {"rowid", "_rowid_", "oid"};
	for (size_t i = 0; i < qr_table_column_count(table); i++) {
		const char *name = qr_column_name(qr_table_column_at(table, i));
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (name && strcasecmp(name, names[k]) == 0)
				return true;
	}
	return false;
}

/*
 * A top-level INSERT .. VALUES whose RETURNING is only its table's
 * single-column autoincrement key, left to the database, on a dialect
 * whose key is then the rowid (SQLite): records the SELECTs by which the
 * driver may run the INSERT without RETURNING and tell the keys from the
 * rowids (compiled.h: rowid_sql). The table's name is the text from
 * tname in the output, the column's the RETURNING clause's from ret.
 */
static int rowid_returning(qr_sqlc *c, const qr_node *ins, const qr_node *table,
			   size_t tname, size_t tname_end, size_t ret)
{
	const qr_node *list = ins->kids[QR_INS_RETURNING];
	const qr_node *values = ins->kids[QR_INS_VALUES];
	static const char clause[] = " RETURNING ";

	if (!c->ov->rowid_returning || c->rc || !list || list->nkids != 1 ||
	    ins->kids[QR_INS_SELECT] || ins->kids[QR_INS_ROWS] ||
	    ins->kids[QR_INS_UPSERT] || table->kind != QR_NODE_TABLE ||
	    qr_table__pk_count(table) != 1)
		return c->rc;
	const qr_node *col = list->kids[0];
	if (col != qr_table_autoincrement_column(table) ||
	    find_set(values, col->name) || in_keys(c, col->name) ||
	    shadows_rowid(table))
		return c->rc;
	const char *out = c->b->s;
	size_t at = ret + sizeof(clause) - 1, end = c->b->len;
	if (c->b->len < at || memcmp(out + ret, clause, sizeof(clause) - 1))
		return c->rc;
	qr_strbuf b = {0};
	qr_strbuf__puts(&b, "SELECT max(rowid) FROM ");
	qr_strbuf__put(&b, out + tname, tname_end - tname);
	qr_strbuf__putc(&b, '\0');
	qr_strbuf__puts(&b, "SELECT ");
	qr_strbuf__put(&b, out + at, end - at);
	qr_strbuf__puts(&b, " FROM ");
	qr_strbuf__put(&b, out + tname, tname_end - tname);
	qr_strbuf__puts(&b, " WHERE rowid = ?");
	qr_strbuf__putc(&b, '\0');
	qr_strbuf__puts(&b, col->name);
	if (b.error) {
		qr_strbuf__free(&b);
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	}
	free(c->rowid_sql);
	c->rowid_sql = qr_strbuf__take(&b);
	return c->rc;
}

int qr_sqlc__visit_insert(qr_sqlc *c, const qr_node *ins, unsigned ctx)
{
	(void)ctx;
	const qr_node *table = ins->kids[QR_INS_TABLE];
	bool toplevel = c->depth == 0;
	if (toplevel)
		c->is_dml = true;
	if (qr_sqlc__push_frame(c, ins, NULL, 0))
		return c->rc;
	qr_sqlc__puts(c, "INSERT INTO ");
	size_t tname = c->b->len;
	qr_sqlc__from_ref(c, table, 0);
	size_t tname_end = c->b->len;
	if (ins->kids[QR_INS_SELECT])
		insert_from_select(c, ins, table);
	else if (ins->kids[QR_INS_ROWS])
		insert_multi(c, ins, table);
	else
		insert_single(c, ins, table);
	const qr_node *up = ins->kids[QR_INS_UPSERT];
	if (up && !c->rc) {
		if (!c->ov->upsert)
			qr_sqlc__unsupported(c,
					     up->op == QR_PART_ON_DUPLICATE
						     ? "ON DUPLICATE KEY UPDATE"
						     : "ON CONFLICT");
		else
			c->ov->upsert(c, ins, up);
	}
	if (ins->kids[QR_INS_RETURNING]) {
		size_t ret = c->b->len;
		qr_sqlc__returning(c, QR_NODE_INSERT,
				   ins->kids[QR_INS_RETURNING], 0);
		if (toplevel)
			rowid_returning(c, ins, table, tname, tname_end, ret);
	} else if (toplevel && !c->rc)
		implicit_returning(c, ins, table);
	qr_sqlc__pop_frame(c);
	return c->rc;
}

/* ---- UPDATE ----------------------------------------------------------- */

/* FROM objects of WHERE and SET values other than the target table. */
static int extra_froms(qr_sqlc *c, const qr_node *table, const qr_node *where,
		       const qr_node *sets, const qr_node ***out, size_t *n)
{
	const qr_node **list = NULL;
	size_t nl = 0, cap = 0;
	int rc = qr_sqlc__from_objects(where, &list, &nl, &cap);
	for (size_t i = 0; rc == 0 && sets && i < sets->nkids; i++)
		rc = qr_sqlc__from_objects(sets->kids[i]->kids[0], &list, &nl,
					   &cap);
	if (rc) {
		free(list);
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	}
	size_t w = 0;
	for (size_t i = 0; i < nl; i++) {
		if (list[i] != table)
			list[w++] = list[i];
	}
	*out = list;
	*n = w;
	return 0;
}

static bool update_includes(qr_sqlc *c, const qr_node *col, const qr_node *sets,
			    bool all)
{
	if (find_set(sets, col->name) || in_keys(c, col->name))
		return true;
	if (all)
		return true;
	return has_default(c, col, true);
}

int qr_sqlc__visit_update(qr_sqlc *c, const qr_node *up, unsigned ctx)
{
	(void)ctx;
	const qr_node *table = up->kids[QR_UPD_TABLE];
	const qr_node *sets = up->kids[QR_UPD_SETS];
	const qr_node *where = up->kids[QR_UPD_WHERE];
	const qr_node **extra = NULL;
	size_t nextra = 0;
	if (c->depth == 0)
		c->is_dml = true;
	if (check_sets(c, table, sets) ||
	    extra_froms(c, table, where, sets, &extra, &nextra))
		return c->rc;
	if (nextra && !c->ov->update_from && !c->ov->update_tables) {
		free(extra);
		return qr_sqlc__unsupported(c, "multiple-table UPDATE");
	}
	const qr_node **all =
		qr_mem__alloc((nextra + 1) * sizeof(*all), "FROM list");
	if (!all) {
		free(extra);
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	}
	all[0] = table;
	for (size_t i = 0; i < nextra; i++)
		all[i + 1] = extra[i];
	qr_sqlc__push_frame(c, up, all, nextra + 1);
	free(all);

	qr_sqlc__puts(c, "UPDATE ");
	if (nextra && c->ov->update_tables)
		c->ov->update_tables(c, table, extra, nextra);
	else
		qr_sqlc__from_ref(c, table, 0);
	qr_sqlc__puts(c, " SET ");
	bool all_cols = !sets && !c->exec_keys && c->nkeys == 0;
	bool with_table = nextra && c->ov->update_set_with_table;
	bool first = true;
	size_t ncols = qr_table_column_count(table);
	for (size_t i = 0; i < ncols && !c->rc; i++) {
		const qr_node *col = qr_table_column_at(table, i);
		if (!update_includes(c, col, sets, all_cols))
			continue;
		if (!first)
			qr_sqlc__puts(c, ", ");
		first = false;
		qr_sqlc__visit(c, col, with_table ? 0 : QR_CTX_NO_TABLE);
		qr_sqlc__puts(c, "=");
		const qr_node *set = find_set(sets, col->name);
		if (set)
			crud_value(c, col, set->kids[0], col->name);
		else if (in_keys(c, col->name) || all_cols)
			qr_sqlc__param(c, col->name, &col->type, NULL, NULL);
		else
			crud_default(c, col, true, col->name);
	}
	if (first && !c->rc)
		qr_sqlc__fail(c, QR_ECOMPILE, "UPDATE of '%s' sets no column",
			      table->name);
	if (nextra && c->ov->update_from) {
		qr_sqlc__puts(c, " ");
		c->ov->update_from(c, extra, nextra);
	}
	free(extra);
	if (where && where->nkids) {
		qr_sqlc__puts(c, " WHERE ");
		qr_sqlc__visit(c, where, 0);
	}
	if (up->kids[QR_UPD_RETURNING])
		qr_sqlc__returning(c, QR_NODE_UPDATE,
				   up->kids[QR_UPD_RETURNING], 0);
	qr_sqlc__pop_frame(c);
	return c->rc;
}

/* ---- DELETE ----------------------------------------------------------- */

int qr_sqlc__visit_delete(qr_sqlc *c, const qr_node *del, unsigned ctx)
{
	(void)ctx;
	const qr_node *table = del->kids[QR_DEL_TABLE];
	const qr_node *where = del->kids[QR_DEL_WHERE];
	const qr_node **extra = NULL;
	size_t nextra = 0;
	if (c->depth == 0)
		c->is_dml = true;
	if (extra_froms(c, table, where, NULL, &extra, &nextra))
		return c->rc;
	if (nextra && !c->ov->delete_using) {
		free(extra);
		return qr_sqlc__unsupported(c, "multiple-table DELETE");
	}
	const qr_node **all =
		qr_mem__alloc((nextra + 1) * sizeof(*all), "FROM list");
	if (!all) {
		free(extra);
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	}
	all[0] = table;
	for (size_t i = 0; i < nextra; i++)
		all[i + 1] = extra[i];
	qr_sqlc__push_frame(c, del, all, nextra + 1);
	free(all);
	qr_sqlc__puts(c, "DELETE FROM ");
	qr_sqlc__from_ref(c, table, 0);
	if (nextra) {
		qr_sqlc__puts(c, " ");
		c->ov->delete_using(c, table, extra, nextra);
	}
	free(extra);
	if (where && where->nkids) {
		qr_sqlc__puts(c, " WHERE ");
		qr_sqlc__visit(c, where, 0);
	}
	if (del->kids[QR_DEL_RETURNING])
		qr_sqlc__returning(c, QR_NODE_DELETE,
				   del->kids[QR_DEL_RETURNING], 0);
	qr_sqlc__pop_frame(c);
	return c->rc;
}
