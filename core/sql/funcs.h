/*
 * funcs.h - the SQL functions quarry knows by name (SQLAlchemy's
 * GenericFunction registry): return types and ANSI spellings (private).
 */
#ifndef QUARRY_CORE_SQL_FUNCS_H
#define QUARRY_CORE_SQL_FUNCS_H

#include <quarry/types.h>

/* The return type of name(arg0, ...): count is INTEGER, max/min/sum/
 * coalesce return their argument's type, now is DATETIME, ... and an
 * unknown function QR_NULLTYPE. arg0 may be NULL. */
qr_type qr_func__return_type(const char *name, const qr_type *arg0);

/* For the ANSI functions that take no parentheses without arguments
 * (current_timestamp, current_date, ...), their upper-case SQL name;
 * NULL otherwise. */
const char *qr_func__ansi_name(const char *name);

#endif
