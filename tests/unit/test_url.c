/*
 * test_url.c - database URLs: parsing as SQLAlchemy's make_url() does,
 * rendering as render_as_string() does, the round trip between them, the
 * setters and query list, copies, malformed input and allocation failure.
 *
 * The parse and error cases are tables; each row is a test of its own.
 */
#include "test_support.h"

#include <quarry/sys/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Allocation failure injection                                        */
/* ------------------------------------------------------------------ */

/*
 * With glibc and no sanitizer, this program replaces malloc, calloc and
 * realloc so that a test can make the nth allocation from now fail. Under
 * valgrind run with --soname-synonyms=somalloc=nouserintercepts so these
 * stay in place (valgrind still tracks the blocks through glibc's
 * __libc_* functions); otherwise valgrind replaces them and the failure
 * tests skip themselves.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define URL_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define URL_TEST_SANITIZED 1
#endif

#if defined(__GLIBC__) && !defined(URL_TEST_SANITIZED)
#define URL_TEST_OOM 1
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);

static long oom_countdown; /* 0: off; n: the nth allocation fails */
static bool oom_fired;

static bool oom_should_fail(void)
{
	if (oom_countdown > 0 && --oom_countdown == 0) {
		oom_fired = true;
		return true;
	}
	return false;
}

void *malloc(size_t size)
{
	return oom_should_fail() ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	return oom_should_fail() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t size)
{
	return oom_should_fail() ? NULL : __libc_realloc(ptr, size);
}
#endif

/* Arms the injector so that the nth allocation from now fails. */
static void oom_arm(long n)
{
#ifdef URL_TEST_OOM
	oom_fired = false;
	oom_countdown = n;
#else
	(void)n;
#endif
}

/* Disarms it; true when the armed allocation did fail. */
static bool oom_disarm(void)
{
#ifdef URL_TEST_OOM
	bool fired = oom_fired;
	oom_countdown = 0;
	oom_fired = false;
	return fired;
#else
	return false;
#endif
}

/* Skips the calling test when allocations cannot be made to fail; call it
 * before allocating anything, as skipping leaves the test at once. */
static void oom_require(void)
{
	void *p;

	oom_arm(1);
	p = malloc(16);
	oom_disarm();
	if (p) {
		free(p);
		skip();
	}
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Asserts that a part is absent (want NULL) or equal to want. */
static void check_part(const char *url, const char *what, const char *got,
		       const char *want)
{
	if (!want && got)
		fail_msg("%s: %s is '%s', expected absent", url, what, got);
	if (want && !got)
		fail_msg("%s: %s is absent, expected '%s'", url, what, want);
	if (want && strcmp(got, want))
		fail_msg("%s: %s is '%s', expected '%s'", url, what, got, want);
}

static qr_url *parse_ok(const char *text)
{
	qr_url *url = NULL;
	int rc = qr_url_parse(&url, text);

	if (rc)
		fail_msg("qr_url_parse(%s) = %d: %s", text, rc,
			 qr_error_last()->message);
	assert_non_null(url);
	return url;
}

static char *render(const qr_url *url, bool hide)
{
	char *s = NULL;

	qr_assert_ok(qr_url_render(&s, url, hide));
	assert_non_null(s);
	return s;
}

/* Asserts that every part of a and b is the same. */
static void assert_same_url(const qr_url *a, const qr_url *b)
{
	const char *t = "round trip";

	check_part(t, "drivername", qr_url_drivername(b), qr_url_drivername(a));
	check_part(t, "dialect", qr_url_dialect(b), qr_url_dialect(a));
	check_part(t, "driver", qr_url_driver(b), qr_url_driver(a));
	check_part(t, "username", qr_url_username(b), qr_url_username(a));
	check_part(t, "password", qr_url_password(b), qr_url_password(a));
	check_part(t, "host", qr_url_host(b), qr_url_host(a));
	check_part(t, "database", qr_url_database(b), qr_url_database(a));
	assert_int_equal(qr_url_port(b), qr_url_port(a));
	assert_int_equal(qr_url_query_count(b), qr_url_query_count(a));
	/* Rendering sorts the keys: compare per key, values in order. */
	for (size_t i = 0; i < qr_url_query_count(a); i++) {
		const char *key = qr_url_query_key(a, i);
		size_t nth = 0, seen = 0;

		for (size_t j = 0; j < i; j++)
			nth += !strcmp(qr_url_query_key(a, j), key);
		for (size_t j = 0; j < qr_url_query_count(b); j++) {
			if (strcmp(qr_url_query_key(b, j), key))
				continue;
			if (seen++ == nth)
				check_part(t, key, qr_url_query_value(b, j),
					   qr_url_query_value(a, i));
		}
		assert_int_equal(qr_url_query_count_key(b, key),
				 qr_url_query_count_key(a, key));
	}
}

/* ------------------------------------------------------------------ */
/* Parsing: one test per row                                           */
/* ------------------------------------------------------------------ */

/* Appends s to buf, bytes outside ' '..'~' as \xNN. */
static void describe_append(char *buf, size_t cap, const char *label,
			    const char *s)
{
	size_t n = strlen(buf);

	/* An empty label continues the previous item: "query[k][v]". */
	n += (size_t)snprintf(buf + n, cap - n, "%s%s[", n && *label ? " " : "",
			      label);
	for (; *s && n + 5 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c > 0x7e)
			n += (size_t)snprintf(buf + n, cap - n, "\\x%02X", c);
		else
			buf[n++] = (char)c;
	}
	if (n + 2 < cap) {
		buf[n++] = ']';
		buf[n] = '\0';
	}
}

/*
 * Every part of url in one line, absent parts left out:
 * "name[pg+drv] dialect[pg] driver[drv] user[u] password[p] host[h]
 *  port[1] database[d] query[key][value] ..."
 */
static const char *describe(const qr_url *url)
{
	static char buf[4096];
	char port[16];

	buf[0] = '\0';
	describe_append(buf, sizeof(buf), "name", qr_url_drivername(url));
	describe_append(buf, sizeof(buf), "dialect", qr_url_dialect(url));
	if (qr_url_driver(url))
		describe_append(buf, sizeof(buf), "driver", qr_url_driver(url));
	if (qr_url_username(url))
		describe_append(buf, sizeof(buf), "user", qr_url_username(url));
	if (qr_url_password(url))
		describe_append(buf, sizeof(buf), "password",
				qr_url_password(url));
	if (qr_url_host(url))
		describe_append(buf, sizeof(buf), "host", qr_url_host(url));
	if (qr_url_port(url) >= 0) {
		snprintf(port, sizeof(port), "%d", qr_url_port(url));
		describe_append(buf, sizeof(buf), "port", port);
	}
	if (qr_url_database(url))
		describe_append(buf, sizeof(buf), "database",
				qr_url_database(url));
	for (size_t i = 0; i < qr_url_query_count(url); i++) {
		describe_append(buf, sizeof(buf), "query",
				qr_url_query_key(url, i));
		describe_append(buf, sizeof(buf), "",
				qr_url_query_value(url, i));
	}
	return buf;
}

struct parse_case {
	const char *text;
	const char *expect; /* describe() of the parsed URL */
};

static const struct parse_case parse_cases[] = {
	/* SQLite: the forms of SQLAlchemy's documentation. */
	{"sqlite://", "name[sqlite] dialect[sqlite]"},
	{"sqlite:///:memory:",
	 "name[sqlite] dialect[sqlite] database[:memory:]"},
	{"sqlite:///relative.db",
	 "name[sqlite] dialect[sqlite] database[relative.db]"},
	{"sqlite:////abs/path.db",
	 "name[sqlite] dialect[sqlite] database[/abs/path.db]"},
	{"sqlite:///f.db?mode=ro",
	 "name[sqlite] dialect[sqlite] database[f.db] query[mode][ro]"},
	{"sqlite+sqlite3:///app.db", "name[sqlite+sqlite3] dialect[sqlite] "
				     "driver[sqlite3] database[app.db]"},
	{"sqlite:///", "name[sqlite] dialect[sqlite] database[]"},
	{"sqlite:///sub%20dir/my%25file.db",
	 "name[sqlite] dialect[sqlite] database[sub dir/my%file.db]"},
	{"sqlite:///file:data.db?mode=memory&cache=shared&uri=true",
	 "name[sqlite] dialect[sqlite] database[file:data.db] "
	 "query[mode][memory] query[cache][shared] query[uri][true]"},
	{"sqlite:///C:\\path\\to\\app.db",
	 "name[sqlite] dialect[sqlite] database[C:\\path\\to\\app.db]"},
	/* PostgreSQL. */
	{"postgresql://scott:tiger@localhost/mydatabase",
	 "name[postgresql] dialect[postgresql] user[scott] password[tiger] "
	 "host[localhost] database[mydatabase]"},
	{"postgresql://scott:tiger@localhost:5432/mydatabase",
	 "name[postgresql] dialect[postgresql] user[scott] password[tiger] "
	 "host[localhost] port[5432] database[mydatabase]"},
	{"postgresql+psycopg2://scott:tiger@localhost/mydatabase",
	 "name[postgresql+psycopg2] dialect[postgresql] driver[psycopg2] "
	 "user[scott] password[tiger] host[localhost] database[mydatabase]"},
	{"postgresql+libpq://u@h", "name[postgresql+libpq] dialect[postgresql] "
				   "driver[libpq] user[u] host[h]"},
	{"postgresql://h", "name[postgresql] dialect[postgresql] host[h]"},
	{"postgresql://h:5433",
	 "name[postgresql] dialect[postgresql] host[h] port[5433]"},
	{"postgresql://u:@h/db", "name[postgresql] dialect[postgresql] user[u] "
				 "password[] host[h] database[db]"},
	{"postgresql://:secret@h/db",
	 "name[postgresql] dialect[postgresql] user[] password[secret] host[h] "
	 "database[db]"},
	{"postgresql://@h/db",
	 "name[postgresql] dialect[postgresql] user[] host[h] database[db]"},
	{"postgresql://u@:5432/db", "name[postgresql] dialect[postgresql] "
				    "user[u] port[5432] database[db]"},
	{"postgresql://u@h:0/db", "name[postgresql] dialect[postgresql] "
				  "user[u] host[h] port[0] database[db]"},
	{"postgresql://h:65535/db", "name[postgresql] dialect[postgresql] "
				    "host[h] port[65535] database[db]"},
	{"postgresql://h:05432/db", "name[postgresql] dialect[postgresql] "
				    "host[h] port[5432] database[db]"},
	/* Passwords with special characters. */
	{"postgresql://u:p%40ss@h/db",
	 "name[postgresql] dialect[postgresql] user[u] password[p@ss] host[h] "
	 "database[db]"},
	{"postgresql://u:p:a:ss@h/db",
	 "name[postgresql] dialect[postgresql] user[u] password[p:a:ss] "
	 "host[h] database[db]"},
	{"postgresql://u:pa/ss@h/db",
	 "name[postgresql] dialect[postgresql] user[u] password[pa/ss] host[h] "
	 "database[db]"},
	{"postgresql://u:p%2540@h/db",
	 "name[postgresql] dialect[postgresql] user[u] password[p%40] host[h] "
	 "database[db]"},
	{"postgresql://u:a+b c?@h/db",
	 "name[postgresql] dialect[postgresql] user[u] password[a+b c?] "
	 "host[h] database[db]"},
	{"postgresql://u:p%3A%2F%3F%23%26@h/db",
	 "name[postgresql] dialect[postgresql] user[u] password[p:/?#&] "
	 "host[h] database[db]"},
	/* Usernames: SQLAlchemy's regex keeps '@' before the last one. */
	{"postgresql://us%3Aer:pw@h/db",
	 "name[postgresql] dialect[postgresql] user[us:er] password[pw] "
	 "host[h] database[db]"},
	{"postgresql://user@domain@h/db",
	 "name[postgresql] dialect[postgresql] user[user@domain] host[h] "
	 "database[db]"},
	{"postgresql://a@b:pw@h/db",
	 "name[postgresql] dialect[postgresql] user[a@b] password[pw] host[h] "
	 "database[db]"},
	/* IPv6 hosts, with and without port. */
	{"postgresql://u@[::1]:5432/db",
	 "name[postgresql] dialect[postgresql] user[u] host[::1] port[5432] "
	 "database[db]"},
	{"postgresql://u:p@[::1]/db",
	 "name[postgresql] dialect[postgresql] user[u] password[p] host[::1] "
	 "database[db]"},
	{"postgresql://[2001:db8::7]",
	 "name[postgresql] dialect[postgresql] host[2001:db8::7]"},
	{"postgresql://[2001:db8::7]?sslmode=disable",
	 "name[postgresql] dialect[postgresql] host[2001:db8::7] "
	 "query[sslmode][disable]"},
	{"postgresql://[fe80::1%25eth0]:5432/db",
	 "name[postgresql] dialect[postgresql] host[fe80::1%eth0] port[5432] "
	 "database[db]"},
	/* Host and database are decoded too. */
	{"postgresql://db%2Dhost/my%2Fdb%3F",
	 "name[postgresql] dialect[postgresql] host[db-host] database[my/db?]"},
	{"postgresql://h/a:b/c",
	 "name[postgresql] dialect[postgresql] host[h] database[a:b/c]"},
	/* Query strings: '+' is a space, blank values are kept. */
	{"postgresql://h/db?sslmode=require&options=-c%20search_path%3Dmy",
	 "name[postgresql] dialect[postgresql] host[h] database[db] "
	 "query[sslmode][require] query[options][-c search_path=my]"},
	{"postgresql://h/db?host=/run/a&port=1&host=/run/b",
	 "name[postgresql] dialect[postgresql] host[h] database[db] "
	 "query[host][/run/a] query[port][1] query[host][/run/b]"},
	{"postgresql://h/db?k=a+b%2Bc", "name[postgresql] dialect[postgresql] "
					"host[h] database[db] query[k][a b+c]"},
	{"postgresql://h/db?my+key%3D=v%26w",
	 "name[postgresql] dialect[postgresql] host[h] database[db] query[my "
	 "key=][v&w]"},
	{"postgresql://h/db?a&b=&&c=1&",
	 "name[postgresql] dialect[postgresql] host[h] database[db] query[a][] "
	 "query[b][] query[c][1]"},
	{"postgresql://h/db?=v&k=x=y",
	 "name[postgresql] dialect[postgresql] host[h] database[db] query[][v] "
	 "query[k][x=y]"},
	{"postgresql://h/db?",
	 "name[postgresql] dialect[postgresql] host[h] database[db]"},
	{"postgresql://h?application_name=app",
	 "name[postgresql] dialect[postgresql] host[h] "
	 "query[application_name][app]"},
	/* SQLAlchemy's regex reads an unescaped '@' in a query as ending a
	 * password that started at the port's ':'; quarry does the same. */
	{"postgresql://h:5432/db?x=a@b",
	 "name[postgresql] dialect[postgresql] user[h] password[5432/db?x=a] "
	 "host[b]"},
	/* MySQL. */
	{"mysql+mysqlclient://scott:tiger@localhost/foo",
	 "name[mysql+mysqlclient] dialect[mysql] driver[mysqlclient] "
	 "user[scott] password[tiger] host[localhost] database[foo]"},
	{"mysql+mysqlclient://u:p@127.0.0.1:3306/test?charset=utf8mb4",
	 "name[mysql+mysqlclient] dialect[mysql] driver[mysqlclient] user[u] "
	 "password[p] host[127.0.0.1] port[3306] database[test] "
	 "query[charset][utf8mb4]"},
	{"mysql://root@localhost/test?unix_socket=%2Ftmp%2Fmysql.sock",
	 "name[mysql] dialect[mysql] user[root] host[localhost] database[test] "
	 "query[unix_socket][/tmp/mysql.sock]"},
	{"mysql+pymysql://u:p@h/db?ssl_ca=/p/ca.pem&ssl_check_hostname=false",
	 "name[mysql+pymysql] dialect[mysql] driver[pymysql] user[u] "
	 "password[p] host[h] database[db] query[ssl_ca][/p/ca.pem] "
	 "query[ssl_check_hostname][false]"},
	/* Percent-decoding in every part at once, either case of hex. */
	{"mysql://%75ser:%70w@h%6Fst:3306/d%62?%6b=%76%2f",
	 "name[mysql] dialect[mysql] user[user] password[pw] host[host] "
	 "port[3306] database[db] query[k][v/]"},
	{"postgresql://j%C3%BCrgen:p%C3%A4ss@h/d%C3%B6",
	 "name[postgresql] dialect[postgresql] user[j\\xC3\\xBCrgen] "
	 "password[p\\xC3\\xA4ss] host[h] database[d\\xC3\\xB6]"},
	{"postgresql://u:%0A%7F@h/db",
	 "name[postgresql] dialect[postgresql] user[u] password[\\x0A\\x7F] "
	 "host[h] database[db]"},
	/* Drivernames are word characters with at most one '+'. */
	{"my_dialect2+drv_1://h",
	 "name[my_dialect2+drv_1] dialect[my_dialect2] driver[drv_1] host[h]"},
};

#define N_PARSE_CASES 56
_Static_assert(sizeof(parse_cases) / sizeof(parse_cases[0]) == N_PARSE_CASES,
	       "list every parse case in the test table below");

static void test_parse_case(void **state)
{
	const struct parse_case *c = *state;
	qr_url *url = parse_ok(c->text);
	size_t n = qr_url_query_count(url);

	if (strcmp(describe(url), c->expect))
		fail_msg("%s\n  parsed as %s\n  expected  %s", c->text,
			 describe(url), c->expect);
	assert_null(qr_url_query_key(url, n));
	assert_null(qr_url_query_value(url, n));
	qr_url_free(url);
}

/* The same rows, rendered and parsed back: every part survives. */
static void test_round_trip_case(void **state)
{
	const struct parse_case *c = *state;
	qr_url *url = parse_ok(c->text);
	char *text = render(url, false);
	qr_url *again = parse_ok(text);
	char *text2 = render(again, false);

	assert_same_url(url, again);
	assert_string_equal(text2, text);
	qr_free(text);
	qr_free(text2);
	qr_url_free(again);
	qr_url_free(url);
}

/* ------------------------------------------------------------------ */
/* Malformed URLs: one test per row                                    */
/* ------------------------------------------------------------------ */

struct error_case {
	const char *text;
	const char *fragment;  /* part of the message after the URL */
	const char *fragment2; /* another part, or NULL */
};

static const struct error_case error_cases[] = {
	{"", "the URL is empty", NULL},
	{"postgresql", "no '://' after the drivername", NULL},
	{"postgresql//h/db", "no '://' after the drivername", NULL},
	{"postgresql:/h/db", "expected '://' at position 10", NULL},
	{"://h/db", "empty drivername at position 0", NULL},
	{"pg sql://h", "character ' ' at position 2 is not a letter", NULL},
	{"pg-sql://h", "character '-' at position 2", NULL},
	{" postgresql://h", "character ' ' at position 0", NULL},
	{"p\xC3\xB6stgres://h", "character 0xC3 at position 1", NULL},
	{"+libpq://h", "empty dialect name before '+' at position 0", NULL},
	{"postgresql+://h", "empty driver name after '+' at position 10", NULL},
	{"a+b+c://h", "more than one '+' in drivername at position 3", NULL},
	{"postgresql://h:/db", "empty port at position 15", NULL},
	{"postgresql://h:70000/db", "port 70000 at position 15 is out of range",
	 NULL},
	{"postgresql://h:99999999999999999999999/db", "is out of range",
	 "position 15"},
	{"postgresql://h:-1/db", "port '-1' at position 15 is not a number",
	 NULL},
	{"postgresql://h:54 32/db", "port '54 32' at position 15", NULL},
	{"postgresql://h:1:2/db", "port '1:2' at position 15", NULL},
	{"postgresql://u@[::1/db", "unclosed '[' in the host at position 15",
	 NULL},
	{"postgresql://u@[::1", "unclosed '[' in the host at position 15",
	 NULL},
	{"postgresql://[]/db", "empty IPv6 host '[]' at position 13", NULL},
	{"postgresql://[::1]x/db", "unexpected character 'x' at position 18",
	 NULL},
	{"postgresql://u:p@ss@h/db", "unescaped '@' at position 19", "as %40"},
	{"postgresql://h/d%zz", "bad percent escape '%zz' in the database",
	 "position 16"},
	{"postgresql://h/d%4", "truncated percent escape '%4' in the database",
	 "position 16"},
	{"postgresql://h/db?k=%",
	 "truncated percent escape '%' in the query "
	 "value at position 20",
	 NULL},
	{"postgresql://h/db?k%=v",
	 "truncated percent escape '%' in the query "
	 "key at position 19",
	 NULL},
	{"postgresql://u%ZZ@h", "bad percent escape '%ZZ' in the username",
	 NULL},
	{"postgresql://h%g1/db", "bad percent escape '%g1' in the host", NULL},
	{"postgresql://[::1%zz]/db", "bad percent escape '%zz' in the host",
	 NULL},
	{"postgresql://h/d%00", "%00 in the database at position 16",
	 "would decode to NUL"},
	{"postgresql://h/db?k=%00", "%00 in the query value", NULL},
	{"postgresql://h/db\n", "control character 0x0A at position 17", NULL},
	{"postgresql://h/d\tb", "control character 0x09 at position 16", NULL},
	{"postgresql://h/db?\x7F", "control character 0x7F at position 18",
	 NULL},
};

#define N_ERROR_CASES 35
_Static_assert(sizeof(error_cases) / sizeof(error_cases[0]) == N_ERROR_CASES,
	       "list every error case in the test table below");

/* Parses text expecting QR_EURL; returns the message. */
static const char *parse_error(const char *text)
{
	qr_url *url = (qr_url *)&url; /* not NULL: must be reset */
	int rc;

	qr_error_clear();
	rc = qr_url_parse(&url, text);
	if (rc != QR_EURL)
		fail_msg("qr_url_parse(%s) = %d, expected QR_EURL", text, rc);
	assert_null(url);
	assert_int_equal(qr_error_last()->code, QR_EURL);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_ARGUMENT);
	return qr_error_last()->message;
}

static void assert_contains(const char *message, const char *fragment)
{
	if (!strstr(message, fragment))
		fail_msg("message \"%s\" lacks \"%s\"", message, fragment);
}

static void test_error_case(void **state)
{
	const struct error_case *c = *state;
	const char *msg = parse_error(c->text);

	assert_contains(msg, "invalid URL '");
	assert_contains(msg, c->fragment);
	if (c->fragment2)
		assert_contains(msg, c->fragment2);
}

/* ------------------------------------------------------------------ */
/* Error messages                                                      */
/* ------------------------------------------------------------------ */

static void test_error_message_exact(void **state)
{
	(void)state;
	assert_string_equal(parse_error("postgresql://u@h:abc/db"),
			    "invalid URL 'postgresql://u@h:abc/db': port 'abc' "
			    "at position 17 is not a number");
}

static void test_error_hides_password(void **state)
{
	static const char *const texts[] = {
		"postgresql://u:s3cr3t@h:abc/db",
		"postgresql://u:s3cr3t@h/d%zz",
		"postgresql://u:s3cr3t@[::1/db",
		"postgresql://u:s3cr3t@h:70000/db",
		"pg sql://u:s3cr3t@h/db",
		"postgresql:/u:s3cr3t@h/db",
		"postgresql//u:s3cr3t@h/db",
		"postgresql://u:s3cr3t@h/db\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *msg = parse_error(texts[i]);

		if (strstr(msg, "s3cr3t"))
			fail_msg("message \"%s\" shows the password", msg);
		assert_contains(msg, "***");
	}
}

/* An unescaped '@' splits a password in two: neither half is shown. */
static void test_error_hides_split_password(void **state)
{
	const char *msg;

	(void)state;
	msg = parse_error("postgresql://u:abc@xyz@h/db");
	assert_null(strstr(msg, "abc"));
	assert_null(strstr(msg, "xyz"));
	assert_contains(msg, "'postgresql://u:***@h/db'");
	msg = parse_error("postgresql://u:ab@cd:ef@h:5432/db");
	assert_null(strstr(msg, "cd"));
	assert_null(strstr(msg, "ef"));
	assert_contains(msg, "u:***@h:5432/db");
}

/* A bad escape in the password is reported without its characters. */
static void test_error_password_escape_hidden(void **state)
{
	const char *msg;

	(void)state;
	msg = parse_error("postgresql://u:ab%zzcd@h/db");
	assert_contains(msg, "bad percent escape in the password at position "
			     "17");
	assert_null(strstr(msg, "zz"));
	assert_null(strstr(msg, "ab"));
	msg = parse_error("postgresql://u:abcd%4@h/db");
	assert_contains(msg, "truncated percent escape in the password");
	assert_null(strstr(msg, "abcd"));
}

/* Long URLs are cut in the message, which keeps the reason. */
static void test_error_long_url(void **state)
{
	char text[2048];
	const char *msg;

	(void)state;
	memcpy(text, "postgresql://h/", 15);
	memset(text + 15, 'd', 1500);
	strcpy(text + 1515, "%zz");
	msg = parse_error(text);
	assert_contains(msg, "...':");
	assert_contains(msg, "bad percent escape '%zz' in the database at "
			     "position 1515");
	assert_true(strlen(msg) < 400);
}

static void test_parse_null_arguments(void **state)
{
	qr_url *url = (qr_url *)&url;

	(void)state;
	assert_int_equal(qr_url_parse(NULL, "sqlite://"), QR_EINVAL);
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_int_equal(qr_url_parse(&url, NULL), QR_EINVAL);
	assert_null(url);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_ARGUMENT);
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */
/* ------------------------------------------------------------------ */

static void test_render_full(void **state)
{
	qr_url *url = parse_ok("postgresql+psycopg2://scott:tiger@localhost:"
			       "5432/test?b=2&a=x+y&b=1");
	char *shown = render(url, false);
	char *hidden = render(url, true);

	(void)state;
	assert_string_equal(shown, "postgresql+psycopg2://scott:tiger@"
				   "localhost:5432/test?a=x+y&b=2&b=1");
	assert_string_equal(hidden, "postgresql+psycopg2://scott:***@"
				    "localhost:5432/test?a=x+y&b=2&b=1");
	qr_free(shown);
	qr_free(hidden);
	qr_url_free(url);
}

/* The same string SQLAlchemy's render_as_string(False) gives. */
static void test_render_quotes_like_sqlalchemy(void **state)
{
	qr_url *url = NULL;
	char *s;

	(void)state;
	qr_assert_ok(qr_url_new(&url, "postgresql+psycopg2"));
	qr_assert_ok(qr_url_set_username(url, "sc ott+x"));
	qr_assert_ok(qr_url_set_password(url, "ti@g/e:r%"));
	qr_assert_ok(qr_url_set_host(url, "localhost"));
	qr_assert_ok(qr_url_set_port(url, 5432));
	qr_assert_ok(qr_url_set_database(url, "test"));
	qr_assert_ok(qr_url_query_add(url, "c&d", "e=f+g"));
	qr_assert_ok(qr_url_query_add(url, "b", "2"));
	qr_assert_ok(qr_url_query_add(url, "a", "x y"));
	qr_assert_ok(qr_url_query_add(url, "b", "1"));
	s = render(url, false);
	assert_string_equal(s,
			    "postgresql+psycopg2://sc ott+x:ti%40g%2Fe%3Ar%25"
			    "@localhost:5432/test?a=x+y&b=2&b=1&"
			    "c%26d=e%3Df%2Bg");
	qr_free(s);
	qr_assert_ok(qr_url_set_username(url, "j\xC3\xBCrgen~._-!*'()"));
	qr_assert_ok(qr_url_set_password(url, NULL));
	s = render(url, false);
	assert_string_equal(s, "postgresql+psycopg2://j%C3%BCrgen~._-%21%2A%27"
			       "%28%29@localhost:5432/test?a=x+y&b=2&b=1&"
			       "c%26d=e%3Df%2Bg");
	qr_free(s);
	qr_url_free(url);
}

static void test_render_sqlite_forms(void **state)
{
	static const char *const texts[] = {
		"sqlite://",
		"sqlite:///:memory:",
		"sqlite:///rel.db",
		"sqlite:////abs/path.db",
		"sqlite:///f.db?mode=ro",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		qr_url *url = parse_ok(texts[i]);
		char *s = render(url, true);

		assert_string_equal(s, texts[i]);
		qr_free(s);
		qr_url_free(url);
	}
}

static void test_render_ipv6(void **state)
{
	qr_url *url = parse_ok("postgresql://u:p@[::1]:5432/db");
	char *s = render(url, true);

	(void)state;
	assert_string_equal(s, "postgresql://u:***@[::1]:5432/db");
	qr_free(s);
	qr_assert_ok(qr_url_set_port(url, -1));
	qr_assert_ok(qr_url_set_host(url, "fe80::1%eth0"));
	s = render(url, false);
	assert_string_equal(s, "postgresql://u:p@[fe80::1%25eth0]/db");
	qr_free(s);
	qr_url_free(url);
}

static void test_render_without_password(void **state)
{
	qr_url *url = parse_ok("mysql+mysqlclient://root@localhost/test");
	char *a = render(url, true);
	char *b = render(url, false);

	(void)state;
	assert_string_equal(a, "mysql+mysqlclient://root@localhost/test");
	assert_string_equal(b, a);
	qr_free(a);
	qr_free(b);
	/* An empty password is still masked, and still written. */
	qr_assert_ok(qr_url_set_password(url, ""));
	a = render(url, true);
	b = render(url, false);
	assert_string_equal(a, "mysql+mysqlclient://root:***@localhost/test");
	assert_string_equal(b, "mysql+mysqlclient://root:@localhost/test");
	qr_free(a);
	qr_free(b);
	qr_url_free(url);
}

/* As in SQLAlchemy, a password is written only after a username. */
static void test_render_password_needs_username(void **state)
{
	qr_url *url = NULL;
	char *s;

	(void)state;
	qr_assert_ok(qr_url_new(&url, "postgresql"));
	qr_assert_ok(qr_url_set_password(url, "pw"));
	qr_assert_ok(qr_url_set_host(url, "h"));
	s = render(url, false);
	assert_string_equal(s, "postgresql://h");
	qr_free(s);
	qr_url_free(url);
}

/* Host and database escape only what would not parse back. */
static void test_render_host_database_escapes(void **state)
{
	qr_url *url = NULL;
	char *s;

	(void)state;
	qr_assert_ok(qr_url_new(&url, "sqlite"));
	qr_assert_ok(qr_url_set_database(url, "/data/a b:c/100%?x@y.db"));
	s = render(url, false);
	assert_string_equal(s, "sqlite:////data/a b:c/100%25%3Fx%40y.db");
	qr_free(s);
	qr_assert_ok(qr_url_set_host(url, "we/ird?h@st[1]"));
	s = render(url, false);
	assert_string_equal(s, "sqlite://we%2Fird%3Fh%40st%5B1%5D/"
			       "/data/a b:c/100%25%3Fx%40y.db");
	qr_free(s);
	qr_url_free(url);
}

static void test_render_null_arguments(void **state)
{
	char *s = (char *)&s;
	qr_url *url = parse_ok("sqlite://");

	(void)state;
	assert_int_equal(qr_url_render(NULL, url, true), QR_EINVAL);
	assert_int_equal(qr_url_render(&s, NULL, true), QR_EINVAL);
	assert_null(s);
	qr_url_free(url);
}

/* Every byte but NUL in every part renders and parses back. */
static void test_round_trip_every_byte(void **state)
{
	char all[256], no_colon[256];
	size_t n = 0;
	qr_url *url = NULL, *back;
	char *text;

	(void)state;
	for (int c = 1; c < 256; c++) {
		all[c - 1] = (char)c;
		if (c != ':')
			no_colon[n++] = (char)c;
	}
	all[255] = '\0';
	no_colon[n] = '\0';
	qr_assert_ok(qr_url_new(&url, "mysql+mysqlclient"));
	qr_assert_ok(qr_url_set_username(url, all));
	qr_assert_ok(qr_url_set_password(url, all));
	qr_assert_ok(qr_url_set_database(url, all));
	qr_assert_ok(qr_url_set_port(url, 3306));
	qr_assert_ok(qr_url_query_add(url, all, all));
	qr_assert_ok(qr_url_query_add(url, "k", all));
	qr_assert_ok(qr_url_query_add(url, all, "second"));
	for (int bracketed = 0; bracketed < 2; bracketed++) {
		qr_assert_ok(qr_url_set_host(url, bracketed ? all : no_colon));
		text = render(url, false);
		back = parse_ok(text);
		assert_same_url(url, back);
		qr_url_free(back);
		qr_free(text);
	}
	qr_url_free(url);
}

/* URLs built from parts round-trip, absent and empty parts included. */
static void test_round_trip_built(void **state)
{
	qr_url *url = NULL, *back;
	char *text;

	(void)state;
	qr_assert_ok(qr_url_new(&url, "postgresql+libpq"));
	qr_assert_ok(qr_url_set_username(url, ""));
	qr_assert_ok(qr_url_set_password(url, ""));
	qr_assert_ok(qr_url_set_port(url, 0));
	qr_assert_ok(qr_url_set_database(url, ""));
	qr_assert_ok(qr_url_query_add(url, "", ""));
	qr_assert_ok(qr_url_query_add(url, "empty", ""));
	text = render(url, false);
	assert_string_equal(text, "postgresql+libpq://:@:0/?=&empty=");
	back = parse_ok(text);
	assert_same_url(url, back);
	qr_url_free(back);
	qr_free(text);
	qr_url_free(url);
}

/* ------------------------------------------------------------------ */
/* Creation, accessors, setters                                        */
/* ------------------------------------------------------------------ */

static void test_new(void **state)
{
	qr_url *url = (qr_url *)&url;

	(void)state;
	qr_assert_ok(qr_url_new(&url, "postgresql+libpq"));
	assert_string_equal(qr_url_drivername(url), "postgresql+libpq");
	assert_string_equal(qr_url_dialect(url), "postgresql");
	assert_string_equal(qr_url_driver(url), "libpq");
	assert_null(qr_url_username(url));
	assert_null(qr_url_password(url));
	assert_null(qr_url_host(url));
	assert_null(qr_url_database(url));
	assert_int_equal(qr_url_port(url), -1);
	assert_int_equal(qr_url_query_count(url), 0);
	qr_url_free(url);
}

static void test_new_invalid(void **state)
{
	static const char *const bad[] = {"",   "pg sql", "+x",
					  "x+", "a+b+c",  "pg://"};
	qr_url *url = (qr_url *)&url;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(qr_url_new(&url, bad[i]), QR_EURL);
		assert_null(url);
		assert_contains(qr_error_last()->message, "invalid drivername");
	}
	assert_int_equal(qr_url_new(&url, NULL), QR_EINVAL);
	assert_null(url);
	assert_int_equal(qr_url_new(NULL, "sqlite"), QR_EINVAL);
}

static void test_accessors_null(void **state)
{
	(void)state;
	assert_null(qr_url_drivername(NULL));
	assert_null(qr_url_dialect(NULL));
	assert_null(qr_url_driver(NULL));
	assert_null(qr_url_username(NULL));
	assert_null(qr_url_password(NULL));
	assert_null(qr_url_host(NULL));
	assert_null(qr_url_database(NULL));
	assert_int_equal(qr_url_port(NULL), -1);
	assert_int_equal(qr_url_query_count(NULL), 0);
	assert_null(qr_url_query_key(NULL, 0));
	assert_null(qr_url_query_value(NULL, 0));
	assert_null(qr_url_query_get(NULL, "k"));
	assert_int_equal(qr_url_query_count_key(NULL, "k"), 0);
	assert_int_equal(qr_url_query_remove(NULL, "k"), 0);
	qr_url_free(NULL);
}

static void test_setters(void **state)
{
	qr_url *url = parse_ok("postgresql://u:p@h:1/db");
	char *s;

	(void)state;
	qr_assert_ok(qr_url_set_username(url, "scott"));
	qr_assert_ok(qr_url_set_password(url, "tiger"));
	qr_assert_ok(qr_url_set_host(url, "db.example.com"));
	qr_assert_ok(qr_url_set_port(url, 6543));
	qr_assert_ok(qr_url_set_database(url, "app"));
	assert_string_equal(qr_url_username(url), "scott");
	assert_string_equal(qr_url_password(url), "tiger");
	assert_string_equal(qr_url_host(url), "db.example.com");
	assert_int_equal(qr_url_port(url), 6543);
	assert_string_equal(qr_url_database(url), "app");
	s = render(url, false);
	assert_string_equal(s, "postgresql://scott:tiger@db.example.com:6543/"
			       "app");
	qr_free(s);
	/* NULL removes a part; -1 removes the port. */
	qr_assert_ok(qr_url_set_password(url, NULL));
	qr_assert_ok(qr_url_set_port(url, -1));
	qr_assert_ok(qr_url_set_database(url, NULL));
	assert_null(qr_url_password(url));
	assert_int_equal(qr_url_port(url), -1);
	assert_null(qr_url_database(url));
	s = render(url, false);
	assert_string_equal(s, "postgresql://scott@db.example.com");
	qr_free(s);
	qr_assert_ok(qr_url_set_username(url, NULL));
	qr_assert_ok(qr_url_set_host(url, NULL));
	s = render(url, false);
	assert_string_equal(s, "postgresql://");
	qr_free(s);
	qr_url_free(url);
}

/* A setter's argument is copied: the caller's buffer may change. */
static void test_setters_copy_argument(void **state)
{
	char buf[16] = "first";
	qr_url *url = parse_ok("sqlite://");

	(void)state;
	qr_assert_ok(qr_url_set_database(url, buf));
	strcpy(buf, "second");
	assert_string_equal(qr_url_database(url), "first");
	/* Setting a part from its own current value is safe. */
	qr_assert_ok(qr_url_set_database(url, qr_url_database(url)));
	assert_string_equal(qr_url_database(url), "first");
	qr_url_free(url);
}

static void test_set_port_range(void **state)
{
	qr_url *url = parse_ok("postgresql://h:5432");

	(void)state;
	assert_int_equal(qr_url_set_port(url, 65536), QR_EINVAL);
	assert_contains(qr_error_last()->message, "65536");
	assert_int_equal(qr_url_set_port(url, -2), QR_EINVAL);
	assert_int_equal(qr_url_port(url), 5432);
	qr_assert_ok(qr_url_set_port(url, 0));
	assert_int_equal(qr_url_port(url), 0);
	qr_assert_ok(qr_url_set_port(url, 65535));
	assert_int_equal(qr_url_port(url), 65535);
	assert_int_equal(qr_url_set_port(NULL, 1), QR_EINVAL);
	qr_url_free(url);
}

static void test_set_drivername(void **state)
{
	qr_url *url = parse_ok("postgresql+psycopg2://h/db");

	(void)state;
	qr_assert_ok(qr_url_set_drivername(url, "mysql"));
	assert_string_equal(qr_url_drivername(url), "mysql");
	assert_string_equal(qr_url_dialect(url), "mysql");
	assert_null(qr_url_driver(url));
	qr_assert_ok(qr_url_set_drivername(url, "mysql+mysqlclient"));
	assert_string_equal(qr_url_dialect(url), "mysql");
	assert_string_equal(qr_url_driver(url), "mysqlclient");
	/* Invalid names leave the URL as it was. */
	assert_int_equal(qr_url_set_drivername(url, "my sql"), QR_EINVAL);
	assert_contains(qr_error_last()->message, "at position 2");
	assert_int_equal(qr_url_set_drivername(url, "mysql+"), QR_EINVAL);
	assert_int_equal(qr_url_set_drivername(url, NULL), QR_EINVAL);
	assert_int_equal(qr_url_set_drivername(NULL, "x"), QR_EINVAL);
	assert_string_equal(qr_url_drivername(url), "mysql+mysqlclient");
	qr_url_free(url);
}

static void test_setters_null_url(void **state)
{
	(void)state;
	assert_int_equal(qr_url_set_username(NULL, "u"), QR_EINVAL);
	assert_int_equal(qr_url_set_password(NULL, "p"), QR_EINVAL);
	assert_int_equal(qr_url_set_host(NULL, "h"), QR_EINVAL);
	assert_int_equal(qr_url_set_database(NULL, "d"), QR_EINVAL);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_ARGUMENT);
}

/* ------------------------------------------------------------------ */
/* Query parameters                                                    */
/* ------------------------------------------------------------------ */

static void test_query_get_and_count(void **state)
{
	qr_url *url = parse_ok("postgresql://h/db?a=1&b=2&a=3&c=");

	(void)state;
	assert_int_equal(qr_url_query_count(url), 4);
	assert_string_equal(qr_url_query_get(url, "a"), "1");
	assert_string_equal(qr_url_query_get(url, "b"), "2");
	assert_string_equal(qr_url_query_get(url, "c"), "");
	assert_null(qr_url_query_get(url, "d"));
	assert_null(qr_url_query_get(url, NULL));
	assert_int_equal(qr_url_query_count_key(url, "a"), 2);
	assert_int_equal(qr_url_query_count_key(url, "b"), 1);
	assert_int_equal(qr_url_query_count_key(url, "d"), 0);
	assert_string_equal(qr_url_query_value(url, 2), "3");
	assert_null(qr_url_query_value(url, 4));
	qr_url_free(url);
}

static void test_query_add(void **state)
{
	qr_url *url = parse_ok("sqlite:///f.db");
	char *s;

	(void)state;
	for (int i = 0; i < 20; i++) {
		char v[16];

		snprintf(v, sizeof(v), "%d", i);
		qr_assert_ok(qr_url_query_add(url, i % 2 ? "odd" : "even", v));
	}
	assert_int_equal(qr_url_query_count(url), 20);
	assert_int_equal(qr_url_query_count_key(url, "odd"), 10);
	assert_string_equal(qr_url_query_key(url, 19), "odd");
	assert_string_equal(qr_url_query_value(url, 19), "19");
	qr_url_query_remove(url, "even");
	s = render(url, false);
	assert_string_equal(s, "sqlite:///f.db?odd=1&odd=3&odd=5&odd=7&odd=9&"
			       "odd=11&odd=13&odd=15&odd=17&odd=19");
	qr_free(s);
	assert_int_equal(qr_url_query_add(url, NULL, "v"), QR_EINVAL);
	assert_int_equal(qr_url_query_add(url, "k", NULL), QR_EINVAL);
	assert_int_equal(qr_url_query_add(NULL, "k", "v"), QR_EINVAL);
	assert_int_equal(qr_url_query_count(url), 10);
	qr_url_free(url);
}

static void test_query_set(void **state)
{
	qr_url *url = parse_ok("postgresql://h/db?a=1&b=2&a=3&c=4&a=5");

	(void)state;
	/* The first a keeps its place; the other two go. */
	qr_assert_ok(qr_url_query_set(url, "a", "x"));
	assert_int_equal(qr_url_query_count(url), 3);
	assert_string_equal(qr_url_query_key(url, 0), "a");
	assert_string_equal(qr_url_query_value(url, 0), "x");
	assert_string_equal(qr_url_query_key(url, 1), "b");
	assert_string_equal(qr_url_query_key(url, 2), "c");
	/* An absent key is appended. */
	qr_assert_ok(qr_url_query_set(url, "d", "y"));
	assert_int_equal(qr_url_query_count(url), 4);
	assert_string_equal(qr_url_query_key(url, 3), "d");
	assert_string_equal(qr_url_query_get(url, "d"), "y");
	assert_int_equal(qr_url_query_set(url, NULL, "v"), QR_EINVAL);
	assert_int_equal(qr_url_query_set(url, "a", NULL), QR_EINVAL);
	assert_int_equal(qr_url_query_set(NULL, "a", "v"), QR_EINVAL);
	assert_string_equal(qr_url_query_get(url, "a"), "x");
	qr_url_free(url);
}

static void test_query_remove(void **state)
{
	qr_url *url = parse_ok("postgresql://h/db?a=1&b=2&a=3");

	(void)state;
	assert_int_equal(qr_url_query_remove(url, "a"), 2);
	assert_int_equal(qr_url_query_count(url), 1);
	assert_string_equal(qr_url_query_key(url, 0), "b");
	assert_int_equal(qr_url_query_remove(url, "a"), 0);
	assert_int_equal(qr_url_query_remove(url, NULL), 0);
	assert_int_equal(qr_url_query_remove(url, "b"), 1);
	assert_int_equal(qr_url_query_count(url), 0);
	qr_assert_ok(qr_url_query_add(url, "z", "1"));
	assert_string_equal(qr_url_query_get(url, "z"), "1");
	qr_url_free(url);
}

/* ------------------------------------------------------------------ */
/* Copies                                                              */
/* ------------------------------------------------------------------ */

static void test_copy(void **state)
{
	qr_url *url = parse_ok("mysql+mysqlclient://u:p@[::1]:3306/db"
			       "?a=1&b=2&a=3");
	qr_url *copy = NULL;

	(void)state;
	qr_assert_ok(qr_url_copy(&copy, url));
	assert_ptr_not_equal(copy, url);
	assert_same_url(url, copy);
	/* The copy is independent of the original. */
	qr_assert_ok(qr_url_set_username(url, "other"));
	qr_assert_ok(qr_url_set_drivername(url, "sqlite"));
	qr_assert_ok(qr_url_query_set(url, "a", "9"));
	assert_string_equal(qr_url_username(copy), "u");
	assert_string_equal(qr_url_driver(copy), "mysqlclient");
	assert_int_equal(qr_url_query_count_key(copy, "a"), 2);
	assert_ptr_not_equal(qr_url_host(copy), qr_url_host(url));
	qr_url_free(url);
	/* Still usable once the original is gone. */
	qr_assert_ok(qr_url_query_add(copy, "c", "3"));
	assert_int_equal(qr_url_query_count(copy), 4);
	qr_url_free(copy);
}

static void test_copy_minimal_and_null(void **state)
{
	qr_url *url = parse_ok("sqlite://");
	qr_url *copy = (qr_url *)&copy;

	(void)state;
	qr_assert_ok(qr_url_copy(&copy, url));
	assert_same_url(url, copy);
	qr_url_free(copy);
	assert_int_equal(qr_url_copy(&copy, NULL), QR_EINVAL);
	assert_null(copy);
	assert_int_equal(qr_url_copy(NULL, url), QR_EINVAL);
	qr_url_free(url);
}

/* ------------------------------------------------------------------ */
/* Allocation failure: every allocation in turn                        */
/* ------------------------------------------------------------------ */

/*
 * Runs op with its 1st, 2nd, ... allocation failing until it runs with
 * none failing: each failure must give QR_ENOMEM (recorded) and leave
 * things as before (op checks that); valgrind checks nothing leaks.
 */
static void each_allocation_fails(int (*op)(void *ctx, bool failing), void *ctx)
{
	long n;

	for (n = 1;; n++) {
		int rc;
		bool fired;

		qr_error_clear();
		oom_arm(n);
		rc = op(ctx, true);
		fired = oom_disarm();
		if (!fired) {
			qr_assert_ok(rc);
			op(ctx, false);
			break;
		}
		if (rc != QR_ENOMEM)
			fail_msg("allocation %ld failed: got %d, not QR_ENOMEM",
				 n, rc);
		assert_int_equal(qr_error_last()->code, QR_ENOMEM);
		assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTERNAL);
	}
	assert_true(n > 1);
}

/* Each op does its call when failing is true, and when false checks and
 * releases the result of its last, successful, call. */
struct oom_ctx {
	qr_url *url;
	qr_url *out;
	char *text;
};

static int op_parse(void *p, bool failing)
{
	struct oom_ctx *c = p;

	if (!failing) {
		assert_string_equal(qr_url_password(c->out), "p@ss");
		assert_int_equal(qr_url_query_count(c->out), 6);
		qr_url_free(c->out);
		return 0;
	}
	c->out = (qr_url *)c;
	int rc = qr_url_parse(&c->out,
			      "mysql+mysqlclient://u%20x:p%40ss@[::1]:3306/d"
			      "?a=1&b=2&c=3&d=4&e=5&f=6");
	if (rc)
		assert_null(c->out);
	return rc;
}

static void test_oom_parse(void **state)
{
	struct oom_ctx c = {0};

	(void)state;
	oom_require();
	each_allocation_fails(op_parse, &c);
}

static int op_copy(void *p, bool failing)
{
	struct oom_ctx *c = p;

	if (!failing) {
		assert_same_url(c->url, c->out);
		qr_url_free(c->out);
		return 0;
	}
	c->out = (qr_url *)c;
	int rc = qr_url_copy(&c->out, c->url);
	if (rc)
		assert_null(c->out);
	return rc;
}

static void test_oom_copy(void **state)
{
	struct oom_ctx c = {0};

	(void)state;
	oom_require();
	c.url = parse_ok("mysql+mysqlclient://u:p@h:3306/d?a=1&b=2&a=3");
	each_allocation_fails(op_copy, &c);
	qr_url_free(c.url);
}

static int op_render(void *p, bool failing)
{
	struct oom_ctx *c = p;

	if (!failing) {
		assert_string_equal(c->text, "postgresql://u:p@h/d?a=1");
		qr_free(c->text);
		return 0;
	}
	c->text = (char *)c;
	int rc = qr_url_render(&c->text, c->url, false);
	if (rc)
		assert_null(c->text);
	return rc;
}

static void test_oom_render(void **state)
{
	struct oom_ctx c = {0};

	(void)state;
	oom_require();
	c.url = parse_ok("postgresql://u:p@h/d?a=1");
	each_allocation_fails(op_render, &c);
	qr_url_free(c.url);
}

static int op_new(void *p, bool failing)
{
	struct oom_ctx *c = p;

	if (!failing) {
		assert_string_equal(qr_url_driver(c->out), "libpq");
		qr_url_free(c->out);
		return 0;
	}
	c->out = (qr_url *)c;
	int rc = qr_url_new(&c->out, "postgresql+libpq");
	if (rc)
		assert_null(c->out);
	return rc;
}

static void test_oom_new(void **state)
{
	struct oom_ctx c = {0};

	(void)state;
	oom_require();
	each_allocation_fails(op_new, &c);
}

/* The setters: a failed call leaves the URL as it was. */
static int op_set_username(void *p, bool failing)
{
	struct oom_ctx *c = p;
	int rc;

	if (!failing) {
		assert_string_equal(qr_url_username(c->url), "new-user");
		return 0;
	}
	rc = qr_url_set_username(c->url, "new-user");
	if (rc)
		assert_string_equal(qr_url_username(c->url), "u");
	return rc;
}

static int op_set_drivername(void *p, bool failing)
{
	struct oom_ctx *c = p;
	int rc;

	if (!failing) {
		assert_string_equal(qr_url_dialect(c->url), "postgresql");
		assert_string_equal(qr_url_driver(c->url), "psycopg");
		return 0;
	}
	rc = qr_url_set_drivername(c->url, "postgresql+psycopg");
	if (rc) {
		assert_string_equal(qr_url_drivername(c->url),
				    "postgresql+libpq");
		assert_string_equal(qr_url_driver(c->url), "libpq");
	}
	return rc;
}

static int op_query_set(void *p, bool failing)
{
	struct oom_ctx *c = p;
	int rc;

	if (!failing) {
		assert_int_equal(qr_url_query_count_key(c->url, "k"), 1);
		assert_string_equal(qr_url_query_get(c->url, "k"), "v2");
		return 0;
	}
	rc = qr_url_query_set(c->url, "k", "v2");
	if (rc) {
		assert_int_equal(qr_url_query_count_key(c->url, "k"), 2);
		assert_string_equal(qr_url_query_get(c->url, "k"), "v1");
	}
	return rc;
}

/* Adding a fifth parameter grows the array, and copies key and value. */
static int op_query_add(void *p, bool failing)
{
	struct oom_ctx *c = p;
	int rc;

	if (!failing) {
		assert_int_equal(qr_url_query_count(c->out), 5);
		assert_string_equal(qr_url_query_get(c->out, "new"), "5");
		return 0;
	}
	rc = qr_url_query_add(c->out, "new", "5");
	if (rc) {
		assert_int_equal(qr_url_query_count(c->out), 4);
		assert_null(qr_url_query_get(c->out, "new"));
	}
	return rc;
}

static void test_oom_setters(void **state)
{
	struct oom_ctx c = {0};

	(void)state;
	oom_require();
	c.url = parse_ok("postgresql+libpq://u@h/d?k=v1&a=1&b=2&k=v1");
	each_allocation_fails(op_set_username, &c);
	each_allocation_fails(op_set_drivername, &c);
	each_allocation_fails(op_query_set, &c);
	qr_url_free(c.url);
	/* Four parameters fill the array parsing allocated. */
	c.out = parse_ok("sqlite://?a=1&b=2&c=3&d=4");
	each_allocation_fails(op_query_add, &c);
	qr_url_free(c.out);
}

/* ------------------------------------------------------------------ */

#define PARSE(i)                                                        \
	{"parse[" #i "]", test_parse_case, NULL, NULL,                  \
	 (void *)&parse_cases[i]},                                      \
	{                                                               \
		"round_trip[" #i "]", test_round_trip_case, NULL, NULL, \
			(void *)&parse_cases[i]                         \
	}
#define ERR(i)                                                \
	{                                                     \
		"error[" #i "]", test_error_case, NULL, NULL, \
			(void *)&error_cases[i]               \
	}

static const struct CMUnitTest tests[] = {
	PARSE(0),
	PARSE(1),
	PARSE(2),
	PARSE(3),
	PARSE(4),
	PARSE(5),
	PARSE(6),
	PARSE(7),
	PARSE(8),
	PARSE(9),
	PARSE(10),
	PARSE(11),
	PARSE(12),
	PARSE(13),
	PARSE(14),
	PARSE(15),
	PARSE(16),
	PARSE(17),
	PARSE(18),
	PARSE(19),
	PARSE(20),
	PARSE(21),
	PARSE(22),
	PARSE(23),
	PARSE(24),
	PARSE(25),
	PARSE(26),
	PARSE(27),
	PARSE(28),
	PARSE(29),
	PARSE(30),
	PARSE(31),
	PARSE(32),
	PARSE(33),
	PARSE(34),
	PARSE(35),
	PARSE(36),
	PARSE(37),
	PARSE(38),
	PARSE(39),
	PARSE(40),
	PARSE(41),
	PARSE(42),
	PARSE(43),
	PARSE(44),
	PARSE(45),
	PARSE(46),
	PARSE(47),
	PARSE(48),
	PARSE(49),
	PARSE(50),
	PARSE(51),
	PARSE(52),
	PARSE(53),
	PARSE(54),
	PARSE(55),
	ERR(0),
	ERR(1),
	ERR(2),
	ERR(3),
	ERR(4),
	ERR(5),
	ERR(6),
	ERR(7),
	ERR(8),
	ERR(9),
	ERR(10),
	ERR(11),
	ERR(12),
	ERR(13),
	ERR(14),
	ERR(15),
	ERR(16),
	ERR(17),
	ERR(18),
	ERR(19),
	ERR(20),
	ERR(21),
	ERR(22),
	ERR(23),
	ERR(24),
	ERR(25),
	ERR(26),
	ERR(27),
	ERR(28),
	ERR(29),
	ERR(30),
	ERR(31),
	ERR(32),
	ERR(33),
	ERR(34),
	cmocka_unit_test(test_error_message_exact),
	cmocka_unit_test(test_error_hides_password),
	cmocka_unit_test(test_error_hides_split_password),
	cmocka_unit_test(test_error_password_escape_hidden),
	cmocka_unit_test(test_error_long_url),
	cmocka_unit_test(test_parse_null_arguments),
	cmocka_unit_test(test_render_full),
	cmocka_unit_test(test_render_quotes_like_sqlalchemy),
	cmocka_unit_test(test_render_sqlite_forms),
	cmocka_unit_test(test_render_ipv6),
	cmocka_unit_test(test_render_without_password),
	cmocka_unit_test(test_render_password_needs_username),
	cmocka_unit_test(test_render_host_database_escapes),
	cmocka_unit_test(test_render_null_arguments),
	cmocka_unit_test(test_round_trip_every_byte),
	cmocka_unit_test(test_round_trip_built),
	cmocka_unit_test(test_new),
	cmocka_unit_test(test_new_invalid),
	cmocka_unit_test(test_accessors_null),
	cmocka_unit_test(test_setters),
	cmocka_unit_test(test_setters_copy_argument),
	cmocka_unit_test(test_set_port_range),
	cmocka_unit_test(test_set_drivername),
	cmocka_unit_test(test_setters_null_url),
	cmocka_unit_test(test_query_get_and_count),
	cmocka_unit_test(test_query_add),
	cmocka_unit_test(test_query_set),
	cmocka_unit_test(test_query_remove),
	cmocka_unit_test(test_copy),
	cmocka_unit_test(test_copy_minimal_and_null),
	cmocka_unit_test(test_oom_parse),
	cmocka_unit_test(test_oom_copy),
	cmocka_unit_test(test_oom_render),
	cmocka_unit_test(test_oom_new),
	cmocka_unit_test(test_oom_setters),
};

QR_TEST_MAIN("url", tests)
