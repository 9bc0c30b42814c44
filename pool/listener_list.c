/*
 * listener_list.c - lists of listeners that grow while being walked
 * (listener_list.h).
 */
#include "listener_list.h"

#include <quarry/sys/error.h>

#include <stdlib.h>

int qr_listeners__add(qr_listener_list *list, pthread_mutex_t *lock,
		      qr_listener_fn fn, void *userdata, const char *what)
{
	qr_listener_node *node = calloc(1, sizeof(*node));
	if (!node)
		return qr_error_oom(what);
	node->fn = fn;
	node->userdata = userdata;
	atomic_init(&node->removed, false);
	atomic_init(&node->next, NULL);
	pthread_mutex_lock(lock);
	qr_listener_list *slot = list;
	qr_listener_node *cur;
	while ((cur = atomic_load_explicit(slot, memory_order_relaxed)))
		slot = &cur->next;
	/* Published complete: readers walk the list without the lock. */
	atomic_store_explicit(slot, node, memory_order_release);
	pthread_mutex_unlock(lock);
	return 0;
}

bool qr_listeners__remove(qr_listener_list *list, pthread_mutex_t *lock,
			  qr_listener_fn fn, void *userdata)
{
	bool found = false;
	pthread_mutex_lock(lock);
	qr_listener_node *n = atomic_load_explicit(list, memory_order_relaxed);
	for (; n; n = atomic_load_explicit(&n->next, memory_order_relaxed)) {
		if (n->fn == fn && n->userdata == userdata &&
		    !atomic_load_explicit(&n->removed, memory_order_relaxed)) {
			atomic_store_explicit(&n->removed, true,
					      memory_order_release);
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(lock);
	return found;
}

/* n, or the first active node after it. */
static qr_listener_node *active(qr_listener_node *n)
{
	while (n && atomic_load_explicit(&n->removed, memory_order_acquire))
		n = atomic_load_explicit(&n->next, memory_order_acquire);
	return n;
}

qr_listener_node *qr_listeners__first(qr_listener_list *list)
{
	return active(atomic_load_explicit(list, memory_order_acquire));
}

qr_listener_node *qr_listeners__next(qr_listener_node *n)
{
	return active(atomic_load_explicit(&n->next, memory_order_acquire));
}

void qr_listeners__free(qr_listener_list *list)
{
	qr_listener_node *n = atomic_load_explicit(list, memory_order_relaxed);
	while (n) {
		qr_listener_node *next =
			atomic_load_explicit(&n->next, memory_order_relaxed);
		free(n);
		n = next;
	}
	atomic_store_explicit(list, NULL, memory_order_relaxed);
}
