/*
 * bench.h - the benchmark harness: suites of variants timed in one process.
 *
 * A suite (bulk_inserts, large_resultsets, ...) is a list of variants that
 * do the same work in different ways: by hand with the C client library
 * ("raw"), with quarry's Core, with the ORM. The harness runs the suite's
 * variants round-robin, runs times over (so every variant sees the same
 * machine noise), and reports per variant the median time, rows per
 * second, the ratio to its reference variant (the raw C code) and the
 * peak resident memory while it ran.
 *
 * The table also shows the ratio of the process's CPU time (the client's
 * only: a server's work is not in it), steadier than wall-clock time on
 * a busy machine for in-process SQLite.
 *
 * Memory: before each timed run the harness returns free heap to the
 * system (malloc_trim), resets the kernel's high-water mark (writing "5"
 * to /proc/self/clear_refs) and notes VmRSS; after it, it reads VmHWM.
 * peak_rss_kb is VmHWM (the whole process); the table also shows the
 * growth over the RSS the run started with.
 *
 * Output: a readable table on stdout, and CSV rows
 *   suite,test,backend,n,seconds,rows_per_s,ratio_to_raw,peak_rss_kb
 * appended to the file given with --csv.
 */
#ifndef QUARRY_BENCH_H
#define QUARRY_BENCH_H

#include <quarry.h>

#include <stdarg.h>
#include <stdio.h>

/* Variant and hook return values besides 0 and negative errors. */
#define BENCH_SKIP 1 /* not applicable to this backend: left out */

typedef enum bench_backend {
	BENCH_SQLITE,
	BENCH_POSTGRESQL,
	BENCH_MYSQL
} bench_backend;

struct raw_conn;
struct raw_driver;
typedef struct bench_ctx bench_ctx;

typedef struct bench_variant {
	const char *name; /* "raw", "core_executemany", ... */
	/* The variant whose median is the denominator of ratio_to_raw:
	 * NULL means "raw"; "" means none (a reference itself). */
	const char *ref;
	/* Untimed, before each run (NULL: nothing). BENCH_SKIP leaves the
	 * variant out for this backend. */
	int (*setup)(bench_ctx *ctx);
	/* The timed work over ctx->n rows (or operations). Returns 0, or a
	 * negative error after printing what failed. */
	int (*run)(bench_ctx *ctx);
	/* Untimed, after each run (NULL: nothing). */
	int (*teardown)(bench_ctx *ctx);
} bench_variant;

typedef struct bench_suite {
	const char *name;
	const char *summary;
	size_t default_n; /* rows or operations at scale 1 */
	const char *unit; /* "rows" (default) or "ops" */
	/* Once before the runs (creating and filling tables) and once
	 * after; either may be NULL. prepare may return BENCH_SKIP. */
	int (*prepare)(bench_ctx *ctx);
	void (*finish)(bench_ctx *ctx);
	/* The URL the suite runs on instead of url, written into buf
	 * (returns true), or false to use url (NULL: always url). */
	bool (*url_for)(char *buf, size_t cap, const char *url);
	const bench_variant *variants;
	size_t nvariants;
} bench_suite;

struct bench_ctx {
	const char *url; /* as given */
	qr_url *parsed;  /* parsed url */
	bench_backend backend;
	const char *backend_name; /* "sqlite", "postgresql", "mysql" */
	bool memory_db;           /* SQLite in memory: raw and quarry each
				     have their own database */
	qr_engine *engine;        /* the URL's engine, default options */
	qr_conn *conn;            /* a connection from it, kept open */
	const struct raw_driver *raw_driver;
	struct raw_conn *raw; /* the hand-written side's connection */
	size_t n;             /* rows for this suite (scaled) */
	double scale;
	const bench_suite *suite;
	void *state; /* the suite's own data */
	bool verbose;
	int run_index; /* which run is going on (0-based; -1 warm) */
	struct qr_sessionmaker *sessionmaker; /* bench_model.h */
	/* Time a run left out of its measure (bench_pause/bench_resume):
	 * wall-clock and CPU seconds, and when the pause began (< 0: not
	 * paused). Reset by the harness before each run. */
	double paused_secs, paused_cpu, pause_t0, pause_c0;
};

/* ---- used by suites --------------------------------------------------- */

/* Prints a failure of a quarry call (with qr_error_last()) and returns rc
 * (or -1 when rc is 0). */
int bench_qr_fail(int rc, const char *what);

/* Prints a failure and returns -1. */
int bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Checks a quarry return code: on failure prints it and returns it from
 * the calling function. */
#define BENCH_QR(call)                                          \
	do {                                                    \
		int bench_rc_ = (call);                         \
		if (bench_rc_ < 0)                              \
			return bench_qr_fail(bench_rc_, #call); \
	} while (0)

/* Monotonic seconds. */
double bench_now(void);

/* Leaves the work between bench_pause() and bench_resume() out of the
 * run's time (preparing a batch of inputs inside a timed loop). The
 * calls cost about two clock reads each; unbalanced calls are ignored. */
void bench_pause(bench_ctx *ctx);
void bench_resume(bench_ctx *ctx);

/* Scales a size with the context's factor (at least 1). */
size_t bench_scaled(const bench_ctx *ctx, size_t n);

/* The customer table's name. */
#define BENCH_TABLE "bench_customer"

/* Writes "customer name N" / "customer description N" into buf; returns
 * the length. */
int bench_name(char *buf, size_t cap, size_t i);
int bench_description(char *buf, size_t cap, size_t i);

/* CREATE TABLE for the backend (id autoincrement primary key, name and
 * description VARCHAR(255)); static. */
const char *bench_create_sql(bench_backend backend);

/*
 * (Re)creates the customer table, empty, where the variants will see it:
 * through the raw connection, and through quarry's too when the two do not
 * share a database (SQLite in memory). Ends both sides' transactions.
 */
int bench_table_reset(bench_ctx *ctx);

/* Fills the empty customer table with rows 1..n (ids given) on both sides
 * as above, committed. */
int bench_table_fill(bench_ctx *ctx, size_t n);

/* Ends any transaction quarry's connection has open (commits). */
int bench_qr_end(bench_ctx *ctx);

/* A second engine on the context's URL with extra driver arguments
 * (NULL-terminated key, value pairs); the caller frees it. */
int bench_engine_with(qr_engine **out, bench_ctx *ctx,
		      const char *const *connect_args);

/* Everything built into the program. */
extern const bench_suite bench_suite_bulk_inserts;
extern const bench_suite bench_suite_bulk_updates;
extern const bench_suite bench_suite_large_resultsets;
extern const bench_suite bench_suite_streaming;
extern const bench_suite bench_suite_short_selects;
extern const bench_suite bench_suite_single_inserts;
extern const bench_suite bench_suite_micro;

/* ---- used by the program's main -------------------------------------- */

typedef struct bench_options {
	double scale;     /* default 1 */
	int runs;         /* timed runs per variant, default 5 */
	int warmup;       /* untimed runs first, default 1 */
	const char *csv;  /* file the CSV rows are appended to, or NULL */
	const char *only; /* comma-separated variant names, or NULL */
	bool verbose;
} bench_options;

/* Runs one suite against url; prints its table. 0, or -1 when anything
 * failed (the other variants still ran). */
int bench_run_suite(const bench_suite *suite, const char *url,
		    const bench_options *opts);

#endif
