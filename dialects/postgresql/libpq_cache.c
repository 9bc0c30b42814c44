/*
 * libpq_cache.c - the per-connection prepared statement cache.
 *
 * A fixed array of slots, chained into a power-of-two bucket table by the
 * hash of the SQL text and the declared parameter types. When every slot
 * is taken the least recently used statement is evicted (a linear scan:
 * the cache is small and eviction comes with a server round trip anyway).
 */
#include "libpq_internal.h"

#include <quarry/sys/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t key_hash(const char *sql, size_t sql_len, const Oid *types,
			 int nparams)
{
	uint64_t h = fnv1a(14695981039346656037ull, sql, sql_len);
	if (nparams > 0)
		h = fnv1a(h, types, (size_t)nparams * sizeof(Oid));
	return h;
}

int qr_libpq__cache_init(qr_libpq_cache *cache, size_t capacity)
{
	memset(cache, 0, sizeof(*cache));
	if (capacity == 0)
		return 0;
	cache->nbuckets = 16;
	while (cache->nbuckets < capacity * 2)
		cache->nbuckets *= 2;
	cache->slots = calloc(capacity, sizeof(*cache->slots));
	cache->buckets = malloc(cache->nbuckets * sizeof(*cache->buckets));
	if (!cache->slots || !cache->buckets) {
		free(cache->slots);
		free(cache->buckets);
		memset(cache, 0, sizeof(*cache));
		return qr_error_oom("libpq statement cache");
	}
	for (size_t i = 0; i < cache->nbuckets; i++)
		cache->buckets[i] = -1;
	cache->capacity = capacity;
	return 0;
}

static void slot_release(qr_libpq_stmt *s)
{
	free(s->sql);
	free(s->types);
	memset(s, 0, sizeof(*s));
}

void qr_libpq__cache_clear(qr_libpq_cache *cache)
{
	for (size_t i = 0; i < cache->capacity; i++)
		slot_release(&cache->slots[i]);
	for (size_t i = 0; i < cache->nbuckets; i++)
		cache->buckets[i] = -1;
	cache->used = 0;
}

void qr_libpq__cache_free(qr_libpq_cache *cache)
{
	qr_libpq__cache_clear(cache);
	free(cache->slots);
	free(cache->buckets);
	memset(cache, 0, sizeof(*cache));
}

qr_libpq_stmt *qr_libpq__cache_find(qr_libpq_cache *cache, const char *sql,
				    size_t sql_len, const Oid *types,
				    int nparams)
{
	if (cache->capacity == 0)
		return NULL;
	uint64_t h = key_hash(sql, sql_len, types, nparams);
	int i = cache->buckets[h & (cache->nbuckets - 1)];
	while (i >= 0) {
		qr_libpq_stmt *s = &cache->slots[i];
		if (s->hash == h && s->sql_len == sql_len &&
		    s->nparams == nparams && !memcmp(s->sql, sql, sql_len) &&
		    (nparams == 0 ||
		     !memcmp(s->types, types, (size_t)nparams * sizeof(Oid)))) {
			s->last_used = ++cache->tick;
			return s;
		}
		i = s->next;
	}
	return NULL;
}

/* Unlinks slot from its bucket chain. */
static void unlink_slot(qr_libpq_cache *cache, qr_libpq_stmt *s)
{
	int idx = (int)(s - cache->slots);
	int *link = &cache->buckets[s->hash & (cache->nbuckets - 1)];

	while (*link >= 0) {
		if (*link == idx) {
			*link = s->next;
			return;
		}
		link = &cache->slots[*link].next;
	}
}

void qr_libpq__cache_remove(qr_libpq_cache *cache, qr_libpq_stmt *stmt)
{
	if (!stmt || !stmt->name[0])
		return;
	unlink_slot(cache, stmt);
	slot_release(stmt);
	cache->used--;
}

int qr_libpq__cache_add(qr_libpq_stmt **out, qr_libpq_cache *cache,
			const char *sql, size_t sql_len, const Oid *types,
			int nparams, char evicted[24])
{
	qr_libpq_stmt *slot = NULL;

	*out = NULL;
	evicted[0] = '\0';
	if (cache->capacity == 0)
		return qr_error_set(QR_EINVAL, QR_ECLASS_INTERNAL,
				    "libpq statement cache is disabled");
	if (cache->used < cache->capacity) {
		for (size_t i = 0; i < cache->capacity; i++) {
			if (!cache->slots[i].name[0]) {
				slot = &cache->slots[i];
				break;
			}
		}
	} else {
		slot = &cache->slots[0];
		for (size_t i = 1; i < cache->capacity; i++) {
			if (cache->slots[i].last_used < slot->last_used)
				slot = &cache->slots[i];
		}
		memcpy(evicted, slot->name, 24);
		qr_libpq__cache_remove(cache, slot);
	}

	char *copy = malloc(sql_len + 1);
	Oid *tcopy = NULL;
	if (nparams > 0)
		tcopy = malloc((size_t)nparams * sizeof(Oid));
	if (!copy || (nparams > 0 && !tcopy)) {
		free(copy);
		free(tcopy);
		return qr_error_oom("libpq statement cache entry");
	}
	memcpy(copy, sql, sql_len);
	copy[sql_len] = '\0';
	if (nparams > 0)
		memcpy(tcopy, types, (size_t)nparams * sizeof(Oid));

	slot->sql = copy;
	slot->sql_len = sql_len;
	slot->types = tcopy;
	slot->nparams = nparams;
	slot->hash = key_hash(sql, sql_len, types, nparams);
	slot->last_used = ++cache->tick;
	snprintf(slot->name, sizeof(slot->name), "qr_%llu",
		 (unsigned long long)++cache->next_id);
	size_t b = slot->hash & (cache->nbuckets - 1);
	slot->next = cache->buckets[b];
	cache->buckets[b] = (int)(slot - cache->slots);
	cache->used++;
	*out = slot;
	return 0;
}
