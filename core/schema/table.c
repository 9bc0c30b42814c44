/*
 * table.c - metadata and tables: definition, naming conventions, foreign
 * key resolution, dependency order and accessors.
 */
#include "../mem.h"
#include "../sql/typeconv.h"
#include "../strbuf.h"
#include "schema_internal.h"

#include <quarry/sys/error.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

uint64_t qr_schema__next_order(void);

static atomic_uint_fast64_t table_serial;

/* ---- metadata --------------------------------------------------------- */

qr_metadata *qr_metadata_new(void)
{
	return qr_metadata_new_opts(NULL);
}

qr_metadata *qr_metadata_new_opts(const qr_metadata_options *opts)
{
	qr_metadata *md = qr_mem__calloc(1, sizeof(*md), "metadata");
	if (!md)
		return NULL;
	const char *naming[5] = {"ix_%(column_0_label)s", NULL, NULL, NULL,
				 NULL};
	if (opts) {
		if (opts->naming.ix)
			naming[QR_NAMING_IX] = opts->naming.ix;
		naming[QR_NAMING_UQ] = opts->naming.uq;
		naming[QR_NAMING_CK] = opts->naming.ck;
		naming[QR_NAMING_FK] = opts->naming.fk;
		naming[QR_NAMING_PK] = opts->naming.pk;
	}
	bool failed = false;
	for (int i = 0; i < 5; i++) {
		if (naming[i] && !(md->naming[i] = qr_mem__strdup(naming[i])))
			failed = true;
	}
	if (opts && opts->schema &&
	    !(md->schema = qr_mem__strdup(opts->schema)))
		failed = true;
	if (failed) {
		qr_metadata_free(md);
		return NULL;
	}
	return md;
}

static void release_item(qr_node *n)
{
	if (!n)
		return;
	n->pinned = false;
	qr_expr_free(n);
}

/* Releases what may hold expressions over pinned columns (constraints,
 * indexes, column defaults): first, while every column still lives. */
static void table_release_expressions(qr_node *t)
{
	qr_table_def *d = qr_table__def(t);
	release_item(d->pk);
	for (size_t i = 0; i < d->nconstraints; i++)
		release_item(d->constraints[i]);
	for (size_t i = 0; i < d->nindexes; i++)
		release_item(d->indexes[i]);
	d->nconstraints = d->nindexes = 0;
	d->pk = NULL;
	for (size_t i = 0; i < d->ncolumns; i++) {
		qr_column_def *cd = d->columns[i]->ext;
		qr_expr_free(cd->default_expr);
		qr_expr_free(cd->onupdate_expr);
		qr_expr_free(cd->server_default_expr);
		cd->default_expr = cd->onupdate_expr = NULL;
		cd->server_default_expr = NULL;
	}
}

static void table_destroy(qr_node *t)
{
	qr_table_def *d = qr_table__def(t);
	table_release_expressions(t);
	for (size_t i = 0; i < d->ncolumns; i++)
		release_item(d->columns[i]);
	d->ncolumns = 0;
	release_item(t);
}

void qr_metadata_free(qr_metadata *md)
{
	if (!md)
		return;
	for (size_t i = 0; i < md->ntables; i++)
		table_release_expressions(md->tables[i]);
	for (size_t i = 0; i < md->ntables; i++)
		table_destroy(md->tables[i]);
	free(md->tables);
	free(md->schema);
	for (int i = 0; i < 5; i++)
		free(md->naming[i]);
	free(md);
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static qr_node *find_table(const qr_metadata *md, const char *schema,
			   const char *name)
{
	for (size_t i = 0; i < md->ntables; i++) {
		qr_node *t = md->tables[i];
		if (strcmp(t->name, name) == 0 &&
		    str_eq(qr_table__def(t)->schema, schema))
			return t;
	}
	return NULL;
}

qr_table *qr_metadata_table(const qr_metadata *md, const char *name)
{
	if (!md || !name)
		return NULL;
	const char *dot = strrchr(name, '.');
	if (!dot)
		return find_table(md, md->schema, name);
	char schema[256];
	size_t n = (size_t)(dot - name);
	if (n >= sizeof(schema))
		return NULL;
	memcpy(schema, name, n);
	schema[n] = '\0';
	return find_table(md, schema, dot + 1);
}

size_t qr_metadata_table_count(const qr_metadata *md)
{
	return md ? md->ntables : 0;
}

qr_table *qr_metadata_table_at(const qr_metadata *md, size_t i)
{
	return md && i < md->ntables ? md->tables[i] : NULL;
}

/* ---- foreign keys ------------------------------------------------------ */

/* Splits "[schema.]table.column" and finds the column in md. */
static qr_node *resolve_ref(const qr_metadata *md, const char *ref,
			    const char *default_schema, qr_node **table)
{
	char buf[512];
	size_t len = strlen(ref);
	if (len >= sizeof(buf))
		return NULL;
	memcpy(buf, ref, len + 1);
	char *col = strrchr(buf, '.');
	if (!col)
		return NULL;
	*col++ = '\0';
	char *tname = strrchr(buf, '.');
	const char *schema = default_schema;
	if (tname) {
		*tname++ = '\0';
		schema = buf;
	} else {
		tname = buf;
	}
	qr_node *t = find_table(md, schema, tname);
	if (!t && schema == default_schema)
		t = find_table(md, NULL, tname);
	if (!t)
		return NULL;
	*table = t;
	return qr_table_column(t, col);
}

int qr_constraint__resolve(qr_node *cons)
{
	qr_constraint_def *d = cons->ext;
	if (!d->table)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "foreign key is not in a table");
	qr_table_def *td = qr_table__def(d->table);
	if (!d->cols) {
		d->cols = qr_mem__calloc(d->ncolumns, sizeof(*d->cols),
					 "foreign key");
		d->refcols = qr_mem__calloc(d->ncolumns, sizeof(*d->refcols),
					    "foreign key");
		if (!d->cols || !d->refcols)
			return QR_ENOMEM;
	}
	d->reftable = NULL;
	for (size_t i = 0; i < d->ncolumns; i++) {
		qr_node *rt = NULL;
		d->cols[i] = qr_table_column(d->table, d->columns[i]);
		d->refcols[i] =
			resolve_ref(td->md, d->refs[i], td->schema, &rt);
		if (!d->cols[i] || !d->refcols[i]) {
			d->reftable = NULL;
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "foreign key of table '%s' "
					    "references '%s', which is not in "
					    "the metadata",
					    d->table->name, d->refs[i]);
		}
		if (d->reftable && d->reftable != rt)
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "foreign key of table '%s' "
					    "references more than one table",
					    d->table->name);
		d->reftable = rt;
	}
	return 0;
}

/* Gives FK columns declared without a type the referenced type. */
static void resolve_fk_types(qr_metadata *md)
{
	for (size_t t = 0; t < md->ntables; t++) {
		qr_table_def *td = qr_table__def(md->tables[t]);
		for (size_t i = 0; i < td->nconstraints; i++) {
			qr_node *cons = td->constraints[i];
			if (cons->op != QR_CONS_FK)
				continue;
			qr_constraint_def *cd = cons->ext;
			bool pending = false;
			for (size_t k = 0; k < cd->ncolumns; k++) {
				qr_node *col = qr_table_column(md->tables[t],
							       cd->columns[k]);
				if (col && col->type.kind == QR_TYPE_NULL)
					pending = true;
			}
			if (!pending)
				continue;
			qr_error last = *qr_error_last();
			if (qr_constraint__resolve(cons) != 0) {
				/* Not yet resolvable: keep the old error. */
				if (last.code)
					qr_error_set(last.code, last.klass,
						     "%s", last.message);
				else
					qr_error_clear();
				continue;
			}
			for (size_t k = 0; k < cd->ncolumns; k++) {
				qr_node *col = cd->cols[k];
				if (col->type.kind == QR_TYPE_NULL)
					qr_sql__set_type(col,
							 &cd->refcols[k]->type);
			}
		}
	}
}

size_t qr_table_foreign_key_count(const qr_table *t)
{
	if (!t || t->kind != QR_NODE_TABLE)
		return 0;
	const qr_table_def *d = qr_table__def(t);
	size_t n = 0;
	for (size_t i = 0; i < d->nconstraints; i++)
		n += d->constraints[i]->op == QR_CONS_FK;
	return n;
}

int qr_table_foreign_key(qr_foreign_key_info *out, const qr_table *t, size_t i)
{
	if (!out || !t || t->kind != QR_NODE_TABLE)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_table_foreign_key: bad argument");
	const qr_table_def *d = qr_table__def(t);
	for (size_t k = 0; k < d->nconstraints; k++) {
		qr_node *cons = d->constraints[k];
		if (cons->op != QR_CONS_FK || i-- != 0)
			continue;
		int rc = qr_constraint__resolve(cons);
		if (rc)
			return rc;
		qr_constraint_def *cd = cons->ext;
		out->name = cons->name;
		out->ncolumns = cd->ncolumns;
		out->columns = cd->cols;
		out->refcolumns = cd->refcols;
		out->reftable = cd->reftable;
		out->on_delete = cd->on_delete;
		out->on_update = cd->on_update;
		return 0;
	}
	return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			    "qr_table_foreign_key: index out of range");
}

/* ---- naming conventions ------------------------------------------------ */

/* Expands a SQLAlchemy naming template for a constraint or index. */
static char *convention_name(const char *tmpl, const qr_node *table,
			     const char *const *cols, size_t ncols,
			     const char *ref, const char *cname)
{
	qr_strbuf b = {0};
	const char *p = tmpl;
	while (*p) {
		if (p[0] == '%' && p[1] == '(') {
			const char *end = strstr(p, ")s");
			if (!end)
				break;
			size_t n = (size_t)(end - p - 2);
			const char *tok = p + 2;
#define TOK(s) (n == strlen(s) && strncmp(tok, s, n) == 0)
			if (TOK("table_name")) {
				qr_strbuf__puts(&b, table->name);
			} else if (TOK("column_0_name") && ncols) {
				qr_strbuf__puts(&b, cols[0]);
			} else if (TOK("column_0_label") && ncols) {
				qr_strbuf__printf(&b, "%s_%s", table->name,
						  cols[0]);
			} else if (TOK("referred_table_name") && ref) {
				const char *dot = strrchr(ref, '.');
				const char *start = ref;
				for (const char *q = ref; dot && q < dot; q++) {
					if (*q == '.')
						start = q + 1;
				}
				qr_strbuf__put(&b, start,
					       dot ? (size_t)(dot - start)
						   : strlen(start));
			} else if (TOK("referred_column_0_name") && ref) {
				const char *dot = strrchr(ref, '.');
				qr_strbuf__puts(&b, dot ? dot + 1 : ref);
			} else if (TOK("constraint_name") && cname) {
				qr_strbuf__puts(&b, cname);
			} else {
				qr_strbuf__free(&b);
				return NULL; /* not nameable: leave unnamed */
			}
#undef TOK
			p = end + 2;
			continue;
		}
		qr_strbuf__putc(&b, *p++);
	}
	return qr_strbuf__take(&b);
}

static int apply_convention(qr_metadata *md, qr_node *table, qr_node *item)
{
	int which;
	const char *const *cols = NULL;
	size_t ncols = 0;
	const char *ref = NULL;
	if (item->kind == QR_NODE_INDEX) {
		qr_index_def *d = item->ext;
		which = QR_NAMING_IX;
		cols = (const char *const *)d->columns;
		ncols = d->ncolumns;
	} else {
		qr_constraint_def *d = item->ext;
		cols = (const char *const *)d->columns;
		ncols = d->ncolumns;
		switch (item->op) {
		case QR_CONS_PK:
			which = QR_NAMING_PK;
			break;
		case QR_CONS_FK:
			which = QR_NAMING_FK;
			ref = d->refs ? d->refs[0] : NULL;
			break;
		case QR_CONS_UNIQUE:
			which = QR_NAMING_UQ;
			break;
		default:
			which = QR_NAMING_CK;
			break;
		}
	}
	const char *tmpl = md->naming[which];
	/* A check's template names it from its given name. */
	if (!tmpl || (item->name && which != QR_NAMING_CK))
		return 0;
	if (which == QR_NAMING_CK && !item->name)
		return 0;
	char *name = convention_name(tmpl, table, cols, ncols, ref, item->name);
	if (!name)
		return 0;
	free(item->name);
	item->name = name;
	return 0;
}

/* ---- tables ----------------------------------------------------------- */

static int grow_push(qr_node ***arr, size_t *n, size_t *cap, qr_node *x)
{
	if (qr_mem__grow((void **)arr, cap, *n + 1, sizeof(**arr),
			 "table items"))
		return QR_ENOMEM;
	(*arr)[(*n)++] = x;
	return 0;
}

static int check_columns(const qr_node *table, char **names, size_t n,
			 const char *what)
{
	for (size_t i = 0; i < n; i++) {
		if (!qr_table_column(table, names[i]))
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "%s on table '%s' names column "
					    "'%s', which it does not have",
					    what, table->name, names[i]);
	}
	return 0;
}

static const char *cons_what(int op)
{
	switch (op) {
	case QR_CONS_PK:
		return "PRIMARY KEY";
	case QR_CONS_FK:
		return "FOREIGN KEY";
	case QR_CONS_UNIQUE:
		return "UNIQUE";
	default:
		return "CHECK";
	}
}

/* Attaches a constraint or index (already pinned-to-be) to the table. */
static int attach(qr_metadata *md, qr_node *t, qr_node *item)
{
	qr_table_def *d = qr_table__def(t);
	int rc;
	if (item->kind == QR_NODE_INDEX) {
		qr_index_def *id = item->ext;
		if ((rc = check_columns(t, id->columns, id->ncolumns, "INDEX")))
			return rc;
		id->table = t;
		apply_convention(md, t, item);
		if ((rc = grow_push(&d->indexes, &d->nindexes, &d->idxcap,
				    item)))
			return rc;
		item->pinned = true;
		return 0;
	}
	qr_constraint_def *cd = item->ext;
	if ((rc = check_columns(t, cd->columns, cd->ncolumns,
				cons_what(item->op))))
		return rc;
	cd->table = t;
	/* Table constraints render in the order they join the table:
	 * explicit items as given, then those the columns imply (SQLAlchemy
	 * creates the latter last, when the Table takes its columns). */
	cd->order = qr_schema__next_order();
	apply_convention(md, t, item);
	if (item->op == QR_CONS_PK) {
		if (d->pk)
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "table '%s' has two primary keys",
					    t->name);
		d->pk = item;
		for (size_t i = 0; i < cd->ncolumns; i++) {
			qr_node *col = qr_table_column(t, cd->columns[i]);
			qr_column_def *def = col->ext;
			def->primary_key = true;
			def->nullable = false;
		}
	} else if ((rc = grow_push(&d->constraints, &d->nconstraints,
				   &d->conscap, item))) {
		return rc;
	}
	item->pinned = true;
	return 0;
}

static int sort_constraints(qr_table_def *d)
{
	/* insertion sort by creation order (few constraints) */
	for (size_t i = 1; i < d->nconstraints; i++) {
		qr_node *x = d->constraints[i];
		uint64_t ox = ((qr_constraint_def *)x->ext)->order;
		size_t j = i;
		while (j > 0 &&
		       ((qr_constraint_def *)d->constraints[j - 1]->ext)
				       ->order > ox) {
			d->constraints[j] = d->constraints[j - 1];
			j--;
		}
		d->constraints[j] = x;
	}
	return 0;
}

/* Constraints and indexes a column's options imply. */
static int column_items(qr_metadata *md, qr_node *t, qr_node *col)
{
	qr_column_def *cd = col->ext;
	const char *names[] = {col->name, NULL};
	qr_node *item;
	int rc;
	if (cd->fk_target) {
		const char *refs[] = {cd->fk_target, NULL};
		item = qr_foreign_key(names, refs, cd->on_delete,
				      cd->on_update);
		if (!item)
			return qr_error_last()->code ? qr_error_last()->code
						     : QR_ENOMEM;
		if ((rc = attach(md, t, item))) {
			qr_expr_free(item);
			return rc;
		}
	}
	if (cd->indexed) {
		char *name = convention_name(md->naming[QR_NAMING_IX], t, names,
					     1, NULL, NULL);
		if (!name)
			name = qr_mem__strdup(col->name);
		item = name ? (cd->unique ? qr_unique_index(name, names)
					  : qr_index(name, names))
			    : NULL;
		free(name);
		if (!item)
			return QR_ENOMEM;
		if ((rc = attach(md, t, item))) {
			qr_expr_free(item);
			return rc;
		}
	} else if (cd->unique) {
		item = qr_unique(names);
		if (!item)
			return QR_ENOMEM;
		if ((rc = attach(md, t, item))) {
			qr_expr_free(item);
			return rc;
		}
	}
	return 0;
}

static int add_column(qr_node *t, qr_node *col)
{
	qr_table_def *d = qr_table__def(t);
	if (col->pinned || ((qr_column_def *)col->ext)->table)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "column '%s' already belongs to a table",
				    col->name);
	if (qr_table_column(t, col->name))
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "table '%s' has two columns named '%s'",
				    t->name, col->name);
	int rc = grow_push(&d->columns, &d->ncolumns, &d->colcap, col);
	if (rc)
		return rc;
	qr_column_def *cd = col->ext;
	cd->table = t;
	cd->index = d->ncolumns - 1;
	col->pinned = true;
	return 0;
}

qr_table *qr_table_new(qr_metadata *md, const char *name, ...)
{
	va_list ap;
	qr_node **items = NULL;
	size_t n = 0, cap = 0;
	bool oom = false;
	va_start(ap, name);
	for (qr_node *it = va_arg(ap, qr_node *); it != QR_END;
	     it = va_arg(ap, qr_node *)) {
		if (oom || qr_mem__grow((void **)&items, &cap, n + 1,
					sizeof(*items), "table items")) {
			oom = true;
			qr_expr_free(it);
			continue;
		}
		items[n++] = it;
	}
	va_end(ap);
	if (oom) {
		for (size_t i = 0; i < n; i++)
			qr_expr_free(items[i]);
		free(items);
		return NULL;
	}
	qr_node *t = qr_table_new_items(md, name, items, n);
	free(items);
	return t;
}

qr_table *qr_table_new_items(qr_metadata *md, const char *name,
			     qr_schema_item *const *items, size_t nitems)
{
	if (!md || !name || (!items && nitems)) {
		for (size_t k = 0; items && k < nitems; k++)
			qr_expr_free(items[k]);
		return qr_sql__null_arg("qr_table", md ? "name" : "metadata");
	}
	qr_node *t = qr_sql__node(QR_NODE_TABLE, 0);
	qr_table_def *d = t ? qr_mem__calloc(1, sizeof(*d), "table") : NULL;
	int rc = 0;
	if (!t || !d || qr_sql__set_name(t, name)) {
		free(d);
		if (t)
			qr_expr_free(t);
		for (size_t k = 0; k < nitems; k++)
			qr_expr_free(items[k]);
		return NULL;
	}
	t->ext = d;
	d->md = md;
	d->serial = atomic_fetch_add(&table_serial, 1) + 1;

	/* Gather items; constraints and indexes wait for the columns. */
	qr_node **later = NULL;
	size_t nlater = 0, laterc = 0;
	for (size_t k = 0; k < nitems; k++) {
		qr_node *it = items[k];
		if (rc) {
			qr_expr_free(it);
			continue;
		}
		if (!it) {
			qr_sql__null_arg("qr_table", "an item");
			rc = qr_error_last()->code;
			continue;
		}
		switch (it->kind) {
		case QR_NODE_COLUMN:
			if ((rc = add_column(t, it)))
				qr_expr_free(it);
			break;
		case QR_NODE_CONSTRAINT:
		case QR_NODE_INDEX:
			if (it->pinned) {
				rc = qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
						  "qr_table: item already "
						  "belongs to a table");
				break;
			}
			if ((rc = grow_push(&later, &nlater, &laterc, it)))
				qr_expr_free(it);
			break;
		case QR_NODE_TABLE_OPT:
			if (it->op == QR_TOPT_SCHEMA)
				rc = (d->schema = qr_mem__strdup(it->name))
					     ? 0
					     : QR_ENOMEM;
			else
				rc = (d->comment = qr_mem__strdup(it->name))
					     ? 0
					     : QR_ENOMEM;
			qr_expr_free(it);
			break;
		default:
			rc = qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					  "qr_table: a %s is not a column, "
					  "constraint, index or table option",
					  qr_node__kind_name(it->kind));
			if (!it->pinned)
				qr_expr_free(it);
			break;
		}
	}
	if (!rc && !d->schema && md->schema &&
	    !(d->schema = qr_mem__strdup(md->schema)))
		rc = QR_ENOMEM;
	if (!rc && find_table(md, d->schema, name))
		rc = qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				  "table '%s' is already defined in this "
				  "metadata",
				  name);
	/* Explicit constraints and indexes. */
	size_t i = 0;
	for (; !rc && i < nlater; i++) {
		if ((rc = attach(md, t, later[i]))) {
			qr_expr_free(later[i]);
			i++;
			break;
		}
	}
	for (; i < nlater; i++) {
		if (!later[i]->pinned)
			qr_expr_free(later[i]);
	}
	free(later);
	/* The primary key from column flags, unless given explicitly. */
	if (!rc && !d->pk) {
		const char **pk = qr_mem__calloc(d->ncolumns + 1, sizeof(*pk),
						 "primary key");
		size_t npk = 0;
		if (!pk)
			rc = QR_ENOMEM;
		for (size_t k = 0; pk && k < d->ncolumns; k++) {
			if (((qr_column_def *)d->columns[k]->ext)->primary_key)
				pk[npk++] = d->columns[k]->name;
		}
		if (!rc && npk) {
			qr_node *pkc = qr_primary_key(pk);
			if (!pkc)
				rc = QR_ENOMEM;
			else if ((rc = attach(md, t, pkc)))
				qr_expr_free(pkc);
		}
		free(pk);
	}
	for (size_t k = 0; !rc && k < d->ncolumns; k++)
		rc = column_items(md, t, d->columns[k]);
	if (!rc)
		sort_constraints(d);
	if (!rc && grow_push(&md->tables, &md->ntables, &md->cap, t))
		rc = QR_ENOMEM;
	if (rc) {
		table_destroy(t);
		return NULL;
	}
	t->pinned = true;
	resolve_fk_types(md);
	return t;
}

int qr_table_add(qr_table *t, qr_schema_item *item)
{
	if (!t || !item) {
		qr_expr_free(item);
		qr_sql__null_arg("qr_table_add", t ? "item" : "table");
		return qr_error_last()->code;
	}
	if (t->kind == QR_NODE_TABLE && item->kind == QR_NODE_COLUMN &&
	    !item->pinned) {
		/* a column, not part of the primary key (the ORM's
		 * single-table inheritance adds its subclasses' columns) */
		qr_table_def *cd = qr_table__def(t);
		int rc;
		if (((qr_column_def *)item->ext)->primary_key) {
			qr_expr_free(item);
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "qr_table_add: a primary key "
					    "column cannot be added to a "
					    "defined table");
		}
		if ((rc = add_column(t, item))) {
			qr_expr_free(item);
			return rc;
		}
		rc = column_items(cd->md, t, item);
		if (!rc)
			sort_constraints(cd);
		resolve_fk_types(cd->md);
		return rc;
	}
	if (t->kind != QR_NODE_TABLE ||
	    (item->kind != QR_NODE_CONSTRAINT && item->kind != QR_NODE_INDEX) ||
	    item->pinned) {
		if (!item->pinned)
			qr_expr_free(item);
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_table_add: expected a table and a "
				    "column, constraint or index not yet in a "
				    "table");
	}
	qr_table_def *d = qr_table__def(t);
	int rc = attach(d->md, t, item);
	if (rc) {
		qr_expr_free(item);
		return rc;
	}
	sort_constraints(d);
	resolve_fk_types(d->md);
	return 0;
}

/* ---- accessors --------------------------------------------------------- */

const char *qr_table_name(const qr_table *t)
{
	return t && t->kind == QR_NODE_TABLE ? t->name : NULL;
}

const char *qr_table_schema_name(const qr_table *t)
{
	return t && t->kind == QR_NODE_TABLE ? qr_table__def(t)->schema : NULL;
}

qr_metadata *qr_table_metadata(const qr_table *t)
{
	return t && t->kind == QR_NODE_TABLE ? qr_table__def(t)->md : NULL;
}

size_t qr_table_column_count(const qr_table *t)
{
	return t && t->kind == QR_NODE_TABLE ? qr_table__def(t)->ncolumns : 0;
}

qr_column *qr_table_column_at(const qr_table *t, size_t i)
{
	if (!t || t->kind != QR_NODE_TABLE || i >= qr_table__def(t)->ncolumns)
		return NULL;
	return qr_table__def(t)->columns[i];
}

qr_column *qr_table_column(const qr_table *t, const char *name)
{
	if (!t || t->kind != QR_NODE_TABLE || !name)
		return NULL;
	const qr_table_def *d = qr_table__def(t);
	for (size_t i = 0; i < d->ncolumns; i++) {
		if (strcmp(d->columns[i]->name, name) == 0)
			return d->columns[i];
	}
	return NULL;
}

size_t qr_table__pk_count(const qr_node *t)
{
	const qr_table_def *d = qr_table__def(t);
	return d->pk ? ((qr_constraint_def *)d->pk->ext)->ncolumns : 0;
}

qr_node *qr_table__pk_at(const qr_node *t, size_t i)
{
	const qr_table_def *d = qr_table__def(t);
	if (!d->pk || i >= ((qr_constraint_def *)d->pk->ext)->ncolumns)
		return NULL;
	return qr_table_column(t,
			       ((qr_constraint_def *)d->pk->ext)->columns[i]);
}

size_t qr_table_primary_key_count(const qr_table *t)
{
	return t && t->kind == QR_NODE_TABLE ? qr_table__pk_count(t) : 0;
}

qr_column *qr_table_primary_key_at(const qr_table *t, size_t i)
{
	return t && t->kind == QR_NODE_TABLE ? qr_table__pk_at(t, i) : NULL;
}

static bool has_fk(const qr_node *col)
{
	const qr_table_def *d = qr_table__def(qr_column_table(col));
	for (size_t i = 0; i < d->nconstraints; i++) {
		const qr_node *cons = d->constraints[i];
		if (cons->op != QR_CONS_FK)
			continue;
		const qr_constraint_def *cd = cons->ext;
		for (size_t k = 0; k < cd->ncolumns; k++) {
			if (strcmp(cd->columns[k], col->name) == 0)
				return true;
		}
	}
	return false;
}

qr_column *qr_table_autoincrement_column(const qr_table *t)
{
	if (!t || t->kind != QR_NODE_TABLE)
		return NULL;
	size_t npk = qr_table__pk_count(t);
	for (size_t i = 0; i < npk; i++) {
		qr_node *col = qr_table__pk_at(t, i);
		const qr_column_def *cd = col->ext;
		if (!qr_type__is_integer(&col->type) ||
		    cd->autoincrement == QR_AUTOINCREMENT_NO)
			continue;
		if (cd->autoincrement == QR_AUTOINCREMENT_YES)
			return col;
		/* auto: the single integer key, no foreign key, no
		 * default of any kind */
		if (npk == 1 && !has_fk(col) && !cd->default_expr &&
		    !cd->default_fn && cd->default_value.kind == QR_VNULL &&
		    !cd->server_default && !cd->server_default_expr)
			return col;
	}
	return NULL;
}

const char *qr_column_name(const qr_column *c)
{
	return c && c->kind == QR_NODE_COLUMN ? c->name : NULL;
}

const qr_type *qr_column_type(const qr_column *c)
{
	return c && c->kind == QR_NODE_COLUMN ? &c->type : NULL;
}

qr_table *qr_column_table(const qr_column *c)
{
	if (!c || c->kind != QR_NODE_COLUMN)
		return NULL;
	return ((qr_column_def *)c->ext)->table;
}

bool qr_column_is_primary_key(const qr_column *c)
{
	return c && c->kind == QR_NODE_COLUMN &&
	       ((qr_column_def *)c->ext)->primary_key;
}

bool qr_column_is_nullable(const qr_column *c)
{
	return c && c->kind == QR_NODE_COLUMN &&
	       ((qr_column_def *)c->ext)->nullable;
}

const char *qr_column_sequence(const qr_column *c, const qr_identity **options)
{
	const qr_column_def *d;

	if (options)
		*options = NULL;
	if (!c || c->kind != QR_NODE_COLUMN || !(d = c->ext) || !d->sequence)
		return NULL;
	if (options && d->has_seq_options)
		*options = &d->seq_options;
	return d->sequence;
}

const qr_identity *qr_column_identity(const qr_column *c)
{
	const qr_column_def *d;

	if (!c || c->kind != QR_NODE_COLUMN || !(d = c->ext))
		return NULL;
	return d->has_identity ? &d->identity : NULL;
}

bool qr_column_is_autoincrement(const qr_column *c)
{
	qr_table *t = qr_column_table(c);
	return t && qr_table_autoincrement_column(t) == c;
}

qr_column *qr_column_references(const qr_column *c)
{
	qr_table *t = qr_column_table(c);
	if (!t)
		return NULL;
	const qr_table_def *d = qr_table__def(t);
	for (size_t i = 0; i < d->nconstraints; i++) {
		qr_node *cons = d->constraints[i];
		if (cons->op != QR_CONS_FK)
			continue;
		qr_constraint_def *cd = cons->ext;
		for (size_t k = 0; k < cd->ncolumns; k++) {
			if (strcmp(cd->columns[k], c->name) != 0)
				continue;
			qr_error saved = *qr_error_last();
			if (qr_constraint__resolve(cons) != 0) {
				if (saved.code)
					qr_error_set(saved.code, saved.klass,
						     "%s", saved.message);
				else
					qr_error_clear();
				return NULL;
			}
			return cd->refcols[k];
		}
	}
	return NULL;
}

bool qr_column_has_default(const qr_column *c)
{
	if (!c || c->kind != QR_NODE_COLUMN)
		return false;
	const qr_column_def *d = c->ext;
	return d->default_expr || d->default_fn ||
	       d->default_value.kind != QR_VNULL;
}

bool qr_column_has_server_default(const qr_column *c)
{
	if (!c || c->kind != QR_NODE_COLUMN)
		return false;
	const qr_column_def *d = c->ext;
	/* (a computed column: the database makes its value too) */
	return d->server_default || d->server_default_expr || d->computed;
}

const char *qr_column_computed(const qr_column *c, qr_persisted *persisted)
{
	const qr_column_def *d;

	if (!c || c->kind != QR_NODE_COLUMN || !(d = c->ext) || !d->computed)
		return NULL;
	if (persisted)
		*persisted = d->computed_persisted;
	return d->computed;
}

qr_schema_item *qr_table_index(const qr_table *t, const char *name)
{
	if (!t || t->kind != QR_NODE_TABLE || !name)
		return NULL;
	const qr_table_def *d = qr_table__def(t);
	for (size_t i = 0; i < d->nindexes; i++) {
		if (strcmp(d->indexes[i]->name, name) == 0)
			return d->indexes[i];
	}
	return NULL;
}

int qr_table__enum_types(const qr_node *t, const qr_type ***out, size_t *n)
{
	const qr_table_def *d = qr_table__def(t);
	const qr_type **list = NULL;
	size_t cnt = 0, cap = 0;
	for (size_t i = 0; i < d->ncolumns; i++) {
		const qr_type *ty = &d->columns[i]->type;
		if (ty->kind != QR_TYPE_ENUM || ty->decorator)
			continue;
		bool dup = false;
		for (size_t k = 0; k < cnt; k++) {
			if (str_eq(list[k]->name, ty->name))
				dup = true;
		}
		if (dup)
			continue;
		if (qr_mem__grow((void **)&list, &cap, cnt + 1, sizeof(*list),
				 "enum types")) {
			free(list);
			return QR_ENOMEM;
		}
		list[cnt++] = ty;
	}
	*out = list;
	*n = cnt;
	return 0;
}

/* ---- dependency order --------------------------------------------------- */

int qr_metadata_sorted_tables(qr_table ***out, size_t *n, const qr_metadata *md)
{
	if (!out || !n || !md)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_metadata_sorted_tables: bad argument");
	size_t nt = md->ntables;
	qr_node **sorted =
		qr_mem__calloc(nt ? nt : 1, sizeof(*sorted), "sorted tables");
	bool *done =
		qr_mem__calloc(nt ? nt : 1, sizeof(*done), "sorted tables");
	if (!sorted || !done) {
		free(sorted);
		free(done);
		return QR_ENOMEM;
	}
	size_t k = 0;
	while (k < nt) {
		bool progress = false;
		for (size_t i = 0; i < nt; i++) {
			if (done[i])
				continue;
			qr_node *t = md->tables[i];
			bool ready = true;
			size_t nfk = qr_table_foreign_key_count(t);
			for (size_t f = 0; f < nfk && ready; f++) {
				qr_foreign_key_info fk;
				if (qr_table_foreign_key(&fk, t, f) != 0) {
					free(sorted);
					free(done);
					return qr_error_last()->code;
				}
				if (fk.reftable == t)
					continue;
				for (size_t j = 0; j < nt; j++) {
					if (md->tables[j] == fk.reftable &&
					    !done[j])
						ready = false;
				}
			}
			if (ready) {
				done[i] = true;
				sorted[k++] = t;
				progress = true;
				break;
			}
		}
		if (!progress) {
			/* A cycle: the rest in definition order. */
			for (size_t i = 0; i < nt; i++) {
				if (!done[i]) {
					done[i] = true;
					sorted[k++] = md->tables[i];
				}
			}
		}
	}
	free(done);
	*out = sorted;
	*n = nt;
	return 0;
}

const char *qr_column__comment(const qr_node *col)
{
	return ((const qr_column_def *)col->ext)->comment;
}

const char *qr_table__comment(const qr_node *table)
{
	return qr_table__def(table)->comment;
}

qr_node *qr_index__table(const qr_node *index)
{
	return ((const qr_index_def *)index->ext)->table;
}
