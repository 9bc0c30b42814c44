/*
 * selcols.c - the columns a SELECT or set operation returns, by name
 * (SQLAlchemy's select.selected_columns keys).
 */
#include "sqlnode.h"

#include <quarry/select.h>
#include <quarry/sys/error.h>

size_t qr_select_column_count(const qr_stmt *select)
{
	return select && qr_sql__is_selectable(select)
		       ? qr_sql__select_ncols(select)
		       : 0;
}

const char *qr_select_column_name(const qr_stmt *select, size_t i, char *buf,
				  size_t cap)
{
	if (!select || !buf || !cap || i >= qr_select_column_count(select))
		return NULL;
	return qr_sql__export_name(select, i, buf, cap);
}
