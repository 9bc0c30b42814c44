/*
 * fork.c - fork safety: a child process never uses its parent's pooled
 * connections.
 *
 * Every pool is on a process-wide list. pthread_atfork handlers take every
 * pool's lock around fork(), so the child never inherits a lock held by a
 * thread that does not exist there; the child's handler notes the new
 * process id and marks each pool forked. The first pool call in the child
 * then forgets what the parent held (qr_pool__after_fork) without closing
 * it: closing would end the parent's sessions (libpq sends Terminate on
 * the shared socket). Records are also stamped with their process id, so
 * a connection made by another process is never handed out.
 */
#include "pool_internal.h"

#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t pools_lock = PTHREAD_MUTEX_INITIALIZER;
static qr_pool *pools;
static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

/* The parent's driver connections a child let go of: never closed, never
 * freed (the driver can only do both at once), but kept reachable. */
typedef struct foreign {
	qr_driver_conn *dconn;
	struct foreign *next;
} foreign;
static foreign *foreigners;

static void before_fork(void)
{
	pthread_mutex_lock(&pools_lock);
	for (qr_pool *p = pools; p; p = p->fork_next)
		pthread_mutex_lock(&p->lock);
}

static void after_fork_parent(void)
{
	for (qr_pool *p = pools; p; p = p->fork_next)
		pthread_mutex_unlock(&p->lock);
	pthread_mutex_unlock(&pools_lock);
}

static void after_fork_child(void)
{
	pid_t self = getpid();
	for (qr_pool *p = pools; p; p = p->fork_next) {
		p->pid = self;
		p->forked = true;
		qr_pool__reinit_conds(p);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_unlock(&pools_lock);
}

static void install_handlers(void)
{
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

void qr_pool__fork_track(qr_pool *p)
{
	pthread_once(&handlers_once, install_handlers);
	pthread_mutex_lock(&pools_lock);
	p->fork_prev = NULL;
	p->fork_next = pools;
	if (pools)
		pools->fork_prev = p;
	pools = p;
	pthread_mutex_unlock(&pools_lock);
}

void qr_pool__fork_untrack(qr_pool *p)
{
	pthread_mutex_lock(&pools_lock);
	if (p->fork_prev)
		p->fork_prev->fork_next = p->fork_next;
	else if (pools == p)
		pools = p->fork_next;
	if (p->fork_next)
		p->fork_next->fork_prev = p->fork_prev;
	p->fork_prev = p->fork_next = NULL;
	pthread_mutex_unlock(&pools_lock);
}

void qr_pool__after_fork(qr_pool *p)
{
	p->forked = false;
	/* Checkouts made in the parent: their connections are the parent's.
	 * If the forking thread's copies come back here, they are dropped
	 * without closing. */
	qr_pooled *h = p->holders.next;
	while (h != &p->holders) {
		qr_pooled *next = h->next;
		qr_pool_record *rec = h->rec;
		h->orphan = true;
		/* Kept on a list of their own: reachable, never counted. */
		h->next = &p->orphans;
		h->prev = p->orphans.prev;
		p->orphans.prev->next = h;
		p->orphans.prev = h;
		if (!rec->orphan) {
			rec->orphan = true;
			rec->busy = false;
			p->records--;
			p->in_use--;
		}
		if (!rec->retired) {
			p->strategy->forget(p->state, rec);
			rec->retired = true;
		}
		h = next;
	}
	p->holders.prev = p->holders.next = &p->holders;
	p->checked_out = 0;
	p->waiting = 0;
	/* Idle ones are retired: the graveyard skips closing them, since
	 * their process id is not this one. */
	p->strategy->dispose(p->state);
	p->generation++;
}

void qr_pool__keep_foreign(qr_driver_conn *dconn)
{
	foreign *f = malloc(sizeof(*f));
	if (!f)
		return; /* then it is merely unreachable */
	f->dconn = dconn;
	pthread_mutex_lock(&pools_lock);
	f->next = foreigners;
	foreigners = f;
	pthread_mutex_unlock(&pools_lock);
}
