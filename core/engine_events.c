/*
 * engine_events.c - statement listeners of an engine (quarry/
 * exec_events.h): adding, removing, calling them.
 *
 * The lists are appended to under the engine's exec_lock and walked
 * without it (each node published complete, never unlinked: a removed
 * one is marked and skipped), so that a listener may be added while
 * other threads execute. The nodes are freed with the engine.
 */
#include "engine_internal.h"

#include <quarry/sys/error.h>

#include <stdlib.h>

static const char *const event_names[QR_EXEC_EVENT_COUNT] = {
	"before_cursor_execute", "after_cursor_execute", "handle_error"};

static int check_args(const char *fn_name, qr_engine *engine,
		      qr_exec_event event, qr_exec_listener fn)
{
	if (!engine || !fn)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: %s is NULL", fn_name,
				    engine ? "listener" : "engine");
	if ((int)event < 0 || (int)event >= QR_EXEC_EVENT_COUNT)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: unknown execution event %d", fn_name,
				    (int)event);
	return 0;
}

int qr_engine_on_execute(qr_engine *engine, qr_exec_event event,
			 qr_exec_listener fn, void *userdata)
{
	int rc = check_args("qr_engine_on_execute", engine, event, fn);
	if (rc)
		return rc;
	qr_exec_listener_node *node = calloc(1, sizeof(*node));
	if (!node)
		return qr_error_oom("execution listener");
	node->fn = fn;
	node->userdata = userdata;
	atomic_init(&node->removed, false);
	atomic_init(&node->next, NULL);
	pthread_mutex_lock(&engine->exec_lock);
	_Atomic(qr_exec_listener_node *) *slot = &engine->exec_listeners[event];
	qr_exec_listener_node *cur;
	while ((cur = atomic_load_explicit(slot, memory_order_relaxed)))
		slot = &cur->next;
	/* Published complete: executions walk the list without the lock. */
	atomic_store_explicit(slot, node, memory_order_release);
	atomic_store_explicit(&engine->exec_watched, true,
			      memory_order_release);
	pthread_mutex_unlock(&engine->exec_lock);
	return 0;
}

int qr_engine_off_execute(qr_engine *engine, qr_exec_event event,
			  qr_exec_listener fn, void *userdata)
{
	int rc = check_args("qr_engine_off_execute", engine, event, fn);
	if (rc)
		return rc;
	rc = QR_EINVAL;
	pthread_mutex_lock(&engine->exec_lock);
	qr_exec_listener_node *n = atomic_load_explicit(
		&engine->exec_listeners[event], memory_order_relaxed);
	for (; n; n = atomic_load_explicit(&n->next, memory_order_relaxed)) {
		if (n->fn == fn && n->userdata == userdata &&
		    !atomic_load_explicit(&n->removed, memory_order_relaxed)) {
			atomic_store_explicit(&n->removed, true,
					      memory_order_release);
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&engine->exec_lock);
	if (rc)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_engine_off_execute: no listener with "
				    "this function and userdata for the "
				    "\"%s\" event",
				    event_names[event]);
	return 0;
}

int qr_engine__fire_exec(qr_engine *e, const qr_exec_event_info *info)
{
	bool stop = info->event != QR_HANDLE_ERROR;
	qr_exec_listener_node *n = atomic_load_explicit(
		&e->exec_listeners[info->event], memory_order_acquire);

	for (; n; n = atomic_load_explicit(&n->next, memory_order_acquire)) {
		if (atomic_load_explicit(&n->removed, memory_order_acquire))
			continue;
		if (stop) /* (a listener's error is then its own) */
			qr_error_clear();
		int rc = n->fn(n->userdata, info);
		if (rc && stop) {
			if (rc > 0 || !qr_error_last()->code)
				return qr_error_set(rc < 0 ? rc : QR_ERROR,
						    QR_ECLASS_INVALID_REQUEST,
						    "a %s listener failed (%d)",
						    event_names[info->event],
						    rc);
			return rc;
		}
	}
	return 0;
}

void qr_engine__exec_listeners_free(qr_engine *e)
{
	for (int ev = 0; ev < QR_EXEC_EVENT_COUNT; ev++) {
		qr_exec_listener_node *n = atomic_load_explicit(
			&e->exec_listeners[ev], memory_order_relaxed);
		while (n) {
			qr_exec_listener_node *next = atomic_load_explicit(
				&n->next, memory_order_relaxed);
			free(n);
			n = next;
		}
	}
}
