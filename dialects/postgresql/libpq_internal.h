/*
 * libpq_internal.h - what the files of the libpq driver share (private).
 *
 *   libpq_driver.c  the vtable, connect/close, transactions, ping, errors
 *   libpq_exec.c    execute: parameters, prepare, pipeline, streaming
 *   libpq_cursor.c  cursors: columns, type names, fetch and conversion
 *   ../common/stmt_cache.c  the per-connection prepared statement cache
 *   libpq_sql.c     lexical checks on SQL text (statement kind, scripts)
 */
#ifndef QUARRY_DIALECTS_LIBPQ_INTERNAL_H
#define QUARRY_DIALECTS_LIBPQ_INTERNAL_H

#include "../common/stmt_cache.h"

#include <libpq-fe.h>
#include <quarry/sys/dialect.h>

/* Prepared statements kept per connection unless the URL says otherwise
 * ("statement_cache_size"). */
#define QR_LIBPQ_CACHE_DEFAULT 128

/* The type OIDs the driver converts (from pg_type.dat; stable). */
enum {
	QR_PG_BOOL = 16,
	QR_PG_BYTEA = 17,
	QR_PG_INT8 = 20,
	QR_PG_INT2 = 21,
	QR_PG_INT4 = 23,
	QR_PG_OID = 26,
	QR_PG_FLOAT4 = 700,
	QR_PG_FLOAT8 = 701,
	QR_PG_DATE = 1082,
	QR_PG_TIME = 1083,
	QR_PG_TIMESTAMP = 1114,
	QR_PG_TIMESTAMPTZ = 1184,
	QR_PG_NUMERIC = 1700
};

struct qr_driver_conn {
	PGconn *pg;
	qr_log_fn log_fn;
	void *log_userdata;
	/* Prepared statements by SQL text and declared parameter types;
	 * each value is the statement's number n, named "qr_<n>" on the
	 * server. */
	qr_stmt_cache cache;
	uint64_t next_stmt;
	bool autocommit;     /* isolation AUTOCOMMIT: begin is a no-op */
	bool stream_results; /* single-row mode for queries with rows */
	bool busy;           /* a streaming cursor still reads rows */
	char version[32];
	/* Scratch for one row of parameters, grown as needed. */
	const char **pvalues;
	int *plengths;
	int *pformats;
	Oid *ptypes;
	char *pscratch; /* QR_LIBPQ_SCRATCH bytes per parameter */
	size_t pcap;
};

/* Room for the text of a number, date or time parameter. */
#define QR_LIBPQ_SCRATCH 64

struct qr_driver_cursor {
	qr_driver_conn *conn;
	PGresult *res;  /* all rows (buffered) or the current row */
	int row;        /* next row of res to return (buffered) */
	int ntuples;    /* rows in res (buffered) */
	bool streaming; /* rows come one PGresult at a time */
	bool pending;   /* streaming: res holds a row not yet fetched */
	bool done;      /* streaming: every result was read */
	int ncols;
	/* ncols each, in the cursor's own block (after it; freed with it) */
	Oid *oids;
	char **names;          /* into the same block */
	char (*typebuf)[16];   /* "oid:<n>" for unknown types, when asked */
	unsigned char **bytea; /* decoded bytea of the current row (owned) */
	int64_t rowcount;
	int64_t fetched;
};

/* libpq_driver.c: records the error of res (NULL: the connection's
 * error) on the thread and returns QR_EDB or QR_EDISCONNECT. */
int qr_libpq__error(qr_driver_conn *conn, const PGresult *res, const char *sql);

/* libpq_exec.c */
int qr_libpq__execute(qr_driver_cursor **out, qr_driver_conn *conn,
		      const qr_driver_exec *exec);

/* libpq_cursor.c: builds a cursor over res (taking it); streaming says
 * whether later rows come from the connection. */
int qr_libpq__cursor_new(qr_driver_cursor **out, qr_driver_conn *conn,
			 PGresult *res, bool streaming);
size_t qr_libpq__column_count(const qr_driver_cursor *cur);
const char *qr_libpq__column_name(const qr_driver_cursor *cur, size_t i);
const char *qr_libpq__column_type(const qr_driver_cursor *cur, size_t i);
int qr_libpq__fetch(qr_driver_cursor *cur, qr_value *values);
int64_t qr_libpq__rowcount(const qr_driver_cursor *cur);
int64_t qr_libpq__last_insert_id(const qr_driver_cursor *cur);
void qr_libpq__cursor_free(qr_driver_cursor *cur);
/* The static name of a type OID ("int4"), or NULL if not in the table. */
const char *qr_libpq__type_name(Oid oid);
/* The rows a result reports in its command tag, or -1. */
int64_t qr_libpq__cmd_tuples(const PGresult *res);

/* libpq_sql.c: lexical checks that follow PostgreSQL's quoting rules. */
/* True when sql holds more than one statement (a script). */
bool qr_libpq__is_script(const char *sql, size_t len);
/* True for statements worth preparing once and keeping: SELECT, INSERT,
 * UPDATE, DELETE, WITH, VALUES, TABLE, MERGE. */
bool qr_libpq__is_cacheable(const char *sql, size_t len);

#endif
