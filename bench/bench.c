/*
 * bench.c - the benchmark harness (see bench.h): contexts, the round-robin
 * runner, medians, peak memory per variant, the table and the CSV.
 */
#include "bench.h"

#include "bench_model.h"
#include "raw.h"

#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- small helpers ---------------------------------------------------- */

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds this process used (all threads). */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_pause(bench_ctx *ctx)
{
	if (ctx->pause_t0 >= 0)
		return;
	ctx->pause_c0 = cpu_now();
	ctx->pause_t0 = bench_now();
}

void bench_resume(bench_ctx *ctx)
{
	if (ctx->pause_t0 < 0)
		return;
	ctx->paused_secs += bench_now() - ctx->pause_t0;
	ctx->paused_cpu += cpu_now() - ctx->pause_c0;
	ctx->pause_t0 = -1;
}

size_t bench_scaled(const bench_ctx *ctx, size_t n)
{
	double v = (double)n * ctx->scale;
	return v < 1 ? 1 : (size_t)llround(v);
}

int bench_qr_fail(int rc, const char *what)
{
	const qr_error *e = qr_error_last();
	fprintf(stderr, "bench: %s failed (%d %s): %s%s%s\n", what, rc,
		qr_strerror(rc), e->message, e->statement[0] ? " -- " : "",
		e->statement);
	return rc < 0 ? rc : -1;
}

int bench_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* Formats "<prefix> N" without printf's parsing: these run once per row
 * inside the timed loops of every variant, raw ones included. */
static int format_numbered(char *buf, size_t cap, const char *prefix,
			   size_t plen, size_t i)
{
	char digits[24];
	int nd = 0;
	do {
		digits[nd++] = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	if (plen + (size_t)nd + 1 > cap)
		return -1;
	memcpy(buf, prefix, plen);
	for (int k = 0; k < nd; k++)
		buf[plen + (size_t)k] = digits[nd - 1 - k];
	buf[plen + (size_t)nd] = '\0';
	return (int)plen + nd;
}

int bench_name(char *buf, size_t cap, size_t i)
{
	return format_numbered(buf, cap, "customer name ", 14, i);
}

int bench_description(char *buf, size_t cap, size_t i)
{
	return format_numbered(buf, cap, "customer description ", 21, i);
}

const char *bench_create_sql(bench_backend backend)
{
	switch (backend) {
	case BENCH_POSTGRESQL:
		return "CREATE TABLE " BENCH_TABLE " (id SERIAL NOT NULL, "
		       "name VARCHAR(255), description VARCHAR(255), "
		       "PRIMARY KEY (id))";
	case BENCH_MYSQL:
		return "CREATE TABLE " BENCH_TABLE " (id INTEGER NOT NULL "
		       "AUTO_INCREMENT, name VARCHAR(255), description "
		       "VARCHAR(255), PRIMARY KEY (id)) ENGINE=InnoDB";
	case BENCH_SQLITE:
	default:
		return "CREATE TABLE " BENCH_TABLE " (id INTEGER NOT NULL, "
		       "name VARCHAR(255), description VARCHAR(255), "
		       "PRIMARY KEY (id))";
	}
}

int bench_qr_end(bench_ctx *ctx)
{
	BENCH_QR(qr_conn_commit(ctx->conn));
	return 0;
}

int bench_table_reset(bench_ctx *ctx)
{
	/* quarry's side must hold no lock on the table first. */
	if (bench_qr_end(ctx))
		return -1;
	if (ctx->raw_driver->exec(ctx->raw,
				  "DROP TABLE IF EXISTS " BENCH_TABLE) ||
	    ctx->raw_driver->exec(ctx->raw, bench_create_sql(ctx->backend)))
		return -1;
	if (ctx->memory_db) {
		BENCH_QR(qr_conn_execute_text(
			NULL, ctx->conn, "DROP TABLE IF EXISTS " BENCH_TABLE,
			NULL));
		BENCH_QR(qr_conn_execute_text(
			NULL, ctx->conn, bench_create_sql(ctx->backend), NULL));
		return bench_qr_end(ctx);
	}
	return 0;
}

int bench_table_fill(bench_ctx *ctx, size_t n)
{
	if (ctx->raw_driver->insert_bulk(ctx->raw, 1, n, true))
		return -1;
	if (ctx->backend == BENCH_POSTGRESQL &&
	    ctx->raw_driver->exec(
		    ctx->raw,
		    "SELECT setval(pg_get_serial_sequence('" BENCH_TABLE
		    "', 'id'), (SELECT max(id) FROM " BENCH_TABLE "))"))
		return -1;
	if (!ctx->memory_db)
		return 0;
	qr_params *p = qr_params_new();
	char buf[64];
	int rc = 0;
	for (size_t i = 1; i <= n && rc == 0; i++) {
		if (i > 1)
			rc = qr_params_next_row(p);
		if (rc == 0)
			rc = qr_params_int(p, "id", (int64_t)i);
		bench_name(buf, sizeof(buf), i);
		if (rc == 0)
			rc = qr_params_text(p, "name", buf);
		bench_description(buf, sizeof(buf), i);
		if (rc == 0)
			rc = qr_params_text(p, "description", buf);
	}
	if (rc == 0)
		rc = qr_conn_execute_text(NULL, ctx->conn,
					  "INSERT INTO " BENCH_TABLE
					  " (id, name, description) "
					  "VALUES (:id, :name, :description)",
					  p);
	qr_params_free(p);
	if (rc)
		return bench_qr_fail(rc, "filling the table");
	return bench_qr_end(ctx);
}

int bench_engine_with(qr_engine **out, bench_ctx *ctx,
		      const char *const *connect_args)
{
	qr_engine_options o = QR_ENGINE_OPTIONS_INIT;
	o.connect_args = connect_args;
	BENCH_QR(qr_engine_create(out, ctx->url, &o));
	return 0;
}

/* ---- memory ----------------------------------------------------------- */

/* A "Vm...:  N kB" line of /proc/self/status, in kB; -1 if unknown. */
static long proc_status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Resets the high-water mark to the current RSS; false if the kernel
 * does not let us. */
static bool hwm_reset(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (!f)
		return false;
	bool ok = fputs("5", f) >= 0;
	if (fclose(f) != 0)
		ok = false;
	return ok;
}

/* ---- results ---------------------------------------------------------- */

typedef struct variant_result {
	const bench_variant *v;
	double *secs; /* per timed run: wall-clock */
	double *cpu;  /* per timed run: this process's CPU time */
	long *hwm_kb, *start_kb;
	int nruns;
	bool skipped, failed;
	double median, cpu_median;
	long peak_kb, growth_kb;
} variant_result;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median_of(const double *v, int n)
{
	double *s = malloc((size_t)n * sizeof(*s));
	if (!s || n == 0) {
		free(s);
		return NAN;
	}
	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	double m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

static variant_result *find_result(variant_result *res, size_t n,
				   const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(res[i].v->name, name) == 0)
			return &res[i];
	}
	return NULL;
}

static const char *ref_name(const bench_variant *v)
{
	return v->ref ? v->ref : "raw";
}

/* The reference result of r, or NULL when it has none or it is itself a
 * reference. */
static variant_result *ref_of(variant_result *res, size_t n,
			      const variant_result *r)
{
	const char *name = ref_name(r->v);
	if (!*name || strcmp(name, r->v->name) == 0)
		return NULL;
	variant_result *ref = find_result(res, n, name);
	if (!ref || ref->skipped || ref->failed) {
		/* A reference left out on this backend (it would equal
		 * "raw" there): compare with "raw". */
		ref = find_result(res, n, "raw");
		if (ref == r)
			return NULL;
	}
	return ref && !ref->skipped && !ref->failed ? ref : NULL;
}

static bool selected(const char *only, const char *name)
{
	if (!only)
		return true;
	size_t len = strlen(name);
	for (const char *p = only; *p;) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);
		if (l == len && strncmp(p, name, len) == 0)
			return true;
		if (!end)
			break;
		p = end + 1;
	}
	return false;
}

static void print_table(const bench_ctx *ctx, variant_result *res, size_t n,
			int runs, bool hwm_ok)
{
	const char *unit = ctx->suite->unit ? ctx->suite->unit : "rows";
	printf("\n== %s on %s: %zu %s, median of %d run%s ==\n",
	       ctx->suite->name, ctx->backend_name, ctx->n, unit, runs,
	       runs == 1 ? "" : "s");
	printf("%-24s %9s %11s %6s %-13s %6s %8s %7s %6s\n", "test", "seconds",
	       strcmp(unit, "ops") == 0 ? "ns/op" : "rows/s", "x ref", " ref",
	       "cpu x", "peak MiB", "+MiB", "spread");
	for (size_t i = 0; i < n; i++) {
		variant_result *r = &res[i];
		if (r->skipped)
			continue;
		if (r->failed) {
			printf("%-28s FAILED\n", r->v->name);
			continue;
		}
		variant_result *ref = ref_of(res, n, r);
		double lo = r->secs[0], hi = r->secs[0];
		for (int k = 1; k < r->nruns; k++) {
			lo = fmin(lo, r->secs[k]);
			hi = fmax(hi, r->secs[k]);
		}
		double rate = strcmp(unit, "ops") == 0
				      ? r->median * 1e9 / (double)ctx->n
				      : (double)ctx->n / r->median;
		char ratio[16] = "-", cpu_ratio[16] = "-";
		if (ref) {
			snprintf(ratio, sizeof(ratio), "%.2f",
				 r->median / ref->median);
			snprintf(cpu_ratio, sizeof(cpu_ratio), "%.2f",
				 r->cpu_median / ref->cpu_median);
		} else if (!*ref_name(r->v) ||
			   strcmp(ref_name(r->v), r->v->name) == 0) {
			snprintf(ratio, sizeof(ratio), "1.00");
			snprintf(cpu_ratio, sizeof(cpu_ratio), "1.00");
		}
		printf("%-24s %9.4f %11.0f %6s %-13s %6s %8.1f %7.1f %5.0f%%\n",
		       r->v->name, r->median, rate, ratio,
		       ref ? ref->v->name : " -", cpu_ratio,
		       (double)r->peak_kb / 1024, (double)r->growth_kb / 1024,
		       r->median > 0 ? (hi - lo) / r->median * 100 : 0);
	}
	if (!hwm_ok)
		printf("(peak memory is the process's peak so far: "
		       "/proc/self/clear_refs is not writable)\n");
	fflush(stdout);
}

static int write_csv(const bench_ctx *ctx, const char *path,
		     variant_result *res, size_t n)
{
	FILE *f = fopen(path, "a");
	if (!f)
		return bench_fail("cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	if (ftell(f) == 0)
		fputs("suite,test,backend,n,seconds,rows_per_s,ratio_to_raw,"
		      "peak_rss_kb\n",
		      f);
	for (size_t i = 0; i < n; i++) {
		variant_result *r = &res[i];
		if (r->skipped || r->failed)
			continue;
		variant_result *ref = ref_of(res, n, r);
		double ratio = ref ? r->median / ref->median : 1.0;
		fprintf(f, "%s,%s,%s,%zu,%.6f,%.1f,%.4f,%ld\n",
			ctx->suite->name, r->v->name, ctx->backend_name, ctx->n,
			r->median, (double)ctx->n / r->median, ratio,
			r->peak_kb);
	}
	if (fclose(f) != 0)
		return bench_fail("writing %s: %s", path, strerror(errno));
	return 0;
}

/* ---- the context -------------------------------------------------------- */

static int ctx_open(bench_ctx *ctx, const char *url)
{
	ctx->url = url;
	BENCH_QR(qr_url_parse(&ctx->parsed, url));
	const char *d = qr_url_dialect(ctx->parsed);
	if (strcmp(d, "sqlite") == 0) {
		ctx->backend = BENCH_SQLITE;
		const char *db = qr_url_database(ctx->parsed);
		ctx->memory_db = !db || !*db || strcmp(db, ":memory:") == 0;
	} else if (strcmp(d, "postgresql") == 0) {
		ctx->backend = BENCH_POSTGRESQL;
	} else if (strcmp(d, "mysql") == 0 || strcmp(d, "mariadb") == 0) {
		ctx->backend = BENCH_MYSQL;
	} else {
		return bench_fail("no benchmark for the %s dialect", d);
	}
	static const char *const names[] = {"sqlite", "postgresql", "mysql"};
	ctx->backend_name = names[ctx->backend];
	ctx->raw_driver = raw_driver_for(ctx->backend_name);
	if (!ctx->raw_driver)
		return bench_fail("the raw %s reference was not built (its "
				  "client library was not found)",
				  ctx->backend_name);
	if (ctx->raw_driver->connect(&ctx->raw, ctx->parsed, NULL))
		return -1;
	BENCH_QR(qr_engine_create(&ctx->engine, url, NULL));
	BENCH_QR(qr_engine_connect(&ctx->conn, ctx->engine));
	return 0;
}

static void ctx_close(bench_ctx *ctx)
{
	bench_model_finish(ctx);
	qr_conn_free(ctx->conn);
	qr_engine_free(ctx->engine);
	if (ctx->raw)
		ctx->raw_driver->close(ctx->raw);
	qr_url_free(ctx->parsed);
}

/* ---- the runner --------------------------------------------------------- */

/* One run of one variant; timed when r is not NULL. */
static int run_variant(bench_ctx *ctx, const bench_variant *v,
		       variant_result *r, bool hwm_ok)
{
	int rc = v->setup ? v->setup(ctx) : 0;
	if (rc)
		return rc;
	/* Return what earlier runs freed, then start the high-water mark
	 * from here. */
	malloc_trim(0);
	long start = -1;
	if (hwm_ok && hwm_reset())
		start = proc_status_kb("VmRSS");
	ctx->paused_secs = ctx->paused_cpu = 0;
	ctx->pause_t0 = -1;
	double c0 = cpu_now(), t0 = bench_now();
	rc = v->run(ctx);
	double t = bench_now() - t0, cpu = cpu_now() - c0;
	bench_resume(ctx); /* a run that ended paused */
	t -= ctx->paused_secs;
	cpu -= ctx->paused_cpu;
	long hwm = proc_status_kb("VmHWM");
	if (rc == 0 && v->teardown)
		rc = v->teardown(ctx);
	else if (v->teardown)
		(void)v->teardown(ctx);
	if (rc == 0 && r) {
		r->secs[r->nruns] = t;
		r->cpu[r->nruns] = cpu;
		r->hwm_kb[r->nruns] = hwm;
		r->start_kb[r->nruns] = start;
		r->nruns++;
	}
	return rc;
}

int bench_run_suite(const bench_suite *suite, const char *url,
		    const bench_options *opts)
{
	bench_ctx ctx = {0};
	int status = 0;
	int runs = opts->runs > 0 ? opts->runs : 5;
	variant_result *res = NULL;
	size_t nv = suite->nvariants;

	ctx.scale = opts->scale > 0 ? opts->scale : 1;
	ctx.suite = suite;
	ctx.verbose = opts->verbose;
	ctx.run_index = -1;
	char url_buf[4096];
	if (suite->url_for && suite->url_for(url_buf, sizeof(url_buf), url))
		url = url_buf;
	if (ctx_open(&ctx, url)) {
		ctx_close(&ctx);
		return -1;
	}
	ctx.n = bench_scaled(&ctx, suite->default_n);
	int rc = suite->prepare ? suite->prepare(&ctx) : 0;
	if (rc == BENCH_SKIP) {
		printf("\n== %s on %s: not applicable ==\n", suite->name,
		       ctx.backend_name);
		goto done;
	}
	if (rc) {
		bench_fail("%s: preparing the suite failed", suite->name);
		status = -1;
		goto done;
	}

	res = calloc(nv, sizeof(*res));
	if (!res) {
		status = bench_fail("out of memory");
		goto done;
	}
	for (size_t i = 0; i < nv; i++) {
		res[i].v = &suite->variants[i];
		res[i].skipped = !selected(opts->only, res[i].v->name);
		res[i].secs = calloc((size_t)runs, sizeof(double));
		res[i].cpu = calloc((size_t)runs, sizeof(double));
		res[i].hwm_kb = calloc((size_t)runs, sizeof(long));
		res[i].start_kb = calloc((size_t)runs, sizeof(long));
		if (!res[i].secs || !res[i].cpu || !res[i].hwm_kb ||
		    !res[i].start_kb) {
			status = bench_fail("out of memory");
			goto done;
		}
	}

	bool hwm_ok = hwm_reset();
	/* Warm-up rounds, then timed rounds: each round runs every variant
	 * once, so that all of them see the same machine. */
	for (int round = -opts->warmup; round < runs; round++) {
		ctx.run_index = round < 0 ? -1 : round;
		for (size_t i = 0; i < nv; i++) {
			variant_result *r = &res[i];
			if (r->skipped || r->failed)
				continue;
			if (opts->verbose)
				fprintf(stderr, "bench: %s/%s round %d\n",
					suite->name, r->v->name, round);
			rc = run_variant(&ctx, r->v, round < 0 ? NULL : r,
					 hwm_ok);
			if (rc == BENCH_SKIP) {
				r->skipped = true;
			} else if (rc) {
				bench_fail("%s/%s on %s failed", suite->name,
					   r->v->name, ctx.backend_name);
				r->failed = true;
				status = -1;
				/* Leave no transaction behind. */
				(void)qr_conn_rollback(ctx.conn);
			}
		}
	}
	for (size_t i = 0; i < nv; i++) {
		variant_result *r = &res[i];
		if (r->skipped || r->failed || r->nruns == 0) {
			if (!r->skipped && !r->failed)
				r->skipped = true;
			continue;
		}
		r->median = median_of(r->secs, r->nruns);
		r->cpu_median = median_of(r->cpu, r->nruns);
		for (int k = 0; k < r->nruns; k++) {
			if (r->hwm_kb[k] > r->peak_kb)
				r->peak_kb = r->hwm_kb[k];
			long g = r->start_kb[k] >= 0
					 ? r->hwm_kb[k] - r->start_kb[k]
					 : 0;
			if (g > r->growth_kb)
				r->growth_kb = g;
		}
	}
	print_table(&ctx, res, nv, runs, hwm_ok);
	if (opts->csv && write_csv(&ctx, opts->csv, res, nv))
		status = -1;
done:
	if (suite->finish)
		suite->finish(&ctx);
	if (res) {
		for (size_t i = 0; i < nv; i++) {
			free(res[i].secs);
			free(res[i].cpu);
			free(res[i].hwm_kb);
			free(res[i].start_kb);
		}
		free(res);
	}
	ctx_close(&ctx);
	return status;
}
