/*
 * tokens.c - the nodes standing for entities in queries: qr_entity()'s
 * column list of a mapper and qr_aliased()'s aliases. A query looks its
 * columns up here to know which ones to load as objects. Process-wide
 * and thread-safe; entries live as long as their mapper.
 */
#include "orm_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct token {
	const qr_expr *node;
	qr_mapper *mapper;
	bool alias;
	char *name; /* an alias's name, or NULL */
} token;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static token *tokens;
static size_t ntokens, cap;

int qr_orm__token_add(const qr_expr *node, qr_mapper *m, bool alias,
		      const char *name)
{
	char *copy = NULL;
	int rc = 0;

	if (name && !(copy = strdup(name)))
		return qr_error_oom("entity token");
	pthread_mutex_lock(&lock);
	if (ntokens == cap) {
		size_t ncap = cap ? cap * 2 : 16;
		token *t = realloc(tokens, ncap * sizeof(*t));
		if (!t) {
			free(copy);
			rc = qr_error_oom("entity token");
			goto out;
		}
		tokens = t;
		cap = ncap;
	}
	tokens[ntokens].node = node;
	tokens[ntokens].mapper = m;
	tokens[ntokens].alias = alias;
	tokens[ntokens].name = copy;
	ntokens++;
out:
	pthread_mutex_unlock(&lock);
	return rc;
}

void qr_orm__token_remove_mapper(const qr_mapper *m)
{
	size_t j = 0;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ntokens; i++) {
		if (tokens[i].mapper != m)
			tokens[j++] = tokens[i];
		else
			free(tokens[i].name);
	}
	ntokens = j;
	if (!ntokens) {
		free(tokens);
		tokens = NULL;
		cap = 0;
	}
	pthread_mutex_unlock(&lock);
}

qr_mapper *qr_orm__token_find(const qr_expr *node, bool *alias,
			      const char **name)
{
	qr_mapper *m = NULL;

	if (!node)
		return NULL;
	pthread_mutex_lock(&lock);
	for (size_t i = ntokens; i-- > 0;) {
		if (tokens[i].node == node) {
			m = tokens[i].mapper;
			if (alias)
				*alias = tokens[i].alias;
			if (name)
				*name = tokens[i].name;
			break;
		}
	}
	pthread_mutex_unlock(&lock);
	return m;
}

const qr_field *qr_orm__column_field(const qr_expr *column, qr_mapper **m)
{
	const qr_field *f = NULL;

	if (!column)
		return NULL;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ntokens && !f; i++) {
		qr_mapper *tm = tokens[i].mapper;
		if (tokens[i].alias)
			continue;
		for (size_t j = 0; j < tm->nfields; j++)
			if (tm->fields[j].column == column) {
				f = &tm->fields[j];
				if (m)
					*m = tm;
				break;
			}
	}
	pthread_mutex_unlock(&lock);
	return f;
}
