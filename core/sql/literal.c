/*
 * literal.c - values as SQL literals of a dialect (SQLAlchemy's
 * literal_binds / render_literal_value), the debug rendering of a
 * compiled statement, and the compiled statement's flags.
 */
#include "compiler.h"

#include "../mem.h"
#include "typeconv.h"

#include <quarry/compiler.h>
#include <quarry/sys/error.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_mysql(const qr_dialect *d)
{
	return d && d->name &&
	       (strcmp(d->name, "mysql") == 0 ||
		strcmp(d->name, "mariadb") == 0);
}

static bool is_postgresql(const qr_dialect *d)
{
	return d && d->name && strcmp(d->name, "postgresql") == 0;
}

static void quoted(qr_strbuf *b, const char *s, size_t n, bool backslashes)
{
	qr_strbuf__putc(b, '\'');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			qr_strbuf__putc(b, '\'');
		else if (backslashes && s[i] == '\\')
			qr_strbuf__putc(b, '\\');
		if (backslashes && s[i] == '\0') {
			qr_strbuf__puts(b, "\\0"); /* MySQL's escape */
			continue;
		}
		qr_strbuf__putc(b, s[i]);
	}
	qr_strbuf__putc(b, '\'');
}

/* Python's repr() of a float: the shortest text that reads back. */
static void float_repr(qr_strbuf *b, double d)
{
	char buf[64];
	if (isnan(d)) {
		qr_strbuf__puts(b, "'NaN'");
		return;
	}
	if (isinf(d)) {
		qr_strbuf__puts(b, d > 0 ? "'Infinity'" : "'-Infinity'");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	qr_strbuf__puts(b, buf);
	if (!strpbrk(buf, ".eEn"))
		qr_strbuf__puts(b, ".0");
}

static int render_value(const qr_dialect *d, qr_strbuf *b, const qr_value *v)
{
	char buf[64];
	switch (v->kind) {
	case QR_VLIST:
		/* An expanding parameter: its values, comma-separated. */
		for (size_t i = 0; i < v->u.list.n; i++) {
			if (i)
				qr_strbuf__puts(b, ", ");
			int rc = render_value(d, b, &v->u.list.items[i]);
			if (rc)
				return rc;
		}
		break;
	case QR_VNULL:
		qr_strbuf__puts(b, "NULL");
		break;
	case QR_VINT:
		qr_strbuf__printf(b, "%" PRId64, v->u.i);
		break;
	case QR_VDOUBLE:
		float_repr(b, v->u.d);
		break;
	case QR_VBOOL:
		if (d && (d->features & QR_FEATURE_NATIVE_BOOLEAN))
			qr_strbuf__puts(b, v->u.b ? "true" : "false");
		else
			qr_strbuf__puts(b, v->u.b ? "1" : "0");
		break;
	case QR_VTEXT:
		/* A NUL byte would end the rendered C string early: only
		 * MySQL has an escape for it ('\0'). */
		if (!is_mysql(d) && v->u.s.len &&
		    memchr(v->u.s.ptr, '\0', v->u.s.len))
			return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
					    "a text value holding a NUL byte "
					    "cannot be written as a %s literal",
					    d && d->name ? d->name : "SQL");
		/* On PostgreSQL a backslash in a plain '...' literal is an
		 * escape when standard_conforming_strings is off: E'...' with
		 * backslashes doubled reads the same under either setting. */
		if (is_postgresql(d) && v->u.s.len &&
		    memchr(v->u.s.ptr, '\\', v->u.s.len)) {
			qr_strbuf__putc(b, 'E');
			quoted(b, v->u.s.ptr, v->u.s.len, true);
		} else {
			quoted(b, v->u.s.ptr, v->u.s.len, is_mysql(d));
		}
		break;
	case QR_VNUMERIC:
		qr_strbuf__put(b, v->u.s.ptr, v->u.s.len);
		break;
	case QR_VBLOB: {
		/* PostgreSQL: E'\\x..' (see QR_VTEXT above). */
		bool pg = is_postgresql(d);
		qr_strbuf__puts(b, pg ? "E'\\\\x" : "X'");
		for (size_t i = 0; i < v->u.s.len; i++)
			qr_strbuf__printf(b, "%02x",
					  (unsigned char)v->u.s.ptr[i]);
		qr_strbuf__puts(b, pg ? "'::bytea" : "'");
		break;
	}
	case QR_VDATE: {
		int n = qr_date_format(&v->u.date, buf, sizeof(buf));
		quoted(b, buf, n > 0 ? (size_t)n : 0, false);
		break;
	}
	case QR_VTIME: {
		int n = qr_time_format(&v->u.time, buf, sizeof(buf));
		quoted(b, buf, n > 0 ? (size_t)n : 0, false);
		break;
	}
	case QR_VDATETIME: {
		int n = qr_datetime_format(&v->u.datetime, buf, sizeof(buf));
		quoted(b, buf, n > 0 ? (size_t)n : 0, false);
		break;
	}
	}
	return b->error;
}

int qr_sqlc__literal_to(const qr_dialect *d, qr_strbuf *b, const qr_value *v,
			const qr_type *t)
{
	static const qr_type none = {.kind = QR_TYPE_NULL};
	if (!t)
		t = &none;
	const qr_compiler_overrides *ov = d ? d->compiler : NULL;
	qr_scratch *s = qr_scratch__new();
	if (!s)
		return QR_ENOMEM;
	qr_value conv;
	int rc = qr_type__bind(d, t, v, &conv, s);
	if (rc == 0) {
		int r = ov && ov->literal ? ov->literal(b, &conv, t) : 0;
		if (r < 0)
			rc = r;
		else if (r == 0)
			rc = render_value(d, b, &conv);
		else
			rc = b->error;
	}
	qr_scratch__free(s);
	return rc;
}

int qr_sqlc__literal(qr_sqlc *c, const qr_value *v, const qr_type *t)
{
	qr_strbuf b = {0};
	if (c->rc)
		return c->rc;
	/* Through qr_sqlc__put, which checks the bytes. */
	int rc = qr_sqlc__literal_to(c->d, &b, v, t);
	if (rc == 0)
		rc = qr_sqlc__put(c, b.s ? b.s : "", b.len);
	qr_strbuf__free(&b);
	if (rc && !c->rc)
		return qr_sqlc__fail(c, rc, "cannot render a literal value");
	return rc;
}

int qr_compiled_render_literal(char **out, const qr_compiled *c)
{
	if (!out || !c)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_compiled_render_literal: bad argument");
	*out = NULL;
	if (c->nslots && !c->positions)
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "literal rendering of a text() statement "
				    "with parameters is not supported");
	qr_strbuf b = {0};
	size_t at = 0;
	qr_strbuf__put(&b, "", 0);
	for (size_t i = 0; i < c->npositions; i++) {
		const qr_param_pos *p = &c->positions[i];
		const qr_bindslot *s = &c->slots[p->slot];
		qr_strbuf__put(&b, c->sql + at, p->offset - at);
		if (!s->has_value) {
			qr_strbuf__free(&b);
			return qr_error_set(QR_EPARAM,
					    QR_ECLASS_INVALID_REQUEST,
					    "bind parameter '%s' has no value "
					    "to render",
					    s->name);
		}
		int rc = 0;
		if (s->value.kind != QR_VLIST)
			rc = qr_sqlc__literal_to(c->dialect, &b, &s->value,
						 &s->type);
		else if (!s->value.u.list.n) /* an expanding list */
			qr_strbuf__puts(
				&b, qr_compiled__empty_in(c->sql, p->offset));
		for (size_t k = 0; s->value.kind == QR_VLIST &&
				   k < s->value.u.list.n && rc == 0;
		     k++) {
			if (k)
				qr_strbuf__puts(&b, ", ");
			rc = qr_sqlc__literal_to(c->dialect, &b,
						 &s->value.u.list.items[k],
						 &s->type);
		}
		if (rc) {
			qr_strbuf__free(&b);
			return rc;
		}
		at = p->offset + p->len;
	}
	qr_strbuf__put(&b, c->sql + at, c->sql_len - at);
	char *s = qr_strbuf__take(&b);
	if (!s)
		return qr_error_oom("literal SQL");
	*out = s;
	return 0;
}

int qr_compile_literal(char **out, const qr_stmt *stmt, const char *dialect)
{
	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_compile_literal: out is NULL");
	*out = NULL;
	qr_compiled *c;
	int rc = qr_compile(&c, stmt, dialect);
	if (rc)
		return rc;
	rc = qr_compiled_render_literal(out, c);
	qr_compiled_free(c);
	return rc;
}

bool qr_compiled_returns_rows(const qr_compiled *c)
{
	return c && c->returns_rows;
}

bool qr_compiled_is_ddl(const qr_compiled *c)
{
	return c && c->is_ddl;
}

bool qr_compiled_is_dml(const qr_compiled *c)
{
	return c && c->is_dml;
}
