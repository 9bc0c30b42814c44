/*
 * fuzz_text.c - libFuzzer target for text() statements (core/sql/text.c)
 * compiled for each dialect's parameter style.
 *
 * The input, cut at its first NUL, is the SQL of qr_text(). Checked:
 *   - the parameters found are those of an independent reading of
 *     SQLAlchemy's pattern (?<![:\w\\]):(\w+)(?!:);
 *   - qmark and format styles (sqlite; mysql and mariadb, in whichever
 *     style their flavour uses) list one parameter per occurrence,
 *     numeric (postgresql) each distinct name once, in the order of first
 *     appearance, and its SQL holds every $1..$n;
 *   - a qmark dialect's SQL is exactly sqlite's; a format dialect's SQL
 *     with "%%" read as "%" and "%s" as "?" is exactly sqlite's (literal
 *     '%' doubled, nothing else changed).
 * A dialect that is not built in (QR_ENODIALECT) is skipped.
 */
#include <quarry.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void violated(const char *what, const char *sql, const char *detail)
{
	fprintf(stderr, "fuzz_text: %s\n  sql: '%s'\n  got: '%s'\n", what, sql,
		detail ? detail : "");
	abort();
}

static bool is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

/*
 * The reference reading: at each ':' not preceded by ':', a word
 * character or '\', the longest word run after it, given back one
 * character at a time while a ':' follows it. Fills names[] (pointers
 * into a copy) and returns their count.
 */
static size_t reference_params(const char *sql, char *buf, char **names,
			       size_t max)
{
	size_t n = 0, len = strlen(sql);

	strcpy(buf, sql);
	for (size_t i = 0; i < len; i++) {
		size_t end = i + 1;

		if (sql[i] != ':' ||
		    (i > 0 && (sql[i - 1] == ':' || sql[i - 1] == '\\' ||
			       is_word((unsigned char)sql[i - 1]))))
			continue;
		while (end < len && is_word((unsigned char)sql[end]))
			end++;
		while (end > i + 1 && sql[end] == ':')
			end--;
		if (end == i + 1)
			continue;
		if (n < max)
			names[n] = buf + i + 1;
		n++;
		/* Cut the copy after the name: the next byte is a word
		 * byte or ':' (never a parameter start) or the end. */
		buf[end] = '\0';
		i = end - 1;
	}
	return n;
}

/* "%%" -> "%", "%s" -> "?": the mysql SQL read back as sqlite's. */
static char *unformat(const char *s)
{
	char *out = malloc(strlen(s) + 1), *p = out;

	if (!out)
		return NULL;
	while (*s) {
		if (s[0] == '%' && s[1] == '%') {
			*p++ = '%';
			s += 2;
		} else if (s[0] == '%' && s[1] == 's') {
			*p++ = '?';
			s += 2;
		} else if (s[0] == '%') {
			free(out);
			return NULL; /* a lone '%' is a bug */
		} else {
			*p++ = *s++;
		}
	}
	*p = '\0';
	return out;
}

static qr_compiled *compile_for(const qr_stmt *stmt, const char *dialect,
				const char *sql)
{
	qr_compiled *c;
	int rc = qr_compile(&c, stmt, dialect);

	if (rc == QR_ENODIALECT)
		return NULL;
	if (rc != 0)
		violated("compile failed", sql, qr_error_last()->message);
	if (!qr_compiled_sql(c))
		violated("compiled SQL is NULL", sql, dialect);
	return c;
}

/* Whether a dialect writes parameters as %s (probed once). */
static bool format_style(const char *dialect)
{
	static int style[2] = {-1, -1}; /* mysql, mariadb */
	int *st = &style[strcmp(dialect, "mysql") != 0];
	if (*st < 0) {
		qr_stmt *probe = qr_text("SELECT :a");
		qr_compiled *c = NULL;
		*st = qr_compile(&c, probe, dialect) == 0 &&
		      strstr(qr_compiled_sql(c), "%s") != NULL;
		qr_compiled_free(c);
		qr_stmt_free(probe);
	}
	return *st == 1;
}

static void check(const char *sql)
{
	size_t len = strlen(sql), nref;
	char *buf = malloc(len + 1);
	char **names = malloc((len / 2 + 1) * sizeof(*names));
	qr_stmt *stmt;
	static const char *const my_names[2] = {"mysql", "mariadb"};
	qr_compiled *lite, *pg, *my[2];

	if (!buf || !names)
		goto done_alloc;
	nref = reference_params(sql, buf, names, len / 2 + 1);

	stmt = qr_text(sql);
	if (!stmt)
		violated("qr_text failed", sql, qr_error_last()->message);
	lite = compile_for(stmt, "sqlite", sql);
	pg = compile_for(stmt, "postgresql", sql);
	my[0] = compile_for(stmt, my_names[0], sql);
	my[1] = compile_for(stmt, my_names[1], sql);

	if (lite) {
		if (qr_compiled_param_count(lite) != nref)
			violated("sqlite parameter count differs from the "
				 "reference",
				 sql, qr_compiled_sql(lite));
		for (size_t i = 0; i < nref; i++) {
			if (strcmp(qr_compiled_param_name(lite, i), names[i]))
				violated("sqlite parameter name differs", sql,
					 qr_compiled_param_name(lite, i));
			if (qr_compiled_param_value(lite, i))
				violated("text() parameter has a value", sql,
					 names[i]);
		}
	}
	for (size_t d = 0; lite && d < 2; d++) {
		qr_compiled *c = my[d];
		char *back;
		if (!c)
			continue;
		if (qr_compiled_param_count(c) != nref)
			violated("mysql parameter count differs", sql,
				 qr_compiled_sql(c));
		for (size_t i = 0; i < nref; i++) {
			if (strcmp(qr_compiled_param_name(c, i), names[i]))
				violated("mysql parameter name differs", sql,
					 qr_compiled_param_name(c, i));
		}
		back = format_style(my_names[d]) ? unformat(qr_compiled_sql(c))
						 : strdup(qr_compiled_sql(c));
		if (!back)
			violated("mysql SQL has a lone '%'", sql,
				 qr_compiled_sql(c));
		if (strcmp(back, qr_compiled_sql(lite)))
			violated("mysql SQL is not sqlite's in its style", sql,
				 qr_compiled_sql(c));
		free(back);
	}
	if (pg) {
		size_t n = qr_compiled_param_count(pg), k = 0;
		for (size_t i = 0; i < nref; i++) {
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				seen = strcmp(names[j], names[i]) == 0;
			if (seen)
				continue;
			if (k >= n ||
			    strcmp(qr_compiled_param_name(pg, k), names[i]))
				violated("postgresql parameters are not the "
					 "distinct names in order",
					 sql, qr_compiled_sql(pg));
			k++;
		}
		if (k != n)
			violated("postgresql has extra parameters", sql,
				 qr_compiled_sql(pg));
		for (size_t i = 1; i <= n; i++) {
			char mark[32];
			snprintf(mark, sizeof(mark), "$%zu", i);
			if (!strstr(qr_compiled_sql(pg), mark))
				violated("postgresql SQL lacks a placeholder",
					 sql, mark);
		}
	}
	qr_compiled_free(my[0]);
	qr_compiled_free(my[1]);
	qr_compiled_free(pg);
	qr_compiled_free(lite);
	qr_stmt_free(stmt);
done_alloc:
	free(names);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql = malloc(size + 1);

	if (!sql)
		return 0;
	memcpy(sql, data, size);
	sql[size] = '\0';
	check(sql);
	free(sql);
	return 0;
}
