/*
 * test_hostile_input.c - hostile values travel as bound parameters and
 * come back byte for byte, or fail cleanly; they never become SQL.
 *
 *   - quotes, backslashes (MySQL's escape character), parameter markers of
 *     every style and SQL injection payloads: stored and read back
 *     exactly, matched exactly in a WHERE clause, and the statements they
 *     try to smuggle in (DROP TABLE, DELETE) never run;
 *   - NUL bytes: blobs carry them on every backend; text carries them on
 *     SQLite and MySQL, and PostgreSQL (whose text cannot hold NUL) refuses
 *     them with a DataError before sending anything: never truncated;
 *   - invalid UTF-8 in text: SQLite stores the bytes as they are;
 *     PostgreSQL and MySQL (utf8mb4, strict mode) refuse them with an
 *     error and store nothing; every byte value 0..255 in a blob;
 *   - 10 MB text and blob values round-trip;
 *   - a password never appears in log lines or error messages.
 * docs/RELIABILITY.md lists these per backend.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG (10u * 1024u * 1024u)

typedef struct fixture {
	qr_engine *engine;
	qr_conn *conn;
} fixture;

static bool is(const char *backend)
{
	return strcmp(qr_test_backend(), backend) == 0;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	const char *ddl;

	f->engine = qr_test_engine();
	f->conn = qr_test_connect(f->engine);
	qr_test_drop(f->conn, "DROP TABLE qt_hostile");
	qr_test_drop(f->conn, "DROP TABLE qt_hostile_canary");
	if (is("postgresql"))
		ddl = "CREATE TABLE qt_hostile (id INTEGER PRIMARY KEY, "
		      "txt TEXT, bin BYTEA)";
	else if (is("mysql"))
		ddl = "CREATE TABLE qt_hostile (id INTEGER PRIMARY KEY, "
		      "txt LONGTEXT, bin LONGBLOB) CHARACTER SET utf8mb4";
	else
		ddl = "CREATE TABLE qt_hostile (id INTEGER PRIMARY KEY, "
		      "txt TEXT, bin BLOB)";
	qr_test_exec(f->conn, ddl);
	qr_test_exec(f->conn, "CREATE TABLE qt_hostile_canary (id INTEGER)");
	qr_test_exec(f->conn, "INSERT INTO qt_hostile_canary VALUES (1)");
	qr_assert_ok(qr_conn_commit(f->conn));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	qr_conn_rollback(f->conn);
	qr_test_drop(f->conn, "DROP TABLE qt_hostile");
	qr_test_drop(f->conn, "DROP TABLE qt_hostile_canary");
	qr_conn_free(f->conn);
	qr_engine_free(f->engine);
	free(f);
	return 0;
}

/* Inserts (id, txt, bin) with bound parameters; returns the rc. */
static int insert(qr_conn *conn, int id, const char *txt, size_t txt_len,
		  const void *bin, size_t bin_len)
{
	qr_params *p = qr_params_new();
	int rc;

	qr_assert_ok(qr_params_int(p, "id", id));
	qr_assert_ok(qr_params_set(
		p, "txt", txt ? qr_val_textn(txt, txt_len) : qr_val_null()));
	qr_assert_ok(qr_params_set(
		p, "bin", bin ? qr_val_blob(bin, bin_len) : qr_val_null()));
	rc = qr_conn_execute_text(NULL, conn,
				  "INSERT INTO qt_hostile (id, txt, bin) "
				  "VALUES (:id, :txt, :bin)",
				  p);
	qr_params_free(p);
	return rc;
}

/* Reads row id back and compares both columns byte for byte. */
static void expect_row(qr_conn *conn, int id, const char *txt, size_t txt_len,
		       const void *bin, size_t bin_len)
{
	qr_params *p = qr_params_new();
	qr_result *res;
	const qr_row *row;
	const char *got;
	const void *gotbin;
	size_t len;

	qr_assert_ok(qr_params_int(p, "id", id));
	qr_assert_ok(qr_conn_execute_text(
		&res, conn, "SELECT txt, bin FROM qt_hostile WHERE id = :id",
		p));
	qr_assert_ok(qr_result_one(res, &row));
	if (txt) {
		qr_assert_ok(qr_value_text(qr_row_value(row, 0), &got, &len));
		if (len != txt_len || memcmp(got, txt, len) != 0)
			fail_msg("row %d: text of %zu bytes came back as %zu "
				 "different bytes",
				 id, txt_len, len);
	}
	if (bin) {
		assert_int_equal(qr_row_blob(row, 1, &gotbin, &len), 0);
		if (len != bin_len || memcmp(gotbin, bin, len) != 0)
			fail_msg("row %d: blob of %zu bytes came back as %zu "
				 "different bytes",
				 id, bin_len, len);
	}
	qr_result_free(res);
	qr_params_free(p);
}

static int64_t scalar_int(qr_conn *conn, const char *sql, const qr_params *p)
{
	qr_result *res;
	const qr_value *v;
	int64_t n;

	qr_assert_ok(qr_conn_execute_text(&res, conn, sql, p));
	assert_int_equal(qr_result_scalar(res, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(res);
	return n;
}

static const char *const payloads[] = {
	"O'Brien",
	"''",
	"'",
	"\"",
	"`",
	"\\",
	"\\'",
	"\\\\'",
	"\\0",
	"\\x27",
	"%",
	"%s",
	"%%s",
	"?",
	"$1",
	":id",
	"\\:id",
	"::text",
	"' OR '1'='1",
	"' OR 1=1 --",
	"\\' OR 1=1 -- ",
	"'); DROP TABLE qt_hostile_canary; --",
	"\\'); DROP TABLE qt_hostile_canary; -- ",
	"x'; DELETE FROM qt_hostile; SELECT '",
	"\"; DROP TABLE qt_hostile_canary; --",
	"`; DROP TABLE qt_hostile_canary; --",
	"$$; DROP TABLE qt_hostile_canary; $$",
	"*/ DROP TABLE qt_hostile_canary; /*",
	"1; DROP TABLE qt_hostile_canary",
	"\r\n\t\x1b[0m\x7f",
	"caf\xc3\xa9 \xf0\x9f\x92\xa9 \xe2\x80\xae",
	"",
};
#define NPAYLOADS (sizeof(payloads) / sizeof(payloads[0]))

/* Quotes, backslashes, markers and injection payloads: exact round trip,
 * exact match in WHERE, and nothing smuggled in runs. */
static void test_payloads_stay_values(void **state)
{
	fixture *f = *state;

	for (size_t i = 0; i < NPAYLOADS; i++) {
		const char *s = payloads[i];
		if (insert(f->conn, (int)i, s, strlen(s), s, strlen(s)) != 0)
			fail_msg("payload %zu '%s': %s", i, s,
				 qr_error_last()->message);
	}
	qr_assert_ok(qr_conn_commit(f->conn));
	for (size_t i = 0; i < NPAYLOADS; i++) {
		const char *s = payloads[i];
		qr_params *p = qr_params_new();
		expect_row(f->conn, (int)i, s, strlen(s), s, strlen(s));
		/* In a WHERE clause the value matches itself only. */
		qr_assert_ok(qr_params_text(p, "v", s));
		qr_assert_ok(qr_params_int(p, "id", (int64_t)i));
		assert_int_equal(scalar_int(f->conn,
					    "SELECT count(*) FROM qt_hostile "
					    "WHERE txt = :v AND id = :id",
					    p),
				 1);
		qr_params_free(p);
	}
	assert_int_equal(
		scalar_int(f->conn, "SELECT count(*) FROM qt_hostile", NULL),
		(int64_t)NPAYLOADS);
	assert_int_equal(scalar_int(f->conn,
				    "SELECT count(*) FROM qt_hostile_canary",
				    NULL),
			 1);
	qr_assert_ok(qr_conn_commit(f->conn));
}

/* The same payloads in an executemany, and as a parameter of UPDATE and
 * DELETE: no statement beyond the one written runs. */
static void test_payloads_in_batches(void **state)
{
	fixture *f = *state;
	qr_params *p = qr_params_new();
	qr_result *res;

	for (size_t i = 0; i < NPAYLOADS; i++) {
		if (i)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_int(p, "id", (int64_t)i));
		qr_assert_ok(qr_params_text(p, "txt", payloads[i]));
		qr_assert_ok(qr_params_null(p, "bin"));
	}
	qr_assert_ok(qr_conn_execute_text(&res, f->conn,
					  "INSERT INTO qt_hostile (id, txt, "
					  "bin) VALUES (:id, :txt, :bin)",
					  p));
	assert_int_equal(qr_result_rowcount(res), (int64_t)NPAYLOADS);
	qr_result_free(res);
	qr_params_free(p);

	/* An UPDATE and a DELETE whose parameters are payloads touch no
	 * row: no payload equals another row's id or text. */
	for (size_t i = 0; i < NPAYLOADS; i++) {
		p = qr_params_new();
		qr_assert_ok(qr_params_text(p, "v", payloads[i]));
		qr_assert_ok(qr_conn_execute_text(
			&res, f->conn,
			"UPDATE qt_hostile SET txt = :v WHERE txt = :v", p));
		assert_int_equal(qr_result_rowcount(res), 1);
		qr_result_free(res);
		qr_assert_ok(qr_conn_execute_text(
			&res, f->conn,
			"DELETE FROM qt_hostile WHERE txt = :v AND 1 = 0", p));
		assert_int_equal(qr_result_rowcount(res), 0);
		qr_result_free(res);
		qr_params_free(p);
	}
	qr_assert_ok(qr_conn_commit(f->conn));
	assert_int_equal(
		scalar_int(f->conn, "SELECT count(*) FROM qt_hostile", NULL),
		(int64_t)NPAYLOADS);
	assert_int_equal(scalar_int(f->conn,
				    "SELECT count(*) FROM qt_hostile_canary",
				    NULL),
			 1);
	qr_assert_ok(qr_conn_commit(f->conn));
}

/* NUL bytes: blobs everywhere; text per backend. */
static void test_nul_bytes(void **state)
{
	fixture *f = *state;
	static const char txt[] = "a\0b\0\0c";
	static const unsigned char bin[] = {0, 0, 'x', 0, 0xff, 0};
	int rc;

	qr_assert_ok(insert(f->conn, 1, NULL, 0, bin, sizeof(bin)));
	expect_row(f->conn, 1, NULL, 0, bin, sizeof(bin));
	qr_assert_ok(qr_conn_commit(f->conn));

	rc = insert(f->conn, 2, txt, sizeof(txt) - 1, NULL, 0);
	if (is("postgresql")) {
		/* Refused before anything is sent, never truncated. */
		assert_int_equal(rc, QR_ECONVERT);
		assert_int_equal(qr_error_last()->klass, QR_ECLASS_DATA);
		qr_assert_ok(qr_conn_rollback(f->conn));
		assert_int_equal(scalar_int(f->conn,
					    "SELECT count(*) FROM qt_hostile "
					    "WHERE id = 2",
					    NULL),
				 0);
	} else {
		qr_assert_ok(rc);
		expect_row(f->conn, 2, txt, sizeof(txt) - 1, NULL, 0);
		assert_int_equal(
			scalar_int(f->conn,
				   is("mysql") ? "SELECT length(txt) FROM "
						 "qt_hostile WHERE id = 2"
					       : "SELECT length(CAST(txt AS "
						 "BLOB)) FROM qt_hostile "
						 "WHERE id = 2",
				   NULL),
			(int64_t)sizeof(txt) - 1);
	}
	qr_assert_ok(qr_conn_commit(f->conn));
}

/* Invalid UTF-8 in text: stored as is (SQLite) or refused (the
 * servers); every byte value in a blob. */
static void test_invalid_utf8(void **state)
{
	fixture *f = *state;
	static const char *const bad[] = {
		"\xff\xfe",          /* never valid */
		"ok \xc3\x28 ok",    /* bad continuation */
		"\xc0\xaf",          /* overlong '/' */
		"\xed\xa0\x80",      /* a UTF-16 surrogate */
		"\xf4\x90\x80\x80",  /* above U+10FFFF */
		"trailing \xe2\x82", /* truncated sequence */
	};
	unsigned char all[256];
	int accepted = 0;

	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	qr_assert_ok(insert(f->conn, 100, NULL, 0, all, sizeof(all)));
	expect_row(f->conn, 100, NULL, 0, all, sizeof(all));
	qr_assert_ok(qr_conn_commit(f->conn));

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = insert(f->conn, (int)i, bad[i], strlen(bad[i]), NULL,
				0);
		if (rc == 0) {
			/* Accepted: then stored exactly, never altered. */
			if (is("postgresql"))
				fail_msg("invalid UTF-8 #%zu was accepted", i);
			expect_row(f->conn, (int)i, bad[i], strlen(bad[i]),
				   NULL, 0);
			qr_assert_ok(qr_conn_commit(f->conn));
			accepted++;
			continue;
		}
		if (is("sqlite"))
			fail_msg("invalid UTF-8 #%zu: %s", i,
				 qr_error_last()->message);
		assert_int_equal(rc, QR_EDB);
		if (qr_error_last()->klass != QR_ECLASS_DATA)
			fail_msg("invalid UTF-8 #%zu: %s, not a DataError: %s",
				 i, qr_errclass_name(qr_error_last()->klass),
				 qr_error_last()->message);
		qr_assert_ok(qr_conn_rollback(f->conn));
	}
	/* SQLite keeps every byte; MariaDB accepts encoded surrogates
	 * (#3) as they are and refuses the rest; PostgreSQL refuses all. */
	if (is("sqlite"))
		assert_int_equal(accepted, 6);
	else if (is("mysql"))
		assert_true(accepted <= 1);
	assert_int_equal(
		scalar_int(f->conn, "SELECT count(*) FROM qt_hostile", NULL),
		1 + accepted);
	qr_assert_ok(qr_conn_commit(f->conn));
}

/* 10 MB of text (quotes, backslashes, markers throughout) and 10 MB of
 * binary data (every byte value, NULs included), in rows of their own:
 * MariaDB's default max_allowed_packet (16 MB) bounds one statement and
 * one row, and the error for a larger one is checked below. */
static char *big_txt;
static unsigned char *big_bin;

static int teardown_big(void **state)
{
	free(big_txt);
	free(big_bin);
	big_txt = NULL;
	big_bin = NULL;
	return teardown(state);
}

static void test_ten_megabytes(void **state)
{
	fixture *f = *state;
	static const char pattern[] = "it's a \\'test\\' with \"quotes\", "
				      ":params, ?, $1, %s and %% -- ; \n";
	uint32_t x = 2463534242u;

	big_txt = malloc(BIG + 1);
	big_bin = malloc(BIG);
	assert_non_null(big_txt);
	assert_non_null(big_bin);
	for (size_t i = 0; i < BIG; i++) {
		big_txt[i] = pattern[i % (sizeof(pattern) - 1)];
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		big_bin[i] = (unsigned char)x;
	}
	big_txt[BIG] = '\0';
	qr_assert_ok(insert(f->conn, 1, big_txt, BIG, NULL, 0));
	qr_assert_ok(insert(f->conn, 2, NULL, 0, big_bin, BIG));
	qr_assert_ok(qr_conn_commit(f->conn));
	expect_row(f->conn, 1, big_txt, BIG, NULL, 0);
	expect_row(f->conn, 2, NULL, 0, big_bin, BIG);
	qr_assert_ok(qr_conn_commit(f->conn));

	if (is("mysql")) {
		/* 20 MB in one statement is over the server's limit: it
		 * drops the connection. A clean OperationalError; the
		 * committed rows are intact and the next statement runs on
		 * a new connection. */
		int rc = insert(f->conn, 3, big_txt, BIG, big_bin, BIG);
		if (rc != QR_EDB && rc != QR_EDISCONNECT)
			fail_msg("20 MB statement: %d (%s)", rc,
				 qr_error_last()->message);
		assert_int_equal(qr_error_last()->klass, QR_ECLASS_OPERATIONAL);
		qr_conn_rollback(f->conn);
		assert_int_equal(scalar_int(f->conn,
					    "SELECT count(*) FROM qt_hostile",
					    NULL),
				 2);
		qr_assert_ok(qr_conn_commit(f->conn));
	}
}

/* Log lines collected from an engine. */
typedef struct logbook {
	char *text;
	size_t len;
} logbook;

static void collect(void *userdata, qr_log_level level, const char *msg)
{
	logbook *lb = userdata;
	size_t n = strlen(msg);
	(void)level;
	lb->text = realloc(lb->text, lb->len + n + 2);
	assert_non_null(lb->text);
	memcpy(lb->text + lb->len, msg, n);
	lb->len += n;
	lb->text[lb->len++] = '\n';
	lb->text[lb->len] = '\0';
}

/* A password never shows in logs, error messages or the masked URL. */
static void test_password_never_shown(void **state)
{
	static const char secret[] = "Wr0ng-Pa55w0rd-7xQ";
	logbook lb = {NULL, 0};
	qr_engine_options opts = {
		.echo = true, .log_fn = collect, .log_userdata = &lb};
	qr_url *url;
	qr_engine *engine;
	qr_conn *conn = NULL;
	char *shown;
	int rc;

	(void)state;
	qr_assert_ok(qr_url_parse(&url, qr_test_url()));
	if (!qr_url_username(url))
		qr_assert_ok(qr_url_set_username(url, "someone"));
	qr_assert_ok(qr_url_set_password(url, secret));
	qr_assert_ok(qr_url_render(&shown, url, true));
	assert_null(strstr(shown, secret));
	qr_free(shown);

	qr_assert_ok(qr_engine_create_url(&engine, url, &opts));
	rc = qr_engine_connect(&conn, engine);
	if (is("sqlite")) {
		/* SQLite has no passwords: the connection works. */
		qr_assert_ok(rc);
		qr_test_exec(conn, "SELECT 1");
		qr_conn_free(conn);
	} else {
		/* A wrong password: the server refuses, the message does not
		 * repeat it. */
		assert_int_not_equal(rc, 0);
		assert_null(strstr(qr_error_last()->message, secret));
		assert_null(strstr(qr_error_last()->statement, secret));
	}
	qr_engine_free(engine);
	if (lb.text && strstr(lb.text, secret))
		fail_msg("a log line shows the password:\n%s", lb.text);
	free(lb.text);
	qr_url_free(url);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_payloads_stay_values, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_payloads_in_batches, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_nul_bytes, setup, teardown),
	cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
	cmocka_unit_test_setup_teardown(test_ten_megabytes, setup,
					teardown_big),
	cmocka_unit_test(test_password_never_shown),
};

QR_TEST_MAIN("hostile input", tests)
