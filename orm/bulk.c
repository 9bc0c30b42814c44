/*
 * bulk.c - ORM-enabled UPDATE and DELETE with the query's criteria
 * (query.update(values), query.delete(), synchronize_session): one
 * statement for every row matched, then the session's objects of those
 * rows brought in line with them.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

/* The rows' primary keys, as returned (one qr_rowset) or selected. */
typedef struct matched {
	qr_rowset *rows; /* the key columns, in m->pk order; NULL: none */
	int64_t count;   /* rows matched */
} matched;

/* The entity a bulk statement works on: the query's first column, an
 * entity of one table. */
static int entity_of(qr_mapper **out, const qr_query *q, const char *what)
{
	*out = NULL;
	if (!q->session)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: the query has no session", what);
	if (q->from_stmt)
		return qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				    "%s: not for a query from_statement()",
				    what);
	if (!q->nitems || q->items[0].kind != QR_QI_ENTITY ||
	    qr_orm__item_alias(&q->items[0]))
		return qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				    "%s: the query's first column must be a "
				    "mapped class (not a column or an alias)",
				    what);
	qr_mapper *m = q->items[0].mapper;
	if (m->ntables > 1)
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "%s: %s is a joined-table subclass, whose "
				    "rows span %zu tables",
				    what, m->name, m->ntables);
	*out = m;
	return 0;
}

/* Adds the query's criteria (and a single-table subclass's
 * discriminator) to stmt (taken; NULL on error, recorded). */
static qr_stmt *add_criteria(qr_stmt *stmt, const qr_query *q,
			     const qr_mapper *m)
{
	bool needed = false;
	qr_expr *crit;

	for (size_t i = 0; stmt && i < q->where.n; i++)
		stmt = qr_stmt_add(stmt,
				   qr_where(qr_expr_ref(q->where.items[i])));
	crit = qr_orm__poly_criterion(m, NULL, &needed);
	if (needed)
		stmt = qr_stmt_add(stmt, qr_where(crit));
	return stmt;
}

/* The key columns of m's table, RETURNING them or as a SELECT's. */
static qr_expr *key_column(const qr_mapper *m, size_t k)
{
	return qr_c(m->table, m->fields[m->pk[k]].colname);
}

static qr_stmt *add_returning_keys(qr_stmt *stmt, const qr_mapper *m)
{
	for (size_t k = 0; stmt && k < m->npk; k++)
		stmt = qr_stmt_add(stmt, qr_returning(key_column(m, k)));
	return stmt;
}

/* SELECT <keys> FROM <table> WHERE <criteria>: the rows the statement
 * will match, on a dialect without its RETURNING (SQLAlchemy's 'fetch'
 * pre-select). */
static int preselect(matched *out, qr_session *s, qr_conn *conn,
		     const qr_query *q, const qr_mapper *m)
{
	qr_stmt *sel = NULL;
	qr_result *res = NULL;
	int rc;

	for (size_t k = 0; k < m->npk; k++) {
		qr_expr *c = key_column(m, k);
		sel = k ? qr_stmt_add(sel, c) : qr_select(c);
		if (!sel)
			return qr_error_last()->code;
	}
	if (!(sel = add_criteria(sel, q, m)))
		return qr_error_last()->code;
	rc = qr_orm__exec(s, &res, conn, sel, q->params);
	if (rc == 0)
		rc = qr_result_all(&out->rows, res);
	qr_result_free(res);
	qr_stmt_free(sel);
	return rc;
}

/* Runs stmt (borrowed): the keys it returns into *out, or its rowcount
 * when it returns none. */
static int run(matched *out, qr_session *s, qr_conn *conn, const qr_stmt *stmt,
	       const qr_query *q, bool returning)
{
	qr_result *res = NULL;
	int rc = qr_orm__exec(s, &res, conn, stmt, q->params);

	if (rc == 0 && returning) {
		rc = qr_result_all(&out->rows, res);
		if (rc == 0)
			out->count = (int64_t)qr_rowset_count(out->rows);
	} else if (rc == 0) {
		out->count = qr_result_rowcount(res);
	}
	qr_result_free(res);
	return rc;
}

/* The session's object of m for key row r, or NULL (none there, or only
 * an object of another class of the hierarchy). */
static qr_objhdr *object_of(qr_session *s, qr_mapper *m, const qr_row *r)
{
	qr_value pk[16];
	_Alignas(max_align_t) unsigned char buf[256];
	qr_ikey *key = NULL;
	qr_objhdr *h = NULL;

	for (size_t k = 0; k < m->npk; k++) {
		const qr_value *v = qr_row_value(r, (int)k);
		if (!v || v->kind == QR_VNULL)
			return NULL;
		pk[k] = *v;
	}
	if (qr_orm__key_from_values_in(&key, buf, sizeof(buf), m, pk, m->npk) !=
		    0 ||
	    !key)
		return NULL;
	h = qr_orm__idmap_get(&s->idmap, key);
	if (key != (qr_ikey *)buf)
		free(key);
	if (h && !qr_orm__isa(h->mapper, m))
		h = NULL;
	return h;
}

/* The fields the sets name, and whether every value is a value (not an
 * expression): vals[k] then holds it. */
static int resolve_sets(const qr_field **fields, qr_value *vals, bool *literal,
			const qr_mapper *m, qr_query_set *sets, size_t n,
			const char *what)
{
	*literal = true;
	for (size_t k = 0; k < n; k++) {
		if (!sets[k].member || !sets[k].value)
			return qr_error_last()->code
				       ? qr_error_last()->code
				       : qr_error_set(QR_EINVAL,
						      QR_ECLASS_ARGUMENT,
						      "%s: set %zu has no "
						      "member or value",
						      what, k);
		fields[k] = qr_orm__field_by_name(m, sets[k].member);
		if (!fields[k])
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "%s: %s has no mapped member '%s'",
					    what, m->name, sets[k].member);
		if (!qr_expr_bound_value(sets[k].value, &vals[k]))
			*literal = false;
	}
	return 0;
}

int qr_orm__apply_values(qr_objhdr *h, const qr_field **fields,
			 const qr_value *vals, size_t n)
{
	const qr_mapper *m = h->mapper;
	qr_value *state = NULL;
	int rc = 0;

	if (qr_orm__snap(h) && !(state = calloc(m->nfields, sizeof(*state))))
		return qr_error_oom("update synchronization");
	for (size_t i = 0; state && i < m->nfields; i++)
		qr_orm__snapshot_value(qr_orm__snap(h), m, i, &state[i]);
	for (size_t k = 0; k < n && rc == 0; k++) {
		rc = qr_orm__field_set(h, fields[k], &vals[k]);
		if (rc == 0 && state)
			rc = qr_orm__field_get(h, fields[k],
					       &state[fields[k] - m->fields]);
	}
	if (rc == 0 && state)
		rc = qr_orm__snapshot_make(h, state);
	free(state);
	return rc;
}

/* The objects of the matched rows after an UPDATE. */
static int sync_update(qr_session *s, qr_mapper *m, const matched *mt,
		       const qr_field **fields, const qr_value *vals, size_t n,
		       bool literal)
{
	size_t nrows = mt->rows ? qr_rowset_count(mt->rows) : 0;
	int rc = 0;

	for (size_t i = 0; i < nrows && rc == 0; i++) {
		qr_objhdr *h = object_of(s, m, qr_rowset_row(mt->rows, i));
		if (!h || h->state != QR_STATE_PERSISTENT ||
		    (h->flags & QR_OF_EXPIRED))
			continue;
		rc = literal ? qr_orm__apply_values(h, fields, vals, n)
			     : qr_orm__expire(h);
	}
	return rc;
}

/* The objects of the deleted rows become deleted, as by a flush
 * (journaled, so that a rollback brings them back). */
static int sync_delete(qr_session *s, qr_mapper *m, const matched *mt)
{
	size_t nrows = mt->rows ? qr_rowset_count(mt->rows) : 0;
	int rc = 0;

	for (size_t i = 0; i < nrows && rc == 0; i++) {
		qr_objhdr *h = object_of(s, m, qr_rowset_row(mt->rows, i));
		if (!h || h->state != QR_STATE_PERSISTENT)
			continue;
		if ((rc = qr_orm__journal(s, h)) != 0)
			break;
		qr_orm__idmap_remove(&s->idmap, h);
		if (h->flags & QR_OF_DELETE)
			qr_orm__list_remove(s, h);
		h->flags &= (uint8_t)~QR_OF_DELETE;
		h->state = QR_STATE_DELETED;
		s->made_deleted++;
	}
	return rc;
}

/* The work shared by update and delete: autoflush, the statement (with
 * RETURNING of the keys, or a SELECT of them first, when synchronizing),
 * the row count. */
static int execute(matched *mt, qr_session *s, const qr_query *q,
		   const qr_mapper *m, qr_stmt **stmt, qr_sync sync,
		   unsigned returning_feature)
{
	qr_conn *conn;
	int rc = qr_orm__autoflush(s);

	if (rc == 0)
		rc = qr_orm__conn(s, &conn);
	if (rc)
		return rc;
	if (sync == QR_SYNC_NONE)
		return run(mt, s, conn, *stmt, q, false);
	if (s->dialect->features & returning_feature) {
		if (!(*stmt = add_returning_keys(*stmt, m)))
			return qr_error_last()->code;
		return run(mt, s, conn, *stmt, q, true);
	}
	rc = preselect(mt, s, conn, q, m);
	if (rc == 0)
		rc = run(mt, s, conn, *stmt, q, false);
	return rc;
}

/* A NULL query: the error that made it, or QR_EINVAL. */
static int null_query(const char *what)
{
	if (qr_error_last()->code)
		return qr_error_last()->code;
	return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT, "%s: NULL query",
			    what);
}

static bool sync_ok(qr_sync sync, const char *what)
{
	if (sync == QR_SYNC_AUTO || sync == QR_SYNC_FETCH ||
	    sync == QR_SYNC_NONE)
		return true;
	qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
		     "%s: unknown synchronize_session %d", what, (int)sync);
	return false;
}

static void sets_free(qr_query_set *sets, size_t n)
{
	for (size_t k = 0; sets && k < n; k++)
		qr_expr_free(sets[k].value);
}

int qr_query_update(int64_t *rowcount, qr_query *q, qr_sync sync,
		    qr_query_set *sets, size_t n)
{
	static const char what[] = "qr_query_update";
	const qr_field *stackf[16], **fields = stackf;
	qr_value stackv[16], *vals = stackv;
	matched mt = {0};
	qr_stmt *stmt = NULL;
	qr_mapper *m = NULL;
	bool literal = false;
	int rc;

	if (rowcount)
		*rowcount = 0;
	if (!q) {
		sets_free(sets, n);
		return null_query(what);
	}
	if ((rc = entity_of(&m, q, what)) != 0 || !sync_ok(sync, what)) {
		rc = rc ? rc : QR_EINVAL;
		goto done;
	}
	if (!sets || !n) {
		rc = qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				  "%s: no values to set", what);
		goto done;
	}
	if (n > 16 && (!(fields = malloc(n * sizeof(*fields))) ||
		       !(vals = malloc(n * sizeof(*vals))))) {
		rc = qr_error_oom("update");
		goto done;
	}
	if ((rc = resolve_sets(fields, vals, &literal, m, sets, n, what)))
		goto done;
	stmt = qr_update(m->table);
	for (size_t k = 0; stmt && k < n; k++) {
		stmt = qr_stmt_add(stmt,
				   qr_set(fields[k]->colname, sets[k].value));
		sets[k].value = NULL;
	}
	if (!stmt || !(stmt = add_criteria(stmt, q, m))) {
		rc = qr_error_last()->code;
		goto done;
	}
	/* the values are read from the statement's nodes, which the
	 * statement keeps alive until the objects are synchronized */
	rc = execute(&mt, q->session, q, m, &stmt, sync, QR_FEATURE_RETURNING);
	if (rc == 0 && sync != QR_SYNC_NONE)
		rc = sync_update(q->session, m, &mt, fields, vals, n, literal);
	if (rc == 0 && rowcount)
		*rowcount = mt.count;
done:
	qr_rowset_free(mt.rows);
	qr_stmt_free(stmt);
	sets_free(sets, n);
	if (fields != stackf)
		free(fields);
	if (vals != stackv)
		free(vals);
	qr_query_free(q);
	return rc;
}

int qr_query_delete(int64_t *rowcount, qr_query *q, qr_sync sync)
{
	static const char what[] = "qr_query_delete";
	matched mt = {0};
	qr_stmt *stmt = NULL;
	qr_mapper *m = NULL;
	int rc;

	if (rowcount)
		*rowcount = 0;
	if (!q)
		return null_query(what);
	if ((rc = entity_of(&m, q, what)) != 0 || !sync_ok(sync, what)) {
		rc = rc ? rc : QR_EINVAL;
		goto done;
	}
	if (!(stmt = add_criteria(qr_delete(m->table), q, m))) {
		rc = qr_error_last()->code;
		goto done;
	}
	rc = execute(&mt, q->session, q, m, &stmt, sync,
		     QR_FEATURE_RETURNING | QR_FEATURE_DELETE_RETURNING);
	if (rc == 0 && sync != QR_SYNC_NONE)
		rc = sync_delete(q->session, m, &mt);
	if (rc == 0 && rowcount)
		*rowcount = mt.count;
done:
	qr_rowset_free(mt.rows);
	qr_stmt_free(stmt);
	qr_query_free(q);
	return rc;
}
