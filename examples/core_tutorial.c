/*
 * core_tutorial.c - SQLAlchemy's "SQL Expression Language Tutorial" in C,
 * step by step, on any database URL.
 *
 *   core_tutorial [-e|--echo] [URL]      (default sqlite:///:memory:)
 *
 * Each step prints the SQL its statement compiles to for the URL's
 * dialect (with the parameters, as the tutorial's str(stmt) and
 * stmt.compile().params) and the rows it returns as Python tuples, e.g.
 * (1, 'jack', 'Jack Jones'). With -e the engine also echoes every
 * statement it sends (SQLAlchemy's echo=True), on standard error.
 *
 * Where the tutorial relies on SQLite returning rows in insertion order,
 * the statements here say ORDER BY, so the output is the same on every
 * database. tests/suite/test_core_tutorial.c runs this program's steps
 * and checks their results.
 */
#include <quarry.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tut {
	qr_engine *engine;
	qr_conn *conn;
	qr_metadata *md;
	qr_table *users, *addresses;
	const char *dialect;
	FILE *out;
	int rc; /* the first failure */
} tut;

#define C(t, n) qr_c((t), (n))

/* ---- printing -------------------------------------------------------------
 */

static void heading(tut *t, const char *title)
{
	fprintf(t->out, "\n== %s ==\n", title);
}

static void say(tut *t, const char *fmt, ...) QR_PRINTF(2, 3);
static void say(tut *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(t->out, fmt, ap);
	va_end(ap);
	fputc('\n', t->out);
}

static int fail(tut *t, const char *what)
{
	const qr_error *e = qr_error_last();
	if (!t->rc)
		t->rc = e->code ? e->code : QR_ERROR;
	fprintf(t->out, "!! %s failed: %s: %s\n", what,
		qr_errclass_name(e->klass), e->message);
	return t->rc;
}

/* Python's repr of a string: single quotes unless it holds one and no
 * double quote. */
static void repr_text(FILE *f, const char *s, size_t n)
{
	bool single = memchr(s, '\'', n) != NULL;
	char q = single && !memchr(s, '"', n) ? '"' : '\'';
	fputc(q, f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == q || s[i] == '\\')
			fputc('\\', f);
		fputc(s[i], f);
	}
	fputc(q, f);
}

static void repr_value(FILE *f, const qr_value *v)
{
	char buf[64];
	switch (v ? v->kind : QR_VNULL) {
	case QR_VNULL:
		fputs("None", f);
		break;
	case QR_VINT:
		fprintf(f, "%lld", (long long)v->u.i);
		break;
	case QR_VDOUBLE:
		fprintf(f, "%g", v->u.d);
		break;
	case QR_VBOOL:
		fputs(v->u.b ? "True" : "False", f);
		break;
	case QR_VTEXT:
	case QR_VNUMERIC:
		repr_text(f, v->u.s.ptr, v->u.s.len);
		break;
	case QR_VDATE:
		qr_date_format(&v->u.date, buf, sizeof(buf));
		repr_text(f, buf, strlen(buf));
		break;
	case QR_VDATETIME:
		qr_datetime_format(&v->u.datetime, buf, sizeof(buf));
		repr_text(f, buf, strlen(buf));
		break;
	default:
		fputs("<value>", f);
		break;
	}
}

/* print(stmt): the SQL for this dialect, then its parameters. Takes s. */
static void show(tut *t, qr_stmt *s)
{
	qr_compiled *c;
	if (qr_compile(&c, s, t->dialect)) {
		fail(t, "compile");
		qr_stmt_free(s);
		return;
	}
	say(t, "%s", qr_compiled_sql(c));
	size_t n = qr_compiled_param_count(c);
	if (n) {
		/* stmt.compile().params */
		fputs("  params: {", t->out);
		for (size_t i = 0; i < n; i++) {
			const char *name = qr_compiled_param_name(c, i);
			fprintf(t->out, "%s'%s': ", i ? ", " : "", name);
			repr_value(t->out, qr_compiled_param_value(c, i));
		}
		fputs("}\n", t->out);
	}
	qr_compiled_free(c);
	qr_stmt_free(s);
}

/* Prints the rows of a result, one tuple per line. */
static int print_rows(tut *t, qr_result *r)
{
	const qr_row *row;
	int rc;
	while ((rc = qr_result_next(r, &row)) > 0) {
		char *text;
		if (qr_row_repr(&text, row))
			return fail(t, "repr");
		say(t, "%s", text);
		qr_free(text);
	}
	return rc < 0 ? fail(t, "fetch") : 0;
}

/* conn.execute(s, params) and print its rows. Takes s. */
static int query(tut *t, qr_stmt *s, const qr_params *p)
{
	qr_result *r;
	if (t->rc)
		return qr_stmt_free(s), t->rc;
	if (qr_conn_execute(&r, t->conn, s, p)) {
		qr_stmt_free(s);
		return fail(t, "execute");
	}
	qr_stmt_free(s);
	print_rows(t, r);
	qr_result_free(r);
	return t->rc;
}

/* conn.execute(s, params); *rowcount gets result.rowcount. Takes s. */
static int run(tut *t, qr_stmt *s, const qr_params *p, int64_t *rowcount)
{
	qr_result *r;
	if (t->rc)
		return qr_stmt_free(s), t->rc;
	if (qr_conn_execute(&r, t->conn, s, p)) {
		qr_stmt_free(s);
		return fail(t, "execute");
	}
	qr_stmt_free(s);
	if (rowcount)
		*rowcount = qr_result_rowcount(r);
	qr_result_free(r);
	return 0;
}

static bool is(const tut *t, const char *dialect)
{
	return strcmp(t->dialect, dialect) == 0;
}

/* ---- the steps ------------------------------------------------------------
 */

static void define_and_create(tut *t)
{
	heading(t, "Define and Create Tables");
	t->md = qr_metadata_new();
	t->users = qr_table(t->md, "users",
			    qr_column("id", QR_INTEGER, .primary_key = true),
			    qr_column("name", qr_string(50)),
			    qr_column("fullname", qr_string(50)));
	t->addresses = qr_table(
		t->md, "addresses",
		qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("user_id", QR_NULLTYPE, .foreign_key = "users.id"),
		qr_column("email_address", qr_string(50), .not_null = true));
	if (!t->users || !t->addresses) {
		fail(t, "Table");
		return;
	}
	show(t, qr_create_table(t->users));
	show(t, qr_create_table(t->addresses));
	/* metadata.create_all(engine): checks first, so it may run twice */
	if (qr_metadata_create_all(t->md, t->engine))
		fail(t, "create_all");
	else if (qr_metadata_create_all(t->md, t->engine))
		fail(t, "create_all (again)");
	else
		say(t, "create_all: done");
}

static void insert_expressions(tut *t)
{
	heading(t, "Insert Expressions");
	show(t, qr_insert(t->users));
	show(t, qr_insert(t->users, qr_set("name", qr_bind_text("jack")),
			  qr_set("fullname", qr_bind_text("Jack Jones"))));
}

static void executing(tut *t)
{
	heading(t, "Executing");
	qr_stmt *ins =
		qr_insert(t->users, qr_set("name", qr_bind_text("jack")),
			  qr_set("fullname", qr_bind_text("Jack Jones")));
	qr_result *r;
	int64_t id = 0;
	if (is(t, "postgresql")) {
		/* the generated key comes back through RETURNING */
		ins = qr_stmt_add(ins, qr_returning(C(t->users, "id")));
		if (qr_conn_execute(&r, t->conn, ins, NULL)) {
			qr_stmt_free(ins);
			fail(t, "INSERT");
			return;
		}
		const qr_value *v;
		if (qr_result_scalar(r, &v) == 1)
			qr_value_int64(v, &id);
	} else {
		if (qr_conn_execute(&r, t->conn, ins, NULL)) {
			qr_stmt_free(ins);
			fail(t, "INSERT");
			return;
		}
		id = qr_result_last_insert_id(r);
	}
	qr_result_free(r);
	qr_stmt_free(ins);
	say(t, "inserted_primary_key: [%lld]", (long long)id);
	if (qr_conn_commit(t->conn))
		fail(t, "COMMIT");
}

static void executing_multiple(tut *t)
{
	heading(t, "Executing Multiple Statements");
	/* conn.execute(users.insert(), id=2, name='wendy', ...) */
	qr_params *p = qr_params_new();
	qr_params_int(p, "id", 2);
	qr_params_text(p, "name", "wendy");
	qr_params_text(p, "fullname", "Wendy Williams");
	run(t, qr_insert(t->users), p, NULL);
	qr_params_free(p);

	/* executemany: a list of parameter sets */
	static const struct {
		int user_id;
		const char *email;
	} rows[] = {{1, "jack@yahoo.com"},
		    {1, "jack@msn.com"},
		    {2, "www@www.org"},
		    {2, "wendy@aol.com"}};
	p = qr_params_new();
	for (size_t i = 0; i < 4; i++) {
		if (i)
			qr_params_next_row(p);
		qr_params_int(p, "user_id", rows[i].user_id);
		qr_params_text(p, "email_address", rows[i].email);
	}
	int64_t n = 0;
	run(t, qr_insert(t->addresses), p, &n);
	qr_params_free(p);
	say(t, "inserted %lld addresses", (long long)n);
	if (!t->rc && qr_conn_commit(t->conn))
		fail(t, "COMMIT");
}

static void selecting(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	heading(t, "Selecting");
	query(t, qr_select(users, qr_order_by(C(users, "id"))), NULL);

	/* by name and by position */
	qr_result *r;
	const qr_row *row;
	qr_stmt *s = qr_select(users, qr_order_by(C(users, "id")));
	if (!t->rc && qr_conn_execute(&r, t->conn, s, NULL) == 0) {
		const char *name, *fullname;
		if (qr_result_next(r, &row) > 0 &&
		    qr_row_text(row, qr_row_index(row, "name"), &name) == 0 &&
		    qr_row_text(row, qr_row_index(row, "fullname"),
				&fullname) == 0)
			say(t, "name: %s ; fullname: %s", name, fullname);
		if (qr_result_next(r, &row) > 0 &&
		    qr_row_text(row, 1, &name) == 0 &&
		    qr_row_text(row, 2, &fullname) == 0)
			say(t, "name: %s ; fullname: %s", name, fullname);
		qr_result_free(r);
	} else if (!t->rc) {
		fail(t, "SELECT");
	}
	qr_stmt_free(s);

	query(t,
	      qr_select(qr_cols(users, "name", "fullname"),
			qr_order_by(C(users, "id"))),
	      NULL);
	/* two tables: a cartesian product */
	query(t,
	      qr_select(users, addresses,
			qr_order_by(C(users, "id"), C(addresses, "id"))),
	      NULL);
	/* ... made sane with a WHERE clause */
	query(t,
	      qr_select(
		      users, addresses,
		      qr_where(qr_eq(C(users, "id"), C(addresses, "user_id"))),
		      qr_order_by(C(addresses, "id"))),
	      NULL);
}

static void operators(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	heading(t, "Operators");
	show(t, qr_eq(C(users, "id"), C(addresses, "user_id")));
	show(t, qr_eq(C(users, "id"), qr_bind_int(7)));
	show(t, qr_ne(C(users, "id"), qr_bind_int(7)));
	show(t, qr_eq(C(users, "name"), qr_null()));
	show(t, qr_lt(C(users, "name"), qr_bind_text("fred")));
	show(t, qr_add(C(users, "id"), C(addresses, "id")));
	show(t, qr_add(C(users, "name"), C(users, "fullname")));
	show(t, qr_op(C(users, "name"), "tiddlywinks", qr_bind_text("foo")));
}

static void conjunctions(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	heading(t, "Conjunctions");
	show(t, qr_and(qr_like(C(users, "name"), qr_bind_text("j%")),
		       qr_eq(C(users, "id"), C(addresses, "user_id")),
		       qr_or(qr_eq(C(addresses, "email_address"),
				   qr_bind_text("wendy@aol.com")),
			     qr_eq(C(addresses, "email_address"),
				   qr_bind_text("jack@yahoo.com"))),
		       qr_not(qr_gt(C(users, "id"), qr_bind_int(5)))));
	qr_stmt *s = qr_select(
		qr_label(
			qr_add(qr_add(C(users, "fullname"), qr_bind_text(", ")),
			       C(addresses, "email_address")),
			"title"),
		qr_where(qr_eq(C(users, "id"), C(addresses, "user_id")),
			 qr_between(C(users, "name"), qr_bind_text("m"),
				    qr_bind_text("z")),
			 qr_or(qr_like(C(addresses, "email_address"),
				       qr_bind_text("%@aol.com")),
			       qr_like(C(addresses, "email_address"),
				       qr_bind_text("%@msn.com")))));
	show(t, qr_expr_ref(s));
	query(t, s, NULL);
}

static void textual_sql(tut *t)
{
	heading(t, "Using Textual SQL");
	/* text() goes to the database as written: MySQL spells || concat() */
	const char *title = is(t, "mysql") ? "concat(users.fullname, ', ', "
					     "addresses.email_address)"
					   : "users.fullname || ', ' || "
					     "addresses.email_address";
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT %s AS title FROM users, addresses "
		 "WHERE users.id = addresses.user_id "
		 "AND users.name BETWEEN :x AND :y "
		 "AND (addresses.email_address LIKE :e1 "
		 "OR addresses.email_address LIKE :e2)",
		 title);
	qr_params *p = qr_params_new();
	qr_params_text(p, "x", "m");
	qr_params_text(p, "y", "z");
	qr_params_text(p, "e1", "%@aol.com");
	qr_params_text(p, "e2", "%@msn.com");
	query(t, qr_text(sql), p);
	qr_params_free(p);

	/* text() fragments inside a select() */
	snprintf(sql, sizeof(sql), "%s AS title", title);
	qr_stmt *s = qr_select(
		qr_text(sql),
		qr_where(
			qr_and(qr_text("users.id = addresses.user_id"),
			       qr_text("users.name BETWEEN 'm' AND 'z'"),
			       qr_text("(addresses.email_address LIKE :x "
				       "OR addresses.email_address LIKE :y)"))),
		qr_from(qr_text("users, addresses")));
	p = qr_params_new();
	qr_params_text(p, "x", "%@aol.com");
	qr_params_text(p, "y", "%@msn.com");
	query(t, s, p);
	qr_params_free(p);

	/* literal_column() with types: || becomes the dialect's concat */
	s = qr_select(
		qr_label(qr_add(qr_add(qr_literal_column("users.fullname",
							 QR_STRING),
				       qr_bind_text(", ")),
				qr_literal_column("addresses.email_address",
						  QR_STRING)),
			 "title"),
		qr_where(qr_eq(qr_literal_column("users.id", QR_INTEGER),
			       qr_literal_column("addresses.user_id",
						 QR_INTEGER)),
			 qr_text("users.name BETWEEN 'm' AND 'z'"),
			 qr_text("(addresses.email_address LIKE :x OR "
				 "addresses.email_address LIKE :y)")),
		qr_from(qr_text("users"), qr_text("addresses")));
	p = qr_params_new();
	qr_params_text(p, "x", "%@aol.com");
	qr_params_text(p, "y", "%@msn.com");
	query(t, s, p);
	qr_params_free(p);
}

static void ordering_by_label(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	heading(t, "Ordering or Grouping by a Label");
	qr_expr *n = qr_label(qr_count(C(addresses, "id")), "num_addresses");
	query(t,
	      qr_select(C(addresses, "user_id"), qr_expr_ref(n),
			qr_group_by(C(addresses, "user_id")),
			qr_order_by(C(addresses, "user_id"), qr_desc(n))),
	      NULL);
	/* two aliases of users, ordered by one of them */
	qr_expr *u1a = qr_alias(users, NULL), *u1b = qr_alias(users, NULL);
	query(t,
	      qr_select(qr_expr_ref(u1a), qr_expr_ref(u1b),
			qr_where(qr_gt(C(u1a, "name"), C(u1b, "name"))),
			qr_order_by(C(u1a, "name"))),
	      NULL);
	qr_expr_free(u1a);
	qr_expr_free(u1b);
}

static void aliases(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	heading(t, "Using Aliases and Subqueries");
	qr_expr *a1 = qr_alias(addresses, NULL),
		*a2 = qr_alias(addresses, NULL);
	qr_stmt *s = qr_select(
		users, qr_where(qr_and(qr_eq(C(users, "id"), C(a1, "user_id")),
				       qr_eq(C(users, "id"), C(a2, "user_id")),
				       qr_eq(C(a1, "email_address"),
					     qr_bind_text("jack@msn.com")),
				       qr_eq(C(a2, "email_address"),
					     qr_bind_text("jack@yahoo.com")))));
	qr_expr_free(a1);
	qr_expr_free(a2);
	show(t, qr_expr_ref(s));
	query(t, qr_expr_ref(s), NULL);
	/* the whole statement as a named subquery */
	qr_expr *sq = qr_subquery(s, NULL);
	qr_stmt *outer = qr_select(
		C(users, "name"), qr_where(qr_eq(C(users, "id"), C(sq, "id"))));
	qr_expr_free(sq);
	show(t, qr_expr_ref(outer));
	query(t, outer, NULL);
}

static void joins(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	heading(t, "Using Joins");
	show(t, qr_join(users, addresses));
	show(t,
	     qr_join_on(users, addresses,
			qr_like(C(addresses, "email_address"),
				qr_add(C(users, "name"), qr_bind_text("%")))));
	query(t,
	      qr_select(
		      C(users, "fullname"),
		      qr_from(qr_join_on(users, addresses,
					 qr_like(C(addresses, "email_address"),
						 qr_add(C(users, "name"),
							qr_bind_text("%"))))),
		      qr_order_by(C(addresses, "id"))),
	      NULL);
	show(t, qr_select(C(users, "fullname"),
			  qr_from(qr_outerjoin(users, addresses))));
}

static void bind_parameters(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	heading(t, "Bind Parameter Objects");
	qr_params *p = qr_params_new();
	qr_params_text(p, "username", "wendy");
	query(t,
	      qr_select(users, qr_where(qr_eq(C(users, "name"),
					      qr_param("username")))),
	      p);
	query(t,
	      qr_select(users,
			qr_where(qr_like(
				C(users, "name"),
				qr_add(qr_param_typed("username", QR_STRING),
				       qr_text("'%'"))))),
	      p);
	qr_params_free(p);
	/* the same name twice: one value */
	p = qr_params_new();
	qr_params_text(p, "name", "jack");
	query(t,
	      qr_select(
		      users, addresses,
		      qr_where(qr_or(
			      qr_like(C(users, "name"),
				      qr_add(qr_param_typed("name", QR_STRING),
					     qr_text("'%'"))),
			      qr_like(C(addresses, "email_address"),
				      qr_add(qr_param_typed("name", QR_STRING),
					     qr_text("'@%'"))))),
		      qr_from(qr_outerjoin(users, addresses)),
		      qr_order_by(C(addresses, "id"))),
	      p);
	qr_params_free(p);
}

static void functions(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	heading(t, "Functions");
	show(t, qr_now());
	show(t, qr_func("concat", qr_bind_text("x"), qr_bind_text("y")));
	show(t, qr_func("xyz_my_goofy_function"));
	show(t, qr_func("current_timestamp"));
	/* func.max(..., type_=String).label('maxemail'), scalar() */
	qr_result *r;
	qr_stmt *s = qr_select(qr_label(
		qr_func_typed(QR_STRING, "max", C(addresses, "email_address")),
		"maxemail"));
	if (!t->rc && qr_conn_execute(&r, t->conn, s, NULL) == 0) {
		const qr_value *v;
		if (qr_result_scalar(r, &v) == 1) {
			repr_value(t->out, v);
			fputc('\n', t->out);
		}
		qr_result_free(r);
	} else if (!t->rc) {
		fail(t, "SELECT max");
	}
	qr_stmt_free(s);

	heading(t, "Window Functions");
	query(t,
	      qr_select(C(users, "id"),
			qr_over(qr_func("row_number"),
				qr_order_by(C(users, "name"))),
			qr_order_by(C(users, "id"))),
	      NULL);
	show(t, qr_select(C(users, "id"), qr_over(qr_func("row_number"),
						  qr_order_by(C(users, "name")),
						  qr_rows(-2, QR_UNBOUNDED))));

	heading(t, "Data Casts and Type Coercion");
	query(t,
	      qr_select(qr_cast(C(users, "id"), QR_STRING),
			qr_order_by(C(users, "id"))),
	      NULL);
}

static void unions(tut *t)
{
	qr_table *addresses = t->addresses;
	heading(t, "Unions and Other Set Operations");
	query(t,
	      qr_stmt_add(
		      qr_union(
			      qr_select(addresses,
					qr_where(qr_eq(
						C(addresses, "email_address"),
						qr_bind_text("foo@bar.com")))),
			      qr_select(addresses,
					qr_where(qr_like(
						C(addresses, "email_address"),
						qr_bind_text("%@yahoo.com"))))),
		      qr_order_by(C(addresses, "email_address"))),
	      NULL);
	query(t,
	      qr_stmt_add(
		      qr_except(qr_select(addresses,
					  qr_where(qr_like(
						  C(addresses, "email_address"),
						  qr_bind_text("%@%.com")))),
				qr_select(addresses,
					  qr_where(qr_like(
						  C(addresses, "email_address"),
						  qr_bind_text("%@msn.com"))))),
		      qr_order_by(C(addresses, "id"))),
	      NULL);
	/* a UNION nested in EXCEPT: as a subquery, first */
	qr_expr *u = qr_subquery(
		qr_union(qr_select(addresses,
				   qr_where(qr_like(
					   C(addresses, "email_address"),
					   qr_bind_text("%@yahoo.com")))),
			 qr_select(
				 addresses,
				 qr_where(qr_like(C(addresses, "email_address"),
						  qr_bind_text("%@msn.com"))))),
		NULL);
	query(t,
	      qr_except(
		      qr_select(u),
		      qr_select(addresses,
				qr_where(qr_like(C(addresses, "email_address"),
						 qr_bind_text("%@msn.com"))))),
	      NULL);
	query(t,
	      qr_stmt_add(qr_intersect(qr_select(C(addresses, "user_id")),
				       qr_select(C(t->users, "id"))),
			  qr_order_by(C(addresses, "user_id"))),
	      NULL);
	query(t,
	      qr_stmt_add(qr_union_all(qr_select(C(addresses, "user_id")),
				       qr_select(C(t->users, "id"))),
			  qr_order_by(C(addresses, "user_id"))),
	      NULL);
}

static void scalar_selects(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	heading(t, "Scalar Selects");
	query(t,
	      qr_select(C(users, "name"),
			qr_scalar(qr_select(
				qr_count(C(addresses, "id")),
				qr_where(qr_eq(C(users, "id"),
					       C(addresses, "user_id"))))),
			qr_order_by(C(users, "id"))),
	      NULL);
	query(t,
	      qr_select(C(users, "name"),
			qr_label(qr_scalar(qr_select(
					 qr_count(C(addresses, "id")),
					 qr_where(qr_eq(
						 C(users, "id"),
						 C(addresses, "user_id"))))),
				 "address_count"),
			qr_order_by(C(users, "id"))),
	      NULL);

	heading(t, "Correlated Subqueries");
	qr_stmt *inner = qr_select(
		C(addresses, "user_id"),
		qr_where(qr_eq(C(addresses, "user_id"), C(users, "id"))),
		qr_where(qr_eq(C(addresses, "email_address"),
			       qr_bind_text("jack@yahoo.com"))));
	qr_stmt *s = qr_select(C(users, "name"),
			       qr_where(qr_eq(C(users, "id"), inner)));
	show(t, qr_expr_ref(s));
	query(t, s, NULL);
	/* correlate(addresses) only */
	inner = qr_select(
		C(users, "id"),
		qr_where(qr_eq(C(users, "id"), C(addresses, "user_id"))),
		qr_where(qr_eq(C(users, "name"), qr_bind_text("jack"))),
		qr_correlate(addresses));
	query(t,
	      qr_select(C(users, "name"), C(addresses, "email_address"),
			qr_from(qr_join(users, addresses)),
			qr_where(qr_eq(C(users, "id"), inner)),
			qr_order_by(C(addresses, "id"))),
	      NULL);
	/* correlate(None) */
	inner = qr_select(
		C(users, "id"),
		qr_where(qr_eq(C(users, "name"), qr_bind_text("wendy"))),
		qr_correlate_none());
	query(t,
	      qr_select(C(users, "name"),
			qr_where(qr_eq(C(users, "id"), inner))),
	      NULL);
	/* correlate_except(users) */
	inner = qr_select(
		C(users, "id"),
		qr_where(qr_eq(C(users, "id"), C(addresses, "user_id"))),
		qr_where(qr_eq(C(users, "name"), qr_bind_text("jack"))),
		qr_correlate_except(users));
	query(t,
	      qr_select(C(users, "name"), C(addresses, "email_address"),
			qr_from(qr_join(users, addresses)),
			qr_where(qr_eq(C(users, "id"), inner)),
			qr_order_by(C(addresses, "id"))),
	      NULL);
}

static void ordering_grouping(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	heading(t, "Ordering, Grouping, Limiting, Offset...ing...");
	query(t, qr_select(C(users, "name"), qr_order_by(C(users, "name"))),
	      NULL);
	query(t,
	      qr_select(C(users, "name"),
			qr_order_by(qr_desc(C(users, "name")))),
	      NULL);
	query(t,
	      qr_select(C(users, "name"), qr_count(C(addresses, "id")),
			qr_from(qr_join(users, addresses)),
			qr_group_by(C(users, "name")),
			qr_order_by(C(users, "name"))),
	      NULL);
	query(t,
	      qr_select(C(users, "name"), qr_count(C(addresses, "id")),
			qr_from(qr_join(users, addresses)),
			qr_group_by(C(users, "name")),
			qr_having(qr_gt(qr_length(C(users, "name")),
					qr_bind_int(4)))),
	      NULL);
	query(t,
	      qr_select_distinct(
		      C(users, "name"),
		      qr_where(qr_contains(C(addresses, "email_address"),
					   C(users, "name"))),
		      qr_order_by(C(users, "name"))),
	      NULL);
	query(t,
	      qr_select(C(users, "name"), C(addresses, "email_address"),
			qr_from(qr_join(users, addresses)),
			qr_order_by(C(addresses, "id")), qr_limit(1),
			qr_offset(1)),
	      NULL);
}

static void ctes_and_exists(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	heading(t, "Common Table Expressions");
	qr_expr *counts =
		qr_cte(qr_select(C(addresses, "user_id"),
				 qr_label(qr_count(C(addresses, "id")),
					  "address_count"),
				 qr_group_by(C(addresses, "user_id"))),
		       "counts");
	qr_stmt *s =
		qr_select(C(users, "name"), C(counts, "address_count"),
			  qr_where(qr_eq(C(users, "id"), C(counts, "user_id"))),
			  qr_order_by(C(users, "id")));
	qr_expr_free(counts);
	show(t, qr_expr_ref(s));
	query(t, s, NULL);
	/* a recursive one: the numbers 1 to 5 */
	qr_expr *nums = qr_cte_recursive(
		qr_select(qr_label(qr_literal_column("1", QR_INTEGER), "n")),
		"numbers");
	qr_expr *all = qr_cte_union_all(
		qr_expr_ref(nums),
		qr_select(qr_add(C(nums, "n"), qr_bind_int(1)),
			  qr_where(qr_lt(C(nums, "n"), qr_bind_int(5)))));
	s = qr_select(C(all, "n"), qr_order_by(C(all, "n")));
	qr_expr_free(nums);
	qr_expr_free(all);
	show(t, qr_expr_ref(s));
	query(t, s, NULL);

	heading(t, "EXISTS");
	query(t,
	      qr_select(C(users, "name"),
			qr_where(qr_exists(qr_select(
				C(addresses, "id"),
				qr_where(qr_eq(C(addresses, "user_id"),
					       C(users, "id"))),
				qr_where(qr_like(C(addresses, "email_address"),
						 qr_bind_text("%@msn.com")))))),
			qr_order_by(C(users, "id"))),
	      NULL);
}

static void updates_and_deletes(tut *t)
{
	qr_table *users = t->users, *addresses = t->addresses;
	int64_t n = 0;
	heading(t, "Inserts, Updates and Deletes");
	/* UPDATE with an expression */
	qr_stmt *s = qr_update(
		users, qr_set("fullname", qr_add(qr_bind_text("Fullname: "),
						 C(users, "name"))));
	show(t, qr_expr_ref(s));
	run(t, s, NULL, &n);
	query(t, qr_select(C(users, "fullname"), qr_order_by(C(users, "id"))),
	      NULL);
	/* an INSERT with a bind parameter in an expression, executemany */
	qr_params *p = qr_params_new();
	const char *names[] = {"name1", "name2", "name3"};
	for (int i = 0; i < 3; i++) {
		if (i)
			qr_params_next_row(p);
		qr_params_int(p, "id", 4 + i);
		qr_params_text(p, "_name", names[i]);
	}
	run(t,
	    qr_insert(users,
		      qr_set("name", qr_add(qr_param_typed("_name", QR_STRING),
					    qr_bind_text(" .. name")))),
	    p, &n);
	qr_params_free(p);
	query(t,
	      qr_select(users, qr_where(qr_ge(C(users, "id"), qr_bind_int(4))),
			qr_order_by(C(users, "id"))),
	      NULL);
	/* UPDATE with WHERE */
	run(t,
	    qr_update(users,
		      qr_where(qr_eq(C(users, "name"), qr_bind_text("jack"))),
		      qr_set("name", qr_bind_text("ed"))),
	    NULL, &n);
	say(t, "rowcount: %lld", (long long)n);
	/* executemany with named parameters */
	p = qr_params_new();
	const char *pairs[][2] = {
		{"jack", "ed"}, {"wendy", "mary"}, {"jim", "jake"}};
	for (int i = 0; i < 3; i++) {
		if (i)
			qr_params_next_row(p);
		qr_params_text(p, "oldname", pairs[i][0]);
		qr_params_text(p, "newname", pairs[i][1]);
	}
	run(t,
	    qr_update(users,
		      qr_where(qr_eq(C(users, "name"), qr_param("oldname"))),
		      qr_set("name", qr_param("newname"))),
	    p, &n);
	qr_params_free(p);
	say(t, "rowcount: %lld", (long long)n);
	query(t,
	      qr_select(qr_cols(users, "id", "name"),
			qr_where(qr_lt(C(users, "id"), qr_bind_int(4))),
			qr_order_by(C(users, "id"))),
	      NULL);
	/* a correlated update */
	qr_stmt *sub = qr_select(
		C(addresses, "email_address"),
		qr_where(qr_eq(C(addresses, "user_id"), C(users, "id"))),
		qr_order_by(C(addresses, "id")), qr_limit(1));
	s = qr_update(users, qr_set("fullname", sub));
	show(t, qr_expr_ref(s));
	run(t, s, NULL, &n);
	query(t,
	      qr_select(qr_cols(users, "id", "fullname"),
			qr_order_by(C(users, "id"))),
	      NULL);
	/* a multiple-table UPDATE, where the dialect has one */
	s = qr_update(users, qr_set("name", qr_bind_text("ed wood")),
		      qr_where(qr_eq(C(users, "id"), C(addresses, "id"))),
		      qr_where(qr_startswith(C(addresses, "email_address"),
					     qr_bind_text("ed"))));
	show(t, qr_expr_ref(s));
	run(t, s, NULL, &n);
	say(t, "rowcount: %lld", (long long)n);

	heading(t, "Deletes");
	run(t, qr_delete(addresses), NULL, &n);
	say(t, "rowcount: %lld", (long long)n);
	run(t,
	    qr_delete(users,
		      qr_where(qr_gt(C(users, "name"), qr_bind_text("m")))),
	    NULL, &n);
	say(t, "rowcount: %lld", (long long)n);

	heading(t, "Matched Row Counts");
	run(t, qr_delete(users), NULL, &n);
	say(t, "rowcount: %lld", (long long)n);
	if (!t->rc && qr_conn_commit(t->conn))
		fail(t, "COMMIT");
}

/* Runs every step against url, printing to out. 0 when all went well. */
int qr_core_tutorial(const char *url, bool echo, FILE *out);
int qr_core_tutorial(const char *url, bool echo, FILE *out)
{
	tut t = {.out = out};
	heading(&t, "Connecting");
	if (qr_engine_create(&t.engine, url,
			     &(qr_engine_options){.echo = echo}))
		return fail(&t, "create_engine");
	t.dialect = qr_engine_dialect_name(t.engine);
	say(&t, "engine: %s", t.dialect);
	if (qr_engine_connect(&t.conn, t.engine)) {
		fail(&t, "connect");
		qr_engine_free(t.engine);
		return t.rc;
	}
	define_and_create(&t);
	/* start from empty tables, whatever an earlier run left */
	if (!t.rc) {
		run(&t, qr_delete(t.addresses), NULL, NULL);
		run(&t, qr_delete(t.users), NULL, NULL);
		if (!t.rc && qr_conn_commit(t.conn))
			fail(&t, "COMMIT");
	}
	void (*steps[])(tut *) = {
		insert_expressions,
		executing,
		executing_multiple,
		selecting,
		operators,
		conjunctions,
		textual_sql,
		ordering_by_label,
		aliases,
		joins,
		bind_parameters,
		functions,
		unions,
		scalar_selects,
		ordering_grouping,
		ctes_and_exists,
		updates_and_deletes,
	};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && !t.rc; i++)
		steps[i](&t);
	if (t.md && t.conn && !t.rc) {
		heading(&t, "Dropping the tables");
		if (qr_metadata_drop_all(t.md, t.engine))
			fail(&t, "drop_all");
		else
			say(&t, "drop_all: done");
	}
	qr_conn_free(t.conn);
	qr_metadata_free(t.md);
	qr_engine_free(t.engine);
	return t.rc;
}

#ifndef QR_CORE_TUTORIAL_NO_MAIN
int main(int argc, char **argv)
{
	const char *url = "sqlite:///:memory:";
	bool echo = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-e") == 0 ||
		    strcmp(argv[i], "--echo") == 0)
			echo = true;
		else if (strcmp(argv[i], "-h") == 0 ||
			 strcmp(argv[i], "--help") == 0) {
			printf("usage: %s [-e|--echo] [URL]\n", argv[0]);
			return 0;
		} else
			url = argv[i];
	}
	return qr_core_tutorial(url, echo, stdout) ? 1 : 0;
}
#endif
