/*
 * test_support.c - see test_support.h.
 */
#include "test_support.h"

#include <quarry/sys/dialect.h>

#include <stdio.h>
#include <string.h>

static const char *test_url = "sqlite:///:memory:";
static char backend[32];

const char *qr_test_url(void)
{
	return test_url;
}

const char *qr_test_backend(void)
{
	if (!backend[0]) {
		size_t n = strcspn(test_url, "+:");
		if (n >= sizeof(backend))
			n = sizeof(backend) - 1;
		memcpy(backend, test_url, n);
		backend[n] = '\0';
	}
	return backend;
}

int qr_test_run(int argc, char **argv, const char *group,
		const struct CMUnitTest *tests, size_t count)
{
	char name[256];

	if (argc > 1 && argv[1][0])
		test_url = argv[1];
	snprintf(name, sizeof(name), "%s[%s]", group, qr_test_backend());
	return _cmocka_run_group_tests(name, tests, count, NULL, NULL);
}

qr_engine *qr_test_engine(void)
{
	qr_engine *engine = NULL;
	int rc = qr_engine_create(&engine, test_url, NULL);
	if (rc != 0)
		fail_msg("qr_engine_create(%s): %s", test_url,
			 qr_error_last()->message);
	return engine;
}

qr_conn *qr_test_connect(qr_engine *engine)
{
	qr_conn *conn = NULL;
	int rc = qr_engine_connect(&conn, engine);
	if (rc != 0)
		fail_msg("qr_engine_connect(%s): %s", test_url,
			 qr_error_last()->message);
	return conn;
}

void qr_test_exec(qr_conn *conn, const char *sql)
{
	int rc = qr_conn_execute_text(NULL, conn, sql, NULL);
	if (rc != 0)
		fail_msg("%s: %s", sql, qr_error_last()->message);
}

void qr_test_exec_quiet(qr_conn *conn, const char *sql)
{
	(void)qr_conn_execute_text(NULL, conn, sql, NULL);
}

int64_t qr_test_scalar_int(qr_conn *conn, const char *sql)
{
	qr_result *res = NULL;
	const qr_value *v;
	int64_t n;

	qr_assert_ok(qr_conn_execute_text(&res, conn, sql, NULL));
	assert_int_equal(qr_result_scalar(res, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(res);
	return n;
}

void qr_test_drop(qr_conn *conn, const char *sql)
{
	qr_conn_rollback(conn);
	if (qr_conn_execute_text(NULL, conn, sql, NULL) == 0)
		qr_conn_commit(conn);
	else
		qr_conn_rollback(conn);
}

bool qr_test_insert_returning(qr_engine *engine)
{
	const qr_dialect *d;
	qr_assert_ok(qr_dialect_find(&d, qr_engine_dialect_name(engine)));
	return d->features &
	       (QR_FEATURE_RETURNING | QR_FEATURE_INSERT_RETURNING);
}
