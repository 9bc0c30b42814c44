/*
 * buf.c - a growing string buffer for reprs and messages, and saving the
 * last error around clean-up code.
 */
#include "orm_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(qr_obuf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return false;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void qr_orm__buf_putn(qr_obuf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void qr_orm__buf_puts(qr_obuf *b, const char *s)
{
	qr_orm__buf_putn(b, s, strlen(s));
}

void qr_orm__buf_printf(qr_obuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(b, (size_t)n)) {
		b->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void qr_orm__buf_value(qr_obuf *b, const qr_value *v)
{
	char *r = NULL;

	if (qr_value_repr(&r, v) != 0) {
		b->failed = true;
		return;
	}
	qr_orm__buf_puts(b, r);
	qr_free(r);
}

int qr_orm__buf_finish(qr_obuf *b, char **out)
{
	if (!reserve(b, 0)) {
		qr_orm__buf_free(b);
		*out = NULL;
		return qr_error_oom("repr");
	}
	*out = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return 0;
}

void qr_orm__buf_free(qr_obuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}

void qr_orm__error_save(qr_saved_error *s)
{
	s->e = *qr_error_last();
}

int qr_orm__error_restore(const qr_saved_error *s)
{
	const qr_error *e = &s->e;

	if (e->klass != QR_ECLASS_NONE && (e->sqlstate[0] || e->native_code))
		qr_error_set_db(
			e->code, e->klass, e->sqlstate[0] ? e->sqlstate : NULL,
			e->native_code, e->is_disconnect, "%s", e->message);
	else
		qr_error_set(e->code, e->klass, "%s", e->message);
	if (e->statement[0])
		qr_error_set_statement(e->statement);
	return e->code;
}
