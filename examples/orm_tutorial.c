/*
 * orm_tutorial.c - SQLAlchemy's Object Relational Tutorial in C with
 * quarry: connect, declare a mapping, create the schema, make an
 * instance, open a session, add and update, roll back, query (steps 1 to
 * 8), build a relationship and work with related objects (9, 10),
 * query with joins (11), eager loading (12), delete and cascades (13),
 * many-to-many (14): the whole tutorial.
 *
 *   orm_tutorial [URL] [-q]
 *
 * URL defaults to sqlite:///:memory:. The SQL sent is echoed on stderr
 * (the tutorial's echo=True) unless -q is given; the results are printed
 * on stdout in the tutorial's repr format.
 */
#include <quarry.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- step 2: declare a mapping ------------------------------------------ */

typedef struct User {
	int64_t id;
	char *name;
	char *fullname;
	char *password;
	qr_objlist addresses; /* step 9: of Address * */
	qr_objlist posts;     /* step 14: of BlogPost *, dynamic */
} User;

QR_MAPPING(User, "users", QR_FIELD(User, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(User, name, qr_string(50)),
	   QR_FIELD(User, fullname, qr_string(50)),
	   QR_FIELD(User, password, qr_string(12)),
	   QR_REPR("name", "fullname", "password"),
	   /* User.addresses = relationship("Address", order_by=Address.id,
	    *                               back_populates="user") */
	   QR_ONE_TO_MANY(User, addresses, "Address", .order_by = "id",
			  .back_populates = "user"),
	   /* step 14: User.posts = relationship(BlogPost,
	    *     back_populates="author", lazy="dynamic") */
	   QR_ONE_TO_MANY(User, posts, "BlogPost", .back_populates = "author",
			  .lazy = QR_LAZY_DYNAMIC));

/* ---- step 9: building a relationship ------------------------------------ */

typedef struct Address {
	int64_t id;
	char *email_address;
	int64_t user_id;
	User *user;
} Address;

QR_MAPPING(Address, "addresses",
	   QR_FIELD(Address, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Address, email_address, qr_string(50), .not_null = true),
	   QR_FIELD(Address, user_id, QR_INTEGER, .foreign_key = "users.id"),
	   QR_MANY_TO_ONE(Address, user, "User", .back_populates = "addresses"),
	   QR_REPR("email_address"));

/* ---- step 13: the same classes with cascade="all, delete-orphan" -------- */

/* The tutorial re-declares User and Address on a new declarative base;
 * in C, new mapping names over the same structs and tables. */
typedef User UserC;
typedef Address AddressC;

QR_MAPPING(UserC, "users", QR_FIELD(UserC, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(UserC, name, qr_string(50)),
	   QR_FIELD(UserC, fullname, qr_string(50)),
	   QR_FIELD(UserC, password, qr_string(12)),
	   QR_REPR("name", "fullname", "password"),
	   QR_ONE_TO_MANY(UserC, addresses, "AddressC",
			  .back_populates = "user",
			  .cascade = QR_CASCADE_ALL |
				     QR_CASCADE_DELETE_ORPHAN));

QR_MAPPING(AddressC, "addresses",
	   QR_FIELD(AddressC, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(AddressC, email_address, qr_string(50), .not_null = true),
	   QR_FIELD(AddressC, user_id, QR_INTEGER, .foreign_key = "users.id"),
	   QR_MANY_TO_ONE(AddressC, user, "UserC",
			  .back_populates = "addresses"),
	   QR_REPR("email_address"));

/* ---- step 14: many-to-many ---------------------------------------------- */

typedef struct BlogPost {
	int64_t id;
	int64_t user_id;
	char *headline;
	char *body;
	User *author;
	qr_objlist keywords; /* of Keyword * */
} BlogPost;

QR_MAPPING(BlogPost, "posts",
	   QR_FIELD(BlogPost, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(BlogPost, user_id, QR_INTEGER, .foreign_key = "users.id"),
	   QR_FIELD(BlogPost, headline, qr_string(255), .not_null = true),
	   QR_FIELD(BlogPost, body, QR_TEXT),
	   QR_MANY_TO_ONE(BlogPost, author, "User", .back_populates = "posts"),
	   /* keywords = relationship('Keyword', secondary=post_keywords,
	    *                         back_populates='posts') */
	   QR_MANY_TO_MANY(BlogPost, keywords, "Keyword",
			   .secondary = "post_keywords",
			   .back_populates = "posts"),
	   /* "BlogPost(%r, %r, %r)" % (headline, body, author) */
	   QR_REPR_POSITIONAL("headline", "body", "author"));

typedef struct Keyword {
	int64_t id;
	char *keyword;
	qr_objlist posts; /* of BlogPost * */
} Keyword;

QR_MAPPING(Keyword, "keywords",
	   QR_FIELD(Keyword, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Keyword, keyword, qr_string(50), .not_null = true,
		    .unique = true),
	   QR_MANY_TO_MANY(Keyword, posts, "BlogPost",
			   .secondary = "post_keywords",
			   .back_populates = "keywords"),
	   QR_REPR("keyword"));

/* ---- helpers ---------------------------------------------------------- */

static void die(const char *what)
{
	const qr_error *e = qr_error_last();
	fprintf(stderr, "%s failed: %s: %s\n", what, qr_errclass_name(e->klass),
		e->message);
	exit(1);
}

#define CHECK(call)                 \
	do {                        \
		if ((call) < 0)     \
			die(#call); \
	} while (0)

static void heading(const char *title)
{
	printf("\n== %s ==\n", title);
}

/* print(obj) */
static void print_obj(const void *obj)
{
	char *r;
	if (!obj) {
		printf("None\n");
		return;
	}
	CHECK(qr_object_repr(&r, obj));
	printf("%s\n", r);
	qr_free(r);
}

/* print(list) */
static void print_list(const qr_objlist *list)
{
	char *r;
	CHECK(qr_objlist_repr(&r, list));
	printf("%s\n", r);
	qr_free(r);
}

/* print(session.dirty) etc.: IdentitySet([...]) */
static void print_set(const char *what, int (*get)(qr_objlist *, qr_session *),
		      qr_session *s)
{
	qr_objlist l = QR_OBJLIST_INIT;
	char *r;
	CHECK(get(&l, s));
	CHECK(qr_objlist_repr(&r, &l));
	printf("%s: IdentitySet(%s)\n", what, r);
	qr_free(r);
	qr_objlist_clear(&l);
}

/* print(query.all()) for an entity query */
static void print_all(qr_query *q)
{
	qr_objlist l = QR_OBJLIST_INIT;
	CHECK(qr_query_all(&l, q));
	print_list(&l);
	qr_objlist_clear(&l);
}

/* for row in query: print(row) */
static void print_rows(qr_query *q)
{
	qr_orm_result *r;
	const qr_orm_row *row;
	char *text;
	int rc;

	CHECK(qr_query_execute(&r, q));
	while ((rc = qr_orm_result_next(r, &row)) == 1) {
		CHECK(qr_orm_row_repr(&text, row));
		printf("%s\n", text);
		qr_free(text);
	}
	CHECK(rc);
	qr_orm_result_free(r);
}

/* for obj in query: print(obj) */
static void print_each(qr_query *q)
{
	qr_objlist l = QR_OBJLIST_INIT;
	CHECK(qr_query_all(&l, q));
	for (size_t i = 0; i < l.count; i++)
		print_obj(l.items[i]);
	qr_objlist_clear(&l);
}

/* A column value as str() would print it. */
static void print_value(const qr_value *v)
{
	const char *s;
	int64_t i;
	if (qr_value_text(v, &s, NULL) == 0)
		printf("%s", s);
	else if (qr_value_int64(v, &i) == 0)
		printf("%" PRId64, i);
	else
		printf("None");
}

/* for name, in query: print(name) */
static void print_names(qr_query *q)
{
	qr_orm_result *r;
	const qr_orm_row *row;
	int rc;

	CHECK(qr_query_execute(&r, q));
	while ((rc = qr_orm_result_next(r, &row)) == 1) {
		print_value(qr_orm_row_value(row, 0));
		printf("\n");
	}
	CHECK(rc);
	qr_orm_result_free(r);
}

static const char *names_ed_fakeuser[] = {"Edwardo", "fakeuser"};
static const char *names_ed_fake[] = {"ed", "fakeuser"};

/* Drops the tables of the later steps, which reference users, left by
 * an earlier run that stopped half-way (not echoed). */
static void drop_leftovers(qr_engine *engine)
{
	static const char *const tables[] = {"post_keywords", "posts",
					     "keywords", "addresses"};
	qr_engine *quiet;
	qr_conn *conn;
	char *url;

	if (qr_url_render(&url, qr_engine_url(engine), false) != 0)
		return;
	if (qr_engine_create(&quiet, url, NULL) == 0 &&
	    qr_engine_connect(&conn, quiet) == 0) {
		for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]);
		     i++) {
			char sql[64];
			qr_stmt *st;
			snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s",
				 tables[i]);
			st = qr_text(sql);
			if (qr_conn_execute(NULL, conn, st, NULL) == 0)
				qr_conn_commit(conn);
			else
				qr_conn_rollback(conn);
			qr_stmt_free(st);
		}
		qr_conn_free(conn);
		qr_engine_free(quiet);
	}
	qr_free(url);
}

/* The whole tutorial on url; results on stdout, SQL on stderr when echo.
 * Exits on the first error. */
static int orm_tutorial(const char *url, bool echo)
{
	bool server;
	qr_engine *engine;
	qr_registry *Base;
	qr_mapper *user_mapper;
	qr_sessionmaker *Session;
	qr_session *session;
	char *text;

	/* ---- step 1: connect ------------------------------------------------
	 */
	heading("Connecting");
	CHECK(qr_engine_create(&engine, url,
			       &(qr_engine_options){.echo = echo}));
	CHECK(qr_url_render(&text, qr_engine_url(engine), true));
	printf("Engine(%s)\n", text);
	qr_free(text);
	server = strcmp(qr_engine_dialect_name(engine), "sqlite") != 0;

	/* ---- step 2: declare a mapping
	 * --------------------------------------- */
	heading("Declare a Mapping");
	CHECK(qr_registry_new(&Base, NULL));
	CHECK(qr_registry_map(&user_mapper, Base, QR_MAPPING_OF(User)));
	{
		qr_table *t = qr_mapper_table(user_mapper);
		printf("Table('%s', MetaData()", qr_table_name(t));
		for (size_t i = 0; i < qr_table_column_count(t); i++) {
			qr_column *c = qr_table_column_at(t, i);
			char type[64];
			CHECK(qr_type_render(type, sizeof(type),
					     qr_column_type(c), "sqlite"));
			printf(", Column('%s', %s, table=<%s>%s)",
			       qr_column_name(c), type, qr_table_name(t),
			       qr_column_is_primary_key(c)
				       ? ", primary_key=True, nullable=False"
				       : "");
		}
		printf(", schema=None)\n");
	}

	/* ---- step 3: create a schema
	 * ------------------------------------------ */
	heading("Create a Schema");
	if (server) { /* leave no table behind from an earlier run */
		drop_leftovers(engine);
		CHECK(qr_metadata_drop_all(qr_registry_metadata(Base), engine));
	}
	CHECK(qr_metadata_create_all(qr_registry_metadata(Base), engine));

	/* ---- step 4: create an instance
	 * -------------------------------------- */
	heading("Create an Instance of the Mapped Class");
	User *ed_user = qr_new_transient(User); /* ours until added */
	if (!ed_user)
		die("qr_new_transient");
	CHECK(qr_set_text(ed_user, &ed_user->name, "ed"));
	CHECK(qr_set_text(ed_user, &ed_user->fullname, "Ed Jones"));
	CHECK(qr_set_text(ed_user, &ed_user->password, "edspassword"));
	printf("ed_user.name: %s\n", ed_user->name);
	printf("ed_user.password: %s\n", ed_user->password);
	printf("str(ed_user.id): %s\n",
	       QR_IS_NULL(ed_user, id) ? "None" : "(set)");

	/* ---- step 5: creating a session
	 * --------------------------------------- */
	heading("Creating a Session");
	CHECK(qr_sessionmaker_new(&Session, engine,
				  &(qr_session_options){.registry = Base}));
	CHECK(qr_sessionmaker_open(&session, Session));
	printf("ed_user is %s\n", qr_objstate_name(qr_object_state(ed_user)));

	/* ---- step 6: adding and updating objects
	 * ------------------------------- */
	heading("Adding and Updating Objects");
	CHECK(qr_session_add(session, ed_user));
	User *our_user;
	CHECK(qr_query_first(&our_user,
			     qr_query_filter_by(qr_query(session, User), "name",
						qr_val_text("ed"))));
	print_obj(our_user);
	printf("ed_user is our_user: %s\n",
	       ed_user == our_user ? "True" : "False");

	User *wendy = qr_new(session, User), *mary = qr_new(session, User),
	     *fred = qr_new(session, User);
	if (!wendy || !mary || !fred)
		die("qr_new");
	QR_SET_TEXT(wendy, name, "wendy");
	QR_SET_TEXT(wendy, fullname, "Wendy Williams");
	QR_SET_TEXT(wendy, password, "foobar");
	QR_SET_TEXT(mary, name, "mary");
	QR_SET_TEXT(mary, fullname, "Mary Contrary");
	QR_SET_TEXT(mary, password, "xxg527");
	QR_SET_TEXT(fred, name, "fred");
	QR_SET_TEXT(fred, fullname, "Fred Flinstone");
	QR_SET_TEXT(fred, password, "blah");
	CHECK(QR_ADD_ALL(session, wendy, mary, fred));

	CHECK(qr_set_text(ed_user, &ed_user->password, "f8s7ccs"));
	print_set("session.dirty", qr_session_dirty_list, session);
	print_set("session.new", qr_session_new_list, session);
	CHECK(qr_session_commit(session));
	/* Expired by the commit: reading the id loads the row again. */
	CHECK(qr_session_load(session, ed_user));
	printf("ed_user.id: %" PRId64 "\n", ed_user->id);

	/* ---- step 7: rolling back
	 * ------------------------------------------------ */
	heading("Rolling Back");
	CHECK(qr_session_load(session, ed_user));
	CHECK(qr_set_text(ed_user, &ed_user->name, "Edwardo"));
	User *fake_user = qr_new(session, User);
	if (!fake_user)
		die("qr_new");
	QR_SET_TEXT(fake_user, name, "fakeuser");
	QR_SET_TEXT(fake_user, fullname, "Invalid");
	QR_SET_TEXT(fake_user, password, "12345");
	CHECK(qr_session_add(session, fake_user));
	print_all(qr_query_filter(
		qr_query(session, User),
		qr_in_texts(qr_attr(User, "name"), names_ed_fakeuser, 2)));
	CHECK(qr_session_rollback(session));
	CHECK(qr_session_load(session, ed_user));
	printf("ed_user.name: %s\n", ed_user->name);
	printf("fake_user in session: %s\n",
	       qr_session_contains(session, fake_user) ? "True" : "False");
	print_all(qr_query_filter(
		qr_query(session, User),
		qr_in_texts(qr_attr(User, "name"), names_ed_fake, 2)));

	/* ---- step 8: querying
	 * ------------------------------------------------------ */
	heading("Querying");
	{
		qr_objlist l = QR_OBJLIST_INIT;
		CHECK(qr_query_all(&l,
				   qr_query_order_by(qr_query(session, User),
						     qr_attr(User, "id"))));
		for (size_t i = 0; i < l.count; i++) {
			User *u = l.items[i];
			printf("%s %s\n", u->name, u->fullname);
		}
		qr_objlist_clear(&l);
	}
	{
		qr_orm_result *r;
		const qr_orm_row *row;
		CHECK(qr_query_execute(
			&r, qr_query_new(session, qr_attr(User, "name"),
					 qr_attr(User, "fullname"))));
		while (qr_orm_result_next(r, &row) == 1) {
			print_value(qr_orm_row_value(row, 0));
			printf(" ");
			print_value(qr_orm_row_value(row, 1));
			printf("\n");
		}
		qr_orm_result_free(r);
	}
	{
		qr_orm_result *r;
		const qr_orm_row *row;
		CHECK(qr_query_execute(&r,
				       qr_query_new(session, qr_entity(User),
						    qr_attr(User, "name"))));
		while (qr_orm_result_next(r, &row) == 1) {
			CHECK(qr_object_repr(
				&text,
				qr_orm_row_object(row, (size_t)qr_orm_row_index(
							       row, "User"))));
			printf("%s ", text);
			qr_free(text);
			print_value(qr_orm_row_value(
				row, (size_t)qr_orm_row_index(row, "name")));
			printf("\n");
		}
		qr_orm_result_free(r);
	}
	{
		qr_orm_result *r;
		const qr_orm_row *row;
		CHECK(qr_query_execute(
			&r,
			qr_query_new(session, qr_label(qr_attr(User, "name"),
						       "name_label"))));
		while (qr_orm_result_next(r, &row) == 1) {
			print_value(qr_orm_row_value(
				row,
				(size_t)qr_orm_row_index(row, "name_label")));
			printf("\n");
		}
		qr_orm_result_free(r);
	}
	{
		qr_expr *user_alias = qr_aliased(User, "user_alias");
		qr_orm_result *r;
		const qr_orm_row *row;
		CHECK(qr_query_execute(
			&r, qr_query_new(session, qr_expr_ref(user_alias),
					 qr_alias_attr(user_alias, "name"))));
		while (qr_orm_result_next(r, &row) == 1)
			print_obj(qr_orm_row_object(
				row,
				(size_t)qr_orm_row_index(row, "user_alias")));
		qr_orm_result_free(r);
		qr_expr_free(user_alias);
	}
	printf("-- order_by(User.id)[1:3]\n");
	print_each(qr_query_slice(
		qr_query_order_by(qr_query(session, User), qr_attr(User, "id")),
		1, 3));
	printf("-- filter_by(fullname='Ed Jones')\n");
	print_names(
		qr_query_filter_by(qr_query_new(session, qr_attr(User, "name")),
				   "fullname", qr_val_text("Ed Jones")));
	printf("-- filter(User.fullname == 'Ed Jones')\n");
	print_names(qr_query_filter(
		qr_query_new(session, qr_attr(User, "name")),
		qr_eq(qr_attr(User, "fullname"), qr_bind_text("Ed Jones"))));
	printf("-- filter(User.name == 'ed').filter(User.fullname == 'Ed "
	       "Jones')\n");
	print_each(qr_query_filter(
		qr_query_filter(
			qr_query(session, User),
			qr_eq(qr_attr(User, "name"), qr_bind_text("ed"))),
		qr_eq(qr_attr(User, "fullname"), qr_bind_text("Ed Jones"))));

	heading("Common Filter Operators");
	printf("-- equals\n");
	print_all(qr_query_filter(
		qr_query(session, User),
		qr_eq(qr_attr(User, "name"), qr_bind_text("ed"))));
	printf("-- not equals\n");
	print_all(qr_query_order_by(qr_query_filter(qr_query(session, User),
						    qr_ne(qr_attr(User, "name"),
							  qr_bind_text("ed"))),
				    qr_attr(User, "id")));
	printf("-- LIKE\n");
	print_all(qr_query_filter(
		qr_query(session, User),
		qr_like(qr_attr(User, "name"), qr_bind_text("%ed%"))));
	printf("-- ILIKE\n");
	print_all(qr_query_filter(
		qr_query(session, User),
		qr_ilike(qr_attr(User, "name"), qr_bind_text("%ED%"))));
	printf("-- IN\n");
	{
		static const char *const in[] = {"ed", "wendy", "jack"};
		print_all(qr_query_order_by(
			qr_query_filter(
				qr_query(session, User),
				qr_in_texts(qr_attr(User, "name"), in, 3)),
			qr_attr(User, "id")));
	}
	printf("-- IN (subquery)\n");
	{
		qr_query *sub = qr_query_filter(
			qr_query_new(session, qr_attr(User, "name")),
			qr_like(qr_attr(User, "name"), qr_bind_text("%ed%")));
		qr_stmt *subsel = qr_query_statement(sub);
		qr_query_free(sub);
		print_all(qr_query_order_by(
			qr_query_filter(qr_query(session, User),
					qr_in(qr_attr(User, "name"), subsel)),
			qr_attr(User, "id")));
	}
	printf("-- NOT IN\n");
	{
		static const char *const in[] = {"ed", "wendy", "jack"};
		print_all(qr_query_order_by(
			qr_query_filter(qr_query(session, User),
					qr_not(qr_in_texts(
						qr_attr(User, "name"), in, 3))),
			qr_attr(User, "id")));
	}
	printf("-- IS NULL\n");
	print_all(qr_query_filter(qr_query(session, User),
				  qr_is_null(qr_attr(User, "name"))));
	printf("-- IS NOT NULL\n");
	print_all(qr_query_order_by(
		qr_query_filter(qr_query(session, User),
				qr_is_not_null(qr_attr(User, "name"))),
		qr_attr(User, "id")));
	printf("-- AND\n");
	print_all(qr_query_filter(
		qr_query(session, User),
		qr_and(qr_eq(qr_attr(User, "name"), qr_bind_text("ed")),
		       qr_eq(qr_attr(User, "fullname"),
			     qr_bind_text("Ed Jones")))));
	printf("-- OR\n");
	print_all(qr_query_order_by(
		qr_query_filter(
			qr_query(session, User),
			qr_or(qr_eq(qr_attr(User, "name"), qr_bind_text("ed")),
			      qr_eq(qr_attr(User, "name"),
				    qr_bind_text("wendy")))),
		qr_attr(User, "id")));

	heading("Returning Lists and Scalars");
	{
		qr_query *query = qr_query_order_by(
			qr_query_filter(qr_query(session, User),
					qr_like(qr_attr(User, "name"),
						qr_bind_text("%ed"))),
			qr_attr(User, "id"));
		User *user;
		int rc;
		int64_t id;

		printf("query.all(): ");
		print_all(qr_query_ref(query));
		printf("query.first(): ");
		CHECK(qr_query_first(&user, qr_query_ref(query)));
		print_obj(user);
		rc = qr_query_one(&user, qr_query_ref(query));
		printf("query.one(): %s: %s\n",
		       rc == QR_EMULTIPLE ? "MultipleResultsFound" : "?",
		       qr_error_last()->message);
		rc = qr_query_one(&user,
				  qr_query_filter(qr_query_ref(query),
						  qr_eq(qr_attr(User, "id"),
							qr_bind_int(99))));
		printf("query.filter(User.id == 99).one(): %s: %s\n",
		       rc == QR_ENORESULT ? "NoResultFound" : "?",
		       qr_error_last()->message);
		rc = qr_query_one_or_none(
			&user, qr_query_filter(qr_query_ref(query),
					       qr_eq(qr_attr(User, "id"),
						     qr_bind_int(99))));
		printf("query.filter(User.id == 99).one_or_none(): ");
		CHECK(rc);
		print_obj(user);
		qr_query_free(query);
		CHECK(qr_query_scalar_int64(
			&id, qr_query_order_by(
				     qr_query_filter(
					     qr_query_new(session,
							  qr_attr(User, "id")),
					     qr_eq(qr_attr(User, "name"),
						   qr_bind_text("ed"))),
				     qr_attr(User, "id"))));
		printf("query.scalar(): %" PRId64 "\n", id);
	}

	heading("Using Textual SQL");
	{
		qr_objlist l = QR_OBJLIST_INIT;
		qr_params *p;
		User *user;

		CHECK(qr_query_all(
			&l, qr_query_order_by(
				    qr_query_filter(qr_query(session, User),
						    qr_text("id<224")),
				    qr_text("id"))));
		for (size_t i = 0; i < l.count; i++)
			printf("%s\n", ((User *)l.items[i])->name);
		qr_objlist_clear(&l);

		p = qr_params_new();
		qr_params_int(p, "value", 224);
		qr_params_text(p, "name", "fred");
		CHECK(qr_query_one(
			&user,
			qr_query_order_by(
				qr_query_params(
					qr_query_filter(qr_query(session, User),
							qr_text("id<:value and "
								"name=:name")),
					p),
				qr_attr(User, "id"))));
		print_obj(user);

		p = qr_params_new();
		qr_params_text(p, "name", "ed");
		print_all(qr_query_params(
			qr_query_from_statement(qr_query(session, User),
						qr_text("SELECT * FROM users "
							"where name=:name")),
			p));

		p = qr_params_new();
		qr_params_text(p, "name", "ed");
		print_all(qr_query_params(
			qr_query_from_statement(
				qr_query(session, User),
				qr_text("SELECT name, id, fullname, password "
					"FROM users where name=:name")),
			p));

		p = qr_params_new();
		qr_params_text(p, "name", "ed");
		print_rows(qr_query_params(
			qr_query_from_statement(
				qr_query_new(session, qr_attr(User, "id"),
					     qr_attr(User, "name")),
				qr_text("SELECT name, id FROM users where "
					"name=:name")),
			p));
	}

	heading("Counting");
	{
		int64_t n;
		CHECK(qr_query_count(
			&n, qr_query_filter(qr_query(session, User),
					    qr_like(qr_attr(User, "name"),
						    qr_bind_text("%ed")))));
		printf("count(): %" PRId64 "\n", n);
		print_rows(qr_query_order_by(
			qr_query_group_by(
				qr_query_new(session,
					     qr_count(qr_attr(User, "name")),
					     qr_attr(User, "name")),
				qr_attr(User, "name")),
			qr_attr(User, "name")));
		CHECK(qr_query_scalar_int64(
			&n, qr_query_select_from(
				    qr_query_new(session, qr_count_star()),
				    qr_entity(User))));
		printf("count(*) select_from(User): %" PRId64 "\n", n);
		CHECK(qr_query_scalar_int64(
			&n,
			qr_query_new(session, qr_count(qr_attr(User, "id")))));
		printf("count(User.id): %" PRId64 "\n", n);
	}

	/* ---- step 9: building a relationship
	 * ------------------------------------------ */
	heading("Building a Relationship");
	CHECK(qr_registry_map(NULL, Base, QR_MAPPING_OF(Address)));
	/* end the session's transaction: on SQLite :memory: the engine has
	 * one connection, which the DDL below needs */
	CHECK(qr_session_commit(session));
	/* Base.metadata.create_all(engine): only addresses is new */
	CHECK(qr_metadata_create_all(qr_registry_metadata(Base), engine));

	/* ---- step 10: working with related objects
	 * ----------------------------------- */
	heading("Working with Related Objects");
	{
		User *jack = qr_new(session, User);
		Address *a1 = qr_new(session, Address);
		Address *a2 = qr_new(session, Address);
		if (!jack || !a1 || !a2)
			die("qr_new");
		CHECK(QR_SET_TEXT(jack, name, "jack"));
		CHECK(QR_SET_TEXT(jack, fullname, "Jack Bean"));
		CHECK(QR_SET_TEXT(jack, password, "gjffdd"));
		printf("jack.addresses: ");
		print_list(&jack->addresses);
		CHECK(QR_SET_TEXT(a1, email_address, "jack@google.com"));
		CHECK(QR_SET_TEXT(a2, email_address, "j25@yahoo.com"));
		/* jack.addresses = [Address(...), Address(...)] */
		CHECK(QR_APPEND(jack, addresses, a1));
		CHECK(QR_APPEND(jack, addresses, a2));
		printf("jack.addresses[1]: ");
		print_obj(qr_objlist_get(&jack->addresses, 1));
		printf("jack.addresses[1].user: ");
		print_obj(
			((Address *)qr_objlist_get(&jack->addresses, 1))->user);
		/* adding jack cascades to his addresses */
		CHECK(qr_session_add(session, jack));
		CHECK(qr_session_commit(session));

		CHECK(qr_query_one(&jack,
				   qr_query_filter_by(qr_query(session, User),
						      "name",
						      qr_val_text("jack"))));
		printf("jack: ");
		print_obj(jack);
		/* jack.addresses: the lazy load */
		CHECK(QR_LOAD(jack, addresses));
		printf("jack.addresses: ");
		print_list(&jack->addresses);
	}

	/* ---- step 11: querying with joins
	 * --------------------------------------------- */
	heading("Querying with Joins");
	/* for u, a in session.query(User, Address).
	 *     filter(User.id==Address.user_id).
	 *     filter(Address.email_address=='jack@google.com').all() */
	{
		qr_orm_result *r;
		const qr_orm_row *row;
		CHECK(qr_query_execute(
			&r, qr_query_filter(
				    qr_query_new(session, qr_entity(User),
						 qr_entity(Address)),
				    qr_eq(qr_attr(User, "id"),
					  qr_attr(Address, "user_id")),
				    qr_eq(qr_attr(Address, "email_address"),
					  qr_bind_text("jack@google.com")))));
		while (qr_orm_result_next(r, &row) == 1) {
			print_obj(qr_orm_row_object(row, 0));
			print_obj(qr_orm_row_object(row, 1));
		}
		qr_orm_result_free(r);
	}
	/* session.query(User).join(Address).filter(...).all() */
	print_all(qr_query_filter(qr_query_join(qr_query(session, User),
						qr_entity(Address), NULL),
				  qr_eq(qr_attr(Address, "email_address"),
					qr_bind_text("jack@google.com"))));
	/* query.join(Address, User.id==Address.user_id) */
	print_all(qr_query_filter(
		qr_query_join(qr_query(session, User), qr_entity(Address),
			      qr_eq(qr_attr(User, "id"),
				    qr_attr(Address, "user_id"))),
		qr_eq(qr_attr(Address, "email_address"),
		      qr_bind_text("jack@google.com"))));
	/* query.join(User.addresses) */
	print_all(qr_query_filter(
		qr_query_join_along(qr_query(session, User), User, "addresses"),
		qr_eq(qr_attr(Address, "email_address"),
		      qr_bind_text("jack@google.com"))));

	heading("Using Aliases");
	{
		qr_expr *adalias1 = qr_aliased(Address, "addresses_1");
		qr_expr *adalias2 = qr_aliased(Address, "addresses_2");
		print_rows(qr_query_filter(
			qr_query_join_rel(
				qr_query_join_rel(
					qr_query_new(
						session, qr_attr(User, "name"),
						qr_alias_attr(adalias1,
							      "email_address"),
						qr_alias_attr(adalias2,
							      "email_address")),
					QR_MAPPING_OF(User), "addresses",
					qr_expr_ref(adalias1)),
				QR_MAPPING_OF(User), "addresses",
				qr_expr_ref(adalias2)),
			qr_eq(qr_alias_attr(adalias1, "email_address"),
			      qr_bind_text("jack@google.com")),
			qr_eq(qr_alias_attr(adalias2, "email_address"),
			      qr_bind_text("j25@yahoo.com"))));
		qr_expr_free(adalias1);
		qr_expr_free(adalias2);
	}

	heading("Using Subqueries");
	{
		/* stmt = session.query(Address.user_id,
		 *     func.count('*').label('address_count')).
		 *     group_by(Address.user_id).subquery() */
		qr_expr *stmt = qr_query_subquery(
			qr_query_group_by(
				qr_query_new(session,
					     qr_attr(Address, "user_id"),
					     qr_label(qr_count_star(),
						      "address_count")),
				qr_attr(Address, "user_id")),
			"anon_1");
		print_rows(qr_query_order_by(
			qr_query_outerjoin(
				qr_query_new(session, qr_entity(User),
					     qr_c(stmt, "address_count")),
				qr_expr_ref(stmt),
				qr_eq(qr_attr(User, "id"),
				      qr_c(stmt, "user_id"))),
			qr_attr(User, "id")));
		qr_expr_free(stmt);
	}

	heading("Selecting Entities from Subqueries");
	{
		/* stmt = session.query(Address).filter(
		 *     Address.email_address != 'j25@yahoo.com').subquery()
		 * addr_alias = aliased(Address, stmt) */
		qr_expr *addr_alias = qr_aliased_from(
			Address,
			qr_query_subquery(
				qr_query_filter(
					qr_query(session, Address),
					qr_ne(qr_attr(Address, "email_address"),
					      qr_bind_text("j25@yahoo.com"))),
				"anon_1"),
			"addr_alias");
		qr_orm_result *r;
		const qr_orm_row *row;
		CHECK(qr_query_execute(
			&r,
			qr_query_join_rel(qr_query_new(session, qr_entity(User),
						       qr_expr_ref(addr_alias)),
					  QR_MAPPING_OF(User), "addresses",
					  qr_expr_ref(addr_alias))));
		while (qr_orm_result_next(r, &row) == 1) {
			print_obj(qr_orm_row_object(row, 0));
			print_obj(qr_orm_row_object(row, 1));
		}
		qr_orm_result_free(r);
		qr_expr_free(addr_alias);
	}

	heading("Using EXISTS");
	/* stmt = exists().where(Address.user_id==User.id) */
	print_names(qr_query_filter(
		qr_query_new(session, qr_attr(User, "name")),
		qr_exists(qr_select(
			qr_star(), qr_from(qr_mapper_table(QR_MAPPER(Address))),
			qr_where(qr_eq(qr_attr(Address, "user_id"),
				       qr_attr(User, "id")))))));
	/* User.addresses.any() */
	print_names(
		qr_query_filter(qr_query_new(session, qr_attr(User, "name")),
				qr_any(User, "addresses", NULL)));
	/* User.addresses.any(Address.email_address.like('%google%')) */
	print_names(qr_query_filter(
		qr_query_new(session, qr_attr(User, "name")),
		qr_any(User, "addresses",
		       qr_like(qr_attr(Address, "email_address"),
			       qr_bind_text("%google%")))));
	/* ~Address.user.has(User.name=='jack') */
	print_all(qr_query_filter(qr_query(session, Address),
				  qr_not(qr_has(Address, "user",
						qr_eq(qr_attr(User, "name"),
						      qr_bind_text("jack"))))));

	heading("Common Relationship Operators");
	{
		User *someuser;
		Address *someaddress;
		CHECK(qr_query_one(&someuser,
				   qr_query_filter_by(qr_query(session, User),
						      "name",
						      qr_val_text("jack"))));
		CHECK(qr_query_first(
			&someaddress,
			qr_query_order_by(qr_query(session, Address),
					  qr_attr(Address, "id"))));
		/* query.filter(Address.user == someuser) */
		print_all(qr_query_filter(
			qr_query(session, Address),
			qr_rel_eq(QR_MAPPING_OF(Address), "user", someuser)));
		/* query.filter(Address.user != someuser) */
		print_all(qr_query_filter(
			qr_query(session, Address),
			qr_rel_ne(QR_MAPPING_OF(Address), "user", someuser)));
		/* query.filter(Address.user == None) */
		print_all(qr_query_filter(
			qr_query(session, Address),
			qr_rel_eq(QR_MAPPING_OF(Address), "user", NULL)));
		/* query.filter(User.addresses.contains(someaddress)) */
		print_all(qr_query_filter(qr_query(session, User),
					  qr_collection_contains(User,
								 "addresses",
								 someaddress)));
		/* session.query(Address).with_parent(someuser, 'addresses') */
		print_all(qr_query_with_parent(qr_query(session, Address),
					       someuser, "addresses"));
	}

	/* ---- step 12: eager loading
	 * ---------------------------------------------------- */
	heading("Eager Loading");
	{
		User *jack;
		Address *a;
		qr_objlist jacks_addresses = QR_OBJLIST_INIT;
		qr_session_stats st;

		/* jack's addresses are loaded since step 10: expire him so
		 * that the queries below load them again */
		CHECK(qr_query_one(&jack,
				   qr_query_filter_by(qr_query(session, User),
						      "name",
						      qr_val_text("jack"))));
		CHECK(qr_session_expire(session, jack));

		/* Selectin Load: session.query(User).
		 *     options(selectinload(User.addresses)).
		 *     filter_by(name='jack').one() */
		qr_session_reset_stats(session);
		CHECK(qr_query_one(
			&jack,
			qr_selectinload(
				qr_query_filter_by(qr_query(session, User),
						   "name", qr_val_text("jack")),
				User, "addresses")));
		qr_session_get_stats(&st, session);
		printf("selectinload: ");
		print_obj(jack);
		printf("jack.addresses: ");
		print_list(&jack->addresses);
		printf("statements: %" PRIu64 "\n", st.statements);

		/* Joined Load: options(joinedload(User.addresses)) */
		CHECK(qr_session_expire(session, jack));
		qr_session_reset_stats(session);
		CHECK(qr_query_one(
			&jack,
			qr_joinedload(
				qr_query_filter_by(qr_query(session, User),
						   "name", qr_val_text("jack")),
				User, "addresses")));
		qr_session_get_stats(&st, session);
		printf("joinedload: ");
		print_obj(jack);
		printf("jack.addresses: ");
		print_list(&jack->addresses);
		printf("statements: %" PRIu64 "\n", st.statements);

		/* Explicit Join + Eagerload: session.query(Address).
		 *     join(Address.user).filter(User.name=='jack').
		 *     options(contains_eager(Address.user)).all() */
		CHECK(qr_query_all(
			&jacks_addresses,
			qr_query_contains_eager(
				qr_query_filter(
					qr_query_join_along(
						qr_query(session, Address),
						Address, "user"),
					qr_eq(qr_attr(User, "name"),
					      qr_bind_text("jack"))),
				QR_MAPPING_OF(Address), "user", NULL)));
		printf("jacks_addresses: ");
		print_list(&jacks_addresses);
		a = qr_objlist_get(&jacks_addresses, 0);
		printf("jacks_addresses[0].user: ");
		print_obj(a ? a->user : NULL);
		qr_objlist_clear(&jacks_addresses);
	}

	/* ---- step 13: deleting
	 * --------------------------------------------------------- */
	heading("Deleting");
	int64_t jack_id;
	{
		static const char *emails[] = {"jack@google.com",
					       "j25@yahoo.com"};
		User *jack;
		int64_t n;

		CHECK(qr_query_one(&jack,
				   qr_query_filter_by(qr_query(session, User),
						      "name",
						      qr_val_text("jack"))));
		/* session.delete(jack): no cascade, his addresses stay */
		CHECK(qr_session_delete(session, jack));
		CHECK(qr_query_count(
			&n, qr_query_filter_by(qr_query(session, User), "name",
					       qr_val_text("jack"))));
		printf("users named jack: %" PRId64 "\n", n);
		CHECK(qr_query_count(
			&n,
			qr_query_filter(
				qr_query(session, Address),
				qr_in_texts(qr_attr(Address, "email_address"),
					    emails, 2))));
		printf("jack's addresses: %" PRId64 "\n", n);
		jack_id = jack->id;
	}

	heading("Configuring delete/delete-orphan Cascade");
	{
		static const char *emails[] = {"jack@google.com",
					       "j25@yahoo.com"};
		qr_registry *Base2;
		qr_session *s2;
		UserC *jack;
		int64_t n;

		qr_session_close(session); /* session.close() */
		CHECK(qr_registry_new(&Base2, NULL));
		CHECK(qr_registry_map(NULL, Base2, QR_MAPPING_OF(UserC)));
		CHECK(qr_registry_map(NULL, Base2, QR_MAPPING_OF(AddressC)));
		CHECK(qr_session_new(&s2, engine,
				     &(qr_session_options){.registry = Base2}));
		/* jack = session.get(User, 5) (his id is 5 on SQLite; a
		 * server's sequence also counted the rolled-back fakeuser) */
		if (qr_get(&jack, s2, UserC, qr_val_int(jack_id)) != 1)
			die("qr_get");
		/* del jack.addresses[1] */
		CHECK(QR_LOAD(jack, addresses));
		CHECK(QR_REMOVE(jack, addresses,
				qr_objlist_get(&jack->addresses, 1)));
		CHECK(qr_query_count(
			&n,
			qr_query_filter(
				qr_query(s2, AddressC),
				qr_in_texts(qr_attr(AddressC, "email_address"),
					    emails, 2))));
		printf("jack's addresses: %" PRId64 "\n", n);
		/* session.delete(jack): his addresses go with him */
		CHECK(qr_session_delete(s2, jack));
		CHECK(qr_query_count(
			&n, qr_query_filter_by(qr_query(s2, UserC), "name",
					       qr_val_text("jack"))));
		printf("users named jack: %" PRId64 "\n", n);
		CHECK(qr_query_count(
			&n,
			qr_query_filter(
				qr_query(s2, AddressC),
				qr_in_texts(qr_attr(AddressC, "email_address"),
					    emails, 2))));
		printf("jack's addresses: %" PRId64 "\n", n);
		CHECK(qr_session_rollback(s2)); /* the tutorial goes on */
		qr_session_free(s2);
		qr_registry_free(Base2);
	}

	/* ---- step 14: building a many-to-many relationship
	 * ----------------------------- */
	heading("Building a Many To Many Relationship");
	{
		BlogPost *post;
		Keyword *k;
		qr_expr *firstpost;

		/* post_keywords = Table('post_keywords', Base.metadata, ...) */
		if (!qr_table(qr_registry_metadata(Base), "post_keywords",
			      qr_column("post_id", QR_INTEGER,
					.foreign_key = "posts.id",
					.primary_key = true),
			      qr_column("keyword_id", QR_INTEGER,
					.foreign_key = "keywords.id",
					.primary_key = true)))
			die("qr_table");
		CHECK(qr_registry_map(NULL, Base, QR_MAPPING_OF(BlogPost)));
		CHECK(qr_registry_map(NULL, Base, QR_MAPPING_OF(Keyword)));
		CHECK(qr_metadata_create_all(qr_registry_metadata(Base),
					     engine));

		CHECK(qr_query_one(&wendy,
				   qr_query_filter_by(qr_query(session, User),
						      "name",
						      qr_val_text("wendy"))));
		/* post = BlogPost("Wendy's Blog Post", "This is a test",
		 *                 wendy) */
		post = qr_new(session, BlogPost);
		if (!post)
			die("qr_new");
		CHECK(QR_SET_TEXT(post, headline, "Wendy's Blog Post"));
		CHECK(QR_SET_TEXT(post, body, "This is a test"));
		CHECK(QR_SET_REF(post, author, wendy));
		CHECK(qr_session_add(session, post));
		/* post.keywords.append(Keyword('wendy')), ('firstpost') */
		k = qr_new(session, Keyword);
		if (!k)
			die("qr_new");
		CHECK(QR_SET_TEXT(k, keyword, "wendy"));
		CHECK(QR_APPEND(post, keywords, k));
		k = qr_new(session, Keyword);
		if (!k)
			die("qr_new");
		CHECK(QR_SET_TEXT(k, keyword, "firstpost"));
		CHECK(QR_APPEND(post, keywords, k));

		/* session.query(BlogPost).
		 *     filter(BlogPost.keywords.any(keyword='firstpost')) */
		firstpost = qr_eq(qr_attr(Keyword, "keyword"),
				  qr_bind_text("firstpost"));
		print_all(qr_query_filter(
			qr_query(session, BlogPost),
			qr_any(BlogPost, "keywords", qr_expr_ref(firstpost))));
		/* ...filter(BlogPost.author == wendy) */
		print_all(qr_query_filter(
			qr_query(session, BlogPost),
			qr_rel_eq(QR_MAPPING_OF(BlogPost), "author", wendy),
			qr_any(BlogPost, "keywords", qr_expr_ref(firstpost))));
		/* wendy.posts.filter(BlogPost.keywords.any(...)).all():
		 * the dynamic relationship is a query */
		print_all(qr_query_filter(
			QR_REL_QUERY(wendy, posts),
			qr_any(BlogPost, "keywords", qr_expr_ref(firstpost))));
		qr_expr_free(firstpost);
	}

	qr_session_free(session);
	qr_sessionmaker_free(Session);
	if (server)
		CHECK(qr_metadata_drop_all(qr_registry_metadata(Base), engine));
	qr_registry_free(Base);
	qr_engine_free(engine);
	return 0;
}

#ifndef QR_ORM_TUTORIAL_NO_MAIN
int main(int argc, char **argv)
{
	const char *url = "sqlite:///:memory:";
	bool echo = true;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0)
			echo = false;
		else
			url = argv[i];
	}
	return orm_tutorial(url, echo);
}
#endif
