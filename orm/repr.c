/*
 * repr.c - Python-style reprs of mapped objects (the tutorial's
 * <User(name='ed', fullname='Ed Jones', password='edspassword')>) and
 * object lists.
 */
#include "orm_internal.h"

#include <stdlib.h>

static void repr_field(qr_obuf *b, const qr_objhdr *h, size_t i)
{
	qr_value v;

	if (qr_orm__field_get(h, &h->mapper->fields[i], &v) != 0) {
		qr_orm__buf_puts(b, "?");
		return;
	}
	qr_orm__buf_value(b, &v);
}

void qr_orm__repr_object(qr_obuf *b, const void *obj)
{
	const qr_objhdr *h = qr_orm__hdr(obj);
	const qr_mapper *m = h->mapper;
	size_t n = m->nrepr ? m->nrepr : m->nfields;

	if (m->repr_positional) {
		qr_orm__buf_printf(b, "%s(", m->name);
	} else {
		qr_orm__buf_printf(b, "<%s(", m->name);
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = m->nrepr ? m->repr[k] : k;
		if (k)
			qr_orm__buf_puts(b, ", ");
		if (i >= m->nfields) { /* a relationship */
			const qr_rel *r = &m->rels[i - m->nfields];
			const void *p = (const char *)obj + r->offset;
			if (!m->repr_positional)
				qr_orm__buf_printf(b, "%s=", r->name);
			if (r->kind == QR_REL_MANY_TO_ONE ||
			    r->kind == QR_REL_ONE_TO_ONE) {
				if (*(void *const *)p)
					qr_orm__repr_object(b,
							    *(void *const *)p);
				else
					qr_orm__buf_puts(b, "None");
			} else {
				const qr_objlist *l = p;
				qr_orm__buf_puts(b, "[");
				for (size_t j = 0; j < l->count; j++) {
					if (j)
						qr_orm__buf_puts(b, ", ");
					qr_orm__repr_object(b, l->items[j]);
				}
				qr_orm__buf_puts(b, "]");
			}
			continue;
		}
		if (!m->repr_positional)
			qr_orm__buf_printf(b, "%s=", m->fields[i].name);
		repr_field(b, h, i);
	}
	qr_orm__buf_puts(b, m->repr_positional ? ")" : ")>");
}

int qr_objlist_append(qr_objlist *list, void *obj)
{
	if (!list)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_objlist_append: NULL list");
	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		void **items = realloc(list->items, cap * sizeof(*items));
		if (!items)
			return qr_error_oom("object list");
		list->items = items;
		list->cap = cap;
	}
	list->items[list->count++] = obj;
	return 0;
}

void qr_objlist_clear(qr_objlist *list)
{
	if (!list)
		return;
	free(list->items);
	list->items = NULL;
	list->count = list->cap = 0;
}

int qr_objlist_repr(char **out, const qr_objlist *list)
{
	qr_obuf b = {0};

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_objlist_repr: NULL out");
	*out = NULL;
	if (!list)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_objlist_repr: NULL list");
	qr_orm__buf_puts(&b, "[");
	for (size_t i = 0; i < list->count; i++) {
		if (i)
			qr_orm__buf_puts(&b, ", ");
		if (!list->items[i])
			qr_orm__buf_puts(&b, "None");
		else if (qr_orm__check(list->items[i], "qr_objlist_repr"))
			qr_orm__repr_object(&b, list->items[i]);
		else {
			qr_orm__buf_free(&b);
			return QR_EINVAL;
		}
	}
	qr_orm__buf_puts(&b, "]");
	return qr_orm__buf_finish(&b, out);
}
