/*
 * test_orm_computed.c - computed columns (SQLAlchemy's Computed()): the
 * database makes their values; the ORM leaves them out of INSERTs and
 * reads them back with the row, on every backend.
 */
#define ORM_TABLE_PREFIX "qt_cp_"
#include "orm_fixture.h"

typedef struct Line {
	int64_t id;
	int64_t price, qty;
	int64_t total;
} Line;
QR_MAPPING(Line, "qt_cp_lines",
	   QR_FIELD(Line, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Line, price, QR_INTEGER), QR_FIELD(Line, qty, QR_INTEGER),
	   QR_FIELD(Line, total, QR_INTEGER, .computed = "price * qty",
		    .computed_persisted = QR_PERSISTED_STORED));

static int setup(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Line), NULL};
	*state = orm_fx_new_with(maps, NULL);
	return 0;
}

static void test_computed(void **state)
{
	orm_fx *f = *state;
	Line *l = qr_new(f->s, Line), *again = NULL;
	int64_t id;

	assert_non_null(l);
	QR_SET(l, price, 7);
	QR_SET(l, qty, 3);
	qr_assert_ok(qr_session_add(f->s, l));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	/* the INSERT leaves the computed column to the database */
	assert_true(orm_logged(&f->log, "(price, qty)"));
	assert_false(orm_logged(&f->log, "(price, qty, total)"));
	id = l->id;
	qr_assert_ok(qr_session_load(f->s, l));
	assert_int_equal(l->total, 21);

	/* a change of its inputs: computed again, read by the next load */
	QR_SET(l, qty, 10);
	qr_assert_ok(qr_session_flush(f->s));
	assert_true(qr_object_expired(l));
	qr_assert_ok(qr_session_load(f->s, l));
	assert_int_equal(l->total, 70);
	assert_int_equal(l->qty, 10);
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_expunge_all(f->s);
	assert_int_equal(qr_get(&again, f->s, Line, qr_val_int(id)), 1);
	assert_int_equal(again->total, 70);
	assert_non_null(qr_column_computed(
		qr_table_column(qr_mapper_table(qr_object_mapper(again)),
				"total"),
		NULL));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_computed, setup,
						orm_teardown),
	};
	return qr_test_run(argc, argv, "orm_computed", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
