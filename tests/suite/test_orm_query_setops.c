/*
 * test_orm_query_setops.c - query.union() and the other set operations:
 * the SELECT from the subquery of the set operation, criteria added
 * afterwards re-targeted onto it, the objects (those of the identity
 * map), columns, parameters and errors, on every backend.
 */
#define ORM_TABLE_PREFIX "qt_so_"
#include "orm_fixture.h"

static qr_query *named(orm_fx *f, const char *name)
{
	return qr_query_filter(
		qr_query(f->s, User),
		qr_eq(qr_attr(User, "name"), qr_bind_text(name)));
}

static qr_query *id_below(orm_fx *f, int64_t id)
{
	return qr_query_filter(qr_query(f->s, User),
			       qr_lt(qr_attr(User, "id"), qr_bind_int(id)));
}

/* The SQL, and the objects: the very ones of the identity map. */
static void test_union_sql_and_objects(void **state)
{
	orm_fx *f = *state;
	User *ed = orm_seed(f);
	qr_objlist l = QR_OBJLIST_INIT;
	qr_query *q = qr_query_order_by(
		qr_query_union(named(f, "ed"), named(f, "fred")),
		qr_attr(User, "name"));
	orm_assert_query_sql(
		q, "SELECT anon_1.id, anon_1.name, anon_1.fullname, "
		   "anon_1.password \nFROM (SELECT qt_so_users.id AS id, "
		   "qt_so_users.name AS name, qt_so_users.fullname AS "
		   "fullname, qt_so_users.password AS password \nFROM "
		   "qt_so_users \nWHERE qt_so_users.name = 'ed' UNION "
		   "SELECT qt_so_users.id AS id, qt_so_users.name AS name, "
		   "qt_so_users.fullname AS fullname, qt_so_users.password "
		   "AS password \nFROM qt_so_users \nWHERE qt_so_users.name "
		   "= 'fred') AS anon_1 ORDER BY anon_1.name");

	qr_assert_ok(qr_query_all(&l, q));
	assert_int_equal(l.count, 2);
	assert_ptr_equal(l.items[0], ed);
	orm_assert_list(&l, "[<User(name='ed', fullname='Ed Jones', "
			    "password='f8s7ccs')>, <User(name='fred', "
			    "fullname='Fred Flinstone', password='blah')>]");
	qr_objlist_clear(&l);
}

/* UNION removes the duplicates, UNION ALL keeps them; filter_by and a
 * filter added after go onto the subquery. */
static void test_union_all_and_filters(void **state)
{
	orm_fx *f = *state;
	qr_objlist l = QR_OBJLIST_INIT;
	int64_t n = 0;

	orm_seed(f);
	qr_assert_ok(qr_query_count(
		&n, qr_query_union(id_below(f, 3), id_below(f, 4))));
	assert_int_equal(n, 3);
	qr_assert_ok(qr_query_count(
		&n, qr_query_union_all(id_below(f, 3), id_below(f, 4))));
	assert_int_equal(n, 5);

	qr_assert_ok(qr_query_all(
		&l,
		qr_query_filter_by(
			qr_query_filter(qr_query_union_all(id_below(f, 3),
							   named(f, "fred")),
					qr_ne(qr_attr(User, "name"),
					      qr_bind_text("ed"))),
			"fullname", qr_val_text("Fred Flinstone"))));
	assert_int_equal(l.count, 1);
	orm_assert_list(&l, "[<User(name='fred', fullname='Fred Flinstone', "
			    "password='blah')>]");
	qr_objlist_clear(&l);
}

/* INTERSECT and EXCEPT (MySQL has them from 8.0.31, MariaDB from 10.3). */
static void test_intersect_except(void **state)
{
	orm_fx *f = *state;
	qr_objlist l = QR_OBJLIST_INIT;

	orm_seed(f);
	qr_assert_ok(qr_query_all(
		&l, qr_query_intersect(id_below(f, 4), named(f, "wendy"))));
	orm_assert_list(&l, "[<User(name='wendy', fullname='Wendy Williams', "
			    "password='foobar')>]");
	qr_objlist_clear(&l);
	qr_assert_ok(qr_query_all(
		&l, qr_query_order_by(
			    qr_query_except(id_below(f, 4), named(f, "wendy")),
			    qr_desc(qr_attr(User, "id")))));
	orm_assert_list(&l, "[<User(name='mary', fullname='Mary Contrary', "
			    "password='xxg527')>, <User(name='ed', "
			    "fullname='Ed Jones', password='f8s7ccs')>]");
	qr_objlist_clear(&l);
}

/* Columns and an entity with a labelled column; parameters of both. */
static void test_columns_and_params(void **state)
{
	orm_fx *f = *state;
	qr_orm_result *r;
	const qr_orm_row *row;
	qr_params *p1 = qr_params_new(), *p2 = qr_params_new();
	const qr_value *v;

	orm_seed(f);
	qr_assert_ok(qr_params_set(p1, "a", qr_val_text("ed")));
	qr_assert_ok(qr_params_set(p2, "b", qr_val_text("mary")));
	qr_query *a = qr_query_params(
		qr_query_filter(
			qr_query_new(
				f->s, qr_attr(User, "name"),
				qr_label(qr_upper(qr_attr(User, "fullname")),
					 "loud")),
			qr_eq(qr_attr(User, "name"), qr_param("a"))),
		p1);
	qr_query *b = qr_query_params(
		qr_query_filter(
			qr_query_new(
				f->s, qr_attr(User, "name"),
				qr_label(qr_upper(qr_attr(User, "fullname")),
					 "loud")),
			qr_eq(qr_attr(User, "name"), qr_param("b"))),
		p2);
	qr_assert_ok(
		qr_query_execute(&r, qr_query_order_by(qr_query_union(a, b),
						       qr_attr(User, "name"))));
	assert_int_equal(qr_orm_result_next(r, &row), 1);
	assert_non_null(v = qr_orm_row_value(row, 0));
	assert_string_equal(v->u.s.ptr, "ed");
	assert_non_null(v = qr_orm_row_value(row, 1));
	assert_string_equal(v->u.s.ptr, "ED JONES");
	assert_int_equal(qr_orm_row_index(row, "loud"), 1);
	assert_int_equal(qr_orm_result_next(r, &row), 1);
	assert_string_equal(qr_orm_row_value(row, 0)->u.s.ptr, "mary");
	assert_int_equal(qr_orm_result_next(r, &row), 0);
	qr_orm_result_free(r);
}

static void test_errors(void **state)
{
	orm_fx *f = *state;
	qr_session *other;

	qr_error_clear();
	assert_null(qr_query_union(named(f, "ed"), NULL));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "qr_query_union"));

	/* an unlabelled expression has no name in the subquery */
	assert_null(qr_query_union_all(
		qr_query_new(f->s, qr_upper(qr_attr(User, "name"))),
		qr_query_new(f->s, qr_upper(qr_attr(User, "name")))));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "label"));

	/* two entities' ids */
	assert_null(qr_query_union(
		qr_query_new(f->s, qr_entity(User), qr_entity(Address)),
		qr_query_new(f->s, qr_entity(User), qr_entity(Address))));
	assert_int_equal(qr_error_last()->code, QR_ENOTSUP);

	qr_assert_ok(qr_session_new(&other, f->engine,
				    &(qr_session_options){.registry = f->reg}));
	assert_null(qr_query_union(named(f, "ed"), qr_query(other, User)));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	qr_session_free(other);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_union_sql_and_objects,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_union_all_and_filters,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_intersect_except,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_columns_and_params,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_errors, orm_setup,
						orm_teardown),
	};
	return qr_test_run(argc, argv, "orm_query_setops", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
