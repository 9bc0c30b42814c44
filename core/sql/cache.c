/*
 * cache.c - the compiled cache: compiled forms keyed by statement
 * structure (bound values excluded) and dialect, in a bounded LRU shared
 * by the process (a mutex guards it), as SQLAlchemy 1.4+ caches.
 *
 * A lookup compares the statement's tree with the key of the most recent
 * entry (a program runs one statement shape after another); failing
 * that, it writes the statement's key and finds the entry of the key's
 * hash with an equal key. Either way the match is exact (the key holds
 * everything that changes the SQL), so two statements that compile
 * differently never share an entry, and nothing is kept on the nodes
 * (a node changed in place by its sole owner has nothing to forget).
 * The walk that compares or writes lists the statement's bind nodes in
 * order, and each compiled slot remembers the index of its bind, so a
 * cached form is re-instantiated with the values of the statement at
 * hand.
 */
#include "compiler.h"
#include "typeconv.h"

#include "../mem.h"
#include "../schema/schema_internal.h"

#include <quarry/compiler.h>
#include <quarry/sys/error.h>

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static bool never_cached(const qr_node *n)
{
	return n->kind == QR_NODE_DDL || n->kind == QR_NODE_CONSTRAINT ||
	       n->kind == QR_NODE_INDEX;
}

/* ---- keys -----------------------------------------------------------------
 *
 * The key is a serialisation of the tree in 64-bit words: per node its
 * kind, operator, flags, integer, strings and type, then its children;
 * schema objects by serial number; a node met again by back-reference to
 * its visit number (so sharing shows); bind values left out. The same
 * walk writes a key or compares the tree with an entry's key word by
 * word (below), and lists the statement's bind nodes in order either
 * way.
 *
 * A node only one reference holds appears once in the tree (each
 * appearance is a reference), so only nodes held more than once (and
 * pinned ones) are remembered for back-references.
 */

enum {
	KEY_NULL = 1,
	KEY_TABLE,
	KEY_COLUMN,
	KEY_REF,
	KEY_NODE,
	KEY_TYPE,
	KEY_FULLTYPE,
	KEY_OPTS
};
#define KEY_TAG(t) ((uint64_t)(t) << 56)

typedef struct seen_node {
	const qr_node *node;
	uint64_t visit; /* its visit number */
} seen_node;

typedef struct keyer {
	/* Writing: the key, in words (in the keyer's own space until it
	 * outgrows it). Verifying: the entry's key, and len the position. */
	uint64_t *w;
	size_t len, cap;
	const uint64_t *expect;
	size_t nexpect;
	bool verify;
	bool stop;      /* a mismatch (verifying) or a failure (writing) */
	bool cacheable; /* false: out of memory, or a node never cached */
	uint64_t nvisit;
	seen_node *seen; /* nodes held more than once, first met in order */
	size_t nseen, seencap;
	/* Past SEEN_LINEAR nodes, a hash index over seen (open addressing:
	 * position + 1, 0 for empty), so a large statement (a multi-row
	 * VALUES) is keyed in linear time. */
	size_t *index;
	size_t indexcap; /* a power of two, or 0 */
	const qr_node **binds;
	size_t nbinds, bindcap;
	seen_node seen_small[16];
	const qr_node *binds_small[16];
	uint64_t small[96];
} keyer;

static void keyer_init(keyer *k)
{
	k->w = k->small;
	k->len = 0;
	k->cap = sizeof(k->small) / sizeof(k->small[0]);
	k->expect = NULL;
	k->nexpect = 0;
	k->verify = false;
	k->stop = false;
	k->cacheable = true;
	k->nvisit = 0;
	k->seen = k->seen_small;
	k->nseen = 0;
	k->seencap = sizeof(k->seen_small) / sizeof(k->seen_small[0]);
	k->index = NULL;
	k->indexcap = 0;
	k->binds = k->binds_small;
	k->nbinds = 0;
	k->bindcap = sizeof(k->binds_small) / sizeof(k->binds_small[0]);
}

/* Starts a walk over: writing (expect NULL) or comparing with expect. */
static void keyer_restart(keyer *k, const uint64_t *expect, size_t n)
{
	k->len = 0;
	k->expect = expect;
	k->nexpect = n;
	k->verify = expect != NULL;
	k->stop = false;
	k->nvisit = 0;
	k->nseen = 0;
	k->nbinds = 0;
	if (k->index) {
		free(k->index);
		k->index = NULL;
		k->indexcap = 0;
	}
}

static void keyer_free(keyer *k)
{
	if (k->w != k->small)
		free(k->w);
	if (k->seen != k->seen_small)
		free(k->seen);
	if (k->binds != k->binds_small)
		free((void *)k->binds);
	free(k->index);
}

static void key_fail(keyer *k)
{
	k->cacheable = false;
	k->stop = true;
}

/* Room for n more words (writing). */
static bool key_room(keyer *k, size_t n)
{
	if (k->cap - k->len >= n)
		return true;
	size_t cap = k->cap * 2;
	while (cap - k->len < n)
		cap *= 2;
	uint64_t *w = k->w == k->small ? malloc(cap * sizeof(*w))
				       : realloc(k->w, cap * sizeof(*w));
	if (!w) {
		key_fail(k);
		return false;
	}
	if (k->w == k->small)
		memcpy(w, k->small, k->len * sizeof(*w));
	k->w = w;
	k->cap = cap;
	return true;
}

static inline void emit(keyer *k, uint64_t v)
{
	if (k->verify) {
		if (k->len >= k->nexpect || k->expect[k->len] != v)
			k->stop = true;
		k->len++;
		return;
	}
	if (k->len == k->cap && !key_room(k, 1))
		return;
	k->w[k->len++] = v;
}

static void emit_str(keyer *k, const char *s)
{
	if (!s) {
		emit(k, 0);
		return;
	}
	size_t n = strlen(s);
	size_t words = (n + 7) / 8;
	emit(k, n + 1);
	if (k->stop)
		return;
	if (k->verify) {
		if (k->nexpect - k->len < words ||
		    memcmp(k->expect + k->len, s, n) != 0)
			k->stop = true;
		k->len += words;
		return;
	}
	if (!key_room(k, words))
		return;
	if (words)
		k->w[k->len + words - 1] = 0;
	memcpy(k->w + k->len, s, n);
	k->len += words;
}

/* A type that is more than a kind (a node's tkey is
 * QR_NODE_TKEY_FULL). */
static void emit_type(keyer *k, const qr_type *t)
{
	emit(k, KEY_TAG(KEY_FULLTYPE) | (uint32_t)t->kind);
	emit(k, (uint64_t)(int64_t)t->length);
	emit(k, (uint64_t)(int64_t)t->precision);
	emit(k, (uint64_t)(int64_t)t->scale);
	emit(k, (uint64_t)t->timezone);
	emit(k, (uint64_t)(uintptr_t)t->decorator);
	emit_str(k, t->name);
	for (size_t i = 0; t->labels && t->labels[i]; i++)
		emit_str(k, t->labels[i]);
	emit(k, KEY_TAG(KEY_FULLTYPE));
}

/* Makes room for one more item in an array that starts as small (a
 * keyer's inline array) and moves to the heap when full. */
static bool arr_room(void **a, size_t *cap, size_t n, size_t size, void *small)
{
	if (n < *cap)
		return true;
	size_t nc = *cap * 2;
	void *p = *a == small ? malloc(nc * size) : realloc(*a, nc * size);
	if (!p)
		return false;
	if (*a == small)
		memcpy(p, small, n * size);
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
			if (k->seen[i].node == n)
				return i;
		}
		return SIZE_MAX;
	}
	size_t mask = k->indexcap - 1;
	for (size_t h = hash_ptr(n) & mask;; h = (h + 1) & mask) {
		size_t at = k->index[h];
		if (!at)
			return SIZE_MAX;
		if (k->seen[at - 1].node == n)
			return at - 1;
	}
}

static void index_put(keyer *k, size_t pos)
{
	size_t mask = k->indexcap - 1;
	size_t h = hash_ptr(k->seen[pos].node) & mask;
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

/* For a node held more than once (or pinned): true when it was met
 * before (*visit its visit number), else remembers it. Out of memory:
 * key_fail, and true. */
static bool seen_before(keyer *k, const qr_node *n, uint64_t *visit)
{
	size_t at = seen_index(k, n);
	if (at != SIZE_MAX) {
		*visit = k->seen[at].visit;
		return true;
	}
	if (!arr_room((void **)&k->seen, &k->seencap, k->nseen,
		      sizeof(*k->seen), k->seen_small)) {
		key_fail(k);
		return true;
	}
	k->seen[k->nseen].node = n;
	k->seen[k->nseen].visit = k->nvisit;
	k->nseen++;
	if (!index_add(k, k->nseen - 1))
		key_fail(k);
	return false;
}

/* A node only one reference holds appears once in the tree. */
static inline bool maybe_shared(const qr_node *n)
{
	return n->pinned ||
	       atomic_load_explicit(&n->refcount, memory_order_relaxed) != 1;
}

/* True when n was met before (its back-reference is written); else
 * remembers it when more than one reference holds it. */
static bool key_shared(keyer *k, const qr_node *n)
{
	uint64_t visit;
	if (!maybe_shared(n) || !seen_before(k, n, &visit))
		return false;
	if (!k->stop)
		emit(k, KEY_TAG(KEY_REF) | visit);
	return true;
}

/* Writes n words. */
static inline void emit_words(keyer *k, const uint64_t *w, size_t n)
{
	if (!key_room(k, n))
		return;
	memcpy(k->w + k->len, w, n * sizeof(*w));
	k->len += n;
}

/* A node's type word: its kind, or UINT64_MAX when the whole type
 * follows. */
static inline uint64_t type_word(const qr_node *n)
{
	assert(n->tkey == (qr_type__is_plain(&n->type) ? (uint32_t)n->type.kind
						       : QR_NODE_TKEY_FULL));
	return n->tkey == QR_NODE_TKEY_FULL ? UINT64_MAX : n->tkey;
}

static void key_write(keyer *k, const qr_node *n);

/* Keys a child: NULL, a table or a column without a call. */
static inline void key_kid(keyer *k, const qr_node *n)
{
	if (!n) {
		uint64_t w = KEY_TAG(KEY_NULL);
		emit_words(k, &w, 1);
	} else if (n->kind == QR_NODE_TABLE) {
		uint64_t w[2] = {KEY_TAG(KEY_TABLE), qr_table__def(n)->serial};
		emit_words(k, w, 2);
	} else if (n->kind == QR_NODE_COLUMN && n->pinned) {
		const qr_column_def *d = n->ext;
		uint64_t w[3] = {KEY_TAG(KEY_COLUMN) | (uint32_t)n->type.kind,
				 qr_table__def(d->table)->serial, d->index};
		emit_words(k, w, 3);
	} else {
		key_write(k, n);
	}
}

/* The words a generic node's key starts with. */
static inline void node_words(uint64_t w[5], const qr_node *n)
{
	w[0] = KEY_TAG(KEY_NODE) | (uint32_t)n->kind | (n->name ? 1u << 8 : 0) |
	       (n->str ? 1u << 9 : 0);
	w[1] = (uint64_t)(uint32_t)n->op | (uint64_t)n->flags << 32;
	w[2] = n->kind == QR_NODE_BIND ? 0 : (uint64_t)n->ival;
	w[3] = n->nkids;
	w[4] = type_word(n);
}

static inline bool add_bind(keyer *k, const qr_node *n)
{
	if (!arr_room((void **)&k->binds, &k->bindcap, k->nbinds,
		      sizeof(*k->binds), (void *)k->binds_small)) {
		key_fail(k);
		return false;
	}
	k->binds[k->nbinds++] = n;
	return true;
}

/* Writes n's key. */
static void key_write(keyer *k, const qr_node *n)
{
	if (never_cached(n)) {
		key_fail(k);
		return;
	}
	if (key_shared(k, n))
		return;
	k->nvisit++;
	if (n->kind == QR_NODE_TEXT) {
		uint64_t w = KEY_TAG(KEY_NODE) | (uint32_t)n->kind;
		emit_words(k, &w, 1);
		emit_str(k, n->u.text.sql);
		return;
	}
	if (n->kind == QR_NODE_BIND && !add_bind(k, n))
		return;
	uint64_t w[5];
	node_words(w, n);
	emit_words(k, w, 5);
	if (n->name && !k->stop)
		emit_str(k, n->name);
	if (n->str && !k->stop)
		emit_str(k, n->str);
	if (w[4] == UINT64_MAX && !k->stop)
		emit_type(k, &n->type);
	for (size_t i = 0; i < n->nkids && !k->stop; i++)
		key_kid(k, n->kids[i]);
}

/* ---- matching ---------------------------------------------------------------
 *
 * The same walk compares the tree with an entry's key in place: the
 * words key_write would write, compared as they are made, the walk
 * stopping at the first difference. Each step takes the position in the
 * key and returns the position after the node, or NULL at a difference.
 * A node whose kind is never cached needs no check here: no key holds
 * one.
 */

/* Compares a string (not NULL) as emit_str writes it. */
static inline const uint64_t *match_str(const uint64_t *e, const uint64_t *end,
					const char *s)
{
	size_t n = strlen(s);
	size_t words = (n + 7) / 8;
	if ((size_t)(end - e) < words + 1 || e[0] != n + 1 ||
	    memcmp(e + 1, s, n) != 0)
		return NULL;
	return e + 1 + words;
}

/* Compares a whole type (emit_type's words). */
static const uint64_t *match_type(keyer *k, const uint64_t *e, const qr_type *t)
{
	k->len = (size_t)(e - k->expect);
	emit_type(k, t);
	return k->stop ? NULL : k->expect + k->len;
}

static const uint64_t *match_node(keyer *k, const uint64_t *e,
				  const uint64_t *end, const qr_node *n);

/* Compares a child: NULL, a table or a column without a call. end: the
 * end of the entry's key. */
static inline const uint64_t *match_kid(keyer *k, const uint64_t *e,
					const uint64_t *end, const qr_node *n)
{
	if (!n)
		return e < end && *e == KEY_TAG(KEY_NULL) ? e + 1 : NULL;
	if (n->kind == QR_NODE_TABLE) {
		return end - e >= 2 && e[0] == KEY_TAG(KEY_TABLE) &&
				       e[1] == qr_table__def(n)->serial
			       ? e + 2
			       : NULL;
	}
	if (n->kind == QR_NODE_COLUMN && n->pinned) {
		const qr_column_def *d = n->ext;
		return end - e >= 3 &&
				       e[0] == (KEY_TAG(KEY_COLUMN) |
						(uint32_t)n->type.kind) &&
				       e[1] == qr_table__def(d->table)
						       ->serial &&
				       e[2] == d->index
			       ? e + 3
			       : NULL;
	}
	return match_node(k, e, end, n);
}

static const uint64_t *match_node(keyer *k, const uint64_t *e,
				  const uint64_t *end, const qr_node *n)
{
	uint64_t visit;
	/* The node's next 128 bytes (its children when they fit in it, a
	 * bind's value: they may straddle two lines) while its first
	 * line arrives. */
	__builtin_prefetch((const char *)n + 64);
	__builtin_prefetch((const char *)n + 128);
	if (maybe_shared(n) && seen_before(k, n, &visit)) {
		if (k->stop || e == end || *e != (KEY_TAG(KEY_REF) | visit))
			return NULL;
		return e + 1;
	}
	if (k->stop)
		return NULL;
	k->nvisit++;
	if (n->kind == QR_NODE_TEXT) {
		if (e == end || *e != (KEY_TAG(KEY_NODE) | (uint32_t)n->kind))
			return NULL;
		return match_str(e + 1, end, n->u.text.sql);
	}
	if (end - e < 5)
		return NULL;
	uint64_t w[5];
	node_words(w, n);
	if ((e[0] ^ w[0]) | (e[1] ^ w[1]) | (e[2] ^ w[2]) | (e[3] ^ w[3]) |
	    (e[4] ^ w[4]))
		return NULL;
	e += 5;
	if (n->kind == QR_NODE_BIND && !add_bind(k, n))
		return NULL;
	if (n->name && !(e = match_str(e, end, n->name)))
		return NULL;
	if (n->str && !(e = match_str(e, end, n->str)))
		return NULL;
	if (w[4] == UINT64_MAX && !(e = match_type(k, e, &n->type)))
		return NULL;
	qr_node *const *kids = n->kids;
	size_t nk = n->nkids;
	for (size_t i = 0; i < nk && e; i++) {
		/* The next child's first line while this one's subtree is
		 * compared. */
		if (i + 1 < nk)
			__builtin_prefetch(kids[i + 1]);
		e = match_kid(k, e, end, kids[i]);
	}
	return e;
}

/* Keys the statement and its compile options (a walk over the tree). */
static void key_stmt(keyer *k, const qr_node *node,
		     const qr_sql_compile_opts *opts)
{
	if (k->verify) {
		const uint64_t *e =
			match_kid(k, k->expect, k->expect + k->nexpect, node);
		if (!e) {
			k->stop = true;
			return;
		}
		k->len = (size_t)(e - k->expect);
	} else {
		key_kid(k, node);
		if (k->stop)
			return;
	}
	emit(k, KEY_TAG(KEY_OPTS) | (opts && opts->exec ? 1 : 0) |
			(opts && opts->many ? 2 : 0));
	for (size_t i = 0; opts && i < opts->nkeys; i++)
		emit_str(k, opts->column_keys[i]);
	if (k->verify && k->len != k->nexpect)
		k->stop = true;
}

/* The hash of a key (its words) for dialect d: which entries to
 * compare it with. */
static uint64_t key_hash(const uint64_t *w, size_t n, const qr_dialect *d)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)(uintptr_t)d;
	for (size_t i = 0; i < n; i++) {
		h = (h ^ w[i]) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h;
}

/* ---- the LRU --------------------------------------------------------------
 */

typedef struct entry {
	uint64_t hash;
	const qr_dialect *dialect;
	uint64_t *key; /* keylen words */
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
	atomic_bool enabled; /* capacity > 0: read without the lock */
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER, .capacity = 500, .enabled = true};

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
	atomic_store_explicit(&cache.enabled, n > 0, memory_order_relaxed);
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

/* The entry of hash h, dialect d and key (n words), or NULL. Under the
 * lock. */
static entry *find(uint64_t h, const qr_dialect *d, const uint64_t *key,
		   size_t n)
{
	for (entry *e = cache.buckets[h % NBUCKETS]; e; e = e->chain) {
		if (e->hash == h && e->dialect == d && e->keylen == n &&
		    memcmp(e->key, key, n * sizeof(*key)) == 0)
			return e;
	}
	return NULL;
}

/* A new entry for the compiled form c of the key k wrote; NULL on OOM. */
static entry *entry_new(keyer *k, uint64_t h, const qr_dialect *d,
			qr_compiled *c)
{
	entry *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->key = malloc(k->len * sizeof(*e->key));
	if (!e->key) {
		free(e);
		return NULL;
	}
	memcpy(e->key, k->w, k->len * sizeof(*e->key));
	e->hash = h;
	e->dialect = d;
	e->keylen = k->len;
	e->compiled = qr_compiled__ref(c);
	return e;
}

static void entry_free(entry *e)
{
	qr_compiled_free(e->compiled);
	free(e->key);
	free(e);
}

/* Adds e unless an equal entry was added meanwhile (then frees it). */
static void insert(entry *e)
{
	pthread_mutex_lock(&cache.lock);
	if (!find(e->hash, e->dialect, e->key, e->keylen) && cache.capacity) {
		e->chain = cache.buckets[e->hash % NBUCKETS];
		cache.buckets[e->hash % NBUCKETS] = e;
		lru_push_front(e);
		cache.size++;
		shrink_to(cache.capacity);
		e = NULL;
	}
	pthread_mutex_unlock(&cache.lock);
	if (e)
		entry_free(e);
}

/* The most recent entry, when the statement matches it: a program that
 * runs one statement shape after another finds it comparing the tree
 * with its key, without writing one. Under the lock. */
static entry *lookup_recent(keyer *k, const qr_dialect *d, const qr_node *node,
			    const qr_sql_compile_opts *opts)
{
	entry *e = cache.head;
	if (!e || e->dialect != d)
		return NULL;
	keyer_restart(k, e->key, e->keylen);
	key_stmt(k, node, opts);
	return k->stop ? NULL : e;
}

/* Counts a hit on e (moved to the front) or a miss; a reference to e's
 * compiled form, or NULL. Under the lock. */
static qr_compiled *take(entry *e)
{
	if (!e) {
		cache.misses++;
		return NULL;
	}
	if (e != cache.head) {
		lru_unlink(e);
		lru_push_front(e);
	}
	cache.hits++;
	return qr_compiled__ref(e->compiled);
}

int qr_sql__compile(qr_compiled **out, const qr_node *node, const qr_dialect *d,
		    const qr_sql_compile_opts *opts)
{
	*out = NULL;
	if (!atomic_load_explicit(&cache.enabled, memory_order_relaxed) ||
	    never_cached(node))
		return qr_sqlc__compile(out, node, d, opts, NULL, 0);

	keyer k;
	keyer_init(&k);
	qr_compiled *hit = NULL;
	uint64_t h = 0;
	pthread_mutex_lock(&cache.lock);
	entry *e = lookup_recent(&k, d, node, opts);
	if (e)
		hit = take(e);
	pthread_mutex_unlock(&cache.lock);
	if (!hit && k.cacheable) {
		/* Another shape: its key (one walk), and the entry of the
		 * key's hash. */
		keyer_restart(&k, NULL, 0);
		key_stmt(&k, node, opts);
		if (k.cacheable)
			h = key_hash(k.w, k.len, d);
	}
	if (!hit) {
		pthread_mutex_lock(&cache.lock);
		hit = take(k.cacheable ? find(h, d, k.w, k.len) : NULL);
		pthread_mutex_unlock(&cache.lock);
	}

	int rc = 0;
	if (hit) {
		*out = instantiate(hit, k.binds, k.nbinds);
		qr_compiled_free(hit);
		if (!*out)
			rc = qr_error_oom("compiled statement");
		keyer_free(&k);
		return rc;
	}
	if (!k.cacheable) {
		/* A node never cached, or out of memory keying it. */
		keyer_free(&k);
		return qr_sqlc__compile(out, node, d, opts, NULL, 0);
	}
	rc = qr_sqlc__compile(out, node, d, opts, k.binds, k.nbinds);
	if (rc == 0) {
		entry *ne = entry_new(&k, h, d, *out);
		if (ne)
			insert(ne);
	}
	keyer_free(&k);
	return rc;
}
