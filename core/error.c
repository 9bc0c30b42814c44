/*
 * error.c - the thread-local last error and its setters.
 *
 * The error lives in fixed-size thread-local storage, so recording an error
 * never allocates (it must work when memory has run out) and nothing is
 * left to free when a thread exits.
 */
#include "error_internal.h"

#include <quarry/sys/error.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local qr_error last_error;

const qr_error *qr_error_last(void)
{
	return &last_error;
}

void qr_error_clear(void)
{
	memset(&last_error, 0, sizeof(last_error));
}

void qr_error__restore(const qr_error *saved)
{
	last_error = *saved;
}

/* Keeps the message on one line: newlines and tabs become spaces. */
static void one_line(char *msg)
{
	size_t n = strlen(msg);

	/* Drop trailing white space left by a trailing newline. */
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	for (char *s = msg; *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
	}
}

static void set_message(const char *fmt, va_list ap)
{
	vsnprintf(last_error.message, sizeof(last_error.message), fmt, ap);
	one_line(last_error.message);
}

int qr_error_set(int code, qr_errclass klass, const char *fmt, ...)
{
	va_list ap;

	last_error.code = code;
	last_error.klass = klass;
	last_error.sqlstate[0] = '\0';
	last_error.native_code = 0;
	last_error.is_disconnect = false;
	last_error.statement[0] = '\0';
	va_start(ap, fmt);
	set_message(fmt, ap);
	va_end(ap);
	return code;
}

int qr_error_set_db(int code, qr_errclass klass, const char *sqlstate,
		    int native_code, bool is_disconnect, const char *fmt, ...)
{
	va_list ap;

	last_error.code = code;
	if (sqlstate && *sqlstate) {
		snprintf(last_error.sqlstate, sizeof(last_error.sqlstate), "%s",
			 sqlstate);
	} else {
		last_error.sqlstate[0] = '\0';
	}
	last_error.klass = klass != QR_ECLASS_NONE
				   ? klass
				   : qr_errclass_from_sqlstate(sqlstate);
	last_error.native_code = native_code;
	last_error.is_disconnect = is_disconnect;
	last_error.statement[0] = '\0';
	va_start(ap, fmt);
	set_message(fmt, ap);
	va_end(ap);
	return code;
}

void qr_error_set_statement(const char *sql)
{
	if (!sql) {
		last_error.statement[0] = '\0';
		return;
	}
	size_t cap = sizeof(last_error.statement);
	size_t n = strlen(sql);
	if (n < cap) {
		memcpy(last_error.statement, sql, n + 1);
	} else {
		/* Truncate visibly rather than silently. */
		memcpy(last_error.statement, sql, cap - 4);
		memcpy(last_error.statement + cap - 4, "...", 4);
	}
}

int qr_error_oom(const char *what)
{
	return qr_error_set(QR_ENOMEM, QR_ECLASS_INTERNAL,
			    "out of memory allocating %s",
			    what ? what : "memory");
}

qr_errclass qr_errclass_from_sqlstate(const char *s)
{
	if (!s || strlen(s) < 2)
		return QR_ECLASS_DATABASE;
	if (!strncmp(s, "23", 2))
		return QR_ECLASS_INTEGRITY;
	if (!strncmp(s, "22", 2))
		return QR_ECLASS_DATA;
	if (!strncmp(s, "42", 2) || !strncmp(s, "3F", 2) ||
	    !strncmp(s, "26", 2) || !strncmp(s, "34", 2))
		return QR_ECLASS_PROGRAMMING;
	if (!strncmp(s, "0A", 2))
		return QR_ECLASS_NOT_SUPPORTED;
	if (!strncmp(s, "08", 2) || !strncmp(s, "53", 2) ||
	    !strncmp(s, "57", 2) || !strncmp(s, "58", 2) ||
	    !strncmp(s, "40", 2) || !strncmp(s, "55", 2) ||
	    !strncmp(s, "HY", 2) || !strncmp(s, "25", 2))
		return QR_ECLASS_OPERATIONAL;
	if (!strncmp(s, "XX", 2))
		return QR_ECLASS_INTERNAL;
	return QR_ECLASS_DATABASE;
}

const char *qr_errclass_name(qr_errclass klass)
{
	switch (klass) {
	case QR_ECLASS_NONE:
		return "None";
	case QR_ECLASS_INTERFACE:
		return "InterfaceError";
	case QR_ECLASS_DATABASE:
		return "DatabaseError";
	case QR_ECLASS_DATA:
		return "DataError";
	case QR_ECLASS_OPERATIONAL:
		return "OperationalError";
	case QR_ECLASS_INTEGRITY:
		return "IntegrityError";
	case QR_ECLASS_INTERNAL:
		return "InternalError";
	case QR_ECLASS_PROGRAMMING:
		return "ProgrammingError";
	case QR_ECLASS_NOT_SUPPORTED:
		return "NotSupportedError";
	case QR_ECLASS_ARGUMENT:
		return "ArgumentError";
	case QR_ECLASS_INVALID_REQUEST:
		return "InvalidRequestError";
	}
	return "UnknownError";
}

const char *qr_strerror(int code)
{
	switch ((qr_errcode)code) {
	case QR_OK:
		return "success";
	case QR_ERROR:
		return "error";
	case QR_ENOMEM:
		return "out of memory";
	case QR_EINVAL:
		return "invalid argument";
	case QR_EURL:
		return "malformed URL";
	case QR_ENODIALECT:
		return "no such dialect or driver";
	case QR_EDB:
		return "database error";
	case QR_ENOTSUP:
		return "not supported by this dialect";
	case QR_ENORESULT:
		return "no row was found when one was required";
	case QR_EMULTIPLE:
		return "multiple rows were found when exactly one was required";
	case QR_ECONVERT:
		return "value cannot be converted";
	case QR_ERANGE:
		return "value out of range";
	case QR_ECOLUMN:
		return "no such column";
	case QR_EPARAM:
		return "bind parameter error";
	case QR_ESTATE:
		return "invalid in the current state";
	case QR_EDISCONNECT:
		return "connection lost";
	case QR_ETIMEOUT:
		return "timeout";
	case QR_EIO:
		return "I/O error";
	case QR_ESTALE:
		return "stale data";
	case QR_ECOMPILE:
		return "statement cannot be compiled";
	}
	return code == QR_NULL ? "value is NULL" : "unknown error code";
}
