/*
 * test_pool_threads.c - one engine shared by many threads.
 *
 *   - the stress test: 16 threads doing 10,000 checkout / SELECT 1 /
 *     return cycles each over a queue pool of 4 with overflow 2, while a
 *     monitor reads the status and the holders: the limits hold at every
 *     sample, and at the end every connection is back and the counters
 *     add up (QUARRY_POOL_STRESS_CYCLES overrides 10,000, for slow
 *     builds such as ThreadSanitizer's);
 *   - churn: threads invalidating their connections and another disposing
 *     of the pool while they work, with pre-ping and recycle on;
 *   - a static pool whose one connection is pinged while other threads
 *     want it;
 *   - timeouts under contention: a pool of 1 with a short timeout, every
 *     waiter either gets the connection or a timeout naming the holder.
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

static int stress_cycles(void)
{
	const char *env = getenv("QUARRY_POOL_STRESS_CYCLES");
	int n = env ? atoi(env) : 0;
	return n > 0 ? n : 10000;
}

typedef struct shared {
	qr_engine *engine;
	int cycles;
	atomic_int failures;
	atomic_int done;
	atomic_int disconnects;
	char first_error[QR_ERROR_MESSAGE_MAX + 64];
	atomic_flag error_taken;
} shared;

static void note_failure(shared *s, const char *what)
{
	atomic_fetch_add(&s->failures, 1);
	if (!atomic_flag_test_and_set(&s->error_taken))
		snprintf(s->first_error, sizeof(s->first_error), "%s: %s", what,
			 qr_error_last()->message);
}

/* The answer of SELECT 1, or -1 after recording the failure. */
static int select_one(shared *s, qr_conn *c)
{
	qr_result *r = NULL;
	const qr_value *v = NULL;
	int64_t n = -1;
	if (qr_conn_execute_text(&r, c, "SELECT 1", NULL) != 0) {
		if (qr_error_last()->is_disconnect)
			atomic_fetch_add(&s->disconnects, 1);
		else
			note_failure(s, "SELECT 1");
		return -1;
	}
	if (qr_result_scalar(r, &v) != 1 || qr_value_int64(v, &n) != 0 ||
	    n != 1)
		note_failure(s, "SELECT 1 result");
	qr_result_free(r);
	return (int)n;
}

static void *stress_worker(void *arg)
{
	shared *s = arg;
	for (int i = 0; i < s->cycles; i++) {
		qr_conn *c = NULL;
		if (qr_engine_connect(&c, s->engine) != 0) {
			note_failure(s, "checkout");
			continue;
		}
		select_one(s, c);
		qr_conn_free(c);
	}
	atomic_fetch_add(&s->done, 1);
	return NULL;
}

typedef struct samples {
	shared *s;
	int workers;
	int limit; /* size + overflow */
	int taken;
	int max_out;
	int bad;
	char why[200];
} samples;

/* Reads the status and holders until the workers are done: the limits
 * must hold in every snapshot. */
static void *monitor(void *arg)
{
	samples *m = arg;
	qr_pool_holder h[16];
	while (atomic_load(&m->s->done) < m->workers) {
		qr_pool_status st;
		size_t n = 0;
		qr_engine_pool_status(m->s->engine, &st);
		qr_engine_pool_holders(m->s->engine, h, 16, &n);
		m->taken++;
		if (st.checked_out > m->max_out)
			m->max_out = st.checked_out;
		if (st.checked_out > m->limit || st.open > m->limit ||
		    st.idle < 0 || st.idle > st.open ||
		    st.open - st.idle > st.checked_out || (int)n > m->limit) {
			m->bad++;
			snprintf(m->why, sizeof(m->why),
				 "out %d open %d idle %d holders %zu",
				 st.checked_out, st.open, st.idle, n);
		}
		pt_sleep(0.001);
	}
	return NULL;
}

static void stress_sixteen_threads(void **state)
{
	(void)state;
	enum { THREADS = 16 };
	shared s = {.cycles = stress_cycles(), .error_taken = ATOMIC_FLAG_INIT};
	s.engine = pt_engine(pt_file_url("sqlite3"),
			     &(qr_engine_options){.pool_size = 4,
						  .max_overflow = 2,
						  .pool_timeout = 60});
	pthread_t t[THREADS], mon;
	samples m = {.s = &s, .workers = THREADS, .limit = 6};
	double t0 = pt_now();
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, stress_worker, &s),
				 0);
	assert_int_equal(pthread_create(&mon, NULL, monitor, &m), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_join(mon, NULL);
	double secs = pt_now() - t0;

	if (atomic_load(&s.failures))
		fail_msg("%d failures; first: %s", atomic_load(&s.failures),
			 s.first_error);
	assert_int_equal(atomic_load(&s.disconnects), 0);
	if (m.bad)
		fail_msg("%d bad status samples, e.g. %s", m.bad, m.why);
	qr_pool_status st = pt_status(s.engine);
	print_message("stress: %d x %d cycles in %.2fs; %d samples, at most "
		      "%d out; %llu connects\n",
		      THREADS, s.cycles, secs, m.taken, m.max_out,
		      (unsigned long long)st.connects);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.waiting, 0);
	assert_int_equal(st.open, st.idle);
	assert_true(st.open >= 1 && st.open <= 4);
	assert_int_equal(st.overflow, 0);
	assert_int_equal(st.checkouts, (uint64_t)THREADS * s.cycles);
	assert_int_equal(st.timeouts, 0);
	assert_int_equal(st.invalidations, 0);
	size_t n = 1;
	qr_assert_ok(qr_engine_pool_holders(s.engine, NULL, 0, &n));
	assert_int_equal(n, 0);
	qr_engine_free(s.engine);
}

typedef struct churner {
	shared *s;
	int id;
} churner;

/* Works, and every 7th cycle invalidates the connection it holds (the
 * statement after that gets a fresh one). */
static void *churn_worker(void *arg)
{
	churner *w = arg;
	shared *s = w->s;
	for (int i = 0; i < s->cycles; i++) {
		qr_conn *c = NULL;
		if (qr_engine_connect(&c, s->engine) != 0) {
			note_failure(s, "checkout");
			continue;
		}
		select_one(s, c);
		if ((i + w->id) % 7 == 0) {
			qr_conn_invalidate(c);
			select_one(s, c);
		}
		qr_conn_free(c);
	}
	atomic_fetch_add(&s->done, 1);
	return NULL;
}

static void *disposer(void *arg)
{
	samples *m = arg;
	while (atomic_load(&m->s->done) < m->workers) {
		qr_engine_dispose(m->s->engine);
		m->taken++;
		pt_sleep(0.002);
	}
	return NULL;
}

static void churn_with_invalidation_and_dispose(void **state)
{
	(void)state;
	enum { THREADS = 8 };
	shared s = {.cycles = stress_cycles() / 10 + 1,
		    .error_taken = ATOMIC_FLAG_INIT};
	s.engine = pt_engine(pt_file_url("sqlite3"),
			     &(qr_engine_options){.pool_size = 3,
						  .max_overflow = 2,
						  .pool_pre_ping = true,
						  .pool_recycle = 0.01,
						  .pool_timeout = 60});
	pt_events ev;
	pt_listen(s.engine, &ev);
	pthread_t t[THREADS], d, mon;
	churner w[THREADS];
	samples dm = {.s = &s, .workers = THREADS};
	/* An invalidated connection frees its slot at once but stays open
	 * until its holder returns it: one such per worker at most. */
	samples m = {.s = &s, .workers = THREADS, .limit = 5 + THREADS};
	for (int i = 0; i < THREADS; i++) {
		w[i] = (churner){&s, i};
		assert_int_equal(
			pthread_create(&t[i], NULL, churn_worker, &w[i]), 0);
	}
	assert_int_equal(pthread_create(&d, NULL, disposer, &dm), 0);
	assert_int_equal(pthread_create(&mon, NULL, monitor, &m), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	pthread_join(d, NULL);
	pthread_join(mon, NULL);
	if (atomic_load(&s.failures))
		fail_msg("%d failures; first: %s", atomic_load(&s.failures),
			 s.first_error);
	assert_int_equal(atomic_load(&s.disconnects), 0);
	if (m.bad)
		fail_msg("%d bad status samples, e.g. %s", m.bad, m.why);
	qr_pool_status st = pt_status(s.engine);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.open, st.idle);
	assert_true(st.open <= 3);
	assert_int_equal(st.invalidations,
			 (uint64_t)pt_count(&ev, QR_POOL_EVENT_INVALIDATE));
	assert_true(st.invalidations > 0);
	/* Every connection opened was closed, or is idle now. */
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CONNECT),
			 pt_count(&ev, QR_POOL_EVENT_CLOSE) + st.open);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CHECKOUT),
			 pt_count(&ev, QR_POOL_EVENT_CHECKIN));
	qr_engine_free(s.engine);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CONNECT),
			 pt_count(&ev, QR_POOL_EVENT_CLOSE));
}

/* Checks the shared connection out and in, without using it (threads
 * must not run statements on one connection at once). */
static void *static_worker(void *arg)
{
	shared *s = arg;
	for (int i = 0; i < s->cycles; i++) {
		qr_conn *c = NULL;
		if (qr_engine_connect(&c, s->engine) != 0) {
			note_failure(s, "checkout");
			continue;
		}
		qr_conn_free(c);
	}
	atomic_fetch_add(&s->done, 1);
	return NULL;
}

static void static_pool_pinged_while_shared(void **state)
{
	(void)state;
	enum { THREADS = 6 };
	shared s = {.cycles = stress_cycles() / 10 + 1,
		    .error_taken = ATOMIC_FLAG_INIT};
	s.engine = pt_engine(pt_file_url("sqlite3"),
			     &(qr_engine_options){.pool_kind = QR_POOL_STATIC,
						  .pool_pre_ping = true,
						  .pool_recycle = 0.005});
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, static_worker, &s),
				 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	if (atomic_load(&s.failures))
		fail_msg("%d failures; first: %s", atomic_load(&s.failures),
			 s.first_error);
	qr_pool_status st = pt_status(s.engine);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.open, 1);
	assert_int_equal(st.checkouts, (uint64_t)THREADS * s.cycles);
	qr_engine_free(s.engine);
}

typedef struct contender {
	shared *s;
	atomic_int got, timed_out, named_holder;
} contender;

static void *contend(void *arg)
{
	contender *k = arg;
	for (int i = 0; i < 5; i++) {
		qr_conn *c = NULL;
		int rc = qr_engine_connect(&c, k->s->engine);
		if (rc == 0) {
			atomic_fetch_add(&k->got, 1);
			pt_sleep(0.03);
			qr_conn_free(c);
		} else if (rc == QR_ETIMEOUT) {
			atomic_fetch_add(&k->timed_out, 1);
			if (strstr(qr_error_last()->message, "in contend()"))
				atomic_fetch_add(&k->named_holder, 1);
		} else {
			note_failure(k->s, "checkout");
		}
	}
	return NULL;
}

static void timeouts_under_contention(void **state)
{
	(void)state;
	enum { THREADS = 6 };
	shared s = {.error_taken = ATOMIC_FLAG_INIT};
	s.engine = pt_engine(pt_file_url("sqlite3"),
			     &(qr_engine_options){
				     .pool_size = 1,
				     .max_overflow = QR_POOL_NO_OVERFLOW,
				     .pool_timeout = 0.05,
			     });
	contender k = {.s = &s};
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, contend, &k), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&s.failures), 0);
	assert_int_equal(atomic_load(&k.got) + atomic_load(&k.timed_out),
			 THREADS * 5);
	assert_true(atomic_load(&k.got) >= 1);
	assert_true(atomic_load(&k.timed_out) >= 1);
	/* A timeout names the holder, unless it was returned just then. */
	assert_true(atomic_load(&k.named_holder) >= 1);
	qr_pool_status st = pt_status(s.engine);
	assert_int_equal(st.timeouts, (uint64_t)atomic_load(&k.timed_out));
	assert_int_equal(st.checkouts, (uint64_t)atomic_load(&k.got));
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.waiting, 0);
	assert_int_equal(st.open, 1);
	qr_engine_free(s.engine);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(stress_sixteen_threads, teardown),
		cmocka_unit_test_teardown(churn_with_invalidation_and_dispose,
					  teardown),
		cmocka_unit_test_teardown(static_pool_pinged_while_shared,
					  teardown),
		cmocka_unit_test_teardown(timeouts_under_contention, teardown),
	};
	return qr_test_run(argc, argv, "pool_threads", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
