/*
 * version.c - the library version and the generic free function.
 */
#include <quarry/common.h>

#include <stdlib.h>

const char *qr_version(void)
{
	return QUARRY_VERSION_STRING;
}

void qr_free(void *ptr)
{
	free(ptr);
}
