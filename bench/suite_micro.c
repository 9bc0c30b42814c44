/*
 * suite_micro.c - micro-benchmarks, in nanoseconds per operation:
 *
 *   pool_checkout     qr_engine_connect + qr_conn_free on an engine whose
 *                     pool already holds the connection
 *   text_compile      qr_text() + qr_compile(): a SELECT parsed and
 *                     compiled from scratch
 *   text_recompile    qr_compile() of one already built text() statement
 *                     (a compiled-cache hit once the cache serves text)
 */
#include "bench.h"

#define SQL "SELECT id, name, description FROM " BENCH_TABLE " WHERE id = :id"

static int pool_checkout(bench_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n; i++) {
		qr_conn *c;
		BENCH_QR(qr_engine_connect(&c, ctx->engine));
		qr_conn_free(c);
	}
	return 0;
}

static int text_compile(bench_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n; i++) {
		qr_compiled *c;
		qr_stmt *s = qr_text(SQL);
		int rc = qr_compile(&c, s, ctx->backend_name);
		qr_stmt_free(s);
		if (rc)
			return bench_qr_fail(rc, "qr_compile");
		qr_compiled_free(c);
	}
	return 0;
}

static int text_recompile(bench_ctx *ctx)
{
	qr_stmt *s = qr_text(SQL);
	for (size_t i = 0; i < ctx->n; i++) {
		qr_compiled *c;
		int rc = qr_compile(&c, s, ctx->backend_name);
		if (rc) {
			qr_stmt_free(s);
			return bench_qr_fail(rc, "qr_compile");
		}
		qr_compiled_free(c);
	}
	qr_stmt_free(s);
	return 0;
}

static const bench_variant variants[] = {
	{"pool_checkout", "", NULL, pool_checkout, NULL},
	{"text_compile", "", NULL, text_compile, NULL},
	{"text_recompile", "text_compile", NULL, text_recompile, NULL},
};

const bench_suite bench_suite_micro = {
	.name = "micro",
	.summary = "compile, pool checkout (ns per operation)",
	.default_n = 100000,
	.unit = "ops",
	.variants = variants,
	.nvariants = sizeof(variants) / sizeof(variants[0]),
};
