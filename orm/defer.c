/*
 * defer.c - column loading options of a query (SQLAlchemy's load_only(),
 * defer(), undefer()): which of an entity's columns its SELECT reads.
 * A member left out keeps its zero value (NULL for strings); the object
 * is loaded expired, so that qr_session_load() reads the whole row,
 * keeping members changed since.
 */
#include "orm_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

bool qr_orm__item_defers(const qr_qitem *it)
{
	for (size_t f = 0; it->defer && f < it->mapper->nfields; f++)
		if (it->defer[f])
			return true;
	return false;
}

int qr_orm__item_positions(int *pos, const qr_qitem *it, int base)
{
	return qr_orm__poly_positions_deferred(pos, it->mapper,
					       qr_orm__item_alias(it) != NULL,
					       it->wp, it->defer, base);
}

qr_stmt *qr_orm__item_add_columns(qr_stmt *stmt, const qr_qitem *it)
{
	return qr_orm__poly_add_columns_deferred(
		stmt, it->mapper, qr_orm__item_alias(it), it->wp, it->defer);
}

/* The field of m named member that may be deferred; NULL with the error
 * recorded. */
static const qr_field *deferrable(const qr_mapper *m, const char *member,
				  const char *fn)
{
	const qr_field *f;

	if (!member) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: NULL member name", fn);
		return NULL;
	}
	if (!(f = qr_orm__field_by_name(m, member)))
		return NULL;
	if (f->pk_pos >= 0 || (int)f->index == m->poly_field) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: %s.%s is %s and is always loaded", fn,
			     m->name, member,
			     f->pk_pos >= 0 ? "part of the primary key"
					    : "the discriminator");
		return NULL;
	}
	return f;
}

/* Sets the deferral of field f (NULL: every field but the primary key
 * and discriminator) of q's entities of m's class hierarchy below m. */
static int set_defer(qr_query *q, const qr_mapper *m, const qr_field *f,
		     bool on, size_t *matched)
{
	for (size_t i = 0; i < q->nitems; i++) {
		qr_qitem *it = &q->items[i];
		const qr_mapper *im = it->mapper;
		if (it->kind != QR_QI_ENTITY || !qr_orm__isa(im, m))
			continue;
		(*matched)++;
		if (!it->defer && !(it->defer = calloc(im->nfields, 1)))
			return qr_error_oom("query");
		for (size_t k = 0; k < im->nfields; k++) {
			const qr_field *fk = &im->fields[k];
			bool always =
				fk->pk_pos >= 0 || (int)k == im->poly_field;
			/* a subclass's fields start with its parent's */
			if (f ? k == f->index : !always)
				it->defer[k] = on;
		}
	}
	return 0;
}

/* The mapper of mapping for q, and the error when the query has no
 * entity of it. */
static qr_mapper *target(qr_query *q, qr_mapping *mapping, const char *fn)
{
	qr_mapper *m = NULL;

	if (!mapping) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT, "%s: NULL mapping",
			     fn);
		return NULL;
	}
	if (qr_orm__mapper_for(&m, mapping, q->session->registry) != 0)
		return NULL;
	return m;
}

static qr_query *fail(qr_query *q)
{
	qr_query_free(q);
	return NULL;
}

static qr_query *no_entity(qr_query *q, const qr_mapper *m, const char *fn)
{
	qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
		     "%s: Mapped class %s does not apply to any of the root "
		     "entities in this query",
		     fn, m->name);
	return fail(q);
}

static qr_query *defer_one(qr_query *q, qr_mapping *mapping, const char *member,
			   bool on, const char *fn)
{
	const qr_mapper *m;
	const qr_field *f;
	size_t matched = 0;

	if (!q || !(q = qr_orm__query_writable(q)))
		return NULL;
	if (!(m = target(q, mapping, fn)) || !(f = deferrable(m, member, fn)))
		return fail(q);
	if (set_defer(q, m, f, on, &matched) != 0)
		return fail(q);
	return matched ? q : no_entity(q, m, fn);
}

qr_query *qr_query_defer(qr_query *q, qr_mapping *mapping, const char *member)
{
	return defer_one(q, mapping, member, true, "qr_query_defer");
}

qr_query *qr_query_undefer(qr_query *q, qr_mapping *mapping, const char *member)
{
	return defer_one(q, mapping, member, false, "qr_query_undefer");
}

qr_query *qr_query_load_only_(qr_query *q, qr_mapping *mapping,
			      const char *first, ...)
{
	const char *fn = "qr_query_load_only";
	const qr_mapper *m;
	size_t matched = 0;
	va_list ap;
	int rc = 0;

	if (!q || !(q = qr_orm__query_writable(q)))
		return NULL;
	if (!(m = target(q, mapping, fn)))
		return fail(q);
	/* every column deferred, then those named loaded */
	rc = set_defer(q, m, NULL, true, &matched);
	va_start(ap, first);
	for (const char *name = first; name && rc == 0;
	     name = va_arg(ap, const char *)) {
		const qr_field *f = qr_orm__field_by_name(m, name);
		size_t again = 0;
		if (!f)
			rc = qr_error_last()->code;
		else
			rc = set_defer(q, m, f, false, &again);
	}
	va_end(ap);
	if (rc)
		return fail(q);
	return matched ? q : no_entity(q, m, fn);
}
