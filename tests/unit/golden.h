/*
 * golden.h - golden-SQL tests of the compiler: each case builds a
 * statement and states the SQL SQLAlchemy's compilers produce for it on
 * SQLite, PostgreSQL and MySQL, plus the parameter names.
 *
 * A NULL PostgreSQL expectation means "the SQLite text with each ? as
 * $1, $2 ...", a NULL MySQL one "the SQLite text"; an expectation
 * starting with '!' names the error expected instead ("!ENOTSUP",
 * "!ECOMPILE", "!EINVAL"). Setting QR_GOLDEN_PRINT=1 prints what each
 * case compiles to, as C literals (to review and record new cases).
 */
#ifndef QUARRY_TESTS_GOLDEN_H
#define QUARRY_TESTS_GOLDEN_H

#include "test_support.h"

#include <quarry/compiler.h>
#include <quarry/dml.h>
#include <quarry/schema.h>
#include <quarry/select.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct qr_golden {
	const char *name;
	qr_stmt *(*build)(void);
	const char *sqlite, *postgresql, *mysql;
	const char *params; /* SQLite's parameter names, space separated */
} qr_golden;

/* ---- fixtures: SQLAlchemy's tutorial tables and a few more ------------- */

static qr_metadata *g_md;
static qr_table *users, *addresses, *things, *parts, *orders, *accounts, *docs;

static const char *const mood_labels[] = {"sad", "ok", "happy", NULL};

static inline int doc_version(qr_value *out, qr_scratch *s, void *arg)
{
	(void)s;
	(void)arg;
	*out = qr_val_int(1);
	return 0;
}

static inline void golden_fixtures(void)
{
	g_md = qr_metadata_new();
	users = qr_table(g_md, "users",
			 qr_column("id", QR_INTEGER, .primary_key = true),
			 qr_column("name", qr_string(50)),
			 qr_column("fullname", qr_string(50)));
	addresses = qr_table(
		g_md, "addresses",
		qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("user_id", QR_NULLTYPE, .foreign_key = "users.id"),
		qr_column("email_address", qr_string(50), .not_null = true));
	things = qr_table(
		g_md, "things", qr_column("id", QR_BIGINT, .primary_key = true),
		qr_column("flag", QR_BOOLEAN), qr_column("small", QR_SMALLINT),
		qr_column("price", qr_numeric(10, 2)),
		qr_column("ratio", QR_FLOAT), qr_column("dbl", QR_DOUBLE),
		qr_column("body", QR_TEXT), qr_column("created", QR_DATETIME),
		qr_column("created_tz", QR_DATETIME_TZ),
		qr_column("day", QR_DATE), qr_column("at", QR_TIME),
		qr_column("span", QR_INTERVAL), qr_column("data", QR_BINARY),
		qr_column("doc", QR_JSON), qr_column("uid", QR_UUID),
		qr_column("mood", qr_enum("mood", mood_labels)));
	parts = qr_table(
		g_md, "parts",
		qr_column("part", qr_string(30), .primary_key = true),
		qr_column("sub_part", qr_string(30), .primary_key = true),
		qr_column("quantity", QR_INTEGER));
	orders = qr_table(
		g_md, "order", qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("select", QR_INTEGER),
		qr_column("MixedCase", qr_string(20)),
		qr_column("user_id", QR_INTEGER, .foreign_key = "users.id",
			  .on_delete = "CASCADE"));
	accounts = qr_table(g_md, "accounts", qr_table_schema("finance"),
			    qr_column("id", QR_INTEGER, .primary_key = true),
			    qr_column("balance", qr_numeric(12, 2),
				      .not_null = true, .server_default = "0"));
	docs = qr_table(
		g_md, "docs", qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("title", qr_string(100), .not_null = true,
			  .unique = true),
		qr_column("version", QR_INTEGER, .default_fn = doc_version),
		qr_column("status", qr_string(10),
			  .default_value = qr_val_text("draft")),
		qr_column("created", QR_DATETIME,
			  .server_default_expr = qr_now()),
		qr_column("slug", qr_string(100), .index = true),
		qr_check("version > 0"));
	if (!users || !addresses || !things || !parts || !orders || !accounts ||
	    !docs) {
		fprintf(stderr, "fixtures: %s\n", qr_error_last()->message);
		exit(1);
	}
}

/* ---- running ------------------------------------------------------------- */

static const char *const golden_dialects[3] = {"sqlite", "postgresql", "mysql"};

/* SQLite's text with each ? as $n. */
static inline char *golden_numbered(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n * 4 + 1);
	size_t k = 0;
	int num = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '?')
			k += (size_t)sprintf(out + k, "$%d", ++num);
		else
			out[k++] = s[i];
	}
	out[k] = '\0';
	return out;
}

static inline int golden_code(const char *name)
{
	static const struct {
		const char *name;
		int code;
	} codes[] = {{"ENOTSUP", QR_ENOTSUP},
		     {"ECOMPILE", QR_ECOMPILE},
		     {"EINVAL", QR_EINVAL},
		     {"ECOLUMN", QR_ECOLUMN},
		     {"EPARAM", QR_EPARAM}};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		if (strcmp(codes[i].name, name) == 0)
			return codes[i].code;
	}
	return QR_ERROR;
}

static inline void golden_print_literal(const char *s)
{
	putchar('"');
	for (const char *p = s; *p; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static inline void golden_run(void **state)
{
	const qr_golden *g = *state;
	bool print = getenv("QR_GOLDEN_PRINT") != NULL;
	for (int d = 0; d < 3; d++) {
		const char *want = d == 0   ? g->sqlite
				   : d == 1 ? g->postgresql
					    : g->mysql;
		char *owned = NULL;
		if (!want && d == 1 && g->sqlite && g->sqlite[0] != '!')
			want = owned = golden_numbered(g->sqlite);
		else if (!want)
			want = g->sqlite;
		qr_error_clear();
		qr_stmt *s = g->build();
		qr_compiled *c = NULL;
		int rc = qr_compile(&c, s, golden_dialects[d]);
		if (print) {
			printf("%s[%s]: ", g->name, golden_dialects[d]);
			if (rc)
				printf("!%d %s", rc, qr_error_last()->message);
			else
				golden_print_literal(qr_compiled_sql(c));
			if (!rc && d == 0) {
				printf("\n   params: \"");
				for (size_t i = 0;
				     i < qr_compiled_param_count(c); i++)
					printf("%s%s", i ? " " : "",
					       qr_compiled_param_name(c, i));
				printf("\"");
			}
			printf("\n");
		} else if (want && want[0] == '!') {
			if (rc != golden_code(want + 1))
				fail_msg("%s[%s]: expected %s, got %d (%s)",
					 g->name, golden_dialects[d], want, rc,
					 rc ? qr_error_last()->message
					    : qr_compiled_sql(c));
			if (rc == QR_ENOTSUP &&
			    !strstr(qr_error_last()->message,
				    golden_dialects[d]))
				fail_msg("%s[%s]: message does not name the "
					 "dialect: %s",
					 g->name, golden_dialects[d],
					 qr_error_last()->message);
		} else {
			if (rc)
				fail_msg("%s[%s]: error %d: %s", g->name,
					 golden_dialects[d], rc,
					 qr_error_last()->message);
			if (strcmp(qr_compiled_sql(c), want) != 0)
				fail_msg("%s[%s]:\n got: %s\nwant: %s", g->name,
					 golden_dialects[d], qr_compiled_sql(c),
					 want);
			if (d == 0 && g->params) {
				char names[1024] = "";
				size_t k = 0;
				for (size_t i = 0;
				     i < qr_compiled_param_count(c); i++)
					k += (size_t)snprintf(
						names + k, sizeof(names) - k,
						"%s%s", i ? " " : "",
						qr_compiled_param_name(c, i));
				if (strcmp(names, g->params) != 0)
					fail_msg("%s: params '%s', want '%s'",
						 g->name, names, g->params);
			}
		}
		qr_compiled_free(c);
		qr_stmt_free(s);
		free(owned);
	}
}

/* What one compile gives: the SQL and the parameter names, or the error
 * code (malloc'd; NULL for a NULL statement). */
static inline char *golden_outcome(const qr_golden *g, const char *dialect)
{
	qr_error_clear();
	qr_stmt *s = g->build();
	qr_compiled *c = NULL;
	int rc = qr_compile(&c, s, dialect);
	char buf[8192];
	size_t k = 0;
	if (rc) {
		k = (size_t)snprintf(buf, sizeof(buf), "!%d", rc);
	} else {
		k = (size_t)snprintf(buf, sizeof(buf), "%s |",
				     qr_compiled_sql(c));
		for (size_t i = 0;
		     i < qr_compiled_param_count(c) && k < sizeof(buf); i++)
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, " %s",
					      qr_compiled_param_name(c, i));
	}
	qr_compiled_free(c);
	qr_stmt_free(s);
	return strdup(buf);
}

/* Every case of the program compiled through a warm compiled cache, in
 * both orders, gives what it gives with the cache off: no two cases'
 * statements (many differ only slightly) ever share an entry. */
static inline void golden_cache_sweep(void **state)
{
	const qr_golden *cases = ((const qr_golden *const *)*state)[0];
	size_t n = (size_t)(uintptr_t)((void *const *)*state)[1];
	char **want = calloc(n * 3, sizeof(*want));
	assert_non_null(want);
	qr_compile_cache_set_capacity(0);
	for (size_t i = 0; i < n * 3; i++)
		want[i] = golden_outcome(&cases[i / 3], golden_dialects[i % 3]);
	qr_compile_cache_set_capacity(n * 3 + 16);
	qr_compile_cache_clear();
	for (int round = 0; round < 3; round++) {
		for (size_t j = 0; j < n * 3; j++) {
			size_t i = round == 1 ? n * 3 - 1 - j : j;
			char *got = golden_outcome(&cases[i / 3],
						   golden_dialects[i % 3]);
			if (strcmp(got, want[i]) != 0)
				fail_msg("%s[%s] through the cache (round "
					 "%d):\n got: %s\nwant: %s",
					 cases[i / 3].name,
					 golden_dialects[i % 3], round, got,
					 want[i]);
			free(got);
		}
	}
	qr_compile_cache_set_capacity(500);
	for (size_t i = 0; i < n * 3; i++)
		free(want[i]);
	free(want);
}

static inline int golden_main(int argc, char **argv, const char *group,
			      const qr_golden *cases, size_t n)
{
	golden_fixtures();
	struct CMUnitTest *tests = calloc(n + 1, sizeof(*tests));
	for (size_t i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = golden_run;
		tests[i].initial_state = (void *)&cases[i];
	}
	void *sweep[2] = {(void *)cases, (void *)(uintptr_t)n};
	tests[n].name = "cache_sweep";
	tests[n].test_func = golden_cache_sweep;
	tests[n].initial_state = sweep;
	int rc = qr_test_run(argc, argv, group, tests, n + 1);
	free(tests);
	qr_metadata_free(g_md);
	return rc;
}

#define QR_GOLDEN_MAIN(group, cases)                                    \
	int main(int argc, char **argv)                                 \
	{                                                               \
		return golden_main(argc, argv, group, cases,            \
				   sizeof(cases) / sizeof((cases)[0])); \
	}

/* Shorthands for building cases. */
#define C(t, n) qr_c((t), (n))
#define TXT(s) qr_bind_text(s)
#define INT(i) qr_bind_int(i)

#endif
