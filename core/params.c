/*
 * params.c - named parameter sets (see include/quarry/params.h).
 *
 * Built for executemany of many rows: names are interned once per set
 * (rows refer to them by index), every row's entries live in one array,
 * and the bytes of text and blob values are copied into large arena
 * blocks, so adding a row costs no allocation in the common case.
 */
#include "params_internal.h"

#include "attrs.h"
#include "mem.h"

#include <quarry/sys/error.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 65536

typedef struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
} arena_block;

/* The last names_id given out, by any qr_params. */
static atomic_uint_fast64_t last_names_id;

static void new_names_id(qr_params *p)
{
	p->names_id = (uint64_t)atomic_fetch_add_explicit(
			      &last_names_id, 1, memory_order_relaxed) +
		      1;
}

static void arena_free(arena_block *b)
{
	while (b) {
		arena_block *next = b->next;
		free(b);
		b = next;
	}
}

/* Copies n bytes (plus a NUL) into the arena. */
static char *arena_copy(qr_params *p, const char *s, size_t n)
{
	arena_block *b = p->arena;
	/* n + 1, its rounding to 8 and the block header must not wrap. */
	if (n > SIZE_MAX - sizeof(arena_block) - 16) {
		qr_error_oom("parameter value");
		return NULL;
	}
	if (!b || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > ARENA_BLOCK / 4 ? n + 1 : ARENA_BLOCK;
		if (cap > SIZE_MAX - sizeof(arena_block)) {
			qr_error_oom("parameter value");
			return NULL;
		}
		arena_block *nb = malloc(sizeof(arena_block) + cap);
		if (!nb) {
			qr_error_oom("parameter value");
			return NULL;
		}
		nb->used = 0;
		nb->cap = cap;
		if (b && cap != ARENA_BLOCK) {
			/* A large value: keep the current block current. */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			p->arena = nb;
		}
		b = nb;
	}
	char *dst = b->data + b->used;
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
	b->used += (n + 1 + 7) & ~(size_t)7;
	if (b->used > b->cap)
		b->used = b->cap;
	return dst;
}

qr_params *qr_params_new(void)
{
	qr_params *p = qr_mem__calloc(1, sizeof(*p), "parameters");
	if (!p)
		return NULL;
	if (qr_params_next_row(p) != 0) {
		free(p);
		return NULL;
	}
	new_names_id(p);
	return p;
}

void qr_params_free(qr_params *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nnames; i++)
		free(p->names[i]);
	free(p->names);
	free(p->entries);
	free(p->rows);
	arena_free(p->arena);
	free(p);
}

/* Empties the arena, keeping its first block for reuse. Out of line:
 * parameters of integers never use it. */
static QR_NOINLINE void arena_reset(arena_block *b)
{
	arena_free(b->next);
	b->next = NULL;
	b->used = 0;
}

void qr_params_reset(qr_params *p)
{
	if (!p)
		return;
	p->nentries = 0;
	p->nrows = 1;
	p->rows[0] = (param_row){0, 0};
	if (p->arena)
		arena_reset(p->arena);
}

int qr_params_next_row(qr_params *p)
{
	if (!p)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_params_next_row: params is NULL");
	int rc = qr_mem__grow((void **)&p->rows, &p->rows_cap, p->nrows + 1,
			      sizeof(param_row), "parameter rows");
	if (rc)
		return rc;
	p->rows[p->nrows++] = (param_row){p->nentries, 0};
	return 0;
}

int qr_params_add_row(qr_params *p, const qr_value *values, size_t n,
		      unsigned flags)
{
	if (!p || (!values && n))
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_params_add_row: %s is NULL",
				    p ? "values" : "params");
	if (n != p->rows[0].count)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_params_add_row: %zu value(s) for the "
				    "%zu name(s) of row 0",
				    n, p->rows[0].count);
	int rc = 0;
	if (p->nrows == p->rows_cap)
		rc = qr_mem__grow((void **)&p->rows, &p->rows_cap, p->nrows + 1,
				  sizeof(param_row), "parameter rows");
	if (rc == 0 && p->entries_cap - p->nentries < n)
		rc = qr_mem__grow((void **)&p->entries, &p->entries_cap,
				  p->nentries + n, sizeof(param_entry),
				  "parameters");
	if (rc)
		return rc;
	/* Row 0's entries stay where they are: the new ones go after the
	 * last entry, which the arrays above have room for. */
	const param_entry *names = p->entries + p->rows[0].start;
	param_entry *e = p->entries + p->nentries;
	bool copy = !(flags & QR_PARAMS_BORROW);
	for (size_t i = 0; i < n; i++) {
		e[i].name = names[i].name;
		e[i].value = values[i];
		qr_vkind k = values[i].kind;
		if (copy &&
		    (k == QR_VTEXT || k == QR_VNUMERIC || k == QR_VBLOB)) {
			char *bytes = arena_copy(p, values[i].u.s.ptr,
						 values[i].u.s.len);
			if (!bytes)
				return QR_ENOMEM;
			e[i].value.u.s.ptr = bytes;
		}
	}
	p->rows[p->nrows++] = (param_row){p->nentries, n};
	p->nentries += n;
	return 0;
}

/* Whether names a and b are the same: a loop over their bytes, inline,
 * costs a parameter name (a few bytes) less than a call to strcmp. */
static inline bool same_name(const char *a, const char *b)
{
	while (*a == *b) {
		if (!*a)
			return true;
		a++;
		b++;
	}
	return false;
}

int qr_params__name_index(const qr_params *p, const char *name)
{
	for (size_t i = 0; i < p->nnames; i++) {
		if (same_name(p->names[i], name))
			return (int)i;
	}
	return -1;
}

static int intern(qr_params *p, const char *name)
{
	int i = qr_params__name_index(p, name);
	if (i >= 0)
		return i;
	if (p->nnames >= UINT32_MAX)
		return qr_error_oom("parameter names");
	int rc = qr_mem__grow((void **)&p->names, &p->names_cap, p->nnames + 1,
			      sizeof(char *), "parameter names");
	if (rc)
		return rc;
	char *dup = qr_mem__strdup(name);
	if (!dup)
		return QR_ENOMEM;
	p->names[p->nnames] = dup;
	new_names_id(p); /* a name the slots did not find may be this one */
	return (int)p->nnames++;
}

size_t qr_params__position(const qr_params *p, size_t row, int name,
			   size_t position)
{
	if (name < 0 || row >= p->nrows)
		return 0;
	const param_row *r = &p->rows[row];
	const param_entry *e = p->entries + r->start;
	if (position < r->count && e[position].name == (uint32_t)name)
		return position;
	for (size_t i = 0; i < r->count; i++) {
		if (e[i].name == (uint32_t)name)
			return i;
	}
	return 0;
}

const qr_value *qr_params__find_index(const qr_params *p, size_t row, int name)
{
	if (name < 0 || row >= p->nrows)
		return NULL;
	const param_row *r = &p->rows[row];
	const param_entry *e = p->entries + r->start;
	for (size_t i = 0; i < r->count; i++) {
		if (e[i].name == (uint32_t)name)
			return &e[i].value;
	}
	return NULL;
}

/* The interned index of name for the last row (-1: not interned). */
static inline int name_in_row(const qr_params *p, const param_row *row,
			      const char *name)
{
	/* Rows of an executemany usually set the names row 0 has, in its
	 * order: try the name row 0 has at this position first. */
	if (p->nrows > 1 && row->count < p->rows[0].count) {
		uint32_t cand = p->entries[p->rows[0].start + row->count].name;
		if (strcmp(p->names[cand], name) ==
		    0) /* (names of any length) */
			return (int)cand;
	}
	return qr_params__name_index(p, name);
}

/* row's entry for interned name idx, or NULL. */
static inline param_entry *entry_in_row(qr_params *p, const param_row *row,
					int idx)
{
	for (size_t i = 0; i < row->count; i++) {
		if (p->entries[row->start + i].name == (uint32_t)idx)
			return &p->entries[row->start + i];
	}
	return NULL;
}

/* Sets name in the last row to *value (copying text and blob bytes):
 * any case. */
static int set_value(qr_params *p, const char *name, const qr_value *value)
{
	if (!p || !name || !*name)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_params_set: %s is NULL or empty",
				    p ? "name" : "params");
	param_row *row = &p->rows[p->nrows - 1];
	int idx = name_in_row(p, row, name);
	if (idx < 0 && (idx = intern(p, name)) < 0)
		return idx;
	/* The row's entry for the name, or a new one at the end (counted
	 * once the value is in: a failed copy changes nothing). */
	param_entry *e = entry_in_row(p, row, idx);
	bool added = !e;
	if (added) {
		if (p->nentries == p->entries_cap) {
			int rc =
				qr_mem__grow((void **)&p->entries,
					     &p->entries_cap, p->nentries + 1,
					     sizeof(param_entry), "parameters");
			if (rc)
				return rc;
		}
		e = &p->entries[p->nentries];
	}
	qr_vkind k = value->kind;
	if (k == QR_VTEXT || k == QR_VNUMERIC || k == QR_VBLOB) {
		char *copy = arena_copy(p, value->u.s.ptr, value->u.s.len);
		if (!copy)
			return QR_ENOMEM;
		e->value = *value;
		e->value.u.s.ptr = copy;
	} else {
		e->value = *value;
	}
	if (added) {
		e->name = (uint32_t)idx;
		p->nentries++;
		row->count++;
	}
	return 0;
}

/* The common case of setting a value without bytes to copy: name's
 * entry in a single-row params, found or added (then counted: the
 * caller sets its value, which cannot fail). NULL for the rest (an
 * invalid or new name, a full entries array, the rows of an
 * executemany), which set_value does. Inline, without saved
 * registers. */
static inline param_entry *scalar_entry(qr_params *p, const char *name)
{
	if (!p || !name || !*name || p->nrows > 1)
		return NULL;
	param_row *row = &p->rows[0];
	int idx = qr_params__name_index(p, name);
	if (idx < 0)
		return NULL;
	param_entry *e = entry_in_row(p, row, idx);
	if (!e) {
		if (p->nentries == p->entries_cap)
			return NULL;
		e = &p->entries[p->nentries++];
		e->name = (uint32_t)idx;
		row->count++;
	}
	return e;
}

int qr_params_set(qr_params *p, const char *name, qr_value value)
{
	return set_value(p, name, &value);
}

int qr_params_list(qr_params *p, const char *name, const qr_value *values,
		   size_t n)
{
	if (!p || (!values && n))
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_params_list: %s is NULL",
				    p ? "values" : "params");
	if (n > SIZE_MAX / sizeof(qr_value))
		return qr_error_oom("parameter list");
	/* The items live in the arena, their bytes too. */
	qr_value *items = (qr_value *)arena_copy(p, (const char *)values,
						 n * sizeof(qr_value));
	if (!items)
		return QR_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		qr_vkind k = items[i].kind;
		if (k == QR_VLIST)
			return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
					    "qr_params_list: '%s' item %zu is "
					    "itself a list",
					    name ? name : "?", i);
		if (k == QR_VTEXT || k == QR_VNUMERIC || k == QR_VBLOB) {
			char *copy = arena_copy(p, items[i].u.s.ptr,
						items[i].u.s.len);
			if (!copy)
				return QR_ENOMEM;
			items[i].u.s.ptr = copy;
		}
	}
	qr_value v = {QR_VLIST, {0}};
	v.u.list.items = items;
	v.u.list.n = n;
	return qr_params_set(p, name, v);
}

/* qr_params_int past scalar_entry (a tail call: the common case then
 * needs no stack of its own). */
static QR_NOINLINE int set_int(qr_params *params, const char *name, int64_t v)
{
	return set_value(params, name, &(qr_value){QR_VINT, {.i = v}});
}

int qr_params_int(qr_params *params, const char *name, int64_t v)
{
	param_entry *e = scalar_entry(params, name);
	if (!e)
		return set_int(params, name, v);
	e->value.kind = QR_VINT;
	e->value.u.i = v;
	return 0;
}

int qr_params_double(qr_params *params, const char *name, double v)
{
	return qr_params_set(params, name, qr_val_double(v));
}

int qr_params_bool(qr_params *params, const char *name, bool v)
{
	return qr_params_set(params, name, qr_val_bool(v));
}

int qr_params_text(qr_params *params, const char *name, const char *v)
{
	qr_value val;
	if (v) {
		val.kind = QR_VTEXT;
		val.u.s.ptr = v;
		val.u.s.len = strlen(v);
	} else {
		val.kind = QR_VNULL;
	}
	return set_value(params, name, &val);
}

int qr_params_null(qr_params *params, const char *name)
{
	return qr_params_set(params, name, qr_val_null());
}

int qr_params_blob(qr_params *params, const char *name, const void *data,
		   size_t len)
{
	return qr_params_set(params, name, qr_val_blob(data, len));
}

size_t qr_params_row_count(const qr_params *p)
{
	return p ? p->nrows : 0;
}

size_t qr_params_count(const qr_params *p, size_t row)
{
	if (!p || row >= p->nrows)
		return 0;
	return p->rows[row].count;
}

const qr_value *qr_params_get(const qr_params *p, size_t row, const char *name)
{
	if (!p || !name)
		return NULL;
	return qr_params__get_index(p, row, qr_params__name_index(p, name), 0);
}

const char *qr_params_name_at(const qr_params *p, size_t row, size_t index)
{
	if (!p || row >= p->nrows || index >= p->rows[row].count)
		return NULL;
	return p->names[p->entries[p->rows[row].start + index].name];
}

const qr_value *qr_params_value_at(const qr_params *p, size_t row, size_t index)
{
	if (!p || row >= p->nrows || index >= p->rows[row].count)
		return NULL;
	return &p->entries[p->rows[row].start + index].value;
}
