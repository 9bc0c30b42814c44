/*
 * test_orm_populate_existing.c - query.populate_existing(): rows loaded
 * over objects already in the session replace their members and their
 * pending changes, and their relationships load again (eagerly when the
 * query says so, else at the next access), on every backend. Also
 * session.get's options, and the eager loads of a set operation's query
 * (they need this file's relationships).
 */
#define ORM_TABLE_PREFIX "qt_pe_"
#define ORM_WITH_RELATIONSHIPS
#include "orm_fixture.h"

/* Runs SQL in the session's transaction, outside the ORM. */
static void exec_sql(orm_fx *f, const char *sql)
{
	qr_stmt *st = qr_text(sql);
	qr_assert_ok(qr_session_execute(NULL, f->s, st, NULL));
	qr_stmt_free(st);
}

/* ed with one address, committed, then loaded with it; returns ed. */
static User *ed_with_address(orm_fx *f)
{
	User *ed = orm_seed(f);
	Address *a = qr_new(f->s, Address);
	assert_non_null(a);
	qr_assert_ok(qr_set_text(a, &a->email_address, "ed@home"));
	qr_assert_ok(qr_rel_append(ed, &ed->addresses, a));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(QR_LOAD(ed, addresses));
	assert_int_equal(ed->addresses.count, 1);
	return ed;
}

static User *query_ed(qr_query *q)
{
	User *u = NULL;
	qr_assert_ok(qr_query_one(
		(void **)&u, qr_query_filter_by(q, "name", qr_val_text("ed"))));
	return u;
}

/* Members changed and not flushed are overwritten by the row; without
 * populate_existing they are kept. */
static void test_members_overwritten(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *u;

	qr_session_set_autoflush(f->s, false);
	/* loaded again after the commit expired it */
	assert_ptr_equal(query_ed(qr_query(f->s, User)), ed);
	qr_assert_ok(qr_set_text(ed, &ed->fullname, "Edward Jones"));
	exec_sql(f, "UPDATE qt_pe_users SET password = 'changed' "
		    "WHERE name = 'ed'");
	assert_true(qr_session_is_modified(f->s, ed));

	/* a plain query keeps the object's state */
	u = query_ed(qr_query(f->s, User));
	assert_ptr_equal(u, ed);
	assert_string_equal(ed->fullname, "Edward Jones");
	assert_string_equal(ed->password, "f8s7ccs");

	u = query_ed(qr_query_populate_existing(qr_query(f->s, User)));
	assert_ptr_equal(u, ed);
	assert_string_equal(ed->fullname, "Ed Jones");
	assert_string_equal(ed->password, "changed");
	assert_false(qr_session_is_modified(f->s, ed));

	/* nothing left to flush */
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 0);
}

/* A lazy relationship already loaded is unloaded, and the next access
 * reads the rows again. */
static void test_lazy_relationship_reset(void **state)
{
	orm_fx *f = *state;
	User *ed = ed_with_address(f);

	exec_sql(f, "INSERT INTO qt_pe_addresses (email_address, user_id) "
		    "SELECT 'ed@work', id FROM qt_pe_users WHERE name = 'ed'");
	assert_ptr_equal(query_ed(qr_query(f->s, User)), ed);
	assert_true(QR_LOADED(ed, addresses));
	assert_int_equal(ed->addresses.count, 1);

	assert_ptr_equal(
		query_ed(qr_query_populate_existing(qr_query(f->s, User))), ed);
	assert_false(QR_LOADED(ed, addresses));
	qr_assert_ok(QR_LOAD(ed, addresses));
	assert_int_equal(ed->addresses.count, 2);
	orm_assert_list(&ed->addresses, "[<Address(email_address='ed@home')>, "
					"<Address(email_address='ed@work')>]");
}

/* Eager loads fill the relationship again, and the children's rows
 * overwrite them too. */
static void check_eager(orm_fx *f, qr_lazy how)
{
	User *ed = ed_with_address(f);
	Address *home = ed->addresses.items[0];
	qr_query *q;

	qr_session_set_autoflush(f->s, false);
	qr_assert_ok(qr_set_text(home, &home->email_address, "unsaved"));
	exec_sql(f, "INSERT INTO qt_pe_addresses (email_address, user_id) "
		    "SELECT 'ed@work', id FROM qt_pe_users WHERE name = 'ed'");
	q = qr_query_populate_existing(qr_query(f->s, User));
	q = qr_query_load(q, &qr_mapping_User, "addresses", how);
	assert_ptr_equal(query_ed(q), ed);
	assert_true(QR_LOADED(ed, addresses));
	assert_int_equal(ed->addresses.count, 2);
	assert_ptr_equal(ed->addresses.items[0], home);
	orm_assert_list(&ed->addresses, "[<Address(email_address='ed@home')>, "
					"<Address(email_address='ed@work')>]");
	assert_false(qr_session_is_modified(f->s, home));
	assert_ptr_equal(((Address *)ed->addresses.items[1])->user, ed);
}

static void test_selectin_reloaded(void **state)
{
	check_eager(*state, QR_LAZY_SELECTIN);
}

static void test_joined_reloaded(void **state)
{
	check_eager(*state, QR_LAZY_JOINED);
}

/* Objects not in the session load as usual, beside those overwritten. */
static void test_new_and_existing_rows(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f);
	qr_objlist l = QR_OBJLIST_INIT;

	qr_session_set_autoflush(f->s, false);
	qr_assert_ok(qr_set_text(ed, &ed->password, "pending"));
	exec_sql(f, "INSERT INTO qt_pe_users (name, fullname, password) "
		    "VALUES ('jack', 'Jack Bean', 'gjffdd')");
	qr_assert_ok(qr_query_all(
		&l, qr_query_order_by(
			    qr_query_populate_existing(qr_query(f->s, User)),
			    qr_attr(User, "id"))));
	assert_int_equal(l.count, 5);
	assert_ptr_equal(l.items[0], ed);
	orm_assert_list(
		&l,
		"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>, "
		"<User(name='wendy', fullname='Wendy Williams', "
		"password='foobar')>, "
		"<User(name='mary', fullname='Mary Contrary', "
		"password='xxg527')>, "
		"<User(name='fred', fullname='Fred Flinstone', "
		"password='blah')>, "
		"<User(name='jack', fullname='Jack Bean', "
		"password='gjffdd')>]");
	qr_objlist_clear(&l);
	assert_null(qr_query_populate_existing(NULL));
}

/* A set operation's query keeps the first query's loader options: the
 * relationship is joined onto its subquery, or loaded by selectin. */
static void test_union_with_eager_loads(void **state)
{
	orm_fx *f = *state;
	User *ed = ed_with_address(f);

	for (int how = 0; how < 2; how++) {
		qr_objlist l = QR_OBJLIST_INIT;
		qr_session_expunge_all(f->s);
		qr_query *a = qr_query_load(
			qr_query_filter_by(qr_query(f->s, User), "name",
					   qr_val_text("ed")),
			&qr_mapping_User, "addresses",
			how ? QR_LAZY_JOINED : QR_LAZY_SELECTIN);
		qr_query *b = qr_query_filter_by(qr_query(f->s, User), "name",
						 qr_val_text("wendy"));
		orm_log_clear(&f->log);
		qr_assert_ok(qr_query_all(
			&l, qr_query_order_by(qr_query_union(a, b),
					      qr_attr(User, "name"))));
		assert_int_equal(l.count, 2);
		assert_int_equal(orm_log_count(&f->log, "SELECT"), how ? 1 : 2);
		ed = l.items[0];
		assert_true(QR_LOADED(ed, addresses));
		orm_assert_list(&ed->addresses,
				"[<Address(email_address='ed@home')>]");
		assert_true(QR_LOADED((User *)l.items[1], addresses));
		assert_int_equal(((User *)l.items[1])->addresses.count, 0);
		qr_objlist_clear(&l);
	}
}

/* session.get(populate_existing=True, with_for_update=True). */
static void test_get_with_options(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *u = NULL;
	qr_value id;

	qr_session_set_autoflush(f->s, false);
	assert_ptr_equal(query_ed(qr_query(f->s, User)), ed);
	id = qr_val_int(ed->id);
	qr_assert_ok(qr_set_text(ed, &ed->fullname, "Edward Jones"));
	exec_sql(f, "UPDATE qt_pe_users SET password = 'changed' "
		    "WHERE name = 'ed'");

	/* plain: from the identity map, no SQL */
	orm_log_clear(&f->log);
	assert_int_equal(
		qr_session_get_with(&u, f->s, &qr_mapping_User, &id, 1, NULL),
		1);
	assert_ptr_equal(u, ed);
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 0);

	assert_int_equal(qr_session_get_with(
				 &u, f->s, &qr_mapping_User, &id, 1,
				 &(qr_get_options){.populate_existing = true}),
			 1);
	assert_ptr_equal(u, ed);
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 1);
	assert_string_equal(ed->fullname, "Ed Jones");
	assert_string_equal(ed->password, "changed");
	assert_false(qr_session_is_modified(f->s, ed));

	orm_log_clear(&f->log);
	assert_int_equal(
		qr_session_get_with(&u, f->s, &qr_mapping_User, &id, 1,
				    &(qr_get_options){.for_update = true}),
		1);
	assert_ptr_equal(u, ed);
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 1);
	assert_int_equal(orm_logged(&f->log, "FOR UPDATE"),
			 strcmp(qr_test_backend(), "sqlite") != 0);

	/* no such row; a wrong key */
	id = qr_val_int(999);
	assert_int_equal(
		qr_session_get_with(&u, f->s, &qr_mapping_User, &id, 1,
				    &(qr_get_options){.for_update = true}),
		0);
	assert_null(u);
	assert_int_equal(
		qr_session_get_with(&u, f->s, &qr_mapping_User, &id, 0,
				    &(qr_get_options){.for_update = true}),
		QR_EINVAL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_members_overwritten,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_lazy_relationship_reset,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_selectin_reloaded,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_joined_reloaded, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_new_and_existing_rows,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_get_with_options,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_union_with_eager_loads,
						orm_setup, orm_teardown),
	};
	return qr_test_run(argc, argv, "orm_populate_existing", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
