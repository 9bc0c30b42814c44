/*
 * test_orm_tutorial.c - SQLAlchemy's ORM tutorial, steps 1 to 8, one
 * test per step run in order on one engine, checking the results in the
 * tutorial's repr format and the SQL the engine echoes: the autoflush
 * INSERT before the SELECT, one UPDATE and the INSERTs of three rows at
 * commit, and the SELECT that loads an expired object after commit.
 */
#define ORM_WITH_RELATIONSHIPS
#include "orm_fixture.h"

static struct {
	orm_log log;
	qr_engine *engine;
	qr_registry *Base;
	qr_mapper *user_mapper;
	qr_sessionmaker *Session;
	qr_session *session;
	User *ed_user;
	User *fake_user;
} t;

/* The statements echoed since the last clear, BEGIN/COMMIT included,
 * parameters left out; checks each starts with the expected prefix. */
static void expect_sql(const char *const *prefixes, size_t n)
{
	size_t got = orm_log_stmt_count(&t.log);
	for (size_t i = 0; i < n && i < got; i++)
		if (strncmp(orm_log_stmt(&t.log, i), prefixes[i],
			    strlen(prefixes[i])) != 0)
			fail_msg("statement %zu: expected %s..., got %s", i,
				 prefixes[i], orm_log_stmt(&t.log, i));
	if (got != n)
		fail_msg("%zu statements echoed, %zu expected", got, n);
}
#define EXPECT_SQL(...)                                         \
	expect_sql((const char *const[]){__VA_ARGS__},          \
		   sizeof((const char *const[]){__VA_ARGS__}) / \
			   sizeof(char *))

static bool is_sqlite(void)
{
	return strcmp(qr_test_backend(), "sqlite") == 0;
}

/* One INSERT .. RETURNING of every new row: not on MySQL (no RETURNING),
 * on MariaDB 10.5+ as on the others. */
static bool batches_inserts(void)
{
	return qr_test_insert_returning(t.engine);
}

static void step1_connect(void **state)
{
	(void)state;
	t.log.on = true;
	qr_assert_ok(
		qr_engine_create(&t.engine, qr_test_url(),
				 &(qr_engine_options){.echo = true,
						      .log_fn = orm_log_fn,
						      .log_userdata = &t.log}));
	/* lazy: nothing connected, nothing sent */
	assert_int_equal(t.log.n, 0);
	assert_string_equal(qr_engine_dialect_name(t.engine),
			    qr_test_backend());
}

static void step2_declare_mapping(void **state)
{
	qr_table *users;

	(void)state;
	qr_assert_ok(qr_registry_new(&t.Base, NULL));
	qr_assert_ok(
		qr_registry_map(&t.user_mapper, t.Base, QR_MAPPING_OF(User)));
	users = qr_mapper_table(t.user_mapper); /* User.__table__ */
	assert_string_equal(qr_table_name(users), "users");
	assert_int_equal(qr_table_column_count(users), 4);
	assert_true(qr_column_is_primary_key(qr_table_column(users, "id")));
	assert_int_equal(qr_column_type(qr_table_column(users, "name"))->length,
			 50);
	assert_int_equal(
		qr_column_type(qr_table_column(users, "password"))->length, 12);
	assert_int_equal(t.log.n, 0);
}

static void step3_create_schema(void **state)
{
	(void)state;
	if (!is_sqlite()) { /* a server may have them from another run */
		t.log.on = false;
		orm_exec_quiet(t.engine,
			       qr_text("DROP TABLE IF EXISTS addresses"));
		orm_drop(t.engine, t.Base);
		t.log.on = true;
	}
	orm_log_clear(&t.log);
	qr_assert_ok(
		qr_metadata_create_all(qr_registry_metadata(t.Base), t.engine));
	assert_int_equal(orm_log_count(&t.log, "CREATE TABLE users"), 1);
	assert_string_equal(
		orm_log_stmt(&t.log, orm_log_stmt_count(&t.log) - 1), "COMMIT");
}

static void step4_create_instance(void **state)
{
	(void)state;
	t.ed_user = qr_new_transient(User);
	assert_non_null(t.ed_user);
	qr_assert_ok(QR_SET_TEXT(t.ed_user, name, "ed"));
	qr_assert_ok(QR_SET_TEXT(t.ed_user, fullname, "Ed Jones"));
	qr_assert_ok(QR_SET_TEXT(t.ed_user, password, "edspassword"));
	assert_string_equal(t.ed_user->name, "ed");
	assert_string_equal(t.ed_user->password, "edspassword");
	assert_true(QR_IS_NULL(t.ed_user, id)); /* str(ed_user.id): 'None' */
	orm_assert_repr(t.ed_user, "<User(name='ed', fullname='Ed Jones', "
				   "password='edspassword')>");
}

static void step5_session(void **state)
{
	(void)state;
	orm_log_clear(&t.log);
	qr_assert_ok(
		qr_sessionmaker_new(&t.Session, t.engine,
				    &(qr_session_options){.registry = t.Base}));
	qr_assert_ok(qr_sessionmaker_open(&t.session, t.Session));
	assert_int_equal(t.log.n, 0);
}

static void step6_add_and_update(void **state)
{
	User *our_user, *wendy, *mary, *fred;
	qr_objlist l = QR_OBJLIST_INIT;

	(void)state;
	qr_assert_ok(qr_session_add(t.session, t.ed_user));
	assert_int_equal(qr_object_state(t.ed_user), QR_STATE_PENDING);
	orm_log_clear(&t.log);
	assert_int_equal(
		qr_query_first(&our_user,
			       qr_query_filter_by(qr_query(t.session, User),
						  "name", qr_val_text("ed"))),
		1);
	EXPECT_SQL("BEGIN", "INSERT INTO users (name, fullname, password)",
		   "SELECT users.id, users.name, users.fullname, "
		   "users.password \nFROM users \nWHERE users.name = ");
	assert_non_null(strstr(orm_log_stmt(&t.log, 2), "LIMIT"));
	orm_assert_repr(our_user, "<User(name='ed', fullname='Ed Jones', "
				  "password='edspassword')>");
	assert_ptr_equal(our_user, t.ed_user); /* ed_user is our_user */

	wendy = orm_user(t.session, "wendy", "Wendy Williams", "foobar");
	mary = orm_user(t.session, "mary", "Mary Contrary", "xxg527");
	fred = orm_user(t.session, "fred", "Fred Flinstone", "blah");
	qr_assert_ok(QR_ADD_ALL(t.session, wendy, mary, fred));
	qr_assert_ok(QR_SET_TEXT(t.ed_user, password, "f8s7ccs"));
	qr_assert_ok(qr_session_dirty_list(&l, t.session));
	orm_assert_list(&l, "[<User(name='ed', fullname='Ed Jones', "
			    "password='f8s7ccs')>]");
	qr_assert_ok(qr_session_new_list(&l, t.session));
	orm_assert_list(
		&l, "[<User(name='wendy', fullname='Wendy Williams', "
		    "password='foobar')>, <User(name='mary', fullname='Mary "
		    "Contrary', password='xxg527')>, <User(name='fred', "
		    "fullname='Fred Flinstone', password='blah')>]");
	qr_objlist_clear(&l);

	orm_log_clear(&t.log);
	qr_assert_ok(qr_session_commit(t.session));
	if (batches_inserts())
		EXPECT_SQL("UPDATE users SET password=", "INSERT INTO users",
			   "COMMIT");
	else
		EXPECT_SQL("UPDATE users SET password=", "INSERT INTO users",
			   "INSERT INTO users", "INSERT INTO users", "COMMIT");
	/* three rows in any case: one INSERT of three VALUES rows */
	if (batches_inserts()) {
		const char *p = orm_log_stmt(&t.log, 1);
		int rows = 1;
		while ((p = strstr(p, "), (")) != NULL) {
			rows++;
			p++;
		}
		assert_int_equal(rows, 3);
	}

	/* ed_user.id: expired by the commit, loaded again */
	assert_true(qr_object_expired(t.ed_user));
	orm_log_clear(&t.log);
	qr_assert_ok(qr_session_load(t.session, t.ed_user));
	EXPECT_SQL("BEGIN", "SELECT users.id, users.name, users.fullname, "
			    "users.password \nFROM users \nWHERE users.id = ");
	assert_int_equal(t.ed_user->id, 1);
}

static void step7_rollback(void **state)
{
	qr_objlist l = QR_OBJLIST_INIT;
	static const char *const names1[] = {"Edwardo", "fakeuser"};
	static const char *const names2[] = {"ed", "fakeuser"};

	(void)state;
	qr_assert_ok(QR_SET_TEXT(t.ed_user, name, "Edwardo"));
	t.fake_user = orm_user(t.session, "fakeuser", "Invalid", "12345");
	qr_assert_ok(qr_session_add(t.session, t.fake_user));
	orm_log_clear(&t.log);
	qr_assert_ok(qr_query_all(
		&l, qr_query_filter(
			    qr_query(t.session, User),
			    qr_in_texts(qr_attr(User, "name"), names1, 2))));
	EXPECT_SQL("UPDATE users SET name=", "INSERT INTO users",
		   "SELECT users.id");
	orm_assert_list(&l, "[<User(name='Edwardo', fullname='Ed Jones', "
			    "password='f8s7ccs')>, <User(name='fakeuser', "
			    "fullname='Invalid', password='12345')>]");
	orm_log_clear(&t.log);
	qr_assert_ok(qr_session_rollback(t.session));
	EXPECT_SQL("ROLLBACK");
	qr_assert_ok(qr_session_load(t.session, t.ed_user));
	assert_string_equal(t.ed_user->name, "ed");
	assert_false(qr_session_contains(t.session, t.fake_user));
	qr_assert_ok(qr_query_all(
		&l, qr_query_filter(
			    qr_query(t.session, User),
			    qr_in_texts(qr_attr(User, "name"), names2, 2))));
	orm_assert_list(&l, "[<User(name='ed', fullname='Ed Jones', "
			    "password='f8s7ccs')>]");
	qr_objlist_clear(&l);
}

static void step8_query(void **state)
{
	qr_objlist l = QR_OBJLIST_INIT;
	qr_orm_result *r;
	const qr_orm_row *row;
	int64_t n;
	User *u;

	(void)state;
	qr_assert_ok(
		qr_query_all(&l, qr_query_order_by(qr_query(t.session, User),
						   qr_attr(User, "id"))));
	assert_int_equal(l.count, 4);
	assert_string_equal(((User *)l.items[3])->fullname, "Fred Flinstone");
	qr_objlist_clear(&l);
	/* columns, an entity with a column, labels */
	qr_assert_ok(qr_query_execute(
		&r,
		qr_query_order_by(qr_query_new(t.session, qr_entity(User),
					       qr_label(qr_attr(User, "name"),
							"name_label")),
				  qr_attr(User, "id"))));
	assert_int_equal(qr_orm_result_next(r, &row), 1);
	assert_ptr_equal(qr_orm_row_object(row, 0), t.ed_user);
	assert_string_equal(qr_orm_row_value(row, (size_t)qr_orm_row_index(
							  row, "name_label"))
				    ->u.s.ptr,
			    "ed");
	qr_orm_result_free(r);
	/* slices */
	qr_assert_ok(qr_query_all(
		&l, qr_query_slice(qr_query_order_by(qr_query(t.session, User),
						     qr_attr(User, "id")),
				   1, 3)));
	orm_assert_list(&l, "[<User(name='wendy', fullname='Wendy Williams', "
			    "password='foobar')>, <User(name='mary', "
			    "fullname='Mary Contrary', password='xxg527')>]");
	qr_objlist_clear(&l);
	/* one() errors */
	assert_int_equal(qr_query_one(&u, qr_query(t.session, User)),
			 QR_EMULTIPLE);
	assert_int_equal(
		qr_query_one(&u, qr_query_filter(qr_query(t.session, User),
						 qr_eq(qr_attr(User, "id"),
						       qr_bind_int(99)))),
		QR_ENORESULT);
	/* textual SQL mapped onto the entity */
	qr_assert_ok(qr_query_all(
		&l, qr_query_from_statement(qr_query(t.session, User),
					    qr_text("SELECT * FROM users "
						    "WHERE name='ed'"))));
	assert_int_equal(l.count, 1);
	assert_ptr_equal(l.items[0], t.ed_user);
	qr_objlist_clear(&l);
	/* counting */
	qr_assert_ok(qr_query_count(
		&n, qr_query_filter(qr_query(t.session, User),
				    qr_like(qr_attr(User, "name"),
					    qr_bind_text("%ed")))));
	assert_int_equal(n, 2);
	assert_int_equal(
		qr_query_scalar_int64(
			&n, qr_query_select_from(
				    qr_query_new(t.session, qr_count_star()),
				    qr_entity(User))),
		1);
	assert_int_equal(n, 4);
}

static void step9_relationship(void **state)
{
	(void)state;
	qr_assert_ok(qr_registry_map(NULL, t.Base, QR_MAPPING_OF(Address)));
	qr_assert_ok(qr_session_commit(t.session));
	orm_log_clear(&t.log);
	qr_assert_ok(
		qr_metadata_create_all(qr_registry_metadata(t.Base), t.engine));
	assert_int_equal(orm_log_count(&t.log, "CREATE TABLE addresses"), 1);
	assert_int_equal(orm_log_count(&t.log, "CREATE TABLE users"), 0);
}

static void step10_related_objects(void **state)
{
	User *jack = orm_user(t.session, "jack", "Jack Bean", "gjffdd");
	Address *a1 = qr_new(t.session, Address);
	Address *a2 = qr_new(t.session, Address);
	qr_session_stats st;
	char *r;
	(void)state;

	orm_assert_list(&jack->addresses, "[]");
	qr_assert_ok(QR_SET_TEXT(a1, email_address, "jack@google.com"));
	qr_assert_ok(QR_SET_TEXT(a2, email_address, "j25@yahoo.com"));
	qr_assert_ok(QR_APPEND(jack, addresses, a1));
	qr_assert_ok(QR_APPEND(jack, addresses, a2));
	orm_assert_repr(qr_objlist_get(&jack->addresses, 1),
			"<Address(email_address='j25@yahoo.com')>");
	/* the back reference, before any flush */
	orm_assert_repr(((Address *)qr_objlist_get(&jack->addresses, 1))->user,
			"<User(name='jack', fullname='Jack Bean', "
			"password='gjffdd')>");
	qr_assert_ok(qr_session_add(t.session, jack)); /* cascades */
	assert_true(qr_session_contains(t.session, a2));
	orm_log_clear(&t.log);
	qr_assert_ok(qr_session_commit(t.session));
	if (batches_inserts())
		EXPECT_SQL("BEGIN", "INSERT INTO users",
			   "INSERT INTO addresses", "COMMIT");
	else
		EXPECT_SQL("BEGIN", "INSERT INTO users",
			   "INSERT INTO addresses", "INSERT INTO addresses",
			   "COMMIT");

	qr_assert_ok(qr_query_one(
		&jack, qr_query_filter_by(qr_query(t.session, User), "name",
					  qr_val_text("jack"))));
	orm_assert_repr(jack, "<User(name='jack', fullname='Jack Bean', "
			      "password='gjffdd')>");
	assert_false(QR_LOADED(jack, addresses));
	orm_log_clear(&t.log);
	qr_session_reset_stats(t.session);
	qr_assert_ok(QR_LOAD(jack, addresses));
	EXPECT_SQL("SELECT addresses.id, addresses.email_address, "
		   "addresses.user_id \nFROM addresses \nWHERE "
		   "addresses.user_id = ");
	qr_session_get_stats(&st, t.session);
	assert_int_equal(st.statements, 1);
	assert_int_equal(st.rel_statements, 1);
	qr_assert_ok(qr_objlist_repr(&r, &jack->addresses));
	assert_string_equal(r, "[<Address(email_address='jack@google.com')>, "
			       "<Address(email_address='j25@yahoo.com')>]");
	qr_free(r);
	assert_ptr_equal(((Address *)jack->addresses.items[0])->user, jack);
}

static void teardown_all(void **state)
{
	(void)state;
	t.log.on = false;
	qr_session_free(t.session);
	qr_sessionmaker_free(t.Session);
	if (!is_sqlite())
		orm_drop(t.engine, t.Base);
	qr_registry_free(t.Base);
	qr_engine_free(t.engine);
	orm_log_clear(&t.log);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(step1_connect),
		cmocka_unit_test(step2_declare_mapping),
		cmocka_unit_test(step3_create_schema),
		cmocka_unit_test(step4_create_instance),
		cmocka_unit_test(step5_session),
		cmocka_unit_test(step6_add_and_update),
		cmocka_unit_test(step7_rollback),
		cmocka_unit_test(step8_query),
		cmocka_unit_test(step9_relationship),
		cmocka_unit_test(step10_related_objects),
		cmocka_unit_test(teardown_all),
	};
	return qr_test_run(argc, argv, "orm_tutorial", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
