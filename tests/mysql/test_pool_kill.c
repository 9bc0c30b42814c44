/*
 * test_pool_kill.c - the pool against MySQL/MariaDB sessions killed with
 * KILL CONNECTION and a server restart (tests/support/pool_server.h).
 * argv[1] is a mysql:// URL.
 */
#include "pool_server.h"

static const ps_backend mysql = {
	.service = "mysql",
	.id_sql = "SELECT CONNECTION_ID()",
	.kill_fmt = "KILL CONNECTION %lld",
	.alive_fmt = "SELECT count(*) FROM information_schema.processlist "
		     "WHERE id = %lld",
};

int main(int argc, char **argv)
{
	return ps_main(argc, argv, "mysql.pool_kill", &mysql);
}
