/*
 * bench_read.c - the read suites' shared table and connections (see
 * bench_read.h).
 */
#include "bench_read.h"

#include <stdlib.h>

typedef struct read_state {
	qr_engine *other; /* an engine with the other result mode */
	qr_conn *other_conn;
	bool other_streams; /* other_conn streams (PostgreSQL) */
} read_state;

int bench_read_prepare(bench_ctx *ctx, size_t n)
{
	read_state *st = calloc(1, sizeof(*st));
	if (!st)
		return bench_fail("out of memory");
	ctx->state = st;
	if (bench_table_reset(ctx) || bench_table_fill(ctx, n))
		return -1;
	static const char *const stream_on[] = {"stream_results", "true", NULL};
	static const char *const stream_off[] = {"stream_results", "false",
						 NULL};
	if (ctx->backend == BENCH_POSTGRESQL) {
		st->other_streams = true;
		if (bench_engine_with(&st->other, ctx, stream_on))
			return -1;
	} else if (ctx->backend == BENCH_MYSQL) {
		st->other_streams = false;
		if (bench_engine_with(&st->other, ctx, stream_off))
			return -1;
	}
	if (st->other)
		BENCH_QR(qr_engine_connect(&st->other_conn, st->other));
	return 0;
}

void bench_read_finish(bench_ctx *ctx)
{
	read_state *st = ctx->state;
	if (!st)
		return;
	qr_conn_free(st->other_conn);
	qr_engine_free(st->other);
	free(st);
	ctx->state = NULL;
}

qr_conn *bench_read_conn(bench_ctx *ctx, bool stream)
{
	read_state *st = ctx->state;
	if (!st->other_conn || st->other_streams != stream)
		return ctx->conn;
	return st->other_conn;
}

qr_engine *bench_read_engine(bench_ctx *ctx, bool stream)
{
	read_state *st = ctx->state;
	if (!st->other || st->other_streams != stream)
		return ctx->engine;
	return st->other;
}

/* Reads one row's columns as a program would. */
static int touch_row(const qr_row *row, uint64_t *sum)
{
	int64_t id;
	const char *name, *desc;
	size_t nl, dl;
	int rc = qr_row_int64(row, 0, &id);
	if (rc == 0)
		rc = qr_value_text(qr_row_value(row, 1), &name, &nl);
	if (rc == 0)
		rc = qr_value_text(qr_row_value(row, 2), &desc, &dl);
	if (rc)
		return bench_qr_fail(rc, "reading a row");
	*sum += (uint64_t)id + nl + dl + (name[0] == 'c') + (desc[0] == 'c');
	return 0;
}

int bench_read_core(bench_ctx *ctx, bool stream, size_t *rows)
{
	qr_conn *conn = bench_read_conn(ctx, stream);
	qr_result *res;
	uint64_t sum = 0;
	int rc;

	*rows = 0;
	BENCH_QR(qr_conn_execute_text(&res, conn, BENCH_SELECT_ALL, NULL));
	if (stream) {
		const qr_row *row;
		while ((rc = qr_result_next(res, &row)) > 0) {
			if (touch_row(row, &sum)) {
				rc = -1;
				break;
			}
			(*rows)++;
		}
		if (rc < 0)
			bench_qr_fail(rc, "qr_result_next");
	} else {
		qr_rowset *set;
		rc = qr_result_all(&set, res);
		if (rc)
			bench_qr_fail(rc, "qr_result_all");
		size_t count = qr_rowset_count(set);
		for (size_t i = 0; rc == 0 && i < count; i++) {
			if (touch_row(qr_rowset_row(set, i), &sum))
				rc = -1;
			else
				(*rows)++;
		}
		qr_rowset_free(set);
	}
	qr_result_free(res);
	if (rc == 0)
		rc = qr_conn_commit(conn);
	return rc < 0 ? -1 : 0;
}
