/*
 * sqlite3_driver.c - the "sqlite3" driver: SQLite's C API behind quarry's
 * driver interface (include/quarry/sys/driver.h).
 *
 * URL: sqlite:///path.db, sqlite:////abs/path.db, sqlite:// or
 * sqlite:///:memory: (in memory). Query options: timeout=<seconds> (busy
 * timeout, default 5 as Python's sqlite3), uri=true (the database is a
 * "file:" URI), check_same_thread=false (threads share the connection:
 * SQLite's serialized mode; the engine sets it for a static pool), and
 * SQLite URI parameters (mode, cache, vfs, immutable, nolock, psow), which
 * open the file as a URI with those parameters.
 *
 * Prepared statements are cached per connection by SQL text (LRU of
 * STMT_CACHE_SIZE), and found by a request's sql_id, when it has one,
 * without comparing the text. Storage follows SQLAlchemy's SQLite dialect:
 * booleans as 0/1, dates as 'YYYY-MM-DD', times as 'HH:MM:SS.ffffff', datetimes
 * as 'YYYY-MM-DD HH:MM:SS.ffffff', exact numerics as text (SQLite applies the
 * column's affinity).
 *
 * Errors follow PEP 249's classes: SQL errors (syntax, no such table) are
 * ProgrammingError, constraint failures IntegrityError, busy/locked/I/O
 * OperationalError. SQLite has no SQLSTATE; the native code is the
 * extended result code.
 */
#include "sqlite.h"
#include "sqlite_regexp.h"

#include "attrs.h"

#include <quarry/sys/driver.h>

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STMT_CACHE_SIZE 64

typedef struct cached_stmt {
	char *sql;
	size_t sql_len;
	sqlite3_stmt *stmt;
	int nparams; /* sqlite3_bind_parameter_count: the SQL decides it */
	/* The sql_id of the last request found to have this SQL (0: none):
	 * a request with the same id has the same SQL, not compared. */
	uint64_t sql_id;
	bool in_use;
	unsigned long last_used;
	/* Copies of the result columns' names then declared types, one
	 * block, made at the first execution returning columns and again
	 * when SQLite has re-prepared the statement since (which may change
	 * them): asking SQLite for them each time costs more. */
	char **colinfo;
	int colinfo_ncols;
	int colinfo_reprepare; /* SQLITE_STMTSTATUS_REPREPARE when made */
} cached_stmt;

struct qr_driver_cursor {
	qr_driver_conn *conn;
	sqlite3_stmt *stmt;
	cached_stmt *cached; /* NULL when the statement is not cached */
	/* The names and types (the cached statement's, or owned_colinfo
	 * for a statement not cached): found when first asked for, or
	 * before the statement is released at the end of the rows, and
	 * kept until the cursor is freed (a lookup freed with its row
	 * unread costs no look at them). */
	char *const *colinfo;
	char **owned_colinfo;
	bool has_row; /* a row is stepped and not yet fetched */
	bool first;   /* the pending row is the first */
	int64_t rowcount;
	int64_t last_id;
	int ncols;
	/* The rows of an INSERT .. RETURNING of the rowid key run without
	 * RETURNING (rowid_insert): the rowids next .. last, in a column of
	 * this name; NULL otherwise. */
	const char *rowids_name;
	int64_t rowids_next, rowids_last;
};

struct qr_driver_conn {
	sqlite3 *db;
	cached_stmt cache[STMT_CACHE_SIZE];
	cached_stmt *last_hit; /* tried first: statements repeat */
	unsigned long clock;
	/* Core frees a cursor before the next execute on its connection,
	 * so one cursor per connection is reused (another is allocated
	 * only when this one is still out). */
	qr_driver_cursor spare;
	bool spare_out;
	bool autocommit;
	bool in_tx; /* begin() succeeded; commit() or rollback() not yet */
	/* Checkouts sharing this connection (per-thread and static pools)
	 * share its transaction: begun counts those whose begin() has not
	 * been ended yet; ended_shared says one of them ended the
	 * transaction while others were in it (see sqlite_begin). */
	int begun;
	bool ended_shared;
};

/* Records an SQLite error with its class. */
static int fail(sqlite3 *db, int rc, const char *what)
{
	int ext = db ? sqlite3_extended_errcode(db) : rc;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	qr_errclass klass;
	int code = QR_EDB;

	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		klass = QR_ECLASS_INTEGRITY;
		break;
	case SQLITE_ERROR:
	case SQLITE_AUTH:
		klass = QR_ECLASS_PROGRAMMING;
		break;
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
	case SQLITE_RANGE:
		klass = QR_ECLASS_DATA;
		break;
	case SQLITE_INTERNAL:
	case SQLITE_CORRUPT:
		klass = QR_ECLASS_INTERNAL;
		break;
	case SQLITE_MISUSE:
		klass = QR_ECLASS_INTERFACE;
		break;
	case SQLITE_NOMEM:
		code = QR_ENOMEM;
		klass = QR_ECLASS_INTERNAL;
		break;
	default:
		klass = QR_ECLASS_OPERATIONAL;
		break;
	}
	return qr_error_set_db(code, klass, NULL, ext, false, "%s%s%s",
			       what ? what : "", what ? ": " : "", msg);
}

/* Whether a URL query key is one of SQLite's URI parameters. */
static bool is_uri_param(const char *key)
{
	static const char *const keys[] = {"mode",      "cache",  "vfs",
					   "immutable", "nolock", "psow",
					   "modeof"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(key, keys[i]) == 0)
			return true;
	}
	return false;
}

/* The value of an option: connect args override the URL query. */
static const char *option(const qr_connect_args *args, const char *key)
{
	for (size_t i = 0; args->extra && args->extra[i]; i += 2) {
		if (strcmp(args->extra[i], key) == 0)
			return args->extra[i + 1];
	}
	return qr_url_query_get(args->url, key);
}

static bool truthy(const char *v)
{
	return v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 ||
		     strcasecmp(v, "yes") == 0 || strcasecmp(v, "on") == 0);
}

/* Percent-encodes s for a SQLite URI into buf. */
static void uri_encode(char *buf, size_t cap, size_t *len, const char *s)
{
	for (; *s && *len + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~/:", c)) {
			buf[(*len)++] = (char)c;
		} else {
			*len += (size_t)snprintf(buf + *len, cap - *len,
						 "%%%02X", c);
		}
	}
	buf[*len] = '\0';
}

static int sqlite_connect(qr_driver_conn **out, const qr_connect_args *args)
{
	const char *db = qr_url_database(args->url);
	char path[4096];
	/* A quarry connection is used by one thread at a time (the pool
	 * hands it over under its own lock), so SQLite's per-call mutex
	 * (serialized mode) only costs: multi-thread mode. Unless
	 * check_same_thread=false says threads share it (a static pool):
	 * serialized mode then. */
	const char *same_thread = option(args, "check_same_thread");
	bool shared = same_thread && !truthy(same_thread);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
		    (shared ? SQLITE_OPEN_FULLMUTEX : SQLITE_OPEN_NOMUTEX);
	bool uri = truthy(option(args, "uri"));
	bool has_uri_params = false;

	*out = NULL;
	if (!db || !*db)
		db = ":memory:";
	for (size_t i = 0; i < qr_url_query_count(args->url); i++) {
		if (is_uri_param(qr_url_query_key(args->url, i)))
			has_uri_params = true;
	}
	if (uri) {
		snprintf(path, sizeof(path), "%s", db);
		flags |= SQLITE_OPEN_URI;
	} else if (has_uri_params) {
		/* Open the file as a URI carrying SQLite's parameters. */
		size_t len = 0;
		len += (size_t)snprintf(path, sizeof(path), "file:");
		uri_encode(path, sizeof(path), &len, db);
		char sep = '?';
		for (size_t i = 0; i < qr_url_query_count(args->url); i++) {
			const char *k = qr_url_query_key(args->url, i);
			if (!is_uri_param(k))
				continue;
			if (len + 2 < sizeof(path))
				path[len++] = sep;
			sep = '&';
			uri_encode(path, sizeof(path), &len, k);
			if (len + 2 < sizeof(path))
				path[len++] = '=';
			uri_encode(path, sizeof(path), &len,
				   qr_url_query_value(args->url, i));
		}
		flags |= SQLITE_OPEN_URI;
		const char *mode = qr_url_query_get(args->url, "mode");
		if (mode && strcmp(mode, "ro") == 0)
			flags = (flags & ~(SQLITE_OPEN_READWRITE |
					   SQLITE_OPEN_CREATE)) |
				SQLITE_OPEN_READONLY;
	} else {
		snprintf(path, sizeof(path), "%s", db);
	}

	qr_driver_conn *c = calloc(1, sizeof(*c));
	if (!c)
		return qr_error_oom("sqlite connection");
	int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		int err;
		if ((rc & 0xff) == SQLITE_NOMEM)
			err = qr_error_oom("sqlite connection");
		else
			err = qr_error_set_db(
				QR_EDB, QR_ECLASS_OPERATIONAL, NULL, rc, false,
				"unable to open database file '%s': %s", db,
				c->db ? sqlite3_errmsg(c->db)
				      : sqlite3_errstr(rc));
		sqlite3_close(c->db);
		free(c);
		return err;
	}
	sqlite3_extended_result_codes(c->db, 1);
	rc = qr_sqlite__register_regexp(c->db);
	if (rc != SQLITE_OK) {
		int err = (rc & 0xff) == SQLITE_NOMEM
				  ? qr_error_oom("sqlite connection")
				  : qr_error_set_db(
					    QR_EDB, QR_ECLASS_OPERATIONAL, NULL,
					    rc, false,
					    "sqlite: registering regexp(): %s",
					    sqlite3_errstr(rc));
		sqlite3_close(c->db);
		free(c);
		return err;
	}
	const char *timeout = option(args, "timeout");
	double secs = timeout ? atof(timeout) : 5.0;
	sqlite3_busy_timeout(c->db, (int)(secs * 1000));
	*out = c;
	return 0;
}

static void sqlite_close(qr_driver_conn *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
		sqlite3_finalize(c->cache[i].stmt);
		free(c->cache[i].sql);
		free(c->cache[i].colinfo);
	}
	sqlite3_close_v2(c->db);
	free(c);
}

/* Whether cached statement e is free and holds sql (len bytes), which
 * the request names sql_id (see qr_driver_exec). */
static bool cache_match(const cached_stmt *e, const char *sql, size_t len,
			uint64_t sql_id)
{
	if (!e->stmt || e->in_use)
		return false;
	return (sql_id && e->sql_id == sql_id) ||
	       (e->sql_len == len && memcmp(e->sql, sql, len) == 0);
}

/* Takes cached statement e for an execution of sql_id. */
static void cache_take(qr_driver_conn *c, cached_stmt *e, uint64_t sql_id,
		       sqlite3_stmt **stmt, cached_stmt **cached)
{
	e->in_use = true;
	e->last_used = c->clock;
	if (sql_id)
		e->sql_id = sql_id;
	*stmt = e->stmt;
	*cached = e;
	c->last_hit = e;
}

/* Finds or prepares a statement for sql (len bytes), which the request
 * names sql_id (0: no name). *tail gets the unparsed rest (for scripts);
 * a statement with a non-empty tail is not cached. */
static int prepare(qr_driver_conn *c, const char *sql, size_t len,
		   uint64_t sql_id, sqlite3_stmt **stmt, cached_stmt **cached,
		   const char **tail)
{
	cached_stmt *victim = NULL;
	*cached = NULL;
	*tail = NULL;
	c->clock++;
	/* Statements repeat: the last one found is tried first. */
	if (c->last_hit && cache_match(c->last_hit, sql, len, sql_id)) {
		cache_take(c, c->last_hit, sql_id, stmt, cached);
		return 0;
	}
	for (size_t i = 0; i < STMT_CACHE_SIZE; i++) {
		cached_stmt *e = &c->cache[i];
		if (cache_match(e, sql, len, sql_id)) {
			cache_take(c, e, sql_id, stmt, cached);
			return 0;
		}
		if (!e->in_use &&
		    (!victim || !e->stmt ||
		     (victim->stmt && e->last_used < victim->last_used)))
			victim = e;
	}
	int rc = sqlite3_prepare_v2(c->db, sql, (int)len, stmt, tail);
	if (rc != SQLITE_OK)
		return fail(c->db, rc, NULL);
	if (!*stmt)
		return 0; /* only white space or comments */
	bool script = false;
	for (const char *p = *tail; p && p < sql + len; p++) {
		if (!isspace((unsigned char)*p) && *p != ';') {
			script = true;
			break;
		}
	}
	if (!script)
		*tail = NULL;
	if (script || !victim)
		return 0;
	char *copy = malloc(len + 1);
	if (!copy)
		return 0; /* run uncached */
	memcpy(copy, sql, len);
	copy[len] = '\0';
	sqlite3_finalize(victim->stmt);
	free(victim->sql);
	free(victim->colinfo);
	*victim = (cached_stmt){.sql = copy,
				.sql_len = len,
				.stmt = *stmt,
				.nparams = sqlite3_bind_parameter_count(*stmt),
				.sql_id = sql_id,
				.in_use = true,
				.last_used = c->clock};
	*cached = victim;
	c->last_hit = victim;
	return 0;
}

static void format_time(char *buf, size_t cap, const qr_time *t)
{
	snprintf(buf, cap, "%02d:%02d:%02d.%06u", t->hour, t->minute, t->second,
		 (unsigned)t->microsecond);
}

/* Binds v as parameter i; text and blob bytes are copied by SQLite
 * unless bytes is SQLITE_STATIC (they outlive every step then). */
static QR_NOINLINE int bind_one(sqlite3_stmt *stmt, int i, const qr_value *v,
				sqlite3_destructor_type bytes)
{
	char buf[64];
	switch (v->kind) {
	case QR_VLIST:
		/* Expanding IN lists are expanded before they reach a driver.
		 */
		return SQLITE_MISMATCH;
	case QR_VNULL:
		return sqlite3_bind_null(stmt, i);
	case QR_VINT:
		return sqlite3_bind_int64(stmt, i, v->u.i);
	case QR_VDOUBLE:
		return sqlite3_bind_double(stmt, i, v->u.d);
	case QR_VBOOL:
		return sqlite3_bind_int(stmt, i, v->u.b ? 1 : 0);
	case QR_VTEXT:
	case QR_VNUMERIC:
		return sqlite3_bind_text64(stmt, i, v->u.s.ptr, v->u.s.len,
					   bytes, SQLITE_UTF8);
	case QR_VBLOB:
		return sqlite3_bind_blob64(stmt, i, v->u.s.ptr, v->u.s.len,
					   bytes);
	case QR_VDATE:
		qr_date_format(&v->u.date, buf, sizeof(buf));
		return sqlite3_bind_text(stmt, i, buf, -1, SQLITE_TRANSIENT);
	case QR_VTIME:
		format_time(buf, sizeof(buf), &v->u.time);
		return sqlite3_bind_text(stmt, i, buf, -1, SQLITE_TRANSIENT);
	case QR_VDATETIME: {
		const qr_datetime *dt = &v->u.datetime;
		int n = qr_date_format(&dt->date, buf, sizeof(buf));
		buf[n++] = ' ';
		format_time(buf + n, sizeof(buf) - (size_t)n, &dt->time);
		if (dt->has_offset) {
			int off = dt->offset_seconds < 0 ? -dt->offset_seconds
							 : dt->offset_seconds;
			size_t l = strlen(buf);
			snprintf(buf + l, sizeof(buf) - l, "%c%02d:%02d",
				 dt->offset_seconds < 0 ? '-' : '+', off / 3600,
				 (off % 3600) / 60);
		}
		return sqlite3_bind_text(stmt, i, buf, -1, SQLITE_TRANSIENT);
	}
	}
	return SQLITE_MISMATCH;
}

/*
 * Whether SQLite must copy the text and blob params of a statement it
 * runs with ex: not when it is done reading them before they may go.
 * Every step happens in the execute call (an executemany, whose rows are
 * discarded; a statement without result columns), or the caller holds
 * them until the cursor is freed. Otherwise (a query's later steps read
 * its params) SQLite copies them. The pointers left bound after the call
 * are never read: every execution binds every parameter again first.
 * Asked only when such a param is bound (a lookup by integer key asks
 * nothing).
 */
static sqlite3_destructor_type bytes_mode(sqlite3_stmt *stmt,
					  const qr_driver_exec *ex)
{
	return ex->params_held || ex->nrows > 1 ||
			       sqlite3_column_count(stmt) == 0
		       ? SQLITE_STATIC
		       : SQLITE_TRANSIENT;
}

/* Binds a row of n values; expected is the statement's parameter
 * count (cached with a cached statement); text and blob bytes are
 * copied by SQLite unless bytes_mode says otherwise. */
static inline int bind_row(qr_driver_conn *c, sqlite3_stmt *stmt, int expected,
			   const qr_value *vals, size_t n,
			   const qr_driver_exec *ex)
{
	if ((size_t)expected != n)
		return qr_error_set(QR_EPARAM, QR_ECLASS_PROGRAMMING,
				    "Incorrect number of bindings supplied. "
				    "The current statement uses %d, and there "
				    "are %zu supplied.",
				    expected, n);
	for (size_t i = 0; i < n; i++) {
		int rc;
		/* the common cases inline */
		if (vals[i].kind == QR_VINT)
			rc = sqlite3_bind_int64(stmt, (int)i + 1, vals[i].u.i);
		else if (vals[i].kind == QR_VTEXT)
			rc = sqlite3_bind_text64(
				stmt, (int)i + 1, vals[i].u.s.ptr,
				vals[i].u.s.len, bytes_mode(stmt, ex),
				SQLITE_UTF8);
		else
			rc = bind_one(stmt, (int)i + 1, &vals[i],
				      bytes_mode(stmt, ex));
		if (rc != SQLITE_OK)
			return fail(c->db, rc, "binding parameter");
	}
	return 0;
}

static void release_stmt(qr_driver_cursor *cur)
{
	if (!cur->stmt)
		return;
	if (cur->cached) {
		/* The bindings stay: the next execution binds every
		 * parameter again before stepping. */
		sqlite3_reset(cur->stmt);
		cur->cached->in_use = false;
	} else {
		sqlite3_finalize(cur->stmt);
	}
	cur->stmt = NULL;
	cur->cached = NULL;
}

/* Runs the rest of a script (statements after the first), no params. */
static int run_tail(qr_driver_conn *c, const char *tail, const char *end,
		    int64_t *changes)
{
	while (tail && tail < end) {
		sqlite3_stmt *stmt = NULL;
		const char *next = NULL;
		int rc = sqlite3_prepare_v2(c->db, tail, (int)(end - tail),
					    &stmt, &next);
		if (rc != SQLITE_OK)
			return fail(c->db, rc, NULL);
		if (!stmt)
			break;
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			;
		sqlite3_finalize(stmt);
		if (rc != SQLITE_DONE)
			return fail(c->db, rc, NULL);
		*changes += sqlite3_changes64(c->db);
		tail = next;
	}
	return 0;
}

/*
 * SQLite rolls a whole transaction back by itself after some errors (out
 * of memory, disk full, I/O errors, a constraint with ON CONFLICT
 * ROLLBACK). The statements after that would each commit on their own
 * and the transaction's COMMIT would save nothing, silently: so, as
 * PostgreSQL does in an aborted transaction, the driver refuses both
 * until the transaction is rolled back.
 */
static int check_tx(qr_driver_conn *c)
{
	if (c->in_tx && sqlite3_get_autocommit(c->db))
		return qr_error_set_db(QR_EDB, QR_ECLASS_INTERNAL, NULL, 0,
				       false,
				       "the transaction was rolled back by "
				       "SQLite after an earlier error; roll "
				       "back before running more statements");
	return 0;
}

/* A cursor for c: its spare one when free. */
static qr_driver_cursor *cursor_new(qr_driver_conn *c)
{
	qr_driver_cursor *cur;
	if (!c->spare_out) {
		c->spare_out = true;
		cur = &c->spare;
	} else if (!(cur = malloc(sizeof(*cur)))) {
		return NULL;
	}
	*cur = (qr_driver_cursor){.conn = c, .rowcount = -1};
	return cur;
}

static void cursor_release(qr_driver_cursor *cur)
{
	if (cur->owned_colinfo) {
		free(cur->owned_colinfo);
		cur->owned_colinfo = NULL;
	}
	cur->colinfo = NULL;
	if (cur == &cur->conn->spare)
		cur->conn->spare_out = false;
	else
		free(cur);
}

/* A copy of a statement's column names then declared types (ncols of
 * each) in one block; NULL when out of memory. */
static char **copy_colinfo(sqlite3_stmt *stmt, int ncols)
{
	size_t bytes = 2 * (size_t)ncols * sizeof(char *);
	for (int i = 0; i < ncols; i++) {
		const char *n = sqlite3_column_name(stmt, i);
		const char *t = sqlite3_column_decltype(stmt, i);
		bytes += (n ? strlen(n) : 0) + (t ? strlen(t) : 0) + 2;
	}
	char **info = malloc(bytes);
	if (!info)
		return NULL;
	char *p = (char *)(info + 2 * ncols);
	for (int i = 0; i < 2 * ncols; i++) {
		const char *v =
			i < ncols ? sqlite3_column_name(stmt, i)
				  : sqlite3_column_decltype(stmt, i - ncols);
		size_t len = v ? strlen(v) : 0;
		if (len)
			memcpy(p, v, len);
		p[len] = '\0';
		info[i] = p;
		p += len + 1;
	}
	return info;
}

/* The cached copies of a statement's column names and types (ncols of
 * each), made now if missing or stale; NULL when out of memory (the
 * cursor then asks SQLite). */
static char *const *colinfo(cached_stmt *e, sqlite3_stmt *stmt, int ncols)
{
	int reprepared =
		sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_REPREPARE, 0);
	if (e->colinfo && e->colinfo_ncols == ncols &&
	    e->colinfo_reprepare == reprepared)
		return e->colinfo;
	free(e->colinfo);
	e->colinfo = NULL;
	char **info = copy_colinfo(stmt, ncols);
	if (!info)
		return NULL;
	e->colinfo = info;
	e->colinfo_ncols = ncols;
	e->colinfo_reprepare = reprepared;
	return info;
}

/* Finds the cursor's column names and types while its statement is
 * still held (the names SQLite gives last until it is reset); out of
 * memory they stay unknown and are asked of SQLite while it can say. */
static void load_colinfo(qr_driver_cursor *cur)
{
	if (cur->colinfo || !cur->ncols || !cur->stmt)
		return;
	if (cur->cached)
		cur->colinfo = colinfo(cur->cached, cur->stmt, cur->ncols);
	else
		cur->colinfo = cur->owned_colinfo =
			copy_colinfo(cur->stmt, cur->ncols);
}

/*
 * Binds ex's one parameter set to cur's statement (expected parameters)
 * and steps it once: a row is left pending in the cursor, and the
 * columns and counts are taken (after the step, which re-prepares a
 * statement whose schema changed: SELECT * after ALTER TABLE). 0 or an
 * error; the caller releases the cursor on error.
 */
static inline int step_once(qr_driver_cursor *cur, const qr_driver_exec *ex,
			    int expected)
{
	qr_driver_conn *c = cur->conn;
	int rc = bind_row(c, cur->stmt, expected, ex->params, ex->nparams, ex);
	if (rc)
		return rc;
	int step = sqlite3_step(cur->stmt);
	if (step == SQLITE_ROW) {
		cur->has_row = true;
		cur->first = true;
	} else if (step != SQLITE_DONE) {
		return fail(c->db, step, NULL);
	}
	cur->ncols = sqlite3_column_count(cur->stmt);
	if (!cur->has_row &&
	    (cur->ncols == 0 || sqlite3_stmt_readonly(cur->stmt) == 0))
		cur->rowcount = sqlite3_changes64(c->db); /* or RETURNING's */
	cur->last_id = sqlite3_last_insert_rowid(c->db);
	if (!cur->has_row && !cur->ncols)
		release_stmt(cur);
	return 0;
}

/* Any execution: statements not cached or not run by this id before,
 * executemany, scripts (statements after the first). */
static QR_NOINLINE int execute_stmt(qr_driver_cursor **out, qr_driver_conn *c,
				    const qr_driver_exec *ex)
{
	sqlite3_stmt *stmt = NULL;
	cached_stmt *cached = NULL;
	const char *tail = NULL;

	*out = NULL;
	qr_driver_cursor *cur = cursor_new(c);
	if (!cur)
		return qr_error_oom("sqlite cursor");
	int rc = prepare(c, ex->sql, ex->sql_len, ex->sql_id, &stmt, &cached,
			 &tail);
	if (rc) {
		cursor_release(cur);
		return rc;
	}
	cur->stmt = stmt;
	cur->cached = cached;
	if (!stmt) {
		*out = cur; /* an empty statement */
		return 0;
	}
	if (tail && ex->nparams) {
		release_stmt(cur);
		cursor_release(cur);
		return qr_error_set(QR_EPARAM, QR_ECLASS_PROGRAMMING,
				    "You can only execute one statement at a "
				    "time when it has parameters.");
	}
	size_t nrows = ex->nrows ? ex->nrows : 1;
	int64_t total = 0;
	int expected =
		cached ? cached->nparams : sqlite3_bind_parameter_count(stmt);
	if (nrows == 1 && !tail) {
		rc = step_once(cur, ex, expected);
		if (rc)
			goto failed;
		*out = cur;
		return 0;
	}
	/* executemany, or the first statement of a script */
	for (size_t r = 0; r < nrows; r++) {
		if (r > 0)
			sqlite3_reset(stmt);
		rc = bind_row(c, stmt, expected, ex->params + r * ex->nparams,
			      ex->nparams, ex);
		if (rc)
			goto failed;
		int step = sqlite3_step(stmt);
		if (step == SQLITE_ROW && nrows == 1) {
			cur->has_row = true;
			cur->first = true;
			break;
		}
		while (step == SQLITE_ROW)
			step = sqlite3_step(stmt); /* executemany: discard */
		if (step != SQLITE_DONE) {
			rc = fail(c->db, step, NULL);
			goto failed;
		}
		total += sqlite3_changes64(c->db);
	}
	rc = run_tail(c, tail, ex->sql + ex->sql_len, &total);
	if (rc)
		goto failed;
	cur->ncols = sqlite3_column_count(stmt);
	if (!cur->has_row)
		cur->rowcount = total;
	cur->last_id = sqlite3_last_insert_rowid(c->db);
	if (!cur->has_row && !cur->ncols)
		release_stmt(cur);
	*out = cur;
	return 0;
failed:
	release_stmt(cur);
	cursor_release(cur);
	return rc;
}

/*
 * A statement run again by the id it last ran by, on the connection's
 * last statement, with one parameter set and the spare cursor free:
 * what a lookup repeats. Found without the cache's search and run
 * without the general path's frame; NULL for anything else, which
 * execute_stmt runs.
 */
static inline qr_driver_cursor *cursor_again(qr_driver_conn *c,
					     const qr_driver_exec *ex)
{
	cached_stmt *e = c->last_hit;
	if (!e || !ex->sql_id || e->sql_id != ex->sql_id || !e->stmt ||
	    e->in_use || ex->nrows > 1 || c->spare_out)
		return NULL;
	e->in_use = true;
	e->last_used = ++c->clock;
	c->spare_out = true;
	c->spare = (qr_driver_cursor){
		.conn = c, .stmt = e->stmt, .cached = e, .rowcount = -1};
	return &c->spare;
}

/* ---- INSERT .. RETURNING of the rowid key, run without RETURNING ------- */

/*
 * SQLite makes the rows of INSERT .. RETURNING in a table of its own
 * and reads them back: an executemany of a batch of new rows asking only
 * for their keys cost three times the INSERT. When the key is the table's
 * rowid, the rowids a multi-row INSERT makes are consecutive (one more
 * than the largest each time) unless something else writes in between or
 * the largest rowid is reached, so the batch runs without RETURNING, in a
 * savepoint, and its rows are told from the last rowid when every check
 * holds; otherwise it is rolled back to the savepoint and run as asked.
 */

/* Steps the statement sql (cached) with no parameter or with *arg, and
 * reads its row's first column: 1 and *v (0 for NULL), 0 without a row,
 * or an error, recorded when record is set. */
static int step_sql(qr_driver_conn *c, const char *sql, const int64_t *arg,
		    int64_t *v, bool record)
{
	sqlite3_stmt *stmt = NULL;
	cached_stmt *cached = NULL;
	const char *tail = NULL;
	int rc = prepare(c, sql, strlen(sql), 0, &stmt, &cached, &tail);
	if (rc)
		return rc;
	int step = arg ? sqlite3_bind_int64(stmt, 1, *arg) : SQLITE_OK;
	if (step == SQLITE_OK)
		step = sqlite3_step(stmt);
	if (step == SQLITE_ROW)
		*v = sqlite3_column_int64(stmt, 0);
	rc = step == SQLITE_ROW    ? 1
	     : step == SQLITE_DONE ? 0
	     : record              ? fail(c->db, step, NULL)
				   : QR_EDB;
	if (cached) {
		sqlite3_reset(stmt);
		cached->in_use = false;
	} else {
		sqlite3_finalize(stmt);
	}
	return rc;
}

/* Leaves the savepoint, rolled back to first when undo: 0 or an error,
 * recorded when record is set. */
static int savepoint_end(qr_driver_conn *c, bool undo, bool record)
{
	int64_t unused;
	int rc = undo ? step_sql(c, "ROLLBACK TO SAVEPOINT qr_rowids", NULL,
				 &unused, record)
		      : 0;
	int end = step_sql(c, "RELEASE SAVEPOINT qr_rowids", NULL, &unused,
			   record);
	return rc < 0 ? rc : end < 0 ? end : 0;
}

/*
 * Tries ex (an INSERT .. RETURNING whose rowid_sql is set) without its
 * RETURNING: 0 with *out a cursor of the keys, 1 when it could not be
 * (nothing done: the caller runs ex as it is), or an error (the
 * INSERT's, or out of memory).
 */
static int rowid_insert(qr_driver_cursor **out, qr_driver_conn *c,
			const qr_driver_exec *ex)
{
	const char *max_sql = ex->rowid_sql;
	const char *key_sql = max_sql + strlen(max_sql) + 1;
	const char *name = key_sql + strlen(key_sql) + 1;
	size_t len = ex->returning_off;
	int64_t max = 0, key = 0;

	*out = NULL;
	if (ex->nrows > 1 || len > ex->sql_len || sqlite3_get_autocommit(c->db))
		return 1;
	while (len > 0 && isspace((unsigned char)ex->sql[len - 1]))
		len--;
	/* The largest rowid now: from far below the last one possible, the
	 * rowids made count up from the next. An error here (no rowid: a
	 * WITHOUT ROWID table) leaves the statement as asked. */
	int rc = step_sql(c, max_sql, NULL, &max, true);
	if (rc == 1 && max <= INT64_MAX - ((int64_t)1 << 32))
		rc = step_sql(c, "SAVEPOINT qr_rowids", NULL, &key, true);
	else if (rc >= 0)
		rc = 1;
	if (rc)
		return rc == QR_ENOMEM ? rc : 1;
	qr_driver_cursor *cur = cursor_new(c);
	if (!cur) {
		savepoint_end(c, false, false);
		return qr_error_oom("sqlite cursor");
	}
	const char *tail = NULL;
	int64_t before = sqlite3_total_changes64(c->db);
	rc = prepare(c, ex->sql, len, 0, &cur->stmt, &cur->cached, &tail);
	if (rc == 0 && (!cur->stmt || tail))
		rc = 1; /* not one statement: as asked */
	if (rc == 0)
		rc = bind_row(c, cur->stmt,
			      cur->cached
				      ? cur->cached->nparams
				      : sqlite3_bind_parameter_count(cur->stmt),
			      ex->params, ex->nparams, ex);
	if (rc == 0) {
		int step = sqlite3_step(cur->stmt);
		if (step != SQLITE_DONE)
			rc = fail(c->db,
				  step == SQLITE_ROW ? SQLITE_MISUSE : step,
				  NULL);
	}
	release_stmt(cur);
	int64_t made = sqlite3_changes64(c->db);
	int64_t last = sqlite3_last_insert_rowid(c->db);
	/* Every row made by this INSERT and nothing else (no trigger
	 * wrote), above the largest rowid before, and the key column is the
	 * rowid. */
	if (rc == 0 &&
	    (made < 1 || sqlite3_total_changes64(c->db) - before != made ||
	     last - made < max))
		rc = 1;
	if (rc == 0) {
		int row = step_sql(c, key_sql, &last, &key, true);
		rc = row < 0 ? row : row != 1 || key != last;
	}
	/* (the INSERT's own error stays the one recorded) */
	int end = savepoint_end(c, rc != 0, rc >= 0);
	if (rc >= 0 && end < 0)
		rc = end; /* not undone or not released: stop there */
	if (rc) {
		cursor_release(cur);
		return rc;
	}
	cur->ncols = 1;
	cur->rowcount = made;
	cur->last_id = last;
	cur->rowids_name = name;
	cur->rowids_next = last - made + 1;
	cur->rowids_last = last;
	*out = cur;
	return 0;
}

/* The next row of a cursor of rowids. */
static int rowids_fetch(qr_driver_cursor *cur, qr_value *vals)
{
	if (cur->rowids_next > cur->rowids_last)
		return 0;
	vals[0].kind = QR_VINT;
	vals[0].u.i = cur->rowids_next++;
	return 1;
}

static int rebegin_shared(qr_driver_conn *c);

static int sqlite_execute(qr_driver_cursor **out, qr_driver_conn *c,
			  const qr_driver_exec *ex)
{
	int rc = check_tx(c);
	if (rc == 0)
		rc = rebegin_shared(c);
	if (rc) {
		*out = NULL;
		return rc;
	}
	qr_driver_cursor *cur = cursor_again(c, ex);
	if (cur) {
		*out = cur;
		rc = step_once(cur, ex, cur->cached->nparams);
		if (rc) {
			*out = NULL;
			release_stmt(cur);
			c->spare_out = false; /* (it owns no column names) */
		}
	} else if (!ex->rowid_sql || (rc = rowid_insert(out, c, ex)) > 0) {
		/* (a batch of an executemany is never run again by its id:
		 * rowid_insert is tried here, off the lookup's path) */
		rc = execute_stmt(out, c, ex);
	}
	/* A statement that ended the transaction itself ("COMMIT" as
	 * text) succeeded: there is no transaction left to refuse. (One
	 * with a row pending did not: none of those returns rows.) */
	if (rc == 0 && c->in_tx && !(*out)->has_row &&
	    sqlite3_get_autocommit(c->db))
		c->in_tx = false;
	return rc;
}

static size_t sqlite_column_count(const qr_driver_cursor *cur)
{
	return (size_t)cur->ncols;
}

/* The names are looked up when first asked for: the cursor is
 * logically const (a cache), hence the cast. */
static const char *sqlite_column_name(const qr_driver_cursor *cur, size_t i)
{
	if (cur->rowids_name)
		return cur->rowids_name;
	load_colinfo((qr_driver_cursor *)cur);
	if (cur->colinfo)
		return cur->colinfo[i];
	if (!cur->stmt)
		return "";
	const char *n = sqlite3_column_name(cur->stmt, (int)i);
	return n ? n : "";
}

static const char *sqlite_column_type(const qr_driver_cursor *cur, size_t i)
{
	load_colinfo((qr_driver_cursor *)cur);
	if (cur->colinfo)
		return cur->colinfo[(size_t)cur->ncols + i];
	if (!cur->stmt)
		return "";
	const char *t = sqlite3_column_decltype(cur->stmt, (int)i);
	return t ? t : "";
}

static int sqlite_fetch(qr_driver_cursor *cur, qr_value *vals)
{
	sqlite3_stmt *stmt = cur->stmt;
	if (!stmt)
		return cur->rowids_name ? rowids_fetch(cur, vals) : 0;
	if (!cur->has_row) {
		int step = sqlite3_step(cur->stmt);
		if (step == SQLITE_DONE) {
			if (sqlite3_stmt_readonly(cur->stmt) == 0)
				cur->rowcount =
					sqlite3_changes64(cur->conn->db);
			cur->last_id = sqlite3_last_insert_rowid(cur->conn->db);
			load_colinfo(cur); /* the names outlive the rows */
			release_stmt(cur);
			return 0;
		}
		if (step != SQLITE_ROW) {
			int rc = fail(cur->conn->db, step, NULL);
			load_colinfo(cur);
			release_stmt(cur);
			return rc;
		}
	}
	cur->has_row = false;
	/* One sqlite3_column_value per column, then the value's accessors:
	 * fewer calls into SQLite than sqlite3_column_type plus a typed
	 * sqlite3_column_* getter. The connection is opened without
	 * SQLite's mutex (SQLITE_OPEN_NOMUTEX), so the column's value may
	 * be read through sqlite3_value_* directly. */
	for (int i = 0, n = cur->ncols; i < n; i++) {
		qr_value *v = &vals[i];
		sqlite3_value *sv = sqlite3_column_value(stmt, i);
		switch (sqlite3_value_type(sv)) {
		case SQLITE_INTEGER:
			v->kind = QR_VINT;
			v->u.i = sqlite3_value_int64(sv);
			break;
		case SQLITE_FLOAT:
			v->kind = QR_VDOUBLE;
			v->u.d = sqlite3_value_double(sv);
			break;
		case SQLITE_TEXT:
			v->kind = QR_VTEXT;
			v->u.s.ptr = (const char *)sqlite3_value_text(sv);
			v->u.s.len = (size_t)sqlite3_value_bytes(sv);
			if (!v->u.s.ptr)
				return fail(cur->conn->db, SQLITE_NOMEM, NULL);
			break;
		case SQLITE_BLOB:
			v->kind = QR_VBLOB;
			v->u.s.ptr = sqlite3_value_blob(sv);
			/* NULL is an empty blob, or out of memory. */
			if (!v->u.s.ptr &&
			    sqlite3_errcode(cur->conn->db) == SQLITE_NOMEM)
				return fail(cur->conn->db, SQLITE_NOMEM, NULL);
			v->u.s.len = (size_t)sqlite3_value_bytes(sv);
			if (!v->u.s.ptr)
				v->u.s.ptr = "";
			break;
		default:
			v->kind = QR_VNULL;
			break;
		}
	}
	return 1;
}

static int64_t sqlite_rowcount(const qr_driver_cursor *cur)
{
	return cur->rowcount;
}

static int64_t sqlite_last_insert_id(const qr_driver_cursor *cur)
{
	return cur->last_id;
}

static void sqlite_cursor_free(qr_driver_cursor *cur)
{
	if (!cur)
		return;
	release_stmt(cur);
	cursor_release(cur);
}

static int exec_simple(qr_driver_conn *c, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &err);
	sqlite3_free(err);
	return rc == SQLITE_OK ? 0 : fail(c->db, rc, NULL);
}

/*
 * One SQLite connection has one transaction. When checkouts share the
 * connection (the per-thread pool of sqlite:///:memory:, the static
 * pool), a checkout beginning while another's transaction is open joins
 * it instead of failing on a second BEGIN ("cannot start a transaction
 * within a transaction"), as two SQLAlchemy Connections sharing one
 * pysqlite connection do (pysqlite emits BEGIN only when none is open).
 * A COMMIT or ROLLBACK by any of them ends the transaction for all; the
 * others' next statement begins a new one (rebegin_shared), as pysqlite's
 * implicit BEGIN does, so that their own commit or rollback still
 * applies to what they do afterwards.
 */
static int sqlite_begin(qr_driver_conn *c)
{
	int rc = check_tx(c);
	if (rc == 0 && sqlite3_get_autocommit(c->db))
		rc = exec_simple(c, "BEGIN");
	if (rc == 0) {
		c->in_tx = true;
		c->begun++;
	}
	return rc;
}

/* A checkout's transaction ended (its commit or rollback). */
static void end_shared(qr_driver_conn *c)
{
	c->in_tx = false;
	if (c->begun > 0)
		c->begun--;
	c->ended_shared = c->begun > 0;
}

/* Before a statement: a shared transaction ended by another checkout is
 * begun again for those still in theirs. */
static int rebegin_shared(qr_driver_conn *c)
{
	if (!c->ended_shared || !sqlite3_get_autocommit(c->db))
		return 0;
	int rc = exec_simple(c, "BEGIN");
	if (rc == 0) {
		c->in_tx = true;
		c->ended_shared = false;
	}
	return rc;
}

static int sqlite_commit(qr_driver_conn *c)
{
	/* Nothing open: never begun, ended by a checkout sharing the
	 * connection, or rolled back by SQLite (see check_tx), which must
	 * not pass for a commit. */
	int rc = sqlite3_get_autocommit(c->db) ? check_tx(c)
					       : exec_simple(c, "COMMIT");
	if (rc == 0)
		end_shared(c);
	return rc;
}

static int sqlite_rollback(qr_driver_conn *c)
{
	end_shared(c);
	if (sqlite3_get_autocommit(c->db))
		return 0;
	return exec_simple(c, "ROLLBACK");
}

static int sqlite_ping(qr_driver_conn *c)
{
	return exec_simple(c, "SELECT 1");
}

static int sqlite_set_isolation(qr_driver_conn *c, qr_isolation level)
{
	switch (level) {
	case QR_ISOLATION_DEFAULT:
	case QR_ISOLATION_SERIALIZABLE:
		c->autocommit = false;
		return exec_simple(c, "PRAGMA read_uncommitted = 0");
	case QR_ISOLATION_READ_UNCOMMITTED:
		c->autocommit = false;
		return exec_simple(c, "PRAGMA read_uncommitted = 1");
	case QR_ISOLATION_AUTOCOMMIT:
		c->autocommit = true;
		return exec_simple(c, "PRAGMA read_uncommitted = 0");
	default:
		return qr_error_set(QR_ENOTSUP, QR_ECLASS_ARGUMENT,
				    "Invalid value for isolation_level. Valid "
				    "isolation levels for sqlite are "
				    "AUTOCOMMIT, READ UNCOMMITTED, "
				    "SERIALIZABLE");
	}
}

static const char *sqlite_server_version(qr_driver_conn *c)
{
	(void)c;
	return sqlite3_libversion();
}

static const qr_driver sqlite3_driver = {
	.api_version = QR_PLUGIN_API_VERSION,
	.dialect = "sqlite",
	.name = "sqlite3",
	.connect = sqlite_connect,
	.close = sqlite_close,
	.execute = sqlite_execute,
	.column_count = sqlite_column_count,
	.column_name = sqlite_column_name,
	.column_type = sqlite_column_type,
	.fetch = sqlite_fetch,
	.rowcount = sqlite_rowcount,
	.last_insert_id = sqlite_last_insert_id,
	.cursor_free = sqlite_cursor_free,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.ping = sqlite_ping,
	.set_isolation = sqlite_set_isolation,
	.server_version = sqlite_server_version,
};

static const qr_driver *const sqlite_drivers[] = {&sqlite3_driver, NULL};
static const qr_module sqlite3_driver_module = {QR_PLUGIN_API_VERSION, NULL,
						sqlite_drivers};

const qr_module *qr_module_sqlite_sqlite3(void)
{
	return &sqlite3_driver_module;
}
