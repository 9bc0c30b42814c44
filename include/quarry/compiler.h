/*
 * quarry/compiler.h - more about compiled statements: a debug rendering
 * with the values inlined, what a compiled statement is, and the
 * compiled cache.
 *
 * qr_compile() (quarry/statement.h) caches compiled forms by statement
 * structure, bound values excluded, per dialect, as SQLAlchemy 1.4+
 * does: building the same statement again with other values reuses the
 * SQL text. The cache is a bounded LRU shared by the process and safe to
 * use from any thread.
 */
#ifndef QUARRY_COMPILER_H
#define QUARRY_COMPILER_H

#include "statement.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The SQL of c with each parameter replaced by its value, quoted as a
 * literal of the dialect ('it''s', X'00ff', true / 1, NULL, ...): for
 * logs and debugging (SQLAlchemy's literal_binds). *out is the caller's
 * (qr_free). Errors: QR_EPARAM (a parameter without a value; the message
 * names it), QR_ENOTSUP (a statement compiled from text() with qmark
 * parameters inside string literals cannot be told apart), QR_ENOMEM.
 */
QR_API int qr_compiled_render_literal(char **out, const qr_compiled *c);

/* Compiles stmt and renders it with literals in one call. */
QR_API int qr_compile_literal(char **out, const qr_stmt *stmt,
			      const char *dialect);

/* What the statement is: it returns rows (SELECT, RETURNING), it is DDL,
 * it is INSERT/UPDATE/DELETE. */
QR_API bool qr_compiled_returns_rows(const qr_compiled *c);
QR_API bool qr_compiled_is_ddl(const qr_compiled *c);
QR_API bool qr_compiled_is_dml(const qr_compiled *c);

typedef struct qr_compile_cache_stats {
	uint64_t hits, misses;
	size_t size, capacity;
} qr_compile_cache_stats;

QR_API void qr_compile_cache_stats_get(qr_compile_cache_stats *out);

/* Sets the number of compiled forms kept (default 500, SQLAlchemy's);
 * 0 disables the cache. Evicts down to the new size. */
QR_API void qr_compile_cache_set_capacity(size_t n);

/* Empties the cache and resets the counters. */
QR_API void qr_compile_cache_clear(void);

/*
 * Hands back to the allocator the freed expression nodes the calling
 * thread keeps for its next statements (at most 64, about 13 KiB). A
 * thread's are released when it ends; call this for the main thread
 * before checking that every allocation was freed, or after a burst of
 * statement building. Never needed for correctness.
 */
QR_API void qr_thread_cache_release(void);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_COMPILER_H */
