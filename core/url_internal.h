/*
 * url_internal.h - the qr_url structure and the helpers that url.c (the
 * object, accessors and setters), url_parse.c and url_render.c share.
 * Not installed; nothing outside core/url*.c includes it.
 */
#ifndef QUARRY_CORE_URL_INTERNAL_H
#define QUARRY_CORE_URL_INTERNAL_H

#include <quarry/url.h>

/* One query parameter; both strings are owned by the URL. */
typedef struct qr_url_param {
	char *key;
	char *value;
} qr_url_param;

struct qr_url {
	char *drivername; /* "postgresql+libpq", as given */
	char *dialect;    /* "postgresql" */
	char *driver;     /* "libpq", or NULL when the URL names none */
	char *username;   /* decoded; NULL when absent */
	char *password;   /* decoded; NULL when absent, "" when empty */
	char *host;       /* decoded, without IPv6 brackets; NULL when absent */
	char *database;   /* decoded; NULL when absent */
	int port;         /* 0..65535, or -1 when absent */
	qr_url_param *query; /* in the order written, repeats included */
	size_t query_len;
	size_t query_cap;
};

/* True for the characters of a drivername part: [A-Za-z0-9_]. */
static inline bool qr_url__is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/*
 * Checks the len bytes of name as a drivername: one or more of
 * [A-Za-z0-9_] with at most one '+' that has a name on both sides.
 * Returns NULL when valid; otherwise a static description of the problem,
 * with *bad set to the offending offset within name.
 */
const char *qr_url__drivername_problem(const char *name, size_t len,
				       size_t *bad);

/*
 * A new URL with every part absent and drivername set from the len bytes
 * of name, which must already be valid. Returns NULL after recording
 * QR_ENOMEM.
 */
qr_url *qr_url__alloc(const char *name, size_t len);

/*
 * Appends a parameter, taking ownership of key and value on success only
 * (on failure the caller still owns and frees them).
 * Errors: QR_ENOMEM (recorded).
 */
int qr_url__query_append(qr_url *url, char *key, char *value);

#endif /* QUARRY_CORE_URL_INTERNAL_H */
