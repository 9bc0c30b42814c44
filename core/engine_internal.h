/*
 * engine_internal.h - engine, connection, transaction and result structs
 * (private to core).
 */
#ifndef QUARRY_CORE_ENGINE_INTERNAL_H
#define QUARRY_CORE_ENGINE_INTERNAL_H

#include "../pool/listener_list.h"
#include "../pool/pool.h"
#include "sql/compiled.h"

#include <pthread.h>
#include <quarry/exec_events.h>
#include <quarry/result.h>
#include <quarry/sys/dialect.h>
#include <stdatomic.h>

struct qr_engine {
	qr_url *url;
	char *url_display; /* rendered with the password masked */
	const qr_dialect *dialect;
	const qr_driver *driver;
	qr_engine_options opts;
	char **connect_args; /* owned NULL-terminated copy */
	qr_pool *pool;
	/* Statement listeners per event (quarry/exec_events.h), and whether
	 * any was ever added (executions test it first). */
	qr_listener_list exec_listeners[QR_EXEC_EVENT_COUNT];
	atomic_bool exec_watched;
	pthread_mutex_t exec_lock; /* serialises adding and removing */
};

/* Calls the listeners of info->event (engine_events.c). BEFORE and
 * AFTER: the first error stops the others and is returned; HANDLE_ERROR:
 * errors ignored, 0. */
int qr_engine__fire_exec(qr_engine *e, const qr_exec_event_info *info);

/* Frees the listeners (engine free). */
void qr_engine__exec_listeners_free(qr_engine *e);

/* Whether statements of e are listened to. */
static inline bool qr_engine__exec_watched(const qr_engine *e)
{
	return atomic_load_explicit(&((qr_engine *)e)->exec_watched,
				    memory_order_relaxed);
}

/* Slots of a statement whose name lookups a connection remembers. */
#define QR_CONN_SLOT_MEMO 8

struct qr_conn {
	qr_engine *engine;
	qr_pooled *pooled;          /* NULL once closed */
	bool in_tx;                 /* a BEGIN is in effect */
	bool autocommit;            /* isolation AUTOCOMMIT: never begin */
	bool isolation_changed;     /* reset the level at checkin */
	unsigned tx_generation;     /* bumps when the outer tx ends */
	int savepoint_seq;          /* names sa_savepoint_<n> */
	int savepoint_depth;        /* open savepoints */
	qr_tx *outer;               /* the explicit outer tx, if any */
	qr_result *active;          /* result whose cursor is still open */
	struct qr_scratch *scratch; /* converted parameter bytes, reset at
				     * every execution */
	bool tx_work;               /* a statement succeeded in this tx */
	bool stream_results;        /* qr_conn_set_stream_results */
	bool tx_lost; /* a disconnect ended a tx that had done work: until
			 rollback, nothing runs and commit fails */
	/* The allocation of the last result freed while it was this
	 * connection's active one (a lookup's), reused by the next result
	 * (result.c); freed with the connection. */
	struct qr_result *spare_result;
	/* Where the slots of the compiled form last run with one parameter
	 * set found their names in its params: the interned index of each
	 * slot's name (-1: not set), for that form's id (0: none) and the
	 * params' names id (connection.c, run_one). */
	uint64_t slots_form, slots_names;
	int slots_index[QR_CONN_SLOT_MEMO];
	/* The id of the last compiled form run whose result columns' types
	 * convert no value (its results skip qr_result__set_types). */
	uint64_t plain_results_form;
};

struct qr_tx {
	qr_conn *conn;
	unsigned generation; /* conn->tx_generation at begin */
	int depth;           /* 0 outer, n for the n-th savepoint */
	int savepoint;       /* savepoint number (nested only) */
	bool active;
};

/* A row: values of every column, plus the result for the names. */
struct qr_row {
	const qr_result *result;
	qr_value *values;
};

struct qr_rowset {
	/* From qr_result_all: the columns (count, names) the rows refer to,
	 * copied so that the rows outlive the result, as documented. NULL in
	 * a result's own buffer, whose rows refer to the result. */
	qr_result *shape;
	qr_row *rows;
	size_t count, cap;
	char **blocks; /* arena blocks with copied values; the last one is
			  filled, up to block_used of block_cap bytes */
	size_t nblocks, blocks_cap;
	size_t block_used, block_cap;
};

/* qr_result__new sets each member (a new one must be set there too). */
struct qr_result {
	qr_conn *conn;
	const qr_driver *driver;
	qr_driver_cursor *cursor; /* NULL once exhausted or closed */
	size_t ncols;
	/* Column names and types: NULL while the cursor's serve (copied
	 * when asked for or before the cursor closes: own_shape). */
	char **names;
	char **types;
	char *shape_mem;          /* holds names and types (packed results) */
	qr_value *current_values; /* the streaming row */
	qr_row current;
	qr_rowset *buffer; /* rows buffered when detached/all */
	size_t buffer_pos;
	/* first()/scalar() left their row in the open cursor (kept points
	 * at current_values): copied only when the connection is needed
	 * before the result is freed (qr_result__detach). */
	bool held;
	qr_row kept;       /* the row first/one/scalar copied into ... */
	char *kept_mem;    /* ... its own allocation (NULL: none), or ... */
	char *kept_inline; /* ... this space in the result's, if it fits */
	size_t kept_inline_cap;
	/* current_values lives in the result's own allocation and names
	 * and types in shape_mem (qr_result__new); else each is malloc'd */
	bool packed;
	size_t mem_size; /* bytes of that allocation (packed only) */
	qr_value scalar; /* copy for qr_result_scalar */
	int64_t rowcount;
	int64_t last_insert_id;
	bool returns_rows;
	/* Buffering the rest of the rows failed (qr_result__detach): after
	 * the rows it kept, next() reports this code, never a short end. */
	int lost_rows;
	/* Result processing (SQLAlchemy's result processors): the SQL type
	 * of the first nresult columns, from the compiled statement; each
	 * fetched value is converted from the dialect's storage form. The
	 * converted bytes live in scratch, reset at every row. */
	const qr_dialect *dialect;
	qr_type *result_types; /* owned, bare types */
	size_t nresult;
	struct qr_scratch *scratch;
};

/* Gives a result the statement's result column types (copied). */
int qr_result__set_types(qr_result *result, const qr_compiled *compiled);

/* Whether a result column type of compiled converts values (false: its
 * results need no qr_result__set_types). */
bool qr_result__types_convert(const qr_compiled *compiled);

/* Buffers the rest of a result's rows and closes its cursor, so another
 * statement can run on the connection. */
int qr_result__detach(qr_result *result);

/* Reads every row of cur (another execution of the statement whose
 * result r is, detached) into r's buffer after the rows already there,
 * and frees cur. r's rowcount becomes cur's. */
int qr_result__absorb(qr_result *r, qr_driver_cursor *cur);

/* Reads the row of an INSERT's implicit RETURNING (compiled.h): its
 * first column's integer becomes last_insert_id, the cursor is closed,
 * and the result returns no rows, as a plain INSERT's. */
int qr_result__take_key(qr_result *r);

/* Wraps a driver cursor into a new result. */
int qr_result__new(qr_result **out, qr_conn *conn, qr_driver_cursor *cur);

/* Copies a row's values into a rowset's arena as a new row. */
int qr_rowset__append(qr_rowset *set, const qr_result *result,
		      const qr_value *values);

/* Logs through the engine when echo is on. */
void qr_engine__echo(const qr_engine *engine, const char *fmt, ...)
	QR_PRINTF(2, 3);

/* Records a driver failure on conn: adds the statement and, for a
 * disconnect, invalidates the connection. Returns rc. */
int qr_conn__failed(qr_conn *conn, int rc, const char *sql);

#endif
