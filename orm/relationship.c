/*
 * relationship.c - relationships of a mapper: built from the mapping
 * declaration, resolved on first use (target mapper, back-populate, the
 * foreign key columns), and changed through qr_rel_append / qr_rel_remove
 * / qr_rel_set, which keep both sides in step in memory and cascade new
 * objects into the session.
 */
#include "orm_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *dup_or_null(const char *s, int *rc)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		*rc = qr_error_oom("mapper");
	return d;
}

int qr_orm__rels_build(qr_mapper *m, const qr_mapping_item *items, size_t n)
{
	const qr_mapper *p = m->parent;
	size_t k = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		if (items[i].kind == QR_MAPITEM_RELATIONSHIP)
			m->nrels++;
	if (p)
		m->nrels += p->nrels;
	if (!m->nrels)
		return 0;
	if (!(m->rels = calloc(m->nrels, sizeof(*m->rels))))
		return qr_error_oom("mapper");
	/* a subclass has its parent's relationships first, at the same
	 * positions (an object's relationship state is found by position) */
	for (; p && k < p->nrels && rc == 0; k++) {
		const qr_rel *pr = &p->rels[k];
		qr_rel *r = &m->rels[k];
		r->owner = m;
		r->offset = pr->offset;
		r->kind = pr->kind;
		r->lazy = pr->lazy;
		r->passive_deletes = pr->passive_deletes;
		r->order_field = -1;
		r->cascade = pr->cascade;
		r->name = dup_or_null(pr->name, &rc);
		r->target_name = dup_or_null(pr->target_name, &rc);
		r->back_name = dup_or_null(pr->back_name, &rc);
		r->order_by = dup_or_null(pr->order_by, &rc);
		r->secondary_name = dup_or_null(pr->secondary_name, &rc);
		r->fk_names = dup_or_null(pr->fk_names, &rc);
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		const qr_mapping_item *it = &items[i];
		const qr_rel_options *o = it->rel;
		qr_rel *r;

		if (it->kind != QR_MAPITEM_RELATIONSHIP)
			continue;
		r = &m->rels[k++];
		r->owner = m;
		r->offset = it->offset;
		r->kind = (qr_rel_kind)it->flags;
		r->lazy = o->lazy == QR_LAZY_DEFAULT ? QR_LAZY_SELECT : o->lazy;
		r->passive_deletes = o->passive_deletes;
		r->order_field = -1;
		if (o->cascade & QR_CASCADE_NONE)
			r->cascade = 0;
		else if (o->cascade)
			r->cascade = o->cascade;
		else
			r->cascade = QR_CASCADE_SAVE_UPDATE | QR_CASCADE_MERGE;
		r->name = dup_or_null(it->name, &rc);
		r->target_name = dup_or_null(o->target, &rc);
		r->back_name = dup_or_null(o->back_populates, &rc);
		r->order_by = dup_or_null(o->order_by, &rc);
		r->secondary_name = dup_or_null(o->secondary, &rc);
		r->fk_names = dup_or_null(o->foreign_keys, &rc);
		if (rc == 0 && r->kind == QR_REL_MANY_TO_MANY &&
		    !r->secondary_name)
			rc = qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					  "%s.%s: a many-to-many relationship "
					  "needs .secondary",
					  m->name, r->name);
	}
	return rc;
}

void qr_orm__rels_free(qr_mapper *m)
{
	for (size_t i = 0; i < m->nrels; i++) {
		qr_rel *r = &m->rels[i];
		free(r->name);
		free(r->target_name);
		free(r->back_name);
		free(r->order_by);
		free(r->local);
		free(r->remote);
		free(r->secondary_name);
		free(r->fk_names);
		free(r->order_fields);
		free(r->order_desc);
		free(r->sec_local);
		free(r->sec_remote);
	}
	free(m->rels);
	m->rels = NULL;
	m->nrels = 0;
}

static int field_of_column(const qr_mapper *m, const qr_column *c)
{
	return qr_orm__field_of_column(m, c);
}

/* Whether fk is the key of a joined subclass's table referencing its
 * parent's (inheritance, not a relationship). */
static bool inherit_fk(const qr_mapper *m, const qr_foreign_key_info *fk)
{
	for (size_t t = 1; t < m->ntables; t++)
		if (fk->ncolumns && m->tkeys[t * m->npk] == fk->columns[0])
			return true;
	return false;
}

/* Whether name is one of the comma-separated names of list. */
static bool listed(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *b = p, *e = p + n;
		while (b < e && *b == ' ')
			b++;
		while (e > b && e[-1] == ' ')
			e--;
		if ((size_t)(e - b) == len && strncmp(b, name, len) == 0)
			return true;
		p = end ? end + 1 : p + n;
	}
	return false;
}

/* Whether fk is one the relationship may join on: every column of it
 * named by .foreign_keys, when given. */
static bool fk_allowed(const qr_rel *r, const qr_foreign_key_info *fk)
{
	if (!r->fk_names)
		return true;
	for (size_t j = 0; j < fk->ncolumns; j++)
		if (!listed(r->fk_names, qr_column_name(fk->columns[j])))
			return false;
	return fk->ncolumns > 0;
}

/* The foreign key of table (one of child's) to parent's tables: fills
 * the child and parent field indexes. Returns 1 when there is none; an
 * error when there are several and .foreign_keys does not choose. */
static int find_fk_in(qr_rel *r, const qr_mapper *child, qr_table *table,
		      const qr_mapper *parent, size_t **childf,
		      size_t **parentf)
{
	size_t n = qr_table_foreign_key_count(table);
	size_t found = 0, which = 0;

	for (size_t i = 0; i < n; i++) {
		qr_foreign_key_info fk;
		if (qr_table_foreign_key(&fk, table, i) != 0 ||
		    !qr_orm__has_table(parent, fk.reftable) ||
		    (child != parent && inherit_fk(child, &fk)) ||
		    !fk_allowed(r, &fk))
			continue;
		if (found++ == 0)
			which = i;
	}
	if (found > 1)
		return qr_error_set(
			QR_EINVAL, QR_ECLASS_ARGUMENT,
			"Could not determine join condition between "
			"parent/child tables on relationship %s.%s - there "
			"are multiple foreign key paths linking the tables.  "
			"Specify the 'foreign_keys' argument, providing a list "
			"of those columns which should be counted as "
			"containing a foreign key reference to the parent "
			"table.",
			r->owner->name, r->name);
	if (!found)
		return 1;
	qr_foreign_key_info fk;
	if (qr_table_foreign_key(&fk, table, which) != 0)
		return qr_error_last()->code;
	*childf = calloc(fk.ncolumns, sizeof(**childf));
	*parentf = calloc(fk.ncolumns, sizeof(**parentf));
	if (!*childf || !*parentf)
		return qr_error_oom("relationship");
	for (size_t j = 0; j < fk.ncolumns; j++) {
		int a = field_of_column(child, fk.columns[j]);
		int b = field_of_column(parent, fk.refcolumns[j]);
		if (a < 0 || b < 0)
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "relationship %s.%s: the foreign "
					    "key columns of %s are not all "
					    "mapped",
					    r->owner->name, r->name,
					    qr_table_name(table));
		(*childf)[j] = (size_t)a;
		(*parentf)[j] = (size_t)b;
	}
	r->ncols = fk.ncolumns;
	return 0;
}

/* The foreign key of child's tables (its own first) to parent's
 * tables: fills the child and parent field indexes. */
static int find_fk(qr_rel *r, const qr_mapper *child, const qr_mapper *parent,
		   size_t **childf, size_t **parentf)
{
	for (size_t t = child->ntables; t-- > 0;) {
		int rc = find_fk_in(r, child, child->tables[t], parent, childf,
				    parentf);
		if (rc <= 0)
			return rc;
	}
	return qr_error_set(
		QR_EINVAL, QR_ECLASS_ARGUMENT,
		"Could not determine join condition between parent/child "
		"tables on relationship %s.%s - there are no foreign keys "
		"linking these tables (%s to %s%s).  Ensure that referencing "
		"columns are associated with a ForeignKey or "
		"ForeignKeyConstraint.",
		r->owner->name, r->name, qr_table_name(child->table),
		qr_table_name(parent->table),
		r->fk_names ? " through the columns of .foreign_keys" : "");
}

/* The foreign key of the secondary table to table (the n-th such key,
 * for a table related to itself): its columns and the referenced
 * fields of m. */
static int secondary_fk(qr_rel *r, const qr_mapper *m, size_t nth,
			qr_column ***cols, size_t **fields)
{
	size_t n = qr_table_foreign_key_count(r->secondary);

	for (size_t i = 0; i < n; i++) {
		qr_foreign_key_info fk;
		if (qr_table_foreign_key(&fk, r->secondary, i) != 0 ||
		    !qr_orm__has_table(m, fk.reftable) || nth-- > 0)
			continue;
		free(*cols);
		free(*fields);
		*cols = calloc(fk.ncolumns, sizeof(**cols));
		*fields = calloc(fk.ncolumns, sizeof(**fields));
		if (!*cols || !*fields)
			return qr_error_oom("relationship");
		for (size_t j = 0; j < fk.ncolumns; j++) {
			int b = field_of_column(m, fk.refcolumns[j]);
			if (b < 0)
				return qr_error_set(
					QR_EINVAL, QR_ECLASS_ARGUMENT,
					"relationship %s.%s: a column "
					"referenced by %s is not mapped",
					r->owner->name, r->name,
					r->secondary_name);
			(*cols)[j] = fk.columns[j];
			(*fields)[j] = (size_t)b;
		}
		r->ncols = fk.ncolumns;
		return 0;
	}
	return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			    "relationship %s.%s: no foreign key from %s to %s",
			    r->owner->name, r->name, r->secondary_name,
			    qr_table_name(m->table));
}

static int resolve_secondary(qr_rel *r, qr_mapper *t)
{
	size_t nl;
	int rc;

	r->secondary = qr_metadata_table(
		qr_registry_metadata(r->owner->registry), r->secondary_name);
	if (!r->secondary)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "relationship %s.%s: no table %s in the "
				    "registry's metadata",
				    r->owner->name, r->name, r->secondary_name);
	rc = secondary_fk(r, r->owner, 0, &r->sec_local, &r->local);
	nl = r->ncols;
	if (rc == 0)
		rc = secondary_fk(r, t, t == r->owner ? 1 : 0, &r->sec_remote,
				  &r->remote);
	if (rc == 0 && nl != r->ncols)
		rc = qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				  "relationship %s.%s: the keys of %s differ "
				  "in size",
				  r->owner->name, r->name, r->secondary_name);
	return rc;
}

/* Whether word (n bytes) is kw, case-insensitively. */
static bool keyword(const char *word, size_t n, const char *kw)
{
	return n == strlen(kw) && strncasecmp(word, kw, n) == 0;
}

/* .order_by: "member [ASC|DESC], ..." of the target. */
static int resolve_order(qr_rel *r, const qr_mapper *t)
{
	size_t cap = 1;

	free(r->order_fields);
	free(r->order_desc);
	r->order_fields = NULL;
	r->order_desc = NULL;
	r->norder = 0;
	r->order_field = -1;
	if (!r->order_by)
		return 0;
	for (const char *p = r->order_by; *p; p++)
		cap += *p == ',';
	r->order_fields = calloc(cap, sizeof(*r->order_fields));
	r->order_desc = calloc(cap, sizeof(*r->order_desc));
	if (!r->order_fields || !r->order_desc)
		return qr_error_oom("relationship");
	for (const char *p = r->order_by; *p;) {
		const char *end = strchr(p, ',');
		const char *e = end ? end : p + strlen(p);
		const char *w[3];
		size_t wl[3], nw = 0;
		char name[128];
		const qr_field *f;
		/* up to two words: the member, ASC or DESC */
		for (const char *q = p; q < e && nw <= 2;) {
			while (q < e && isspace((unsigned char)*q))
				q++;
			if (q == e)
				break;
			w[nw] = q;
			while (q < e && !isspace((unsigned char)*q))
				q++;
			wl[nw] = (size_t)(q - w[nw]);
			nw++;
		}
		if (nw == 0 || nw > 2 || wl[0] >= sizeof(name) ||
		    (nw == 2 && !keyword(w[1], wl[1], "asc") &&
		     !keyword(w[1], wl[1], "desc")))
			return qr_error_set(
				QR_EINVAL, QR_ECLASS_ARGUMENT,
				"relationship %s.%s: .order_by \"%s\" is not "
				"\"member [ASC|DESC], ...\"",
				r->owner->name, r->name, r->order_by);
		memcpy(name, w[0], wl[0]);
		name[wl[0]] = '\0';
		if (!(f = qr_orm__field_by_name(t, name)))
			return QR_ECOLUMN;
		r->order_fields[r->norder] = (int)(f - t->fields);
		r->order_desc[r->norder] =
			nw == 2 && keyword(w[1], wl[1], "desc");
		r->norder++;
		p = end ? end + 1 : e;
	}
	r->order_field = r->norder ? r->order_fields[0] : -1;
	return 0;
}

qr_query *qr_orm__rel_order_query(qr_query *q, const qr_rel *r)
{
	for (size_t i = 0; i < r->norder && q; i++) {
		const qr_field *f = &r->target->fields[r->order_fields[i]];
		qr_expr *col = qr_mapper_attr(r->target, f->name);
		q = qr_query_order_by_(q, r->order_desc[i] ? qr_desc(col) : col,
				       QR_END);
	}
	return q;
}

qr_stmt *qr_orm__rel_order_stmt(qr_stmt *stmt, const qr_rel *r,
				const qr_expr *alias)
{
	for (size_t i = 0; i < r->norder && stmt; i++) {
		const qr_field *f = &r->target->fields[r->order_fields[i]];
		qr_expr *col = alias ? qr_c(alias, f->colname) : f->column;
		stmt = qr_stmt_add(
			stmt,
			qr_order_by(r->order_desc[i] ? qr_desc(col) : col));
	}
	return stmt;
}

int qr_orm__rel_resolve(qr_rel *r)
{
	qr_registry *reg = r->owner->registry;
	qr_mapper *t = NULL;
	int rc;

	if (r->resolved)
		return 0;
	for (size_t i = 0; i < reg->nmappers && !t; i++)
		if (strcmp(reg->mappers[i]->mapping->name, r->target_name) == 0)
			t = reg->mappers[i];
	if (!t)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "relationship %s.%s: %s is not mapped in "
				    "this registry (map it first)",
				    r->owner->name, r->name, r->target_name);
	if ((rc = resolve_order(r, t)) != 0)
		return rc;
	free(r->local);
	free(r->remote);
	r->local = r->remote = NULL;
	if (r->kind == QR_REL_MANY_TO_ONE)
		rc = find_fk(r, r->owner, t, &r->local, &r->remote);
	else if (r->kind == QR_REL_ONE_TO_MANY || r->kind == QR_REL_ONE_TO_ONE)
		rc = find_fk(r, t, r->owner, &r->remote, &r->local);
	else
		rc = resolve_secondary(r, t);
	if (rc)
		return rc;
	r->back = NULL;
	if (r->back_name) {
		for (size_t i = 0; i < t->nrels; i++)
			if (strcmp(t->rels[i].name, r->back_name) == 0)
				r->back = &t->rels[i];
		if (!r->back || (r->back->kind == r->kind) !=
					(r->kind == QR_REL_MANY_TO_MANY))
			return qr_error_set(
				QR_EINVAL, QR_ECLASS_ARGUMENT,
				"relationship %s.%s: back_populates names "
				"%s.%s, which is not a relationship the other "
				"way",
				r->owner->name, r->name, t->name, r->back_name);
	}
	r->target = t;
	r->resolved = true;
	return 0;
}

void qr_orm__rels_new_object(qr_objhdr *h)
{
	for (size_t i = 0; i < h->mapper->nrels; i++)
		qr_orm__relstate(h, i)->flags |= QR_RS_LOADED;
}

void qr_orm__rels_expire(qr_objhdr *h)
{
	for (size_t i = 0; i < h->mapper->nrels; i++) {
		const qr_rel *r = &h->mapper->rels[i];
		/* what a reference holds stops counting as a change */
		if (qr_orm__rel_is_ref(r))
			qr_orm__relstate(h, i)->snap =
				*(void **)((char *)qr_orm__obj(h) + r->offset);
		qr_orm__relstate(h, i)->flags &=
			~(unsigned)(QR_RS_LOADED | QR_RS_RAISE | QR_RS_NOLOAD);
	}
}

void qr_orm__rels_release(qr_objhdr *h)
{
	for (size_t i = 0; i < h->mapper->nrels; i++) {
		qr_rel *r = &h->mapper->rels[i];
		if (!qr_orm__rel_is_ref(r))
			qr_objlist_clear((qr_objlist *)((char *)qr_orm__obj(h) +
							r->offset));
		if (r->kind == QR_REL_MANY_TO_MANY)
			qr_orm__m2m_snap_set(h, i, NULL);
		qr_orm__relstate_set_opts(h, r, NULL);
	}
}

/* The relationship of obj whose member is at field, resolved. */
static qr_rel *rel_at(qr_objhdr **hp, const void *obj, const void *field,
		      const char *what)
{
	qr_objhdr *h = qr_orm__check(obj, what);
	size_t off;

	if (!h)
		return NULL;
	*hp = h;
	off = (size_t)((const char *)field - (const char *)obj);
	for (size_t i = 0; i < h->mapper->nrels; i++) {
		qr_rel *r = &h->mapper->rels[i];
		if (r->offset == off && field)
			return qr_orm__rel_resolve(r) == 0 ? r : NULL;
	}
	qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
		     "%s: not a relationship member of a %s object", what,
		     h->mapper->name);
	return NULL;
}

static size_t rel_index(const qr_rel *r)
{
	return (size_t)(r - r->owner->rels);
}

static qr_objlist *collection(const qr_objhdr *h, const qr_rel *r)
{
	return (qr_objlist *)((char *)qr_orm__obj(h) + r->offset);
}

static void **reference(const qr_objhdr *h, const qr_rel *r)
{
	return (void **)((char *)qr_orm__obj(h) + r->offset);
}

static int check_target(const qr_rel *r, const void *other, const char *what,
			qr_objhdr **out)
{
	qr_objhdr *o = qr_orm__check(other, what);

	*out = o;
	if (!o)
		return QR_EINVAL;
	if (!qr_orm__isa(o->mapper, r->target))
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: %s.%s holds %s objects, not %s", what,
				    r->owner->name, r->name, r->target->name,
				    o->mapper->name);
	return 0;
}

/* save-update: other joins h's session when h is in one. */
static int cascade_one(const qr_rel *r, qr_objhdr *h, qr_objhdr *o)
{
	if (!(r->cascade & QR_CASCADE_SAVE_UPDATE) || !h->session ||
	    (h->state != QR_STATE_PENDING && h->state != QR_STATE_PERSISTENT))
		return 0;
	if (o->state == QR_STATE_TRANSIENT ||
	    (o->state == QR_STATE_DETACHED && !o->session))
		return qr_session_add(h->session, qr_orm__obj(o));
	return 0;
}

/* Sets the many-to-one r of h to target, in memory only. */
static void set_ref(qr_objhdr *h, const qr_rel *r, void *target)
{
	*reference(h, r) = target;
	qr_orm__relstate(h, rel_index(r))->flags |= QR_RS_LOADED;
}

/* A many-to-many collection is loaded before it changes (SQLAlchemy
 * loads it on access): its rows are written as differences from it. */
static int load_before_change(qr_objhdr *h, const qr_rel *r, void *field)
{
	if (r->kind != QR_REL_MANY_TO_MANY ||
	    (qr_orm__relstate(h, rel_index(r))->flags & QR_RS_LOADED) ||
	    h->state != QR_STATE_PERSISTENT)
		return 0;
	return qr_rel_load(qr_orm__obj(h), field);
}

/* The collection relationship field of obj for qr_rel_append/remove
 * (what), with child checked as its target and a many-to-many loaded
 * before it changes: *hp and *cp get their headers. NULL on error, *rc
 * set. */
static qr_rel *collection_change(qr_objhdr **hp, qr_objhdr **cp, void *obj,
				 qr_objlist *field, void *child,
				 const char *what, int *rc)
{
	qr_rel *r = rel_at(hp, obj, field, what);

	if (!r) {
		*rc = qr_error_last()->code ? qr_error_last()->code : QR_EINVAL;
		return NULL;
	}
	if (qr_orm__rel_is_ref(r)) {
		*rc = qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				   "%s: %s.%s is not a collection", what,
				   (*hp)->mapper->name, r->name);
		return NULL;
	}
	if ((*rc = check_target(r, child, what, cp)) != 0 ||
	    (*rc = load_before_change(*hp, r, field)) != 0)
		return NULL;
	return r;
}

int qr_rel_append(void *obj, qr_objlist *field, void *child)
{
	qr_objhdr *h, *c;
	int rc;
	qr_rel *r = collection_change(&h, &c, obj, field, child,
				      "qr_rel_append", &rc);

	if (!r)
		return rc;
	if (qr_objlist_index(field, child) >= 0)
		return 0;
	if ((rc = qr_objlist_append(field, child)) != 0)
		return rc;
	if (r->back && r->kind == QR_REL_MANY_TO_MANY) {
		qr_objlist *bl = collection(c, r->back);
		if ((qr_orm__relstate(c, rel_index(r->back))->flags &
		     QR_RS_LOADED) &&
		    qr_objlist_index(bl, obj) < 0 &&
		    (rc = qr_objlist_append(bl, obj)) != 0)
			return rc;
	} else if (r->back) {
		void *old = *reference(c, r->back);
		if (old && old != obj)
			qr_objlist_remove(collection(qr_orm__hdr(old), r),
					  child);
		set_ref(c, r->back, obj);
	}
	return cascade_one(r, h, c);
}

/* A child removed from its parent's collection: its foreign key goes
 * NULL, or it is deleted (delete-orphan). */
static int orphan(const qr_rel *r, qr_objhdr *c)
{
	qr_session *s = c->session;

	if (r->cascade & QR_CASCADE_DELETE_ORPHAN) {
		if (c->state == QR_STATE_PERSISTENT)
			return qr_session_delete(s, qr_orm__obj(c));
		if (c->state == QR_STATE_PENDING) {
			qr_orm__list_remove(s, c);
			c->state = QR_STATE_TRANSIENT;
		}
		return 0;
	}
	for (size_t i = 0; i < r->ncols; i++) {
		const qr_field *f = &r->target->fields[r->remote[i]];
		int rc = qr_field_set_null(qr_orm__obj(c),
					   (char *)qr_orm__obj(c) + f->offset);
		if (rc)
			return rc;
	}
	return 0;
}

int qr_rel_remove(void *obj, qr_objlist *field, void *child)
{
	qr_objhdr *h, *c;
	int rc;
	qr_rel *r = collection_change(&h, &c, obj, field, child,
				      "qr_rel_remove", &rc);

	if (!r)
		return rc;
	if (!qr_objlist_remove(field, child))
		return 0;
	if (r->kind == QR_REL_MANY_TO_MANY) {
		if (r->back)
			qr_objlist_remove(collection(c, r->back), obj);
		if ((r->cascade & QR_CASCADE_DELETE_ORPHAN) &&
		    c->state == QR_STATE_PERSISTENT &&
		    (rc = qr_session_delete(c->session, child)) != 0)
			return rc;
		return 1;
	}
	if (r->back && *reference(c, r->back) == obj)
		set_ref(c, r->back, NULL);
	rc = orphan(r, c);
	return rc ? rc : 1;
}

int qr_rel_set(void *obj, void *field, void *target)
{
	qr_objhdr *h, *t = NULL;
	qr_rel *r = rel_at(&h, obj, field, "qr_rel_set");
	void *old;
	int rc;

	if (!r)
		return qr_error_last()->code ? qr_error_last()->code
					     : QR_EINVAL;
	if (!qr_orm__rel_is_ref(r))
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_rel_set: %s.%s is a collection (use "
				    "qr_rel_append)",
				    h->mapper->name, r->name);
	if (target && (rc = check_target(r, target, "qr_rel_set", &t)) != 0)
		return rc;
	old = *reference(h, r);
	set_ref(h, r, target);
	if (old == target)
		return 0;
	if (r->kind == QR_REL_ONE_TO_ONE) {
		rc = 0;
		if (old) { /* the old child loses its parent */
			qr_objhdr *oh = qr_orm__hdr(old);
			if (r->back && *reference(oh, r->back) == obj)
				set_ref(oh, r->back, NULL);
			rc = orphan(r, oh);
		}
		if (rc == 0 && t && r->back) {
			void *prev = *reference(t, r->back);
			if (prev && prev != obj &&
			    *reference(qr_orm__hdr(prev), r) == target)
				set_ref(qr_orm__hdr(prev), r, NULL);
			set_ref(t, r->back, obj);
		}
		return rc ? rc : t ? cascade_one(r, h, t) : 0;
	}
	if (r->back && r->back->kind == QR_REL_ONE_TO_ONE) {
		if (old && *reference(qr_orm__hdr(old), r->back) == obj)
			set_ref(qr_orm__hdr(old), r->back, NULL);
		if (t) {
			/* the target's previous one loses it */
			void *prev = *reference(t, r->back);
			set_ref(t, r->back, obj);
			if (prev && prev != obj) {
				qr_objhdr *ph = qr_orm__hdr(prev);
				if (*reference(ph, r) == target)
					set_ref(ph, r, NULL);
				if ((rc = orphan(r->back, ph)) != 0)
					return rc;
			}
		}
		return t ? cascade_one(r, h, t) : 0;
	}
	if (r->back && old)
		qr_objlist_remove(collection(qr_orm__hdr(old), r->back), obj);
	if (r->back && t &&
	    (qr_orm__relstate(t, rel_index(r->back))->flags & QR_RS_LOADED) &&
	    qr_objlist_index(collection(t, r->back), obj) < 0 &&
	    (rc = qr_objlist_append(collection(t, r->back), obj)) != 0)
		return rc;
	return t ? cascade_one(r, h, t) : 0;
}

bool qr_rel_loaded(const void *obj, const void *field)
{
	const qr_objhdr *h;
	size_t off;

	if (!obj || !field)
		return false;
	h = qr_orm__hdr(obj);
	if (!qr_orm__live(h))
		return false;
	off = (size_t)((const char *)field - (const char *)obj);
	for (size_t i = 0; i < h->mapper->nrels; i++)
		if (h->mapper->rels[i].offset == off)
			return (qr_orm__relstate(h, i)->flags & QR_RS_LOADED) !=
			       0;
	return false;
}

/* ---- cascades and foreign keys at flush --------------------------------- */

/* Nothing related: an empty collection or a NULL reference. */
static bool rel_empty(const qr_objhdr *h, const qr_rel *r)
{
	if (qr_orm__rel_is_ref(r))
		return *reference(h, r) == NULL;
	return collection(h, r)->count == 0;
}

/* Whether the member says what is related: loaded, or a reference
 * assigned since (an expired object's members are stale: after a
 * rollback they may name objects that left the session). */
static bool rel_current(const qr_objhdr *h, const qr_rel *r, size_t i)
{
	const qr_relstate *st = qr_orm__relstate(h, i);

	if (st->flags & QR_RS_LOADED)
		return true;
	return qr_orm__rel_is_ref(r) && *reference(h, r) != st->snap;
}

/* The related objects as a list: a collection, or a reference seen as a
 * list of at most one (backed by the member; do not grow it). */
static qr_objlist related_view(const qr_objhdr *h, const qr_rel *r)
{
	if (qr_orm__rel_is_ref(r)) {
		void **p = reference(h, r);
		qr_objlist l = {p, *p ? 1 : 0, 1};
		return l;
	}
	return *collection(h, r);
}

int qr_orm__cascade_add(qr_session *s, qr_objhdr *h)
{
	(void)s;
	for (size_t i = 0; i < h->mapper->nrels; i++) {
		qr_rel *r = &h->mapper->rels[i];
		int rc;

		if (!(r->cascade & QR_CASCADE_SAVE_UPDATE) || rel_empty(h, r) ||
		    !rel_current(h, r, i))
			continue;
		if ((rc = qr_orm__rel_resolve(r)) != 0)
			return rc;
		if (qr_orm__rel_is_ref(r)) {
			void *p = *reference(h, r);
			if (p && (rc = cascade_one(r, h, qr_orm__hdr(p))) != 0)
				return rc;
			continue;
		}
		for (size_t j = 0; j < collection(h, r)->count; j++) {
			qr_objhdr *c = qr_orm__hdr(collection(h, r)->items[j]);
			if ((rc = cascade_one(r, h, c)) != 0)
				return rc;
		}
	}
	return 0;
}

/* The session's pending and persistent objects having relationships. */
static int related_objects(qr_session *s, qr_objhdr ***out, size_t *n)
{
	size_t cap = s->npending + s->idmap.count + 1, pos = 0, k = 0;
	qr_objhdr **v, *h;
	bool any = false;

	*out = NULL;
	*n = 0;
	for (h = s->pending_head; h && !any; h = h->ext->lnext)
		any = h->mapper->nrels != 0;
	if (!any && s->idmap.nrel == 0)
		return 0; /* no relationships: nothing to do, no allocation */
	pos = 0;
	if (!(v = malloc(cap * sizeof(*v))))
		return qr_error_oom("flush");
	for (h = s->pending_head; h && k < cap; h = h->ext->lnext)
		if (h->mapper->nrels)
			v[k++] = h;
	while (s->idmap.nrel &&
	       (h = qr_orm__idmap_next(&s->idmap, &pos)) != NULL && k < cap)
		if (h->mapper->nrels && h->state == QR_STATE_PERSISTENT &&
		    !(h->flags & QR_OF_DELETE))
			v[k++] = h;
	*out = v;
	*n = k;
	return 0;
}

int qr_orm__cascade_all(qr_session *s)
{
	qr_objhdr **v;
	size_t n;
	int rc = related_objects(s, &v, &n);

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = qr_orm__cascade_add(s, v[i]);
	/* objects the cascade added are pending: cascade from them too */
	for (qr_objhdr *h = s->pending_head; h && rc == 0; h = h->ext->lnext)
		if (h->mapper->nrels)
			rc = qr_orm__cascade_add(s, h);
	free(v);
	return rc;
}

/* Whether fields idx of h are all non-NULL. */
static bool key_known(const qr_objhdr *h, const size_t *idx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		qr_value v;
		if (qr_orm__field_get(h, &h->mapper->fields[idx[i]], &v) != 0 ||
		    qr_value_is_null(&v))
			return false;
	}
	return true;
}

/* Copies fields from[] of src into fields to[] of dst (when different). */
static int copy_key(qr_objhdr *dst, const size_t *to, const qr_objhdr *src,
		    const size_t *from, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const qr_field *tf = &dst->mapper->fields[to[i]];
		qr_value v, cur;
		int rc = qr_orm__field_get(src, &src->mapper->fields[from[i]],
					   &v);
		if (rc)
			return rc;
		if (qr_orm__field_get(dst, tf, &cur) == 0 &&
		    qr_value_equal(&cur, &v))
			continue;
		if ((rc = qr_orm__field_set(dst, tf, &v)) != 0)
			return rc;
		if (dst->session)
			dst->session->fk_changes++;
	}
	return 0;
}

static int set_key_null(qr_objhdr *h, const size_t *idx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const qr_field *f = &h->mapper->fields[idx[i]];
		qr_value cur;
		int rc;
		if (qr_orm__field_get(h, f, &cur) == 0 &&
		    qr_value_is_null(&cur))
			continue;
		rc = qr_field_set_null(qr_orm__obj(h),
				       (char *)qr_orm__obj(h) + f->offset);
		if (rc)
			return rc;
		if (h->session)
			h->session->fk_changes++;
	}
	return 0;
}

static int sync_object(qr_objhdr *h, void (*defer)(void *, qr_mapper *),
		       void *ctx)
{
	for (size_t i = 0; i < h->mapper->nrels; i++) {
		qr_rel *r = &h->mapper->rels[i];
		qr_relstate *st = qr_orm__relstate(h, i);
		qr_objlist view;
		int rc;

		if (r->kind == QR_REL_MANY_TO_MANY ||
		    (rel_empty(h, r) && !st->snap))
			continue; /* (its target may not be mapped yet) */
		if ((rc = qr_orm__rel_resolve(r)) != 0)
			return rc;
		if (r->kind == QR_REL_MANY_TO_ONE) {
			void *p = *reference(h, r);
			if (!rel_current(h, r, i))
				continue;
			if (p) {
				qr_objhdr *t = qr_orm__hdr(p);
				if (key_known(t, r->remote, r->ncols))
					rc = copy_key(h, r->local, t, r->remote,
						      r->ncols);
				else if (defer)
					defer(ctx, h->mapper);
			} else if (st->snap) {
				rc = set_key_null(h, r->local, r->ncols);
			}
			if (rc)
				return rc;
			continue;
		}
		if (!(st->flags & QR_RS_LOADED))
			continue;
		view = related_view(h, r);
		for (size_t j = 0; j < view.count; j++) {
			qr_objhdr *c = qr_orm__hdr(view.items[j]);
			if (c->state != QR_STATE_PENDING &&
			    c->state != QR_STATE_PERSISTENT)
				continue;
			if (!key_known(h, r->local, r->ncols)) {
				if (defer)
					defer(ctx, c->mapper);
				continue;
			}
			if ((rc = copy_key(c, r->remote, h, r->local,
					   r->ncols)) != 0)
				return rc;
		}
	}
	return 0;
}

int qr_orm__sync_fks(qr_session *s, void (*defer)(void *, qr_mapper *),
		     void *ctx)
{
	qr_objhdr **v;
	size_t n;
	int rc = related_objects(s, &v, &n);

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = sync_object(v[i], defer, ctx);
	free(v);
	return rc;
}

void qr_orm__rels_flushed(qr_session *s)
{
	size_t pos = 0;
	qr_objhdr *h;

	while (s->idmap.nrel && (h = qr_orm__idmap_next(&s->idmap, &pos)))
		for (size_t i = 0; i < h->mapper->nrels; i++) {
			qr_rel *r = &h->mapper->rels[i];
			if (r->kind == QR_REL_MANY_TO_ONE)
				qr_orm__relstate(h, i)->snap = *reference(h, r);
			else if (r->kind == QR_REL_MANY_TO_MANY &&
				 (qr_orm__relstate(h, i)->flags & QR_RS_LOADED))
				qr_orm__m2m_snap_set(h, i, collection(h, r));
		}
}

/* Whether the relationship's target is mapped in the registry (no
 * error recorded). */
static bool target_mapped(const qr_rel *r)
{
	const qr_registry *reg = r->owner->registry;

	if (r->resolved)
		return true;
	for (size_t i = 0; i < reg->nmappers; i++)
		if (strcmp(reg->mappers[i]->mapping->name, r->target_name) == 0)
			return true;
	return false;
}

/* ---- delete cascade ------------------------------------------------------ */

/* What deleting h does to the objects its relationships reach: with the
 * delete cascade they are deleted too; without it, children of a
 * one-to-many keep their rows with the foreign key set NULL. Unloaded
 * collections are loaded first unless passive_deletes (the database's ON
 * DELETE does it). No autoflush meanwhile. */
static int cascade_delete(qr_session *s, qr_objhdr *h)
{
	void *obj = qr_orm__obj(h);

	for (size_t i = 0; i < h->mapper->nrels; i++) {
		qr_rel *r = &h->mapper->rels[i];
		qr_relstate *st = qr_orm__relstate(h, i);
		bool del = (r->cascade & QR_CASCADE_DELETE) != 0;
		qr_objlist *l, view;
		int rc;

		if (!(st->flags & QR_RS_LOADED) && r->passive_deletes)
			continue;
		if (rel_empty(h, r) &&
		    ((st->flags & QR_RS_LOADED) || !target_mapped(r)))
			continue; /* nothing the session could know of */
		if ((rc = qr_orm__rel_resolve(r)) != 0)
			return rc;
		if (r->kind == QR_REL_MANY_TO_ONE) {
			void *p = *reference(h, r);
			if (del && p &&
			    qr_orm__hdr(p)->state == QR_STATE_PERSISTENT &&
			    (rc = qr_session_delete(s, p)) != 0)
				return rc;
			continue;
		}
		if (!(st->flags & QR_RS_LOADED) &&
		    (rc = qr_orm__load_rel(s, r, &h, 1, false, NULL, 0)) != 0)
			return rc;
		view = related_view(h, r);
		l = r->kind == QR_REL_MANY_TO_MANY ? collection(h, r) : &view;
		if (r->kind == QR_REL_MANY_TO_MANY) {
			/* the association rows go (DELETEd at flush) */
			for (size_t j = 0; j < l->count && rc == 0; j++) {
				qr_objhdr *c = qr_orm__hdr(l->items[j]);
				if (r->back)
					qr_objlist_remove(
						collection(c, r->back), obj);
				if (del && c->state == QR_STATE_PERSISTENT)
					rc = qr_session_delete(s, l->items[j]);
			}
			l->count = 0;
			if (rc)
				return rc;
			continue;
		}
		for (size_t j = 0; j < l->count; j++) {
			qr_objhdr *c = qr_orm__hdr(l->items[j]);
			if (del && c->state == QR_STATE_PERSISTENT) {
				rc = qr_session_delete(s, l->items[j]);
			} else if (del && c->state == QR_STATE_PENDING) {
				qr_orm__list_remove(s, c);
				c->state = QR_STATE_TRANSIENT;
			} else if (!del && (c->state == QR_STATE_PERSISTENT ||
					    c->state == QR_STATE_PENDING)) {
				if (r->back && *reference(c, r->back) == obj)
					set_ref(c, r->back, NULL);
				rc = set_key_null(c, r->remote, r->ncols);
			}
			if (rc)
				return rc;
		}
	}
	return 0;
}

int qr_orm__cascade_delete(qr_session *s, qr_objhdr *h)
{
	bool was = s->autoflush;
	int rc;

	if (!h->mapper->nrels)
		return 0;
	s->autoflush = false;
	rc = cascade_delete(s, h);
	s->autoflush = was;
	return rc;
}

/* ---- objects leaving the session ----------------------------------------- */

/* Whether some relationship of the registry targets m's objects. */
static bool targeted(const qr_mapper *m)
{
	const qr_registry *reg = m->registry;

	for (size_t i = 0; i < reg->nmappers; i++)
		for (size_t k = 0; k < reg->mappers[i]->nrels; k++)
			if (strcmp(reg->mappers[i]->rels[k].target_name,
				   m->mapping->name) == 0)
				return true;
	return false;
}

void qr_orm__rels_forget(qr_session *s, qr_objhdr *gone)
{
	void *obj = qr_orm__obj(gone);

	if (!targeted(gone->mapper))
		return; /* nothing can point at it: no scan */
	for (qr_objhdr *h = s->objects; h; h = h->next) {
		if (h == gone)
			continue;
		for (size_t i = 0; i < h->mapper->nrels; i++) {
			qr_rel *r = &h->mapper->rels[i];
			qr_relstate *st = qr_orm__relstate(h, i);
			if (qr_orm__rel_is_ref(r)) {
				if (*reference(h, r) == obj)
					*reference(h, r) = NULL;
				if (st->snap == obj)
					st->snap = NULL;
				continue;
			}
			qr_objlist_remove(collection(h, r), obj);
			if (r->kind == QR_REL_MANY_TO_MANY && st->snap)
				qr_objlist_remove(st->snap, obj);
		}
	}
}

int qr_orm__cascade_closure(qr_session *s, qr_objhdr *h, unsigned cascade,
			    qr_objlist *out)
{
	uint32_t mark = qr_orm__next_mark(s);
	int rc;

	h->mark = mark;
	if ((rc = qr_objlist_append(out, qr_orm__obj(h))) != 0)
		return rc;
	/* out grows as it is walked: breadth first over the cascade */
	for (size_t k = 0; k < out->count; k++) {
		qr_objhdr *o = qr_orm__hdr(out->items[k]);
		for (size_t i = 0; i < o->mapper->nrels; i++) {
			qr_rel *r = &o->mapper->rels[i];
			const qr_objlist *l;
			void *one;
			if (!(r->cascade & cascade))
				continue;
			if (qr_orm__rel_is_ref(r)) {
				one = *reference(o, r);
				l = NULL;
			} else {
				one = NULL;
				l = collection(o, r);
			}
			for (size_t j = 0; l ? j < l->count : j < 1; j++) {
				void *x = l ? l->items[j] : one;
				qr_objhdr *xh;
				if (!x)
					continue;
				xh = qr_orm__hdr(x);
				if (xh->mark == mark || xh->session != s)
					continue;
				xh->mark = mark;
				if ((rc = qr_objlist_append(out, x)) != 0)
					return rc;
			}
		}
	}
	return 0;
}

int qr_registry_configure(qr_registry *reg)
{
	if (!reg)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_registry_configure: NULL registry");
	for (size_t i = 0; i < reg->nmappers; i++)
		for (size_t k = 0; k < reg->mappers[i]->nrels; k++) {
			int rc = qr_orm__rel_resolve(&reg->mappers[i]->rels[k]);
			if (rc)
				return rc;
		}
	return 0;
}
