/*
 * params_internal.h - fast lookups into a qr_params for execution
 * (private to core).
 */
#ifndef QUARRY_CORE_PARAMS_INTERNAL_H
#define QUARRY_CORE_PARAMS_INTERNAL_H

#include <quarry/params.h>

/* The interned index of name, or -1 when no row sets it. */
int qr_params__name_index(const qr_params *params, const char *name);

/* Where interned name index sits in row (the hint for the lookups
 * below), trying position first; 0 when the row does not set it. */
size_t qr_params__position(const qr_params *params, size_t row, int name,
			   size_t position);

/* The value of interned name index in row, or NULL. hint is where the
 * name usually sits in a row (tried first). */
const qr_value *qr_params__get_index(const qr_params *params, size_t row,
				     int name, size_t hint);

#endif
