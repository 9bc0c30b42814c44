/*
 * snapshot.c - the state of an object as loaded (or as last flushed),
 * and dirty detection by comparing the members with it.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

static bool has_bytes(const qr_value *v)
{
	return v->kind == QR_VTEXT || v->kind == QR_VNUMERIC ||
	       v->kind == QR_VBLOB;
}

qr_snapshot *qr_orm__snapshot_make(const qr_value *vals, size_t n)
{
	size_t bytes = 0, head = sizeof(qr_snapshot) + n * sizeof(qr_value);
	qr_snapshot *s;
	char *p;

	for (size_t i = 0; i < n; i++)
		if (has_bytes(&vals[i]))
			bytes += vals[i].u.s.len + 1;
	s = malloc(head + bytes);
	if (!s) {
		qr_error_oom("snapshot");
		return NULL;
	}
	s->n = n;
	s->size = head + bytes;
	p = (char *)s + head;
	for (size_t i = 0; i < n; i++) {
		qr_value *v = &s->vals[i];
		*v = vals[i];
		if (!has_bytes(v))
			continue;
		if (v->u.s.len)
			memcpy(p, vals[i].u.s.ptr, v->u.s.len);
		p[v->u.s.len] = '\0';
		v->u.s.ptr = p;
		p += v->u.s.len + 1;
	}
	return s;
}

qr_snapshot *qr_orm__snapshot_take(const qr_objhdr *h)
{
	const qr_mapper *m = h->mapper;
	qr_value stack[32], *vals = stack;
	qr_snapshot *s = NULL;
	size_t i;

	if (m->nfields > 32) {
		vals = malloc(m->nfields * sizeof(*vals));
		if (!vals) {
			qr_error_oom("snapshot");
			return NULL;
		}
	}
	for (i = 0; i < m->nfields; i++)
		if (qr_orm__field_get(h, &m->fields[i], &vals[i]) != 0)
			break;
	if (i == m->nfields)
		s = qr_orm__snapshot_make(vals, m->nfields);
	if (vals != stack)
		free(vals);
	return s;
}

qr_snapshot *qr_orm__snapshot_copy(const qr_snapshot *s)
{
	qr_snapshot *c;

	if (!s)
		return NULL;
	c = malloc(s->size);
	if (!c) {
		qr_error_oom("snapshot");
		return NULL;
	}
	memcpy(c, s, s->size);
	for (size_t i = 0; i < c->n; i++) {
		qr_value *v = &c->vals[i];
		if (has_bytes(v))
			v->u.s.ptr = (const char *)c +
				     (v->u.s.ptr - (const char *)s);
	}
	return c;
}

void qr_orm__snapshot_free(qr_snapshot *s)
{
	free(s);
}

bool qr_orm__field_changed(const qr_objhdr *h, const qr_snapshot *s, size_t i)
{
	qr_value v;

	if (qr_orm__field_get(h, &h->mapper->fields[i], &v) != 0)
		return true;
	return !qr_value_equal(&v, &s->vals[i]);
}

bool qr_orm__object_modified(const qr_objhdr *h)
{
	if (!h->snap)
		return false;
	for (size_t i = 0; i < h->mapper->nfields; i++)
		if (qr_orm__field_changed(h, h->snap, i))
			return true;
	return false;
}
