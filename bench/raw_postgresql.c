/*
 * raw_postgresql.c - the hand-written libpq reference: statements prepared
 * once per connection (PQprepare) and run with PQexecPrepared, parameters
 * and results in text format. The bulk insert sends prepared INSERTs of
 * RAW_BATCH rows each (multi-row VALUES), the fastest way by hand short of
 * COPY. Streaming reads use single-row mode.
 */
#include "bench.h"
#include "raw.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Statements prepared once per connection, by name "raw<index>". */
enum {
	ST_INSERT_BATCH,
	ST_INSERT_BATCH_IDS,
	ST_INSERT_ROW,
	ST_UPDATE,
	ST_SELECT_ALL,
	ST_SELECT_ONE,
	ST_COUNT
};

struct raw_conn {
	PGconn *pg;
	bool prepared[ST_COUNT];
};

static int fail(raw_conn *c, const char *what)
{
	fprintf(stderr, "raw postgresql: %s: %s", what, PQerrorMessage(c->pg));
	return -1;
}

static int check(raw_conn *c, PGresult *res, const char *what)
{
	ExecStatusType st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
	    st == PGRES_SINGLE_TUPLE) {
		PQclear(res);
		return 0;
	}
	/* what may be a long statement: its first 100 characters. */
	fprintf(stderr, "raw postgresql: %.100s: %s", what,
		res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg));
	PQclear(res);
	return -1;
}

static int pg_connect(raw_conn **out, const qr_url *url, const char *path)
{
	char port[16];
	(void)path;
	snprintf(port, sizeof(port), "%d",
		 qr_url_port(url) > 0 ? qr_url_port(url) : 5432);
	const char *keys[] = {"host",     "port",   "user",
			      "password", "dbname", NULL};
	const char *vals[] = {qr_url_host(url) ? qr_url_host(url) : "localhost",
			      port,
			      qr_url_username(url),
			      qr_url_password(url),
			      qr_url_database(url),
			      NULL};
	raw_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	c->pg = PQconnectdbParams(keys, vals, 0);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		fail(c, "connect");
		PQfinish(c->pg);
		free(c);
		return -1;
	}
	PQclear(PQexec(c->pg, "SET client_min_messages = warning"));
	*out = c;
	return 0;
}

static void pg_close(raw_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	free(c);
}

static int pg_exec(raw_conn *c, const char *sql)
{
	return check(c, PQexec(c->pg, sql), sql);
}

/* Prepares statement st once on this connection. */
static int prepare(raw_conn *c, int st, const char *sql, char name[16])
{
	snprintf(name, 16, "raw%d", st);
	if (c->prepared[st])
		return 0;
	if (check(c, PQprepare(c->pg, name, sql, 0, NULL), sql))
		return -1;
	c->prepared[st] = true;
	return 0;
}

/* "INSERT .. VALUES ($1, $2), ($3, $4), ..." for rows rows; malloc'd. */
static char *batch_sql(size_t rows, bool with_ids)
{
	size_t cap = 128 + rows * 32;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	size_t len = (size_t)snprintf(s, cap,
				      "INSERT INTO " BENCH_TABLE
				      " (%sname, description) VALUES ",
				      with_ids ? "id, " : "");
	int p = 1;
	for (size_t r = 0; r < rows; r++) {
		if (with_ids) {
			len += (size_t)snprintf(s + len, cap - len,
						"%s($%d, $%d, $%d)",
						r ? ", " : "", p, p + 1, p + 2);
			p += 3;
		} else {
			len += (size_t)snprintf(s + len, cap - len,
						"%s($%d, $%d)", r ? ", " : "",
						p, p + 1);
			p += 2;
		}
	}
	return s;
}

static int pg_insert_bulk(raw_conn *c, size_t first, size_t n, bool with_ids)
{
	int cols = with_ids ? 3 : 2;
	char name[16];
	/* Text of every parameter of one batch: 3 x 32 bytes per row. */
	char *text = malloc((size_t)RAW_BATCH * 3 * 32);
	const char **vals = malloc((size_t)RAW_BATCH * 3 * sizeof(*vals));
	int rc = -1;

	if (!text || !vals)
		goto done;
	char *sql = batch_sql(RAW_BATCH, with_ids);
	if (!sql)
		goto done;
	int st = with_ids ? ST_INSERT_BATCH_IDS : ST_INSERT_BATCH;
	rc = prepare(c, st, sql, name);
	free(sql);
	if (rc || (rc = pg_exec(c, "BEGIN")))
		goto done;
	for (size_t done = 0; done < n;) {
		size_t rows = n - done < RAW_BATCH ? n - done : RAW_BATCH;
		for (size_t r = 0; r < rows; r++) {
			size_t i = first + done + r;
			char *t = text + r * 3 * 32;
			const char **v = vals + r * (size_t)cols;
			if (with_ids) {
				snprintf(t + 64, 32, "%zu", i);
				*v++ = t + 64;
			}
			bench_name(t, 32, i);
			bench_description(t + 32, 32, i);
			v[0] = t;
			v[1] = t + 32;
		}
		PGresult *res;
		if (rows == RAW_BATCH) {
			res = PQexecPrepared(c->pg, name, RAW_BATCH * cols,
					     vals, NULL, NULL, 0);
		} else {
			/* The last, shorter batch: an unnamed statement. */
			char *tail = batch_sql(rows, with_ids);
			if (!tail) {
				rc = -1;
				goto done;
			}
			res = PQexecParams(c->pg, tail, (int)rows * cols, NULL,
					   vals, NULL, NULL, 0);
			free(tail);
		}
		if ((rc = check(c, res, "insert batch")))
			goto done;
		done += rows;
	}
	rc = pg_exec(c, "COMMIT");
done:
	if (rc)
		PQclear(PQexec(c->pg, "ROLLBACK"));
	free(text);
	free(vals);
	return rc;
}

static int insert_loop(raw_conn *c, size_t first, size_t n, bool tx_each)
{
	char name[16], nm[32], desc[32];
	const char *vals[2] = {nm, desc};
	if (prepare(c, ST_INSERT_ROW,
		    "INSERT INTO " BENCH_TABLE
		    " (name, description) VALUES ($1, $2)",
		    name))
		return -1;
	if (!tx_each && pg_exec(c, "BEGIN"))
		return -1;
	for (size_t i = first; i < first + n; i++) {
		if (tx_each && pg_exec(c, "BEGIN"))
			goto fail;
		bench_name(nm, sizeof(nm), i);
		bench_description(desc, sizeof(desc), i);
		if (check(c,
			  PQexecPrepared(c->pg, name, 2, vals, NULL, NULL, 0),
			  "insert"))
			goto fail;
		if (tx_each && pg_exec(c, "COMMIT"))
			goto fail;
	}
	if (!tx_each && pg_exec(c, "COMMIT"))
		goto fail;
	return 0;
fail:
	PQclear(PQexec(c->pg, "ROLLBACK"));
	return -1;
}

static int pg_insert_rows(raw_conn *c, size_t first, size_t n)
{
	return insert_loop(c, first, n, false);
}

static int pg_insert_each_tx(raw_conn *c, size_t first, size_t n)
{
	return insert_loop(c, first, n, true);
}

static int pg_update_rows(raw_conn *c, size_t n, int tag)
{
	char name[16], desc[64], id[32];
	const char *vals[2] = {desc, id};
	if (prepare(c, ST_UPDATE,
		    "UPDATE " BENCH_TABLE " SET description = $1 WHERE id = $2",
		    name))
		return -1;
	if (pg_exec(c, "BEGIN"))
		return -1;
	for (size_t i = 1; i <= n; i++) {
		snprintf(desc, sizeof(desc), "updated %d %zu", tag, i);
		snprintf(id, sizeof(id), "%zu", i);
		if (check(c,
			  PQexecPrepared(c->pg, name, 2, vals, NULL, NULL, 0),
			  "update")) {
			PQclear(PQexec(c->pg, "ROLLBACK"));
			return -1;
		}
	}
	return pg_exec(c, "COMMIT");
}

/* Reads row i of res into *sum. */
static void touch_row(const PGresult *res, int i, uint64_t *sum)
{
	int64_t id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
	const char *name = PQgetvalue(res, i, 1);
	const char *desc = PQgetvalue(res, i, 2);
	*sum += (uint64_t)id + (uint64_t)PQgetlength(res, i, 1) +
		(uint64_t)PQgetlength(res, i, 2) + (name[0] == 'c') +
		(desc[0] == 'c');
}

static int pg_read_all(raw_conn *c, bool stream, size_t *rows, uint64_t *sum)
{
	char name[16];
	*rows = 0;
	*sum = 0;
	if (prepare(c, ST_SELECT_ALL,
		    "SELECT id, name, description FROM " BENCH_TABLE, name))
		return -1;
	if (!stream) {
		PGresult *res =
			PQexecPrepared(c->pg, name, 0, NULL, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			return check(c, res, "select");
		int nt = PQntuples(res);
		for (int i = 0; i < nt; i++)
			touch_row(res, i, sum);
		*rows = (size_t)nt;
		PQclear(res);
		return 0;
	}
	if (!PQsendQueryPrepared(c->pg, name, 0, NULL, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(c->pg))
		return fail(c, "select (single-row mode)");
	int rc = 0;
	PGresult *res;
	while ((res = PQgetResult(c->pg))) {
		ExecStatusType st = PQresultStatus(res);
		if (st == PGRES_SINGLE_TUPLE) {
			touch_row(res, 0, sum);
			(*rows)++;
			PQclear(res);
		} else if (st == PGRES_TUPLES_OK) {
			PQclear(res);
		} else if (!rc) {
			rc = check(c, res, "select (single-row mode)");
		} else {
			PQclear(res);
		}
	}
	return rc;
}

static int pg_read_structs(raw_conn *c, raw_customer ***out, size_t *rows)
{
	char name[16];
	if (prepare(c, ST_SELECT_ALL,
		    "SELECT id, name, description FROM " BENCH_TABLE, name))
		return -1;
	PGresult *res = PQexecPrepared(c->pg, name, 0, NULL, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return check(c, res, "select");
	size_t nt = (size_t)PQntuples(res), i;
	raw_customer **v = malloc((nt ? nt : 1) * sizeof(*v));
	if (!v)
		goto oom;
	for (i = 0; i < nt; i++) {
		raw_customer *r = malloc(sizeof(*r));
		if (!r)
			goto oom;
		r->id = strtoll(PQgetvalue(res, (int)i, 0), NULL, 10);
		r->name = strdup(PQgetvalue(res, (int)i, 1));
		r->description = strdup(PQgetvalue(res, (int)i, 2));
		v[i] = r;
		if (!r->name || !r->description) {
			i++;
			goto oom;
		}
	}
	PQclear(res);
	*out = v;
	*rows = nt;
	return 0;
oom:
	raw_customers_free(v, v ? i : 0);
	PQclear(res);
	fprintf(stderr, "raw postgresql: out of memory\n");
	return -1;
}

static int pg_lookup(raw_conn *c, const int64_t *ids, size_t n, uint64_t *sum)
{
	char name[16], id[32];
	const char *vals[1] = {id};
	*sum = 0;
	if (prepare(c, ST_SELECT_ONE,
		    "SELECT id, name, description FROM " BENCH_TABLE
		    " WHERE id = $1",
		    name))
		return -1;
	if (pg_exec(c, "BEGIN"))
		return -1;
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%lld", (long long)ids[i]);
		PGresult *res =
			PQexecPrepared(c->pg, name, 1, vals, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK ||
		    PQntuples(res) != 1) {
			check(c, res, "lookup");
			PQclear(PQexec(c->pg, "ROLLBACK"));
			return -1;
		}
		touch_row(res, 0, sum);
		PQclear(res);
	}
	return pg_exec(c, "COMMIT");
}

const raw_driver raw_postgresql_driver = {
	.backend = "postgresql",
	.connect = pg_connect,
	.close = pg_close,
	.exec = pg_exec,
	.insert_bulk = pg_insert_bulk,
	.insert_rows = pg_insert_rows,
	.insert_each_tx = pg_insert_each_tx,
	.update_rows = pg_update_rows,
	.read_all = pg_read_all,
	.read_structs = pg_read_structs,
	.lookup = pg_lookup,
};
