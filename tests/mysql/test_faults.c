/*
 * test_faults.c - server faults on MariaDB/MySQL: a session killed in the
 * middle of a transaction (KILL), sessions killed under a running
 * workload, a server restart (as root with CI=true or
 * QUARRY_TEST_SERVER_RESTART=1, or QUARRY_TEST_MYSQL_RESTART naming the
 * command), a unique violation in the middle of an executemany,
 * and max_statement_time. The scenarios are in
 * tests/support/fault_support.h.
 */
#include "fault_support.h"

static const fault_backend mysql = {
	.session_id_sql = "SELECT CONNECTION_ID()",
	.kill_fmt = "KILL %lld",
	.alive_fmt = "SELECT count(*) FROM information_schema.PROCESSLIST "
		     "WHERE ID = %lld",
	.timeout_sql = "SET SESSION max_statement_time = 0.2",
	.slow_sql = "SELECT SLEEP(3)",
	.service = "mysql",
	.restart_env = "QUARRY_TEST_MYSQL_RESTART",
};

static const struct CMUnitTest tests[] = {FAULT_TESTS};

int main(int argc, char **argv)
{
	fault_be = &mysql;
	return qr_test_run(argc, argv, "mysql faults", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
