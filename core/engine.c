/*
 * engine.c - engines: URL + dialect + driver + pool, and echo logging.
 */
#include "engine_internal.h"
#include "mem.h"
#include "sql/compiled.h"
#include "sql/compiler.h"

#include <quarry/sys/error.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

static bool sqlite_in_memory(const qr_url *url)
{
	const char *db = qr_url_database(url);
	const char *mode = qr_url_query_get(url, "mode");
	if (!db || !*db || strcmp(db, ":memory:") == 0)
		return true;
	if (mode && strcmp(mode, "memory") == 0)
		return true;
	return strncmp(db, "file::memory:", 13) == 0;
}

/* SQLAlchemy 2.0's choice: in-memory SQLite cannot use a queue pool of
 * separate connections (each would be a separate database), so each
 * thread keeps one connection (SingletonThreadPool); file databases and
 * servers get the queue pool. */
static qr_pool_kind default_pool(const qr_engine *e)
{
	if (strcmp(e->dialect->name, "sqlite") == 0 && sqlite_in_memory(e->url))
		return QR_POOL_PER_THREAD;
	return QR_POOL_QUEUE;
}

static int copy_connect_args(qr_engine *e, const char *const *args)
{
	size_t n = 0;
	if (!args)
		return 0;
	while (args[n])
		n++;
	if (n % 2)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "connect_args must be key, value pairs "
				    "ending with NULL (got an odd count %zu)",
				    n);
	e->connect_args =
		qr_mem__calloc(n + 1, sizeof(char *), "connect arguments");
	if (!e->connect_args)
		return QR_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		e->connect_args[i] = qr_mem__strdup(args[i]);
		if (!e->connect_args[i])
			return QR_ENOMEM;
	}
	return 0;
}

/*
 * A static pool hands one connection to every checkout, from any thread
 * at once: the SQLite driver must then open it in serialized mode, which
 * it does when told check_same_thread=false (the pysqlite argument that
 * SQLAlchemy users pass with StaticPool). Added unless the caller gave
 * check_same_thread.
 */
static int share_sqlite_connection(qr_engine *e)
{
	const qr_engine_options *o = &e->opts;
	qr_pool_kind kind = o->pool_kind ? o->pool_kind : default_pool(e);
	size_t n = 0;

	if (o->pool_strategy || kind != QR_POOL_STATIC ||
	    strcmp(e->dialect->name, "sqlite") != 0 ||
	    qr_url_query_get(e->url, "check_same_thread"))
		return 0;
	while (e->connect_args && e->connect_args[n]) {
		if (n % 2 == 0 &&
		    strcmp(e->connect_args[n], "check_same_thread") == 0)
			return 0;
		n++;
	}
	char **args = qr_mem__realloc(e->connect_args, (n + 3) * sizeof(char *),
				      "connect arguments");
	if (!args)
		return QR_ENOMEM;
	e->connect_args = args;
	args[n] = qr_mem__strdup("check_same_thread");
	args[n + 1] = args[n] ? qr_mem__strdup("false") : NULL;
	args[n + 2] = NULL;
	if (!args[n + 1]) {
		free(args[n]);
		args[n] = NULL;
		return QR_ENOMEM;
	}
	return 0;
}

/* The flavour the server calls for, as SQLAlchemy's dialect.initialize()
 * sets what depends on the server: MariaDB 10.5+ behind a mysql:// URL
 * gets the mariadb flavour (its RETURNING), a mariadb:// URL on an older
 * MariaDB the mysql one. Every new connection gives the same
 * answer, so connections made at once in several threads store the same
 * pointer. */
static int pick_server_dialect(qr_engine *e, qr_driver_conn *dconn)
{
	const qr_dialect *cur = __atomic_load_n(&e->dialect, __ATOMIC_ACQUIRE);
	const qr_compiler_overrides *ov = cur->compiler;
	if (!ov || !ov->server_dialect || !e->driver->server_version)
		return 0;
	const char *want = ov->server_dialect(e->driver->server_version(dconn));
	if (!want || strcmp(want, cur->name) == 0)
		return 0;
	const qr_dialect *d;
	int rc = qr_dialect_find(&d, want);
	if (rc)
		return rc;
	__atomic_store_n(&e->dialect, d, __ATOMIC_RELEASE);
	return 0;
}

static int on_connect(void *userdata, qr_driver_conn *dconn)
{
	qr_engine *e = userdata;
	int rc = pick_server_dialect(e, dconn);
	if (rc)
		return rc;
	if (e->opts.isolation_level == QR_ISOLATION_DEFAULT)
		return 0;
	if (!e->driver->set_isolation)
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_NOT_SUPPORTED,
				    "driver %s+%s cannot set isolation levels",
				    e->dialect->name, e->driver->name);
	return e->driver->set_isolation(dconn, e->opts.isolation_level);
}

/* The pool configuration from the engine's options. */
static int pool_config(qr_pool_config *cfg, qr_engine *e)
{
	const qr_engine_options *o = &e->opts;
	const qr_pool_strategy *strategy = o->pool_strategy;
	if (!strategy) {
		qr_pool_kind kind =
			o->pool_kind ? o->pool_kind : default_pool(e);
		strategy = qr_pool_strategy_builtin(kind);
		if (!strategy)
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "unknown pool_kind %d", (int)kind);
	}
	int overflow = o->max_overflow ? o->max_overflow : 10;
	if (overflow == QR_POOL_NO_OVERFLOW)
		overflow = 0;
	else if (overflow < -1)
		overflow = -1;
	*cfg = (qr_pool_config){
		.driver = e->driver,
		.url = e->url,
		.connect_args = o->connect_args,
		.log_fn = o->log_fn,
		.log_userdata = o->log_userdata,
		.strategy = strategy,
		.settings =
			{
				.size = o->pool_size > 0 ? o->pool_size : 5,
				.max_overflow = overflow,
				.timeout = o->pool_timeout > 0 ? o->pool_timeout
							       : 30.0,
				.use_lifo = o->pool_use_lifo,
			},
		.recycle = o->pool_recycle > 0 ? o->pool_recycle : 0,
		.pre_ping = o->pool_pre_ping,
		.on_connect = on_connect,
		.on_connect_userdata = e,
	};
	return 0;
}

int qr_engine_create_url(qr_engine **out, const qr_url *url,
			 const qr_engine_options *opts)
{
	if (!out || !url)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_engine_create: %s is NULL",
				    out ? "url" : "out");
	*out = NULL;
	qr_engine *e = qr_mem__calloc(1, sizeof(*e), "engine");
	if (!e)
		return QR_ENOMEM;
	pthread_mutex_init(&e->exec_lock, NULL);
	if (opts)
		e->opts = *opts;
	if (e->opts.echo)
		qr_compiled__stamp_times();
	int rc = qr_url_copy(&e->url, url);
	if (!rc)
		rc = qr_url_render(&e->url_display, e->url, true);
	if (!rc)
		rc = qr_dialect_find(&e->dialect, qr_url_dialect(e->url));
	if (!rc)
		rc = qr_driver_find(&e->driver, e->dialect->name,
				    qr_url_driver(e->url));
	if (!rc)
		rc = copy_connect_args(e, opts ? opts->connect_args : NULL);
	if (!rc)
		rc = share_sqlite_connection(e);
	if (rc) {
		qr_engine_free(e);
		return rc;
	}
	e->opts.connect_args = (const char *const *)e->connect_args;

	qr_pool_config cfg;
	rc = pool_config(&cfg, e);
	if (rc) {
		qr_engine_free(e);
		return rc;
	}
	rc = qr_pool__new(&e->pool, &cfg);
	if (rc) {
		qr_engine_free(e);
		return rc;
	}
	*out = e;
	return 0;
}

int qr_engine_create(qr_engine **out, const char *url,
		     const qr_engine_options *opts)
{
	qr_url *parsed;
	if (!out || !url)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_engine_create: %s is NULL",
				    out ? "url" : "out");
	*out = NULL;
	int rc = qr_url_parse(&parsed, url);
	if (rc)
		return rc;
	rc = qr_engine_create_url(out, parsed, opts);
	qr_url_free(parsed);
	return rc;
}

void qr_engine_free(qr_engine *e)
{
	if (!e)
		return;
	qr_pool__free(e->pool);
	qr_engine__exec_listeners_free(e);
	pthread_mutex_destroy(&e->exec_lock);
	if (e->connect_args) {
		for (size_t i = 0; e->connect_args[i]; i++)
			free(e->connect_args[i]);
		free(e->connect_args);
	}
	qr_url_free(e->url);
	free(e->url_display);
	free(e);
}

void qr_engine_dispose(qr_engine *e)
{
	if (e)
		qr_pool__dispose(e->pool);
}

const qr_url *qr_engine_url(const qr_engine *e)
{
	return e ? e->url : NULL;
}

const char *qr_engine_dialect_name(const qr_engine *e)
{
	return e ? __atomic_load_n(&e->dialect, __ATOMIC_ACQUIRE)->name : NULL;
}

const char *qr_engine_driver_name(const qr_engine *e)
{
	return e ? e->driver->name : NULL;
}

bool qr_engine_echo(const qr_engine *e)
{
	return e && e->opts.echo;
}

static const char *level_name(qr_log_level level)
{
	switch (level) {
	case QR_LOG_DEBUG:
		return "DEBUG";
	case QR_LOG_INFO:
		return "INFO";
	case QR_LOG_WARNING:
		return "WARNING";
	default:
		return "ERROR";
	}
}

static void vlog(const qr_engine *e, qr_log_level level, const char *fmt,
		 va_list ap)
{
	char stackbuf[1024];
	char *msg = stackbuf;
	va_list ap2;

	va_copy(ap2, ap);
	int n = vsnprintf(stackbuf, sizeof(stackbuf), fmt, ap);
	if (n >= (int)sizeof(stackbuf)) {
		msg = malloc((size_t)n + 1);
		if (msg)
			vsnprintf(msg, (size_t)n + 1, fmt, ap2);
		else
			msg = stackbuf; /* truncated rather than lost */
	}
	va_end(ap2);
	if (e && e->opts.log_fn) {
		e->opts.log_fn(e->opts.log_userdata, level, msg);
	} else {
		/* SQLAlchemy's echo: Python logging's format, on stdout. */
		struct timeval tv;
		struct tm tm;
		char when[32];
		gettimeofday(&tv, NULL);
		localtime_r(&tv.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stdout, "%s,%03d %s quarry.engine.Engine %s\n", when,
			(int)(tv.tv_usec / 1000), level_name(level), msg);
		fflush(stdout);
	}
	if (msg != stackbuf)
		free(msg);
}

void qr_engine_log(const qr_engine *e, qr_log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(e, level, fmt, ap);
	va_end(ap);
}

void qr_engine__echo(const qr_engine *e, const char *fmt, ...)
{
	va_list ap;
	if (!e || !e->opts.echo)
		return;
	va_start(ap, fmt);
	vlog(e, QR_LOG_INFO, fmt, ap);
	va_end(ap);
}
