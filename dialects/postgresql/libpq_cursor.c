/*
 * libpq_cursor.c - cursors of the libpq driver: column names and type
 * names, and fetching rows converted to qr_values by column type.
 *
 * Results come in text format. Conversion by type OID:
 *   int2, int4, int8, oid          -> QR_VINT
 *   float4, float8                 -> QR_VDOUBLE
 *   bool                           -> QR_VBOOL
 *   numeric                        -> QR_VNUMERIC (the server's text)
 *   bytea                          -> QR_VBLOB (hex text decoded)
 *   date, time, timestamp[tz]      -> QR_VDATE, QR_VTIME, QR_VDATETIME
 *   everything else                -> QR_VTEXT
 * Values the date types cannot hold ('infinity', BC dates, years past
 * 9999) come back as text rather than failing the fetch.
 */
#include "libpq_internal.h"

#include <quarry/sys/error.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type names of the built-in OIDs quarry is likely to meet, by OID. */
static const struct {
	Oid oid;
	const char *name;
} type_names[] = {
	{16, "bool"},        {17, "bytea"},         {18, "char"},
	{19, "name"},        {20, "int8"},          {21, "int2"},
	{23, "int4"},        {24, "regproc"},       {25, "text"},
	{26, "oid"},         {28, "xid"},           {114, "json"},
	{142, "xml"},        {600, "point"},        {650, "cidr"},
	{700, "float4"},     {701, "float8"},       {705, "unknown"},
	{774, "macaddr8"},   {790, "money"},        {829, "macaddr"},
	{869, "inet"},       {1000, "_bool"},       {1001, "_bytea"},
	{1005, "_int2"},     {1007, "_int4"},       {1009, "_text"},
	{1014, "_bpchar"},   {1015, "_varchar"},    {1016, "_int8"},
	{1021, "_float4"},   {1022, "_float8"},     {1042, "bpchar"},
	{1043, "varchar"},   {1082, "date"},        {1083, "time"},
	{1114, "timestamp"}, {1115, "_timestamp"},  {1182, "_date"},
	{1183, "_time"},     {1184, "timestamptz"}, {1185, "_timestamptz"},
	{1186, "interval"},  {1231, "_numeric"},    {1266, "timetz"},
	{1560, "bit"},       {1562, "varbit"},      {1700, "numeric"},
	{2249, "record"},    {2278, "void"},        {2950, "uuid"},
	{2951, "_uuid"},     {3614, "tsvector"},    {3802, "jsonb"},
	{3807, "_jsonb"},    {3904, "int4range"},   {3926, "int8range"},
	{4072, "jsonpath"},  {199, "_json"},
};

const char *qr_libpq__type_name(Oid oid)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]);
	     i++) {
		if (type_names[i].oid == oid)
			return type_names[i].name;
	}
	return NULL;
}

/* An integer as PostgreSQL writes one (an optional '-', then 1 to 19
 * digits, nothing else), without strtoll's locale and errno: false for
 * anything else or out of range (strtoll then decides). */
static bool parse_int(const char *s, int len, int64_t *out)
{
	bool neg = len > 0 && s[0] == '-';
	int i = neg;
	uint64_t n = 0;

	if (len - i < 1 || len - i > 19)
		return false;
	for (; i < len; i++) {
		unsigned d = (unsigned char)s[i] - (unsigned)'0';
		if (d > 9)
			return false;
		n = n * 10 + d; /* 19 digits fit in 64 bits unsigned */
	}
	if (n > (uint64_t)INT64_MAX + neg)
		return false;
	/* (-(INT64_MAX + 1) written without overflow) */
	*out = neg ? (int64_t)(0 - n) : (int64_t)n;
	return true;
}

int64_t qr_libpq__cmd_tuples(const PGresult *res)
{
	const char *n = res ? PQcmdTuples((PGresult *)res) : "";
	int64_t count;

	if (!n || !*n)
		return -1;
	/* a count as PostgreSQL writes it; strtoll for anything else */
	if (parse_int(n, (int)strlen(n), &count))
		return count;
	return strtoll(n, NULL, 10);
}

/* Bytes after the cursor for n columns' arrays (describe), names
 * excluded. */
static size_t columns_bytes(size_t n)
{
	return n * (sizeof(char *) + sizeof(unsigned char *) +
		    sizeof(char[16]) + sizeof(Oid));
}

/* The column names and type OIDs of res (n columns) into the cursor's
 * arrays (a type's name is looked up when asked for), laid out in block
 * (columns_bytes(n) bytes, zeroed, then the names' bytes). */
static void describe(qr_driver_cursor *cur, const PGresult *res, int n,
		     char *block)
{
	cur->names = (char **)block;
	cur->bytea = (unsigned char **)(cur->names + n);
	cur->typebuf = (char(*)[16])(cur->bytea + n);
	cur->oids = (Oid *)(cur->typebuf + n);
	char *p = (char *)(cur->oids + n);
	for (int i = 0; i < n; i++) {
		const char *name = PQfname(res, i);
		size_t len = strlen(name) + 1;
		memcpy(p, name, len);
		cur->names[i] = p;
		p += len;
		cur->oids[i] = PQftype(res, i);
	}
	cur->ncols = n;
}

int qr_libpq__cursor_new(qr_driver_cursor **out, qr_driver_conn *conn,
			 PGresult *res, bool streaming)
{
	int n = res ? PQnfields(res) : 0;
	size_t extra = 0;
	int rc;

	*out = NULL;
	/* the cursor, its column arrays and names: one block */
	if (n > 0) {
		extra = columns_bytes((size_t)n);
		for (int i = 0; i < n; i++)
			extra += strlen(PQfname(res, i)) + 1;
	}
	qr_driver_cursor *cur = calloc(1, sizeof(*cur) + extra);
	if (!cur) {
		rc = qr_error_oom("libpq cursor");
		goto fail;
	}
	cur->conn = conn;
	cur->res = res;
	cur->rowcount = -1;
	if (n > 0)
		describe(cur, res, n, (char *)(cur + 1));
	if (streaming) {
		cur->streaming = true;
		cur->pending = true;
		conn->busy = true;
	} else if (res) {
		cur->ntuples = PQntuples(res);
		cur->rowcount = qr_libpq__cmd_tuples(res);
	}
	*out = cur;
	return 0;
fail:
	if (streaming) {
		PGresult *r;
		while ((r = PQgetResult(conn->pg)) != NULL)
			PQclear(r);
	}
	PQclear(res);
	return rc;
}

size_t qr_libpq__column_count(const qr_driver_cursor *cur)
{
	return cur ? (size_t)cur->ncols : 0;
}

const char *qr_libpq__column_name(const qr_driver_cursor *cur, size_t i)
{
	if (!cur || i >= (size_t)cur->ncols)
		return NULL;
	return cur->names[i];
}

const char *qr_libpq__column_type(const qr_driver_cursor *cur, size_t i)
{
	if (!cur || i >= (size_t)cur->ncols)
		return NULL;
	const char *name = qr_libpq__type_name(cur->oids[i]);
	if (name)
		return name;
	/* written when first asked for (the cursor is logically const) */
	char *buf = ((qr_driver_cursor *)cur)->typebuf[i];
	snprintf(buf, sizeof(cur->typebuf[i]), "oid:%u",
		 (unsigned)cur->oids[i]);
	return buf;
}

static void free_bytea(qr_driver_cursor *cur)
{
	for (int i = 0; i < cur->ncols; i++) {
		if (cur->bytea[i]) {
			PQfreemem(cur->bytea[i]);
			cur->bytea[i] = NULL;
		}
	}
}

static void as_text(qr_value *v, const char *s, int len)
{
	v->kind = QR_VTEXT;
	v->u.s.ptr = s;
	v->u.s.len = (size_t)len;
}

/* Converts the text s (len bytes, NUL-terminated) of column col. */
static int convert(qr_driver_cursor *cur, int col, const char *s, int len,
		   qr_value *v)
{
	char *end;

	memset(v, 0, sizeof(*v));
	switch (cur->oids[col]) {
	case QR_PG_INT2:
	case QR_PG_INT4:
	case QR_PG_INT8:
	case QR_PG_OID:
		if (parse_int(s, len, &v->u.i)) {
			v->kind = QR_VINT;
			return 0;
		}
		errno = 0;
		v->u.i = strtoll(s, &end, 10);
		if (errno || *end) {
			as_text(v, s, len);
			return 0;
		}
		v->kind = QR_VINT;
		return 0;
	case QR_PG_FLOAT4:
	case QR_PG_FLOAT8:
		/* strtod reads "NaN", "Infinity" and "-Infinity" too. */
		v->u.d = strtod(s, &end);
		if (*end) {
			as_text(v, s, len);
			return 0;
		}
		v->kind = QR_VDOUBLE;
		return 0;
	case QR_PG_BOOL:
		v->kind = QR_VBOOL;
		v->u.b = s[0] == 't';
		return 0;
	case QR_PG_NUMERIC:
		v->kind = QR_VNUMERIC;
		v->u.s.ptr = s;
		v->u.s.len = (size_t)len;
		return 0;
	case QR_PG_BYTEA: {
		size_t n = 0;
		unsigned char *bytes =
			PQunescapeBytea((const unsigned char *)s, &n);
		if (!bytes)
			return qr_error_oom("bytea value");
		cur->bytea[col] = bytes;
		v->kind = QR_VBLOB;
		v->u.s.ptr = (const char *)bytes;
		v->u.s.len = n;
		return 0;
	}
	case QR_PG_DATE:
		if (qr_date_parse(&v->u.date, s, (size_t)len) == 0)
			v->kind = QR_VDATE;
		else
			as_text(v, s, len);
		return 0;
	case QR_PG_TIME:
		if (qr_time_parse(&v->u.time, s, (size_t)len) == 0)
			v->kind = QR_VTIME;
		else
			as_text(v, s, len);
		return 0;
	case QR_PG_TIMESTAMP:
	case QR_PG_TIMESTAMPTZ:
		if (qr_datetime_parse(&v->u.datetime, s, (size_t)len) == 0)
			v->kind = QR_VDATETIME;
		else
			as_text(v, s, len);
		return 0;
	default:
		as_text(v, s, len);
		return 0;
	}
}

static int convert_row(qr_driver_cursor *cur, int row, qr_value *values)
{
	const PGresult *res = cur->res;

	for (int c = 0; c < cur->ncols; c++) {
		if (PQgetisnull(res, row, c)) {
			values[c] = qr_val_null();
			continue;
		}
		int rc = convert(cur, c, PQgetvalue(res, row, c),
				 PQgetlength(res, row, c), &values[c]);
		if (rc)
			return rc;
	}
	return 0;
}

/* Streaming: the next row from the connection, 0 at the end. */
static int next_streamed(qr_driver_cursor *cur)
{
	qr_driver_conn *conn = cur->conn;

	if (cur->pending) {
		cur->pending = false;
		return 1;
	}
	PQclear(cur->res);
	cur->res = NULL;
	if (cur->done)
		return 0;
	PGresult *res = PQgetResult(conn->pg);
	if (res && PQresultStatus(res) == PGRES_SINGLE_TUPLE) {
		cur->res = res;
		return 1;
	}
	/* The last result: the final (empty) TUPLES_OK, or an error. */
	int rc = 0;
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = qr_libpq__error(conn, res, NULL);
	else
		cur->rowcount = qr_libpq__cmd_tuples(res);
	PQclear(res);
	while ((res = PQgetResult(conn->pg)) != NULL)
		PQclear(res);
	cur->done = true;
	conn->busy = false;
	return rc;
}

int qr_libpq__fetch(qr_driver_cursor *cur, qr_value *values)
{
	int rc;

	if (!cur || (!values && cur->ncols > 0))
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "libpq fetch: NULL argument");
	free_bytea(cur);
	if (cur->streaming) {
		rc = next_streamed(cur);
		if (rc <= 0)
			return rc;
		cur->fetched++;
		rc = convert_row(cur, 0, values);
		return rc ? rc : 1;
	}
	if (!cur->res || cur->row >= cur->ntuples)
		return 0;
	rc = convert_row(cur, cur->row, values);
	if (rc)
		return rc;
	cur->row++;
	cur->fetched++;
	return 1;
}

int64_t qr_libpq__rowcount(const qr_driver_cursor *cur)
{
	return cur ? cur->rowcount : -1;
}

int64_t qr_libpq__last_insert_id(const qr_driver_cursor *cur)
{
	/* PostgreSQL reports generated keys through RETURNING only. */
	(void)cur;
	return 0;
}

void qr_libpq__cursor_free(qr_driver_cursor *cur)
{
	if (!cur)
		return;
	if (cur->bytea)
		free_bytea(cur);
	PQclear(cur->res);
	if (cur->streaming && !cur->done) {
		/* Unread rows must be read off the wire before the next
		 * command; cancelling would abort the transaction. */
		PGresult *r;
		while ((r = PQgetResult(cur->conn->pg)) != NULL)
			PQclear(r);
		cur->conn->busy = false;
	}
	free(cur); /* its column arrays and names with it */
}
