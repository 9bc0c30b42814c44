/*
 * sqlite.h - entry points shared between the SQLite dialect's files
 * (private).
 */
#ifndef QUARRY_DIALECTS_SQLITE_H
#define QUARRY_DIALECTS_SQLITE_H

#include <quarry/sys/dialect.h>
#include <quarry/sys/reflect.h>

/* Catalog queries for schema reflection (reflect.c). */
extern const qr_reflector qr_sqlite__reflector;

const qr_module *qr_module_sqlite(void);
const qr_module *qr_module_sqlite_sqlite3(void);

#endif
