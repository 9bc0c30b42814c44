/*
 * txn.c - session transactions: commit, rollback, SAVEPOINTs, and the
 * journal that lets a rollback (or a failed flush) put objects back.
 *
 * Each transaction level (the outer transaction, each SAVEPOINT) keeps a
 * journal entry for every object a flush changed in it, recording the
 * object's session state before that: its state, snapshot and identity.
 * A committed SAVEPOINT hands its entries to its parent (an older entry
 * there wins); the outer commit forgets them.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

/* a flush of new objects journals each: keep an entry at 56 bytes */
_Static_assert(sizeof(void *) != 8 || sizeof(qr_jentry) == 56,
	       "qr_jentry grew");

int qr_orm__journal(qr_session *s, qr_objhdr *h)
{
	qr_stx *l = s->tx;
	qr_jentry *e;

	if (qr_orm__jl(h) == l)
		return 0;
	if (qr_orm__ext_need(h) != 0)
		return QR_ENOMEM;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		qr_jentry *p;
		if (l->n >= QR_ORM_JOURNAL_MAX)
			return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
					    "session journal: more than %u "
					    "objects flushed in one "
					    "transaction",
					    (unsigned)QR_ORM_JOURNAL_MAX);
		p = realloc(l->entries, cap * sizeof(*p));
		if (!p)
			return qr_error_oom("session journal");
		l->entries = p;
		l->cap = cap;
	}
	e = &l->entries[l->n];
	memset(e, 0, sizeof(*e));
	if (qr_orm__snap(h) && !(e->snap = qr_orm__snapshot_copy(h)))
		return QR_ENOMEM;
	if (h->key && !(e->key = qr_orm__key_copy(h->key))) {
		qr_orm__snapshot_free(h->mapper, e->snap);
		return QR_ENOMEM;
	}
	e->obj = h;
	e->prev_jl = h->ext->jl;
	e->prev_jidx = (uint32_t)h->ext->jidx;
	e->state = h->state;
	e->flags = h->flags;
	e->seq = h->seq;
	h->ext->jl = l;
	h->ext->jidx = l->n++;
	return 0;
}

int qr_orm__journal_filled(qr_objhdr *h, size_t field)
{
	qr_jentry *e = qr_orm__jentry(h);

	if (h->mapper->nfields <= QR_ORM_FILLED_BITS) {
		e->filled.bits |= (uint64_t)1 << field;
		return 0;
	}
	if (!e->filled.many) {
		e->filled.many = calloc((h->mapper->nfields + 7) / 8, 1);
		if (!e->filled.many)
			return qr_error_oom("session journal");
	}
	e->filled.many[field / 8] |= (unsigned char)(1u << (field % 8));
	return 0;
}

void qr_orm__jentry_free(qr_jentry *e, const qr_mapper *m)
{
	qr_orm__snapshot_free(m, e->snap);
	free(e->key);
	if (m->nfields > QR_ORM_FILLED_BITS)
		free(e->filled.many);
	e->snap = NULL;
	e->key = NULL;
	memset(&e->filled, 0, sizeof(e->filled));
}

/* Gives the entry's object back its previous journal position. */
static void entry_end(qr_jentry *e)
{
	e->obj->ext->jl = e->prev_jl;
	e->obj->ext->jidx = e->prev_jidx;
	qr_orm__jentry_free(e, e->obj->mapper);
	e->obj = NULL;
}

void qr_orm__journal_forget(qr_stx *level)
{
	for (size_t i = 0; i < level->n; i++)
		if (level->entries[i].obj)
			entry_end(&level->entries[i]);
	level->n = 0;
}

void qr_orm__journal_merge(qr_stx *child, qr_stx *parent)
{
	for (size_t i = 0; i < child->n; i++) {
		qr_jentry *e = &child->entries[i];
		if (!e->obj)
			continue;
		if (e->prev_jl == parent) {
			entry_end(e);
			continue;
		}
		if (parent->n == parent->cap) {
			size_t cap = parent->cap ? parent->cap * 2 : 16;
			qr_jentry *p =
				realloc(parent->entries, cap * sizeof(*p));
			if (!p) {
				/* the older state is lost: forget it */
				entry_end(e);
				continue;
			}
			parent->entries = p;
			parent->cap = cap;
		}
		parent->entries[parent->n] = *e;
		e->obj->ext->jl = parent;
		e->obj->ext->jidx = parent->n++;
		e->obj = NULL;
	}
	child->n = 0;
}

/* Sets the fields the database filled on INSERT back to NULL. */
static void unfill(qr_objhdr *h, const qr_jentry *e)
{
	size_t n = h->mapper->nfields;

	for (size_t i = 0; i < n; i++) {
		bool filled =
			n <= QR_ORM_FILLED_BITS
				? (e->filled.bits >> i) & 1u
				: e->filled.many && (e->filled.many[i / 8] &
						     (1u << (i % 8)));
		if (filled)
			qr_orm__field_set(h, &h->mapper->fields[i], NULL);
	}
}

static void to_transient(qr_session *s, qr_objhdr *h)
{
	qr_orm__idmap_remove(&s->idmap, h);
	qr_orm__list_remove(s, h);
	h->flags &= (uint8_t) ~(QR_OF_DELETE | QR_OF_EXPIRED);
	qr_orm__owned_free(h, h->key);
	h->key = NULL;
	qr_orm__snapshot_drop(h);
	h->state = QR_STATE_TRANSIENT;
}

/* Puts a persistent object back under its prior identity. */
static void rekey(qr_session *s, qr_objhdr *h, qr_jentry *e)
{
	qr_orm__idmap_remove(&s->idmap, h);
	if (e->key) {
		qr_orm__owned_free(h, h->key);
		h->key = e->key;
		e->key = NULL;
	}
	h->state = QR_STATE_PERSISTENT;
	if (h->key && qr_orm__idmap_put(&s->idmap, h) != 0)
		h->state = QR_STATE_DETACHED;
}

void qr_orm__rollback_objects(qr_session *s, qr_stx *level)
{
	bool outer = level == &s->outer;
	qr_objhdr *h, *next;

	for (size_t i = 0; i < level->n; i++) {
		qr_jentry *e = &level->entries[i];
		h = e->obj;
		if (!h)
			continue;
		if (e->state == QR_STATE_PENDING ||
		    e->state == QR_STATE_TRANSIENT) {
			unfill(h, e);
			to_transient(s, h);
		} else {
			if (h->flags & QR_OF_DELETE) {
				qr_orm__list_remove(s, h);
				h->flags &= (uint8_t)~QR_OF_DELETE;
			}
			rekey(s, h, e);
			qr_orm__expire(h);
		}
		entry_end(e);
	}
	level->n = 0;
	for (h = s->pending_head; h; h = next) {
		next = h->ext->lnext;
		if (h->seq >= level->seq_start)
			to_transient(s, h);
	}
	for (h = s->deleted_head; h; h = next) {
		next = h->ext->lnext;
		qr_orm__list_remove(s, h);
		h->flags &= (uint8_t)~QR_OF_DELETE;
		qr_orm__expire(h);
	}
	if (outer) {
		size_t pos = 0;
		while ((h = qr_orm__idmap_next(&s->idmap, &pos)) != NULL)
			qr_orm__expire(h);
	}
}

void qr_orm__journal_restore(qr_session *s, qr_stx *level)
{
	bool resort = false;

	for (size_t i = level->n; i-- > 0;) {
		qr_jentry *e = &level->entries[i];
		qr_objhdr *h = e->obj;
		if (!h)
			continue;
		/* deleted by a flush of this level (or marked since) */
		bool deleted = h->state == QR_STATE_DELETED ||
			       (h->flags & QR_OF_DELETE);
		if (e->state == QR_STATE_PENDING) {
			/* inserted in this level: pending again, unless it
			 * was deleted as well (then it never was) */
			unfill(h, e);
			to_transient(s, h);
			if (!deleted) {
				h->state = QR_STATE_PENDING;
				h->seq = e->seq;
				qr_orm__list_push(s, h, false);
				resort = true;
			}
		} else {
			qr_mapper *m = h->mapper;
			if (e->snap) {
				qr_orm__snapshot_restore(h, e->snap);
				e->snap = NULL;
			}
			if (m->version >= 0 && qr_orm__snap(h)) {
				qr_value old;
				qr_orm__snapshot_value(qr_orm__snap(h), m,
						       (size_t)m->version,
						       &old);
				qr_orm__field_set(h, &m->fields[m->version],
						  &old);
			}
			rekey(s, h, e);
			h->flags &= (uint8_t)~QR_OF_EXPIRED;
			h->flags |= e->flags & QR_OF_EXPIRED;
			if (deleted && !(h->flags & QR_OF_DELETE)) {
				h->flags |= QR_OF_DELETE;
				qr_orm__list_push(s, h, true);
			}
		}
		entry_end(e);
	}
	level->n = 0;
	if (resort)
		qr_orm__pending_sort(s);
}

/* ---- commit, rollback ---------------------------------------------------- */

/* Pops the innermost nested level, after its SAVEPOINT ended. */
static void pop_level(qr_session *s)
{
	qr_stx *l = s->tx;

	s->tx = l->parent;
	qr_tx_free(l->sp);
	if (l->handle)
		l->handle->level = NULL;
	free(l->entries);
	free(l);
}

int qr_session_commit(qr_session *s)
{
	qr_objhdr *h;
	size_t pos = 0;
	int rc;

	if (!s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_commit: NULL session");
	rc = qr_orm__session_event(s, QR_BEFORE_COMMIT);
	if (rc == 0)
		rc = qr_orm__flush(s);
	if (rc)
		return rc;
	while (s->tx != &s->outer) {
		rc = qr_tx_commit(s->tx->sp);
		if (rc)
			return rc;
		qr_orm__journal_merge(s->tx, s->tx->parent);
		pop_level(s);
	}
	if (s->conn) {
		rc = qr_conn_commit(s->conn);
		if (rc)
			return rc;
		qr_conn_free(s->conn);
		s->conn = NULL;
	}
	qr_orm__journal_forget(&s->outer);
	for (h = s->made_deleted ? s->objects : NULL; h; h = h->next)
		if (h->state == QR_STATE_DELETED)
			h->state = QR_STATE_DETACHED;
	s->made_deleted = 0;
	if (s->expire_on_commit)
		while ((h = qr_orm__idmap_each(&s->idmap, &pos)) != NULL)
			qr_orm__expire(h);
	return qr_orm__session_event(s, QR_AFTER_COMMIT);
}

int qr_session_rollback(qr_session *s)
{
	int rc = 0;

	if (!s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_rollback: NULL session");
	bool had_conn = s->conn != NULL;

	if (s->conn)
		rc = qr_conn_rollback(s->conn);
	while (s->tx != &s->outer) {
		qr_orm__rollback_objects(s, s->tx);
		pop_level(s);
	}
	if (s->conn) {
		qr_conn_free(s->conn);
		s->conn = NULL;
	}
	qr_orm__rollback_objects(s, &s->outer);
	/* a real rollback of the database's transaction */
	if (rc == 0 && had_conn)
		rc = qr_orm__session_event(s, QR_AFTER_ROLLBACK);
	return rc;
}

/* ---- SAVEPOINTs ------------------------------------------------------------
 */

int qr_session_begin_nested(qr_session_tx **out, qr_session *s)
{
	qr_session_tx *handle;
	qr_conn *conn;
	qr_stx *l;
	int rc;

	if (!out || !s) {
		if (out)
			*out = NULL;
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_begin_nested: NULL argument");
	}
	*out = NULL;
	if (!(s->dialect->features & QR_FEATURE_SAVEPOINT))
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "%s has no SAVEPOINT", s->dialect->name);
	rc = qr_orm__flush(s);
	if (rc == 0)
		rc = qr_orm__conn(s, &conn);
	if (rc)
		return rc;
	l = calloc(1, sizeof(*l));
	handle = calloc(1, sizeof(*handle));
	if (!l || !handle) {
		free(l);
		free(handle);
		return qr_error_oom("savepoint");
	}
	rc = qr_conn_begin_nested(&l->sp, conn);
	if (rc) {
		free(l);
		free(handle);
		return rc;
	}
	l->parent = s->tx;
	l->seq_start = s->next_seq;
	l->handle = handle;
	handle->session = s;
	handle->level = l;
	s->tx = l;
	*out = handle;
	return 0;
}

static int check_active(qr_session_tx *tx, const char *what)
{
	if (!tx)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: NULL transaction", what);
	if (!tx->level)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "%s: this nested transaction is inactive",
				    what);
	return 0;
}

int qr_session_tx_commit(qr_session_tx *tx)
{
	qr_session *s;
	qr_stx *stop;
	int rc = check_active(tx, "qr_session_tx_commit");

	if (rc)
		return rc;
	s = tx->session;
	rc = qr_orm__flush(s);
	if (rc)
		return rc;
	stop = tx->level->parent;
	while (s->tx != stop) {
		rc = qr_tx_commit(s->tx->sp);
		if (rc)
			return rc;
		qr_orm__journal_merge(s->tx, s->tx->parent);
		pop_level(s);
	}
	return 0;
}

int qr_session_tx_rollback(qr_session_tx *tx)
{
	qr_session *s;
	qr_stx *stop;
	int rc = check_active(tx, "qr_session_tx_rollback");

	if (rc)
		return rc;
	s = tx->session;
	stop = tx->level->parent;
	while (s->tx != stop) {
		int r = qr_tx_rollback(s->tx->sp);
		if (r && !rc)
			rc = r;
		qr_orm__rollback_objects(s, s->tx);
		pop_level(s);
	}
	return rc;
}

bool qr_session_tx_is_active(const qr_session_tx *tx)
{
	return tx && tx->level;
}

void qr_session_tx_free(qr_session_tx *tx)
{
	if (!tx)
		return;
	if (tx->level)
		qr_session_tx_rollback(tx);
	free(tx);
}
