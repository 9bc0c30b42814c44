/*
 * engine_pool.c - the engine's pool seen from the public API: listeners,
 * status and holders (quarry/pool.h).
 */
#include "engine_internal.h"

#include <quarry/sys/error.h>

int qr_engine_on(qr_engine *engine, qr_pool_event event, qr_pool_listener fn,
		 void *userdata)
{
	if (!engine || !fn)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_engine_on: %s is NULL",
				    engine ? "listener" : "engine");
	if ((int)event < 0 || (int)event >= QR_POOL_EVENT_COUNT)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_engine_on: unknown pool event %d",
				    (int)event);
	return qr_pool__listen(engine->pool, event, fn, userdata);
}

int qr_engine_off(qr_engine *engine, qr_pool_event event, qr_pool_listener fn,
		  void *userdata)
{
	static const char *const names[QR_POOL_EVENT_COUNT] = {
		"connect", "checkout",   "checkin",
		"reset",   "invalidate", "close"};

	if (!engine || !fn)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_engine_off: %s is NULL",
				    engine ? "listener" : "engine");
	if ((int)event < 0 || (int)event >= QR_POOL_EVENT_COUNT)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_engine_off: unknown pool event %d",
				    (int)event);
	if (qr_pool__unlisten(engine->pool, event, fn, userdata) != 0)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_engine_off: no listener with this "
				    "function and userdata for the pool's "
				    "\"%s\" event",
				    names[event]);
	return 0;
}

int qr_engine_pool_status(const qr_engine *engine, qr_pool_status *out)
{
	if (!engine || !out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_engine_pool_status: %s is NULL",
				    engine ? "out" : "engine");
	qr_pool__status(engine->pool, out);
	return 0;
}

int qr_engine_pool_holders(const qr_engine *engine, qr_pool_holder *out,
			   size_t cap, size_t *count)
{
	if (!engine || !count || (cap && !out))
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_engine_pool_holders: %s is NULL",
				    !engine  ? "engine"
				    : !count ? "count"
					     : "out");
	qr_pool__holders(engine->pool, out, cap, count);
	return 0;
}
