/*
 * url_render.c - qr_url_render(): a URL as text, the way SQLAlchemy 2.0's
 * URL.render_as_string() writes it, and always parseable back by
 * qr_url_parse() into the same parts.
 *
 *   username, password  quote(s, safe=" +"): letters, digits, "_.-~",
 *                       ' ' and '+' as they are, every other byte %XX
 *   host                as it is, in brackets when it holds a ':'
 *   database            as it is
 *   query               sorted by key (byte order, as Python sorts str),
 *                       the values of a key in their order, each key and
 *                       value quote_plus()'d: ' ' becomes '+'
 *
 * Because quarry decodes host and database when parsing (SQLAlchemy does
 * not), the bytes that would not survive the parse are escaped there too:
 * '%', '?', '@', control characters, and in a host also '/', '[' and ']'.
 * Hosts and databases without those render exactly as SQLAlchemy's do.
 * As in SQLAlchemy a password is written only after a username, and an
 * empty host is written as nothing (it parses back as no host).
 */
#include "url_internal.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>

/* The text being rendered; with buf NULL only its length is counted. */
struct out {
	char *buf;
	size_t len;
};

/* Which bytes of a part are written as they are. */
enum charset { USERINFO, HOST, DATABASE, QUERY };

static void emit(struct out *o, const char *s, size_t n)
{
	if (o->buf)
		memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void emit_str(struct out *o, const char *s)
{
	emit(o, s, strlen(s));
}

static bool is_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
	       c == '~';
}

static bool keep(unsigned char c, enum charset set)
{
	switch (set) {
	case USERINFO:
		return is_unreserved(c) || c == ' ' || c == '+';
	case QUERY:
		return is_unreserved(c);
	case HOST:
		return c >= 0x20 && c != 0x7f && !strchr("%/?@[]", c);
	case DATABASE:
		return c >= 0x20 && c != 0x7f && !strchr("%?@", c);
	}
	return false;
}

static void emit_quoted(struct out *o, const char *s, enum charset set)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

		if (set == QUERY && c == ' ')
			emit(o, "+", 1);
		else if (keep(c, set))
			emit(o, (const char *)&c, 1);
		else
			emit(o, esc, 3);
	}
}

/* "?k=v&..." with keys in byte order, each key's values in order. */
static void emit_query(struct out *o, const qr_url *url)
{
	const char *prev = NULL;
	bool first = true;

	for (;;) {
		const char *next = NULL;

		for (size_t i = 0; i < url->query_len; i++) {
			const char *k = url->query[i].key;

			if ((!prev || strcmp(k, prev) > 0) &&
			    (!next || strcmp(k, next) < 0))
				next = k;
		}
		if (!next)
			return;
		for (size_t i = 0; i < url->query_len; i++) {
			if (strcmp(url->query[i].key, next))
				continue;
			emit(o, first ? "?" : "&", 1);
			emit_quoted(o, url->query[i].key, QUERY);
			emit(o, "=", 1);
			emit_quoted(o, url->query[i].value, QUERY);
			first = false;
		}
		prev = next;
	}
}

static void build(struct out *o, const qr_url *url, bool hide_password)
{
	emit_str(o, url->drivername);
	emit(o, "://", 3);
	if (url->username) {
		emit_quoted(o, url->username, USERINFO);
		if (url->password) {
			emit(o, ":", 1);
			if (hide_password)
				emit(o, "***", 3);
			else
				emit_quoted(o, url->password, USERINFO);
		}
		emit(o, "@", 1);
	}
	if (url->host) {
		bool bracket = strchr(url->host, ':') != NULL;

		if (bracket)
			emit(o, "[", 1);
		emit_quoted(o, url->host, HOST);
		if (bracket)
			emit(o, "]", 1);
	}
	if (url->port >= 0) {
		char digits[8];
		size_t n = 0;

		for (int p = url->port; n == 0 || p > 0; p /= 10)
			digits[n++] = (char)('0' + p % 10);
		emit(o, ":", 1);
		while (n > 0)
			emit(o, &digits[--n], 1);
	}
	if (url->database) {
		emit(o, "/", 1);
		emit_quoted(o, url->database, DATABASE);
	}
	emit_query(o, url);
}

int qr_url_render(char **out, const qr_url *url, bool hide_password)
{
	struct out o = {NULL, 0};

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_render: out is NULL");
	*out = NULL;
	if (!url)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_render: url is NULL");
	build(&o, url, hide_password);
	o.buf = malloc(o.len + 1);
	if (!o.buf)
		return qr_error_oom("rendered URL");
	o.len = 0;
	build(&o, url, hide_password);
	o.buf[o.len] = '\0';
	*out = o.buf;
	return 0;
}
