/*
 * quarry/orm_session.h - sessions: the identity map and the unit of work
 * (SQLAlchemy's Session and sessionmaker).
 *
 *   qr_sessionmaker *Session;
 *   qr_sessionmaker_new(&Session, engine, reg, NULL);
 *   qr_session *s;
 *   qr_sessionmaker_open(&s, Session);
 *   User *ed = qr_new(s, User);                 // transient, owned by s
 *   qr_set_text(ed, &ed->name, "ed");
 *   qr_session_add(s, ed);                      // pending
 *   qr_session_commit(s);                       // INSERT, COMMIT
 *   qr_session_free(s);                         // frees every object
 *
 * Ownership. A session owns the objects it makes (qr_new) and loads, and
 * their strings: they stay valid until the session closes or is freed,
 * or until you expunge them (qr_session_expunge frees the object at
 * once). Objects the session drops by itself (pending objects at a
 * rollback, deleted ones after a commit) stay allocated, transient or
 * detached, until the session closes. qr_session_detach() hands an
 * object to you (free it with qr_object_free(), or add it to a session,
 * which takes it).
 *
 * Reading members. C cannot intercept a member read, so an expired object
 * (after commit, rollback or qr_session_expire) keeps its last values in
 * memory until it is loaded again: by a query returning its row, by
 * qr_session_get(), or explicitly with qr_session_load() (which emits the
 * SELECT only when the object is expired) or qr_session_get_value().
 * Changes you make to an expired object before it is loaded are kept,
 * as SQLAlchemy keeps attributes set after expiry.
 *
 * Flush. Changes are found by comparing each object with the snapshot
 * taken when it was loaded (no setters needed). The flush orders the
 * work by foreign key dependencies between tables, inserts in batches
 * per table (one multi-row INSERT .. RETURNING where the dialect has it,
 * else one INSERT per row when keys are generated, else executemany),
 * updates only changed columns, and deletes dependents first. A flush
 * that fails rolls the database transaction back (or the innermost
 * SAVEPOINT) and puts every object back as it was before the transaction
 * flushed anything (pending, dirty, marked for deletion), so the caller
 * can fix the cause and flush or commit again; SQL executed directly in
 * that transaction is lost with it.
 *
 * A session belongs to one thread at a time. Errors are recorded in
 * qr_error_last() as everywhere in quarry.
 */
#ifndef QUARRY_ORM_SESSION_H
#define QUARRY_ORM_SESSION_H

#include "orm_mapping.h"
#include "result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qr_sessionmaker qr_sessionmaker;
typedef struct qr_session_tx qr_session_tx;

/* Session options; zero is the default for every field. */
typedef struct qr_session_options {
	/* The registry whose mappings qr_new() and queries map on first
	 * use (may be NULL: mappings must then be mapped beforehand). */
	qr_registry *registry;
	bool no_autoflush;        /* autoflush=False */
	bool no_expire_on_commit; /* expire_on_commit=False */
} qr_session_options;

/*
 * A session factory bound to an engine (SQLAlchemy's sessionmaker).
 * engine and opts->registry are borrowed and must outlive the factory and
 * its sessions; opts may be NULL. *out is the caller's
 * (qr_sessionmaker_free). Errors: QR_EINVAL, QR_ENOMEM.
 */
QR_API int qr_sessionmaker_new(qr_sessionmaker **out, qr_engine *engine,
			       const qr_session_options *opts);
/* Rebinds the factory (sessionmaker.configure(bind=engine)). */
QR_API void qr_sessionmaker_bind(qr_sessionmaker *sm, qr_engine *engine);
QR_API void qr_sessionmaker_free(qr_sessionmaker *sm);
/* A new session from the factory (Session()). */
QR_API int qr_sessionmaker_open(qr_session **out, qr_sessionmaker *sm);

/* A session without a factory. Errors: QR_EINVAL, QR_ENOMEM. */
QR_API int qr_session_new(qr_session **out, qr_engine *engine,
			  const qr_session_options *opts);

/* Closes the session (rolling back) and frees it. Accepts NULL. */
QR_API void qr_session_free(qr_session *s);

/*
 * Rolls back, returns the connection to the pool and frees every object
 * the session owns (SQLAlchemy's close(): the session stays usable).
 */
QR_API void qr_session_close(qr_session *s);

QR_API qr_engine *qr_session_engine(const qr_session *s);

/*
 * A new transient object of a mapping, zeroed, owned by the session
 * (not yet in it: qr_session_add). The mapping is mapped by the session's
 * registry on first use. NULL on error (recorded: QR_ESTATE when not
 * mapped and no registry, mapping errors, QR_ENOMEM).
 */
QR_API void *qr_session_new_object(qr_session *s, qr_mapping *mapping);
#define qr_new(s, T) ((T *)qr_session_new_object((s), &qr_mapping_##T))

/*
 * Adds an object: a transient one becomes pending; one marked for
 * deletion is unmarked; a persistent one is left alone. A transient or
 * detached object you own passes to the session. Errors: QR_EINVAL (not
 * a mapped object, or one of another session), QR_ESTATE (a detached
 * object whose identity is already in the session), QR_ENOMEM.
 */
QR_API int qr_session_add(qr_session *s, void *obj);
QR_API int qr_session_add_all(qr_session *s, void *const *objs, size_t n);
#define QR_ADD_ALL(s, ...)                                        \
	qr_session_add_all((s), (void *const[]){__VA_ARGS__},     \
			   sizeof((void *const[]){__VA_ARGS__}) / \
				   sizeof(void *))

/*
 * Marks a persistent object for deletion at the next flush (it stays in
 * the identity map, listed by qr_session_deleted_list, until then).
 * Relationships: with the delete cascade the related objects are marked
 * too; without it, children keep their rows with the foreign key set
 * NULL (unloaded collections are loaded first unless passive_deletes;
 * see quarry/orm_relationship.h).
 * Errors: QR_EINVAL (not a mapped object, or one of another session),
 * QR_ESTATE (not persisted: transient or pending, as SQLAlchemy's
 * "Instance is not persisted").
 */
QR_API int qr_session_delete(qr_session *s, void *obj);

/*
 * Copies the state of obj (any mapped object: detached, from another
 * session, or transient) onto the session's object of the same identity,
 * loading it if needed, or onto a new pending object when there is none
 * (or obj has no primary key). *out (a pointer to the mapped type's
 * pointer) receives the session's object. obj is not changed or taken.
 * With the merge cascade (the default), the objects obj's loaded
 * relationships reach are merged too and fill the session object's.
 */
QR_API int qr_session_merge(void *out, qr_session *s, const void *obj);

/* Removes obj from the session and frees it, with the objects the
 * expunge cascade reaches; the other objects' relationships let go of
 * them. Errors: QR_EINVAL, QR_ENOMEM. */
QR_API int qr_session_expunge(qr_session *s, void *obj);
/* Removes and frees every object. */
QR_API void qr_session_expunge_all(qr_session *s);
/* Removes obj from the session and gives it to the caller: it becomes
 * detached (or transient) and is freed with qr_object_free(). */
QR_API int qr_session_detach(qr_session *s, void *obj);

/* Whether obj is in the session (`obj in session`): pending, or
 * persistent (also when marked for deletion and not yet flushed); an
 * object whose row a flush deleted is not, as in SQLAlchemy. */
QR_API bool qr_session_contains(const qr_session *s, const void *obj);

/*
 * Reloads obj's row now (SELECT by primary key), discarding unflushed
 * changes. Errors: QR_EINVAL, QR_ESTATE (not persistent), QR_ESTALE (the
 * row is gone), database errors.
 */
QR_API int qr_session_refresh(qr_session *s, void *obj);

/* Marks obj (every persistent object) expired: unflushed changes are
 * discarded at the next load. */
QR_API int qr_session_expire(qr_session *s, void *obj);
QR_API void qr_session_expire_all(qr_session *s);

/*
 * Loads obj if it is expired (one SELECT by primary key; nothing
 * otherwise): reading ed->id after a commit is
 *   qr_session_load(s, ed); printf("%lld", (long long)ed->id);
 * Errors: those of qr_session_refresh.
 */
QR_API int qr_session_load(qr_session *s, void *obj);

/* A member's value, loading the object first if it is expired
 * (SQLAlchemy's attribute access). Text is borrowed from the object. */
QR_API int qr_session_get_value(qr_value *out, qr_session *s, void *obj,
				const char *member);

/*
 * The object of mapping with primary key pk (npk values in key order):
 * from the identity map without SQL when it is there (and not expired),
 * else with a SELECT. Returns 1 and sets *out, or 0 and *out NULL when
 * there is no such row. In an inheritance hierarchy *out is of the class
 * the row's discriminator names (a subclass of mapping's, with all its
 * columns), and a key whose row is of another class than mapping's or
 * its subclasses' is no such row (0). Errors: QR_EINVAL (wrong number of
 * values, a discriminator naming no mapped class), QR_ECONVERT, database
 * errors.
 */
QR_API int qr_session_get(void *out, qr_session *s, qr_mapping *mapping,
			  const qr_value *pk, size_t npk);
/*
 * Events (SQLAlchemy's event.listen on a mapper or a session). A
 * listener returns 0 to go on; anything else stops the flush or commit
 * as an exception in a listener would: its error (recorded with
 * qr_error_set, or a generic one naming the event) is returned, and the
 * flush's statements are rolled back with the transaction as for any
 * flush error. Listeners run in the order registered.
 *
 * Mapper events, per object, during a flush: before_insert is called
 * before the object's INSERT (members set in it are inserted),
 * before_update before its UPDATE for every object the flush found
 * changed (changes made in it are written), before_delete before its
 * DELETE; the after_ events once the statement ran (keys generated are
 * in the object). conn is the session's connection: a listener may
 * execute SQL on it (in the flush's transaction), not flush the session.
 * Registered on a registry's mapping; with propagate, the subclasses'
 * objects too (SQLAlchemy's propagate=True).
 */
typedef enum qr_mapper_event {
	QR_BEFORE_INSERT = 1,
	QR_AFTER_INSERT,
	QR_BEFORE_UPDATE,
	QR_AFTER_UPDATE,
	QR_BEFORE_DELETE,
	QR_AFTER_DELETE
} qr_mapper_event;
typedef int (*qr_mapper_listener)(qr_mapper_event event, qr_conn *conn,
				  void *obj, void *userdata);
QR_API int qr_registry_listen(qr_registry *reg, qr_mapping *mapping,
			      qr_mapper_event event, qr_mapper_listener fn,
			      void *userdata, bool propagate);

/*
 * Session events: before_flush (before the flush works out what to
 * write: objects added or changed in it are flushed; only when the
 * session has something to flush), after_flush (its statements sent,
 * before the commit), before_commit (before the commit's flush),
 * after_commit (the database transaction committed), after_rollback
 * (the database transaction rolled back). A failing after_commit or
 * after_rollback listener's error is returned, the transaction's end
 * having happened.
 */
typedef enum qr_session_event {
	QR_BEFORE_FLUSH = 1,
	QR_AFTER_FLUSH,
	QR_BEFORE_COMMIT,
	QR_AFTER_COMMIT,
	QR_AFTER_ROLLBACK
} qr_session_event;
typedef int (*qr_session_listener)(qr_session_event event, qr_session *s,
				   void *userdata);
QR_API int qr_session_listen(qr_session *s, qr_session_event event,
			     qr_session_listener fn, void *userdata);

/*
 * ORM bulk INSERT and UPDATE by primary key (SQLAlchemy 2.0's
 * session.execute(insert(User), [{...}, ...]) and
 * session.execute(update(User), [{...}, ...]); the legacy
 * bulk_insert_mappings / bulk_update_mappings). rows (borrowed) holds
 * one parameter row per database row (qr_params_next_row), its values
 * named by mapped member. Consecutive rows naming the same members go
 * in one executemany (INSERT INTO users (name, fullname) VALUES (?, ?)
 * sent as multi-row batches), after the session's autoflush, in its
 * transaction. Column defaults apply; a single-table subclass's rows get
 * its discriminator.
 *
 * qr_session_bulk_insert makes no objects, unless returning is not NULL
 * (insert(User).returning(User)): then the rows come back by RETURNING
 * and their objects, persistent in the session, are appended to it.
 * qr_session_bulk_update sends UPDATE users SET <the other members>
 * WHERE users.id = ? per row; every row must give the primary key
 * members (QR_EINVAL, SQLAlchemy's "No primary key value supplied for
 * column(s) ..."). The session's objects of those keys take the values,
 * as loaded state. *matched (may be NULL) gets the rows matched.
 * Errors: QR_ECOLUMN for a member the mapping lacks, QR_ENOTSUP for a
 * joined-table subclass, database errors (rows of earlier runs are in
 * the session's transaction: qr_session_rollback() undoes them).
 */
QR_API int qr_session_bulk_insert(qr_objlist *returning, qr_session *s,
				  qr_mapping *mapping, const qr_params *rows);
QR_API int qr_session_bulk_update(int64_t *matched, qr_session *s,
				  qr_mapping *mapping, const qr_params *rows);

/*
 * session.get() options: populate_existing overwrites the object from
 * its row (pending changes lost, as qr_query_populate_existing);
 * for_update locks the row (with_for_update=True; for_flags as
 * qr_for_update(): QR_FOR_NOWAIT, QR_FOR_SKIP_LOCKED, QR_FOR_SHARE).
 * Either sends the SELECT even when the object is in the identity map.
 */
typedef struct qr_get_options {
	bool populate_existing;
	bool for_update;
	unsigned for_flags;
} qr_get_options;
/* qr_session_get with options (opts NULL: none); returns as it. */
QR_API int qr_session_get_with(void *out, qr_session *s, qr_mapping *mapping,
			       const qr_value *pk, size_t npk,
			       const qr_get_options *opts);

/* qr_get(&user, s, User, qr_val_int(5)) */
#define qr_get(out, s, T, ...)                                                \
	qr_session_get(                                                       \
		(out), (s), &qr_mapping_##T, (const qr_value[]){__VA_ARGS__}, \
		sizeof((const qr_value[]){__VA_ARGS__}) / sizeof(qr_value))

/*
 * Writes pending changes (INSERT, UPDATE, DELETE) in the current
 * transaction, beginning one if needed. See the header comment for what
 * a failure leaves. Errors: database errors, QR_ESTALE (an UPDATE or
 * DELETE matched no row: version counter or row gone), QR_ENOMEM.
 */
QR_API int qr_session_flush(qr_session *s);

/* Flushes and commits; then expires every object unless
 * no_expire_on_commit. Errors: those of flush and commit. */
QR_API int qr_session_commit(qr_session *s);

/*
 * Rolls the transaction back: objects inserted or added since it began
 * are expunged (transient, still allocated), deleted ones are restored,
 * and every persistent object is expired. Errors: database errors (the
 * session state is reset anyway).
 */
QR_API int qr_session_rollback(qr_session *s);

/*
 * Begins a SAVEPOINT (SQLAlchemy's begin_nested()), flushing first. The
 * handle is the caller's: qr_session_tx_commit releases the savepoint,
 * qr_session_tx_rollback rolls back to it (objects added or changed
 * since it began are expunged or expired), and qr_session_tx_free rolls
 * back if still active. Errors: QR_ENOTSUP (no savepoints), database
 * errors.
 */
QR_API int qr_session_begin_nested(qr_session_tx **out, qr_session *s);
QR_API int qr_session_tx_commit(qr_session_tx *tx);
QR_API int qr_session_tx_rollback(qr_session_tx *tx);
QR_API bool qr_session_tx_is_active(const qr_session_tx *tx);
QR_API void qr_session_tx_free(qr_session_tx *tx);

/* Autoflush on (true) or off; returns the previous setting (the C form
 * of `with session.no_autoflush:`). */
QR_API bool qr_session_set_autoflush(qr_session *s, bool on);

/*
 * Whether the objects the session loads from now on (queries, qr_get,
 * relationships) are read-only (qr_object_set_read_only; Hibernate's
 * Session.setDefaultReadOnly): they take no snapshot and flushes skip
 * them. Objects already in the session keep their mode, and a row loaded
 * again does not change it. Returns the previous setting (false for a
 * NULL session).
 */
QR_API bool qr_session_set_default_read_only(qr_session *s, bool on);

/*
 * The session's pending objects (session.new, in the order added), its
 * modified persistent objects (session.dirty, by snapshot comparison)
 * and those marked for deletion (session.deleted). The list is filled
 * (after clearing) with borrowed objects; qr_objlist_clear() releases it.
 */
QR_API int qr_session_new_list(qr_objlist *out, qr_session *s);
QR_API int qr_session_dirty_list(qr_objlist *out, qr_session *s);
QR_API int qr_session_deleted_list(qr_objlist *out, qr_session *s);

/* Whether a persistent object has unflushed changes. */
QR_API bool qr_session_is_modified(qr_session *s, const void *obj);

/*
 * The session's connection, in its transaction (begun on first use):
 * borrowed, valid until commit, rollback or close. For Core statements
 * in the session's transaction (session.connection()).
 */
QR_API int qr_session_connection(qr_conn **out, qr_session *s);

/* Executes a Core statement in the session's transaction, autoflushing
 * first (session.execute(text(...))). As qr_conn_execute. */
QR_API int qr_session_execute(qr_result **out, qr_session *s,
			      const qr_stmt *stmt, const qr_params *params);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_ORM_SESSION_H */
