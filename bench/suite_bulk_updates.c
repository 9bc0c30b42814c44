/*
 * suite_bulk_updates.c - SQLAlchemy's examples/performance/bulk_updates:
 * every one of 100,000 rows gets a new description, in one transaction.
 *
 *   raw               one prepared UPDATE .. SET description = ? WHERE
 *                     id = ?, bound and executed per row
 *   core_executemany  one text() UPDATE executed with a qr_params of every
 *                     row
 *   orm_flush         ORM objects loaded 1,000 at a time (id BETWEEN),
 *                     their description changed, flushed; one commit
 *                     (SQLAlchemy's test_orm_flush)
 */
#include "bench_model.h"
#include "raw.h"

#include <stdio.h>

static int tag; /* changes every run, so every UPDATE changes the row */

static int prepare(bench_ctx *ctx)
{
	if (bench_table_reset(ctx) || bench_table_fill(ctx, ctx->n))
		return -1;
	return 0;
}

static int raw_update(bench_ctx *ctx)
{
	return ctx->raw_driver->update_rows(ctx->raw, ctx->n, ++tag);
}

static int core_executemany(bench_ctx *ctx)
{
	char desc[64];
	qr_stmt *stmt = qr_text("UPDATE " BENCH_TABLE
				" SET description = :description WHERE id = "
				":id");
	qr_params *p = qr_params_new();
	qr_result *res = NULL;
	int rc = p ? 0 : QR_ENOMEM;
	++tag;
	for (size_t i = 1; i <= ctx->n && rc == 0; i++) {
		if (i > 1)
			rc = qr_params_next_row(p);
		snprintf(desc, sizeof(desc), "updated %d %zu", tag, i);
		if (rc == 0)
			rc = qr_params_text(p, "description", desc);
		if (rc == 0)
			rc = qr_params_int(p, "id", (int64_t)i);
	}
	if (rc == 0)
		rc = qr_conn_execute(&res, ctx->conn, stmt, p);
	int64_t matched = qr_result_rowcount(res);
	qr_result_free(res);
	if (rc == 0)
		rc = qr_conn_commit(ctx->conn);
	qr_params_free(p);
	qr_stmt_free(stmt);
	if (rc)
		return bench_qr_fail(rc, "core executemany update");
	if (matched != (int64_t)ctx->n)
		return bench_fail("core executemany update: %lld rows matched",
				  (long long)matched);
	return 0;
}

static int orm_flush(bench_ctx *ctx)
{
	char desc[64];
	qr_session *s;
	size_t changed = 0;
	int rc = bench_session(&s, ctx);
	if (rc)
		return rc;
	++tag;
	for (size_t chunk = 0; chunk < ctx->n && rc == 0; chunk += 1000) {
		qr_objlist l = QR_OBJLIST_INIT;
		qr_query *q = qr_query_filter(
			qr_query(s, Customer),
			qr_between(qr_attr(Customer, "id"),
				   qr_bind_int((int64_t)chunk),
				   qr_bind_int((int64_t)chunk + 1000)));
		rc = qr_query_all(&l, q);
		for (size_t i = 0; i < l.count && rc == 0; i++) {
			Customer *c = l.items[i];
			snprintf(desc, sizeof(desc), "updated %d %lld", tag,
				 (long long)c->id);
			rc = qr_set_text(c, &c->description, desc);
			changed++;
		}
		qr_objlist_clear(&l);
		if (rc == 0)
			rc = qr_session_flush(s);
	}
	if (rc == 0)
		rc = qr_session_commit(s);
	qr_session_free(s);
	if (rc < 0)
		return bench_qr_fail(rc, "orm flush");
	if (changed < ctx->n)
		return bench_fail("orm flush: %zu objects changed", changed);
	return 0;
}

static const bench_variant variants[] = {
	{"raw", "", NULL, raw_update, NULL},
	{"core_executemany", NULL, NULL, core_executemany, NULL},
	{"orm_flush", NULL, NULL, orm_flush, NULL},
};

const bench_suite bench_suite_bulk_updates = {
	.name = "bulk_updates",
	.summary = "100,000 rows updated in one transaction",
	.default_n = 100000,
	.prepare = prepare,
	.variants = variants,
	.nvariants = sizeof(variants) / sizeof(variants[0]),
};
