/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker lcore: poll the connections it owns, dispatch, respond.
 * Each connection's transport takes its requests in and checks them
 * (rx_burst: for the ring transport, drivers/ring/dipc_ring_server.c) and
 * sends the answers (tx_burst); the core here runs the handlers and
 * builds the answers. Everything here runs per message or per poll, so
 * it allocates nothing, makes no system call (outside the idle back-off)
 * and takes no lock; every object it touches was allocated by
 * dipc_server_create().
 *
 * A client can write into an mbuf at any time, also after it sent it. So
 * the worker reads what it acts on once, checks it, and keeps it in
 * private memory (struct dipc_server_msg and struct server_chain): the
 * segment pointers of a chain, each segment's data offset and length, the
 * header fields. Every later step (the handler, the answer, lending,
 * freeing) works from that copy and writes the metadata it needs back into
 * the mbufs just before they leave; no step follows a next pointer, or
 * uses a length, pool or buffer address, read from an mbuf a second time.
 * docs/DESIGN-NOTES.md, "What a worker reads", lists each read.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "dipc_capture.h"
#include "server_private.h"

/* What the handler's result makes of a request. */
enum req_fate {
	FATE_RESPOND, /* send the answer: the request in place, or msg->rsp */
	FATE_DROP,    /* no answer: free the request (and any answer built) */
	FATE_ERROR,   /* answer with an error status */
};

/*
 * Run the handler of a good request. Returns FATE_RESPOND, FATE_DROP, or
 * FATE_ERROR with the status to answer with in *status.
 */
static __rte_always_inline enum req_fate
dispatch(struct dipc_server *s, struct dipc_server_msg *msg, enum dipc_status *status)
{
	const struct server_method *sm;
	int ret;

	sm = msg->method <= DIPC_SERVER_MAX_METHOD ? &s->methods[msg->method] : NULL;
	if (unlikely(sm == NULL || sm->fn == NULL)) {
		*status = DIPC_STATUS_UNKNOWN_METHOD;
		return FATE_ERROR;
	}
	msg->rsp_len = msg->body_len;
	msg->rsp_flags = 0;
	msg->rsp_csum = 0;
	msg->rsp = NULL;
	ret = sm->fn(msg, sm->arg);
	if (likely(ret == DIPC_HANDLER_RESPOND))
		return (msg->flags & DIPC_MSG_F_ONEWAY) ? FATE_DROP : FATE_RESPOND;
	if (ret == DIPC_HANDLER_DROP)
		return FATE_DROP;
	if (msg->rsp != NULL) /* an error after all: the answer built is not sent */
		server_msg_free_rsp(s, msg);
	/* TIMED_OUT is the client library's own (a request it gave up). */
	*status = ret < 0 && -ret < DIPC_STATUS_MAX && -ret != DIPC_STATUS_OK &&
			  -ret != DIPC_STATUS_TIMED_OUT ?
			  (enum dipc_status)-ret : DIPC_STATUS_UNKNOWN_METHOD;
	return FATE_ERROR;
}

/* Write a response header at @at from private values. */
static __rte_always_inline void
put_header(uint8_t *at, const struct dipc_server_msg *msg, uint8_t flags, uint16_t status,
	   uint32_t body_len, uint32_t csum)
{
	struct dipc_msg_hdr h = {
		.magic = DIPC_MSG_MAGIC, .version = DIPC_MSG_VERSION, .flags = flags,
		.method = msg->method, .status = status, .reserved = 0,
		.stream_id = msg->stream_id, .body_len = body_len, .csum = csum,
	};

	memcpy(at, &h, sizeof(h));
}

/*
 * Make the head of @msg an answer of one segment with a body of @body_len
 * bytes already in place: header and lengths written from private values;
 * a chain's other segments go back to their pools (from the private list).
 */
static __rte_always_inline void
answer_in_place(struct dipc_server *s, struct server_worker *w, struct dipc_server_msg *msg,
		uint8_t flags, uint16_t status, uint32_t body_len, uint32_t csum)
{
	struct rte_mbuf *m = msg->mbuf;

	if (unlikely(msg->nb_segs > 1)) {
		server_chain_free_tail(s, server_req_chain(w, msg));
		msg->nb_segs = 1;
		m->next = NULL;
	}
	put_header(msg->body - DIPC_MSG_HDR_LEN, msg, flags, status, body_len, csum);
	m->data_off = msg->data_off_;
	m->data_len = (uint16_t)(DIPC_MSG_HDR_LEN + body_len);
	m->pkt_len = DIPC_MSG_HDR_LEN + body_len;
	m->nb_segs = 1;
}

/* Turn a request into an error answer, in its head. */
static void __rte_noinline
answer_error(struct dipc_server *s, struct server_worker *w, struct dipc_server_msg *msg,
	     enum dipc_status status)
{
	w->st.invalid[status]++;
	if (msg->rsp != NULL)
		server_msg_free_rsp(s, msg);
	answer_in_place(s, w, msg, DIPC_MSG_F_RESPONSE | DIPC_MSG_F_ERROR, (uint16_t)status, 0, 0);
}

/* Rebuild the links and lengths of chain @c from its private list.
 * Returns the head. */
static struct rte_mbuf *
chain_seal(const struct server_chain *c)
{
	struct rte_mbuf *m;
	uint32_t total = 0;
	unsigned int i;

	for (i = 0; i < c->nb; i++) {
		m = c->seg[i];
		m->data_off = c->off[i];
		m->data_len = c->len[i];
		m->nb_segs = 1;
		m->next = i + 1 < c->nb ? c->seg[i + 1] : NULL;
		total += c->len[i];
	}
	m = c->seg[0];
	m->nb_segs = c->nb;
	m->pkt_len = total;
	return m;
}

/*
 * Make @msg's answer ready to send: the request itself answered in place
 * (its header and lengths rewritten from private values; a chain relinked
 * from its private list), or the message the handler built with
 * dipc_server_rsp_alloc() (the request goes back to its pools). Returns
 * the answer's private segment list if it is a chain or the built answer
 * (to lend once the burst is taken), or NULL for one segment of the
 * request's head.
 */
static const struct server_chain * __rte_noinline
finish_other(struct dipc_server *s, struct server_worker *w, struct dipc_server_msg *msg,
	     struct rte_mbuf **out)
{
	struct server_chain *c = server_req_chain(w, msg);
	uint8_t flags = DIPC_MSG_F_RESPONSE | (msg->rsp_flags & DIPC_MSG_F_SEAL_BITS);

	if (msg->rsp != NULL) {
		struct server_chain *r = server_rsp_chain(w, msg);

		/* The request's segments are the server's; back to their pools. */
		if (msg->nb_segs > 1) {
			server_chain_free_tail(s, c);
			server_mbuf_unchain(msg->mbuf);
		}
		rte_mempool_put(s->maps[msg->cls_].pool, msg->mbuf);
		put_header((uint8_t *)r->seg[0] + s->maps[r->cls[0]].buf_offset + r->off[0], msg,
			   flags, DIPC_STATUS_OK, msg->rsp_len, msg->rsp_csum);
		*out = chain_seal(r);
		msg->rsp = NULL;
		return r;
	}
	if (msg->nb_segs > 1 && msg->rsp_len == msg->body_len) {
		/* The chain answered as it came (echo): relinked from the
		 * private list, whatever its next pointers say now. */
		put_header(msg->body - DIPC_MSG_HDR_LEN, msg, flags, DIPC_STATUS_OK, msg->rsp_len,
			   msg->rsp_csum);
		*out = chain_seal(c);
		return c;
	}
	if (msg->rsp_len > msg->room) {
		/* A handler's mistake: more than the head holds. */
		answer_error(s, w, msg, DIPC_STATUS_BAD_LENGTH);
	} else {
		answer_in_place(s, w, msg, flags, DIPC_STATUS_OK, msg->rsp_len, msg->rsp_csum);
	}
	*out = msg->mbuf;
	return NULL;
}

/*
 * Drop a request (one-way, or the handler said so) that is not a plain
 * one-segment message of class 0, with whatever answer it built: every
 * segment back to its pool, from the private lists.
 */
static void __rte_noinline
drop_other(struct dipc_server *s, struct server_worker *w, struct dipc_server_msg *msg)
{
	if (msg->rsp != NULL)
		server_msg_free_rsp(s, msg);
	if (msg->nb_segs > 1) {
		server_chain_free_tail(s, server_req_chain(w, msg));
		server_mbuf_unchain(msg->mbuf);
	}
	rte_mempool_put(s->maps[msg->cls_].pool, msg->mbuf);
}

/* Free the answer a handler built (dipc_server_rsp_alloc()), segment by
 * segment from its private list. */
void
server_msg_free_rsp(struct dipc_server *s, struct dipc_server_msg *msg)
{
	struct server_worker *w = msg->worker_;
	const struct server_chain *r = server_rsp_chain(w, msg);
	unsigned int i;

	for (i = 0; i < r->nb; i++) {
		server_mbuf_unchain(r->seg[i]);
		rte_mempool_put(s->maps[r->cls[i]].pool, r->seg[i]);
	}
	msg->rsp = NULL;
}

/*
 * Poll one connection: its transport takes a burst in, checked; each
 * request is dispatched and answered in place (or dropped); the transport
 * sends the answers. Returns the requests handled.
 */
static __rte_always_inline unsigned int
poll_slot(struct dipc_server *s, struct server_worker *w, uint32_t slot, unsigned int burst,
	  struct dipc_capture *cap)
{
	struct server_slot *ss = &s->slots[slot];
	const struct server_transport_ops *t = w->transports[ss->transport];
	struct rte_mbuf *out[SERVER_MAX_BURST], *drop[SERVER_MAX_BURST];
	const struct server_chain *out_chain[SERVER_MAX_BURST];
	uint8_t out_cls[SERVER_MAX_BURST];
	struct dipc_server_msg *msgs = w->msgs;
	struct server_tx tx = {
		.m = out, .chain = out_chain, .cls = out_cls, .nb = 0, .plain = 1,
		.drop = drop, .nb_drop = 0,
	};
	unsigned int n, i, bad = 0;

	/* Nothing moved that the transport watches: it would find nothing. */
	if (!server_watch_moved(ss))
		return 0;
	/* The transport counts its stages (prep, take) itself. */
	n = t->rx_burst(w, ss, slot, burst);
	if (n == 0)
		return 0;
	SERVER_CYC_START(cyc);
	for (i = 0; i < n; i++) {
		struct dipc_server_msg *msg = &msgs[i];
		enum dipc_status err;
		enum req_fate fate;

		if (likely(msg->status_ == DIPC_STATUS_OK)) {
			/* As the client sent it, before a handler rewrites it. */
			if (unlikely(cap != NULL))
				dipc_capture_msgs(cap, w->index, slot, &msg->mbuf, 1,
						  DIPC_CAPTURE_REQUEST);
			fate = dispatch(s, msg, &err);
		} else {
			msg->rsp = NULL;
			err = (enum dipc_status)msg->status_;
			fate = FATE_ERROR;
		}
		SERVER_CYC_MARK(w, cyc, SERVER_CYC_HANDLER);
		if (likely(fate == FATE_RESPOND)) {
			/* The plain answer: class 0, one segment, in place. */
			if (likely(msg->cls_ == 0 && msg->nb_segs == 1 && msg->rsp == NULL &&
				   msg->rsp_len <= msg->room)) {
				answer_in_place(s, w, msg,
						DIPC_MSG_F_RESPONSE |
							(msg->rsp_flags & DIPC_MSG_F_SEAL_BITS),
						DIPC_STATUS_OK, msg->rsp_len, msg->rsp_csum);
				out_chain[tx.nb] = NULL;
				out_cls[tx.nb] = 0;
				out[tx.nb++] = msg->mbuf;
			} else {
				out_cls[tx.nb] = msg->cls_;
				out_chain[tx.nb] = finish_other(s, w, msg, &out[tx.nb]);
				tx.nb++;
				tx.plain = 0;
			}
		} else if (fate == FATE_DROP) {
			if (likely(msg->cls_ == 0 && msg->nb_segs == 1 && msg->rsp == NULL))
				drop[tx.nb_drop++] = msg->mbuf;
			else
				drop_other(s, w, msg);
		} else {
			/* Invalid: answer with the reason, in the request's head. */
			bad++;
			answer_error(s, w, msg, err);
			out_cls[tx.nb] = msg->cls_;
			out_chain[tx.nb] = NULL;
			tx.plain &= msg->cls_ == 0;
			out[tx.nb++] = msg->mbuf;
		}
		SERVER_CYC_MARK(w, cyc, SERVER_CYC_ANSWER);
	}
	if (unlikely(bad != 0))
		ss->cnt.invalid_msgs += bad;
	/* Before the send: then the client owns them. */
	if (unlikely(cap != NULL) && tx.nb != 0)
		dipc_capture_msgs(cap, w->index, slot, out, tx.nb, DIPC_CAPTURE_RESPONSE);
	t->tx_burst(w, ss, slot, &tx);
	SERVER_CYC_MARK(w, cyc, SERVER_CYC_SEND);
#ifdef DIPC_WORKER_CYCLES
	w->cyc.msgs += n;
#endif
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
	struct dipc_shm_worker_stats *const st = &w->st;
	/* The published line of this worker's counters: the control lcore
	 * copies them all there every millisecond, but the poll count is also
	 * stored here by the worker itself, so that a client can see the
	 * worker serve while the control lcore is kept off its CPU (its
	 * heartbeat late: dipc_client_check()). */
	uint64_t *const pub_polls = &s->stats->workers[w->index].polls;
	uint32_t idle = 0, i, nb_slots;
	struct dipc_capture *cap;
	unsigned int work;

	rte_rcu_qsbr_thread_register(s->qsbr, w->index);
	rte_rcu_qsbr_thread_online(s->qsbr, w->index);
	while (!__atomic_load_n(&s->workers_quit, __ATOMIC_RELAXED)) {
		SERVER_CYC_START(pass_start);

		/* Acquire: the slot state the control lcore set up before it
		 * published the entry. */
		nb_slots = __atomic_load_n(&w->nb_slots, __ATOMIC_ACQUIRE);
		/* A port's receive queue, before the connections it feeds. */
		work = w->poll_hook != NULL ? w->poll_hook(w) : 0;
		/* The capture pointer is held for this pass only (RCU: see
		 * dipc_capture.c). Two loops over an inlined poll_slot(): with
		 * capture off (NULL, a constant) the compiler drops the copy
		 * hooks, so off costs one load and one branch per pass. */
		cap = __atomic_load_n(&w->capture, __ATOMIC_ACQUIRE);
		if (likely(cap == NULL)) {
			for (i = 0; i < nb_slots; i++)
				work += poll_slot(s, w,
						  __atomic_load_n(&w->slots[i], __ATOMIC_RELAXED),
						  burst, NULL);
		} else {
			for (i = 0; i < nb_slots; i++)
				work += poll_slot(s, w,
						  __atomic_load_n(&w->slots[i], __ATOMIC_RELAXED),
						  burst, cap);
		}
		/* Between passes this worker holds no slot: a slot removed from
		 * the list before this point is no longer touched. */
		rte_rcu_qsbr_quiescent(s->qsbr, w->index);
		/* Every 64 passes: a store to a line only this worker writes. */
		if ((++st->polls & 63) == 0)
			__atomic_store_n(pub_polls, st->polls, __ATOMIC_RELAXED);
		if (work != 0) {
#ifdef DIPC_WORKER_CYCLES
			w->cyc.busy += rte_rdtsc() - pass_start;
#endif
			st->busy_polls++;
			idle = 0;
			continue;
		}
		if (!backoff || idle < idle_spins) {
			idle++;
			rte_pause();
			continue;
		}
		/* Idle for a while: let other threads have the core. */
		st->idle_sleeps++;
		rte_delay_us_sleep(sleep_us);
	}
	rte_rcu_qsbr_thread_offline(s->qsbr, w->index);
	rte_rcu_qsbr_thread_unregister(s->qsbr, w->index);
	return 0;
}
