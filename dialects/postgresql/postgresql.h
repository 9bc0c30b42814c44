/*
 * postgresql.h - entry points of the PostgreSQL dialect folder (private).
 *
 * qr_module_postgresql() is the SQL flavour alone (dialect.c, always
 * built); qr_module_postgresql_libpq() is the libpq driver alone (built
 * when libpq is found). Both are listed in libquarry's table of built-in
 * modules; the loadable module quarry-postgresql.so exports
 * quarry_module(), which returns both together.
 */
#ifndef QUARRY_DIALECTS_POSTGRESQL_H
#define QUARRY_DIALECTS_POSTGRESQL_H

#include <quarry/sys/dialect.h>
#include <quarry/sys/reflect.h>

/* The flavour (dialect.c). */
extern const qr_dialect qr_postgresql__dialect;

/* Catalog queries for schema reflection (reflect.c). */
extern const qr_reflector qr_postgresql__reflector;

const qr_module *qr_module_postgresql(void);
const qr_module *qr_module_postgresql_libpq(void);

#endif
