/*
 * objlist.c - qr_objlist, the collection type: length, index, lookup and
 * removal (append, clear and repr are in repr.c).
 */
#include "orm_internal.h"

#include <string.h>

size_t qr_objlist_len(const qr_objlist *list)
{
	return list ? list->count : 0;
}

void *qr_objlist_get(const qr_objlist *list, size_t i)
{
	return list && i < list->count ? list->items[i] : NULL;
}

ptrdiff_t qr_objlist_index(const qr_objlist *list, const void *obj)
{
	if (list)
		for (size_t i = 0; i < list->count; i++)
			if (list->items[i] == obj)
				return (ptrdiff_t)i;
	return -1;
}

int qr_objlist_remove(qr_objlist *list, const void *obj)
{
	ptrdiff_t i = qr_objlist_index(list, obj);

	if (i < 0)
		return 0;
	memmove(&list->items[i], &list->items[i + 1],
		(list->count - (size_t)i - 1) * sizeof(*list->items));
	list->count--;
	return 1;
}
