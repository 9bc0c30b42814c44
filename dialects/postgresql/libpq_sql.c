/*
 * libpq_sql.c - lexical checks on SQL text for the libpq driver.
 *
 * The driver prepares single statements (the extended protocol refuses
 * several in one Parse message) and sends scripts with the simple
 * protocol, so it must tell them apart without a parser: a ';' outside
 * string literals, quoted identifiers, dollar quotes and comments that is
 * followed by more than white space and comments ends a statement.
 */
#include "libpq_internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' ||
	       (unsigned char)c >= 0x80;
}

/* Skips white space and comments (nested block comments, as PostgreSQL
 * has them) from i; returns the new position. */
static size_t skip_space(const char *s, size_t len, size_t i)
{
	while (i < len) {
		if (isspace((unsigned char)s[i])) {
			i++;
		} else if (s[i] == '-' && i + 1 < len && s[i + 1] == '-') {
			while (i < len && s[i] != '\n')
				i++;
		} else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
			int depth = 0;
			do {
				if (s[i] == '/' && i + 1 < len &&
				    s[i + 1] == '*') {
					depth++;
					i += 2;
				} else if (s[i] == '*' && i + 1 < len &&
					   s[i + 1] == '/') {
					depth--;
					i += 2;
				} else {
					i++;
				}
			} while (i < len && depth > 0);
		} else {
			break;
		}
	}
	return i;
}

/* The length of a dollar-quote tag ("$tag$" or "$$") at s[i], or 0. */
static size_t dollar_tag(const char *s, size_t len, size_t i)
{
	size_t j = i + 1;

	if (j < len && (isdigit((unsigned char)s[j])))
		return 0; /* $1: a parameter */
	while (j < len && ident_char(s[j]))
		j++;
	if (j < len && s[j] == '$')
		return j - i + 1;
	return 0;
}

/* Skips the quoted token starting at s[i]; returns the position after it
 * (len when unterminated). */
static size_t skip_quoted(const char *s, size_t len, size_t i)
{
	char q = s[i];
	bool backslash = false;

	if (q == '$') {
		size_t n = dollar_tag(s, len, i);
		for (size_t j = i + n; j + n <= len; j++) {
			if (s[j] == '$' && !memcmp(s + j, s + i, n))
				return j + n;
		}
		return len;
	}
	/* E'...' strings take backslash escapes. */
	if (q == '\'' && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
	    (i < 2 || !ident_char(s[i - 2])))
		backslash = true;
	for (i++; i < len; i++) {
		if (backslash && s[i] == '\\') {
			i++;
		} else if (s[i] == q) {
			if (i + 1 < len && s[i + 1] == q)
				i++; /* doubled quote */
			else
				return i + 1;
		}
	}
	return len;
}

bool qr_libpq__is_script(const char *sql, size_t len)
{
	size_t i = skip_space(sql, len, 0);

	while (i < len) {
		char c = sql[i];
		if (c == '\'' || c == '"') {
			i = skip_quoted(sql, len, i);
		} else if (c == '$' && (i == 0 || !ident_char(sql[i - 1])) &&
			   dollar_tag(sql, len, i)) {
			i = skip_quoted(sql, len, i);
		} else if (c == ';') {
			do {
				i = skip_space(sql, len, i + 1);
			} while (i < len && sql[i] == ';');
			if (i < len)
				return true;
		} else if ((c == '-' && i + 1 < len && sql[i + 1] == '-') ||
			   (c == '/' && i + 1 < len && sql[i + 1] == '*')) {
			i = skip_space(sql, len, i);
		} else {
			i++;
		}
	}
	return false;
}

bool qr_libpq__is_cacheable(const char *sql, size_t len)
{
	static const char *const words[] = {"select", "insert", "update",
					    "delete", "with",   "values",
					    "table",  "merge"};
	size_t i = skip_space(sql, len, 0);

	/* "(SELECT ...) UNION (...)" */
	while (i < len && sql[i] == '(')
		i = skip_space(sql, len, i + 1);
	size_t start = i;
	while (i < len && ident_char(sql[i]))
		i++;
	size_t n = i - start;
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		if (strlen(words[w]) == n &&
		    !strncasecmp(sql + start, words[w], n))
			return true;
	}
	return false;
}
