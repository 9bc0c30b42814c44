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
 *   orm_full       every row as a Customer object (query.all()), then the
 *                  session freed: compared with raw_structs
 *   orm_batches    objects streamed 1,000 at a time (yield_per(1000))
 *   orm_columns    the three columns as values, no objects
 *                  (query(Customer.id, ...).yield_per(10000))
 *
 * The streaming suite (suite_streaming.c) reads 1,000,000 rows with the
 * streaming variants only, for their memory.
 */
#include "bench_model.h"
#include "bench_read.h"

#include <stdlib.h>
#include <string.h>

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

static int orm_full(bench_ctx *ctx)
{
	qr_session *s;
	qr_objlist l = QR_OBJLIST_INIT;
	uint64_t sum = 0;
	int rc = bench_session(&s, ctx);
	if (rc)
		return rc;
	rc = qr_query_all(&l, qr_query(s, Customer));
	for (size_t i = 0; i < l.count && rc == 0; i++) {
		const Customer *c = l.items[i];
		sum += (uint64_t)c->id + strlen(c->name) +
		       strlen(c->description);
	}
	size_t rows = l.count;
	qr_objlist_clear(&l);
	qr_session_free(s);
	if (rc < 0)
		return bench_qr_fail(rc, "orm query all");
	return check_rows(ctx, "orm_full", rows);
}

/* Streams q's rows, touching the first column's objects (entities) or
 * the values (columns). */
static int orm_stream(bench_ctx *ctx, qr_query *q, bool objects,
		      const char *what)
{
	qr_orm_result *r;
	const qr_orm_row *row;
	size_t rows = 0;
	uint64_t sum = 0;
	int rc = qr_query_execute(&r, q);
	if (rc)
		return bench_qr_fail(rc, what);
	while ((rc = qr_orm_result_next(r, &row)) == 1) {
		if (objects) {
			const Customer *c = qr_orm_row_object(row, 0);
			sum += (uint64_t)c->id + strlen(c->name) +
			       strlen(c->description);
		} else {
			const qr_value *id = qr_orm_row_value(row, 0);
			const qr_value *n = qr_orm_row_value(row, 1);
			const qr_value *d = qr_orm_row_value(row, 2);
			sum += (uint64_t)id->u.i + n->u.s.len + d->u.s.len;
		}
		rows++;
	}
	qr_orm_result_free(r);
	if (rc < 0)
		return bench_qr_fail(rc, what);
	return check_rows(ctx, what, rows);
}

static int orm_batches(bench_ctx *ctx)
{
	qr_session *s;
	int rc = bench_session_on(&s, bench_read_engine(ctx, true));
	if (rc)
		return rc;
	rc = orm_stream(ctx, qr_query_yield_per(qr_query(s, Customer), 1000),
			true, "orm_batches");
	qr_session_free(s);
	return rc;
}

static int orm_columns(bench_ctx *ctx)
{
	qr_session *s;
	int rc = bench_session_on(&s, bench_read_engine(ctx, true));
	if (rc)
		return rc;
	rc = orm_stream(ctx,
			qr_query_yield_per(
				qr_query_new(s, qr_attr(Customer, "id"),
					     qr_attr(Customer, "name"),
					     qr_attr(Customer, "description")),
				10000),
			false, "orm_columns");
	qr_session_free(s);
	return rc;
}

static const bench_variant variants[] = {
	{"raw", "", NULL, raw_read, NULL},
	{"raw_stream", "", raw_stream_setup, raw_stream, NULL},
	{"raw_structs", "", NULL, raw_structs, NULL},
	{"core_fetchall", "raw", NULL, core_fetchall, NULL},
	{"core_stream", "raw_stream", NULL, core_stream, NULL},
	{"orm_full", "raw_structs", NULL, orm_full, NULL},
	{"orm_batches", "raw_stream", NULL, orm_batches, NULL},
	{"orm_columns", "raw_stream", NULL, orm_columns, NULL},
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
