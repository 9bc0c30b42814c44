/*
 * test_orm_session.c - the session: object states, add / add_all /
 * delete / merge / expunge / detach / refresh / expire / get / flush /
 * commit / rollback / close / SAVEPOINTs, the identity map, the new /
 * dirty / deleted sets and autoflush.
 */
#define ORM_TABLE_PREFIX "qt_s_"
#include "orm_fixture.h"

static int64_t count_users(orm_fx *f)
{
	int64_t n = -1;
	qr_assert_ok(qr_query_count(&n, qr_query(f->s, User)));
	return n;
}

static void test_states(void **state)
{
	orm_fx *f = *state;
	User *u = orm_user(f->s, "ed", "Ed Jones", "pw");

	assert_int_equal(qr_object_state(u), QR_STATE_TRANSIENT);
	assert_false(qr_session_contains(f->s, u));
	assert_null(qr_object_session(u));
	qr_assert_ok(qr_session_add(f->s, u));
	assert_int_equal(qr_object_state(u), QR_STATE_PENDING);
	assert_true(qr_session_contains(f->s, u));
	assert_ptr_equal(qr_object_session(u), f->s);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(qr_object_state(u), QR_STATE_PERSISTENT);
	assert_false(QR_IS_NULL(u, id));
	{
		char *id;
		qr_assert_ok(qr_object_identity(&id, u));
		assert_string_equal(id, "(1,)");
		qr_free(id);
	}
	qr_assert_ok(qr_session_delete(f->s, u));
	assert_int_equal(qr_object_state(u), QR_STATE_PERSISTENT);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(qr_object_state(u), QR_STATE_DELETED);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(qr_object_state(u), QR_STATE_DETACHED);
	assert_false(qr_session_contains(f->s, u));
	assert_string_equal(qr_objstate_name(QR_STATE_DETACHED), "detached");
}

static void test_transient_object_you_own(void **state)
{
	orm_fx *f = *state;
	User *u = qr_new_transient(User), *other;

	assert_non_null(u);
	assert_true(QR_IS_NULL(u, id));
	qr_assert_ok(qr_set_text(u, &u->name, "kept"));
	qr_object_free(u); /* never added: ours to free */
	u = qr_new_transient(User);
	qr_assert_ok(qr_set_text(u, &u->name, "given"));
	qr_assert_ok(qr_session_add(f->s, u)); /* the session takes it */
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(
		qr_query_first(&other,
			       qr_query_filter_by(qr_query(f->s, User), "name",
						  qr_val_text("given"))),
		1);
	assert_ptr_equal(other, u);
	/* An object of a session is not freed by qr_object_free. */
	qr_object_free(u);
	assert_int_equal(qr_error_last()->code, QR_ESTATE);
	assert_int_equal(qr_object_state(u), QR_STATE_PERSISTENT);
}

static void test_autoflush_and_identity_map(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_user(f->s, "ed", "Ed Jones", "edspassword"), *ours;

	qr_assert_ok(qr_session_add(f->s, ed));
	orm_log_clear(&f->log);
	assert_int_equal(
		qr_query_first(&ours,
			       qr_query_filter_by(qr_query(f->s, User), "name",
						  qr_val_text("ed"))),
		1);
	assert_ptr_equal(ours, ed);
	/* The INSERT was sent before the SELECT. */
	assert_int_equal(strncmp(orm_log_stmt(&f->log, 1), "INSERT", 6), 0);
	assert_int_equal(strncmp(orm_log_stmt(&f->log, 2), "SELECT", 6), 0);
	assert_int_equal(ed->id, 1);
}

static void test_autoflush_off(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_user(f->s, "ed", "Ed Jones", "x"), *found;

	qr_assert_ok(qr_session_add(f->s, ed));
	assert_true(qr_session_set_autoflush(f->s, false));
	assert_int_equal(qr_query_first(&found, qr_query(f->s, User)), 0);
	assert_null(found);
	assert_int_equal(qr_object_state(ed), QR_STATE_PENDING);
	assert_false(qr_session_set_autoflush(f->s, true));
	assert_int_equal(qr_query_first(&found, qr_query(f->s, User)), 1);
	assert_ptr_equal(found, ed);
}

static void test_autoflush_option(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(User), NULL};
	orm_fx *f = orm_fx_new_with(
		maps, &(qr_session_options){.no_autoflush = true});
	User *found;

	(void)state;
	qr_assert_ok(qr_session_add(f->s, orm_user(f->s, "a", "A", "a")));
	assert_int_equal(qr_query_first(&found, qr_query(f->s, User)), 0);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(qr_query_first(&found, qr_query(f->s, User)), 1);
	orm_fx_free(f);
}

static void test_sets(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *wendy;
	qr_objlist l = QR_OBJLIST_INIT;

	qr_assert_ok(qr_session_load(f->s, ed));
	qr_assert_ok(qr_session_dirty_list(&l, f->s));
	assert_int_equal(l.count, 0);
	ed->password = "changed"; /* a pointer of our own: adopted */
	qr_assert_ok(qr_session_dirty_list(&l, f->s));
	orm_assert_list(&l, "[<User(name='ed', fullname='Ed Jones', "
			    "password='changed')>]");
	assert_true(qr_session_is_modified(f->s, ed));
	qr_assert_ok(qr_session_add(f->s, orm_user(f->s, "x", "X", "x")));
	qr_assert_ok(qr_session_new_list(&l, f->s));
	orm_assert_list(&l, "[<User(name='x', fullname='X', password='x')>]");
	assert_int_equal(
		qr_query_first(&wendy,
			       qr_query_filter_by(qr_query(f->s, User), "name",
						  qr_val_text("wendy"))),
		1);
	qr_assert_ok(qr_session_delete(f->s, wendy));
	qr_assert_ok(qr_session_deleted_list(&l, f->s));
	orm_assert_list(&l, "[<User(name='wendy', fullname='Wendy Williams', "
			    "password='foobar')>]");
	/* add() of an object marked for deletion unmarks it. */
	qr_assert_ok(qr_session_add(f->s, wendy));
	qr_assert_ok(qr_session_deleted_list(&l, f->s));
	assert_int_equal(l.count, 0);
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_dirty_list(&l, f->s));
	assert_int_equal(l.count, 0);
	qr_assert_ok(qr_session_new_list(&l, f->s));
	assert_int_equal(l.count, 0);
	qr_objlist_clear(&l);
	assert_int_equal(count_users(f), 5);
}

static void test_get(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *got = NULL;

	/* Expired by the commit: get() loads it again. */
	orm_log_clear(&f->log);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(1)), 1);
	assert_ptr_equal(got, ed);
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 1);
	/* Now in the identity map and fresh: no SQL at all. */
	orm_log_clear(&f->log);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(1)), 1);
	assert_ptr_equal(got, ed);
	assert_int_equal(f->log.n, 0);
	/* Not loaded yet: one SELECT; the key may be given as text. */
	assert_int_equal(qr_get(&got, f->s, User, qr_val_text("2")), 1);
	orm_assert_repr(got, "<User(name='wendy', fullname='Wendy Williams', "
			     "password='foobar')>");
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(99)), 0);
	assert_null(got);
	assert_int_equal(
		qr_session_get(&got, f->s, QR_MAPPING_OF(User), NULL, 0),
		QR_EINVAL);
}

static void test_commit_expires(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f);
	qr_value v;

	assert_true(qr_object_expired(ed));
	/* A change made by another connection is seen after loading. */
	{
		qr_conn *c = qr_test_connect(f->engine);
		qr_test_exec(c,
			     "UPDATE " ORM_TABLE_PREFIX "users SET fullname = "
			     "'Edward' WHERE name = 'ed'");
		qr_assert_ok(qr_conn_commit(c));
		qr_conn_free(c);
	}
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_get_value(&v, f->s, ed, "fullname"));
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 1);
	assert_string_equal(v.u.s.ptr, "Edward");
	assert_false(qr_object_expired(ed));
	/* Loading a fresh object sends nothing. */
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_int_equal(f->log.n, 0);
}

static void test_no_expire_on_commit(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(User), NULL};
	orm_fx *f = orm_fx_new_with(
		maps, &(qr_session_options){.no_expire_on_commit = true});
	User *ed = orm_user(f->s, "ed", "Ed Jones", "x");

	(void)state;
	qr_assert_ok(qr_session_add(f->s, ed));
	qr_assert_ok(qr_session_commit(f->s));
	assert_false(qr_object_expired(ed));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_int_equal(f->log.n, 0);
	orm_fx_free(f);
}

/* A commit expires every object of the session, read-only ones among
 * them or not, and detaches the objects deleted since the last commit
 * (not those of an earlier one again). */
static void test_commit_expires_and_detaches(void **state)
{
	orm_fx *f = *state;
	User *u[6];
	char name[16];

	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "user%d", i);
		u[i] = orm_user(f->s, name, name, "pw");
		qr_assert_ok(qr_session_add(f->s, u[i]));
	}
	qr_assert_ok(qr_session_commit(f->s));
	for (int i = 0; i < 6; i++)
		assert_true(qr_object_expired(u[i]));
	qr_assert_ok(qr_session_load(f->s, u[0]));
	qr_assert_ok(qr_session_load(f->s, u[1]));
	qr_assert_ok(qr_object_set_read_only(u[1], true));
	qr_assert_ok(qr_session_delete(f->s, u[2]));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(qr_object_state(u[2]), QR_STATE_DETACHED);
	for (int i = 0; i < 6; i++)
		if (i != 2)
			assert_true(qr_object_expired(u[i]));
	/* a commit with no delete; then one deleting another object */
	qr_assert_ok(qr_session_load(f->s, u[3]));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(qr_object_state(u[3]), QR_STATE_PERSISTENT);
	assert_true(qr_object_expired(u[3]));
	qr_assert_ok(qr_session_delete(f->s, u[4]));
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(qr_object_state(u[4]), QR_STATE_DELETED);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(qr_object_state(u[4]), QR_STATE_DETACHED);
	assert_int_equal(qr_object_state(u[5]), QR_STATE_PERSISTENT);
	assert_int_equal(count_users(f), 4);
}

static void test_rollback(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *fake, *wendy;
	qr_objlist l = QR_OBJLIST_INIT;
	static const char *const names[] = {"Edwardo", "fakeuser"};

	qr_assert_ok(qr_session_load(f->s, ed));
	qr_assert_ok(qr_set_text(ed, &ed->name, "Edwardo"));
	fake = orm_user(f->s, "fakeuser", "Invalid", "12345");
	qr_assert_ok(qr_session_add(f->s, fake));
	assert_int_equal(
		qr_query_first(&wendy,
			       qr_query_filter_by(qr_query(f->s, User), "name",
						  qr_val_text("wendy"))),
		1);
	qr_assert_ok(qr_session_delete(f->s, wendy));
	qr_assert_ok(qr_query_all(
		&l, qr_query_order_by(
			    qr_query_filter(qr_query(f->s, User),
					    qr_in_texts(qr_attr(User, "name"),
							names, 2)),
			    qr_attr(User, "id"))));
	orm_assert_list(&l, "[<User(name='Edwardo', fullname='Ed Jones', "
			    "password='f8s7ccs')>, <User(name='fakeuser', "
			    "fullname='Invalid', password='12345')>]");
	assert_int_equal(qr_object_state(wendy), QR_STATE_DELETED);

	qr_assert_ok(qr_session_rollback(f->s));
	/* fake_user: out of the session, still allocated, no identity. */
	assert_false(qr_session_contains(f->s, fake));
	assert_int_equal(qr_object_state(fake), QR_STATE_TRANSIENT);
	assert_true(QR_IS_NULL(fake, id));
	assert_string_equal(fake->name, "fakeuser");
	/* ed: expired, loaded back as the database has it. */
	assert_true(qr_object_expired(ed));
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_string_equal(ed->name, "ed");
	/* wendy: persistent again. */
	assert_int_equal(qr_object_state(wendy), QR_STATE_PERSISTENT);
	assert_true(qr_session_contains(f->s, wendy));
	assert_int_equal(count_users(f), 4);
	qr_objlist_clear(&l);
}

static void test_rollback_discards_unflushed(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f);

	qr_assert_ok(qr_session_load(f->s, ed));
	qr_assert_ok(qr_set_text(ed, &ed->fullname, "not flushed"));
	qr_assert_ok(qr_session_rollback(f->s));
	assert_false(qr_session_is_modified(f->s, ed));
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_string_equal(ed->fullname, "Ed Jones");
}

static void test_refresh_and_expire(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f);

	qr_assert_ok(qr_session_load(f->s, ed));
	qr_assert_ok(qr_set_text(ed, &ed->fullname, "unsaved"));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_refresh(f->s, ed));
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 1);
	assert_string_equal(ed->fullname, "Ed Jones");

	/* expire discards unflushed changes at the next load ... */
	qr_assert_ok(qr_set_text(ed, &ed->fullname, "discarded"));
	qr_assert_ok(qr_session_expire(f->s, ed));
	assert_false(qr_session_is_modified(f->s, ed));
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_string_equal(ed->fullname, "Ed Jones");

	/* ... but what is set after expiry survives the load and is
	 * flushed (as SQLAlchemy keeps attributes set after expire). */
	qr_session_expire_all(f->s);
	qr_assert_ok(qr_set_text(ed, &ed->password, "after"));
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_string_equal(ed->password, "after");
	assert_string_equal(ed->fullname, "Ed Jones");
	assert_true(qr_session_is_modified(f->s, ed));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_refresh(f->s, ed));
	assert_string_equal(ed->password, "after");

	/* Refreshing a row deleted behind our back (after our transaction
	 * ended, so that no snapshot of ours still shows it). */
	qr_assert_ok(qr_session_commit(f->s));
	{
		qr_conn *c = qr_test_connect(f->engine);
		qr_test_exec(c, "DELETE FROM " ORM_TABLE_PREFIX
				"users WHERE name = 'ed'");
		qr_assert_ok(qr_conn_commit(c));
		qr_conn_free(c);
	}
	assert_int_equal(qr_session_refresh(f->s, ed), QR_ESTALE);
	qr_assert_ok(qr_session_rollback(f->s));
	/* refresh / expire of a pending object are errors */
	{
		User *p = orm_user(f->s, "p", "P", "p");
		qr_assert_ok(qr_session_add(f->s, p));
		assert_int_equal(qr_session_refresh(f->s, p), QR_ESTATE);
		assert_int_equal(qr_session_expire(f->s, p), QR_ESTATE);
	}
}

static void test_delete(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *p = orm_user(f->s, "p", "P", "p");

	assert_int_equal(qr_session_delete(f->s, p), QR_ESTATE);
	qr_assert_ok(qr_session_add(f->s, p));
	assert_int_equal(qr_session_delete(f->s, p), QR_ESTATE);
	qr_assert_ok(qr_session_expunge(f->s, p));
	qr_assert_ok(qr_session_delete(f->s, ed));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_log_count(&f->log, "DELETE"), 1);
	assert_int_equal(count_users(f), 3);
	/* Deleted and committed: detached, still allocated until close. */
	assert_int_equal(qr_object_state(ed), QR_STATE_DETACHED);
	assert_string_equal(ed->name, "ed");
}

static void test_expunge_detach(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *again, *wendy;

	qr_assert_ok(qr_session_load(f->s, ed));
	qr_assert_ok(qr_session_detach(f->s, ed));
	assert_int_equal(qr_object_state(ed), QR_STATE_DETACHED);
	assert_false(qr_session_contains(f->s, ed));
	/* The identity is free: a query loads a new object for the row. */
	assert_int_equal(qr_get(&again, f->s, User, qr_val_int(1)), 1);
	assert_ptr_not_equal(again, ed);
	assert_string_equal(again->name, "ed");
	/* Adding the detached one back conflicts with it. */
	assert_int_equal(qr_session_add(f->s, ed), QR_ESTATE);
	qr_assert_ok(qr_session_expunge(f->s, again));
	qr_assert_ok(qr_session_add(f->s, ed));
	assert_int_equal(qr_object_state(ed), QR_STATE_PERSISTENT);

	/* expunge frees; expunge_all frees everything */
	assert_int_equal(
		qr_query_first(&wendy,
			       qr_query_filter_by(qr_query(f->s, User), "name",
						  qr_val_text("wendy"))),
		1);
	qr_assert_ok(qr_session_expunge(f->s, wendy));
	qr_session_expunge_all(f->s);
	assert_int_equal(count_users(f), 4);

	/* a detached object given to the caller */
	assert_int_equal(qr_get(&again, f->s, User, qr_val_int(1)), 1);
	qr_assert_ok(qr_session_detach(f->s, again));
	assert_string_equal(again->fullname, "Ed Jones");
	qr_object_free(again);
}

/* Once a session holds many objects, those its program makes share
 * chunks of memory (orm/objchunk.c): one detached from it outlives the
 * session, in the caller's hands or added to another session, and is
 * freed on its own; so do objects made without a session. (ASan checks
 * the memory.) */
static void test_objects_outlive_session(void **state)
{
	enum { N = 5000 };
	orm_fx *f = *state;
	qr_session *first, *second;
	static User *u[N];
	User *kept, *moved, *alone;

	qr_assert_ok(qr_session_new(&first, f->engine,
				    &(qr_session_options){.registry = f->reg}));
	for (int i = 0; i < N; i++) {
		char name[16];
		snprintf(name, sizeof(name), "o%d", i);
		u[i] = orm_user(first, name, name, "p");
		u[i]->id = 100 + i;
		qr_assert_ok(qr_session_add(first, u[i]));
		if ((i + 1) % 500 == 0)
			qr_assert_ok(qr_session_flush(first));
	}
	alone = qr_new_transient(User);
	assert_non_null(alone);
	qr_assert_ok(qr_set_text(alone, &alone->name, "alone"));
	qr_assert_ok(qr_session_commit(first));
	kept = u[N - 3];
	moved = u[N - 2];
	qr_assert_ok(qr_session_detach(first, kept));
	qr_assert_ok(qr_session_detach(first, moved));
	qr_session_free(first);

	assert_string_equal(kept->name, "o4997");
	assert_int_equal(kept->id, 100 + N - 3);
	qr_assert_ok(qr_session_new(&second, f->engine,
				    &(qr_session_options){.registry = f->reg}));
	qr_assert_ok(qr_session_add(second, moved));
	qr_assert_ok(qr_set_text(moved, &moved->fullname, "Moved"));
	qr_assert_ok(qr_session_commit(second));
	qr_session_free(second);

	qr_object_free(kept);
	assert_string_equal(alone->name, "alone");
	qr_object_free(alone);
}

/* A program that expunges what it flushed (the C form of SQLAlchemy's
 * weak identity map): past the 4,096 objects after which a session's new
 * objects share a chunk (QR_ORM_CHUNK_AFTER), which starts again once
 * emptied, each new object is a clean one, an object detached from an
 * emptied batch keeps its values, and every row is there. */
static void test_expunge_after_each_flush(void **state)
{
	enum { N = 6000, BATCH = 500 };
	orm_fx *f = *state;
	static int64_t ids[N + 1];
	User *kept = NULL, *got;

	for (int i = 1; i <= N; i++) {
		char name[16];
		User *u = qr_new(f->s, User);
		assert_non_null(u);
		/* zeroed, whatever the memory held before */
		assert_int_equal(u->id, 0);
		assert_null(u->name);
		assert_null(u->fullname);
		assert_int_equal(qr_object_state(u), QR_STATE_TRANSIENT);
		snprintf(name, sizeof(name), "e%d", i);
		qr_assert_ok(qr_set_text(u, &u->name, name));
		qr_assert_ok(qr_set_text(u, &u->fullname, name));
		qr_assert_ok(qr_session_add(f->s, u));
		if (i % BATCH)
			continue;
		qr_assert_ok(qr_session_flush(f->s));
		/* one of a batch in the chunk, detached: the chunk cannot
		 * start again while it lives */
		if (i == 10 * BATCH)
			qr_assert_ok(qr_session_detach(f->s, kept = u));
		ids[i] = u->id;
		assert_true(ids[i] > 0);
		qr_session_expunge_all(f->s);
	}
	qr_assert_ok(qr_session_commit(f->s));
	assert_string_equal(kept->name, "e5000");
	assert_string_equal(kept->fullname, "e5000");
	assert_int_equal(kept->id, ids[10 * BATCH]);
	assert_int_equal(qr_object_state(kept), QR_STATE_DETACHED);
	qr_object_free(kept);
	for (int i = BATCH; i <= N; i += BATCH) {
		char name[16];
		snprintf(name, sizeof(name), "e%d", i);
		assert_int_equal(qr_get(&got, f->s, User, qr_val_int(ids[i])),
				 1);
		assert_string_equal(got->name, name);
	}
}

static void test_merge(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *merged, *n;
	qr_session *other;

	/* An object of another session (SQLAlchemy: a detached copy). */
	qr_assert_ok(qr_session_new(&other, f->engine,
				    &(qr_session_options){.registry = f->reg}));
	User *copy = orm_user(other, "ed", "Ed Merged", "pw");
	copy->id = 1;
	qr_assert_ok(qr_field_set_not_null(copy, &copy->id));
	qr_assert_ok(qr_session_merge(&merged, f->s, copy));
	assert_ptr_equal(merged, ed);
	assert_string_equal(ed->fullname, "Ed Merged");
	assert_true(qr_session_is_modified(f->s, ed));
	/* No identity yet: a new pending copy. */
	n = orm_user(other, "newbie", "New", "n");
	qr_assert_ok(qr_session_merge(&merged, f->s, n));
	assert_ptr_not_equal(merged, n);
	assert_int_equal(qr_object_state(merged), QR_STATE_PENDING);
	assert_string_equal(merged->name, "newbie");
	qr_session_free(other);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(count_users(f), 5);
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_string_equal(ed->fullname, "Ed Merged");
	/* Merging an object of the session gives it back. */
	qr_assert_ok(qr_session_merge(&merged, f->s, ed));
	assert_ptr_equal(merged, ed);
}

static void test_nested(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *inner;
	qr_session_tx *sp;

	qr_assert_ok(qr_session_load(f->s, ed));
	qr_assert_ok(qr_session_begin_nested(&sp, f->s));
	assert_true(qr_session_tx_is_active(sp));
	inner = orm_user(f->s, "inner", "Inner", "i");
	qr_assert_ok(qr_session_add(f->s, inner));
	qr_assert_ok(qr_set_text(ed, &ed->fullname, "in savepoint"));
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(count_users(f), 5);
	qr_assert_ok(qr_session_tx_rollback(sp));
	assert_false(qr_session_tx_is_active(sp));
	assert_int_equal(qr_object_state(inner), QR_STATE_TRANSIENT);
	assert_true(qr_object_expired(ed));
	qr_assert_ok(qr_session_load(f->s, ed));
	assert_string_equal(ed->fullname, "Ed Jones");
	assert_int_equal(count_users(f), 4);
	assert_int_equal(qr_session_tx_commit(sp), QR_ESTATE);
	qr_session_tx_free(sp);

	/* A released savepoint keeps its work in the outer transaction. */
	qr_assert_ok(qr_session_begin_nested(&sp, f->s));
	qr_assert_ok(qr_session_add(f->s, orm_user(f->s, "kept", "K", "k")));
	qr_assert_ok(qr_session_tx_commit(sp));
	qr_session_tx_free(sp);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(count_users(f), 5);

	/* A savepoint freed while active rolls back; the outer rollback
	 * then forgets the rest. */
	qr_assert_ok(qr_session_begin_nested(&sp, f->s));
	qr_assert_ok(qr_session_add(f->s, orm_user(f->s, "gone", "G", "g")));
	qr_assert_ok(qr_session_flush(f->s));
	qr_session_tx_free(sp);
	assert_int_equal(count_users(f), 5);
	qr_assert_ok(qr_session_rollback(f->s));
}

static void test_close_and_reuse(void **state)
{
	orm_fx *f = *state;
	User *u;

	orm_seed(f);
	qr_session_close(f->s);
	assert_int_equal(count_users(f), 4);
	u = orm_user(f->s, "after", "close", "x");
	qr_assert_ok(qr_session_add(f->s, u));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(count_users(f), 5);
}

static void test_execute_in_session_tx(void **state)
{
	orm_fx *f = *state;
	qr_stmt *count =
		qr_text("SELECT count(*) FROM " ORM_TABLE_PREFIX "users");
	qr_result *r;
	const qr_value *v;
	int64_t n;

	qr_assert_ok(qr_session_add(f->s, orm_user(f->s, "a", "A", "a")));
	/* autoflushed, same transaction */
	qr_assert_ok(qr_session_execute(&r, f->s, count, NULL));
	qr_stmt_free(count);
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	assert_int_equal(n, 1);
	qr_result_free(r);
	qr_assert_ok(qr_session_rollback(f->s));
	assert_int_equal(count_users(f), 0);
}

static void test_errors(void **state)
{
	orm_fx *f = *state;
	qr_session *other;
	User *u = orm_user(f->s, "a", "A", "a");

	assert_int_equal(qr_session_add(f->s, NULL), QR_EINVAL);
	assert_int_equal(qr_session_add(NULL, u), QR_EINVAL);
	qr_assert_ok(qr_session_new(&other, f->engine, NULL));
	assert_int_equal(qr_session_add(other, u), QR_EINVAL);
	assert_int_equal(qr_session_expunge(other, u), QR_EINVAL);
	qr_session_free(other);
	assert_int_equal(qr_session_flush(NULL), QR_EINVAL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_states, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_transient_object_you_own,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_autoflush_and_identity_map,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_autoflush_off, orm_setup,
						orm_teardown),
		cmocka_unit_test(test_autoflush_option),
		cmocka_unit_test_setup_teardown(test_sets, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_get, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_commit_expires, orm_setup,
						orm_teardown),
		cmocka_unit_test(test_no_expire_on_commit),
		cmocka_unit_test_setup_teardown(
			test_commit_expires_and_detaches, orm_setup,
			orm_teardown),
		cmocka_unit_test_setup_teardown(test_rollback, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(
			test_rollback_discards_unflushed, orm_setup,
			orm_teardown),
		cmocka_unit_test_setup_teardown(test_refresh_and_expire,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_delete, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_expunge_detach, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_objects_outlive_session,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_expunge_after_each_flush,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_merge, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_nested, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_close_and_reuse, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_execute_in_session_tx,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_errors, orm_setup,
						orm_teardown),
	};
	return qr_test_run(argc, argv, "orm_session", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
