/*
 * suite_streaming.c - 1,000,000 rows streamed, for memory: the client
 * library row by row (raw_stream; on SQLite the plain step loop) and
 * quarry's qr_result_next on a streaming connection (core_stream). The
 * figure that matters is the table's "+MiB": how far the process grew
 * over its size at the start of the read (the target is under 64 MiB).
 */
#include "bench_read.h"

static int prepare(bench_ctx *ctx)
{
	return bench_read_prepare(ctx, ctx->n);
}

static void finish(bench_ctx *ctx)
{
	bench_read_finish(ctx);
}

static int raw_stream(bench_ctx *ctx)
{
	size_t rows;
	uint64_t sum;
	if (ctx->raw_driver->read_all(ctx->raw, true, &rows, &sum))
		return -1;
	if (rows != ctx->n)
		return bench_fail("raw_stream: %zu rows", rows);
	return 0;
}

static int core_stream(bench_ctx *ctx)
{
	size_t rows;
	if (bench_read_core(ctx, true, &rows))
		return -1;
	if (rows != ctx->n)
		return bench_fail("core_stream: %zu rows", rows);
	return 0;
}

static const bench_variant variants[] = {
	{"raw_stream", "", NULL, raw_stream, NULL},
	{"core_stream", "raw_stream", NULL, core_stream, NULL},
};

const bench_suite bench_suite_streaming = {
	.name = "streaming",
	.summary = "1,000,000 rows streamed (memory)",
	.default_n = 1000000,
	.prepare = prepare,
	.finish = finish,
	.variants = variants,
	.nvariants = sizeof(variants) / sizeof(variants[0]),
};
