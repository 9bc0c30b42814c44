/*
 * suite_single_inserts.c - SQLAlchemy's examples/performance/
 * single_inserts: 10,000 rows inserted one transaction each. SQLite runs
 * on a file database, as SQLAlchemy's suite does: when the URL is in
 * memory, a temporary file in $QUARRY_BENCH_DIR, or /dev/shm where there
 * is one (a commit's fsync on a real disk costs milliseconds and would
 * drown what is measured: the library's cost per transaction).
 *
 *   raw          BEGIN, the prepared INSERT, COMMIT per row, on one
 *                connection
 *   core         per row: a connection from the engine's pool, the text()
 *                INSERT, commit, the connection returned (SQLAlchemy's
 *                "with engine.begin() as conn: conn.execute(...)")
 *   core_conn    per row on one kept connection: execute, commit
 *   orm          per row: a session, a new Customer added, commit, the
 *                session closed (SQLAlchemy's test_orm_commit)
 */
#include "bench_model.h"
#include "raw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INSERT_ONE                                         \
	"INSERT INTO " BENCH_TABLE " (name, description) " \
	"VALUES (:name, :description)"

static char file_path[256];

/* Where the database file goes: $QUARRY_BENCH_DIR, else /dev/shm (so the
 * figures show the library's cost rather than the disk's fsync), else
 * $TMPDIR or /tmp. */
static const char *bench_dir(void)
{
	const char *d = getenv("QUARRY_BENCH_DIR");
	if (d && *d)
		return d;
	if (access("/dev/shm", W_OK) == 0)
		return "/dev/shm";
	d = getenv("TMPDIR");
	return d && *d ? d : "/tmp";
}

/* An in-memory SQLite URL becomes a temporary file's. */
static bool url_for(char *buf, size_t cap, const char *url)
{
	qr_url *u;
	bool memory = false;
	if (qr_url_parse(&u, url) != 0)
		return false;
	if (strcmp(qr_url_dialect(u), "sqlite") == 0) {
		const char *db = qr_url_database(u);
		memory = !db || !*db || strcmp(db, ":memory:") == 0;
	}
	if (memory) {
		snprintf(file_path, sizeof(file_path),
			 "%s/quarry_bench_single_%ld.db", bench_dir(),
			 (long)getpid());
		unlink(file_path);
		qr_url_set_database(u, file_path);
		char *s;
		if (qr_url_render(&s, u, false) == 0) {
			snprintf(buf, cap, "%s", s);
			qr_free(s);
		} else {
			memory = false;
		}
	}
	qr_url_free(u);
	return memory;
}

static void finish(bench_ctx *ctx)
{
	char path[300];
	(void)ctx;
	if (!file_path[0])
		return;
	unlink(file_path);
	snprintf(path, sizeof(path), "%s-journal", file_path);
	unlink(path);
	file_path[0] = '\0';
}

static int reset(bench_ctx *ctx)
{
	return bench_table_reset(ctx);
}

static int raw_each(bench_ctx *ctx)
{
	return ctx->raw_driver->insert_each_tx(ctx->raw, 1, ctx->n);
}

static int insert_one(qr_conn *conn, const qr_stmt *stmt, qr_params *p,
		      size_t i)
{
	char name[64], desc[64];
	qr_params_reset(p);
	bench_name(name, sizeof(name), i);
	bench_description(desc, sizeof(desc), i);
	BENCH_QR(qr_params_text(p, "name", name));
	BENCH_QR(qr_params_text(p, "description", desc));
	BENCH_QR(qr_conn_execute(NULL, conn, stmt, p));
	BENCH_QR(qr_conn_commit(conn));
	return 0;
}

static int core_each(bench_ctx *ctx)
{
	qr_stmt *stmt = qr_text(INSERT_ONE);
	qr_params *p = qr_params_new();
	int rc = stmt && p ? 0 : bench_qr_fail(QR_ENOMEM, "setup");
	for (size_t i = 1; i <= ctx->n && rc == 0; i++) {
		qr_conn *conn;
		rc = qr_engine_connect(&conn, ctx->engine);
		if (rc) {
			bench_qr_fail(rc, "qr_engine_connect");
			break;
		}
		rc = insert_one(conn, stmt, p, i);
		qr_conn_free(conn);
	}
	qr_params_free(p);
	qr_stmt_free(stmt);
	return rc;
}

static int core_conn(bench_ctx *ctx)
{
	qr_stmt *stmt = qr_text(INSERT_ONE);
	qr_params *p = qr_params_new();
	int rc = stmt && p ? 0 : bench_qr_fail(QR_ENOMEM, "setup");
	for (size_t i = 1; i <= ctx->n && rc == 0; i++)
		rc = insert_one(ctx->conn, stmt, p, i);
	qr_params_free(p);
	qr_stmt_free(stmt);
	return rc;
}

static int orm_each(bench_ctx *ctx)
{
	char name[64], desc[64];
	int rc = 0;
	for (size_t i = 1; i <= ctx->n && rc == 0; i++) {
		qr_session *s;
		if ((rc = bench_session(&s, ctx)))
			break;
		Customer *c = qr_new(s, Customer);
		bench_name(name, sizeof(name), i);
		bench_description(desc, sizeof(desc), i);
		rc = c ? qr_set_text(c, &c->name, name) : qr_error_last()->code;
		if (rc == 0)
			rc = qr_set_text(c, &c->description, desc);
		if (rc == 0)
			rc = qr_session_add(s, c);
		if (rc == 0)
			rc = qr_session_commit(s);
		qr_session_free(s);
	}
	if (rc < 0)
		return bench_qr_fail(rc, "orm insert and commit");
	return rc;
}

static const bench_variant variants[] = {
	{"raw", "", reset, raw_each, NULL},
	{"core", NULL, reset, core_each, NULL},
	{"core_conn", NULL, reset, core_conn, NULL},
	{"orm", NULL, reset, orm_each, NULL},
};

const bench_suite bench_suite_single_inserts = {
	.name = "single_inserts",
	.summary = "10,000 rows inserted, one transaction each",
	.default_n = 10000,
	.finish = finish,
	.url_for = url_for,
	.variants = variants,
	.nvariants = sizeof(variants) / sizeof(variants[0]),
};
