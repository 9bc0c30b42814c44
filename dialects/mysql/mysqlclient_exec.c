/*
 * mysqlclient_exec.c - executing statements with the libmysqlclient API.
 *
 * Paths, chosen per request:
 *   - no parameters, and a script or a statement not worth keeping (DDL,
 *     SET, SHOW, CALL, ...): the text protocol (mysql_real_query), one
 *     round trip, several statements allowed; the last statement's result
 *     is stored and returned;
 *   - otherwise a prepared statement (mysql_stmt_prepare once per
 *     connection, cached by SQL text, LRU bounded; closed when evicted)
 *     with typed binds per value kind. A statement the server cannot
 *     prepare (ER_UNSUPPORTED_PS) falls back to the text protocol when it
 *     has no parameters. A cached handle the server no longer knows
 *     (ER_UNKNOWN_STMT_HANDLER) is prepared again, once.
 *   - executemany (nrows > 1) of an UPDATE or DELETE on MariaDB binds the
 *     rows as arrays, a batch per round trip (mysqlclient_bulk.c);
 *     otherwise it executes the prepared statement once per row,
 *     summing affected rows; the last generated id is kept.
 *
 * Rows are read unbuffered by default (see mysqlclient_cursor.c).
 */
#include "mysqlclient_internal.h"

#include <quarry/sys/error.h>

#include <mysqld_error.h>
#include <stdlib.h>
#include <string.h>

void qr_mysql__stmt_dispose(void *ctx, void *stmt)
{
	(void)ctx;
	mysql_stmt_close(stmt);
}

/* ------------------------------------------------------------ parameters */

static int ensure_params(qr_driver_conn *c, size_t n)
{
	if (n <= c->pcap)
		return 0;
	MYSQL_BIND *b = realloc(c->pbinds, n * sizeof(*b));
	if (b)
		c->pbinds = b;
	qr_mysql_param *p = realloc(c->pvals, n * sizeof(*p));
	if (p)
		c->pvals = p;
	if (!b || !p)
		return qr_error_oom("mysqlclient parameters");
	c->pcap = n;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/*
 * DATETIME has no time zone: an aware value is sent as its UTC wall
 * time, so that equal instants compare equal whatever their offset.
 */
static void datetime_to_mysql(MYSQL_TIME *t, const qr_datetime *dt)
{
	int64_t y = dt->date.year;
	int m = dt->date.month, d = dt->date.day;
	int64_t secs =
		dt->time.hour * 3600 + dt->time.minute * 60 + dt->time.second;

	if (dt->has_offset) {
		int64_t total = days_from_civil(y, m, d) * 86400 + secs -
				dt->offset_seconds;
		int64_t days = total / 86400;
		secs = total % 86400;
		if (secs < 0) {
			secs += 86400;
			days--;
		}
		civil_from_days(days, &y, &m, &d);
	}
	memset(t, 0, sizeof(*t));
	t->year = (unsigned)y;
	t->month = (unsigned)m;
	t->day = (unsigned)d;
	t->hour = (unsigned)(secs / 3600);
	t->minute = (unsigned)(secs / 60 % 60);
	t->second = (unsigned)(secs % 60);
	t->second_part = dt->time.microsecond;
	t->time_type = MYSQL_TIMESTAMP_DATETIME;
}

bool qr_mysql__time_value(MYSQL_TIME *t, enum enum_field_types *type,
			  const qr_value *v)
{
	switch (v->kind) {
	case QR_VDATE:
		memset(t, 0, sizeof(*t));
		t->year = (unsigned)v->u.date.year;
		t->month = v->u.date.month;
		t->day = v->u.date.day;
		t->time_type = MYSQL_TIMESTAMP_DATE;
		*type = MYSQL_TYPE_DATE;
		return true;
	case QR_VTIME:
		memset(t, 0, sizeof(*t));
		t->hour = v->u.time.hour;
		t->minute = v->u.time.minute;
		t->second = v->u.time.second;
		t->second_part = v->u.time.microsecond;
		t->time_type = MYSQL_TIMESTAMP_TIME;
		*type = MYSQL_TYPE_TIME;
		return true;
	case QR_VDATETIME:
		datetime_to_mysql(t, &v->u.datetime);
		*type = MYSQL_TYPE_DATETIME;
		return true;
	default:
		return false;
	}
}

static void bind_bytes(MYSQL_BIND *b, qr_mysql_param *p,
		       enum enum_field_types type, const qr_value *v)
{
	b->buffer_type = type;
	b->buffer = (void *)(v->u.s.ptr ? v->u.s.ptr : "");
	b->buffer_length = (unsigned long)v->u.s.len;
	p->length = (unsigned long)v->u.s.len;
	b->length = &p->length;
}

/* Fills bind i of the connection from v. */
static int bind_param(qr_driver_conn *c, size_t i, const qr_value *v)
{
	MYSQL_BIND *b = &c->pbinds[i];
	qr_mysql_param *p = &c->pvals[i];

	memset(b, 0, sizeof(*b));
	memset(p, 0, sizeof(*p));
	switch (v->kind) {
	case QR_VNULL:
		b->buffer_type = MYSQL_TYPE_NULL;
		return 0;
	case QR_VINT:
		p->u.i = v->u.i;
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &p->u.i;
		return 0;
	case QR_VDOUBLE:
		p->u.d = v->u.d;
		b->buffer_type = MYSQL_TYPE_DOUBLE;
		b->buffer = &p->u.d;
		return 0;
	case QR_VBOOL:
		p->u.b = v->u.b ? 1 : 0;
		b->buffer_type = MYSQL_TYPE_TINY;
		b->buffer = &p->u.b;
		return 0;
	case QR_VTEXT:
		bind_bytes(b, p, MYSQL_TYPE_STRING, v);
		return 0;
	case QR_VNUMERIC:
		bind_bytes(b, p, MYSQL_TYPE_NEWDECIMAL, v);
		return 0;
	case QR_VBLOB:
		bind_bytes(b, p, MYSQL_TYPE_BLOB, v);
		return 0;
	case QR_VDATE:
	case QR_VTIME:
	case QR_VDATETIME:
		qr_mysql__time_value(&p->u.t, &b->buffer_type, v);
		b->buffer = &p->u.t;
		return 0;
	default:
		return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
				    "mysqlclient: parameter %zu: unknown value "
				    "kind %d",
				    i + 1, (int)v->kind);
	}
}

static int bind_row(qr_driver_conn *c, MYSQL_STMT *stmt,
		    const qr_driver_exec *exec, size_t row, const char *sql)
{
	const qr_value *vals = exec->params + row * exec->nparams;

	if (exec->nparams == 0)
		return 0;
	for (size_t i = 0; i < exec->nparams; i++) {
		int rc = bind_param(c, i, &vals[i]);
		if (rc)
			return rc;
	}
	if (mysql_stmt_bind_param(stmt, c->pbinds))
		return qr_mysql__stmt_error(c, stmt, sql);
	return 0;
}

/* ---------------------------------------------------------- text protocol */

static int exec_text(qr_driver_cursor **out, qr_driver_conn *conn,
		     const qr_driver_exec *exec)
{
	MYSQL *my = conn->my;
	MYSQL_RES *res = NULL;
	int64_t total = 0, count = -1, id = 0;
	int status;

	for (size_t r = 0; r < exec->nrows; r++) {
		if (mysql_real_query(my, exec->sql, exec->sql_len))
			return qr_mysql__error(conn, exec->sql);
		/* Each statement of a script: keep the last one's result. */
		do {
			mysql_free_result(res);
			res = mysql_store_result(my);
			if (res) {
				count = (int64_t)mysql_num_rows(res);
			} else if (mysql_field_count(my) != 0) {
				return qr_mysql__error(conn, exec->sql);
			} else {
				count = (int64_t)mysql_affected_rows(my);
				total += count;
			}
			if (mysql_insert_id(my))
				id = (int64_t)mysql_insert_id(my);
			status = mysql_next_result(my);
		} while (status == 0);
		if (status > 0) {
			mysql_free_result(res);
			return qr_mysql__error(conn, exec->sql);
		}
		if (r + 1 < exec->nrows) {
			mysql_free_result(res);
			res = NULL;
		}
	}
	return qr_mysql__cursor_text(out, conn, res,
				     exec->nrows > 1 ? total : count, id);
}

/* ------------------------------------------------------ prepared statements */

/* The prepared statement for exec: cached (*owns false) or, with the
 * cache disabled or out of memory, the caller's to close (*owns true). */
static int get_stmt(MYSQL_STMT **out, bool *owns, qr_driver_conn *conn,
		    const qr_driver_exec *exec)
{
	qr_stmt_cache_entry *e;
	MYSQL_STMT *stmt;
	void *evicted = NULL;

	*out = NULL;
	*owns = false;
	e = qr_stmt_cache__find(&conn->cache, exec->sql, exec->sql_len, NULL,
				0);
	if (e) {
		*out = e->value;
		return 0;
	}
	stmt = mysql_stmt_init(conn->my);
	if (!stmt)
		return qr_mysql__error(conn, exec->sql);
	if (mysql_stmt_prepare(stmt, exec->sql, exec->sql_len)) {
		int rc = qr_mysql__stmt_error(conn, stmt, exec->sql);
		mysql_stmt_close(stmt);
		return rc;
	}
	if (mysql_stmt_param_count(stmt) != exec->nparams) {
		unsigned long n = mysql_stmt_param_count(stmt);
		mysql_stmt_close(stmt);
		qr_error_set(QR_EPARAM, QR_ECLASS_PROGRAMMING,
			     "mysqlclient: the statement has %lu parameter "
			     "markers but %zu values were given",
			     n, exec->nparams);
		qr_error_set_statement(exec->sql);
		return QR_EPARAM;
	}
	if (conn->cache.capacity == 0 ||
	    qr_stmt_cache__add(&conn->cache, exec->sql, exec->sql_len, NULL, 0,
			       stmt, &evicted) != 0)
		*owns = true;
	if (evicted)
		mysql_stmt_close(evicted);
	*out = stmt;
	return 0;
}

static int exec_stmt(qr_driver_cursor **out, qr_driver_conn *conn,
		     const qr_driver_exec *exec, MYSQL_STMT *stmt, bool owns)
{
	int64_t total = 0, id = 0;
	int rc;

	if (exec->nrows == 1) {
		rc = bind_row(conn, stmt, exec, 0, exec->sql);
		if (rc == 0 && mysql_stmt_execute(stmt))
			rc = qr_mysql__stmt_error(conn, stmt, exec->sql);
		if (rc == 0)
			return qr_mysql__cursor_stmt(out, conn, stmt, owns,
						     exec->sql);
		if (owns)
			mysql_stmt_close(stmt);
		return rc;
	}
	/* UPDATE and DELETE: in batches of arrays (MariaDB), unless their
	 * values' kinds vary */
	if (conn->bulk && exec->nparams > 0 &&
	    mysql_stmt_field_count(stmt) == 0 &&
	    qr_mysql__is_update_or_delete(exec->sql, exec->sql_len)) {
		bool sent;
		rc = qr_mysql__exec_bulk(&sent, &total, conn, stmt, exec);
		if (rc || sent) {
			if (owns)
				mysql_stmt_close(stmt);
			return rc ? rc
				  : qr_mysql__cursor_text(out, conn, NULL,
							  total, 0);
		}
	}
	for (size_t r = 0; r < exec->nrows; r++) {
		rc = bind_row(conn, stmt, exec, r, exec->sql);
		if (rc == 0 && mysql_stmt_execute(stmt))
			rc = qr_mysql__stmt_error(conn, stmt, exec->sql);
		if (rc) {
			if (owns)
				mysql_stmt_close(stmt);
			return rc;
		}
		if (mysql_stmt_field_count(stmt) > 0) {
			/* Rows are not returned by executemany. */
			mysql_stmt_free_result(stmt);
			while (mysql_stmt_next_result(stmt) == 0)
				mysql_stmt_free_result(stmt);
		} else {
			total += (int64_t)mysql_stmt_affected_rows(stmt);
		}
		if (mysql_stmt_insert_id(stmt))
			id = (int64_t)mysql_stmt_insert_id(stmt);
	}
	if (owns)
		mysql_stmt_close(stmt);
	return qr_mysql__cursor_text(out, conn, NULL, total, id);
}

/* Forgets a cached statement and closes it. */
static void uncache(qr_driver_conn *conn, const qr_driver_exec *exec)
{
	qr_stmt_cache_entry *e = qr_stmt_cache__find(&conn->cache, exec->sql,
						     exec->sql_len, NULL, 0);
	if (e)
		mysql_stmt_close(qr_stmt_cache__remove(&conn->cache, e));
}

int qr_mysql__execute(qr_driver_cursor **out, qr_driver_conn *conn,
		      const qr_driver_exec *exec)
{
	MYSQL_STMT *stmt;
	bool owns;
	int rc;

	if (!out || !conn || !exec || !exec->sql)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "mysqlclient execute: NULL argument");
	*out = NULL;
	if (conn->busy)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "mysqlclient: an unbuffered result is "
				    "still open on this connection");
	if (exec->nparams > 0 && !exec->params)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "mysqlclient execute: NULL parameters");
	conn->stream_now = conn->stream_results || exec->stream_results;
	if (exec->nrows == 0)
		return qr_mysql__cursor_text(out, conn, NULL, 0, 0);
	if (exec->nparams == 0 &&
	    (qr_mysql__is_script(exec->sql, exec->sql_len) ||
	     !qr_mysql__is_cacheable(exec->sql, exec->sql_len)))
		return exec_text(out, conn, exec);
	rc = ensure_params(conn, exec->nparams);
	if (rc)
		return rc;

	for (int attempt = 0;; attempt++) {
		rc = get_stmt(&stmt, &owns, conn, exec);
		if (rc) {
			if (exec->nparams == 0 &&
			    qr_error_last()->native_code == ER_UNSUPPORTED_PS)
				return exec_text(out, conn, exec);
			return rc;
		}
		rc = exec_stmt(out, conn, exec, stmt, owns);
		if (rc == 0 || owns || attempt > 0 ||
		    qr_error_last()->native_code != ER_UNKNOWN_STMT_HANDLER)
			return rc;
		uncache(conn, exec);
	}
}
