/*
 * sqlite_regexp.h - the regexp() SQL function the sqlite3 driver
 * registers on each connection (private; regexp.c).
 */
#ifndef QUARRY_DIALECTS_SQLITE_REGEXP_H
#define QUARRY_DIALECTS_SQLITE_REGEXP_H

#include <sqlite3.h>

/* Registers regexp(pattern, string) on db: SQLITE_OK or an SQLite
 * error code. */
int qr_sqlite__register_regexp(sqlite3 *db);

#endif
