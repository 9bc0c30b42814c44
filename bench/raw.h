/*
 * raw.h - the hand-written references: what a competent C programmer
 * writes with the client library alone (sqlite3, libpq, libmariadb).
 *
 * Every operation uses one prepared statement, reused (bind, execute,
 * reset), inside one transaction unless it says otherwise. The server
 * backends' bulk insert is the best done by hand: prepared multi-row
 * INSERT .. VALUES statements of RAW_BATCH rows.
 *
 * Each function prints what failed to stderr and returns -1; 0 on success.
 * Names and descriptions are "customer name N" / "customer description N"
 * (bench_name, bench_description).
 */
#ifndef QUARRY_BENCH_RAW_H
#define QUARRY_BENCH_RAW_H

#include <quarry/url.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Rows per multi-VALUES INSERT in the servers' bulk insert reference. */
#define RAW_BATCH 1000

typedef struct raw_conn raw_conn;

/* A row as a C programmer keeps it: a malloc'd struct, malloc'd strings. */
typedef struct raw_customer {
	int64_t id;
	char *name;
	char *description;
} raw_customer;

/* Frees n structs from read_structs and the array. */
void raw_customers_free(raw_customer **rows, size_t n);

typedef struct raw_driver {
	const char *backend; /* "sqlite", "postgresql", "mysql" */

	/* Connects to what url names; for SQLite, path overrides the
	 * database when not NULL. */
	int (*connect)(raw_conn **out, const qr_url *url, const char *path);
	void (*close)(raw_conn *c);

	/* Runs SQL without parameters or rows (DDL, COMMIT). */
	int (*exec)(raw_conn *c, const char *sql);

	/* Inserts rows first..first+n-1 in one transaction, the fastest way
	 * by hand (SQLite: one row per step; servers: RAW_BATCH rows per
	 * statement). with_ids: the ids are given (= the row number). */
	int (*insert_bulk)(raw_conn *c, size_t first, size_t n, bool with_ids);

	/* Inserts n rows one statement execution each, in one transaction
	 * (SQLite's bulk reference; on servers, for comparison). */
	int (*insert_rows)(raw_conn *c, size_t first, size_t n);

	/* SQLite: inserts n rows with prepared multi-row INSERTs (as many
	 * rows as 999 parameters allow), in one transaction: the best by
	 * hand there, for comparison. NULL for the servers, whose
	 * insert_bulk is that already. */
	int (*insert_multi)(raw_conn *c, size_t first, size_t n);

	/* Inserts n rows, each in its own transaction (BEGIN, INSERT,
	 * COMMIT), the statement prepared once. */
	int (*insert_each_tx)(raw_conn *c, size_t first, size_t n);

	/* UPDATE .. SET description = 'updated <tag> N' WHERE id = N for
	 * ids 1..n, one transaction. */
	int (*update_rows)(raw_conn *c, size_t n, int tag);

	/* Reads every row and every column of the table ordered by nothing,
	 * touching each value; *rows counts them, *sum adds ids and string
	 * lengths. stream: row by row from the server (libpq single-row
	 * mode; MySQL unbuffered) instead of the whole result at once. */
	int (*read_all)(raw_conn *c, bool stream, size_t *rows, uint64_t *sum);

	/* Reads every row into a malloc'd raw_customer (strings copied);
	 * *out is the caller's (raw_customers_free). */
	int (*read_structs)(raw_conn *c, raw_customer ***out, size_t *rows);

	/* Looks up each id (one row each, every column read), one
	 * transaction; *sum as read_all. */
	int (*lookup)(raw_conn *c, const int64_t *ids, size_t n, uint64_t *sum);
} raw_driver;

/* The drivers built into this program (NULL when its library was not
 * found at build time). */
const raw_driver *raw_driver_for(const char *backend);

#endif
