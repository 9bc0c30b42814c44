/*
 * test_orm_defer.c - load_only(), defer(), undefer(): the columns the
 * SELECT reads, deferred members left zero and read by
 * qr_session_load(), flushes of loaded and deferred members, objects
 * already loaded, and errors, on every backend.
 */
#define ORM_TABLE_PREFIX "qt_df_"
#include "orm_fixture.h"

/* A mapping with a member deferred by default. */
typedef struct Profile {
	int64_t id;
	char *name;
	char *bio;
} Profile;
QR_MAPPING(Profile, "qt_df_profiles",
	   QR_FIELD(Profile, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Profile, name, qr_string(30)),
	   QR_FIELD(Profile, bio, QR_TEXT), QR_DEFERRED("bio"),
	   QR_REPR("name"));

/* The same, deferring its key: refused when mapped. */
typedef struct BadProfile {
	int64_t id;
} BadProfile;
QR_MAPPING(BadProfile, "qt_df_bad",
	   QR_FIELD(BadProfile, id, QR_INTEGER, .primary_key = true),
	   QR_DEFERRED("id"));

static int setup_profiles(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Profile), NULL};
	*state = orm_fx_new_with(maps, NULL);
	return 0;
}

static qr_query *ed_query(orm_fx *f)
{
	return qr_query_filter_by(qr_query(f->s, User), "name",
				  qr_val_text("ed"));
}

static User *one(qr_query *q)
{
	User *u = NULL;
	qr_assert_ok(qr_query_one((void **)&u, q));
	return u;
}

static void test_load_only(void **state)
{
	orm_fx *f = *state;
	qr_query *q;
	User *ed;

	orm_seed(f);
	qr_session_expunge_all(f->s);
	q = qr_load_only(ed_query(f), User, "name");
	orm_assert_query_sql(q,
			     "SELECT qt_df_users.id, qt_df_users.name \nFROM "
			     "qt_df_users \nWHERE qt_df_users.name = 'ed'");
	ed = one(q);
	assert_string_equal(ed->name, "ed");
	assert_null(ed->fullname);
	assert_null(ed->password);
	assert_true(ed->id > 0);
	assert_true(qr_object_expired(ed));
	assert_false(qr_session_is_modified(f->s, ed));

	/* the rest of the row on demand */
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 1);
	assert_string_equal(ed->fullname, "Ed Jones");
	assert_string_equal(ed->password, "f8s7ccs");
	assert_false(qr_object_expired(ed));
}

static void test_flush_of_partial_object(void **state)
{
	orm_fx *f = *state;
	User *ed;

	orm_seed(f);
	qr_session_expunge_all(f->s);
	ed = one(qr_load_only(ed_query(f), User, "name", "fullname"));
	/* a loaded member changed: only it is written */
	qr_assert_ok(qr_set_text(ed, &ed->fullname, "Edward Jones"));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE qt_df_users SET "
						"fullname="),
			 1);
	/* a deferred member set without loading it: written too */
	qr_assert_ok(qr_set_text(ed, &ed->password, "newpass"));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE qt_df_users SET "
						"password="),
			 1);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_df_users "
				       "WHERE fullname = 'Edward Jones' AND "
				       "password = 'newpass'"),
			 1);
}

static void test_load_keeps_changes(void **state)
{
	orm_fx *f = *state;
	User *ed;

	orm_seed(f);
	qr_session_expunge_all(f->s);
	ed = one(qr_defer(ed_query(f), User, "password"));
	assert_string_equal(ed->fullname, "Ed Jones");
	assert_null(ed->password);
	qr_assert_ok(qr_set_text(ed, &ed->fullname, "changed"));
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_string_equal(ed->fullname, "changed");
	assert_string_equal(ed->password, "f8s7ccs");
	assert_true(qr_session_is_modified(f->s, ed));
}

static void test_defer_undefer(void **state)
{
	orm_fx *f = *state;
	User *ed;
	qr_query *q;

	ed = orm_seed(f);

	q = qr_defer(qr_defer(ed_query(f), User, "password"), User, "fullname");
	orm_assert_query_sql(q,
			     "SELECT qt_df_users.id, qt_df_users.name \nFROM "
			     "qt_df_users \nWHERE qt_df_users.name = 'ed'");
	qr_query_free(q);
	q = qr_undefer(qr_defer(ed_query(f), User, "password"), User,
		       "password");
	orm_assert_query_sql(
		q, "SELECT qt_df_users.id, qt_df_users.name, "
		   "qt_df_users.fullname, qt_df_users.password \nFROM "
		   "qt_df_users \nWHERE qt_df_users.name = 'ed'");
	qr_query_free(q);
	/* an object loaded already is left as it is */
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_ptr_equal(one(qr_load_only(ed_query(f), User, "name")), ed);
	assert_string_equal(ed->password, "f8s7ccs");
	assert_false(qr_object_expired(ed));
}

static void test_errors(void **state)
{
	orm_fx *f = *state;

	assert_null(qr_defer(ed_query(f), User, "id"));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "primary key"));
	assert_null(qr_load_only(ed_query(f), User, "nosuch"));
	assert_int_equal(qr_error_last()->code, QR_ECOLUMN);
	assert_null(qr_defer(ed_query(f), Address, "email_address"));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "root entities"));
	assert_null(qr_defer(NULL, User, "name"));
}

static void test_mapping_deferred(void **state)
{
	orm_fx *f = *state;
	Profile *p = qr_new(f->s, Profile), *q = NULL;
	qr_registry *reg;
	qr_query *qq;

	assert_non_null(p);
	qr_assert_ok(qr_set_text(p, &p->name, "ann"));
	qr_assert_ok(qr_set_text(p, &p->bio, "a long story"));
	qr_assert_ok(qr_session_add(f->s, p));
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_expunge_all(f->s);

	qq = qr_query(f->s, Profile);
	orm_assert_query_sql(
		qq, "SELECT qt_df_profiles.id, qt_df_profiles.name \nFROM "
		    "qt_df_profiles");
	qr_assert_ok(qr_query_one((void **)&q, qq));
	assert_string_equal(q->name, "ann");
	assert_null(q->bio);
	qr_assert_ok(qr_session_load(f->s, q));
	assert_string_equal(q->bio, "a long story");

	/* undefer: in the SELECT */
	qr_session_expunge_all(f->s);
	q = NULL;
	qr_assert_ok(
		qr_query_one((void **)&q, qr_undefer(qr_query(f->s, Profile),
						     Profile, "bio")));
	assert_string_equal(q->bio, "a long story");
	assert_false(qr_object_expired(q));

	/* session.get reads every column */
	int64_t id = q->id;
	qr_session_expunge_all(f->s);
	q = NULL;
	assert_int_equal(qr_get(&q, f->s, Profile, qr_val_int(id)), 1);
	assert_string_equal(q->bio, "a long story");

	qr_assert_ok(qr_registry_new(&reg, NULL));
	assert_int_equal(qr_registry_map(NULL, reg, QR_MAPPING_OF(BadProfile)),
			 QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "primary key"));
	qr_registry_free(reg);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_only, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_flush_of_partial_object,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_load_keeps_changes,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_defer_undefer, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_errors, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_mapping_deferred,
						setup_profiles, orm_teardown),
	};
	return qr_test_run(argc, argv, "orm_defer", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
