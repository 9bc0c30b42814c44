/*
 * test_compile_memo.c - a statement keeps its compiled form (compiling
 * the same object again is free and changes nothing in the cache), the
 * form follows in-place changes, cache hits borrow their entry's SQL and
 * outlive the entry, and large statements are keyed correctly.
 */
#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static qr_metadata *md;
static qr_table *users;

static int setup(void **state)
{
	(void)state;
	md = qr_metadata_new();
	users = qr_table(md, "users",
			 qr_column("id", QR_INTEGER, .primary_key = true),
			 qr_column("name", qr_string(50)));
	assert_non_null(users);
	qr_compile_cache_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	qr_metadata_free(md);
	qr_compile_cache_clear();
	return 0;
}

static qr_stmt *by_id(int64_t id)
{
	return qr_select(qr_cols(users, "id", "name"),
			 qr_where(qr_eq(qr_c(users, "id"), qr_bind_int(id))));
}

static int64_t param_int(const qr_compiled *c, size_t i)
{
	int64_t v = -1;
	qr_assert_ok(qr_value_int64(qr_compiled_param_value(c, i), &v));
	return v;
}

/* The same object compiled again: its own form, no cache lookup. */
static void test_same_object_again(void **state)
{
	qr_compile_cache_stats before, after;
	qr_compiled *a, *b, *pg;
	qr_stmt *s = by_id(7);
	(void)state;
	qr_assert_ok(qr_compile(&a, s, "sqlite"));
	qr_compile_cache_stats_get(&before);
	qr_assert_ok(qr_compile(&b, s, "sqlite"));
	qr_compile_cache_stats_get(&after);
	assert_ptr_equal(a, b);
	assert_int_equal(after.hits, before.hits);
	assert_int_equal(after.misses, before.misses);
	assert_int_equal(param_int(b, 0), 7);
	/* Another dialect compiles (and is not kept by the object). */
	qr_assert_ok(qr_compile(&pg, s, "postgresql"));
	assert_non_null(strstr(qr_compiled_sql(pg), "$1"));
	qr_compiled_free(pg);
	qr_assert_ok(qr_compile(&pg, s, "postgresql"));
	assert_non_null(strstr(qr_compiled_sql(pg), "$1"));
	qr_compiled_free(pg);
	qr_compiled_free(a);
	qr_compiled_free(b);
	qr_stmt_free(s);
}

/* A statement changed in place (its only owner adds a clause) compiles
 * to the new SQL; forms handed out before keep the old. */
static void test_changed_in_place(void **state)
{
	qr_compiled *a, *b;
	qr_stmt *s = by_id(1);
	(void)state;
	qr_assert_ok(qr_compile(&a, s, "sqlite"));
	assert_null(strstr(qr_compiled_sql(a), "ORDER BY"));
	s = qr_stmt_add(s, qr_order_by(qr_c(users, "name")));
	assert_non_null(s);
	qr_assert_ok(qr_compile(&b, s, "sqlite"));
	assert_non_null(strstr(qr_compiled_sql(b), "ORDER BY"));
	assert_null(strstr(qr_compiled_sql(a), "ORDER BY"));
	qr_compiled_free(a);
	qr_compiled_free(b);
	qr_stmt_free(s);
}

/* A cache hit borrows the entry's SQL and names: it stays valid after
 * the cache is emptied and the statements are freed. */
static void test_hit_outlives_entry(void **state)
{
	qr_compiled *a, *b;
	qr_stmt *sa = by_id(1), *sb = by_id(2);
	(void)state;
	qr_assert_ok(qr_compile(&a, sa, "sqlite"));
	qr_assert_ok(qr_compile(&b, sb, "sqlite"));
	qr_stmt_free(sa);
	qr_stmt_free(sb);
	qr_compile_cache_clear();
	qr_compiled_free(a);
	assert_string_equal(qr_compiled_sql(b),
			    "SELECT users.id, users.name \nFROM users \nWHERE "
			    "users.id = ?");
	assert_int_equal(qr_compiled_param_count(b), 1);
	assert_non_null(qr_compiled_param_name(b, 0));
	assert_int_equal(param_int(b, 0), 2);
	qr_compiled_free(b);
}

/* Text values of a hit are its own copies. */
static void test_hit_text_values(void **state)
{
	qr_compiled *c[3];
	qr_stmt *s[3];
	const char *names[3] = {"jack", "wendy", "ed"};
	(void)state;
	for (int i = 0; i < 3; i++) {
		s[i] = qr_select(qr_cols(users, "id"),
				 qr_where(qr_eq(qr_c(users, "name"),
						qr_bind_text(names[i]))));
		qr_assert_ok(qr_compile(&c[i], s[i], "sqlite"));
		qr_stmt_free(s[i]);
	}
	for (int i = 0; i < 3; i++) {
		const char *v;
		qr_assert_ok(qr_value_text(qr_compiled_param_value(c[i], 0), &v,
					   NULL));
		assert_string_equal(v, names[i]);
		qr_compiled_free(c[i]);
	}
}

/* A large statement (a multi-row VALUES of 2,000 binds) is keyed: the
 * same shape hits, another row count misses. */
static void test_large_statement(void **state)
{
	qr_compile_cache_stats st0, st1;
	(void)state;
	qr_compile_cache_stats_get(&st0);
	for (int round = 0; round < 3; round++) {
		size_t rows = round < 2 ? 1000 : 999;
		qr_stmt *ins = qr_insert_new(users, QR_END);
		for (size_t r = 0; r < rows; r++) {
			char name[32];
			snprintf(name, sizeof(name), "n%zu", r + (size_t)round);
			ins = qr_stmt_add(
				ins,
				qr_values(qr_set("id", qr_bind_int((int64_t)r)),
					  qr_set("name", qr_bind_text(name))));
		}
		qr_compiled *c;
		qr_assert_ok(qr_compile(&c, ins, "sqlite"));
		assert_int_equal(qr_compiled_param_count(c), 2 * rows);
		const char *v;
		qr_assert_ok(qr_value_text(
			qr_compiled_param_value(c, 2 * rows - 1), &v, NULL));
		char want[32];
		snprintf(want, sizeof(want), "n%zu", rows - 1 + (size_t)round);
		assert_string_equal(v, want);
		qr_compiled_free(c);
		qr_stmt_free(ins);
	}
	qr_compile_cache_stats_get(&st1);
	assert_int_equal(st1.hits - st0.hits, 1);
	assert_int_equal(st1.misses - st0.misses, 2);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_same_object_again, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_changed_in_place, setup, teardown),
	cmocka_unit_test_setup_teardown(test_hit_outlives_entry, setup,
					teardown),
	cmocka_unit_test_setup_teardown(test_hit_text_values, setup, teardown),
	cmocka_unit_test_setup_teardown(test_large_statement, setup, teardown),
};

QR_TEST_MAIN("compile_memo", tests)
