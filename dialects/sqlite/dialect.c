/*
 * dialect.c - the SQLite SQL flavour (no driver dependency).
 */
#include "sqlite.h"

/* The compiler overrides (compiler.c; built into libquarry only). */
extern const struct qr_compiler_overrides qr_sqlite__compiler;

/* The words SQLAlchemy's SQLite dialect treats as reserved (quoted when
 * used as identifiers), lower case, sorted for bsearch. */
static const char *const sqlite_reserved[] = {
	"add",          "after",
	"all",          "alter",
	"analyze",      "and",
	"as",           "asc",
	"attach",       "autoincrement",
	"before",       "begin",
	"between",      "by",
	"cascade",      "case",
	"cast",         "check",
	"collate",      "column",
	"commit",       "conflict",
	"constraint",   "create",
	"cross",        "current_date",
	"current_time", "current_timestamp",
	"database",     "default",
	"deferrable",   "deferred",
	"delete",       "desc",
	"detach",       "distinct",
	"drop",         "each",
	"else",         "end",
	"escape",       "except",
	"exclusive",    "exists",
	"explain",      "fail",
	"false",        "for",
	"foreign",      "from",
	"full",         "glob",
	"group",        "having",
	"if",           "ignore",
	"immediate",    "in",
	"index",        "indexed",
	"initially",    "inner",
	"insert",       "instead",
	"intersect",    "into",
	"is",           "isnull",
	"join",         "key",
	"left",         "like",
	"limit",        "match",
	"natural",      "not",
	"notnull",      "null",
	"of",           "offset",
	"on",           "or",
	"order",        "outer",
	"plan",         "pragma",
	"primary",      "query",
	"raise",        "references",
	"reindex",      "rename",
	"replace",      "restrict",
	"right",        "rollback",
	"row",          "select",
	"set",          "table",
	"temp",         "temporary",
	"then",         "to",
	"transaction",  "trigger",
	"true",         "union",
	"unique",       "update",
	"using",        "vacuum",
	"values",       "view",
	"virtual",      "when",
	"where",
};

static const qr_dialect sqlite_dialect = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "sqlite",
	.default_driver = "sqlite3",
	.paramstyle = QR_PARAMSTYLE_QMARK,
	.identifier_quote = '"',
	.features = QR_FEATURE_SAVEPOINT | QR_FEATURE_RETURNING |
		    QR_FEATURE_MULTI_VALUES | QR_FEATURE_INTERSECT_EXCEPT |
		    QR_FEATURE_WINDOW | QR_FEATURE_CTE |
		    QR_FEATURE_UPDATE_FROM | QR_FEATURE_FULL_JOIN |
		    QR_FEATURE_TRANSACTIONAL_DDL,
	.reserved_words = sqlite_reserved,
	.reserved_word_count =
		sizeof(sqlite_reserved) / sizeof(sqlite_reserved[0]),
	.reflector = &qr_sqlite__reflector,
#ifndef QR_LOADABLE_MODULE /* modules use the built-in flavour's */
	.compiler = &qr_sqlite__compiler,
#endif
};

static const qr_module sqlite_module = {QR_PLUGIN_API_VERSION, &sqlite_dialect,
					NULL};

const qr_module *qr_module_sqlite(void)
{
	return &sqlite_module;
}
