/*
 * session.c - sessions and session factories: the objects a session
 * owns, adding, deleting, expunging and detaching them, the new / dirty /
 * deleted sets, and the session's connection.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- factories ------------------------------------------------------- */

int qr_sessionmaker_new(qr_sessionmaker **out, qr_engine *engine,
			const qr_session_options *opts)
{
	qr_sessionmaker *sm;

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_sessionmaker_new: NULL out");
	*out = NULL;
	if (!engine)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_sessionmaker_new: NULL engine");
	sm = calloc(1, sizeof(*sm));
	if (!sm)
		return qr_error_oom("session factory");
	sm->engine = engine;
	if (opts)
		sm->opts = *opts;
	*out = sm;
	return 0;
}

void qr_sessionmaker_bind(qr_sessionmaker *sm, qr_engine *engine)
{
	if (sm && engine)
		sm->engine = engine;
}

void qr_sessionmaker_free(qr_sessionmaker *sm)
{
	free(sm);
}

int qr_sessionmaker_open(qr_session **out, qr_sessionmaker *sm)
{
	if (!sm) {
		if (out)
			*out = NULL;
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_sessionmaker_open: NULL factory");
	}
	return qr_session_new(out, sm->engine, &sm->opts);
}

/* ---- sessions ------------------------------------------------------------ */

int qr_session_new(qr_session **out, qr_engine *engine,
		   const qr_session_options *opts)
{
	qr_session *s;
	const qr_dialect *d = NULL;
	int rc;

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_new: NULL out");
	*out = NULL;
	if (!engine)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_new: NULL engine");
	rc = qr_dialect_find(&d, qr_engine_dialect_name(engine));
	if (rc)
		return rc;
	s = calloc(1, sizeof(*s));
	if (!s)
		return qr_error_oom("session");
	s->engine = engine;
	s->dialect = d;
	s->registry = opts ? opts->registry : NULL;
	s->autoflush = !(opts && opts->no_autoflush);
	s->expire_on_commit = !(opts && opts->no_expire_on_commit);
	s->tx = &s->outer;
	*out = s;
	return 0;
}

qr_engine *qr_session_engine(const qr_session *s)
{
	return s ? s->engine : NULL;
}

int qr_orm__conn(qr_session *s, qr_conn **out)
{
	if (!s->conn) {
		int rc = qr_engine_connect(&s->conn, s->engine);
		if (!rc) {
			/* The engine's first connection may have picked the
			 * flavour its server calls for (MariaDB's RETURNING).
			 */
			rc = qr_dialect_find(&s->dialect,
					     qr_engine_dialect_name(s->engine));
		}
		if (rc) {
			qr_conn_free(s->conn);
			s->conn = NULL;
			*out = NULL;
			return rc;
		}
	}
	*out = s->conn;
	return 0;
}

int qr_session_connection(qr_conn **out, qr_session *s)
{
	if (!out || !s) {
		if (out)
			*out = NULL;
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_connection: NULL argument");
	}
	return qr_orm__conn(s, out);
}

int qr_session_execute(qr_result **out, qr_session *s, const qr_stmt *stmt,
		       const qr_params *params)
{
	qr_conn *conn;
	int rc;

	if (out)
		*out = NULL;
	if (!s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_execute: NULL session");
	rc = qr_orm__autoflush(s);
	if (rc == 0)
		rc = qr_orm__conn(s, &conn);
	if (rc == 0)
		rc = qr_orm__exec(s, out, conn, stmt, params);
	return rc;
}

bool qr_session_set_autoflush(qr_session *s, bool on)
{
	bool old;

	if (!s)
		return false;
	old = s->autoflush;
	s->autoflush = on;
	return old;
}

bool qr_session_set_default_read_only(qr_session *s, bool on)
{
	bool old;

	if (!s)
		return false;
	old = s->read_only;
	s->read_only = on;
	return old;
}

int qr_orm__autoflush(qr_session *s)
{
	/* nor while loading relationships: the load that began autoflushed,
	 * and loading changes nothing to flush */
	if (!s->autoflush || s->flushing || s->rel_loading)
		return 0;
	/* A session with no pending, persistent or deleted object has
	 * nothing a flush would write (nor calls its listeners): a lookup
	 * after expunge_all skips the flush's passes (about 350
	 * instructions on SQLite's orm_get). */
	if (!s->pending_head && !s->deleted_head && s->idmap.count == 0)
		return 0;
	return qr_orm__flush(s);
}

/* ---- ownership and lists ------------------------------------------------- */

void qr_orm__own(qr_session *s, qr_objhdr *h)
{
	h->session = s;
	h->flags |= QR_OF_OWNED;
	h->prev = NULL;
	h->next = s->objects;
	if (s->objects)
		s->objects->prev = h;
	s->objects = h;
}

static void disown(qr_session *s, qr_objhdr *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		s->objects = h->next;
	if (h->next)
		h->next->prev = h->prev;
	h->prev = h->next = NULL;
	h->session = NULL;
	h->flags &= (uint8_t)~QR_OF_OWNED;
}

uint32_t qr_orm__next_mark(qr_session *s)
{
	if (++s->next_mark == 0) {
		for (qr_objhdr *h = s->objects; h; h = h->next)
			h->mark = 0;
		s->next_mark = 1;
	}
	return s->next_mark;
}

void qr_orm__list_push(qr_session *s, qr_objhdr *h, bool deleted)
{
	qr_objhdr **head = deleted ? &s->deleted_head : &s->pending_head;
	qr_objhdr **tail = deleted ? &s->deleted_tail : &s->pending_tail;

	h->ext->lnext = NULL;
	h->ext->lprev = *tail;
	if (*tail)
		(*tail)->ext->lnext = h;
	else
		*head = h;
	*tail = h;
	h->flags |= QR_OF_IN_LIST;
	if (deleted)
		s->ndeleted++;
	else
		s->npending++;
}

void qr_orm__list_remove(qr_session *s, qr_objhdr *h)
{
	bool deleted = (h->flags & QR_OF_DELETE) != 0;
	qr_objhdr **head = deleted ? &s->deleted_head : &s->pending_head;
	qr_objhdr **tail = deleted ? &s->deleted_tail : &s->pending_tail;

	if (!(h->flags & QR_OF_IN_LIST))
		return;
	if (h->ext->lprev)
		h->ext->lprev->ext->lnext = h->ext->lnext;
	else
		*head = h->ext->lnext;
	if (h->ext->lnext)
		h->ext->lnext->ext->lprev = h->ext->lprev;
	else
		*tail = h->ext->lprev;
	h->ext->lprev = h->ext->lnext = NULL;
	h->flags &= (uint8_t)~QR_OF_IN_LIST;
	if (deleted)
		s->ndeleted--;
	else
		s->npending--;
}

static int hdr_by_seq(const void *a, const void *b)
{
	const qr_objhdr *x = *(qr_objhdr *const *)a;
	const qr_objhdr *y = *(qr_objhdr *const *)b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void qr_orm__pending_sort(qr_session *s)
{
	qr_objhdr **v, *h;
	size_t n = 0;

	if (s->npending < 2)
		return;
	v = malloc(s->npending * sizeof(*v));
	if (!v) { /* sorted one by one instead: slower, same order */
		qr_objhdr *list = s->pending_head;
		s->pending_head = s->pending_tail = NULL;
		s->npending = 0;
		while (list) {
			h = list;
			list = list->ext->lnext;
			qr_orm__list_insert_pending(s, h);
		}
		return;
	}
	for (h = s->pending_head; h; h = h->ext->lnext)
		v[n++] = h;
	qsort(v, n, sizeof(*v), hdr_by_seq);
	for (size_t i = 0; i < n; i++) {
		v[i]->ext->lprev = i ? v[i - 1] : NULL;
		v[i]->ext->lnext = i + 1 < n ? v[i + 1] : NULL;
	}
	s->pending_head = v[0];
	s->pending_tail = v[n - 1];
	free(v);
}

void qr_orm__list_insert_pending(qr_session *s, qr_objhdr *h)
{
	qr_objhdr *at = s->pending_tail;

	while (at && at->seq > h->seq)
		at = at->ext->lprev;
	if (!at) {
		h->ext->lprev = NULL;
		h->ext->lnext = s->pending_head;
		if (s->pending_head)
			s->pending_head->ext->lprev = h;
		else
			s->pending_tail = h;
		s->pending_head = h;
	} else {
		h->ext->lprev = at;
		h->ext->lnext = at->ext->lnext;
		if (at->ext->lnext)
			at->ext->lnext->ext->lprev = h;
		else
			s->pending_tail = h;
		at->ext->lnext = h;
	}
	h->flags |= QR_OF_IN_LIST;
	s->npending++;
}

int qr_orm__make_persistent(qr_session *s, qr_objhdr *h)
{
	int rc = qr_orm__idmap_put(&s->idmap, h);
	if (rc == 0)
		h->state = QR_STATE_PERSISTENT;
	return rc;
}

/* Drops h's journal entries in every level (it is leaving). */
static void unjournal(qr_session *s, qr_objhdr *h)
{
	for (qr_stx *l = s->tx; l && qr_orm__jl(h); l = l->parent) {
		if (h->ext->jl != l)
			continue;
		qr_jentry *e = &l->entries[h->ext->jidx];
		qr_orm__jentry_free(e, h->mapper);
		h->ext->jl = e->prev_jl;
		h->ext->jidx = e->prev_jidx;
		/* leave a hole that the journal code skips */
		memset(e, 0, sizeof(*e));
	}
}

void qr_orm__unlink(qr_session *s, qr_objhdr *h)
{
	qr_orm__idmap_remove(&s->idmap, h);
	qr_orm__list_remove(s, h);
	/* out of the session, modifiable (a snapshot is taken when it
	 * comes back) */
	h->flags &= (uint8_t) ~(QR_OF_DELETE | QR_OF_READONLY);
	unjournal(s, h);
}

/* ---- objects ------------------------------------------------------------- */

void *qr_session_new_object(qr_session *s, qr_mapping *mapping)
{
	qr_mapper *m;
	qr_objhdr *h;

	if (!s) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_new: NULL session");
		return NULL;
	}
	if (qr_orm__mapper_for(&m, mapping, s->registry) != 0)
		return NULL;
	/* in the session's chunk once it has taken in many objects (loaded
	 * or added over its life): it holds many (as a load's objects), or
	 * the program expunges what it flushed, and the chunk, emptied,
	 * starts again (objchunk.c) */
	h = qr_orm__object_alloc(
		m, s->next_seq >= QR_ORM_CHUNK_AFTER ? &s->chunk : NULL);
	if (!h)
		return NULL;
	qr_orm__rels_new_object(h);
	qr_orm__own(s, h);
	return qr_orm__obj(h);
}

static qr_objhdr *session_object(qr_session *s, const void *obj,
				 const char *what)
{
	qr_objhdr *h;

	if (!s) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT, "%s: NULL session",
			     what);
		return NULL;
	}
	h = qr_orm__check(obj, what);
	if (h && h->session && h->session != s) {
		qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
			     "%s: the %s object belongs to another session",
			     what, h->mapper->name);
		return NULL;
	}
	return h;
}

int qr_session_add(qr_session *s, void *obj)
{
	qr_objhdr *h = session_object(s, obj, "qr_session_add");
	int rc;

	if (!h)
		return QR_EINVAL;
	switch (h->state) {
	case QR_STATE_TRANSIENT:
		if (!h->session)
			qr_orm__own(s, h);
		if (qr_orm__ext_need(h) != 0)
			return QR_ENOMEM;
		h->state = QR_STATE_PENDING;
		h->seq = s->next_seq++;
		qr_orm__list_push(s, h, false);
		return qr_orm__cascade_add(s, h);
	case QR_STATE_PENDING:
		return 0;
	case QR_STATE_PERSISTENT:
		if (h->flags & QR_OF_DELETE) {
			qr_orm__list_remove(s, h);
			h->flags &= (uint8_t)~QR_OF_DELETE;
		}
		return 0;
	case QR_STATE_DELETED:
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "qr_session_add: the %s object is deleted "
				    "(its DELETE was flushed)",
				    h->mapper->name);
	case QR_STATE_DETACHED:
		if (!h->key || qr_orm__idmap_get(&s->idmap, h->key))
			return qr_error_set(
				QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				"qr_session_add: another %s object with this "
				"identity is already in the session",
				h->mapper->name);
		/* modifiable again; one that was read-only has no loaded
		 * state: what it holds now is taken for it */
		h->flags &= (uint8_t)~QR_OF_READONLY;
		if (!qr_orm__snap(h) && (rc = qr_orm__snapshot_update(h)) != 0)
			return rc;
		if (!h->session)
			qr_orm__own(s, h);
		h->seq = s->next_seq++;
		rc = qr_orm__make_persistent(s, h);
		return rc ? rc : qr_orm__cascade_add(s, h);
	}
	return QR_EINVAL;
}

int qr_session_add_all(qr_session *s, void *const *objs, size_t n)
{
	if (!objs && n)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_add_all: NULL array");
	for (size_t i = 0; i < n; i++) {
		int rc = qr_session_add(s, objs[i]);
		if (rc)
			return rc;
	}
	return 0;
}

int qr_session_delete(qr_session *s, void *obj)
{
	qr_objhdr *h = session_object(s, obj, "qr_session_delete");

	if (!h)
		return QR_EINVAL;
	switch (h->state) {
	case QR_STATE_PERSISTENT:
		if (!(h->flags & QR_OF_DELETE)) {
			/* marked first: a cycle of cascades ends here */
			int rc;
			if (qr_orm__ext_need(h) != 0)
				return QR_ENOMEM;
			h->flags |= QR_OF_DELETE;
			qr_orm__list_push(s, h, true);
			if ((rc = qr_orm__cascade_delete(s, h)) != 0) {
				qr_orm__list_remove(s, h);
				h->flags &= (uint8_t)~QR_OF_DELETE;
				return rc;
			}
		}
		return 0;
	case QR_STATE_DELETED:
		return 0;
	default:
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "qr_session_delete: the %s object is not "
				    "persisted (%s)",
				    h->mapper->name,
				    qr_objstate_name((qr_objstate)h->state));
	}
}

bool qr_session_contains(const qr_session *s, const void *obj)
{
	const qr_objhdr *h;

	if (!s || !obj)
		return false;
	h = qr_orm__hdr(obj);
	if (!qr_orm__live(h) || h->session != s)
		return false;
	return h->state == QR_STATE_PENDING || h->state == QR_STATE_PERSISTENT;
}

static qr_objhdr *owned_object(qr_session *s, void *obj, const char *what)
{
	qr_objhdr *h = session_object(s, obj, what);

	if (h && h->session != s) {
		qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
			     "%s: the %s object is not in this session", what,
			     h->mapper->name);
		return NULL;
	}
	return h;
}

int qr_session_expunge(qr_session *s, void *obj)
{
	qr_objhdr *h = owned_object(s, obj, "qr_session_expunge");
	qr_objlist all = QR_OBJLIST_INIT;
	int rc;

	if (!h)
		return QR_EINVAL;
	/* the expunge cascade; then no relationship of the objects left
	 * points at the ones freed */
	if ((rc = qr_orm__cascade_closure(s, h, QR_CASCADE_EXPUNGE, &all)) !=
	    0) {
		qr_objlist_clear(&all);
		return rc;
	}
	for (size_t i = 0; i < all.count; i++) {
		qr_objhdr *x = qr_orm__hdr(all.items[i]);
		if (!(x->flags & QR_OF_OWNED))
			continue;
		qr_orm__unlink(s, x);
		disown(s, x);
	}
	for (size_t i = 0; i < all.count; i++)
		qr_orm__rels_forget(s, qr_orm__hdr(all.items[i]));
	for (size_t i = 0; i < all.count; i++) {
		qr_objhdr *x = qr_orm__hdr(all.items[i]);
		if (x->session == NULL)
			qr_orm__object_release(x);
	}
	qr_objlist_clear(&all);
	return 0;
}

int qr_session_detach(qr_session *s, void *obj)
{
	qr_objhdr *h = owned_object(s, obj, "qr_session_detach");

	if (!h)
		return QR_EINVAL;
	qr_orm__unlink(s, h);
	disown(s, h);
	qr_orm__rels_forget(s, h);
	h->state = h->key ? QR_STATE_DETACHED : QR_STATE_TRANSIENT;
	return 0;
}

void qr_object_free(void *obj)
{
	qr_objhdr *h;

	if (!obj)
		return;
	h = qr_orm__check(obj, "qr_object_free");
	if (!h)
		return;
	if (h->session) {
		qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
			     "qr_object_free: the %s object belongs to a "
			     "session (qr_session_expunge frees it)",
			     h->mapper->name);
		return;
	}
	qr_orm__object_release(h);
}

/* Frees every owned object and empties every structure. */
static void free_objects(qr_session *s)
{
	qr_objhdr *h = s->objects;

	for (qr_stx *l = s->tx; l; l = l->parent)
		qr_orm__journal_forget(l);
	while (h) {
		qr_objhdr *next = h->next;
		qr_orm__object_release(h);
		h = next;
	}
	s->objects = NULL;
	s->pending_head = s->pending_tail = NULL;
	s->deleted_head = s->deleted_tail = NULL;
	s->npending = s->ndeleted = 0;
	qr_orm__idmap_clear(&s->idmap);
	/* its chunk starts again when no block of it is held (no object
	 * was detached from it) */
	qr_orm__chunk_rewind(s->chunk);
}

void qr_session_expunge_all(qr_session *s)
{
	if (s)
		free_objects(s);
}

/* Ends every nested level (their handles become inactive). */
static void drop_levels(qr_session *s)
{
	while (s->tx != &s->outer) {
		qr_stx *l = s->tx;
		s->tx = l->parent;
		qr_orm__journal_forget(l);
		qr_tx_free(l->sp);
		if (l->handle)
			l->handle->level = NULL;
		free(l->entries);
		free(l);
	}
}

void qr_session_close(qr_session *s)
{
	if (!s)
		return;
	drop_levels(s);
	if (s->conn) {
		qr_conn_rollback(s->conn);
		qr_conn_free(s->conn);
		s->conn = NULL;
	}
	free_objects(s);
	qr_orm__chunk_retire(&s->chunk); /* freed with its objects */
	qr_orm__pk_selects_free(s);
	free(s->outer.entries);
	s->outer.entries = NULL;
	s->outer.n = s->outer.cap = 0;
}

void qr_session_free(qr_session *s)
{
	if (!s)
		return;
	qr_session_close(s);
	qr_orm__idmap_free(&s->idmap);
	qr_orm__listeners_free(s->listeners);
	free(s);
}

/* ---- the new / dirty / deleted sets -------------------------------------- */

int qr_session_new_list(qr_objlist *out, qr_session *s)
{
	if (!out || !s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_new_list: NULL argument");
	out->count = 0;
	for (qr_objhdr *h = s->pending_head; h; h = h->ext->lnext) {
		int rc = qr_objlist_append(out, qr_orm__obj(h));
		if (rc)
			return rc;
	}
	return 0;
}

static int by_seq(const void *a, const void *b)
{
	const qr_objhdr *x = qr_orm__hdr(*(void *const *)a);
	const qr_objhdr *y = qr_orm__hdr(*(void *const *)b);
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int qr_session_dirty_list(qr_objlist *out, qr_session *s)
{
	size_t pos = 0;
	qr_objhdr *h;

	if (!out || !s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_dirty_list: NULL argument");
	out->count = 0;
	while ((h = qr_orm__idmap_next(&s->idmap, &pos)) != NULL) {
		if (h->state != QR_STATE_PERSISTENT ||
		    (h->flags & QR_OF_DELETE) || !qr_orm__object_modified(h))
			continue;
		int rc = qr_objlist_append(out, qr_orm__obj(h));
		if (rc)
			return rc;
	}
	if (out->count > 1)
		qsort(out->items, out->count, sizeof(void *), by_seq);
	return 0;
}

int qr_session_deleted_list(qr_objlist *out, qr_session *s)
{
	if (!out || !s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_deleted_list: NULL argument");
	out->count = 0;
	for (qr_objhdr *h = s->deleted_head; h; h = h->ext->lnext) {
		int rc = qr_objlist_append(out, qr_orm__obj(h));
		if (rc)
			return rc;
	}
	return 0;
}

bool qr_session_is_modified(qr_session *s, const void *obj)
{
	const qr_objhdr *h;

	if (!s || !obj)
		return false;
	h = qr_orm__hdr(obj);
	if (!qr_orm__live(h) || h->session != s)
		return false;
	return h->state == QR_STATE_PERSISTENT && qr_orm__object_modified(h);
}
