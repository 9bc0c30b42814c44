/*
 * dialect.c - the PostgreSQL SQL flavour: parameter style, identifier
 * quoting, feature flags and reserved words. Pure C: no libpq here, so it
 * is always built, and SQL can be compiled for PostgreSQL by a program that
 * links no driver.
 */
#include "postgresql.h"

/* The compiler overrides (compiler.c; built into libquarry only). */
extern const struct qr_compiler_overrides qr_postgresql__compiler;

/*
 * Words PostgreSQL reserves, either fully or except as function or type
 * names (the "reserved" columns of the SQL Key Words appendix of the
 * PostgreSQL manual). Sorted (strcmp order) and lower case, as
 * qr_dialect.reserved_words requires.
 */
static const char *const pg_reserved_words[] = {
	"all",
	"analyse",
	"analyze",
	"and",
	"any",
	"array",
	"as",
	"asc",
	"asymmetric",
	"authorization",
	"binary",
	"both",
	"case",
	"cast",
	"check",
	"collate",
	"collation",
	"column",
	"concurrently",
	"constraint",
	"create",
	"cross",
	"current_catalog",
	"current_date",
	"current_role",
	"current_schema",
	"current_time",
	"current_timestamp",
	"current_user",
	"default",
	"deferrable",
	"desc",
	"distinct",
	"do",
	"else",
	"end",
	"except",
	"false",
	"fetch",
	"for",
	"foreign",
	"freeze",
	"from",
	"full",
	"grant",
	"group",
	"having",
	"ilike",
	"in",
	"initially",
	"inner",
	"intersect",
	"into",
	"is",
	"isnull",
	"join",
	"lateral",
	"leading",
	"left",
	"like",
	"limit",
	"localtime",
	"localtimestamp",
	"natural",
	"not",
	"notnull",
	"null",
	"offset",
	"on",
	"only",
	"or",
	"order",
	"outer",
	"overlaps",
	"placing",
	"primary",
	"references",
	"returning",
	"right",
	"select",
	"session_user",
	"similar",
	"some",
	"symmetric",
	"system_user",
	"table",
	"tablesample",
	"then",
	"to",
	"trailing",
	"true",
	"union",
	"unique",
	"user",
	"using",
	"variadic",
	"verbose",
	"when",
	"where",
	"window",
	"with",
};

const qr_dialect qr_postgresql__dialect = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "postgresql",
	.default_driver = "libpq",
	.paramstyle = QR_PARAMSTYLE_NUMERIC,
	.identifier_quote = '"',
	.features = QR_FEATURE_LATERAL | QR_FEATURE_VALUES_FROM |
		    QR_FEATURE_SAVEPOINT | QR_FEATURE_RETURNING |
		    QR_FEATURE_MULTI_VALUES | QR_FEATURE_ILIKE |
		    QR_FEATURE_FULL_JOIN | QR_FEATURE_NATIVE_BOOLEAN |
		    QR_FEATURE_NATIVE_ENUM | QR_FEATURE_SEQUENCES |
		    QR_FEATURE_INTERSECT_EXCEPT | QR_FEATURE_WINDOW |
		    QR_FEATURE_CTE | QR_FEATURE_FOR_UPDATE |
		    QR_FEATURE_DISTINCT_ON | QR_FEATURE_UPDATE_FROM |
		    QR_FEATURE_TRANSACTIONAL_DDL,
	.reserved_words = pg_reserved_words,
	.reserved_word_count =
		sizeof(pg_reserved_words) / sizeof(pg_reserved_words[0]),
	.reflector = &qr_postgresql__reflector,
#ifndef QR_LOADABLE_MODULE /* modules use the built-in flavour's */
	.compiler = &qr_postgresql__compiler,
#endif
};

static const qr_module pg_module = {
	.api_version = QR_PLUGIN_API_VERSION,
	.dialect = &qr_postgresql__dialect,
	.drivers = NULL,
};

const qr_module *qr_module_postgresql(void)
{
	return &pg_module;
}
