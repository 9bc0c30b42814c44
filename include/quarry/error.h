/*
 * quarry/error.h - error codes, error classes and the thread-local last error.
 *
 * Every fallible quarry call returns 0 on success or a negative QR_E* code
 * and, on failure, records details in a thread-local qr_error that
 * qr_error_last() returns. A later failure on the same thread replaces it;
 * a success does not clear it (call qr_error_clear() for that).
 *
 * The class mirrors the DBAPI exception hierarchy that SQLAlchemy's
 * exceptions wrap (IntegrityError, OperationalError, ...), plus two classes
 * for errors raised by quarry itself rather than by a database: ARGUMENT
 * (SQLAlchemy's ArgumentError: bad input to a quarry call) and
 * INVALID_REQUEST (SQLAlchemy's InvalidRequestError: a call that is not
 * valid in the current state, no/multiple results for one()).
 */
#ifndef QUARRY_ERROR_H
#define QUARRY_ERROR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes. 0 is success; every error is negative. */
typedef enum qr_errcode {
	QR_OK = 0,
	QR_ERROR = -1,      /* an error not covered below */
	QR_ENOMEM = -2,     /* out of memory */
	QR_EINVAL = -3,     /* invalid argument (NULL where not allowed, ...) */
	QR_EURL = -4,       /* malformed URL */
	QR_ENODIALECT = -5, /* no dialect or driver registered for a name */
	QR_EDB = -6,        /* the database reported an error: see class */
	QR_ENOTSUP = -7,    /* construct or feature unsupported by a dialect */
	QR_ENORESULT = -8,  /* one(): the result had no row */
	QR_EMULTIPLE = -9,  /* one()/one_or_none(): more than one row */
	QR_ECONVERT = -10,  /* a value cannot convert to the requested type */
	QR_ERANGE = -11,    /* a value is out of the target type's range */
	QR_ECOLUMN = -12,   /* unknown column name or index out of range */
	QR_EPARAM = -13,    /* a bind parameter has no value, or bad syntax */
	QR_ESTATE = -14,    /* not valid in this state (closed, finished) */
	QR_EDISCONNECT = -15, /* the connection to the database was lost */
	QR_ETIMEOUT = -16,    /* a timeout expired (pool checkout, statement) */
	QR_EIO = -17,         /* file or module loading failed */
	QR_ESTALE = -18,      /* optimistic concurrency: row changed or gone */
	QR_ECOMPILE = -19     /* a statement cannot be compiled as built */
} qr_errcode;

/*
 * Getters (qr_row_int64() and friends) return QR_NULL, a positive value,
 * when the value is SQL NULL: distinct from both success and error.
 */
#define QR_NULL 1

typedef enum qr_errclass {
	QR_ECLASS_NONE = 0,
	QR_ECLASS_INTERFACE,      /* DBAPI InterfaceError */
	QR_ECLASS_DATABASE,       /* DBAPI DatabaseError (generic) */
	QR_ECLASS_DATA,           /* DBAPI DataError */
	QR_ECLASS_OPERATIONAL,    /* DBAPI OperationalError */
	QR_ECLASS_INTEGRITY,      /* DBAPI IntegrityError */
	QR_ECLASS_INTERNAL,       /* DBAPI InternalError */
	QR_ECLASS_PROGRAMMING,    /* DBAPI ProgrammingError */
	QR_ECLASS_NOT_SUPPORTED,  /* DBAPI NotSupportedError */
	QR_ECLASS_ARGUMENT,       /* quarry: bad argument (ArgumentError) */
	QR_ECLASS_INVALID_REQUEST /* quarry: InvalidRequestError */
} qr_errclass;

#define QR_ERROR_MESSAGE_MAX 512
#define QR_ERROR_STATEMENT_MAX 1024

/* The details of the last error on this thread. */
typedef struct qr_error {
	int code;           /* a qr_errcode, negative; 0 when none */
	qr_errclass klass;  /* the DBAPI-style class */
	char sqlstate[6];   /* five characters, or "" if none given */
	int native_code;    /* the driver's own code, 0 if none */
	bool is_disconnect; /* the connection is unusable afterwards */
	char message[QR_ERROR_MESSAGE_MAX];     /* one line; never NULL */
	char statement[QR_ERROR_STATEMENT_MAX]; /* failing SQL, or "" */
} qr_error;

/*
 * The last error recorded on the calling thread. Never NULL; code is 0 when
 * no error was recorded since the thread started or qr_error_clear().
 * The pointer is valid until the thread exits; its contents change with the
 * next error on the thread.
 */
QR_API const qr_error *qr_error_last(void);

/* Forgets the calling thread's last error. */
QR_API void qr_error_clear(void);

/* Static names: "IntegrityError", "OperationalError", ... never NULL. */
QR_API const char *qr_errclass_name(qr_errclass klass);

/* A static description of a code, e.g. "out of memory". Never NULL. */
QR_API const char *qr_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_ERROR_H */
