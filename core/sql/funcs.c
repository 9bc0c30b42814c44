/*
 * funcs.c - known SQL functions: return types and ANSI names.
 */
#include "funcs.h"

#include <string.h>
#include <strings.h>

enum rt {
	RT_NONE,
	RT_ARG,
	RT_INTEGER,
	RT_DATETIME,
	RT_DATE,
	RT_TIME,
	RT_STRING,
	RT_FLOAT
};

static const struct known {
	const char *name;
	enum rt rt;
	const char *ansi; /* no parentheses without arguments */
} known[] = {
	{"char_length", RT_INTEGER, NULL},
	{"coalesce", RT_ARG, NULL},
	{"concat", RT_STRING, NULL},
	{"count", RT_INTEGER, NULL},
	{"cume_dist", RT_FLOAT, NULL},
	{"current_date", RT_DATE, "CURRENT_DATE"},
	{"current_time", RT_TIME, "CURRENT_TIME"},
	{"current_timestamp", RT_DATETIME, "CURRENT_TIMESTAMP"},
	{"current_user", RT_STRING, "CURRENT_USER"},
	{"dense_rank", RT_INTEGER, NULL},
	{"group_concat", RT_STRING, NULL},
	{"length", RT_INTEGER, NULL},
	{"localtime", RT_TIME, "LOCALTIME"},
	{"localtimestamp", RT_DATETIME, "LOCALTIMESTAMP"},
	{"lower", RT_STRING, NULL},
	{"max", RT_ARG, NULL},
	{"min", RT_ARG, NULL},
	{"now", RT_DATETIME, NULL},
	{"percent_rank", RT_FLOAT, NULL},
	{"rank", RT_INTEGER, NULL},
	{"row_number", RT_INTEGER, NULL},
	{"session_user", RT_STRING, "SESSION_USER"},
	{"string_agg", RT_STRING, NULL},
	{"sum", RT_ARG, NULL},
	{"upper", RT_STRING, NULL},
	{"user", RT_STRING, "USER"},
};

static const struct known *find(const char *name)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcasecmp(known[i].name, name) == 0)
			return &known[i];
	}
	return NULL;
}

qr_type qr_func__return_type(const char *name, const qr_type *arg0)
{
	const struct known *k = name ? find(name) : NULL;
	if (!k)
		return QR_NULLTYPE;
	switch (k->rt) {
	case RT_ARG:
		return arg0 ? *arg0 : QR_NULLTYPE;
	case RT_INTEGER:
		return QR_INTEGER;
	case RT_DATETIME:
		return QR_DATETIME;
	case RT_DATE:
		return QR_DATE;
	case RT_TIME:
		return QR_TIME;
	case RT_STRING:
		return QR_STRING;
	case RT_FLOAT:
		return QR_FLOAT;
	default:
		return QR_NULLTYPE;
	}
}

const char *qr_func__ansi_name(const char *name)
{
	const struct known *k = name ? find(name) : NULL;
	return k ? k->ansi : NULL;
}
