/*
 * test_support.h - helpers shared by quarry's cmocka tests.
 *
 * Backend-neutral tests get their database URL as argv[1] (default
 * "sqlite:///:memory:"); qr_test_main() records it before running the
 * group so tests can call qr_test_url() and qr_test_engine().
 */
#ifndef QUARRY_TEST_SUPPORT_H
#define QUARRY_TEST_SUPPORT_H

/* cmocka needs these first, in this order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <quarry.h>

/* The URL this run tests against. Static; never NULL. */
const char *qr_test_url(void);

/* The backend name of the URL: "sqlite", "postgresql" or "mysql". */
const char *qr_test_backend(void);

/* Stores argv[1] (if given) as the URL; returns cmocka's result of the
 * group, printing the backend first. */
int qr_test_run(int argc, char **argv, const char *group,
		const struct CMUnitTest *tests, size_t count);
#define QR_TEST_MAIN(group, tests)                                      \
	int main(int argc, char **argv)                                 \
	{                                                               \
		return qr_test_run(argc, argv, group, tests,            \
				   sizeof(tests) / sizeof((tests)[0])); \
	}

/* A new engine on the test URL (fails the test on error). */
qr_engine *qr_test_engine(void);

/* A connection from engine (fails the test on error). */
qr_conn *qr_test_connect(qr_engine *engine);

/* Whether the engine's flavour (the one its server calls for, once it
 * has connected) has INSERT .. RETURNING: SQLite, PostgreSQL, MariaDB
 * 10.5+, not MySQL. */
bool qr_test_insert_returning(qr_engine *engine);

/* Executes sql with no parameters, discarding the result; fails the test
 * with qr_error_last()'s message on error. */
void qr_test_exec(qr_conn *conn, const char *sql);

/* The first column of the single row sql returns, as an integer; fails
 * the test when sql fails or returns no row, NULL or a non-integer. */
int64_t qr_test_scalar_int(qr_conn *conn, const char *sql);

/* Executes sql, ignoring any error (for DROP TABLE IF EXISTS-style clean
 * up on backends that lack it). */
void qr_test_exec_quiet(qr_conn *conn, const char *sql);

/* Runs a DROP (or any statement that may fail because there is nothing
 * to drop) in a transaction of its own: committed when it works, rolled
 * back when it fails, so it never undoes or blocks other work. */
void qr_test_drop(qr_conn *conn, const char *sql);

/* Asserts rc == 0, printing the last error otherwise. */
#define qr_assert_ok(expr)                                            \
	do {                                                          \
		int qr_rc_ = (expr);                                  \
		if (qr_rc_ != 0)                                      \
			fail_msg("%s returned %d: %s", #expr, qr_rc_, \
				 qr_error_last()->message);           \
	} while (0)

#endif
