/*
 * url.c - the qr_url value object: creation, copy, accessors, setters and
 * the query parameter list. Parsing is in url_parse.c, rendering in
 * url_render.c.
 *
 * Like SQLAlchemy's URL, a drivername is "dialect" or "dialect+driver",
 * each made of word characters ([A-Za-z0-9_]). Setters copy their
 * argument before touching the URL, so a failed call leaves it unchanged.
 */
#include "url_internal.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>

const char *qr_url__drivername_problem(const char *name, size_t len,
				       size_t *bad)
{
	const char *plus = NULL;

	*bad = 0;
	if (len == 0)
		return "empty drivername";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		*bad = i;
		if (c == '+') {
			if (plus)
				return "more than one '+' in drivername";
			if (i == 0)
				return "empty dialect name before '+'";
			if (i + 1 == len)
				return "empty driver name after '+'";
			plus = name + i;
		} else if (!qr_url__is_word(c)) {
			return "drivername character is not a letter, digit, "
			       "'_' or '+'";
		}
	}
	*bad = 0;
	return NULL;
}

/* A NUL-terminated copy of n bytes of s, or NULL (nothing recorded). */
static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Copies s (NULL stays NULL) into *out; false when out of memory. */
static bool dup_opt(char **out, const char *s)
{
	*out = NULL;
	if (!s)
		return true;
	*out = dup_n(s, strlen(s));
	return *out != NULL;
}

/* Fills the three drivername fields of url from a valid name, replacing
 * the old ones only when every copy succeeded. */
static int assign_drivername(qr_url *url, const char *name, size_t len)
{
	const char *plus = memchr(name, '+', len);
	size_t dlen = plus ? (size_t)(plus - name) : len;
	char *full = dup_n(name, len);
	char *dialect = dup_n(name, dlen);
	char *driver = plus ? dup_n(plus + 1, len - dlen - 1) : NULL;

	if (!full || !dialect || (plus && !driver)) {
		free(full);
		free(dialect);
		free(driver);
		return qr_error_oom("URL drivername");
	}
	free(url->drivername);
	free(url->dialect);
	free(url->driver);
	url->drivername = full;
	url->dialect = dialect;
	url->driver = driver;
	return 0;
}

qr_url *qr_url__alloc(const char *name, size_t len)
{
	qr_url *url = calloc(1, sizeof(*url));

	if (!url) {
		qr_error_oom("URL");
		return NULL;
	}
	url->port = -1;
	if (assign_drivername(url, name, len)) {
		free(url);
		return NULL;
	}
	return url;
}

/* Makes room for one more parameter. */
static int query_reserve(qr_url *url)
{
	if (url->query_len < url->query_cap)
		return 0;
	size_t cap = url->query_cap ? url->query_cap * 2 : 4;
	qr_url_param *q = realloc(url->query, cap * sizeof(*q));

	if (!q)
		return qr_error_oom("URL query parameters");
	url->query = q;
	url->query_cap = cap;
	return 0;
}

int qr_url__query_append(qr_url *url, char *key, char *value)
{
	int rc = query_reserve(url);

	if (rc)
		return rc;
	url->query[url->query_len].key = key;
	url->query[url->query_len].value = value;
	url->query_len++;
	return 0;
}

int qr_url_new(qr_url **out, const char *drivername)
{
	size_t bad;
	const char *why;

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_new: out is NULL");
	*out = NULL;
	if (!drivername)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_new: drivername is NULL");
	why = qr_url__drivername_problem(drivername, strlen(drivername), &bad);
	if (why)
		return qr_error_set(
			QR_EURL, QR_ECLASS_ARGUMENT,
			"invalid drivername '%s': %s at position %zu",
			drivername, why, bad);
	*out = qr_url__alloc(drivername, strlen(drivername));
	return *out ? 0 : QR_ENOMEM;
}

void qr_url_free(qr_url *url)
{
	if (!url)
		return;
	free(url->drivername);
	free(url->dialect);
	free(url->driver);
	free(url->username);
	free(url->password);
	free(url->host);
	free(url->database);
	for (size_t i = 0; i < url->query_len; i++) {
		free(url->query[i].key);
		free(url->query[i].value);
	}
	free(url->query);
	free(url);
}

int qr_url_copy(qr_url **out, const qr_url *url)
{
	qr_url *c;

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_copy: out is NULL");
	*out = NULL;
	if (!url)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_copy: url is NULL");
	c = qr_url__alloc(url->drivername, strlen(url->drivername));
	if (!c)
		return QR_ENOMEM;
	c->port = url->port;
	if (!dup_opt(&c->username, url->username) ||
	    !dup_opt(&c->password, url->password) ||
	    !dup_opt(&c->host, url->host) ||
	    !dup_opt(&c->database, url->database))
		goto oom;
	if (url->query_len) {
		c->query = malloc(url->query_len * sizeof(*c->query));
		if (!c->query)
			goto oom;
		c->query_cap = url->query_len;
		for (size_t i = 0; i < url->query_len; i++) {
			char *k, *v;

			if (!dup_opt(&k, url->query[i].key))
				goto oom;
			if (!dup_opt(&v, url->query[i].value)) {
				free(k);
				goto oom;
			}
			c->query[i].key = k;
			c->query[i].value = v;
			c->query_len = i + 1;
		}
	}
	*out = c;
	return 0;
oom:
	qr_url_free(c);
	return qr_error_oom("URL copy");
}

const char *qr_url_drivername(const qr_url *url)
{
	return url ? url->drivername : NULL;
}

const char *qr_url_dialect(const qr_url *url)
{
	return url ? url->dialect : NULL;
}

const char *qr_url_driver(const qr_url *url)
{
	return url ? url->driver : NULL;
}

const char *qr_url_username(const qr_url *url)
{
	return url ? url->username : NULL;
}

const char *qr_url_password(const qr_url *url)
{
	return url ? url->password : NULL;
}

const char *qr_url_host(const qr_url *url)
{
	return url ? url->host : NULL;
}

const char *qr_url_database(const qr_url *url)
{
	return url ? url->database : NULL;
}

int qr_url_port(const qr_url *url)
{
	return url ? url->port : -1;
}

size_t qr_url_query_count(const qr_url *url)
{
	return url ? url->query_len : 0;
}

const char *qr_url_query_key(const qr_url *url, size_t index)
{
	return url && index < url->query_len ? url->query[index].key : NULL;
}

const char *qr_url_query_value(const qr_url *url, size_t index)
{
	return url && index < url->query_len ? url->query[index].value : NULL;
}

const char *qr_url_query_get(const qr_url *url, const char *key)
{
	if (!url || !key)
		return NULL;
	for (size_t i = 0; i < url->query_len; i++) {
		if (!strcmp(url->query[i].key, key))
			return url->query[i].value;
	}
	return NULL;
}

size_t qr_url_query_count_key(const qr_url *url, const char *key)
{
	size_t n = 0;

	if (!url || !key)
		return 0;
	for (size_t i = 0; i < url->query_len; i++)
		n += !strcmp(url->query[i].key, key);
	return n;
}

int qr_url_set_drivername(qr_url *url, const char *drivername)
{
	size_t bad;
	const char *why;

	if (!url || !drivername)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_set_drivername: %s is NULL",
				    url ? "drivername" : "url");
	why = qr_url__drivername_problem(drivername, strlen(drivername), &bad);
	if (why)
		return qr_error_set(
			QR_EINVAL, QR_ECLASS_ARGUMENT,
			"invalid drivername '%s': %s at position %zu",
			drivername, why, bad);
	return assign_drivername(url, drivername, strlen(drivername));
}

/* The body of the string setters: copy value (NULL removes the part). */
static int set_part(qr_url *url, char **slot, const char *value,
		    const char *what)
{
	char *copy;

	if (!url)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_set_%s: url is NULL", what);
	if (!dup_opt(&copy, value))
		return qr_error_oom(what);
	free(*slot);
	*slot = copy;
	return 0;
}

int qr_url_set_username(qr_url *url, const char *username)
{
	return set_part(url, url ? &url->username : NULL, username, "username");
}

int qr_url_set_password(qr_url *url, const char *password)
{
	return set_part(url, url ? &url->password : NULL, password, "password");
}

int qr_url_set_host(qr_url *url, const char *host)
{
	return set_part(url, url ? &url->host : NULL, host, "host");
}

int qr_url_set_database(qr_url *url, const char *database)
{
	return set_part(url, url ? &url->database : NULL, database, "database");
}

int qr_url_set_port(qr_url *url, int port)
{
	if (!url)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_set_port: url is NULL");
	if (port < -1 || port > 65535)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_set_port: port %d is outside "
				    "0..65535 (-1 removes it)",
				    port);
	url->port = port;
	return 0;
}

/* Checks the arguments shared by query_add and query_set. */
static int check_param(const char *fn, const qr_url *url, const char *key,
		       const char *value)
{
	if (!url || !key || !value)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: %s is NULL", fn,
				    !url   ? "url"
				    : !key ? "key"
					   : "value");
	return 0;
}

int qr_url_query_add(qr_url *url, const char *key, const char *value)
{
	char *k, *v;
	int rc = check_param("qr_url_query_add", url, key, value);

	if (rc)
		return rc;
	k = dup_n(key, strlen(key));
	v = dup_n(value, strlen(value));
	if (!k || !v) {
		free(k);
		free(v);
		return qr_error_oom("URL query parameter");
	}
	rc = qr_url__query_append(url, k, v);
	if (rc) {
		free(k);
		free(v);
	}
	return rc;
}

int qr_url_query_set(qr_url *url, const char *key, const char *value)
{
	char *v;
	size_t first, w;
	int rc = check_param("qr_url_query_set", url, key, value);

	if (rc)
		return rc;
	for (first = 0; first < url->query_len; first++) {
		if (!strcmp(url->query[first].key, key))
			break;
	}
	if (first == url->query_len)
		return qr_url_query_add(url, key, value);
	v = dup_n(value, strlen(value));
	if (!v)
		return qr_error_oom("URL query parameter");
	/* The first occurrence keeps its place; later ones go. */
	free(url->query[first].value);
	url->query[first].value = v;
	w = first + 1;
	for (size_t i = first + 1; i < url->query_len; i++) {
		if (!strcmp(url->query[i].key, key)) {
			free(url->query[i].key);
			free(url->query[i].value);
		} else {
			url->query[w++] = url->query[i];
		}
	}
	url->query_len = w;
	return 0;
}

size_t qr_url_query_remove(qr_url *url, const char *key)
{
	size_t w = 0, removed = 0;

	if (!url || !key)
		return 0;
	for (size_t i = 0; i < url->query_len; i++) {
		if (!strcmp(url->query[i].key, key)) {
			free(url->query[i].key);
			free(url->query[i].value);
			removed++;
		} else {
			url->query[w++] = url->query[i];
		}
	}
	url->query_len = w;
	return removed;
}
