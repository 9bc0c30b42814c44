/*
 * relload.c - loading relationships: the collections of a batch of
 * parents with one SELECT per chunk (WHERE fk = :key, or fk IN (...)),
 * and many-to-one references from the identity map or one SELECT by
 * key. qr_rel_load() is the lazy loader; eager strategies reuse it.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

#define QR_ORM_IN_CHUNK 500

static qr_objlist *collection(const qr_objhdr *h, const qr_rel *r)
{
	return (qr_objlist *)((char *)qr_orm__obj(h) + r->offset);
}

static void **reference(const qr_objhdr *h, const qr_rel *r)
{
	return (void **)((char *)qr_orm__obj(h) + r->offset);
}

static qr_relstate *state_of(const qr_objhdr *h, const qr_rel *r)
{
	return qr_orm__relstate(h, (size_t)(r - r->owner->rels));
}

/* WHERE cols = values (one object) or cols IN (values...) (single
 * column). The values are read from objs' fields idx. NULL on error. */
static qr_expr *key_criterion(qr_mapper *colmap, const size_t *cols,
			      qr_objhdr **objs, const size_t *idx, size_t ncols,
			      size_t n, bool batch)
{
	qr_expr *crit = NULL;
	qr_value *vals;

	if ((n == 1 && !batch) || ncols > 1) {
		for (size_t k = 0; k < n; k++) {
			qr_expr *one = NULL;
			for (size_t i = 0; i < ncols; i++) {
				qr_value v;
				qr_expr *eq;
				qr_orm__field_get(
					objs[k],
					&objs[k]->mapper->fields[idx[i]], &v);
				eq = qr_eq(
					qr_mapper_attr(
						colmap,
						colmap->fields[cols[i]].name),
					qr_bind_typed(
						v,
						colmap->fields[cols[i]].type));
				one = one ? qr_and_new(one, eq, QR_END) : eq;
			}
			crit = crit ? qr_or_new(crit, one, QR_END) : one;
		}
		return crit;
	}
	if (!(vals = calloc(n, sizeof(*vals)))) {
		qr_error_oom("relationship load");
		return NULL;
	}
	for (size_t k = 0; k < n; k++)
		qr_orm__field_get(objs[k], &objs[k]->mapper->fields[idx[0]],
				  &vals[k]);
	crit = qr_in_values(
		qr_mapper_attr(colmap, colmap->fields[cols[0]].name), vals, n);
	free(vals);
	return crit;
}

/* Whether r's local columns are its owner's primary key, in order (a
 * parent is then found by key in the identity map). */
static bool local_is_pk(const qr_rel *r)
{
	bool by_pk = r->ncols == r->owner->npk && r->ncols <= 16;

	for (size_t i = 0; i < r->ncols && by_pk; i++)
		by_pk = r->owner->fields[r->local[i]].pk_pos == (int)i;
	return by_pk;
}

/* The owner of r in s's identity map whose key is vals (r->ncols of
 * them; local_is_pk(r)), or NULL. */
static qr_objhdr *owner_by_key(const qr_rel *r, const qr_value *vals,
			       qr_session *s)
{
	qr_ikey *key = NULL;
	qr_objhdr *p;

	if (qr_orm__key_from_values(&key, r->owner, vals, r->ncols) != 0 ||
	    !key)
		return NULL;
	p = qr_orm__idmap_get(&s->idmap, key);
	free(key);
	return p;
}

/* The parent among parents whose fields local equal c's remote ones. */
static qr_objhdr *parent_of(const qr_rel *r, qr_objhdr *c, qr_objhdr **parents,
			    size_t n, qr_session *s)
{
	qr_value vals[16];

	if (local_is_pk(r)) {
		for (size_t i = 0; i < r->ncols; i++)
			qr_orm__field_get(c, &c->mapper->fields[r->remote[i]],
					  &vals[i]);
		return owner_by_key(r, vals, s);
	}
	for (size_t k = 0; k < n; k++) {
		bool same = true;
		for (size_t i = 0; i < r->ncols && same; i++) {
			qr_value a, b;
			qr_orm__field_get(c, &c->mapper->fields[r->remote[i]],
					  &a);
			qr_orm__field_get(parents[k],
					  &r->owner->fields[r->local[i]], &b);
			same = qr_value_equal(&a, &b);
		}
		if (same)
			return parents[k];
	}
	return NULL;
}

/* One SELECT of the children of parents[0..n) (n <= chunk). */
/* One SELECT of the children of parents[0..n): WHERE fk = / IN (keys),
 * or, with sub (the parents' query as a subquery, taken), JOIN sub ON
 * fk = sub.<key> (the subquery strategy: any number of parents). */
static int load_children(qr_session *s, qr_rel *r, qr_objhdr **parents,
			 size_t n, bool batch, qr_expr *sub,
			 const qr_qload *loads, size_t nloads)
{
	qr_mapper *t = r->target;
	qr_objlist l = QR_OBJLIST_INIT;
	qr_query *q;
	int rc;

	for (size_t k = 0; k < n; k++) {
		if (r->kind == QR_REL_ONE_TO_ONE)
			*reference(parents[k], r) = NULL;
		else
			qr_objlist_clear(collection(parents[k], r));
	}
	q = qr_orm__query_add_loads(
		qr_query_new_(s, qr_mapper_entity(t), QR_END), loads, nloads);
	if (sub) {
		qr_expr *on = NULL;
		for (size_t i = 0; i < r->ncols; i++) {
			qr_expr *eq = qr_eq(
				(qr_expr *)t->fields[r->remote[i]].column,
				qr_c(sub,
				     r->owner->fields[r->local[i]].colname));
			on = on ? qr_and_new(on, eq, QR_END) : eq;
		}
		q = qr_query_join(q, sub, on);
	} else {
		q = qr_query_filter_(q,
				     key_criterion(t, r->remote, parents,
						   r->local, r->ncols, n,
						   batch),
				     QR_END);
	}
	q = qr_orm__rel_order_query(q, r);
	rc = qr_query_all(&l, q);
	for (size_t i = 0; i < l.count && rc == 0; i++) {
		qr_objhdr *c = qr_orm__hdr(l.items[i]);
		qr_objhdr *p = parent_of(r, c, parents, n, s);
		if (!p)
			continue;
		if (r->kind == QR_REL_ONE_TO_ONE) {
			if (!*reference(p, r)) /* the first, as SQLAlchemy */
				*reference(p, r) = l.items[i];
		} else {
			rc = qr_objlist_append(collection(p, r), l.items[i]);
		}
		if (rc == 0 && r->back &&
		    !(state_of(c, r->back)->flags & QR_RS_LOADED)) {
			*reference(c, r->back) = qr_orm__obj(p);
			state_of(c, r->back)->snap = qr_orm__obj(p);
			state_of(c, r->back)->flags |= QR_RS_LOADED;
		}
	}
	qr_objlist_clear(&l);
	for (size_t k = 0; k < n && rc == 0; k++)
		state_of(parents[k], r)->flags |= QR_RS_LOADED;
	return rc;
}

/* Many-to-many: SELECT target.*, secondary.<owner key> FROM target JOIN
 * secondary ON target.key = secondary.<target key> WHERE
 * secondary.<owner key> IN (...): each row names its parent. */
static int load_chunk_m2m(qr_session *s, qr_rel *r, qr_objhdr **parents,
			  size_t n, bool batch, const qr_qload *loads,
			  size_t nloads)
{
	qr_mapper *t = r->target;
	qr_expr *on = NULL, *crit = NULL;
	qr_query *q;
	qr_orm_result *res = NULL;
	const qr_orm_row *row;
	bool by_key = local_is_pk(r);
	uint32_t mark;
	int rc;

	for (size_t k = 0; k < n; k++)
		qr_objlist_clear(collection(parents[k], r));
	q = qr_orm__query_add_loads(
		qr_query_new_(s, qr_mapper_entity(t), QR_END), loads, nloads);
	for (size_t i = 0; i < r->ncols; i++) {
		qr_expr *eq = qr_eq((qr_expr *)t->fields[r->remote[i]].column,
				    (qr_expr *)r->sec_remote[i]);
		on = on ? qr_and_new(on, eq, QR_END) : eq;
		q = qr_query_add_columns_(q, (qr_expr *)r->sec_local[i],
					  QR_END);
	}
	q = qr_query_join(q, qr_expr_ref((qr_expr *)r->secondary), on);
	if (r->ncols == 1 && (batch || n > 1)) {
		qr_value *vals = calloc(n, sizeof(*vals));
		if (!vals) {
			qr_query_free(q);
			return qr_error_oom("relationship load");
		}
		for (size_t k = 0; k < n; k++)
			qr_orm__field_get(parents[k],
					  &r->owner->fields[r->local[0]],
					  &vals[k]);
		crit = qr_in_values((qr_expr *)r->sec_local[0], vals, n);
		free(vals);
	} else {
		for (size_t k = 0; k < n; k++) {
			qr_expr *one = NULL;
			for (size_t i = 0; i < r->ncols; i++) {
				qr_value v;
				qr_expr *eq;
				qr_orm__field_get(
					parents[k],
					&r->owner->fields[r->local[i]], &v);
				eq = qr_eq(
					(qr_expr *)r->sec_local[i],
					qr_bind_typed(
						v, *qr_column_type(
							   r->sec_local[i])));
				one = one ? qr_and_new(one, eq, QR_END) : eq;
			}
			crit = crit ? qr_or_new(crit, one, QR_END) : one;
		}
	}
	q = qr_query_filter_(q, crit, QR_END);
	q = qr_orm__rel_order_query(q, r);
	rc = qr_query_execute(&res, q);
	/* the parents of this chunk, marked once the query's own loading
	 * (which marks objects too) is done: a row's parent is found by
	 * key when the secondary table references the owner's key */
	mark = qr_orm__next_mark(s);
	for (size_t k = 0; k < n; k++)
		parents[k]->mark = mark;
	while (rc == 0 && (rc = qr_orm_result_next(res, &row)) == 1) {
		void *child = qr_orm_row_object(row, 0);
		rc = 0;
		if (child && by_key) {
			qr_value vals[16];
			qr_objhdr *p;
			for (size_t i = 0; i < r->ncols; i++)
				vals[i] = *qr_orm_row_value(row, 1 + i);
			p = owner_by_key(r, vals, s);
			if (p && p->mark == mark)
				rc = qr_objlist_append(collection(p, r), child);
			continue;
		}
		for (size_t k = 0; k < n && child && rc == 0; k++) {
			bool same = true;
			for (size_t i = 0; i < r->ncols && same; i++) {
				qr_value a;
				qr_orm__field_get(
					parents[k],
					&r->owner->fields[r->local[i]], &a);
				same = qr_value_equal(
					&a, qr_orm_row_value(row, 1 + i));
			}
			if (same)
				rc = qr_objlist_append(
					collection(parents[k], r), child);
		}
	}
	qr_orm_result_free(res);
	if (rc < 0)
		return rc;
	for (size_t k = 0; k < n; k++) {
		state_of(parents[k], r)->flags |= QR_RS_LOADED;
		qr_orm__m2m_snap_set(parents[k], (size_t)(r - r->owner->rels),
				     collection(parents[k], r));
	}
	return 0;
}

/* Whether a many-to-one references the target's primary key (so the
 * identity map can answer). */
static bool refs_pk(const qr_rel *r)
{
	if (r->ncols != r->target->npk)
		return false;
	for (size_t i = 0; i < r->ncols; i++)
		if (r->target->fields[r->remote[i]].pk_pos != (int)i)
			return false;
	return true;
}

/* Many-to-one: from the identity map, else one SELECT of the missing
 * targets (by key, IN for several). */
static int load_refs(qr_session *s, qr_rel *r, qr_objhdr **objs, size_t n,
		     bool batch, const qr_qload *loads, size_t nloads)
{
	qr_mapper *t = r->target;
	qr_objhdr **miss = malloc((n ? n : 1) * sizeof(*miss));
	size_t nmiss = 0;
	int rc = 0;

	if (!miss)
		return qr_error_oom("relationship load");
	for (size_t k = 0; k < n; k++) {
		qr_objhdr *h = objs[k], *found = NULL;
		qr_value vals[16];
		bool null = false;
		qr_ikey *key = NULL;

		for (size_t i = 0; i < r->ncols && i < 16; i++) {
			qr_orm__field_get(h, &h->mapper->fields[r->local[i]],
					  &vals[i]);
			null = null || qr_value_is_null(&vals[i]);
		}
		/* (populate_existing: the targets' rows are read again) */
		if (!null && refs_pk(r) && !s->populating &&
		    qr_orm__key_from_values(&key, t, vals, r->ncols) == 0 &&
		    key) {
			found = qr_orm__idmap_get(&s->idmap, key);
			free(key);
		}
		if (null || found) {
			*reference(h, r) = found ? qr_orm__obj(found) : NULL;
			state_of(h, r)->snap = *reference(h, r);
			state_of(h, r)->flags |= QR_RS_LOADED;
		} else {
			miss[nmiss++] = h;
		}
	}
	for (size_t off = 0; off < nmiss && rc == 0; off += QR_ORM_IN_CHUNK) {
		size_t m = nmiss - off < QR_ORM_IN_CHUNK ? nmiss - off
							 : QR_ORM_IN_CHUNK;
		qr_objlist l = QR_OBJLIST_INIT;
		qr_query *q = qr_orm__query_add_loads(
			qr_query_new_(s, qr_mapper_entity(t), QR_END), loads,
			nloads);
		q = qr_query_filter_(q,
				     key_criterion(t, r->remote, miss + off,
						   r->local, r->ncols, m,
						   batch),
				     QR_END);
		rc = qr_query_all(&l, q);
		/* each object's target among the rows: by the referenced
		 * columns (the primary key, or another unique key) */
		for (size_t k = off; k < off + m && rc == 0; k++) {
			qr_objhdr *h = miss[k];
			qr_objhdr *found = NULL;
			for (size_t j = 0; j < l.count && !found; j++) {
				qr_objhdr *c = qr_orm__hdr(l.items[j]);
				bool same = true;
				for (size_t i = 0; i < r->ncols && same; i++) {
					qr_value a, b;
					qr_orm__field_get(
						h,
						&h->mapper->fields[r->local[i]],
						&a);
					qr_orm__field_get(
						c, &t->fields[r->remote[i]],
						&b);
					same = qr_value_equal(&a, &b);
				}
				if (same)
					found = c;
			}
			*reference(h, r) = found ? qr_orm__obj(found) : NULL;
			state_of(h, r)->snap = *reference(h, r);
			state_of(h, r)->flags |= QR_RS_LOADED;
		}
		qr_objlist_clear(&l);
	}
	free(miss);
	return rc;
}

static int load_chunk(qr_session *s, qr_rel *r, qr_objhdr **parents, size_t n,
		      bool batch, const qr_qload *loads, size_t nloads)
{
	return load_children(s, r, parents, n, batch, NULL, loads, nloads);
}

int qr_orm__load_rel_subquery(qr_session *s, qr_rel *r, qr_objhdr **objs,
			      size_t n, qr_expr *sub, const qr_qload *loads,
			      size_t nloads)
{
	uint64_t before = s->stats.statements;
	int rc = qr_orm__rel_resolve(r);

	if (rc == 0)
		rc = qr_orm__autoflush(s);
	if (rc) {
		qr_expr_free(sub);
		return rc;
	}
	s->rel_loading++;
	rc = load_children(s, r, objs, n, true, sub, loads, nloads);
	s->rel_loading--;
	if (s->stats.statements != before)
		s->stats.rel_loads++;
	return rc;
}

int qr_orm__load_rel(qr_session *s, qr_rel *r, qr_objhdr **objs, size_t n,
		     bool batch, const qr_qload *loads, size_t nloads)
{
	uint64_t before = s->stats.statements;
	size_t k = 0;
	int rc;

	if ((rc = qr_orm__rel_resolve(r)) != 0)
		return rc;
	if ((rc = qr_orm__autoflush(s)) != 0)
		return rc;
	s->rel_loading++;
	if (r->kind == QR_REL_MANY_TO_ONE) {
		rc = load_refs(s, r, objs, n, batch, loads, nloads);
	} else {
		/* parents without a key (pending) have no rows to load */
		qr_objhdr **todo = malloc((n ? n : 1) * sizeof(*todo));
		if (!todo)
			rc = qr_error_oom("relationship load");
		for (size_t i = 0; i < n && rc == 0; i++) {
			if (objs[i]->state == QR_STATE_PERSISTENT)
				todo[k++] = objs[i];
			else
				state_of(objs[i], r)->flags |= QR_RS_LOADED;
		}
		for (size_t off = 0; off < k && rc == 0; off += QR_ORM_IN_CHUNK)
			rc = (r->kind == QR_REL_MANY_TO_MANY ? load_chunk_m2m
							     : load_chunk)(
				s, r, todo + off,
				k - off < QR_ORM_IN_CHUNK ? k - off
							  : QR_ORM_IN_CHUNK,
				batch, loads, nloads);
		free(todo);
	}
	s->rel_loading--;
	if (s->stats.statements != before)
		s->stats.rel_loads++;
	return rc;
}

int qr_rel_load(void *obj, void *field)
{
	qr_objhdr *h = qr_orm__check(obj, "qr_rel_load");
	size_t off;
	qr_rel *r = NULL;
	qr_loadset *set;
	qr_lazy lazy;
	int rc;

	if (!h)
		return QR_EINVAL;
	off = (size_t)((char *)field - (char *)obj);
	for (size_t i = 0; i < h->mapper->nrels && field; i++)
		if (h->mapper->rels[i].offset == off)
			r = &h->mapper->rels[i];
	if (!r)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_rel_load: not a relationship member "
				    "of a %s object",
				    h->mapper->name);
	if (state_of(h, r)->flags & QR_RS_LOADED)
		return 0;
	lazy = (state_of(h, r)->flags & QR_RS_RAISE)    ? QR_LAZY_RAISE
	       : (state_of(h, r)->flags & QR_RS_NOLOAD) ? QR_LAZY_NOLOAD
							: r->lazy;
	if (lazy == QR_LAZY_DYNAMIC)
		return qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				    "qr_rel_load: %s.%s is dynamic: query it "
				    "with qr_rel_query",
				    h->mapper->name, r->name);
	if (lazy == QR_LAZY_RAISE)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "'%s.%s' is not available due to "
				    "lazy='raise'",
				    h->mapper->name, r->name);
	if (lazy == QR_LAZY_NOLOAD) {
		state_of(h, r)->flags |= QR_RS_LOADED;
		return 0;
	}
	if (!h->session ||
	    (h->state != QR_STATE_PERSISTENT && h->state != QR_STATE_PENDING))
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "qr_rel_load: the %s object is %s: %s.%s "
				    "cannot be loaded",
				    h->mapper->name,
				    qr_objstate_name((qr_objstate)h->state),
				    h->mapper->name, r->name);
	if ((h->flags & QR_OF_EXPIRED) && h->state == QR_STATE_PERSISTENT &&
	    (rc = qr_orm__load_object(h->session, h, false)) != 0)
		return rc;
	/* the options a query left for it (held: the load may replace
	 * them) */
	if ((set = state_of(h, r)->opts) != NULL)
		set->refs++;
	rc = qr_orm__load_rel(h->session, r, &h, 1, false,
			      set ? set->loads : NULL, set ? set->n : 0);
	qr_orm__loadset_release(set);
	return rc;
}
