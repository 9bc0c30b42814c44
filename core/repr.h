/*
 * repr.h - Python-style repr of values into a string buffer (private).
 */
#ifndef QUARRY_CORE_REPR_H
#define QUARRY_CORE_REPR_H

#include "strbuf.h"

#include <quarry/value.h>

void qr_repr__value(qr_strbuf *b, const qr_value *v);

/* "(a, b)", "(a,)" for one value, "()" for none. */
void qr_repr__tuple(qr_strbuf *b, const qr_value *values, size_t n);

#endif
