/*
 * compiled.h - the compiled form of a statement (private to core).
 *
 * A qr_compiled is SQL text in a dialect's parameter style plus the
 * ordered list of parameter slots. A slot names the parameter it takes
 * (looked up in the execution's qr_params by name) and may carry a value
 * bound in the statement itself (a bind node with a value); execution
 * parameters override bound values of the same name, as in SQLAlchemy.
 * Compiled forms are immutable once built and may be shared between
 * threads (the compiled cache hands out references).
 */
#ifndef QUARRY_CORE_SQL_COMPILED_H
#define QUARRY_CORE_SQL_COMPILED_H

#include <quarry/params.h>
#include <quarry/statement.h>
#include <quarry/sys/dialect.h>
#include <quarry/types.h>
#include <stdatomic.h>

typedef struct qr_bindslot {
	char *name;     /* owned; never NULL */
	bool has_value; /* value bound in the statement */
	qr_value value; /* owned copy (text/blob in the compiled's memory) */
	bool expanding; /* an "expanding" IN list parameter */
	/* Added by the expression compiler (zero for text() statements): */
	qr_type type; /* the parameter's SQL type, for qr_type__bind()
		       * (core/sql/typeconv.h); no strings kept */
	/* When execution gives no value for the name and the slot has none:
	 * a column default computed per row (scratch: the execution's). */
	int (*default_fn)(qr_value *out, qr_scratch *scratch, void *arg);
	void *default_arg;
	size_t bind_index; /* compiled cache: the statement's n-th bind */
} qr_bindslot;

/* Where a parameter's placeholder is in the SQL (for literal rendering). */
typedef struct qr_param_pos {
	size_t offset, len; /* bytes of the placeholder in sql */
	size_t slot;        /* index into slots */
} qr_param_pos;

struct qr_compiled {
	atomic_int refcount; /* see qr_compiled__ref */
	const qr_dialect *dialect;
	char *sql; /* owned, NUL-terminated */
	size_t sql_len;
	qr_bindslot *slots; /* owned array */
	size_t nslots;
	bool returns_rows; /* SELECT, RETURNING, ... */
	bool is_ddl;
	bool is_dml;    /* INSERT, UPDATE, DELETE */
	bool expanding; /* a slot is an expanding IN parameter */
	bool converts;  /* a slot's type may convert its value when bound */
	/* An INSERT's RETURNING of its generated keys, added by the
	 * compiler (SQLAlchemy's implicit returning): the execution reads
	 * the row itself; its result has no rows and the key in
	 * last_insert_id. */
	bool implicit_returning;
	/* SQLite: an INSERT whose RETURNING is only its table's INTEGER
	 * PRIMARY KEY, left to the database (the rowid, when the table is
	 * as the metadata says): executed many times, the driver may run
	 * its batches without RETURNING and return the rowids they made
	 * (qr_driver_exec.rowid_sql). Three NUL-terminated strings one after
	 * the other: the SELECT of the table's largest rowid, the SELECT of
	 * the key column of the row whose rowid is ?, the column's name.
	 * NULL otherwise. Owned like sql (a cache form borrows it). */
	char *rowid_sql;
	/* The SQL of a full batch of an executemany of this form as
	 * multi-row INSERTs (manyvalues.h), made by the first and kept for
	 * the next: set once, atomically, on the form that owns sql (the
	 * template of an instantiated one); freed with it. */
	_Atomic(struct qr_batch_sql *) batch_sql;
	/* Monotonic seconds (CLOCK_MONOTONIC) when the SQL was generated,
	 * once an engine with echo exists (qr_compiled__stamp_times), else
	 * 0; forms made from it (cache hits, expanded lists) keep it. Echo's
	 * "[cached since 1.2s ago]". */
	double gen_time;
	/* Added by the expression compiler (NULL/0 for text() statements):
	 * the SQL type of each result column (SELECT or RETURNING), for
	 * qr_type__result(); nresult may be less than the driver's column
	 * count (unknown types), and placeholder positions. */
	qr_type *result_types; /* owned */
	size_t nresult;
	qr_param_pos *positions; /* owned */
	size_t npositions;
	/* A form instantiated from a compiled-cache entry (cache.c): its sql,
	 * result_types, positions and slot names are the entry's, borrowed
	 * under this reference, and its slots array lives in the form's own
	 * allocation, each slot owning only its value. NULL: the form owns
	 * everything as described above. */
	qr_compiled *tmpl;
	/* Names this form's SQL and slots (their names, in order): unique
	 * to the form made by qr_compiled__new, and shared by the forms
	 * instantiated from it, which have the same (never 0). Execution
	 * remembers by it where each slot's parameter is and which
	 * prepared statement the driver used. */
	uint64_t id;
};

/* Whether any slot is an expanding IN parameter. */
static inline bool qr_compiled__has_expanding(const qr_compiled *compiled)
{
	return compiled->expanding;
}

/*
 * For one execution with params: a new compiled form (*out, the
 * caller's) where each expanding slot's placeholder is replaced by one
 * per value of the list params gives it, those values bound in the new
 * slots <name>_1 .. <name>_n; an empty list gives SQLAlchemy's empty IN.
 * Errors: QR_EPARAM (no list given), QR_ENOMEM.
 */
int qr_compiled__expand(qr_compiled **out, const qr_compiled *compiled,
			const qr_params *params);

/* What replaces the placeholder of an expanding slot at offset in sql
 * given an empty list: SQLAlchemy's empty IN (false) or NOT IN (true). */
const char *qr_compiled__empty_in(const char *sql, size_t offset);

/* Adds a reference; qr_compiled_free drops one. */
qr_compiled *qr_compiled__ref(qr_compiled *c);

/*
 * Builds a compiled form from parts: takes ownership of sql (malloc'd)
 * and of slots (malloc'd array of nslots, each owning name/value).
 * Returns NULL on out-of-memory, releasing what it was given.
 */
/* From now on, compiled forms record when they were generated (only
 * echo shows it: a clock read per compile is not paid before an engine
 * with echo exists). */
void qr_compiled__stamp_times(void);

qr_compiled *qr_compiled__new(const qr_dialect *dialect, char *sql,
			      size_t sql_len, qr_bindslot *slots,
			      size_t nslots);

/* Releases the contents of one slot. */
void qr_bindslot__clear(qr_bindslot *slot);

#endif
