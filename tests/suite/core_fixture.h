/*
 * core_fixture.h - helpers of the Core execution suites: run a statement
 * and compare its rows, printed as Python tuples one per line, with the
 * expected text; run DML and check row counts.
 */
#ifndef QUARRY_TESTS_CORE_FIXTURE_H
#define QUARRY_TESTS_CORE_FIXTURE_H

#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#define C(t, n) qr_c((t), (n))
#define TXT(s) qr_bind_text(s)
#define INT(i) qr_bind_int(i)

static inline bool backend_is(const char *name)
{
	return strcmp(qr_test_backend(), name) == 0;
}

/* Executes s (taken) with params; returns its rows as "tuple\n..." (the
 * caller frees), failing the test on error. */
static inline char *rows_of(qr_conn *conn, qr_stmt *s, const qr_params *p)
{
	qr_result *r = NULL;
	int rc = qr_conn_execute(&r, conn, s, p);
	if (rc) {
		qr_compiled *c = NULL;
		char *sql = NULL;
		if (s && qr_compile(&c, s, qr_test_backend()) == 0)
			sql = strdup(qr_compiled_sql(c));
		qr_compiled_free(c);
		qr_stmt_free(s);
		fail_msg("execute failed: %s\n%s", qr_error_last()->message,
			 sql ? sql : "");
	}
	qr_stmt_free(s);
	size_t cap = 256, len = 0;
	char *out = calloc(cap, 1);
	const qr_row *row;
	while ((rc = qr_result_next(r, &row)) > 0) {
		char *text;
		qr_assert_ok(qr_row_repr(&text, row));
		size_t n = strlen(text);
		while (len + n + 2 > cap)
			out = realloc(out, cap *= 2);
		memcpy(out + len, text, n);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
		qr_free(text);
	}
	if (rc < 0)
		fail_msg("fetch failed: %s", qr_error_last()->message);
	qr_result_free(r);
	return out;
}

#define expect_rows(conn, s, p, want)                                   \
	do {                                                            \
		char *got_ = rows_of((conn), (s), (p));                 \
		if (strcmp(got_, (want)) != 0)                          \
			fail_msg("rows:\n%s\nwant:\n%s", got_, (want)); \
		free(got_);                                             \
	} while (0)

/* Executes s (taken); returns the row count. */
static inline int64_t run_count(qr_conn *conn, qr_stmt *s, const qr_params *p)
{
	qr_result *r = NULL;
	int rc = qr_conn_execute(&r, conn, s, p);
	qr_stmt_free(s);
	if (rc)
		fail_msg("execute failed: %s", qr_error_last()->message);
	int64_t n = qr_result_rowcount(r);
	qr_result_free(r);
	return n;
}

#endif
