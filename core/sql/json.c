/*
 * json.c - compiling JSON elements (SQLAlchemy's per-dialect
 * visit_json_getitem_op_binary); expr_ops.c builds them.
 *
 * An element is a BINARY node of op JSON_GETITEM: the JSON expression,
 * then the key or index as a typed bind (a string or an integer), its
 * own type JSON until qr_json_as() gives another. PostgreSQL (and the
 * default compiler) use -> and ->>; SQLite and MySQL take a JSON path,
 * '$."key"' or '$[2]': the bind goes through json_path_type, whose bind
 * conversion writes that path from the key (SQLAlchemy's JSONIndexType
 * bind processor), so that a compiled form serves every key.
 */
#include "compiler.h"

#include "../mem.h"
#include "typeconv.h"

#include <quarry/sys/error.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- the JSON path of SQLite and MySQL --------------------------------- */

/* '$."key"' for a string key, '$[2]' for an integer index. */
static int format_path(qr_value *out, const qr_value *in, qr_scratch *scratch,
		       void *userdata)
{
	(void)userdata;
	if (in->kind == QR_VINT) {
		char buf[32];
		int n = snprintf(buf, sizeof(buf), "$[%" PRId64 "]", in->u.i);
		char *s = qr_scratch_strndup(scratch, buf, (size_t)n);
		if (!s)
			return QR_ENOMEM;
		*out = qr_val_textn(s, (size_t)n);
		return 0;
	}
	if (in->kind != QR_VTEXT) {
		*out = *in;
		return 0;
	}
	size_t len = in->u.s.len + 5;
	char *s = qr_scratch_alloc(scratch, len + 1);
	if (!s)
		return QR_ENOMEM;
	memcpy(s, "$.\"", 3);
	memcpy(s + 3, in->u.s.ptr, in->u.s.len);
	memcpy(s + 3 + in->u.s.len, "\"", 2);
	*out = qr_val_textn(s, len - 1);
	return 0;
}

static const qr_type_decorator json_path_type = {
	.name = "JSONIndexType",
	.impl = {.kind = QR_TYPE_STRING},
	.process_bind = format_path,
};

int qr_sqlc__json_operands(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];
	qr_sqlc_hint old = qr_sqlc__hint_binary(c, l, r);

	qr_sqlc__visit(c, l, ctx & ~QR_CTX_COLUMNS);
	qr_sqlc__puts(c, ", ");
	if (r->kind == QR_NODE_BIND && (ctx & QR_CTX_LITERAL) &&
	    (r->flags & QR_NF_BIND_VALUE)) {
		/* inline: the path as a string literal */
		qr_scratch *s = qr_scratch__new();
		qr_value path;
		int rc = s ? format_path(&path, &r->value, s, NULL) : QR_ENOMEM;
		if (rc == 0 && path.kind == QR_VTEXT)
			qr_sqlc__string_literal(c, path.u.s.ptr);
		else if (rc == 0)
			qr_sqlc__visit(c, r, ctx);
		else
			qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
		qr_scratch__free(s);
	} else {
		size_t before = c->nslots;
		qr_sqlc__visit(c, r, ctx & ~QR_CTX_COLUMNS);
		/* the key's slot: bound as a path */
		if (r->kind == QR_NODE_BIND && c->nslots == before + 1 &&
		    !c->rc)
			c->slots[before].type = qr_decorated(&json_path_type);
	}
	qr_sqlc__hint_restore(c, old);
	return c->rc;
}

/* ---- the default: PostgreSQL's operators ------------------------------- */

int qr_sqlc__binary_json_getitem(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	bool json = n->type.kind == QR_TYPE_JSON;
	const qr_node *l = n->kids[QR_BIN_LEFT], *r = n->kids[QR_BIN_RIGHT];

	ctx &= ~QR_CTX_COLUMNS;
	if (!json)
		qr_sqlc__puts(c, "CAST(");
	qr_sqlc_hint old = qr_sqlc__hint_binary(c, l, r);
	qr_sqlc__visit_grouped(c, l, QR_OP_JSON_GETITEM, ctx | QR_CTX_OPERAND);
	qr_sqlc__puts(c, json ? " -> " : " ->> ");
	qr_sqlc__visit_grouped(c, r, QR_OP_JSON_GETITEM, ctx | QR_CTX_OPERAND);
	qr_sqlc__hint_restore(c, old);
	if (!json) {
		qr_sqlc__puts(c, " AS ");
		qr_sqlc__type_ddl(c, &n->type);
		qr_sqlc__puts(c, ")");
	}
	return c->rc;
}
