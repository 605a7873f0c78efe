/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The eth transport, the client's side (struct dipc_client_ops), built
 * into the client library: a process on another host, its own DPDK
 * primary (dipc_client_eal_init_remote()), calls a dipc server through an
 * ethdev port with the API a local client uses.
 *
 * One endpoint per process: the port (one queue pair), its pools, the
 * neighbour table and the reassembly table, set up by the first eth
 * connect. Every eth connection of the process shares it and its UDP
 * port; the server tells them apart by connection id. So the process's eth
 * connections are used by one thread at a time, together (the receive
 * queue is shared; a poll delivers each connection's answers to its own
 * queue).
 *
 * The caller's mbufs come from the endpoint's pools, one per size class
 * (no lending: the server never sees them; what crosses is frames).
 * Requests are framed by reference (dipc_eth_frame_build()): the library
 * keeps a reference on each request until its answer comes, and sends it
 * again, the same bytes under the same stream id, when none came within
 * the retry time (doubling, up to a second). The server runs a stream id
 * once and answers a repeat from what it kept. Every frame carries the
 * connection's completed floor in its ack field: stream ids below it are
 * finished here (answered, given up, one-way, or freed unsent), so the
 * server may forget them.
 *
 * The window bounds what a connection has at once: stream ids from the
 * floor to the next one (in the caller's hands unsent, in flight, or
 * finished above an unfinished one) plus answers not yet received. An
 * allocation past it fails with ENOBUFS, as the ring transport's does.
 *
 * Liveness: the server PINGs every heartbeat period and this side answers
 * each with a PONG (in any receive, check or call); a server silent for
 * four periods is EHOSTDOWN, a CLOSE from it ESHUTDOWN or ECONNRESET.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "dipc_client_ops.h"
#include "dipc_eth_arp.h"
#include "dipc_eth_conn.h"
#include "dipc_eth_fault.h"
#include "dipc_eth_frame.h"
#include "dipc_eth_port.h"
#include "dipc_msg.h"
#include "dipc_token.h"

RTE_LOG_REGISTER_SUFFIX(ec_logtype, eth, NOTICE);
#define EC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, ec_logtype, "dipc client eth: " fmt "\n", ##__VA_ARGS__)

/* Size classes of the caller's messages: data room (headroom included)
 * and mbufs of each pool. A body that fits no class's one segment is a
 * chain of the largest. */
#define EC_CLASSES 3
static const uint16_t ec_class_room[EC_CLASSES] = {
	RTE_MBUF_DEFAULT_BUF_SIZE, 16384 + RTE_PKTMBUF_HEADROOM, UINT16_MAX,
};
static const unsigned int ec_class_mbufs[EC_CLASSES] = { 8191, 255, 63 };
#define EC_HDR_MBUFS 2047
#define EC_IND_MBUFS 4095
/* Connections of one process. */
#define EC_MAX_CONNS 64
/* Frames received per poll. */
#define EC_RX_BURST 32
/* Frames that wait for room on the port's queue: fewer than the header
 * mbufs, which each of them may hold. */
#define EC_BACKLOG 1024
#define EC_BACKLOG_WAIT_MS 100
/* A server silent this many heartbeat periods is down (as it judges us). */
#define EC_SILENT_PERIODS 4
/* The longest wait between two sends of one request. */
#define EC_RTO_MAX_MS 1000
/* Defaults of struct dipc_client_opts's eth fields. */
#define EC_UDP_PORT_DEFAULT 7118
#define EC_MTU_DEFAULT 1500
#define EC_RETRY_MS_DEFAULT 20
#define EC_GIVE_UP_MS_DEFAULT 10000
#define EC_WINDOW_DEFAULT 128
/* Most the table of stream ids holds: the server's stage is as deep. */
#define EC_WINDOW_MAX 256
/* A handshake step not answered within this is sent again. */
#define EC_HANDSHAKE_RETRY_MS 200

enum ec_state {
	EC_FREE = 0,   /* finished: answered, given up, one-way sent, freed */
	EC_ALLOCATED,  /* in the caller's hands, not sent */
	EC_SENT,       /* sent, no answer yet: m is the library's reference */
};

/* One stream id of the window. */
struct ec_entry {
	struct rte_mbuf *m;
	uint64_t first_sent; /* tsc */
	uint64_t sent_at;    /* tsc of the last send */
	uint64_t rto;        /* cycles to wait after sent_at */
	uint32_t stream_id;
	uint8_t state;
};

struct ec_endpoint;

struct ec_conn {
	struct dipc_client_core core; /* first: a struct dipc_client * is one */
	struct ec_endpoint *ep;
	unsigned int index;           /* in ep->conns */
	uint32_t conn_id, conn_gen;
	uint32_t window, max_msg_len, heartbeat_ms;
	rte_be32_t peer_ip;
	rte_be16_t peer_port;
	struct dipc_eth_frame_tmpl tmpl;
	uint32_t seq;                 /* frame header seq of our messages */
	uint32_t next_stream;         /* next stream id to allocate */
	uint32_t floor;               /* every stream id below is finished */
	uint32_t tmask;               /* entries in tab - 1 */
	struct ec_entry *tab;
	/* Answers received, not yet taken by the caller (a FIFO as large as
	 * tab: the window bounds what it holds). */
	struct rte_mbuf **rq;
	uint32_t rq_head, rq_tail;
	/* Set at connect: no division on the receive path. */
	uint64_t retry_cycles, give_up_cycles, rto_max_cycles, silent_cycles, next_scan;
	uint64_t last_heard;
	int closed;                   /* the server closed: close_err says why */
	int close_err;
	uint64_t tx_msgs, rx_msgs;    /* core's counters */
	uint64_t resent, given_up, late_answers, bad_answers, tx_lost, bad_sends;
};

struct ec_endpoint {
	int ready;
	int started;                  /* the port runs: stopped when the last
				       * connection closes */
	uint16_t port;
	uint16_t mtu;
	rte_be16_t udp_port;
	rte_be32_t local_ip;
	uint64_t hz;
	struct rte_mempool *pools[EC_CLASSES];
	uint32_t seg_room[EC_CLASSES];
	struct rte_mempool *hdr_pool, *ind_pool;
	struct dipc_eth_frame_cfg fcfg;
	struct dipc_eth_reasm *reasm;
	struct dipc_eth_backlog txb;  /* frames the port would not take yet */
	struct dipc_eth_stats st;
	struct dipc_eth_arp_cfg arp;
	struct dipc_eth_neigh *neigh;
	struct dipc_eth_port_info info;
	struct dipc_eth_fault *faults; /* DIPC_ETH_FAULTS, or NULL */
	struct ec_conn *conns[EC_MAX_CONNS];
	unsigned int nb_conns;
	/* A handshake under way: the control frame it waits for, from its
	 * peer, copied here by the poll. */
	struct {
		int active;
		rte_be32_t peer_ip;
		rte_be16_t peer_port;
		uint8_t want;        /* CHALLENGE or WELCOME (REFUSE always) */
		uint8_t got;         /* the type received, 0: none yet */
		struct dipc_eth_frame_info fi;
		uint8_t buf[DIPC_ETH_CTRL_MAX_LEN];
	} hs;
};

static struct ec_endpoint ec_ep;

static const struct dipc_client_ops ec_ops;

static inline struct ec_conn *
ec_conn_of(struct dipc_client *c)
{
	return (struct ec_conn *)c;
}

/* Hand frames to the port; what it will not take now waits in the
 * backlog (sent first by the next transmit or poll), and only what does
 * not fit there is lost (a request is sent again, an answer asked again). */
static void
ec_tx(struct ec_endpoint *ep, struct rte_mbuf **f, unsigned int n, uint64_t *lost)
{
	if (unlikely(dipc_eth_tx(ep->port, 0, &ep->txb, f, n) != 0) && lost != NULL)
		(*lost)++;
}

/* A control frame of connection @cn (or of a handshake, @t given). */
static void
ec_send_ctl(struct ec_endpoint *ep, const struct dipc_eth_frame_tmpl *t, uint32_t *seq,
	    const uint8_t *payload, unsigned int len)
{
	struct dipc_eth_frame_tmpl tt = *t;
	struct rte_mbuf *m = rte_pktmbuf_alloc(ep->pools[0]), *f[2];
	int n;

	if (m == NULL)
		return;
	if (len != 0)
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), payload, len);
	tt.seq = ++*seq;
	n = dipc_eth_frame_build(&ep->fcfg, &tt, m, NULL, NULL, f, RTE_DIM(f), &ep->st);
	if (n != 1) {
		rte_pktmbuf_free(m);
		return;
	}
	ec_tx(ep, f, 1, NULL);
}

/* Stream ids from the floor up that are finished: the floor passes them. */
static inline void
ec_floor_advance(struct ec_conn *cn)
{
	while (cn->floor != cn->next_stream &&
	       cn->tab[cn->floor & cn->tmask].state == EC_FREE)
		cn->floor++;
}

/* The entry of @stream_id if it is within the window, else NULL. */
static inline struct ec_entry *
ec_entry(struct ec_conn *cn, uint32_t stream_id)
{
	struct ec_entry *e;

	if (stream_id - cn->floor >= cn->next_stream - cn->floor)
		return NULL;
	e = &cn->tab[stream_id & cn->tmask];
	return e->stream_id == stream_id ? e : NULL;
}

static inline uint32_t
ec_rq_count(const struct ec_conn *cn)
{
	return cn->rq_tail - cn->rq_head;
}

/* Window in use: stream ids from the floor on, and answers not taken. */
static inline uint32_t
ec_used(const struct ec_conn *cn)
{
	return (cn->next_stream - cn->floor) + ec_rq_count(cn);
}

/* A whole DATA message for @cn: an answer to one of its requests. */
static void
ec_answer(struct ec_conn *cn, struct rte_mbuf *m)
{
	const struct dipc_msg_hdr *h;
	struct ec_entry *e;

	/* Our own pool's mbuf, written by our port: checked once, here. */
	if (dipc_msg_validate_response(m) != DIPC_STATUS_OK) {
		cn->bad_answers++;
		rte_pktmbuf_free(m);
		return;
	}
	h = dipc_msg_hdr(m);
	e = ec_entry(cn, h->stream_id);
	if (e == NULL || e->state != EC_SENT) {
		/* Answered already (the request went twice), or given up. */
		cn->late_answers++;
		rte_pktmbuf_free(m);
		return;
	}
	rte_pktmbuf_free(e->m);
	e->m = NULL;
	e->state = EC_FREE;
	ec_floor_advance(cn);
	/* Never full: the window counts what it holds. */
	cn->rq[cn->rq_tail++ & cn->tmask] = m;
}

static struct ec_conn *
ec_conn_find(struct ec_endpoint *ep, const struct dipc_eth_frame_info *fi)
{
	unsigned int i;

	for (i = 0; i < ep->nb_conns; i++) {
		struct ec_conn *cn = ep->conns[i];

		if (cn->conn_id == fi->conn_id && cn->conn_gen == fi->conn_gen &&
		    cn->peer_ip == fi->src_ip && cn->peer_port == fi->src_port)
			return cn;
	}
	return NULL;
}

/* A whole control frame (or a handshake's) from the port. */
static void
ec_control(struct ec_endpoint *ep, struct rte_mbuf *m, const struct dipc_eth_frame_info *fi,
	   uint64_t now)
{
	uint8_t buf[DIPC_ETH_CTRL_MAX_LEN];
	struct ec_conn *cn;
	const void *p;

	if (fi->msg_len > sizeof(buf)) {
		rte_pktmbuf_free(m);
		return;
	}
	p = rte_pktmbuf_read(m, 0, fi->msg_len, buf);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	if (p != buf)
		memcpy(buf, p, fi->msg_len);
	rte_pktmbuf_free(m);
	if (ep->hs.active && fi->src_ip == ep->hs.peer_ip && fi->src_port == ep->hs.peer_port &&
	    (fi->type == ep->hs.want || fi->type == DIPC_ETH_T_REFUSE) && ep->hs.got == 0) {
		ep->hs.got = fi->type;
		ep->hs.fi = *fi;
		memcpy(ep->hs.buf, buf, fi->msg_len);
		return;
	}
	cn = ec_conn_find(ep, fi);
	if (cn == NULL)
		return;
	cn->last_heard = now;
	if (fi->type == DIPC_ETH_T_PING) {
		struct dipc_eth_frame_tmpl t = cn->tmpl;

		t.type = DIPC_ETH_T_PONG;
		t.ack = cn->floor;
		ec_send_ctl(ep, &t, &cn->seq, buf, fi->msg_len);
	} else if (fi->type == DIPC_ETH_T_CLOSE && !cn->closed) {
		struct dipc_eth_close cl;

		cn->closed = 1;
		cn->close_err = dipc_eth_close_decode(buf, fi->msg_len, &cl) == 0 &&
				cl.status == ESHUTDOWN ? ESHUTDOWN : ECONNRESET;
		EC_LOG(DEBUG, "connection %u: the server closed it (status %u)", cn->conn_id,
		       dipc_eth_close_decode(buf, fi->msg_len, &cl) == 0 ? cl.status : 0);
	}
}

/* One burst from the port: answers to their connections, control frames
 * handled, ARP answered. Returns the frames received. */
static unsigned int
ec_poll(struct ec_endpoint *ep)
{
	struct rte_mbuf *pkts[EC_RX_BURST], *out, *reply;
	struct dipc_eth_frame_info fi;
	uint16_t n, i;
	uint64_t now;

	/* Frames dropped here (the port took none for a while) are requests
	 * sent again or answers asked again, as any lost frame. */
	if (unlikely(dipc_eth_backlog_count(&ep->txb) != 0))
		(void)dipc_eth_backlog_flush(ep->port, 0, &ep->txb);
	n = rte_eth_rx_burst(ep->port, 0, pkts, EC_RX_BURST);
	if (n == 0)
		return 0;
	now = rte_get_tsc_cycles();
	for (i = 0; i < n; i++) {
		enum dipc_eth_drop r = dipc_eth_frame_parse(&ep->fcfg, pkts[i], &fi);

		ep->st.frames_in++;
		if (r == DIPC_ETH_DROP_ARP) {
			if (dipc_eth_arp_input(&ep->arp, ep->neigh, pkts[i], now, ep->pools[0], &reply,
					       NULL) == DIPC_ETH_ARP_REPLY) {
				if (reply != pkts[i])
					rte_pktmbuf_free(pkts[i]);
				ec_tx(ep, &reply, 1, NULL);
			} else {
				rte_pktmbuf_free(pkts[i]);
			}
			continue;
		}
		if (r != DIPC_ETH_OK) {
			ep->st.drops[r]++;
			rte_pktmbuf_free(pkts[i]);
			continue;
		}
		r = dipc_eth_reasm_input(ep->reasm, pkts[i], &fi, now, &out, &ep->st);
		if (r != DIPC_ETH_OK || out == NULL)
			continue;
		if (fi.type == DIPC_ETH_T_DATA) {
			struct ec_conn *cn = ec_conn_find(ep, &fi);

			if (cn == NULL) {
				rte_pktmbuf_free(out);
				continue;
			}
			cn->last_heard = now;
			ec_answer(cn, out);
			continue;
		}
		ec_control(ep, out, &fi, now);
	}
	return n;
}

/* Frames of a burst, handed to the port together. */
struct ec_txq {
	unsigned int n;
	struct rte_mbuf *f[2 * (DIPC_ETH_MAX_FRAGS + 1)];
};

static inline void
ec_txq_flush(struct ec_conn *cn, struct ec_txq *q)
{
	if (q->n != 0)
		ec_tx(cn->ep, q->f, q->n, &cn->tx_lost);
	q->n = 0;
}

/* Frame a message of @cn (the reference the caller passes goes with the
 * frames) into @q. */
static void
ec_frame_msg(struct ec_conn *cn, struct rte_mbuf *m, uint32_t stream_id, struct ec_txq *q)
{
	struct ec_endpoint *ep = cn->ep;
	int n;

	if (RTE_DIM(q->f) - q->n < DIPC_ETH_MAX_FRAGS + 1)
		ec_txq_flush(cn, q);

	cn->tmpl.type = DIPC_ETH_T_DATA;
	cn->tmpl.seq = ++cn->seq;
	/* At most this message's own id: the server must not take it as
	 * finished. */
	cn->tmpl.ack = (int32_t)(stream_id - cn->floor) < 0 ? stream_id : cn->floor;
	n = dipc_eth_frame_build(&ep->fcfg, &cn->tmpl, m, ep->hdr_pool, ep->ind_pool,
				 q->f + q->n, RTE_DIM(q->f) - q->n, &ep->st);
	if (n < 0) {
		cn->tx_lost++;
		rte_pktmbuf_free(m);
		return;
	}
	q->n += (unsigned int)n;
}

/*
 * Give up the request of @e: its place in the answers goes to an error
 * answer made here (DIPC_STATUS_TIMED_OUT, the request's method and
 * stream id, no body), so that a caller counting its requests in flight
 * sees each one end. -ENOBUFS (nothing changed) without an mbuf for it.
 */
static int
ec_give_up(struct ec_conn *cn, struct ec_entry *e)
{
	const struct dipc_msg_hdr *rq = dipc_msg_hdr(e->m);
	struct rte_mbuf *a = rte_pktmbuf_alloc(cn->ep->pools[0]);
	struct dipc_msg_hdr *h;

	if (a == NULL)
		return -ENOBUFS;
	/* 2 KB class: a header always fits. */
	(void)dipc_msg_init(a, DIPC_MSG_F_RESPONSE | DIPC_MSG_F_ERROR, rq->method, e->stream_id, 0);
	h = dipc_msg_hdr(a);
	h->status = DIPC_STATUS_TIMED_OUT;
	rte_pktmbuf_free(e->m);
	e->m = NULL;
	e->state = EC_FREE;
	/* Never full: the window counts what it holds. */
	cn->rq[cn->rq_tail++ & cn->tmask] = a;
	return 0;
}

/* Requests whose answer is late: sent again, or given up. */
static void
ec_retry(struct ec_conn *cn, uint64_t now)
{
	struct ec_txq q;
	uint32_t s;

	if (now < cn->next_scan)
		return;
	cn->next_scan = now + cn->retry_cycles / 4;
	q.n = 0;
	for (s = cn->floor; s != cn->next_stream; s++) {
		struct ec_entry *e = &cn->tab[s & cn->tmask];

		if (e->state != EC_SENT || now - e->sent_at < e->rto)
			continue;
		if (now - e->first_sent >= cn->give_up_cycles) {
			/* The caller learns it as an answer; without an mbuf
			 * for it, at the next scan. */
			if (ec_give_up(cn, e) == 0)
				cn->given_up++;
			continue;
		}
		/* The frames take a reference; ours stays for the next try. */
		rte_pktmbuf_refcnt_update(e->m, 1);
		ec_frame_msg(cn, e->m, s, &q);
		e->sent_at = now;
		e->rto = RTE_MIN(e->rto * 2, cn->rto_max_cycles);
		cn->resent++;
	}
	ec_txq_flush(cn, &q);
	ec_floor_advance(cn);
}

static uint16_t
ec_send_burst(struct dipc_client *c, struct rte_mbuf **m, uint16_t n)
{
	struct ec_conn *cn = ec_conn_of(c);
	uint64_t now = rte_get_tsc_cycles();
	struct ec_txq q;
	uint16_t i;

	if (unlikely(cn->closed))
		return 0;
	q.n = 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *msg = m[i];
		const struct dipc_msg_hdr *h;
		struct ec_entry *e = NULL;

		/* Only what this connection allocated and did not send goes. */
		if (likely(msg->data_len >= DIPC_MSG_HDR_LEN)) {
			h = dipc_msg_hdr(msg);
			e = ec_entry(cn, h->stream_id);
		}
		if (unlikely(e == NULL || e->state != EC_ALLOCATED || e->m != msg)) {
			cn->bad_sends++;
			EC_LOG(DEBUG, "connection %u: send of an mbuf it did not allocate, or sent "
				      "already: dropped", cn->conn_id);
			rte_pktmbuf_free(msg);
			continue;
		}
		h = dipc_msg_hdr(msg);
		if (h->flags & DIPC_MSG_F_ONEWAY) {
			e->m = NULL;
			ec_frame_msg(cn, msg, e->stream_id, &q);
			e->state = EC_FREE;
			continue;
		}
		rte_pktmbuf_refcnt_update(msg, 1);
		e->state = EC_SENT;
		e->first_sent = now;
		e->sent_at = now;
		e->rto = cn->retry_cycles;
		ec_frame_msg(cn, msg, e->stream_id, &q);
	}
	ec_txq_flush(cn, &q);
	ec_floor_advance(cn);
	cn->tx_msgs += n;
	return n;
}

static uint16_t
ec_recv_burst(struct dipc_client *c, struct rte_mbuf **m, uint16_t n)
{
	struct ec_conn *cn = ec_conn_of(c);
	uint16_t got = 0;

	if (ec_rq_count(cn) < n)
		ec_poll(cn->ep);
	if (unlikely(cn->next_stream != cn->floor))
		ec_retry(cn, rte_get_tsc_cycles());
	while (got < n && cn->rq_head != cn->rq_tail)
		m[got++] = cn->rq[cn->rq_head++ & cn->tmask];
	cn->rx_msgs += got;
	return got;
}

static int
ec_check(struct dipc_client *c)
{
	struct ec_conn *cn = ec_conn_of(c);
	uint64_t now;

	ec_poll(cn->ep);
	now = rte_get_tsc_cycles();
	ec_retry(cn, now);
	if (cn->closed)
		return -cn->close_err;
	if (now - cn->last_heard > cn->silent_cycles)
		return -EHOSTDOWN;
	return 0;
}

/* The smallest class whose one segment holds @total bytes, EC_CLASSES if none. */
static unsigned int
ec_class_for(const struct ec_endpoint *ep, uint64_t total)
{
	unsigned int k;

	for (k = 0; k < EC_CLASSES; k++)
		if (total <= ep->seg_room[k])
			return k;
	return EC_CLASSES;
}

/* A message of @total bytes: one segment of the class that fits, or a
 * chain of the largest class's (each filled to its room). */
static struct rte_mbuf *
ec_mbufs(struct ec_endpoint *ep, uint32_t total)
{
	unsigned int k = ec_class_for(ep, total), top = EC_CLASSES - 1, nb, i;
	struct rte_mbuf *segs[DIPC_MSG_MAX_SEGS];
	uint32_t left = total;

	if (k < EC_CLASSES) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(ep->pools[k]);

		if (m != NULL) {
			m->data_len = (uint16_t)total;
			m->pkt_len = total;
		}
		return m;
	}
	nb = (total + ep->seg_room[top] - 1) / ep->seg_room[top];
	if (nb > RTE_DIM(segs) || rte_pktmbuf_alloc_bulk(ep->pools[top], segs, nb) != 0)
		return NULL;
	for (i = 0; i < nb; i++) {
		segs[i]->data_len = (uint16_t)RTE_MIN(left, ep->seg_room[top]);
		left -= segs[i]->data_len;
		segs[i]->next = i + 1 < nb ? segs[i + 1] : NULL;
	}
	segs[0]->nb_segs = (uint16_t)nb;
	segs[0]->pkt_len = total;
	return segs[0];
}

/* Write the request header into @m's first segment and give it the next
 * stream id. */
static void
ec_take_id(struct ec_conn *cn, struct rte_mbuf *m, uint8_t flags, uint16_t method,
	   uint32_t body_len)
{
	struct ec_entry *e = &cn->tab[cn->next_stream & cn->tmask];
	uint16_t data_len = m->data_len;
	uint32_t pkt_len = m->pkt_len;

	/* The header with body 0 (it fits any first segment), then the
	 * lengths the layout set. */
	m->data_len = 0;
	dipc_msg_init(m, flags, method, cn->next_stream, 0);
	dipc_msg_hdr(m)->body_len = body_len;
	m->data_len = data_len;
	m->pkt_len = pkt_len;
	e->m = m;
	e->stream_id = cn->next_stream;
	e->state = EC_ALLOCATED;
	cn->next_stream++;
}

static struct rte_mbuf *
ec_alloc_now(struct ec_conn *cn, uint16_t method, uint32_t body_len, unsigned int flags)
{
	struct rte_mbuf *m;

	if (cn->closed || ec_used(cn) >= cn->window) {
		rte_errno = ENOBUFS;
		return NULL;
	}
	m = ec_mbufs(cn->ep, DIPC_MSG_HDR_LEN + body_len);
	if (m == NULL) {
		rte_errno = ENOBUFS;
		return NULL;
	}
	ec_take_id(cn, m, (uint8_t)(DIPC_MSG_F_REQUEST | flags), method, body_len);
	return m;
}

static struct rte_mbuf *
ec_msg_alloc(struct dipc_client *c, uint16_t method, uint32_t body_len, unsigned int flags,
	     unsigned int wait_ms)
{
	struct ec_conn *cn = ec_conn_of(c);
	uint64_t start, deadline;
	struct rte_mbuf *m;
	unsigned int idle = 0;
	int ret;

	if ((flags & ~DIPC_MSG_F_ONEWAY) != 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	if ((uint64_t)DIPC_MSG_HDR_LEN + body_len > cn->max_msg_len) {
		rte_errno = ENOSPC;
		return NULL;
	}
	m = ec_alloc_now(cn, method, body_len, flags);
	if (m != NULL || wait_ms == 0)
		return m;
	start = rte_get_tsc_cycles();
	deadline = start + cn->ep->hz / 1000 * wait_ms;
	for (;;) {
		int late = rte_get_tsc_cycles() > deadline;

		/* Answers the caller has not taken free nothing: waiting cannot
		 * help while the window is all in its hands. */
		if (ec_used(cn) >= cn->window && cn->next_stream == cn->floor) {
			rte_errno = ENOBUFS;
			return NULL;
		}
		ret = ec_check(c);
		if (ret == 0 && late)
			ret = -ETIMEDOUT;
		if (ret != 0) {
			rte_errno = -ret;
			return NULL;
		}
		m = ec_alloc_now(cn, method, body_len, flags);
		if (m != NULL)
			return m;
		if (++idle > 100)
			rte_delay_us_sleep(20);
	}
}

static int
ec_msg_alloc_bulk(struct dipc_client *c, struct rte_mbuf **m, unsigned int n, uint16_t method,
		  uint32_t body_len, unsigned int flags)
{
	struct ec_conn *cn = ec_conn_of(c);
	uint64_t total = (uint64_t)DIPC_MSG_HDR_LEN + body_len;
	unsigned int k = ec_class_for(cn->ep, total), i;

	if ((flags & ~DIPC_MSG_F_ONEWAY) != 0)
		return -EINVAL;
	if (k == EC_CLASSES || total > cn->max_msg_len)
		return -ENOSPC;
	if (cn->closed || ec_used(cn) + n > cn->window ||
	    rte_pktmbuf_alloc_bulk(cn->ep->pools[k], m, n) != 0)
		return -ENOBUFS;
	for (i = 0; i < n; i++) {
		m[i]->data_len = (uint16_t)total;
		m[i]->pkt_len = (uint32_t)total;
		ec_take_id(cn, m[i], (uint8_t)(DIPC_MSG_F_REQUEST | flags), method, body_len);
	}
	return 0;
}

static void
ec_msg_free(struct dipc_client *c, struct rte_mbuf *m)
{
	struct ec_conn *cn = ec_conn_of(c);

	if (m == NULL)
		return;
	/* A request allocated and not sent: its stream id is finished. */
	if (m->data_len >= DIPC_MSG_HDR_LEN) {
		const struct dipc_msg_hdr *h = dipc_msg_hdr(m);
		struct ec_entry *e = ec_entry(cn, h->stream_id);

		if (e != NULL && e->state == EC_ALLOCATED && e->m == m) {
			e->m = NULL;
			e->state = EC_FREE;
			ec_floor_advance(cn);
		}
	}
	rte_pktmbuf_free(m);
}

static uint32_t
ec_limit(const struct dipc_client *c, enum dipc_client_limit what, unsigned int cls)
{
	const struct ec_conn *cn = (const struct ec_conn *)c;
	const struct ec_endpoint *ep = cn->ep;
	uint32_t top = RTE_MIN(ep->seg_room[EC_CLASSES - 1], cn->max_msg_len);

	switch (what) {
	case DIPC_CLIENT_LIMIT_WINDOW:
	case DIPC_CLIENT_LIMIT_DEPTH:
		return cn->window;
	case DIPC_CLIENT_LIMIT_MAX_BODY:
		return top - DIPC_MSG_HDR_LEN;
	case DIPC_CLIENT_LIMIT_MAX_CHAIN_BODY:
		return cn->max_msg_len - DIPC_MSG_HDR_LEN;
	case DIPC_CLIENT_LIMIT_NB_CLASSES:
		return EC_CLASSES;
	case DIPC_CLIENT_LIMIT_CLASS_MAX_BODY:
		return cls < EC_CLASSES ? RTE_MIN(ep->seg_room[cls], top) - DIPC_MSG_HDR_LEN : 0;
	case DIPC_CLIENT_LIMIT_STREAM_ID:
		return cn->next_stream;
	case DIPC_CLIENT_LIMIT_SLOT:
		return cn->conn_id;
	}
	return 0;
}

static void
ec_stats(const struct dipc_client *c, struct dipc_client_stats *st)
{
	const struct ec_conn *cn = (const struct ec_conn *)c;

	st->tx_msgs = cn->tx_msgs;
	st->rx_msgs = cn->rx_msgs;
	st->resent = cn->resent;
	st->given_up = cn->given_up;
	st->late_answers = cn->late_answers;
	st->tx_lost = cn->tx_lost;
}

/* Free everything @cn holds and forget it. */
static void
ec_conn_free(struct ec_conn *cn)
{
	struct ec_endpoint *ep = cn->ep;
	uint32_t s;

	if (cn->tab != NULL) {
		for (s = cn->floor; s != cn->next_stream; s++) {
			struct ec_entry *e = &cn->tab[s & cn->tmask];

			/* SENT: our reference. ALLOCATED: in the caller's hands,
			 * which close takes back (dipc_client_close()). */
			if (e->state != EC_FREE && e->m != NULL)
				rte_pktmbuf_free(e->m);
		}
	}
	if (cn->rq != NULL)
		while (cn->rq_head != cn->rq_tail)
			rte_pktmbuf_free(cn->rq[cn->rq_head++ & cn->tmask]);
	if (ep != NULL && cn->index < ep->nb_conns && ep->conns[cn->index] == cn) {
		dipc_eth_reasm_flush_conn(ep->reasm, cn->conn_id, &ep->st);
		ep->conns[cn->index] = ep->conns[--ep->nb_conns];
		ep->conns[cn->index]->index = cn->index;
	}
	free(cn->tab);
	free(cn->rq);
	free(cn);
}

static int
ec_close(struct dipc_client *c)
{
	struct ec_conn *cn = ec_conn_of(c);
	struct ec_endpoint *ep = cn->ep;
	struct dipc_eth_close cl = { .status = 0 };
	uint8_t buf[DIPC_ETH_CTRL_MAX_LEN];
	int n = dipc_eth_close_encode(&cl, buf, sizeof(buf)), tries;

	/* Until the server answers with its CLOSE, so that the close is not
	 * lost with a port that goes right after. */
	for (tries = 0; n > 0 && !cn->closed && tries < 10; tries++) {
		struct dipc_eth_frame_tmpl t = cn->tmpl;
		uint64_t until = rte_get_tsc_cycles() + ep->hz / 1000 * 100;

		t.type = DIPC_ETH_T_CLOSE;
		t.ack = cn->next_stream;
		ec_send_ctl(ep, &t, &cn->seq, buf, (unsigned int)n);
		while (!cn->closed && rte_get_tsc_cycles() < until)
			if (ec_poll(ep) == 0)
				rte_delay_us_sleep(50);
	}
	EC_LOG(DEBUG, "connection %u closed%s: %" PRIu64 " resent, %" PRIu64 " given up, %" PRIu64
		      " late answers", cn->conn_id, cn->closed ? "" : " (no answer from the server)",
	       cn->resent, cn->given_up, cn->late_answers);
	ec_conn_free(cn);
	/* The last one: the port stops (EAL's clean-up closes only stopped
	 * ports); the next connect starts it again. */
	if (ep->nb_conns == 0 && ep->started) {
		rte_eth_dev_stop(ep->port);
		ep->started = 0;
		dipc_eth_backlog_drop(&ep->txb);
	}
	return 0;
}

static const struct dipc_client_ops ec_ops = {
	.send_burst = ec_send_burst,
	.recv_burst = ec_recv_burst,
	.msg_alloc = ec_msg_alloc,
	.msg_alloc_bulk = ec_msg_alloc_bulk,
	.msg_free = ec_msg_free,
	.check = ec_check,
	.close = ec_close,
	.limit = ec_limit,
	.stats = ec_stats,
};

/* "A.B.C.D" into network order; @port_out (may be NULL) from ":P". */
static int
ec_parse_addr(const char *s, rte_be32_t *ip, uint16_t *port_out)
{
	char host[INET_ADDRSTRLEN];
	const char *colon = strchr(s, ':');
	size_t len = colon != NULL ? (size_t)(colon - s) : strlen(s);
	struct in_addr a;

	if (len == 0 || len >= sizeof(host) || (colon != NULL && port_out == NULL))
		return -EINVAL;
	memcpy(host, s, len);
	host[len] = '\0';
	if (inet_pton(AF_INET, host, &a) != 1 || a.s_addr == 0 || a.s_addr == UINT32_MAX)
		return -EINVAL;
	*ip = a.s_addr;
	if (colon != NULL) {
		char *end;
		unsigned long p;

		errno = 0;
		p = strtoul(colon + 1, &end, 10);
		if (errno != 0 || end == colon + 1 || *end != '\0' || p == 0 || p > 65535)
			return -EINVAL;
		*port_out = (uint16_t)p;
	}
	return 0;
}

/* The port the options name, or the only one there is. */
static int
ec_find_port(const char *name, uint16_t *port)
{
	uint16_t p, n = 0;

	if (name != NULL)
		return dipc_eth_port_find(name, port);
	RTE_ETH_FOREACH_DEV(p) {
		*port = p;
		n++;
	}
	return n == 1 ? 0 : -ENODEV;
}

/* The process's endpoint, set up by its first eth connect. */
static int
ec_endpoint_init(struct ec_endpoint *ep, const struct dipc_client_opts *o, rte_be32_t local_ip,
		 unsigned int timeout_ms)
{
	struct dipc_eth_port_conf pc;
	char err[256], name[RTE_MEMPOOL_NAMESIZE];
	unsigned int k;
	int ret;

	memset(ep, 0, sizeof(*ep));
	ep->hz = rte_get_tsc_hz();
	ep->mtu = o->mtu != 0 ? o->mtu : EC_MTU_DEFAULT;
	ep->udp_port = rte_cpu_to_be_16(o->local_udp_port != 0 ? o->local_udp_port :
							       EC_UDP_PORT_DEFAULT);
	ep->local_ip = local_ip;
	if (ep->mtu < DIPC_ETH_MTU_MIN || ep->mtu > DIPC_ETH_MTU_MAX) {
		EC_LOG(DEBUG, "MTU %u out of %u..%u", ep->mtu, DIPC_ETH_MTU_MIN, DIPC_ETH_MTU_MAX);
		return -EINVAL;
	}
	ret = ec_find_port(o->port, &ep->port);
	if (ret != 0) {
		EC_LOG(DEBUG, "no port %s (give EAL the device: -a PCI or --vdev)",
		       o->port != NULL ? o->port : "(the only one)");
		return -ENODEV;
	}
	for (k = 0; k < EC_CLASSES; k++) {
		snprintf(name, sizeof(name), "dipc_ec_%u", k);
		ep->pools[k] = rte_pktmbuf_pool_create(name, ec_class_mbufs[k],
						       k == 0 ? 256 : 0, 0, ec_class_room[k],
						       SOCKET_ID_ANY);
		if (ep->pools[k] == NULL)
			goto nomem;
		ep->seg_room[k] = ec_class_room[k] - RTE_PKTMBUF_HEADROOM;
	}
	ep->hdr_pool = rte_pktmbuf_pool_create("dipc_ec_hdr", EC_HDR_MBUFS, 64, 0,
					       RTE_PKTMBUF_HEADROOM + DIPC_ETH_HDR_LEN,
					       SOCKET_ID_ANY);
	ep->ind_pool = rte_pktmbuf_pool_create("dipc_ec_ind", EC_IND_MBUFS, 64, 0, 0,
					       SOCKET_ID_ANY);
	ep->neigh = dipc_eth_neigh_create(16, ep->hz * 60, SOCKET_ID_ANY);
	ep->reasm = dipc_eth_reasm_create(64, 4 * DIPC_ETH_MAX_FRAGS, ep->hz, SOCKET_ID_ANY);
	if (ep->hdr_pool == NULL || ep->ind_pool == NULL || ep->neigh == NULL ||
	    ep->reasm == NULL ||
	    dipc_eth_backlog_init(&ep->txb, EC_BACKLOG, EC_BACKLOG_WAIT_MS, SOCKET_ID_ANY) != 0)
		goto nomem;
	memset(&pc, 0, sizeof(pc));
	pc.port_id = ep->port;
	pc.nb_rxq = 1;
	pc.nb_txq = 1;
	pc.mtu = ep->mtu;
	pc.rx_pool = ep->pools[0];
	pc.socket_id = SOCKET_ID_ANY;
	ret = dipc_eth_port_start(&pc, &ep->info, err, sizeof(err));
	if (ret != 0) {
		/* e.g. a memif client whose server end is not there */
		EC_LOG(ERR, "%s", err);
		ret = -ENODEV;
		goto fail;
	}
	/* Tests of a lossy link: the same variable as the server's. */
	if (getenv(DIPC_ETH_FAULT_ENV) != NULL) {
		struct dipc_eth_fault_conf fc;

		if (dipc_eth_fault_parse(getenv(DIPC_ETH_FAULT_ENV), &fc, err, sizeof(err)) != 0 ||
		    (ep->faults = dipc_eth_fault_attach(ep->port, 1, 1, &fc, err,
							sizeof(err))) == NULL) {
			EC_LOG(ERR, "%s: %s", DIPC_ETH_FAULT_ENV, err);
			rte_eth_dev_stop(ep->port);
			ret = -EINVAL;
			goto fail;
		}
		EC_LOG(WARNING, "%s=%s: injecting faults on port %u", DIPC_ETH_FAULT_ENV,
		       getenv(DIPC_ETH_FAULT_ENV), ep->port);
	}
	ret = dipc_eth_port_link_wait(ep->port, timeout_ms);
	if (ret != 0) {
		EC_LOG(DEBUG, "port %u: no link within %u ms", ep->port, timeout_ms);
		rte_eth_dev_stop(ep->port);
		ret = -ENETDOWN;
		goto fail;
	}
	ep->arp.ip = local_ip;
	ep->arp.mac = ep->info.mac;
	ep->fcfg.mtu = ep->mtu;
	ep->fcfg.udp_port = ep->udp_port;
	ep->fcfg.max_msg_len = DIPC_ETH_MSG_MAX(ep->mtu);
	ep->fcfg.local_ip = local_ip;
	ep->fcfg.local_mac = ep->info.mac;
	if (ep->info.offloads & DIPC_ETH_PORT_OFL_TX_IP_CKSUM)
		ep->fcfg.flags |= DIPC_ETH_F_TX_IP_CKSUM_OFFLOAD;
	if (dipc_eth_frame_cfg_check(&ep->fcfg) != 0) {
		rte_eth_dev_stop(ep->port);
		ret = -EINVAL;
		goto fail;
	}
	ep->ready = 1;
	ep->started = 1;
	return 0;
nomem:
	ret = -ENOMEM;
fail:
	dipc_eth_fault_detach(ep->faults);
	dipc_eth_backlog_free(&ep->txb);
	dipc_eth_reasm_free(ep->reasm);
	dipc_eth_neigh_free(ep->neigh);
	rte_mempool_free(ep->ind_pool);
	rte_mempool_free(ep->hdr_pool);
	for (k = 0; k < EC_CLASSES; k++)
		rte_mempool_free(ep->pools[k]);
	memset(ep, 0, sizeof(*ep));
	return ret;
}

/* The peer's MAC, asking by ARP until @deadline. */
static int
ec_resolve(struct ec_endpoint *ep, rte_be32_t ip, struct rte_ether_addr *mac, uint64_t deadline)
{
	uint64_t next = 0;

	for (;;) {
		uint64_t now = rte_get_tsc_cycles();

		if (dipc_eth_neigh_lookup(ep->neigh, ip, now, mac) == 0)
			return 0;
		if (now > deadline)
			return -ETIMEDOUT;
		if (now >= next) {
			struct rte_mbuf *m = dipc_eth_arp_request(&ep->arp, ip, ep->pools[0], NULL);

			if (m != NULL)
				ec_tx(ep, &m, 1, NULL);
			next = now + ep->hz / 10;
		}
		if (ec_poll(ep) == 0)
			rte_delay_us_sleep(100);
	}
}

/* Send a handshake frame and wait for its answer (@want, or REFUSE),
 * sending again every EC_HANDSHAKE_RETRY_MS. Returns the type received,
 * 0 at the deadline. */
static int
ec_handshake_step(struct ec_endpoint *ep, const struct dipc_eth_frame_tmpl *t, uint32_t *seq,
		  const uint8_t *payload, unsigned int len, uint8_t want, uint64_t deadline)
{
	uint64_t retry = ep->hz / 1000 * EC_HANDSHAKE_RETRY_MS;

	ep->hs.active = 1;
	ep->hs.peer_ip = t->dst_ip;
	ep->hs.peer_port = t->dst_port;
	ep->hs.want = want;
	ep->hs.got = 0;
	for (;;) {
		uint64_t until = rte_get_tsc_cycles() + retry;

		ec_send_ctl(ep, t, seq, payload, len);
		while (ep->hs.got == 0 && rte_get_tsc_cycles() < until)
			if (ec_poll(ep) == 0)
				rte_delay_us_sleep(50);
		if (ep->hs.got != 0 || rte_get_tsc_cycles() > deadline)
			break;
	}
	ep->hs.active = 0;
	return ep->hs.got;
}

/* HELLO, CHALLENGE, PROOF, WELCOME (dipc_eth_conn.h). 0, or a negative
 * errno: the REFUSE's reason, EPROTO for a WELCOME without the server's
 * proof, ETIMEDOUT. */
static int
ec_admit(struct ec_conn *cn, const struct dipc_token *token, uint16_t window, uint64_t deadline)
{
	struct ec_endpoint *ep = cn->ep;
	struct dipc_eth_hello h = {
		.min_version = DIPC_ETH_PROTO_VERSION, .max_version = DIPC_ETH_PROTO_VERSION,
		.window = window, .max_msg_len = ep->fcfg.max_msg_len,
	};
	const struct dipc_eth_ends ends = {
		.client_ip = ep->local_ip, .server_ip = cn->peer_ip,
		.client_port = ep->udp_port, .server_port = cn->peer_port,
	};
	struct dipc_eth_frame_tmpl t = cn->tmpl;
	struct dipc_eth_challenge ch;
	struct dipc_eth_proof pr;
	struct dipc_eth_welcome w;
	struct dipc_eth_refuse rf;
	uint8_t buf[DIPC_ETH_CTRL_MAX_LEN];
	int n, type;

	for (;;) {
		h.client_nonce = rte_rand() | 1;
		n = dipc_eth_hello_encode(&h, buf, sizeof(buf));
		if (n < 0)
			return -EINVAL;
		t.type = DIPC_ETH_T_HELLO;
		type = ec_handshake_step(ep, &t, &cn->seq, buf, (unsigned int)n,
					 DIPC_ETH_T_CHALLENGE, deadline);
		if (type == DIPC_ETH_T_REFUSE)
			goto refused;
		if (type == 0)
			return -ETIMEDOUT;
		if (dipc_eth_challenge_decode(ep->hs.buf, ep->hs.fi.msg_len, &ch) != 0 ||
		    ch.client_nonce != h.client_nonce)
			continue; /* not the answer to this HELLO */
		memset(&pr, 0, sizeof(pr));
		pr.version = ch.version;
		pr.window = window;
		pr.max_msg_len = h.max_msg_len;
		pr.client_nonce = h.client_nonce;
		pr.server_nonce = ch.server_nonce;
		pr.issued = ch.issued;
		if (dipc_eth_proof_mac(token, &pr, &ends, pr.mac) != 0)
			return -EINVAL;
		n = dipc_eth_proof_encode(&pr, buf, sizeof(buf));
		if (n < 0)
			return -EINVAL;
		t.type = DIPC_ETH_T_PROOF;
		type = ec_handshake_step(ep, &t, &cn->seq, buf, (unsigned int)n,
					 DIPC_ETH_T_WELCOME, deadline);
		if (type == DIPC_ETH_T_REFUSE)
			goto refused;
		if (type == 0)
			return -ETIMEDOUT;
		break;
	}
	if (dipc_eth_welcome_decode(ep->hs.buf, ep->hs.fi.msg_len, &w) != 0 ||
	    dipc_eth_welcome_check(token, &w, h.client_nonce, ch.server_nonce, ep->hs.fi.conn_id,
				   ep->hs.fi.conn_gen, &ends) != 0 ||
	    w.window == 0 || w.window > window || w.max_msg_len < DIPC_MSG_HDR_LEN ||
	    w.max_msg_len > h.max_msg_len) {
		EC_LOG(DEBUG, "a WELCOME without the server's proof, or out of bounds");
		return -EPROTO;
	}
	cn->conn_id = ep->hs.fi.conn_id;
	cn->conn_gen = ep->hs.fi.conn_gen;
	cn->window = w.window;
	cn->max_msg_len = w.max_msg_len;
	cn->heartbeat_ms = RTE_MIN(RTE_MAX(w.heartbeat_ms, 1u), 60000u);
	return 0;
refused:
	if (dipc_eth_refuse_decode(ep->hs.buf, ep->hs.fi.msg_len, &rf) != 0)
		return -EPROTO;
	EC_LOG(DEBUG, "refused: %s (%u)", rf.reason, rf.status);
	return -(int)rf.status;
}

static int
ec_load_token(const struct dipc_client_opts *o, struct dipc_token *t)
{
	const char *path = o->token_file != NULL ? o->token_file : getenv("DIPC_TOKEN_FILE");
	char err[256];
	int ret;

	if (path == NULL || *path == '\0')
		return -EACCES; /* the eth transport always asks for one */
	ret = dipc_token_load(path, 0, t, err, sizeof(err));
	if (ret != 0)
		EC_LOG(DEBUG, "%s", err);
	return ret;
}

struct dipc_client *
dipc_eth_client_connect(const struct dipc_client_opts *o)
{
	struct ec_endpoint *ep = &ec_ep;
	unsigned int timeout_ms = o->timeout_ms != 0 ? o->timeout_ms : 1000, tsize;
	uint64_t hz = rte_get_tsc_hz(), deadline = rte_get_tsc_cycles() + hz / 1000 * timeout_ms;
	uint16_t peer_port = DIPC_ETH_UDP_PORT_DEFAULT;
	uint32_t window = o->window != 0 ? o->window : EC_WINDOW_DEFAULT;
	struct rte_ether_addr peer_mac;
	struct ec_conn *cn = NULL;
	struct dipc_token token;
	rte_be32_t peer_ip, local_ip;
	int ret;

	if (o->peer == NULL || o->local_ip == NULL ||
	    ec_parse_addr(o->peer, &peer_ip, &peer_port) != 0 ||
	    ec_parse_addr(o->local_ip, &local_ip, NULL) != 0) {
		EC_LOG(DEBUG, "eth needs peer (A.B.C.D[:PORT]) and local_ip (A.B.C.D)");
		ret = -EINVAL;
		goto fail;
	}
	window = RTE_MIN(window, (uint32_t)EC_WINDOW_MAX);
	ret = ec_load_token(o, &token);
	if (ret != 0)
		goto fail;
	if (!ep->ready) {
		ret = ec_endpoint_init(ep, o, local_ip, timeout_ms);
		if (ret != 0)
			goto fail;
	} else if (ep->local_ip != local_ip) {
		EC_LOG(DEBUG, "local_ip differs from the first connection's");
		ret = -EINVAL;
		goto fail;
	} else if (!ep->started) {
		ret = rte_eth_dev_start(ep->port);
		if (ret == 0)
			ret = dipc_eth_port_link_wait(ep->port, timeout_ms) == 0 ? 0 : -ENETDOWN;
		else
			ret = -ENODEV;
		if (ret != 0) {
			rte_eth_dev_stop(ep->port);
			goto fail;
		}
		ep->started = 1;
	}
	if (ep->nb_conns == EC_MAX_CONNS) {
		ret = -EBUSY;
		goto fail;
	}
	cn = calloc(1, sizeof(*cn));
	if (cn == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	cn->ep = ep;
	cn->index = EC_MAX_CONNS; /* not in ep->conns yet */
	cn->peer_ip = peer_ip;
	cn->peer_port = rte_cpu_to_be_16(peer_port);
	ret = ec_resolve(ep, peer_ip, &peer_mac, deadline);
	if (ret != 0) {
		EC_LOG(DEBUG, "no ARP answer from the server's address");
		ret = -EHOSTUNREACH;
		goto fail;
	}
	cn->tmpl.src_mac = ep->info.mac;
	cn->tmpl.dst_mac = peer_mac;
	cn->tmpl.src_ip = local_ip;
	cn->tmpl.dst_ip = peer_ip;
	cn->tmpl.src_port = ep->udp_port;
	cn->tmpl.dst_port = cn->peer_port;
	/* A full server (EAGAIN) may have room a moment later: try again
	 * until the deadline, as the ring transport does. */
	for (;;) {
		ret = ec_admit(cn, &token, (uint16_t)window, deadline);
		if (ret != -EAGAIN || rte_get_tsc_cycles() > deadline)
			break;
		rte_delay_us_sleep(1000);
	}
	if (ret == -EAGAIN)
		ret = -EBUSY;
	if (ret != 0)
		goto fail;
	for (tsize = 1; tsize < cn->window; tsize <<= 1)
		;
	cn->tmask = tsize - 1;
	cn->tab = calloc(tsize, sizeof(*cn->tab));
	cn->rq = calloc(tsize, sizeof(struct rte_mbuf *));
	if (cn->tab == NULL || cn->rq == NULL) {
		ret = -ENOMEM;
		goto fail_admitted;
	}
	cn->next_stream = 1;
	cn->floor = 1;
	cn->tmpl.conn_id = cn->conn_id;
	cn->tmpl.conn_gen = cn->conn_gen;
	cn->tmpl.credits = (uint16_t)cn->window;
	cn->retry_cycles = hz / 1000 * (o->retry_ms != 0 ? o->retry_ms : EC_RETRY_MS_DEFAULT);
	cn->give_up_cycles = hz / 1000 * (o->request_timeout_ms != 0 ? o->request_timeout_ms :
								      EC_GIVE_UP_MS_DEFAULT);
	cn->rto_max_cycles = hz / 1000 * EC_RTO_MAX_MS;
	cn->silent_cycles = hz / 1000 * cn->heartbeat_ms * EC_SILENT_PERIODS;
	cn->last_heard = rte_get_tsc_cycles();
	cn->core.tx_msgs = &cn->tx_msgs;
	cn->core.rx_msgs = &cn->rx_msgs;
	cn->core.ops = &ec_ops;
	cn->index = ep->nb_conns;
	ep->conns[ep->nb_conns++] = cn;
	EC_LOG(DEBUG, "admitted: connection %u generation %u window %u max message %u",
	       cn->conn_id, cn->conn_gen, cn->window, cn->max_msg_len);
	explicit_bzero(&token, sizeof(token));
	return (struct dipc_client *)cn;
fail_admitted:
	/* Tell the server, which would otherwise wait for our silence. */
	{
		struct dipc_eth_close cl = { .status = ENOMEM };
		struct dipc_eth_frame_tmpl t = cn->tmpl;
		uint8_t buf[DIPC_ETH_CTRL_MAX_LEN];
		int n = dipc_eth_close_encode(&cl, buf, sizeof(buf));

		t.conn_id = cn->conn_id;
		t.conn_gen = cn->conn_gen;
		t.type = DIPC_ETH_T_CLOSE;
		if (n > 0)
			ec_send_ctl(ep, &t, &cn->seq, buf, (unsigned int)n);
	}
fail:
	explicit_bzero(&token, sizeof(token));
	if (cn != NULL)
		ec_conn_free(cn);
	/* No connection left: the port stops, as at the last close. */
	if (ep->ready && ep->started && ep->nb_conns == 0) {
		rte_eth_dev_stop(ep->port);
		ep->started = 0;
	}
	rte_errno = -ret;
	return NULL;
}
