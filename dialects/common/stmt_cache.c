/*
 * stmt_cache.c - see stmt_cache.h.
 *
 * A fixed array of slots chained into a power-of-two bucket table by a
 * hash of the SQL text and the key bytes (8 bytes at a time). Eviction
 * scans for the least recently used slot: the cache is small, and an eviction
 * comes with a server round trip anyway.
 */
#include "stmt_cache.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>

/* Hashes 8 bytes at a time (a multi-row INSERT's SQL runs to tens of
 * kilobytes), the tail byte by byte. */
static uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	for (; len; p++, len--)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

static uint64_t key_hash(const char *sql, size_t sql_len, const void *key,
			 size_t key_len)
{
	uint64_t h =
		hash_bytes(14695981039346656037ull ^ sql_len, sql, sql_len);
	if (key_len)
		h = hash_bytes(h, key, key_len);
	/* the bucket is the low bits: mix the high ones in */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

int qr_stmt_cache__init(qr_stmt_cache *cache, size_t capacity)
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
		return qr_error_oom("statement cache");
	}
	for (size_t i = 0; i < cache->nbuckets; i++)
		cache->buckets[i] = -1;
	cache->capacity = capacity;
	return 0;
}

qr_stmt_cache_entry *qr_stmt_cache__find(qr_stmt_cache *cache, const char *sql,
					 size_t sql_len, const void *key,
					 size_t key_len)
{
	if (cache->capacity == 0)
		return NULL;
	uint64_t h = key_hash(sql, sql_len, key, key_len);
	int i = cache->buckets[h & (cache->nbuckets - 1)];
	while (i >= 0) {
		qr_stmt_cache_entry *e = &cache->slots[i];
		if (e->hash == h && e->sql_len == sql_len &&
		    e->key_len == key_len && !memcmp(e->sql, sql, sql_len) &&
		    (key_len == 0 || !memcmp(e->key, key, key_len))) {
			e->last_used = ++cache->tick;
			return e;
		}
		i = e->next;
	}
	return NULL;
}

void *qr_stmt_cache__remove(qr_stmt_cache *cache, qr_stmt_cache_entry *e)
{
	if (!e || !e->value)
		return NULL;
	int idx = (int)(e - cache->slots);
	int *link = &cache->buckets[e->hash & (cache->nbuckets - 1)];
	while (*link >= 0) {
		if (*link == idx) {
			*link = e->next;
			break;
		}
		link = &cache->slots[*link].next;
	}
	void *value = e->value;
	free(e->sql);
	free(e->key);
	memset(e, 0, sizeof(*e));
	cache->used--;
	return value;
}

int qr_stmt_cache__add(qr_stmt_cache *cache, const char *sql, size_t sql_len,
		       const void *key, size_t key_len, void *value,
		       void **evicted)
{
	qr_stmt_cache_entry *slot = NULL;

	*evicted = NULL;
	if (cache->capacity == 0 || !value)
		return qr_error_set(QR_EINVAL, QR_ECLASS_INTERNAL,
				    "statement cache: disabled or no value");
	if (cache->used == cache->capacity) {
		slot = &cache->slots[0];
		for (size_t i = 1; i < cache->capacity; i++) {
			if (cache->slots[i].last_used < slot->last_used)
				slot = &cache->slots[i];
		}
		*evicted = qr_stmt_cache__remove(cache, slot);
	} else {
		for (size_t i = 0; i < cache->capacity; i++) {
			if (!cache->slots[i].value) {
				slot = &cache->slots[i];
				break;
			}
		}
	}

	char *sql_copy = malloc(sql_len + 1);
	void *key_copy = key_len ? malloc(key_len) : NULL;
	if (!sql_copy || (key_len && !key_copy)) {
		free(sql_copy);
		free(key_copy);
		return qr_error_oom("statement cache entry");
	}
	memcpy(sql_copy, sql, sql_len);
	sql_copy[sql_len] = '\0';
	if (key_len)
		memcpy(key_copy, key, key_len);

	slot->sql = sql_copy;
	slot->sql_len = sql_len;
	slot->key = key_copy;
	slot->key_len = key_len;
	slot->value = value;
	slot->hash = key_hash(sql, sql_len, key, key_len);
	slot->last_used = ++cache->tick;
	size_t b = slot->hash & (cache->nbuckets - 1);
	slot->next = cache->buckets[b];
	cache->buckets[b] = (int)(slot - cache->slots);
	cache->used++;
	return 0;
}

void qr_stmt_cache__clear(qr_stmt_cache *cache,
			  void (*dispose)(void *ctx, void *value), void *ctx)
{
	for (size_t i = 0; i < cache->capacity; i++) {
		qr_stmt_cache_entry *e = &cache->slots[i];
		if (!e->value)
			continue;
		if (dispose)
			dispose(ctx, e->value);
		free(e->sql);
		free(e->key);
		memset(e, 0, sizeof(*e));
	}
	for (size_t i = 0; i < cache->nbuckets; i++)
		cache->buckets[i] = -1;
	cache->used = 0;
}

void qr_stmt_cache__free(qr_stmt_cache *cache,
			 void (*dispose)(void *ctx, void *value), void *ctx)
{
	qr_stmt_cache__clear(cache, dispose, ctx);
	free(cache->slots);
	free(cache->buckets);
	memset(cache, 0, sizeof(*cache));
}
