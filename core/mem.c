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

int qr_value__copy(qr_value *dst, const qr_value *src, char **storage)
{
	*storage = NULL;
	*dst = *src;
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
