/*
 * stmt_cache.h - a bounded per-connection cache of prepared statements,
 * shared by the server drivers (private to dialects/).
 *
 * Maps SQL text plus optional key bytes (e.g. declared parameter types)
 * to the driver's statement (an opaque pointer: a server-side name, a
 * MYSQL_STMT *). When full, adding a statement evicts the least recently
 * used one and hands it back for the driver to release. Not thread-safe:
 * a connection is used by one thread at a time.
 */
#ifndef QUARRY_DIALECTS_STMT_CACHE_H
#define QUARRY_DIALECTS_STMT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct qr_stmt_cache_entry {
	char *sql; /* owned copy, NUL-terminated */
	size_t sql_len;
	void *key; /* owned copy of the key bytes, or NULL */
	size_t key_len;
	void *value; /* the driver's statement; NULL: free slot */
	uint64_t hash;
	uint64_t last_used;
	int next; /* next slot in the same bucket, -1 at the end */
} qr_stmt_cache_entry;

typedef struct qr_stmt_cache {
	qr_stmt_cache_entry *slots; /* owned, capacity entries */
	size_t capacity;            /* 0: caching disabled */
	size_t used;
	int *buckets;    /* owned, nbuckets heads */
	size_t nbuckets; /* a power of two */
	uint64_t tick;   /* use counter for LRU */
} qr_stmt_cache;

/* Prepares an empty cache of capacity statements (0 disables caching:
 * find finds nothing and add refuses). Errors: QR_ENOMEM. */
int qr_stmt_cache__init(qr_stmt_cache *cache, size_t capacity);

/* The entry for sql and key, or NULL; marks it most recently used. */
qr_stmt_cache_entry *qr_stmt_cache__find(qr_stmt_cache *cache, const char *sql,
					 size_t sql_len, const void *key,
					 size_t key_len);

/*
 * Stores value (non-NULL) for sql and key. When the cache is full the
 * least recently used value is removed first and returned in *evicted
 * (NULL if none), which the caller releases, even when the call fails.
 * Errors: QR_EINVAL (caching disabled), QR_ENOMEM (value not stored).
 */
int qr_stmt_cache__add(qr_stmt_cache *cache, const char *sql, size_t sql_len,
		       const void *key, size_t key_len, void *value,
		       void **evicted);

/* Forgets an entry; returns its value for the caller to release. */
void *qr_stmt_cache__remove(qr_stmt_cache *cache, qr_stmt_cache_entry *e);

/* Forgets every entry, passing each value to dispose (may be NULL). */
void qr_stmt_cache__clear(qr_stmt_cache *cache,
			  void (*dispose)(void *ctx, void *value), void *ctx);

/* Clears with dispose, then releases the cache's memory. */
void qr_stmt_cache__free(qr_stmt_cache *cache,
			 void (*dispose)(void *ctx, void *value), void *ctx);

#endif
