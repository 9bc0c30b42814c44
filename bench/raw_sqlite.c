/*
 * raw_sqlite.c - the hand-written SQLite reference: sqlite3_prepare_v2
 * once, then bind / step / reset per row, inside one transaction. The
 * connection is opened in multi-thread mode (SQLITE_OPEN_NOMUTEX), as
 * quarry's driver opens its own, so that the two do the same SQLite work.
 */
#include "bench.h"
#include "raw.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct raw_conn {
	sqlite3 *db;
};

static int fail(raw_conn *c, const char *what)
{
	/* what may be a long statement: its first 100 characters. */
	fprintf(stderr, "raw sqlite: %.100s: %s\n", what,
		sqlite3_errmsg(c->db));
	return -1;
}

static int sq_connect(raw_conn **out, const qr_url *url, const char *path)
{
	const char *db = path ? path : qr_url_database(url);
	if (!db || !*db)
		db = ":memory:";
	raw_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	/* One thread uses the connection: no per-call mutex, as quarry's
	 * driver opens it (so both sides do the same SQLite work). */
	if (sqlite3_open_v2(db, &c->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		fail(c, "open");
		sqlite3_close(c->db);
		free(c);
		return -1;
	}
	sqlite3_busy_timeout(c->db, 5000);
	*out = c;
	return 0;
}

static void sq_close(raw_conn *c)
{
	if (!c)
		return;
	sqlite3_close(c->db);
	free(c);
}

static int sq_exec(raw_conn *c, const char *sql)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(c, sql);
	return 0;
}

static int prepare(raw_conn *c, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK)
		return fail(c, sql);
	return 0;
}

/* Binds row i's name and description at parameters first, first+1,
 * formatted into the caller's buffers (which outlive the step). */
static int bind_row(raw_conn *c, sqlite3_stmt *st, int first, size_t i,
		    char name[64], char desc[64])
{
	int nl = bench_name(name, 64, i);
	int dl = bench_description(desc, 64, i);
	if (sqlite3_bind_text(st, first, name, nl, SQLITE_STATIC) ||
	    sqlite3_bind_text(st, first + 1, desc, dl, SQLITE_STATIC))
		return fail(c, "bind");
	return 0;
}

static int insert_loop(raw_conn *c, size_t first, size_t n, bool with_ids,
		       bool tx_each)
{
	sqlite3_stmt *st;
	char name[64], desc[64];
	const char *sql = with_ids ? "INSERT INTO " BENCH_TABLE
				     " (id, name, description) VALUES (?, ?, ?)"
				   : "INSERT INTO " BENCH_TABLE
				     " (name, description) VALUES (?, ?)";
	if (prepare(c, sql, &st))
		return -1;
	if (!tx_each && sq_exec(c, "BEGIN"))
		goto fail;
	for (size_t i = first; i < first + n; i++) {
		if (tx_each && sq_exec(c, "BEGIN"))
			goto fail;
		if (with_ids && sqlite3_bind_int64(st, 1, (sqlite3_int64)i))
			goto fail_db;
		if (bind_row(c, st, with_ids ? 2 : 1, i, name, desc))
			goto fail;
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail_db;
		sqlite3_reset(st);
		if (tx_each && sq_exec(c, "COMMIT"))
			goto fail;
	}
	if (!tx_each && sq_exec(c, "COMMIT"))
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail_db:
	fail(c, "insert");
fail:
	sqlite3_finalize(st);
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int sq_insert_bulk(raw_conn *c, size_t first, size_t n, bool with_ids)
{
	return insert_loop(c, first, n, with_ids, false);
}

static int sq_insert_rows(raw_conn *c, size_t first, size_t n)
{
	return insert_loop(c, first, n, false, false);
}

static int sq_insert_each_tx(raw_conn *c, size_t first, size_t n)
{
	return insert_loop(c, first, n, false, true);
}

/* Rows per multi-row INSERT: 999 parameters at most, SQLite's historic
 * limit. */
#define MULTI_ROWS 499

/* "INSERT .. VALUES (?, ?), ..." for rows rows; malloc'd. */
static char *multi_sql(size_t rows)
{
	size_t cap = 80 + rows * 8;
	char *sql = malloc(cap);
	if (!sql)
		return NULL;
	size_t len = (size_t)snprintf(sql, cap,
				      "INSERT INTO " BENCH_TABLE
				      " (name, description) VALUES (?, ?)");
	for (size_t r = 1; r < rows; r++)
		len += (size_t)snprintf(sql + len, cap - len, ", (?, ?)");
	return sql;
}

static int sq_insert_multi(raw_conn *c, size_t first, size_t n)
{
	static char text[MULTI_ROWS][2][32];
	sqlite3_stmt *full = NULL, *st = NULL;
	char *sql = multi_sql(MULTI_ROWS);
	int rc = -1;

	if (!sql || prepare(c, sql, &full))
		goto done;
	if (sq_exec(c, "BEGIN"))
		goto done;
	for (size_t done = 0; done < n;) {
		size_t rows = n - done < MULTI_ROWS ? n - done : MULTI_ROWS;
		st = full;
		if (rows < MULTI_ROWS) {
			char *tail = multi_sql(rows);
			int bad = !tail || prepare(c, tail, &st);
			free(tail);
			if (bad) {
				st = NULL;
				goto rollback;
			}
		}
		for (size_t r = 0; r < rows; r++) {
			size_t i = first + done + r;
			int nl = bench_name(text[r][0], 32, i);
			int dl = bench_description(text[r][1], 32, i);
			if (sqlite3_bind_text(st, (int)(2 * r + 1), text[r][0],
					      nl, SQLITE_STATIC) ||
			    sqlite3_bind_text(st, (int)(2 * r + 2), text[r][1],
					      dl, SQLITE_STATIC)) {
				fail(c, "bind");
				goto rollback;
			}
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			fail(c, "insert");
			goto rollback;
		}
		sqlite3_reset(st);
		if (st != full)
			sqlite3_finalize(st);
		st = NULL;
		done += rows;
	}
	rc = sq_exec(c, "COMMIT");
	goto done;
rollback:
	if (st && st != full)
		sqlite3_finalize(st);
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
done:
	sqlite3_finalize(full);
	free(sql);
	return rc;
}

static int sq_update_rows(raw_conn *c, size_t n, int tag)
{
	sqlite3_stmt *st;
	char desc[64];
	if (prepare(c,
		    "UPDATE " BENCH_TABLE " SET description = ? WHERE id = ?",
		    &st))
		return -1;
	if (sq_exec(c, "BEGIN"))
		goto fail;
	for (size_t i = 1; i <= n; i++) {
		int len =
			snprintf(desc, sizeof(desc), "updated %d %zu", tag, i);
		if (sqlite3_bind_text(st, 1, desc, len, SQLITE_STATIC) ||
		    sqlite3_bind_int64(st, 2, (sqlite3_int64)i) ||
		    sqlite3_step(st) != SQLITE_DONE) {
			fail(c, "update");
			goto fail;
		}
		sqlite3_reset(st);
	}
	if (sq_exec(c, "COMMIT"))
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	sqlite3_finalize(st);
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int sq_read_all(raw_conn *c, bool stream, size_t *rows, uint64_t *sum)
{
	sqlite3_stmt *st;
	int rc;
	(void)stream; /* SQLite always steps row by row */
	*rows = 0;
	*sum = 0;
	if (prepare(c, "SELECT id, name, description FROM " BENCH_TABLE, &st))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const unsigned char *name = sqlite3_column_text(st, 1);
		int nl = sqlite3_column_bytes(st, 1);
		const unsigned char *desc = sqlite3_column_text(st, 2);
		int dl = sqlite3_column_bytes(st, 2);
		*sum += (uint64_t)id + (uint64_t)nl + (uint64_t)dl +
			(name[0] == 'c') + (desc[0] == 'c');
		(*rows)++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(c, "select");
	return 0;
}

static int sq_read_structs(raw_conn *c, raw_customer ***out, size_t *rows)
{
	sqlite3_stmt *st;
	raw_customer **v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	if (prepare(c, "SELECT id, name, description FROM " BENCH_TABLE, &st))
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			raw_customer **nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto oom;
			v = nv;
		}
		raw_customer *r = malloc(sizeof(*r));
		if (!r)
			goto oom;
		r->id = sqlite3_column_int64(st, 0);
		r->name = strdup((const char *)sqlite3_column_text(st, 1));
		r->description =
			strdup((const char *)sqlite3_column_text(st, 2));
		v[n++] = r;
		if (!r->name || !r->description)
			goto oom;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		raw_customers_free(v, n);
		return fail(c, "select");
	}
	*out = v;
	*rows = n;
	return 0;
oom:
	sqlite3_finalize(st);
	raw_customers_free(v, n);
	fprintf(stderr, "raw sqlite: out of memory\n");
	return -1;
}

static int sq_lookup(raw_conn *c, const int64_t *ids, size_t n, uint64_t *sum)
{
	sqlite3_stmt *st;
	*sum = 0;
	if (prepare(c,
		    "SELECT id, name, description FROM " BENCH_TABLE
		    " WHERE id = ?",
		    &st))
		return -1;
	if (sq_exec(c, "BEGIN"))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_ROW) {
			fail(c, "lookup");
			goto fail;
		}
		int64_t id = sqlite3_column_int64(st, 0);
		const unsigned char *name = sqlite3_column_text(st, 1);
		int nl = sqlite3_column_bytes(st, 1);
		const unsigned char *desc = sqlite3_column_text(st, 2);
		int dl = sqlite3_column_bytes(st, 2);
		*sum += (uint64_t)id + (uint64_t)nl + (uint64_t)dl +
			(name[0] == 'c') + (desc[0] == 'c');
		sqlite3_reset(st);
	}
	if (sq_exec(c, "COMMIT"))
		goto fail;
	sqlite3_finalize(st);
	return 0;
fail:
	sqlite3_finalize(st);
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

const raw_driver raw_sqlite_driver = {
	.backend = "sqlite",
	.connect = sq_connect,
	.close = sq_close,
	.exec = sq_exec,
	.insert_bulk = sq_insert_bulk,
	.insert_rows = sq_insert_rows,
	.insert_multi = sq_insert_multi,
	.insert_each_tx = sq_insert_each_tx,
	.update_rows = sq_update_rows,
	.read_all = sq_read_all,
	.read_structs = sq_read_structs,
	.lookup = sq_lookup,
};
