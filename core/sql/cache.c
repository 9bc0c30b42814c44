/*
 * cache.c - the compiled cache: compiled forms keyed by statement
 * structure (bound values excluded) and dialect, in a bounded LRU shared
 * by the process (a mutex guards it), as SQLAlchemy 1.4+ caches.
 *
 * The key is a serialisation of the tree: kinds, operators, names, types
 * and children; schema objects by identity (a serial number per table);
 * a node met again by back-reference (so sharing shows); bind values
 * left out. The same walk lists the statement's bind nodes in order, and
 * each compiled slot remembers the index of its bind, so a cached form
 * is re-instantiated with the values of the statement at hand.
 */
#include "compiler.h"

#include "../mem.h"
#include "../schema/schema_internal.h"

#include <quarry/compiler.h>
#include <quarry/sys/error.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- keys --------------------------------------------------------------- */

/* The key being written: in the keyer's own space until it outgrows it
 * (a usual statement's key fits), then on the heap. */
typedef struct keybuf {
	char *s;
	size_t len, cap;
	int error; /* 0 or QR_ENOMEM */
	char small[512];
} keybuf;

typedef struct keyer {
	keybuf b;
	const qr_node **seen; /* every non-pinned node met, in order */
	size_t nseen, seencap;
	const qr_node *seen_small[32]; /* seen, until it outgrows it */
	/* Past SEEN_LINEAR nodes, a hash index over seen (open addressing:
	 * position + 1, 0 for empty), so a large statement (a multi-row
	 * VALUES) is keyed in linear time. */
	size_t *index;
	size_t indexcap; /* a power of two, or 0 */
	const qr_node **binds;
	size_t nbinds, bindcap;
	const qr_node *binds_small[16]; /* binds, until it outgrows it */
	bool cacheable;
} keyer;

static void kb_init(keybuf *b)
{
	b->s = b->small;
	b->len = 0;
	b->cap = sizeof(b->small);
	b->error = 0;
}

static void kb_free(keybuf *b)
{
	if (b->s != b->small)
		free(b->s);
}

static bool kb_grow(keybuf *b, size_t n)
{
	if (b->error)
		return false;
	size_t cap = b->cap * 2;
	while (cap - b->len < n)
		cap *= 2;
	char *s = b->s == b->small ? malloc(cap) : realloc(b->s, cap);
	if (!s) {
		b->error = QR_ENOMEM;
		return false;
	}
	if (b->s == b->small)
		memcpy(s, b->small, b->len);
	b->s = s;
	b->cap = cap;
	return true;
}

static inline void kb_put(keybuf *b, const void *p, size_t n)
{
	if (b->cap - b->len < n && !kb_grow(b, n))
		return;
	memcpy(b->s + b->len, p, n);
	b->len += n;
}

static void put_u64(keyer *k, uint64_t v)
{
	kb_put(&k->b, &v, sizeof(v));
}

static void put_c(keyer *k, char c)
{
	kb_put(&k->b, &c, 1);
}

static void put_u32(keyer *k, uint32_t v)
{
	kb_put(&k->b, &v, sizeof(v));
}

static void put_str(keyer *k, const char *s)
{
	if (!s) {
		put_u32(k, UINT32_MAX);
		return;
	}
	size_t n = strlen(s);
	put_u32(k, (uint32_t)n);
	kb_put(&k->b, s, n);
}

static void put_type(keyer *k, const qr_type *t)
{
	/* Most nodes carry a type of nothing but a kind. */
	if (!t->length && !t->precision && !t->scale && !t->timezone &&
	    !t->decorator && !t->name && !t->labels) {
		put_c(k, 't');
		put_u32(k, (uint32_t)t->kind);
		return;
	}
	put_c(k, 'y');
	put_u64(k, (uint64_t)t->kind);
	put_u64(k, (uint64_t)(int64_t)t->length);
	put_u64(k, (uint64_t)(int64_t)t->precision);
	put_u64(k, (uint64_t)(int64_t)t->scale);
	put_u64(k, t->timezone);
	put_u64(k, (uint64_t)(uintptr_t)t->decorator);
	put_str(k, t->name);
	for (size_t i = 0; t->labels && t->labels[i]; i++)
		put_str(k, t->labels[i]);
	put_u64(k, UINT64_MAX - 1);
}

/* Makes room for one more node in an array that starts as small (a
 * keyer's inline array of 16 or 32) and moves to the heap when full. */
static bool arr_room(const qr_node ***a, size_t *cap, size_t n,
		     const qr_node **small)
{
	if (n < *cap)
		return true;
	size_t nc = *cap * 2;
	const qr_node **p = *a == small ? malloc(nc * sizeof(*p))
					: realloc((void *)*a, nc * sizeof(*p));
	if (!p)
		return false;
	if (*a == small)
		memcpy((void *)p, small, n * sizeof(*p));
	*a = p;
	*cap = nc;
	return true;
}

#define SEEN_LINEAR 32

static size_t hash_ptr(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static size_t seen_index(const keyer *k, const qr_node *n)
{
	if (!k->indexcap) {
		for (size_t i = 0; i < k->nseen; i++) {
			if (k->seen[i] == n)
				return i;
		}
		return SIZE_MAX;
	}
	size_t mask = k->indexcap - 1;
	for (size_t h = hash_ptr(n) & mask;; h = (h + 1) & mask) {
		size_t at = k->index[h];
		if (!at)
			return SIZE_MAX;
		if (k->seen[at - 1] == n)
			return at - 1;
	}
}

static void index_put(keyer *k, size_t pos)
{
	size_t mask = k->indexcap - 1;
	size_t h = hash_ptr(k->seen[pos]) & mask;
	while (k->index[h])
		h = (h + 1) & mask;
	k->index[h] = pos + 1;
}

/* Indexes seen[pos], just appended; false when out of memory. */
static bool index_add(keyer *k, size_t pos)
{
	if (k->nseen <= SEEN_LINEAR)
		return true;
	if (k->nseen * 2 > k->indexcap) {
		size_t cap = k->indexcap ? k->indexcap * 2 : 4 * SEEN_LINEAR;
		while (cap < k->nseen * 2)
			cap *= 2;
		size_t *index = calloc(cap, sizeof(*index));
		if (!index)
			return false;
		free(k->index);
		k->index = index;
		k->indexcap = cap;
		for (size_t i = 0; i < k->nseen; i++)
			index_put(k, i);
		return true;
	}
	index_put(k, pos);
	return true;
}

static void key_node(keyer *k, const qr_node *n)
{
	if (!n) {
		put_c(k, 'N');
		return;
	}
	if (n->kind == QR_NODE_TABLE) {
		put_c(k, 'T');
		put_u64(k, qr_table__def(n)->serial);
		return;
	}
	if (n->kind == QR_NODE_COLUMN && n->pinned) {
		const qr_column_def *d = n->ext;
		put_c(k, 'C');
		put_u64(k, qr_table__def(d->table)->serial);
		put_u64(k, d->index);
		put_u64(k, (uint64_t)n->type.kind);
		return;
	}
	if (n->kind == QR_NODE_DDL || n->kind == QR_NODE_CONSTRAINT ||
	    n->kind == QR_NODE_INDEX) {
		k->cacheable = false;
		return;
	}
	size_t at = seen_index(k, n);
	if (at != SIZE_MAX) {
		put_c(k, 'R');
		put_u64(k, at);
		return;
	}
	if (!arr_room(&k->seen, &k->seencap, k->nseen, k->seen_small)) {
		k->cacheable = false;
		return;
	}
	k->seen[k->nseen++] = n;
	if (!index_add(k, k->nseen - 1)) {
		k->cacheable = false;
		return;
	}
	put_c(k, 'K');
	put_u32(k, (uint32_t)n->kind);
	if (n->kind == QR_NODE_TEXT) {
		put_str(k, n->u.text.sql);
		return;
	}
	if (n->kind == QR_NODE_BIND) {
		if (!arr_room(&k->binds, &k->bindcap, k->nbinds,
			      k->binds_small)) {
			k->cacheable = false;
			return;
		}
		k->binds[k->nbinds++] = n;
	} else {
		put_u64(k, (uint64_t)n->ival);
	}
	put_u32(k, (uint32_t)n->op);
	put_u32(k, n->flags);
	put_str(k, n->name);
	put_str(k, n->str);
	put_type(k, &n->type);
	put_u32(k, (uint32_t)n->nkids);
	for (size_t i = 0; i < n->nkids; i++)
		key_node(k, n->kids[i]);
}

static void keyer_free(keyer *k)
{
	if (k->seen != k->seen_small)
		free((void *)k->seen);
	if (k->binds != k->binds_small)
		free((void *)k->binds);
	free(k->index);
	kb_free(&k->b);
}

/* ---- the LRU --------------------------------------------------------------
 */

typedef struct entry {
	uint64_t hash;
	const qr_dialect *dialect;
	char *key;
	size_t keylen;
	qr_compiled *compiled;
	struct entry *prev, *next; /* LRU: head is most recent */
	struct entry *chain;       /* hash bucket */
} entry;

#define NBUCKETS 1024

static struct {
	pthread_mutex_t lock;
	entry *buckets[NBUCKETS];
	entry *head, *tail;
	size_t size, capacity;
	uint64_t hits, misses;
} cache = {PTHREAD_MUTEX_INITIALIZER, {0}, NULL, NULL, 0, 500, 0, 0};

/* A 64-bit hash of the key, eight bytes at a time. */
static uint64_t key_hash(const char *p, size_t n, const void *salt)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)(uintptr_t)salt ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	uint64_t w = 0;
	memcpy(&w, p + i, n - i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

static void lru_unlink(entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		cache.head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		cache.tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push_front(entry *e)
{
	e->prev = NULL;
	e->next = cache.head;
	if (cache.head)
		cache.head->prev = e;
	cache.head = e;
	if (!cache.tail)
		cache.tail = e;
}

static void bucket_remove(entry *e)
{
	entry **pp = &cache.buckets[e->hash % NBUCKETS];
	while (*pp && *pp != e)
		pp = &(*pp)->chain;
	if (*pp)
		*pp = e->chain;
}

static void evict(entry *e)
{
	lru_unlink(e);
	bucket_remove(e);
	qr_compiled_free(e->compiled);
	free(e->key);
	free(e);
	cache.size--;
}

static void shrink_to(size_t n)
{
	while (cache.size > n && cache.tail)
		evict(cache.tail);
}

void qr_compile_cache_stats_get(qr_compile_cache_stats *out)
{
	if (!out)
		return;
	pthread_mutex_lock(&cache.lock);
	out->hits = cache.hits;
	out->misses = cache.misses;
	out->size = cache.size;
	out->capacity = cache.capacity;
	pthread_mutex_unlock(&cache.lock);
}

void qr_compile_cache_set_capacity(size_t n)
{
	pthread_mutex_lock(&cache.lock);
	cache.capacity = n;
	shrink_to(n);
	pthread_mutex_unlock(&cache.lock);
}

void qr_compile_cache_clear(void)
{
	pthread_mutex_lock(&cache.lock);
	shrink_to(0);
	cache.hits = cache.misses = 0;
	pthread_mutex_unlock(&cache.lock);
}

/* ---- instantiation ---------------------------------------------------------
 */

/* A new compiled form of the template's statement with the values of the
 * statement whose binds are given: one allocation (the form and its
 * slots); the SQL, types, positions and names stay the template's. */
static qr_compiled *instantiate(qr_compiled *t, const qr_node *const *binds,
				size_t nbinds)
{
	size_t n = t->nslots;
	qr_compiled *c = malloc(sizeof(*c) + n * sizeof(qr_bindslot));
	if (!c)
		return NULL;
	*c = *t;
	atomic_init(&c->refcount, 1);
	c->slots = (qr_bindslot *)(c + 1);
	c->tmpl = qr_compiled__ref(t->tmpl ? t->tmpl : t);
	for (size_t i = 0; i < n; i++) {
		const qr_bindslot *ts = &t->slots[i];
		qr_bindslot *s = &c->slots[i];
		*s = *ts;
		s->has_value = false;
		const qr_value *v = NULL;
		if (ts->bind_index != SIZE_MAX && ts->bind_index < nbinds) {
			const qr_node *b = binds[ts->bind_index];
			if (b->flags & QR_NF_BIND_VALUE)
				v = &b->value;
		} else if (ts->has_value) {
			v = &ts->value;
		}
		char *storage;
		if (v && qr_value__copy(&s->value, v, &storage)) {
			c->nslots = i; /* values copied so far are freed */
			qr_compiled_free(c);
			return NULL;
		}
		s->has_value = v != NULL;
	}
	return c;
}

/* ---- compile through the cache ------------------------------------------- */

int qr_sql__compile(qr_compiled **out, const qr_node *node, const qr_dialect *d,
		    const qr_sql_compile_opts *opts)
{
	keyer k = {.cacheable = true};
	kb_init(&k.b);
	k.seen = k.seen_small;
	k.seencap = sizeof(k.seen_small) / sizeof(k.seen_small[0]);
	k.binds = k.binds_small;
	k.bindcap = sizeof(k.binds_small) / sizeof(k.binds_small[0]);
	size_t capacity;

	*out = NULL;
	pthread_mutex_lock(&cache.lock);
	capacity = cache.capacity;
	pthread_mutex_unlock(&cache.lock);
	if (capacity == 0 || node->kind == QR_NODE_DDL)
		return qr_sqlc__compile(out, node, d, opts, NULL, 0);

	key_node(&k, node);
	if (opts) {
		put_u64(&k, opts->exec ? 1 : 0);
		for (size_t i = 0; i < opts->nkeys; i++)
			put_str(&k, opts->column_keys[i]);
	}
	if (!k.cacheable || k.b.error) {
		keyer_free(&k);
		return qr_sqlc__compile(out, node, d, opts, NULL, 0);
	}
	uint64_t h = key_hash(k.b.s, k.b.len, d);
	qr_compiled *hit = NULL;

	pthread_mutex_lock(&cache.lock);
	for (entry *e = cache.buckets[h % NBUCKETS]; e; e = e->chain) {
		if (e->hash == h && e->dialect == d && e->keylen == k.b.len &&
		    memcmp(e->key, k.b.s, k.b.len) == 0) {
			hit = qr_compiled__ref(e->compiled);
			lru_unlink(e);
			lru_push_front(e);
			cache.hits++;
			break;
		}
	}
	if (!hit)
		cache.misses++;
	pthread_mutex_unlock(&cache.lock);

	int rc = 0;
	if (hit) {
		*out = instantiate(hit, k.binds, k.nbinds);
		qr_compiled_free(hit);
		if (!*out)
			rc = qr_error_oom("compiled statement");
	} else {
		rc = qr_sqlc__compile(out, node, d, opts, k.binds, k.nbinds);
		entry *e = rc ? NULL : calloc(1, sizeof(*e));
		if (e) {
			e->hash = h;
			e->dialect = d;
			e->keylen = k.b.len;
			e->key = malloc(k.b.len ? k.b.len : 1);
			if (e->key)
				memcpy(e->key, k.b.s, k.b.len);
			e->compiled = qr_compiled__ref(*out);
			if (!e->key) {
				qr_compiled_free(e->compiled);
				free(e);
				e = NULL;
			}
		}
		if (e) {
			pthread_mutex_lock(&cache.lock);
			bool present = false;
			for (entry *x = cache.buckets[h % NBUCKETS]; x;
			     x = x->chain) {
				if (x->hash == h && x->dialect == d &&
				    x->keylen == e->keylen &&
				    memcmp(x->key, e->key, e->keylen) == 0)
					present = true;
			}
			if (!present && cache.capacity) {
				e->chain = cache.buckets[h % NBUCKETS];
				cache.buckets[h % NBUCKETS] = e;
				lru_push_front(e);
				cache.size++;
				shrink_to(cache.capacity);
				e = NULL;
			}
			pthread_mutex_unlock(&cache.lock);
			if (e) {
				qr_compiled_free(e->compiled);
				free(e->key);
				free(e);
			}
		}
	}
	keyer_free(&k);
	return rc;
}
