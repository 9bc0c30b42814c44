/*
 * identity.c - identity keys (mapper + primary key values) and the
 * identity map: one object per identity per session.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

#define TOMB ((qr_objhdr *)(uintptr_t)1)
/* Slots an emptied map keeps (64 KiB: a session emptied after each
 * lookup, or after each flush of a thousand objects, reuses them rather
 * than growing them again); a larger array is freed. */
#define IDMAP_KEEP 4096

/* Hashes n bytes at p into h, 8 at a time (the last word zero-padded,
 * with n in its top byte): keys are short, mostly one 9-byte integer. */
static uint64_t hash_bytes(uint64_t h, const unsigned char *p, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	w = (uint64_t)n << 56;
	if (n)
		memcpy(&w, p, n); /* (n < 8: the top byte stays) */
	h = (h ^ w) * k;
	return h ^ (h >> 29);
}

/* A final mix (splitmix64's) spreads every bit of the hash over the low
 * bits, which pick the map's slot, so that consecutive integer keys do
 * not cluster. */
static uint64_t mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

/* The hash of the key of one integer column of value v, for the mapper
 * root (make_key's: the same bytes). */
static uint64_t int_key_hash(const qr_mapper *root, int64_t v)
{
	unsigned char b[9];

	b[0] = QR_VINT;
	memcpy(b + 1, &v, 8);
	return mix(hash_bytes((uint64_t)(uintptr_t)root, b, 9));
}

/* The bytes of a value of kind k when they have one size (its encoding
 * then carries no length: the kind byte says it), else 0. */
static size_t fixed_len(qr_vkind k)
{
	switch (k) {
	case QR_VINT:
	case QR_VDOUBLE:
		return 8;
	case QR_VBOOL:
		return 1;
	case QR_VDATE:
		return 6;
	case QR_VTIME:
		return 7;
	case QR_VDATETIME:
		return 18;
	default:
		return 0;
	}
}

static bool fixed_kind(qr_vkind k)
{
	return fixed_len(k) != 0;
}

/* The size of v's encoding (encode()'s). */
static size_t encoded_size(const qr_value *v)
{
	size_t n = fixed_len(v->kind);

	if (n)
		return 1 + n;
	switch (v->kind) {
	case QR_VTEXT:
	case QR_VNUMERIC:
	case QR_VBLOB:
		return 9 + v->u.s.len;
	default:
		return 9;
	}
}

/* Encodes a key value at out: its kind, its length for text and blobs
 * (8 bytes), its bytes. Returns the size. */
static size_t encode(unsigned char *out, const qr_value *v)
{
	unsigned char raw[32];
	const void *data = raw;
	uint64_t len = 0;

	switch (v->kind) {
	case QR_VINT:
		data = &v->u.i;
		len = 8;
		break;
	case QR_VDOUBLE:
		data = &v->u.d;
		len = 8;
		break;
	case QR_VBOOL:
		raw[0] = v->u.b;
		len = 1;
		break;
	case QR_VTEXT:
	case QR_VNUMERIC:
	case QR_VBLOB:
		data = v->u.s.ptr;
		len = v->u.s.len;
		break;
	case QR_VDATE:
		memcpy(raw, &v->u.date.year, 4);
		raw[4] = v->u.date.month;
		raw[5] = v->u.date.day;
		len = 6;
		break;
	case QR_VTIME:
		raw[0] = v->u.time.hour;
		raw[1] = v->u.time.minute;
		raw[2] = v->u.time.second;
		memcpy(raw + 3, &v->u.time.microsecond, 4);
		len = 7;
		break;
	case QR_VDATETIME: {
		const qr_datetime *dt = &v->u.datetime;
		memcpy(raw, &dt->date.year, 4);
		raw[4] = dt->date.month;
		raw[5] = dt->date.day;
		raw[6] = dt->time.hour;
		raw[7] = dt->time.minute;
		raw[8] = dt->time.second;
		memcpy(raw + 9, &dt->time.microsecond, 4);
		raw[13] = dt->has_offset;
		memcpy(raw + 14, &dt->offset_seconds, 4);
		len = 18;
		break;
	}
	default:
		break;
	}
	size_t head = fixed_kind(v->kind) ? 1 : 9;

	out[0] = (unsigned char)v->kind;
	if (head > 1)
		memcpy(out + 1, &len, 8);
	if (len)
		memcpy(out + head, data, (size_t)len);
	return head + (size_t)len;
}

void qr_orm__key_int(qr_ikey *k, qr_mapper *m, int64_t v)
{
	k->mapper = qr_orm__root(m);
	k->len = 9;
	k->bytes[0] = QR_VINT;
	memcpy(k->bytes + 1, &v, 8);
	k->hash = int_key_hash(k->mapper, v);
}

size_t qr_orm__key_values(const qr_ikey *k, qr_value *out, size_t max)
{
	size_t pos = 0, n = 0;

	while (k && pos < k->len) {
		qr_value v = qr_val_null();
		uint64_t len = 0;
		size_t head = 1;
		const unsigned char *d;

		v.kind = (qr_vkind)k->bytes[pos];
		if (!fixed_kind(v.kind)) {
			memcpy(&len, k->bytes + pos + 1, 8);
			head = 9;
		}
		d = k->bytes + pos + head;
		switch (v.kind) {
		case QR_VINT:
			memcpy(&v.u.i, d, 8);
			len = 8;
			break;
		case QR_VDOUBLE:
			memcpy(&v.u.d, d, 8);
			len = 8;
			break;
		case QR_VBOOL:
			v.u.b = d[0] != 0;
			len = 1;
			break;
		case QR_VDATE:
			memcpy(&v.u.date.year, d, 4);
			v.u.date.month = d[4];
			v.u.date.day = d[5];
			len = 6;
			break;
		case QR_VTIME:
			v.u.time.hour = d[0];
			v.u.time.minute = d[1];
			v.u.time.second = d[2];
			memcpy(&v.u.time.microsecond, d + 3, 4);
			len = 7;
			break;
		case QR_VDATETIME: {
			qr_datetime *dt = &v.u.datetime;
			memcpy(&dt->date.year, d, 4);
			dt->date.month = d[4];
			dt->date.day = d[5];
			dt->time.hour = d[6];
			dt->time.minute = d[7];
			dt->time.second = d[8];
			memcpy(&dt->time.microsecond, d + 9, 4);
			dt->has_offset = d[13] != 0;
			memcpy(&dt->offset_seconds, d + 14, 4);
			len = 18;
			break;
		}
		default:
			v.u.s.ptr = (const char *)d;
			v.u.s.len = (size_t)len;
		}
		if (n < max)
			out[n] = v;
		n++;
		pos += head + (size_t)len;
	}
	return n;
}

/* The key of vals, in buf when it fits cap bytes, else malloc'd. */
static int make_key(qr_ikey **out, qr_mapper *m, const qr_value *vals,
		    void *buf, size_t cap)
{
	size_t len = 0, pos = 0;
	qr_ikey *k;

	*out = NULL;
	for (size_t i = 0; i < m->npk; i++) {
		if (vals[i].kind == QR_VNULL)
			return 0;
		len += encoded_size(&vals[i]);
	}
	k = buf && sizeof(*k) + len <= cap ? buf : malloc(sizeof(*k) + len);
	if (!k)
		return qr_error_oom("identity key");
	m = qr_orm__root(m); /* a hierarchy shares one key space */
	k->mapper = m;
	k->len = len;
	for (size_t i = 0; i < m->npk; i++) {
		if (vals[i].kind == QR_VINT) { /* most keys */
			k->bytes[pos] = QR_VINT;
			memcpy(k->bytes + pos + 1, &vals[i].u.i, 8);
			pos += 9;
		} else {
			pos += encode(k->bytes + pos, &vals[i]);
		}
	}
	k->hash = mix(hash_bytes((uint64_t)(uintptr_t)m, k->bytes, len));
	*out = k;
	return 0;
}

/* The key of one integer column of value v (make_key's for it, with
 * fewer steps: most keys), in buf when it fits cap bytes. */
static int int_key(qr_ikey **out, qr_mapper *m, int64_t v, void *buf,
		   size_t cap)
{
	qr_ikey *k =
		buf && sizeof(*k) + 9 <= cap ? buf : malloc(sizeof(*k) + 9);

	*out = k;
	if (!k)
		return qr_error_oom("identity key");
	qr_orm__key_int(k, m, v);
	return 0;
}

/* h's key from its fields, in buf when it fits cap bytes. */
static int key_of_in(qr_ikey **out, const qr_objhdr *h, void *buf, size_t cap)
{
	qr_mapper *m = h->mapper;
	qr_value vals[16], *v = vals;
	int rc = 0;

	if (m->npk == 1) {
		rc = qr_orm__field_get(h, &m->fields[m->pk[0]], vals);
		if (rc == 0 && vals[0].kind == QR_VINT)
			return int_key(out, m, vals[0].u.i, buf, cap);
		if (rc == 0 && vals[0].kind != QR_VNULL)
			return make_key(out, m, vals, buf, cap);
		*out = NULL; /* NULL: no key (a new object's, usually) */
		return rc;
	}
	if (m->npk > 16) {
		v = malloc(m->npk * sizeof(*v));
		if (!v)
			return qr_error_oom("identity key");
	}
	for (size_t i = 0; i < m->npk && rc == 0; i++)
		rc = qr_orm__field_get(h, &m->fields[m->pk[i]], &v[i]);
	if (rc == 0)
		rc = make_key(out, m, v, buf, cap);
	else
		*out = NULL;
	if (v != vals)
		free(v);
	return rc;
}

int qr_orm__key_of(qr_ikey **out, const qr_objhdr *h)
{
	return key_of_in(out, h, NULL, 0);
}

/* The bytes a key value of a field of C type t takes when their number
 * is fixed (its kind byte and its value; qr_orm__value_at's kinds), 0
 * otherwise. */
static size_t fixed_size(qr_ctype t)
{
	switch (t) {
	case QR_CTYPE_INT:
	case QR_CTYPE_UINT:
		return 1 + fixed_len(QR_VINT);
	case QR_CTYPE_FLOAT:
	case QR_CTYPE_DOUBLE:
		return 1 + fixed_len(QR_VDOUBLE);
	case QR_CTYPE_BOOL:
		return 1 + fixed_len(QR_VBOOL);
	case QR_CTYPE_DATE:
		return 1 + fixed_len(QR_VDATE);
	case QR_CTYPE_TIME:
		return 1 + fixed_len(QR_VTIME);
	case QR_CTYPE_DATETIME:
		return 1 + fixed_len(QR_VDATETIME);
	default:
		return 0;
	}
}

size_t qr_orm__key_room_size(const qr_mapper *m)
{
	size_t n = sizeof(qr_ikey);

	for (size_t i = 0; i < m->npk; i++) {
		const qr_field *f = &m->fields[m->pk[i]];
		size_t b = (f->flags & QR_FF_NUMERIC_TEXT)
				   ? 0
				   : fixed_size(f->ctype);
		if (!b)
			return 0;
		n += b;
	}
	return m->npk ? QR_ORM_ALIGN_UP(n, alignof(qr_ikey)) : 0;
}

int qr_orm__key_make(qr_ikey **out, qr_objhdr *h)
{
	qr_ikey *room = (qr_ikey *)((char *)h + h->mapper->alloc_size);

	if (!h->key_room || h->key == room)
		return key_of_in(out, h, NULL, 0);
	return key_of_in(out, h, room, h->mapper->key_room);
}

int qr_orm__key_from_values(qr_ikey **out, qr_mapper *m, const qr_value *pk,
			    size_t npk)
{
	return qr_orm__key_from_values_in(out, NULL, 0, m, pk, npk);
}

int qr_orm__key_from_values_in(qr_ikey **out, void *buf, size_t cap,
			       qr_mapper *m, const qr_value *pk, size_t npk)
{
	/* keys of up to 4 columns are normalised on the stack */
	qr_value v_stack[4], *v;
	char bufs_stack[4 * 128], *bufs;
	int rc = 0;

	*out = NULL;
	if (npk != m->npk)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s has %zu primary key column(s); %zu "
				    "value(s) given",
				    m->name, m->npk, npk);
	if (npk <= 4) {
		v = v_stack;
		bufs = bufs_stack;
	} else {
		v = malloc(npk * sizeof(*v));
		bufs = malloc(npk * 128);
		if (!v || !bufs) {
			free(v);
			free(bufs);
			return qr_error_oom("identity key");
		}
	}
	for (size_t i = 0; i < npk && rc == 0; i++)
		rc = qr_orm__field_normalize(&m->fields[m->pk[i]], &pk[i],
					     &v[i], bufs + i * 128, 128);
	if (rc == 0)
		rc = make_key(out, m, v, buf, cap);
	if (v != v_stack) {
		free(v);
		free(bufs);
	}
	return rc;
}

qr_ikey *qr_orm__key_copy(const qr_ikey *k)
{
	qr_ikey *c;

	if (!k)
		return NULL;
	c = malloc(sizeof(*k) + k->len);
	if (!c) {
		qr_error_oom("identity key");
		return NULL;
	}
	memcpy(c, k, sizeof(*k) + k->len);
	return c;
}

bool qr_orm__key_equal(const qr_ikey *a, const qr_ikey *b)
{
	return a->mapper == b->mapper && a->hash == b->hash &&
	       a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

void qr_orm__key_repr(qr_obuf *b, const qr_objhdr *h)
{
	qr_value vals[16];
	size_t n = qr_orm__key_values(h->key, vals, 16);

	qr_orm__buf_puts(b, "(");
	for (size_t i = 0; i < n && i < 16; i++) {
		if (i)
			qr_orm__buf_puts(b, ", ");
		qr_orm__buf_value(b, &vals[i]);
	}
	qr_orm__buf_puts(b, n == 1 ? ",)" : ")");
}

/* ---- the map --------------------------------------------------------- */

/* How far ahead a rehash asks for the slots it writes. */
#define REHASH_AHEAD 8

/* Asks for the memory at p (a hint: nothing when the compiler has no
 * way to say it). */
static inline void prefetch(const void *p)
{
#if defined(__GNUC__) || defined(__clang__)
	__builtin_prefetch(p);
#else
	(void)p;
#endif
}

static size_t probe_find(const qr_idmap *map, const qr_ikey *key)
{
	size_t mask = map->cap - 1, i = (size_t)key->hash & mask;

	for (;;) {
		const qr_idslot *e = &map->slots[i];
		if (!e->h)
			return SIZE_MAX;
		if (e->hash == key->hash && e->h != TOMB &&
		    qr_orm__key_equal(e->h->key, key))
			return i;
		i = (i + 1) & mask;
	}
}

qr_objhdr *qr_orm__idmap_get(const qr_idmap *map, const qr_ikey *key)
{
	size_t i;

	if (!map->cap || !key)
		return NULL;
	i = probe_find(map, key);
	return i == SIZE_MAX ? NULL : map->slots[i].h;
}

void qr_orm__idmap_prefetch(const qr_idmap *map, const qr_ikey *key)
{
#if defined(__GNUC__) || defined(__clang__)
	if (map->cap && key)
		__builtin_prefetch(
			&map->slots[(size_t)key->hash & (map->cap - 1)], 1);
#else
	(void)map;
	(void)key;
#endif
}

size_t qr_orm__idmap_next_slot(const qr_idmap *map, const qr_ikey *key)
{
	int64_t v;

	if (!map->cap || !key || key->len != 9 || key->bytes[0] != QR_VINT)
		return SIZE_MAX;
	memcpy(&v, key->bytes + 1, 8);
	if (v > INT64_MAX - QR_ORM_NEXT_KEYS)
		return SIZE_MAX;
	return (size_t)int_key_hash(key->mapper, v + QR_ORM_NEXT_KEYS) &
	       (map->cap - 1);
}

void qr_orm__idmap_prefetch_next(const qr_idmap *map, const qr_ikey *key)
{
	size_t i = qr_orm__idmap_next_slot(map, key);

	if (i != SIZE_MAX)
		prefetch(&map->slots[i]);
}

/* Slot arrays of 2 MiB and more: a lookup of a large load touches one
 * random slot per row, and with 4 KiB pages every one of them also
 * misses the TLB. Such an array is mapped on 2 MiB boundaries and
 * marked for transparent huge pages (qr_orm__huge_map; where there is
 * none, an ordinary allocation), and unmapped when the map grows past
 * it, so that its pages do not stay in the heap. */
#define HUGE_SLOTS ((size_t)2 << 20)

/* Whether a slot array of cap slots is mapped (slots_alloc). */
static bool slots_huge(size_t cap)
{
	return QR_ORM_HUGE_MAP && cap * sizeof(qr_idslot) >= HUGE_SLOTS;
}

static qr_idslot *slots_alloc(size_t cap)
{
	if (slots_huge(cap))
		return qr_orm__huge_map(cap * sizeof(qr_idslot));
	return calloc(cap, sizeof(qr_idslot));
}

static void slots_free(qr_idslot *slots, size_t cap)
{
	if (slots_huge(cap))
		qr_orm__huge_unmap(slots, cap * sizeof(qr_idslot));
	else
		free(slots);
}

static int grow(qr_idmap *map)
{
	size_t cap = map->cap ? map->cap : 32;
	qr_idslot *old = map->slots;
	size_t oldcap = map->cap;

	while ((map->count + 1) * 10 >= cap * 5)
		cap *= 2;
	map->slots = slots_alloc(cap);
	if (!map->slots) {
		map->slots = old;
		return qr_error_oom("identity map");
	}
	map->cap = cap;
	map->tombs = 0;
	for (size_t i = 0; i < oldcap; i++) {
		size_t j;
		/* each goes to a random slot: asked for a few ahead */
		if (i + REHASH_AHEAD < oldcap)
			prefetch(
				&map->slots[(size_t)old[i + REHASH_AHEAD].hash &
					    (cap - 1)]);
		if (!old[i].h || old[i].h == TOMB)
			continue;
		j = (size_t)old[i].hash & (cap - 1);
		while (map->slots[j].h)
			j = (j + 1) & (cap - 1);
		map->slots[j] = old[i];
	}
	slots_free(old, oldcap);
	return 0;
}

/* Room for one more in the dense array. */
static int dense_reserve(qr_idmap *map)
{
	size_t dcap;
	qr_objhdr **d;

	if (map->ndense < map->dcap)
		return 0;
	if (map->dcap >= QR_ORM_NO_MIDX / 2)
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "identity map: more than %u modifiable "
				    "objects in one session",
				    (unsigned)(QR_ORM_NO_MIDX / 2));
	dcap = map->dcap ? map->dcap * 2 : 32;
	d = realloc(map->dense, dcap * sizeof(*d));
	if (!d)
		return qr_error_oom("identity map");
	map->dense = d;
	map->dcap = dcap;
	return 0;
}

static void dense_remove(qr_idmap *map, qr_objhdr *h)
{
	qr_objhdr *last = map->dense[--map->ndense];

	/* the last one takes its place */
	map->dense[h->midx] = last;
	last->midx = h->midx;
	h->midx = QR_ORM_NO_MIDX;
}

int qr_orm__idmap_track(qr_idmap *map, qr_objhdr *h)
{
	bool want = !(h->flags & QR_OF_READONLY);
	int rc;

	if (!(h->flags & QR_OF_IN_MAP) || want == (h->midx != QR_ORM_NO_MIDX))
		return 0;
	if (!want) {
		dense_remove(map, h);
		return 0;
	}
	if ((rc = dense_reserve(map)) != 0)
		return rc;
	h->midx = (uint32_t)map->ndense;
	map->dense[map->ndense++] = h;
	return 0;
}

int qr_orm__idmap_put(qr_idmap *map, qr_objhdr *h)
{
	size_t i, mask;
	int rc;

	if ((rc = dense_reserve(map)) != 0)
		return rc;
	if ((map->count + map->tombs + 1) * 10 >= map->cap * 7 &&
	    (rc = grow(map)) != 0)
		return rc;
	mask = map->cap - 1;
	i = (size_t)h->key->hash & mask;
	while (map->slots[i].h && map->slots[i].h != TOMB)
		i = (i + 1) & mask;
	if (map->slots[i].h == TOMB)
		map->tombs--;
	map->slots[i].hash = h->key->hash;
	map->slots[i].h = h;
	map->count++;
	h->midx = QR_ORM_NO_MIDX;
	if (!(h->flags & QR_OF_READONLY)) {
		h->midx = (uint32_t)map->ndense;
		map->dense[map->ndense++] = h;
	}
	if (h->mapper->nrels)
		map->nrel++;
	h->flags |= QR_OF_IN_MAP;
	return 0;
}

void qr_orm__idmap_remove(qr_idmap *map, qr_objhdr *h)
{
	size_t mask, i;

	if (!(h->flags & QR_OF_IN_MAP) || !map->cap)
		return;
	mask = map->cap - 1;
	i = (size_t)h->key->hash & mask;
	while (map->slots[i].h) {
		if (map->slots[i].h == h) {
			map->slots[i].h = TOMB;
			map->tombs++;
			map->count--;
			if (h->midx != QR_ORM_NO_MIDX)
				dense_remove(map, h);
			if (h->mapper->nrels)
				map->nrel--;
			break;
		}
		i = (i + 1) & mask;
	}
	h->flags &= (uint8_t)~QR_OF_IN_MAP;
}

void qr_orm__idmap_clear(qr_idmap *map)
{
	if (map->cap > IDMAP_KEEP) {
		qr_orm__idmap_free(map);
		return;
	}
	if (map->cap)
		memset(map->slots, 0, map->cap * sizeof(*map->slots));
	map->count = map->tombs = map->nrel = map->ndense = 0;
}

void qr_orm__idmap_free(qr_idmap *map)
{
	slots_free(map->slots, map->cap);
	free(map->dense);
	memset(map, 0, sizeof(*map));
}

/* How far ahead of a scan the object dense[pos + AHEAD] is asked for:
 * what the pass reads of it (the end of its header, its struct and its
 * snapshot's image, adjacent: orm_internal.h), measured with the mapper
 * of the object at pos (most often the same). */
#define AHEAD 12

/* The scan's helpers are inlined with their constants (the image's
 * size) at -O2 too, where GCC would otherwise keep them out of line and
 * loop. */
#if defined(__GNUC__)
#define SCAN_INLINE inline __attribute__((always_inline))
#else
#define SCAN_INLINE inline
#endif

/* What the scan needs of a mapper, read again only when the mapper of
 * the object changes (the objects of a flush are most often of one). */
typedef struct scan_mapper {
	const qr_mapper *m;
	size_t snap_off, nwords;
	const unsigned char *mask;
	size_t from, to; /* what the pass reads of an object: [from, to) */
} scan_mapper;

static inline void scan_mapper_set(scan_mapper *sm, const qr_mapper *m)
{
	sm->m = m;
	sm->snap_off = m->snap_off;
	sm->nwords = m->cmpwords;
	sm->mask = m->cmpmask;
	sm->from = offsetof(qr_objhdr, mapper);
	sm->to = m->snap_off + m->cmpwords * 8;
}

/* Word i of the images a and b that differs, under mask word k. */
static SCAN_INLINE uint64_t scan_diff(const unsigned char *a,
				      const unsigned char *b, size_t i,
				      uint64_t k)
{
	uint64_t x, y;

	memcpy(&x, a + i * 8, 8);
	memcpy(&y, b + i * 8, 8);
	return (x ^ y) & k;
}

/* Mask word i of sm's mapper, or 0 past its image. */
static SCAN_INLINE uint64_t scan_mask(const scan_mapper *sm, size_t i)
{
	uint64_t k = 0;

	if (i < sm->nwords)
		memcpy(&k, sm->mask + i * 8, 8);
	return k;
}

/* The 4 bytes of a header from its state on, with these values of the
 * state, the flags and snap_verify (and 0 for key_room): constant. */
static inline uint32_t hdr_bytes(unsigned state, unsigned flags,
				 unsigned verify)
{
	const unsigned char b[4] = {(unsigned char)state, (unsigned char)flags,
				    (unsigned char)verify, 0};
	uint32_t w;

	memcpy(&w, b, sizeof(w));
	return w;
}
_Static_assert(offsetof(qr_objhdr, flags) == offsetof(qr_objhdr, state) + 1 &&
		       offsetof(qr_objhdr, snap_verify) ==
			       offsetof(qr_objhdr, state) + 2 &&
		       offsetof(qr_objhdr, key_room) ==
			       offsetof(qr_objhdr, state) + 3 &&
		       sizeof(bool) == 1,
	       "the header's bytes the scan reads at once");

/* Whether h is persistent, not to be deleted, and has a snapshot whose
 * image describes it: the state, the flags and snap_verify in one load
 * (the image is read only when all hold). */
static inline bool scan_header_ok(const qr_objhdr *h)
{
	uint32_t w;

	memcpy(&w, &h->state, sizeof(w));
	return (w & hdr_bytes(0xff, QR_OF_DELETE | QR_OF_SNAP, 0xff)) ==
	       hdr_bytes(QR_STATE_PERSISTENT, QR_OF_SNAP, 0);
}

/* Whether h (of sm's mapper) is persistent, not to be deleted and equal
 * to its snapshot's exact image: qr_orm__snapshot_same with the
 * mapper's figures at hand, for an image of any size. */
static inline bool scan_clean(const scan_mapper *sm, const qr_objhdr *h)
{
	const unsigned char *a = (const unsigned char *)qr_orm__obj(h);
	const unsigned char *b = (const unsigned char *)h + sm->snap_off;
	uint64_t diff = 0;

	if (!scan_header_ok(h))
		return false;
	for (size_t i = 0; i < sm->nwords; i++)
		diff |= scan_diff(a, b, i, scan_mask(sm, i));
	return diff == 0;
}

/* Asks for the lines of x that the pass reads: its first and last
 * byte, and every 64 bytes between when there are more than two lines
 * (every gap under 64 bytes: no line left out). */
static inline void scan_prefetch(const scan_mapper *sm, const char *x)
{
	prefetch(x + sm->from);
	prefetch(x + sm->to - 1);
	for (size_t o = sm->from + 64; o + 64 < sm->to; o += 64)
		prefetch(x + o);
}

/* scan_clean for an image of nwords words (1 to 4, a constant where
 * inlined: the switch folds away), the mapper's mask words k0 .. k3. */
static SCAN_INLINE bool scan_clean_n(const scan_mapper *sm, const qr_objhdr *h,
				     size_t nwords, uint64_t k0, uint64_t k1,
				     uint64_t k2, uint64_t k3)
{
	const unsigned char *a = (const unsigned char *)qr_orm__obj(h);
	const unsigned char *b = (const unsigned char *)h + sm->snap_off;
	uint64_t diff = 0;

	if (!scan_header_ok(h))
		return false;
	switch (nwords) {
	case 4:
		diff |= scan_diff(a, b, 3, k3);
		/* fall through */
	case 3:
		diff |= scan_diff(a, b, 2, k2);
		/* fall through */
	case 2:
		diff |= scan_diff(a, b, 1, k1);
		/* fall through */
	default:
		diff |= scan_diff(a, b, 0, k0);
	}
	return diff == 0;
}

/*
 * The run of objects from dense[i] on that are of sm's mapper, whose
 * image has nwords words (1 to 4: a constant where inlined, so that the
 * compare is unrolled and the mask is in registers), and clean: the
 * index of the first object that is not (of another mapper, or
 * changed), or n. The objects AHEAD are asked for as the run goes.
 */
static SCAN_INLINE size_t scan_run(qr_objhdr *const *dense, size_t i, size_t n,
				   const scan_mapper *sm, size_t nwords)
{
	const uint64_t k0 = scan_mask(sm, 0), k1 = scan_mask(sm, 1),
		       k2 = scan_mask(sm, 2), k3 = scan_mask(sm, 3);

	for (; i + AHEAD < n; i++) {
		const qr_objhdr *h = dense[i];
		scan_prefetch(sm, (const char *)dense[i + AHEAD]);
		if (h->mapper != sm->m ||
		    !scan_clean_n(sm, h, nwords, k0, k1, k2, k3))
			return i;
	}
	for (; i < n; i++) {
		const qr_objhdr *h = dense[i];
		if (h->mapper != sm->m ||
		    !scan_clean_n(sm, h, nwords, k0, k1, k2, k3))
			return i;
	}
	return n;
}

/* scan_run for any image: the words compared one by one. */
static size_t scan_run_any(qr_objhdr *const *dense, size_t i, size_t n,
			   const scan_mapper *sm)
{
	for (; i < n; i++) {
		const qr_objhdr *h = dense[i];
		if (i + AHEAD < n)
			scan_prefetch(sm, (const char *)dense[i + AHEAD]);
		if (h->mapper != sm->m || !scan_clean(sm, h))
			return i;
	}
	return n;
}

qr_objhdr *qr_orm__idmap_scan(const qr_idmap *map, size_t *pos)
{
	qr_objhdr *const *dense = map->dense;
	size_t i = *pos, n = map->ndense;
	scan_mapper sm = {0};

	/* Runs of objects of one mapper (the objects of a flush are most
	 * often of one), each with the compare of its image's size. */
	while (i < n) {
		qr_objhdr *h = dense[i];
		if (h->mapper != sm.m)
			scan_mapper_set(&sm, h->mapper);
		switch (sm.nwords) {
		case 1:
			i = scan_run(dense, i, n, &sm, 1);
			break;
		case 2:
			i = scan_run(dense, i, n, &sm, 2);
			break;
		case 3:
			i = scan_run(dense, i, n, &sm, 3);
			break;
		case 4:
			i = scan_run(dense, i, n, &sm, 4);
			break;
		default:
			i = scan_run_any(dense, i, n, &sm);
		}
		if (i < n && dense[i]->mapper == sm.m) {
			/* stopped at an object of the run's mapper: changed */
			*pos = i + 1;
			return dense[i];
		}
	}
	*pos = n;
	return NULL;
}

qr_objhdr *qr_orm__idmap_each(const qr_idmap *map, size_t *pos)
{
	size_t i = *pos;

	if (map->ndense != map->count)
		return qr_orm__idmap_next(map, pos);
	if (i >= map->ndense)
		return NULL;
	if (i + AHEAD < map->ndense) {
		const char *x = (const char *)map->dense[i + AHEAD];
		prefetch(x + offsetof(qr_objhdr, mapper));
		prefetch(x + offsetof(qr_objhdr, mapper) + 64);
	}
	*pos = i + 1;
	return map->dense[i];
}

qr_objhdr *qr_orm__idmap_next(const qr_idmap *map, size_t *pos)
{
	while (*pos < map->cap) {
		qr_objhdr *h = map->slots[(*pos)++].h;
		if (h && h != TOMB)
			return h;
	}
	return NULL;
}
