/*
 * mysqlclient_bulk.c - executemany by MariaDB's bulk execution.
 *
 * MariaDB 10.2 and later execute a prepared statement for an array of
 * parameter sets in one round trip (COM_STMT_BULK_EXECUTE, which MariaDB
 * Connector/C sends when STMT_ATTR_ARRAY_SIZE is set). An executemany of
 * an UPDATE or DELETE goes that way: the rows are bound column-wise (an
 * array of values per parameter, NULLs marked by indicators) in batches
 * of at most BULK_ROWS rows and about BULK_BYTES bytes of values, so
 * that a batch stays far below the server's max_allowed_packet. The
 * server answers a batch with the rows it matched in all (connections
 * are opened with CLIENT_FOUND_ROWS), the sum a row-by-row execution
 * gives.
 *
 * The protocol sends a parameter's type once a batch: a parameter whose
 * values are of several kinds (an integer in one row, text in another)
 * cannot go that way, and the caller executes row by row instead.
 *
 * Layout (MariaDB Connector/C's rule): a type of fixed size (integers,
 * doubles) is an array of values; any other (strings, decimals, blobs,
 * and dates and times too) an array of pointers to the values, with an
 * array of lengths for the bytes.
 *
 * Ownership: the arrays are allocated a batch at a time and freed before
 * returning; nothing is kept on the connection or the statement, whose
 * array size is set back to 0 (single executions) after every batch.
 */
#include "mysqlclient_internal.h"

#include <quarry/sys/error.h>

#include <stdlib.h>
#include <string.h>

#define BULK_ROWS 1000
#define BULK_BYTES ((size_t)1 << 20)

#if defined(MARIADB_PACKAGE_VERSION_ID) && MARIADB_PACKAGE_VERSION_ID >= 30000
#define HAVE_BULK 1
#endif

bool qr_mysql__bulk_supported(MYSQL *my)
{
#ifdef HAVE_BULK
	unsigned long caps = 0, ext = 0;

	if (mariadb_get_infov(my, MARIADB_CONNECTION_SERVER_CAPABILITIES,
			      &caps) ||
	    mariadb_get_infov(
		    my, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &ext))
		return false;
	/* CLIENT_MYSQL set: a MySQL server, which has no bulk execution */
	return !(caps & CLIENT_MYSQL) &&
	       (ext & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) != 0;
#else
	(void)my;
	return false;
#endif
}

#ifdef HAVE_BULK

/* The kind of parameter i's values in rows [first, first + k): the one
 * kind every non-NULL value has (QR_VNULL when all are NULL); false when
 * they differ. */
static bool column_kind(qr_vkind *out, const qr_driver_exec *exec, size_t first,
			size_t k, size_t i)
{
	qr_vkind kind = QR_VNULL;

	for (size_t r = first; r < first + k; r++) {
		qr_vkind vk = exec->params[r * exec->nparams + i].kind;
		if (vk == QR_VNULL || vk == kind)
			continue;
		if (kind != QR_VNULL)
			return false;
		kind = vk;
	}
	*out = kind;
	return true;
}

/* Bytes a value of kind takes in its column's array. */
static size_t elem_size(qr_vkind kind)
{
	switch (kind) {
	case QR_VDOUBLE:
		return sizeof(double);
	case QR_VBOOL:
		return sizeof(signed char);
	case QR_VTEXT:
	case QR_VNUMERIC:
	case QR_VBLOB:
		return sizeof(const char *) + sizeof(unsigned long);
	case QR_VDATE:
	case QR_VTIME:
	case QR_VDATETIME:
		return sizeof(MYSQL_TIME *) + sizeof(MYSQL_TIME);
	default:
		return sizeof(int64_t);
	}
}

/* How many rows from first make one batch. */
static size_t batch_rows(const qr_driver_exec *exec, size_t first)
{
	size_t bytes = 0, k = 0;

	while (first + k < exec->nrows && k < BULK_ROWS && bytes < BULK_BYTES) {
		const qr_value *row =
			exec->params + (first + k) * exec->nparams;
		for (size_t i = 0; i < exec->nparams; i++) {
			bytes += 16;
			if (row[i].kind == QR_VTEXT ||
			    row[i].kind == QR_VBLOB ||
			    row[i].kind == QR_VNUMERIC)
				bytes += row[i].u.s.len;
		}
		k++;
	}
	return k;
}

/* Rounds n up to a multiple of 16 (each array starts aligned). */
static size_t round16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

/* Bytes a column of k values of kind takes: indicators, then values. */
static size_t column_bytes(qr_vkind kind, size_t k)
{
	return round16(k) + round16(k * elem_size(kind));
}

/* Fills bind b with parameter i's values of rows [first, first + k),
 * of kind (checked by column_kind), into mem (column_bytes: k
 * indicators, then the values). */
static int fill_column(MYSQL_BIND *b, unsigned char *mem, qr_vkind kind,
		       const qr_driver_exec *exec, size_t first, size_t k,
		       size_t i)
{
	char *ind = (char *)mem;
	unsigned char *vals = mem + round16(k);

	memset(b, 0, sizeof(*b));
	b->u.indicator = ind;
	b->buffer = vals;
	switch (kind) {
	case QR_VDOUBLE:
		b->buffer_type = MYSQL_TYPE_DOUBLE;
		break;
	case QR_VBOOL:
		b->buffer_type = MYSQL_TYPE_TINY;
		break;
	case QR_VTEXT:
		b->buffer_type = MYSQL_TYPE_STRING;
		break;
	case QR_VNUMERIC:
		b->buffer_type = MYSQL_TYPE_NEWDECIMAL;
		break;
	case QR_VBLOB:
		b->buffer_type = MYSQL_TYPE_BLOB;
		break;
	case QR_VDATE:
		b->buffer_type = MYSQL_TYPE_DATE;
		break;
	case QR_VTIME:
		b->buffer_type = MYSQL_TYPE_TIME;
		break;
	case QR_VDATETIME:
		b->buffer_type = MYSQL_TYPE_DATETIME;
		break;
	case QR_VINT:
	case QR_VNULL: /* every value NULL: the type does not matter */
		b->buffer_type = MYSQL_TYPE_LONGLONG;
		break;
	default:
		return qr_error_set(QR_ECONVERT, QR_ECLASS_DATA,
				    "mysqlclient: parameter %zu: unknown value "
				    "kind %d",
				    i + 1, (int)kind);
	}
	const char **ptrs = (const char **)(void *)vals;
	unsigned long *lens = (unsigned long *)(void *)(ptrs + k);
	if (elem_size(kind) == sizeof(const char *) + sizeof(unsigned long))
		b->length = lens;
	for (size_t r = 0; r < k; r++) {
		const qr_value *v =
			&exec->params[(first + r) * exec->nparams + i];
		ind[r] = v->kind == QR_VNULL ? STMT_INDICATOR_NULL
					     : STMT_INDICATOR_NONE;
		switch (kind) {
		case QR_VDOUBLE:
			((double *)(void *)vals)[r] =
				v->kind == QR_VNULL ? 0 : v->u.d;
			break;
		case QR_VBOOL:
			((signed char *)vals)[r] =
				v->kind != QR_VNULL && v->u.b ? 1 : 0;
			break;
		case QR_VTEXT:
		case QR_VNUMERIC:
		case QR_VBLOB:
			ptrs[r] = v->kind == QR_VNULL || !v->u.s.ptr
					  ? ""
					  : v->u.s.ptr;
			lens[r] = v->kind == QR_VNULL
					  ? 0
					  : (unsigned long)v->u.s.len;
			break;
		case QR_VDATE:
		case QR_VTIME:
		case QR_VDATETIME: {
			/* variable length for the connector: by pointer */
			MYSQL_TIME **tp = (MYSQL_TIME **)(void *)vals;
			MYSQL_TIME *t = (MYSQL_TIME *)(void *)(tp + k) + r;
			enum enum_field_types type;
			if (!qr_mysql__time_value(t, &type, v))
				memset(t, 0, sizeof(*t));
			tp[r] = t;
			break;
		}
		default:
			((int64_t *)(void *)vals)[r] =
				v->kind == QR_VNULL ? 0 : v->u.i;
			break;
		}
	}
	return 0;
}

/* Executes rows [first, first + k) as one batch. */
static int exec_batch(int64_t *total, qr_driver_conn *conn, MYSQL_STMT *stmt,
		      const qr_driver_exec *exec, size_t first, size_t k,
		      const qr_vkind *kinds)
{
	size_t n = exec->nparams, bytes = 0;
	MYSQL_BIND *binds;
	unsigned char *mem;
	unsigned int size = (unsigned int)k, zero = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		bytes += column_bytes(kinds[i], k);
	binds = malloc(n * sizeof(*binds));
	mem = malloc(bytes ? bytes : 1);
	if (!binds || !mem) {
		free(binds);
		free(mem);
		return qr_error_oom("mysqlclient bulk execution");
	}
	unsigned char *p = mem;
	for (size_t i = 0; i < n && rc == 0; i++) {
		rc = fill_column(&binds[i], p, kinds[i], exec, first, k, i);
		p += column_bytes(kinds[i], k);
	}
	if (rc == 0 &&
	    (mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &size) ||
	     mysql_stmt_bind_param(stmt, binds) || mysql_stmt_execute(stmt)))
		rc = qr_mysql__stmt_error(conn, stmt, exec->sql);
	if (rc == 0)
		*total += (int64_t)mysql_stmt_affected_rows(stmt);
	/* single executions again (the statement stays cached) */
	mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &zero);
	free(binds);
	free(mem);
	return rc;
}

/* Whether every batch of exec's rows has one kind of value a parameter
 * (NULLs aside). */
static bool bulk_applicable(const qr_driver_exec *exec)
{
	qr_vkind kind;

	for (size_t first = 0; first < exec->nrows;) {
		size_t k = batch_rows(exec, first);
		for (size_t i = 0; i < exec->nparams; i++)
			if (!column_kind(&kind, exec, first, k, i))
				return false;
		first += k;
	}
	return true;
}

int qr_mysql__exec_bulk(bool *sent, int64_t *total, qr_driver_conn *conn,
			MYSQL_STMT *stmt, const qr_driver_exec *exec)
{
	qr_vkind stack[16], *kinds = stack;
	int rc = 0;

	*sent = false;
	if (!bulk_applicable(exec))
		return 0;
	if (exec->nparams > 16 &&
	    !(kinds = malloc(exec->nparams * sizeof(*kinds))))
		return qr_error_oom("mysqlclient bulk execution");
	*sent = true;
	for (size_t first = 0; first < exec->nrows && rc == 0;) {
		size_t k = batch_rows(exec, first);
		for (size_t i = 0; i < exec->nparams; i++)
			column_kind(&kinds[i], exec, first, k, i);
		rc = exec_batch(total, conn, stmt, exec, first, k, kinds);
		first += k;
	}
	if (kinds != stack)
		free(kinds);
	return rc;
}

#else /* no bulk execution in this client library */

int qr_mysql__exec_bulk(bool *sent, int64_t *total, qr_driver_conn *conn,
			MYSQL_STMT *stmt, const qr_driver_exec *exec)
{
	*sent = false;
	(void)total;
	(void)conn;
	(void)stmt;
	(void)exec;
	return 0;
}

#endif
