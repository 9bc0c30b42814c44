/*
 * suite_large_resultsets.c - SQLAlchemy's examples/performance/
 * large_resultsets: 500,000 rows read back, every column touched.
 *
 *   raw            the client library by hand, the whole result at once
 *                  (libpq PQexecPrepared, mysql_stmt_store_result)
 *   raw_stream     row by row from the server (libpq single-row mode,
 *                  unbuffered mysql_stmt_fetch); SQLite always is
 *   raw_structs    the whole result into a malloc'd struct per row with
 *                  malloc'd strings, then freed: what an ORM load is
 *                  compared with
 *   core_fetchall  qr_result_all into a rowset, then read
 *   core_stream    qr_result_next row by row (stream_results=true on
 *                  PostgreSQL; MySQL streams by default)
 *
 * The streaming suite (suite_streaming.c) reads 1,000,000 rows with the
 * streaming variants only, for their memory.
 */
#include "bench_read.h"

#include <stdlib.h>

static int prepare(bench_ctx *ctx)
{
	return bench_read_prepare(ctx, ctx->n);
}

static void finish(bench_ctx *ctx)
{
	bench_read_finish(ctx);
}

static int check_rows(bench_ctx *ctx, const char *what, size_t rows)
{
	if (rows != ctx->n)
		return bench_fail("%s: %zu rows read, %zu expected", what, rows,
				  ctx->n);
	return 0;
}

static int raw_read(bench_ctx *ctx)
{
	size_t rows;
	uint64_t sum;
	if (ctx->raw_driver->read_all(ctx->raw, false, &rows, &sum))
		return -1;
	return check_rows(ctx, "raw", rows);
}

static int raw_stream_setup(bench_ctx *ctx)
{
	return ctx->backend == BENCH_SQLITE ? BENCH_SKIP : 0;
}

static int raw_stream(bench_ctx *ctx)
{
	size_t rows;
	uint64_t sum;
	if (ctx->raw_driver->read_all(ctx->raw, true, &rows, &sum))
		return -1;
	return check_rows(ctx, "raw_stream", rows);
}

static int raw_structs(bench_ctx *ctx)
{
	raw_customer **v;
	size_t rows;
	if (ctx->raw_driver->read_structs(ctx->raw, &v, &rows))
		return -1;
	raw_customers_free(v, rows);
	return check_rows(ctx, "raw_structs", rows);
}

static int core_fetchall(bench_ctx *ctx)
{
	size_t rows;
	if (bench_read_core(ctx, false, &rows))
		return -1;
	return check_rows(ctx, "core_fetchall", rows);
}

static int core_stream(bench_ctx *ctx)
{
	size_t rows;
	if (bench_read_core(ctx, true, &rows))
		return -1;
	return check_rows(ctx, "core_stream", rows);
}

static const bench_variant variants[] = {
	{"raw", "", NULL, raw_read, NULL},
	{"raw_stream", "", raw_stream_setup, raw_stream, NULL},
	{"raw_structs", "", NULL, raw_structs, NULL},
	{"core_fetchall", "raw", NULL, core_fetchall, NULL},
	{"core_stream", "raw_stream", NULL, core_stream, NULL},
};

const bench_suite bench_suite_large_resultsets = {
	.name = "large_resultsets",
	.summary = "500,000 rows read, every column",
	.default_n = 500000,
	.prepare = prepare,
	.finish = finish,
	.variants = variants,
	.nvariants = sizeof(variants) / sizeof(variants[0]),
};
