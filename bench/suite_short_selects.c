/*
 * suite_short_selects.c - SQLAlchemy's examples/performance/short_selects:
 * 10,000 lookups of one row by a random primary key among 10,999 rows, in
 * one transaction, every column read.
 *
 *   raw              one prepared SELECT .. WHERE id = ?, bound, stepped
 *                    and reset per id
 *   core_reuse_stmt  one text() statement built once, executed per id
 *                    with a qr_params, .first() read
 *   core_new_stmt    a new text() statement built per id (the text parsed
 *                    each time), as SQLAlchemy's test_core_new_stmt_each_time
 *   expr_new_stmt    a new select() built per id with the expression
 *                    language, compiled-cache hits (the SQL compiled once)
 *   expr_new_stmt_nocache  the same with the compiled cache off
 *   expr_reuse_stmt  one select() with a named parameter, built once
 *   orm_get          session.get(Customer, id) with an empty identity map
 *                    (the session emptied after each lookup)
 *   orm_query        session.query(Customer).filter(id == x).first() on
 *                    one session, as SQLAlchemy's ORM lookups
 *   orm_query_expunge  the same, each object expunged once read: the C
 *                    form of SQLAlchemy's weak identity map, which drops
 *                    an object nothing references any more (the lookups
 *                    of SQLAlchemy's test keep none)
 *   orm_query_readonly  the same in a session whose objects are loaded
 *                    read-only (Hibernate's setDefaultReadOnly; not in
 *                    SQLAlchemy's suite): the autoflush before each query
 *                    has no object to compare
 */
#include "bench_model.h"
#include "raw.h"

#include <stdlib.h>
#include <string.h>

#define SELECT_ONE \
	"SELECT id, name, description FROM " BENCH_TABLE " WHERE id = :id"

typedef struct lookup_state {
	int64_t *ids;
	size_t nrows; /* rows in the table */
} lookup_state;

/* A deterministic pseudo-random sequence (xorshift64*), so that every
 * variant and every backend looks up the same ids. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int prepare(bench_ctx *ctx)
{
	lookup_state *st = calloc(1, sizeof(*st));
	if (!st)
		return bench_fail("out of memory");
	ctx->state = st;
	/* 10,999 rows for 10,000 lookups, as SQLAlchemy's suite. */
	st->nrows = ctx->n + ctx->n / 10 - 1;
	if (st->nrows < 1)
		st->nrows = 1;
	st->ids = malloc(ctx->n * sizeof(*st->ids));
	if (!st->ids)
		return bench_fail("out of memory");
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	for (size_t i = 0; i < ctx->n; i++)
		st->ids[i] = (int64_t)(next_random(&seed) % st->nrows) + 1;
	if (bench_table_reset(ctx) || bench_table_fill(ctx, st->nrows))
		return -1;
	return 0;
}

static void finish(bench_ctx *ctx)
{
	lookup_state *st = ctx->state;
	if (!st)
		return;
	free(st->ids);
	free(st);
	ctx->state = NULL;
}

static int raw_lookup(bench_ctx *ctx)
{
	lookup_state *st = ctx->state;
	uint64_t sum;
	return ctx->raw_driver->lookup(ctx->raw, st->ids, ctx->n, &sum);
}

/* Executes stmt for id and reads the first row's columns. */
static int lookup_one(bench_ctx *ctx, const qr_stmt *stmt, qr_params *p,
		      int64_t id, uint64_t *sum)
{
	qr_result *res;
	const qr_row *row;
	int64_t got;
	const char *name, *desc;
	size_t nl, dl;

	if (p) {
		qr_params_reset(p);
		BENCH_QR(qr_params_int(p, "id", id));
	}
	BENCH_QR(qr_conn_execute(&res, ctx->conn, stmt, p));
	int rc = qr_result_first(res, &row);
	if (rc == 1)
		rc = qr_row_int64(row, 0, &got);
	else if (rc == 0)
		rc = QR_ENORESULT;
	if (rc == 0)
		rc = qr_value_text(qr_row_value(row, 1), &name, &nl);
	if (rc == 0)
		rc = qr_value_text(qr_row_value(row, 2), &desc, &dl);
	if (rc == 0)
		*sum += (uint64_t)got + nl + dl + (name[0] == 'c') +
			(desc[0] == 'c');
	qr_result_free(res);
	if (rc)
		return bench_qr_fail(rc, "reading the row");
	return 0;
}

static int core_reuse(bench_ctx *ctx)
{
	lookup_state *st = ctx->state;
	uint64_t sum = 0;
	int rc = 0;
	qr_stmt *stmt = qr_text(SELECT_ONE);
	qr_params *p = qr_params_new();
	if (!stmt || !p)
		rc = bench_qr_fail(QR_ENOMEM, "qr_text");
	for (size_t i = 0; i < ctx->n && rc == 0; i++)
		rc = lookup_one(ctx, stmt, p, st->ids[i], &sum);
	qr_params_free(p);
	qr_stmt_free(stmt);
	if (rc == 0)
		BENCH_QR(qr_conn_commit(ctx->conn));
	return rc;
}

static int core_new_stmt(bench_ctx *ctx)
{
	lookup_state *st = ctx->state;
	uint64_t sum = 0;
	int rc = 0;
	qr_params *p = qr_params_new();
	if (!p)
		rc = bench_qr_fail(QR_ENOMEM, "qr_params_new");
	for (size_t i = 0; i < ctx->n && rc == 0; i++) {
		qr_stmt *stmt = qr_text(SELECT_ONE);
		rc = lookup_one(ctx, stmt, p, st->ids[i], &sum);
		qr_stmt_free(stmt);
	}
	qr_params_free(p);
	if (rc == 0)
		BENCH_QR(qr_conn_commit(ctx->conn));
	return rc;
}

/* SELECT id, name, description FROM customer WHERE id = value. */
static qr_stmt *select_by_id(qr_expr *value)
{
	qr_table *t = bench_customer_table();
	if (!t) {
		qr_expr_free(value);
		return NULL;
	}
	return qr_select(qr_cols(t, "id", "name", "description"),
			 qr_where(qr_eq(qr_c(t, "id"), value)));
}

static int expr_new_stmt(bench_ctx *ctx)
{
	lookup_state *st = ctx->state;
	uint64_t sum = 0;
	int rc = 0;
	for (size_t i = 0; i < ctx->n && rc == 0; i++) {
		qr_stmt *stmt = select_by_id(qr_bind_int(st->ids[i]));
		rc = lookup_one(ctx, stmt, NULL, st->ids[i], &sum);
		qr_stmt_free(stmt);
	}
	if (rc == 0)
		BENCH_QR(qr_conn_commit(ctx->conn));
	return rc;
}

static int cache_off(bench_ctx *ctx)
{
	(void)ctx;
	qr_compile_cache_set_capacity(0);
	return 0;
}

static int cache_on(bench_ctx *ctx)
{
	(void)ctx;
	qr_compile_cache_set_capacity(500);
	return 0;
}

static int expr_reuse_stmt(bench_ctx *ctx)
{
	lookup_state *st = ctx->state;
	uint64_t sum = 0;
	int rc = 0;
	qr_stmt *stmt = select_by_id(qr_param("id"));
	qr_params *p = qr_params_new();
	if (!stmt || !p)
		rc = bench_qr_fail(qr_error_last()->code, "select()");
	for (size_t i = 0; i < ctx->n && rc == 0; i++)
		rc = lookup_one(ctx, stmt, p, st->ids[i], &sum);
	qr_params_free(p);
	qr_stmt_free(stmt);
	if (rc == 0)
		BENCH_QR(qr_conn_commit(ctx->conn));
	return rc;
}

static int check_customer(const Customer *c, int64_t id, uint64_t *sum)
{
	if (!c || c->id != id || !c->name || !c->description)
		return bench_fail("lookup of %lld found %lld", (long long)id,
				  c ? (long long)c->id : -1LL);
	*sum += (uint64_t)c->id + strlen(c->name) + strlen(c->description);
	return 0;
}

static int orm_get(bench_ctx *ctx)
{
	lookup_state *st = ctx->state;
	uint64_t sum = 0;
	qr_session *s;
	int rc = bench_session(&s, ctx);
	for (size_t i = 0; i < ctx->n && rc == 0; i++) {
		Customer *c = NULL;
		rc = qr_get(&c, s, Customer, qr_val_int(st->ids[i]));
		if (rc == 1)
			rc = check_customer(c, st->ids[i], &sum);
		else if (rc == 0)
			rc = bench_fail("orm get: no row %lld",
					(long long)st->ids[i]);
		qr_session_expunge_all(s);
	}
	if (rc == 0)
		rc = qr_session_commit(s);
	qr_session_free(s);
	if (rc < 0)
		return bench_qr_fail(rc, "orm get");
	return rc;
}

/* How a lookup's object is left: in the session, read-only, or
 * expunged once read. */
typedef enum { KEEP, READ_ONLY, EXPUNGE } after_lookup;

static int orm_query_in(bench_ctx *ctx, after_lookup how)
{
	lookup_state *st = ctx->state;
	uint64_t sum = 0;
	qr_session *s;
	int rc = bench_session(&s, ctx);
	if (rc == 0)
		qr_session_set_default_read_only(s, how == READ_ONLY);
	for (size_t i = 0; i < ctx->n && rc == 0; i++) {
		Customer *c = NULL;
		rc = qr_query_first(
			&c, qr_query_filter(qr_query(s, Customer),
					    qr_eq(qr_attr(Customer, "id"),
						  qr_bind_int(st->ids[i]))));
		if (rc == 1)
			rc = check_customer(c, st->ids[i], &sum);
		else if (rc == 0)
			rc = bench_fail("orm query: no row %lld",
					(long long)st->ids[i]);
		if (rc == 0 && how == EXPUNGE)
			rc = qr_session_expunge(s, c);
	}
	if (rc == 0)
		rc = qr_session_commit(s);
	qr_session_free(s);
	if (rc < 0)
		return bench_qr_fail(rc, "orm query");
	return rc;
}

static int orm_query(bench_ctx *ctx)
{
	return orm_query_in(ctx, KEEP);
}

static int orm_query_expunge(bench_ctx *ctx)
{
	return orm_query_in(ctx, EXPUNGE);
}

static int orm_query_readonly(bench_ctx *ctx)
{
	return orm_query_in(ctx, READ_ONLY);
}

static const bench_variant variants[] = {
	{"raw", "", NULL, raw_lookup, NULL},
	{"core_reuse_stmt", NULL, NULL, core_reuse, NULL},
	{"core_new_stmt", NULL, NULL, core_new_stmt, NULL},
	{"expr_reuse_stmt", NULL, NULL, expr_reuse_stmt, NULL},
	{"expr_new_stmt", NULL, NULL, expr_new_stmt, NULL},
	{"expr_new_stmt_nocache", NULL, cache_off, expr_new_stmt, cache_on},
	{"orm_get", NULL, NULL, orm_get, NULL},
	{"orm_query", NULL, NULL, orm_query, NULL},
	{"orm_query_expunge", NULL, NULL, orm_query_expunge, NULL},
	{"orm_query_readonly", NULL, NULL, orm_query_readonly, NULL},
};

const bench_suite bench_suite_short_selects = {
	.name = "short_selects",
	.summary = "10,000 primary-key lookups among 10,999 rows",
	.default_n = 10000,
	.prepare = prepare,
	.finish = finish,
	.variants = variants,
	.nvariants = sizeof(variants) / sizeof(variants[0]),
};
