/*
 * test_pool_lifecycle.c - what happens to a pooled connection between
 * checkouts: recycle after a maximum age, reset on return (rollback or
 * none, with the RESET event), invalidation (explicit, or on a disconnect
 * while executing, which also replaces every older connection), pre-ping
 * (a dead connection is replaced before the application sees it), connect
 * failures, and listeners that fail a connect or a checkout.
 *
 * Disconnects come from the "sqlite+flaky" test driver (pool_flaky.h),
 * which kills connections as a server would.
 */
#include "pool_flaky.h"
#include "pool_testing.h"

#include <stdlib.h>

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

static void recycle_replaces_old_connections(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"),
				 &(qr_engine_options){.pool_recycle = 0.15});
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *c = qr_test_connect(e);
	uint64_t first = pt_last(&ev, QR_POOL_EVENT_CHECKOUT);
	qr_conn_free(c);
	c = qr_test_connect(e); /* young enough: reused */
	assert_int_equal(pt_last(&ev, QR_POOL_EVENT_CHECKOUT), first);
	qr_conn_free(c);
	pt_sleep(0.2);
	c = qr_test_connect(e);
	uint64_t second = pt_last(&ev, QR_POOL_EVENT_CHECKOUT);
	assert_true(second != first);
	pt_select1(c);
	qr_conn_free(c);
	assert_int_equal(pt_last(&ev, QR_POOL_EVENT_CLOSE), first);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.recycles, 1);
	assert_int_equal(st.connects, 2);
	assert_int_equal(st.open, 1);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_INVALIDATE), 0);
	qr_engine_free(e);
}

static void reset_rolls_back_on_return(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"), NULL);
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *c = qr_test_connect(e);
	qr_test_exec(c, "CREATE TABLE r (x INTEGER)");
	qr_assert_ok(qr_conn_commit(c));
	qr_test_exec(c, "INSERT INTO r VALUES (1)");
	qr_conn_free(c); /* returned mid-transaction */
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_RESET), 1);
	assert_int_equal(atomic_load(&ev.resets_with_rollback), 1);

	c = qr_test_connect(e);
	assert_int_equal(pt_scalar(c, "SELECT count(*) FROM r"), 0);
	qr_assert_ok(qr_conn_commit(c));
	qr_conn_free(c);
	/* Nothing was open this time. */
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_RESET), 2);
	assert_int_equal(atomic_load(&ev.resets_with_rollback), 1);
	qr_engine_free(e);
}

/* A RESET listener doing its own reset, as with reset_on_return=None. */
static int rollback_myself(void *userdata, const qr_pool_event_info *info)
{
	int *calls = userdata;
	(*calls)++;
	assert_false(info->transaction_was_reset);
	assert_non_null(info->connection);
	return info->driver->rollback(info->connection);
}

static void reset_none_leaves_it_to_listeners(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(
		pt_file_url("sqlite3"),
		&(qr_engine_options){.pool_reset_on_return = QR_RESET_NONE});
	int calls = 0;
	qr_assert_ok(
		qr_engine_on(e, QR_POOL_EVENT_RESET, rollback_myself, &calls));
	qr_conn *c = qr_test_connect(e);
	qr_test_exec(c, "CREATE TABLE n (x INTEGER)");
	qr_assert_ok(qr_conn_commit(c));
	qr_test_exec(c, "INSERT INTO n VALUES (1)");
	qr_conn_free(c);
	assert_int_equal(calls, 1);
	c = qr_test_connect(e);
	assert_int_equal(pt_scalar(c, "SELECT count(*) FROM n"), 0);
	qr_conn_free(c);
	qr_engine_free(e);
}

static void explicit_invalidate_replaces_the_connection(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"),
				 &(qr_engine_options){
					 .pool_size = 1,
					 .max_overflow = QR_POOL_NO_OVERFLOW,
					 .pool_timeout = 1,
				 });
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *c = qr_test_connect(e);
	uint64_t first = pt_last(&ev, QR_POOL_EVENT_CHECKOUT);
	pt_select1(c);
	assert_true(qr_conn_in_transaction(c));
	qr_conn_invalidate(c);
	assert_true(qr_conn_invalidated(c));
	assert_false(qr_conn_in_transaction(c));
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_INVALIDATE), 1);
	assert_int_equal(atomic_load(&ev.invalidations_with_error), 0);
	qr_conn_invalidate(c); /* again: nothing more */
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_INVALIDATE), 1);
	/* Its slot is free at once, even in a pool of one. */
	assert_int_equal(pt_status(e).open, 1);
	pt_select1(c); /* replaced transparently, within the limit */
	assert_false(qr_conn_invalidated(c));
	assert_true(pt_last(&ev, QR_POOL_EVENT_CHECKOUT) != first);
	assert_int_equal(pt_last(&ev, QR_POOL_EVENT_CLOSE), first);
	qr_conn_free(c);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.invalidations, 1);
	assert_int_equal(st.open, 1);
	assert_int_equal(st.idle, 1);
	assert_int_equal(st.checked_out, 0);
	qr_conn_invalidate(NULL);
	qr_engine_free(e);
}

static void disconnect_invalidates_connection_and_older_ones(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("flaky"), NULL);
	pt_events ev;
	pt_listen(e, &ev);
	/* Three connections, two of them idle. */
	qr_conn *c[3];
	for (int i = 0; i < 3; i++)
		c[i] = qr_test_connect(e);
	qr_conn_free(c[1]);
	qr_conn_free(c[2]);
	assert_int_equal(pt_status(e).idle, 2);

	flaky_kill_all(); /* the server restarted */
	qr_result *r = NULL;
	assert_int_equal(qr_conn_execute_text(&r, c[0], "SELECT 1", NULL),
			 QR_EDISCONNECT);
	assert_true(qr_error_last()->is_disconnect);
	assert_string_equal(qr_error_last()->sqlstate, "08006");
	assert_true(qr_conn_invalidated(c[0]));
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_INVALIDATE), 1);
	assert_int_equal(atomic_load(&ev.invalidations_with_error), 1);

	/* The next statement on the same qr_conn gets a new connection. */
	pt_select1(c[0]);
	assert_false(qr_conn_invalidated(c[0]));
	/* The idle ones are older than the disconnect: replaced on checkout
	 * without an error reaching the application, and without a ping. */
	qr_conn *d = qr_test_connect(e);
	pt_select1(d);
	qr_conn *f = qr_test_connect(e);
	pt_select1(f);
	assert_int_equal(atomic_load(&flaky_pings), 0);
	qr_conn_free(c[0]);
	qr_conn_free(d);
	qr_conn_free(f);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.connects, 6);
	assert_int_equal(st.open, 3);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CLOSE), 3);
	qr_engine_free(e);
}

static void pre_ping_hides_a_killed_connection(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("flaky"),
				 &(qr_engine_options){.pool_pre_ping = true});
	pt_events ev;
	pt_listen(e, &ev);
	qr_conn *a = qr_test_connect(e); /* fresh: not pinged */
	qr_conn *b = qr_test_connect(e);
	assert_int_equal(atomic_load(&flaky_pings), 0);
	qr_conn_free(a);
	qr_conn_free(b);

	qr_conn *c = qr_test_connect(e); /* pinged, alive */
	assert_int_equal(atomic_load(&flaky_pings), 1);
	pt_select1(c);
	qr_conn_free(c);

	/* Both idle connections die (a server restart). */
	flaky_kill_all();
	qr_error_clear();
	c = qr_test_connect(e);
	/* The ping found it dead: it and every older one were invalidated
	 * and this checkout reconnected, once. */
	assert_int_equal(atomic_load(&flaky_pings), 2);
	pt_select1(c);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_INVALIDATE), 1);
	assert_int_equal(atomic_load(&ev.invalidations_with_error), 1);
	qr_conn *d = qr_test_connect(e);
	/* The other dead one is replaced without even a ping. */
	assert_int_equal(atomic_load(&flaky_pings), 2);
	pt_select1(d);
	qr_conn_free(c);
	qr_conn_free(d);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.connects, 4);
	assert_int_equal(st.open, 2);
	assert_int_equal(st.invalidations, 1);
	qr_engine_free(e);
}

static void without_pre_ping_the_error_shows_once(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("flaky"), NULL);
	qr_conn *c = qr_test_connect(e);
	qr_conn_free(c);
	flaky_kill_all();
	c = qr_test_connect(e);
	assert_int_equal(qr_conn_execute_text(NULL, c, "SELECT 1", NULL),
			 QR_EDISCONNECT);
	pt_select1(c);
	qr_conn_free(c);
	qr_engine_free(e);
}

static void connect_failure_leaves_the_pool_consistent(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("flaky"),
				 &(qr_engine_options){
					 .pool_size = 1,
					 .max_overflow = QR_POOL_NO_OVERFLOW,
					 .pool_pre_ping = true,
					 .pool_timeout = 0.5,
				 });
	qr_conn *c = qr_test_connect(e);
	qr_conn_free(c);
	/* The server goes down: the ping fails, the reconnect too. */
	flaky_kill_all();
	flaky_refuse(true);
	for (int i = 0; i < 3; i++) {
		c = NULL;
		assert_int_equal(qr_engine_connect(&c, e), QR_EDISCONNECT);
		assert_null(c);
		assert_non_null(strstr(qr_error_last()->message, "refused"));
		qr_pool_status st = pt_status(e);
		assert_int_equal(st.checked_out, 0);
		assert_int_equal(st.open, 0);
		assert_int_equal(st.idle, 0);
	}
	/* Back up: the slot was never lost, no timeout. */
	flaky_refuse(false);
	c = qr_test_connect(e);
	pt_select1(c);
	qr_conn_free(c);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.open, 1);
	assert_int_equal(st.timeouts, 0);
	qr_engine_free(e);
}

static int refuse_connect(void *userdata, const qr_pool_event_info *info)
{
	(void)info;
	int *left = userdata;
	if (*left > 0) {
		(*left)--;
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "listener says no");
	}
	return 0;
}

static void connect_listener_can_fail_a_connect(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"), NULL);
	int refusals = 1;
	pt_events ev;
	pt_listen(e, &ev);
	qr_assert_ok(qr_engine_on(e, QR_POOL_EVENT_CONNECT, refuse_connect,
				  &refusals));
	qr_conn *c = NULL;
	assert_int_equal(qr_engine_connect(&c, e), QR_EINVAL);
	assert_string_equal(qr_error_last()->message, "listener says no");
	assert_int_equal(pt_status(e).open, 0);
	c = qr_test_connect(e);
	pt_select1(c);
	qr_conn_free(c);
	assert_int_equal(pt_count(&ev, QR_POOL_EVENT_CONNECT), 2);
	assert_int_equal(pt_status(e).connects, 1);
	qr_engine_free(e);
}

typedef struct checkout_check {
	int calls;
	int disconnects_left;
	uint64_t seen[4];
} checkout_check;

/* Says the first connection it sees is dead: the pool reconnects. */
static int checkout_says_dead(void *userdata, const qr_pool_event_info *info)
{
	checkout_check *cc = userdata;
	if (cc->calls < 4)
		cc->seen[cc->calls] = info->connection_id;
	cc->calls++;
	if (cc->disconnects_left > 0) {
		cc->disconnects_left--;
		return qr_error_set_db(QR_EDISCONNECT, QR_ECLASS_OPERATIONAL,
				       NULL, 0, true, "stale, says listener");
	}
	return 0;
}

static void checkout_listener_disconnect_reconnects_once(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("sqlite3"), NULL);
	qr_conn *c = qr_test_connect(e);
	qr_conn_free(c);
	checkout_check cc = {.disconnects_left = 1};
	qr_assert_ok(qr_engine_on(e, QR_POOL_EVENT_CHECKOUT, checkout_says_dead,
				  &cc));
	c = qr_test_connect(e);
	pt_select1(c);
	qr_conn_free(c);
	assert_int_equal(cc.calls, 2);
	assert_true(cc.seen[0] != cc.seen[1]);
	assert_int_equal(pt_status(e).invalidations, 1);

	/* Twice in a row: the second answer is the checkout's error. */
	cc = (checkout_check){.disconnects_left = 2};
	c = NULL;
	assert_int_equal(qr_engine_connect(&c, e), QR_EDISCONNECT);
	assert_null(c);
	qr_pool_status st = pt_status(e);
	assert_int_equal(st.checked_out, 0);
	assert_int_equal(st.open, 0);
	c = qr_test_connect(e);
	qr_conn_free(c);
	qr_engine_free(e);
}

static void fresh_connection_is_not_pinged(void **state)
{
	(void)state;
	qr_engine *e = pt_engine(pt_file_url("flaky"),
				 &(qr_engine_options){.pool_pre_ping = true,
						      .pool_recycle = 0.05});
	qr_conn *c = qr_test_connect(e);
	qr_conn_free(c);
	pt_sleep(0.1);
	c = qr_test_connect(e); /* recycled: a new one, no ping needed */
	qr_conn_free(c);
	assert_int_equal(atomic_load(&flaky_pings), 0);
	assert_int_equal(atomic_load(&flaky_connects), 2);
	qr_engine_free(e);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			recycle_replaces_old_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(reset_rolls_back_on_return,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			reset_none_leaves_it_to_listeners, setup, teardown),
		cmocka_unit_test_setup_teardown(
			explicit_invalidate_replaces_the_connection, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			disconnect_invalidates_connection_and_older_ones, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			pre_ping_hides_a_killed_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(
			without_pre_ping_the_error_shows_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
			connect_failure_leaves_the_pool_consistent, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			connect_listener_can_fail_a_connect, setup, teardown),
		cmocka_unit_test_setup_teardown(
			checkout_listener_disconnect_reconnects_once, setup,
			teardown),
		cmocka_unit_test_setup_teardown(fresh_connection_is_not_pinged,
						setup, teardown),
	};
	return qr_test_run(argc, argv, "pool_lifecycle", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
