/*
 * mapper.c - building a mapper from a mapping declaration: the table
 * (made in the registry's metadata, or given), the fields with their C
 * and SQL types, the primary key, the version counter, the repr and the
 * object layout.
 */
#include "orm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct qr_mapping_builder {
	qr_registry *reg;
	qr_mapping *mapping;
	qr_table *table; /* given (imperative mapping) or NULL */
	qr_mapper *result;
	qr_mapper *parent; /* single-table inheritance */
};

static void free_items(qr_mapping_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		qr_expr_free(items[i].item);
		items[i].item = NULL;
	}
}

static const qr_mapping_item *find_field_item(const qr_mapping_item *items,
					      size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].kind == QR_MAPITEM_FIELD &&
		    strcmp(items[i].name, name) == 0)
			return &items[i];
	return NULL;
}

/* The position of a relationship among the relationship items, or -1. */
static int rel_item_index(const qr_mapping_item *items, size_t n,
			  const char *name)
{
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		if (items[i].kind != QR_MAPITEM_RELATIONSHIP)
			continue;
		if (strcmp(items[i].name, name) == 0)
			return k;
		k++;
	}
	return -1;
}

static bool inherits(const qr_mapping_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].kind == QR_MAPITEM_INHERITS)
			return true;
	return false;
}

/* The repr index of a member: a field's index, or nfields + the
 * position of a relationship (a subclass's own follow its parent's);
 * -1 when it is neither. */
static long repr_index(const qr_mapper *m, const qr_mapping_item *items,
		       size_t n, const char *name)
{
	const qr_mapper *p = m->parent;
	int k = rel_item_index(items, n, name);

	if (k >= 0)
		return (long)(m->nfields + (p ? p->nrels : 0) + (size_t)k);
	for (size_t i = 0; i < m->nfields; i++)
		if (strcmp(m->fields[i].name, name) == 0)
			return (long)i;
	for (size_t i = 0; p && i < p->nrels; i++)
		if (strcmp(p->rels[i].name, name) == 0)
			return (long)(m->nfields + i);
	return -1;
}

static int validate(const qr_mapping *mapping, const qr_mapping_item *items,
		    size_t n)
{
	const char *who = mapping->name;
	size_t nfields = 0;

	if (mapping->align > alignof(max_align_t))
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: alignment %zu is above max_align_t",
				    who, mapping->align);
	for (size_t i = 0; i < n; i++) {
		const qr_mapping_item *it = &items[i];
		switch (it->kind) {
		case QR_MAPITEM_FIELD:
			nfields++;
			if (it->ctype == QR_CTYPE_UNSUPPORTED)
				return qr_error_set(
					QR_EINVAL, QR_ECLASS_ARGUMENT,
					"%s.%s: unsupported C type (use an "
					"integer, bool, float, double, char *, "
					"qr_blob, qr_date, qr_time or "
					"qr_datetime)",
					who, it->name);
			if (it->offset + it->size > mapping->size)
				return qr_error_set(QR_EINVAL,
						    QR_ECLASS_ARGUMENT,
						    "%s.%s: outside the struct",
						    who, it->name);
			if (find_field_item(items, i, it->name))
				return qr_error_set(
					QR_EINVAL, QR_ECLASS_ARGUMENT,
					"%s.%s: mapped twice", who, it->name);
			break;
		case QR_MAPITEM_REPR:
			/* (a subclass's may name inherited members: checked
			 * when its mapper is built) */
			for (const char *const *p = it->names; p && *p; p++)
				if (!find_field_item(items, n, *p) &&
				    rel_item_index(items, n, *p) < 0 &&
				    !inherits(items, n))
					return qr_error_set(
						QR_EINVAL, QR_ECLASS_ARGUMENT,
						"%s: QR_REPR names %s, which "
						"is not a mapped member",
						who, *p);
			break;
		case QR_MAPITEM_VERSION: {
			const qr_mapping_item *f =
				find_field_item(items, n, it->name);
			if (!f)
				return qr_error_set(
					QR_EINVAL, QR_ECLASS_ARGUMENT,
					"%s: QR_VERSION_ID(%s) is not a mapped "
					"member",
					who, it->name);
			if (f->ctype != QR_CTYPE_INT &&
			    f->ctype != QR_CTYPE_UINT)
				return qr_error_set(
					QR_EINVAL, QR_ECLASS_ARGUMENT,
					"%s: the version counter %s must be "
					"an integer member",
					who, it->name);
			break;
		}
		case QR_MAPITEM_TABLE_ITEM:
			break;
		case QR_MAPITEM_DEFERRED:
			for (const char *const *p = it->names; p && *p; p++)
				if (!find_field_item(items, n, *p) &&
				    !inherits(items, n))
					return qr_error_set(
						QR_EINVAL, QR_ECLASS_ARGUMENT,
						"%s: QR_DEFERRED names %s, "
						"which is not a mapped member",
						who, *p);
			break;
		case QR_MAPITEM_INHERITS:
			if (!it->parent)
				return qr_error_set(QR_EINVAL,
						    QR_ECLASS_ARGUMENT,
						    "%s: QR_INHERITS names no "
						    "parent",
						    who);
			nfields++; /* the parent's */
			break;
		case QR_MAPITEM_POLYMORPHIC:
			if (!it->column_name ||
			    (it->name && !find_field_item(items, n, it->name)))
				return qr_error_set(
					QR_EINVAL, QR_ECLASS_ARGUMENT,
					"%s: a polymorphic identity, and a "
					"discriminator that is a mapped member",
					who);
			break;
		case QR_MAPITEM_RELATIONSHIP: {
			if (!it->rel || !it->rel->target)
				return qr_error_set(
					QR_EINVAL, QR_ECLASS_ARGUMENT,
					"%s.%s: a relationship needs its "
					"target's name",
					who, it->name);
			bool ref = it->flags == QR_REL_MANY_TO_ONE ||
				   it->flags == QR_REL_ONE_TO_ONE;
			if ((ref && it->size != sizeof(void *)) ||
			    (!ref && it->size != sizeof(qr_objlist)) ||
			    (it->flags != QR_REL_ONE_TO_MANY &&
			     it->flags != QR_REL_MANY_TO_ONE &&
			     it->flags != QR_REL_MANY_TO_MANY &&
			     it->flags != QR_REL_ONE_TO_ONE))
				return qr_error_set(
					QR_EINVAL, QR_ECLASS_ARGUMENT,
					"%s.%s: a collection member is a "
					"qr_objlist, a many-to-one a pointer",
					who, it->name);
			if (it->offset + it->size > mapping->size)
				return qr_error_set(QR_EINVAL,
						    QR_ECLASS_ARGUMENT,
						    "%s.%s: outside the struct",
						    who, it->name);
			break;
		}
		default:
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "%s: unknown mapping item kind %d",
					    who, (int)it->kind);
		}
	}
	if (!nfields)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: no mapped members", who);
	return 0;
}

/* Defines the table from the declaration's columns and table items. */
static int define_table(qr_table **out, qr_mapping_builder *b,
			qr_mapping_item *items, size_t n)
{
	qr_schema_item **arr = malloc(n * sizeof(*arr));
	size_t k = 0;

	if (!arr)
		return qr_error_oom("mapping");
	for (size_t i = 0; i < n; i++) {
		if (items[i].kind == QR_MAPITEM_FIELD && !items[i].item) {
			free(arr);
			return qr_error_set(
				QR_EINVAL, QR_ECLASS_ARGUMENT,
				"%s.%s: QR_ATTR maps a column of an existing "
				"table: use qr_registry_map_table, or "
				"QR_FIELD to declare the column",
				b->mapping->name, items[i].name);
		}
		if (items[i].item)
			arr[k++] = items[i].item;
	}
	/* qr_table_new_items takes every item, even when it fails. */
	for (size_t i = 0; i < n; i++)
		items[i].item = NULL;
	*out = qr_table_new_items(qr_registry_metadata(b->reg),
				  b->mapping->table_name, arr, k);
	free(arr);
	if (!*out)
		return qr_error_last()->code ? qr_error_last()->code
					     : QR_EINVAL;
	return 0;
}

static unsigned column_flags(qr_column *c)
{
	unsigned fl = 0;

	if (qr_column_is_primary_key(c))
		fl |= QR_FF_PK;
	if (qr_column_is_nullable(c))
		fl |= QR_FF_NULLABLE;
	if (qr_column_is_autoincrement(c))
		fl |= QR_FF_AUTOINC;
	if (qr_column_has_default(c))
		fl |= QR_FF_DEFAULT;
	if (qr_column_has_server_default(c))
		fl |= QR_FF_SERVER_DEFAULT;
	if (qr_column_computed(c, NULL))
		fl |= QR_FF_COMPUTED;
	return fl;
}

static int build_fields(qr_mapper *m, const qr_mapping_item *items, size_t n)
{
	size_t k = 0;
	const qr_mapper *p = m->parent;

	for (size_t i = 0; i < n; i++)
		if (items[i].kind == QR_MAPITEM_FIELD)
			m->nfields++;
	if (p)
		m->nfields += p->nfields;
	m->fields = calloc(m->nfields ? m->nfields : 1, sizeof(*m->fields));
	m->colnames = calloc(m->nfields + 1, sizeof(*m->colnames));
	if (!m->fields || !m->colnames)
		return qr_error_oom("mapper");
	/* a subclass struct starts with its parent's: the same members */
	for (; p && k < p->nfields; k++) {
		m->fields[k] = p->fields[k];
		if (!(m->fields[k].name = strdup(p->fields[k].name)))
			return qr_error_oom("mapper");
		m->colnames[k] = m->fields[k].colname;
	}
	m->nptr = p ? p->nptr : 0;
	for (size_t i = 0; i < n; i++) {
		const qr_mapping_item *it = &items[i];
		const char *colname;
		qr_field *f;
		qr_column *c;
		char tname[64];

		if (it->kind != QR_MAPITEM_FIELD)
			continue;
		f = &m->fields[k];
		colname = it->column_name ? it->column_name : it->name;
		c = qr_table_column(m->table, colname);
		if (!c)
			return qr_error_set(QR_ECOLUMN, QR_ECLASS_ARGUMENT,
					    "%s.%s: table %s has no column %s",
					    m->name, it->name,
					    qr_table_name(m->table), colname);
		f->name = strdup(it->name);
		if (!f->name)
			return qr_error_oom("mapper");
		f->column = c;
		f->colname = qr_column_name(c);
		f->offset = it->offset;
		f->size = it->size;
		f->ctype = it->ctype;
		f->type = *qr_column_type(c);
		f->flags = column_flags(c);
		f->pk_pos = -1;
		f->ptr_slot = -1;
		f->index = k;
		f->tbl = p ? p->ntables - (qr_orm__joined(m) ? 0 : 1) : 0;
		if (!qr_orm__ctype_accepts(f->ctype, &f->type)) {
			if (qr_type_render(tname, sizeof(tname), &f->type,
					   "sqlite") != 0)
				snprintf(tname, sizeof(tname), "%s",
					 qr_type_kind_name(f->type.kind));
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "%s.%s: its C type cannot hold the "
					    "column's type %s",
					    m->name, f->name, tname);
		}
		if (f->ctype == QR_CTYPE_STRING &&
		    f->type.kind == QR_TYPE_NUMERIC)
			f->flags |= QR_FF_NUMERIC_TEXT;
		if (f->ctype == QR_CTYPE_STRING || f->ctype == QR_CTYPE_BLOB)
			f->ptr_slot = (int)m->nptr++;
		m->colnames[k] = f->colname;
		k++;
	}
	return 0;
}

static int build_keys(qr_mapper *m, const qr_mapping_item *items, size_t n)
{
	/* a joined subclass: its parent's key (its table's is checked to
	 * reference it by qr_orm__inherit_build) */
	size_t npk = qr_orm__joined(m) ? m->parent->npk
				       : qr_table_primary_key_count(m->table);

	if (!npk)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: table %s has no primary key", m->name,
				    qr_table_name(m->table));
	m->pk = calloc(npk, sizeof(*m->pk));
	if (!m->pk)
		return qr_error_oom("mapper");
	m->npk = npk;
	if (qr_orm__joined(m))
		memcpy(m->pk, m->parent->pk, npk * sizeof(*m->pk));
	for (size_t i = 0; i < npk && !qr_orm__joined(m); i++) {
		qr_column *c = qr_table_primary_key_at(m->table, i);
		size_t j;
		for (j = 0; j < m->nfields; j++)
			if (m->fields[j].column == c)
				break;
		if (j == m->nfields)
			return qr_error_set(
				QR_EINVAL, QR_ECLASS_ARGUMENT,
				"%s: primary key column %s is not mapped",
				m->name, qr_column_name(c));
		m->pk[i] = j;
		m->fields[j].pk_pos = (int)i;
		m->fields[j].flags |= QR_FF_PK;
	}
	m->version = -1;
	for (size_t i = 0; i < n; i++) {
		if (items[i].kind == QR_MAPITEM_VERSION) {
			const qr_field *f =
				qr_orm__field_by_name(m, items[i].name);
			m->version = (int)(f - m->fields);
			m->fields[m->version].flags |= QR_FF_VERSION;
		} else if (items[i].kind == QR_MAPITEM_REPR) {
			size_t cnt = 0;
			while (items[i].names[cnt])
				cnt++;
			free(m->repr);
			m->repr = calloc(cnt ? cnt : 1, sizeof(*m->repr));
			if (!m->repr)
				return qr_error_oom("mapper");
			for (size_t r = 0; r < cnt; r++) {
				long k = repr_index(m, items, n,
						    items[i].names[r]);
				if (k < 0)
					return qr_error_set(
						QR_EINVAL, QR_ECLASS_ARGUMENT,
						"%s: QR_REPR names %s, which "
						"is not a mapped member",
						m->name, items[i].names[r]);
				m->repr[r] = (size_t)k;
			}
			m->nrepr = cnt;
			m->repr_positional =
				(items[i].flags & QR_REPR_POSITIONAL) != 0;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (items[i].kind != QR_MAPITEM_DEFERRED)
			continue;
		for (const char *const *p = items[i].names; p && *p; p++) {
			qr_field *f = (qr_field *)qr_orm__field_by_name(m, *p);
			if (!f)
				return qr_error_last()->code;
			if (f->flags & (QR_FF_PK | QR_FF_VERSION))
				return qr_error_set(
					QR_EINVAL, QR_ECLASS_ARGUMENT,
					"%s: QR_DEFERRED(%s): the %s is always "
					"loaded",
					m->name, *p,
					f->flags & QR_FF_PK
						? "primary key"
						: "version counter");
			f->flags |= QR_FF_DEFERRED;
		}
	}
	if (m->parent) { /* inherited: the counter and the repr */
		if (m->version < 0)
			m->version = m->parent->version;
		if (!m->nrepr && m->parent->nrepr) {
			m->repr = calloc(m->parent->nrepr, sizeof(*m->repr));
			if (!m->repr)
				return qr_error_oom("mapper");
			/* a relationship is nfields + its position */
			for (size_t r = 0; r < m->parent->nrepr; r++)
				m->repr[r] =
					m->parent->repr[r] < m->parent->nfields
						? m->parent->repr[r]
						: m->parent->repr[r] -
							  m->parent->nfields +
							  m->nfields;
			m->nrepr = m->parent->nrepr;
			m->repr_positional = m->parent->repr_positional;
		}
	}
	return 0;
}

/* Inheritance: the discriminator, the identity, and m registered with
 * its ancestors (whose queries select its columns, and join its table
 * when it has its own). */
static int build_poly(qr_mapper *m, const qr_mapping_item *items, size_t n)
{
	bool joined = qr_orm__joined(m);

	m->poly_field = m->parent ? m->parent->poly_field : -1;
	for (size_t i = 0; i < n; i++) {
		if (items[i].kind != QR_MAPITEM_POLYMORPHIC)
			continue;
		if (items[i].name)
			m->poly_field =
				(int)(qr_orm__field_by_name(m, items[i].name) -
				      m->fields);
		free(m->poly_identity);
		if (!(m->poly_identity = strdup(items[i].column_name)))
			return qr_error_oom("mapper");
	}
	if (m->parent && (m->poly_field < 0 || !m->poly_identity))
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: a subclass needs "
				    "QR_POLYMORPHIC_IDENTITY, its base "
				    "QR_POLYMORPHIC_ON",
				    m->name);
	m->poly_colnames = calloc(m->nfields + 1, sizeof(*m->poly_colnames));
	m->poly_cols = calloc(m->nfields + 1, sizeof(*m->poly_cols));
	if (!m->poly_colnames || !m->poly_cols)
		return qr_error_oom("mapper");
	memcpy(m->poly_colnames, m->colnames,
	       m->nfields * sizeof(*m->colnames));
	for (size_t i = 0; i < m->nfields; i++)
		m->poly_cols[i] = m->fields[i].column;
	m->npoly = m->nfields;
	for (qr_mapper *a = m->parent; a; a = a->parent) {
		size_t extra = m->nfields - m->parent->nfields;
		const char **pc = realloc(a->poly_colnames,
					  (a->npoly + extra + 1) * sizeof(*pc));
		qr_column **pk;
		qr_mapper **subs;
		if (!pc)
			return qr_error_oom("mapper");
		a->poly_colnames = pc;
		pk = realloc(a->poly_cols,
			     (a->npoly + extra + 1) * sizeof(*pk));
		if (!pk)
			return qr_error_oom("mapper");
		a->poly_cols = pk;
		for (size_t i = m->parent->nfields; i < m->nfields; i++) {
			pk[a->npoly] = m->fields[i].column;
			pc[a->npoly++] = m->colnames[i];
		}
		pc[a->npoly] = NULL;
		pk[a->npoly] = NULL;
		subs = realloc(a->subs, (a->nsubs + 1) * sizeof(*subs));
		if (!subs)
			return qr_error_oom("mapper");
		a->subs = subs;
		subs[a->nsubs++] = m;
		if (joined) {
			int rc;
			a->njoined++;
			if ((rc = qr_orm__inherit_from(a)) != 0)
				return rc;
		}
	}
	return qr_orm__inherit_from(m);
}

static int build_mapper(qr_mapping_builder *b, const qr_mapping_item *items,
			size_t n)
{
	qr_mapper *m = calloc(1, sizeof(*m));
	size_t bits;
	int rc;

	if (!m)
		return qr_error_oom("mapper");
	m->parent = b->parent;
	m->registry = b->reg;
	m->mapping = b->mapping;
	m->table = b->table;
	m->struct_size = b->mapping->size;
	m->name = strdup(b->mapping->name);
	if (!m->name) {
		qr_orm__mapper_free(m);
		return qr_error_oom("mapper");
	}
	rc = build_fields(m, items, n);
	if (rc == 0)
		rc = build_keys(m, items, n);
	if (rc == 0)
		rc = qr_orm__inherit_build(m);
	if (rc == 0)
		rc = qr_orm__rels_build(m, items, n);
	if (rc == 0)
		rc = build_poly(m, items, n);
	for (size_t i = 0; rc == 0 && i < m->nfields; i++)
		m->ncomputed += (m->fields[i].flags & QR_FF_COMPUTED) != 0;
	for (size_t i = 0; rc == 0 && i < m->nfields; i++) {
		if (!(m->fields[i].flags & QR_FF_DEFERRED))
			continue;
		if ((int)i == m->poly_field)
			rc = qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					  "%s: QR_DEFERRED(%s): the "
					  "discriminator is always loaded",
					  m->name, m->fields[i].name);
		m->ndeferred++;
	}
	if (rc) {
		qr_orm__mapper_free(m);
		return rc;
	}
	bits = (m->nfields + 7) / 8;
	/* the snapshot's image right after the struct: what the dirty pass
	 * reads (the header's end, the struct, the image) is adjacent, 64
	 * bytes for a struct of 24. The NULL flags after the snapshot: the
	 * pass does not compare them (quarry alone changes them, and then
	 * has the object checked member by member: qr_orm__set_nullbit,
	 * qr_orm__field_set) */
	m->snap_off = QR_ORM_ALIGN_UP(QR_ORM_HDR_SIZE + m->struct_size,
				      alignof(uint64_t)); /* (the image is
							     compared 8 bytes
							     at a time) */
	m->snap_size = qr_orm__snapshot_size(m);
	m->nullbits_off = m->snap_off + m->snap_size;
	m->slots_off = QR_ORM_ALIGN_UP(m->nullbits_off + bits, alignof(void *));
	m->rels_off = QR_ORM_ALIGN_UP(m->slots_off + m->nptr * sizeof(void *),
				      alignof(qr_relstate));
	/* (the tail starts aligned for an identity key) */
	m->alloc_size = QR_ORM_ALIGN_UP(
		m->rels_off + m->nrels * sizeof(qr_relstate), alignof(qr_ikey));
	m->cmpwords = QR_ORM_ALIGN_UP(m->struct_size, 8) / 8;
	m->key_room = qr_orm__key_room_size(m);
	if (!(m->cmpmask = qr_orm__compare_mask(m))) {
		qr_orm__mapper_free(m);
		return QR_ENOMEM;
	}
	/* a joined subclass: its parent's columns, then its table's */
	m->entity =
		qr_orm__joined(m)
			? qr_list(qr_expr_ref(m->parent->entity),
				  qr_cols_new(m->table,
					      m->colnames + m->parent->nfields))
			: qr_cols_new(m->table, m->colnames);
	if (!m->entity) {
		rc = qr_error_last()->code ? qr_error_last()->code : QR_ENOMEM;
		qr_orm__mapper_free(m);
		return rc;
	}
	rc = qr_orm__token_add(m->entity, m, false, NULL);
	if (rc) {
		qr_orm__mapper_free(m);
		return rc;
	}
	b->result = m;
	return 0;
}

int qr_mapping_build(qr_mapping_builder *b, qr_mapping_item *items,
		     size_t count)
{
	int rc;

	if (!b || !items) {
		if (items)
			free_items(items, count);
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_mapping_build: call it through "
				    "qr_registry_map");
	}
	rc = validate(b->mapping, items, count);
	if (rc) {
		free_items(items, count);
		return rc;
	}
	for (size_t i = 0; i < count && rc == 0; i++)
		if (items[i].kind == QR_MAPITEM_INHERITS) {
			rc = qr_orm__mapper_for(&b->parent, items[i].parent,
						b->reg);
			/* no table of its own: single-table inheritance */
			if (rc == 0 && !b->table && !b->mapping->table_name)
				b->table = b->parent->table;
		}
	if (rc) {
		free_items(items, count);
		return rc;
	}
	if (!b->table && !b->mapping->table_name) {
		free_items(items, count);
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s declares no table name: map it with "
				    "qr_registry_map_table",
				    b->mapping->name);
	}
	if (!b->table) {
		rc = define_table(&b->table, b, items, count);
		if (rc) {
			free_items(items, count);
			return rc;
		}
	} else {
		for (size_t i = 0; i < count && rc == 0; i++) {
			/* a subclass adds its columns to the parent's table */
			if (items[i].kind == QR_MAPITEM_TABLE_ITEM ||
			    (b->parent && b->table == b->parent->table &&
			     items[i].kind == QR_MAPITEM_FIELD &&
			     items[i].item)) {
				rc = qr_table_add(b->table, items[i].item);
				items[i].item = NULL;
			}
		}
		free_items(items, count);
		if (rc)
			return rc;
	}
	return build_mapper(b, items, count);
}

void qr_orm__mapper_free(qr_mapper *m)
{
	if (!m)
		return;
	qr_orm__token_remove_mapper(m);
	qr_expr_free(m->entity);
	for (size_t i = 0; i < m->nfields; i++)
		free(m->fields[i].name);
	free(m->fields);
	free(m->cmpmask);
	free(m->colnames);
	qr_orm__rels_free(m);
	free(m->poly_identity);
	free(m->poly_colnames);
	free(m->poly_cols);
	free(m->tables);
	free(m->tkeys);
	free(m->tcols);
	qr_expr_free(m->from);
	qr_expr_free(m->join);
	free(m->subs);
	free(m->pk);
	free(m->repr);
	free(m->name);
	qr_orm__listeners_free(m->listeners);
	free(m);
}

/* Runs the declaration's item function for a registry. */
int qr_orm__map(qr_mapper **out, qr_registry *reg, qr_mapping *mapping,
		qr_table *table)
{
	qr_mapping_builder b = {reg, mapping, table, NULL, NULL};
	int rc;

	rc = mapping->items(&b);
	if (rc == 0 && !b.result)
		rc = qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				  "%s: its item function did not call "
				  "qr_mapping_build",
				  mapping->name);
	*out = rc == 0 ? b.result : NULL;
	return rc;
}

const qr_field *qr_orm__field_by_name(const qr_mapper *m, const char *name)
{
	if (name)
		for (size_t i = 0; i < m->nfields; i++)
			if (strcmp(m->fields[i].name, name) == 0)
				return &m->fields[i];
	qr_error_set(QR_ECOLUMN, QR_ECLASS_ARGUMENT,
		     "%s has no mapped member %s", m->name,
		     name ? name : "(null)");
	return NULL;
}

const qr_field *qr_orm__field_by_offset(const qr_mapper *m, size_t offset)
{
	for (size_t i = 0; i < m->nfields; i++)
		if (m->fields[i].offset == offset)
			return &m->fields[i];
	return NULL;
}
