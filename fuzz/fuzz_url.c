/*
 * fuzz_url.c - libFuzzer target for database URLs (core/url*.c).
 *
 * The first input byte picks a mode, the rest is the payload:
 *
 *   even  the payload is URL text. When it parses, rendering it and
 *         parsing the rendering must give the same parts (render is
 *         canonical: rendering again gives the same text), and the
 *         rendering with the password hidden must parse back to the same
 *         parts with the password "***".
 *   odd   the payload is split at its first 0xFF byte into a user part U
 *         and a rest R, and the text "<dialect>://U:<secret>@R" is parsed
 *         (U stripped of ':' and '/', so that the secret is the
 *         password). Whatever happens, neither the error message nor the
 *         hidden rendering may contain the secret.
 *
 * A violated property aborts, which libFuzzer reports as a crash.
 */
#include <quarry.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET "Pw7xSecretQ"

static void violated(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_url: %s\n  input: '%s'\n  last error: %s\n", what,
		text, qr_error_last()->message);
	abort();
}

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The values of a key, in order, are the same in both URLs. */
static bool same_values(const qr_url *a, const qr_url *b, const char *key)
{
	size_t ia = 0, ib = 0, na = qr_url_query_count(a),
	       nb = qr_url_query_count(b);

	for (;;) {
		while (ia < na && strcmp(qr_url_query_key(a, ia), key))
			ia++;
		while (ib < nb && strcmp(qr_url_query_key(b, ib), key))
			ib++;
		if (ia == na || ib == nb)
			return ia == na && ib == nb;
		if (strcmp(qr_url_query_value(a, ia),
			   qr_url_query_value(b, ib)))
			return false;
		ia++;
		ib++;
	}
}

/* Every part equal; the password of b is want_password. */
static bool same_parts(const qr_url *a, const qr_url *b,
		       const char *want_password)
{
	if (!str_eq(qr_url_drivername(a), qr_url_drivername(b)) ||
	    !str_eq(qr_url_dialect(a), qr_url_dialect(b)) ||
	    !str_eq(qr_url_driver(a), qr_url_driver(b)) ||
	    !str_eq(qr_url_username(a), qr_url_username(b)) ||
	    !str_eq(want_password, qr_url_password(b)) ||
	    !str_eq(qr_url_host(a), qr_url_host(b)) ||
	    !str_eq(qr_url_database(a), qr_url_database(b)) ||
	    qr_url_port(a) != qr_url_port(b) ||
	    qr_url_query_count(a) != qr_url_query_count(b))
		return false;
	for (size_t i = 0; i < qr_url_query_count(a); i++) {
		const char *key = qr_url_query_key(a, i);
		if (qr_url_query_count_key(a, key) !=
			    qr_url_query_count_key(b, key) ||
		    !same_values(a, b, key))
			return false;
	}
	return true;
}

static void round_trip(const char *text)
{
	qr_url *url, *back, *hidden, *copy;
	char *shown, *again, *masked;

	if (qr_url_parse(&url, text) != 0) {
		if (url)
			violated("failed parse left *out set", text);
		return;
	}
	if (qr_url_render(&shown, url, false) != 0)
		violated("render failed", text);
	if (qr_url_parse(&back, shown) != 0)
		violated("the rendering does not parse", shown);
	if (!same_parts(url, back, qr_url_password(url)))
		violated("the rendering parses to other parts", shown);
	if (qr_url_render(&again, back, false) != 0 || strcmp(again, shown))
		violated("rendering is not canonical", shown);

	if (qr_url_render(&masked, url, true) != 0)
		violated("hidden render failed", text);
	if (qr_url_parse(&hidden, masked) != 0)
		violated("the hidden rendering does not parse", masked);
	if (!same_parts(url, hidden, qr_url_password(url) ? "***" : NULL))
		violated("the hidden rendering parses to other parts", masked);

	if (qr_url_copy(&copy, url) != 0 ||
	    !same_parts(url, copy, qr_url_password(url)))
		violated("the copy differs", text);

	qr_url_free(copy);
	qr_url_free(hidden);
	qr_free(masked);
	qr_free(again);
	qr_url_free(back);
	qr_free(shown);
	qr_url_free(url);
}

static void secret_hidden(const uint8_t *data, size_t size)
{
	static const char *const schemes[] = {"postgresql", "mysql+pymysql",
					      "sqlite", "bad name", "x+y+z"};
	const uint8_t *sep = memchr(data, 0xFF, size);
	size_t ulen = sep ? (size_t)(sep - data) : size;
	const char *scheme;
	char *text, *p, *masked;
	qr_url *url;

	if (size == 0)
		return;
	scheme = schemes[data[0] % (sizeof(schemes) / sizeof(schemes[0]))];
	data++, size--, ulen = ulen ? ulen - 1 : 0;
	text = malloc(strlen(scheme) + size + sizeof(SECRET) + 8);
	if (!text)
		return;
	p = text + sprintf(text, "%s://", scheme);
	for (size_t i = 0; i < ulen; i++) {
		if (data[i] && data[i] != ':' && data[i] != '/')
			*p++ = (char)data[i];
	}
	p += sprintf(p, ":%s@", SECRET);
	for (size_t i = ulen + 1; i < size; i++) {
		if (data[i])
			*p++ = (char)data[i];
	}
	*p = '\0';
	/* The fuzzer may write the secret itself elsewhere. */
	if (strstr(strstr(text, SECRET) + 1, SECRET) ||
	    strstr(text, SECRET) != strchr(strstr(text, "://") + 3, ':') + 1) {
		free(text);
		return;
	}
	qr_error_clear();
	if (qr_url_parse(&url, text) != 0) {
		if (strstr(qr_error_last()->message, SECRET))
			violated("the error message shows the password", text);
		free(text);
		return;
	}
	if (!str_eq(qr_url_password(url), SECRET))
		violated("the password is not the secret", text);
	if (qr_url_render(&masked, url, true) != 0)
		violated("hidden render failed", text);
	if (strstr(masked, SECRET))
		violated("the hidden rendering shows the password", masked);
	qr_free(masked);
	qr_url_free(url);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size == 0)
		return 0;
	if (data[0] & 1) {
		secret_hidden(data + 1, size - 1);
		return 0;
	}
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	round_trip(text);
	free(text);
	return 0;
}
