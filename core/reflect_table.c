/*
 * reflect_table.c - Table "autoload": a qr_table built in a metadata from
 * what the database reports (SQLAlchemy's Table(name, metadata,
 * autoload_with=connection)).
 */
#include "mem.h"

#include <quarry/reflect.h>
#include <quarry/schema.h>
#include <quarry/sys/error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A NULL-terminated copy of a list's pointers (the strings borrowed). */
static const char **names_of(const qr_strings *list)
{
	const char **names =
		qr_mem__calloc(list->count + 1, sizeof(char *), "names");
	if (names)
		memcpy(names, list->items, list->count * sizeof(char *));
	return names;
}

static bool in_list(const qr_strings *list, const char *s)
{
	for (size_t i = 0; i < list->count; i++) {
		if (strcmp(list->items[i], s) == 0)
			return true;
	}
	return false;
}

static qr_schema_item *named(const char *name, qr_schema_item *item)
{
	return name && item ? qr_named(name, item) : item;
}

static qr_schema_item *column_item(const qr_reflected_table *t,
				   const qr_reflected_column *c)
{
	bool pk = in_list(&t->pk_columns, c->name);
	qr_column_options o = {
		.type = c->type,
		.not_null = !c->nullable,
		.comment = c->comment,
	};
	if (pk && t->pk_columns.count == 1)
		o.autoincrement = c->autoincrement ? QR_AUTOINCREMENT_YES
						   : QR_AUTOINCREMENT_NO;
	else
		o.autoincrement = QR_AUTOINCREMENT_NO;
	/* A sequence or identity default is the autoincrement itself. */
	if (c->default_value && !c->autoincrement) {
		o.server_default_expr = qr_text(c->default_value);
		if (!o.server_default_expr)
			return NULL;
	}
	return qr_column_new(c->name, &o);
}

static qr_schema_item *fk_item(const qr_reflected_fk *f)
{
	size_t n = f->referred_columns.count;
	char **refs = qr_mem__calloc(n + 1, sizeof(char *), "foreign key");
	const char **cols = names_of(&f->columns);
	qr_schema_item *item = NULL;

	for (size_t i = 0; refs && i < n; i++) {
		size_t len =
			strlen(f->referred_table) +
			strlen(f->referred_columns.items[i]) + 3 +
			(f->referred_schema ? strlen(f->referred_schema) : 0);
		if (!(refs[i] = qr_mem__alloc(len, "foreign key")))
			goto done;
		snprintf(refs[i], len, "%s%s%s.%s",
			 f->referred_schema ? f->referred_schema : "",
			 f->referred_schema ? "." : "", f->referred_table,
			 f->referred_columns.items[i]);
	}
	if (refs && cols)
		item = named(f->name,
			     qr_foreign_key(cols, (const char *const *)refs,
					    f->on_delete, f->on_update));
done:
	for (size_t i = 0; refs && i < n; i++)
		free(refs[i]);
	free(refs);
	free(cols);
	return item;
}

/* Whether an index duplicates a unique constraint (MySQL lists both). */
static bool is_constraint_index(const qr_reflected_table *t,
				const qr_reflected_index *ix)
{
	for (size_t i = 0; i < t->nuniques; i++) {
		if (t->uniques[i].name &&
		    strcmp(t->uniques[i].name, ix->name) == 0)
			return true;
	}
	return false;
}

/* An index on plain columns; expression indexes are left out. */
static bool plain_index(const qr_reflected_index *ix)
{
	for (size_t i = 0; i < ix->columns.count; i++) {
		if (strpbrk(ix->columns.items[i], "( "))
			return false;
	}
	return ix->columns.count > 0;
}

static qr_table *build(qr_metadata *md, qr_conn *conn, const char *schema,
		       const qr_reflected_table *t)
{
	size_t cap = t->ncolumns + t->nuniques + t->nfks + t->nindexes + 2;
	qr_schema_item **items = qr_mem__calloc(cap, sizeof(*items), "table");
	size_t n = 0;
	qr_table *table = NULL;
	int rc = 0;

	if (!items)
		return NULL;
	/* Referred tables first, so the foreign keys resolve. */
	for (size_t i = 0; i < t->nfks && rc == 0; i++) {
		const qr_reflected_fk *f = &t->fks[i];
		const char *rs =
			f->referred_schema ? f->referred_schema : schema;
		if (strcmp(f->referred_table, t->name) == 0 &&
		    !f->referred_schema)
			continue; /* self-referential */
		if (!qr_table_reflect(md, conn, rs, f->referred_table))
			rc = qr_error_last()->code;
	}
	for (size_t i = 0; rc == 0 && i < t->ncolumns; i++) {
		if (!(items[n++] = column_item(t, &t->columns[i])))
			rc = qr_error_last()->code;
	}
	if (rc == 0 && t->pk_columns.count) {
		const char **pk = names_of(&t->pk_columns);
		if (!pk ||
		    !(items[n++] = named(t->pk_name, qr_primary_key(pk))))
			rc = qr_error_last()->code;
		free(pk);
	}
	for (size_t i = 0; rc == 0 && i < t->nuniques; i++) {
		const char **cols = names_of(&t->uniques[i].columns);
		if (!cols ||
		    !(items[n++] = named(t->uniques[i].name, qr_unique(cols))))
			rc = qr_error_last()->code;
		free(cols);
	}
	for (size_t i = 0; rc == 0 && i < t->nfks; i++) {
		if (!(items[n++] = fk_item(&t->fks[i])))
			rc = qr_error_last()->code;
	}
	for (size_t i = 0; rc == 0 && i < t->nindexes; i++) {
		const qr_reflected_index *ix = &t->indexes[i];
		if (!plain_index(ix) || is_constraint_index(t, ix))
			continue;
		const char **cols = names_of(&ix->columns);
		if (!cols ||
		    !(items[n++] = ix->unique ? qr_unique_index(ix->name, cols)
					      : qr_index(ix->name, cols)))
			rc = qr_error_last()->code;
		free(cols);
	}
	if (rc == 0 && schema && !(items[n++] = qr_table_schema(schema)))
		rc = qr_error_last()->code;
	if (rc == 0) {
		table = qr_table_new_items(md, t->name, items, n);
	} else {
		for (size_t i = 0; i < n; i++)
			qr_expr_free(items[i]);
	}
	free(items);
	return table;
}

qr_table *qr_table_reflect(qr_metadata *md, qr_conn *conn, const char *schema,
			   const char *name)
{
	char key[512];
	qr_reflected_table *t;

	if (!md || !conn || !name) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			     "qr_table_reflect: NULL argument");
		return NULL;
	}
	snprintf(key, sizeof(key), "%s%s%s", schema ? schema : "",
		 schema ? "." : "", name);
	qr_table *existing = qr_metadata_table(md, key);
	if (existing)
		return existing;
	if (qr_inspect_table(&t, conn, schema, name) != 0)
		return NULL;
	qr_table *table = build(md, conn, schema, t);
	qr_reflected_table_free(t);
	return table;
}
