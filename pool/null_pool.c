/*
 * null_pool.c - the null strategy (SQLAlchemy's NullPool): a new
 * connection for every checkout, closed when it comes back.
 */
#include "pool_internal.h"

#include <quarry/sys/error.h>

static int null_create(void **state, qr_pool *pool,
		       const qr_pool_settings *settings)
{
	(void)settings;
	*state = pool;
	return 0;
}

static void null_destroy(void *state)
{
	(void)state;
}

static int null_get(void *state, qr_pool_record **out)
{
	*out = qr_pool_record_new(state);
	return *out ? 0 : QR_ENOMEM;
}

static void null_put(void *state, qr_pool_record *rec)
{
	qr_pool_record_retire(state, rec);
}

static void null_forget(void *state, qr_pool_record *rec)
{
	(void)state;
	(void)rec;
}

static void null_dispose(void *state)
{
	(void)state; /* nothing is ever idle */
}

const qr_pool_strategy qr_pool__null_strategy = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "NullPool",
	.create = null_create,
	.destroy = null_destroy,
	.get = null_get,
	.put = null_put,
	.forget = null_forget,
	.dispose = null_dispose,
};
