/*
 * manyvalues.c - finding the VALUES tuple of a single-row INSERT and
 * writing multi-row batches of it (see manyvalues.h).
 */
#include "manyvalues.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Rows per batch at most, as SQLAlchemy's insertmanyvalues_page_size. */
#define MAX_ROWS 1000

/* Parameters one statement may carry: SQLite's historical default limit
 * (SQLITE_MAX_VARIABLE_NUMBER before 3.32), which any SQLite library
 * accepts; PostgreSQL and MySQL take up to 65535. */
#define SQLITE_MAX_PARAMS 999
#define SERVER_MAX_PARAMS 32767

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || (unsigned char)c >= 0x80;
}

/* Position of the "(" after the last word VALUES of sql, or SIZE_MAX. */
static size_t last_values_tuple(const char *sql, size_t len)
{
	for (size_t i = len; i >= 6; i--) {
		size_t at = i - 6;
		if (strncasecmp(sql + at, "values", 6) != 0)
			continue;
		if ((at > 0 && is_word(sql[at - 1])) ||
		    (at + 6 < len && is_word(sql[at + 6])))
			continue;
		size_t p = at + 6;
		while (p < len && is_space(sql[p]))
			p++;
		return p < len && sql[p] == '(' ? p : SIZE_MAX;
	}
	return SIZE_MAX;
}

/*
 * A sequence's next value at sql[p] (a column's sequence in the VALUES:
 * nextval('name') / nextval(name), as the dialects write it), with no
 * placeholder character in the name: sets *end past its ")".
 */
static bool sequence_call(const char *sql, size_t len, size_t p, size_t *end)
{
	bool quoted = false;

	if (len - p < 9 || strncasecmp(sql + p, "nextval(", 8) != 0)
		return false;
	for (p += 8; p < len && sql[p] != ')'; p++) {
		char c = sql[p];
		if (c == '\'')
			quoted = !quoted;
		else if (c == '?' || c == '%' || c == '$' || c == ':' ||
			 c == '(' || (!quoted && c == ','))
			return false;
	}
	if (p >= len || quoted)
		return false;
	*end = p + 1;
	return true;
}

/*
 * Checks that sql[open..] is a tuple of nothing but placeholders that
 * names each of the nslots parameters (once per slot), and sequences'
 * next values; sets *close to its ")".
 */
static bool placeholders_only(const char *sql, size_t len, size_t open,
			      qr_paramstyle style, size_t nslots, size_t *close)
{
	size_t count = 0;
	unsigned char seen_small[64] = {0};
	unsigned char *seen = seen_small;
	bool ok = false;

	if (style == QR_PARAMSTYLE_NUMERIC && nslots > sizeof(seen_small)) {
		seen = calloc(nslots, 1);
		if (!seen)
			return false;
	}
	size_t p = open + 1;
	while (p < len && sql[p] != ')') {
		char c = sql[p];
		if (is_space(c) || c == ',') {
			p++;
		} else if (style == QR_PARAMSTYLE_QMARK && c == '?') {
			count++;
			p++;
		} else if (style == QR_PARAMSTYLE_FORMAT && c == '%' &&
			   p + 1 < len && sql[p + 1] == 's') {
			count++;
			p += 2;
		} else if (style == QR_PARAMSTYLE_NUMERIC && c == '$') {
			size_t n = 0, q = p + 1;
			while (q < len && sql[q] >= '0' && sql[q] <= '9' &&
			       n <= nslots)
				n = n * 10 + (size_t)(sql[q++] - '0');
			if (q == p + 1 || n == 0 || n > nslots)
				goto done;
			if (!seen[n - 1]) {
				seen[n - 1] = 1;
				count++;
			}
			p = q;
		} else if (sequence_call(sql, len, p, &p)) {
			continue; /* the same in every row */
		} else {
			goto done; /* a literal, a function, a comment... */
		}
	}
	if (p < len && count == nslots) {
		*close = p;
		ok = true;
	}
done:
	if (seen != seen_small)
		free(seen);
	return ok;
}

/*
 * What follows the tuple closing at sql[close]: nothing but white space
 * and ";" (*tail_len 0), or, when returning is allowed, a RETURNING
 * clause (*tail_len its length from close + 1, a final ";" left out).
 * False for anything else.
 */
static bool tail_ok(const char *sql, size_t len, size_t close, bool returning,
		    size_t *tail_len)
{
	size_t p = close + 1;
	*tail_len = 0;
	while (p < len && is_space(sql[p]))
		p++;
	if (returning && len - p > 9 &&
	    strncasecmp(sql + p, "returning", 9) == 0 && !is_word(sql[p + 9])) {
		size_t end = len;
		while (end > p &&
		       (is_space(sql[end - 1]) || sql[end - 1] == ';'))
			end--;
		*tail_len = end - (close + 1);
		return true;
	}
	for (; p < len; p++) {
		if (!is_space(sql[p]) && sql[p] != ';')
			return false;
	}
	return true;
}

bool qr_manyvalues__plan(qr_manyvalues *plan, const qr_compiled *cp)
{
	const char *sql = cp->sql;
	size_t len = cp->sql_len, close, tail_len;
	unsigned features = cp->dialect->features;

	if (cp->nslots == 0 || !(features & QR_FEATURE_MULTI_VALUES))
		return false;
	size_t p = 0;
	while (p < len && is_space(sql[p]))
		p++;
	if (len - p < 6 || strncasecmp(sql + p, "insert", 6) != 0 ||
	    (len - p > 6 && is_word(sql[p + 6])))
		return false;
	size_t open = last_values_tuple(sql, len);
	if (open == SIZE_MAX ||
	    !placeholders_only(sql, len, open, cp->dialect->paramstyle,
			       cp->nslots, &close) ||
	    !tail_ok(sql, len, close,
		     features & (QR_FEATURE_RETURNING |
				 QR_FEATURE_INSERT_RETURNING),
		     &tail_len))
		return false;
	const char *name = cp->dialect->name;
	size_t max_params = strcmp(name, "sqlite") == 0 ? SQLITE_MAX_PARAMS
							: SERVER_MAX_PARAMS;
	size_t rows = max_params / cp->nslots;
	if (rows > MAX_ROWS)
		rows = MAX_ROWS;
	if (rows < 2)
		return false;
	*plan = (qr_manyvalues){.cp = cp,
				.tuple_off = open,
				.tuple_len = close + 1 - open,
				.tail_off = close + 1,
				.tail_len = tail_len,
				.rows_per_batch = rows,
				.returning = tail_len > 0,
				.last_row_alone =
					tail_len == 0 &&
					(strcmp(name, "mysql") == 0 ||
					 strcmp(name, "mariadb") == 0)};
	return true;
}

/* Writes the decimal digits of k at p; returns the end. */
static char *put_number(char *p, size_t k)
{
	char digits[24], *d = digits + sizeof(digits);
	do {
		*--d = (char)('0' + k % 10);
		k /= 10;
	} while (k);
	size_t n = (size_t)(digits + sizeof(digits) - d);
	memcpy(p, d, n);
	return p + n;
}

/* Decimal digits of k. */
static size_t count_digits(size_t k)
{
	size_t n = 1;
	while (k >= 10) {
		k /= 10;
		n++;
	}
	return n;
}

/*
 * Writes the tuple for row r (0-based) at p, renumbering $n placeholders
 * (a batch has thousands of them: written by hand, not printf); returns
 * the end.
 */
static char *put_tuple(char *p, const qr_manyvalues *plan, size_t r)
{
	const char *t = plan->cp->sql + plan->tuple_off;
	size_t n = plan->tuple_len;
	if (plan->cp->dialect->paramstyle != QR_PARAMSTYLE_NUMERIC || r == 0) {
		memcpy(p, t, n);
		return p + n;
	}
	size_t shift = r * plan->cp->nslots;
	for (size_t i = 0; i < n;) {
		if (t[i] != '$') {
			*p++ = t[i++];
			continue;
		}
		size_t k = 0, j = i + 1;
		while (j < n && t[j] >= '0' && t[j] <= '9')
			k = k * 10 + (size_t)(t[j++] - '0');
		*p++ = '$';
		p = put_number(p, k + shift);
		i = j;
	}
	return p;
}

/* A batch's SQL kept with its compiled form. */
struct qr_batch_sql {
	size_t rows, len;
	char sql[];
};

const char *qr_manyvalues__batch_sql(const qr_manyvalues *plan, size_t rows,
				     size_t *len, char **owned)
{
	qr_compiled *owner =
		plan->cp->tmpl ? plan->cp->tmpl : (qr_compiled *)plan->cp;
	struct qr_batch_sql *kept =
		atomic_load_explicit(&owner->batch_sql, memory_order_acquire);
	*owned = NULL;
	if (!kept || kept->rows != rows) {
		char *sql = qr_manyvalues__sql(plan, rows, len);
		if (!sql || kept)
			return *owned = sql;
		kept = malloc(sizeof(*kept) + *len + 1);
		if (!kept)
			return *owned = sql;
		kept->rows = rows;
		kept->len = *len;
		memcpy(kept->sql, sql, *len + 1);
		free(sql);
		struct qr_batch_sql *none = NULL;
		if (!atomic_compare_exchange_strong_explicit(
			    &owner->batch_sql, &none, kept,
			    memory_order_acq_rel, memory_order_acquire)) {
			free(kept); /* another thread kept one first */
			return qr_manyvalues__batch_sql(plan, rows, len, owned);
		}
	}
	*len = kept->len;
	return kept->sql;
}

char *qr_manyvalues__sql(const qr_manyvalues *plan, size_t rows, size_t *len)
{
	const qr_compiled *cp = plan->cp;
	/* At most: each of a tuple's placeholders (one digit at least in
	 * the statement's tuple) renumbered with the most digits any row's
	 * takes, and ", " before every tuple. */
	size_t marks = 0;
	if (cp->dialect->paramstyle == QR_PARAMSTYLE_NUMERIC)
		for (size_t i = 0; i < plan->tuple_len; i++)
			marks += cp->sql[plan->tuple_off + i] == '$';
	size_t digits = count_digits(rows * cp->nslots);
	size_t per_row = plan->tuple_len + 2 + marks * digits;
	if (rows >
	    (SIZE_MAX / 2 - plan->tuple_off - plan->tail_len) / per_row) {
		qr_error_oom("multi-row INSERT");
		return NULL;
	}
	size_t cap = plan->tuple_off + rows * per_row + plan->tail_len + 1;
	char *sql = malloc(cap);
	if (!sql) {
		qr_error_oom("multi-row INSERT");
		return NULL;
	}
	char *p = sql;
	memcpy(p, cp->sql, plan->tuple_off);
	p += plan->tuple_off;
	for (size_t r = 0; r < rows; r++) {
		if (r) {
			*p++ = ',';
			*p++ = ' ';
		}
		p = put_tuple(p, plan, r);
	}
	memcpy(p, cp->sql + plan->tail_off, plan->tail_len);
	p += plan->tail_len;
	*p = '\0';
	*len = (size_t)(p - sql);
	return sql;
}
