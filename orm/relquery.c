/*
 * relquery.c - relationships in queries: joins along a relationship
 * (also to an aliased target), any / has (EXISTS), contains, with_parent
 * and the comparison of a many-to-one to an object or to NULL. All of it
 * is Core expressions built from the relationship's foreign key columns.
 */
#include "orm_internal.h"

#include <string.h>

qr_rel *qr_orm__mapper_rel(qr_mapper *m, const char *name, const char *what)
{
	for (size_t i = 0; name && i < m->nrels; i++)
		if (strcmp(m->rels[i].name, name) == 0)
			return qr_orm__rel_resolve(&m->rels[i]) == 0
				       ? &m->rels[i]
				       : NULL;
	qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
		     "%s: %s has no relationship %s", what, m->name,
		     name ? name : "(null)");
	return NULL;
}

qr_rel *qr_orm__rel_named(qr_mapping *mapping, const char *name,
			  const char *what)
{
	qr_mapper *m = mapping ? qr_mapping_mapper(mapping) : NULL;

	if (!m) {
		qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
			     "%s: %s is not mapped", what,
			     mapping ? mapping->name : "(null)");
		return NULL;
	}
	return qr_orm__mapper_rel(m, name, what);
}

/* A field's column in the mapper's table, or in an alias of it. */
static qr_expr *column(const qr_mapper *m, size_t field, const qr_expr *alias)
{
	if (alias)
		return qr_c(alias, m->fields[field].colname);
	return qr_mapper_attr(m, m->fields[field].name);
}

qr_expr *qr_orm__rel_condition(const qr_rel *r, const qr_expr *owner_alias,
			       const qr_expr *target_alias)
{
	qr_expr *cond = NULL;

	for (size_t i = 0; i < r->ncols; i++) {
		qr_expr *eq =
			qr_eq(column(r->owner, r->local[i], owner_alias),
			      column(r->target, r->remote[i], target_alias));
		cond = cond ? qr_and_new(cond, eq, QR_END) : eq;
	}
	return cond;
}

/* cols = the values of obj's fields idx (binds), ANDed; IS NULL for
 * every column when obj is NULL. */
static qr_expr *match_values(const qr_mapper *cm, const size_t *cols,
			     const void *obj, const size_t *idx, size_t n)
{
	const qr_objhdr *h = obj ? qr_orm__hdr(obj) : NULL;
	qr_expr *cond = NULL;

	for (size_t i = 0; i < n; i++) {
		qr_expr *col = column(cm, cols[i], NULL), *e;
		qr_value v;
		if (h) {
			qr_orm__field_get(h, &h->mapper->fields[idx[i]], &v);
			e = qr_value_is_null(&v)
				    ? qr_is_null(col)
				    : qr_eq(col,
					    qr_bind_typed(
						    v,
						    cm->fields[cols[i]].type));
		} else {
			e = qr_is_null(col);
		}
		cond = cond ? qr_and_new(cond, e, QR_END) : e;
	}
	return cond;
}

/* A column of the secondary table, or of an alias of it. */
static qr_expr *sec_column(const qr_column *c, const qr_expr *alias)
{
	return alias ? qr_c(alias, qr_column_name(c)) : (qr_expr *)c;
}

/* owner.local = secondary.sec_local (owner side) AND secondary.sec_remote
 * = target.remote (target side), ANDed; each table on its alias when
 * given. */
static qr_expr *secondary_condition(const qr_rel *r, bool owner, bool target,
				    const qr_expr *owner_alias,
				    const qr_expr *sec_alias,
				    const qr_expr *target_alias)
{
	qr_expr *cond = NULL;

	for (size_t i = 0; i < r->ncols; i++) {
		qr_expr *eq;
		if (owner) {
			eq = qr_eq(column(r->owner, r->local[i], owner_alias),
				   sec_column(r->sec_local[i], sec_alias));
			cond = cond ? qr_and_new(cond, eq, QR_END) : eq;
		}
		if (target) {
			eq = qr_eq(
				column(r->target, r->remote[i], target_alias),
				sec_column(r->sec_remote[i], sec_alias));
			cond = cond ? qr_and_new(cond, eq, QR_END) : eq;
		}
	}
	return cond;
}

qr_expr *qr_orm__rel_secondary_outerjoin(qr_expr *left, const qr_rel *r,
					 const qr_expr *owner_alias,
					 qr_expr *sec_alias,
					 qr_expr *target_alias, qr_expr *extra)
{
	qr_expr *on = secondary_condition(r, false, true, NULL, sec_alias,
					  target_alias);
	qr_expr *inner;

	if (extra)
		on = qr_and_new(on, extra, QR_END);
	inner = qr_join_on(qr_expr_ref(sec_alias), qr_expr_ref(target_alias),
			   on);

	return qr_outerjoin_on(left, inner,
			       secondary_condition(r, true, false, owner_alias,
						   sec_alias, NULL));
}

/* EXISTS (SELECT 1 FROM secondary WHERE <one side's columns> = <the
 * other side, from obj's values> AND <the column side joined>): obj is
 * the owner (with_parent) or the target (contains). */
static qr_expr *secondary_exists(const qr_rel *r, const void *obj,
				 bool obj_is_owner)
{
	const qr_objhdr *h = qr_orm__hdr(obj);
	qr_expr *cond = secondary_condition(r, !obj_is_owner, obj_is_owner,
					    NULL, NULL, NULL);

	for (size_t i = 0; i < r->ncols; i++) {
		qr_column *c =
			obj_is_owner ? r->sec_local[i] : r->sec_remote[i];
		size_t f = obj_is_owner ? r->local[i] : r->remote[i];
		qr_value v;
		qr_orm__field_get(h, &h->mapper->fields[f], &v);
		cond = qr_and_new(cond,
				  qr_eq((qr_expr *)c,
					qr_bind_typed(v, *qr_column_type(c))),
				  QR_END);
	}
	return qr_exists(qr_select(qr_literal_column("1", QR_INTEGER),
				   qr_from((qr_expr *)r->secondary),
				   qr_where(cond)));
}

static qr_query *join_rel(qr_query *q, qr_mapping *owner, const char *name,
			  qr_expr *target, bool outer)
{
	qr_rel *r = qr_orm__rel_named(owner, name, "join along a relationship");
	bool is_alias = false;
	qr_mapper *tm;

	if (!r || !q) {
		qr_expr_free(target);
		qr_query_free(q);
		return NULL;
	}
	if (target) {
		tm = qr_orm__token_find(target, &is_alias, NULL);
		if (tm != r->target || !is_alias) {
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "join along %s.%s: the target must be an "
				     "aliased %s",
				     r->owner->name, r->name, r->target->name);
			qr_expr_free(target);
			qr_query_free(q);
			return NULL;
		}
	}
	if (r->kind == QR_REL_MANY_TO_MANY) {
		/* through the secondary table */
		qr_expr *on = NULL;
		for (size_t i = 0; i < r->ncols; i++) {
			qr_expr *eq = qr_eq(column(r->owner, r->local[i], NULL),
					    (qr_expr *)r->sec_local[i]);
			on = on ? qr_and_new(on, eq, QR_END) : eq;
		}
		q = (outer ? qr_query_outerjoin : qr_query_join)(
			q, qr_expr_ref((qr_expr *)r->secondary), on);
		on = NULL;
		for (size_t i = 0; i < r->ncols; i++) {
			qr_expr *eq =
				qr_eq((qr_expr *)r->sec_remote[i],
				      column(r->target, r->remote[i], target));
			on = on ? qr_and_new(on, eq, QR_END) : eq;
		}
		return (outer ? qr_query_outerjoin : qr_query_join)(
			q, target ? target : qr_mapper_entity(r->target), on);
	}
	return (outer ? qr_query_outerjoin : qr_query_join)(
		q, target ? target : qr_mapper_entity(r->target),
		qr_orm__rel_condition(r, NULL, target));
}

qr_query *qr_query_join_rel(qr_query *q, qr_mapping *owner, const char *rel,
			    qr_expr *target)
{
	return join_rel(q, owner, rel, target, false);
}

qr_query *qr_query_outerjoin_rel(qr_query *q, qr_mapping *owner,
				 const char *rel, qr_expr *target)
{
	return join_rel(q, owner, rel, target, true);
}

qr_expr *qr_rel_any(qr_mapping *owner, const char *rel, qr_expr *criterion)
{
	qr_rel *r = qr_orm__rel_named(owner, rel, "any/has");
	qr_expr *where;

	if (!r) {
		qr_expr_free(criterion);
		return NULL;
	}
	if (r->kind == QR_REL_MANY_TO_MANY) {
		where = secondary_condition(r, true, true, NULL, NULL, NULL);
		if (criterion)
			where = qr_and_new(where, criterion, QR_END);
		return qr_exists(qr_select(qr_literal_column("1", QR_INTEGER),
					   qr_from((qr_expr *)r->secondary,
						   qr_mapper_table(r->target)),
					   qr_where(where)));
	}
	where = qr_orm__rel_condition(r, NULL, NULL);
	if (criterion)
		where = qr_and_new(where, criterion, QR_END);
	return qr_exists(qr_select(qr_literal_column("1", QR_INTEGER),
				   qr_from(qr_mapper_table(r->target)),
				   qr_where(where)));
}

qr_expr *qr_rel_contains(qr_mapping *owner, const char *rel, const void *obj)
{
	qr_rel *r = qr_orm__rel_named(owner, rel, "contains");

	if (!r)
		return NULL;
	if (r->kind == QR_REL_MANY_TO_MANY && obj &&
	    qr_orm__check(obj, "contains") &&
	    qr_orm__isa(qr_orm__hdr(obj)->mapper, r->target))
		return secondary_exists(r, obj, false);
	if (r->kind != QR_REL_ONE_TO_MANY || !obj ||
	    !qr_orm__check(obj, "contains") ||
	    !qr_orm__isa(qr_orm__hdr(obj)->mapper, r->target)) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "contains: %s.%s is not a collection of the "
			     "object's type",
			     r->owner->name, r->name);
		return NULL;
	}
	/* users.id = <the address's user_id> */
	return match_values(r->owner, r->local, obj, r->remote, r->ncols);
}

qr_expr *qr_rel_eq(qr_mapping *owner, const char *rel, const void *obj)
{
	qr_rel *r = qr_orm__rel_named(owner, rel, "comparison");

	if (!r)
		return NULL;
	if (r->kind != QR_REL_MANY_TO_ONE ||
	    (obj && (!qr_orm__check(obj, "comparison") ||
		     !qr_orm__isa(qr_orm__hdr(obj)->mapper, r->target)))) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "comparison: %s.%s is not a many-to-one to the "
			     "object's type",
			     r->owner->name, r->name);
		return NULL;
	}
	/* addresses.user_id = <the user's id>, or IS NULL */
	return match_values(r->owner, r->local, obj, r->remote, r->ncols);
}

qr_expr *qr_rel_ne(qr_mapping *owner, const char *rel, const void *obj)
{
	qr_expr *e = qr_rel_eq(owner, rel, obj);
	return e ? qr_not(e) : NULL;
}

qr_expr *qr_rel_with_parent(const void *parent, const char *rel)
{
	qr_objhdr *h = qr_orm__check(parent, "with_parent");
	qr_rel *r;

	if (!h)
		return NULL;
	r = qr_orm__rel_named(h->mapper->mapping, rel, "with_parent");
	if (!r)
		return NULL;
	if (r->kind == QR_REL_MANY_TO_MANY)
		return secondary_exists(r, parent, true);
	/* addresses.user_id = <the parent's id> (one-to-many), or
	 * users.id = <the child's user_id> (many-to-one) */
	return match_values(r->target, r->remote, parent, r->local, r->ncols);
}

qr_query *qr_query_with_parent(qr_query *q, const void *parent, const char *rel)
{
	qr_expr *e = qr_rel_with_parent(parent, rel);

	if (!e) {
		qr_query_free(q);
		return NULL;
	}
	return qr_query_filter_(q, e, QR_END);
}

qr_query *qr_rel_query(void *obj, void *field)
{
	qr_objhdr *h = qr_orm__check(obj, "qr_rel_query");
	size_t off;
	qr_rel *r = NULL;
	qr_query *q;

	if (!h)
		return NULL;
	off = (size_t)((char *)field - (char *)obj);
	for (size_t i = 0; i < h->mapper->nrels && field; i++)
		if (h->mapper->rels[i].offset == off)
			r = &h->mapper->rels[i];
	if (!r || qr_orm__rel_resolve(r) != 0) {
		if (!r)
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "qr_rel_query: not a relationship "
				     "member of a %s object",
				     h->mapper->name);
		return NULL;
	}
	if (!h->session) {
		qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
			     "qr_rel_query: the %s object is in no session",
			     h->mapper->name);
		return NULL;
	}
	q = qr_query_with_parent(
		qr_query_new_(h->session, qr_mapper_entity(r->target), QR_END),
		obj, r->name);
	q = qr_orm__rel_order_query(q, r);
	return q;
}
