/*
 * libpq_exec.c - executing statements with libpq.
 *
 * Paths, chosen per request:
 *   - no parameters, and a script or a statement not worth keeping
 *     (DDL, SET, ...): PQexec, the simple protocol (one round trip,
 *     several statements allowed; the last one's result is returned);
 *   - otherwise the extended protocol: the statement is prepared once per
 *     connection (PQprepare, cached by SQL text and parameter types, LRU
 *     bounded) and run with PQexecPrepared; with the cache disabled
 *     (statement_cache_size=0) or inside a failed transaction it runs
 *     unnamed with PQexecParams;
 *   - executemany (nrows > 1): the prepared statement in pipeline mode,
 *     rows sent in chunks of PIPELINE_CHUNK with a flush request after
 *     each, so that results are read while later rows go out and neither
 *     side's socket buffer can fill up; one Sync at the end makes the
 *     batch one implicit transaction outside BEGIN (all rows or none).
 *     (The connection stays blocking: a chunk whose results are huge,
 *     an executemany of INSERT ... RETURNING large values, could still
 *     fill the buffers; non-blocking I/O would lift that limit.)
 *     Without pipeline support it loops over PQexecPrepared.
 *   - with stream_results=true (the URL's, or the execution's: see
 *     qr_conn_set_stream_results), a single execution of a prepared statement
 *     is sent asynchronously in single-row mode: rows are converted as
 *     they arrive and memory stays flat, at the cost of one PGresult per
 *     row (see README.md for measurements) and of draining the unread
 *     rows when the cursor is freed early (a cancel would abort the
 *     transaction).
 *
 * Parameters go as text; numbers and booleans are declared int4/int8,
 * float8 and bool (as psycopg2's literals would be typed), blobs go in
 * binary format declared bytea, and everything else is unspecified (OID
 * 0: the server infers it from context). The SQL text must be NUL-terminated at
 * sql_len.
 */
#include "libpq_internal.h"

#include <quarry/sys/error.h>

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PIPELINE_CHUNK 256

/* ------------------------------------------------------------ parameters */

static int ensure_scratch(qr_driver_conn *c, size_t n)
{
	if (n <= c->pcap)
		return 0;
	const char **v = realloc(c->pvalues, n * sizeof(*v));
	if (v)
		c->pvalues = v;
	int *l = realloc(c->plengths, n * sizeof(*l));
	if (l)
		c->plengths = l;
	int *f = realloc(c->pformats, n * sizeof(*f));
	if (f)
		c->pformats = f;
	Oid *t = realloc(c->ptypes, n * sizeof(*t));
	if (t)
		c->ptypes = t;
	char *s = realloc(c->pscratch, n * QR_LIBPQ_SCRATCH);
	if (s)
		c->pscratch = s;
	if (!v || !l || !f || !t || !s)
		return qr_error_oom("libpq parameters");
	c->pcap = n;
	return 0;
}

/* The shortest text that reads back as the same double. */
static void format_double(char *buf, size_t cap, double d)
{
	if (isnan(d)) {
		snprintf(buf, cap, "NaN");
		return;
	}
	if (isinf(d)) {
		snprintf(buf, cap, "%s", d > 0 ? "Infinity" : "-Infinity");
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, cap, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

/* n in decimal at buf, NUL-terminated (room for 21 bytes), without
 * snprintf's format parsing; returns the NUL's place. */
static char *put_decimal(char *buf, uint64_t n)
{
	char digits[20], *d = digits + sizeof(digits);

	do {
		*--d = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	size_t len = (size_t)(digits + sizeof(digits) - d);
	memcpy(buf, d, len);
	buf[len] = '\0';
	return buf + len;
}

/* v in decimal at buf (room for 21 bytes), NUL-terminated. */
static void format_int(char *buf, int64_t v)
{
	if (v < 0)
		*buf++ = '-';
	/* (the magnitude as unsigned: INT64_MIN has no positive int64) */
	put_decimal(buf, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

static int param_error(size_t i, const char *what)
{
	return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
			    "libpq: parameter $%zu: %s", i + 1, what);
}

/* Fills slot i of the connection's parameter arrays from v. */
static int convert_param(qr_driver_conn *c, size_t i, const qr_value *v)
{
	char *buf = c->pscratch + i * QR_LIBPQ_SCRATCH;
	int n;

	c->pvalues[i] = buf;
	c->plengths[i] = 0;
	c->pformats[i] = 0;
	switch (v->kind) {
	case QR_VNULL:
		c->pvalues[i] = NULL;
		return 0;
	case QR_VINT:
		format_int(buf, v->u.i);
		return 0;
	case QR_VDOUBLE:
		format_double(buf, QR_LIBPQ_SCRATCH, v->u.d);
		return 0;
	case QR_VBOOL:
		c->pvalues[i] = v->u.b ? "t" : "f";
		return 0;
	case QR_VTEXT:
	case QR_VNUMERIC:
		if (v->u.s.len && memchr(v->u.s.ptr, '\0', v->u.s.len))
			return param_error(
				i, "PostgreSQL text cannot contain NUL bytes");
		c->pvalues[i] = v->u.s.ptr ? v->u.s.ptr : "";
		return 0;
	case QR_VBLOB:
		if (v->u.s.len > INT_MAX)
			return param_error(i, "blob larger than 2 GiB");
		c->pvalues[i] = v->u.s.ptr ? v->u.s.ptr : "";
		c->plengths[i] = (int)v->u.s.len;
		c->pformats[i] = 1;
		return 0;
	case QR_VDATE:
		n = qr_date_format(&v->u.date, buf, QR_LIBPQ_SCRATCH);
		break;
	case QR_VTIME:
		n = qr_time_format(&v->u.time, buf, QR_LIBPQ_SCRATCH);
		break;
	case QR_VDATETIME:
		n = qr_datetime_format(&v->u.datetime, buf, QR_LIBPQ_SCRATCH);
		break;
	default:
		return param_error(i, "unknown value kind");
	}
	return n < 0 ? param_error(i, "date or time out of range") : 0;
}

static int convert_row(qr_driver_conn *c, const qr_driver_exec *exec,
		       size_t row)
{
	const qr_value *vals = exec->params + row * exec->nparams;

	for (size_t i = 0; i < exec->nparams; i++) {
		int rc = convert_param(c, i, &vals[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* The declared type one value asks for: what psycopg2's literal would
 * be typed as (a whole number int4, or int8 beyond int4's range; a
 * boolean bool; a double float8), bytea for a blob, and unspecified (0:
 * inferred from context, as for an untyped literal) for text and the
 * rest. Typing numbers lets "SELECT $1 - $2" work, where two unknowns
 * have no operator. */
static Oid value_type(const qr_value *v)
{
	switch (v->kind) {
	case QR_VINT:
		return v->u.i >= INT32_MIN && v->u.i <= INT32_MAX ? QR_PG_INT4
								  : QR_PG_INT8;
	case QR_VBOOL:
		return QR_PG_BOOL;
	case QR_VDOUBLE:
		return QR_PG_FLOAT8;
	case QR_VBLOB:
		return QR_PG_BYTEA;
	default:
		return 0;
	}
}

/* Declared types per parameter: the same for every row of an
 * executemany (NULLs take any), widened from int4 to int8, otherwise
 * unspecified when rows disagree. A blob anywhere makes it bytea. */
static void compute_types(qr_driver_conn *c, const qr_driver_exec *exec)
{
	for (size_t i = 0; i < exec->nparams; i++) {
		Oid t = 0;
		bool first = true, blob = false;
		for (size_t r = 0; r < exec->nrows; r++) {
			const qr_value *v =
				&exec->params[r * exec->nparams + i];
			if (v->kind == QR_VNULL)
				continue;
			Oid vt = value_type(v);
			blob = blob || vt == QR_PG_BYTEA;
			if (first) {
				t = vt;
				first = false;
			} else if (t != vt) {
				bool ints =
					(t == QR_PG_INT4 || t == QR_PG_INT8) &&
					(vt == QR_PG_INT4 || vt == QR_PG_INT8);
				t = ints ? QR_PG_INT8 : 0;
			}
		}
		c->ptypes[i] = blob ? QR_PG_BYTEA : t;
	}
}

/* -------------------------------------------------------------- results */

static bool result_ok(const PGresult *res)
{
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		return true;
	default:
		return false;
	}
}

/* Ends a COPY the simple protocol started: quarry does not stream COPY
 * data, so the statement fails cleanly and the connection stays usable. */
static int refuse_copy(qr_driver_conn *conn, PGresult *res, const char *sql)
{
	ExecStatusType st = PQresultStatus(res);
	PGresult *r;

	PQclear(res);
	if (st == PGRES_COPY_IN) {
		PQputCopyEnd(conn->pg, "COPY FROM STDIN is not supported");
	} else if (st == PGRES_COPY_OUT) {
		char *buf;
		while (PQgetCopyData(conn->pg, &buf, 0) > 0)
			PQfreemem(buf);
	}
	while ((r = PQgetResult(conn->pg)) != NULL)
		PQclear(r);
	qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
		     "libpq: COPY through STDIN/STDOUT is not supported");
	qr_error_set_statement(sql);
	return QR_ENOTSUP;
}

/* Checks a result of the simple or extended protocol; takes res on
 * failure. */
static int check_result(qr_driver_conn *conn, PGresult *res, const char *sql)
{
	if (res && result_ok(res))
		return 0;
	if (res && (PQresultStatus(res) == PGRES_COPY_IN ||
		    PQresultStatus(res) == PGRES_COPY_OUT ||
		    PQresultStatus(res) == PGRES_COPY_BOTH))
		return refuse_copy(conn, res, sql);
	int rc = qr_libpq__error(conn, res, sql);
	PQclear(res);
	return rc;
}

/* Reads and discards what an asynchronous query still has to say. */
static void drain(qr_driver_conn *conn)
{
	PGresult *r;

	while ((r = PQgetResult(conn->pg)) != NULL)
		PQclear(r);
}

/* ------------------------------------------------------- simple protocol */

static int exec_simple(qr_driver_cursor **out, qr_driver_conn *conn,
		       const qr_driver_exec *exec)
{
	PGresult *res = NULL;
	int64_t total = 0;
	int rc;

	for (size_t r = 0; r < exec->nrows; r++) {
		PQclear(res);
		res = PQexec(conn->pg, exec->sql);
		rc = check_result(conn, res, exec->sql);
		if (rc)
			return rc;
		int64_t n = qr_libpq__cmd_tuples(res);
		total = n < 0 || total < 0 ? -1 : total + n;
	}
	if (exec->nrows == 1)
		return qr_libpq__cursor_new(out, conn, res, false);
	PQclear(res);
	rc = qr_libpq__cursor_new(out, conn, NULL, false);
	if (rc == 0)
		(*out)->rowcount = total;
	return rc;
}

/* --------------------------------------------------------------- prepare */

/* A prepared statement: cached (entry set, named "qr_<n>") or, when
 * nothing is cached, unnamed. */
typedef struct pg_stmt {
	qr_stmt_cache_entry *entry;
	char name[24];
} pg_stmt;

/* The server-side name of the statement cached as value: "qr_<n>"
 * (formatted on every execution: by hand). */
static void stmt_name(char name[24], const void *value)
{
	memcpy(name, "qr_", 3);
	put_decimal(name + 3, (uint64_t)(uintptr_t)value);
}

static void deallocate(qr_driver_conn *conn, const void *value)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "DEALLOCATE ");
	stmt_name(sql + strlen(sql), value);
	PQclear(PQexec(conn->pg, sql));
}

/*
 * The prepared statement for exec into *st: a cached one, or none
 * (st->entry NULL) when the cache is disabled or the transaction has
 * failed (nothing can be prepared then: the unnamed path reports the
 * server's error).
 */
static int get_statement(pg_stmt *st, qr_driver_conn *conn,
			 const qr_driver_exec *exec)
{
	size_t klen = exec->nparams * sizeof(Oid);
	void *evicted = NULL;
	int rc;

	st->name[0] = '\0';
	st->entry = qr_stmt_cache__find(&conn->cache, exec->sql, exec->sql_len,
					conn->ptypes, klen);
	if (st->entry) {
		stmt_name(st->name, st->entry->value);
		return 0;
	}
	if (conn->cache.capacity == 0 ||
	    PQtransactionStatus(conn->pg) == PQTRANS_INERROR)
		return 0;

	void *value = (void *)(uintptr_t)++conn->next_stmt;
	stmt_name(st->name, value);
	PGresult *res = PQprepare(conn->pg, st->name, exec->sql,
				  (int)exec->nparams, conn->ptypes);
	rc = check_result(conn, res, exec->sql);
	if (rc)
		return rc;
	PQclear(res);
	rc = qr_stmt_cache__add(&conn->cache, exec->sql, exec->sql_len,
				conn->ptypes, klen, value, &evicted);
	if (evicted)
		deallocate(conn, evicted);
	if (rc) {
		deallocate(conn, value);
		return rc;
	}
	st->entry = qr_stmt_cache__find(&conn->cache, exec->sql, exec->sql_len,
					conn->ptypes, klen);
	return 0;
}

/* --------------------------------------------------------- one execution */

static PGresult *run_once(qr_driver_conn *conn, const qr_driver_exec *exec,
			  const pg_stmt *st)
{
	int n = (int)exec->nparams;

	if (st->entry)
		return PQexecPrepared(conn->pg, st->name, n, conn->pvalues,
				      conn->plengths, conn->pformats, 0);
	return PQexecParams(conn->pg, exec->sql, n, conn->ptypes, conn->pvalues,
			    conn->plengths, conn->pformats, 0);
}

static int exec_stream(qr_driver_cursor **out, qr_driver_conn *conn,
		       const qr_driver_exec *exec, const pg_stmt *st)
{
	int n = (int)exec->nparams;
	int ok;

	if (st->entry)
		ok = PQsendQueryPrepared(conn->pg, st->name, n, conn->pvalues,
					 conn->plengths, conn->pformats, 0);
	else
		ok = PQsendQueryParams(conn->pg, exec->sql, n, conn->ptypes,
				       conn->pvalues, conn->plengths,
				       conn->pformats, 0);
	if (!ok)
		return qr_libpq__error(conn, NULL, exec->sql);
	PQsetSingleRowMode(conn->pg);

	PGresult *res = PQgetResult(conn->pg);
	if (res && PQresultStatus(res) == PGRES_SINGLE_TUPLE)
		return qr_libpq__cursor_new(out, conn, res, true);
	/* No row: the statement is complete (or failed). */
	drain(conn);
	int rc = check_result(conn, res, exec->sql);
	if (rc)
		return rc;
	return qr_libpq__cursor_new(out, conn, res, false);
}

static int exec_one(qr_driver_cursor **out, qr_driver_conn *conn,
		    const qr_driver_exec *exec, const pg_stmt *st)
{
	int rc = convert_row(conn, exec, 0);
	if (rc)
		return rc;
	if (conn->stream_results || exec->stream_results)
		return exec_stream(out, conn, exec, st);
	PGresult *res = run_once(conn, exec, st);
	rc = check_result(conn, res, exec->sql);
	if (rc)
		return rc;
	return qr_libpq__cursor_new(out, conn, res, false);
}

/* ------------------------------------------------------------ executemany */

static void add_count(int64_t *total, const PGresult *res)
{
	int64_t n = qr_libpq__cmd_tuples(res);
	if (n >= 0 && *total >= 0)
		*total += n;
}

static int exec_loop(qr_driver_conn *conn, const qr_driver_exec *exec,
		     const char *name, int64_t *total)
{
	for (size_t r = 0; r < exec->nrows; r++) {
		int rc = convert_row(conn, exec, r);
		if (rc)
			return rc;
		PGresult *res = PQexecPrepared(
			conn->pg, name, (int)exec->nparams, conn->pvalues,
			conn->plengths, conn->pformats, 0);
		rc = check_result(conn, res, exec->sql);
		if (rc)
			return rc;
		add_count(total, res);
		PQclear(res);
	}
	return 0;
}

#ifdef LIBPQ_HAS_PIPELINING
/* Reads the results of queries sent but not yet read. The first error is
 * recorded in *rc; later queries of the pipeline report "aborted". */
static void read_pipeline(qr_driver_conn *conn, const qr_driver_exec *exec,
			  size_t *received, size_t sent, int64_t *total,
			  int *rc)
{
	PGresult *res;

	while (*received < sent) {
		/* Each query's results end with a NULL. */
		while ((res = PQgetResult(conn->pg)) != NULL) {
			switch (PQresultStatus(res)) {
			case PGRES_COMMAND_OK:
			case PGRES_TUPLES_OK:
				add_count(total, res);
				break;
			case PGRES_PIPELINE_ABORTED:
				break;
			default:
				if (*rc == 0)
					*rc = qr_libpq__error(conn, res,
							      exec->sql);
				break;
			}
			PQclear(res);
		}
		(*received)++;
		if (PQstatus(conn->pg) == CONNECTION_BAD) {
			if (*rc == 0)
				*rc = qr_libpq__error(conn, NULL, exec->sql);
			*received = sent;
		}
	}
}

static int exec_pipeline(qr_driver_conn *conn, const qr_driver_exec *exec,
			 const char *name, int64_t *total)
{
	size_t sent = 0, received = 0;
	int rc = 0;

	while (rc == 0 && sent < exec->nrows) {
		size_t end = sent + PIPELINE_CHUNK;
		if (end > exec->nrows)
			end = exec->nrows;
		for (; sent < end; sent++) {
			/* Rows were validated before: conversion succeeds. */
			rc = convert_row(conn, exec, sent);
			if (rc)
				break;
			if (!PQsendQueryPrepared(conn->pg, name,
						 (int)exec->nparams,
						 conn->pvalues, conn->plengths,
						 conn->pformats, 0)) {
				rc = qr_libpq__error(conn, NULL, exec->sql);
				break;
			}
		}
		if (rc || sent == exec->nrows)
			break;
		if (!PQsendFlushRequest(conn->pg) || PQflush(conn->pg) != 0) {
			rc = qr_libpq__error(conn, NULL, exec->sql);
			break;
		}
		read_pipeline(conn, exec, &received, sent, total, &rc);
	}

	if (PQstatus(conn->pg) != CONNECTION_BAD && PQpipelineSync(conn->pg)) {
		read_pipeline(conn, exec, &received, sent, total, &rc);
		/* Up to and including the Sync's own result. */
		PGresult *res;
		while ((res = PQgetResult(conn->pg)) != NULL) {
			ExecStatusType st = PQresultStatus(res);
			PQclear(res);
			if (st == PGRES_PIPELINE_SYNC)
				break;
		}
	} else if (rc == 0) {
		rc = qr_libpq__error(conn, NULL, exec->sql);
	}
	if (!PQexitPipelineMode(conn->pg) && rc == 0)
		rc = qr_libpq__error(conn, NULL, exec->sql);
	return rc;
}
#endif

static int exec_many(qr_driver_cursor **out, qr_driver_conn *conn,
		     const qr_driver_exec *exec, const pg_stmt *st)
{
	const char *name = st->entry ? st->name : "";
	int64_t total = 0;
	int rc;

	/* Every row converts, or nothing is sent. */
	for (size_t r = 0; r < exec->nrows; r++) {
		rc = convert_row(conn, exec, r);
		if (rc)
			return rc;
	}
	if (!st->entry) {
		PGresult *res = PQprepare(conn->pg, "", exec->sql,
					  (int)exec->nparams, conn->ptypes);
		rc = check_result(conn, res, exec->sql);
		if (rc)
			return rc;
		PQclear(res);
	}
#ifdef LIBPQ_HAS_PIPELINING
	if (PQenterPipelineMode(conn->pg))
		rc = exec_pipeline(conn, exec, name, &total);
	else
#endif
		rc = exec_loop(conn, exec, name, &total);
	if (rc)
		return rc;
	rc = qr_libpq__cursor_new(out, conn, NULL, false);
	if (rc == 0)
		(*out)->rowcount = total;
	return rc;
}

/* ---------------------------------------------------------------- execute */

/* Whether the last error says a cached statement is no longer valid:
 * dropped on the server (DISCARD ALL, DEALLOCATE ALL) or planned for
 * another result shape after a schema change. */
static int stale_kind(void)
{
	const qr_error *e = qr_error_last();

	if (!strcmp(e->sqlstate, "26000"))
		return 2; /* every cached statement may be gone */
	if (!strcmp(e->sqlstate, "0A000") && strstr(e->message, "cached plan"))
		return 1;
	return 0;
}

int qr_libpq__execute(qr_driver_cursor **out, qr_driver_conn *conn,
		      const qr_driver_exec *exec)
{
	int rc;

	if (!out || !conn || !exec || !exec->sql)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "libpq execute: NULL argument");
	*out = NULL;
	if (conn->busy)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "libpq: a streaming result is still open "
				    "on this connection");
	if (exec->nparams > 65535)
		return qr_error_set(QR_EPARAM, QR_ECLASS_ARGUMENT,
				    "libpq: %zu parameters; PostgreSQL "
				    "accepts at most 65535",
				    exec->nparams);
	if (exec->nparams > 0 && !exec->params)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "libpq execute: NULL parameters");
	if (exec->nrows == 0)
		return qr_libpq__cursor_new(out, conn, NULL, false);
	if (exec->nparams == 0 &&
	    (qr_libpq__is_script(exec->sql, exec->sql_len) ||
	     !qr_libpq__is_cacheable(exec->sql, exec->sql_len)))
		return exec_simple(out, conn, exec);

	rc = ensure_scratch(conn, exec->nparams ? exec->nparams : 1);
	if (rc)
		return rc;
	compute_types(conn, exec);
	for (int attempt = 0;; attempt++) {
		pg_stmt st;
		rc = get_statement(&st, conn, exec);
		if (rc)
			return rc;
		if (exec->nrows == 1)
			rc = exec_one(out, conn, exec, &st);
		else
			rc = exec_many(out, conn, exec, &st);
		if (rc == 0 || attempt > 0 || !st.entry)
			return rc;
		int stale = stale_kind();
		if (!stale)
			return rc;
		if (stale == 2) {
			qr_stmt_cache__clear(&conn->cache, NULL, NULL);
		} else {
			void *value =
				qr_stmt_cache__remove(&conn->cache, st.entry);
			if (PQtransactionStatus(conn->pg) != PQTRANS_INERROR)
				deallocate(conn, value);
		}
		/* Inside a transaction the error already aborted it. */
		if (PQtransactionStatus(conn->pg) != PQTRANS_IDLE)
			return rc;
	}
}
