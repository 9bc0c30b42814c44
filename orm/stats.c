/*
 * stats.c - the statements a session sent, counted (all of them, and
 * those loading relationships), so tests can assert "no N+1".
 */
#include "orm_internal.h"

#include <string.h>

void qr_session_get_stats(qr_session_stats *out, const qr_session *s)
{
	if (!out)
		return;
	if (!s) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = s->stats;
}

void qr_session_reset_stats(qr_session *s)
{
	if (s)
		memset(&s->stats, 0, sizeof(s->stats));
}
