/*
 * object.c - mapped objects: allocation with the hidden header, NULL
 * flags, owned strings and blobs, and the public per-object accessors.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

/* every loaded object pays for the header: keep it at 80 bytes */
_Static_assert(sizeof(void *) != 8 || QR_ORM_HDR_SIZE == 80, "qr_objhdr grew");
_Static_assert(sizeof(void *) != 8 ||
		       offsetof(qr_objhdr, mapper) % QR_ORM_PASS_ALIGN == 0,
	       "what the dirty pass reads starts a cache line");

qr_objhdr *qr_orm__check(const void *obj, const char *what)
{
	qr_objhdr *h;

	if (!obj) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT, "%s: NULL object",
			     what);
		return NULL;
	}
	h = qr_orm__hdr(obj);
	if (!qr_orm__live(h)) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: not a mapped object (make objects with "
			     "qr_new or load them with a query)",
			     what);
		return NULL;
	}
	return h;
}

bool qr_orm__nullbit(const qr_objhdr *h, size_t field)
{
	const unsigned char *bits =
		(const unsigned char *)h + h->mapper->nullbits_off;
	return (bits[field / 8] >> (field % 8)) & 1u;
}

void qr_orm__set_nullbit(qr_objhdr *h, size_t field, bool on)
{
	unsigned char *bits = (unsigned char *)h + h->mapper->nullbits_off;
	unsigned char mask = (unsigned char)(1u << (field % 8));
	unsigned char was = bits[field / 8];

	if (on)
		bits[field / 8] |= mask;
	else
		bits[field / 8] &= (unsigned char)~mask;
	qr_orm__nullbits_changed(h, was != bits[field / 8]);
}

/* A new object with tail bytes, and its qr_objext after them (ext: an
 * object made by the program, whose tail starts with the room of its
 * key); in a block of *chunk when chunk is not NULL and it has one. */
static qr_objhdr *alloc(qr_mapper *m, size_t tail, bool ext,
			qr_objchunk **chunk)
{
	unsigned char *bits;
	size_t size;
	qr_objhdr *h = NULL;

	if (tail > UINT32_MAX)
		tail = 0; /* such strings are malloc'd one by one */
	size = m->alloc_size + tail + (ext ? sizeof(qr_objext) : 0);
	/* (the header's size is a multiple of 16: the struct is aligned as
	 * the block) */
	/* a new object made by the program starts a cache line in a chunk:
	 * what the dirty pass reads of it (QR_ORM_PASS_ALIGN) */
	if (chunk && (h = qr_orm__chunk_alloc(chunk, size,
					      ext ? QR_ORM_PASS_ALIGN
						  : m->mapping->align)) != NULL)
		h->magic = QR_ORM_MAGIC_CHUNKED;
	else if ((h = calloc(1, size)) != NULL)
		h->magic = QR_ORM_MAGIC;
	if (!h) {
		qr_error_oom("mapped object");
		return NULL;
	}
	h->tail = (uint32_t)tail;
	if (ext) {
		h->ext = (qr_objext *)((char *)h + m->alloc_size + tail);
		/* made by the program: the tail starts with its key's
		 * room */
		h->key_room = m->key_room != 0;
		h->tail_used = (uint32_t)m->key_room;
	}
	h->state = QR_STATE_TRANSIENT;
	h->mapper = m;
	/* (no snapshot yet: the NULL flags set without telling it) */
	bits = (unsigned char *)h + m->nullbits_off;
	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		if (f->ptr_slot < 0 &&
		    (f->flags &
		     (QR_FF_NULLABLE | QR_FF_AUTOINC | QR_FF_DEFAULT |
		      QR_FF_SERVER_DEFAULT | QR_FF_VERSION)))
			bits[i / 8] |= (unsigned char)(1u << (i % 8));
	}
	h->midx = QR_ORM_NO_MIDX;
	if (m->poly_identity && m->poly_field >= 0) {
		/* the discriminator names the class */
		qr_value v = qr_val_text(m->poly_identity);
		if (qr_orm__field_set(h, &m->fields[m->poly_field], &v) != 0) {
			qr_orm__object_release(h);
			return NULL;
		}
	}
	return h;
}

qr_objhdr *qr_orm__object_alloc(qr_mapper *m, qr_objchunk **chunk)
{
	return alloc(m,
		     m->key_room + atomic_load_explicit(&m->text_room,
							memory_order_relaxed),
		     true, chunk);
}

qr_objhdr *qr_orm__object_alloc_tail(qr_mapper *m, size_t tail,
				     qr_objchunk **chunk)
{
	return alloc(m, tail, false, chunk);
}

int qr_orm__ext_need(qr_objhdr *h)
{
	if (h->ext)
		return 0;
	if (!(h->ext = calloc(1, sizeof(*h->ext))))
		return qr_error_oom("mapped object");
	return 0;
}

void *qr_orm__owned_alloc(qr_objhdr *h, size_t n, size_t align)
{
	char *p = (char *)h + h->mapper->alloc_size + h->tail_used;
	size_t pad = (align - (uintptr_t)p % align) % align;

	if (h->tail - h->tail_used < pad + n)
		return malloc(n);
	h->tail_used += (uint32_t)(pad + n);
	return p + pad;
}

void qr_orm__owned_free(const qr_objhdr *h, void *p)
{
	if (!qr_orm__in_tail(h, p)) /* else part of the object's block */
		free(p);
}

void qr_orm__object_release(qr_objhdr *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->mapper->nptr; i++)
		qr_orm__owned_free(h, *qr_orm__slot(h, i));
	qr_orm__rels_release(h);
	qr_orm__snapshot_drop(h);
	qr_orm__owned_free(h, h->key);
	if (!qr_orm__made_by_program(h))
		free(h->ext);
	if (h->magic == QR_ORM_MAGIC_CHUNKED) {
		h->magic = QR_ORM_FREED;
		qr_orm__chunk_free(h);
		return;
	}
	h->magic = QR_ORM_FREED;
	free(h);
}

const char *qr_objstate_name(qr_objstate state)
{
	switch (state) {
	case QR_STATE_TRANSIENT:
		return "transient";
	case QR_STATE_PENDING:
		return "pending";
	case QR_STATE_PERSISTENT:
		return "persistent";
	case QR_STATE_DELETED:
		return "deleted";
	case QR_STATE_DETACHED:
		return "detached";
	}
	return "unknown";
}

qr_objstate qr_object_state(const void *obj)
{
	qr_objhdr *h = qr_orm__check(obj, "qr_object_state");
	return h ? (qr_objstate)h->state : QR_STATE_TRANSIENT;
}

qr_mapper *qr_object_mapper(const void *obj)
{
	qr_objhdr *h = qr_orm__check(obj, "qr_object_mapper");
	return h ? h->mapper : NULL;
}

qr_session *qr_object_session(const void *obj)
{
	qr_objhdr *h = qr_orm__check(obj, "qr_object_session");

	if (!h)
		return NULL;
	switch (h->state) {
	case QR_STATE_PENDING:
	case QR_STATE_PERSISTENT:
	case QR_STATE_DELETED:
		return h->session;
	default:
		return NULL;
	}
}

bool qr_object_expired(const void *obj)
{
	qr_objhdr *h = qr_orm__check(obj, "qr_object_expired");
	return h && (h->flags & QR_OF_EXPIRED);
}

int qr_object_set_read_only(void *obj, bool read_only)
{
	qr_objhdr *h = qr_orm__check(obj, "qr_object_set_read_only");
	int rc;

	if (!h)
		return QR_EINVAL;
	if (h->state != QR_STATE_PERSISTENT)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "qr_object_set_read_only: the %s object "
				    "is %s, not persistent",
				    h->mapper->name,
				    qr_objstate_name(h->state));
	if (read_only == !!(h->flags & QR_OF_READONLY))
		return 0;
	if (read_only)
		h->flags |= QR_OF_READONLY;
	else
		h->flags &= (uint8_t)~QR_OF_READONLY;
	rc = qr_orm__snapshot_update(h);
	if (rc == 0)
		rc = qr_orm__idmap_track(&h->session->idmap, h);
	if (rc) { /* still read-only, without a snapshot */
		h->flags |= QR_OF_READONLY;
		qr_orm__snapshot_update(h);
		qr_orm__idmap_track(&h->session->idmap, h);
	}
	return rc;
}

bool qr_object_is_read_only(const void *obj)
{
	const qr_objhdr *h;

	if (!obj)
		return false;
	h = qr_orm__hdr(obj);
	/* (the flag of an object that left its session is stale: it is
	 * cleared when the object comes back) */
	return qr_orm__live(h) && (h->flags & QR_OF_READONLY) &&
	       (h->state == QR_STATE_PERSISTENT ||
		h->state == QR_STATE_DELETED);
}

int qr_object_identity(char **out, const void *obj)
{
	qr_objhdr *h;
	qr_obuf b = {0};

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_object_identity: NULL out");
	*out = NULL;
	h = qr_orm__check(obj, "qr_object_identity");
	if (!h)
		return QR_EINVAL;
	if (!h->key)
		return 0;
	qr_orm__key_repr(&b, h);
	return qr_orm__buf_finish(&b, out);
}

int qr_object_repr(char **out, const void *obj)
{
	qr_obuf b = {0};

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_object_repr: NULL out");
	*out = NULL;
	if (!qr_orm__check(obj, "qr_object_repr"))
		return QR_EINVAL;
	qr_orm__repr_object(&b, obj);
	return qr_orm__buf_finish(&b, out);
}

int qr_object_value(qr_value *out, const void *obj, const char *member)
{
	qr_objhdr *h = qr_orm__check(obj, "qr_object_value");
	const qr_field *f;

	if (!h)
		return QR_EINVAL;
	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_object_value: NULL out");
	f = qr_orm__field_by_name(h->mapper, member);
	if (!f)
		return QR_ECOLUMN;
	return qr_orm__field_get(h, f, out);
}

int qr_object_set_value(void *obj, const char *member, const qr_value *value)
{
	qr_objhdr *h = qr_orm__check(obj, "qr_object_set_value");
	const qr_field *f;

	if (!h)
		return QR_EINVAL;
	f = qr_orm__field_by_name(h->mapper, member);
	if (!f)
		return QR_ECOLUMN;
	return qr_orm__field_set(h, f, value);
}

/* The field whose member is at address field in obj, or NULL. */
static const qr_field *member_at(qr_objhdr **hp, const void *obj,
				 const void *field, const char *what)
{
	qr_objhdr *h = qr_orm__check(obj, what);
	const qr_field *f;
	ptrdiff_t off;

	*hp = h;
	if (!h)
		return NULL;
	off = (const char *)field - (const char *)obj;
	f = (field && off >= 0 && (size_t)off < h->mapper->struct_size)
		    ? qr_orm__field_by_offset(h->mapper, (size_t)off)
		    : NULL;
	if (!f)
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "%s: the address is not a mapped member of %s",
			     what, h->mapper->name);
	return f;
}

bool qr_field_is_null(const void *obj, const void *field)
{
	qr_objhdr *h;
	const qr_field *f = member_at(&h, obj, field, "qr_field_is_null");
	qr_value v;

	if (!f || qr_orm__field_get(h, f, &v) != 0)
		return false;
	return v.kind == QR_VNULL;
}

int qr_field_set_null(void *obj, void *field)
{
	qr_objhdr *h;
	const qr_field *f = member_at(&h, obj, field, "qr_field_set_null");

	if (!f)
		return QR_EINVAL;
	return qr_orm__field_set(h, f, NULL);
}

int qr_field_set_not_null(void *obj, void *field)
{
	qr_objhdr *h;
	const qr_field *f = member_at(&h, obj, field, "qr_field_set_not_null");

	if (!f)
		return QR_EINVAL;
	if (f->ptr_slot < 0)
		qr_orm__set_nullbit(h, f->index, false);
	return 0;
}

int qr_flag_modified(void *obj, const void *field)
{
	qr_objhdr *h;
	const qr_field *f = member_at(&h, obj, field, "qr_flag_modified");

	if (!f)
		return QR_EINVAL;
	qr_orm__snapshot_flag(h, f);
	return 0;
}

int qr_set_textn(void *obj, char **field, const char *value, size_t len)
{
	qr_objhdr *h;
	const qr_field *f = member_at(&h, obj, field, "qr_set_text");
	qr_value v;

	if (!f)
		return QR_EINVAL;
	if (f->ctype != QR_CTYPE_STRING)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_set_text: %s.%s is not a string member",
				    h->mapper->name, f->name);
	v = value ? qr_val_textn(value, len) : qr_val_null();
	return qr_orm__field_set(h, f, &v);
}

int qr_set_text(void *obj, char **field, const char *value)
{
	return qr_set_textn(obj, field, value, value ? strlen(value) : 0);
}

int qr_set_blob(void *obj, qr_blob *field, const void *data, size_t len)
{
	qr_objhdr *h;
	const qr_field *f = member_at(&h, obj, field, "qr_set_blob");
	qr_value v;

	if (!f)
		return QR_EINVAL;
	if (f->ctype != QR_CTYPE_BLOB)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_set_blob: %s.%s is not a blob member",
				    h->mapper->name, f->name);
	v = data ? qr_val_blob(data, len) : qr_val_null();
	return qr_orm__field_set(h, f, &v);
}

void *qr_object_new(qr_mapping *mapping)
{
	qr_mapper *m;
	qr_objhdr *h;

	if (qr_orm__mapper_for(&m, mapping, NULL) != 0)
		return NULL;
	h = qr_orm__object_alloc(m, NULL);
	if (!h)
		return NULL;
	qr_orm__rels_new_object(h);
	return qr_orm__obj(h);
}
