/*
 * mysqlclient_sql.c - lexical checks on SQL text for the mysqlclient
 * driver.
 *
 * Prepared statements hold one statement; scripts (several statements,
 * no parameters) go through the text protocol with multi-statements on.
 * A ';' outside strings ('...', "..." with backslash escapes), quoted
 * identifiers (`...`) and comments (-- , #, block) that is followed by
 * more than white space and comments ends a statement.
 */
#include "mysqlclient_internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' ||
	       (unsigned char)c >= 0x80;
}

/* "-- " starts a comment only when followed by white space or the end. */
static bool dash_comment(const char *s, size_t len, size_t i)
{
	return s[i] == '-' && i + 1 < len && s[i + 1] == '-' &&
	       (i + 2 == len || isspace((unsigned char)s[i + 2]));
}

static size_t skip_space(const char *s, size_t len, size_t i)
{
	while (i < len) {
		if (isspace((unsigned char)s[i])) {
			i++;
		} else if (s[i] == '#' || dash_comment(s, len, i)) {
			while (i < len && s[i] != '\n')
				i++;
		} else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
			const char *end = NULL;
			for (size_t j = i + 2; j + 1 < len; j++) {
				if (s[j] == '*' && s[j + 1] == '/') {
					end = s + j + 2;
					break;
				}
			}
			i = end ? (size_t)(end - s) : len;
		} else {
			break;
		}
	}
	return i;
}

static size_t skip_quoted(const char *s, size_t len, size_t i)
{
	char q = s[i];

	for (i++; i < len; i++) {
		if (s[i] == '\\' && q != '`') {
			i++;
		} else if (s[i] == q) {
			if (i + 1 < len && s[i + 1] == q)
				i++;
			else
				return i + 1;
		}
	}
	return len;
}

bool qr_mysql__is_script(const char *sql, size_t len)
{
	size_t i = skip_space(sql, len, 0);

	while (i < len) {
		char c = sql[i];
		if (c == '\'' || c == '"' || c == '`') {
			i = skip_quoted(sql, len, i);
		} else if (c == ';') {
			do {
				i = skip_space(sql, len, i + 1);
			} while (i < len && sql[i] == ';');
			if (i < len)
				return true;
		} else if (c == '#' || dash_comment(sql, len, i) ||
			   (c == '/' && i + 1 < len && sql[i + 1] == '*')) {
			i = skip_space(sql, len, i);
		} else {
			i++;
		}
	}
	return false;
}

/* The statement's first word (after spaces, comments and opening
 * parentheses): its start and length. */
static size_t first_word(const char *sql, size_t len, size_t *start)
{
	size_t i = skip_space(sql, len, 0);

	while (i < len && sql[i] == '(')
		i = skip_space(sql, len, i + 1);
	*start = i;
	while (i < len && ident_char(sql[i]))
		i++;
	return i - *start;
}

static bool first_word_in(const char *sql, size_t len, const char *const *words,
			  size_t nwords)
{
	size_t start, n = first_word(sql, len, &start);

	for (size_t w = 0; w < nwords; w++) {
		if (strlen(words[w]) == n &&
		    !strncasecmp(sql + start, words[w], n))
			return true;
	}
	return false;
}

bool qr_mysql__is_cacheable(const char *sql, size_t len)
{
	static const char *const words[] = {"select", "insert",  "update",
					    "delete", "replace", "with",
					    "values", "table"};

	return first_word_in(sql, len, words, sizeof(words) / sizeof(words[0]));
}

bool qr_mysql__is_update_or_delete(const char *sql, size_t len)
{
	static const char *const words[] = {"update", "delete"};

	return first_word_in(sql, len, words, 2);
}
