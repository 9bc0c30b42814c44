/*
 * bench_read.h - what the read suites (large_resultsets, streaming) share:
 * a filled table and quarry connections that buffer or stream results.
 */
#ifndef QUARRY_BENCH_READ_H
#define QUARRY_BENCH_READ_H

#include "bench.h"
#include "raw.h"

/*
 * Creates and fills the customer table with n rows, and opens the quarry
 * connections the read variants use: one whose results are buffered by
 * the driver and one whose results stream (PostgreSQL: stream_results;
 * MySQL: stream_results=false for the buffered one; SQLite: the context's
 * connection for both). Kept in ctx->state.
 */
int bench_read_prepare(bench_ctx *ctx, size_t n);
void bench_read_finish(bench_ctx *ctx);

/* The connection that streams (or buffers) results, and its engine. */
qr_conn *bench_read_conn(bench_ctx *ctx, bool stream);
qr_engine *bench_read_engine(bench_ctx *ctx, bool stream);

/*
 * Reads every row and column of the table with quarry: streaming, row by
 * row with qr_result_next on the streaming connection; otherwise with
 * qr_result_all on the buffering one. *rows counts them.
 */
int bench_read_core(bench_ctx *ctx, bool stream, size_t *rows);

/* The SELECT of every row. */
#define BENCH_SELECT_ALL "SELECT id, name, description FROM " BENCH_TABLE

#endif
