/*
 * persist.c - the SQL of a flush for one mapper: UPDATEs of the changed
 * columns (executemany per set of columns), INSERTs (an executemany,
 * which Core sends as multi-row VALUES batches, with RETURNING when the
 * database generates values; one row at a time with last-insert-id where
 * there is no RETURNING), and DELETEs (executemany).
 * UPDATE and DELETE check the rows matched; with a version counter a
 * mismatch is QR_ESTALE.
 */
#include "orm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool bit(const unsigned char *mask, size_t i)
{
	return mask && ((mask[i / 8] >> (i % 8)) & 1u);
}

static bool masks_equal(const unsigned char *a, const unsigned char *b,
			size_t nfields)
{
	for (size_t i = 0; i < nfields; i++)
		if (bit(a, i) != bit(b, i))
			return false;
	return true;
}

/* The column of table t of m's tables that field i is written to, or
 * NULL (joined-table inheritance spreads a row over several tables). */
static qr_column *tcol(const qr_mapper *m, size_t t, size_t i)
{
	return m->tcols[t * m->nfields + i];
}

static const char *tname(const qr_mapper *m, size_t t, size_t i)
{
	return qr_column_name(tcol(m, t, i));
}

/* Whether table t holds m's version counter. */
static bool versioned(const qr_mapper *m, size_t t)
{
	return m->version >= 0 && m->fields[m->version].tbl == t;
}

/* mask restricted to the fields of table t (a new mask, or NULL when
 * none is left; *rc on OOM). */
static unsigned char *table_mask(const qr_mapper *m, size_t t,
				 const unsigned char *mask, int *rc)
{
	unsigned char *out = NULL;

	*rc = 0;
	for (size_t i = 0; i < m->nfields; i++) {
		if (!bit(mask, i) || !tcol(m, t, i))
			continue;
		if (!out && !(out = calloc((m->nfields + 7) / 8 + 1, 1))) {
			*rc = qr_error_oom("flush");
			return NULL;
		}
		out[i / 8] |= (unsigned char)(1u << (i % 8));
	}
	return out;
}

static void pk_param_name(char *buf, size_t cap, size_t i)
{
	snprintf(buf, cap, "qr__pk_%zu", i);
}

#define VERSION_PARAM "qr__version"

/* WHERE pk = :qr__pk_i [AND version = :qr__version], on table t. */
static qr_stmt *where_identity(qr_stmt *stmt, const qr_mapper *m, size_t t)
{
	char name[32];

	for (size_t i = 0; i < m->npk; i++) {
		const qr_field *f = &m->fields[m->pk[i]];
		pk_param_name(name, sizeof(name), i);
		stmt = qr_stmt_add(
			stmt, qr_where(qr_eq(m->tkeys[t * m->npk + i],
					     qr_param_typed(name, f->type))));
	}
	if (versioned(m, t)) {
		const qr_field *vf = &m->fields[m->version];
		stmt = qr_stmt_add(
			stmt,
			qr_where(qr_eq(vf->column, qr_param_typed(VERSION_PARAM,
								  vf->type))));
	}
	return stmt;
}

/* The identity's values (and the loaded version, when table t holds
 * it) as parameters. */
static int identity_params(qr_params *p, const qr_objhdr *h, size_t t)
{
	const qr_mapper *m = h->mapper;
	qr_value pk[16];
	char name[32];
	int rc = 0;

	if (m->npk > 16)
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "%s: more than 16 primary key columns",
				    m->name);
	qr_orm__key_values(h->key, pk, 16);
	for (size_t i = 0; i < m->npk && rc == 0; i++) {
		pk_param_name(name, sizeof(name), i);
		rc = qr_params_set(p, name, pk[i]);
	}
	if (rc == 0 && versioned(m, t)) {
		/* as loaded; a read-only object has no snapshot but cannot
		 * have been changed by a flush */
		qr_value old;
		if (qr_orm__snap(h))
			qr_orm__snapshot_value(qr_orm__snap(h), m,
					       (size_t)m->version, &old);
		else
			rc = qr_orm__field_get(h, &m->fields[m->version], &old);
		if (rc == 0)
			rc = qr_params_set(p, VERSION_PARAM, old);
	}
	return rc;
}

static int stale(const qr_table *table, const char *verb, size_t expected,
		 int64_t matched)
{
	return qr_error_set(QR_ESTALE, QR_ECLASS_INVALID_REQUEST,
			    "%s statement on table '%s' expected to %s %zu "
			    "row(s); %lld were matched.",
			    verb, qr_table_name(table),
			    strcmp(verb, "UPDATE") == 0 ? "update" : "delete",
			    expected, (long long)matched);
}

/* Executes stmt (taken) on table t with params (taken); checks the
 * rows matched when expected is not 0. */
static int run(qr_session *s, qr_conn *conn, const qr_mapper *m, size_t t,
	       qr_stmt *stmt, qr_params *p, const char *verb, size_t expected)
{
	qr_result *res = NULL;
	int rc;

	if (!p)
		rc = qr_error_oom("flush parameters");
	else
		rc = qr_orm__exec(s, &res, conn, stmt, p);
	if (rc == 0 && expected) {
		int64_t matched = qr_result_rowcount(res);
		if (matched >= 0 && (size_t)matched != expected) {
			if (strcmp(verb, "UPDATE") == 0 || versioned(m, t))
				rc = stale(m->tables[t], verb, expected,
					   matched);
			else
				qr_engine_log(s->engine, QR_LOG_WARNING,
					      "DELETE statement on table '%s' "
					      "expected to delete %zu row(s); "
					      "%lld were matched.",
					      qr_table_name(m->tables[t]),
					      expected, (long long)matched);
		}
	}
	qr_result_free(res);
	qr_params_free(p);
	qr_stmt_free(stmt);
	return rc;
}

/* ---- UPDATE ----------------------------------------------------------------
 */

/* The UPDATE of table t for objs[0..n), whose changed fields there are
 * mask (the same for all). */
static int update_group(qr_session *s, qr_conn *conn, qr_mapper *m, size_t t,
			qr_objhdr **objs, const unsigned char *mask, size_t n)
{
	const qr_field *vf = versioned(m, t) ? &m->fields[m->version] : NULL;
	qr_stmt *stmt = qr_update_new(m->tables[t], QR_END);
	qr_params *p = qr_params_new();
	int rc = 0;

	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		if (bit(mask, i))
			stmt = qr_stmt_add(stmt,
					   qr_set(tname(m, t, i),
						  qr_param_typed(tname(m, t, i),
								 f->type)));
	}
	if (vf)
		stmt = qr_stmt_add(
			stmt, qr_set(vf->colname,
				     qr_param_typed(vf->colname, vf->type)));
	stmt = where_identity(stmt, m, t);
	for (size_t k = 0; k < n && rc == 0 && p; k++) {
		qr_objhdr *h = objs[k];
		if (k)
			rc = qr_params_next_row(p);
		if (vf && rc == 0) {
			qr_value old, nv;
			qr_orm__snapshot_value(qr_orm__snap(h), m,
					       (size_t)m->version, &old);
			nv = qr_val_int(old.kind == QR_VINT ? old.u.i + 1 : 1);
			rc = qr_orm__field_set(h, vf, &nv);
			if (rc == 0)
				rc = qr_params_set(p, vf->colname, nv);
		}
		for (size_t i = 0; i < m->nfields && rc == 0; i++) {
			qr_value v;
			if (!bit(mask, i))
				continue;
			rc = qr_orm__field_get(h, &m->fields[i], &v);
			if (rc == 0)
				rc = qr_params_set(p, tname(m, t, i), v);
		}
		if (rc == 0)
			rc = identity_params(p, h, t);
	}
	if (rc) {
		qr_params_free(p);
		qr_stmt_free(stmt);
		return rc;
	}
	return run(s, conn, m, t, stmt, p, "UPDATE", n);
}

/* After its UPDATEs: the object's snapshot, and its identity when its
 * key changed. */
static int updated(qr_session *s, qr_objhdr *h)
{
	qr_ikey *key = NULL;
	int rc;

	if ((rc = qr_orm__snapshot_update(h)) != 0)
		return rc;
	rc = qr_orm__key_of(&key, h);
	if (rc == 0 && key && !qr_orm__key_equal(key, h->key)) {
		qr_orm__idmap_remove(&s->idmap, h);
		qr_orm__owned_free(h, h->key);
		h->key = key;
		rc = qr_orm__idmap_put(&s->idmap, h);
	} else {
		free(key);
	}
	return rc;
}

/* The UPDATEs of table t: the objects with changes there (all of them
 * in the table of the version counter), grouped by changed columns. */
static int update_table(qr_session *s, qr_conn *conn, qr_mapper *m, size_t t,
			qr_objhdr **objs, unsigned char **changed, size_t n)
{
	qr_objhdr **sel = malloc((n ? n : 1) * sizeof(*sel));
	unsigned char **masks = calloc(n ? n : 1, sizeof(*masks));
	size_t k = 0, i = 0;
	int rc = 0;

	if (!sel || !masks)
		rc = qr_error_oom("flush");
	for (size_t j = 0; j < n && rc == 0; j++) {
		masks[k] = table_mask(m, t, changed[j], &rc);
		if (rc == 0 && (masks[k] || versioned(m, t)))
			sel[k++] = objs[j];
	}
	while (i < k && rc == 0) {
		size_t j = i + 1;
		while (j < k && masks_equal(masks[i], masks[j], m->nfields))
			j++;
		rc = update_group(s, conn, m, t, sel + i, masks[i], j - i);
		i = j;
	}
	for (size_t j = 0; masks && j < n; j++)
		free(masks[j]);
	free(masks);
	free(sel);
	return rc;
}

int qr_orm__persist_updates(qr_session *s, qr_conn *conn, qr_mapper *m,
			    qr_objhdr **objs, unsigned char **changed, size_t n)
{
	int rc = 0;

	if (m->ntables == 1) { /* one table: changed as is */
		size_t i = 0;
		while (i < n && rc == 0) {
			size_t j = i + 1;
			while (j < n &&
			       masks_equal(changed[i], changed[j], m->nfields))
				j++;
			rc = update_group(s, conn, m, 0, objs + i, changed[i],
					  j - i);
			i = j;
		}
	}
	for (size_t t = 0; m->ntables > 1 && t < m->ntables && rc == 0; t++)
		rc = update_table(s, conn, m, t, objs, changed, n);
	for (size_t k = 0; k < n && rc == 0; k++) {
		rc = updated(s, objs[k]);
		/* the database computed columns again: read with the row when
		 * the object next loads (SQLAlchemy expires them) */
		if (m->ncomputed)
			objs[k]->flags |= QR_OF_EXPIRED;
	}
	return rc;
}

/* ---- INSERT ----------------------------------------------------------------
 */

/* Makes an inserted object persistent under key (taken, from
 * qr_orm__key_make; NULL: its key is NULL, an error), expired when the
 * database filled columns that could not be fetched. */
static int finish_insert(qr_session *s, qr_objhdr *h, qr_ikey *key, bool expire)
{
	int rc;

	if (!key)
		return qr_error_set(QR_ERROR, QR_ECLASS_INVALID_REQUEST,
				    "the new %s object has a NULL primary key "
				    "after its INSERT",
				    h->mapper->name);
	if ((rc = qr_orm__snapshot_take(h)) != 0) {
		qr_orm__owned_free(h, key);
		return rc;
	}
	qr_orm__snapshot_note_room(h);
	qr_orm__owned_free(h, h->key);
	h->key = key;
	qr_orm__list_remove(s, h);
	rc = qr_orm__make_persistent(s, h);
	if (rc == 0 && expire)
		h->flags |= QR_OF_EXPIRED;
	return rc;
}

/* Whether an object whose last table has its row now is to be expired
 * (defaults an earlier table's INSERT could not fetch). */
static bool expire_last(qr_objhdr *h, bool expire)
{
	expire = expire || (h->flags & QR_OF_FETCH_LATER);
	h->flags &= (uint8_t)~QR_OF_FETCH_LATER;
	return expire;
}

/* After the INSERT into table t: the object is persistent once its
 * last table has its row. */
static int inserted(qr_session *s, const qr_mapper *m, size_t t, qr_objhdr *h,
		    bool expire)
{
	qr_ikey *key = NULL;
	int rc;

	if (t + 1 < m->ntables) {
		if (expire)
			h->flags |= QR_OF_FETCH_LATER;
		return 0;
	}
	expire = expire_last(h, expire);
	if ((rc = qr_orm__key_make(&key, h)) != 0)
		return rc;
	return finish_insert(s, h, key, expire);
}

/* Objects finished together by inserted_all(): their keys are made
 * first and the identity map's slots they go to asked for, so that the
 * slots (random places of a large map) are in the cache when they are
 * filled. */
#define FINISH_AHEAD 16

/* inserted() of objs[0..n), none expired by this INSERT. */
static int inserted_all(qr_session *s, const qr_mapper *m, size_t t,
			qr_objhdr **objs, size_t n)
{
	int rc = 0;

	if (t + 1 < m->ntables) {
		for (size_t k = 0; k < n && rc == 0; k++)
			rc = inserted(s, m, t, objs[k], false);
		return rc;
	}
	for (size_t k = 0; k < n && rc == 0; k += FINISH_AHEAD) {
		size_t w = n - k < FINISH_AHEAD ? n - k : FINISH_AHEAD;
		qr_ikey *keys[FINISH_AHEAD] = {NULL};
		for (size_t i = 0; i < w && rc == 0; i++) {
			rc = qr_orm__key_make(&keys[i], objs[k + i]);
			qr_orm__idmap_prefetch(&s->idmap, keys[i]);
		}
		for (size_t i = 0; i < w && rc == 0; i++) {
			qr_objhdr *h = objs[k + i];
			rc = finish_insert(s, h, keys[i],
					   expire_last(h, false));
			keys[i] = NULL;
		}
		for (size_t i = 0; i < w; i++)
			qr_orm__owned_free(objs[k + i], keys[i]);
	}
	return rc;
}

/* Which fields the INSERT into table t sets, into mask (zeroed): the
 * NULL fields that have a default are left to it; the others, NULL or
 * not, are set (an explicit NULL). */
static int present_mask(const qr_objhdr *h, size_t t, unsigned char *mask)
{
	const qr_mapper *m = h->mapper;

	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		qr_value v;
		if (!tcol(m, t, i))
			continue;
		if (f->flags &
		    (QR_FF_AUTOINC | QR_FF_DEFAULT | QR_FF_SERVER_DEFAULT)) {
			int rc = qr_orm__field_get(h, f, &v);
			if (rc)
				return rc;
			if (v.kind == QR_VNULL)
				continue;
		}
		mask[i / 8] |= (unsigned char)(1u << (i % 8));
	}
	return 0;
}

static size_t count_bits(const unsigned char *mask, size_t nfields)
{
	size_t n = 0;
	for (size_t i = 0; i < nfields; i++)
		n += bit(mask, i);
	return n;
}

static int insert_params(qr_params *p, const qr_mapper *m, size_t t,
			 qr_objhdr **objs, size_t n,
			 const unsigned char *present);

/* Nothing to fetch back: one executemany. */
static int insert_many(qr_session *s, qr_conn *conn, qr_mapper *m, size_t t,
		       qr_objhdr **objs, const unsigned char *present, size_t n)
{
	qr_stmt *stmt = qr_insert_new(m->tables[t], QR_END);
	qr_params *p = qr_params_new();
	int rc = p ? insert_params(p, m, t, objs, n, present) : QR_ENOMEM;

	if (rc) {
		qr_params_free(p);
		qr_stmt_free(stmt);
		return rc;
	}
	rc = run(s, conn, m, t, stmt, p, "INSERT", 0);
	return rc ? rc : inserted_all(s, m, t, objs, n);
}

/* The value sets of one object's INSERT row: a new array of n nodes. */
static qr_expr **row_sets(const qr_objhdr *h, size_t t,
			  const unsigned char *present, size_t *n, int *rc)
{
	const qr_mapper *m = h->mapper;
	qr_expr **sets = malloc(m->nfields * sizeof(*sets));
	size_t k = 0;

	*rc = 0;
	if (!sets) {
		*rc = qr_error_oom("flush");
		return NULL;
	}
	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		qr_value v;
		if (!bit(present, i))
			continue;
		*rc = qr_orm__field_get(h, f, &v);
		if (*rc) {
			for (size_t j = 0; j < k; j++)
				qr_expr_free(sets[j]);
			free(sets);
			return NULL;
		}
		sets[k++] = qr_set(tname(m, t, i), qr_bind_typed(v, f->type));
	}
	*n = k;
	return sets;
}

/* Stores the fetched columns of a RETURNING row into h. */
static int store_fetched(qr_objhdr *h, const qr_row *row, const size_t *ret,
			 size_t nret, const unsigned char *present)
{
	for (size_t c = 0; c < nret; c++) {
		size_t i = ret[c];
		const qr_value *v;
		int rc;
		if (bit(present, i))
			continue;
		v = qr_row_value(row, (int)c);
		if (!v)
			return qr_error_last()->code;
		rc = qr_orm__field_set(h, &h->mapper->fields[i], v);
		if (rc == 0)
			rc = qr_orm__journal_filled(h, i);
		if (rc)
			return rc;
	}
	return 0;
}

typedef struct rowkey {
	int64_t v;
	size_t row;
} rowkey;

static int by_value(const void *a, const void *b)
{
	const rowkey *x = a, *y = b;
	return x->v < y->v ? -1 : x->v > y->v;
}

/* Whether a RETURNING row holds h's primary key. */
static bool row_has_key(const qr_objhdr *h, const qr_row *row,
			const size_t *ret, size_t nret)
{
	const qr_mapper *m = h->mapper;
	char buf[64];

	for (size_t c = 0; c < nret; c++) {
		const qr_field *f = &m->fields[ret[c]];
		qr_value mine, theirs;
		if (f->pk_pos < 0)
			continue;
		if (qr_orm__field_get(h, f, &mine) != 0 ||
		    qr_orm__field_normalize(f, qr_row_value(row, (int)c),
					    &theirs, buf, sizeof(buf)) != 0 ||
		    !qr_value_equal(&mine, &theirs))
			return false;
	}
	return true;
}

/* Sets one row of parameters per object: its present columns. The
 * first object's by name; the others' as rows of the same names
 * (qr_params_add_row), their strings borrowed from the objects, which
 * nothing changes before the statement has run and the params are
 * freed. */
static int insert_params(qr_params *p, const qr_mapper *m, size_t t,
			 qr_objhdr **objs, size_t n,
			 const unsigned char *present)
{
	qr_value stackvals[16], *vals = stackvals;
	size_t cols[16], *col = cols, ncols = 0;
	int rc = 0;

	if (n == 0)
		return 0;
	if (m->nfields > 16) {
		vals = malloc(m->nfields * sizeof(*vals));
		col = malloc(m->nfields * sizeof(*col));
		if (!vals || !col)
			rc = qr_error_oom("flush");
	}
	for (size_t i = 0; i < m->nfields && rc == 0; i++) {
		qr_value v;
		if (!bit(present, i))
			continue;
		col[ncols++] = i;
		rc = qr_orm__field_get(objs[0], &m->fields[i], &v);
		if (rc == 0)
			rc = qr_params_set(p, tname(m, t, i), v);
	}
	for (size_t k = 1; k < n && rc == 0; k++) {
		for (size_t c = 0; c < ncols && rc == 0; c++)
			rc = qr_orm__field_get(objs[k], &m->fields[col[c]],
					       &vals[c]);
		if (rc == 0)
			rc = qr_params_add_row(p, vals, ncols,
					       QR_PARAMS_BORROW);
	}
	if (vals != stackvals) {
		free(vals);
		free(col);
	}
	return rc;
}

static int insert_returning(qr_session *s, qr_conn *conn, qr_mapper *m,
			    size_t t, qr_objhdr **objs, size_t n,
			    const unsigned char *present, int autoinc);

/*
 * INSERT .. RETURNING for n objects, executed with one parameter set per
 * object: Core sends them as multi-row INSERT .. RETURNING batches and
 * returns every row (its executemany with RETURNING), so no statement
 * tree is built per row. autoinc: the field of a generated integer key
 * (rows matched in its order), or -1 (rows matched by the primary key
 * they return). When Core cannot batch (no transaction: AUTOCOMMIT) and
 * so returns no rows, the objects go one by one.
 */
static int insert_returning(qr_session *s, qr_conn *conn, qr_mapper *m,
			    size_t t, qr_objhdr **objs, size_t n,
			    const unsigned char *present, int autoinc)
{
	qr_stmt *stmt = qr_insert_new(m->tables[t], QR_END);
	size_t *ret = malloc(m->nfields * sizeof(*ret)), nret = 0;
	qr_params *p = count_bits(present, m->nfields) ? qr_params_new() : NULL;
	rowkey *order = NULL;
	qr_result *res = NULL;
	qr_rowset *rows = NULL;
	int rc = 0;

	if (!ret || (!p && count_bits(present, m->nfields))) {
		/* Out of memory: not to be taken for "no column at all". */
		free(ret);
		qr_stmt_free(stmt);
		qr_params_free(p);
		return qr_error_oom("flush");
	}
	/* no column at all: INSERT .. DEFAULT VALUES (one row) */
	if (p)
		rc = insert_params(p, m, t, objs, n, present);
	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		if (tcol(m, t, i) && (!bit(present, i) || f->pk_pos >= 0)) {
			ret[nret++] = i;
			stmt = qr_stmt_add(stmt, qr_returning(tcol(m, t, i)));
		}
	}
	if (rc == 0)
		rc = qr_orm__exec(s, &res, conn, stmt, p);
	if (rc == 0 && n > 1 && !qr_result_returns_rows(res)) {
		/* Not batched: no rows came back. One by one. */
		qr_result_free(res);
		qr_params_free(p);
		qr_stmt_free(stmt);
		free(ret);
		for (size_t k = 0; k < n && rc == 0; k++)
			rc = insert_returning(s, conn, m, t, objs + k, 1,
					      present, autoinc);
		return rc;
	}
	if (rc == 0)
		rc = qr_result_all(&rows, res);
	if (rc == 0 && qr_rowset_count(rows) != n)
		rc = qr_error_set(QR_ERROR, QR_ECLASS_INTERNAL,
				  "INSERT .. RETURNING on %s returned %zu "
				  "row(s) for %zu",
				  qr_table_name(m->tables[t]),
				  qr_rowset_count(rows), n);
	if (rc == 0 && autoinc >= 0) {
		size_t col = 0;
		while (ret[col] != (size_t)autoinc)
			col++;
		order = malloc(n * sizeof(*order));
		if (!order)
			rc = qr_error_oom("flush");
		for (size_t r = 0; r < n && rc == 0; r++) {
			order[r].row = r;
			rc = qr_row_int64(qr_rowset_row(rows, r), (int)col,
					  &order[r].v);
		}
		/* the rows usually come in the order of the keys */
		for (size_t r = 1; r < n && rc == 0; r++)
			if (order[r - 1].v > order[r].v) {
				qsort(order, n, sizeof(*order), by_value);
				break;
			}
	}
	for (size_t k = 0; k < n && rc == 0; k++) {
		const qr_row *row = NULL;
		if (order) {
			row = qr_rowset_row(rows, order[k].row);
		} else if (row_has_key(objs[k], qr_rowset_row(rows, k), ret,
				       nret)) {
			row = qr_rowset_row(rows, k);
		} else {
			for (size_t r = 0; r < n && !row; r++)
				if (row_has_key(objs[k], qr_rowset_row(rows, r),
						ret, nret))
					row = qr_rowset_row(rows, r);
		}
		if (!row)
			rc = qr_error_set(QR_ERROR, QR_ECLASS_INTERNAL,
					  "INSERT .. RETURNING on %s: no row "
					  "for a new %s object",
					  qr_table_name(m->tables[t]), m->name);
		else
			rc = store_fetched(objs[k], row, ret, nret, present);
	}
	if (rc == 0)
		rc = inserted_all(s, m, t, objs, n);
	free(order);
	qr_rowset_free(rows);
	qr_result_free(res);
	qr_params_free(p);
	qr_stmt_free(stmt);
	free(ret);
	return rc;
}

/* One INSERT for one object, its generated key from last-insert-id. */
static int insert_one(qr_session *s, qr_conn *conn, qr_mapper *m, size_t t,
		      qr_objhdr *h, const unsigned char *present)
{
	qr_stmt *stmt = qr_insert_new(m->tables[t], QR_END);
	qr_result *res = NULL;
	bool expire = false;
	size_t nsets = 0;
	int rc = 0;
	qr_expr **sets = row_sets(h, t, present, &nsets, &rc);

	for (size_t i = 0; i < nsets; i++)
		stmt = qr_stmt_add(stmt, sets[i]);
	free(sets);
	if (rc == 0)
		rc = qr_orm__exec(s, &res, conn, stmt, NULL);
	for (size_t i = 0; i < m->nfields && rc == 0; i++) {
		const qr_field *f = &m->fields[i];
		if (bit(present, i) || !tcol(m, t, i))
			continue;
		if ((f->flags & QR_FF_AUTOINC) &&
		    (f->ctype == QR_CTYPE_INT || f->ctype == QR_CTYPE_UINT)) {
			qr_value id = qr_val_int(qr_result_last_insert_id(res));
			rc = qr_orm__field_set(h, f, &id);
			if (rc == 0)
				rc = qr_orm__journal_filled(h, i);
		} else if (f->pk_pos >= 0) {
			rc = qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
					  "%s.%s: the database generates this "
					  "key and %s has no RETURNING to "
					  "fetch it",
					  m->name, f->name, s->dialect->name);
		} else {
			expire = true; /* a default: loaded on next access */
		}
	}
	qr_result_free(res);
	qr_stmt_free(stmt);
	if (rc == 0)
		rc = inserted(s, m, t, h, expire);
	return rc;
}

static int insert_group(qr_session *s, qr_conn *conn, qr_mapper *m, size_t t,
			qr_objhdr **objs, const unsigned char *present,
			size_t n)
{
	unsigned features = s->dialect->features;
	size_t nfetch = 0;
	size_t ncols = count_bits(present, m->nfields);
	/* Core splits an executemany into multi-row INSERT batches itself. */
	size_t per = n;
	int autoinc = -1;
	bool pk_known = true;
	int rc = 0;

	for (size_t i = 0; i < m->nfields; i++)
		nfetch += tcol(m, t, i) && !bit(present, i);
	if (nfetch == 0)
		return insert_many(s, conn, m, t, objs, present, n);
	if (!(features &
	      (QR_FEATURE_RETURNING | QR_FEATURE_INSERT_RETURNING)) ||
	    !(features & QR_FEATURE_MULTI_VALUES)) {
		for (size_t k = 0; k < n && rc == 0; k++)
			rc = insert_one(s, conn, m, t, objs[k], present);
		return rc;
	}
	for (size_t i = 0; i < m->nfields; i++) {
		const qr_field *f = &m->fields[i];
		if (f->pk_pos < 0 || bit(present, i) || !tcol(m, t, i))
			continue;
		pk_known = false;
		if ((f->flags & QR_FF_AUTOINC) &&
		    (f->ctype == QR_CTYPE_INT || f->ctype == QR_CTYPE_UINT))
			autoinc = (int)i;
	}
	if (ncols == 0 || (autoinc < 0 && !pk_known))
		per = 1;
	for (size_t off = 0; off < n && rc == 0; off += per) {
		size_t cnt = n - off < per ? n - off : per;
		rc = insert_returning(s, conn, m, t, objs + off, cnt, present,
				      autoinc);
	}
	return rc;
}

/* The INSERTs into table t, grouped by the columns each object sets
 * (every object's mask in one block). */
static int insert_table(qr_session *s, qr_conn *conn, qr_mapper *m, size_t t,
			qr_objhdr **objs, size_t n)
{
	size_t len = (m->nfields + 7) / 8 + 1;
	unsigned char *present = calloc(n, len);
	size_t i = 0;
	int rc = 0;

	if (!present)
		return qr_error_oom("flush");
	for (size_t k = 0; k < n && rc == 0; k++)
		rc = present_mask(objs[k], t, present + k * len);
	while (i < n && rc == 0) {
		size_t j = i + 1;
		while (j < n &&
		       memcmp(present + i * len, present + j * len, len) == 0)
			j++;
		rc = insert_group(s, conn, m, t, objs + i, present + i * len,
				  j - i);
		i = j;
	}
	free(present);
	return rc;
}

int qr_orm__persist_inserts(qr_session *s, qr_conn *conn, qr_mapper *m,
			    qr_objhdr **objs, size_t n)
{
	const qr_field *vf = m->version >= 0 ? &m->fields[m->version] : NULL;
	int rc = 0;

	for (size_t k = 0; vf && k < n && rc == 0; k++) {
		if (qr_field_is_null(qr_orm__obj(objs[k]),
				     (char *)qr_orm__obj(objs[k]) +
					     vf->offset)) {
			qr_value one = qr_val_int(1);
			rc = qr_orm__field_set(objs[k], vf, &one);
			if (rc == 0)
				rc = qr_orm__journal_filled(objs[k],
							    (size_t)m->version);
		}
	}
	/* the base's table first: its row gives the key the others take */
	for (size_t t = 0; t < m->ntables && rc == 0; t++)
		rc = insert_table(s, conn, m, t, objs, n);
	return rc;
}

/* ---- DELETE ----------------------------------------------------------------
 */

/* The DELETE from table t of objs[0..n). */
static int delete_table(qr_session *s, qr_conn *conn, qr_mapper *m, size_t t,
			qr_objhdr **objs, size_t n)
{
	qr_stmt *stmt =
		where_identity(qr_delete_new(m->tables[t], QR_END), m, t);
	qr_params *p = qr_params_new();
	int rc = 0;

	for (size_t k = 0; k < n && rc == 0 && p; k++) {
		if (k)
			rc = qr_params_next_row(p);
		if (rc == 0)
			rc = identity_params(p, objs[k], t);
	}
	if (rc) {
		qr_params_free(p);
		qr_stmt_free(stmt);
		return rc;
	}
	return run(s, conn, m, t, stmt, p, "DELETE", n);
}

int qr_orm__persist_deletes(qr_session *s, qr_conn *conn, qr_mapper *m,
			    qr_objhdr **objs, size_t n)
{
	int rc = 0;

	/* a subclass's own table first: it references its parent's */
	for (size_t t = m->ntables; t-- > 0 && rc == 0;)
		rc = delete_table(s, conn, m, t, objs, n);
	for (size_t k = 0; k < n && rc == 0; k++) {
		qr_objhdr *h = objs[k];
		qr_orm__idmap_remove(&s->idmap, h);
		qr_orm__list_remove(s, h);
		h->flags &= (uint8_t)~QR_OF_DELETE;
		h->state = QR_STATE_DELETED;
		s->made_deleted++;
	}
	return rc;
}
