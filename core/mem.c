/*
 * mem.c - allocation helpers that record out-of-memory errors.
 */
#include "mem.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>

void *qr_mem__alloc(size_t size, const char *what)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		qr_error_oom(what);
	return p;
}

void *qr_mem__calloc(size_t n, size_t size, const char *what)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		qr_error_oom(what);
	return p;
}

void *qr_mem__realloc(void *ptr, size_t size, const char *what)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		qr_error_oom(what);
	return p;
}

char *qr_mem__strdup(const char *s)
{
	return s ? qr_mem__strndup(s, strlen(s)) : NULL;
}

char *qr_mem__strndup(const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *p = malloc(n + 1);
	if (!p) {
		qr_error_oom("string");
		return NULL;
	}
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static bool has_bytes(const qr_value *v)
{
	return v->kind == QR_VTEXT || v->kind == QR_VNUMERIC ||
	       v->kind == QR_VBLOB;
}

/* A list's items and their bytes in one block: [items][bytes...]. */
static int copy_list(qr_value *dst, const qr_value *src, char **storage)
{
	size_t n = src->u.list.n, size = n * sizeof(qr_value);
	char *block, *at;

	for (size_t i = 0; i < n; i++)
		if (has_bytes(&src->u.list.items[i])) {
			size_t len = src->u.list.items[i].u.s.len;
			if (len >= SIZE_MAX - size)
				return qr_error_oom("parameter value");
			size += len + 1;
		}
	if (!(block = malloc(size ? size : 1)))
		return qr_error_oom("parameter value");
	at = block + n * sizeof(qr_value);
	for (size_t i = 0; i < n; i++) {
		qr_value *v = (qr_value *)block + i;
		*v = src->u.list.items[i];
		if (!has_bytes(v))
			continue;
		if (v->u.s.len)
			memcpy(at, v->u.s.ptr, v->u.s.len);
		at[v->u.s.len] = '\0';
		v->u.s.ptr = at;
		at += v->u.s.len + 1;
	}
	dst->u.list.items = (qr_value *)block;
	*storage = block;
	return 0;
}

void qr_value__free_copy(qr_value *v)
{
	if (has_bytes(v))
		free((char *)v->u.s.ptr);
	else if (v->kind == QR_VLIST)
		free((void *)v->u.list.items);
}

int qr_value__copy(qr_value *dst, const qr_value *src, char **storage)
{
	*storage = NULL;
	*dst = *src;
	if (src->kind == QR_VLIST)
		return copy_list(dst, src, storage);
	if (src->kind == QR_VTEXT || src->kind == QR_VNUMERIC ||
	    src->kind == QR_VBLOB) {
		char *p = src->u.s.len < SIZE_MAX ? malloc(src->u.s.len + 1)
						  : NULL;
		if (!p)
			return qr_error_oom("parameter value");
		if (src->u.s.len)
			memcpy(p, src->u.s.ptr, src->u.s.len);
		p[src->u.s.len] = '\0';
		dst->u.s.ptr = p;
		*storage = p;
	}
	return 0;
}

int qr_mem__grow(void **items, size_t *cap, size_t need, size_t elem,
		 const char *what)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap * 2 : 8;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / elem)
		return qr_error_oom(what);
	void *p = realloc(*items, n * elem);
	if (!p)
		return qr_error_oom(what);
	*items = p;
	*cap = n;
	return 0;
}
