/*
 * compiler.c - the compiler's core: state, output, dispatch, grouping,
 * anonymous names, bind parameters and the final placeholder pass.
 */
#include "compiler.h"

#include "../mem.h"
#include "typeconv.h"

#include <quarry/sys/error.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bind markers in the text while compiling: \1<slot>\2. */
#define MARK_OPEN '\x01'
#define MARK_CLOSE '\x02'

static const qr_compiler_overrides no_overrides;

void qr_sqlc__init(qr_sqlc *c, const qr_dialect *d)
{
	memset(c, 0, sizeof(*c));
	c->d = d;
	c->ov = d && d->compiler ? d->compiler : &no_overrides;
	c->b = &c->main;
}

void qr_sqlc__cleanup(qr_sqlc *c)
{
	qr_strbuf__free(&c->main);
	for (size_t i = 0; i < c->nslots; i++)
		free(c->slots[i].name);
	free(c->slots);
	for (size_t i = 0; i < c->nanon; i++)
		free(c->anon[i].name);
	free(c->anon);
	for (size_t i = 0; i < c->ncounters; i++)
		free(c->counters[i].derived);
	free(c->counters);
	for (size_t i = 0; i < c->depth; i++) {
		free(c->frames[i].correlate);
		free(c->frames[i].asfrom);
	}
	free(c->frames);
	for (size_t i = 0; i < c->nctes; i++) {
		free(c->ctes[i].name);
		free(c->ctes[i].text);
	}
	free(c->ctes);
	free(c->result_types);
	free(c->rowid_sql);
}

/* ---- output ----------------------------------------------------------- */

int qr_sqlc__fail(qr_sqlc *c, int code, const char *fmt, ...)
{
	if (c->rc)
		return c->rc;
	char msg[QR_ERROR_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	qr_errclass k = code == QR_ENOTSUP ? QR_ECLASS_NOT_SUPPORTED
					   : QR_ECLASS_ARGUMENT;
	if (code == QR_ENOMEM)
		qr_error_oom("compiled statement");
	else
		qr_error_set(code, k, "%s", msg);
	c->rc = code;
	return code;
}

int qr_sqlc__unsupported(qr_sqlc *c, const char *what)
{
	return qr_sqlc__fail(c, QR_ENOTSUP,
			     "%s is not supported by the %s dialect", what,
			     c->d && c->d->name ? c->d->name : "default");
}

static int check_buf(qr_sqlc *c)
{
	if (c->b->error && !c->rc)
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	return c->rc;
}

/* Appends without looking at the bytes: the bind markers. */
static int put_raw(qr_sqlc *c, const char *s, size_t n)
{
	if (c->rc)
		return c->rc;
	qr_strbuf__put(c->b, s, n);
	return check_buf(c);
}

int qr_sqlc__put(qr_sqlc *c, const char *s, size_t n)
{
	if (c->rc)
		return c->rc;
	/* Names, literals and SQL fragments cannot hold the marker bytes:
	 * finish() would read them as bind parameters. */
	for (size_t i = 0; i < n; i++) {
		if (s[i] == MARK_OPEN || s[i] == MARK_CLOSE)
			return qr_sqlc__fail(c, QR_ECOMPILE,
					     "a name, value or SQL fragment "
					     "holds the control byte 0x%02X, "
					     "which SQL text cannot carry",
					     (unsigned)s[i]);
	}
	return put_raw(c, s, n);
}

int qr_sqlc__puts(qr_sqlc *c, const char *s)
{
	return qr_sqlc__put(c, s, strlen(s));
}

int qr_sqlc__printf(qr_sqlc *c, const char *fmt, ...)
{
	if (c->rc)
		return c->rc;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return qr_sqlc__fail(c, QR_ECOMPILE, "formatting failed");
	if ((size_t)n < sizeof(buf))
		return qr_sqlc__put(c, buf, (size_t)n);
	char *big = qr_mem__alloc((size_t)n + 1, "SQL text");
	if (!big)
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	qr_sqlc__put(c, big, (size_t)n);
	free(big);
	return c->rc;
}

int qr_sqlc__ident(qr_sqlc *c, const char *name)
{
	if (!qr_dialect_needs_quote(c->d, name))
		return qr_sqlc__puts(c, name);
	char q = c->d && c->d->identifier_quote ? c->d->identifier_quote : '"';
	qr_sqlc__put(c, &q, 1);
	for (const char *p = name; *p; p++) {
		if (*p == q)
			qr_sqlc__put(c, &q, 1);
		qr_sqlc__put(c, p, 1);
	}
	return qr_sqlc__put(c, &q, 1);
}

int qr_sqlc__string_literal(qr_sqlc *c, const char *s)
{
	qr_value v = qr_val_text(s);
	return qr_sqlc__literal(c, &v, NULL);
}

/* ---- anonymous names -------------------------------------------------- */

const char *qr_sqlc__anon(qr_sqlc *c, const void *key, int tag,
			  const char *derived)
{
	for (size_t i = 0; i < c->nanon; i++) {
		if (c->anon[i].key == key && c->anon[i].tag == tag)
			return c->anon[i].name;
	}
	qr_sqlc_counter *ct = NULL;
	for (size_t i = 0; i < c->ncounters; i++) {
		if (strcmp(c->counters[i].derived, derived) == 0)
			ct = &c->counters[i];
	}
	if (!ct) {
		if (qr_mem__grow((void **)&c->counters, &c->countercap,
				 c->ncounters + 1, sizeof(*c->counters),
				 "anonymous names")) {
			qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
			return "anon";
		}
		ct = &c->counters[c->ncounters];
		ct->derived = qr_mem__strdup(derived);
		ct->next = 1;
		if (!ct->derived) {
			qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
			return "anon";
		}
		c->ncounters++;
	}
	if (qr_mem__grow((void **)&c->anon, &c->anoncap, c->nanon + 1,
			 sizeof(*c->anon), "anonymous names")) {
		qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
		return "anon";
	}
	size_t n = strlen(derived) + 24;
	char *name = qr_mem__alloc(n, "anonymous name");
	if (!name) {
		qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
		return "anon";
	}
	snprintf(name, n, "%s_%d", derived, ct->next++);
	c->anon[c->nanon++] = (qr_sqlc_anon){key, tag, name};
	return name;
}

/* ---- binds ------------------------------------------------------------ */

static int add_slot(qr_sqlc *c, const char *name, const qr_node *bind,
		    const qr_type *t, const qr_value *value)
{
	if (c->rc)
		return c->rc;
	if (qr_mem__grow((void **)&c->slots, &c->slotcap, c->nslots + 1,
			 sizeof(*c->slots), "parameters"))
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	char *copy = qr_mem__strdup(name);
	if (!copy)
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	qr_sqlc_slot *s = &c->slots[c->nslots++];
	memset(s, 0, sizeof(*s));
	s->name = copy;
	s->bind = bind;
	s->type = t ? qr_type__bare(t) : QR_NULLTYPE;
	s->value = value;
	char mark[32];
	int n = snprintf(mark, sizeof(mark), "%c%zu%c", MARK_OPEN,
			 c->nslots - 1, MARK_CLOSE);
	return put_raw(c, mark, (size_t)n);
}

int qr_sqlc__param(qr_sqlc *c, const char *name, const qr_type *t,
		   const qr_value *value, const qr_node *bind)
{
	return add_slot(c, name, bind, t, value);
}

/* The slot type: the bind's own type when given, else what it is
 * compared with, else the type its value implies. */
static const qr_type *bind_type(qr_sqlc *c, const qr_node *b)
{
	if (b->flags & QR_NF_BIND_TYPED)
		return &b->type;
	if (c->hint_type && c->hint_type->kind != QR_TYPE_NULL)
		return c->hint_type;
	return &b->type;
}

int qr_sqlc__bind(qr_sqlc *c, const qr_node *b, unsigned ctx)
{
	const qr_type *t = bind_type(c, b);
	if (ctx & QR_CTX_LITERAL) {
		if (!(b->flags & QR_NF_BIND_VALUE))
			return qr_sqlc__fail(
				c, QR_ECOMPILE,
				"bind parameter '%s' without a renderable "
				"value not allowed here",
				b->name ? b->name : "?");
		return qr_sqlc__literal(c, &b->value, t);
	}
	const char *name = b->name;
	if (!name) {
		const char *derived = (b->flags & QR_NF_BIND_LIMIT) || !c->hint
					      ? "param"
					      : c->hint;
		name = qr_sqlc__anon(c, b, QR_ANON_BIND, derived);
	}
	return add_slot(c, name, b, t,
			(b->flags & QR_NF_BIND_VALUE) ? &b->value : NULL);
}

int qr_sqlc__bind_int(qr_sqlc *c, int64_t v, unsigned ctx)
{
	if (ctx & QR_CTX_LITERAL)
		return qr_sqlc__printf(c, "%lld", (long long)v);
	/* A literal the compiler adds (SQLite's LIMIT -1 / OFFSET 0):
	 * anonymous, param_N, its value kept in the slot. */
	const char *name =
		qr_sqlc__anon(c, &c->slots, (int)c->nslots + 1000, "param");
	qr_type t = QR_INTEGER;
	if (add_slot(c, name, NULL, &t, NULL))
		return c->rc;
	c->slots[c->nslots - 1].has_own = true;
	c->slots[c->nslots - 1].own = qr_val_int(v);
	return 0;
}

/* ---- dispatch and grouping -------------------------------------------- */

static const qr_visit_fn default_visit[QR_NODE_KIND_COUNT] = {
#define DEFAULT_VISIT_(e, n) [QR_NODE_##e] = qr_sqlc__visit_##n,
	QR_NODE_KINDS(DEFAULT_VISIT_)
#undef DEFAULT_VISIT_
};

int qr_sqlc__visit(qr_sqlc *c, const qr_node *n, unsigned ctx)
{
	if (c->rc)
		return c->rc;
	if (!n)
		return qr_sqlc__fail(c, QR_ECOMPILE,
				     "missing element in the statement");
	if ((unsigned)n->kind >= QR_NODE_KIND_COUNT)
		return qr_sqlc__fail(c, QR_ECOMPILE, "bad node");
	qr_visit_fn fn = c->ov->visit[n->kind];
	if (!fn)
		fn = default_visit[n->kind];
	return fn(c, n, ctx);
}

static bool associative(qr_opcode op)
{
	return op == QR_OP_AND || op == QR_OP_OR || op == QR_OP_ADD ||
	       op == QR_OP_MUL || op == QR_OP_CONCAT;
}

/* The operator that decides n's grouping, or NONE when n never needs
 * parentheses. */
static qr_opcode grouping_op(const qr_node *n)
{
	switch (n->kind) {
	case QR_NODE_BINARY:
		return (qr_opcode)n->op;
	case QR_NODE_UNARY:
		switch (n->op) {
		case QR_OP_ASC:
		case QR_OP_DESC:
		case QR_OP_NULLS_FIRST:
		case QR_OP_NULLS_LAST:
			return QR_OP_NONE;
		default:
			return (qr_opcode)n->op;
		}
	case QR_NODE_LIST:
		if ((n->op == QR_OP_AND || n->op == QR_OP_OR) && n->nkids > 1)
			return (qr_opcode)n->op;
		return QR_OP_NONE;
	default:
		return QR_OP_NONE;
	}
}

static bool needs_parens(const qr_node *n, qr_opcode against)
{
	if (n->kind == QR_NODE_LIST &&
	    (n->op == QR_OP_AND || n->op == QR_OP_OR) && n->nkids == 1)
		return needs_parens(n->kids[0], against);
	qr_opcode op = grouping_op(n);
	if (op == QR_OP_NONE)
		return false;
	if (against == QR_OP_NONE)
		return true;
	if (op == against && associative(op))
		return false;
	return qr_op__precedence(op) <= qr_op__precedence(against);
}

int qr_sqlc__visit_grouped(qr_sqlc *c, const qr_node *n, qr_opcode against,
			   unsigned ctx)
{
	if (c->rc)
		return c->rc;
	if (n && qr_sql__is_selectable(n)) {
		/* A SELECT in an expression: a scalar subquery. */
		qr_sqlc__puts(c, "(");
		qr_sqlc__visit(c, n,
			       ctx & ~(QR_CTX_COLUMNS | QR_CTX_ASFROM |
				       QR_CTX_RESULT));
		return qr_sqlc__puts(c, ")");
	}
	if (n && needs_parens(n, against)) {
		qr_sqlc__puts(c, "(");
		qr_sqlc__visit(c, n, ctx & ~QR_CTX_COLUMNS);
		return qr_sqlc__puts(c, ")");
	}
	return qr_sqlc__visit(c, n, ctx & ~QR_CTX_COLUMNS);
}

int qr_sqlc__visit_items(qr_sqlc *c, const qr_node *list, const char *sep,
			 unsigned ctx)
{
	for (size_t i = 0; list && i < list->nkids && !c->rc; i++) {
		if (i)
			qr_sqlc__puts(c, sep);
		qr_sqlc__visit(c, list->kids[i], ctx);
	}
	return c->rc;
}

int qr_sqlc__result_type(qr_sqlc *c, const qr_type *t)
{
	if (qr_mem__grow((void **)&c->result_types, &c->resultcap,
			 c->nresult + 1, sizeof(*c->result_types),
			 "result types"))
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	c->result_types[c->nresult++] = qr_type__bare(t);
	return 0;
}

/* ---- the final pass --------------------------------------------------- */

static int render_cte_prefix(qr_sqlc *c, qr_strbuf *out)
{
	qr_strbuf__puts(out, c->ctes_recursive ? "WITH RECURSIVE " : "WITH ");
	/* In completion order: a CTE used by another is complete first. */
	for (size_t k = 1; k <= c->ctes_done; k++) {
		for (size_t i = 0; i < c->nctes; i++) {
			if (c->ctes[i].done != k)
				continue;
			if (k > 1)
				qr_strbuf__puts(out, ", \n");
			qr_strbuf__puts(out, c->ctes[i].text);
		}
	}
	qr_strbuf__puts(out, "\n ");
	return out->error;
}

/* Turns markers into placeholders, ordering and numbering the slots. */
static int finish(qr_sqlc *c, qr_compiled **out)
{
	qr_strbuf text = {0}, sql = {0};
	qr_bindslot *slots = NULL;
	qr_param_pos *pos = NULL;
	size_t nslots = 0, npos = 0, poscap = 0;
	qr_paramstyle ps = c->d ? c->d->paramstyle : QR_PARAMSTYLE_QMARK;
	int rc = 0;

	if (c->nctes)
		render_cte_prefix(c, &text);
	qr_strbuf__put(&text, c->main.s ? c->main.s : "", c->main.len);
	if (text.error)
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	slots = qr_mem__calloc(c->nslots ? c->nslots : 1, sizeof(*slots),
			       "parameters");
	if (!slots) {
		qr_strbuf__free(&text);
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	}
	qr_strbuf__put(&sql, "", 0);
	for (size_t i = 0; i < text.len && rc == 0; i++) {
		char ch = text.s[i];
		if (ch != MARK_OPEN) {
			if (ch == '%' && ps == QR_PARAMSTYLE_FORMAT)
				qr_strbuf__putc(&sql, '%');
			qr_strbuf__putc(&sql, ch);
			continue;
		}
		size_t idx = 0;
		for (i++; i < text.len && text.s[i] != MARK_CLOSE; i++)
			idx = idx * 10 + (size_t)(text.s[i] - '0');
		if (idx >= c->nslots) {
			/* Never: qr_sqlc__put keeps the marker bytes out. */
			rc = QR_ECOMPILE;
			break;
		}
		const qr_sqlc_slot *s = &c->slots[idx];
		size_t target = nslots;
		if (ps == QR_PARAMSTYLE_NUMERIC) {
			for (size_t k = 0; k < nslots; k++) {
				if (strcmp(slots[k].name, s->name) == 0) {
					target = k;
					break;
				}
			}
		}
		if (target == nslots) {
			qr_bindslot *o = &slots[nslots];
			o->name = qr_mem__strdup(s->name);
			o->type = s->type;
			o->expanding = s->bind &&
				       (s->bind->flags & QR_NF_BIND_EXPANDING);
			o->default_fn = s->default_fn;
			o->default_arg = s->default_fn ? s->default_arg : NULL;
			o->bind_index = SIZE_MAX;
			for (size_t k = 0; s->bind && k < c->nbinds; k++) {
				if (c->binds[k] == s->bind) {
					o->bind_index = k;
					break;
				}
			}
			if (!o->name) {
				rc = QR_ENOMEM;
				break;
			}
			const qr_value *sv = s->has_own ? &s->own : s->value;
			if (sv) {
				char *storage;
				if (qr_value__copy(&o->value, sv, &storage)) {
					free(o->name);
					o->name = NULL;
					rc = QR_ENOMEM;
					break;
				}
				o->has_value = true;
			}
			nslots++;
		}
		if (qr_mem__grow((void **)&pos, &poscap, npos + 1, sizeof(*pos),
				 "parameter positions")) {
			rc = QR_ENOMEM;
			break;
		}
		size_t start = sql.len;
		if (slots[target].expanding)
			/* SQLAlchemy's string form of an expanding list,
			 * replaced at execution by one placeholder per
			 * value (expanding.c) */
			qr_strbuf__printf(&sql, "__[POSTCOMPILE_%s]",
					  slots[target].name);
		else if (ps == QR_PARAMSTYLE_NUMERIC)
			qr_strbuf__printf(&sql, "$%zu", target + 1);
		else if (ps == QR_PARAMSTYLE_FORMAT)
			qr_strbuf__puts(&sql, "%s");
		else
			qr_strbuf__putc(&sql, '?');
		pos[npos++] = (qr_param_pos){start, sql.len - start, target};
	}
	qr_strbuf__free(&text);
	if (rc || sql.error) {
		for (size_t k = 0; k < nslots; k++)
			qr_bindslot__clear(&slots[k]);
		free(slots);
		free(pos);
		qr_strbuf__free(&sql);
		if (rc == QR_ECOMPILE)
			return qr_sqlc__fail(c, rc, "malformed bind marker");
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	}
	size_t len = sql.len;
	char *s = qr_strbuf__take(&sql);
	qr_compiled *cp = qr_compiled__new(c->d, s, len, slots, nslots);
	if (!cp) {
		free(pos);
		return qr_sqlc__fail(c, QR_ENOMEM, "out of memory");
	}
	cp->positions = pos;
	cp->npositions = npos;
	cp->returns_rows = c->returns_rows;
	cp->is_ddl = c->is_ddl;
	cp->is_dml = c->is_dml;
	cp->implicit_returning = c->implicit_returning;
	cp->rowid_sql = c->rowid_sql;
	c->rowid_sql = NULL;
	if (c->nresult) {
		cp->result_types = c->result_types;
		cp->nresult = c->nresult;
		c->result_types = NULL;
		c->nresult = 0;
	}
	*out = cp;
	return 0;
}

int qr_sqlc__compile(qr_compiled **out, const qr_node *node,
		     const qr_dialect *d, const qr_sql_compile_opts *opts,
		     const qr_node *const *binds, size_t nbinds)
{
	qr_sqlc c;
	qr_sqlc__init(&c, d);
	c.binds = binds;
	c.nbinds = nbinds;
	if (opts) {
		c.column_keys = opts->column_keys;
		c.nkeys = opts->nkeys;
		c.exec_keys = opts->exec;
		c.many = opts->many;
	}
	*out = NULL;
	qr_sqlc__visit(&c, node, QR_CTX_RESULT);
	if (!c.rc)
		finish(&c, out);
	int rc = c.rc;
	qr_sqlc__cleanup(&c);
	return rc;
}
