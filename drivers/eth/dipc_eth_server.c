/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The eth transport, the server's side (struct server_transport_ops):
 * clients on other hosts, through one ethdev port (config [eth]).
 *
 * The port has one receive and one transmit queue per worker (vdevs such
 * as net_memif and net_af_packet have queue pairs: no extra queue for the
 * control lcore, whose frames worker 0 sends). Its receive queues take from
 * the transport's own pool (maps[SERVER_ETH_CLASS]), never lent to a
 * local client, so a received mbuf is the server's alone and becomes the
 * message in place (headers stripped, no copy). Each worker, once per
 * pass (worker_poll()):
 *   - receives a burst on its queue and checks every frame
 *     (dipc_eth_frame_parse()): DATA frames are reassembled
 *     (dipc_eth_reasm_input()) and a whole message goes to its
 *     connection's queue, a private array of the owning worker, after its
 *     connection id, generation and sender (address and UDP port, pinned
 *     at admission) were checked; a message for a connection another
 *     worker serves is handed to that worker (its MP/SC ring); ARP and
 *     control frames (admission, heartbeats, close) go to the control
 *     lcore's ring, unchanged;
 *   - then the core polls its connections: rx_burst() describes the
 *     queued messages (private copies of what it reads, as the ring
 *     transport does), the core runs the handlers and builds the answers
 *     in place, and tx_burst() frames them (dipc_eth_frame_build(): the
 *     headers prepended in place, or header and indirect mbufs for a
 *     chain or a message of several frames) and sends them on the
 *     worker's queue.
 * The control lcore (control()) answers ARP for the port's address, runs
 * the admission (HELLO, CHALLENGE with a stateless cookie, PROOF checked
 * against the token, WELCOME: dipc_eth_conn.h), answers PINGs, closes
 * connections whose peer sent CLOSE or went silent for four heartbeat
 * periods, and sends each peer a PING every period.
 *
 * Not yet (issue 11, parts 3 and 4): retransmission, the per-connection
 * window of answered stream ids, credits beyond the admission's window.
 * A message lost on the wire is a call that times out on the client.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dipc_config.h"
#include "dipc_eth_arp.h"
#include "dipc_eth_conn.h"
#include "dipc_eth_frame.h"
#include "dipc_eth_port.h"
#include "server_private.h"

/* Messages a connection's queue holds: its window is at most this. */
#define ETH_STAGE 256
/* Frames a worker receives per poll. */
#define ETH_RX_BURST 32
/* Frames sent at once: a burst of answers, each up to this many frames. */
#define ETH_TX_FRAMES 512
/* Messages handed between workers, and frames to the control lcore. */
#define ETH_HANDOFF_SIZE 1024
#define ETH_CONTROL_SIZE 1024
/* Control frames handled per control pass. */
#define ETH_CONTROL_BURST 64
/* A peer silent for this many heartbeat periods is gone. */
#define ETH_SILENT_PERIODS 4
/* A CHALLENGE's cookie is good for this long (ms). */
#define ETH_COOKIE_MAX_AGE_MS 5000
/* Partial messages per worker, and how long one may wait for its rest. */
#define ETH_REASM_ENTRIES 256
#define ETH_REASM_TIMEOUT_MS 1000
/* Tries to send what the transmit queue had no room for. */
#define ETH_TX_RETRIES 64

/* Frames the transport dropped, beyond the frame layer's reasons. */
enum eth_drop {
	ETH_DROP_UNKNOWN_CONN, /* no such connection, or not from its peer */
	ETH_DROP_OVER_WINDOW,  /* the connection's queue is full (more than its window) */
	ETH_DROP_HANDOFF_FULL, /* another worker's handoff ring is full */
	ETH_DROP_CONTROL_FULL, /* the control lcore's ring is full */
	ETH_DROP_TX_FULL,      /* frames the port would not take */
	ETH_DROP_TX_BUILD,     /* answers that could not be framed (pools empty) */
	ETH_DROP_MAX
};

static const char *const eth_drop_names[ETH_DROP_MAX] = {
	[ETH_DROP_UNKNOWN_CONN] = "unknown_conn",
	[ETH_DROP_OVER_WINDOW] = "over_window",
	[ETH_DROP_HANDOFF_FULL] = "handoff_full",
	[ETH_DROP_CONTROL_FULL] = "control_full",
	[ETH_DROP_TX_FULL] = "tx_full",
	[ETH_DROP_TX_BUILD] = "tx_build",
};

/* A connection's eth state, in the server's private memory. */
struct eth_slot {
	/* Set by the control lcore before it publishes the slot (active),
	 * read by the workers. */
	struct dipc_eth_frame_tmpl tmpl; /* the answers' frames */
	rte_be32_t peer_ip;
	rte_be16_t peer_port;
	uint32_t window;
	uint32_t active;        /* 1: workers feed its queue (release/acquire) */
	/* The owning worker's: its queue of whole requests. tail is the
	 * word the worker watches (server_slot.watch). */
	uint32_t head;
	uint32_t tail;
	uint32_t rx_seq;        /* highest request seq received */
	uint32_t tx_seq;        /* answers framed */
	uint64_t last_heard;    /* TSC of the last frame from the peer (relaxed) */
	struct rte_mbuf *stage[ETH_STAGE];
	/* The control lcore's. */
	uint64_t client_nonce;
	uint64_t server_nonce;
	uint64_t next_ping;     /* TSC */
	uint64_t pings;
	struct rte_ether_addr peer_mac;
} __rte_cache_aligned;

/* A worker's eth state. */
struct eth_worker {
	struct dipc_eth_reasm *reasm;
	struct rte_ring *handoff;  /* messages for this worker's connections, MP/SC */
	uint64_t next_expire;      /* TSC */
	/* The control lcore's: the worker's poll count when it last looked,
	 * and when it last saw that count move (TSC). */
	uint64_t seen_polls;
	uint64_t ran_at;
	struct dipc_eth_stats st;
	uint64_t drops[ETH_DROP_MAX];
} __rte_cache_aligned;

struct eth_server {
	uint16_t port;
	struct dipc_eth_port_info info;
	struct dipc_eth_frame_cfg fcfg;
	struct dipc_eth_arp_cfg arp;
	struct dipc_eth_neigh *neigh;
	struct dipc_eth_arp_stats arp_st;
	struct dipc_eth_cookie_key ck;
	struct rte_mempool *rx_pool;   /* the port's receive pool, maps[SERVER_ETH_CLASS] */
	struct rte_mempool *hdr_pool;  /* header mbufs of chained frames */
	struct rte_mempool *ind_pool;  /* indirect mbufs of multi-frame messages */
	struct rte_mempool *ctl_pool;  /* the control lcore's frames */
	struct rte_ring *to_control;   /* ARP and control frames from the workers, MP/SC */
	struct rte_ring *ctl_tx;       /* the control lcore's frames, sent by worker 0 */
	int workers_stopped;           /* then the control lcore sends on queue 0 itself */
	struct eth_worker *ew;         /* [nb_workers] */
	struct eth_slot *slots;        /* [max_conns] */
	uint64_t hz;
	uint64_t start;                /* TSC at setup: the cookies' clock */
	int started;
	/* Control lcore counters. */
	struct dipc_eth_stats ctl_st;
	uint64_t hellos, challenges, proofs, admitted, refused, pings_in, pongs_out;
	uint64_t closes_in, silent, bad_control, ctl_tx_dropped;
	uint64_t drops[ETH_DROP_MAX];
};

static inline struct eth_server *
eth_of(const struct dipc_server *s)
{
	return s->tpriv[DIPC_TRANSPORT_ETH];
}

/* A slot's eth state: by index, since server_slot.tq is the ring
 * transport's (every slot has rings, whatever it is used for). */
static inline struct eth_slot *
eth_slot_of(const struct dipc_server *s, uint32_t slot)
{
	return &eth_of(s)->slots[slot];
}

/* ms since setup: the cookies' clock. */
static inline uint64_t
eth_ms(const struct eth_server *es, uint64_t tsc)
{
	return (tsc - es->start) * 1000 / es->hz;
}

/* A frame of the control lcore out: through worker 0, which sends it on
 * its queue, or on queue 0 directly once the workers stopped. */
static void
ctl_out(struct eth_server *es, struct rte_mbuf *m)
{
	unsigned int tries;

	if (!es->workers_stopped) {
		if (rte_ring_mp_enqueue(es->ctl_tx, m) != 0) {
			rte_pktmbuf_free(m);
			es->ctl_tx_dropped++;
		}
		return;
	}
	for (tries = 0; tries < ETH_TX_RETRIES; tries++)
		if (rte_eth_tx_burst(es->port, 0, &m, 1) == 1)
			return;
	rte_pktmbuf_free(m);
	es->ctl_tx_dropped++;
}

/*
 * Send one control frame from the control lcore: @payload (its encoded
 * bytes) with the header fields of @t. Counted and dropped when the pool
 * is empty or the way out full.
 */
static void
ctl_send(struct eth_server *es, const struct dipc_eth_frame_tmpl *t, const uint8_t *payload,
	 unsigned int len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(es->ctl_pool), *frames[2];
	int n;

	if (m == NULL) {
		es->ctl_tx_dropped++;
		return;
	}
	if (len != 0)
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), payload, len);
	n = dipc_eth_frame_build(&es->fcfg, t, m, NULL, NULL, frames, RTE_DIM(frames),
				 &es->ctl_st);
	if (n != 1) {
		rte_pktmbuf_free(m);
		es->ctl_tx_dropped++;
		return;
	}
	ctl_out(es, frames[0]);
}

/* The header template of an answer to the sender of @fi. */
static void
tmpl_reply(const struct eth_server *es, const struct dipc_eth_frame_info *fi, uint8_t type,
	   struct dipc_eth_frame_tmpl *t)
{
	memset(t, 0, sizeof(*t));
	t->src_mac = es->info.mac;
	t->dst_mac = fi->src_mac;
	t->src_ip = es->arp.ip;
	t->dst_ip = fi->src_ip;
	t->src_port = es->fcfg.udp_port;
	t->dst_port = fi->src_port;
	t->type = type;
	t->seq = fi->seq;
}

static void
send_refuse(struct dipc_server *s, struct eth_server *es, const struct dipc_eth_frame_info *fi,
	    int err, uint64_t *counter, const char *why)
{
	struct dipc_eth_refuse r;
	struct dipc_eth_frame_tmpl t;
	uint8_t buf[DIPC_ETH_REFUSE_MIN_LEN + DIPC_ETH_REASON_LEN];
	int n;

	memset(&r, 0, sizeof(r));
	r.status = (uint32_t)err;
	snprintf(r.reason, sizeof(r.reason), "%s", why);
	n = dipc_eth_refuse_encode(&r, buf, sizeof(buf));
	if (n < 0)
		return;
	tmpl_reply(es, fi, DIPC_ETH_T_REFUSE, &t);
	ctl_send(es, &t, buf, (unsigned int)n);
	es->refused++;
	s->ctl.refused++;
	(*counter)++;
}

/* The connection a control frame names, if it is an open eth connection
 * of the frame's sender: its slot, else SERVER_NO_SLOT. */
static uint32_t
conn_of(const struct dipc_server *s, const struct eth_server *es,
	const struct dipc_eth_frame_info *fi)
{
	const struct server_slot *ss;
	const struct eth_slot *e;

	if (fi->conn_id >= s->nb_ready)
		return SERVER_NO_SLOT;
	ss = &s->slots[fi->conn_id];
	e = &es->slots[fi->conn_id];
	if (ss->transport != DIPC_TRANSPORT_ETH || ss->state != SLOT_ACTIVE ||
	    ss->generation != fi->conn_gen || e->peer_ip != fi->src_ip ||
	    e->peer_port != fi->src_port)
		return SERVER_NO_SLOT;
	return fi->conn_id;
}

static void
on_hello(struct dipc_server *s, struct eth_server *es, const struct dipc_eth_frame_info *fi,
	 const uint8_t *p, int stopping)
{
	struct dipc_eth_hello h;
	struct dipc_eth_challenge c;
	struct dipc_eth_frame_tmpl t;
	uint8_t buf[DIPC_ETH_CHALLENGE_LEN];
	int n;

	es->hellos++;
	if (dipc_eth_hello_decode(p, fi->msg_len, &h) != 0) {
		es->bad_control++;
		return;
	}
	if (stopping) {
		send_refuse(s, es, fi, ESHUTDOWN, &s->ctl.refused_shutdown, "server stopping");
		return;
	}
	if (h.min_version > DIPC_ETH_PROTO_VERSION || h.max_version < DIPC_ETH_PROTO_VERSION) {
		send_refuse(s, es, fi, EPROTONOSUPPORT, &s->ctl.refused_version,
			    "no common protocol version");
		return;
	}
	memset(&c, 0, sizeof(c));
	c.version = DIPC_ETH_PROTO_VERSION;
	c.client_nonce = h.client_nonce;
	c.issued = eth_ms(es, rte_get_tsc_cycles());
	c.server_nonce = dipc_eth_cookie(&es->ck, h.client_nonce, c.issued, fi->src_ip,
					 fi->src_port);
	n = dipc_eth_challenge_encode(&c, buf, sizeof(buf));
	if (n < 0)
		return;
	tmpl_reply(es, fi, DIPC_ETH_T_CHALLENGE, &t);
	ctl_send(es, &t, buf, (unsigned int)n);
	es->challenges++;
}

static void
send_welcome(struct dipc_server *s, struct eth_server *es, uint32_t slot,
	     const struct dipc_eth_frame_info *fi, uint32_t max_msg_len)
{
	const struct server_slot *ss = &s->slots[slot];
	const struct eth_slot *e = &es->slots[slot];
	const struct dipc_eth_ends ends = {
		.client_ip = fi->src_ip, .server_ip = es->arp.ip,
		.client_port = fi->src_port, .server_port = es->fcfg.udp_port,
	};
	struct dipc_eth_welcome w;
	struct dipc_eth_frame_tmpl t;
	uint8_t buf[DIPC_ETH_WELCOME_LEN];
	int n;

	memset(&w, 0, sizeof(w));
	w.version = DIPC_ETH_PROTO_VERSION;
	w.window = (uint16_t)e->window;
	w.max_msg_len = max_msg_len;
	w.heartbeat_ms = s->cfg.heartbeat_ms;
	w.queue = (uint16_t)ss->worker;
	if (dipc_eth_welcome_mac(&s->token, &w, e->client_nonce, e->server_nonce, slot,
				 ss->generation, &ends, w.mac) != 0)
		return;
	n = dipc_eth_welcome_encode(&w, buf, sizeof(buf));
	if (n < 0)
		return;
	tmpl_reply(es, fi, DIPC_ETH_T_WELCOME, &t);
	t.conn_id = slot;
	t.conn_gen = ss->generation;
	t.credits = (uint16_t)e->window;
	ctl_send(es, &t, buf, (unsigned int)n);
}

static void
on_proof(struct dipc_server *s, struct eth_server *es, const struct dipc_eth_frame_info *fi,
	 const uint8_t *p, int stopping)
{
	const struct dipc_eth_ends ends = {
		.client_ip = fi->src_ip, .server_ip = es->arp.ip,
		.client_port = fi->src_port, .server_port = es->fcfg.udp_port,
	};
	struct dipc_eth_proof pr;
	struct eth_slot *e;
	uint32_t slot, i, window, max_len;
	int ret;

	es->proofs++;
	if (dipc_eth_proof_decode(p, fi->msg_len, &pr) != 0) {
		es->bad_control++;
		return;
	}
	ret = dipc_eth_cookie_check(&es->ck, &pr, fi->src_ip, fi->src_port,
				    eth_ms(es, rte_get_tsc_cycles()), ETH_COOKIE_MAX_AGE_MS);
	if (ret != 0) {
		send_refuse(s, es, fi, ret == -ETIMEDOUT ? ETIMEDOUT : EACCES, &s->ctl.refused_proto,
			    ret == -ETIMEDOUT ? "challenge expired" : "not our challenge");
		return;
	}
	if (dipc_eth_proof_check(&s->token, &pr, &ends) != 0) {
		send_refuse(s, es, fi, EACCES, &s->ctl.refused_token, "wrong token");
		return;
	}
	/* A PROOF sent again (the WELCOME was lost): the same connection. */
	for (i = 0; i < s->nb_ready; i++) {
		e = &es->slots[i];
		if (s->slots[i].transport == DIPC_TRANSPORT_ETH &&
		    s->slots[i].state == SLOT_ACTIVE && e->server_nonce == pr.server_nonce &&
		    e->client_nonce == pr.client_nonce && e->peer_ip == fi->src_ip &&
		    e->peer_port == fi->src_port) {
			send_welcome(s, es, i, fi, RTE_MIN(pr.max_msg_len, es->fcfg.max_msg_len));
			return;
		}
	}
	if (stopping) {
		send_refuse(s, es, fi, ESHUTDOWN, &s->ctl.refused_shutdown, "server stopping");
		return;
	}
	slot = server_free_slot(s);
	if (slot == SERVER_NO_SLOT) {
		send_refuse(s, es, fi, EAGAIN, &s->ctl.refused_full, "no free connection");
		return;
	}
	window = RTE_MIN(RTE_MIN((uint32_t)pr.window, (uint32_t)ETH_STAGE), s->cfg.conn_mbufs);
	max_len = RTE_MIN(pr.max_msg_len, es->fcfg.max_msg_len);
	e = &es->slots[slot];
	memset(&e->tmpl, 0, sizeof(e->tmpl));
	e->tmpl.src_mac = es->info.mac;
	e->tmpl.dst_mac = fi->src_mac;
	e->tmpl.src_ip = es->arp.ip;
	e->tmpl.dst_ip = fi->src_ip;
	e->tmpl.src_port = es->fcfg.udp_port;
	e->tmpl.dst_port = fi->src_port;
	e->tmpl.type = DIPC_ETH_T_DATA;
	e->tmpl.conn_id = slot;
	e->tmpl.credits = (uint16_t)window;
	e->peer_ip = fi->src_ip;
	e->peer_port = fi->src_port;
	e->peer_mac = fi->src_mac;
	e->window = window;
	e->client_nonce = pr.client_nonce;
	e->server_nonce = pr.server_nonce;
	/* Opens the slot: eth_open() sets what the workers read, then
	 * publishes it. */
	if (server_slot_open_remote(s, slot, DIPC_TRANSPORT_ETH, window, -1) != 0) {
		send_refuse(s, es, fi, EAGAIN, &s->ctl.refused_full, "no worker");
		return;
	}
	es->admitted++;
	SERVER_LOG(INFO, "eth: admitted %u.%u.%u.%u:%u on slot %u, worker %u, window %u",
		   ((const uint8_t *)&fi->src_ip)[0], ((const uint8_t *)&fi->src_ip)[1],
		   ((const uint8_t *)&fi->src_ip)[2], ((const uint8_t *)&fi->src_ip)[3],
		   rte_be_to_cpu_16(fi->src_port), slot, s->slots[slot].worker, window);
	send_welcome(s, es, slot, fi, max_len);
}

static void
on_ping(struct eth_server *es, uint32_t slot, const struct dipc_eth_frame_info *fi,
	const uint8_t *p)
{
	struct dipc_eth_ping pg;
	struct dipc_eth_frame_tmpl t;
	uint8_t buf[DIPC_ETH_PING_LEN];
	int n;

	es->pings_in++;
	if (dipc_eth_ping_decode(p, fi->msg_len, &pg) != 0) {
		es->bad_control++;
		return;
	}
	__atomic_store_n(&es->slots[slot].last_heard, rte_get_tsc_cycles(), __ATOMIC_RELAXED);
	n = dipc_eth_ping_encode(&pg, buf, sizeof(buf));
	if (n < 0)
		return;
	t = es->slots[slot].tmpl;
	t.type = DIPC_ETH_T_PONG;
	t.seq = fi->seq;
	ctl_send(es, &t, buf, (unsigned int)n);
	es->pongs_out++;
}

/* One frame the workers passed on: ARP, or a control frame. */
static void
control_frame(struct dipc_server *s, struct eth_server *es, struct rte_mbuf *m, int stopping,
	      int workers_stopped)
{
	struct dipc_eth_frame_info fi;
	struct rte_mbuf *reply = NULL;
	uint8_t payload[DIPC_ETH_CTRL_MAX_LEN];
	enum dipc_eth_drop r;
	uint32_t slot;
	const void *p;

	/* Parsed again here: nothing the workers read is trusted. */
	r = dipc_eth_frame_parse(&es->fcfg, m, &fi);
	if (r == DIPC_ETH_DROP_ARP) {
		if (dipc_eth_arp_input(&es->arp, es->neigh, m, rte_get_tsc_cycles(), es->ctl_pool,
				       &reply, &es->arp_st) == DIPC_ETH_ARP_REPLY) {
			if (reply != m)
				rte_pktmbuf_free(m);
			ctl_out(es, reply);
			return;
		}
		rte_pktmbuf_free(m);
		return;
	}
	if (r != DIPC_ETH_OK || fi.type == DIPC_ETH_T_DATA) {
		es->ctl_st.drops[r]++;
		rte_pktmbuf_free(m);
		return;
	}
	/* The payload, once, into private memory. */
	p = rte_pktmbuf_read(m, DIPC_ETH_HDR_LEN, fi.msg_len, payload);
	if (p == NULL) {
		es->bad_control++;
		rte_pktmbuf_free(m);
		return;
	}
	if (p != payload)
		memcpy(payload, p, fi.msg_len);
	rte_pktmbuf_free(m);
	switch (fi.type) {
	case DIPC_ETH_T_HELLO:
		on_hello(s, es, &fi, payload, stopping);
		break;
	case DIPC_ETH_T_PROOF:
		on_proof(s, es, &fi, payload, stopping);
		break;
	case DIPC_ETH_T_PING:
		slot = conn_of(s, es, &fi);
		if (slot != SERVER_NO_SLOT)
			on_ping(es, slot, &fi, payload);
		else
			es->drops[ETH_DROP_UNKNOWN_CONN]++;
		break;
	case DIPC_ETH_T_PONG:
		slot = conn_of(s, es, &fi);
		if (slot != SERVER_NO_SLOT)
			__atomic_store_n(&es->slots[slot].last_heard, rte_get_tsc_cycles(),
					 __ATOMIC_RELAXED);
		break;
	case DIPC_ETH_T_CLOSE:
		slot = conn_of(s, es, &fi);
		if (slot == SERVER_NO_SLOT) {
			es->drops[ETH_DROP_UNKNOWN_CONN]++;
			break;
		}
		es->closes_in++;
		/* Answered with a CLOSE, so that the peer knows it was heard
		 * before it lets its link go (frames in flight die with it). */
		{
			struct dipc_eth_close c = { .status = 0 };
			struct dipc_eth_frame_tmpl t = es->slots[slot].tmpl;
			uint8_t cb[DIPC_ETH_CLOSE_LEN];

			t.type = DIPC_ETH_T_CLOSE;
			t.seq = fi.seq;
			if (dipc_eth_close_encode(&c, cb, sizeof(cb)) > 0)
				ctl_send(es, &t, cb, sizeof(cb));
		}
		server_slot_gone(s, slot, 0, workers_stopped);
		break;
	default: /* ACK, and what only a server sends */
		es->bad_control++;
		break;
	}
}

/* Control lcore, every pass. */
static void
eth_control(struct dipc_server *s, int stopping, int workers_stopped, int *busy)
{
	struct eth_server *es = eth_of(s);
	struct rte_mbuf *m[ETH_CONTROL_BURST];
	uint64_t now, silent, heard;
	unsigned int n, i, total;

	if (es == NULL || !es->started)
		return;
	es->workers_stopped = workers_stopped;
	/* Every frame waiting (a PONG among them) before a peer is judged
	 * silent; at most the ring's worth per pass. */
	for (total = 0; total < ETH_CONTROL_SIZE; total += n) {
		n = rte_ring_sc_dequeue_burst(es->to_control, (void **)m, RTE_DIM(m), NULL);
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			control_frame(s, es, m[i], stopping, workers_stopped);
		*busy = 1;
	}
	now = rte_get_tsc_cycles();
	silent = es->hz / 1000 * s->cfg.heartbeat_ms * ETH_SILENT_PERIODS;
	/* When each worker last ran: a peer is silent only if its worker
	 * kept polling well after the peer's last frame (a worker kept off
	 * its CPU by a loaded machine has frames waiting, not a dead peer). */
	for (i = 0; i < s->nb_workers; i++) {
		uint64_t polls = __atomic_load_n(&s->workers[i].st.polls, __ATOMIC_RELAXED);

		if (polls != es->ew[i].seen_polls || workers_stopped) {
			es->ew[i].seen_polls = polls;
			es->ew[i].ran_at = now;
		}
	}
	for (i = 0; i < s->nb_ready; i++) {
		struct server_slot *ss = &s->slots[i];
		struct eth_slot *e = &es->slots[i];
		struct dipc_eth_ping pg;
		struct dipc_eth_frame_tmpl t;
		struct dipc_eth_close c = { .status = ESHUTDOWN };
		uint8_t buf[DIPC_ETH_PING_LEN];
		int k;

		if (ss->transport != DIPC_TRANSPORT_ETH || ss->state != SLOT_ACTIVE)
			continue;
		if (workers_stopped) {
			/* The server is going: tell the peer, and close. */
			k = dipc_eth_close_encode(&c, buf, sizeof(buf));
			t = e->tmpl;
			t.type = DIPC_ETH_T_CLOSE;
			if (k > 0)
				ctl_send(es, &t, buf, (unsigned int)k);
			server_slot_gone(s, i, 0, workers_stopped);
			*busy = 1;
			continue;
		}
		heard = __atomic_load_n(&e->last_heard, __ATOMIC_RELAXED);
		if (now - heard > silent && es->ew[ss->worker].ran_at > heard &&
		    es->ew[ss->worker].ran_at - heard > silent) {
			es->silent++;
			SERVER_LOG(NOTICE, "eth: slot %u: no frame from its peer for %u ms: closing",
				   i, s->cfg.heartbeat_ms * ETH_SILENT_PERIODS);
			server_slot_gone(s, i, 1, workers_stopped);
			*busy = 1;
			continue;
		}
		if (now >= e->next_ping) {
			e->next_ping = now + es->hz / 1000 * s->cfg.heartbeat_ms;
			pg.stamp = now;
			pg.seq = ++e->pings;
			k = dipc_eth_ping_encode(&pg, buf, sizeof(buf));
			t = e->tmpl;
			t.type = DIPC_ETH_T_PING;
			if (k > 0)
				ctl_send(es, &t, buf, (unsigned int)k);
		}
	}
}

/* Queue a whole message on its connection (owning worker only). */
static __rte_always_inline void
stage(struct eth_worker *ew, struct eth_slot *e, struct rte_mbuf *m, uint32_t seq, uint64_t now)
{
	if (unlikely(e->tail - e->head >= e->window)) {
		ew->drops[ETH_DROP_OVER_WINDOW]++;
		rte_pktmbuf_free(m);
		return;
	}
	e->stage[e->tail & (ETH_STAGE - 1)] = m;
	e->tail++;
	if ((int32_t)(seq - e->rx_seq) > 0)
		e->rx_seq = seq;
	__atomic_store_n(&e->last_heard, now, __ATOMIC_RELAXED);
}

/* A whole message from the port: to its connection's queue, here or on
 * the worker that serves it. */
static void
deliver(struct dipc_server *s, struct eth_server *es, struct server_worker *w,
	struct rte_mbuf *m, const struct dipc_eth_frame_info *fi, uint64_t now)
{
	struct eth_worker *ew = &es->ew[w->index];
	const struct server_slot *ss;
	struct eth_slot *e;
	uint32_t slot = fi->conn_id, owner;

	if (unlikely(slot >= s->cfg.max_conns)) {
		ew->drops[ETH_DROP_UNKNOWN_CONN]++;
		rte_pktmbuf_free(m);
		return;
	}
	ss = &s->slots[slot];
	e = &es->slots[slot];
	/* Acquire: what the control lcore set before it published the slot. */
	if (unlikely(!__atomic_load_n(&e->active, __ATOMIC_ACQUIRE) ||
		     ss->generation != fi->conn_gen || e->peer_ip != fi->src_ip ||
		     e->peer_port != fi->src_port)) {
		ew->drops[ETH_DROP_UNKNOWN_CONN]++;
		rte_pktmbuf_free(m);
		return;
	}
	owner = ss->worker;
	if (likely(owner == w->index)) {
		stage(ew, e, m, fi->seq, now);
		return;
	}
	/* Another worker's connection: its handoff ring, with the slot and
	 * seq in fields only the server writes of its own mbufs (checked
	 * again there). */
	m->hash.fdir.hi = slot;
	m->hash.fdir.lo = fi->seq;
	if (rte_ring_mp_enqueue(es->ew[owner].handoff, m) != 0) {
		ew->drops[ETH_DROP_HANDOFF_FULL]++;
		rte_pktmbuf_free(m);
	}
}

/* Every worker, once per pass: the port's queue, then the handoffs. */
static unsigned int
eth_worker_poll(struct server_worker *w)
{
	struct dipc_server *s = w->s;
	struct eth_server *es = eth_of(s);
	struct eth_worker *ew = &es->ew[w->index];
	struct rte_mbuf *pkts[ETH_RX_BURST], *out;
	struct dipc_eth_frame_info fi;
	unsigned int n, i, work;
	enum dipc_eth_drop r;
	uint64_t now;

	n = rte_eth_rx_burst(es->port, (uint16_t)w->index, pkts, ETH_RX_BURST);
	work = n;
	now = n != 0 ? rte_get_tsc_cycles() : 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		ew->st.frames_in++;
		r = dipc_eth_frame_parse(&es->fcfg, m, &fi);
		if (likely(r == DIPC_ETH_OK && fi.type == DIPC_ETH_T_DATA)) {
			r = dipc_eth_reasm_input(ew->reasm, m, &fi, now, &out, &ew->st);
			if (r == DIPC_ETH_OK && out != NULL)
				deliver(s, es, w, out, &fi, now);
			continue;
		}
		if (r == DIPC_ETH_OK || r == DIPC_ETH_DROP_ARP) {
			/* Admission, heartbeats, ARP: the control lcore's. */
			if (rte_ring_mp_enqueue(es->to_control, m) != 0) {
				ew->drops[ETH_DROP_CONTROL_FULL]++;
				rte_pktmbuf_free(m);
			}
			continue;
		}
		ew->st.drops[r]++;
		rte_pktmbuf_free(m);
	}
	/* Messages other workers received for this worker's connections. */
	if (unlikely(rte_ring_count(ew->handoff) != 0)) {
		n = rte_ring_sc_dequeue_burst(ew->handoff, (void **)pkts, ETH_RX_BURST, NULL);
		now = rte_get_tsc_cycles();
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			uint32_t slot = m->hash.fdir.hi;

			if (slot >= s->cfg.max_conns || s->slots[slot].worker != w->index ||
			    !__atomic_load_n(&es->slots[slot].active, __ATOMIC_ACQUIRE)) {
				ew->drops[ETH_DROP_UNKNOWN_CONN]++;
				rte_pktmbuf_free(m);
				continue;
			}
			stage(ew, &es->slots[slot], m, m->hash.fdir.lo, now);
		}
		work += n;
	}
	/* The control lcore's frames: worker 0 sends them. */
	if (w->index == 0 && unlikely(rte_ring_count(es->ctl_tx) != 0)) {
		unsigned int sent = 0, tries;

		n = rte_ring_sc_dequeue_burst(es->ctl_tx, (void **)pkts, ETH_RX_BURST, NULL);
		for (tries = 0; sent < n && tries < ETH_TX_RETRIES; tries++)
			sent += rte_eth_tx_burst(es->port, 0, pkts + sent, (uint16_t)(n - sent));
		if (sent < n) {
			ew->drops[ETH_DROP_TX_FULL] += n - sent;
			rte_pktmbuf_free_bulk(pkts + sent, n - sent);
		}
		work += n;
	}
	/* Partial messages whose rest never came. */
	if (unlikely(now != 0 && now >= ew->next_expire)) {
		ew->next_expire = now + es->hz / 1000;
		dipc_eth_reasm_expire(ew->reasm, now, &ew->st);
	}
	return work;
}

/*
 * Describe the queued messages of a connection for the core: each read
 * once into private copies (w->msgs, its chain list), as the ring
 * transport does. The mbufs are the server's own (the port's pool), but
 * sit in hugepage memory other processes map, so nothing read twice.
 */
static unsigned int
eth_rx_burst(struct server_worker *w, struct server_slot *ss, uint32_t slot, unsigned int burst)
{
	struct dipc_server *s = w->s;
	const struct dipc_ring_owner_map *pm = &s->maps[SERVER_ETH_CLASS];
	struct eth_slot *e = eth_slot_of(s, slot);
	unsigned int n, i;

	n = RTE_MIN(e->tail - e->head, burst);
	ss->watch_seen[0] = e->tail;
	for (i = 0; i < n; i++) {
		struct dipc_server_msg *msg = &w->msgs[i];
		struct rte_mbuf *m = e->stage[e->head++ & (ETH_STAGE - 1)];
		struct server_chain *c = server_req_chain(w, msg);
		uint16_t data_off = m->data_off, data_len = m->data_len, nb_segs = m->nb_segs;
		uint32_t pkt_len = m->pkt_len, sum = 0;
		struct rte_mbuf *seg;
		unsigned int k;
		int ok;

		msg->mbuf = m;
		msg->cls_ = SERVER_ETH_CLASS;
		msg->nb_segs = 1;
		ok = (uint32_t)data_off + data_len <= pm->buf_len &&
		     (uint32_t)data_off + DIPC_MSG_HDR_LEN <= pm->buf_len;
		if (likely(ok && nb_segs == 1 && m->next == NULL)) {
			msg->data_off_ = data_off;
			msg->body = (uint8_t *)m + pm->buf_offset + data_off + DIPC_MSG_HDR_LEN;
			msg->room = (uint32_t)pm->buf_len - data_off - DIPC_MSG_HDR_LEN;
			msg->status_ = (uint8_t)server_read_header(msg, msg->body - DIPC_MSG_HDR_LEN,
								   data_len, data_len);
			continue;
		}
		/* A chain (a message of several frames): its segments once. */
		c->nb = 0;
		seg = m;
		for (k = 0; ok && seg != NULL; k++) {
			uint16_t off = seg->data_off, len = seg->data_len;

			if (k == DIPC_MSG_MAX_SEGS || k == nb_segs ||
			    (uintptr_t)seg - pm->base >= pm->span || (uint32_t)off + len > pm->buf_len) {
				ok = 0;
				break;
			}
			c->seg[k] = seg;
			c->cls[k] = SERVER_ETH_CLASS;
			c->off[k] = off;
			c->len[k] = len;
			sum += len;
			seg = seg->next;
		}
		c->nb = (uint16_t)k;
		ok = ok && k == nb_segs && sum == pkt_len && c->len[0] >= DIPC_MSG_HDR_LEN;
		if (unlikely(!ok)) {
			/* Not as the frame layer built it: drop it whole, answer
			 * in the head's usual place. */
			server_chain_free_tail(s, c);
			c->nb = 1;
			m->next = NULL;
			m->nb_segs = 1;
			msg->data_off_ = RTE_PKTMBUF_HEADROOM;
			msg->body = (uint8_t *)m + pm->buf_offset + RTE_PKTMBUF_HEADROOM +
				    DIPC_MSG_HDR_LEN;
			msg->room = (uint32_t)pm->buf_len - RTE_PKTMBUF_HEADROOM - DIPC_MSG_HDR_LEN;
			server_msg_no_header(msg);
			msg->status_ = DIPC_STATUS_BAD_MBUF;
			ss->cnt.bad_chains++;
			continue;
		}
		msg->nb_segs = (uint8_t)c->nb;
		msg->data_off_ = c->off[0];
		msg->body = (uint8_t *)m + pm->buf_offset + c->off[0] + DIPC_MSG_HDR_LEN;
		msg->room = (uint32_t)pm->buf_len - c->off[0] - DIPC_MSG_HDR_LEN;
		msg->status_ = (uint8_t)server_read_header(msg, msg->body - DIPC_MSG_HDR_LEN,
							   c->len[0], pkt_len);
	}
	ss->cnt.rx_msgs += n;
	return n;
}

/* Frame the answers and send them on the worker's queue. */
static void
eth_tx_burst(struct server_worker *w, struct server_slot *ss, uint32_t slot,
	     const struct server_tx *tx)
{
	struct dipc_server *s = w->s;
	struct eth_server *es = eth_of(s);
	struct eth_worker *ew = &es->ew[w->index];
	struct eth_slot *e = eth_slot_of(s, slot);
	struct rte_mbuf *frames[ETH_TX_FRAMES];
	unsigned int i, nb = 0, sent, tries;
	int k;

	for (i = 0; i < tx->nb; i++) {
		e->tmpl.seq = ++e->tx_seq;
		e->tmpl.ack = e->rx_seq;
		k = dipc_eth_frame_build(&es->fcfg, &e->tmpl, tx->m[i], es->hdr_pool, es->ind_pool,
					 frames + nb, ETH_TX_FRAMES - nb, &ew->st);
		if (unlikely(k < 0)) {
			ew->drops[ETH_DROP_TX_BUILD]++;
			rte_pktmbuf_free(tx->m[i]);
			continue;
		}
		nb += (unsigned int)k;
		/* The next answer may be a whole message of frames. */
		if (nb + DIPC_ETH_MAX_FRAGS > ETH_TX_FRAMES || i + 1 == tx->nb) {
			sent = 0;
			for (tries = 0; sent < nb && tries < ETH_TX_RETRIES; tries++)
				sent += rte_eth_tx_burst(es->port, (uint16_t)w->index, frames + sent,
							 (uint16_t)(nb - sent));
			if (unlikely(sent < nb)) {
				ew->drops[ETH_DROP_TX_FULL] += nb - sent;
				rte_pktmbuf_free_bulk(frames + sent, nb - sent);
			}
			nb = 0;
		}
	}
	for (i = 0; i < tx->nb_drop; i++)
		rte_pktmbuf_free(tx->drop[i]);
	ss->cnt.tx_msgs += tx->nb;
}

static void
eth_depths(const struct dipc_server *s, uint32_t slot, struct server_depths *d)
{
	const struct eth_slot *e = eth_slot_of(s, slot);

	memset(d, 0, sizeof(*d));
	d->req_waiting = __atomic_load_n(&e->tail, __ATOMIC_RELAXED) -
			 __atomic_load_n(&e->head, __ATOMIC_RELAXED);
	d->window = e->window;
}

/* Control lcore: the slot's eth state is set (on_proof()); publish it. */
static void
eth_open(struct dipc_server *s, uint32_t slot, uint32_t window)
{
	struct server_slot *ss = &s->slots[slot];
	struct eth_slot *e = eth_slot_of(s, slot);
	uint64_t now = rte_get_tsc_cycles();

	e->window = RTE_MIN(window, (uint32_t)ETH_STAGE);
	e->head = 0;
	e->tail = 0;
	e->rx_seq = 0;
	e->tx_seq = 0;
	e->tmpl.conn_gen = ss->generation;
	e->last_heard = now;
	e->next_ping = now;
	e->pings = 0;
	ss->nb_watch = 1;
	ss->watch[0] = &e->tail;
	ss->watch_seen[0] = 0;
	__atomic_store_n(&e->active, 1, __ATOMIC_RELEASE);
}

static void
eth_stop(struct dipc_server *s, uint32_t slot)
{
	__atomic_store_n(&eth_slot_of(s, slot)->active, 0, __ATOMIC_RELEASE);
}

/* Once no worker touches the slot: free what its queue held. Partial
 * messages in the workers' reassembly tables expire on their own. */
static unsigned int
eth_close(struct dipc_server *s, uint32_t slot)
{
	struct server_slot *ss = &s->slots[slot];
	struct eth_slot *e = eth_slot_of(s, slot);
	unsigned int n = 0;

	e->active = 0;
	while (e->head != e->tail) {
		rte_pktmbuf_free(e->stage[e->head++ & (ETH_STAGE - 1)]);
		n++;
	}
	ss->nb_watch = 0;
	e->peer_ip = 0;
	e->peer_port = 0;
	e->client_nonce = 0;
	e->server_nonce = 0;
	return n;
}

static int
eth_grow(struct dipc_server *s, uint32_t first, uint32_t nb, int socket)
{
	RTE_SET_USED(s);
	RTE_SET_USED(first);
	RTE_SET_USED(nb);
	RTE_SET_USED(socket);
	return 0;
}

static void
eth_teardown(struct dipc_server *s, int free_shared)
{
	struct eth_server *es = eth_of(s);
	struct rte_mbuf *m;
	unsigned int i;

	RTE_SET_USED(free_shared);
	if (es == NULL)
		return;
	if (es->started)
		dipc_eth_port_close(es->port);
	if (es->slots != NULL)
		for (i = 0; i < s->cfg.max_conns; i++) {
			struct eth_slot *e = &es->slots[i];

			while (e->head != e->tail)
				rte_pktmbuf_free(e->stage[e->head++ & (ETH_STAGE - 1)]);
		}
	if (es->ew != NULL)
		for (i = 0; i < s->nb_workers; i++) {
			dipc_eth_reasm_free(es->ew[i].reasm);
			while (es->ew[i].handoff != NULL &&
			       rte_ring_sc_dequeue(es->ew[i].handoff, (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(es->ew[i].handoff);
		}
	while (es->to_control != NULL && rte_ring_sc_dequeue(es->to_control, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(es->to_control);
	while (es->ctl_tx != NULL && rte_ring_sc_dequeue(es->ctl_tx, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(es->ctl_tx);
	dipc_eth_neigh_free(es->neigh);
	dipc_ring_owner_map_free(&s->maps[SERVER_ETH_CLASS]);
	s->maps[SERVER_ETH_CLASS].pool = NULL;
	rte_mempool_free(es->ctl_pool);
	rte_mempool_free(es->ind_pool);
	rte_mempool_free(es->hdr_pool);
	rte_mempool_free(es->rx_pool);
	server_free(es->ew);
	server_free(es->slots);
	server_free(es);
	s->tpriv[DIPC_TRANSPORT_ETH] = NULL;
	for (i = 0; i < s->nb_workers; i++)
		s->workers[i].poll_hook = NULL;
}

static struct rte_mempool *
pool_or_log(const char *name, unsigned int n, unsigned int cache, unsigned int room, int socket)
{
	struct rte_mempool *mp = rte_pktmbuf_pool_create(name, n, cache, 0, (uint16_t)room, socket);

	if (mp == NULL)
		SERVER_LOG(ERR, "eth: cannot create mbuf pool %s (%u mbufs of %u bytes): %s%s", name,
			   n, room, rte_strerror(rte_errno),
			   rte_errno == ENOMEM ? " (not enough free hugepage memory: lower eth.mbufs, "
						 "or see dpdk-hugepages.py -s)" : "");
	return mp;
}

/* Create: the port, its pools, the workers' and slots' state. No port
 * configured: nothing (every slot stays a ring one). */
static int
eth_setup(struct dipc_server *s)
{
	const struct dipc_server_config *cfg = &s->cfg;
	struct dipc_eth_port_conf pc;
	struct eth_server *es;
	char err[256], name[RTE_RING_NAMESIZE];
	uint8_t ip[4], mac[6];
	unsigned int i, room;
	int ret, socket = s->workers[0].socket;

	if (cfg->eth_port[0] == '\0')
		return 0;
	es = server_zalloc(sizeof(*es), -1);
	if (es == NULL)
		return -ENOMEM;
	s->tpriv[DIPC_TRANSPORT_ETH] = es;
	es->hz = rte_get_tsc_hz();
	es->start = rte_get_tsc_cycles();
	if (!s->token_required) {
		SERVER_LOG(ERR, "eth: port %s needs a token_file: clients on other hosts prove "
				"they know the token", cfg->eth_port);
		return -EINVAL;
	}
	if (dipc_eth_port_find(cfg->eth_port, &es->port) != 0) {
		SERVER_LOG(ERR, "eth: no ethdev port '%s' (give EAL the device, e.g. "
				"--vdev=net_memif0,role=server, and name it as EAL did)", cfg->eth_port);
		return -ENODEV;
	}
	if (dipc_config_parse_ipv4(cfg->eth_ip, ip) != 0 ||
	    !dipc_eth_ip_is_host(*(const rte_be32_t *)ip)) {
		SERVER_LOG(ERR, "eth: '%s' is not a host's IPv4 address", cfg->eth_ip);
		return -EINVAL;
	}
	memcpy(&es->arp.ip, ip, sizeof(ip));

	/* The port's own receive pool: a frame of MTU + 14 bytes per mbuf, and
	 * at least DPDK's default room (net_af_packet wants its whole ring
	 * frame, 2 KB by default, to fit one mbuf). */
	room = RTE_MAX(RTE_ALIGN_CEIL(RTE_PKTMBUF_HEADROOM + cfg->eth_mtu + RTE_ETHER_HDR_LEN, 64),
		       (unsigned int)RTE_MBUF_DEFAULT_BUF_SIZE);
	es->rx_pool = pool_or_log("dipc_eth_rx", cfg->eth_mbufs, RTE_MIN(256u, cfg->eth_mbufs / 2),
				  room, socket);
	es->hdr_pool = pool_or_log("dipc_eth_hdr", 8191, 256,
				   RTE_PKTMBUF_HEADROOM + DIPC_ETH_HDR_LEN, socket);
	es->ind_pool = pool_or_log("dipc_eth_ind", 16383, 256, 0, socket);
	es->ctl_pool = pool_or_log("dipc_eth_ctl", 2047, 0,
				   RTE_PKTMBUF_HEADROOM + DIPC_ETH_HDR_LEN + DIPC_ETH_CTRL_MAX_LEN,
				   socket);
	if (es->rx_pool == NULL || es->hdr_pool == NULL || es->ind_pool == NULL ||
	    es->ctl_pool == NULL)
		return -ENOMEM;
	ret = dipc_ring_owner_map_create(&s->maps[SERVER_ETH_CLASS], es->rx_pool);
	if (ret != 0)
		return ret;
	es->neigh = dipc_eth_neigh_create(1024, es->hz * 60, socket);
	es->to_control = rte_ring_create("dipc_eth_ctl", ETH_CONTROL_SIZE, socket, RING_F_SC_DEQ);
	es->ctl_tx = rte_ring_create("dipc_eth_ctl_tx", ETH_CONTROL_SIZE, socket, RING_F_SC_DEQ);
	es->ew = server_zalloc(s->nb_workers * sizeof(*es->ew), socket);
	es->slots = server_zalloc((size_t)cfg->max_conns * sizeof(*es->slots), socket);
	if (es->neigh == NULL || es->to_control == NULL || es->ctl_tx == NULL || es->ew == NULL ||
	    es->slots == NULL)
		return -ENOMEM;
	for (i = 0; i < s->nb_workers; i++) {
		snprintf(name, sizeof(name), "dipc_eth_hand_%u", i);
		es->ew[i].handoff = rte_ring_create(name, ETH_HANDOFF_SIZE, socket, RING_F_SC_DEQ);
		es->ew[i].reasm = dipc_eth_reasm_create(ETH_REASM_ENTRIES, 8 * DIPC_ETH_MAX_FRAGS,
							es->hz / 1000 * ETH_REASM_TIMEOUT_MS,
							socket);
		if (es->ew[i].handoff == NULL || es->ew[i].reasm == NULL)
			return -ENOMEM;
	}
	if (dipc_eth_cookie_key_init(&es->ck) != 0) {
		SERVER_LOG(ERR, "eth: no randomness for the cookie key");
		return -EIO;
	}

	memset(&pc, 0, sizeof(pc));
	pc.port_id = es->port;
	pc.nb_rxq = (uint16_t)s->nb_workers;
	pc.nb_txq = (uint16_t)s->nb_workers;
	pc.mtu = (uint16_t)cfg->eth_mtu;
	pc.rx_pool = es->rx_pool;
	pc.socket_id = SOCKET_ID_ANY;
	if (cfg->eth_mac[0] != '\0') {
		if (dipc_config_parse_mac(cfg->eth_mac, mac) != 0)
			return -EINVAL;
		memcpy(pc.mac.addr_bytes, mac, sizeof(mac));
	}
	ret = dipc_eth_port_start(&pc, &es->info, err, sizeof(err));
	if (ret != 0) {
		SERVER_LOG(ERR, "eth: %s", err);
		return ret;
	}
	es->started = 1;
	es->arp.mac = es->info.mac;
	es->fcfg.mtu = (uint16_t)cfg->eth_mtu;
	es->fcfg.udp_port = rte_cpu_to_be_16((uint16_t)cfg->eth_udp_port);
	es->fcfg.max_msg_len = RTE_MIN(DIPC_ETH_MSG_MAX(cfg->eth_mtu),
				       DIPC_MSG_HDR_LEN + dipc_server_max_chain_body(s));
	es->fcfg.local_ip = es->arp.ip;
	es->fcfg.local_mac = es->info.mac;
	if (es->info.offloads & DIPC_ETH_PORT_OFL_TX_IP_CKSUM)
		es->fcfg.flags |= DIPC_ETH_F_TX_IP_CKSUM_OFFLOAD;
	if (dipc_eth_frame_cfg_check(&es->fcfg) != 0) {
		SERVER_LOG(ERR, "eth: MTU %u and largest message %u refused by the frame layer",
			   cfg->eth_mtu, es->fcfg.max_msg_len);
		return -EINVAL;
	}
	for (i = 0; i < s->nb_workers; i++)
		s->workers[i].poll_hook = eth_worker_poll;
	SERVER_LOG(NOTICE, "eth: port %u (%s) " RTE_ETHER_ADDR_PRT_FMT " %s udp %u, MTU %u, "
		   "%u queue(s), offloads 0x%x", es->port, es->info.driver,
		   RTE_ETHER_ADDR_BYTES(&es->info.mac), cfg->eth_ip, cfg->eth_udp_port,
		   cfg->eth_mtu, s->nb_workers, es->info.offloads);
	return 0;
}

/* The counters, summed over the workers and the control lcore, as
 * published (dipc_shm_stats.eth) and reported. */
static void
eth_sum(const struct dipc_server *s, const struct eth_server *es, struct dipc_shm_eth_stats *o)
{
	unsigned int i, r;

	memset(o, 0, sizeof(*o));
	o->active = 1;
	o->port_id = es->port;
	o->mtu = es->fcfg.mtu;
	memcpy(o->mac, es->info.mac.addr_bytes, sizeof(o->mac));
	o->udp_port = rte_be_to_cpu_16(es->fcfg.udp_port);
	o->ip = es->arp.ip;
	o->offloads = es->info.offloads;
	snprintf(o->driver, sizeof(o->driver), "%s", es->info.driver);
	o->frames_out = es->ctl_st.frames_out;
	for (i = 0; i < s->nb_workers; i++) {
		const struct eth_worker *ew = &es->ew[i];

		/* Relaxed reads of counters each worker writes alone. */
		o->frames_in += __atomic_load_n(&ew->st.frames_in, __ATOMIC_RELAXED);
		o->frames_out += __atomic_load_n(&ew->st.frames_out, __ATOMIC_RELAXED);
		o->msgs_in += __atomic_load_n(&ew->st.msgs_in, __ATOMIC_RELAXED);
		o->msgs_reassembled += __atomic_load_n(&ew->st.msgs_reassembled, __ATOMIC_RELAXED);
		o->partials_expired += __atomic_load_n(&ew->st.partials_expired, __ATOMIC_RELAXED);
		for (r = 1; r < DIPC_ETH_DROP_MAX; r++)
			o->drops[r] += __atomic_load_n(&ew->st.drops[r], __ATOMIC_RELAXED);
		for (r = 0; r < ETH_DROP_MAX; r++)
			o->drops[DIPC_ETH_DROP_MAX + r] +=
				__atomic_load_n(&ew->drops[r], __ATOMIC_RELAXED);
	}
	for (r = 1; r < DIPC_ETH_DROP_MAX; r++)
		o->drops[r] += es->ctl_st.drops[r];
	for (r = 0; r < ETH_DROP_MAX; r++)
		o->drops[DIPC_ETH_DROP_MAX + r] += es->drops[r];
	/* Slot 0 is "ok" in the frame layer's numbering: named, never counted. */
	o->nb_drop = DIPC_ETH_DROP_MAX + ETH_DROP_MAX;
	for (r = 0; r < o->nb_drop; r++)
		snprintf(o->drop_names[r], sizeof(o->drop_names[r]), "%s",
			 r < DIPC_ETH_DROP_MAX ? dipc_eth_drop_name(r) :
						 eth_drop_names[r - DIPC_ETH_DROP_MAX]);
	o->hellos = es->hellos;
	o->challenges = es->challenges;
	o->proofs = es->proofs;
	o->admitted = es->admitted;
	o->refused = es->refused;
	o->pings_in = es->pings_in;
	o->pongs_out = es->pongs_out;
	o->closes_in = es->closes_in;
	o->silent = es->silent;
	o->bad_control = es->bad_control;
	o->ctl_tx_dropped = es->ctl_tx_dropped;
	o->arp_in = es->arp_st.rx;
	o->arp_replies = es->arp_st.replies_sent;
	o->pool_size = es->rx_pool->size;
	o->pool_free = rte_mempool_avail_count(es->rx_pool);
}

_Static_assert(DIPC_ETH_DROP_MAX + ETH_DROP_MAX <= DIPC_STATS_NB_ETH_DROP,
	       "the published counters hold every eth drop reason");

static void
eth_publish(const struct dipc_server *s, struct dipc_shm_stats *st)
{
	const struct eth_server *es = eth_of(s);

	if (es != NULL && es->started)
		eth_sum(s, es, &st->eth);
}

/* The report's eth lines: the port, admissions, frames, drops by reason,
 * its pool. */
static void
eth_dump(FILE *f, const struct dipc_server *s)
{
	const struct eth_server *es = eth_of(s);
	struct dipc_shm_eth_stats o;
	unsigned int r;

	if (es == NULL || !es->started)
		return;
	eth_sum(s, es, &o);
	fprintf(f, "dipc-server: eth port %u (%s): frames in %" PRIu64 ", out %" PRIu64
		   "; messages in %" PRIu64 " (reassembled %" PRIu64 ", partials expired %" PRIu64
		   ")\n", es->port, es->info.driver, o.frames_in, o.frames_out, o.msgs_in,
		o.msgs_reassembled, o.partials_expired);
	fprintf(f, "dipc-server: eth admission: hellos %" PRIu64 ", challenges %" PRIu64
		   ", proofs %" PRIu64 ", admitted %" PRIu64 ", refused %" PRIu64
		   "; pings in %" PRIu64 ", closes in %" PRIu64 ", silent peers %" PRIu64
		   ", bad control frames %" PRIu64 ", control frames not sent %" PRIu64 "\n",
		o.hellos, o.challenges, o.proofs, o.admitted, o.refused, o.pings_in, o.closes_in,
		o.silent, o.bad_control, o.ctl_tx_dropped);
	fprintf(f, "dipc-server: eth frames dropped:");
	for (r = 1; r < o.nb_drop; r++)
		if (o.drops[r] != 0)
			fprintf(f, " %s %" PRIu64, o.drop_names[r], o.drops[r]);
	fprintf(f, " (ARP: in %" PRIu64 ", answered %" PRIu64 ")\n", o.arp_in, o.arp_replies);
	fprintf(f, "dipc-server: eth pool %s: %u of %u mbufs free\n", es->rx_pool->name,
		o.pool_free, o.pool_size);
}

const struct server_transport_ops dipc_eth_server_ops = {
	.name = "eth",
	.setup = eth_setup,
	.teardown = eth_teardown,
	.grow = eth_grow,
	.open = eth_open,
	.close = eth_close,
	.depths = eth_depths,
	.rx_burst = eth_rx_burst,
	.tx_burst = eth_tx_burst,
	.stop = eth_stop,
	.control = eth_control,
	.worker_poll = eth_worker_poll,
	.dump = eth_dump,
	.publish = eth_publish,
};

