/*
 * types.c - qr_type helpers: names, families, deep copies.
 */
#include "../mem.h"
#include "typeconv.h"

#include <quarry/sys/error.h>

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

const char *qr_type_kind_name(qr_type_kind kind)
{
	static const char *const names[QR_TYPE_KIND_COUNT] = {
		[QR_TYPE_NULL] = "NULL",
		[QR_TYPE_INTEGER] = "INTEGER",
		[QR_TYPE_SMALLINT] = "SMALLINT",
		[QR_TYPE_BIGINT] = "BIGINT",
		[QR_TYPE_BOOLEAN] = "BOOLEAN",
		[QR_TYPE_STRING] = "VARCHAR",
		[QR_TYPE_TEXT] = "TEXT",
		[QR_TYPE_FLOAT] = "FLOAT",
		[QR_TYPE_DOUBLE] = "DOUBLE",
		[QR_TYPE_NUMERIC] = "NUMERIC",
		[QR_TYPE_DATE] = "DATE",
		[QR_TYPE_TIME] = "TIME",
		[QR_TYPE_DATETIME] = "DATETIME",
		[QR_TYPE_INTERVAL] = "INTERVAL",
		[QR_TYPE_BINARY] = "BLOB",
		[QR_TYPE_ENUM] = "ENUM",
		[QR_TYPE_JSON] = "JSON",
		[QR_TYPE_UUID] = "UUID",
	};
	if ((unsigned)kind < QR_TYPE_KIND_COUNT)
		return names[kind];
	return "UNKNOWN";
}

int qr_type__copy(qr_type *dst, const qr_type *src, char **storage)
{
	size_t nlabels = 0, bytes = 0;

	*storage = NULL;
	*dst = *src;
	if (src->labels) {
		while (src->labels[nlabels])
			bytes += strlen(src->labels[nlabels++]) + 1;
	}
	if (src->name)
		bytes += strlen(src->name) + 1;
	if (!src->labels && !src->name)
		return 0;

	size_t head = (nlabels + 1) * sizeof(char *);
	char *block = qr_mem__alloc(head + bytes, "type");
	if (!block)
		return QR_ENOMEM;
	char **labels = (char **)(void *)block;
	char *p = block + head;
	for (size_t i = 0; i < nlabels; i++) {
		size_t n = strlen(src->labels[i]) + 1;
		memcpy(p, src->labels[i], n);
		labels[i] = p;
		p += n;
	}
	labels[nlabels] = NULL;
	dst->labels = src->labels ? (const char *const *)labels : NULL;
	if (src->name) {
		memcpy(p, src->name, strlen(src->name) + 1);
		dst->name = p;
	}
	*storage = block;
	return 0;
}

qr_type qr_type__bare(const qr_type *src)
{
	qr_type t = *src;
	t.name = NULL;
	t.labels = NULL;
	return t;
}

bool qr_type__is_string(const qr_type *t)
{
	return t->kind == QR_TYPE_STRING || t->kind == QR_TYPE_TEXT ||
	       t->kind == QR_TYPE_ENUM;
}

bool qr_type__is_integer(const qr_type *t)
{
	return t->kind == QR_TYPE_INTEGER || t->kind == QR_TYPE_SMALLINT ||
	       t->kind == QR_TYPE_BIGINT;
}

bool qr_type__is_numeric(const qr_type *t)
{
	return qr_type__is_integer(t) || t->kind == QR_TYPE_FLOAT ||
	       t->kind == QR_TYPE_DOUBLE || t->kind == QR_TYPE_NUMERIC;
}

static bool str_equal(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool qr_type__is_plain(const qr_type *t)
{
	return !t->length && !t->precision && !t->scale && !t->timezone &&
	       !t->decorator && !t->name && !t->labels;
}

bool qr_type__equal(const qr_type *a, const qr_type *b)
{
	if (a->kind != b->kind || a->length != b->length ||
	    a->precision != b->precision || a->scale != b->scale ||
	    a->timezone != b->timezone || a->decorator != b->decorator ||
	    !str_equal(a->name, b->name))
		return false;
	if (!a->labels || !b->labels)
		return a->labels == b->labels;
	size_t i = 0;
	for (; a->labels[i] && b->labels[i]; i++) {
		if (strcmp(a->labels[i], b->labels[i]) != 0)
			return false;
	}
	return a->labels[i] == b->labels[i];
}

/* ---- scratch arenas --------------------------------------------------- */

typedef struct scratch_block {
	struct scratch_block *next;
	size_t used, cap;
	alignas(max_align_t) unsigned char data[];
} scratch_block;

qr_scratch *qr_scratch__new(void)
{
	return qr_mem__calloc(1, sizeof(qr_scratch), "scratch memory");
}

void qr_scratch__clear(qr_scratch *s)
{
	s->used = false;
	if (!s->head)
		return;
	scratch_block *b = s->head->next;
	while (b) {
		scratch_block *next = b->next;
		free(b);
		b = next;
	}
	s->head->next = NULL;
	s->head->used = 0;
}

void qr_scratch__free(qr_scratch *s)
{
	if (!s)
		return;
	qr_scratch__clear(s);
	free(s->head);
	free(s);
}

void *qr_scratch_alloc(qr_scratch *s, size_t n)
{
	const size_t align = alignof(max_align_t);
	if (!s) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_scratch_alloc: scratch is NULL");
		return NULL;
	}
	n = (n + align - 1) / align * align;
	if (n == 0)
		n = align;
	scratch_block *b = s->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > 4096 ? n : 4096;
		scratch_block *nb =
			qr_mem__alloc(sizeof(*nb) + cap, "scratch memory");
		if (!nb)
			return NULL;
		nb->used = 0;
		nb->cap = cap;
		/* The newest block goes first; a reset keeps it. */
		nb->next = b;
		s->head = nb;
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += n;
	s->used = true;
	return p;
}

char *qr_scratch_strndup(qr_scratch *s, const char *str, size_t n)
{
	char *p = qr_scratch_alloc(s, n + 1);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, str, n);
	p[n] = '\0';
	return p;
}
