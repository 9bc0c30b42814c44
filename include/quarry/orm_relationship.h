/*
 * quarry/orm_relationship.h - relationships between mapped structs
 * (SQLAlchemy's relationship()), their collections, cascades and loading.
 *
 *   typedef struct User {
 *           int64_t id;
 *           char *name;
 *           qr_objlist addresses;          // of Address *
 *   } User;
 *   typedef struct Address {
 *           int64_t id;
 *           char *email_address;
 *           int64_t user_id;
 *           struct User *user;
 *   } Address;
 *
 *   QR_MAPPING(User, "users", ...,
 *           QR_ONE_TO_MANY(User, addresses, "Address",
 *                          .back_populates = "user", .order_by = "id"));
 *   QR_MAPPING(Address, "addresses", ...,
 *           QR_FIELD(Address, user_id, QR_INTEGER,
 *                    .foreign_key = "users.id"),
 *           QR_MANY_TO_ONE(Address, user, "User",
 *                          .back_populates = "addresses"));
 *
 * The target is named by its mapping's type name and found in the same
 * registry when first used (map both before using either). The join
 * condition comes from the foreign key between the two tables.
 *
 * Members. A one-to-many relationship is a qr_objlist member (the
 * collection: items are the related objects, in order); a many-to-one
 * is a pointer to the related struct (NULL: none). Change them through
 * the calls below, which keep the other side (back_populates) in step in
 * memory at once, before any flush, and cascade the objects into the
 * session: qr_rel_append(), qr_rel_remove(), qr_rel_set(). A pointer
 * assigned directly (addr->user = jack) is also honoured at flush, but
 * the other side is then not updated in memory.
 *
 * At flush, foreign keys are set from the related objects (a new user's
 * generated id reaches its addresses' user_id), parents are inserted
 * before their children.
 *
 * Loading. C cannot intercept a member read, so a relationship that is
 * not loaded is loaded by an explicit call: qr_rel_load(obj,
 * &obj->addresses) (SQLAlchemy's lazy load on attribute access). A new
 * object's relationships are loaded (empty); an object loaded from a row
 * has them unloaded until qr_rel_load(); expiring an object (commit)
 * unloads them, and the next qr_rel_load() selects them again.
 */
#ifndef QUARRY_ORM_RELATIONSHIP_H
#define QUARRY_ORM_RELATIONSHIP_H

#include "orm_mapping.h"
#include "orm_query.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kinds of relationship (kept in qr_mapping_item.flags). */
typedef enum qr_rel_kind {
	QR_REL_ONE_TO_MANY = 1, /* qr_objlist member; FK in the target */
	QR_REL_MANY_TO_ONE,     /* pointer member; FK in this table */
	QR_REL_MANY_TO_MANY,    /* qr_objlist member; rows of a secondary
				   (association) table */
	QR_REL_ONE_TO_ONE       /* pointer member; FK in the target (a
				   one-to-many holding one object) */
} qr_rel_kind;

/* Cascades (SQLAlchemy's cascade="..."). */
enum {
	QR_CASCADE_SAVE_UPDATE = 1u << 0, /* adding an object adds these */
	QR_CASCADE_MERGE = 1u << 1,
	QR_CASCADE_DELETE = 1u << 2,
	QR_CASCADE_DELETE_ORPHAN = 1u << 3,
	QR_CASCADE_REFRESH_EXPIRE = 1u << 4,
	QR_CASCADE_EXPUNGE = 1u << 5,
	/* no cascade at all (cascade="") */
	QR_CASCADE_NONE = 1u << 15,
	/* "all": everything but delete-orphan */
	QR_CASCADE_ALL = QR_CASCADE_SAVE_UPDATE | QR_CASCADE_MERGE |
			 QR_CASCADE_DELETE | QR_CASCADE_REFRESH_EXPIRE |
			 QR_CASCADE_EXPUNGE
};

/* Loading strategies. */
typedef enum qr_lazy {
	QR_LAZY_SELECT = 0, /* lazy: loaded by qr_rel_load(), one SELECT per
			       object (1 + N for N objects) */
	QR_LAZY_JOINED,     /* joined: a LEFT OUTER JOIN in the query's own
			       SELECT; rows de-duplicated into collections */
	QR_LAZY_SELECTIN,   /* selectin: one more SELECT .. WHERE fk IN
			       (the keys), chunked for many parents */
	QR_LAZY_DYNAMIC,    /* dynamic: never loaded; qr_rel_query() gives
			       a query of the related objects */
	QR_LAZY_RAISE,      /* raise: qr_rel_load() of an unloaded
			       relationship fails (QR_ESTATE): no silent
			       N+1; eager options still load it */
	QR_LAZY_NOLOAD,     /* noload: never loaded; qr_rel_load() leaves
			       it empty without SQL */
	QR_LAZY_SUBQUERY,   /* subquery: one more SELECT joining the
			       query, re-run as a subquery (collections
			       and one-to-one of the query's first entity;
			       otherwise as selectin) */
	QR_LAZY_DEFAULT     /* a loader option's hop (defaultload): the
			       relationship keeps its strategy, the path
			       goes on to the next hop; as .lazy: select */
} qr_lazy;

/*
 * A relationship's options: the designated initializers after the
 * member in QR_ONE_TO_MANY() / QR_MANY_TO_ONE().
 */
typedef struct qr_rel_options {
	const char *target;         /* the related mapping's type name */
	const char *back_populates; /* the other side's member, or NULL */
	/* A collection's order when loaded: the target's members,
	 * "member [ASC|DESC], ..." ("email_address DESC, id"), as
	 * SQLAlchemy's order_by=[...]; NULL: none (the rows' order). */
	const char *order_by;
	/* QR_CASCADE_* (0: save-update and merge, SQLAlchemy's default). */
	unsigned cascade;
	qr_lazy lazy;
	/* Deleting the parent does not load an unloaded collection: the
	 * database's ON DELETE CASCADE / SET NULL handles the children. */
	bool passive_deletes;
	/* Many-to-many: the association table's name, in the registry's
	 * metadata (define it with qr_table() before first use). */
	const char *secondary;
	/* Which foreign key joins the two tables when several could
	 * (SQLAlchemy's foreign_keys=): the names of its columns, in the
	 * table holding it, comma-separated ("sender_id"). NULL: the only
	 * one; with two or more, resolving the relationship fails. */
	const char *foreign_keys;
} qr_rel_options;

/* The target name first, then designated options: every field not
 * named is zero, without -Wmissing-field-initializers warnings. */
#define QR_RELATIONSHIP_(T, member, relkind, ...)                     \
	{                                                             \
		.kind = QR_MAPITEM_RELATIONSHIP, .name = #member,     \
		.offset = offsetof(T, member),                        \
		.size = sizeof(((T *)0)->member), .flags = (relkind), \
		.rel = &(const qr_rel_options)                        \
		{                                                     \
			.target = __VA_ARGS__                         \
		}                                                     \
	}

/* QR_ONE_TO_MANY(User, addresses, "Address", .back_populates = "user"):
 * member is a qr_objlist. */
#define QR_ONE_TO_MANY(T, member, ...) \
	QR_RELATIONSHIP_(T, member, QR_REL_ONE_TO_MANY, __VA_ARGS__)
/* QR_MANY_TO_ONE(Address, user, "User", .back_populates = "addresses"):
 * member is a pointer to the target struct. */
#define QR_MANY_TO_ONE(T, member, ...) \
	QR_RELATIONSHIP_(T, member, QR_REL_MANY_TO_ONE, __VA_ARGS__)

/* QR_ONE_TO_ONE(User, profile, "Profile", .back_populates = "user"):
 * member is a pointer to the target, whose table holds the foreign key
 * (SQLAlchemy's uselist=False). Set it with qr_rel_set. */
#define QR_ONE_TO_ONE(T, member, ...) \
	QR_RELATIONSHIP_(T, member, QR_REL_ONE_TO_ONE, __VA_ARGS__)

/* QR_MANY_TO_MANY(BlogPost, keywords, "Keyword",
 *                 .secondary = "post_keywords", .back_populates = "posts"):
 * member is a qr_objlist; appending and removing inserts and deletes
 * rows of the secondary table at flush. */
#define QR_MANY_TO_MANY(T, member, ...) \
	QR_RELATIONSHIP_(T, member, QR_REL_MANY_TO_MANY, __VA_ARGS__)

/*
 * Resolves every relationship of the registry's mappers now (targets,
 * back-populates, foreign keys, secondary tables), as SQLAlchemy's
 * configure_mappers(): errors in declarations show here rather than at
 * first use. Relationships are otherwise resolved on first use, which
 * writes to the mappers: call this (or use each relationship once) before
 * sharing the registry between threads. Errors: those of the
 * declarations (QR_ESTATE for a target not mapped, QR_EINVAL).
 */
QR_API int qr_registry_configure(qr_registry *reg);

/* ---- collections ------------------------------------------------------ */

/* The length of a list (0 for NULL). */
QR_API size_t qr_objlist_len(const qr_objlist *list);
/* The i-th object, or NULL when i is out of range. */
QR_API void *qr_objlist_get(const qr_objlist *list, size_t i);
/* The position of obj in the list, or -1. */
QR_API ptrdiff_t qr_objlist_index(const qr_objlist *list, const void *obj);
/* Removes the first occurrence of obj, keeping the order; returns 1 when
 * it was there, 0 when not. (For a relationship's collection use
 * qr_rel_remove, which also handles the other side and orphans.) */
QR_API int qr_objlist_remove(qr_objlist *list, const void *obj);

/* for (Address **a = QR_OBJLIST_BEGIN(Address, &u->addresses);
 *      a != QR_OBJLIST_END(Address, &u->addresses); a++) */
#define QR_OBJLIST_BEGIN(T, list) ((T **)(list)->items)
#define QR_OBJLIST_END(T, list) ((T **)(list)->items + (list)->count)
/* QR_OBJLIST_FOREACH(Address, a, &u->addresses) print_obj(a); */
#define QR_OBJLIST_FOREACH(T, var, list)                                \
	for (size_t var##_i_ = 0; var##_i_ < (list)->count; var##_i_++) \
		for (T *var = (T *)(list)->items[var##_i_]; var; var = NULL)

/* ---- changing relationships ------------------------------------------- */

/*
 * Appends child to obj's one-to-many collection (field: the member's
 * address in obj): jack->addresses.append(addr). The back-populated
 * many-to-one of child is set to obj at once (and child leaves the
 * collection of its previous parent when that one is loaded); with the
 * save-update cascade, child joins obj's session when obj is in one.
 * Appending an object already in the collection does nothing. Errors:
 * QR_EINVAL (not a relationship of obj, or child not of its target),
 * QR_ENOMEM.
 */
QR_API int qr_rel_append(void *obj, qr_objlist *field, void *child);

/*
 * Removes child from obj's collection: the back-populated many-to-one is
 * cleared and child's foreign key set NULL (flushed as an UPDATE); with
 * delete-orphan, child is deleted instead (or expunged when pending).
 * Returns 1 when it was in the collection, 0 when not, or QR_EINVAL.
 */
QR_API int qr_rel_remove(void *obj, qr_objlist *field, void *child);

/*
 * Sets obj's many-to-one (field: the pointer member's address) to
 * target (NULL: none): addr.user = jack. The back-populated collection
 * of the old target loses obj and the new target's gains it (when
 * loaded); save-update cascades as for qr_rel_append. Errors:
 * QR_EINVAL, QR_ENOMEM.
 */
QR_API int qr_rel_set(void *obj, void *field, void *target);

#define QR_APPEND(obj, member, child) \
	qr_rel_append((obj), &(obj)->member, (child))
#define QR_REMOVE(obj, member, child) \
	qr_rel_remove((obj), &(obj)->member, (child))
#define QR_SET_REF(obj, member, target) \
	qr_rel_set((obj), &(obj)->member, (target))

/* ---- loading ---------------------------------------------------------- */

/*
 * Loads obj's relationship (field: the member's address) when it is not
 * loaded (SQLAlchemy's lazy load on first access): a collection with
 * one SELECT of the children ordered by order_by; a many-to-one from
 * the identity map when the object is there, else one SELECT by primary
 * key. Loaded relationships are left alone (0 returned, no SQL). obj
 * must be in a session (pending objects' relationships are loaded).
 * Autoflushes first. Errors: QR_EINVAL, QR_ESTATE (no session), those of
 * the query.
 */
QR_API int qr_rel_load(void *obj, void *field);
#define QR_LOAD(obj, member) qr_rel_load((obj), &(obj)->member)

/*
 * A dynamic relationship (.lazy = QR_LAZY_DYNAMIC) as a query:
 * wendy.posts.filter(...). A new query of the target filtered by
 * with_parent(obj), ordered by order_by; the caller's (or pass it to a
 * builder/terminal call). Objects appended with qr_rel_append and not yet
 * flushed are seen through autoflush. Any relationship may be queried
 * this way. NULL on error (recorded).
 */
QR_API qr_query *qr_rel_query(void *obj, void *field);
#define QR_REL_QUERY(obj, member) qr_rel_query((obj), &(obj)->member)

/* Whether obj's relationship is loaded (false for anything else). */
QR_API bool qr_rel_loaded(const void *obj, const void *field);
#define QR_LOADED(obj, member) qr_rel_loaded((obj), &(obj)->member)

/* ---- relationships in queries ----------------------------------------- */

/*
 * query.join(User.addresses): joins the relationship's target, ON the
 * foreign key condition (users.id = addresses.user_id). target NULL: the
 * target's table; else an aliased entity of the target (qr_aliased;
 * taken: pass qr_expr_ref(alias)): query.join(User.addresses.of_type(
 * adalias)). Takes q; NULL (error recorded) propagates to the terminal
 * call, as every builder does.
 */
QR_API qr_query *qr_query_join_rel(qr_query *q, qr_mapping *owner,
				   const char *rel, qr_expr *target);
QR_API qr_query *qr_query_outerjoin_rel(qr_query *q, qr_mapping *owner,
					const char *rel, qr_expr *target);
#define qr_query_join_along(q, T, rel) \
	qr_query_join_rel((q), &qr_mapping_##T, (rel), NULL)

/*
 * User.addresses.any(criterion) / Address.user.has(criterion): EXISTS
 * (SELECT 1 FROM target WHERE <join condition> [AND criterion]),
 * correlated to the enclosing query. criterion may be NULL; it is taken.
 * Negate with qr_not(). A new expression, or NULL (error recorded).
 */
QR_API qr_expr *qr_rel_any(qr_mapping *owner, const char *rel,
			   qr_expr *criterion);
#define qr_any(T, rel, criterion) \
	qr_rel_any(&qr_mapping_##T, (rel), (criterion))
#define qr_has(T, rel, criterion) \
	qr_rel_any(&qr_mapping_##T, (rel), (criterion))

/* User.addresses.contains(addr): users.id = <addr's user_id>. obj is
 * read now (its key values bound). NULL on error (recorded). */
QR_API qr_expr *qr_rel_contains(qr_mapping *owner, const char *rel,
				const void *obj);
#define qr_collection_contains(T, rel, obj) \
	qr_rel_contains(&qr_mapping_##T, (rel), (obj))

/* Address.user == jack: addresses.user_id = <jack's id>; obj NULL:
 * addresses.user_id IS NULL. qr_rel_ne is its negation (!=). */
QR_API qr_expr *qr_rel_eq(qr_mapping *owner, const char *rel, const void *obj);
QR_API qr_expr *qr_rel_ne(qr_mapping *owner, const char *rel, const void *obj);

/*
 * with_parent(jack, User.addresses): the criterion selecting the objects
 * related to parent through its relationship rel: addresses.user_id =
 * <jack's id>. qr_query_with_parent adds it to a query of the target
 * (taking q). NULL on error (recorded).
 */
QR_API qr_expr *qr_rel_with_parent(const void *parent, const char *rel);
QR_API qr_query *qr_query_with_parent(qr_query *q, const void *parent,
				      const char *rel);

/* ---- loader options ---------------------------------------------------- */

/*
 * query.options(selectinload(User.addresses)): the strategy of one
 * relationship of the query's entities for this query, overriding the
 * relationship's .lazy. Eager strategies load when the query runs
 * (qr_query_all, first, one, execute): joined adds LEFT OUTER JOIN
 * <target> AS <table>_1 to the SELECT (a many-to-many: LEFT OUTER JOIN
 * (<secondary> AS <secondary>_1 JOIN <target> AS <target>_1 ON ..) ON
 * ..; a target in joined-table inheritance loads by selectin, one in
 * single-table inheritance with its subclasses' columns; a query with
 * LIMIT/OFFSET loads collections with selectin instead, so that the
 * limit counts parents),
 * selectin runs one SELECT .. IN per 500 parents after the rows are
 * read. Relationships already loaded are left alone. raise and noload
 * mark the objects the query loads: their qr_rel_load() fails, or
 * leaves the relationship empty, until they are expired. A query streamed
 * with yield_per does no eager loading. owner must be one of the query's
 * entities or share their inheritance hierarchy: otherwise running or
 * compiling the query fails with QR_EINVAL ("Mapped class
 * Mapper[User(users)] does not apply to any of the root entities in this
 * query, ..."), as SQLAlchemy's ArgumentError. Takes q.
 */
QR_API qr_query *qr_query_load(qr_query *q, qr_mapping *owner, const char *rel,
			       qr_lazy strategy);
#define qr_selectinload(q, T, rel) \
	qr_query_load((q), &qr_mapping_##T, (rel), QR_LAZY_SELECTIN)
#define qr_joinedload(q, T, rel) \
	qr_query_load((q), &qr_mapping_##T, (rel), QR_LAZY_JOINED)
#define qr_lazyload(q, T, rel) \
	qr_query_load((q), &qr_mapping_##T, (rel), QR_LAZY_SELECT)
#define qr_raiseload(q, T, rel) \
	qr_query_load((q), &qr_mapping_##T, (rel), QR_LAZY_RAISE)
#define qr_noload(q, T, rel) \
	qr_query_load((q), &qr_mapping_##T, (rel), QR_LAZY_NOLOAD)
#define qr_subqueryload(q, T, rel) \
	qr_query_load((q), &qr_mapping_##T, (rel), QR_LAZY_SUBQUERY)

/*
 * A hop of a nested loader option: a relationship of the previous hop's
 * target (of owner for the first) and its strategy.
 */
typedef struct qr_load_hop {
	const char *rel;
	qr_lazy lazy; /* QR_LAZY_DEFAULT: as configured (defaultload) */
} qr_load_hop;

/*
 * Nested (chained) loader options:
 *
 *   query(User).options(selectinload(User.orders).joinedload(Order.items))
 *
 *   q = qr_query_load_path(q, QR_MAPPING_OF(User), QR_LOAD_PATH(
 *           {"orders", QR_LAZY_SELECTIN}, {"items", QR_LAZY_JOINED}));
 *
 * path[0] is a relationship of owner (one of the query's entities),
 * path[i + 1] one of path[i]'s target; each hop's strategy applies to
 * the objects the previous hop loads, whatever the strategies: a joined
 * hop after a joined one adds a LEFT OUTER JOIN (rows de-duplicated at
 * every level), after a selectin or subquery hop it joins in that
 * hop's SELECT; a selectin hop runs one more SELECT per level (per 500
 * parents); a lazy hop keeps the rest of the path with the objects, and
 * the QR_LOAD() that loads them later applies it; raise and noload mark
 * the objects as qr_query_load does. QR_LAZY_DEFAULT leaves a hop as
 * configured (defaultload(User.orders).joinedload(Order.items)).
 * Options of several paths combine; a later option's strategy for the
 * same hop wins. users -> orders -> items: selectin + selectin is 3
 * statements, joined + joined 1, selectin + joined 2, joined +
 * selectin 2. path is read now (not kept). Takes q; NULL on error
 * (recorded: an unknown relationship, named with its mapper, QR_EINVAL;
 * n == 0). qr_query_load(q, owner, rel, s) is the path of one hop.
 */
QR_API qr_query *qr_query_load_path(qr_query *q, qr_mapping *owner,
				    const qr_load_hop *path, size_t n);
/* The hops as a compound literal and their count:
 * QR_LOAD_PATH({"orders", QR_LAZY_SELECTIN}, {"items", QR_LAZY_JOINED}) */
#define QR_LOAD_PATH(...)                                    \
	(const qr_load_hop[]){__VA_ARGS__},                  \
		sizeof((const qr_load_hop[]){__VA_ARGS__}) / \
			sizeof(qr_load_hop)

/*
 * query.join(User.addresses).options(contains_eager(User.addresses)):
 * the query's own join supplies the related rows; their columns are
 * added to the SELECT and fill the relationship. alias: the aliased
 * target the query joined (taken: pass qr_expr_ref()), or NULL for its
 * table. Paths through the relationship go on from the objects it fills
 * (contains_eager(User.addresses).joinedload(...): add
 * qr_query_load_path with {"addresses", QR_LAZY_DEFAULT} first). Takes q.
 */
QR_API qr_query *qr_query_contains_eager(qr_query *q, qr_mapping *owner,
					 const char *rel, qr_expr *alias);

/* ---- statement counts ------------------------------------------------- */

/*
 * What a session has sent since it was made or its counts reset: every
 * statement it executed (queries, flushes, loads), and among them those
 * issued to load relationships (qr_rel_load and lazy loaders), with the
 * number of such loads that needed SQL. A test asserts "no N+1" with
 * them.
 */
typedef struct qr_session_stats {
	uint64_t statements;     /* all statements executed */
	uint64_t rel_statements; /* of which to load relationships */
	uint64_t rel_loads;      /* relationship loads that ran SQL */
} qr_session_stats;

/* Fills *out (zeroes for a NULL session). */
QR_API void qr_session_get_stats(qr_session_stats *out, const qr_session *s);
QR_API void qr_session_reset_stats(qr_session *s);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_ORM_RELATIONSHIP_H */
