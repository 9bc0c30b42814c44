/*
 * mysqlclient_internal.h - what the files of the mysqlclient driver share
 * (private).
 *
 *   mysqlclient_driver.c  the vtable, connect/close, transactions, ping,
 *                         server version, error mapping
 *   mysqlclient_exec.c    execute: parameter binding, prepared statements,
 *                         the text protocol, executemany
 *   mysqlclient_cursor.c  cursors: result binding, fetch and conversion,
 *                         column type names
 *   mysqlclient_sql.c     lexical checks on SQL text (statement kind,
 *                         scripts)
 *   ../common/stmt_cache.c  the per-connection prepared statement cache
 */
#ifndef QUARRY_DIALECTS_MYSQLCLIENT_INTERNAL_H
#define QUARRY_DIALECTS_MYSQLCLIENT_INTERNAL_H

#include "../common/stmt_cache.h"

#include <mysql.h>
#include <quarry/sys/dialect.h>

/* Prepared statements kept per connection unless the URL says otherwise
 * ("statement_cache_size"). */
#define QR_MYSQL_CACHE_DEFAULT 64

/* Parameter storage for one row. */
typedef struct qr_mysql_param {
	union {
		int64_t i;
		double d;
		signed char b;
		MYSQL_TIME t;
	} u;
	unsigned long length;
	my_bool is_null;
} qr_mysql_param;

struct qr_driver_conn {
	MYSQL *my;
	qr_log_fn log_fn;
	void *log_userdata;
	/* MYSQL_STMT * by SQL text (closed when evicted). */
	qr_stmt_cache cache;
	bool autocommit;     /* isolation AUTOCOMMIT: begin is a no-op */
	bool stream_results; /* rows read unbuffered (default) */
	bool stream_now;     /* this execution's: stream_results or asked */
	bool busy;           /* an unbuffered cursor still has rows */
	/* A server error came since the last COMMIT or ROLLBACK: the
	 * status flags (from the last OK or EOF packet: an error packet
	 * has none) may say no transaction while the failed statement
	 * opened one, holding its locks. */
	bool status_stale;
	bool bulk; /* the server takes bulk executions (array binding) */
	/* Parameter binds for one row, grown as needed. */
	MYSQL_BIND *pbinds;
	qr_mysql_param *pvals;
	size_t pcap;
	/* Core frees a cursor before the next execute on its connection:
	 * one cursor and the last freed cursor's columns block (of
	 * spare_cols_size bytes) are kept for the next result. */
	struct qr_driver_cursor *spare_cursor;
	bool spare_cursor_out;
	void *spare_cols;
	size_t spare_cols_size;
};

/* How a column converts, from its field type, flags and charset. */
typedef enum qr_mysql_kind {
	QR_MYK_INT,
	QR_MYK_FLOAT, /* FLOAT: 4-byte, read back at float precision */
	QR_MYK_DOUBLE,
	QR_MYK_DECIMAL,
	QR_MYK_DATE,
	QR_MYK_TIME,
	QR_MYK_DATETIME,
	QR_MYK_TEXT,
	QR_MYK_BLOB
} qr_mysql_kind;

/* Result storage for one column of the binary protocol. */
typedef struct qr_mysql_col {
	qr_mysql_kind kind;
	bool is_unsigned;
	union {
		int64_t i;
		double d;
		float f;
		MYSQL_TIME t;
	} u;
	char *buf;         /* text and blobs: in the cursor's block, or ... */
	bool buf_own;      /* ... malloc'd on its own once grown */
	unsigned long cap; /* bytes in buf, the last kept for a NUL */
	unsigned long length;
	my_bool is_null;
	my_bool error;
	char text[40]; /* out-of-range values rendered as text */
} qr_mysql_col;

struct qr_driver_cursor {
	qr_driver_conn *conn;
	MYSQL_STMT *stmt; /* binary protocol; NULL for text */
	bool owns_stmt;   /* not cached: closed with the cursor */
	bool unbuffered;  /* rows are read off the wire as fetched */
	bool done;        /* every row was read */
	bool prefetched;  /* unbuffered: the first row is in the binds */
	int prefetch_rc;  /* its mysql_stmt_fetch() status */
	MYSQL_RES *res;   /* result metadata, or the text result */
	MYSQL_FIELD *fields;
	unsigned ncols;
	/* ncols each (binary protocol), one block starting with binds, the
	 * columns' first buffers after them: freed with binds */
	MYSQL_BIND *binds;
	qr_mysql_col *cols;
	size_t cols_size; /* bytes of that block */
	int64_t rowcount;
	int64_t insert_id;
	int64_t fetched;
};

/* mysqlclient_driver.c: record the connection's / statement's last error
 * on the thread; return QR_EDB or QR_EDISCONNECT. */
int qr_mysql__error(qr_driver_conn *conn, const char *sql);
int qr_mysql__stmt_error(qr_driver_conn *conn, MYSQL_STMT *stmt,
			 const char *sql);
/* The class of a server or client error number, and whether the
 * connection is lost with it. */
qr_errclass qr_mysql__classify(unsigned err, const char *sqlstate,
			       bool *disconnect);

/* mysqlclient_exec.c */
int qr_mysql__execute(qr_driver_cursor **out, qr_driver_conn *conn,
		      const qr_driver_exec *exec);
/* Releases a cached statement (for the cache's dispose callback). */
void qr_mysql__stmt_dispose(void *ctx, void *stmt);

/* mysqlclient_cursor.c */
/* A cursor over stmt after a successful execute (binds its result). */
int qr_mysql__cursor_stmt(qr_driver_cursor **out, qr_driver_conn *conn,
			  MYSQL_STMT *stmt, bool owns_stmt, const char *sql);
/* A cursor over a stored text-protocol result (may be NULL: no rows). */
int qr_mysql__cursor_text(qr_driver_cursor **out, qr_driver_conn *conn,
			  MYSQL_RES *res, int64_t rowcount, int64_t insert_id);
size_t qr_mysql__column_count(const qr_driver_cursor *cur);
const char *qr_mysql__column_name(const qr_driver_cursor *cur, size_t i);
const char *qr_mysql__column_type(const qr_driver_cursor *cur, size_t i);
int qr_mysql__fetch(qr_driver_cursor *cur, qr_value *values);
int64_t qr_mysql__rowcount(const qr_driver_cursor *cur);
int64_t qr_mysql__last_insert_id(const qr_driver_cursor *cur);
void qr_mysql__cursor_free(qr_driver_cursor *cur);
/* The conversion kind and the type name of a field. */
qr_mysql_kind qr_mysql__field_kind(const MYSQL_FIELD *f);
const char *qr_mysql__type_name(const MYSQL_FIELD *f);

/* mysqlclient_sql.c: lexical checks that follow MySQL's quoting rules. */
bool qr_mysql__is_script(const char *sql, size_t len);
/* SELECT, INSERT, UPDATE, DELETE, REPLACE, WITH, VALUES, TABLE, CALL. */
bool qr_mysql__is_cacheable(const char *sql, size_t len);
/* An UPDATE or DELETE (its first word). */
bool qr_mysql__is_update_or_delete(const char *sql, size_t len);

/* mysqlclient_bulk.c: executemany by MariaDB's bulk execution. */

/* Whether conn's server takes bulk executions (MariaDB 10.2 and later,
 * through MariaDB Connector/C); false for MySQL. */
bool qr_mysql__bulk_supported(MYSQL *my);

/*
 * Executes exec's rows (an UPDATE or DELETE without a result, prepared as
 * stmt) in batches of rows bound as arrays: one round trip a batch
 * instead of one a row. Adds the rows each batch matched to *total.
 * *sent is false when nothing was executed: a parameter's values are
 * not all of one kind (NULLs aside) or the client library has no bulk
 * execution; the caller then executes row by row. Returns 0 or an error
 * (rows of earlier batches stay executed, as with row-by-row execution:
 * the caller's transaction decides).
 */
int qr_mysql__exec_bulk(bool *sent, int64_t *total, qr_driver_conn *conn,
			MYSQL_STMT *stmt, const qr_driver_exec *exec);

/* The MYSQL_TIME and buffer type of a date, time or datetime value;
 * false for another kind. */
bool qr_mysql__time_value(MYSQL_TIME *t, enum enum_field_types *type,
			  const qr_value *v);

#endif
