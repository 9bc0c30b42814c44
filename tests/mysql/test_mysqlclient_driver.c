/*
 * test_mysqlclient_driver.c - the MySQL/MariaDB dialect and its
 * mysqlclient driver, through the engine API and, where the engine hides
 * something (server version, ping, the loadable modules), through the
 * driver vtable.
 *
 * Needs a server: argv[1] is a mysql:// URL (scripts/services.sh start
 * gives mysql://quarry:quarry@127.0.0.1:3306/quarry_test). Every table is
 * created under a qr_my_ name and dropped again.
 */
#include "test_support.h"

#include <quarry/sys/dialect.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- helpers */

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

/* A session status counter (Com_stmt_prepare, ...). */
static int64_t session_status(qr_conn *c, const char *name)
{
	char sql[128];
	qr_result *r = NULL;
	const qr_row *row;
	const char *s;

	snprintf(sql, sizeof(sql), "SHOW SESSION STATUS LIKE '%s'", name);
	qr_assert_ok(qr_conn_execute_text(&r, c, sql, NULL));
	assert_int_equal(qr_result_first(r, &row), 1);
	qr_assert_ok(qr_row_text(row, 1, &s));
	int64_t n = strtoll(s, NULL, 10);
	qr_result_free(r);
	return n;
}

static const qr_driver *mysqlclient(void)
{
	const qr_driver *d = NULL;
	qr_assert_ok(qr_driver_find(&d, "mysql", "mysqlclient"));
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

static void check_flavour(const char *name)
{
	const qr_dialect *d = NULL;

	qr_assert_ok(qr_dialect_find(&d, name));
	assert_string_equal(d->name, name);
	assert_string_equal(d->default_driver, "mysqlclient");
	assert_int_equal(d->paramstyle, QR_PARAMSTYLE_QMARK);
	assert_int_equal(d->identifier_quote, '`');
	assert_true(d->features & QR_FEATURE_SAVEPOINT);
	assert_true(d->features & QR_FEATURE_MULTI_VALUES);
	assert_false(d->features & QR_FEATURE_RETURNING);
	/* MariaDB 10.5+: INSERT and DELETE .. RETURNING (not UPDATE) */
	bool mariadb = strcmp(name, "mariadb") == 0;
	assert_int_equal(!!(d->features & QR_FEATURE_INSERT_RETURNING),
			 mariadb);
	assert_int_equal(!!(d->features & QR_FEATURE_DELETE_RETURNING),
			 mariadb);
	assert_false(d->features & QR_FEATURE_TRANSACTIONAL_DDL);
	for (size_t i = 1; i < d->reserved_word_count; i++)
		assert_true(strcmp(d->reserved_words[i - 1],
				   d->reserved_words[i]) < 0);
	assert_true(qr_dialect_needs_quote(d, "key"));
	assert_true(qr_dialect_needs_quote(d, "interval"));
	assert_false(qr_dialect_needs_quote(d, "name"));

	const qr_driver *drv = NULL;
	qr_assert_ok(qr_driver_find(&drv, name, NULL));
	assert_string_equal(drv->name, "mysqlclient");
	assert_string_equal(drv->dialect, name);
}

static void test_dialect_flavour(void **state)
{
	(void)state;
	check_flavour("mysql");
	check_flavour("mariadb");
}

static void test_mariadb_url(void **state)
{
	char url[512];
	const char *base = qr_test_url();
	(void)state;

	/* "mysql://..." -> "mariadb://..." */
	snprintf(url, sizeof(url), "mariadb%s", strstr(base, "://"));
	qr_engine *e = engine_at(url, NULL);
	assert_string_equal(qr_engine_dialect_name(e), "mariadb");
	assert_string_equal(qr_engine_driver_name(e), "mysqlclient");
	qr_conn *c = qr_test_connect(e);
	assert_int_equal(scalar_int(c, "SELECT 40 + 2", NULL), 42);
	qr_conn_free(c);
	qr_engine_free(e);
}

/* The flavour a server calls for (dialects/mysql/dialect.c). */
const char *qr_mysql__server_dialect(const char *server_version);

static void test_server_flavour_from_version(void **state)
{
	(void)state;
	assert_string_equal(
		qr_mysql__server_dialect("10.11.6-MariaDB-0+deb12u1"),
		"mariadb");
	assert_string_equal(qr_mysql__server_dialect("5.5.5-10.5.1-MariaDB"),
			    "mariadb");
	assert_string_equal(qr_mysql__server_dialect("11.4.2-MariaDB"),
			    "mariadb");
	assert_string_equal(qr_mysql__server_dialect("10.4.32-MariaDB"),
			    "mysql");
	assert_string_equal(qr_mysql__server_dialect("5.5.5-10.3.39-MariaDB"),
			    "mysql");
	assert_string_equal(qr_mysql__server_dialect("8.0.36"), "mysql");
	assert_string_equal(qr_mysql__server_dialect("8.4.0-log"), "mysql");
	assert_null(qr_mysql__server_dialect(""));
}

/* mariadb:// refuses a MySQL server, as SQLAlchemy's mariadb dialect. */
int qr_mysql__require_mariadb(const char *server_version);

static void test_mariadb_url_requires_mariadb(void **state)
{
	(void)state;
	assert_int_equal(qr_mysql__require_mariadb("10.11.6-MariaDB-0+deb12u1"),
			 0);
	assert_int_equal(qr_mysql__require_mariadb("5.5.5-10.3.39-MariaDB"), 0);
	assert_int_equal(qr_mysql__require_mariadb("8.0.36-log"), QR_EINVAL);
	assert_string_equal(qr_error_last()->message,
			    "MySQL version 8.0.36 is not a MariaDB variant.");
	assert_int_equal(qr_mysql__require_mariadb("8.4.0"), QR_EINVAL);
	assert_string_equal(qr_error_last()->message,
			    "MySQL version 8.4.0 is not a MariaDB variant.");
	/* the server here is MariaDB: mariadb:// connects */
	char url[512];
	const char *base = qr_test_url();
	snprintf(url, sizeof(url), "mariadb%s", strstr(base, "://"));
	qr_engine *e = engine_at(url, NULL);
	qr_conn *c = qr_test_connect(e);
	assert_non_null(c);
	qr_conn_free(c);
	qr_engine_free(e);
}

/* An engine takes the flavour its server calls for at its first
 * connection, whatever the URL said: RETURNING on MariaDB 10.5+ behind a
 * mysql:// URL, none on an older MariaDB behind a mariadb:// one. */
static void test_engine_picks_server_flavour(void **state)
{
	const qr_driver *d = mysqlclient();
	char url[512];
	(void)state;

	qr_driver_conn *dc = raw_connect(d, qr_test_url());
	const char *want = qr_mysql__server_dialect(d->server_version(dc));
	assert_non_null(want);
	for (int i = 0; i < 2; i++) {
		snprintf(url, sizeof(url), "%s%s", i ? "mariadb" : "mysql",
			 strstr(qr_test_url(), "://"));
		qr_engine *e = engine_at(url, NULL);
		assert_string_equal(qr_engine_dialect_name(e),
				    i ? "mariadb" : "mysql");
		qr_conn *c = qr_test_connect(e);
		assert_string_equal(qr_engine_dialect_name(e), want);
		if (strcmp(want, "mariadb") == 0) {
			qr_test_exec(c, "CREATE TEMPORARY TABLE qt_my_ret (id "
					"INTEGER AUTO_INCREMENT PRIMARY KEY, "
					"name VARCHAR(20))");
			qr_result *r;
			const qr_row *row;
			int64_t id = 0;
			qr_assert_ok(qr_conn_execute_text(
				&r, c,
				"INSERT INTO qt_my_ret (name) VALUES ('a'), "
				"('b') RETURNING id, name",
				NULL));
			assert_int_equal(qr_result_next(r, &row), 1);
			qr_assert_ok(qr_row_int64(row, 0, &id));
			assert_true(id > 0);
			assert_int_equal(qr_result_next(r, &row), 1);
			assert_int_equal(qr_result_next(r, &row), 0);
			qr_result_free(r);
		}
		qr_conn_free(c);
		qr_engine_free(e);
	}
	d->close(dc);
}

static void test_server_version_and_ping(void **state)
{
	const qr_driver *d = mysqlclient();
	(void)state;

	qr_driver_conn *dc = raw_connect(d, qr_test_url());
	const char *v = d->server_version(dc);
	assert_non_null(v);
	assert_true(v[0] >= '1' && v[0] <= '9');
	assert_non_null(strchr(v, '.'));
	qr_assert_ok(d->ping(dc));
	d->close(dc);
}

/* -------------------------------------------------------------- connecting */

static void test_connect_bad_password(void **state)
{
	qr_url *u = NULL;
	char *text = NULL;
	qr_conn *c = NULL;
	(void)state;

	qr_assert_ok(qr_url_parse(&u, qr_test_url()));
	qr_assert_ok(qr_url_set_password(u, "Wr0ng-s3cret-pw"));
	qr_assert_ok(qr_url_render(&text, u, false));
	qr_engine *e = engine_at(text, NULL);
	assert_int_not_equal(qr_engine_connect(&c, e), 0);
	assert_null(c);
	const qr_error *err = qr_error_last();
	assert_int_equal(err->code, QR_EDB);
	assert_int_equal(err->klass, QR_ECLASS_OPERATIONAL);
	assert_int_equal(err->native_code, 1045);
	assert_string_equal(err->sqlstate, "28000");
	assert_non_null(strstr(err->message, "Access denied"));
	assert_null(strstr(err->message, "Wr0ng-s3cret-pw"));
	qr_engine_free(e);
	qr_free(text);
	qr_url_free(u);
}

static void test_connect_options(void **state)
{
	qr_conn *c = NULL;
	(void)state;

	qr_engine *e = engine_at(url_with("no_such_option=1"), NULL);
	assert_int_not_equal(qr_engine_connect(&c, e), 0);
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "no_such_option"));
	qr_engine_free(e);

	e = engine_at(url_with("charset=latin1"), NULL);
	assert_int_not_equal(qr_engine_connect(&c, e), 0);
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	qr_engine_free(e);

	/* Options reach the client library; connect_args override. */
	const char *args[] = {"init_command", "SET @qr_init = 2", NULL};
	e = engine_at(url_with("connect_timeout=5&charset=utf8mb4&"
			       "init_command=SET%20@qr_init%20%3D%201"),
		      &(qr_engine_options){.connect_args = args});
	c = qr_test_connect(e);
	assert_int_equal(scalar_int(c, "SELECT @qr_init", NULL), 2);
	qr_result *r = NULL;
	const qr_value *v;
	const char *s;
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT @@character_set_client", NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_text(v, &s, NULL));
	assert_string_equal(s, "utf8mb4");
	qr_result_free(r);
	qr_conn_free(c);
	qr_engine_free(e);

	/* LOCAL INFILE only when asked for: a hostile server could read
	 * the client's files. */
	const char *load = "CREATE TEMPORARY TABLE qr_my_infile (s TEXT); "
			   "LOAD DATA LOCAL INFILE '/proc/self/status' "
			   "INTO TABLE qr_my_infile";
	e = qr_test_engine();
	c = qr_test_connect(e);
	expect_error(c, load, NULL);
	qr_conn_free(c);
	qr_engine_free(e);
	e = engine_at(url_with("local_infile=true"), NULL);
	c = qr_test_connect(e);
	qr_test_exec(c, load);
	assert_true(scalar_int(c, "SELECT count(*) FROM qr_my_infile", NULL) >
		    0);
	qr_conn_free(c);
	qr_engine_free(e);
}

/* ------------------------------------------------------------------ values */

#define TYPES_DDL                                                           \
	"CREATE TABLE qr_my_types (id INT PRIMARY KEY, flag TINYINT(1), "   \
	"i BIGINT, u BIGINT UNSIGNED, f FLOAT, d DOUBLE, n DECIMAL(20,6), " \
	"t VARCHAR(50), lt LONGTEXT, bl BLOB, dt DATE, tm TIME(6), "        \
	"ts DATETIME(6), y YEAR, bits BIT(8), e ENUM('a','b')) "            \
	"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"

static void test_result_kinds(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_result *r = NULL;
	const qr_row *row;
	(void)state;

	qr_test_drop(c, "DROP TABLE IF EXISTS qr_my_types");
	qr_test_exec(c, TYPES_DDL);
	qr_test_exec(c, "INSERT INTO qr_my_types VALUES (1, 1, -5, "
			"18446744073709551615, 1.1, 0.1, -12.5, 'héllo', "
			"'long', X'00FF10', '2024-02-29', '13:45:07.25', "
			"'2024-01-31 13:45:00.5', 2024, b'101', 'b')");
	/* Values quarry's date kinds cannot hold come back as text. */
	qr_test_exec(c, "SET SESSION sql_mode = ''");
	qr_test_exec(c, "INSERT INTO qr_my_types (id, dt, tm, ts) VALUES "
			"(2, '0000-00-00', '-01:30:00', '0000-00-00 00:00:00'),"
			" (3, '2024-01-01', '100:00:00', NULL)");
	qr_assert_ok(qr_conn_commit(c));

	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT * FROM qr_my_types ORDER BY id", NULL));
	static const char *types[] = {
		"INT",      "TINYINT(1)", "BIGINT",  "BIGINT UNSIGNED",
		"FLOAT",    "DOUBLE",     "DECIMAL", "VARCHAR",
		"LONGTEXT", "BLOB",       "DATE",    "TIME",
		"DATETIME", "YEAR",       "BIT",     "ENUM"};
	assert_int_equal(qr_result_column_count(r), 16);
	for (size_t i = 0; i < 16; i++)
		assert_string_equal(qr_result_column_type(r, i), types[i]);
	assert_string_equal(qr_result_column_name(r, 6), "n");

	assert_int_equal(qr_result_next(r, &row), 1);
	assert_int_equal(qr_row_value(row, 1)->kind, QR_VINT);
	bool b;
	qr_assert_ok(qr_row_bool(row, 1, &b));
	assert_true(b);
	assert_int_equal(qr_row_value(row, 2)->u.i, -5);
	assert_int_equal(qr_row_value(row, 3)->kind, QR_VNUMERIC);
	assert_string_equal(qr_row_value(row, 3)->u.s.ptr,
			    "18446744073709551615");
	assert_int_equal(qr_row_value(row, 4)->kind, QR_VDOUBLE);
	assert_true(qr_row_value(row, 4)->u.d == 1.1);
	assert_true(qr_row_value(row, 5)->u.d == 0.1);
	assert_int_equal(qr_row_value(row, 6)->kind, QR_VNUMERIC);
	assert_string_equal(qr_row_value(row, 6)->u.s.ptr, "-12.500000");
	assert_int_equal(qr_row_value(row, 7)->kind, QR_VTEXT);
	assert_string_equal(qr_row_value(row, 7)->u.s.ptr, "héllo");
	assert_int_equal(qr_row_value(row, 8)->kind, QR_VTEXT);
	const qr_value *bl = qr_row_value(row, 9);
	assert_int_equal(bl->kind, QR_VBLOB);
	assert_int_equal(bl->u.s.len, 3);
	assert_memory_equal(bl->u.s.ptr, "\x00\xff\x10", 3);
	assert_int_equal(qr_row_value(row, 10)->kind, QR_VDATE);
	assert_int_equal(qr_row_value(row, 10)->u.date.day, 29);
	const qr_value *t = qr_row_value(row, 11);
	assert_int_equal(t->kind, QR_VTIME);
	assert_int_equal(t->u.time.second, 7);
	assert_int_equal(t->u.time.microsecond, 250000);
	const qr_value *ts = qr_row_value(row, 12);
	assert_int_equal(ts->kind, QR_VDATETIME);
	assert_int_equal(ts->u.datetime.time.microsecond, 500000);
	assert_false(ts->u.datetime.has_offset);
	assert_int_equal(qr_row_value(row, 13)->u.i, 2024);
	assert_int_equal(qr_row_value(row, 14)->kind, QR_VBLOB);
	assert_int_equal(qr_row_value(row, 14)->u.s.ptr[0], 5);
	assert_int_equal(qr_row_value(row, 15)->kind, QR_VTEXT);
	assert_string_equal(qr_row_value(row, 15)->u.s.ptr, "b");

	assert_int_equal(qr_result_next(r, &row), 1);
	assert_int_equal(qr_row_value(row, 10)->kind, QR_VTEXT);
	assert_string_equal(qr_row_value(row, 10)->u.s.ptr, "0000-00-00");
	assert_string_equal(qr_row_value(row, 11)->u.s.ptr, "-01:30:00");
	assert_string_equal(qr_row_value(row, 12)->u.s.ptr,
			    "0000-00-00 00:00:00");
	assert_true(qr_row_is_null(row, 2));
	assert_int_equal(qr_result_next(r, &row), 1);
	assert_string_equal(qr_row_value(row, 11)->u.s.ptr, "100:00:00");
	assert_int_equal(qr_result_next(r, &row), 0);
	qr_result_free(r);

	/* The text protocol (a script) converts the same way. */
	qr_assert_ok(qr_conn_execute_text(
		&r, c,
		"DO 1; SELECT flag, u, f, n, bl, dt, tm, ts FROM qr_my_types "
		"WHERE id = 1",
		NULL));
	assert_int_equal(qr_result_first(r, &row), 1);
	assert_string_equal(qr_result_column_type(r, 0), "TINYINT(1)");
	assert_int_equal(qr_row_value(row, 0)->kind, QR_VINT);
	assert_int_equal(qr_row_value(row, 1)->kind, QR_VNUMERIC);
	assert_true(qr_row_value(row, 2)->u.d == 1.1);
	assert_int_equal(qr_row_value(row, 3)->kind, QR_VNUMERIC);
	assert_int_equal(qr_row_value(row, 4)->kind, QR_VBLOB);
	assert_int_equal(qr_row_value(row, 4)->u.s.len, 3);
	assert_int_equal(qr_row_value(row, 5)->kind, QR_VDATE);
	assert_int_equal(qr_row_value(row, 6)->kind, QR_VTIME);
	assert_int_equal(qr_row_value(row, 7)->kind, QR_VDATETIME);
	assert_int_equal(qr_row_value(row, 7)->u.datetime.time.microsecond,
			 500000);
	qr_result_free(r);

	qr_test_drop(c, "DROP TABLE qr_my_types");
	qr_conn_free(c);
	qr_engine_free(e);
}

static void test_value_round_trip(void **state)
{
	static const unsigned char bytes[] = {0, 1, 2, 0xfe, 0xff, 0, 'x'};
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_params *p = qr_params_new();
	qr_result *r = NULL;
	const qr_row *row;
	(void)state;

	qr_test_drop(c, "DROP TABLE IF EXISTS qr_my_types");
	qr_test_exec(c, TYPES_DDL);
	qr_datetime dt = {{2024, 1, 31}, {13, 45, 7, 123456}, false, 0};
	qr_assert_ok(qr_params_int(p, "id", 1));
	qr_assert_ok(qr_params_bool(p, "flag", true));
	qr_assert_ok(qr_params_int(p, "i", -9223372036854775807LL - 1));
	qr_assert_ok(qr_params_double(p, "d", 0.1 + 0.2));
	qr_assert_ok(
		qr_params_set(p, "n", qr_val_numeric("-12345678901234.5")));
	qr_assert_ok(qr_params_set(p, "t", qr_val_textn("nul\0inside", 10)));
	qr_assert_ok(qr_params_blob(p, "bl", bytes, sizeof(bytes)));
	qr_assert_ok(qr_params_set(p, "dt", qr_val_date(2024, 2, 29)));
	qr_assert_ok(qr_params_set(p, "tm", qr_val_time(8, 5, 3, 10)));
	qr_assert_ok(qr_params_set(p, "ts", qr_val_datetime(dt.date, dt.time)));
	qr_assert_ok(qr_params_next_row(p));
	qr_assert_ok(qr_params_int(p, "id", 2));
	const char *names[] = {"flag", "i",  "d",  "n", "t",
			       "bl",   "dt", "tm", "ts"};
	for (size_t k = 0; k < 9; k++)
		qr_assert_ok(qr_params_null(p, names[k]));
	qr_assert_ok(qr_conn_execute_text(
		&r, c,
		"INSERT INTO qr_my_types (id, flag, i, d, n, t, bl, dt, tm, "
		"ts) "
		"VALUES (:id, :flag, :i, :d, :n, :t, :bl, :dt, :tm, :ts)",
		p));
	assert_int_equal(qr_result_rowcount(r), 2);
	qr_result_free(r);
	qr_assert_ok(qr_conn_commit(c));

	qr_assert_ok(qr_conn_execute_text(
		&r, c,
		"SELECT flag, i, d, n, t, bl, dt, tm, ts FROM qr_my_types "
		"ORDER BY id",
		NULL));
	assert_int_equal(qr_result_next(r, &row), 1);
	bool b;
	qr_assert_ok(qr_row_bool(row, 0, &b));
	assert_true(b);
	int64_t i;
	qr_assert_ok(qr_row_int64(row, 1, &i));
	assert_true(i == -9223372036854775807LL - 1);
	double d;
	qr_assert_ok(qr_row_double(row, 2, &d));
	assert_true(d == 0.1 + 0.2);
	assert_string_equal(qr_row_value(row, 3)->u.s.ptr,
			    "-12345678901234.500000");
	assert_int_equal(qr_row_value(row, 4)->u.s.len, 10);
	assert_memory_equal(qr_row_value(row, 4)->u.s.ptr, "nul\0inside", 10);
	const void *blob;
	size_t len;
	qr_assert_ok(qr_row_blob(row, 5, &blob, &len));
	assert_int_equal(len, sizeof(bytes));
	assert_memory_equal(blob, bytes, sizeof(bytes));
	qr_date date;
	qr_assert_ok(qr_row_date(row, 6, &date));
	assert_int_equal(date.month, 2);
	assert_int_equal(date.day, 29);
	qr_time tm;
	qr_assert_ok(qr_row_time(row, 7, &tm));
	assert_int_equal(tm.hour, 8);
	assert_int_equal(tm.microsecond, 10);
	qr_datetime got;
	qr_assert_ok(qr_row_datetime(row, 8, &got));
	assert_int_equal(got.date.day, 31);
	assert_int_equal(got.time.second, 7);
	assert_int_equal(got.time.microsecond, 123456);
	assert_int_equal(qr_result_next(r, &row), 1);
	for (int col = 0; col < 9; col++)
		assert_true(qr_row_is_null(row, col));
	assert_int_equal(qr_result_next(r, &row), 0);
	qr_result_free(r);

	/* An aware datetime is stored as its UTC wall time. */
	qr_params_reset(p);
	qr_value aware = qr_val_datetime((qr_date){1999, 12, 31},
					 (qr_time){23, 30, 0, 0});
	aware.u.datetime.has_offset = true;
	aware.u.datetime.offset_seconds = -5 * 3600;
	qr_assert_ok(qr_params_set(p, "ts", aware));
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "UPDATE qr_my_types SET ts = :ts WHERE id = 2", p));
	qr_result_free(r);
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT ts FROM qr_my_types WHERE id = 2", NULL));
	assert_int_equal(qr_result_first(r, &row), 1);
	qr_assert_ok(qr_row_datetime(row, 0, &got));
	assert_int_equal(got.date.year, 2000);
	assert_int_equal(got.date.month, 1);
	assert_int_equal(got.date.day, 1);
	assert_int_equal(got.time.hour, 4);
	assert_int_equal(got.time.minute, 30);
	qr_result_free(r);

	/* Parameters compare against typed columns on the server. */
	qr_params_reset(p);
	qr_assert_ok(qr_params_blob(p, "bl", bytes, sizeof(bytes)));
	qr_assert_ok(qr_params_set(p, "dt", qr_val_date(2024, 2, 29)));
	qr_assert_ok(qr_params_set(p, "n",
				   qr_val_numeric("-12345678901234.500000")));
	assert_int_equal(scalar_int(c,
				    "SELECT count(*) FROM qr_my_types WHERE "
				    "bl = :bl AND dt = :dt AND n = :n",
				    p),
			 1);
	qr_params_free(p);
	qr_assert_ok(qr_conn_rollback(c));
	qr_test_drop(c, "DROP TABLE qr_my_types");
	qr_conn_free(c);
	qr_engine_free(e);
}

static void test_long_values(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_params *p = qr_params_new();
	qr_result *r = NULL;
	const qr_row *row;
	size_t sizes[] = {10, 100000, 20, 300000};
	(void)state;

	qr_test_drop(c, "DROP TABLE IF EXISTS qr_my_long");
	qr_test_exec(c, "CREATE TABLE qr_my_long (id INT PRIMARY KEY, "
			"t LONGTEXT, b LONGBLOB)");
	char *big = malloc(300001);
	assert_non_null(big);
	for (size_t k = 0; k < 300000; k++)
		big[k] = (char)('a' + k % 26);
	for (int k = 0; k < 4; k++) {
		if (k)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "id", k));
		qr_assert_ok(
			qr_params_set(p, "t", qr_val_textn(big, sizes[k])));
		qr_assert_ok(qr_params_blob(p, "b", big, sizes[k]));
	}
	qr_assert_ok(qr_conn_execute_text(
		NULL, c, "INSERT INTO qr_my_long VALUES (:id, :t, :b)", p));
	/* Values longer than the first buffers, then shorter, then longer. */
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT t, b FROM qr_my_long ORDER BY id", NULL));
	for (int k = 0; k < 4; k++) {
		assert_int_equal(qr_result_next(r, &row), 1);
		for (int col = 0; col < 2; col++) {
			const qr_value *v = qr_row_value(row, col);
			assert_int_equal(v->u.s.len, sizes[k]);
			assert_memory_equal(v->u.s.ptr, big, sizes[k]);
			assert_int_equal(v->u.s.ptr[sizes[k]], '\0');
		}
	}
	assert_int_equal(qr_result_next(r, &row), 0);
	qr_result_free(r);
	free(big);
	qr_params_free(p);
	qr_assert_ok(qr_conn_rollback(c));
	qr_test_drop(c, "DROP TABLE qr_my_long");
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

	qr_test_drop(c, "DROP TABLE IF EXISTS qr_my_many");
	qr_test_exec(c, "CREATE TABLE qr_my_many (id INT AUTO_INCREMENT "
			"PRIMARY KEY, name VARCHAR(30) UNIQUE, v INT) "
			"ENGINE=InnoDB");
	for (int i = 1; i <= 300; i++) {
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		snprintf(name, sizeof(name), "row %d", i);
		qr_assert_ok(qr_params_text(p, "name", name));
		qr_assert_ok(qr_params_int(p, "v", i % 7));
	}
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "INSERT INTO qr_my_many (name, v) VALUES (:name, :v)",
		p));
	assert_int_equal(qr_result_rowcount(r), 300);
	assert_int_equal(qr_result_last_insert_id(r), 300);
	qr_result_free(r);

	qr_params_reset(p);
	qr_assert_ok(qr_params_text(p, "name", "single"));
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "INSERT INTO qr_my_many (name) VALUES (:name)", p));
	assert_int_equal(qr_result_rowcount(r), 1);
	assert_int_equal(qr_result_last_insert_id(r), 301);
	qr_result_free(r);

	/* Matched rows, not changed rows (CLIENT_FOUND_ROWS). */
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "UPDATE qr_my_many SET v = v WHERE id <= 10", NULL));
	assert_int_equal(qr_result_rowcount(r), 10);
	qr_result_free(r);
	qr_params_reset(p);
	qr_assert_ok(qr_params_int(p, "id", 11));
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "UPDATE qr_my_many SET v = v WHERE id <= :id", p));
	assert_int_equal(qr_result_rowcount(r), 11);
	qr_result_free(r);

	/* executemany of an UPDATE sums matched rows. */
	qr_params_reset(p);
	for (int i = 0; i < 3; i++) {
		if (i)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "lo", i * 100 + 1));
		qr_assert_ok(qr_params_int(p, "hi", i * 100 + 50));
	}
	qr_assert_ok(qr_conn_execute_text(
		&r, c,
		"UPDATE qr_my_many SET v = 0 WHERE id BETWEEN :lo AND :hi", p));
	assert_int_equal(qr_result_rowcount(r), 150);
	qr_result_free(r);
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "DELETE FROM qr_my_many WHERE id > 290", NULL));
	assert_int_equal(qr_result_rowcount(r), 11);
	qr_result_free(r);
	qr_assert_ok(qr_conn_commit(c));

	/* A failing row fails the call; the transaction is rolled back. */
	qr_params_reset(p);
	qr_assert_ok(qr_params_text(p, "name", "fresh"));
	qr_assert_ok(qr_params_next_row(p));
	qr_assert_ok(qr_params_text(p, "name", "row 5"));
	const qr_error *err = expect_error(
		c, "INSERT INTO qr_my_many (name) VALUES (:name)", p);
	assert_int_equal(err->klass, QR_ECLASS_INTEGRITY);
	assert_int_equal(err->native_code, 1062);
	qr_assert_ok(qr_conn_rollback(c));
	assert_int_equal(scalar_int(c,
				    "SELECT count(*) FROM qr_my_many WHERE "
				    "name = 'fresh'",
				    NULL),
			 0);
	qr_params_free(p);
	qr_assert_ok(qr_conn_rollback(c));
	qr_test_drop(c, "DROP TABLE qr_my_many");
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
	assert_string_equal(err->sqlstate, "42000");
	assert_int_equal(err->native_code, 1064);
	assert_false(err->is_disconnect);
	assert_non_null(strstr(err->statement, "SELEC 1"));
	qr_assert_ok(qr_conn_rollback(c));

	/* A prepared statement's error carries the same details. */
	qr_params *p = qr_params_new();
	qr_assert_ok(qr_params_int(p, "x", 1));
	err = expect_error(c, "SELECT * FROM qr_my_no_such_table WHERE x = :x",
			   p);
	assert_int_equal(err->klass, QR_ECLASS_PROGRAMMING);
	assert_string_equal(err->sqlstate, "42S02");
	assert_int_equal(err->native_code, 1146);
	qr_params_free(p);
	qr_assert_ok(qr_conn_rollback(c));

	qr_test_drop(c, "DROP TABLE IF EXISTS qr_my_uniq");
	qr_test_exec(c, "CREATE TABLE qr_my_uniq (id INT PRIMARY KEY, "
			"v INT NOT NULL, s VARCHAR(3)) ENGINE=InnoDB");
	qr_test_exec(c, "INSERT INTO qr_my_uniq VALUES (1, 1, 'a')");
	qr_assert_ok(qr_conn_commit(c));
	err = expect_error(c, "INSERT INTO qr_my_uniq VALUES (1, 2, 'b')",
			   NULL);
	assert_int_equal(err->code, QR_EDB);
	assert_int_equal(err->klass, QR_ECLASS_INTEGRITY);
	assert_string_equal(err->sqlstate, "23000");
	assert_int_equal(err->native_code, 1062);
	assert_non_null(strstr(err->message, "Duplicate entry"));
	qr_assert_ok(qr_conn_rollback(c));

	err = expect_error(c, "INSERT INTO qr_my_uniq VALUES (2, NULL, 'b')",
			   NULL);
	assert_int_equal(err->klass, QR_ECLASS_INTEGRITY);
	assert_int_equal(err->native_code, 1048);
	qr_assert_ok(qr_conn_rollback(c));

	/* Strict mode: too long a value is a data error. */
	qr_test_exec(c, "SET SESSION sql_mode = 'STRICT_ALL_TABLES'");
	err = expect_error(c, "INSERT INTO qr_my_uniq VALUES (3, 3, 'long')",
			   NULL);
	assert_int_equal(err->klass, QR_ECLASS_DATA);
	assert_int_equal(err->native_code, 1406);
	qr_assert_ok(qr_conn_rollback(c));

	qr_test_drop(c, "DROP TABLE qr_my_uniq");
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

	qr_test_drop(c, "DROP TABLE IF EXISTS qr_my_tx");
	qr_test_exec(c, "CREATE TABLE qr_my_tx (id INT) ENGINE=InnoDB");
	qr_assert_ok(qr_conn_commit(c));

	qr_test_exec(c, "INSERT INTO qr_my_tx VALUES (1)");
	assert_int_equal(
		scalar_int(other, "SELECT count(*) FROM qr_my_tx", NULL), 0);
	qr_assert_ok(qr_conn_rollback(other));
	qr_assert_ok(qr_conn_commit(c));
	assert_int_equal(
		scalar_int(other, "SELECT count(*) FROM qr_my_tx", NULL), 1);
	qr_assert_ok(qr_conn_rollback(other));

	qr_test_exec(c, "INSERT INTO qr_my_tx VALUES (2)");
	qr_assert_ok(qr_conn_rollback(c));
	assert_int_equal(scalar_int(c, "SELECT count(*) FROM qr_my_tx", NULL),
			 1);
	qr_assert_ok(qr_conn_rollback(c));

	/* Savepoints, by SQL. */
	qr_test_exec(c, "INSERT INTO qr_my_tx VALUES (3)");
	qr_test_exec(c, "SAVEPOINT qr_sp1");
	qr_test_exec(c, "INSERT INTO qr_my_tx VALUES (4)");
	qr_test_exec(c, "ROLLBACK TO SAVEPOINT qr_sp1");
	qr_test_exec(c, "RELEASE SAVEPOINT qr_sp1");
	qr_assert_ok(qr_conn_commit(c));
	assert_int_equal(scalar_int(c, "SELECT sum(id) FROM qr_my_tx", NULL),
			 4);
	qr_assert_ok(qr_conn_rollback(c));

	/* ... and through the API. */
	qr_assert_ok(qr_conn_begin(&tx, c));
	qr_test_exec(c, "INSERT INTO qr_my_tx VALUES (10)");
	qr_assert_ok(qr_conn_begin_nested(&sp, c));
	qr_test_exec(c, "INSERT INTO qr_my_tx VALUES (100)");
	qr_assert_ok(qr_tx_rollback(sp));
	qr_tx_free(sp);
	qr_test_exec(c, "INSERT INTO qr_my_tx VALUES (20)");
	qr_assert_ok(qr_tx_commit(tx));
	qr_tx_free(tx);
	assert_int_equal(scalar_int(c, "SELECT sum(id) FROM qr_my_tx", NULL),
			 34);
	qr_assert_ok(qr_conn_rollback(c));

	qr_test_drop(c, "DROP TABLE qr_my_tx");
	qr_conn_free(other);
	qr_conn_free(c);
	qr_engine_free(e);
}

/*
 * Lock errors. A row locked by another transaction: SELECT .. FOR UPDATE
 * NOWAIT fails at execute, though its rows are read unbuffered (the
 * server sends the error after the result's metadata). A statement
 * refused after a DDL statement's implicit commit has opened a new
 * transaction that holds the table's metadata lock, although the last
 * status the server sent said no transaction: the rollback must still
 * reach the server, or a DROP TABLE from elsewhere waits for ever (here:
 * lock_wait_timeout, 5 s).
 */
static void test_lock_errors(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *holder = qr_test_connect(e);
	qr_conn *refused = qr_test_connect(e);
	qr_result *r = NULL;
	(void)state;

	qr_test_drop(holder, "DROP TABLE IF EXISTS qr_my_lock");
	qr_test_exec(holder, "CREATE TABLE qr_my_lock (id INT PRIMARY KEY, "
			     "name VARCHAR(10)) ENGINE=InnoDB");
	qr_test_exec(holder,
		     "INSERT INTO qr_my_lock VALUES (1, 'a'), (2, 'b')");
	qr_assert_ok(qr_conn_commit(holder));
	assert_int_equal(scalar_int(holder,
				    "SELECT id FROM qr_my_lock WHERE id = 1 "
				    "FOR UPDATE",
				    NULL),
			 1);

	qr_test_exec(refused, "SET SESSION innodb_lock_wait_timeout = 1");
	/* (A scan: a lookup by primary key reads its row before the
	 * result's metadata is sent, and fails at execute anyway.) */
	int rc = qr_conn_execute_text(&r, refused,
				      "SELECT id FROM qr_my_lock WHERE name = "
				      "'a' FOR UPDATE NOWAIT",
				      NULL);
	qr_error err = *qr_error_last();
	qr_result_free(r);
	r = NULL;
	qr_assert_ok(qr_conn_rollback(refused));
	assert_int_equal(rc, QR_EDB);
	/* MariaDB: ER_LOCK_WAIT_TIMEOUT; MySQL: ER_LOCK_NOWAIT */
	assert_true(err.native_code == 1205 || err.native_code == 3572);
	assert_int_equal(err.klass, QR_ECLASS_OPERATIONAL);
	/* The other row is free. */
	assert_int_equal(scalar_int(refused,
				    "SELECT id FROM qr_my_lock WHERE id = 2 "
				    "FOR UPDATE NOWAIT",
				    NULL),
			 2);
	qr_assert_ok(qr_conn_rollback(refused));

	qr_test_exec(refused, "CREATE TABLE IF NOT EXISTS qr_my_lock_ddl "
			      "(id INT) ENGINE=InnoDB");
	rc = qr_conn_execute_text(NULL, refused,
				  "UPDATE qr_my_lock SET id = 3 WHERE id = 1",
				  NULL);
	assert_int_equal(qr_error_last()->native_code, 1205);
	qr_assert_ok(qr_conn_rollback(refused));
	qr_conn_free(refused);
	assert_int_equal(rc, QR_EDB);
	qr_assert_ok(qr_conn_rollback(holder));

	/* Another engine: no connection of e's pool can be handed out. */
	qr_engine *e2 = qr_test_engine();
	qr_conn *dropper = qr_test_connect(e2);
	qr_test_exec(dropper, "SET SESSION lock_wait_timeout = 5");
	qr_test_exec(dropper, "DROP TABLE qr_my_lock");
	qr_test_exec(dropper, "DROP TABLE qr_my_lock_ddl");
	qr_conn_free(dropper);
	qr_engine_free(e2);
	qr_conn_free(holder);
	qr_engine_free(e);
}

static void expect_isolation(qr_conn *c, const char *want)
{
	qr_result *r = NULL;
	const qr_value *v;
	const char *s;

	qr_assert_ok(
		qr_conn_execute_text(&r, c, "SELECT @@tx_isolation", NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_text(v, &s, NULL));
	assert_string_equal(s, want);
	qr_result_free(r);
	qr_assert_ok(qr_conn_rollback(c));
}

static void test_isolation(void **state)
{
	(void)state;

	qr_engine *e = engine_at(
		qr_test_url(),
		&(qr_engine_options){.isolation_level =
					     QR_ISOLATION_SERIALIZABLE});
	qr_conn *c = qr_test_connect(e);
	expect_isolation(c, "SERIALIZABLE");
	qr_assert_ok(qr_conn_set_isolation(c, QR_ISOLATION_READ_COMMITTED));
	expect_isolation(c, "READ-COMMITTED");
	qr_conn_free(c);
	qr_engine_free(e);

	/* AUTOCOMMIT: each statement commits by itself. */
	e = engine_at(qr_test_url(),
		      &(qr_engine_options){.isolation_level =
						   QR_ISOLATION_AUTOCOMMIT});
	c = qr_test_connect(e);
	qr_conn *other = qr_test_connect(e);
	qr_test_exec(c, "DROP TABLE IF EXISTS qr_my_auto");
	qr_test_exec(c, "CREATE TABLE qr_my_auto (id INT) ENGINE=InnoDB");
	qr_test_exec(c, "INSERT INTO qr_my_auto VALUES (1)");
	assert_int_equal(
		scalar_int(other, "SELECT count(*) FROM qr_my_auto", NULL), 1);
	/* And back: statements wait for a commit again. */
	qr_assert_ok(qr_conn_set_isolation(c, QR_ISOLATION_DEFAULT));
	qr_test_exec(c, "INSERT INTO qr_my_auto VALUES (2)");
	assert_int_equal(
		scalar_int(other, "SELECT count(*) FROM qr_my_auto", NULL), 1);
	qr_assert_ok(qr_conn_commit(c));
	assert_int_equal(
		scalar_int(other, "SELECT count(*) FROM qr_my_auto", NULL), 2);
	qr_test_exec(c, "DROP TABLE qr_my_auto");
	qr_conn_free(other);
	qr_conn_free(c);
	qr_engine_free(e);
}

/* --------------------------------------------------- prepared statements */

static void test_statement_cache(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_params *p = qr_params_new();
	(void)state;

	int64_t prepared = session_status(c, "Com_stmt_prepare");
	int64_t executed = session_status(c, "Com_stmt_execute");
	for (int i = 0; i < 5; i++) {
		qr_params_reset(p);
		qr_assert_ok(qr_params_int(p, "x", i));
		assert_int_equal(scalar_int(c, "SELECT :x + 1000", p),
				 i + 1000);
	}
	/* Five executions, one prepare. */
	assert_int_equal(session_status(c, "Com_stmt_prepare") - prepared, 1);
	assert_int_equal(session_status(c, "Com_stmt_execute") - executed, 5);

	/* One-off statements without parameters are not prepared. */
	prepared = session_status(c, "Com_stmt_prepare");
	qr_test_exec(c, "SET @qr_x = 1");
	qr_test_exec(c, "DO 1; DO 2");
	assert_int_equal(session_status(c, "Com_stmt_prepare") - prepared, 0);
	qr_params_free(p);
	qr_conn_free(c);
	qr_engine_free(e);
}

static void test_statement_cache_bounded(void **state)
{
	const qr_driver *d = mysqlclient();
	qr_driver_conn *dc = raw_connect(d, url_with("statement_cache_size=2"));
	char sql[128];
	(void)state;

	const char *status = "SELECT VARIABLE_VALUE FROM "
			     "information_schema.SESSION_STATUS WHERE "
			     "VARIABLE_NAME = 'COM_STMT_CLOSE'";
	int64_t closed = raw_int(d, dc, status, NULL, 0);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 6; i++) {
			qr_value v = qr_val_int(i);
			snprintf(sql, sizeof(sql), "SELECT ? * %d", i + 2);
			assert_int_equal(raw_int(d, dc, sql, &v, 1),
					 i * (i + 2));
		}
	}
	/* Twelve prepares into two slots: ten evictions. The status query
	 * itself goes through the cache too. */
	int64_t now = raw_int(d, dc, status, NULL, 0);
	assert_true(now - closed >= 10 && now - closed <= 12);
	d->close(dc);

	/* Disabled: every statement is closed after use. */
	dc = raw_connect(d, url_with("statement_cache_size=0"));
	closed = raw_int(d, dc, status, NULL, 0);
	qr_value v = qr_val_int(5);
	for (int i = 0; i < 3; i++)
		assert_int_equal(raw_int(d, dc, "SELECT ? + 1", &v, 1), 6);
	now = raw_int(d, dc, status, NULL, 0);
	assert_true(now - closed >= 3);
	d->close(dc);
}

/* ----------------------------------------------------------- scripts, misc */

static void test_script(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_result *r = NULL;
	const qr_value *v;
	const char *s;
	(void)state;

	/* Several statements without parameters run as one script. */
	qr_test_drop(c, "DROP TABLE IF EXISTS qr_my_script");
	qr_test_exec(c, "CREATE TABLE qr_my_script (id INT, s TEXT); "
			"INSERT INTO qr_my_script VALUES (1, 'a;b'), "
			"(2, \"it\\'s;\"); # a comment; with a semicolon\n"
			"INSERT INTO qr_my_script (`id`) VALUES (3) -- ;\n");
	assert_int_equal(
		scalar_int(c, "SELECT count(*) FROM qr_my_script", NULL), 3);
	qr_assert_ok(qr_conn_execute_text(
		&r, c, "SELECT s FROM qr_my_script WHERE id = 2", NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_text(v, &s, NULL));
	assert_string_equal(s, "it's;");
	qr_result_free(r);

	/* The last statement's rows are returned. */
	assert_int_equal(scalar_int(c, "DO 1; SELECT 7", NULL), 7);
	/* An error in the middle of a script is reported. */
	const qr_error *err = expect_error(c, "DO 1; SELEC 2; DO 3", NULL);
	assert_int_equal(err->native_code, 1064);
	qr_assert_ok(qr_conn_rollback(c));
	assert_int_equal(scalar_int(c, "SELECT 5", NULL), 5);
	qr_assert_ok(qr_conn_rollback(c));
	qr_test_drop(c, "DROP TABLE qr_my_script");
	qr_conn_free(c);
	qr_engine_free(e);
}

static void test_streaming(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *c = qr_test_connect(e);
	qr_params *p = qr_params_new();
	qr_result *r = NULL;
	const qr_row *row;
	int64_t sum = 0, n = 0, v;
	/* 200 x 200 rows: MariaDB caps recursion at 1000 iterations. */
	const char *seq = "WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL "
			  "SELECT n + 1 FROM s WHERE n < 199) "
			  "SELECT x.n * 200 + y.n + 1, REPEAT('x', 10) "
			  "FROM s x, s y WHERE x.n * 200 + y.n < :n";
	(void)state;

	qr_assert_ok(qr_params_int(p, "n", 20000));
	qr_assert_ok(qr_conn_execute_text(&r, c, seq, p));
	assert_int_equal(qr_result_column_count(r), 2);
	/* Unbuffered: the count is known at the end. */
	assert_int_equal(qr_result_rowcount(r), -1);
	while (qr_result_next(r, &row) == 1) {
		qr_assert_ok(qr_row_int64(row, 0, &v));
		sum += v;
		n++;
	}
	assert_int_equal(n, 20000);
	assert_int_equal(sum, (int64_t)20000 * 20001 / 2);
	qr_result_free(r);

	/* Freed early: the rest is discarded and the connection reusable. */
	qr_assert_ok(qr_conn_execute_text(&r, c, seq, p));
	assert_int_equal(qr_result_next(r, &row), 1);
	qr_result_free(r);
	assert_int_equal(scalar_int(c, "SELECT 41 + 1", NULL), 42);
	/* A second statement while rows are pending: core buffers them. */
	qr_assert_ok(qr_conn_execute_text(&r, c, seq, p));
	assert_int_equal(scalar_int(c, "SELECT 2 + 2", NULL), 4);
	n = 0;
	while (qr_result_next(r, &row) == 1)
		n++;
	assert_int_equal(n, 20000);
	qr_result_free(r);
	qr_conn_free(c);
	qr_engine_free(e);

	/* stream_results=false stores the result at execute. */
	e = engine_at(url_with("stream_results=false"), NULL);
	c = qr_test_connect(e);
	qr_assert_ok(qr_conn_execute_text(&r, c, seq, p));
	assert_int_equal(qr_result_rowcount(r), 20000);
	qr_result_free(r);
	/* ... unless the connection asks to stream (execution_options). */
	qr_assert_ok(qr_conn_set_stream_results(c, true));
	qr_assert_ok(qr_conn_execute_text(&r, c, seq, p));
	assert_int_equal(qr_result_rowcount(r), -1);
	n = 0;
	while (qr_result_next(r, &row) == 1)
		n++;
	assert_int_equal(n, 20000);
	qr_result_free(r);
	qr_assert_ok(qr_conn_set_stream_results(c, false));
	qr_assert_ok(qr_conn_execute_text(&r, c, seq, p));
	assert_int_equal(qr_result_rowcount(r), 20000);
	qr_result_free(r);
	qr_params_free(p);
	qr_conn_free(c);
	qr_engine_free(e);
}

/* -------------------------------------------------------------- disconnect */

static void kill_and_wait(qr_conn *killer, int64_t id)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "KILL %lld", (long long)id);
	qr_test_exec(killer, sql);
	qr_assert_ok(qr_conn_rollback(killer));
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM information_schema.PROCESSLIST "
		 "WHERE ID = %lld",
		 (long long)id);
	for (int i = 0; i < 100 && scalar_int(killer, sql, NULL) > 0; i++) {
		qr_assert_ok(qr_conn_rollback(killer));
		usleep(20000);
	}
	qr_assert_ok(qr_conn_rollback(killer));
}

static void test_server_kill(void **state)
{
	qr_engine *e = qr_test_engine();
	qr_conn *victim = qr_test_connect(e);
	qr_conn *killer = qr_test_connect(e);
	(void)state;

	kill_and_wait(killer,
		      scalar_int(victim, "SELECT CONNECTION_ID()", NULL));
	const qr_error *err = expect_error(victim, "SELECT 1", NULL);
	assert_int_equal(err->code, QR_EDISCONNECT);
	assert_true(err->is_disconnect);
	assert_int_equal(err->klass, QR_ECLASS_OPERATIONAL);
	assert_true(qr_conn_invalidated(victim));

	/* The same through a prepared statement. */
	qr_conn_free(victim);
	victim = qr_test_connect(e);
	qr_params *p = qr_params_new();
	qr_assert_ok(qr_params_int(p, "x", 1));
	assert_int_equal(scalar_int(victim, "SELECT :x", p), 1);
	kill_and_wait(killer,
		      scalar_int(victim, "SELECT CONNECTION_ID()", NULL));
	err = expect_error(victim, "SELECT :x", p);
	assert_int_equal(err->code, QR_EDISCONNECT);
	assert_true(err->is_disconnect);
	qr_params_free(p);

	qr_conn_free(victim);
	qr_conn_free(killer);
	qr_engine_free(e);
}

static void test_ping_after_kill(void **state)
{
	const qr_driver *d = mysqlclient();
	qr_driver_conn *dc = raw_connect(d, qr_test_url());
	qr_driver_conn *killer = raw_connect(d, qr_test_url());
	char sql[64];
	(void)state;

	int64_t id = raw_int(d, dc, "SELECT CONNECTION_ID()", NULL, 0);
	snprintf(sql, sizeof(sql), "KILL %lld", (long long)id);
	qr_driver_exec ex = {.sql = sql, .sql_len = strlen(sql), .nrows = 1};
	qr_driver_cursor *cur = NULL;
	qr_assert_ok(d->execute(&cur, killer, &ex));
	d->cursor_free(cur);
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

static void check_module(const char *flavour)
{
	char exe[4096], path[4200];

	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(path, sizeof(path), "%s/../dialects/mysql/quarry-%s.so", exe,
		 flavour);
	if (access(path, R_OK) != 0)
		skip();
	void *h = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	assert_non_null(h);
	qr_module_entry_fn entry =
		(qr_module_entry_fn)(uintptr_t)dlsym(h, QR_MODULE_ENTRY);
	assert_non_null(entry);
	const qr_module *m = entry();
	assert_int_equal(m->api_version, QR_PLUGIN_API_VERSION);
	assert_string_equal(m->dialect->name, flavour);
	assert_string_equal(m->drivers[0]->name, "mysqlclient");
	assert_string_equal(m->drivers[0]->dialect, "mysql");
	assert_string_equal(m->drivers[1]->dialect, "mariadb");
	assert_null(m->drivers[2]);
	dlclose(h);
}

static void test_loadable_modules(void **state)
{
	(void)state;
	check_module("mysql");
	check_module("mariadb");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dialect_flavour),
		cmocka_unit_test(test_mariadb_url),
		cmocka_unit_test(test_server_version_and_ping),
		cmocka_unit_test(test_server_flavour_from_version),
		cmocka_unit_test(test_mariadb_url_requires_mariadb),
		cmocka_unit_test(test_engine_picks_server_flavour),
		cmocka_unit_test(test_connect_bad_password),
		cmocka_unit_test(test_connect_options),
		cmocka_unit_test(test_result_kinds),
		cmocka_unit_test(test_value_round_trip),
		cmocka_unit_test(test_long_values),
		cmocka_unit_test(test_executemany_and_rowcounts),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_transactions),
		cmocka_unit_test(test_lock_errors),
		cmocka_unit_test(test_isolation),
		cmocka_unit_test(test_statement_cache),
		cmocka_unit_test(test_statement_cache_bounded),
		cmocka_unit_test(test_script),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_server_kill),
		cmocka_unit_test(test_ping_after_kill),
		cmocka_unit_test(test_loadable_modules),
	};
	return qr_test_run(argc, argv, "mysql.mysqlclient", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
