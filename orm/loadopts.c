/*
 * loadopts.c - loader options as paths of hops
 * (selectinload(User.orders).joinedload(Order.items)): building them,
 * the strategy they give a relationship, the options reaching a
 * relationship's target (the paths through it, after its hop), and the
 * sets of options objects keep for their lazy relationships.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

void qr_orm__loads_free(qr_qload *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].hops);
		qr_expr_free(l[i].alias);
	}
	free(l);
}

/* Fills *dst with the hops [from, src->nhops) of src (alias referenced). */
static int load_copy(qr_qload *dst, const qr_qload *src, size_t from)
{
	size_t n = src->nhops - from;

	dst->hops = malloc(n * sizeof(*dst->hops));
	if (!dst->hops)
		return qr_error_oom("loader options");
	memcpy(dst->hops, src->hops + from, n * sizeof(*dst->hops));
	dst->nhops = n;
	dst->contains_eager = src->contains_eager;
	dst->alias = qr_expr_ref(src->alias);
	return 0;
}

int qr_orm__loads_copy(qr_qload **out, const qr_qload *l, size_t n)
{
	qr_qload *c;
	int rc = 0;

	*out = NULL;
	if (!n)
		return 0;
	if (!(c = calloc(n, sizeof(*c))))
		return qr_error_oom("loader options");
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = load_copy(&c[i], &l[i], 0);
	if (rc) {
		qr_orm__loads_free(c, n);
		return rc;
	}
	*out = c;
	return 0;
}

qr_lazy qr_orm__loads_strategy(const qr_qload *l, size_t n, const qr_rel *r,
			       bool *explicit)
{
	for (size_t i = n; i-- > 0;)
		if (qr_orm__rel_is(l[i].hops[0].rel, r) &&
		    !l[i].contains_eager &&
		    l[i].hops[0].lazy != QR_LAZY_DEFAULT) {
			if (explicit)
				*explicit = true;
			return l[i].hops[0].lazy;
		}
	if (explicit)
		*explicit = false;
	return r->lazy;
}

int qr_orm__loads_through(qr_qload **out, size_t *nout, const qr_qload *l,
			  size_t n, const qr_rel *r)
{
	size_t k = 0;
	qr_qload *c;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < n; i++)
		k += qr_orm__rel_is(l[i].hops[0].rel, r) && l[i].nhops > 1;
	if (!k)
		return 0;
	if (!(c = calloc(k, sizeof(*c))))
		return qr_error_oom("loader options");
	k = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (qr_orm__rel_is(l[i].hops[0].rel, r) && l[i].nhops > 1 &&
		    (rc = load_copy(&c[k], &l[i], 1)) == 0)
			k++;
	if (rc) {
		qr_orm__loads_free(c, k);
		return rc;
	}
	*out = c;
	*nout = k;
	return 0;
}

qr_query *qr_orm__query_add_loads(qr_query *q, const qr_qload *l, size_t n)
{
	for (size_t i = 0; i < n && q; i++) {
		qr_qload c;
		if (load_copy(&c, &l[i], 0) != 0) {
			qr_query_free(q);
			return NULL;
		}
		q = qr_orm__query_add_load(q, &c);
	}
	return q;
}

qr_loadset *qr_orm__loadset_new(qr_qload *l, size_t n)
{
	qr_loadset *set = malloc(sizeof(*set));

	if (!set) {
		qr_orm__loads_free(l, n);
		qr_error_oom("loader options");
		return NULL;
	}
	set->refs = 1;
	set->loads = l;
	set->n = n;
	return set;
}

void qr_orm__loadset_release(qr_loadset *set)
{
	if (!set || --set->refs > 0)
		return;
	qr_orm__loads_free(set->loads, set->n);
	free(set);
}

void qr_orm__relstate_set_opts(qr_objhdr *h, const qr_rel *r, qr_loadset *set)
{
	qr_relstate *st = qr_orm__relstate(h, (size_t)(r - r->owner->rels));

	if (set)
		set->refs++;
	qr_orm__loadset_release(st->opts);
	st->opts = set;
}

static bool strategy_ok(qr_lazy lz)
{
	return lz == QR_LAZY_SELECT || lz == QR_LAZY_JOINED ||
	       lz == QR_LAZY_SELECTIN || lz == QR_LAZY_RAISE ||
	       lz == QR_LAZY_NOLOAD || lz == QR_LAZY_SUBQUERY ||
	       lz == QR_LAZY_DEFAULT;
}

qr_query *qr_orm__load_path(qr_query *q, qr_mapping *owner,
			    const qr_load_hop *path, size_t n, const char *what)
{
	qr_mapper *m = NULL;
	qr_qload l = {0};

	if (!q)
		return NULL; /* the first error stays */
	if (!path || !n) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT, "%s: an empty path",
			     what);
		qr_query_free(q);
		return NULL;
	}
	if (!(l.hops = calloc(n, sizeof(*l.hops)))) {
		qr_error_oom("loader options");
		qr_query_free(q);
		return NULL;
	}
	l.nhops = n;
	for (size_t i = 0; i < n; i++) {
		qr_rel *r = i ? qr_orm__mapper_rel(m, path[i].rel, what)
			      : qr_orm__rel_named(owner, path[i].rel, what);
		if (r && !strategy_ok(path[i].lazy)) {
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "%s: unknown strategy %d for %s.%s", what,
				     (int)path[i].lazy, r->owner->name,
				     r->name);
			r = NULL;
		}
		if (!r) {
			free(l.hops);
			qr_query_free(q);
			return NULL;
		}
		l.hops[i].rel = r;
		l.hops[i].lazy = path[i].lazy;
		m = r->target;
	}
	return qr_orm__query_add_load(q, &l);
}

qr_query *qr_query_load_path(qr_query *q, qr_mapping *owner,
			     const qr_load_hop *path, size_t n)
{
	return qr_orm__load_path(q, owner, path, n, "qr_query_load_path");
}
