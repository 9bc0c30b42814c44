/*
 * raw.c - the table of hand-written references built into the program.
 */
#include "raw.h"

#include <stdlib.h>
#include <string.h>

#ifdef BENCH_RAW_SQLITE
extern const raw_driver raw_sqlite_driver;
#endif
#ifdef BENCH_RAW_POSTGRESQL
extern const raw_driver raw_postgresql_driver;
#endif
#ifdef BENCH_RAW_MYSQL
extern const raw_driver raw_mysql_driver;
#endif

static const raw_driver *const drivers[] = {
#ifdef BENCH_RAW_SQLITE
	&raw_sqlite_driver,
#endif
#ifdef BENCH_RAW_POSTGRESQL
	&raw_postgresql_driver,
#endif
#ifdef BENCH_RAW_MYSQL
	&raw_mysql_driver,
#endif
	NULL};

const raw_driver *raw_driver_for(const char *backend)
{
	for (size_t i = 0; drivers[i]; i++) {
		if (strcmp(drivers[i]->backend, backend) == 0)
			return drivers[i];
	}
	return NULL;
}

void raw_customers_free(raw_customer **rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		free(rows[i]->name);
		free(rows[i]->description);
		free(rows[i]);
	}
	free(rows);
}
