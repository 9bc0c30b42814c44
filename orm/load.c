/*
 * load.c - loading rows into objects through the identity map, and the
 * operations built on it: refresh, expire, load-if-expired, get by
 * primary key, merge.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

#define NUMBUF 64
#define STACK_FIELDS 16 /* fields loaded without a heap buffer */
#define KEYBUF 256      /* identity keys built without a heap buffer */

typedef struct qr_pkselect {
	qr_mapper *mapper;
	qr_stmt *stmt;
	/* m's columns and subclasses when built (a subclass mapped since
	 * changes the columns and the FROM) */
	size_t npoly, nsubs;
} qr_pkselect;

/* The parameters of the key columns (at most 16, as identity keys). */
static const char *const pk_names[16] = {
	"pk_1", "pk_2",  "pk_3",  "pk_4",  "pk_5",  "pk_6",  "pk_7",  "pk_8",
	"pk_9", "pk_10", "pk_11", "pk_12", "pk_13", "pk_14", "pk_15", "pk_16"};

/* SELECT m's columns FROM its table WHERE key column i = :pk_<i+1>. */
static qr_stmt *build_pk_select(const qr_mapper *m)
{
	qr_stmt *q = qr_orm__poly_add_columns(NULL, m, NULL, NULL);
	bool needed = false;
	qr_expr *crit;

	if (q && m->from)
		q = qr_stmt_add(q, qr_from(qr_expr_ref(m->from)));
	for (size_t i = 0; i < m->npk; i++) {
		const qr_field *f = &m->fields[m->pk[i]];
		q = qr_stmt_add(
			q, qr_where(qr_eq(f->column, qr_param_typed(pk_names[i],
								    f->type))));
	}
	crit = qr_orm__poly_criterion(m, NULL, &needed);
	if (needed) /* a single-table subclass: only its rows */
		q = qr_stmt_add(q, qr_where(crit));
	return q;
}

/* The session's statement for m, built on first use. */
static qr_stmt *pk_select(qr_session *s, qr_mapper *m)
{
	qr_pkselect *a;
	qr_stmt *q;

	for (size_t i = 0; i < s->npk_selects; i++) {
		qr_pkselect *e = &s->pk_selects[i];
		if (e->mapper != m)
			continue;
		if (e->npoly == m->npoly && e->nsubs == m->nsubs)
			return e->stmt;
		if (!(q = build_pk_select(m)))
			return NULL;
		qr_stmt_free(e->stmt);
		e->stmt = q;
		e->npoly = m->npoly;
		e->nsubs = m->nsubs;
		return q;
	}
	q = build_pk_select(m);
	if (!q)
		return NULL;
	a = realloc(s->pk_selects, (s->npk_selects + 1) * sizeof(*a));
	if (!a) {
		qr_stmt_free(q);
		qr_error_oom("select by primary key");
		return NULL;
	}
	s->pk_selects = a;
	a[s->npk_selects].mapper = m;
	a[s->npk_selects].npoly = m->npoly;
	a[s->npk_selects].nsubs = m->nsubs;
	a[s->npk_selects++].stmt = q;
	return q;
}

int qr_orm__exec_by_pk(qr_result **out, qr_session *s, qr_mapper *m,
		       const qr_value *pk)
{
	qr_stmt *q;
	qr_conn *conn;
	int rc;

	*out = NULL;
	if (m->npk > 16)
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "%s: more than 16 primary key columns",
				    m->name);
	if (!(q = pk_select(s, m)))
		return qr_error_last()->code ? qr_error_last()->code
					     : QR_ENOMEM;
	if (!s->pk_params && !(s->pk_params = qr_params_new()))
		return QR_ENOMEM;
	for (size_t i = 0; i < m->npk; i++) {
		rc = qr_params_set(s->pk_params, pk_names[i], pk[i]);
		if (rc)
			return rc;
	}
	rc = qr_orm__conn(s, &conn);
	return rc ? rc : qr_orm__exec(s, out, conn, q, s->pk_params);
}

void qr_orm__pk_selects_free(qr_session *s)
{
	for (size_t i = 0; i < s->npk_selects; i++)
		qr_stmt_free(s->pk_selects[i].stmt);
	free(s->pk_selects);
	s->pk_selects = NULL;
	s->npk_selects = 0;
	qr_params_free(s->pk_params);
	s->pk_params = NULL;
}

/*
 * Stores a row into h: field i from row column cols[i] (none when -1).
 * keep_changed: fields changed since the snapshot (set after the object
 * expired) keep their value and stay changed. The snapshot becomes the
 * row's values.
 */
static int populate(qr_objhdr *h, const int *cols, const qr_row *row,
		    bool keep_changed)
{
	const qr_mapper *m = h->mapper;
	size_t n = m->nfields;
	/* most mappers fit the stack */
	qr_value db_stack[STACK_FIELDS];
	char bufs_stack[STACK_FIELDS * NUMBUF];
	unsigned char kept_stack[STACK_FIELDS] = {0};
	qr_value *db = db_stack;
	char *bufs = bufs_stack;
	unsigned char *kept = kept_stack;
	bool any_kept = false;
	int rc = 0;

	if (n > STACK_FIELDS) {
		db = malloc(n * sizeof(*db));
		bufs = malloc(n * NUMBUF);
		kept = calloc(n, 1);
		if (!db || !bufs || !kept) {
			rc = qr_error_oom("loading a row");
			goto out;
		}
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		const qr_field *f = &m->fields[i];
		const qr_value *v;
		if (cols[i] < 0)
			continue;
		v = qr_row_value(row, cols[i]);
		if (!v) {
			rc = qr_error_last()->code;
			break;
		}
		if (keep_changed && qr_orm__snap(h) &&
		    qr_orm__field_changed(h, qr_orm__snap(h), i)) {
			kept[i] = 1;
			any_kept = true;
			rc = qr_orm__field_normalize(f, v, &db[i],
						     bufs + i * NUMBUF, NUMBUF);
			continue;
		}
		rc = qr_orm__field_set(h, f, v);
	}
	/* the snapshot is the object's state unless a member kept its own */
	for (size_t i = 0; any_kept && i < n && rc == 0; i++)
		if (!kept[i])
			rc = qr_orm__field_get(h, &m->fields[i], &db[i]);
	if (rc)
		goto out;
	if (!any_kept) {
		rc = qr_orm__snapshot_update(h); /* none when read-only */
		if (rc)
			goto out;
	} else if ((rc = qr_orm__snapshot_make(h, db)) != 0) {
		goto out;
	}
	h->flags &= (uint8_t)~QR_OF_EXPIRED;
out:
	if (db != db_stack) {
		free(db);
		free(bufs);
		free(kept);
	}
	return rc;
}

/* The bytes the row's strings and blobs take in a new object's tail. */
static size_t tail_size(const qr_loadmap *lm, const qr_row *row)
{
	const qr_mapper *m = lm->mapper;
	size_t n = 0;

	for (size_t i = 0; i < m->nfields; i++) {
		const qr_value *v;
		if (m->fields[i].ptr_slot < 0 || lm->columns[i] < 0)
			continue;
		v = qr_row_value(row, lm->columns[i]);
		if (v && (v->kind == QR_VTEXT || v->kind == QR_VBLOB ||
			  v->kind == QR_VNUMERIC))
			n += v->u.s.len + 1;
	}
	return n;
}

/* Whether m's key is one 64-bit integer column and pk its integer
 * value: the key is made without normalising it (nothing to convert,
 * no range to check). */
static bool int_key(const qr_mapper *m, const qr_value *pk)
{
	const qr_field *f;

	if (m->npk != 1 || pk[0].kind != QR_VINT)
		return false;
	f = &m->fields[m->pk[0]];
	return f->ctype == QR_CTYPE_INT && f->size == 8 &&
	       !(f->flags & QR_FF_NUMERIC_TEXT);
}

int qr_orm__load_row(void **out, qr_session *s, const qr_loadmap *lm,
		     const qr_row *row, bool overwrite)
{
	bool filled;

	return qr_orm__load_row_filled(out, &filled, s, lm, row, overwrite);
}

int qr_orm__load_row_filled(void **out, bool *filled, qr_session *s,
			    const qr_loadmap *lm, const qr_row *row,
			    bool overwrite)
{
	qr_mapper *m = lm->mapper;
	qr_value pk[16];
	/* the key is built here, and copied into a new object's block */
	alignas(qr_ikey) unsigned char kbuf[KEYBUF];
	qr_ikey *key = NULL;
	qr_objhdr *h;
	size_t ksize;
	int rc;

	*out = NULL;
	*filled = false;
	if (m->npk > 16)
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "%s: more than 16 primary key columns",
				    m->name);
	for (size_t i = 0; i < m->npk; i++) {
		int c = lm->columns[m->pk[i]];
		const qr_value *v;
		if (c < 0)
			return qr_error_set(
				QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
				"the statement has no column for %s.%s, part "
				"of the primary key",
				m->name, m->fields[m->pk[i]].name);
		v = qr_row_value(row, c);
		if (!v)
			return qr_error_last()->code;
		if (v->kind == QR_VNULL)
			return 0; /* no row (an outer join) */
		pk[i] = *v;
	}
	if (int_key(m, pk)) {
		key = (qr_ikey *)kbuf;
		qr_orm__key_int(key, m, pk[0].u.i);
	} else if ((rc = qr_orm__key_from_values_in(&key, kbuf, sizeof(kbuf), m,
						    pk, m->npk)) != 0) {
		return rc;
	}
	/* rows in key order: the next rows' slot is fetched meanwhile */
	qr_orm__idmap_prefetch_next(&s->idmap, key);
	h = qr_orm__idmap_get(&s->idmap, key);
	if (h) {
		if (key != (qr_ikey *)kbuf)
			free(key);
		/* (an object of another class of the hierarchy, the row's
		 * discriminator changed since: its columns do not fit) */
		if (((h->flags & QR_OF_EXPIRED) || overwrite) &&
		    h->mapper == m) {
			/* populate_existing: the relationships load again */
			if (overwrite)
				qr_orm__rels_expire(h);
			rc = populate(h, lm->columns, row, !overwrite);
			if (rc)
				return rc;
			*filled = true;
		}
		*out = qr_orm__obj(h);
		return 0;
	}
	/* one block: the object, its key, then its strings */
	ksize = key == (qr_ikey *)kbuf ? sizeof(*key) + key->len : 0;
	/* the key first: the tail starts aligned for it; a large load's
	 * objects in chunks (fewer page faults) */
	h = qr_orm__object_alloc_tail(
		m, ksize + tail_size(lm, row),
		s->idmap.count >= QR_ORM_CHUNK_AFTER ? &s->chunk : NULL);
	if (!h) {
		if (key != (qr_ikey *)kbuf)
			free(key);
		return QR_ENOMEM;
	}
	if (s->read_only)
		h->flags |= QR_OF_READONLY;
	if (!ksize) {
		h->key = key;
	} else if ((h->key = qr_orm__owned_alloc(h, ksize, alignof(qr_ikey))) !=
		   NULL) {
		memcpy(h->key, key, sizeof(*key) + key->len);
	} else {
		qr_orm__object_release(h);
		return qr_error_oom("identity key");
	}
	rc = populate(h, lm->columns, row, false);
	if (rc) {
		qr_orm__object_release(h);
		return rc;
	}
	qr_orm__own(s, h);
	h->seq = s->next_seq++;
	rc = qr_orm__make_persistent(s, h);
	if (rc) {
		h->state = QR_STATE_DETACHED;
		return rc;
	}
	*filled = true;
	*out = qr_orm__obj(h);
	return 0;
}

int qr_orm__load_object(qr_session *s, qr_objhdr *h, bool overwrite)
{
	qr_mapper *m = h->mapper;
	qr_value pk[16];
	const qr_row *row;
	qr_result *res = NULL;
	int cols_stack[STACK_FIELDS], *cols = cols_stack;
	int rc;

	if (!h->key)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "the %s object has no identity to load",
				    m->name);
	qr_orm__key_values(h->key, pk, 16);
	if (m->nfields > STACK_FIELDS &&
	    !(cols = malloc(m->nfields * sizeof(*cols))))
		return qr_error_oom("loading an object");
	for (size_t i = 0; i < m->nfields; i++)
		cols[i] = (int)i;
	rc = qr_orm__exec_by_pk(&res, s, m, pk);
	if (rc == 0) {
		rc = qr_result_first(res, &row);
		if (rc == 1)
			rc = populate(h, cols, row, !overwrite);
		else if (rc == 0) {
			qr_obuf b = {0};
			char *id = NULL;
			qr_orm__key_repr(&b, h);
			qr_orm__buf_finish(&b, &id);
			rc = qr_error_set(QR_ESTALE, QR_ECLASS_INVALID_REQUEST,
					  "the %s object with identity %s was "
					  "deleted, or its row is otherwise "
					  "not present",
					  m->name, id ? id : "?");
			qr_free(id);
		}
	}
	qr_result_free(res);
	if (cols != cols_stack)
		free(cols);
	return rc;
}

/* h if it is persistent in s, else NULL with the error recorded. */
static qr_objhdr *persistent_in(qr_session *s, const void *obj,
				const char *what)
{
	qr_objhdr *h;

	if (!s) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT, "%s: NULL session",
			     what);
		return NULL;
	}
	h = qr_orm__check(obj, what);
	if (!h)
		return NULL;
	if (h->session != s || h->state != QR_STATE_PERSISTENT) {
		qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
			     "%s: the %s object is not persistent within this "
			     "session (%s)",
			     what, h->mapper->name,
			     qr_objstate_name((qr_objstate)h->state));
		return NULL;
	}
	return h;
}

int qr_session_refresh(qr_session *s, void *obj)
{
	qr_objhdr *h = persistent_in(s, obj, "qr_session_refresh");
	qr_objlist all = QR_OBJLIST_INIT;
	int rc;

	if (!h)
		return qr_error_last()->code;
	/* the refresh-expire cascade: the related objects too */
	rc = qr_orm__cascade_closure(s, h, QR_CASCADE_REFRESH_EXPIRE, &all);
	for (size_t i = 0; i < all.count && rc == 0; i++) {
		qr_objhdr *x = qr_orm__hdr(all.items[i]);
		if (x == h || x->state == QR_STATE_PERSISTENT)
			rc = qr_orm__load_object(s, x, true);
	}
	qr_objlist_clear(&all);
	return rc;
}

int qr_orm__expire(qr_objhdr *h)
{
	int rc;

	if (h->state != QR_STATE_PERSISTENT)
		return 0;
	rc = qr_orm__snapshot_update(h);
	h->flags |= QR_OF_EXPIRED;
	qr_orm__rels_expire(h);
	return rc;
}

int qr_session_expire(qr_session *s, void *obj)
{
	qr_objhdr *h = persistent_in(s, obj, "qr_session_expire");
	qr_objlist all = QR_OBJLIST_INIT;
	int rc;

	if (!h)
		return qr_error_last()->code;
	rc = qr_orm__cascade_closure(s, h, QR_CASCADE_REFRESH_EXPIRE, &all);
	for (size_t i = 0; i < all.count && rc == 0; i++)
		rc = qr_orm__expire(qr_orm__hdr(all.items[i]));
	qr_objlist_clear(&all);
	return rc;
}

void qr_session_expire_all(qr_session *s)
{
	size_t pos = 0;
	qr_objhdr *h;

	if (!s)
		return;
	while ((h = qr_orm__idmap_each(&s->idmap, &pos)) != NULL)
		qr_orm__expire(h);
}

int qr_session_load(qr_session *s, void *obj)
{
	qr_objhdr *h;

	if (!s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_load: NULL session");
	h = qr_orm__check(obj, "qr_session_load");
	if (!h)
		return QR_EINVAL;
	if (h->session != s || h->state != QR_STATE_PERSISTENT ||
	    !(h->flags & QR_OF_EXPIRED))
		return 0;
	return qr_orm__load_object(s, h, false);
}

int qr_session_get_value(qr_value *out, qr_session *s, void *obj,
			 const char *member)
{
	int rc = qr_session_load(s, obj);

	if (rc)
		return rc;
	return qr_object_value(out, obj, member);
}

/* Whether pk (npk values) is m's key as it stands: as many values as
 * key columns, each an integer for a signed 64-bit member, which
 * normalising leaves unchanged and cannot fail on. Such a key needs no
 * identity key made to learn it is valid (a lookup in an empty identity
 * map); any other goes through qr_orm__key_from_values_in, which
 * reports what is wrong with it. */
static bool pk_as_key(const qr_mapper *m, const qr_value *pk, size_t npk)
{
	if (!pk || npk != m->npk)
		return false;
	for (size_t i = 0; i < npk; i++) {
		const qr_field *f = &m->fields[m->pk[i]];
		if (pk[i].kind != QR_VINT || f->ctype != QR_CTYPE_INT ||
		    f->size < sizeof(int64_t))
			return false;
	}
	return true;
}

int qr_session_get(void *out, qr_session *s, qr_mapping *mapping,
		   const qr_value *pk, size_t npk)
{
	qr_mapper *m;
	alignas(qr_ikey) unsigned char kbuf[KEYBUF];
	qr_ikey *key = NULL;
	qr_objhdr *h;
	qr_result *res = NULL;
	const qr_row *row;
	qr_loadmap lm;
	int cols_stack[STACK_FIELDS], *cols = cols_stack, rc;

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_get: NULL out");
	*(void **)out = NULL;
	if (!s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_get: NULL session");
	rc = qr_orm__mapper_for(&m, mapping, s->registry);
	if (rc)
		return rc;
	if (s->idmap.count == 0 && pk_as_key(m, pk, npk))
		goto miss; /* nothing to look for: no key made */
	rc = qr_orm__key_from_values_in(&key, kbuf, sizeof(kbuf), m, pk, npk);
	if (rc)
		return rc;
	if (!key)
		return 0; /* a NULL key value: no such row */
	h = qr_orm__idmap_get(&s->idmap, key);
	if (h && !qr_orm__isa(h->mapper, m)) {
		if (key != (qr_ikey *)kbuf)
			free(key); /* a row of another class of the hierarchy */
		return 0;
	}
	if (h) {
		if (key != (qr_ikey *)kbuf)
			free(key);
		if (h->flags & QR_OF_EXPIRED) {
			rc = qr_orm__load_object(s, h, false);
			if (rc == QR_ESTALE)
				return 0;
			if (rc)
				return rc;
		}
		*(void **)out = qr_orm__obj(h);
		return 1;
	}
	if (key != (qr_ikey *)kbuf)
		free(key);
miss:
	rc = qr_orm__autoflush(s);
	if (rc)
		return rc;
	if (m->nfields > STACK_FIELDS &&
	    !(cols = malloc(m->nfields * sizeof(*cols))))
		return qr_error_oom("get");
	for (size_t i = 0; i < m->nfields; i++)
		cols[i] = (int)i;
	lm.mapper = m;
	lm.columns = cols;
	rc = qr_orm__exec_by_pk(&res, s, m, pk);
	if (rc == 0) {
		rc = qr_result_first(res, &row);
		if (rc == 1 && m->nsubs && m->poly_field >= 0) {
			/* the subclass the row names */
			qr_mapper *sub;
			int *sc = NULL;
			rc = qr_orm__poly_pick(
				&sub, m, qr_row_value(row, m->poly_field));
			if (rc == 0 && sub != m &&
			    !(sc = malloc((sub->nfields + m->npoly) *
					  sizeof(int))))
				rc = qr_error_oom("get");
			if (rc == 0 && sc) {
				int *pos = sc + sub->nfields;
				qr_orm__poly_positions(pos, m, false, NULL, 0);
				qr_orm__poly_columns(sc, sub, m, pos);
				if (cols != cols_stack)
					free(cols);
				cols = sc;
				lm.mapper = sub;
				lm.columns = cols;
			}
			rc = rc == 0 ? 1 : rc;
		}
		if (rc == 1) {
			void *obj;
			rc = qr_orm__load_row(&obj, s, &lm, row, false);
			if (rc == 0) {
				*(void **)out = obj;
				rc = obj ? 1 : 0;
			}
		}
	}
	qr_result_free(res);
	if (cols != cols_stack)
		free(cols);
	return rc;
}

/* Copies every field of src onto dst. */
static int copy_fields(qr_objhdr *dst, const qr_objhdr *src)
{
	const qr_mapper *m = src->mapper;

	for (size_t i = 0; i < m->nfields; i++) {
		qr_value v;
		int rc = qr_orm__field_get(src, &m->fields[i], &v);
		if (rc == 0)
			rc = qr_orm__field_set(dst, &m->fields[i], &v);
		if (rc)
			return rc;
	}
	return 0;
}

/* The objects merged so far in one qr_session_merge (a graph may lead
 * back to an object: it is merged once). */
typedef struct merge_ctx {
	const void **src;
	void **dst;
	size_t n, cap;
} merge_ctx;

static int merge_obj(merge_ctx *c, void **out, qr_session *s, const void *obj);

/* The merge cascade: h's loaded relationships, merged, replace those of
 * the session's object d. */
static int merge_rels(merge_ctx *c, qr_session *s, const qr_objhdr *h,
		      qr_objhdr *d)
{
	for (size_t i = 0; i < h->mapper->nrels; i++) {
		qr_rel *r = &h->mapper->rels[i];
		const char *sp = (const char *)qr_orm__obj(h) + r->offset;
		char *dp = (char *)qr_orm__obj(d) + r->offset;
		qr_objlist tmp = QR_OBJLIST_INIT;
		const qr_objlist *sl;
		int rc = 0;

		if (!(r->cascade & QR_CASCADE_MERGE) ||
		    !(qr_orm__relstate(h, i)->flags & QR_RS_LOADED))
			continue;
		if (qr_orm__rel_is_ref(r)) {
			void *m = NULL;
			if (*(void *const *)sp &&
			    (rc = merge_obj(c, &m, s, *(void *const *)sp)) != 0)
				return rc;
			*(void **)dp = m;
			qr_orm__relstate(d, i)->flags |= QR_RS_LOADED;
			continue;
		}
		/* a many-to-many of a row is compared with its rows */
		if (r->kind == QR_REL_MANY_TO_MANY &&
		    d->state == QR_STATE_PERSISTENT &&
		    !(qr_orm__relstate(d, i)->flags & QR_RS_LOADED) &&
		    (rc = qr_rel_load(qr_orm__obj(d), dp)) != 0)
			return rc;
		sl = (const qr_objlist *)sp;
		for (size_t k = 0; k < sl->count && rc == 0; k++) {
			void *m = NULL;
			rc = merge_obj(c, &m, s, sl->items[k]);
			if (rc == 0 && m)
				rc = qr_objlist_append(&tmp, m);
			if (rc == 0 && m && r->back &&
			    r->back->kind == QR_REL_MANY_TO_ONE) {
				qr_objhdr *mh = qr_orm__hdr(m);
				*(void **)((char *)m + r->back->offset) =
					qr_orm__obj(d);
				qr_orm__relstate(mh,
						 (size_t)(r->back -
							  r->back->owner->rels))
					->flags |= QR_RS_LOADED;
			}
		}
		if (rc) {
			qr_objlist_clear(&tmp);
			return rc;
		}
		qr_objlist_clear((qr_objlist *)dp);
		*(qr_objlist *)dp = tmp;
		qr_orm__relstate(d, i)->flags |= QR_RS_LOADED;
	}
	return 0;
}

static int merge_obj(merge_ctx *c, void **out, qr_session *s, const void *obj)
{
	qr_objhdr *src, *dst = NULL;
	qr_ikey *key = NULL;
	qr_value pk[16];
	void *target = NULL;
	int rc;

	*out = NULL;
	src = qr_orm__check(obj, "qr_session_merge");
	if (!src)
		return QR_EINVAL;
	for (size_t i = 0; i < c->n; i++)
		if (c->src[i] == obj) {
			*out = c->dst[i];
			return 0;
		}
	if (src->session == s && src->state != QR_STATE_TRANSIENT &&
	    src->state != QR_STATE_DETACHED) {
		*out = (void *)obj;
		return 0;
	}
	rc = qr_orm__key_of(&key, src);
	if (rc)
		return rc;
	if (key && src->mapper->npk <= 16) {
		qr_orm__key_values(key, pk, 16);
		rc = qr_session_get(&target, s, src->mapper->mapping, pk,
				    src->mapper->npk);
		free(key);
		if (rc < 0)
			return rc;
	} else {
		free(key);
	}
	if (target) {
		dst = qr_orm__hdr(target);
	} else {
		target = qr_session_new_object(s, src->mapper->mapping);
		if (!target)
			return qr_error_last()->code;
		dst = qr_orm__hdr(target);
		rc = qr_session_add(s, target);
		if (rc)
			return rc;
	}
	rc = copy_fields(dst, src);
	if (rc)
		return rc;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		const void **a = realloc(c->src, cap * sizeof(*a));
		void **b;
		if (!a)
			return qr_error_oom("merge");
		c->src = a;
		if (!(b = realloc(c->dst, cap * sizeof(*b))))
			return qr_error_oom("merge");
		c->dst = b;
		c->cap = cap;
	}
	c->src[c->n] = obj;
	c->dst[c->n++] = target;
	*out = target;
	return src->mapper->nrels ? merge_rels(c, s, src, dst) : 0;
}

int qr_session_merge(void *out, qr_session *s, const void *obj)
{
	merge_ctx c = {0};
	void *target = NULL;
	int rc;

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_merge: NULL out");
	*(void **)out = NULL;
	if (!s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_session_merge: NULL session");
	rc = merge_obj(&c, &target, s, obj);
	free(c.src);
	free(c.dst);
	if (rc == 0)
		*(void **)out = target;
	return rc;
}
