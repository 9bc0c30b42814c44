/*
 * params.c - named parameter sets (see include/quarry/params.h).
 *
 * Each row is a small array of (name, value) entries searched linearly:
 * statements have few parameters, and order of first setting is kept.
 */
#include "mem.h"

#include <quarry/params.h>
#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>

typedef struct param_entry {
	char *name;
	qr_value value;
	char *storage; /* bytes of a text/blob value, owned */
} param_entry;

typedef struct param_row {
	param_entry *items;
	size_t count, cap;
} param_row;

struct qr_params {
	param_row *rows;
	size_t count, cap;
};

static void row_clear(param_row *row)
{
	for (size_t i = 0; i < row->count; i++) {
		free(row->items[i].name);
		free(row->items[i].storage);
	}
	free(row->items);
	memset(row, 0, sizeof(*row));
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
	return p;
}

void qr_params_free(qr_params *params)
{
	if (!params)
		return;
	for (size_t i = 0; i < params->count; i++)
		row_clear(&params->rows[i]);
	free(params->rows);
	free(params);
}

void qr_params_reset(qr_params *params)
{
	if (!params)
		return;
	for (size_t i = 0; i < params->count; i++)
		row_clear(&params->rows[i]);
	params->count = 1;
}

int qr_params_next_row(qr_params *params)
{
	if (!params)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_params_next_row: params is NULL");
	int rc = qr_mem__grow((void **)&params->rows, &params->cap,
			      params->count + 1, sizeof(param_row),
			      "parameter rows");
	if (rc)
		return rc;
	memset(&params->rows[params->count++], 0, sizeof(param_row));
	return 0;
}

int qr_params_set(qr_params *params, const char *name, qr_value value)
{
	if (!params || !name || !*name)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "qr_params_set: %s is NULL or empty",
				    params ? "name" : "params");
	param_row *row = &params->rows[params->count - 1];
	param_entry *slot = NULL;
	for (size_t i = 0; i < row->count; i++) {
		if (strcmp(row->items[i].name, name) == 0) {
			slot = &row->items[i];
			break;
		}
	}
	qr_value copy;
	char *storage;
	int rc = qr_value__copy(&copy, &value, &storage);
	if (rc)
		return rc;
	if (slot) {
		free(slot->storage);
		slot->value = copy;
		slot->storage = storage;
		return 0;
	}
	rc = qr_mem__grow((void **)&row->items, &row->cap, row->count + 1,
			  sizeof(param_entry), "parameters");
	char *dup = rc ? NULL : qr_mem__strdup(name);
	if (!dup) {
		free(storage);
		return QR_ENOMEM;
	}
	row->items[row->count++] =
		(param_entry){.name = dup, .value = copy, .storage = storage};
	return 0;
}

int qr_params_int(qr_params *params, const char *name, int64_t v)
{
	return qr_params_set(params, name, qr_val_int(v));
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
	return qr_params_set(params, name, qr_val_text(v));
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

size_t qr_params_row_count(const qr_params *params)
{
	return params ? params->count : 0;
}

size_t qr_params_count(const qr_params *params, size_t row)
{
	if (!params || row >= params->count)
		return 0;
	return params->rows[row].count;
}

const qr_value *qr_params_get(const qr_params *params, size_t row,
			      const char *name)
{
	if (!params || !name || row >= params->count)
		return NULL;
	const param_row *r = &params->rows[row];
	for (size_t i = 0; i < r->count; i++) {
		if (strcmp(r->items[i].name, name) == 0)
			return &r->items[i].value;
	}
	return NULL;
}

const char *qr_params_name_at(const qr_params *params, size_t row, size_t index)
{
	if (!params || row >= params->count || index >= params->rows[row].count)
		return NULL;
	return params->rows[row].items[index].name;
}

const qr_value *qr_params_value_at(const qr_params *params, size_t row,
				   size_t index)
{
	if (!params || row >= params->count || index >= params->rows[row].count)
		return NULL;
	return &params->rows[row].items[index].value;
}
