/*
 * strbuf.c - see strbuf.h.
 */
#include "strbuf.h"

#include <quarry/sys/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(qr_strbuf *b, size_t extra)
{
	if (b->error)
		return b->error;
	if (extra >= SIZE_MAX - b->len) {
		b->error = qr_error_oom("string");
		return b->error;
	}
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1) {
		if (cap > SIZE_MAX / 2) {
			b->error = qr_error_oom("string");
			return b->error;
		}
		cap *= 2;
	}
	char *s = realloc(b->s, cap);
	if (!s) {
		b->error = qr_error_oom("string");
		return b->error;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

int qr_strbuf__put(qr_strbuf *b, const char *s, size_t n)
{
	int rc = reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int qr_strbuf__puts(qr_strbuf *b, const char *s)
{
	return qr_strbuf__put(b, s, strlen(s));
}

int qr_strbuf__putc(qr_strbuf *b, char c)
{
	return qr_strbuf__put(b, &c, 1);
}

int qr_strbuf__printf(qr_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return qr_error_set(QR_ERROR, QR_ECLASS_INTERNAL,
				    "formatting failed");
	int rc = reserve(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void qr_strbuf__free(qr_strbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

char *qr_strbuf__take(qr_strbuf *b)
{
	if (b->error) {
		qr_strbuf__free(b);
		return NULL;
	}
	if (!b->s && reserve(b, 0))
		return NULL;
	char *s = b->s;
	memset(b, 0, sizeof(*b));
	return s;
}
