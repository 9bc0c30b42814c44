/*
 * suite_micro.c - micro-benchmarks, in nanoseconds per operation:
 *
 *   pool_checkout     qr_engine_connect + qr_conn_free on an engine whose
 *                     pool already holds the connection
 *   compile_cold      qr_compile() of select() statements built
 *                     beforehand (one per operation, each with its own
 *                     bound value) with the compiled cache off: compiled
 *                     from scratch
 *   compile_cached    the same with the cache on: hits (keyed by the
 *                     statement's structure, the values re-bound)
 *   compile_mixed     the same with two statement shapes one after the
 *                     other: hits, none on the most recent entry
 *   compile_cold_fresh, compile_cached_fresh
 *                     the same two with each statement compiled soon
 *                     after it was built, as a program does: batches of
 *                     BATCH statements built (untimed), then compiled
 *                     (timed), then freed (untimed), so that a statement
 *                     is still in the processor's caches when compiled
 *   compile_again     qr_compile() of one statement object again and
 *                     again (its compiled form is kept by the object)
 *   text_compile      qr_text() + qr_compile(): a SELECT parsed and
 *                     compiled from scratch
 *   text_recompile    qr_compile() of one already built text() statement
 *                     (its compiled form is kept by the statement)
 *   identity_get      session.get() of an object already in the identity
 *                     map (no SQL)
 */
#include "bench_model.h"

#include <stdlib.h>

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

/* The statement of the compile benchmarks: a lookup by id with a
 * bound value, as a program builds it for each call. */
static qr_stmt *lookup_stmt(int64_t id)
{
	qr_table *t = bench_customer_table();
	if (!t)
		return NULL;
	return qr_select(qr_cols(t, "id", "name", "description"),
			 qr_where(qr_eq(qr_c(t, "id"), qr_bind_int(id))));
}

/* The other shape of compile_mixed: a lookup by name. */
static qr_stmt *name_stmt(void)
{
	qr_table *t = bench_customer_table();
	if (!t)
		return NULL;
	return qr_select(qr_cols(t, "id", "name"),
			 qr_where(qr_eq(qr_c(t, "name"), qr_bind_text("x"))));
}

/* One statement object per operation, built before the timing. */
static qr_stmt **stmts;

static void free_stmts(size_t n)
{
	for (size_t i = 0; stmts && i < n; i++)
		qr_stmt_free(stmts[i]);
	free(stmts);
	stmts = NULL;
}

/* mixed: every other statement is name_stmt()'s shape. */
static int build_stmts(bench_ctx *ctx, bool mixed)
{
	stmts = calloc(ctx->n, sizeof(*stmts));
	if (!stmts)
		return bench_fail("out of memory");
	for (size_t i = 0; i < ctx->n; i++) {
		stmts[i] =
			mixed && i % 2 ? name_stmt() : lookup_stmt((int64_t)i);
		if (!stmts[i]) {
			free_stmts(i);
			return bench_qr_fail(qr_error_last()->code, "select()");
		}
	}
	return 0;
}

static int teardown_stmts(bench_ctx *ctx)
{
	free_stmts(ctx->n);
	qr_compile_cache_set_capacity(500);
	return 0;
}

static int setup_cold(bench_ctx *ctx)
{
	qr_compile_cache_set_capacity(0);
	return build_stmts(ctx, false);
}

static int setup_cached(bench_ctx *ctx)
{
	qr_compile_cache_set_capacity(500);
	return build_stmts(ctx, false);
}

static int setup_mixed(bench_ctx *ctx)
{
	qr_compile_cache_set_capacity(500);
	return build_stmts(ctx, true);
}

static int compile_each(bench_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n; i++) {
		qr_compiled *c;
		int rc = qr_compile(&c, stmts[i], ctx->backend_name);
		if (rc)
			return bench_qr_fail(rc, "qr_compile");
		qr_compiled_free(c);
	}
	return 0;
}

/* Statements built a batch at a time by the _fresh variants: few
 * enough that a batch stays in the processor's caches. */
#define BATCH 256

/* Builds, compiles and frees ctx->n statements BATCH at a time; only
 * the compiles are timed. The compiled cache is on unless cold. */
static int compile_fresh(bench_ctx *ctx, bool cold)
{
	qr_stmt *batch[BATCH];
	int rc = 0;

	bench_pause(ctx);
	qr_compile_cache_set_capacity(cold ? 0 : 500);
	for (size_t done = 0; done < ctx->n && rc == 0;) {
		size_t k = ctx->n - done < BATCH ? ctx->n - done : BATCH;
		for (size_t i = 0; i < k; i++)
			if (!(batch[i] = lookup_stmt((int64_t)(done + i)))) {
				for (size_t j = 0; j < i; j++)
					qr_stmt_free(batch[j]);
				return bench_qr_fail(qr_error_last()->code,
						     "lookup_stmt");
			}
		bench_resume(ctx);
		for (size_t i = 0; i < k && rc == 0; i++) {
			qr_compiled *c;
			rc = qr_compile(&c, batch[i], ctx->backend_name);
			if (rc == 0)
				qr_compiled_free(c);
		}
		bench_pause(ctx);
		for (size_t i = 0; i < k; i++)
			qr_stmt_free(batch[i]);
		done += k;
	}
	qr_compile_cache_set_capacity(500);
	bench_resume(ctx);
	return rc ? bench_qr_fail(rc, "qr_compile") : 0;
}

static int compile_cold_fresh(bench_ctx *ctx)
{
	return compile_fresh(ctx, true);
}

static int compile_cached_fresh(bench_ctx *ctx)
{
	return compile_fresh(ctx, false);
}

static int compile_again(bench_ctx *ctx)
{
	qr_stmt *s = lookup_stmt(42);
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

/* One row to get, in a table of its own state. */
static int prepare(bench_ctx *ctx)
{
	if (bench_table_reset(ctx) || bench_table_fill(ctx, 1))
		return -1;
	return 0;
}

static int identity_get(bench_ctx *ctx)
{
	qr_session *s;
	Customer *c = NULL;
	int rc = bench_session(&s, ctx);
	if (rc)
		return rc;
	rc = qr_get(&c, s, Customer, qr_val_int(1)); /* loads it */
	for (size_t i = 0; i < ctx->n && rc == 1; i++)
		rc = qr_get(&c, s, Customer, qr_val_int(1));
	qr_session_free(s);
	if (rc != 1)
		return bench_qr_fail(rc, "identity map get");
	return 0;
}

static const bench_variant variants[] = {
	{"pool_checkout", "", NULL, pool_checkout, NULL},
	{"compile_cold", "", setup_cold, compile_each, teardown_stmts},
	{"compile_cached", "compile_cold", setup_cached, compile_each,
	 teardown_stmts},
	{"compile_mixed", "compile_cold", setup_mixed, compile_each,
	 teardown_stmts},
	{"compile_cold_fresh", "", NULL, compile_cold_fresh, NULL},
	{"compile_cached_fresh", "compile_cold_fresh", NULL,
	 compile_cached_fresh, NULL},
	{"compile_again", "compile_cold", NULL, compile_again, NULL},
	{"text_compile", "", NULL, text_compile, NULL},
	{"text_recompile", "text_compile", NULL, text_recompile, NULL},
	{"identity_get", "", NULL, identity_get, NULL},
};

const bench_suite bench_suite_micro = {
	.name = "micro",
	.summary = "compile cold and cached, pool checkout, identity-map get "
		   "(ns per operation)",
	.default_n = 20000,
	.unit = "ops",
	.prepare = prepare,
	.variants = variants,
	.nvariants = sizeof(variants) / sizeof(variants[0]),
};
