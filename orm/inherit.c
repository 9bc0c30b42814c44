/*
 * inherit.c - what inheritance needs beyond one mapper: the tables of a
 * joined-table subclass's rows (its parent's, then its own, whose key is
 * a foreign key to its parent's) and the column each field is written
 * to; the FROM and the columns of a polymorphic query (the tables of
 * the class joined, those of its joined-table descendants outer-joined:
 * SQLAlchemy's with_polymorphic); the discriminator criterion of a
 * single-table subclass; the class a row's discriminator names; and the
 * completion of objects loaded without their subclass's columns (one
 * SELECT per class, SQLAlchemy's selectin_polymorphic).
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

#define COMPLETE_CHUNK 500

bool qr_orm__has_table(const qr_mapper *m, const qr_table *t)
{
	for (size_t i = 0; i < m->ntables; i++)
		if (m->tables[i] == t)
			return true;
	return false;
}

int qr_orm__field_of_column(const qr_mapper *m, const qr_column *c)
{
	for (size_t i = 0; i < m->nfields; i++)
		if (m->fields[i].column == c)
			return (int)i;
	for (size_t t = 1; t < m->ntables; t++)
		for (size_t i = 0; i < m->npk; i++)
			if (m->tkeys[t * m->npk + i] == c)
				return (int)m->pk[i];
	return -1;
}

/* The position in the key of m's parent of the column ref references,
 * or -1 (ref: a key column of one of the parent's tables). */
static int parent_key_pos(const qr_mapper *p, const qr_column *ref)
{
	for (size_t t = 0; t < p->ntables; t++)
		for (size_t i = 0; i < p->npk; i++)
			if (p->tkeys[t * p->npk + i] == ref)
				return (int)i;
	return -1;
}

/* A joined subclass: each primary key column of its table references a
 * key column of its parent's tables, and together they cover the key. */
static int joined_keys(qr_mapper *m, qr_column **own)
{
	const qr_mapper *p = m->parent;
	size_t n = qr_table_primary_key_count(m->table);
	bool bad = n != m->npk;

	for (size_t i = 0; i < n && !bad; i++) {
		qr_column *c = qr_table_primary_key_at(m->table, i);
		int k = parent_key_pos(p, qr_column_references(c));
		if (k < 0 || own[k])
			bad = true;
		else
			own[k] = c;
	}
	if (bad)
		return qr_error_set(
			QR_EINVAL, QR_ECLASS_ARGUMENT,
			"%s: the primary key of table %s must be a foreign "
			"key to the primary key of %s's table %s "
			"(joined-table inheritance: QR_JOINED_KEY)",
			m->name, qr_table_name(m->table), p->name,
			qr_table_name(p->table));
	return 0;
}

int qr_orm__inherit_build(qr_mapper *m)
{
	const qr_mapper *p = m->parent;
	size_t nt = p ? p->ntables + (qr_orm__joined(m) ? 1 : 0) : 1;
	int rc = 0;

	m->tables = calloc(nt, sizeof(*m->tables));
	m->tkeys = calloc(nt * m->npk + 1, sizeof(*m->tkeys));
	m->tcols = calloc(nt * m->nfields + 1, sizeof(*m->tcols));
	if (!m->tables || !m->tkeys || !m->tcols)
		return qr_error_oom("mapper");
	m->ntables = nt;
	if (p) {
		memcpy(m->tables, p->tables, p->ntables * sizeof(*m->tables));
		memcpy(m->tkeys, p->tkeys,
		       p->ntables * p->npk * sizeof(*m->tkeys));
	} else {
		for (size_t i = 0; i < m->npk; i++)
			m->tkeys[i] = m->fields[m->pk[i]].column;
	}
	m->tables[nt - 1] = m->table;
	if (p && qr_orm__joined(m))
		rc = joined_keys(m, m->tkeys + (nt - 1) * m->npk);
	if (rc == 0 && nt > 1) { /* its tables, without its subclasses' */
		qr_wpoly none = {NULL, 0};
		m->join = qr_orm__poly_from(m, &none, &rc);
	}
	for (size_t i = 0; i < m->nfields && rc == 0; i++) {
		const qr_field *f = &m->fields[i];
		m->tcols[f->tbl * m->nfields + i] = f->column;
		for (size_t t = 1; f->pk_pos >= 0 && t < nt; t++)
			m->tcols[t * m->nfields + i] =
				m->tkeys[t * m->npk + (size_t)f->pk_pos];
	}
	return rc;
}

/* tables[a].key = tables[b].key, ANDed. */
static qr_expr *key_join(const qr_mapper *m, size_t a, size_t b)
{
	qr_expr *on = NULL;

	for (size_t i = 0; i < m->npk; i++) {
		qr_expr *eq = qr_eq(m->tkeys[a * m->npk + i],
				    m->tkeys[b * m->npk + i]);
		on = on ? qr_and_new(on, eq, QR_END) : eq;
	}
	return on;
}

/* Whether the query's with_polymorphic loads descendant d's table. */
static bool wp_includes(const qr_wpoly *wp, const qr_mapper *d)
{
	if (!wp)
		return true;
	for (size_t i = 0; i < wp->n; i++)
		if (qr_orm__isa(wp->subs[i], d))
			return true;
	return false;
}

qr_expr *qr_orm__poly_from(const qr_mapper *m, const qr_wpoly *wp, int *rc)
{
	qr_expr *from = NULL;

	*rc = 0;
	if (m->ntables == 1 && !m->njoined)
		return NULL;
	from = qr_expr_ref(m->tables[0]);
	for (size_t t = 1; t < m->ntables; t++)
		from = qr_join_on(from, qr_expr_ref(m->tables[t]),
				  key_join(m, t - 1, t));
	for (size_t i = 0; i < m->nsubs; i++) {
		const qr_mapper *d = m->subs[i];
		if (!qr_orm__joined(d) || !wp_includes(wp, d))
			continue;
		from = qr_outerjoin_on(
			from, qr_expr_ref(d->table),
			key_join(d, d->ntables - 2, d->ntables - 1));
	}
	if (from == (qr_expr *)m->tables[0]) { /* nothing joined */
		qr_expr_free(from);
		return NULL;
	}
	if (!from)
		*rc = qr_error_last()->code ? qr_error_last()->code : QR_ENOMEM;
	return from;
}

int qr_orm__inherit_from(qr_mapper *m)
{
	int rc;
	qr_expr *from = qr_orm__poly_from(m, NULL, &rc);

	if (rc)
		return rc;
	qr_expr_free(m->from);
	m->from = from;
	return 0;
}

bool qr_orm__poly_selected(const qr_mapper *m, size_t c, bool alias,
			   const qr_wpoly *wp)
{
	const qr_table *t = qr_column_table(m->poly_cols[c]);

	/* an alias: of its table, or of a joined subclass's tables */
	if (alias)
		return m->ntables > 1 ? qr_orm__has_table(m, t) : t == m->table;
	if (qr_orm__has_table(m, t))
		return true;
	for (size_t i = 0; i < m->nsubs; i++)
		if (qr_orm__joined(m->subs[i]) && m->subs[i]->table == t)
			return wp_includes(wp, m->subs[i]);
	return false;
}

/* Whether poly column c is selected, and not deferred (defer: per own
 * field, may be NULL). */
static bool selected(const qr_mapper *m, size_t c, bool alias,
		     const qr_wpoly *wp, const unsigned char *defer)
{
	return qr_orm__poly_selected(m, c, alias, wp) &&
	       !(defer && c < m->nfields && defer[c]);
}

int qr_orm__poly_positions_deferred(int *pos, const qr_mapper *m, bool alias,
				    const qr_wpoly *wp,
				    const unsigned char *defer, int base)
{
	int k = 0;

	for (size_t c = 0; c < m->npoly; c++) {
		bool in = selected(m, c, alias, wp, defer);
		if (pos)
			pos[c] = in ? base + k : -1;
		k += in;
	}
	return k;
}

int qr_orm__poly_positions(int *pos, const qr_mapper *m, bool alias,
			   const qr_wpoly *wp, int base)
{
	return qr_orm__poly_positions_deferred(pos, m, alias, wp, NULL, base);
}

qr_stmt *qr_orm__poly_add_columns(qr_stmt *stmt, const qr_mapper *m,
				  const qr_expr *alias, const qr_wpoly *wp)
{
	return qr_orm__poly_add_columns_deferred(stmt, m, alias, wp, NULL);
}

qr_stmt *qr_orm__poly_add_columns_deferred(qr_stmt *stmt, const qr_mapper *m,
					   const qr_expr *alias,
					   const qr_wpoly *wp,
					   const unsigned char *defer)
{
	bool first = !stmt;

	for (size_t c = 0; c < m->npoly; c++) {
		qr_expr *col;
		if (!selected(m, c, alias != NULL, wp, defer))
			continue;
		col = alias ? qr_c(alias, m->poly_colnames[c])
			    : m->poly_cols[c];
		stmt = first ? qr_select(col) : qr_stmt_add(stmt, col);
		if (!stmt)
			return NULL; /* an error: no new SELECT after it */
		first = false;
	}
	return stmt;
}

qr_expr *qr_orm__poly_criterion(const qr_mapper *m, const qr_expr *alias,
				bool *needed)
{
	const char *stack[16], **ids = stack;
	const qr_field *f;
	qr_expr *e;

	*needed = m->parent && !qr_orm__joined(m) && m->poly_field >= 0;
	if (!*needed)
		return NULL;
	if (m->nsubs + 1 > 16 &&
	    !(ids = malloc((m->nsubs + 1) * sizeof(*ids)))) {
		qr_error_oom("query");
		return NULL;
	}
	ids[0] = m->poly_identity;
	for (size_t i = 0; i < m->nsubs; i++)
		ids[i + 1] = m->subs[i]->poly_identity;
	f = &m->fields[m->poly_field];
	e = qr_in_texts(alias ? qr_c(alias, f->colname) : f->column, ids,
			m->nsubs + 1);
	if (ids != stack)
		free(ids);
	return e;
}

int qr_orm__poly_pick(qr_mapper **out, qr_mapper *m, const qr_value *v)
{
	const qr_mapper *root = qr_orm__root(m);
	const char *text;

	*out = m;
	if (m->poly_field < 0 || !v || v->kind == QR_VNULL)
		return 0;
	if (qr_value_text(v, &text, NULL) != 0)
		return qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				    "%s: the discriminator %s is not text",
				    m->name, m->fields[m->poly_field].colname);
	if (m->poly_identity && strcmp(m->poly_identity, text) == 0)
		return 0;
	for (size_t i = 0; i < m->nsubs; i++)
		if (strcmp(m->subs[i]->poly_identity, text) == 0) {
			*out = m->subs[i];
			return 0;
		}
	if (root->poly_identity && strcmp(root->poly_identity, text) == 0)
		return qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				    "a row of %s has the polymorphic identity "
				    "'%s' of %s, which is not a %s",
				    m->name, text, root->name, m->name);
	for (size_t i = 0; i < root->nsubs; i++)
		if (strcmp(root->subs[i]->poly_identity, text) == 0)
			return qr_error_set(
				QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				"a row of %s has the polymorphic identity "
				"'%s' of %s, which is not a %s",
				m->name, text, root->subs[i]->name, m->name);
	return qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
			    "No such polymorphic_identity '%s' is defined "
			    "(loading %s)",
			    text, m->name);
}

void qr_orm__poly_columns(int *cols, const qr_mapper *sub, const qr_mapper *m,
			  const int *pos)
{
	for (size_t f = 0; f < sub->nfields; f++) {
		cols[f] = -1;
		for (size_t c = 0; c < m->npoly; c++)
			if (m->poly_cols[c] == sub->fields[f].column) {
				cols[f] = pos[c];
				break;
			}
	}
}

/* key IN (...) of objs[0..n), or (k1 = .. AND k2 = ..) OR ... */
static qr_expr *keys_criterion(const qr_mapper *m, qr_objhdr **objs, size_t n)
{
	qr_expr *crit = NULL;
	qr_value *vals;

	if (m->npk == 1) {
		const qr_field *f = &m->fields[m->pk[0]];
		if (!(vals = calloc(n, sizeof(*vals)))) {
			qr_error_oom("polymorphic loading");
			return NULL;
		}
		for (size_t k = 0; k < n; k++)
			qr_orm__field_get(objs[k], f, &vals[k]);
		crit = qr_in_values(f->column, vals, n);
		free(vals);
		return crit;
	}
	for (size_t k = 0; k < n; k++) {
		qr_expr *one = NULL;
		for (size_t i = 0; i < m->npk; i++) {
			const qr_field *f = &m->fields[m->pk[i]];
			qr_value v;
			qr_expr *eq;
			qr_orm__field_get(objs[k], f, &v);
			eq = qr_eq(f->column, qr_bind_typed(v, f->type));
			one = one ? qr_and_new(one, eq, QR_END) : eq;
		}
		crit = crit ? qr_or_new(crit, one, QR_END) : one;
	}
	return crit;
}

/* One SELECT of m's rows for objs[0..n) (all of class m), filling them. */
static int complete_chunk(qr_session *s, qr_mapper *m, qr_objhdr **objs,
			  size_t n)
{
	qr_objlist l = QR_OBJLIST_INIT;
	qr_query *q;
	int rc;

	for (size_t k = 0; k < n; k++) /* loaded again, keeping nothing */
		objs[k]->flags |= QR_OF_EXPIRED;
	q = qr_query_new_(s, qr_mapper_entity(m), QR_END);
	q = qr_query_filter_(q, keys_criterion(m, objs, n), QR_END);
	rc = qr_query_all(&l, q);
	qr_objlist_clear(&l);
	return rc;
}

int qr_orm__poly_complete(qr_session *s, qr_objhdr **objs, size_t n)
{
	qr_objhdr **group;
	int rc = 0;

	if (!n)
		return 0;
	if (!(group = malloc(n * sizeof(*group))))
		return qr_error_oom("polymorphic loading");
	for (size_t i = 0; i < n && rc == 0; i++) {
		qr_mapper *m = objs[i] ? objs[i]->mapper : NULL;
		size_t k = 0;
		if (!m)
			continue;
		for (size_t j = i; j < n; j++)
			if (objs[j] && objs[j]->mapper == m) {
				group[k++] = objs[j];
				if (j > i)
					objs[j] = NULL; /* done with i */
			}
		for (size_t off = 0; off < k && rc == 0; off += COMPLETE_CHUNK)
			rc = complete_chunk(s, m, group + off,
					    k - off < COMPLETE_CHUNK
						    ? k - off
						    : COMPLETE_CHUNK);
	}
	free(group);
	return rc;
}
