/*
 * test_core_tutorial.c - runs examples/core_tutorial.c, SQLAlchemy's SQL
 * Expression Language tutorial, on the test URL and checks every result
 * it prints (rows as Python tuples, row counts, generated keys): the same
 * on every database.
 */
#define QR_CORE_TUTORIAL_NO_MAIN
#include "../../examples/core_tutorial.c"

#include "test_support.h"

#include <stdlib.h>
#include <string.h>

/* The lines of results, in order (SQL lines differ per dialect). */
static const char *const expected[] = {
	"create_all: done",
	"inserted_primary_key: [1]",
	"inserted 4 addresses",
	/* Selecting */
	"(1, 'jack', 'Jack Jones')",
	"(2, 'wendy', 'Wendy Williams')",
	"name: jack ; fullname: Jack Jones",
	"name: wendy ; fullname: Wendy Williams",
	"('jack', 'Jack Jones')",
	"('wendy', 'Wendy Williams')",
	"(1, 'jack', 'Jack Jones', 1, 1, 'jack@yahoo.com')",
	"(1, 'jack', 'Jack Jones', 2, 1, 'jack@msn.com')",
	"(1, 'jack', 'Jack Jones', 3, 2, 'www@www.org')",
	"(1, 'jack', 'Jack Jones', 4, 2, 'wendy@aol.com')",
	"(2, 'wendy', 'Wendy Williams', 1, 1, 'jack@yahoo.com')",
	"(2, 'wendy', 'Wendy Williams', 2, 1, 'jack@msn.com')",
	"(2, 'wendy', 'Wendy Williams', 3, 2, 'www@www.org')",
	"(2, 'wendy', 'Wendy Williams', 4, 2, 'wendy@aol.com')",
	"(1, 'jack', 'Jack Jones', 1, 1, 'jack@yahoo.com')",
	"(1, 'jack', 'Jack Jones', 2, 1, 'jack@msn.com')",
	"(2, 'wendy', 'Wendy Williams', 3, 2, 'www@www.org')",
	"(2, 'wendy', 'Wendy Williams', 4, 2, 'wendy@aol.com')",
	/* Conjunctions and textual SQL */
	"('Wendy Williams, wendy@aol.com',)",
	"('Wendy Williams, wendy@aol.com',)",
	"('Wendy Williams, wendy@aol.com',)",
	"('Wendy Williams, wendy@aol.com',)",
	/* Ordering by a label; aliases */
	"(1, 2)",
	"(2, 2)",
	"(2, 'wendy', 'Wendy Williams', 1, 'jack', 'Jack Jones')",
	"(1, 'jack', 'Jack Jones')",
	"('jack',)",
	/* Joins */
	"('Jack Jones',)",
	"('Jack Jones',)",
	"('Wendy Williams',)",
	/* Bind parameters */
	"(2, 'wendy', 'Wendy Williams')",
	"(2, 'wendy', 'Wendy Williams')",
	"(1, 'jack', 'Jack Jones', 1, 1, 'jack@yahoo.com')",
	"(1, 'jack', 'Jack Jones', 2, 1, 'jack@msn.com')",
	/* Functions, windows, casts */
	"'www@www.org'",
	"(1, 1)",
	"(2, 2)",
	"('1',)",
	"('2',)",
	/* Set operations */
	"(1, 1, 'jack@yahoo.com')",
	"(1, 1, 'jack@yahoo.com')",
	"(4, 2, 'wendy@aol.com')",
	"(1, 1, 'jack@yahoo.com')",
	"(1,)",
	"(2,)",
	"(1,)",
	"(1,)",
	"(1,)",
	"(2,)",
	"(2,)",
	"(2,)",
	/* Scalar and correlated subqueries */
	"('jack', 2)",
	"('wendy', 2)",
	"('jack', 2)",
	"('wendy', 2)",
	"('jack',)",
	"('jack', 'jack@yahoo.com')",
	"('jack', 'jack@msn.com')",
	"('wendy',)",
	"('jack', 'jack@yahoo.com')",
	"('jack', 'jack@msn.com')",
	/* Ordering, grouping, distinct, limit/offset */
	"('jack',)",
	"('wendy',)",
	"('wendy',)",
	"('jack',)",
	"('jack', 2)",
	"('wendy', 2)",
	"('wendy', 2)",
	"('jack',)",
	"('wendy',)",
	"('jack', 'jack@msn.com')",
	/* CTEs, recursive CTE, EXISTS */
	"('jack', 2)",
	"('wendy', 2)",
	"(1,)",
	"(2,)",
	"(3,)",
	"(4,)",
	"(5,)",
	"('jack',)",
	/* Updates */
	"('Fullname: jack',)",
	"('Fullname: wendy',)",
	"(4, 'name1 .. name', None)",
	"(5, 'name2 .. name', None)",
	"(6, 'name3 .. name', None)",
	"rowcount: 1",
	"rowcount: 1",
	"(1, 'ed')",
	"(2, 'mary')",
	"(1, 'jack@yahoo.com')",
	"(2, 'www@www.org')",
	"(4, None)",
	"(5, None)",
	"(6, None)",
	"rowcount: 0",
	/* Deletes and matched row counts */
	"rowcount: 4",
	"rowcount: 4",
	"rowcount: 1",
	"drop_all: done",
};

static bool is_result_line(const char *line)
{
	if (strncmp(line, "(SELECT", 7) == 0)
		return false; /* SQL of a CTE or subquery */
	return line[0] == '(' || line[0] == '\'' ||
	       strncmp(line, "rowcount:", 9) == 0 ||
	       strncmp(line, "inserted", 8) == 0 ||
	       strncmp(line, "name:", 5) == 0 ||
	       strncmp(line, "create_all:", 11) == 0 ||
	       strncmp(line, "drop_all:", 9) == 0 ||
	       strncmp(line, "!!", 2) == 0;
}

static void test_tutorial_results(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	int rc = qr_core_tutorial(qr_test_url(), false, out);
	fclose(out);
	if (rc)
		fail_msg("the tutorial failed (%d):\n%s", rc, buf);

	size_t k = 0, n = sizeof(expected) / sizeof(expected[0]);
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		if (!is_result_line(line))
			continue;
		if (k >= n)
			fail_msg("unexpected extra result line: %s", line);
		if (strcmp(line, expected[k]) != 0)
			fail_msg("result line %zu: got %s, want %s", k + 1,
				 line, expected[k]);
		k++;
	}
	assert_int_equal(k, n);
	free(buf);
}

/* The SQL the tutorial shows is the dialect's: spot checks. */
static void test_tutorial_sql(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	qr_assert_ok(qr_core_tutorial(qr_test_url(), false, out));
	fclose(out);
	const char *b = qr_test_backend();
	if (strcmp(b, "sqlite") == 0) {
		assert_non_null(strstr(buf,
				       "INSERT INTO users (name, fullname) "
				       "VALUES (?, ?)"));
		assert_non_null(strstr(buf, "users.name || users.fullname"));
		assert_non_null(strstr(buf, "\n LIMIT ? OFFSET ?"));
	} else if (strcmp(b, "postgresql") == 0) {
		assert_non_null(strstr(buf,
				       "INSERT INTO users (name, fullname) "
				       "VALUES ($1, $2)"));
		assert_non_null(strstr(buf, "id SERIAL NOT NULL"));
	} else if (strcmp(b, "mysql") == 0) {
		assert_non_null(
			strstr(buf, "concat(users.name, users.fullname)"));
		assert_non_null(strstr(buf, "AUTO_INCREMENT"));
	}
	assert_non_null(strstr(buf, "WITH RECURSIVE numbers(n) AS"));
	free(buf);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tutorial_results),
	cmocka_unit_test(test_tutorial_sql),
};

QR_TEST_MAIN("core_tutorial", tests)
