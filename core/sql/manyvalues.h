/*
 * manyvalues.h - executemany of a single-row INSERT as multi-row INSERTs
 * (private to core).
 *
 * An INSERT .. VALUES (p1, p2, ...) executed with many parameter sets is
 * sent as INSERT .. VALUES (..), (..), ... statements of up to
 * rows_per_batch rows, as SQLAlchemy 2.0's "insertmanyvalues" and
 * MySQLdb's executemany do: one statement execution (and, on a server,
 * one round trip) per batch instead of per row.
 *
 * Only a statement that is exactly that is batched: it starts with
 * INSERT, its last VALUES clause is one tuple of nothing but parameter
 * placeholders that holds every parameter of the statement, and nothing
 * follows the tuple but white space, ";" or, on a dialect with
 * RETURNING, a RETURNING clause (repeated once per batch: the rows of
 * every batch are returned, in order). ON CONFLICT and ON DUPLICATE KEY,
 * whose meaning could change, are never batched.
 */
#ifndef QUARRY_CORE_SQL_MANYVALUES_H
#define QUARRY_CORE_SQL_MANYVALUES_H

#include "compiled.h"

typedef struct qr_manyvalues {
	const qr_compiled *cp;
	size_t tuple_off; /* where "(" of the VALUES tuple is in cp->sql */
	size_t tuple_len; /* up to and including its ")" */
	size_t tail_off;  /* the RETURNING clause after it, if any ... */
	size_t tail_len;  /* ... of this length (0: none) */
	size_t rows_per_batch;
	bool returning; /* each batch returns rows */
	/* The last row goes alone: a multi-row INSERT reports the id
	 * generated for its first row on MySQL (the last row's elsewhere),
	 * and the id reported must be the last row's. */
	bool last_row_alone;
} qr_manyvalues;

/* Whether cp can be batched; fills *plan when it can. */
bool qr_manyvalues__plan(qr_manyvalues *plan, const qr_compiled *cp);

/*
 * The SQL of a batch of rows rows (1 .. rows_per_batch): the statement
 * with its tuple repeated, placeholders renumbered for the numeric style
 * ($1..$n, then $n+1.. for the second row). malloc'd, NUL-terminated,
 * *len its length; NULL on out-of-memory (recorded).
 */
char *qr_manyvalues__sql(const qr_manyvalues *plan, size_t rows, size_t *len);

/*
 * The SQL of a full batch of rows rows, as qr_manyvalues__sql, kept with
 * the compiled form for the next executions (compiled.h: batch_sql) and
 * borrowed from it; when the form keeps a batch of another size, made
 * for the call: *owned is then the caller's to free (else NULL). NULL
 * on out-of-memory (recorded).
 */
const char *qr_manyvalues__batch_sql(const qr_manyvalues *plan, size_t rows,
				     size_t *len, char **owned);

#endif
