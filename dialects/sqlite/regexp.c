/*
 * regexp.c - the regexp(pattern, string) SQL function behind SQLite's
 * "x REGEXP p" (SQLite declares the operator, an application defines
 * the function), as SQLAlchemy's pysqlite dialect registers one with
 * Python's re.search.
 *
 * Flavour: POSIX extended regular expressions (<regex.h>, REG_EXTENDED),
 * searched anywhere in the string like re.search; Perl extensions
 * (\d, \w, lazy quantifiers, lookaround) are not available. NULL
 * pattern or string gives NULL; an invalid pattern is an SQL error
 * naming it. The compiled pattern is kept with the statement
 * (sqlite3_set_auxdata) while the same pattern is applied row by row.
 */
#include "sqlite_regexp.h"

#include <regex.h>
#include <stdlib.h>

static void free_regex(void *p)
{
	regfree(p);
	free(p);
}

static void regexp_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *pattern = sqlite3_value_text(argv[0]);
	const unsigned char *s = sqlite3_value_text(argv[1]);
	if (!pattern || !s)
		return; /* NULL */
	regex_t *re = sqlite3_get_auxdata(ctx, 0);
	if (!re) {
		re = malloc(sizeof(*re));
		if (!re) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		int rc = regcomp(re, (const char *)pattern,
				 REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char msg[200], err[300];
			regerror(rc, re, msg, sizeof(msg));
			free(re);
			sqlite3_snprintf(sizeof(err), err,
					 "invalid regular expression '%s': %s",
					 (const char *)pattern, msg);
			sqlite3_result_error(ctx, err, -1);
			return;
		}
		sqlite3_set_auxdata(ctx, 0, re, free_regex);
		/* SQLite may have freed it already (out of memory). */
		re = sqlite3_get_auxdata(ctx, 0);
		if (!re) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	sqlite3_result_int(ctx, regexec(re, (const char *)s, 0, NULL, 0) == 0);
}

int qr_sqlite__register_regexp(sqlite3 *db)
{
	return sqlite3_create_function(db, "regexp", 2,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				       regexp_fn, NULL, NULL);
}
