/*
 * compile.c - qr_compile() and the compiled form's life cycle.
 */
#include "compiled.h"
#include "compiler.h"
#include "node.h"
#include "typeconv.h"

#include "../mem.h"

#include <quarry/sys/error.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

static atomic_bool stamp_times;

/* The last qr_compiled id given out. */
static atomic_uint_fast64_t last_id;

void qr_compiled__stamp_times(void)
{
	atomic_store_explicit(&stamp_times, true, memory_order_relaxed);
}

qr_compiled *qr_compiled__new(const qr_dialect *dialect, char *sql,
			      size_t sql_len, qr_bindslot *slots, size_t nslots)
{
	qr_compiled *c = calloc(1, sizeof(*c));
	if (!c) {
		free(sql);
		for (size_t i = 0; i < nslots; i++)
			qr_bindslot__clear(&slots[i]);
		free(slots);
		qr_error_oom("compiled statement");
		return NULL;
	}
	atomic_init(&c->refcount, 1);
	if (atomic_load_explicit(&stamp_times, memory_order_relaxed)) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		c->gen_time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	}
	c->dialect = dialect;
	c->sql = sql;
	c->sql_len = sql_len;
	c->slots = slots;
	c->nslots = nslots;
	for (size_t i = 0; i < nslots; i++) {
		c->expanding |= slots[i].expanding;
		c->converts |= qr_type__bind_converts(&slots[i].type);
	}
	c->id = (uint64_t)atomic_fetch_add_explicit(&last_id, 1,
						    memory_order_relaxed) +
		1;
	return c;
}

qr_compiled *qr_compiled__ref(qr_compiled *c)
{
	if (c)
		atomic_fetch_add_explicit(&c->refcount, 1,
					  memory_order_relaxed);
	return c;
}

void qr_bindslot__clear(qr_bindslot *slot)
{
	free(slot->name);
	if (slot->has_value)
		qr_value__free_copy(&slot->value);
	slot->name = NULL;
	slot->has_value = false;
}

void qr_compiled_free(qr_compiled *c)
{
	if (!c)
		return;
	if (atomic_fetch_sub_explicit(&c->refcount, 1, memory_order_acq_rel) !=
	    1)
		return;
	if (c->tmpl) {
		/* Instantiated from the cache: only the values are ours. */
		for (size_t i = 0; i < c->nslots; i++) {
			qr_bindslot *s = &c->slots[i];
			if (s->has_value)
				qr_value__free_copy(&s->value);
		}
		qr_compiled_free(c->tmpl);
		free(c);
		return;
	}
	for (size_t i = 0; i < c->nslots; i++)
		qr_bindslot__clear(&c->slots[i]);
	free(c->slots);
	free(c->sql);
	free(c->result_types);
	free(c->positions);
	free(c->rowid_sql);
	free(atomic_load_explicit(&c->batch_sql, memory_order_acquire));
	free(c);
}

/*
 * Compiles a SELECT, set operation or DELETE through the compiled cache,
 * keeping the first compiled form on the statement node: compiling the
 * same statement object again (executing it with other parameters)
 * takes a reference to it. A node is immutable once built (and changed
 * in place only by its sole owner, which drops the form), so the form
 * holds for its life; the memo is a cache, hence the cast.
 */
static int compile_memo(qr_compiled **out, const qr_node *node,
			const qr_dialect *dialect)
{
	qr_node *n = (qr_node *)node;
	qr_compiled *m = atomic_load_explicit(&n->memo, memory_order_acquire);
	if (m && m->dialect == dialect) {
		*out = qr_compiled__ref(m);
		return 0;
	}
	int rc = qr_sql__compile(out, node, dialect, NULL);
	if (rc == 0 && !m) {
		qr_compiled *expected = NULL;
		qr_compiled__ref(*out);
		if (!atomic_compare_exchange_strong_explicit(
			    &n->memo, &expected, *out, memory_order_acq_rel,
			    memory_order_acquire))
			qr_compiled_free(*out);
	}
	return rc;
}

int qr_compile__node(qr_compiled **out, const qr_node *node,
		     const qr_dialect *dialect)
{
	switch (node->kind) {
	case QR_NODE_SELECT:
	case QR_NODE_COMPOUND:
	case QR_NODE_DELETE:
		return compile_memo(out, node, dialect);
	case QR_NODE_TEXT:
		return qr_text__compile(out, node, dialect);
	case QR_NODE_INSERT:
	case QR_NODE_UPDATE:
	case QR_NODE_DDL:
	/* A bare expression compiles too (SQLAlchemy's str(expr)). */
	case QR_NODE_BIND:
	case QR_NODE_LITERAL:
	case QR_NODE_LEXCOL:
	case QR_NODE_COLUMN:
	case QR_NODE_BINARY:
	case QR_NODE_UNARY:
	case QR_NODE_LIST:
	case QR_NODE_FUNC:
	case QR_NODE_CASE:
	case QR_NODE_CAST:
	case QR_NODE_COERCE:
	case QR_NODE_LABEL:
	case QR_NODE_OVER:
	case QR_NODE_FROMCOL:
	case QR_NODE_SCALAR:
	case QR_NODE_JOIN:
	case QR_NODE_TABLE:
	case QR_NODE_ALIAS:
	case QR_NODE_SUBQUERY:
	case QR_NODE_EXCLUDED:
	case QR_NODE_EXTRACT:
	case QR_NODE_WITHIN_GROUP:
	case QR_NODE_NEXT_VALUE:
		/* The expression compiler, through the compiled cache. */
		return qr_sql__compile(out, node, dialect, NULL);
	default:
		return qr_error_set(QR_ECOMPILE, QR_ECLASS_ARGUMENT,
				    "a %s node is not an executable statement",
				    qr_node__kind_name(node->kind));
	}
}

int qr_compile__exec(qr_compiled **out, const qr_node *node,
		     const qr_dialect *dialect, const qr_params *params)
{
	const char *stack_keys[32];
	const char **keys = stack_keys;

	/* INSERT and UPDATE name the columns the parameters give
	 * (SQLAlchemy's column_keys); other statements ignore them. */
	if (node->kind != QR_NODE_INSERT && node->kind != QR_NODE_UPDATE)
		return qr_compile__node(out, node, dialect);
	size_t n = params ? qr_params_count(params, 0) : 0;
	if (n > sizeof(stack_keys) / sizeof(stack_keys[0])) {
		keys = qr_mem__alloc(n * sizeof(*keys), "column keys");
		if (!keys)
			return QR_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		keys[i] = qr_params_name_at(params, 0, i);
	qr_sql_compile_opts opts = {keys, n, true, /* narrowing, as
						    * SQLAlchemy executes */
				    params && qr_params_row_count(params) > 1};
	int rc = qr_sql__compile(out, node, dialect, &opts);
	if (keys != stack_keys)
		free(keys);
	return rc;
}

int qr_compile(qr_compiled **out, const qr_stmt *stmt, const char *dialect)
{
	const qr_dialect *d;

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_compile: out is NULL");
	*out = NULL;
	if (!stmt) {
		/* Keep the error that produced the NULL, if any. */
		if (qr_error_last()->code != 0)
			return qr_error_last()->code;
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_compile: statement is NULL");
	}
	int rc = qr_dialect_find(&d, dialect ? dialect : "");
	if (rc)
		return rc;
	return qr_compile__node(out, stmt, d);
}

const char *qr_compiled_sql(const qr_compiled *c)
{
	return c ? c->sql : NULL;
}

size_t qr_compiled_param_count(const qr_compiled *c)
{
	return c ? c->nslots : 0;
}

const char *qr_compiled_param_name(const qr_compiled *c, size_t i)
{
	return c && i < c->nslots ? c->slots[i].name : NULL;
}

const qr_value *qr_compiled_param_value(const qr_compiled *c, size_t i)
{
	if (!c || i >= c->nslots || !c->slots[i].has_value)
		return NULL;
	return &c->slots[i].value;
}
