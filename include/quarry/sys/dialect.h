/*
 * quarry/sys/dialect.h - the plugin API for dialects (SQL flavours) and
 * the registry that finds dialects and drivers by URL name.
 *
 * A dialect is pure C with no driver dependency: parameter style,
 * identifier quoting, feature flags and the compiler's per-dialect
 * overrides. It is a versioned, append-only struct; once registered it
 * must stay valid and unchanged for the life of the process.
 *
 * Modules: a dialect and its drivers are registered together as a
 * qr_module. Modules built into libquarry are registered on first use; a
 * module built as a shared object is found at run time by its URL name:
 * "quarry-<dialect>.so" in each folder of $QUARRY_PLUGIN_PATH (':'
 * separated), then in the install's plugin folder; it exports
 *   const qr_module *quarry_module(void);
 * Third parties may also call qr_register_module() directly.
 */
#ifndef QUARRY_SYS_DIALECT_H
#define QUARRY_SYS_DIALECT_H

#include "driver.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qr_paramstyle {
	QR_PARAMSTYLE_QMARK = 0, /* ?       sqlite3 */
	QR_PARAMSTYLE_NUMERIC,   /* $1, $2  libpq */
	QR_PARAMSTYLE_FORMAT     /* %s      */
} qr_paramstyle;

/* Feature flags of a dialect. */
enum {
	QR_FEATURE_SAVEPOINT = 1u << 0,
	QR_FEATURE_RETURNING = 1u << 1,    /* INSERT/UPDATE/DELETE */
	QR_FEATURE_MULTI_VALUES = 1u << 2, /* INSERT ... VALUES (..),(..) */
	QR_FEATURE_ILIKE = 1u << 3,
	QR_FEATURE_FULL_JOIN = 1u << 4,
	QR_FEATURE_NATIVE_BOOLEAN = 1u << 5,
	QR_FEATURE_NATIVE_ENUM = 1u << 6,
	QR_FEATURE_SEQUENCES = 1u << 7,
	QR_FEATURE_INTERSECT_EXCEPT = 1u << 8,
	QR_FEATURE_WINDOW = 1u << 9,
	QR_FEATURE_CTE = 1u << 10,
	QR_FEATURE_FOR_UPDATE = 1u << 11,
	QR_FEATURE_DISTINCT_ON = 1u << 12,
	QR_FEATURE_UPDATE_FROM = 1u << 13, /* multi-table UPDATE */
	QR_FEATURE_TRANSACTIONAL_DDL = 1u << 14,
	/* RETURNING on INSERT / on DELETE only (MariaDB 10.5+, which has no
	 * UPDATE .. RETURNING); QR_FEATURE_RETURNING implies both. */
	QR_FEATURE_INSERT_RETURNING = 1u << 15,
	QR_FEATURE_DELETE_RETURNING = 1u << 16,
	QR_FEATURE_LATERAL = 1u << 17, /* LATERAL subqueries in FROM */
	/* (VALUES ..) AS name (columns) in FROM */
	QR_FEATURE_VALUES_FROM = 1u << 18
};

typedef struct qr_dialect qr_dialect;
struct qr_reflector; /* quarry/sys/reflect.h */

struct qr_dialect {
	int api_version;            /* QR_PLUGIN_API_VERSION */
	const char *name;           /* "postgresql" */
	const char *default_driver; /* "libpq" */
	qr_paramstyle paramstyle;
	char identifier_quote; /* '"' or '`' */
	unsigned features;     /* QR_FEATURE_* */
	/* Reserved words that must be quoted as identifiers: a sorted
	 * array of lower-case words. */
	const char *const *reserved_words;
	size_t reserved_word_count;
	/* Schema reflection queries (quarry/sys/reflect.h); NULL: none. */
	const struct qr_reflector *reflector;
	/* Fields appended by later API versions go below; never reorder. */

	/* The SQL compiler's overrides for this dialect (private to the
	 * built-in dialects: core/sql/compiler.h); NULL: the default
	 * compiler, which renders SQLAlchemy's generic SQL. */
	const struct qr_compiler_overrides *compiler;
};

typedef struct qr_module {
	int api_version;                 /* QR_PLUGIN_API_VERSION */
	const qr_dialect *dialect;       /* may be NULL: drivers only */
	const qr_driver *const *drivers; /* NULL-terminated; may be NULL */
} qr_module;

/* The symbol a loadable module exports. */
typedef const qr_module *(*qr_module_entry_fn)(void);
#define QR_MODULE_ENTRY "quarry_module"

/*
 * Registers a module's dialect and drivers. A name registered twice keeps
 * the first registration. Thread-safe. Errors: QR_EINVAL (NULL, or an
 * api_version newer than this library knows), QR_ENOMEM.
 */
QR_API int qr_register_module(const qr_module *module);
QR_API int qr_register_dialect(const qr_dialect *dialect);
QR_API int qr_register_driver(const qr_driver *driver);

/*
 * Finds a dialect by name ("postgresql" or "postgresql+libpq": the
 * driver part is ignored), loading a module if needed. Borrowed.
 * Errors: QR_ENODIALECT (message lists where it looked).
 */
QR_API int qr_dialect_find(const qr_dialect **out, const char *name);

/*
 * Finds the driver for dialect and driver name (NULL: the dialect's
 * default driver), loading a module if needed. Borrowed.
 * Errors: QR_ENODIALECT.
 */
QR_API int qr_driver_find(const qr_driver **out, const char *dialect,
			  const char *driver);

/* Whether word must be quoted as an identifier in this dialect: a
 * reserved word, upper-case letters, or characters other than
 * [a-z0-9_$] / a leading digit. */
QR_API bool qr_dialect_needs_quote(const qr_dialect *dialect, const char *word);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_SYS_DIALECT_H */
