/*
 * result.c - running ORM queries and their results: rows whose columns
 * are objects (loaded through the identity map) or values; all, first,
 * one, one_or_none, scalar and count.
 */
#include "orm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qr_orm_row {
	const qr_orm_result *r;
	const qr_row *core;
	void **objs; /* per column: the object, or NULL */
};

typedef struct rcol {
	qr_qitem_kind kind;
	/* the key rows are addressed by: the entity's name, a mapped
	 * column's member name; NULL: the result column's name */
	char *name;
	int core;      /* COLUMN: the result column */
	qr_loadmap lm; /* ENTITY */
	/* ENTITY: the result column of each of its mapper's poly columns
	 * (-1: not selected), and the load maps of the subclasses (made on
	 * first use) */
	int *pos;
	qr_loadmap *subs;
	bool deferred; /* ENTITY: some of its own columns left out */
} rcol;

struct qr_orm_result {
	qr_session *session;
	qr_result *res;
	/* the Core rows, kept while value columns or joined eager loads
	 * need them; NULL when rows were loaded as they streamed in */
	qr_rowset *rows;
	rcol *cols;
	size_t ncols;
	bool buffered;  /* every row loaded at execution (no yield_per) */
	bool overwrite; /* populate_existing: rows overwrite loaded objects */
	void **objs;    /* buffered: nbuf rows of ncols objects */
	size_t nbuf, objcap, pos;
	qr_orm_row *buf; /* buffered row handles, made on first next */
	qr_orm_row cur;  /* streaming: the current row */
	bool done;
	/* objects loaded without some of their columns, to complete */
	qr_objhdr **partial;
	size_t npartial, cappartial;
};

/* Subclass load maps (row_loadmap) of m's subclasses, NULL: none. */
static void loadmaps_free(qr_loadmap *subs, const qr_mapper *m)
{
	for (size_t k = 0; subs && k < m->nsubs; k++)
		free(subs[k].columns);
	free(subs);
}

static void result_free(qr_orm_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncols; i++) {
		free(r->cols[i].name);
		free(r->cols[i].lm.columns);
		free(r->cols[i].pos);
		loadmaps_free(r->cols[i].subs, r->cols[i].lm.mapper);
	}
	free(r->cols);
	free(r->objs);
	free(r->buf);
	free(r->cur.objs);
	free(r->partial);
	qr_rowset_free(r->rows);
	qr_result_free(r->res);
	free(r);
}

void qr_orm_result_free(qr_orm_result *r)
{
	result_free(r);
}

/* Where each query column comes from in the Core result. */
static int map_columns(qr_orm_result *r, const qr_query *q)
{
	int pos = 0;

	r->cols = calloc(q->nitems, sizeof(*r->cols));
	if (!r->cols)
		return qr_error_oom("query result");
	r->ncols = q->nitems;
	for (size_t i = 0; i < q->nitems; i++) {
		const qr_qitem *it = &q->items[i];
		rcol *c = &r->cols[i];
		c->kind = it->kind;
		if (it->kind == QR_QI_COLUMN) {
			c->core = pos++;
			if (it->field && !(c->name = strdup(it->field->name)))
				return qr_error_oom("query result");
			if (q->from_stmt) {
				int idx = it->field
						  ? qr_result_column_index(
							    r->res,
							    it->field->colname)
						  : -1;
				c->core = idx >= 0 ? idx : (int)i;
			}
			continue;
		}
		c->name = strdup(it->name);
		c->deferred = qr_orm__item_defers(it);
		c->lm.mapper = it->mapper;
		c->lm.columns =
			malloc(it->mapper->nfields * sizeof(*c->lm.columns));
		c->pos = malloc((it->mapper->npoly + 1) * sizeof(*c->pos));
		if (!c->name || !c->lm.columns || !c->pos)
			return qr_error_oom("query result");
		if (q->from_stmt) {
			/* columns by name: a subclass's when present */
			for (size_t k = 0; k < it->mapper->npoly; k++) {
				int idx = qr_result_column_index(
					r->res, it->mapper->poly_colnames[k]);
				c->pos[k] = idx >= 0 ? idx : -1;
			}
		} else {
			pos += qr_orm__item_positions(c->pos, it, pos);
		}
		/* the entity's own fields are its first poly columns */
		for (size_t f = 0; f < it->mapper->nfields; f++)
			c->lm.columns[f] = c->pos[f] >= 0 ? c->pos[f] : -1;
		if (it->mapper->nsubs &&
		    !(c->subs = calloc(it->mapper->nsubs, sizeof(*c->subs))))
			return qr_error_oom("query result");
	}
	return 0;
}

/* The load map of the row: lm's, or that of the subclass its
 * discriminator names (subs: per subclass of lm's mapper, made on first
 * use from pos, the result column of each poly column; NULL: none).
 * NULL on error (recorded). */
static const qr_loadmap *row_loadmap(const qr_loadmap *lm, const int *pos,
				     qr_loadmap *subs, const qr_row *core)
{
	qr_mapper *m = lm->mapper, *sub;
	int dc = m->poly_field >= 0 ? lm->columns[m->poly_field] : -1;
	size_t k;

	if (!subs || dc < 0)
		return lm;
	if (qr_orm__poly_pick(&sub, m, qr_row_value(core, dc)) != 0)
		return NULL;
	if (sub == m)
		return lm;
	for (k = 0; m->subs[k] != sub; k++)
		;
	if (!subs[k].columns) {
		subs[k].columns = malloc(sub->nfields * sizeof(int));
		if (!subs[k].columns) {
			qr_error_oom("query result");
			return NULL;
		}
		subs[k].mapper = sub;
		qr_orm__poly_columns(subs[k].columns, sub, m, pos);
	}
	return &subs[k];
}

/* Whether a subclass's load map leaves some of its fields out. */
static bool partial_map(const qr_loadmap *lm)
{
	if (!lm->mapper->parent)
		return false;
	for (size_t f = 0; f < lm->mapper->nfields; f++)
		if (lm->columns[f] < 0)
			return true;
	return false;
}

/* An object loaded without some of its columns: expired (so that
 * qr_session_load completes it) and, for a buffered result, completed
 * once every row is in. */
static int note_partial(qr_orm_result *r, void *obj)
{
	qr_objhdr *h = qr_orm__hdr(obj);

	h->flags |= QR_OF_EXPIRED;
	if (!r->buffered)
		return 0;
	if (r->npartial == r->cappartial) {
		size_t cap = r->cappartial ? r->cappartial * 2 : 16;
		qr_objhdr **p = realloc(r->partial, cap * sizeof(*p));
		if (!p)
			return qr_error_oom("query result");
		r->partial = p;
		r->cappartial = cap;
	}
	r->partial[r->npartial++] = h;
	return 0;
}

/* Loads the objects of a Core row into objs (one per column: the
 * object, or NULL for a value column and an outer join's missing row). */
static int load(qr_orm_result *r, void **objs, const qr_row *core)
{
	for (size_t i = 0; i < r->ncols; i++) {
		const qr_loadmap *lm;
		bool filled = false;
		int rc;
		objs[i] = NULL;
		if (r->cols[i].kind != QR_QI_ENTITY)
			continue;
		lm = row_loadmap(&r->cols[i].lm, r->cols[i].pos,
				 r->cols[i].subs, core);
		rc = lm ? qr_orm__load_row_filled(&objs[i], &filled, r->session,
						  lm, core, r->overwrite)
			: qr_error_last()->code;
		if (rc == 0 && filled && objs[i] && partial_map(lm))
			rc = note_partial(r, objs[i]);
		/* deferred columns: qr_session_load() reads them */
		if (rc == 0 && filled && objs[i] && r->cols[i].deferred)
			qr_orm__hdr(objs[i])->flags |= QR_OF_EXPIRED;
		if (rc)
			return rc;
	}
	return 0;
}

/* Room in r->objs for one more row. */
static int reserve_row(qr_orm_result *r, size_t rows_hint)
{
	size_t need = (r->nbuf + 1) * r->ncols, cap;
	void **objs;

	if (need <= r->objcap)
		return 0;
	cap = r->objcap ? r->objcap * 2 : 64;
	if (cap < rows_hint * r->ncols)
		cap = rows_hint * r->ncols;
	if (cap < need)
		cap = need;
	objs = realloc(r->objs, cap * sizeof(*objs));
	if (!objs)
		return qr_error_oom("query result");
	r->objs = objs;
	r->objcap = cap;
	return 0;
}

/* Loads every row at execution. Rows are loaded as they stream from the
 * Core result, unless keep_rows (value columns, joined eager loads need
 * the Core rows afterwards: they are buffered first). An error stops
 * the load: the objects of the rows before stay in the session, as they
 * would in SQLAlchemy; the failing row's new object is not kept. */
static int load_all(qr_orm_result *r, bool keep_rows)
{
	const qr_row *core;
	int rc;

	r->buffered = true;
	if (keep_rows) {
		size_t n;
		rc = qr_result_all(&r->rows, r->res);
		n = rc == 0 ? qr_rowset_count(r->rows) : 0;
		for (size_t i = 0; i < n && rc == 0; i++) {
			rc = reserve_row(r, n);
			if (rc == 0)
				rc = load(r, r->objs + r->nbuf * r->ncols,
					  qr_rowset_row(r->rows, i));
			if (rc == 0)
				r->nbuf++;
		}
		return rc;
	}
	while ((rc = qr_result_next(r->res, &core)) == 1) {
		rc = reserve_row(r, 0);
		if (rc == 0)
			rc = load(r, r->objs + r->nbuf * r->ncols, core);
		if (rc)
			return rc;
		r->nbuf++;
	}
	return rc;
}

/* The object of column i in buffered row k. */
static void *buffered_obj(const qr_orm_result *r, size_t k, size_t i)
{
	return r->objs[k * r->ncols + i];
}

/* ---- eager loading ------------------------------------------------------ */

/* The eager loads of the query's SELECT, parents before their nested
 * loads. */
typedef struct eager_plan {
	qr_eager *e;
	size_t n, cap;
} eager_plan;

static void plan_free(eager_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		qr_expr_free(p->e[i].target);
		qr_expr_free(p->e[i].secondary);
		free(p->e[i].lm.columns);
		free(p->e[i].pos);
		loadmaps_free(p->e[i].subs, p->e[i].lm.mapper);
		qr_orm__loads_free(p->e[i].sub, p->e[i].nsub);
	}
	free(p->e);
}

static int plan_add(eager_plan *p, size_t item, int parent, qr_rel *r,
		    qr_expr *target, bool join)
{
	if (!target)
		return qr_error_last()->code ? qr_error_last()->code
					     : QR_ENOMEM;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 4;
		qr_eager *e = realloc(p->e, cap * sizeof(*e));
		if (!e) {
			qr_expr_free(target);
			return qr_error_oom("eager loading");
		}
		p->e = e;
		p->cap = cap;
	}
	memset(&p->e[p->n], 0, sizeof(p->e[p->n]));
	p->e[p->n].item = item;
	p->e[p->n].parent = parent;
	p->e[p->n].rel = r;
	p->e[p->n].target = target;
	p->e[p->n].join = join;
	p->e[p->n].lm.mapper = r->target;
	p->n++;
	return 0;
}

/* A joined load done by selectin instead: a target whose rows span
 * joined tables, its own or its subclasses'. */
static bool by_selectin(const qr_rel *r)
{
	return !qr_orm__eager_poly(r->target);
}

/* Whether r loads a collection (one-to-many, many-to-many). */
static bool is_collection(const qr_rel *r)
{
	return r->kind == QR_REL_ONE_TO_MANY || r->kind == QR_REL_MANY_TO_MANY;
}

/* Whether the query's SELECT may join r: not a collection under
 * LIMIT/OFFSET (which counts parents). */
static bool joinable(const qr_query *q, const qr_rel *r)
{
	return !((q->limit >= 0 || q->offset >= 0) && is_collection(r));
}

/* Whether m is the target of an eager load above parent (a nested
 * joined load configured by .lazy stops there, as SQLAlchemy's
 * join_depth=None). */
static bool in_chain(const eager_plan *p, const qr_query *q, size_t item,
		     int parent, const qr_mapper *m)
{
	for (int i = parent; i >= 0; i = p->e[i].parent)
		if (p->e[i].rel->target == m)
			return true;
	return q->items[item].mapper == m;
}

/* The contains_eager option of r, or NULL. */
static const qr_qload *contains_option(const qr_query *q, const qr_rel *r)
{
	const qr_qload *ce = NULL;

	for (size_t l = 0; l < q->nloads; l++)
		if (qr_orm__rel_is(q->loads[l].hops[0].rel, r) &&
		    q->loads[l].contains_eager)
			ce = &q->loads[l];
	return ce;
}

/* The joined loads of the relationships of m, the entity of item (parent
 * -1) or the target of eager load parent, under the options loads, and
 * theirs in turn. */
static int plan_node(eager_plan *p, const qr_query *q, size_t item, int parent,
		     qr_mapper *m, const qr_qload *loads, size_t nloads)
{
	int rc = 0;

	for (size_t k = 0; k < m->nrels && rc == 0; k++) {
		qr_rel *r = &m->rels[k];
		const qr_qload *ce = parent < 0 ? contains_option(q, r) : NULL;
		bool explicit;
		char name[128];
		int idx;

		if (ce) {
			/* the query's join fills it; paths through it go on
			 * from its objects (contains_eager(A.bs) with
			 * defaultload(A.bs).joinedload(B.cs)) */
			rc = qr_orm__rel_resolve(r);
			if (rc == 0)
				rc = plan_add(
					p, item, -1, r,
					qr_expr_ref(
						ce->alias ? ce->alias
							  : (qr_expr *)r->target
								    ->table),
					false);
			idx = (int)p->n - 1;
			if (rc == 0)
				rc = qr_orm__loads_through(&p->e[idx].sub,
							   &p->e[idx].nsub,
							   loads, nloads, r);
			if (rc == 0)
				rc = plan_node(p, q, item, idx, r->target,
					       p->e[idx].sub, p->e[idx].nsub);
			continue;
		}
		if (qr_orm__loads_strategy(loads, nloads, r, &explicit) !=
			    QR_LAZY_JOINED ||
		    !joinable(q, r))
			continue;
		if ((rc = qr_orm__rel_resolve(r)) != 0)
			break;
		if (by_selectin(r))
			continue;
		if (parent >= 0 && !explicit &&
		    in_chain(p, q, item, parent, r->target))
			continue;
		snprintf(name, sizeof(name), "%s_%zu",
			 qr_table_name(r->target->table), p->n + 1);
		rc = plan_add(p, item, parent, r,
			      qr_alias(r->target->table, name), true);
		if (rc)
			break;
		idx = (int)p->n - 1;
		if (r->kind == QR_REL_MANY_TO_MANY) {
			/* secondary_N JOIN target_N: the same N */
			snprintf(name, sizeof(name), "%s_%zu",
				 qr_table_name(r->secondary), p->n);
			p->e[idx].secondary =
				qr_alias((qr_expr *)r->secondary, name);
			if (!p->e[idx].secondary) {
				rc = qr_error_last()->code
					     ? qr_error_last()->code
					     : QR_ENOMEM;
				break;
			}
		}
		rc = qr_orm__loads_through(&p->e[idx].sub, &p->e[idx].nsub,
					   loads, nloads, r);
		if (rc == 0)
			rc = plan_node(p, q, item, idx, r->target,
				       p->e[idx].sub, p->e[idx].nsub);
	}
	return rc;
}

/* The eager loads the SELECT does: joined relationships along the
 * options' paths and contains_eager. */
static int plan_eager(eager_plan *p, const qr_query *q)
{
	int rc = 0;

	if (q->yield_per || q->from_stmt)
		return 0;
	for (size_t i = 0; i < q->nitems && rc == 0; i++)
		if (q->items[i].kind == QR_QI_ENTITY)
			rc = plan_node(p, q, i, -1, q->items[i].mapper,
				       q->loads, q->nloads);
	return rc;
}

/* The result columns of the eager loads follow the query's. */
static int map_eager(eager_plan *p, const qr_query *q)
{
	int pos = 0;

	for (size_t i = 0; i < q->nitems; i++)
		pos += qr_orm__item_width(&q->items[i]);
	for (size_t i = 0; i < p->n; i++) {
		qr_eager *e = &p->e[i];
		qr_mapper *t = e->rel->target;
		e->lm.columns = malloc(t->nfields * sizeof(int));
		e->pos = malloc((t->npoly + 1) * sizeof(int));
		if (!e->lm.columns || !e->pos)
			return qr_error_oom("eager loading");
		if (!qr_orm__eager_poly(t)) { /* contains_eager: its table */
			for (size_t f = 0; f < t->nfields; f++)
				e->lm.columns[f] = pos++;
			continue;
		}
		/* the target's fields are its first poly columns */
		pos += qr_orm__poly_positions(e->pos, t, true, NULL, pos);
		for (size_t f = 0; f < t->nfields; f++)
			e->lm.columns[f] = e->pos[f];
		if (t->nsubs && !(e->subs = calloc(t->nsubs, sizeof(*e->subs))))
			return qr_error_oom("eager loading");
	}
	return 0;
}

static qr_relstate *rstate(const qr_objhdr *h, const qr_rel *r)
{
	return qr_orm__relstate(h, (size_t)(r - r->owner->rels));
}

/* The parent object of eager load e in buffered row k (eobj: as for
 * populate), or NULL. */
static void *eager_parent(const qr_orm_result *res, const eager_plan *p,
			  const qr_eager *e, void **eobj, size_t k)
{
	return e->parent < 0 ? buffered_obj(res, k, e->item)
			     : eobj[k * p->n + (size_t)e->parent];
}

/* Fills the relationship of eager load ei's parents from the buffered
 * rows: collections de-duplicated, in row order. eobj[k * p->n + i]
 * is the object eager load i read from row k (the parents of nested
 * loads); it is recorded even where the parent's relationship was
 * loaded before the query, which is then left alone. */
static int populate(qr_orm_result *res, const eager_plan *p, size_t ei,
		    void **eobj)
{
	qr_session *s = res->session;
	uint32_t fill = qr_orm__next_mark(s), skip = qr_orm__next_mark(s);
	const qr_eager *e = &p->e[ei];
	const qr_rel *r = e->rel;
	int rc = 0;

	for (size_t k = 0; k < res->nbuf && rc == 0; k++) {
		void *parent = eager_parent(res, p, e, eobj, k);
		void *child = NULL;
		const qr_loadmap *lm;
		qr_objhdr *h;
		if (!parent)
			continue;
		h = qr_orm__hdr(parent);
		if (h->mark != fill && h->mark != skip) {
			if (rstate(h, r)->flags & QR_RS_LOADED) {
				h->mark = skip;
			} else {
				h->mark = fill;
				rstate(h, r)->flags |= QR_RS_LOADED;
				if (is_collection(r))
					qr_objlist_clear(
						(qr_objlist *)((char *)parent +
							       r->offset));
				else
					*(void **)((char *)parent + r->offset) =
						NULL;
			}
		}
		lm = row_loadmap(&e->lm, e->pos, e->subs,
				 qr_rowset_row(res->rows, k));
		rc = lm ? qr_orm__load_row(&child, s, lm,
					   qr_rowset_row(res->rows, k),
					   res->overwrite)
			: qr_error_last()->code;
		if (rc || !child)
			continue;
		eobj[k * p->n + ei] = child;
		if (h->mark == skip)
			continue;
		if (r->kind == QR_REL_MANY_TO_ONE) {
			*(void **)((char *)parent + r->offset) = child;
			rstate(h, r)->snap = child;
			continue;
		}
		if (r->kind == QR_REL_ONE_TO_ONE) {
			qr_objhdr *c = qr_orm__hdr(child);
			*(void **)((char *)parent + r->offset) = child;
			if (r->back &&
			    !(rstate(c, r->back)->flags & QR_RS_LOADED)) {
				*(void **)((char *)child + r->back->offset) =
					parent;
				rstate(c, r->back)->snap = parent;
				rstate(c, r->back)->flags |= QR_RS_LOADED;
			}
			continue;
		}
		{
			qr_objlist *l =
				(qr_objlist *)((char *)parent + r->offset);
			qr_objhdr *c = qr_orm__hdr(child);
			if (qr_objlist_index(l, child) < 0)
				rc = qr_objlist_append(l, child);
			/* a many-to-many's other side is left to its own
			 * load, as selectin leaves it */
			if (rc == 0 && r->back &&
			    r->kind == QR_REL_ONE_TO_MANY &&
			    !(rstate(c, r->back)->flags & QR_RS_LOADED)) {
				*(void **)((char *)child + r->back->offset) =
					parent;
				rstate(c, r->back)->snap = parent;
				rstate(c, r->back)->flags |= QR_RS_LOADED;
			}
		}
	}
	/* a many-to-many filled is also its flush snapshot (once per
	 * parent) */
	for (size_t k = 0;
	     k < res->nbuf && rc == 0 && r->kind == QR_REL_MANY_TO_MANY; k++) {
		void *parent = eager_parent(res, p, e, eobj, k);
		qr_objhdr *h = parent ? qr_orm__hdr(parent) : NULL;
		if (!h || h->mark != fill)
			continue;
		h->mark = skip;
		qr_orm__m2m_snap_set(
			h, (size_t)(r - r->owner->rels),
			(qr_objlist *)((char *)parent + r->offset));
	}
	return rc;
}

/* The distinct objects of a column of the rows: of query item i (cols
 * NULL), or of eager load i (cols: the eager objects, stride). */
static int distinct_objects(qr_objlist *out, qr_orm_result *res, size_t i,
			    void **cols, size_t stride)
{
	uint32_t seen = qr_orm__next_mark(res->session);
	int rc = 0;

	for (size_t k = 0; k < res->nbuf && rc == 0; k++) {
		void *o = cols ? cols[k * stride + i] : buffered_obj(res, k, i);
		if (!o || qr_orm__hdr(o)->mark == seen)
			continue;
		qr_orm__hdr(o)->mark = seen;
		rc = qr_objlist_append(out, o);
	}
	return rc;
}

/* A query of one entity whose SELECT joined a collection returns each
 * object once (rows of one parent folded), as SQLAlchemy's Query does. */
static void unique_rows(qr_orm_result *res, const qr_query *q,
			const eager_plan *p)
{
	bool collection = false;
	uint32_t seen;
	size_t w = 0;

	for (size_t i = 0; i < p->n; i++)
		collection = collection || is_collection(p->e[i].rel);
	if (!collection || q->nitems != 1)
		return;
	seen = qr_orm__next_mark(res->session);
	for (size_t k = 0; k < res->nbuf; k++) {
		void *o = res->objs[k];
		if (o && qr_orm__hdr(o)->mark == seen)
			continue;
		if (o)
			qr_orm__hdr(o)->mark = seen;
		res->objs[w++] = o;
	}
	res->nbuf = w;
}

/* The subquery strategy re-runs the query as a subquery naming the
 * parent's columns as its table does: for a collection or one-to-one of
 * the first column, an entity of its own table, and no parameters of
 * the query's own (else selectin does the work). */
static bool subquery_ok(const qr_query *q, size_t i, const qr_rel *r)
{
	return i == 0 && !q->params && !q->from_stmt &&
	       q->items[0].from == (qr_expr *)q->items[0].mapper->table &&
	       !q->items[0].pfrom &&
	       (r->kind == QR_REL_ONE_TO_MANY || r->kind == QR_REL_ONE_TO_ONE);
}

/* The objects loaded at a node of the loading tree: the entity of query
 * item `item` (node -1) or the targets of eager load `node`. */
typedef struct load_node {
	size_t item;
	int node;
	qr_mapper *mapper;
	qr_objhdr **objs;
	size_t n;
	const qr_qload *loads; /* the options reaching them */
	size_t nloads;
} load_node;

static int after_rows(qr_orm_result *res, const qr_query *q,
		      const eager_plan *p, const qr_objlist *sets,
		      const load_node *nd);

/* The nested eager load at nd for r, or -1. */
static int planned(const eager_plan *p, const load_node *nd, const qr_rel *r)
{
	for (size_t j = 0; j < p->n; j++)
		if (p->e[j].parent == nd->node && p->e[j].item == nd->item &&
		    p->e[j].rel == r)
			return (int)j;
	return -1;
}

/* The loading of relationship r of nd's objects after the rows are read
 * (todo: scratch for nd->n objects): selectin and subquery SELECTs,
 * raise/noload marks, options kept for lazy loads. */
static int after_rows_rel(qr_orm_result *res, const qr_query *q,
			  const load_node *nd, qr_rel *r, qr_objhdr **todo)
{
	qr_session *s = res->session;
	qr_lazy lz = qr_orm__loads_strategy(nd->loads, nd->nloads, r, NULL);
	qr_qload *sub = NULL;
	qr_loadset *set;
	size_t nsub = 0, n = 0;
	int rc;

	if (lz == QR_LAZY_SUBQUERY &&
	    !(nd->node < 0 && subquery_ok(q, nd->item, r)))
		lz = QR_LAZY_SELECTIN;
	/* joined but not in the SELECT: where the SELECT may not join it,
	 * or its target's classes need their own tables, by selectin */
	if (lz == QR_LAZY_JOINED && (rc = qr_orm__rel_resolve(r)) != 0)
		return rc;
	if (lz == QR_LAZY_JOINED)
		lz = joinable(q, r) && !by_selectin(r) ? QR_LAZY_SELECT
						       : QR_LAZY_SELECTIN;
	for (size_t j = 0; j < nd->n; j++)
		if (!(rstate(nd->objs[j], r)->flags & QR_RS_LOADED))
			todo[n++] = nd->objs[j];
	if (!n || lz == QR_LAZY_DYNAMIC)
		return 0;
	if (lz == QR_LAZY_RAISE || lz == QR_LAZY_NOLOAD) {
		for (size_t j = 0; j < n; j++) {
			qr_relstate *st = rstate(todo[j], r);
			st->flags = (st->flags &
				     ~(unsigned)(QR_RS_RAISE | QR_RS_NOLOAD)) |
				    (lz == QR_LAZY_RAISE ? QR_RS_RAISE
							 : QR_RS_NOLOAD);
		}
		return 0;
	}
	if ((rc = qr_orm__loads_through(&sub, &nsub, nd->loads, nd->nloads,
					r)) != 0)
		return rc;
	if (lz == QR_LAZY_SUBQUERY) {
		rc = qr_orm__load_rel_subquery(
			s, r, todo, n,
			qr_subquery(qr_orm__query_select(q), "anon_1"), sub,
			nsub);
	} else if (lz == QR_LAZY_SELECTIN) {
		rc = qr_orm__load_rel(s, r, todo, n, true, sub, nsub);
	} else if (nsub) {
		/* lazy: the objects keep the rest of the paths for the
		 * QR_LOAD() that loads the relationship */
		if (!(set = qr_orm__loadset_new(sub, nsub)))
			return QR_ENOMEM;
		for (size_t j = 0; j < n; j++)
			qr_orm__relstate_set_opts(todo[j], r, set);
		qr_orm__loadset_release(set);
		return 0;
	}
	qr_orm__loads_free(sub, nsub);
	return rc;
}

/* Whether nd's objects need nothing after the rows (no options reach
 * them, no nested eager load, every relationship lazy or dynamic): the
 * common case costs no pass over the rows. */
static bool node_idle(const eager_plan *p, const load_node *nd)
{
	if (nd->nloads)
		return false;
	for (size_t j = 0; j < p->n; j++)
		if (p->e[j].parent == nd->node && p->e[j].item == nd->item)
			return false;
	for (size_t k = 0; k < nd->mapper->nrels; k++)
		if (nd->mapper->rels[k].lazy != QR_LAZY_SELECT &&
		    nd->mapper->rels[k].lazy != QR_LAZY_DYNAMIC)
			return false;
	return true;
}

/* What is left to load for nd's objects once the rows are read: for each
 * relationship, the nested eager loads' objects in turn, or the
 * relationship's strategy (after_rows_rel). */
static int after_rows(qr_orm_result *res, const qr_query *q,
		      const eager_plan *p, const qr_objlist *sets,
		      const load_node *nd)
{
	qr_objhdr **todo;
	int rc = 0;

	if (!nd->n || node_idle(p, nd))
		return 0;
	if (!(todo = malloc(nd->n * sizeof(*todo))))
		return qr_error_oom("eager loading");
	for (size_t k = 0; k < nd->mapper->nrels && rc == 0; k++) {
		qr_rel *r = &nd->mapper->rels[k];
		int j = planned(p, nd, r);
		if (j >= 0) {
			load_node sub = {
				nd->item,      j,
				r->target,     (qr_objhdr **)sets[j].items,
				sets[j].count, p->e[j].sub,
				p->e[j].nsub};
			rc = after_rows(res, q, p, sets, &sub);
		} else if (!(nd->node < 0 && contains_option(q, r))) {
			rc = after_rows_rel(res, q, nd, r, todo);
		}
	}
	free(todo);
	return rc;
}

/* The eager loads done after the rows are read, for every entity of the
 * query and the objects of its eager loads. sets[i]: the objects of
 * eager load i (headers). */
static int load_after_rows(qr_orm_result *res, const qr_query *q,
			   const eager_plan *p, const qr_objlist *sets)
{
	int rc = 0;

	for (size_t i = 0; i < q->nitems && rc == 0; i++) {
		qr_objlist objs = QR_OBJLIST_INIT;
		load_node nd = {i, -1,       q->items[i].mapper, NULL,
				0, q->loads, q->nloads};
		if (q->items[i].kind != QR_QI_ENTITY || node_idle(p, &nd))
			continue;
		rc = distinct_objects(&objs, res, i, NULL, 0);
		for (size_t k = 0; k < objs.count; k++)
			objs.items[k] = qr_orm__hdr(objs.items[k]);
		nd.objs = (qr_objhdr **)objs.items;
		nd.n = objs.count;
		if (rc == 0)
			rc = after_rows(res, q, p, sets, &nd);
		qr_objlist_clear(&objs);
	}
	return rc;
}

/* Populates the eager loads from the rows, de-duplicates them and runs
 * the loads that follow. */
static int load_eager(qr_orm_result *res, const qr_query *q,
		      const eager_plan *p)
{
	void **eobj = NULL;
	qr_objlist *sets = NULL;
	int rc = 0;

	if (p->n && (!(eobj = calloc(res->nbuf ? res->nbuf * p->n : 1,
				     sizeof(*eobj))) ||
		     !(sets = calloc(p->n, sizeof(*sets)))))
		rc = qr_error_oom("eager loading");
	for (size_t i = 0; i < p->n && rc == 0; i++)
		rc = populate(res, p, i, eobj);
	for (size_t i = 0; i < p->n && rc == 0; i++) {
		rc = distinct_objects(&sets[i], res, i, eobj, p->n);
		for (size_t k = 0; k < sets[i].count; k++)
			sets[i].items[k] = qr_orm__hdr(sets[i].items[k]);
	}
	if (rc == 0)
		unique_rows(res, q, p);
	if (rc == 0) {
		/* the query autoflushed before its SELECT and nothing has
		 * changed since: its loads do not flush again */
		res->session->rel_loading++;
		rc = load_after_rows(res, q, p, sets);
		res->session->rel_loading--;
	}
	for (size_t i = 0; sets && i < p->n; i++)
		qr_objlist_clear(&sets[i]);
	free(sets);
	free(eobj);
	return rc;
}

/* Whether some column of q is a value (not an entity). */
static bool has_values(const qr_query *q)
{
	for (size_t i = 0; i < q->nitems; i++)
		if (q->items[i].kind == QR_QI_COLUMN)
			return true;
	return false;
}

static int execute(qr_orm_result **out, qr_session *s, qr_query *q)
{
	eager_plan plan = {0};
	qr_orm_result *r = NULL;
	qr_stmt *stmt = NULL;
	qr_conn *conn;
	int rc;

	*out = NULL;
	if (!q)
		return qr_error_last()->code ? qr_error_last()->code
					     : QR_EINVAL;
	if (!s) {
		qr_query_free(q);
		return qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				    "the query has no session (run it with "
				    "qr_session_execute_query)");
	}
	rc = qr_orm__autoflush(s);
	if (rc == 0)
		rc = plan_eager(&plan, q);
	if (rc == 0)
		rc = map_eager(&plan, q);
	if (rc == 0 && !(stmt = qr_orm__query_select_eager(q, plan.e, plan.n)))
		rc = qr_error_last()->code ? qr_error_last()->code : QR_EINVAL;
	if (rc == 0 && !(r = calloc(1, sizeof(*r))))
		rc = qr_error_oom("query result");
	if (rc == 0) {
		r->session = s;
		r->overwrite = q->populate_existing || s->populating > 0;
		rc = qr_orm__conn(s, &conn);
	}
	/* yield_per streams from the server too, as SQLAlchemy's implies
	 * stream_results: the flag is read at execute, and unset after. */
	if (rc == 0 && q->yield_per)
		rc = qr_conn_set_stream_results(conn, true);
	if (rc == 0) {
		rc = qr_orm__exec(s, &r->res, conn, stmt, q->params);
		if (q->yield_per)
			(void)qr_conn_set_stream_results(conn, false);
	}
	if (rc == 0)
		rc = map_columns(r, q);
	if (rc == 0 && !q->yield_per) {
		bool values = has_values(q);
		rc = load_all(r, values || plan.n);
		if (rc == 0)
			rc = qr_orm__poly_complete(s, r->partial, r->npartial);
		if (rc == 0) {
			/* selectin and subquery loads overwrite too */
			s->populating += r->overwrite;
			rc = load_eager(r, q, &plan);
			s->populating -= r->overwrite;
		}
		if (!values) {
			/* the objects hold what the rows had */
			qr_rowset_free(r->rows);
			r->rows = NULL;
		}
	}
	if (rc == 0 && q->yield_per &&
	    !(r->cur.objs = calloc(r->ncols ? r->ncols : 1, sizeof(void *))))
		rc = qr_error_oom("query result");
	plan_free(&plan);
	qr_stmt_free(stmt);
	qr_query_free(q);
	if (rc) {
		result_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int qr_query_execute(qr_orm_result **out, qr_query *q)
{
	if (!out) {
		qr_query_free(q);
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_query_execute: NULL out");
	}
	return execute(out, q ? q->session : NULL, q);
}

int qr_session_execute_query(qr_orm_result **out, qr_session *s, qr_query *q)
{
	if (!out || !s) {
		if (out)
			*out = NULL;
		qr_query_free(q);
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_execute_query: NULL argument");
	}
	return execute(out, s, q);
}

/* The handles of the buffered rows (given out by next). */
static int make_rows(qr_orm_result *r)
{
	r->buf = malloc(r->nbuf * sizeof(*r->buf));
	if (!r->buf)
		return qr_error_oom("query result");
	for (size_t k = 0; k < r->nbuf; k++) {
		r->buf[k].r = r;
		r->buf[k].core = r->rows ? qr_rowset_row(r->rows, k) : NULL;
		r->buf[k].objs = r->objs + k * r->ncols;
	}
	return 0;
}

int qr_orm_result_next(qr_orm_result *r, const qr_orm_row **row)
{
	const qr_row *core;
	int rc;

	if (!r || !row)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_orm_result_next: NULL argument");
	*row = NULL;
	if (r->done)
		return 0;
	if (r->buffered) {
		if (r->pos >= r->nbuf) {
			r->done = true;
			return 0;
		}
		if (!r->buf && make_rows(r))
			return QR_ENOMEM;
		*row = &r->buf[r->pos++];
		return 1;
	}
	rc = qr_result_next(r->res, &core);
	if (rc <= 0) {
		r->done = true;
		return rc;
	}
	r->cur.r = r;
	r->cur.core = core;
	rc = load(r, r->cur.objs, core);
	if (rc)
		return rc;
	*row = &r->cur;
	return 1;
}

int qr_orm_result_first(qr_orm_result *r, const qr_orm_row **row)
{
	int rc = qr_orm_result_next(r, row);

	if (r)
		r->done = true;
	return rc;
}

static int one(qr_orm_result *r, const qr_orm_row **row, bool none_ok)
{
	const qr_orm_row *extra;
	int rc = qr_orm_result_next(r, row);

	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (none_ok)
			return 0;
		return qr_error_set(QR_ENORESULT, QR_ECLASS_INVALID_REQUEST,
				    "No row was found when one was required");
	}
	if (r->buffered) {
		/* keep *row valid: buffered rows stay */
		rc = qr_orm_result_next(r, &extra);
	} else {
		/* streaming: a second row would replace the first; count
		 * it through the Core cursor without loading it */
		const qr_row *core;
		rc = qr_result_next(r->res, &core);
		r->done = true;
	}
	if (rc < 0)
		return rc;
	if (rc == 1) {
		*row = NULL;
		return qr_error_set(QR_EMULTIPLE, QR_ECLASS_INVALID_REQUEST,
				    "Multiple rows were found when %s was "
				    "required",
				    none_ok ? "one or none" : "exactly one");
	}
	return none_ok ? 1 : 0;
}

int qr_orm_result_one(qr_orm_result *r, const qr_orm_row **row)
{
	return one(r, row, false);
}

int qr_orm_result_one_or_none(qr_orm_result *r, const qr_orm_row **row)
{
	return one(r, row, true);
}

size_t qr_orm_result_column_count(const qr_orm_result *r)
{
	return r ? r->ncols : 0;
}

const char *qr_orm_result_column_name(const qr_orm_result *r, size_t i)
{
	if (!r || i >= r->ncols)
		return NULL;
	if (r->cols[i].name)
		return r->cols[i].name;
	return qr_result_column_name(r->res, (size_t)r->cols[i].core);
}

/* ---- rows ------------------------------------------------------------------
 */

size_t qr_orm_row_count(const qr_orm_row *row)
{
	return row ? row->r->ncols : 0;
}

void *qr_orm_row_object(const qr_orm_row *row, size_t i)
{
	return row && i < row->r->ncols ? row->objs[i] : NULL;
}

const qr_value *qr_orm_row_value(const qr_orm_row *row, size_t i)
{
	if (!row || i >= row->r->ncols || row->r->cols[i].kind != QR_QI_COLUMN)
		return NULL;
	return qr_row_value(row->core, row->r->cols[i].core);
}

int qr_orm_row_index(const qr_orm_row *row, const char *name)
{
	if (!row || !name)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_orm_row_index: NULL argument");
	for (size_t i = 0; i < row->r->ncols; i++) {
		const char *n = qr_orm_result_column_name(row->r, i);
		if (n && strcmp(n, name) == 0)
			return (int)i;
	}
	return qr_error_set(QR_ECOLUMN, QR_ECLASS_INVALID_REQUEST,
			    "the row has no column %s", name);
}

int qr_orm_row_repr(char **out, const qr_orm_row *row)
{
	qr_obuf b = {0};
	size_t n;

	if (!out || !row) {
		if (out)
			*out = NULL;
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_orm_row_repr: NULL argument");
	}
	n = row->r->ncols;
	qr_orm__buf_puts(&b, "(");
	for (size_t i = 0; i < n; i++) {
		if (i)
			qr_orm__buf_puts(&b, ", ");
		if (row->r->cols[i].kind == QR_QI_ENTITY) {
			if (row->objs[i])
				qr_orm__repr_object(&b, row->objs[i]);
			else
				qr_orm__buf_puts(&b, "None");
		} else {
			const qr_value *v = qr_orm_row_value(row, i);
			qr_value null = qr_val_null();
			qr_orm__buf_value(&b, v ? v : &null);
		}
	}
	qr_orm__buf_puts(&b, n == 1 ? ",)" : ")");
	return qr_orm__buf_finish(&b, out);
}

/* ---- shortcuts -------------------------------------------------------------
 */

static bool first_is_entity(qr_query *q, const char *what)
{
	if (q && q->nitems && q->items[0].kind == QR_QI_ENTITY)
		return true;
	if (q)
		qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
			     "%s: the query's first column is not an entity "
			     "(use qr_query_execute for rows)",
			     what);
	qr_query_free(q);
	return false;
}

static int all_objects(qr_objlist *out, qr_session *s, qr_query *q, bool unique)
{
	qr_orm_result *r;
	const qr_orm_row *row;
	uint32_t mark;
	int rc;

	out->count = 0;
	if (!first_is_entity(q, "all"))
		return qr_error_last()->code ? qr_error_last()->code
					     : QR_EINVAL;
	unique = unique && q->nitems == 1;
	rc = execute(&r, s, q);
	if (rc)
		return rc;
	mark = qr_orm__next_mark(s);
	if (r->buffered && r->ncols == 1) {
		/* the result's array becomes the list */
		size_t w = 0;
		for (size_t k = 0; k < r->nbuf; k++) {
			void *obj = r->objs[k];
			if (unique && obj) {
				qr_objhdr *h = qr_orm__hdr(obj);
				if (h->mark == mark)
					continue;
				h->mark = mark;
			}
			r->objs[w++] = obj;
		}
		free(out->items);
		out->items = r->objs;
		out->count = w;
		out->cap = r->objcap;
		r->objs = NULL;
		r->nbuf = r->objcap = 0;
		qr_orm_result_free(r);
		return 0;
	}
	while ((rc = qr_orm_result_next(r, &row)) == 1) {
		void *obj = row->objs[0];
		if (unique && obj) {
			qr_objhdr *h = qr_orm__hdr(obj);
			if (h->mark == mark)
				continue; /* seen in this pass */
			h->mark = mark;
		}
		if ((rc = qr_objlist_append(out, obj)) != 0)
			break;
	}
	qr_orm_result_free(r);
	return rc < 0 ? rc : 0;
}

int qr_query_all(qr_objlist *out, qr_query *q)
{
	if (!out) {
		qr_query_free(q);
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_query_all: NULL out");
	}
	return all_objects(out, q ? q->session : NULL, q, true);
}

int qr_session_scalars(qr_objlist *out, qr_session *s, qr_query *q)
{
	if (!out || !s) {
		qr_query_free(q);
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_scalars: NULL argument");
	}
	return all_objects(out, s, q, false);
}

/* Runs q for one object: mode 0 first, 1 one, 2 one_or_none. */
static int single(void *out, qr_query *q, int mode, const char *what)
{
	qr_orm_result *r;
	const qr_orm_row *row = NULL;
	int rc;

	if (!out) {
		qr_query_free(q);
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: NULL out", what);
	}
	*(void **)out = NULL;
	if (!first_is_entity(q, what))
		return qr_error_last()->code ? qr_error_last()->code
					     : QR_EINVAL;
	if (mode == 0 && !(q = qr_query_limit(q, 1)))
		return qr_error_last()->code;
	rc = execute(&r, q->session, q);
	if (rc)
		return rc;
	if (mode == 0)
		rc = qr_orm_result_first(r, &row);
	else if (mode == 1)
		rc = qr_orm_result_one(r, &row);
	else
		rc = qr_orm_result_one_or_none(r, &row);
	if (rc >= 0 && row)
		*(void **)out = row->objs[0];
	qr_orm_result_free(r);
	return rc;
}

int qr_query_first(void *out, qr_query *q)
{
	return single(out, q, 0, "qr_query_first");
}

int qr_query_one(void *out, qr_query *q)
{
	return single(out, q, 1, "qr_query_one");
}

int qr_query_one_or_none(void *out, qr_query *q)
{
	return single(out, q, 2, "qr_query_one_or_none");
}

int qr_query_scalar_int64(int64_t *out, qr_query *q)
{
	qr_orm_result *r;
	const qr_orm_row *row = NULL;
	const qr_value *v;
	int rc;

	if (!out) {
		qr_query_free(q);
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_query_scalar_int64: NULL out");
	}
	*out = 0;
	rc = execute(&r, q ? q->session : NULL, q);
	if (rc)
		return rc;
	rc = qr_orm_result_one_or_none(r, &row);
	if (rc == 1) {
		v = qr_orm_row_value(row, 0);
		if (!v) {
			rc = qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
					  "scalar: the first column is an "
					  "entity");
		} else {
			rc = qr_value_int64(v, out);
			rc = rc == QR_NULL ? 0 : rc == 0 ? 1 : rc;
		}
	}
	qr_orm_result_free(r);
	return rc;
}

int qr_query_count(int64_t *out, qr_query *q)
{
	qr_session *s;
	qr_result *res = NULL;
	const qr_value *v;
	qr_stmt *inner, *stmt;
	qr_conn *conn;
	int rc;

	if (!out) {
		qr_query_free(q);
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_query_count: NULL out");
	}
	*out = 0;
	if (!q)
		return qr_error_last()->code ? qr_error_last()->code
					     : QR_EINVAL;
	s = q->session;
	if (!s) {
		qr_query_free(q);
		return qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				    "count: the query has no session");
	}
	rc = qr_orm__autoflush(s);
	if (rc) {
		qr_query_free(q);
		return rc;
	}
	inner = qr_orm__query_select(q);
	stmt = qr_select(qr_label(qr_count_star(), "count_1"),
			 qr_from(qr_subquery(inner, NULL)));
	rc = qr_orm__conn(s, &conn);
	if (rc == 0)
		rc = qr_orm__exec(s, &res, conn, stmt, q->params);
	if (rc == 0) {
		rc = qr_result_scalar(res, &v);
		if (rc == 1)
			rc = qr_value_int64(v, out);
		rc = rc > 0 ? 0 : rc;
	}
	qr_result_free(res);
	qr_stmt_free(stmt);
	qr_query_free(q);
	return rc;
}
