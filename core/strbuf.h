/*
 * strbuf.h - a growable NUL-terminated string (private to core).
 *
 * Zero-initialise (qr_strbuf b = {0}); append; take b.s (malloc'd, the
 * taker frees it) or qr_strbuf__free. After an allocation failure the
 * buffer remembers it: later appends do nothing and return QR_ENOMEM, so
 * a caller may append many pieces and check once.
 */
#ifndef QUARRY_CORE_STRBUF_H
#define QUARRY_CORE_STRBUF_H

#include <quarry/common.h>

#include <stdarg.h>

typedef struct qr_strbuf {
	char *s;
	size_t len, cap;
	int error; /* 0 or QR_ENOMEM */
} qr_strbuf;

int qr_strbuf__put(qr_strbuf *b, const char *s, size_t n);
int qr_strbuf__puts(qr_strbuf *b, const char *s);
int qr_strbuf__putc(qr_strbuf *b, char c);
int qr_strbuf__printf(qr_strbuf *b, const char *fmt, ...) QR_PRINTF(2, 3);
void qr_strbuf__free(qr_strbuf *b);

/* Detaches the string (never NULL on success: "" for an empty buffer);
 * returns NULL and frees if an append failed. */
char *qr_strbuf__take(qr_strbuf *b);

#endif
