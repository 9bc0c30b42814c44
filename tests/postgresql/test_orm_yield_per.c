/*
 * test_orm_yield_per.c - query.yield_per() streams from PostgreSQL: while
 * a yield_per result is open the server is still sending it (its backend
 * is "active" in pg_stat_activity), where a buffered query has read
 * everything at execute ("idle in transaction"); every row is loaded.
 */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

typedef struct PgsItem {
	int64_t id;
	char *payload;
} PgsItem;

QR_MAPPING(PgsItem, "pgs_yield_items",
	   QR_FIELD(PgsItem, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(PgsItem, payload, QR_TEXT));

enum { ROWS = 60000 };

static qr_engine *engine;
static qr_registry *reg;

static int64_t scalar(qr_conn *c, const char *sql)
{
	qr_result *r = NULL;
	const qr_row *row;
	int64_t v = -1;
	qr_assert_ok(qr_conn_execute_text(&r, c, sql, NULL));
	assert_int_equal(qr_result_one(r, &row), 0);
	qr_assert_ok(qr_row_int64(row, 0, &v));
	qr_result_free(r);
	return v;
}

/* The state of backend pid, seen from another connection. */
static char *backend_state(int64_t pid)
{
	qr_conn *c = qr_test_connect(engine);
	qr_params *p = qr_params_new();
	qr_result *r = NULL;
	const qr_row *row;
	const char *state = NULL;
	qr_assert_ok(qr_params_int(p, "pid", pid));
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT state FROM pg_stat_activity WHERE pid = :pid",
		p));
	assert_int_equal(qr_result_one(r, &row), 0);
	qr_assert_ok(qr_row_text(row, 0, &state));
	char *copy = strdup(state);
	qr_result_free(r);
	qr_params_free(p);
	qr_conn_rollback(c);
	qr_conn_free(c);
	return copy;
}

/* The table and the registry, made by the first test (cmocka's group
 * setup would run before qr_test_run stored the URL). */
static void setup(void)
{
	if (engine)
		return;
	engine = qr_test_engine();
	qr_assert_ok(qr_registry_new(&reg, NULL));
	qr_assert_ok(qr_map(reg, PgsItem));
	qr_conn *c = qr_test_connect(engine);
	qr_test_exec(c, "DROP TABLE IF EXISTS pgs_yield_items");
	qr_test_exec(c, "CREATE TABLE pgs_yield_items (id INTEGER PRIMARY "
			"KEY, payload TEXT)");
	qr_test_exec(c, "INSERT INTO pgs_yield_items SELECT g, repeat('x', "
			"200) FROM generate_series(1, 60000) g");
	qr_assert_ok(qr_conn_commit(c));
	qr_conn_free(c);
}

static void teardown(void)
{
	qr_conn *c = qr_test_connect(engine);
	qr_test_exec(c, "DROP TABLE pgs_yield_items");
	qr_assert_ok(qr_conn_commit(c));
	qr_conn_free(c);
	qr_registry_free(reg);
	qr_engine_free(engine);
	engine = NULL;
}

/* Reads the first row of a query of every item, reports the backend's
 * state while the result is open, then reads the rest. */
static char *state_while_open(size_t yield_per, size_t *count)
{
	qr_session *s = NULL;
	qr_conn *conn = NULL;
	qr_orm_result *r = NULL;
	const qr_orm_row *row;
	setup();
	qr_assert_ok(qr_session_new(&s, engine, NULL));
	qr_assert_ok(qr_session_connection(&conn, s));
	int64_t pid = scalar(conn, "SELECT pg_backend_pid()");
	qr_query *q =
		qr_query_order_by(qr_query(s, PgsItem), qr_attr(PgsItem, "id"));
	if (yield_per)
		q = qr_query_yield_per(q, yield_per);
	qr_assert_ok(qr_query_execute(&r, q));
	assert_int_equal(qr_orm_result_next(r, &row), 1);
	PgsItem *first = qr_orm_row_object(row, 0);
	assert_int_equal(first->id, 1);
	char *state = backend_state(pid);
	size_t n = 1;
	int rc;
	while ((rc = qr_orm_result_next(r, &row)) == 1) {
		PgsItem *it = qr_orm_row_object(row, 0);
		assert_int_equal(it->id, (int64_t)n + 1);
		assert_int_equal(strlen(it->payload), 200);
		if (yield_per)
			qr_assert_ok(qr_session_expunge(s, it));
		n++;
	}
	assert_int_equal(rc, 0);
	qr_orm_result_free(r);
	qr_assert_ok(qr_session_commit(s));
	qr_session_free(s);
	*count = n;
	return state;
}

static void yield_per_streams_from_the_server(void **state)
{
	(void)state;
	size_t n = 0;
	char *st = state_while_open(100, &n);
	assert_int_equal(n, ROWS);
	assert_string_equal(st, "active");
	free(st);
}

static void a_buffered_query_reads_everything_at_execute(void **state)
{
	(void)state;
	size_t n = 0;
	char *st = state_while_open(0, &n);
	assert_int_equal(n, ROWS);
	assert_string_equal(st, "idle in transaction");
	free(st);
	teardown();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(yield_per_streams_from_the_server),
	cmocka_unit_test(a_buffered_query_reads_everything_at_execute),
};

int main(int argc, char **argv)
{
	int rc = qr_test_run(argc, argv, "postgresql orm yield_per", tests,
			     sizeof(tests) / sizeof(tests[0]));
	return rc;
}
