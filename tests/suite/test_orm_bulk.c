/*
 * test_orm_bulk.c - ORM-enabled UPDATE and DELETE with the query's
 * criteria (query.update(), query.delete(), synchronize_session): the
 * statements sent, the rows matched, and the session's objects after
 * them, on every backend.
 */
#define ORM_TABLE_PREFIX "qt_bk_"
#include "orm_fixture.h"

#include <quarry/sys/dialect.h>

/* Single-table inheritance: workers and their bosses in one table. */
typedef struct Worker {
	int64_t id;
	char *name;
	char *type;
	int64_t pay;
} Worker;
typedef struct Chief {
	Worker worker;
	char *office;
} Chief;

QR_MAPPING(Worker, "qt_bk_workers",
	   QR_FIELD(Worker, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Worker, name, qr_string(30)),
	   QR_FIELD(Worker, type, qr_string(20)),
	   QR_FIELD(Worker, pay, QR_INTEGER),
	   QR_POLYMORPHIC_ON("type", "worker"), QR_REPR("name"));
QR_MAPPING(Chief, NULL, QR_INHERITS(Worker),
	   QR_FIELD(Chief, office, qr_string(30)),
	   QR_POLYMORPHIC_IDENTITY("chief"));

/* Whether the dialect returns rows from statement kind ("UPDATE" or
 * "DELETE"): no SELECT of the keys first then. */
static bool returns_keys(orm_fx *f, bool del)
{
	const qr_dialect *d;
	qr_assert_ok(qr_dialect_find(&d, qr_engine_dialect_name(f->engine)));
	return (d->features & QR_FEATURE_RETURNING) ||
	       (del && (d->features & QR_FEATURE_DELETE_RETURNING));
}

/* The seeded users, loaded (persistent, not expired), by name. */
static User *load_user(orm_fx *f, const char *name)
{
	User *u = NULL;
	qr_assert_ok(qr_query_one(&u, qr_query_filter_by(qr_query(f->s, User),
							 "name",
							 qr_val_text(name))));
	return u;
}

/* A column of a user's row, read with a connection of its own (what
 * other transactions see once committed). */
static char *db_text(orm_fx *f, const char *column, const char *name)
{
	char sql[160];
	qr_result *r = NULL;
	const qr_value *v = NULL;
	char *out = NULL;
	qr_conn *c = qr_test_connect(f->engine);

	snprintf(sql, sizeof(sql),
		 "SELECT %s FROM qt_bk_users WHERE name = '%s'", column, name);
	qr_assert_ok(qr_conn_execute_text(&r, c, sql, NULL));
	if (qr_result_scalar(r, &v) == 1 && v && v->kind == QR_VTEXT)
		out = strdup(v->u.s.ptr);
	qr_result_free(r);
	qr_conn_free(c);
	return out;
}

/* UPDATE with a value: the matched object takes it, unmodified. */
static void test_update_value(void **state)
{
	orm_fx *f = orm_fx_new();
	int64_t n = -1;
	(void)state;

	orm_seed(f);
	User *ed = load_user(f, "ed");
	User *wendy = load_user(f, "wendy");
	orm_log_clear(&f->log);
	qr_assert_ok(qr_query_update(
		&n,
		qr_query_filter_by(qr_query(f->s, User), "name",
				   qr_val_text("ed")),
		QR_SYNC_AUTO,
		QR_QUERY_SETS({"fullname", qr_bind_text("Edward")})));
	assert_int_equal(n, 1);
	assert_string_equal(ed->fullname, "Edward");
	assert_false(qr_session_is_modified(f->s, ed));
	assert_false(qr_object_expired(ed));
	assert_string_equal(wendy->fullname, "Wendy Williams");
	/* one UPDATE returning the keys, or the keys selected first */
	bool ret = returns_keys(f, false);
	assert_int_equal(orm_log_count(&f->log, "UPDATE qt_bk_users SET "), 1);
	assert_int_equal(orm_log_count(&f->log, "SELECT qt_bk_users.id \nFROM "
						"qt_bk_users \nWHERE"),
			 ret ? 0 : 1);
	assert_true(orm_logged(&f->log,
			       ret ? "RETURNING" : "UPDATE qt_bk_users SET "));
	qr_assert_ok(qr_session_commit(f->s));
	char *v = db_text(f, "fullname", "ed");
	assert_string_equal(v, "Edward");
	free(v);
	/* a flush after the update sends nothing for ed */
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_load(f->s, ed));
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 0);
	orm_fx_free(f);
}

/* Other unflushed changes of an updated object stay changes. */
static void test_update_keeps_other_changes(void **state)
{
	orm_fx *f = orm_fx_new();
	int64_t n = -1;
	(void)state;

	orm_seed(f);
	User *ed = load_user(f, "ed");
	qr_session_set_autoflush(f->s, false);
	qr_assert_ok(qr_set_text(ed, &ed->password, "secret"));
	qr_assert_ok(qr_query_update(
		&n,
		qr_query_filter_by(qr_query(f->s, User), "name",
				   qr_val_text("ed")),
		QR_SYNC_FETCH,
		QR_QUERY_SETS({"fullname", qr_bind_text("E. J.")})));
	assert_int_equal(n, 1);
	assert_string_equal(ed->fullname, "E. J.");
	assert_true(qr_session_is_modified(f->s, ed));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	/* only the password is sent */
	assert_true(orm_logged(&f->log, "UPDATE qt_bk_users SET password="));
	assert_false(orm_logged(&f->log, "fullname="));
	char *v = db_text(f, "password", "ed");
	assert_string_equal(v, "secret");
	free(v);
	v = db_text(f, "fullname", "ed");
	assert_string_equal(v, "E. J.");
	free(v);
	orm_fx_free(f);
}

/* An expression value expires the objects matched; their next load has
 * the database's values. */
static void test_update_expression(void **state)
{
	orm_fx *f = orm_fx_new();
	int64_t n = -1;
	(void)state;

	orm_seed(f);
	User *ed = load_user(f, "ed");
	User *mary = load_user(f, "mary");
	qr_assert_ok(qr_query_update(
		&n,
		qr_query_filter(qr_query(f->s, User),
				qr_in_texts(qr_attr(User, "name"),
					    (const char *[]){"ed", "wendy"},
					    2)),
		QR_SYNC_AUTO,
		QR_QUERY_SETS({"password", qr_concat(qr_attr(User, "password"),
						     qr_bind_text("!"))})));
	assert_int_equal(n, 2);
	assert_true(qr_object_expired(ed));
	assert_false(qr_object_expired(mary));
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_string_equal(ed->password, "f8s7ccs!");
	User *wendy = load_user(f, "wendy");
	assert_string_equal(wendy->password, "foobar!");
	assert_string_equal(mary->password, "xxg527");
	orm_fx_free(f);
}

/* The autoflush runs first: the criteria see the session's changes. */
static void test_update_autoflush(void **state)
{
	orm_fx *f = orm_fx_new();
	int64_t n = -1;
	(void)state;

	orm_seed(f);
	User *fred = load_user(f, "fred");
	qr_assert_ok(qr_set_text(fred, &fred->name, "freddy"));
	User *newbie = orm_user(f->s, "freddy", "New Freddy", "pw");
	qr_assert_ok(qr_session_add(f->s, newbie));
	qr_assert_ok(qr_query_update(
		&n,
		qr_query_filter_by(qr_query(f->s, User), "name",
				   qr_val_text("freddy")),
		QR_SYNC_AUTO,
		QR_QUERY_SETS({"password", qr_bind_text("pw2")})));
	assert_int_equal(n, 2);
	assert_string_equal(fred->password, "pw2");
	assert_string_equal(newbie->password, "pw2");
	assert_false(qr_session_is_modified(f->s, fred));
	assert_false(qr_session_is_modified(f->s, newbie));
	orm_fx_free(f);
}

/* synchronize_session=False: the objects keep what they held. */
static void test_update_no_sync(void **state)
{
	orm_fx *f = orm_fx_new();
	int64_t n = -1;
	(void)state;

	orm_seed(f);
	User *ed = load_user(f, "ed");
	orm_log_clear(&f->log);
	qr_assert_ok(qr_query_update(
		&n, qr_query(f->s, User), QR_SYNC_NONE,
		QR_QUERY_SETS({"password", qr_bind_text("same")},
			      {"fullname", qr_null()})));
	assert_int_equal(n, 4);
	assert_string_equal(ed->password, "f8s7ccs");
	assert_false(orm_logged(&f->log, "RETURNING"));
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 0);
	/* the rows were updated: a refresh shows it */
	qr_assert_ok(qr_session_refresh(f->s, ed));
	assert_string_equal(ed->password, "same");
	assert_null(ed->fullname);
	/* setting the values they have matches the rows all the same */
	qr_assert_ok(qr_query_update(
		&n, qr_query(f->s, User), QR_SYNC_AUTO,
		QR_QUERY_SETS({"password", qr_bind_text("same")})));
	assert_int_equal(n, 4);
	orm_fx_free(f);
}

/* DELETE: the objects of the deleted rows are deleted, detached at
 * commit. */
static void test_delete(void **state)
{
	orm_fx *f = orm_fx_new();
	int64_t n = -1;
	(void)state;

	orm_seed(f);
	User *ed = load_user(f, "ed");
	User *mary = load_user(f, "mary");
	User *fred = load_user(f, "fred");
	orm_log_clear(&f->log);
	qr_assert_ok(qr_query_delete(
		&n,
		qr_query_filter(qr_query(f->s, User),
				qr_in_texts(qr_attr(User, "name"),
					    (const char *[]){"mary", "fred"},
					    2)),
		QR_SYNC_AUTO));
	assert_int_equal(n, 2);
	assert_int_equal(orm_log_count(&f->log, "SELECT"),
			 returns_keys(f, true) ? 0 : 1);
	assert_int_equal(qr_object_state(mary), QR_STATE_DELETED);
	assert_int_equal(qr_object_state(fred), QR_STATE_DELETED);
	assert_false(qr_session_contains(f->s, mary));
	assert_int_equal(qr_object_state(ed), QR_STATE_PERSISTENT);
	/* a query for them finds nothing; get() does not give the object */
	User *again = NULL;
	assert_int_equal(
		qr_query_first(&again,
			       qr_query_filter_by(qr_query(f->s, User), "name",
						  qr_val_text("mary"))),
		0);
	assert_null(again);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(qr_object_state(mary), QR_STATE_DETACHED);
	assert_int_equal(qr_query_count(&n, qr_query(f->s, User)), 0);
	assert_int_equal(n, 2);
	orm_fx_free(f);
}

/* A rollback brings the deleted objects back, persistent. */
static void test_delete_rollback(void **state)
{
	orm_fx *f = orm_fx_new();
	int64_t n = -1;
	(void)state;

	orm_seed(f);
	User *mary = load_user(f, "mary");
	qr_assert_ok(
		qr_query_delete(&n,
				qr_query_filter_by(qr_query(f->s, User), "name",
						   qr_val_text("mary")),
				QR_SYNC_FETCH));
	assert_int_equal(n, 1);
	assert_int_equal(qr_object_state(mary), QR_STATE_DELETED);
	qr_assert_ok(qr_session_rollback(f->s));
	assert_int_equal(qr_object_state(mary), QR_STATE_PERSISTENT);
	assert_true(qr_session_contains(f->s, mary));
	assert_ptr_equal(load_user(f, "mary"), mary);
	assert_string_equal(mary->fullname, "Mary Contrary");
	orm_fx_free(f);
}

/* Bad input: a clear error, nothing sent, the query released. */
static void test_errors(void **state)
{
	orm_fx *f = orm_fx_new();
	int64_t n = -1;
	(void)state;

	orm_seed(f);
	orm_log_clear(&f->log);
	assert_int_equal(
		qr_query_update(&n, qr_query(f->s, User), QR_SYNC_AUTO,
				QR_QUERY_SETS({"nickname", qr_bind_text("x")})),
		QR_EINVAL);
	assert_string_equal(qr_error_last()->message,
			    "qr_query_update: User has no mapped member "
			    "'nickname'");
	assert_int_equal(
		qr_query_delete(&n, qr_query_new(f->s, qr_attr(User, "name")),
				QR_SYNC_AUTO),
		QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "must be a mapped"));
	assert_int_equal(qr_query_update(&n, qr_query(f->s, User), QR_SYNC_AUTO,
					 NULL, 0),
			 QR_EINVAL);
	assert_int_equal(qr_query_delete(&n, qr_query(f->s, User), (qr_sync)9),
			 QR_EINVAL);
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 0);
	assert_int_equal(orm_log_count(&f->log, "DELETE"), 0);
	/* a NULL query keeps the error that made it */
	assert_int_equal(
		qr_query_delete(&n,
				qr_query_filter_by(qr_query(f->s, User),
						   "nosuch", qr_val_int(1)),
				QR_SYNC_AUTO),
		QR_ECOLUMN);
	orm_fx_free(f);
}

/* A constraint violated by the UPDATE: the error, the objects as they
 * were; the session goes on after a rollback. */
static void test_constraint_violation(void **state)
{
	orm_fx *f = orm_fx_new();
	int64_t n = -1;
	(void)state;

	User *ed = orm_seed(f);
	Address *a = qr_new(f->s, Address);
	qr_assert_ok(qr_set_text(a, &a->email_address, "ed@x.org"));
	qr_assert_ok(qr_session_load(f->s, ed));
	a->user_id = ed->id;
	qr_assert_ok(qr_session_add(f->s, a));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, a));
	int rc = qr_query_update(&n, qr_query(f->s, Address), QR_SYNC_AUTO,
				 QR_QUERY_SETS({"email_address", qr_null()}));
	assert_int_equal(rc, QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	assert_string_equal(a->email_address, "ed@x.org");
	qr_assert_ok(qr_session_rollback(f->s));
	assert_int_equal(qr_query_count(&n, qr_query(f->s, Address)), 0);
	assert_int_equal(n, 1);
	orm_fx_free(f);
}

/* A query of a single-table subclass updates and deletes its rows only
 * (its discriminator is added to the criteria). */
static void test_single_table_subclass(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Worker), QR_MAPPING_OF(Chief),
				    NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	const char *names[] = {"al", "bo", "cy"};
	Worker *w[3];
	int64_t n = -1;
	(void)state;

	for (int i = 0; i < 3; i++) {
		w[i] = i == 2 ? (Worker *)qr_new(f->s, Chief)
			      : qr_new(f->s, Worker);
		w[i]->id = i + 1;
		w[i]->pay = 10;
		qr_assert_ok(qr_set_text(w[i], &w[i]->name, names[i]));
		qr_assert_ok(qr_session_add(f->s, w[i]));
	}
	qr_assert_ok(qr_session_flush(f->s));
	qr_assert_ok(qr_query_update(
		&n, qr_query(f->s, Chief), QR_SYNC_AUTO,
		QR_QUERY_SETS({"pay", qr_bind_int(99)},
			      {"office", qr_bind_text("top")})));
	assert_int_equal(n, 1);
	assert_int_equal(w[2]->pay, 99);
	assert_string_equal(((Chief *)w[2])->office, "top");
	assert_int_equal(w[0]->pay, 10);
	/* a subclass's member on a query of the base is unknown */
	assert_int_equal(
		qr_query_update(&n, qr_query(f->s, Worker), QR_SYNC_AUTO,
				QR_QUERY_SETS({"office", qr_bind_text("x")})),
		QR_EINVAL);
	qr_assert_ok(qr_query_delete(
		&n,
		qr_query_filter(qr_query(f->s, Chief),
				qr_gt(qr_attr(Worker, "pay"), qr_bind_int(5))),
		QR_SYNC_AUTO));
	assert_int_equal(n, 1);
	assert_int_equal(qr_object_state(w[2]), QR_STATE_DELETED);
	assert_int_equal(qr_object_state(w[0]), QR_STATE_PERSISTENT);
	assert_int_equal(qr_query_count(&n, qr_query(f->s, Worker)), 0);
	assert_int_equal(n, 2);
	orm_fx_free(f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update_value),
		cmocka_unit_test(test_update_keeps_other_changes),
		cmocka_unit_test(test_update_expression),
		cmocka_unit_test(test_update_autoflush),
		cmocka_unit_test(test_update_no_sync),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_delete_rollback),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_constraint_violation),
		cmocka_unit_test(test_single_table_subclass),
	};
	return qr_test_run(argc, argv, "orm_bulk", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
