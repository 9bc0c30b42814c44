/*
 * test_orm_bulk_mappings.c - ORM bulk INSERT and UPDATE by primary key
 * from rows of member values: the statements sent, runs of rows naming
 * the same members, objects returned by RETURNING, the session's objects
 * after an UPDATE, and errors, on every backend.
 */
#define ORM_TABLE_PREFIX "qt_bm_"
#include "orm_fixture.h"

/* rows of (name, fullname[, password]) */
static qr_params *user_rows(const char *const (*rows)[3], size_t n)
{
	qr_params *p = qr_params_new();
	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		if (i)
			qr_assert_ok(qr_params_next_row(p));
		qr_assert_ok(qr_params_text(p, "name", rows[i][0]));
		qr_assert_ok(qr_params_text(p, "fullname", rows[i][1]));
		if (rows[i][2])
			qr_assert_ok(qr_params_text(p, "password", rows[i][2]));
	}
	return p;
}

static void test_insert(void **state)
{
	orm_fx *f = *state;
	const char *const rows[][3] = {
		{"spongebob", "Spongebob Squarepants", NULL},
		{"sandy", "Sandy Cheeks", NULL},
		{"patrick", "Patrick Star", "star"},
		{"squidward", "Squidward Tentacles", "clarinet"},
		{"ehkrabs", "Eugene H. Krabs", NULL}};
	qr_params *p = user_rows(rows, 5);

	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_bulk_insert(NULL, f->s, &qr_mapping_User, p));
	qr_params_free(p);
	/* three runs: the rows naming the same members together (MySQL
	 * sends each row of a run on its own) */
	assert_true(orm_log_count(&f->log, "INSERT INTO qt_bm_users "
					   "(name, fullname) VALUES") >= 2);
	assert_true(orm_log_count(&f->log, "INSERT INTO qt_bm_users "
					   "(name, fullname, password) "
					   "VALUES") >= 1);
	/* no objects */
	qr_objlist l = QR_OBJLIST_INIT;
	qr_assert_ok(qr_session_new_list(&l, f->s));
	assert_int_equal(l.count, 0);
	qr_objlist_clear(&l);
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_bm_users"), 5);
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_bm_users "
				       "WHERE password IS NULL"),
			 3);
	qr_assert_ok(qr_session_commit(f->s));
}

static void test_insert_returning(void **state)
{
	orm_fx *f = *state;
	const char *const rows[][3] = {{"ann", "Ann A", "a"},
				       {"bob", "Bob B", "b"}};
	qr_params *p = user_rows(rows, 2);
	qr_objlist got = QR_OBJLIST_INIT;
	User *u = NULL;

	qr_assert_ok(qr_session_bulk_insert(&got, f->s, &qr_mapping_User, p));
	qr_params_free(p);
	assert_int_equal(got.count, 2);
	orm_assert_list(&got, "[<User(name='ann', fullname='Ann A', "
			      "password='a')>, <User(name='bob', "
			      "fullname='Bob B', password='b')>]");
	u = got.items[1];
	assert_true(u->id > 0);
	assert_int_equal(qr_object_state(u), QR_STATE_PERSISTENT);
	/* the very object, from the identity map */
	User *again = NULL;
	assert_int_equal(qr_get(&again, f->s, User, qr_val_int(u->id)), 1);
	assert_ptr_equal(again, u);
	qr_objlist_clear(&got);
	qr_assert_ok(qr_session_commit(f->s));
}

static void test_update(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f);
	qr_params *p = qr_params_new();
	int64_t matched = -1;

	qr_assert_ok(qr_session_load(f->s, ed));
	qr_assert_ok(qr_params_int(p, "id", ed->id));
	qr_assert_ok(qr_params_text(p, "fullname", "Edward Jones"));
	qr_assert_ok(qr_params_next_row(p));
	qr_assert_ok(qr_params_int(p, "id", ed->id + 1));
	qr_assert_ok(qr_params_text(p, "fullname", "Wendy W."));
	qr_assert_ok(qr_params_next_row(p));
	qr_assert_ok(qr_params_int(p, "id", 999));
	qr_assert_ok(qr_params_text(p, "fullname", "Nobody"));
	orm_log_clear(&f->log);
	qr_assert_ok(
		qr_session_bulk_update(&matched, f->s, &qr_mapping_User, p));
	qr_params_free(p);
	assert_int_equal(
		orm_log_count(&f->log, "UPDATE qt_bm_users SET fullname="), 1);
	assert_true(orm_logged(&f->log, "WHERE qt_bm_users.id = "));
	assert_int_equal(matched, 2);
	/* the session's object holds the value, as loaded state */
	assert_string_equal(ed->fullname, "Edward Jones");
	assert_false(qr_session_is_modified(f->s, ed));
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_bm_users "
				       "WHERE fullname IN ('Edward Jones', "
				       "'Wendy W.')"),
			 2);
	qr_assert_ok(qr_session_commit(f->s));
}

static void test_errors(void **state)
{
	orm_fx *f = *state;
	qr_params *p = qr_params_new();

	qr_assert_ok(qr_params_text(p, "fullname", "x"));
	assert_int_equal(
		qr_session_bulk_update(NULL, f->s, &qr_mapping_User, p),
		QR_EINVAL);
	assert_non_null(
		strstr(qr_error_last()->message, "No primary key value"));
	qr_params_reset(p);
	qr_assert_ok(qr_params_text(p, "nosuch", "x"));
	assert_int_equal(
		qr_session_bulk_insert(NULL, f->s, &qr_mapping_User, p),
		QR_ECOLUMN);
	assert_non_null(strstr(qr_error_last()->message, "nosuch"));
	assert_int_equal(
		qr_session_bulk_insert(NULL, NULL, &qr_mapping_User, p),
		QR_EINVAL);
	qr_params_free(p);

	/* a constraint violation: the database's error */
	p = qr_params_new();
	qr_assert_ok(qr_params_int(p, "user_id", 1));
	assert_true(qr_session_bulk_insert(NULL, f->s, &qr_mapping_Address,
					   p) != 0);
	qr_params_free(p);
	qr_assert_ok(qr_session_rollback(f->s));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_insert, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_insert_returning,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_update, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_errors, orm_setup,
						orm_teardown),
	};
	return qr_test_run(argc, argv, "orm_bulk_mappings", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
