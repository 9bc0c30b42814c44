/*
 * reflect_util.c - see reflect_util.h.
 */
#include "reflect_util.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *qr_reflect__text(const qr_row *row, int col, int *rc)
{
	const char *s;
	if (qr_row_text(row, col, &s) != 0 || !s)
		return NULL;
	char *dup = strdup(s);
	if (!dup)
		*rc = qr_error_set(QR_ENOMEM, QR_ECLASS_INTERNAL,
				   "out of memory reflecting a table");
	return dup;
}

static void *grow(void **items, size_t *count, size_t elem)
{
	void *p = realloc(*items, (*count + 1) * elem);
	if (!p) {
		qr_error_set(QR_ENOMEM, QR_ECLASS_INTERNAL,
			     "out of memory reflecting a table");
		return NULL;
	}
	*items = p;
	char *e = (char *)p + *count * elem;
	memset(e, 0, elem);
	(*count)++;
	return e;
}

qr_reflected_column *qr_reflect__add_column(qr_reflected_table *t)
{
	return grow((void **)&t->columns, &t->ncolumns, sizeof(*t->columns));
}

qr_reflected_fk *qr_reflect__add_fk(qr_reflected_table *t)
{
	return grow((void **)&t->fks, &t->nfks, sizeof(*t->fks));
}

qr_reflected_index *qr_reflect__add_index(qr_reflected_table *t)
{
	return grow((void **)&t->indexes, &t->nindexes, sizeof(*t->indexes));
}

qr_reflected_unique *qr_reflect__add_unique(qr_reflected_table *t)
{
	return grow((void **)&t->uniques, &t->nuniques, sizeof(*t->uniques));
}

int qr_reflect__each_row(qr_conn *conn, const char *sql,
			 const qr_params *params, qr_reflect_row_fn fn,
			 void *userdata)
{
	qr_result *r;
	const qr_row *row;
	int rc = qr_conn_execute_text(&r, conn, sql, params);
	if (rc)
		return rc;
	int more;
	while ((more = qr_result_next(r, &row)) > 0) {
		if ((rc = fn(row, userdata)))
			break;
	}
	qr_result_free(r);
	return rc ? rc : (more < 0 ? more : 0);
}

char *qr_reflect__action(const char *action, int *rc)
{
	if (!action || !*action || strcasecmp(action, "NO ACTION") == 0 ||
	    strcasecmp(action, "RESTRICT") == 0)
		return NULL;
	char *dup = strdup(action);
	if (!dup)
		*rc = qr_error_set(QR_ENOMEM, QR_ECLASS_INTERNAL,
				   "out of memory reflecting a table");
	return dup;
}

qr_params *qr_reflect__params(const char *schema, const char *name)
{
	qr_params *p = qr_params_new();
	if (p && ((schema ? qr_params_text(p, "schema", schema)
			  : qr_params_null(p, "schema")) ||
		  (name && qr_params_text(p, "name", name)))) {
		qr_params_free(p);
		return NULL;
	}
	return p;
}

int qr_reflect__add_name(const qr_row *row, void *userdata)
{
	const char *name;
	int rc = qr_row_text(row, 0, &name);
	return rc ? rc : qr_strings_add(userdata, name);
}
