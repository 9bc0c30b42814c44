/*
 * test_pool_kill.c - the pool against PostgreSQL sessions killed with
 * pg_terminate_backend() and a server restart (tests/support/
 * pool_server.h). argv[1] is a postgresql:// URL.
 */
#include "pool_server.h"

static const ps_backend postgresql = {
	.service = "postgresql",
	.id_sql = "SELECT pg_backend_pid()",
	/* Waits (up to 5 s) until the backend has exited. */
	.kill_fmt = "SELECT pg_terminate_backend(%lld, 5000)",
	.alive_fmt = "SELECT count(*) FROM pg_stat_activity WHERE pid = %lld",
};

int main(int argc, char **argv)
{
	return ps_main(argc, argv, "postgresql.pool_kill", &postgresql);
}
