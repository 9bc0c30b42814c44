/*
 * pool.c - the pool core: checkout, checkin, invalidation, dispose and the
 * records that strategies hand out (see pool.h and quarry/sys/pool.h).
 *
 * Locking: one mutex per pool guards the strategy's state, the records'
 * bookkeeping, the holders list and the counters. Connecting, pinging,
 * closing and listeners run without it; a record being connected or
 * pinged is marked busy so that a strategy sharing it (static) makes
 * other checkouts wait for it.
 */
#include "pool_internal.h"

#include <quarry/sys/error.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Atomic uint64_t last_connection_id;

double qr_pool__now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double qr_pool_clock(void)
{
	return qr_pool__now();
}

/* ------------------------------------------------------------ listeners */

int qr_pool__listen(qr_pool *p, qr_pool_event event, qr_pool_listener fn,
		    void *userdata)
{
	return qr_listeners__add(&p->listeners[event], &p->lock,
				 (qr_listener_fn)fn, userdata, "pool listener");
}

int qr_pool__unlisten(qr_pool *p, qr_pool_event event, qr_pool_listener fn,
		      void *userdata)
{
	return qr_listeners__remove(&p->listeners[event], &p->lock,
				    (qr_listener_fn)fn, userdata)
		       ? 0
		       : QR_EINVAL;
}

static bool has_listeners(qr_pool *p, qr_pool_event event)
{
	return qr_listeners__any(&p->listeners[event]);
}

/* Runs the listeners of info->event. For CONNECT and CHECKOUT the first
 * error stops the rest and is returned; for the others errors are
 * ignored. */
static int fire(qr_pool *p, const qr_pool_event_info *info)
{
	bool stop = info->event == QR_POOL_EVENT_CONNECT ||
		    info->event == QR_POOL_EVENT_CHECKOUT;
	for (qr_listener_node *n =
		     qr_listeners__first(&p->listeners[info->event]);
	     n; n = qr_listeners__next(n)) {
		int rc = ((qr_pool_listener)n->fn)(n->userdata, info);
		if (rc && stop)
			return rc < 0 ? rc : QR_ERROR;
	}
	return 0;
}

static void info_init(qr_pool *p, qr_pool_event_info *info, qr_pool_event event,
		      uint64_t id, double created, qr_driver_conn *dconn)
{
	memset(info, 0, sizeof(*info));
	info->event = event;
	info->connection_id = id;
	info->driver = p->cfg.driver;
	info->connection = dconn;
	info->age = created > 0 ? qr_pool__now() - created : 0;
}

static void info_site(qr_pool_event_info *info, const qr_pooled *h)
{
	info->file = h->file;
	info->line = h->line;
	info->func = h->func;
}

/* -------------------------------------------------------------- records */

qr_pool_record *qr_pool_record_new(qr_pool *p)
{
	qr_pool_record *rec = calloc(1, sizeof(*rec));
	if (!rec) {
		qr_error_oom("pool record");
		return NULL;
	}
	rec->pool = p;
	rec->idle_since = qr_pool__now();
	p->records++;
	return rec;
}

/* Queues an idle, retired record for closing once the lock is released. */
static void bury(qr_pool *p, qr_pool_record *rec)
{
	if (!rec->orphan)
		p->records--;
	rec->grave_next = p->graveyard;
	p->graveyard = rec;
}

void qr_pool_record_retire(qr_pool *p, qr_pool_record *rec)
{
	if (!rec || rec->retired)
		return;
	rec->retired = true;
	if (rec->holders == 0)
		bury(p, rec);
}

int qr_pool_record_holders(const qr_pool_record *rec)
{
	return rec ? rec->holders : 0;
}

double qr_pool_record_idle_since(const qr_pool_record *rec)
{
	return rec ? rec->idle_since : 0;
}

void *qr_pool_record_data(const qr_pool_record *rec)
{
	return rec ? rec->strategy_data : NULL;
}

void qr_pool_record_set_data(qr_pool_record *rec, void *data)
{
	if (rec)
		rec->strategy_data = data;
}

/* The strategy gives rec up (lock held); rec is closed when idle. */
static void take_from_strategy(qr_pool *p, qr_pool_record *rec)
{
	if (rec->retired)
		return;
	p->strategy->forget(p->state, rec);
	qr_pool_record_retire(p, rec);
}

/* Closes a driver connection made by this process (another process's is
 * left alone: closing it would end the parent's session). */
static void close_conn(qr_pool *p, qr_driver_conn *dconn, uint64_t id,
		       double created, pid_t owner, pid_t self)
{
	if (!dconn)
		return;
	if (owner != self) {
		qr_pool__keep_foreign(dconn);
		return;
	}
	if (has_listeners(p, QR_POOL_EVENT_CLOSE)) {
		qr_pool_event_info info;
		info_init(p, &info, QR_POOL_EVENT_CLOSE, id, created, dconn);
		fire(p, &info);
	}
	p->cfg.driver->close(dconn);
}

void qr_pool__unlock_and_reap(qr_pool *p)
{
	qr_pool_record *dead = p->graveyard;
	pid_t self = p->pid;
	p->graveyard = NULL;
	pthread_mutex_unlock(&p->lock);
	while (dead) {
		qr_pool_record *next = dead->grave_next;
		close_conn(p, dead->dconn, dead->id, dead->created, dead->pid,
			   self);
		free(dead);
		dead = next;
	}
}

void qr_pool_lock(qr_pool *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->forked)
		qr_pool__after_fork(p);
}

void qr_pool_unlock(qr_pool *p)
{
	/* The strategy may have made room meanwhile. */
	if (p->waiting)
		pthread_cond_broadcast(&p->slot_freed);
	qr_pool__unlock_and_reap(p);
}

/* ------------------------------------------------------------- holders */

static void holders_link(qr_pool *p, qr_pooled *h)
{
	/* Appended: the list runs from the longest held to the newest. */
	h->next = &p->holders;
	h->prev = p->holders.prev;
	p->holders.prev->next = h;
	p->holders.prev = h;
	p->checked_out++;
}

static void holders_unlink(qr_pool *p, qr_pooled *h)
{
	h->prev->next = h->next;
	h->next->prev = h->prev;
	h->prev = h->next = h;
	p->checked_out--;
}

/* ------------------------------------------------------------ checkout */

/* Why an idle record's connection must be replaced before use. */
enum { FRESH_ENOUGH, TOO_OLD, UNUSABLE };

static int stale(const qr_pool *p, const qr_pool_record *rec, double now)
{
	if (!rec->dconn)
		return FRESH_ENOUGH; /* connects anyway */
	if (rec->invalidated || rec->pid != p->pid ||
	    rec->generation != p->generation)
		return UNUSABLE;
	if (p->cfg.recycle > 0 && now - rec->created > p->cfg.recycle)
		return TOO_OLD;
	return FRESH_ENOUGH;
}

/* Waits on cv until deadline (monotonic seconds). */
static int wait_until(qr_pool *p, pthread_cond_t *cv, double deadline)
{
	struct timespec ts;
	double whole = (double)(time_t)deadline;
	ts.tv_sec = (time_t)deadline;
	ts.tv_nsec = (long)((deadline - whole) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	} else if (ts.tv_nsec < 0) {
		ts.tv_nsec = 0;
	}
	p->waiting++;
	int w = pthread_cond_timedwait(cv, &p->lock, &ts);
	p->waiting--;
	return w;
}

/* Connects rec (held exclusively). */
static int connect_record(qr_pool *p, qr_pool_record *rec)
{
	qr_connect_args args = {p->url, p->cfg.connect_args, p->cfg.log_fn,
				p->cfg.log_userdata};

	/* A pool invalidation that starts while this connects makes it
	 * stale too: the server may be going away under both. */
	pthread_mutex_lock(&p->lock);
	unsigned generation = p->generation;
	pid_t pid = p->pid;
	pthread_mutex_unlock(&p->lock);

	qr_driver_conn *dconn = NULL;
	int rc = p->cfg.driver->connect(&dconn, &args);
	if (rc) {
		if (dconn)
			p->cfg.driver->close(dconn);
		return rc;
	}
	rec->dconn = dconn;
	rec->id = atomic_fetch_add(&last_connection_id, 1) + 1;
	rec->created = qr_pool__now();
	rec->pid = pid;
	rec->generation = generation;
	rec->invalidated = false;
	if (p->cfg.on_connect)
		rc = p->cfg.on_connect(p->cfg.on_connect_userdata, dconn);
	if (rc == 0 && has_listeners(p, QR_POOL_EVENT_CONNECT)) {
		qr_pool_event_info info;
		info_init(p, &info, QR_POOL_EVENT_CONNECT, rec->id,
			  rec->created, dconn);
		rc = fire(p, &info);
	}
	if (rc) {
		p->cfg.driver->close(dconn);
		rec->dconn = NULL;
		return rc;
	}
	pthread_mutex_lock(&p->lock);
	p->connects++;
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* Invalidates rec's connection while this checkout holds it exclusively
 * (busy), and closes it: the caller reconnects or gives up. */
static void invalidate_held(qr_pool *p, qr_pool_record *rec, bool whole_pool)
{
	const qr_error *err = qr_error_last();
	if (has_listeners(p, QR_POOL_EVENT_INVALIDATE)) {
		qr_pool_event_info info;
		info_init(p, &info, QR_POOL_EVENT_INVALIDATE, rec->id,
			  rec->created, rec->dconn);
		info.error = err->code ? err : NULL;
		fire(p, &info);
	}
	pthread_mutex_lock(&p->lock);
	p->invalidations++;
	if (whole_pool)
		p->generation++;
	pid_t self = p->pid;
	pthread_mutex_unlock(&p->lock);
	close_conn(p, rec->dconn, rec->id, rec->created, rec->pid, self);
	rec->dconn = NULL;
}

/* Gives a checkout that could not be completed back (lock held). */
static void release_locked(qr_pool *p, qr_pooled *h)
{
	qr_pool_record *rec = h->rec;
	if (h->orphan) {
		/* Checked out before a fork, by the parent. */
		h->prev->next = h->next;
		h->next->prev = h->prev;
		if (--rec->holders == 0 && rec->retired)
			bury(p, rec);
		return;
	}
	holders_unlink(p, h);
	if (rec->busy) {
		rec->busy = false;
		pthread_cond_broadcast(&p->ready);
	}
	if (--rec->holders > 0)
		return;
	p->in_use--;
	rec->idle_since = qr_pool__now();
	if (rec->retired)
		bury(p, rec);
	else if (rec->invalidated || !rec->dconn || rec->pid != p->pid ||
		 rec->generation != p->generation)
		take_from_strategy(p, rec); /* buries it: no holders */
	else
		p->strategy->put(p->state, rec);
	if (p->waiting)
		pthread_cond_signal(&p->slot_freed);
}

/*
 * Connects, pre-pings and announces a checkout's record. exclusive: this
 * checkout holds the record alone and marked it busy, so it may replace
 * the connection in place. Returns 0, or an error after which the caller
 * releases the checkout.
 */
static int prepare(qr_pool *p, qr_pooled *h, bool exclusive, bool ping)
{
	qr_pool_record *rec = h->rec;
	int rc = 0;

	for (int attempt = 0;; attempt++) {
		bool fresh = false;
		if (!rec->dconn) {
			rc = connect_record(p, rec);
			if (rc)
				return rc;
			fresh = true;
		}
		if (ping && !fresh) {
			rc = p->cfg.driver->ping(rec->dconn);
			if (rc) {
				/* A dead connection: those opened before it
				 * are likely dead too (a server restart). */
				bool gone = qr_error_last()->is_disconnect;
				rec->invalidated = true;
				invalidate_held(p, rec, gone);
				if (gone && attempt == 0)
					continue;
				return rc;
			}
		}
		if (has_listeners(p, QR_POOL_EVENT_CHECKOUT)) {
			qr_pool_event_info info;
			info_init(p, &info, QR_POOL_EVENT_CHECKOUT, rec->id,
				  rec->created, rec->dconn);
			info_site(&info, h);
			rc = fire(p, &info);
			if (rc == QR_EDISCONNECT && exclusive) {
				rec->invalidated = true;
				invalidate_held(p, rec, false);
				if (attempt == 0)
					continue;
			}
		}
		return rc;
	}
}

/* Takes a record for a checkout under the lock, waiting as the strategy
 * says. On success h is linked and counted; *exclusive and *ping tell
 * what prepare() must do. */
static int acquire(qr_pool *p, qr_pooled *h, bool *exclusive, bool *ping)
{
	double now = qr_pool__now();
	double deadline = now + p->cfg.settings.timeout;
	qr_driver_conn *old = NULL;
	uint64_t old_id = 0;
	double old_created = 0;
	pid_t old_pid = 0;
	bool last_try = false;
	qr_pool_record *rec;

	pthread_mutex_lock(&p->lock);
	if (p->forked)
		qr_pool__after_fork(p);
	for (;;) {
		rec = NULL;
		int rc = p->strategy->get(p->state, &rec);
		if (rc < 0) {
			qr_pool__unlock_and_reap(p);
			return rc;
		}
		if (rc > 0 && rc != QR_POOL_WAIT) {
			qr_pool__unlock_and_reap(p);
			return qr_error_set(QR_ERROR, QR_ECLASS_INTERNAL,
					    "pool strategy %s answered %d",
					    p->strategy->name, rc);
		}
		if (rc == 0 && !rec) {
			qr_pool__unlock_and_reap(p);
			return qr_error_set(QR_ERROR, QR_ECLASS_INTERNAL,
					    "pool strategy %s handed out no "
					    "connection",
					    p->strategy->name);
		}
		if (rc == 0 && rec->retired) {
			qr_pool__unlock_and_reap(p);
			return qr_error_set(QR_ERROR, QR_ECLASS_INTERNAL,
					    "pool strategy %s handed out a "
					    "connection it had given up",
					    p->strategy->name);
		}
		if (rc == QR_POOL_WAIT || rec->busy) {
			if (last_try) {
				p->timeouts++;
				rc = qr_pool__timeout_error(p);
				qr_pool__unlock_and_reap(p);
				return rc;
			}
			int w = wait_until(p,
					   rc == QR_POOL_WAIT ? &p->slot_freed
							      : &p->ready,
					   deadline);
			if (w == ETIMEDOUT)
				last_try = true;
			now = qr_pool__now();
			continue;
		}
		int why = stale(p, rec, now);
		if (why != FRESH_ENOUGH && rec->holders > 0) {
			/* Shared and stale: replace it for new checkouts;
			 * it closes when its holders return it. */
			take_from_strategy(p, rec);
			continue;
		}
		if (why == TOO_OLD)
			p->recycles++;
		if (why != FRESH_ENOUGH) {
			old = rec->dconn;
			old_id = rec->id;
			old_created = rec->created;
			old_pid = rec->pid;
			rec->dconn = NULL;
			rec->invalidated = false;
		}
		h->since = now;
		break;
	}
	if (rec->holders++ == 0)
		p->in_use++;
	h->rec = rec;
	holders_link(p, h);
	p->checkouts++;
	*exclusive = rec->holders == 1;
	*ping = rec->dconn && *exclusive && p->cfg.pre_ping &&
		p->cfg.driver->ping;
	/* The record is connected, pinged or announced to CHECKOUT listeners
	 * outside the lock: sharers wait until that is done. */
	if (*exclusive &&
	    (!rec->dconn || *ping || has_listeners(p, QR_POOL_EVENT_CHECKOUT)))
		rec->busy = true;
	else
		*exclusive = false;
	pid_t self = p->pid;
	qr_pool__unlock_and_reap(p);
	close_conn(p, old, old_id, old_created, old_pid, self);
	return 0;
}

int qr_pool__checkout(qr_pool *p, qr_pooled **out, const qr_pool_site *site)
{
	*out = NULL;
	for (int attempt = 0;; attempt++) {
		qr_pooled *h = calloc(1, sizeof(*h));
		if (!h)
			return qr_error_oom("pool checkout");
		h->prev = h->next = h;
		if (site) {
			h->file = site->file;
			h->line = site->line;
			h->func = site->func;
		}
		bool exclusive = false, ping = false;
		int rc = acquire(p, h, &exclusive, &ping);
		if (rc) {
			free(h);
			return rc;
		}
		rc = prepare(p, h, exclusive, ping);
		pthread_mutex_lock(&p->lock);
		if (exclusive) {
			h->rec->busy = false;
			pthread_cond_broadcast(&p->ready);
		}
		if (rc == 0) {
			h->dconn = h->rec->dconn;
			h->id = h->rec->id;
			pthread_mutex_unlock(&p->lock);
			*out = h;
			return 0;
		}
		p->checkouts--;
		/* A shared connection a CHECKOUT listener found dead: replace
		 * it for everyone and try once more. */
		bool retry = rc == QR_EDISCONNECT && !exclusive && attempt == 0;
		if (retry) {
			h->rec->invalidated = true;
			p->invalidations++;
		}
		release_locked(p, h);
		qr_pool__unlock_and_reap(p);
		free(h);
		if (!retry)
			return rc;
	}
}

/* ------------------------------------------------------------- checkin */

void qr_pool__checkin(qr_pool *p, qr_pooled *h, bool transaction_was_reset)
{
	if (!h)
		return;
	qr_pool_record *rec = h->rec;
	if (!h->orphan) {
		qr_pool_event_info info;
		if (!h->invalidated && has_listeners(p, QR_POOL_EVENT_RESET)) {
			info_init(p, &info, QR_POOL_EVENT_RESET, rec->id,
				  rec->created, h->dconn);
			info_site(&info, h);
			info.transaction_was_reset = transaction_was_reset;
			fire(p, &info);
		}
		if (has_listeners(p, QR_POOL_EVENT_CHECKIN)) {
			info_init(p, &info, QR_POOL_EVENT_CHECKIN, rec->id,
				  rec->created,
				  h->invalidated ? NULL : h->dconn);
			info_site(&info, h);
			fire(p, &info);
		}
	}
	pthread_mutex_lock(&p->lock);
	if (p->forked)
		qr_pool__after_fork(p);
	release_locked(p, h);
	qr_pool__unlock_and_reap(p);
	free(h);
}

bool qr_pool__sole_holder(qr_pool *p, const qr_pooled *h)
{
	if (!h || h->orphan)
		return false;
	/* These never hand one connection to two checkouts. */
	if (p->strategy == &qr_pool__queue_strategy ||
	    p->strategy == &qr_pool__null_strategy)
		return true;
	pthread_mutex_lock(&p->lock);
	bool sole = h->rec->holders == 1;
	pthread_mutex_unlock(&p->lock);
	return sole;
}

void qr_pool__invalidate(qr_pool *p, qr_pooled *h, bool whole_pool, bool error)
{
	if (!h || h->invalidated)
		return;
	h->invalidated = true;
	if (h->orphan)
		return;
	qr_pool_record *rec = h->rec;
	if (has_listeners(p, QR_POOL_EVENT_INVALIDATE)) {
		const qr_error *err = qr_error_last();
		qr_pool_event_info info;
		info_init(p, &info, QR_POOL_EVENT_INVALIDATE, rec->id,
			  rec->created, h->dconn);
		info_site(&info, h);
		info.error = error && err->code ? err : NULL;
		fire(p, &info);
	}
	pthread_mutex_lock(&p->lock);
	if (!rec->invalidated) {
		rec->invalidated = true;
		p->invalidations++;
	}
	/* Its slot is free at once (the holder keeps the dead connection
	 * open until checkin, so its cursors can still be released). */
	take_from_strategy(p, rec);
	if (whole_pool)
		p->generation++;
	if (p->waiting)
		pthread_cond_signal(&p->slot_freed);
	qr_pool__unlock_and_reap(p);
}

/* ------------------------------------------------------ pool lifecycle */

static int init_sync(qr_pool *p)
{
	pthread_condattr_t attr;
	if (pthread_mutex_init(&p->lock, NULL))
		return qr_error_set(QR_ERROR, QR_ECLASS_INTERNAL,
				    "pool: cannot create a mutex");
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	int a = pthread_cond_init(&p->slot_freed, &attr);
	int b = a ? 0 : pthread_cond_init(&p->ready, &attr);
	pthread_condattr_destroy(&attr);
	if (a || b) {
		if (!a)
			pthread_cond_destroy(&p->slot_freed);
		pthread_mutex_destroy(&p->lock);
		return qr_error_set(QR_ERROR, QR_ECLASS_INTERNAL,
				    "pool: cannot create a condition variable");
	}
	return 0;
}

void qr_pool__reinit_conds(qr_pool *p)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	/* Not destroyed first: waiters of the parent do not exist here. */
	pthread_cond_init(&p->slot_freed, &attr);
	pthread_cond_init(&p->ready, &attr);
	pthread_condattr_destroy(&attr);
}

static bool strategy_ok(const qr_pool_strategy *s)
{
	return s && s->api_version >= 1 &&
	       s->api_version <= QR_PLUGIN_API_VERSION && s->name &&
	       s->create && s->destroy && s->get && s->put && s->forget &&
	       s->dispose;
}

int qr_pool__new(qr_pool **out, const qr_pool_config *cfg)
{
	*out = NULL;
	if (!strategy_ok(cfg->strategy))
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "pool strategy %s is incomplete or of an "
				    "unknown API version",
				    cfg->strategy && cfg->strategy->name
					    ? cfg->strategy->name
					    : "(unnamed)");
	if (cfg->settings.size < 1)
		return qr_error_set(QR_EINVAL, QR_ECLASS_ARGUMENT,
				    "pool size must be at least 1 (got %d)",
				    cfg->settings.size);
	qr_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return qr_error_oom("pool");
	p->cfg = *cfg;
	p->strategy = cfg->strategy;
	int rc = qr_url_copy(&p->url, cfg->url);
	if (rc) {
		free(p);
		return rc;
	}
	p->cfg.url = p->url;
	if ((rc = init_sync(p))) {
		qr_url_free(p->url);
		free(p);
		return rc;
	}
	p->holders.prev = p->holders.next = &p->holders;
	p->orphans.prev = p->orphans.next = &p->orphans;
	p->pid = getpid();
	for (int i = 0; i < QR_POOL_EVENT_COUNT; i++)
		atomic_init(&p->listeners[i], NULL);
	rc = p->strategy->create(&p->state, p, &p->cfg.settings);
	if (rc) {
		pthread_cond_destroy(&p->slot_freed);
		pthread_cond_destroy(&p->ready);
		pthread_mutex_destroy(&p->lock);
		qr_url_free(p->url);
		free(p);
		return rc;
	}
	qr_pool__fork_track(p);
	*out = p;
	return 0;
}

void qr_pool__dispose(qr_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->forked)
		qr_pool__after_fork(p);
	p->strategy->dispose(p->state);
	/* Connections checked out now are closed when they come back. */
	p->generation++;
	if (p->waiting)
		pthread_cond_broadcast(&p->slot_freed);
	qr_pool__unlock_and_reap(p);
}

void qr_pool__free(qr_pool *p)
{
	if (!p)
		return;
	qr_pool__fork_untrack(p);
	qr_pool__dispose(p);
	/* In a fork child: the parent's checkouts that never came back. Their
	 * driver connections are the parent's and stay untouched. */
	pthread_mutex_lock(&p->lock);
	while (p->orphans.next != &p->orphans) {
		qr_pooled *h = p->orphans.next;
		release_locked(p, h);
		free(h);
	}
	qr_pool__unlock_and_reap(p);
	p->strategy->destroy(p->state);
	pthread_cond_destroy(&p->slot_freed);
	pthread_cond_destroy(&p->ready);
	pthread_mutex_destroy(&p->lock);
	for (int i = 0; i < QR_POOL_EVENT_COUNT; i++)
		qr_listeners__free(&p->listeners[i]);
	qr_url_free(p->url);
	free(p);
}

/* --------------------------------------------------------------- status */

void qr_pool__status(qr_pool *p, qr_pool_status *out)
{
	memset(out, 0, sizeof(*out));
	qr_pool_lock(p);
	out->strategy = p->strategy->name;
	out->size = p->cfg.settings.size;
	out->max_overflow = p->cfg.settings.max_overflow;
	out->timeout = p->cfg.settings.timeout;
	out->checked_out = p->checked_out;
	out->open = p->records;
	out->idle = p->records - p->in_use;
	out->overflow = p->records > out->size ? p->records - out->size : 0;
	out->waiting = p->waiting;
	out->connects = p->connects;
	out->checkouts = p->checkouts;
	out->invalidations = p->invalidations;
	out->recycles = p->recycles;
	out->timeouts = p->timeouts;
	qr_pool__unlock_and_reap(p);
}

void qr_pool__holders(qr_pool *p, qr_pool_holder *out, size_t cap,
		      size_t *count)
{
	size_t n = 0;
	qr_pool_lock(p);
	double now = qr_pool__now();
	for (qr_pooled *h = p->holders.next; h != &p->holders; h = h->next) {
		if (n < cap) {
			out[n].file = h->file;
			out[n].line = h->line;
			out[n].func = h->func;
			out[n].held = now - h->since;
			out[n].connection_id = h->id;
		}
		n++;
	}
	qr_pool__unlock_and_reap(p);
	*count = n;
}

const qr_pool_strategy *qr_pool_strategy_builtin(qr_pool_kind kind)
{
	switch (kind) {
	case QR_POOL_QUEUE:
		return &qr_pool__queue_strategy;
	case QR_POOL_NULL:
		return &qr_pool__null_strategy;
	case QR_POOL_STATIC:
		return &qr_pool__static_strategy;
	case QR_POOL_PER_THREAD:
		return &qr_pool__per_thread_strategy;
	default:
		return NULL;
	}
}
