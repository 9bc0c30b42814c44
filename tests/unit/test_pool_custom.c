/*
 * test_pool_custom.c - pool strategies written against the plugin API
 * (quarry/sys/pool.h) and given to an engine through
 * qr_engine_options.pool_strategy:
 *
 *   - a wrapper around the built-in queue strategy that counts the calls
 *     it forwards;
 *   - "IdleTimeoutPool": keeps at most size idle connections and closes
 *     those idle longer than a limit, using the record's idle time and
 *     data pointer;
 *   - "ExclusivePool": one connection, one holder at a time: checkouts
 *     wait, and time out with the strategy's name in the message;
 *   - strategies that fail, or are incomplete.
 */
#include "pool_testing.h"

#include <quarry/sys/pool.h>

#include <stdlib.h>

static int teardown(void **state)
{
	(void)state;
	pt_cleanup();
	return 0;
}

/* ---------------------------------------------- counting queue wrapper */

typedef struct counting {
	const qr_pool_strategy *inner;
	void *inner_state;
	int gets, puts, forgets, disposes;
} counting;

static counting *last_counting; /* for the test to read */

static int counting_create(void **state, qr_pool *pool,
			   const qr_pool_settings *settings)
{
	counting *c = calloc(1, sizeof(*c));
	if (!c)
		return qr_error_oom("counting pool");
	c->inner = qr_pool_strategy_builtin(QR_POOL_QUEUE);
	int rc = c->inner->create(&c->inner_state, pool, settings);
	if (rc) {
		free(c);
		return rc;
	}
	last_counting = c;
	*state = c;
	return 0;
}

static void counting_destroy(void *state)
{
	counting *c = state;
	c->inner->destroy(c->inner_state);
	free(c);
}

static int counting_get(void *state, qr_pool_record **out)
{
	counting *c = state;
	c->gets++;
	return c->inner->get(c->inner_state, out);
}

static void counting_put(void *state, qr_pool_record *rec)
{
	counting *c = state;
	c->puts++;
	c->inner->put(c->inner_state, rec);
}

static void counting_forget(void *state, qr_pool_record *rec)
{
	counting *c = state;
	c->forgets++;
	c->inner->forget(c->inner_state, rec);
}

static void counting_dispose(void *state)
{
	counting *c = state;
	c->disposes++;
	c->inner->dispose(c->inner_state);
}

static const qr_pool_strategy counting_strategy = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "CountingQueuePool",
	.create = counting_create,
	.destroy = counting_destroy,
	.get = counting_get,
	.put = counting_put,
	.forget = counting_forget,
	.dispose = counting_dispose,
};

static void wrapper_around_the_queue_strategy(void **state)
{
	(void)state;
	qr_engine *e =
		pt_engine(pt_file_url("sqlite3"),
			  &(qr_engine_options){
				  .pool_strategy = &counting_strategy,
				  .pool_kind = QR_POOL_NULL, /* ignored */
				  .pool_size = 2,
			  });
	counting *c = last_counting;
	qr_pool_status st = pt_status(e);
	assert_string_equal(st.strategy, "CountingQueuePool");
	assert_int_equal(st.size, 2);
	qr_conn *a = qr_test_connect(e);
	qr_conn *b = qr_test_connect(e);
	pt_select1(a);
	qr_conn_free(a);
	qr_conn_free(b);
	a = qr_test_connect(e);
	qr_conn_invalidate(a);
	qr_conn_free(a);
	assert_int_equal(c->gets, 3);
	assert_int_equal(c->puts, 2);
	assert_int_equal(c->forgets, 1);
	st = pt_status(e);
	assert_int_equal(st.connects, 2);
	assert_int_equal(st.open, 1);
	qr_engine_dispose(e);
	assert_int_equal(c->disposes, 1);
	assert_int_equal(pt_status(e).open, 0);
	qr_engine_free(e);
}

/* ----------------------------------------------------- IdleTimeoutPool */

#define IDLE_LIMIT 0.1

typedef struct idle_pool {
	qr_pool *pool;
	int size;
	qr_pool_record **idle; /* most recent last */
	int nidle;
	int evicted;
} idle_pool;

static idle_pool *last_idle_pool;
static int tag; /* the data pointer marks records of this strategy */

static int idle_create(void **state, qr_pool *pool,
		       const qr_pool_settings *settings)
{
	idle_pool *ip = calloc(1, sizeof(*ip));
	if (!ip)
		return qr_error_oom("idle pool");
	ip->idle = calloc((size_t)settings->size, sizeof(*ip->idle));
	if (!ip->idle) {
		free(ip);
		return qr_error_oom("idle pool");
	}
	ip->pool = pool;
	ip->size = settings->size;
	last_idle_pool = ip;
	*state = ip;
	return 0;
}

static void idle_destroy(void *state)
{
	idle_pool *ip = state;
	free(ip->idle);
	free(ip);
}

/* Retires the records idle for longer than the limit (oldest first). */
static void evict(idle_pool *ip)
{
	double now = qr_pool_clock();
	int kept = 0;
	for (int i = 0; i < ip->nidle; i++) {
		qr_pool_record *rec = ip->idle[i];
		if (now - qr_pool_record_idle_since(rec) > IDLE_LIMIT) {
			qr_pool_record_retire(ip->pool, rec);
			ip->evicted++;
		} else {
			ip->idle[kept++] = rec;
		}
	}
	ip->nidle = kept;
}

static int idle_get(void *state, qr_pool_record **out)
{
	idle_pool *ip = state;
	evict(ip);
	if (ip->nidle > 0) {
		*out = ip->idle[--ip->nidle];
		assert_ptr_equal(qr_pool_record_data(*out), &tag);
		return 0;
	}
	*out = qr_pool_record_new(ip->pool);
	if (!*out)
		return QR_ENOMEM;
	qr_pool_record_set_data(*out, &tag);
	return 0;
}

static void idle_put(void *state, qr_pool_record *rec)
{
	idle_pool *ip = state;
	assert_int_equal(qr_pool_record_holders(rec), 0);
	if (ip->nidle < ip->size)
		ip->idle[ip->nidle++] = rec;
	else
		qr_pool_record_retire(ip->pool, rec);
}

static void idle_forget(void *state, qr_pool_record *rec)
{
	(void)state;
	(void)rec; /* only handed-out records are forgotten: not in idle */
}

static void idle_dispose(void *state)
{
	idle_pool *ip = state;
	for (int i = 0; i < ip->nidle; i++)
		qr_pool_record_retire(ip->pool, ip->idle[i]);
	ip->nidle = 0;
}

static const qr_pool_strategy idle_strategy = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "IdleTimeoutPool",
	.create = idle_create,
	.destroy = idle_destroy,
	.get = idle_get,
	.put = idle_put,
	.forget = idle_forget,
	.dispose = idle_dispose,
};

static void idle_timeout_strategy_closes_idle_connections(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"),
				 &(qr_engine_options){
					 .pool_strategy = &idle_strategy,
					 .pool_size = 2,
				 });
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *c[3];
	for (int i = 0; i < 3; i++)
		c[i] = qr_test_connect(e);
	for (int i = 0; i < 3; i++)
		qr_conn_free(c[i]);
	/* Room for two idle: the third was closed on return. */
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 1);
	assert_int_equal(pt_status(e).idle, 2);
	qr_conn *d = qr_test_connect(e); /* reused */
	assert_int_equal(pt_status(e).connects, 3);
	qr_conn_free(d);
	pt_sleep(IDLE_LIMIT * 2);
	d = qr_test_connect(e); /* both idle too long: evicted */
	pt_select1(d);
	qr_conn_free(d);
	assert_int_equal(last_idle_pool->evicted, 2);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 3);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.connects, 4);
	assert_int_equal(st.open, 1);
	assert_int_equal(st.idle, 1);
	qr_engine_free(e);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 4);
}

/* ------------------------------------------------------- ExclusivePool */

typedef struct exclusive {
	qr_pool *pool;
	qr_pool_record *rec;
	bool out;
} exclusive;

static int exclusive_create(void **state, qr_pool *pool,
			    const qr_pool_settings *settings)
{
	(void)settings;
	exclusive *x = calloc(1, sizeof(*x));
	if (!x)
		return qr_error_oom("exclusive pool");
	x->pool = pool;
	*state = x;
	return 0;
}

static void exclusive_destroy(void *state)
{
	free(state);
}

static int exclusive_get(void *state, qr_pool_record **out)
{
	exclusive *x = state;
	if (x->out)
		return QR_POOL_WAIT;
	if (!x->rec && !(x->rec = qr_pool_record_new(x->pool)))
		return QR_ENOMEM;
	x->out = true;
	*out = x->rec;
	return 0;
}

static void exclusive_put(void *state, qr_pool_record *rec)
{
	exclusive *x = state;
	(void)rec;
	x->out = false;
}

static void exclusive_forget(void *state, qr_pool_record *rec)
{
	exclusive *x = state;
	if (x->rec == rec) {
		x->rec = NULL;
		x->out = false;
	}
}

static void exclusive_dispose(void *state)
{
	exclusive *x = state;
	if (x->rec && !x->out) {
		qr_pool_record_retire(x->pool, x->rec);
		x->rec = NULL;
	}
}

static const qr_pool_strategy exclusive_strategy = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "ExclusivePool",
	.create = exclusive_create,
	.destroy = exclusive_destroy,
	.get = exclusive_get,
	.put = exclusive_put,
	.forget = exclusive_forget,
	.dispose = exclusive_dispose,
};

static void exclusive_strategy_waits_and_times_out(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"),
				 &(qr_engine_options){
					 .pool_strategy = &exclusive_strategy,
					 .pool_size = 1,
					 .max_overflow = QR_POOL_NO_OVERFLOW,
					 .pool_timeout = 0.1,
				 });
	qr_conn *a = NULL;
	int line = __LINE__ + 1;
	qr_assert_ok(qr_engine_connect(&a, e));
	qr_conn *b = NULL;
	assert_int_equal(qr_engine_connect(&b, e), QR_ETIMEOUT);
	char expect[256];
	snprintf(expect, sizeof(expect),
		 "ExclusivePool limit of size 1 overflow 0 reached, "
		 "connection timed out, timeout 0.10; 1 checked out: "
		 "test_pool_custom.c:%d in "
		 "exclusive_strategy_waits_and_times_out() (",
		 line);
	assert_non_null(strstr(qr_error_last()->message, expect));
	qr_conn_free(a);
	b = qr_test_connect(e);
	pt_select1(b);
	/* Invalidated: the strategy forgets it and makes a new one. */
	qr_conn_invalidate(b);
	pt_select1(b);
	qr_conn_free(b);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.connects, 2);
	assert_int_equal(st.open, 1);
	assert_int_equal(st.timeouts, 1);
	qr_engine_free(e);
}

/* ------------------------------------------------------------ failures */

static int failing_get(void *state, qr_pool_record **out)
{
	(void)state;
	(void)out;
	return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
			    "the pool is closed for maintenance");
}

static int failing_create(void **state, qr_pool *pool,
			  const qr_pool_settings *settings)
{
	(void)state;
	(void)pool;
	return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			    "size %d is not allowed here", settings->size);
}

static void strategy_errors_reach_the_caller(void **state)
{
	(void)state;
	qr_pool_strategy s = idle_strategy;
	s.name = "MaintenancePool";
	s.get = failing_get;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"),
				 &(qr_engine_options){.pool_strategy = &s});
	qr_conn *c = NULL;
	assert_int_equal(qr_engine_connect(&c, e), QR_ESTATE);
	assert_null(c);
	assert_string_equal(qr_error_last()->message,
			    "the pool is closed for maintenance");
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.open, 0);
	assert_int_equal(st.checkouts, 0);
	qr_engine_free(e);

	s.create = failing_create;
	e = NULL;
	assert_int_equal(
		qr_engine_create(&e, pt_file_url("sqlite3"),
				 &(qr_engine_options){.pool_strategy = &s,
						      .pool_size = 3}),
		QR_EINVAL);
	assert_null(e);
	assert_string_equal(qr_error_last()->message,
			    "size 3 is not allowed here");
}

static void incomplete_strategies_are_refused(void **state)
{
	(void)state;
	qr_pool_strategy s = idle_strategy;
	s.forget = NULL;
	qr_engine *e = NULL;
	assert_int_equal(
		qr_engine_create(&e, pt_file_url("sqlite3"),
				 &(qr_engine_options){.pool_strategy = &s}),
		QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "IdleTimeoutPool"));
	s = idle_strategy;
	s.api_version = QR_PLUGIN_API_VERSION + 1;
	assert_int_equal(
		qr_engine_create(&e, pt_file_url("sqlite3"),
				 &(qr_engine_options){.pool_strategy = &s}),
		QR_EINVAL);
	assert_null(e);
	assert_null(qr_pool_strategy_builtin(QR_POOL_DEFAULT));
	assert_string_equal(qr_pool_strategy_builtin(QR_POOL_PER_THREAD)->name,
			    "SingletonThreadPool");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(wrapper_around_the_queue_strategy,
					  teardown),
		cmocka_unit_test_teardown(
			idle_timeout_strategy_closes_idle_connections,
			teardown),
		cmocka_unit_test_teardown(
			exclusive_strategy_waits_and_times_out, teardown),
		cmocka_unit_test_teardown(strategy_errors_reach_the_caller,
					  teardown),
		cmocka_unit_test_teardown(incomplete_strategies_are_refused,
					  teardown),
	};
	return qr_test_run(argc, argv, "pool_custom", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
