/*
 * quarry/sys/reflect.h - the plugin API for a dialect's schema reflection.
 *
 * A dialect points its qr_dialect.reflector at one of these. Each function
 * runs catalog queries on conn through the public connection API and
 * fills *out, whose strings must be allocated with malloc (the caller
 * frees them with free()): use qr_strings_add and strdup.
 */
#ifndef QUARRY_SYS_REFLECT_H
#define QUARRY_SYS_REFLECT_H

#include "../reflect.h"
#include "dialect.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_reflector {
	int api_version; /* QR_PLUGIN_API_VERSION */

	/* Names of tables (views == false) or views in schema (NULL:
	 * default), appended to out in any order (the caller sorts). */
	int (*names)(qr_conn *conn, const char *schema, bool views,
		     qr_strings *out);

	/* Fills out (zeroed by the caller) for one table; QR_ENORESULT
	 * when no such table exists. */
	int (*table)(qr_conn *conn, const char *schema, const char *name,
		     qr_reflected_table *out);
} qr_reflector;

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_SYS_REFLECT_H */
