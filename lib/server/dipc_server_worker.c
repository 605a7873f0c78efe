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
	rte_pktmbuf_free_bulk(ss->pending, ss->nb_pending);
	ss->nb_pending = 0;
	dipc_ring_drain(ss->req);
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

/* Validate and dispatch one request. Returns DIPC_HANDLER_RESPOND if @m is
 * now a response to send, DIPC_HANDLER_DROP if it is to be freed, or
 * DIPC_HANDLER_CONSUMED if the handler took it. */
static __rte_always_inline int
handle_request(struct dipc_server *s, struct rte_mbuf *m, struct dipc_shm_conn *conn)
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
	conn->server.invalid_msgs++;
	dipc_msg_make_error(m, status);
	return DIPC_HANDLER_RESPOND;
}

/* Poll one connection: a burst in, a burst out. Returns messages handled. */
static __rte_always_inline unsigned int
poll_slot(struct dipc_server *s, struct server_slot *ss, unsigned int burst)
{
	struct rte_mbuf *rx[SERVER_MAX_BURST], *drop[SERVER_MAX_BURST];
	struct dipc_shm_conn *conn = ss->conn;
	unsigned int n, i, nb_tx = 0, nb_drop = 0, sent;
	int ret;

	/* Backpressure: while the client has not drained its responses we
	 * read none of its requests, so nothing is dropped. */
	if (unlikely(ss->nb_pending != 0)) {
		sent = dipc_ring_tx_burst(ss->rsp, ss->pending, ss->nb_pending);
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
		if (unlikely(rx[i] == NULL)) {
			conn->server.invalid_msgs++;
			continue;
		}
		ret = handle_request(s, rx[i], conn);
		if (ret == DIPC_HANDLER_RESPOND)
			rx[nb_tx++] = rx[i];
		else if (ret == DIPC_HANDLER_DROP)
			drop[nb_drop++] = rx[i];
	}
	conn->server.rx_msgs += n;
	if (nb_drop != 0)
		rte_pktmbuf_free_bulk(drop, nb_drop);
	if (nb_tx == 0)
		return n;
	sent = dipc_ring_tx_burst(ss->rsp, rx, nb_tx);
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
			work += poll_slot(s, &s->slots[w->slots[i]], burst);
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
