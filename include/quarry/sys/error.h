/*
 * quarry/sys/error.h - recording errors, for quarry's own modules and for
 * third-party dialects, drivers and pool strategies.
 *
 * Each setter replaces the calling thread's last error and returns the code
 * it was given, so a failure path reads
 *   return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT, "what: %s", why);
 * Messages are truncated to one line of QR_ERROR_MESSAGE_MAX bytes.
 */
#ifndef QUARRY_SYS_ERROR_H
#define QUARRY_SYS_ERROR_H

#include "../error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Records code/class/message; clears SQLSTATE, native code, statement. */
QR_API int qr_error_set(int code, qr_errclass klass, const char *fmt, ...)
	QR_PRINTF(3, 4);

/*
 * Records a database error: sqlstate may be NULL; when klass is
 * QR_ECLASS_NONE it is derived from sqlstate (qr_errclass_from_sqlstate).
 */
QR_API int qr_error_set_db(int code, qr_errclass klass, const char *sqlstate,
			   int native_code, bool is_disconnect, const char *fmt,
			   ...) QR_PRINTF(6, 7);

/* Records the statement that failed, on the current error. */
QR_API void qr_error_set_statement(const char *sql);

/* Records QR_ENOMEM with a message naming what could not be allocated. */
QR_API int qr_error_oom(const char *what);

/*
 * The DBAPI class for a SQLSTATE by its two-character class: 23 integrity,
 * 22 data, 42 programming, 08 / 53 / 57 / 58 / HY operational, 0A not
 * supported, 40 (rollback) operational, XX internal; otherwise database.
 */
QR_API qr_errclass qr_errclass_from_sqlstate(const char *sqlstate);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_SYS_ERROR_H */
