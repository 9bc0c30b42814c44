/*
 * test_pool_engine.c - the engine's pool on whichever database URL the
 * suite is given: reuse, reset on return, recycle, pre-ping, explicit
 * invalidation, exhaustion with its holders, and threads sharing one
 * engine. (In-memory SQLite gets the per-thread pool by default, so the
 * counts below hold for every backend.)
 */
#include "pool_testing.h"

#include <pthread.h>
#include <stdlib.h>

static void reuse_and_counters(void **state)
{
	(void)state;
	qr_engine *e = qr_test_engine();
	pt_events ev;
	pt_listen(e, &ev);
	for (int i = 0; i < 3; i++) {
		qr_conn *c = qr_test_connect(e);
		pt_select1(c);
		qr_conn_free(c);
	}
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.connects, 1);
	assert_int_equal(st.checkouts, 3);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.open, 1);
	assert_int_equal(st.idle, 1);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CHECKIN), 3);
	assert_int_equal(atomic_load(&ev.resets_with_rollback), 3);
	qr_engine_free(e);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 1);
}

static void reset_on_return_rolls_back(void **state)
{
	(void)state;
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_test_exec_quiet(c, "DROP TABLE qt_pool_reset");
	qr_conn_rollback(c);
	qr_test_exec(c, "CREATE TABLE qt_pool_reset (x INTEGER)");
	qr_assert_ok(qr_conn_commit(c));
	qr_test_exec(c, "INSERT INTO qt_pool_reset VALUES (1)");
	qr_conn_free(c); /* never committed */

	c = qr_test_connect(e);
	assert_int_equal(pt_scalar(c, "SELECT count(*) FROM qt_pool_reset"), 0);
	qr_conn_rollback(c);
	qr_test_exec(c, "DROP TABLE qt_pool_reset");
	qr_assert_ok(qr_conn_commit(c));
	qr_conn_free(c);
	qr_engine_free(e);
}

static void recycle_after_max_age(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(qr_test_url(),
				 &(qr_engine_options){.pool_recycle = 0.1});
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *c = qr_test_connect(e);
	uint64_t first = pt_last(&ev, QR_POOL_EVENT_CHECKOUT);
	qr_conn_free(c);
	pt_sleep(0.15);
	c = qr_test_connect(e);
	assert_true(pt_last(&ev, QR_POOL_EVENT_CHECKOUT) != first);
	pt_select1(c);
	qr_conn_free(c);
	assert_int_equal(pt_last(&ev, QR_POOL_EVENT_CLOSE), first);
	assert_int_equal(pt_status(e).recycles, 1);
	qr_engine_free(e);
}

static void pre_ping_on_live_connections(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(qr_test_url(),
				 &(qr_engine_options){.pool_pre_ping = true});
	pt_events ev;
	pt_listen(e, &ev);
	for (int i = 0; i < 3; i++) {
		qr_conn *c = qr_test_connect(e);
		pt_select1(c);
		qr_conn_free(c);
	}
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.connects, 1);
	assert_int_equal(st.invalidations, 0);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_INVALIDATE), 0);
	qr_engine_free(e);
}

static void invalidate_and_carry_on(void **state)
{
	(void)state;
	qr_engine *e = qr_test_engine();
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *c = qr_test_connect(e);
	pt_select1(c);
	uint64_t first = pt_last(&ev, QR_POOL_EVENT_CHECKOUT);
	qr_conn_invalidate(c);
	assert_true(qr_conn_invalidated(c));
	pt_select1(c);
	assert_true(pt_last(&ev, QR_POOL_EVENT_CHECKOUT) != first);
	assert_int_equal(pt_last(&ev, QR_POOL_EVENT_CLOSE), first);
	qr_conn_free(c);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.invalidations, 1);
	assert_int_equal(st.open, 1);
	qr_engine_free(e);
}

static void exhaustion_names_the_holders(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(qr_test_url(),
				 &(qr_engine_options){
					 .pool_kind = QR_POOL_QUEUE,
					 .pool_size = 2,
					 .max_overflow = QR_POOL_NO_OVERFLOW,
					 .pool_timeout = 0.1,
				 });
	qr_conn *a = NULL, *b = NULL, *x = NULL;
	qr_assert_ok(qr_engine_connect(&a, e));
	int line = __LINE__ + 1;
	qr_assert_ok(qr_engine_connect(&b, e));
	assert_int_equal(qr_engine_connect(&x, e), QR_ETIMEOUT);
	const char *msg = qr_error_last()->message;
	assert_non_null(strstr(msg,
			       "QueuePool limit of size 2 overflow 0 "
			       "reached, connection timed out, timeout "
			       "0.10; 2 checked out: test_pool_engine.c:"));
	char where[80];
	snprintf(where, sizeof(where), "test_pool_engine.c:%d in", line);
	assert_non_null(strstr(msg, where));
	qr_conn_free(a);
	qr_assert_ok(qr_engine_connect(&x, e));
	qr_conn_free(x);
	qr_conn_free(b);
	qr_engine_free(e);
}

typedef struct work {
	qr_engine *engine;
	atomic_int failures;
} work;

static void *worker(void *arg)
{
	work *w = arg;
	for (int i = 0; i < 200; i++) {
		qr_conn *c = NULL;
		qr_result *r = NULL;
		const qr_value *v = NULL;
		int64_t n = 0;
		if (qr_engine_connect(&c, w->engine) != 0 ||
		    qr_conn_execute_text(&r, c, "SELECT 1", NULL) != 0 ||
		    qr_result_scalar(r, &v) != 1 ||
		    qr_value_int64(v, &n) != 0 || n != 1)
			atomic_fetch_add(&w->failures, 1);
		qr_result_free(r);
		qr_conn_free(c);
	}
	return NULL;
}

static void threads_share_an_engine(void **state)
{
	(void)state;
	enum { THREADS = 4 };
	work w = {.engine = pt_engine(qr_test_url(),
				      &(qr_engine_options){.pool_size = 2,
							   .max_overflow = 1})};
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, &w), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&w.failures), 0);
	qr_pool_status st = pt_status(w.engine);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.checkouts, THREADS * 200);
	assert_int_equal(st.open, st.idle);
	assert_true(st.open <= 2);
	assert_int_equal(st.timeouts, 0);
	qr_engine_free(w.engine);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reuse_and_counters),
		cmocka_unit_test(reset_on_return_rolls_back),
		cmocka_unit_test(recycle_after_max_age),
		cmocka_unit_test(pre_ping_on_live_connections),
		cmocka_unit_test(invalidate_and_carry_on),
		cmocka_unit_test(exhaustion_names_the_holders),
		cmocka_unit_test(threads_share_an_engine),
	};
	return qr_test_run(argc, argv, "pool_engine", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
