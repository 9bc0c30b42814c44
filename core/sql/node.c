/*
 * node.c - node allocation and reference counting.
 *
 * Spare nodes. A program builds a statement for each call and frees it
 * after: a dozen nodes of one size allocated and freed together, more
 * than glibc's per-thread cache of free blocks keeps, so that most of
 * them went through malloc's slower paths (about 300 instructions a node
 * for malloc and free). Each thread keeps up to SPARE_NODES freed nodes
 * for its next ones instead (linked through their first bytes), handed
 * back to the allocator when the thread ends or by
 * qr_thread_cache_release(). Off under AddressSanitizer, which must see
 * every node freed to catch a use after free.
 */
#include "node.h"

#include "../mem.h"

#include <pthread.h>
#include <quarry/compiler.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define SPARE_NODES 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPARE_NODES 0
#endif
#endif
#ifndef SPARE_NODES
#define SPARE_NODES 64
#endif

typedef struct spare_nodes {
	qr_node *head; /* each node's first bytes hold the next one */
	unsigned count;
	bool registered; /* its thread's exit releases them */
} spare_nodes;

static _Thread_local spare_nodes spares;
#if SPARE_NODES > 0
static pthread_key_t spares_key;
static pthread_once_t spares_once = PTHREAD_ONCE_INIT;
static bool spares_key_ok;
#endif

static void release_spares(void *arg)
{
	spare_nodes *sp = arg;
	while (sp->head) {
		qr_node *n = sp->head;
		memcpy(&sp->head, n, sizeof(sp->head));
		free(n);
	}
	sp->count = 0;
	/* a node freed later (another key's destructor) registers again */
	sp->registered = false;
}

#if SPARE_NODES > 0
static void make_spares_key(void)
{
	spares_key_ok = pthread_key_create(&spares_key, release_spares) == 0;
}
#endif

void qr_thread_cache_release(void)
{
	release_spares(&spares);
}

/* Frees a node's memory, or keeps it as a spare. */
static void node_release(qr_node *n)
{
#if SPARE_NODES > 0
	spare_nodes *sp = &spares;

	if (sp->count < SPARE_NODES) {
		if (!sp->registered) {
			/* without the key, a thread's spares would outlive
			 * it */
			pthread_once(&spares_once, make_spares_key);
			sp->registered =
				spares_key_ok &&
				pthread_setspecific(spares_key, sp) == 0;
		}
		if (sp->registered) {
			memcpy(n, &sp->head, sizeof(sp->head));
			sp->head = n;
			sp->count++;
			return;
		}
	}
#endif
	free(n);
}

qr_node *qr_node__new(qr_node_kind kind)
{
	spare_nodes *sp = &spares;
	qr_node *node;

	if (sp->head) {
		node = sp->head;
		memcpy(&sp->head, node, sizeof(sp->head));
		sp->count--;
		memset(node, 0, sizeof(*node));
	} else if (!(node = qr_mem__calloc(1, sizeof(*node),
					   "expression node"))) {
		return NULL;
	}
	node->kind = kind;
	atomic_init(&node->refcount, 1);
	node->kids = node->kin;
	node->kcap = QR_NODE_INLINE_KIDS;
	return node;
}

const char *qr_node__kind_name(qr_node_kind kind)
{
	static const char *const names[] = {
#define QR_NODE_NAME_(e, n) #n,
		QR_NODE_KINDS(QR_NODE_NAME_)
#undef QR_NODE_NAME_
	};
	if ((unsigned)kind < QR_NODE_KIND_COUNT)
		return names[kind];
	return "unknown";
}

qr_expr *qr_expr_ref(qr_expr *expr)
{
	if (expr && !expr->pinned) /* pinned: owned by a metadata */
		atomic_fetch_add_explicit(&expr->refcount, 1,
					  memory_order_relaxed);
	return expr;
}

void qr_expr_free(qr_expr *expr)
{
	static void (*const destroy[])(qr_node *) = {
#define QR_NODE_DESTROY_(e, n) qr_node__destroy_##n,
		QR_NODE_KINDS(QR_NODE_DESTROY_)
#undef QR_NODE_DESTROY_
	};
	if (!expr || expr->pinned) /* pinned: owned by a metadata */
		return;
	if (atomic_fetch_sub_explicit(&expr->refcount, 1,
				      memory_order_acq_rel) != 1)
		return;
	qr_compiled_free(
		atomic_load_explicit(&expr->memo, memory_order_acquire));
	destroy[expr->kind](expr);
	node_release(expr);
}

void qr_stmt_free(qr_stmt *stmt)
{
	qr_expr_free(stmt);
}
