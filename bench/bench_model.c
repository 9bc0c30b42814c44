/*
 * bench_model.c - the Customer mapping and the registry, table and
 * sessions built from it (see bench_model.h).
 */
#include "bench_model.h"

#include <stdlib.h>

QR_MAPPING(Customer, BENCH_TABLE,
	   QR_FIELD(Customer, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Customer, name, qr_string(255)),
	   QR_FIELD(Customer, description, qr_string(255)));

static qr_registry *registry;

static void free_registry(void)
{
	qr_registry_free(registry);
	registry = NULL;
}

qr_registry *bench_registry(void)
{
	if (registry)
		return registry;
	int rc = qr_registry_new(&registry, NULL);
	if (rc) {
		bench_qr_fail(rc, "qr_registry_new");
		return NULL;
	}
	if ((rc = qr_map(registry, Customer))) {
		bench_qr_fail(rc, "qr_map(Customer)");
		qr_registry_free(registry);
		registry = NULL;
		return NULL;
	}
	atexit(free_registry);
	return registry;
}

qr_table *bench_customer_table(void)
{
	if (!bench_registry())
		return NULL;
	return qr_mapper_table(QR_MAPPER(Customer));
}

int bench_session(qr_session **out, bench_ctx *ctx)
{
	if (!ctx->sessionmaker) {
		qr_session_options o = {.registry = bench_registry()};
		if (!o.registry)
			return -1;
		BENCH_QR(qr_sessionmaker_new(&ctx->sessionmaker, ctx->engine,
					     &o));
	}
	BENCH_QR(qr_sessionmaker_open(out, ctx->sessionmaker));
	return 0;
}

int bench_session_on(qr_session **out, qr_engine *engine)
{
	qr_session_options o = {.registry = bench_registry()};
	if (!o.registry)
		return -1;
	BENCH_QR(qr_session_new(out, engine, &o));
	return 0;
}

void bench_model_finish(bench_ctx *ctx)
{
	qr_sessionmaker_free(ctx->sessionmaker);
	ctx->sessionmaker = NULL;
}
