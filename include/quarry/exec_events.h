/*
 * quarry/exec_events.h - listening to the statements an engine's
 * connections send (SQLAlchemy's before_cursor_execute,
 * after_cursor_execute and handle_error engine events).
 *
 *   static int log_sql(void *ud, const qr_exec_event_info *info)
 *   {
 *           fprintf(ud, "%.*s\n", (int)info->statement_len,
 *                   info->statement);
 *           return 0;
 *   }
 *   qr_engine_on_execute(engine, QR_BEFORE_CURSOR_EXECUTE, log_sql,
 *                        stderr);
 *
 * A listener sees each statement as the driver gets it: the SQL (a
 * batch's multi-row INSERT, a SAVEPOINT, a statement of a text() script
 * as one) and the values after type conversion, once per driver
 * execution (an executemany sent as several batches or chunks fires
 * once per batch, as SQLAlchemy's insertmanyvalues does). BEGIN, COMMIT
 * and ROLLBACK go through the driver's own calls, not as statements (as
 * with a DBAPI cursor), and fire nothing.
 */
#ifndef QUARRY_EXEC_EVENTS_H
#define QUARRY_EXEC_EVENTS_H

#include "engine.h"
#include "error.h"
#include "value.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qr_exec_event {
	/* Before the driver executes: a listener's error (a negative QR_E*
	 * code, recorded with qr_error_set) stops the statement, which is
	 * then never sent; the execution fails with that error. */
	QR_BEFORE_CURSOR_EXECUTE = 0,
	/* After it succeeded (rows not read yet): a listener's error fails
	 * the execution (the statement ran: the transaction decides). */
	QR_AFTER_CURSOR_EXECUTE,
	/* After it failed, with the error (classified: disconnects, integrity
	 * errors...); listeners' return values are ignored, the error stays
	 * the execution's. */
	QR_HANDLE_ERROR
} qr_exec_event;

#define QR_EXEC_EVENT_COUNT 3

/* What a listener is told; everything is borrowed for the call. */
typedef struct qr_exec_event_info {
	qr_exec_event event;
	qr_conn *conn;         /* the connection executing */
	const char *statement; /* the SQL as sent (not NUL-terminated) */
	size_t statement_len;
	/* nrows parameter sets of nparams values each, row after row, as
	 * the driver gets them (after conversion; NULL when none) */
	const qr_value *parameters;
	size_t nparams, nrows;
	/* the execution is part of an executemany (several parameter sets
	 * given to one call) */
	bool executemany;
	/* AFTER: rows the driver reports (matched by UPDATE/DELETE,
	 * inserted), -1 when unknown or a SELECT */
	int64_t rowcount;
	const qr_error *error; /* HANDLE_ERROR: the error */
} qr_exec_event_info;

typedef int (*qr_exec_listener)(void *userdata, const qr_exec_event_info *info);

/*
 * Adds fn as a listener for event on every connection of the engine,
 * after those added before (SQLAlchemy's event.listen(engine, ...)).
 * Called on the executing thread, with no lock held; a listener may
 * not execute on the connection it is told of (the driver connection is
 * busy). Listeners stay until removed or the engine is freed.
 * Thread-safe, also while other threads use the engine (they may miss a
 * listener being added concurrently). Errors: QR_EINVAL (NULL engine or
 * fn, unknown event), QR_ENOMEM.
 */
QR_API int qr_engine_on_execute(qr_engine *engine, qr_exec_event event,
				qr_exec_listener fn, void *userdata);

/*
 * Removes a listener added with qr_engine_on_execute: the first one
 * still active for event with the same fn and userdata. Later
 * statements do not call it; a call already running finishes. The few
 * bytes it used stay allocated until the engine is freed. Errors:
 * QR_EINVAL (NULL engine or fn, unknown event, no such listener).
 */
QR_API int qr_engine_off_execute(qr_engine *engine, qr_exec_event event,
				 qr_exec_listener fn, void *userdata);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_EXEC_EVENTS_H */
