/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: a remote client of the eth transport, driven by
 * tests/test_eth.c: its own DPDK primary (no shared memory with the
 * server) with one ethdev port (a vdev, e.g. net_memif0,role=client). It
 * finds the server by ARP, is admitted over the wire (HELLO, CHALLENGE,
 * PROOF with the token, WELCOME checked), makes echo calls one at a time
 * with bodies of random sizes up to --max-body (a body over one frame goes
 * as several, a body over one mbuf as a chain) and checks every answer
 * byte for byte, sends one-way messages, answers the server's PINGs, and
 * closes. Built on drivers/eth directly (raw frames, not the client
 * library).
 *
 *   dipc_eth_client [EAL args] -- --port NAME --ip A --server-ip B --token FILE
 *       [--udp-port P] [--src-port S] [--mtu M] [--calls N] [--oneway N]
 *       [--min-body B] [--max-body B] [--seed S] [--no-close] [--hold] [--hello-only]
 *       [--garbage] [--window W] [--dup] [--retry-ms R] [--call-timeout-ms T]
 *       [--faults SPEC]
 *
 * Reliability (docs/WIRE.md, "Reliability"): calls have stream ids 0, 1,
 * ... and one-way messages the ids after them; every frame carries the
 * client's completed floor in its ack (the lowest stream id not finished).
 * --window W: up to W calls in flight (default 1). --dup: every request
 * (and one-way message) sent twice at once. --retry-ms R: a call with no
 * answer after R ms is sent again, the same bytes (same stream id, same
 * frame seq), and so is a HELLO or PROOF (default 0: never, and an
 * admission frame waits for its answer the whole timeout).
 * --call-timeout-ms T: a call with no answer after T ms is given up
 * (counted, the floor moves past it; default 30 s). --faults SPEC: inject
 * faults on this side's port (dipc_eth_fault.h), before ARP. An answer
 * to a call already answered or given up is counted and dropped. The
 * line "eth-client: calls ok A, timed out B, retransmitted C, duplicate
 * answers D" comes after the calls.
 *
 * --garbage: after the admission, one malformed frame of each kind
 * send_garbage() lists (the server counts and drops them), then the calls.
 * --hold: after the calls, keep answering PINGs until killed (a peer that
 * stays). --hello-only: stop after the CHALLENGE (a handshake left
 * half-way). Lines for the test: "eth-client: resolved ...",
 * "eth-client: admitted slot S gen G window W queue Q",
 * "eth-client: refused: ERRNO REASON", "eth-client: N calls ok",
 * "eth-client: M one-way sent", "eth-client: closed".
 *
 * Exit codes: 0 done, 1 a wrong or missing answer, 2 usage, 3 no link or
 * no ARP answer, 4 refused, 5 the server closed the connection or went
 * silent, 6 admission out of protocol.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_random.h>

#include "dipc_config.h"
#include "dipc_eth_arp.h"
#include "dipc_eth_conn.h"
#include "dipc_eth_fault.h"
#include "dipc_eth_frame.h"
#include "dipc_eth_port.h"
#include "dipc_msg.h"
#include "dipc_token.h"

#define SAY(fmt, ...) do { printf("eth-client: " fmt "\n", ##__VA_ARGS__); fflush(stdout); } while (0)

struct client {
	uint16_t port, queue;
	struct rte_mempool *pool, *hdr_pool, *ind_pool;
	struct dipc_eth_frame_cfg fcfg;
	struct dipc_eth_frame_tmpl tmpl;   /* DATA frames of the connection */
	struct dipc_eth_reasm *reasm;
	struct dipc_eth_stats st;
	struct dipc_eth_arp_cfg arp;
	struct dipc_eth_neigh *neigh;
	struct dipc_token token;
	struct dipc_eth_ends ends;
	uint64_t hz, timeout;   /* TSC cycles a wait may last */
	uint64_t retry;         /* TSC cycles before a request is sent again (0: never) */
	uint32_t seq;
	int dup;                /* every request sent twice */
	int admitted, closed_by_server;
	uint64_t last_heard;
	uint32_t heartbeat_ms;
	uint32_t window;        /* granted: stream ids in flight span less than this */
	/* Whole DATA messages received while waiting, not yet taken. */
	struct rte_mbuf *ready[64];
	unsigned int nb_ready;
};

/* A decimal number of @s, or @def when there is none. */
static unsigned int
number(const char *s, unsigned int def)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || v > UINT32_MAX ? def : (unsigned int)v;
}

static unsigned int
wait_scale(void)
{
	unsigned int n = number(getenv("DIPC_TEST_WAIT_SCALE"), 1);

	return n > 0 ? n : 1;
}

static void
tx(struct client *c, struct rte_mbuf **f, unsigned int n)
{
	unsigned int sent = 0, tries;

	for (tries = 0; sent < n && tries < 1000000; tries++)
		sent += rte_eth_tx_burst(c->port, c->queue, f + sent, (uint16_t)(n - sent));
	if (sent < n)
		rte_pktmbuf_free_bulk(f + sent, n - sent);
}

/* A control frame to the server. */
static void
send_ctl(struct client *c, uint8_t type, const uint8_t *payload, unsigned int len)
{
	struct dipc_eth_frame_tmpl t = c->tmpl;
	struct rte_mbuf *m = rte_pktmbuf_alloc(c->pool), *f[2];
	int n;

	if (m == NULL)
		return;
	if (len != 0)
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), payload, len);
	t.type = type;
	t.seq = ++c->seq;
	n = dipc_eth_frame_build(&c->fcfg, &t, m, NULL, NULL, f, 2, &c->st);
	if (n != 1) {
		rte_pktmbuf_free(m);
		return;
	}
	tx(c, f, 1);
}

/*
 * Receive until a frame of type @want comes (its payload copied into
 * @buf, at most @len bytes; DATA: the message in *msg) or the wait ends.
 * PINGs are answered on the way, a CLOSE ends the wait. Returns the
 * frame's type, 0 on timeout, -1 when the server closed.
 */
static int
wait_frame(struct client *c, uint8_t want, uint8_t *buf, size_t len,
	   struct dipc_eth_frame_info *fi, struct rte_mbuf **msg)
{
	uint64_t deadline = rte_get_tsc_cycles() + c->timeout, idle = 0;
	struct rte_mbuf *pkts[32], *out, *reply;

	for (;;) {
		uint16_t n = rte_eth_rx_burst(c->port, c->queue, pkts, 32), i;

		for (i = 0; i < n; i++) {
			uint64_t now = rte_get_tsc_cycles();
			enum dipc_eth_drop r = dipc_eth_frame_parse(&c->fcfg, pkts[i], fi);

			if (r == DIPC_ETH_DROP_ARP) {
				if (dipc_eth_arp_input(&c->arp, c->neigh, pkts[i], now, c->pool, &reply,
						       NULL) == DIPC_ETH_ARP_REPLY) {
					if (reply != pkts[i])
						rte_pktmbuf_free(pkts[i]);
					tx(c, &reply, 1);
				} else {
					rte_pktmbuf_free(pkts[i]);
				}
				continue;
			}
			if (r != DIPC_ETH_OK) {
				rte_pktmbuf_free(pkts[i]);
				continue;
			}
			c->last_heard = now;
			if (fi->type == DIPC_ETH_T_DATA) {
				r = dipc_eth_reasm_input(c->reasm, pkts[i], fi, now, &out, &c->st);
				if (r != DIPC_ETH_OK || out == NULL)
					continue;
				/* Kept for the caller, in the order they came: more
				 * than one may come in a burst. */
				if (want == DIPC_ETH_T_DATA && msg != NULL &&
				    c->nb_ready < RTE_DIM(c->ready)) {
					c->ready[c->nb_ready++] = out;
					continue;
				}
				rte_pktmbuf_free(out);
				continue;
			}
			if (fi->msg_len <= len &&
			    rte_pktmbuf_read(pkts[i], DIPC_ETH_HDR_LEN, fi->msg_len, buf) != buf &&
			    fi->msg_len != 0)
				memcpy(buf, rte_pktmbuf_mtod_offset(pkts[i], uint8_t *, DIPC_ETH_HDR_LEN),
				       fi->msg_len);
			rte_pktmbuf_free(pkts[i]);
			if (fi->type == DIPC_ETH_T_PING && c->admitted) {
				send_ctl(c, DIPC_ETH_T_PONG, buf, fi->msg_len);
				continue;
			}
			if (fi->type == DIPC_ETH_T_CLOSE && c->admitted) {
				c->closed_by_server = 1;
				return -1;
			}
			if (fi->type == want || fi->type == DIPC_ETH_T_REFUSE)
				return fi->type;
		}
		if (msg != NULL && c->nb_ready != 0) {
			unsigned int k;

			*msg = c->ready[0];
			c->nb_ready--;
			for (k = 0; k < c->nb_ready; k++)
				c->ready[k] = c->ready[k + 1];
			return DIPC_ETH_T_DATA;
		}
		if (rte_get_tsc_cycles() > deadline)
			return 0;
		/* Back off when idle: the test shares two CPUs. */
		if (n == 0 && ++idle > 1000)
			rte_delay_us_sleep(50);
		else if (n != 0)
			idle = 0;
	}
}

static int
resolve(struct client *c, rte_be32_t ip, struct rte_ether_addr *mac)
{
	uint64_t deadline = rte_get_tsc_cycles() + c->timeout, next = 0;
	struct rte_mbuf *pkts[32], *reply;

	while (rte_get_tsc_cycles() < deadline) {
		uint64_t now = rte_get_tsc_cycles();
		uint16_t n, i;

		if (dipc_eth_neigh_lookup(c->neigh, ip, now, mac) == 0)
			return 0;
		if (now >= next) {
			struct rte_mbuf *m = dipc_eth_arp_request(&c->arp, ip, c->pool, NULL);

			if (m != NULL)
				tx(c, &m, 1);
			next = now + c->hz / 10;
		}
		n = rte_eth_rx_burst(c->port, c->queue, pkts, 32);
		for (i = 0; i < n; i++) {
			if (dipc_eth_arp_input(&c->arp, c->neigh, pkts[i], now, c->pool, &reply,
					       NULL) == DIPC_ETH_ARP_REPLY) {
				if (reply != pkts[i])
					rte_pktmbuf_free(pkts[i]);
				tx(c, &reply, 1);
				continue;
			}
			rte_pktmbuf_free(pkts[i]);
		}
		if (n == 0)
			rte_delay_us_sleep(100);
	}
	return -ETIMEDOUT;
}

/*
 * Send a control frame (its payload in @buf, replaced by the answer's)
 * and wait for the answer of type @want (or a REFUSE): with --retry-ms,
 * sent again each time that passed without one, until the timeout.
 */
static int
ask(struct client *c, uint8_t type, uint8_t *buf, unsigned int len, uint8_t want,
    struct dipc_eth_frame_info *fi)
{
	uint8_t out[DIPC_ETH_CTRL_MAX_LEN];
	uint64_t timeout = c->timeout, deadline = rte_get_tsc_cycles() + timeout;
	int t;

	memcpy(out, buf, len);
	if (c->retry != 0)
		c->timeout = c->retry;
	do {
		send_ctl(c, type, out, len);
		t = wait_frame(c, want, buf, DIPC_ETH_CTRL_MAX_LEN, fi, NULL);
	} while (t == 0 && c->retry != 0 && rte_get_tsc_cycles() < deadline);
	c->timeout = timeout;
	return t;
}

static int
admit(struct client *c, uint16_t window, uint32_t max_msg_len, int hello_only)
{
	struct dipc_eth_hello h = {
		.min_version = DIPC_ETH_PROTO_VERSION, .max_version = DIPC_ETH_PROTO_VERSION,
		.window = window, .max_msg_len = max_msg_len,
	};
	struct dipc_eth_challenge ch;
	struct dipc_eth_proof pr;
	struct dipc_eth_welcome w;
	struct dipc_eth_refuse rf;
	struct dipc_eth_frame_info fi;
	uint8_t buf[DIPC_ETH_CTRL_MAX_LEN];
	int n, t;

	h.client_nonce = rte_rand() | 1;
	n = dipc_eth_hello_encode(&h, buf, sizeof(buf));
	if (n < 0)
		return 6;
	t = ask(c, DIPC_ETH_T_HELLO, buf, (unsigned int)n, DIPC_ETH_T_CHALLENGE, &fi);
	if (t == DIPC_ETH_T_REFUSE)
		goto refused;
	if (t != DIPC_ETH_T_CHALLENGE || dipc_eth_challenge_decode(buf, fi.msg_len, &ch) != 0 ||
	    ch.client_nonce != h.client_nonce) {
		SAY("no CHALLENGE (%d)", t);
		return 6;
	}
	if (hello_only) {
		SAY("challenged");
		return 0;
	}
	memset(&pr, 0, sizeof(pr));
	pr.version = ch.version;
	pr.window = window;
	pr.max_msg_len = max_msg_len;
	pr.client_nonce = h.client_nonce;
	pr.server_nonce = ch.server_nonce;
	pr.issued = ch.issued;
	if (dipc_eth_proof_mac(&c->token, &pr, &c->ends, pr.mac) != 0)
		return 6;
	n = dipc_eth_proof_encode(&pr, buf, sizeof(buf));
	if (n < 0)
		return 6;
	t = ask(c, DIPC_ETH_T_PROOF, buf, (unsigned int)n, DIPC_ETH_T_WELCOME, &fi);
	if (t == DIPC_ETH_T_REFUSE)
		goto refused;
	if (t != DIPC_ETH_T_WELCOME || dipc_eth_welcome_decode(buf, fi.msg_len, &w) != 0) {
		SAY("no WELCOME (%d)", t);
		return 6;
	}
	if (dipc_eth_welcome_check(&c->token, &w, h.client_nonce, ch.server_nonce, fi.conn_id,
				   fi.conn_gen, &c->ends) != 0) {
		SAY("WELCOME not from a server that knows the token");
		return 6;
	}
	c->tmpl.conn_id = fi.conn_id;
	c->tmpl.conn_gen = fi.conn_gen;
	/* One queue here: frames sent on it reach the server's queue 0, whose
	 * worker hands them to w.queue's if that is another one. */
	c->heartbeat_ms = w.heartbeat_ms;
	c->window = w.window;
	c->admitted = 1;
	SAY("admitted slot %u gen %u window %u queue %u max %u", fi.conn_id, fi.conn_gen, w.window,
	    w.queue, w.max_msg_len);
	return 0;
refused:
	if (dipc_eth_refuse_decode(buf, fi.msg_len, &rf) != 0) {
		SAY("malformed REFUSE");
		return 6;
	}
	SAY("refused: %u %s", rf.status, rf.reason);
	return 4;
}

/* A request of @body_len bytes of a pattern of (@stream, @seed): one mbuf
 * while it fits, else a chain. */
static struct rte_mbuf *
make_request(struct client *c, uint16_t method, uint8_t flags, uint32_t stream,
	     uint32_t body_len)
{
	uint32_t room = rte_pktmbuf_data_room_size(c->pool) - RTE_PKTMBUF_HEADROOM, left, off = 0;
	struct dipc_msg_hdr h = {
		.magic = DIPC_MSG_MAGIC, .version = DIPC_MSG_VERSION,
		.flags = (uint8_t)(DIPC_MSG_F_REQUEST | flags), .method = method,
		.stream_id = stream, .body_len = body_len,
	};
	struct rte_mbuf *head = NULL, *m;
	uint32_t total = DIPC_MSG_HDR_LEN + body_len;

	for (left = total; left > 0;) {
		uint32_t k = RTE_MIN(left, room), i;
		uint8_t *p;

		m = rte_pktmbuf_alloc(c->pool);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)k);
		for (i = 0; i < k; i++, off++)
			p[i] = off < DIPC_MSG_HDR_LEN ? ((const uint8_t *)&h)[off] :
			       (uint8_t)((off - DIPC_MSG_HDR_LEN) * 31 + stream);
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0)
			return NULL;
		left -= k;
	}
	return head;
}

/* A message's frames with frame seq @seq (0: the next one). */
static int
send_msg_seq(struct client *c, struct rte_mbuf *m, uint32_t seq)
{
	struct rte_mbuf *f[DIPC_ETH_MAX_FRAGS + 1];
	int n;

	c->tmpl.type = DIPC_ETH_T_DATA;
	c->tmpl.seq = seq != 0 ? seq : ++c->seq;
	n = dipc_eth_frame_build(&c->fcfg, &c->tmpl, m, c->hdr_pool, c->ind_pool, f, RTE_DIM(f),
				 &c->st);
	if (n < 0) {
		rte_pktmbuf_free(m);
		return n;
	}
	tx(c, f, (unsigned int)n);
	return 0;
}

/* The answer to stream @stream: an echo of what make_request() wrote. */
static int
check_answer(struct rte_mbuf *m, uint32_t stream, uint32_t body_len)
{
	struct dipc_msg_hdr h;
	const void *hp;
	uint32_t off;
	uint8_t b;

	if (m->pkt_len != DIPC_MSG_HDR_LEN + body_len)
		return -1;
	hp = rte_pktmbuf_read(m, 0, sizeof(h), &h);
	if (hp == NULL)
		return -1;
	if (hp != &h)
		memcpy(&h, hp, sizeof(h));
	if (h.magic != DIPC_MSG_MAGIC || h.stream_id != stream || h.body_len != body_len ||
	    !(h.flags & DIPC_MSG_F_RESPONSE) || (h.flags & DIPC_MSG_F_ERROR) || h.status != 0) {
		SAY("answer header: magic %#x stream %u body %u flags %#x status %u", h.magic,
		    h.stream_id, h.body_len, h.flags, h.status);
		return -1;
	}
	for (off = 0; off < body_len; off++) {
		const uint8_t *p = rte_pktmbuf_read(m, DIPC_MSG_HDR_LEN + off, 1, &b);

		if (p == NULL || *p != (uint8_t)(off * 31 + stream)) {
			SAY("answer body differs at %u of %u (segments %u)", off, body_len,
			    m->nb_segs);
			return -1;
		}
	}
	return 0;
}

/*
 * Malformed frames, one per kind, each a copy of a good request frame
 * with one thing wrong (offsets of docs/WIRE.md), then nothing else: the
 * server must count each under its reason and go on serving. Returns how
 * many were sent.
 */
static unsigned int
send_garbage(struct client *c)
{
	static const struct {
		uint16_t off;   /* byte to change */
		uint8_t len;    /* bytes written (little-endian value), 0: cut here */
		uint32_t val;
	} bad[] = {
		{ 30, 0, 0 },          /* truncated: 30 bytes */
		{ 0, 1, 0x12 },        /* dst_mac */
		{ 14, 1, 0x65 },       /* ip_version */
		{ 22, 1, 0x05 },       /* ip_csum: the TTL changed, the checksum not */
		{ 36, 2, 0x0101 },     /* udp_port */
		{ 42, 1, 0x00 },       /* magic */
		{ 44, 1, 0x09 },       /* version */
		{ 45, 1, 0x63 },       /* type */
		{ 46, 1, 0x01 },       /* flags */
		{ 66, 4, 0x7fffffff }, /* msg_too_big */
		{ 70, 4, 0x10000 },    /* frag_range */
		{ 50, 4, 999 },        /* unknown_conn: no such connection */
		{ 54, 4, 0xffff },     /* unknown_conn: another generation */
		{ 34, 2, 0x0202 },     /* unknown_conn: not the admitted sender's port */
	};
	struct rte_mbuf *req = make_request(c, DIPC_METHOD_ECHO, 0, 0xbad, 100), *f[2];
	unsigned int i, k;
	int n;

	if (req == NULL)
		return 0;
	c->tmpl.type = DIPC_ETH_T_DATA;
	c->tmpl.seq = ++c->seq;
	n = dipc_eth_frame_build(&c->fcfg, &c->tmpl, req, NULL, NULL, f, 2, &c->st);
	if (n != 1) {
		rte_pktmbuf_free(req);
		return 0;
	}
	for (i = 0; i < RTE_DIM(bad); i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(c->pool);
		uint8_t *p;

		if (m == NULL)
			break;
		p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)f[0]->pkt_len);
		memcpy(p, rte_pktmbuf_mtod(f[0], const uint8_t *), f[0]->pkt_len);
		if (bad[i].len == 0)
			rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - bad[i].off));
		for (k = 0; k < bad[i].len; k++)
			p[bad[i].off + k] = (uint8_t)(bad[i].val >> (8 * k));
		tx(c, &m, 1);
	}
	rte_pktmbuf_free(f[0]);
	return i;
}

/* A call in flight. */
struct call {
	uint32_t sid, len, seq;
	uint64_t started, sent_at;
	unsigned int tries;
	int active;
};

/* The lowest stream id not finished: every frame's ack. */
static void
set_floor(struct client *c, const struct call *calls, unsigned int window, uint32_t next)
{
	uint32_t f = next;
	unsigned int k;

	for (k = 0; k < window; k++)
		if (calls[k].active && (int32_t)(calls[k].sid - f) < 0)
			f = calls[k].sid;
	c->tmpl.ack = f;
}

/* A request's frames (twice with --dup); @seq 0 the first time. */
static int
send_request(struct client *c, uint16_t method, uint8_t flags, uint32_t sid, uint32_t len,
	     uint32_t *seq)
{
	unsigned int k;

	for (k = 0; k < (c->dup ? 2u : 1u); k++) {
		struct rte_mbuf *m = make_request(c, method, flags, sid, len);

		if (m == NULL || send_msg_seq(c, m, *seq) != 0)
			return -1;
		*seq = c->tmpl.seq;
	}
	return 0;
}

/*
 * @calls echo calls, up to @window at once, each sent again after
 * c->retry without an answer and given up after @give_up; every answer
 * checked byte for byte. Returns 0 (counts in the out parameters), 1 on
 * a wrong answer or a failed send, 5 if the server closed.
 */
static int
run_calls(struct client *c, unsigned int calls, unsigned int window, uint32_t min_body,
	  uint32_t max_body, uint64_t give_up, unsigned int *ok, unsigned int *timed_out,
	  unsigned int *retrans, unsigned int *dup_answers)
{
	struct call cs[64];
	uint64_t timeout = c->timeout;
	unsigned int done = 0, k, inflight = 0;
	uint32_t next = 0;

	memset(cs, 0, sizeof(cs));
	window = RTE_MAX(1u, RTE_MIN(window, (unsigned int)RTE_DIM(cs)));
	/* Answers are waited for a millisecond at a time, between the
	 * retries' checks. */
	c->timeout = c->hz / 1000;
	while (done < calls) {
		struct dipc_eth_frame_info fi;
		struct rte_mbuf *ans = NULL;
		uint8_t buf[DIPC_ETH_CTRL_MAX_LEN];
		uint64_t now;
		int t;

		/* New calls while fewer than @window are out, and their ids
		 * within the granted window above the floor (a call that waits
		 * for its answer holds the floor: later ids wait for it). */
		for (k = 0; k < window && inflight < window && next < calls &&
			    next - c->tmpl.ack < c->window; k++) {
			struct call *x = &cs[k];

			if (x->active)
				continue;
			x->sid = next++;
			x->len = min_body + (uint32_t)(rte_rand() % (max_body - min_body + 1));
			x->seq = 0;
			x->tries = 1;
			x->active = 1;
			inflight++;
			x->started = x->sent_at = rte_get_tsc_cycles();
			if (send_request(c, DIPC_METHOD_ECHO, 0, x->sid, x->len, &x->seq) != 0) {
				SAY("cannot send call %u", x->sid);
				return 1;
			}
		}
		t = wait_frame(c, DIPC_ETH_T_DATA, buf, sizeof(buf), &fi, &ans);
		if (t < 0) {
			SAY("server closed the connection at call %u", done);
			return 5;
		}
		if (ans != NULL) {
			struct dipc_msg_hdr h;
			const void *hp = rte_pktmbuf_read(ans, 0, sizeof(h), &h);

			if (hp != NULL && hp != &h)
				memcpy(&h, hp, sizeof(h));
			for (k = 0; hp != NULL && k < window; k++)
				if (cs[k].active && cs[k].sid == h.stream_id)
					break;
			if (hp == NULL || k == window) {
				/* A call answered already (a copy, or an answer sent
				 * again) or given up. */
				(*dup_answers)++;
			} else if (check_answer(ans, cs[k].sid, cs[k].len) != 0) {
				SAY("wrong answer to call %u (%u bytes, got %u)", cs[k].sid, cs[k].len,
				    ans->pkt_len);
				rte_pktmbuf_free(ans);
				return 1;
			} else {
				cs[k].active = 0;
				inflight--;
				done++;
				(*ok)++;
			}
			rte_pktmbuf_free(ans);
		}
		now = rte_get_tsc_cycles();
		for (k = 0; k < window; k++) {
			struct call *x = &cs[k];

			if (!x->active)
				continue;
			if (now - x->started > give_up) {
				SAY("call %u timed out after %u tries", x->sid, x->tries);
				x->active = 0;
				inflight--;
				done++;
				(*timed_out)++;
			} else if (c->retry != 0 && now - x->sent_at > c->retry) {
				x->sent_at = now;
				x->tries++;
				(*retrans)++;
				if (send_request(c, DIPC_METHOD_ECHO, 0, x->sid, x->len, &x->seq) != 0)
					return 1;
			}
		}
		set_floor(c, cs, window, next);
	}
	c->timeout = timeout;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: dipc_eth_client [EAL] -- --port NAME --ip A --server-ip B --token "
			"FILE [--udp-port P] [--src-port S] [--mtu M] [--calls N] [--oneway N] "
			"[--min-body B] [--max-body B] [--seed S] [--no-close] [--hold] [--hello-only] [--garbage] "
			"[--window W] [--dup] [--retry-ms R] [--call-timeout-ms T] [--faults SPEC]\n");
}

int
main(int argc, char **argv)
{
	const char *port_name = NULL, *ip = NULL, *server_ip = NULL, *token = NULL;
	unsigned int calls = 100, oneway = 0, max_body = 4000, min_body = 0, mtu = 1500, udp = 7117;
	unsigned int src_port = 40000, i, window = 1, retry_ms = 0, call_timeout_ms = 30000;
	unsigned int ok = 0, timed_out = 0, retrans = 0, dup_answers = 0;
	const char *faults = NULL;
	struct dipc_eth_fault *fault = NULL;
	int no_close = 0, hold = 0, hello_only = 0, garbage = 0, dup = 0, ret;
	uint64_t seed = 1;
	struct client c;
	struct dipc_eth_port_conf pc;
	struct dipc_eth_port_info info;
	struct rte_ether_addr server_mac;
	uint8_t b[4];
	char err[256];

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "eth-client: EAL: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	for (i = 1; i < (unsigned int)argc; i++) {
		const char *a = argv[i], *v = i + 1 < (unsigned int)argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--no-close") == 0) { no_close = 1; continue; }
		if (strcmp(a, "--hold") == 0) { hold = 1; continue; }
		if (strcmp(a, "--hello-only") == 0) { hello_only = 1; continue; }
		if (strcmp(a, "--garbage") == 0) { garbage = 1; continue; }
		if (strcmp(a, "--dup") == 0) { dup = 1; continue; }
		if (v == NULL) { usage(); return 2; }
		i++;
		if (strcmp(a, "--port") == 0) port_name = v;
		else if (strcmp(a, "--ip") == 0) ip = v;
		else if (strcmp(a, "--server-ip") == 0) server_ip = v;
		else if (strcmp(a, "--token") == 0) token = v;
		else if (strcmp(a, "--udp-port") == 0) udp = number(v, UINT32_MAX);
		else if (strcmp(a, "--src-port") == 0) src_port = number(v, UINT32_MAX);
		else if (strcmp(a, "--mtu") == 0) mtu = number(v, UINT32_MAX);
		else if (strcmp(a, "--calls") == 0) calls = number(v, UINT32_MAX);
		else if (strcmp(a, "--oneway") == 0) oneway = number(v, UINT32_MAX);
		else if (strcmp(a, "--max-body") == 0) max_body = number(v, UINT32_MAX);
		else if (strcmp(a, "--min-body") == 0) min_body = number(v, UINT32_MAX);
		else if (strcmp(a, "--seed") == 0) seed = strtoull(v, NULL, 0);
		else if (strcmp(a, "--window") == 0) window = number(v, UINT32_MAX);
		else if (strcmp(a, "--retry-ms") == 0) retry_ms = number(v, UINT32_MAX);
		else if (strcmp(a, "--call-timeout-ms") == 0) call_timeout_ms = number(v, UINT32_MAX);
		else if (strcmp(a, "--faults") == 0) faults = v;
		else { usage(); return 2; }
	}
	if (port_name == NULL || ip == NULL || server_ip == NULL || token == NULL ||
	    udp == 0 || udp > 65535 || src_port == 0 || src_port > 65535 ||
	    mtu > DIPC_ETH_MTU_MAX || calls == UINT32_MAX || oneway == UINT32_MAX ||
	    max_body == UINT32_MAX || min_body > max_body || window == 0 || window > 32 ||
	    retry_ms == UINT32_MAX || call_timeout_ms == UINT32_MAX || call_timeout_ms == 0) {
		usage();
		return 2;
	}
	memset(&c, 0, sizeof(c));
	c.hz = rte_get_tsc_hz();
	c.timeout = c.hz * 30 * wait_scale();
	c.retry = c.hz / 1000 * retry_ms;
	c.dup = dup;
	rte_srand(seed);
	if (dipc_token_load(token, 0, &c.token, err, sizeof(err)) != 0) {
		fprintf(stderr, "eth-client: %s\n", err);
		return 2;
	}
	if (dipc_eth_port_find(port_name, &c.port) != 0) {
		fprintf(stderr, "eth-client: no port %s\n", port_name);
		return 2;
	}
	c.pool = rte_pktmbuf_pool_create("eth_client", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					 SOCKET_ID_ANY);
	c.hdr_pool = rte_pktmbuf_pool_create("eth_client_hdr", 1023, 0, 0,
					     RTE_PKTMBUF_HEADROOM + DIPC_ETH_HDR_LEN, SOCKET_ID_ANY);
	c.ind_pool = rte_pktmbuf_pool_create("eth_client_ind", 2047, 0, 0, 0, SOCKET_ID_ANY);
	c.neigh = dipc_eth_neigh_create(16, c.hz * 60, SOCKET_ID_ANY);
	c.reasm = dipc_eth_reasm_create(16, 4 * DIPC_ETH_MAX_FRAGS, c.hz, SOCKET_ID_ANY);
	if (c.pool == NULL || c.hdr_pool == NULL || c.ind_pool == NULL || c.neigh == NULL ||
	    c.reasm == NULL) {
		fprintf(stderr, "eth-client: no memory\n");
		return 2;
	}
	memset(&pc, 0, sizeof(pc));
	pc.port_id = c.port;
	pc.nb_rxq = 1;
	pc.nb_txq = 1;
	pc.mtu = (uint16_t)mtu;
	pc.rx_pool = c.pool;
	pc.socket_id = SOCKET_ID_ANY;
	if (dipc_eth_port_start(&pc, &info, err, sizeof(err)) != 0) {
		fprintf(stderr, "eth-client: %s\n", err);
		return 2;
	}
	if (faults != NULL) {
		struct dipc_eth_fault_conf fc;
		char what[128];

		if (dipc_eth_fault_parse(faults, &fc, err, sizeof(err)) != 0) {
			fprintf(stderr, "eth-client: %s\n", err);
			return 2;
		}
		fault = dipc_eth_fault_attach(c.port, 1, 1, &fc, err, sizeof(err));
		if (fault == NULL) {
			fprintf(stderr, "eth-client: %s\n", err);
			return 2;
		}
		SAY("injecting faults: %s", dipc_eth_fault_describe(&fc, what, sizeof(what)));
	}
	if (dipc_eth_port_link_wait(c.port, 60000 * wait_scale()) != 0) {
		SAY("no link");
		return 3;
	}
	if (dipc_config_parse_ipv4(ip, b) != 0)
		return 2;
	memcpy(&c.arp.ip, b, 4);
	if (dipc_config_parse_ipv4(server_ip, b) != 0)
		return 2;
	memcpy(&c.tmpl.dst_ip, b, 4);
	c.arp.mac = info.mac;
	c.fcfg.mtu = (uint16_t)mtu;
	c.fcfg.udp_port = rte_cpu_to_be_16((uint16_t)src_port);
	c.fcfg.max_msg_len = DIPC_ETH_MSG_MAX(mtu);
	c.fcfg.local_ip = c.arp.ip;
	c.fcfg.local_mac = info.mac;
	if (dipc_eth_frame_cfg_check(&c.fcfg) != 0)
		return 2;
	if (resolve(&c, c.tmpl.dst_ip, &server_mac) != 0) {
		SAY("no ARP answer from %s", server_ip);
		return 3;
	}
	{
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		rte_ether_format_addr(mac, sizeof(mac), &server_mac);
		SAY("resolved %s at %s", server_ip, mac);
	}
	c.tmpl.src_mac = info.mac;
	c.tmpl.dst_mac = server_mac;
	c.tmpl.src_ip = c.arp.ip;
	c.tmpl.src_port = rte_cpu_to_be_16((uint16_t)src_port);
	c.tmpl.dst_port = rte_cpu_to_be_16((uint16_t)udp);
	c.ends.client_ip = c.arp.ip;
	c.ends.server_ip = c.tmpl.dst_ip;
	c.ends.client_port = c.tmpl.src_port;
	c.ends.server_port = c.tmpl.dst_port;

	ret = admit(&c, 32, c.fcfg.max_msg_len, hello_only);
	if (ret != 0 || hello_only)
		return ret;
	if (garbage)
		SAY("garbage sent %u", send_garbage(&c));

	ret = run_calls(&c, calls, window, min_body, max_body,
			c.hz / 1000 * call_timeout_ms * wait_scale(), &ok, &timed_out, &retrans,
			&dup_answers);
	if (ret != 0)
		return ret;
	SAY("calls ok %u, timed out %u, retransmitted %u, duplicate answers %u", ok, timed_out,
	    retrans, dup_answers);
	if (ok == calls)
		SAY("%u calls ok", calls);
	/* One-way messages: the stream ids after the calls', each finished
	 * once sent. */
	for (i = 0; i < oneway; i++) {
		uint32_t seq = 0;

		if (send_request(&c, DIPC_METHOD_SINK, DIPC_MSG_F_ONEWAY, calls + i, 64, &seq) != 0)
			return 1;
		c.tmpl.ack = calls + i + 1;
	}
	if (oneway != 0)
		SAY("%u one-way sent", oneway);
	if (hold) {
		struct dipc_eth_frame_info fi;
		uint8_t buf[DIPC_ETH_CTRL_MAX_LEN];

		SAY("holding");
		for (;;) {
			c.timeout = c.hz;
			if (wait_frame(&c, DIPC_ETH_T_MAX, buf, sizeof(buf), &fi, NULL) < 0) {
				SAY("server closed the connection");
				return 5;
			}
		}
	}
	if (!no_close) {
		struct dipc_eth_close cl = { .status = 0 };
		struct dipc_eth_frame_info fi;
		uint8_t buf[DIPC_ETH_CTRL_MAX_LEN];
		int n = dipc_eth_close_encode(&cl, buf, sizeof(buf)), tries, answered = 0;

		/* Until the server answers with its CLOSE: the link must not go
		 * while the CLOSE is still in it. */
		c.timeout = c.hz / 2 * wait_scale();
		for (tries = 0; n > 0 && tries < 10 && !answered; tries++) {
			send_ctl(&c, DIPC_ETH_T_CLOSE, buf, (unsigned int)n);
			answered = wait_frame(&c, DIPC_ETH_T_MAX, buf + 64, sizeof(buf) - 64, &fi,
					      NULL) < 0;
		}
		SAY("closed%s", answered ? "" : " (the server did not answer)");
	}
	if (fault != NULL) {
		struct dipc_eth_fault_stats rx, tx;

		dipc_eth_fault_stats(fault, &rx, &tx);
		SAY("faults: rx dropped %" PRIu64 ", copied %" PRIu64 ", reordered %" PRIu64
		    "; tx dropped %" PRIu64 ", copied %" PRIu64 ", reordered %" PRIu64, rx.dropped,
		    rx.duplicated, rx.reordered, tx.dropped, tx.duplicated, tx.reordered);
		dipc_eth_fault_detach(fault);
	}
	dipc_eth_port_close(c.port);
	rte_eal_cleanup();
	return 0;
}
