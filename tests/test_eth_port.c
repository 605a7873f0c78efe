/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The eth transport's port set-up and ARP (drivers/eth/dipc_eth_port.h,
 * dipc_eth_arp.h) on real ethdev ports: two net_ring ports joined back to
 * back (what one sends, the other receives, per queue), real mbufs and
 * mempools in ordinary memory (EAL --no-huge --no-shconf), no hugepage.
 *
 * Shows: a port found by name and number; every bad configuration refused
 * with its message before the port is touched; two ports started that
 * resolve each other by ARP (request, reply in place, both tables learn)
 * and then carry a dipc frame byte for byte; every mbuf back in its pool
 * once the ports are closed; each check of a received ARP frame (and that
 * nothing is learned from a bad one, a static entry never overwritten);
 * the neighbour table's limits and ageing; the transmit backlog (order,
 * its limit, a stuck queue's frames dropped, every mbuf back).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dipc_eth_arp.h"
#include "dipc_eth_frame.h"
#include "dipc_eth_port.h"
#include "dipc_msg.h"

#define POOL_MBUFS 2048
#define NB_Q 2

static struct rte_mempool *pool;
static struct rte_mempool *small_pool;

/* RTE_IPV4() shifts ints: 224 << 24 overflows. */
#define IP(a, b, c, d)                                                              \
	rte_cpu_to_be_32(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | \
			 (uint32_t)(d))

static const struct rte_ether_addr mac_a = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x0a } };
static const struct rte_ether_addr mac_b = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x0b } };
static const struct rte_ether_addr mac_c = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x0c } };

/*
 * Two net_ring ports named @a and @b, back to back: queue q of @a sends
 * into the ring queue q of @b receives from, and the other way. Returns 0
 * and their port ids.
 */
static int
ring_pair(const char *a, const char *b, uint16_t *pa, uint16_t *pb)
{
	struct rte_ring *ab[NB_Q], *ba[NB_Q];
	char name[RTE_RING_NAMESIZE];
	unsigned int q;
	int ia, ib;

	for (q = 0; q < NB_Q; q++) {
		snprintf(name, sizeof(name), "%s_%s_%u", a, b, q);
		ab[q] = rte_ring_create(name, 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "%s_%s_%u", b, a, q);
		ba[q] = rte_ring_create(name, 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (ab[q] == NULL || ba[q] == NULL)
			return -1;
	}
	ia = rte_eth_from_rings(a, ba, NB_Q, ab, NB_Q, SOCKET_ID_ANY);
	ib = rte_eth_from_rings(b, ab, NB_Q, ba, NB_Q, SOCKET_ID_ANY);
	if (ia < 0 || ib < 0)
		return -1;
	*pa = (uint16_t)ia;
	*pb = (uint16_t)ib;
	return 0;
}

static int
group_setup(void **state)
{
	char *args[] = { "test_eth_port", "--no-huge", "--no-shconf", "-m", "256", "--no-pci",
			 "-l", "0", "--no-telemetry", "--log-level=lib.eal:error", NULL };

	(void)state;
	if (rte_eal_init(RTE_DIM(args) - 1, args) < 0)
		return -1;
	/* No per-lcore caches: the available counts are exact. */
	pool = rte_pktmbuf_pool_create("eth_port", POOL_MBUFS, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	small_pool = rte_pktmbuf_pool_create("eth_port_small", 64, 0, 0,
					     RTE_PKTMBUF_HEADROOM + 512, SOCKET_ID_ANY);
	return pool != NULL && small_pool != NULL ? 0 : -1;
}

static int
group_teardown(void **state)
{
	(void)state;
	rte_mempool_free(pool);
	rte_mempool_free(small_pool);
	rte_eal_cleanup();
	return 0;
}

static struct dipc_eth_port_conf
good_conf(uint16_t port)
{
	struct dipc_eth_port_conf c = {
		.port_id = port, .nb_rxq = NB_Q, .nb_txq = NB_Q, .nb_rxd = 256, .nb_txd = 256,
		.mtu = 1500, .rx_pool = pool, .socket_id = SOCKET_ID_ANY,
		.mac = { .addr_bytes = { 0x02, 0xd1, 0, 0, 0, (uint8_t)port } },
	};

	return c;
}

static void
test_port_find(void **state)
{
	uint16_t pa = 0, pb = 0, id = 0xffff;
	char num[8];

	(void)state;
	assert_int_equal(ring_pair("find_a", "find_b", &pa, &pb), 0);
	assert_int_equal(dipc_eth_port_find("net_ring_find_b", &id), 0);
	assert_int_equal(id, pb);
	snprintf(num, sizeof(num), "%u", pa);
	assert_int_equal(dipc_eth_port_find(num, &id), 0);
	assert_int_equal(id, pa);
	assert_int_equal(dipc_eth_port_find("net_nothing0", &id), -ENODEV);
	assert_int_equal(dipc_eth_port_find("", &id), -ENODEV);
	assert_int_equal(dipc_eth_port_find(NULL, &id), -ENODEV);
	assert_int_equal(dipc_eth_port_find("999", &id), -ENODEV);
	assert_int_equal(dipc_eth_port_find("0x", &id), -ENODEV);
	assert_int_equal(dipc_eth_port_find("-1", &id), -ENODEV);
	assert_int_equal(dipc_eth_port_close(pa), 0);
	assert_int_equal(dipc_eth_port_close(pb), 0);
	assert_int_equal(dipc_eth_port_find("net_ring_find_a", &id), -ENODEV);
}

/* dipc_eth_port_start() refuses @c with @want and a message holding @text. */
static void
refused(const struct dipc_eth_port_conf *c, int want, const char *text)
{
	struct dipc_eth_port_info info;
	char err[256] = "untouched";

	int ret = dipc_eth_port_start(c, &info, err, sizeof(err));

	if (ret != want)
		fail_msg("want %d ('%s'), got %d: '%s'", want, text, ret, err);
	if (strstr(err, text) == NULL)
		fail_msg("message '%s' lacks '%s'", err, text);
}

static void
test_port_start_refuses_bad_conf(void **state)
{
	struct dipc_eth_port_conf c;
	struct dipc_eth_port_info info;
	uint16_t pa = 0, pb = 0, pn = 0;

	(void)state;
	assert_int_equal(ring_pair("bad_a", "bad_b", &pa, &pb), 0);
	c = good_conf(pa);
	c.nb_rxq = 0;
	refused(&c, -EINVAL, "RX must be 1..");
	c = good_conf(pa);
	c.nb_txq = 1;
	refused(&c, -EINVAL, "TX from RX");
	c = good_conf(pa);
	c.nb_rxq = NB_Q + 1;
	c.nb_txq = NB_Q + 1;
	refused(&c, -ENOTSUP, "it has 2 and 2");
	c = good_conf(pa);
	c.mtu = 40;
	refused(&c, -EINVAL, "MTU 40 out of range");
	c = good_conf(pa);
	c.mtu = DIPC_ETH_MTU_MAX + 1;
	refused(&c, -EINVAL, "out of range");
	c = good_conf(pa);
	c.rx_pool = NULL;
	refused(&c, -EINVAL, "no RX pool");
	/* 512-byte mbufs, 1514-byte frames, on a port that cannot scatter
	 * (net_null reports no receive offload). */
	assert_int_equal(rte_eal_hotplug_add("vdev", "net_null7", ""), 0);
	assert_int_equal(dipc_eth_port_find("net_null7", &pn), 0);
	c = good_conf(pn);
	c.nb_rxq = 1;
	c.nb_txq = 1;
	c.rx_pool = small_pool;
	refused(&c, -EINVAL, "cannot scatter");
	assert_int_equal(rte_eal_hotplug_remove("vdev", "net_null7"), 0);
	c = good_conf(RTE_MAX_ETHPORTS - 1);
	refused(&c, -ENODEV, "no such port");
	/* net_ring ports have no MAC address of their own (all zero). */
	c = good_conf(pa);
	memset(&c.mac, 0, sizeof(c.mac));
	refused(&c, -EINVAL, "no unicast MAC address");
	c = good_conf(pa);
	c.mac.addr_bytes[0] = 0x01;
	refused(&c, -EINVAL, "not a unicast address");
	assert_int_equal(dipc_eth_port_start(NULL, &info, NULL, 0), -EINVAL);
	/* And the port still starts with a good configuration. */
	c = good_conf(pa);
	assert_int_equal(dipc_eth_port_start(&c, &info, NULL, 0), 0);
	assert_string_equal(info.driver, "net_ring");
	assert_true(rte_is_same_ether_addr(&info.mac, &c.mac));
	/* net_ring can neither take a MAC address nor refuse a frame, and it
	 * passes chains whatever its pool: said so. */
	assert_true(info.offloads & DIPC_ETH_PORT_OFL_SOFT_MAC);
	assert_true(info.offloads & DIPC_ETH_PORT_OFL_TX_MULTI_SEG);
	assert_int_equal(dipc_eth_port_close(pa), 0);
	assert_int_equal(dipc_eth_port_close(pb), 0);
	assert_int_equal(dipc_eth_port_close(pa), -ENODEV);
}

/* Receive one frame on @port queue @q, within a generous number of polls
 * (net_ring delivers at once; the bound only ends a broken test). */
static struct rte_mbuf *
rx_one(uint16_t port, uint16_t q)
{
	struct rte_mbuf *m = NULL;
	unsigned int i;

	for (i = 0; i < 1000000; i++)
		if (rte_eth_rx_burst(port, q, &m, 1) == 1)
			return m;
	return NULL;
}

static void
tx_one(uint16_t port, uint16_t q, struct rte_mbuf *m)
{
	assert_int_equal(rte_eth_tx_burst(port, q, &m, 1), 1);
}

static void
test_ports_resolve_and_carry_a_frame(void **state)
{
	struct dipc_eth_port_conf c;
	struct dipc_eth_port_info ia, ib;
	struct dipc_eth_arp_cfg arp_a, arp_b;
	struct dipc_eth_arp_stats st_a, st_b;
	struct dipc_eth_neigh *na, *nb;
	struct rte_ether_addr mac;
	struct rte_mbuf *m, *reply, *frames[4], *out;
	struct dipc_eth_frame_info fi;
	struct dipc_eth_stats fst;
	struct dipc_eth_reasm *r;
	struct dipc_msg_hdr h;
	char err[256];
	uint16_t pa = 0, pb = 0;
	uint8_t *p;
	unsigned int i;
	int n;

	(void)state;
	memset(&st_a, 0, sizeof(st_a));
	memset(&st_b, 0, sizeof(st_b));
	memset(&fst, 0, sizeof(fst));
	assert_int_equal(ring_pair("xa", "xb", &pa, &pb), 0);
	c = good_conf(pa);
	if (dipc_eth_port_start(&c, &ia, err, sizeof(err)) != 0)
		fail_msg("port a: %s", err);
	c = good_conf(pb);
	if (dipc_eth_port_start(&c, &ib, err, sizeof(err)) != 0)
		fail_msg("port b: %s", err);
	assert_int_equal(dipc_eth_port_link_wait(pa, 5000), 0);
	assert_int_equal(dipc_eth_port_link_wait(pb, 5000), 0);
	assert_int_equal(ia.nb_rxq, NB_Q);
	assert_int_equal(ia.mtu, 1500);
	assert_false(rte_is_same_ether_addr(&ia.mac, &ib.mac));

	arp_a.mac = ia.mac;
	arp_a.ip = IP(10, 0, 0, 1);
	arp_b.mac = ib.mac;
	arp_b.ip = IP(10, 0, 0, 2);
	na = dipc_eth_neigh_create(16, 1000, SOCKET_ID_ANY);
	nb = dipc_eth_neigh_create(16, 1000, SOCKET_ID_ANY);
	assert_non_null(na);
	assert_non_null(nb);
	assert_int_equal(dipc_eth_neigh_lookup(na, arp_b.ip, 0, &mac), -ENOENT);

	/* A asks for B's address on queue 1; B answers in place. */
	m = dipc_eth_arp_request(&arp_a, arp_b.ip, pool, &st_a);
	assert_non_null(m);
	tx_one(pa, 1, m);
	m = rx_one(pb, 1);
	assert_non_null(m);
	{
		struct dipc_eth_frame_cfg fc = { .mtu = 1500, .udp_port = rte_cpu_to_be_16(7117),
						 .max_msg_len = 4096 };

		/* What the frame layer calls it: an ARP frame, for the port layer. */
		assert_int_equal(dipc_eth_frame_parse(&fc, m, &fi), DIPC_ETH_DROP_ARP);
	}
	assert_int_equal(dipc_eth_arp_input(&arp_b, nb, m, 10, pool, &reply, &st_b),
			 DIPC_ETH_ARP_REPLY);
	assert_ptr_equal(reply, m);
	assert_int_equal(dipc_eth_neigh_lookup(nb, arp_a.ip, 10, &mac), 0);
	assert_true(rte_is_same_ether_addr(&mac, &ia.mac));
	tx_one(pb, 1, reply);
	m = rx_one(pa, 1);
	assert_non_null(m);
	assert_int_equal(m->pkt_len, DIPC_ETH_ARP_LEN);
	assert_int_equal(dipc_eth_arp_input(&arp_a, na, m, 20, pool, &reply, &st_a),
			 DIPC_ETH_ARP_DONE);
	assert_null(reply);
	rte_pktmbuf_free(m);
	assert_int_equal(dipc_eth_neigh_lookup(na, arp_b.ip, 20, &mac), 0);
	assert_true(rte_is_same_ether_addr(&mac, &ib.mac));
	assert_int_equal(st_a.requests_sent, 1);
	assert_int_equal(st_b.replies_sent, 1);
	assert_int_equal(st_a.learned, 1);
	assert_int_equal(st_b.learned, 1);

	/* Then a dipc message from A to B on queue 0, with what A learned. */
	{
		struct dipc_eth_frame_cfg fc = {
			.mtu = 1500, .udp_port = rte_cpu_to_be_16(7117), .max_msg_len = 4096,
			.local_ip = arp_b.ip, .local_mac = ib.mac,
		};
		struct dipc_eth_frame_tmpl t = {
			.src_mac = ia.mac, .dst_mac = mac, .src_ip = arp_a.ip, .dst_ip = arp_b.ip,
			.src_port = rte_cpu_to_be_16(40000), .dst_port = rte_cpu_to_be_16(7117),
			.type = DIPC_ETH_T_DATA, .conn_id = 3, .conn_gen = 1, .seq = 7,
		};

		if (ia.offloads & DIPC_ETH_PORT_OFL_TX_IP_CKSUM)
			fc.flags |= DIPC_ETH_F_TX_IP_CKSUM_OFFLOAD;
		assert_int_equal(dipc_eth_frame_cfg_check(&fc), 0);
		m = rte_pktmbuf_alloc(pool);
		assert_non_null(m);
		p = (uint8_t *)rte_pktmbuf_append(m, DIPC_MSG_HDR_LEN + 100);
		assert_non_null(p);
		memset(&h, 0, sizeof(h));
		h.magic = DIPC_MSG_MAGIC;
		h.version = DIPC_MSG_VERSION;
		h.method = 1;
		h.stream_id = 99;
		h.body_len = 100;
		memcpy(p, &h, sizeof(h));
		for (i = 0; i < 100; i++)
			p[DIPC_MSG_HDR_LEN + i] = (uint8_t)(i * 7 + 1);
		n = dipc_eth_frame_build(&fc, &t, m, NULL, NULL, frames, RTE_DIM(frames), &fst);
		assert_int_equal(n, 1);
		tx_one(pa, 0, frames[0]);
		m = rx_one(pb, 0);
		assert_non_null(m);
		r = dipc_eth_reasm_create(4, DIPC_ETH_MAX_FRAGS, 1000, SOCKET_ID_ANY);
		assert_non_null(r);
		assert_int_equal(dipc_eth_frame_rx(&fc, r, m, 0, &fi, &out, &fst), DIPC_ETH_OK);
		assert_non_null(out);
		assert_int_equal(fi.conn_id, 3);
		assert_int_equal(fi.seq, 7);
		assert_true(fi.src_ip == arp_a.ip);
		assert_int_equal(out->pkt_len, DIPC_MSG_HDR_LEN + 100);
		p = rte_pktmbuf_mtod(out, uint8_t *);
		assert_memory_equal(p, &h, sizeof(h));
		for (i = 0; i < 100; i++)
			assert_int_equal(p[DIPC_MSG_HDR_LEN + i], (uint8_t)(i * 7 + 1));
		rte_pktmbuf_free(out);
		dipc_eth_reasm_free(r);
	}

	dipc_eth_neigh_free(na);
	dipc_eth_neigh_free(nb);
	assert_int_equal(dipc_eth_port_close(pa), 0);
	assert_int_equal(dipc_eth_port_close(pb), 0);
	/* Every mbuf back: the RX queues' too. */
	assert_int_equal(rte_mempool_avail_count(pool), POOL_MBUFS);
}

/* An ARP frame of @len bytes (at least 42) with the given fields, in one
 * mbuf of the pool. */
static struct rte_mbuf *
arp_frame(uint16_t len, uint16_t htype, uint16_t op, const struct rte_ether_addr *sha,
	  rte_be32_t sip, rte_be32_t tip)
{
	struct {
		struct rte_ether_hdr eth;
		struct rte_arp_hdr arp;
	} f;
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;

	assert_non_null(m);
	memset(&f, 0, sizeof(f));
	memset(&f.eth.dst_addr, 0xff, sizeof(f.eth.dst_addr));
	rte_ether_addr_copy(sha, &f.eth.src_addr);
	f.eth.ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	f.arp.arp_hardware = rte_cpu_to_be_16(htype);
	f.arp.arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	f.arp.arp_hlen = 6;
	f.arp.arp_plen = 4;
	f.arp.arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(sha, &f.arp.arp_data.arp_sha);
	f.arp.arp_data.arp_sip = sip;
	f.arp.arp_data.arp_tip = tip;
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	assert_non_null(p);
	memset(p, 0, len);
	memcpy(p, &f, RTE_MIN((size_t)len, sizeof(f)));
	return m;
}

static void
test_arp_input_checks(void **state)
{
	const struct dipc_eth_arp_cfg me = { .mac = mac_a, .ip = IP(10, 0, 0, 1) };
	const struct rte_ether_addr group = { .addr_bytes = { 0x03, 0, 0, 0, 0, 1 } };
	struct dipc_eth_arp_stats st;
	struct dipc_eth_neigh *t;
	struct rte_ether_addr mac;
	struct rte_mbuf *m, *reply, *seg2;
	unsigned int avail = rte_mempool_avail_count(pool);
	int i;

	(void)state;
	memset(&st, 0, sizeof(st));
	t = dipc_eth_neigh_create(8, 1000, SOCKET_ID_ANY);
	assert_non_null(t);

	/* Each bad frame: its reason, nothing learned, no reply. */
	struct {
		uint16_t len, htype, op;
		const struct rte_ether_addr *sha;
		rte_be32_t sip;
		int want;
	} bad[] = {
		{ 41, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &mac_b, IP(10, 0, 0, 2),
		  DIPC_ETH_ARP_TRUNCATED },
		{ 42, 6, RTE_ARP_OP_REQUEST, &mac_b, IP(10, 0, 0, 2), DIPC_ETH_ARP_FORMAT },
		{ 42, RTE_ARP_HRD_ETHER, 3, &mac_b, IP(10, 0, 0, 2), DIPC_ETH_ARP_OP },
		{ 42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &group, IP(10, 0, 0, 2),
		  DIPC_ETH_ARP_SENDER },
		{ 42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &mac_b, 0, DIPC_ETH_ARP_SENDER },
		{ 42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &mac_b, IP(255, 255, 255, 255),
		  DIPC_ETH_ARP_SENDER },
		{ 42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &mac_b, IP(224, 0, 0, 5),
		  DIPC_ETH_ARP_SENDER },
		{ 42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REPLY, &mac_b, IP(10, 0, 0, 1),
		  DIPC_ETH_ARP_CONFLICT },
	};
	for (i = 0; i < (int)RTE_DIM(bad); i++) {
		m = arp_frame(bad[i].len, bad[i].htype, bad[i].op, bad[i].sha, bad[i].sip, me.ip);
		reply = (struct rte_mbuf *)1;
		if (dipc_eth_arp_input(&me, t, m, 0, pool, &reply, &st) != bad[i].want)
			fail_msg("bad frame %d: not %s", i, dipc_eth_arp_result_name(bad[i].want));
		assert_null(reply);
		rte_pktmbuf_free(m);
	}
	assert_int_equal(dipc_eth_neigh_count(t), 0);
	assert_int_equal(st.drops[-DIPC_ETH_ARP_SENDER], 4);
	assert_int_equal(st.drops[-DIPC_ETH_ARP_TRUNCATED], 1);
	assert_int_equal(st.replies_sent, 0);

	/* A request for another host from an unknown sender: not learned. */
	m = arp_frame(42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &mac_b, IP(10, 0, 0, 2),
		      IP(10, 0, 0, 9));
	assert_int_equal(dipc_eth_arp_input(&me, t, m, 0, pool, &reply, &st),
			 DIPC_ETH_ARP_NOT_OURS);
	rte_pktmbuf_free(m);
	assert_int_equal(dipc_eth_neigh_count(t), 0);

	/* A request for us, padded to 60 bytes: learned, answered in place
	 * with 42 bytes. */
	m = arp_frame(60, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &mac_b, IP(10, 0, 0, 2), me.ip);
	assert_int_equal(dipc_eth_arp_input(&me, t, m, 5, pool, &reply, &st), DIPC_ETH_ARP_REPLY);
	assert_ptr_equal(reply, m);
	assert_int_equal(reply->pkt_len, DIPC_ETH_ARP_LEN);
	{
		const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(reply, const struct rte_ether_hdr *);
		const struct rte_arp_hdr *ah = (const struct rte_arp_hdr *)(eh + 1);

		assert_true(rte_is_same_ether_addr(&eh->dst_addr, &mac_b));
		assert_true(rte_is_same_ether_addr(&eh->src_addr, &me.mac));
		assert_int_equal(rte_be_to_cpu_16(ah->arp_opcode), RTE_ARP_OP_REPLY);
		assert_true(ah->arp_data.arp_sip == me.ip);
		assert_true(ah->arp_data.arp_tip == IP(10, 0, 0, 2));
		assert_true(rte_is_same_ether_addr(&ah->arp_data.arp_tha, &mac_b));
	}
	rte_pktmbuf_free(reply);
	assert_int_equal(dipc_eth_neigh_lookup(t, IP(10, 0, 0, 2), 5, &mac), 0);
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));

	/* A known sender moves to another MAC (a reply to someone else): refreshed. */
	m = arp_frame(42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REPLY, &mac_c, IP(10, 0, 0, 2),
		      IP(10, 0, 0, 9));
	assert_int_equal(dipc_eth_arp_input(&me, t, m, 6, pool, &reply, &st), DIPC_ETH_ARP_DONE);
	rte_pktmbuf_free(m);
	assert_int_equal(dipc_eth_neigh_lookup(t, IP(10, 0, 0, 2), 6, &mac), 0);
	assert_true(rte_is_same_ether_addr(&mac, &mac_c));

	/* A static entry: ARP never overwrites it. */
	assert_int_equal(dipc_eth_neigh_add_static(t, IP(10, 0, 0, 3), &mac_b), 0);
	m = arp_frame(42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &mac_c, IP(10, 0, 0, 3), me.ip);
	assert_int_equal(dipc_eth_arp_input(&me, t, m, 7, pool, &reply, &st), DIPC_ETH_ARP_REPLY);
	rte_pktmbuf_free(reply);
	assert_int_equal(dipc_eth_neigh_lookup(t, IP(10, 0, 0, 3), 1u << 30, &mac), 0);
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));

	/* A request in two segments (20 + 22 bytes): read across them, the
	 * reply built in a new mbuf, the frame left as it was. */
	m = arp_frame(42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &mac_c, IP(10, 0, 0, 4), me.ip);
	seg2 = rte_pktmbuf_alloc(pool);
	assert_non_null(seg2);
	memcpy(rte_pktmbuf_append(seg2, 22), rte_pktmbuf_mtod_offset(m, uint8_t *, 20), 22);
	assert_int_equal(rte_pktmbuf_trim(m, 22), 0);
	assert_int_equal(rte_pktmbuf_chain(m, seg2), 0);
	assert_int_equal(dipc_eth_arp_input(&me, t, m, 8, pool, &reply, &st), DIPC_ETH_ARP_REPLY);
	assert_ptr_not_equal(reply, m);
	assert_int_equal(m->nb_segs, 2);
	assert_int_equal(reply->pkt_len, DIPC_ETH_ARP_LEN);
	rte_pktmbuf_free(reply);
	/* Without a pool for it: no reply, but learned. */
	assert_int_equal(dipc_eth_arp_input(&me, t, m, 9, NULL, &reply, &st), DIPC_ETH_ARP_DONE);
	assert_null(reply);
	rte_pktmbuf_free(m);
	assert_int_equal(dipc_eth_neigh_lookup(t, IP(10, 0, 0, 4), 9, &mac), 0);

	assert_int_equal(st.rx, RTE_DIM(bad) + 6);
	assert_int_equal(st.replies_sent, 3);
	dipc_eth_neigh_free(t);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
}

static void
test_neigh_table(void **state)
{
	struct dipc_eth_neigh *t;
	struct rte_ether_addr mac, zero;
	const struct dipc_eth_arp_cfg me = { .mac = mac_a, .ip = IP(10, 0, 0, 1) };
	struct rte_mbuf *m, *reply;
	struct dipc_eth_arp_stats st;
	unsigned int i;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	memset(&st, 0, sizeof(st));
	assert_null(dipc_eth_neigh_create(0, 10, SOCKET_ID_ANY));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(dipc_eth_neigh_create(65537, 10, SOCKET_ID_ANY));
	t = dipc_eth_neigh_create(4, 100, SOCKET_ID_ANY);
	assert_non_null(t);
	assert_int_equal(dipc_eth_neigh_add_static(t, 0, &mac_b), -EINVAL);
	assert_int_equal(dipc_eth_neigh_add_static(t, IP(239, 1, 1, 1), &mac_b), -EINVAL);
	assert_int_equal(dipc_eth_neigh_add_static(t, IP(10, 0, 0, 2), &zero), -EINVAL);
	assert_int_equal(dipc_eth_neigh_add_static(t, IP(10, 0, 0, 2), NULL), -EINVAL);
	for (i = 0; i < 3; i++)
		assert_int_equal(dipc_eth_neigh_add_static(t, IP(10, 0, 1, i + 1), &mac_b), 0);
	/* Replacing one is not a new entry. */
	assert_int_equal(dipc_eth_neigh_add_static(t, IP(10, 0, 1, 1), &mac_c), 0);
	assert_int_equal(dipc_eth_neigh_count(t), 3);

	/* A learned entry at time 10 with a ttl of 100: used up to 109. */
	m = arp_frame(42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &mac_c, IP(10, 0, 0, 7), me.ip);
	assert_int_equal(dipc_eth_arp_input(&me, t, m, 10, pool, &reply, &st), DIPC_ETH_ARP_REPLY);
	rte_pktmbuf_free(reply);
	assert_int_equal(dipc_eth_neigh_lookup(t, IP(10, 0, 0, 7), 109, &mac), 0);
	assert_int_equal(dipc_eth_neigh_lookup(t, IP(10, 0, 0, 7), 110, &mac), -ENOENT);
	assert_int_equal(dipc_eth_neigh_lookup(t, IP(10, 0, 1, 1), 1000000, &mac), 0);
	assert_true(rte_is_same_ether_addr(&mac, &mac_c));

	/* Full (4): a fifth address is neither added nor learned. */
	assert_int_equal(dipc_eth_neigh_count(t), 4);
	assert_int_equal(dipc_eth_neigh_add_static(t, IP(10, 0, 1, 9), &mac_b), -ENOSPC);
	m = arp_frame(42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &mac_c, IP(10, 0, 0, 8), me.ip);
	assert_int_equal(dipc_eth_arp_input(&me, t, m, 10, pool, &reply, &st), DIPC_ETH_ARP_REPLY);
	rte_pktmbuf_free(reply);
	assert_int_equal(st.table_full, 1);
	assert_int_equal(dipc_eth_neigh_lookup(t, IP(10, 0, 0, 8), 10, &mac), -ENOENT);
	/* The aged entry is refreshed in place. */
	m = arp_frame(42, RTE_ARP_HRD_ETHER, RTE_ARP_OP_REQUEST, &mac_b, IP(10, 0, 0, 7), me.ip);
	assert_int_equal(dipc_eth_arp_input(&me, t, m, 500, pool, &reply, &st),
			 DIPC_ETH_ARP_REPLY);
	rte_pktmbuf_free(reply);
	assert_int_equal(dipc_eth_neigh_lookup(t, IP(10, 0, 0, 7), 550, &mac), 0);
	assert_true(rte_is_same_ether_addr(&mac, &mac_b));
	dipc_eth_neigh_free(t);
	dipc_eth_neigh_free(NULL);
}

static void
test_arp_request(void **state)
{
	const struct dipc_eth_arp_cfg me = { .mac = mac_a, .ip = IP(10, 0, 0, 1) };
	struct rte_mempool *tiny;
	struct rte_mbuf *m;
	const struct rte_ether_hdr *eh;
	const struct rte_arp_hdr *ah;

	(void)state;
	m = dipc_eth_arp_request(&me, IP(10, 0, 0, 2), pool, NULL);
	assert_non_null(m);
	assert_int_equal(m->pkt_len, DIPC_ETH_ARP_LEN);
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	ah = (const struct rte_arp_hdr *)(eh + 1);
	assert_true(rte_is_broadcast_ether_addr(&eh->dst_addr));
	assert_true(rte_is_same_ether_addr(&eh->src_addr, &mac_a));
	assert_int_equal(rte_be_to_cpu_16(eh->ether_type), RTE_ETHER_TYPE_ARP);
	assert_int_equal(rte_be_to_cpu_16(ah->arp_opcode), RTE_ARP_OP_REQUEST);
	assert_true(ah->arp_data.arp_sip == me.ip);
	assert_true(ah->arp_data.arp_tip == IP(10, 0, 0, 2));
	rte_pktmbuf_free(m);

	assert_null(dipc_eth_arp_request(&me, IP(255, 255, 255, 255), pool, NULL));
	assert_int_equal(rte_errno, EINVAL);
	tiny = rte_pktmbuf_pool_create("eth_port_tiny", 16, 0, 0, RTE_PKTMBUF_HEADROOM + 16,
				       SOCKET_ID_ANY);
	assert_non_null(tiny);
	assert_null(dipc_eth_arp_request(&me, IP(10, 0, 0, 2), tiny, NULL));
	assert_int_equal(rte_errno, ENOSPC);
	rte_mempool_free(tiny);
	assert_string_equal(dipc_eth_arp_result_name(DIPC_ETH_ARP_REPLY), "reply");
	assert_string_equal(dipc_eth_arp_result_name(DIPC_ETH_ARP_CONFLICT), "conflict");
	assert_string_equal(dipc_eth_arp_result_name(-100), "unknown");
	assert_string_equal(dipc_eth_arp_result_name(7), "unknown");
}

/* @n frames of one byte each, numbered from @first. */
static void
numbered(struct rte_mbuf **f, unsigned int n, unsigned int first)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		f[i] = rte_pktmbuf_alloc(pool);
		assert_non_null(f[i]);
		*(uint8_t *)rte_pktmbuf_append(f[i], 1) = (uint8_t)(first + i);
	}
}

/* Take @n frames off the port's transmit ring: numbered from @first, in
 * order. */
static void
take_numbered(struct rte_ring *r, unsigned int n, unsigned int first)
{
	struct rte_mbuf *m[128];
	unsigned int i, got;

	assert_true(n <= RTE_DIM(m));
	got = rte_ring_dequeue_burst(r, (void **)m, n, NULL);
	assert_int_equal(got, n);
	for (i = 0; i < got; i++) {
		assert_int_equal(*rte_pktmbuf_mtod(m[i], uint8_t *), (uint8_t)(first + i));
		rte_pktmbuf_free(m[i]);
	}
}

/*
 * The transmit backlog on a net_ring port whose ring holds 63 frames:
 * what the queue does not take waits, in order, and goes first when
 * there is room; past the backlog's size frames are freed and counted; a
 * queue that takes nothing for max_wait_ms has its backlog dropped; every
 * mbuf back in the pool.
 */
static void
test_tx_backlog(void **state)
{
	struct rte_ring *tx, *rx;
	struct rte_mbuf *f[128];
	struct dipc_eth_backlog b;
	struct dipc_eth_port_conf c;
	struct dipc_eth_port_info info;
	unsigned int avail = rte_mempool_avail_count(pool);
	int port;

	(void)state;
	tx = rte_ring_create("backlog_tx", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	rx = rte_ring_create("backlog_rx", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	assert_non_null(tx);
	assert_non_null(rx);
	port = rte_eth_from_rings("net_ring_backlog", &rx, 1, &tx, 1, SOCKET_ID_ANY);
	assert_true(port >= 0);
	c = good_conf((uint16_t)port);
	c.nb_rxq = 1;
	c.nb_txq = 1;
	assert_int_equal(dipc_eth_port_start(&c, &info, NULL, 0), 0);

	assert_int_equal(dipc_eth_backlog_init(&b, 100, 50, SOCKET_ID_ANY), -EINVAL);
	assert_int_equal(dipc_eth_backlog_init(&b, 0, 50, SOCKET_ID_ANY), -EINVAL);
	assert_int_equal(dipc_eth_backlog_init(&b, 131072, 50, SOCKET_ID_ANY), -EINVAL);
	assert_int_equal(dipc_eth_backlog_init(&b, 64, 0, SOCKET_ID_ANY), -EINVAL);
	assert_int_equal(dipc_eth_backlog_init(&b, 64, 50, SOCKET_ID_ANY), 0);

	/* 100 frames: 63 into the ring, 37 wait. */
	numbered(f, 100, 0);
	assert_int_equal(dipc_eth_tx((uint16_t)port, 0, &b, f, 100), 0);
	assert_int_equal(rte_ring_count(tx), 63);
	assert_int_equal(dipc_eth_backlog_count(&b), 37);
	/* 40 more go behind them: 27 fit, 13 are freed and counted. */
	numbered(f, 40, 100);
	assert_int_equal(dipc_eth_tx((uint16_t)port, 0, &b, f, 40), 13);
	assert_int_equal(dipc_eth_backlog_count(&b), 64);
	/* Room again: the backlog goes out in order (63..126). */
	take_numbered(tx, 63, 0);
	assert_int_equal(dipc_eth_backlog_flush((uint16_t)port, 0, &b), 0);
	assert_int_equal(dipc_eth_backlog_count(&b), 1);
	take_numbered(tx, 63, 63);
	assert_int_equal(dipc_eth_backlog_flush((uint16_t)port, 0, &b), 0);
	assert_int_equal(dipc_eth_backlog_count(&b), 0);
	take_numbered(tx, 1, 126);
	assert_int_equal(rte_ring_count(tx), 0);

	/* A queue that takes nothing: the backlog is dropped once 50 ms have
	 * passed since the first flush that sent nothing, not before. */
	numbered(f, 73, 0);
	assert_int_equal(dipc_eth_tx((uint16_t)port, 0, &b, f, 73), 0);
	assert_int_equal(dipc_eth_backlog_count(&b), 10);
	assert_int_equal(dipc_eth_backlog_flush((uint16_t)port, 0, &b), 0);
	assert_int_equal(dipc_eth_backlog_count(&b), 10);
	rte_delay_us_sleep(60 * 1000); /* time passing, not a wait for another thread */
	assert_int_equal(dipc_eth_backlog_flush((uint16_t)port, 0, &b), 10);
	assert_int_equal(dipc_eth_backlog_count(&b), 0);
	take_numbered(tx, 63, 0);

	/* Drop and free: the frames waiting go back to the pool. */
	numbered(f, 68, 0);
	assert_int_equal(dipc_eth_tx((uint16_t)port, 0, &b, f, 68), 0);
	assert_int_equal(dipc_eth_backlog_drop(&b), 5);
	take_numbered(tx, 63, 0);
	numbered(f, 66, 0);
	assert_int_equal(dipc_eth_tx((uint16_t)port, 0, &b, f, 66), 0);
	dipc_eth_backlog_free(&b);
	assert_int_equal(dipc_eth_backlog_count(&b), 0);
	dipc_eth_backlog_free(&b); /* all zero: nothing to do */
	take_numbered(tx, 63, 0);
	assert_int_equal(dipc_eth_port_close((uint16_t)port), 0);
	assert_int_equal(rte_mempool_avail_count(pool), avail);
	rte_ring_free(tx);
	rte_ring_free(rx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_find),
		cmocka_unit_test(test_port_start_refuses_bad_conf),
		cmocka_unit_test(test_ports_resolve_and_carry_a_frame),
		cmocka_unit_test(test_arp_input_checks),
		cmocka_unit_test(test_neigh_table),
		cmocka_unit_test(test_arp_request),
		cmocka_unit_test(test_tx_backlog),
	};

	return cmocka_run_group_tests_name("eth-port", tests, group_setup, group_teardown);
}
