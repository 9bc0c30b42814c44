/*
 * events.c - mapper and session event listeners (SQLAlchemy's
 * event.listen): registration, and the calls the flush and the
 * transaction make (flush.c, txn.c).
 */
#include "orm_internal.h"

#include <stdlib.h>

static const char *const mapper_events[] = {
	NULL,           "before_insert", "after_insert", "before_update",
	"after_update", "before_delete", "after_delete"};
static const char *const session_events[] = {NULL,           "before_flush",
					     "after_flush",  "before_commit",
					     "after_commit", "after_rollback"};

static int add(qr_listener **list, size_t *n, int event, void (*fn)(void),
	       void *userdata, bool propagate)
{
	qr_listener *l = realloc(*list, (*n + 1) * sizeof(*l));

	if (!l)
		return qr_error_oom("event listener");
	l[*n] = (qr_listener){event, fn, userdata, propagate};
	*list = l;
	(*n)++;
	return 0;
}

void qr_orm__listeners_free(qr_listener *l)
{
	free(l);
}

int qr_registry_listen(qr_registry *reg, qr_mapping *mapping,
		       qr_mapper_event event, qr_mapper_listener fn,
		       void *userdata, bool propagate)
{
	qr_mapper *m = NULL;
	int rc;

	if (!reg || !fn || event < QR_BEFORE_INSERT || event > QR_AFTER_DELETE)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_registry_listen: %s",
				    !reg  ? "NULL registry"
				    : !fn ? "NULL listener"
					  : "unknown mapper event");
	if ((rc = qr_orm__mapper_for(&m, mapping, reg)) != 0)
		return rc;
	rc = add(&m->listeners, &m->nlisteners, (int)event, (void (*)(void))fn,
		 userdata, propagate);
	if (rc == 0)
		reg->nlisteners++;
	return rc;
}

int qr_session_listen(qr_session *s, qr_session_event event,
		      qr_session_listener fn, void *userdata)
{
	if (!s || !fn || event < QR_BEFORE_FLUSH || event > QR_AFTER_ROLLBACK)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_listen: %s",
				    !s    ? "NULL session"
				    : !fn ? "NULL listener"
					  : "unknown session event");
	return add(&s->listeners, &s->nlisteners, (int)event,
		   (void (*)(void))fn, userdata, false);
}

/* Whether listener l of mapper a applies to objects of m. */
static bool applies(const qr_mapper *a, const qr_listener *l,
		    const qr_mapper *m, int ev)
{
	return l->event == ev && (a == m || l->propagate);
}

bool qr_orm__has_listener(const qr_mapper *m, int ev)
{
	for (const qr_mapper *a = m; a; a = a->parent)
		for (size_t i = 0; i < a->nlisteners; i++)
			if (applies(a, &a->listeners[i], m, ev))
				return true;
	return false;
}

/* A listener's failure: its own error, or one naming the event. */
static int failed(int rc, const char *event, const char *where)
{
	if (qr_error_last()->code)
		return qr_error_last()->code;
	return qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
			    "%s listener of %s failed (returned %d)", event,
			    where, rc);
}

int qr_orm__mapper_event(qr_session *s, qr_conn *conn, int ev, qr_objhdr **objs,
			 size_t n)
{
	int rc = 0;

	(void)s; /* (listeners get the connection, not the session) */
	/* the flush calls this per batch: nothing to walk without any */
	if (!n || !objs[0]->mapper->registry->nlisteners)
		return 0;
	for (size_t k = 0; k < n && rc == 0; k++) {
		const qr_mapper *m = objs[k]->mapper;
		/* the object's class first, then what propagates to it */
		for (const qr_mapper *a = m; a && rc == 0; a = a->parent) {
			for (size_t i = 0; i < a->nlisteners && rc == 0; i++) {
				const qr_listener *l = &a->listeners[i];
				if (!applies(a, l, m, ev))
					continue;
				qr_error_clear();
				rc = ((qr_mapper_listener)l->fn)(
					(qr_mapper_event)ev, conn,
					qr_orm__obj(objs[k]), l->userdata);
				if (rc)
					rc = failed(rc, mapper_events[ev],
						    m->name);
			}
		}
	}
	return rc;
}

int qr_orm__session_event(qr_session *s, int ev)
{
	int rc = 0;

	for (size_t i = 0; i < s->nlisteners && rc == 0; i++) {
		const qr_listener *l = &s->listeners[i];
		if (l->event != ev)
			continue;
		qr_error_clear();
		rc = ((qr_session_listener)l->fn)((qr_session_event)ev, s,
						  l->userdata);
		if (rc)
			rc = failed(rc, session_events[ev], "the session");
	}
	return rc;
}
