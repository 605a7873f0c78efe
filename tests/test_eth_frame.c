/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: the eth transport's frame layer (drivers/eth/dipc_eth_frame.h)
 * on real DPDK mbufs and mempools in ordinary memory (--no-huge
 * --no-shconf: nothing shared, no hugepage taken); no mock.
 *
 * - The wire format byte for byte against this file's own encoder, written
 *   from the table in docs/WIRE.md (not from the library's structures).
 * - Round trips build -> (a copy to receive mbufs, as a NIC would) -> parse
 *   -> reassembly, byte for byte, for 64 B, 1 KB, 16 KB and the largest
 *   message, at MTU 1500 and 9000, frames in order, reversed, shuffled and
 *   with duplicates, messages of one segment or chains with odd segment
 *   sizes, UDP checksums on and off, receive frames scattered over
 *   segments; the message is the receive mbuf (headers stripped in place).
 * - Every drop reason caused by a crafted frame and counted once (and the
 *   test fails if one reason was never caused).
 * - Expiry, flush, a full table, the builder's errors.
 * After every case each pool is full again: no mbuf leaked or lost.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dipc_eth_frame.h"
#include "dipc_msg.h"

#define RX_MBUFS 4096
#define JUMBO_MBUFS 160
#define MSG_MBUFS 512
#define BIG_MBUFS 64
#define HDR_MBUFS 1024
#define IND_MBUFS 4096
#define BIG_ROOM (16384 + 1024)
#define JUMBO_ROOM (9014 + 64)
#define MAX_FRAMES 256

#define PORT 7117
#define LOCAL_IP 0x0a000002u  /* 10.0.0.2, host order */
#define PEER_IP 0x0a000001u   /* 10.0.0.1 */
#define PEER_PORT 40000

static struct rte_mempool *rx_pool, *jumbo_pool, *msg_pool, *big_pool, *hdr_pool, *ind_pool;
static const struct rte_ether_addr local_mac = { { 0x02, 0, 0, 0, 0, 0x02 } };
static const struct rte_ether_addr peer_mac = { { 0x02, 0, 0, 0, 0, 0x01 } };
/* Which drop reasons some case caused (test_all_reasons_seen checks). */
static unsigned int seen[DIPC_ETH_DROP_MAX];
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static const uint32_t no_cuts[1];

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static int
group_setup(void **state)
{
	char *args[] = { "test_eth_frame", "--no-huge", "--no-shconf", "-m", "256", "--no-pci",
			 "-l", "0", "--no-telemetry", "--log-level=lib.eal:error", NULL };

	(void)state;
	if (rte_eal_init(RTE_DIM(args) - 1, args) < 0)
		return -1;
	/* No per-lcore caches: the available counts are exact. */
	rx_pool = rte_pktmbuf_pool_create("eth_rx", RX_MBUFS, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					  SOCKET_ID_ANY);
	jumbo_pool = rte_pktmbuf_pool_create("eth_jumbo", JUMBO_MBUFS, 0, 0,
					     RTE_PKTMBUF_HEADROOM + JUMBO_ROOM, SOCKET_ID_ANY);
	msg_pool = rte_pktmbuf_pool_create("eth_msg", MSG_MBUFS, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					   SOCKET_ID_ANY);
	big_pool = rte_pktmbuf_pool_create("eth_big", BIG_MBUFS, 0, 0,
					   RTE_PKTMBUF_HEADROOM + BIG_ROOM, SOCKET_ID_ANY);
	hdr_pool = rte_pktmbuf_pool_create("eth_hdr", HDR_MBUFS, 0, 0,
					   RTE_PKTMBUF_HEADROOM + DIPC_ETH_HDR_LEN, SOCKET_ID_ANY);
	ind_pool = rte_pktmbuf_pool_create("eth_ind", IND_MBUFS, 0, 0, 0, SOCKET_ID_ANY);
	if (rx_pool == NULL || jumbo_pool == NULL || msg_pool == NULL || big_pool == NULL ||
	    hdr_pool == NULL || ind_pool == NULL)
		return -1;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	rte_mempool_free(rx_pool);
	rte_mempool_free(jumbo_pool);
	rte_mempool_free(msg_pool);
	rte_mempool_free(big_pool);
	rte_mempool_free(hdr_pool);
	rte_mempool_free(ind_pool);
	rte_eal_cleanup();
	return 0;
}

/* Every pool is full: nothing leaked, nothing freed twice. */
static void
pools_full(void)
{
	assert_int_equal(rte_mempool_avail_count(rx_pool), RX_MBUFS);
	assert_int_equal(rte_mempool_avail_count(jumbo_pool), JUMBO_MBUFS);
	assert_int_equal(rte_mempool_avail_count(msg_pool), MSG_MBUFS);
	assert_int_equal(rte_mempool_avail_count(big_pool), BIG_MBUFS);
	assert_int_equal(rte_mempool_avail_count(hdr_pool), HDR_MBUFS);
	assert_int_equal(rte_mempool_avail_count(ind_pool), IND_MBUFS);
}

/* As pools_full(), but @p n mbufs of @p pool still out. */
static void
pools_full_but(const struct rte_mempool *pool, unsigned int n)
{
	assert_int_equal(rte_mempool_avail_count(pool), pool->size - n);
}

static void
cfg_init(struct dipc_eth_frame_cfg *cfg, uint16_t mtu)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mtu = mtu;
	cfg->udp_port = rte_cpu_to_be_16(PORT);
	cfg->max_msg_len = DIPC_ETH_MSG_MAX(mtu);
	cfg->local_ip = rte_cpu_to_be_32(LOCAL_IP);
	cfg->local_mac = local_mac;
	assert_int_equal(dipc_eth_frame_cfg_check(cfg), 0);
}

/* Frames from the peer to us. */
static void
tmpl_init(struct dipc_eth_frame_tmpl *t, uint8_t type, uint32_t seq)
{
	memset(t, 0, sizeof(*t));
	t->src_mac = peer_mac;
	t->dst_mac = local_mac;
	t->src_ip = rte_cpu_to_be_32(PEER_IP);
	t->dst_ip = rte_cpu_to_be_32(LOCAL_IP);
	t->src_port = rte_cpu_to_be_16(PEER_PORT);
	t->dst_port = rte_cpu_to_be_16(PORT);
	t->type = type;
	t->credits = 0x1234;
	t->conn_id = 7;
	t->conn_gen = 3;
	t->seq = seq;
	t->ack = 0xabcdef01;
}

static void
stats_zero(struct dipc_eth_stats *st)
{
	memset(st, 0, sizeof(*st));
}

/* The drops counted are exactly @p n of @p why (and nothing else). */
static void
drops_only(const struct dipc_eth_stats *st, enum dipc_eth_drop why, uint64_t n)
{
	unsigned int i;

	for (i = 0; i < DIPC_ETH_DROP_MAX; i++) {
		if (i == (unsigned int)why) {
			assert_int_equal(st->drops[i], n);
			if (n > 0)
				seen[i]++;
		} else if (st->drops[i] != 0) {
			fail_msg("drop %s counted %" PRIu64 " times, want only %s",
				 dipc_eth_drop_name(i), st->drops[i], dipc_eth_drop_name(why));
		}
	}
}

/* Link @p nb segments (data_len set) into one packet. */
static struct rte_mbuf *
chain(struct rte_mbuf **segs, unsigned int nb)
{
	uint32_t pkt_len = segs[0]->data_len;
	unsigned int i;

	for (i = 1; i < nb; i++) {
		segs[i - 1]->next = segs[i];
		pkt_len += segs[i]->data_len;
	}
	segs[0]->nb_segs = (uint16_t)nb;
	segs[0]->pkt_len = pkt_len;
	return segs[0];
}

/*
 * A message of @p len bytes: a dipc request header and a body of bytes
 * from (seq, offset), in a chain of segments of at most @p seg bytes each
 * from @p pool (0: as much as the room holds). @p want gets the bytes.
 */
static struct rte_mbuf *
msg_make(struct rte_mempool *pool, uint32_t len, uint32_t seg, uint32_t seq, uint8_t *want)
{
	struct dipc_msg_hdr h = {
		.magic = DIPC_MSG_MAGIC, .version = DIPC_MSG_VERSION,
		.flags = DIPC_MSG_F_REQUEST, .method = DIPC_METHOD_ECHO,
		.stream_id = seq, .body_len = len - DIPC_MSG_HDR_LEN,
	};
	struct rte_mbuf *segs[MAX_FRAMES];
	uint32_t i, off = 0, nb = 0;

	for (i = 0; i < len; i++)
		want[i] = (uint8_t)(i * 7 + seq * 13 + (i >> 8));
	if (len >= DIPC_MSG_HDR_LEN)
		memcpy(want, &h, sizeof(h));
	do {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint32_t room, n;

		assert_non_null(m);
		assert_true(nb < MAX_FRAMES);
		room = rte_pktmbuf_tailroom(m);
		n = RTE_MIN(len - off, seg != 0 ? RTE_MIN(seg, room) : room);
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), want + off, n);
		m->data_len = (uint16_t)n;
		off += n;
		segs[nb++] = m;
	} while (off < len);
	return chain(segs, nb);
}

/* @p len bytes of a chain from @p off, copied to @p dst. */
static void
read_bytes(const struct rte_mbuf *f, uint32_t off, uint32_t len, uint8_t *dst)
{
	const void *p = rte_pktmbuf_read(f, off, len, dst);

	assert_non_null(p);
	if (p != dst)
		memcpy(dst, p, len);
}

/* What a NIC would hand us for a sent frame: its bytes in one receive
 * mbuf, or scattered over segments cut at @p cuts (increasing offsets). */
static struct rte_mbuf *
wire_copy(const struct rte_mbuf *f, struct rte_mempool *pool, const uint32_t *cuts,
	  unsigned int nb_cuts)
{
	struct rte_mbuf *segs[4];
	uint32_t len = f->pkt_len, start = 0;
	unsigned int k;

	assert_true(nb_cuts < RTE_DIM(segs));
	for (k = 0; k <= nb_cuts; k++) {
		uint32_t end = k < nb_cuts ? cuts[k] : len;
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

		assert_non_null(m);
		assert_true(end >= start && end - start <= rte_pktmbuf_tailroom(m));
		read_bytes(f, start, end - start, rte_pktmbuf_mtod(m, uint8_t *));
		m->data_len = (uint16_t)(end - start);
		segs[k] = m;
		start = end;
	}
	return chain(segs, nb_cuts + 1);
}

/* A whole message as the receive side must return it: pkt_len, the
 * segments' lengths and count, the chain rules, the bytes. */
static void
msg_check(const struct rte_mbuf *m, const uint8_t *want, uint32_t len, unsigned int nb_segs)
{
	const struct rte_mbuf *s;
	uint32_t off = 0, n = 0;

	assert_non_null(m);
	assert_int_equal(m->pkt_len, len);
	assert_int_equal(m->nb_segs, nb_segs);
	assert_true(m->nb_segs <= DIPC_MSG_MAX_SEGS);
	assert_true(m->data_len >= DIPC_MSG_HDR_LEN);
	assert_int_equal(rte_pktmbuf_mtod(m, uintptr_t) % 8, 0);
	for (s = m; s != NULL; s = s->next) {
		assert_true(off + s->data_len <= len);
		assert_memory_equal(rte_pktmbuf_mtod(s, const uint8_t *), want + off, s->data_len);
		off += s->data_len;
		n++;
	}
	assert_int_equal(off, len);
	assert_int_equal(n, nb_segs);
	/* A message made by msg_make(): lib/msg accepts it as it is. */
	if (memcmp(want, "DIPC", 4) == 0)
		assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_OK);
}

enum order { IN_ORDER, REVERSED, SHUFFLED, DUPLICATES, ORDERS };

/*
 * Receive @p n frames (receive mbufs) in an order, through
 * dipc_eth_frame_rx(). Returns the one message that came out (failing if
 * none or more came out); the frames not used (the duplicates' spares)
 * are counted as DUP drops by the caller's check.
 */
static struct rte_mbuf *
receive(const struct dipc_eth_frame_cfg *cfg, struct dipc_eth_reasm *r, struct rte_mbuf **rx,
	unsigned int n, enum order order, struct dipc_eth_stats *st, unsigned int *dups)
{
	struct rte_mbuf *seq[2 * MAX_FRAMES], *out, *msg = NULL;
	struct dipc_eth_frame_info fi;
	unsigned int i, k = 0, nb_out = 0;

	*dups = 0;
	for (i = 0; i < n; i++)
		seq[i] = rx[order == REVERSED ? n - 1 - i : i];
	if (order == SHUFFLED || order == DUPLICATES) {
		for (i = n - 1; i > 0; i--) {
			unsigned int j = rnd() % (i + 1);
			struct rte_mbuf *t = seq[i];

			seq[i] = seq[j];
			seq[j] = t;
		}
	}
	k = n;
	if (order == DUPLICATES) {
		/* A copy of some frames, each placed before its original's
		 * last fragment so that it meets a partial message. Frame 0
		 * (the last of the shuffled order is the one that completes)
		 * is never duplicated after completion: a duplicate after
		 * the message was complete would start a new partial. */
		struct rte_mbuf *d[2 * MAX_FRAMES];
		unsigned int nd = 0;

		for (i = 0; i + 1 < n; i++) {
			d[nd++] = seq[i];
			if (rnd() % 3 == 0) {
				d[nd++] = rte_pktmbuf_copy(seq[i], seq[i]->pool, 0, UINT32_MAX);
				assert_non_null(d[nd - 1]);
				(*dups)++;
			}
		}
		d[nd++] = seq[n - 1];
		for (i = 0; i < nd; i++)
			seq[i] = d[i];
		k = nd;
	}
	for (i = 0; i < k; i++) {
		enum dipc_eth_drop why = dipc_eth_frame_rx(cfg, r, seq[i], 1000 + i, &fi, &out, st);

		if (why != DIPC_ETH_OK)
			assert_int_equal(why, DIPC_ETH_DROP_DUP);
		if (out != NULL) {
			assert_int_equal(i, k - 1);
			msg = out;
			nb_out++;
		}
	}
	assert_int_equal(nb_out, 1);
	assert_int_equal(st->drops[DIPC_ETH_DROP_DUP], *dups);
	return msg;
}

struct rt_case {
	uint32_t len;     /* message bytes */
	uint16_t mtu;
	uint32_t seg;     /* message segment size, 0: the pool's room */
	int big;          /* message segments from big_pool */
	uint32_t flags;   /* DIPC_ETH_F_* */
	int scatter;      /* receive frames cut into segments */
};

static void
round_trip(const struct rt_case *c, enum order order)
{
	struct dipc_eth_frame_cfg cfg;
	struct dipc_eth_frame_tmpl t;
	struct dipc_eth_stats st, tx;
	struct dipc_eth_reasm *r;
	struct rte_mbuf *frames[MAX_FRAMES], *rx[MAX_FRAMES], *msg, *out;
	struct rte_mempool *rxp = c->mtu > 1500 ? jumbo_pool : rx_pool;
	uint32_t frag_max = DIPC_ETH_FRAG_MAX(c->mtu);
	unsigned int nb_frames, i, dups, rx_segs = 0;
	uint8_t *want = malloc(c->len);
	const uint8_t *rx_data[MAX_FRAMES];
	uint16_t headroom;
	int ret;

	assert_non_null(want);
	cfg_init(&cfg, c->mtu);
	cfg.flags = c->flags;
	tmpl_init(&t, DIPC_ETH_T_DATA, 42 + order);
	stats_zero(&st);
	stats_zero(&tx);
	r = dipc_eth_reasm_create(8, 256, 1000000, SOCKET_ID_ANY);
	assert_non_null(r);

	msg = msg_make(c->big ? big_pool : msg_pool, c->len, c->seg, t.seq, want);
	headroom = rte_pktmbuf_headroom(msg);
	ret = dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, MAX_FRAMES, &tx);
	nb_frames = (c->len + frag_max - 1) / frag_max;
	assert_int_equal(ret, nb_frames);
	assert_int_equal(tx.frames_out, nb_frames);
	assert_int_equal(tx.msgs_out, 1);
	if (nb_frames == 1 && headroom >= DIPC_ETH_HDR_LEN)
		assert_ptr_equal(frames[0], msg); /* in place */
	for (i = 0; i < nb_frames; i++) {
		/* Every frame but the last is full; each is one IPv4 packet. */
		uint32_t flen = i + 1 < nb_frames ? frag_max : c->len - i * frag_max;

		assert_int_equal(frames[i]->pkt_len, DIPC_ETH_HDR_LEN + flen);
		assert_true(frames[i]->pkt_len - DIPC_ETH_L2_LEN <= c->mtu);
		if (c->scatter) {
			/* Cut inside the headers (or right after them), and in
			 * the payload past a dipc message header. */
			const uint32_t cuts[2] = {
				20 + rnd() % (DIPC_ETH_HDR_LEN - 19),
				DIPC_ETH_HDR_LEN + DIPC_MSG_HDR_LEN + rnd() % 300,
			};

			rx[i] = wire_copy(frames[i], rxp, cuts, cuts[1] < frames[i]->pkt_len ? 2 : 1);
		} else {
			rx[i] = wire_copy(frames[i], rxp, no_cuts, 0);
		}
		rx_data[i] = NULL;
		if (rx[i]->data_len > DIPC_ETH_HDR_LEN)
			rx_data[i] = rte_pktmbuf_mtod(rx[i], const uint8_t *) + DIPC_ETH_HDR_LEN;
		rte_pktmbuf_free(frames[i]);
	}
	/* The message's segments went back when the frames were freed. */
	assert_int_equal(rte_mempool_avail_count(msg_pool), MSG_MBUFS);
	assert_int_equal(rte_mempool_avail_count(big_pool), BIG_MBUFS);

	out = receive(&cfg, r, rx, nb_frames, order, &st, &dups);
	/* After the strip a segment of exactly the headers is gone. */
	for (msg = out; msg != NULL; msg = msg->next)
		rx_segs++;
	msg_check(out, want, c->len, rx_segs);
	if (!c->scatter)
		assert_int_equal(out->nb_segs, nb_frames);
	/* In place: the message's segments are the receive mbufs, their data
	 * where the frames' payloads were. */
	for (msg = out, i = 0; msg != NULL && !c->scatter; msg = msg->next, i++) {
		unsigned int k;
		int found = 0;

		for (k = 0; k < nb_frames; k++)
			found |= rte_pktmbuf_mtod(msg, const uint8_t *) == rx_data[k];
		assert_true(found);
	}
	assert_int_equal(st.frames_in, nb_frames + dups);
	assert_int_equal(st.msgs_in, 1);
	/* Moved only when the frame's cut left the head unaligned. */
	assert_true(st.msgs_realigned <= 1);
	if (!c->scatter)
		assert_int_equal(st.msgs_realigned, 0);
	assert_int_equal(st.msgs_reassembled, nb_frames > 1);
	drops_only(&st, DIPC_ETH_DROP_DUP, dups);
	assert_int_equal(dipc_eth_reasm_partials(r), 0);
	assert_int_equal(dipc_eth_reasm_held(r), 0);
	rte_pktmbuf_free(out);
	dipc_eth_reasm_free(r);
	free(want);
	pools_full();
}

static void
test_round_trip(void **state)
{
	const uint32_t max1500 = DIPC_ETH_MSG_MAX(1500), max9000 = DIPC_ETH_MSG_MAX(9000);
	const struct rt_case cases[] = {
		{ 64, 1500, 0, 0, 0, 0 },
		{ 64, 1500, 0, 0, DIPC_ETH_F_TX_UDP_CKSUM, 0 },
		{ 1024, 1500, 0, 0, 0, 0 },
		{ 1024, 1500, 100, 0, DIPC_ETH_F_TX_UDP_CKSUM, 0 }, /* one frame, a chain */
		{ DIPC_ETH_FRAG_MAX(1500), 1500, 0, 0, 0, 0 },   /* exactly one frame */
		{ DIPC_ETH_FRAG_MAX(1500) + 1, 1500, 0, 0, 0, 0 }, /* two, the last of 1 byte */
		{ 16384, 1500, 0, 0, 0, 0 },                     /* 2048-byte segments */
		{ 16384, 1500, 0, 1, 0, 0 },                     /* one segment */
		{ 16384, 1500, 1001, 0, DIPC_ETH_F_TX_UDP_CKSUM, 0 }, /* odd slices */
		{ 16384, 1500, 0, 0, DIPC_ETH_F_TX_IP_CKSUM_OFFLOAD, 0 },
		{ 16384, 1500, 0, 0, 0, 1 },                     /* scattered receive */
		{ 16384, 1500, 777, 0, DIPC_ETH_F_TX_UDP_CKSUM, 1 },
		{ max1500, 1500, 0, 0, 0, 0 },
		{ max1500, 1500, 0, 1, DIPC_ETH_F_TX_UDP_CKSUM, 0 },
		{ max1500, 1500, 999, 0, DIPC_ETH_F_TX_UDP_CKSUM, 0 },
		{ 16384, 9000, 0, 0, 0, 0 },
		{ max9000, 9000, 0, 1, DIPC_ETH_F_TX_UDP_CKSUM, 0 },
		{ 200, DIPC_ETH_MTU_MIN, 0, 0, DIPC_ETH_F_TX_UDP_CKSUM, 0 }, /* 24 B a frame */
	};
	unsigned int i;
	int o;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++)
		for (o = 0; o < ORDERS; o++) {
			struct rt_case c = cases[i];

			/* The offload leaves IP checksums 0: as the receiving NIC
			 * would, say they are good. */
			if (c.flags & DIPC_ETH_F_TX_IP_CKSUM_OFFLOAD)
				continue;
			round_trip(&c, (enum order)o);
		}
}

/* Largest-message and shuffled cases once more with the IP checksum
 * offloaded: the receive side trusts the RX flag it is given. */
static void
test_ip_offload(void **state)
{
	struct dipc_eth_frame_cfg cfg;
	struct dipc_eth_frame_tmpl t;
	struct dipc_eth_frame_info fi;
	struct dipc_eth_stats st;
	struct rte_mbuf *frames[MAX_FRAMES], *msg, *rx;
	uint8_t want[4096];
	int ret, i;

	(void)state;
	cfg_init(&cfg, 1500);
	cfg.flags = DIPC_ETH_F_TX_IP_CKSUM_OFFLOAD;
	tmpl_init(&t, DIPC_ETH_T_DATA, 1);
	stats_zero(&st);
	msg = msg_make(msg_pool, 3000, 0, 1, want);
	ret = dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, MAX_FRAMES, &st);
	assert_int_equal(ret, 3);
	for (i = 0; i < ret; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(frames[i], const uint8_t *);

		assert_true((frames[i]->ol_flags & (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM)) ==
			    (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM));
		assert_int_equal(frames[i]->l2_len, 14);
		assert_int_equal(frames[i]->l3_len, 20);
		assert_int_equal(p[24] | p[25], 0); /* left to the NIC */
		rx = wire_copy(frames[i], rx_pool, no_cuts, 0);
		assert_int_equal(dipc_eth_frame_parse(&cfg, rx, &fi), DIPC_ETH_DROP_IP_CSUM);
		rx->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_GOOD;
		assert_int_equal(dipc_eth_frame_parse(&cfg, rx, &fi), DIPC_ETH_OK);
		rte_pktmbuf_free(rx);
		rte_pktmbuf_free(frames[i]);
	}
	pools_full();
}

static void
test_names(void **state)
{
	unsigned int i, j;

	(void)state;
	assert_string_equal(dipc_eth_drop_name(DIPC_ETH_OK), "ok");
	assert_string_equal(dipc_eth_drop_name(DIPC_ETH_DROP_MAX), "unknown");
	assert_string_equal(dipc_eth_drop_name(~0u), "unknown");
	for (i = 0; i < DIPC_ETH_DROP_MAX; i++) {
		assert_non_null(dipc_eth_drop_name(i));
		assert_true(strlen(dipc_eth_drop_name(i)) > 0);
		assert_string_not_equal(dipc_eth_drop_name(i), "unknown");
		for (j = 0; j < i; j++)
			assert_string_not_equal(dipc_eth_drop_name(i), dipc_eth_drop_name(j));
	}
}

static void
test_cfg_check(void **state)
{
	struct dipc_eth_frame_cfg cfg;

	(void)state;
	cfg_init(&cfg, 1500);
	cfg.mtu = DIPC_ETH_MTU_MIN - 1;
	assert_int_equal(dipc_eth_frame_cfg_check(&cfg), -EINVAL);
	cfg_init(&cfg, DIPC_ETH_MTU_MIN);
	cfg_init(&cfg, DIPC_ETH_MTU_MAX);
	cfg.mtu = DIPC_ETH_MTU_MAX + 1;
	assert_int_equal(dipc_eth_frame_cfg_check(&cfg), -EINVAL);
	cfg_init(&cfg, 1500);
	assert_int_equal(cfg.max_msg_len, 91776);
	cfg.max_msg_len++;
	assert_int_equal(dipc_eth_frame_cfg_check(&cfg), -EINVAL);
	cfg.max_msg_len = DIPC_MSG_HDR_LEN - 1;
	assert_int_equal(dipc_eth_frame_cfg_check(&cfg), -EINVAL);
	cfg.max_msg_len = DIPC_MSG_HDR_LEN;
	assert_int_equal(dipc_eth_frame_cfg_check(&cfg), 0);
	cfg.udp_port = 0;
	assert_int_equal(dipc_eth_frame_cfg_check(&cfg), -EINVAL);
	cfg_init(&cfg, 1500);
	cfg.flags = 0x04;
	assert_int_equal(dipc_eth_frame_cfg_check(&cfg), -EINVAL);
	cfg.flags = DIPC_ETH_F_ALL;
	assert_int_equal(dipc_eth_frame_cfg_check(&cfg), 0);
}

/*
 * This file's own encoder of a frame, from docs/WIRE.md's table: offsets
 * and byte orders written out, not taken from the library's structures.
 */
struct raw_frame {
	uint8_t dst[6], src[6];
	uint16_t ether_type;
	uint8_t vhl, tos;
	uint16_t ip_len, ip_id, ip_frag;
	uint8_t ttl, proto;
	int ip_csum;          /* -1: computed */
	uint32_t sip, dip;    /* host order */
	uint16_t sport, dport, udp_len;
	int udp_csum;         /* -1: computed, else the value (0: none) */
	uint16_t magic;
	uint8_t version, type;
	uint16_t flags, credits;
	uint32_t conn_id, conn_gen, seq, ack, msg_len, frag_off;
	uint16_t frag_len;
	uint32_t reserved;
};

static void
put16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32be(uint8_t *p, uint32_t v)
{
	put16be(p, (uint16_t)(v >> 16));
	put16be(p + 2, (uint16_t)v);
}

static void
put16le(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32le(uint8_t *p, uint32_t v)
{
	put16le(p, (uint16_t)v);
	put16le(p + 2, (uint16_t)(v >> 16));
}

/* RFC 1071, on big-endian 16-bit words, odd byte padded. */
static uint16_t
inet_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* A frame of a whole @p payload_len bytes payload, lengths consistent. */
static void
raw_init(struct raw_frame *f, uint8_t type, uint32_t msg_len, uint32_t frag_off,
	 uint16_t frag_len)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->dst, local_mac.addr_bytes, 6);
	memcpy(f->src, peer_mac.addr_bytes, 6);
	f->ether_type = 0x0800;
	f->vhl = 0x45;
	f->ip_len = (uint16_t)(66 + frag_len);
	f->ip_frag = 0x4000;
	f->ttl = 64;
	f->proto = 17;
	f->ip_csum = -1;
	f->sip = PEER_IP;
	f->dip = LOCAL_IP;
	f->sport = PEER_PORT;
	f->dport = PORT;
	f->udp_len = (uint16_t)(46 + frag_len);
	f->udp_csum = 0;
	f->magic = 0x4644;
	f->version = 1;
	f->type = type;
	f->conn_id = 7;
	f->conn_gen = 3;
	f->seq = 99;
	f->msg_len = msg_len;
	f->frag_off = frag_off;
	f->frag_len = frag_len;
}

/* Encode @p f and @p payload_len payload bytes (from @p payload, or a
 * pattern of the offset) into @p b; returns the frame length. */
static uint32_t
raw_encode(const struct raw_frame *f, uint8_t *b, const uint8_t *payload, uint32_t payload_len)
{
	uint32_t i, len = 80 + payload_len;

	memcpy(b + 0, f->dst, 6);
	memcpy(b + 6, f->src, 6);
	put16be(b + 12, f->ether_type);
	b[14] = f->vhl;
	b[15] = f->tos;
	put16be(b + 16, f->ip_len);
	put16be(b + 18, f->ip_id);
	put16be(b + 20, f->ip_frag);
	b[22] = f->ttl;
	b[23] = f->proto;
	put16be(b + 24, 0);
	put32be(b + 26, f->sip);
	put32be(b + 30, f->dip);
	put16be(b + 24, f->ip_csum >= 0 ? (uint16_t)f->ip_csum :
					   (uint16_t)~inet_sum(b + 14, 20, 0));
	put16be(b + 34, f->sport);
	put16be(b + 36, f->dport);
	put16be(b + 38, f->udp_len);
	put16be(b + 40, 0);
	put16le(b + 42, f->magic);
	b[44] = f->version;
	b[45] = f->type;
	put16le(b + 46, f->flags);
	put16le(b + 48, f->credits);
	put32le(b + 50, f->conn_id);
	put32le(b + 54, f->conn_gen);
	put32le(b + 58, f->seq);
	put32le(b + 62, f->ack);
	put32le(b + 66, f->msg_len);
	put32le(b + 70, f->frag_off);
	put16le(b + 74, f->frag_len);
	put32le(b + 76, f->reserved);
	for (i = 0; i < payload_len; i++)
		b[80 + i] = payload != NULL ? payload[i] : (uint8_t)(f->frag_off + i);
	if (f->udp_csum >= 0) {
		put16be(b + 40, (uint16_t)f->udp_csum);
	} else {
		/* Pseudo-header: addresses, zero, protocol, UDP length. */
		uint8_t ph[12];
		uint16_t ck;

		memcpy(ph, b + 26, 8);
		ph[8] = 0;
		ph[9] = 17;
		put16be(ph + 10, (uint16_t)(len - 34));
		ck = (uint16_t)~inet_sum(b + 34, len - 34, inet_sum(ph, 12, 0));
		put16be(b + 40, ck == 0 ? 0xffff : ck);
	}
	return len;
}

/* A receive mbuf holding @p len bytes of @p b (scattered at @p cut if not 0). */
static struct rte_mbuf *
rx_mbuf(const uint8_t *b, uint32_t len, uint32_t cut)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(rx_pool), *m2;

	assert_non_null(m);
	if (cut == 0 || cut >= len) {
		assert_true(len <= rte_pktmbuf_tailroom(m));
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), b, len);
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		return m;
	}
	m2 = rte_pktmbuf_alloc(rx_pool);
	assert_non_null(m2);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), b, cut);
	memcpy(rte_pktmbuf_mtod(m2, uint8_t *), b + cut, len - cut);
	m->data_len = (uint16_t)cut;
	m2->data_len = (uint16_t)(len - cut);
	m->next = m2;
	m->nb_segs = 2;
	m->pkt_len = len;
	return m;
}

static struct rte_mbuf *
raw_mbuf(const struct raw_frame *f, uint32_t payload_len)
{
	static uint8_t b[20000];

	return rx_mbuf(b, raw_encode(f, b, NULL, payload_len), 0);
}

/* The library's frame for a template and message matches the encoder. */
static void
test_wire_layout(void **state)
{
	struct dipc_eth_frame_cfg cfg;
	struct dipc_eth_frame_tmpl t;
	struct dipc_eth_frame_info fi;
	struct raw_frame f;
	struct rte_mbuf *frames[4], *msg;
	uint8_t want[200], enc[400], got[400];
	int ret, ck;

	(void)state;
	for (ck = 0; ck < 2; ck++) {
		cfg_init(&cfg, 1500);
		cfg.flags = ck ? DIPC_ETH_F_TX_UDP_CKSUM : 0;
		tmpl_init(&t, DIPC_ETH_T_DATA, 0x01020304);
		msg = msg_make(msg_pool, 101, 0, t.seq, want);
		ret = dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 4, NULL);
		assert_int_equal(ret, 1);
		assert_ptr_equal(frames[0], msg);
		raw_init(&f, DIPC_ETH_T_DATA, 101, 0, 101);
		f.credits = 0x1234;
		f.seq = 0x01020304;
		f.ack = 0xabcdef01;
		f.udp_csum = ck ? -1 : 0;
		assert_int_equal(raw_encode(&f, enc, want, 101), 181);
		assert_int_equal(frames[0]->pkt_len, 181);
		assert_int_equal(frames[0]->data_len, 181);
		memcpy(got, rte_pktmbuf_mtod(frames[0], const uint8_t *), 181);
		assert_memory_equal(got, enc, 181);
		/* Checked independently: the IP header sums to 0xffff. */
		assert_int_equal(inet_sum(got + 14, 20, 0), 0xffff);
		/* No receive flag: the software checks accept it. */
		frames[0]->ol_flags = 0;
		assert_int_equal(dipc_eth_frame_parse(&cfg, frames[0], &fi), DIPC_ETH_OK);
		assert_memory_equal(&fi.src_mac, &peer_mac, 6);
		assert_memory_equal(&fi.dst_mac, &local_mac, 6);
		assert_int_equal(fi.src_ip, rte_cpu_to_be_32(PEER_IP));
		assert_int_equal(fi.dst_ip, rte_cpu_to_be_32(LOCAL_IP));
		assert_int_equal(fi.src_port, rte_cpu_to_be_16(PEER_PORT));
		assert_int_equal(fi.dst_port, rte_cpu_to_be_16(PORT));
		assert_int_equal(fi.type, DIPC_ETH_T_DATA);
		assert_int_equal(fi.credits, 0x1234);
		assert_int_equal(fi.conn_id, 7);
		assert_int_equal(fi.conn_gen, 3);
		assert_int_equal(fi.seq, 0x01020304);
		assert_int_equal(fi.ack, 0xabcdef01);
		assert_int_equal(fi.msg_len, 101);
		assert_int_equal(fi.frag_off, 0);
		assert_int_equal(fi.frag_len, 101);
		rte_pktmbuf_free(frames[0]);
	}
	/* A UDP checksum that computes to 0 is sent as 0xffff (0 is "none"):
	 * a message whose last body word makes the sum 0xffff. */
	{
		struct raw_frame z;
		uint8_t ph[12];
		uint16_t sum, w;

		cfg_init(&cfg, 1500);
		cfg.flags = DIPC_ETH_F_TX_UDP_CKSUM;
		tmpl_init(&t, DIPC_ETH_T_DATA, 77);
		msg = msg_make(msg_pool, 64, 0, t.seq, want);
		want[62] = 0;
		want[63] = 0;
		raw_init(&z, DIPC_ETH_T_DATA, 64, 0, 64);
		z.credits = 0x1234;
		z.seq = 77;
		z.ack = 0xabcdef01;
		raw_encode(&z, enc, want, 64);
		memcpy(ph, enc + 26, 8);
		ph[8] = 0;
		ph[9] = 17;
		put16be(ph + 10, 64 + 46);
		sum = inet_sum(enc + 34, 64 + 46, inet_sum(ph, 12, 0));
		w = (uint16_t)(0xffff - sum);
		put16be(rte_pktmbuf_mtod_offset(msg, uint8_t *, 62), w);
		ret = dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 4, NULL);
		assert_int_equal(ret, 1);
		got[0] = *rte_pktmbuf_mtod_offset(frames[0], uint8_t *, 40);
		got[1] = *rte_pktmbuf_mtod_offset(frames[0], uint8_t *, 41);
		assert_int_equal(got[0], 0xff);
		assert_int_equal(got[1], 0xff);
		frames[0]->ol_flags = 0;
		assert_int_equal(dipc_eth_frame_parse(&cfg, frames[0], &fi), DIPC_ETH_OK);
		rte_pktmbuf_free(frames[0]);
	}
	/* A second frame of a message: frag_off and the lengths. */
	cfg_init(&cfg, 1500);
	tmpl_init(&t, DIPC_ETH_T_DATA, 5);
	{
		static uint8_t big[3000];
		struct rte_mbuf *fr[4];

		msg = msg_make(msg_pool, 3000, 0, 5, big);
		ret = dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, fr, 4, NULL);
		assert_int_equal(ret, 3);
		raw_init(&f, DIPC_ETH_T_DATA, 3000, 1434, 1434);
		f.credits = 0x1234;
		f.seq = 5;
		f.ack = 0xabcdef01;
		assert_int_equal(fr[1]->pkt_len, 80 + 1434);
		raw_encode(&f, enc, big + 1434, 0);
		assert_memory_equal(rte_pktmbuf_read(fr[1], 0, 80, got), enc, 80);
		raw_init(&f, DIPC_ETH_T_DATA, 3000, 2868, 132);
		f.credits = 0x1234;
		f.seq = 5;
		f.ack = 0xabcdef01;
		raw_encode(&f, enc, big + 2868, 0);
		assert_memory_equal(rte_pktmbuf_read(fr[2], 0, 80, got), enc, 80);
		assert_int_equal(fr[2]->pkt_len, 80 + 132);
		for (ret = 0; ret < 3; ret++)
			rte_pktmbuf_free(fr[ret]);
	}
	/* A control frame (PING, 8 bytes) in a header mbuf: no headroom. */
	tmpl_init(&t, DIPC_ETH_T_PING, 9);
	msg = rte_pktmbuf_alloc(msg_pool);
	assert_non_null(msg);
	msg->data_off = 0;
	memcpy(rte_pktmbuf_append(msg, 8), "pingpong", 8);
	ret = dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 1, NULL);
	assert_int_equal(ret, 1);
	assert_ptr_not_equal(frames[0], msg);
	assert_ptr_equal(frames[0]->next, msg);
	assert_int_equal(frames[0]->nb_segs, 2);
	assert_int_equal(frames[0]->pkt_len, 88);
	raw_init(&f, DIPC_ETH_T_PING, 8, 0, 8);
	f.credits = 0x1234;
	f.seq = 9;
	f.ack = 0xabcdef01;
	raw_encode(&f, enc, (const uint8_t *)"pingpong", 8);
	assert_memory_equal(rte_pktmbuf_read(frames[0], 0, 88, got), enc, 88);
	rte_pktmbuf_free(frames[0]);
	pools_full();
}

/* One crafted frame through dipc_eth_frame_rx(): the reason it gets, and
 * exactly that counted. */
static void
expect_drop(const struct dipc_eth_frame_cfg *cfg, struct rte_mbuf *m, enum dipc_eth_drop why)
{
	struct dipc_eth_reasm *r = dipc_eth_reasm_create(4, 64, 100, SOCKET_ID_ANY);
	struct dipc_eth_frame_info fi;
	struct dipc_eth_stats st;
	struct rte_mbuf *out;

	assert_non_null(r);
	stats_zero(&st);
	assert_int_equal(dipc_eth_frame_rx(cfg, r, m, 0, &fi, &out, &st), why);
	assert_null(out);
	assert_int_equal(st.frames_in, 1);
	drops_only(&st, why, why == DIPC_ETH_OK ? 0 : 1);
	if (why == DIPC_ETH_OK)
		assert_int_equal(dipc_eth_reasm_partials(r), 1); /* a fragment held */
	dipc_eth_reasm_free(r);
	pools_full();
}

static void
expect_raw(const struct dipc_eth_frame_cfg *cfg, const struct raw_frame *f, uint32_t payload,
	   enum dipc_eth_drop why)
{
	expect_drop(cfg, raw_mbuf(f, payload), why);
}

/* A whole message in one received frame: returned, headers stripped. */
static void
expect_ok_mbuf(const struct dipc_eth_frame_cfg *cfg, struct rte_mbuf *m, uint32_t payload,
	       unsigned int nb_segs)
{
	struct dipc_eth_reasm *r = dipc_eth_reasm_create(4, 64, 100, SOCKET_ID_ANY);
	struct dipc_eth_frame_info fi;
	struct dipc_eth_stats st;
	struct rte_mbuf *out;
	int same = m->data_len > DIPC_ETH_HDR_LEN;

	assert_non_null(r);
	stats_zero(&st);
	assert_int_equal(dipc_eth_frame_rx(cfg, r, m, 0, &fi, &out, &st), DIPC_ETH_OK);
	assert_non_null(out);
	if (same)
		assert_ptr_equal(out, m);
	assert_int_equal(out->pkt_len, payload);
	assert_int_equal(out->nb_segs, nb_segs);
	assert_int_equal(rte_pktmbuf_pkt_len(out), payload);
	assert_int_equal(st.msgs_in, 1);
	assert_int_equal(st.msgs_reassembled, 0);
	assert_int_equal(dipc_eth_reasm_partials(r), 0);
	drops_only(&st, DIPC_ETH_OK, 0);
	rte_pktmbuf_free(out);
	dipc_eth_reasm_free(r);
	pools_full();
}

/* A crafted frame accepted by the parse (and whole: returned as a message). */
static void
expect_ok(const struct dipc_eth_frame_cfg *cfg, const struct raw_frame *f, uint32_t payload,
	  uint64_t ol_flags)
{
	struct rte_mbuf *m = raw_mbuf(f, payload);

	m->ol_flags = ol_flags;
	expect_ok_mbuf(cfg, m, payload, 1);
}

static void
test_parse_drops(void **state)
{
	struct dipc_eth_frame_cfg cfg;
	struct raw_frame f, g;
	struct rte_mbuf *m;
	uint8_t b[2000];
	uint32_t len;

	(void)state;
	cfg_init(&cfg, 1500);
	raw_init(&g, DIPC_ETH_T_DATA, 100, 0, 100);
	expect_ok(&cfg, &g, 100, 0);

	/* The mbuf. */
	m = raw_mbuf(&g, 100);
	m->pkt_len = 179;
	expect_drop(&cfg, m, DIPC_ETH_DROP_BAD_MBUF);
	len = raw_encode(&g, b, NULL, 100);
	m = rx_mbuf(b, len, 90);
	m->nb_segs = 3;
	expect_drop(&cfg, m, DIPC_ETH_DROP_BAD_MBUF);
	m = rx_mbuf(b, len, 90);
	m->pkt_len++;
	expect_drop(&cfg, m, DIPC_ETH_DROP_BAD_MBUF);
	m = rx_mbuf(b, len, 90);
	m->nb_segs = 1;
	expect_drop(&cfg, m, DIPC_ETH_DROP_BAD_MBUF);

	/* Lengths below each header. */
	expect_drop(&cfg, rx_mbuf(b, 13, 0), DIPC_ETH_DROP_TRUNCATED);
	f = g;
	f.ip_len = 20;
	raw_encode(&f, b, NULL, 0);
	expect_drop(&cfg, rx_mbuf(b, 34, 0), DIPC_ETH_DROP_TRUNCATED);
	raw_encode(&g, b, NULL, 0);
	expect_drop(&cfg, rx_mbuf(b, 33, 0), DIPC_ETH_DROP_TRUNCATED);
	f = g;
	f.ip_len = 62;
	f.udp_len = 42;
	raw_encode(&f, b, NULL, 0);
	expect_drop(&cfg, rx_mbuf(b, 76, 0), DIPC_ETH_DROP_TRUNCATED);

	/* Ethernet. */
	f = g;
	f.ether_type = 0x8100;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_VLAN);
	f.ether_type = 0x88a8;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_VLAN);
	m = raw_mbuf(&g, 100);
	m->ol_flags = RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	expect_drop(&cfg, m, DIPC_ETH_DROP_VLAN);
	f.ether_type = 0x0806;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_ARP);
	f.ether_type = 0x86dd;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_ETHERTYPE);
	f = g;
	f.dst[5] = 9;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_DST_MAC);
	{
		/* No MAC configured: any destination. */
		struct dipc_eth_frame_cfg any = cfg;

		memset(&any.local_mac, 0, sizeof(any.local_mac));
		expect_ok(&any, &f, 100, 0);
	}

	/* IPv4. */
	f = g;
	f.vhl = 0x65;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_IP_VERSION);
	f.vhl = 0x46;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_IP_IHL);
	f = g;
	f.ip_csum = 0x1234;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_IP_CSUM);
	expect_ok(&cfg, &f, 100, RTE_MBUF_F_RX_IP_CKSUM_GOOD);  /* the NIC's word */
	expect_ok(&cfg, &f, 100, RTE_MBUF_F_RX_IP_CKSUM_NONE);
	m = raw_mbuf(&g, 100);
	m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_BAD;
	expect_drop(&cfg, m, DIPC_ETH_DROP_IP_CSUM);
	f = g;
	f.ip_len++;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_IP_LEN);
	f.ip_len -= 2;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_IP_LEN);
	f = g;
	f.ip_frag = 0x2000; /* MF */
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_IP_FRAGMENT);
	f.ip_frag = 0x0001;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_IP_FRAGMENT);
	f.ip_frag = 0x0000; /* DF not required */
	expect_ok(&cfg, &f, 100, 0);
	f = g;
	f.proto = 6;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_IP_PROTO);
	f = g;
	f.src[0] = 0x01; /* a group address */
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_SRC_ADDR);
	f = g;
	f.sip = 0;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_SRC_ADDR);
	f.sip = 0xe0000001;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_SRC_ADDR);
	f.sip = 0xffffffff;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_SRC_ADDR);
	f = g;
	f.dip = LOCAL_IP + 1;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_DST_IP);
	{
		struct dipc_eth_frame_cfg any = cfg;

		any.local_ip = 0;
		expect_ok(&any, &f, 100, 0);
	}
	raw_init(&f, DIPC_ETH_T_DATA, 1500, 0, 1435);
	expect_raw(&cfg, &f, 1435, DIPC_ETH_DROP_OVERSIZE);
	raw_init(&f, DIPC_ETH_T_DATA, 1434, 0, 1434);
	expect_ok(&cfg, &f, 1434, 0);

	/* UDP. */
	f = g;
	f.dport = PORT + 1;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_UDP_PORT);
	f = g;
	f.udp_len++;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_UDP_LEN);
	f = g;
	f.udp_csum = -1;
	expect_ok(&cfg, &f, 100, 0);
	raw_init(&f, DIPC_ETH_T_DATA, 101, 0, 101);
	f.udp_csum = -1;
	expect_ok(&cfg, &f, 101, 0); /* odd payload */
	f = g;
	f.udp_csum = 0x5555;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_UDP_CSUM);
	expect_ok(&cfg, &f, 100, RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	expect_ok(&cfg, &f, 100, RTE_MBUF_F_RX_L4_CKSUM_NONE);
	f = g;
	f.udp_csum = -1;
	m = raw_mbuf(&f, 100);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_BAD;
	expect_drop(&cfg, m, DIPC_ETH_DROP_UDP_CSUM);
	m = raw_mbuf(&g, 100); /* 0: none, whatever the NIC says */
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_BAD;
	{
		struct dipc_eth_reasm *r = dipc_eth_reasm_create(4, 64, 100, SOCKET_ID_ANY);
		struct dipc_eth_frame_info fi;
		struct dipc_eth_stats st;
		struct rte_mbuf *out;

		stats_zero(&st);
		assert_int_equal(dipc_eth_frame_rx(&cfg, r, m, 0, &fi, &out, &st), DIPC_ETH_OK);
		rte_pktmbuf_free(out);
		dipc_eth_reasm_free(r);
	}
	/* A checksum over a scattered payload, cut at an odd offset. */
	f = g;
	f.udp_csum = -1;
	len = raw_encode(&f, b, NULL, 100);
	m = rx_mbuf(b, len, 80 + 33);
	{
		struct dipc_eth_frame_info fi;

		assert_int_equal(dipc_eth_frame_parse(&cfg, m, &fi), DIPC_ETH_OK);
		b[150] ^= 1;
		rte_pktmbuf_free(m);
		m = rx_mbuf(b, len, 80 + 33);
		assert_int_equal(dipc_eth_frame_parse(&cfg, m, &fi), DIPC_ETH_DROP_UDP_CSUM);
		rte_pktmbuf_free(m);
	}

	/* The dipc header. */
	f = g;
	f.magic = 0x4645;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_MAGIC);
	f = g;
	f.version = 2;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_VERSION);
	f = g;
	f.type = 0;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_TYPE);
	f.type = DIPC_ETH_T_MAX;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_TYPE);
	f = g;
	f.flags = 0x8000;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_FLAGS);
	f = g;
	f.reserved = 0xdeadbeef; /* ignored */
	expect_ok(&cfg, &f, 100, 0);
	f = g;
	f.frag_len = 99;
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_FRAG_LEN);
	raw_init(&f, DIPC_ETH_T_DATA, 23, 0, 23);
	expect_raw(&cfg, &f, 23, DIPC_ETH_DROP_MSG_SHORT);
	raw_init(&f, DIPC_ETH_T_DATA, DIPC_ETH_MSG_MAX(1500) + 1, 0, 100);
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_MSG_TOO_BIG);
	raw_init(&f, DIPC_ETH_T_PING, DIPC_ETH_CTRL_MAX_LEN + 1, 0, 100);
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_MSG_TOO_BIG);
	raw_init(&f, DIPC_ETH_T_DATA, 1000, 901, 100);
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_FRAG_RANGE);
	raw_init(&f, DIPC_ETH_T_DATA, 1000, 0xffffffffu, 100); /* wraps in 32 bits */
	expect_raw(&cfg, &f, 100, DIPC_ETH_DROP_FRAG_RANGE);
	raw_init(&f, DIPC_ETH_T_DATA, 1000, 900, 100);
	expect_drop(&cfg, raw_mbuf(&f, 100), DIPC_ETH_OK); /* the last fragment, held */
	raw_init(&f, DIPC_ETH_T_DATA, 1000, 100, 0);
	expect_raw(&cfg, &f, 0, DIPC_ETH_DROP_FRAG_EMPTY);
	raw_init(&f, DIPC_ETH_T_DATA, 1000, 0, 23);
	expect_raw(&cfg, &f, 23, DIPC_ETH_DROP_HEAD_SHORT);
	raw_init(&f, DIPC_ETH_T_PING, 8, 1, 7);
	expect_raw(&cfg, &f, 7, DIPC_ETH_DROP_CTRL_FRAG);
	raw_init(&f, DIPC_ETH_T_ACK, 8, 0, 7);
	expect_raw(&cfg, &f, 7, DIPC_ETH_DROP_CTRL_FRAG);
	raw_init(&f, DIPC_ETH_T_ACK, 0, 0, 0);
	expect_ok(&cfg, &f, 0, 0); /* an empty control frame */
	raw_init(&f, DIPC_ETH_T_CLOSE, DIPC_ETH_CTRL_MAX_LEN, 0, DIPC_ETH_CTRL_MAX_LEN);
	expect_ok(&cfg, &f, DIPC_ETH_CTRL_MAX_LEN, 0);

	/* The first segment of a message must hold its dipc header: a
	 * receive scattered 10 bytes past the frame headers. */
	len = raw_encode(&g, b, NULL, 100);
	expect_drop(&cfg, rx_mbuf(b, len, 90), DIPC_ETH_DROP_HEAD_SHORT);
	/* A PMD whose frames start 2 bytes past an 8-byte boundary: the
	 * message's bytes move down to one, once. */
	{
		struct dipc_eth_reasm *r = dipc_eth_reasm_create(4, 64, 100, SOCKET_ID_ANY);
		struct dipc_eth_frame_info fi;
		struct dipc_eth_stats st;
		struct rte_mbuf *out;
		uint8_t body[100];

		for (len = 0; len < 100; len++)
			body[len] = (uint8_t)(len * 3 + 1);
		len = raw_encode(&g, b, body, 100);
		m = rte_pktmbuf_alloc(rx_pool);
		m->data_off = RTE_PKTMBUF_HEADROOM + 2;
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), b, len);
		stats_zero(&st);
		assert_int_equal(dipc_eth_frame_rx(&cfg, r, m, 0, &fi, &out, &st), DIPC_ETH_OK);
		assert_ptr_equal(out, m);
		assert_int_equal(rte_pktmbuf_mtod(out, uintptr_t) % 8, 0);
		assert_int_equal(out->data_off, RTE_PKTMBUF_HEADROOM + 80);
		assert_memory_equal(rte_pktmbuf_mtod(out, uint8_t *), body, 100);
		assert_int_equal(st.msgs_realigned, 1);
		rte_pktmbuf_free(out);
		/* Held twice (not ours alone): left where it is. */
		m = rte_pktmbuf_alloc(rx_pool);
		m->data_off = RTE_PKTMBUF_HEADROOM + 2;
		memcpy(rte_pktmbuf_append(m, (uint16_t)len), b, len);
		rte_mbuf_refcnt_update(m, 1);
		assert_int_equal(dipc_eth_frame_rx(&cfg, r, m, 0, &fi, &out, &st), DIPC_ETH_OK);
		assert_int_equal(out->data_off, RTE_PKTMBUF_HEADROOM + 82);
		assert_int_equal(st.msgs_realigned, 1);
		rte_pktmbuf_free(out);
		rte_pktmbuf_free(out);
		dipc_eth_reasm_free(r);
		pools_full();
	}
	/* Cut inside the headers, or right after them: the leading
	 * segments go, the message starts in the next one. */
	expect_ok_mbuf(&cfg, rx_mbuf(b, len, 50), 100, 1);
	expect_ok_mbuf(&cfg, rx_mbuf(b, len, 80), 100, 1);
	expect_ok_mbuf(&cfg, rx_mbuf(b, len, 104), 100, 2);
}

/* Frames of one message, crafted: (off, len) pairs, payload from the
 * message's bytes @p msg. */
static struct rte_mbuf *
frag_mbuf(uint32_t seq, uint32_t msg_len, uint32_t off, uint16_t len, const uint8_t *msg)
{
	static uint8_t b[2000];
	struct raw_frame f;

	raw_init(&f, DIPC_ETH_T_DATA, msg_len, off, len);
	f.seq = seq;
	return rx_mbuf(b, raw_encode(&f, b, msg + off, len), 0);
}

static enum dipc_eth_drop
feed(const struct dipc_eth_frame_cfg *cfg, struct dipc_eth_reasm *r, struct rte_mbuf *m,
     uint64_t now, struct rte_mbuf **out, struct dipc_eth_stats *st)
{
	struct dipc_eth_frame_info fi;

	return dipc_eth_frame_rx(cfg, r, m, now, &fi, out, st);
}

static void
test_reasm_drops(void **state)
{
	struct dipc_eth_frame_cfg cfg;
	struct dipc_eth_reasm *r;
	struct dipc_eth_stats st;
	struct rte_mbuf *out;
	uint8_t msg[4000];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 31 + 5);
	memset(msg, 0, DIPC_MSG_HDR_LEN);
	cfg_init(&cfg, 1500);

	/* Duplicate, overlaps on either side, a different msg_len. */
	r = dipc_eth_reasm_create(4, 256, 100, SOCKET_ID_ANY);
	assert_non_null(r);
	stats_zero(&st);
	assert_int_equal(feed(&cfg, r, frag_mbuf(1, 1000, 400, 200, msg), 0, &out, &st), DIPC_ETH_OK);
	assert_null(out);
	assert_int_equal(feed(&cfg, r, frag_mbuf(1, 1000, 400, 200, msg), 0, &out, &st),
			 DIPC_ETH_DROP_DUP);
	drops_only(&st, DIPC_ETH_DROP_DUP, 1);
	stats_zero(&st);
	assert_int_equal(feed(&cfg, r, frag_mbuf(1, 1000, 300, 101, msg), 0, &out, &st),
			 DIPC_ETH_DROP_OVERLAP);
	assert_int_equal(feed(&cfg, r, frag_mbuf(1, 1000, 599, 50, msg), 0, &out, &st),
			 DIPC_ETH_DROP_OVERLAP);
	assert_int_equal(feed(&cfg, r, frag_mbuf(1, 1000, 400, 100, msg), 0, &out, &st),
			 DIPC_ETH_DROP_OVERLAP);
	assert_int_equal(feed(&cfg, r, frag_mbuf(1, 1000, 450, 10, msg), 0, &out, &st),
			 DIPC_ETH_DROP_OVERLAP);
	assert_int_equal(feed(&cfg, r, frag_mbuf(1, 1000, 0, 1000, msg), 0, &out, &st),
			 DIPC_ETH_OK); /* a whole message: the fast path, no table */
	assert_non_null(out);
	rte_pktmbuf_free(out);
	drops_only(&st, DIPC_ETH_DROP_OVERLAP, 4);
	stats_zero(&st);
	assert_int_equal(feed(&cfg, r, frag_mbuf(1, 1001, 0, 400, msg), 0, &out, &st),
			 DIPC_ETH_DROP_MSG_LEN);
	assert_int_equal(feed(&cfg, r, frag_mbuf(1, 999, 0, 400, msg), 0, &out, &st),
			 DIPC_ETH_DROP_MSG_LEN);
	drops_only(&st, DIPC_ETH_DROP_MSG_LEN, 2);
	/* Adjacent fragments complete it: 0..400, 600..1000. */
	stats_zero(&st);
	assert_int_equal(feed(&cfg, r, frag_mbuf(1, 1000, 600, 400, msg), 0, &out, &st), DIPC_ETH_OK);
	assert_null(out);
	assert_int_equal(feed(&cfg, r, frag_mbuf(1, 1000, 0, 400, msg), 0, &out, &st), DIPC_ETH_OK);
	msg_check(out, msg, 1000, 3);
	assert_int_equal(st.msgs_reassembled, 1);
	rte_pktmbuf_free(out);
	assert_int_equal(dipc_eth_reasm_partials(r), 0);
	dipc_eth_reasm_free(r);
	pools_full();

	/* Too many segments: 65 fragments of 24 bytes. */
	r = dipc_eth_reasm_create(4, 256, 100, SOCKET_ID_ANY);
	assert_non_null(r);
	stats_zero(&st);
	for (i = 0; i < DIPC_ETH_MAX_FRAGS; i++)
		assert_int_equal(feed(&cfg, r, frag_mbuf(2, 65 * 24, i * 24, 24, msg), 0, &out,
				      &st), DIPC_ETH_OK);
	assert_int_equal(dipc_eth_reasm_held(r), 64);
	assert_int_equal(feed(&cfg, r, frag_mbuf(2, 65 * 24, 64 * 24, 24, msg), 0, &out, &st),
			 DIPC_ETH_DROP_TOO_MANY_SEGS);
	assert_null(out);
	drops_only(&st, DIPC_ETH_DROP_TOO_MANY_SEGS, 1);
	assert_int_equal(dipc_eth_reasm_flush(r, &st), 1);
	assert_int_equal(st.partials_flushed, 1);
	assert_int_equal(dipc_eth_reasm_held(r), 0);
	dipc_eth_reasm_free(r);
	pools_full();

	/* A single frame received as 65 segments. */
	{
		struct rte_mbuf *m = frag_mbuf(3, 100, 0, 100, msg), *s = m;

		for (i = 0; i < DIPC_ETH_MAX_FRAGS; i++) {
			/* Move one byte of the payload's tail into a new segment. */
			struct rte_mbuf *n = rte_pktmbuf_alloc(rx_pool);

			assert_non_null(n);
			s->data_len--;
			*rte_pktmbuf_mtod(n, uint8_t *) =
				*rte_pktmbuf_mtod_offset(s, uint8_t *, s->data_len);
			n->data_len = 1;
			n->next = s->next;
			s->next = n;
			m->nb_segs++;
		}
		r = dipc_eth_reasm_create(4, 256, 100, SOCKET_ID_ANY);
		stats_zero(&st);
		assert_int_equal(feed(&cfg, r, m, 0, &out, &st), DIPC_ETH_DROP_TOO_MANY_SEGS);
		drops_only(&st, DIPC_ETH_DROP_TOO_MANY_SEGS, 1);
		dipc_eth_reasm_free(r);
		pools_full();
	}

	/* A full table: 2 entries. */
	r = dipc_eth_reasm_create(2, 256, 100, SOCKET_ID_ANY);
	assert_non_null(r);
	stats_zero(&st);
	assert_int_equal(feed(&cfg, r, frag_mbuf(10, 1000, 0, 500, msg), 0, &out, &st), DIPC_ETH_OK);
	assert_int_equal(feed(&cfg, r, frag_mbuf(11, 1000, 0, 500, msg), 50, &out, &st), DIPC_ETH_OK);
	assert_int_equal(feed(&cfg, r, frag_mbuf(12, 1000, 0, 500, msg), 99, &out, &st),
			 DIPC_ETH_DROP_TABLE_FULL);
	drops_only(&st, DIPC_ETH_DROP_TABLE_FULL, 1);
	/* A fragment of a held message still goes in. */
	assert_int_equal(feed(&cfg, r, frag_mbuf(11, 1000, 500, 500, msg), 99, &out, &st),
			 DIPC_ETH_OK);
	msg_check(out, msg, 1000, 2);
	rte_pktmbuf_free(out);
	/* Full again; at 100 the oldest (born at 0) is expired to make room. */
	assert_int_equal(feed(&cfg, r, frag_mbuf(13, 1000, 0, 500, msg), 60, &out, &st), DIPC_ETH_OK);
	stats_zero(&st);
	assert_int_equal(feed(&cfg, r, frag_mbuf(14, 1000, 0, 500, msg), 100, &out, &st),
			 DIPC_ETH_OK);
	assert_int_equal(st.partials_expired, 1);
	/* The one it evicted is gone: its second half starts a new entry,
	 * for which there is no room (13 born at 60, 14 at 100). */
	assert_int_equal(feed(&cfg, r, frag_mbuf(10, 1000, 500, 500, msg), 120, &out, &st),
			 DIPC_ETH_DROP_TABLE_FULL);
	drops_only(&st, DIPC_ETH_DROP_TABLE_FULL, 1);
	assert_int_equal(dipc_eth_reasm_partials(r), 2);
	dipc_eth_reasm_free(r); /* frees what it holds */
	pools_full();

	/* Held mbufs: at most 64 segments. */
	r = dipc_eth_reasm_create(8, 64, 100, SOCKET_ID_ANY);
	assert_non_null(r);
	stats_zero(&st);
	for (i = 0; i < 40; i++)
		assert_int_equal(feed(&cfg, r, frag_mbuf(20, 41 * 24, i * 24, 24, msg), 0, &out,
				      &st), DIPC_ETH_OK);
	for (i = 0; i < 24; i++)
		assert_int_equal(feed(&cfg, r, frag_mbuf(21, 41 * 24, i * 24, 24, msg), 0, &out,
				      &st), DIPC_ETH_OK);
	assert_int_equal(dipc_eth_reasm_held(r), 64);
	/* A held message's next fragment, and a new message's first. */
	assert_int_equal(feed(&cfg, r, frag_mbuf(21, 41 * 24, 24 * 24, 24, msg), 0, &out, &st),
			 DIPC_ETH_DROP_HELD_FULL);
	assert_int_equal(feed(&cfg, r, frag_mbuf(22, 41 * 24, 0, 24, msg), 0, &out, &st),
			 DIPC_ETH_DROP_HELD_FULL);
	drops_only(&st, DIPC_ETH_DROP_HELD_FULL, 2);
	/* The fragment that completes a message goes in even now: message
	 * 20, 41 segments, leaves the table. */
	assert_int_equal(feed(&cfg, r, frag_mbuf(20, 41 * 24, 40 * 24, 24, msg), 0, &out, &st),
			 DIPC_ETH_OK);
	msg_check(out, msg, 41 * 24, 41);
	rte_pktmbuf_free(out);
	assert_int_equal(dipc_eth_reasm_held(r), 24);
	assert_int_equal(dipc_eth_reasm_flush_conn(r, 8, &st), 0); /* another connection */
	assert_int_equal(dipc_eth_reasm_flush_conn(r, 7, &st), 1);
	assert_int_equal(st.partials_flushed, 1);
	assert_int_equal(dipc_eth_reasm_held(r), 0);
	assert_int_equal(dipc_eth_reasm_partials(r), 0);
	dipc_eth_reasm_free(r);
	pools_full();
}

static void
test_expire(void **state)
{
	struct dipc_eth_frame_cfg cfg;
	struct dipc_eth_reasm *r;
	struct dipc_eth_stats st;
	struct rte_mbuf *out;
	uint8_t msg[2000];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	memset(msg, 0, DIPC_MSG_HDR_LEN);
	cfg_init(&cfg, 1500);
	r = dipc_eth_reasm_create(16, 256, 100, SOCKET_ID_ANY);
	assert_non_null(r);
	stats_zero(&st);
	/* Partials born at 0, 10, 20, 30 (each of 2 fragments held). */
	for (i = 0; i < 4; i++) {
		assert_int_equal(feed(&cfg, r, frag_mbuf(i, 1000, 0, 300, msg), (uint64_t)i * 10, &out, &st),
				 DIPC_ETH_OK);
		assert_int_equal(feed(&cfg, r, frag_mbuf(i, 1000, 600, 300, msg), 200, &out, &st),
				 DIPC_ETH_OK);
	}
	assert_int_equal(dipc_eth_reasm_partials(r), 4);
	assert_int_equal(dipc_eth_reasm_held(r), 8);
	assert_int_equal(dipc_eth_reasm_expire(r, 99, &st), 0);
	assert_int_equal(dipc_eth_reasm_expire(r, 100, &st), 1); /* age from the first fragment */
	assert_int_equal(dipc_eth_reasm_expire(r, 100, &st), 0);
	assert_int_equal(dipc_eth_reasm_expire(r, 125, &st), 2);
	assert_int_equal(st.partials_expired, 3);
	assert_int_equal(dipc_eth_reasm_partials(r), 1);
	assert_int_equal(dipc_eth_reasm_held(r), 2);
	/* A clock behind the birth (another lcore's TSC): not expired. */
	assert_int_equal(dipc_eth_reasm_expire(r, 5, &st), 0);
	/* The survivor (3) completes; an expired one's late fragment starts
	 * a new partial. */
	assert_int_equal(feed(&cfg, r, frag_mbuf(3, 1000, 300, 300, msg), 126, &out, &st),
			 DIPC_ETH_OK);
	assert_null(out);
	assert_int_equal(feed(&cfg, r, frag_mbuf(3, 1000, 900, 100, msg), 126, &out, &st),
			 DIPC_ETH_OK);
	msg_check(out, msg, 1000, 4);
	rte_pktmbuf_free(out);
	assert_int_equal(feed(&cfg, r, frag_mbuf(0, 1000, 300, 300, msg), 127, &out, &st),
			 DIPC_ETH_OK);
	assert_null(out);
	assert_int_equal(dipc_eth_reasm_partials(r), 1);
	assert_int_equal(dipc_eth_reasm_expire(r, 1000, NULL), 1);
	assert_int_equal(st.partials_expired, 3);
	drops_only(&st, DIPC_ETH_OK, 0);
	dipc_eth_reasm_free(r);
	pools_full();

	/* Bad arguments. */
	assert_null(dipc_eth_reasm_create(0, 64, 1, SOCKET_ID_ANY));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(dipc_eth_reasm_create(65537, 64, 1, SOCKET_ID_ANY));
	assert_null(dipc_eth_reasm_create(4, 63, 1, SOCKET_ID_ANY));
	dipc_eth_reasm_free(NULL);
}

/* Many partial messages at once (hash buckets shared: 64 entries in 128
 * buckets), completed in a shuffled order, some flushed from the middle
 * of their buckets. */
static void
test_many_partials(void **state)
{
	struct dipc_eth_frame_cfg cfg;
	struct dipc_eth_reasm *r;
	struct dipc_eth_stats st;
	struct rte_mbuf *out;
	uint8_t msg[1000];
	unsigned int order[64], i, round;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 13 + 1);
	cfg_init(&cfg, 1500);
	for (round = 0; round < 4; round++) {
		r = dipc_eth_reasm_create(64, 256, 1000, SOCKET_ID_ANY);
		assert_non_null(r);
		stats_zero(&st);
		for (i = 0; i < 64; i++) {
			assert_int_equal(feed(&cfg, r, frag_mbuf(i * 977 + round, 1000, 0, 600, msg), i,
					      &out, &st), DIPC_ETH_OK);
			assert_null(out);
			order[i] = i;
		}
		assert_int_equal(dipc_eth_reasm_partials(r), 64);
		assert_int_equal(feed(&cfg, r, frag_mbuf(5000, 1000, 0, 600, msg), 64, &out, &st),
				 DIPC_ETH_DROP_TABLE_FULL);
		for (i = 63; i > 0; i--) {
			unsigned int j = rnd() % (i + 1), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (i = 0; i < 64; i++) {
			if (round == 3 && i % 2 == 1)
				continue;
			assert_int_equal(feed(&cfg, r, frag_mbuf(order[i] * 977 + round, 1000, 600,
								 400, msg), 100, &out, &st),
					 DIPC_ETH_OK);
			msg_check(out, msg, 1000, 2);
			rte_pktmbuf_free(out);
		}
		if (round == 3) {
			/* The other half, left in their buckets: those born
			 * at 0..31 expire at 1031, the rest are flushed. */
			unsigned int young = 0;

			for (i = 1; i < 64; i += 2)
				young += order[i] >= 32;
			assert_int_equal(dipc_eth_reasm_partials(r), 32);
			assert_int_equal(dipc_eth_reasm_expire(r, 1031, &st), 32 - young);
			assert_int_equal(dipc_eth_reasm_flush(r, &st), young);
		}
		assert_int_equal(dipc_eth_reasm_partials(r), 0);
		assert_int_equal(dipc_eth_reasm_held(r), 0);
		assert_int_equal(st.msgs_reassembled, round == 3 ? 32 : 64);
		drops_only(&st, DIPC_ETH_DROP_TABLE_FULL, 1);
		dipc_eth_reasm_free(r);
		pools_full();
	}
}

static void
test_build_errors(void **state)
{
	struct dipc_eth_frame_cfg cfg;
	struct dipc_eth_frame_tmpl t;
	struct rte_mbuf *frames[MAX_FRAMES], *msg, *s, *held[HDR_MBUFS], *ind_held[IND_MBUFS];
	uint8_t want[20000], before[20000];
	unsigned int n;
	int i;

	(void)state;
	cfg_init(&cfg, 1500);
	tmpl_init(&t, DIPC_ETH_T_DATA, 1);
	msg = msg_make(msg_pool, 5000, 0, 1, want);
	t.type = 0;
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 8, NULL),
			 -EINVAL);
	t.type = DIPC_ETH_T_MAX;
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 8, NULL),
			 -EINVAL);
	t.type = DIPC_ETH_T_DATA;
	{
		/* A DATA message shorter than its dipc header. */
		struct rte_mbuf *m = rte_pktmbuf_alloc(msg_pool);

		assert_non_null(rte_pktmbuf_append(m, DIPC_MSG_HDR_LEN - 1));
		assert_int_equal(dipc_eth_frame_build(&cfg, &t, m, hdr_pool, ind_pool, frames, 8,
						      NULL), -EINVAL);
		rte_pktmbuf_free(m);
	}
	msg->pkt_len++;
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 8, NULL),
			 -EINVAL);
	msg->pkt_len--;
	msg->nb_segs++;
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 8, NULL),
			 -EINVAL);
	msg->nb_segs--;
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 3, NULL),
			 -ENOSPC); /* 4 frames */
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, NULL, ind_pool, frames, 8, NULL),
			 -ENOSPC);
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, NULL, frames, 8, NULL),
			 -ENOSPC);
	cfg.max_msg_len = 4999;
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 8, NULL),
			 -EMSGSIZE);
	cfg_init(&cfg, 1500);
	t.type = DIPC_ETH_T_HELLO; /* too large for a control frame */
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 8, NULL),
			 -EMSGSIZE);
	t.type = DIPC_ETH_T_DATA;

	/* Pools running dry halfway: the message comes back untouched. */
	read_bytes(msg, 0, 5000, before);
	for (n = 0; n < HDR_MBUFS - 2; n++)
		held[n] = rte_pktmbuf_alloc(hdr_pool);
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 8, NULL),
			 -ENOBUFS);
	for (i = 0; i < (int)n; i++)
		rte_pktmbuf_free(held[i]);
	for (n = 0; n < IND_MBUFS - 3; n++)
		ind_held[n] = rte_pktmbuf_alloc(ind_pool);
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 8, NULL),
			 -ENOBUFS);
	for (i = 0; i < (int)n; i++)
		rte_pktmbuf_free(ind_held[i]);
	for (s = msg; s != NULL; s = s->next)
		assert_int_equal(rte_mbuf_refcnt_read(s), 1);
	read_bytes(msg, 0, 5000, want);
	assert_memory_equal(want, before, 5000);
	pools_full_but(msg_pool, msg->nb_segs);
	/* Header mbufs without room for the headers. */
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, ind_pool, ind_pool, frames, 8, NULL),
			 -ENOSPC);
	/* And now it goes. */
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 8, NULL),
			 4);
	for (i = 0; i < 4; i++)
		rte_pktmbuf_free(frames[i]);
	pools_full();

	/* One frame, no headroom: a header mbuf, or -ENOSPC without a pool;
	 * a message held twice is not written in place either. */
	msg = msg_make(msg_pool, 500, 0, 2, want);
	msg->data_off = 40;
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, NULL, NULL, frames, 1, NULL), -ENOSPC);
	for (n = 0; n < HDR_MBUFS; n++)
		held[n] = rte_pktmbuf_alloc(hdr_pool);
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, NULL, frames, 1, NULL),
			 -ENOBUFS);
	for (i = 0; i < HDR_MBUFS; i++)
		rte_pktmbuf_free(held[i]);
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, ind_pool, NULL, frames, 1, NULL),
			 -ENOSPC);
	assert_int_equal(msg->data_off, 40);
	msg->data_off = RTE_PKTMBUF_HEADROOM;
	rte_mbuf_refcnt_update(msg, 1);
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, NULL, frames, 1, NULL), 1);
	assert_ptr_equal(frames[0]->next, msg);
	assert_int_equal(msg->data_off, RTE_PKTMBUF_HEADROOM); /* not written */
	rte_pktmbuf_free(frames[0]);
	rte_pktmbuf_free(msg);
	/* A control message larger than one frame at a small MTU. */
	cfg_init(&cfg, 200);
	t.type = DIPC_ETH_T_PROOF;
	msg = rte_pktmbuf_alloc(msg_pool);
	assert_non_null(rte_pktmbuf_append(msg, 200 - DIPC_ETH_IP_OVERHEAD + 1));
	assert_int_equal(dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, 8, NULL),
			 -EMSGSIZE);
	rte_pktmbuf_free(msg);
	pools_full();
}

static void
test_all_reasons_seen(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 1; i < DIPC_ETH_DROP_MAX; i++)
		if (seen[i] == 0)
			fail_msg("no case caused drop reason %s", dipc_eth_drop_name(i));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_cfg_check),
		cmocka_unit_test(test_wire_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_ip_offload),
		cmocka_unit_test(test_parse_drops),
		cmocka_unit_test(test_reasm_drops),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_many_partials),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_all_reasons_seen),
	};

	return cmocka_run_group_tests_name("eth-frame", tests, group_setup, group_teardown);
}
