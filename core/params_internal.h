/*
 * params_internal.h - a qr_params's layout and fast lookups into it for
 * execution (private to core): what an execution of one parameter set
 * asks of its params is read inline (params.c keeps the rest).
 */
#ifndef QUARRY_CORE_PARAMS_INTERNAL_H
#define QUARRY_CORE_PARAMS_INTERNAL_H

#include <quarry/params.h>

#include <stdint.h>

typedef struct param_entry {
	uint32_t name;  /* index into names */
	qr_value value; /* text/blob bytes in the arena */
} param_entry;

typedef struct param_row {
	size_t start; /* first entry */
	size_t count;
} param_row;

struct qr_params {
	char **names;
	size_t nnames, names_cap;
	param_entry *entries;
	size_t nentries, entries_cap;
	param_row *rows;
	size_t nrows, rows_cap;
	struct arena_block *arena; /* newest first */
	uint64_t names_id;         /* see qr_params__names_id */
};

/* How many parameter sets params has (qr_params_row_count). */
static inline size_t qr_params__rows(const qr_params *params)
{
	return params->nrows;
}

/*
 * Names the set of names params has interned: unique to the params
 * (never 0) and renewed when it interns a name. Interned indexes never
 * change, so name lookups made for one id stay right while it holds.
 */
static inline uint64_t qr_params__names_id(const qr_params *params)
{
	return params->names_id;
}

/* The interned index of name, or -1 when no row sets it. */
int qr_params__name_index(const qr_params *params, const char *name);

/* Where interned name index sits in row (the hint for the lookups
 * below), trying position first; 0 when the row does not set it. */
size_t qr_params__position(const qr_params *params, size_t row, int name,
			   size_t position);

/* The value of interned name index in row, or NULL, looked for in the
 * whole row. */
const qr_value *qr_params__find_index(const qr_params *params, size_t row,
				      int name);

/* The value of interned name index in row, or NULL. hint is where the
 * name usually sits in a row (tried first: rows usually set their names
 * in the same order). */
static inline const qr_value *
qr_params__get_index(const qr_params *params, size_t row, int name, size_t hint)
{
	if (name >= 0 && row < params->nrows) {
		const param_row *r = &params->rows[row];
		const param_entry *e = params->entries + r->start + hint;
		if (hint < r->count && e->name == (uint32_t)name)
			return &e->value;
	}
	return qr_params__find_index(params, row, name);
}

#endif
