/*
 * sqlnode.h - the generic node kinds of the expression language: child
 * slots, flags and construction helpers (private to core).
 *
 * Constructors follow one discipline: they take ownership of every node
 * argument; given a NULL argument they release the others and return
 * NULL, leaving the first error in qr_error_last() (or recording
 * QR_EINVAL when none was recorded). Variadic lists end with QR_END.
 */
#ifndef QUARRY_CORE_SQL_SQLNODE_H
#define QUARRY_CORE_SQL_SQLNODE_H

#include "node.h"

#include <quarry/dml.h>
#include <quarry/expr.h>
#include <quarry/schema.h>
#include <quarry/select.h>

#include <stdarg.h>

/* LITERAL sub-kinds (node->op). */
enum {
	QR_LIT_NULL,
	QR_LIT_TRUE,
	QR_LIT_FALSE,
	QR_LIT_STAR,
	QR_LIT_COLUMN /* name: SQL text rendered as is */
};

/* BIND flags. */
enum {
	QR_NF_BIND_VALUE = 1u << 0,    /* carries a value */
	QR_NF_BIND_TYPED = 1u << 1,    /* type given explicitly */
	QR_NF_BIND_LIMIT = 1u << 2,    /* LIMIT/OFFSET/frame: named param_N */
	QR_NF_BIND_EXPANDING = 1u << 3 /* a list expanded at execution */
};

/* BINARY: kids [left, right] (BETWEEN: [expr, lo, hi]); name: the
 * custom operator; str: the LIKE escape character. */
enum { QR_BIN_LEFT, QR_BIN_RIGHT, QR_BIN_THIRD };
/* LIKE's ival: contains / startswith / endswith add '%' around right. */
enum { QR_LIKE_PLAIN, QR_LIKE_CONTAINS, QR_LIKE_STARTS, QR_LIKE_ENDS };
/* icontains / istartswith / iendswith: the same, both sides in lower()
 * (ival is one of these; QR_LIKE_FOLD is added to the plain form's). */
enum {
	QR_LIKE_FOLD = 8,
	QR_LIKE_ICONTAINS = QR_LIKE_FOLD + QR_LIKE_CONTAINS,
	QR_LIKE_ISTARTS = QR_LIKE_FOLD + QR_LIKE_STARTS,
	QR_LIKE_IENDS = QR_LIKE_FOLD + QR_LIKE_ENDS
};

/* FUNC: name; kids [args LIST(COMMA) or NULL, FILTER condition]. */
enum { QR_FN_ARGS, QR_FN_FILTER, QR_FN_NKIDS };
enum {
	QR_NF_FUNC_TYPED = 1u << 0, /* return type given explicitly */
	/* Binds among the arguments keep the enclosing name (the lower()
	 * that icontains puts around its operand). */
	QR_NF_FUNC_KEEP_HINT = 1u << 1
};

/* EXTRACT: name the field; kids [expr]. WITHIN_GROUP: kids [function,
 * order LIST(COMMA)]. */
enum { QR_WG_FUNC, QR_WG_ORDER };

/* CASE: kids [value, else, when...]. */
enum { QR_CASE_VALUE, QR_CASE_ELSE, QR_CASE_WHENS };

/* OVER: kids [function, partition LIST, order LIST, frame PART]. */
enum {
	QR_OVER_FUNC,
	QR_OVER_PARTITION,
	QR_OVER_ORDER,
	QR_OVER_FRAME,
	QR_OVER_NKIDS
};

/* Frame PART flags: each bound is UNBOUNDED (kid NULL), CURRENT ROW or a
 * bind holding the distance, PRECEDING or FOLLOWING. */
enum {
	QR_NF_FRAME_LO_CURRENT = 1u << 0,
	QR_NF_FRAME_LO_FOLLOWING = 1u << 1,
	QR_NF_FRAME_HI_CURRENT = 1u << 2,
	QR_NF_FRAME_HI_PRECEDING = 1u << 3
};

/* JOIN sub-kinds (op); kids [left, right, on]. */
enum { QR_JOIN_INNER, QR_JOIN_LEFT, QR_JOIN_FULL };
enum { QR_JOIN_L, QR_JOIN_R, QR_JOIN_ON };

/* VALUES_FROM: name (NULL: anonymous); kids [LIST of LEXCOL columns
 * (typed), then one LIST(TUPLE) of BINDs per row]. */
enum { QR_VF_COLUMNS, QR_VF_ROWS };

/* SUBQUERY flags. */
enum { QR_NF_SUBQUERY_LATERAL = 1u << 0 };

/* FROMCOL: kids [from, inner column or NULL]; name (NULL: anonymous). */
enum { QR_FC_FROM, QR_FC_INNER };

/* CTE: kids [element, restates]; flags. */
enum { QR_CTE_ELEMENT, QR_CTE_RESTATES };
enum { QR_NF_CTE_RECURSIVE = 1u << 0 };

/* SELECT kids. */
enum {
	QR_SEL_COLS,        /* LIST(COMMA) of column expressions */
	QR_SEL_FROMS,       /* LIST of explicit FROM objects */
	QR_SEL_WHERE,       /* LIST(AND) */
	QR_SEL_GROUP,       /* LIST(COMMA) */
	QR_SEL_HAVING,      /* LIST(AND) */
	QR_SEL_ORDER,       /* LIST(COMMA) */
	QR_SEL_LIMIT,       /* BIND */
	QR_SEL_OFFSET,      /* BIND */
	QR_SEL_DISTINCT_ON, /* LIST(COMMA) */
	QR_SEL_CORRELATE,   /* LIST of FROM objects */
	QR_SEL_CORRELATE_EXCEPT,
	QR_SEL_FETCH, /* PART FETCH: kids [count BIND]; ival QR_FETCH_* */
	QR_SEL_FOR_UPDATE_OF, /* LIST of FROM objects (FOR UPDATE OF) */
	QR_SEL_NKIDS
};
enum {
	QR_NF_SEL_DISTINCT = 1u << 0,
	QR_NF_SEL_NO_AUTOCORRELATE = 1u << 1,
	QR_NF_SEL_FOR_UPDATE = 1u << 2 /* ival holds QR_FOR_* flags */
};

/* COMPOUND: op = QR_SET_*; kids. */
enum {
	QR_CMP_SELECTS, /* LIST */
	QR_CMP_ORDER,   /* LIST(COMMA) */
	QR_CMP_LIMIT,
	QR_CMP_OFFSET,
	QR_CMP_NKIDS
};
enum {
	QR_SET_UNION,
	QR_SET_UNION_ALL,
	QR_SET_INTERSECT,
	QR_SET_INTERSECT_ALL,
	QR_SET_EXCEPT,
	QR_SET_EXCEPT_ALL
};

/* PART sub-kinds (op): clauses handed to statement constructors. */
enum {
	QR_PART_WHERE,
	QR_PART_HAVING,
	QR_PART_FROM,
	QR_PART_GROUP_BY,
	QR_PART_ORDER_BY,
	QR_PART_PARTITION_BY,
	QR_PART_LIMIT,
	QR_PART_OFFSET,
	QR_PART_DISTINCT,
	QR_PART_DISTINCT_ON,
	QR_PART_FOR_UPDATE,
	QR_PART_CORRELATE,
	QR_PART_CORRELATE_EXCEPT,
	QR_PART_CORRELATE_NONE,
	QR_PART_RETURNING,
	QR_PART_VALUES,              /* kids: SET nodes of one row */
	QR_PART_FROM_SELECT,         /* kids [select, LIST of LEXCOL names] */
	QR_PART_ON_CONFLICT_NOTHING, /* kids [target LIST of LEXCOL] */
	QR_PART_ON_CONFLICT_UPDATE,  /* kids [target, LIST of SET, where] */
	QR_PART_ON_DUPLICATE,        /* kids [LIST of SET] */
	QR_PART_ROWS,                /* window frame; kids [lo, hi] */
	QR_PART_RANGE,
	QR_PART_ELSE, /* CASE ... ELSE */
	QR_PART_FETCH /* FETCH FIRST; kids [count]; ival QR_FETCH_* */
};

/* INSERT kids. */
enum {
	QR_INS_TABLE,
	QR_INS_VALUES,      /* LIST of SET (one row) */
	QR_INS_ROWS,        /* LIST of LIST of SET (multi-row VALUES) */
	QR_INS_SELECT,      /* INSERT ... SELECT */
	QR_INS_SELECT_COLS, /* LIST of LEXCOL */
	QR_INS_RETURNING,
	QR_INS_UPSERT, /* PART ON_CONFLICT_* / ON_DUPLICATE */
	QR_INS_NKIDS
};

/* UPDATE kids. */
enum {
	QR_UPD_TABLE,
	QR_UPD_SETS,
	QR_UPD_WHERE,
	QR_UPD_RETURNING,
	QR_UPD_NKIDS
};

/* DELETE kids. */
enum { QR_DEL_TABLE, QR_DEL_WHERE, QR_DEL_RETURNING, QR_DEL_NKIDS };

/* DDL sub-kinds (op); kids [table or index]; type for enums. */
enum {
	QR_DDL_CREATE_TABLE,
	QR_DDL_DROP_TABLE,
	QR_DDL_CREATE_INDEX,
	QR_DDL_DROP_INDEX,
	QR_DDL_CREATE_TYPE,
	QR_DDL_DROP_TYPE,
	QR_DDL_COMMENT_TABLE,   /* COMMENT ON TABLE (kid: table) */
	QR_DDL_COMMENT_COLUMN,  /* COMMENT ON COLUMN (kid: column) */
	QR_DDL_CREATE_SEQUENCE, /* a column's sequence (kid: the column) */
	QR_DDL_DROP_SEQUENCE
};

/* TABLE_OPT sub-kinds. */
enum { QR_TOPT_SCHEMA, QR_TOPT_COMMENT };

/* --- helpers (node_generic.c) --- */

/* A new generic node with nkids NULL child slots. */
qr_node *qr_sql__node(qr_node_kind kind, size_t nkids);

/* Appends a child (taking it; a NULL kid is stored as is). */
int qr_sql__push(qr_node *n, qr_node *kid);

/* Replaces child i (taking kid, releasing the old one). */
void qr_sql__set_kid(qr_node *n, size_t i, qr_node *kid);

/* Copies s into n->name / n->str. 0 or QR_ENOMEM. */
int qr_sql__set_name(qr_node *n, const char *s);
int qr_sql__set_str(qr_node *n, const char *s);

/* Copies t (and the strings it points at) into n->type. */
int qr_sql__set_type(qr_node *n, const qr_type *t);

/* Copies v (and its bytes) into n->value. */
int qr_sql__set_value(qr_node *n, const qr_value *v);

/* A shallow copy: same fields, new references to the same children
 * (generative construction). NULL on OOM. */
qr_node *qr_sql__copy(const qr_node *n);

/* n itself when the caller holds its only reference (it may be changed
 * in place), else a copy, releasing the caller's reference. NULL on OOM
 * (n released). */
qr_node *qr_sql__own(qr_node *n);

/* Records "<fn>: <what> is NULL" unless an error is already recorded;
 * returns NULL. */
void *qr_sql__null_arg(const char *fn, const char *what);

/* Releases every node left in ap up to QR_END. */
void qr_sql__drain(va_list ap);

/* Collects the nodes of ap (up to QR_END) as children of list (taken).
 * A NULL item releases everything (list too) and returns NULL. */
qr_node *qr_sql__collect(qr_node *list, qr_node *first, va_list ap,
			 const char *fn);

/* A UNARY node op over a (taken), typed boolean for NOT and EXISTS and
 * a's type otherwise; NULL a: NULL, recording fn's error. */
qr_node *qr_sql__unary(qr_opcode op, qr_node *a, const char *fn);

/* The type of an expression node (QR_NULLTYPE when none). */
const qr_type *qr_sql__type(const qr_node *n);

/* A from-clause object: table, alias, subquery, CTE, join or text. */
bool qr_sql__is_from(const qr_node *n);

/* A SELECT or COMPOUND. */
bool qr_sql__is_selectable(const qr_node *n);

/* The number of columns a SELECT/COMPOUND returns, and the i-th column
 * expression (labels included) of its first SELECT. */
size_t qr_sql__select_ncols(const qr_node *sel);
const qr_node *qr_sql__select_col(const qr_node *sel, size_t i);

/* The name a column expression exports (column name, label name), or
 * NULL for an anonymous expression. */
const char *qr_sql__col_name(const qr_node *col);

/* A FROMCOL node: column name (NULL: the anonymous label of inner) of
 * from, with type t; inner is the source column expression (a reference
 * is taken; may be NULL). */
qr_node *qr_sql__fromcol(const qr_node *from, const char *name,
			 const qr_type *t, size_t index, const qr_node *inner);

/* The name the i-th column of a SELECT is exported under (deduped as
 * SQLAlchemy does: id, id_1, ...), or NULL for an anonymous one. */
const char *qr_sql__export_name(const qr_node *sel, size_t i, char *buf,
				size_t cap);

/* Frees a COLUMN/TABLE/CONSTRAINT/INDEX/TABLE_OPT definition (schema). */
void qr_schema__destroy_ext(qr_node *n);

#endif
