/*
 * quarry/common.h - version, export macro and small shared declarations.
 *
 * Every public header includes this one. Nothing here allocates.
 */
#ifndef QUARRY_COMMON_H
#define QUARRY_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QUARRY_VERSION_MAJOR 0
#define QUARRY_VERSION_MINOR 1
#define QUARRY_VERSION_PATCH 0
#define QUARRY_VERSION_STRING "0.1.0"

#if defined(_WIN32)
#define QR_API
#elif defined(__GNUC__)
#define QR_API __attribute__((visibility("default")))
#else
#define QR_API
#endif

#if defined(__GNUC__)
#define QR_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define QR_PRINTF(fmt, args)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version string, e.g. "0.1.0". Static storage; never NULL. */
QR_API const char *qr_version(void);

/*
 * Releases memory that quarry handed to the caller as a plain buffer (for
 * example the string from qr_url_render()). Accepts NULL.
 */
QR_API void qr_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_COMMON_H */
