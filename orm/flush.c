/*
 * flush.c - the unit of work: find what changed, order it by the foreign
 * keys between tables, write it, and on failure put the database and the
 * session back as they were before the transaction flushed anything.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct objvec {
	qr_objhdr **items;
	unsigned char **masks; /* updates: changed fields */
	size_t n, cap;
} objvec;

typedef struct mwork {
	qr_mapper *m;
	objvec ins, upd, del;
} mwork;

typedef struct work {
	mwork *w;
	size_t n, cap;
} work;

static int vec_push(objvec *v, qr_objhdr *h, unsigned char *mask)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		qr_objhdr **items = realloc(v->items, cap * sizeof(*items));
		unsigned char **masks;
		if (!items)
			return qr_error_oom("flush");
		v->items = items;
		masks = realloc(v->masks, cap * sizeof(*masks));
		if (!masks)
			return qr_error_oom("flush");
		v->masks = masks;
		v->cap = cap;
	}
	v->items[v->n] = h;
	v->masks[v->n] = mask;
	v->n++;
	return 0;
}

static void vec_free(objvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->masks[i]);
	free(v->items);
	free(v->masks);
}

static mwork *work_for(work *w, qr_mapper *m)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->w[i].m == m)
			return &w->w[i];
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4;
		mwork *p = realloc(w->w, cap * sizeof(*p));
		if (!p) {
			qr_error_oom("flush");
			return NULL;
		}
		w->w = p;
		w->cap = cap;
	}
	memset(&w->w[w->n], 0, sizeof(w->w[w->n]));
	w->w[w->n].m = m;
	return &w->w[w->n++];
}

static void work_free(work *w)
{
	for (size_t i = 0; i < w->n; i++) {
		vec_free(&w->w[i].ins);
		vec_free(&w->w[i].upd);
		vec_free(&w->w[i].del);
	}
	free(w->w);
}

/* The bitmask of h's changed fields, or NULL when none (or OOM: *rc).
 * Unchanged, h's snapshot is made exact again (one memcmp next time). */
static unsigned char *changed_mask(qr_objhdr *h, int *rc)
{
	const qr_mapper *m = h->mapper;
	unsigned char *mask = NULL;

	*rc = 0;
	if (!qr_orm__snap(h) || qr_orm__snapshot_same(h))
		return NULL;
	for (size_t i = 0; i < m->nfields; i++) {
		if ((int)i == m->version ||
		    !qr_orm__field_changed(h, qr_orm__snap(h), i))
			continue;
		if (!mask) {
			mask = calloc((m->nfields + 7) / 8, 1);
			if (!mask) {
				*rc = qr_error_oom("flush");
				return NULL;
			}
		}
		mask[i / 8] |= (unsigned char)(1u << (i % 8));
	}
	if (!mask)
		qr_orm__snapshot_refresh(h);
	return mask;
}

static int by_seq(const void *a, const void *b)
{
	const qr_objhdr *x = *(qr_objhdr *const *)a;
	const qr_objhdr *y = *(qr_objhdr *const *)b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts updates by the order their objects entered the session. */
static void sort_updates(objvec *v)
{
	size_t n = v->n;
	struct pair {
		qr_objhdr *h;
		unsigned char *m;
	} * p;

	if (n < 2)
		return;
	p = malloc(n * sizeof(*p));
	if (!p)
		return; /* unsorted is still correct */
	for (size_t i = 0; i < n; i++) {
		p[i].h = v->items[i];
		p[i].m = v->masks[i];
	}
	qsort(p, n, sizeof(*p), by_seq);
	for (size_t i = 0; i < n; i++) {
		v->items[i] = p[i].h;
		v->masks[i] = p[i].m;
	}
	free(p);
}

/* The UPDATEs: of every mapper (only NULL), or again for only's mapper
 * after foreign keys were set from rows inserted in this flush. */
static int collect_updates(qr_session *s, work *w, mwork *only)
{
	size_t pos = 0;
	qr_objhdr *h;
	mwork *mw;
	int rc;

	if (only) {
		vec_free(&only->upd);
		memset(&only->upd, 0, sizeof(only->upd));
	}
	while ((h = qr_orm__idmap_scan(&s->idmap, &pos)) != NULL) {
		unsigned char *mask;
		if (h->state != QR_STATE_PERSISTENT ||
		    (h->flags & QR_OF_DELETE) || (only && h->mapper != only->m))
			continue;
		/* read-only, or unchanged with every string and blob member
		 * adopted */
		if ((h->flags & QR_OF_READONLY) || qr_orm__snapshot_same(h))
			continue;
		if ((rc = qr_orm__adopt(h)) != 0)
			return rc;
		mask = changed_mask(h, &rc);
		if (rc)
			return rc;
		if (!mask)
			continue;
		if (!(mw = only ? only : work_for(w, h->mapper))) {
			free(mask);
			return QR_ENOMEM;
		}
		if ((rc = vec_push(&mw->upd, h, mask)) != 0) {
			free(mask);
			return rc;
		}
		if (only && (rc = qr_orm__journal(s, h)) != 0)
			return rc;
	}
	if (only)
		sort_updates(&only->upd);
	return 0;
}

static int collect(qr_session *s, work *w)
{
	qr_objhdr *h;
	mwork *mw;
	int rc;

	for (h = s->pending_head; h; h = h->ext->lnext) {
		if ((rc = qr_orm__adopt(h)) != 0)
			return rc;
		if (!(mw = work_for(w, h->mapper)))
			return QR_ENOMEM;
		if ((rc = vec_push(&mw->ins, h, NULL)) != 0)
			return rc;
	}
	if ((rc = collect_updates(s, w, NULL)) != 0)
		return rc;
	for (h = s->deleted_head; h; h = h->ext->lnext) {
		if (!(mw = work_for(w, h->mapper)))
			return QR_ENOMEM;
		if ((rc = vec_push(&mw->del, h, NULL)) != 0)
			return rc;
	}
	for (size_t i = 0; i < w->n; i++)
		sort_updates(&w->w[i].upd);
	return 0;
}

/* Orders the mapper work by dependencies. */
static int order(work *w)
{
	qr_mapper **ms;
	mwork *sorted;
	int rc;

	if (w->n < 2)
		return 0;
	ms = malloc(w->n * sizeof(*ms));
	sorted = malloc(w->n * sizeof(*sorted));
	if (!ms || !sorted) {
		free(ms);
		free(sorted);
		return qr_error_oom("flush");
	}
	for (size_t i = 0; i < w->n; i++)
		ms[i] = w->w[i].m;
	rc = qr_orm__sort_mappers(ms, w->n);
	for (size_t i = 0; i < w->n && rc == 0; i++)
		for (size_t j = 0; j < w->n; j++)
			if (w->w[j].m == ms[i])
				sorted[i] = w->w[j];
	if (rc == 0)
		memcpy(w->w, sorted, w->n * sizeof(*sorted));
	free(ms);
	free(sorted);
	return rc;
}

/* Checks new objects against the identity map before any SQL. */
static int check_identities(qr_session *s, const objvec *ins)
{
	for (size_t i = 0; i < ins->n; i++) {
		qr_objhdr *h = ins->items[i], *other;
		qr_ikey *key = NULL;
		int rc = qr_orm__key_make(&key, h);
		if (rc)
			return rc;
		other = key ? qr_orm__idmap_get(&s->idmap, key) : NULL;
		qr_orm__owned_free(h, key);
		if (other) {
			qr_obuf b = {0};
			char *id = NULL;
			qr_orm__key_repr(&b, other);
			qr_orm__buf_finish(&b, &id);
			rc = qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
					  "a new %s object with identity key "
					  "%s conflicts with the persistent "
					  "one in the session",
					  h->mapper->name, id ? id : "?");
			qr_free(id);
			return rc;
		}
	}
	return 0;
}

static int journal_all(qr_session *s, const work *w)
{
	for (size_t i = 0; i < w->n; i++) {
		const objvec *vs[3] = {&w->w[i].ins, &w->w[i].upd,
				       &w->w[i].del};
		for (int k = 0; k < 3; k++)
			for (size_t j = 0; j < vs[k]->n; j++) {
				int rc = qr_orm__journal(s, vs[k]->items[j]);
				if (rc)
					return rc;
			}
	}
	return 0;
}

/* Rolls the database back to the innermost level's start and restores
 * the session's objects, keeping the error that caused it. */
static int fail(qr_session *s, int rc)
{
	qr_saved_error saved;
	qr_stx *level = s->tx;

	qr_orm__error_save(&saved);
	if (level == &s->outer) {
		if (s->conn)
			qr_conn_rollback(s->conn);
		if (s->conn && qr_conn_invalidated(s->conn)) {
			/* lost: a retry checks out a new connection */
			qr_conn_free(s->conn);
			s->conn = NULL;
		}
	} else if (level->sp) {
		qr_tx_rollback(level->sp);
		qr_tx_free(level->sp);
		level->sp = NULL;
		if (s->conn && qr_conn_begin_nested(&level->sp, s->conn) != 0)
			level->sp = NULL;
	}
	qr_orm__journal_restore(s, level);
	qr_orm__error_restore(&saved);
	return rc;
}

/* A mapper with objects whose foreign keys wait for a parent's key. */
static void defer_mapper(void *ctx, qr_mapper *m)
{
	work_for(ctx, m);
}

static int flush_work(qr_session *s)
{
	work w = {0};
	qr_conn *conn;
	bool inserted = false, before_flush_done = false;
	uint64_t collected;
	int rc;

	rc = qr_orm__cascade_all(s);
	if (rc == 0)
		rc = qr_orm__sync_fks(s, defer_mapper, &w);
	if (rc == 0)
		rc = collect(s, &w);
	if (rc == 0 && (w.n || qr_orm__m2m_dirty(s)) && s->nlisteners &&
	    !before_flush_done) {
		/* before_flush may add or change objects: then look again */
		before_flush_done = true;
		work_free(&w);
		w = (work){0};
		if ((rc = qr_orm__session_event(s, QR_BEFORE_FLUSH)) == 0)
			rc = qr_orm__cascade_all(s);
		if (rc == 0)
			rc = qr_orm__sync_fks(s, defer_mapper, &w);
		if (rc == 0)
			rc = collect(s, &w);
	}
	collected = s->fk_changes;
	if (rc == 0 && w.n == 0 && !qr_orm__m2m_dirty(s))
		goto out;
	if (rc == 0)
		rc = order(&w);
	for (size_t i = 0; i < w.n && rc == 0; i++)
		rc = check_identities(s, &w.w[i].ins);
	if (rc == 0)
		rc = journal_all(s, &w);
	if (rc == 0)
		rc = qr_orm__conn(s, &conn);
	if (rc)
		goto out;
	for (size_t i = 0; i < w.n && rc == 0; i++) {
		mwork *mw = &w.w[i];
		if (inserted) { /* keys generated: set foreign keys again */
			rc = qr_orm__sync_fks(s, NULL, NULL);
			/* updates collected before a key changed: again */
			if (rc == 0 && s->fk_changes != collected)
				rc = collect_updates(s, &w, mw);
			if (rc)
				break;
		}
		if (mw->ins.n)
			inserted = true;
		if (mw->upd.n &&
		    qr_orm__has_listener(mw->m, QR_BEFORE_UPDATE)) {
			/* what the listeners change is written too */
			rc = qr_orm__mapper_event(s, conn, QR_BEFORE_UPDATE,
						  mw->upd.items, mw->upd.n);
			if (rc == 0)
				rc = collect_updates(s, &w, mw);
		}
		if (rc == 0 && mw->upd.n)
			rc = qr_orm__persist_updates(s, conn, mw->m,
						     mw->upd.items,
						     mw->upd.masks, mw->upd.n);
		if (rc == 0 && mw->upd.n)
			rc = qr_orm__mapper_event(s, conn, QR_AFTER_UPDATE,
						  mw->upd.items, mw->upd.n);
		if (rc == 0 && mw->ins.n)
			rc = qr_orm__mapper_event(s, conn, QR_BEFORE_INSERT,
						  mw->ins.items, mw->ins.n);
		if (rc == 0 && mw->ins.n)
			rc = qr_orm__persist_inserts(s, conn, mw->m,
						     mw->ins.items, mw->ins.n);
		if (rc == 0 && mw->ins.n)
			rc = qr_orm__mapper_event(s, conn, QR_AFTER_INSERT,
						  mw->ins.items, mw->ins.n);
	}
	/* post-update: foreign keys to rows inserted after the row holding
	 * them (a row referencing its own table in the same batch, cycles)
	 * are set by an UPDATE once every key is known */
	if (rc == 0 && inserted) {
		uint64_t before = s->fk_changes;
		rc = qr_orm__sync_fks(s, NULL, NULL);
		inserted = s->fk_changes != before; /* else nothing to do */
	}
	for (size_t i = 0; i < w.n && rc == 0 && inserted; i++) {
		mwork *mw = &w.w[i];
		rc = collect_updates(s, &w, mw);
		if (rc == 0 && mw->upd.n)
			rc = qr_orm__persist_updates(s, conn, mw->m,
						     mw->upd.items,
						     mw->upd.masks, mw->upd.n);
	}
	if (rc == 0) /* association rows: both sides have their keys */
		rc = qr_orm__flush_secondary(s, conn);
	for (size_t i = w.n; i-- > 0 && rc == 0;) {
		mwork *mw = &w.w[i];
		/* latest marked first: a cascade marks a parent before its
		 * children, which go first (a table referencing itself) */
		for (size_t a = 0, b = mw->del.n; a + 1 < b; a++, b--) {
			qr_objhdr *t = mw->del.items[a];
			mw->del.items[a] = mw->del.items[b - 1];
			mw->del.items[b - 1] = t;
		}
		if (mw->del.n)
			rc = qr_orm__mapper_event(s, conn, QR_BEFORE_DELETE,
						  mw->del.items, mw->del.n);
		if (rc == 0 && mw->del.n)
			rc = qr_orm__persist_deletes(s, conn, mw->m,
						     mw->del.items, mw->del.n);
		if (rc == 0 && mw->del.n)
			rc = qr_orm__mapper_event(s, conn, QR_AFTER_DELETE,
						  mw->del.items, mw->del.n);
	}
	if (rc == 0)
		rc = qr_orm__session_event(s, QR_AFTER_FLUSH);
	if (rc)
		rc = fail(s, rc);
	else
		qr_orm__rels_flushed(s);
out:
	work_free(&w);
	return rc;
}

int qr_orm__flush(qr_session *s)
{
	int rc;

	if (s->flushing)
		return 0;
	s->flushing = true;
	rc = flush_work(s);
	s->flushing = false;
	return rc;
}

int qr_session_flush(qr_session *s)
{
	if (!s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_flush: NULL session");
	return qr_orm__flush(s);
}
