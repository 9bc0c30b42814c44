/*
 * test_orm_relationship.c - one-to-many and many-to-one relationships:
 * the collection type, back-populates kept in step in memory before any
 * flush, the save-update cascade, foreign keys set from related objects
 * at flush (also from a parent inserted in the same flush), removal from
 * a collection, lazy loading by qr_rel_load and the statement counts
 * that show it (1 + N).
 */
#define ORM_TABLE_PREFIX "qt_r_"
#define ORM_WITH_RELATIONSHIPS
#include "orm_fixture.h"

#include <inttypes.h>

/* The same structs mapped with cascade="all, delete-orphan" (CUser) and
 * with passive deletes over ON DELETE CASCADE (PUser), in registries of
 * their own. */
typedef User CUser;
typedef Address CAddress;
QR_MAPPING(CUser, "qt_r_users",
	   QR_FIELD(CUser, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(CUser, name, qr_string(50)),
	   QR_FIELD(CUser, fullname, qr_string(50)),
	   QR_FIELD(CUser, password, qr_string(12)),
	   QR_ONE_TO_MANY(CUser, addresses, "CAddress",
			  .back_populates = "user", .order_by = "id",
			  .cascade = QR_CASCADE_ALL |
				     QR_CASCADE_DELETE_ORPHAN));
QR_MAPPING(CAddress, "qt_r_addresses",
	   QR_FIELD(CAddress, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(CAddress, email_address, qr_string(50), .not_null = true),
	   QR_FIELD(CAddress, user_id, QR_INTEGER,
		    .foreign_key = "qt_r_users.id"),
	   QR_MANY_TO_ONE(CAddress, user, "CUser",
			  .back_populates = "addresses"),
	   QR_REPR("email_address"));

typedef User PUser;
typedef Address PAddress;
QR_MAPPING(PUser, "qt_r_users",
	   QR_FIELD(PUser, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(PUser, name, qr_string(50)),
	   QR_FIELD(PUser, fullname, qr_string(50)),
	   QR_FIELD(PUser, password, qr_string(12)),
	   QR_ONE_TO_MANY(PUser, addresses, "PAddress",
			  .back_populates = "user", .cascade = QR_CASCADE_ALL,
			  .passive_deletes = true));
QR_MAPPING(PAddress, "qt_r_addresses",
	   QR_FIELD(PAddress, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(PAddress, email_address, qr_string(50), .not_null = true),
	   QR_FIELD(PAddress, user_id, QR_INTEGER,
		    .foreign_key = "qt_r_users.id", .on_delete = "CASCADE"),
	   QR_MANY_TO_ONE(PAddress, user, "PUser",
			  .back_populates = "addresses"));

/* Many-to-many: posts and keywords through qt_r_post_keywords. */
typedef struct Post {
	int64_t id;
	char *headline;
	qr_objlist keywords;
} Post;
typedef struct Keyword {
	int64_t id;
	char *keyword;
	qr_objlist posts;
} Keyword;
QR_MAPPING(Post, "qt_r_posts",
	   QR_FIELD(Post, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Post, headline, qr_string(255), .not_null = true),
	   QR_MANY_TO_MANY(Post, keywords, "Keyword",
			   .secondary = "qt_r_post_keywords",
			   .back_populates = "posts", .order_by = "id"),
	   QR_REPR("headline"));
QR_MAPPING(Keyword, "qt_r_keywords",
	   QR_FIELD(Keyword, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Keyword, keyword, qr_string(50), .not_null = true,
		    .unique = true),
	   QR_MANY_TO_MANY(Keyword, posts, "Post",
			   .secondary = "qt_r_post_keywords",
			   .back_populates = "keywords"),
	   QR_REPR("keyword"));

/* Self-referential: an adjacency list (a tree of nodes). */
typedef struct Node {
	int64_t id;
	int64_t parent_id;
	char *data;
	struct Node *parent;
	qr_objlist children;
} Node;
QR_MAPPING(Node, "qt_r_nodes",
	   QR_FIELD(Node, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Node, parent_id, QR_INTEGER,
		    .foreign_key = "qt_r_nodes.id"),
	   QR_FIELD(Node, data, qr_string(50)),
	   QR_ONE_TO_MANY(Node, children, "Node", .back_populates = "parent",
			  .order_by = "id", .cascade = QR_CASCADE_ALL),
	   QR_MANY_TO_ONE(Node, parent, "Node", .back_populates = "children"),
	   QR_REPR("data"));

/* One-to-one: a person and their profile (the key in profiles). */
typedef struct Person {
	int64_t id;
	char *name;
	struct Profile *profile;
} Person;
typedef struct Profile {
	int64_t id;
	int64_t person_id;
	char *bio;
	Person *person;
} Profile;
QR_MAPPING(Person, "qt_r_persons",
	   QR_FIELD(Person, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Person, name, qr_string(50)),
	   QR_ONE_TO_ONE(Person, profile, "Profile",
			 .back_populates = "person"),
	   QR_REPR("name"));
QR_MAPPING(Profile, "qt_r_profiles",
	   QR_FIELD(Profile, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Profile, person_id, QR_INTEGER,
		    .foreign_key = "qt_r_persons.id"),
	   QR_FIELD(Profile, bio, qr_string(50)),
	   QR_MANY_TO_ONE(Profile, person, "Person",
			  .back_populates = "profile"),
	   QR_REPR("bio"));

/* A many-to-one to a unique column that is not the primary key. */
typedef struct Code {
	int64_t id;
	int64_t number;
} Code;
typedef struct Item {
	int64_t id;
	int64_t code_number;
	Code *code;
} Item;
QR_MAPPING(Code, "qt_r_codes",
	   QR_FIELD(Code, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Code, number, QR_INTEGER, .unique = true,
		    .not_null = true));
QR_MAPPING(Item, "qt_r_items",
	   QR_FIELD(Item, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Item, code_number, QR_INTEGER,
		    .foreign_key = "qt_r_codes.number"),
	   QR_MANY_TO_ONE(Item, code, "Code"));

/* Single-table inheritance. */
typedef struct Employee {
	int64_t id;
	char *name;
	char *type;
} Employee;
typedef struct Manager {
	Employee employee;
	char *manager_data;
} Manager;
typedef struct Engineer {
	Employee employee;
	char *engineer_info;
} Engineer;
QR_MAPPING(Employee, "qt_r_employees",
	   QR_FIELD(Employee, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Employee, name, qr_string(50)),
	   QR_FIELD(Employee, type, qr_string(20)),
	   QR_POLYMORPHIC_ON("type", "employee"), QR_REPR("name"));
QR_MAPPING(Manager, NULL, QR_INHERITS(Employee),
	   QR_FIELD(Manager, manager_data, qr_string(50)),
	   QR_POLYMORPHIC_IDENTITY("manager"));
QR_MAPPING(Engineer, NULL, QR_INHERITS(Employee),
	   QR_FIELD(Engineer, engineer_info, qr_string(50)),
	   QR_POLYMORPHIC_IDENTITY("engineer"));

static Address *address(qr_session *s, const char *email)
{
	Address *a = qr_new(s, Address);
	assert_non_null(a);
	qr_assert_ok(qr_set_text(a, &a->email_address, email));
	return a;
}

static int64_t scalar(orm_fx *f, const char *sql)
{
	return orm_scalar(f, sql);
}

static uint64_t statements(orm_fx *f)
{
	return orm_statements(f);
}

static void test_objlist(void **state)
{
	qr_objlist l = QR_OBJLIST_INIT;
	int a, b, c;
	size_t n = 0;
	(void)state;

	assert_int_equal(qr_objlist_len(NULL), 0);
	qr_assert_ok(qr_objlist_append(&l, &a));
	qr_assert_ok(qr_objlist_append(&l, &b));
	qr_assert_ok(qr_objlist_append(&l, &c));
	assert_int_equal(qr_objlist_len(&l), 3);
	assert_ptr_equal(qr_objlist_get(&l, 1), &b);
	assert_null(qr_objlist_get(&l, 3));
	assert_int_equal(qr_objlist_index(&l, &c), 2);
	assert_int_equal(qr_objlist_remove(&l, &b), 1);
	assert_int_equal(qr_objlist_remove(&l, &b), 0);
	assert_int_equal(qr_objlist_index(&l, &b), -1);
	assert_ptr_equal(qr_objlist_get(&l, 1), &c);
	QR_OBJLIST_FOREACH(int, p, &l)
	{
		assert_true(p == &a || p == &c);
		n++;
	}
	assert_int_equal(n, 2);
	qr_objlist_clear(&l);
}

/* Tutorial step 10: jack and his two addresses. */
static void test_back_populates_cascade_fk(void **state)
{
	orm_fx *f = orm_fx_new();
	User *jack = orm_user(f->s, "jack", "Jack Bean", "gjffdd");
	Address *a1, *a2;
	(void)state;

	orm_assert_list(&jack->addresses, "[]");
	a1 = address(f->s, "jack@google.com");
	a2 = address(f->s, "j25@yahoo.com");
	qr_assert_ok(QR_APPEND(jack, addresses, a1));
	qr_assert_ok(QR_APPEND(jack, addresses, a2));
	qr_assert_ok(QR_APPEND(jack, addresses, a2)); /* already there */
	orm_assert_list(&jack->addresses,
			"[<Address(email_address='jack@google.com')>, "
			"<Address(email_address='j25@yahoo.com')>]");
	/* the back reference, in memory before any flush */
	assert_ptr_equal(a2->user, jack);
	assert_int_equal(qr_object_state(a1), QR_STATE_TRANSIENT);
	/* adding jack cascades to his addresses */
	qr_assert_ok(qr_session_add(f->s, jack));
	assert_int_equal(qr_object_state(a1), QR_STATE_PENDING);
	assert_true(qr_session_contains(f->s, a2));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_log_count(&f->log, "INSERT INTO qt_r_users"), 1);
	assert_true(orm_log_count(&f->log, "INSERT INTO qt_r_addresses") >= 1);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_addresses "
				   "WHERE user_id = (SELECT id FROM qt_r_users "
				   "WHERE name = 'jack')"),
			 2);
	qr_assert_ok(qr_session_load(f->s, jack));
	assert_int_equal(a1->user_id, jack->id);
	orm_fx_free(f);
}

static User *seed_jack(orm_fx *f)
{
	User *jack = orm_user(f->s, "jack", "Jack Bean", "gjffdd");
	qr_assert_ok(
		QR_APPEND(jack, addresses, address(f->s, "jack@google.com")));
	qr_assert_ok(
		QR_APPEND(jack, addresses, address(f->s, "j25@yahoo.com")));
	qr_assert_ok(qr_session_add(f->s, jack));
	qr_assert_ok(qr_session_commit(f->s));
	return jack;
}

/* Reloading jack and reading his addresses: one SELECT, once. */
static void test_lazy_load(void **state)
{
	orm_fx *f = orm_fx_new();
	User *jack;
	Address *a;
	qr_session_stats st;
	(void)state;

	seed_jack(f);
	qr_session_expunge_all(f->s);
	qr_assert_ok(qr_query_one(
		&jack, qr_query_filter_by(qr_query(f->s, User), "name",
					  qr_val_text("jack"))));
	assert_false(QR_LOADED(jack, addresses));
	qr_session_reset_stats(f->s);
	orm_log_clear(&f->log);
	qr_assert_ok(QR_LOAD(jack, addresses));
	qr_session_get_stats(&st, f->s);
	assert_int_equal(st.statements, 1);
	assert_int_equal(st.rel_statements, 1);
	assert_int_equal(st.rel_loads, 1);
	assert_int_equal(orm_log_count(&f->log, "SELECT qt_r_addresses.id"), 1);
	orm_assert_list(&jack->addresses,
			"[<Address(email_address='jack@google.com')>, "
			"<Address(email_address='j25@yahoo.com')>]");
	/* the children's back reference is the parent */
	a = jack->addresses.items[1];
	assert_ptr_equal(a->user, jack);
	assert_true(QR_LOADED(a, user));
	/* loaded: no more SQL */
	qr_assert_ok(QR_LOAD(jack, addresses));
	qr_assert_ok(QR_LOAD(a, user));
	assert_int_equal(statements(f), 1);
	/* expired at commit: loaded again */
	qr_assert_ok(qr_session_commit(f->s));
	assert_false(QR_LOADED(jack, addresses));
	qr_session_reset_stats(f->s);
	qr_assert_ok(QR_LOAD(jack, addresses));
	assert_int_equal(qr_objlist_len(&jack->addresses), 2);
	orm_fx_free(f);
}

/* Many-to-one: a SELECT by key, or the identity map without SQL. */
static void test_many_to_one_load(void **state)
{
	orm_fx *f = orm_fx_new();
	qr_objlist l = QR_OBJLIST_INIT;
	Address *a, *b;
	(void)state;

	seed_jack(f);
	qr_session_expunge_all(f->s);
	qr_assert_ok(
		qr_query_all(&l, qr_query_order_by(qr_query(f->s, Address),
						   qr_attr(Address, "id"))));
	assert_int_equal(l.count, 2);
	a = l.items[0];
	b = l.items[1];
	qr_objlist_clear(&l);
	assert_null(a->user);
	qr_session_reset_stats(f->s);
	qr_assert_ok(QR_LOAD(a, user));
	assert_int_equal(statements(f), 1);
	orm_assert_repr(a->user, "<User(name='jack', fullname='Jack Bean', "
				 "password='gjffdd')>");
	qr_assert_ok(QR_LOAD(b, user));
	assert_int_equal(statements(f), 1); /* from the identity map */
	assert_ptr_equal(a->user, b->user);
	orm_fx_free(f);
}

/* Removing from a collection: the child's foreign key goes NULL at the
 * next flush, the row stays. Moving a child to another parent. */
static void test_remove_and_move(void **state)
{
	orm_fx *f = orm_fx_new();
	User *jack, *wendy;
	Address *a1, *a2;
	(void)state;

	jack = seed_jack(f);
	qr_assert_ok(QR_LOAD(jack, addresses));
	a1 = jack->addresses.items[0];
	a2 = jack->addresses.items[1];
	assert_int_equal(QR_REMOVE(jack, addresses, a1), 1);
	assert_int_equal(QR_REMOVE(jack, addresses, a1), 0);
	assert_null(a1->user);
	assert_int_equal(qr_objlist_len(&jack->addresses), 1);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_log_count(&f->log, "UPDATE qt_r_addresses"), 1);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_addresses "
				   "WHERE user_id IS NULL"),
			 1);

	/* a2 moves to a new user: its key is known only after the INSERT */
	wendy = orm_user(f->s, "wendy", "Wendy Williams", "foobar");
	qr_assert_ok(QR_LOAD(jack, addresses));
	qr_assert_ok(QR_SET_REF(a2, user, wendy));
	assert_int_equal(qr_objlist_len(&jack->addresses), 0);
	orm_assert_list(&wendy->addresses,
			"[<Address(email_address='j25@yahoo.com')>]");
	assert_true(qr_session_contains(f->s, wendy)); /* cascaded */
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_addresses a "
				   "JOIN qt_r_users u ON u.id = a.user_id "
				   "WHERE u.name = 'wendy'"),
			 1);
	/* clearing the reference sets the key NULL */
	qr_assert_ok(QR_LOAD(a2, user));
	qr_assert_ok(QR_SET_REF(a2, user, NULL));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_addresses "
				   "WHERE user_id IS NULL"),
			 2);
	orm_fx_free(f);
}

/* A pointer assigned directly is honoured at flush. */
static void test_direct_assignment(void **state)
{
	orm_fx *f = orm_fx_new();
	User *ed = orm_user(f->s, "ed", "Ed Jones", "x");
	Address *a = address(f->s, "ed@x.org");
	(void)state;

	a->user = ed;
	qr_assert_ok(qr_session_add(f->s, a)); /* cascades to ed */
	assert_true(qr_session_contains(f->s, ed));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_addresses a "
				   "JOIN qt_r_users u ON u.id = a.user_id "
				   "WHERE u.name = 'ed'"),
			 1);
	orm_fx_free(f);
}

/* Users u1..u4 with 0, 1, 2 and 3 addresses, committed and expunged. */
static void seed_four(orm_fx *f)
{
	const char *names[] = {"u1", "u2", "u3", "u4"};

	for (size_t i = 0; i < 4; i++) {
		User *u = orm_user(f->s, names[i], names[i], "p");
		for (size_t k = 0; k < i; k++) {
			char email[32];
			snprintf(email, sizeof(email), "%s.%zu@x", names[i], k);
			qr_assert_ok(
				QR_APPEND(u, addresses, address(f->s, email)));
		}
		qr_assert_ok(qr_session_add(f->s, u));
	}
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
}

/* The users of seed_four as loaded: each with its i addresses, in id
 * order, their back references set, nothing left to load. */
static void check_four(orm_fx *f, const qr_objlist *users)
{
	uint64_t before = statements(f);

	assert_int_equal(users->count, 4);
	for (size_t i = 0; i < users->count; i++) {
		User *u = users->items[i];
		assert_true(QR_LOADED(u, addresses));
		assert_int_equal(qr_objlist_len(&u->addresses), i);
		for (size_t k = 0; k < i; k++) {
			Address *a = u->addresses.items[k];
			char email[32];
			snprintf(email, sizeof(email), "%s.%zu@x", u->name, k);
			assert_string_equal(a->email_address, email);
			assert_ptr_equal(a->user, u);
		}
		qr_assert_ok(QR_LOAD(u, addresses));
	}
	assert_int_equal(statements(f), before);
}

/* Lazy loading N collections: 1 + N statements. */
static void test_lazy_n_plus_one(void **state)
{
	orm_fx *f = orm_fx_new();
	const char *names[] = {"u1", "u2", "u3", "u4"};
	qr_objlist users = QR_OBJLIST_INIT;
	qr_session_stats st;
	size_t total = 0;
	(void)state;

	for (size_t i = 0; i < 4; i++) {
		User *u = orm_user(f->s, names[i], names[i], "p");
		for (size_t k = 0; k < i; k++) {
			char email[32];
			snprintf(email, sizeof(email), "%s.%zu@x", names[i], k);
			qr_assert_ok(
				QR_APPEND(u, addresses, address(f->s, email)));
		}
		qr_assert_ok(qr_session_add(f->s, u));
	}
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	qr_assert_ok(
		qr_query_all(&users, qr_query_order_by(qr_query(f->s, User),
						       qr_attr(User, "id"))));
	for (size_t i = 0; i < users.count; i++) {
		User *u = users.items[i];
		qr_assert_ok(QR_LOAD(u, addresses));
		assert_int_equal(qr_objlist_len(&u->addresses), i);
		total += qr_objlist_len(&u->addresses);
	}
	qr_session_get_stats(&st, f->s);
	assert_int_equal(total, 6);
	assert_int_equal(st.statements, 1 + 4);
	assert_int_equal(st.rel_loads, 4);
	qr_objlist_clear(&users);
	orm_fx_free(f);
}

static size_t count_all(qr_query *q)
{
	qr_objlist l = QR_OBJLIST_INIT;
	size_t n;
	qr_assert_ok(qr_query_all(&l, q));
	n = l.count;
	qr_objlist_clear(&l);
	return n;
}

/* Joins along relationships, any / has / contains / with_parent, and
 * many-to-one comparisons. */
static void test_query_operators(void **state)
{
	orm_fx *f = orm_fx_new();
	User *jack, *found;
	Address *addr;
	qr_expr *a1, *a2;
	qr_orm_result *r;
	const qr_orm_row *row;
	char *text;
	(void)state;

	jack = seed_jack(f);
	qr_assert_ok(qr_session_add(f->s, orm_user(f->s, "ed", "Ed", "x")));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(QR_LOAD(jack, addresses));
	addr = jack->addresses.items[1];

	/* query(User).join(User.addresses).filter(...) */
	qr_assert_ok(qr_query_one(
		&found,
		qr_query_filter(qr_query_join_along(qr_query(f->s, User), User,
						    "addresses"),
				qr_eq(qr_attr(Address, "email_address"),
				      qr_bind_text("jack@google.com")))));
	assert_ptr_equal(found, jack);
	assert_true(orm_log_count(&f->log, "SELECT qt_r_users.id") >= 1);
	/* two aliases of Address joined at once */
	a1 = qr_aliased(Address, "adalias1");
	a2 = qr_aliased(Address, "adalias2");
	qr_assert_ok(qr_query_execute(
		&r,
		qr_query_filter(
			qr_query_join_rel(
				qr_query_join_rel(
					qr_query_new(
						f->s, qr_attr(User, "name"),
						qr_alias_attr(a1,
							      "email_address"),
						qr_alias_attr(a2,
							      "email_address")),
					QR_MAPPING_OF(User), "addresses",
					qr_expr_ref(a1)),
				QR_MAPPING_OF(User), "addresses",
				qr_expr_ref(a2)),
			qr_eq(qr_alias_attr(a1, "email_address"),
			      qr_bind_text("jack@google.com")),
			qr_eq(qr_alias_attr(a2, "email_address"),
			      qr_bind_text("j25@yahoo.com")))));
	assert_int_equal(qr_orm_result_next(r, &row), 1);
	qr_assert_ok(qr_orm_row_repr(&text, row));
	assert_string_equal(text,
			    "('jack', 'jack@google.com', 'j25@yahoo.com')");
	qr_free(text);
	assert_int_equal(qr_orm_result_next(r, &row), 0);
	qr_orm_result_free(r);
	qr_expr_free(a1);
	qr_expr_free(a2);
	/* outer join along the relationship: ed has no address */
	assert_int_equal(count_all(qr_query_filter(
				 qr_query_outerjoin_rel(qr_query(f->s, User),
							QR_MAPPING_OF(User),
							"addresses", NULL),
				 qr_is_null(qr_attr(Address, "id")))),
			 1);
	/* any() without and with a criterion */
	assert_int_equal(
		count_all(qr_query_filter(qr_query(f->s, User),
					  qr_any(User, "addresses", NULL))),
		1);
	assert_int_equal(
		count_all(qr_query_filter(
			qr_query(f->s, User),
			qr_any(User, "addresses",
			       qr_like(qr_attr(Address, "email_address"),
				       qr_bind_text("%google%"))))),
		1);
	assert_int_equal(count_all(qr_query_filter(
				 qr_query(f->s, User),
				 qr_not(qr_any(User, "addresses", NULL)))),
			 1);
	/* ~Address.user.has(User.name == 'jack') */
	assert_int_equal(count_all(qr_query_filter(
				 qr_query(f->s, Address),
				 qr_not(qr_has(Address, "user",
					       qr_eq(qr_attr(User, "name"),
						     qr_bind_text("jack")))))),
			 0);
	assert_int_equal(
		count_all(qr_query_filter(qr_query(f->s, Address),
					  qr_has(Address, "user", NULL))),
		2);
	/* User.addresses.contains(addr) */
	qr_assert_ok(qr_query_one(
		&found, qr_query_filter(qr_query(f->s, User),
					qr_collection_contains(
						User, "addresses", addr))));
	assert_ptr_equal(found, jack);
	/* with_parent */
	assert_int_equal(count_all(qr_query_with_parent(qr_query(f->s, Address),
							jack, "addresses")),
			 2);
	qr_assert_ok(
		qr_query_one(&found, qr_query_with_parent(qr_query(f->s, User),
							  addr, "user")));
	assert_ptr_equal(found, jack);
	/* Address.user == jack, != jack, == None */
	assert_int_equal(
		count_all(qr_query_filter(
			qr_query(f->s, Address),
			qr_rel_eq(QR_MAPPING_OF(Address), "user", jack))),
		2);
	assert_int_equal(
		count_all(qr_query_filter(
			qr_query(f->s, Address),
			qr_rel_eq(QR_MAPPING_OF(Address), "user", NULL))),
		0);
	assert_int_equal(
		count_all(qr_query_filter(
			qr_query(f->s, Address),
			qr_rel_ne(QR_MAPPING_OF(Address), "user", NULL))),
		2);
	/* errors */
	qr_assert_ok(qr_registry_configure(f->reg));
	assert_null(qr_any(User, "nope", NULL));
	assert_int_equal(qr_error_last()->code, QR_EINVAL);
	assert_null(qr_collection_contains(User, "addresses", jack));
	orm_fx_free(f);
}

/* selectin: the users, then their addresses with one IN: 2 statements. */
static void test_selectin(void **state)
{
	orm_fx *f = orm_fx_new();
	qr_objlist users = QR_OBJLIST_INIT;
	qr_session_stats st;
	(void)state;

	seed_four(f);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_query_all(
		&users, qr_selectinload(qr_query_order_by(qr_query(f->s, User),
							  qr_attr(User, "id")),
					User, "addresses")));
	qr_session_get_stats(&st, f->s);
	assert_int_equal(st.statements, 2);
	assert_int_equal(st.rel_statements, 1);
	assert_int_equal(orm_log_count(&f->log, "SELECT qt_r_addresses.id"), 1);
	check_four(f, &users);
	qr_objlist_clear(&users);
	/* many-to-one: the addresses, then their users with one IN */
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	qr_assert_ok(
		qr_query_all(&users, qr_selectinload(qr_query(f->s, Address),
						     Address, "user")));
	assert_int_equal(users.count, 6);
	assert_int_equal(statements(f), 2);
	for (size_t i = 0; i < users.count; i++) {
		Address *a = users.items[i];
		assert_non_null(a->user);
		assert_int_equal(a->user->id, a->user_id);
	}
	qr_objlist_clear(&users);
	orm_fx_free(f);
}

/* selectin over many parents: one IN per 500 of them. */
static void test_selectin_chunks(void **state)
{
	orm_fx *f = orm_fx_new();
	qr_objlist users = QR_OBJLIST_INIT;
	size_t total = 0;
	(void)state;

	for (int i = 0; i < 1100; i++) {
		char name[16];
		User *u;
		snprintf(name, sizeof(name), "n%d", i);
		u = orm_user(f->s, name, name, "p");
		qr_assert_ok(QR_APPEND(u, addresses, address(f->s, name)));
		qr_assert_ok(qr_session_add(f->s, u));
	}
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_query_all(&users, qr_selectinload(qr_query(f->s, User),
							  User, "addresses")));
	assert_int_equal(users.count, 1100);
	assert_int_equal(statements(f), 1 + 3); /* 500 + 500 + 100 */
	for (size_t i = 0; i < users.count; i++) {
		User *u = users.items[i];
		assert_int_equal(qr_objlist_len(&u->addresses), 1);
		assert_string_equal(
			((Address *)u->addresses.items[0])->email_address,
			u->name);
		total++;
	}
	assert_int_equal(total, 1100);
	qr_objlist_clear(&users);
	orm_fx_free(f);
}

/* subquery: the query again as a subquery joined to the children: 2
 * statements, LIMIT respected. */
static void test_subquery(void **state)
{
	orm_fx *f = orm_fx_new();
	qr_objlist users = QR_OBJLIST_INIT;
	bool found = false;
	(void)state;

	seed_four(f);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_query_all(
		&users, qr_subqueryload(qr_query_order_by(qr_query(f->s, User),
							  qr_attr(User, "id")),
					User, "addresses")));
	assert_int_equal(statements(f), 2);
	for (size_t i = 0; i < f->log.n; i++)
		found = found ||
			strstr(f->log.lines[i],
			       "FROM qt_r_addresses JOIN (SELECT") != NULL;
	assert_true(found);
	check_four(f, &users);
	qr_objlist_clear(&users);
	/* the subquery keeps the LIMIT: only the parents' children */
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	qr_assert_ok(qr_query_all(
		&users,
		qr_subqueryload(
			qr_query_slice(qr_query_order_by(qr_query(f->s, User),
							 qr_attr(User, "id")),
				       2, 4),
			User, "addresses")));
	assert_int_equal(statements(f), 2);
	assert_int_equal(users.count, 2);
	assert_int_equal(qr_objlist_len(&((User *)users.items[0])->addresses),
			 2);
	assert_int_equal(qr_objlist_len(&((User *)users.items[1])->addresses),
			 3);
	qr_objlist_clear(&users);
	orm_fx_free(f);
}

/* joined: one SELECT with a LEFT OUTER JOIN, rows folded into
 * collections; with a LIMIT the collections come by selectin. */
static void test_joined(void **state)
{
	orm_fx *f = orm_fx_new();
	qr_objlist users = QR_OBJLIST_INIT;
	User *u;
	(void)state;

	seed_four(f);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_query_all(
		&users, qr_joinedload(qr_query_order_by(qr_query(f->s, User),
							qr_attr(User, "id")),
				      User, "addresses")));
	assert_int_equal(statements(f), 1);
	assert_int_equal(orm_log_count(&f->log, "SELECT qt_r_users.id"), 1);
	{
		bool found = false;
		for (size_t i = 0; i < f->log.n; i++)
			found = found ||
				strstr(f->log.lines[i],
				       "LEFT OUTER JOIN qt_r_addresses AS "
				       "qt_r_addresses_1 ON qt_r_users.id = "
				       "qt_r_addresses_1.user_id") != NULL;
		assert_true(found);
	}
	check_four(f, &users);
	qr_objlist_clear(&users);

	/* LIMIT counts users: the collections by selectin */
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	qr_assert_ok(qr_query_all(
		&users,
		qr_joinedload(
			qr_query_limit(qr_query_order_by(qr_query(f->s, User),
							 qr_attr(User, "id")),
				       2),
			User, "addresses")));
	assert_int_equal(users.count, 2);
	assert_int_equal(statements(f), 2);
	qr_objlist_clear(&users);
	/* first() of a joined many-to-one: one statement */
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	{
		Address *a;
		assert_int_equal(
			qr_query_first(
				&a,
				qr_joinedload(qr_query_filter_by(
						      qr_query(f->s, Address),
						      "email_address",
						      qr_val_text("u4.2@x")),
					      Address, "user")),
			1);
		assert_int_equal(statements(f), 1);
		orm_assert_repr(a->user, "<User(name='u4', fullname='u4', "
					 "password='p')>");
	}
	/* a loaded collection is left alone */
	qr_assert_ok(qr_query_one(&u, qr_query_filter_by(qr_query(f->s, User),
							 "name",
							 qr_val_text("u4"))));
	qr_assert_ok(QR_LOAD(u, addresses));
	assert_int_equal(QR_REMOVE(u, addresses, u->addresses.items[0]), 1);
	qr_assert_ok(qr_session_flush(f->s));
	qr_assert_ok(qr_query_all(&users, qr_joinedload(qr_query(f->s, User),
							User, "addresses")));
	assert_int_equal(qr_objlist_len(&u->addresses), 2);
	qr_objlist_clear(&users);
	orm_fx_free(f);
}

/* contains_eager: the query's own join fills the collection (with the
 * rows it selected: here only the matching addresses). */
static void test_contains_eager(void **state)
{
	orm_fx *f = orm_fx_new();
	User *u;
	qr_expr *al;
	(void)state;

	seed_four(f);
	qr_assert_ok(qr_query_one(
		&u, qr_query_contains_eager(
			    qr_query_filter(
				    qr_query_join_along(qr_query(f->s, User),
							User, "addresses"),
				    qr_eq(qr_attr(Address, "email_address"),
					  qr_bind_text("u4.1@x"))),
			    QR_MAPPING_OF(User), "addresses", NULL)));
	assert_int_equal(statements(f), 1);
	assert_true(QR_LOADED(u, addresses));
	orm_assert_list(&u->addresses, "[<Address(email_address='u4.1@x')>]");
	assert_ptr_equal(((Address *)u->addresses.items[0])->user, u);
	/* with an aliased target */
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	al = qr_aliased(Address, "adr");
	qr_assert_ok(qr_query_one(
		&u,
		qr_query_contains_eager(
			qr_query_filter(qr_query_join_rel(qr_query(f->s, User),
							  QR_MAPPING_OF(User),
							  "addresses",
							  qr_expr_ref(al)),
					qr_eq(qr_attr(User, "name"),
					      qr_bind_text("u3"))),
			QR_MAPPING_OF(User), "addresses", qr_expr_ref(al))));
	assert_int_equal(statements(f), 1);
	assert_int_equal(qr_objlist_len(&u->addresses), 2);
	qr_expr_free(al);
	/* errors */
	assert_int_equal(
		qr_query_all(NULL, qr_query_load(qr_query(f->s, User),
						 QR_MAPPING_OF(User), "nope",
						 QR_LAZY_JOINED)),
		QR_EINVAL);
	orm_fx_free(f);
}

/* Deleting a parent without the delete cascade: its children stay,
 * their foreign key set NULL (the collection is loaded to find them). */
static void test_delete_sets_null(void **state)
{
	orm_fx *f = orm_fx_new();
	User *jack;
	(void)state;

	seed_jack(f);
	qr_session_expunge_all(f->s);
	qr_assert_ok(qr_query_one(
		&jack, qr_query_filter_by(qr_query(f->s, User), "name",
					  qr_val_text("jack"))));
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_delete(f->s, jack));
	assert_int_equal(orm_log_count(&f->log, "SELECT qt_r_addresses.id"), 1);
	qr_assert_ok(qr_session_commit(f->s));
	assert_true(orm_log_count(&f->log, "UPDATE qt_r_addresses SET "
					   "user_id=") >= 1);
	assert_int_equal(orm_log_count(&f->log, "DELETE FROM qt_r_users"), 1);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_users"), 0);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_addresses "
				   "WHERE user_id IS NULL"),
			 2);
	orm_fx_free(f);
}

/* cascade="all, delete-orphan": removing from the collection deletes
 * the child; deleting the parent deletes the rest, children first. */
static void test_delete_cascade(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(CUser),
				    QR_MAPPING_OF(CAddress), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	CUser *jack = qr_new(f->s, CUser);
	CAddress *a;
	(void)state;

	qr_assert_ok(QR_SET_TEXT(jack, name, "jack"));
	for (int i = 0; i < 3; i++) {
		char email[16];
		a = qr_new(f->s, CAddress);
		snprintf(email, sizeof(email), "j%d@x", i);
		qr_assert_ok(QR_SET_TEXT(a, email_address, email));
		qr_assert_ok(QR_APPEND(jack, addresses, a));
	}
	qr_assert_ok(qr_session_add(f->s, jack));
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_expunge_all(f->s);

	assert_int_equal(qr_get(&jack, f->s, CUser, qr_val_int(1)), 1);
	qr_assert_ok(QR_LOAD(jack, addresses));
	/* del jack.addresses[1] */
	assert_int_equal(QR_REMOVE(jack, addresses, jack->addresses.items[1]),
			 1);
	qr_assert_ok(qr_session_flush(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_addresses"), 2);
	/* a pending orphan is not inserted */
	a = qr_new(f->s, CAddress);
	qr_assert_ok(QR_SET_TEXT(a, email_address, "new@x"));
	qr_assert_ok(QR_APPEND(jack, addresses, a));
	assert_int_equal(qr_object_state(a), QR_STATE_PENDING);
	assert_int_equal(QR_REMOVE(jack, addresses, a), 1);
	assert_int_equal(qr_object_state(a), QR_STATE_TRANSIENT);
	/* deleting jack deletes his addresses */
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_delete(f->s, jack));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_addresses"), 0);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_users"), 0);
	{
		size_t da = SIZE_MAX, du = SIZE_MAX;
		for (size_t i = 0; i < orm_log_stmt_count(&f->log); i++) {
			const char *st = orm_log_stmt(&f->log, i);
			if (strncmp(st, "DELETE FROM qt_r_addresses", 26) ==
				    0 &&
			    da == SIZE_MAX)
				da = i;
			if (strncmp(st, "DELETE FROM qt_r_users", 22) == 0)
				du = i;
		}
		assert_true(da < du && du != SIZE_MAX);
	}
	orm_fx_free(f);
}

/* passive_deletes: deleting the parent loads nothing; the database's ON
 * DELETE CASCADE removes the children. */
static void test_passive_deletes(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(PUser),
				    QR_MAPPING_OF(PAddress), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	PUser *u = qr_new(f->s, PUser);
	PAddress *a = qr_new(f->s, PAddress);
	(void)state;

	qr_assert_ok(QR_SET_TEXT(u, name, "p"));
	qr_assert_ok(QR_SET_TEXT(a, email_address, "p@x"));
	qr_assert_ok(QR_APPEND(u, addresses, a));
	qr_assert_ok(qr_session_add(f->s, u));
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_expunge_all(f->s);
	assert_int_equal(qr_get(&u, f->s, PUser, qr_val_int(1)), 1);
	qr_session_reset_stats(f->s);
	qr_assert_ok(qr_session_delete(f->s, u));
	assert_int_equal(statements(f), 0); /* nothing loaded */
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_users"), 0);
	if (strcmp(qr_test_backend(), "sqlite") != 0) /* FKs enforced */
		assert_int_equal(
			scalar(f, "SELECT count(*) FROM qt_r_addresses"), 0);
	orm_fx_free(f);
}

static Keyword *keyword(qr_session *s, const char *word)
{
	Keyword *k = qr_new(s, Keyword);
	assert_non_null(k);
	qr_assert_ok(QR_SET_TEXT(k, keyword, word));
	return k;
}

/* Many-to-many through a secondary table: rows inserted and deleted
 * from the collections' changes, loading lazily and by selectin, and
 * the query operators. */
static void test_many_to_many(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Post), QR_MAPPING_OF(Keyword),
				    NULL};
	orm_fx *f;
	Post *p1, *p2;
	Keyword *k1, *k2;
	qr_objlist l = QR_OBJLIST_INIT;
	(void)state;

	f = orm_fx_new_with(maps, NULL);
	/* the association table, defined before first use */
	assert_non_null(qr_table(
		qr_registry_metadata(f->reg), "qt_r_post_keywords",
		qr_column("post_id", QR_INTEGER, .primary_key = true,
			  .foreign_key = "qt_r_posts.id"),
		qr_column("keyword_id", QR_INTEGER, .primary_key = true,
			  .foreign_key = "qt_r_keywords.id")));
	orm_recreate(f->engine, f->reg);

	p1 = qr_new(f->s, Post);
	qr_assert_ok(QR_SET_TEXT(p1, headline, "p1"));
	k1 = keyword(f->s, "k1");
	k2 = keyword(f->s, "k2");
	qr_assert_ok(QR_APPEND(p1, keywords, k1));
	qr_assert_ok(QR_APPEND(p1, keywords, k2));
	orm_assert_list(&k1->posts, "[<Post(headline='p1')>]"); /* back */
	qr_assert_ok(qr_session_add(f->s, p1));                 /* cascades */
	assert_true(qr_session_contains(f->s, k2));
	p2 = qr_new(f->s, Post);
	qr_assert_ok(QR_SET_TEXT(p2, headline, "p2"));
	qr_assert_ok(QR_APPEND(k2, posts, p2)); /* from the other side */
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_true(orm_log_count(&f->log, "INSERT INTO qt_r_post_keywords") >=
		    1);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_post_keywords"),
			 3);

	/* lazy load: one SELECT through the secondary table */
	qr_session_expunge_all(f->s);
	qr_assert_ok(qr_query_one(&p1, qr_query_filter_by(qr_query(f->s, Post),
							  "headline",
							  qr_val_text("p1"))));
	qr_session_reset_stats(f->s);
	qr_assert_ok(QR_LOAD(p1, keywords));
	assert_int_equal(statements(f), 1);
	orm_assert_list(&p1->keywords,
			"[<Keyword(keyword='k1')>, <Keyword(keyword='k2')>]");
	/* selectin over every post: 2 statements; joined: 1, through the
	 * secondary table, each post once; either leaves the other side
	 * (Keyword.posts) to its own load */
	for (int joined = 0; joined < 2; joined++) {
		qr_session_expunge_all(f->s);
		qr_session_reset_stats(f->s);
		qr_assert_ok(qr_query_all(
			&l,
			qr_query_load(qr_query_order_by(qr_query(f->s, Post),
							qr_attr(Post, "id")),
				      QR_MAPPING_OF(Post), "keywords",
				      joined ? QR_LAZY_JOINED
					     : QR_LAZY_SELECTIN)));
		assert_int_equal(statements(f), joined ? 1 : 2);
		assert_int_equal(l.count, 2);
		p1 = l.items[0];
		p2 = l.items[1];
		qr_objlist_clear(&l);
		orm_assert_list(&p1->keywords, "[<Keyword(keyword='k1')>, "
					       "<Keyword(keyword='k2')>]");
		orm_assert_list(&p2->keywords, "[<Keyword(keyword='k2')>]");
		assert_ptr_equal(p1->keywords.items[1], p2->keywords.items[0]);
		assert_false(
			QR_LOADED((Keyword *)p2->keywords.items[0], posts));
		assert_int_equal(statements(f), joined ? 1 : 2);
	}
	k1 = p1->keywords.items[0];

	/* operators */
	assert_int_equal(count_all(qr_query_filter(
				 qr_query(f->s, Post),
				 qr_any(Post, "keywords",
					qr_eq(qr_attr(Keyword, "keyword"),
					      qr_bind_text("k2"))))),
			 2);
	assert_int_equal(
		count_all(qr_query_filter(
			qr_query(f->s, Post),
			qr_rel_contains(QR_MAPPING_OF(Post), "keywords", k1))),
		1);
	assert_int_equal(count_all(qr_query_with_parent(qr_query(f->s, Keyword),
							p1, "keywords")),
			 2);
	assert_int_equal(count_all(qr_query_filter(
				 qr_query_join_along(qr_query(f->s, Post), Post,
						     "keywords"),
				 qr_eq(qr_attr(Keyword, "keyword"),
				       qr_bind_text("k1")))),
			 1);
	assert_int_equal(count_all(QR_REL_QUERY(p1, keywords)), 2);

	/* removing: the row goes, the keyword stays */
	assert_int_equal(QR_REMOVE(p1, keywords, k1), 1);
	orm_log_clear(&f->log);
	qr_assert_ok(qr_session_commit(f->s));
	assert_true(orm_log_count(&f->log, "DELETE FROM qt_r_post_keywords") >=
		    1);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_post_keywords"),
			 2);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_keywords"), 2);
	/* deleting a post deletes its rows first */
	qr_assert_ok(qr_session_delete(f->s, p2));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_post_keywords"),
			 1);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_posts"), 1);
	orm_fx_free(f);
}

/* raiseload: no silent lazy load; noload: empty without SQL. */
static void test_raise_noload(void **state)
{
	orm_fx *f = orm_fx_new();
	qr_objlist users = QR_OBJLIST_INIT;
	User *u;
	(void)state;

	seed_four(f);
	qr_assert_ok(qr_query_all(
		&users, qr_raiseload(qr_query(f->s, User), User, "addresses")));
	u = users.items[3];
	assert_int_equal(QR_LOAD(u, addresses), QR_ESTATE);
	assert_non_null(strstr(qr_error_last()->message, "lazy='raise'"));
	assert_int_equal(statements(f), 1);
	qr_objlist_clear(&users);
	/* an eager option still loads it */
	qr_assert_ok(qr_query_all(&users, qr_selectinload(qr_query(f->s, User),
							  User, "addresses")));
	assert_true(QR_LOADED(u, addresses));
	qr_objlist_clear(&users);

	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	qr_assert_ok(qr_query_all(
		&users, qr_noload(qr_query(f->s, User), User, "addresses")));
	u = users.items[3];
	qr_assert_ok(QR_LOAD(u, addresses));
	assert_int_equal(qr_objlist_len(&u->addresses), 0);
	assert_int_equal(statements(f), 1);
	qr_objlist_clear(&users);
	orm_fx_free(f);
}

/* A tree of nodes in one flush: the children's parent_id reaches them
 * (post-update where a batch held parent and child), then loading the
 * tree level by level, and deleting it by cascade. */
static void test_self_referential(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Node), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Node *root = qr_new(f->s, Node), *n;
	const char *names[] = {"child1", "child2", "child3"};
	(void)state;

	qr_assert_ok(QR_SET_TEXT(root, data, "root"));
	for (int i = 0; i < 3; i++) {
		n = qr_new(f->s, Node);
		qr_assert_ok(QR_SET_TEXT(n, data, names[i]));
		qr_assert_ok(QR_APPEND(root, children, n));
	}
	n = qr_new(f->s, Node);
	qr_assert_ok(QR_SET_TEXT(n, data, "subchild1"));
	qr_assert_ok(QR_SET_REF(n, parent, root->children.items[1]));
	qr_assert_ok(qr_session_add(f->s, root));
	assert_true(qr_session_contains(f->s, n));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_nodes WHERE "
				   "parent_id IS NULL"),
			 1);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_nodes c JOIN "
				   "qt_r_nodes p ON p.id = c.parent_id "
				   "WHERE p.data = 'child2'"),
			 1);

	qr_session_expunge_all(f->s);
	qr_assert_ok(qr_query_one(
		&root,
		qr_query_filter(qr_query(f->s, Node),
				qr_is_null(qr_attr(Node, "parent_id")))));
	qr_assert_ok(QR_LOAD(root, children));
	orm_assert_list(&root->children,
			"[<Node(data='child1')>, <Node(data='child2')>, "
			"<Node(data='child3')>]");
	n = root->children.items[1];
	assert_ptr_equal(n->parent, root);
	qr_assert_ok(QR_LOAD(n, children));
	orm_assert_list(&n->children, "[<Node(data='subchild1')>]");
	/* the tree goes with its root */
	qr_assert_ok(qr_session_delete(f->s, root));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_nodes"), 0);
	orm_fx_free(f);
}

/* Expunging: other objects' relationships let go of the object; the
 * expunge cascade takes the related objects along. */
static void test_expunge(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(CUser),
				    QR_MAPPING_OF(CAddress), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	CUser *jack = qr_new(f->s, CUser);
	CAddress *a, *b;
	int64_t aid;
	(void)state;

	qr_assert_ok(QR_SET_TEXT(jack, name, "jack"));
	for (int i = 0; i < 2; i++) {
		a = qr_new(f->s, CAddress);
		qr_assert_ok(QR_SET_TEXT(a, email_address, i ? "b@x" : "a@x"));
		qr_assert_ok(QR_APPEND(jack, addresses, a));
	}
	qr_assert_ok(qr_session_add(f->s, jack));
	qr_assert_ok(qr_session_commit(f->s));
	qr_assert_ok(qr_session_load(f->s, jack));
	qr_assert_ok(QR_LOAD(jack, addresses));
	a = jack->addresses.items[0];
	b = jack->addresses.items[1];
	/* no expunge cascade from an address to its user */
	qr_assert_ok(qr_session_expunge(f->s, a));
	orm_assert_list(&jack->addresses, "[<CAddress(email_address='b@x')>]");
	assert_true(qr_session_contains(f->s, jack));
	qr_assert_ok(qr_session_flush(f->s)); /* nothing dangles */
	/* expunging jack takes b along ("all" includes expunge) */
	aid = b->id;
	qr_assert_ok(qr_session_expunge(f->s, jack));
	qr_session_reset_stats(f->s);
	assert_int_equal(qr_get(&b, f->s, CAddress, qr_val_int(aid)), 1);
	assert_int_equal(statements(f), 1); /* not in the identity map */
	qr_assert_ok(qr_session_flush(f->s));
	orm_fx_free(f);
}

static Profile *profile(qr_session *s, const char *bio)
{
	Profile *p = qr_new(s, Profile);
	assert_non_null(p);
	qr_assert_ok(QR_SET_TEXT(p, bio, bio));
	return p;
}

/* One-to-one: a pointer on both sides, the key in the target. */
static void test_one_to_one(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Person),
				    QR_MAPPING_OF(Profile), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Person *ann = qr_new(f->s, Person);
	Profile *p1 = profile(f->s, "bio1"), *p2;
	(void)state;

	qr_assert_ok(QR_SET_TEXT(ann, name, "ann"));
	qr_assert_ok(QR_SET_REF(ann, profile, p1));
	assert_ptr_equal(p1->person, ann); /* back, in memory */
	assert_int_equal(
		qr_rel_append(ann, (qr_objlist *)(void *)&ann->profile, p1),
		QR_EINVAL);
	qr_assert_ok(qr_session_add(f->s, ann));
	assert_true(qr_session_contains(f->s, p1));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_profiles p JOIN "
				   "qt_r_persons a ON a.id = p.person_id "
				   "WHERE a.name = 'ann'"),
			 1);

	/* lazy: one SELECT; joined: one statement for both */
	qr_session_expunge_all(f->s);
	qr_assert_ok(qr_query_one(&ann, qr_query(f->s, Person)));
	qr_session_reset_stats(f->s);
	qr_assert_ok(QR_LOAD(ann, profile));
	assert_int_equal(statements(f), 1);
	orm_assert_repr(ann->profile, "<Profile(bio='bio1')>");
	assert_ptr_equal(ann->profile->person, ann);
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	qr_assert_ok(qr_query_one(&ann, qr_joinedload(qr_query(f->s, Person),
						      Person, "profile")));
	assert_int_equal(statements(f), 1);
	orm_assert_repr(ann->profile, "<Profile(bio='bio1')>");
	p1 = ann->profile;

	/* replacing: the old profile loses its key */
	p2 = profile(f->s, "bio2");
	qr_assert_ok(QR_SET_REF(ann, profile, p2));
	assert_null(p1->person);
	assert_ptr_equal(p2->person, ann);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_profiles WHERE "
				   "person_id IS NULL"),
			 1);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_profiles p JOIN "
				   "qt_r_persons a ON a.id = p.person_id "
				   "WHERE p.bio = 'bio2'"),
			 1);
	/* from the many-to-one side */
	qr_assert_ok(QR_LOAD(ann, profile));
	qr_assert_ok(QR_LOAD(p1, person));
	qr_assert_ok(QR_SET_REF(p1, person, ann));
	assert_ptr_equal(ann->profile, p1);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_profiles p JOIN "
				   "qt_r_persons a ON a.id = p.person_id "
				   "WHERE p.bio = 'bio1'"),
			 1);
	/* deleting the person: its profile stays, unlinked */
	qr_assert_ok(qr_session_delete(f->s, ann));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_profiles WHERE "
				   "person_id IS NULL"),
			 2);
	orm_fx_free(f);
}

/* refresh-expire: expiring or refreshing an object does the same to
 * what it reaches ("all"); not with the default cascade. */
static void test_refresh_expire(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(CUser),
				    QR_MAPPING_OF(CAddress), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	CUser *jack = qr_new(f->s, CUser);
	CAddress *a = qr_new(f->s, CAddress);
	qr_stmt *st;
	qr_result *r;
	(void)state;

	qr_assert_ok(QR_SET_TEXT(jack, name, "jack"));
	qr_assert_ok(QR_SET_TEXT(a, email_address, "old@x"));
	qr_assert_ok(QR_APPEND(jack, addresses, a));
	qr_assert_ok(qr_session_add(f->s, jack));
	qr_assert_ok(qr_session_flush(f->s));
	st = qr_text("UPDATE qt_r_addresses SET email_address = 'new@x'");
	qr_assert_ok(qr_session_execute(&r, f->s, st, NULL));
	qr_result_free(r);
	qr_stmt_free(st);
	assert_string_equal(a->email_address, "old@x");
	qr_assert_ok(qr_session_refresh(f->s, jack));
	assert_string_equal(a->email_address, "new@x");
	assert_false(qr_object_expired(a));
	qr_assert_ok(qr_session_expire(f->s, jack));
	assert_true(qr_object_expired(jack));
	assert_true(qr_object_expired(a));
	orm_fx_free(f);

	/* the default cascade leaves the addresses alone */
	f = orm_fx_new();
	{
		User *u = seed_jack(f);
		Address *b;
		qr_assert_ok(qr_session_load(f->s, u));
		qr_assert_ok(QR_LOAD(u, addresses));
		b = u->addresses.items[0];
		qr_assert_ok(qr_session_load(f->s, b));
		qr_assert_ok(qr_session_expire(f->s, u));
		assert_true(qr_object_expired(u));
		assert_false(qr_object_expired(b));
	}
	orm_fx_free(f);
}

/* merge cascade: merging a detached user merges his loaded addresses:
 * the session's copies get their changes. */
static void test_merge_cascade(void **state)
{
	orm_fx *f = orm_fx_new();
	User *jack, *merged;
	Address *a0, *a1;
	(void)state;

	seed_jack(f);
	qr_session_expunge_all(f->s);
	qr_assert_ok(qr_query_one(
		&jack, qr_query_filter_by(qr_query(f->s, User), "name",
					  qr_val_text("jack"))));
	qr_assert_ok(QR_LOAD(jack, addresses));
	a0 = jack->addresses.items[0];
	a1 = jack->addresses.items[1];
	/* detached, ours: the user first, so he keeps his addresses */
	qr_assert_ok(qr_session_detach(f->s, jack));
	qr_assert_ok(qr_session_detach(f->s, a0));
	qr_assert_ok(qr_session_detach(f->s, a1));
	assert_int_equal(qr_objlist_len(&jack->addresses), 2);
	qr_assert_ok(qr_set_text(a0, &a0->email_address, "merged@x"));

	qr_assert_ok(qr_session_merge(&merged, f->s, jack));
	assert_true(merged != jack);
	assert_true(QR_LOADED(merged, addresses));
	assert_int_equal(qr_objlist_len(&merged->addresses), 2);
	assert_true(merged->addresses.items[0] != a0);
	assert_ptr_equal(((Address *)merged->addresses.items[0])->user, merged);
	assert_string_equal(
		((Address *)merged->addresses.items[0])->email_address,
		"merged@x");
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_addresses WHERE "
				   "email_address = 'merged@x'"),
			 1);
	qr_object_free(a0);
	qr_object_free(a1);
	qr_object_free(jack);
	orm_fx_free(f);
}

/* A relationship to a type the registry does not map: the error shows
 * at qr_registry_configure. */
static void test_configure_errors(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Post), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	(void)state;

	assert_int_equal(qr_registry_configure(f->reg), QR_ESTATE);
	assert_non_null(strstr(qr_error_last()->message, "Keyword"));
	orm_fx_free(f);
}

/* A rollback leaves stale members: the objects they name that left the
 * session are not brought back by the next flush. */
static void test_rollback_does_not_resurrect(void **state)
{
	orm_fx *f = orm_fx_new();
	User *jack, *ghost;
	Address *c, *b;
	(void)state;

	jack = seed_jack(f);
	qr_assert_ok(qr_session_load(f->s, jack));
	qr_assert_ok(QR_LOAD(jack, addresses));
	b = jack->addresses.items[0];
	c = address(f->s, "c@x");
	qr_assert_ok(QR_APPEND(jack, addresses, c)); /* c pending */
	ghost = orm_user(f->s, "ghost", "g", "g");
	qr_assert_ok(QR_SET_REF(b, user, ghost)); /* ghost pending */
	qr_assert_ok(qr_session_rollback(f->s));
	assert_int_equal(qr_object_state(c), QR_STATE_TRANSIENT);
	assert_int_equal(qr_object_state(ghost), QR_STATE_TRANSIENT);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_addresses"), 2);
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_users"), 1);
	/* loading again gives the database's state */
	qr_assert_ok(QR_LOAD(jack, addresses));
	assert_int_equal(qr_objlist_len(&jack->addresses), 2);
	qr_assert_ok(QR_LOAD(b, user));
	orm_fx_free(f);
}

/* The referenced column is not the key: matched by value, never through
 * the identity map. */
static void test_many_to_one_unique_key(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Code), QR_MAPPING_OF(Item),
				    NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	qr_objlist items = QR_OBJLIST_INIT;
	(void)state;

	/* codes 1 -> number 2 and 2 -> number 1: an id lookup would swap */
	for (int i = 0; i < 2; i++) {
		Code *c = qr_new(f->s, Code);
		Item *it = qr_new(f->s, Item);
		QR_SET(c, id, i + 1);
		QR_SET(c, number, 2 - i);
		qr_assert_ok(QR_SET_REF(it, code, c));
		qr_assert_ok(qr_session_add(f->s, it));
	}
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_items i JOIN "
				   "qt_r_codes c ON c.number = i.code_number"),
			 2);
	qr_session_expunge_all(f->s);
	qr_assert_ok(qr_query_all(&items, qr_query(f->s, Code))); /* in map */
	qr_objlist_clear(&items);
	qr_assert_ok(qr_query_all(&items, qr_query(f->s, Item)));
	for (size_t i = 0; i < items.count; i++) {
		Item *it = items.items[i];
		qr_assert_ok(QR_LOAD(it, code));
		assert_non_null(it->code);
		assert_int_equal(it->code->number, it->code_number);
	}
	qr_objlist_clear(&items);
	qr_session_expunge_all(f->s);
	qr_assert_ok(qr_query_all(
		&items, qr_selectinload(qr_query(f->s, Item), Item, "code")));
	for (size_t i = 0; i < items.count; i++) {
		Item *it = items.items[i];
		assert_non_null(it->code);
		assert_int_equal(it->code->number, it->code_number);
	}
	qr_objlist_clear(&items);
	orm_fx_free(f);
}

/* Single-table inheritance: one table, the discriminator set on new
 * objects, a query of the base returns each row as its class, a query
 * of a subclass only its rows. */
static void test_single_table_inheritance(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Employee),
				    QR_MAPPING_OF(Manager),
				    QR_MAPPING_OF(Engineer), NULL};
	orm_fx *f = orm_fx_new_with(maps, NULL);
	Employee *e = qr_new(f->s, Employee);
	Manager *m = qr_new(f->s, Manager);
	Engineer *g = qr_new(f->s, Engineer);
	qr_objlist l = QR_OBJLIST_INIT;
	Employee *got;
	int64_t mid;
	(void)state;

	assert_string_equal(m->employee.type, "manager");
	qr_assert_ok(QR_SET_TEXT(e, name, "eve"));
	qr_assert_ok(qr_set_text(m, &m->employee.name, "max"));
	qr_assert_ok(QR_SET_TEXT(m, manager_data, "budget"));
	qr_assert_ok(qr_set_text(g, &g->employee.name, "gil"));
	qr_assert_ok(QR_SET_TEXT(g, engineer_info, "c"));
	qr_assert_ok(QR_ADD_ALL(f->s, e, m, g));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_employees WHERE "
				   "type = 'manager' AND manager_data = "
				   "'budget'"),
			 1);
	qr_assert_ok(qr_session_load(f->s, m));
	mid = m->employee.id;

	/* polymorphic: the base query gives each row its class */
	qr_session_expunge_all(f->s);
	qr_session_reset_stats(f->s);
	qr_assert_ok(
		qr_query_all(&l, qr_query_order_by(qr_query(f->s, Employee),
						   qr_attr(Employee, "id"))));
	assert_int_equal(statements(f), 1);
	orm_assert_list(&l, "[<Employee(name='eve')>, <Manager(name='max')>, "
			    "<Engineer(name='gil')>]");
	m = l.items[1];
	assert_string_equal(m->manager_data, "budget");
	assert_string_equal(((Engineer *)l.items[2])->engineer_info, "c");
	qr_objlist_clear(&l);
	/* one identity map for the hierarchy */
	assert_int_equal(qr_get(&got, f->s, Manager, qr_val_int(mid)), 1);
	assert_ptr_equal(got, m);
	assert_int_equal(statements(f), 1);
	/* a subclass query: its rows only */
	qr_assert_ok(qr_query_all(&l, qr_query(f->s, Manager)));
	assert_int_equal(l.count, 1);
	assert_ptr_equal(l.items[0], m);
	qr_objlist_clear(&l);
	/* get through the base loads the subclass */
	qr_session_expunge_all(f->s);
	assert_int_equal(qr_get(&got, f->s, Employee, qr_val_int(mid)), 1);
	orm_assert_repr(got, "<Manager(name='max')>");
	assert_string_equal(((Manager *)got)->manager_data, "budget");
	/* changes and deletes of a subclass object */
	qr_assert_ok(qr_set_text(got, &((Manager *)got)->manager_data, "more"));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_employees WHERE "
				   "manager_data = 'more'"),
			 1);
	qr_assert_ok(qr_session_delete(f->s, got));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(scalar(f, "SELECT count(*) FROM qt_r_employees"), 2);
	orm_fx_free(f);
}

/* Errors: not a relationship, wrong target type, no session. */
static void test_errors(void **state)
{
	orm_fx *f = orm_fx_new();
	User *u = orm_user(f->s, "x", "x", "x");
	User *v = orm_user(f->s, "y", "y", "y");
	Address *a = qr_new_transient(Address);
	(void)state;

	assert_int_equal(qr_rel_append(u, (qr_objlist *)&u->name, a),
			 QR_EINVAL);
	assert_int_equal(QR_APPEND(u, addresses, v), QR_EINVAL);
	assert_true(QR_LOADED(a, user)); /* new: loaded, empty */
	qr_assert_ok(QR_LOAD(a, user));  /* nothing to do */
	assert_null(a->user);
	qr_object_free(a);
	orm_fx_free(f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_objlist),
		cmocka_unit_test(test_back_populates_cascade_fk),
		cmocka_unit_test(test_lazy_load),
		cmocka_unit_test(test_many_to_one_load),
		cmocka_unit_test(test_remove_and_move),
		cmocka_unit_test(test_direct_assignment),
		cmocka_unit_test(test_lazy_n_plus_one),
		cmocka_unit_test(test_query_operators),
		cmocka_unit_test(test_selectin),
		cmocka_unit_test(test_selectin_chunks),
		cmocka_unit_test(test_subquery),
		cmocka_unit_test(test_joined),
		cmocka_unit_test(test_contains_eager),
		cmocka_unit_test(test_delete_sets_null),
		cmocka_unit_test(test_delete_cascade),
		cmocka_unit_test(test_passive_deletes),
		cmocka_unit_test(test_many_to_many),
		cmocka_unit_test(test_raise_noload),
		cmocka_unit_test(test_self_referential),
		cmocka_unit_test(test_expunge),
		cmocka_unit_test(test_one_to_one),
		cmocka_unit_test(test_refresh_expire),
		cmocka_unit_test(test_merge_cascade),
		cmocka_unit_test(test_configure_errors),
		cmocka_unit_test(test_rollback_does_not_resurrect),
		cmocka_unit_test(test_many_to_one_unique_key),
		cmocka_unit_test(test_single_table_inheritance),
		cmocka_unit_test(test_errors),
	};
	return qr_test_run(argc, argv, "orm_relationship", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
