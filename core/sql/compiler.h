/*
 * compiler.h - the SQL compiler: one compiler, per-dialect overrides
 * (private to core and the built-in dialects).
 *
 * Dispatch is driven by the node kinds (QR_NODE_KINDS): each kind has a
 * default visitor (qr_sqlc__visit_<kind>), and a dialect's
 * qr_compiler_overrides may replace any of them, any binary operator's
 * rendering, and the clause-level hooks below; a NULL entry means "the
 * default". A dialect's overrides live in dialects/<name>/compiler.c and
 * are reached from its qr_dialect.compiler.
 *
 * Output goes to c->b. Bind parameters are written as markers that
 * qr_sqlc__finish() turns into the dialect's placeholders in text order
 * (so CTEs rendered apart and prepended keep positional order right).
 * Visitors return 0 or a negative QR_E* code; the first error sticks in
 * c->rc and later appends are ignored.
 */
#ifndef QUARRY_CORE_SQL_COMPILER_H
#define QUARRY_CORE_SQL_COMPILER_H

#include "../schema/schema_internal.h"
#include "../strbuf.h"
#include "sqlnode.h"

typedef struct qr_sqlc qr_sqlc;

/* Visit context flags. */
enum {
	QR_CTX_COLUMNS = 1u << 0,   /* in a SELECT's columns clause */
	QR_CTX_ASFROM = 1u << 1,    /* a FROM element (subquery, CTE) */
	QR_CTX_NO_TABLE = 1u << 2,  /* columns without their table */
	QR_CTX_LITERAL = 1u << 3,   /* values inline, not bound */
	QR_CTX_ORDER = 1u << 4,     /* ORDER BY / GROUP BY: labels by name */
	QR_CTX_RESULT = 1u << 5,    /* this SELECT's columns are the result */
	QR_CTX_NO_SCHEMA = 1u << 6, /* tables without their schema */
	/* inside an operand of a binary operator (SQLAlchemy's
	 * _in_operator_expression: SQLite's XOR groups itself there) */
	QR_CTX_OPERAND = 1u << 7,
	QR_CTX_LATERAL = 1u << 8 /* the SELECT of a LATERAL subquery */
};

typedef int (*qr_visit_fn)(qr_sqlc *c, const qr_node *n, unsigned ctx);

/*
 * A dialect's compiler overrides. Every member may be NULL (default).
 * Hooks returning int return 0 or a negative error; "fallible renderers"
 * documented as 1/0 return 1 when they rendered, 0 to fall back.
 */
typedef struct qr_compiler_overrides {
	qr_visit_fn visit[QR_NODE_KIND_COUNT];
	/* Binary operators (n is the BINARY node). */
	qr_visit_fn binary[QR_OP_COUNT];
	/* A function call: 1 rendered, 0 default. */
	int (*function)(qr_sqlc *c, const qr_node *fn, unsigned ctx);
	/* LIMIT/OFFSET (either may be NULL; not both). */
	int (*limit_clause)(qr_sqlc *c, const qr_node *limit,
			    const qr_node *offset, unsigned ctx);
	/* OFFSET .. ROWS FETCH FIRST .. ROWS (fetch a PART FETCH; offset
	 * may be NULL). NULL: unsupported (QR_ENOTSUP). */
	int (*fetch_clause)(qr_sqlc *c, const qr_node *fetch,
			    const qr_node *offset, unsigned ctx);
	/* FOR UPDATE with QR_FOR_* flags, OF the tables of list of (NULL:
	 * none; qr_sqlc__for_update_of renders it). */
	int (*for_update)(qr_sqlc *c, unsigned flags, const qr_node *of);
	/* The text inside "IN (...)" for an empty list; negate for NOT IN.
	 * The default renders SQLAlchemy's "NULL) AND (1 != 1". */
	int (*empty_in)(qr_sqlc *c, const qr_node *bin, bool negate);
	/* Multi-table UPDATE: after "UPDATE ", the tables; after SET, the
	 * extra FROM clause. Multi-table DELETE: after the table. NULL
	 * update_from / delete_using: unsupported (QR_ENOTSUP). */
	int (*update_tables)(qr_sqlc *c, const qr_node *table,
			     const qr_node *const *extra, size_t n);
	int (*update_from)(qr_sqlc *c, const qr_node *const *extra, size_t n);
	int (*delete_using)(qr_sqlc *c, const qr_node *table,
			    const qr_node *const *extra, size_t n);
	/* SET columns carry their table (MySQL multi-table UPDATE). */
	bool update_set_with_table;
	/* RETURNING columns without their table (SQLite). */
	bool returning_no_table;
	/* icontains / istartswith / iendswith render ILIKE without lower()
	 * (PostgreSQL). */
	bool native_ilike;
	/* Tuples compared with IN render as VALUES (SQLite). */
	bool tuple_in_values;
	/* INSERT with no columns: "DEFAULT VALUES" (false: "() VALUES ()"). */
	bool no_default_values;
	/* ON CONFLICT (SQLite, PostgreSQL) / ON DUPLICATE KEY (MySQL). */
	int (*upsert)(qr_sqlc *c, const qr_node *insert, const qr_node *part);
	/* excluded.col / VALUES(col). */
	qr_visit_fn excluded;
	/* CAST's type (MySQL casts to CHAR, SIGNED INTEGER ...): 1/0. */
	int (*cast_type)(qr_sqlc *c, const qr_type *t, const qr_node *expr);
	/* A type in DDL: 1 rendered, 0 default, <0 error. */
	int (*type_ddl)(qr_sqlc *c, const qr_type *t);
	/* A column in CREATE TABLE: 1 rendered, 0 default. */
	int (*column_ddl)(qr_sqlc *c, const qr_node *col, bool *pk_inline);
	/* Text after CREATE TABLE's ")" (MySQL COMMENT=...). */
	int (*post_create_table)(qr_sqlc *c, const qr_node *table);
	/* DROP INDEX: 1 rendered, 0 default. */
	int (*drop_index)(qr_sqlc *c, const qr_node *index);
	/* CREATE/DROP TYPE for enums (PostgreSQL); NULL: not needed. */
	int (*create_enum)(qr_sqlc *c, const qr_type *t);
	int (*drop_enum)(qr_sqlc *c, const qr_type *t);
	/* A value as a literal (dialect quoting): 1 rendered, 0 default. */
	int (*literal)(qr_strbuf *b, const qr_value *v, const qr_type *t);
	/* Column comments inline in the column spec (MySQL). */
	bool inline_comments;
	/* Existence checks for create_all / drop_all (text() SQL with :name,
	 * and :schema for the _schema form; a row back means it exists).
	 * NULL: information_schema.tables. */
	const char *has_table_sql;
	const char *has_table_schema_sql;
	const char *has_type_sql; /* enum types (PostgreSQL) */
	/* COMMENT ON TABLE / COLUMN statements after CREATE TABLE. */
	bool comment_on;
	/* Window frame bounds inline ("2 PRECEDING"): MariaDB refuses a
	 * parameter there. */
	bool literal_frames;
	/* An index on an expression: each expression in its own parentheses,
	 * "((lower(email)))" (MySQL 8.0.13+ functional key parts). */
	bool index_expr_parens;
	/* A single-row INSERT that leaves generated primary key columns to
	 * the database RETURNs them, read by the execution for the result's
	 * key (SQLAlchemy's implicit returning, on dialects without a
	 * cursor.lastrowid: PostgreSQL). */
	bool implicit_returning;
	/* An INSERT whose RETURNING is only its table's autoincrement key
	 * may be run without RETURNING, the keys told from the rowids
	 * (SQLite: compiled.h, rowid_sql). */
	bool rowid_returning;
	/* Sequences: the next value of the sequence named (PostgreSQL
	 * nextval('name'), MariaDB nextval(name)); has_sequences says
	 * whether flavour d has them (NULL: yes). NULL next_value: none (a
	 * column's sequence is left out, next_value() is an error). */
	int (*next_value)(qr_sqlc *c, const char *name);
	bool (*has_sequences)(const qr_dialect *d);
	const char *has_sequence_sql; /* existence check (:name) */
	/* The word for a sequence's cycle=False ("NO CYCLE"; MariaDB
	 * "NOCYCLE"). */
	const char *no_cycle;
	/* The flavour (a dialect name) a server calls for, given its version
	 * text, read by an engine at each new connection (SQLAlchemy's
	 * dialect.initialize(): MariaDB's RETURNING); NULL: the engine's. */
	const char *(*server_dialect)(const char *server_version);
} qr_compiler_overrides;

/* A compiled slot while compiling. */
typedef struct qr_sqlc_slot {
	char *name;            /* owned */
	const qr_node *bind;   /* the BIND node, or NULL */
	qr_type type;          /* bare type for conversion */
	const qr_value *value; /* bound value (borrowed), or NULL */
	qr_default_fn default_fn;
	void *default_arg;
	bool has_own; /* a value the compiler made up (LIMIT -1) */
	qr_value own;
} qr_sqlc_slot;

/* One SELECT (or DML) level for correlation. */
typedef struct qr_sqlc_frame {
	const qr_node *stmt;
	const qr_node **correlate; /* FROM objects of all enclosing levels */
	size_t ncorrelate;
	const qr_node **asfrom; /* FROM objects of this level */
	size_t nasfrom;
} qr_sqlc_frame;

typedef struct qr_sqlc_cte {
	const qr_node *cte;
	char *name; /* owned */
	char *text; /* owned; NULL while being rendered */
	bool recursive;
	size_t done; /* completion order (a CTE another one uses comes
		      * first); 0 while being rendered */
} qr_sqlc_cte;

typedef struct qr_sqlc_anon {
	const void *key;
	int tag;
	char *name; /* owned */
} qr_sqlc_anon;

typedef struct qr_sqlc_counter {
	char *derived; /* owned */
	int next;
} qr_sqlc_counter;

struct qr_sqlc {
	const qr_dialect *d;
	const qr_compiler_overrides *ov; /* never NULL */
	qr_strbuf *b;
	qr_strbuf main;
	int rc;
	/* slots in marker order of creation */
	qr_sqlc_slot *slots;
	size_t nslots, slotcap;
	/* anonymous names */
	qr_sqlc_anon *anon;
	size_t nanon, anoncap;
	qr_sqlc_counter *counters;
	size_t ncounters, countercap;
	/* correlation stack */
	qr_sqlc_frame *frames;
	size_t depth, framecap;
	/* CTEs */
	qr_sqlc_cte *ctes;
	size_t nctes, ctecap, ctes_done;
	bool ctes_recursive;
	/* result columns of the statement */
	qr_type *result_types;
	size_t nresult, resultcap;
	bool returns_rows, is_ddl, is_dml;
	/* execution parameter names (INSERT/UPDATE without values) */
	const char *const *column_keys;
	size_t nkeys;
	bool exec_keys; /* column_keys narrow INSERT/UPDATE (execution) */
	bool many;      /* compiled for an executemany */
	bool implicit_returning; /* an INSERT's generated keys RETURNed */
	char *rowid_sql;         /* compiled.h: rowid_sql (owned) */
	/* anonymous bind naming context */
	const char *hint;
	const qr_type *hint_type;
	/* the key traversal's binds (cache), for slot -> bind mapping */
	const qr_node *const *binds;
	size_t nbinds;
};

/* Anonymous-name tags. */
enum { QR_ANON_BIND, QR_ANON_LABEL, QR_ANON_ALIAS, QR_ANON_LIST };

/* ---- output ----------------------------------------------------------- */

int qr_sqlc__puts(qr_sqlc *c, const char *s);
int qr_sqlc__put(qr_sqlc *c, const char *s, size_t n);
int qr_sqlc__printf(qr_sqlc *c, const char *fmt, ...) QR_PRINTF(2, 3);
/* Records the first error (returns it). */
int qr_sqlc__fail(qr_sqlc *c, int code, const char *fmt, ...) QR_PRINTF(3, 4);
/* QR_ENOTSUP: "<what> is not supported by the <dialect> dialect". */
int qr_sqlc__unsupported(qr_sqlc *c, const char *what);

/* An identifier, quoted when the dialect needs it. */
int qr_sqlc__ident(qr_sqlc *c, const char *name);
/* A string literal in the dialect's quoting ('it''s'). */
int qr_sqlc__string_literal(qr_sqlc *c, const char *s);

/* ---- dispatch --------------------------------------------------------- */

int qr_sqlc__visit(qr_sqlc *c, const qr_node *n, unsigned ctx);
/* n, parenthesised when its operator binds no tighter than against. */
int qr_sqlc__visit_grouped(qr_sqlc *c, const qr_node *n, qr_opcode against,
			   unsigned ctx);
/* The items of a list separated by sep. */
int qr_sqlc__visit_items(qr_sqlc *c, const qr_node *list, const char *sep,
			 unsigned ctx);

/* Default visitors, one per kind. */
#define QR_SQLC_VISIT_DECL_(e, n) \
	int qr_sqlc__visit_##n(qr_sqlc *c, const qr_node *node, unsigned ctx);
QR_NODE_KINDS(QR_SQLC_VISIT_DECL_)
#undef QR_SQLC_VISIT_DECL_

/* The default rendering of a binary expression with opstring. */
int qr_sqlc__binary_generic(qr_sqlc *c, const qr_node *n, const char *op,
			    unsigned ctx);

/* "fname(left, right)" for a binary expression (MySQL's concat()). */
int qr_sqlc__binary_func(qr_sqlc *c, const qr_node *n, const char *fname,
			 unsigned ctx);
/* "left ILIKE right" (PostgreSQL). */
int qr_sqlc__binary_ilike_native(qr_sqlc *c, const qr_node *n, unsigned ctx);

/* The naming context of anonymous binds: a binary expression's binds
 * are named after its keyed side (users.name = ? -> name_1). */
typedef struct qr_sqlc_hint {
	const char *hint;
	const qr_type *type;
} qr_sqlc_hint;
qr_sqlc_hint qr_sqlc__hint_binary(qr_sqlc *c, const qr_node *l,
				  const qr_node *r);
void qr_sqlc__hint_restore(qr_sqlc *c, qr_sqlc_hint old);

/* Operators of compile_ops.c (defaults; dialects call them too). */
/* a COLLATE name. */
int qr_sqlc__binary_collate(qr_sqlc *c, const qr_node *n, unsigned ctx);
/* Regular expressions: unsupported unless the dialect overrides them. */
int qr_sqlc__binary_regexp(qr_sqlc *c, const qr_node *n, unsigned ctx);
/* "CONCAT('(?', 'flags', ')', pattern)" (PostgreSQL, MariaDB). */
int qr_sqlc__regexp_flagged(qr_sqlc *c, const char *flags,
			    const qr_node *pattern, unsigned ctx);
/* "name(a, p, r[, 'flags'])" for regexp_replace; flags NULL: none;
 * pattern_flags: the flags go in the pattern (MariaDB). */
int qr_sqlc__regexp_replace_func(qr_sqlc *c, const qr_node *n,
				 bool pattern_flags, unsigned ctx);
/* ANY (x) / ALL (x). */
int qr_sqlc__unary_collection(qr_sqlc *c, const qr_node *n, unsigned ctx);

/* The name a FROMCOL renders (its own, or its inner anon label). */
const char *qr_sqlc__fromcol_name(qr_sqlc *c, const qr_node *n);

/* ---- names, binds, values --------------------------------------------- */

/* "derived_N" for key (per derived counter, as SQLAlchemy's anon map). */
const char *qr_sqlc__anon(qr_sqlc *c, const void *key, int tag,
			  const char *derived);

/* Writes a bind parameter: name (NULL: anonymous, named after the
 * current hint), type for conversion, value (may be NULL). */
int qr_sqlc__bind(qr_sqlc *c, const qr_node *bind, unsigned ctx);
/* A parameter slot not backed by a BIND node (a column key). */
int qr_sqlc__param(qr_sqlc *c, const char *name, const qr_type *t,
		   const qr_value *value, const qr_node *bind);
/* A bound literal the compiler made up (LIMIT -1, OFFSET 0): param_N. */
int qr_sqlc__bind_int(qr_sqlc *c, int64_t v, unsigned ctx);

/* A value as a SQL literal of the dialect (0 or error). */
int qr_sqlc__literal(qr_sqlc *c, const qr_value *v, const qr_type *t);
int qr_sqlc__literal_to(const qr_dialect *d, qr_strbuf *b, const qr_value *v,
			const qr_type *t);

/* The name by which a FROM object is referenced (alias/subquery names,
 * anonymous ones resolved); tables: [schema.]name quoted. */
int qr_sqlc__from_ref(qr_sqlc *c, const qr_node *from, unsigned ctx);
const char *qr_sqlc__from_name(qr_sqlc *c, const qr_node *from);

/* ---- statements ------------------------------------------------------- */

/* The FROM objects a SELECT displays (correlation applied): *out is a
 * malloc'd array. */
int qr_sqlc__select_froms(qr_sqlc *c, const qr_node *sel, unsigned ctx,
			  const qr_node ***out, size_t *n);
/* The FROM objects an expression refers to, appended (deduped). */
int qr_sqlc__from_objects(const qr_node *expr, const qr_node ***list, size_t *n,
			  size_t *cap);

int qr_sqlc__push_frame(qr_sqlc *c, const qr_node *stmt,
			const qr_node *const *froms, size_t nfroms);
void qr_sqlc__pop_frame(qr_sqlc *c);

/* SQLAlchemy's base fetch_clause: "\n OFFSET x ROWS\n FETCH FIRST y
 * [PERCENT ]ROWS ONLY|WITH TIES"; parens: each value in parentheses
 * (PostgreSQL). */
int qr_sqlc__fetch_default(qr_sqlc *c, const qr_node *fetch,
			   const qr_node *offset, bool parens, unsigned ctx);

/* The default LIMIT/OFFSET clause ("\n LIMIT x OFFSET y"). */
int qr_sqlc__limit_default(qr_sqlc *c, const qr_node *limit,
			   const qr_node *offset, unsigned ctx);

/* RETURNING cols (records result columns). */
/* The RETURNING clause of an INSERT, UPDATE or DELETE (stmt: its kind);
 * unsupported unless the dialect has QR_FEATURE_RETURNING, or the
 * statement's own flag (QR_FEATURE_INSERT_RETURNING ...). */
int qr_sqlc__returning(qr_sqlc *c, qr_node_kind stmt, const qr_node *list,
		       unsigned ctx);

/* Records a result column type. */
int qr_sqlc__result_type(qr_sqlc *c, const qr_type *t);

/* The default type DDL of t. */
int qr_sqlc__type_ddl_default(qr_sqlc *c, const qr_type *t);
/* Type DDL through the dialect's override. */
int qr_sqlc__type_ddl(qr_sqlc *c, const qr_type *t);

/* The default column spec (name type [DEFAULT x] [NOT NULL]). */
/* "name TYPE [DEFAULT x]": the start every column spec shares. */
int qr_sqlc__column_head(qr_sqlc *c, const qr_node *col);
/* JSON elements (json.c): the default (PostgreSQL's -> / CAST(->> AS
 * type)), and "json, path" for the dialects' JSON_EXTRACT forms (the key
 * bound as a JSON path, '$."key"' / '$[2]'). */
int qr_sqlc__binary_json_getitem(qr_sqlc *c, const qr_node *n, unsigned ctx);
int qr_sqlc__json_operands(qr_sqlc *c, const qr_node *n, unsigned ctx);
/* Whether the dialect being compiled for has sequences (see
 * qr_compiler_overrides.next_value), and the same for a dialect and its
 * overrides outside a compilation. */
bool qr_sqlc__has_sequences(const qr_sqlc *c);
bool qr_sqlc__dialect_has_sequences(const qr_dialect *d,
				    const qr_compiler_overrides *ov);
/* A column's sequence in use: the column has one and the dialect has
 * sequences (its key then neither SERIAL nor AUTO_INCREMENT). */
bool qr_sqlc__column_uses_sequence(const qr_sqlc *c, const qr_node *col);
/* Identity / sequence options in SQLAlchemy's order (INCREMENT BY,
 * START WITH, MINVALUE, MAXVALUE, NO MINVALUE, NO MAXVALUE, CACHE,
 * CYCLE / NO CYCLE), each after a space, the first after first (" ("
 * for an identity's parenthesised list); returns how many. */
int qr_sqlc__identity_options(qr_sqlc *c, const qr_identity *id,
			      const char *first);
int qr_sqlc__column_spec_default(qr_sqlc *c, const qr_node *col);
/* " GENERATED ALWAYS AS (expr) [STORED|VIRTUAL]" of a computed column
 * (nothing for another); stored_only: PostgreSQL's, always STORED and
 * VIRTUAL refused. */
int qr_sqlc__computed(qr_sqlc *c, const qr_node *col, bool stored_only);
/* " OF t1, t2" of FOR UPDATE OF (tables by name, aliases by theirs); nothing
 * for NULL. */
int qr_sqlc__for_update_of(qr_sqlc *c, const qr_node *of);
/* The DEFAULT clause text of a column into *out (NULL when none). */
int qr_sqlc__server_default(qr_sqlc *c, const qr_node *col, char **out);
/* The server default is a SQL expression other than text() (SQLite puts
 * it in parentheses, as SQLAlchemy does for a ColumnElement). */
bool qr_sqlc__server_default_is_expr(const qr_node *col);

/* Dialect helpers shared by the built-in dialects (dialect_helpers.c). */

/* ON CONFLICT [(target)] DO NOTHING / DO UPDATE SET ... [WHERE ...]
 * (SQLite, PostgreSQL); ON DUPLICATE KEY is refused. */
int qr_sqlc__upsert_on_conflict(qr_sqlc *c, const qr_node *insert,
				const qr_node *part);
/* ON DUPLICATE KEY UPDATE ... (MySQL); ON CONFLICT is refused. */
int qr_sqlc__upsert_on_duplicate(qr_sqlc *c, const qr_node *insert,
				 const qr_node *part);
/* "FROM a, b" / "USING a, b" of extra FROM objects. */
int qr_sqlc__extra_froms(qr_sqlc *c, const char *kw,
			 const qr_node *const *extra, size_t n);
/* ---- the whole run ----------------------------------------------------- */

typedef struct qr_sql_compile_opts {
	const char *const *column_keys; /* execution parameter names */
	size_t nkeys;
	/* Compiled for execution: INSERT/UPDATE name exactly the keys'
	 * columns (and those with defaults), even when there are none;
	 * false: every column, as str(users.insert()) does. */
	bool exec;
	/* Compiled for an executemany (several parameter sets): no implicit
	 * RETURNING of generated keys. */
	bool many;
} qr_sql_compile_opts;

/* Initialises c for d (ov from the dialect). */
void qr_sqlc__init(qr_sqlc *c, const qr_dialect *d);
void qr_sqlc__cleanup(qr_sqlc *c);

/* Compiles node into *out (no cache). binds: the cache key's binds
 * (slot -> bind index), may be NULL. */
int qr_sqlc__compile(qr_compiled **out, const qr_node *node,
		     const qr_dialect *d, const qr_sql_compile_opts *opts,
		     const qr_node *const *binds, size_t nbinds);

/* Compiles through the compiled cache. */
int qr_sql__compile(qr_compiled **out, const qr_node *node, const qr_dialect *d,
		    const qr_sql_compile_opts *opts);

/* The DDL to check for a table's existence and create/drop helpers
 * (schema_ddl.c). */
int qr_sqlc__ddl(qr_sqlc *c, const qr_node *ddl, unsigned ctx);

#endif
