/*
 * mysqlclient_driver.c - the MySQL/MariaDB driver over the libmysqlclient
 * API ("mysql+mysqlclient", "mariadb+mysqlclient"; Debian builds it with
 * libmariadb): the driver vtable, connecting, transactions, ping, server
 * version and error mapping. Execution is in mysqlclient_exec.c, cursors
 * in mysqlclient_cursor.c.
 *
 * Connections are opened with CLIENT_FOUND_ROWS (UPDATE reports matched
 * rows, as SQLAlchemy expects), CLIENT_MULTI_RESULTS and
 * CLIENT_MULTI_STATEMENTS (scripts without parameters), character set
 * utf8mb4, automatic reconnection and LOCAL INFILE off (local_infile=true
 * enables the latter) and autocommit off (the DBAPI
 * default): begin() sends START TRANSACTION, commit() and rollback() end
 * it; the AUTOCOMMIT isolation level turns the server's autocommit on.
 *
 * Compiled with -DQR_LOADABLE_MODULE it also exports quarry_module(),
 * returning the "mysql" flavour (or "mariadb" with -DQR_LOADABLE_MARIADB)
 * and both drivers.
 */
#include "mysql.h"
#include "mysqlclient_internal.h"

#include <quarry/sys/error.h>

#include <errmsg.h>
#include <errno.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- errors */

qr_errclass qr_mysql__classify(unsigned err, const char *sqlstate,
			       bool *disconnect)
{
	(void)sqlstate;
	*disconnect = false;
	switch (err) {
	case 1022: /* ER_DUP_KEY */
	case 1048: /* ER_BAD_NULL_ERROR */
	case 1062: /* ER_DUP_ENTRY */
	case 1169: /* ER_DUP_UNIQUE */
	case 1216: /* ER_NO_REFERENCED_ROW */
	case 1217: /* ER_ROW_IS_REFERENCED */
	case 1364: /* ER_NO_DEFAULT_FOR_FIELD */
	case 1451: /* ER_ROW_IS_REFERENCED_2 */
	case 1452: /* ER_NO_REFERENCED_ROW_2 */
	case 1557: /* ER_FOREIGN_DUPLICATE_KEY */
	case 1586: /* ER_DUP_ENTRY_WITH_KEY_NAME */
	case 3819: /* MySQL: ER_CHECK_CONSTRAINT_VIOLATED */
	case 4025: /* MariaDB: ER_CONSTRAINT_FAILED */
		return QR_ECLASS_INTEGRITY;
	case 1049: /* ER_BAD_DB_ERROR */
	case 1050: /* ER_TABLE_EXISTS_ERROR */
	case 1051: /* ER_BAD_TABLE_ERROR */
	case 1054: /* ER_BAD_FIELD_ERROR */
	case 1060: /* ER_DUP_FIELDNAME */
	case 1061: /* ER_DUP_KEYNAME */
	case 1064: /* ER_PARSE_ERROR */
	case 1091: /* ER_CANT_DROP_FIELD_OR_KEY */
	case 1109: /* ER_UNKNOWN_TABLE */
	case 1110: /* ER_FIELD_SPECIFIED_TWICE */
	case 1142: /* ER_TABLEACCESS_DENIED_ERROR */
	case 1143: /* ER_COLUMNACCESS_DENIED_ERROR */
	case 1146: /* ER_NO_SUCH_TABLE */
	case 1149: /* ER_SYNTAX_ERROR */
	case 1176: /* ER_KEY_DOES_NOT_EXITS */
	case 1210: /* ER_WRONG_ARGUMENTS */
	case 1305: /* ER_SP_DOES_NOT_EXIST */
	case 1327: /* ER_SP_UNDECLARED_VAR */
	case 1630: /* ER_FUNC_INEXISTENT_NAME_COLLISION */
		return QR_ECLASS_PROGRAMMING;
	case 1264: /* ER_WARN_DATA_OUT_OF_RANGE */
	case 1265: /* WARN_DATA_TRUNCATED */
	case 1292: /* ER_TRUNCATED_WRONG_VALUE */
	case 1365: /* ER_DIVISION_BY_ZERO */
	case 1366: /* ER_TRUNCATED_WRONG_VALUE_FOR_FIELD */
	case 1406: /* ER_DATA_TOO_LONG */
	case 1411: /* ER_WRONG_VALUE_FOR_TYPE */
	case 1690: /* ER_DATA_OUT_OF_RANGE */
		return QR_ECLASS_DATA;
	case 1053: /* ER_SERVER_SHUTDOWN */
	case 1927: /* MariaDB: ER_CONNECTION_KILLED */
	case 2002: /* CR_CONNECTION_ERROR */
	case 2003: /* CR_CONN_HOST_ERROR */
	case 2006: /* CR_SERVER_GONE_ERROR */
	case 2013: /* CR_SERVER_LOST */
	case 2055: /* CR_SERVER_LOST_EXTENDED */
	case 4031: /* ER_CLIENT_INTERACTION_TIMEOUT */
		*disconnect = true;
		return QR_ECLASS_OPERATIONAL;
	case 1040: /* ER_CON_COUNT_ERROR */
	case 1044: /* ER_DBACCESS_DENIED_ERROR */
	case 1045: /* ER_ACCESS_DENIED_ERROR */
	case 1205: /* ER_LOCK_WAIT_TIMEOUT */
	case 1213: /* ER_LOCK_DEADLOCK */
	case 3572: /* MySQL: ER_LOCK_NOWAIT */
	case 1290: /* ER_OPTION_PREVENTS_STATEMENT */
	case 1317: /* ER_QUERY_INTERRUPTED */
	case 1792: /* ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION */
	case 1969: /* MariaDB: ER_STATEMENT_TIMEOUT (max_statement_time) */
	case 3024: /* MySQL: ER_QUERY_TIMEOUT (max_execution_time) */
		return QR_ECLASS_OPERATIONAL;
	case 1235: /* ER_NOT_SUPPORTED_YET */
	case 1295: /* ER_UNSUPPORTED_PS */
		return QR_ECLASS_NOT_SUPPORTED;
	default:
		break;
	}
	/* Client library errors (CR_*). */
	if (err >= 2000 && err < 3000)
		return QR_ECLASS_OPERATIONAL;
	return QR_ECLASS_NONE; /* derived from the SQLSTATE */
}

static int record_error(unsigned err, const char *sqlstate, const char *msg,
			const char *sql)
{
	bool lost;
	qr_errclass klass = qr_mysql__classify(err, sqlstate, &lost);
	int rc;

	if (!msg || !*msg)
		msg = "unknown MySQL client error";
	if (sqlstate && !strcmp(sqlstate, "00000"))
		sqlstate = NULL;
	rc = qr_error_set_db(lost ? QR_EDISCONNECT : QR_EDB, klass, sqlstate,
			     (int)err, lost, "%s", msg);
	if (sql)
		qr_error_set_statement(sql);
	return rc;
}

int qr_mysql__error(qr_driver_conn *conn, const char *sql)
{
	conn->status_stale = true;
	return record_error(mysql_errno(conn->my), mysql_sqlstate(conn->my),
			    mysql_error(conn->my), sql);
}

int qr_mysql__stmt_error(qr_driver_conn *conn, MYSQL_STMT *stmt,
			 const char *sql)
{
	if (!stmt || mysql_stmt_errno(stmt) == 0)
		return qr_mysql__error(conn, sql);
	conn->status_stale = true;
	return record_error(mysql_stmt_errno(stmt), mysql_stmt_sqlstate(stmt),
			    mysql_stmt_error(stmt), sql);
}

static int run_command(qr_driver_conn *conn, const char *sql)
{
	if (mysql_real_query(conn->my, sql, strlen(sql)))
		return qr_mysql__error(conn, sql);
	/* Discard any result (none is expected). */
	do {
		MYSQL_RES *res = mysql_store_result(conn->my);
		mysql_free_result(res);
	} while (mysql_next_result(conn->my) == 0);
	return 0;
}

/* ------------------------------------------------------------- connecting */

static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_rc;

/* mysql_init() would initialise the library too, but not thread-safely. */
static void library_init(void)
{
	library_rc = mysql_library_init(0, NULL, NULL);
}

typedef struct connect_opts {
	const char *host, *user, *password, *database, *unix_socket;
	unsigned port;
	bool stream_results;
	size_t cache_size;
} connect_opts;

static int parse_bool(bool *out, const char *key, const char *v)
{
	if (!strcmp(v, "1") || !strcasecmp(v, "true") ||
	    !strcasecmp(v, "yes") || !strcasecmp(v, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "0") || !strcasecmp(v, "false") ||
	    !strcasecmp(v, "no") || !strcasecmp(v, "off")) {
		*out = false;
		return 0;
	}
	return qr_error_set(
		QR_EINVAL, QR_ECLASS_ARGUMENT,
		"mysqlclient: option %s expects a boolean, got '%s'", key, v);
}

static int parse_uint(unsigned *out, const char *key, const char *v,
		      unsigned max)
{
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || *end || end == v || v[0] == '-' || n > max)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "mysqlclient: option %s expects 0..%u, "
				    "got '%s'",
				    key, max, v);
	*out = (unsigned)n;
	return 0;
}

/* Options that map to a string mysql_options() value. */
static const struct {
	const char *key;
	enum mysql_option option;
} string_options[] = {
	{"init_command", MYSQL_INIT_COMMAND},
	{"read_default_file", MYSQL_READ_DEFAULT_FILE},
	{"read_default_group", MYSQL_READ_DEFAULT_GROUP},
	{"ssl_ca", MYSQL_OPT_SSL_CA},
	{"ssl_capath", MYSQL_OPT_SSL_CAPATH},
	{"ssl_cert", MYSQL_OPT_SSL_CERT},
	{"ssl_key", MYSQL_OPT_SSL_KEY},
	{"ssl_cipher", MYSQL_OPT_SSL_CIPHER},
	{"ssl_crl", MYSQL_OPT_SSL_CRL},
};

static const struct {
	const char *key;
	enum mysql_option option;
} timeout_options[] = {
	{"connect_timeout", MYSQL_OPT_CONNECT_TIMEOUT},
	{"read_timeout", MYSQL_OPT_READ_TIMEOUT},
	{"write_timeout", MYSQL_OPT_WRITE_TIMEOUT},
};

static int option_failed(const char *key)
{
	return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			    "mysqlclient: cannot set option %s", key);
}

/* Applies one URL query or connect_args option. */
static int take_option(MYSQL *my, connect_opts *o, const char *key,
		       const char *value)
{
	unsigned u;
	bool b;
	int rc;

	for (size_t i = 0; i < sizeof(string_options) / sizeof(*string_options);
	     i++) {
		if (!strcmp(key, string_options[i].key))
			return mysql_options(my, string_options[i].option,
					     value)
				       ? option_failed(key)
				       : 0;
	}
	for (size_t i = 0;
	     i < sizeof(timeout_options) / sizeof(*timeout_options); i++) {
		if (!strcmp(key, timeout_options[i].key)) {
			if ((rc = parse_uint(&u, key, value, 86400)))
				return rc;
			return mysql_options(my, timeout_options[i].option, &u)
				       ? option_failed(key)
				       : 0;
		}
	}
	if (!strcmp(key, "unix_socket")) {
		o->unix_socket = value;
		return 0;
	}
	/* connect_args may name the URL's parts too. */
	if (!strcmp(key, "host")) {
		o->host = value;
		return 0;
	}
	if (!strcmp(key, "user")) {
		o->user = value;
		return 0;
	}
	if (!strcmp(key, "password")) {
		o->password = value;
		return 0;
	}
	if (!strcmp(key, "database") || !strcmp(key, "db")) {
		o->database = value;
		return 0;
	}
	if (!strcmp(key, "port"))
		return parse_uint(&o->port, key, value, 65535);
	if (!strcmp(key, "charset")) {
		/* quarry exchanges UTF-8 text with the server. */
		if (strcasecmp(value, "utf8mb4") && strcasecmp(value, "utf8") &&
		    strcasecmp(value, "utf8mb3"))
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "mysqlclient: charset '%s' is not "
					    "UTF-8; quarry uses utf8mb4",
					    value);
		return mysql_options(my, MYSQL_SET_CHARSET_NAME, value)
			       ? option_failed(key)
			       : 0;
	}
	if (!strcmp(key, "ssl_verify_cert")) {
		if ((rc = parse_bool(&b, key, value)))
			return rc;
		my_bool v = b;
		return mysql_options(my, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &v)
			       ? option_failed(key)
			       : 0;
	}
	if (!strcmp(key, "local_infile")) {
		if ((rc = parse_bool(&b, key, value)))
			return rc;
		u = b;
		return mysql_options(my, MYSQL_OPT_LOCAL_INFILE, &u)
			       ? option_failed(key)
			       : 0;
	}
	if (!strcmp(key, "compress")) {
		if ((rc = parse_bool(&b, key, value)))
			return rc;
		if (b && mysql_options(my, MYSQL_OPT_COMPRESS, NULL))
			return option_failed(key);
		return 0;
	}
	if (!strcmp(key, "stream_results"))
		return parse_bool(&o->stream_results, key, value);
	if (!strcmp(key, "statement_cache_size")) {
		if ((rc = parse_uint(&u, key, value, 65536)))
			return rc;
		o->cache_size = u;
		return 0;
	}
	return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			    "mysqlclient: unknown connection option '%s'", key);
}

/* Replaces every occurrence of the password in msg by "***". */
static void scrub_password(char *msg, const char *password)
{
	size_t plen = password ? strlen(password) : 0;
	char *from = msg, *hit;

	if (plen < 3)
		return;
	while ((hit = strstr(from, password)) != NULL) {
		memmove(hit + 3, hit + plen, strlen(hit + plen) + 1);
		memcpy(hit, "***", 3);
		from = hit + 3;
	}
}

static void my_close(qr_driver_conn *conn);

static int my_connect(qr_driver_conn **out, const qr_connect_args *args)
{
	connect_opts o = {0};
	qr_driver_conn *conn;
	const qr_url *url;
	int rc;

	if (!out || !args || !args->url)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "mysqlclient connect: NULL argument");
	*out = NULL;
	url = args->url;
	o.host = qr_url_host(url);
	o.user = qr_url_username(url);
	o.password = qr_url_password(url);
	o.database = qr_url_database(url);
	o.port = qr_url_port(url) > 0 ? (unsigned)qr_url_port(url) : 0;
	o.stream_results = true;
	o.cache_size = QR_MYSQL_CACHE_DEFAULT;
	pthread_once(&library_once, library_init);
	if (library_rc)
		return qr_error_set(QR_EDB, QR_ECLASS_INTERFACE,
				    "mysqlclient: cannot initialise the client "
				    "library");
	conn = calloc(1, sizeof(*conn));
	if (!conn)
		return qr_error_oom("mysqlclient connection");
	conn->log_fn = args->log_fn;
	conn->log_userdata = args->log_userdata;
	conn->my = mysql_init(NULL);
	if (!conn->my) {
		free(conn);
		return qr_error_oom("mysqlclient connection");
	}

	/* Reconnection is off by default: a lost connection must be seen.
	 * LOCAL INFILE is off unless asked for: a hostile server could
	 * otherwise read the client's files. */
	unsigned no_infile = 0;
	mysql_options(conn->my, MYSQL_OPT_LOCAL_INFILE, &no_infile);
	mysql_options(conn->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	for (size_t i = 0; i < qr_url_query_count(url); i++) {
		rc = take_option(conn->my, &o, qr_url_query_key(url, i),
				 qr_url_query_value(url, i));
		if (rc)
			goto fail;
	}
	for (const char *const *e = args->extra; e && e[0] && e[1]; e += 2) {
		rc = take_option(conn->my, &o, e[0], e[1]);
		if (rc)
			goto fail;
	}
	conn->stream_results = o.stream_results;
	rc = qr_stmt_cache__init(&conn->cache, o.cache_size);
	if (rc)
		goto fail;

	if (!mysql_real_connect(conn->my, o.host, o.user, o.password,
				o.database, o.port, o.unix_socket,
				CLIENT_FOUND_ROWS | CLIENT_MULTI_RESULTS |
					CLIENT_MULTI_STATEMENTS)) {
		char msg[QR_ERROR_MESSAGE_MAX];
		snprintf(msg, sizeof(msg), "%s", mysql_error(conn->my));
		scrub_password(msg, o.password);
		const char *state = mysql_sqlstate(conn->my);
		rc = qr_error_set_db(QR_EDB, QR_ECLASS_OPERATIONAL, state,
				     (int)mysql_errno(conn->my), false,
				     "cannot connect to MySQL: %s", msg);
		goto fail;
	}
	if (mysql_autocommit(conn->my, 0)) {
		rc = qr_mysql__error(conn, "SET autocommit=0");
		goto fail;
	}
	conn->bulk = qr_mysql__bulk_supported(conn->my);
	*out = conn;
	return 0;
fail:
	my_close(conn);
	return rc;
}

/* mariadb+mysqlclient:// connects to MariaDB only (SQLAlchemy's mariadb
 * dialect refuses a MySQL server at its first connection). */
static int my_connect_mariadb(qr_driver_conn **out, const qr_connect_args *args)
{
	int rc = my_connect(out, args);
	if (rc == 0 && (rc = qr_mysql__require_mariadb(
				mysql_get_server_info((*out)->my)))) {
		my_close(*out);
		*out = NULL;
	}
	return rc;
}

static void my_close(qr_driver_conn *conn)
{
	if (!conn)
		return;
	qr_stmt_cache__free(&conn->cache, qr_mysql__stmt_dispose, conn);
	mysql_close(conn->my);
	free(conn->pbinds);
	free(conn->pvals);
	free(conn->spare_cursor);
	free(conn->spare_cols);
	free(conn);
}

/* ----------------------------------------------------------- transactions */

static int check_idle(qr_driver_conn *conn)
{
	if (conn->busy)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "mysqlclient: an unbuffered result is "
				    "still open on this connection");
	return 0;
}

static int my_begin(qr_driver_conn *conn)
{
	int rc = check_idle(conn);
	if (rc || conn->autocommit)
		return rc;
	return run_command(conn, "START TRANSACTION");
}

/* COMMIT and ROLLBACK only when the server reports a transaction open:
 * returning a connection to the pool then costs no round trip. After an
 * error the report is out of date (see status_stale): with autocommit
 * off, a statement refused after it opened its tables (a lock wait
 * timeout after a DDL statement's implicit commit, say) has begun a
 * transaction that holds their metadata locks until it ends, so the
 * ROLLBACK must be sent. */
static bool in_transaction(const qr_driver_conn *conn)
{
	return conn->status_stale ||
	       (conn->my->server_status & SERVER_STATUS_IN_TRANS) != 0;
}

static int end_transaction(qr_driver_conn *conn, bool commit)
{
	int rc = check_idle(conn);
	if (rc || !in_transaction(conn))
		return rc;
	if (commit ? mysql_commit(conn->my) : mysql_rollback(conn->my))
		return qr_mysql__error(conn, commit ? "COMMIT" : "ROLLBACK");
	conn->status_stale = false;
	return 0;
}

static int my_commit(qr_driver_conn *conn)
{
	return end_transaction(conn, true);
}

static int my_rollback(qr_driver_conn *conn)
{
	return end_transaction(conn, false);
}

static int my_set_isolation(qr_driver_conn *conn, qr_isolation level)
{
	const char *sql = NULL;
	int rc = check_idle(conn);

	if (rc)
		return rc;
	if (level == QR_ISOLATION_AUTOCOMMIT) {
		if (mysql_autocommit(conn->my, 1))
			return qr_mysql__error(conn, "SET autocommit=1");
		conn->autocommit = true;
		return 0;
	}
	switch (level) {
	case QR_ISOLATION_DEFAULT:
		break;
	case QR_ISOLATION_READ_UNCOMMITTED:
		sql = "SET SESSION TRANSACTION ISOLATION LEVEL READ "
		      "UNCOMMITTED";
		break;
	case QR_ISOLATION_READ_COMMITTED:
		sql = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
		break;
	case QR_ISOLATION_REPEATABLE_READ:
		sql = "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ";
		break;
	case QR_ISOLATION_SERIALIZABLE:
		sql = "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE";
		break;
	default:
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "mysql: unknown isolation level %d",
				    (int)level);
	}
	if (conn->autocommit) {
		if (mysql_autocommit(conn->my, 0))
			return qr_mysql__error(conn, "SET autocommit=0");
		conn->autocommit = false;
	}
	if (sql)
		return run_command(conn, sql);
	/* The server's default: MariaDB before 11.1 names the variable
	 * tx_isolation, MySQL 8 transaction_isolation. */
	rc = run_command(conn, "SET SESSION tx_isolation = DEFAULT");
	if (rc && qr_error_last()->native_code == ER_UNKNOWN_SYSTEM_VARIABLE)
		rc = run_command(conn,
				 "SET SESSION transaction_isolation = DEFAULT");
	return rc;
}

static int my_ping(qr_driver_conn *conn)
{
	int rc = check_idle(conn);
	if (rc)
		return rc;
	return mysql_ping(conn->my) ? qr_mysql__error(conn, NULL) : 0;
}

static const char *my_server_version(qr_driver_conn *conn)
{
	const char *v = conn ? mysql_get_server_info(conn->my) : NULL;
	return v ? v : "";
}

/* ----------------------------------------------------------------- module */

#define MYSQLCLIENT_DRIVER(dialect_name, connect_fn)                           \
	{                                                                      \
		.api_version = QR_PLUGIN_API_VERSION, .dialect = dialect_name, \
		.name = "mysqlclient", .connect = connect_fn,                  \
		.close = my_close, .execute = qr_mysql__execute,               \
		.column_count = qr_mysql__column_count,                        \
		.column_name = qr_mysql__column_name,                          \
		.column_type = qr_mysql__column_type,                          \
		.fetch = qr_mysql__fetch, .rowcount = qr_mysql__rowcount,      \
		.last_insert_id = qr_mysql__last_insert_id,                    \
		.cursor_free = qr_mysql__cursor_free, .begin = my_begin,       \
		.commit = my_commit, .rollback = my_rollback, .ping = my_ping, \
		.set_isolation = my_set_isolation,                             \
		.server_version = my_server_version,                           \
	}

static const qr_driver mysql_driver = MYSQLCLIENT_DRIVER("mysql", my_connect);
static const qr_driver mariadb_driver =
	MYSQLCLIENT_DRIVER("mariadb", my_connect_mariadb);

static const qr_driver *const mysqlclient_drivers[] = {&mysql_driver,
						       &mariadb_driver, NULL};

static const qr_module mysqlclient_module = {
	.api_version = QR_PLUGIN_API_VERSION,
	.dialect = NULL,
	.drivers = mysqlclient_drivers,
};

const qr_module *qr_module_mysql_mysqlclient(void)
{
	return &mysqlclient_module;
}

#ifdef QR_LOADABLE_MODULE
/* quarry-mysql.so / quarry-mariadb.so: a flavour and both drivers. */
static const qr_module loadable_module = {
	.api_version = QR_PLUGIN_API_VERSION,
#ifdef QR_LOADABLE_MARIADB
	.dialect = &qr_mariadb__dialect,
#else
	.dialect = &qr_mysql__dialect,
#endif
	.drivers = mysqlclient_drivers,
};

QR_API const qr_module *quarry_module(void);

const qr_module *quarry_module(void)
{
	return &loadable_module;
}
#endif
