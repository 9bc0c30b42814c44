/*
 * result.c - results: streaming rows from a driver cursor, buffering
 * (first/one/all, or when another statement needs the connection), typed
 * getters.
 */
#include "attrs.h"
#include "engine_internal.h"
#include "mem.h"
#include "repr.h"
#include "sql/typeconv.h"

#include <quarry/sys/error.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bytes of a string of n characters and its NUL, rounded up to 8. */
#define PADDED(n) (((n) + 1 + 7) & ~(size_t)7)

/* Bytes of a result's allocation that hold the row first/one/scalar
 * keep, when the row fits (a lookup's row usually does). */
#define KEPT_INLINE 256

int qr_result__new(qr_result **out, qr_conn *conn, qr_driver_cursor *cur)
{
	const qr_driver *d = conn->engine->driver;
	size_t ncols = d->column_count(cur);

	/* One allocation holds the result and the streaming row's values,
	 * with room for the row first/one/scalar keep when it is small: what
	 * a result costs matters for statements returning one row. The
	 * column names stay the cursor's until asked for (own_shape). */
	if (ncols > SIZE_MAX / 4 / sizeof(qr_value)) {
		d->cursor_free(cur);
		return qr_error_oom("result columns");
	}
	size_t head = sizeof(qr_result) + ncols * sizeof(qr_value);
	size_t inline_cap = ncols ? KEPT_INLINE : 0;
	size_t size = head + inline_cap;
	qr_result *spare = conn->spare_result;
	char *mem;
	conn->spare_result = NULL;
	if (spare && spare->mem_size >= size) {
		/* The block of the lookup before: no malloc. */
		mem = (char *)spare;
		size = spare->mem_size;
	} else {
		free(spare); /* too small: the new block takes its place */
		if (!(mem = malloc(size))) {
			d->cursor_free(cur);
			return qr_error_oom("result");
		}
	}
	qr_result *r = (qr_result *)mem;
	/* Every member set once, in order (zeroing the whole struct first
	 * costs a store per word on top). */
	r->conn = conn;
	r->driver = d;
	r->cursor = cur;
	r->ncols = ncols;
	r->names = NULL;
	r->types = NULL;
	r->shape_mem = NULL;
	r->current_values =
		ncols ? (qr_value *)(mem + sizeof(qr_result)) : NULL;
	r->current = (qr_row){r, NULL};
	r->buffer = NULL;
	r->buffer_pos = 0;
	r->held = false;
	r->kept = (qr_row){NULL, NULL};
	r->kept_mem = NULL;
	r->kept_inline = ncols ? mem + head : NULL;
	r->kept_inline_cap = inline_cap;
	r->packed = true;
	r->mem_size = size;
	r->scalar = (qr_value){QR_VNULL, {0}};
	r->rowcount = d->rowcount ? d->rowcount(cur) : -1;
	r->last_insert_id = d->last_insert_id ? d->last_insert_id(cur) : 0;
	r->returns_rows = ncols > 0;
	r->lost_rows = 0;
	r->dialect = NULL;
	r->result_types = NULL;
	r->nresult = 0;
	r->scratch = NULL;
	if (ncols) {
		conn->active = r;
	} else {
		/* Nothing to read: release the cursor at once. */
		d->cursor_free(cur);
		r->cursor = NULL;
	}
	*out = r;
	return 0;
}

/* Column i / 2's name (i even) or type (i odd), from the cursor. */
static const char *shape_str(const qr_result *r, size_t i)
{
	const qr_driver *d = r->driver;
	const char *s = NULL;
	if (i % 2 == 0)
		s = d->column_name(r->cursor, i / 2);
	else if (d->column_type)
		s = d->column_type(r->cursor, i / 2);
	return s ? s : "";
}

/* Copies the column names and types from the cursor into one allocation
 * of the result, once, so that they outlive the cursor: when they are
 * first asked for, or when the cursor closes before the result is freed.
 * 0 or QR_ENOMEM. */
static int own_shape(qr_result *r)
{
	if (r->names || !r->ncols || !r->cursor)
		return 0;
	size_t bytes = 2 * r->ncols * sizeof(char *);
	for (size_t i = 0; i < 2 * r->ncols; i++) {
		const char *s = shape_str(r, i);
		size_t len = strlen(s);
		if (len > SIZE_MAX / 4 || PADDED(len) > SIZE_MAX / 4 - bytes)
			return qr_error_oom("result columns");
		bytes += PADDED(len);
	}
	char *mem = qr_mem__alloc(bytes, "result columns");
	if (!mem)
		return QR_ENOMEM;
	char **names = (char **)mem, **types = names + r->ncols;
	char *p = (char *)(types + r->ncols);
	for (size_t i = 0; i < 2 * r->ncols; i++) {
		const char *s = shape_str(r, i);
		size_t len = strlen(s);
		memcpy(p, s, len + 1);
		if (i % 2)
			types[i / 2] = p;
		else
			names[i / 2] = p;
		p += PADDED(len);
	}
	r->names = names;
	r->types = types;
	r->shape_mem = mem;
	return 0;
}

/* Releases the driver cursor, keeping the final counts unless the
 * result is being freed (counts false). */
static void drop_cursor(qr_result *r, bool counts)
{
	if (!r->cursor)
		return;
	if (counts && r->driver->rowcount) {
		int64_t n = r->driver->rowcount(r->cursor);
		if (n >= 0)
			r->rowcount = n;
	}
	r->driver->cursor_free(r->cursor);
	r->cursor = NULL;
	r->held = false;
	if (r->conn && r->conn->active == r)
		r->conn->active = NULL;
}

/* Closes the cursor of a result that lives on: its column names are
 * copied first. A failed copy leaves the names unknown (NULL). */
static void close_cursor(qr_result *r)
{
	(void)own_shape(r);
	drop_cursor(r, true);
}

/* ---- rowsets: rows copied into an arena ----------------------------- */

static qr_rowset *rowset_new(void)
{
	return qr_mem__calloc(1, sizeof(qr_rowset), "rows");
}

/* The bytes a copy of a row takes (values, then their strings), or 0
 * when that overflows (recorded). */
static size_t row_bytes(const qr_value *values, size_t ncols)
{
	if (ncols > SIZE_MAX / sizeof(qr_value)) {
		qr_error_oom("row");
		return 0;
	}
	size_t bytes = ncols * sizeof(qr_value);
	for (size_t i = 0; i < ncols; i++) {
		qr_vkind k = values[i].kind;
		if (k != QR_VTEXT && k != QR_VNUMERIC && k != QR_VBLOB)
			continue;
		/* Sizes add up without wrapping around. */
		size_t n = values[i].u.s.len;
		if (n > SIZE_MAX - 8 || PADDED(n) > SIZE_MAX - bytes) {
			qr_error_oom("row");
			return 0;
		}
		bytes += PADDED(n);
	}
	return bytes ? bytes : 8;
}

/* Copies a row into mem (row_bytes of it); returns the copied values. */
static qr_value *row_copy(char *mem, const qr_value *values, size_t ncols)
{
	qr_value *vals = (qr_value *)mem;
	char *p = mem + ncols * sizeof(qr_value);
	for (size_t i = 0; i < ncols; i++) {
		vals[i] = values[i];
		qr_vkind k = values[i].kind;
		if (k == QR_VTEXT || k == QR_VNUMERIC || k == QR_VBLOB) {
			size_t n = values[i].u.s.len;
			if (n)
				memcpy(p, values[i].u.s.ptr, n);
			p[n] = '\0';
			vals[i].u.s.ptr = p;
			p += PADDED(n);
		}
	}
	return vals;
}

/* Smallest and largest arena blocks: a rowset of a few rows stays small,
 * a large one costs one allocation per 64 KiB of rows. */
#define ROW_BLOCK_MIN 512
#define ROW_BLOCK_MAX 65536

int qr_rowset__append(qr_rowset *set, const qr_result *result,
		      const qr_value *values)
{
	size_t ncols = result->ncols;
	size_t bytes = row_bytes(values, ncols);
	if (!bytes)
		return QR_ENOMEM;
	if (set->count == set->cap &&
	    qr_mem__grow((void **)&set->rows, &set->cap, set->count + 1,
			 sizeof(qr_row), "rows"))
		return QR_ENOMEM;
	if (set->nblocks == 0 || set->block_cap - set->block_used < bytes) {
		/* A new block, twice the last one's size up to the maximum,
		 * or just the row when it is larger. */
		size_t cap = set->nblocks ? set->block_cap * 2 : ROW_BLOCK_MIN;
		if (cap > ROW_BLOCK_MAX)
			cap = ROW_BLOCK_MAX;
		if (cap < bytes)
			cap = bytes;
		if (qr_mem__grow((void **)&set->blocks, &set->blocks_cap,
				 set->nblocks + 1, sizeof(char *), "rows"))
			return QR_ENOMEM;
		char *block = qr_mem__alloc(cap, "row");
		if (!block)
			return QR_ENOMEM;
		set->blocks[set->nblocks++] = block;
		set->block_used = 0;
		set->block_cap = cap;
	}
	char *mem = set->blocks[set->nblocks - 1] + set->block_used;
	set->block_used += bytes;
	set->rows[set->count++] =
		(qr_row){result, row_copy(mem, values, ncols)};
	return 0;
}

void qr_rowset_free(qr_rowset *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->nblocks; i++)
		free(set->blocks[i]);
	free(set->blocks);
	free(set->rows);
	qr_result_free(set->shape);
	free(set);
}

/* A cursor-less copy of a result's columns for a rowset's rows. */
static qr_result *shape_copy(const qr_result *r)
{
	qr_result *s = qr_mem__calloc(1, sizeof(*s), "rows");
	if (!s)
		return NULL;
	s->ncols = r->ncols;
	s->returns_rows = r->returns_rows;
	s->rowcount = r->rowcount;
	s->names = qr_mem__calloc(r->ncols + 1, sizeof(char *), "rows");
	s->types = qr_mem__calloc(r->ncols + 1, sizeof(char *), "rows");
	if (!s->names || !s->types)
		goto oom;
	for (size_t i = 0; i < r->ncols; i++) {
		s->names[i] = qr_mem__strdup(r->names ? r->names[i] : "");
		s->types[i] = qr_mem__strdup(r->types ? r->types[i] : "");
		if (!s->names[i] || !s->types[i])
			goto oom;
	}
	return s;
oom:
	qr_result_free(s);
	return NULL;
}

size_t qr_rowset_count(const qr_rowset *set)
{
	return set ? set->count : 0;
}

const qr_row *qr_rowset_row(const qr_rowset *set, size_t i)
{
	if (!set || i >= set->count)
		return NULL;
	return &set->rows[i];
}

/* ---- fetching -------------------------------------------------------- */

bool qr_result__types_convert(const qr_compiled *cp)
{
	for (size_t i = 0; i < cp->nresult; i++) {
		if (qr_type__result_converts(&cp->result_types[i]))
			return true;
	}
	return false;
}

int qr_result__set_types(qr_result *r, const qr_compiled *cp)
{
	size_t n = cp->nresult < r->ncols ? cp->nresult : r->ncols;
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any = any || qr_type__result_converts(&cp->result_types[i]);
	if (!any)
		return 0; /* nothing to convert: the fast path stays */
	r->result_types = qr_mem__alloc(n * sizeof(qr_type), "result types");
	r->scratch = qr_scratch__new();
	if (!r->result_types || !r->scratch)
		return QR_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		/* Columns whose values pass through are skipped per row. */
		r->result_types[i] =
			qr_type__result_converts(&cp->result_types[i])
				? qr_type__bare(&cp->result_types[i])
				: QR_NULLTYPE;
	}
	r->nresult = n;
	r->dialect = cp->dialect;
	return 0;
}

/* Converts the streaming row's values from the dialect's storage form
 * into the application's (booleans stored as 0/1, datetimes as text on
 * SQLite, ...), per result column type. */
static int process_row(qr_result *r)
{
	qr_scratch__reset(r->scratch);
	for (size_t i = 0; i < r->nresult; i++) {
		if (r->result_types[i].kind == QR_TYPE_NULL &&
		    !r->result_types[i].decorator)
			continue;
		qr_value out;
		int rc = qr_type__result(r->dialect, &r->result_types[i],
					 &r->current_values[i], &out,
					 r->scratch);
		if (rc)
			return rc;
		r->current_values[i] = out;
	}
	return 0;
}

/* Fetches the next row into current_values. Drivers may forget the
 * column names once the rows end (SQLite releases its statement), so
 * they are copied before any fetch but the one first() makes (lazy). */
/* What follows a fetch (rc its return) but for a plain row: the result
 * types' processing, the end of the rows, an error. Out of line. */
static QR_NOINLINE int fetched(qr_result *r, int rc)
{
	if (rc > 0 && r->nresult) {
		int prc = process_row(r);
		if (prc) {
			close_cursor(r);
			return prc;
		}
	}
	if (rc < 0) {
		if (r->conn)
			qr_conn__failed(r->conn, rc, NULL);
		close_cursor(r);
		return rc;
	}
	if (rc == 0)
		close_cursor(r);
	return rc;
}

static int fetch_row(qr_result *r, bool lazy)
{
	if (!r->cursor)
		return 0;
	if (!lazy && !r->names && own_shape(r))
		return QR_ENOMEM;
	int rc = r->driver->fetch(r->cursor, r->current_values);
	if (rc > 0 && !r->nresult)
		return rc;
	return fetched(r, rc);
}

static const qr_row *keep_row(qr_result *r, const qr_row *row);

/* The row first() or scalar() left in the cursor is copied into the
 * result (its values rewritten in place, so the row and value pointers
 * handed out stay valid) and the cursor closed. Out of memory, the
 * row's values become NULLs and QR_ENOMEM is returned. */
static int release_held(qr_result *r)
{
	r->current.values = r->current_values;
	const qr_row *kept = keep_row(r, &r->current);
	int rc = 0;
	if (kept) {
		memcpy(r->current_values, kept->values,
		       r->ncols * sizeof(qr_value));
	} else {
		for (size_t i = 0; i < r->ncols; i++)
			r->current_values[i] = qr_val_null();
		rc = QR_ENOMEM;
	}
	r->kept = (qr_row){r, r->current_values};
	close_cursor(r);
	r->conn = NULL; /* the result no longer touches the connection */
	return rc;
}

int qr_result__detach(qr_result *r)
{
	if (!r->cursor)
		return 0;
	if (r->held)
		return release_held(r);
	if (!r->buffer && !(r->buffer = rowset_new()))
		return QR_ENOMEM;
	int rc;
	while ((rc = fetch_row(r, false)) > 0) {
		if ((rc = qr_rowset__append(r->buffer, r, r->current_values)))
			break;
	}
	close_cursor(r);
	r->conn = NULL; /* the result no longer touches the connection */
	if (rc < 0)
		r->lost_rows = rc;
	return rc < 0 ? rc : 0;
}

int qr_result__absorb(qr_result *r, qr_driver_cursor *cur)
{
	if (!r->buffer && !(r->buffer = rowset_new())) {
		r->driver->cursor_free(cur);
		return QR_ENOMEM;
	}
	r->cursor = cur;
	int rc;
	while ((rc = fetch_row(r, false)) > 0) {
		if ((rc = qr_rowset__append(r->buffer, r, r->current_values)))
			break;
	}
	close_cursor(r);
	return rc < 0 ? rc : 0;
}

/* qr_result_next; lazy: first()'s fetch, which leaves the column names
 * in the cursor. */
static int next_row(qr_result *r, const qr_row **row, bool lazy)
{
	*row = NULL;
	if (r->held)
		return 0; /* first() read the one row wanted */
	if (r->buffer) {
		/* Rows buffered by a detach come first. */
		if (r->buffer_pos < r->buffer->count) {
			*row = &r->buffer->rows[r->buffer_pos++];
			return 1;
		}
		if (!r->cursor && r->lost_rows)
			return qr_error_set(r->lost_rows, QR_ECLASS_INTERNAL,
					    "the rest of this result's rows "
					    "were lost when it was buffered "
					    "for another statement (%s)",
					    qr_strerror(r->lost_rows));
		if (!r->cursor)
			return 0;
	}
	if (!r->returns_rows)
		return qr_error_set(QR_ESTATE, QR_ECLASS_INVALID_REQUEST,
				    "This result object does not return rows. "
				    "It has been closed automatically.");
	int rc = fetch_row(r, lazy);
	if (rc > 0) {
		r->current.values = r->current_values;
		*row = &r->current;
	}
	return rc;
}

int qr_result__take_key(qr_result *r)
{
	const qr_row *row;
	int rc = next_row(r, &row, false);

	if (rc < 0)
		return rc;
	if (rc == 1) {
		const qr_value *v = &row->values[0];
		if (r->ncols && v->kind == QR_VINT)
			r->last_insert_id = v->u.i;
	}
	drop_cursor(r, true);
	if (r->rowcount < 0)
		r->rowcount = rc;
	/* what the program sees: an INSERT, no rows */
	r->returns_rows = false;
	r->ncols = 0;
	return 0;
}

int qr_result_next(qr_result *r, const qr_row **row)
{
	if (!r || !row)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_result_next: NULL argument");
	return next_row(r, row, false);
}

/* Copies the current streaming row into one allocation of the result
 * so it outlives the cursor (first/one/scalar keep a single row);
 * returns the stable copy. */
static const qr_row *keep_row(qr_result *r, const qr_row *row)
{
	if (row != &r->current)
		return row; /* already buffered */
	size_t bytes = row_bytes(row->values, r->ncols);
	if (!bytes)
		return NULL;
	char *mem = r->kept_inline;
	if (!mem || bytes > r->kept_inline_cap) {
		if (!(mem = qr_mem__alloc(bytes, "row")))
			return NULL;
		free(r->kept_mem);
		r->kept_mem = mem;
	}
	r->kept = (qr_row){r, row_copy(mem, row->values, r->ncols)};
	return &r->kept;
}

int qr_result_first(qr_result *r, const qr_row **row)
{
	const qr_row *got;
	if (row && r && !r->held && !r->buffer && r->returns_rows &&
	    r->cursor && !r->nresult) {
		/* The common case (a statement's first row, plain values):
		 * the row stays in the cursor, copied only if the connection
		 * runs something else before the result is freed
		 * (release_held): a lookup read at once copies nothing. */
		int rc = r->driver->fetch(r->cursor, r->current_values);
		if (rc <= 0) {
			*row = NULL;
			return fetched(r, rc);
		}
		r->current.values = r->current_values;
		r->held = true;
		r->kept = (qr_row){r, r->current_values};
		*row = &r->kept;
		return 1;
	}
	if (!row)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_result_first: row is NULL");
	*row = NULL;
	if (!r)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_result_first: result is NULL");
	int rc = next_row(r, &got, true);
	if (rc <= 0)
		return rc;
	if (got == &r->current && r->cursor) {
		/* The row stays in the cursor (as above). */
		r->held = true;
		r->kept = (qr_row){r, r->current_values};
		*row = &r->kept;
		return 1;
	}
	got = keep_row(r, got);
	close_cursor(r);
	if (!got)
		return QR_ENOMEM;
	*row = got;
	return 1;
}

static int one_impl(qr_result *r, const qr_row **row, bool allow_none)
{
	const qr_row *got, *extra;
	if (!row)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_result_one: row is NULL");
	*row = NULL;
	int rc = qr_result_next(r, &got);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (allow_none)
			return 0;
		return qr_error_set(QR_ENORESULT, QR_ECLASS_INVALID_REQUEST,
				    "No row was found when one was required");
	}
	got = keep_row(r, got);
	if (!got)
		return QR_ENOMEM;
	rc = qr_result_next(r, &extra);
	close_cursor(r);
	if (rc < 0)
		return rc;
	if (rc > 0)
		return qr_error_set(QR_EMULTIPLE, QR_ECLASS_INVALID_REQUEST,
				    "Multiple rows were found when %s was "
				    "required",
				    allow_none ? "one or none" : "exactly one");
	*row = got;
	return allow_none ? 1 : 0;
}

int qr_result_one(qr_result *r, const qr_row **row)
{
	return one_impl(r, row, false);
}

int qr_result_one_or_none(qr_result *r, const qr_row **row)
{
	return one_impl(r, row, true);
}

int qr_result_scalar(qr_result *r, const qr_value **value)
{
	const qr_row *row;
	if (!value)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_result_scalar: value is NULL");
	*value = NULL;
	int rc = qr_result_first(r, &row);
	if (rc <= 0)
		return rc;
	if (r->ncols == 0)
		return qr_error_set(QR_ECOLUMN, QR_ECLASS_INVALID_REQUEST,
				    "the result has no columns");
	*value = &row->values[0];
	return 1;
}

int qr_result_all(qr_rowset **out, qr_result *r)
{
	const qr_row *row;
	int rc;
	if (!out || !r)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_result_all: NULL argument");
	*out = NULL;
	qr_rowset *set = rowset_new();
	if (!set)
		return QR_ENOMEM;
	if (own_shape(r)) {
		qr_rowset_free(set);
		return QR_ENOMEM;
	}
	if (!r->returns_rows) {
		rc = qr_result_next(r, &row); /* reports the misuse */
		qr_rowset_free(set);
		return rc;
	}
	if (!(set->shape = shape_copy(r))) {
		qr_rowset_free(set);
		return QR_ENOMEM;
	}
	qr_rowset *buffered = r->buffer;
	if (buffered && !r->cursor && !r->held && !r->lost_rows &&
	    r->buffer_pos == 0) {
		/* Every row is buffered already (an executemany's RETURNING
		 * rows, a detached result) and none was read: the buffer
		 * becomes the rowset, its rows now the shape's. */
		buffered->shape = set->shape;
		set->shape = NULL;
		qr_rowset_free(set);
		for (size_t i = 0; i < buffered->count; i++)
			buffered->rows[i].result = buffered->shape;
		r->buffer = NULL;
		*out = buffered;
		return 0;
	}
	while ((rc = qr_result_next(r, &row)) > 0) {
		if ((rc = qr_rowset__append(set, set->shape, row->values)))
			break;
	}
	if (rc < 0) {
		qr_rowset_free(set);
		return rc;
	}
	*out = set;
	return 0;
}

void qr_result_free(qr_result *r)
{
	if (!r)
		return;
	qr_conn *c = r->conn;
	if (r->packed && c && c->active == r && !c->spare_result &&
	    !r->shape_mem && !r->result_types && !r->scratch && !r->buffer &&
	    !r->kept_mem) {
		/* The common case (a lookup's result, nothing of its own to
		 * free): its block waits on the connection for the next
		 * result, the cursor released last (a tail call). */
		qr_driver_cursor *cur = r->cursor;
		r->cursor = NULL;
		r->held = false;
		c->active = NULL;
		c->spare_result = r;
		if (cur)
			r->driver->cursor_free(cur);
		return;
	}
	/* A result still active on its connection has a live connection
	 * (qr_conn_free detaches it first): its block may wait there for
	 * the next result. */
	qr_conn *owner =
		r->packed && r->conn && r->conn->active == r ? r->conn : NULL;
	drop_cursor(r, false);
	if (!r->packed) {
		/* Either array may be missing after a failed shape copy. */
		for (size_t i = 0; i < r->ncols; i++) {
			if (r->names)
				free(r->names[i]);
			if (r->types)
				free(r->types[i]);
		}
		free(r->names);
		free(r->types);
		free(r->current_values);
	}
	/* A lookup's result usually has none of these: no calls then. */
	if (r->shape_mem)
		free(r->shape_mem);
	if (r->result_types || r->scratch) {
		free(r->result_types);
		qr_scratch__free(r->scratch);
	}
	if (r->buffer)
		qr_rowset_free(r->buffer);
	if (r->kept_mem)
		free(r->kept_mem);
	if (owner && !owner->spare_result) {
		owner->spare_result = r;
		return;
	}
	free(r);
}

bool qr_result_returns_rows(const qr_result *r)
{
	return r && r->returns_rows;
}

size_t qr_result_column_count(const qr_result *r)
{
	return r ? r->ncols : 0;
}

/* The names and types are copied when first asked for; the result is
 * logically const (the copy is a cache), hence the casts. */
const char *qr_result_column_name(const qr_result *r, size_t i)
{
	if (!r || i >= r->ncols || own_shape((qr_result *)r) || !r->names)
		return NULL;
	return r->names[i];
}

const char *qr_result_column_type(const qr_result *r, size_t i)
{
	if (!r || i >= r->ncols || own_shape((qr_result *)r) || !r->types)
		return NULL;
	return r->types[i];
}

int qr_result_column_index(const qr_result *r, const char *name)
{
	if (!r || !name)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_result_column_index: NULL argument");
	int rc = own_shape((qr_result *)r);
	if (rc)
		return rc;
	if (!r->names && r->ncols)
		return qr_error_set(QR_ENOMEM, QR_ECLASS_INTERNAL,
				    "the column names of this result were "
				    "lost (out of memory when its cursor "
				    "closed)");
	for (size_t i = 0; i < r->ncols; i++) {
		if (strcmp(r->names[i], name) == 0)
			return (int)i;
	}
	/* Like SQLAlchemy, fall back to a case-insensitive match. */
	for (size_t i = 0; i < r->ncols; i++) {
		if (strcasecmp(r->names[i], name) == 0)
			return (int)i;
	}
	return qr_error_set(QR_ECOLUMN, QR_ECLASS_INVALID_REQUEST,
			    "Could not locate column in row for column '%s'",
			    name);
}

int64_t qr_result_rowcount(const qr_result *r)
{
	return r ? r->rowcount : -1;
}

int64_t qr_result_last_insert_id(const qr_result *r)
{
	return r ? r->last_insert_id : 0;
}

/* ---- rows ------------------------------------------------------------ */

size_t qr_row_column_count(const qr_row *row)
{
	return row ? row->result->ncols : 0;
}

const char *qr_row_column_name(const qr_row *row, size_t i)
{
	return row ? qr_result_column_name(row->result, i) : NULL;
}

int qr_row_index(const qr_row *row, const char *name)
{
	if (!row)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_row_index: row is NULL");
	return qr_result_column_index(row->result, name);
}

/* qr_row_value past its common case, out of line (see value.c's
 * value_int64): the checks again, and the error. */
static QR_NOINLINE const qr_value *row_value_checked(const qr_row *row, int col)
{
	if (!row) {
		qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT, "row is NULL");
		return NULL;
	}
	if (col < 0 || (size_t)col >= row->result->ncols) {
		if (col >= 0)
			qr_error_set(QR_ECOLUMN, QR_ECLASS_INVALID_REQUEST,
				     "column index %d out of range (the row "
				     "has %zu)",
				     col, row->result->ncols);
		return NULL;
	}
	return &row->values[col];
}

const qr_value *qr_row_value(const qr_row *row, int col)
{
	if (row && col >= 0 && (size_t)col < row->result->ncols)
		return &row->values[col];
	return row_value_checked(row, col);
}

/* The value at col, or NULL with *rc set: a negative col is passed on. */
static const qr_value *cell(const qr_row *row, int col, int *rc)
{
	if (row && col >= 0 && (size_t)col < row->result->ncols) {
		*rc = 0;
		return &row->values[col]; /* the common case, inline */
	}
	if (col < 0 && row) {
		*rc = col;
		return NULL;
	}
	const qr_value *v = row_value_checked(row, col);
	*rc = v ? 0 : qr_error_last()->code;
	return v;
}

bool qr_row_is_null(const qr_row *row, int col)
{
	int rc;
	const qr_value *v = cell(row, col, &rc);
	return !v || v->kind == QR_VNULL;
}

#define ROW_GETTER(name, type, call)                             \
	int qr_row_##name(const qr_row *row, int col, type *out) \
	{                                                        \
		int rc;                                          \
		const qr_value *v = cell(row, col, &rc);         \
		return v ? call(v, out) : rc;                    \
	}

ROW_GETTER(int64, int64_t, qr_value_int64)
ROW_GETTER(double, double, qr_value_double)
ROW_GETTER(bool, bool, qr_value_bool)
ROW_GETTER(date, qr_date, qr_value_date)
ROW_GETTER(time, qr_time, qr_value_time)
ROW_GETTER(datetime, qr_datetime, qr_value_datetime)

int qr_row_int(const qr_row *row, int col, int *out)
{
	int64_t x;
	if (!out)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_row_int: out is NULL");
	*out = 0;
	int rc = qr_row_int64(row, col, &x);
	if (rc)
		return rc;
	if (x < INT_MIN || x > INT_MAX)
		return qr_error_set(QR_ERANGE, QR_ECLASS_DATA,
				    "value %lld does not fit an int",
				    (long long)x);
	*out = (int)x;
	return 0;
}

int qr_row_text(const qr_row *row, int col, const char **out)
{
	int rc;
	const qr_value *v = cell(row, col, &rc);
	return v ? qr_value_text(v, out, NULL) : rc;
}

int qr_row_blob(const qr_row *row, int col, const void **out, size_t *len)
{
	int rc;
	const qr_value *v = cell(row, col, &rc);
	return v ? qr_value_blob(v, out, len) : rc;
}

int qr_row_numeric(const qr_row *row, int col, char *buf, size_t cap)
{
	int rc;
	const qr_value *v = cell(row, col, &rc);
	return v ? qr_value_numeric(v, buf, cap) : rc;
}

int qr_row_repr(char **out, const qr_row *row)
{
	qr_strbuf b = {0};
	if (!out || !row)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_row_repr given NULL");
	qr_repr__tuple(&b, row->values, row->result->ncols);
	*out = qr_strbuf__take(&b);
	return *out ? 0 : QR_ENOMEM;
}
