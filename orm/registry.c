/*
 * registry.c - registries (SQLAlchemy's registry / declarative base),
 * mapper introspection, attributes, entities and aliased entities, and
 * the dependency order of mappers for the flush.
 */
#include "orm_internal.h"

#include <stdlib.h>
#include <string.h>

int qr_registry_new(qr_registry **out, qr_metadata *md)
{
	qr_registry *reg;

	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_registry_new: NULL out");
	*out = NULL;
	reg = calloc(1, sizeof(*reg));
	if (!reg)
		return qr_error_oom("registry");
	if (md) {
		reg->md = md;
	} else {
		reg->md = qr_metadata_new();
		if (!reg->md) {
			free(reg);
			return qr_error_last()->code ? qr_error_last()->code
						     : QR_ENOMEM;
		}
		reg->own_md = true;
	}
	*out = reg;
	return 0;
}

void qr_registry_free(qr_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->nmappers; i++) {
		qr_mapper *m = reg->mappers[i];
		if (m->mapping->mapper == m)
			m->mapping->mapper = NULL;
		qr_orm__mapper_free(m);
	}
	for (size_t i = 0; i < reg->naliases; i++)
		qr_expr_free(reg->aliases[i]);
	free(reg->aliases);
	free(reg->mappers);
	if (reg->own_md)
		qr_metadata_free(reg->md);
	free(reg);
}

qr_metadata *qr_registry_metadata(const qr_registry *reg)
{
	return reg ? reg->md : NULL;
}

static int map_common(qr_mapper **out, qr_registry *reg, qr_mapping *mapping,
		      qr_table *table, const char *what)
{
	qr_mapper *m;
	int rc;

	if (out)
		*out = NULL;
	if (!reg || !mapping)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "%s: NULL argument", what);
	if (mapping->mapper) {
		if (mapping->mapper->registry != reg)
			return qr_error_set(
				QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				"%s: %s is already mapped by another registry",
				what, mapping->name);
		if (out)
			*out = mapping->mapper;
		return 0;
	}
	/* (a mapping without a table name is a subclass, or an error that
	 * qr_mapping_build reports) */
	if (reg->nmappers == reg->cap) {
		size_t cap = reg->cap ? reg->cap * 2 : 8;
		qr_mapper **p = realloc(reg->mappers, cap * sizeof(*p));
		if (!p)
			return qr_error_oom("registry");
		reg->mappers = p;
		reg->cap = cap;
	}
	rc = qr_orm__map(&m, reg, mapping, table);
	if (rc)
		return rc;
	reg->mappers[reg->nmappers++] = m;
	mapping->mapper = m;
	if (out)
		*out = m;
	return 0;
}

int qr_registry_map(qr_mapper **out, qr_registry *reg, qr_mapping *mapping)
{
	return map_common(out, reg, mapping, NULL, "qr_registry_map");
}

int qr_registry_map_table(qr_mapper **out, qr_registry *reg,
			  qr_mapping *mapping, qr_table *table)
{
	if (!table) {
		if (out)
			*out = NULL;
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_registry_map_table: NULL table");
	}
	return map_common(out, reg, mapping, table, "qr_registry_map_table");
}

int qr_orm__mapper_for(qr_mapper **out, qr_mapping *mapping, qr_registry *reg)
{
	*out = NULL;
	if (!mapping)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "NULL mapping");
	if (mapping->mapper) {
		*out = mapping->mapper;
		return 0;
	}
	if (!reg)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "%s is not mapped (qr_registry_map, or a "
				    "session with a registry)",
				    mapping->name);
	return qr_registry_map(out, reg, mapping);
}

qr_mapper *qr_mapping_mapper(const qr_mapping *mapping)
{
	return mapping ? mapping->mapper : NULL;
}

const char *qr_mapper_name(const qr_mapper *m)
{
	return m ? m->name : NULL;
}

qr_table *qr_mapper_table(const qr_mapper *m)
{
	return m ? m->table : NULL;
}

qr_registry *qr_mapper_registry(const qr_mapper *m)
{
	return m ? m->registry : NULL;
}

size_t qr_mapper_field_count(const qr_mapper *m)
{
	return m ? m->nfields : 0;
}

const char *qr_mapper_field_name(const qr_mapper *m, size_t i)
{
	return m && i < m->nfields ? m->fields[i].name : NULL;
}

qr_column *qr_mapper_field_column(const qr_mapper *m, size_t i)
{
	return m && i < m->nfields ? m->fields[i].column : NULL;
}

qr_ctype qr_mapper_field_ctype(const qr_mapper *m, size_t i)
{
	return m && i < m->nfields ? m->fields[i].ctype : QR_CTYPE_UNSUPPORTED;
}

int qr_mapper_field_index(const qr_mapper *m, const char *member)
{
	const qr_field *f;

	if (!m)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_mapper_field_index: NULL mapper");
	f = qr_orm__field_by_name(m, member);
	return f ? (int)(f - m->fields) : QR_ECOLUMN;
}

size_t qr_mapper_primary_key_count(const qr_mapper *m)
{
	return m ? m->npk : 0;
}

size_t qr_mapper_primary_key_field(const qr_mapper *m, size_t i)
{
	return m && i < m->npk ? m->pk[i] : 0;
}

qr_expr *qr_mapper_attr(const qr_mapper *m, const char *member)
{
	const qr_field *f;

	if (!m) {
		if (!qr_error_last()->code)
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "qr_mapper_attr: NULL mapper");
		return NULL;
	}
	f = qr_orm__field_by_name(m, member);
	return f ? f->column : NULL;
}

static qr_mapper *mapped(const qr_mapping *mapping, const char *what)
{
	if (!mapping) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT, "%s: NULL mapping",
			     what);
		return NULL;
	}
	if (!mapping->mapper)
		qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
			     "%s: %s is not mapped yet (qr_registry_map)", what,
			     mapping->name);
	return mapping->mapper;
}

qr_expr *qr_mapping_attr(const qr_mapping *mapping, const char *member)
{
	qr_mapper *m = mapped(mapping, "qr_attr");
	return m ? qr_mapper_attr(m, member) : NULL;
}

qr_expr *qr_mapper_entity(const qr_mapper *m)
{
	if (!m) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_entity: NULL mapper");
		return NULL;
	}
	return qr_expr_ref(m->entity);
}

qr_expr *qr_mapping_entity(const qr_mapping *mapping)
{
	qr_mapper *m = mapped(mapping, "qr_entity");
	return m ? qr_mapper_entity(m) : NULL;
}

/* Registers alias (a reference taken) as an aliased entity of m. */
static qr_expr *register_alias(qr_mapper *m, qr_expr *alias, const char *name)
{
	qr_registry *reg = m->registry;

	if (reg->naliases == reg->acap) {
		size_t cap = reg->acap ? reg->acap * 2 : 8;
		qr_expr **p = realloc(reg->aliases, cap * sizeof(*p));
		if (!p) {
			qr_error_oom("aliased entity");
			qr_expr_free(alias);
			return NULL;
		}
		reg->aliases = p;
		reg->acap = cap;
	}
	if (qr_orm__token_add(alias, m, true, name) != 0) {
		qr_expr_free(alias);
		return NULL;
	}
	reg->aliases[reg->naliases++] = qr_expr_ref(alias);
	return alias;
}

qr_expr *qr_mapping_aliased_from(qr_mapping *mapping, qr_expr *selectable,
				 const char *name)
{
	qr_mapper *m = selectable ? mapped(mapping, "qr_aliased_from") : NULL;

	if (!m) {
		qr_expr_free(selectable);
		return NULL;
	}
	return register_alias(m, selectable, name);
}

/* An alias of a joined-table subclass: its tables joined, as a
 * subquery exporting each mapped column under its name (SQLAlchemy's
 * aliased(Engineer) selects from such an anonymous subquery). */
static qr_expr *joined_alias(qr_mapper *m, const char *name)
{
	qr_stmt *sel = NULL;

	for (size_t f = 0; f < m->nfields; f++) {
		const qr_field *fi = &m->fields[f];
		for (size_t g = 0; g < f; g++)
			if (strcmp(m->fields[g].colname, fi->colname) == 0) {
				qr_stmt_free(sel);
				qr_error_set(QR_ENOTSUP,
					     QR_ECLASS_NOT_SUPPORTED,
					     "qr_aliased: %s's tables both "
					     "have a column %s",
					     m->name, fi->colname);
				return NULL;
			}
		qr_expr *col = qr_label(fi->column, fi->colname);
		sel = sel ? qr_stmt_add(sel, col) : qr_select(col);
		if (!sel)
			return NULL;
	}
	qr_expr *sub;
	sel = qr_stmt_add(sel, qr_from(qr_expr_ref(m->join)));
	if (!sel || !(sub = qr_subquery(sel, name)))
		return NULL;
	return register_alias(m, sub, name);
}

qr_expr *qr_mapper_aliased(qr_mapper *m, const char *name)
{
	qr_registry *reg;
	qr_expr *alias;

	if (!m) {
		if (!qr_error_last()->code)
			qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				     "qr_aliased: NULL mapper");
		return NULL;
	}
	if (m->ntables > 1)
		return joined_alias(m, name);
	reg = m->registry;
	if (reg->naliases == reg->acap) {
		size_t cap = reg->acap ? reg->acap * 2 : 8;
		qr_expr **p = realloc(reg->aliases, cap * sizeof(*p));
		if (!p) {
			qr_error_oom("aliased entity");
			return NULL;
		}
		reg->aliases = p;
		reg->acap = cap;
	}
	alias = qr_alias(m->table, name);
	if (!alias)
		return NULL;
	if (qr_orm__token_add(alias, m, true, name) != 0) {
		qr_expr_free(alias);
		return NULL;
	}
	reg->aliases[reg->naliases++] = qr_expr_ref(alias);
	return alias;
}

qr_expr *qr_mapping_aliased(qr_mapping *mapping, const char *name)
{
	qr_mapper *m = mapped(mapping, "qr_aliased");
	return m ? qr_mapper_aliased(m, name) : NULL;
}

qr_expr *qr_alias_attr(const qr_expr *alias, const char *member)
{
	bool is_alias = false;
	qr_mapper *m = qr_orm__token_find(alias, &is_alias, NULL);
	const qr_field *f;

	if (!alias)
		return NULL; /* propagates an earlier error */
	if (!m || !is_alias) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_alias_attr: not an aliased entity "
			     "(qr_aliased)");
		return NULL;
	}
	f = qr_orm__field_by_name(m, member);
	return f ? qr_c(alias, f->colname) : NULL;
}

bool qr_orm__mapper_depends(const qr_mapper *a, const qr_mapper *b)
{
	if (a == b)
		return false;
	for (size_t t = 0; t < a->ntables; t++) {
		size_t n = qr_table_foreign_key_count(a->tables[t]);
		for (size_t i = 0; i < n; i++) {
			qr_foreign_key_info fk;
			if (qr_table_foreign_key(&fk, a->tables[t], i) == 0 &&
			    qr_orm__has_table(b, fk.reftable) &&
			    !qr_orm__has_table(a, fk.reftable))
				return true;
		}
	}
	return false;
}

int qr_orm__sort_mappers(qr_mapper **mappers, size_t n)
{
	qr_mapper **out;
	bool *done;
	size_t k = 0;

	if (n < 2)
		return 0;
	out = malloc(n * sizeof(*out));
	done = calloc(n, sizeof(*done));
	if (!out || !done) {
		free(out);
		free(done);
		return qr_error_oom("flush order");
	}
	while (k < n) {
		size_t pick = SIZE_MAX;
		for (size_t i = 0; i < n && pick == SIZE_MAX; i++) {
			bool ready = !done[i];
			for (size_t j = 0; j < n && ready; j++)
				if (!done[j] && j != i &&
				    qr_orm__mapper_depends(mappers[i],
							   mappers[j]))
					ready = false;
			if (ready)
				pick = i;
		}
		if (pick == SIZE_MAX) /* a cycle: take the first left */
			for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
				if (!done[i])
					pick = i;
		done[pick] = true;
		out[k++] = mappers[pick];
	}
	memcpy(mappers, out, n * sizeof(*out));
	free(out);
	free(done);
	return 0;
}
