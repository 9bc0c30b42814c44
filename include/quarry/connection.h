/*
 * quarry/connection.h - connections, execution and transactions.
 *
 * Transactions follow SQLAlchemy 2.0:
 *   - "commit as you go": the first statement on a connection begins a
 *     transaction implicitly (autobegin); qr_conn_commit() or
 *     qr_conn_rollback() ends it, and the next statement begins another.
 *   - "begin once": qr_conn_begin() begins explicitly and returns a
 *     qr_tx that is committed with qr_tx_commit() or rolled back with
 *     qr_tx_rollback(); freeing an unfinished qr_tx rolls it back.
 *   - nested: qr_conn_begin_nested() emits SAVEPOINT; its qr_tx commits
 *     (RELEASE SAVEPOINT) or rolls back (ROLLBACK TO SAVEPOINT) only its
 *     own part.
 * A connection freed mid-transaction is rolled back before it returns to
 * the pool. A connection belongs to one thread at a time.
 */
#ifndef QUARRY_CONNECTION_H
#define QUARRY_CONNECTION_H

#include "engine.h"
#include "params.h"
#include "statement.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_result qr_result;
typedef struct qr_tx qr_tx;

/*
 * Executes stmt with params (NULL for none). A params with several rows
 * is an executemany: the statement runs once per row and the result's
 * rowcount is the total. Inside a transaction, an executemany of a plain
 * INSERT .. VALUES (parameters only) is sent as multi-row INSERTs. With
 * a RETURNING clause (where the dialect has RETURNING) the result holds
 * the rows of every parameter set, in order (SQLAlchemy 2.0's
 * "insertmanyvalues"): batched when it can be, else (a SQL expression
 * in the VALUES, AUTOCOMMIT, an UPDATE or DELETE) one execution per
 * parameter set. Without RETURNING an executemany returns no rows. *out
 * receives the result (the caller's; free with qr_result_free); out may be NULL
 * to discard it. On error *out is NULL and, when the database failed,
 * qr_error_last() has the class, SQLSTATE, native code, message and statement.
 * Errors: QR_EINVAL (stmt NULL: the error that produced it is kept),
 * QR_EPARAM (a parameter has no value), QR_EDB, QR_EDISCONNECT,
 * QR_ESTATE (connection invalidated or closed), QR_ENOMEM.
 */
QR_API int qr_conn_execute(qr_result **out, qr_conn *conn, const qr_stmt *stmt,
			   const qr_params *params);

/* Shorthand for executing qr_text(sql). */
QR_API int qr_conn_execute_text(qr_result **out, qr_conn *conn, const char *sql,
				const qr_params *params);

/* Commits / rolls back the current transaction. No-op when none. */
QR_API int qr_conn_commit(qr_conn *conn);
QR_API int qr_conn_rollback(qr_conn *conn);

/* True between a (possibly implicit) BEGIN and its end. */
QR_API bool qr_conn_in_transaction(const qr_conn *conn);

/*
 * Begins a transaction explicitly. Errors: QR_ESTATE when one is already
 * in progress (as SQLAlchemy's "a transaction is already begun").
 */
QR_API int qr_conn_begin(qr_tx **out, qr_conn *conn);

/* Emits SAVEPOINT (beginning the outer transaction first if none). */
QR_API int qr_conn_begin_nested(qr_tx **out, qr_conn *conn);

/*
 * Ends a transaction. Committing or rolling back an outer transaction
 * also ends the savepoints inside it. Errors: QR_ESTATE when tx is no
 * longer active; database errors.
 */
QR_API int qr_tx_commit(qr_tx *tx);
QR_API int qr_tx_rollback(qr_tx *tx);
QR_API bool qr_tx_is_active(const qr_tx *tx);

/* Rolls back if still active, then releases tx. Accepts NULL. */
QR_API void qr_tx_free(qr_tx *tx);

/*
 * Sets the isolation level for this connection until it is returned to
 * the pool (SQLAlchemy's execution_options(isolation_level=...)).
 * Errors: QR_ESTATE inside a transaction; QR_ENOTSUP; database errors.
 */
QR_API int qr_conn_set_isolation(qr_conn *conn, qr_isolation level);

/*
 * Streams the rows of the statements this connection executes from now on
 * (on: true) until it is set back or the connection is returned to the
 * pool (SQLAlchemy's execution_options(stream_results=True)): the driver
 * reads rows from the server as the result is iterated instead of all at
 * execute, so memory stays flat however many rows come. PostgreSQL
 * (libpq) then uses single-row mode; MySQL/MariaDB reads unbuffered, as
 * it does by default anyway; SQLite always steps row by row. The flag is
 * read when a statement is executed: a result keeps the way it started.
 * Executing another statement on the connection while such a result is
 * still open first reads the rest of its rows into memory; read it to the
 * end or free it first to keep memory flat. Errors: QR_EINVAL (NULL),
 * QR_ESTATE (closed connection).
 */
QR_API int qr_conn_set_stream_results(qr_conn *conn, bool on);

/* The engine the connection came from, borrowed. */
QR_API qr_engine *qr_conn_engine(const qr_conn *conn);

/* True once a disconnect was seen: the connection is unusable. */
QR_API bool qr_conn_invalidated(const qr_conn *conn);

/*
 * Invalidates the connection (SQLAlchemy's Connection.invalidate()): its
 * driver connection is never used again and is closed when conn is freed
 * or replaced; an open transaction is forgotten (the server's side ends
 * with the connection). The next statement on conn checks out a fresh
 * connection. Accepts NULL; a no-op when already invalidated.
 */
QR_API void qr_conn_invalidate(qr_conn *conn);

/* Rolls back, returns the connection to its pool. Accepts NULL. */
QR_API void qr_conn_free(qr_conn *conn);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_CONNECTION_H */
