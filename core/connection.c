/*
 * connection.c - connections: execution, autobegin, transactions and
 * savepoints (SQLAlchemy 2.0 semantics; see include/quarry/connection.h).
 */
#include "attrs.h"
#include "engine_internal.h"
#include "error_internal.h"
#include "mem.h"
#include "params_internal.h"
#include "repr.h"
#include "sql/manyvalues.h"
#include "sql/node.h"
#include "sql/typeconv.h"

#include <quarry/sys/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bound parameter sets shown in an echo line, as SQLAlchemy does. */
#define ECHO_MAX_ROWS 10

int qr_engine_connect_at(qr_conn **out, qr_engine *engine, const char *file,
			 int line, const char *func)
{
	if (!out || !engine)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_engine_connect: %s is NULL",
				    out ? "engine" : "out");
	*out = NULL;
	qr_conn *c = qr_mem__calloc(1, sizeof(*c), "connection");
	if (!c)
		return QR_ENOMEM;
	if (!(c->scratch = qr_scratch__new())) {
		free(c);
		return QR_ENOMEM;
	}
	qr_pool_site site = {file, line, func};
	int rc = qr_pool__checkout(engine->pool, &c->pooled, &site);
	if (rc) {
		qr_scratch__free(c->scratch);
		free(c);
		return rc;
	}
	c->engine = engine;
	c->autocommit = engine->opts.isolation_level == QR_ISOLATION_AUTOCOMMIT;
	*out = c;
	return 0;
}

/* The plain function behind the qr_engine_connect() macro. */
int(qr_engine_connect)(qr_conn **out, qr_engine *engine)
{
	return qr_engine_connect_at(out, engine, NULL, 0, NULL);
}

qr_engine *qr_conn_engine(const qr_conn *conn)
{
	return conn ? conn->engine : NULL;
}

bool qr_conn_invalidated(const qr_conn *conn)
{
	return conn && conn->pooled && conn->pooled->invalidated;
}

bool qr_conn_in_transaction(const qr_conn *conn)
{
	return conn && conn->in_tx;
}

/* Ends every transaction object on the connection. */
static void end_transaction(qr_conn *c)
{
	c->in_tx = false;
	c->tx_work = false;
	c->tx_lost = false;
	c->tx_generation++;
	c->savepoint_depth = 0;
}

/*
 * After a disconnect in the middle of a transaction that had done work,
 * that work is gone with the server's transaction. Reconnecting at once
 * would run the next statements in a new transaction, and a commit would
 * save them as if they were the whole: so, as SQLAlchemy does
 * (PendingRollbackError), the connection refuses statements and commit
 * until the program rolls back.
 */
static int lost_tx_error(void)
{
	return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
			    "Can't reconnect until invalid transaction is "
			    "rolled back: the connection was lost in the "
			    "middle of a transaction, whose work is gone; "
			    "call rollback before going on");
}

int qr_conn__failed(qr_conn *c, int rc, const char *sql)
{
	if (sql && !qr_error_last()->statement[0])
		qr_error_set_statement(sql);
	if (qr_error_last()->is_disconnect && c->pooled) {
		/* As SQLAlchemy does: connections opened before this one are
		 * suspect too (a server restart) and get replaced. */
		qr_pool__invalidate(c->engine->pool, c->pooled, true, true);
		/* The server's transaction died with the connection: if it
		 * had done work, the program must know (lost_tx_error). */
		if (c->in_tx && c->tx_work)
			c->tx_lost = true;
		else
			end_transaction(c);
	}
	return rc;
}

void qr_conn_invalidate(qr_conn *conn)
{
	if (!conn || !conn->pooled || conn->pooled->invalidated)
		return;
	qr_pool__invalidate(conn->engine->pool, conn->pooled, false, false);
	/* Whatever the server had open dies with the connection. */
	end_transaction(conn);
}

/* Replaces an invalidated connection with a fresh one (usable). */
static QR_NOINLINE int reconnect(qr_conn *c)
{
	qr_pooled *fresh;
	qr_pool_site site = {c->pooled->file, c->pooled->line, c->pooled->func};
	int rc = qr_pool__checkout(c->engine->pool, &fresh, &site);
	if (rc)
		return rc;
	qr_pool__checkin(c->engine->pool, c->pooled, false);
	c->pooled = fresh;
	return 0;
}

/* Makes sure the connection can run a statement: open and valid. When a
 * previous statement found it disconnected (and no transaction is left to
 * roll back), a fresh connection replaces it, as SQLAlchemy reconnects an
 * invalidated connection on next use. */
static int usable(qr_conn *c)
{
	if (!c->pooled)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "This connection is closed");
	if (c->tx_lost)
		return lost_tx_error();
	return c->pooled->invalidated ? reconnect(c) : 0;
}

static int ensure_begun(qr_conn *c)
{
	if (c->in_tx || c->autocommit)
		return 0;
	qr_engine__echo(c->engine, "BEGIN (implicit)");
	int rc = c->engine->driver->begin(c->pooled->dconn);
	if (rc)
		return qr_conn__failed(c, rc, "BEGIN");
	c->in_tx = true;
	return 0;
}

/*
 * What echo shows of where the SQL came from, as SQLAlchemy's engine log
 * does: "generated in 0.00012s" (compiled by this execution, which began
 * at t0), "cached since 2.5s ago" (compiled earlier: a compiled-cache hit
 * or a statement executed again), "no key 0.00012s" (DDL, never cached).
 */
static const char *echo_stats(char *buf, size_t cap, const qr_compiled *cp,
			      double t0)
{
	double now = qr_pool__now();
	if (cp->is_ddl)
		snprintf(buf, cap, "no key %.5fs", t0 > 0 ? now - t0 : 0.0);
	else if (t0 > 0 && (cp->gen_time >= t0 || cp->gen_time == 0))
		/* (0: compiled before any engine had echo on) */
		snprintf(buf, cap, "generated in %.5fs", now - t0);
	else if (cp->gen_time == 0)
		snprintf(buf, cap, "cached");
	else
		snprintf(buf, cap, "cached since %.4gs ago",
			 now - cp->gen_time);
	return buf;
}

/* Logs the statement and its parameter sets when echo is on: values
 * holds the first nshown of nrows sets. */
static void echo_statement(qr_conn *c, const qr_compiled *cp,
			   const qr_value *values, size_t nshown, size_t nrows,
			   const char *stats)
{
	const qr_engine *e = c->engine;
	if (!e->opts.echo)
		return;
	qr_engine__echo(e, "%s", cp->sql);
	qr_strbuf b = {0};
	qr_strbuf__printf(&b, "[%s] ", stats ? stats : "unknown");
	if (nrows > 1)
		qr_strbuf__putc(&b, '[');
	for (size_t r = 0; r < nshown && r < ECHO_MAX_ROWS; r++) {
		if (r)
			qr_strbuf__puts(&b, ", ");
		qr_repr__tuple(&b, values + r * cp->nslots, cp->nslots);
	}
	if (nrows > ECHO_MAX_ROWS)
		qr_strbuf__printf(&b,
				  "  ... displaying %d of %zu total bound "
				  "parameter sets ...",
				  ECHO_MAX_ROWS, nrows);
	if (nrows > 1)
		qr_strbuf__putc(&b, ']');
	if (!b.error)
		qr_engine__echo(e, "%s", b.s);
	qr_strbuf__free(&b);
}

/* Logs one batch of an executemany sent as multi-row INSERTs: the SQL
 * sent, and its parameters (the first rows' only, when there are many),
 * as SQLAlchemy echoes insertmanyvalues batches. */
static void echo_batch(qr_conn *c, const qr_compiled *cp, const char *sql,
		       const qr_value *values, size_t nrows, size_t batch,
		       size_t nbatches, const char *stats)
{
	const qr_engine *e = c->engine;
	if (!e->opts.echo)
		return;
	qr_engine__echo(e, "%s", sql);
	qr_strbuf b = {0};
	size_t shown = nrows < ECHO_MAX_ROWS ? nrows : ECHO_MAX_ROWS;
	qr_strbuf__printf(&b, "[%s (insertmanyvalues) %zu/%zu] ",
			  stats ? stats : "unknown", batch, nbatches);
	qr_repr__tuple(&b, values, shown * cp->nslots);
	if (shown < nrows)
		qr_strbuf__printf(&b,
				  "  ... displaying %zu of %zu parameter "
				  "sets ...",
				  shown, nrows);
	if (!b.error)
		qr_engine__echo(e, "%s", b.s);
	qr_strbuf__free(&b);
}

/* Where each compiled slot finds its value in the params: the slot
 * name's interned index (-1: not set), and the position the name has in
 * row 0, tried first in every row. */
typedef struct gatherer {
	const qr_compiled *cp;
	const qr_params *params;
	size_t nrows;
	int *idx;
	size_t *hint;
	int stack_idx[16];
	size_t stack_hint[16];
} gatherer;

static void gather_free(gatherer *g)
{
	if (g->idx != g->stack_idx)
		free(g->idx);
	if (g->hint != g->stack_hint)
		free(g->hint);
}

static int gather_init(gatherer *g, const qr_compiled *cp,
		       const qr_params *params, size_t nrows)
{
	g->cp = cp;
	g->params = params;
	g->nrows = nrows;
	g->idx = g->stack_idx;
	g->hint = g->stack_hint;
	if (cp->nslots > 16) {
		g->idx = qr_mem__alloc(cp->nslots * sizeof(*g->idx),
				       "parameters");
		g->hint = qr_mem__alloc(cp->nslots * sizeof(*g->hint),
					"parameters");
		if (!g->idx || !g->hint) {
			gather_free(g);
			return QR_ENOMEM;
		}
	}
	for (size_t i = 0; i < cp->nslots; i++) {
		g->idx[i] = params ? qr_params__name_index(params,
							   cp->slots[i].name)
				   : -1;
		/* Where row 0 sets it, by interned index (the parameters
		 * usually come in the statement's order). */
		g->hint[i] = g->idx[i] >= 0 ? qr_params__position(params, 0,
								  g->idx[i], i)
					    : 0;
	}
	return 0;
}

/*
 * Writes slot i's value into *dst given what the params hold for it (v,
 * or NULL): v, else the slot's own value, else a column default computed
 * per row (its bytes in scratch); a slot with none of them fails, naming
 * the parameter. dst NULL only checks (a default is not computed then).
 */
static int resolve_slot(const qr_compiled *cp, size_t i, const qr_value *v,
			qr_value *dst, qr_scratch *scratch, bool many)
{
	const qr_bindslot *s = &cp->slots[i];
	if (!v && s->has_value)
		v = &s->value;
	if (v) {
		if (dst)
			*dst = *v;
		return 0;
	}
	if (s->default_fn)
		return dst ? s->default_fn(dst, scratch, s->default_arg) : 0;
	qr_error_set(QR_EPARAM, QR_ECLASS_INVALID_REQUEST,
		     "A value is required for bind parameter '%s'%s", s->name,
		     many ? " in a parameter set" : "");
	qr_error_set_statement(cp->sql);
	return QR_EPARAM;
}

/*
 * Fills values[count * nslots] from rows first .. first + count - 1 (a
 * column default computed per row writes into scratch), or only checks
 * that every slot has a value when values is NULL.
 */
static int gather_rows(const gatherer *g, size_t first, size_t count,
		       qr_value *values, qr_scratch *scratch)
{
	const qr_compiled *cp = g->cp;
	for (size_t r = 0; r < count; r++) {
		for (size_t i = 0; i < cp->nslots; i++) {
			const qr_value *v =
				g->idx[i] >= 0 ? qr_params__get_index(
							 g->params, first + r,
							 g->idx[i], g->hint[i])
					       : NULL;
			int rc = resolve_slot(
				cp, i, v,
				values ? &values[r * cp->nslots + i] : NULL,
				scratch, g->nrows > 1);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Converts parameter values into the dialect's storage form for their
 * SQL types (SQLAlchemy's bind processors: datetimes as text and
 * booleans as 0/1 on SQLite, ...). */
static int bind_types(const qr_compiled *cp, qr_value *values, size_t nrows,
		      qr_scratch *scratch)
{
	for (size_t i = 0; i < cp->nslots; i++) {
		const qr_type *t = &cp->slots[i].type;
		if (!qr_type__bind_converts(t))
			continue;
		for (size_t r = 0; r < nrows; r++) {
			qr_value *v = &values[r * cp->nslots + i];
			qr_value out;
			int rc =
				qr_type__bind(cp->dialect, t, v, &out, scratch);
			if (rc)
				return rc;
			*v = out;
		}
	}
	return 0;
}

/*
 * Inside a transaction the rows of an executemany go to the driver in
 * chunks of this many, so that the values gathered for it stay small
 * and in cache however many rows there are (the last chunk takes one
 * more row rather than leave a single row, which a driver would run as a
 * plain execution). Outside one (AUTOCOMMIT) the driver gets every row
 * at once: its batch is then all or nothing.
 *
 * An executemany of a plain single-row INSERT .. VALUES (...) inside a
 * transaction is instead sent as multi-row INSERTs (sql/manyvalues.h):
 * one execution per batch of rows (on MySQL the last row alone: a
 * multi-row INSERT reports the first row's generated id there, the last
 * one's on SQLite, and the result's last_insert_id is the last row's
 * everywhere). The result's rowcount is the total. With a RETURNING clause, the
 * rows every batch returns are the result's, buffered, in order
 * (SQLAlchemy 2.0's executemany with RETURNING); an executemany that is not
 * batched returns no rows, as before.
 */
#define EXEC_CHUNK_ROWS 256

/* How many executions a batched executemany of nrows takes. */
static size_t batch_count(size_t nrows, const qr_manyvalues *plan)
{
	size_t per = plan->rows_per_batch;
	if (!plan->last_row_alone)
		return (nrows + per - 1) / per;
	return (nrows - 1 + per - 1) / per + 1;
}

/*
 * The interned index in params of each of cp's slot names (-1: not
 * set), remembered on the connection for cp's id and the params' names
 * id: a statement executed again with the same params, reset and set
 * again, finds them without comparing names. NULL for a statement of
 * more slots than the connection remembers (each is looked up then).
 */
static const int *slot_indexes(qr_conn *c, const qr_compiled *cp,
			       const qr_params *params)
{
	uint64_t names = qr_params__names_id(params);
	if (c->slots_form == cp->id && c->slots_names == names)
		return c->slots_index;
	if (cp->nslots > QR_CONN_SLOT_MEMO)
		return NULL;
	for (size_t i = 0; i < cp->nslots; i++)
		c->slots_index[i] =
			qr_params__name_index(params, cp->slots[i].name);
	c->slots_form = cp->id;
	c->slots_names = names;
	return c->slots_index;
}

/* The driver's request to run cp once with values. */
static inline qr_driver_exec
one_request(const qr_conn *c, const qr_compiled *cp, const qr_value *values)
{
	return (qr_driver_exec){.sql = cp->sql,
				.sql_len = cp->sql_len,
				.params = values,
				.nparams = cp->nslots,
				.nrows = 1,
				.stream_results = c->stream_results,
				.sql_id = cp->id};
}

/* The result of an execution of cp that gave cur (freed when this
 * fails), into *out (NULL: freed). */
static inline int result_of(qr_result **out, qr_conn *c, const qr_compiled *cp,
			    qr_driver_cursor *cur)
{
	qr_result *res = NULL;
	c->tx_work = c->in_tx;
	int rc = qr_result__new(&res, c, cur); /* frees cur when it fails */
	if (rc == 0 && cp->nresult && c->plain_results_form != cp->id) {
		/* (Forms of one id have the same result types.) */
		if (qr_result__types_convert(cp))
			rc = qr_result__set_types(res, cp);
		else
			c->plain_results_form = cp->id;
	}
	if (rc == 0 && cp->implicit_returning)
		rc = qr_result__take_key(res);
	if (rc == 0 && out)
		*out = res;
	else
		qr_result_free(res);
	return rc;
}

/*
 * The driver's execute of ex, with the engine's statement listeners
 * when there are any (quarry/exec_events.h; many: ex is part of an
 * executemany); a failure goes through qr_conn__failed (sql names it).
 */
static QR_NOINLINE int watched_execute(qr_conn *c, qr_driver_cursor **cur,
				       const qr_driver_exec *ex, bool many,
				       const char *sql)
{
	const qr_driver *d = c->engine->driver;
	qr_exec_event_info info = {.event = QR_BEFORE_CURSOR_EXECUTE,
				   .conn = c,
				   .statement = ex->sql,
				   .statement_len = ex->sql_len,
				   .parameters =
					   ex->nparams ? ex->params : NULL,
				   .nparams = ex->nparams,
				   .nrows = ex->nrows,
				   .executemany = many,
				   .rowcount = -1};
	int rc = qr_engine__fire_exec(c->engine, &info);
	if (rc)
		return rc;
	rc = d->execute(cur, c->pooled->dconn, ex);
	if (rc) {
		rc = qr_conn__failed(c, rc, sql);
		qr_error err = *qr_error_last();
		info.event = QR_HANDLE_ERROR;
		info.error = &err;
		qr_engine__fire_exec(c->engine, &info);
		qr_error__restore(&err);
		return rc;
	}
	info.event = QR_AFTER_CURSOR_EXECUTE;
	info.rowcount = d->rowcount ? d->rowcount(*cur) : -1;
	rc = qr_engine__fire_exec(c->engine, &info);
	if (rc) {
		d->cursor_free(*cur);
		*cur = NULL;
	}
	return rc;
}

/* The driver's execute of ex, through watched_execute when statements
 * are listened to. */
static inline int driver_execute(qr_conn *c, qr_driver_cursor **cur,
				 const qr_driver_exec *ex, bool many,
				 const char *sql)
{
	if (qr_engine__exec_watched(c->engine))
		return watched_execute(c, cur, ex, many, sql);
	int rc = c->engine->driver->execute(cur, c->pooled->dconn, ex);
	return rc ? qr_conn__failed(c, rc, sql) : 0;
}

/* run_one's any case: slots without a value in params (defaults,
 * values of the statement, errors), conversions, echo, a transaction
 * to begin. */
static QR_NOINLINE int run_one_any(qr_result **out, qr_conn *c,
				   const qr_compiled *cp,
				   const qr_params *params, const char *stats)
{
	qr_value stackvals[16];
	qr_value *values = stackvals;
	if (cp->nslots > sizeof(stackvals) / sizeof(stackvals[0]) &&
	    !(values = qr_mem__alloc(cp->nslots * sizeof(*values),
				     "parameters")))
		return QR_ENOMEM;
	int rc = ensure_begun(c);
	if (rc == 0)
		qr_scratch__reset(c->scratch);
	const int *known = params ? slot_indexes(c, cp, params) : NULL;
	for (size_t i = 0; rc == 0 && i < cp->nslots; i++) {
		int idx = known    ? known[i]
			  : params ? qr_params__name_index(params,
							   cp->slots[i].name)
				   : -1;
		/* The parameters usually come in the statement's order. */
		const qr_value *v =
			idx >= 0 ? qr_params__get_index(params, 0, idx, i)
				 : NULL;
		rc = resolve_slot(cp, i, v, &values[i], c->scratch, false);
	}
	if (rc == 0 && cp->converts)
		rc = bind_types(cp, values, 1, c->scratch);
	qr_driver_cursor *cur = NULL;
	if (rc == 0) {
		if (c->engine->opts.echo)
			echo_statement(c, cp, values, 1, 1, stats);
		qr_driver_exec ex = one_request(c, cp, values);
		rc = driver_execute(c, &cur, &ex, false, cp->sql);
	}
	if (values != stackvals)
		free(values);
	if (rc)
		return rc;
	return result_of(out, c, cp, cur);
}

/*
 * Runs a compiled statement with one parameter set (or none): what most
 * executions are, and what a short lookup pays for on top of the
 * driver, so none of the executemany set-up (chunks, batches, the
 * gatherer's arrays) is done. Same checks, order and errors as run().
 * Its common case here (a transaction begun or none wanted, each slot's
 * value in params, nothing to convert or echo), the rest in
 * run_one_any.
 */
static int run_one(qr_result **out, qr_conn *c, const qr_compiled *cp,
		   const qr_params *params, const char *stats)
{
	const int *known;
	if (!params || cp->nslots > QR_CONN_SLOT_MEMO || cp->converts ||
	    !(c->in_tx || c->autocommit) || c->engine->opts.echo ||
	    qr_engine__exec_watched(c->engine) ||
	    (c->scratch && c->scratch->used) ||
	    !(known = slot_indexes(c, cp, params)))
		return run_one_any(out, c, cp, params, stats);
	qr_value values[QR_CONN_SLOT_MEMO];
	for (size_t i = 0; i < cp->nslots; i++) {
		/* The parameters usually come in the statement's order. */
		const qr_value *v =
			known[i] >= 0
				? qr_params__get_index(params, 0, known[i], i)
				: NULL;
		if (!v)
			return run_one_any(out, c, cp, params, stats);
		values[i] = *v;
	}
	qr_driver_cursor *cur = NULL;
	qr_driver_exec ex = one_request(c, cp, values);
	int rc = c->engine->driver->execute(&cur, c->pooled->dconn, &ex);
	if (rc)
		return qr_conn__failed(c, rc, cp->sql);
	return result_of(out, c, cp, cur);
}

/* Runs a compiled statement with several parameter sets (executemany);
 * *out gets a result or NULL. Kept out of line: its frame (the
 * gatherer, the chunk's values) is not a single-row execution's. */
static QR_NOINLINE int run_many(qr_result **out, qr_conn *c,
				const qr_compiled *cp, const qr_params *params,
				const char *stats)
{
	const qr_driver *d = c->engine->driver;
	size_t nrows = params ? qr_params_row_count(params) : 1;
	qr_value stackvals[16];
	qr_value *values = stackvals;
	qr_driver_cursor *cur = NULL;
	const char *batch_sql = NULL; /* the SQL of a full batch */
	char *own_batch = NULL;       /* ... when the form keeps another */
	size_t batch_len = 0, executions = 0;
	int64_t total = 0;
	qr_result *rows = NULL; /* RETURNING batches: every row returned */
	qr_manyvalues plan;
	gatherer g;
	int rc;

	if ((rc = gather_init(&g, cp, params, nrows)))
		return rc;
	/* A missing value fails before anything runs. */
	if (nrows > 1 && (rc = gather_rows(&g, 0, nrows, NULL, NULL)))
		goto done;
	if ((rc = ensure_begun(c)))
		goto done;
	bool batched = nrows > 1 && c->in_tx && qr_manyvalues__plan(&plan, cp);
	/* RETURNING that cannot be batched (a SQL expression in the VALUES
	 * tuple, an UPDATE, AUTOCOMMIT): one execution per row, whose rows
	 * are kept, as insertmanyvalues falls back to then. */
	bool per_row = !batched && nrows > 1 && cp->is_dml && cp->returns_rows;
	bool keep_rows = per_row || (batched && plan.returning);
	size_t chunk = nrows, room = nrows;
	if (per_row) {
		chunk = room = 1;
	} else if (batched) {
		chunk = room = plan.rows_per_batch < nrows ? plan.rows_per_batch
							   : nrows;
	} else if (nrows > EXEC_CHUNK_ROWS + 1 && c->in_tx) {
		chunk = EXEC_CHUNK_ROWS;
		room = chunk + 1; /* the last chunk may take one more row */
	}
	if (room * cp->nslots > sizeof(stackvals) / sizeof(stackvals[0])) {
		if (cp->nslots &&
		    room > SIZE_MAX / cp->nslots / sizeof(*values)) {
			rc = qr_error_oom("parameters");
			goto done;
		}
		values = qr_mem__alloc(room * cp->nslots * sizeof(*values),
				       "parameters");
		if (!values) {
			rc = QR_ENOMEM;
			goto done;
		}
	}
	for (size_t first = 0; first < nrows;) {
		size_t n = nrows - first < chunk ? nrows - first : chunk;
		if (!batched && !per_row && nrows - first - n == 1)
			n++;
		if (batched && plan.last_row_alone && first + n == nrows &&
		    n > 1)
			n--;
		/* The scratch holds this chunk's converted values only. */
		qr_scratch__reset(c->scratch);
		if ((rc = gather_rows(&g, first, n, values, c->scratch)) ||
		    (rc = bind_types(cp, values, n, c->scratch)))
			break;
		if (first == 0 && !batched && !per_row)
			echo_statement(c, cp, values, n, nrows, stats);
		if (cur) {
			/* An earlier chunk: count its rows. */
			int64_t k = d->rowcount ? d->rowcount(cur) : -1;
			total = k >= 0 && total >= 0 ? total + k : -1;
			d->cursor_free(cur);
			cur = NULL;
		}
		/* The values stay as they are until the next chunk, and
		 * every row a chunk returns is read before it. */
		qr_driver_exec ex = {.sql = cp->sql,
				     .sql_len = cp->sql_len,
				     .params = values,
				     .nparams = cp->nslots,
				     .nrows = n,
				     .stream_results = c->stream_results,
				     .params_held = true};
		char *tail_sql = NULL;
		if (batched && n > 1) {
			/* Full batches share one SQL text; a shorter one
			 * has its own. */
			if (n == chunk && !batch_sql)
				batch_sql = qr_manyvalues__batch_sql(
					&plan, n, &batch_len, &own_batch);
			if (n == chunk) {
				ex.sql = batch_sql;
				ex.sql_len = batch_len;
			} else {
				ex.sql = tail_sql = qr_manyvalues__sql(
					&plan, n, &ex.sql_len);
			}
			if (!ex.sql) {
				rc = QR_ENOMEM;
				break;
			}
			ex.nparams = n * cp->nslots;
			ex.nrows = 1;
		}
		if (batched && plan.returning && cp->rowid_sql) {
			ex.rowid_sql = cp->rowid_sql;
			ex.returning_off = n > 1 ? ex.sql_len - plan.tail_len
						 : plan.tail_off;
		}
		if (batched || per_row)
			echo_batch(c, cp, ex.sql, values, n, executions + 1,
				   batched ? batch_count(nrows, &plan) : nrows,
				   stats);
		rc = driver_execute(c, &cur, &ex, nrows > 1, cp->sql);
		executions++;
		free(tail_sql);
		if (rc)
			break;
		first += n;
		if (keep_rows) {
			/* Keep this batch's rows; count them. */
			if (!rows) {
				c->tx_work = c->in_tx;
				rc = qr_result__new(&rows, c, cur);
				cur = NULL;
				if (rc == 0 && cp->nresult)
					rc = qr_result__set_types(rows, cp);
				if (rc == 0)
					rc = qr_result__detach(rows);
			} else {
				rc = qr_result__absorb(rows, cur);
				cur = NULL;
			}
			if (rc) {
				rc = qr_conn__failed(c, rc, cp->sql);
				break;
			}
			total = rows->rowcount >= 0 && total >= 0
					? total + rows->rowcount
					: -1;
		}
	}
	if (rc == 0 && rows) {
		rows->rowcount = total;
		if (out)
			*out = rows;
		else
			qr_result_free(rows);
		rows = NULL;
	} else if (rc == 0) {
		qr_result *res = NULL;
		c->tx_work = c->in_tx;
		rc = qr_result__new(&res, c, cur);
		cur = NULL;
		if (rc == 0 && executions > 1)
			res->rowcount = res->rowcount >= 0 && total >= 0
						? res->rowcount + total
						: -1;
		if (rc == 0 && cp->nresult)
			rc = qr_result__set_types(res, cp);
		if (rc == 0 && out)
			*out = res;
		else
			qr_result_free(res);
	}
done:
	if (cur)
		d->cursor_free(cur);
	qr_result_free(rows);
	if (values != stackvals)
		free(values);
	free(own_batch);
	gather_free(&g);
	return rc;
}

/* Runs a compiled statement; *out gets a result or NULL. */
static int run(qr_result **out, qr_conn *c, const qr_compiled *cp,
	       const qr_params *params, const char *stats)
{
	if (params && qr_params__rows(params) > 1)
		return run_many(out, c, cp, params, stats);
	return run_one(out, c, cp, params, stats);
}

/* qr_conn_execute past its common case (a statement executed again,
 * without echo): compiles stmt, or runs the compiled form it keeps
 * (memo, or NULL) with echo. Out of line: its frame is not a lookup's. */
static QR_NOINLINE int execute_compiled(qr_result **out, qr_conn *conn,
					const qr_stmt *stmt,
					const qr_params *params,
					const qr_compiled *memo)
{
	bool echo = conn->engine->opts.echo;
	char stats[64];
	if (memo)
		return run(out, conn, memo, params,
			   echo ? echo_stats(stats, sizeof(stats), memo, 0)
				: NULL);

	/* The compile time is only shown by echo: no clock otherwise. */
	double t0 = echo ? qr_pool__now() : 0;
	qr_compiled *cp = NULL;
	int rc = qr_compile__exec(&cp, stmt, conn->engine->dialect, params);
	if (rc)
		return rc;
	if (qr_compiled__has_expanding(cp)) {
		/* One placeholder per value of each expanding list. */
		qr_compiled *expanded = NULL;
		if (params && qr_params_row_count(params) > 1)
			rc = qr_error_set(QR_EPARAM, QR_ECLASS_INVALID_REQUEST,
					  "'expanding' parameters can't be "
					  "used with executemany()");
		else
			rc = qr_compiled__expand(&expanded, cp, params);
		qr_compiled_free(cp);
		if (rc)
			return rc;
		cp = expanded;
	}
	rc = run(out, conn, cp, params,
		 echo ? echo_stats(stats, sizeof(stats), cp, t0) : NULL);
	qr_compiled_free(cp);
	return rc;
}

/* Runs stmt on conn, which is open, valid and has no active result. */
static inline int execute_ready(qr_result **out, qr_conn *conn,
				const qr_stmt *stmt, const qr_params *params)
{
	/* A statement executed again runs the compiled form it keeps,
	 * borrowed for the call (no reference counted up and down). */
	const qr_compiled *memo = qr_compile__memo(stmt, conn->engine->dialect);
	if (memo && qr_compiled__has_expanding(memo))
		memo = NULL; /* each execution expands its own */
	if (memo && !conn->engine->opts.echo)
		return run(out, conn, memo, params, NULL);
	return execute_compiled(out, conn, stmt, params, memo);
}

/* qr_conn_execute past its common case: the arguments' errors, a
 * connection to reconnect or refuse, a result to detach first. Out of
 * line: the common case then needs no registers saved. */
static QR_NOINLINE int execute_checked(qr_result **out, qr_conn *conn,
				       const qr_stmt *stmt,
				       const qr_params *params)
{
	if (!conn)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_conn_execute: connection is NULL");
	if (!stmt) {
		if (qr_error_last()->code != 0)
			return qr_error_last()->code;
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_conn_execute: statement is NULL");
	}
	int rc = usable(conn);
	if (rc)
		return rc;
	if (conn->active && (rc = qr_result__detach(conn->active)))
		return rc;
	return execute_ready(out, conn, stmt, params);
}

int qr_conn_execute(qr_result **out, qr_conn *conn, const qr_stmt *stmt,
		    const qr_params *params)
{
	if (out)
		*out = NULL;
	/* The common case: usable() has nothing to do, nothing to detach. */
	if (!conn || !stmt || !conn->pooled || conn->tx_lost ||
	    conn->pooled->invalidated || conn->active)
		return execute_checked(out, conn, stmt, params);
	return execute_ready(out, conn, stmt, params);
}

int qr_conn_execute_text(qr_result **out, qr_conn *conn, const char *sql,
			 const qr_params *params)
{
	if (out)
		*out = NULL;
	qr_stmt *stmt = qr_text(sql);
	if (!stmt)
		return qr_error_last()->code;
	int rc = qr_conn_execute(out, conn, stmt, params);
	qr_stmt_free(stmt);
	return rc;
}

/* Runs transaction-control SQL (SAVEPOINT ...) with echo. */
static int run_control(qr_conn *c, const char *sql)
{
	qr_driver_exec ex = {.sql = sql, .sql_len = strlen(sql), .nrows = 1};
	qr_driver_cursor *cur = NULL;
	int rc;

	if (c->tx_lost)
		return lost_tx_error();
	if (c->active && (rc = qr_result__detach(c->active)))
		return rc;
	qr_engine__echo(c->engine, "%s", sql);
	if ((rc = driver_execute(c, &cur, &ex, false, sql)))
		return rc;
	c->engine->driver->cursor_free(cur);
	return 0;
}

static int finish(qr_conn *c, bool commit)
{
	int rc;
	if (!c)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: connection is NULL",
				    commit ? "commit" : "rollback");
	if (!c->pooled)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "This connection is closed");
	if (c->tx_lost && commit)
		return lost_tx_error(); /* the work is gone: never "saved" */
	if (!c->in_tx)
		return 0;
	if (c->pooled->invalidated) {
		/* Nothing to end on the server: the connection is gone. */
		end_transaction(c);
		return 0;
	}
	if (c->active && (rc = qr_result__detach(c->active)))
		return rc;
	qr_engine__echo(c->engine, commit ? "COMMIT" : "ROLLBACK");
	rc = commit ? c->engine->driver->commit(c->pooled->dconn)
		    : c->engine->driver->rollback(c->pooled->dconn);
	if (rc) {
		rc = qr_conn__failed(c, rc, commit ? "COMMIT" : "ROLLBACK");
		/* A failed COMMIT leaves the transaction to be rolled
		 * back; a failed ROLLBACK leaves nothing usable. */
		if (!commit)
			end_transaction(c);
		return rc;
	}
	end_transaction(c);
	return 0;
}

int qr_conn_commit(qr_conn *conn)
{
	return finish(conn, true);
}

int qr_conn_rollback(qr_conn *conn)
{
	return finish(conn, false);
}

int qr_conn_begin(qr_tx **out, qr_conn *conn)
{
	if (!out || !conn)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_conn_begin: NULL argument");
	*out = NULL;
	int rc = usable(conn);
	if (rc)
		return rc;
	if (conn->in_tx)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "a transaction is already begun for this "
				    "connection");
	if (conn->autocommit)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "the connection is in AUTOCOMMIT isolation;"
				    " it cannot begin a transaction");
	qr_tx *tx = qr_mem__calloc(1, sizeof(*tx), "transaction");
	if (!tx)
		return QR_ENOMEM;
	if ((rc = ensure_begun(conn))) {
		free(tx);
		return rc;
	}
	*tx = (qr_tx){conn, conn->tx_generation, 0, 0, true};
	*out = tx;
	return 0;
}

int qr_conn_begin_nested(qr_tx **out, qr_conn *conn)
{
	char sql[64];
	if (!out || !conn)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_conn_begin_nested: NULL argument");
	*out = NULL;
	int rc = usable(conn);
	if (rc)
		return rc;
	if (!(conn->engine->dialect->features & QR_FEATURE_SAVEPOINT))
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "SAVEPOINT is not supported by the %s "
				    "dialect",
				    conn->engine->dialect->name);
	qr_tx *tx = qr_mem__calloc(1, sizeof(*tx), "transaction");
	if (!tx)
		return QR_ENOMEM;
	if ((rc = ensure_begun(conn))) {
		free(tx);
		return rc;
	}
	int n = ++conn->savepoint_seq;
	snprintf(sql, sizeof(sql), "SAVEPOINT sa_savepoint_%d", n);
	if ((rc = run_control(conn, sql))) {
		free(tx);
		return rc;
	}
	conn->savepoint_depth++;
	*tx = (qr_tx){conn, conn->tx_generation, conn->savepoint_depth, n,
		      true};
	*out = tx;
	return 0;
}

bool qr_tx_is_active(const qr_tx *tx)
{
	if (!tx || !tx->active || !tx->conn->pooled)
		return false;
	if (tx->generation != tx->conn->tx_generation || !tx->conn->in_tx)
		return false;
	return tx->depth <= tx->conn->savepoint_depth;
}

static int tx_end(qr_tx *tx, bool commit)
{
	char sql[80];
	if (!tx)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "transaction is NULL");
	if (!qr_tx_is_active(tx)) {
		tx->active = false;
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "This transaction is inactive");
	}
	tx->active = false;
	if (tx->depth == 0) {
		int rc = finish(tx->conn, commit);
		/* A failed COMMIT leaves the transaction to be rolled back,
		 * through this block too (qr_tx_rollback, qr_tx_free). */
		if (rc && commit && tx->conn->in_tx)
			tx->active = true;
		return rc;
	}
	/* Ending a savepoint ends the ones inside it. */
	tx->conn->savepoint_depth = tx->depth - 1;
	snprintf(sql, sizeof(sql),
		 commit ? "RELEASE SAVEPOINT sa_savepoint_%d"
			: "ROLLBACK TO SAVEPOINT sa_savepoint_%d",
		 tx->savepoint);
	return run_control(tx->conn, sql);
}

int qr_tx_commit(qr_tx *tx)
{
	return tx_end(tx, true);
}

int qr_tx_rollback(qr_tx *tx)
{
	return tx_end(tx, false);
}

void qr_tx_free(qr_tx *tx)
{
	if (!tx)
		return;
	if (qr_tx_is_active(tx)) {
		/* The caller may be handling an error: keep it. */
		qr_error saved = *qr_error_last();
		(void)tx_end(tx, false);
		qr_error__restore(&saved);
	}
	free(tx);
}

int qr_conn_set_isolation(qr_conn *conn, qr_isolation level)
{
	if (!conn)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_conn_set_isolation: conn is NULL");
	int rc = usable(conn);
	if (rc)
		return rc;
	if (conn->in_tx)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "cannot change the isolation level inside "
				    "a transaction");
	const qr_driver *d = conn->engine->driver;
	if (!d->set_isolation)
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "driver %s+%s cannot set isolation levels",
				    conn->engine->dialect->name, d->name);
	rc = d->set_isolation(conn->pooled->dconn, level);
	if (rc)
		return qr_conn__failed(conn, rc, NULL);
	conn->autocommit = level == QR_ISOLATION_AUTOCOMMIT;
	conn->isolation_changed = true;
	return 0;
}

int qr_conn_set_stream_results(qr_conn *conn, bool on)
{
	if (!conn)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_conn_set_stream_results: conn is NULL");
	if (!conn->pooled)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "This connection is closed");
	conn->stream_results = on;
	return 0;
}

void qr_conn_free(qr_conn *conn)
{
	if (!conn)
		return;
	/* Clean-up failures must not replace the error being handled. */
	qr_error saved = *qr_error_last();
	if (conn->active)
		(void)qr_result__detach(conn->active);
	if (conn->pooled) {
		bool was_reset = false;
		bool reset = conn->engine->opts.pool_reset_on_return ==
			     QR_RESET_ROLLBACK;
		if (conn->in_tx && reset) {
			/* A connection whose ROLLBACK failed may still hold
			 * its transaction: it is not handed out again. */
			if (finish(conn, false) != 0 && conn->pooled &&
			    !conn->pooled->invalidated)
				qr_pool__invalidate(conn->engine->pool,
						    conn->pooled, false, true);
			was_reset = true;
		} else if (reset && !conn->pooled->invalidated &&
			   qr_pool__sole_holder(conn->engine->pool,
						conn->pooled) &&
			   conn->engine->driver->rollback(
				   conn->pooled->dconn) != 0) {
			/* No transaction of its own, but SQLAlchemy's pool
			 * rolls back every connection it gets back: one
			 * begun by SQL text ("BEGIN" in AUTOCOMMIT) must not
			 * reach the next checkout. The drivers send nothing
			 * when the server has none open. Not while other
			 * checkouts share the connection (per-thread and
			 * static pools): the transaction is theirs too. */
			qr_pool__invalidate(conn->engine->pool, conn->pooled,
					    false, true);
		}
		if (conn->isolation_changed && !conn->pooled->invalidated &&
		    conn->engine->driver->set_isolation &&
		    conn->engine->driver->set_isolation(
			    conn->pooled->dconn,
			    conn->engine->opts.isolation_level) != 0)
			qr_pool__invalidate(conn->engine->pool, conn->pooled,
					    false, true);
		qr_pool__checkin(conn->engine->pool, conn->pooled, was_reset);
		conn->pooled = NULL;
	}
	qr_scratch__free(conn->scratch);
	free(conn->spare_result);
	free(conn);
	qr_error__restore(&saved);
}
