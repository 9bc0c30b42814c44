/*
 * test_pool_fork.c - fork safety: a child process never uses, and never
 * closes, its parent's pooled connections.
 *
 * The child checks its side with plain conditions (cmocka must not run in
 * the child) and reports through a pipe (in_child).
 */
#include "pool_flaky.h"
#include "pool_testing.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

static int setup(void **state)
{
	(void)state;
	flaky_install();
	flaky_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pt_cleanup();
	return 0;
}

/*
 * Runs fn(arg) in a child process and returns its result (0..255), or -1
 * when the child died or hung (30 s). The child reports through a pipe
 * and then becomes /bin/true: no exit handlers, no leak check of memory
 * that only the parent's other threads referenced (valgrind would count
 * it as lost).
 */
static int in_child(int (*fn)(void *), void *arg)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned char rc = (unsigned char)fn(arg);
		if (write(fds[1], &rc, 1) != 1)
			_exit(99);
		execl("/bin/true", "true", (char *)NULL);
		_exit(0);
	}
	close(fds[1]);
	int status = 0;
	for (int i = 0; i < 3000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		pt_sleep(0.01);
		if (i == 2999) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
	}
	unsigned char rc;
	int got = (int)read(fds[0], &rc, 1);
	close(fds[0]);
	return got == 1 ? rc : -1;
}

/* Runs SELECT 1 in the child: 0 when it answers 1. */
static int child_select1(qr_conn *c)
{
	qr_result *r = NULL;
	const qr_value *v = NULL;
	int64_t n = 0;
	if (qr_conn_execute_text(&r, c, "SELECT 1", NULL) != 0)
		return 1;
	int bad = qr_result_scalar(r, &v) != 1 || qr_value_int64(v, &n) != 0 ||
		  n != 1;
	qr_result_free(r);
	return bad;
}

typedef struct child_args {
	qr_engine *engine;
	pt_events *ev;
	uint64_t parent_id;
	qr_conn *inherited;
} child_args;

/* The child's side: a new connection, the parent's left alone. Returns
 * 0 or the number of the first failed check. */
static int child_checks(void *arg)
{
	child_args *a = arg;
	qr_engine *e = a->engine;
	qr_pool_status st;
	qr_engine_pool_status(e, &st);
	if (st.checked_out != 0 || st.open != 0 || st.idle != 0)
		return 10;
	qr_conn *c = NULL;
	if (qr_engine_connect(&c, e) != 0)
		return 11;
	if (pt_last(a->ev, QR_POOL_EVENT_CHECKOUT) == a->parent_id)
		return 12;
	if (child_select1(c))
		return 13;
	qr_conn_free(c);
	/* The parent's checkout, copied into the child, goes back without
	 * touching the parent's connection. */
	qr_conn_free(a->inherited);
	qr_engine_pool_status(e, &st);
	if (st.checked_out != 0 || st.open != 1)
		return 14;
	qr_engine_free(e);
	/* Only the child's own connection was closed. */
	if (atomic_load(&flaky_closes) != 1)
		return 15;
	return 0;
}

static void child_never_reuses_parent_connections(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("flaky"), NULL);
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *idle = qr_test_connect(e);
	uint64_t idle_id = pt_last(&ev, QR_POOL_EVENT_CHECKOUT);
	pt_select1(idle);
	qr_conn *held = qr_test_connect(e);
	pt_select1(held);
	qr_conn_free(idle);
	atomic_store(&flaky_closes, 0);

	child_args args = {e, &ev, idle_id, held};
	assert_int_equal(in_child(child_checks, &args), 0);

	/* The parent's connections still work and were not replaced. */
	qr_conn *again = qr_test_connect(e);
	assert_int_equal(pt_last(&ev, QR_POOL_EVENT_CHECKOUT), idle_id);
	pt_select1(again);
	pt_select1(held);
	qr_conn_free(again);
	qr_conn_free(held);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.connects, 2);
	assert_int_equal(st.open, 2);
	assert_int_equal(atomic_load(&flaky_closes), 0);
	qr_engine_free(e);
}

typedef struct hammer {
	qr_engine *engine;
	atomic_bool stop;
	atomic_int cycles;
} hammer;

/* Checks out (pinging) and returns, without entering SQLite. */
static void *hammer_pool(void *arg)
{
	hammer *h = arg;
	while (!atomic_load(&h->stop)) {
		qr_conn *c = NULL;
		if (qr_engine_connect(&c, h->engine) == 0)
			qr_conn_free(c);
		atomic_fetch_add(&h->cycles, 1);
	}
	return NULL;
}

static int child_one_checkout(void *arg)
{
	qr_engine *e = arg;
	qr_pool_status st;
	qr_engine_pool_status(e, &st);
	if (st.checked_out != 0 || st.open != 0)
		return 1;
	qr_conn *c = NULL;
	if (qr_engine_connect(&c, e) != 0)
		return 2;
	qr_conn_free(c);
	qr_engine_pool_status(e, &st);
	return st.open == 1 && st.checked_out == 0 ? 0 : 3;
}

/* Forks while other threads check connections out and in: the pool's
 * locks are held across fork(), so a child never inherits one held by a
 * thread that does not exist there (it would hang). The hollow driver
 * keeps SQLite, whose own locks are not fork-safe, out of it. */
static void fork_while_threads_use_the_pool(void **state)
{
	(void)state;
	enum { THREADS = 3, FORKS = 15 };
	hammer h = {.engine = pt_engine("sqlite+hollow://",
					&(qr_engine_options){
						.pool_kind = QR_POOL_QUEUE,
						.pool_size = 2,
						.pool_pre_ping = true,
					})};
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer_pool, &h),
				 0);
	for (int i = 0; i < FORKS; i++) {
		while (atomic_load(&h.cycles) < (i + 1) * 20)
			pt_sleep(0.001);
		int rc = in_child(child_one_checkout, h.engine);
		if (rc != 0) {
			atomic_store(&h.stop, true);
			for (int k = 0; k < THREADS; k++)
				pthread_join(t[k], NULL);
			fail_msg("fork %d: the child failed (%d)", i, rc);
		}
	}
	atomic_store(&h.stop, true);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	qr_pool_status st = pt_status(h.engine);
	assert_int_equal(st.checked_out, 0);
	assert_true(st.open <= 2);
	qr_engine_free(h.engine);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			child_never_reuses_parent_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(fork_while_threads_use_the_pool,
						setup, teardown),
	};
	return qr_test_run(argc, argv, "pool_fork", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
