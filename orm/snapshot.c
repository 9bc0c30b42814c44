/*
 * snapshot.c - the state of an object as loaded (or as last flushed),
 * and dirty detection by comparing the object with it.
 *
 * A snapshot is one block: an image of the object's bytes, its struct
 * then its NULL flags, and a copy of every string and blob member's
 * content (what the member-by-member comparison and the old values use).
 * While the image is exact (verify clear), an object whose bytes equal
 * the image is unchanged: one memcmp. A string or blob changed in place
 * keeps its address, so it is not seen unless qr_flag_modified() says
 * so (SQLAlchemy's semantics for mutable values); every replacement
 * goes through quarry (set_owned in convert.c, which sets verify) or is
 * a pointer the user assigned, which differs from the image.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

/* Bytes of an object's image: its struct and the NULL flags after it. */
static size_t image_size(const qr_mapper *m)
{
	return m->struct_size + (m->nfields + 7) / 8;
}

/* Where the text table of a snapshot with an image of n bytes starts. */
static size_t texts_at(size_t n)
{
	return QR_ORM_ALIGN_UP(offsetof(qr_snapshot, image) + n,
			       alignof(qr_snaptext));
}

static qr_snaptext *texts(const qr_snapshot *s)
{
	return (qr_snaptext *)((char *)s + texts_at(s->nimage));
}

static const unsigned char *object_bytes(const qr_objhdr *h)
{
	return (const unsigned char *)qr_orm__obj(h);
}

/* The address a string or blob member holds. */
static const void *member_address(const qr_objhdr *h, const qr_field *f)
{
	const void *p;

	memcpy(&p, object_bytes(h) + f->offset, sizeof(p));
	return p;
}

/* The content of string or blob member f of h (data NULL: NULL). */
static qr_snaptext member_text(const qr_objhdr *h, const qr_field *f)
{
	qr_snaptext t = {NULL, 0};

	if (f->ctype == QR_CTYPE_BLOB) {
		qr_blob b;
		memcpy(&b, object_bytes(h) + f->offset, sizeof(b));
		if (b.data) {
			t.data = b.data;
			t.len = b.len;
		}
	} else {
		memcpy(&t.data, object_bytes(h) + f->offset, sizeof(t.data));
		t.len = t.data ? strlen(t.data) : 0;
	}
	return t;
}

/* The same from a value (text, numeric, blob or NULL). */
static qr_snaptext value_text(const qr_value *v)
{
	qr_snaptext t = {NULL, 0};

	if (v->kind != QR_VNULL) {
		t.data = v->u.s.ptr;
		t.len = v->u.s.len;
	}
	return t;
}

/*
 * The snapshot of h: its image, and the content of its string and blob
 * members, field i's from text[i] (every field's value; the current
 * values when text is NULL).
 */
static qr_snapshot *build(const qr_objhdr *h, const qr_value *text, bool verify)
{
	const qr_mapper *m = h->mapper;
	size_t img = image_size(m),
	       head = texts_at(img) + m->nptr * sizeof(qr_snaptext), bytes = 0;
	qr_snaptext seen[8]; /* the first members' content, read once */
	qr_snapshot *s;
	char *p;

	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		qr_snaptext t;
		if (f->ptr_slot < 0)
			continue;
		t = text ? value_text(&text[i]) : member_text(h, f);
		if ((size_t)f->ptr_slot < sizeof(seen) / sizeof(seen[0]))
			seen[f->ptr_slot] = t;
		if (t.data)
			bytes += t.len + 1;
		/* a pointer of the user's, not adopted yet: the image says
		 * nothing of its content */
		verify |= member_address(h, f) !=
			  *qr_orm__slot(h, (size_t)f->ptr_slot);
	}
	if (img > UINT32_MAX || m->nptr > UINT16_MAX) {
		qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
			     "%s: too large a struct for a snapshot", m->name);
		return NULL;
	}
	s = malloc(head + bytes);
	if (!s) {
		qr_error_oom("snapshot");
		return NULL;
	}
	s->size = head + bytes;
	s->nimage = (uint32_t)img;
	s->ntext = (uint16_t)m->nptr;
	s->verify = verify;
	memcpy(s->image, object_bytes(h), img);
	p = (char *)s + head;
	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		qr_snaptext *t;
		if (f->ptr_slot < 0)
			continue;
		t = &texts(s)[f->ptr_slot];
		if ((size_t)f->ptr_slot < sizeof(seen) / sizeof(seen[0]))
			*t = seen[f->ptr_slot];
		else
			*t = text ? value_text(&text[i]) : member_text(h, f);
		if (!t->data)
			continue;
		if (t->len)
			memcpy(p, t->data, t->len);
		p[t->len] = '\0';
		t->data = p;
		p += t->len + 1;
	}
	return s;
}

qr_snapshot *qr_orm__snapshot_take(const qr_objhdr *h)
{
	return build(h, NULL, false);
}

qr_snapshot *qr_orm__snapshot_make(const qr_objhdr *h, const qr_value *vals)
{
	const qr_mapper *m = h->mapper;
	qr_snapshot *s = build(h, vals, true);

	/* the value members' values into the image (which then no longer
	 * describes the object: verify is set) */
	for (size_t i = 0; s && i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		unsigned char *img = s->image;
		if (f->ptr_slot < 0 &&
		    qr_orm__store_at(m, f, img, img + m->struct_size,
				     &vals[i]) != 0) {
			free(s);
			s = NULL;
		}
	}
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
	for (size_t i = 0; i < c->ntext; i++)
		if (texts(c)[i].data)
			texts(c)[i].data = (const char *)c +
					   (texts(s)[i].data - (const char *)s);
	/* put back later, over an object that has moved on */
	c->verify = true;
	return c;
}

int qr_orm__snapshot_update(qr_objhdr *h)
{
	qr_snapshot *s;

	if (h->flags & QR_OF_READONLY) {
		qr_orm__snapshot_free(h->snap);
		h->snap = NULL;
		return 0;
	}
	if (qr_orm__snapshot_same(h))
		return 0;
	if (!(s = qr_orm__snapshot_take(h)))
		return QR_ENOMEM;
	qr_orm__snapshot_free(h->snap);
	h->snap = s;
	return 0;
}

void qr_orm__snapshot_free(qr_snapshot *s)
{
	free(s);
}

void qr_orm__snapshot_value(const qr_snapshot *s, const qr_mapper *m, size_t i,
			    qr_value *out)
{
	const qr_field *f = &m->fields[i];
	const unsigned char *img = s->image;

	if (f->ptr_slot >= 0) {
		const qr_snaptext *t = &texts(s)[f->ptr_slot];
		if (!t->data)
			*out = qr_val_null();
		else if (f->ctype == QR_CTYPE_BLOB)
			*out = qr_val_blob(t->data, t->len);
		else {
			*out = qr_val_textn(t->data, t->len);
			if (f->flags & QR_FF_NUMERIC_TEXT)
				out->kind = QR_VNUMERIC;
		}
		return;
	}
	/* a value member of the image cannot fail to read (only an
	 * unsigned value above INT64_MAX can, and one was read before) */
	if (qr_orm__value_at(m, f, img, img + m->struct_size, out) != 0)
		*out = qr_val_null();
}

/* Marks bytes [at, at + n) of a mask as significant. */
static void mask_range(unsigned char *mask, size_t at, size_t n)
{
	memset(mask + at, 0xff, n);
}

/* The members of the date and time structs, not their padding (which an
 * assignment may leave undefined). */
static void mask_date(unsigned char *mask, size_t at)
{
	mask_range(mask, at + offsetof(qr_date, year), sizeof(int32_t));
	mask_range(mask, at + offsetof(qr_date, month), 1);
	mask_range(mask, at + offsetof(qr_date, day), 1);
}

static void mask_time(unsigned char *mask, size_t at)
{
	mask_range(mask, at + offsetof(qr_time, hour), 1);
	mask_range(mask, at + offsetof(qr_time, minute), 1);
	mask_range(mask, at + offsetof(qr_time, second), 1);
	mask_range(mask, at + offsetof(qr_time, microsecond), sizeof(uint32_t));
}

unsigned char *qr_orm__compare_mask(const qr_mapper *m)
{
	size_t n = image_size(m);
	unsigned char *mask = calloc(QR_ORM_ALIGN_UP(n, 8), 1);

	if (!mask) {
		qr_error_oom("mapper");
		return NULL;
	}
	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		size_t at = f->offset;
		switch (f->ctype) {
		case QR_CTYPE_DATE:
			mask_date(mask, at);
			break;
		case QR_CTYPE_TIME:
			mask_time(mask, at);
			break;
		case QR_CTYPE_DATETIME:
			mask_date(mask, at + offsetof(qr_datetime, date));
			mask_time(mask, at + offsetof(qr_datetime, time));
			mask_range(mask, at + offsetof(qr_datetime, has_offset),
				   sizeof(bool));
			mask_range(mask,
				   at + offsetof(qr_datetime, offset_seconds),
				   sizeof(int32_t));
			break;
		case QR_CTYPE_BLOB:
			mask_range(mask, at + offsetof(qr_blob, data),
				   sizeof(void *));
			mask_range(mask, at + offsetof(qr_blob, len),
				   sizeof(size_t));
			break;
		default:
			mask_range(mask, at, f->size);
		}
	}
	mask_range(mask, m->struct_size, n - m->struct_size);
	return mask;
}

/* Whether the significant bytes of a and b (n of them) are equal: 8 at
 * a time, masked, so that padding (maybe undefined) never decides. */
static bool masked_equal(const unsigned char *a, const unsigned char *b,
			 const unsigned char *mask, size_t n)
{
	uint64_t diff = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, y, k;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		memcpy(&k, mask + i, 8);
		diff |= (x ^ y) & k;
	}
	for (; i < n; i++)
		diff |= (uint64_t)((a[i] ^ b[i]) & mask[i]);
	return diff == 0;
}

bool qr_orm__snapshot_same(const qr_objhdr *h)
{
	const qr_snapshot *s = h->snap;

	return s && !s->verify &&
	       masked_equal(object_bytes(h), s->image, h->mapper->cmpmask,
			    s->nimage);
}

void qr_orm__snapshot_refresh(qr_objhdr *h)
{
	const qr_mapper *m = h->mapper;

	if (!h->snap)
		return;
	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		if (f->ptr_slot >= 0 &&
		    member_address(h, f) !=
			    *qr_orm__slot(h, (size_t)f->ptr_slot))
			return; /* not adopted: keep comparing */
	}
	memcpy(h->snap->image, object_bytes(h), image_size(m));
	h->snap->verify = false;
}

bool qr_orm__field_changed(const qr_objhdr *h, const qr_snapshot *s, size_t i)
{
	qr_value v, old;

	if (qr_orm__field_get(h, &h->mapper->fields[i], &v) != 0)
		return true;
	qr_orm__snapshot_value(s, h->mapper, i, &old);
	return !qr_value_equal(&v, &old);
}

bool qr_orm__object_modified(const qr_objhdr *h)
{
	if (!h->snap || qr_orm__snapshot_same(h))
		return false;
	for (size_t i = 0; i < h->mapper->nfields; i++)
		if (qr_orm__field_changed(h, h->snap, i))
			return true;
	return false;
}
