/*
 * registry.h - the dialect/driver registry's private parts.
 */
#ifndef QUARRY_CORE_REGISTRY_H
#define QUARRY_CORE_REGISTRY_H

#include <quarry/sys/dialect.h>

/* NULL-terminated entry functions of the built-in modules (generated). */
extern const qr_module_entry_fn qr_registry__builtins[];

#endif
