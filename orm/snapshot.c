/*
 * snapshot.c - the state of an object as loaded (or as last flushed),
 * and dirty detection by comparing the object with it.
 *
 * An object's snapshot lives in its block (orm_internal.h): an image of
 * the object's bytes, its struct then its NULL flags, and the content of
 * every string and blob member (what the member-by-member comparison and
 * the old values use). A string loaded into the object's tail is shared,
 * not copied: quarry never writes there (a new value goes elsewhere) and
 * the user may edit it in place only with qr_flag_modified, which marks
 * the shared text unknown (changed). Other texts (malloc'd members,
 * pointers of the user's) are copied into one allocation the snapshot
 * owns. While the image is exact (verify clear), an object whose struct
 * equals the image is unchanged: one masked compare over the block. The
 * NULL flags are not compared: they change only through quarry
 * (qr_orm__set_nullbit, qr_orm__field_set), which sets verify. A string or
 * blob changed in place keeps its address, so it is not seen unless
 * qr_flag_modified() says so (SQLAlchemy's semantics for mutable values);
 * every replacement goes through quarry (set_owned in convert.c, which
 * sets verify) or is a pointer the user assigned, which differs from the
 * image.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

const char qr_orm__snap_unknown[1];

/* Bytes of an object's NULL flags. */
static size_t nullbits_size(const qr_mapper *m)
{
	return (m->nfields + 7) / 8;
}

/* Bytes of an object's image: its struct, then its NULL flags (which
 * the object keeps after the snapshot). */
static size_t image_size(const qr_mapper *m)
{
	return m->struct_size + nullbits_size(m);
}

/* Where the text table of a snapshot with an image of n bytes starts. */
static size_t texts_at(size_t n)
{
	return QR_ORM_ALIGN_UP(n, alignof(qr_snaptext));
}

/* The image of snapshot s: where it starts. */
static unsigned char *image(const qr_snapshot *s)
{
	return (unsigned char *)s;
}

size_t qr_orm__snapshot_size(const qr_mapper *m)
{
	return texts_at(image_size(m)) + m->nptr * sizeof(qr_snaptext);
}

/* The text table of snapshot s of an object of m. */
static qr_snaptext *texts(const qr_mapper *m, const qr_snapshot *s)
{
	return (qr_snaptext *)((char *)s + texts_at(image_size(m)));
}

static const unsigned char *object_bytes(const qr_objhdr *h)
{
	return (const unsigned char *)qr_orm__obj(h);
}

/* h's struct and NULL flags into the image of s. */
static void take_image(qr_snapshot *s, const qr_objhdr *h)
{
	const qr_mapper *m = h->mapper;

	const unsigned char *bits = (const unsigned char *)h + m->nullbits_off;
	size_t n = nullbits_size(m);

	memcpy(image(s), object_bytes(h), m->struct_size);
	if (n == 1) /* (up to 8 fields: no call) */
		image(s)[m->struct_size] = bits[0];
	else
		memcpy(image(s) + m->struct_size, bits, n);
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

/* Whether a text must be copied (not NULL, not h's string in its tail). */
static bool needs_copy(const qr_objhdr *h, const qr_snaptext *t)
{
	return t->data && t->data != qr_orm__snap_unknown &&
	       !qr_orm__in_tail(h, t->data);
}

/* Frees the copies of snapshot s of an object of m: one allocation, at
 * the lowest address of the texts copied (every text not NULL, not
 * unknown and not in h's tail; h NULL for a detached copy). */
static void *copies_of(const qr_objhdr *h, const qr_mapper *m,
		       const qr_snapshot *s)
{
	const char *first = NULL;

	for (size_t i = 0; i < m->nptr; i++) {
		const char *d = texts(m, s)[i].data;
		if (d && d != qr_orm__snap_unknown &&
		    !(h && qr_orm__in_tail(h, d)) && (!first || d < first))
			first = d;
	}
	return (void *)first;
}

static void free_copies(const qr_objhdr *h, const qr_mapper *m,
			const qr_snapshot *s)
{
	void *copies = copies_of(h, m, s);

	if (copies) /* (most often none: strings shared with the tail) */
		free(copies);
}

/* Copies text t to p (NUL-terminated), pointing t at the copy; returns
 * the byte after it. */
static char *copy_text(qr_snaptext *t, char *p)
{
	if (t->len)
		memcpy(p, t->data, t->len);
	p[t->len] = '\0';
	t->data = p;
	return p + t->len + 1;
}

void qr_orm__snapshot_note_room(const qr_objhdr *h)
{
	qr_mapper *m = h->mapper;
	const qr_snapshot *s = qr_orm__snap(h);
	size_t need = 0;

	if (!s || !m->nptr || !qr_orm__made_by_program(h))
		return;
	for (size_t i = 0; i < m->nptr; i++) {
		const qr_snaptext *t = &texts(m, s)[i];
		if (t->data && t->data != qr_orm__snap_unknown)
			need += t->len + 1;
	}
	need = QR_ORM_ALIGN_UP(need, 8);
	if (need > QR_ORM_TEXT_ROOM_MAX)
		need = QR_ORM_TEXT_ROOM_MAX;
	if (atomic_load_explicit(&m->text_room, memory_order_relaxed) != need)
		atomic_store_explicit(&m->text_room, need,
				      memory_order_relaxed);
}

/*
 * h's snapshot becomes its image, and the content of its string and blob
 * members, field i's from text[i] (every field's value; the current
 * values when text is NULL). The old snapshot stays on failure.
 */
static int build(qr_objhdr *h, const qr_value *text, bool verify)
{
	const qr_mapper *m = h->mapper;
	size_t bytes = 0;
	qr_snaptext seen[8]; /* the first members' content, read once */
	qr_snapshot *s = (qr_snapshot *)((char *)h + m->snap_off);
	qr_snaptext *table = texts(m, s);
	char *copies = NULL, *p;
	void *old;

	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		qr_snaptext t;
		if (f->ptr_slot < 0)
			continue;
		t = text ? value_text(&text[i]) : member_text(h, f);
		if ((size_t)f->ptr_slot < sizeof(seen) / sizeof(seen[0]))
			seen[f->ptr_slot] = t;
		if (needs_copy(h, &t))
			bytes += t.len + 1;
		/* a pointer of the user's, not adopted yet: the image says
		 * nothing of its content */
		verify |= member_address(h, f) !=
			  *qr_orm__slot(h, (size_t)f->ptr_slot);
	}
	if (bytes && !(copies = malloc(bytes)))
		return qr_error_oom("snapshot");
	/* the old copies go once the new ones are made: text may be the
	 * old snapshot's values */
	old = (h->flags & QR_OF_SNAP) ? copies_of(h, m, s) : NULL;
	h->flags |= QR_OF_SNAP;
	h->snap_verify = verify;
	take_image(s, h);
	p = copies;
	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		qr_snaptext *t;
		if (f->ptr_slot < 0)
			continue;
		t = &table[f->ptr_slot];
		if ((size_t)f->ptr_slot < sizeof(seen) / sizeof(seen[0]))
			*t = seen[f->ptr_slot];
		else
			*t = text ? value_text(&text[i]) : member_text(h, f);
		if (needs_copy(h, t))
			p = copy_text(t, p);
	}
	if (old)
		free(old);
	return 0;
}

int qr_orm__snapshot_take(qr_objhdr *h)
{
	return build(h, NULL, false);
}

int qr_orm__snapshot_make(qr_objhdr *h, const qr_value *vals)
{
	const qr_mapper *m = h->mapper;
	qr_snapshot *s;
	int rc = build(h, vals, true);

	if (rc)
		return rc;
	/* the value members' values into the image (which then no longer
	 * describes the object: verify is set) */
	s = qr_orm__snap(h);
	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		unsigned char *img = image(s);
		if (f->ptr_slot < 0 &&
		    (rc = qr_orm__store_at(m, f, img, img + m->struct_size,
					   &vals[i])) != 0) {
			qr_orm__snapshot_drop(h);
			return rc;
		}
	}
	return 0;
}

void qr_orm__snapshot_drop(qr_objhdr *h)
{
	qr_snapshot *s = qr_orm__snap(h);

	if (!s)
		return;
	free_copies(h, h->mapper, s);
	h->flags &= (uint8_t)~QR_OF_SNAP;
}

qr_snapshot *qr_orm__snapshot_copy(const qr_objhdr *h)
{
	const qr_mapper *m = h->mapper;
	const qr_snapshot *s = qr_orm__snap(h);
	size_t size = qr_orm__snapshot_size(m), bytes = 0;
	qr_snapshot *c;
	char *copies = NULL, *p;

	for (size_t i = 0; i < m->nptr; i++) {
		const qr_snaptext *t = &texts(m, s)[i];
		if (t->data && t->data != qr_orm__snap_unknown)
			bytes += t->len + 1;
	}
	c = malloc(size);
	if (!c || (bytes && !(copies = malloc(bytes)))) {
		free(c);
		qr_error_oom("snapshot");
		return NULL;
	}
	memcpy(c, s, size);
	p = copies;
	for (size_t i = 0; i < m->nptr; i++) {
		qr_snaptext *t = &texts(m, c)[i];
		if (t->data && t->data != qr_orm__snap_unknown)
			p = copy_text(t, p);
	}
	/* (put back later, over an object that has moved on: not exact) */
	return c;
}

void qr_orm__snapshot_restore(qr_objhdr *h, qr_snapshot *copy)
{
	qr_snapshot *s = (qr_snapshot *)((char *)h + h->mapper->snap_off);

	qr_orm__snapshot_drop(h);
	if (!copy)
		return;
	/* the copy's texts stay where they are: the block takes them over */
	memcpy(s, copy, qr_orm__snapshot_size(h->mapper));
	free(copy);
	h->snap_verify = true;
	h->flags |= QR_OF_SNAP;
}

int qr_orm__snapshot_update(qr_objhdr *h)
{
	if (h->flags & QR_OF_READONLY) {
		qr_orm__snapshot_drop(h);
		return 0;
	}
	if (qr_orm__snapshot_same(h))
		return 0;
	return qr_orm__snapshot_take(h);
}

void qr_orm__snapshot_free(const qr_mapper *m, qr_snapshot *copy)
{
	if (!copy)
		return;
	free_copies(NULL, m, copy);
	free(copy);
}

void qr_orm__snapshot_flag(qr_objhdr *h, const qr_field *f)
{
	qr_snapshot *s = qr_orm__snap(h);
	qr_snaptext *t;

	if (!s)
		return;
	h->snap_verify = true;
	if (f->ptr_slot < 0)
		return;
	/* edited where the snapshot shares it: the old content is gone */
	t = &texts(h->mapper, s)[f->ptr_slot];
	if (t->data && t->data == member_address(h, f)) {
		t->data = qr_orm__snap_unknown;
		t->len = 0;
	}
}

void qr_orm__snapshot_value(const qr_snapshot *s, const qr_mapper *m, size_t i,
			    qr_value *out)
{
	const qr_field *f = &m->fields[i];
	const unsigned char *img = image(s);

	if (f->ptr_slot >= 0) {
		const qr_snaptext *t = &texts(m, s)[f->ptr_slot];
		if (!t->data || t->data == qr_orm__snap_unknown)
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
	unsigned char *mask = calloc(QR_ORM_ALIGN_UP(m->struct_size, 8), 1);

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
	return mask;
}

void qr_orm__snapshot_refresh(qr_objhdr *h)
{
	const qr_mapper *m = h->mapper;
	qr_snapshot *s = qr_orm__snap(h);

	if (!s)
		return;
	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		if (f->ptr_slot >= 0 &&
		    member_address(h, f) !=
			    *qr_orm__slot(h, (size_t)f->ptr_slot))
			return; /* not adopted: keep comparing */
	}
	take_image(s, h);
	h->snap_verify = false;
}

bool qr_orm__field_changed(const qr_objhdr *h, const qr_snapshot *s, size_t i)
{
	const qr_field *f = &h->mapper->fields[i];
	qr_value v, old;

	if (f->ptr_slot >= 0) {
		const qr_snaptext *t = &texts(h->mapper, s)[f->ptr_slot];
		if (t->data == qr_orm__snap_unknown)
			return true;
		/* the string the snapshot shares, where it was: unchanged
		 * (an edit in place is flagged, which made it unknown) */
		if (t->data && t->data == member_address(h, f) &&
		    (f->ctype != QR_CTYPE_BLOB ||
		     member_text(h, f).len == t->len))
			return false;
	}
	if (qr_orm__field_get(h, f, &v) != 0)
		return true;
	qr_orm__snapshot_value(s, h->mapper, i, &old);
	return !qr_value_equal(&v, &old);
}

bool qr_orm__object_modified(const qr_objhdr *h)
{
	const qr_snapshot *s = qr_orm__snap(h);

	if (!s || qr_orm__snapshot_same(h))
		return false;
	for (size_t i = 0; i < h->mapper->nfields; i++)
		if (qr_orm__field_changed(h, s, i))
			return true;
	return false;
}
