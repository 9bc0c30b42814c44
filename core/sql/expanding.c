/*
 * expanding.c - "expanding" IN parameters (SQLAlchemy's bindparam(...,
 * expanding=True)): at execution, the one placeholder of a list
 * parameter becomes one placeholder per value of the list it is given.
 */
#include "compiled.h"

#include "../mem.h"
#include "../strbuf.h"

#include <quarry/params.h>

#include <quarry/sys/error.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether the placeholder at offset follows "NOT IN (". */
static bool after_not_in(const char *sql, size_t offset)
{
	size_t i = offset;
	while (i > 0 && isspace((unsigned char)sql[i - 1]))
		i--;
	if (i == 0 || sql[i - 1] != '(')
		return false;
	i--;
	while (i > 0 && isspace((unsigned char)sql[i - 1]))
		i--;
	return i >= 6 && strncmp(sql + i - 6, "NOT IN", 6) == 0;
}

const char *qr_compiled__empty_in(const char *sql, size_t offset)
{
	/* SQLAlchemy's empty IN: false; empty NOT IN: true. */
	return after_not_in(sql, offset) ? "NULL) OR (1 = 1"
					 : "NULL) AND (1 != 1";
}

/* The list an expanding slot is given: the execution's value, else the
 * slot's own. */
static int list_of(const qr_bindslot *s, const qr_params *params,
		   const qr_value **items, size_t *n)
{
	const qr_value *v = params ? qr_params_get(params, 0, s->name) : NULL;
	if (!v && s->has_value)
		v = &s->value;
	if (!v)
		return qr_error_set(QR_EPARAM, QR_ECLASS_INVALID_REQUEST,
				    "A value is required for bind parameter "
				    "'%s'",
				    s->name);
	if (v->kind != QR_VLIST)
		return qr_error_set(QR_EPARAM, QR_ECLASS_ARGUMENT,
				    "expanding parameter '%s' needs a list of "
				    "values (qr_params_list), not a %s",
				    s->name, qr_vkind_name(v->kind));
	*items = v->u.list.items;
	*n = v->u.list.n;
	return 0;
}

/* Copies a slot's fields, its value deeply. */
static int copy_slot(qr_bindslot *dst, const qr_bindslot *src, const char *name,
		     const qr_value *value)
{
	char *storage;
	*dst = *src;
	dst->name = qr_mem__strdup(name);
	dst->expanding = false;
	dst->has_value = value != NULL;
	if (!dst->name)
		return QR_ENOMEM;
	if (value && qr_value__copy(&dst->value, value, &storage)) {
		dst->has_value = false;
		return QR_ENOMEM;
	}
	return 0;
}

int qr_compiled__expand(qr_compiled **out, const qr_compiled *c,
			const qr_params *params)
{
	qr_paramstyle ps = c->dialect->paramstyle;
	size_t total = 0;
	size_t *first = NULL; /* new index of each old slot's first value */
	size_t *count = NULL; /* how many values each old slot stands for */
	const qr_value **lists = NULL;
	qr_bindslot *slots = NULL;
	size_t made = 0;
	qr_strbuf sql = {0};
	int rc = 0;

	*out = NULL;
	if (!c->positions && c->nslots)
		return qr_error_set(QR_ECOMPILE, QR_ECLASS_INTERNAL,
				    "expanding parameters need placeholder "
				    "positions");
	first = qr_mem__calloc(c->nslots + 1, sizeof(*first), "parameters");
	count = qr_mem__calloc(c->nslots + 1, sizeof(*count), "parameters");
	lists = qr_mem__calloc(c->nslots + 1, sizeof(*lists), "parameters");
	if (!first || !count || !lists)
		rc = QR_ENOMEM;
	for (size_t i = 0; i < c->nslots && rc == 0; i++) {
		first[i] = total;
		count[i] = 1;
		if (c->slots[i].expanding)
			rc = list_of(&c->slots[i], params, &lists[i],
				     &count[i]);
		total += count[i];
	}
	if (rc == 0 &&
	    !(slots = qr_mem__calloc(total + 1, sizeof(*slots), "parameters")))
		rc = QR_ENOMEM;
	/* The slots: an expanding one becomes <name>_1 .. <name>_n, typed
	 * as its elements and bound to them; the others stay as they are. */
	for (size_t i = 0; i < c->nslots && rc == 0; i++) {
		const qr_bindslot *s = &c->slots[i];
		if (!s->expanding) {
			rc = copy_slot(&slots[made++], s, s->name,
				       s->has_value ? &s->value : NULL);
			continue;
		}
		for (size_t k = 0; k < count[i] && rc == 0; k++) {
			char name[320];
			snprintf(name, sizeof(name), "%s_%zu", s->name, k + 1);
			rc = copy_slot(&slots[made++], s, name, &lists[i][k]);
		}
	}
	/* The SQL: text between placeholders copied, each placeholder
	 * rewritten (numbered styles renumbered). */
	size_t at = 0;
	for (size_t p = 0; p < c->npositions && rc == 0; p++) {
		const qr_param_pos *pos = &c->positions[p];
		qr_strbuf__put(&sql, c->sql + at, pos->offset - at);
		at = pos->offset + pos->len;
		if (count[pos->slot] == 0) {
			qr_strbuf__puts(&sql, qr_compiled__empty_in(
						      c->sql, pos->offset));
			continue;
		}
		for (size_t k = 0; k < count[pos->slot]; k++) {
			if (k)
				qr_strbuf__puts(&sql, ", ");
			if (ps == QR_PARAMSTYLE_NUMERIC)
				qr_strbuf__printf(&sql, "$%zu",
						  first[pos->slot] + k + 1);
			else if (ps == QR_PARAMSTYLE_FORMAT)
				qr_strbuf__puts(&sql, "%s");
			else
				qr_strbuf__putc(&sql, '?');
		}
	}
	if (rc == 0)
		qr_strbuf__put(&sql, c->sql + at, c->sql_len - at);
	free(first);
	free(count);
	free(lists);
	if (rc || sql.error) {
		rc = rc ? rc : QR_ENOMEM;
		for (size_t i = 0; i < made; i++)
			qr_bindslot__clear(&slots[i]);
		free(slots);
		qr_strbuf__free(&sql);
		return rc;
	}
	size_t len = sql.len;
	qr_compiled *e = qr_compiled__new(c->dialect, qr_strbuf__take(&sql),
					  len, slots, total);
	if (!e)
		return QR_ENOMEM;
	e->gen_time = c->gen_time;
	e->returns_rows = c->returns_rows;
	e->is_ddl = c->is_ddl;
	e->is_dml = c->is_dml;
	e->implicit_returning = c->implicit_returning;
	if (c->nresult) {
		e->result_types = qr_mem__alloc(c->nresult * sizeof(qr_type),
						"result types");
		if (!e->result_types) {
			qr_compiled_free(e);
			return QR_ENOMEM;
		}
		memcpy(e->result_types, c->result_types,
		       c->nresult * sizeof(qr_type));
		e->nresult = c->nresult;
	}
	*out = e;
	return 0;
}
