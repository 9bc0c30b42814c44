/*
 * mysql.h - entry points of the MySQL/MariaDB dialect folder (private).
 *
 * Two flavours share one SQL dialect: "mysql" and its alias "mariadb"
 * (so that mariadb:// and mariadb+mysqlclient:// URLs work as in
 * SQLAlchemy). The flavours are in dialect.c, always built; the
 * mysqlclient driver (libmysqlclient's API, from libmariadb) registers a
 * driver for each. The loadable modules quarry-mysql.so and
 * quarry-mariadb.so export quarry_module(), returning their flavour with
 * both drivers.
 */
#ifndef QUARRY_DIALECTS_MYSQL_H
#define QUARRY_DIALECTS_MYSQL_H

#include <quarry/sys/dialect.h>
#include <quarry/sys/reflect.h>

extern const qr_dialect qr_mysql__dialect;
extern const qr_dialect qr_mariadb__dialect;

/* The flavour a server calls for, from its version text (dialect.c):
 * "mariadb" for MariaDB 10.5+ (INSERT/DELETE .. RETURNING), else "mysql";
 * NULL when the version is unknown (empty). */
const char *qr_mysql__server_dialect(const char *server_version);
/* 0 when server_version is MariaDB's; otherwise QR_EINVAL recorded, as
 * SQLAlchemy's mariadb:// dialect on a MySQL server: "MySQL version
 * 8.0.36 is not a MariaDB variant." */
int qr_mysql__require_mariadb(const char *server_version);

/* Catalog queries for schema reflection (reflect.c). */
extern const qr_reflector qr_mysql__reflector;

const qr_module *qr_module_mysql(void);
const qr_module *qr_module_mariadb(void);
const qr_module *qr_module_mysql_mysqlclient(void);

#endif
