/*
 * quarry_bench.c - runs the benchmark suites against database URLs.
 *
 *   quarry_bench [options] URL...
 *     --suite a,b     suites to run (default: all; --list shows them)
 *     --only x,y      variants to run (default: all)
 *     --scale F       multiply every suite's size by F (e.g. 0.01 in CI)
 *     --runs N        timed runs per variant (default 5)
 *     --warmup N      untimed runs first (default 1)
 *     --csv FILE      append CSV rows to FILE
 *     --list          list the suites and exit
 *     -v              say what runs
 *
 * Exit status: 0 when every variant ran, 1 otherwise, 2 on bad usage.
 */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

static const bench_suite *const suites[] = {&bench_suite_bulk_inserts,
					    &bench_suite_bulk_updates,
					    &bench_suite_large_resultsets,
					    &bench_suite_streaming,
					    &bench_suite_short_selects,
					    &bench_suite_single_inserts,
					    &bench_suite_micro,
					    NULL};

static void usage(FILE *f)
{
	fputs("usage: quarry_bench [--suite a,b] [--only x,y] [--scale F] "
	      "[--runs N] [--warmup N] [--csv FILE] [--list] [-v] URL...\n",
	      f);
}

static bool in_list(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t l = end ? (size_t)(end - p) : strlen(p);
		if (l == len && strncmp(p, name, len) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

int main(int argc, char **argv)
{
	bench_options opts = {.scale = 1, .runs = 5, .warmup = 1};
	const char *suite_list = NULL;
	const char **urls = calloc((size_t)argc, sizeof(*urls));
	int nurls = 0, status = 0;

	if (!urls)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--list") == 0) {
			for (size_t k = 0; suites[k]; k++)
				printf("%-18s %s\n", suites[k]->name,
				       suites[k]->summary);
			free(urls);
			return 0;
		} else if (strcmp(a, "-v") == 0) {
			opts.verbose = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			free(urls);
			return 0;
		} else if (a[0] == '-' && a[1] == '-' && next) {
			i++;
			if (strcmp(a, "--suite") == 0)
				suite_list = next;
			else if (strcmp(a, "--only") == 0)
				opts.only = next;
			else if (strcmp(a, "--scale") == 0)
				opts.scale = atof(next);
			else if (strcmp(a, "--runs") == 0)
				opts.runs = atoi(next);
			else if (strcmp(a, "--warmup") == 0)
				opts.warmup = atoi(next);
			else if (strcmp(a, "--csv") == 0)
				opts.csv = next;
			else {
				usage(stderr);
				free(urls);
				return 2;
			}
		} else if (a[0] == '-') {
			usage(stderr);
			free(urls);
			return 2;
		} else {
			urls[nurls++] = a;
		}
	}
	if (nurls == 0 || opts.scale <= 0 || opts.runs < 1 || opts.warmup < 0) {
		usage(stderr);
		free(urls);
		return 2;
	}
	if (suite_list) {
		for (const char *p = suite_list; *p;) {
			const char *end = strchr(p, ',');
			size_t l = end ? (size_t)(end - p) : strlen(p);
			bool known = false;
			for (size_t k = 0; suites[k]; k++)
				known |= strlen(suites[k]->name) == l &&
					 strncmp(suites[k]->name, p, l) == 0;
			if (!known) {
				fprintf(stderr,
					"quarry_bench: no suite %.*s "
					"(--list)\n",
					(int)l, p);
				free(urls);
				return 2;
			}
			if (!end)
				break;
			p = end + 1;
		}
	}
	for (int u = 0; u < nurls; u++) {
		for (size_t k = 0; suites[k]; k++) {
			if (suite_list && !in_list(suite_list, suites[k]->name))
				continue;
			if (bench_run_suite(suites[k], urls[u], &opts))
				status = 1;
		}
	}
	free(urls);
	return status;
}
