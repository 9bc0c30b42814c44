/*
 * test_faults.c - server faults on PostgreSQL: a session terminated in the
 * middle of a transaction (pg_terminate_backend), sessions killed under a
 * running workload, a server restart (as root with CI=true or
 * QUARRY_TEST_SERVER_RESTART=1, or QUARRY_TEST_PG_RESTART naming the
 * command), a unique violation in the middle of a pipelined
 * executemany, and statement_timeout. The scenarios are in
 * tests/support/fault_support.h.
 */
#include "fault_support.h"

static const fault_backend postgresql = {
	.session_id_sql = "SELECT pg_backend_pid()",
	.kill_fmt = "SELECT pg_terminate_backend(%lld)",
	.alive_fmt = "SELECT count(*) FROM pg_stat_activity WHERE pid = %lld",
	.timeout_sql = "SET statement_timeout = 200",
	.slow_sql = "SELECT pg_sleep(3)",
	.service = "postgresql",
	.restart_env = "QUARRY_TEST_PG_RESTART",
};

static const struct CMUnitTest tests[] = {FAULT_TESTS};

int main(int argc, char **argv)
{
	fault_be = &postgresql;
	return qr_test_run(argc, argv, "postgresql faults", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
