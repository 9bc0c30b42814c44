/*
 * quarry/orm_query.h - ORM queries: the tutorial's session.query() and
 * SQLAlchemy 2.0's select(User) executed through a session.
 *
 *   User *ed;
 *   qr_query_first(&ed, qr_query_filter_by(qr_query(s, User), "name",
 *                                          qr_val_text("ed")));
 *
 *   qr_query *q = qr_query_new(s, qr_entity(User), qr_attr(User, "name"));
 *   q = qr_query_filter(q, qr_like(qr_attr(User, "name"),
 *                                  qr_bind_text("%ed")));
 *   q = qr_query_order_by(q, qr_attr(User, "id"));
 *   qr_orm_result *r;
 *   const qr_orm_row *row;
 *   qr_query_execute(&r, q);
 *   while (qr_orm_result_next(r, &row) == 1)
 *           ... qr_orm_row_object(row, 0), qr_orm_row_value(row, 1) ...
 *   qr_orm_result_free(r);
 *
 * A query's columns are entities (qr_entity(User), an aliased entity from
 * qr_aliased()), loaded as the session's objects through the identity
 * map, and column expressions (qr_attr(User, "name"), functions,
 * labels), returned as values.
 *
 * Ownership follows Core statements: a query is reference-counted;
 * every builder takes the query it is given and returns it (changed in
 * place when the caller held the only reference, else a changed copy),
 * together with the expressions it is given; a terminal call (all,
 * first, one, count, execute, ...) takes the query too. So a chain is
 * written inline and nothing is left to free; to run one query several
 * times pass qr_query_ref(q) and free q at the end. NULL propagates: a
 * builder given a NULL query or expression releases the rest and returns
 * NULL with the first error kept, and terminal calls report it.
 *
 * Execution autoflushes the session first (unless autoflush is off), as
 * SQLAlchemy's Query does.
 */
#ifndef QUARRY_ORM_QUERY_H
#define QUARRY_ORM_QUERY_H

#include "dml.h"
#include "orm_session.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_query qr_query;
typedef struct qr_orm_result qr_orm_result;
typedef struct qr_orm_row qr_orm_row;

/*
 * A query of entities and column expressions (taken) for session s;
 * s NULL gives a session-less statement (select(User, ...)) to run with
 * qr_session_execute_query(). NULL on error (recorded).
 */
#define qr_query_new(s, ...) qr_query_new_((s), __VA_ARGS__, QR_END)
QR_API qr_query *qr_query_new_(qr_session *s, qr_expr *first, ...);

/* session.query(User) */
#define qr_query(s, T) qr_query_new_((s), qr_entity(T), QR_END)

/* select(User, ...) in SQLAlchemy 2.0 style, executed by a session. */
#define qr_orm_select(...) qr_query_new_(NULL, __VA_ARGS__, QR_END)

/* Adds a reference; returns q. */
QR_API qr_query *qr_query_ref(qr_query *q);
/* Drops a reference. Accepts NULL. */
QR_API void qr_query_free(qr_query *q);

/* Adds columns or entities (query.add_columns / add_entity). */
#define qr_query_add_columns(q, ...) \
	qr_query_add_columns_((q), __VA_ARGS__, QR_END)
QR_API qr_query *qr_query_add_columns_(qr_query *q, qr_expr *first, ...);
/* Replaces the entities and columns, keeping criteria, joins and the
 * rest (query.with_entities). */
#define qr_query_with_entities(q, ...) \
	qr_query_with_entities_((q), __VA_ARGS__, QR_END)
QR_API qr_query *qr_query_with_entities_(qr_query *q, qr_expr *first, ...);
/* EXISTS (SELECT 1 FROM <the first entity> WHERE <the criteria>), to
 * filter on or select (query.exists()): qr_query_new(s, qr_label(
 * qr_query_exists(q), "e")) runs SELECT EXISTS (...). Takes q; NULL on
 * error (recorded). */
QR_API qr_expr *qr_query_exists(qr_query *q);

/*
 * WHERE criteria, joined with AND (query.filter / select.where). A
 * textual condition is qr_text("id < 224"), with :name parameters given
 * by qr_query_params().
 */
#define qr_query_filter(q, ...) qr_query_filter_((q), __VA_ARGS__, QR_END)
QR_API qr_query *qr_query_filter_(qr_query *q, qr_expr *first, ...);

/* member = value on the last entity joined, or the first entity
 * (query.filter_by(name='ed')). Text is copied. */
QR_API qr_query *qr_query_filter_by(qr_query *q, const char *member,
				    qr_value value);

/* ORDER BY / GROUP BY / HAVING (expressions taken; qr_text for textual
 * ordering). */
#define qr_query_order_by(q, ...) qr_query_order_by_((q), __VA_ARGS__, QR_END)
#define qr_query_group_by(q, ...) qr_query_group_by_((q), __VA_ARGS__, QR_END)
#define qr_query_having(q, ...) qr_query_having_((q), __VA_ARGS__, QR_END)
QR_API qr_query *qr_query_order_by_(qr_query *q, qr_expr *first, ...);
QR_API qr_query *qr_query_group_by_(qr_query *q, qr_expr *first, ...);
QR_API qr_query *qr_query_having_(qr_query *q, qr_expr *first, ...);

/* LIMIT / OFFSET; slice(start, stop) is query[start:stop]. */
QR_API qr_query *qr_query_limit(qr_query *q, int64_t n);
QR_API qr_query *qr_query_offset(qr_query *q, int64_t n);
QR_API qr_query *qr_query_slice(qr_query *q, int64_t start, int64_t stop);

/* SELECT DISTINCT. */
QR_API qr_query *qr_query_distinct(qr_query *q);

/*
 * JOIN target ON on (on NULL: inferred from the foreign keys, as
 * qr_join() does). target is an entity (qr_entity, an aliased entity),
 * a table or a subquery; both are taken. The joined entity becomes the
 * one qr_query_filter_by() applies to.
 */
QR_API qr_query *qr_query_join(qr_query *q, qr_expr *target, qr_expr *on);
QR_API qr_query *qr_query_outerjoin(qr_query *q, qr_expr *target, qr_expr *on);

/* The FROM object the query starts from (query.select_from), taken. */
QR_API qr_query *qr_query_select_from(qr_query *q, qr_expr *from);

/* Values of named parameters (query.params), taken; replaces earlier
 * ones. */
QR_API qr_query *qr_query_params(qr_query *q, qr_params *params);

/*
 * Runs a whole textual statement (taken) instead of the built SELECT and
 * loads its rows onto the query's entities and columns, matching them by
 * column name (query.from_statement(text(...))). An entity with
 * subclasses loads each row as the class its discriminator column names;
 * a subclass's columns the statement lacks are loaded by one more SELECT
 * per class (see qr_query_with_polymorphic).
 */
QR_API qr_query *qr_query_from_statement(qr_query *q, qr_stmt *stmt);

/*
 * with_polymorphic for the query's entities of base (not its aliases):
 * which joined-table subclasses' tables the SELECT outer-joins, so that
 * their rows load with their own columns in that one statement. subs is
 * a NULL-terminated array of base's subclasses (their ancestors' tables
 * come with them); subs NULL stands for "*", every subclass, which is
 * also what a query does without this call. Rows of a subclass left out
 * still load as that class: their objects are completed by one more
 * SELECT of that class per 500 objects (SQLAlchemy's
 * selectin_polymorphic); an empty list does only that:
 *   qr_query_with_polymorphic(q, QR_MAPPING_OF(Employee),
 *                             QR_MAPPINGS(QR_MAPPING_OF(Engineer), NULL));
 *   qr_query_with_polymorphic(q, QR_MAPPING_OF(Employee), QR_MAPPINGS(NULL));
 * Errors (at the terminal call): QR_ESTATE (base not mapped), QR_EINVAL
 * (not a subclass of base, no entity of base in the query).
 */
QR_API qr_query *qr_query_with_polymorphic(qr_query *q, qr_mapping *base,
					   qr_mapping *const *subs);
/* An array of mappings (end it with NULL), for qr_query_with_polymorphic. */
#define QR_MAPPINGS(...) ((qr_mapping *const[]){__VA_ARGS__})

/*
 * Column loading (SQLAlchemy's load_only(), defer(), undefer()) for the
 * query's entities of the mapping (and of its subclasses): the SELECT
 * leaves the deferred columns out. A deferred member keeps its zero
 * value (NULL for a string) and the object is loaded expired:
 * qr_session_load() reads its whole row, keeping the members changed
 * since; until then a member set is flushed as any change. The primary
 * key and the discriminator are always loaded (deferring them is
 * QR_EINVAL). qr_load_only(q, User, "name", "fullname") loads those and
 * the key; qr_defer(q, User, "password") leaves one out; qr_undefer
 * brings it back. Takes q; NULL on error (recorded): an unknown member
 * (QR_ECOLUMN), a mapping none of the query's entities is.
 */
QR_API qr_query *qr_query_load_only_(qr_query *q, qr_mapping *mapping,
				     const char *first, ...);
QR_API qr_query *qr_query_defer(qr_query *q, qr_mapping *mapping,
				const char *member);
QR_API qr_query *qr_query_undefer(qr_query *q, qr_mapping *mapping,
				  const char *member);
#define qr_load_only(q, T, ...)                                \
	qr_query_load_only_((q), &qr_mapping_##T, __VA_ARGS__, \
			    (const char *)NULL)
#define qr_defer(q, T, member) qr_query_defer((q), &qr_mapping_##T, (member))
#define qr_undefer(q, T, member) \
	qr_query_undefer((q), &qr_mapping_##T, (member))

/*
 * Set operations (query.union(other), union_all, intersect,
 * intersect_all, except_, except_all): a query of q's entities and
 * columns selecting from the set operation of both queries' SELECTs as
 * a subquery:
 *   SELECT anon_1.id, anon_1.name, ... FROM (SELECT users.id, ... FROM
 *   users WHERE ... UNION SELECT users.id, ... ) AS anon_1
 * Criteria, ordering, grouping and join conditions added to the result
 * are written against the entities as usual (qr_attr(User, "name")):
 * they are re-targeted onto anon_1, as SQLAlchemy adapts them. The
 * result keeps q's loader options and the parameters of both. For
 * three queries, chain: qr_query_union(qr_query_union(a, b), c). Both
 * queries are taken. NULL on error (recorded): queries of different
 * sessions; a joined-table subclass entity (QR_ENOTSUP); columns with
 * no name in the subquery (an unlabelled expression) or an entity whose
 * columns would be renamed there (two entities with an "id": QR_ENOTSUP).
 */
QR_API qr_query *qr_query_union(qr_query *q, qr_query *other);
QR_API qr_query *qr_query_union_all(qr_query *q, qr_query *other);
QR_API qr_query *qr_query_intersect(qr_query *q, qr_query *other);
QR_API qr_query *qr_query_intersect_all(qr_query *q, qr_query *other);
QR_API qr_query *qr_query_except(qr_query *q, qr_query *other);
QR_API qr_query *qr_query_except_all(qr_query *q, qr_query *other);

/*
 * Loads every row over the object already in the session for it
 * (query.populate_existing()): its members and snapshot become the row's,
 * so changes not flushed are lost, and relationships the query loads
 * eagerly (joined, selectin, subquery) are loaded again, replacing what
 * was there. Objects not in the session load as usual. Takes q.
 */
QR_API qr_query *qr_query_populate_existing(qr_query *q);

/*
 * Streams the rows in batches of n (query.yield_per(n)): the cursor is
 * read n rows at a time and rows of earlier batches are released, so a
 * large result is never held at once. Like SQLAlchemy's, it implies
 * stream_results (qr_conn_set_stream_results): the driver reads rows
 * from the server as they are iterated (libpq single-row mode, MySQL
 * unbuffered). Run no other SQL on the session while such a result is
 * open.
 */
QR_API qr_query *qr_query_yield_per(qr_query *q, size_t n);

/*
 * query.with_for_update(nowait=..., skip_locked=..., read=...): the
 * SELECT locks the rows it reads, FOR UPDATE [NOWAIT | SKIP LOCKED], or
 * FOR SHARE with QR_FOR_SHARE (flags as qr_for_update(); on MySQL LOCK
 * IN SHARE MODE; SQLite has no row locks and renders nothing). The locks
 * last until the session's transaction ends. Takes q.
 */
QR_API qr_query *qr_query_with_for_update(qr_query *q, unsigned flags);
/* The same locking the rows of one entity's table only
 * (with_for_update(of=User)): of is qr_entity(User), an aliased entity
 * or a table, taken: FOR UPDATE OF users. */
QR_API qr_query *qr_query_with_for_update_of(qr_query *q, unsigned flags,
					     qr_expr *of);

/*
 * The query's Core SELECT (a new reference: qr_stmt_free), to use as a
 * subquery, in IN, or with qr_exists(). q is borrowed. NULL on error.
 */
QR_API qr_stmt *qr_query_statement(const qr_query *q);
/* The SELECT as a named subquery (query.subquery()); q is taken. */
QR_API qr_expr *qr_query_subquery(qr_query *q, const char *name);

/* ---- ORM-enabled UPDATE and DELETE ----------------------------------- */

/* How the session's objects follow an UPDATE or DELETE run through a
 * query (SQLAlchemy's synchronize_session). */
typedef enum qr_sync {
	/* 'auto' (the default): as QR_SYNC_FETCH. SQLAlchemy tries
	 * 'evaluate' first, matching the criteria against the objects in
	 * Python; C cannot evaluate an arbitrary criterion against a
	 * struct, so the rows are identified by the database, which after
	 * the autoflush holds what the objects hold. */
	QR_SYNC_AUTO = 0,
	/* 'fetch': the primary keys of the rows matched, by RETURNING
	 * where the dialect has it for the statement, else by a SELECT of
	 * them with the same criteria first */
	QR_SYNC_FETCH,
	/* False: the objects are left as they are (stale until expired) */
	QR_SYNC_NONE
} qr_sync;

/* One member set by qr_query_update: its name and value (taken). */
typedef struct qr_query_set {
	const char *member;
	qr_expr *value;
} qr_query_set;

/* The sets as a compound literal and their count:
 * QR_QUERY_SETS({"fullname", qr_bind_text("Ed")},
 *               {"visits", qr_add(qr_attr(User, "visits"), qr_bind_int(1))}) */
#define QR_QUERY_SETS(...)             \
	(qr_query_set[]){__VA_ARGS__}, \
		sizeof((qr_query_set[]){__VA_ARGS__}) / sizeof(qr_query_set)

/*
 * query.update({...}, synchronize_session=sync): one UPDATE of the
 * query's entity's table SET the given members WHERE the query's
 * criteria (filter, filter_by; a single-table subclass adds its
 * discriminator), after the autoflush; *rowcount (may be NULL) is the
 * number of rows matched. The other parts of the query (columns,
 * ordering, limits, joins, loader options) are not used. Objects of the
 * entity in the session whose rows matched are synchronized: members set
 * to values (qr_bind_*(), qr_null()) take them, both in the struct and
 * as loaded state, so they are not dirty; an object set by an expression
 * (visits + 1) is expired, and its next load reads the database's
 * values. Expired objects are left to their next load. Takes q and the
 * values, also on error. Errors: QR_EINVAL (no entity, an unknown
 * member, n == 0), QR_ENOTSUP (a joined-table subclass, whose rows span
 * tables), database errors (the session's transaction stays, as after a
 * failed qr_session_execute).
 */
QR_API int qr_query_update(int64_t *rowcount, qr_query *q, qr_sync sync,
			   qr_query_set *sets, size_t n);

/*
 * query.delete(synchronize_session=sync): one DELETE FROM the entity's
 * table WHERE the query's criteria, after the autoflush; *rowcount
 * (may be NULL) is the number of rows deleted. Objects of the entity in
 * the session whose rows were deleted become deleted, as by a flush:
 * out of the identity map, detached at commit, back as persistent
 * (expired) after a rollback. Relationships are not cascaded (the
 * database's ON DELETE rules apply). Takes q. Errors as qr_query_update.
 */
QR_API int qr_query_delete(int64_t *rowcount, qr_query *q, qr_sync sync);

/* ---- running -------------------------------------------------------- */

/*
 * Runs the query (taken). *out is the caller's (qr_orm_result_free).
 * Errors: QR_EINVAL (NULL query, no session), QR_ESTATE, compilation and
 * database errors, those of the autoflush.
 */
QR_API int qr_query_execute(qr_orm_result **out, qr_query *q);

/* The same for a session-less query (session.execute(select(User))). */
QR_API int qr_session_execute_query(qr_orm_result **out, qr_session *s,
				    qr_query *q);

/*
 * The objects of the first column, in order (query.all(), or
 * session.scalars(select(User)).all()): *out is filled after clearing.
 * Errors: QR_EINVAL when the first column is not an entity.
 */
QR_API int qr_query_all(qr_objlist *out, qr_query *q);
QR_API int qr_session_scalars(qr_objlist *out, qr_session *s, qr_query *q);

/*
 * The first column's object of the first row (LIMIT 1): returns 1 with
 * *out set, or 0 with *out NULL. out is the address of a pointer to the
 * mapped type.
 */
QR_API int qr_query_first(void *out, qr_query *q);
/* Exactly one row: 0 with *out; QR_ENORESULT ("No row was found") or
 * QR_EMULTIPLE ("Multiple rows were found"), class INVALID_REQUEST. */
QR_API int qr_query_one(void *out, qr_query *q);
/* At most one row: 1 with *out, 0 with *out NULL; QR_EMULTIPLE. */
QR_API int qr_query_one_or_none(void *out, qr_query *q);

/* The first column of the only row, as an integer (query.scalar()):
 * 1 with *out, 0 when there was no row or it was NULL; QR_EMULTIPLE. */
QR_API int qr_query_scalar_int64(int64_t *out, qr_query *q);

/* SELECT count(*) FROM (the query) AS anon_1 (query.count()). */
QR_API int qr_query_count(int64_t *out, qr_query *q);

/* ---- results -------------------------------------------------------- */

/*
 * Advances to the next row: 1 with *row (borrowed: valid until the
 * result is freed, or with yield_per until the next batch is read), 0 at
 * the end, negative on error.
 */
QR_API int qr_orm_result_next(qr_orm_result *r, const qr_orm_row **row);
/* Like Core's: the first row (1/0), exactly one (0, QR_ENORESULT,
 * QR_EMULTIPLE), at most one (1/0, QR_EMULTIPLE). */
QR_API int qr_orm_result_first(qr_orm_result *r, const qr_orm_row **row);
QR_API int qr_orm_result_one(qr_orm_result *r, const qr_orm_row **row);
QR_API int qr_orm_result_one_or_none(qr_orm_result *r, const qr_orm_row **row);
QR_API void qr_orm_result_free(qr_orm_result *r);

/* Result columns: count, and names (an entity's name, "User" or its
 * alias's; a column's name or label). Borrowed. */
QR_API size_t qr_orm_result_column_count(const qr_orm_result *r);
QR_API const char *qr_orm_result_column_name(const qr_orm_result *r, size_t i);

QR_API size_t qr_orm_row_count(const qr_orm_row *row);
/* The object in column i: NULL for a value column, or when an outer join
 * found no row. Borrowed from the session. */
QR_API void *qr_orm_row_object(const qr_orm_row *row, size_t i);
/* The value in column i, borrowed (valid as the row); NULL for an entity
 * column. */
QR_API const qr_value *qr_orm_row_value(const qr_orm_row *row, size_t i);
/* Column index by name (row.User, row.name_label), or QR_ECOLUMN. */
QR_API int qr_orm_row_index(const qr_orm_row *row, const char *name);
/* The row as a tuple repr: "(<User(name='ed', ...)>, 'ed')". *out is the
 * caller's (qr_free). */
QR_API int qr_orm_row_repr(char **out, const qr_orm_row *row);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_ORM_QUERY_H */
