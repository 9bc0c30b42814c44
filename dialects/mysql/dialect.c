/*
 * dialect.c - the MySQL / MariaDB SQL flavour: parameter style, identifier
 * quoting, feature flags and reserved words. Pure C: no client library, so
 * it is always built.
 *
 * "mariadb" is the same flavour under SQLAlchemy's other name, plus
 * INSERT .. RETURNING and DELETE .. RETURNING (MariaDB 10.5+; there is no
 * UPDATE .. RETURNING), as SQLAlchemy's mariadb dialect: compiling for
 * "mariadb" renders them, for "mysql" they are unsupported. An engine
 * picks the flavour its server calls for at its first connection
 * (qr_mysql__server_dialect, SQLAlchemy's dialect.initialize()): a
 * mysql:// URL on MariaDB 10.5+ gets the mariadb flavour, a mariadb://
 * URL on an older MariaDB the mysql one; a mariadb:// URL on MySQL fails
 * to connect (qr_mysql__require_mariadb).
 * ANSI_QUOTES is not assumed: identifiers are quoted with backticks.
 */
#include "mysql.h"

#include <quarry/sys/error.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The compiler overrides (compiler.c; built into libquarry only). */
extern const struct qr_compiler_overrides qr_mysql__compiler;

/*
 * Words reserved by MySQL 8.0 or MariaDB 10.x/11.x (the union, so that an
 * identifier quoted for one works on the other). Sorted (strcmp order) and
 * lower case, as qr_dialect.reserved_words requires.
 */
static const char *const mysql_reserved_words[] = {
	"accessible",
	"add",
	"all",
	"alter",
	"analyze",
	"and",
	"as",
	"asc",
	"asensitive",
	"before",
	"between",
	"bigint",
	"binary",
	"blob",
	"both",
	"by",
	"call",
	"cascade",
	"case",
	"change",
	"char",
	"character",
	"check",
	"collate",
	"column",
	"condition",
	"constraint",
	"continue",
	"convert",
	"create",
	"cross",
	"cube",
	"cume_dist",
	"current_date",
	"current_role",
	"current_time",
	"current_timestamp",
	"current_user",
	"cursor",
	"database",
	"databases",
	"day_hour",
	"day_microsecond",
	"day_minute",
	"day_second",
	"dec",
	"decimal",
	"declare",
	"default",
	"delayed",
	"delete",
	"delete_domain_id",
	"dense_rank",
	"desc",
	"describe",
	"deterministic",
	"distinct",
	"distinctrow",
	"div",
	"do_domain_ids",
	"double",
	"drop",
	"dual",
	"each",
	"else",
	"elseif",
	"empty",
	"enclosed",
	"escaped",
	"except",
	"exists",
	"exit",
	"explain",
	"false",
	"fetch",
	"first_value",
	"float",
	"float4",
	"float8",
	"for",
	"force",
	"foreign",
	"from",
	"fulltext",
	"function",
	"general",
	"generated",
	"get",
	"grant",
	"group",
	"grouping",
	"groups",
	"having",
	"high_priority",
	"hour_microsecond",
	"hour_minute",
	"hour_second",
	"if",
	"ignore",
	"ignore_domain_ids",
	"ignore_server_ids",
	"in",
	"index",
	"infile",
	"inner",
	"inout",
	"insensitive",
	"insert",
	"int",
	"int1",
	"int2",
	"int3",
	"int4",
	"int8",
	"integer",
	"intersect",
	"interval",
	"into",
	"io_after_gtids",
	"io_before_gtids",
	"is",
	"iterate",
	"join",
	"json_table",
	"key",
	"keys",
	"kill",
	"lag",
	"last_value",
	"lateral",
	"lead",
	"leading",
	"leave",
	"left",
	"like",
	"limit",
	"linear",
	"lines",
	"load",
	"localtime",
	"localtimestamp",
	"lock",
	"long",
	"longblob",
	"longtext",
	"loop",
	"low_priority",
	"master_bind",
	"master_heartbeat_period",
	"master_ssl_verify_server_cert",
	"match",
	"maxvalue",
	"mediumblob",
	"mediumint",
	"mediumtext",
	"middleint",
	"minute_microsecond",
	"minute_second",
	"mod",
	"modifies",
	"natural",
	"no_write_to_binlog",
	"not",
	"nth_value",
	"ntile",
	"null",
	"numeric",
	"of",
	"offset",
	"on",
	"optimize",
	"optimizer_costs",
	"option",
	"optionally",
	"or",
	"order",
	"out",
	"outer",
	"outfile",
	"over",
	"page_checksum",
	"parse_vcol_expr",
	"partition",
	"percent_rank",
	"position",
	"precision",
	"primary",
	"procedure",
	"purge",
	"range",
	"rank",
	"read",
	"read_write",
	"reads",
	"real",
	"recursive",
	"ref_system_id",
	"references",
	"regexp",
	"release",
	"rename",
	"repeat",
	"replace",
	"require",
	"resignal",
	"restrict",
	"return",
	"returning",
	"revoke",
	"right",
	"rlike",
	"row",
	"row_number",
	"rows",
	"schema",
	"schemas",
	"second_microsecond",
	"select",
	"sensitive",
	"separator",
	"set",
	"show",
	"signal",
	"slow",
	"smallint",
	"spatial",
	"specific",
	"sql",
	"sql_big_result",
	"sql_calc_found_rows",
	"sql_small_result",
	"sqlexception",
	"sqlstate",
	"sqlwarning",
	"ssl",
	"starting",
	"stats_auto_recalc",
	"stats_persistent",
	"stats_sample_pages",
	"stored",
	"straight_join",
	"system",
	"table",
	"terminated",
	"then",
	"tinyblob",
	"tinyint",
	"tinytext",
	"to",
	"trailing",
	"trigger",
	"true",
	"undo",
	"union",
	"unique",
	"unlock",
	"unsigned",
	"update",
	"usage",
	"use",
	"using",
	"utc_date",
	"utc_time",
	"utc_timestamp",
	"values",
	"varbinary",
	"varchar",
	"varcharacter",
	"varying",
	"virtual",
	"when",
	"where",
	"while",
	"window",
	"with",
	"write",
	"xor",
	"year_month",
	"zerofill",
};

/* What MySQL 8 and MariaDB 10.3+ share: window functions and CTEs (MySQL
 * 8.0 / MariaDB 10.2), INTERSECT/EXCEPT (8.0.31 / 10.3), FOR UPDATE,
 * multi-table UPDATE. RETURNING is MariaDB's only (10.5+, INSERT and
 * DELETE): the mariadb flavour's; LATERAL MySQL's only (8.0.14). */
#define MYSQL_FEATURES                                                        \
	(QR_FEATURE_SAVEPOINT | QR_FEATURE_MULTI_VALUES | QR_FEATURE_WINDOW | \
	 QR_FEATURE_CTE | QR_FEATURE_INTERSECT_EXCEPT |                       \
	 QR_FEATURE_FOR_UPDATE | QR_FEATURE_UPDATE_FROM)

const qr_dialect qr_mysql__dialect = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "mysql",
	.default_driver = "mysqlclient",
	.paramstyle = QR_PARAMSTYLE_QMARK,
	.identifier_quote = '`',
	.features = MYSQL_FEATURES | QR_FEATURE_LATERAL, /* 8.0.14+ */
	.reserved_words = mysql_reserved_words,
	.reserved_word_count =
		sizeof(mysql_reserved_words) / sizeof(mysql_reserved_words[0]),
	.reflector = &qr_mysql__reflector,
#ifndef QR_LOADABLE_MODULE /* modules use the built-in flavour's */
	.compiler = &qr_mysql__compiler,
#endif
};

const qr_dialect qr_mariadb__dialect = {
	.api_version = QR_PLUGIN_API_VERSION,
	.name = "mariadb",
	.default_driver = "mysqlclient",
	.paramstyle = QR_PARAMSTYLE_QMARK,
	.identifier_quote = '`',
	.features = MYSQL_FEATURES | QR_FEATURE_INSERT_RETURNING |
		    QR_FEATURE_DELETE_RETURNING,
	.reserved_words = mysql_reserved_words,
	.reserved_word_count =
		sizeof(mysql_reserved_words) / sizeof(mysql_reserved_words[0]),
	.reflector = &qr_mysql__reflector,
#ifndef QR_LOADABLE_MODULE /* modules use the built-in flavour's */
	.compiler = &qr_mysql__compiler,
#endif
};

const char *qr_mysql__server_dialect(const char *server_version)
{
	if (!server_version || !*server_version)
		return NULL;
	/* MariaDB 10+ may announce itself as "5.5.5-10.11.6-MariaDB-..."
	 * to old clients. */
	const char *v = server_version;
	if (strncmp(v, "5.5.5-", 6) == 0)
		v += 6;
	char *end;
	long major = strtol(v, &end, 10);
	long minor = *end == '.' ? strtol(end + 1, NULL, 10) : 0;
	bool mariadb = strstr(server_version, "MariaDB") != NULL;
	return mariadb && (major > 10 || (major == 10 && minor >= 5))
		       ? "mariadb"
		       : "mysql";
}

int qr_mysql__require_mariadb(const char *server_version)
{
	const char *v = server_version ? server_version : "";
	if (strstr(v, "MariaDB"))
		return 0;
	/* "8.0.36-log": the version numbers, as SQLAlchemy prints the
	 * server_version_info tuple */
	size_t n = strspn(v, "0123456789.");
	while (n && v[n - 1] == '.')
		n--;
	return qr_error_set(QR_EINVAL, QR_ECLASS_INVALID_REQUEST,
			    "MySQL version %.*s is not a MariaDB variant.",
			    (int)n, v);
}

static const qr_module mysql_module = {
	.api_version = QR_PLUGIN_API_VERSION,
	.dialect = &qr_mysql__dialect,
	.drivers = NULL,
};

static const qr_module mariadb_module = {
	.api_version = QR_PLUGIN_API_VERSION,
	.dialect = &qr_mariadb__dialect,
	.drivers = NULL,
};

const qr_module *qr_module_mysql(void)
{
	return &mysql_module;
}

const qr_module *qr_module_mariadb(void)
{
	return &mariadb_module;
}
