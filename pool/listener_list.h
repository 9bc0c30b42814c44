/*
 * listener_list.h - lists of listeners that can grow while other threads
 * walk them (the pool's events, the engine's statement events).
 *
 * A list is appended to under its owner's mutex and walked without it:
 * each node is published complete and never unlinked; removing marks it,
 * and walkers skip marked nodes. The nodes are freed with the list
 * (qr_listeners__free), when nothing can walk it any more. A listener is
 * kept as a generic function pointer, cast back by the owner to its own
 * type before the call.
 */
#ifndef QUARRY_POOL_LISTENER_LIST_H
#define QUARRY_POOL_LISTENER_LIST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef void (*qr_listener_fn)(void);

typedef struct qr_listener_node {
	qr_listener_fn fn;
	void *userdata;
	atomic_bool removed;
	_Atomic(struct qr_listener_node *) next;
} qr_listener_node;

typedef _Atomic(qr_listener_node *) qr_listener_list;

/* Appends (fn, userdata) under lock. 0 or QR_ENOMEM (recorded, naming
 * what). */
int qr_listeners__add(qr_listener_list *list, pthread_mutex_t *lock,
		      qr_listener_fn fn, void *userdata, const char *what);

/* Marks the first active node with fn and userdata removed, under lock;
 * false when there is none. */
bool qr_listeners__remove(qr_listener_list *list, pthread_mutex_t *lock,
			  qr_listener_fn fn, void *userdata);

/* The first active node of list, and the active node after n; NULL at
 * the end. Without a lock. */
qr_listener_node *qr_listeners__first(qr_listener_list *list);
qr_listener_node *qr_listeners__next(qr_listener_node *n);

/* Whether list has ever had a node. */
static inline bool qr_listeners__any(qr_listener_list *list)
{
	return atomic_load_explicit(list, memory_order_acquire) != NULL;
}

/* Frees every node (nothing may walk the list any more). */
void qr_listeners__free(qr_listener_list *list);

#endif
