/*
 * params_internal.h - fast lookups into a qr_params for execution
 * (private to core).
 */
#ifndef QUARRY_CORE_PARAMS_INTERNAL_H
#define QUARRY_CORE_PARAMS_INTERNAL_H

#include <quarry/params.h>

/* The interned index of name, or -1 when no row sets it. */
int qr_params__name_index(const qr_params *params, const char *name);

/* The value of interned name index in row, or NULL. hint is where the
 * name usually sits in a row (tried first). */
const qr_value *qr_params__get_index(const qr_params *params, size_t row,
				     int name, size_t hint);

#endif
