/*
 * static_pool.c - the static strategy (SQLAlchemy's StaticPool): one
 * connection handed to every checkout, at the same time if need be. For
 * an in-memory SQLite database shared by a whole program; the checkouts
 * share its transaction too.
 */
#include "pool_internal.h"

#include <quarry/sys/error.h>

#include <stdlib.h>

typedef struct one {
	qr_pool *pool;
	qr_pool_record *rec;
} one;

static int static_create(void **state, qr_pool *pool,
			 const qr_pool_settings *settings)
{
	(void)settings;
	one *s = calloc(1, sizeof(*s));
	if (!s)
		return qr_error_oom("static pool");
	s->pool = pool;
	*state = s;
	return 0;
}

static void static_destroy(void *state)
{
	free(state);
}

static int static_get(void *state, qr_pool_record **out)
{
	one *s = state;
	if (!s->rec && !(s->rec = qr_pool_record_new(s->pool)))
		return QR_ENOMEM;
	*out = s->rec;
	return 0;
}

static void static_put(void *state, qr_pool_record *rec)
{
	(void)state;
	(void)rec; /* stays for the next checkout */
}

static void static_forget(void *state, qr_pool_record *rec)
{
	one *s = state;
	if (s->rec == rec)
		s->rec = NULL;
}

static void static_dispose(void *state)
{
	one *s = state;
	if (s->rec && qr_pool_record_holders(s->rec) == 0) {
		qr_pool_record_retire(s->pool, s->rec);
		s->rec = NULL;
	}
}

const qr_pool_strategy qr_pool__static_strategy = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "StaticPool",
	.create = static_create,
	.destroy = static_destroy,
	.get = static_get,
	.put = static_put,
	.forget = static_forget,
	.dispose = static_dispose,
};
