/*
 * test_orm_inheritance_joined.c - joined-table inheritance (a table per
 * subclass, its key a foreign key to its parent's): DDL order, the
 * INSERTs base table first, UPDATEs of the changed tables only, DELETEs
 * subclass table first, polymorphic loading (with_polymorphic "*", a
 * list of subclasses, none: completed by one SELECT per class), queries
 * of a subclass (JOIN) with criteria and ordering on either table,
 * qr_get respecting the class (single-table inheritance too),
 * relationships to the base, to and from a subclass, from_statement,
 * and the errors.
 */
#include "orm_fixture.h"

#include <inttypes.h>

typedef struct Company {
	int64_t id;
	char *name;
	qr_objlist employees;
} Company;

typedef struct Employee {
	int64_t id;
	char *name;
	char *type;
	int64_t company_id;
	struct Company *company;
} Employee;

typedef struct Engineer {
	Employee employee;
	char *engineer_name;
	qr_objlist machines;
} Engineer;

typedef struct Manager {
	Employee employee;
	char *manager_name;
} Manager;

typedef struct Principal {
	Engineer engineer;
	int64_t level;
} Principal;

typedef struct Machine {
	int64_t id;
	char *name;
	int64_t engineer_id;
	struct Engineer *engineer;
} Machine;

QR_MAPPING(Company, "qt_j_company",
	   QR_FIELD(Company, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Company, name, qr_string(50)),
	   QR_ONE_TO_MANY(Company, employees, "Employee",
			  .back_populates = "company", .order_by = "id"),
	   QR_REPR("name"));
QR_MAPPING(Employee, "qt_j_employee",
	   QR_FIELD(Employee, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Employee, name, qr_string(50)),
	   QR_FIELD(Employee, type, qr_string(20)),
	   QR_FIELD(Employee, company_id, QR_INTEGER,
		    .foreign_key = "qt_j_company.id"),
	   QR_MANY_TO_ONE(Employee, company, "Company",
			  .back_populates = "employees"),
	   QR_POLYMORPHIC_ON("type", "employee"), QR_REPR("name"));
QR_MAPPING(Engineer, "qt_j_engineer", QR_INHERITS(Employee),
	   QR_JOINED_KEY("id", QR_INTEGER, .foreign_key = "qt_j_employee.id"),
	   QR_FIELD(Engineer, engineer_name, qr_string(30)),
	   QR_ONE_TO_MANY(Engineer, machines, "Machine",
			  .back_populates = "engineer", .order_by = "id"),
	   QR_POLYMORPHIC_IDENTITY("engineer"));
QR_MAPPING(Manager, "qt_j_manager", QR_INHERITS(Employee),
	   QR_JOINED_KEY("id", QR_INTEGER, .foreign_key = "qt_j_employee.id"),
	   QR_FIELD(Manager, manager_name, qr_string(30)),
	   QR_POLYMORPHIC_IDENTITY("manager"));
QR_MAPPING(Principal, "qt_j_principal", QR_INHERITS(Engineer),
	   QR_JOINED_KEY("id", QR_INTEGER, .foreign_key = "qt_j_engineer.id"),
	   QR_FIELD(Principal, level, QR_INTEGER),
	   QR_POLYMORPHIC_IDENTITY("principal"), QR_REPR("name", "level"));
QR_MAPPING(Machine, "qt_j_machine",
	   QR_FIELD(Machine, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Machine, name, qr_string(30)),
	   QR_FIELD(Machine, engineer_id, QR_INTEGER,
		    .foreign_key = "qt_j_engineer.id"),
	   QR_MANY_TO_ONE(Machine, engineer, "Engineer",
			  .back_populates = "machines"),
	   QR_REPR("name"));

/* A subclass whose table's key does not reference its parent's. */
typedef struct Stray {
	Employee employee;
	char *note;
} Stray;
QR_MAPPING(Stray, "qt_j_stray", QR_INHERITS(Employee),
	   QR_FIELD(Stray, note, qr_string(30), .primary_key = true),
	   QR_POLYMORPHIC_IDENTITY("stray"));

/* Single-table inheritance, for qr_get of a sibling's identity. */
typedef struct Shape {
	int64_t id;
	char *kind;
} Shape;
typedef struct Circle {
	Shape shape;
	int64_t radius;
} Circle;
typedef struct Square {
	Shape shape;
	int64_t side;
} Square;
QR_MAPPING(Shape, "qt_j_shape",
	   QR_FIELD(Shape, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Shape, kind, qr_string(20)),
	   QR_POLYMORPHIC_ON("kind", "shape"));
QR_MAPPING(Circle, NULL, QR_INHERITS(Shape),
	   QR_FIELD(Circle, radius, QR_INTEGER),
	   QR_POLYMORPHIC_IDENTITY("circle"));
QR_MAPPING(Square, NULL, QR_INHERITS(Shape), QR_FIELD(Square, side, QR_INTEGER),
	   QR_POLYMORPHIC_IDENTITY("square"));

/* A composite key, referenced by one foreign key of two columns. */
typedef struct Part {
	int64_t maker;
	int64_t serial;
	char *kind;
	char *label;
} Part;
typedef struct Gear {
	Part part;
	int64_t teeth;
} Gear;
QR_MAPPING(Part, "qt_j_part",
	   QR_FIELD(Part, maker, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Part, serial, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Part, kind, qr_string(20)),
	   QR_FIELD(Part, label, qr_string(20)),
	   QR_POLYMORPHIC_ON("kind", "part"), QR_REPR("label"));
QR_MAPPING(Gear, "qt_j_gear", QR_INHERITS(Part),
	   QR_JOINED_KEY("maker", QR_INTEGER),
	   QR_JOINED_KEY("serial", QR_INTEGER),
	   QR_TABLE_ARG(qr_foreign_key(QR_NAMES("maker", "serial"),
				       QR_NAMES("qt_j_part.maker",
						"qt_j_part.serial"),
				       NULL, NULL)),
	   QR_FIELD(Gear, teeth, QR_INTEGER), QR_POLYMORPHIC_IDENTITY("gear"));

/* A version counter in the base's table. */
typedef struct Doc {
	int64_t id;
	char *title;
	char *kind;
	int64_t version;
} Doc;
typedef struct Report {
	Doc doc;
	char *body;
} Report;
QR_MAPPING(Doc, "qt_j_doc", QR_FIELD(Doc, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Doc, title, qr_string(30)),
	   QR_FIELD(Doc, kind, qr_string(20)),
	   QR_FIELD(Doc, version, QR_INTEGER, .not_null = true),
	   QR_VERSION_ID(version), QR_POLYMORPHIC_ON("kind", "doc"));
QR_MAPPING(Report, "qt_j_report", QR_INHERITS(Doc),
	   QR_JOINED_KEY("id", QR_INTEGER, .foreign_key = "qt_j_doc.id"),
	   QR_FIELD(Report, body, qr_string(50)),
	   QR_POLYMORPHIC_IDENTITY("report"));

/* Forgets the session's objects, its statement counts and the log. */
static void restart(orm_fx *f)
{
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	orm_log_clear(&f->log);
}

/* The logged statements that start with prefix and contain part (NULL:
 * anything). */
static size_t logged(const orm_fx *f, const char *prefix, const char *part)
{
	size_t n = 0;
	for (size_t i = 0; orm_log_stmt(&f->log, i); i++) {
		const char *s = orm_log_stmt(&f->log, i);
		if (strncmp(s, prefix, strlen(prefix)) == 0 &&
		    (!part || strstr(s, part)))
			n++;
	}
	return n;
}

/* The index of the first logged statement starting with prefix. */
static size_t first_logged(const orm_fx *f, const char *prefix)
{
	size_t i;
	for (i = 0; orm_log_stmt(&f->log, i); i++)
		if (strncmp(orm_log_stmt(&f->log, i), prefix, strlen(prefix)) ==
		    0)
			return i;
	fail_msg("no statement %s", prefix);
	return i;
}

static orm_fx *fixture(void)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Company),
				    QR_MAPPING_OF(Employee),
				    QR_MAPPING_OF(Engineer),
				    QR_MAPPING_OF(Manager),
				    QR_MAPPING_OF(Principal),
				    QR_MAPPING_OF(Machine),
				    NULL};
	return orm_fx_new_with(maps, NULL);
}

/* The repr of the four employees of seed(), in key order. */
#define STAFF                                               \
	"[<Employee(name='eve')>, <Engineer(name='gil')>, " \
	"<Manager(name='max')>, <Principal(name='pam', level=3)>]"

typedef struct staff {
	Company *acme;
	Employee *eve;
	Engineer *gil;
	Manager *max;
	Principal *pam;
	int64_t eve_id, gil_id, max_id, pam_id;
} staff;

/* Acme with eve (an Employee), gil (an Engineer), max (a Manager) and
 * pam (a Principal engineer), committed and loaded again. */
static staff seed(orm_fx *f)
{
	staff st;
	st.acme = qr_new(f->s, Company);
	st.eve = qr_new(f->s, Employee);
	st.gil = qr_new(f->s, Engineer);
	st.max = qr_new(f->s, Manager);
	st.pam = qr_new(f->s, Principal);
	qr_assert_ok(QR_SET_TEXT(st.acme, name, "acme"));
	qr_assert_ok(QR_SET_TEXT(st.eve, name, "eve"));
	qr_assert_ok(qr_set_text(st.gil, &st.gil->employee.name, "gil"));
	qr_assert_ok(QR_SET_TEXT(st.gil, engineer_name, "gilbert"));
	qr_assert_ok(qr_set_text(st.max, &st.max->employee.name, "max"));
	qr_assert_ok(QR_SET_TEXT(st.max, manager_name, "maximilian"));
	qr_assert_ok(
		qr_set_text(st.pam, &st.pam->engineer.employee.name, "pam"));
	qr_assert_ok(
		qr_set_text(st.pam, &st.pam->engineer.engineer_name, "pamela"));
	st.pam->level = 3;
	qr_assert_ok(QR_APPEND(st.acme, employees, st.eve));
	qr_assert_ok(QR_APPEND(st.acme, employees, st.gil));
	qr_assert_ok(QR_APPEND(st.acme, employees, st.max));
	qr_assert_ok(QR_APPEND(st.acme, employees, st.pam));
	qr_assert_ok(qr_session_add(f->s, st.acme));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, st.eve));
	qr_assert_ok(qr_session_load(f->s, st.gil));
	qr_assert_ok(qr_session_load(f->s, st.max));
	qr_assert_ok(qr_session_load(f->s, st.pam));
	st.eve_id = st.eve->id;
	st.gil_id = st.gil->employee.id;
	st.max_id = st.max->employee.id;
	st.pam_id = st.pam->engineer.employee.id;
	return st;
}

/* create_all orders the tables by their keys; a flush INSERTs into the
 * base table, then into the subclass's with the generated key; the
 * discriminator is set from the identity. */
static void test_ddl_and_insert(void **state)
{
	orm_fx *f = fixture();
	qr_table **tables;
	size_t n, emp = 0, eng = 0, prin = 0;
	staff st;
	(void)state;

	qr_assert_ok(qr_metadata_sorted_tables(&tables, &n,
					       qr_registry_metadata(f->reg)));
	for (size_t i = 0; i < n; i++) {
		const char *name = qr_table_name(tables[i]);
		if (strcmp(name, "qt_j_employee") == 0)
			emp = i;
		else if (strcmp(name, "qt_j_engineer") == 0)
			eng = i;
		else if (strcmp(name, "qt_j_principal") == 0)
			prin = i;
	}
	qr_free(tables);
	assert_true(emp < eng && eng < prin);
	assert_ptr_equal(qr_mapper_table(QR_MAPPER(Engineer)),
			 qr_metadata_table(qr_registry_metadata(f->reg),
					   "qt_j_engineer"));

	st = seed(f);
	assert_string_equal(st.gil->employee.type, "engineer");
	assert_string_equal(st.pam->engineer.employee.type, "principal");
	assert_true(st.gil_id > 0 && st.pam_id > 0);
	/* base rows first, then each subclass table */
	assert_true(first_logged(f, "INSERT INTO qt_j_employee") <
		    first_logged(f, "INSERT INTO qt_j_engineer"));
	assert_true(first_logged(f, "INSERT INTO qt_j_engineer") <
		    first_logged(f, "INSERT INTO qt_j_principal"));
	assert_int_equal(logged(f, "INSERT INTO qt_j_manager", NULL), 1);
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_j_employee"),
			 4);
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_j_engineer"),
			 2);
	assert_int_equal(orm_scalar(f,
				    "SELECT count(*) FROM qt_j_employee e JOIN "
				    "qt_j_engineer g ON e.id = g.id WHERE "
				    "e.type = 'principal' AND g.engineer_name "
				    "= 'pamela'"),
			 1);
	assert_int_equal(orm_scalar(f, "SELECT level FROM qt_j_principal"), 3);
	assert_int_equal(orm_scalar(f,
				    "SELECT count(*) FROM qt_j_manager m JOIN "
				    "qt_j_employee e ON e.id = m.id WHERE "
				    "m.manager_name = 'maximilian' AND "
				    "e.company_id IS NOT NULL"),
			 1);
	orm_fx_free(f);
}

/* A query of the base outer-joins every subclass table: one statement,
 * each row its class, with its own columns. */
static void test_polymorphic_query(void **state)
{
	orm_fx *f = fixture();
	staff st = seed(f);
	qr_objlist l = QR_OBJLIST_INIT;
	Engineer *got;
	(void)state;

	restart(f);
	qr_assert_ok(
		qr_query_all(&l, qr_query_order_by(qr_query(f->s, Employee),
						   qr_attr(Employee, "id"))));
	assert_int_equal(orm_statements(f), 1);
	assert_int_equal(logged(f, "SELECT",
				"LEFT OUTER JOIN qt_j_engineer ON "
				"qt_j_employee.id = qt_j_engineer.id"),
			 1);
	assert_int_equal(logged(f, "SELECT", "LEFT OUTER JOIN qt_j_principal"),
			 1);
	orm_assert_list(&l, STAFF);
	assert_ptr_equal(qr_object_mapper(l.items[1]), QR_MAPPER(Engineer));
	assert_string_equal(((Engineer *)l.items[1])->engineer_name, "gilbert");
	assert_string_equal(((Manager *)l.items[2])->manager_name,
			    "maximilian");
	assert_string_equal(((Principal *)l.items[3])->engineer.engineer_name,
			    "pamela");
	assert_int_equal(((Principal *)l.items[3])->level, 3);
	assert_false(qr_session_is_modified(f->s, l.items[3]));
	/* the identity map holds the subclass object */
	assert_int_equal(qr_get(&got, f->s, Engineer, qr_val_int(st.gil_id)),
			 1);
	assert_ptr_equal(got, l.items[1]);
	assert_int_equal(orm_statements(f), 1);
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* A query of a subclass: FROM base JOIN its table (its subclasses'
 * outer-joined), criteria and ordering on columns of either table. */
static void test_subclass_query(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	Engineer *e = NULL;
	int64_t n = 0;
	(void)seed(f);
	(void)state;

	restart(f);
	qr_assert_ok(qr_query_all(
		&l, qr_query_order_by(
			    qr_query(f->s, Engineer),
			    qr_desc(qr_attr(Engineer, "engineer_name")))));
	orm_assert_list(&l, "[<Principal(name='pam', level=3)>, "
			    "<Engineer(name='gil')>]");
	assert_int_equal(logged(f, "SELECT",
				"FROM qt_j_employee JOIN qt_j_engineer ON "
				"qt_j_employee.id = qt_j_engineer.id LEFT "
				"OUTER JOIN qt_j_principal"),
			 1);
	assert_int_equal(logged(f, "SELECT", "qt_j_manager"), 0);
	qr_objlist_clear(&l);
	/* criteria on the subclass's column and on the base's */
	qr_assert_ok(qr_query_one(
		&e, qr_query_filter(qr_query(f->s, Engineer),
				    qr_like(qr_attr(Engineer, "engineer_name"),
					    qr_bind_text("gil%")),
				    qr_eq(qr_attr(Employee, "name"),
					  qr_bind_text("gil")))));
	assert_string_equal(e->employee.name, "gil");
	qr_assert_ok(
		qr_query_one(&e, qr_query_filter_by(qr_query(f->s, Engineer),
						    "engineer_name",
						    qr_val_text("pamela"))));
	orm_assert_repr(e, "<Principal(name='pam', level=3)>");
	/* columns of the subclass's table and the base's: joined, not
	 * crossed */
	qr_assert_ok(qr_query_count(
		&n, qr_query_new(f->s, qr_attr(Employee, "name"),
				 qr_attr(Engineer, "engineer_name"))));
	assert_int_equal(n, 2);
	/* the subclass's subclass: only its rows */
	qr_assert_ok(qr_query_count(&n, qr_query(f->s, Principal)));
	assert_int_equal(n, 1);
	qr_assert_ok(qr_query_count(&n, qr_query(f->s, Manager)));
	assert_int_equal(n, 1);
	/* a join from another entity to a subclass (its tables joined) */
	qr_assert_ok(qr_query_count(
		&n, qr_query_filter(
			    qr_query_join(
				    qr_query(f->s, Company), qr_entity(Manager),
				    qr_eq(qr_attr(Company, "id"),
					  qr_attr(Employee, "company_id"))),
			    qr_eq(qr_attr(Manager, "manager_name"),
				  qr_bind_text("maximilian")))));
	assert_int_equal(n, 1);
	/* filter_by applies to the joined subclass */
	qr_assert_ok(qr_query_count(
		&n,
		qr_query_filter_by(
			qr_query_join(qr_query(f->s, Company),
				      qr_entity(Engineer),
				      qr_eq(qr_attr(Company, "id"),
					    qr_attr(Employee, "company_id"))),
			"engineer_name", qr_val_text("pamela"))));
	assert_int_equal(n, 1);
	orm_fx_free(f);
}

/* with_polymorphic: a list joins the tables of those subclasses; the
 * other subclasses' objects are completed by one SELECT per class; an
 * empty list does only that (selectin_polymorphic). */
static void test_with_polymorphic(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	(void)seed(f);
	(void)state;

	restart(f);
	qr_assert_ok(qr_query_all(
		&l, qr_query_with_polymorphic(
			    qr_query_order_by(qr_query(f->s, Employee),
					      qr_attr(Employee, "id")),
			    QR_MAPPING_OF(Employee),
			    QR_MAPPINGS(QR_MAPPING_OF(Manager), NULL))));
	/* the base query joins the manager table only; the engineers (an
	 * Engineer and a Principal: two classes) come by two more */
	assert_int_equal(orm_statements(f), 3);
	assert_int_equal(logged(f, "SELECT", "LEFT OUTER JOIN qt_j_manager"),
			 1);
	assert_int_equal(logged(f, "SELECT", "LEFT OUTER JOIN qt_j_engineer"),
			 0);
	orm_assert_list(&l, STAFF);
	assert_string_equal(((Engineer *)l.items[1])->engineer_name, "gilbert");
	assert_string_equal(((Manager *)l.items[2])->manager_name,
			    "maximilian");
	assert_int_equal(((Principal *)l.items[3])->level, 3);
	assert_false(qr_object_expired(l.items[3]));
	assert_false(qr_session_is_modified(f->s, l.items[1]));
	qr_objlist_clear(&l);

	/* none: the base's columns, then one SELECT per class found */
	restart(f);
	qr_assert_ok(qr_query_all(
		&l, qr_query_with_polymorphic(qr_query(f->s, Employee),
					      QR_MAPPING_OF(Employee),
					      QR_MAPPINGS(NULL))));
	assert_int_equal(orm_statements(f), 4);
	assert_int_equal(logged(f, "SELECT", "JOIN"), 3);
	for (size_t i = 0; i < l.count; i++)
		if (qr_object_mapper(l.items[i]) == QR_MAPPER(Manager))
			assert_string_equal(
				((Manager *)l.items[i])->manager_name,
				"maximilian");
	qr_objlist_clear(&l);

	/* a subclass of Engineer in the list brings Engineer's table */
	restart(f);
	qr_assert_ok(qr_query_all(
		&l, qr_query_with_polymorphic(
			    qr_query(f->s, Employee), QR_MAPPING_OF(Employee),
			    QR_MAPPINGS(QR_MAPPING_OF(Principal), NULL))));
	assert_int_equal(orm_statements(f), 2); /* + the Manager */
	qr_objlist_clear(&l);

	/* streamed: partly loaded objects are left expired, for
	 * qr_session_load */
	restart(f);
	{
		qr_orm_result *r = NULL;
		const qr_orm_row *row = NULL;
		Manager *mx;
		qr_assert_ok(qr_query_execute(
			&r, qr_query_yield_per(
				    qr_query_with_polymorphic(
					    qr_query_filter_by(
						    qr_query(f->s, Employee),
						    "name", qr_val_text("max")),
					    QR_MAPPING_OF(Employee),
					    QR_MAPPINGS(NULL)),
				    10)));
		assert_int_equal(qr_orm_result_next(r, &row), 1);
		mx = qr_orm_row_object(row, 0);
		assert_ptr_equal(qr_object_mapper(mx), QR_MAPPER(Manager));
		assert_true(qr_object_expired(mx));
		assert_int_equal(qr_orm_result_next(r, &row), 0);
		qr_orm_result_free(r);
		assert_int_equal(orm_statements(f), 1);
		qr_assert_ok(qr_session_load(f->s, mx));
		assert_string_equal(mx->manager_name, "maximilian");
	}

	/* not a subclass */
	assert_null(qr_query_with_polymorphic(
		qr_query(f->s, Engineer), QR_MAPPING_OF(Engineer),
		QR_MAPPINGS(QR_MAPPING_OF(Manager), NULL)));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	orm_fx_free(f);
}

/* qr_get of a subclass with the identity of another class is not
 * found; through the base it gives the subclass object. */
static void test_get(void **state)
{
	orm_fx *f = fixture();
	staff st = seed(f);
	Engineer *g = NULL;
	Employee *e = NULL;
	(void)state;

	/* in the identity map */
	assert_int_equal(qr_get(&g, f->s, Engineer, qr_val_int(st.max_id)), 0);
	assert_null(g);
	assert_int_equal(qr_get(&g, f->s, Engineer, qr_val_int(st.pam_id)), 1);
	assert_ptr_equal(g, st.pam);
	/* from the database */
	qr_session_expunge_all(f->s);
	assert_int_equal(qr_get(&g, f->s, Engineer, qr_val_int(st.max_id)), 0);
	assert_int_equal(qr_get(&g, f->s, Manager, qr_val_int(st.gil_id)), 0);
	assert_int_equal(qr_get(&e, f->s, Employee, qr_val_int(st.gil_id)), 1);
	assert_ptr_equal(qr_object_mapper(e), QR_MAPPER(Engineer));
	assert_string_equal(((Engineer *)e)->engineer_name, "gilbert");
	assert_int_equal(qr_get(&e, f->s, Employee, qr_val_int(st.pam_id)), 1);
	orm_assert_repr(e, "<Principal(name='pam', level=3)>");
	/* the subclass's row is refreshed over both tables */
	qr_session_expire_all(f->s);
	qr_assert_ok(qr_session_load(f->s, e));
	assert_int_equal(((Principal *)e)->level, 3);
	orm_fx_free(f);
}

/* A subclass mapped after a session loaded its base: the base's loads
 * see its table from then on. */
static void test_map_later(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Company),
				    QR_MAPPING_OF(Employee),
				    QR_MAPPING_OF(Engineer), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Engineer *g = qr_new(f->s, Engineer);
	Manager *m;
	Employee *e = NULL;
	qr_conn *conn;
	int64_t gid, mid;
	(void)state;

	qr_assert_ok(qr_set_text(g, &g->employee.name, "gil"));
	qr_assert_ok(qr_session_add(f->s, g));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, g));
	gid = g->employee.id;
	restart(f);
	assert_int_equal(qr_get(&e, f->s, Employee, qr_val_int(gid)), 1);

	qr_assert_ok(qr_registry_map(NULL, f->reg, QR_MAPPING_OF(Manager)));
	qr_assert_ok(qr_session_connection(&conn, f->s));
	qr_assert_ok(qr_table_create(qr_mapper_table(QR_MAPPER(Manager)), conn,
				     true));
	m = qr_new(f->s, Manager);
	qr_assert_ok(qr_set_text(m, &m->employee.name, "max"));
	qr_assert_ok(QR_SET_TEXT(m, manager_name, "maximilian"));
	qr_assert_ok(qr_session_add(f->s, m));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, m));
	mid = m->employee.id;
	restart(f);
	assert_int_equal(qr_get(&e, f->s, Employee, qr_val_int(mid)), 1);
	assert_ptr_equal(qr_object_mapper(e), QR_MAPPER(Manager));
	assert_string_equal(((Manager *)e)->manager_name, "maximilian");
	assert_int_equal(qr_get(&e, f->s, Employee, qr_val_int(gid)), 1);
	assert_ptr_equal(qr_object_mapper(e), QR_MAPPER(Engineer));
	orm_fx_free(f);
}

/* Single-table inheritance: the same rules for qr_get. */
static void test_get_single_table(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Shape), QR_MAPPING_OF(Circle),
				    QR_MAPPING_OF(Square), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Circle *c = qr_new(f->s, Circle), *c2 = NULL;
	Square *q = qr_new(f->s, Square), *q2 = NULL;
	Shape *s = NULL;
	int64_t cid, sid;
	(void)state;

	c->radius = 2;
	q->side = 3;
	qr_assert_ok(QR_ADD_ALL(f->s, c, q));
	qr_assert_ok(qr_session_flush(f->s));
	cid = c->shape.id;
	sid = q->shape.id;
	assert_int_equal(qr_get(&q2, f->s, Square, qr_val_int(cid)), 0);
	assert_int_equal(qr_get(&c2, f->s, Circle, qr_val_int(cid)), 1);
	assert_ptr_equal(c2, c);
	qr_assert_ok(qr_session_commit(f->s));
	restart(f);
	assert_int_equal(qr_get(&q2, f->s, Square, qr_val_int(cid)), 0);
	assert_int_equal(logged(f, "SELECT", "IN ("), 1); /* its rows */
	assert_int_equal(qr_get(&q2, f->s, Square, qr_val_int(sid)), 1);
	assert_int_equal(q2->side, 3);
	assert_int_equal(qr_get(&s, f->s, Shape, qr_val_int(cid)), 1);
	assert_ptr_equal(qr_object_mapper(s), QR_MAPPER(Circle));
	assert_int_equal(((Circle *)s)->radius, 2);
	orm_fx_free(f);
}

/* UPDATE only the tables whose columns changed; DELETE the subclass's
 * rows before the base's. */
static void test_update_delete(void **state)
{
	orm_fx *f = fixture();
	staff st = seed(f);
	(void)state;

	orm_log_clear(&f->log);
	qr_assert_ok(QR_SET_TEXT(st.gil, engineer_name, "gilly"));
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(logged(f, "UPDATE qt_j_engineer", NULL), 1);
	assert_int_equal(logged(f, "UPDATE qt_j_employee", NULL), 0);

	orm_log_clear(&f->log);
	qr_assert_ok(
		qr_set_text(st.pam, &st.pam->engineer.employee.name, "pamela"));
	st.pam->level = 4;
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(logged(f, "UPDATE qt_j_employee", NULL), 1);
	assert_int_equal(logged(f, "UPDATE qt_j_principal", NULL), 1);
	assert_int_equal(logged(f, "UPDATE qt_j_engineer", NULL), 0);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_scalar(f,
				    "SELECT count(*) FROM qt_j_engineer WHERE "
				    "engineer_name = 'gilly'"),
			 1);
	assert_int_equal(orm_scalar(f, "SELECT level FROM qt_j_principal"), 4);

	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_delete(f->s, st.pam));
	qr_assert_ok(qr_session_delete(f->s, st.max));
	qr_assert_ok(qr_session_commit(f->s));
	/* max: manager then employee; pam: principal, engineer, employee */
	{
		size_t p = first_logged(f, "DELETE FROM qt_j_principal");
		assert_true(first_logged(f, "DELETE FROM qt_j_manager") <
			    first_logged(f, "DELETE FROM qt_j_employee"));
		assert_true(strncmp(orm_log_stmt(&f->log, p + 1),
				    "DELETE FROM qt_j_engineer", 25) == 0);
		assert_true(strncmp(orm_log_stmt(&f->log, p + 2),
				    "DELETE FROM qt_j_employee", 25) == 0);
	}
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_j_employee"),
			 2);
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_j_engineer"),
			 1);
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_j_manager"), 0);
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_j_principal"),
			 0);
	orm_fx_free(f);
}

/* The version counter of the base's table is checked and incremented
 * by a change of the subclass's columns alone. */
static void test_version_counter(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Doc), QR_MAPPING_OF(Report),
				    NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Report *r = qr_new(f->s, Report);
	qr_stmt *bump;
	(void)state;

	qr_assert_ok(qr_set_text(r, &r->doc.title, "q3"));
	qr_assert_ok(QR_SET_TEXT(r, body, "draft"));
	qr_assert_ok(qr_session_add(f->s, r));
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(r->doc.version, 1);
	orm_log_clear(&f->log);
	qr_assert_ok(QR_SET_TEXT(r, body, "final"));
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(logged(f, "UPDATE qt_j_doc SET version", NULL), 1);
	assert_int_equal(logged(f, "UPDATE qt_j_report SET body", NULL), 1);
	assert_int_equal(r->doc.version, 2);
	qr_assert_ok(qr_session_commit(f->s));
	/* changed behind the session's back: stale */
	bump = qr_text("UPDATE qt_j_doc SET version = 7");
	qr_assert_ok(qr_session_execute(NULL, f->s, bump, NULL));
	qr_stmt_free(bump);
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, r));
	qr_assert_ok(QR_SET_TEXT(r, body, "again"));
	qr_assert_ok(qr_session_flush(f->s)); /* loaded 7: fine */
	assert_int_equal(r->doc.version, 8);
	bump = qr_text("UPDATE qt_j_doc SET version = 20");
	qr_assert_ok(qr_session_execute(NULL, f->s, bump, NULL));
	qr_stmt_free(bump);
	qr_assert_ok(QR_SET_TEXT(r, body, "lost"));
	assert_int_equal(qr_session_flush(f->s), QR_ESTALE);
	orm_fx_free(f);
}

/* A composite key: both columns reach the subclass's table, and the
 * completing SELECT matches both. */
static void test_composite_key(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Part), QR_MAPPING_OF(Gear),
				    NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Gear *g = qr_new(f->s, Gear);
	Part *p = qr_new(f->s, Part);
	qr_objlist l = QR_OBJLIST_INIT;
	Part *got = NULL;
	(void)state;

	QR_SET(g, part.maker, 1);
	QR_SET(g, part.serial, 7);
	qr_assert_ok(qr_set_text(g, &g->part.label, "cog"));
	g->teeth = 20;
	QR_SET(p, maker, 1);
	QR_SET(p, serial, 8);
	qr_assert_ok(QR_SET_TEXT(p, label, "bolt"));
	qr_assert_ok(QR_ADD_ALL(f->s, g, p));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_scalar(f, "SELECT teeth FROM qt_j_gear WHERE "
				       "maker = 1 AND serial = 7"),
			 20);

	restart(f);
	qr_assert_ok(qr_query_all(
		&l, qr_query_with_polymorphic(
			    qr_query_order_by(qr_query(f->s, Part),
					      qr_attr(Part, "serial")),
			    QR_MAPPING_OF(Part), QR_MAPPINGS(NULL))));
	assert_int_equal(orm_statements(f), 2);
	orm_assert_list(&l, "[<Gear(label='cog')>, <Part(label='bolt')>]");
	assert_int_equal(((Gear *)l.items[0])->teeth, 20);
	qr_objlist_clear(&l);
	assert_int_equal(qr_get(&got, f->s, Gear, qr_val_int(1), qr_val_int(8)),
			 0);
	assert_int_equal(qr_get(&got, f->s, Part, qr_val_int(1), qr_val_int(7)),
			 1);
	((Gear *)got)->teeth = 21;
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_scalar(f, "SELECT teeth FROM qt_j_gear"), 21);
	qr_assert_ok(qr_session_delete(f->s, got));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_j_gear"), 0);
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_j_part"), 1);
	orm_fx_free(f);
}

/* Relationships: a collection of the base loads each class; a subclass
 * inherits its parent's relationships and has its own, whose foreign
 * key references its table. */
static void test_relationships(void **state)
{
	orm_fx *f = fixture();
	staff st = seed(f);
	Machine *lathe = qr_new(f->s, Machine), *got = NULL;
	Company *c = NULL;
	qr_objlist l = QR_OBJLIST_INIT;
	(void)state;

	qr_assert_ok(QR_SET_TEXT(lathe, name, "lathe"));
	qr_assert_ok(QR_APPEND(st.pam, engineer.machines, lathe));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_scalar(f,
				    "SELECT count(*) FROM qt_j_machine WHERE "
				    "engineer_id IS NOT NULL"),
			 1);

	/* lazy: the collection of the base, polymorphic */
	qr_session_expunge_all(f->s);
	qr_assert_ok(qr_query_one(&c, qr_query(f->s, Company)));
	qr_session_reset_stats(f->s);
	qr_assert_ok(QR_LOAD(c, employees));
	assert_int_equal(orm_statements(f), 1);
	orm_assert_list(&c->employees, STAFF);
	assert_string_equal(((Manager *)c->employees.items[2])->manager_name,
			    "maximilian");
	/* the inherited many-to-one, back-populated */
	assert_ptr_equal(((Engineer *)c->employees.items[1])->employee.company,
			 c);

	/* selectin from the base query; the subclass's own relationship */
	restart(f);
	qr_assert_ok(qr_query_all(&l, qr_selectinload(qr_query(f->s, Engineer),
						      Engineer, "machines")));
	assert_int_equal(orm_statements(f), 2);
	assert_int_equal(l.count, 2);
	for (size_t i = 0; i < l.count; i++) {
		Engineer *e = l.items[i];
		assert_true(QR_LOADED(e, machines));
		assert_int_equal(e->machines.count,
				 strcmp(e->employee.name, "pam") == 0 ? 1 : 0);
	}
	qr_objlist_clear(&l);

	/* an option naming the base's relationship applies to the
	 * subclass's (inherited) one */
	restart(f);
	qr_assert_ok(qr_query_all(&l, qr_selectinload(qr_query(f->s, Engineer),
						      Employee, "company")));
	assert_int_equal(orm_statements(f), 2);
	assert_true(QR_LOADED((Engineer *)l.items[0], employee.company));
	assert_string_equal(((Engineer *)l.items[0])->employee.company->name,
			    "acme");
	qr_objlist_clear(&l);

	/* joined eager loading of the subclass's relationship */
	restart(f);
	qr_assert_ok(qr_query_all(&l, qr_joinedload(qr_query(f->s, Engineer),
						    Engineer, "machines")));
	assert_int_equal(orm_statements(f), 1);
	assert_int_equal(l.count, 2);
	qr_objlist_clear(&l);

	/* many-to-one to a subclass */
	qr_session_expunge_all(f->s);
	qr_assert_ok(qr_query_one(&got, qr_query(f->s, Machine)));
	qr_assert_ok(QR_LOAD(got, engineer));
	orm_assert_repr(got->engineer, "<Principal(name='pam', level=3)>");
	assert_int_equal(((Principal *)got->engineer)->level, 3);
	/* a join along it, with criteria on the subclass */
	qr_assert_ok(qr_query_all(
		&l, qr_query_filter(qr_query_join_along(qr_query(f->s, Machine),
							Machine, "engineer"),
				    qr_eq(qr_attr(Engineer, "engineer_name"),
					  qr_bind_text("pamela")))));
	assert_int_equal(l.count, 1);
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* from_statement: the discriminator picks the class; columns a row
 * lacks are loaded by one SELECT per class. */
static void test_from_statement(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	(void)seed(f);
	(void)state;

	restart(f);
	qr_assert_ok(qr_query_all(
		&l, qr_query_from_statement(
			    qr_query(f->s, Employee),
			    qr_text("SELECT e.id, e.name, e.type, "
				    "e.company_id, g.engineer_name FROM "
				    "qt_j_employee e LEFT OUTER JOIN "
				    "qt_j_engineer g ON e.id = g.id ORDER BY "
				    "e.id"))));
	orm_assert_list(&l, STAFF);
	/* the Manager and the Principal lacked columns: one SELECT each */
	assert_int_equal(orm_statements(f), 3);
	assert_string_equal(((Engineer *)l.items[1])->engineer_name, "gilbert");
	assert_string_equal(((Manager *)l.items[2])->manager_name,
			    "maximilian");
	qr_objlist_clear(&l);

	/* a row of another branch of the hierarchy */
	assert_int_equal(
		qr_query_all(&l, qr_query_from_statement(
					 qr_query(f->s, Engineer),
					 qr_text("SELECT id, name, type FROM "
						 "qt_j_employee WHERE name = "
						 "'max'"))),
		QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message,
			       "has the polymorphic identity 'manager' of "
			       "Manager, which is not a Engineer"));
	qr_objlist_clear(&l);

	/* an alias of the base: its table only, the subclasses completed */
	restart(f);
	{
		qr_expr *e2 = qr_aliased(Employee, "e2");
		qr_assert_ok(qr_query_all(
			&l,
			qr_query_order_by(qr_query_new(f->s, qr_expr_ref(e2)),
					  qr_alias_attr(e2, "id"))));
		qr_expr_free(e2);
	}
	assert_int_equal(orm_statements(f), 4);
	assert_int_equal(((Principal *)l.items[3])->level, 3);
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* Errors: a subclass table whose key is not its parent's; a row naming
 * no mapped class. */
static void test_errors(void **state)
{
	orm_fx *f;
	qr_registry *reg;
	qr_objlist l = QR_OBJLIST_INIT;
	qr_stmt *ins;
	(void)state;

	qr_assert_ok(qr_registry_new(&reg, NULL));
	assert_int_equal(qr_registry_map(NULL, reg, QR_MAPPING_OF(Stray)),
			 QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message,
			       "the primary key of table qt_j_stray must be "
			       "a foreign key to the primary key of "
			       "Employee's table qt_j_employee"));
	qr_registry_free(reg);

	f = fixture();
	ins = qr_text("INSERT INTO qt_j_employee (id, name, type) VALUES "
		      "(99, 'ghost', 'contractor')");
	qr_assert_ok(qr_session_execute(NULL, f->s, ins, NULL));
	qr_stmt_free(ins);
	assert_int_equal(qr_query_all(&l, qr_query(f->s, Employee)), QR_EINVAL);
	assert_string_equal(qr_error_last()->message,
			    "No such polymorphic_identity 'contractor' is "
			    "defined (loading Employee)");
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* An alias of a joined subclass: a subquery of its tables joined, its
 * rows the session's objects, criteria on the alias's members. */
static void test_joined_alias(void **state)
{
	orm_fx *f = fixture();
	staff st = seed(f);
	qr_objlist l = QR_OBJLIST_INIT;
	qr_expr *e2 = qr_aliased(Engineer, "e2");
	qr_query *q;
	(void)state;

	assert_non_null(e2);
	q = qr_query_order_by(qr_query_new(f->s, qr_expr_ref(e2)),
			      qr_desc(qr_alias_attr(e2, "id")));
	orm_assert_query_sql(
		q, "SELECT e2.id, e2.name, e2.type, e2.company_id, "
		   "e2.engineer_name \nFROM (SELECT qt_j_employee.id AS id, "
		   "qt_j_employee.name AS name, qt_j_employee.type AS type, "
		   "qt_j_employee.company_id AS company_id, "
		   "qt_j_engineer.engineer_name AS engineer_name \nFROM "
		   "qt_j_employee JOIN qt_j_engineer ON qt_j_employee.id = "
		   "qt_j_engineer.id) AS e2 ORDER BY e2.id DESC");
	restart(f);
	qr_assert_ok(qr_query_all(&l, q));
	/* pam's own column came by one more SELECT */
	orm_assert_list(&l, "[<Principal(name='pam', level=3)>, "
			    "<Engineer(name='gil')>]");
	assert_string_equal(((Engineer *)l.items[1])->engineer_name, "gilbert");
	qr_objlist_clear(&l);

	/* a criterion on the alias, and the objects of the identity map */
	Engineer *gil = NULL;
	qr_assert_ok(qr_query_one(
		(void **)&gil,
		qr_query_filter(qr_query_new(f->s, qr_expr_ref(e2)),
				qr_eq(qr_alias_attr(e2, "engineer_name"),
				      qr_bind_text("gilbert")))));
	assert_int_equal(gil->employee.id, st.gil_id);
	Engineer *again = NULL;
	assert_int_equal(qr_get(&again, f->s, Engineer, qr_val_int(st.gil_id)),
			 1);
	assert_ptr_equal(again, gil);
	qr_expr_free(e2);
	orm_fx_free(f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ddl_and_insert),
		cmocka_unit_test(test_polymorphic_query),
		cmocka_unit_test(test_subclass_query),
		cmocka_unit_test(test_with_polymorphic),
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_get_single_table),
		cmocka_unit_test(test_map_later),
		cmocka_unit_test(test_update_delete),
		cmocka_unit_test(test_version_counter),
		cmocka_unit_test(test_composite_key),
		cmocka_unit_test(test_relationships),
		cmocka_unit_test(test_from_statement),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_joined_alias),
	};
	return qr_test_run(argc, argv, "orm_inheritance_joined", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
