/*
 * relm2m.c - many-to-many collections at flush: the rows of the
 * secondary (association) table that collections gained and lost since
 * they were loaded or last flushed, as one INSERT and one DELETE
 * executemany per table. A pair seen from both sides (back-populated
 * collections) is written once.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

void qr_orm__m2m_snap_set(qr_objhdr *h, size_t i, const qr_objlist *l)
{
	qr_relstate *st = qr_orm__relstate(h, i);
	qr_objlist *old = st->snap, *copy = NULL;

	if (l && l->count && (copy = calloc(1, sizeof(*copy)))) {
		copy->items = malloc(l->count * sizeof(void *));
		if (copy->items) {
			memcpy(copy->items, l->items,
			       l->count * sizeof(void *));
			copy->count = copy->cap = l->count;
		} else {
			free(copy);
			copy = NULL;
		}
	}
	if (old) {
		qr_objlist_clear(old);
		free(old);
	}
	st->snap = copy;
}

typedef struct pair {
	const qr_rel *r; /* the canonical side */
	qr_objhdr *owner, *target;
	bool insert;
} pair;

typedef struct pairs {
	pair *v;
	size_t n, cap;
} pairs;

static int add_pair(pairs *ps, const qr_rel *r, qr_objhdr *a, qr_objhdr *b,
		    bool insert)
{
	pair p = {r, a, b, insert};

	/* the side of lower address speaks for both */
	if (r->back && r->back < r) {
		p.r = r->back;
		p.owner = b;
		p.target = a;
	}
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].r == p.r && ps->v[i].owner == p.owner &&
		    ps->v[i].target == p.target && ps->v[i].insert == insert)
			return 0;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 16;
		pair *v = realloc(ps->v, cap * sizeof(*v));
		if (!v)
			return qr_error_oom("flush");
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n++] = p;
	return 0;
}

/* The pairs of h's many-to-many relationships: in the collection and not
 * in the snapshot (insert), the other way round (delete). */
static int diff(pairs *ps, qr_objhdr *h)
{
	for (size_t i = 0; i < h->mapper->nrels; i++) {
		qr_rel *r = &h->mapper->rels[i];
		qr_relstate *st = qr_orm__relstate(h, i);
		const qr_objlist *cur, *snap = st->snap;
		int rc;

		if (r->kind != QR_REL_MANY_TO_MANY ||
		    !(st->flags & QR_RS_LOADED))
			continue;
		cur = (const qr_objlist *)((char *)qr_orm__obj(h) + r->offset);
		if (!cur->count && !snap)
			continue;
		if ((rc = qr_orm__rel_resolve(r)) != 0)
			return rc;
		for (size_t j = 0; j < cur->count; j++)
			if (qr_objlist_index(snap, cur->items[j]) < 0 &&
			    (rc = add_pair(ps, r, h, qr_orm__hdr(cur->items[j]),
					   true)) != 0)
				return rc;
		for (size_t j = 0; snap && j < snap->count; j++)
			if (qr_objlist_index(cur, snap->items[j]) < 0 &&
			    (rc = add_pair(ps, r, h,
					   qr_orm__hdr(snap->items[j]),
					   false)) != 0)
				return rc;
	}
	return 0;
}

/* Binds one pair's key values under the secondary columns' names. */
static int pair_params(qr_params *p, const pair *pr)
{
	const qr_rel *r = pr->r;
	int rc = 0;

	for (size_t i = 0; i < r->ncols && rc == 0; i++) {
		qr_value a, b;
		rc = qr_orm__field_get(pr->owner,
				       &r->owner->fields[r->local[i]], &a);
		if (rc == 0)
			rc = qr_orm__field_get(pr->target,
					       &r->target->fields[r->remote[i]],
					       &b);
		if (rc == 0)
			rc = qr_params_set(p, qr_column_name(r->sec_local[i]),
					   a);
		if (rc == 0)
			rc = qr_params_set(p, qr_column_name(r->sec_remote[i]),
					   b);
	}
	return rc;
}

/* One executemany of the pairs of rel r with the given insert flag. */
static int write_pairs(qr_session *s, qr_conn *conn, const pairs *ps,
		       const qr_rel *r, bool insert)
{
	qr_params *p = NULL;
	qr_stmt *stmt;
	qr_result *res = NULL;
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < ps->n && rc == 0; i++) {
		if (ps->v[i].r != r || ps->v[i].insert != insert)
			continue;
		if (!p && !(p = qr_params_new()))
			return qr_error_oom("flush");
		if (n++ && (rc = qr_params_next_row(p)) != 0)
			break;
		rc = pair_params(p, &ps->v[i]);
	}
	if (!n || rc) {
		qr_params_free(p);
		return rc;
	}
	if (insert) {
		stmt = qr_insert_new(r->secondary, QR_END);
	} else {
		stmt = qr_delete_new(r->secondary, QR_END);
		for (size_t i = 0; i < r->ncols; i++) {
			qr_column *cols[2] = {r->sec_local[i],
					      r->sec_remote[i]};
			for (int k = 0; k < 2; k++)
				stmt = qr_stmt_add(
					stmt,
					qr_where(qr_eq(
						cols[k],
						qr_param_typed(
							qr_column_name(cols[k]),
							*qr_column_type(
								cols[k])))));
		}
	}
	if (!stmt)
		rc = qr_error_last()->code ? qr_error_last()->code : QR_ENOMEM;
	else
		rc = qr_orm__exec(s, &res, conn, stmt, p);
	qr_result_free(res);
	qr_stmt_free(stmt);
	qr_params_free(p);
	return rc;
}

int qr_orm__flush_secondary(qr_session *s, qr_conn *conn)
{
	pairs ps = {0};
	size_t pos = 0;
	qr_objhdr *h;
	int rc = 0;

	while (rc == 0 && s->idmap.nrel &&
	       (h = qr_orm__idmap_next(&s->idmap, &pos)) != NULL)
		if (h->mapper->nrels)
			rc = diff(&ps, h);
	for (h = s->deleted_head; h && rc == 0; h = h->ext->lnext)
		if (h->mapper->nrels)
			rc = diff(&ps, h);
	/* deletes first: a pair removed and added again stays */
	for (size_t i = 0; i < ps.n && rc == 0; i++) {
		const qr_rel *r = ps.v[i].r;
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = ps.v[j].r != r;
		if (first)
			rc = write_pairs(s, conn, &ps, r, false);
	}
	for (size_t i = 0; i < ps.n && rc == 0; i++) {
		const qr_rel *r = ps.v[i].r;
		bool first = true;
		for (size_t j = 0; j < i && first; j++)
			first = ps.v[j].r != r;
		if (first)
			rc = write_pairs(s, conn, &ps, r, true);
	}
	free(ps.v);
	return rc;
}

bool qr_orm__m2m_dirty(qr_session *s)
{
	size_t pos = 0;
	qr_objhdr *h;

	for (int pass = 0; pass < 2; pass++) {
		/* the identity map only when it holds objects with
		 * relationships */
		if (pass)
			h = s->deleted_head;
		else
			h = s->idmap.nrel ? qr_orm__idmap_next(&s->idmap, &pos)
					  : NULL;
		while (h) {
			for (size_t i = 0; i < h->mapper->nrels; i++) {
				const qr_rel *r = &h->mapper->rels[i];
				const qr_relstate *st = qr_orm__relstate(h, i);
				const qr_objlist *cur, *snap = st->snap;
				if (r->kind != QR_REL_MANY_TO_MANY ||
				    !(st->flags & QR_RS_LOADED))
					continue;
				cur = (const qr_objlist *)((char *)qr_orm__obj(
								   h) +
							   r->offset);
				if (cur->count != (snap ? snap->count : 0))
					return true;
				for (size_t j = 0; j < cur->count; j++)
					if (qr_objlist_index(snap,
							     cur->items[j]) < 0)
						return true;
			}
			h = pass ? h->ext->lnext
				 : qr_orm__idmap_next(&s->idmap, &pos);
		}
	}
	return false;
}
