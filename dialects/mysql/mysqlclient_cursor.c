/*
 * mysqlclient_cursor.c - cursors of the mysqlclient driver.
 *
 * Prepared statements return rows in the binary protocol, bound to
 * buffers sized from the result metadata; a text or blob value longer
 * than its buffer is fetched again whole (mysql_stmt_fetch_column) and the
 * buffer kept for later rows. Rows are read unbuffered, one at a time as
 * they are fetched, unless the connection was opened with
 * stream_results=false and the execution does not ask to stream
 * (mysql_stmt_store_result: the whole result is read
 * at execute, which frees the server early and gives the row count at
 * once). Unbuffered, the first row is read at execute all the same, so
 * that an error the server sends in place of it is the execution's (see
 * prefetch). While unbuffered rows remain, the connection runs nothing
 * else; freeing the cursor reads and discards them.
 *
 * Conversion by field type:
 *   TINYINT .. BIGINT, YEAR   -> QR_VINT (BIGINT UNSIGNED above INT64_MAX:
 *                                QR_VNUMERIC); TINYINT(1) stays an integer,
 *                                its type name "TINYINT(1)" says boolean
 *   FLOAT, DOUBLE             -> QR_VDOUBLE (FLOAT at float precision)
 *   DECIMAL                   -> QR_VNUMERIC
 *   DATE, TIME, DATETIME,
 *   TIMESTAMP                 -> QR_VDATE, QR_VTIME, QR_VDATETIME; zero or
 *                                partial dates and TIME values outside a
 *                                day (negative, 24 hours or more) as text
 *   binary strings, BLOB, BIT -> QR_VBLOB; other strings -> QR_VTEXT
 * The text protocol (scripts, statements not prepared) converts the same
 * way from the row's text.
 */
#include "mysqlclient_internal.h"

#include <quarry/sys/error.h>

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text buffers start at the column's declared length, within bounds. */
#define BUF_MIN 16
#define BUF_MAX 8192

/* ------------------------------------------------------------ field kinds */

static bool binary_charset(const MYSQL_FIELD *f)
{
	return f->charsetnr == 63;
}

qr_mysql_kind qr_mysql__field_kind(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_LONGLONG:
	case MYSQL_TYPE_YEAR:
		return QR_MYK_INT;
	case MYSQL_TYPE_FLOAT:
		return QR_MYK_FLOAT;
	case MYSQL_TYPE_DOUBLE:
		return QR_MYK_DOUBLE;
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL:
		return QR_MYK_DECIMAL;
	case MYSQL_TYPE_DATE:
	case MYSQL_TYPE_NEWDATE:
		return QR_MYK_DATE;
	case MYSQL_TYPE_TIME:
		return QR_MYK_TIME;
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
		return QR_MYK_DATETIME;
	case MYSQL_TYPE_BIT:
	case MYSQL_TYPE_GEOMETRY:
		return QR_MYK_BLOB;
	case MYSQL_TYPE_NULL:
	case MYSQL_TYPE_JSON:
	case MYSQL_TYPE_ENUM:
	case MYSQL_TYPE_SET:
		return QR_MYK_TEXT;
	default:
		return binary_charset(f) ? QR_MYK_BLOB : QR_MYK_TEXT;
	}
}

static const char *int_name(const MYSQL_FIELD *f)
{
	bool u = (f->flags & UNSIGNED_FLAG) != 0;

	switch (f->type) {
	case MYSQL_TYPE_TINY:
		if (f->length == 1)
			return u ? "TINYINT(1) UNSIGNED" : "TINYINT(1)";
		return u ? "TINYINT UNSIGNED" : "TINYINT";
	case MYSQL_TYPE_SHORT:
		return u ? "SMALLINT UNSIGNED" : "SMALLINT";
	case MYSQL_TYPE_INT24:
		return u ? "MEDIUMINT UNSIGNED" : "MEDIUMINT";
	case MYSQL_TYPE_LONG:
		return u ? "INT UNSIGNED" : "INT";
	default:
		return u ? "BIGINT UNSIGNED" : "BIGINT";
	}
}

/* TINY/-/MEDIUM/LONG by the column's maximum length in bytes. */
static const char *lob_name(const MYSQL_FIELD *f)
{
	static const char *const blob[] = {"TINYBLOB", "BLOB", "MEDIUMBLOB",
					   "LONGBLOB"};
	static const char *const text[] = {"TINYTEXT", "TEXT", "MEDIUMTEXT",
					   "LONGTEXT"};
	int size = f->length <= 255        ? 0
		   : f->length <= 65535    ? 1
		   : f->length <= 16777215 ? 2
					   : 3;
	return binary_charset(f) ? blob[size] : text[size];
}

const char *qr_mysql__type_name(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_LONG:
	case MYSQL_TYPE_LONGLONG:
		return int_name(f);
	case MYSQL_TYPE_YEAR:
		return "YEAR";
	case MYSQL_TYPE_FLOAT:
		return "FLOAT";
	case MYSQL_TYPE_DOUBLE:
		return "DOUBLE";
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL:
		return "DECIMAL";
	case MYSQL_TYPE_DATE:
	case MYSQL_TYPE_NEWDATE:
		return "DATE";
	case MYSQL_TYPE_TIME:
		return "TIME";
	case MYSQL_TYPE_DATETIME:
		return "DATETIME";
	case MYSQL_TYPE_TIMESTAMP:
		return "TIMESTAMP";
	case MYSQL_TYPE_BIT:
		return "BIT";
	case MYSQL_TYPE_GEOMETRY:
		return "GEOMETRY";
	case MYSQL_TYPE_JSON:
		return "JSON";
	case MYSQL_TYPE_NULL:
		return "NULL";
	case MYSQL_TYPE_ENUM:
		return "ENUM";
	case MYSQL_TYPE_SET:
		return "SET";
	case MYSQL_TYPE_TINY_BLOB:
	case MYSQL_TYPE_MEDIUM_BLOB:
	case MYSQL_TYPE_LONG_BLOB:
	case MYSQL_TYPE_BLOB:
		return lob_name(f);
	case MYSQL_TYPE_STRING:
		if (f->flags & ENUM_FLAG)
			return "ENUM";
		if (f->flags & SET_FLAG)
			return "SET";
		return binary_charset(f) ? "BINARY" : "CHAR";
	case MYSQL_TYPE_VAR_STRING:
	case MYSQL_TYPE_VARCHAR:
		return binary_charset(f) ? "VARBINARY" : "VARCHAR";
	default:
		return "";
	}
}

/* ------------------------------------------------------------ conversion */

/* The double nearest to what a FLOAT column holds, as the server shows
 * it (1.1, not 1.100000023841858). */
static double float_value(float f)
{
	char buf[32];

	for (int prec = 6; prec <= 9; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, (double)f);
		double d = strtod(buf, NULL);
		if ((float)d == f)
			return d;
	}
	return (double)f;
}

static void as_text(qr_value *v, const char *s, size_t len)
{
	v->kind = QR_VTEXT;
	v->u.s.ptr = s;
	v->u.s.len = len;
}

/* Date and time values quarry's kinds can hold, or text. */
static void time_value(qr_mysql_col *c, qr_value *v)
{
	const MYSQL_TIME *t = &c->u.t;
	int n;

	if (c->kind == QR_MYK_DATE) {
		if (t->month >= 1 && t->day >= 1) {
			v->kind = QR_VDATE;
			v->u.date.year = (int32_t)t->year;
			v->u.date.month = (uint8_t)t->month;
			v->u.date.day = (uint8_t)t->day;
			return;
		}
		n = snprintf(c->text, sizeof(c->text), "%04u-%02u-%02u",
			     t->year, t->month, t->day);
	} else if (c->kind == QR_MYK_TIME) {
		unsigned hours = t->day * 24 + t->hour;
		if (!t->neg && hours < 24) {
			v->kind = QR_VTIME;
			v->u.time.hour = (uint8_t)hours;
			v->u.time.minute = (uint8_t)t->minute;
			v->u.time.second = (uint8_t)t->second;
			v->u.time.microsecond = (uint32_t)t->second_part;
			return;
		}
		n = snprintf(c->text, sizeof(c->text), "%s%02u:%02u:%02u",
			     t->neg ? "-" : "", hours, t->minute, t->second);
		if (t->second_part)
			n += snprintf(c->text + n, sizeof(c->text) - (size_t)n,
				      ".%06lu", t->second_part);
	} else {
		if (t->month >= 1 && t->day >= 1) {
			v->kind = QR_VDATETIME;
			v->u.datetime.date.year = (int32_t)t->year;
			v->u.datetime.date.month = (uint8_t)t->month;
			v->u.datetime.date.day = (uint8_t)t->day;
			v->u.datetime.time.hour = (uint8_t)t->hour;
			v->u.datetime.time.minute = (uint8_t)t->minute;
			v->u.datetime.time.second = (uint8_t)t->second;
			v->u.datetime.time.microsecond =
				(uint32_t)t->second_part;
			return;
		}
		n = snprintf(c->text, sizeof(c->text),
			     "%04u-%02u-%02u %02u:%02u:%02u", t->year, t->month,
			     t->day, t->hour, t->minute, t->second);
	}
	as_text(v, c->text, (size_t)n);
}

static void convert_binary(qr_mysql_col *c, qr_value *v)
{
	memset(v, 0, sizeof(*v));
	if (c->is_null) {
		v->kind = QR_VNULL;
		return;
	}
	switch (c->kind) {
	case QR_MYK_INT:
		if (c->is_unsigned && (uint64_t)c->u.i > INT64_MAX) {
			int n = snprintf(c->text, sizeof(c->text), "%" PRIu64,
					 (uint64_t)c->u.i);
			v->kind = QR_VNUMERIC;
			v->u.s.ptr = c->text;
			v->u.s.len = (size_t)n;
			return;
		}
		v->kind = QR_VINT;
		v->u.i = c->u.i;
		return;
	case QR_MYK_FLOAT:
		v->kind = QR_VDOUBLE;
		v->u.d = float_value(c->u.f);
		return;
	case QR_MYK_DOUBLE:
		v->kind = QR_VDOUBLE;
		v->u.d = c->u.d;
		return;
	case QR_MYK_DATE:
	case QR_MYK_TIME:
	case QR_MYK_DATETIME:
		time_value(c, v);
		return;
	default:
		c->buf[c->length] = '\0';
		v->kind = c->kind == QR_MYK_DECIMAL ? QR_VNUMERIC
			  : c->kind == QR_MYK_BLOB  ? QR_VBLOB
						    : QR_VTEXT;
		v->u.s.ptr = c->buf;
		v->u.s.len = c->length;
		return;
	}
}

/* A value of the text protocol: s is NUL-terminated, len bytes. */
static void convert_text(const MYSQL_FIELD *f, const char *s, size_t len,
			 qr_value *v)
{
	char *end;

	memset(v, 0, sizeof(*v));
	if (!s) {
		v->kind = QR_VNULL;
		return;
	}
	switch (qr_mysql__field_kind(f)) {
	case QR_MYK_INT:
		errno = 0;
		v->u.i = strtoll(s, &end, 10);
		if (errno || *end) {
			/* BIGINT UNSIGNED beyond INT64_MAX */
			v->kind = QR_VNUMERIC;
			v->u.s.ptr = s;
			v->u.s.len = len;
			return;
		}
		v->kind = QR_VINT;
		return;
	case QR_MYK_FLOAT:
	case QR_MYK_DOUBLE:
		v->u.d = strtod(s, &end);
		if (*end) {
			as_text(v, s, len);
			return;
		}
		v->kind = QR_VDOUBLE;
		return;
	case QR_MYK_DECIMAL:
		v->kind = QR_VNUMERIC;
		v->u.s.ptr = s;
		v->u.s.len = len;
		return;
	case QR_MYK_DATE:
		if (qr_date_parse(&v->u.date, s, len) == 0)
			v->kind = QR_VDATE;
		else
			as_text(v, s, len);
		return;
	case QR_MYK_TIME:
		if (qr_time_parse(&v->u.time, s, len) == 0)
			v->kind = QR_VTIME;
		else
			as_text(v, s, len);
		return;
	case QR_MYK_DATETIME:
		if (qr_datetime_parse(&v->u.datetime, s, len) == 0)
			v->kind = QR_VDATETIME;
		else
			as_text(v, s, len);
		return;
	case QR_MYK_BLOB:
		v->kind = QR_VBLOB;
		v->u.s.ptr = s;
		v->u.s.len = len;
		return;
	default:
		as_text(v, s, len);
		return;
	}
}

/* ---------------------------------------------------------------- cursors */

static int new_cursor(qr_driver_cursor **out, qr_driver_conn *conn)
{
	qr_driver_cursor *cur;

	if (!conn->spare_cursor_out &&
	    (conn->spare_cursor ||
	     (conn->spare_cursor = malloc(sizeof(*cur))) != NULL)) {
		conn->spare_cursor_out = true;
		cur = conn->spare_cursor;
		memset(cur, 0, sizeof(*cur));
	} else {
		cur = calloc(1, sizeof(*cur));
	}
	*out = cur;
	if (!cur)
		return qr_error_oom("mysqlclient cursor");
	cur->conn = conn;
	cur->rowcount = -1;
	return 0;
}

/* Points bind i at column i's storage. */
static void bind_column(qr_driver_cursor *cur, unsigned i)
{
	const MYSQL_FIELD *f = &cur->fields[i];
	qr_mysql_col *c = &cur->cols[i];
	MYSQL_BIND *b = &cur->binds[i];

	memset(b, 0, sizeof(*b));
	b->length = &c->length;
	b->is_null = &c->is_null;
	b->error = &c->error;
	switch (c->kind) {
	case QR_MYK_INT:
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		b->buffer = &c->u.i;
		b->is_unsigned = c->is_unsigned;
		break;
	case QR_MYK_FLOAT:
		b->buffer_type = MYSQL_TYPE_FLOAT;
		b->buffer = &c->u.f;
		break;
	case QR_MYK_DOUBLE:
		b->buffer_type = MYSQL_TYPE_DOUBLE;
		b->buffer = &c->u.d;
		break;
	case QR_MYK_DATE:
	case QR_MYK_TIME:
	case QR_MYK_DATETIME:
		b->buffer_type = f->type == MYSQL_TYPE_NEWDATE ? MYSQL_TYPE_DATE
							       : f->type;
		b->buffer = &c->u.t;
		b->buffer_length = sizeof(c->u.t);
		break;
	default:
		b->buffer_type = c->kind == QR_MYK_BLOB ? MYSQL_TYPE_BLOB
							: MYSQL_TYPE_STRING;
		b->buffer = c->buf;
		b->buffer_length = c->cap - 1;
		break;
	}
}

/* The first buffer of a text, decimal or blob column of field f (its
 * declared length, within BUF_MIN .. BUF_MAX, and a NUL); 0 for the
 * others. */
static unsigned long first_cap(const MYSQL_FIELD *f, qr_mysql_kind kind)
{
	unsigned long len = f->length;

	if (kind != QR_MYK_DECIMAL && kind != QR_MYK_TEXT &&
	    kind != QR_MYK_BLOB)
		return 0;
	if (len < BUF_MIN)
		len = BUF_MIN;
	if (len > BUF_MAX)
		len = BUF_MAX;
	return len + 1;
}

/* The binds, the columns and their first buffers: one block (binds at
 * its start; a buffer grown later is allocated on its own). */
static int setup_columns(qr_driver_cursor *cur)
{
	size_t n = cur->ncols,
	       bytes = n * (sizeof(MYSQL_BIND) + sizeof(qr_mysql_col));
	for (unsigned i = 0; i < n; i++)
		bytes += first_cap(&cur->fields[i],
				   qr_mysql__field_kind(&cur->fields[i]));
	char *block;
	if (cur->conn->spare_cols && cur->conn->spare_cols_size >= bytes) {
		block = cur->conn->spare_cols; /* the last result's */
		bytes = cur->conn->spare_cols_size;
		cur->conn->spare_cols = NULL;
	} else if (!(block = malloc(bytes))) {
		return qr_error_oom("mysqlclient result columns");
	}
	cur->cols_size = bytes;
	cur->binds = (MYSQL_BIND *)block;
	cur->cols = (qr_mysql_col *)(cur->binds + n);
	memset(cur->cols, 0, n * sizeof(*cur->cols));
	char *bufs = (char *)(cur->cols + n);
	for (unsigned i = 0; i < n; i++) {
		const MYSQL_FIELD *f = &cur->fields[i];
		qr_mysql_col *c = &cur->cols[i];
		c->kind = qr_mysql__field_kind(f);
		c->is_unsigned = (f->flags & UNSIGNED_FLAG) != 0;
		c->cap = first_cap(f, c->kind);
		if (c->cap) {
			c->buf = bufs;
			bufs += c->cap;
		}
		bind_column(cur, i);
	}
	return 0;
}

/* The result is exhausted: the connection is free again. */
static void finish(qr_driver_cursor *cur)
{
	cur->done = true;
	if (cur->unbuffered) {
		cur->rowcount = cur->fetched;
		cur->conn->busy = false;
	}
}

/*
 * Reads the first unbuffered row at execute. The server reports an error
 * met while producing rows (a row lock refused by FOR UPDATE NOWAIT, a
 * lock wait timeout, a conversion error) in place of a row, after the
 * result's metadata: without this, the execution would succeed and the
 * error would be seen at the first fetch, or never when the result is
 * freed unread, leaving the program to believe the statement (and the
 * lock) succeeded. Buffered results and the other drivers report it at
 * execute; so does this. An empty result ends here and frees the
 * connection at once.
 */
static int prefetch(qr_driver_cursor *cur, const char *sql)
{
	int rc = mysql_stmt_fetch(cur->stmt);

	if (rc == MYSQL_NO_DATA) {
		finish(cur);
		return 0;
	}
	if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) {
		rc = qr_mysql__stmt_error(cur->conn, cur->stmt, sql);
		finish(cur);
		return rc;
	}
	cur->prefetched = true;
	cur->prefetch_rc = rc;
	return 0;
}

int qr_mysql__cursor_stmt(qr_driver_cursor **out, qr_driver_conn *conn,
			  MYSQL_STMT *stmt, bool owns_stmt, const char *sql)
{
	qr_driver_cursor *cur;
	int rc = new_cursor(&cur, conn);

	*out = NULL;
	if (rc) {
		mysql_stmt_free_result(stmt);
		if (owns_stmt)
			mysql_stmt_close(stmt);
		return rc;
	}
	cur->stmt = stmt;
	cur->owns_stmt = owns_stmt;
	cur->insert_id = (int64_t)mysql_stmt_insert_id(stmt);
	cur->ncols = mysql_stmt_field_count(stmt);
	if (cur->ncols == 0) {
		cur->rowcount = (int64_t)mysql_stmt_affected_rows(stmt);
		cur->done = true;
		*out = cur;
		return 0;
	}
	cur->res = mysql_stmt_result_metadata(stmt);
	if (!cur->res) {
		rc = qr_mysql__stmt_error(conn, stmt, sql);
		goto fail;
	}
	cur->fields = mysql_fetch_fields(cur->res);
	rc = setup_columns(cur);
	if (rc)
		goto fail;
	if (mysql_stmt_bind_result(stmt, cur->binds)) {
		rc = qr_mysql__stmt_error(conn, stmt, sql);
		goto fail;
	}
	if (conn->stream_now) {
		cur->unbuffered = true;
		conn->busy = true;
		rc = prefetch(cur, sql);
		if (rc)
			goto fail;
	} else {
		if (mysql_stmt_store_result(stmt)) {
			rc = qr_mysql__stmt_error(conn, stmt, sql);
			goto fail;
		}
		cur->rowcount = (int64_t)mysql_stmt_num_rows(stmt);
	}
	*out = cur;
	return 0;
fail:
	qr_mysql__cursor_free(cur);
	return rc;
}

int qr_mysql__cursor_text(qr_driver_cursor **out, qr_driver_conn *conn,
			  MYSQL_RES *res, int64_t rowcount, int64_t insert_id)
{
	qr_driver_cursor *cur;
	int rc = new_cursor(&cur, conn);

	*out = NULL;
	if (rc) {
		mysql_free_result(res);
		return rc;
	}
	cur->res = res;
	cur->rowcount = rowcount;
	cur->insert_id = insert_id;
	if (res) {
		cur->ncols = mysql_num_fields(res);
		cur->fields = mysql_fetch_fields(res);
	} else {
		cur->done = true;
	}
	*out = cur;
	return 0;
}

size_t qr_mysql__column_count(const qr_driver_cursor *cur)
{
	return cur ? cur->ncols : 0;
}

const char *qr_mysql__column_name(const qr_driver_cursor *cur, size_t i)
{
	if (!cur || i >= cur->ncols)
		return NULL;
	return cur->fields[i].name;
}

const char *qr_mysql__column_type(const qr_driver_cursor *cur, size_t i)
{
	if (!cur || i >= cur->ncols)
		return NULL;
	return qr_mysql__type_name(&cur->fields[i]);
}

/* Fetches again, whole, the values longer than their buffers. */
static int refetch_truncated(qr_driver_cursor *cur)
{
	bool rebind = false;

	for (unsigned i = 0; i < cur->ncols; i++) {
		qr_mysql_col *c = &cur->cols[i];
		if (c->is_null || !c->buf || c->length < c->cap)
			continue;
		/* (the first buffer is in the columns' block) */
		char *buf = c->buf_own ? realloc(c->buf, (size_t)c->length + 1)
				       : malloc((size_t)c->length + 1);
		if (!buf)
			return qr_error_oom("mysqlclient column value");
		c->buf = buf;
		c->buf_own = true;
		c->cap = c->length + 1;
		bind_column(cur, i);
		MYSQL_BIND one = cur->binds[i];
		if (mysql_stmt_fetch_column(cur->stmt, &one, i, 0))
			return qr_mysql__stmt_error(cur->conn, cur->stmt, NULL);
		rebind = true;
	}
	/* Later rows use the grown buffers. */
	if (rebind && mysql_stmt_bind_result(cur->stmt, cur->binds))
		return qr_mysql__stmt_error(cur->conn, cur->stmt, NULL);
	return 0;
}

static int fetch_binary(qr_driver_cursor *cur, qr_value *values)
{
	int rc = cur->prefetched ? cur->prefetch_rc
				 : mysql_stmt_fetch(cur->stmt);

	cur->prefetched = false;

	if (rc == MYSQL_NO_DATA) {
		finish(cur);
		return 0;
	}
	if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) {
		rc = qr_mysql__stmt_error(cur->conn, cur->stmt, NULL);
		finish(cur);
		return rc;
	}
	rc = refetch_truncated(cur);
	if (rc)
		return rc;
	for (unsigned i = 0; i < cur->ncols; i++)
		convert_binary(&cur->cols[i], &values[i]);
	return 1;
}

static int fetch_text(qr_driver_cursor *cur, qr_value *values)
{
	MYSQL_ROW row = mysql_fetch_row(cur->res);

	if (!row) {
		finish(cur);
		return 0;
	}
	unsigned long *lengths = mysql_fetch_lengths(cur->res);
	for (unsigned i = 0; i < cur->ncols; i++)
		convert_text(&cur->fields[i], row[i], lengths[i], &values[i]);
	return 1;
}

int qr_mysql__fetch(qr_driver_cursor *cur, qr_value *values)
{
	int rc;

	if (!cur || (!values && cur->ncols > 0))
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "mysqlclient fetch: NULL argument");
	if (cur->done)
		return 0;
	rc = cur->stmt ? fetch_binary(cur, values) : fetch_text(cur, values);
	if (rc == 1)
		cur->fetched++;
	return rc;
}

int64_t qr_mysql__rowcount(const qr_driver_cursor *cur)
{
	return cur ? cur->rowcount : -1;
}

int64_t qr_mysql__last_insert_id(const qr_driver_cursor *cur)
{
	return cur ? cur->insert_id : 0;
}

void qr_mysql__cursor_free(qr_driver_cursor *cur)
{
	if (!cur)
		return;
	if (cur->stmt) {
		/* Discards unread rows (reading them off the wire when
		 * unbuffered) and any further result sets. */
		mysql_stmt_free_result(cur->stmt);
		while (mysql_stmt_next_result(cur->stmt) == 0)
			mysql_stmt_free_result(cur->stmt);
		if (cur->unbuffered)
			cur->conn->busy = false;
		if (cur->owns_stmt)
			mysql_stmt_close(cur->stmt);
	}
	mysql_free_result(cur->res);
	if (cur->cols) {
		for (unsigned i = 0; i < cur->ncols; i++)
			if (cur->cols[i].buf_own)
				free(cur->cols[i].buf);
	}
	/* the columns' block kept for the next result, or freed */
	if (cur->binds && !cur->conn->spare_cols) {
		cur->conn->spare_cols = cur->binds;
		cur->conn->spare_cols_size = cur->cols_size;
	} else {
		free(cur->binds);
	}
	if (cur == cur->conn->spare_cursor)
		cur->conn->spare_cursor_out = false;
	else
		free(cur);
}
