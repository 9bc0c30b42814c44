/*
 * fuzz_expr.c - libFuzzer target for the expression compiler: the input
 * bytes drive the building of a random statement (SELECT, INSERT, UPDATE
 * or DELETE over fixture tables, with expressions of columns, bound
 * values of every kind, arbitrary identifiers and parameter names,
 * operators, IN lists, CASE, CAST, functions, labels and subqueries),
 * which is compiled for sqlite, postgresql, mysql and mariadb, and
 * rendered with its values inlined. Checked:
 *   - building never crashes; a failed build leaves an error recorded;
 *   - compiling succeeds or returns a known error code that is also the
 *     recorded one;
 *   - the SQL lexes cleanly in the dialect (no literal or quoted
 *     identifier left open) and holds as many placeholders outside quotes
 *     as the compiled statement has parameters ($1..$n for postgresql);
 *   - compiling again gives the same SQL and parameter names (the
 *     compiled cache);
 *   - the literal rendering, when it succeeds, lexes cleanly and holds no
 *     placeholder: every value was inlined inside its quotes.
 */
#include <quarry.h>
#include <quarry/compiler.h>
#include <quarry/dml.h>
#include <quarry/schema.h>
#include <quarry/select.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static qr_metadata *md;
static qr_table *users, *things;
static const char *const user_cols[] = {"id", "name", "fullname"};
static const char *const thing_cols[] = {"id",         "select", "with space",
					 "q\"uote`d'", "flag",   "data"};

static void violated(const char *what, const char *dialect, const char *sql)
{
	fprintf(stderr, "fuzz_expr: %s [%s]\n  sql: %s\n  last error: %s\n",
		what, dialect, sql ? sql : "(none)", qr_error_last()->message);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	md = qr_metadata_new();
	users = qr_table(md, "users",
			 qr_column("id", QR_INTEGER, .primary_key = true),
			 qr_column("name", qr_string(50)),
			 qr_column("fullname", qr_string(50)));
	things = qr_table(
		md, "order", qr_column("id", QR_INTEGER, .primary_key = true),
		qr_column("select", QR_INTEGER),
		qr_column("with space", QR_TEXT),
		qr_column("q\"uote`d'", QR_TEXT), qr_column("flag", QR_BOOLEAN),
		qr_column("data", QR_BINARY));
	if (!users || !things) {
		fprintf(stderr, "fixtures: %s\n", qr_error_last()->message);
		abort();
	}
	return 0;
}

/* ---- reading the input ------------------------------------------------- */

typedef struct reader {
	const uint8_t *p;
	size_t n;
	int nodes; /* built so far: bounds the tree */
} reader;

static unsigned byte(reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static int64_t int64(reader *r)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | byte(r);
	return (int64_t)v;
}

/* Up to 24 bytes of the input (NUL bytes included) into buf. */
static size_t bytes(reader *r, char *buf)
{
	size_t n = byte(r) % 25;
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)byte(r);
	buf[n] = '\0';
	return n;
}

/* A name: up to 24 bytes, without NUL (names are C strings). */
static const char *name(reader *r, char *buf)
{
	size_t n = bytes(r, buf);
	for (size_t i = 0; i < n; i++) {
		if (!buf[i])
			buf[i] = '_';
	}
	if (!n)
		strcpy(buf, "n");
	return buf;
}

static qr_type any_type(reader *r)
{
	switch (byte(r) % 7) {
	case 0:
		return QR_INTEGER;
	case 1:
		return qr_string(byte(r) % 100);
	case 2:
		return QR_TEXT;
	case 3:
		return QR_BOOLEAN;
	case 4:
		return QR_BINARY;
	case 5:
		return QR_DATETIME;
	default:
		return qr_numeric(byte(r) % 40, byte(r) % 10);
	}
}

/* ---- building ------------------------------------------------------- */

static qr_stmt *statement(reader *r, int depth);

static qr_expr *expr(reader *r, int depth)
{
	char a[32], b[32];
	unsigned k = byte(r);

	if (depth > 5 || ++r->nodes > 60)
		k %= 9; /* leaves only */
	else
		k %= 34;
	switch (k) {
	case 0:
		return qr_c(users, user_cols[byte(r) % 3]);
	case 1:
		return qr_c(things, thing_cols[byte(r) % 6]);
	case 2:
		return qr_bind_int(int64(r));
	case 3: {
		size_t n = bytes(r, a);
		return qr_bind_value(qr_val_textn(a, n));
	}
	case 4: {
		size_t n = bytes(r, a);
		return qr_bind_value(qr_val_blob(a, n));
	}
	case 5: {
		int64_t bits = int64(r);
		double d;
		memcpy(&d, &bits, sizeof(d));
		return qr_bind_double(d);
	}
	case 6:
		return byte(r) & 1 ? qr_true() : qr_null();
	case 7:
		return qr_column_ref(name(r, a));
	case 8:
		return qr_param(name(r, a));
	case 9:
		return qr_eq(expr(r, depth + 1), expr(r, depth + 1));
	case 10:
		return qr_ne(expr(r, depth + 1), expr(r, depth + 1));
	case 11:
		return qr_lt(expr(r, depth + 1), expr(r, depth + 1));
	case 12:
		return qr_add(expr(r, depth + 1), expr(r, depth + 1));
	case 13:
		return qr_sub(expr(r, depth + 1), expr(r, depth + 1));
	case 14:
		return qr_mul(expr(r, depth + 1), expr(r, depth + 1));
	case 15:
		return qr_div(expr(r, depth + 1), expr(r, depth + 1));
	case 16:
		return qr_concat(expr(r, depth + 1), expr(r, depth + 1));
	case 17:
		return qr_like(expr(r, depth + 1), expr(r, depth + 1));
	case 18:
		return qr_and(expr(r, depth + 1), expr(r, depth + 1));
	case 19:
		return qr_or(expr(r, depth + 1), expr(r, depth + 1));
	case 20:
		return qr_not(expr(r, depth + 1));
	case 21:
		return qr_neg(expr(r, depth + 1));
	case 22:
		return byte(r) & 1 ? qr_is_null(expr(r, depth + 1))
				   : qr_is_not_null(expr(r, depth + 1));
	case 23: {
		int64_t v[4];
		size_t n = byte(r) % 5;
		for (size_t i = 0; i < n; i++)
			v[i] = int64(r);
		return qr_in_ints(expr(r, depth + 1), v, n);
	}
	case 24: {
		const char *v[3];
		size_t n = byte(r) % 4;
		char s[3][32];
		for (size_t i = 0; i < n; i++)
			v[i] = name(r, s[i]);
		return qr_in_texts(expr(r, depth + 1), v, n);
	}
	case 25:
		return qr_between(expr(r, depth + 1), expr(r, depth + 1),
				  expr(r, depth + 1));
	case 26:
		return qr_case(qr_when(expr(r, depth + 1), expr(r, depth + 1)),
			       qr_else(expr(r, depth + 1)));
	case 27:
		return qr_cast(expr(r, depth + 1), any_type(r));
	case 28:
		return qr_func("coalesce", expr(r, depth + 1),
			       expr(r, depth + 1));
	case 29:
		return qr_label(expr(r, depth + 1), name(r, b));
	case 30:
		return qr_exists(statement(r, depth + 2));
	case 31:
		return qr_scalar(statement(r, depth + 2));
	case 32:
		return qr_is_distinct_from(expr(r, depth + 1),
					   expr(r, depth + 1));
	default:
		return qr_bind_typed(qr_val_int(int64(r)), any_type(r));
	}
}

static qr_stmt *statement(reader *r, int depth)
{
	switch (byte(r) % (depth > 0 ? 1 : 5)) {
	case 0: {
		qr_stmt *s = qr_select(expr(r, depth + 1),
				       qr_where(expr(r, depth + 1)));
		if (byte(r) & 1)
			s = qr_stmt_add(s, qr_order_by(expr(r, depth + 1)));
		if (byte(r) & 1)
			s = qr_stmt_add(s, qr_limit(byte(r)));
		return s;
	}
	case 1:
		return qr_insert(users,
				 qr_values(qr_set("id", expr(r, depth + 1)),
					   qr_set("name", expr(r, depth + 1))));
	case 2:
		return qr_update(
			things,
			qr_set(thing_cols[byte(r) % 6], expr(r, depth + 1)),
			qr_where(expr(r, depth + 1)));
	case 3:
		return qr_delete(users, qr_where(expr(r, depth + 1)));
	default:
		return qr_select(
			qr_c(users, "id"), qr_c(things, "select"),
			qr_where(qr_eq(qr_c(users, "id"), qr_c(things, "id")),
				 expr(r, depth + 1)));
	}
}

/* ---- checking ------------------------------------------------------- */

static bool word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || (unsigned char)c >= 0x80;
}

/*
 * Lexes SQL of a dialect far enough to know what is inside quotes:
 * '...' strings ('' inside; backslash escapes on MySQL and in E'...'),
 * "..." identifiers ("" inside), `...` on MySQL. Returns the number of
 * placeholders outside quotes (? or %s, or the highest $n), or -1 when a
 * literal or identifier is left open.
 */
static long lex(const char *s, const char *dialect)
{
	bool mysql = strcmp(dialect, "mysql") == 0 ||
		     strcmp(dialect, "mariadb") == 0;
	bool numeric = strcmp(dialect, "postgresql") == 0;
	long count = 0;

	for (size_t i = 0; s[i]; i++) {
		char c = s[i];
		if (c == '\'' || c == '"' || (mysql && c == '`')) {
			bool esc = c == '\'' &&
				   (mysql ||
				    (i > 0 &&
				     (s[i - 1] == 'E' || s[i - 1] == 'e') &&
				     (i < 2 || !word(s[i - 2]))));
			size_t j = i + 1;
			for (;; j++) {
				if (!s[j])
					return -1;
				if (esc && s[j] == '\\' && s[j + 1]) {
					j++;
					continue;
				}
				if (s[j] == c) {
					if (s[j + 1] == c) {
						j++;
						continue;
					}
					break;
				}
			}
			i = j;
		} else if (!numeric && c == '?') {
			count++;
		} else if (numeric && c == '$' && s[i + 1] >= '1' &&
			   s[i + 1] <= '9' && (i == 0 || !word(s[i - 1]))) {
			long n = strtol(s + i + 1, NULL, 10);
			if (n > count)
				count = n;
		}
	}
	return count;
}

static bool known_error(int rc)
{
	switch (rc) {
	case QR_ENOTSUP:
	case QR_ECOMPILE:
	case QR_EINVAL:
	case QR_EPARAM:
	case QR_ECOLUMN:
	case QR_ECONVERT:
	case QR_ERANGE:
		return true;
	default:
		return false;
	}
}

static void check(const qr_stmt *stmt, const char *dialect)
{
	qr_compiled *c = NULL, *again = NULL;
	char *lit = NULL;
	int rc = qr_compile(&c, stmt, dialect);
	long n;

	if (rc == QR_ENODIALECT)
		return;
	if (rc) {
		if (!known_error(rc) || qr_error_last()->code != rc)
			violated("unexpected compile error", dialect, NULL);
		if (c)
			violated("failed compile left a result", dialect, NULL);
		return;
	}
	const char *sql = qr_compiled_sql(c);
	if (!sql || !*sql)
		violated("empty SQL", dialect, sql);
	n = lex(sql, dialect);
	if (n < 0)
		violated("SQL leaves a quote open", dialect, sql);
	if ((size_t)n != qr_compiled_param_count(c))
		violated("placeholders and parameters differ", dialect, sql);
	for (size_t i = 0; i < qr_compiled_param_count(c); i++) {
		if (!qr_compiled_param_name(c, i))
			violated("a parameter has no name", dialect, sql);
	}
	if (qr_compile(&again, stmt, dialect) != 0 ||
	    strcmp(qr_compiled_sql(again), sql) != 0 ||
	    qr_compiled_param_count(again) != qr_compiled_param_count(c))
		violated("compiling again differs", dialect, sql);
	for (size_t i = 0; i < qr_compiled_param_count(c); i++) {
		if (strcmp(qr_compiled_param_name(c, i),
			   qr_compiled_param_name(again, i)))
			violated("parameter names differ", dialect, sql);
	}
	rc = qr_compiled_render_literal(&lit, c);
	if (rc == 0) {
		n = lex(lit, dialect);
		if (n < 0)
			violated("literal SQL leaves a quote open", dialect,
				 lit);
		if (n != 0)
			violated("literal SQL still has placeholders", dialect,
				 lit);
	} else if (!known_error(rc) || qr_error_last()->code != rc) {
		violated("unexpected literal rendering error", dialect, sql);
	}
	qr_free(lit);
	qr_compiled_free(again);
	qr_compiled_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const dialects[] = {"sqlite", "postgresql", "mysql",
					       "mariadb"};
	reader r = {data, size, 0};
	qr_stmt *stmt;

	qr_error_clear();
	stmt = statement(&r, 0);
	if (!stmt) {
		if (qr_error_last()->code == 0)
			violated("a failed build recorded no error", "-", NULL);
		return 0;
	}
	for (size_t i = 0; i < 4; i++)
		check(stmt, dialects[i]);
	qr_stmt_free(stmt);
	return 0;
}
