/*
 * pool_testing.h - helpers for the pool tests: a temporary SQLite file
 * per program, an event recorder, engines with pool options, and a clock.
 * Include from one test program.
 */
#ifndef QUARRY_TEST_POOL_TESTING_H
#define QUARRY_TEST_POOL_TESTING_H

#include "test_support.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A SQLite file under /tmp for this process, as a URL ("sqlite:///..."),
 * with the given driver ("sqlite3", "flaky"). Removed by pt_cleanup(). */
static char pt_path[256];

static inline const char *pt_file_url(const char *driver)
{
	static _Thread_local char url[300];
	if (!pt_path[0])
		snprintf(pt_path, sizeof(pt_path), "/tmp/quarry_pool_%ld.db",
			 (long)getpid());
	snprintf(url, sizeof(url), "sqlite+%s:///%s", driver, pt_path);
	return url;
}

static inline void pt_cleanup(void)
{
	char more[300];
	if (!pt_path[0])
		return;
	unlink(pt_path);
	snprintf(more, sizeof(more), "%s-journal", pt_path);
	unlink(more);
}

/* An engine on url with opts (fails the test on error). */
static inline qr_engine *pt_engine(const char *url,
				   const qr_engine_options *opts)
{
	qr_engine *e = NULL;
	if (qr_engine_create(&e, url, opts) != 0)
		fail_msg("qr_engine_create(%s): %s", url,
			 qr_error_last()->message);
	return e;
}

static inline qr_pool_status pt_status(qr_engine *e)
{
	qr_pool_status st;
	qr_assert_ok(qr_engine_pool_status(e, &st));
	return st;
}

/* Counts every pool event and remembers the last connection ids. */
typedef struct pt_events {
	atomic_int count[QR_POOL_EVENT_COUNT];
	atomic_uint_fast64_t last_id[QR_POOL_EVENT_COUNT];
	atomic_int resets_with_rollback;
	atomic_int invalidations_with_error;
} pt_events;

static _Thread_local uint64_t pt_thread_checkout_id;

static inline int pt_record(void *userdata, const qr_pool_event_info *info)
{
	pt_events *ev = userdata;
	atomic_fetch_add(&ev->count[info->event], 1);
	atomic_store(&ev->last_id[info->event], info->connection_id);
	if (info->event == QR_POOL_EVENT_CHECKOUT)
		pt_thread_checkout_id = info->connection_id;
	if (info->event == QR_POOL_EVENT_RESET && info->transaction_was_reset)
		atomic_fetch_add(&ev->resets_with_rollback, 1);
	if (info->event == QR_POOL_EVENT_INVALIDATE && info->error)
		atomic_fetch_add(&ev->invalidations_with_error, 1);
	return 0;
}

/* Listens to every event of e into ev (zeroed first). */
static inline void pt_listen(qr_engine *e, pt_events *ev)
{
	memset(ev, 0, sizeof(*ev));
	for (int i = 0; i < QR_POOL_EVENT_COUNT; i++)
		qr_assert_ok(qr_engine_on(e, (qr_pool_event)i, pt_record, ev));
}

static inline int pt_count(pt_events *ev, qr_pool_event event)
{
	return atomic_load(&ev->count[event]);
}

static inline uint64_t pt_last(pt_events *ev, qr_pool_event event)
{
	return atomic_load(&ev->last_id[event]);
}

static inline double pt_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void pt_sleep(double seconds)
{
	struct timespec ts;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* Runs sql on conn and returns the integer in its first row. */
static inline int64_t pt_scalar(qr_conn *conn, const char *sql)
{
	qr_result *r = NULL;
	const qr_value *v = NULL;
	int64_t n = 0;
	qr_assert_ok(qr_conn_execute_text(&r, conn, sql, NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(r);
	return n;
}

/* Runs SELECT 1 on conn and checks the answer. */
static inline void pt_select1(qr_conn *conn)
{
	assert_int_equal(pt_scalar(conn, "SELECT 1"), 1);
}

#endif
