/*
 * attrs.h - compiler hints for core's hot paths (private to core): the
 * rare cases of what a short lookup runs are kept out of line, so that
 * the common case needs no stack frame. Empty where the compiler has no
 * such attribute.
 */
#ifndef QUARRY_CORE_ATTRS_H
#define QUARRY_CORE_ATTRS_H

#if defined(__GNUC__)
#define QR_NOINLINE __attribute__((noinline))
#else
#define QR_NOINLINE
#endif

#endif
