/*
 * test_orm_query_entities.c - query.with_entities() and query.exists():
 * the SQL and rows, correlation of an EXISTS used as a filter, and
 * entities replaced on a set operation's query, on every backend.
 */
#define ORM_TABLE_PREFIX "qt_qe_"
#include "orm_fixture.h"

static qr_query *named(orm_fx *f, const char *name)
{
	return qr_query_filter(
		qr_query(f->s, User),
		qr_eq(qr_attr(User, "name"), qr_bind_text(name)));
}

static void test_with_entities(void **state)
{
	orm_fx *f = *state;
	qr_orm_result *r;
	const qr_orm_row *row;
	qr_query *q;

	orm_seed(f);
	q = qr_query_with_entities(named(f, "ed"), qr_attr(User, "fullname"),
				   qr_attr(User, "password"));
	orm_assert_query_sql(
		q, "SELECT qt_qe_users.fullname, qt_qe_users.password "
		   "\nFROM qt_qe_users \nWHERE qt_qe_users.name = 'ed'");
	qr_assert_ok(qr_query_execute(&r, q));
	assert_int_equal(qr_orm_result_next(r, &row), 1);
	assert_string_equal(qr_orm_row_value(row, 0)->u.s.ptr, "Ed Jones");
	assert_string_equal(qr_orm_row_value(row, 1)->u.s.ptr, "f8s7ccs");
	assert_int_equal(qr_orm_result_next(r, &row), 0);
	qr_orm_result_free(r);

	/* on a set operation's query: the subquery's columns */
	q = qr_query_with_entities(
		qr_query_union(named(f, "ed"), named(f, "wendy")),
		qr_attr(User, "name"));
	q = qr_query_order_by(q, qr_desc(qr_attr(User, "name")));
	qr_assert_ok(qr_query_execute(&r, qr_query_ref(q)));
	assert_int_equal(qr_orm_result_next(r, &row), 1);
	assert_string_equal(qr_orm_row_value(row, 0)->u.s.ptr, "wendy");
	assert_int_equal(qr_orm_result_next(r, &row), 1);
	assert_string_equal(qr_orm_row_value(row, 0)->u.s.ptr, "ed");
	assert_int_equal(qr_orm_result_next(r, &row), 0);
	qr_orm_result_free(r);
	qr_query_free(q);

	qr_error_clear();
	assert_null(qr_query_with_entities_(named(f, "ed"), QR_END));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
}

static void test_exists(void **state)
{
	orm_fx *f = *state;
	qr_query *q;
	int64_t v = -1;
	qr_objlist l = QR_OBJLIST_INIT;

	orm_seed(f);
	q = qr_query_new(f->s, qr_query_exists(named(f, "ed")));
	orm_assert_query_sql(
		q, "SELECT EXISTS (SELECT 1 \nFROM qt_qe_users \nWHERE "
		   "qt_qe_users.name = 'ed') AS anon_1");
	assert_int_equal(qr_query_scalar_int64(&v, q), 1);
	assert_int_equal(v, 1);
	assert_int_equal(qr_query_scalar_int64(
				 &v, qr_query_new(f->s, qr_query_exists(named(
								f, "nobody")))),
			 1);
	assert_int_equal(v, 0);
	/* without criteria: FROM the entity all the same */
	q = qr_query_new(f->s, qr_query_exists(qr_query(f->s, Address)));
	orm_assert_query_sql(
		q, "SELECT EXISTS (SELECT 1 \nFROM qt_qe_addresses) AS "
		   "anon_1");
	assert_int_equal(qr_query_scalar_int64(&v, q), 1);
	assert_int_equal(v, 0);

	/* as a filter, correlated to the enclosing query */
	Address *a = qr_new(f->s, Address);
	qr_assert_ok(qr_set_text(a, &a->email_address, "mary@x"));
	a->user_id = 3;
	qr_assert_ok(qr_session_add(f->s, a));
	q = qr_query_filter(qr_query(f->s, User),
			    qr_query_exists(qr_query_filter(
				    qr_query(f->s, Address),
				    qr_eq(qr_attr(Address, "user_id"),
					  qr_attr(User, "id")))));
	orm_assert_query_sql(
		q, "SELECT qt_qe_users.id, qt_qe_users.name, "
		   "qt_qe_users.fullname, qt_qe_users.password \nFROM "
		   "qt_qe_users \nWHERE EXISTS (SELECT 1 \nFROM "
		   "qt_qe_addresses \nWHERE qt_qe_addresses.user_id = "
		   "qt_qe_users.id)");
	qr_assert_ok(qr_query_all(&l, q));
	orm_assert_list(&l, "[<User(name='mary', fullname='Mary Contrary', "
			    "password='xxg527')>]");
	qr_objlist_clear(&l);

	qr_error_clear();
	assert_null(qr_query_exists(NULL));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
}

/* with_for_update(of=User): the rows of that entity's table only. */
static void test_for_update_of(void **state)
{
	orm_fx *f = *state;
	User *ed = NULL;
	const char *b = qr_test_backend();

	orm_seed(f);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_query_one(
		(void **)&ed,
		qr_query_with_for_update_of(named(f, "ed"), QR_FOR_NOWAIT,
					    qr_entity(User))));
	assert_string_equal(ed->name, "ed");
	if (strcmp(b, "postgresql") == 0)
		assert_true(orm_logged(&f->log, "FOR UPDATE OF qt_qe_users "
						"NOWAIT"));
	else if (strcmp(b, "sqlite") == 0)
		assert_false(orm_logged(&f->log, "FOR UPDATE"));
	else /* MariaDB has no OF */
		assert_true(orm_logged(&f->log, "FOR UPDATE"));
	qr_assert_ok(qr_session_rollback(f->s));
	assert_null(qr_query_with_for_update_of(named(f, "ed"), 0, NULL));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_with_entities, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_exists, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_for_update_of, orm_setup,
						orm_teardown),
	};
	return qr_test_run(argc, argv, "orm_query_entities", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
