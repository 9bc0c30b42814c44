/*
 * url_parse.c - qr_url_parse(): database URLs read the way SQLAlchemy 2.0's
 * make_url() reads them, then checked more strictly.
 *
 * SQLAlchemy matches
 *
 *   name     [\w+]+  "://"
 *   userinfo ( username [^:/]*  ( ":" password [^@]* )?  "@" )?
 *   host     ( "[" ipv6 [^/?]+ "]"  |  ipv4 [^/:?]+ )?  ( ":" port [^/?]* )?
 *   database ( "/" [^?]* )?
 *   query    ( "?" .* )?
 *
 * and this parser reproduces what that regular expression captures,
 * including its backtracking: when a ':' follows the first run of
 * characters other than ':' and '/', and an '@' comes anywhere after it,
 * the password runs from that ':' to the FIRST '@' after it (it may hold
 * '/', '?' and ':'); otherwise the username runs to the LAST '@' of that
 * run. So "u:p@ss@h" has the password "p" - quarry reports that as an
 * error (an unescaped '@' after the password) where SQLAlchemy would take
 * "ss@h" as the host. Write '@' in a password as %40.
 *
 * Where SQLAlchemy stays silent quarry reports QR_EURL instead: an empty
 * or non-numeric port (SQLAlchemy raises ValueError from int()), a port
 * above 65535, an unclosed '[', characters after "[...]" that SQLAlchemy
 * silently drops, bad percent escapes (Python's unquote() leaves them as
 * they are), %00, and control characters. A drivername may hold at most
 * one '+', with a name on each side.
 *
 * Every part is percent-decoded (include/quarry/url.h): username, password,
 * host and database with unquote(); query keys and values as parse_qsl()
 * does, '+' meaning a space. SQLAlchemy leaves host and database as
 * written. Unlike parse_qsl() with its defaults, a parameter with an empty
 * value ("k=" or "k") is kept with the value "", so that every URL built
 * with qr_url_query_add() renders and parses back unchanged.
 *
 * Error messages quote the URL with its password replaced by "***".
 */
#include "url_internal.h"

#include <quarry/sys/error.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* At most this many bytes of the URL are quoted in a message. */
#define URL_ECHO_MAX 160
/* At most this many bytes of a bad port are quoted in a message. */
#define PORT_ECHO_MAX 24

/* Where the userinfo found by SQLAlchemy's expression lies. */
struct userinfo {
	bool present;      /* a userinfo ending in '@' was found */
	size_t user_end;   /* the username is [start, user_end) */
	bool has_password; /* ":password" was written */
	size_t pw_start;   /* the password is [pw_start, pw_end) */
	size_t pw_end;     /* the '@' closing the password */
	size_t after;      /* the first byte after the userinfo */
};

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* The userinfo of t, which starts at start; see the file comment. */
static void find_userinfo(const char *t, size_t start, struct userinfo *ui)
{
	size_t run = start + strcspn(t + start, ":/");
	const char *at;

	memset(ui, 0, sizeof(*ui));
	ui->after = start;
	if (t[run] == ':' && (at = strchr(t + run + 1, '@')) != NULL) {
		ui->present = true;
		ui->user_end = run;
		ui->has_password = true;
		ui->pw_start = run + 1;
		ui->pw_end = (size_t)(at - t);
		ui->after = ui->pw_end + 1;
		return;
	}
	for (size_t i = run; i > start; i--) {
		if (t[i - 1] == '@') {
			ui->present = true;
			ui->user_end = i - 1;
			ui->after = i;
			return;
		}
	}
}

/*
 * The span [*from, *to) of text that a message must not show. After a
 * successful scheme it is the password, stretched to the last '@' before
 * the host ends (an unescaped '@' in the password would otherwise leave
 * its tail visible). When the scheme itself is malformed the parts are
 * unknown: everything from the first ':' to the last '@' is hidden.
 * Returns false when there is nothing to hide.
 */
static bool secret_span(const char *text, bool scheme_ok, size_t *from,
			size_t *to)
{
	if (scheme_ok) {
		struct userinfo ui;
		size_t start = (size_t)(strstr(text, "://") - text) + 3;
		size_t end;

		find_userinfo(text, start, &ui);
		if (!ui.has_password)
			return false;
		*from = ui.pw_start;
		*to = ui.pw_end;
		end = ui.after + strcspn(text + ui.after, "/?");
		for (size_t i = ui.after; i < end; i++) {
			if (text[i] == '@')
				*to = i;
		}
		return true;
	}
	const char *colon = strchr(text, ':');
	const char *at = strrchr(text, '@');
	if (!colon || !at || at < colon)
		return false;
	*from = (size_t)(colon - text) + 1;
	*to = (size_t)(at - text);
	return true;
}

/* A printable copy of text for a message, into buf (URL_ECHO_MAX + 8
 * bytes): the secret span replaced by "***", control characters by '?',
 * cut with "..." past URL_ECHO_MAX bytes. */
static void shown_copy(char *buf, const char *text, bool scheme_ok)
{
	size_t from = SIZE_MAX, to = 0, n = 0;

	secret_span(text, scheme_ok, &from, &to);
	for (size_t i = 0; text[i]; i++) {
		if (n >= URL_ECHO_MAX) {
			memcpy(buf + n, "...", 3);
			n += 3;
			break;
		}
		if (i == from) {
			/* text[to] is the '@' that ends the secret. */
			memcpy(buf + n, "***", 3);
			n += 3;
			i = to;
		}
		buf[n++] = is_control((unsigned char)text[i]) ? '?' : text[i];
	}
	buf[n] = '\0';
}

static int fail(const char *text, bool scheme_ok, const char *fmt, ...)
	QR_PRINTF(3, 4);

/* Records QR_EURL: "invalid URL '<text, password hidden>': <detail>". */
static int fail(const char *text, bool scheme_ok, const char *fmt, ...)
{
	char shown[URL_ECHO_MAX + 8];
	char detail[QR_ERROR_MESSAGE_MAX];
	va_list ap;

	shown_copy(shown, text, scheme_ok);
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return qr_error_set(QR_EURL, QR_ECLASS_ARGUMENT, "invalid URL '%s': %s",
			    shown, detail);
}

/* "'x'" for a printable ASCII character, "0xNN" for any other byte. */
static const char *char_name(char buf[8], unsigned char c)
{
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, 8, "'%c'", c);
	else if (c == ' ')
		snprintf(buf, 8, "' '");
	else
		snprintf(buf, 8, "0x%02X", c);
	return buf;
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* How a part is decoded and named in messages. */
struct part {
	const char *name; /* "username", "query value", ... */
	bool plus_space;  /* '+' means ' ' (query keys and values) */
	bool secret;      /* never quote the part's text in a message */
};

/* Percent-decodes text[a, b) into a new string at *out. */
static int decode(char **out, const char *text, size_t a, size_t b,
		  const struct part *p)
{
	char *s = malloc(b - a + 1);
	size_t n = 0;

	*out = NULL;
	if (!s)
		return qr_error_oom("URL part");
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)text[i];
		int hi, lo;

		if (c == '+' && p->plus_space) {
			s[n++] = ' ';
			continue;
		}
		if (c != '%') {
			s[n++] = (char)c;
			continue;
		}
		if (b - i < 3) {
			free(s);
			if (p->secret)
				return fail(text, true,
					    "truncated percent escape in the "
					    "%s at position %zu",
					    p->name, i);
			return fail(text, true,
				    "truncated percent escape '%.*s' in the %s "
				    "at position %zu",
				    (int)(b - i), text + i, p->name, i);
		}
		hi = hex_value((unsigned char)text[i + 1]);
		lo = hex_value((unsigned char)text[i + 2]);
		if (hi < 0 || lo < 0) {
			free(s);
			if (p->secret)
				return fail(text, true,
					    "bad percent escape in the %s at "
					    "position %zu",
					    p->name, i);
			return fail(text, true,
				    "bad percent escape '%.3s' in the %s at "
				    "position %zu",
				    text + i, p->name, i);
		}
		if (hi == 0 && lo == 0) {
			free(s);
			return fail(text, true,
				    "percent escape %%00 in the %s at position "
				    "%zu would decode to NUL",
				    p->name, i);
		}
		s[n++] = (char)(hi * 16 + lo);
		i += 2;
	}
	s[n] = '\0';
	*out = s;
	return 0;
}

static const struct part USERNAME = {"username", false, false};
static const struct part PASSWORD = {"password", false, true};
static const struct part HOST = {"host", false, false};
static const struct part DATABASE = {"database", false, false};
static const struct part QUERY_KEY = {"query key", true, false};
static const struct part QUERY_VALUE = {"query value", true, false};

/* Checks the drivername text[0, *end) and that "://" follows it. */
static int parse_scheme(const char *text, size_t *end)
{
	size_t len = strlen(text), n = 0, bad;
	const char *why;
	char name[8];

	if (len == 0)
		return fail(text, false, "the URL is empty");
	for (size_t i = 0; i < len; i++) {
		if (is_control((unsigned char)text[i]))
			return fail(text, false,
				    "control character 0x%02X at position %zu",
				    (unsigned char)text[i], i);
	}
	while (qr_url__is_word((unsigned char)text[n]) || text[n] == '+')
		n++;
	if (strncmp(text + n, "://", 3) != 0) {
		unsigned char c = (unsigned char)text[n];

		if (c == ':')
			return fail(text, false,
				    "expected '://' at position %zu after the "
				    "drivername",
				    n);
		if (!strstr(text + n, "://"))
			return fail(text, false,
				    "no '://' after the drivername (expected "
				    "dialect[+driver]://...)");
		return fail(text, false,
			    "drivername character %s at position %zu is not "
			    "a letter, digit, '_' or '+'",
			    char_name(name, c), n);
	}
	why = qr_url__drivername_problem(text, n, &bad);
	if (why)
		return fail(text, false, "%s at position %zu", why, bad);
	*end = n;
	return 0;
}

/* The port in text[a, b): decimal digits only, at most 65535. */
static int parse_port(int *port, const char *text, size_t a, size_t b)
{
	long v = 0;
	int shown = (int)(b - a < PORT_ECHO_MAX ? b - a : PORT_ECHO_MAX);

	if (a == b)
		return fail(text, true, "empty port at position %zu", a);
	for (size_t i = a; i < b; i++) {
		if (text[i] < '0' || text[i] > '9')
			return fail(text, true,
				    "port '%.*s' at position %zu is not a "
				    "number",
				    shown, text + a, a);
		if (v <= 65535)
			v = v * 10 + (text[i] - '0');
	}
	if (v > 65535)
		return fail(text, true,
			    "port %.*s at position %zu is out of range "
			    "0..65535",
			    shown, text + a, a);
	*port = (int)v;
	return 0;
}

/* The host at *pos, bracketed or not; leaves *pos after it. */
static int parse_host(qr_url *url, const char *text, size_t *pos)
{
	size_t p = *pos;

	if (text[p] == '[') {
		size_t end = p + strcspn(text + p, "/?"), close = 0;
		unsigned char c;
		char name[8];
		int rc;

		for (size_t i = p + 1; i < end; i++) {
			if (text[i] == ']')
				close = i;
		}
		if (!close)
			return fail(text, true,
				    "unclosed '[' in the host at position %zu",
				    p);
		if (close == p + 1)
			return fail(text, true,
				    "empty IPv6 host '[]' at position %zu", p);
		rc = decode(&url->host, text, p + 1, close, &HOST);
		if (rc)
			return rc;
		c = (unsigned char)text[close + 1];
		if (c && c != ':' && c != '/' && c != '?')
			return fail(text, true,
				    "unexpected character %s at position %zu "
				    "after the bracketed host (expected ':', "
				    "'/', '?' or the end)",
				    char_name(name, c), close + 1);
		*pos = close + 1;
		return 0;
	}
	size_t end = p + strcspn(text + p, "/:?");
	if (end > p) {
		int rc = decode(&url->host, text, p, end, &HOST);
		if (rc)
			return rc;
	}
	*pos = end;
	return 0;
}

/* The query string text[a, end of text): '&'-separated key=value. */
static int parse_query(qr_url *url, const char *text, size_t a)
{
	size_t len = strlen(text);

	for (size_t i = a; i <= len;) {
		size_t end = i + strcspn(text + i, "&");
		size_t eq = i + strcspn(text + i, "&=");
		char *key = NULL, *value = NULL;
		int rc;

		if (end == i) {
			i = end + 1;
			continue;
		}
		rc = decode(&key, text, i, eq, &QUERY_KEY);
		if (!rc)
			rc = decode(&value, text, eq < end ? eq + 1 : end, end,
				    &QUERY_VALUE);
		if (!rc)
			rc = qr_url__query_append(url, key, value);
		if (rc) {
			free(key);
			free(value);
			return rc;
		}
		i = end + 1;
	}
	return 0;
}

/* Everything after "://", at pos. */
static int parse_rest(qr_url *url, const char *text, size_t pos)
{
	struct userinfo ui;
	int rc;

	find_userinfo(text, pos, &ui);
	if (ui.present) {
		rc = decode(&url->username, text, pos, ui.user_end, &USERNAME);
		if (!rc && ui.has_password)
			rc = decode(&url->password, text, ui.pw_start,
				    ui.pw_end, &PASSWORD);
		if (rc)
			return rc;
		pos = ui.after;
	}
	if (ui.has_password) {
		size_t end = pos + strcspn(text + pos, "/?");
		const char *at = memchr(text + pos, '@', end - pos);

		if (at)
			return fail(
				text, true,
				"unescaped '@' at position %zu after the "
				"password (write '@' in a password as %%40)",
				(size_t)(at - text));
	}
	rc = parse_host(url, text, &pos);
	if (rc)
		return rc;
	if (text[pos] == ':') {
		size_t end = pos + 1 + strcspn(text + pos + 1, "/?");

		rc = parse_port(&url->port, text, pos + 1, end);
		if (rc)
			return rc;
		pos = end;
	}
	if (text[pos] == '/') {
		size_t end = pos + 1 + strcspn(text + pos + 1, "?");

		rc = decode(&url->database, text, pos + 1, end, &DATABASE);
		if (rc)
			return rc;
		pos = end;
	}
	if (text[pos] == '?')
		return parse_query(url, text, pos + 1);
	return 0;
}

int qr_url_parse(qr_url **out, const char *text)
{
	qr_url *url;
	size_t name_len = 0;
	int rc;

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_parse: out is NULL");
	*out = NULL;
	if (!text)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_url_parse: text is NULL");
	rc = parse_scheme(text, &name_len);
	if (rc)
		return rc;
	url = qr_url__alloc(text, name_len);
	if (!url)
		return QR_ENOMEM;
	rc = parse_rest(url, text, name_len + 3);
	if (rc) {
		qr_url_free(url);
		return rc;
	}
	*out = url;
	return 0;
}
