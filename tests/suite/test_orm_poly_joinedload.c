/*
 * test_orm_poly_joinedload.c - joined eager loading of relationships
 * whose target is polymorphic by single-table inheritance, as
 * SQLAlchemy's joinedload of such a target: one SELECT with the
 * target's columns and its subclasses' (with_polymorphic), each row's
 * class picked by its discriminator and loaded whole; a relationship to
 * a subclass joins that subclass's rows only (its discriminator values
 * in the ON clause; a many-to-many's in the join of the secondary
 * table with the target).
 */
#define ORM_TABLE_PREFIX "qt_pj_"
#include "orm_fixture.h"

typedef struct Firm {
	int64_t id;
	char *name;
	qr_objlist staff;
	qr_objlist bosses;
} Firm;
typedef struct Staff {
	int64_t id;
	int64_t firm_id;
	char *name;
	char *type;
} Staff;
typedef struct Boss {
	Staff staff;
	char *budget;
} Boss;
typedef struct Coder {
	Staff staff;
	char *lang;
} Coder;

QR_MAPPING(Firm, "qt_pj_firms",
	   QR_FIELD(Firm, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Firm, name, qr_string(30)),
	   QR_ONE_TO_MANY(Firm, staff, "Staff", .order_by = "id"),
	   QR_ONE_TO_MANY(Firm, bosses, "Boss", .order_by = "id"),
	   QR_REPR("name"));
QR_MAPPING(Staff, "qt_pj_staff",
	   QR_FIELD(Staff, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Staff, firm_id, QR_INTEGER,
		    .foreign_key = "qt_pj_firms.id"),
	   QR_FIELD(Staff, name, qr_string(30)),
	   QR_FIELD(Staff, type, qr_string(20)),
	   QR_POLYMORPHIC_ON("type", "staff"), QR_REPR("name"));
QR_MAPPING(Boss, NULL, QR_INHERITS(Staff),
	   QR_FIELD(Boss, budget, qr_string(30)),
	   QR_POLYMORPHIC_IDENTITY("boss"));
QR_MAPPING(Coder, NULL, QR_INHERITS(Staff),
	   QR_FIELD(Coder, lang, qr_string(30)),
	   QR_POLYMORPHIC_IDENTITY("coder"));

/* Projects: their members (any class) and their leads (bosses) through
 * one association table. */
typedef struct Project {
	int64_t id;
	char *title;
	qr_objlist members;
	qr_objlist leads;
} Project;
QR_MAPPING(Project, "qt_pj_projects",
	   QR_FIELD(Project, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Project, title, qr_string(30)),
	   QR_MANY_TO_MANY(Project, members, "Staff",
			   .secondary = "qt_pj_assignments", .order_by = "id"),
	   QR_MANY_TO_MANY(Project, leads, "Boss",
			   .secondary = "qt_pj_assignments", .order_by = "id"),
	   QR_REPR("title"));

/* acme: ann (staff), bob (boss, big), cy (coder, c), dee (boss, small);
 * void: nobody. Committed, the session emptied, counts and log reset. */
static orm_fx *fixture(void)
{
	qr_mapping *const maps[] = {
		QR_MAPPING_OF(Firm),    QR_MAPPING_OF(Staff),
		QR_MAPPING_OF(Boss),    QR_MAPPING_OF(Coder),
		QR_MAPPING_OF(Project), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Firm *acme = qr_new(f->s, Firm), *none = qr_new(f->s, Firm);
	Staff *ann = qr_new(f->s, Staff);
	Boss *bob = qr_new(f->s, Boss), *dee = qr_new(f->s, Boss);
	Coder *cy = qr_new(f->s, Coder);
	Project *p;

	assert_non_null(qr_table(
		qr_registry_metadata(f->reg), "qt_pj_assignments",
		qr_column("project_id", QR_INTEGER, .primary_key = true,
			  .foreign_key = "qt_pj_projects.id"),
		qr_column("staff_id", QR_INTEGER, .primary_key = true,
			  .foreign_key = "qt_pj_staff.id")));
	orm_recreate(f->engine, f->reg);
	p = qr_new(f->s, Project);
	p->id = 1;
	qr_assert_ok(QR_SET_TEXT(p, title, "p1"));
	acme->id = 1;
	none->id = 2;
	qr_assert_ok(QR_SET_TEXT(acme, name, "acme"));
	qr_assert_ok(QR_SET_TEXT(none, name, "void"));
	ann->id = 1;
	bob->staff.id = 2;
	cy->staff.id = 3;
	dee->staff.id = 4;
	qr_assert_ok(QR_SET_TEXT(ann, name, "ann"));
	qr_assert_ok(QR_SET_TEXT(&bob->staff, name, "bob"));
	qr_assert_ok(QR_SET_TEXT(&cy->staff, name, "cy"));
	qr_assert_ok(QR_SET_TEXT(&dee->staff, name, "dee"));
	qr_assert_ok(QR_SET_TEXT(bob, budget, "big"));
	qr_assert_ok(QR_SET_TEXT(cy, lang, "c"));
	qr_assert_ok(QR_SET_TEXT(dee, budget, "small"));
	qr_assert_ok(QR_APPEND(acme, staff, ann));
	qr_assert_ok(QR_APPEND(acme, staff, bob));
	qr_assert_ok(QR_APPEND(acme, staff, cy));
	qr_assert_ok(QR_APPEND(acme, staff, dee));
	qr_assert_ok(qr_session_add(f->s, acme));
	qr_assert_ok(qr_session_add(f->s, none));
	/* its members only: the leads are read from the same rows */
	qr_assert_ok(QR_APPEND(p, members, ann));
	qr_assert_ok(QR_APPEND(p, members, bob));
	qr_assert_ok(QR_APPEND(p, members, cy));
	qr_assert_ok(qr_session_add(f->s, p));
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	orm_log_clear(&f->log);
	return f;
}

/* The firms by id, with the relationships joined; 1 statement. */
static void firms_joined(orm_fx *f, qr_objlist *l, bool staff, bool bosses)
{
	qr_query *q =
		qr_query_order_by(qr_query(f->s, Firm), qr_attr(Firm, "id"));

	if (staff)
		q = qr_joinedload(q, Firm, "staff");
	if (bosses)
		q = qr_joinedload(q, Firm, "bosses");
	qr_assert_ok(qr_query_all(l, q));
	assert_int_equal(orm_statements(f), 1);
	assert_int_equal(l->count, 2);
	assert_true(QR_LOADED((Firm *)l->items[1], staff) == staff);
	assert_int_equal(qr_objlist_len(&((Firm *)l->items[1])->staff), 0);
	assert_int_equal(qr_objlist_len(&((Firm *)l->items[1])->bosses), 0);
}

/* joinedload(Firm.staff): every class's columns in the one SELECT, each
 * object of its row's class and complete (no more SQL). */
static void test_base_target(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	Firm *acme;
	(void)state;

	firms_joined(f, &l, true, false);
	assert_true(orm_logged(&f->log, "qt_pj_staff_1.budget"));
	assert_true(orm_logged(&f->log, "qt_pj_staff_1.lang"));
	assert_true(orm_logged(&f->log,
			       "LEFT OUTER JOIN qt_pj_staff AS qt_pj_staff_1 "
			       "ON qt_pj_firms.id = qt_pj_staff_1.firm_id "
			       "ORDER BY qt_pj_firms.id, qt_pj_staff_1.id"));
	acme = l.items[0];
	orm_assert_list(&acme->staff,
			"[<Staff(name='ann')>, <Boss(name='bob')>, "
			"<Coder(name='cy')>, <Boss(name='dee')>]");
	assert_string_equal(((Boss *)acme->staff.items[1])->budget, "big");
	assert_string_equal(((Coder *)acme->staff.items[2])->lang, "c");
	assert_string_equal(((Boss *)acme->staff.items[3])->budget, "small");
	assert_false(QR_LOADED(acme, bosses));
	assert_int_equal(orm_statements(f), 1);
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* joinedload(Firm.bosses), a relationship to a subclass: the join takes
 * the bosses' rows only; with Firm.staff joined too, the same objects. */
static void test_subclass_target(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	Firm *acme;
	(void)state;

	firms_joined(f, &l, false, true);
	assert_true(orm_logged(&f->log,
			       "ON qt_pj_firms.id = qt_pj_staff_1.firm_id AND "
			       "qt_pj_staff_1.type IN ("));
	acme = l.items[0];
	orm_assert_list(&acme->bosses,
			"[<Boss(name='bob')>, <Boss(name='dee')>]");
	assert_string_equal(((Boss *)acme->bosses.items[1])->budget, "small");

	qr_objlist_clear(&l);
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	orm_log_clear(&f->log);
	firms_joined(f, &l, true, true);
	acme = l.items[0];
	assert_int_equal(qr_objlist_len(&acme->staff), 4);
	orm_assert_list(&acme->bosses,
			"[<Boss(name='bob')>, <Boss(name='dee')>]");
	assert_ptr_equal(acme->bosses.items[0], acme->staff.items[1]);
	assert_ptr_equal(acme->bosses.items[1], acme->staff.items[3]);
	assert_int_equal(orm_statements(f), 1);
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* Many-to-many to the base and to a subclass, both joined: one SELECT,
 * the subclass's criterion in its inner join. */
static void test_many_to_many(void **state)
{
	orm_fx *f = fixture();
	Project *p;
	(void)state;

	qr_assert_ok(qr_query_one(
		&p, qr_joinedload(qr_joinedload(qr_query(f->s, Project),
						Project, "members"),
				  Project, "leads")));
	assert_int_equal(orm_statements(f), 1);
	assert_true(orm_logged(
		&f->log, "JOIN qt_pj_staff AS qt_pj_staff_2 ON "
			 "qt_pj_staff_2.id = qt_pj_assignments_2.staff_id "
			 "AND qt_pj_staff_2.type IN ("));
	orm_assert_list(&p->members,
			"[<Staff(name='ann')>, <Boss(name='bob')>, "
			"<Coder(name='cy')>]");
	orm_assert_list(&p->leads, "[<Boss(name='bob')>]");
	assert_ptr_equal(p->leads.items[0], p->members.items[1]);
	assert_string_equal(((Coder *)p->members.items[2])->lang, "c");
	assert_int_equal(orm_statements(f), 1);
	orm_fx_free(f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_target),
		cmocka_unit_test(test_subclass_target),
		cmocka_unit_test(test_many_to_many),
	};
	return qr_test_run(argc, argv, "orm_poly_joinedload", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
