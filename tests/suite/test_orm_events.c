/*
 * test_orm_events.c - mapper events (before/after insert, update,
 * delete; propagate to subclasses) and session events (before/after
 * flush, before/after commit, after rollback): what a listener sees and
 * changes, their order, and a failing listener stopping the flush, on
 * every backend.
 */
#define ORM_TABLE_PREFIX "qt_ev_"
#include "orm_fixture.h"

/* Single-table inheritance for propagation. */
typedef struct Pet {
	int64_t id;
	char *name;
	char *kind;
} Pet;
typedef struct Dog {
	Pet pet;
	int64_t barks;
} Dog;
QR_MAPPING(Pet, "qt_ev_pets",
	   QR_FIELD(Pet, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Pet, name, qr_string(20)),
	   QR_FIELD(Pet, kind, qr_string(10)), QR_POLYMORPHIC_ON("kind", "pet"),
	   QR_REPR("name"));
QR_MAPPING(Dog, NULL, QR_INHERITS(Pet), QR_FIELD(Dog, barks, QR_INTEGER),
	   QR_POLYMORPHIC_IDENTITY("dog"));

/* What the listeners saw, in order. */
typedef struct trace {
	char log[2048];
	int64_t ids[16];
	size_t nids;
	int fail_on; /* the event that fails, or 0 */
} trace;

static void note(trace *t, const char *what)
{
	size_t n = strlen(t->log);
	snprintf(t->log + n, sizeof(t->log) - n, "%s%s", n ? " " : "", what);
}

static int on_user(qr_mapper_event ev, qr_conn *conn, void *obj, void *ud)
{
	static const char *const names[] = {"",
					    "before_insert",
					    "after_insert",
					    "before_update",
					    "after_update",
					    "before_delete",
					    "after_delete"};
	trace *t = ud;
	User *u = obj;
	char buf[64];
	(void)conn;
	snprintf(buf, sizeof(buf), "%s(%s)", names[ev], u->name);
	note(t, buf);
	if ((int)ev == t->fail_on)
		return -1;
	if (ev == QR_BEFORE_INSERT && !u->fullname)
		return qr_set_text(u, &u->fullname, "set by before_insert");
	if (ev == QR_AFTER_INSERT && t->nids < 16)
		t->ids[t->nids++] = u->id;
	if (ev == QR_BEFORE_UPDATE)
		return qr_set_text(u, &u->password, "stamped");
	return 0;
}

static int on_session(qr_session_event ev, qr_session *s, void *ud)
{
	static const char *const names[] = {"",
					    "before_flush",
					    "after_flush",
					    "before_commit",
					    "after_commit",
					    "after_rollback"};
	trace *t = ud;
	note(t, names[ev]);
	if ((int)ev == 100 + t->fail_on)
		return -1;
	/* an object added before the flush is flushed with it */
	if (ev == QR_BEFORE_FLUSH && !strstr(t->log, "added")) {
		note(t, "added");
		return qr_session_add(s, orm_user(s, "hooked", "Hooked", "x"));
	}
	return 0;
}

static void listen_user(orm_fx *f, trace *t)
{
	for (int ev = QR_BEFORE_INSERT; ev <= QR_AFTER_DELETE; ev++)
		qr_assert_ok(qr_registry_listen(f->reg, &qr_mapping_User,
						(qr_mapper_event)ev, on_user, t,
						false));
}

static void test_mapper_events(void **state)
{
	orm_fx *f = *state;
	trace t = {0};
	User *ed;

	listen_user(f, &t);
	ed = orm_user(f->s, "ed", NULL, "pw");
	qr_assert_ok(qr_session_add(f->s, ed));
	qr_assert_ok(qr_session_flush(f->s));
	assert_string_equal(t.log, "before_insert(ed) after_insert(ed)");
	assert_int_equal(t.nids, 1);
	assert_int_equal(t.ids[0], ed->id);
	assert_true(ed->id > 0);
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_ev_users WHERE "
				       "fullname = 'set by before_insert'"),
			 1);

	/* before_update's change is written with the object's own */
	t.log[0] = '\0';
	qr_assert_ok(qr_set_text(ed, &ed->name, "edward"));
	qr_assert_ok(qr_session_flush(f->s));
	assert_string_equal(t.log,
			    "before_update(edward) after_update(edward)");
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_ev_users WHERE "
				       "name = 'edward' AND password = "
				       "'stamped'"),
			 1);
	assert_false(qr_session_is_modified(f->s, ed));

	t.log[0] = '\0';
	qr_assert_ok(qr_session_delete(f->s, ed));
	qr_assert_ok(qr_session_flush(f->s));
	assert_string_equal(t.log,
			    "before_delete(edward) after_delete(edward)");
	qr_assert_ok(qr_session_commit(f->s));
}

static void test_failing_listener(void **state)
{
	orm_fx *f = *state;
	trace t = {.fail_on = QR_BEFORE_INSERT};

	listen_user(f, &t);
	qr_assert_ok(qr_session_add(f->s, orm_user(f->s, "ed", "Ed", "pw")));
	assert_int_equal(qr_session_flush(f->s), QR_EINVAL);
	assert_string_equal(qr_error_last()->message,
			    "before_insert listener of User failed "
			    "(returned -1)");
	qr_assert_ok(qr_session_rollback(f->s));
	t.fail_on = 0;
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_ev_users"), 0);
	qr_assert_ok(qr_session_rollback(f->s));
}

static void test_session_events(void **state)
{
	orm_fx *f = *state;
	trace t = {0};

	for (int ev = QR_BEFORE_FLUSH; ev <= QR_AFTER_ROLLBACK; ev++)
		qr_assert_ok(qr_session_listen(f->s, (qr_session_event)ev,
					       on_session, &t));
	/* nothing to flush: no flush events */
	qr_assert_ok(qr_session_flush(f->s));
	assert_string_equal(t.log, "");

	qr_assert_ok(qr_session_add(f->s, orm_user(f->s, "ed", "Ed", "pw")));
	qr_assert_ok(qr_session_commit(f->s));
	assert_string_equal(t.log, "before_commit before_flush added "
				   "after_flush after_commit");

	t.log[0] = '\0';
	qr_assert_ok(qr_session_rollback(f->s)); /* no transaction begun */
	assert_string_equal(t.log, "");
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_ev_users"), 2);
	qr_assert_ok(qr_session_rollback(f->s));
	assert_string_equal(t.log, "after_rollback");

	assert_int_equal(
		qr_session_listen(f->s, (qr_session_event)99, on_session, &t),
		QR_EINVAL);
	assert_int_equal(
		qr_session_listen(NULL, QR_AFTER_FLUSH, on_session, &t),
		QR_EINVAL);
}

static int count_pet(qr_mapper_event ev, qr_conn *conn, void *obj, void *ud)
{
	(void)ev;
	(void)conn;
	(void)obj;
	(*(int *)ud)++;
	return 0;
}

static void test_propagate(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Pet), QR_MAPPING_OF(Dog),
				    NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	int all = 0, only_pets = 0, dogs = 0;
	(void)state;

	qr_assert_ok(qr_registry_listen(f->reg, &qr_mapping_Pet,
					QR_BEFORE_INSERT, count_pet, &all,
					true));
	qr_assert_ok(qr_registry_listen(f->reg, &qr_mapping_Pet,
					QR_BEFORE_INSERT, count_pet, &only_pets,
					false));
	qr_assert_ok(qr_registry_listen(f->reg, &qr_mapping_Dog,
					QR_BEFORE_INSERT, count_pet, &dogs,
					false));
	Pet *cat = qr_new(f->s, Pet);
	Dog *rex = qr_new(f->s, Dog);
	qr_assert_ok(qr_set_text(cat, &cat->name, "tom"));
	qr_assert_ok(qr_set_text(rex, &rex->pet.name, "rex"));
	qr_assert_ok(QR_ADD_ALL(f->s, cat, rex));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(all, 2);
	assert_int_equal(only_pets, 1);
	assert_int_equal(dogs, 1);
	orm_fx_free(f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mapper_events, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_failing_listener,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_session_events, orm_setup,
						orm_teardown),
		cmocka_unit_test(test_propagate),
	};
	return qr_test_run(argc, argv, "orm_events", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
