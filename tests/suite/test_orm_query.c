/*
 * test_orm_query.c - ORM queries: entities and columns mixed, labels,
 * aliased entities, filter / filter_by, operators, ordering, slices,
 * all / first / one / one_or_none / scalar / count, textual SQL and
 * from_statement, group_by / having, distinct, exists, subqueries,
 * joins with explicit ON, 2.0-style select() through the session, and
 * streaming with yield_per.
 */
#define ORM_TABLE_PREFIX "qt_q_"
#include "orm_fixture.h"

#include <stdio.h>
#include <stdlib.h>

/* The rows of a query as tuple reprs joined by "; ". */
static char *rows_of(qr_query *q)
{
	qr_orm_result *r;
	const qr_orm_row *row;
	size_t len = 0;
	char *all = calloc(1, 1), *text;
	int rc;

	qr_assert_ok(qr_query_execute(&r, q));
	while ((rc = qr_orm_result_next(r, &row)) == 1) {
		qr_assert_ok(qr_orm_row_repr(&text, row));
		all = realloc(all, len + strlen(text) + 3);
		if (len) {
			strcpy(all + len, "; ");
			len += 2;
		}
		strcpy(all + len, text);
		len += strlen(text);
		qr_free(text);
	}
	qr_assert_ok(rc);
	qr_orm_result_free(r);
	return all;
}

static void assert_rows(qr_query *q, const char *expected)
{
	char *got = rows_of(q);
	assert_string_equal(got, expected);
	free(got);
}

static void assert_all(qr_query *q, const char *expected)
{
	qr_objlist l = QR_OBJLIST_INIT;
	qr_assert_ok(qr_query_all(&l, q));
	orm_assert_list(&l, expected);
	qr_objlist_clear(&l);
}

#define ED "<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>"
#define WENDY \
	"<User(name='wendy', fullname='Wendy Williams', password='foobar')>"
#define MARY "<User(name='mary', fullname='Mary Contrary', password='xxg527')>"
#define FRED "<User(name='fred', fullname='Fred Flinstone', password='blah')>"

static qr_query *users_by_id(orm_fx *f)
{
	return qr_query_order_by(qr_query(f->s, User), qr_attr(User, "id"));
}

static void test_entities_and_columns(void **state)
{
	orm_fx *f = *state;
	qr_orm_result *r;
	const qr_orm_row *row;

	orm_seed(f);
	assert_all(users_by_id(f), "[" ED ", " WENDY ", " MARY ", " FRED "]");
	assert_rows(qr_query_order_by(qr_query_new(f->s, qr_attr(User, "name"),
						   qr_attr(User, "fullname")),
				      qr_attr(User, "id")),
		    "('ed', 'Ed Jones'); ('wendy', 'Wendy Williams'); "
		    "('mary', 'Mary Contrary'); ('fred', 'Fred Flinstone')");
	/* an entity and a column in one row, addressed by name */
	qr_assert_ok(qr_query_execute(
		&r, qr_query_order_by(qr_query_new(f->s, qr_entity(User),
						   qr_attr(User, "name")),
				      qr_attr(User, "id"))));
	assert_int_equal(qr_orm_result_column_count(r), 2);
	assert_string_equal(qr_orm_result_column_name(r, 0), "User");
	assert_string_equal(qr_orm_result_column_name(r, 1), "name");
	assert_int_equal(qr_orm_result_next(r, &row), 1);
	assert_int_equal(qr_orm_row_index(row, "User"), 0);
	assert_int_equal(qr_orm_row_index(row, "name"), 1);
	assert_int_equal(qr_orm_row_index(row, "nope"), QR_ECOLUMN);
	orm_assert_repr(qr_orm_row_object(row, 0), ED);
	assert_null(qr_orm_row_object(row, 1));
	assert_null(qr_orm_row_value(row, 0));
	assert_string_equal(qr_orm_row_value(row, 1)->u.s.ptr, "ed");
	qr_orm_result_free(r);
	/* query.add_columns() */
	assert_rows(qr_query_filter_by(
			    qr_query_add_columns(qr_query(f->s, User),
						 qr_attr(User, "fullname")),
			    "name", qr_val_text("ed")),
		    "(" ED ", 'Ed Jones')");
	/* labels */
	assert_rows(qr_query_order_by(
			    qr_query_new(f->s, qr_label(qr_attr(User, "name"),
							"name_label")),
			    qr_attr(User, "id")),
		    "('ed',); ('wendy',); ('mary',); ('fred',)");
	qr_assert_ok(qr_query_execute(
		&r, qr_query_new(f->s, qr_label(qr_attr(User, "name"),
						"name_label"))));
	assert_int_equal(qr_orm_result_next(r, &row), 1);
	assert_int_equal(qr_orm_row_index(row, "name_label"), 0);
	qr_orm_result_free(r);
}

static void test_aliased(void **state)
{
	orm_fx *f = *state;
	qr_expr *ua;
	qr_orm_result *r;
	const qr_orm_row *row;
	User *ed = orm_seed(f);

	ua = qr_aliased(User, "user_alias");
	assert_non_null(ua);
	qr_assert_ok(qr_query_execute(
		&r, qr_query_order_by(qr_query_new(f->s, qr_expr_ref(ua),
						   qr_alias_attr(ua, "name")),
				      qr_alias_attr(ua, "id"))));
	assert_string_equal(qr_orm_result_column_name(r, 0), "user_alias");
	assert_int_equal(qr_orm_result_next(r, &row), 1);
	/* the same identity: the same object */
	assert_ptr_equal(qr_orm_row_object(row, (size_t)qr_orm_row_index(
							row, "user_alias")),
			 ed);
	qr_orm_result_free(r);
	assert_all(qr_query_filter_by(qr_query_new(f->s, qr_expr_ref(ua)),
				      "name", qr_val_text("mary")),
		   "[" MARY "]");
	qr_expr_free(ua);
	assert_null(qr_alias_attr(qr_attr(User, "name"), "name"));
}

static void test_filters(void **state)
{
	orm_fx *f = *state;
	static const char *const in[] = {"ed", "wendy", "jack"};

	orm_seed(f);
	assert_rows(
		qr_query_filter_by(qr_query_new(f->s, qr_attr(User, "name")),
				   "fullname", qr_val_text("Ed Jones")),
		"('ed',)");
	assert_rows(qr_query_filter(qr_query_new(f->s, qr_attr(User, "name")),
				    qr_eq(qr_attr(User, "fullname"),
					  qr_bind_text("Ed Jones"))),
		    "('ed',)");
	/* chained filters are ANDed */
	assert_all(qr_query_filter(qr_query_filter(qr_query(f->s, User),
						   qr_eq(qr_attr(User, "name"),
							 qr_bind_text("ed"))),
				   qr_eq(qr_attr(User, "fullname"),
					 qr_bind_text("Ed Jones"))),
		   "[" ED "]");
	assert_all(qr_query_filter(users_by_id(f), qr_ne(qr_attr(User, "name"),
							 qr_bind_text("ed"))),
		   "[" WENDY ", " MARY ", " FRED "]");
	assert_all(
		qr_query_filter(users_by_id(f), qr_like(qr_attr(User, "name"),
							qr_bind_text("%ed%"))),
		"[" ED ", " FRED "]");
	assert_all(
		qr_query_filter(users_by_id(f), qr_ilike(qr_attr(User, "name"),
							 qr_bind_text("%ED%"))),
		"[" ED ", " FRED "]");
	assert_all(qr_query_filter(users_by_id(f),
				   qr_in_texts(qr_attr(User, "name"), in, 3)),
		   "[" ED ", " WENDY "]");
	assert_all(qr_query_filter(
			   users_by_id(f),
			   qr_not(qr_in_texts(qr_attr(User, "name"), in, 3))),
		   "[" MARY ", " FRED "]");
	assert_all(qr_query_filter(qr_query(f->s, User),
				   qr_is_null(qr_attr(User, "name"))),
		   "[]");
	assert_all(qr_query_filter(users_by_id(f),
				   qr_is_not_null(qr_attr(User, "name"))),
		   "[" ED ", " WENDY ", " MARY ", " FRED "]");
	assert_all(qr_query_filter(users_by_id(f),
				   qr_or(qr_eq(qr_attr(User, "name"),
					       qr_bind_text("ed")),
					 qr_eq(qr_attr(User, "name"),
					       qr_bind_text("wendy")))),
		   "[" ED ", " WENDY "]");
	/* IN a subquery built from another query */
	{
		qr_query *sub = qr_query_filter(
			qr_query_new(f->s, qr_attr(User, "name")),
			qr_like(qr_attr(User, "name"), qr_bind_text("%ed%")));
		qr_stmt *sel = qr_query_statement(sub);
		qr_query_free(sub);
		assert_all(qr_query_filter(users_by_id(f),
					   qr_in(qr_attr(User, "name"), sel)),
			   "[" ED ", " FRED "]");
	}
	/* filter_by on a member that does not exist */
	assert_null(qr_query_filter_by(qr_query(f->s, User), "nope",
				       qr_val_int(1)));
	assert_int_equal(qr_error_last()->code, QR_ECOLUMN);
}

static void test_slices_and_terminals(void **state)
{
	orm_fx *f = *state;
	qr_query *query;
	User *u;
	int64_t n;

	orm_seed(f);
	assert_rows(qr_query_slice(users_by_id(f), 1, 3),
		    "(" WENDY ",); (" MARY ",)");
	assert_all(qr_query_offset(qr_query_limit(users_by_id(f), 1), 3),
		   "[" FRED "]");
	query = qr_query_order_by(qr_query_filter(qr_query(f->s, User),
						  qr_like(qr_attr(User, "name"),
							  qr_bind_text("%ed"))),
				  qr_attr(User, "id"));
	assert_all(qr_query_ref(query), "[" ED ", " FRED "]");
	assert_int_equal(qr_query_first(&u, qr_query_ref(query)), 1);
	orm_assert_repr(u, ED);
	assert_int_equal(qr_query_one(&u, qr_query_ref(query)), QR_EMULTIPLE);
	assert_null(u);
	assert_int_equal(qr_error_last()->klass, QR_ECLASS_INVALID_REQUEST);
	assert_int_equal(
		qr_query_one(&u, qr_query_filter(qr_query_ref(query),
						 qr_eq(qr_attr(User, "id"),
						       qr_bind_int(99)))),
		QR_ENORESULT);
	assert_int_equal(qr_query_one_or_none(
				 &u, qr_query_filter(qr_query_ref(query),
						     qr_eq(qr_attr(User, "id"),
							   qr_bind_int(99)))),
			 0);
	assert_null(u);
	assert_int_equal(
		qr_query_one_or_none(
			&u, qr_query_filter(qr_query_ref(query),
					    qr_eq(qr_attr(User, "name"),
						  qr_bind_text("ed")))),
		1);
	assert_int_equal(qr_query_one_or_none(&u, qr_query_ref(query)),
			 QR_EMULTIPLE);
	assert_int_equal(qr_query_count(&n, qr_query_ref(query)), 0);
	assert_int_equal(n, 2);
	qr_query_free(query);
	/* scalar */
	assert_int_equal(
		qr_query_scalar_int64(
			&n,
			qr_query_filter(qr_query_new(f->s, qr_attr(User, "id")),
					qr_eq(qr_attr(User, "name"),
					      qr_bind_text("ed")))),
		1);
	assert_int_equal(n, 1);
	assert_int_equal(qr_query_scalar_int64(
				 &n, qr_query_new(f->s, qr_attr(User, "id"))),
			 QR_EMULTIPLE);
	/* first() of a column query is an error: use execute */
	assert_int_equal(
		qr_query_first(&u, qr_query_new(f->s, qr_attr(User, "id"))),
		QR_EINVAL);
}

static void test_textual(void **state)
{
	orm_fx *f = *state;
	qr_params *p;
	User *u;

	orm_seed(f);
	assert_all(qr_query_order_by(qr_query_filter(qr_query(f->s, User),
						     qr_text("id<224")),
				     qr_text("id")),
		   "[" ED ", " WENDY ", " MARY ", " FRED "]");
	p = qr_params_new();
	qr_params_int(p, "value", 224);
	qr_params_text(p, "name", "fred");
	assert_int_equal(
		qr_query_one(
			&u,
			qr_query_params(qr_query_filter(qr_query(f->s, User),
							qr_text("id<:value and "
								"name=:name")),
					p)),
		0);
	orm_assert_repr(u, FRED);
	p = qr_params_new();
	qr_params_text(p, "name", "ed");
	assert_all(qr_query_params(
			   qr_query_from_statement(
				   qr_query(f->s, User),
				   qr_text("SELECT * FROM " ORM_TABLE_PREFIX
					   "users where name=:name")),
			   p),
		   "[" ED "]");
	p = qr_params_new();
	qr_params_text(p, "name", "ed");
	assert_rows(
		qr_query_params(
			qr_query_from_statement(
				qr_query_new(f->s, qr_attr(User, "id"),
					     qr_attr(User, "name")),
				qr_text("SELECT name, id FROM " ORM_TABLE_PREFIX
					"users where name=:name")),
			p),
		"(1, 'ed')");
}

static void test_grouping(void **state)
{
	orm_fx *f = *state;
	int64_t n;

	orm_seed(f);
	qr_assert_ok(qr_session_add(f->s, orm_user(f->s, "ed", "Ed Two", "x")));
	assert_rows(
		qr_query_order_by(
			qr_query_group_by(
				qr_query_new(f->s,
					     qr_count(qr_attr(User, "name")),
					     qr_attr(User, "name")),
				qr_attr(User, "name")),
			qr_attr(User, "name")),
		"(2, 'ed'); (1, 'fred'); (1, 'mary'); (1, 'wendy')");
	assert_rows(qr_query_having(
			    qr_query_group_by(
				    qr_query_new(f->s, qr_attr(User, "name"),
						 qr_count_star()),
				    qr_attr(User, "name")),
			    qr_gt(qr_count_star(), qr_bind_int(1))),
		    "('ed', 2)");
	assert_rows(qr_query_order_by(qr_query_distinct(qr_query_new(
					      f->s, qr_attr(User, "name"))),
				      qr_attr(User, "name")),
		    "('ed',); ('fred',); ('mary',); ('wendy',)");
	assert_int_equal(
		qr_query_scalar_int64(
			&n, qr_query_select_from(
				    qr_query_new(f->s, qr_count_star()),
				    qr_entity(User))),
		1);
	assert_int_equal(n, 5);
	assert_int_equal(
		qr_query_scalar_int64(
			&n, qr_query_new(f->s, qr_count(qr_attr(User, "id")))),
		1);
	assert_int_equal(n, 5);
}

static void add_address(orm_fx *f, int64_t user_id, const char *email)
{
	Address *a = qr_new(f->s, Address);
	assert_non_null(a);
	qr_assert_ok(qr_set_text(a, &a->email_address, email));
	a->user_id = user_id;
	qr_assert_ok(qr_session_add(f->s, a));
}

static void test_joins_exists_subqueries(void **state)
{
	orm_fx *f = *state;
	qr_expr *a1, *a2, *sub;

	orm_seed(f);
	add_address(f, 1, "ed@google.com");
	add_address(f, 1, "ed@yahoo.com");
	add_address(f, 2, "wendy@aol.com");
	qr_assert_ok(qr_session_commit(f->s));

	/* an implicit join in WHERE, entities of both */
	assert_rows(
		qr_query_order_by(
			qr_query_filter(qr_query_new(f->s, qr_entity(User),
						     qr_entity(Address)),
					qr_eq(qr_attr(User, "id"),
					      qr_attr(Address, "user_id")),
					qr_eq(qr_attr(Address, "email_address"),
					      qr_bind_text("wendy@aol.com"))),
			qr_attr(User, "id")),
		"(" WENDY ", <Address(email_address='wendy@aol.com')>)");
	/* JOIN with an explicit ON; filter_by goes to the joined entity */
	assert_all(
		qr_query_filter_by(
			qr_query_join(qr_query(f->s, User), qr_entity(Address),
				      qr_eq(qr_attr(User, "id"),
					    qr_attr(Address, "user_id"))),
			"email_address", qr_val_text("ed@yahoo.com")),
		"[" ED "]");
	/* the same user twice through the join: one object once */
	assert_all(qr_query_join(qr_query(f->s, User), qr_entity(Address),
				 qr_eq(qr_attr(User, "id"),
				       qr_attr(Address, "user_id"))),
		   "[" ED ", " WENDY "]");
	/* JOIN inferred from the foreign key */
	assert_rows(
		qr_query_order_by(
			qr_query_join(
				qr_query_new(f->s, qr_attr(User, "name"),
					     qr_attr(Address, "email_address")),
				qr_entity(Address), NULL),
			qr_attr(Address, "id")),
		"('ed', 'ed@google.com'); ('ed', 'ed@yahoo.com'); "
		"('wendy', 'wendy@aol.com')");
	/* two aliases of Address joined at once */
	a1 = qr_aliased(Address, NULL);
	a2 = qr_aliased(Address, NULL);
	assert_rows(
		qr_query_filter(
			qr_query_join(
				qr_query_join(
					qr_query_new(
						f->s, qr_attr(User, "name"),
						qr_alias_attr(a1,
							      "email_address"),
						qr_alias_attr(a2,
							      "email_address")),
					qr_expr_ref(a1),
					qr_eq(qr_attr(User, "id"),
					      qr_alias_attr(a1, "user_id"))),
				qr_expr_ref(a2),
				qr_eq(qr_attr(User, "id"),
				      qr_alias_attr(a2, "user_id"))),
			qr_eq(qr_alias_attr(a1, "email_address"),
			      qr_bind_text("ed@google.com")),
			qr_eq(qr_alias_attr(a2, "email_address"),
			      qr_bind_text("ed@yahoo.com"))),
		"('ed', 'ed@google.com', 'ed@yahoo.com')");
	qr_expr_free(a1);
	qr_expr_free(a2);
	/* a grouped subquery outer-joined back to users */
	sub = qr_query_subquery(
		qr_query_group_by(qr_query_new(f->s,
					       qr_attr(Address, "user_id"),
					       qr_label(qr_count_star(),
							"address_count")),
				  qr_attr(Address, "user_id")),
		"adr_count");
	assert_rows(qr_query_order_by(
			    qr_query_outerjoin(
				    qr_query_new(f->s, qr_entity(User),
						 qr_c(sub, "address_count")),
				    qr_expr_ref(sub),
				    qr_eq(qr_attr(User, "id"),
					  qr_c(sub, "user_id"))),
			    qr_attr(User, "id")),
		    "(" ED ", 2); (" WENDY ", 1); (" MARY ", None); (" FRED
		    ", None)");
	qr_expr_free(sub);
	/* EXISTS */
	{
		qr_stmt *ex = qr_select(
			qr_star(), qr_where(qr_eq(qr_attr(Address, "user_id"),
						  qr_attr(User, "id"))));
		assert_rows(qr_query_order_by(
				    qr_query_filter(
					    qr_query_new(f->s,
							 qr_attr(User, "name")),
					    qr_exists(ex)),
				    qr_attr(User, "id")),
			    "('ed',); ('wendy',)");
	}
	/* session.query(exists().where(...)).scalar() */
	{
		int64_t found = -1;
		qr_stmt *ex = qr_select(
			qr_star(),
			qr_where(qr_like(qr_attr(Address, "email_address"),
					 qr_bind_text("%@aol.com"))));
		assert_int_equal(
			qr_query_scalar_int64(
				&found, qr_query_new(f->s, qr_exists(ex))),
			1);
		assert_int_equal(found, 1);
	}
}

static void test_select_through_session(void **state)
{
	orm_fx *f = *state;
	qr_objlist l = QR_OBJLIST_INIT;
	qr_orm_result *r;
	const qr_orm_row *row;

	orm_seed(f);
	/* select(User).where(User.name == 'ed') run by the session */
	qr_assert_ok(qr_session_scalars(
		&l, f->s,
		qr_query_filter(
			qr_orm_select(qr_entity(User)),
			qr_eq(qr_attr(User, "name"), qr_bind_text("ed")))));
	orm_assert_list(&l, "[" ED "]");
	qr_objlist_clear(&l);
	qr_assert_ok(qr_session_execute_query(
		&r, f->s,
		qr_query_order_by(qr_orm_select(qr_entity(User),
						qr_attr(User, "fullname")),
				  qr_attr(User, "id"))));
	assert_int_equal(qr_orm_result_one(r, &row), QR_EMULTIPLE);
	qr_orm_result_free(r);
	/* a session-less query cannot run by itself */
	assert_int_equal(qr_query_all(&l, qr_orm_select(qr_entity(User))),
			 QR_EINVAL);
	/* statements are reusable: the same query run twice */
	{
		qr_query *q = qr_query_filter(
			qr_orm_select(qr_entity(User)),
			qr_eq(qr_attr(User, "name"), qr_bind_text("fred")));
		qr_assert_ok(qr_session_scalars(&l, f->s, qr_query_ref(q)));
		qr_assert_ok(qr_session_scalars(&l, f->s, q));
		orm_assert_list(&l, "[" FRED "]");
		qr_objlist_clear(&l);
	}
}

static void test_yield_per(void **state)
{
	orm_fx *f = *state;
	qr_orm_result *r;
	const qr_orm_row *row;
	int rc, n = 0;

	for (int i = 0; i < 250; i++) {
		char name[16];
		snprintf(name, sizeof(name), "user%03d", i);
		qr_assert_ok(
			qr_session_add(f->s, orm_user(f->s, name, name, "p")));
	}
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_close(f->s); /* an empty identity map */
	qr_assert_ok(
		qr_query_execute(&r, qr_query_yield_per(users_by_id(f), 50)));
	while ((rc = qr_orm_result_next(r, &row)) == 1) {
		User *u = qr_orm_row_object(row, 0);
		char name[16];
		snprintf(name, sizeof(name), "user%03d", n++);
		assert_string_equal(u->name, name);
		/* release what was read: memory stays flat */
		qr_assert_ok(qr_session_expunge(f->s, u));
	}
	qr_assert_ok(rc);
	assert_int_equal(n, 250);
	qr_orm_result_free(r);
}

/* A value the struct cannot hold (300 in an int8_t) in the third of
 * five rows. */
typedef struct Gauge {
	int64_t id;
	int8_t level;
	char *label;
} Gauge;

QR_MAPPING(Gauge, ORM_TABLE_PREFIX "gauges",
	   QR_FIELD(Gauge, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Gauge, level, QR_SMALLINT),
	   QR_FIELD(Gauge, label, qr_string(40)));

/* SQL run in the session's transaction. */
static void session_sql(orm_fx *f, const char *sql)
{
	qr_stmt *st = qr_text(sql);
	qr_assert_ok(qr_session_execute(NULL, f->s, st, NULL));
	qr_stmt_free(st);
}

/* Objects are built as rows stream in: an object already in the
 * session keeps its state (refreshed only when expired), each identity
 * is one object, and a conversion error part-way keeps the objects of
 * the rows before it and nothing of the failing row. */
static void test_streamed_load(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Gauge), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	qr_objlist l = QR_OBJLIST_INIT;
	Gauge *g1 = NULL, *g2 = NULL, *g;

	(void)state;
	session_sql(f, "INSERT INTO qt_q_gauges (id, level, label) VALUES "
		       "(1, 10, 'one'), (2, 20, 'two'), (3, 30, 'three'), "
		       "(4, 40, 'four'), (5, 50, 'five')");
	assert_int_equal(qr_get(&g1, f->s, Gauge, qr_val_int(1)), 1);
	assert_int_equal(qr_get(&g2, f->s, Gauge, qr_val_int(2)), 1);
	/* g1 changed in memory (not flushed), g2 expired and its row
	 * changed since */
	qr_session_set_autoflush(f->s, false);
	qr_assert_ok(qr_set_text(g1, &g1->label, "mine"));
	qr_assert_ok(qr_session_expire(f->s, g2));
	session_sql(f, "UPDATE qt_q_gauges SET label = 'TWO' WHERE id = 2");
	qr_assert_ok(qr_query_all(&l, qr_query_order_by(qr_query(f->s, Gauge),
							qr_attr(Gauge, "id"))));
	assert_int_equal(l.count, 5);
	assert_ptr_equal(l.items[0], g1);
	assert_string_equal(g1->label, "mine");
	assert_ptr_equal(l.items[1], g2);
	assert_string_equal(g2->label, "TWO");
	assert_false(qr_object_expired(g2));
	g = l.items[4];
	assert_int_equal(g->level, 50);
	assert_string_equal(g->label, "five");
	/* a string loaded with the object, set again */
	qr_assert_ok(qr_set_text(g, &g->label, "cinq"));
	assert_true(qr_session_is_modified(f->s, g));
	qr_session_set_autoflush(f->s, true);

	/* row 3 cannot be loaded: the error stops the load */
	session_sql(f, "UPDATE qt_q_gauges SET level = 300 WHERE id = 3");
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_close(f->s);
	assert_int_equal(
		qr_query_all(&l, qr_query_order_by(qr_query(f->s, Gauge),
						   qr_attr(Gauge, "id"))),
		QR_ERANGE);
	assert_non_null(strstr(qr_error_last()->message, "Gauge.level"));
	/* rows 1 and 2 are in the session, loaded; row 3 is not */
	orm_log_clear(&f->log);
	assert_int_equal(qr_get(&g1, f->s, Gauge, qr_val_int(2)), 1);
	assert_string_equal(g1->label, "TWO");
	assert_int_equal(orm_log_count(&f->log, "SELECT"), 0);
	assert_int_equal(qr_get(&g1, f->s, Gauge, qr_val_int(3)), QR_ERANGE);
	/* the session goes on */
	qr_assert_ok(qr_query_all(
		&l,
		qr_query_order_by(qr_query_filter(qr_query(f->s, Gauge),
						  qr_ne(qr_attr(Gauge, "id"),
							qr_bind_int(3))),
				  qr_attr(Gauge, "id"))));
	assert_int_equal(l.count, 4);
	g = l.items[3];
	assert_string_equal(g->label, "cinq");
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* A load past QR_ORM_CHUNK_AFTER objects puts the rest in chunks (one
 * mapping of 2 MiB for many objects): they are objects like the others
 * (identity, changes flushed, expiry and refresh, populate_existing),
 * and one handed to the program outlives the session. */
static void test_large_load(void **state)
{
	enum { N = 7000, BATCH = 500 };
	qr_mapping *const maps[] = {QR_MAPPING_OF(Gauge), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	qr_objlist l = QR_OBJLIST_INIT, again = QR_OBJLIST_INIT;
	char *sql = malloc(BATCH * 48 + 64);
	Gauge *g, *kept, *early;

	(void)state;
	for (int b = 0; b < N / BATCH; b++) {
		int n = sprintf(sql, "INSERT INTO qt_q_gauges (id, level, "
				     "label) VALUES ");
		for (int i = b * BATCH + 1; i <= (b + 1) * BATCH; i++)
			n += sprintf(sql + n, "%s(%d, %d, 'g%d')",
				     i > b * BATCH + 1 ? ", " : "", i, i % 100,
				     i);
		session_sql(f, sql);
	}
	free(sql);
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_query_all(&l, qr_query_order_by(qr_query(f->s, Gauge),
							qr_attr(Gauge, "id"))));
	assert_int_equal(l.count, N);
	for (int i = 0; i < N; i++) {
		g = l.items[i];
		assert_int_equal(g->id, i + 1);
		assert_int_equal(g->level, (i + 1) % 100);
		assert_int_equal(atoi(g->label + 1), i + 1);
	}
	/* a change to an object in a chunk is flushed; the commit expires
	 * every object and the next load refreshes them in place */
	g = l.items[N - 10];
	qr_assert_ok(qr_set_text(g, &g->label, "changed"));
	g->level = 7;
	qr_assert_ok(qr_session_commit(f->s));
	session_sql(f, "UPDATE qt_q_gauges SET label = 'db' WHERE id = 6999");
	qr_assert_ok(
		qr_query_all(&again, qr_query_order_by(qr_query(f->s, Gauge),
						       qr_attr(Gauge, "id"))));
	assert_int_equal(again.count, N);
	assert_memory_equal(again.items, l.items, N * sizeof(void *));
	assert_string_equal(g->label, "changed");
	assert_int_equal(g->level, 7);
	assert_string_equal(((Gauge *)l.items[N - 2])->label, "db");
	qr_objlist_clear(&again);
	/* populate_existing overwrites a change not flushed */
	g = l.items[N - 1];
	g->level = 1;
	qr_session_set_autoflush(f->s, false);
	qr_assert_ok(qr_query_all(
		&again, qr_query_populate_existing(qr_query_filter(
				qr_query(f->s, Gauge),
				qr_eq(qr_attr(Gauge, "id"), qr_bind_int(N))))));
	assert_int_equal(again.count, 1);
	assert_ptr_equal(again.items[0], g);
	assert_int_equal(g->level, N % 100);
	qr_objlist_clear(&again);
	/* expunged (freed) and detached objects, from a chunk and not */
	qr_assert_ok(qr_session_expunge(f->s, l.items[N - 3]));
	kept = l.items[N - 4];
	early = l.items[0];
	qr_assert_ok(qr_session_detach(f->s, kept));
	qr_assert_ok(qr_session_detach(f->s, early));
	qr_objlist_clear(&l);
	qr_session_free(f->s); /* its chunks outlive it */
	f->s = NULL;
	assert_int_equal(kept->id, N - 3);
	assert_string_equal(kept->label, "g6997");
	assert_int_equal(early->id, 1);
	qr_object_free(kept);
	qr_object_free(early);
	orm_fx_free(f);
}

/* A lock this connection waits for fails its statement after 5 s
 * instead of blocking for ever (NOWAIT is about rows only: the table's
 * lock still waits behind another run's pending DROP TABLE). */
static void bounded_lock_waits(qr_conn *c, const char *backend)
{
	qr_test_exec(c, strcmp(backend, "postgresql") == 0
				? "SET lock_timeout = '5s'"
				: "SET SESSION lock_wait_timeout = 5");
}

/* with_for_update(): the SELECT locks its rows (nothing on SQLite); a
 * second connection asking for the same row with NOWAIT is refused
 * while the session's transaction holds it, and keeps no lock once
 * rolled back. */
static void test_with_for_update(void **state)
{
	orm_fx *f = *state;
	const char *backend = qr_test_backend();
	bool sqlite = strcmp(backend, "sqlite") == 0;
	User *ed = NULL;

	orm_seed(f);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_query_one(
		&ed, qr_query_with_for_update(
			     qr_query_filter_by(qr_query(f->s, User), "name",
						qr_val_text("ed")),
			     QR_FOR_UPDATE)));
	assert_string_equal(ed->name, "ed");
	assert_true(orm_logged(&f->log, sqlite ? "WHERE qt_q_users.name = ?"
					       : "FOR UPDATE"));
	assert_int_equal(orm_logged(&f->log, "FOR UPDATE"), !sqlite);
	if (!sqlite) {
		/* another transaction cannot take the row: refused at
		 * execute (the connection is released before the check, so
		 * that a failure leaves no lock behind) */
		qr_conn *c = qr_test_connect(f->engine);
		qr_result *r = NULL;
		bounded_lock_waits(c, backend);
		int rc = qr_conn_execute_text(
			&r, c,
			"SELECT id FROM qt_q_users WHERE name = 'ed' FOR "
			"UPDATE NOWAIT",
			NULL);
		qr_result_free(r);
		qr_assert_ok(qr_conn_rollback(c));
		qr_conn_free(c);
		assert_int_equal(rc, QR_EDB);
	}
	qr_assert_ok(qr_session_rollback(f->s));
	/* flags, and the shared lock */
	orm_log_clear(&f->log);
	qr_objlist l = QR_OBJLIST_INIT;
	qr_assert_ok(
		qr_query_all(&l, qr_query_with_for_update(qr_query(f->s, User),
							  QR_FOR_SHARE)));
	assert_int_equal(l.count, 4);
	qr_objlist_clear(&l);
	if (strcmp(backend, "postgresql") == 0)
		assert_true(orm_logged(&f->log, "FOR SHARE"));
	else if (!sqlite)
		assert_true(orm_logged(&f->log, "LOCK IN SHARE MODE"));
	qr_assert_ok(qr_session_rollback(f->s));
	if (!sqlite) {
		/* No connection kept a lock on the tables: another engine's
		 * connection drops them, within a lock timeout. */
		qr_engine *e = qr_test_engine();
		qr_conn *c = qr_test_connect(e);
		bounded_lock_waits(c, backend);
		qr_test_exec(c, "DROP TABLE qt_q_addresses");
		qr_test_exec(c, "DROP TABLE qt_q_users");
		qr_assert_ok(qr_conn_commit(c));
		qr_conn_free(c);
		qr_engine_free(e);
	}
}

static void test_builder_errors(void **state)
{
	orm_fx *f = *state;
	qr_objlist l = QR_OBJLIST_INIT;

	/* NULL propagates through builders to the terminal call */
	assert_null(qr_query_filter(qr_query(f->s, User), NULL));
	assert_int_equal(
		qr_query_all(
			&l, qr_query_order_by(
				    qr_query_filter(qr_query(f->s, User),
						    qr_eq(qr_attr(User, "nope"),
							  qr_bind_int(1))),
				    qr_attr(User, "id"))),
		QR_ECOLUMN);
	assert_int_equal(qr_query_all(&l, NULL), QR_ECOLUMN);
	qr_objlist_clear(&l);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_entities_and_columns,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_aliased, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_filters, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_slices_and_terminals,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_textual, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_grouping, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_joins_exists_subqueries,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_select_through_session,
						orm_setup, orm_teardown),
		cmocka_unit_test_setup_teardown(test_yield_per, orm_setup,
						orm_teardown),
		cmocka_unit_test(test_streamed_load),
		cmocka_unit_test(test_large_load),
		cmocka_unit_test_setup_teardown(test_with_for_update, orm_setup,
						orm_teardown),
		cmocka_unit_test_setup_teardown(test_builder_errors, orm_setup,
						orm_teardown),
	};
	return qr_test_run(argc, argv, "orm_query", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
