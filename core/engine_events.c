/*
 * engine_events.c - statement listeners of an engine (quarry/
 * exec_events.h): adding, removing, calling them.
 *
 * The lists (pool/listener_list.h) are appended to under the engine's
 * exec_lock and walked without it, so that a listener may be added while
 * other threads execute. The nodes are freed with the engine.
 */
#include "engine_internal.h"

#include <quarry/sys/error.h>

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
	if (rc == 0)
		rc = qr_listeners__add(&engine->exec_listeners[event],
				       &engine->exec_lock, (qr_listener_fn)fn,
				       userdata, "execution listener");
	if (rc == 0)
		atomic_store_explicit(&engine->exec_watched, true,
				      memory_order_release);
	return rc;
}

int qr_engine_off_execute(qr_engine *engine, qr_exec_event event,
			  qr_exec_listener fn, void *userdata)
{
	int rc = check_args("qr_engine_off_execute", engine, event, fn);
	if (rc)
		return rc;
	if (!qr_listeners__remove(&engine->exec_listeners[event],
				  &engine->exec_lock, (qr_listener_fn)fn,
				  userdata))
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

	for (qr_listener_node *n =
		     qr_listeners__first(&e->exec_listeners[info->event]);
	     n; n = qr_listeners__next(n)) {
		if (stop) /* (a listener's error is then its own) */
			qr_error_clear();
		int rc = ((qr_exec_listener)n->fn)(n->userdata, info);
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
	for (int ev = 0; ev < QR_EXEC_EVENT_COUNT; ev++)
		qr_listeners__free(&e->exec_listeners[ev]);
}
