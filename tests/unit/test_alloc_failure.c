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
};

QR_TEST_MAIN("allocation failure", tests)
