/*
 * convert.c - between a mapped member's C representation and qr_value:
 * reading a field (with the NULL rule), storing a value into it, the
 * normal form of outside values, and adopting pointers users assigned.
 */
#include "orm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *field_ptr(const qr_objhdr *h, const qr_field *f)
{
	return (char *)qr_orm__obj(h) + f->offset;
}

static int64_t read_int(const void *p, size_t size)
{
	switch (size) {
	case 1: {
		int8_t v;
		memcpy(&v, p, 1);
		return v;
	}
	case 2: {
		int16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	case 4: {
		int32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	default: {
		int64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	}
}

static uint64_t read_uint(const void *p, size_t size)
{
	switch (size) {
	case 1: {
		uint8_t v;
		memcpy(&v, p, 1);
		return v;
	}
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return v;
	}
	default: {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	}
}

static void write_int(void *p, size_t size, int64_t v)
{
	switch (size) {
	case 1: {
		int8_t x = (int8_t)v;
		memcpy(p, &x, 1);
		break;
	}
	case 2: {
		int16_t x = (int16_t)v;
		memcpy(p, &x, 2);
		break;
	}
	case 4: {
		int32_t x = (int32_t)v;
		memcpy(p, &x, 4);
		break;
	}
	default:
		memcpy(p, &v, 8);
	}
}

static bool int_fits(int64_t v, size_t size, bool is_unsigned)
{
	int bits = (int)size * 8;

	if (is_unsigned) {
		if (v < 0)
			return false;
		return bits >= 64 || (uint64_t)v < ((uint64_t)1 << bits);
	}
	if (bits >= 64)
		return true;
	return v >= -((int64_t)1 << (bits - 1)) &&
	       v < ((int64_t)1 << (bits - 1));
}

static bool date_zero(const qr_date *d)
{
	return d->year == 0 && d->month == 0 && d->day == 0;
}

static bool time_zero(const qr_time *t)
{
	return t->hour == 0 && t->minute == 0 && t->second == 0 &&
	       t->microsecond == 0;
}

static bool bit_at(const unsigned char *bits, size_t i)
{
	return (bits[i / 8] >> (i % 8)) & 1u;
}

static void set_bit_at(unsigned char *bits, size_t i, bool on)
{
	unsigned char mask = (unsigned char)(1u << (i % 8));

	if (on)
		bits[i / 8] |= mask;
	else
		bits[i / 8] &= (unsigned char)~mask;
}

int qr_orm__value_at(const qr_mapper *m, const qr_field *f, const void *base,
		     const unsigned char *bits, qr_value *out)
{
	const void *p = (const char *)base + f->offset;
	bool flagged = bit_at(bits, f->index);

	*out = qr_val_null();
	switch (f->ctype) {
	case QR_CTYPE_INT: {
		int64_t v = read_int(p, f->size);
		if (!(flagged && v == 0))
			*out = qr_val_int(v);
		return 0;
	}
	case QR_CTYPE_UINT: {
		uint64_t v = read_uint(p, f->size);
		if (flagged && v == 0)
			return 0;
		if (v > (uint64_t)INT64_MAX)
			return qr_error_set(QR_ERANGE, QR_ECLASS_DATA,
					    "%s.%s: %llu is out of range of "
					    "a 64-bit signed integer",
					    m->name, f->name,
					    (unsigned long long)v);
		*out = qr_val_int((int64_t)v);
		return 0;
	}
	case QR_CTYPE_BOOL: {
		bool v;
		memcpy(&v, p, sizeof(v));
		if (!(flagged && !v))
			*out = qr_val_bool(v);
		return 0;
	}
	case QR_CTYPE_FLOAT: {
		float v;
		memcpy(&v, p, sizeof(v));
		if (!(flagged && v == 0.0f))
			*out = qr_val_double((double)v);
		return 0;
	}
	case QR_CTYPE_DOUBLE: {
		double v;
		memcpy(&v, p, sizeof(v));
		if (!(flagged && v == 0.0))
			*out = qr_val_double(v);
		return 0;
	}
	case QR_CTYPE_STRING: {
		const char *s;
		memcpy(&s, p, sizeof(s));
		if (s) {
			*out = qr_val_text(s);
			if (f->flags & QR_FF_NUMERIC_TEXT)
				out->kind = QR_VNUMERIC;
		}
		return 0;
	}
	case QR_CTYPE_BLOB: {
		qr_blob b;
		memcpy(&b, p, sizeof(b));
		if (b.data)
			*out = qr_val_blob(b.data, b.len);
		return 0;
	}
	case QR_CTYPE_DATE: {
		qr_date d;
		memcpy(&d, p, sizeof(d));
		if (!(flagged && date_zero(&d))) {
			out->kind = QR_VDATE;
			out->u.date = d;
		}
		return 0;
	}
	case QR_CTYPE_TIME: {
		qr_time t;
		memcpy(&t, p, sizeof(t));
		if (!(flagged && time_zero(&t))) {
			out->kind = QR_VTIME;
			out->u.time = t;
		}
		return 0;
	}
	case QR_CTYPE_DATETIME: {
		qr_datetime dt;
		memcpy(&dt, p, sizeof(dt));
		if (!(flagged && date_zero(&dt.date) && time_zero(&dt.time) &&
		      !dt.has_offset && dt.offset_seconds == 0)) {
			out->kind = QR_VDATETIME;
			out->u.datetime = dt;
		}
		return 0;
	}
	default:
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s.%s: unsupported C type", m->name,
				    f->name);
	}
}

/* Replaces a pointer member's owned memory by p (owned from now on).
 * The snapshot may still hold the old address: it compares member by
 * member at the next check. */
static void set_owned(qr_objhdr *h, const qr_field *f, void *p)
{
	void **slot = qr_orm__slot(h, (size_t)f->ptr_slot);

	qr_orm__owned_free(h, *slot);
	*slot = p;
	h->snap_verify = true;
}

static int conv_error(int rc, const qr_mapper *m, const qr_field *f)
{
	if (rc == QR_ECONVERT || rc == QR_ERANGE) {
		const qr_error *e = qr_error_last();
		char msg[QR_ERROR_MESSAGE_MAX];
		snprintf(msg, sizeof(msg), "%s", e->message);
		return qr_error_set(rc, QR_ECLASS_DATA, "%s.%s: %s", m->name,
				    f->name, msg);
	}
	return rc;
}

int qr_orm__store_at(const qr_mapper *m, const qr_field *f, void *base,
		     unsigned char *bits, const qr_value *v)
{
	void *p = (char *)base + f->offset;
	size_t i = f->index;
	int rc = 0;

	if (!v || v->kind == QR_VNULL) {
		memset(p, 0, f->size);
		set_bit_at(bits, i, true);
		return 0;
	}
	switch (f->ctype) {
	case QR_CTYPE_INT:
	case QR_CTYPE_UINT: {
		int64_t x = v->u.i;
		bool u = f->ctype == QR_CTYPE_UINT;
		if (v->kind != QR_VINT && (rc = qr_value_int64(v, &x)) != 0)
			return conv_error(rc, m, f);
		if (!int_fits(x, f->size, u))
			return qr_error_set(
				QR_ERANGE, QR_ECLASS_DATA,
				"%s.%s: %lld does not fit a %s%d-bit "
				"member",
				m->name, f->name, (long long)x,
				u ? "unsigned " : "", (int)f->size * 8);
		write_int(p, f->size, x);
		break;
	}
	case QR_CTYPE_BOOL: {
		bool b;
		rc = qr_value_bool(v, &b);
		if (rc)
			return conv_error(rc, m, f);
		memcpy(p, &b, sizeof(b));
		break;
	}
	case QR_CTYPE_FLOAT:
	case QR_CTYPE_DOUBLE: {
		double d;
		rc = qr_value_double(v, &d);
		if (rc)
			return conv_error(rc, m, f);
		if (f->ctype == QR_CTYPE_FLOAT) {
			float x = (float)d;
			memcpy(p, &x, sizeof(x));
		} else {
			memcpy(p, &d, sizeof(d));
		}
		break;
	}
	case QR_CTYPE_DATE: {
		qr_date d;
		rc = qr_value_date(v, &d);
		if (rc)
			return conv_error(rc, m, f);
		memcpy(p, &d, sizeof(d));
		break;
	}
	case QR_CTYPE_TIME: {
		qr_time t;
		rc = qr_value_time(v, &t);
		if (rc)
			return conv_error(rc, m, f);
		memcpy(p, &t, sizeof(t));
		break;
	}
	case QR_CTYPE_DATETIME: {
		qr_datetime dt;
		rc = qr_value_datetime(v, &dt);
		if (rc)
			return conv_error(rc, m, f);
		memcpy(p, &dt, sizeof(dt));
		break;
	}
	default:
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s.%s: unsupported C type", m->name,
				    f->name);
	}
	set_bit_at(bits, i, false);
	return 0;
}

/* Stores a copy of s (len bytes) into string field f of h. */
static int store_text(qr_objhdr *h, const qr_field *f, const char *s,
		      size_t len)
{
	char *copy = qr_orm__owned_alloc(h, len + 1, 1);

	if (!copy)
		return qr_error_oom("string member");
	memcpy(copy, s, len);
	copy[len] = '\0';
	set_owned(h, f, copy);
	memcpy(field_ptr(h, f), &copy, sizeof(copy));
	return 0;
}

/* Out of line (a hint): a frame the common case does without. */
#if defined(__GNUC__) || defined(__clang__)
#define OUT_OF_LINE __attribute__((noinline))
#else
#define OUT_OF_LINE
#endif

/* qr_orm__field_set of a string or blob field, but for text into a
 * string (which it does inline): NULL, conversions, blobs. Out of line:
 * its buffer is not the common case's frame. */
static OUT_OF_LINE int set_pointer_member(qr_objhdr *h, const qr_field *f,
					  const qr_value *v)
{
	const qr_mapper *m = h->mapper;
	void *p = field_ptr(h, f);
	int rc = 0;

	if (!v || v->kind == QR_VNULL) {
		set_owned(h, f, NULL);
		memset(p, 0, f->size);
		return 0;
	}
	if (f->ctype == QR_CTYPE_STRING) {
		const char *s = NULL;
		size_t len = 0;
		char num[128];
		if ((f->flags & QR_FF_NUMERIC_TEXT) && v->kind != QR_VTEXT &&
		    v->kind != QR_VNUMERIC) {
			rc = qr_value_numeric(v, num, sizeof(num));
			s = num;
			len = strlen(num);
		} else {
			rc = qr_value_text(v, &s, &len);
		}
		if (rc)
			return conv_error(rc, m, f);
		return store_text(h, f, s, len);
	}
	const void *data = NULL;
	size_t len = 0;
	qr_blob b;
	rc = qr_value_blob(v, &data, &len);
	if (rc == QR_ECONVERT)
		rc = qr_value_text(v, (const char **)&data, &len);
	if (rc)
		return conv_error(rc, m, f);
	b.data = qr_orm__owned_alloc(h, len ? len : 1, 1);
	if (!b.data)
		return qr_error_oom("blob member");
	if (len)
		memcpy(b.data, data, len);
	b.len = len;
	set_owned(h, f, b.data);
	memcpy(p, &b, sizeof(b));
	return 0;
}

int qr_orm__field_set(qr_objhdr *h, const qr_field *f, const qr_value *v)
{
	const qr_mapper *m = h->mapper;

	if (f->ptr_slot < 0) {
		unsigned char *bits = (unsigned char *)h + m->nullbits_off;
		unsigned char was;
		int rc;
		if (!(h->flags & QR_OF_SNAP)) /* (loading: nothing to tell) */
			return qr_orm__store_at(m, f, qr_orm__obj(h), bits, v);
		was = bits[f->index / 8];
		rc = qr_orm__store_at(m, f, qr_orm__obj(h), bits, v);
		qr_orm__nullbits_changed(h, was != bits[f->index / 8]);
		return rc;
	}
	if (v && v->kind == QR_VTEXT && f->ctype == QR_CTYPE_STRING)
		return store_text(h, f, v->u.s.ptr, v->u.s.len);
	return set_pointer_member(h, f, v);
}

int qr_orm__field_normalize(const qr_field *f, const qr_value *in,
			    qr_value *out, char *buf, size_t cap)
{
	int rc = 0;

	if (!in || in->kind == QR_VNULL) {
		*out = qr_val_null();
		return 0;
	}
	switch (f->ctype) {
	case QR_CTYPE_INT:
	case QR_CTYPE_UINT: {
		int64_t x;
		rc = qr_value_int64(in, &x);
		if (rc == 0 && !int_fits(x, f->size, f->ctype == QR_CTYPE_UINT))
			rc = qr_error_set(QR_ERANGE, QR_ECLASS_DATA,
					  "%s: %lld is out of range", f->name,
					  (long long)x);
		*out = qr_val_int(x);
		break;
	}
	case QR_CTYPE_BOOL: {
		bool b = false;
		rc = qr_value_bool(in, &b);
		*out = qr_val_bool(b);
		break;
	}
	case QR_CTYPE_FLOAT:
	case QR_CTYPE_DOUBLE: {
		double d = 0;
		rc = qr_value_double(in, &d);
		if (f->ctype == QR_CTYPE_FLOAT)
			d = (double)(float)d;
		*out = qr_val_double(d);
		break;
	}
	case QR_CTYPE_STRING:
		if ((f->flags & QR_FF_NUMERIC_TEXT) && in->kind != QR_VTEXT &&
		    in->kind != QR_VNUMERIC) {
			rc = qr_value_numeric(in, buf, cap);
			*out = qr_val_numeric(buf);
		} else {
			const char *s = NULL;
			size_t len = 0;
			rc = qr_value_text(in, &s, &len);
			*out = qr_val_textn(s, len);
			if (f->flags & QR_FF_NUMERIC_TEXT)
				out->kind = QR_VNUMERIC;
		}
		break;
	case QR_CTYPE_BLOB: {
		const void *data = NULL;
		size_t len = 0;
		rc = qr_value_blob(in, &data, &len);
		*out = qr_val_blob(data, len);
		break;
	}
	case QR_CTYPE_DATE:
		out->kind = QR_VDATE;
		rc = qr_value_date(in, &out->u.date);
		break;
	case QR_CTYPE_TIME:
		out->kind = QR_VTIME;
		rc = qr_value_time(in, &out->u.time);
		break;
	case QR_CTYPE_DATETIME:
		out->kind = QR_VDATETIME;
		rc = qr_value_datetime(in, &out->u.datetime);
		break;
	default:
		rc = qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				  "%s: unsupported C type", f->name);
	}
	return rc > 0 ? 0 : rc;
}

int qr_orm__adopt(qr_objhdr *h)
{
	const qr_mapper *m = h->mapper;

	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		void *p = field_ptr(h, f);
		void **slot;

		if (f->ptr_slot < 0)
			continue;
		slot = qr_orm__slot(h, (size_t)f->ptr_slot);
		if (f->ctype == QR_CTYPE_STRING) {
			char *cur, *copy;
			memcpy(&cur, p, sizeof(cur));
			if (cur == *slot)
				continue;
			if (!cur) {
				set_owned(h, f, NULL);
				continue;
			}
			copy = strdup(cur);
			if (!copy)
				return qr_error_oom("string member");
			set_owned(h, f, copy);
			memcpy(p, &copy, sizeof(copy));
		} else {
			qr_blob b;
			void *copy;
			memcpy(&b, p, sizeof(b));
			if (b.data == *slot)
				continue;
			if (!b.data) {
				set_owned(h, f, NULL);
				continue;
			}
			copy = malloc(b.len ? b.len : 1);
			if (!copy)
				return qr_error_oom("blob member");
			if (b.len)
				memcpy(copy, b.data, b.len);
			set_owned(h, f, copy);
			b.data = copy;
			memcpy(p, &b, sizeof(b));
		}
	}
	return 0;
}

bool qr_orm__ctype_accepts(qr_ctype ctype, const qr_type *type)
{
	qr_type_kind k = type->kind;

	if (k == QR_TYPE_NULL)
		return ctype != QR_CTYPE_UNSUPPORTED;
	switch (ctype) {
	case QR_CTYPE_INT:
	case QR_CTYPE_UINT:
		return k == QR_TYPE_INTEGER || k == QR_TYPE_SMALLINT ||
		       k == QR_TYPE_BIGINT || k == QR_TYPE_BOOLEAN ||
		       k == QR_TYPE_NUMERIC || k == QR_TYPE_INTERVAL;
	case QR_CTYPE_BOOL:
		return k == QR_TYPE_BOOLEAN || k == QR_TYPE_INTEGER ||
		       k == QR_TYPE_SMALLINT || k == QR_TYPE_BIGINT;
	case QR_CTYPE_FLOAT:
	case QR_CTYPE_DOUBLE:
		return k == QR_TYPE_FLOAT || k == QR_TYPE_DOUBLE ||
		       k == QR_TYPE_NUMERIC || k == QR_TYPE_INTEGER ||
		       k == QR_TYPE_SMALLINT || k == QR_TYPE_BIGINT;
	case QR_CTYPE_STRING:
		return k == QR_TYPE_STRING || k == QR_TYPE_TEXT ||
		       k == QR_TYPE_NUMERIC || k == QR_TYPE_ENUM ||
		       k == QR_TYPE_JSON || k == QR_TYPE_UUID;
	case QR_CTYPE_BLOB:
		return k == QR_TYPE_BINARY || k == QR_TYPE_STRING ||
		       k == QR_TYPE_TEXT;
	case QR_CTYPE_DATE:
		return k == QR_TYPE_DATE;
	case QR_CTYPE_TIME:
		return k == QR_TYPE_TIME;
	case QR_CTYPE_DATETIME:
		return k == QR_TYPE_DATETIME;
	default:
		return false;
	}
}
