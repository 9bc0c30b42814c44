/*
 * test_alloc_failure.c - the allocation-failure sweep: representative
 * operations are run again and again with the N-th allocation made to
 * fail, for N = 1, 2, ... until an operation completes without reaching
 * its N-th allocation. At every N:
 *   - the operation returns an error (QR_ENOMEM, recorded as such in
 *     qr_error_last()) or succeeds despite the failure (where quarry can
 *     do without the memory, e.g. a statement cache entry or a log line);
 *     it never crashes;
 *   - nothing leaks: every block allocated during the iteration is freed
 *     by its end (counted by this program's allocator);
 *   - what remains is usable and consistent: the connection still runs
 *     statements, a rolled-back transaction left nothing behind, a failed
 *     batch is all or nothing, a failed parameter set can be completed.
 *
 * SQLite allocates through the same malloc, so its own out-of-memory
 * paths (SQLITE_NOMEM) are swept too and must surface as QR_ENOMEM.
 *
 * The allocator: this program defines malloc, calloc, realloc, free,
 * strdup and strndup (glibc lets an executable replace them, and the
 * libraries' calls, SQLite's included, come here), forwarding to
 * AddressSanitizer's allocator in a sanitized build and to glibc's
 * (__libc_malloc...) otherwise. Under valgrind run with
 * --soname-synonyms=somalloc=nouserintercepts so that these stay in
 * place (valgrind still tracks the blocks through glibc's functions);
 * without it valgrind replaces them and the tests skip. Where they cannot
 * be installed (ThreadSanitizer, MemorySanitizer, a libc other than
 * glibc) the tests skip too.
 */
#define _GNU_SOURCE 1
#include "test_support.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define SWEEP_UNAVAILABLE 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || !defined(__GLIBC__)
#define SWEEP_UNAVAILABLE 1
#endif

/* ------------------------------------------------------------------ */
/* The failing allocator                                               */
/* ------------------------------------------------------------------ */

#ifndef SWEEP_UNAVAILABLE
/* The allocator beneath: AddressSanitizer's when this program is built
 * with it (its interceptors, referenced weakly so that a plain build
 * links too), glibc's otherwise (valgrind tracks those as well). */
extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);
extern void *__interceptor_malloc(size_t n) __attribute__((weak));
extern void *__interceptor_calloc(size_t n, size_t size) __attribute__((weak));
extern void *__interceptor_realloc(void *p, size_t n) __attribute__((weak));
extern void __interceptor_free(void *p) __attribute__((weak));

/* These run before the sanitizer has set itself up (its start-up
 * allocates): no instrumentation may touch its shadow memory here. */
#if defined(__clang__) || defined(__GNUC__)
#define RAW __attribute__((no_sanitize_address, noinline))
#else
#define RAW
#endif

static atomic_long live;      /* blocks allocated and not yet freed */
static atomic_long countdown; /* 0: off; n: the n-th allocation fails */
static atomic_bool fired;

RAW static bool should_fail(void)
{
	long n = atomic_load(&countdown);
	while (n > 0) {
		if (atomic_compare_exchange_weak(&countdown, &n, n - 1)) {
			if (n == 1) {
				atomic_store(&fired, true);
				return true;
			}
			return false;
		}
	}
	return false;
}

RAW void *malloc(size_t n)
{
	if (should_fail())
		return NULL;
	void *p = __interceptor_malloc ? __interceptor_malloc(n)
				       : __libc_malloc(n);
	if (p)
		atomic_fetch_add(&live, 1);
	return p;
}

RAW void *calloc(size_t n, size_t size)
{
	if (should_fail())
		return NULL;
	void *p = __interceptor_calloc ? __interceptor_calloc(n, size)
				       : __libc_calloc(n, size);
	if (p)
		atomic_fetch_add(&live, 1);
	return p;
}

RAW void free(void *p)
{
	if (!p)
		return;
	atomic_fetch_sub(&live, 1);
	if (__interceptor_free)
		__interceptor_free(p);
	else
		__libc_free(p);
}

RAW void *realloc(void *old, size_t n)
{
	if (!old)
		return malloc(n);
	if (n == 0) {
		free(old);
		return NULL;
	}
	if (should_fail())
		return NULL;
	return __interceptor_realloc ? __interceptor_realloc(old, n)
				     : __libc_realloc(old, n);
}

char *strdup(const char *s)
{
	size_t n = strlen(s);
	char *p = malloc(n + 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}

char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static void oom_arm(long n)
{
	atomic_store(&fired, false);
	atomic_store(&countdown, n);
}

/* Disarms the allocator; true when the armed allocation did fail. */
static bool oom_disarm(void)
{
	atomic_store(&countdown, 0);
	return atomic_exchange(&fired, false);
}

static long oom_live(void)
{
	return atomic_load(&live);
}

/* Skips the calling test when allocations cannot be made to fail (e.g.
 * valgrind without nouserintercepts replaced the functions above). */
static void oom_require(void)
{
	void *p;

	oom_arm(1);
	p = malloc(16);
	oom_disarm();
	if (p) {
		free(p);
		skip();
	}
}
#else
static void oom_arm(long n)
{
	(void)n;
}
static bool oom_disarm(void)
{
	return false;
}
static long oom_live(void)
{
	return 0;
}
static void oom_require(void)
{
	skip();
}
#endif

/* ------------------------------------------------------------------ */
/* The sweep                                                           */
/* ------------------------------------------------------------------ */

/* Where an operation failed, for the consistency checks. */
enum stage { ST_NONE, ST_WORK, ST_COMMIT };

typedef struct ctx {
	qr_engine *engine;
	qr_conn *conn;
	qr_params *params;
	qr_registry *reg;
	qr_session *s;
	enum stage stage; /* the stage the operation was in */
	bool echo;
	size_t log_lines;
} ctx;

typedef struct scenario {
	const char *name;
	void (*setup)(ctx *c);          /* not armed */
	int (*op)(ctx *c);              /* armed: one allocation fails */
	void (*verify)(ctx *c, int rc); /* not armed: usable, consistent */
} scenario;

/* The blob every scenario stores: NUL bytes and high bytes included. */
static const unsigned char blob[] = {0, 1, 2, 0xff, 0, 'x', 0x80, 0};

static void count_log(void *userdata, qr_log_level level, const char *msg)
{
	ctx *c = userdata;
	(void)level;
	assert_non_null(msg);
	c->log_lines++;
}

static void open_db(ctx *c)
{
	qr_engine_options opts = {
		.echo = c->echo, .log_fn = count_log, .log_userdata = c};
	qr_assert_ok(qr_engine_create(&c->engine, "sqlite:///:memory:", &opts));
	qr_assert_ok(qr_engine_connect(&c->conn, c->engine));
	qr_test_exec(c->conn, "CREATE TABLE t (id INTEGER PRIMARY KEY, "
			      "name TEXT, data BLOB)");
	qr_assert_ok(qr_conn_commit(c->conn));
}

static void close_all(ctx *c)
{
	qr_params_free(c->params);
	qr_session_free(c->s);
	qr_registry_free(c->reg);
	c->s = NULL;
	c->reg = NULL;
	qr_conn_free(c->conn);
	qr_engine_free(c->engine);
	c->params = NULL;
	c->conn = NULL;
	c->engine = NULL;
}

/* The rows of t, as a string of ids: "1,3". */
static void ids(qr_conn *conn, char *buf, size_t cap)
{
	qr_result *res;
	const qr_row *row;
	int rc;
	size_t n = 0;

	buf[0] = '\0';
	qr_assert_ok(qr_conn_execute_text(
		&res, conn, "SELECT id FROM t ORDER BY id", NULL));
	while ((rc = qr_result_next(res, &row)) > 0) {
		int64_t id;
		qr_assert_ok(qr_row_int64(row, 0, &id));
		n += (size_t)snprintf(buf + n, cap - n, "%s%lld", n ? "," : "",
				      (long long)id);
	}
	assert_int_equal(rc, 0);
	qr_result_free(res);
}

/* The connection runs statements and commits after whatever happened. */
static void check_usable(qr_conn *conn)
{
	qr_result *res;
	const qr_value *v;
	int64_t n;

	qr_assert_ok(qr_conn_execute_text(&res, conn, "SELECT 41 + 1", NULL));
	assert_int_equal(qr_result_scalar(res, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	assert_int_equal(n, 42);
	qr_result_free(res);
	qr_assert_ok(qr_conn_commit(conn));
}

static void sweep(const scenario *s, bool echo)
{
	long n, points = 0, tolerated = 0;

	oom_require();
	/* Once without failures: one-time global set-up (SQLite's) must
	 * not count as a leak of the first iteration. */
	{
		ctx c = {.echo = echo};
		if (s->setup)
			s->setup(&c);
		qr_assert_ok(s->op(&c));
		if (s->verify)
			s->verify(&c, 0);
		close_all(&c);
	}
	for (n = 1;; n++) {
		ctx c = {.echo = echo};
		/* The compiled cache keeps what it compiles: emptied around
		 * each run, its allocations are swept and never counted as
		 * leaks. */
		qr_compile_cache_clear();
		qr_thread_cache_release();
		long before = oom_live();
		if (s->setup)
			s->setup(&c);
		qr_error_clear();
		oom_arm(n);
		int rc = s->op(&c);
		bool hit = oom_disarm();
		if (rc != 0) {
			if (!hit)
				fail_msg("%s: failed at n=%ld with no "
					 "allocation failure: %s",
					 s->name, n, qr_error_last()->message);
			if (rc != QR_ENOMEM ||
			    qr_error_last()->code != QR_ENOMEM)
				fail_msg("%s: allocation %ld failed; got %d "
					 "(%s: %s), expected QR_ENOMEM",
					 s->name, n, rc,
					 qr_strerror(qr_error_last()->code),
					 qr_error_last()->message);
			points++;
		} else if (hit) {
			tolerated++;
		}
		if (s->verify)
			s->verify(&c, rc);
		close_all(&c);
		qr_compile_cache_clear();
		qr_thread_cache_release();
		if (oom_live() != before)
			fail_msg("%s: %ld blocks leaked when allocation %ld "
				 "failed",
				 s->name, oom_live() - before, n);
		if (!hit)
			break;
		if (n >= 200000)
			fail_msg("%s: does not finish", s->name);
	}
	print_message("  %s%s: %ld allocations swept, %ld errors, %ld "
		      "failures absorbed\n",
		      s->name, echo ? " (echo)" : "", n - 1, points, tolerated);
}

/* ------------------------------------------------------------------ */
/* Scenarios                                                           */
/* ------------------------------------------------------------------ */

/* From nothing to nothing: engine, connection, DDL, insert with
 * parameters, select and fetch, commit, release. */
static int op_lifecycle(ctx *c)
{
	qr_params *p = NULL;
	qr_result *res = NULL;
	qr_rowset *rows = NULL;
	int rc;

	if ((rc = qr_engine_create(&c->engine, "sqlite:///:memory:", NULL)))
		return rc;
	if ((rc = qr_engine_connect(&c->conn, c->engine)))
		return rc;
	if ((rc = qr_conn_execute_text(NULL, c->conn,
				       "CREATE TABLE t (id INTEGER PRIMARY "
				       "KEY, name TEXT, data BLOB)",
				       NULL)))
		return rc;
	if (!(p = qr_params_new()))
		return qr_error_last()->code;
	if ((rc = qr_params_int(p, "id", 1)) ||
	    (rc = qr_params_text(p, "name", "it's \"quoted\"")) ||
	    (rc = qr_params_blob(p, "data", blob, sizeof(blob))) ||
	    (rc = qr_conn_execute_text(NULL, c->conn,
				       "INSERT INTO t VALUES (:id, :name, "
				       ":data)",
				       p)))
		goto out;
	if ((rc = qr_conn_execute_text(&res, c->conn, "SELECT * FROM t",
				       NULL)) ||
	    (rc = qr_result_all(&rows, res)))
		goto out;
	assert_int_equal(qr_rowset_count(rows), 1);
	const void *data;
	size_t len;
	assert_int_equal(qr_row_blob(qr_rowset_row(rows, 0), 2, &data, &len),
			 0);
	assert_memory_equal(data, blob, sizeof(blob));
	rc = qr_conn_commit(c->conn);
out:
	qr_rowset_free(rows);
	qr_result_free(res);
	qr_params_free(p);
	return rc;
}

static void setup_db(ctx *c)
{
	open_db(c);
}

/* One insert and a read back in a transaction, then commit. */
static int op_insert_select(ctx *c)
{
	qr_params *p = NULL;
	qr_result *res = NULL;
	const qr_row *row;
	const char *name;
	int rc;

	c->stage = ST_WORK;
	if (!(p = qr_params_new()))
		return qr_error_last()->code;
	if ((rc = qr_params_int(p, "id", 7)) ||
	    (rc = qr_params_text(p, "name", "seven")) ||
	    (rc = qr_params_blob(p, "data", blob, sizeof(blob))) ||
	    (rc = qr_conn_execute_text(NULL, c->conn,
				       "INSERT INTO t VALUES (:id, :name, "
				       ":data)",
				       p)))
		goto out;
	if ((rc = qr_conn_execute_text(
		     &res, c->conn, "SELECT name FROM t WHERE id = :id", p)) ||
	    (rc = qr_result_one(res, &row)))
		goto out;
	assert_int_equal(qr_row_text(row, 0, &name), 0);
	assert_string_equal(name, "seven");
	c->stage = ST_COMMIT;
	rc = qr_conn_commit(c->conn);
out:
	qr_result_free(res);
	qr_params_free(p);
	return rc;
}

/* After rollback: all of want, or (failed before the commit) nothing,
 * or (the commit itself failed) either. Never a part. */
static void check_all_or_nothing(ctx *c, int rc, const char *want)
{
	char got[128];

	qr_assert_ok(qr_conn_rollback(c->conn));
	ids(c->conn, got, sizeof(got));
	if (rc == 0 && strcmp(got, want) != 0)
		fail_msg("succeeded but the table holds '%s', not '%s'", got,
			 want);
	if (rc != 0 && c->stage != ST_COMMIT && got[0])
		fail_msg("failed before COMMIT yet '%s' remains", got);
	if (rc != 0 && got[0] && strcmp(got, want) != 0)
		fail_msg("failed and left a part: '%s' of '%s'", got, want);
	check_usable(c->conn);
}

static void verify_insert_select(ctx *c, int rc)
{
	check_all_or_nothing(c, rc, "7");
}

/* executemany of three rows, then commit. */
static void setup_batch(ctx *c)
{
	open_db(c);
	c->params = qr_params_new();
	for (int i = 1; i <= 3; i++) {
		char name[16];
		snprintf(name, sizeof(name), "row %d", i);
		if (i > 1)
			qr_assert_ok(qr_params_next_row(c->params));
		qr_assert_ok(qr_params_int(c->params, "id", i));
		qr_assert_ok(qr_params_text(c->params, "name", name));
		qr_assert_ok(
			qr_params_blob(c->params, "data", blob, sizeof(blob)));
	}
}

static int op_batch(ctx *c)
{
	qr_result *res = NULL;
	int rc;

	c->stage = ST_WORK;
	rc = qr_conn_execute_text(&res, c->conn,
				  "INSERT INTO t VALUES (:id, :name, :data)",
				  c->params);
	if (rc)
		return rc;
	assert_int_equal(qr_result_rowcount(res), 3);
	qr_result_free(res);
	c->stage = ST_COMMIT;
	return qr_conn_commit(c->conn);
}

static void verify_batch(ctx *c, int rc)
{
	check_all_or_nothing(c, rc, "1,2,3");
}

/* begin; 1; SAVEPOINT; 2; ROLLBACK TO; SAVEPOINT; 3; RELEASE; commit. */
static int insert_id(qr_conn *conn, int id)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "INSERT INTO t (id, name) VALUES (%d, 'n')",
		 id);
	return qr_conn_execute_text(NULL, conn, sql, NULL);
}

static int op_savepoints(ctx *c)
{
	qr_tx *tx = NULL, *sp = NULL, *sp2 = NULL;
	int rc;

	c->stage = ST_WORK;
	if ((rc = qr_conn_begin(&tx, c->conn)) ||
	    (rc = insert_id(c->conn, 1)) ||
	    (rc = qr_conn_begin_nested(&sp, c->conn)) ||
	    (rc = insert_id(c->conn, 2)) || (rc = qr_tx_rollback(sp)) ||
	    (rc = qr_conn_begin_nested(&sp2, c->conn)) ||
	    (rc = insert_id(c->conn, 3)) || (rc = qr_tx_commit(sp2)))
		goto out;
	c->stage = ST_COMMIT;
	rc = qr_tx_commit(tx);
out:
	qr_tx_free(sp2);
	qr_tx_free(sp);
	qr_tx_free(tx);
	return rc;
}

static void verify_savepoints(ctx *c, int rc)
{
	check_all_or_nothing(c, rc, "1,3");
}

/* Parameter sets: a failed setter leaves the set usable; verify
 * completes it and checks every value. */
static int op_params(ctx *c)
{
	static char big[100000];
	qr_params *p;
	int rc;

	memset(big, 'b', sizeof(big) - 1);
	if (!(p = qr_params_new()))
		return qr_error_last()->code;
	c->params = p;
	if ((rc = qr_params_int(p, "a", 1)) ||
	    (rc = qr_params_text(p, "b", "two")) ||
	    (rc = qr_params_blob(p, "c", blob, sizeof(blob))) ||
	    (rc = qr_params_text(p, "big", big)) ||
	    (rc = qr_params_null(p, "d")) || (rc = qr_params_next_row(p)) ||
	    (rc = qr_params_int(p, "a", 2)) ||
	    (rc = qr_params_text(p, "b", "second")) ||
	    (rc = qr_params_double(p, "e", 2.5)))
		return rc;
	return 0;
}

static void verify_params(ctx *c, int rc)
{
	static char big[100000];
	qr_params *p = c->params;
	const qr_value *v;
	const char *s;

	(void)rc;
	memset(big, 'b', sizeof(big) - 1);
	if (!p)
		return; /* qr_params_new itself failed */
	/* Whatever was set stays readable; finish the job. */
	if (qr_params_row_count(p) == 1) {
		qr_assert_ok(qr_params_int(p, "a", 1));
		qr_assert_ok(qr_params_text(p, "b", "two"));
		qr_assert_ok(qr_params_blob(p, "c", blob, sizeof(blob)));
		qr_assert_ok(qr_params_text(p, "big", big));
		qr_assert_ok(qr_params_null(p, "d"));
		qr_assert_ok(qr_params_next_row(p));
	}
	qr_assert_ok(qr_params_int(p, "a", 2));
	qr_assert_ok(qr_params_text(p, "b", "second"));
	qr_assert_ok(qr_params_double(p, "e", 2.5));
	assert_int_equal(qr_params_row_count(p), 2);
	assert_non_null(v = qr_params_get(p, 0, "b"));
	qr_assert_ok(qr_value_text(v, &s, NULL));
	assert_string_equal(s, "two");
	assert_non_null(v = qr_params_get(p, 0, "big"));
	qr_assert_ok(qr_value_text(v, &s, NULL));
	assert_string_equal(s, big);
	assert_non_null(v = qr_params_get(p, 0, "c"));
	assert_int_equal(v->u.s.len, sizeof(blob));
	assert_memory_equal(v->u.s.ptr, blob, sizeof(blob));
	assert_non_null(v = qr_params_get(p, 1, "b"));
	qr_assert_ok(qr_value_text(v, &s, NULL));
	assert_string_equal(s, "second");
	assert_int_equal(qr_params_count(p, 1), 3);
}

/* text() and compilation to each built-in dialect. */
static int op_compile(ctx *c)
{
	static const char *const dialects[] = {"sqlite", "postgresql"};
	qr_stmt *stmt;
	int rc = 0;

	(void)c;
	stmt = qr_text("SELECT :a, :b, :a WHERE x = '10\\:30' AND y::int = :c");
	if (!stmt)
		return qr_error_last()->code;
	for (size_t i = 0; i < 2 && rc == 0; i++) {
		qr_compiled *cp;
		rc = qr_compile(&cp, stmt, dialects[i]);
		if (rc == 0) {
			assert_int_equal(qr_compiled_param_count(cp),
					 i == 0 ? 4 : 3);
			qr_compiled_free(cp);
		}
	}
	qr_stmt_free(stmt);
	return rc;
}

/* Fetching: buffered rows, repr, scalar, and a second statement while a
 * first result is still open (its rows are buffered). */
static void setup_rows(ctx *c)
{
	open_db(c);
	for (int i = 1; i <= 20; i++)
		qr_assert_ok(insert_id(c->conn, i));
	qr_assert_ok(qr_conn_commit(c->conn));
}

static int op_fetch(ctx *c)
{
	qr_result *a = NULL, *b = NULL;
	qr_rowset *rows = NULL;
	const qr_row *row;
	const qr_value *v;
	char *repr = NULL;
	int rc, next, got = 0;

	c->stage = ST_WORK;
	if ((rc = qr_conn_execute_text(
		     &a, c->conn, "SELECT id, name FROM t ORDER BY id", NULL)))
		goto out;
	if ((rc = qr_result_next(a, &row)) < 0)
		goto out;
	assert_int_equal(rc, 1);
	got = 1;
	if ((rc = qr_row_repr(&repr, row)))
		goto out;
	assert_string_equal(repr, "(1, 'n')");
	/* b needs the connection: a's remaining rows are buffered. Whether
	 * or not that works, a must then give every row or an error: a
	 * result never ends early as if the rows were all there. */
	rc = qr_conn_execute_text(&b, c->conn, "SELECT count(*) FROM t", NULL);
	if (rc == 0 && (rc = qr_result_scalar(b, &v)) == 1)
		rc = 0;
	while ((next = qr_result_next(a, &row)) > 0)
		got++;
	if (next == 0 && got != 20)
		fail_msg("the first result ended after %d of 20 rows (the "
			 "second statement returned %d)",
			 got, rc);
	if (rc == 0)
		rc = next;
	if (rc)
		goto out;
	qr_result_free(a);
	a = NULL;
	if ((rc = qr_conn_execute_text(&a, c->conn, "SELECT * FROM t", NULL)) ||
	    (rc = qr_result_all(&rows, a)))
		goto out;
	assert_int_equal(qr_rowset_count(rows), 20);
out:
	qr_free(repr);
	qr_rowset_free(rows);
	qr_result_free(b);
	qr_result_free(a);
	return rc;
}

static void verify_fetch(ctx *c, int rc)
{
	char got[256];
	(void)rc;
	qr_assert_ok(qr_conn_rollback(c->conn));
	ids(c->conn, got, sizeof(got));
	assert_string_equal(got, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,"
				 "18,19,20");
	check_usable(c->conn);
}

static const scenario lifecycle = {"engine, connect, DDL, insert, select, "
				   "commit, free",
				   NULL, op_lifecycle, NULL};
static const scenario insert_select = {"insert and select on a connection",
				       setup_db, op_insert_select,
				       verify_insert_select};
static const scenario batch = {"executemany", setup_batch, op_batch,
			       verify_batch};
static const scenario savepoints = {"savepoints", setup_db, op_savepoints,
				    verify_savepoints};
static const scenario params = {"parameter sets", NULL, op_params,
				verify_params};
static const scenario compile = {"text() and compile", NULL, op_compile, NULL};
static const scenario fetch = {"fetching and buffering", setup_rows, op_fetch,
			       verify_fetch};

/* ---- the expression language and the ORM ------------------------------ */

/* Tables for compile-only statements, made once (outside any sweep). */
static qr_metadata *expr_md;
static qr_table *expr_users;

static void expr_fixture(void)
{
	if (expr_md)
		return;
	expr_md = qr_metadata_new();
	expr_users = qr_table(expr_md, "users",
			      qr_column("id", QR_INTEGER, .primary_key = true),
			      qr_column("name", qr_string(50)),
			      qr_column("select", QR_TEXT),
			      qr_column("data", QR_BINARY));
	assert_non_null(expr_users);
}

/* The compiled cache keeps what it compiled: empty it around each run
 * so that every run compiles (and the cache's own allocations are
 * swept) and nothing it keeps counts as a leak. */
static void setup_compile(ctx *c)
{
	(void)c;
	expr_fixture();
	qr_compile_cache_clear();
}

static void verify_compile(ctx *c, int rc)
{
	(void)c;
	(void)rc;
	qr_compile_cache_clear();
}

/* Statements built (constructors allocate and propagate failure as
 * NULL), compiled for each dialect and rendered with literals. */
static char *ref_sql[3][3], *ref_lit[3][3];

static int op_expr_compile(ctx *c)
{
	static const char *const dialects[] = {"sqlite", "postgresql", "mysql"};
	static const int64_t ids[] = {1, 2, 3};
	qr_table *u = expr_users;
	qr_stmt *stmts[3];
	int rc = 0;

	(void)c;
	stmts[0] = qr_select(
		qr_c(u, "id"), qr_label(qr_c(u, "select"), "s"),
		qr_where(qr_eq(qr_c(u, "name"), qr_bind_text("it's")),
			 qr_in_ints(qr_c(u, "id"), ids, 3),
			 qr_like(qr_c(u, "select"), qr_bind_text("a\\%"))),
		qr_order_by(qr_desc(qr_c(u, "id"))), qr_limit(5));
	stmts[1] = qr_insert(
		u, qr_values(qr_set("id", qr_bind_int(7)),
			     qr_set("name", qr_bind_text("x")),
			     qr_set("data", qr_bind_value(qr_val_blob(
						    blob, sizeof(blob))))));
	stmts[2] = qr_update(u, qr_set("name", qr_bind_text("y")),
			     qr_where(qr_eq(qr_c(u, "id"), qr_bind_int(7))));
	for (size_t i = 0; i < 3 && rc == 0; i++) {
		if (!stmts[i]) {
			rc = qr_error_last()->code;
			break;
		}
		for (size_t d = 0; d < 3 && rc == 0; d++) {
			qr_compiled *cp = NULL;
			char *lit = NULL;
			rc = qr_compile(&cp, stmts[i], dialects[d]);
			if (rc == 0)
				rc = qr_compiled_render_literal(&lit, cp);
			/* A failure absorbed on the way must not change the
			 * SQL: compare with the first (unfailing) run's. */
			if (rc == 0 && !ref_sql[i][d]) {
				ref_sql[i][d] = strdup(qr_compiled_sql(cp));
				ref_lit[i][d] = strdup(lit);
			} else if (rc == 0 && (strcmp(ref_sql[i][d],
						      qr_compiled_sql(cp)) ||
					       strcmp(ref_lit[i][d], lit))) {
				fail_msg("statement %zu [%s] compiled to\n%s\n"
					 "instead of\n%s",
					 i, dialects[d], lit, ref_lit[i][d]);
			}
			qr_free(lit);
			qr_compiled_free(cp);
		}
	}
	for (size_t i = 0; i < 3; i++)
		qr_stmt_free(stmts[i]);
	return rc;
}

/* Statements of the expression language executed, with result types. */
static void setup_expr_db(ctx *c)
{
	open_db(c);
	expr_fixture();
	qr_compile_cache_clear();
}

static int op_expr_execute(ctx *c)
{
	qr_metadata *md = NULL;
	qr_table *t;
	qr_stmt *ins = NULL, *sel = NULL;
	qr_result *res = NULL;
	qr_rowset *rows = NULL;
	int rc;

	c->stage = ST_WORK;
	md = qr_metadata_new();
	t = qr_table(md, "t", qr_column("id", QR_INTEGER, .primary_key = true),
		     qr_column("name", QR_TEXT), qr_column("data", QR_BINARY));
	ins = qr_insert(
		t, qr_values(qr_set("id", qr_bind_int(7)),
			     qr_set("name", qr_bind_text("seven")),
			     qr_set("data", qr_bind_value(qr_val_blob(
						    blob, sizeof(blob))))));
	sel = qr_select(qr_c(t, "name"), qr_c(t, "data"),
			qr_where(qr_eq(qr_c(t, "id"), qr_bind_int(7))));
	if (!md || !t || !ins || !sel) {
		rc = qr_error_last()->code;
		goto out;
	}
	if ((rc = qr_conn_execute(NULL, c->conn, ins, NULL)) ||
	    (rc = qr_conn_execute(&res, c->conn, sel, NULL)) ||
	    (rc = qr_result_all(&rows, res)))
		goto out;
	assert_int_equal(qr_rowset_count(rows), 1);
	c->stage = ST_COMMIT;
	rc = qr_conn_commit(c->conn);
out:
	qr_rowset_free(rows);
	qr_result_free(res);
	qr_stmt_free(sel);
	qr_stmt_free(ins);
	qr_metadata_free(md);
	return rc;
}

static void verify_expr_execute(ctx *c, int rc)
{
	check_all_or_nothing(c, rc, "7");
	qr_compile_cache_clear();
}

typedef struct Person {
	int64_t id;
	char *name;
	char *note;
} Person;

QR_MAPPING(Person, "people",
	   QR_FIELD(Person, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Person, name, qr_string(50)),
	   QR_FIELD(Person, note, QR_TEXT));

static int64_t count_people(ctx *c)
{
	qr_result *res;
	const qr_value *v;
	int64_t n = -1;

	qr_assert_ok(qr_conn_execute_text(&res, c->conn,
					  "SELECT count(*) FROM people", NULL));
	assert_int_equal(qr_result_scalar(res, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(res);
	qr_assert_ok(qr_conn_commit(c->conn));
	return n;
}

/* An engine, a registry mapping Person, its table, a session; and a
 * separate connection to look at the table. In-memory SQLite shares
 * one database per engine (the static pool). */
static void setup_orm(ctx *c)
{
	qr_session_options so = {0};
	qr_assert_ok(qr_engine_create(&c->engine, "sqlite:///:memory:", NULL));
	qr_assert_ok(qr_registry_new(&c->reg, NULL));
	qr_assert_ok(qr_map(c->reg, Person));
	qr_assert_ok(qr_metadata_create_all(qr_registry_metadata(c->reg),
					    c->engine));
	so.registry = c->reg;
	qr_assert_ok(qr_session_new(&c->s, c->engine, &so));
}

/* Three new objects flushed at commit. */
static int op_orm_add(ctx *c)
{
	static const char *const names[] = {"ed", "wendy", "mary"};
	int rc;

	c->stage = ST_WORK;
	for (int i = 0; i < 3; i++) {
		Person *p = qr_new(c->s, Person);
		if (!p)
			return qr_error_last()->code;
		if ((rc = qr_set_text(p, &p->name, names[i])) ||
		    (rc = qr_set_text(p, &p->note, "it's \"quoted\"")) ||
		    (rc = qr_session_add(c->s, p)))
			return rc;
	}
	c->stage = ST_COMMIT;
	return qr_session_commit(c->s);
}

/* Whatever failed: the session rolls back and, asked again, commits
 * what it still holds; never a part of the three rows. */
static void verify_orm_add(ctx *c, int rc)
{
	qr_conn *conn;
	int64_t n;

	qr_assert_ok(qr_session_rollback(c->s));
	qr_assert_ok(qr_engine_connect(&conn, c->engine));
	c->conn = conn;
	n = count_people(c);
	if (rc == 0 ? n != 3 : (n != 0 && n != 3))
		fail_msg("after %d the table holds %lld of 3 rows", rc,
			 (long long)n);
	qr_conn_free(conn);
	c->conn = NULL;
	/* The session is usable: a new object commits. */
	Person *p = qr_new(c->s, Person);
	assert_non_null(p);
	qr_assert_ok(qr_set_text(p, &p->name, "after"));
	qr_assert_ok(qr_session_add(c->s, p));
	qr_assert_ok(qr_session_commit(c->s));
}

/* Three committed objects; one changed, one deleted, committed. */
static void setup_orm_rows(ctx *c)
{
	setup_orm(c);
	qr_assert_ok(op_orm_add(c));
}

static int op_orm_change(ctx *c)
{
	int rc;
	Person *ed = NULL, *mary = NULL;

	/* The objects of setup, from the identity map. */
	c->stage = ST_WORK;
	for (int64_t id = 1; id <= 3; id++) {
		Person *p = NULL;
		if ((rc = qr_get(&p, c->s, Person, qr_val_int(id))) < 0)
			return rc;
		if (p && p->name && !strcmp(p->name, "ed"))
			ed = p;
		if (p && p->name && !strcmp(p->name, "mary"))
			mary = p;
	}
	assert_non_null(ed);
	assert_non_null(mary);
	if ((rc = qr_set_text(ed, &ed->note, "changed")) ||
	    (rc = qr_session_delete(c->s, mary)))
		return rc;
	c->stage = ST_COMMIT;
	return qr_session_commit(c->s);
}

static void verify_orm_change(ctx *c, int rc)
{
	qr_conn *conn;
	qr_result *res;
	const qr_value *v;
	int64_t n, changed;

	qr_assert_ok(qr_session_rollback(c->s));
	qr_assert_ok(qr_engine_connect(&conn, c->engine));
	c->conn = conn;
	n = count_people(c);
	qr_assert_ok(qr_conn_execute_text(&res, conn,
					  "SELECT count(*) FROM people WHERE "
					  "note = 'changed'",
					  NULL));
	assert_int_equal(qr_result_scalar(res, &v), 1);
	qr_assert_ok(qr_value_int64(v, &changed));
	qr_result_free(res);
	qr_assert_ok(qr_conn_commit(conn));
	/* Both changes or neither. */
	if (!((n == 2 && changed == 1) || (rc != 0 && n == 3 && changed == 0)))
		fail_msg("after %d: %lld rows, %lld changed", rc, (long long)n,
			 (long long)changed);
	qr_conn_free(conn);
	c->conn = NULL;
}

static const scenario expr_compile = {"expression statements built and "
				      "compiled",
				      setup_compile, op_expr_compile,
				      verify_compile};
static const scenario expr_execute = {"expression statements executed",
				      setup_expr_db, op_expr_execute,
				      verify_expr_execute};
static const scenario orm_add = {"ORM: new objects flushed", setup_orm,
				 op_orm_add, verify_orm_add};
static const scenario orm_change = {"ORM: update and delete flushed",
				    setup_orm_rows, op_orm_change,
				    verify_orm_change};

static void test_expr_compile(void **state)
{
	(void)state;
	sweep(&expr_compile, false);
}

static void test_expr_execute(void **state)
{
	(void)state;
	sweep(&expr_execute, false);
}

static void test_orm_flush(void **state)
{
	(void)state;
	sweep(&orm_add, false);
	sweep(&orm_change, false);
}

static void test_lifecycle(void **state)
{
	(void)state;
	sweep(&lifecycle, false);
}

static void test_insert_select(void **state)
{
	(void)state;
	sweep(&insert_select, false);
	sweep(&insert_select, true);
}

static void test_executemany(void **state)
{
	(void)state;
	sweep(&batch, false);
	sweep(&batch, true);
}

static void test_savepoints(void **state)
{
	(void)state;
	sweep(&savepoints, false);
}

static void test_params(void **state)
{
	(void)state;
	sweep(&params, false);
}

static void test_compile(void **state)
{
	(void)state;
	sweep(&compile, false);
}

static void test_fetch(void **state)
{
	(void)state;
	sweep(&fetch, false);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_lifecycle),
	cmocka_unit_test(test_insert_select),
	cmocka_unit_test(test_executemany),
	cmocka_unit_test(test_savepoints),
	cmocka_unit_test(test_params),
	cmocka_unit_test(test_compile),
	cmocka_unit_test(test_fetch),
	cmocka_unit_test(test_expr_compile),
	cmocka_unit_test(test_expr_execute),
	cmocka_unit_test(test_orm_flush),
};

QR_TEST_MAIN("allocation failure", tests)
