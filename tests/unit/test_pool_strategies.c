/*
 * test_pool_strategies.c - the built-in pool strategies on SQLite: the
 * default per URL, the queue pool (reuse, overflow, LIFO/FIFO, timeout
 * with its list of holders, waiting for a return), the null, static and
 * per-thread pools, dispose, and the status and holders API.
 */
#include "pool_testing.h"

#include <pthread.h>
#include <stdlib.h>

static int teardown(void **state)
{
	(void)state;
	pt_cleanup();
	return 0;
}

static void default_pool_per_url(void **state)
{
	(void)state;
	qr_engine *e = pt_engine("sqlite:///:memory:", NULL);
	assert_string_equal(pt_status(e).strategy, "SingletonThreadPool");
	qr_engine_free(e);

	e = pt_engine("sqlite://", NULL);
	assert_string_equal(pt_status(e).strategy, "SingletonThreadPool");
	qr_engine_free(e);

	e = pt_engine(pt_file_url("sqlite3"), NULL);
	qr_pool_status st = pt_status(e);
	assert_string_equal(st.strategy, "QueuePool");
	assert_int_equal(st.size, 5);
	assert_int_equal(st.max_overflow, 10);
	assert_true(st.timeout == 30.0);
	qr_engine_free(e);

	e = pt_engine(pt_file_url("sqlite3"),
		      &(qr_engine_options){.pool_kind = QR_POOL_NULL});
	assert_string_equal(pt_status(e).strategy, "NullPool");
	qr_engine_free(e);

	e = pt_engine("sqlite:///:memory:",
		      &(qr_engine_options){.pool_kind = QR_POOL_STATIC});
	assert_string_equal(pt_status(e).strategy, "StaticPool");
	qr_engine_free(e);

	qr_engine *bad = NULL;
	assert_int_equal(
		qr_engine_create(
			&bad, "sqlite://",
			&(qr_engine_options){.pool_kind = (qr_pool_kind)99}),
		QR_EINVAL);
	assert_null(bad);
}

static void queue_reuses_connections(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"), NULL);
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
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CONNECT), 1);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CHECKOUT), 3);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CHECKIN), 3);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_RESET), 3);
	/* Each SELECT began a transaction that the return rolled back. */
	assert_int_equal(atomic_load(&ev.resets_with_rollback), 3);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 0);
	qr_engine_free(e);
	/* Freeing the engine closes the idle connection. */
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 1);
}

static void queue_overflow_is_closed_on_return(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(
		pt_file_url("sqlite3"),
		&(qr_engine_options){.pool_size = 2, .max_overflow = 1});
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *c[3];
	for (int i = 0; i < 3; i++)
		c[i] = qr_test_connect(e);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.checked_out, 3);
	assert_int_equal(st.open, 3);
	assert_int_equal(st.overflow, 1);
	assert_int_equal(st.idle, 0);
	for (int i = 0; i < 3; i++)
		qr_conn_free(c[i]);
	st = pt_status(e);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.open, 2);
	assert_int_equal(st.idle, 2);
	assert_int_equal(st.overflow, 0);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 1);
	qr_engine_free(e);
}

/* Checks out three, returns them in order, and reports which connection
 * the next checkout gets: the first returned (FIFO) or last (LIFO). */
static void reuse_order(bool lifo)
{
	qr_engine *e = pt_engine(
		pt_file_url("sqlite3"),
		&(qr_engine_options){.pool_size = 3, .pool_use_lifo = lifo});
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *c[3];
	uint64_t ids[3];
	for (int i = 0; i < 3; i++) {
		c[i] = qr_test_connect(e);
		ids[i] = pt_last(&ev, QR_POOL_EVENT_CHECKOUT);
	}
	assert_true(ids[0] != ids[1] && ids[1] != ids[2]);
	for (int i = 0; i < 3; i++)
		qr_conn_free(c[i]);
	qr_conn *next = qr_test_connect(e);
	assert_int_equal(pt_last(&ev, QR_POOL_EVENT_CHECKOUT),
			 lifo ? ids[2] : ids[0]);
	qr_conn_free(next);
	qr_engine_free(e);
}

static void queue_fifo_by_default(void **state)
{
	(void)state;
	reuse_order(false);
}

static void queue_lifo(void **state)
{
	(void)state;
	reuse_order(true);
}

static void timeout_names_size_overflow_and_holders(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"),
				 &(qr_engine_options){
					 .pool_size = 1,
					 .max_overflow = QR_POOL_NO_OVERFLOW,
					 .pool_timeout = 0.2,
				 });
	qr_conn *c1 = NULL;
	int line = __LINE__ + 1;
	qr_assert_ok(qr_engine_connect(&c1, e));
	pt_sleep(0.05);

	qr_conn *c2 = NULL;
	double t0 = pt_now();
	assert_int_equal(qr_engine_connect(&c2, e), QR_ETIMEOUT);
	double waited = pt_now() - t0;
	assert_null(c2);
	assert_true(waited >= 0.19);
	assert_true(waited < 3.0);

	const qr_error *err = qr_error_last();
	assert_int_equal(err->code, QR_ETIMEOUT);
	assert_int_equal(err->klass, QR_ECLASS_OPERATIONAL);
	assert_non_null(strstr(err->message,
			       "QueuePool limit of size 1 overflow 0 reached, "
			       "connection timed out, timeout 0.20"));
	/* Beyond SQLAlchemy: who holds the connection, and for how long. */
	char where[128];
	snprintf(where, sizeof(where),
		 "test_pool_strategies.c:%d in "
		 "timeout_names_size_overflow_and_holders()",
		 line);
	assert_non_null(strstr(err->message, "1 checked out:"));
	assert_non_null(strstr(err->message, where));

	qr_pool_status st = pt_status(e);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(st.checked_out, 1);
	assert_int_equal(st.waiting, 0);

	qr_pool_holder h[4];
	size_t n = 0;
	qr_assert_ok(qr_engine_pool_holders(e, h, 4, &n));
	assert_int_equal(n, 1);
	assert_non_null(strstr(h[0].file, "test_pool_strategies.c"));
	assert_int_equal(h[0].line, line);
	assert_string_equal(h[0].func,
			    "timeout_names_size_overflow_and_holders");
	assert_true(h[0].held >= 0.2);
	assert_true(h[0].connection_id > 0);

	qr_conn_free(c1);
	qr_engine_free(e);
}

/* Several holders from a few places: grouped, longest first. */
static qr_conn *hold_from_a(qr_engine *e)
{
	qr_conn *c = NULL;
	qr_assert_ok(qr_engine_connect(&c, e));
	return c;
}

static qr_conn *hold_from_b(qr_engine *e)
{
	qr_conn *c = NULL;
	qr_assert_ok(qr_engine_connect(&c, e));
	return c;
}

static void timeout_groups_holders_by_location(void **state)
{
	(void)state;
	qr_engine *e =
		pt_engine(pt_file_url("sqlite3"), &(qr_engine_options){
							  .pool_size = 2,
							  .max_overflow = 2,
							  .pool_timeout = 0.1,
						  });
	qr_conn *c[4];
	c[0] = hold_from_b(e);
	pt_sleep(0.02);
	c[1] = hold_from_a(e);
	c[2] = hold_from_a(e);
	c[3] = hold_from_a(e);
	qr_conn *x = NULL;
	assert_int_equal(qr_engine_connect(&x, e), QR_ETIMEOUT);
	const char *msg = qr_error_last()->message;
	assert_non_null(strstr(msg, "size 2 overflow 2 reached"));
	assert_non_null(strstr(msg, "4 checked out:"));
	const char *b = strstr(msg, "in hold_from_b() (");
	const char *a = strstr(msg, "in hold_from_a() x3 (longest ");
	assert_non_null(b);
	assert_non_null(a);
	assert_true(b < a); /* held longest comes first */

	size_t n = 0;
	qr_pool_holder h[2];
	qr_assert_ok(qr_engine_pool_holders(e, h, 2, &n));
	assert_int_equal(n, 4);
	assert_string_equal(h[0].func, "hold_from_b");
	assert_string_equal(h[1].func, "hold_from_a");
	assert_true(h[0].held >= h[1].held);
	qr_assert_ok(qr_engine_pool_holders(e, NULL, 0, &n));
	assert_int_equal(n, 4);
	for (int i = 0; i < 4; i++)
		qr_conn_free(c[i]);
	qr_engine_free(e);
}

typedef struct returner {
	qr_conn *conn;
	double after;
} returner;

static void *return_later(void *arg)
{
	returner *r = arg;
	pt_sleep(r->after);
	qr_conn_free(r->conn);
	return NULL;
}

static void checkout_waits_for_a_return(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"),
				 &(qr_engine_options){
					 .pool_size = 1,
					 .max_overflow = QR_POOL_NO_OVERFLOW,
					 .pool_timeout = 10,
				 });
	returner r = {qr_test_connect(e), 0.1};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, return_later, &r), 0);
	double t0 = pt_now();
	qr_conn *c = qr_test_connect(e);
	double waited = pt_now() - t0;
	pthread_join(t, NULL);
	assert_true(waited >= 0.05);
	assert_true(waited < 5);
	pt_select1(c);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.connects, 1);
	assert_int_equal(st.checked_out, 1);
	assert_int_equal(st.waiting, 0);
	qr_conn_free(c);
	qr_engine_free(e);
}

static void null_pool_connects_per_checkout(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"),
				 &(qr_engine_options){.pool_kind = QR_POOL_NULL,
						      .pool_size = 1});
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *a = qr_test_connect(e);
	qr_conn *b = qr_test_connect(e); /* no limit */
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.open, 2);
	assert_int_equal(st.checked_out, 2);
	qr_conn_free(a);
	qr_conn_free(b);
	qr_conn *c = qr_test_connect(e);
	pt_select1(c);
	qr_conn_free(c);
	st = pt_status(e);
	assert_int_equal(st.connects, 3);
	assert_int_equal(st.open, 0);
	assert_int_equal(st.idle, 0);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 3);
	qr_engine_free(e);
}

static void static_pool_shares_one_connection(void **state)
{
	(void)state;
	qr_engine *e =
		pt_engine("sqlite:///:memory:",
			  &(qr_engine_options){.pool_kind = QR_POOL_STATIC});
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *a = qr_test_connect(e);
	qr_test_exec(a, "CREATE TABLE t (x INTEGER)");
	qr_test_exec(a, "INSERT INTO t VALUES (7)");
	qr_assert_ok(qr_conn_commit(a));
	uint64_t id = pt_last(&ev, QR_POOL_EVENT_CHECKOUT);
	qr_conn *b = qr_test_connect(e);
	assert_int_equal(pt_last(&ev, QR_POOL_EVENT_CHECKOUT), id);
	assert_int_equal(pt_scalar(b, "SELECT x FROM t"), 7);
	qr_assert_ok(qr_conn_commit(b));
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.open, 1);
	assert_int_equal(st.checked_out, 2);
	assert_int_equal(st.idle, 0);
	qr_conn_free(a);
	qr_conn_free(b);
	st = pt_status(e);
	assert_int_equal(st.open, 1);
	assert_int_equal(st.idle, 1);
	assert_int_equal(st.connects, 1);
	/* Still the same database on the next checkout. */
	qr_conn *c = qr_test_connect(e);
	assert_int_equal(pt_scalar(c, "SELECT x FROM t"), 7);
	qr_conn_free(c);
	qr_engine_dispose(e);
	assert_int_equal(pt_status(e).open, 0);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 1);
	qr_engine_free(e);
}

typedef struct thread_result {
	qr_engine *engine;
	uint64_t first, second;
	int64_t seen;
} thread_result;

/* Own in-memory database per thread: a table created here is not seen by
 * the other threads, and the thread's two checkouts share a connection. */
static void *per_thread_worker(void *arg)
{
	thread_result *r = arg;
	qr_conn *a = qr_test_connect(r->engine);
	r->first = pt_thread_checkout_id;
	qr_test_exec(a, "CREATE TABLE mine (x INTEGER)");
	qr_test_exec(a, "INSERT INTO mine VALUES (1)");
	qr_assert_ok(qr_conn_commit(a));
	qr_conn_free(a);
	qr_conn *b = qr_test_connect(r->engine);
	r->second = pt_thread_checkout_id;
	r->seen = pt_scalar(b, "SELECT count(*) FROM mine");
	qr_conn_free(b);
	return NULL;
}

static void per_thread_pool_one_connection_per_thread(void **state)
{
	(void)state;
	qr_engine *e = pt_engine("sqlite:///:memory:", NULL);
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *main_conn = qr_test_connect(e);
	uint64_t main_id = pt_thread_checkout_id;
	qr_test_exec(main_conn, "CREATE TABLE mine (x INTEGER)");
	qr_assert_ok(qr_conn_commit(main_conn));
	/* A nested checkout on the same thread shares the connection. */
	qr_conn *nested = qr_test_connect(e);
	assert_int_equal(pt_thread_checkout_id, main_id);
	qr_conn_free(nested);
	qr_conn_free(main_conn);

	enum { N = 4 };
	pthread_t t[N];
	thread_result r[N];
	for (int i = 0; i < N; i++) {
		r[i] = (thread_result){.engine = e};
		assert_int_equal(
			pthread_create(&t[i], NULL, per_thread_worker, &r[i]),
			0);
	}
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < N; i++) {
		assert_int_equal(r[i].first, r[i].second);
		assert_true(r[i].first != main_id);
		assert_int_equal(r[i].seen, 1);
		for (int j = 0; j < i; j++)
			assert_true(r[i].first != r[j].first);
	}
	/* Each worker's connection was closed when its thread ended. */
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), N);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.open, 1);
	assert_int_equal(st.connects, N + 1);
	qr_engine_free(e);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), N + 1);
}

/* A worker that checks out once, returns the connection, keeps its thread
 * alive (so the connection stays with it) until told to go, optionally
 * holding a checkout meanwhile. */
typedef struct parked {
	qr_engine *engine;
	bool hold;
	uint64_t id;
	pthread_mutex_t *lock;
	pthread_cond_t *cond;
	int *ready, *go;
} parked;

static void *parked_worker(void *arg)
{
	parked *p = arg;
	qr_conn *c = qr_test_connect(p->engine);
	p->id = pt_thread_checkout_id;
	if (!p->hold)
		qr_conn_free(c);
	pthread_mutex_lock(p->lock);
	++*p->ready;
	pthread_cond_broadcast(p->cond);
	while (!*p->go)
		pthread_cond_wait(p->cond, p->lock);
	pthread_mutex_unlock(p->lock);
	if (p->hold)
		qr_conn_free(c);
	return NULL;
}

/* SingletonThreadPool(pool_size=2): a third thread's connection closes the
 * oldest idle one of another thread; one checked out is never closed. */
static void per_thread_pool_keeps_pool_size_threads(void **state)
{
	(void)state;
	qr_engine *e = pt_engine("sqlite:///:memory:",
				 &(qr_engine_options){.pool_size = 2});
	pt_events ev;
	pt_listen(e, &ev);
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
	int ready = 0, go = 0;
	enum { N = 3 };
	pthread_t t[N];
	parked w[N];
	/* Worker 0 holds its checkout; 1 and 2 return theirs. One at a
	 * time, so their age order is known. */
	for (int i = 0; i < N; i++) {
		w[i] = (parked){.engine = e,
				.hold = i == 0,
				.lock = &lock,
				.cond = &cond,
				.ready = &ready,
				.go = &go};
		assert_int_equal(
			pthread_create(&t[i], NULL, parked_worker, &w[i]), 0);
		pthread_mutex_lock(&lock);
		while (ready < i + 1)
			pthread_cond_wait(&cond, &lock);
		pthread_mutex_unlock(&lock);
	}
	/* The third thread made room by closing worker 1's idle connection
	 * (worker 0's is checked out). */
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 1);
	assert_int_equal(pt_last(&ev, QR_POOL_EVENT_CLOSE), w[1].id);
	assert_int_equal(pt_status(e).open, 2);

	/* This thread's first checkout: worker 2's idle connection goes;
	 * worker 0's, older but checked out, stays. */
	qr_conn *c = qr_test_connect(e);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 2);
	assert_int_equal(pt_last(&ev, QR_POOL_EVENT_CLOSE), w[2].id);
	assert_int_equal(pt_status(e).open, 2);
	qr_conn_free(c);

	pthread_mutex_lock(&lock);
	go = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], NULL);
	/* Worker 0's connection closed with its thread. */
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 3);
	assert_int_equal(pt_status(e).open, 1);
	qr_engine_free(e);
}

static void dispose_closes_idle_and_later_the_checked_out(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"), NULL);
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *c[3];
	for (int i = 0; i < 3; i++)
		c[i] = qr_test_connect(e);
	qr_conn_free(c[1]);
	qr_conn_free(c[2]);
	assert_int_equal(pt_status(e).idle, 2);
	qr_engine_dispose(e);
	qr_pool_status st = pt_status(e);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 2);
	assert_int_equal(st.idle, 0);
	assert_int_equal(st.open, 1);
	assert_int_equal(st.checked_out, 1);
	/* The one still out is still usable, and closed when returned. */
	pt_select1(c[0]);
	qr_conn_free(c[0]);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 3);
	assert_int_equal(pt_status(e).open, 0);
	/* The engine goes on with new connections. */
	qr_conn *d = qr_test_connect(e);
	pt_select1(d);
	qr_conn_free(d);
	assert_int_equal(pt_status(e).connects, 4);
	qr_engine_free(e);
}

static int never_called(void *userdata, const qr_pool_event_info *info)
{
	(void)userdata;
	(void)info;
	return 0;
}

static void api_arguments(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"), NULL);
	qr_pool_status st;
	size_t n;
	assert_int_equal(qr_engine_pool_status(NULL, &st), QR_EINVAL);
	assert_int_equal(qr_engine_pool_status(e, NULL), QR_EINVAL);
	assert_int_equal(qr_engine_pool_holders(NULL, NULL, 0, &n), QR_EINVAL);
	assert_int_equal(qr_engine_pool_holders(e, NULL, 0, NULL), QR_EINVAL);
	assert_int_equal(qr_engine_pool_holders(e, NULL, 3, &n), QR_EINVAL);
	assert_int_equal(
		qr_engine_on(NULL, QR_POOL_EVENT_CONNECT, never_called, NULL),
		QR_EINVAL);
	assert_int_equal(qr_engine_on(e, QR_POOL_EVENT_CONNECT, NULL, NULL),
			 QR_EINVAL);
	assert_int_equal(qr_engine_on(e, (qr_pool_event)QR_POOL_EVENT_COUNT,
				      never_called, NULL),
			 QR_EINVAL);
	assert_int_equal(qr_engine_on(e, (qr_pool_event)-1, never_called, NULL),
			 QR_EINVAL);
	qr_assert_ok(qr_engine_pool_holders(e, NULL, 0, &n));
	assert_int_equal(n, 0);
	/* The plain function, without a location. */
	qr_conn *c = NULL;
	qr_assert_ok((qr_engine_connect)(&c, e));
	qr_pool_holder h;
	qr_assert_ok(qr_engine_pool_holders(e, &h, 1, &n));
	assert_int_equal(n, 1);
	assert_null(h.file);
	assert_null(h.func);
	qr_conn_free(c);
	qr_engine_free(e);
}

static int count_call(void *userdata, const qr_pool_event_info *info)
{
	(void)info;
	++*(int *)userdata;
	return 0;
}

/* event.remove(): qr_engine_off removes one registration at a time, by
 * function and userdata; removing what is not there is an error. */
static void listeners_are_removed(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"), NULL);
	int a = 0, b = 0;
	qr_conn *c = NULL;
	qr_assert_ok(qr_engine_on(e, QR_POOL_EVENT_CHECKOUT, count_call, &a));
	qr_assert_ok(qr_engine_on(e, QR_POOL_EVENT_CHECKOUT, count_call, &a));
	qr_assert_ok(qr_engine_on(e, QR_POOL_EVENT_CHECKOUT, count_call, &b));

	qr_assert_ok(qr_engine_connect(&c, e));
	qr_conn_free(c);
	assert_int_equal(a, 2);
	assert_int_equal(b, 1);

	qr_assert_ok(qr_engine_off(e, QR_POOL_EVENT_CHECKOUT, count_call, &a));
	qr_assert_ok(qr_engine_connect(&c, e));
	qr_conn_free(c);
	assert_int_equal(a, 3);
	assert_int_equal(b, 2);

	qr_assert_ok(qr_engine_off(e, QR_POOL_EVENT_CHECKOUT, count_call, &a));
	qr_assert_ok(qr_engine_off(e, QR_POOL_EVENT_CHECKOUT, count_call, &b));
	qr_assert_ok(qr_engine_connect(&c, e));
	qr_conn_free(c);
	assert_int_equal(a, 3);
	assert_int_equal(b, 2);

	/* Not registered (any more, or for that event). */
	assert_int_equal(
		qr_engine_off(e, QR_POOL_EVENT_CHECKOUT, count_call, &a),
		QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "\"checkout\""));
	assert_int_equal(
		qr_engine_off(e, QR_POOL_EVENT_CHECKIN, count_call, &b),
		QR_EINVAL);
	assert_int_equal(
		qr_engine_off(NULL, QR_POOL_EVENT_CHECKOUT, count_call, &a),
		QR_EINVAL);
	assert_int_equal(qr_engine_off(e, QR_POOL_EVENT_CHECKOUT, NULL, &a),
			 QR_EINVAL);
	assert_int_equal(qr_engine_off(e, (qr_pool_event)QR_POOL_EVENT_COUNT,
				       count_call, &a),
			 QR_EINVAL);

	/* Added again after removal: called again. */
	qr_assert_ok(qr_engine_on(e, QR_POOL_EVENT_CHECKOUT, count_call, &b));
	qr_assert_ok(qr_engine_connect(&c, e));
	qr_conn_free(c);
	assert_int_equal(b, 3);
	qr_engine_free(e);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(default_pool_per_url, teardown),
		cmocka_unit_test_teardown(queue_reuses_connections, teardown),
		cmocka_unit_test_teardown(queue_overflow_is_closed_on_return,
					  teardown),
		cmocka_unit_test_teardown(queue_fifo_by_default, teardown),
		cmocka_unit_test_teardown(queue_lifo, teardown),
		cmocka_unit_test_teardown(
			timeout_names_size_overflow_and_holders, teardown),
		cmocka_unit_test_teardown(timeout_groups_holders_by_location,
					  teardown),
		cmocka_unit_test_teardown(checkout_waits_for_a_return,
					  teardown),
		cmocka_unit_test_teardown(null_pool_connects_per_checkout,
					  teardown),
		cmocka_unit_test_teardown(static_pool_shares_one_connection,
					  teardown),
		cmocka_unit_test_teardown(
			per_thread_pool_one_connection_per_thread, teardown),
		cmocka_unit_test_teardown(
			per_thread_pool_keeps_pool_size_threads, teardown),
		cmocka_unit_test_teardown(
			dispose_closes_idle_and_later_the_checked_out,
			teardown),
		cmocka_unit_test_teardown(api_arguments, teardown),
		cmocka_unit_test_teardown(listeners_are_removed, teardown),
	};
	return qr_test_run(argc, argv, "pool_strategies", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
