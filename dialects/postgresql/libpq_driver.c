/*
 * libpq_driver.c - the PostgreSQL driver over libpq ("postgresql+libpq"):
 * the driver vtable, connecting, transactions, ping, server version and
 * error mapping. Execution is in libpq_exec.c, cursors in libpq_cursor.c.
 *
 * Compiled with -DQR_LOADABLE_MODULE (for quarry-postgresql.so) it also
 * exports quarry_module(), returning the dialect and the driver together.
 */
#include "libpq_internal.h"
#include "postgresql.h"

#include <quarry/sys/error.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- errors */

static bool is_disconnect_state(const char *sqlstate)
{
	if (!sqlstate)
		return false;
	return !strncmp(sqlstate, "08", 2) || !strcmp(sqlstate, "57P01") ||
	       !strcmp(sqlstate, "57P02") || !strcmp(sqlstate, "57P03");
}

int qr_libpq__error(qr_driver_conn *conn, const PGresult *res, const char *sql)
{
	const char *sqlstate = NULL, *primary = NULL, *detail = NULL;
	bool lost = PQstatus(conn->pg) == CONNECTION_BAD;
	int rc;

	if (res) {
		sqlstate = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
		if (!primary || !*primary)
			primary = PQresultErrorMessage(res);
	}
	if (!primary || !*primary)
		primary = PQerrorMessage(conn->pg);
	if (!primary || !*primary)
		primary = "unknown libpq error";
	lost = lost || is_disconnect_state(sqlstate);

	if (lost) {
		rc = qr_error_set_db(QR_EDISCONNECT, QR_ECLASS_OPERATIONAL,
				     sqlstate, 0, true, "%s", primary);
	} else {
		/* Errors libpq raises itself carry no SQLSTATE. */
		qr_errclass klass =
			sqlstate ? QR_ECLASS_NONE : QR_ECLASS_OPERATIONAL;
		if (detail && *detail)
			rc = qr_error_set_db(QR_EDB, klass, sqlstate, 0, false,
					     "%s (DETAIL: %s)", primary,
					     detail);
		else
			rc = qr_error_set_db(QR_EDB, klass, sqlstate, 0, false,
					     "%s", primary);
	}
	if (sql)
		qr_error_set_statement(sql);
	return rc;
}

/* Runs a command with no parameters and no rows. */
static int run_command(qr_driver_conn *conn, const char *sql)
{
	PGresult *res = PQexec(conn->pg, sql);
	int rc = 0;

	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = qr_libpq__error(conn, res, sql);
	PQclear(res);
	return rc;
}

/* ------------------------------------------------------------- connecting */

/* Server notices (WARNING, NOTICE, INFO, ...) go to the engine's log. */
static void notice_receiver(void *arg, const PGresult *res)
{
	qr_driver_conn *conn = arg;
	const char *sev, *msg;
	char line[QR_ERROR_MESSAGE_MAX];

	if (!conn->log_fn)
		return;
	sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	if (!sev)
		sev = PQresultErrorField(res, PG_DIAG_SEVERITY);
	msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (!msg)
		msg = PQresultErrorMessage(res);
	snprintf(line, sizeof(line), "postgresql %s: %s", sev ? sev : "NOTICE",
		 msg ? msg : "");
	for (char *p = line; *p; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	conn->log_fn(conn->log_userdata,
		     sev && !strcmp(sev, "WARNING") ? QR_LOG_WARNING
						    : QR_LOG_INFO,
		     line);
}

/* Connection keywords: parallel arrays, later values of a key replace
 * earlier ones so that connect_args override the URL. */
typedef struct conn_params {
	const char **keys;
	const char **values;
	size_t count, cap;
} conn_params;

static void params_put(conn_params *p, const char *key, const char *value)
{
	for (size_t i = 0; i < p->count; i++) {
		if (!strcmp(p->keys[i], key)) {
			p->values[i] = value;
			return;
		}
	}
	p->keys[p->count] = key;
	p->values[p->count] = value;
	p->count++;
}

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
	return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			    "libpq: option %s expects a boolean, got '%s'", key,
			    v);
}

/* Driver options are consumed here; the rest must be libpq keywords. */
typedef struct driver_opts {
	bool stream_results;
	size_t cache_size;
} driver_opts;

static int take_option(conn_params *p, driver_opts *opts,
		       const PQconninfoOption *known, const char *key,
		       const char *value)
{
	if (!strcmp(key, "stream_results"))
		return parse_bool(&opts->stream_results, key, value);
	if (!strcmp(key, "statement_cache_size")) {
		char *end;
		errno = 0;
		long n = strtol(value, &end, 10);
		if (errno || *end || end == value || n < 0 || n > 65536)
			return qr_error_set(
				QR_EINVAL, QR_ECLASS_ARGUMENT,
				"libpq: statement_cache_size expects 0..65536, "
				"got '%s'",
				value);
		opts->cache_size = (size_t)n;
		return 0;
	}
	if (!strcmp(key, "client_encoding"))
		return 0; /* quarry speaks UTF-8: always UTF8 (below) */
	for (const PQconninfoOption *o = known; o && o->keyword; o++) {
		if (!strcmp(o->keyword, key)) {
			params_put(p, key, value);
			return 0;
		}
	}
	return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
			    "libpq: unknown connection option '%s'", key);
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

static void format_version(char *buf, size_t cap, int v)
{
	if (v >= 100000)
		snprintf(buf, cap, "%d.%d", v / 10000, v % 10000);
	else if (v > 0)
		snprintf(buf, cap, "%d.%d.%d", v / 10000, (v / 100) % 100,
			 v % 100);
	else
		snprintf(buf, cap, "unknown");
}

static int pg_connect(qr_driver_conn **out, const qr_connect_args *args)
{
	const qr_url *url;
	conn_params p = {0};
	driver_opts opts = {false, QR_LIBPQ_CACHE_DEFAULT};
	PQconninfoOption *known = NULL;
	qr_driver_conn *conn = NULL;
	char port[16];
	size_t nextra = 0;
	int rc;

	if (!out || !args || !args->url)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "libpq connect: NULL argument");
	*out = NULL;
	url = args->url;
	for (const char *const *e = args->extra; e && e[0] && e[1]; e += 2)
		nextra++;
	p.cap = 8 + qr_url_query_count(url) + nextra;
	p.keys = calloc(p.cap + 1, sizeof(*p.keys));
	p.values = calloc(p.cap + 1, sizeof(*p.values));
	known = PQconndefaults();
	if (!p.keys || !p.values || !known) {
		rc = qr_error_oom("libpq connection parameters");
		goto done;
	}

	if (qr_url_host(url))
		params_put(&p, "host", qr_url_host(url));
	if (qr_url_port(url) >= 0) {
		snprintf(port, sizeof(port), "%d", qr_url_port(url));
		params_put(&p, "port", port);
	}
	if (qr_url_username(url))
		params_put(&p, "user", qr_url_username(url));
	if (qr_url_password(url))
		params_put(&p, "password", qr_url_password(url));
	if (qr_url_database(url))
		params_put(&p, "dbname", qr_url_database(url));
	for (size_t i = 0; i < qr_url_query_count(url); i++) {
		rc = take_option(&p, &opts, known, qr_url_query_key(url, i),
				 qr_url_query_value(url, i));
		if (rc)
			goto done;
	}
	for (const char *const *e = args->extra; e && e[0] && e[1]; e += 2) {
		rc = take_option(&p, &opts, known, e[0], e[1]);
		if (rc)
			goto done;
	}
	params_put(&p, "client_encoding", "UTF8");

	conn = calloc(1, sizeof(*conn));
	if (!conn) {
		rc = qr_error_oom("libpq connection");
		goto done;
	}
	conn->log_fn = args->log_fn;
	conn->log_userdata = args->log_userdata;
	conn->stream_results = opts.stream_results;
	rc = qr_stmt_cache__init(&conn->cache, opts.cache_size);
	if (rc)
		goto done;

	conn->pg = PQconnectdbParams(p.keys, p.values, 0);
	if (!conn->pg) {
		rc = qr_error_oom("libpq connection");
		goto done;
	}
	if (PQstatus(conn->pg) != CONNECTION_OK) {
		char msg[QR_ERROR_MESSAGE_MAX];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn->pg));
		scrub_password(msg, qr_url_password(url));
		for (size_t i = 0; i < p.count; i++) {
			if (!strcmp(p.keys[i], "password"))
				scrub_password(msg, p.values[i]);
		}
		rc = qr_error_set_db(QR_EDB, QR_ECLASS_OPERATIONAL, NULL, 0,
				     false, "cannot connect to PostgreSQL: %s",
				     msg);
		goto done;
	}
	PQsetNoticeReceiver(conn->pg, notice_receiver, conn);
	format_version(conn->version, sizeof(conn->version),
		       PQserverVersion(conn->pg));
	*out = conn;
	conn = NULL;
	rc = 0;
done:
	if (conn) {
		PQfinish(conn->pg);
		qr_stmt_cache__free(&conn->cache, NULL, NULL);
		free(conn);
	}
	PQconninfoFree(known);
	free(p.keys);
	free(p.values);
	return rc;
}

static void pg_close(qr_driver_conn *conn)
{
	if (!conn)
		return;
	/* Server-side statements die with the session. */
	PQfinish(conn->pg);
	qr_stmt_cache__free(&conn->cache, NULL, NULL);
	free(conn->pvalues);
	free(conn->plengths);
	free(conn->pformats);
	free(conn->ptypes);
	free(conn->pscratch);
	free(conn);
}

/* ----------------------------------------------------------- transactions */

static int check_idle(qr_driver_conn *conn)
{
	if (conn->busy)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "libpq: a streaming result is still open "
				    "on this connection");
	return 0;
}

static int pg_begin(qr_driver_conn *conn)
{
	int rc = check_idle(conn);
	if (rc)
		return rc;
	if (conn->autocommit)
		return 0;
	return run_command(conn, "BEGIN");
}

/* COMMIT and ROLLBACK only when a transaction is open, so that a
 * connection in autocommit mode draws no "no transaction" warning. */
static int end_transaction(qr_driver_conn *conn, const char *sql)
{
	int rc = check_idle(conn);
	if (rc)
		return rc;
	if (PQstatus(conn->pg) == CONNECTION_BAD)
		return qr_libpq__error(conn, NULL, sql);
	if (PQtransactionStatus(conn->pg) == PQTRANS_IDLE)
		return 0;
	return run_command(conn, sql);
}

static int pg_commit(qr_driver_conn *conn)
{
	return end_transaction(conn, "COMMIT");
}

static int pg_rollback(qr_driver_conn *conn)
{
	return end_transaction(conn, "ROLLBACK");
}

static int pg_set_isolation(qr_driver_conn *conn, qr_isolation level)
{
	const char *sql;
	int rc = check_idle(conn);

	if (rc)
		return rc;
	switch (level) {
	case QR_ISOLATION_AUTOCOMMIT:
		/* PostgreSQL commits each statement sent outside BEGIN. */
		conn->autocommit = true;
		return 0;
	case QR_ISOLATION_DEFAULT:
		sql = "SET SESSION default_transaction_isolation TO DEFAULT";
		break;
	case QR_ISOLATION_READ_UNCOMMITTED:
		sql = "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION "
		      "LEVEL READ UNCOMMITTED";
		break;
	case QR_ISOLATION_READ_COMMITTED:
		sql = "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION "
		      "LEVEL READ COMMITTED";
		break;
	case QR_ISOLATION_REPEATABLE_READ:
		sql = "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION "
		      "LEVEL REPEATABLE READ";
		break;
	case QR_ISOLATION_SERIALIZABLE:
		sql = "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION "
		      "LEVEL SERIALIZABLE";
		break;
	default:
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "postgresql: unknown isolation level %d",
				    (int)level);
	}
	rc = run_command(conn, sql);
	if (rc == 0)
		conn->autocommit = false;
	return rc;
}

static int pg_ping(qr_driver_conn *conn)
{
	int rc = check_idle(conn);
	if (rc)
		return rc;
	/* An empty query: one round trip, no parsing, no transaction. */
	PGresult *res = PQexec(conn->pg, "");
	if (!res || PQresultStatus(res) != PGRES_EMPTY_QUERY)
		rc = qr_libpq__error(conn, res, NULL);
	PQclear(res);
	return rc;
}

static const char *pg_server_version(qr_driver_conn *conn)
{
	return conn ? conn->version : "";
}

/* ----------------------------------------------------------------- module */

static const qr_driver libpq_driver = {
	.api_version = QR_PLUGIN_API_VERSION,
	.dialect = "postgresql",
	.name = "libpq",
	.connect = pg_connect,
	.close = pg_close,
	.execute = qr_libpq__execute,
	.column_count = qr_libpq__column_count,
	.column_name = qr_libpq__column_name,
	.column_type = qr_libpq__column_type,
	.fetch = qr_libpq__fetch,
	.rowcount = qr_libpq__rowcount,
	.last_insert_id = qr_libpq__last_insert_id,
	.cursor_free = qr_libpq__cursor_free,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.ping = pg_ping,
	.set_isolation = pg_set_isolation,
	.server_version = pg_server_version,
};

static const qr_driver *const libpq_drivers[] = {&libpq_driver, NULL};

static const qr_module libpq_module = {
	.api_version = QR_PLUGIN_API_VERSION,
	.dialect = NULL,
	.drivers = libpq_drivers,
};

const qr_module *qr_module_postgresql_libpq(void)
{
	return &libpq_module;
}

#ifdef QR_LOADABLE_MODULE
/* quarry-postgresql.so: the flavour and the driver in one module. */
static const qr_module loadable_module = {
	.api_version = QR_PLUGIN_API_VERSION,
	.dialect = &qr_postgresql__dialect,
	.drivers = libpq_drivers,
};

QR_API const qr_module *quarry_module(void);

const qr_module *quarry_module(void)
{
	return &loadable_module;
}
#endif
