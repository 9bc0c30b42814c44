/*
 * suite_bulk_inserts.c - SQLAlchemy's examples/performance/bulk_inserts:
 * 100,000 customers inserted into an empty table, in one transaction.
 *
 *   raw                the C client library by hand: SQLite, one prepared
 *                      INSERT stepped per row; servers, prepared INSERTs
 *                      of 1,000 rows each (multi-row VALUES)
 *   raw_rows           servers: one prepared single-row INSERT executed
 *                      per row (what the plain C loop costs there)
 *   raw_batch          SQLite: prepared multi-row INSERTs by hand (the
 *                      best done by hand there, for comparison)
 *   core_executemany   one text() INSERT executed with a qr_params of
 *                      every row
 *   core_insert        the same with the table's insert() construct
 *                      (SQLAlchemy's test_core_insert)
 *   core_returning     the text() INSERT with RETURNING id executed with
 *                      every row, reading every key back (SQLite,
 *                      PostgreSQL, MariaDB 10.5+: MySQL has no RETURNING)
 *   orm_flush_no_pk    ORM objects added and flushed 1,000 at a time, the
 *                      keys fetched (SQLAlchemy's test_flush_no_pk)
 *   orm_flush_pk_given the same with the ids set (test_flush_pk_given)
 *   orm_flush_no_pk_expunge  orm_flush_no_pk with the session's objects
 *                      expunged after each flush (the last object's id
 *                      checked first): the C form of SQLAlchemy's weak
 *                      identity map, which drops the flushed objects its
 *                      test keeps no reference to, so that each flush
 *                      sees only its 1,000 new objects
 *   orm_flush_pk_given_expunge  the same with the ids set
 */
#include "bench_model.h"
#include "raw.h"

#include <quarry/sys/dialect.h>

#include <stdlib.h>

#define INSERT_TEXT                                        \
	"INSERT INTO " BENCH_TABLE " (name, description) " \
	"VALUES (:name, :description)"

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

static int raw_batch_setup(bench_ctx *ctx)
{
	if (!ctx->raw_driver->insert_multi)
		return BENCH_SKIP; /* raw is that already */
	return bench_table_reset(ctx);
}

static int raw_batch(bench_ctx *ctx)
{
	return ctx->raw_driver->insert_multi(ctx->raw, 1, ctx->n);
}

/* Every row's name and description, as SQLAlchemy's list of dicts. */
static qr_params *all_rows(size_t n)
{
	char name[64], desc[64];
	qr_params *p = qr_params_new();
	int rc = p ? 0 : QR_ENOMEM;
	for (size_t i = 1; i <= n && rc == 0; i++) {
		if (i > 1)
			rc = qr_params_next_row(p);
		bench_name(name, sizeof(name), i);
		bench_description(desc, sizeof(desc), i);
		if (rc == 0)
			rc = qr_params_text(p, "name", name);
		if (rc == 0)
			rc = qr_params_text(p, "description", desc);
	}
	if (rc) {
		bench_qr_fail(rc, "building the parameters");
		qr_params_free(p);
		return NULL;
	}
	return p;
}

/* Executes stmt (taken) with every row, in one transaction. */
static int insert_all(bench_ctx *ctx, qr_stmt *stmt, const char *what)
{
	qr_params *p = all_rows(ctx->n);
	qr_result *res = NULL;
	int rc = p ? qr_conn_execute(&res, ctx->conn, stmt, p) : -1;
	if (rc == 0 && qr_result_rowcount(res) != (int64_t)ctx->n)
		rc = bench_fail("%s: %lld rows inserted", what,
				(long long)qr_result_rowcount(res));
	qr_result_free(res);
	if (rc == 0)
		rc = qr_conn_commit(ctx->conn);
	qr_params_free(p);
	qr_stmt_free(stmt);
	if (rc < 0)
		return bench_qr_fail(rc, what);
	return rc;
}

static int core_executemany(bench_ctx *ctx)
{
	return insert_all(ctx, qr_text(INSERT_TEXT), "core executemany");
}

static int core_insert(bench_ctx *ctx)
{
	qr_table *t = bench_customer_table();
	if (!t)
		return -1;
	return insert_all(ctx, qr_insert_new(t, QR_END), "core insert()");
}

static int core_returning_setup(bench_ctx *ctx)
{
	/* MySQL has no RETURNING; MariaDB 10.5+ has (the engine took the
	 * mariadb flavour at its first connection). */
	const qr_dialect *d;
	if (qr_dialect_find(&d, qr_engine_dialect_name(ctx->engine)) == 0 &&
	    !(d->features &
	      (QR_FEATURE_RETURNING | QR_FEATURE_INSERT_RETURNING)))
		return BENCH_SKIP;
	return bench_table_reset(ctx);
}

/* One executemany of INSERT .. RETURNING id: every row's key comes back
 * (SQLAlchemy 2.0's insert().returning() with a list of parameters). */
static int core_returning(bench_ctx *ctx)
{
	qr_stmt *stmt = qr_text(INSERT_TEXT " RETURNING id");
	qr_params *p = all_rows(ctx->n);
	qr_result *res = NULL;
	const qr_row *row;
	size_t rows = 0;
	int64_t id = 0, last = 0;
	int rc = p ? qr_conn_execute(&res, ctx->conn, stmt, p) : -1;
	while (rc == 0 && (rc = qr_result_next(res, &row)) == 1) {
		rc = qr_row_int64(row, 0, &id);
		last = id > last ? id : last;
		rows++;
	}
	qr_result_free(res);
	if (rc == 0)
		rc = qr_conn_commit(ctx->conn);
	qr_params_free(p);
	qr_stmt_free(stmt);
	if (rc < 0)
		return bench_qr_fail(rc, "core insert returning");
	if (rc || rows != ctx->n || last < (int64_t)ctx->n)
		return bench_fail("core insert returning: %zu keys, last %lld",
				  rows, (long long)last);
	return 0;
}

/* ORM objects added and flushed 1,000 at a time, then committed; with
 * expunge, the session's objects expunged after each flush (the last
 * object's id checked before the last expunge). */
static int orm_flush(bench_ctx *ctx, bool pk_given, bool expunge)
{
	char name[64], desc[64];
	qr_session *s;
	Customer *last = NULL;
	int rc = bench_session(&s, ctx);
	if (rc)
		return rc;
	for (size_t i = 1; i <= ctx->n && rc == 0; i++) {
		Customer *c = qr_new(s, Customer);
		if (!c) {
			rc = qr_error_last()->code;
			break;
		}
		if (pk_given)
			c->id = (int64_t)i;
		bench_name(name, sizeof(name), i);
		bench_description(desc, sizeof(desc), i);
		rc = qr_set_text(c, &c->name, name);
		if (rc == 0)
			rc = qr_set_text(c, &c->description, desc);
		if (rc == 0)
			rc = qr_session_add(s, c);
		if (rc == 0 && i % 1000 == 0)
			rc = qr_session_flush(s);
		last = c;
		if (rc == 0 && expunge && i % 1000 == 0 && i < ctx->n) {
			qr_session_expunge_all(s);
			last = NULL;
		}
	}
	if (rc == 0)
		rc = qr_session_flush(s);
	/* The keys were fetched: the last object has its id. */
	if (rc == 0 && (!last || last->id != (int64_t)ctx->n))
		rc = bench_fail("orm flush: last id %lld",
				last ? (long long)last->id : -1LL);
	if (rc == 0 && expunge)
		qr_session_expunge_all(s);
	if (rc == 0)
		rc = qr_session_commit(s);
	qr_session_free(s);
	if (rc < 0)
		return bench_qr_fail(rc, "orm flush");
	return rc;
}

static int orm_flush_no_pk(bench_ctx *ctx)
{
	return orm_flush(ctx, false, false);
}

static int orm_flush_pk_given(bench_ctx *ctx)
{
	return orm_flush(ctx, true, false);
}

static int orm_flush_no_pk_expunge(bench_ctx *ctx)
{
	return orm_flush(ctx, false, true);
}

static int orm_flush_pk_given_expunge(bench_ctx *ctx)
{
	return orm_flush(ctx, true, true);
}

static const bench_variant variants[] = {
	{"raw", "", reset, raw_bulk, NULL},
	{"raw_rows", "", raw_rows_setup, raw_rows, NULL},
	{"raw_batch", "", raw_batch_setup, raw_batch, NULL},
	{"core_executemany", NULL, reset, core_executemany, NULL},
	{"core_insert", NULL, reset, core_insert, NULL},
	{"core_returning", NULL, core_returning_setup, core_returning, NULL},
	{"orm_flush_no_pk", NULL, reset, orm_flush_no_pk, NULL},
	{"orm_flush_pk_given", NULL, reset, orm_flush_pk_given, NULL},
	{"orm_flush_no_pk_expunge", NULL, reset, orm_flush_no_pk_expunge, NULL},
	{"orm_flush_pk_given_expunge", NULL, reset, orm_flush_pk_given_expunge,
	 NULL},
};

const bench_suite bench_suite_bulk_inserts = {
	.name = "bulk_inserts",
	.summary = "100,000 rows inserted in one transaction",
	.default_n = 100000,
	.variants = variants,
	.nvariants = sizeof(variants) / sizeof(variants[0]),
};
