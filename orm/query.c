/*
 * query.c - building ORM queries: entities and columns, criteria,
 * ordering, grouping, joins, limits; and the Core SELECT they compile
 * to. Builders take the query and return it, changed in place when the
 * caller held the only reference (copy on write otherwise).
 */
#include "orm_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- expression vectors ------------------------------------------------ */

static int vec_push(qr_exprvec *v, qr_expr *e)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		qr_expr **p = realloc(v->items, cap * sizeof(*p));
		if (!p) {
			qr_expr_free(e);
			return qr_error_oom("query");
		}
		v->items = p;
		v->cap = cap;
	}
	v->items[v->n++] = e;
	return 0;
}

static void vec_free(qr_exprvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		qr_expr_free(v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

static int vec_copy(qr_exprvec *dst, const qr_exprvec *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++) {
		int rc = vec_push(dst, qr_expr_ref(src->items[i]));
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- life ------------------------------------------------------------------
 */

static void wp_free(qr_wpoly *wp)
{
	if (wp)
		free(wp->subs);
	free(wp);
}

static void item_free(qr_qitem *it)
{
	free(it->defer);
	qr_expr_free(it->from);
	qr_expr_free(it->expr);
	qr_expr_free(it->pfrom);
	wp_free(it->wp);
	free(it->name);
}

static void query_destroy(qr_query *q)
{
	qr_expr_free(q->for_of);
	qr_expr_free(q->adapt_to);
	for (size_t i = 0; i < q->nadapt; i++)
		qr_expr_free(q->adapt_from[i]);
	free(q->adapt_from);
	for (size_t i = 0; i < q->nitems; i++)
		item_free(&q->items[i]);
	free(q->items);
	vec_free(&q->where);
	vec_free(&q->order);
	vec_free(&q->group);
	vec_free(&q->having);
	for (size_t i = 0; i < q->njoins; i++) {
		qr_expr_free(q->joins[i].target);
		qr_expr_free(q->joins[i].on);
	}
	free(q->joins);
	qr_expr_free(q->select_from);
	qr_params_free(q->params);
	qr_stmt_free(q->from_stmt);
	qr_orm__loads_free(q->loads, q->nloads);
	free(q);
}

qr_query *qr_query_ref(qr_query *q)
{
	if (q)
		q->refs++;
	return q;
}

void qr_query_free(qr_query *q)
{
	if (q && --q->refs == 0)
		query_destroy(q);
}

/* Copies a parameter set (the query keeps its own). */
qr_params *qr_orm__params_copy(const qr_params *p)
{
	qr_params *c = qr_params_new();

	for (size_t r = 0; c && r < qr_params_row_count(p); r++) {
		if (r && qr_params_next_row(c) != 0)
			goto fail;
		for (size_t i = 0; i < qr_params_count(p, r); i++)
			if (qr_params_set(c, qr_params_name_at(p, r, i),
					  *qr_params_value_at(p, r, i)) != 0)
				goto fail;
	}
	return c;
fail:
	qr_params_free(c);
	return NULL;
}

int qr_orm__query_item_copy(qr_qitem *dst, const qr_qitem *src)
{
	*dst = *src;
	dst->from = qr_expr_ref(src->from);
	dst->expr = qr_expr_ref(src->expr);
	dst->pfrom = qr_expr_ref(src->pfrom);
	dst->name = NULL;
	dst->wp = NULL;
	dst->defer = NULL;
	if (src->defer &&
	    !(dst->defer =
		      malloc(src->mapper->nfields ? src->mapper->nfields : 1)))
		return qr_error_oom("query");
	if (src->defer)
		memcpy(dst->defer, src->defer, src->mapper->nfields);
	if (src->name && !(dst->name = strdup(src->name)))
		return qr_error_oom("query");
	if (src->wp) {
		size_t n = src->wp->n;
		if (!(dst->wp = calloc(1, sizeof(*dst->wp))) ||
		    !(dst->wp->subs = malloc((n ? n : 1) * sizeof(void *))))
			return qr_error_oom("query");
		memcpy(dst->wp->subs, src->wp->subs, n * sizeof(void *));
		dst->wp->n = n;
	}
	return 0;
}

static qr_query *query_clone(const qr_query *q)
{
	qr_query *c = calloc(1, sizeof(*c));
	int rc = 0;

	if (!c) {
		qr_error_oom("query");
		return NULL;
	}
	c->refs = 1;
	c->session = q->session;
	c->limit = q->limit;
	c->offset = q->offset;
	c->distinct = q->distinct;
	c->for_update = q->for_update;
	c->for_of = qr_expr_ref(q->for_of);
	c->for_flags = q->for_flags;
	c->yield_per = q->yield_per;
	c->populate_existing = q->populate_existing;
	c->adapt_to = qr_expr_ref(q->adapt_to);
	if (q->nadapt &&
	    !(c->adapt_from = malloc(q->nadapt * sizeof(*c->adapt_from))))
		rc = qr_error_oom("query");
	for (size_t i = 0; i < q->nadapt && rc == 0; i++)
		c->adapt_from[c->nadapt++] = qr_expr_ref(q->adapt_from[i]);
	c->fb_mapper = q->fb_mapper;
	c->fb_from = q->fb_from;
	c->items = calloc(q->nitems ? q->nitems : 1, sizeof(*c->items));
	c->joins = calloc(q->njoins ? q->njoins : 1, sizeof(*c->joins));
	if (!c->items || !c->joins)
		rc = qr_error_oom("query");
	for (size_t i = 0; i < q->nitems && rc == 0; i++) {
		rc = qr_orm__query_item_copy(&c->items[i], &q->items[i]);
		c->nitems = i + 1;
	}
	for (size_t i = 0; i < q->njoins && rc == 0; i++) {
		c->joins[i].target = qr_expr_ref(q->joins[i].target);
		c->joins[i].on = qr_expr_ref(q->joins[i].on);
		c->joins[i].outer = q->joins[i].outer;
		c->njoins = i + 1;
	}
	if (rc == 0)
		rc = vec_copy(&c->where, &q->where);
	if (rc == 0)
		rc = vec_copy(&c->order, &q->order);
	if (rc == 0)
		rc = vec_copy(&c->group, &q->group);
	if (rc == 0)
		rc = vec_copy(&c->having, &q->having);
	c->select_from = qr_expr_ref(q->select_from);
	c->from_stmt = qr_expr_ref(q->from_stmt);
	if (rc == 0 && q->params &&
	    !(c->params = qr_orm__params_copy(q->params)))
		rc = QR_ENOMEM;
	if (rc == 0 &&
	    (rc = qr_orm__loads_copy(&c->loads, q->loads, q->nloads)) == 0)
		c->nloads = q->nloads;
	if (rc) {
		query_destroy(c);
		return NULL;
	}
	return c;
}

/* The query to change: q itself when the caller holds the only
 * reference, else a copy (q's reference is dropped). */
static qr_query *writable(qr_query *q)
{
	qr_query *c;

	if (q->refs == 1)
		return q;
	c = query_clone(q);
	q->refs--;
	return c;
}

/* Releases q (and the expressions of a va_list ending in QR_END). */
static qr_query *fail_list(qr_query *q, qr_expr *first, va_list ap)
{
	for (qr_expr *e = first; e != QR_END; e = va_arg(ap, qr_expr *))
		qr_expr_free(e);
	qr_query_free(q);
	return NULL;
}

/* ---- items -----------------------------------------------------------------
 */

static qr_expr *item_from(const qr_qitem *it);

/* Whether a set operation's query adapts from (see qr_orm__query_adapt). */
static bool adapts(const qr_query *q, const qr_expr *from)
{
	for (size_t i = 0; i < q->nadapt; i++)
		if (q->adapt_from[i] == from)
			return true;
	return false;
}

static int add_item(qr_query *q, qr_expr *e)
{
	const char *alias_name = NULL;
	bool is_alias = false;
	qr_mapper *m = qr_orm__token_find(e, &is_alias, &alias_name);
	qr_qitem *items, *it;

	/* a set operation's query: the entity's rows are the subquery's */
	if (m && !is_alias && adapts(q, m->table)) {
		qr_expr_free(e);
		e = qr_expr_ref(q->adapt_to);
		is_alias = true;
		alias_name = m->name;
	} else if (!m && !(e = qr_orm__query_adapt(q, e))) {
		return qr_error_last()->code ? qr_error_last()->code
					     : QR_EINVAL;
	}

	items = realloc(q->items, (q->nitems + 1) * sizeof(*items));
	if (!items) {
		qr_expr_free(e);
		return qr_error_oom("query");
	}
	q->items = items;
	it = &q->items[q->nitems];
	memset(it, 0, sizeof(*it));
	if (m) {
		it->kind = QR_QI_ENTITY;
		it->mapper = m;
		/* QR_DEFERRED members: left out unless undeferred */
		if (m->ndeferred && !(it->defer = calloc(m->nfields, 1))) {
			qr_expr_free(e);
			return qr_error_oom("query");
		}
		for (size_t f = 0; m->ndeferred && f < m->nfields; f++)
			it->defer[f] =
				(m->fields[f].flags & QR_FF_DEFERRED) != 0;
		if (is_alias) {
			it->from = e; /* keeps the reference given */
		} else {
			it->from = m->table;
			it->pfrom = qr_expr_ref(m->from);
			qr_expr_free(e);
		}
		it->name =
			strdup(is_alias && alias_name ? alias_name : m->name);
		if (!it->name) {
			item_free(it);
			return qr_error_oom("query");
		}
		if (!q->fb_mapper) {
			q->fb_mapper = m;
			q->fb_from = it->from;
		}
	} else {
		it->kind = QR_QI_COLUMN;
		it->expr = e;
		it->field = qr_orm__column_field(e, &it->mapper);
		/* a mapped column stands for its entity in filter_by() and
		 * as the left side of joins (SQLAlchemy's primary entity) */
		if (it->field && !q->fb_mapper) {
			q->fb_mapper = it->mapper;
			q->fb_from = it->mapper->table;
		}
	}
	q->nitems++;
	return 0;
}

static qr_query *add_items(qr_query *q, qr_expr *first, va_list ap)
{
	qr_expr *e;
	int rc = 0;

	for (e = first; e != QR_END; e = va_arg(ap, qr_expr *)) {
		if (!e || rc) {
			rc = rc ? rc : QR_EINVAL;
			qr_expr_free(e);
			continue;
		}
		rc = add_item(q, e);
	}
	if (rc) {
		qr_query_free(q);
		return NULL;
	}
	return q;
}

qr_query *qr_orm__query_alloc(qr_session *s)
{
	qr_query *q = calloc(1, sizeof(*q));

	if (!q) {
		qr_error_oom("query");
		return NULL;
	}
	q->refs = 1;
	q->session = s;
	q->limit = q->offset = -1;
	return q;
}

qr_expr *qr_orm__query_adapt(const qr_query *q, qr_expr *e)
{
	for (size_t i = 0; i < q->nadapt && e; i++) {
		qr_expr *a = qr_expr_adapt(e, q->adapt_from[i], q->adapt_to);
		qr_expr_free(e);
		e = a;
	}
	return e;
}

qr_query *qr_query_new_(qr_session *s, qr_expr *first, ...)
{
	qr_query *q = qr_orm__query_alloc(s);
	va_list ap;

	va_start(ap, first);
	if (!q) {
		q = fail_list(NULL, first, ap);
		va_end(ap);
		return NULL;
	}
	q = add_items(q, first, ap);
	va_end(ap);
	if (q && !q->nitems) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "a query needs at least one entity or column");
		qr_query_free(q);
		return NULL;
	}
	return q;
}

qr_query *qr_query_add_columns_(qr_query *q, qr_expr *first, ...)
{
	va_list ap;

	va_start(ap, first);
	if (!q || !(q = writable(q))) {
		q = fail_list(NULL, first, ap);
		va_end(ap);
		return NULL;
	}
	q = add_items(q, first, ap);
	va_end(ap);
	return q;
}

qr_query *qr_query_with_entities_(qr_query *q, qr_expr *first, ...)
{
	va_list ap;

	va_start(ap, first);
	if (!q || !(q = writable(q))) {
		q = fail_list(NULL, first, ap);
		va_end(ap);
		return NULL;
	}
	for (size_t i = 0; i < q->nitems; i++)
		item_free(&q->items[i]);
	q->nitems = 0;
	q->fb_mapper = NULL;
	q->fb_from = NULL;
	q = add_items(q, first, ap);
	va_end(ap);
	if (q && !q->nitems) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_query_with_entities: a query needs at least "
			     "one entity or column");
		qr_query_free(q);
		return NULL;
	}
	return q;
}

qr_expr *qr_query_exists(qr_query *q)
{
	qr_expr *from = NULL;
	qr_stmt *st;

	if (!q) {
		if (!qr_error_last()->code)
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "qr_query_exists: the query is NULL");
		return NULL;
	}
	/* SELECT 1 FROM <the first entity's FROM> WHERE ... */
	for (size_t i = 0; !q->select_from && i < q->nitems && !from; i++)
		if (q->items[i].kind == QR_QI_ENTITY || q->items[i].field)
			from = q->items[i].kind == QR_QI_ENTITY
				       ? item_from(&q->items[i])
				       : q->items[i].mapper->table;
	q = qr_query_with_entities(q, qr_literal_column("1", QR_INTEGER));
	if (q && from)
		q = qr_query_select_from(q, qr_expr_ref(from));
	st = q ? qr_query_statement(q) : NULL;
	qr_expr_free(from);
	qr_query_free(q);
	return st ? qr_exists(st) : NULL;
}

/* ---- clauses ---------------------------------------------------------------
 */

static qr_query *push_list(qr_query *q, qr_exprvec *(*which)(qr_query *),
			   qr_expr *first, va_list ap)
{
	int rc = 0;

	for (qr_expr *e = first; e != QR_END; e = va_arg(ap, qr_expr *)) {
		if (!e || rc) {
			rc = rc ? rc : QR_EINVAL;
			qr_expr_free(e);
			continue;
		}
		if (!(e = qr_orm__query_adapt(q, e)))
			rc = qr_error_last()->code ? qr_error_last()->code
						   : QR_EINVAL;
		else
			rc = vec_push(which(q), e);
	}
	if (rc) {
		qr_query_free(q);
		return NULL;
	}
	return q;
}

static qr_exprvec *where_of(qr_query *q)
{
	return &q->where;
}
static qr_exprvec *order_of(qr_query *q)
{
	return &q->order;
}
static qr_exprvec *group_of(qr_query *q)
{
	return &q->group;
}
static qr_exprvec *having_of(qr_query *q)
{
	return &q->having;
}

#define LIST_BUILDER(fn, which)                        \
	qr_query *fn(qr_query *q, qr_expr *first, ...) \
	{                                              \
		va_list ap;                            \
		va_start(ap, first);                   \
		if (!q || !(q = writable(q))) {        \
			fail_list(NULL, first, ap);    \
			va_end(ap);                    \
			return NULL;                   \
		}                                      \
		q = push_list(q, which, first, ap);    \
		va_end(ap);                            \
		return q;                              \
	}

LIST_BUILDER(qr_query_filter_, where_of)
LIST_BUILDER(qr_query_order_by_, order_of)
LIST_BUILDER(qr_query_group_by_, group_of)
LIST_BUILDER(qr_query_having_, having_of)

qr_query *qr_query_filter_by(qr_query *q, const char *member, qr_value value)
{
	const qr_field *f;
	qr_expr *col;

	if (!q || !(q = writable(q)))
		return NULL;
	if (!q->fb_mapper) {
		qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
			     "filter_by: the query has no entity");
		qr_query_free(q);
		return NULL;
	}
	f = qr_orm__field_by_name(q->fb_mapper, member);
	if (!f) {
		qr_query_free(q);
		return NULL;
	}
	col = q->fb_from == q->fb_mapper->table ? f->column
						: qr_c(q->fb_from, f->colname);
	if (vec_push(&q->where, qr_eq(col, qr_bind_typed(value, f->type))) !=
		    0 ||
	    !q->where.items[q->where.n - 1]) {
		qr_query_free(q);
		return NULL;
	}
	return q;
}

qr_query *qr_query_limit(qr_query *q, int64_t n)
{
	if (!q || !(q = writable(q)))
		return NULL;
	q->limit = n;
	return q;
}

qr_query *qr_query_offset(qr_query *q, int64_t n)
{
	if (!q || !(q = writable(q)))
		return NULL;
	q->offset = n;
	return q;
}

qr_query *qr_query_slice(qr_query *q, int64_t start, int64_t stop)
{
	if (!q || !(q = writable(q)))
		return NULL;
	if (start < 0)
		start = 0;
	if (stop < start)
		stop = start;
	q->offset = start ? start : -1;
	q->limit = stop - start;
	return q;
}

qr_query *qr_query_distinct(qr_query *q)
{
	if (!q || !(q = writable(q)))
		return NULL;
	q->distinct = true;
	return q;
}

qr_query *qr_query_with_for_update(qr_query *q, unsigned flags)
{
	if (!q || !(q = writable(q)))
		return NULL;
	q->for_update = true;
	q->for_flags = flags;
	return q;
}

qr_query *qr_query_with_for_update_of(qr_query *q, unsigned flags, qr_expr *of)
{
	const char *alias_name = NULL;
	bool is_alias = false;
	qr_mapper *m;

	if (!q || !of || !(q = writable(q))) {
		if (!of && !qr_error_last()->code)
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "qr_query_with_for_update_of: NULL of");
		qr_expr_free(of);
		qr_query_free(q);
		return NULL;
	}
	/* an entity locks its table's rows (an aliased one, its alias's) */
	m = qr_orm__token_find(of, &is_alias, &alias_name);
	if (m && !is_alias) {
		qr_expr_free(of);
		of = m->table;
	}
	qr_expr_free(q->for_of);
	q->for_of = of;
	q->for_update = true;
	q->for_flags = flags;
	return q;
}

static qr_query *add_join(qr_query *q, qr_expr *target, qr_expr *on, bool outer)
{
	const char *alias_name = NULL;
	bool is_alias = false;
	qr_mapper *m;
	qr_qjoin *j;

	if (!q || !(q = writable(q)) || !target) {
		qr_expr_free(target);
		qr_expr_free(on);
		qr_query_free(q);
		return NULL;
	}
	m = qr_orm__token_find(target, &is_alias, &alias_name);
	if (m && !is_alias) { /* its table, or its tables joined */
		qr_expr_free(target);
		target = m->from ? qr_expr_ref(m->from) : m->table;
	}
	if (on && !(on = qr_orm__query_adapt(q, on))) {
		qr_expr_free(target);
		qr_query_free(q);
		return NULL;
	}
	j = realloc(q->joins, (q->njoins + 1) * sizeof(*j));
	if (!j) {
		qr_error_oom("query");
		qr_expr_free(target);
		qr_expr_free(on);
		qr_query_free(q);
		return NULL;
	}
	q->joins = j;
	q->joins[q->njoins].target = target;
	q->joins[q->njoins].on = on;
	q->joins[q->njoins].outer = outer;
	q->njoins++;
	if (m) {
		q->fb_mapper = m;
		/* its table, not its tables joined: filter_by uses the
		 * mapped columns then */
		q->fb_from = is_alias ? target : m->table;
	}
	return q;
}

qr_query *qr_query_join(qr_query *q, qr_expr *target, qr_expr *on)
{
	return add_join(q, target, on, false);
}

qr_query *qr_query_outerjoin(qr_query *q, qr_expr *target, qr_expr *on)
{
	return add_join(q, target, on, true);
}

qr_query *qr_query_select_from(qr_query *q, qr_expr *from)
{
	const char *alias_name = NULL;
	bool is_alias = false;
	qr_mapper *m;

	if (!q || !from || !(q = writable(q))) {
		qr_expr_free(from);
		qr_query_free(q);
		return NULL;
	}
	m = qr_orm__token_find(from, &is_alias, &alias_name);
	if (m && !is_alias) {
		qr_expr_free(from);
		from = m->from ? qr_expr_ref(m->from) : m->table;
	}
	qr_expr_free(q->select_from);
	q->select_from = from;
	if (m && !q->fb_mapper) {
		q->fb_mapper = m;
		q->fb_from = is_alias ? from : m->table;
	}
	return q;
}

qr_query *qr_query_params(qr_query *q, qr_params *params)
{
	if (!q || !params || !(q = writable(q))) {
		qr_params_free(params);
		qr_query_free(q);
		return NULL;
	}
	qr_params_free(q->params);
	q->params = params;
	return q;
}

qr_query *qr_query_from_statement(qr_query *q, qr_stmt *stmt)
{
	if (!q || !stmt || !(q = writable(q))) {
		qr_stmt_free(stmt);
		qr_query_free(q);
		return NULL;
	}
	qr_stmt_free(q->from_stmt);
	q->from_stmt = stmt;
	return q;
}

qr_query *qr_query_yield_per(qr_query *q, size_t n)
{
	if (!q || !(q = writable(q)))
		return NULL;
	q->yield_per = n;
	return q;
}

qr_query *qr_query_populate_existing(qr_query *q)
{
	if (!q || !(q = writable(q)))
		return NULL;
	q->populate_existing = true;
	return q;
}

/* The descendants of m named by subs (NULL-terminated) as a
 * with_polymorphic set; NULL with the error recorded. */
static qr_wpoly *wp_new(qr_mapper *m, qr_mapping *const *subs)
{
	size_t n = 0;
	qr_wpoly *wp;

	while (subs[n])
		n++;
	wp = calloc(1, sizeof(*wp));
	if (!wp || !(wp->subs = calloc(n ? n : 1, sizeof(*wp->subs)))) {
		free(wp);
		qr_error_oom("with_polymorphic");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		qr_mapper *d = subs[i]->mapper;
		if (!d || d == m || !qr_orm__isa(d, m)) {
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "with_polymorphic: %s is not a mapped "
				     "subclass of %s",
				     subs[i]->name, m->name);
			wp_free(wp);
			return NULL;
		}
		wp->subs[wp->n++] = d;
	}
	return wp;
}

qr_query *qr_query_with_polymorphic(qr_query *q, qr_mapping *base,
				    qr_mapping *const *subs)
{
	qr_mapper *m = base ? base->mapper : NULL;
	bool found = false;
	int rc = 0;

	if (!q || !(q = writable(q)))
		return NULL;
	if (!m) {
		qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
			     "with_polymorphic: %s is not mapped",
			     base ? base->name : "(null)");
		qr_query_free(q);
		return NULL;
	}
	for (size_t i = 0; i < q->nitems && rc == 0; i++) {
		qr_qitem *it = &q->items[i];
		if (it->kind != QR_QI_ENTITY || it->mapper != m ||
		    qr_orm__item_alias(it))
			continue;
		found = true;
		wp_free(it->wp);
		it->wp = NULL;
		qr_expr_free(it->pfrom);
		it->pfrom = NULL;
		if (subs && !(it->wp = wp_new(m, subs)))
			rc = qr_error_last()->code;
		else
			it->pfrom = subs ? qr_orm__poly_from(m, it->wp, &rc)
					 : qr_expr_ref(m->from);
	}
	if (rc == 0 && !found)
		rc = qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				  "with_polymorphic: the query has no entity "
				  "%s",
				  m->name);
	if (rc) {
		qr_query_free(q);
		return NULL;
	}
	return q;
}

/* ---- the Core SELECT --------------------------------------------------- */

static qr_stmt *add(qr_stmt *stmt, qr_expr *clause)
{
	return stmt ? qr_stmt_add(stmt, clause) : qr_select(clause);
}

qr_stmt *qr_orm__query_select(const qr_query *q)
{
	return qr_orm__query_select_eager(q, NULL, 0);
}

int qr_orm__item_width(const qr_qitem *it)
{
	if (it->kind != QR_QI_ENTITY)
		return 1;
	return qr_orm__item_positions(NULL, it, 0);
}

/* Whether an entity of q selects from joined tables. */
static bool has_pfrom(const qr_query *q)
{
	for (size_t i = 0; i < q->nitems; i++)
		if (q->items[i].pfrom)
			return true;
	return false;
}

/* The FROM of an entity item: its table or alias, or its tables joined
 * (a new reference). */
static qr_expr *item_from(const qr_qitem *it)
{
	return qr_expr_ref(it->pfrom ? it->pfrom : it->from);
}

/* Writes "Mapper[User(users)]", SQLAlchemy's str(mapper), into b. */
static void mapper_repr(char *b, size_t n, const qr_mapper *m)
{
	snprintf(b, n, "Mapper[%s(%s)]", m->name, qr_table_name(m->table));
}

/* Whether the mapper of an option's first hop is one of the query's
 * entities, or shares an inheritance hierarchy with one (SQLAlchemy's
 * common_parent: selectinload(Employee.x) applies to a query of
 * Manager and the other way round). */
static bool load_applies(const qr_query *q, const qr_mapper *owner)
{
	for (size_t i = 0; i < q->nitems; i++)
		if (q->items[i].kind == QR_QI_ENTITY &&
		    (qr_orm__isa(q->items[i].mapper, owner) ||
		     qr_orm__isa(owner, q->items[i].mapper)))
			return true;
	return false;
}

/* Every loader option must start at one of the query's entities; an
 * option that does not is an error when the query is compiled, as in
 * SQLAlchemy (ArgumentError), not silently ignored. */
static int check_loads(const qr_query *q)
{
	char owner[192], ents[384];
	size_t used = 0;

	for (size_t k = 0; k < q->nloads; k++) {
		const qr_mapper *m = q->loads[k].hops[0].rel->owner;
		if (load_applies(q, m))
			continue;
		mapper_repr(owner, sizeof(owner), m);
		ents[0] = '\0';
		for (size_t i = 0; i < q->nitems && used < sizeof(ents); i++) {
			if (q->items[i].kind != QR_QI_ENTITY)
				continue;
			char one[192];
			mapper_repr(one, sizeof(one), q->items[i].mapper);
			int w = snprintf(ents + used, sizeof(ents) - used,
					 "%s%s", used ? ", " : "", one);
			used += w > 0 ? (size_t)w : 0;
		}
		if (!ents[0])
			return qr_error_set(
				QR_EINVAL, QR_ECLASS_ARGUMENT,
				"Query has only expression-based entities; "
				"attribute loader options for %s can't be "
				"applied here.",
				owner);
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "Mapped class %s does not apply to any of "
				    "the root entities in this query, e.g. %s. "
				    "Please specify the full path from one of "
				    "the root entities to the target "
				    "attribute.",
				    owner, ents);
	}
	return 0;
}

qr_stmt *qr_orm__query_select_eager(const qr_query *q, const qr_eager *e,
				    size_t ne)
{
	if (check_loads(q))
		return NULL;
	qr_stmt *stmt = NULL;
	qr_expr *left = NULL;
	bool eager_join = false;

	if (q->from_stmt)
		return qr_expr_ref(q->from_stmt);
	for (size_t i = 0; i < q->nitems; i++) {
		const qr_qitem *it = &q->items[i];
		if (it->kind == QR_QI_ENTITY)
			stmt = qr_orm__item_add_columns(stmt, it);
		else
			stmt = add(stmt, qr_expr_ref(it->expr));
		if (!stmt)
			return NULL;
	}
	for (size_t i = 0; i < ne; i++) {
		const qr_mapper *t = e[i].rel->target;
		/* the target's columns and its single-table subclasses' */
		stmt = qr_orm__eager_poly(t)
			       ? qr_orm__poly_add_columns(stmt, t, e[i].target,
							  NULL)
			       : add(stmt,
				     qr_cols_new(e[i].target, t->colnames));
		eager_join = eager_join || e[i].join;
	}
	if (q->distinct)
		stmt = qr_stmt_add(stmt, qr_distinct_rows());
	if (q->select_from || q->njoins || eager_join) {
		if (q->select_from)
			left = qr_expr_ref(q->select_from);
		for (size_t i = 0; !left && i < q->nitems; i++)
			if (q->items[i].kind == QR_QI_ENTITY)
				left = item_from(&q->items[i]);
		for (size_t i = 0; !left && i < q->nitems; i++)
			if (q->items[i].field)
				left = q->items[i].mapper->table;
		if (!left) {
			qr_stmt_free(stmt);
			qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				     "join: no entity to join from (use "
				     "qr_query_select_from)");
			return NULL;
		}
		for (size_t i = 0; i < q->njoins; i++) {
			const qr_qjoin *j = &q->joins[i];
			qr_expr *t = qr_expr_ref(j->target);
			if (j->on)
				left = j->outer
					       ? qr_outerjoin_on(
							 left, t,
							 qr_expr_ref(j->on))
					       : qr_join_on(left, t,
							    qr_expr_ref(j->on));
			else
				left = j->outer ? qr_outerjoin(left, t)
						: qr_join(left, t);
		}
		for (size_t i = 0; i < ne; i++) {
			const qr_expr *owner =
				e[i].parent >= 0
					? e[e[i].parent].target
					: qr_orm__item_alias(
						  &q->items[e[i].item]);
			bool needed = false;
			qr_expr *on, *crit;
			if (!e[i].join)
				continue;
			/* a single-table subclass: its rows */
			crit = qr_orm__poly_criterion(e[i].rel->target,
						      e[i].target, &needed);
			if (e[i].secondary) {
				left = qr_orm__rel_secondary_outerjoin(
					left, e[i].rel, owner, e[i].secondary,
					e[i].target, needed ? crit : NULL);
				continue;
			}
			on = qr_orm__rel_condition(e[i].rel, owner,
						   e[i].target);
			if (needed)
				on = qr_and_new(on, crit, QR_END);
			left = qr_outerjoin_on(left, qr_expr_ref(e[i].target),
					       on);
		}
		stmt = qr_stmt_add(stmt, qr_from(left));
	}
	/* entities whose rows span joined tables (hidden by Core when a
	 * join above holds them) */
	for (size_t i = 0; i < q->nitems; i++)
		if (q->items[i].pfrom)
			stmt = qr_stmt_add(
				stmt, qr_from(qr_expr_ref(q->items[i].pfrom)));
	/* columns of a joined subclass's table alone: its tables joined,
	 * not crossed (query(Engineer.name, Engineer.engineer_name)) */
	for (size_t i = 0; !left && !has_pfrom(q) && i < q->nitems; i++)
		if (q->items[i].kind == QR_QI_COLUMN && q->items[i].field &&
		    q->items[i].mapper->join) {
			stmt = qr_stmt_add(
				stmt,
				qr_from(qr_expr_ref(q->items[i].mapper->join)));
			break;
		}
	for (size_t i = 0; i < q->where.n; i++)
		stmt = qr_stmt_add(stmt,
				   qr_where(qr_expr_ref(q->where.items[i])));
	for (size_t i = 0; i < q->nitems; i++) { /* a subclass: its rows */
		bool needed = false;
		qr_expr *crit;
		if (q->items[i].kind != QR_QI_ENTITY)
			continue;
		crit = qr_orm__poly_criterion(q->items[i].mapper,
					      qr_orm__item_alias(&q->items[i]),
					      &needed);
		if (needed)
			stmt = qr_stmt_add(stmt, qr_where(crit));
	}
	for (size_t i = 0; i < q->group.n; i++)
		stmt = qr_stmt_add(stmt,
				   qr_group_by(qr_expr_ref(q->group.items[i])));
	for (size_t i = 0; i < q->having.n; i++)
		stmt = qr_stmt_add(stmt,
				   qr_having(qr_expr_ref(q->having.items[i])));
	for (size_t i = 0; i < q->order.n; i++)
		stmt = qr_stmt_add(stmt,
				   qr_order_by(qr_expr_ref(q->order.items[i])));
	for (size_t i = 0; i < ne; i++) {
		const qr_rel *r = e[i].rel;
		if (e[i].join)
			stmt = qr_orm__rel_order_stmt(stmt, r, e[i].target);
	}
	if (q->limit >= 0)
		stmt = qr_stmt_add(stmt, qr_limit(q->limit));
	if (q->offset >= 0)
		stmt = qr_stmt_add(stmt, qr_offset(q->offset));
	if (q->for_update)
		stmt = qr_stmt_add(
			stmt, q->for_of
				      ? qr_for_update_of(q->for_flags,
							 qr_expr_ref(q->for_of))
				      : qr_for_update(q->for_flags));
	return stmt;
}

qr_stmt *qr_query_statement(const qr_query *q)
{
	if (!q) {
		if (!qr_error_last()->code)
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "qr_query_statement: NULL query");
		return NULL;
	}
	return qr_orm__query_select(q);
}

qr_expr *qr_query_subquery(qr_query *q, const char *name)
{
	qr_stmt *stmt;

	if (!q)
		return NULL;
	stmt = qr_orm__query_select(q);
	qr_query_free(q);
	return qr_subquery(stmt, name);
}

/* ---- loader options ------------------------------------------------------ */

qr_query *qr_orm__query_add_load(qr_query *q, qr_qload *add)
{
	qr_qload *l;

	if (!q || !(q = writable(q))) {
		free(add->hops);
		qr_expr_free(add->alias);
		return NULL;
	}
	l = realloc(q->loads, (q->nloads + 1) * sizeof(*l));
	if (!l) {
		qr_error_oom("query");
		free(add->hops);
		qr_expr_free(add->alias);
		qr_query_free(q);
		return NULL;
	}
	q->loads = l;
	l[q->nloads++] = *add;
	return q;
}

static qr_query *add_contains(qr_query *q, qr_rel *r, qr_expr *alias)
{
	qr_qload l = {.contains_eager = true, .alias = alias};

	if (!q || !r) {
		qr_expr_free(alias);
		qr_query_free(q);
		return NULL;
	}
	if (!(l.hops = malloc(sizeof(*l.hops)))) {
		qr_error_oom("query");
		qr_expr_free(alias);
		qr_query_free(q);
		return NULL;
	}
	l.hops[0].rel = r;
	l.hops[0].lazy = QR_LAZY_JOINED;
	l.nhops = 1;
	return qr_orm__query_add_load(q, &l);
}

qr_query *qr_query_load(qr_query *q, qr_mapping *owner, const char *rel,
			qr_lazy strategy)
{
	const qr_load_hop hop = {rel, strategy};

	return qr_orm__load_path(q, owner, &hop, 1, "qr_query_load");
}

qr_query *qr_query_contains_eager(qr_query *q, qr_mapping *owner,
				  const char *rel, qr_expr *alias)
{
	qr_rel *r = qr_orm__rel_named(owner, rel, "qr_query_contains_eager");
	bool is_alias = false;

	if (r && alias &&
	    (qr_orm__token_find(alias, &is_alias, NULL) != r->target ||
	     !is_alias)) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_query_contains_eager: the alias must be an "
			     "aliased %s",
			     r->target->name);
		r = NULL;
	}
	return add_contains(q, r, alias);
}

qr_lazy qr_orm__query_strategy(const qr_query *q, const qr_rel *r)
{
	return qr_orm__loads_strategy(q->loads, q->nloads, r, NULL);
}

qr_query *qr_orm__query_writable(qr_query *q)
{
	return writable(q);
}
