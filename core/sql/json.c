/*
 * json.c - compiling JSON elements (SQLAlchemy's per-dialect
 * visit_json_getitem_op_binary); expr_ops.c builds them.
 *
 * An element is a BINARY node of op JSON_GETITEM: the JSON expression,
 * then the key or index as a typed bind (a string or an integer), its
 * own type JSON until qr_json_as() gives another; op JSON_PATH_GETITEM
 * takes a path (a list value of keys and indexes). PostgreSQL (and the
 * default compiler) use -> / ->> and #> / #>> (the path as a text[]
 * literal, "{a, 1}"); SQLite and MySQL take a JSON path, '$."key"',
 * '$[2]', '$."a"[1]': the bind goes through a type whose bind conversion
 * writes the path from the key (SQLAlchemy's JSONIndexType and
 * JSONPathType bind processors), so that a compiled form serves every
 * key.
 */
#include "compiler.h"

#include "../mem.h"
#include "../strbuf.h"
#include "typeconv.h"

#include <quarry/sys/error.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- paths ------------------------------------------------------------ */

/* Appends a path element to b: SQLite's and MySQL's ."key" / [2]. */
static void dollar_element(qr_strbuf *b, const qr_value *v)
{
	if (v->kind == QR_VINT) {
		qr_strbuf__printf(b, "[%" PRId64 "]", v->u.i);
	} else {
		qr_strbuf__puts(b, ".\"");
		qr_strbuf__put(b, v->u.s.ptr ? v->u.s.ptr : "", v->u.s.len);
		qr_strbuf__putc(b, '"');
	}
}

/* Whether a key must be quoted inside a PostgreSQL array literal. */
static bool array_quote(const qr_value *v)
{
	if (v->u.s.len == 0)
		return true;
	for (size_t i = 0; i < v->u.s.len; i++) {
		char ch = v->u.s.ptr[i];
		if (ch == ',' || ch == '{' || ch == '}' || ch == '"' ||
		    ch == '\\' || ch == ' ' || ch == '\t' || ch == '\n')
			return true;
	}
	return v->u.s.len == 4 && strncasecmp(v->u.s.ptr, "null", 4) == 0;
}

/* Appends a path element to b: PostgreSQL's text[] item (SQLAlchemy's
 * "{a, 1, b}"; a key quoted when the literal needs it). */
static void array_element(qr_strbuf *b, const qr_value *v)
{
	if (v->kind == QR_VINT) {
		qr_strbuf__printf(b, "%" PRId64, v->u.i);
	} else if (!array_quote(v)) {
		qr_strbuf__put(b, v->u.s.ptr, v->u.s.len);
	} else {
		qr_strbuf__putc(b, '"');
		for (size_t i = 0; i < v->u.s.len; i++) {
			char ch = v->u.s.ptr[i];
			if (ch == '"' || ch == '\\')
				qr_strbuf__putc(b, '\\');
			qr_strbuf__putc(b, ch);
		}
		qr_strbuf__putc(b, '"');
	}
}

/* in (a key, an index, or a path: a list of them) as the path text of
 * a style: true for PostgreSQL's "{a, 1}" (a key or index alone passes
 * through), false for SQLite's and MySQL's '$."a"[1]'. */
static int format(qr_value *out, const qr_value *in, qr_scratch *scratch,
		  bool pg)
{
	qr_strbuf b = {0};
	const qr_value *items = in;
	size_t n = 1;

	if (in->kind == QR_VLIST) {
		items = in->u.list.items;
		n = in->u.list.n;
	} else if (pg || (in->kind != QR_VINT && in->kind != QR_VTEXT)) {
		*out = *in;
		return 0;
	}
	qr_strbuf__puts(&b, pg ? "{" : "$");
	for (size_t i = 0; i < n; i++) {
		if (items[i].kind != QR_VINT && items[i].kind != QR_VTEXT) {
			qr_strbuf__free(&b);
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "a JSON path element must be a "
					    "key (text) or an index (an "
					    "integer), not a %s",
					    qr_vkind_name(items[i].kind));
		}
		if (pg && i)
			qr_strbuf__puts(&b, ", ");
		if (pg)
			array_element(&b, &items[i]);
		else
			dollar_element(&b, &items[i]);
	}
	if (pg)
		qr_strbuf__putc(&b, '}');
	if (b.error)
		return qr_error_oom("JSON path");
	char *s = qr_scratch_strndup(scratch, b.s, b.len);
	size_t len = b.len;
	qr_strbuf__free(&b);
	if (!s)
		return qr_error_oom("JSON path");
	*out = qr_val_textn(s, len);
	return 0;
}

static int format_dollar(qr_value *out, const qr_value *in, qr_scratch *s,
			 void *userdata)
{
	(void)userdata;
	return format(out, in, s, false);
}

static int format_array(qr_value *out, const qr_value *in, qr_scratch *s,
			void *userdata)
{
	(void)userdata;
	return format(out, in, s, true);
}

/* The key's or path's bind conversion (SQLAlchemy's JSONIndexType /
 * JSONPathType bind processors). */
static const qr_type_decorator dollar_path = {
	.name = "JSONPathType",
	.impl = {.kind = QR_TYPE_STRING},
	.process_bind = format_dollar,
};
static const qr_type_decorator array_path = {
	.name = "JSONPathType",
	.impl = {.kind = QR_TYPE_STRING},
	.process_bind = format_array,
};

/* The key or path r, bound through dec (or inline, formatted, in a
 * literal context). */
static int visit_key(qr_sqlc *c, const qr_node *r, unsigned ctx,
		     const qr_type_decorator *dec)
{
	if (r->kind == QR_NODE_BIND && (ctx & QR_CTX_LITERAL) &&
	    (r->flags & QR_NF_BIND_VALUE)) {
		qr_scratch *s = qr_scratch__new();
		qr_value v;
		int rc = s ? dec->process_bind(&v, &r->value, s, NULL)
			   : QR_ENOMEM;
		if (rc == 0 && v.kind == QR_VTEXT)
			qr_sqlc__string_literal(c, v.u.s.ptr);
		else if (rc == 0)
			qr_sqlc__visit(c, r, ctx);
		else
			qr_sqlc__fail(c, rc, "%s", qr_error_last()->message);
		qr_scratch__free(s);
		return c->rc;
	}
	size_t before = c->nslots;
	qr_sqlc__visit(c, r, ctx);
	if (r->kind == QR_NODE_BIND && c->nslots == before + 1 && !c->rc)
		c->slots[before].type = qr_decorated(dec);
	return c->rc;
}

int qr_sqlc__json_operands(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];
	qr_sqlc_hint old = qr_sqlc__hint_binary(c, l, r);

	ctx &= ~QR_CTX_COLUMNS;
	qr_sqlc__visit(c, l, ctx);
	qr_sqlc__puts(c, ", ");
	visit_key(c, r, ctx, &dollar_path);
	qr_sqlc__hint_restore(c, old);
	return c->rc;
}

/* ---- the default: PostgreSQL's operators ------------------------------- */

int qr_sqlc__binary_json_getitem(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	bool json = n->type.kind == QR_TYPE_JSON;
	bool path = n->op == QR_OP_JSON_PATH_GETITEM;
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];

	ctx &= ~QR_CTX_COLUMNS;
	if (!json)
		qr_sqlc__puts(c, "CAST(");
	qr_sqlc_hint old = qr_sqlc__hint_binary(c, l, r);
	qr_sqlc__visit_grouped(c, l, (qr_opcode)n->op, ctx | QR_CTX_OPERAND);
	qr_sqlc__puts(c, path ? (json ? " #> " : " #>> ")
			      : (json ? " -> " : " ->> "));
	if (path)
		visit_key(c, r, ctx | QR_CTX_OPERAND, &array_path);
	else
		qr_sqlc__visit_grouped(c, r, (qr_opcode)n->op,
				       ctx | QR_CTX_OPERAND);
	qr_sqlc__hint_restore(c, old);
	if (!json) {
		qr_sqlc__puts(c, " AS ");
		qr_sqlc__type_ddl(c, &n->type);
		qr_sqlc__puts(c, ")");
	}
	return c->rc;
}
