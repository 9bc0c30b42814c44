/*
 * quarry/orm_mapping.h - mapping plain C structs to tables, and the
 * objects the ORM manages (SQLAlchemy's declarative mapping, mapper,
 * instance state and inspect()).
 *
 * One declaration yields the table metadata, the mapper and the DDL:
 *
 *   typedef struct User {
 *           int64_t id;
 *           char *name, *fullname, *password;
 *   } User;
 *
 *   QR_MAPPING(User, "users",
 *           QR_FIELD(User, id, QR_INTEGER, .primary_key = true),
 *           QR_FIELD(User, name, qr_string(50)),
 *           QR_FIELD(User, fullname, qr_string(50)),
 *           QR_FIELD(User, password, qr_string(12)),
 *           QR_REPR("name", "fullname", "password"));
 *
 *   qr_registry *reg;                 // SQLAlchemy's declarative Base
 *   qr_registry_new(&reg, NULL);
 *   qr_map(reg, User);                // creates the Table in its metadata
 *   qr_metadata_create_all(qr_registry_metadata(reg), engine);
 *
 * QR_FIELD's arguments after the member name are those of qr_column()
 * (quarry/schema.h): the SQL type, then column options as designated
 * initializers (.primary_key, .not_null, .unique, .foreign_key,
 * .default_value, .server_default, ...). The member's C type is read by
 * _Generic: integers of any size (signed or unsigned), bool, float,
 * double, char * (text; exact decimal text when the SQL type is NUMERIC),
 * qr_blob, qr_date, qr_time and qr_datetime.
 *
 * NULL. A pointer member (char *, qr_blob.data) is NULL when the pointer
 * is NULL. A value member (numbers, bool, dates) has a NULL flag kept in
 * the object's hidden header, and the rule is:
 *     a value member is NULL when it is flagged NULL and holds zero.
 * So assigning any non-zero value makes it non-NULL; QR_SET_NULL() zeroes
 * and flags it; QR_SET() (or qr_field_set_not_null()) clears the flag,
 * which is the only way to store a zero into a NULL member. Members of a
 * new object start flagged NULL where NULL means something for their
 * column (nullable columns, generated primary keys, columns with a
 * default); so the id of a new User is NULL ("None") until it is flushed.
 *
 * Strings and blobs. The ORM frees only the memory it allocated. Members
 * set with qr_set_text() / qr_set_blob() get a copy made at once; a
 * member you point at memory of your own (a literal, a buffer) is copied
 * at the next flush (keep it valid until then), after which the member
 * points at the copy. Strings the ORM stored in an object stay valid
 * until that member is set again, the object is refreshed, or the object
 * is freed; never free them yourself.
 *
 * Objects. Every mapped object is allocated by quarry, with a hidden
 * header before the struct that holds its state, mapper, loaded snapshot
 * and NULL flags: make them with qr_new() (owned by a session, see
 * quarry/orm_session.h) or qr_new_transient() (owned by you), or get them
 * from queries; never with malloc or on the stack.
 */
#ifndef QUARRY_ORM_MAPPING_H
#define QUARRY_ORM_MAPPING_H

#include "schema.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_registry qr_registry;
typedef struct qr_mapper qr_mapper;
typedef struct qr_session qr_session;
typedef struct qr_mapping_builder qr_mapping_builder;

/* ---- C representations ------------------------------------------------ */

/* A blob member: data is NULL for SQL NULL (an empty blob has a non-NULL
 * data and len 0). Memory rules as for strings (see above). */
typedef struct qr_blob {
	void *data;
	size_t len;
} qr_blob;

typedef enum qr_ctype {
	QR_CTYPE_UNSUPPORTED = 0,
	QR_CTYPE_INT,     /* signed integer of the member's size */
	QR_CTYPE_UINT,    /* unsigned integer of the member's size */
	QR_CTYPE_BOOL,    /* bool */
	QR_CTYPE_FLOAT,   /* float */
	QR_CTYPE_DOUBLE,  /* double */
	QR_CTYPE_STRING,  /* char * */
	QR_CTYPE_BLOB,    /* qr_blob */
	QR_CTYPE_DATE,    /* qr_date */
	QR_CTYPE_TIME,    /* qr_time */
	QR_CTYPE_DATETIME /* qr_datetime */
} qr_ctype;

/* The qr_ctype of an expression's type (not evaluated). */
#define QR_CTYPE_OF(x) \
	_Generic((x),                                                       \
		_Bool: QR_CTYPE_BOOL,                                       \
		char: ((char)-1 < 0 ? QR_CTYPE_INT : QR_CTYPE_UINT),        \
		signed char: QR_CTYPE_INT,                                  \
		short: QR_CTYPE_INT,                                        \
		int: QR_CTYPE_INT,                                          \
		long: QR_CTYPE_INT,                                         \
		long long: QR_CTYPE_INT,                                    \
		unsigned char: QR_CTYPE_UINT,                               \
		unsigned short: QR_CTYPE_UINT,                              \
		unsigned int: QR_CTYPE_UINT,                                \
		unsigned long: QR_CTYPE_UINT,                               \
		unsigned long long: QR_CTYPE_UINT,                          \
		float: QR_CTYPE_FLOAT,                                      \
		double: QR_CTYPE_DOUBLE,                                    \
		char *: QR_CTYPE_STRING,                                    \
		qr_blob: QR_CTYPE_BLOB,                                     \
		qr_date: QR_CTYPE_DATE,                                     \
		qr_time: QR_CTYPE_TIME,                                     \
		qr_datetime: QR_CTYPE_DATETIME,                             \
		default: QR_CTYPE_UNSUPPORTED)

/* ---- the mapping declaration ------------------------------------------ */

typedef enum qr_mapping_item_kind {
	QR_MAPITEM_FIELD = 1,  /* a member mapped to a column */
	QR_MAPITEM_REPR,       /* the members the repr shows */
	QR_MAPITEM_VERSION,    /* the version counter member */
	QR_MAPITEM_TABLE_ITEM, /* a constraint, index or option of the table */
	QR_MAPITEM_RELATIONSHIP, /* a relationship (orm_relationship.h) */
	QR_MAPITEM_INHERITS,     /* inheritance: the parent */
	QR_MAPITEM_POLYMORPHIC,  /* the discriminator and/or this identity */
	QR_MAPITEM_DEFERRED      /* members loaded only on demand */
} qr_mapping_item_kind;

struct qr_mapping;

struct qr_rel_options;

/* QR_REPR flags. */
enum {
	QR_REPR_POSITIONAL = 1u << 0 /* Name('a', 'b') instead of
					<Name(x='a', y='b')> */
};

/* One item of a mapping declaration; built by the QR_* macros below. */
typedef struct qr_mapping_item {
	qr_mapping_item_kind kind;
	const char *name;        /* FIELD, VERSION: the member's name */
	const char *column_name; /* FIELD: the column (NULL: name) */
	size_t offset;           /* FIELD: offsetof */
	size_t size;             /* FIELD: sizeof */
	qr_ctype ctype;          /* FIELD */
	/* FIELD: the column to create (taken), or NULL to map the column of
	 * that name in an existing table; TABLE_ITEM: the item (taken). */
	qr_schema_item *item;
	const char *const *names; /* REPR: NULL-terminated member names */
	unsigned flags;           /* REPR: QR_REPR_*; RELATIONSHIP: its kind */
	/* RELATIONSHIP: its options (copied while mapping). */
	const struct qr_rel_options *rel;
	/* INHERITS: the parent's mapping. */
	struct qr_mapping *parent;
} qr_mapping_item;

/*
 * A mapping: what QR_MAPPING defines, as the global qr_mapping_<Type>.
 * A mapping is mapped by one registry at a time (mapper is set while it
 * is); map before sharing it between threads.
 */
typedef struct qr_mapping {
	const char *name;       /* the type's name, "User" */
	const char *table_name; /* NULL: mapped onto a given table */
	size_t size;            /* sizeof the struct */
	size_t align;           /* its alignment */
	int (*items)(qr_mapping_builder *builder);
	qr_mapper *mapper; /* set by qr_registry_map; do not touch */
} qr_mapping;

/*
 * Called by the function QR_MAPPING defines: hands the declaration's
 * items to the registry mapping it. Takes every item's schema item.
 */
QR_API int qr_mapping_build(qr_mapping_builder *builder, qr_mapping_item *items,
			    size_t count);

/*
 * QR_MAPPING(Type, "table", items...) defines the global mapping
 * qr_mapping_Type (declare it in a header with QR_MAPPING_DECLARE(Type)).
 * table NULL declares a mapping onto an existing table, given to
 * qr_registry_map_table() (its fields are then QR_ATTR()s).
 */
#define QR_MAPPING_DECLARE(T) extern qr_mapping qr_mapping_##T
#define QR_MAPPING(T, table, ...)                                              \
	static int qr_mapping_items_##T##_(qr_mapping_builder *builder_)       \
	{                                                                      \
		qr_mapping_item items_[] = {__VA_ARGS__};                      \
		return qr_mapping_build(builder_, items_,                      \
					sizeof(items_) / sizeof(items_[0]));   \
	}                                                                      \
	extern qr_mapping qr_mapping_##T;                                      \
	qr_mapping qr_mapping_##T = {                                          \
		#T,  (table), sizeof(T), _Alignof(T), qr_mapping_items_##T##_, \
		NULL}

/* The mapping of a type, for functions taking a qr_mapping *. */
#define QR_MAPPING_OF(T) (&qr_mapping_##T)

/* A member mapped to a new column of the same name: the arguments after
 * the member are qr_column()'s (type, then options). */
#define QR_FIELD(T, member, ...) QR_FIELD_AS(T, member, #member, __VA_ARGS__)

/* The same, with a column name differing from the member's. */
#define QR_FIELD_AS(T, member, column, ...)                             \
	{                                                               \
		.kind = QR_MAPITEM_FIELD, .name = #member,              \
		.column_name = (column), .offset = offsetof(T, member), \
		.size = sizeof(((T *)0)->member),                       \
		.ctype = QR_CTYPE_OF(((T *)0)->member),                 \
		.item = qr_column((column), __VA_ARGS__)                \
	}

/* A member mapped to the column of that name in an existing table
 * (qr_registry_map_table). */
#define QR_ATTR(T, member) QR_ATTR_AS(T, member, #member)
#define QR_ATTR_AS(T, member, column)                                   \
	{                                                               \
		.kind = QR_MAPITEM_FIELD, .name = #member,              \
		.column_name = (column), .offset = offsetof(T, member), \
		.size = sizeof(((T *)0)->member),                       \
		.ctype = QR_CTYPE_OF(((T *)0)->member), .item = NULL    \
	}

/* The members qr_object_repr() shows, in order: <User(name='ed', ...)>.
 * Without QR_REPR every mapped member is shown. */
#define QR_REPR(...)                                                    \
	{                                                               \
		.kind = QR_MAPITEM_REPR, .names = (const char *const[]) \
		{                                                       \
			__VA_ARGS__, NULL                               \
		}                                                       \
	}
/* Positional form: BlogPost('headline', 'body'). */
#define QR_REPR_POSITIONAL(...)                                    \
	{                                                          \
		.kind = QR_MAPITEM_REPR,                           \
		.names = (const char *const[]){__VA_ARGS__, NULL}, \
		.flags = QR_REPR_POSITIONAL                        \
	}

/*
 * Members whose columns queries leave out unless asked (SQLAlchemy's
 * deferred() / mapped_column(deferred=True)): QR_DEFERRED("bio",
 * "photo"). Loaded objects hold zero (NULL) there and are expired, so
 * that qr_session_load() reads them; qr_undefer() on a query loads them
 * with it (see qr_query_defer in quarry/orm_query.h). qr_session_get()
 * and qr_session_refresh() read every column. Not the primary key, the
 * discriminator or the version counter.
 */
#define QR_DEFERRED(...)                                                    \
	{                                                                   \
		.kind = QR_MAPITEM_DEFERRED, .names = (const char *const[]) \
		{                                                           \
			__VA_ARGS__, NULL                                   \
		}                                                           \
	}

/*
 * The version counter (SQLAlchemy's version_id_col): an integer member,
 * already mapped by a QR_FIELD, set to 1 on INSERT and incremented by
 * every UPDATE, whose WHERE clause checks the value loaded. An UPDATE or
 * DELETE matching no row fails with QR_ESTALE instead of overwriting a
 * row changed by someone else.
 */
#define QR_VERSION_ID(member)                               \
	{                                                   \
		.kind = QR_MAPITEM_VERSION, .name = #member \
	}

/*
 * Inheritance (SQLAlchemy's polymorphic_on / polymorphic_identity), in
 * one table or a table per class. A subclass is a struct whose first
 * member is its parent's struct, declared with QR_INHERITS(Parent), its
 * own QR_FIELDs and its QR_POLYMORPHIC_IDENTITY; the base names its
 * discriminator member and its own identity with QR_POLYMORPHIC_ON. Map
 * the parent first (QR_INHERITS maps it when needed). A subclass
 * inherits its parent's fields, relationships, repr and version counter.
 *
 * Single-table inheritance. The base names its discriminator member and its
 * own identity; a subclass is a struct whose first member is the parent
 * struct, declared with a NULL table, QR_INHERITS(Parent), its own
 * QR_FIELDs (columns added to the parent's table, nullable) and its
 * identity:
 *
 *   typedef struct Employee { int64_t id; char *name, *type; } Employee;
 *   QR_MAPPING(Employee, "employee", ...,
 *              QR_FIELD(Employee, type, qr_string(20)),
 *              QR_POLYMORPHIC_ON("type", "employee"));
 *   typedef struct Manager { Employee employee; char *manager_data; }
 *           Manager;
 *   QR_MAPPING(Manager, NULL, QR_INHERITS(Employee),
 *              QR_FIELD(Manager, manager_data, qr_string(50)),
 *              QR_POLYMORPHIC_IDENTITY("manager"));
 *
 * New objects get their identity in the discriminator; a query of the
 * base returns objects of the subclass each row names (with the
 * subclasses' columns selected too); a query of a subclass selects only
 * its rows (WHERE type IN (its identity and its subclasses')). Base and
 * subclasses share one identity map key space.
 *
 * Joined-table inheritance: a subclass naming a table of its own, whose
 * primary key is a foreign key to its parent's (QR_JOINED_KEY declares
 * that column; it holds the key member the subclass inherits):
 *
 *   typedef struct Engineer { Employee employee; char *engineer_name; }
 *           Engineer;
 *   QR_MAPPING(Engineer, "engineer", QR_INHERITS(Employee),
 *              QR_JOINED_KEY("id", QR_INTEGER,
 *                            .foreign_key = "employee.id"),
 *              QR_FIELD(Engineer, engineer_name, qr_string(30)),
 *              QR_POLYMORPHIC_IDENTITY("engineer"));
 *
 * An Engineer's row is in both tables: a flush INSERTs into employee
 * first (its generated key then goes into engineer.id), UPDATEs only
 * the tables whose columns changed, DELETEs from engineer first. A query
 * of Engineer selects FROM employee JOIN engineer; a query of Employee
 * outer-joins the tables of every subclass (with_polymorphic "*": see
 * qr_query_with_polymorphic in quarry/orm_query.h), so each row loads as
 * the class its discriminator names, with all its columns.
 */
#define QR_POLYMORPHIC_ON(member, identity)                       \
	{                                                         \
		.kind = QR_MAPITEM_POLYMORPHIC, .name = (member), \
		.column_name = (identity)                         \
	}
#define QR_POLYMORPHIC_IDENTITY(identity)                                 \
	{                                                                 \
		.kind = QR_MAPITEM_POLYMORPHIC, .column_name = (identity) \
	}
/* The primary key column of a joined subclass's table, referencing its
 * parent's key: QR_JOINED_KEY("id", QR_INTEGER, .foreign_key =
 * "employee.id"); the arguments after the name are qr_column()'s. One
 * per column of a composite key. */
#define QR_JOINED_KEY(column, ...) \
	QR_TABLE_ARG(qr_column((column), __VA_ARGS__, .primary_key = true))
#define QR_INHERITS(Parent)                                                 \
	{                                                                   \
		.kind = QR_MAPITEM_INHERITS, .parent = &qr_mapping_##Parent \
	}

/* A table-level schema item (taken): constraint, index, table option:
 *   QR_TABLE_ARG(qr_unique(QR_NAMES("a", "b"))) */
#define QR_TABLE_ARG(schema_item)                                    \
	{                                                            \
		.kind = QR_MAPITEM_TABLE_ITEM, .item = (schema_item) \
	}

/* ---- registries and mappers ------------------------------------------- */

/*
 * A registry of mappers sharing a metadata (SQLAlchemy's registry /
 * declarative base). md NULL: the registry makes and owns a new metadata;
 * otherwise md is borrowed and must outlive the registry. *out is the
 * caller's (qr_registry_free). Errors: QR_ENOMEM.
 */
QR_API int qr_registry_new(qr_registry **out, qr_metadata *md);

/*
 * Unmaps every mapping of the registry and frees it (with its metadata
 * when it made it). Sessions using it must be freed first. Accepts NULL.
 */
QR_API void qr_registry_free(qr_registry *reg);

/* The registry's metadata (SQLAlchemy's Base.metadata). Borrowed. */
QR_API qr_metadata *qr_registry_metadata(const qr_registry *reg);

/*
 * Maps a declared mapping: defines its table in the registry's metadata
 * and builds its mapper. *out (may be NULL) is borrowed from the
 * registry. Mapping one already mapped by reg gives its mapper again.
 * Errors: QR_EINVAL (a member of unsupported C type, a C type that cannot
 * hold the column's SQL type, no primary key, an unknown member in
 * QR_REPR or QR_VERSION_ID, a NULL table name, a subclass without
 * QR_POLYMORPHIC_IDENTITY, a joined subclass whose table's primary key is
 * not a foreign key to its parent's), QR_ESTATE (mapped by another
 * registry), those of qr_table(), QR_ENOMEM.
 */
QR_API int qr_registry_map(qr_mapper **out, qr_registry *reg,
			   qr_mapping *mapping);

/*
 * Maps a mapping onto an existing table (defined or reflected elsewhere:
 * SQLAlchemy's imperative mapping / __table__). The table is borrowed and
 * must outlive the registry; fields are matched to its columns by name
 * (QR_ATTR); a QR_FIELD's column must exist with that name too (its
 * declared type and options are not used). Errors: as qr_registry_map,
 * and QR_ECOLUMN for a missing column.
 */
QR_API int qr_registry_map_table(qr_mapper **out, qr_registry *reg,
				 qr_mapping *mapping, qr_table *table);

/* qr_map(reg, User): qr_registry_map(NULL, reg, &qr_mapping_User). */
#define qr_map(reg, T) qr_registry_map(NULL, (reg), &qr_mapping_##T)

/* The mapper of a mapping, or NULL when it is not mapped. Borrowed. */
QR_API qr_mapper *qr_mapping_mapper(const qr_mapping *mapping);
#define QR_MAPPER(T) qr_mapping_mapper(&qr_mapping_##T)

/* Mapper introspection. Strings and tables are borrowed. */
QR_API const char *qr_mapper_name(const qr_mapper *m);
/* The mapped table (SQLAlchemy's User.__table__). */
QR_API qr_table *qr_mapper_table(const qr_mapper *m);
QR_API qr_registry *qr_mapper_registry(const qr_mapper *m);
QR_API size_t qr_mapper_field_count(const qr_mapper *m);
QR_API const char *qr_mapper_field_name(const qr_mapper *m, size_t i);
QR_API qr_column *qr_mapper_field_column(const qr_mapper *m, size_t i);
QR_API qr_ctype qr_mapper_field_ctype(const qr_mapper *m, size_t i);
/* Index of a member by name, or QR_ECOLUMN (recorded). */
QR_API int qr_mapper_field_index(const qr_mapper *m, const char *member);
QR_API size_t qr_mapper_primary_key_count(const qr_mapper *m);
/* The field index of the i-th primary key column. */
QR_API size_t qr_mapper_primary_key_field(const qr_mapper *m, size_t i);

/*
 * The column a member is mapped to, as an expression for queries
 * (SQLAlchemy's User.name): borrowed from the table, so it may be passed
 * to any expression constructor. NULL (error recorded: QR_ESTATE when
 * not mapped, QR_ECOLUMN for an unknown member) propagates.
 */
QR_API qr_expr *qr_mapper_attr(const qr_mapper *m, const char *member);
QR_API qr_expr *qr_mapping_attr(const qr_mapping *mapping, const char *member);
#define qr_attr(T, member) qr_mapping_attr(&qr_mapping_##T, (member))

/*
 * The entity as a query column (SQLAlchemy's select(User) /
 * query(User)): a new reference to a node standing for all the mapped
 * columns, taken by the query it is given to. NULL when not mapped
 * (error recorded).
 */
QR_API qr_expr *qr_mapper_entity(const qr_mapper *m);
QR_API qr_expr *qr_mapping_entity(const qr_mapping *mapping);
#define qr_entity(T) qr_mapping_entity(&qr_mapping_##T)

/*
 * An aliased entity (SQLAlchemy's aliased(User, name="user_alias")):
 * an alias of the mapped table that queries load as User objects. The
 * returned reference is the caller's (qr_expr_free; pass qr_expr_ref()
 * of it to constructors that take it); the registry keeps its own until
 * it is freed. name NULL: an anonymous name. Reach its columns with
 * qr_alias_attr(). An alias of a base covers its table: the rows of
 * joined-table subclasses are completed by one more SELECT per class.
 * An alias of a joined-table subclass is a subquery of its tables
 * joined, each mapped column under its name. NULL on error (recorded;
 * QR_ENOTSUP for a joined subclass whose tables share a column name).
 */
QR_API qr_expr *qr_mapper_aliased(qr_mapper *m, const char *name);
QR_API qr_expr *qr_mapping_aliased(qr_mapping *mapping, const char *name);
#define qr_aliased(T, name) qr_mapping_aliased(&qr_mapping_##T, (name))

/*
 * An entity loaded from a subquery (SQLAlchemy's aliased(Address, stmt)):
 * selectable, typically qr_query_subquery() of a query of that entity,
 * must have a column named as each mapped column; it is taken, and the
 * returned reference is the caller's as for qr_aliased(). Reach its
 * columns with qr_alias_attr(). NULL on error (recorded).
 */
QR_API qr_expr *qr_mapping_aliased_from(qr_mapping *mapping,
					qr_expr *selectable, const char *name);
#define qr_aliased_from(T, selectable, name) \
	qr_mapping_aliased_from(&qr_mapping_##T, (selectable), (name))

/* A member's column in an aliased entity: a new reference (taken by the
 * constructor it is given to). NULL propagates. */
QR_API qr_expr *qr_alias_attr(const qr_expr *alias, const char *member);

/* ---- object lists ----------------------------------------------------- */

/* A list of mapped objects (borrowed from their session). */
typedef struct qr_objlist {
	void **items;
	size_t count;
	size_t cap;
} qr_objlist;

#define QR_OBJLIST_INIT    \
	{                  \
		NULL, 0, 0 \
	}

/* Appends obj. Errors: QR_EINVAL (list NULL), QR_ENOMEM. */
QR_API int qr_objlist_append(qr_objlist *list, void *obj);
/* Releases the array (not the objects) and empties the list. */
QR_API void qr_objlist_clear(qr_objlist *list);
/* "[<User(...)>, <User(...)>]". *out is the caller's (qr_free). */
QR_API int qr_objlist_repr(char **out, const qr_objlist *list);

/* ---- objects ---------------------------------------------------------- */

/*
 * A new transient object that you own (SQLAlchemy's User()): zeroed, its
 * value members flagged NULL as described above. The mapping must be
 * mapped. qr_session_add() hands it to the session; otherwise free it
 * with qr_object_free(). NULL on error (recorded: QR_ESTATE when not
 * mapped, QR_ENOMEM).
 */
QR_API void *qr_object_new(qr_mapping *mapping);
#define qr_new_transient(T) ((T *)qr_object_new(&qr_mapping_##T))

/* Frees an object that belongs to no session (made by qr_object_new, or
 * given back by qr_session_detach). Accepts NULL; an object of a session
 * is left alone (QR_ESTATE recorded). */
QR_API void qr_object_free(void *obj);

/* SQLAlchemy's object states (inspect(obj).transient, ...). */
typedef enum qr_objstate {
	QR_STATE_TRANSIENT = 0, /* in no session, no row */
	QR_STATE_PENDING,       /* added, not yet flushed */
	QR_STATE_PERSISTENT,    /* in a session, with a row */
	QR_STATE_DELETED,       /* deleted by a flush, not yet committed */
	QR_STATE_DETACHED       /* has a row but is in no session */
} qr_objstate;

/* "transient", "pending", ... Static. */
QR_API const char *qr_objstate_name(qr_objstate state);

/*
 * The accessors below take a mapped object: a pointer returned by
 * qr_new() or by a query (anything else is undefined behaviour; NULL is
 * accepted and reported as QR_EINVAL or false).
 */
QR_API qr_objstate qr_object_state(const void *obj);
QR_API qr_mapper *qr_object_mapper(const void *obj);
/* The session the object belongs to, or NULL. Borrowed. */
QR_API qr_session *qr_object_session(const void *obj);
/* Expired: its members are stale until it is loaded again (see
 * qr_session_load in quarry/orm_session.h). */
QR_API bool qr_object_expired(const void *obj);
/* Its identity as a Python tuple repr, "(1,)", or NULL when it has none
 * (inspect(obj).identity). *out is the caller's (qr_free). Errors:
 * QR_EINVAL, QR_ENOMEM. */
QR_API int qr_object_identity(char **out, const void *obj);

/*
 * Read-only objects (Hibernate's Session.setReadOnly(entity, true)): a
 * read-only persistent object is not compared with its loaded state at
 * flush and autoflush, so its changes are never written, and it keeps no
 * snapshot (less memory, and a session holding many objects flushes
 * faster). It can still be deleted, refreshed and expired. Making an
 * object read-only drops its unflushed changes from the unit of work
 * (flush first to keep them); making it modifiable again takes what it
 * holds then as its loaded state. Only a persistent object can change;
 * an object leaving its session (detach, expunge, commit of a delete)
 * becomes modifiable. See also qr_session_set_default_read_only().
 * Errors: QR_EINVAL (not a mapped object), QR_ESTATE (not persistent),
 * QR_ENOMEM.
 */
QR_API int qr_object_set_read_only(void *obj, bool read_only);
/* Whether an object is read-only (false for NULL or a non-mapped
 * object). */
QR_API bool qr_object_is_read_only(const void *obj);

/*
 * The repr of an object, in its mapping's QR_REPR form, with Python's
 * quoting: <User(name='ed', fullname='Ed Jones', password='edspassword')>.
 * *out is the caller's (qr_free). Errors: QR_EINVAL, QR_ENOMEM.
 */
QR_API int qr_object_repr(char **out, const void *obj);

/*
 * A member's value as a qr_value (text and blobs borrowed from the
 * object; valid until the member changes). member names a mapped member.
 * Returns 0, or QR_EINVAL / QR_ECOLUMN / QR_ERANGE. Stale when the object
 * is expired: see qr_session_get_value().
 */
QR_API int qr_object_value(qr_value *out, const void *obj, const char *member);

/* Sets a member from a qr_value (converted to the member's C type; text
 * copied). Errors: QR_EINVAL, QR_ECOLUMN, QR_ECONVERT, QR_ERANGE,
 * QR_ENOMEM. */
QR_API int qr_object_set_value(void *obj, const char *member,
			       const qr_value *value);

/* NULL flags of value members (field: the member's address in obj). */
QR_API bool qr_field_is_null(const void *obj, const void *field);
/* Zeroes the member (releasing a string or blob) and makes it NULL. */
QR_API int qr_field_set_null(void *obj, void *field);
/* Clears the NULL flag (a no-op for pointer members). */
QR_API int qr_field_set_not_null(void *obj, void *field);

#define QR_IS_NULL(obj, member) qr_field_is_null((obj), &(obj)->member)
#define QR_SET_NULL(obj, member) qr_field_set_null((obj), &(obj)->member)
/* Assigns a value member and clears its NULL flag (obj evaluated more
 * than once). */
#define QR_SET(obj, member, value) \
	((obj)->member = (value), qr_field_set_not_null((obj), &(obj)->member))

/*
 * Sets a string member to a copy of value (NULL: SQL NULL), releasing the
 * string the ORM stored there before. field is the member's address in
 * obj. Errors: QR_EINVAL (not a string member of obj), QR_ENOMEM.
 */
QR_API int qr_set_text(void *obj, char **field, const char *value);
QR_API int qr_set_textn(void *obj, char **field, const char *value, size_t len);
/* The same for a blob member (data NULL: SQL NULL). */
QR_API int qr_set_blob(void *obj, qr_blob *field, const void *data, size_t len);

#define QR_SET_TEXT(obj, member, value) \
	qr_set_text((obj), &(obj)->member, (value))

/*
 * Tells the session that a member changed in place: a string or blob
 * whose bytes you edited where they are (ed->name[0] = 'E'). The next
 * flush compares the object with its snapshot member by member and sends
 * what differs (SQLAlchemy's flag_modified()). Without it such an edit
 * is not seen: a member is compared by its bytes in the struct, so a
 * string that keeps its address is taken as unchanged. Assignments,
 * qr_set_text() and the other setters need no flag. field is the
 * member's address in obj. Errors: QR_EINVAL (not a mapped member of a
 * mapped object).
 */
QR_API int qr_flag_modified(void *obj, const void *field);
#define QR_FLAG_MODIFIED(obj, member) qr_flag_modified((obj), &(obj)->member)

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_ORM_MAPPING_H */
