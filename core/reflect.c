/*
 * reflect.c - schema reflection: dispatch to the dialect's reflector, the
 * plain-data containers, and type-name parsing.
 */
#include "engine_internal.h"
#include "mem.h"

#include <quarry/reflect.h>
#include <quarry/sys/error.h>
#include <quarry/sys/reflect.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int qr_strings_add(qr_strings *list, const char *s)
{
	if (!list || !s)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_strings_add: NULL argument");
	int rc = qr_mem__grow((void **)&list->items, &list->cap,
			      list->count + 1, sizeof(char *), "string list");
	if (rc)
		return rc;
	char *dup = qr_mem__strdup(s);
	if (!dup)
		return QR_ENOMEM;
	list->items[list->count++] = dup;
	return 0;
}

void qr_strings_clear(qr_strings *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

void qr_strings_free(qr_strings *list)
{
	qr_strings_clear(list);
	free(list);
}

void qr_reflected_table_free(qr_reflected_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncolumns; i++) {
		qr_reflected_column *c = &t->columns[i];
		free(c->name);
		free(c->type_name);
		free(c->default_value);
		free(c->comment);
	}
	free(t->columns);
	for (size_t i = 0; i < t->nfks; i++) {
		qr_reflected_fk *f = &t->fks[i];
		free(f->name);
		qr_strings_clear(&f->columns);
		free(f->referred_schema);
		free(f->referred_table);
		qr_strings_clear(&f->referred_columns);
		free(f->on_delete);
		free(f->on_update);
	}
	free(t->fks);
	for (size_t i = 0; i < t->nindexes; i++) {
		free(t->indexes[i].name);
		qr_strings_clear(&t->indexes[i].columns);
	}
	free(t->indexes);
	for (size_t i = 0; i < t->nuniques; i++) {
		free(t->uniques[i].name);
		qr_strings_clear(&t->uniques[i].columns);
	}
	free(t->uniques);
	free(t->schema);
	free(t->name);
	free(t->pk_name);
	qr_strings_clear(&t->pk_columns);
	free(t);
}

const qr_reflected_column *qr_reflected_column_find(const qr_reflected_table *t,
						    const char *name)
{
	if (!t || !name)
		return NULL;
	for (size_t i = 0; i < t->ncolumns; i++) {
		if (strcmp(t->columns[i].name, name) == 0)
			return &t->columns[i];
	}
	return NULL;
}

static int reflector_of(const qr_reflector **out, qr_conn *conn)
{
	if (!conn)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "reflection: connection is NULL");
	const qr_dialect *d = conn->engine->dialect;
	if (!d->reflector)
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "schema reflection is not supported by the "
				    "%s dialect",
				    d->name);
	*out = d->reflector;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int names(qr_strings **out, qr_conn *conn, const char *schema,
		 bool views)
{
	const qr_reflector *r = NULL;
	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "reflection: out is NULL");
	*out = NULL;
	int rc = reflector_of(&r, conn);
	if (rc)
		return rc;
	qr_strings *list = qr_mem__calloc(1, sizeof(*list), "string list");
	if (!list)
		return QR_ENOMEM;
	rc = r->names(conn, schema, views, list);
	if (rc) {
		qr_strings_free(list);
		return rc;
	}
	if (list->count)
		qsort(list->items, list->count, sizeof(char *), cmp_str);
	*out = list;
	return 0;
}

int qr_inspect_table_names(qr_strings **out, qr_conn *conn, const char *schema)
{
	return names(out, conn, schema, false);
}

int qr_inspect_view_names(qr_strings **out, qr_conn *conn, const char *schema)
{
	return names(out, conn, schema, true);
}

int qr_inspect_has_table(bool *out, qr_conn *conn, const char *schema,
			 const char *name)
{
	qr_strings *list;
	if (!out || !name)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_inspect_has_table: NULL argument");
	*out = false;
	for (int views = 0; views < 2 && !*out; views++) {
		int rc = names(&list, conn, schema, views);
		if (rc)
			return rc;
		for (size_t i = 0; i < list->count; i++) {
			if (strcmp(list->items[i], name) == 0)
				*out = true;
		}
		qr_strings_free(list);
	}
	return 0;
}

int qr_inspect_table(qr_reflected_table **out, qr_conn *conn,
		     const char *schema, const char *name)
{
	const qr_reflector *r = NULL;
	if (!out || !name)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_inspect_table: NULL argument");
	*out = NULL;
	int rc = reflector_of(&r, conn);
	if (rc)
		return rc;
	qr_reflected_table *t = qr_mem__calloc(1, sizeof(*t), "table");
	if (!t)
		return QR_ENOMEM;
	t->name = qr_mem__strdup(name);
	t->schema = schema ? qr_mem__strdup(schema) : NULL;
	if (!t->name || (schema && !t->schema)) {
		qr_reflected_table_free(t);
		return QR_ENOMEM;
	}
	rc = r->table(conn, schema, name, t);
	if (rc == 0) {
		for (size_t i = 0; i < t->ncolumns && rc == 0; i++)
			rc = qr_type_parse(&t->columns[i].type,
					   conn->engine->dialect->name,
					   t->columns[i].type_name);
	}
	if (rc) {
		qr_reflected_table_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* ---- type names ------------------------------------------------------ */

typedef struct type_word {
	const char *name;
	qr_type_kind kind;
} type_word;

/* Lower-case base names (before any "(") and their generic kinds. */
static const type_word type_words[] = {
	{"bigint", QR_TYPE_BIGINT},
	{"bigserial", QR_TYPE_BIGINT},
	{"binary", QR_TYPE_BINARY},
	{"blob", QR_TYPE_BINARY},
	{"bool", QR_TYPE_BOOLEAN},
	{"boolean", QR_TYPE_BOOLEAN},
	{"bytea", QR_TYPE_BINARY},
	{"char", QR_TYPE_STRING},
	{"character", QR_TYPE_STRING},
	{"character varying", QR_TYPE_STRING},
	{"clob", QR_TYPE_TEXT},
	{"date", QR_TYPE_DATE},
	{"datetime", QR_TYPE_DATETIME},
	{"dec", QR_TYPE_NUMERIC},
	{"decimal", QR_TYPE_NUMERIC},
	{"double", QR_TYPE_DOUBLE},
	{"double precision", QR_TYPE_DOUBLE},
	{"enum", QR_TYPE_ENUM},
	{"float", QR_TYPE_FLOAT},
	{"float4", QR_TYPE_FLOAT},
	{"float8", QR_TYPE_DOUBLE},
	{"int", QR_TYPE_INTEGER},
	{"int2", QR_TYPE_SMALLINT},
	{"int4", QR_TYPE_INTEGER},
	{"int8", QR_TYPE_BIGINT},
	{"integer", QR_TYPE_INTEGER},
	{"interval", QR_TYPE_INTERVAL},
	{"json", QR_TYPE_JSON},
	{"jsonb", QR_TYPE_JSON},
	{"longblob", QR_TYPE_BINARY},
	{"longtext", QR_TYPE_TEXT},
	{"mediumblob", QR_TYPE_BINARY},
	{"mediumint", QR_TYPE_INTEGER},
	{"mediumtext", QR_TYPE_TEXT},
	{"nchar", QR_TYPE_STRING},
	{"numeric", QR_TYPE_NUMERIC},
	{"nvarchar", QR_TYPE_STRING},
	{"real", QR_TYPE_FLOAT},
	{"serial", QR_TYPE_INTEGER},
	{"smallint", QR_TYPE_SMALLINT},
	{"smallserial", QR_TYPE_SMALLINT},
	{"text", QR_TYPE_TEXT},
	{"time", QR_TYPE_TIME},
	{"time with time zone", QR_TYPE_TIME},
	{"time without time zone", QR_TYPE_TIME},
	{"timestamp", QR_TYPE_DATETIME},
	{"timestamp with time zone", QR_TYPE_DATETIME},
	{"timestamp without time zone", QR_TYPE_DATETIME},
	{"timestamptz", QR_TYPE_DATETIME},
	{"timetz", QR_TYPE_TIME},
	{"tinyblob", QR_TYPE_BINARY},
	{"tinyint", QR_TYPE_SMALLINT},
	{"tinytext", QR_TYPE_TEXT},
	{"uuid", QR_TYPE_UUID},
	{"varbinary", QR_TYPE_BINARY},
	{"varchar", QR_TYPE_STRING},
	{"year", QR_TYPE_INTEGER},
};

int qr_type_parse(qr_type *out, const char *dialect, const char *type_name)
{
	char base[64];
	size_t n = 0;
	int args[2] = {0, 0}, nargs = 0;
	const char *p;

	if (!out || !type_name)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_type_parse: NULL argument");
	memset(out, 0, sizeof(*out));
	/* Lower-case base name, white space folded, up to "(". */
	for (p = type_name; *p && *p != '(' && n + 1 < sizeof(base); p++) {
		char c = (char)tolower((unsigned char)*p);
		if (isspace((unsigned char)c)) {
			if (n && base[n - 1] != ' ')
				base[n++] = ' ';
			continue;
		}
		base[n++] = c;
	}
	while (n && base[n - 1] == ' ')
		n--;
	base[n] = '\0';
	if (*p == '(') {
		p++;
		while (*p && *p != ')' && nargs < 2) {
			while (isspace((unsigned char)*p))
				p++;
			if (isdigit((unsigned char)*p))
				args[nargs++] = (int)strtol(p, (char **)&p, 10);
			else
				break;
			while (isspace((unsigned char)*p) || *p == ',')
				p++;
		}
	}
	bool tz = strstr(type_name, "with time zone") != NULL &&
		  strstr(type_name, "without time zone") == NULL;
	/* "int unsigned", "bigint(20) unsigned": drop MySQL's modifiers. */
	char *space = strstr(base, " unsigned");
	if (space)
		*space = '\0';
	for (size_t i = 0; i < sizeof(type_words) / sizeof(type_words[0]);
	     i++) {
		if (strcmp(base, type_words[i].name) != 0)
			continue;
		out->kind = type_words[i].kind;
		break;
	}
	if (strcmp(base, "timestamptz") == 0 || strcmp(base, "timetz") == 0)
		tz = true;
	switch (out->kind) {
	case QR_TYPE_STRING:
		out->length = nargs ? args[0] : 0;
		break;
	case QR_TYPE_NUMERIC:
		out->precision = nargs > 0 ? args[0] : 0;
		out->scale = nargs > 1 ? args[1] : 0;
		break;
	case QR_TYPE_DATETIME:
	case QR_TYPE_TIME:
		out->timezone = tz;
		break;
	case QR_TYPE_SMALLINT:
		/* MySQL's BOOL is TINYINT(1). */
		if (strcmp(base, "tinyint") == 0 && nargs && args[0] == 1 &&
		    (!dialect || strncmp(dialect, "mysql", 5) == 0 ||
		     strncmp(dialect, "mariadb", 7) == 0))
			out->kind = QR_TYPE_BOOLEAN;
		break;
	default:
		break;
	}
	return 0;
}
