/*
 * test_orm_flush.c - the unit of work: dependency order, batched INSERTs,
 * UPDATEs of changed columns only, DELETEs after dependents, generated
 * keys and defaults, composite keys, the version counter, and a failed
 * flush that leaves the database unchanged and the session retryable.
 */
#define ORM_TABLE_PREFIX "qt_f_"
#include "orm_fixture.h"

#include <quarry/sys/dialect.h>

#include <inttypes.h>

static bool has_returning(qr_engine *e)
{
	const qr_dialect *d;
	qr_assert_ok(qr_dialect_find(&d, qr_engine_dialect_name(e)));
	return qr_test_insert_returning(e) &&
	       (d->features & QR_FEATURE_MULTI_VALUES);
}

static int64_t count_rows(orm_fx *f, const char *table)
{
	char sql[128];
	qr_result *r;
	const qr_value *v;
	int64_t n = -1;
	qr_conn *c = qr_test_connect(f->engine);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	qr_assert_ok(qr_conn_execute_text(&r, c, sql, NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(r);
	qr_conn_rollback(c);
	qr_conn_free(c);
	return n;
}

/* Index of the first logged statement starting with prefix. */
static size_t stmt_index(const orm_log *log, const char *prefix)
{
	for (size_t i = 0; orm_log_stmt(log, i); i++)
		if (strncmp(orm_log_stmt(log, i), prefix, strlen(prefix)) == 0)
			return i;
	fail_msg("no statement starting with %s", prefix);
	return 0;
}

static void test_nothing_to_do(void **state)
{
	orm_fx *f = *state;

	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(f->log.n, 0);
}

static void test_dependency_order(void **state)
{
	orm_fx *f = *state;
	Address *a = qr_new(f->s, Address);
	User *u = orm_user(f->s, "jack", "Jack Bean", "gjffdd");

	/* the child first: the flush puts users before addresses */
	u->id = 10;
	qr_assert_ok(qr_set_text(a, &a->email_address, "jack@google.com"));
	a->user_id = 10;
	qr_assert_ok(qr_session_add(f->s, a));
	qr_assert_ok(qr_session_add(f->s, u));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_true(
		stmt_index(&f->log, "INSERT INTO " ORM_TABLE_PREFIX "users") <
		stmt_index(&f->log,
			   "INSERT INTO " ORM_TABLE_PREFIX "addresses"));
	assert_int_equal(u->id, 10);
	assert_int_equal(count_rows(f, ORM_TABLE_PREFIX "addresses"), 1);

	/* deleting both: dependents first */
	qr_assert_ok(qr_session_delete(f->s, u));
	qr_assert_ok(qr_session_delete(f->s, a));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_true(
		stmt_index(&f->log,
			   "DELETE FROM " ORM_TABLE_PREFIX "addresses") <
		stmt_index(&f->log, "DELETE FROM " ORM_TABLE_PREFIX "users"));
	assert_int_equal(count_rows(f, ORM_TABLE_PREFIX "users"), 0);
}

static void test_batched_inserts(void **state)
{
	orm_fx *f = *state;
	User *u[3];

	for (int i = 0; i < 3; i++) {
		char name[16];
		snprintf(name, sizeof(name), "u%d", i);
		u[i] = orm_user(f->s, name, name, "p");
		qr_assert_ok(qr_session_add(f->s, u[i]));
	}
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	/* one multi-row INSERT .. RETURNING, or one per row */
	assert_int_equal(orm_log_count(&f->log, "INSERT"),
			 has_returning(f->engine) ? 1 : 3);
	/* keys assigned in the order the objects were added */
	assert_int_equal(u[0]->id, 1);
	assert_int_equal(u[1]->id, 2);
	assert_int_equal(u[2]->id, 3);

	/* keys given: nothing to fetch, one executemany (sent as one
	 * multi-row INSERT; on MySQL its last row on its own, so that the
	 * id reported is the last row's) */
	for (int i = 0; i < 3; i++) {
		User *x = orm_user(f->s, "k", "k", "k");
		x->id = 100 + i;
		qr_assert_ok(qr_session_add(f->s, x));
	}
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_log_count(&f->log, "INSERT"),
			 strcmp(qr_test_backend(), "mysql") == 0 ? 2 : 1);
	assert_int_equal(count_rows(f, ORM_TABLE_PREFIX "users"), 6);
}

static void test_update_changed_columns(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *wendy, *mary;
	qr_objlist all = QR_OBJLIST_INIT;

	qr_assert_ok(
		qr_query_all(&all, qr_query_order_by(qr_query(f->s, User),
						     qr_attr(User, "id"))));
	assert_ptr_equal(all.items[0], ed);
	wendy = all.items[1];
	mary = all.items[2];
	qr_objlist_clear(&all);

	ed->password = "a";
	wendy->password = "b";
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	/* same columns changed: one executemany UPDATE of password only */
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 1);
	assert_non_null(strstr(orm_log_stmt(&f->log, 0), "SET password="));
	assert_null(strstr(orm_log_stmt(&f->log, 0), "fullname"));

	qr_assert_ok(qr_set_text(ed, &ed->fullname, "E"));
	qr_assert_ok(qr_set_text(mary, &mary->name, "M"));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 2);

	/* setting a member to the value it has is no change */
	qr_assert_ok(qr_session_load(f->s, ed));
	qr_assert_ok(qr_set_text(ed, &ed->fullname, "E"));
	assert_false(qr_session_is_modified(f->s, ed));
}

/* A string edited where it is keeps its address: not seen until
 * qr_flag_modified() (SQLAlchemy's rule for mutable values); every
 * replacement is seen, even one at the address a freed string had. */
static void test_in_place_edits(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *x;
	int64_t id;

	qr_assert_ok(qr_session_load(f->s, ed));
	ed->fullname[0] = 'X';
	assert_false(qr_session_is_modified(f->s, ed));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 0);

	qr_assert_ok(QR_FLAG_MODIFIED(ed, fullname));
	assert_true(qr_session_is_modified(f->s, ed));
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 1);
	assert_non_null(strstr(orm_log_stmt(&f->log, 0), "SET fullname="));
	assert_null(strstr(orm_log_stmt(&f->log, 0), "password"));
	assert_false(qr_session_is_modified(f->s, ed));
	/* flagged but equal: nothing to send */
	qr_assert_ok(QR_FLAG_MODIFIED(ed, password));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 0);

	/* replaced and replaced back: the value is what counts */
	for (int i = 0; i < 4; i++)
		qr_assert_ok(qr_set_text(ed, &ed->name, i % 2 ? "ed" : "edd"));
	assert_false(qr_session_is_modified(f->s, ed));
	/* replacements free the strings before: a new one may take the
	 * address of one the snapshot saw */
	for (int i = 0; i < 8; i++)
		qr_assert_ok(
			qr_set_text(ed, &ed->name, i % 2 ? "eddy" : "edwin"));
	assert_true(qr_session_is_modified(f->s, ed));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 1);
	assert_non_null(strstr(orm_log_stmt(&f->log, 0), "SET name="));

	id = ed->id;
	qr_session_expunge_all(f->s);
	assert_int_equal(qr_get(&ed, f->s, User, qr_val_int(id)), 1);
	assert_string_equal(ed->name, "eddy");
	assert_string_equal(ed->fullname, "Xd Jones");

	/* the member must be a mapped member of a mapped object */
	assert_int_equal(qr_flag_modified(ed, NULL), QR_EINVAL);
	assert_int_equal(qr_flag_modified(NULL, &ed->name), QR_EINVAL);
	/* not a member of that object */
	x = orm_user(f->s, "x", "y", "z");
	assert_int_equal(qr_flag_modified(x, &ed->name), QR_EINVAL);
	/* a new object has no snapshot: nothing to do */
	qr_assert_ok(QR_FLAG_MODIFIED(x, name));
}

/* Read-only objects (Hibernate's setReadOnly / setDefaultReadOnly): not
 * dirty-checked, never updated, still deleted and refreshed. */
static void test_read_only(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *wendy, *fred, *x;
	qr_objlist all = QR_OBJLIST_INIT;

	qr_session_expunge_all(f->s);
	assert_false(qr_session_set_default_read_only(f->s, true));
	qr_assert_ok(
		qr_query_all(&all, qr_query_order_by(qr_query(f->s, User),
						     qr_attr(User, "id"))));
	assert_int_equal(all.count, 4);
	for (size_t i = 0; i < all.count; i++)
		assert_true(qr_object_is_read_only(all.items[i]));
	ed = all.items[0];
	wendy = all.items[1];
	fred = all.items[3];
	qr_objlist_clear(&all);
	assert_true(qr_session_set_default_read_only(f->s, false));

	/* changes are not seen, not written */
	qr_assert_ok(qr_set_text(ed, &ed->fullname, "Not Written"));
	wendy->password = "nor this";
	assert_false(qr_session_is_modified(f->s, ed));
	qr_assert_ok(qr_session_dirty_list(&all, f->s));
	assert_int_equal(all.count, 0);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 0);

	/* modifiable again: what it holds now is its loaded state */
	qr_assert_ok(qr_object_set_read_only(ed, false));
	assert_false(qr_object_is_read_only(ed));
	assert_false(qr_session_is_modified(f->s, ed));
	qr_assert_ok(qr_set_text(ed, &ed->name, "edward"));
	assert_true(qr_session_is_modified(f->s, ed));
	/* a row loaded again keeps each object's mode */
	qr_assert_ok(
		qr_query_all(&all, qr_query_order_by(qr_query(f->s, User),
						     qr_attr(User, "id"))));
	assert_false(qr_object_is_read_only(all.items[0]));
	assert_true(qr_object_is_read_only(all.items[1]));
	qr_objlist_clear(&all);
	/* that query's autoflush wrote ed's change, the name only: the
	 * fullname set while read-only is never written */
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 1);
	assert_null(strstr(orm_log_stmt(&f->log, 0), "fullname"));

	/* read-only objects can be deleted and refreshed */
	qr_assert_ok(qr_session_delete(f->s, fred));
	qr_assert_ok(qr_session_refresh(f->s, wendy));
	assert_string_equal(wendy->password, "foobar");
	assert_true(qr_object_is_read_only(wendy));
	wendy->password = "still not";
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 0);
	assert_int_equal(orm_log_count(&f->log, "DELETE"), 1);
	assert_int_equal(count_rows(f, ORM_TABLE_PREFIX "users"), 3);

	qr_session_expunge_all(f->s);
	assert_int_equal(qr_get(&ed, f->s, User, qr_val_int(1)), 1);
	assert_string_equal(ed->name, "edward");
	assert_string_equal(ed->fullname, "Ed Jones");
	assert_int_equal(qr_get(&wendy, f->s, User, qr_val_int(2)), 1);
	assert_string_equal(wendy->password, "foobar");

	/* only persistent objects */
	x = orm_user(f->s, "x", "y", "z");
	assert_int_equal(qr_object_set_read_only(x, true), QR_ESTATE);
	assert_int_equal(qr_object_set_read_only(NULL, true), QR_EINVAL);
	assert_false(qr_object_is_read_only(x));
	assert_false(qr_object_is_read_only(NULL));
}

static void test_primary_key_change(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *got;

	qr_assert_ok(qr_session_load(f->s, ed));
	ed->id = 42;
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(42)), 1);
	assert_ptr_equal(got, ed);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(1)), 0);
}

/* ---- version counter ------------------------------------------------------
 */

typedef struct Doc {
	int32_t id;
	char *body;
	int32_t version;
} Doc;

QR_MAPPING(Doc, "qt_docs", QR_FIELD(Doc, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Doc, body, QR_TEXT),
	   QR_FIELD(Doc, version, QR_INTEGER, .not_null = true),
	   QR_VERSION_ID(version));

static void external(orm_fx *f, const char *sql)
{
	qr_conn *c = qr_test_connect(f->engine);
	qr_test_exec(c, sql);
	qr_assert_ok(qr_conn_commit(c));
	qr_conn_free(c);
}

static void test_version_counter(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Doc), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Doc *d = qr_new(f->s, Doc);

	(void)state;
	qr_assert_ok(qr_set_text(d, &d->body, "v1"));
	qr_assert_ok(qr_session_add(f->s, d));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, d));
	assert_int_equal(d->version, 1);
	qr_assert_ok(qr_set_text(d, &d->body, "v2"));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_non_null(strstr(orm_log_stmt(&f->log, 0), "version"));
	qr_assert_ok(qr_session_load(f->s, d));
	assert_int_equal(d->version, 2);
	qr_assert_ok(qr_session_commit(f->s));

	/* someone else updates the row: our UPDATE is stale */
	external(f, "UPDATE qt_docs SET body = 'theirs', version = 3");
	qr_assert_ok(qr_set_text(d, &d->body, "mine"));
	assert_int_equal(qr_session_flush(f->s), QR_ESTALE);
	assert_non_null(strstr(qr_error_last()->message, "expected to update"));
	/* nothing lost: still changed, version as loaded */
	assert_true(qr_session_is_modified(f->s, d));
	assert_int_equal(d->version, 2);
	assert_string_equal(d->body, "mine");
	/* after loading the new version, the change goes through */
	qr_assert_ok(qr_session_rollback(f->s));
	qr_assert_ok(qr_session_load(f->s, d));
	assert_string_equal(d->body, "theirs");
	qr_assert_ok(qr_set_text(d, &d->body, "mine"));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, d));
	assert_int_equal(d->version, 4);
	qr_assert_ok(qr_session_commit(f->s));

	/* a stale DELETE too */
	external(f, "UPDATE qt_docs SET version = 9");
	qr_assert_ok(qr_session_delete(f->s, d));
	assert_int_equal(qr_session_commit(f->s), QR_ESTALE);
	qr_assert_ok(qr_session_rollback(f->s));
	assert_int_equal(count_rows(f, "qt_docs"), 1);
	orm_fx_free(f);
}

/* A read-only Doc is deleted with the version it was loaded with. */
static void test_read_only_version(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Doc), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Doc *d = qr_new(f->s, Doc);

	(void)state;
	qr_assert_ok(qr_set_text(d, &d->body, "v1"));
	qr_assert_ok(qr_session_add(f->s, d));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, d));
	qr_assert_ok(qr_object_set_read_only(d, true));
	qr_assert_ok(qr_set_text(d, &d->body, "ignored"));
	qr_assert_ok(qr_session_delete(f->s, d));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 0);
	assert_int_equal(orm_log_count(&f->log, "DELETE"), 1);
	assert_int_equal(count_rows(f, "qt_docs"), 0);
	/* out of the session (deleted, then detached at commit) it is
	 * modifiable */
	assert_false(qr_object_is_read_only(d));
	orm_fx_free(f);
}

/* ---- a failed flush ---------------------------------------------------- */

typedef struct Tag {
	int64_t id;
	char *label;
} Tag;

QR_MAPPING(Tag, "qt_tags", QR_FIELD(Tag, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Tag, label, qr_string(40), .unique = true,
		    .not_null = true));

static void test_failed_flush_is_retryable(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Tag), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Tag *first = qr_new(f->s, Tag), *tags[1000];

	(void)state;
	/* one committed row, one flushed earlier in the transaction */
	qr_assert_ok(qr_set_text(first, &first->label, "taken"));
	qr_assert_ok(qr_session_add(f->s, first));
	qr_assert_ok(qr_session_commit(f->s));
	Tag *early = qr_new(f->s, Tag);
	qr_assert_ok(qr_set_text(early, &early->label, "early"));
	qr_assert_ok(qr_session_add(f->s, early));
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(qr_object_state(early), QR_STATE_PERSISTENT);

	for (int i = 0; i < 1000; i++) {
		char label[32];
		snprintf(label, sizeof(label), "tag %d", i);
		tags[i] = qr_new(f->s, Tag);
		qr_assert_ok(qr_set_text(tags[i], &tags[i]->label,
					 i == 499 ? "taken" : label));
		qr_assert_ok(qr_session_add(f->s, tags[i]));
	}
	f->log.on = false;
	assert_int_equal(qr_session_flush(f->s), QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	/* the database: as before the transaction */
	assert_int_equal(count_rows(f, "qt_tags"), 1);
	/* the session: everything pending again, keys unset */
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(qr_object_state(tags[i]), QR_STATE_PENDING);
		assert_true(QR_IS_NULL(tags[i], id));
	}
	assert_int_equal(qr_object_state(early), QR_STATE_PENDING);
	assert_true(QR_IS_NULL(early, id));
	assert_int_equal(qr_object_state(first), QR_STATE_PERSISTENT);
	{
		qr_objlist l = QR_OBJLIST_INIT;
		qr_assert_ok(qr_session_new_list(&l, f->s));
		assert_int_equal(l.count, 1001);
		assert_ptr_equal(l.items[0], early); /* order kept */
		qr_objlist_clear(&l);
	}
	/* fix the cause and commit again */
	qr_assert_ok(qr_set_text(tags[499], &tags[499]->label, "tag 499"));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(count_rows(f, "qt_tags"), 1002);
	assert_int_equal(qr_object_state(tags[999]), QR_STATE_PERSISTENT);
	qr_assert_ok(qr_session_load(f->s, tags[999]));
	assert_string_equal(tags[999]->label, "tag 999");
	orm_fx_free(f);
}

static void test_failed_update_restores(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Tag), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Tag *a = qr_new(f->s, Tag), *b = qr_new(f->s, Tag);

	(void)state;
	qr_assert_ok(qr_set_text(a, &a->label, "a"));
	qr_assert_ok(qr_set_text(b, &b->label, "b"));
	qr_assert_ok(QR_ADD_ALL(f->s, a, b));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, a));
	qr_assert_ok(qr_session_load(f->s, b));
	/* flushed in this transaction, then a failing one */
	qr_assert_ok(qr_set_text(a, &a->label, "a2"));
	qr_assert_ok(qr_session_flush(f->s));
	qr_assert_ok(qr_session_delete(f->s, a));
	qr_assert_ok(qr_session_flush(f->s));
	qr_assert_ok(qr_set_text(b, &b->label, "a2")); /* now free */
	qr_assert_ok(qr_session_flush(f->s));
	qr_assert_ok(qr_set_text(b, &b->label, "x"));
	Tag *c = qr_new(f->s, Tag);
	qr_assert_ok(qr_set_text(c, &c->label, "x"));
	qr_assert_ok(qr_session_add(f->s, c));
	assert_int_equal(qr_session_flush(f->s), QR_EDB);
	/* back to the start of the transaction, as pending work */
	assert_int_equal(qr_object_state(a), QR_STATE_PERSISTENT);
	{
		qr_objlist l = QR_OBJLIST_INIT;
		qr_assert_ok(qr_session_deleted_list(&l, f->s));
		assert_int_equal(l.count, 1);
		assert_ptr_equal(l.items[0], a);
		qr_objlist_clear(&l);
	}
	assert_string_equal(a->label, "a2");
	assert_true(qr_session_is_modified(f->s, b));
	assert_int_equal(count_rows(f, "qt_tags"), 2);
	qr_assert_ok(qr_set_text(c, &c->label, "c"));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(count_rows(f, "qt_tags"), 2); /* a gone, c new */
	qr_assert_ok(qr_session_load(f->s, b));
	assert_string_equal(b->label, "x");
	orm_fx_free(f);
}

/* The server drops the session's connection; the flush fails, and the
 * retry runs on a new connection with everything sent again. */
static void test_flush_after_disconnect(void **state)
{
	orm_fx *f = *state;
	const char *backend = qr_test_backend();
	bool pg = strcmp(backend, "postgresql") == 0;
	qr_stmt *who;
	qr_result *r;
	const qr_value *v;
	int64_t pid;
	char sql[96];
	User *u;

	if (!pg && strcmp(backend, "mysql") != 0)
		skip(); /* SQLite has no server to lose */
	u = orm_user(f->s, "early", "E", "e");
	qr_assert_ok(qr_session_add(f->s, u));
	qr_assert_ok(qr_session_flush(f->s));
	who = qr_text(pg ? "SELECT pg_backend_pid()"
			 : "SELECT CONNECTION_ID()");
	qr_assert_ok(qr_session_execute(&r, f->s, who, NULL));
	qr_stmt_free(who);
	assert_int_equal(qr_result_scalar(r, &v), 1);
	qr_assert_ok(qr_value_int64(v, &pid));
	qr_result_free(r);
	snprintf(sql, sizeof(sql),
		 pg ? "SELECT pg_terminate_backend(%lld)" : "KILL %lld",
		 (long long)pid);
	{
		qr_conn *c = qr_test_connect(f->engine);
		qr_test_exec(c, sql);
		qr_conn_commit(c);
		qr_conn_free(c);
	}
	qr_assert_ok(qr_session_add(f->s, orm_user(f->s, "late", "L", "l")));
	assert_true(qr_session_flush(f->s) < 0);
	assert_int_equal(qr_object_state(u), QR_STATE_PENDING);
	assert_true(QR_IS_NULL(u, id));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(count_rows(f, ORM_TABLE_PREFIX "users"), 2);
}

/* ---- defaults and composite keys ------------------------------------------
 */

static int next_serial(qr_value *out, qr_scratch *scratch, void *arg)
{
	int *counter = arg;
	(void)scratch;
	*out = qr_val_int(++*counter);
	return 0;
}

static int serial_counter;

typedef struct Item {
	int64_t id;
	char *name;
	int32_t qty;    /* client default 7 */
	char *status;   /* server default 'new' */
	int32_t serial; /* client default from a callback */
} Item;

QR_MAPPING(Item, "qt_items",
	   QR_FIELD(Item, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Item, name, qr_string(20)),
	   QR_FIELD(Item, qty, QR_INTEGER, .default_value = qr_val_int(7)),
	   QR_FIELD(Item, status, qr_string(10), .server_default = "new"),
	   QR_FIELD(Item, serial, QR_INTEGER, .default_fn = next_serial,
		    .default_arg = &serial_counter));

static void test_defaults(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Item), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Item *a = qr_new(f->s, Item), *b = qr_new(f->s, Item);

	(void)state;
	assert_true(QR_IS_NULL(a, qty));
	qr_assert_ok(qr_set_text(a, &a->name, "a"));
	qr_assert_ok(qr_set_text(b, &b->name, "b"));
	QR_SET(b, qty, 0); /* an explicit zero, not "unset" */
	qr_assert_ok(QR_ADD_ALL(f->s, a, b));
	qr_assert_ok(qr_session_flush(f->s));
	/* fetched by RETURNING, or loaded on access where there is none */
	qr_assert_ok(qr_session_load(f->s, a));
	qr_assert_ok(qr_session_load(f->s, b));
	assert_int_equal(a->qty, 7);
	assert_false(QR_IS_NULL(b, qty));
	assert_int_equal(b->qty, 0);
	assert_string_equal(a->status, "new");
	assert_string_equal(b->status, "new");
	assert_true(a->serial >= 1 && b->serial >= 1 && a->serial != b->serial);
	qr_assert_ok(qr_session_commit(f->s));
	orm_fx_free(f);
}

typedef struct Counter {
	int64_t id;
	int32_t hits;
} Counter;

QR_MAPPING(Counter, "qt_f_counters",
	   QR_FIELD(Counter, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Counter, hits, QR_INTEGER, .server_default = "0"));

static void test_all_defaults(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Counter), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Counter *a = qr_new(f->s, Counter), *b = qr_new(f->s, Counter);

	(void)state;
	/* nothing set: INSERT .. DEFAULT VALUES / () VALUES () per row */
	qr_assert_ok(QR_ADD_ALL(f->s, a, b));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, a));
	qr_assert_ok(qr_session_load(f->s, b));
	assert_int_equal(a->id, 1);
	assert_int_equal(b->id, 2);
	assert_false(QR_IS_NULL(a, hits));
	assert_int_equal(b->hits, 0);
	orm_fx_free(f);
}

typedef struct Membership {
	int32_t group_id;
	int32_t user_id;
	char *role;
} Membership;

QR_MAPPING(Membership, "qt_members",
	   QR_FIELD(Membership, group_id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Membership, user_id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Membership, role, qr_string(10)));

static void test_composite_key(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Membership), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Membership *m;
	char *id;

	(void)state;
	for (int g = 1; g <= 2; g++) {
		for (int u = 1; u <= 2; u++) {
			m = qr_new(f->s, Membership);
			m->group_id = g;
			m->user_id = u;
			qr_assert_ok(qr_set_text(m, &m->role, "member"));
			qr_assert_ok(qr_session_add(f->s, m));
		}
	}
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(
		qr_get(&m, f->s, Membership, qr_val_int(2), qr_val_int(1)), 1);
	assert_int_equal(m->group_id, 2);
	assert_int_equal(m->user_id, 1);
	qr_assert_ok(qr_object_identity(&id, m));
	assert_string_equal(id, "(2, 1)");
	qr_free(id);
	qr_assert_ok(qr_set_text(m, &m->role, "owner"));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_delete(f->s, m));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(count_rows(f, "qt_members"), 3);
	/* zero is a valid key value for a NOT NULL key without default */
	m = qr_new(f->s, Membership);
	assert_false(QR_IS_NULL(m, group_id));
	qr_assert_ok(qr_session_add(f->s, m));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(count_rows(f, "qt_members"), 4);
	orm_fx_free(f);
}

/* A mapper of more than 64 fields: the fields the database filled are
 * journaled apart from the narrow mappers' (a key and a server default
 * past the 64th field). */
typedef struct Wide {
	int64_t id;
	char *label;
	int32_t c0;
	int32_t c1;
	int32_t c2;
	int32_t c3;
	int32_t c4;
	int32_t c5;
	int32_t c6;
	int32_t c7;
	int32_t c8;
	int32_t c9;
	int32_t c10;
	int32_t c11;
	int32_t c12;
	int32_t c13;
	int32_t c14;
	int32_t c15;
	int32_t c16;
	int32_t c17;
	int32_t c18;
	int32_t c19;
	int32_t c20;
	int32_t c21;
	int32_t c22;
	int32_t c23;
	int32_t c24;
	int32_t c25;
	int32_t c26;
	int32_t c27;
	int32_t c28;
	int32_t c29;
	int32_t c30;
	int32_t c31;
	int32_t c32;
	int32_t c33;
	int32_t c34;
	int32_t c35;
	int32_t c36;
	int32_t c37;
	int32_t c38;
	int32_t c39;
	int32_t c40;
	int32_t c41;
	int32_t c42;
	int32_t c43;
	int32_t c44;
	int32_t c45;
	int32_t c46;
	int32_t c47;
	int32_t c48;
	int32_t c49;
	int32_t c50;
	int32_t c51;
	int32_t c52;
	int32_t c53;
	int32_t c54;
	int32_t c55;
	int32_t c56;
	int32_t c57;
	int32_t c58;
	int32_t c59;
	int32_t c60;
	int32_t c61;
	int32_t c62;
	int32_t c63;
	int32_t c64;
	int32_t c65;
	int32_t c66;
	int32_t c67;
	int32_t c68;
	int32_t c69;
} Wide;

QR_MAPPING(Wide, "qt_f_wide",
	   QR_FIELD(Wide, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Wide, label, qr_string(20), .unique = true),
	   QR_FIELD(Wide, c0, QR_INTEGER), QR_FIELD(Wide, c1, QR_INTEGER),
	   QR_FIELD(Wide, c2, QR_INTEGER), QR_FIELD(Wide, c3, QR_INTEGER),
	   QR_FIELD(Wide, c4, QR_INTEGER), QR_FIELD(Wide, c5, QR_INTEGER),
	   QR_FIELD(Wide, c6, QR_INTEGER), QR_FIELD(Wide, c7, QR_INTEGER),
	   QR_FIELD(Wide, c8, QR_INTEGER), QR_FIELD(Wide, c9, QR_INTEGER),
	   QR_FIELD(Wide, c10, QR_INTEGER), QR_FIELD(Wide, c11, QR_INTEGER),
	   QR_FIELD(Wide, c12, QR_INTEGER), QR_FIELD(Wide, c13, QR_INTEGER),
	   QR_FIELD(Wide, c14, QR_INTEGER), QR_FIELD(Wide, c15, QR_INTEGER),
	   QR_FIELD(Wide, c16, QR_INTEGER), QR_FIELD(Wide, c17, QR_INTEGER),
	   QR_FIELD(Wide, c18, QR_INTEGER), QR_FIELD(Wide, c19, QR_INTEGER),
	   QR_FIELD(Wide, c20, QR_INTEGER), QR_FIELD(Wide, c21, QR_INTEGER),
	   QR_FIELD(Wide, c22, QR_INTEGER), QR_FIELD(Wide, c23, QR_INTEGER),
	   QR_FIELD(Wide, c24, QR_INTEGER), QR_FIELD(Wide, c25, QR_INTEGER),
	   QR_FIELD(Wide, c26, QR_INTEGER), QR_FIELD(Wide, c27, QR_INTEGER),
	   QR_FIELD(Wide, c28, QR_INTEGER), QR_FIELD(Wide, c29, QR_INTEGER),
	   QR_FIELD(Wide, c30, QR_INTEGER), QR_FIELD(Wide, c31, QR_INTEGER),
	   QR_FIELD(Wide, c32, QR_INTEGER), QR_FIELD(Wide, c33, QR_INTEGER),
	   QR_FIELD(Wide, c34, QR_INTEGER), QR_FIELD(Wide, c35, QR_INTEGER),
	   QR_FIELD(Wide, c36, QR_INTEGER), QR_FIELD(Wide, c37, QR_INTEGER),
	   QR_FIELD(Wide, c38, QR_INTEGER), QR_FIELD(Wide, c39, QR_INTEGER),
	   QR_FIELD(Wide, c40, QR_INTEGER), QR_FIELD(Wide, c41, QR_INTEGER),
	   QR_FIELD(Wide, c42, QR_INTEGER), QR_FIELD(Wide, c43, QR_INTEGER),
	   QR_FIELD(Wide, c44, QR_INTEGER), QR_FIELD(Wide, c45, QR_INTEGER),
	   QR_FIELD(Wide, c46, QR_INTEGER), QR_FIELD(Wide, c47, QR_INTEGER),
	   QR_FIELD(Wide, c48, QR_INTEGER), QR_FIELD(Wide, c49, QR_INTEGER),
	   QR_FIELD(Wide, c50, QR_INTEGER), QR_FIELD(Wide, c51, QR_INTEGER),
	   QR_FIELD(Wide, c52, QR_INTEGER), QR_FIELD(Wide, c53, QR_INTEGER),
	   QR_FIELD(Wide, c54, QR_INTEGER), QR_FIELD(Wide, c55, QR_INTEGER),
	   QR_FIELD(Wide, c56, QR_INTEGER), QR_FIELD(Wide, c57, QR_INTEGER),
	   QR_FIELD(Wide, c58, QR_INTEGER), QR_FIELD(Wide, c59, QR_INTEGER),
	   QR_FIELD(Wide, c60, QR_INTEGER), QR_FIELD(Wide, c61, QR_INTEGER),
	   QR_FIELD(Wide, c62, QR_INTEGER), QR_FIELD(Wide, c63, QR_INTEGER),
	   QR_FIELD(Wide, c64, QR_INTEGER), QR_FIELD(Wide, c65, QR_INTEGER),
	   QR_FIELD(Wide, c66, QR_INTEGER), QR_FIELD(Wide, c67, QR_INTEGER),
	   QR_FIELD(Wide, c68, QR_INTEGER),
	   QR_FIELD(Wide, c69, QR_INTEGER, .server_default = "5"));

static Wide *new_wide(orm_fx *f, const char *label)
{
	Wide *w = qr_new(f->s, Wide);
	qr_assert_ok(qr_set_text(w, &w->label, label));
	w->c0 = 1;
	qr_assert_ok(qr_session_add(f->s, w));
	return w;
}

/* A failed flush puts an object flushed earlier in the transaction back
 * to pending with the fields the database filled NULL again, on a
 * mapper of more than 64 fields as on a narrow one (above). */
static void test_wide_failed_flush(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Wide), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Wide *early, *late;

	(void)state;
	new_wide(f, "taken");
	qr_assert_ok(qr_session_commit(f->s));
	early = new_wide(f, "early");
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(early->id, 2);
	if (has_returning(f->engine)) {
		assert_false(QR_IS_NULL(early, c69));
		assert_int_equal(early->c69, 5);
	}
	late = new_wide(f, "taken");
	f->log.on = false;
	assert_int_equal(qr_session_flush(f->s), QR_EDB);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INTEGRITY);
	assert_int_equal(qr_object_state(early), QR_STATE_PENDING);
	assert_true(QR_IS_NULL(early, id));
	assert_true(QR_IS_NULL(early, c69));
	assert_int_equal(early->c0, 1);
	assert_true(QR_IS_NULL(late, id));
	qr_assert_ok(qr_set_text(late, &late->label, "late"));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(count_rows(f, "qt_f_wide"), 3);
	qr_assert_ok(qr_session_load(f->s, early));
	assert_int_equal(early->c69, 5);
	assert_false(QR_IS_NULL(late, id));
	orm_fx_free(f);
}

/* The dirty pass compares every object of the session with its
 * snapshot at each flush: a change to an object flushed many flushes
 * ago, or made between two flushes to an object of an earlier batch, is
 * found; unchanged objects give no UPDATE. Users (5 words compared) and
 * addresses (4) interleaved: the pass's figures change with the mapper
 * at every object; the last objects of the session (past those it asks
 * for ahead) included. */
static void test_dirty_pass_many_flushes(void **state)
{
	enum { N = 240, BATCH = 20 };
	orm_fx *f = *state;
	User *u[N + BATCH], *got;
	Address *a[N], *ga;
	char text[32];

	for (int i = 0; i < N; i++) {
		snprintf(text, sizeof(text), "u%d", i);
		u[i] = orm_user(f->s, text, text, "p");
		u[i]->id = i + 1;
		qr_assert_ok(qr_session_add(f->s, u[i]));
		a[i] = qr_new(f->s, Address);
		assert_non_null(a[i]);
		a[i]->id = i + 1;
		a[i]->user_id = i + 1;
		snprintf(text, sizeof(text), "a%d@x", i);
		qr_assert_ok(qr_set_text(a[i], &a[i]->email_address, text));
		qr_assert_ok(qr_session_add(f->s, a[i]));
		if ((i + 1) % BATCH == 0)
			qr_assert_ok(qr_session_flush(f->s));
	}
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(f->log.n, 0);

	/* the first objects, the last ones, a string and an integer */
	qr_assert_ok(qr_set_text(u[0], &u[0]->password, "x0"));
	a[1]->user_id = 1;
	qr_assert_ok(qr_set_text(u[N - 1], &u[N - 1]->name, "last"));
	qr_assert_ok(qr_set_text(a[N - 2], &a[N - 2]->email_address, "late"));
	assert_true(qr_session_is_modified(f->s, a[1]));
	assert_false(qr_session_is_modified(f->s, a[2]));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 4);
	assert_false(qr_session_is_modified(f->s, a[1]));

	/* changed between two flushes of new objects: found by the second
	 * along with the new batch, then no more */
	qr_assert_ok(qr_set_text(u[BATCH + 3], &u[BATCH + 3]->fullname, "F"));
	a[5]->user_id = 2;
	for (int i = N; i < N + BATCH; i++) {
		u[i] = orm_user(f->s, "n", "n", "n");
		u[i]->id = i + 1;
		qr_assert_ok(qr_session_add(f->s, u[i]));
	}
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 2);
	assert_true(orm_log_count(&f->log, "INSERT") >= 1);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(f->log.n, 0);

	/* deleted, then a change to the object next to it */
	qr_assert_ok(qr_session_delete(f->s, a[7]));
	a[8]->user_id = 3;
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 1);
	assert_int_equal(orm_log_count(&f->log, "DELETE"), 1);

	qr_session_expunge_all(f->s);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(1)), 1);
	assert_string_equal(got->password, "x0");
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(N)), 1);
	assert_string_equal(got->name, "last");
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(BATCH + 4)), 1);
	assert_string_equal(got->fullname, "F");
	assert_string_equal(got->name, "u23");
	assert_int_equal(qr_get(&ga, f->s, Address, qr_val_int(2)), 1);
	assert_int_equal(ga->user_id, 1);
	assert_int_equal(qr_get(&ga, f->s, Address, qr_val_int(6)), 1);
	assert_int_equal(ga->user_id, 2);
	assert_int_equal(qr_get(&ga, f->s, Address, qr_val_int(9)), 1);
	assert_int_equal(ga->user_id, 3);
	assert_int_equal(qr_get(&ga, f->s, Address, qr_val_int(8)), 0);
	assert_int_equal(qr_get(&ga, f->s, Address, qr_val_int(N - 1)), 1);
	assert_string_equal(ga->email_address, "late");
	assert_int_equal(qr_get(&ga, f->s, Address, qr_val_int(3)), 1);
	assert_string_equal(ga->email_address, "a2@x");
	assert_int_equal(ga->user_id, 3);
}

/* The dirty pass compares the structs, not the NULL flags: a member made
 * NULL or not NULL where its bytes stay 0 is still found (quarry has
 * the object checked member by member), on a mapper wider than the
 * pass's unrolled compare. */
static void test_null_flag_changes(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Wide), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Wide *w, *got;
	int64_t id;

	(void)state;
	w = new_wide(f, "nulls");
	qr_assert_ok(qr_session_flush(f->s));
	id = w->id;
	assert_true(QR_IS_NULL(w, c1));
	qr_assert_ok(QR_SET(w, c0, 0)); /* 1 -> 0 (not NULL) */
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 1);

	qr_assert_ok(QR_SET(w, c1, 0)); /* NULL -> 0 */
	assert_true(qr_session_is_modified(f->s, w));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 1);
	assert_false(qr_session_is_modified(f->s, w));

	qr_assert_ok(QR_SET_NULL(w, c0)); /* 0 -> NULL */
	assert_true(QR_IS_NULL(w, c0));
	assert_true(qr_session_is_modified(f->s, w));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 1);

	/* not NULL already: no change */
	qr_assert_ok(QR_SET(w, c1, 0));
	assert_false(qr_session_is_modified(f->s, w));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(f->log.n, 0);
	qr_assert_ok(qr_session_commit(f->s));

	qr_session_expunge_all(f->s);
	assert_int_equal(qr_get(&got, f->s, Wide, qr_val_int(id)), 1);
	assert_false(QR_IS_NULL(got, c1));
	assert_int_equal(got->c1, 0);
	assert_true(QR_IS_NULL(got, c0));
	assert_true(QR_IS_NULL(got, c2));
	orm_fx_free(f);
}

static void test_identity_conflict(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f), *dup;

	qr_assert_ok(qr_session_load(f->s, ed));
	dup = orm_user(f->s, "dup", "Dup", "d");
	dup->id = ed->id;
	qr_assert_ok(qr_session_add(f->s, dup));
	orm_log_clear(&f->log);
	assert_int_equal(qr_session_flush(f->s), QR_ESTATE);
	assert_int_equal(orm_log_count(&f->log, "INSERT"), 0);
	qr_assert_ok(qr_session_expunge(f->s, dup));
	qr_assert_ok(qr_session_flush(f->s));
}

/* A new object's identity key is made in its block (its key room): given
 * or generated, changed after the INSERT (the room holds the old key),
 * dropped by a rollback and made again by the next flush. */
static void test_new_object_keys(void **state)
{
	orm_fx *f = *state;
	User *given = orm_user(f->s, "given", "Given", "g");
	User *gen = orm_user(f->s, "gen", "Generated", "n"), *got, *other;

	given->id = 70;
	qr_assert_ok(qr_session_add(f->s, given));
	qr_assert_ok(qr_session_add(f->s, gen));
	qr_assert_ok(qr_session_flush(f->s));
	assert_true(gen->id > 0);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(70)), 1);
	assert_ptr_equal(got, given);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(gen->id)), 1);
	assert_ptr_equal(got, gen);
	/* a new key while the room holds the old one */
	given->id = 91;
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(91)), 1);
	assert_ptr_equal(got, given);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(70)), 0);
	/* rolled back: transient again, keyless; added again under another
	 * key, which the next flush makes (a conflict first) */
	qr_assert_ok(qr_session_rollback(f->s));
	assert_int_equal(qr_object_state(given), QR_STATE_TRANSIENT);
	other = orm_user(f->s, "other", "Other", "o");
	other->id = 92;
	qr_assert_ok(qr_session_add(f->s, other));
	qr_assert_ok(qr_session_commit(f->s));
	given->id = 92;
	qr_assert_ok(qr_session_add(f->s, given));
	assert_int_equal(qr_session_flush(f->s), QR_ESTATE);
	given->id = 93;
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(93)), 1);
	assert_ptr_equal(got, given);
	assert_string_equal(given->name, "given");
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(92)), 1);
	assert_ptr_equal(got, other);
}

/* The strings set into a new object go to room in its block (sized from
 * the mapper's last new object), shared with its snapshot after the
 * INSERT: edits in place count once flagged, replacements and a rollback
 * behave as with strings of their own, longer strings do not fit and
 * are stored apart. */
static void test_new_object_text_room(void **state)
{
	orm_fx *f = *state;
	User *a = orm_user(f->s, "aa", "Aa", "a1"), *b, *c, *got;
	char big[46]; /* longer than the room the first object gave */
	int64_t ids[2];

	qr_assert_ok(qr_session_add(f->s, a));
	qr_assert_ok(qr_session_commit(f->s));
	b = orm_user(f->s, "bb", "Bb", "b1");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	c = orm_user(f->s, "cc", big, "c1");
	qr_assert_ok(qr_session_add(f->s, b));
	qr_assert_ok(qr_session_add(f->s, c));
	qr_assert_ok(qr_session_flush(f->s));
	/* edited in place: unseen until flagged */
	b->name[0] = 'B';
	assert_false(qr_session_is_modified(f->s, b));
	qr_assert_ok(QR_FLAG_MODIFIED(b, name));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE"), 1);
	/* replaced, then rolled back: the committed value again */
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, b));
	qr_assert_ok(
		qr_set_text(b, &b->fullname, "Bbbbbbbbbbbbbbbbbbbbbbbbbbbb"));
	qr_assert_ok(qr_session_flush(f->s));
	qr_assert_ok(qr_session_rollback(f->s));
	qr_assert_ok(qr_session_load(f->s, b));
	assert_string_equal(b->fullname, "Bb");
	ids[0] = b->id;
	ids[1] = c->id;
	qr_session_expunge_all(f->s);
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(ids[0])), 1);
	assert_string_equal(got->name, "Bb");
	assert_string_equal(got->fullname, "Bb");
	assert_string_equal(got->password, "b1");
	assert_int_equal(qr_get(&got, f->s, User, qr_val_int(ids[1])), 1);
	assert_string_equal(got->fullname, big);
	assert_string_equal(got->name, "cc");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nothing_to_do, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_dependency_order,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_batched_inserts, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_update_changed_columns,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_in_place_edits, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_read_only, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_primary_key_change,
						orm_setup, orm_teardown),
		cmocka_unit_test(test_version_counter),
		cmocka_unit_test(test_read_only_version),
		cmocka_unit_test(test_failed_flush_is_retryable),
		cmocka_unit_test(test_failed_update_restores),
		cmocka_unit_test_setup_teardown(test_flush_after_disconnect,
						orm_setup, orm_teardown),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_defaults),
		cmocka_unit_test(test_composite_key),
		cmocka_unit_test(test_wide_failed_flush),
		cmocka_unit_test_setup_teardown(test_new_object_keys, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_new_object_text_room,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_identity_conflict,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_dirty_pass_many_flushes,
						orm_setup, orm_teardown),
		cmocka_unit_test(test_null_flag_changes),
	};
	return qr_test_run(argc, argv, "orm_flush", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
