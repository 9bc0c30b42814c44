/*
 * orm_fixture.h - models and helpers shared by the ORM suite tests
 * (test_orm_*.c): the tutorial's User and an Address table referencing
 * it, a fixture with an engine whose echo is captured, a registry, the
 * tables created fresh, and a session.
 */
#ifndef QUARRY_TEST_ORM_FIXTURE_H
#define QUARRY_TEST_ORM_FIXTURE_H

#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each test program names its tables with its own prefix, so that
 * programs run at the same time against one server do not meet. */
#ifndef ORM_TABLE_PREFIX
#define ORM_TABLE_PREFIX ""
#endif

/* A test program defining ORM_WITH_RELATIONSHIPS gets the tutorial's
 * relationships too: User.addresses (one-to-many, ordered by id) and
 * Address.user (many-to-one), each the other's back-populate, with the
 * cascade ORM_ADDRESSES_CASCADE (default: save-update, merge). */
#ifdef ORM_WITH_RELATIONSHIPS
#ifndef ORM_ADDRESSES_CASCADE
#define ORM_ADDRESSES_CASCADE 0
#endif
#define ORM_USER_RELS_ qr_objlist addresses;
#define ORM_USER_REL_ITEMS_                                                    \
	, QR_ONE_TO_MANY(User, addresses, "Address", .back_populates = "user", \
			 .order_by = "id", .cascade = ORM_ADDRESSES_CASCADE)
#define ORM_ADDRESS_RELS_ struct User *user;
#define ORM_ADDRESS_REL_ITEMS_ \
	, QR_MANY_TO_ONE(Address, user, "User", .back_populates = "addresses")
#else
#define ORM_USER_RELS_
#define ORM_USER_REL_ITEMS_
#define ORM_ADDRESS_RELS_
#define ORM_ADDRESS_REL_ITEMS_
#endif

typedef struct User {
	int64_t id;
	char *name;
	char *fullname;
	char *password;
	ORM_USER_RELS_
} User;

QR_MAPPING(User, ORM_TABLE_PREFIX "users",
	   QR_FIELD(User, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(User, name, qr_string(50)),
	   QR_FIELD(User, fullname, qr_string(50)),
	   QR_FIELD(User, password, qr_string(12)),
	   QR_REPR("name", "fullname", "password") ORM_USER_REL_ITEMS_);

typedef struct Address {
	int64_t id;
	char *email_address;
	int64_t user_id;
	ORM_ADDRESS_RELS_
} Address;

QR_MAPPING(Address, ORM_TABLE_PREFIX "addresses",
	   QR_FIELD(Address, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Address, email_address, qr_string(50), .not_null = true),
	   QR_FIELD(Address, user_id, QR_INTEGER,
		    .foreign_key = ORM_TABLE_PREFIX "users.id"),
	   QR_REPR("email_address") ORM_ADDRESS_REL_ITEMS_);

/* ---- captured SQL ------------------------------------------------------ */

#define ORM_LOG_MAX 4096

typedef struct orm_log {
	char *lines[ORM_LOG_MAX];
	size_t n;
	bool on;
} orm_log;

static inline void orm_log_fn(void *userdata, qr_log_level level,
			      const char *message)
{
	orm_log *log = userdata;
	(void)level;
	if (getenv("QUARRY_TEST_ECHO"))
		fprintf(stderr, "%s\n", message);
	if (!log->on || log->n >= ORM_LOG_MAX)
		return;
	log->lines[log->n++] = strdup(message);
}

static inline void orm_log_clear(orm_log *log)
{
	for (size_t i = 0; i < log->n; i++)
		free(log->lines[i]);
	log->n = 0;
}

/* Statements logged (parameter lines left out) that start with prefix. */
static inline size_t orm_log_count(const orm_log *log, const char *prefix)
{
	size_t n = 0;
	for (size_t i = 0; i < log->n; i++)
		if (strncmp(log->lines[i], prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

/* The i-th logged statement (not parameters, BEGIN/COMMIT/ROLLBACK
 * included), or NULL. */
static inline const char *orm_log_stmt(const orm_log *log, size_t i)
{
	for (size_t k = 0; k < log->n; k++) {
		if (log->lines[k][0] == '[' || log->lines[k][0] == '(')
			continue;
		if (i-- == 0)
			return log->lines[k];
	}
	return NULL;
}

static inline size_t orm_log_stmt_count(const orm_log *log)
{
	size_t n = 0;
	while (orm_log_stmt(log, n))
		n++;
	return n;
}

/* Whether a logged line contains needle. */
static inline bool orm_logged(const orm_log *log, const char *needle)
{
	for (size_t i = 0; i < log->n; i++)
		if (strstr(log->lines[i], needle))
			return true;
	return false;
}

/* ---- fixture ---------------------------------------------------------- */

typedef struct orm_fx {
	qr_engine *engine;
	qr_registry *reg;
	qr_session *s;
	qr_metadata *md2; /* tables of a test's own, freed after reg */
	orm_log log;
} orm_fx;

static inline void orm_exec_quiet(qr_engine *e, qr_stmt *stmt)
{
	qr_conn *c;
	if (qr_engine_connect(&c, e) != 0) {
		qr_stmt_free(stmt);
		return;
	}
	if (qr_conn_execute(NULL, c, stmt, NULL) == 0)
		qr_conn_commit(c);
	else
		qr_conn_rollback(c);
	qr_stmt_free(stmt);
	qr_conn_free(c);
}

/* Drops (children first) and creates (parents first) the registry's
 * tables. */
static inline void orm_recreate(qr_engine *e, qr_registry *reg)
{
	qr_metadata *md = qr_registry_metadata(reg);
	qr_table **tables;
	size_t n;
	qr_conn *c;

	qr_assert_ok(qr_metadata_sorted_tables(&tables, &n, md));
	for (size_t i = n; i-- > 0;)
		orm_exec_quiet(e, qr_drop_table(tables[i]));
	c = qr_test_connect(e);
	for (size_t i = 0; i < n; i++) {
		qr_stmt *st = qr_create_table(tables[i]);
		int rc = qr_conn_execute(NULL, c, st, NULL);
		qr_stmt_free(st);
		if (rc) {
			/* Not left in its failed transaction: its locks
			 * would block another run of the suite for ever. */
			qr_error err = *qr_error_last();
			const char *name = qr_table_name(tables[i]);
			qr_conn_free(c);
			qr_free(tables);
			fail_msg("CREATE TABLE %s: %s", name, err.message);
		}
	}
	qr_assert_ok(qr_conn_commit(c));
	qr_conn_free(c);
	qr_free(tables);
}

static inline void orm_drop(qr_engine *e, qr_registry *reg)
{
	qr_metadata *md = qr_registry_metadata(reg);
	qr_table **tables;
	size_t n;

	if (qr_metadata_sorted_tables(&tables, &n, md) != 0)
		return;
	for (size_t i = n; i-- > 0;)
		orm_exec_quiet(e, qr_drop_table(tables[i]));
	qr_free(tables);
}

static inline void orm_fx_free(orm_fx *f);

/* The fixture being set up or used: one whose setup failed half-way (a
 * cmocka failure jumps out) is freed by the next setup, so that its
 * registry does not keep the mappings mapped for the tests after it. */
static orm_fx *orm_live;

/* A fixture with the given mappings mapped (NULL-terminated), their
 * tables created, and a session (opts may be NULL). */
static inline orm_fx *orm_fx_new_with(qr_mapping *const *mappings,
				      const qr_session_options *opts)
{
	orm_fx *f;
	qr_session_options so = opts ? *opts : (qr_session_options){0};

	orm_fx_free(orm_live);
	f = orm_live = calloc(1, sizeof(*f));
	assert_non_null(f);
	qr_assert_ok(qr_engine_create(
		&f->engine, qr_test_url(),
		&(qr_engine_options){.echo = true,
				     .log_fn = orm_log_fn,
				     .log_userdata = &f->log}));
	qr_assert_ok(qr_registry_new(&f->reg, NULL));
	for (size_t i = 0; mappings[i]; i++)
		qr_assert_ok(qr_registry_map(NULL, f->reg, mappings[i]));
	orm_recreate(f->engine, f->reg);
	so.registry = f->reg;
	qr_assert_ok(qr_session_new(&f->s, f->engine, &so));
	f->log.on = true;
	return f;
}

static inline orm_fx *orm_fx_new(void)
{
	qr_mapping *const maps[] = {QR_MAPPING_OF(User), QR_MAPPING_OF(Address),
				    NULL};
	return orm_fx_new_with(maps, NULL);
}

static inline void orm_fx_free(orm_fx *f)
{
	if (!f)
		return;
	if (f == orm_live)
		orm_live = NULL;
	f->log.on = false;
	qr_session_free(f->s);
	if (f->engine && f->reg)
		orm_drop(f->engine, f->reg);
	qr_registry_free(f->reg);
	qr_metadata_free(f->md2);
	qr_engine_free(f->engine);
	orm_log_clear(&f->log);
	free(f);
}

static inline User *orm_user(qr_session *s, const char *name,
			     const char *fullname, const char *password)
{
	User *u = qr_new(s, User);
	assert_non_null(u);
	qr_assert_ok(qr_set_text(u, &u->name, name));
	qr_assert_ok(qr_set_text(u, &u->fullname, fullname));
	qr_assert_ok(qr_set_text(u, &u->password, password));
	return u;
}

/* The four users of the tutorial, committed; returns ed. */
static inline User *orm_seed(orm_fx *f)
{
	User *ed = orm_user(f->s, "ed", "Ed Jones", "f8s7ccs");
	qr_assert_ok(qr_session_add(f->s, ed));
	qr_assert_ok(QR_ADD_ALL(
		f->s, orm_user(f->s, "wendy", "Wendy Williams", "foobar"),
		orm_user(f->s, "mary", "Mary Contrary", "xxg527"),
		orm_user(f->s, "fred", "Fred Flinstone", "blah")));
	qr_assert_ok(qr_session_commit(f->s));
	return ed;
}

/* repr of an object / list compared with an expected string. */
static inline void orm_assert_repr(const void *obj, const char *expected)
{
	char *r = NULL;
	qr_assert_ok(qr_object_repr(&r, obj));
	assert_string_equal(r, expected);
	qr_free(r);
}

static inline void orm_assert_list(const qr_objlist *l, const char *expected)
{
	char *r = NULL;
	qr_assert_ok(qr_objlist_repr(&r, l));
	assert_string_equal(r, expected);
	qr_free(r);
}

/* A query's SELECT (q borrowed) as SQLite renders it with literals. */
static inline void orm_assert_query_sql(const qr_query *q, const char *want)
{
	qr_stmt *st = qr_query_statement(q);
	char *sql = NULL;

	assert_non_null(st);
	qr_assert_ok(qr_compile_literal(&sql, st, "sqlite"));
	assert_string_equal(sql, want);
	qr_free(sql);
	qr_stmt_free(st);
}

/* The first column of the first row of a textual query (NULL: -1), in
 * the session's transaction. */
static inline int64_t orm_scalar(orm_fx *f, const char *sql)
{
	qr_result *r;
	const qr_value *v;
	int64_t n = -1;
	qr_stmt *st = qr_text(sql);
	qr_assert_ok(qr_session_execute(&r, f->s, st, NULL));
	assert_int_equal(qr_result_scalar(r, &v), 1);
	if (!qr_value_is_null(v))
		qr_assert_ok(qr_value_int64(v, &n));
	qr_result_free(r);
	qr_stmt_free(st);
	return n;
}

/* The statements the session sent since its stats were reset. */
static inline uint64_t orm_statements(orm_fx *f)
{
	qr_session_stats st;
	qr_session_get_stats(&st, f->s);
	return st.statements;
}

static inline int orm_setup(void **state)
{
	*state = orm_fx_new();
	return 0;
}

static inline int orm_teardown(void **state)
{
	orm_fx_free(*state);
	return 0;
}

#endif
