/*
 * test_executemany_returning.c - an INSERT executed with many parameter
 * sets and a RETURNING clause, on whichever URL the suite is given
 * (skipped where the dialect has no INSERT .. RETURNING): every row's
 * values come back in the order of the parameter sets, with the column
 * defaults computed per row, several columns of several types, over
 * several multi-row batches; a row failing in a later batch fails the
 * statement and a rollback leaves nothing; in AUTOCOMMIT the rows are
 * inserted one statement each, and come back all the same; every kind
 * of column default, a SQL expression included (not batched);
 * qr_result_all takes the buffered rows.
 */
#include "core_fixture.h"

#include <stdio.h>

static qr_engine *engine;
static qr_conn *conn;
static qr_metadata *md;
static qr_table *items;

/* A text default computed per row, its bytes in the scratch: "tag N". */
static int tag_fn(qr_value *out, qr_scratch *s, void *arg)
{
	int *n = arg;
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "tag %d", ++*n);
	char *copy = qr_scratch_strndup(s, buf, (size_t)len);
	if (!copy)
		return QR_ENOMEM;
	*out = qr_val_textn(copy, (size_t)len);
	return 0;
}

static int tags;

static void test_setup(void **state)
{
	(void)state;
	engine = qr_test_engine();
	conn = qr_test_connect(engine);
	md = qr_metadata_new();
	items = qr_table(
		md, "qt_mret", qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("name", qr_string(40), .not_null = true,
			  .unique = true),
		qr_column("born", QR_DATE), qr_column("weight", QR_FLOAT),
		qr_column("status", qr_string(10),
			  .default_value = qr_val_text("new")),
		qr_column("tag", qr_string(20), .default_fn = tag_fn,
			  .default_arg = &tags),
		qr_column("score", QR_INTEGER, .server_default = "7"));
	assert_non_null(items);
	qr_assert_ok(qr_metadata_drop_all_conn(md, conn, true));
	qr_assert_ok(qr_metadata_create_all_conn(md, conn, true));
	qr_assert_ok(qr_conn_commit(conn));
}

static void test_teardown(void **state)
{
	(void)state;
	qr_conn_rollback(conn);
	qr_metadata_drop_all_conn(md, conn, true);
	qr_conn_commit(conn);
	qr_metadata_free(md);
	qr_conn_free(conn);
	qr_engine_free(engine);
}

/* Each test starts from an empty table, outside any transaction. */
static int reset(void **state)
{
	(void)state;
	qr_conn_rollback(conn);
	run_count(conn, qr_delete(items), NULL);
	qr_assert_ok(qr_conn_commit(conn));
	tags = 0;
	return 0;
}

static bool skipped(void)
{
	if (qr_test_insert_returning(engine))
		return false;
	skip(); /* MySQL has no RETURNING (MariaDB 10.5+ has) */
	return true;
}

/* Row i (1-based) of n: name "item i", born 2000-01-01 + i % 28 days,
 * weight i / 4 (NULL for every tenth row); dup: the row whose name
 * repeats row 3's. */
static qr_params *item_rows(size_t n, size_t dup)
{
	qr_params *p = qr_params_new();
	char name[32];
	for (size_t i = 1; i <= n; i++) {
		if (i > 1)
			qr_assert_ok(qr_params_next_row(p));
		snprintf(name, sizeof(name), "item %zu", i == dup ? 3 : i);
		qr_assert_ok(qr_params_text(p, "name", name));
		qr_assert_ok(qr_params_set(
			p, "born", qr_val_date(2000, 1, 1 + (int)(i % 28))));
		qr_assert_ok(qr_params_set(p, "weight",
					   i % 10 ? qr_val_double((double)i / 4)
						  : qr_val_null()));
	}
	return p;
}

static int64_t count_items(void)
{
	qr_result *r;
	const qr_value *v;
	int64_t n = -1;
	qr_assert_ok(qr_conn_execute_text(
		&r, conn, "SELECT count(*) FROM qt_mret", NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(r);
	return n;
}

static qr_stmt *insert_returning(void)
{
	return qr_insert(items,
			 qr_returning(C(items, "id"), C(items, "name"),
				      C(items, "born"), C(items, "weight"),
				      C(items, "status"), C(items, "tag"),
				      C(items, "score")));
}

/* 2,345 rows (several multi-row batches and a shorter one): every row
 * comes back in the order of its parameter set, the generated keys
 * ascending, with the values given, the defaults computed per row (the
 * per-row text default's bytes in the scratch) and the server's. */
static void test_rows_in_order_with_defaults(void **state)
{
	(void)state;
	if (skipped())
		return;
	const size_t n = 2345;
	qr_params *p = item_rows(n, 0);
	qr_stmt *s = insert_returning();
	qr_result *r;
	const qr_row *row;
	size_t i = 0;
	int64_t prev = 0;
	qr_assert_ok(qr_conn_execute(&r, conn, s, p));
	/* The parameters are not needed for the rows. */
	qr_params_free(p);
	assert_int_equal(qr_result_column_count(r), 7);
	while (qr_result_next(r, &row) == 1) {
		char want[32];
		const char *text;
		int64_t id, score;
		qr_date born;
		double weight;
		i++;
		qr_assert_ok(qr_row_int64(row, 0, &id));
		assert_true(id > prev);
		prev = id;
		qr_assert_ok(qr_row_text(row, 1, &text));
		snprintf(want, sizeof(want), "item %zu", i);
		assert_string_equal(text, want);
		qr_assert_ok(qr_row_date(row, 2, &born));
		assert_int_equal(born.year, 2000);
		assert_int_equal(born.day, 1 + i % 28);
		if (i % 10) {
			qr_assert_ok(qr_row_double(row, 3, &weight));
			assert_true(weight == (double)i / 4);
		} else {
			assert_true(qr_row_is_null(row, 3));
		}
		qr_assert_ok(qr_row_text(row, 4, &text));
		assert_string_equal(text, "new");
		qr_assert_ok(qr_row_text(row, 5, &text));
		snprintf(want, sizeof(want), "tag %zu", i);
		assert_string_equal(text, want);
		qr_assert_ok(qr_row_int64(row, 6, &score));
		assert_int_equal(score, 7);
	}
	assert_int_equal(i, n);
	assert_int_equal(qr_result_rowcount(r), (int64_t)n);
	qr_result_free(r);
	qr_stmt_free(s);
	/* What was written is what came back. */
	char *got = rows_of(
		conn,
		qr_select(qr_cols(items, "tag", "name"),
			  qr_where(qr_eq(C(items, "name"), TXT("item 2000")))),
		NULL);
	assert_string_equal(got, "('tag 2000', 'item 2000')\n");
	free(got);
	qr_assert_ok(qr_conn_commit(conn));
	assert_int_equal(count_items(), (int64_t)n);
}

/* Row 1,700 (in a later batch) repeats a unique name: the statement
 * fails with an integrity error, no rows come back, and a rollback
 * leaves none of the rows of the earlier batches. */
static void test_failure_in_later_batch(void **state)
{
	(void)state;
	if (skipped())
		return;
	qr_params *p = item_rows(2000, 1700);
	qr_stmt *s = insert_returning();
	qr_result *r = NULL;
	int rc = qr_conn_execute(&r, conn, s, p);
	assert_int_equal(rc, QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	assert_null(r);
	qr_assert_ok(qr_conn_rollback(conn));
	assert_int_equal(count_items(), 0);
	/* The connection goes on: the same statement runs again. */
	qr_params_free(p);
	p = item_rows(1200, 0);
	qr_assert_ok(qr_conn_execute(&r, conn, s, p));
	assert_int_equal(qr_result_rowcount(r), 1200);
	qr_result_free(r);
	qr_assert_ok(qr_conn_commit(conn));
	assert_int_equal(count_items(), 1200);
	qr_params_free(p);
	qr_stmt_free(s);
}

/* Outside a transaction (AUTOCOMMIT) the rows go one statement each, as
 * an executemany that is not batched: every row is inserted, with its
 * defaults, and its row comes back, in order. */
static void test_autocommit(void **state)
{
	(void)state;
	if (skipped())
		return;
	qr_conn *c = qr_test_connect(engine);
	qr_params *p = item_rows(300, 0);
	qr_stmt *s = insert_returning();
	qr_result *r;
	const qr_row *row;
	qr_assert_ok(qr_conn_set_isolation(c, QR_ISOLATION_AUTOCOMMIT));
	qr_assert_ok(qr_conn_execute(&r, c, s, p));
	size_t i = 0;
	while (qr_result_next(r, &row) == 1) {
		const char *name;
		char want[32];
		qr_assert_ok(qr_row_text(row, 1, &name));
		snprintf(want, sizeof(want), "item %zu", ++i);
		assert_string_equal(name, want);
	}
	assert_int_equal(i, 300);
	assert_int_equal(qr_result_rowcount(r), 300);
	qr_result_free(r);
	qr_params_free(p);
	qr_stmt_free(s);
	qr_conn_free(c);
	assert_int_equal(count_items(), 300);
	char *got = rows_of(
		conn,
		qr_select(qr_cols(items, "tag", "status"),
			  qr_where(qr_eq(C(items, "name"), TXT("item 300")))),
		NULL);
	assert_string_equal(got, "('tag 300', 'new')\n");
	free(got);
}

/* qr_result_all takes the rows: all of them when none was read (they
 * are buffered already), the rest otherwise; they outlive the result,
 * with their column names, and the result has no more rows. */
static void test_all_rows(void **state)
{
	(void)state;
	if (skipped())
		return;
	for (int read_first = 0; read_first < 2; read_first++) {
		qr_params *p = item_rows(1500, 0);
		qr_stmt *s = qr_insert(
			items, qr_returning(C(items, "id"), C(items, "name")));
		qr_result *r;
		qr_rowset *rows;
		const qr_row *row;
		const char *name;
		char want[32];
		size_t skip = read_first ? 1 : 0;
		qr_assert_ok(qr_conn_execute(&r, conn, s, p));
		qr_params_free(p);
		qr_stmt_free(s);
		if (read_first)
			assert_int_equal(qr_result_next(r, &row), 1);
		qr_assert_ok(qr_result_all(&rows, r));
		assert_int_equal(qr_result_next(r, &row), 0);
		qr_result_free(r);
		assert_int_equal(qr_rowset_count(rows), 1500 - skip);
		for (size_t i = 0; i < qr_rowset_count(rows); i++) {
			row = qr_rowset_row(rows, i);
			assert_string_equal(qr_row_column_name(row, 1), "name");
			qr_assert_ok(qr_row_text(row, 1, &name));
			snprintf(want, sizeof(want), "item %zu", i + 1 + skip);
			assert_string_equal(name, want);
		}
		qr_rowset_free(rows);
		qr_assert_ok(qr_conn_rollback(conn));
	}
}

/*
 * Every kind of column default with an executemany and RETURNING: a
 * value, a function computed per row, a SQL expression (rendered in the
 * VALUES tuple, with a bound value of its own: the statement cannot be
 * sent as multi-row batches, so each row is executed alone, as
 * SQLAlchemy's insertmanyvalues does then) and the server's. One row
 * comes back per parameter set, in order, inside a transaction and in
 * AUTOCOMMIT; without RETURNING the rows are inserted all the same.
 */
static void test_every_default_kind(void **state)
{
	(void)state;
	if (skipped())
		return;
	qr_metadata *md2 = qr_metadata_new();
	qr_table *t = qr_table(
		md2, "qt_mret_defaults",
		qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("name", qr_string(40)),
		qr_column("status", qr_string(10),
			  .default_value = qr_val_text("new")),
		qr_column("tag", qr_string(20), .default_fn = tag_fn,
			  .default_arg = &tags),
		qr_column("code", qr_string(10),
			  .default_expr = qr_func("upper", TXT("abc"))),
		qr_column("score", QR_INTEGER, .server_default = "7"));
	assert_non_null(t);
	qr_assert_ok(qr_metadata_drop_all_conn(md2, conn, true));
	qr_assert_ok(qr_metadata_create_all_conn(md2, conn, true));
	qr_assert_ok(qr_conn_commit(conn));
	qr_conn *ac = qr_test_connect(engine);
	qr_assert_ok(qr_conn_set_isolation(ac, QR_ISOLATION_AUTOCOMMIT));
	size_t sizes[] = {2, 3, 300};
	size_t total = 0;
	for (int autocommit = 0; autocommit < 2; autocommit++) {
		qr_conn *c = autocommit ? ac : conn;
		for (size_t k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
			size_t n = sizes[k];
			qr_params *p = qr_params_new();
			char name[32], want[32];
			for (size_t i = 1; i <= n; i++) {
				if (i > 1)
					qr_assert_ok(qr_params_next_row(p));
				snprintf(name, sizeof(name), "n%zu-%zu", k, i);
				qr_assert_ok(qr_params_text(p, "name", name));
			}
			tags = 0;
			qr_stmt *s = qr_insert(
				t, qr_returning(C(t, "id"), C(t, "name"),
						C(t, "status"), C(t, "tag"),
						C(t, "code"), C(t, "score")));
			qr_result *r;
			const qr_row *row;
			const char *text;
			int64_t id, prev = 0, score;
			size_t i = 0;
			qr_assert_ok(qr_conn_execute(&r, c, s, p));
			while (qr_result_next(r, &row) == 1) {
				i++;
				qr_assert_ok(qr_row_int64(row, 0, &id));
				assert_true(id > prev);
				prev = id;
				qr_assert_ok(qr_row_text(row, 1, &text));
				snprintf(want, sizeof(want), "n%zu-%zu", k, i);
				assert_string_equal(text, want);
				qr_assert_ok(qr_row_text(row, 2, &text));
				assert_string_equal(text, "new");
				qr_assert_ok(qr_row_text(row, 3, &text));
				snprintf(want, sizeof(want), "tag %zu", i);
				assert_string_equal(text, want);
				qr_assert_ok(qr_row_text(row, 4, &text));
				assert_string_equal(text, "ABC");
				qr_assert_ok(qr_row_int64(row, 5, &score));
				assert_int_equal(score, 7);
			}
			assert_int_equal(i, n);
			assert_int_equal(qr_result_rowcount(r), (int64_t)n);
			qr_result_free(r);
			qr_stmt_free(s);
			/* Without RETURNING. */
			s = qr_insert(t);
			qr_assert_ok(qr_conn_execute(&r, c, s, p));
			assert_int_equal(qr_result_rowcount(r), (int64_t)n);
			qr_result_free(r);
			qr_stmt_free(s);
			qr_params_free(p);
			total += 2 * n;
		}
		qr_assert_ok(qr_conn_commit(conn));
	}
	qr_conn_free(ac);
	char *got =
		rows_of(conn,
			qr_select(qr_func("count", C(t, "id")),
				  qr_where(qr_eq(C(t, "code"), TXT("ABC")))),
			NULL);
	char want[32];
	snprintf(want, sizeof(want), "(%zu,)\n", total);
	assert_string_equal(got, want);
	free(got);
	qr_assert_ok(qr_metadata_drop_all_conn(md2, conn, true));
	qr_assert_ok(qr_conn_commit(conn));
	qr_metadata_free(md2);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_setup),
	cmocka_unit_test_setup(test_rows_in_order_with_defaults, reset),
	cmocka_unit_test_setup(test_failure_in_later_batch, reset),
	cmocka_unit_test_setup(test_autocommit, reset),
	cmocka_unit_test_setup(test_all_rows, reset),
	cmocka_unit_test_setup(test_every_default_kind, reset),
	cmocka_unit_test(test_teardown),
};

QR_TEST_MAIN("executemany_returning", tests)
