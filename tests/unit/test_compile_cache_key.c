/*
 * test_compile_cache_key.c - the compiled cache's key: statements that
 * compile to different SQL never share an entry, however little they
 * differ (a column, a table, an alias, an operator, a label, a literal
 * for a bind, LIMIT or OFFSET, an expanding IN, the dialect, a node
 * shared or repeated, a type with or without its length, three children
 * or four: a node keeps up to three inside itself), and statements of
 * one shape share one entry whatever their values.
 *
 * Each pair is compiled through a warm cache in both orders, and each
 * result is compared with what the statement compiles to with the cache
 * off.
 */
#include "golden.h"

/* ---- the pairs -------------------------------------------------------- */

static qr_stmt *eq_id(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_eq(C(users, "id"), INT(1))));
}

static qr_stmt *eq_name_col(void)
{
	return qr_select(C(users, "name"),
			 qr_where(qr_eq(C(users, "id"), INT(1))));
}

static qr_stmt *eq_other_table(void)
{
	return qr_select(C(addresses, "id"),
			 qr_where(qr_eq(C(addresses, "id"), INT(1))));
}

static qr_stmt *ne_id(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_ne(C(users, "id"), INT(1))));
}

static qr_stmt *eq_literal(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_eq(C(users, "id"),
					qr_literal_column("1", QR_INTEGER))));
}

static qr_stmt *eq_literal_2(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_eq(C(users, "id"),
					qr_literal_column("2", QR_INTEGER))));
}

static qr_stmt *eq_typed_bind(void)
{
	return qr_select(
		C(users, "id"),
		qr_where(qr_eq(C(users, "id"),
			       qr_bind_typed(qr_val_int(1), QR_BIGINT))));
}

static qr_stmt *eq_named_param(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_eq(C(users, "id"), qr_param("id"))));
}

static qr_stmt *eq_named_param_2(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_eq(C(users, "id"), qr_param("uid"))));
}

static qr_stmt *label_a(void)
{
	return qr_select(qr_label(C(users, "id"), "a"));
}

static qr_stmt *label_b(void)
{
	return qr_select(qr_label(C(users, "id"), "b"));
}

static qr_stmt *limit_only(void)
{
	return qr_select(C(users, "id"), qr_limit(10));
}

static qr_stmt *offset_only(void)
{
	return qr_select(C(users, "id"), qr_offset(10));
}

static qr_stmt *limit_offset(void)
{
	return qr_select(C(users, "id"), qr_limit(10), qr_offset(10));
}

static qr_stmt *in_expanding(void)
{
	return qr_select(
		C(users, "id"),
		qr_where(qr_in(C(users, "id"), qr_param_expanding("ids"))));
}

static qr_stmt *in_two(void)
{
	int64_t v[] = {1, 2};
	return qr_select(C(users, "id"),
			 qr_where(qr_in_ints(C(users, "id"), v, 2)));
}

static qr_stmt *and_ab(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_eq(C(users, "id"), INT(1)),
				  qr_eq(C(users, "name"), TXT("x"))));
}

static qr_stmt *and_ba(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_eq(C(users, "name"), TXT("x")),
				  qr_eq(C(users, "id"), INT(1))));
}

static qr_stmt *or_ab(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_or(qr_eq(C(users, "id"), INT(1)),
					qr_eq(C(users, "name"), TXT("x")))));
}

/* One alias used twice, and two aliases of the same table. */
static qr_stmt *alias_once(void)
{
	qr_expr *a = qr_alias(addresses, NULL);
	qr_stmt *s = qr_select(C(a, "id"), C(a, "user_id"));
	qr_expr_free(a);
	return s;
}

static qr_stmt *alias_twice(void)
{
	qr_expr *a = qr_alias(addresses, NULL), *b = qr_alias(addresses, NULL);
	qr_stmt *s = qr_select(C(a, "id"), C(b, "user_id"));
	qr_expr_free(a);
	qr_expr_free(b);
	return s;
}

static qr_stmt *alias_named(void)
{
	qr_expr *a = qr_alias(addresses, "a");
	qr_stmt *s = qr_select(C(a, "id"), C(a, "user_id"));
	qr_expr_free(a);
	return s;
}

/* A subquery at two depths. */
static qr_stmt *sub_once(void)
{
	qr_expr *sq = qr_subquery(qr_select(C(users, "id")), "s");
	qr_stmt *s = qr_select(C(sq, "id"));
	qr_expr_free(sq);
	return s;
}

static qr_stmt *sub_twice(void)
{
	qr_expr *in = qr_subquery(qr_select(C(users, "id")), "s");
	qr_expr *sq = qr_subquery(qr_select(C(in, "id")), "s");
	qr_stmt *s = qr_select(C(sq, "id"));
	qr_expr_free(in);
	qr_expr_free(sq);
	return s;
}

/* The same comparison node twice in one WHERE, and two equal ones. */
static qr_stmt *shared_node(void)
{
	qr_expr *e = qr_eq(C(users, "id"), INT(1));
	qr_stmt *s = qr_select(C(users, "id"),
			       qr_where(qr_expr_ref(e), qr_expr_ref(e)));
	qr_expr_free(e);
	return s;
}

static qr_stmt *repeated_node(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_eq(C(users, "id"), INT(1)),
				  qr_eq(C(users, "id"), INT(1))));
}

static qr_stmt *func_lower(void)
{
	return qr_select(qr_lower(C(users, "name")));
}

static qr_stmt *func_upper(void)
{
	return qr_select(qr_upper(C(users, "name")));
}

static qr_stmt *cast_int(void)
{
	return qr_select(qr_cast(C(users, "name"), QR_INTEGER));
}

static qr_stmt *cast_str(void)
{
	return qr_select(qr_cast(C(users, "name"), qr_string(20)));
}

static qr_stmt *cast_str_30(void)
{
	return qr_select(qr_cast(C(users, "name"), qr_string(30)));
}

/* A type that is only its kind, and the same kind with a length. */
static qr_stmt *cast_str_plain(void)
{
	return qr_select(qr_cast(C(users, "name"), QR_STRING));
}

static qr_stmt *bind_str_plain(void)
{
	return qr_select(
		C(users, "id"),
		qr_where(qr_eq(C(users, "name"),
			       qr_bind_typed(qr_val_text("x"), QR_STRING))));
}

static qr_stmt *bind_str_10(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_eq(C(users, "name"),
					qr_bind_typed(qr_val_text("x"),
						      qr_string(10)))));
}

/* Three children (inside the node) and four (an array of their own),
 * in lists built item by item and in a function's arguments. */
static qr_stmt *and_three(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_eq(C(users, "id"), INT(1)),
				  qr_eq(C(users, "name"), TXT("x")),
				  qr_eq(C(users, "fullname"), TXT("y"))));
}

static qr_stmt *and_four(void)
{
	return qr_select(C(users, "id"),
			 qr_where(qr_eq(C(users, "id"), INT(1)),
				  qr_eq(C(users, "name"), TXT("x")),
				  qr_eq(C(users, "fullname"), TXT("y")),
				  qr_eq(C(users, "id"), INT(2))));
}

static qr_stmt *in_three(void)
{
	int64_t v[] = {1, 2, 3};
	return qr_select(C(users, "id"),
			 qr_where(qr_in_ints(C(users, "id"), v, 3)));
}

static qr_stmt *in_four(void)
{
	int64_t v[] = {1, 2, 3, 4};
	return qr_select(C(users, "id"),
			 qr_where(qr_in_ints(C(users, "id"), v, 4)));
}

static qr_stmt *coalesce_three(void)
{
	return qr_select(
		qr_coalesce(C(users, "name"), C(users, "fullname"), TXT("x")));
}

static qr_stmt *coalesce_four(void)
{
	return qr_select(qr_coalesce(C(users, "name"), C(users, "fullname"),
				     TXT("x"), TXT("y")));
}

static qr_stmt *order_asc(void)
{
	return qr_select(C(users, "id"), qr_order_by(qr_asc(C(users, "id"))));
}

static qr_stmt *order_desc(void)
{
	return qr_select(C(users, "id"), qr_order_by(qr_desc(C(users, "id"))));
}

static qr_stmt *distinct_rows(void)
{
	return qr_select(C(users, "id"), qr_distinct_rows());
}

static qr_stmt *delete_where(void)
{
	return qr_delete(users, qr_where(qr_eq(C(users, "id"), INT(1))));
}

static qr_stmt *update_name(void)
{
	return qr_update(users, qr_set("name", TXT("x")),
			 qr_where(qr_eq(C(users, "id"), INT(1))));
}

static qr_stmt *update_fullname(void)
{
	return qr_update(users, qr_set("fullname", TXT("x")),
			 qr_where(qr_eq(C(users, "id"), INT(1))));
}

static const qr_golden cases[] = {
	{"eq_id", eq_id, NULL, NULL, NULL, NULL},
	{"eq_name_col", eq_name_col, NULL, NULL, NULL, NULL},
	{"eq_other_table", eq_other_table, NULL, NULL, NULL, NULL},
	{"ne_id", ne_id, NULL, NULL, NULL, NULL},
	{"eq_literal", eq_literal, NULL, NULL, NULL, NULL},
	{"eq_literal_2", eq_literal_2, NULL, NULL, NULL, NULL},
	{"eq_typed_bind", eq_typed_bind, NULL, NULL, NULL, NULL},
	{"eq_named_param", eq_named_param, NULL, NULL, NULL, NULL},
	{"eq_named_param_2", eq_named_param_2, NULL, NULL, NULL, NULL},
	{"label_a", label_a, NULL, NULL, NULL, NULL},
	{"label_b", label_b, NULL, NULL, NULL, NULL},
	{"limit_only", limit_only, NULL, NULL, NULL, NULL},
	{"offset_only", offset_only, NULL, NULL, NULL, NULL},
	{"limit_offset", limit_offset, NULL, NULL, NULL, NULL},
	{"in_expanding", in_expanding, NULL, NULL, NULL, NULL},
	{"in_two", in_two, NULL, NULL, NULL, NULL},
	{"and_ab", and_ab, NULL, NULL, NULL, NULL},
	{"and_ba", and_ba, NULL, NULL, NULL, NULL},
	{"or_ab", or_ab, NULL, NULL, NULL, NULL},
	{"alias_once", alias_once, NULL, NULL, NULL, NULL},
	{"alias_twice", alias_twice, NULL, NULL, NULL, NULL},
	{"alias_named", alias_named, NULL, NULL, NULL, NULL},
	{"sub_once", sub_once, NULL, NULL, NULL, NULL},
	{"sub_twice", sub_twice, NULL, NULL, NULL, NULL},
	{"shared_node", shared_node, NULL, NULL, NULL, NULL},
	{"repeated_node", repeated_node, NULL, NULL, NULL, NULL},
	{"func_lower", func_lower, NULL, NULL, NULL, NULL},
	{"func_upper", func_upper, NULL, NULL, NULL, NULL},
	{"cast_int", cast_int, NULL, NULL, NULL, NULL},
	{"cast_str", cast_str, NULL, NULL, NULL, NULL},
	{"cast_str_30", cast_str_30, NULL, NULL, NULL, NULL},
	{"cast_str_plain", cast_str_plain, NULL, NULL, NULL, NULL},
	{"bind_str_plain", bind_str_plain, NULL, NULL, NULL, NULL},
	{"bind_str_10", bind_str_10, NULL, NULL, NULL, NULL},
	{"and_three", and_three, NULL, NULL, NULL, NULL},
	{"and_four", and_four, NULL, NULL, NULL, NULL},
	{"in_three", in_three, NULL, NULL, NULL, NULL},
	{"in_four", in_four, NULL, NULL, NULL, NULL},
	{"coalesce_three", coalesce_three, NULL, NULL, NULL, NULL},
	{"coalesce_four", coalesce_four, NULL, NULL, NULL, NULL},
	{"order_asc", order_asc, NULL, NULL, NULL, NULL},
	{"order_desc", order_desc, NULL, NULL, NULL, NULL},
	{"distinct_rows", distinct_rows, NULL, NULL, NULL, NULL},
	{"delete_where", delete_where, NULL, NULL, NULL, NULL},
	{"update_name", update_name, NULL, NULL, NULL, NULL},
	{"update_fullname", update_fullname, NULL, NULL, NULL, NULL},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* Every pair, both orders, each through a cache holding only the other
 * (so the lookup meets the other's entry first: the most recent one),
 * against its cache-off outcome; then all together. */
static void test_pairs_never_share(void **state)
{
	(void)state;
	static char *want[NCASES][3];
	qr_compile_cache_set_capacity(0);
	for (size_t i = 0; i < NCASES; i++)
		for (int d = 0; d < 3; d++)
			want[i][d] =
				golden_outcome(&cases[i], golden_dialects[d]);
	qr_compile_cache_set_capacity(500);
	for (size_t i = 0; i < NCASES; i++) {
		for (size_t j = 0; j < NCASES; j++) {
			for (int d = 0; d < 3; d++) {
				/* j's entry, then i in j's dialect and in
				 * dialect d */
				qr_compile_cache_clear();
				free(golden_outcome(&cases[j],
						    golden_dialects[d]));
				for (int e = 0; e < 3; e++) {
					char *got = golden_outcome(
						&cases[i], golden_dialects[e]);
					if (strcmp(got, want[i][e]) != 0)
						fail_msg("%s[%s] after %s[%s]:"
							 "\n got: %s\nwant: %s",
							 cases[i].name,
							 golden_dialects[e],
							 cases[j].name,
							 golden_dialects[d],
							 got, want[i][e]);
					free(got);
				}
			}
		}
	}
	for (size_t i = 0; i < NCASES; i++)
		for (int d = 0; d < 3; d++)
			free(want[i][d]);
}

/* One shape, other values: one entry, hits after the first, each with
 * its own values; another dialect is another entry. */
static void test_same_shape_shares(void **state)
{
	qr_compile_cache_stats st0, st1;
	(void)state;
	qr_compile_cache_clear();
	qr_compile_cache_stats_get(&st0);
	for (int64_t v = 0; v < 20; v++) {
		qr_stmt *s = qr_select(C(users, "id"),
				       qr_where(qr_eq(C(users, "id"), INT(v)),
						qr_eq(C(users, "name"),
						      TXT(v % 2 ? "a" : "b"))));
		for (int d = 0; d < 2; d++) {
			qr_compiled *c;
			qr_assert_ok(qr_compile(&c, s, golden_dialects[d]));
			int64_t got = -1;
			qr_assert_ok(qr_value_int64(
				qr_compiled_param_value(c, 0), &got));
			assert_int_equal(got, v);
			const char *t;
			qr_assert_ok(qr_value_text(
				qr_compiled_param_value(c, 1), &t, NULL));
			assert_string_equal(t, v % 2 ? "a" : "b");
			qr_compiled_free(c);
		}
		qr_stmt_free(s);
	}
	qr_compile_cache_stats_get(&st1);
	assert_int_equal(st1.misses - st0.misses, 2);
	assert_int_equal(st1.hits - st0.hits, 38);
	assert_int_equal(st1.size, 2);
}

/* A subtree kept by the program and used in many statements, then
 * changed in place by its sole owner: the statements built after the
 * change compile to the new SQL. */
static void test_kept_subtree_changed(void **state)
{
	(void)state;
	qr_compile_cache_clear();
	qr_expr *cond = qr_eq(C(users, "id"), INT(1));
	for (int i = 0; i < 3; i++) {
		qr_stmt *s =
			qr_select(C(users, "id"), qr_where(qr_expr_ref(cond)));
		qr_compiled *c;
		qr_assert_ok(qr_compile(&c, s, "sqlite"));
		assert_string_equal(qr_compiled_sql(c),
				    "SELECT users.id \nFROM users \nWHERE "
				    "users.id = ?");
		qr_compiled_free(c);
		qr_stmt_free(s);
	}
	/* Sole owner again: qr_not changes the comparison in place. */
	cond = qr_not(cond);
	qr_stmt *s = qr_select(C(users, "id"), qr_where(cond));
	qr_compiled *c;
	qr_assert_ok(qr_compile(&c, s, "sqlite"));
	assert_string_equal(
		qr_compiled_sql(c),
		"SELECT users.id \nFROM users \nWHERE users.id != ?");
	qr_compiled_free(c);
	qr_stmt_free(s);
}

/* A statement compiled (so hashed and keyed), then grown in place by
 * its sole owner past the children a node keeps inside itself: each
 * compile gives the new SQL, and a statement derived from a shared one
 * leaves the shared one as it was. */
static void test_grown_in_place(void **state)
{
	(void)state;
	static const char *const where[] = {
		"users.id = ?",
		"users.id = ? AND users.name = ?",
		"users.id = ? AND users.name = ? AND users.id = ?",
		"users.id = ? AND users.name = ? AND users.id = ? AND "
		"users.name = ?",
		"users.id = ? AND users.name = ? AND users.id = ? AND "
		"users.name = ? AND users.id = ?",
	};
	char want[256];
	qr_compile_cache_clear();
	qr_stmt *s = qr_select(C(users, "id"),
			       qr_where(qr_eq(C(users, "id"), INT(0))));
	for (int i = 0; i < 5; i++) {
		if (i) {
			qr_expr *c = i % 2 ? qr_eq(C(users, "name"), TXT("x"))
					   : qr_eq(C(users, "id"), INT(i));
			s = qr_stmt_add(s, qr_where(c));
		}
		/* Twice: a miss (or a hit on another statement's entry),
		 * then through the statement's own compiled form. */
		for (int round = 0; round < 2; round++) {
			qr_compiled *c;
			qr_assert_ok(qr_compile(&c, s, "sqlite"));
			snprintf(want, sizeof(want),
				 "SELECT users.id \nFROM users \nWHERE %s",
				 where[i]);
			assert_string_equal(qr_compiled_sql(c), want);
			assert_int_equal(qr_compiled_param_count(c), i + 1);
			qr_compiled_free(c);
		}
	}
	/* Derived from a statement another reference holds: a copy. */
	qr_stmt *more = qr_stmt_add(qr_expr_ref(s),
				    qr_where(qr_eq(C(users, "id"), INT(9))));
	qr_compiled *c;
	qr_assert_ok(qr_compile(&c, s, "sqlite"));
	snprintf(want, sizeof(want), "SELECT users.id \nFROM users \nWHERE %s",
		 where[4]);
	assert_string_equal(qr_compiled_sql(c), want);
	qr_compiled_free(c);
	qr_assert_ok(qr_compile(&c, more, "sqlite"));
	snprintf(want, sizeof(want),
		 "SELECT users.id \nFROM users \nWHERE %s AND users.id = ?",
		 where[4]);
	assert_string_equal(qr_compiled_sql(c), want);
	assert_int_equal(qr_compiled_param_count(c), 6);
	qr_compiled_free(c);
	qr_stmt_free(more);
	qr_stmt_free(s);
}

static int setup(void **state)
{
	(void)state;
	qr_compile_cache_clear();
	return 0;
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup(test_pairs_never_share, setup),
	cmocka_unit_test_setup(test_same_shape_shares, setup),
	cmocka_unit_test_setup(test_kept_subtree_changed, setup),
	cmocka_unit_test_setup(test_grown_in_place, setup),
};

int main(int argc, char **argv)
{
	golden_fixtures();
	int rc = qr_test_run(argc, argv, "compile_cache_key", tests,
			     sizeof(tests) / sizeof(tests[0]));
	qr_metadata_free(g_md);
	return rc;
}
