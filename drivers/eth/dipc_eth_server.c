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
 * Reliability on a lossy link (docs/WIRE.md, "Reliability"): a request is
 * known by its connection and its dipc stream id; a client sends one that
 * got no answer again, the same bytes, and every frame it sends carries
 * its completed floor in the frame header's ack (each stream id before it
 * is finished for the client). Each connection has a table of the recent
 * stream ids (a power of two >= its window, struct eth_sid), which the
 * owning worker consults for each whole request before the core sees it:
 * a request already running, answered or without an answer, or below the
 * floor, never reaches a handler again; one answered gets its answer
 * again, the same bytes. The answers are kept (a reference on their
 * segments, never sent themselves: each send is a header mbuf and
 * indirect mbufs, so that nothing a port still holds is written) until
 * the client's floor passes them or the connection closes; a worker that
 * keeps its share of the receive pool refuses new requests (counted)
 * until acknowledgements free some.
 *
 * DIPC_ETH_FAULTS in the environment (dipc_eth_fault.h) injects loss,
 * duplication and reordering on the port's queues, for tests.
 *
 * Not yet: credits beyond the admission's window.
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
#include "dipc_eth_fault.h"
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
/* Frames of a worker that wait for room on its transmit queue, and how
 * long a queue that takes none keeps them. */
#define ETH_BACKLOG 1024
#define ETH_BACKLOG_WAIT_MS 100

/* Frames the transport dropped, beyond the frame layer's reasons. */
enum eth_drop {
	ETH_DROP_UNKNOWN_CONN, /* no such connection, or not from its peer */
	ETH_DROP_OVER_WINDOW,  /* the connection's queue is full (more than its window) */
	ETH_DROP_HANDOFF_FULL, /* another worker's handoff ring is full */
	ETH_DROP_CONTROL_FULL, /* the control lcore's ring is full */
	ETH_DROP_TX_FULL,      /* frames the port would not take */
	ETH_DROP_TX_BUILD,     /* answers that could not be framed (pools empty) */
	ETH_DROP_DUP_STALE,    /* a request below the client's floor (finished) */
	ETH_DROP_DUP_INFLIGHT, /* a request still running */
	ETH_DROP_DUP_ONEWAY,   /* a request that ran and has no answer (one-way) */
	ETH_DROP_RESENT,       /* a request answered: its kept answer sent again */
	ETH_DROP_KEPT_FULL,    /* a new request refused: the worker keeps its share of answers */
	ETH_DROP_MAX
};

static const char *const eth_drop_names[ETH_DROP_MAX] = {
	[ETH_DROP_UNKNOWN_CONN] = "unknown_conn",
	[ETH_DROP_OVER_WINDOW] = "over_window",
	[ETH_DROP_HANDOFF_FULL] = "handoff_full",
	[ETH_DROP_CONTROL_FULL] = "control_full",
	[ETH_DROP_TX_FULL] = "tx_full",
	[ETH_DROP_TX_BUILD] = "tx_build",
	[ETH_DROP_DUP_STALE] = "dup_stale",
	[ETH_DROP_DUP_INFLIGHT] = "dup_inflight",
	[ETH_DROP_DUP_ONEWAY] = "dup_oneway",
	[ETH_DROP_RESENT] = "resent",
	[ETH_DROP_KEPT_FULL] = "kept_full",
};

/* A stream id's state in its connection's table (struct eth_sid). */
enum eth_sid_state {
	SID_FREE = 0,   /* no request of this entry's id (or past the floor) */
	SID_RUNNING,    /* received, handed to the core, not answered yet */
	SID_ANSWERED,   /* answered: its answer kept (rsp) */
	SID_NO_ANSWER,  /* ran, and no answer came (one-way, or dropped by its handler) */
};

/* A recent stream id of a connection, the owning worker's. */
struct eth_sid {
	uint32_t sid;
	uint8_t state;          /* enum eth_sid_state */
	uint8_t pad;
	uint16_t nb_segs;       /* rsp's segments (counted as kept) */
	uint32_t frame_seq;     /* the frames' seq when it was first sent */
	struct rte_mbuf *rsp;   /* the answer kept: a reference, never sent itself */
};

/* A message handed to the worker that serves its connection. */
struct eth_handoff {
	struct rte_mbuf *m;
	uint32_t slot;
	uint32_t seq;
	uint32_t ack;
	uint32_t pad;
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
	/* The stream id table: ids in [floor, floor + sid_mask] map one to
	 * one onto its entries. */
	uint32_t sid_mask;      /* entries - 1 */
	uint32_t floor;         /* the client's completed floor, as far as acks said */
	uint32_t top;           /* highest stream id taken */
	uint32_t floor_set;     /* 0 until the first request's ack */
	uint32_t kept;          /* mbufs kept for the answers (relaxed: published) */
	/* The latest ack of a PING or PONG (the control lcore's store,
	 * watched by the worker) and the one the worker took. */
	uint32_t ctl_ack;
	struct rte_mbuf *stage[ETH_STAGE];
	uint32_t stage_sid[ETH_STAGE];  /* each staged request's stream id */
	struct eth_sid sids[ETH_STAGE];
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
	struct rte_ring *handoff;  /* struct eth_handoff for this worker's connections, MP/SC */
	uint64_t next_expire;      /* TSC */
	/* Mbufs this worker's connections keep for answers: what the worker
	 * added and freed, less what the control lcore freed at closes (each
	 * word one writer's; an eth connection never moves to another
	 * worker: balance() leaves it where its frames are fed). */
	uint64_t kept;
	uint64_t kept_closed;
	/* The stream ids of the requests of the last rx_burst(), for its
	 * tx_burst(). */
	unsigned int nb_burst;
	uint32_t burst_sid[ETH_STAGE];
	uint64_t next_flush;       /* TSC: with faults, an empty send (dipc_eth_fault.h) */
	struct dipc_eth_backlog txb; /* frames its queue would not take yet */
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
	uint64_t kept_budget;          /* mbufs each worker may keep for answers */
	struct dipc_eth_fault *faults; /* DIPC_ETH_FAULTS, or NULL */
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
	for (tries = 0; tries < DIPC_ETH_TX_TRIES; tries++)
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
		if (slot != SERVER_NO_SLOT) {
			/* Its ack, for the worker (the word it watches). */
			__atomic_store_n(&es->slots[slot].ctl_ack, fi.ack, __ATOMIC_RELAXED);
			on_ping(es, slot, &fi, payload);
		} else {
			es->drops[ETH_DROP_UNKNOWN_CONN]++;
		}
		break;
	case DIPC_ETH_T_PONG:
		slot = conn_of(s, es, &fi);
		if (slot != SERVER_NO_SLOT) {
			__atomic_store_n(&es->slots[slot].ctl_ack, fi.ack, __ATOMIC_RELAXED);
			__atomic_store_n(&es->slots[slot].last_heard, rte_get_tsc_cycles(),
					 __ATOMIC_RELAXED);
		}
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

/* Give back what an entry kept (owning worker). */
static inline void
sid_release(struct eth_worker *ew, struct eth_slot *e, struct eth_sid *x)
{
	if (x->rsp != NULL) {
		ew->kept -= x->nb_segs;
		__atomic_store_n(&e->kept, e->kept - x->nb_segs, __ATOMIC_RELAXED);
		rte_pktmbuf_free(x->rsp);
		x->rsp = NULL;
	}
	x->state = SID_FREE;
}

/*
 * The client's completed floor moves to @ack (owning worker): only
 * forward, never past @limit (the highest stream id seen, plus one); the
 * entries it passes give back what they kept.
 */
static void
floor_advance(struct eth_worker *ew, struct eth_slot *e, uint32_t ack, uint32_t limit)
{
	uint32_t from = e->floor, n, i;

	if ((int32_t)(ack - limit) > 0)
		ack = limit;
	if (unlikely(!e->floor_set)) {
		/* The first request: its ack is the floor, its id the top. */
		e->floor = ack;
		e->top = limit - 1;
		e->floor_set = 1;
		return;
	}
	if ((int32_t)(ack - from) <= 0)
		return;
	e->floor = ack;
	n = ack - from;
	if (n > e->sid_mask) {
		for (i = 0; i <= e->sid_mask; i++) {
			struct eth_sid *x = &e->sids[i];

			if (x->state != SID_FREE && (int32_t)(x->sid - ack) < 0)
				sid_release(ew, e, x);
		}
		return;
	}
	for (i = 0; i < n; i++) {
		struct eth_sid *x = &e->sids[(from + i) & e->sid_mask];

		if (x->state != SID_FREE && x->sid == from + i)
			sid_release(ew, e, x);
	}
}

/* Send frames on the worker's queue; what the port will not take now
 * waits in the worker's backlog (sent first at its next send or pass),
 * and only what does not fit there is dropped and counted. */
static void
tx_frames(struct eth_server *es, struct eth_worker *ew, uint16_t queue, struct rte_mbuf **frames,
	  unsigned int nb)
{
	unsigned int lost = dipc_eth_tx(es->port, queue, &ew->txb, frames, nb);

	if (unlikely(lost != 0))
		ew->drops[ETH_DROP_TX_FULL] += lost;
}

/*
 * Frame a kept answer by reference: one more reference on its segments
 * for the frames, so that dipc_eth_frame_build() chains a header mbuf in
 * front of it (one frame) or slices it with indirect mbufs (several),
 * and never writes it; the port frees only its frames' references.
 * Returns the frames, or -1 (counted: pools empty).
 */
static int
frame_kept(struct eth_server *es, struct eth_worker *ew, const struct dipc_eth_frame_tmpl *t,
	   struct rte_mbuf *rsp, struct rte_mbuf **frames, unsigned int room)
{
	int k;

	rte_pktmbuf_refcnt_update(rsp, 1);
	k = dipc_eth_frame_build(&es->fcfg, t, rsp, es->hdr_pool, es->ind_pool, frames, room,
				 &ew->st);
	if (unlikely(k < 0)) {
		rte_pktmbuf_refcnt_update(rsp, -1);
		ew->drops[ETH_DROP_TX_BUILD]++;
		return -1;
	}
	return k;
}

/* A kept answer sent again, its frames as the first time (seq too). */
static void
resend(struct eth_server *es, struct eth_worker *ew, uint16_t queue, struct eth_slot *e,
       const struct eth_sid *x)
{
	struct rte_mbuf *frames[DIPC_ETH_MAX_FRAGS + 1];
	struct dipc_eth_frame_tmpl t = e->tmpl;
	int k;

	t.seq = x->frame_seq;
	t.ack = e->rx_seq;
	k = frame_kept(es, ew, &t, x->rsp, frames, RTE_DIM(frames));
	if (k > 0)
		tx_frames(es, ew, queue, frames, (unsigned int)k);
}

/*
 * A whole request of the connection (owning worker only), with the ack of
 * the frame that completed it: the floor moved, then the request taken
 * by its stream id (a new one queued for the core; one seen before
 * dropped, its answer sent again if it has one), each drop counted.
 */
static void
stage(struct eth_server *es, struct eth_worker *ew, uint16_t queue, struct eth_slot *e,
      struct rte_mbuf *m, uint32_t seq, uint32_t ack, uint64_t now)
{
	struct eth_sid *x;
	uint32_t sid, limit;
	int32_t d;

	/* The reassembly leaves the whole dipc header in the first segment. */
	memcpy(&sid, rte_pktmbuf_mtod_offset(m, const uint8_t *,
					     offsetof(struct dipc_msg_hdr, stream_id)),
	       sizeof(sid));
	__atomic_store_n(&e->last_heard, now, __ATOMIC_RELAXED);
	if ((int32_t)(seq - e->rx_seq) > 0)
		e->rx_seq = seq;
	/* This request's id counts as seen for its own ack. */
	limit = (e->floor_set && (int32_t)(e->top - sid) > 0 ? e->top : sid) + 1;
	floor_advance(ew, e, ack, limit);
	d = (int32_t)(sid - e->floor);
	if (unlikely(d < 0)) {
		ew->drops[ETH_DROP_DUP_STALE]++;
		goto drop;
	}
	if (unlikely((uint32_t)d > e->sid_mask)) {
		/* Past its window of ids: the client broke it. */
		ew->drops[ETH_DROP_OVER_WINDOW]++;
		goto drop;
	}
	x = &e->sids[sid & e->sid_mask];
	if (unlikely(x->state != SID_FREE && x->sid == sid)) {
		switch (x->state) {
		case SID_RUNNING:
			ew->drops[ETH_DROP_DUP_INFLIGHT]++;
			break;
		case SID_ANSWERED:
			ew->drops[ETH_DROP_RESENT]++;
			resend(es, ew, queue, e, x);
			break;
		default:
			ew->drops[ETH_DROP_DUP_ONEWAY]++;
			break;
		}
		goto drop;
	}
	if (unlikely(e->tail - e->head >= e->window)) {
		ew->drops[ETH_DROP_OVER_WINDOW]++;
		goto drop;
	}
	if (unlikely(d != 0 && ew->kept - __atomic_load_n(&ew->kept_closed, __ATOMIC_RELAXED) >=
		     es->kept_budget)) {
		/* The receive queues need the rest of the pool: the client
		 * sends it again once acks freed answers. Never the request
		 * at the floor: the answers kept are of ids above it, freed
		 * only once the floor moves, and it moves when that request
		 * is answered (each connection may so go one answer over). */
		ew->drops[ETH_DROP_KEPT_FULL]++;
		goto drop;
	}
	if (x->state != SID_FREE)  /* an id the floor passed: not released yet */
		sid_release(ew, e, x);
	x->sid = sid;
	x->state = SID_RUNNING;
	if ((int32_t)(sid - e->top) > 0)
		e->top = sid;
	e->stage_sid[e->tail & (ETH_STAGE - 1)] = sid;
	e->stage[e->tail & (ETH_STAGE - 1)] = m;
	e->tail++;
	return;
drop:
	rte_pktmbuf_free(m);
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
	struct eth_handoff h;
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
		stage(es, ew, (uint16_t)w->index, e, m, fi->seq, fi->ack, now);
		return;
	}
	/* Another worker's connection: its handoff ring, with the slot, seq
	 * and ack the checks passed (the slot checked again there). */
	h.m = m;
	h.slot = slot;
	h.seq = fi->seq;
	h.ack = fi->ack;
	h.pad = 0;
	if (rte_ring_mp_enqueue_elem(es->ew[owner].handoff, &h, sizeof(h)) != 0) {
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

	if (unlikely(dipc_eth_backlog_count(&ew->txb) != 0))
		ew->drops[ETH_DROP_TX_FULL] += dipc_eth_backlog_flush(es->port, (uint16_t)w->index,
								      &ew->txb);
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
		struct eth_handoff hs[ETH_RX_BURST];

		n = rte_ring_sc_dequeue_burst_elem(ew->handoff, hs, sizeof(hs[0]), ETH_RX_BURST,
						   NULL);
		now = rte_get_tsc_cycles();
		for (i = 0; i < n; i++) {
			uint32_t slot = hs[i].slot;

			if (slot >= s->cfg.max_conns || s->slots[slot].worker != w->index ||
			    !__atomic_load_n(&es->slots[slot].active, __ATOMIC_ACQUIRE)) {
				ew->drops[ETH_DROP_UNKNOWN_CONN]++;
				rte_pktmbuf_free(hs[i].m);
				continue;
			}
			stage(es, ew, (uint16_t)w->index, &es->slots[slot], hs[i].m, hs[i].seq,
			      hs[i].ack, now);
		}
		work += n;
	}
	/* The control lcore's frames: worker 0 sends them. */
	if (w->index == 0 && unlikely(rte_ring_count(es->ctl_tx) != 0)) {
		n = rte_ring_sc_dequeue_burst(es->ctl_tx, (void **)pkts, ETH_RX_BURST, NULL);
		tx_frames(es, ew, 0, pkts, n);
		work += n;
	}
	/* Partial messages whose rest never came (also once frames stopped
	 * coming: a lost fragment's message holds mbufs of the pool). */
	if (now == 0 && unlikely(dipc_eth_reasm_partials(ew->reasm) != 0))
		now = rte_get_tsc_cycles();
	if (unlikely(now != 0 && now >= ew->next_expire)) {
		ew->next_expire = now + es->hz / 1000;
		dipc_eth_reasm_expire(ew->reasm, now, &ew->st);
	}
	/* Injected faults (tests): copies and frames held back on the
	 * transmit queue go out at its next call; a quiet queue gets an empty
	 * one every millisecond, so that none stays held. */
	if (unlikely(es->faults != NULL)) {
		uint64_t t = rte_get_tsc_cycles();

		if (t >= ew->next_flush) {
			ew->next_flush = t + es->hz / 1000;
			rte_eth_tx_burst(es->port, (uint16_t)w->index, pkts, 0);
		}
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
	struct eth_worker *ew = &eth_of(s)->ew[w->index];
	uint32_t ack = __atomic_load_n(&e->ctl_ack, __ATOMIC_RELAXED);
	unsigned int n, i;

	/* A PING's or PONG's ack (the control lcore's word): the floor, no
	 * further than the highest stream id taken. */
	if (ack != ss->watch_seen[1]) {
		ss->watch_seen[1] = ack;
		if (e->floor_set)
			floor_advance(ew, e, ack, e->top + 1);
	}
	n = RTE_MIN(e->tail - e->head, burst);
	ss->watch_seen[0] = e->tail;
	ew->nb_burst = n;
	for (i = 0; i < n; i++) {
		struct dipc_server_msg *msg = &w->msgs[i];
		struct rte_mbuf *m = e->stage[e->head & (ETH_STAGE - 1)];
		struct server_chain *c = server_req_chain(w, msg);
		uint16_t data_off = m->data_off, data_len = m->data_len, nb_segs = m->nb_segs;
		uint32_t pkt_len = m->pkt_len, sum = 0;
		struct rte_mbuf *seg;
		unsigned int k;
		int ok;

		ew->burst_sid[i] = e->stage_sid[e->head++ & (ETH_STAGE - 1)];
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

/*
 * Frame the answers and send them on the worker's queue. An answer to a
 * request its table has running is kept (until the client's floor passes
 * it) and sent by reference; then the requests of the burst that got no
 * answer are marked so (a copy of one is dropped, not run again).
 */
static void
eth_tx_burst(struct server_worker *w, struct server_slot *ss, uint32_t slot,
	     const struct server_tx *tx)
{
	struct dipc_server *s = w->s;
	struct eth_server *es = eth_of(s);
	struct eth_worker *ew = &es->ew[w->index];
	struct eth_slot *e = eth_slot_of(s, slot);
	struct rte_mbuf *frames[ETH_TX_FRAMES];
	const uint16_t queue = (uint16_t)w->index;
	unsigned int i, nb = 0;
	int k;

	for (i = 0; i < tx->nb; i++) {
		struct rte_mbuf *m = tx->m[i];
		struct eth_sid *x;
		uint32_t sid;

		/* The stream id the core wrote into the answer's header. */
		memcpy(&sid, rte_pktmbuf_mtod_offset(m, const uint8_t *,
						     offsetof(struct dipc_msg_hdr, stream_id)),
		       sizeof(sid));
		x = &e->sids[sid & e->sid_mask];
		e->tmpl.seq = ++e->tx_seq;
		e->tmpl.ack = e->rx_seq;
		if (likely(x->state == SID_RUNNING && x->sid == sid)) {
			/* Kept: from now on only read, never handed to the port. */
			x->state = SID_ANSWERED;
			x->rsp = m;
			x->nb_segs = m->nb_segs;
			x->frame_seq = e->tmpl.seq;
			ew->kept += m->nb_segs;
			__atomic_store_n(&e->kept, e->kept + m->nb_segs, __ATOMIC_RELAXED);
			/* No frames (pools empty, counted): a copy of the request
			 * gets the answer. */
			k = frame_kept(es, ew, &e->tmpl, m, frames + nb, ETH_TX_FRAMES - nb);
			if (unlikely(k < 0))
				continue;
		} else {
			/* Its id's entry was given up (the floor passed it): sent
			 * as it is, not kept. */
			k = dipc_eth_frame_build(&es->fcfg, &e->tmpl, m, es->hdr_pool, es->ind_pool,
						 frames + nb, ETH_TX_FRAMES - nb, &ew->st);
			if (unlikely(k < 0)) {
				ew->drops[ETH_DROP_TX_BUILD]++;
				rte_pktmbuf_free(m);
				continue;
			}
		}
		nb += (unsigned int)k;
		/* The next answer may be a whole message of frames. */
		if (nb + DIPC_ETH_MAX_FRAGS > ETH_TX_FRAMES) {
			tx_frames(es, ew, queue, frames, nb);
			nb = 0;
		}
	}
	if (nb != 0)
		tx_frames(es, ew, queue, frames, nb);
	/* The burst's requests without an answer (one-way, or dropped by
	 * their handler) ran all the same. */
	for (i = 0; i < ew->nb_burst; i++) {
		struct eth_sid *x = &e->sids[ew->burst_sid[i] & e->sid_mask];

		if (x->state == SID_RUNNING && x->sid == ew->burst_sid[i])
			x->state = SID_NO_ANSWER;
	}
	ew->nb_burst = 0;
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
	/* The stream id table: at least the window (every request the
	 * client may have out has its entry), empty (close emptied it). */
	e->sid_mask = rte_align32pow2(e->window) - 1;
	e->floor = 0;
	e->top = 0;
	e->floor_set = 0;
	e->kept = 0;
	e->ctl_ack = 0;
	e->tmpl.conn_gen = ss->generation;
	e->last_heard = now;
	e->next_ping = now;
	e->pings = 0;
	ss->nb_watch = 2;
	ss->watch[0] = &e->tail;
	ss->watch_seen[0] = 0;
	ss->watch[1] = &e->ctl_ack;
	ss->watch_seen[1] = 0;
	__atomic_store_n(&e->active, 1, __ATOMIC_RELEASE);
}

static void
eth_stop(struct dipc_server *s, uint32_t slot)
{
	__atomic_store_n(&eth_slot_of(s, slot)->active, 0, __ATOMIC_RELEASE);
}

/* Free every answer a connection keeps and empty its table (no worker
 * touches it): returns the mbufs freed, added to @ew's kept_closed. */
static unsigned int
sids_free(struct eth_slot *e, struct eth_worker *ew)
{
	unsigned int i, n = 0;

	for (i = 0; i < ETH_STAGE; i++) {
		struct eth_sid *x = &e->sids[i];

		if (x->rsp != NULL) {
			n += x->nb_segs;
			rte_pktmbuf_free(x->rsp);
			x->rsp = NULL;
		}
		x->state = SID_FREE;
	}
	if (ew != NULL && n != 0)
		__atomic_store_n(&ew->kept_closed, ew->kept_closed + n, __ATOMIC_RELAXED);
	__atomic_store_n(&e->kept, 0, __ATOMIC_RELAXED);
	return n;
}

/* Once no worker touches the slot: free what its queue held and the
 * answers it kept. Partial messages in the workers' reassembly tables
 * expire on their own. */
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
	/* The answers kept: the worker's count of them goes down by what
	 * is freed here (its kept_closed, this lcore's word). */
	n += sids_free(e, &eth_of(s)->ew[ss->worker]);
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
	/* The faults first: they hold frames, and their callbacks must be
	 * gone before the port is. */
	dipc_eth_fault_detach(es->faults);
	es->faults = NULL;
	if (es->started)
		dipc_eth_port_close(es->port);
	if (es->slots != NULL)
		for (i = 0; i < s->cfg.max_conns; i++) {
			struct eth_slot *e = &es->slots[i];

			while (e->head != e->tail)
				rte_pktmbuf_free(e->stage[e->head++ & (ETH_STAGE - 1)]);
			sids_free(e, NULL);
		}
	if (es->ew != NULL)
		for (i = 0; i < s->nb_workers; i++) {
			struct eth_handoff h;

			dipc_eth_reasm_free(es->ew[i].reasm);
			dipc_eth_backlog_free(&es->ew[i].txb);
			while (es->ew[i].handoff != NULL &&
			       rte_ring_sc_dequeue_elem(es->ew[i].handoff, &h, sizeof(h)) == 0)
				rte_pktmbuf_free(h.m);
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

/* DIPC_ETH_FAULTS (dipc_eth_fault.h): faults injected on every queue of
 * the port, for tests; a bad spec fails the server's start. */
static int
eth_faults_attach(struct dipc_server *s, struct eth_server *es)
{
	const char *spec = getenv(DIPC_ETH_FAULT_ENV);
	struct dipc_eth_fault_conf fc;
	char err[256], what[128];

	if (spec == NULL || *spec == '\0')
		return 0;
	if (dipc_eth_fault_parse(spec, &fc, err, sizeof(err)) != 0) {
		SERVER_LOG(ERR, "eth: %s=%s: %s", DIPC_ETH_FAULT_ENV, spec, err);
		return -EINVAL;
	}
	es->faults = dipc_eth_fault_attach(es->port, (uint16_t)s->nb_workers,
					   (uint16_t)s->nb_workers, &fc, err, sizeof(err));
	if (es->faults == NULL) {
		SERVER_LOG(ERR, "eth: %s", err);
		return -rte_errno;
	}
	SERVER_LOG(WARNING, "eth: %s is set: injecting faults on port %u (%s): frames will be "
		   "lost, copied and reordered on purpose", DIPC_ETH_FAULT_ENV, es->port,
		   dipc_eth_fault_describe(&fc, what, sizeof(what)));
	return 0;
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
		es->ew[i].handoff = rte_ring_create_elem(name, sizeof(struct eth_handoff),
							 ETH_HANDOFF_SIZE, socket, RING_F_SC_DEQ);
		es->ew[i].reasm = dipc_eth_reasm_create(ETH_REASM_ENTRIES, 8 * DIPC_ETH_MAX_FRAGS,
							es->hz / 1000 * ETH_REASM_TIMEOUT_MS,
							socket);
		if (es->ew[i].handoff == NULL || es->ew[i].reasm == NULL ||
		    dipc_eth_backlog_init(&es->ew[i].txb, ETH_BACKLOG, ETH_BACKLOG_WAIT_MS, socket) != 0)
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
	/* Half the receive pool for the answers kept, shared by the workers;
	 * the rest for the receive queues, reassembly and requests. */
	es->kept_budget = RTE_MAX(cfg->eth_mbufs / 2 / RTE_MAX(s->nb_workers, 1u), 1u);
	ret = eth_faults_attach(s, es);
	if (ret != 0)
		return ret;
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
	for (i = 0; i < s->nb_workers; i++)
		o->kept += __atomic_load_n(&es->ew[i].kept, __ATOMIC_RELAXED) -
			   __atomic_load_n(&es->ew[i].kept_closed, __ATOMIC_RELAXED);
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
	fprintf(f, "dipc-server: eth pool %s: %u of %u mbufs free (%u kept for answers)\n",
		es->rx_pool->name, o.pool_free, o.pool_size, o.kept);
	if (es->faults != NULL) {
		struct dipc_eth_fault_stats rx, tx;

		dipc_eth_fault_stats(es->faults, &rx, &tx);
		fprintf(f, "dipc-server: eth faults injected: rx %" PRIu64 " frames: dropped %" PRIu64
			   ", copied %" PRIu64 ", reordered %" PRIu64 "; tx %" PRIu64
			   " frames: dropped %" PRIu64 ", copied %" PRIu64 ", reordered %" PRIu64
			   "\n", rx.frames, rx.dropped, rx.duplicated, rx.reordered, tx.frames,
			tx.dropped, tx.duplicated, tx.reordered);
	}
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

