/*
 * test_orm_objects.c - the ORM's object machinery without a database:
 * C type detection, objects you own, the NULL rule, identity keys of
 * every value kind, the identity map under many insertions and removals,
 * snapshots and change detection.
 */
#include "test_support.h"

#include "../../orm/orm_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct Thing {
	int64_t id;
	char *code;
	qr_date day;
	int16_t small;
	bool flag;
	double score;
} Thing;

QR_MAPPING(Thing, "things",
	   QR_FIELD(Thing, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Thing, code, qr_string(10), .primary_key = true),
	   QR_FIELD(Thing, day, QR_DATE, .primary_key = true),
	   QR_FIELD(Thing, small, QR_SMALLINT),
	   QR_FIELD(Thing, flag, QR_BOOLEAN),
	   QR_FIELD(Thing, score, QR_DOUBLE, .not_null = true));

typedef struct Row {
	int64_t id;
} Row;

QR_MAPPING(Row, "rows", QR_FIELD(Row, id, QR_INTEGER, .primary_key = true));

typedef struct Trio {
	int64_t id, a, b;
} Trio;

QR_MAPPING(Trio, "trios", QR_FIELD(Trio, id, QR_INTEGER, .primary_key = true),
	   QR_FIELD(Trio, a, QR_INTEGER), QR_FIELD(Trio, b, QR_INTEGER));

static qr_registry *reg;

static int setup(void **state)
{
	(void)state;
	qr_assert_ok(qr_registry_new(&reg, NULL));
	qr_assert_ok(qr_map(reg, Thing));
	qr_assert_ok(qr_map(reg, Row));
	qr_assert_ok(qr_map(reg, Trio));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	qr_registry_free(reg);
	return 0;
}

static void test_ctype_of(void **state)
{
	struct {
		int8_t a;
		uint64_t b;
		long c;
		unsigned char d;
		bool e;
		float f;
		char *g;
		qr_blob h;
		qr_time i;
		qr_datetime j;
		long double k;
	} s;

	(void)state;
	(void)s;
	assert_int_equal(QR_CTYPE_OF(s.a), QR_CTYPE_INT);
	assert_int_equal(QR_CTYPE_OF(s.b), QR_CTYPE_UINT);
	assert_int_equal(QR_CTYPE_OF(s.c), QR_CTYPE_INT);
	assert_int_equal(QR_CTYPE_OF(s.d), QR_CTYPE_UINT);
	assert_int_equal(QR_CTYPE_OF(s.e), QR_CTYPE_BOOL);
	assert_int_equal(QR_CTYPE_OF(s.f), QR_CTYPE_FLOAT);
	assert_int_equal(QR_CTYPE_OF(s.g), QR_CTYPE_STRING);
	assert_int_equal(QR_CTYPE_OF(s.h), QR_CTYPE_BLOB);
	assert_int_equal(QR_CTYPE_OF(s.i), QR_CTYPE_TIME);
	assert_int_equal(QR_CTYPE_OF(s.j), QR_CTYPE_DATETIME);
	assert_int_equal(QR_CTYPE_OF(s.k), QR_CTYPE_UNSUPPORTED);
}

static void test_objects_you_own(void **state)
{
	Thing *t = qr_new_transient(Thing);

	(void)state;
	assert_non_null(t);
	assert_int_equal(qr_object_state(t), QR_STATE_TRANSIENT);
	assert_ptr_equal(qr_object_mapper(t), QR_MAPPER(Thing));
	assert_null(qr_object_session(t));
	/* NOT NULL without default: a plain zero; nullable: NULL */
	assert_false(QR_IS_NULL(t, score));
	assert_true(QR_IS_NULL(t, small));
	t->small = 3;
	assert_false(QR_IS_NULL(t, small));
	qr_assert_ok(QR_SET_NULL(t, small));
	assert_true(QR_IS_NULL(t, small));
	qr_assert_ok(QR_SET_TEXT(t, code, "A1"));
	qr_assert_ok(QR_SET_TEXT(t, code, "B2")); /* the first one freed */
	t->id = 5;
	t->day = (qr_date){2024, 5, 6};
	{
		char *id;
		qr_assert_ok(qr_object_identity(&id, t));
		assert_null(id); /* transient: no identity yet */
	}
	qr_object_free(t);
	qr_object_free(NULL);
}

/* A Thing with its identity key set from its members. */
static qr_objhdr *thing(int64_t id, const char *code, int day)
{
	Thing *t = qr_new_transient(Thing);
	qr_objhdr *h = qr_orm__hdr(t);

	t->id = id;
	qr_assert_ok(qr_set_text(t, &t->code, code));
	t->day = (qr_date){2024, 1, (uint8_t)day};
	qr_assert_ok(qr_orm__key_of(&h->key, h));
	assert_non_null(h->key);
	return h;
}

static void test_keys(void **state)
{
	qr_objhdr *a = thing(1, "x", 2), *b = thing(1, "x", 2),
		  *c = thing(1, "x", 3);
	qr_value pk[3], back[3];
	qr_ikey *k;
	qr_obuf buf = {0};
	char *text;

	(void)state;
	assert_true(qr_orm__key_equal(a->key, b->key));
	assert_false(qr_orm__key_equal(a->key, c->key));
	/* values from outside are normalized as the members hold them */
	pk[0] = qr_val_text("1");
	pk[1] = qr_val_text("x");
	pk[2] = qr_val_text("2024-01-02");
	qr_assert_ok(qr_orm__key_from_values(&k, QR_MAPPER(Thing), pk, 3));
	assert_true(qr_orm__key_equal(k, a->key));
	assert_int_equal(qr_orm__key_values(k, back, 3), 3);
	assert_int_equal(back[0].kind, QR_VINT);
	assert_int_equal(back[2].kind, QR_VDATE);
	assert_int_equal(back[2].u.date.day, 2);
	free(k);
	qr_orm__key_repr(&buf, a);
	qr_assert_ok(qr_orm__buf_finish(&buf, &text));
	assert_string_equal(text, "(1, 'x', datetime.date(2024, 1, 2))");
	qr_free(text);
	/* a NULL key value: no identity */
	pk[0] = qr_val_null();
	qr_assert_ok(qr_orm__key_from_values(&k, QR_MAPPER(Thing), pk, 3));
	assert_null(k);
	assert_int_equal(qr_orm__key_from_values(&k, QR_MAPPER(Thing), pk, 2),
			 QR_EINVAL);
	qr_object_free(qr_orm__obj(a));
	qr_object_free(qr_orm__obj(b));
	qr_object_free(qr_orm__obj(c));
}

static void test_identity_map(void **state)
{
	enum { N = 20000 };
	qr_objhdr **hs = calloc(N, sizeof(*hs));
	qr_idmap map = {0};
	size_t pos = 0, seen = 0;

	(void)state;
	for (int i = 0; i < N; i++) {
		Row *r = qr_new_transient(Row);
		hs[i] = qr_orm__hdr(r);
		r->id = (i + 1) * 7919; /* spread keys (0 would be NULL) */
		qr_assert_ok(qr_orm__key_of(&hs[i]->key, hs[i]));
		qr_assert_ok(qr_orm__idmap_put(&map, hs[i]));
	}
	assert_int_equal(map.count, N);
	for (int i = 0; i < N; i++)
		assert_ptr_equal(qr_orm__idmap_get(&map, hs[i]->key), hs[i]);
	/* remove every other one, then look everything up again */
	for (int i = 0; i < N; i += 2)
		qr_orm__idmap_remove(&map, hs[i]);
	assert_int_equal(map.count, N / 2);
	for (int i = 0; i < N; i++)
		assert_ptr_equal(qr_orm__idmap_get(&map, hs[i]->key),
				 i % 2 ? hs[i] : NULL);
	while (qr_orm__idmap_next(&map, &pos))
		seen++;
	assert_int_equal(seen, N / 2);
	/* the dense pass: every object left, once each */
	pos = 0;
	seen = 0;
	for (qr_objhdr *h; (h = qr_orm__idmap_scan(&map, &pos)) != NULL;) {
		int64_t i = ((Row *)qr_orm__obj(h))->id / 7919 - 1;
		assert_true(i % 2 == 1 && hs[i] == h);
		assert_int_equal(h->mark, 0);
		h->mark = 1;
		seen++;
	}
	assert_int_equal(seen, N / 2);
	for (int i = 1; i < N; i += 2)
		hs[i]->mark = 0;
	/* put them back (tombstones reused or rehashed away) */
	for (int i = 0; i < N; i += 2)
		qr_assert_ok(qr_orm__idmap_put(&map, hs[i]));
	for (int i = 0; i < N; i++)
		assert_ptr_equal(qr_orm__idmap_get(&map, hs[i]->key), hs[i]);
	for (int i = 0; i < N; i++) {
		qr_orm__idmap_remove(&map, hs[i]);
		qr_object_free(qr_orm__obj(hs[i]));
	}
	assert_int_equal(map.count, 0);
	qr_orm__idmap_free(&map);
	free(hs);
}

/* The dirty pass over runs of objects of several mappers (images of 1,
 * 3 and 5+ words: each compared its own way) returns exactly the objects
 * changed since their snapshot, or whose snapshot must be verified, in
 * the map's order, and nothing once they are clean again. */
static void test_identity_map_scan(void **state)
{
	enum { N = 400 };
	qr_objhdr *hs[N];
	bool changed[N] = {false};
	qr_idmap map = {0};
	size_t pos = 0, at = 0;

	(void)state;
	for (int i = 0; i < N; i++) {
		int kind = (i / 7 + i / 50) % 3; /* runs of 1 to 7 */
		if (kind == 0) {
			Row *r = qr_new_transient(Row);
			r->id = i + 1;
			hs[i] = qr_orm__hdr(r);
		} else if (kind == 1) {
			Trio *t = qr_new_transient(Trio);
			t->id = i + 1;
			t->a = i;
			hs[i] = qr_orm__hdr(t);
		} else {
			Thing *t = qr_new_transient(Thing);
			t->id = i + 1;
			t->score = i;
			t->day = (qr_date){2024, 1, 2};
			qr_assert_ok(QR_SET_TEXT(t, code, "c"));
			hs[i] = qr_orm__hdr(t);
		}
		qr_assert_ok(qr_orm__key_of(&hs[i]->key, hs[i]));
		qr_assert_ok(qr_orm__idmap_put(&map, hs[i]));
		hs[i]->state = QR_STATE_PERSISTENT;
		qr_assert_ok(qr_orm__snapshot_take(hs[i]));
	}
	assert_null(qr_orm__idmap_scan(&map, &pos));
	/* change some: at the ends, at the turns of runs, in a row */
	for (int i = 0; i < N; i++) {
		if (!(i == 0 || i == N - 1 || i % 37 == 6 || i % 7 == 0 ||
		      (i >= 200 && i < 215)))
			continue;
		changed[i] = true;
		void *obj = qr_orm__obj(hs[i]);
		if (hs[i]->mapper == QR_MAPPER(Row))
			((Row *)obj)->id += 1000;
		else if (hs[i]->mapper == QR_MAPPER(Trio))
			((Trio *)obj)->b = -1;
		else
			((Thing *)obj)->small = 9;
	}
	changed[123] = true;
	hs[123]->snap_verify = true;
	pos = 0;
	for (qr_objhdr *h; (h = qr_orm__idmap_scan(&map, &pos)) != NULL;) {
		while (at < N && !changed[at])
			at++;
		assert_true(at < N);
		assert_ptr_equal(h, hs[at]);
		at++;
		/* clean again */
		h->snap_verify = false;
		qr_assert_ok(qr_orm__snapshot_take(h));
	}
	while (at < N)
		assert_false(changed[at++]);
	pos = 0;
	assert_null(qr_orm__idmap_scan(&map, &pos));
	for (int i = 0; i < N; i++) {
		qr_orm__idmap_remove(&map, hs[i]);
		qr_object_free(qr_orm__obj(hs[i]));
	}
	qr_orm__idmap_free(&map);
}

/* A key of Row (one integer column) for id. */
static qr_ikey *row_key(int64_t id)
{
	qr_value v = qr_val_int(id);
	qr_ikey *k = NULL;

	qr_assert_ok(qr_orm__key_from_values(&k, QR_MAPPER(Row), &v, 1));
	return k;
}

/* The slot a load asks for ahead of a row is the home slot of the key
 * QR_ORM_NEXT_KEYS after the row's, through the map's growth; none for
 * keys of other kinds, at the end of the range, with no slots. */
static void test_identity_map_next_slot(void **state)
{
	enum { N = 3000 };
	const int64_t starts[] = {1, -2 * N, INT64_MAX - 2 * N};
	const int64_t vals[] = {INT64_MIN, -2, -1, 1, 2, 1 << 20, INT64_MAX};
	qr_objhdr **hs = calloc(N, sizeof(*hs));
	qr_idmap map = {0};
	qr_ikey *k, *next;
	qr_value pk[3];

	(void)state;
	/* a load's key of one integer column, made without normalising,
	 * is the key made from the value */
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		alignas(qr_ikey) unsigned char buf[QR_ORM_INT_KEY_SIZE];
		k = row_key(vals[i]);
		qr_orm__key_int((qr_ikey *)buf, QR_MAPPER(Row), vals[i]);
		assert_true(qr_orm__key_equal(k, (qr_ikey *)buf));
		free(k);
	}
	k = row_key(1);
	assert_int_equal(qr_orm__idmap_next_slot(&map, k), SIZE_MAX);
	qr_orm__idmap_prefetch_next(&map, k); /* nothing to ask for */
	qr_orm__idmap_prefetch_next(&map, NULL);
	free(k);
	for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++) {
		for (int i = 0; i < N; i++) {
			Row *r = qr_new_transient(Row);
			hs[i] = qr_orm__hdr(r);
			r->id = starts[s] + i;
			qr_assert_ok(qr_orm__key_of(&hs[i]->key, hs[i]));
			k = hs[i]->key;
			next = row_key(r->id + QR_ORM_NEXT_KEYS);
			if (map.cap)
				assert_int_equal(
					qr_orm__idmap_next_slot(&map, k),
					(size_t)next->hash & (map.cap - 1));
			qr_orm__idmap_prefetch_next(&map, k);
			free(next);
			assert_null(qr_orm__idmap_get(&map, k));
			qr_assert_ok(qr_orm__idmap_put(&map, hs[i]));
		}
		for (int i = 0; i < N; i++) {
			assert_ptr_equal(qr_orm__idmap_get(&map, hs[i]->key),
					 hs[i]);
			qr_orm__idmap_remove(&map, hs[i]);
			qr_object_free(qr_orm__obj(hs[i]));
		}
	}
	/* the last values have no key after them */
	for (int64_t d = 0; d < QR_ORM_NEXT_KEYS; d++) {
		k = row_key(INT64_MAX - d);
		assert_int_equal(qr_orm__idmap_next_slot(&map, k), SIZE_MAX);
		free(k);
	}
	k = row_key(INT64_MAX - QR_ORM_NEXT_KEYS);
	assert_int_not_equal(qr_orm__idmap_next_slot(&map, k), SIZE_MAX);
	free(k);
	/* a key of three columns: no guess */
	pk[0] = qr_val_int(1);
	pk[1] = qr_val_text("x");
	pk[2] = qr_val_date(2024, 1, 2);
	qr_assert_ok(qr_orm__key_from_values(&k, QR_MAPPER(Thing), pk, 3));
	assert_int_equal(qr_orm__idmap_next_slot(&map, k), SIZE_MAX);
	free(k);
	qr_orm__idmap_free(&map);
	free(hs);
}

/* Chunks: zeroed blocks aligned as asked, handed out in order, a new chunk
 * when one is full, none for a block above the largest; a chunk goes
 * once retired and its blocks freed, in either order. */
static void test_object_chunks(void **state)
{
	enum { N = 20000, SIZE = 200 };
	unsigned char **blocks = calloc(N, sizeof(*blocks));
	qr_objchunk *cur = NULL;
	size_t chunks = 0;

	(void)state;
	assert_null(qr_orm__chunk_alloc(&cur, QR_ORM_CHUNK_BLOCK_MAX + 1, 8));
	assert_null(qr_orm__chunk_alloc(&cur, 64, 2 * QR_ORM_PASS_ALIGN));
	assert_null(cur);
	for (int i = 0; i < N; i++) {
		qr_objchunk *was = cur;
		size_t align = i % 3 ? 8 : 16;
		blocks[i] = qr_orm__chunk_alloc(&cur, SIZE - i % 7, align);
		if (!QR_ORM_HUGE_MAP) { /* no chunks here: malloc's */
			assert_null(blocks[i]);
			continue;
		}
		assert_non_null(blocks[i]);
		assert_int_equal((uintptr_t)blocks[i] % align, 0);
		for (int b = 0; b < SIZE - i % 7; b++)
			assert_int_equal(blocks[i][b], 0);
		memset(blocks[i], 0xa5, SIZE - i % 7);
		if (cur != was)
			chunks++;
		else if (i)
			assert_true(blocks[i] >= blocks[i - 1] + SIZE - 6);
	}
	if (QR_ORM_HUGE_MAP)
		assert_true(chunks >= 2); /* 4 MB in 2 MiB chunks */
	/* the first chunks' blocks freed before they are retired, the
	 * last one's after */
	for (int i = 0; i < N / 2; i++)
		if (blocks[i])
			qr_orm__chunk_free(blocks[i]);
	qr_orm__chunk_retire(&cur);
	assert_null(cur);
	qr_orm__chunk_retire(&cur);
	for (int i = N / 2; i < N; i++)
		if (blocks[i])
			qr_orm__chunk_free(blocks[i]);
	free(blocks);
}

/* Whether this is an AddressSanitizer build (objchunk.c then keeps freed
 * blocks poisoned and never rewinds a chunk). */
static bool under_asan(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return true;
#endif
#endif
	return false;
}

/* A chunk whose blocks were all freed starts again at its beginning when
 * its owner asks: its blocks handed out again are zeroed, below and past
 * what it gave before; with one block still held it goes on in order. */
static void test_chunk_rewind(void **state)
{
	enum { N = 100, SIZE = 200 };
	unsigned char *b[N], *first, *held;
	qr_objchunk *cur = NULL;

	(void)state;
	qr_orm__chunk_rewind(NULL);
	if (!QR_ORM_HUGE_MAP || under_asan())
		skip(); /* (no rewind under AddressSanitizer) */
	for (int i = 0; i < N; i++) {
		b[i] = qr_orm__chunk_alloc(&cur, SIZE, 16);
		assert_non_null(b[i]);
		memset(b[i], 0xa5, SIZE);
	}
	first = b[0];
	for (int i = 0; i < N; i++)
		qr_orm__chunk_free(b[i]);
	/* empty: the same bytes again, cleared; then more than before */
	qr_orm__chunk_rewind(cur);
	for (int i = 0; i < 2 * N; i++) {
		unsigned char *p = qr_orm__chunk_alloc(&cur, SIZE, 16);
		assert_non_null(p);
		if (i == 0)
			assert_ptr_equal(p, first);
		for (int k = 0; k < SIZE; k++)
			assert_int_equal(p[k], 0);
		memset(p, 0x5a, SIZE);
		if (i < N)
			b[i] = p;
		else
			qr_orm__chunk_free(p);
	}
	/* one block held: no rewind, the next block follows the last */
	held = b[N / 2];
	for (int i = 0; i < N; i++)
		if (i != N / 2)
			qr_orm__chunk_free(b[i]);
	qr_orm__chunk_rewind(cur);
	b[0] = qr_orm__chunk_alloc(&cur, SIZE, 16);
	assert_true(b[0] > held + SIZE * N);
	for (int k = 0; k < SIZE; k++)
		assert_int_equal(held[k], 0x5a);
	qr_orm__chunk_free(b[0]);
	qr_orm__chunk_free(held);
	/* rewound, then retired: unmapped */
	qr_orm__chunk_rewind(cur);
	qr_orm__chunk_retire(&cur);
	assert_null(cur);
}

/* The objects the program makes, in a chunk: each block starts a cache
 * line at its header's mapper (what the dirty pass reads), in order;
 * freed before or after the chunk is retired. */
static void test_new_objects_in_chunks(void **state)
{
	enum { N = 64 };
	qr_objhdr *h[N];
	qr_objchunk *cur = NULL;
	qr_mapper *m;

	(void)state;
	if (!QR_ORM_HUGE_MAP)
		skip();
	qr_assert_ok(qr_orm__mapper_for(&m, QR_MAPPING_OF(Thing), reg));
	for (int i = 0; i < N; i++) {
		h[i] = qr_orm__object_alloc(m, &cur);
		assert_non_null(h[i]);
		assert_int_equal(h[i]->magic, QR_ORM_MAGIC_CHUNKED);
		assert_int_equal(
			((uintptr_t)h[i] + offsetof(qr_objhdr, mapper)) %
				QR_ORM_PASS_ALIGN,
			0);
		assert_ptr_equal(h[i]->ext,
				 (char *)h[i] + m->alloc_size + h[i]->tail);
		assert_int_equal(h[i]->state, QR_STATE_TRANSIENT);
		if (i)
			assert_true((char *)h[i] >=
				    (char *)h[i - 1]->ext + sizeof(qr_objext));
	}
	for (int i = 0; i < N / 2; i++)
		qr_orm__object_release(h[i]);
	qr_orm__chunk_retire(&cur);
	for (int i = N / 2; i < N; i++)
		qr_orm__object_release(h[i]);
}

static void test_snapshots(void **state)
{
	Thing *t = qr_new_transient(Thing);
	qr_objhdr *h = qr_orm__hdr(t);
	qr_snapshot *copy;
	char own[8];
	qr_value v;

	(void)state;
	t->id = 1;
	qr_assert_ok(QR_SET_TEXT(t, code, "abc"));
	t->flag = true;
	qr_assert_ok(qr_orm__snapshot_take(h));
	assert_non_null(qr_orm__snap(h));
	/* a malloc'd string is copied into the snapshot's own memory */
	qr_orm__snapshot_value(qr_orm__snap(h), h->mapper, 1, &v);
	assert_string_equal(v.u.s.ptr, "abc");
	assert_ptr_not_equal(v.u.s.ptr, t->code);
	assert_false(qr_orm__object_modified(h));
	/* the image: equal bytes are one memcmp; any byte differs */
	assert_true(qr_orm__snapshot_same(h));
	t->flag = false;
	assert_false(qr_orm__snapshot_same(h));
	assert_true(qr_orm__object_modified(h));
	t->flag = true;
	assert_true(qr_orm__snapshot_same(h));
	/* a string replaced through quarry: compared member by member
	 * until found equal again */
	qr_assert_ok(QR_SET_TEXT(t, code, "abc"));
	assert_false(qr_orm__snapshot_same(h));
	assert_false(qr_orm__object_modified(h));
	qr_orm__snapshot_refresh(h);
	assert_true(qr_orm__snapshot_same(h));
	/* an in-place edit is seen once flagged */
	t->code[0] = 'x';
	assert_false(qr_orm__object_modified(h));
	qr_assert_ok(QR_FLAG_MODIFIED(t, code));
	assert_true(qr_orm__object_modified(h));
	t->code[0] = 'a';
	assert_false(qr_orm__object_modified(h));
	/* same content through another pointer: no change */
	strcpy(own, "abc");
	t->code = own;
	assert_false(qr_orm__object_modified(h));
	qr_assert_ok(qr_orm__adopt(h));
	assert_ptr_not_equal(t->code, own);
	strcpy(own, "zzz");
	assert_false(qr_orm__object_modified(h));
	/* a copied snapshot is independent of the original */
	copy = qr_orm__snapshot_copy(h);
	assert_non_null(copy);
	qr_orm__snapshot_restore(h, copy);
	qr_orm__snapshot_value(qr_orm__snap(h), h->mapper, 1, &v);
	assert_string_equal(v.u.s.ptr, "abc");
	t->flag = false;
	assert_true(qr_orm__field_changed(h, qr_orm__snap(h), 4));
	assert_false(qr_orm__field_changed(h, qr_orm__snap(h), 1));
	t->flag = true;
	t->score = 0.5;
	assert_true(qr_orm__object_modified(h));
	qr_object_free(t);
}

/* The snapshot of an object whose strings were loaded into its tail:
 * inside its block, sharing those strings (no copy), an edit in place
 * seen once flagged, and a journal copy that keeps the old content. */
static void test_snapshot_shares_tail(void **state)
{
	qr_mapper *m;
	qr_objhdr *h;
	Thing *t;
	qr_snapshot *copy;
	qr_value v = qr_val_text("abc"), vals[6];

	(void)state;
	qr_assert_ok(qr_orm__mapper_for(&m, QR_MAPPING_OF(Thing), reg));
	h = qr_orm__object_alloc_tail(m, 4, NULL); /* "abc" */
	assert_non_null(h);
	t = qr_orm__obj(h);
	qr_assert_ok(qr_orm__field_set(h, &m->fields[1], &v));
	assert_true(qr_orm__in_tail(h, t->code));
	qr_assert_ok(qr_orm__snapshot_take(h));
	/* in the block, nothing copied */
	assert_ptr_equal(qr_orm__snap(h), (char *)h + m->snap_off);
	qr_orm__snapshot_value(qr_orm__snap(h), m, 1, &v);
	assert_ptr_equal(v.u.s.ptr, t->code);
	assert_true(qr_orm__snapshot_same(h));
	/* an edit in place, not flagged: taken as unchanged, even when
	 * another member sends the object to the member-by-member check */
	t->code[0] = 'x';
	t->flag = !t->flag;
	assert_false(qr_orm__field_changed(h, qr_orm__snap(h), 1));
	t->flag = !t->flag;
	/* flagged: changed, even back to the old content (it is gone) */
	qr_assert_ok(QR_FLAG_MODIFIED(t, code));
	assert_true(qr_orm__object_modified(h));
	t->code[0] = 'a';
	assert_true(qr_orm__field_changed(h, qr_orm__snap(h), 1));
	qr_orm__snapshot_value(qr_orm__snap(h), m, 1, &v);
	assert_int_equal(v.kind, QR_VNULL);
	/* taken again: shared again, exact */
	qr_assert_ok(qr_orm__snapshot_take(h));
	assert_false(qr_orm__object_modified(h));
	/* a replacement is compared by content: the tail keeps the old */
	v = qr_val_text("abd");
	qr_assert_ok(qr_orm__field_set(h, &m->fields[1], &v));
	assert_false(qr_orm__in_tail(h, t->code));
	assert_true(qr_orm__field_changed(h, qr_orm__snap(h), 1));
	/* the journal's copy holds the content, not the tail's address */
	copy = qr_orm__snapshot_copy(h);
	assert_non_null(copy);
	qr_orm__snapshot_restore(h, copy);
	qr_orm__snapshot_value(qr_orm__snap(h), m, 1, &v);
	assert_string_equal(v.u.s.ptr, "abc");
	assert_false(qr_orm__in_tail(h, v.u.s.ptr));
	assert_true(qr_orm__field_changed(h, qr_orm__snap(h), 1));
	/* an object taken with the new value: a copy, in the snapshot's
	 * own memory */
	qr_assert_ok(qr_orm__snapshot_take(h));
	qr_orm__snapshot_value(qr_orm__snap(h), m, 1, &v);
	assert_string_equal(v.u.s.ptr, "abd");
	assert_ptr_not_equal(v.u.s.ptr, t->code);
	assert_false(qr_orm__object_modified(h));
	/* a journal copy of it, freed unused */
	copy = qr_orm__snapshot_copy(h);
	assert_non_null(copy);
	qr_orm__snapshot_free(m, copy);
	/* a snapshot made of its own values (an UPDATE's synchronization):
	 * the old copies outlive the making */
	for (size_t i = 0; i < m->nfields; i++)
		qr_orm__snapshot_value(qr_orm__snap(h), m, i, &vals[i]);
	qr_assert_ok(qr_orm__snapshot_make(h, vals));
	qr_orm__snapshot_value(qr_orm__snap(h), m, 1, &v);
	assert_string_equal(v.u.s.ptr, "abd");
	qr_orm__snapshot_drop(h);
	assert_null(qr_orm__snap(h));
	qr_orm__object_release(h);
}

/* The rarely used links (qr_objext): in the block of an object the
 * program makes, malloc'd for a loaded one when first needed; the pass
 * marks, cleared when their 32-bit counter wraps. */
static void test_header_ext_and_marks(void **state)
{
	qr_mapper *m;
	qr_objhdr *made, *loaded;
	qr_session s;

	(void)state;
	assert_int_equal(QR_ORM_HDR_SIZE % alignof(max_align_t), 0);
	qr_assert_ok(qr_orm__mapper_for(&m, QR_MAPPING_OF(Thing), reg));
	made = qr_orm__object_alloc(m, NULL);
	loaded = qr_orm__object_alloc_tail(m, 8, NULL);
	assert_non_null(made);
	assert_non_null(loaded);
	/* after its tail: the room of its key and of its strings */
	assert_int_equal(made->tail, m->key_room + m->text_room);
	assert_int_equal(made->tail_used, m->key_room);
	assert_ptr_equal(made->ext, (char *)made + m->alloc_size + made->tail);
	assert_null(made->ext->jl);
	assert_null(loaded->ext);
	assert_null(qr_orm__jl(loaded));
	assert_int_equal(loaded->midx, QR_ORM_NO_MIDX);
	qr_assert_ok(qr_orm__ext_need(loaded));
	assert_non_null(loaded->ext);
	assert_null(loaded->ext->lnext);
	qr_assert_ok(qr_orm__ext_need(made)); /* kept */
	/* after its tail: the room of its key and of its strings */
	assert_int_equal(made->tail, m->key_room + m->text_room);
	assert_int_equal(made->tail_used, m->key_room);
	assert_ptr_equal(made->ext, (char *)made + m->alloc_size + made->tail);

	memset(&s, 0, sizeof(s));
	s.objects = made;
	made->next = loaded;
	s.next_mark = UINT32_MAX - 1;
	made->mark = loaded->mark = qr_orm__next_mark(&s);
	assert_int_equal(made->mark, UINT32_MAX);
	/* wrapped: no object may look seen by the new pass */
	assert_int_equal(qr_orm__next_mark(&s), 1);
	assert_int_equal(made->mark, 0);
	assert_int_equal(loaded->mark, 0);
	made->next = NULL;
	qr_orm__object_release(made);
	qr_orm__object_release(loaded);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctype_of),
		cmocka_unit_test(test_objects_you_own),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_identity_map),
		cmocka_unit_test(test_identity_map_next_slot),
		cmocka_unit_test(test_identity_map_scan),
		cmocka_unit_test(test_object_chunks),
		cmocka_unit_test(test_chunk_rewind),
		cmocka_unit_test(test_new_objects_in_chunks),
		cmocka_unit_test(test_snapshots),
		cmocka_unit_test(test_snapshot_shares_tail),
		cmocka_unit_test(test_header_ext_and_marks),
	};
	(void)argc;
	(void)argv;
	return _cmocka_run_group_tests("orm_objects", tests,
				       sizeof(tests) / sizeof(tests[0]), setup,
				       teardown);
}
