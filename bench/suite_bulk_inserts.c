/*
 * suite_bulk_inserts.c - SQLAlchemy's examples/performance/bulk_inserts:
 * 100,000 customers inserted into an empty table, in one transaction.
 *
 *   raw               the C client library by hand: SQLite, one prepared
 *                     INSERT stepped per row; servers, prepared INSERTs of
 *                     1,000 rows each (multi-row VALUES)
 *   raw_rows          servers: one prepared single-row INSERT executed per
 *                     row (what the plain C loop costs there)
 *   core_executemany  one text() INSERT executed with a qr_params of every
 *                     row (SQLAlchemy's test_core_insert)
 *   core_returning    INSERT .. RETURNING id for each row, reading the key
 *                     (the keys a flush needs)
 */
#include "bench.h"
#include "raw.h"

#include <stdlib.h>

static int reset(bench_ctx *ctx)
{
	return bench_table_reset(ctx);
}

static int raw_bulk(bench_ctx *ctx)
{
	return ctx->raw_driver->insert_bulk(ctx->raw, 1, ctx->n, false);
}

static int raw_rows_setup(bench_ctx *ctx)
{
	if (ctx->backend == BENCH_SQLITE)
		return BENCH_SKIP; /* the same as raw there */
	return bench_table_reset(ctx);
}

static int raw_rows(bench_ctx *ctx)
{
	return ctx->raw_driver->insert_rows(ctx->raw, 1, ctx->n);
}

static int core_executemany(bench_ctx *ctx)
{
	char name[64], desc[64];
	qr_stmt *stmt = qr_text("INSERT INTO " BENCH_TABLE
				" (name, description) VALUES (:name, "
				":description)");
	qr_params *p = qr_params_new();
	int rc = p ? 0 : QR_ENOMEM;
	for (size_t i = 1; i <= ctx->n && rc == 0; i++) {
		if (i > 1)
			rc = qr_params_next_row(p);
		bench_name(name, sizeof(name), i);
		bench_description(desc, sizeof(desc), i);
		if (rc == 0)
			rc = qr_params_text(p, "name", name);
		if (rc == 0)
			rc = qr_params_text(p, "description", desc);
	}
	if (rc == 0)
		rc = qr_conn_execute(NULL, ctx->conn, stmt, p);
	if (rc == 0)
		rc = qr_conn_commit(ctx->conn);
	qr_params_free(p);
	qr_stmt_free(stmt);
	if (rc)
		return bench_qr_fail(rc, "core executemany");
	return 0;
}

static int core_returning(bench_ctx *ctx)
{
	char name[64], desc[64];
	qr_stmt *stmt = qr_text("INSERT INTO " BENCH_TABLE
				" (name, description) VALUES (:name, "
				":description) RETURNING id");
	qr_params *p = qr_params_new();
	int64_t last = 0;
	int rc = p ? 0 : QR_ENOMEM;
	for (size_t i = 1; i <= ctx->n && rc == 0; i++) {
		qr_result *res;
		const qr_value *id;
		qr_params_reset(p);
		bench_name(name, sizeof(name), i);
		bench_description(desc, sizeof(desc), i);
		rc = qr_params_text(p, "name", name);
		if (rc == 0)
			rc = qr_params_text(p, "description", desc);
		if (rc == 0)
			rc = qr_conn_execute(&res, ctx->conn, stmt, p);
		if (rc == 0) {
			rc = qr_result_scalar(res, &id);
			if (rc == 1)
				rc = qr_value_int64(id, &last);
			else if (rc == 0)
				rc = QR_ENORESULT;
			qr_result_free(res);
		}
	}
	if (rc == 0)
		rc = qr_conn_commit(ctx->conn);
	qr_params_free(p);
	qr_stmt_free(stmt);
	if (rc)
		return bench_qr_fail(rc, "core insert returning");
	if (last < (int64_t)ctx->n)
		return bench_fail("core insert returning: last id %lld",
				  (long long)last);
	return 0;
}

static const bench_variant variants[] = {
	{"raw", "", reset, raw_bulk, NULL},
	{"raw_rows", "", raw_rows_setup, raw_rows, NULL},
	{"core_executemany", NULL, reset, core_executemany, NULL},
	{"core_returning", NULL, reset, core_returning, NULL},
};

const bench_suite bench_suite_bulk_inserts = {
	.name = "bulk_inserts",
	.summary = "100,000 rows inserted in one transaction",
	.default_n = 100000,
	.variants = variants,
	.nvariants = sizeof(variants) / sizeof(variants[0]),
};
