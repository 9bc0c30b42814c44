/*
 * test_libpq_driver.c - the PostgreSQL dialect and its libpq driver,
 * through the engine API and, where the engine hides something (server
 * version, the loadable module), through the driver vtable.
 *
 * Needs a server: argv[1] is a postgresql:// URL (scripts/services.sh
 * start gives postgresql://quarry:quarry@127.0.0.1:5432/quarry_test).
 * Every table is created under a qr_pg_ name and dropped again.
 */
#include "test_support.h"

#include <quarry/sys/dialect.h>

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- helpers */

/* The test URL with extra query parameters ("a=1&b=2"). */
static const char *url_with(const char *query)
{
	static char buf[512];
	const char *base = qr_test_url();

	snprintf(buf, sizeof(buf), "%s%s%s", base,
		 strchr(base, '?') ? "&" : "?", query);
	return buf;
}

static qr_engine *engine_at(const char *url, const qr_engine_options *o)
{
	qr_engine *e = NULL;
	if (qr_engine_create(&e, url, o) != 0)
		fail_msg("qr_engine_create(%s): %s", url,
			 qr_error_last()->message);
	return e;
}

/* Runs sql and returns the first column of the first row as int64. */
static int64_t scalar_int(qr_conn *c, const char *sql, const qr_params *p)
{
	qr_result *r = NULL;
	const qr_value *v = NULL;
	int64_t n = -1;

	qr_assert_ok(qr_conn_execute_text(&r, c, sql, p));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(r);
	return n;
}

/* Expects sql to fail; returns the recorded error. */
static const qr_error *expect_error(qr_conn *c, const char *sql,
				    const qr_params *p)
{
	qr_result *r = NULL;
	int rc = qr_conn_execute_text(&r, c, sql, p);
	if (rc == 0)
		fail_msg("expected %s to fail", sql);
	assert_null(r);
	assert_int_equal(qr_error_last()->code, rc);
	return qr_error_last();
}

/* A driver connection straight from the vtable. */
static const qr_driver *libpq(void)
{
	const qr_driver *d = NULL;
	qr_assert_ok(qr_driver_find(&d, "postgresql", "libpq"));
	return d;
}

static qr_driver_conn *raw_connect(const qr_driver *d, const char *url)
{
	qr_url *u = NULL;
	qr_driver_conn *dc = NULL;

	qr_assert_ok(qr_url_parse(&u, url));
	qr_connect_args args = {.url = u};
	qr_assert_ok(d->connect(&dc, &args));
	qr_url_free(u);
	return dc;
}

/* Executes through the vtable and returns the first column of the first
 * row (or -1 when none) as int64. */
static int64_t raw_int(const qr_driver *d, qr_driver_conn *dc, const char *sql,
		       const qr_value *params, size_t nparams)
{
	qr_driver_exec ex = {.sql = sql,
			     .sql_len = strlen(sql),
			     .params = params,
			     .nparams = nparams,
			     .nrows = 1};
	qr_driver_cursor *cur = NULL;
	qr_value v[4];
	int64_t n = -1;

	qr_assert_ok(d->execute(&cur, dc, &ex));
	if (d->fetch(cur, v) == 1)
		qr_assert_ok(qr_value_int64(&v[0], &n));
	d->cursor_free(cur);
	return n;
}

/* ---------------------------------------------------------------- flavour */

static void test_dialect_flavour(void **state)
{
	const qr_dialect *d = NULL;
	(void)state;

	qr_assert_ok(qr_dialect_find(&d, "postgresql"));
	assert_string_equal(d->name, "postgresql");
	assert_string_equal(d->default_driver, "libpq");
	assert_int_equal(d->paramstyle, QR_PARAMSTYLE_NUMERIC);
	assert_int_equal(d->identifier_quote, '"');
	assert_true(d->features & QR_FEATURE_RETURNING);
	assert_true(d->features & QR_FEATURE_DISTINCT_ON);
	assert_true(d->features & QR_FEATURE_TRANSACTIONAL_DDL);
	for (size_t i = 1; i < d->reserved_word_count; i++)
		assert_true(strcmp(d->reserved_words[i - 1],
				   d->reserved_words[i]) < 0);
	assert_true(qr_dialect_needs_quote(d, "user"));
	assert_true(qr_dialect_needs_quote(d, "order"));
	assert_false(qr_dialect_needs_quote(d, "name"));

	const qr_driver *drv = NULL;
	qr_assert_ok(qr_driver_find(&drv, "postgresql", NULL));
	assert_string_equal(drv->name, "libpq");
	assert_string_equal(drv->dialect, "postgresql");
}

static void test_server_version(void **state)
{
	const qr_driver *d = libpq();
	(void)state;

	qr_driver_conn *dc = raw_connect(d, qr_test_url());
	const char *v = d->server_version(dc);
	assert_non_null(v);
	assert_true(v[0] >= '1' && v[0] <= '9');
	assert_non_null(strchr(v, '.'));
	int64_t num = raw_int(
		d, dc, "SELECT current_setting('server_version_num')::int",
		NULL, 0);
	char expect[32];
	snprintf(expect, sizeof(expect), "%lld.%lld", (long long)(num / 10000),
		 (long long)(num % 10000));
	assert_string_equal(v, expect);
	assert_int_equal(d->last_insert_id(NULL), 0);
	d->close(dc);
}

/* -------------------------------------------------------------- connecting */

static void test_connect_bad_password(void **state)
{
	qr_url *u = NULL;
	char *text = NULL;
	qr_engine *e;
	qr_conn *c = NULL;
	(void)state;

	qr_assert_ok(qr_url_parse(&u, qr_test_url()));
	qr_assert_ok(qr_url_set_password(u, "Wr0ng-s3cret-pw"));
	qr_assert_ok(qr_url_render(&text, u, false));
	e = engine_at(text, NULL);
	int rc = qr_engine_connect(&c, e);
	assert_int_not_equal(rc, 0);
	assert_null(c);
	const qr_error *err = qr_error_last();
	assert_true(err->code == QR_EDB || err->code == QR_EDISCONNECT);
	assert_int_equal(err->klass, QR_ECLASS_OPERATIONAL);
	assert_non_null(strstr(err->message, "password"));
	assert_null(strstr(err->message, "Wr0ng-s3cret-pw"));
	qr_engine_free(e);
	qr_free(text);
	qr_url_free(u);
}

static void test_connect_options(void **state)
{
	qr_conn *c = NULL;
	(void)state;

	/* Unknown keys are refused before connecting. */
	qr_engine *e = engine_at(url_with("no_such_option=1"), NULL);
	assert_int_not_equal(qr_engine_connect(&c, e), 0);
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "no_such_option"));
	qr_engine_free(e);

	/* URL keys reach libpq; connect_args override them. */
	const char *args[] = {"application_name", "qr_from_args", NULL};
	e = engine_at(
		url_with("application_name=qr_from_url&connect_timeout=5"),
		&(qr_engine_options){.connect_args = args});
	c = qr_test_connect(e);
	qr_result *r = NULL;
	const qr_row *row;
	const char *s;
	qr_assert_ok(qr_conn_execute_text(
		&r, c,
		"SELECT current_setting('application_name'), "
		"current_setting('client_encoding')",
		NULL));
	assert_int_equal(qr_result_first(r, &row), 1);
	qr_assert_ok(qr_row_text(row, 0, &s));
	assert_string_equal(s, "qr_from_args");
	qr_assert_ok(qr_row_text(row, 1, &s));
	assert_string_equal(s, "UTF8");
	qr_result_free(r);
	qr_conn_free(c);
	qr_engine_free(e);
}

/* ------------------------------------------------------------------ values */

static void test_result_kinds(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_result *r = NULL;
	const qr_row *row;
	(void)state;

	qr_assert_ok(qr_conn_execute_text(
		&r, c,
		"SELECT 7::int2 AS a, 70000::int4 AS b, "
		"9000000000::int8 AS c, 1.5::float4 AS d, "
		"0.1::float8 AS e, true AS f, 12.3400::numeric AS g, "
		"'\\x00ff10'::bytea AS h, 'héllo'::text AS i, "
		"'x'::varchar(5) AS j, '2024-02-29'::date AS k, "
		"'13:45:07.25'::time AS l, "
		"'2024-01-31 13:45:00.5'::timestamp AS m, "
		"'2024-01-31 13:45:00+02'::timestamptz AS n, "
		"'infinity'::timestamp AS o, '1 day'::interval AS p, "
		"'NaN'::float8 AS q, '{1,2}'::int4[] AS r",
		NULL));
	static const char *types[] = {
		"int2",     "int4",    "int8",      "float4",      "float8",
		"bool",     "numeric", "bytea",     "text",        "varchar",
		"date",     "time",    "timestamp", "timestamptz", "timestamp",
		"interval", "float8",  "_int4"};
	assert_int_equal(qr_result_column_count(r), 18);
	for (size_t i = 0; i < 18; i++)
		assert_string_equal(qr_result_column_type(r, i), types[i]);
	assert_string_equal(qr_result_column_name(r, 6), "g");
	assert_int_equal(qr_result_first(r, &row), 1);

	assert_int_equal(qr_row_value(row, 0)->kind, QR_VINT);
	assert_int_equal(qr_row_value(row, 0)->u.i, 7);
	assert_int_equal(qr_row_value(row, 1)->u.i, 70000);
	assert_int_equal(qr_row_value(row, 2)->u.i, 9000000000LL);
	assert_int_equal(qr_row_value(row, 3)->kind, QR_VDOUBLE);
	assert_true(qr_row_value(row, 3)->u.d == 1.5);
	assert_true(qr_row_value(row, 4)->u.d == 0.1);
	assert_int_equal(qr_row_value(row, 5)->kind, QR_VBOOL);
	assert_true(qr_row_value(row, 5)->u.b);
	assert_int_equal(qr_row_value(row, 6)->kind, QR_VNUMERIC);
	assert_string_equal(qr_row_value(row, 6)->u.s.ptr, "12.3400");
	const qr_value *b = qr_row_value(row, 7);
	assert_int_equal(b->kind, QR_VBLOB);
	assert_int_equal(b->u.s.len, 3);
	assert_memory_equal(b->u.s.ptr, "\x00\xff\x10", 3);
	assert_int_equal(qr_row_value(row, 8)->kind, QR_VTEXT);
	assert_string_equal(qr_row_value(row, 8)->u.s.ptr, "héllo");
	assert_int_equal(qr_row_value(row, 10)->kind, QR_VDATE);
	assert_int_equal(qr_row_value(row, 10)->u.date.day, 29);
	const qr_value *t = qr_row_value(row, 11);
	assert_int_equal(t->kind, QR_VTIME);
	assert_int_equal(t->u.time.second, 7);
	assert_int_equal(t->u.time.microsecond, 250000);
	const qr_value *m = qr_row_value(row, 12);
	assert_int_equal(m->kind, QR_VDATETIME);
	assert_int_equal(m->u.datetime.time.microsecond, 500000);
	assert_false(m->u.datetime.has_offset);
	const qr_value *n = qr_row_value(row, 13);
	assert_int_equal(n->kind, QR_VDATETIME);
	assert_true(n->u.datetime.has_offset);
	/* 'infinity' has no qr_datetime form: text. */
	assert_int_equal(qr_row_value(row, 14)->kind, QR_VTEXT);
	assert_string_equal(qr_row_value(row, 14)->u.s.ptr, "infinity");
	assert_int_equal(qr_row_value(row, 15)->kind, QR_VTEXT);
	assert_true(isnan(qr_row_value(row, 16)->u.d));
	assert_string_equal(qr_row_value(row, 17)->u.s.ptr, "{1,2}");
	qr_result_free(r);
	qr_conn_free(c);
	qr_engine_free(e);
}

#define TYPES_DDL                                                  \
	"CREATE TABLE qr_pg_types (id int PRIMARY KEY, i bigint, " \
	"d double precision, b boolean, t text, n numeric(20,6), " \
	"bl bytea, dt date, tm time, ts timestamp, tz timestamptz)"

static void insert_kinds(qr_conn *c, int id, bool nulls)
{
	static const unsigned char bytes[] = {0, 1, 2, 0xfe, 0xff, 0, 'x'};
	qr_params *p = qr_params_new();
	qr_datetime dt = {{2024, 1, 31}, {13, 45, 7, 123456}, false, 0};
	qr_datetime dtz = {{1999, 12, 31}, {23, 59, 59, 0}, true, -5 * 3600};

	qr_assert_ok(qr_params_int(p, "id", id));
	if (nulls) {
		const char *names[] = {"i",  "d",  "b",  "t",  "n",
				       "bl", "dt", "tm", "ts", "tz"};
		for (size_t k = 0; k < 10; k++)
			qr_assert_ok(qr_params_null(p, names[k]));
	} else {
		qr_assert_ok(qr_params_int(p, "i", -9223372036854775807LL - 1));
		qr_assert_ok(qr_params_double(p, "d", 0.1 + 0.2));
		qr_assert_ok(qr_params_bool(p, "b", true));
		qr_assert_ok(qr_params_text(p, "t", "naïve 'quoted' \\ text"));
		qr_assert_ok(qr_params_set(
			p, "n", qr_val_numeric("-12345678901234.5")));
		qr_assert_ok(qr_params_blob(p, "bl", bytes, sizeof(bytes)));
		qr_assert_ok(qr_params_set(p, "dt", qr_val_date(2024, 2, 29)));
		qr_assert_ok(qr_params_set(p, "tm", qr_val_time(8, 5, 3, 10)));
		qr_assert_ok(qr_params_set(p, "ts",
					   qr_val_datetime(dt.date, dt.time)));
		qr_value vz = qr_val_datetime(dtz.date, dtz.time);
		vz.u.datetime.has_offset = true;
		vz.u.datetime.offset_seconds = dtz.offset_seconds;
		qr_assert_ok(qr_params_set(p, "tz", vz));
	}
	qr_assert_ok(qr_conn_execute_text(
		NULL, c,
		"INSERT INTO qr_pg_types VALUES (:id, :i, :d, :b, :t, :n, :bl, "
		":dt, :tm, :ts, :tz)",
		p));
	qr_params_free(p);
}

static void test_value_round_trip(void **state)
{
	static const unsigned char bytes[] = {0, 1, 2, 0xfe, 0xff, 0, 'x'};
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_result *r = NULL;
	const qr_row *row;
	(void)state;

	qr_test_exec(c, "DROP TABLE IF EXISTS qr_pg_types");
	qr_test_exec(c, TYPES_DDL);
	insert_kinds(c, 1, false);
	insert_kinds(c, 2, true);
	qr_assert_ok(qr_conn_commit(c));

	/* The session time zone decides how timestamptz comes back. */
	qr_test_exec(c, "SET TIME ZONE 'UTC'");
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT * FROM qr_pg_types ORDER BY id", NULL));
	assert_int_equal(qr_result_next(r, &row), 1);
	int64_t i;
	qr_assert_ok(qr_row_int64(row, 1, &i));
	assert_true(i == -9223372036854775807LL - 1);
	double d;
	qr_assert_ok(qr_row_double(row, 2, &d));
	assert_true(d == 0.1 + 0.2);
	bool b;
	qr_assert_ok(qr_row_bool(row, 3, &b));
	assert_true(b);
	const char *s;
	qr_assert_ok(qr_row_text(row, 4, &s));
	assert_string_equal(s, "naïve 'quoted' \\ text");
	assert_int_equal(qr_row_value(row, 5)->kind, QR_VNUMERIC);
	assert_string_equal(qr_row_value(row, 5)->u.s.ptr,
			    "-12345678901234.500000");
	const void *blob;
	size_t len;
	qr_assert_ok(qr_row_blob(row, 6, &blob, &len));
	assert_int_equal(len, sizeof(bytes));
	assert_memory_equal(blob, bytes, sizeof(bytes));
	qr_date date;
	qr_assert_ok(qr_row_date(row, 7, &date));
	assert_int_equal(date.year, 2024);
	assert_int_equal(date.month, 2);
	assert_int_equal(date.day, 29);
	qr_time tm;
	qr_assert_ok(qr_row_time(row, 8, &tm));
	assert_int_equal(tm.hour, 8);
	assert_int_equal(tm.minute, 5);
	assert_int_equal(tm.second, 3);
	assert_int_equal(tm.microsecond, 10);
	qr_datetime dt;
	qr_assert_ok(qr_row_datetime(row, 9, &dt));
	assert_int_equal(dt.date.day, 31);
	assert_int_equal(dt.time.hour, 13);
	assert_int_equal(dt.time.microsecond, 123456);
	qr_assert_ok(qr_row_datetime(row, 10, &dt));
	/* 1999-12-31 23:59:59-05 is 2000-01-01 04:59:59 UTC. */
	assert_true(dt.has_offset);
	assert_int_equal(dt.offset_seconds, 0);
	assert_int_equal(dt.date.year, 2000);
	assert_int_equal(dt.time.hour, 4);

	assert_int_equal(qr_result_next(r, &row), 1);
	for (int col = 1; col <= 10; col++)
		assert_true(qr_row_is_null(row, col));
	assert_int_equal(qr_result_next(r, &row), 0);
	qr_result_free(r);

	/* Parameters compare against typed columns on the server. */
	qr_params *p = qr_params_new();
	qr_assert_ok(qr_params_blob(p, "bl", bytes, sizeof(bytes)));
	qr_assert_ok(qr_params_set(p, "dt", qr_val_date(2024, 2, 29)));
	qr_assert_ok(qr_params_double(p, "d", 0.1 + 0.2));
	assert_int_equal(scalar_int(c,
				    "SELECT count(*) FROM qr_pg_types WHERE "
				    "bl = :bl AND dt = :dt AND d = :d",
				    p),
			 1);
	qr_params_free(p);

	/* NUL cannot travel in PostgreSQL text. */
	p = qr_params_new();
	qr_assert_ok(qr_params_set(p, "t", qr_val_textn("a\0b", 3)));
	const qr_error *err = expect_error(c, "SELECT CAST(:t AS text)", p);
	assert_int_equal(err->code, QR_ECONVERT);
	qr_params_free(p);

	qr_assert_ok(qr_conn_rollback(c));
	qr_test_exec(c, "DROP TABLE qr_pg_types");
	qr_assert_ok(qr_conn_commit(c));
	qr_conn_free(c);
	qr_engine_free(e);
}

static void test_special_doubles(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_params *p = qr_params_new();
	qr_result *r = NULL;
	const qr_row *row;
	(void)state;

	qr_assert_ok(qr_params_double(p, "a", INFINITY));
	qr_assert_ok(qr_params_double(p, "b", -INFINITY));
	qr_assert_ok(qr_params_double(p, "c", NAN));
	qr_assert_ok(qr_params_double(p, "d", 1e300));
	qr_assert_ok(qr_conn_execute_text(
		&r, c,
		"SELECT CAST(:a AS float8), CAST(:b AS float8), "
		"CAST(:c AS float8), CAST(:d AS float8)",
		p));
	assert_int_equal(qr_result_first(r, &row), 1);
	assert_true(isinf(qr_row_value(row, 0)->u.d) &&
		    qr_row_value(row, 0)->u.d > 0);
	assert_true(isinf(qr_row_value(row, 1)->u.d) &&
		    qr_row_value(row, 1)->u.d < 0);
	assert_true(isnan(qr_row_value(row, 2)->u.d));
	assert_true(qr_row_value(row, 3)->u.d == 1e300);
	qr_result_free(r);
	qr_params_free(p);
	qr_conn_free(c);
	qr_engine_free(e);
}

/* Integers of every width read back exactly at their limits, negative
 * and zero (parsed without strtoll), an oid above INT32_MAX; and sent
 * as parameters, as PostgreSQL reads them. A type quarry has no name for
 * is named by its OID. */
static void test_integer_limits(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_result *r = NULL;
	const qr_row *row;
	static const int64_t want[] = {INT64_MIN,
				       INT64_MAX,
				       -1,
				       0,
				       10,
				       -32768,
				       32767,
				       INT32_MIN,
				       INT32_MAX,
				       4294967295LL,
				       -1000000000000000000LL};
	(void)state;

	qr_assert_ok(qr_conn_execute_text(
		&r, c,
		"SELECT (-9223372036854775807 - 1)::int8, "
		"9223372036854775807::int8, -1::int8, 0::int4, 10::int2, "
		"(-32768)::int2, 32767::int2, (-2147483648)::int4, "
		"2147483647::int4, 4294967295::oid, "
		"(-1000000000000000000)::int8",
		NULL));
	assert_int_equal(qr_result_first(r, &row), 1);
	for (int i = 0; i < (int)(sizeof(want) / sizeof(want[0])); i++) {
		assert_int_equal(qr_row_value(row, i)->kind, QR_VINT);
		assert_true(qr_row_value(row, i)->u.i == want[i]);
	}
	qr_result_free(r);
	/* a type without a name of quarry's: its OID (box is 603) */
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT '(1,2),(0,0)'::box, 1::int4", NULL));
	assert_string_equal(qr_result_column_type(r, 0), "oid:603");
	assert_string_equal(qr_result_column_type(r, 1), "int4");
	assert_string_equal(qr_result_column_type(r, 0), "oid:603");
	qr_result_free(r);
	/* and each sent as a parameter (written without snprintf) */
	for (int i = 0; i < (int)(sizeof(want) / sizeof(want[0])); i++) {
		qr_params *p = qr_params_new();
		const qr_value *v;
		qr_assert_ok(qr_params_int(p, "v", want[i]));
		qr_assert_ok(qr_conn_execute_text(
			&r, c, "SELECT CAST(:v AS int8)::text", p));
		assert_int_equal(qr_result_scalar(r, &v), 1);
		char text[32];
		snprintf(text, sizeof(text), "%lld", (long long)want[i]);
		assert_string_equal(v->u.s.ptr, text);
		qr_result_free(r);
		qr_params_free(p);
	}
	qr_conn_free(c);
	qr_engine_free(e);
}

/* ---------------------------------------------------------- rows, counts */

static void test_executemany_and_rowcounts(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_params *p = qr_params_new();
	qr_result *r = NULL;
	char name[32];
	(void)state;

	qr_test_exec(c, "DROP TABLE IF EXISTS qr_pg_many");
	qr_test_exec(c, "CREATE TABLE qr_pg_many (id int PRIMARY KEY, "
			"name text, data bytea)");
	/* More rows than one pipeline chunk, some with blobs. */
	for (int i = 1; i <= 1000; i++) {
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		snprintf(name, sizeof(name), "row %d", i);
		qr_assert_ok(qr_params_int(p, "id", i));
		qr_assert_ok(qr_params_text(p, "name", name));
		if (i % 3)
			qr_assert_ok(qr_params_blob(p, "data", name, 5));
		else
			qr_assert_ok(qr_params_null(p, "data"));
	}
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "INSERT INTO qr_pg_many VALUES (:id, :name, :data)", p));
	assert_int_equal(qr_result_rowcount(r), 1000);
	qr_result_free(r);
	assert_int_equal(scalar_int(c, "SELECT count(*) FROM qr_pg_many", NULL),
			 1000);
	assert_int_equal(scalar_int(c,
				    "SELECT count(*) FROM qr_pg_many WHERE "
				    "data = substr(name, 1, 5)::bytea",
				    NULL),
			 667);

	/* PostgreSQL counts matched rows, changed or not. */
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "UPDATE qr_pg_many SET name = name WHERE id <= 10",
		NULL));
	assert_int_equal(qr_result_rowcount(r), 10);
	qr_result_free(r);
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "DELETE FROM qr_pg_many WHERE id > 990", NULL));
	assert_int_equal(qr_result_rowcount(r), 10);
	qr_result_free(r);

	/* executemany of an UPDATE sums matched rows. */
	qr_params_reset(p);
	for (int i = 0; i < 4; i++) {
		if (i)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "lo", i * 100 + 1));
		qr_assert_ok(qr_params_int(p, "hi", i * 100 + 50));
	}
	qr_assert_ok(qr_conn_execute_text(
		&r, c,
		"UPDATE qr_pg_many SET name = 'x' WHERE id BETWEEN :lo AND :hi",
		p));
	assert_int_equal(qr_result_rowcount(r), 200);
	qr_result_free(r);
	qr_assert_ok(qr_conn_commit(c));

	/* A failing row fails the whole batch: nothing is written. */
	qr_params_reset(p);
	qr_assert_ok(qr_params_int(p, "id", 5000));
	qr_assert_ok(qr_params_next_row(p));
	qr_assert_ok(qr_params_int(p, "id", 5)); /* duplicate */
	qr_assert_ok(qr_params_next_row(p));
	qr_assert_ok(qr_params_int(p, "id", 5001));
	const qr_error *err =
		expect_error(c, "INSERT INTO qr_pg_many (id) VALUES (:id)", p);
	assert_int_equal(err->klass, QR_ECLASS_INTEGRITY);
	assert_string_equal(err->sqlstate, "23505");
	qr_assert_ok(qr_conn_rollback(c));
	assert_int_equal(scalar_int(c,
				    "SELECT count(*) FROM qr_pg_many WHERE "
				    "id >= 5000",
				    NULL),
			 0);

	qr_test_exec(c, "DROP TABLE qr_pg_many");
	qr_assert_ok(qr_conn_commit(c));
	qr_params_free(p);
	qr_conn_free(c);
	qr_engine_free(e);
}

static void test_executemany_autocommit_pipeline(void **state)
{
	/* Outside BEGIN the pipeline's single Sync makes the batch one
	 * implicit transaction. */
	qr_engine *e =
		engine_at(qr_test_url(),
			  &(qr_engine_options){
				  .isolation_level = QR_ISOLATION_AUTOCOMMIT});
	qr_conn *c = qr_test_connect(e);
	qr_params *p = qr_params_new();
	(void)state;

	qr_test_exec(c, "DROP TABLE IF EXISTS qr_pg_auto");
	qr_test_exec(c, "CREATE TABLE qr_pg_auto (id int PRIMARY KEY)");
	for (int i = 1; i <= 600; i++) {
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "id", i == 550 ? 3 : i));
	}
	const qr_error *err =
		expect_error(c, "INSERT INTO qr_pg_auto VALUES (:id)", p);
	assert_int_equal(err->klass, QR_ECLASS_INTEGRITY);
	assert_int_equal(scalar_int(c, "SELECT count(*) FROM qr_pg_auto", NULL),
			 0);
	qr_test_exec(c, "DROP TABLE qr_pg_auto");
	qr_params_free(p);
	qr_conn_free(c);
	qr_engine_free(e);
}

/* ------------------------------------------------------------------ errors */

static void test_errors(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	(void)state;

	const qr_error *err = expect_error(c, "SELEC 1", NULL);
	assert_int_equal(err->code, QR_EDB);
	assert_int_equal(err->klass, QR_ECLASS_PROGRAMMING);
	assert_string_equal(err->sqlstate, "42601");
	assert_non_null(strstr(err->message, "syntax error"));
	assert_false(err->is_disconnect);
	assert_non_null(strstr(err->statement, "SELEC 1"));
	qr_assert_ok(qr_conn_rollback(c));

	err = expect_error(c, "SELECT * FROM qr_pg_no_such_table", NULL);
	assert_int_equal(err->klass, QR_ECLASS_PROGRAMMING);
	assert_string_equal(err->sqlstate, "42P01");
	qr_assert_ok(qr_conn_rollback(c));

	err = expect_error(c, "SELECT 1 / 0", NULL);
	assert_int_equal(err->klass, QR_ECLASS_DATA);
	assert_string_equal(err->sqlstate, "22012");
	qr_assert_ok(qr_conn_rollback(c));

	qr_test_exec(c, "DROP TABLE IF EXISTS qr_pg_uniq");
	qr_test_exec(c, "CREATE TABLE qr_pg_uniq (id int PRIMARY KEY, "
			"v int NOT NULL)");
	qr_test_exec(c, "INSERT INTO qr_pg_uniq VALUES (1, 1)");
	qr_assert_ok(qr_conn_commit(c));
	err = expect_error(c, "INSERT INTO qr_pg_uniq VALUES (1, 2)", NULL);
	assert_int_equal(err->code, QR_EDB);
	assert_int_equal(err->klass, QR_ECLASS_INTEGRITY);
	assert_string_equal(err->sqlstate, "23505");
	assert_non_null(strstr(err->message, "Key (id)=(1)"));
	/* The transaction is aborted until rolled back. */
	err = expect_error(c, "SELECT 1", NULL);
	assert_string_equal(err->sqlstate, "25P02");
	qr_assert_ok(qr_conn_rollback(c));

	err = expect_error(c, "INSERT INTO qr_pg_uniq VALUES (2, NULL)", NULL);
	assert_int_equal(err->klass, QR_ECLASS_INTEGRITY);
	assert_string_equal(err->sqlstate, "23502");
	qr_assert_ok(qr_conn_rollback(c));
	qr_test_exec(c, "DROP TABLE IF EXISTS qr_pg_uniq");
	qr_assert_ok(qr_conn_commit(c));
	qr_conn_free(c);
	qr_engine_free(e);
}

/* ------------------------------------------------------------ transactions */

static void test_transactions(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_conn *other = qr_test_connect(e);
	qr_tx *tx = NULL, *sp = NULL;
	(void)state;

	qr_test_exec(c, "DROP TABLE IF EXISTS qr_pg_tx");
	qr_test_exec(c, "CREATE TABLE qr_pg_tx (id int)");
	qr_assert_ok(qr_conn_commit(c));

	qr_test_exec(c, "INSERT INTO qr_pg_tx VALUES (1)");
	/* Not visible to another connection until committed. */
	assert_int_equal(
		scalar_int(other, "SELECT count(*) FROM qr_pg_tx", NULL), 0);
	qr_assert_ok(qr_conn_rollback(other));
	qr_assert_ok(qr_conn_commit(c));
	assert_int_equal(
		scalar_int(other, "SELECT count(*) FROM qr_pg_tx", NULL), 1);
	qr_assert_ok(qr_conn_rollback(other));

	qr_test_exec(c, "INSERT INTO qr_pg_tx VALUES (2)");
	qr_assert_ok(qr_conn_rollback(c));
	assert_int_equal(scalar_int(c, "SELECT count(*) FROM qr_pg_tx", NULL),
			 1);
	qr_assert_ok(qr_conn_rollback(c));

	/* Savepoints, by SQL. */
	qr_test_exec(c, "INSERT INTO qr_pg_tx VALUES (3)");
	qr_test_exec(c, "SAVEPOINT qr_sp1");
	qr_test_exec(c, "INSERT INTO qr_pg_tx VALUES (4)");
	qr_test_exec(c, "ROLLBACK TO SAVEPOINT qr_sp1");
	qr_test_exec(c, "RELEASE SAVEPOINT qr_sp1");
	qr_assert_ok(qr_conn_commit(c));
	assert_int_equal(scalar_int(c, "SELECT sum(id) FROM qr_pg_tx", NULL),
			 4);
	qr_assert_ok(qr_conn_rollback(c));

	/* ... and through the API, recovering from an error inside. */
	qr_assert_ok(qr_conn_begin(&tx, c));
	qr_test_exec(c, "INSERT INTO qr_pg_tx VALUES (10)");
	qr_assert_ok(qr_conn_begin_nested(&sp, c));
	expect_error(c, "INSERT INTO qr_pg_tx VALUES ('not a number')", NULL);
	qr_assert_ok(qr_tx_rollback(sp));
	qr_tx_free(sp);
	qr_test_exec(c, "INSERT INTO qr_pg_tx VALUES (20)");
	qr_assert_ok(qr_tx_commit(tx));
	qr_tx_free(tx);
	assert_int_equal(scalar_int(c, "SELECT sum(id) FROM qr_pg_tx", NULL),
			 34);

	qr_test_exec(c, "DROP TABLE qr_pg_tx");
	qr_assert_ok(qr_conn_commit(c));
	qr_conn_free(other);
	qr_conn_free(c);
	qr_engine_free(e);
}

static void test_isolation(void **state)
{
	qr_result *r = NULL;
	const qr_value *v;
	const char *s;
	(void)state;

	qr_engine *e = engine_at(
		qr_test_url(),
		&(qr_engine_options){.isolation_level =
					     QR_ISOLATION_SERIALIZABLE});
	qr_conn *c = qr_test_connect(e);
	qr_assert_ok(qr_conn_execute_text(&r, c, "SHOW transaction_isolation",
					  NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_text(v, &s, NULL));
	assert_string_equal(s, "serializable");
	qr_result_free(r);
	qr_assert_ok(qr_conn_rollback(c));
	qr_assert_ok(qr_conn_set_isolation(c, QR_ISOLATION_READ_COMMITTED));
	qr_assert_ok(qr_conn_execute_text(&r, c, "SHOW transaction_isolation",
					  NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_text(v, &s, NULL));
	assert_string_equal(s, "read committed");
	qr_result_free(r);
	qr_conn_free(c);
	qr_engine_free(e);

	/* AUTOCOMMIT: each statement commits by itself. */
	e = engine_at(qr_test_url(),
		      &(qr_engine_options){.isolation_level =
						   QR_ISOLATION_AUTOCOMMIT});
	c = qr_test_connect(e);
	qr_conn *other = qr_test_connect(e);
	qr_test_exec(c, "DROP TABLE IF EXISTS qr_pg_auto2");
	qr_test_exec(c, "CREATE TABLE qr_pg_auto2 (id int)");
	qr_test_exec(c, "INSERT INTO qr_pg_auto2 VALUES (1)");
	assert_int_equal(
		scalar_int(other, "SELECT count(*) FROM qr_pg_auto2", NULL), 1);
	qr_test_exec(c, "DROP TABLE qr_pg_auto2");
	qr_conn_free(other);
	qr_conn_free(c);
	qr_engine_free(e);
}

/* --------------------------------------------------- prepared statements */

static int64_t prepared_count(qr_conn *c, const char *like)
{
	qr_params *p = qr_params_new();
	qr_assert_ok(qr_params_text(p, "like", like));
	int64_t n = scalar_int(c,
			       "SELECT count(*) FROM pg_prepared_statements "
			       "WHERE statement LIKE :like",
			       p);
	qr_params_free(p);
	return n;
}

static void test_statement_cache(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_params *p = qr_params_new();
	(void)state;

	for (int i = 0; i < 5; i++) {
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "x", i));
		assert_int_equal(scalar_int(c,
					    "SELECT CAST(:x AS int) + 1000 AS "
					    "qr_cache_probe",
					    p),
				 i + 1000);
	}
	/* Five executions, one server-side statement. */
	assert_int_equal(prepared_count(c, "%qr_cache_probe%"), 1);

	/* Long statements differing in one byte (inside an 8-byte word of
	 * the hash, or in its tail): each its own statement, each found
	 * again. */
	char sql[3][2100];
	for (int k = 0; k < 3; k++) {
		memset(sql[k], ' ', sizeof(sql[k]));
		memcpy(sql[k], "SELECT CAST(:x AS int) + ", 25);
		sql[k][25] = '1';
		memcpy(sql[k] + 2060, "+ 0 AS qr_long_probe", 20);
		sql[k][2080] = '\0';
	}
	sql[1][1003] = '2'; /* + 2, where the others have a space */
	sql[1][1002] = '+';
	sql[2][2079] = 'f'; /* the label's last letter */
	for (int round = 0; round < 2; round++) {
		for (int k = 0; k < 3; k++) {
			qr_params_reset(p);
			qr_assert_ok(qr_params_int(p, "x", 10));
			assert_int_equal(scalar_int(c, sql[k], p),
					 k == 1 ? 13 : 11);
		}
	}
	assert_int_equal(prepared_count(c, "%qr_long_prob%"), 3);

	/* DDL and other one-offs are not prepared. */
	qr_test_exec(c, "CREATE TEMP TABLE qr_pg_cache_tmp (id int)");
	assert_int_equal(prepared_count(c, "CREATE TEMP TABLE qr_pg_cache%"),
			 0);

	/* A statement dropped behind the driver's back is re-prepared
	 * (outside a transaction, where retrying is safe). */
	qr_assert_ok(qr_conn_commit(c));
	qr_assert_ok(qr_conn_set_isolation(c, QR_ISOLATION_AUTOCOMMIT));
	qr_test_exec(c, "DEALLOCATE ALL");
	qr_params_reset(p);
	qr_assert_ok(qr_params_int(p, "x", 7));
	assert_int_equal(
		scalar_int(c, "SELECT CAST(:x AS int) + 1000 AS qr_cache_probe",
			   p),
		1007);
	assert_int_equal(prepared_count(c, "%qr_cache_probe%"), 1);
	qr_params_free(p);
	qr_conn_free(c);
	qr_engine_free(e);
}

static void test_statement_cache_bounded(void **state)
{
	const qr_driver *d = libpq();
	qr_driver_conn *dc = raw_connect(d, url_with("statement_cache_size=2"));
	char sql[128];
	(void)state;

	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 6; i++) {
			qr_value v = qr_val_int(i);
			snprintf(sql, sizeof(sql),
				 "SELECT $1::int * %d AS qr_bounded", i + 2);
			assert_int_equal(raw_int(d, dc, sql, &v, 1),
					 i * (i + 2));
		}
	}
	assert_int_equal(raw_int(d, dc,
				 "SELECT count(*) FROM pg_prepared_statements",
				 NULL, 0),
			 2);
	d->close(dc);

	/* Disabled: everything runs unnamed. */
	dc = raw_connect(d, url_with("statement_cache_size=0"));
	qr_value v = qr_val_int(5);
	assert_int_equal(raw_int(d, dc, "SELECT $1::int + 1", &v, 1), 6);
	assert_int_equal(raw_int(d, dc,
				 "SELECT count(*) FROM pg_prepared_statements",
				 NULL, 0),
			 0);
	d->close(dc);
}

/* ----------------------------------------------------------- scripts, misc */

static char notice_buf[512];
static int notice_level;

static void capture_log(void *userdata, qr_log_level level, const char *msg)
{
	(void)userdata;
	if (strstr(msg, "qr-notice")) {
		snprintf(notice_buf, sizeof(notice_buf), "%s", msg);
		notice_level = level;
	}
}

static void test_script_and_notices(void **state)
{
	qr_engine *e = engine_at(qr_test_url(),
				 &(qr_engine_options){.log_fn = capture_log});
	qr_conn *c = qr_test_connect(e);
	(void)state;

	/* Several statements without parameters run as one script. */
	qr_test_exec(c,
		     "DROP TABLE IF EXISTS qr_pg_script; "
		     "CREATE TABLE qr_pg_script (id int, s text); "
		     "INSERT INTO qr_pg_script VALUES (1, 'a;b'), (2, $$;$$);"
		     " -- trailing comment ; with a semicolon\n");
	assert_int_equal(
		scalar_int(c, "SELECT count(*) FROM qr_pg_script", NULL), 2);
	qr_assert_ok(qr_conn_commit(c));

	notice_buf[0] = '\0';
	qr_test_exec(c, "DO $$ BEGIN RAISE WARNING 'qr-notice %', 42; END $$");
	assert_non_null(strstr(notice_buf, "qr-notice 42"));
	assert_int_equal(notice_level, QR_LOG_WARNING);
	notice_buf[0] = '\0';
	qr_test_exec(c, "DO $$ BEGIN RAISE NOTICE 'qr-notice info'; END $$");
	assert_non_null(strstr(notice_buf, "qr-notice info"));
	assert_int_equal(notice_level, QR_LOG_INFO);

	qr_test_exec(c, "DROP TABLE qr_pg_script");
	qr_assert_ok(qr_conn_commit(c));
	qr_conn_free(c);
	qr_engine_free(e);
}

static void test_streaming(void **state)
{
	qr_engine *e = engine_at(url_with("stream_results=true"), NULL);
	qr_conn *c = qr_test_connect(e);
	qr_params *p = qr_params_new();
	qr_result *r = NULL;
	const qr_row *row;
	int64_t sum = 0, n = 0, v;
	(void)state;

	qr_assert_ok(qr_params_int(p, "n", 20000));
	qr_assert_ok(qr_conn_execute_text(
		&r, c,
		"SELECT g, repeat('x', 10) FROM generate_series(1, :n) g", p));
	assert_int_equal(qr_result_column_count(r), 2);
	assert_string_equal(qr_result_column_type(r, 0), "int4");
	while (qr_result_next(r, &row) == 1) {
		qr_assert_ok(qr_row_int64(row, 0, &v));
		sum += v;
		n++;
	}
	assert_int_equal(n, 20000);
	assert_int_equal(sum, (int64_t)20000 * 20001 / 2);
	assert_int_equal(qr_result_rowcount(r), 20000);
	qr_result_free(r);

	/* Freed early: the rest is drained and the connection reusable. */
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT g FROM generate_series(1, :n) g", p));
	assert_int_equal(qr_result_next(r, &row), 1);
	qr_result_free(r);
	assert_int_equal(scalar_int(c, "SELECT 41 + 1", NULL), 42);

	/* An error after some rows arrives at fetch time. */
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT 10 / (5 - g) FROM generate_series(1, 10) g",
		NULL));
	int rc;
	n = 0;
	while ((rc = qr_result_next(r, &row)) == 1)
		n++;
	assert_true(rc < 0);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_DATA);
	assert_string_equal(qr_error_last()->sqlstate, "22012");
	assert_int_equal(n, 4);
	qr_result_free(r);
	qr_assert_ok(qr_conn_rollback(c));
	assert_int_equal(scalar_int(c, "SELECT 1", NULL), 1);

	qr_params_free(p);
	qr_conn_free(c);
	qr_engine_free(e);
}

/* execution_options(stream_results=True) on a connection of an engine
 * whose URL does not stream: single-row mode for what runs while it is
 * set, a whole result again once it is unset. */
static void test_stream_results_per_connection(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_params *p = qr_params_new();
	qr_result *r = NULL, *r2 = NULL;
	const qr_row *row;
	int64_t n = 0, v;
	(void)state;

	qr_assert_ok(qr_params_int(p, "n", 5000));
	/* Not streaming: the row count is known at execute. */
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT g FROM generate_series(1, :n) g", p));
	assert_int_equal(qr_result_rowcount(r), 5000);
	qr_result_free(r);

	qr_assert_ok(qr_conn_set_stream_results(c, true));
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT g FROM generate_series(1, :n) g", p));
	/* Streaming: unknown until the rows are read. */
	assert_int_equal(qr_result_rowcount(r), -1);
	assert_int_equal(qr_result_next(r, &row), 1);
	qr_assert_ok(qr_row_int64(row, 0, &v));
	assert_int_equal(v, 1);
	/* Another statement while it is open: the rest is read first. */
	qr_assert_ok(qr_conn_execute_text(&r2, c, "SELECT 7", NULL));
	assert_int_equal(qr_result_next(r2, &row), 1);
	qr_assert_ok(qr_row_int64(row, 0, &v));
	assert_int_equal(v, 7);
	qr_result_free(r2);
	n = 1;
	while (qr_result_next(r, &row) == 1)
		n++;
	assert_int_equal(n, 5000);
	qr_result_free(r);

	qr_assert_ok(qr_conn_set_stream_results(c, false));
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT g FROM generate_series(1, :n) g", p));
	assert_int_equal(qr_result_rowcount(r), 5000);
	qr_result_free(r);

	assert_int_equal(qr_conn_set_stream_results(NULL, true), QR_EINVAL);
	qr_params_free(p);
	qr_conn_free(c);
	qr_engine_free(e);
}

/* -------------------------------------------------------------- disconnect */

static void test_server_kill(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *victim = qr_test_connect(e);
	qr_conn *killer = qr_test_connect(e);
	qr_params *p = qr_params_new();
	(void)state;

	int64_t pid = scalar_int(victim, "SELECT pg_backend_pid()", NULL);
	qr_assert_ok(qr_params_int(p, "pid", pid));
	assert_int_equal(
		scalar_int(
			killer,
			"SELECT pg_terminate_backend(CAST(:pid AS int))::int",
			p),
		1);
	qr_assert_ok(qr_conn_commit(killer));
	/* Termination is asynchronous: wait until the backend is gone. */
	for (int i = 0; i < 100; i++) {
		if (scalar_int(killer,
			       "SELECT count(*) FROM pg_stat_activity "
			       "WHERE pid = CAST(:pid AS int)",
			       p) == 0)
			break;
		qr_assert_ok(qr_conn_rollback(killer));
		usleep(20000);
	}

	const qr_error *err = expect_error(victim, "SELECT 1", NULL);
	assert_int_equal(err->code, QR_EDISCONNECT);
	assert_true(err->is_disconnect);
	assert_int_equal(err->klass, QR_ECLASS_OPERATIONAL);
	assert_true(qr_conn_invalidated(victim));

	qr_params_free(p);
	qr_conn_free(victim);
	qr_conn_free(killer);
	qr_engine_free(e);
}

static void test_ping_and_raw_kill(void **state)
{
	const qr_driver *d = libpq();
	qr_driver_conn *dc = raw_connect(d, qr_test_url());
	qr_driver_conn *killer = raw_connect(d, qr_test_url());
	(void)state;

	qr_assert_ok(d->ping(dc));
	qr_value pid =
		qr_val_int(raw_int(d, dc, "SELECT pg_backend_pid()", NULL, 0));
	assert_int_equal(raw_int(d, killer,
				 "SELECT pg_terminate_backend($1::int)::int",
				 &pid, 1),
			 1);
	int rc = 0;
	for (int i = 0; i < 100 && rc == 0; i++) {
		rc = d->ping(dc);
		if (rc == 0)
			usleep(20000);
	}
	assert_int_equal(rc, QR_EDISCONNECT);
	assert_true(qr_error_last()->is_disconnect);
	d->close(killer);
	d->close(dc);
}

/* ------------------------------------------------------------------ module */

static void test_loadable_module(void **state)
{
	char exe[4096], path[4200];
	(void)state;

	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	*slash = '\0';
	/* <build>/tests/<exe> -> <build>/dialects/postgresql/... */
	snprintf(path, sizeof(path),
		 "%s/../dialects/postgresql/quarry-postgresql.so", exe);
	if (access(path, R_OK) != 0)
		skip();
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	assert_non_null(h);
	qr_module_entry_fn entry =
		(qr_module_entry_fn)(uintptr_t)dlsym(h, QR_MODULE_ENTRY);
	assert_non_null(entry);
	const qr_module *m = entry();
	assert_int_equal(m->api_version, QR_PLUGIN_API_VERSION);
	assert_non_null(m->dialect);
	assert_string_equal(m->dialect->name, "postgresql");
	assert_non_null(m->drivers);
	assert_string_equal(m->drivers[0]->name, "libpq");
	assert_null(m->drivers[1]);
	dlclose(h);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dialect_flavour),
		cmocka_unit_test(test_server_version),
		cmocka_unit_test(test_connect_bad_password),
		cmocka_unit_test(test_connect_options),
		cmocka_unit_test(test_result_kinds),
		cmocka_unit_test(test_value_round_trip),
		cmocka_unit_test(test_special_doubles),
		cmocka_unit_test(test_integer_limits),
		cmocka_unit_test(test_executemany_and_rowcounts),
		cmocka_unit_test(test_executemany_autocommit_pipeline),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_transactions),
		cmocka_unit_test(test_isolation),
		cmocka_unit_test(test_statement_cache),
		cmocka_unit_test(test_statement_cache_bounded),
		cmocka_unit_test(test_script_and_notices),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_stream_results_per_connection),
		cmocka_unit_test(test_server_kill),
		cmocka_unit_test(test_ping_and_raw_kill),
		cmocka_unit_test(test_loadable_module),
	};
	return qr_test_run(argc, argv, "postgresql.libpq", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
