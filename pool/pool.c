/*
 * pool.c - queue, null and static pool strategies (see pool.h).
 */
#include "pool.h"

#include <quarry/sys/error.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct qr_pool {
	qr_pool_config cfg;
	qr_url *url; /* owned copy */
	pthread_mutex_t lock;
	pthread_cond_t returned;
	qr_pooled *idle; /* idle connections, most recent first */
	int idle_count;
	int open_count;    /* connections that exist (idle + out) */
	qr_pooled *shared; /* static pool's one connection */
	int shared_users;
};

double qr_pool__now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int qr_pool__new(qr_pool **out, const qr_pool_config *cfg)
{
	qr_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return qr_error_oom("pool");
	p->cfg = *cfg;
	int rc = qr_url_copy(&p->url, cfg->url);
	if (rc) {
		free(p);
		return rc;
	}
	p->cfg.url = p->url;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->returned, NULL);
	*out = p;
	return 0;
}

static void close_pooled(qr_pool *p, qr_pooled *c)
{
	/* A connection made by another process is left alone: closing it
	 * would close the parent's session. */
	if (c->pid == getpid())
		p->cfg.driver->close(c->dconn);
	free(c);
}

static int connect_new(qr_pool *p, qr_pooled **out)
{
	qr_connect_args args = {p->url, p->cfg.connect_args, p->cfg.log_fn,
				p->cfg.log_userdata};
	qr_pooled *c = calloc(1, sizeof(*c));
	if (!c)
		return qr_error_oom("pooled connection");
	int rc = p->cfg.driver->connect(&c->dconn, &args);
	if (rc == 0 && p->cfg.on_connect)
		rc = p->cfg.on_connect(p->cfg.on_connect_userdata, c->dconn);
	if (rc) {
		if (c->dconn)
			p->cfg.driver->close(c->dconn);
		free(c);
		return rc;
	}
	c->created = qr_pool__now();
	c->pid = getpid();
	*out = c;
	return 0;
}

/* Whether an idle connection must be replaced before use. */
static bool stale(qr_pool *p, qr_pooled *c)
{
	if (c->invalidated || c->pid != getpid())
		return true;
	return p->cfg.recycle > 0 &&
	       qr_pool__now() - c->created > p->cfg.recycle;
}

/* Pre-ping an idle connection: false if it is dead (it is discarded). */
static bool alive(qr_pool *p, qr_pooled *c)
{
	if (!p->cfg.pre_ping || !p->cfg.driver->ping)
		return true;
	return p->cfg.driver->ping(c->dconn) == 0;
}

static int limit(const qr_pool *p)
{
	if (p->cfg.max_overflow < 0)
		return -1;
	return p->cfg.size + p->cfg.max_overflow;
}

static int checkout_static(qr_pool *p, qr_pooled **out)
{
	int rc = 0;
	pthread_mutex_lock(&p->lock);
	if (p->shared && stale(p, p->shared) && p->shared_users == 0) {
		close_pooled(p, p->shared);
		p->shared = NULL;
	}
	if (!p->shared)
		rc = connect_new(p, &p->shared);
	if (rc == 0) {
		p->shared_users++;
		p->shared->checkouts++;
		*out = p->shared;
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static int timed_out(qr_pool *p)
{
	return qr_error_set(QR_ETIMEOUT, QR_ECLASS_OPERATIONAL,
			    "QueuePool limit of size %d overflow %d reached, "
			    "connection timed out, timeout %.2f",
			    p->cfg.size, p->cfg.max_overflow, p->cfg.timeout);
}

static int checkout_queue(qr_pool *p, qr_pooled **out)
{
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	double wait_s = p->cfg.timeout;
	deadline.tv_sec += (time_t)wait_s;
	deadline.tv_nsec += (long)((wait_s - floor(wait_s)) * 1e9);
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (p->idle) {
			qr_pooled *c = p->idle;
			p->idle = c->next;
			p->idle_count--;
			c->next = NULL;
			if (stale(p, c) || !alive(p, c)) {
				p->open_count--;
				close_pooled(p, c);
				continue;
			}
			c->checkouts++;
			pthread_mutex_unlock(&p->lock);
			*out = c;
			return 0;
		}
		if (limit(p) < 0 || p->open_count < limit(p)) {
			p->open_count++;
			pthread_mutex_unlock(&p->lock);
			int rc = connect_new(p, out);
			if (rc) {
				pthread_mutex_lock(&p->lock);
				p->open_count--;
				pthread_cond_signal(&p->returned);
				pthread_mutex_unlock(&p->lock);
				return rc;
			}
			(*out)->checkouts++;
			return 0;
		}
		int w = pthread_cond_timedwait(&p->returned, &p->lock,
					       &deadline);
		if (w == ETIMEDOUT && !p->idle &&
		    !(limit(p) < 0 || p->open_count < limit(p))) {
			pthread_mutex_unlock(&p->lock);
			return timed_out(p);
		}
	}
}

int qr_pool__checkout(qr_pool *pool, qr_pooled **out)
{
	*out = NULL;
	switch (pool->cfg.kind) {
	case QR_POOL_STATIC:
		return checkout_static(pool, out);
	case QR_POOL_NULL: {
		int rc = connect_new(pool, out);
		if (rc == 0)
			(*out)->checkouts++;
		return rc;
	}
	default:
		return checkout_queue(pool, out);
	}
}

void qr_pool__invalidate(qr_pool *pool, qr_pooled *conn)
{
	(void)pool;
	if (conn)
		conn->invalidated = true;
}

void qr_pool__checkin(qr_pool *p, qr_pooled *c)
{
	if (!c)
		return;
	switch (p->cfg.kind) {
	case QR_POOL_STATIC:
		pthread_mutex_lock(&p->lock);
		p->shared_users--;
		if (c->invalidated && p->shared_users == 0 && p->shared == c) {
			close_pooled(p, c);
			p->shared = NULL;
		}
		pthread_mutex_unlock(&p->lock);
		return;
	case QR_POOL_NULL:
		close_pooled(p, c);
		return;
	default:
		break;
	}
	pthread_mutex_lock(&p->lock);
	if (c->invalidated || p->idle_count >= p->cfg.size) {
		/* Overflow connections and dead ones are closed. */
		p->open_count--;
		close_pooled(p, c);
	} else if (p->cfg.use_lifo || !p->idle) {
		c->next = p->idle;
		p->idle = c;
		p->idle_count++;
	} else {
		/* FIFO: append, so the oldest idle is used first. */
		qr_pooled *t = p->idle;
		while (t->next)
			t = t->next;
		t->next = c;
		c->next = NULL;
		p->idle_count++;
	}
	pthread_cond_signal(&p->returned);
	pthread_mutex_unlock(&p->lock);
}

void qr_pool__dispose(qr_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	while (p->idle) {
		qr_pooled *c = p->idle;
		p->idle = c->next;
		p->open_count--;
		close_pooled(p, c);
	}
	p->idle_count = 0;
	if (p->shared && p->shared_users == 0) {
		close_pooled(p, p->shared);
		p->shared = NULL;
	}
	pthread_mutex_unlock(&p->lock);
}

void qr_pool__free(qr_pool *p)
{
	if (!p)
		return;
	qr_pool__dispose(p);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->returned);
	qr_url_free(p->url);
	free(p);
}
