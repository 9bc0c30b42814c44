/*
 * test_orm_get_lookup.c - qr_session_get when the identity map is empty
 * (the session expunged, nothing loaded yet): the key is checked as
 * before without an identity key being made, the row is loaded and the
 * object enters the map; autoflush still writes what the session holds
 * (pending, deleted objects) and skips the flush when it holds nothing.
 * Also get() after expunge, expire and delete.
 */
#define ORM_TABLE_PREFIX "qt_gl_"
#include "orm_fixture.h"

/* A key of 32 bits: values past its range are refused. */
typedef struct Small {
	int32_t id;
	char *name;
} Small;

QR_MAPPING(Small, ORM_TABLE_PREFIX "small",
	   QR_FIELD(Small, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Small, name, qr_string(20)));

static int setup(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(User), QR_MAPPING_OF(Small),
				    NULL};
	*state = orm_fx_new_with(maps, NULL);
	return 0;
}

/* Rows of users: count(*), by the session's connection. */
static int64_t count_users(orm_fx *f)
{
	return orm_scalar(f, "SELECT count(*) FROM " ORM_TABLE_PREFIX "users");
}

static void test_get_in_empty_map(void **state)
{
	orm_fx *f = *state;
	User *got = NULL, *again = NULL;

	orm_seed(f);
	qr_session_expunge_all(f->s);
	orm_log_clear(&f->log);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(1)), 1);
	assert_string_equal(got->name, "ed");
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 1);
	assert_int_equal(qr_object_state(got), QR_STATE_PERSISTENT);
	/* in the map now: found there, no SQL */
	orm_log_clear(&f->log);
	assert_int_equal(qr_get(&again, f->s, User, qr_val_int(1)), 1);
	assert_ptr_equal(again, got);
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 0);
	/* expunged: the map is empty again, the row read again */
	qr_assert_ok(qr_session_expunge(f->s, got));
	orm_log_clear(&f->log);
	assert_int_equal(qr_get(&again, f->s, User, qr_val_int(1)), 1);
	assert_string_equal(again->name, "ed");
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 1);
	assert_true(qr_session_contains(f->s, again));
	/* no such row */
	qr_session_expunge_all(f->s);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(99)), 0);
	assert_null(got);
	qr_object_free(got);
}

static void test_get_after_expire_and_delete(void **state)
{
	orm_fx *f = *state;
	User *u = NULL, *got = NULL;

	orm_seed(f);
	qr_session_expunge_all(f->s);
	assert_int_equal(qr_get(&u, f->s, User, qr_val_int(2)), 1);
	/* expired: loaded again, the same object */
	qr_assert_ok(qr_session_expire(f->s, u));
	orm_log_clear(&f->log);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(2)), 1);
	assert_ptr_equal(got, u);
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 1);
	assert_string_equal(got->name, "wendy");
	/* deleted, not flushed: the get of another row autoflushes the
	 * DELETE first */
	qr_assert_ok(qr_session_delete(f->s, u));
	orm_log_clear(&f->log);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(3)), 1);
	assert_int_equal(orm_log_count(&f->log, "DELETE"), 1);
	assert_string_equal(got->name, "mary");
	/* flushed: the map holds no row 2; get() finds none */
	qr_session_expunge_all(f->s);
	orm_log_clear(&f->log);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(2)), 0);
	assert_null(got);
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 1);
	assert_int_equal(count_users(f), 3);
	qr_assert_ok(qr_session_rollback(f->s));
	assert_int_equal(count_users(f), 4);
}

/* A pending object is not in the identity map: get() in an otherwise
 * empty map autoflushes it, then finds it. */
static void test_get_autoflushes_pending(void **state)
{
	orm_fx *f = *state;
	User *u, *got = NULL;

	orm_seed(f);
	qr_session_expunge_all(f->s);
	u = orm_user(f->s, "jack", "Jack Bean", "gjffdd");
	u->id = 50;
	qr_assert_ok(qr_session_add(f->s, u));
	orm_log_clear(&f->log);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(50)), 1);
	assert_ptr_equal(got, u);
	assert_int_equal(orm_log_count(&f->log, "INSERT"), 1);
	assert_int_equal(qr_object_state(u), QR_STATE_PERSISTENT);
	/* autoflush off: the pending object is not written, nor found */
	qr_session_expunge_all(f->s);
	qr_session_set_autoflush(f->s, false);
	u = orm_user(f->s, "jill", "Jill Bean", "x");
	u->id = 51;
	qr_assert_ok(qr_session_add(f->s, u));
	orm_log_clear(&f->log);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(51)), 0);
	assert_int_equal(orm_log_count(&f->log, "INSERT"), 0);
	assert_int_equal(qr_object_state(u), QR_STATE_PENDING);
	qr_session_set_autoflush(f->s, true);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(count_users(f), 6);
}

/* The key's checks are the same whether the map is empty or not. */
static void test_get_key_checks_in_empty_map(void **state)
{
	orm_fx *f = *state;
	User *got = NULL;
	Small *sm, *sgot = NULL;
	qr_value two[2] = {qr_val_int(1), qr_val_int(2)};

	orm_seed(f);
	sm = qr_new(f->s, Small);
	assert_non_null(sm);
	sm->id = 7;
	qr_assert_ok(qr_set_text(sm, &sm->name, "seven"));
	qr_assert_ok(qr_session_add(f->s, sm));
	qr_assert_ok(qr_session_commit(f->s));
	for (int round = 0; round < 2; round++) {
		/* round 0: empty map; round 1: row 1 in the map */
		qr_session_expunge_all(f->s);
		if (round)
			assert_int_equal(
				qr_get(&got, f->s, User, qr_val_int(1)), 1);
		assert_int_equal(
			qr_session_get(&got, f->s, QR_MAPPING_OF(User), two, 2),
			QR_EINVAL);
		assert_int_equal(qr_session_get(&got, f->s, QR_MAPPING_OF(User),
						NULL, 0),
				 QR_EINVAL);
		orm_log_clear(&f->log);
		assert_int_equal(qr_get(&got, f->s, User, qr_val_null()), 0);
		assert_int_equal(orm_log_count(&f->log, "SELECT"), 0);
		/* a key given as text is converted */
		assert_int_equal(qr_get(&got, f->s, User, qr_val_text("4")), 1);
		assert_string_equal(got->name, "fred");
		/* 32 bits */
		assert_int_equal(qr_get(&sgot, f->s, Small,
					qr_val_int(INT64_C(1) << 40)),
				 QR_ERANGE);
		assert_int_equal(qr_get(&sgot, f->s, Small, qr_val_int(7)), 1);
		assert_string_equal(sgot->name, "seven");
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_in_empty_map, setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(
			test_get_after_expire_and_delete, setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_get_autoflushes_pending,
						setup, orm_teardown),
		cmocka_unit_test_setup_teardown(
			test_get_key_checks_in_empty_map, setup, orm_teardown),
	};
	return qr_test_run(argc, argv, "orm_get_lookup", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
