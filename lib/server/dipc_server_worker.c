/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore: poll the connections it owns, validate, dispatch,
 * respond. Everything here runs per message or per poll, so it allocates
 * nothing, makes no system call (outside the idle back-off) and takes no
 * lock; every object it touches was allocated by dipc_server_create().
 */
#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "server_private.h"

static void
worker_add(struct server_worker *w, uint32_t slot)
{
	w->slots[w->nb_slots++] = slot;
}

/* The mbuf left this worker's hands (sent, dropped or taken by a handler). */
static __rte_always_inline void
release(struct server_worker *w, const struct server_pool_map *pm, const struct rte_mbuf *m)
{
	size_t word;
	uint64_t bit = server_map_bit(pm, m, &word);

	w->held[word] &= ~bit;
}

static void
worker_remove(struct dipc_server *s, struct server_worker *w, uint32_t slot)
{
	struct server_slot *ss = &s->slots[slot];
	uint32_t i;

	for (i = 0; i < w->nb_slots; i++) {
		if (w->slots[i] == slot) {
			w->slots[i] = w->slots[--w->nb_slots];
			break;
		}
	}
	/* We are the request ring's consumer and the pending array's owner:
	 * give back what the client sent and what it will never read. */
	server_drain_untrusted(&s->pool_map, ss->req, w->held, w->scratch);
	for (i = 0; i < ss->nb_pending; i++)
		release(w, &s->pool_map, ss->pending[i]);
	rte_pktmbuf_free_bulk(ss->pending, ss->nb_pending);
	ss->nb_pending = 0;
	/* Release: the drained ring and pending array are the control
	 * lcore's once it sees this. */
	__atomic_store_n(&ss->detached, 1, __ATOMIC_RELEASE);
}

static void
worker_commands(struct dipc_server *s, struct server_worker *w)
{
	uint32_t cmd;

	while (rte_ring_sc_dequeue_elem(w->cmd, &cmd, sizeof(cmd)) == 0) {
		uint32_t slot = cmd & 0xffffff;

		if (slot >= s->cfg.max_conns)
			continue;
		if (cmd >> 24 == WORKER_CMD_ADD)
			worker_add(w, slot);
		else if (cmd >> 24 == WORKER_CMD_REMOVE)
			worker_remove(s, w, slot);
	}
}

/* Validate the header and dispatch one request whose mbuf is known good.
 * Returns DIPC_HANDLER_RESPOND if @m is now a response to send,
 * DIPC_HANDLER_DROP if it is to be freed, DIPC_HANDLER_CONSUMED if the
 * handler took it, or a negated enum dipc_status to answer with. */
static __rte_always_inline int
handle_request(struct dipc_server *s, struct rte_mbuf *m)
{
	enum dipc_status status = dipc_msg_validate_request(m);
	struct dipc_msg_hdr *h;
	const struct server_method *sm;
	int ret;

	if (likely(status == DIPC_STATUS_OK)) {
		h = dipc_msg_hdr(m);
		sm = h->method <= DIPC_SERVER_MAX_METHOD ? &s->methods[h->method] : NULL;
		if (likely(sm != NULL && sm->fn != NULL)) {
			ret = sm->fn(m, sm->arg);
			if (likely(ret == DIPC_HANDLER_RESPOND))
				return h->flags & DIPC_MSG_F_ONEWAY ? DIPC_HANDLER_DROP :
								      DIPC_HANDLER_RESPOND;
			if (ret == DIPC_HANDLER_CONSUMED || ret == DIPC_HANDLER_DROP)
				return ret;
			status = ret < 0 && -ret < DIPC_STATUS_MAX ? (enum dipc_status)-ret :
								     DIPC_STATUS_UNKNOWN_METHOD;
		} else {
			status = DIPC_STATUS_UNKNOWN_METHOD;
		}
	}
	return -(int)status;
}

/*
 * Check what a client put in its ring before touching it: the pointer must
 * be an object of the dipc pool (checked on the pool map, without a
 * dereference), not already in this worker's hands, and its metadata must
 * be intact. Returns 0 to handle it, a negated status to answer with (the
 * mbuf is ours and repaired), or 1 to skip it (not ours to touch).
 */
static __rte_always_inline int
admit_mbuf(struct server_worker *w, const struct server_pool_map *pm, struct rte_mbuf *m)
{
	size_t word;
	uint64_t bit;

	if (unlikely(!server_mbuf_is_object(pm, m))) {
		w->dropped[SERVER_DROP_NOT_MBUF]++;
		return 1;
	}
	bit = server_map_bit(pm, m, &word);
	if (unlikely(w->held[word] & bit)) {
		w->dropped[SERVER_DROP_DUPLICATE]++;
		return 1;
	}
	w->held[word] |= bit;
	if (unlikely(!server_mbuf_fields_ok(pm, m))) {
		server_mbuf_repair(pm, m);
		return -DIPC_STATUS_BAD_MBUF;
	}
	return 0;
}

/* Poll one connection: a burst in, a burst out. Returns messages handled. */
static __rte_always_inline unsigned int
poll_slot(struct dipc_server *s, struct server_worker *w, struct server_slot *ss,
	  unsigned int burst)
{
	const struct server_pool_map *pm = &s->pool_map;
	struct rte_mbuf *rx[SERVER_MAX_BURST], *drop[SERVER_MAX_BURST];
	struct dipc_shm_conn *conn = ss->conn;
	unsigned int n, i, nb_tx = 0, nb_drop = 0, sent, bad = 0;
	int ret;

	/* Backpressure: while the client has not drained its responses we
	 * read none of its requests, so nothing is dropped. */
	if (unlikely(ss->nb_pending != 0)) {
		sent = dipc_ring_tx_burst(ss->rsp, ss->pending, ss->nb_pending);
		for (i = 0; i < sent; i++)
			release(w, pm, ss->pending[i]);
		conn->server.tx_msgs += sent;
		if (sent < ss->nb_pending) {
			for (i = sent; i < ss->nb_pending; i++)
				ss->pending[i - sent] = ss->pending[i];
			ss->nb_pending -= sent;
			conn->server.rsp_full++;
			return sent;
		}
		ss->nb_pending = 0;
	}

	n = dipc_ring_rx_burst(ss->req, rx, burst);
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = rx[i];

		ret = admit_mbuf(w, pm, m);
		if (unlikely(ret == 1)) {
			bad++;
			continue;
		}
		if (likely(ret == 0))
			ret = handle_request(s, m);
		if (likely(ret == DIPC_HANDLER_RESPOND)) {
			rx[nb_tx++] = m;
		} else if (ret == DIPC_HANDLER_DROP) {
			release(w, pm, m);
			drop[nb_drop++] = m;
		} else if (ret == DIPC_HANDLER_CONSUMED) {
			release(w, pm, m);
		} else {
			/* Invalid: answer with the reason, reusing the mbuf. */
			w->invalid[-ret < DIPC_STATUS_MAX ? -ret : DIPC_STATUS_UNKNOWN_METHOD]++;
			bad++;
			dipc_msg_make_error(m, (enum dipc_status)-ret);
			rx[nb_tx++] = m;
		}
	}
	conn->server.rx_msgs += n;
	if (unlikely(bad != 0))
		conn->server.invalid_msgs += bad;
	/* Their metadata was checked (one segment, refcnt 1, our pool), so
	 * they go straight back to the pool without following m->next, which
	 * sits on a cache line this path never reads. */
	if (nb_drop != 0)
		rte_mempool_put_bulk(pm->pool, (void **)drop, nb_drop);
	if (nb_tx == 0)
		return n;
	sent = dipc_ring_tx_burst(ss->rsp, rx, nb_tx);
	for (i = 0; i < sent; i++)
		release(w, pm, rx[i]);
	conn->server.tx_msgs += sent;
	for (i = sent; i < nb_tx; i++)
		ss->pending[ss->nb_pending++] = rx[i];
	return n;
}

int
dipc_server_worker_main(void *arg)
{
	struct server_worker *w = arg;
	struct dipc_server *s = w->s;
	const unsigned int burst = s->cfg.burst;
	const int backoff = s->cfg.idle == DIPC_IDLE_BACKOFF;
	const uint32_t idle_spins = s->cfg.idle_spins;
	const unsigned int sleep_us = s->cfg.idle_sleep_us;
	uint32_t idle = 0, i, busy_streak = 0;
	unsigned int work = 0;

	while (!s->workers_quit) {
		/* Commands (a connection added or removed) are rare: look for
		 * them when idle, and only every 64 polls while busy, so a busy
		 * worker does not read the control lcore's ring every poll. */
		if (work == 0 || ++busy_streak == 64) {
			busy_streak = 0;
			worker_commands(s, w);
		}
		work = 0;
		for (i = 0; i < w->nb_slots; i++)
			work += poll_slot(s, w, &s->slots[w->slots[i]], burst);
		w->polls++;
		if (work != 0) {
			w->busy_polls++;
			idle = 0;
			continue;
		}
		if (!backoff || idle < idle_spins) {
			idle++;
			rte_pause();
			continue;
		}
		/* Idle for a while: let other threads have the core. */
		w->idle_sleeps++;
		rte_delay_us_sleep(sleep_us);
	}
	/* Take the last commands (a REMOVE must still be acknowledged). */
	worker_commands(s, w);
	return 0;
}

void
server_mbuf_repair(const struct server_pool_map *pm, struct rte_mbuf *m)
{
	/* buf_iova is left alone: nothing in dipc uses it yet, and the only
	 * way to recompute it reads the object header, also client-writable. */
	m->buf_addr = (char *)m + pm->buf_offset;
	m->buf_len = pm->buf_len;
	m->pool = pm->pool;
	m->next = NULL;
	m->nb_segs = 1;
	rte_mbuf_refcnt_set(m, 1);
	rte_pktmbuf_reset(m);
}

unsigned int
server_drain_untrusted(const struct server_pool_map *pm, struct rte_ring *r, uint64_t *seen,
		       struct rte_mbuf **scratch)
{
	unsigned int n, i, k = 0;
	size_t word;
	uint64_t bit;

	/* Everything first, so a pointer that comes twice is seen twice. */
	n = rte_ring_sc_dequeue_burst(r, (void **)scratch, rte_ring_get_capacity(r), NULL);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = scratch[i];

		if (!server_mbuf_is_object(pm, m))
			continue;
		bit = server_map_bit(pm, m, &word);
		if (seen[word] & bit)
			continue;
		seen[word] |= bit;
		scratch[k++] = m;
	}
	for (i = 0; i < k; i++) {
		bit = server_map_bit(pm, scratch[i], &word);
		seen[word] &= ~bit;
		if (!server_mbuf_fields_ok(pm, scratch[i]))
			server_mbuf_repair(pm, scratch[i]);
		scratch[i]->next = NULL;
	}
	rte_mempool_put_bulk(pm->pool, (void **)scratch, k);
	return n;
}
