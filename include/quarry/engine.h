/*
 * quarry/engine.h - engines: a dialect, a driver and a pool behind a URL.
 *
 * An engine is created from a URL and options and connects lazily: the
 * first connection is opened at the first qr_engine_connect(). Engines are
 * thread-safe; the connections they hand out belong to one thread at a
 * time. An engine is the caller's and is released with qr_engine_free()
 * after every connection it handed out has been freed.
 */
#ifndef QUARRY_ENGINE_H
#define QUARRY_ENGINE_H

#include "url.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_engine qr_engine;
typedef struct qr_conn qr_conn;
struct qr_pool_strategy; /* quarry/sys/pool.h */

typedef enum qr_isolation {
	QR_ISOLATION_DEFAULT = 0, /* whatever the database uses */
	QR_ISOLATION_READ_UNCOMMITTED,
	QR_ISOLATION_READ_COMMITTED,
	QR_ISOLATION_REPEATABLE_READ,
	QR_ISOLATION_SERIALIZABLE,
	QR_ISOLATION_AUTOCOMMIT /* each statement commits by itself */
} qr_isolation;

typedef enum qr_log_level {
	QR_LOG_DEBUG = 10,
	QR_LOG_INFO = 20,
	QR_LOG_WARNING = 30,
	QR_LOG_ERROR = 40
} qr_log_level;

/*
 * A log sink. message is one line without a trailing newline, borrowed for
 * the call. Called from whichever thread logs; it must be thread-safe if
 * the engine is shared between threads.
 */
typedef void (*qr_log_fn)(void *userdata, qr_log_level level,
			  const char *message);

typedef enum qr_pool_kind {
	QR_POOL_DEFAULT = 0, /* chosen per URL as SQLAlchemy 2.0 does */
	QR_POOL_QUEUE,       /* a bounded set of reused connections */
	QR_POOL_NULL,        /* a new connection at every checkout */
	QR_POOL_STATIC,      /* one connection shared by every checkout */
	QR_POOL_PER_THREAD   /* one connection per thread */
} qr_pool_kind;

typedef enum qr_reset_on_return {
	QR_RESET_ROLLBACK = 0, /* default */
	QR_RESET_NONE
} qr_reset_on_return;

/*
 * Engine options. Zero means "the default" for every field, so a compound
 * literal with only what matters is enough:
 *   qr_engine_create(&e, url, &(qr_engine_options){.echo = true});
 */
typedef struct qr_engine_options {
	bool echo;        /* log statements and parameters (INFO) */
	qr_log_fn log_fn; /* sink; NULL writes to stderr */
	void *log_userdata;
	qr_isolation isolation_level;
	/* Extra driver arguments as NULL-terminated key, value pairs; they
	 * override the URL's query parameters of the same name. */
	const char *const *connect_args;
	/* Pool settings (SQLAlchemy's create_engine pool arguments). */
	qr_pool_kind pool_kind;
	int pool_size;       /* default 5 */
	int max_overflow;    /* default 10; -1: no limit;
				QR_POOL_NO_OVERFLOW: none at all */
	double pool_timeout; /* seconds to wait at checkout; default 30 */
	double pool_recycle; /* max connection age in s; 0 = never */
	bool pool_pre_ping;  /* ping at checkout, reconnect once */
	bool pool_use_lifo;  /* reuse the most recently returned first */
	qr_reset_on_return pool_reset_on_return;
	/* A custom pool strategy (quarry/sys/pool.h), borrowed for the
	 * engine's life; it overrides pool_kind. NULL: pool_kind. */
	const struct qr_pool_strategy *pool_strategy;
} qr_engine_options;

#define QR_ENGINE_OPTIONS_INIT \
	{                      \
		0              \
	}

/* max_overflow value for a pool that never exceeds pool_size (0 already
 * means "the default, 10"). */
#define QR_POOL_NO_OVERFLOW (-2)

/*
 * Creates an engine for url (text) into *out (the caller's). opts may be
 * NULL for defaults. Nothing connects yet. Errors: QR_EINVAL, QR_EURL,
 * QR_ENODIALECT (no dialect or driver of that name, built in or loadable),
 * QR_ENOMEM.
 */
QR_API int qr_engine_create(qr_engine **out, const char *url,
			    const qr_engine_options *opts);

/* The same from a URL object, which is copied. */
QR_API int qr_engine_create_url(qr_engine **out, const qr_url *url,
				const qr_engine_options *opts);

/* Closes every pooled connection and releases the engine. Accepts NULL. */
QR_API void qr_engine_free(qr_engine *engine);

/* Closes the pool's idle connections; the engine stays usable. */
QR_API void qr_engine_dispose(qr_engine *engine);

/* The engine's URL, borrowed. */
QR_API const qr_url *qr_engine_url(const qr_engine *engine);

/* "sqlite", "postgresql", "mysql"; and the driver's name. Static. */
QR_API const char *qr_engine_dialect_name(const qr_engine *engine);
QR_API const char *qr_engine_driver_name(const qr_engine *engine);

/*
 * Checks a connection out of the engine's pool, connecting if needed.
 * *out is the caller's; qr_conn_free() returns it to the pool (rolling
 * back an open transaction). Errors: QR_EDB / QR_EDISCONNECT (cannot
 * connect: class OPERATIONAL), QR_ETIMEOUT (pool exhausted: the message
 * names size, overflow and timeout and lists the current holders by
 * source location; see quarry/pool.h), QR_ENOMEM.
 *
 * qr_engine_connect() is also a macro that records the caller's __FILE__,
 * __LINE__ and __func__ through qr_engine_connect_at(), for the pool's
 * list of holders; define QR_NO_CONNECT_LOCATION before including quarry
 * to call the plain function.
 */
QR_API int qr_engine_connect(qr_conn **out, qr_engine *engine);

/*
 * qr_engine_connect() recording where the checkout happens. file and func
 * must stay valid while the connection is out (string literals such as
 * __FILE__ and __func__); either may be NULL.
 */
QR_API int qr_engine_connect_at(qr_conn **out, qr_engine *engine,
				const char *file, int line, const char *func);

#ifndef QR_NO_CONNECT_LOCATION
#define qr_engine_connect(out, engine) \
	qr_engine_connect_at((out), (engine), __FILE__, __LINE__, __func__)
#endif

/*
 * Logs a line through the engine's sink at level (used by the engine
 * itself for echo; available to plugins and the ORM).
 */
QR_API void qr_engine_log(const qr_engine *engine, qr_log_level level,
			  const char *fmt, ...) QR_PRINTF(3, 4);

/* True when echo is on. */
QR_API bool qr_engine_echo(const qr_engine *engine);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_ENGINE_H */
