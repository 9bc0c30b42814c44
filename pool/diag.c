/*
 * diag.c - the pool-exhaustion error.
 *
 * SQLAlchemy says "QueuePool limit of size 5 overflow 10 reached,
 * connection timed out, timeout 30.00" and leaves the reader to guess who
 * holds the connections. quarry says the same and then names the holders:
 * the source locations of the checkouts, grouped, longest held first:
 *
 *   QueuePool limit of size 4 overflow 2 reached, connection timed out,
 *   timeout 0.50; 6 checked out: worker.c:88 in handle() x5 (longest
 *   12.31s), report.c:20 in nightly() (0.40s)
 */
#include "pool_internal.h"

#include <quarry/sys/error.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_SITES 8
/* Room for the holders part inside QR_ERROR_MESSAGE_MAX. */
#define HOLDERS_MAX 360

typedef struct site {
	const char *file;
	int line;
	const char *func;
	int count;
	double longest;
} site;

static bool same_site(const site *s, const qr_pooled *h)
{
	if (s->line != h->line)
		return false;
	if (s->file != h->file &&
	    (!s->file || !h->file || strcmp(s->file, h->file) != 0))
		return false;
	return s->func == h->func ||
	       (s->func && h->func && strcmp(s->func, h->func) == 0);
}

/* The base name of a path, for shorter messages. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
	QR_PRINTF(4, 5);

static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	if (*len >= cap)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n > 0)
		*len += (size_t)n < cap - *len ? (size_t)n : cap - *len;
}

/* Describes the holders into buf; the holders list runs from the longest
 * held, so sites come out in order of their longest holder. */
static void describe_holders(qr_pool *p, char *buf, size_t cap)
{
	site sites[MAX_SITES];
	int nsites = 0, others = 0;
	double now = qr_pool__now();
	size_t len = 0;

	buf[0] = '\0';
	if (p->checked_out == 0)
		return;
	for (qr_pooled *h = p->holders.next; h != &p->holders; h = h->next) {
		double held = now - h->since;
		int i;
		for (i = 0; i < nsites; i++)
			if (same_site(&sites[i], h))
				break;
		if (i == nsites) {
			if (nsites == MAX_SITES) {
				others++;
				continue;
			}
			sites[nsites++] =
				(site){h->file, h->line, h->func, 0, held};
		}
		sites[i].count++;
		if (held > sites[i].longest)
			sites[i].longest = held;
	}

	append(buf, cap, &len, "; %d checked out:", p->checked_out);
	for (int i = 0; i < nsites; i++) {
		char one[160];
		const site *s = &sites[i];
		if (s->file)
			snprintf(one, sizeof(one), "%s:%d%s%s%s",
				 base_name(s->file), s->line,
				 s->func ? " in " : "", s->func ? s->func : "",
				 s->func ? "()" : "");
		else
			snprintf(one, sizeof(one), "an unknown location");
		/* Keep room for the "and N more" tail. */
		size_t need = strlen(one) + 40;
		if (len + need >= cap - 32) {
			others += nsites - i;
			break;
		}
		append(buf, cap, &len, "%s %s", i ? "," : "", one);
		if (s->count > 1)
			append(buf, cap, &len, " x%d (longest %.2fs)", s->count,
			       s->longest);
		else
			append(buf, cap, &len, " (%.2fs)", s->longest);
	}
	if (others)
		append(buf, cap, &len, ", and %d more location%s", others,
		       others > 1 ? "s" : "");
}

int qr_pool__timeout_error(qr_pool *p)
{
	char holders[HOLDERS_MAX];
	describe_holders(p, holders, sizeof(holders));
	return qr_error_set(QR_ETIMEOUT, QR_ECLASS_OPERATIONAL,
			    "%s limit of size %d overflow %d reached, "
			    "connection timed out, timeout %.2f%s",
			    p->strategy->name, p->cfg.settings.size,
			    p->cfg.settings.max_overflow,
			    p->cfg.settings.timeout, holders);
}
