/*
 * node.h - expression and statement nodes (private to core).
 *
 * Every statement and expression is a qr_node: immutable once built,
 * reference-counted (atomically: trees may be shared between threads once
 * built). Node kinds are declared once in QR_NODE_KINDS and drive the
 * compiler's dispatch (a default visitor per kind, sparse per-dialect
 * overrides) and the destructors.
 *
 * TEXT nodes (text.c) keep their own fields in u.text (where a bind
 * keeps its value); every other kind uses the generic fields below: an
 * operator or sub-kind, flags, an integer, two owned strings, a type, a
 * bound value and an array of owned child references whose meaning per
 * index is given by the kind's enum (SEL_WHERE, ...). Generic nodes are
 * destroyed, keyed for the compiled cache and copied (for generative
 * construction) without per-kind code.
 *
 * Schema objects (TABLE, COLUMN, CONSTRAINT, INDEX) are "pinned": they
 * belong to their metadata, and qr_expr_ref/qr_expr_free leave them
 * alone, so expressions borrow them freely.
 */
#ifndef QUARRY_CORE_SQL_NODE_H
#define QUARRY_CORE_SQL_NODE_H

#include "compiled.h"

#include <quarry/params.h>
#include <quarry/statement.h>
#include <quarry/sys/dialect.h>
#include <quarry/types.h>
#include <stdatomic.h>

/* X(ENUM_SUFFIX, lower_name): every node kind. TEXT is the lead's
 * text.c; QR_SQL_NODE_KINDS are the generic kinds of the expression
 * language (compiler.c and friends). */
#define QR_SQL_NODE_KINDS(X)                                                 \
	X(TABLE, table)           /* schema: a table (pinned) */             \
	X(COLUMN, column)         /* schema: a table's column (pinned) */    \
	X(CONSTRAINT, constraint) /* schema: PK/FK/UNIQUE/CHECK */           \
	X(INDEX, index)           /* schema: an index */                     \
	X(TABLE_OPT, table_opt)   /* schema: a table option item */          \
	X(BIND, bind)             /* bound parameter */                      \
	X(LITERAL, literal)       /* literal SQL: keyword / literal col */   \
	X(LEXCOL, lexcol)         /* column('x') without a table */          \
	X(BINARY, binary)         /* left op right (BETWEEN: 3 kids) */      \
	X(UNARY, unary)           /* op element / element modifier */        \
	X(LIST, list)             /* AND / OR / comma / tuple list */        \
	X(FUNC, func)             /* name(args) */                           \
	X(CASE, case)             /* CASE [value] WHEN.. ELSE.. END */       \
	X(WHEN, when)             /* WHEN cond THEN result */                \
	X(CAST, cast)             /* CAST(x AS type) */                      \
	X(COERCE, coerce)         /* type_coerce(x, type) */                 \
	X(LABEL, label)           /* x AS name */                            \
	X(OVER, over)             /* fn OVER (PARTITION BY.. ORDER BY..) */  \
	X(FROMCOL, fromcol)       /* a column of an alias/subquery/cte */    \
	X(ALIAS, alias)           /* table AS name */                        \
	X(SUBQUERY, subquery)     /* (select) AS name */                     \
	X(CTE, cte)               /* WITH name AS (select) */                \
	X(JOIN, join)             /* left JOIN right ON cond */              \
	X(SCALAR, scalar)         /* (select) as a column expression */      \
	X(SELECT, select)                                                    \
	X(COMPOUND, compound) /* UNION / INTERSECT / EXCEPT */               \
	X(PART, part)         /* a clause handed to a constructor */         \
	X(SET, set)           /* column = value (VALUES, SET) */             \
	X(INSERT, insert)                                                    \
	X(UPDATE, update)                                                    \
	X(DELETE, delete)                                                    \
	X(EXCLUDED, excluded)         /* excluded.col / VALUES(col) */       \
	X(DDL, ddl)                   /* CREATE/DROP TABLE/INDEX/TYPE */     \
	X(EXTRACT, extract)           /* EXTRACT(field FROM expr) */         \
	X(WITHIN_GROUP, within_group) /* fn WITHIN GROUP (ORDER BY) */       \
	X(VALUES_FROM, values_from)   /* (VALUES (..), ..) AS name (cols) */ \
	X(NEXT_VALUE, next_value)     /* a sequence's next value (name) */

#define QR_NODE_KINDS(X) X(TEXT, text) QR_SQL_NODE_KINDS(X)

typedef struct qr_node qr_node;

typedef enum qr_node_kind {
#define QR_NODE_ENUM_(e, n) QR_NODE_##e,
	QR_NODE_KINDS(QR_NODE_ENUM_)
#undef QR_NODE_ENUM_
		QR_NODE_KIND_COUNT
} qr_node_kind;

/*
 * Operators: X(ENUM, sql, precedence). Precedence follows SQLAlchemy's
 * operators._PRECEDENCE: a child expression is parenthesised when its
 * operator's precedence is <= the parent's (except an associative operator
 * under itself: AND, OR, +, *, ||).
 */
#define QR_OPS(X)                                                          \
	X(NONE, "", 100)                                                   \
	X(AND, " AND ", 3)                                                 \
	X(OR, " OR ", 2)                                                   \
	X(COMMA, ", ", -1)                                                 \
	X(TUPLE, ", ", -1)                                                 \
	X(ADD, " + ", 7)                                                   \
	X(SUB, " - ", 7)                                                   \
	X(MUL, " * ", 8)                                                   \
	X(DIV, " / ", 8)                                                   \
	X(MOD, " % ", 8)                                                   \
	X(CONCAT, " || ", 6)                                               \
	X(EQ, " = ", 5)                                                    \
	X(NE, " != ", 5)                                                   \
	X(LT, " < ", 5)                                                    \
	X(LE, " <= ", 5)                                                   \
	X(GT, " > ", 5)                                                    \
	X(GE, " >= ", 5)                                                   \
	X(IS, " IS ", 5)                                                   \
	X(IS_NOT, " IS NOT ", 5)                                           \
	X(IS_DISTINCT_FROM, " IS DISTINCT FROM ", 5)                       \
	X(IS_NOT_DISTINCT_FROM, " IS NOT DISTINCT FROM ", 5)               \
	X(LIKE, " LIKE ", 5)                                               \
	X(NOT_LIKE, " NOT LIKE ", 5)                                       \
	X(ILIKE, " ILIKE ", 5)                                             \
	X(NOT_ILIKE, " NOT ILIKE ", 5)                                     \
	X(IN, " IN ", 5)                                                   \
	X(NOT_IN, " NOT IN ", 5)                                           \
	X(BETWEEN, " BETWEEN ", 5)                                         \
	X(NOT_BETWEEN, " NOT BETWEEN ", 5)                                 \
	X(CUSTOM, "", 0)  /* the operator text is in node->name */         \
	X(NOT, "NOT ", 5) /* unary operators */                            \
	X(NEG, "-", 8)                                                     \
	X(DISTINCT, "DISTINCT ", 5)                                        \
	X(EXISTS, "EXISTS ", 0)                                            \
	X(ASC, " ASC", 3) /* unary modifiers */                            \
	X(DESC, " DESC", 3)                                                \
	X(NULLS_FIRST, " NULLS FIRST", 3)                                  \
	X(NULLS_LAST, " NULLS LAST", 3)                                    \
	X(COLLATE, " COLLATE ", 4)     /* right: the collation name */     \
	X(REGEXP_MATCH, " REGEXP ", 5) /* str: flags */                    \
	X(NOT_REGEXP_MATCH, " NOT REGEXP ", 5)                             \
	X(REGEXP_REPLACE, "", 5) /* 3 kids; str: flags */                  \
	X(BITWISE_AND, " & ", 7)                                           \
	X(BITWISE_OR, " | ", 7)                                            \
	X(BITWISE_XOR, " ^ ", 7)                                           \
	X(BITWISE_LSHIFT, " << ", 7)                                       \
	X(BITWISE_RSHIFT, " >> ", 7)                                       \
	X(BITWISE_NOT, "~", 7) /* unary */                                 \
	X(ANY, "ANY ", 15)     /* unary: ANY (collection) */               \
	X(ALL, "ALL ", 15)                                                 \
	X(JSON_GETITEM, " -> ", 15)      /* json[key]; the type: as_*() */ \
	X(JSON_PATH_GETITEM, " #> ", 15) /* json[(path)] */

typedef enum qr_opcode {
#define QR_OP_ENUM_(e, s, p) QR_OP_##e,
	QR_OPS(QR_OP_ENUM_)
#undef QR_OP_ENUM_
		QR_OP_COUNT
} qr_opcode;

/* SQL text and precedence of an operator. */
const char *qr_op__sql(qr_opcode op);
int qr_op__precedence(qr_opcode op);
bool qr_op__is_comparison(qr_opcode op);

/* One piece of a textual statement: literal SQL or a named parameter. */
typedef struct qr_text_part {
	bool is_param;
	char *str; /* literal SQL (escapes resolved) or parameter name */
	size_t len;
} qr_text_part;

/* Children a generic node keeps inside its own allocation (a node with
 * more has them in an array of their own). */
#define QR_NODE_INLINE_KIDS 3

/* tkey when the node's type is more than a kind (cache.c keys it whole). */
#define QR_NODE_TKEY_FULL UINT32_MAX

struct qr_node {
	/* The fields the compiled cache reads of every node come first, in
	 * 64 bytes (a cache hit walks a statement it has not seen); a small
	 * node's children and a bind's value follow in the next 64. */
	qr_node_kind kind;
	atomic_int refcount;
	/* Generic fields (every kind but TEXT). */
	int op;         /* qr_opcode, or the kind's sub-kind */
	unsigned flags; /* kind-specific QR_NF_* bits */
	int64_t ival;   /* kind-specific integer */
	qr_node **kids; /* owned references; entries may be NULL; kin or
			 * an array of kcap entries */
	size_t nkids;
	char *name; /* owned; label, alias, function, bind... */
	char *str;  /* owned; a second string */
	/* type.kind when the type is nothing but a kind, else
	 * QR_NODE_TKEY_FULL: kept by qr_sql__set_type, the only writer of
	 * type. */
	uint32_t tkey;
	bool pinned; /* owned by a metadata: ref/free do nothing */
	qr_node *kin[QR_NODE_INLINE_KIDS]; /* kids when they fit */
	union {
		/* BIND: the value (bytes in value_storage). */
		struct {
			qr_value value;
			char *value_storage;
		};
		/* TEXT (text.c). */
		struct {
			struct {
				char *sql; /* as given */
				qr_text_part *parts;
				size_t nparts;
				/* The first compiled form, kept for the
				 * node's life: executing the statement
				 * again does not compile it again. Set
				 * once, never replaced. */
				_Atomic(qr_compiled *) compiled;
			} text;
		} u;
	};
	qr_type type;       /* the expression's type; strings owned */
	size_t kcap;        /* room in kids (QR_NODE_INLINE_KIDS when kin) */
	char *type_storage; /* owns type.name / type.labels copies */
	void *ext;          /* schema kinds: their definition */
	/* A statement's first compiled form (compile.c), kept for the
	 * node's life so that executing the same statement object again
	 * compiles nothing; dropped when the node is changed in place
	 * (qr_sql__own). Set once, never replaced. */
	_Atomic(qr_compiled *) memo;
};

/* Allocates a zeroed node of kind with one reference, its kids the
 * (empty) inline ones; NULL on OOM. */
qr_node *qr_node__new(qr_node_kind kind);

/* Releases a node's kind-specific contents (called at refcount 0): one
 * qr_node__destroy_<name>() per kind in QR_NODE_KINDS. */
#define QR_NODE_DESTROY_DECL_(e, n) void qr_node__destroy_##n(qr_node *node);
QR_NODE_KINDS(QR_NODE_DESTROY_DECL_)
#undef QR_NODE_DESTROY_DECL_

/* The kind's name ("text", ...). Static. */
const char *qr_node__kind_name(qr_node_kind kind);

/* Compiles any statement node for dialect (through the compiled cache):
 * the dispatch. */
int qr_compile__node(qr_compiled **out, const qr_node *node,
		     const qr_dialect *dialect);

/* Compiles a statement for execution with params: INSERT and UPDATE name
 * the columns of the parameters' first row (SQLAlchemy's column_keys). */
int qr_compile__exec(qr_compiled **out, const qr_node *node,
		     const qr_dialect *dialect, const qr_params *params);

/* The compiled form a statement keeps for dialect (SELECT, set
 * operation, DELETE, text()), borrowed: valid while the caller holds the
 * statement unchanged. NULL when it has none yet (compile it then).
 * Inline: a statement executed again asks it first. */
static inline const qr_compiled *qr_compile__memo(const qr_node *node,
						  const qr_dialect *dialect)
{
	const qr_compiled *m = NULL;
	if (node->kind == QR_NODE_TEXT)
		m = atomic_load_explicit(&node->u.text.compiled,
					 memory_order_acquire);
	else if (node->kind == QR_NODE_SELECT ||
		 node->kind == QR_NODE_COMPOUND || node->kind == QR_NODE_DELETE)
		m = atomic_load_explicit(&node->memo, memory_order_acquire);
	return m && m->dialect == dialect ? m : NULL;
}

/* Compiles a TEXT node for dialect into a new qr_compiled. */
int qr_text__compile(qr_compiled **out, const qr_node *node,
		     const qr_dialect *dialect);

#endif
