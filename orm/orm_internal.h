/*
 * orm_internal.h - what the ORM's source files share (private to orm/).
 *
 * The ORM uses only quarry's public headers. Layout of a mapped object's
 * block (one allocation):
 *
 *   [qr_objhdr, padded to QR_ORM_HDR_SIZE][the user's struct]
 *   [NULL flags: one bit per field][snapshot: qr_snapshot, the image,
 *   the text table][owned pointer slots: one per string/blob field]
 *   [relationship states][tail: the bytes of strings and blobs loaded
 *   with the object]
 *
 * (The snapshot's image follows the struct, so that the dirty pass,
 * which compares the two for every object of a session, reads adjacent
 * bytes.)
 *
 * The pointer users hold points at the struct; the header is found just
 * before it. An owned slot holds the pointer the ORM allocated for that
 * member (what it frees, unless it points into the tail); the member
 * itself may hold something else when the user assigned a pointer of
 * their own (adopted at the next flush).
 */
#ifndef QUARRY_ORM_INTERNAL_H
#define QUARRY_ORM_INTERNAL_H

#include <quarry/connection.h>
#include <quarry/engine.h>
#include <quarry/orm.h>
#include <quarry/sys/dialect.h>
#include <quarry/sys/error.h>

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- string building --------------------------------------------------- */

typedef struct qr_obuf {
	char *data;
	size_t len, cap;
	bool failed; /* an allocation failed: finish reports QR_ENOMEM */
} qr_obuf;

void qr_orm__buf_putn(qr_obuf *b, const char *s, size_t n);
void qr_orm__buf_puts(qr_obuf *b, const char *s);
void qr_orm__buf_printf(qr_obuf *b, const char *fmt, ...) QR_PRINTF(2, 3);
/* Python repr of a value (qr_value_repr). */
void qr_orm__buf_value(qr_obuf *b, const qr_value *v);
/* Hands the text to *out (the caller's, qr_free) or reports QR_ENOMEM. */
int qr_orm__buf_finish(qr_obuf *b, char **out);
void qr_orm__buf_free(qr_obuf *b);

/* ---- mappers ------------------------------------------------------------ */

enum {
	QR_FF_PK = 1u << 0,
	QR_FF_NULLABLE = 1u << 1,
	QR_FF_AUTOINC = 1u << 2,        /* the database generates it */
	QR_FF_DEFAULT = 1u << 3,        /* a client-side default */
	QR_FF_SERVER_DEFAULT = 1u << 4, /* a server-side default */
	QR_FF_VERSION = 1u << 5,        /* the version counter */
	QR_FF_NUMERIC_TEXT = 1u << 6,   /* char * holding exact decimals */
	QR_FF_DEFERRED = 1u << 7,       /* QR_DEFERRED: left out by queries */
	QR_FF_COMPUTED = 1u << 8        /* a computed column (read-only) */
};

typedef struct qr_field {
	char *name;          /* the member's name */
	qr_column *column;   /* borrowed from the table */
	const char *colname; /* borrowed from the column */
	size_t offset, size;
	qr_ctype ctype;
	qr_type type; /* the column's type */
	unsigned flags;
	int pk_pos;   /* position in the primary key, or -1 */
	int ptr_slot; /* owned slot (strings, blobs), or -1 */
	size_t tbl;   /* its table: an index in the mapper's tables */
	size_t index; /* its position in the mapper's fields (the same in
			 its subclasses, whose fields start with it) */
} qr_field;

/* A relationship of a mapper (relationship.c). */
typedef struct qr_rel {
	char *name; /* the member */
	size_t offset;
	qr_rel_kind kind;
	char *target_name, *back_name, *order_by;
	char *fk_names;   /* .foreign_keys: comma-separated, or NULL */
	unsigned cascade; /* QR_CASCADE_*, defaults applied */
	qr_lazy lazy;
	bool passive_deletes;
	/* resolved on first use (qr_orm__rel_resolve) */
	bool resolved;
	struct qr_mapper *owner, *target;
	struct qr_rel *back; /* the back-populated one, or NULL */
	size_t ncols;
	/* MANY_TO_ONE: local = the FK fields here, remote = the referenced
	 * fields of the target; ONE_TO_MANY: local = the referenced fields
	 * here, remote = the FK fields of the target. */
	size_t *local, *remote;
	int order_field; /* the target's first ordering field, or -1 */
	/* .order_by resolved: the target's fields, descending or not */
	size_t norder;
	int *order_fields;
	bool *order_desc;
	/* MANY_TO_MANY: local = the owner's referenced fields, remote = the
	 * target's referenced fields; in the secondary table, sec_local[i]
	 * references local[i] and sec_remote[i] remote[i]. */
	char *secondary_name;
	qr_table *secondary;
	qr_column **sec_local, **sec_remote;
} qr_rel;

/* The ordering of relationship r's loads (its .order_by), on alias
 * when given, else on the target's table: ORDER BY items added to q /
 * stmt (taken; NULL passes through). */
qr_query *qr_orm__rel_order_query(qr_query *q, const qr_rel *r);
qr_stmt *qr_orm__rel_order_stmt(qr_stmt *stmt, const qr_rel *r,
				const qr_expr *alias);

/* Whether the member is a pointer (many-to-one, one-to-one). */
static inline bool qr_orm__rel_is_ref(const qr_rel *r)
{
	return r->kind == QR_REL_MANY_TO_ONE || r->kind == QR_REL_ONE_TO_ONE;
}

/* Per-object state of a relationship (after the owned slots). */
enum {
	QR_RS_LOADED = 1u << 0, /* the member is authoritative */
	QR_RS_RAISE = 1u << 1,  /* loaded by a query with raiseload */
	QR_RS_NOLOAD = 1u << 2  /* loaded by a query with noload */
};
struct qr_loadset;
typedef struct qr_relstate {
	/* MANY_TO_ONE: the pointer as last loaded/flushed; MANY_TO_MANY: a
	 * qr_objlist (owned) of the collection as last loaded/flushed, or
	 * NULL for empty */
	void *snap;
	unsigned flags;
	/* the loader options of the query that loaded the object for the
	 * relationship's target, applied when it is lazy loaded (a
	 * reference held), or NULL */
	struct qr_loadset *opts;
} qr_relstate;

struct qr_mapper {
	qr_registry *registry;
	qr_mapping *mapping;
	char *name;
	qr_table *table;
	qr_field *fields;
	size_t nfields;
	size_t *pk; /* field indexes in key order */
	size_t npk;
	int version;      /* field index of the version counter, or -1 */
	size_t ndeferred; /* fields flagged QR_FF_DEFERRED */
	size_t ncomputed; /* fields flagged QR_FF_COMPUTED */
	/* mapper event listeners (events.c), and those of its ancestors
	 * that propagate to it; owned */
	struct qr_listener *listeners;
	size_t nlisteners;
	size_t *repr;
	size_t nrepr;
	bool repr_positional;
	size_t nptr;        /* owned pointer slots */
	size_t struct_size; /* sizeof the user's struct */
	size_t nullbits_off, slots_off, alloc_size; /* from the block start */
	/* the object's snapshot (qr_snapshot, image, text table) in the
	 * block, and its size */
	size_t snap_off, snap_size;
	/* which bytes of an object's struct hold mapped values: 0xff
	 * each, 0 for padding and unmapped members, rounded up to 8 bytes
	 * (qr_orm__compare_mask), and how many 8-byte words that is (the
	 * struct and its image both have room for the last word: the image
	 * starts 8-aligned after the struct, the NULL flags' image and the
	 * text table after it). The NULL flags are not compared: only
	 * quarry changes them, and a change sets qr_objhdr.snap_verify */
	unsigned char *cmpmask;
	size_t cmpwords;
	/* the bytes kept at the start of the tail of an object made by
	 * qr_new for its identity key (qr_orm__key_room_size), or 0 */
	size_t key_room;
	/* the tail bytes after them for the strings and blobs the program
	 * sets (stored there while they fit, then shared with the
	 * snapshot rather than copied): what the content of those of the
	 * last such object taken into the snapshot needed, at most
	 * QR_ORM_TEXT_ROOM_MAX (a hint, read and written by any thread) */
	_Atomic size_t text_room;
	qr_expr *entity;       /* the entity token (a reference held) */
	const char **colnames; /* column names in field order, NULL-ended */
	qr_rel *rels;
	size_t nrels;
	size_t rels_off; /* the qr_relstate array, from the block start */
	/* inheritance */
	struct qr_mapper *parent; /* NULL for a base */
	/* the tables holding m's rows, the root's first: one, except for
	 * joined-table subclasses (inherit.c); tkeys[t * npk + i] is the
	 * column of tables[t] holding key field pk[i]; tcols[t * nfields +
	 * i] the column of tables[t] field i is written to, or NULL */
	qr_table **tables;
	size_t ntables;
	qr_column **tkeys, **tcols;
	size_t njoined; /* joined-table descendants */
	/* the FROM of a query of m (a reference): its tables joined, those
	 * of its joined-table descendants outer-joined; NULL: m->table */
	qr_expr *from;
	qr_expr *join;           /* its tables joined (a reference), or NULL */
	qr_column **poly_cols;   /* the columns of poly_colnames */
	char *poly_identity;     /* this mapper's discriminator value */
	int poly_field;          /* the discriminator's field, or -1 */
	struct qr_mapper **subs; /* every descendant */
	size_t nsubs;
	/* the columns a query of this entity selects: its own, then those
	 * its descendants add (NULL-ended) */
	const char **poly_colnames;
	size_t npoly;
};

/* The root of an inheritance hierarchy (m itself for a base). */
static inline qr_mapper *qr_orm__root(const qr_mapper *m)
{
	while (m->parent)
		m = m->parent;
	return (qr_mapper *)m;
}
/* Whether a is b or one of b's descendants. */
static inline bool qr_orm__isa(const qr_mapper *a, const qr_mapper *b)
{
	while (a && a != b)
		a = a->parent;
	return a != NULL;
}
/* Whether a and b are one relationship: the same, or the copies that a
 * class and its subclass have of it (a loader option names either). */
static inline bool qr_orm__rel_is(const qr_rel *a, const qr_rel *b)
{
	return a == b || (a->offset == b->offset && a->owner != b->owner &&
			  (qr_orm__isa(a->owner, b->owner) ||
			   qr_orm__isa(b->owner, a->owner)) &&
			  strcmp(a->name, b->name) == 0);
}
/* m's own table is joined to its parent's (joined-table inheritance). */
static inline bool qr_orm__joined(const qr_mapper *m)
{
	return m->parent && m->table != m->parent->table;
}

/* ---- inheritance (inherit.c) ------------------------------------------- */

/* A query's with_polymorphic: the descendants whose joined tables it
 * outer-joins (with their ancestors'). NULL stands for all of them. */
typedef struct qr_wpoly {
	qr_mapper **subs;
	size_t n;
} qr_wpoly;

/* The mapper a row belongs to: m, or the descendant of m whose identity
 * is the discriminator value v (NULL: m). Errors: QR_EINVAL, "No such
 * polymorphic_identity", or the identity of a class that is not m's. */
int qr_orm__poly_pick(qr_mapper **out, qr_mapper *m, const qr_value *v);
/* Row positions of sub's fields (sub is m or a descendant) from the
 * positions of m's poly columns (pos[c], -1: not in the row). */
void qr_orm__poly_columns(int *cols, const qr_mapper *sub, const qr_mapper *m,
			  const int *pos);
/* Builds m's tables, key columns and columns per table once its fields
 * and key are known. Errors: QR_EINVAL (a joined subclass whose key is
 * not a foreign key to its parent's), QR_ENOMEM. */
int qr_orm__inherit_build(qr_mapper *m);
/* (Re)builds m->from. Errors: those of Core's constructors. */
int qr_orm__inherit_from(qr_mapper *m);
/* Whether poly column c of m is selected by a query of m (of an alias
 * of its table when alias, which covers that table only). */
bool qr_orm__poly_selected(const qr_mapper *m, size_t c, bool alias,
			   const qr_wpoly *wp);
/* The FROM of a query of m with wp (a new expression), or NULL with *rc
 * 0 when m's table alone serves. */
qr_expr *qr_orm__poly_from(const qr_mapper *m, const qr_wpoly *wp, int *rc);
/* Adds m's selected poly columns to stmt (NULL: a new SELECT), of alias
 * when given. */
qr_stmt *qr_orm__poly_add_columns(qr_stmt *stmt, const qr_mapper *m,
				  const qr_expr *alias, const qr_wpoly *wp);
/* Their positions in the row counting from base (pos may be NULL; -1
 * for a column left out): returns how many are selected. */
int qr_orm__poly_positions(int *pos, const qr_mapper *m, bool alias,
			   const qr_wpoly *wp, int base);
/* The same two leaving out the own fields defer flags (may be NULL). */
int qr_orm__poly_positions_deferred(int *pos, const qr_mapper *m, bool alias,
				    const qr_wpoly *wp,
				    const unsigned char *defer, int base);
qr_stmt *qr_orm__poly_add_columns_deferred(qr_stmt *stmt, const qr_mapper *m,
					   const qr_expr *alias,
					   const qr_wpoly *wp,
					   const unsigned char *defer);
/* WHERE discriminator IN (m's identity and its descendants') for a
 * single-table subclass (whose table holds other classes' rows), of
 * alias when given; NULL and *needed false otherwise. */
qr_expr *qr_orm__poly_criterion(const qr_mapper *m, const qr_expr *alias,
				bool *needed);
/* The field of m holding column c (its own, or a key column of one of
 * its tables), or -1. */
int qr_orm__field_of_column(const qr_mapper *m, const qr_column *c);
/* Whether t is one of m's tables. */
bool qr_orm__has_table(const qr_mapper *m, const qr_table *t);

struct qr_registry {
	qr_metadata *md;
	bool own_md;
	qr_mapper **mappers;
	size_t nmappers, cap;
	qr_expr **aliases; /* aliased entities (a reference held each) */
	size_t naliases, acap;
	size_t nlisteners; /* mapper event listeners of all its mappers */
};

/* Mapper of a mapping, mapping it into reg when given and needed;
 * records QR_ESTATE when it cannot. */
int qr_orm__mapper_for(qr_mapper **out, qr_mapping *mapping, qr_registry *reg);
void qr_orm__mapper_free(qr_mapper *m);
/* Builds a mapper for mapping in reg (onto table when given). */
int qr_orm__map(qr_mapper **out, qr_registry *reg, qr_mapping *mapping,
		qr_table *table);
/* The field of a member name, or NULL (QR_ECOLUMN recorded). */
const qr_field *qr_orm__field_by_name(const qr_mapper *m, const char *name);
/* The field at a byte offset in the struct, or NULL. */
const qr_field *qr_orm__field_by_offset(const qr_mapper *m, size_t offset);
/* Sorts mappers in place so that a mapper comes after those whose
 * tables its table references (foreign keys); cycles are broken in the
 * given order. Errors: QR_ENOMEM. */
int qr_orm__sort_mappers(qr_mapper **mappers, size_t n);
/* Whether a's table has a foreign key to b's table. */
bool qr_orm__mapper_depends(const qr_mapper *a, const qr_mapper *b);

/* Entity tokens: the nodes qr_entity()/qr_aliased() return, looked up to
 * know which query column is an entity. Process-wide, thread-safe. */
int qr_orm__token_add(const qr_expr *node, qr_mapper *m, bool alias,
		      const char *name);
void qr_orm__token_remove_mapper(const qr_mapper *m);
/* The mapper of a token, whether it is an alias and the alias's name
 * (NULL when anonymous); NULL if not a token. */
qr_mapper *qr_orm__token_find(const qr_expr *node, bool *alias,
			      const char **name);
/* The mapped field whose column is this table column, or NULL. */
const qr_field *qr_orm__column_field(const qr_expr *column, qr_mapper **m);

/* ---- objects --------------------------------------------------------------
 */

#define QR_ORM_MAGIC 0x514f524du /* "QORM" */
#define QR_ORM_FREED 0x46524545u /* "FREE" */
/* a live object whose block is in a chunk (qr_orm__chunk_alloc) */
#define QR_ORM_MAGIC_CHUNKED 0x514f5243u /* "QORC" */

enum {
	QR_OF_EXPIRED = 1u << 0, /* stale: load before trusting members */
	QR_OF_DELETE = 1u << 1,  /* persistent, marked for deletion */
	QR_OF_OWNED = 1u << 2,   /* the session owns the memory */
	QR_OF_IN_MAP = 1u << 3,  /* in the session's identity map */
	QR_OF_IN_LIST = 1u << 4, /* in the session's pending/deleted list */
	/* flush: the INSERT into an earlier table of its hierarchy left a
	 * default unfetched (expired once the last table has its row) */
	QR_OF_FETCH_LATER = 1u << 5,
	QR_OF_READONLY = 1u << 6, /* not dirty-checked: no snapshot */
	QR_OF_SNAP = 1u << 7      /* the block's snapshot is in use */
};

struct qr_snapshot;
struct qr_ikey;
struct qr_stx;

/* What only some objects need: the links of the pending or deleted list
 * and the journal position. In the block of an object made by the
 * program (qr_new: most go to the pending list), malloc'd for others
 * when first needed (qr_orm__ext_need), kept until the object is freed. */
typedef struct qr_objext {
	struct qr_objhdr *lprev, *lnext; /* pending or deleted list */
	struct qr_stx *jl; /* innermost transaction journaling it */
	size_t jidx;       /* its entry in jl's journal */
} qr_objext;

/* The header of every mapped object (80 bytes: what every loaded object
 * pays; the rarely used links are in qr_objext). What the dirty pass
 * reads (the mapper, the state, the flags) is its last 16 bytes, next
 * to the struct and the snapshot's image after it (64 bytes for a struct
 * of 24: one or two cache lines an object). */
typedef struct qr_objhdr {
	uint32_t magic;
	/* bytes after the mapper's block for the strings and blobs loaded
	 * with the object (one allocation), and how many are used */
	uint32_t tail, tail_used;
	uint32_t mark;                 /* scratch: the last pass that saw it
					  (qr_orm__next_mark) */
	qr_session *session;           /* the owner / the session it is in */
	struct qr_objhdr *prev, *next; /* the owner's list of objects */
	uint64_t seq;                  /* order added */
	/* identity; NULL when none. Malloc'd, or in the tail of an object
	 * loaded from a row: released with qr_orm__owned_free */
	struct qr_ikey *key;
	qr_objext *ext; /* NULL until needed */
	qr_mapper *mapper;
	uint8_t state; /* qr_objstate */
	uint8_t flags; /* QR_OF_* */
	/* the snapshot's image may not describe its values (set when
	 * quarry replaced a string or blob or changed a NULL flag, by
	 * qr_flag_modified, after a pointer of the user's was seen, after
	 * a restore); the next check then compares member by member */
	bool snap_verify;
	/* the tail's first mapper->key_room bytes are kept for the
	 * object's identity key (objects made by qr_new: their key is made
	 * at their INSERT; qr_orm__key_make) */
	bool key_room;
	uint32_t midx; /* its place in the identity map's dense array, or
			* QR_ORM_NO_MIDX (not in the map, or read-only) */
} qr_objhdr;

#define QR_ORM_NO_MIDX UINT32_MAX

/* The most tail bytes an object made by the program gets for the
 * strings and blobs set into it (qr_mapper.text_room). */
#define QR_ORM_TEXT_ROOM_MAX 256

/* The innermost transaction level journaling h, or NULL. */
static inline struct qr_stx *qr_orm__jl(const qr_objhdr *h)
{
	return h->ext ? h->ext->jl : NULL;
}
/* Gives h its qr_objext if it has none. Errors: QR_ENOMEM (recorded). */
int qr_orm__ext_need(qr_objhdr *h);

#define QR_ORM_ALIGN_UP(n, a) (((n) + (a)-1) / (a) * (a))
#define QR_ORM_HDR_SIZE QR_ORM_ALIGN_UP(sizeof(qr_objhdr), alignof(max_align_t))

static inline qr_objhdr *qr_orm__hdr(const void *obj)
{
	return (qr_objhdr *)((char *)obj - QR_ORM_HDR_SIZE);
}
static inline void *qr_orm__obj(const qr_objhdr *h)
{
	return (char *)h + QR_ORM_HDR_SIZE;
}
/* Whether h is the header of a live mapped object. */
static inline bool qr_orm__live(const qr_objhdr *h)
{
	return h->magic == QR_ORM_MAGIC || h->magic == QR_ORM_MAGIC_CHUNKED;
}

/* ---- object chunks (objchunk.c) --------------------------------------------
 * The blocks of objects a large load makes come from 2 MiB chunks (one
 * page fault each with transparent huge pages), handed out in order and
 * not reused one by one; a chunk is unmapped once its last block is freed
 * and it is retired (the session allocates from one chunk at a time), and
 * the chunk allocated from starts again once every block it gave is
 * freed and its session emptied. */
typedef struct qr_objchunk qr_objchunk;
/* The largest block taken from a chunk. */
#define QR_ORM_CHUNK_BLOCK_MAX 4096
/* A load puts its new objects in chunks once the session's identity map
 * holds this many objects, qr_new once the session has taken in this
 * many over its life (smaller sessions keep malloc's reuse). */
#define QR_ORM_CHUNK_AFTER 4096
/* The alignment of the block of an object made by the program in a
 * chunk: a cache line, which what the dirty pass reads of it (the
 * header from its mapper, the struct, the snapshot's image: 64 bytes for
 * a struct of 24) starts. */
#define QR_ORM_PASS_ALIGN 64
/* n zeroed bytes aligned for align (8 at least, 64 at most) from *cur,
 * which moves to a new chunk when it has no room (the old one retired);
 * blocks are packed at 8 bytes where malloc pads to 16. NULL when n is
 * above QR_ORM_CHUNK_BLOCK_MAX, align above 64 or no chunk could be
 * mapped (nothing recorded: the caller mallocs). Not thread-safe for
 * one *cur. */
void *qr_orm__chunk_alloc(qr_objchunk **cur, size_t n, size_t align);
/* Frees a block of qr_orm__chunk_alloc of QR_ORM_HDR_SIZE bytes or more
 * (any thread; under AddressSanitizer its first QR_ORM_HDR_SIZE bytes
 * become unaddressable). */
void qr_orm__chunk_free(void *p);
/* Starts c (may be NULL) again at its beginning when every block it gave
 * was freed (its owner emptied); nothing otherwise, and never under
 * AddressSanitizer (freed blocks stay poisoned). Not thread-safe with
 * qr_orm__chunk_alloc on c. */
void qr_orm__chunk_rewind(qr_objchunk *c);
/* No more blocks from *cur (set to NULL; may be NULL). */
void qr_orm__chunk_retire(qr_objchunk **cur);
#if defined(__linux__)
#define QR_ORM_HUGE_MAP 1 /* qr_orm__huge_map maps memory */
#else
#define QR_ORM_HUGE_MAP 0
#endif
/* bytes of zeroed memory on 2 MiB boundaries, marked for transparent
 * huge pages, mapped apart from the heap (freed, it goes back to the
 * system at once); NULL when it cannot be mapped or the system has no
 * such mappings (nothing recorded). */
void *qr_orm__huge_map(size_t bytes);
/* Unmaps what qr_orm__huge_map(bytes) returned (p may be NULL). */
void qr_orm__huge_unmap(void *p, size_t bytes);

/* The header of a mapped object, or NULL (QR_EINVAL recorded). */
qr_objhdr *qr_orm__check(const void *obj, const char *what);

/* Allocates a zeroed transient object with its NULL flags set as for a
 * new object, its qr_objext in its block and in its tail the room for
 * its key (mapper->key_room) and its strings (mapper->text_room); owned
 * by nobody yet; its block starting a cache line in *chunk when chunk is
 * not NULL (and the block fits one), else malloc'd. NULL on OOM
 * (recorded). */
qr_objhdr *qr_orm__object_alloc(qr_mapper *m, qr_objchunk **chunk);
/* The same with tail bytes for the strings a load stores into it, and
 * no qr_objext; in a block of *chunk when chunk is not NULL (and the
 * block fits one), else malloc'd. */
qr_objhdr *qr_orm__object_alloc_tail(qr_mapper *m, size_t tail,
				     qr_objchunk **chunk);
/* Memory for a string or blob member (align 1) or the key of h: from its
 * tail while there is room, else malloc'd. NULL on OOM (not recorded). */
void *qr_orm__owned_alloc(qr_objhdr *h, size_t n, size_t align);
/* Releases what qr_orm__owned_alloc gave (NULL accepted). */
void qr_orm__owned_free(const qr_objhdr *h, void *p);
/* Whether p points into h's tail (strings loaded with it: valid, and
 * never written by quarry, as long as h lives). */
static inline bool qr_orm__in_tail(const qr_objhdr *h, const void *p)
{
	const char *tail = (const char *)h + h->mapper->alloc_size;
	return (const char *)p >= tail && (const char *)p < tail + h->tail;
}
/* Whether h was made by the program (qr_new, qr_object_new): its
 * qr_objext is in its block, after its tail. */
static inline bool qr_orm__made_by_program(const qr_objhdr *h)
{
	return (const char *)h->ext ==
	       (const char *)h + h->mapper->alloc_size + h->tail;
}
/* Frees an object's block, strings, snapshot and key. */
void qr_orm__object_release(qr_objhdr *h);

static inline qr_relstate *qr_orm__relstate(const qr_objhdr *h, size_t rel)
{
	return (qr_relstate *)((char *)h + h->mapper->rels_off) + rel;
}

bool qr_orm__nullbit(const qr_objhdr *h, size_t field);
void qr_orm__set_nullbit(qr_objhdr *h, size_t field, bool on);
/* The owned pointer slot of h's string or blob member (qr_field.ptr_slot:
 * the pointer the ORM allocated for it). */
static inline void **qr_orm__slot(const qr_objhdr *h, size_t slot)
{
	return (void **)((char *)h + h->mapper->slots_off) + slot;
}

/* A field's value read from a copy of an object of m: base its struct,
 * bits its NULL flags (text and blobs borrowed from the copy). Returns 0
 * or QR_ERANGE (an unsigned 64-bit value above INT64_MAX). */
int qr_orm__value_at(const qr_mapper *m, const qr_field *f, const void *base,
		     const unsigned char *bits, qr_value *out);
/* A field's value (text and blobs borrowed from the object): the same
 * read from h. Inline for a 64-bit integer or a string (most keys and
 * columns, read for every new object's INSERT and key); the rest is
 * qr_orm__value_at's. */
static inline int qr_orm__field_get(const qr_objhdr *h, const qr_field *f,
				    qr_value *out)
{
	const char *p = (const char *)qr_orm__obj(h) + f->offset;
	const unsigned char *bits =
		(const unsigned char *)h + h->mapper->nullbits_off;

	if (f->ctype == QR_CTYPE_INT && f->size == 8) {
		int64_t v;
		memcpy(&v, p, 8);
		/* 0 with its NULL flag set is NULL */
		if (v == 0 && ((bits[f->index / 8] >> (f->index % 8)) & 1u)) {
			*out = qr_val_null();
		} else {
			out->kind = QR_VINT;
			out->u.i = v;
		}
		return 0;
	}
	if (f->ctype == QR_CTYPE_STRING) {
		const char *str;
		memcpy(&str, p, sizeof(str));
		if (!str) {
			*out = qr_val_null();
			return 0;
		}
		out->kind = (f->flags & QR_FF_NUMERIC_TEXT) ? QR_VNUMERIC
							    : QR_VTEXT;
		out->u.s.ptr = str;
		out->u.s.len = strlen(str);
		return 0;
	}
	return qr_orm__value_at(h->mapper, f, qr_orm__obj(h), bits, out);
}
/* Stores a value into a value member (not a string or blob) of such a
 * copy, with its NULL flag. Errors as qr_orm__field_set. */
int qr_orm__store_at(const qr_mapper *m, const qr_field *f, void *base,
		     unsigned char *bits, const qr_value *v);
/* Stores a value into a field (converting; copying text). Errors:
 * QR_ECONVERT, QR_ERANGE, QR_ENOMEM (recorded). */
int qr_orm__field_set(qr_objhdr *h, const qr_field *f, const qr_value *v);
/* The value converted as the field would store it (for identity keys
 * from outside values): *out borrows from buf/v. */
int qr_orm__field_normalize(const qr_field *f, const qr_value *in,
			    qr_value *out, char *buf, size_t cap);
/* Copies pointers the user assigned into memory the ORM owns. */
int qr_orm__adopt(qr_objhdr *h);
/* Whether the type of a field's column can be held by its C type. */
bool qr_orm__ctype_accepts(qr_ctype ctype, const qr_type *type);

/* ---- snapshots ------------------------------------------------------------
 */

/* A string or blob member's content in a snapshot (data NULL: NULL;
 * data qr_orm__snap_unknown: edited in place and flagged, the old
 * content is gone). data either points into the object's tail (the
 * string loaded with it, shared: quarry never writes there and the user
 * may edit it only with qr_flag_modified) or into memory the snapshot
 * owns (a copy). */
typedef struct qr_snaptext {
	const char *data;
	size_t len;
} qr_snaptext;
extern const char qr_orm__snap_unknown[1];

/*
 * What an object held when loaded or last flushed (snapshot.c). The
 * object's own snapshot lives in its block (at mapper->snap_off, in use
 * while QR_OF_SNAP is set): this header, an image of the object's bytes
 * (its struct, then its NULL flags) so that the dirty check reads the
 * block only, then the text table (string and blob members, by owned
 * slot). The copies of texts that are not in the tail are one malloc'd
 * allocation the snapshot owns, found as its lowest-addressed copy (no
 * pointer kept for it). A detached copy (qr_orm__snapshot_copy, for the
 * journal) is the same: image and table malloc'd, its copies another
 * allocation. The sizes are the mapper's; whether the image is exact is
 * the object's (qr_objhdr.snap_verify). (No members: the type only
 * names the area.)
 */
typedef struct qr_snapshot qr_snapshot;

/* Bytes of the fixed part (header, image, text table) of m's snapshots. */
size_t qr_orm__snapshot_size(const qr_mapper *m);
/* h's snapshot, or NULL when it has none. */
static inline qr_snapshot *qr_orm__snap(const qr_objhdr *h)
{
	return (h->flags & QR_OF_SNAP)
		       ? (qr_snapshot *)((char *)h + h->mapper->snap_off)
		       : NULL;
}

/* h's snapshot becomes its current values (taken again even when it
 * has them). Errors: QR_ENOMEM, QR_ENOTSUP (recorded; the old snapshot
 * kept). */
int qr_orm__snapshot_take(qr_objhdr *h);
/* h's snapshot becomes its current values (kept when it is: one memcmp;
 * none for a read-only object). Errors: QR_ENOMEM (the old snapshot
 * kept). */
int qr_orm__snapshot_update(qr_objhdr *h);
/* h's snapshot becomes one in which field i holds vals[i] (every field;
 * text copied unless it is h's own string in its tail). Errors:
 * QR_ENOMEM (the old snapshot kept), a value the field cannot hold (the
 * snapshot dropped); recorded. */
int qr_orm__snapshot_make(qr_objhdr *h, const qr_value *vals);
/* After h's snapshot was taken: when h was made by the program, the
 * content of its strings and blobs is the room its mapper's next new
 * objects get for theirs (qr_mapper.text_room; written only when it
 * changes). */
void qr_orm__snapshot_note_room(const qr_objhdr *h);
/* h has no snapshot any more (its copies freed). */
void qr_orm__snapshot_drop(qr_objhdr *h);
/* A detached copy of h's snapshot (every text copied), for the journal;
 * NULL on OOM (recorded). h must have one. */
qr_snapshot *qr_orm__snapshot_copy(const qr_objhdr *h);
/* A detached copy (taken over; NULL: none) becomes h's snapshot, exact
 * no more (snap_verify). */
void qr_orm__snapshot_restore(qr_objhdr *h, qr_snapshot *copy);
/* Frees a detached copy of a snapshot of an object of m (NULL
 * accepted). */
void qr_orm__snapshot_free(const qr_mapper *m, qr_snapshot *copy);
/* qr_flag_modified: field f of h is to be compared member by member, and
 * a string or blob edited where the snapshot shares it counts as
 * changed. */
void qr_orm__snapshot_flag(qr_objhdr *h, const qr_field *f);
/* Field i's value in snapshot s of an object of m (text borrowed from
 * s or the object; NULL for a text qr_orm__snap_unknown). */
void qr_orm__snapshot_value(const qr_snapshot *s, const qr_mapper *m, size_t i,
			    qr_value *out);
/* After quarry changed (changed true) a NULL flag of h: the dirty pass
 * does not compare them, so h is to be checked member by member. */
static inline void qr_orm__nullbits_changed(qr_objhdr *h, bool changed)
{
	if (changed && (h->flags & QR_OF_SNAP))
		h->snap_verify = true;
}
/* Whether h certainly equals its snapshot: its struct compared with the
 * image 8 bytes at a time, masked, so that padding (maybe undefined)
 * never decides (false when it has none, or when unsure: snap_verify,
 * set also when quarry changed a NULL flag). Inline: the dirty
 * pass runs it for every object of the session. */
static inline bool qr_orm__snapshot_same(const qr_objhdr *h)
{
	const qr_mapper *m = h->mapper;
	const unsigned char *a = (const unsigned char *)qr_orm__obj(h);
	const unsigned char *b = (const unsigned char *)h + m->snap_off;
	const unsigned char *k = m->cmpmask;
	uint64_t diff = 0;

	if (!(h->flags & QR_OF_SNAP) || h->snap_verify)
		return false;
	for (size_t i = 0; i < m->cmpwords * 8; i += 8) {
		uint64_t x, y, z;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		memcpy(&z, k + i, 8);
		diff |= (x ^ y) & z;
	}
	return diff == 0;
}
/* After h was found equal to its snapshot member by member: the image
 * becomes h's bytes, so that the next check is one memcmp again (not
 * while a member holds a pointer of the user's). */
void qr_orm__snapshot_refresh(qr_objhdr *h);
/* The image bytes that matter for mapper m (qr_mapper.cmpmask), or NULL
 * on OOM (recorded). */
unsigned char *qr_orm__compare_mask(const qr_mapper *m);
/* Whether field i differs from the snapshot. */
bool qr_orm__field_changed(const qr_objhdr *h, const qr_snapshot *s, size_t i);
/* Whether any field differs from the object's snapshot (false when it
 * has none). */
bool qr_orm__object_modified(const qr_objhdr *h);

/* ---- identity -------------------------------------------------------------
 */

typedef struct qr_ikey {
	qr_mapper *mapper;
	uint64_t hash;
	size_t len;
	unsigned char bytes[];
} qr_ikey;

/* The identity of an object from its primary key fields; *out NULL (and
 * 0 returned) when a key field is NULL. Errors: QR_ENOMEM, QR_ERANGE. */
int qr_orm__key_of(qr_ikey **out, const qr_objhdr *h);
/* The same, in h's key room when it has one that does not hold h->key
 * (else malloc'd): *out is released with qr_orm__owned_free(h, *out). */
int qr_orm__key_make(qr_ikey **out, qr_objhdr *h);
/* The bytes of a key room for objects of m: the size of their key when
 * every key field has a value of fixed size, else 0 (none). */
size_t qr_orm__key_room_size(const qr_mapper *m);
/* The identity from primary key values (normalized per field). */
int qr_orm__key_from_values(qr_ikey **out, qr_mapper *m, const qr_value *pk,
			    size_t npk);
/* The same built in buf (aligned for a qr_ikey) when it fits cap bytes:
 * *out == buf then, else *out is malloc'd. */
int qr_orm__key_from_values_in(qr_ikey **out, void *buf, size_t cap,
			       qr_mapper *m, const qr_value *pk, size_t npk);
/* The key of m's objects whose one key column, an integer, holds v,
 * written at k (room for a qr_ikey and 9 bytes): qr_orm__key_from_values'
 * key for such a value, made without normalising it. */
#define QR_ORM_INT_KEY_SIZE (sizeof(qr_ikey) + 9)
void qr_orm__key_int(qr_ikey *k, qr_mapper *m, int64_t v);
qr_ikey *qr_orm__key_copy(const qr_ikey *k);
bool qr_orm__key_equal(const qr_ikey *a, const qr_ikey *b);
/* The key's values (text borrowed from the key), at most max; returns
 * how many there are. */
size_t qr_orm__key_values(const qr_ikey *k, qr_value *out, size_t max);
/* The key's values as a tuple repr "(1,)". */
void qr_orm__key_repr(qr_obuf *b, const qr_objhdr *h);

/* An open-addressing table; a slot keeps its key's hash so that a probe
 * compares keys only when the hashes match. */
typedef struct qr_idslot {
	uint64_t hash;
	qr_objhdr *h; /* NULL: empty */
} qr_idslot;

typedef struct qr_idmap {
	qr_idslot *slots;
	size_t cap, count, tombs;
	size_t nrel; /* objects whose mapper has relationships */
	/* the objects that are not read-only again, dense (qr_objhdr.midx),
	 * in the order they came but for removals: what the dirty pass
	 * reads, in the order of memory more or less */
	qr_objhdr **dense;
	size_t ndense, dcap;
} qr_idmap;

qr_objhdr *qr_orm__idmap_get(const qr_idmap *map, const qr_ikey *key);
/* Inserts h (keyed by h->key). Errors: QR_ENOMEM. */
int qr_orm__idmap_put(qr_idmap *map, qr_objhdr *h);
/* Asks for the slot where key would go into the cache (a hint: a put
 * of many objects issues it a few objects ahead). */
void qr_orm__idmap_prefetch(const qr_idmap *map, const qr_ikey *key);
/* Asks for the slot of a key that follows key in a load of rows in key
 * order (a key of one integer column: the value QR_ORM_NEXT_KEYS after
 * its, the row that many rows later when keys are consecutive), when
 * key is such a key; nothing otherwise. A hint, as above: a load calls
 * it for each row, so that the slot a later row probes is in cache. */
#define QR_ORM_NEXT_KEYS 2
void qr_orm__idmap_prefetch_next(const qr_idmap *map, const qr_ikey *key);
/* The slot qr_orm__idmap_prefetch_next asks for: the home slot of the
 * key of the same mapper whose one integer value is key's plus
 * QR_ORM_NEXT_KEYS;
 * SIZE_MAX when there is none (another kind of key, no slots, the
 * value at the end of the range). */
size_t qr_orm__idmap_next_slot(const qr_idmap *map, const qr_ikey *key);
void qr_orm__idmap_remove(qr_idmap *map, qr_objhdr *h);
/* Empties the map (keeping a small slot array for reuse). */
void qr_orm__idmap_clear(qr_idmap *map);
void qr_orm__idmap_free(qr_idmap *map);
/* Iteration: *pos starts at 0; returns NULL at the end. */
qr_objhdr *qr_orm__idmap_next(const qr_idmap *map, size_t *pos);
/* The same, in the dense array's order (near the order of memory, each
 * object fetched a few ahead) when every object of the map is in it (none
 * read-only), else in the slots' order; for a walk that neither adds nor
 * removes objects. */
qr_objhdr *qr_orm__idmap_each(const qr_idmap *map, size_t *pos);
/* The same for the dirty pass, which must not remove any: the objects
 * that are not read-only, in the order they came, each fetched from
 * memory a few objects ahead, but for persistent objects equal to their
 * snapshot (qr_orm__snapshot_same), skipped there in one tight loop. */
qr_objhdr *qr_orm__idmap_scan(const qr_idmap *map, size_t *pos);
/* After h (in the map) became read-only (off the dirty pass) or
 * modifiable again. Errors: QR_ENOMEM. */
int qr_orm__idmap_track(qr_idmap *map, qr_objhdr *h);

/* ---- repr ------------------------------------------------------------------
 */

void qr_orm__repr_object(qr_obuf *b, const void *obj);

/* ---- sessions
 * ---------------------------------------------------------------- */

/* A journal entry: an object's session state before the transaction
 * level first changed it in a flush (56 bytes: a flush of new objects
 * journals every one of them). */
typedef struct qr_jentry {
	qr_objhdr *obj; /* NULL: a hole (the object left the session) */
	struct qr_stx *prev_jl;
	uint64_t seq;
	qr_snapshot *snap; /* prior snapshot (owned), or NULL */
	qr_ikey *key;      /* prior key (owned), or NULL */
	/* The fields the database filled on INSERT: bits of bits for a
	 * mapper of up to 64 fields (QR_ORM_FILLED_BITS), else of many
	 * (owned, or NULL when none). */
	union {
		uint64_t bits;
		unsigned char *many;
	} filled;
	uint32_t prev_jidx;
	uint8_t state, flags;
} qr_jentry;

/* The most fields whose filled flags a journal entry keeps in one word. */
#define QR_ORM_FILLED_BITS 64
/* The most entries of one journal (a transaction level). */
#define QR_ORM_JOURNAL_MAX UINT32_MAX
/* Frees what entry e of an object of m owns (its prior snapshot, key and
 * filled flags), leaving them empty. */
void qr_orm__jentry_free(qr_jentry *e, const qr_mapper *m);

/* A transaction level: the outer transaction or a SAVEPOINT. */
typedef struct qr_stx {
	struct qr_stx *parent;
	qr_tx *sp; /* the SAVEPOINT (NULL for the outer level) */
	qr_jentry *entries;
	size_t n, cap;
	uint64_t seq_start; /* objects added from here on belong to it */
	qr_session_tx *handle;
} qr_stx;

struct qr_session_tx {
	qr_session *session;
	qr_stx *level; /* NULL once ended */
};

struct qr_sessionmaker {
	qr_engine *engine;
	qr_session_options opts;
};

struct qr_session {
	qr_engine *engine;
	qr_registry *registry;
	bool autoflush, expire_on_commit;
	bool read_only; /* objects it loads are read-only */
	bool flushing;
	qr_conn *conn;
	const qr_dialect *dialect;
	qr_objhdr *objects;                     /* owned objects (a list) */
	qr_objhdr *pending_head, *pending_tail; /* in add order */
	qr_objhdr *deleted_head, *deleted_tail;
	size_t npending, ndeleted;
	/* objects made QR_STATE_DELETED since the last commit, at least:
	 * the commit looks for them among its objects only when not 0 */
	size_t made_deleted;
	qr_idmap idmap;
	qr_objchunk *chunk; /* where large loads put their objects */
	uint64_t next_seq;
	uint32_t next_mark; /* passes over objects (qr_objhdr.mark) */
	qr_stx outer;
	qr_stx *tx; /* innermost level (&outer at least) */
	qr_session_stats stats;
	int rel_loading;     /* > 0 while loading a relationship */
	int populating;      /* > 0 while a populate_existing query loads
				its eager relationships: theirs overwrite */
	uint64_t fk_changes; /* foreign key values set by qr_orm__sync_fks */
	/* SELECTs by primary key (get, load, refresh), one per mapper met,
	 * kept until the session closes so that their compiled forms are
	 * reused; pk_params holds the key values of the latest */
	struct qr_pkselect *pk_selects;
	size_t npk_selects;
	qr_params *pk_params;
	/* session event listeners (events.c); owned */
	struct qr_listener *listeners;
	size_t nlisteners;
};

/* ---- events (events.c) ------------------------------------------------- */

/* A registered listener: a mapper or a session event. */
typedef struct qr_listener {
	int event;
	void (*fn)(void); /* a qr_mapper_listener or qr_session_listener */
	void *userdata;
	bool propagate;
} qr_listener;

/* Calls m's listeners of ev for each of objs (per object, in order), and
 * the session's of ev; the first failure stops, recorded as what and
 * where. No-op without listeners. */
int qr_orm__mapper_event(qr_session *s, qr_conn *conn, int ev, qr_objhdr **objs,
			 size_t n);
int qr_orm__session_event(qr_session *s, int ev);
/* Whether any object of the mapper has listeners of ev. */
bool qr_orm__has_listener(const qr_mapper *m, int ev);
void qr_orm__listeners_free(qr_listener *l);

/* Every statement the ORM sends goes through here (counted). */
static inline int qr_orm__exec(qr_session *s, qr_result **out, qr_conn *conn,
			       const qr_stmt *stmt, const qr_params *params)
{
	s->stats.statements++;
	if (s->rel_loading)
		s->stats.rel_statements++;
	return qr_conn_execute(out, conn, stmt, params);
}

/* The session's connection, checked out on first use. */
int qr_orm__conn(qr_session *s, qr_conn **out);
/* The mark of a new pass over the session's objects (qr_objhdr.mark):
 * when the counter wraps, every owned object's mark is cleared. */
uint32_t qr_orm__next_mark(qr_session *s);
/* Links an object into the session's owned list (taking it). */
void qr_orm__own(qr_session *s, qr_objhdr *h);
/* Unlinks an object from every session structure (not freeing it). */
void qr_orm__unlink(qr_session *s, qr_objhdr *h);
/* Appends h to the pending or deleted list; h has its qr_objext
 * (qr_orm__ext_need). */
void qr_orm__list_push(qr_session *s, qr_objhdr *h, bool deleted);
void qr_orm__list_remove(qr_session *s, qr_objhdr *h);
/* Inserts pending h in the pending list by its seq (restoring order). */
void qr_orm__list_insert_pending(qr_session *s, qr_objhdr *h);
/* Puts the pending list back in the order objects were added. */
void qr_orm__pending_sort(qr_session *s);
/* Makes h persistent in the identity map under h->key. */
int qr_orm__make_persistent(qr_session *s, qr_objhdr *h);
/* Marks h expired, taking its current values as the snapshot. */
int qr_orm__expire(qr_objhdr *h);
/* Autoflush if on (not while loading relationships, rel_loading > 0),
 * and when the session holds any object. */
int qr_orm__autoflush(qr_session *s);

/* Journal: records h's state in the innermost level before a flush
 * changes it. Errors: QR_ENOMEM. */
int qr_orm__journal(qr_session *s, qr_objhdr *h);
/* h's entry in the innermost level journaling it (after qr_orm__journal;
 * valid until the next journal call). */
static inline qr_jentry *qr_orm__jentry(const qr_objhdr *h)
{
	return &h->ext->jl->entries[h->ext->jidx];
}
/* Marks field i as filled by the database in h's journal entry. */
int qr_orm__journal_filled(qr_objhdr *h, size_t field);
/* Ends the levels: after a commit of the outer level (forget), after a
 * rollback (expunge inserted, restore deleted, expire), and after a
 * failed flush (put everything back as pending work). */
void qr_orm__journal_forget(qr_stx *level);
void qr_orm__journal_merge(qr_stx *child, qr_stx *parent);
void qr_orm__journal_rollback(qr_session *s, qr_stx *level);
void qr_orm__journal_restore(qr_session *s, qr_stx *level);
/* The work of an outer or nested rollback on the session's objects. */
void qr_orm__rollback_objects(qr_session *s, qr_stx *level);

/* ---- relationships (relationship.c) ---------------------------------- */

/* Builds m's relationships from the declaration (names copied). */
int qr_orm__rels_build(qr_mapper *m, const qr_mapping_item *items, size_t n);
void qr_orm__rels_free(qr_mapper *m);
/* Resolves target, back-populate and columns on first use. */
int qr_orm__rel_resolve(qr_rel *r);
/* Marks every relationship of a new object loaded (empty). */
void qr_orm__rels_new_object(qr_objhdr *h);
/* Unloads every relationship (expiry). */
void qr_orm__rels_expire(qr_objhdr *h);
/* Frees the collections' arrays of an object being released. */
void qr_orm__rels_release(qr_objhdr *h);
/* Adds the objects h's relationships reach to the session (save-update
 * cascade), recursively. */
int qr_orm__cascade_add(qr_session *s, qr_objhdr *h);
/* Before a flush: cascades every pending and persistent object's
 * relationships into the session. */
int qr_orm__cascade_all(qr_session *s);
/* Sets foreign keys from related objects where the related key is
 * known; defer(ctx, mapper) is told of the objects whose related key is
 * not known yet (a pending parent). */
int qr_orm__sync_fks(qr_session *s, void (*defer)(void *ctx, qr_mapper *m),
		     void *ctx);
/* Loads relationship r of objs[0..n) (all of r's owner): collections
 * with a SELECT per chunk of parents, references from the identity map
 * or a SELECT. batch: always IN (selectin), else = for one object.
 * Counted as relationship statements. loads: the loader options
 * reaching r's target (nested options: applied to the query loading
 * the targets), or NULL. (relload.c) */
struct qr_qload;
int qr_orm__load_rel(qr_session *s, qr_rel *r, qr_objhdr **objs, size_t n,
		     bool batch, const struct qr_qload *loads, size_t nloads);
/* The subquery strategy: the children of objs (one-to-many/one) joined
 * to sub, the parents' query as a subquery exposing the referenced
 * columns by name (taken). */
int qr_orm__load_rel_subquery(qr_session *s, qr_rel *r, qr_objhdr **objs,
			      size_t n, qr_expr *sub,
			      const struct qr_qload *loads, size_t nloads);
/* Before h is marked for deletion: the delete cascade, or the foreign
 * keys of its children set NULL (loading unloaded collections). */
int qr_orm__cascade_delete(qr_session *s, qr_objhdr *h);
/* The rows of secondary tables the many-to-many collections gained and
 * lost since loaded or flushed: INSERTs and DELETEs (flush, after the
 * inserts, before the deletes). */
int qr_orm__flush_secondary(qr_session *s, qr_conn *conn);
/* Whether a many-to-many collection differs from its snapshot. */
bool qr_orm__m2m_dirty(qr_session *s);
/* Replaces the many-to-many snapshot of h's relationship i by a copy of
 * l (NULL: empty); on OOM the snapshot is left empty (the next flush
 * then re-inserts rows, which fails loudly rather than losing any). */
void qr_orm__m2m_snap_set(qr_objhdr *h, size_t i, const qr_objlist *l);
/* gone leaves the session (expunged, detached): no other object of s
 * keeps a pointer to it in a relationship member. */
void qr_orm__rels_forget(qr_session *s, qr_objhdr *gone);
/* h and the objects the given cascade (QR_CASCADE_EXPUNGE, ...) reaches
 * from it through relationship members (out: objects, h first). Errors:
 * QR_ENOMEM. */
int qr_orm__cascade_closure(qr_session *s, qr_objhdr *h, unsigned cascade,
			    qr_objlist *out);
/* After a flush: the many-to-one snapshots become the current pointers. */
void qr_orm__rels_flushed(qr_session *s);

/* ---- flush and loading --------------------------------------------------- */

int qr_orm__flush(qr_session *s);

/* The statements of a flush, for one mapper (persist.c). The objects are
 * journaled; on success their session state is updated. changed[i] is
 * the bitmask of changed fields of upd[i]. */
int qr_orm__persist_updates(qr_session *s, qr_conn *conn, qr_mapper *m,
			    qr_objhdr **objs, unsigned char **changed,
			    size_t n);
int qr_orm__persist_inserts(qr_session *s, qr_conn *conn, qr_mapper *m,
			    qr_objhdr **objs, size_t n);
int qr_orm__persist_deletes(qr_session *s, qr_conn *conn, qr_mapper *m,
			    qr_objhdr **objs, size_t n);

/* Fills an object from a row: columns[i] is the row column of field i
 * (-1: not in the row). */
typedef struct qr_loadmap {
	qr_mapper *mapper;
	int *columns;
} qr_loadmap;

/* The object for a row through the identity map: an existing object is
 * returned as is (refreshed when expired, or when overwrite); a new one
 * is made persistent. *out NULL when the key columns are all NULL.
 * Errors: conversion errors, QR_ENOMEM. */
int qr_orm__load_row(void **out, qr_session *s, const qr_loadmap *lm,
		     const qr_row *row, bool overwrite);
/* The same, telling whether the row's values were stored (a new
 * object, or one refreshed). */
int qr_orm__load_row_filled(void **out, bool *filled, qr_session *s,
			    const qr_loadmap *lm, const qr_row *row,
			    bool overwrite);
/* Loads h's row by primary key, overwriting all (overwrite) or only the
 * fields not changed since it expired. Errors: QR_ESTALE (no row). */
int qr_orm__load_object(qr_session *s, qr_objhdr *h, bool overwrite);
/* Runs SELECT m's columns FROM its table WHERE pk = values in the
 * session (the statement built once per session and mapper). */
int qr_orm__exec_by_pk(qr_result **out, qr_session *s, qr_mapper *m,
		       const qr_value *pk);
/* Frees the statements qr_orm__exec_by_pk kept. */
void qr_orm__pk_selects_free(qr_session *s);
/* Completes objects loaded without some of their columns (a
 * with_polymorphic leaving their table out, a textual statement): one
 * SELECT of their class per 500 objects, by primary key (inherit.c). */
int qr_orm__poly_complete(qr_session *s, qr_objhdr **objs, size_t n);

/* ---- queries ------------------------------------------------------------- */

typedef enum { QR_QI_ENTITY, QR_QI_COLUMN } qr_qitem_kind;

typedef struct qr_qitem {
	qr_qitem_kind kind;
	qr_mapper *mapper;     /* ENTITY; COLUMN: the mapper of field */
	qr_expr *from;         /* ENTITY: its table or alias (a reference) */
	qr_expr *expr;         /* COLUMN: the expression (a reference) */
	char *name;            /* ENTITY: "User" or the alias's name */
	const qr_field *field; /* COLUMN: the mapped field it is, or NULL */
	qr_wpoly *wp;          /* ENTITY: with_polymorphic (owned), or NULL */
	qr_expr *pfrom;        /* ENTITY: its FROM when a join (a reference) */
	/* ENTITY: per field of mapper, 1 when its column is deferred
	 * (load_only, defer: defer.c); owned, NULL: none */
	unsigned char *defer;
} qr_qitem;

typedef struct qr_exprvec {
	qr_expr **items;
	size_t n, cap;
} qr_exprvec;

typedef struct qr_qjoin {
	qr_expr *target; /* a reference */
	qr_expr *on;     /* a reference, or NULL */
	bool outer;
} qr_qjoin;

/* A hop of a loader option's path: a relationship (of the previous
 * hop's target) and its strategy (QR_LAZY_DEFAULT: as configured). */
typedef struct qr_qhop {
	qr_rel *rel;
	qr_lazy lazy;
} qr_qhop;

/* A loader option of a query: a path of hops from one of its entities
 * (hops[0] is a relationship of the entity), or contains_eager of one
 * relationship (the query's own join fills it). The options reaching
 * the objects of a relationship are the suffixes after its hop
 * (loadopts.c). */
typedef struct qr_qload {
	qr_qhop *hops; /* owned; nhops >= 1 */
	size_t nhops;
	bool contains_eager;
	qr_expr *alias; /* contains_eager: the target's alias, or NULL */
} qr_qload;

/* A set of loader options kept by objects for a lazy relationship
 * (qr_relstate.opts): reference-counted, shared by the objects of one
 * query. */
typedef struct qr_loadset {
	int refs;
	qr_qload *loads;
	size_t n;
} qr_loadset;

/* Copies n options (aliases referenced) into *out (n entries). */
int qr_orm__loads_copy(qr_qload **out, const qr_qload *l, size_t n);
void qr_orm__loads_free(qr_qload *l, size_t n);
/* The strategy loads give relationship r (the last option naming it
 * with a strategy), or r->lazy; *explicit tells whether an option did. */
qr_lazy qr_orm__loads_strategy(const qr_qload *l, size_t n, const qr_rel *r,
			       bool *explicit);
/* The options reaching r's target: the paths through r, after r's hop
 * (copies; *out NULL and *nout 0 when none). Errors: QR_ENOMEM. */
int qr_orm__loads_through(qr_qload **out, size_t *nout, const qr_qload *l,
			  size_t n, const qr_rel *r);
/* Adds the option l to q (its contents taken, released on error; q
 * taken; NULL on error, recorded). */
qr_query *qr_orm__query_add_load(qr_query *q, qr_qload *l);
/* qr_query_load_path for the caller what (loadopts.c). */
qr_query *qr_orm__load_path(qr_query *q, qr_mapping *owner,
			    const qr_load_hop *path, size_t n,
			    const char *what);
/* Adds copies of options to a query of r's target (q taken; NULL on
 * error, recorded). */
qr_query *qr_orm__query_add_loads(qr_query *q, const qr_qload *l, size_t n);
/* A set holding the given options (taken), one reference. */
qr_loadset *qr_orm__loadset_new(qr_qload *l, size_t n);
void qr_orm__loadset_release(qr_loadset *set);
/* Sets r's kept options of object h to set (a reference taken; NULL
 * clears them). */
void qr_orm__relstate_set_opts(qr_objhdr *h, const qr_rel *r, qr_loadset *set);

/* An eager load done by the query's own SELECT (joined, or
 * contains_eager): the target's columns follow the query's. A nested
 * joined load (joinedload(A.bs).joinedload(B.cs)) has the eager load
 * of its parent objects as parent. */
typedef struct qr_eager {
	size_t item;     /* the root entity's query item */
	int parent;      /* the parent eager load, or -1: the item's */
	qr_rel *rel;     /* a relationship of the parent's entity */
	qr_expr *target; /* the table or alias loaded (a reference) */
	/* many-to-many: the alias of the secondary table joined to the
	 * target (a reference), else NULL */
	qr_expr *secondary;
	bool join;     /* add LEFT OUTER JOIN target ON ... */
	qr_loadmap lm; /* the target's columns in the result */
	/* the result column of each of the target's poly columns (its
	 * single-table subclasses' too), and the load maps of the
	 * subclasses (made on first use; NULL without subclasses) */
	int *pos;
	qr_loadmap *subs;
	qr_qload *sub; /* the options reaching the target (owned) */
	size_t nsub;
} qr_eager;

/* Whether an eager load's target has all its rows' columns in its one
 * table (no joined-table inheritance above or below it): its columns
 * and its single-table subclasses' are selected, the discriminator
 * picking each row's class. */
static inline bool qr_orm__eager_poly(const qr_mapper *t)
{
	return t->ntables == 1 && !t->njoined;
}

struct qr_query {
	qr_qload *loads;
	size_t nloads;
	int refs;
	qr_session *session;
	qr_qitem *items;
	size_t nitems;
	qr_exprvec where, order, group, having;
	qr_qjoin *joins;
	size_t njoins;
	qr_expr *select_from;  /* a reference, or NULL */
	int64_t limit, offset; /* -1: none */
	bool distinct;
	bool for_update;    /* with_for_update() */
	unsigned for_flags; /* its QR_FOR_* */
	qr_expr *for_of;    /* with_for_update(of=): a table or alias, or
			       NULL (a reference) */
	qr_params *params;
	qr_stmt *from_stmt;
	size_t yield_per;
	bool populate_existing; /* rows overwrite objects already loaded */
	/* A set operation's query (setop.c): criteria added to it are
	 * re-targeted from the FROM objects adapt_from to adapt_to, the
	 * subquery it selects from (references; NULL, 0: none). */
	qr_expr *adapt_to;
	qr_expr **adapt_from;
	size_t nadapt;
	qr_mapper *fb_mapper; /* filter_by's entity */
	qr_expr *fb_from;     /* and its table or alias (borrowed) */
};

/* The alias an entity item selects from, or NULL for its table. */
static inline const qr_expr *qr_orm__item_alias(const qr_qitem *it)
{
	return it->from != (qr_expr *)it->mapper->table ? it->from : NULL;
}
/* How many result columns an item has. */
int qr_orm__item_width(const qr_qitem *it);
/* An entity item's columns (defer.c): the positions in the row of its
 * mapper's poly columns from base (-1: not selected; pos may be NULL),
 * returning how many; and the columns added to stmt (NULL: a new
 * SELECT), deferred ones left out. */
int qr_orm__item_positions(int *pos, const qr_qitem *it, int base);
qr_stmt *qr_orm__item_add_columns(qr_stmt *stmt, const qr_qitem *it);
/* Whether an entity item leaves columns of its own fields out. */
bool qr_orm__item_defers(const qr_qitem *it);
/* q itself when the caller holds its only reference, else a copy (the
 * reference released); NULL on OOM. */
qr_query *qr_orm__query_writable(qr_query *q);

/* e (taken) re-targeted onto a set operation's subquery as q says
 * (e itself without one); NULL on error, e released. */
qr_expr *qr_orm__query_adapt(const qr_query *q, qr_expr *e);
/* An empty query of session s (limit and offset none); NULL on OOM. */
qr_query *qr_orm__query_alloc(qr_session *s);
/* Copies a query item (src borrowed) and a parameter set (NULL for
 * NULL). */
int qr_orm__query_item_copy(qr_qitem *dst, const qr_qitem *src);
qr_params *qr_orm__params_copy(const qr_params *p);

/* The Core SELECT of a query (a new statement; NULL on error). */
qr_stmt *qr_orm__query_select(const qr_query *q);
/* The same with the columns (and joins, ordering) of eager loads. */
qr_stmt *qr_orm__query_select_eager(const qr_query *q, const qr_eager *e,
				    size_t n);
/* The relationship of a mapper (of a mapping) by member name, resolved;
 * NULL with the error recorded, what naming the caller (relquery.c). */
qr_rel *qr_orm__mapper_rel(qr_mapper *m, const char *name, const char *what);
qr_rel *qr_orm__rel_named(qr_mapping *mapping, const char *name,
			  const char *what);
/* owner.local = target.remote, ANDed; each side on an alias (or a
 * subquery) when given, else on its table (relquery.c). */
qr_expr *qr_orm__rel_condition(const qr_rel *r, const qr_expr *owner_alias,
			       const qr_expr *target_alias);
/* left LEFT OUTER JOIN (sec_alias JOIN target_alias ON target.remote =
 * secondary.sec_remote) ON owner.local = secondary.sec_local: a
 * many-to-many's joined eager load, as SQLAlchemy renders it (left
 * taken, the aliases borrowed; the owner on owner_alias when given, else
 * on its table; extra, taken, ANDed to the inner ON when not NULL; NULL
 * on error, recorded). */
qr_expr *qr_orm__rel_secondary_outerjoin(qr_expr *left, const qr_rel *r,
					 const qr_expr *owner_alias,
					 qr_expr *sec_alias,
					 qr_expr *target_alias, qr_expr *extra);
/* The strategy of relationship r of query q's entities. */
qr_lazy qr_orm__query_strategy(const qr_query *q, const qr_rel *r);

/* An updated object takes the values set (fields[k] = vals[k]), in its
 * members and as loaded state; other unflushed changes stay changes
 * (bulk.c). */
int qr_orm__apply_values(qr_objhdr *h, const qr_field **fields,
			 const qr_value *vals, size_t n);

/* Error preservation around clean-up that may record errors. */
typedef struct qr_saved_error {
	qr_error e;
} qr_saved_error;
void qr_orm__error_save(qr_saved_error *s);
int qr_orm__error_restore(const qr_saved_error *s);

#endif
