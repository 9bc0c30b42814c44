/*
 * test_compile_misc.c - the compiler beyond golden SQL: the compiled
 * cache (hits, values, dialects, capacity, threads), literal rendering,
 * NULL propagation through every constructor, type rendering, errors,
 * and build/drop loops (run under valgrind by scripts/valgrind.sh).
 */
#include "golden.h"

#include <pthread.h>

/* ---- the compiled cache ---------------------------------------------------
 */

static qr_stmt *by_name(const char *name)
{
	return qr_select(users, qr_where(qr_eq(C(users, "name"), TXT(name))));
}

static void test_cache_hit_other_values(void **state)
{
	(void)state;
	qr_compile_cache_clear();
	qr_compile_cache_stats st;
	qr_compiled *a, *b;
	qr_stmt *sa = by_name("jack"), *sb = by_name("wendy");
	qr_assert_ok(qr_compile(&a, sa, "sqlite"));
	qr_assert_ok(qr_compile(&b, sb, "sqlite"));
	qr_compile_cache_stats_get(&st);
	assert_int_equal(st.misses, 1);
	assert_int_equal(st.hits, 1);
	assert_string_equal(qr_compiled_sql(a), qr_compiled_sql(b));
	const char *va, *vb;
	qr_assert_ok(qr_value_text(qr_compiled_param_value(a, 0), &va, NULL));
	qr_assert_ok(qr_value_text(qr_compiled_param_value(b, 0), &vb, NULL));
	assert_string_equal(va, "jack");
	assert_string_equal(vb, "wendy");
	qr_compiled_free(a);
	qr_compiled_free(b);
	qr_stmt_free(sa);
	qr_stmt_free(sb);
}

static void test_cache_per_dialect(void **state)
{
	(void)state;
	qr_compile_cache_clear();
	qr_compiled *a, *b;
	qr_stmt *s = by_name("jack");
	qr_assert_ok(qr_compile(&a, s, "sqlite"));
	qr_assert_ok(qr_compile(&b, s, "postgresql"));
	qr_compile_cache_stats st;
	qr_compile_cache_stats_get(&st);
	assert_int_equal(st.misses, 2);
	assert_int_equal(st.hits, 0);
	assert_string_not_equal(qr_compiled_sql(a), qr_compiled_sql(b));
	qr_compiled_free(a);
	qr_compiled_free(b);
	qr_stmt_free(s);
}

static void test_cache_structure_differs(void **state)
{
	(void)state;
	qr_compile_cache_clear();
	qr_compiled *a, *b;
	qr_stmt *sa = qr_select(C(users, "id"),
				qr_where(qr_eq(C(users, "id"), INT(1))));
	qr_stmt *sb = qr_select(C(users, "id"),
				qr_where(qr_gt(C(users, "id"), INT(1))));
	qr_assert_ok(qr_compile(&a, sa, "sqlite"));
	qr_assert_ok(qr_compile(&b, sb, "sqlite"));
	qr_compile_cache_stats st;
	qr_compile_cache_stats_get(&st);
	assert_int_equal(st.misses, 2);
	assert_string_equal(
		qr_compiled_sql(b),
		"SELECT users.id \nFROM users \nWHERE users.id > ?");
	qr_compiled_free(a);
	qr_compiled_free(b);
	qr_stmt_free(sa);
	qr_stmt_free(sb);
}

static void test_cache_aliases_identity(void **state)
{
	(void)state;
	/* the same alias twice vs two aliases: different SQL */
	qr_compile_cache_clear();
	qr_expr *a1 = qr_alias(addresses, NULL),
		*a2 = qr_alias(addresses, NULL);
	qr_stmt *one = qr_select(C(a1, "id"), C(a1, "user_id"));
	qr_stmt *two = qr_select(C(a1, "id"), C(a2, "user_id"));
	qr_compiled *c1, *c2;
	qr_assert_ok(qr_compile(&c1, one, "sqlite"));
	qr_assert_ok(qr_compile(&c2, two, "sqlite"));
	assert_string_equal(qr_compiled_sql(c1),
			    "SELECT addresses_1.id, addresses_1.user_id \n"
			    "FROM addresses AS addresses_1");
	assert_string_equal(qr_compiled_sql(c2),
			    "SELECT addresses_1.id, addresses_2.user_id \n"
			    "FROM addresses AS addresses_1, addresses AS "
			    "addresses_2");
	qr_compiled_free(c1);
	qr_compiled_free(c2);
	qr_stmt_free(one);
	qr_stmt_free(two);
	qr_expr_free(a1);
	qr_expr_free(a2);
}

static void test_cache_in_list_lengths(void **state)
{
	(void)state;
	qr_compile_cache_clear();
	int64_t two[] = {1, 2}, three[] = {1, 2, 3};
	qr_stmt *s2 = qr_select(C(users, "id"),
				qr_where(qr_in_ints(C(users, "id"), two, 2)));
	qr_stmt *s3 = qr_select(C(users, "id"),
				qr_where(qr_in_ints(C(users, "id"), three, 3)));
	qr_compiled *c2, *c3;
	qr_assert_ok(qr_compile(&c2, s2, "sqlite"));
	qr_assert_ok(qr_compile(&c3, s3, "sqlite"));
	assert_int_equal(qr_compiled_param_count(c2), 2);
	assert_int_equal(qr_compiled_param_count(c3), 3);
	qr_compiled_free(c2);
	qr_compiled_free(c3);
	qr_stmt_free(s2);
	qr_stmt_free(s3);
}

static void test_cache_capacity(void **state)
{
	(void)state;
	qr_compile_cache_clear();
	qr_compile_cache_set_capacity(2);
	for (int i = 0; i < 5; i++) {
		qr_stmt *s = qr_select(C(users, "id"),
				       qr_where(qr_gt(C(users, "id"), INT(i))),
				       qr_limit(i + 1));
		/* distinct structures: i + 1 columns */
		for (int k = 0; k < i; k++)
			s = qr_stmt_add(s, C(users, "name"));
		qr_compiled *c;
		qr_assert_ok(qr_compile(&c, s, "sqlite"));
		qr_compiled_free(c);
		qr_stmt_free(s);
	}
	qr_compile_cache_stats st;
	qr_compile_cache_stats_get(&st);
	assert_int_equal(st.size, 2);
	assert_int_equal(st.capacity, 2);
	qr_compile_cache_set_capacity(0);
	qr_compile_cache_stats_get(&st);
	assert_int_equal(st.size, 0);
	qr_compiled *c;
	qr_stmt *s = by_name("x");
	qr_assert_ok(qr_compile(&c, s, "sqlite"));
	qr_compile_cache_stats_get(&st);
	assert_int_equal(st.size, 0);
	qr_compiled_free(c);
	qr_stmt_free(s);
	qr_compile_cache_set_capacity(500);
}

typedef struct worker {
	int id;
	int failures;
} worker;

static void *compile_loop(void *arg)
{
	worker *w = arg;
	char name[32];
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "u%d_%d", w->id, i);
		qr_stmt *s = i % 2 ? by_name(name)
				   : qr_select(C(users, "id"),
					       qr_where(qr_eq(C(users, "name"),
							      TXT(name))),
					       qr_limit(i % 7));
		qr_compiled *c;
		if (qr_compile(&c, s, i % 3 == 0 ? "postgresql" : "sqlite")) {
			w->failures++;
		} else {
			const char *v = NULL;
			qr_value_text(qr_compiled_param_value(c, 0), &v, NULL);
			if (!v || strcmp(v, name) != 0)
				w->failures++;
			qr_compiled_free(c);
		}
		qr_stmt_free(s);
	}
	return NULL;
}

static void test_cache_threads(void **state)
{
	(void)state;
	qr_compile_cache_clear();
	pthread_t t[4];
	worker w[4];
	for (int i = 0; i < 4; i++) {
		w[i] = (worker){i, 0};
		pthread_create(&t[i], NULL, compile_loop, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	qr_compile_cache_stats st;
	qr_compile_cache_stats_get(&st);
	assert_true(st.hits > 1000);
}

/* ---- literal rendering -----------------------------------------------------
 */

static void check_literal(qr_stmt *s, const char *dialect, const char *want)
{
	char *out = NULL;
	int rc = qr_compile_literal(&out, s, dialect);
	if (rc)
		fail_msg("%s: %s", dialect, qr_error_last()->message);
	assert_string_equal(out, want);
	qr_free(out);
}

static void test_literal_render(void **state)
{
	(void)state;
	qr_datetime dt = {{2024, 1, 31}, {13, 45, 0, 0}, false, 0};
	qr_value vdt = {.kind = QR_VDATETIME, .u.datetime = dt};
	qr_stmt *s = qr_select(
		C(users, "id"),
		qr_where(qr_eq(C(users, "name"), TXT("it's a \\ test")),
			 qr_eq(C(things, "flag"), qr_bind_bool(true)),
			 qr_eq(C(things, "created"), qr_bind_value(vdt)),
			 qr_eq(C(things, "ratio"), qr_bind_double(2.0)),
			 qr_eq(C(things, "data"),
			       qr_bind_value(qr_val_blob("\x01\xff", 2))),
			 qr_is(C(users, "fullname"), qr_bind_text(NULL))));
	check_literal(s, "sqlite",
		      "SELECT users.id \nFROM users, things \nWHERE "
		      "users.name = 'it''s a \\ test' AND things.flag = 1 AND "
		      "things.created = '2024-01-31 13:45:00.000000' AND "
		      "things.ratio = 2.0 AND things.data = X'01ff' AND "
		      "users.fullname IS NULL");
	check_literal(
		s, "postgresql",
		"SELECT users.id \nFROM users, things \nWHERE "
		"users.name = E'it''s a \\\\ test' AND things.flag = true "
		"AND things.created = '2024-01-31 13:45:00' AND "
		"things.ratio = 2.0 AND things.data = E'\\\\x01ff'::bytea "
		"AND users.fullname IS NULL");
	check_literal(
		s, "mysql",
		"SELECT users.id \nFROM users, things \nWHERE "
		"users.name = 'it''s a \\\\ test' AND things.flag = 1 AND "
		"things.created = '2024-01-31 13:45:00' AND "
		"things.ratio = 2.0 AND things.data = X'01ff' AND "
		"users.fullname IS NULL");
	qr_stmt_free(s);
}

static void test_literal_missing_value(void **state)
{
	(void)state;
	qr_stmt *s =
		qr_select(C(users, "id"),
			  qr_where(qr_eq(C(users, "name"), qr_param("n"))));
	char *out = (char *)"x";
	assert_int_equal(qr_compile_literal(&out, s, "sqlite"), QR_EPARAM);
	assert_null(out);
	assert_non_null(strstr(qr_error_last()->message, "'n'"));
	qr_stmt_free(s);
}

/* An expanding parameter's list bound in the statement: its values
 * (literal_binds, which implies render_postcompile); empty: SQLAlchemy's
 * empty IN / NOT IN; without a list: an error naming it. */
static void test_literal_expanding(void **state)
{
	(void)state;
	qr_value ids[] = {qr_val_int(1), qr_val_int(2), qr_val_int(3)};
	qr_value names[] = {qr_val_text("ed"), qr_val_text("o'neil")};
	qr_stmt *s = qr_select(
		C(users, "id"),
		qr_where(qr_in(C(users, "id"),
			       qr_param_expanding_values("ids", ids, 3)),
			 qr_not_in(C(users, "name"),
				   qr_param_expanding_values("names", names,
							     2))));
	qr_compiled *c;

	check_literal(s, "sqlite",
		      "SELECT users.id \nFROM users \nWHERE users.id IN (1, 2, "
		      "3) AND (users.name NOT IN ('ed', 'o''neil'))");
	/* the string form keeps the list for execution */
	qr_assert_ok(qr_compile(&c, s, "postgresql"));
	assert_string_equal(qr_compiled_sql(c),
			    "SELECT users.id \nFROM users \nWHERE users.id IN "
			    "(__[POSTCOMPILE_ids]) AND (users.name NOT IN "
			    "(__[POSTCOMPILE_names]))");
	assert_int_equal(qr_compiled_param_count(c), 2);
	assert_int_equal(qr_compiled_param_value(c, 0)->kind, QR_VLIST);
	qr_compiled_free(c);
	qr_stmt_free(s);

	s = qr_select(C(users, "id"),
		      qr_where(qr_in(C(users, "id"),
				     qr_param_expanding_values("ids", NULL, 0)),
			       qr_not_in(C(users, "name"),
					 qr_param_expanding_values("names",
								   NULL, 0))));
	check_literal(s, "mysql",
		      "SELECT users.id \nFROM users \nWHERE users.id IN (NULL) "
		      "AND (1 != 1) AND (users.name NOT IN (NULL) OR (1 = 1))");
	qr_stmt_free(s);

	s = qr_select(
		C(users, "id"),
		qr_where(qr_in(C(users, "id"), qr_param_expanding("ids"))));
	char *out = NULL;
	assert_int_equal(qr_compile_literal(&out, s, "sqlite"), QR_EPARAM);
	assert_non_null(strstr(qr_error_last()->message, "'ids'"));
	qr_stmt_free(s);

	/* a list among the values */
	qr_value nested = {.kind = QR_VLIST};
	assert_null(qr_param_expanding_values("x", &nested, 1));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
}

static void test_literal_numeric_placeholders(void **state)
{
	(void)state;
	/* one numbered placeholder used twice renders its value twice */
	qr_stmt *s = qr_select(
		C(users, "id"),
		qr_where(qr_or(qr_eq(C(users, "name"),
				     qr_param_value("n", qr_val_text("a"))),
			       qr_eq(C(users, "fullname"),
				     qr_param_value("n", qr_val_text("a"))))));
	check_literal(
		s, "postgresql",
		"SELECT users.id \nFROM users \nWHERE users.name = 'a' OR "
		"users.fullname = 'a'");
	qr_compiled *c;
	qr_assert_ok(qr_compile(&c, s, "postgresql"));
	assert_string_equal(qr_compiled_sql(c),
			    "SELECT users.id \nFROM users \nWHERE users.name = "
			    "$1 OR users.fullname = $1");
	assert_int_equal(qr_compiled_param_count(c), 1);
	qr_compiled_free(c);
	qr_stmt_free(s);
}

/* ---- NULL propagation
 * -------------------------------------------------------- */

/* Each constructor given a NULL argument returns NULL; compiling the
 * result fails cleanly, keeping the first error. */
static void test_null_everywhere(void **state)
{
	(void)state;
	qr_expr *n = NULL;
#define EXPECT_NULL(e)                                \
	do {                                          \
		qr_expr *x_ = (e);                    \
		if (x_)                               \
			fail_msg("not NULL: %s", #e); \
	} while (0)
	EXPECT_NULL(qr_eq(n, INT(1)));
	EXPECT_NULL(qr_eq(C(users, "id"), n));
	EXPECT_NULL(qr_and(qr_eq(C(users, "id"), INT(1)), n,
			   qr_eq(C(users, "id"), INT(2))));
	EXPECT_NULL(qr_or(n, INT(1)));
	EXPECT_NULL(qr_not(n));
	EXPECT_NULL(qr_like(n, TXT("x")));
	EXPECT_NULL(qr_escape(n, '/'));
	EXPECT_NULL(qr_in(C(users, "id"), n));
	EXPECT_NULL(qr_in(C(users, "id"), qr_list(INT(1), n)));
	EXPECT_NULL(qr_between(C(users, "id"), INT(1), n));
	EXPECT_NULL(qr_add(n, INT(1)));
	EXPECT_NULL(qr_neg(n));
	EXPECT_NULL(qr_func("max", n));
	EXPECT_NULL(qr_count(n));
	EXPECT_NULL(qr_func_filter(qr_count_star(), n));
	EXPECT_NULL(qr_over(n, qr_order_by(C(users, "id"))));
	EXPECT_NULL(qr_over(qr_count_star(), n));
	EXPECT_NULL(qr_case(qr_when(n, INT(1))));
	EXPECT_NULL(qr_case(qr_when(qr_eq(C(users, "id"), INT(1)), INT(1)),
			    qr_else(n)));
	EXPECT_NULL(qr_cast(n, QR_STRING));
	EXPECT_NULL(qr_label(n, "x"));
	EXPECT_NULL(qr_label(C(users, "id"), NULL));
	EXPECT_NULL(qr_exists(n));
	EXPECT_NULL(qr_scalar(n));
	EXPECT_NULL(qr_c(n, "id"));
	EXPECT_NULL(qr_c(users, NULL));
	EXPECT_NULL(qr_select(C(users, "id"), n));
	EXPECT_NULL(qr_select(n));
	EXPECT_NULL(qr_select(C(users, "id"), qr_where(n)));
	EXPECT_NULL(qr_select(C(users, "id"), qr_order_by(C(users, "id"), n)));
	EXPECT_NULL(qr_stmt_add(n, qr_where(qr_eq(C(users, "id"), INT(1)))));
	EXPECT_NULL(qr_stmt_add(qr_select(C(users, "id")), n));
	EXPECT_NULL(qr_join(users, n));
	EXPECT_NULL(qr_join_on(users, addresses, n));
	EXPECT_NULL(qr_alias(n, "a"));
	EXPECT_NULL(qr_subquery(n, "s"));
	EXPECT_NULL(qr_cte(n, "c"));
	EXPECT_NULL(qr_cte_union_all(n, qr_select(C(users, "id"))));
	EXPECT_NULL(qr_union(qr_select(C(users, "id")), n));
	EXPECT_NULL(qr_insert(n, qr_set("name", TXT("x"))));
	EXPECT_NULL(qr_insert(users, qr_set("name", n)));
	EXPECT_NULL(qr_insert(users, qr_set(NULL, TXT("x"))));
	EXPECT_NULL(qr_insert(users, qr_values(qr_set("name", TXT("x")), n)));
	EXPECT_NULL(qr_update(users, qr_set("name", TXT("x")), qr_where(n)));
	EXPECT_NULL(qr_delete(users, n));
	EXPECT_NULL(qr_delete(users, qr_returning(n)));
	EXPECT_NULL(qr_tuple(INT(1), n));
	EXPECT_NULL(qr_from_select(QR_NAMES("id"), n));
	EXPECT_NULL(qr_on_conflict_do_update(QR_NAMES("id"), n));
	EXPECT_NULL(qr_param(NULL));
	EXPECT_NULL(qr_literal_column(NULL, QR_STRING));
	EXPECT_NULL(qr_create_table(n));
	EXPECT_NULL(qr_column_new(NULL, NULL));
	EXPECT_NULL(qr_index_expr("ix", false, n));
	EXPECT_NULL(qr_check_expr(n));
	EXPECT_NULL(qr_named("x", n));
#undef EXPECT_NULL
	/* compiling a NULL statement reports the error that made it */
	qr_error_clear();
	qr_stmt *s = qr_select(C(users, "id"),
			       qr_where(qr_eq(C(users, "nope"), INT(1))));
	assert_null(s);
	qr_compiled *c = NULL;
	assert_int_equal(qr_compile(&c, s, "sqlite"), QR_ECOLUMN);
	assert_null(c);
	assert_non_null(strstr(qr_error_last()->message, "nope"));
	/* a NULL handed straight in, with no earlier error */
	qr_error_clear();
	s = qr_select(C(users, "id"), qr_where(NULL));
	assert_int_equal(qr_compile(&c, s, "sqlite"), QR_EINVAL);
}

/* ---- errors and helpers
 * ------------------------------------------------------ */

static void test_errors(void **state)
{
	(void)state;
	qr_compiled *c = NULL;
	/* ENOTSUP names the construct and the dialect */
	qr_stmt *s = qr_select(C(users, "id"),
			       qr_from(qr_full_join(users, addresses)));
	assert_int_equal(qr_compile(&c, s, "mysql"), QR_ENOTSUP);
	assert_non_null(strstr(qr_error_last()->message, "FULL OUTER JOIN"));
	assert_non_null(strstr(qr_error_last()->message, "mysql"));
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_NOT_SUPPORTED);
	qr_stmt_free(s);
	/* an unknown dialect */
	s = qr_select(C(users, "id"));
	assert_int_equal(qr_compile(&c, s, "oracle"), QR_ENODIALECT);
	qr_stmt_free(s);
	/* a clause the statement has no place for */
	s = qr_stmt_add(qr_delete(users), qr_order_by(C(users, "id")));
	assert_null(s);
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	/* joins without a foreign key, and with two */
	assert_null(qr_join(users, parts));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	/* qr_c of a missing column */
	assert_null(qr_c(users, "missing"));
	assert_int_equal(qr_error_last()->code, QR_ECOLUMN);
	/* a duplicate table */
	assert_null(qr_table(g_md, "users", qr_column("id", QR_INTEGER)));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	/* a column without a type */
	assert_null(qr_column("x", QR_NULLTYPE));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	/* IN with something that is not a list or a select */
	assert_null(qr_in(C(users, "id"), INT(1)));
}

static void test_type_render(void **state)
{
	(void)state;
	char buf[64];
	qr_type tz = QR_DATETIME_TZ;
	qr_assert_ok(qr_type_render(buf, sizeof(buf), &tz, "postgresql"));
	assert_string_equal(buf, "TIMESTAMP WITH TIME ZONE");
	qr_type s50 = qr_string(50);
	qr_assert_ok(qr_type_render(buf, sizeof(buf), &s50, "mysql"));
	assert_string_equal(buf, "VARCHAR(50)");
	qr_type b = QR_BOOLEAN;
	qr_assert_ok(qr_type_render(buf, sizeof(buf), &b, "mysql"));
	assert_string_equal(buf, "BOOL");
	qr_type n = qr_numeric(12, 3);
	qr_assert_ok(qr_type_render(buf, sizeof(buf), &n, "sqlite"));
	assert_string_equal(buf, "NUMERIC(12, 3)");
	assert_int_equal(qr_type_render(buf, 4, &n, "sqlite"), QR_ERANGE);
	qr_type s = QR_STRING;
	assert_int_equal(qr_type_render(buf, sizeof(buf), &s, "mysql"),
			 QR_ECOMPILE);
}

static void test_compiled_flags(void **state)
{
	(void)state;
	qr_compiled *c;
	qr_stmt *s = qr_select(C(users, "id"));
	qr_assert_ok(qr_compile(&c, s, "sqlite"));
	assert_true(qr_compiled_returns_rows(c));
	assert_false(qr_compiled_is_dml(c));
	qr_compiled_free(c);
	qr_stmt_free(s);
	s = qr_insert(users, qr_set("name", TXT("x")));
	qr_assert_ok(qr_compile(&c, s, "sqlite"));
	assert_false(qr_compiled_returns_rows(c));
	assert_true(qr_compiled_is_dml(c));
	qr_compiled_free(c);
	qr_stmt_free(s);
	s = qr_insert(users, qr_set("name", TXT("x")),
		      qr_returning(C(users, "id")));
	qr_assert_ok(qr_compile(&c, s, "sqlite"));
	assert_true(qr_compiled_returns_rows(c));
	assert_true(qr_compiled_is_dml(c));
	qr_compiled_free(c);
	qr_stmt_free(s);
	s = qr_create_table(users);
	qr_assert_ok(qr_compile(&c, s, "sqlite"));
	assert_true(qr_compiled_is_ddl(c));
	qr_compiled_free(c);
	qr_stmt_free(s);
}

/* Builds, shares, compiles and drops trees many times (valgrind). */
static void test_build_drop_loops(void **state)
{
	(void)state;
	for (int i = 0; i < 200; i++) {
		qr_expr *a = qr_alias(addresses, NULL);
		qr_expr *shared = qr_eq(C(users, "id"), C(a, "user_id"));
		qr_expr *cte = qr_cte(qr_select(C(users, "id"),
						qr_where(qr_expr_ref(shared))),
				      NULL);
		qr_stmt *s = qr_union(
			qr_select(C(cte, "id"),
				  qr_where(qr_in_ints(C(cte, "id"),
						      (int64_t[]){1, 2}, 2))),
			qr_select(C(users, "id"), qr_where(shared),
				  qr_order_by(qr_desc(C(users, "id")))));
		s = qr_stmt_add(s, qr_limit(i));
		qr_compiled *c;
		qr_assert_ok(
			qr_compile(&c, s, i % 2 ? "postgresql" : "sqlite"));
		char *lit;
		qr_assert_ok(qr_compiled_render_literal(&lit, c));
		qr_free(lit);
		qr_compiled_free(c);
		qr_stmt_free(s);
		qr_expr_free(cte);
		qr_expr_free(a);
		qr_stmt *u = qr_update(users, qr_set("name", TXT("x")),
				       qr_where(qr_eq(C(users, "id"), INT(i))));
		qr_stmt_free(u);
		qr_metadata *md = qr_metadata_new();
		qr_table *t = qr_table(
			md, "t",
			qr_column("id", QR_INTEGER, .primary_key = true),
			qr_column("v", qr_string(10), .index = true,
				  .unique = true,
				  .default_value = qr_val_text("d")));
		qr_stmt *ct = qr_create_table(t);
		qr_assert_ok(qr_compile(&c, ct, "postgresql"));
		qr_compiled_free(c);
		qr_stmt_free(ct);
		qr_metadata_free(md);
	}
}

/* Compiling for "mariadb" renders INSERT and DELETE .. RETURNING (MariaDB
 * 10.5+), not UPDATE's; "mysql" renders none: a clear error naming the
 * construct and the dialect. */
static void test_mariadb_returning(void **state)
{
	(void)state;
	struct {
		qr_stmt *stmt;
		const char *mariadb, *error;
	} cases[] = {
		{qr_insert(users, qr_set("name", TXT("ed")),
			   qr_returning(C(users, "id"))),
		 "INSERT INTO users (name) VALUES (?) RETURNING users.id",
		 "INSERT .. RETURNING is not supported by the mysql dialect"},
		{qr_delete(users, qr_where(qr_eq(C(users, "id"), INT(1))),
			   qr_returning(C(users, "name"))),
		 "DELETE FROM users WHERE users.id = ? RETURNING users.name",
		 "DELETE .. RETURNING is not supported by the mysql dialect"},
		{qr_update(users, qr_set("name", TXT("x")),
			   qr_returning(C(users, "id"))),
		 NULL,
		 "UPDATE .. RETURNING is not supported by the mysql dialect"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		qr_compiled *c = NULL;
		int rc = qr_compile(&c, cases[i].stmt, "mariadb");
		if (cases[i].mariadb) {
			qr_assert_ok(rc);
			assert_string_equal(qr_compiled_sql(c),
					    cases[i].mariadb);
		} else {
			assert_int_equal(rc, QR_ENOTSUP);
			assert_non_null(strstr(qr_error_last()->message,
					       "by the mariadb dialect"));
		}
		qr_compiled_free(c);
		assert_int_equal(qr_compile(&c, cases[i].stmt, "mysql"),
				 QR_ENOTSUP);
		assert_string_equal(qr_error_last()->message, cases[i].error);
		qr_stmt_free(cases[i].stmt);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_hit_other_values),
		cmocka_unit_test(test_cache_per_dialect),
		cmocka_unit_test(test_cache_structure_differs),
		cmocka_unit_test(test_cache_aliases_identity),
		cmocka_unit_test(test_cache_in_list_lengths),
		cmocka_unit_test(test_cache_capacity),
		cmocka_unit_test(test_cache_threads),
		cmocka_unit_test(test_literal_render),
		cmocka_unit_test(test_literal_missing_value),
		cmocka_unit_test(test_literal_expanding),
		cmocka_unit_test(test_literal_numeric_placeholders),
		cmocka_unit_test(test_null_everywhere),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_type_render),
		cmocka_unit_test(test_compiled_flags),
		cmocka_unit_test(test_build_drop_loops),
		cmocka_unit_test(test_mariadb_returning),
	};
	golden_fixtures();
	int rc = qr_test_run(argc, argv, "compile_misc", tests,
			     sizeof(tests) / sizeof(tests[0]));
	qr_metadata_free(g_md);
	return rc;
}
