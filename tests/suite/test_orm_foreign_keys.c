/*
 * test_orm_foreign_keys.c - relationships between tables joined by
 * more than one foreign key (.foreign_keys chooses; without it,
 * SQLAlchemy's AmbiguousForeignKeysError), and a table related to
 * itself (an adjacency-list tree), on every backend.
 */
#define ORM_TABLE_PREFIX "qt_fk_"
#include "orm_fixture.h"

typedef struct Member {
	int64_t id;
	char *name;
	qr_objlist sent, received;
} Member;
typedef struct Message {
	int64_t id;
	int64_t sender_id, recipient_id;
	char *body;
	struct Member *sender, *recipient;
} Message;

QR_MAPPING(Member, "qt_fk_members",
	   QR_FIELD(Member, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Member, name, qr_string(30)), QR_REPR("name"),
	   QR_ONE_TO_MANY(Member, sent, "Message", .back_populates = "sender",
			  .foreign_keys = "sender_id",
			  .order_by = "body DESC, id"),
	   QR_ONE_TO_MANY(Member, received, "Message",
			  .back_populates = "recipient",
			  .foreign_keys = "recipient_id"));
QR_MAPPING(Message, "qt_fk_messages",
	   QR_FIELD(Message, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Message, sender_id, QR_INTEGER,
		    .foreign_key = "qt_fk_members.id"),
	   QR_FIELD(Message, recipient_id, QR_INTEGER,
		    .foreign_key = "qt_fk_members.id"),
	   QR_FIELD(Message, body, qr_string(50)), QR_REPR("body"),
	   QR_MANY_TO_ONE(Message, sender, "Member", .back_populates = "sent",
			  .foreign_keys = "sender_id"),
	   QR_MANY_TO_ONE(Message, recipient, "Member",
			  .back_populates = "received",
			  .foreign_keys = " recipient_id "));

/* The same tables without .foreign_keys: ambiguous. */
typedef struct Note {
	int64_t id;
	int64_t sender_id, recipient_id;
	struct Member *sender;
} Note;
QR_MAPPING(Note, "qt_fk_notes",
	   QR_FIELD(Note, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Note, sender_id, QR_INTEGER,
		    .foreign_key = "qt_fk_members.id"),
	   QR_FIELD(Note, recipient_id, QR_INTEGER,
		    .foreign_key = "qt_fk_members.id"),
	   QR_MANY_TO_ONE(Note, sender, "Member"));

/* A tree: each node's parent in the same table. */
typedef struct Node {
	int64_t id;
	int64_t parent_id;
	char *name;
	struct Node *parent;
	qr_objlist children;
} Node;
QR_MAPPING(Node, "qt_fk_nodes",
	   QR_FIELD(Node, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Node, parent_id, QR_INTEGER,
		    .foreign_key = "qt_fk_nodes.id"),
	   QR_FIELD(Node, name, qr_string(30)), QR_REPR("name"),
	   QR_MANY_TO_ONE(Node, parent, "Node", .back_populates = "children"),
	   QR_ONE_TO_MANY(Node, children, "Node", .back_populates = "parent",
			  .order_by = "id"));

static int setup_messages(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Member),
				    QR_MAPPING_OF(Message), NULL};
	*state = orm_fx_new_with(maps, NULL);
	return 0;
}

static int setup_tree(void **state)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(Node), NULL};
	*state = orm_fx_new_with(maps, NULL);
	return 0;
}

static Member *member(qr_session *s, const char *name)
{
	Member *m = qr_new(s, Member);
	assert_non_null(m);
	qr_assert_ok(qr_set_text(m, &m->name, name));
	return m;
}

static void test_two_foreign_keys(void **state)
{
	orm_fx *f = *state;
	Member *ann = member(f->s, "ann"), *bob = member(f->s, "bob");
	Message *m = qr_new(f->s, Message);
	qr_objlist l = QR_OBJLIST_INIT;

	qr_assert_ok(qr_registry_configure(f->reg));
	assert_non_null(m);
	qr_assert_ok(qr_set_text(m, &m->body, "hi bob"));
	qr_assert_ok(QR_SET_REF(m, sender, ann));
	qr_assert_ok(QR_SET_REF(m, recipient, bob));
	/* back-populated in memory, each on its own side */
	assert_int_equal(ann->sent.count, 1);
	assert_int_equal(ann->received.count, 0);
	assert_int_equal(bob->received.count, 1);
	qr_assert_ok(qr_session_add(f->s, m));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(
		orm_scalar(f, "SELECT count(*) FROM qt_fk_messages m JOIN "
			      "qt_fk_members s ON s.id = m.sender_id JOIN "
			      "qt_fk_members r ON r.id = m.recipient_id "
			      "WHERE s.name = 'ann' AND r.name = 'bob'"),
		1);

	/* loaded again from the rows, each through its own key */
	qr_session_expire_all(f->s);
	qr_assert_ok(QR_LOAD(bob, received));
	qr_assert_ok(QR_LOAD(bob, sent));
	orm_assert_list(&bob->received, "[<Message(body='hi bob')>]");
	orm_assert_list(&bob->sent, "[]");
	qr_assert_ok(QR_LOAD(m, sender));
	assert_ptr_equal(m->sender, ann);

	/* joins along each relationship */
	qr_assert_ok(qr_query_all(
		&l, qr_query_filter(qr_query_join_along(qr_query(f->s, Member),
							Member, "received"),
				    qr_eq(qr_attr(Message, "body"),
					  qr_bind_text("hi bob")))));
	orm_assert_list(&l, "[<Member(name='bob')>]");
	qr_objlist_clear(&l);
}

/* .order_by with several members and DESC, in every way of loading. */
static void test_order_by_desc(void **state)
{
	orm_fx *f = *state;
	Member *ann = member(f->s, "ann"), *bob = member(f->s, "bob");
	const char *bodies[] = {"a", "c", "b", "c"};
	const char *want = "[<Message(body='c')>, <Message(body='c')>, "
			   "<Message(body='b')>, <Message(body='a')>]";
	qr_objlist l = QR_OBJLIST_INIT;

	for (int i = 0; i < 4; i++) {
		Message *m = qr_new(f->s, Message);
		assert_non_null(m);
		qr_assert_ok(qr_set_text(m, &m->body, bodies[i]));
		qr_assert_ok(QR_SET_REF(m, sender, ann));
		qr_assert_ok(QR_SET_REF(m, recipient, bob));
	}
	qr_assert_ok(qr_session_add(f->s, ann));
	qr_assert_ok(qr_session_commit(f->s));
	qr_session_expunge_all(f->s);

	ann = NULL;
	qr_assert_ok(qr_query_one(
		(void **)&ann, qr_query_filter_by(qr_query(f->s, Member),
						  "name", qr_val_text("ann"))));
	qr_assert_ok(QR_LOAD(ann, sent));
	orm_assert_list(&ann->sent, want);
	/* the two "c": by id, the first written first */
	assert_true(((Message *)ann->sent.items[0])->id <
		    ((Message *)ann->sent.items[1])->id);

	for (int how = 0; how < 2; how++) {
		qr_session_expunge_all(f->s);
		qr_assert_ok(qr_query_all(
			&l,
			qr_query_load(
				qr_query_filter_by(qr_query(f->s, Member),
						   "name", qr_val_text("ann")),
				&qr_mapping_Member, "sent",
				how ? QR_LAZY_JOINED : QR_LAZY_SELECTIN)));
		assert_int_equal(l.count, 1);
		orm_assert_list(&((Member *)l.items[0])->sent, want);
		qr_objlist_clear(&l);
	}
	assert_true(orm_logged(&f->log, "ORDER BY qt_fk_messages_1.body DESC, "
					"qt_fk_messages_1.id"));
}

/* A relationship ordered by something else than members. */
typedef struct Board {
	int64_t id;
	qr_objlist messages;
} Board;
QR_MAPPING(Board, "qt_fk_boards",
	   QR_FIELD(Board, id, QR_INTEGER, .primary_key = true),
	   QR_ONE_TO_MANY(Board, messages, "Message",
			  .foreign_keys = "sender_id",
			  .order_by = "body sideways"));

static void test_ambiguous(void **state)
{
	qr_registry *reg;

	qr_assert_ok(qr_registry_new(&reg, NULL));
	qr_assert_ok(qr_registry_map(NULL, reg, QR_MAPPING_OF(Member)));
	qr_assert_ok(qr_registry_map(NULL, reg, QR_MAPPING_OF(Message)));
	qr_assert_ok(qr_registry_map(NULL, reg, QR_MAPPING_OF(Note)));
	assert_int_equal(qr_registry_configure(reg), QR_EINVAL);
	qr_registry_free(reg);
	qr_assert_ok(qr_registry_new(&reg, NULL));
	qr_assert_ok(qr_registry_map(NULL, reg, QR_MAPPING_OF(Member)));
	qr_assert_ok(qr_registry_map(NULL, reg, QR_MAPPING_OF(Message)));
	qr_assert_ok(qr_registry_map(NULL, reg, QR_MAPPING_OF(Board)));
	assert_int_equal(qr_registry_configure(reg), QR_EINVAL);
	assert_non_null(strstr(qr_error_last()->message, "body sideways"));
	qr_registry_free(reg);

	qr_assert_ok(qr_registry_new(&reg, NULL));
	qr_assert_ok(qr_registry_map(NULL, reg, QR_MAPPING_OF(Member)));
	qr_assert_ok(qr_registry_map(NULL, reg, QR_MAPPING_OF(Message)));
	qr_assert_ok(qr_registry_map(NULL, reg, QR_MAPPING_OF(Note)));
	assert_int_equal(qr_registry_configure(reg), QR_EINVAL);
	assert_string_equal(
		qr_error_last()->message,
		"Could not determine join condition between parent/child "
		"tables on relationship Note.sender - there are multiple "
		"foreign key paths linking the tables.  Specify the "
		"'foreign_keys' argument, providing a list of those columns "
		"which should be counted as containing a foreign key "
		"reference to the parent table.");
	qr_registry_free(reg);
	(void)state;
}

static void test_tree(void **state)
{
	orm_fx *f = *state;
	const char *names[] = {"root", "a", "b", "a1"};
	Node *n[4];
	qr_objlist l = QR_OBJLIST_INIT;

	for (int i = 0; i < 4; i++) {
		n[i] = qr_new(f->s, Node);
		assert_non_null(n[i]);
		qr_assert_ok(qr_set_text(n[i], &n[i]->name, names[i]));
	}
	/* the grandchild first: the flush orders rows by their keys */
	qr_assert_ok(QR_APPEND(n[1], children, n[3]));
	qr_assert_ok(QR_APPEND(n[0], children, n[1]));
	qr_assert_ok(QR_APPEND(n[0], children, n[2]));
	assert_ptr_equal(n[3]->parent, n[1]);
	qr_assert_ok(qr_session_add(f->s, n[3]));
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_fk_nodes c "
				       "JOIN qt_fk_nodes p ON p.id = "
				       "c.parent_id WHERE p.name = 'root'"),
			 2);
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_fk_nodes "
				       "WHERE parent_id IS NULL"),
			 1);

	qr_session_expire_all(f->s);
	qr_assert_ok(QR_LOAD(n[0], children));
	orm_assert_list(&n[0]->children,
			"[<Node(name='a')>, <Node(name='b')>]");
	qr_assert_ok(QR_LOAD(n[3], parent));
	assert_ptr_equal(n[3]->parent, n[1]);
	qr_assert_ok(QR_LOAD(n[0], parent));
	assert_null(n[0]->parent);

	/* joined eager load of the same table: an alias */
	qr_session_expunge_all(f->s);
	qr_assert_ok(qr_query_all(
		&l, qr_joinedload(qr_query_filter(qr_query(f->s, Node),
						  qr_is_null(qr_attr(
							  Node, "parent_id"))),
				  Node, "children")));
	assert_int_equal(l.count, 1);
	orm_assert_list(&((Node *)l.items[0])->children,
			"[<Node(name='a')>, <Node(name='b')>]");
	qr_objlist_clear(&l);

	/* deleting a child's link: its parent_id becomes NULL */
	Node *root = NULL;
	qr_assert_ok(qr_query_one(
		(void **)&root, qr_query_filter_by(qr_query(f->s, Node), "name",
						   qr_val_text("root"))));
	qr_assert_ok(QR_LOAD(root, children));
	assert_int_equal(QR_REMOVE(root, children, root->children.items[1]), 1);
	qr_assert_ok(qr_session_commit(f->s));
	assert_int_equal(orm_scalar(f, "SELECT count(*) FROM qt_fk_nodes "
				       "WHERE parent_id IS NULL"),
			 2);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_foreign_keys,
						setup_messages, orm_teardown),
		cmocka_unit_test_setup_teardown(test_order_by_desc,
						setup_messages, orm_teardown),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test_setup_teardown(test_tree, setup_tree,
						orm_teardown),
	};
	return qr_test_run(argc, argv, "orm_foreign_keys", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
