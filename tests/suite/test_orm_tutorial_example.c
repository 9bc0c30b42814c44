/*
 * test_orm_tutorial_example.c - runs examples/orm_tutorial.c, SQLAlchemy's
 * ORM tutorial, on the test URL and checks every line it prints (objects
 * and rows in the tutorial's repr format): the same on every database but
 * for the engine's URL.
 */
#define QR_ORM_TUTORIAL_NO_MAIN
#include "../../examples/orm_tutorial.c"

#include "test_support.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const expected[] = {
	"== Connecting ==",
	"== Declare a Mapping ==",
	"Table('users', MetaData(), Column('id', INTEGER, table=<users>, "
	"primary_key=True, nullable=False), Column('name', VARCHAR(50), "
	"table=<users>), Column('fullname', VARCHAR(50), table=<users>), "
	"Column('password', VARCHAR(12), table=<users>), schema=None)",
	"== Create a Schema ==",
	"== Create an Instance of the Mapped Class ==",
	"ed_user.name: ed",
	"ed_user.password: edspassword",
	"str(ed_user.id): None",
	"== Creating a Session ==",
	"ed_user is transient",
	"== Adding and Updating Objects ==",
	"<User(name='ed', fullname='Ed Jones', password='edspassword')>",
	"ed_user is our_user: True",
	"session.dirty: IdentitySet([<User(name='ed', fullname='Ed Jones', "
	"password='f8s7ccs')>])",
	"session.new: IdentitySet([<User(name='wendy', fullname='Wendy "
	"Williams', password='foobar')>, <User(name='mary', fullname='Mary "
	"Contrary', password='xxg527')>, <User(name='fred', fullname='Fred "
	"Flinstone', password='blah')>])",
	"ed_user.id: 1",
	"== Rolling Back ==",
	"[<User(name='Edwardo', fullname='Ed Jones', password='f8s7ccs')>, "
	"<User(name='fakeuser', fullname='Invalid', password='12345')>]",
	"ed_user.name: ed",
	"fake_user in session: False",
	"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>]",
	"== Querying ==",
	"ed Ed Jones",
	"wendy Wendy Williams",
	"mary Mary Contrary",
	"fred Fred Flinstone",
	"ed Ed Jones",
	"wendy Wendy Williams",
	"mary Mary Contrary",
	"fred Fred Flinstone",
	"<User(name='ed', fullname='Ed Jones', password='f8s7ccs')> ed",
	"<User(name='wendy', fullname='Wendy Williams', password='foobar')> "
	"wendy",
	"<User(name='mary', fullname='Mary Contrary', password='xxg527')> mary",
	"<User(name='fred', fullname='Fred Flinstone', password='blah')> fred",
	"ed",
	"wendy",
	"mary",
	"fred",
	"<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>",
	"<User(name='wendy', fullname='Wendy Williams', password='foobar')>",
	"<User(name='mary', fullname='Mary Contrary', password='xxg527')>",
	"<User(name='fred', fullname='Fred Flinstone', password='blah')>",
	"-- order_by(User.id)[1:3]",
	"<User(name='wendy', fullname='Wendy Williams', password='foobar')>",
	"<User(name='mary', fullname='Mary Contrary', password='xxg527')>",
	"-- filter_by(fullname='Ed Jones')",
	"ed",
	"-- filter(User.fullname == 'Ed Jones')",
	"ed",
	"-- filter(User.name == 'ed').filter(User.fullname == 'Ed Jones')",
	"<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>",
	"== Common Filter Operators ==",
	"-- equals",
	"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>]",
	"-- not equals",
	"[<User(name='wendy', fullname='Wendy Williams', password='foobar')>, "
	"<User(name='mary', fullname='Mary Contrary', password='xxg527')>, "
	"<User(name='fred', fullname='Fred Flinstone', password='blah')>]",
	"-- LIKE",
	"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>, "
	"<User(name='fred', fullname='Fred Flinstone', password='blah')>]",
	"-- ILIKE",
	"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>, "
	"<User(name='fred', fullname='Fred Flinstone', password='blah')>]",
	"-- IN",
	"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>, "
	"<User(name='wendy', fullname='Wendy Williams', password='foobar')>]",
	"-- IN (subquery)",
	"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>, "
	"<User(name='fred', fullname='Fred Flinstone', password='blah')>]",
	"-- NOT IN",
	"[<User(name='mary', fullname='Mary Contrary', password='xxg527')>, "
	"<User(name='fred', fullname='Fred Flinstone', password='blah')>]",
	"-- IS NULL",
	"[]",
	"-- IS NOT NULL",
	"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>, "
	"<User(name='wendy', fullname='Wendy Williams', password='foobar')>, "
	"<User(name='mary', fullname='Mary Contrary', password='xxg527')>, "
	"<User(name='fred', fullname='Fred Flinstone', password='blah')>]",
	"-- AND",
	"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>]",
	"-- OR",
	"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>, "
	"<User(name='wendy', fullname='Wendy Williams', password='foobar')>]",
	"== Returning Lists and Scalars ==",
	"query.all(): [<User(name='ed', fullname='Ed Jones', "
	"password='f8s7ccs')>, <User(name='fred', fullname='Fred Flinstone', "
	"password='blah')>]",
	"query.first(): <User(name='ed', fullname='Ed Jones', "
	"password='f8s7ccs')>",
	"query.one(): MultipleResultsFound: Multiple rows were found when "
	"exactly one was required",
	"query.filter(User.id == 99).one(): NoResultFound: No row was found "
	"when one was required",
	"query.filter(User.id == 99).one_or_none(): None",
	"query.scalar(): 1",
	"== Using Textual SQL ==",
	"ed",
	"wendy",
	"mary",
	"fred",
	"<User(name='fred', fullname='Fred Flinstone', password='blah')>",
	"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>]",
	"[<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>]",
	"(1, 'ed')",
	"== Counting ==",
	"count(): 2",
	"(1, 'ed')",
	"(1, 'fred')",
	"(1, 'mary')",
	"(1, 'wendy')",
	"count(*) select_from(User): 4",
	"count(User.id): 4",
	"== Building a Relationship ==",
	"== Working with Related Objects ==",
	"jack.addresses: []",
	"jack.addresses[1]: <Address(email_address='j25@yahoo.com')>",
	"jack.addresses[1].user: <User(name='jack', fullname='Jack Bean', "
	"password='gjffdd')>",
	"jack: <User(name='jack', fullname='Jack Bean', password='gjffdd')>",
	"jack.addresses: [<Address(email_address='jack@google.com')>, "
	"<Address(email_address='j25@yahoo.com')>]",
	"== Querying with Joins ==",
	"<User(name='jack', fullname='Jack Bean', password='gjffdd')>",
	"<Address(email_address='jack@google.com')>",
	"[<User(name='jack', fullname='Jack Bean', password='gjffdd')>]",
	"[<User(name='jack', fullname='Jack Bean', password='gjffdd')>]",
	"[<User(name='jack', fullname='Jack Bean', password='gjffdd')>]",
	"== Using Aliases ==",
	"('jack', 'jack@google.com', 'j25@yahoo.com')",
	"== Using Subqueries ==",
	"(<User(name='ed', fullname='Ed Jones', password='f8s7ccs')>, None)",
	"(<User(name='wendy', fullname='Wendy Williams', password='foobar')>, "
	"None)",
	"(<User(name='mary', fullname='Mary Contrary', password='xxg527')>, "
	"None)",
	"(<User(name='fred', fullname='Fred Flinstone', password='blah')>, "
	"None)",
	"(<User(name='jack', fullname='Jack Bean', password='gjffdd')>, 2)",
	"== Selecting Entities from Subqueries ==",
	"<User(name='jack', fullname='Jack Bean', password='gjffdd')>",
	"<Address(email_address='jack@google.com')>",
	"== Using EXISTS ==",
	"jack",
	"jack",
	"jack",
	"[]",
	"== Common Relationship Operators ==",
	"[<Address(email_address='jack@google.com')>, "
	"<Address(email_address='j25@yahoo.com')>]",
	"[]",
	"[]",
	"[<User(name='jack', fullname='Jack Bean', password='gjffdd')>]",
	"[<Address(email_address='jack@google.com')>, "
	"<Address(email_address='j25@yahoo.com')>]",
	"== Eager Loading ==",
	"selectinload: <User(name='jack', fullname='Jack Bean', "
	"password='gjffdd')>",
	"jack.addresses: [<Address(email_address='jack@google.com')>, "
	"<Address(email_address='j25@yahoo.com')>]",
	"statements: 2",
	"joinedload: <User(name='jack', fullname='Jack Bean', "
	"password='gjffdd')>",
	"jack.addresses: [<Address(email_address='jack@google.com')>, "
	"<Address(email_address='j25@yahoo.com')>]",
	"statements: 1",
	"jacks_addresses: [<Address(email_address='jack@google.com')>, "
	"<Address(email_address='j25@yahoo.com')>]",
	"jacks_addresses[0].user: <User(name='jack', fullname='Jack Bean', "
	"password='gjffdd')>",
	"== Deleting ==",
	"users named jack: 0",
	"jack's addresses: 2",
	"== Configuring delete/delete-orphan Cascade ==",
	"jack's addresses: 1",
	"users named jack: 0",
	"jack's addresses: 0",
	"== Building a Many To Many Relationship ==",
	"[BlogPost(\"Wendy's Blog Post\", 'This is a test', "
	"<User(name='wendy', fullname='Wendy Williams', password='foobar')>)]",
	"[BlogPost(\"Wendy's Blog Post\", 'This is a test', "
	"<User(name='wendy', fullname='Wendy Williams', password='foobar')>)]",
	"[BlogPost(\"Wendy's Blog Post\", 'This is a test', "
	"<User(name='wendy', fullname='Wendy Williams', password='foobar')>)]"};

static void test_tutorial_output(void **state)
{
	char path[] = "/tmp/quarry_orm_tutorial_XXXXXX";
	int fd = mkstemp(path), saved;
	FILE *in;
	char line[4096];
	size_t k = 0, n = sizeof(expected) / sizeof(expected[0]);
	(void)state;

	assert_true(fd >= 0);
	fflush(stdout);
	saved = dup(1);
	assert_true(saved >= 0);
	assert_true(dup2(fd, 1) >= 0);
	assert_int_equal(orm_tutorial(qr_test_url(), false), 0);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	in = fopen(path, "r");
	assert_non_null(in);
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || strncmp(line, "Engine(", 7) == 0)
			continue;
		if (k >= n)
			fail_msg("unexpected extra line: %s", line);
		if (strcmp(line, expected[k]) != 0)
			fail_msg("line %zu: got %s, want %s", k + 1, line,
				 expected[k]);
		k++;
	}
	fclose(in);
	unlink(path);
	assert_int_equal(k, n);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tutorial_output),
	};
	return qr_test_run(argc, argv, "orm_tutorial_example", tests,
			   sizeof(tests) / sizeof(tests[0]));
}
