/*
 * raw_mysql.c - the hand-written MariaDB/MySQL reference with the
 * prepared-statement API (mysql_stmt_*): statements prepared once per
 * connection, parameters bound once to buffers that are rewritten per
 * row, results bound to fixed buffers. The bulk insert executes prepared
 * INSERTs of RAW_BATCH rows each (multi-row VALUES). Reads are buffered
 * with mysql_stmt_store_result, or streamed (unbuffered fetch).
 */
#include "bench.h"
#include "raw.h"

#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	MYSQL *my;
	MYSQL_STMT *stmts[ST_COUNT];
};

/* what may be a long statement: its first 100 characters are shown. */
static int fail(raw_conn *c, const char *what)
{
	fprintf(stderr, "raw mysql: %.100s: %s\n", what, mysql_error(c->my));
	return -1;
}

static int stmt_fail(MYSQL_STMT *st, const char *what)
{
	fprintf(stderr, "raw mysql: %.100s: %s\n", what, mysql_stmt_error(st));
	return -1;
}

static int my_connect(raw_conn **out, const qr_url *url, const char *path)
{
	(void)path;
	raw_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return -1;
	c->my = mysql_init(NULL);
	if (!c->my ||
	    !mysql_real_connect(
		    c->my, qr_url_host(url) ? qr_url_host(url) : "127.0.0.1",
		    qr_url_username(url), qr_url_password(url),
		    qr_url_database(url),
		    (unsigned)(qr_url_port(url) > 0 ? qr_url_port(url) : 3306),
		    NULL, 0)) {
		if (c->my)
			fail(c, "connect");
		mysql_close(c->my);
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

static void my_close(raw_conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < ST_COUNT; i++) {
		if (c->stmts[i])
			mysql_stmt_close(c->stmts[i]);
	}
	mysql_close(c->my);
	free(c);
}

static int my_exec(raw_conn *c, const char *sql)
{
	if (mysql_real_query(c->my, sql, strlen(sql)))
		return fail(c, sql);
	/* Discard a result, if any. */
	MYSQL_RES *res = mysql_store_result(c->my);
	if (res)
		mysql_free_result(res);
	return 0;
}

/* A new prepared statement for sql. */
static MYSQL_STMT *prepare_new(raw_conn *c, const char *sql)
{
	MYSQL_STMT *st = mysql_stmt_init(c->my);
	if (!st) {
		fail(c, "mysql_stmt_init");
		return NULL;
	}
	if (mysql_stmt_prepare(st, sql, strlen(sql))) {
		stmt_fail(st, sql);
		mysql_stmt_close(st);
		return NULL;
	}
	return st;
}

/* Statement idx, prepared once per connection. */
static MYSQL_STMT *prepare(raw_conn *c, int idx, const char *sql)
{
	if (!c->stmts[idx])
		c->stmts[idx] = prepare_new(c, sql);
	return c->stmts[idx];
}

static char *batch_sql(size_t rows, bool with_ids)
{
	size_t cap = 128 + rows * 16;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	size_t len = (size_t)snprintf(s, cap,
				      "INSERT INTO " BENCH_TABLE
				      " (%sname, description) VALUES ",
				      with_ids ? "id, " : "");
	for (size_t r = 0; r < rows; r++)
		len += (size_t)snprintf(s + len, cap - len, "%s(%s?, ?)",
					r ? ", " : "", with_ids ? "?, " : "");
	return s;
}

/* Per-batch parameter storage: a bind, a buffer and a length per
 * parameter. */
typedef struct batch_params {
	MYSQL_BIND *binds;
	unsigned long *lens;
	char *text;
	long long *ids;
} batch_params;

static void batch_params_free(batch_params *p)
{
	free(p->binds);
	free(p->lens);
	free(p->text);
	free(p->ids);
}

static int batch_params_init(batch_params *p, size_t rows, bool with_ids)
{
	int cols = with_ids ? 3 : 2;
	p->binds = calloc(rows * (size_t)cols, sizeof(MYSQL_BIND));
	p->lens = calloc(rows * 2, sizeof(unsigned long));
	p->text = malloc(rows * 64);
	p->ids = calloc(rows, sizeof(long long));
	if (!p->binds || !p->lens || !p->text || !p->ids)
		return -1;
	for (size_t r = 0; r < rows; r++) {
		MYSQL_BIND *b = p->binds + r * (size_t)cols;
		if (with_ids) {
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &p->ids[r];
			b++;
		}
		for (int k = 0; k < 2; k++) {
			b[k].buffer_type = MYSQL_TYPE_STRING;
			b[k].buffer = p->text + r * 64 + (size_t)k * 32;
			b[k].buffer_length = 32;
			b[k].length = &p->lens[r * 2 + (size_t)k];
		}
	}
	return 0;
}

/* Fills rows rows starting at row number first into the buffers. */
static void batch_params_fill(batch_params *p, size_t first, size_t rows)
{
	for (size_t r = 0; r < rows; r++) {
		size_t i = first + r;
		p->ids[r] = (long long)i;
		p->lens[r * 2] =
			(unsigned long)bench_name(p->text + r * 64, 32, i);
		p->lens[r * 2 + 1] = (unsigned long)bench_description(
			p->text + r * 64 + 32, 32, i);
	}
}

static int my_insert_bulk(raw_conn *c, size_t first, size_t n, bool with_ids)
{
	batch_params p = {0};
	MYSQL_STMT *tail = NULL;
	int rc = -1;

	if (batch_params_init(&p, RAW_BATCH, with_ids))
		goto done;
	char *sql = batch_sql(RAW_BATCH, with_ids);
	if (!sql)
		goto done;
	MYSQL_STMT *st = prepare(
		c, with_ids ? ST_INSERT_BATCH_IDS : ST_INSERT_BATCH, sql);
	free(sql);
	if (!st)
		goto done;
	if (mysql_stmt_bind_param(st, p.binds)) {
		stmt_fail(st, "bind");
		goto done;
	}
	if (my_exec(c, "START TRANSACTION"))
		goto done;
	for (size_t done = 0; done < n;) {
		size_t rows = n - done < RAW_BATCH ? n - done : RAW_BATCH;
		batch_params_fill(&p, first + done, rows);
		MYSQL_STMT *use = st;
		if (rows < RAW_BATCH) {
			/* The last, shorter batch: its own statement. */
			char *tsql = batch_sql(rows, with_ids);
			tail = tsql ? prepare_new(c, tsql) : NULL;
			free(tsql);
			if (!tail)
				goto rollback;
			if (mysql_stmt_bind_param(tail, p.binds)) {
				stmt_fail(tail, "bind");
				goto rollback;
			}
			use = tail;
		}
		if (mysql_stmt_execute(use)) {
			stmt_fail(use, "insert batch");
			goto rollback;
		}
		done += rows;
	}
	if (mysql_commit(c->my)) {
		fail(c, "commit");
		goto rollback;
	}
	rc = 0;
	goto done;
rollback:
	mysql_rollback(c->my);
done:
	if (tail)
		mysql_stmt_close(tail);
	batch_params_free(&p);
	return rc;
}

static int insert_loop(raw_conn *c, size_t first, size_t n, bool tx_each)
{
	batch_params p = {0};
	int rc = -1;
	MYSQL_STMT *st = prepare(c, ST_INSERT_ROW,
				 "INSERT INTO " BENCH_TABLE
				 " (name, description) VALUES (?, ?)");
	if (!st || batch_params_init(&p, 1, false))
		goto done;
	if (mysql_stmt_bind_param(st, p.binds)) {
		stmt_fail(st, "bind");
		goto done;
	}
	if (!tx_each && my_exec(c, "START TRANSACTION"))
		goto done;
	for (size_t i = first; i < first + n; i++) {
		if (tx_each && my_exec(c, "START TRANSACTION"))
			goto rollback;
		batch_params_fill(&p, i, 1);
		if (mysql_stmt_execute(st)) {
			stmt_fail(st, "insert");
			goto rollback;
		}
		if (tx_each && mysql_commit(c->my)) {
			fail(c, "commit");
			goto rollback;
		}
	}
	if (!tx_each && mysql_commit(c->my)) {
		fail(c, "commit");
		goto rollback;
	}
	rc = 0;
	goto done;
rollback:
	mysql_rollback(c->my);
done:
	batch_params_free(&p);
	return rc;
}

static int my_insert_rows(raw_conn *c, size_t first, size_t n)
{
	return insert_loop(c, first, n, false);
}

static int my_insert_each_tx(raw_conn *c, size_t first, size_t n)
{
	return insert_loop(c, first, n, true);
}

static int my_update_rows(raw_conn *c, size_t n, int tag)
{
	char desc[64];
	unsigned long dlen;
	long long id;
	MYSQL_BIND b[2];
	MYSQL_STMT *st = prepare(c, ST_UPDATE,
				 "UPDATE " BENCH_TABLE
				 " SET description = ? WHERE id = ?");
	if (!st)
		return -1;
	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_STRING;
	b[0].buffer = desc;
	b[0].buffer_length = sizeof(desc);
	b[0].length = &dlen;
	b[1].buffer_type = MYSQL_TYPE_LONGLONG;
	b[1].buffer = &id;
	if (mysql_stmt_bind_param(st, b))
		return stmt_fail(st, "bind");
	if (my_exec(c, "START TRANSACTION"))
		return -1;
	for (size_t i = 1; i <= n; i++) {
		dlen = (unsigned long)snprintf(desc, sizeof(desc),
					       "updated %d %zu", tag, i);
		id = (long long)i;
		if (mysql_stmt_execute(st)) {
			stmt_fail(st, "update");
			mysql_rollback(c->my);
			return -1;
		}
	}
	if (mysql_commit(c->my))
		return fail(c, "commit");
	return 0;
}

/* Result buffers for id, name, description. */
typedef struct row_buf {
	MYSQL_BIND b[3];
	long long id;
	char name[256], desc[256];
	unsigned long nlen, dlen;
	my_bool nnull, dnull;
} row_buf;

static int bind_result(MYSQL_STMT *st, row_buf *r)
{
	memset(r->b, 0, sizeof(r->b));
	r->b[0].buffer_type = MYSQL_TYPE_LONGLONG;
	r->b[0].buffer = &r->id;
	r->b[1].buffer_type = MYSQL_TYPE_STRING;
	r->b[1].buffer = r->name;
	r->b[1].buffer_length = sizeof(r->name);
	r->b[1].length = &r->nlen;
	r->b[1].is_null = &r->nnull;
	r->b[2].buffer_type = MYSQL_TYPE_STRING;
	r->b[2].buffer = r->desc;
	r->b[2].buffer_length = sizeof(r->desc);
	r->b[2].length = &r->dlen;
	r->b[2].is_null = &r->dnull;
	if (mysql_stmt_bind_result(st, r->b))
		return stmt_fail(st, "bind result");
	return 0;
}

static void touch(const row_buf *r, uint64_t *sum)
{
	*sum += (uint64_t)r->id + r->nlen + r->dlen + (r->name[0] == 'c') +
		(r->desc[0] == 'c');
}

/* Executes the SELECT of every row, binding results into r. */
static MYSQL_STMT *select_all(raw_conn *c, bool stream, row_buf *r)
{
	MYSQL_STMT *st =
		prepare(c, ST_SELECT_ALL,
			"SELECT id, name, description FROM " BENCH_TABLE);
	if (!st)
		return NULL;
	if (mysql_stmt_execute(st)) {
		stmt_fail(st, "select");
		return NULL;
	}
	if (!stream && mysql_stmt_store_result(st)) {
		stmt_fail(st, "store result");
		return NULL;
	}
	if (bind_result(st, r)) {
		mysql_stmt_free_result(st);
		return NULL;
	}
	return st;
}

static int my_read_all(raw_conn *c, bool stream, size_t *rows, uint64_t *sum)
{
	row_buf r;
	int rc;
	*rows = 0;
	*sum = 0;
	MYSQL_STMT *st = select_all(c, stream, &r);
	if (!st)
		return -1;
	while ((rc = mysql_stmt_fetch(st)) == 0) {
		touch(&r, sum);
		(*rows)++;
	}
	mysql_stmt_free_result(st);
	if (rc != MYSQL_NO_DATA)
		return stmt_fail(st, "fetch");
	return 0;
}

static int my_read_structs(raw_conn *c, raw_customer ***out, size_t *rows)
{
	row_buf r;
	int rc;
	MYSQL_STMT *st = select_all(c, false, &r);
	if (!st)
		return -1;
	size_t nt = (size_t)mysql_stmt_num_rows(st), n = 0;
	raw_customer **v = malloc((nt ? nt : 1) * sizeof(*v));
	if (!v)
		goto oom;
	while ((rc = mysql_stmt_fetch(st)) == 0 && n < nt) {
		raw_customer *x = malloc(sizeof(*x));
		if (!x)
			goto oom;
		x->id = r.id;
		x->name = strndup(r.name, r.nlen);
		x->description = strndup(r.desc, r.dlen);
		v[n++] = x;
		if (!x->name || !x->description)
			goto oom;
	}
	mysql_stmt_free_result(st);
	if (rc != MYSQL_NO_DATA && rc != 0) {
		raw_customers_free(v, n);
		return stmt_fail(st, "fetch");
	}
	*out = v;
	*rows = n;
	return 0;
oom:
	mysql_stmt_free_result(st);
	raw_customers_free(v, n);
	fprintf(stderr, "raw mysql: out of memory\n");
	return -1;
}

static int my_lookup(raw_conn *c, const int64_t *ids, size_t n, uint64_t *sum)
{
	row_buf r;
	long long id;
	MYSQL_BIND pb;
	*sum = 0;
	MYSQL_STMT *st =
		prepare(c, ST_SELECT_ONE,
			"SELECT id, name, description FROM " BENCH_TABLE
			" WHERE id = ?");
	if (!st)
		return -1;
	memset(&pb, 0, sizeof(pb));
	pb.buffer_type = MYSQL_TYPE_LONGLONG;
	pb.buffer = &id;
	if (mysql_stmt_bind_param(st, &pb))
		return stmt_fail(st, "bind");
	if (bind_result(st, &r))
		return -1;
	if (my_exec(c, "START TRANSACTION"))
		return -1;
	for (size_t i = 0; i < n; i++) {
		id = ids[i];
		if (mysql_stmt_execute(st)) {
			stmt_fail(st, "lookup");
			goto fail;
		}
		int got = 0, rc;
		while ((rc = mysql_stmt_fetch(st)) == 0) {
			touch(&r, sum);
			got++;
		}
		if (rc != MYSQL_NO_DATA || got != 1) {
			stmt_fail(st, "lookup fetch");
			goto fail;
		}
	}
	if (mysql_commit(c->my))
		return fail(c, "commit");
	return 0;
fail:
	mysql_stmt_free_result(st);
	mysql_rollback(c->my);
	return -1;
}

const raw_driver raw_mysql_driver = {
	.backend = "mysql",
	.connect = my_connect,
	.close = my_close,
	.exec = my_exec,
	.insert_bulk = my_insert_bulk,
	.insert_rows = my_insert_rows,
	.insert_each_tx = my_insert_each_tx,
	.update_rows = my_update_rows,
	.read_all = my_read_all,
	.read_structs = my_read_structs,
	.lookup = my_lookup,
};
