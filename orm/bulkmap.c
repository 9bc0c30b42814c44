/*
 * bulkmap.c - ORM bulk INSERT and UPDATE by primary key from rows of
 * member values (SQLAlchemy 2.0's session.execute(insert(User), [...])
 * and session.execute(update(User), [...]); bulk_insert_mappings and
 * bulk_update_mappings): one executemany per run of rows naming the
 * same members, in the session's transaction, after its autoflush. No
 * objects are made, except those an INSERT returns when asked
 * (insert(User).returning(User)); an UPDATE gives the values to the
 * session's objects of those keys.
 */
#include "orm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether rows a and b of p name the same members. */
static bool same_names(const qr_params *p, size_t a, size_t b)
{
	size_t n = qr_params_count(p, a);

	if (qr_params_count(p, b) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!qr_params_get(p, a, qr_params_name_at(p, b, i)))
			return false;
	return true;
}

/* The end of the run of rows from first naming the same members. */
static size_t run_end(const qr_params *rows, size_t first)
{
	size_t end = first + 1, n = qr_params_row_count(rows);

	while (end < n && same_names(rows, first, end))
		end++;
	return end;
}

/* The field of member name, QR_ECOLUMN recorded when m has none. */
static const qr_field *member(const qr_mapper *m, const char *name,
			      const char *fn)
{
	const qr_field *f = qr_orm__field_by_name(m, name);

	if (!f)
		qr_error_set(QR_ECOLUMN, QR_ECLASS_ARGUMENT,
			     "%s: %s has no mapped member '%s'", fn, m->name,
			     name);
	return f;
}

/* The parameter of the WHERE criterion on key field f: not the
 * column's name, which an UPDATE's parameters would add to its SET. */
static const char *key_param(const qr_field *f, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s_pk", f->colname);
	return buf;
}

/* Rows [first, end) of rows with their values named by column (and the
 * discriminator of a single-table subclass added when absent). */
static qr_params *by_column(const qr_mapper *m, const qr_params *rows,
			    size_t first, size_t end, bool identity,
			    const char *fn)
{
	qr_params *p = qr_params_new();
	const qr_field *disc =
		identity && m->poly_field >= 0 && m->poly_identity
			? &m->fields[m->poly_field]
			: NULL;

	if (!p) {
		qr_error_oom(fn);
		return NULL;
	}
	for (size_t r = first; r < end; r++) {
		if (r > first && qr_params_next_row(p) != 0)
			goto fail;
		for (size_t i = 0; i < qr_params_count(rows, r); i++) {
			const qr_field *f =
				member(m, qr_params_name_at(rows, r, i), fn);
			char name[128];
			/* an UPDATE's key values name its WHERE parameters */
			if (!f ||
			    qr_params_set(
				    p,
				    !identity && f->pk_pos >= 0
					    ? key_param(f, name, sizeof(name))
					    : f->colname,
				    *qr_params_value_at(rows, r, i)) != 0)
				goto fail;
		}
		if (disc && !qr_params_get(rows, r, disc->name) &&
		    qr_params_text(p, disc->colname, m->poly_identity) != 0)
			goto fail;
	}
	return p;
fail:
	qr_params_free(p);
	return NULL;
}

static int check_args(qr_mapper **m, qr_session *s, qr_mapping *mapping,
		      const qr_params *rows, const char *fn)
{
	int rc;

	if (!s || !rows)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: NULL %s", fn, s ? "rows" : "session");
	if ((rc = qr_orm__mapper_for(m, mapping, s->registry)) != 0)
		return rc;
	if ((*m)->ntables > 1)
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "%s: %s is a joined-table subclass, whose "
				    "rows span %zu tables",
				    fn, (*m)->name, (*m)->ntables);
	return qr_orm__autoflush(s);
}

/* The objects of the rows an INSERT .. RETURNING sent back, persistent
 * in the session, appended to out. */
static int load_returned(qr_objlist *out, qr_session *s, qr_mapper *m,
			 qr_result *res)
{
	int stack[32], *cols = m->nfields <= 32
				       ? stack
				       : malloc(m->nfields * sizeof(*cols));
	qr_loadmap lm = {.mapper = m, .columns = cols};
	const qr_row *row;
	int rc = 0;

	if (!cols)
		return qr_error_oom("bulk insert");
	for (size_t f = 0; f < m->nfields; f++)
		cols[f] = qr_result_column_index(res, m->fields[f].colname);
	while (rc == 0 && (rc = qr_result_next(res, &row)) == 1) {
		void *obj = NULL;
		rc = qr_orm__load_row(&obj, s, &lm, row, false);
		if (rc == 0 && obj)
			rc = qr_objlist_append(out, obj);
	}
	if (cols != stack)
		free(cols);
	return rc < 0 ? rc : 0;
}

int qr_session_bulk_insert(qr_objlist *returning, qr_session *s,
			   qr_mapping *mapping, const qr_params *rows)
{
	const char *fn = "qr_session_bulk_insert";
	qr_mapper *m = NULL;
	int rc = check_args(&m, s, mapping, rows, fn);

	for (size_t first = 0, end;
	     rc == 0 && first < qr_params_row_count(rows); first = end) {
		qr_params *p;
		qr_stmt *stmt;
		qr_result *res = NULL;
		end = run_end(rows, first);
		if (!(p = by_column(m, rows, first, end, true, fn)))
			return qr_error_last()->code;
		stmt = qr_insert(m->table);
		if (stmt && returning)
			stmt = qr_stmt_add(stmt, qr_returning(m->table));
		rc = stmt ? qr_session_execute(returning ? &res : NULL, s, stmt,
					       p)
			  : qr_error_last()->code;
		if (rc == 0 && res)
			rc = load_returned(returning, s, m, res);
		qr_result_free(res);
		qr_stmt_free(stmt);
		qr_params_free(p);
	}
	return rc;
}

/* UPDATE table SET <the run's other members> WHERE <key> = :<key>, or
 * NULL when the run names no member but the key (nothing to set). */
static qr_stmt *update_for(const qr_mapper *m, const qr_params *rows, size_t r,
			   const char *fn, int *rc)
{
	qr_stmt *stmt = qr_update(m->table);
	bool any = false;
	char name[128];

	for (size_t k = 0; k < m->npk; k++) {
		const qr_field *f = &m->fields[m->pk[k]];
		if (!qr_params_get(rows, r, f->name)) {
			*rc = qr_error_set(
				QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				"%s: No primary key value supplied for "
				"column(s) %s.%s; per-row ORM Bulk UPDATE by "
				"Primary Key requires that records contain "
				"primary key values",
				fn, qr_table_name(m->table), f->colname);
			qr_stmt_free(stmt);
			return NULL;
		}
		stmt = qr_stmt_add(
			stmt, qr_where(qr_eq(f->column,
					     qr_param(key_param(
						     f, name, sizeof(name))))));
	}
	for (size_t i = 0; stmt && i < qr_params_count(rows, r); i++) {
		const qr_field *f =
			member(m, qr_params_name_at(rows, r, i), fn);
		if (!f) {
			qr_stmt_free(stmt);
			*rc = qr_error_last()->code;
			return NULL;
		}
		if (f->pk_pos >= 0)
			continue;
		stmt = qr_stmt_add(stmt,
				   qr_set(f->colname, qr_param(f->colname)));
		any = true;
	}
	if (!stmt) {
		*rc = qr_error_last()->code ? qr_error_last()->code : QR_ENOMEM;
		return NULL;
	}
	if (!any) {
		qr_stmt_free(stmt);
		return NULL;
	}
	return stmt;
}

/* Room for one row of a run: its key values, its other members. */
typedef struct sync_room {
	qr_value *pk, *vals;
	const qr_field **fields;
} sync_room;

static int room_alloc(sync_room *room, const qr_mapper *m, size_t nnames)
{
	room->pk = malloc((m->npk ? m->npk : 1) * sizeof(*room->pk));
	room->vals = malloc((nnames ? nnames : 1) * sizeof(*room->vals));
	room->fields = malloc((nnames ? nnames : 1) * sizeof(*room->fields));
	return room->pk && room->vals && room->fields
		       ? 0
		       : qr_error_oom("bulk update");
}

static void room_free(sync_room *room)
{
	free(room->pk);
	free(room->vals);
	free(room->fields);
}

/* The session's object of row r's key gets the row's other values. */
static int sync_row(qr_session *s, qr_mapper *m, const qr_params *rows,
		    size_t r, sync_room *room)
{
	qr_value *pk = room->pk, *vals = room->vals;
	const qr_field **fields = room->fields;
	alignas(qr_ikey) unsigned char kbuf[256];
	qr_ikey *key = NULL;
	qr_objhdr *h;
	size_t n = 0;
	int rc;

	for (size_t k = 0; k < m->npk; k++)
		pk[k] = *qr_params_get(rows, r, m->fields[m->pk[k]].name);
	rc = qr_orm__key_from_values_in(&key, kbuf, sizeof(kbuf), m, pk,
					m->npk);
	if (rc || !key)
		return rc;
	h = qr_orm__idmap_get(&s->idmap, key);
	if (key != (qr_ikey *)kbuf)
		free(key);
	if (!h || !qr_orm__isa(h->mapper, m) ||
	    h->state != QR_STATE_PERSISTENT || (h->flags & QR_OF_EXPIRED))
		return 0;
	for (size_t i = 0; i < qr_params_count(rows, r); i++) {
		const qr_field *f =
			qr_orm__field_by_name(m, qr_params_name_at(rows, r, i));
		if (f->pk_pos >= 0)
			continue;
		fields[n] = f;
		vals[n++] = *qr_params_value_at(rows, r, i);
	}
	return qr_orm__apply_values(h, fields, vals, n);
}

int qr_session_bulk_update(int64_t *matched, qr_session *s, qr_mapping *mapping,
			   const qr_params *rows)
{
	const char *fn = "qr_session_bulk_update";
	qr_mapper *m = NULL;
	int64_t total = 0;
	int rc = check_args(&m, s, mapping, rows, fn);

	for (size_t first = 0, end;
	     rc == 0 && first < qr_params_row_count(rows); first = end) {
		qr_params *p = NULL;
		qr_result *res = NULL;
		qr_stmt *stmt;
		end = run_end(rows, first);
		stmt = update_for(m, rows, first, fn, &rc);
		if (!stmt)
			continue; /* an error, or nothing to set */
		if (!(p = by_column(m, rows, first, end, false, fn)))
			rc = qr_error_last()->code;
		if (rc == 0)
			rc = qr_session_execute(&res, s, stmt, p);
		if (rc == 0 && qr_result_rowcount(res) > 0)
			total += qr_result_rowcount(res);
		sync_room room = {0};
		if (rc == 0)
			rc = room_alloc(&room, m, qr_params_count(rows, first));
		for (size_t r = first; r < end && rc == 0; r++)
			rc = sync_row(s, m, rows, r, &room);
		room_free(&room);
		qr_result_free(res);
		qr_stmt_free(stmt);
		qr_params_free(p);
	}
	if (matched)
		*matched = rc == 0 ? total : 0;
	return rc;
}
