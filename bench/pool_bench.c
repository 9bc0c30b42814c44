/*
 * pool_bench.c - what a checkout and a return cost: qr_engine_connect()
 * followed by qr_conn_free(), no statement, through the public API.
 *
 *   pool_bench [--cycles N] [--runs N] [--threads N] [URL]
 *
 * URL defaults to a SQLite file under /tmp (a queue pool; its connections
 * are opened once, during the warm-up). Scenarios, each timed --runs
 * times (default 5) after one untimed run; the median is reported:
 *
 *   queue, 1 thread             uncontended: the pool's own overhead
 *   queue + pre-ping, 1 thread  plus a ping through the driver per checkout
 *   queue + listeners, 1 thread plus CHECKOUT and CHECKIN listeners
 *   per-thread, 1 thread        the per-thread strategy
 *   queue size T, T threads     contended lock, never waiting
 *   queue size T/2, T threads   contended, half the threads waiting
 *
 * (T = --threads, default 8.) For the threaded scenarios the cost is the
 * wall time per checkout+return over all threads, and each thread's own
 * average latency.
 *
 * Self-contained: uses only the public API, none of bench/'s harness.
 */
#include <quarry.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "pool_bench: %s: %s\n", what, qr_error_last()->message);
	exit(1);
}

static int count_event(void *userdata, const qr_pool_event_info *info)
{
	(void)info;
	atomic_fetch_add_explicit((atomic_long *)userdata, 1,
				  memory_order_relaxed);
	return 0;
}

typedef struct job {
	qr_engine *engine;
	long cycles;
	atomic_int *ready; /* start barrier */
	int threads;
	double secs; /* this thread's time */
} job;

static void *cycle(void *arg)
{
	job *j = arg;
	atomic_fetch_add(j->ready, 1);
	while (atomic_load(j->ready) < j->threads)
		; /* spin: start together */
	double t0 = now();
	for (long i = 0; i < j->cycles; i++) {
		qr_conn *c;
		if (qr_engine_connect(&c, j->engine))
			die("checkout");
		qr_conn_free(c);
	}
	j->secs = now() - t0;
	return NULL;
}

/* One timed run: wall seconds; *thread_avg gets the mean per-thread
 * seconds. */
static double run_once(qr_engine *e, int threads, long cycles,
		       double *thread_avg)
{
	pthread_t t[64];
	job jobs[64];
	atomic_int ready = 0;
	double t0 = now();
	for (int i = 0; i < threads; i++) {
		jobs[i] = (job){e, cycles, &ready, threads, 0};
		if (pthread_create(&t[i], NULL, cycle, &jobs[i]))
			die("pthread_create");
	}
	double sum = 0;
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		sum += jobs[i].secs;
	}
	double wall = now() - t0;
	*thread_avg = sum / threads;
	return wall;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

typedef struct scenario {
	const char *name;
	qr_engine_options opts;
	int threads;
	bool listeners;
} scenario;

static void run(const char *url, const scenario *s, long cycles, int runs)
{
	qr_engine *e;
	atomic_long events = 0;
	double wall[32], lat[32];

	if (qr_engine_create(&e, url, &s->opts))
		die("engine");
	if (s->listeners &&
	    (qr_engine_on(e, QR_POOL_EVENT_CHECKOUT, count_event, &events) ||
	     qr_engine_on(e, QR_POOL_EVENT_CHECKIN, count_event, &events)))
		die("listener");
	long per_thread = cycles / s->threads;
	double avg;
	run_once(e, s->threads, per_thread / 10 + 1, &avg); /* warm-up */
	for (int r = 0; r < runs; r++) {
		wall[r] = run_once(e, s->threads, per_thread, &avg);
		lat[r] = avg;
	}
	qsort(wall, (size_t)runs, sizeof(double), cmp_double);
	qsort(lat, (size_t)runs, sizeof(double), cmp_double);
	double total = (double)per_thread * s->threads;
	qr_pool_status st;
	qr_engine_pool_status(e, &st);
	printf("%-30s %3d %10.0f %12.0f %12.0f %8llu %6llu\n", s->name,
	       s->threads, wall[runs / 2] / total * 1e9,
	       lat[runs / 2] / (double)per_thread * 1e9, total / wall[runs / 2],
	       (unsigned long long)st.connects,
	       (unsigned long long)st.timeouts);
	if (st.checked_out != 0)
		fprintf(stderr, "pool_bench: %s: %d still checked out\n",
			s->name, st.checked_out);
	qr_engine_free(e);
}

int main(int argc, char **argv)
{
	long cycles = 400000;
	int runs = 5, threads = 8;
	const char *url = NULL;
	char file_url[256];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cycles") && i + 1 < argc)
			cycles = atol(argv[++i]);
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			threads = atoi(argv[++i]);
		else if (argv[i][0] != '-' && !url)
			url = argv[i];
		else {
			fprintf(stderr, "usage: pool_bench [--cycles N] "
					"[--runs N] [--threads N] [URL]\n");
			return 2;
		}
	}
	if (cycles < 1 || runs < 1 || runs > 32 || threads < 2 ||
	    threads > 64) {
		fprintf(stderr, "pool_bench: --cycles >= 1, --runs 1..32, "
				"--threads 2..64\n");
		return 2;
	}
	if (!url) {
		snprintf(file_url, sizeof(file_url),
			 "sqlite:////tmp/quarry_pool_bench_%ld.db",
			 (long)getpid());
		url = file_url;
	}

	const scenario scenarios[] = {
		{"queue", {.pool_kind = QR_POOL_QUEUE}, 1, false},
		{"queue + pre-ping",
		 {.pool_kind = QR_POOL_QUEUE, .pool_pre_ping = true},
		 1,
		 false},
		{"queue + 2 listeners", {.pool_kind = QR_POOL_QUEUE}, 1, true},
		{"per-thread", {.pool_kind = QR_POOL_PER_THREAD}, 1, false},
		{"queue, size = threads",
		 {.pool_kind = QR_POOL_QUEUE,
		  .pool_size = threads,
		  .max_overflow = QR_POOL_NO_OVERFLOW},
		 threads,
		 false},
		{"queue, size = threads / 2",
		 {.pool_kind = QR_POOL_QUEUE,
		  .pool_size = threads / 2,
		  .max_overflow = QR_POOL_NO_OVERFLOW},
		 threads,
		 false},
	};

	printf("pool_bench: checkout + return through qr_engine_connect / "
	       "qr_conn_free\n");
	printf("url %s, %ld cycles per scenario, median of %d runs, %ld "
	       "cores\n\n",
	       url, cycles, runs, sysconf(_SC_NPROCESSORS_ONLN));
	printf("%-30s %3s %10s %12s %12s %8s %6s\n", "scenario", "thr",
	       "ns/cycle", "ns/thread-op", "cycles/s", "connects", "tmout");
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		run(url, &scenarios[i], cycles, runs);
	printf("\nns/cycle: wall time per checkout+return over all threads; "
	       "ns/thread-op: the\naverage time one thread spends per "
	       "checkout+return (includes waiting).\n");
	if (url == file_url) {
		unlink(file_url + strlen("sqlite:///"));
	}
	return 0;
}
