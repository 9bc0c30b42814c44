/*
 * mem.h - small allocation helpers shared by core files (private).
 *
 * Each records QR_ENOMEM in qr_error_last() when it returns NULL.
 */
#ifndef QUARRY_CORE_MEM_H
#define QUARRY_CORE_MEM_H

#include <quarry/value.h>
#include <stddef.h>

/* malloc/calloc/realloc that record an out-of-memory error naming what. */
void *qr_mem__alloc(size_t size, const char *what);
void *qr_mem__calloc(size_t n, size_t size, const char *what);
void *qr_mem__realloc(void *ptr, size_t size, const char *what);

/* strdup / strndup recording errors; NULL in gives NULL out, no error. */
char *qr_mem__strdup(const char *s);
char *qr_mem__strndup(const char *s, size_t n);

/*
 * Copies src into dst, duplicating the bytes a text/numeric/blob value
 * points at into one new malloc'd block stored in *storage (NULL for other
 * kinds). Text stays NUL-terminated. A list (an expanding parameter's
 * values) is copied with its items and their bytes into one block, the
 * items array at its start. Returns 0 or QR_ENOMEM.
 */
int qr_value__copy(qr_value *dst, const qr_value *src, char **storage);

/* Frees what qr_value__copy allocated for v (its storage block). */
void qr_value__free_copy(qr_value *v);

/* Grows a dynamic array so it holds at least need elements. */
int qr_mem__grow(void **items, size_t *cap, size_t need, size_t elem,
		 const char *what);

#endif
