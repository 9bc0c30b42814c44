/*
 * quarry/url.h - database URLs, parsed and rendered as SQLAlchemy does.
 *
 *   dialect[+driver]://[user[:password]@][host[:port]]/[database][?k=v&...]
 *
 * Every part is percent-decoded when parsed; IPv6 hosts are written in
 * brackets ("postgresql://u@[::1]:5432/db"); a query key may repeat.
 * SQLite forms: "sqlite://" and "sqlite:///:memory:" (in memory),
 * "sqlite:///relative.db", "sqlite:////abs/path.db", "sqlite:///f.db?mode=ro".
 *
 * A qr_url is an opaque value object owned by whoever created it and
 * released with qr_url_free(). Strings returned by accessors are borrowed
 * from the URL and stay valid until the URL is changed or freed. Accessors
 * given a NULL url return NULL (or -1 / 0 for numbers).
 */
#ifndef QUARRY_URL_H
#define QUARRY_URL_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_url qr_url;

/*
 * Parses text into a new URL stored in *out (the caller's; free with
 * qr_url_free). Errors: QR_EINVAL (NULL argument), QR_EURL (malformed: the
 * message names the part and the character position), QR_ENOMEM.
 * On error *out is set to NULL.
 */
QR_API int qr_url_parse(qr_url **out, const char *text);

/*
 * Creates a URL holding only drivername ("postgresql" or
 * "postgresql+libpq"); set the other parts with the setters.
 * Errors: QR_EINVAL, QR_EURL (bad drivername), QR_ENOMEM.
 */
QR_API int qr_url_new(qr_url **out, const char *drivername);

/* Deep copy into *out. Errors: QR_EINVAL, QR_ENOMEM. */
QR_API int qr_url_copy(qr_url **out, const qr_url *url);

/* Releases a URL. Accepts NULL. */
QR_API void qr_url_free(qr_url *url);

/* "postgresql+libpq" as given; the dialect part alone; the driver part
 * alone, or NULL when the URL names none (the dialect's default is meant). */
QR_API const char *qr_url_drivername(const qr_url *url);
QR_API const char *qr_url_dialect(const qr_url *url);
QR_API const char *qr_url_driver(const qr_url *url);

/* Decoded parts; NULL when absent. An empty password ("u:@h") is "". */
QR_API const char *qr_url_username(const qr_url *url);
QR_API const char *qr_url_password(const qr_url *url);
QR_API const char *qr_url_host(const qr_url *url);
QR_API const char *qr_url_database(const qr_url *url);

/* The port, or -1 when absent. */
QR_API int qr_url_port(const qr_url *url);

/* Query parameters in the order written, repeated keys included. */
QR_API size_t qr_url_query_count(const qr_url *url);
QR_API const char *qr_url_query_key(const qr_url *url, size_t index);
QR_API const char *qr_url_query_value(const qr_url *url, size_t index);

/* The first value for key, or NULL when the key is absent. */
QR_API const char *qr_url_query_get(const qr_url *url, const char *key);

/* How many values key has. */
QR_API size_t qr_url_query_count_key(const qr_url *url, const char *key);

/*
 * Setters copy their string argument; NULL removes the part.
 * Errors: QR_EINVAL (url NULL; drivername NULL or malformed; port outside
 * 0..65535 other than -1, which removes it), QR_ENOMEM.
 */
QR_API int qr_url_set_drivername(qr_url *url, const char *drivername);
QR_API int qr_url_set_username(qr_url *url, const char *username);
QR_API int qr_url_set_password(qr_url *url, const char *password);
QR_API int qr_url_set_host(qr_url *url, const char *host);
QR_API int qr_url_set_port(qr_url *url, int port);
QR_API int qr_url_set_database(qr_url *url, const char *database);

/* Appends key=value (repeats allowed). Errors: QR_EINVAL, QR_ENOMEM. */
QR_API int qr_url_query_add(qr_url *url, const char *key, const char *value);

/* Replaces every value of key by one value (adds it when absent). */
QR_API int qr_url_query_set(qr_url *url, const char *key, const char *value);

/* Removes every value of key; returns how many were removed. */
QR_API size_t qr_url_query_remove(qr_url *url, const char *key);

/*
 * Renders the URL as a string into *out (the caller's; free with qr_free).
 * With hide_password the password is written as "***". Parts are
 * percent-encoded where needed so that the rendering parses back to the
 * same URL; query keys are rendered sorted, as SQLAlchemy does.
 * Errors: QR_EINVAL, QR_ENOMEM.
 */
QR_API int qr_url_render(char **out, const qr_url *url, bool hide_password);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_URL_H */
