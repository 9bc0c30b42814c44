/*
 * test_orm_loader_paths.c - nested (chained) loader options over three
 * levels of tables, customers -> orders -> items, and a many-to-many
 * hop items -> keywords: every strategy along the path (joined chains
 * de-duplicated at every level, selectin per level and chunked,
 * subquery, lazy with the rest of the path kept for the later load,
 * defaultload, raise, noload), the joined hop after a selectin one
 * joining in the selectin's SELECT and the reverse, statement counts as
 * SQLAlchemy's, and the loaded contents.
 */
#define ORM_TABLE_PREFIX "qt_lp_"
#include "orm_fixture.h"

typedef struct Customer {
	int64_t id;
	char *name;
	qr_objlist orders;
} Customer;
typedef struct Order {
	int64_t id;
	int64_t customer_id;
	char *descr;
	struct Customer *customer;
	qr_objlist items;
} Order;
typedef struct Item {
	int64_t id;
	int64_t order_id;
	char *name;
	struct Order *order;
	qr_objlist keywords;
} Item;
typedef struct Keyword {
	int64_t id;
	char *word;
} Keyword;

QR_MAPPING(Customer, "qt_lp_customers",
	   QR_FIELD(Customer, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Customer, name, qr_string(30)),
	   QR_ONE_TO_MANY(Customer, orders, "Order",
			  .back_populates = "customer", .order_by = "id"),
	   QR_REPR("name"));
QR_MAPPING(Order, "qt_lp_orders",
	   QR_FIELD(Order, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Order, customer_id, QR_INTEGER,
		    .foreign_key = "qt_lp_customers.id"),
	   QR_FIELD(Order, descr, qr_string(30)),
	   QR_MANY_TO_ONE(Order, customer, "Customer",
			  .back_populates = "orders"),
	   QR_ONE_TO_MANY(Order, items, "Item", .back_populates = "order",
			  .order_by = "id"),
	   QR_REPR("descr"));
QR_MAPPING(Item, "qt_lp_items",
	   QR_FIELD(Item, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Item, order_id, QR_INTEGER,
		    .foreign_key = "qt_lp_orders.id"),
	   QR_FIELD(Item, name, qr_string(30)),
	   QR_MANY_TO_ONE(Item, order, "Order", .back_populates = "items"),
	   QR_MANY_TO_MANY(Item, keywords, "Keyword",
			   .secondary = "qt_lp_item_keywords",
			   .order_by = "id"),
	   QR_REPR("name"));
QR_MAPPING(Keyword, "qt_lp_keywords",
	   QR_FIELD(Keyword, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Keyword, word, qr_string(30)), QR_REPR("word"));

/* A many-to-many configured joined (lazy="joined"), ordered by title:
 * students and their courses through qt_lp_enrollments. */
typedef struct Student {
	int64_t id;
	char *name;
	qr_objlist courses;
} Student;
typedef struct Course {
	int64_t id;
	char *title;
} Course;

QR_MAPPING(Student, "qt_lp_students",
	   QR_FIELD(Student, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Student, name, qr_string(30)),
	   QR_MANY_TO_MANY(Student, courses, "Course",
			   .secondary = "qt_lp_enrollments",
			   .order_by = "title", .lazy = QR_LAZY_JOINED),
	   QR_REPR("name"));
QR_MAPPING(Course, "qt_lp_courses",
	   QR_FIELD(Course, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Course, title, qr_string(30)), QR_REPR("title"));

#define C() QR_MAPPING_OF(Customer)

/* The tables, and: ann (orders o1: items a [red, big], b [red]; o2:
 * item c), bob (order o3, no items), cy (no orders). Committed, the
 * session emptied and its counts reset. */
static orm_fx *fixture(void)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Customer),
				    QR_MAPPING_OF(Order), QR_MAPPING_OF(Item),
				    QR_MAPPING_OF(Keyword), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Customer *c[3];
	Order *o[3];
	Item *it[3];
	Keyword *red, *big;
	const char *names[] = {"ann", "bob", "cy"};
	const char *descrs[] = {"o1", "o2", "o3"};
	const char *inames[] = {"a", "b", "c"};

	assert_non_null(qr_table(
		qr_registry_metadata(f->reg), "qt_lp_item_keywords",
		qr_column("item_id", QR_INTEGER, .primary_key = true,
			  .foreign_key = "qt_lp_items.id"),
		qr_column("keyword_id", QR_INTEGER, .primary_key = true,
			  .foreign_key = "qt_lp_keywords.id")));
	orm_recreate(f->engine, f->reg);
	for (int i = 0; i < 3; i++) {
		c[i] = qr_new(f->s, Customer);
		o[i] = qr_new(f->s, Order);
		it[i] = qr_new(f->s, Item);
		c[i]->id = i + 1;
		o[i]->id = i + 1;
		it[i]->id = i + 1;
		qr_assert_ok(QR_SET_TEXT(c[i], name, names[i]));
		qr_assert_ok(QR_SET_TEXT(o[i], descr, descrs[i]));
		qr_assert_ok(QR_SET_TEXT(it[i], name, inames[i]));
		qr_assert_ok(qr_session_add(f->s, c[i]));
	}
	red = qr_new(f->s, Keyword);
	big = qr_new(f->s, Keyword);
	red->id = 1;
	big->id = 2;
	qr_assert_ok(QR_SET_TEXT(red, word, "red"));
	qr_assert_ok(QR_SET_TEXT(big, word, "big"));
	qr_assert_ok(QR_APPEND(c[0], orders, o[0]));
	qr_assert_ok(QR_APPEND(c[0], orders, o[1]));
	qr_assert_ok(QR_APPEND(c[1], orders, o[2]));
	qr_assert_ok(QR_APPEND(o[0], items, it[0]));
	qr_assert_ok(QR_APPEND(o[0], items, it[1]));
	qr_assert_ok(QR_APPEND(o[1], items, it[2]));
	qr_assert_ok(QR_APPEND(it[0], keywords, red));
	qr_assert_ok(QR_APPEND(it[0], keywords, big));
	qr_assert_ok(QR_APPEND(it[1], keywords, red));
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	orm_log_clear(&f->log);
	return f;
}

static uint64_t statements(orm_fx *f)
{
	qr_session_stats st;
	qr_session_get_stats(&st, f->s);
	return st.statements;
}

/* Whether a logged statement contains needle. */
static bool logged(orm_fx *f, const char *needle)
{
	return orm_logged(&f->log, needle);
}

static qr_query *customers(orm_fx *f)
{
	return qr_query_order_by(qr_query(f->s, Customer),
				 qr_attr(Customer, "id"));
}

/* The three customers with orders and items as seeded, every collection
 * down to the items loaded (keywords too when keywords), read without
 * SQL. */
static void check_tree(orm_fx *f, const qr_objlist *l, bool keywords)
{
	uint64_t before = statements(f);
	Customer *ann, *bob, *cy;
	Order *o1, *o2;

	assert_int_equal(l->count, 3);
	ann = l->items[0];
	bob = l->items[1];
	cy = l->items[2];
	assert_string_equal(ann->name, "ann");
	assert_string_equal(bob->name, "bob");
	assert_string_equal(cy->name, "cy");
	assert_true(QR_LOADED(ann, orders) && QR_LOADED(bob, orders) &&
		    QR_LOADED(cy, orders));
	orm_assert_list(&ann->orders, "[<Order(descr='o1')>, "
				      "<Order(descr='o2')>]");
	orm_assert_list(&bob->orders, "[<Order(descr='o3')>]");
	assert_int_equal(qr_objlist_len(&cy->orders), 0);
	o1 = ann->orders.items[0];
	o2 = ann->orders.items[1];
	assert_true(QR_LOADED(o1, items) && QR_LOADED(o2, items));
	assert_true(QR_LOADED((Order *)bob->orders.items[0], items));
	orm_assert_list(&o1->items, "[<Item(name='a')>, <Item(name='b')>]");
	orm_assert_list(&o2->items, "[<Item(name='c')>]");
	assert_int_equal(
		qr_objlist_len(&((Order *)bob->orders.items[0])->items), 0);
	/* the back-populated references came with the rows */
	assert_ptr_equal(o1->customer, ann);
	assert_ptr_equal(((Item *)o1->items.items[1])->order, o1);
	if (keywords) {
		Item *a = o1->items.items[0], *b = o1->items.items[1],
		     *c = o2->items.items[0];
		assert_true(QR_LOADED(a, keywords) && QR_LOADED(c, keywords));
		orm_assert_list(&a->keywords, "[<Keyword(word='red')>, "
					      "<Keyword(word='big')>]");
		orm_assert_list(&b->keywords, "[<Keyword(word='red')>]");
		assert_int_equal(qr_objlist_len(&c->keywords), 0);
	}
	assert_int_equal(statements(f), before);
}

/* Runs q into *l (cleared first) on the emptied session, its counts and
 * log reset; returns the statements it took. */
static uint64_t run(orm_fx *f, qr_objlist *l, qr_query *q)
{
	qr_objlist_clear(l);
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_query_all(l, q));
	return statements(f);
}

/* The customers by id with the loader option path. */
static qr_query *path(orm_fx *f, const qr_load_hop *hops, size_t n)
{
	return qr_query_load_path(customers(f), C(), hops, n);
}

/* Runs the path (orders: s1, items: s2) and returns the statements it
 * took; the tree is checked. */
static uint64_t run_two(orm_fx *f, qr_lazy s1, qr_lazy s2)
{
	qr_objlist l = QR_OBJLIST_INIT;
	uint64_t n = run(f, &l,
			 path(f, QR_LOAD_PATH({"orders", s1}, {"items", s2})));

	check_tree(f, &l, false);
	qr_objlist_clear(&l);
	return n;
}

/* The statement counts of SQLAlchemy's for two hops. */
static void test_two_hops_counts(void **state)
{
	orm_fx *f = fixture();
	(void)state;

	assert_int_equal(run_two(f, QR_LAZY_SELECTIN, QR_LAZY_SELECTIN), 3);
	assert_int_equal(orm_log_count(&f->log, "SELECT qt_lp_items.id"), 1);
	assert_int_equal(run_two(f, QR_LAZY_JOINED, QR_LAZY_JOINED), 1);
	assert_int_equal(run_two(f, QR_LAZY_SELECTIN, QR_LAZY_JOINED), 2);
	assert_int_equal(run_two(f, QR_LAZY_JOINED, QR_LAZY_SELECTIN), 2);
	assert_int_equal(run_two(f, QR_LAZY_SUBQUERY, QR_LAZY_SUBQUERY), 3);
	assert_int_equal(run_two(f, QR_LAZY_SUBQUERY, QR_LAZY_JOINED), 2);
	assert_int_equal(run_two(f, QR_LAZY_JOINED, QR_LAZY_SUBQUERY), 2);
	assert_int_equal(run_two(f, QR_LAZY_SELECTIN, QR_LAZY_SUBQUERY), 3);
	orm_fx_free(f);
}

/* joined + joined: one SELECT with a chain of LEFT OUTER JOINs on
 * aliases, each customer once, each collection de-duplicated (checked
 * by run_two); selectin + joined: the items' join is in the orders'
 * SELECT .. IN. */
static void test_joined_sql(void **state)
{
	orm_fx *f = fixture();
	(void)state;

	assert_int_equal(run_two(f, QR_LAZY_JOINED, QR_LAZY_JOINED), 1);
	assert_true(logged(f, "LEFT OUTER JOIN qt_lp_orders AS "
			      "qt_lp_orders_1 ON qt_lp_customers.id = "
			      "qt_lp_orders_1.customer_id"));
	assert_true(logged(f, "LEFT OUTER JOIN qt_lp_items AS "
			      "qt_lp_items_2 ON qt_lp_orders_1.id = "
			      "qt_lp_items_2.order_id"));
	assert_int_equal(run_two(f, QR_LAZY_SELECTIN, QR_LAZY_JOINED), 2);
	assert_true(logged(f, "FROM qt_lp_orders LEFT OUTER JOIN "
			      "qt_lp_items AS qt_lp_items_1"));
	assert_true(logged(f, "WHERE qt_lp_orders.customer_id IN ("));
	orm_fx_free(f);
}

/* Runs the path (orders: s1, items: s2, keywords: s3) and returns the
 * statements it took; the tree is checked, keywords included. */
static uint64_t run_three(orm_fx *f, qr_lazy s1, qr_lazy s2, qr_lazy s3)
{
	qr_objlist l = QR_OBJLIST_INIT;
	uint64_t n = run(f, &l,
			 path(f, QR_LOAD_PATH({"orders", s1}, {"items", s2},
					      {"keywords", s3})));

	check_tree(f, &l, true);
	qr_objlist_clear(&l);
	return n;
}

/* Three hops, the last many-to-many: one SELECT per selectin level, none
 * for a joined one. */
static void test_three_hops(void **state)
{
	orm_fx *f = fixture();
	(void)state;

	assert_int_equal(run_three(f, QR_LAZY_SELECTIN, QR_LAZY_SELECTIN,
				   QR_LAZY_SELECTIN),
			 4);
	assert_int_equal(
		run_three(f, QR_LAZY_JOINED, QR_LAZY_JOINED, QR_LAZY_SELECTIN),
		2);
	/* the keywords' IN after the orders' SELECT that joined the items */
	assert_int_equal(run_three(f, QR_LAZY_SELECTIN, QR_LAZY_JOINED,
				   QR_LAZY_SELECTIN),
			 3);
	orm_fx_free(f);
}

/* lazy + joined: the query loads the customers only; the orders' lazy
 * load later joins the items (the path kept with the objects). */
static void test_lazy_then_joined(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	Customer *ann;
	Order *o1;
	(void)state;

	assert_int_equal(run(f, &l,
			     path(f, QR_LOAD_PATH({"orders", QR_LAZY_SELECT},
						  {"items", QR_LAZY_JOINED}))),
			 1);
	ann = l.items[0];
	assert_false(QR_LOADED(ann, orders));
	orm_log_clear(&f->log);
	qr_assert_ok(QR_LOAD(ann, orders));
	assert_int_equal(statements(f), 2);
	assert_true(logged(f, "LEFT OUTER JOIN qt_lp_items"));
	o1 = ann->orders.items[0];
	assert_true(QR_LOADED(o1, items));
	orm_assert_list(&o1->items, "[<Item(name='a')>, <Item(name='b')>]");
	qr_assert_ok(QR_LOAD(o1, items)); /* loaded: no SQL */
	assert_int_equal(statements(f), 2);
	/* the other customers' loads apply the path too */
	for (size_t i = 1; i < l.count; i++)
		qr_assert_ok(QR_LOAD((Customer *)l.items[i], orders));
	assert_int_equal(statements(f), 4);
	check_tree(f, &l, false);
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* defaultload(orders).joinedload(items): the orders as configured (lazy
 * here, so each QR_LOAD joins the items); with selectinload(orders)
 * given too, before or after, 2 statements. */
static void test_defaultload(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	const qr_load_hop dj[] = {{"orders", QR_LAZY_DEFAULT},
				  {"items", QR_LAZY_JOINED}};
	(void)state;

	assert_int_equal(run(f, &l, path(f, dj, 2)), 1);
	assert_false(QR_LOADED((Customer *)l.items[0], orders));
	QR_OBJLIST_FOREACH(Customer, c, &l)
	qr_assert_ok(QR_LOAD(c, orders));
	assert_int_equal(statements(f), 1 + 3);
	check_tree(f, &l, false);

	assert_int_equal(
		run(f, &l, qr_selectinload(path(f, dj, 2), Customer, "orders")),
		2);
	check_tree(f, &l, false);
	assert_int_equal(
		run(f, &l,
		    qr_query_load_path(
			    qr_selectinload(customers(f), Customer, "orders"),
			    C(), dj, 2)),
		2);
	check_tree(f, &l, false);
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* raise and noload as the last hop mark the objects the previous hop
 * loaded. */
static void test_raise_noload_nested(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	Order *o1;
	(void)state;

	assert_int_equal(run(f, &l,
			     path(f, QR_LOAD_PATH({"orders", QR_LAZY_SELECTIN},
						  {"items", QR_LAZY_RAISE}))),
			 2);
	o1 = ((Customer *)l.items[0])->orders.items[0];
	assert_int_equal(QR_LOAD(o1, items), QR_ESTATE);
	assert_non_null(strstr(qr_error_last()->message, "lazy='raise'"));

	assert_int_equal(run(f, &l,
			     path(f, QR_LOAD_PATH({"orders", QR_LAZY_JOINED},
						  {"items", QR_LAZY_NOLOAD}))),
			 1);
	o1 = ((Customer *)l.items[0])->orders.items[0];
	qr_assert_ok(QR_LOAD(o1, items));
	assert_int_equal(qr_objlist_len(&o1->items), 0);
	assert_int_equal(statements(f), 1);
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* Many-to-one hops: items -> order -> customer. */
static void test_many_to_one_path(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	qr_lazy s[] = {QR_LAZY_JOINED, QR_LAZY_SELECTIN};
	uint64_t want[2][2] = {{1, 2}, {2, 3}};
	(void)state;

	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 2; k++) {
			Item *a, *c;
			assert_int_equal(
				run(f, &l,
				    qr_query_load_path(
					    qr_query_order_by(
						    qr_query(f->s, Item),
						    qr_attr(Item, "id")),
					    QR_MAPPING_OF(Item),
					    QR_LOAD_PATH({"order", s[i]},
							 {"customer", s[k]}))),
				want[i][k]);
			assert_int_equal(l.count, 3);
			a = l.items[0];
			c = l.items[2];
			assert_true(QR_LOADED(a, order));
			assert_string_equal(a->order->descr, "o1");
			assert_string_equal(c->order->descr, "o2");
			assert_true(QR_LOADED(a->order, customer));
			assert_string_equal(a->order->customer->name, "ann");
			assert_ptr_equal(a->order->customer,
					 c->order->customer);
			assert_int_equal(statements(f), want[i][k]);
		}
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* With LIMIT the joined collection comes by selectin (the limit counts
 * customers), and the items' join goes into that SELECT. */
static void test_limit(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	Customer *ann;
	(void)state;

	assert_int_equal(run(f, &l,
			     qr_query_load_path(
				     qr_query_limit(customers(f), 2), C(),
				     QR_LOAD_PATH({"orders", QR_LAZY_JOINED},
						  {"items", QR_LAZY_JOINED}))),
			 2);
	assert_int_equal(l.count, 2);
	ann = l.items[0];
	assert_true(QR_LOADED(ann, orders));
	assert_true(QR_LOADED((Order *)ann->orders.items[1], items));
	orm_assert_list(&((Order *)ann->orders.items[0])->items,
			"[<Item(name='a')>, <Item(name='b')>]");
	assert_int_equal(statements(f), 2);
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* contains_eager(Customer.orders).joinedload(Order.items): the query's
 * own join fills the orders (only those it selects), a path through
 * them (defaultload) goes on from its objects. */
static void test_contains_eager_then(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	qr_lazy s[] = {QR_LAZY_JOINED, QR_LAZY_SELECTIN};
	(void)state;

	for (int i = 0; i < 2; i++) {
		Customer *ann;
		Order *o1;
		qr_query *q = qr_query_filter(
			qr_query_join_along(qr_query(f->s, Customer), Customer,
					    "orders"),
			qr_eq(qr_attr(Order, "descr"), qr_bind_text("o1")));
		q = qr_query_contains_eager(q, C(), "orders", NULL);
		q = qr_query_load_path(q, C(),
				       QR_LOAD_PATH({"orders", QR_LAZY_DEFAULT},
						    {"items", s[i]}));
		assert_int_equal(run(f, &l, q), (uint64_t)i + 1);
		assert_int_equal(l.count, 1);
		ann = l.items[0];
		orm_assert_list(&ann->orders, "[<Order(descr='o1')>]");
		o1 = ann->orders.items[0];
		assert_true(QR_LOADED(o1, items));
		orm_assert_list(&o1->items,
				"[<Item(name='a')>, <Item(name='b')>]");
		assert_int_equal(statements(f), (uint64_t)i + 1);
	}
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* A query of two entities, a path for each; objects whose relationship
 * is loaded already are left alone. */
static void test_two_entities(void **state)
{
	orm_fx *f = fixture();
	qr_orm_result *res;
	const qr_orm_row *row;
	size_t rows = 0;
	qr_query *q;
	(void)state;

	/* query(Order, Customer).join(Order.customer).options(
	 *     joinedload(Order.items),
	 *     selectinload(Customer.orders).selectinload(Order.items)) */
	q = qr_query_order_by(
		qr_query_join_along(qr_query_new_(f->s, qr_entity(Order),
						  qr_entity(Customer), QR_END),
				    Order, "customer"),
		qr_attr(Order, "id"));
	q = qr_query_load_path(q, QR_MAPPING_OF(Order),
			       QR_LOAD_PATH({"items", QR_LAZY_JOINED}));
	q = qr_query_load_path(q, C(),
			       QR_LOAD_PATH({"orders", QR_LAZY_SELECTIN},
					    {"items", QR_LAZY_SELECTIN}));
	qr_assert_ok(qr_query_execute(&res, q));
	while (qr_orm_result_next(res, &row) == 1) {
		Order *o = qr_orm_row_object(row, 0);
		Customer *c = qr_orm_row_object(row, 1);
		assert_true(QR_LOADED(o, items));
		assert_true(QR_LOADED(c, orders));
		assert_int_not_equal(qr_objlist_index(&c->orders, o), -1);
		rows++;
	}
	qr_orm_result_free(res);
	/* o1-a, o1-b, o2-c, o3-(none): rows of two entities are not folded */
	assert_int_equal(rows, 4);
	/* the SELECT, then the customers' orders by IN: the orders it
	 * returns are those of the first SELECT, their items loaded
	 * already, so the nested selectin has nothing to do */
	assert_int_equal(statements(f), 2);
	orm_fx_free(f);
}

/* Many parents: selectin at each level runs one IN per 500. */
static void test_chunks_per_level(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	size_t items = 0;
	(void)state;

	for (int i = 0; i < 520; i++) {
		Customer *c = qr_new(f->s, Customer);
		Order *o = qr_new(f->s, Order);
		Item *it = qr_new(f->s, Item);
		char name[16];
		c->id = 100 + i;
		o->id = 100 + i;
		it->id = 100 + i;
		snprintf(name, sizeof(name), "n%d", i);
		qr_assert_ok(QR_SET_TEXT(c, name, name));
		qr_assert_ok(QR_SET_TEXT(o, descr, name));
		qr_assert_ok(QR_SET_TEXT(it, name, name));
		qr_assert_ok(QR_APPEND(c, orders, o));
		qr_assert_ok(QR_APPEND(o, items, it));
		qr_assert_ok(qr_session_add(f->s, c));
	}
	qr_assert_ok(qr_session_commit(f->s));
	/* 523 customers: 2 INs; 523 orders: 2 INs */
	assert_int_equal(
		run(f, &l,
		    path(f, QR_LOAD_PATH({"orders", QR_LAZY_SELECTIN},
					 {"items", QR_LAZY_SELECTIN}))),
		1 + 2 + 2);
	assert_int_equal(l.count, 523);
	for (size_t i = 0; i < l.count; i++) {
		Customer *c = l.items[i];
		assert_true(QR_LOADED(c, orders));
		QR_OBJLIST_FOREACH(Order, o, &c->orders)
		{
			assert_true(QR_LOADED(o, items));
			items += qr_objlist_len(&o->items);
		}
	}
	assert_int_equal(items, 520 + 3);
	assert_int_equal(statements(f), 5);
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* The items by id with their keywords joined: ann's items a [red, big],
 * b [red] (the same red), c [] (no row of the secondary table). */
static void check_item_keywords(orm_fx *f, const qr_objlist *l)
{
	uint64_t before = statements(f);
	Item *a, *b, *c;

	assert_int_equal(l->count, 3); /* a's two rows folded */
	a = l->items[0];
	b = l->items[1];
	c = l->items[2];
	assert_true(QR_LOADED(a, keywords) && QR_LOADED(b, keywords) &&
		    QR_LOADED(c, keywords));
	orm_assert_list(&a->keywords,
			"[<Keyword(word='red')>, <Keyword(word='big')>]");
	orm_assert_list(&b->keywords, "[<Keyword(word='red')>]");
	assert_ptr_equal(a->keywords.items[0], b->keywords.items[0]);
	assert_int_equal(qr_objlist_len(&c->keywords), 0);
	assert_int_equal(statements(f), before);
}

/* joinedload(Item.keywords), a many-to-many: one SELECT, SQLAlchemy's
 * LEFT OUTER JOIN (secondary AS secondary_1 JOIN target AS target_1 ON
 * ..) ON .., rows folded into the collections, the relationship's
 * order_by after the query's; the collections loaded so are what the
 * flush compares with (no write when unchanged, one DELETE of the
 * association row removed). */
static void test_m2m_joined(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	Item *a;
	(void)state;

	assert_int_equal(
		run(f, &l,
		    qr_joinedload(qr_query_order_by(qr_query(f->s, Item),
						    qr_attr(Item, "id")),
				  Item, "keywords")),
		1);
	assert_true(logged(
		f, "FROM qt_lp_items LEFT OUTER JOIN (qt_lp_item_keywords AS "
		   "qt_lp_item_keywords_1 JOIN qt_lp_keywords AS "
		   "qt_lp_keywords_1 ON qt_lp_keywords_1.id = "
		   "qt_lp_item_keywords_1.keyword_id) ON qt_lp_items.id = "
		   "qt_lp_item_keywords_1.item_id ORDER BY qt_lp_items.id, "
		   "qt_lp_keywords_1.id"));
	check_item_keywords(f, &l);
	a = l.items[0];
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_log_count(&f->log, "INSERT"), 0);
	assert_int_equal(orm_log_count(&f->log, "DELETE"), 0);
	/* a's objects expired at commit: loaded again, keywords joined */
	assert_int_equal(
		run(f, &l,
		    qr_joinedload(qr_query_order_by(qr_query(f->s, Item),
						    qr_attr(Item, "id")),
				  Item, "keywords")),
		1);
	a = l.items[0];
	assert_int_equal(QR_REMOVE(a, keywords, a->keywords.items[1]), 1);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(
		orm_log_count(&f->log, "DELETE FROM qt_lp_item_keywords"), 1);
	assert_int_equal(orm_log_count(&f->log, "INSERT"), 0);
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM "
				       "qt_lp_item_keywords"),
			 2);
	/* a selectin query of the items with the keywords joined: 2 */
	assert_int_equal(
		run(f, &l,
		    qr_query_load_path(
			    qr_query(f->s, Order), QR_MAPPING_OF(Order),
			    QR_LOAD_PATH({"items", QR_LAZY_SELECTIN},
					 {"keywords", QR_LAZY_JOINED}))),
		2);
	assert_true(logged(f, "FROM qt_lp_items LEFT OUTER JOIN "
			      "(qt_lp_item_keywords AS qt_lp_item_keywords_1 "
			      "JOIN qt_lp_keywords AS qt_lp_keywords_1 ON "));
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* The many-to-many as a later hop: joinedload(C.orders)
 * .joinedload(O.items).joinedload(I.keywords) is one SELECT, the
 * secondary joined to the items' alias; under LIMIT the collections
 * come by selectin (one per level), joined keywords in the items'. */
static void test_m2m_joined_path(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	(void)state;

	assert_int_equal(
		run_three(f, QR_LAZY_JOINED, QR_LAZY_JOINED, QR_LAZY_JOINED),
		1);
	assert_true(logged(f, "LEFT OUTER JOIN (qt_lp_item_keywords AS "
			      "qt_lp_item_keywords_3 JOIN qt_lp_keywords AS "
			      "qt_lp_keywords_3 ON qt_lp_keywords_3.id = "
			      "qt_lp_item_keywords_3.keyword_id) ON "
			      "qt_lp_items_2.id = "
			      "qt_lp_item_keywords_3.item_id"));
	assert_true(logged(f, "ORDER BY qt_lp_customers.id, qt_lp_orders_1.id, "
			      "qt_lp_items_2.id, qt_lp_keywords_3.id"));
	assert_int_equal(run_three(f, QR_LAZY_SELECTIN, QR_LAZY_SELECTIN,
				   QR_LAZY_JOINED),
			 3);
	assert_int_equal(
		run(f, &l,
		    qr_query_load_path(
			    qr_query_limit(customers(f), 3), C(),
			    QR_LOAD_PATH({"orders", QR_LAZY_JOINED},
					 {"items", QR_LAZY_JOINED},
					 {"keywords", QR_LAZY_JOINED}))),
		2);
	check_tree(f, &l, true);
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* A many-to-many configured lazy="joined": every query of students
 * joins the courses (ordered by title, parents without any loaded
 * empty); lazyload() turns it off for a query. */
static void test_m2m_configured_joined(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Student),
				    QR_MAPPING_OF(Course), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	qr_objlist l = QR_OBJLIST_INIT;
	const char *names[] = {"ann", "bob", "cy"};
	const char *titles[] = {"math", "art", "zoology"};
	Student *st[3];
	Course *co[3];
	(void)state;

	assert_non_null(qr_table(
		qr_registry_metadata(f->reg), "qt_lp_enrollments",
		qr_column("student_id", QR_INTEGER, .primary_key = true,
			  .foreign_key = "qt_lp_students.id"),
		qr_column("course_id", QR_INTEGER, .primary_key = true,
			  .foreign_key = "qt_lp_courses.id")));
	orm_recreate(f->engine, f->reg);
	for (int i = 0; i < 3; i++) {
		st[i] = qr_new(f->s, Student);
		co[i] = qr_new(f->s, Course);
		st[i]->id = co[i]->id = i + 1;
		qr_assert_ok(QR_SET_TEXT(st[i], name, names[i]));
		qr_assert_ok(QR_SET_TEXT(co[i], title, titles[i]));
		qr_assert_ok(qr_session_add(f->s, st[i]));
		qr_assert_ok(qr_session_add(f->s, co[i]));
	}
	qr_assert_ok(QR_APPEND(st[0], courses, co[0]));
	qr_assert_ok(QR_APPEND(st[0], courses, co[2]));
	qr_assert_ok(QR_APPEND(st[0], courses, co[1]));
	qr_assert_ok(QR_APPEND(st[1], courses, co[1]));
	qr_assert_ok(qr_session_commit(f->s));

	assert_int_equal(run(f, &l,
			     qr_query_order_by(qr_query(f->s, Student),
					       qr_attr(Student, "id"))),
			 1);
	assert_true(logged(
		f, "FROM qt_lp_students LEFT OUTER JOIN (qt_lp_enrollments "
		   "AS qt_lp_enrollments_1 JOIN qt_lp_courses AS "
		   "qt_lp_courses_1 ON qt_lp_courses_1.id = "
		   "qt_lp_enrollments_1.course_id) ON qt_lp_students.id = "
		   "qt_lp_enrollments_1.student_id ORDER BY qt_lp_students.id, "
		   "qt_lp_courses_1.title"));
	assert_int_equal(l.count, 3);
	st[0] = l.items[0];
	st[1] = l.items[1];
	st[2] = l.items[2];
	assert_true(QR_LOADED(st[0], courses) && QR_LOADED(st[2], courses));
	orm_assert_list(&st[0]->courses,
			"[<Course(title='art')>, <Course(title='math')>, "
			"<Course(title='zoology')>]");
	orm_assert_list(&st[1]->courses, "[<Course(title='art')>]");
	assert_ptr_equal(st[0]->courses.items[0], st[1]->courses.items[0]);
	assert_int_equal(qr_objlist_len(&st[2]->courses), 0);
	assert_int_equal(statements(f), 1);
	/* lazyload(Student.courses): the students alone */
	assert_int_equal(
		run(f, &l,
		    qr_lazyload(qr_query(f->s, Student), Student, "courses")),
		1);
	assert_int_equal(l.count, 3);
	assert_false(logged(f, "JOIN"));
	assert_false(QR_LOADED((Student *)l.items[0], courses));
	qr_objlist_clear(&l);
	orm_fx_free(f);
}

/* Errors name the path; the query is released. */
static void test_errors(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	(void)state;

	assert_null(
		qr_query_load_path(customers(f), C(),
				   QR_LOAD_PATH({"orders", QR_LAZY_JOINED},
						{"itemz", QR_LAZY_JOINED})));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message,
			       "Order has no relationship itemz"));
	assert_null(qr_query_load_path(customers(f), C(), NULL, 0));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_null(qr_query_load_path(customers(f), C(),
				       QR_LOAD_PATH({"orders", (qr_lazy)42})));
	assert_non_null(strstr(qr_error_last()->message, "unknown strategy"));
	/* NULL propagates to the terminal call */
	assert_int_equal(
		qr_query_all(&l,
			     qr_query_load_path(
				     NULL, C(),
				     QR_LOAD_PATH({"orders", QR_LAZY_JOINED}))),
		QR_EINVAL);
	assert_int_equal(statements(f), 0);
	orm_fx_free(f);
}

/* An option must start at one of the query's entities (or a class of
 * its hierarchy): SQLAlchemy raises ArgumentError when the query is
 * compiled instead of ignoring it; nothing is sent. */
static void test_option_not_on_entities(void **state)
{
	orm_fx *f = fixture();
	qr_objlist l = QR_OBJLIST_INIT;
	qr_query *q;
	(void)state;

	/* select(Order).options(selectinload(Customer.orders)) */
	q = qr_query_load(qr_query(f->s, Order), C(), "orders",
			  QR_LAZY_SELECTIN);
	assert_non_null(q);
	assert_int_equal(qr_query_all(&l, q), QR_EINVAL);
	assert_string_equal(
		qr_error_last()->message,
		"Mapped class Mapper[Customer(qt_lp_customers)] does not "
		"apply to any of the root entities in this query, e.g. "
		"Mapper[Order(qt_lp_orders)]. Please specify the full path "
		"from one of the root entities to the target attribute.");
	assert_int_equal(l.count, 0);
	/* the same when compiled to a statement */
	q = qr_query_load(qr_query(f->s, Order), C(), "orders", QR_LAZY_JOINED);
	assert_null(qr_query_statement(q));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	qr_query_free(q);
	/* a query of columns only */
	q = qr_query_load(qr_query_new(f->s, qr_attr(Order, "descr")), C(),
			  "orders", QR_LAZY_SELECTIN);
	qr_orm_result *res = NULL;
	assert_int_equal(qr_query_execute(&res, q), QR_EINVAL);
	assert_null(res);
	assert_string_equal(qr_error_last()->message,
			    "Query has only expression-based entities; "
			    "attribute loader options for "
			    "Mapper[Customer(qt_lp_customers)] can't be "
			    "applied here.");
	/* contains_eager too */
	q = qr_query_contains_eager(qr_query(f->s, Item), C(), "orders", NULL);
	assert_int_equal(qr_query_all(&l, q), QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message,
			       "e.g. Mapper[Item(qt_lp_items)]"));
	assert_int_equal(statements(f), 0);
	/* one of two entities is enough */
	q = qr_query_load(
		qr_query_new(f->s, qr_entity(Order), qr_entity(Customer)), C(),
		"orders", QR_LAZY_SELECTIN);
	qr_stmt *st = qr_query_statement(q);
	assert_non_null(st);
	qr_stmt_free(st);
	qr_query_free(q);
	orm_fx_free(f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_hops_counts),
		cmocka_unit_test(test_joined_sql),
		cmocka_unit_test(test_three_hops),
		cmocka_unit_test(test_lazy_then_joined),
		cmocka_unit_test(test_defaultload),
		cmocka_unit_test(test_raise_noload_nested),
		cmocka_unit_test(test_many_to_one_path),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_contains_eager_then),
		cmocka_unit_test(test_two_entities),
		cmocka_unit_test(test_chunks_per_level),
		cmocka_unit_test(test_m2m_joined),
		cmocka_unit_test(test_m2m_joined_path),
		cmocka_unit_test(test_m2m_configured_joined),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_option_not_on_entities),
	};
	return qr_test_run(argc, argv, "orm_loader_paths", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
