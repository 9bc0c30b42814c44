/*
 * test_manyvalues.c - which INSERTs an executemany sends as multi-row
 * INSERTs, and the SQL of their batches (core/sql/manyvalues.h), for
 * each parameter style.
 */
#include "test_support.h"

#include "sql/manyvalues.h"

#include <quarry/sys/dialect.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No built-in dialect uses the format style ("%s"): a stand-in. */
static const qr_dialect format_dialect = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "format",
	.paramstyle = QR_PARAMSTYLE_FORMAT,
	.identifier_quote = '"',
	.features = QR_FEATURE_MULTI_VALUES,
};

/* A compiled form of sql for dialect with nslots parameters named p0.. */
static qr_compiled *compiled(const char *dialect, const char *sql,
			     size_t nslots)
{
	const qr_dialect *d = &format_dialect;
	if (strcmp(dialect, "format") != 0)
		qr_assert_ok(qr_dialect_find(&d, dialect));
	qr_bindslot *slots = calloc(nslots ? nslots : 1, sizeof(*slots));
	for (size_t i = 0; i < nslots; i++) {
		slots[i].name = malloc(24);
		snprintf(slots[i].name, 24, "p%zu", i);
	}
	qr_compiled *c =
		qr_compiled__new(d, strdup(sql), strlen(sql), slots, nslots);
	assert_non_null(c);
	return c;
}

static bool plans(const char *dialect, const char *sql, size_t nslots)
{
	qr_manyvalues plan;
	qr_compiled *c = compiled(dialect, sql, nslots);
	bool ok = qr_manyvalues__plan(&plan, c);
	qr_compiled_free(c);
	return ok;
}

static void test_what_is_batched(void **state)
{
	(void)state;
	assert_true(plans("sqlite", "INSERT INTO t (a, b) VALUES (?, ?)", 2));
	assert_true(plans("sqlite", " insert into t values(?,?) ;\n", 2));
	assert_true(
		plans("postgresql", "INSERT INTO t (a, b) VALUES ($1, $2)", 2));
	assert_true(
		plans("postgresql", "INSERT INTO t (a, b) VALUES ($1, $1)", 1));
	assert_true(plans("mysql", "INSERT INTO t (a, b) VALUES (?, ?)", 2));
	assert_true(plans("format", "INSERT INTO t (a, b) VALUES (%s, %s)", 2));
	assert_false(
		plans("format", "INSERT INTO t (a, b) VALUES (%s, %d)", 2));

	/* Not a plain INSERT of parameters. */
	assert_false(plans("sqlite", "UPDATE t SET a = ? WHERE b = ?", 2));
	assert_false(plans("sqlite", "INSERT INTO t (a) VALUES (?)", 0));
	assert_false(plans("sqlite", "INSERT INTO t (a, b) VALUES (?, 1)", 1));
	assert_false(plans("sqlite",
			   "INSERT INTO t (a, b) VALUES (?, lower(?))", 2));
	/* RETURNING where the dialect has it: each batch returns rows. */
	assert_true(plans("sqlite", "INSERT INTO t (a) VALUES (?) RETURNING id",
			  1));
	assert_true(plans("postgresql",
			  "INSERT INTO t (a) VALUES ($1) returning id, a;", 1));
	assert_false(
		plans("mysql", "INSERT INTO t (a) VALUES (?) RETURNING id", 1));
	assert_false(
		plans("sqlite", "INSERT INTO t (a) VALUES (?) RETURNINGS", 1));
	assert_false(plans("sqlite",
			   "INSERT INTO t (a) VALUES (?) ON CONFLICT "
			   "DO NOTHING",
			   1));
	assert_false(plans("mysql",
			   "INSERT INTO t (a) VALUES (?) ON "
			   "DUPLICATE KEY UPDATE a = VALUES(a)",
			   1));
	assert_false(plans("sqlite", "INSERT INTO t SELECT * FROM u", 0));
	assert_false(plans("sqlite", "INSERTX INTO t (a) VALUES (?)", 1));
	assert_false(plans("sqlite", "INSERT INTO t (a) MYVALUES (?)", 1));
	/* Parameters outside the tuple. */
	assert_false(plans("sqlite",
			   "INSERT INTO t (a) SELECT ? WHERE 1 IN (VALUES (?))",
			   2));
	assert_false(plans("sqlite",
			   "INSERT INTO t (a) VALUES (?) -- VALUES (?)", 2));
	assert_false(
		plans("postgresql", "INSERT INTO t (a, b) VALUES ($1, $3)", 3));
	assert_false(plans("postgresql", "INSERT INTO t (a) VALUES ($1)", 2));
	/* A placeholder style not the dialect's. */
	assert_false(plans("postgresql", "INSERT INTO t (a) VALUES (?)", 1));
	assert_false(plans("sqlite", "INSERT INTO t (a) VALUES (", 1));
}

static void check_sql(const char *dialect, const char *sql, size_t nslots,
		      size_t rows, const char *want)
{
	qr_manyvalues plan;
	size_t len;
	qr_compiled *c = compiled(dialect, sql, nslots);
	assert_true(qr_manyvalues__plan(&plan, c));
	char *got = qr_manyvalues__sql(&plan, rows, &len);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
	free(got);
	qr_compiled_free(c);
}

static void test_batch_sql(void **state)
{
	(void)state;
	check_sql("sqlite", "INSERT INTO t (a, b) VALUES (?, ?)", 2, 3,
		  "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)");
	check_sql("sqlite", "INSERT INTO t (a, b) VALUES (?, ?);  ", 2, 2,
		  "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
	check_sql("postgresql", "INSERT INTO t (a, b) VALUES ($1, $2)", 2, 3,
		  "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ($5, $6)");
	check_sql("postgresql", "INSERT INTO t (a, b, c) VALUES ($2, $1, $2)",
		  2, 2,
		  "INSERT INTO t (a, b, c) VALUES ($2, $1, $2), ($4, $3, $4)");
	check_sql("postgresql",
		  "INSERT INTO t (a) VALUES ($1) RETURNING id, a ;  ", 1, 3,
		  "INSERT INTO t (a) VALUES ($1), ($2), ($3) RETURNING id, a");
	check_sql("format", "INSERT INTO t (a) VALUES (%s)", 1, 2,
		  "INSERT INTO t (a) VALUES (%s), (%s)");
	/* Numbers of one digit, then two. */
	check_sql("postgresql", "INSERT INTO t (a, b, c) VALUES ($3, $1, $2)",
		  3, 4,
		  "INSERT INTO t (a, b, c) VALUES ($3, $1, $2), ($6, $4, $5), "
		  "($9, $7, $8), ($12, $10, $11)");
}

/* A full batch of 1,000 rows of 2 parameters: $1 .. $2000, in order. */
static void test_batch_sql_numbers(void **state)
{
	qr_manyvalues plan;
	size_t len;
	char want[64];
	(void)state;
	qr_compiled *c = compiled(
		"postgresql",
		"INSERT INTO t (a, b) VALUES ($1, $2) RETURNING id", 2);
	assert_true(qr_manyvalues__plan(&plan, c));
	char *got = qr_manyvalues__sql(&plan, 1000, &len);
	assert_non_null(got);
	assert_int_equal(len, strlen(got));
	const char *p = got + strlen("INSERT INTO t (a, b) VALUES ");
	for (int r = 0; r < 1000; r++) {
		snprintf(want, sizeof(want), "%s($%d, $%d)", r ? ", " : "",
			 2 * r + 1, 2 * r + 2);
		assert_memory_equal(p, want, strlen(want));
		p += strlen(want);
	}
	assert_string_equal(p, " RETURNING id");
	free(got);
	qr_compiled_free(c);
}

/* Batches stay within the parameters a statement may carry. */
static void test_batch_size(void **state)
{
	qr_manyvalues plan;
	(void)state;
	qr_compiled *c =
		compiled("sqlite", "INSERT INTO t VALUES (?, ?, ?)", 3);
	assert_true(qr_manyvalues__plan(&plan, c));
	assert_int_equal(plan.rows_per_batch, 333);
	qr_compiled_free(c);
	c = compiled("postgresql", "INSERT INTO t VALUES ($1, $2)", 2);
	assert_true(qr_manyvalues__plan(&plan, c));
	assert_int_equal(plan.rows_per_batch, 1000);
	qr_compiled_free(c);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_what_is_batched),
	cmocka_unit_test(test_batch_sql),
	cmocka_unit_test(test_batch_sql_numbers),
	cmocka_unit_test(test_batch_size),
};

QR_TEST_MAIN("manyvalues", tests)
